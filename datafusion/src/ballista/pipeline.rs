//! The whole pipeline on a cluster under one [`JobGuard`]: the checked summary stage, the
//! sufficient statistics grouped on the cluster and fitted on the driver, the scores computed on
//! the cluster; each stage's output checked against the checked summaries, and the whole job run
//! again when any check fails or the deadline passes.
//!
//! Why the whole job and not the stage: after an executor is lost, Ballista 55 may have stages
//! that saw other rows (issue 16: summaries right, RFM breakpoints from other rows), and a later
//! stage recomputes the summaries on the cluster from the log; rerunning from the start is the
//! one policy that does not mix a good attempt's figures with a bad one's.

use customer_value::clv::{
    ClvOptions, FitOptions, GammaGamma, GammaGammaOptions, ModelFit, SpendDiagnostics,
};
use customer_value::report::{PurchaseModelFit, PurchaseModelKind};
use customer_value::TimeUnit;
use datafusion::arrow::array::RecordBatch;
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::SessionContext;

use super::cancel::collect_or_cancel;
use super::checks::{
    check_scores, check_statistics, ModeledFigures, ScoreFigures, StatisticsFigures,
};
use super::guard::{GuardError, Guarded, JobFailure, JobGuard};
use super::readback::{modeled_figures, score_figures, SortedIds};
use super::summary_stage::{CheckedSummaries, SummaryStage};
use crate::fit::{
    fit_purchase_statistics, fit_spend_statistics, repeat_statistics, spend_statistics, DriverFit,
    PurchaseColumns, SpendColumns,
};
use crate::score::{sql_literal, ScoringModel};

/// Summaries, fits and scores of a log table, each stage checked against the checked summaries
/// and the whole job run again when a check fails: after an executor is lost, a later stage
/// recomputes the summaries on the cluster and may see other rows (issue 16), so no attempt's
/// figures are mixed with another's.
///
/// # Examples
///
/// ```no_run
/// // (Run as the unit test `every_check_passes_in_process_with_the_figures_counted_by_hand`.)
/// use std::time::Duration;
/// use chrono::NaiveDate;
/// use customer_value_datafusion::ballista::{JobGuard, Pipeline, SummaryStage};
/// use datafusion::prelude::SessionContext;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // In-process here; on a cluster, `ctx` comes from `ballista::connect`.
/// let ctx = SessionContext::new();
/// customer_value_datafusion::register_all(&ctx);
/// let lines: Vec<String> = (1..=40)
///     .flat_map(|c| (0..c % 5).map(move |k| format!("({c}, DATE '2024-01-01' + INTERVAL '{} days', {}.50)", (c * 7 + k * 11) % 90, c + k)))
///     .chain(["(41, DATE '2024-01-10', 10.00), (41, DATE '2024-02-10', 0.00)".to_string()])
///     .collect();
/// ctx.sql(&format!("CREATE VIEW log AS SELECT column1 AS customer_id, CAST(column2 AS DATE) AS day,
///                   CAST(column3 AS DECIMAL(10, 2)) AS amount FROM (VALUES {})", lines.join(", "))).await?;
/// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
/// let run = Pipeline::new(stage).run(&ctx, &JobGuard::new(Duration::from_secs(60), 2)).await?;
/// // Customers 5, 10, …, 40 have no line (c % 5 = 0): 32, and 41: 33 customers, each scored once.
/// assert_eq!((run.value.modeled.customers, run.value.scores.figures.rows), (33, 33));
/// assert_eq!(run.value.purchase.customers, 33);
/// assert!(run.rejected.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    summary: SummaryStage,
    purchase_model: PurchaseModelKind,
    fit_options: FitOptions,
    spend_options: GammaGammaOptions,
    clv_options: ClvOptions,
}

/// Scores that passed the check.
#[derive(Debug, Clone)]
pub struct CheckedScores {
    /// `customer`, `x`, `p_alive`, `clv`, `rfm` (the `cv_rfm_score` struct) and `rfm_rows` (the
    /// rows the breakpoints aggregate saw): one row per modeled customer.
    pub batches: Vec<RecordBatch>,
    /// Their figures, equal to what the summaries say.
    pub figures: ScoreFigures,
}

/// What a pipeline that passed every check gives.
#[derive(Debug, Clone)]
pub struct PipelineRun {
    /// The checked summaries, every customer's.
    pub summaries: CheckedSummaries,
    /// Their modeled customers' figures, the reference of the later checks.
    pub modeled: ModeledFigures,
    /// The purchase model fitted on the driver from checked statistics.
    pub purchase: DriverFit<PurchaseModelFit>,
    /// The Gamma-Gamma spend model fitted on the driver from checked statistics.
    pub spend: SpendFit,
    /// The checked scores.
    pub scores: CheckedScores,
}

