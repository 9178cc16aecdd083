//! Retention, churn, cohorts and relationship KPIs, from customer summaries and their kept
//! purchase occasions (no second pass over the log).
//!
//! - [`PeriodKpis`] for a period [start, end]: retention and churn rates, the textbook
//!   (E − N)/S, repeat purchase rate, purchase frequency, average order value; with the shortcuts
//!   [`retention_rate`], [`churn_rate`], [`repeat_purchase_rate`], [`purchase_frequency`],
//!   [`average_order_value`].
//! - [`RevenueRetention`]: net and gross revenue retention (NRR, GRR).
//! - [`CohortMatrix`]: cohorts by first-purchase month or ISO week, classic and unbounded
//!   retention, revenue per member and cumulative.
//! - Unit economics: [`customer_acquisition_cost`], [`clv_to_cac_ratio`], [`cac_payback_months`].
//! - Funnel and service KPIs with Wilson intervals ([`RateEstimate`]): [`conversion_rate`] (from
//!   prospects and summaries) and [`conversion_rate_from_counts`], [`renewal_rate`],
//!   [`complaint_rate`], [`resolution_rate`].
//!
//! Money stays [`Decimal`]; rates are `f64` in [0, 1] computed from exact
//! counts. Summaries are one per customer, as [`Summarizer`](crate::Summarizer) returns them.
//!
//! **Revenue is net of every refund, on its own date.** Every revenue figure (a period's
//! [`PeriodKpis::revenue`], [`RevenueRetention`]'s, a [`CohortCell::revenue`]) adds the net
//! amounts of the purchase occasions and of the refund days
//! ([`CustomerSummary::refund_days`](crate::CustomerSummary::refund_days)) dated in it, so
//! revenues of consecutive periods sum exactly to the customers' net spend. Customers without a
//! purchase occasion have no summary: their net is in
//! [`SummaryReport::net_of_customers_without_purchase`](crate::SummaryReport::net_of_customers_without_purchase).
//! Who is *active*, retained or new is decided by purchase occasions only.
//!
//! **Periods.** [`PeriodKpis`] and [`RevenueRetention`] take any [start, end] span of days (its
//! previous period is the span of the same length before it); [`CohortMatrix`] uses calendar
//! periods: months, or ISO weeks from Monday to Sunday ([`CohortPeriod`]).
//!
//! # Finite results
//!
//! - **Rates** are ratios of exact counts, in [0, 1] (the textbook rate and purchase frequency:
//!   finite and ≥ 0); a zero denominator is [`KpiError::UndefinedRate`], never NaN. NRR and GRR
//!   divide by a base revenue that is > 0 by construction, so they are finite (below 7.9·10⁵⁶).
//! - **Money** is exact [`Decimal`]. Summaries come from a [`Summarizer`](crate::Summarizer),
//!   which refuses any line beyond ±10¹⁸ ([`MAX_AMOUNT`](crate::summary::MAX_AMOUNT)), so no
//!   revenue sum can overflow `Decimal` (that would take 7.9 × 10¹⁰ lines of the largest amount).
//! - **Dates**: any dates of chrono's calendar (`NaiveDate::MIN` = −262143-01-01 to
//!   `NaiveDate::MAX` = +262142-12-31) work; date arithmetic is checked, and a period that would
//!   start before the calendar ([`PeriodKpis::ending`] with `u32::MAX` days) is refused by name.
//! - **Size**: a cohort matrix takes memory in proportion to its cells (one row per cohort that
//!   has a member), at most [`MAX_COHORT_CELLS`]; beyond, [`KpiError::TooManyCohortCells`].
//! - **Values read back** with serde (or changed by hand: [`PeriodKpis`]' and
//!   [`RevenueRetention`]'s fields are public) are checked against what a computation produces;
//!   an inconsistent one is refused when read, and its rates return a typed error.
//!
//! # Examples
//!
//! ```
//! use customer_value::kpi::{retention_rate, CohortMatrix, CohortPeriod};
//! use customer_value::{Summarizer, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
//! let log = vec![
//!     Transaction::new(1, d(1, 10), Decimal::from(20)),
//!     Transaction::new(1, d(2, 10), Decimal::from(30)),
//!     Transaction::new(2, d(1, 20), Decimal::from(50)),
//!     Transaction::new(3, d(2, 5), Decimal::from(10)),
//! ];
//! let summaries = Summarizer::new(d(2, 29)).summarize(&log)?;
//! // February: of the two customers active in January, one bought again.
//! assert_eq!(retention_rate(&summaries, d(2, 1), d(2, 29))?, 0.5);
//! let cohorts = CohortMatrix::build(&summaries, CohortPeriod::Month, d(2, 29))?;
//! let january = &cohorts.rows()[0];
//! assert_eq!(january.size, 2);
//! assert_eq!(january.cells[1].retention, 0.5);
//! assert_eq!(january.cells[1].cumulative_revenue_per_member, Decimal::from(50));
//! # Ok::<(), customer_value::Error>(())
//! ```

mod cohort;
mod consistency;
mod economics;
mod funnel;
mod period;
mod revenue;

pub use cohort::{CohortCell, CohortMatrix, CohortPeriod, CohortRow, MAX_COHORT_CELLS};
pub use economics::{cac_payback_months, clv_to_cac_ratio, customer_acquisition_cost};
pub use funnel::{
    complaint_rate, conversion_rate, conversion_rate_from_counts, renewal_rate, resolution_rate,
    RateEstimate,
};
pub use period::{
    average_order_value, churn_rate, purchase_frequency, repeat_purchase_rate, retention_rate,
    PeriodKpis,
};
pub use revenue::RevenueRetention;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use thiserror::Error;

