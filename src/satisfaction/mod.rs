//! Satisfaction statistics: every survey figure with its interval and its test.
//!
//! - [`Nps`]: Net Promoter Score from 0–10 answers, on the −100…100 scale, with Wald, adjusted Wald and
//!   iterative score intervals (Rocks 2016) and the two-sample difference test.
//! - [`Csat`]: share satisfied (top-2-box by default) with Wilson's interval and the pooled two-proportion
//!   z test; the mean score with a t interval.
//! - [`Ces`]: Customer Effort Score, 7-point agreement or 5-point effort variant.
//! - [`Descriptive`]: n, mean, SD, SE, quartiles, mode, counts, skewness G1 and excess kurtosis G2.
//! - [`Correlation`]: Pearson and Spearman with p-values and intervals; [`CorrelationMatrix`].
//! - [`KeyDrivers`]: correlations, standardised betas, Johnson's relative weights, Shapley/LMG values and
//!   an importance–performance quadrant.
//! - [`cronbach_alpha`]: raw and standardised alpha, alpha if an item is deleted, corrected item-total
//!   correlations, Feldt's interval; [`cronbach_alpha_interval`]: alpha and Feldt's interval under
//!   listwise or pairwise deletion of missing answers.
//! - [`Kano`]: Kano categories (Berger et al. 1993) with the Better/Worse coefficients.
//!
//! # Inputs
//!
//! Single items are slices of answers: `&[u8]` for the NPS, CSAT and CES scales (an answer outside the
//! scale is an error naming its position), `&[f64]` for numeric answers where `NaN` marks a missing
//! answer. Several items are an [`ndarray::ArrayView2<f64>`] of respondents × items; a row with any `NaN`
//! is dropped as a whole (listwise deletion), and the number of rows used is reported;
//! [`cronbach_alpha_interval`] can instead use each pair of items' common answers (pairwise deletion).
//!
//! Respondent weights (NPS, CSAT, CES, means) are non-negative finite numbers; intervals then use Kish's
//! effective sample size n_eff = (Σw)² / Σw² (Kish 1965, *Survey Sampling*) in place of n.
//! [`by_segment`] breaks any single-item statistic down by a caller-given segment label.
//!
//! # Finite results
//!
//! Every `f64` in an `Ok` is finite, for any finite answers and any non-negative finite weights:
//!
//! - Weights from 5e-324 to `f64::MAX` work: they are divided by a power of two near the largest
//!   before any sum, so shares, means, Kish's n_eff and intervals (which depend only on the weights'
//!   ratios) never see an overflowing Σw or an underflowing Σw². The one figure in the caller's weight
//!   units, [`Nps::promoters`] and its siblings, is an [`SatisfactionError::Overflow`] error when the
//!   weights sum past `f64::MAX`.
//! - Numeric answers up to ±`f64::MAX` work the same way (means, quartiles, correlations, alpha and key
//!   drivers are computed on the scaled answers). Only figures that truly exceed `f64::MAX` are
//!   [`SatisfactionError::Overflow`] errors: the standard deviation of answers spread wider than
//!   about ±1.27e308 (`f64::MAX`/√2), and a t interval for the mean of unbounded answers that would
//!   reach past ±`f64::MAX`.
//! - Confidence levels are any number strictly between 0 and 1; critical values come from the tail
//!   (1 − level)/2, so levels a hair below 1 give large but finite intervals.
//! - Integer counts are checked: [`Nps::from_counts`] refuses counts whose total exceeds `u64::MAX`.
//! - Values read back with serde are checked like the constructors check them (counts non-negative,
//!   shares within their totals, n_eff ≥ 1, coefficients within −1…1, …); a value they would refuse
//!   is a deserialization error.
//!
//! # Examples
//!
//! ```
//! use customer_value::satisfaction::{Csat, CsatScale, Nps};
//!
//! // 60 promoters, 25 passives, 15 detractors.
//! let mut answers = vec![10u8; 60];
//! answers.extend(vec![7u8; 25]);
//! answers.extend(vec![3u8; 15]);
//! let nps = Nps::from_answers(&answers)?;
//! assert!((nps.score() - 45.0).abs() < 1e-9);
//! let wald = nps.wald_interval(0.95)?;
//! assert!((wald.lower - 30.50).abs() < 0.01 && (wald.upper - 59.50).abs() < 0.01);
//!
//! let csat = Csat::from_answers(&[5, 4, 4, 3, 5, 2, 4, 5], CsatScale::five_point())?;
//! assert_eq!(csat.satisfied_share(), 0.75);
//! # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
//! ```

mod alpha_interval;
mod ces;
mod correlation;
mod csat;
mod descriptive;
mod drivers;
mod eigen;
mod feldt;
mod interval;
mod kano;
mod nps;
mod reliability;
mod scale;
mod segment;
mod student_t;

