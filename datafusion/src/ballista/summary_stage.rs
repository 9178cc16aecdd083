//! The summary stage on a cluster under a [`JobGuard`]: each attempt computes the input's
//! figures with a plain aggregate, runs `cv_summary` per customer, and accepts what came back
//! only if its customers, lines and net total equal the input's.
//!
//! Why a check and not trust: after an executor is lost mid-job, Ballista 55 with its static
//! planner reruns the lost tasks and can finish with a stage that saw other rows than the
//! input's (tried with stand-in functions: summaries right, RFM scores off). Three figures
//! summed over the stage's rows see a lost, doubled or split group, whichever partition it was
//! in.
//!
//! Why a deadline: when the lost executor held completed map output and the next stage was
//! running, Ballista 55 (either planner) resets and rolls back the stages, then never finishes
//! the job, and the same scheduler queues every later job without planning it (seen for 100 s
//! in `tests/ballista/faults.rs`). The guard then ends with [`GuardError::Exhausted`], each
//! attempt's deadline named; restarting the scheduler is what brings the cluster back. A job
//! past its deadline is cancelled on the scheduler (when the client knows its id); in that
//! test the scheduler took the cancellation and stayed stuck.

use chrono::NaiveDate;
use datafusion::arrow::array::{Array, AsArray, RecordBatch, StructArray};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Int64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::SessionContext;
use rust_decimal::Decimal;

use super::cancel::collect_or_cancel;
use super::guard::{GuardError, Guarded, JobFailure, JobGuard};
use crate::summary::DEFAULT_MINOR_UNIT_SCALE;

/// The summary stage of a log table: `cv_summary(day, amount, as_of)` (default options: late
/// lines excluded, refunds netted) grouped by customer.
///
/// # Examples
///
/// ```
/// use chrono::NaiveDate;
/// use customer_value_datafusion::ballista::SummaryStage;
///
/// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(1998, 6, 30).unwrap())
///     .columns("customer_id", "day", "amount");
/// assert!(stage.summary_sql().contains("cv_summary(\"day\", \"amount\", DATE '1998-06-30')"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryStage {
    table: String,
    customer: String,
    day: String,
    amount: String,
    as_of: NaiveDate,
}

/// The figures the check compares: of the input (by a plain aggregate) or of the summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageFigures {
    /// Distinct customers (a NULL customer is one group).
    pub customers: u64,
    /// Lines, counted or not (late and NULL lines included).
    pub lines: u64,
    /// The net of the lines dated up to the observation end, exact.
    pub net: Decimal,
}

/// Summaries that passed the check.
#[derive(Debug, Clone)]
pub struct CheckedSummaries {
    /// `customer`, `summary` (the `cv_summary` struct): one row per customer.
    pub batches: Vec<RecordBatch>,
    /// Their figures, equal to the input's.
    pub figures: StageFigures,
}

impl SummaryStage {
    /// The stage for the table `table` (a name registered on the context) as of `as_of`, with
    /// the columns `customer_id`, `day` and `amount`.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value_datafusion::ballista::SummaryStage;
    ///
    /// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    /// assert!(stage.summary_sql().contains("GROUP BY \"customer_id\""));
    /// ```
    pub fn new(table: &str, as_of: NaiveDate) -> SummaryStage {
        SummaryStage {
            table: table.to_owned(),
            customer: "customer_id".to_owned(),
            day: "day".to_owned(),
            amount: "amount".to_owned(),
            as_of,
        }
    }

    /// The same stage with other column names.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value_datafusion::ballista::SummaryStage;
    ///
    /// let stage = SummaryStage::new("orders", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap())
    ///     .columns("client", "ordered_at", "net");
    /// assert!(stage.input_figures_sql().contains("COUNT(DISTINCT \"client\")"));
    /// ```
    pub fn columns(mut self, customer: &str, day: &str, amount: &str) -> SummaryStage {
        self.customer = customer.to_owned();
        self.day = day.to_owned();
        self.amount = amount.to_owned();
        self
    }

    /// The stage's query: `customer`, `summary` per customer.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value_datafusion::ballista::SummaryStage;
    ///
    /// let sql = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap()).summary_sql();
    /// assert!(sql.starts_with("SELECT \"customer_id\" AS customer, cv_summary("));
    /// ```
    pub fn summary_sql(&self) -> String {
        let (table, customer) = (quoted(&self.table), quoted(&self.customer));
        format!(
            "SELECT {customer} AS customer, cv_summary({}, {}, DATE '{}') AS summary \
             FROM {table} GROUP BY {customer}",
            quoted(&self.day),
            quoted(&self.amount),
            self.as_of.format("%Y-%m-%d"),
        )
    }

