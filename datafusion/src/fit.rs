//! Fitting on the driver from a DataFrame of summaries: the engine compresses the rows into the
//! models' sufficient statistics, the core's weighted fit runs on them.
//!
//! A likelihood over customers is a sum of one term per customer, and customers with the same
//! values contribute the same term, so it only needs the distinct rows and how many customers
//! each stands for: (x, t_x, T) with counts for a purchase model, (x, z̄) with counts for the
//! Gamma-Gamma spend model. The engine computes those with a `GROUP BY` (in parallel, spilling if
//! it must), only the distinct rows travel to the driver, and the fit is the core's
//! [`MaximumLikelihood::fit`] on [`FitData::weighted`] rows, which merges identical rows in sorted
//! order whether they arrive one per customer or counted: the parameters equal those of fitting
//! every row with the core (tested on CDNOW to 10⁻⁹ relative).
//!
//! Columns take any integer, float or `DECIMAL` (a `DECIMAL` becomes `f64` by the core's money
//! rule, as in the scoring functions). Rows with a NULL are left out and counted in
//! [`DriverFit::null_rows`], except a NULL mean spend with x = 0, which is no spend observed (as
//! `cv_summary` and the core's `SpendHistory::from_summary` have it).
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::FitOptions;
//! use customer_value::report::PurchaseModelKind;
//! use customer_value_datafusion::fit::{fit_purchase_model, PurchaseColumns};
//! use customer_value_datafusion::score::ScoringModel;
//! use datafusion::prelude::SessionContext;
//!
//! let ctx = SessionContext::new();
//! let runtime = tokio::runtime::Runtime::new()?;
//! let fit = runtime.block_on(async {
//!     let df = ctx
//!         .sql("SELECT * FROM (VALUES (0, 0, 30), (0, 0, 30), (2, 20, 30), (5, 28, 30), (1, 3, 30),
//!                                     (0, 0, 25), (3, 10, 25), (2, 20, 30)) AS s(x, t_x, age)")
//!         .await?;
//!     let columns = PurchaseColumns::new("x", "t_x", "age");
//!     fit_purchase_model(df, &columns, PurchaseModelKind::BgNbd, &FitOptions::default()).await
//! })?;
//! assert_eq!((fit.customers, fit.distinct_rows, fit.null_rows), (8, 6, 0));
//! assert!(fit.fit.parameters()[0] > 0.0);
//! // The model to score with, as a literal for the scoring functions.
//! let model = ScoringModel::of_purchase_fit(&fit.fit).expect("a purchase model");
//! assert!(model.to_sql_literal()?.contains("bg_nbd"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;

use customer_value::clv::{
    ClvError, FitData, FitOptions, GammaGamma, GammaGammaOptions, MaximumLikelihood, ModelFit,
    RepeatHistory, SpendDiagnostics, SpendHistory,
};
use customer_value::report::{PurchaseModelFit, PurchaseModelKind};
use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::Int64Type;
use datafusion::common::{exec_err, plan_err, DataFusionError, Result};
use datafusion::dataframe::DataFrame;
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::logical_expr::ColumnarValue;
use datafusion::prelude::{cast, ident, lit};

use crate::arguments::{coerce_number, Numbers};
use crate::row_udf::Rows;
use crate::score::histories::{repeat_histories, spend_histories};
use crate::score::no_repeat_spend;

/// The columns of a purchase model's summary: x (repeat purchases), t_x (time of the last
/// purchase after the first) and T (time from the first purchase to the end), in one time unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseColumns {
    /// The column of x.
    pub x: String,
    /// The column of t_x.
    pub t_x: String,
    /// The column of T.
    pub age: String,
}

