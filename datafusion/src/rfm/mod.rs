//! RFM over a table: the breakpoints as an aggregate, the scores as a scalar function, both the
//! core's ([`RfmScorer::fit_columns`](customer_value::RfmScorer::fit_columns),
//! [`FittedRfm::score_values`](customer_value::rfm::FittedRfm::score_values)), so SQL scores equal
//! [`RfmScorer`](customer_value::RfmScorer)'s on the same customers.
//!
//! | SQL function | result |
//! | --- | --- |
//! | `cv_rfm_breakpoints(recency_days, frequency, monetary [, options])` (aggregate) | `VARCHAR`: the JSON of the fitted [`FittedRfm`](customer_value::rfm::FittedRfm) |
//! | `cv_rfm_score(fitted, recency_days, frequency, monetary)` | `STRUCT(r UTINYINT, f UTINYINT, m UTINYINT, segment VARCHAR)` |
//!
//! - `recency_days`: days from the last purchase occasion to the observation end (RFM recency);
//!   `frequency`: purchase occasions; `monetary`: total net spend, or the average per occasion
//!   when the options say `"monetary": "AveragePerOccasion"` (pass the matching column). Any
//!   integer, float or `DECIMAL` of up to 38 digits; a `DECIMAL` becomes `f64` by the core's money
//!   rule ([`to_f64`](customer_value::numeric::money::to_f64)), as `RfmScorer` converts a
//!   summary's spend.
//! - `options`: a JSON string literal of [`RfmScorer`](customer_value::RfmScorer)'s keys, each
//!   optional: `bins` (5; 2 to 10), `binning` (`"Quantiles"`, the default: numpy's linear
//!   quantiles; `"EqualCount"`: dplyr's `ntile` boundaries; or
//!   `{"Thresholds": {"recency": […], "frequency": […], "monetary": […]}}`), `monetary`
//!   (`"TotalSpend"` or `"AveragePerOccasion"`) and `segments` (`"Default"`, the R×F map, or
//!   `{"Rules": …}`). An unknown key is refused.
//! - `fitted`: the JSON `cv_rfm_breakpoints` returns (or `serde_json` of a core `FittedRfm`); the
//!   core's checks run when it is read. A literal, or a column (e.g. after a `CROSS JOIN` with the
//!   one-row result of the aggregate): parsed once per batch or run of equal values.
//! - Scores `r`, `f`, `m` are in 1..=bins, higher is better (recency reversed); `segment` is the
//!   named segment (e.g. "Champions", "At Risk").
//!
//! The breakpoints are order statistics of the values gathered (quantiles by selection, or
//! equal-count boundaries), so they do not depend on the partitioning; partial states (every
//! value seen) merge by concatenation.
//!
//! # NULLs and errors
//!
//! The aggregate skips rows with a NULL value and returns NULL when no row is left; the score is
//! NULL when `fitted` or a value is NULL. Errors name the function and the argument: a wrong
//! number of arguments or a type that is not a number (or a string, for the options and the
//! fitted model); options that are not a literal, not JSON, with an unknown key, or refused by the
//! core (e.g. `bins` 11); a fitted model the core refuses; a value that is NaN or infinite, or a
//! negative recency or frequency (with the row's values); equal-count binning over fewer rows
//! than bins.
//!
//! # Examples
//!
//! ```
//! use datafusion::arrow::array::{Array, AsArray};
//! use datafusion::prelude::SessionContext;
//!
//! let ctx = SessionContext::new();
//! customer_value_datafusion::register_all(&ctx);
//! let customers = "(VALUES (1, 10, 1, 20.0), (2, 3, 4, 180.5), (3, 40, 2, 55.0), (4, 1, 6, 310.0))
//!                  AS c(id, recency_days, frequency, monetary)";
//! let sql = format!(
//!     "WITH fitted AS (SELECT cv_rfm_breakpoints(recency_days, frequency, monetary, '{{\"bins\": 2}}') AS model
//!                      FROM {customers})
//!      SELECT id, cv_rfm_score(fitted.model, recency_days, frequency, monetary) AS score
//!      FROM {customers} CROSS JOIN fitted ORDER BY id"
//! );
//! let batches = tokio::runtime::Runtime::new()?
//!     .block_on(async { ctx.sql(&sql).await?.collect().await })?;
//! let score = batches[0].column(1).as_struct();
//! let r = score.column_by_name("r").unwrap().as_primitive::<datafusion::arrow::datatypes::UInt8Type>();
//! // Median recency 6.5 days: customers 2 and 4 are the recent half.
//! assert_eq!((r.value(0), r.value(1), r.value(2), r.value(3)), (1, 2, 1, 2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod breakpoints;
mod score;

use datafusion::logical_expr::{AggregateUDF, ScalarUDF};

use crate::row_udf::RowUdf;

/// `cv_rfm_breakpoints(recency_days, frequency, monetary [, options])`: the aggregate that fits
/// the breakpoints (see the [module](self)).
///
/// # Examples
///
/// ```
/// assert_eq!(customer_value_datafusion::rfm::breakpoints().name(), "cv_rfm_breakpoints");
/// ```
pub fn breakpoints() -> AggregateUDF {
    AggregateUDF::from(breakpoints::RfmBreakpoints::default())
}

/// `cv_rfm_score(fitted, recency_days, frequency, monetary)`: the scores and segment (see the
/// [module](self)).
///
/// # Examples
///
/// ```
/// assert_eq!(customer_value_datafusion::rfm::score().name(), "cv_rfm_score");
/// ```
pub fn score() -> ScalarUDF {
    RowUdf::<score::RfmScoreFunction>::udf()
}
