//! Period KPIs: retention, churn, repeat purchase rate, frequency, order value, revenue retention.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::{occasions_through, refunds_within, Days, KpiError};
use crate::numeric::money::to_f64;
use crate::summary::{CustomerSummary, PurchaseOccasion};

/// A period [start, end] of L days and the day its previous period of the same length starts.
struct Window<'a> {
    /// Each summary's occasions and refund days (days after `end` are never read).
    occasions: Vec<Days<'a>>,
    /// L: days in the period, both ends included.
    length_days: i64,
    /// start − L: the first day of the previous period.
    previous_start: NaiveDate,
}

impl<'a> Window<'a> {
    /// Checks the period against the summaries and lays it out.
    fn of<C>(
        summaries: &'a [CustomerSummary<C>], start: NaiveDate, end: NaiveDate,
    ) -> Result<Self, KpiError> {
        if end < start {
            return Err(KpiError::PeriodEndsBeforeStart { start, end });
        }
        let (occasions, _) = occasions_through(summaries, end)?;
        let length_days = (end - start).num_days() + 1;
        let previous_start = start
            .checked_sub_signed(Duration::days(length_days))
            .unwrap_or(NaiveDate::MIN);
        Ok(Self {
            occasions,
            length_days,
            previous_start,
        })
    }
}

