//! Scoring functions for every row: P(alive), expected purchases, expected spend and CLV, from
//! summary columns (x, t_x, T, mean repeat spend: any table that has them, such as the struct of
//! `cv_summary`) and a fitted model passed as a JSON string literal ([`ScoringModel`]).
//!
//! | SQL function | result (`DOUBLE`) |
//! | --- | --- |
//! | `cv_p_alive(model, x, t_x, T)` | P(alive \| x, t_x, T): the probability the customer is still active at T |
//! | `cv_expected_purchases(model, horizon, x, t_x, T)` | E[Y(horizon) \| x, t_x, T]: expected purchases in the next `horizon` time units |
//! | `cv_expected_spend(spend_model, x, mean_spend)` | E[Z \| x, z̄]: expected spend per future transaction |
//! | `cv_clv(purchase_model, spend_model, options, x, t_x, T, mean_spend)` | customer lifetime value over the options' horizon, discounted |
//!
//! The formulas are the core's ([`customer_value::clv`]): BG/NBD after Fader, Hardie & Lee
//! (2005, "Counting your customers the easy way"), MBG/NBD after Batislam, Denizel & Filiztekin
//! (2007), Pareto/NBD after Schmittlein, Morrison & Colombo (1987) in the notation of Fader,
//! Hardie & Lee's note (2005), Gamma-Gamma after Fader & Hardie (2013, "The Gamma-Gamma model of
//! monetary value"), and CLV by Python lifetimes' convention (the discounted monthly increments
//! of the expected purchases times the expected spend; see
//! [`customer_lifetime_value`](customer_value::clv::customer_lifetime_value)). Each function calls
//! the core's batch form on the rows of a batch (`probability_alive_into`,
//! `conditional_expected_purchases_into`, `customer_lifetime_values`), so its results equal the
//! core's batch predictions bit for bit, whatever the partitioning.
//!
//! # Arguments
//!
//! - `model`, `purchase_model`, `spend_model`: the JSON of a [`ScoringModel`], as a string
//!   (usually a literal from [`ScoringModel::to_sql_literal`]). Purchase models are `bg_nbd`,
//!   `modified_bg_nbd` and `pareto_nbd`; the spend model is `gamma_gamma`. The text is parsed once
//!   per batch (once per run of equal values when it is a column), and literals once more while
//!   the query is planned, so a model the core refuses stops the query before it reads data.
//! - `options` (`cv_clv`): a JSON object of [`ClvOptions`](customer_value::clv::ClvOptions) keys,
//!   each optional (`'{}'` for the defaults): `horizon_months` (12), `monthly_discount_rate`
//!   (0.01), `time_unit` (`"Weeks"` or `"Days"`: the unit of t_x and T; a month is 4.345 weeks or
//!   30 days) and `decimal_places` (2; unused here, the result is a `DOUBLE`). An unknown key is
//!   refused.
//! - `x` (repeat purchases), `t_x` (time from the first to the last purchase), `T` (time from the
//!   first purchase to the end of observation) and `horizon`: numbers in the time unit the model
//!   was fitted in. `mean_spend` (z̄): the mean value of the repeat purchases. Each takes any
//!   integer, float or `DECIMAL` of up to 38 digits; a `DECIMAL` becomes `f64` by the core's money
//!   rule ([`to_f64`](customer_value::numeric::money::to_f64)) on the same value, as the core
//!   converts a summary's mean spend.
//!
//! # NULLs
//!
//! A NULL model or options, or a NULL x, t_x, T or horizon, gives a NULL result. A NULL
//! `mean_spend` gives NULL, except with x = 0: a customer without repeat purchases has no mean
//! repeat spend (`cv_summary` gives NULL there), and is predicted at the population mean, as the
//! core's `SpendHistory::from_summary` does.
//!
//! # Errors
//!
//! Every error names the function and the argument: a wrong number of arguments or a type that is
//! neither a number nor (for models and options) a string (at planning); a model text that is not
//! a tagged model, a model the core refuses (its message is quoted), a spend model where a
//! purchase model belongs or the reverse, options with an unknown key or refused by the core; a
//! value that is NaN, infinite or negative, a t_x above T, a t_x other than 0 with x = 0, a mean
//! spend of 0 with x > 0 (each message gives the row's values); and the core's own errors (for
//! instance a Gamma-Gamma model with q ≤ 1, whose mean spend is infinite).
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{BgNbd, GammaGamma};
//! use customer_value_datafusion::score::ScoringModel;
//! use datafusion::arrow::array::AsArray;
//! use datafusion::arrow::datatypes::Float64Type;
//! use datafusion::prelude::SessionContext;
//!
//! // Fader, Hardie & Lee's (2005) BG/NBD fit on CDNOW, and their customer with x = 2, t_x =
//! // 30.43 and T = 38.86 weeks.
//! let model = ScoringModel::from(BgNbd::new(0.2425929, 4.4135323, 0.7928860, 2.4257524)?);
//! let spend = ScoringModel::from(GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?);
//! let (m, s) = (model.to_sql_literal()?, spend.to_sql_literal()?);
//! let ctx = SessionContext::new();
//! customer_value_datafusion::register_all(&ctx);
//! let sql = format!(
//!     "SELECT cv_p_alive({m}, x, t_x, t), cv_expected_purchases({m}, 39, x, t_x, t),
//!             cv_expected_spend({s}, x, z), cv_clv({m}, {s}, '{{}}', x, t_x, t, z)
//!      FROM (VALUES (2, 30.43, 38.86, 22.35)) AS c(x, t_x, t, z)"
//! );
//! let batches = tokio::runtime::Runtime::new()?
//!     .block_on(async { ctx.sql(&sql).await?.collect().await })?;
//! let value = |k: usize| batches[0].column(k).as_primitive::<Float64Type>().value(0);
//! assert!((value(0) - 0.726609).abs() < 1e-6);
//! assert!((value(1) - 1.225910).abs() < 1e-6);
//! assert!((value(2) - 24.6586).abs() < 1e-4);
//! assert!(value(3) > 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod clv;
mod expected_purchases;
mod expected_spend;
pub(crate) mod histories;
mod model;
mod p_alive;

