//! [customer-value](customer_value) as Apache DataFusion SQL functions.
//!
//! One call, [`register_all`], registers every function on a `SessionContext`; [`all_functions`]
//! returns them for a `SessionStateBuilder` (or a Ballista executor).
//!
//! # Examples
//!
//! ```
//! use datafusion::prelude::SessionContext;
//!
//! let ctx = SessionContext::new();
//! customer_value_datafusion::register_all(&ctx);
//! ```

#![deny(missing_docs)]

#[cfg(feature = "ballista")]
pub mod ballista;
pub mod summary;

use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

mod arguments;
pub mod fit;
pub mod rfm;
mod row_udf;
pub mod score;

/// Every SQL function of this crate: the aggregates and the scalar functions.
#[derive(Debug, Clone, Default)]
pub struct Functions {
    /// The aggregate functions (`cv_summary`, …).
    pub aggregates: Vec<AggregateUDF>,
    /// The scalar functions (scores, …).
    pub scalars: Vec<ScalarUDF>,
}

/// Every SQL function of this crate, to register on a `SessionStateBuilder` or an executor.
///
/// # Examples
///
/// ```
/// let functions = customer_value_datafusion::all_functions();
/// let aggregates: Vec<&str> = functions.aggregates.iter().map(|f| f.name()).collect();
/// let scalars: Vec<&str> = functions.scalars.iter().map(|f| f.name()).collect();
/// assert_eq!(aggregates, ["cv_summary", "cv_rfm_breakpoints"]);
/// assert_eq!(
///     scalars,
///     ["cv_p_alive", "cv_expected_purchases", "cv_expected_spend", "cv_clv", "cv_rfm_score"]
/// );
/// ```
pub fn all_functions() -> Functions {
    let mut functions = Functions::default();
    functions.aggregates.push(summary::cv_summary());
    functions.aggregates.push(rfm::breakpoints());
    functions.scalars.extend(score::functions());
    functions.scalars.push(rfm::score());
    functions
}

/// Registers every SQL function of this crate on `ctx` (a function of the same name already
/// registered is replaced).
///
/// # Examples
///
/// ```
/// use datafusion::prelude::SessionContext;
///
/// let ctx = SessionContext::new();
/// customer_value_datafusion::register_all(&ctx);
/// ```
pub fn register_all(ctx: &SessionContext) {
    let Functions {
        aggregates,
        scalars,
    } = all_functions();
    for udaf in aggregates {
        ctx.register_udaf(udaf);
    }
    for udf in scalars {
        ctx.register_udf(udf);
    }
}