/// Counts for one period [start, end] (both days included, L = its length in days).
///
/// A customer is **active at day d** when it has a purchase occasion in [d − L + 1, d]. Then
/// S = customers active at start − 1 (an occasion in [start − L, start − 1]); *retained* = those of
/// S with an occasion in the period; E = customers active at end (an occasion in the period); N =
/// customers whose first purchase is in the period. Occasions after `end` are never read.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::PeriodKpis;
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = vec![
///     Transaction::new(1, d(1, 5), Decimal::from(10)),
///     Transaction::new(1, d(2, 5), Decimal::from(20)),
///     Transaction::new(1, d(2, 15), Decimal::from(30)),
///     Transaction::new(2, d(1, 25), Decimal::from(10)),
///     Transaction::new(3, d(2, 20), Decimal::from(40)),
///     Transaction::new(4, d(1, 1), Decimal::from(5)), // before [Jan 3, Jan 31]: not in S
/// ];
/// let summaries = Summarizer::new(d(3, 31)).summarize(&log)?;
/// let feb = PeriodKpis::compute(&summaries, d(2, 1), d(2, 29))?;
/// // L = 29: S = active on Jan 31 = occasions in [Jan 3, Jan 31] = customers 1 and 2.
/// assert_eq!((feb.customers_at_start, feb.retained, feb.customers_at_end, feb.new_customers), (2, 1, 2, 1));
/// assert_eq!(feb.retention_rate()?, 0.5);
/// assert_eq!(feb.textbook_retention_rate()?, 0.5); // (E − N) / S = (2 − 1) / 2
/// assert_eq!(feb.repeat_purchase_rate()?, 0.5);    // customer 1 bought twice, 3 once
/// assert_eq!(feb.purchase_frequency()?, 1.5);
/// assert_eq!(feb.average_order_value()?, Decimal::from(30)); // 90 / 3
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PeriodKpis {
    /// First day of the period.
    pub start: NaiveDate,
    /// Last day of the period.
    pub end: NaiveDate,
    /// L: days in the period, both ends included.
    pub length_days: i64,
    /// S: customers active at start − 1.
    pub customers_at_start: u64,
    /// Customers of S with an occasion in the period.
    pub retained: u64,
    /// E: customers active at the end (an occasion in the period).
    pub customers_at_end: u64,
    /// N: customers whose first purchase is in the period.
    pub new_customers: u64,
    /// Customers with two or more occasions in the period.
    pub repeat_customers: u64,
    /// Purchase occasions in the period.
    pub occasions: u64,
    /// Net revenue of the period: the net amounts of its occasions plus those of the refund days
    /// in it (a refund counts on its own date, whatever day the goods were bought), so that the
    /// revenues of consecutive periods add up to the customers' net spend exactly.
    pub revenue: Decimal,
}

impl PeriodKpis {
    /// Counts the period [start, end] over the summaries.
    ///
    /// # Errors
    ///
    /// - [`KpiError::EmptyInput`] when `summaries` is empty;
    /// - [`KpiError::PeriodEndsBeforeStart`] when `end` < `start`;
    /// - [`KpiError::OccasionsNotKept`] when a summary has no kept occasions;
    /// - [`KpiError::AfterObservationEnd`] when `end` is after a summary's observation end;
    /// - [`KpiError::BeforeData`] when `end` is before every first purchase.
    pub fn compute<C>(
        summaries: &[CustomerSummary<C>], start: NaiveDate, end: NaiveDate,
    ) -> Result<Self, KpiError> {
        let window = Window::of(summaries, start, end)?;
        let before = window.previous_start;
        let mut k = PeriodKpis {
            start,
            end,
            length_days: window.length_days,
            customers_at_start: 0,
            retained: 0,
            customers_at_end: 0,
            new_customers: 0,
            repeat_customers: 0,
            occasions: 0,
            revenue: Decimal::ZERO,
        };
        for Days { occasions, refunds } in window.occasions {
            let active_before = !between(occasions, before, start).is_empty();
            let inside = within(occasions, start, end);
            let bought = !inside.is_empty();
            k.customers_at_start += u64::from(active_before);
            k.retained += u64::from(active_before && bought);
            k.customers_at_end += u64::from(bought);
            k.new_customers += u64::from(
                occasions
                    .first()
                    .is_some_and(|o| o.date >= start && o.date <= end),
            );
            k.repeat_customers += u64::from(inside.len() >= 2);
            k.occasions += inside.len() as u64;
            k.revenue += inside.iter().map(|o| o.amount).sum::<Decimal>();
            k.revenue += refunds_within(refunds, start, end);
        }
        Ok(k)
    }

    /// Retention rate = retained / S, in [0, 1].
    ///
    /// # Errors
    ///
    /// [`KpiError::UndefinedRate`] when S = 0.
    pub fn retention_rate(&self) -> Result<f64, KpiError> {
        self.ratio(
            self.retained,
            self.customers_at_start,
            "retention rate",
            "customers active at the start",
        )
    }

    /// Churn rate = 1 − retention rate, in [0, 1].
    ///
    /// # Errors
    ///
    /// [`KpiError::UndefinedRate`] when S = 0.
    pub fn churn_rate(&self) -> Result<f64, KpiError> {
        let lost = self.customers_at_start - self.retained; // retained ⊆ S
        self.ratio(
            lost,
            self.customers_at_start,
            "churn rate",
            "customers active at the start",
        )
    }

    /// The textbook retention rate (E − N) / S on counts. In non-contractual data lapsed customers
    /// come back, so E − N counts returning customers that were not in S and the figure can exceed
    /// 1 (or fall below 0 never: E ≥ N).
    ///
    /// # Errors
    ///
    /// [`KpiError::UndefinedRate`] when S = 0.
    pub fn textbook_retention_rate(&self) -> Result<f64, KpiError> {
        let returning = self.customers_at_end - self.new_customers; // N ⊆ E
        self.ratio(
            returning,
            self.customers_at_start,
            "textbook retention rate",
            "customers active at the start",
        )
    }

    /// Repeat purchase rate = customers with ≥ 2 occasions in the period / customers with ≥ 1.
    ///
    /// # Errors
    ///
    /// [`KpiError::UndefinedRate`] when nobody bought in the period.
    pub fn repeat_purchase_rate(&self) -> Result<f64, KpiError> {
        self.ratio(
            self.repeat_customers,
            self.customers_at_end,
            "repeat purchase rate",
            "buying customers",
        )
    }

    /// Purchase frequency = occasions in the period / customers with ≥ 1.
    ///
    /// # Errors
    ///
    /// [`KpiError::UndefinedRate`] when nobody bought in the period.
    pub fn purchase_frequency(&self) -> Result<f64, KpiError> {
        self.ratio(
            self.occasions,
            self.customers_at_end,
            "purchase frequency",
            "buying customers",
        )
    }

    /// Average order value = the period's net revenue (refund days in it included) / its
    /// purchase occasions.
    ///
    /// # Errors
    ///
    /// [`KpiError::UndefinedRate`] when nobody bought in the period.
    pub fn average_order_value(&self) -> Result<Decimal, KpiError> {
        if self.occasions == 0 {
            return Err(self.undefined("average order value", "purchase occasions"));
        }
        // Dividing by a count ≥ 1 cannot overflow.
        Ok(self.revenue / Decimal::from(self.occasions))
    }

    fn ratio(
        &self, numerator: u64, denominator: u64, rate: &'static str, who: &'static str,
    ) -> Result<f64, KpiError> {
        if denominator == 0 {
            return Err(self.undefined(rate, who));
        }
        Ok(numerator as f64 / denominator as f64)
    }

    fn undefined(&self, rate: &'static str, who: &'static str) -> KpiError {
        KpiError::UndefinedRate {
            rate,
            who,
            start: self.start,
            end: self.end,
        }
    }
}

/// Occasions dated in [from, to).
fn between(occasions: &[PurchaseOccasion], from: NaiveDate, to: NaiveDate) -> &[PurchaseOccasion] {
    let a = occasions.partition_point(|o| o.date < from);
    let b = occasions.partition_point(|o| o.date < to);
    &occasions[a..b.max(a)]
}

/// Occasions dated in [from, to].
fn within(occasions: &[PurchaseOccasion], from: NaiveDate, to: NaiveDate) -> &[PurchaseOccasion] {
    let a = occasions.partition_point(|o| o.date < from);
    let b = occasions.partition_point(|o| o.date <= to);
    &occasions[a..b.max(a)]
}

/// Defines a shortcut `$name(summaries, start, end)`: the [`PeriodKpis`] figure of the same name
/// for the period [start, end], for callers who want one figure.
macro_rules! period_shortcut {
    ($(#[$doc:meta])* $name:ident -> $figure:ty) => {
        $(#[$doc])*
        ///
        /// # Errors
        ///
        #[doc = concat!(
            "Those of [`PeriodKpis::compute`] and [`PeriodKpis::", stringify!($name), "`]."
        )]
        pub fn $name<C>(
            summaries: &[CustomerSummary<C>],
            start: NaiveDate,
            end: NaiveDate,
        ) -> Result<$figure, KpiError> {
            PeriodKpis::compute(summaries, start, end)?.$name()
        }
    };
}

period_shortcut! {
    /// Retention rate over [start, end]: see [`PeriodKpis`].
    ///
    /// # Examples
    ///
    /// See the [module docs](super).
    retention_rate -> f64
}

period_shortcut! {
    /// Churn rate over [start, end] = 1 − retention rate: see [`PeriodKpis`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction}; use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
    /// let log = [Transaction::new(1, d(1, 10), Decimal::ONE), Transaction::new(2, d(1, 12), Decimal::ONE),
    ///            Transaction::new(3, d(1, 20), Decimal::ONE), Transaction::new(3, d(2, 2), Decimal::ONE)];
    /// let summaries = Summarizer::new(d(2, 29)).summarize(&log)?;
    /// let churn = customer_value::kpi::churn_rate(&summaries, d(2, 1), d(2, 29))?;
    /// assert_eq!(churn, 2.0 / 3.0);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    churn_rate -> f64
}

period_shortcut! {
    /// Repeat purchase rate over [start, end]: see [`PeriodKpis`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction}; use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 3, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::ONE), Transaction::new(1, d(9), Decimal::ONE),
    ///            Transaction::new(2, d(4), Decimal::ONE), Transaction::new(2, d(4), Decimal::ONE)]; // one day: one occasion
    /// let summaries = Summarizer::new(d(31)).summarize(&log)?;
    /// assert_eq!(customer_value::kpi::repeat_purchase_rate(&summaries, d(1), d(31))?, 0.5);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    repeat_purchase_rate -> f64
}

period_shortcut! {
    /// Purchase frequency over [start, end] (occasions per buying customer): see [`PeriodKpis`].
    ///
    /// # Examples
    ///
    /// See [`PeriodKpis`].
    purchase_frequency -> f64
}

period_shortcut! {
    /// Average order value over [start, end] (net spend per occasion): see [`PeriodKpis`].
    ///
    /// # Examples
    ///
    /// See [`PeriodKpis`].
    average_order_value -> Decimal
}

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
/// assert_eq!(r.net_revenue_retention(), 0.85);   // (150 + 20) / 200
/// assert_eq!(r.gross_revenue_retention(), 0.6);  // (100 + 20) / 200
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// Those of [`PeriodKpis::compute`], and [`KpiError::UndefinedRate`] when nobody bought in
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
        for Days { occasions, refunds } in window.occasions {
            let bought: Decimal = between(occasions, before, start)
                .iter()
                .map(|o| o.amount)
                .sum();
            // Revenues are net of the refund days in each period (a refund counts on its date);
            // the base is the customers whose previous period nets above zero, so its revenue is
            // positive and the ratios are defined.
            let before_start = start.pred_opt().unwrap_or(NaiveDate::MIN);
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
            return Err(KpiError::UndefinedRate {
                rate: "revenue retention",
                who: "customers buying in the previous period",
                start,
                end,
            });
        }
        Ok(r)
    }

    /// NRR = retained revenue / base revenue (may exceed 1; negative when the base's refunds in
    /// the period exceed its purchases in it).
    pub fn net_revenue_retention(&self) -> f64 {
        ratio(self.retained_revenue, self.base_revenue)
    }

    /// GRR = capped revenue / base revenue, in [0, 1].
    pub fn gross_revenue_retention(&self) -> f64 {
        ratio(self.capped_revenue, self.base_revenue)
    }
}

/// A ratio of decimals with base > 0 (checked at construction), rounded once to f64.
///
/// The rule: the exact decimal quotient, converted by the crate's one conversion
/// ([`to_f64`]); only when that quotient does not fit a decimal (beyond ±7.9·10²⁸) the two amounts
/// are converted the same way and divided in f64, which is finite for base > 0.
fn ratio(numerator: Decimal, base: Decimal) -> f64 {
    match numerator.checked_div(base) {
        Some(quotient) => to_f64(quotient),
        None => to_f64(numerator) / to_f64(base),
    }
}