impl Pipeline {
    /// The pipeline over `summary`'s table: BG/NBD and Gamma-Gamma with default options, CLV
    /// with [`ClvOptions::default`] (12 months, 1% a month, weeks).
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value_datafusion::ballista::{Pipeline, SummaryStage};
    ///
    /// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    /// assert!(Pipeline::new(stage).modeled_sql()?.contains("summary['t_x_weeks'] AS t_x"));
    /// # Ok::<(), datafusion::error::DataFusionError>(())
    /// ```
    pub fn new(summary: SummaryStage) -> Pipeline {
        Pipeline {
            summary,
            purchase_model: PurchaseModelKind::default(),
            fit_options: FitOptions::default(),
            spend_options: GammaGammaOptions::default(),
            clv_options: ClvOptions::default(),
        }
    }

    /// The same pipeline with another purchase model and its fit options.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value::clv::FitOptions;
    /// use customer_value::report::PurchaseModelKind;
    /// use customer_value_datafusion::ballista::{Pipeline, SummaryStage};
    ///
    /// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    /// let pipeline = Pipeline::new(stage.clone()).purchase_model(PurchaseModelKind::ParetoNbd, FitOptions::default());
    /// assert_ne!(pipeline, Pipeline::new(stage));
    /// ```
    pub fn purchase_model(mut self, kind: PurchaseModelKind, options: FitOptions) -> Pipeline {
        self.purchase_model = kind;
        self.fit_options = options;
        self
    }

    /// The same pipeline with other Gamma-Gamma options.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value::clv::GammaGammaOptions;
    /// use customer_value_datafusion::ballista::{Pipeline, SummaryStage};
    ///
    /// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    /// let pipeline = Pipeline::new(stage.clone()).spend_options(GammaGammaOptions::default());
    /// assert_eq!(pipeline, Pipeline::new(stage));
    /// ```
    pub fn spend_options(mut self, options: GammaGammaOptions) -> Pipeline {
        self.spend_options = options;
        self
    }

    /// The same pipeline with other CLV options; their time unit (days or weeks) is also the
    /// unit of the purchase model's t_x and T.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value::clv::ClvOptions;
    /// use customer_value::TimeUnit;
    /// use customer_value_datafusion::ballista::{Pipeline, SummaryStage};
    ///
    /// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    /// let days = ClvOptions { time_unit: TimeUnit::Days, ..ClvOptions::default() };
    /// assert!(Pipeline::new(stage).clv_options(days).modeled_sql()?.contains("summary['age_days'] AS age"));
    /// # Ok::<(), datafusion::error::DataFusionError>(())
    /// ```
    pub fn clv_options(mut self, options: ClvOptions) -> Pipeline {
        self.clv_options = options;
        self
    }

    /// The summaries' modeled customers (status `summary`) as columns: `customer`, `x`, `t_x`,
    /// `age` (T), `mean_spend`, `recency_days`, `frequency` (purchase occasions) and `monetary`
    /// (total spend). A common table expression list, `summaries` and `modeled`, then
    /// `SELECT * FROM modeled`.
    ///
    /// # Errors
    ///
    /// A plan error for a time unit other than days or weeks (`cv_summary` gives t_x and T in
    /// those two).
    ///
    /// # Examples
    ///
    /// See [`Pipeline::new`].
    pub fn modeled_sql(&self) -> Result<String> {
        Ok(format!("WITH {} SELECT * FROM modeled", self.ctes()?))
    }