impl PurchaseColumns {
    /// The three column names.
    ///
    /// # Examples
    ///
    /// ```
    /// let columns = customer_value_datafusion::fit::PurchaseColumns::new("x", "t_x", "T");
    /// assert_eq!(columns.age, "T");
    /// ```
    pub fn new(x: &str, t_x: &str, age: &str) -> Self {
        Self {
            x: x.to_owned(),
            t_x: t_x.to_owned(),
            age: age.to_owned(),
        }
    }
}

/// The columns of the spend model's summary: x (repeat purchases) and z̄ (their mean value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendColumns {
    /// The column of x.
    pub x: String,
    /// The column of z̄.
    pub mean_spend: String,
}

impl SpendColumns {
    /// The two column names.
    ///
    /// # Examples
    ///
    /// ```
    /// let columns = customer_value_datafusion::fit::SpendColumns::new("x", "mean_spend");
    /// assert_eq!(columns.mean_spend, "mean_spend");
    /// ```
    pub fn new(x: &str, mean_spend: &str) -> Self {
        Self {
            x: x.to_owned(),
            mean_spend: mean_spend.to_owned(),
        }
    }
}

/// A fit on the driver, with what the compression did.
#[derive(Debug, Clone, PartialEq)]
pub struct DriverFit<F> {
    /// The core's fit.
    pub fit: F,
    /// The customers (rows without NULLs) the statistics stand for.
    pub customers: u64,
    /// The distinct rows the engine sent to the driver.
    pub distinct_rows: usize,
    /// Rows left out for a NULL.
    pub null_rows: u64,
}

/// The distinct rows of some columns with their counts, as the engine grouped them.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics<H> {
    /// The distinct histories, sorted by their values.
    pub histories: Vec<H>,
    /// How many customers each stands for.
    pub weights: Vec<f64>,
    /// Rows left out for a NULL.
    pub null_rows: u64,
}

impl<H> Statistics<H> {
    /// The customers the statistics stand for: the sum of the weights.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value_datafusion::fit::Statistics;
    /// let s = Statistics::<()> { histories: vec![(), ()], weights: vec![3.0, 4.0], null_rows: 1 };
    /// assert_eq!(s.customers(), 7);
    /// ```
    pub fn customers(&self) -> u64 {
        // Each weight is a row count, exact in f64.
        self.weights.iter().sum::<f64>() as u64
    }

    fn into_driver_fit<F>(self, fit: F) -> DriverFit<F> {
        DriverFit {
            fit,
            customers: self.customers(),
            distinct_rows: self.histories.len(),
            null_rows: self.null_rows,
        }
    }
}

/// The distinct (x, t_x, T) of `df` with their counts.
///
/// # Errors
///
/// A plan error naming the function and the column for a column `df` lacks or of a type that is
/// not a number; an execution error naming the column and the row's values for a value that is
/// NaN, infinite or negative, a t_x above T or a t_x other than 0 with x = 0; and the engine's
/// errors.
///
/// # Examples
///
/// ```
/// use customer_value_datafusion::fit::{repeat_statistics, PurchaseColumns};
/// use datafusion::prelude::SessionContext;
///
/// let ctx = SessionContext::new();
/// let statistics = tokio::runtime::Runtime::new()?.block_on(async {
///     let df = ctx.sql("SELECT * FROM (VALUES (0, 0, 9), (2, 5, 9), (0, 0, 9), (NULL, 0, 9)) AS s(x, t_x, t)").await?;
///     repeat_statistics(df, &PurchaseColumns::new("x", "t_x", "t")).await
/// })?;
/// assert_eq!(statistics.weights, [2.0, 1.0]);
/// assert_eq!((statistics.histories[1].frequency(), statistics.null_rows), (2.0, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn repeat_statistics(
    df: DataFrame, columns: &PurchaseColumns,
) -> Result<Statistics<RepeatHistory>> {
    const FUNCTION: &str = "repeat_statistics";
    let names = [
        columns.x.as_str(),
        columns.t_x.as_str(),
        columns.age.as_str(),
    ];
    let counted = grouped_counts(df, FUNCTION, &names).await?;
    let (rows, weights, null_rows) = counted.rows_without(|_| {});
    let histories = repeat_histories(&rows, 0)
        .map_err(|message| DataFusionError::Execution(format!("{FUNCTION}: {message}")))?;
    Ok(sorted(histories, weights, null_rows, |h| {
        [h.frequency(), h.recency(), h.age()]
    }))
}

