//! Net and gross revenue retention (NRR, GRR) of a period against the one before it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::period::{between, within, Window};
use super::{refunds_within, Days, KpiError};
use crate::numeric::money::to_f64;
use crate::summary::CustomerSummary;

/// Net and gross revenue retention over [start, end] against the previous period of the same
/// length, [start − L, start − 1].
///
/// The base is the customers whose net revenue in the previous period is positive. NRR = their net
/// revenue in this period / their net revenue in the previous one (expansion counts, so it can
/// exceed 1; refunds count on their date, so it is negative when they exceed the purchases); GRR =
/// the same with each customer's revenue capped at its previous-period value and floored at zero
/// (in [0, 1]).
///
/// # Examples
///
/// ```
/// use customer_value::kpi::RevenueRetention;
/// # use customer_value::{Summarizer, Transaction}; use chrono::NaiveDate; use rust_decimal::Decimal;
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = [
///     Transaction::new(1, d(1, 10), Decimal::from(100)), Transaction::new(1, d(2, 10), Decimal::from(150)),
///     Transaction::new(2, d(1, 12), Decimal::from(100)), Transaction::new(2, d(2, 12), Decimal::from(20)),
///     Transaction::new(3, d(2, 20), Decimal::from(500)), // new in February: not in the base
/// ];
/// let summaries = Summarizer::new(d(2, 29)).summarize(&log)?;
/// let r = RevenueRetention::compute(&summaries, d(2, 1), d(2, 29))?;
/// assert_eq!(r.base_revenue, Decimal::from(200));
/// assert_eq!(r.net_revenue_retention()?, 0.85);   // (150 + 20) / 200
/// assert_eq!(r.gross_revenue_retention()?, 0.6);  // (100 + 20) / 200
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "super::consistency::RevenueRetentionData")
)]
#[non_exhaustive]
pub struct RevenueRetention {
    /// First day of the period.
    pub start: NaiveDate,
    /// Last day of the period.
    pub end: NaiveDate,
    /// Customers whose previous period nets above zero (the base; refund days included).
    pub base_customers: u64,
    /// Their net revenue in the previous period (occasions and refund days dated in it).
    pub base_revenue: Decimal,
    /// Their net revenue in this period (occasions and refund days dated in it).
    pub retained_revenue: Decimal,
    /// Their net revenue in this period, each capped at its previous-period value and floored
    /// at zero (so GRR is in [0, 1]).
    pub capped_revenue: Decimal,
}

impl RevenueRetention {
    /// Computes the base and its revenue.
    ///
    /// # Errors
    ///
    /// Those of [`PeriodKpis::compute`](super::PeriodKpis::compute), and [`KpiError::UndefinedRate`] when nobody bought in
    /// the previous period.
    pub fn compute<C>(
        summaries: &[CustomerSummary<C>], start: NaiveDate, end: NaiveDate,
    ) -> Result<Self, KpiError> {
        let window = Window::of(summaries, start, end)?;
        let before = window.previous_start;
        let mut r = RevenueRetention {
            start,
            end,
            base_customers: 0,
            base_revenue: Decimal::ZERO,
            retained_revenue: Decimal::ZERO,
            capped_revenue: Decimal::ZERO,
        };
        // The previous period ends the day before the start; a period starting on NaiveDate::MIN
        // has none (its revenue is zero, so nobody is in the base).
        let Some(before_start) = start.pred_opt() else {
            return Err(nobody_in_the_base(start, end));
        };
        for Days { occasions, refunds } in window.occasions {
            let bought: Decimal = between(occasions, before, start)
                .iter()
                .map(|o| o.amount)
                .sum();
            // Revenues are net of the refund days in each period (a refund counts on its date);
            // the base is the customers whose previous period nets above zero, so its revenue is
            // positive and the ratios are defined.
            let previous = bought + refunds_within(refunds, before, before_start);
            if previous <= Decimal::ZERO {
                continue;
            }
            let current: Decimal = within(occasions, start, end)
                .iter()
                .map(|o| o.amount)
                .sum::<Decimal>()
                + refunds_within(refunds, start, end);
            r.base_customers += 1;
            r.base_revenue += previous;
            r.retained_revenue += current;
            r.capped_revenue += current.min(previous).max(Decimal::ZERO);
        }
        if r.base_customers == 0 {
            return Err(nobody_in_the_base(start, end));
        }
        Ok(r)
    }

    /// NRR = retained revenue / base revenue (may exceed 1; negative when the base's refunds in
    /// the period exceed its purchases in it).
    ///
    /// # Errors
    ///
    /// Those of a value [`RevenueRetention::compute`] could not have produced (its fields are
    /// public): [`KpiError::UndefinedRate`] when `base_revenue` ≤ 0,
    /// [`KpiError::PeriodEndsBeforeStart`], or [`KpiError::InvalidParameter`] naming
    /// `capped_revenue` outside [0, base revenue].
    pub fn net_revenue_retention(&self) -> Result<f64, KpiError> {
        self.check_consistent()?;
        Ok(ratio(self.retained_revenue, self.base_revenue))
    }

    /// GRR = capped revenue / base revenue, in [0, 1].
    ///
    /// # Errors
    ///
    /// As [`RevenueRetention::net_revenue_retention`].
    pub fn gross_revenue_retention(&self) -> Result<f64, KpiError> {
        self.check_consistent()?;
        Ok(ratio(self.capped_revenue, self.base_revenue))
    }
}

/// The error for a period whose previous period has no buying customer.
pub(super) fn nobody_in_the_base(start: NaiveDate, end: NaiveDate) -> KpiError {
    KpiError::UndefinedRate {
        rate: "revenue retention",
        who: "customers buying in the previous period",
        start,
        end,
    }
}

/// A ratio of decimals with base > 0 (checked before), rounded once to f64.
///
/// The rule: the exact decimal quotient, converted by the crate's one conversion
/// ([`to_f64`]); only when that quotient does not fit a decimal (beyond ±7.9·10²⁸) the two amounts
/// are converted the same way and divided in f64, which is finite for base > 0: |numerator| ≤
/// 7.9·10²⁸ and base ≥ 10⁻²⁸ bound the quotient by 7.9·10⁵⁶.
fn ratio(numerator: Decimal, base: Decimal) -> f64 {
    match numerator.checked_div(base) {
        Some(quotient) => to_f64(quotient),
        None => to_f64(numerator) / to_f64(base),
    }
}
