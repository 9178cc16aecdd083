//! Checking a purchase model against what happened after its calibration: expected against
//! actual repeat transactions per period ([`transaction_tracking`], Fader, Hardie & Lee's
//! tracking plots) with their errors over the holdout, and predicted P(active) in the holdout
//! ([`active_calibration`], BTYDplus's P(active) diagnostic) or P(alive) ([`alive_calibration`])
//! against the share of customers active in the holdout.
//! The holdout errors by calibration frequency are
//! [`holdout_comparison`](crate::clv::diagnostics::holdout_comparison)'s.
//!
//! Every function works through the [`PurchaseModel`](crate::clv::PurchaseModel) trait
//! ([`active_calibration`] through [`AliveForecast`](crate::clv::AliveForecast)), and
//! every result is plot-ready data (serde with the `serde` feature).
//!
//! # Finite results
//!
//! Every value taken from the model is checked ([`crate::clv::ClvError::InvalidPrediction`]),
//! sums that overflow f64 are a [`crate::clv::ClvError::NumericalFailure`], and the work is
//! bounded by [`TrackingOptions::MAX_PERIODS`] and [`MAX_BINS`].
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
//! use customer_value::clv::BgNbd;
//! use customer_value::{Summarizer, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
//! let log = [
//!     Transaction::new("ann", day(1, 1), Decimal::from(20)),
//!     Transaction::new("ann", day(1, 20), Decimal::from(15)),
//!     Transaction::new("bob", day(1, 2), Decimal::from(30)),
//! ];
//! let summaries = Summarizer::new(day(1, 28)).summarize(&log)?;
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let tracking = transaction_tracking(&model, &summaries, &TrackingOptions::weekly(day(1, 1), 4, day(1, 14)))?;
//! let actual: Vec<u64> = tracking.periods.iter().map(|p| p.actual).collect();
//! assert_eq!(actual, [0, 0, 1, 0]);
//! let errors = tracking.holdout_errors.unwrap(); // weeks 3 and 4
//! assert_eq!((errors.periods, errors.actual_total), (2, 1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod alive_calibration;
mod cumulative;
mod errors;
mod periods;

pub use alive_calibration::{
    active_calibration, alive_calibration, probability_calibration, AliveCalibration,
    CalibrationBin, MAX_BINS,
};
pub use cumulative::{transaction_tracking, TrackedPeriod, TransactionTracking};
pub use errors::TrackingErrors;
pub use periods::{PeriodLength, TrackingOptions};