/// The distinct (x, z̄) of `df` with their counts; a NULL z̄ with x = 0 is read as 0.
///
/// # Errors
///
/// As [`repeat_statistics`], for a value that is NaN, infinite or negative, or a z̄ of 0 with
/// x > 0.
///
/// # Examples
///
/// ```
/// use customer_value_datafusion::fit::{spend_statistics, SpendColumns};
/// use datafusion::prelude::SessionContext;
///
/// let ctx = SessionContext::new();
/// let statistics = tokio::runtime::Runtime::new()?.block_on(async {
///     let df = ctx.sql("SELECT * FROM (VALUES (0, NULL), (2, 10.5), (2, 10.5)) AS s(x, z)").await?;
///     spend_statistics(df, &SpendColumns::new("x", "z")).await
/// })?;
/// assert_eq!(statistics.weights, [1.0, 2.0]);
/// assert_eq!(statistics.histories[1].mean_spend(), 10.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn spend_statistics(
    df: DataFrame, columns: &SpendColumns,
) -> Result<Statistics<SpendHistory>> {
    const FUNCTION: &str = "spend_statistics";
    let names = [columns.x.as_str(), columns.mean_spend.as_str()];
    let counted = grouped_counts(df, FUNCTION, &names).await?;
    // A customer without repeat purchases has no mean repeat spend to observe.
    let (rows, weights, null_rows) = counted.rows_without(|values| no_repeat_spend(values, 0, 1));
    let histories = spend_histories(&rows, 0, 1)
        .map_err(|message| DataFusionError::Execution(format!("{FUNCTION}: {message}")))?;
    Ok(sorted(histories, weights, null_rows, |h| {
        [h.frequency(), h.mean_spend(), 0.0]
    }))
}

/// Fits a purchase model on the driver from the (x, t_x, T) of `df` (the core's
/// [`PurchaseModelFit::fit`] on the compressed rows).
///
/// # Errors
///
/// Those of [`repeat_statistics`], and the core's fit errors (no rows, data that cannot identify
/// the parameters, no convergence, invalid options), named `fit_purchase_model: customer-value:`.
///
/// # Examples
///
/// See the [module](self).
pub async fn fit_purchase_model(
    df: DataFrame, columns: &PurchaseColumns, kind: PurchaseModelKind, options: &FitOptions,
) -> Result<DriverFit<PurchaseModelFit>> {
    let statistics = repeat_statistics(df, columns).await?;
    fit_purchase_statistics(statistics, kind, options, "fit_purchase_model")
}

/// Fits a purchase model on statistics already read (e.g. checked by the caller first).
///
/// # Errors
///
/// The core's fit errors (no rows, data that cannot identify the parameters, no convergence,
/// invalid options), named `function: customer-value:`.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{FitOptions, RepeatHistory};
/// use customer_value::report::PurchaseModelKind;
/// use customer_value_datafusion::fit::{fit_purchase_statistics, Statistics};
///
/// let history = |x, t_x, t| RepeatHistory::new(x, t_x, t).unwrap();
/// // The module example's eight customers, already counted.
/// let statistics = Statistics {
///     histories: vec![history(0.0, 0.0, 25.0), history(0.0, 0.0, 30.0), history(1.0, 3.0, 30.0),
///                     history(2.0, 20.0, 30.0), history(3.0, 10.0, 25.0), history(5.0, 28.0, 30.0)],
///     weights: vec![1.0, 2.0, 1.0, 2.0, 1.0, 1.0],
///     null_rows: 0,
/// };
/// let fit = fit_purchase_statistics(statistics, PurchaseModelKind::BgNbd, &FitOptions::default(), "mine")?;
/// assert_eq!((fit.customers, fit.distinct_rows), (8, 6));
/// # Ok::<(), datafusion::error::DataFusionError>(())
/// ```
pub fn fit_purchase_statistics(
    statistics: Statistics<RepeatHistory>, kind: PurchaseModelKind, options: &FitOptions,
    function: &str,
) -> Result<DriverFit<PurchaseModelFit>> {
    let fit = FitData::weighted(&statistics.histories, &statistics.weights)
        .and_then(|data| PurchaseModelFit::fit(kind, data, options))
        .map_err(|e| fit_error(function, e))?;
    Ok(statistics.into_driver_fit(fit))
}

