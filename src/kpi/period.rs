//! Period KPIs: retention, churn, repeat purchase rate, frequency, order value, revenue retention.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{occasions_through, refunds_within, Days, KpiError};
use crate::summary::{CustomerSummary, PurchaseOccasion};

/// A period [start, end] of L days and the day its previous period of the same length starts.
pub(super) struct Window<'a> {
    /// Each summary's occasions and refund days (days after `end` are never read).
    pub(super) occasions: Vec<Days<'a>>,
    /// L: days in the period, both ends included.
    pub(super) length_days: i64,
    /// start − L: the first day of the previous period, or `NaiveDate::MIN` when that is before
    /// the calendar (there is no day before it to read).
    pub(super) previous_start: NaiveDate,
}

impl<'a> Window<'a> {
    /// Checks the period against the summaries and lays it out.
    pub(super) fn of<C>(
        summaries: &'a [CustomerSummary<C>], start: NaiveDate, end: NaiveDate,
    ) -> Result<Self, KpiError> {
        if end < start {
            return Err(KpiError::PeriodEndsBeforeStart { start, end });
        }
        let (occasions, _) = occasions_through(summaries, end)?;
        // At most 1.9 × 10⁸ days: chrono's calendar spans 524,286 years.
        let length_days = (end - start).num_days() + 1;
        let previous_start = start
            .checked_sub_days(chrono::Days::new(length_days.unsigned_abs()))
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
/// **A value no computation made is refused.** The fields are public and the value reads back
/// with serde: reading back refuses counts that [`PeriodKpis::compute`] cannot produce
/// (`retained` above S or E, N or the repeat customers above E, fewer occasions than buyers, a
/// `length_days` that is not the period's), and every rate checks them first, returning
/// [`KpiError::InvalidParameter`] naming the field (or [`KpiError::PeriodEndsBeforeStart`])
/// instead of underflowing.
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
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "super::consistency::PeriodKpisData")
)]
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

    /// The KPIs of the `length_days` days ending on `end` (both included): those of
    /// [`PeriodKpis::compute`] over [end − length_days + 1, end], with the start found by
    /// checked date arithmetic.
    ///
    /// # Errors
    ///
    /// [`KpiError::InvalidParameter`] naming `length_days` when it is 0, or when the period would
    /// start before `NaiveDate::MIN` (−262143-01-01; `u32::MAX` days always does); those of
    /// [`PeriodKpis::compute`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::kpi::{KpiError, PeriodKpis};
    /// # use customer_value::{Summarizer, Transaction}; use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
    /// let log = [Transaction::new(1, d(1, 10), Decimal::ONE), Transaction::new(1, d(3, 2), Decimal::ONE)];
    /// let summaries = Summarizer::new(d(3, 31)).summarize(&log)?;
    /// let march = PeriodKpis::ending(&summaries, d(3, 31), 31)?;
    /// assert_eq!((march.start, march.customers_at_end), (d(3, 1), 1));
    /// assert!(matches!(
    ///     PeriodKpis::ending(&summaries, d(3, 31), u32::MAX),
    ///     Err(KpiError::InvalidParameter { name: "length_days", .. })
    /// ));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn ending<C>(
        summaries: &[CustomerSummary<C>], end: NaiveDate, length_days: u32,
    ) -> Result<Self, KpiError> {
        let start = length_days
            .checked_sub(1)
            .and_then(|back| end.checked_sub_days(chrono::Days::new(u64::from(back))))
            .ok_or(KpiError::InvalidParameter {
                name: "length_days",
                value: f64::from(length_days),
                constraint: "must be ≥ 1, and the period must start on or after NaiveDate::MIN",
            })?;
        Self::compute(summaries, start, end)
    }

    /// Retention rate = retained / S, in [0, 1].
    ///
    /// # Errors
    ///
    /// [`KpiError::UndefinedRate`] when S = 0; those of an inconsistent value (see [`PeriodKpis`]).
    pub fn retention_rate(&self) -> Result<f64, KpiError> {
        self.check_consistent()?;
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
    /// [`KpiError::UndefinedRate`] when S = 0; those of an inconsistent value (see [`PeriodKpis`]).
    pub fn churn_rate(&self) -> Result<f64, KpiError> {
        self.check_consistent()?;
        let lost = self.customers_at_start - self.retained; // retained ⊆ S: checked
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
    /// [`KpiError::UndefinedRate`] when S = 0; those of an inconsistent value (see [`PeriodKpis`]).
    pub fn textbook_retention_rate(&self) -> Result<f64, KpiError> {
        self.check_consistent()?;
        let returning = self.customers_at_end - self.new_customers; // N ⊆ E: checked
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
    /// [`KpiError::UndefinedRate`] when nobody bought in the period; those of an inconsistent
    /// value (see [`PeriodKpis`]).
    pub fn repeat_purchase_rate(&self) -> Result<f64, KpiError> {
        self.check_consistent()?;
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
    /// [`KpiError::UndefinedRate`] when nobody bought in the period; those of an inconsistent
    /// value (see [`PeriodKpis`]).
    pub fn purchase_frequency(&self) -> Result<f64, KpiError> {
        self.check_consistent()?;
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
    /// [`KpiError::UndefinedRate`] when nobody bought in the period; those of an inconsistent
    /// value (see [`PeriodKpis`]).
    pub fn average_order_value(&self) -> Result<Decimal, KpiError> {
        self.check_consistent()?;
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
pub(super) fn between(
    occasions: &[PurchaseOccasion], from: NaiveDate, to: NaiveDate,
) -> &[PurchaseOccasion] {
    let a = occasions.partition_point(|o| o.date < from);
    let b = occasions.partition_point(|o| o.date < to);
    &occasions[a..b.max(a)]
}

/// Occasions dated in [from, to].
pub(super) fn within(
    occasions: &[PurchaseOccasion], from: NaiveDate, to: NaiveDate,
) -> &[PurchaseOccasion] {
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