    /// The plain aggregate of the input's figures (no function of this crate): customers, lines
    /// and the net of the lines dated up to the observation end.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value_datafusion::ballista::SummaryStage;
    ///
    /// let sql = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap()).input_figures_sql();
    /// assert!(sql.contains("COUNT(*) AS lines"));
    /// ```
    pub fn input_figures_sql(&self) -> String {
        let customer = quoted(&self.customer);
        format!(
            "SELECT COUNT(DISTINCT {customer}) \
                    + MAX(CASE WHEN {customer} IS NULL THEN 1 ELSE 0 END) AS customers, \
                    COUNT(*) AS lines, \
                    SUM(CASE WHEN CAST({} AS DATE) <= DATE '{}' THEN {} END) AS net \
             FROM {}",
            quoted(&self.day),
            self.as_of.format("%Y-%m-%d"),
            quoted(&self.amount),
            quoted(&self.table),
        )
    }

    /// Runs the stage under `guard`: an attempt that does not finish within the deadline, or
    /// whose summaries' figures differ from the input's, is dropped and the whole stage run
    /// again.
    ///
    /// # Errors
    ///
    /// [`GuardError::Engine`] if the engine refuses a query or fails the job (also when the
    /// input's figures cannot be read: an empty table, an amount that is neither a decimal nor
    /// an integer), and [`GuardError::Exhausted`] when no attempt passed, with the reason of
    /// each.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use chrono::NaiveDate;
    /// use customer_value_datafusion::ballista::{JobGuard, SummaryStage};
    /// use datafusion::prelude::SessionContext;
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// // In-process here; on a cluster, `ctx` comes from `ballista::connect`.
    /// let ctx = SessionContext::new();
    /// customer_value_datafusion::register_all(&ctx);
    /// ctx.sql("CREATE VIEW log AS SELECT * FROM (VALUES (1, DATE '2024-01-02', CAST(20.00 AS DECIMAL(10, 2))),
    ///          (1, DATE '2024-02-09', CAST(5.00 AS DECIMAL(10, 2))), (2, DATE '2024-01-05', CAST(7.99 AS DECIMAL(10, 2))))
    ///          AS t(customer_id, day, amount)").await?;
    /// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    /// let checked = stage.run(&ctx, &JobGuard::new(Duration::from_secs(60), 2)).await?;
    /// // The line of 2024-02-09 is late: counted as a line, not in the net.
    /// assert_eq!((checked.value.figures.customers, checked.value.figures.lines), (2, 3));
    /// assert_eq!(checked.value.figures.net.to_string(), "27.99");
    /// assert!(checked.rejected.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn run(
        &self, ctx: &SessionContext, guard: &JobGuard,
    ) -> Result<Guarded<CheckedSummaries>, GuardError> {
        guard.run(|_| self.attempt(ctx)).await
    }

    /// One attempt: the summaries, the input's figures, the check. (Summaries first, so a
    /// fault injected at the attempt's first shuffle file hits the summary job.)
    pub(super) async fn attempt(
        &self, ctx: &SessionContext,
    ) -> Result<CheckedSummaries, JobFailure> {
        let batches = collect_or_cancel(ctx.sql(&self.summary_sql()).await?).await?;
        let figures = summary_figures(&batches)?;
        let input = input_figures(ctx, &self.input_figures_sql()).await?;
        check(&input, &figures)?;
        Ok(CheckedSummaries { batches, figures })
    }
}

/// The first figure of the summaries that differs from the input's, as a failed check.
fn check(input: &StageFigures, summaries: &StageFigures) -> Result<(), JobFailure> {
    let failure = |figure: &str, want: &dyn std::fmt::Display, got: &dyn std::fmt::Display| {
        Err(JobFailure::integrity("summary", figure, want, got))
    };
    if input.customers != summaries.customers {
        return failure("customers", &input.customers, &summaries.customers);
    }
    if input.lines != summaries.lines {
        return failure("lines", &input.lines, &summaries.lines);
    }
    // Decimals compare by value: 27.99 equals 27.9900000000 (integer minor units come back at
    // scale 10).
    if input.net != summaries.net {
        return failure(
            "net total",
            &input.net.normalize(),
            &summaries.net.normalize(),
        );
    }
    Ok(())
}

/// `name` as a quoted SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The one row of [`SummaryStage::input_figures_sql`].
async fn input_figures(ctx: &SessionContext, sql: &str) -> Result<StageFigures> {
    let batches = collect_or_cancel(ctx.sql(sql).await?).await?;
    let batch = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .ok_or_else(|| DataFusionError::Execution("the input's figures: no row".into()))?;
    let count = |k: usize| -> Result<u64> {
        let value = ScalarValue::try_from_array(batch.column(k), 0)?;
        match value {
            ScalarValue::Int64(Some(n)) => Ok(n.max(0) as u64),
            other => exec_error(format!("the input's figures: a count of {other}")),
        }
    };
    let net = match ScalarValue::try_from_array(batch.column(2), 0)? {
        // No dated line: nothing netted.
        ScalarValue::Decimal128(None, _, _) | ScalarValue::Int64(None) => Decimal::ZERO,
        ScalarValue::Decimal128(Some(v), _, scale) => decimal(v, scale)?,
        // Integer minor units, at cv_summary's default minor unit scale.
        ScalarValue::Int64(Some(v)) => decimal(i128::from(v), DEFAULT_MINOR_UNIT_SCALE as i8)?,
        other => return exec_error(format!("the input's net is {}", other.data_type())),
    };
    Ok(StageFigures {
        customers: count(0)?,
        lines: count(1)?,
        net,
    })
}

