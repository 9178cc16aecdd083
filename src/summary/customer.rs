//! [`CustomerSummary`]: one customer's figures from one pass over the log, and their accessors.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Which monetary figure RFM and the value matrix use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MonetaryBasis {
    /// The customer's total net spend (the default).
    #[default]
    TotalSpend,
    /// The average net spend per purchase occasion (average order value).
    AveragePerOccasion,
}

/// One purchase occasion: a day and its net amount (positive, or zero for a free purchase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PurchaseOccasion {
    /// The day.
    pub date: NaiveDate,
    /// The net amount of that day's transactions (never negative).
    pub amount: Decimal,
}

/// A customer-day that is not a purchase occasion: its lines, refunds included, net to zero or
/// less. Kept with the occasions, so that every revenue figure (per customer, per period, per
/// cohort cell) can count the refund on its own date and reconcile with the log.
///
/// # Examples
///
/// ```
/// # use customer_value::{Summarizer, Transaction};
/// # use chrono::NaiveDate; use rust_decimal::Decimal;
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log = [Transaction::new(1u8, d(2), Decimal::from(30)), Transaction::new(1, d(5), Decimal::from(-8))];
/// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
/// let refunds = s.refund_days().unwrap();
/// assert_eq!((refunds[0].date, refunds[0].amount), (d(5), Decimal::from(-8)));
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RefundDay {
    /// The day.
    pub date: NaiveDate,
    /// The net amount of that day's transactions (zero or negative).
    pub amount: Decimal,
}

/// Everything the crate needs to know about one customer, from one pass over the log.
///
/// Built by [`Summarizer`](super::Summarizer); read through its accessors. Its fields are consistent by construction
/// (first ≤ last purchase ≤ observation end, at least one purchase occasion).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CustomerSummary<C> {
    pub(super) customer: C,
    pub(super) observation_end: NaiveDate,
    pub(super) first_purchase: NaiveDate,
    pub(super) last_purchase: NaiveDate,
    pub(super) transactions: u64,
    pub(super) purchase_occasions: u64,
    pub(super) total_spend: Decimal,
    pub(super) first_occasion_amount: Decimal,
    pub(super) occasion_total: Decimal,
    pub(super) later_refunds: Decimal,
    pub(super) occasions: Option<Vec<PurchaseOccasion>>,
    pub(super) refund_days: Option<Vec<RefundDay>>,
}

impl<C> CustomerSummary<C> {
    /// The customer's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// # let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let s = Summarizer::new(d).summarize(&[Transaction::new("ann", d, Decimal::ONE)])?;
    /// assert_eq!(*s[0].customer(), "ann");
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn customer(&self) -> &C {
        &self.customer
    }

