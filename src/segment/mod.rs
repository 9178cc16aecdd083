//! Behavioural segmentation: k-means on customer features, the choice of k, cluster-quality
//! metrics, segment profiles and a Gaussian-mixture soft segmentation.
//!
//! RFM cells are fixed rules; clustering finds the groups the data really has.
//! [`KMeansSegmenter`] reads features straight from the [`CustomerSummary`] rows (recency days,
//! purchase occasions, total spend, average order value, tenure; `log1p` then z-score by default),
//! or clusters any caller matrix ([`KMeansSegmenter::fit_matrix`]). The result, a
//! [`Segmentation`], gives a label per customer in customer-id order, each segment's size, share
//! of customers and revenue, mean and median of every feature in original units, its centroid in
//! the clustering space, and a descriptive label such as `"recent · frequent · high spend"`.
//!
//! The engine is our own Lloyd iteration with Hamerly's bounds, seeded by greedy k-means++ and
//! parallel with deterministic reductions: same data and seed give bit-identical labels whatever
//! the thread count. linfa-clustering's `KMeans` is available as an alternative engine
//! ([`KMeansEngine::Linfa`]) and serves as the reference in tests.
//!
//! [`CustomerSummary`]: crate::summary::CustomerSummary
//!
//! # Finite results
//!
//! Every float of an `Ok` is finite, for any finite input (NaN and ±∞ are refused with
//! [`SegmentError::NonFinite`]). Points are rescaled by a power of two before any sum of squares
//! (exact: the results are the very floats the original points give wherever those do not
//! overflow or underflow), so:
//!
//! - k-means assignments, centroids, silhouette, Davies–Bouldin and Calinski–Harabasz are
//!   computed for points of any finite magnitude, ±f64::MAX and subnormals included;
//! - z-scores ([`FeatureTransform::ZScore`]) are computed for any column whose standard deviation
//!   is a normal float (at least 2.2e-308), whatever its values' magnitude; a column whose
//!   standard deviation is smaller is refused with [`SegmentError::VarianceUnderflow`], one whose
//!   values are all equal with [`SegmentError::ConstantFeature`];
//! - what is a sum of squares in the caller's units is refused with [`SegmentError::OutOfRange`]
//!   when it leaves f64's range: the inertia of untransformed points about 1e154 or more apart,
//!   and the covariances of an untransformed Gaussian mixture on points beyond about 1e150 (or so
//!   small, below about 1e-150, that the covariance regularisation outweighs them by more than
//!   f64 spans). z-scored features never reach these limits;
//! - a new row whose z-score overflows is refused with [`SegmentError::TransformOverflow`], and a
//!   row so far from every mixture component that all its squared Mahalanobis distances overflow
//!   with [`SegmentError::TooFarFromEveryComponent`];
//! - values read back through serde that no fit produces are refused with the error a fit would
//!   give.
//!
//! Every loop is bounded: k ≤ the distinct points (checked in one hash lookup per row before any
//! work), at most [`MAX_N_INIT`] initialisations of at most [`MAX_ITERATIONS`] Lloyd or EM
//! iterations each. A k-means fit costs at most n_init × (k·(2 + ln k) + iterations·k) distance
//! evaluations of n points of d features per k tried, plus, when k is chosen over a range, a
//! silhouette of at most 10⁸ distances per k (10,000 sampled points).
//!
//! # Examples
//!
//! ```
//! use customer_value::segment::{Feature, KMeansSegmenter};
//! use customer_value::{Summarizer, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
//! let mut log = Vec::new();
//! for customer in 0..40u32 {
//!     // Half the customers buy often and recently for a lot, half once, long ago, for little.
//!     if customer % 2 == 0 {
//!         for month in 1..=6 {
//!             log.push(Transaction::new(customer, d(month, 1 + customer % 20), Decimal::from(90 + customer)));
//!         }
//!     } else {
//!         log.push(Transaction::new(customer, d(1, 1 + customer % 20), Decimal::from(5 + customer % 3)));
//!     }
//! }
//! let summaries = Summarizer::new(d(6, 30)).summarize(&log)?;
//! let segmentation = KMeansSegmenter::new(2)
//!     .features(&[Feature::RecencyDays, Feature::PurchaseOccasions, Feature::Monetary])
//!     .seed(7)
//!     .fit(&summaries)?;
//! assert_eq!(segmentation.labels.len(), 40);
//! let mut labels: Vec<&str> = segmentation.segments.iter().map(|s| s.label.as_str()).collect();
//! labels.sort();
//! assert_eq!(labels, ["lapsed · one-off · low spend", "recent · frequent · high spend"]);
//! // Customers 0 and 1 (ids sorted) land in different segments.
//! assert_ne!(segmentation.labels[0], segmentation.labels[1]);
//! // New customers are scored with the stored transform; the fitted ones get their labels back.
//! assert_eq!(segmentation.assign(&summaries)?, segmentation.labels);
//! // Quality metrics are computed on demand, in the clustering space.
//! assert!(segmentation.quality(0)?.silhouette.score > 0.8);
//! # Ok::<(), customer_value::Error>(())
//! ```

use thiserror::Error;

mod clustering;
mod density;
mod engine;
mod labels;
mod linfa_engine;
pub mod metrics;
mod mixture;
mod model;
mod profile;
#[cfg(feature = "serde")]
mod read_checks;
mod scale;
mod seeding;
mod segmentation;
mod segmenter;
mod transform;
pub mod tree;

