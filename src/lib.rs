//! # customer-value
//!
//! Customer-value metrics from a company's raw customer data, as pure functions on typed values:
//! RFM scores and segments, "buy 'til you die" purchase models and customer lifetime value,
//! k-means segments, lifecycle stages, retention KPIs and satisfaction statistics.
//!
//! ```text
//!  transactions ──► Summarizer ──► CustomerSummary (one row per customer)
//!                                        │
//!          ┌────────────┬────────────┬───┴────────┬─────────────┐
//!         rfm          clv        segment     lifecycle        kpi
//!
//!  surveys ──► satisfaction
//! ```
//!
//! [`Summarizer`] reads a log once (in parallel, or in chunks through a mergeable
//! [`SummaryAccumulator`]) and keeps per customer the RFM inputs, the BTYD triple in a chosen
//! [`TimeUnit`] and the purchase occasions, so no later module walks the log again. [`RfmScorer`]
//! fits breakpoints on those rows and names segments; [`kpi`] computes retention, cohorts and unit
//! economics from the kept occasions.
//!
//! Money is [`rust_decimal::Decimal`] at the API boundary; dates are [`chrono::NaiveDate`]; models
//! compute in `f64`, and every crossing from money to `f64` goes through
//! [`numeric::money::to_f64`]. Settings types ([`Summarizer`], [`RfmScorer`],
//! [`rfm::SegmentRules`], [`rfm::ValueMatrixOptions`], [`clv::FitOptions`], …) implement
//! [`Settings`], and every entry point checks its settings before any work. Intervals are one
//! [`Interval`] type. Every fallible function returns its module's typed error, all of which convert
//! into [`Error`].
//!
//! # Examples
//!
//! ```
//! use customer_value::{RfmScorer, Summarizer, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
//! let log = vec![
//!     Transaction::new(1u32, d(1, 3), Decimal::new(2550, 2)),
//!     Transaction::new(1, d(3, 9), Decimal::new(1200, 2)),
//!     Transaction::new(2, d(2, 14), Decimal::new(9900, 2)),
//!     Transaction::new(3, d(3, 28), Decimal::new(4000, 2)),
//! ];
//! let summaries = Summarizer::new(d(3, 31)).summarize(&log)?;
//! let records = RfmScorer::new().bins(3).score(&summaries)?;
//! assert_eq!(records.len(), 3);
//! # Ok::<(), customer_value::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod charts;
pub mod clv;
pub mod error;
mod interval;
pub mod kpi;
pub mod lifecycle;
pub mod numeric;
pub mod report;
pub mod rfm;
pub mod satisfaction;
pub mod segment;
pub mod settings;
pub mod summary;
pub mod transaction;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use error::{Error, Result};
pub use interval::Interval;
pub use rfm::{Binning, RfmRecord, RfmScore, RfmScorer, RfmSegment};
pub use settings::Settings;
pub use summary::{
    BtydInputs, CalibrationHoldout, CustomerSummary, LateTransactions, MonetaryBasis,
    PurchaseOccasion, RefundPolicy, Summarizer, SummaryAccumulator, SummaryReport, TimeUnit,
};
pub use transaction::Transaction;

/// The date and time crate the API speaks ([`chrono::NaiveDate`], [`chrono::NaiveDateTime`],
/// [`chrono::DateTime`]), re-exported so callers use the same version.
pub use chrono;
/// The decimal crate of every money amount ([`rust_decimal::Decimal`]), re-exported so callers use
/// the same version.
pub use rust_decimal;