/// Fits the Gamma-Gamma spend model on the driver from the (x, z̄) of `df` (customers with
/// x = 0 count in the diagnostics' `excluded_without_repeat`, as in the core).
///
/// # Errors
///
/// Those of [`spend_statistics`], and the core's fit errors, named
/// `fit_spend_model: customer-value:`.
///
/// # Examples
///
/// ```
/// use customer_value::clv::GammaGammaOptions;
/// use customer_value_datafusion::fit::{fit_spend_model, SpendColumns};
/// use datafusion::prelude::SessionContext;
///
/// let ctx = SessionContext::new();
/// let fit = tokio::runtime::Runtime::new()?.block_on(async {
///     let df = ctx
///         .sql("SELECT * FROM (VALUES (1, 10.0), (2, 14.0), (3, 9.0), (1, 30.0), (5, 12.0), (2, 8.0),
///                                     (4, 20.0), (1, 45.0), (2, 16.0), (6, 11.0), (3, 25.0), (0, NULL)) AS s(x, z)")
///         .await?;
///     fit_spend_model(df, &SpendColumns::new("x", "z"), &GammaGammaOptions::default()).await
/// })?;
/// assert_eq!(fit.fit.diagnostics.excluded_without_repeat, 1.0);
/// assert_eq!(fit.customers, 12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn fit_spend_model(
    df: DataFrame, columns: &SpendColumns, options: &GammaGammaOptions,
) -> Result<DriverFit<ModelFit<GammaGamma, SpendDiagnostics>>> {
    let statistics = spend_statistics(df, columns).await?;
    fit_spend_statistics(statistics, options, "fit_spend_model")
}

/// Fits the Gamma-Gamma spend model on statistics already read (e.g. checked by the caller
/// first).
///
/// # Errors
///
/// The core's fit errors, named `function: customer-value:`.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{GammaGammaOptions, SpendHistory};
/// use customer_value_datafusion::fit::{fit_spend_statistics, Statistics};
///
/// let rows = [(1.0, 10.0), (2.0, 14.0), (3.0, 9.0), (1.0, 30.0), (5.0, 12.0), (2.0, 8.0),
///             (4.0, 20.0), (1.0, 45.0), (2.0, 16.0), (6.0, 11.0), (3.0, 25.0)];
/// let statistics = Statistics {
///     histories: rows.iter().map(|&(x, z)| SpendHistory::new(x, z).unwrap()).collect(),
///     weights: vec![1.0; rows.len()],
///     null_rows: 0,
/// };
/// let fit = fit_spend_statistics(statistics, &GammaGammaOptions::default(), "mine")?;
/// assert_eq!(fit.customers, 11);
/// # Ok::<(), datafusion::error::DataFusionError>(())
/// ```
pub fn fit_spend_statistics(
    statistics: Statistics<SpendHistory>, options: &GammaGammaOptions, function: &str,
) -> Result<DriverFit<ModelFit<GammaGamma, SpendDiagnostics>>> {
    let fit = FitData::weighted(&statistics.histories, &statistics.weights)
        .and_then(|data| GammaGamma::fit(data, options))
        .map_err(|e| fit_error(function, e))?;
    Ok(statistics.into_driver_fit(fit))
}

