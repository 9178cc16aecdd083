//! RFM scoring, named segments and the customer value matrix.
//!
//! [`RfmScorer`] cuts each of recency (days since the last purchase occasion: fewer is better, so
//! its score is reversed), frequency (purchase occasions, or order lines: [`FrequencyBasis`]) and monetary value (total or average net
//! spend) into `bins` levels, names each customer's (R, F) cell with an [`RfmSegment`], and keeps
//! the fitted breakpoints ([`FittedRfm`]) so new customers are scored against the same cuts.
//! [`value_matrix`] places customers on Marcus's (1998) frequency × average-order-value grid.
//!
//! # Finite results
//!
//! Scores are always in 1..=bins and breakpoints and splits are finite: the inputs are
//! summaries (recency and frequency counts below 2⁵³, amounts within ±10¹⁸ per line), caller
//! thresholds must be finite and strictly increasing, and a [`FittedRfm`] read back is refused
//! unless it has bins in 2..=10 and exactly bins − 1 finite, sorted breakpoints per dimension.
//! Value-matrix revenue sums cannot overflow (see [`crate::summary`]).
//!
//! # Examples
//!
//! ```
//! use customer_value::{RfmScorer, RfmSegment, Summarizer, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
//! let mut log = Vec::new();
//! for c in 1..=20u32 {
//!     for k in 0..(c % 6 + 1) {
//!         log.push(Transaction::new(c, d(1 + (c + k) % 12, 1 + k), Decimal::from(5 * c)));
//!     }
//! }
//! let summaries = Summarizer::new(d(12, 31)).summarize(&log)?;
//! let records = RfmScorer::new().score(&summaries)?;
//! assert!(records.iter().all(|r| (1..=5).contains(&r.score.recency)));
//! let champions = records.iter().filter(|r| r.segment == RfmSegment::Champions).count();
//! assert!(champions > 0);
//! # Ok::<(), customer_value::Error>(())
//! ```

mod binning;
mod from_aggregates;
mod scorer;
mod segments;
mod types;
mod value_matrix;

pub use from_aggregates::CustomerAggregate;
pub use scorer::{Breakpoints, FittedRfm, RfmScorer};
pub use segments::{RuleCoverage, SegmentMap, SegmentRule, SegmentRules};
pub use types::{Binning, FrequencyBasis, RfmError, RfmRecord, RfmScore, RfmSegment};
pub use value_matrix::{value_matrix, SplitAt, ValueCell, ValueMatrix, ValueMatrixOptions};