pub use alpha_interval::{cronbach_alpha_interval, AlphaEstimate, MissingAnswers};
pub use ces::{Ces, CesScale};
pub use correlation::{Correlation, CorrelationMatrix, CorrelationMethod};
pub use csat::{Csat, CsatScale, ProportionTest};
pub use descriptive::{AnswerCount, Descriptive, MeanEstimate};
pub use drivers::{DriverImportance, KeyDrivers, Quadrant, MAX_EXACT_SHAPLEY_DRIVERS};
pub use interval::{effective_sample_size, wilson_interval, Interval};
pub use kano::{Kano, KanoAnswer, KanoCategory};
pub use nps::{Nps, NpsDifference};
pub use reliability::{cronbach_alpha, ItemReliability, Reliability};
pub use segment::{by_segment, SegmentResult};

use thiserror::Error;

/// Errors from survey statistics.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SatisfactionError {
    /// No answers were given (or none were left after dropping missing answers).
    #[error("no answers were given")]
    EmptyInput,
    /// An answer lies outside its scale.
    #[error("answer {value} at position {position} is outside the scale {min}..={max}")]
    OutOfScale {
        /// Its position in the input (row for matrices).
        position: usize,
        /// The value given.
        value: f64,
        /// The smallest answer the scale allows.
        min: f64,
        /// The largest answer the scale allows.
        max: f64,
    },
    /// A numeric answer is infinite (missing answers are `NaN`; infinities are errors).
    #[error("answer {value} at position {position} is not finite")]
    NonFinite {
        /// Its position in the input (row for matrices).
        position: usize,
        /// The value given.
        value: f64,
    },
    /// A respondent weight is negative or not finite.
    #[error("weight {value} at position {position} is not a non-negative finite number")]
    InvalidWeight {
        /// Its position in the weights.
        position: usize,
        /// The value given.
        value: f64,
    },
    /// Every respondent weight is zero.
    #[error("the respondent weights sum to zero")]
    ZeroTotalWeight,
    /// Two inputs that go together differ in length.
    #[error("{name}: expected {expected} values, found {found}")]
    LengthMismatch {
        /// Which input has the wrong length.
        name: &'static str,
        /// The length it should have.
        expected: usize,
        /// The length it has.
        found: usize,
    },
    /// A setting (confidence level, scale length, cut-off) is out of range.
    #[error("parameter {name} = {value} is invalid: {constraint}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must satisfy.
        constraint: &'static str,
    },
    /// A variable that must vary (for a correlation, a standardisation, a test) is constant.
    #[error("{name} has zero variance")]
    ZeroVariance {
        /// Which variable: "x", "y", "overall", "driver 3", "item 2", ...
        name: String,
    },
    /// Too few respondents (after listwise deletion) for the statistic.
    #[error("{statistic} needs at least {needed} respondents, found {found}")]
    TooFewRespondents {
        /// The statistic asked for.
        statistic: &'static str,
        /// The smallest number that works.
        needed: usize,
        /// The number available.
        found: usize,
    },
    /// Too few items (columns) for the statistic.
    #[error("{statistic} needs at least {needed} items, found {found}")]
    TooFewItems {
        /// The statistic asked for.
        statistic: &'static str,
        /// The smallest number that works.
        needed: usize,
        /// The number given.
        found: usize,
    },
    /// The drivers are collinear: some driver is (to rounding) a linear combination of the others,
    /// e.g. two identical columns, so their separate importance is undefined.
    #[error(
        "drivers {} are collinear (one is a linear combination of the others): drop or combine one",
        list(drivers)
    )]
    SingularDrivers {
        /// The drivers (columns, ascending) that take part in a linear dependence.
        drivers: Vec<usize>,
    },
    /// Under pairwise deletion, fewer than 2 respondents answered both items of a pair (`first` =
    /// `second`: answered the item), so their covariance is undefined.
    #[error("items {first} and {second} were answered together by {found} respondents; a covariance needs 2")]
    TooFewCommonAnswers {
        /// The first item (column).
        first: usize,
        /// The second item (column); equal to `first` for an item's own variance.
        second: usize,
        /// Respondents who answered both.
        found: usize,
    },
    /// Under pairwise deletion the covariances, each from its own respondents, give alpha above 1
    /// (or a total-score variance ≤ 0), which no one sample can: too many answers are missing.
    #[error(
        "pairwise deletion gives alpha = {alpha} above 1: the item pairs were answered by too \
         different respondents; use listwise deletion"
    )]
    PairwiseAlphaAboveOne {
        /// The alpha computed.
        alpha: f64,
    },
    /// A figure the statistic reports lies beyond the largest `f64` (≈ 1.8e308) although every input
    /// is finite, e.g. the standard deviation of answers near ±`f64::MAX`.
    #[error(
        "{quantity} exceeds the largest f64 (1.8e308) for inputs as large as {largest:e}: divide \
         the inputs by a common factor"
    )]
    Overflow {
        /// What overflows, e.g. "the standard deviation".
        quantity: &'static str,
        /// The largest magnitude among the inputs.
        largest: f64,
    },
}

/// A setting or a field read back with a value the constructors never produce.
pub(crate) fn invalid(
    name: &'static str, value: f64, constraint: &'static str,
) -> SatisfactionError {
    SatisfactionError::InvalidParameter {
        name,
        value,
        constraint,
    }
}

/// "0, 1, 3" for the error message.
fn list(indices: &[usize]) -> String {
    indices
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Shorthand for this module's results.
pub(crate) type Result<T> = std::result::Result<T, SatisfactionError>;