fn fit_error(function: &str, error: ClvError) -> DataFusionError {
    DataFusionError::Execution(format!("{function}: customer-value: {error}"))
}

/// The engine's distinct rows of some columns, read as numbers, with their counts.
struct Counted {
    names: Vec<String>,
    rows: Vec<(Vec<Option<f64>>, u64)>,
    null_rows: u64,
}

impl Counted {
    /// The rows as [`Rows`] with their weights and the NULL count, after `complete` has filled
    /// the NULLs it reads as values; rows still holding a NULL are added to the NULL count.
    fn rows_without(mut self, complete: impl Fn(&mut [Option<f64>])) -> (Rows, Vec<f64>, u64) {
        let labels = self.names.iter().map(|n| format!("column {n:?}")).collect();
        let mut rows = Rows::new(self.names.clone(), labels);
        let mut weights = Vec::new();
        for (values, n) in &mut self.rows {
            complete(values);
            match values.iter().copied().collect::<Option<Vec<f64>>>() {
                Some(values) => {
                    rows.push(values.into_iter());
                    weights.push(*n as f64);
                }
                None => self.null_rows += *n,
            }
        }
        (rows, weights, self.null_rows)
    }
}

/// `SELECT columns…, count(1) FROM df GROUP BY columns…`, read on the driver.
async fn grouped_counts(df: DataFrame, function: &str, names: &[&str]) -> Result<Counted> {
    let mut keys = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let Ok(field) = df.schema().field_with_unqualified_name(name) else {
            return plan_err!("{function}: the DataFrame has no column {name:?}");
        };
        let target = coerce_number(function, &format!("column {name:?}"), field.data_type())?;
        keys.push(cast(ident(*name), target).alias(format!("key{k}")));
    }
    let batches = collect(df.aggregate(keys, vec![count(lit(1i64)).alias("customers")])?).await?;
    let mut counted = Counted {
        names: names.iter().map(|n| n.to_string()).collect(),
        rows: Vec::new(),
        null_rows: 0,
    };
    for batch in batches {
        let values = (names.iter().enumerate())
            .map(|(k, name)| {
                let column = ColumnarValue::Array(batch.column(k).clone());
                Numbers::read(function, &format!("column {name:?}"), &column)
            })
            .collect::<Result<Vec<_>>>()?;
        let Some(counts) = batch.column(names.len()).as_primitive_opt::<Int64Type>() else {
            return exec_err!("{function}: the engine's count is not Int64");
        };
        for row in 0..batch.num_rows() {
            let n = u64::try_from(counts.value(row)).unwrap_or(0);
            counted
                .rows
                .push((values.iter().map(|v| v.get(row)).collect(), n));
        }
    }
    Ok(counted)
}

/// The batches of `df`; on a cluster, a job whose caller stopped waiting (a guard's deadline) is
/// cancelled on the scheduler rather than left holding task slots.
async fn collect(df: DataFrame) -> Result<Vec<RecordBatch>> {
    #[cfg(feature = "ballista")]
    return crate::ballista::collect_or_cancel(df).await;
    #[cfg(not(feature = "ballista"))]
    df.collect().await
}

/// The statistics sorted by `key`, so that they do not depend on the order the engine's groups
/// arrived in.
fn sorted<H: Copy>(
    histories: Vec<H>, weights: Vec<f64>, null_rows: u64, key: impl Fn(&H) -> [f64; 3],
) -> Statistics<H> {
    let mut order: Vec<usize> = (0..histories.len()).collect();
    order.sort_by(|&a, &b| {
        let (ka, kb) = (key(&histories[a]), key(&histories[b]));
        (ka.iter().zip(&kb))
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    Statistics {
        histories: order.iter().map(|&i| histories[i]).collect(),
        weights: order.iter().map(|&i| weights[i]).collect(),
        null_rows,
    }
}
