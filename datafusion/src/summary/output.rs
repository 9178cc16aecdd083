//! The struct `cv_summary` returns per customer (its fields are documented in the
//! [module](super) docs), built from finished ledgers.

use std::sync::Arc;

use customer_value::summary::{FinishedLedger, LedgerOutcome};
use customer_value::{CustomerSummary, TimeUnit};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Decimal128Array, Float64Array, Int64Array, StringArray, StructArray,
};
use datafusion::arrow::datatypes::{DataType, Date32Type, Field, Fields};
use datafusion::common::{exec_err, Result};
use rust_decimal::{Decimal, RoundingStrategy};

use super::arguments::NAME;

/// The status of a customer with a summary.
///
/// # Examples
///
/// ```
/// assert_eq!(customer_value_datafusion::summary::STATUS_SUMMARY, "summary");
/// ```
pub const STATUS_SUMMARY: &str = "summary";
/// The status of a customer whose counted lines net to no purchase occasion.
///
/// # Examples
///
/// ```
/// assert_eq!(customer_value_datafusion::summary::STATUS_DROPPED, "dropped");
/// ```
pub const STATUS_DROPPED: &str = "dropped";
/// The status of a customer none of whose lines was counted.
///
/// # Examples
///
/// ```
/// assert_eq!(customer_value_datafusion::summary::STATUS_NO_COUNTED_LINE, "no_counted_line");
/// ```
pub const STATUS_NO_COUNTED_LINE: &str = "no_counted_line";

/// The extra decimals of the mean repeat spend over the amounts' scale, as DataFusion's `AVG`
/// of a `DECIMAL(p, s)` gives `s + 4`.
const MEAN_EXTRA_SCALE: i8 = 4;

/// The largest magnitude of a `DECIMAL(38, _)`: 10^38 − 1.
const MAX_DECIMAL38: i128 = 10i128.pow(38) - 1;

/// The scale of the mean repeat spend for money fields at `scale`: 4 more decimals, up to the
/// 28 the core's decimals have (more would only add zeros).
pub(crate) fn mean_scale(scale: i8) -> i8 {
    (scale + MEAN_EXTRA_SCALE).min(28).max(scale)
}

/// The struct's fields for money fields at `scale`: name, type, nullable.
pub(crate) fn fields(scale: i8) -> Fields {
    let money = DataType::Decimal128(38, scale);
    let mean = DataType::Decimal128(38, mean_scale(scale));
    let field =
        |name: &str, data_type: &DataType, nullable| Field::new(name, data_type.clone(), nullable);
    let (int, float, date, text) = (
        DataType::Int64,
        DataType::Float64,
        DataType::Date32,
        DataType::Utf8,
    );
    Fields::from(vec![
        field("status", &text, false),
        field("status_reason", &text, true),
        field("purchase_occasions", &int, false),
        field("first_purchase", &date, true),
        field("last_purchase", &date, true),
        field("recency_days", &int, true),
        field("total_spend", &money, false),
        field("x", &int, true),
        field("t_x_days", &int, true),
        field("t_x_weeks", &float, true),
        field("age_days", &int, true),
        field("age_weeks", &float, true),
        field("mean_repeat_spend", &mean, true),
        field("counted_lines", &int, false),
        field("refund_lines", &int, false),
        field("late_lines", &int, false),
        field("null_lines", &int, false),
        field("excess_scale_lines", &int, false),
    ])
}

/// The return type: the struct of [`fields`].
pub(crate) fn data_type(scale: i8) -> DataType {
    DataType::Struct(fields(scale))
}

/// The struct's columns, a row per customer.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    status: Vec<&'static str>,
    reason: Vec<Option<String>>,
    occasions: Vec<i64>,
    first: Vec<Option<i32>>,
    last: Vec<Option<i32>>,
    recency: Vec<Option<i64>>,
    total: Vec<i128>,
    x: Vec<Option<i64>>,
    t_x: Vec<Option<i64>>,
    age: Vec<Option<i64>>,
    mean: Vec<Option<i128>>,
    counted: Vec<i64>,
    refunds: Vec<i64>,
    late: Vec<i64>,
    nulls: Vec<i64>,
    excess: Vec<i64>,
}