pub use metrics::{QualityMetrics, Silhouette};
pub use mixture::{GaussianMixtureSegmenter, SoftSegmentation};
pub use model::SegmentModel;
pub use profile::SegmentProfile;
pub use segmentation::{RfmScoreMeans, Segmentation};
pub use segmenter::{
    KCriterion, KMeansEngine, KMeansSegmenter, KScore, MAX_ITERATIONS, MAX_N_INIT,
};
pub use transform::{Feature, FeatureTransform, FittedTransform};

/// Errors from segmentation.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SegmentError {
    /// No customers or rows (or no feature columns) were given.
    #[error("no data to segment")]
    EmptyInput,
    /// A setting is out of range, or contradicts another.
    #[error("invalid parameter {name} = {value}: {constraint}")]
    InvalidParameter {
        /// The setting's name.
        name: &'static str,
        /// The value given (a count as `f64`; for a repeated feature, its position).
        value: f64,
        /// What must hold, or what to change.
        constraint: &'static str,
    },
    /// k exceeds the number of distinct points (customers or rows with different values): k
    /// larger than the customers is this error too.
    #[error("k = {k} clusters need {k} distinct points, but the data have only {distinct} (customers or rows with different feature values)")]
    TooFewDistinctPoints {
        /// The number of clusters asked for.
        k: usize,
        /// Distinct points found (counting stops at k − 1 when fewer).
        distinct: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("non-finite value {value} at row {row}, column {column}")]
    NonFinite {
        /// Row (customer position after sorting by id, or matrix row).
        row: usize,
        /// Column (feature position).
        column: usize,
        /// The value.
        value: f64,
    },
    /// A value ≤ −1 under a `log1p` transform (for example a customer whose refunds exceed their
    /// purchases).
    #[error("value {value} at row {row}, column {column} is not above -1, so log1p is undefined")]
    Log1pDomain {
        /// Row.
        row: usize,
        /// Column.
        column: usize,
        /// The value.
        value: f64,
    },
    /// A feature has zero variance: it cannot be scaled and separates nothing.
    #[error("feature {name} (column {column}) is constant")]
    ConstantFeature {
        /// Column.
        column: usize,
        /// Feature name.
        name: String,
    },
    /// An argument has the wrong length (columns of new rows vs the fit, labels vs points).
    #[error("{name}: expected length {expected} but found {found}")]
    LengthMismatch {
        /// The argument whose length is wrong.
        name: &'static str,
        /// The size required.
        expected: usize,
        /// The size given.
        found: usize,
    },
    /// The same customer appears twice (in the summaries, or in the scores given to
    /// [`Segmentation::rfm_profile`]).
    #[error("customer at position {position} already appears at position {first_position}")]
    DuplicateCustomer {
        /// Position (in the caller's input) of the repeated occurrence.
        position: usize,
        /// Position of the customer's first occurrence.
        first_position: usize,
    },
    /// RFM scores name a customer that is not in the segmentation.
    #[error("RFM scores at position {position} are for a customer not in the segmentation")]
    UnknownCustomer {
        /// Position in the caller's scores.
        position: usize,
    },
    /// The segmentation was fitted on a matrix, so it cannot read features from summaries.
    #[error("the segmentation was fitted on a matrix; use assign_matrix")]
    NoSummaryFeatures,
    /// A quality metric needs 2 ≤ clusters ≤ points − 1.
    #[error(
        "{metric} needs between 2 and n - 1 clusters; got {clusters} clusters for {points} points"
    )]
    MetricUndefined {
        /// The metric.
        metric: &'static str,
        /// Clusters present in the labels.
        clusters: usize,
        /// Points.
        points: usize,
    },
    /// A result is outside f64's normal range in the caller's units, although it was computed on
    /// rescaled points: for instance the inertia of points near 1e200, whose squares exceed f64,
    /// or the covariances of an untransformed mixture fitted on such points.
    #[error("{quantity} is about 1e{log10:.0}, outside f64's normal range (2.2e-308 to 1.8e308): {remedy}")]
    OutOfRange {
        /// What is out of range (`"inertia"`, `"covariances"`, `"davies_bouldin"`…).
        quantity: &'static str,
        /// Its decimal logarithm, computed without overflow.
        log10: f64,
        /// What to change.
        remedy: &'static str,
    },
    /// A feature varies so little that its standard deviation is below the smallest normal f64
    /// (2.2e-308), so it cannot be z-scored (its variance, the square, underflowed long before).
    #[error("feature {name} (column {column}) varies too little to z-score: its standard deviation, about 1e{log10:.0}, underflows f64 (the smallest normal f64 is 2.2e-308); rescale it or leave it out")]
    VarianceUnderflow {
        /// Column.
        column: usize,
        /// Feature name.
        name: String,
        /// The decimal logarithm of its standard deviation.
        log10: f64,
    },
    /// A value is so far from the fitted mean, relative to the fitted scale, that its z-score
    /// overflows f64.
    #[error("value {value} at row {row}, column {column} is too far from the fitted mean for its scale: its z-score overflows f64")]
    TransformOverflow {
        /// Row.
        row: usize,
        /// Column.
        column: usize,
        /// The value, in original units.
        value: f64,
    },
    /// A row is so far from every mixture component that its squared Mahalanobis distances all
    /// overflow f64: no component can be preferred.
    #[error("row {row} is too far from every mixture component: its squared Mahalanobis distances overflow f64")]
    TooFarFromEveryComponent {
        /// Row.
        row: usize,
    },
    /// linfa-clustering failed (engine or Gaussian mixture); its message is kept.
    #[error("linfa-clustering failed: {message}")]
    Linfa {
        /// linfa's error message.
        message: String,
    },
}

impl SegmentError {
    /// An out-of-range setting.
    pub(crate) fn invalid(name: &'static str, value: f64, constraint: &'static str) -> Self {
        Self::InvalidParameter {
            name,
            value,
            constraint,
        }
    }
}
