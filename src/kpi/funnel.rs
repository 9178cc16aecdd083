//! Funnel and service KPIs: conversion, renewal, complaint and resolution rates, each a share of
//! counts with Wilson's score interval (Wilson 1927, *JASA* 22(158); computed by
//! [`wilson_interval`], the one the survey shares use).
//!
//! Every rate here is a proportion: each unit of the numerator is also a unit of the denominator
//! (a prospect who converted, a contract renewed, an order or customer with a complaint, a
//! complaint resolved), so the rate lies in [0, 1] and Wilson's interval applies. Counting
//! several complaints against one order would break this; count orders (or customers) with a
//! complaint instead.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDate;

use super::KpiError;
use crate::interval::Interval;
use crate::satisfaction::wilson_interval;
use crate::summary::CustomerSummary;

/// A share of counts with its Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RateEstimateData")
)]
pub struct RateEstimate {
    /// The units counted in the numerator (conversions, renewals, complaints, resolutions).
    pub numerator: u64,
    /// The units they are a share of (prospects, contracts due, orders or customers, complaints).
    pub denominator: u64,
    /// numerator / denominator, in [0, 1].
    pub rate: f64,
    /// Wilson's score interval around `rate`.
    pub interval: Interval,
}

/// The fields of [`RateEstimate`] as read, before the checks of its `TryFrom`.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RateEstimateData {
    numerator: u64,
    denominator: u64,
    rate: f64,
    interval: Interval,
}

#[cfg(feature = "serde")]
impl TryFrom<RateEstimateData> for RateEstimate {
    type Error = KpiError;

    /// Recomputes the estimate from the counts and level read: any field that differs is refused.
    fn try_from(data: RateEstimateData) -> Result<Self, KpiError> {
        let recomputed = share(
            "a rate read back",
            data.numerator,
            data.denominator,
            data.interval.level,
        )?;
        let read = RateEstimate {
            numerator: data.numerator,
            denominator: data.denominator,
            rate: data.rate,
            interval: data.interval,
        };
        if read == recomputed {
            Ok(read)
        } else {
            Err(KpiError::InvalidParameter {
                name: "rate",
                value: data.rate,
                constraint: "the rate and its interval must be those of its counts and level",
            })
        }
    }
}