    /// The scoring query: every modeled customer's `x`, `p_alive`, `clv` and `rfm`, and the rows
    /// the RFM breakpoints aggregate saw (`rfm_rows`, a `COUNT` in the same aggregate).
    ///
    /// # Errors
    ///
    /// As [`Pipeline::modeled_sql`], and an error if a model does not serialize.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value::clv::{BgNbd, GammaGamma};
    /// use customer_value_datafusion::ballista::{Pipeline, SummaryStage};
    /// use customer_value_datafusion::score::ScoringModel;
    ///
    /// let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    /// let purchase = ScoringModel::from(BgNbd::new(0.243, 4.414, 0.793, 2.426)?);
    /// let spend = ScoringModel::from(GammaGamma::new(6.25, 3.74, 15.44)?);
    /// let sql = Pipeline::new(stage).scores_sql(&purchase, &spend)?;
    /// assert!(sql.contains("COUNT(CASE WHEN recency_days IS NOT NULL"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scores_sql(&self, purchase: &ScoringModel, spend: &ScoringModel) -> Result<String> {
        let literal = |value: Result<String, serde_json::Error>| {
            value.map_err(|e| DataFusionError::Execution(format!("a model's JSON: {e}")))
        };
        let (m, s) = (
            literal(purchase.to_sql_literal())?,
            literal(spend.to_sql_literal())?,
        );
        let o = literal(sql_literal(&self.clv_options))?;
        Ok(format!(
            "WITH {},
                  rfm AS (SELECT cv_rfm_breakpoints(recency_days, frequency, monetary) AS fitted,
                                 COUNT(CASE WHEN recency_days IS NOT NULL AND frequency IS NOT NULL
                                            AND monetary IS NOT NULL THEN 1 END) AS rfm_rows
                          FROM modeled)
             SELECT customer, x, cv_p_alive({m}, x, t_x, age) AS p_alive,
                    cv_clv({m}, {s}, {o}, x, t_x, age, mean_spend) AS clv,
                    cv_rfm_score(rfm.fitted, recency_days, frequency, monetary) AS rfm,
                    rfm.rfm_rows
             FROM modeled CROSS JOIN rfm",
            self.ctes()?
        ))
    }

    /// `summaries` (the summary stage's query) and `modeled`.
    fn ctes(&self) -> Result<String> {
        let unit = match self.clv_options.time_unit {
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
            other => {
                return Err(DataFusionError::Plan(format!(
                    "the pipeline: cv_summary gives t_x and T in days or weeks, not {other:?}"
                )))
            }
        };
        Ok(format!(
            "summaries AS ({}),
             modeled AS (SELECT customer, summary['x'] AS x, summary['t_x_{unit}'] AS t_x,
                                summary['age_{unit}'] AS age,
                                summary['mean_repeat_spend'] AS mean_spend,
                                summary['recency_days'] AS recency_days,
                                summary['purchase_occasions'] AS frequency,
                                summary['total_spend'] AS monetary
                         FROM summaries WHERE summary['status'] = 'summary')",
            self.summary.summary_sql()
        ))
    }
}

impl Pipeline {
    /// Runs the pipeline under `guard`: each attempt runs the summary stage and checks it
    /// against the input, then the purchase and spend statistics and checks their counts and
    /// Σ count·x against the summaries', fits on the driver, then scores and checks one row per
    /// modeled customer, no NULL P(alive) or RFM score, a NULL CLV exactly where there is no mean
    /// repeat spend, and breakpoints from every modeled customer. A failed check or a passed
    /// deadline runs the whole job again.
    ///
    /// # Errors
    ///
    /// [`GuardError::Engine`] if the engine refuses a query or fails a job, or a fit fails on
    /// checked statistics (no modeled customer, data that cannot identify the parameters, no
    /// convergence, options the core refuses, a time unit other than days or weeks), and
    /// [`GuardError::Exhausted`] when no attempt passed, with the reason of each (the stage and
    /// the figure that differed, or the deadline).
    ///
    /// # Examples
    ///
    /// See [`Pipeline`].
    pub async fn run(
        &self, ctx: &SessionContext, guard: &JobGuard,
    ) -> Result<Guarded<PipelineRun>, GuardError> {
        guard.run(|_| self.attempt(ctx)).await
    }

    /// One attempt: every stage, each checked before the next starts.
    async fn attempt(&self, ctx: &SessionContext) -> Result<PipelineRun, JobFailure> {
        let summaries = self.summary.attempt(ctx).await?;
        let (modeled, ids) = modeled_figures(&summaries.batches)?;
        let (purchase, spend) = self.fits(ctx, &modeled).await?;
        let scores = self.scores(ctx, &purchase, &spend, &modeled, &ids).await?;
        Ok(PipelineRun {
            summaries,
            modeled,
            purchase,
            spend,
            scores,
        })
    }