    /// The observation end the summary was computed as of.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.observation_end(), d(31));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn observation_end(&self) -> NaiveDate {
        self.observation_end
    }

    /// The day of the first purchase occasion.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.first_purchase(), d(2));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn first_purchase(&self) -> NaiveDate {
        self.first_purchase
    }

    /// The day of the last purchase occasion.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// // The refund day (12th) is not a purchase occasion.
    /// assert_eq!(s.last_purchase(), d(9));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn last_purchase(&self) -> NaiveDate {
        self.last_purchase
    }

    /// Number of transaction lines counted (refund lines that were netted included; late lines and
    /// ignored refunds excluded).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.transactions(), 4);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn transactions(&self) -> u64 {
        self.transactions
    }

    /// Number of purchase occasions (distinct days on which the customer bought): RFM frequency.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.purchase_occasions(), 2);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn purchase_occasions(&self) -> u64 {
        self.purchase_occasions
    }

    /// RFM frequency: the number of purchase occasions.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.frequency(), s.purchase_occasions());
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn frequency(&self) -> u64 {
        self.purchase_occasions
    }

    /// Total net spend: the sum of every counted line, refunds included (may be negative).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.total_spend(), Decimal::from(45)); // 30 + 12 + 8 − 5
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn total_spend(&self) -> Decimal {
        self.total_spend
    }

    /// Net spend per purchase occasion (total spend / purchase occasions).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::from(10)), Transaction::new(1, d(2), Decimal::from(20))];
    /// let s = Summarizer::new(d(9)).summarize(&log)?;
    /// assert_eq!(s[0].average_order_value(), Decimal::from(15));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn average_order_value(&self) -> Decimal {
        // purchase_occasions ≥ 1 by construction: a summary exists only for customers with an occasion.
        self.total_spend / Decimal::from(self.purchase_occasions)
    }

    /// The monetary figure on the chosen basis.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// use customer_value::MonetaryBasis;
    /// assert_eq!(s.monetary(MonetaryBasis::TotalSpend), Decimal::from(45));
    /// assert_eq!(s.monetary(MonetaryBasis::AveragePerOccasion), Decimal::new(225, 1));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn monetary(&self, basis: MonetaryBasis) -> Decimal {
        match basis {
            MonetaryBasis::TotalSpend => self.total_spend,
            MonetaryBasis::AveragePerOccasion => self.average_order_value(),
        }
    }

    /// RFM recency: whole days from the last purchase occasion to the observation end.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.recency_days(), 22);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn recency_days(&self) -> i64 {
        (self.observation_end - self.last_purchase).num_days()
    }

    /// Whole days from the first purchase occasion to the observation end.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.tenure_days(), 29);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn tenure_days(&self) -> i64 {
        (self.observation_end - self.first_purchase).num_days()
    }

    /// Net amount of the first purchase occasion.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.first_occasion_amount(), Decimal::from(30));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn first_occasion_amount(&self) -> Decimal {
        self.first_occasion_amount
    }

    /// Sum of the net amounts of the repeat occasions (every occasion after the first), before the
    /// refunds made on days that are not occasions (see [`CustomerSummary::net_repeat_spend`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.repeat_spend(), Decimal::from(20)); // the 9th: 12 + 8
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn repeat_spend(&self) -> Decimal {
        self.occasion_total - self.first_occasion_amount
    }

    /// Net repeat spend: the repeat occasions' amounts plus the refunds made on days that are not
    /// purchase occasions, after the first occasion (may be zero or negative).
    ///
    /// The rule: a refund on an occasion day is already in that day's net amount; a refund on
    /// another day after the first purchase returns goods of the first or of a repeat purchase, and
    /// the spend model cannot tell which, so it is netted against repeat spend, the quantity the
    /// spend model (Gamma-Gamma's z̄) describes. Counting it nowhere would let a customer whose
    /// refunds exceed purchases keep a positive mean spend. A refund before the first occasion
    /// returns goods bought before the log starts: it reduces [`CustomerSummary::total_spend`]
    /// only. So `total_spend = first_occasion_amount + net_repeat_spend + refunds before the first
    /// occasion`, exactly.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.net_repeat_spend(), Decimal::from(15)); // 12 + 8 − 5
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn net_repeat_spend(&self) -> Decimal {
        self.repeat_spend() + self.later_refunds
    }

    /// Mean net repeat spend per repeat occasion (Gamma-Gamma's z̄):
    /// [`CustomerSummary::net_repeat_spend`] / (occasions − 1). `None` when there is no repeat, and
    /// when the net repeat spend is zero or negative (refunds took back at least what the repeat
    /// purchases cost: there is no positive mean to give a spend model).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.mean_repeat_spend(), Some(Decimal::from(15))); // (12 + 8 − 5) / 1
    /// let refunded = [Transaction::new(8u32, d(2), Decimal::from(30)),
    ///     Transaction::new(8, d(9), Decimal::from(20)), Transaction::new(8, d(12), Decimal::from(-40))];
    /// assert_eq!(Summarizer::new(d(31)).summarize(&refunded)?[0].mean_repeat_spend(), None);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn mean_repeat_spend(&self) -> Option<Decimal> {
        let repeats = self.purchase_occasions - 1;
        let net = self.net_repeat_spend();
        (repeats > 0 && net > Decimal::ZERO).then(|| net / Decimal::from(repeats))
    }

    /// The customer's days that are not purchase occasions (refund days, netting to zero or less),
    /// sorted by date, unless [`Summarizer::keep_occasions`](super::Summarizer::keep_occasions) was
    /// switched off. With the occasions they hold every counted line: the occasions' amounts plus
    /// these sum to [`CustomerSummary::total_spend`] exactly.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1u8, d(2), Decimal::from(30)), Transaction::new(1, d(5), Decimal::from(-8))];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// let occasions: Decimal = s.occasions().unwrap().iter().map(|o| o.amount).sum();
    /// let refunds: Decimal = s.refund_days().unwrap().iter().map(|r| r.amount).sum();
    /// assert_eq!(occasions + refunds, s.total_spend());
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn refund_days(&self) -> Option<&[RefundDay]> {
        self.refund_days.as_deref()
    }

    /// The customer's purchase occasions sorted by date, unless [`Summarizer::keep_occasions`](super::Summarizer::keep_occasions) was
    /// switched off.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [
    ///     Transaction::new(7u32, d(2), Decimal::from(30)),
    ///     Transaction::new(7, d(9), Decimal::from(12)),
    ///     Transaction::new(7, d(9), Decimal::from(8)),
    ///     Transaction::new(7, d(12), Decimal::from(-5)),
    /// ];
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// let days: Vec<_> = s.occasions().unwrap().iter().map(|o| (o.date, o.amount)).collect();
    /// assert_eq!(days, [(d(2), Decimal::from(30)), (d(9), Decimal::from(20))]);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn occasions(&self) -> Option<&[PurchaseOccasion]> {
        self.occasions.as_deref()
    }
}