/// Conversion rate in [`start`, `end`]: the share of `prospects` (distinct ids; repeats count once)
/// whose first purchase occasion falls in the period, with its Wilson interval at `level`.
///
/// First purchases come from the log's `summaries` (one per customer who ever bought, as a
/// [`Summarizer`](crate::Summarizer) returns them); a prospect without a summary has not bought.
/// A prospect who first bought before `start` was already a customer, not a prospect of this
/// period: they are left out of the denominator (the rate of a list of leads taken at `start`).
///
/// # Examples
///
/// ```
/// use chrono::NaiveDate;
/// use customer_value::kpi::conversion_rate;
/// use customer_value::{Summarizer, Transaction};
/// use rust_decimal::Decimal;
///
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = vec![
///     Transaction::new(1, d(3, 2), Decimal::from(20)),
///     Transaction::new(2, d(3, 20), Decimal::from(35)),
///     Transaction::new(3, d(4, 5), Decimal::from(10)),
/// ];
/// let summaries = Summarizer::new(d(4, 30)).summarize(&log)?;
/// // Of prospects 1…8, customers 1 and 2 first bought in March.
/// let march = conversion_rate(&[1, 2, 3, 4, 5, 6, 7, 8], &summaries, d(3, 1), d(3, 31), 0.95)?;
/// assert_eq!((march.numerator, march.denominator), (2, 8));
/// // Wilson's 95 % interval for 2 of 8 (independently: the closed form with scipy's z).
/// assert!((march.interval.lower - 0.071479212752109).abs() < 1e-12);
/// assert!((march.interval.upper - 0.5907245696898311).abs() < 1e-12);
/// # Ok::<(), customer_value::Error>(())
/// ```
///
/// # Errors
///
/// [`KpiError::PeriodEndsBeforeStart`] when `end` < `start`; [`KpiError::AfterObservationEnd`]
/// when `end` is after a summary's observation end (a later first purchase would be unknown);
/// [`KpiError::ZeroDenominator`] when no prospect is left; [`KpiError::InvalidParameter`] for a
/// `level` not strictly between 0 and 1.
pub fn conversion_rate<C: Eq + Hash>(
    prospects: &[C], summaries: &[CustomerSummary<C>], start: NaiveDate, end: NaiveDate, level: f64,
) -> Result<RateEstimate, KpiError> {
    if end < start {
        return Err(KpiError::PeriodEndsBeforeStart { start, end });
    }
    // Each prospect once, with their first purchase if they ever bought (the earliest, should the
    // summaries repeat a customer).
    let mut first_purchases: HashMap<&C, Option<NaiveDate>> =
        prospects.iter().map(|p| (p, None)).collect();
    for (position, summary) in summaries.iter().enumerate() {
        if end > summary.observation_end() {
            return Err(KpiError::AfterObservationEnd {
                date: end,
                observation_end: summary.observation_end(),
                position,
            });
        }
        if let Some(first) = first_purchases.get_mut(summary.customer()) {
            let date = summary.first_purchase();
            *first = Some(first.map_or(date, |known| known.min(date)));
        }
    }
    let (mut converted, mut still_prospects) = (0u64, 0u64);
    for first in first_purchases.into_values() {
        let earlier_customer = first.is_some_and(|date| date < start);
        still_prospects += u64::from(!earlier_customer);
        converted += u64::from(first.is_some_and(|date| start <= date && date <= end));
    }
    share("conversion rate", converted, still_prospects, level)
}

/// Conversion rate from counts: `converted` of `prospects`, with its Wilson interval at `level`.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::conversion_rate_from_counts;
/// let rate = conversion_rate_from_counts(37, 120, 0.95)?;
/// assert!((rate.rate - 37.0 / 120.0).abs() < 1e-15);
/// // Wilson 95 %, independently (closed form, scipy's z): [0.2327274, 0.3958300].
/// assert!((rate.interval.lower - 0.23272736988916298).abs() < 1e-12);
/// assert!((rate.interval.upper - 0.39582997723800684).abs() < 1e-12);
/// # Ok::<(), customer_value::kpi::KpiError>(())
/// ```
///
/// # Errors
///
/// [`KpiError::ZeroDenominator`] when `prospects` is 0; [`KpiError::NumeratorExceedsDenominator`]
/// when `converted` > `prospects`; [`KpiError::InvalidParameter`] for a `level` not strictly
/// between 0 and 1.
pub fn conversion_rate_from_counts(
    converted: u64, prospects: u64, level: f64,
) -> Result<RateEstimate, KpiError> {
    share("conversion rate", converted, prospects, level)
}

/// Renewal rate: `renewed` of the `due` contracts that came up for renewal, with its Wilson
/// interval at `level`.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::renewal_rate;
/// let rate = renewal_rate(410, 500, 0.95)?;
/// assert!((rate.rate - 0.82).abs() < 1e-15);
/// assert!(rate.interval.lower < 0.82 && 0.82 < rate.interval.upper);
/// # Ok::<(), customer_value::kpi::KpiError>(())
/// ```
///
/// # Errors
///
/// As [`conversion_rate_from_counts`], for `renewed` and `due`.
pub fn renewal_rate(renewed: u64, due: u64, level: f64) -> Result<RateEstimate, KpiError> {
    share("renewal rate", renewed, due, level)
}

/// Complaint rate: the share of `served` units (orders or customers) with a complaint,
/// `with_complaint` of them, with its Wilson interval at `level`.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::complaint_rate;
/// let rate = complaint_rate(12, 2_000, 0.95)?;
/// assert!((rate.rate - 0.006).abs() < 1e-15);
/// # Ok::<(), customer_value::kpi::KpiError>(())
/// ```
///
/// # Errors
///
/// As [`conversion_rate_from_counts`], for `with_complaint` and `served`.
pub fn complaint_rate(
    with_complaint: u64, served: u64, level: f64,
) -> Result<RateEstimate, KpiError> {
    share("complaint rate", with_complaint, served, level)
}

/// Resolution rate: `resolved` of `complaints`, with its Wilson interval at `level`.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::resolution_rate;
/// let rate = resolution_rate(9, 12, 0.95)?;
/// assert!((rate.rate - 0.75).abs() < 1e-15);
/// # Ok::<(), customer_value::kpi::KpiError>(())
/// ```
///
/// # Errors
///
/// As [`conversion_rate_from_counts`], for `resolved` and `complaints`.
pub fn resolution_rate(
    resolved: u64, complaints: u64, level: f64,
) -> Result<RateEstimate, KpiError> {
    share("resolution rate", resolved, complaints, level)
}

/// `numerator / denominator` with Wilson's interval; the counts are checked here, so the only
/// error left for [`wilson_interval`] is the level.
fn share(
    rate: &'static str, numerator: u64, denominator: u64, level: f64,
) -> Result<RateEstimate, KpiError> {
    if denominator == 0 {
        return Err(KpiError::ZeroDenominator { rate });
    }
    if numerator > denominator {
        return Err(KpiError::NumeratorExceedsDenominator {
            rate,
            numerator,
            denominator,
        });
    }
    // Counts above 2⁵³ round to the nearest f64; the share and interval move by at most 1e-16.
    let interval = wilson_interval(numerator as f64, denominator as f64, level).map_err(|_| {
        KpiError::InvalidParameter {
            name: "level",
            value: level,
            constraint: "a confidence level must lie strictly between 0 and 1",
        }
    })?;
    Ok(RateEstimate {
        numerator,
        denominator,
        rate: interval.estimate,
        interval,
    })
}