use crate::summary::{CustomerSummary, PurchaseOccasion, RefundDay};

/// Errors from KPI computations.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum KpiError {
    /// No customers were given.
    #[error("no customers were given")]
    EmptyInput,
    /// A summary was built with `Summarizer::keep_occasions(false)`.
    #[error("the summary at position {position} does not keep its purchase occasions (build it with Summarizer::keep_occasions(true))")]
    OccasionsNotKept {
        /// Its position in the slice.
        position: usize,
    },
    /// A period ends before it starts.
    #[error("the period ends on {end}, before it starts on {start}")]
    PeriodEndsBeforeStart {
        /// The start asked for.
        start: NaiveDate,
        /// The end asked for.
        end: NaiveDate,
    },
    /// A date is after a summary's observation end: what happened then is unknown.
    #[error("{date} is after the observation end {observation_end} of the summary at position {position}")]
    AfterObservationEnd {
        /// The period end or as-of date asked for.
        date: NaiveDate,
        /// The summary's observation end.
        observation_end: NaiveDate,
        /// The summary's position in the slice.
        position: usize,
    },
    /// A period end or as-of date is before every customer's first purchase.
    #[error("{date} is before the data (the earliest first purchase is {earliest})")]
    BeforeData {
        /// The date asked for.
        date: NaiveDate,
        /// The earliest first purchase.
        earliest: NaiveDate,
    },
    /// A rate's denominator is zero: nobody to measure.
    #[error("{rate} is undefined: no {who} in the period {start} to {end}")]
    UndefinedRate {
        /// The rate asked for.
        rate: &'static str,
        /// What was counted as zero.
        who: &'static str,
        /// The period's start.
        start: NaiveDate,
        /// The period's end.
        end: NaiveDate,
    },
    /// An argument is out of range: a money amount (`acquisition_spend`, `cac`,
    /// `monthly_revenue_per_new_customer`, `gross_margin_rate`) or a count (`new_customers`).
    #[error("{name} = {value} is invalid: {constraint}")]
    InvalidParameter {
        /// The argument's name.
        name: &'static str,
        /// The value given, as `f64` (money by [`to_f64`](crate::numeric::money::to_f64), counts
        /// with `as f64`).
        value: f64,
        /// What must hold.
        constraint: &'static str,
    },
    /// A cohort matrix would hold more than [`MAX_COHORT_CELLS`] cells: its cohorts span too many
    /// periods (a first purchase dated centuries before the others, say).
    #[error("the cohort matrix from {earliest} to {as_of} would hold {cells} cells, above the limit of {limit}: leave out the customers acquired long before the rest, or group by month instead of week")]
    TooManyCohortCells {
        /// The cells the matrix would hold.
        cells: u64,
        /// [`MAX_COHORT_CELLS`].
        limit: u64,
        /// The earliest first purchase.
        earliest: NaiveDate,
        /// The as-of date.
        as_of: NaiveDate,
    },
    /// A rate's denominator count is zero: nobody to measure.
    #[error("{rate} is undefined: its denominator is zero")]
    ZeroDenominator {
        /// The rate asked for.
        rate: &'static str,
    },
    /// A share's numerator exceeds its denominator (more renewals than contracts due, say).
    #[error("{rate}: the numerator {numerator} exceeds the denominator {denominator}")]
    NumeratorExceedsDenominator {
        /// The rate asked for.
        rate: &'static str,
        /// The numerator given.
        numerator: u64,
        /// The denominator given.
        denominator: u64,
    },
    /// A decimal result does not fit in `Decimal` (beyond ±7.9·10²⁸).
    #[error("{what} overflows the decimal range")]
    Overflow {
        /// What was being computed.
        what: &'static str,
    },
}

/// Checks every summary against a date the computation reads up to, and returns each one's
/// occasions and the earliest first purchase.
/// One customer's kept days: purchase occasions and refund days (both sorted by date).
#[derive(Clone, Copy)]
struct Days<'a> {
    occasions: &'a [PurchaseOccasion],
    refunds: &'a [RefundDay],
}

/// Net of the refund days in [from, to] (both included).
fn refunds_within(refunds: &[RefundDay], from: NaiveDate, to: NaiveDate) -> Decimal {
    let a = refunds.partition_point(|r| r.date < from);
    let b = refunds.partition_point(|r| r.date <= to);
    refunds[a..b.max(a)].iter().map(|r| r.amount).sum()
}

fn occasions_through<C>(
    summaries: &[CustomerSummary<C>], date: NaiveDate,
) -> Result<(Vec<Days<'_>>, NaiveDate), KpiError> {
    let mut out = Vec::with_capacity(summaries.len());
    let mut earliest = NaiveDate::MAX;
    for (position, s) in summaries.iter().enumerate() {
        let occasions = s
            .occasions()
            .ok_or(KpiError::OccasionsNotKept { position })?;
        if date > s.observation_end() {
            return Err(KpiError::AfterObservationEnd {
                date,
                observation_end: s.observation_end(),
                position,
            });
        }
        earliest = earliest.min(s.first_purchase());
        out.push(Days {
            occasions,
            refunds: s.refund_days().unwrap_or(&[]),
        });
    }
    if out.is_empty() {
        return Err(KpiError::EmptyInput);
    }
    if date < earliest {
        return Err(KpiError::BeforeData { date, earliest });
    }
    Ok((out, earliest))
}