impl Rows {
    /// Room for `n` customers.
    pub(crate) fn with_capacity(n: usize) -> Self {
        // Every column: growing them one doubling at a time copied each several times (`perf`
        // showed the copies and their page faults at 1.5% of a 10M-line query).
        Rows {
            status: Vec::with_capacity(n),
            reason: Vec::with_capacity(n),
            occasions: Vec::with_capacity(n),
            first: Vec::with_capacity(n),
            last: Vec::with_capacity(n),
            recency: Vec::with_capacity(n),
            total: Vec::with_capacity(n),
            x: Vec::with_capacity(n),
            t_x: Vec::with_capacity(n),
            age: Vec::with_capacity(n),
            mean: Vec::with_capacity(n),
            counted: Vec::with_capacity(n),
            refunds: Vec::with_capacity(n),
            late: Vec::with_capacity(n),
            nulls: Vec::with_capacity(n),
            excess: Vec::with_capacity(n),
        }
    }

    /// Adds a customer's row; money at `scale` decimals.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` and the field when an amount does not fit
    /// `DECIMAL(38, scale)` or a count exceeds `BIGINT`.
    pub(crate) fn push(&mut self, finished: &FinishedLedger<()>, scale: i8) -> Result<()> {
        let report = &finished.report;
        self.refunds
            .push(count(report.netted_refunds + report.ignored_refunds)?);
        self.late.push(count(report.late_transactions)?);
        self.nulls.push(count(finished.missing_lines)?);
        self.excess.push(count(report.excess_scale_amounts)?);
        match &finished.outcome {
            LedgerOutcome::Summary(summary) => self.push_summary(summary, scale),
            LedgerOutcome::Dropped(dropped) => {
                self.push_without_summary(STATUS_DROPPED, dropped.reason.to_string());
                self.counted.push(count(dropped.lines)?);
                self.total
                    .push(money(dropped.net_amount, scale, "total_spend")?);
                Ok(())
            }
            _ => {
                let reason = format!(
                    "no line was counted: {} dated after as_of, {} refunds ignored, {} with a NULL day or amount",
                    report.late_transactions, report.ignored_refunds, finished.missing_lines
                );
                self.push_without_summary(STATUS_NO_COUNTED_LINE, reason);
                self.counted.push(0);
                self.total.push(0);
                Ok(())
            }
        }
    }

    /// The figures of a customer with a summary.
    fn push_summary(&mut self, s: &CustomerSummary<()>, scale: i8) -> Result<()> {
        self.status.push(STATUS_SUMMARY);
        self.reason.push(None);
        self.occasions.push(count(s.purchase_occasions())?);
        self.first
            .push(Some(Date32Type::from_naive_date(s.first_purchase())));
        self.last
            .push(Some(Date32Type::from_naive_date(s.last_purchase())));
        self.recency.push(Some(s.recency_days()));
        self.total
            .push(money(s.total_spend(), scale, "total_spend")?);
        // BTYD x: the repeat occasions (a summary has at least one occasion).
        self.x.push(Some(count(s.purchase_occasions() - 1)?));
        self.t_x
            .push(Some((s.last_purchase() - s.first_purchase()).num_days()));
        self.age.push(Some(s.tenure_days()));
        let mean = s.mean_repeat_spend();
        let mean = mean.map(|m| money(m, mean_scale(scale), "mean_repeat_spend"));
        self.mean.push(mean.transpose()?);
        self.counted.push(count(s.transactions())?);
        Ok(())
    }

    /// The figures left empty (NULL, or zero occasions) for a customer without a summary.
    fn push_without_summary(&mut self, status: &'static str, reason: String) {
        self.status.push(status);
        self.reason.push(Some(reason));
        self.occasions.push(0);
        self.first.push(None);
        self.last.push(None);
        self.recency.push(None);
        self.x.push(None);
        self.t_x.push(None);
        self.age.push(None);
        self.mean.push(None);
    }