/// The figures of the summaries that came back: rows, lines of every kind, total spend.
fn summary_figures(batches: &[RecordBatch]) -> Result<StageFigures> {
    let (mut customers, mut lines, mut net) = (0u64, 0u64, 0i128);
    let mut scale = 0;
    for batch in batches {
        let summary = batch.column(1).as_struct();
        customers += batch.num_rows() as u64;
        for name in ["counted_lines", "late_lines", "null_lines"] {
            let counts = field(summary, name)?.as_primitive::<Int64Type>();
            lines += counts
                .iter()
                .flatten()
                .map(|n| n.max(0) as u64)
                .sum::<u64>();
        }
        let spend = field(summary, "total_spend")?;
        if let DataType::Decimal128(_, s) = spend.data_type() {
            scale = *s;
        }
        let spend = spend.as_primitive::<Decimal128Type>();
        net += spend.iter().flatten().sum::<i128>();
    }
    Ok(StageFigures {
        customers,
        lines,
        net: decimal(net, scale)?,
    })
}

fn field<'a>(summary: &'a StructArray, name: &str) -> Result<&'a dyn Array> {
    summary
        .column_by_name(name)
        .map(|c| c.as_ref())
        .ok_or_else(|| DataFusionError::Execution(format!("the summary has no field {name}")))
}

/// `mantissa` × 10^−`scale` as an exact decimal.
fn decimal(mantissa: i128, scale: i8) -> Result<Decimal> {
    Decimal::try_from_i128_with_scale(mantissa, scale.max(0) as u32).map_err(|e| {
        DataFusionError::Execution(format!("a net total of {mantissa} at scale {scale}: {e}"))
    })
}

fn exec_error<T>(message: String) -> Result<T> {
    Err(DataFusionError::Execution(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(customers: u64, lines: u64, cents: i64) -> StageFigures {
        StageFigures {
            customers,
            lines,
            net: Decimal::new(cents, 2),
        }
    }

    #[test]
    fn the_first_differing_figure_fails_the_check() {
        let input = figures(23_570, 69_659, 250_031_563);
        assert!(check(&input, &input).is_ok());
        // The same net at another scale is the same amount.
        let rescaled = StageFigures {
            net: Decimal::new(2_500_315_630, 3),
            ..input
        };
        assert!(check(&input, &rescaled).is_ok());
        let cases = [
            (figures(23_569, 69_650, 250_000_000), "customers", "23569"),
            (figures(23_570, 69_660, 250_031_563), "lines", "69660"),
            (
                figures(23_570, 69_659, 250_031_564),
                "net total",
                "2500315.64",
            ),
        ];
        for (found, figure, text) in cases {
            match check(&input, &found) {
                Err(JobFailure::Integrity(failure)) => {
                    assert_eq!(
                        (failure.figure.as_str(), failure.found.as_str()),
                        (figure, text)
                    );
                    assert_eq!(failure.stage, "summary");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn integer_minor_units_and_timestamps_pass_the_check() {
        let ctx = SessionContext::new();
        crate::register_all(&ctx);
        let log = "CREATE VIEW orders AS SELECT * FROM (VALUES
            (1, TIMESTAMP '2024-01-02 10:00:00', 2000), (1, TIMESTAMP '2024-01-31 23:59:00', -250),
            (2, TIMESTAMP '2024-02-01 00:00:00', 799), (NULL, NULL, 100), (3, NULL, 5))
            AS t(client, at, cents)";
        ctx.sql(log).await.unwrap();
        let stage = SummaryStage::new("orders", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap())
            .columns("client", "at", "cents");
        let guard = JobGuard::new(std::time::Duration::from_secs(60), 1);
        let checked = stage.run(&ctx, &guard).await.unwrap().value;
        // Customers 1, 2, 3 and the NULL one; 17.50 dated by the end (2024-02-01 is late).
        assert_eq!(checked.figures, figures(4, 5, 1_750));
        assert_eq!(
            checked.batches.iter().map(|b| b.num_rows()).sum::<usize>(),
            4
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        let stage = SummaryStage::new("my \"log\"", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
        assert!(stage
            .summary_sql()
            .ends_with("FROM \"my \"\"log\"\"\" GROUP BY \"customer_id\""));
    }
}