use datafusion::logical_expr::ScalarUDF;

pub use model::{sql_literal, ScoringModel};

use crate::row_udf::RowUdf;

/// `cv_p_alive(model, x, t_x, T)`: P(alive | x, t_x, T) (see the [module](self) for the
/// arguments, NULLs and errors).
///
/// # Examples
///
/// ```
/// use datafusion::execution::FunctionRegistry;
/// use datafusion::prelude::SessionContext;
/// let ctx = SessionContext::new();
/// ctx.register_udf(customer_value_datafusion::score::p_alive());
/// assert!(ctx.udf("cv_p_alive").is_ok());
/// ```
pub fn p_alive() -> ScalarUDF {
    RowUdf::<p_alive::PAlive>::udf()
}

/// `cv_expected_purchases(model, horizon, x, t_x, T)`: E[Y(horizon) | x, t_x, T] (see the
/// [module](self)).
///
/// # Examples
///
/// ```
/// let udf = customer_value_datafusion::score::expected_purchases();
/// assert_eq!(udf.name(), "cv_expected_purchases");
/// ```
pub fn expected_purchases() -> ScalarUDF {
    RowUdf::<expected_purchases::ExpectedPurchases>::udf()
}

/// `cv_expected_spend(spend_model, x, mean_spend)`: E[Z | x, z̄] (see the [module](self)).
///
/// # Examples
///
/// ```
/// let udf = customer_value_datafusion::score::expected_spend();
/// assert_eq!(udf.name(), "cv_expected_spend");
/// ```
pub fn expected_spend() -> ScalarUDF {
    RowUdf::<expected_spend::ExpectedSpend>::udf()
}

/// `cv_clv(purchase_model, spend_model, options, x, t_x, T, mean_spend)`: customer lifetime value
/// (see the [module](self)).
///
/// # Examples
///
/// ```
/// let udf = customer_value_datafusion::score::clv();
/// assert_eq!(udf.name(), "cv_clv");
/// ```
pub fn clv() -> ScalarUDF {
    RowUdf::<clv::Clv>::udf()
}

/// The four scoring functions.
///
/// # Examples
///
/// ```
/// let names: Vec<String> = customer_value_datafusion::score::functions()
///     .iter()
///     .map(|f| f.name().to_owned())
///     .collect();
/// assert_eq!(names, ["cv_p_alive", "cv_expected_purchases", "cv_expected_spend", "cv_clv"]);
/// ```
pub fn functions() -> Vec<ScalarUDF> {
    vec![p_alive(), expected_purchases(), expected_spend(), clv()]
}

/// The core's error as the message after the function's name.
fn core_error(error: customer_value::clv::ClvError) -> String {
    format!("customer-value: {error}")
}

/// A NULL mean spend with x = 0 read as 0: no repeat purchase, so no spend observed (the core's
/// `SpendHistory::from_summary` does the same).
pub(crate) fn no_repeat_spend(row: &mut [Option<f64>], x: usize, mean_spend: usize) {
    if row[x] == Some(0.0) && row[mean_spend].is_none() {
        row[mean_spend] = Some(0.0);
    }
}