    /// The struct array of the rows, with money at `scale`.
    ///
    /// # Errors
    ///
    /// An arrow error if the columns disagree with [`fields`] (they are built to agree).
    pub(crate) fn finish(self, scale: i8) -> Result<StructArray> {
        let weeks = |days: &[Option<i64>]| -> ArrayRef {
            let weeks = days.iter().map(|d| d.map(|d| TimeUnit::Weeks.from_days(d)));
            Arc::new(weeks.collect::<Float64Array>())
        };
        let ints = |values: Vec<i64>| -> ArrayRef { Arc::new(Int64Array::from(values)) };
        let decimal = |values: Decimal128Array, scale| -> Result<ArrayRef> {
            Ok(Arc::new(values.with_precision_and_scale(38, scale)?))
        };
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(self.status)),
            Arc::new(StringArray::from(self.reason)),
            ints(self.occasions),
            Arc::new(Date32Array::from(self.first)),
            Arc::new(Date32Array::from(self.last)),
            Arc::new(Int64Array::from(self.recency)),
            decimal(Decimal128Array::from(self.total), scale)?,
            Arc::new(Int64Array::from(self.x)),
            Arc::new(Int64Array::from(self.t_x.clone())),
            weeks(&self.t_x),
            Arc::new(Int64Array::from(self.age.clone())),
            weeks(&self.age),
            decimal(Decimal128Array::from(self.mean), mean_scale(scale))?,
            ints(self.counted),
            ints(self.refunds),
            ints(self.late),
            ints(self.nulls),
            ints(self.excess),
        ];
        Ok(StructArray::try_new(fields(scale), columns, None)?)
    }
}

/// A count as a `BIGINT`.
fn count(n: u64) -> Result<i64> {
    match i64::try_from(n) {
        Ok(n) => Ok(n),
        Err(_) => exec_err!("{NAME}: the count {n} exceeds a BIGINT"),
    }
}

/// `value` as the integer of a `DECIMAL(38, scale)`, rounded half to even when it has more
/// decimals (only the mean repeat spend can).
fn money(value: Decimal, scale: i8, field: &str) -> Result<i128> {
    // Every scale here is 0 to 28 (checked by the argument types).
    let scale = scale.clamp(0, 28) as u32;
    let rounded = value.round_dp_with_strategy(scale, RoundingStrategy::MidpointNearestEven);
    let widened = 10i128
        .checked_pow(scale - rounded.scale())
        .and_then(|factor| rounded.mantissa().checked_mul(factor))
        .filter(|v| v.unsigned_abs() <= MAX_DECIMAL38.unsigned_abs());
    match widened {
        Some(v) => Ok(v),
        None => exec_err!("{NAME}: {field} = {value} does not fit a DECIMAL(38, {scale})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_keeps_its_digits_and_rounds_means_half_to_even() {
        assert_eq!(money(Decimal::new(1_999, 2), 2, "m").unwrap(), 1_999);
        assert_eq!(money(Decimal::new(5, 1), 10, "m").unwrap(), 5_000_000_000);
        let third = Decimal::from(10) / Decimal::from(3);
        assert_eq!(money(third, 6, "m").unwrap(), 3_333_333);
        assert_eq!(money(Decimal::new(12_345, 4), 3, "m").unwrap(), 1_234);
        assert_eq!(money(Decimal::new(12_355, 4), 3, "m").unwrap(), 1_236);
        let error = money(Decimal::MAX, 28, "total_spend")
            .unwrap_err()
            .to_string();
        assert!(error.contains("cv_summary: total_spend = "), "{error}");
        assert_eq!((mean_scale(2), mean_scale(10), mean_scale(26)), (6, 14, 28));
    }

    #[test]
    fn the_struct_has_one_column_per_field() {
        let rows = Rows::with_capacity(0).finish(2).unwrap();
        assert_eq!(rows.num_columns(), fields(2).len());
        assert_eq!(fields(3)[6].data_type(), &DataType::Decimal128(38, 3));
        assert_eq!(fields(3)[12].data_type(), &DataType::Decimal128(38, 7));
    }
}