    /// The statistics of both models, grouped on the cluster and checked, then fitted.
    async fn fits(
        &self, ctx: &SessionContext, modeled: &ModeledFigures,
    ) -> Result<(DriverFit<PurchaseModelFit>, SpendFit), JobFailure> {
        let sql = self.modeled_sql()?;
        let columns = PurchaseColumns::new("x", "t_x", "age");
        let statistics = repeat_statistics(ctx.sql(&sql).await?, &columns).await?;
        let found = StatisticsFigures::of(&statistics, |h| h.frequency());
        check_statistics(
            "purchase statistics",
            &modeled.purchase_statistics(),
            &found,
        )?;
        let purchase = fit_purchase_statistics(
            statistics,
            self.purchase_model,
            &self.fit_options,
            "the pipeline's purchase model",
        )?;
        let columns = SpendColumns::new("x", "mean_spend");
        let statistics = spend_statistics(ctx.sql(&sql).await?, &columns).await?;
        let found = StatisticsFigures::of(&statistics, |h| h.frequency());
        check_statistics("spend statistics", &modeled.spend_statistics(), &found)?;
        let spend = fit_spend_statistics(
            statistics,
            &self.spend_options,
            "the pipeline's spend model",
        )?;
        Ok((purchase, spend))
    }

    /// The scores with the fitted models, checked.
    async fn scores(
        &self, ctx: &SessionContext, purchase: &DriverFit<PurchaseModelFit>, spend: &SpendFit,
        modeled: &ModeledFigures, ids: &SortedIds,
    ) -> Result<CheckedScores, JobFailure> {
        let purchase = ScoringModel::of_purchase_fit(&purchase.fit).ok_or_else(|| {
            DataFusionError::Execution("the fitted purchase model cannot score".into())
        })?;
        let sql = self.scores_sql(&purchase, &ScoringModel::from(spend.fit.model))?;
        let batches = collect_or_cancel(ctx.sql(&sql).await?).await?;
        let figures = score_figures(&batches, ids)?;
        check_scores(&modeled.scores(), &figures)?;
        Ok(CheckedScores { batches, figures })
    }
}

/// The spend model's fit on the driver.
pub type SpendFit = DriverFit<ModelFit<GammaGamma, SpendDiagnostics>>;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::NaiveDate;

    use super::*;
    use crate::ballista::StatisticsFigures;

    /// Customers 1..=40 with `c % 5` lines each, all by the end; 41 with a repeat day of 0.00
    /// (an occasion without a mean repeat spend); 42 with a late line only (not modeled).
    fn log() -> String {
        let mut lines: Vec<String> = (1..=40)
            .flat_map(|c| {
                (0..c % 5).map(move |k| {
                    format!(
                        "({c}, DATE '2024-01-01' + INTERVAL '{} days', {}.50)",
                        (c * 7 + k * 11) % 90,
                        c + k
                    )
                })
            })
            .collect();
        lines.push("(41, DATE '2024-01-10', 10.00), (41, DATE '2024-02-10', 0.00)".into());
        lines.push("(42, DATE '2024-04-05', 9.00)".into());
        format!(
            "CREATE VIEW log AS SELECT column1 AS customer_id, CAST(column2 AS DATE) AS day,
                    CAST(column3 AS DECIMAL(10, 2)) AS amount FROM (VALUES {})",
            lines.join(", ")
        )
    }

    #[tokio::test]
    async fn every_check_passes_in_process_with_the_figures_counted_by_hand() {
        let ctx = SessionContext::new();
        crate::register_all(&ctx);
        ctx.sql(&log()).await.unwrap();
        let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
        let guard = JobGuard::new(Duration::from_secs(60), 1);
        let run = Pipeline::new(stage).run(&ctx, &guard).await.unwrap().value;
        // By hand: 8 customers each with x = 0, 1, 2, 3 (c % 5 = 1..4 lines), Σ x = 48, and
        // customer 41 with x = 1 and no mean repeat spend; customer 42 is summarized, not modeled.
        let modeled = ModeledFigures {
            customers: 33,
            repeat_purchases: 49,
            without_mean_spend: 1,
            repeat_purchases_without_mean_spend: 1,
        };
        assert_eq!(run.modeled, modeled);
        assert_eq!(run.summaries.figures.customers, 34);
        assert_eq!(run.scores.figures, modeled.scores());
        assert_eq!((run.purchase.customers, run.purchase.null_rows), (33, 0));
        assert_eq!((run.spend.customers, run.spend.null_rows), (32, 1));
        assert_eq!(
            modeled.spend_statistics(),
            StatisticsFigures {
                customers: 32,
                left_out: 1,
                repeat_purchases: 48
            }
        );
    }

    #[test]
    fn the_default_time_unit_is_weeks() {
        let stage = SummaryStage::new("log", NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
        let pipeline = Pipeline::new(stage);
        assert!(pipeline
            .modeled_sql()
            .unwrap()
            .contains("summary['age_weeks'] AS age"));
    }
}
