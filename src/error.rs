//! The crate's error type.
//!
//! Each module has its own small `#[non_exhaustive]` error enum whose variants carry the context a
//! caller needs (which position, which value, which parameter). Module functions return their own
//! error; [`Error`] wraps them all with `#[from]`, so `?` lifts any of them into one type.
//!
//! The module enums share one vocabulary, one variant per condition: an out-of-range setting or
//! argument is `InvalidParameter { name, value, constraint }` (the value as `f64`, `constraint`
//! saying what must hold), a list of the wrong length `LengthMismatch { name, expected, found }`, a
//! repeated customer `DuplicateCustomer { position, first_position }`, and an offending input line
//! or summary is named by its `position` in the slice.
//!
//! # Examples
//!
//! ```
//! use customer_value::{Error, Summarizer, Transaction};
//! use chrono::NaiveDate;
//!
//! let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
//! let empty: Vec<Transaction<u32>> = Vec::new();
//! let err: Error = Summarizer::new(end).summarize(&empty).unwrap_err().into();
//! assert!(matches!(err, Error::Summary(_)));
//! assert_eq!(err.to_string(), "no transactions were given");
//! ```

use thiserror::Error as ThisError;

/// Any error this crate returns: one variant per module, each wrapping that module's error enum.
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum Error {
    /// From [`crate::summary`]: transactions to customer summaries.
    #[error(transparent)]
    Summary(#[from] crate::summary::SummaryError),
    /// From [`crate::rfm`]: RFM scoring, segments and the value matrix.
    #[error(transparent)]
    Rfm(#[from] crate::rfm::RfmError),
    /// From [`crate::clv`]: purchase and spend models, fitting and CLV.
    #[error(transparent)]
    Clv(#[from] crate::clv::ClvError),
    /// From [`crate::segment`]: k-means and mixture segmentation.
    #[error(transparent)]
    Segment(#[from] crate::segment::SegmentError),
    /// From [`crate::segment::tree`]: decision-tree segmentation.
    #[error(transparent)]
    Tree(#[from] crate::segment::tree::TreeError),
    /// From [`crate::lifecycle`]: lifecycle stages and transitions.
    #[error(transparent)]
    Lifecycle(#[from] crate::lifecycle::LifecycleError),
    /// From [`crate::kpi`]: retention, cohorts and relationship KPIs.
    #[error(transparent)]
    Kpi(#[from] crate::kpi::KpiError),
    /// From [`crate::satisfaction`]: survey statistics.
    #[error(transparent)]
    Satisfaction(#[from] crate::satisfaction::SatisfactionError),
    /// From [`crate::report`]: the report's settings.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// From [`crate::charts`]: plot data and SVG rendering.
    #[error(transparent)]
    Chart(#[from] crate::charts::ChartError),
}

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
