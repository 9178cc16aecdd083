//! From a transaction log to one [`CustomerSummary`] per customer.
//!
//! A [`Summarizer`] walks the log once and keeps, per customer, everything the downstream modules
//! need: the RFM inputs, the "buy 'til you die" triple (x, t_x, T) in a chosen [`TimeUnit`], the mean
//! spend of repeat purchases (Gamma-Gamma's z̄), and the purchase occasions themselves (so lifecycle,
//! cohort and KPI computations never walk the log again).
//!
//! Definitions used throughout the crate:
//!
//! - A **purchase occasion** is a calendar day on which the customer bought: its lines net to a
//!   positive amount, or to exactly zero without any refund (a free item, like CDNOW's $0.00 CDs).
//!   Several purchases on one day are one occasion with their summed amount; a day that refunds
//!   bring to zero or below is not an occasion.
//! - **RFM recency** is the number of days from the last purchase occasion to the observation end.
//! - **BTYD recency** t_x is the time from the first to the last purchase occasion, and the **age** T
//!   the time from the first purchase occasion to the observation end (Fader, Hardie & Lee 2005);
//!   x, the **repeat frequency**, is the number of occasions after the first.
//!
//! Transactions dated after the observation end are left out and counted in the
//! [`SummaryReport`] (or rejected, by option); a transaction *on* the end date counts.
//!
//! # Examples
//!
//! ```
//! use customer_value::{Summarizer, Transaction, TimeUnit};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
//! let log = vec![
//!     Transaction::new(1u32, day(1), Decimal::new(2000, 2)),
//!     Transaction::new(1, day(1), Decimal::new(500, 2)),   // same day: one occasion of 25.00
//!     Transaction::new(1, day(15), Decimal::new(1000, 2)),
//!     Transaction::new(2, day(20), Decimal::new(4000, 2)),
//!     Transaction::new(2, day(30), Decimal::new(100, 2)),  // after the end: left out, reported
//! ];
//! let (summaries, report) = Summarizer::new(day(29)).summarize_with_report(&log)?;
//! assert_eq!(summaries.len(), 2);
//! assert_eq!(summaries[0].purchase_occasions(), 2);
//! assert_eq!(summaries[0].total_spend(), Decimal::new(3500, 2));
//! assert_eq!(summaries[0].recency_days(), 14);
//! let btyd = summaries[0].btyd(TimeUnit::Days);
//! assert_eq!((btyd.frequency, btyd.recency, btyd.age), (1.0, 14.0, 28.0));
//! assert_eq!(report.late_transactions, 1);
//! # Ok::<(), customer_value::summary::SummaryError>(())
//! ```

use std::hash::Hash;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;
use thiserror::Error;

use crate::transaction::Transaction;

mod accumulator;
mod partition;

pub use accumulator::SummaryAccumulator;

/// Errors from summarizing a transaction log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SummaryError {
    /// The log (or every chunk fed to an accumulator) was empty.
    #[error("no transactions were given")]
    EmptyInput,
    /// Every transaction is dated after the observation end.
    #[error("the observation end {observation_end} is before every transaction (the earliest is {earliest})")]
    ObservationEndBeforeData {
        /// The observation end that was asked for.
        observation_end: NaiveDate,
        /// The earliest transaction date in the log.
        earliest: NaiveDate,
    },
    /// No customer has a purchase occasion (refunds bring every day to zero or less).
    #[error("no customer has a purchase occasion (refunds bring every day to zero or less)")]
    NoPurchaseOccasions,
    /// A transaction is dated after the observation end and [`LateTransactions::Reject`] was asked for.
    #[error("transaction {index} is dated {date}, after the observation end {observation_end}")]
    LateTransaction {
        /// Position of the line in the slice (or among the lines fed to the accumulator).
        index: usize,
        /// Its date.
        date: NaiveDate,
        /// The observation end.
        observation_end: NaiveDate,
    },
    /// A transaction has a negative amount and [`RefundPolicy::Reject`] was asked for.
    #[error("transaction {index} is a refund of {amount}, and refunds are rejected")]
    Refund {
        /// Position of the line in the slice (or among the lines fed to the accumulator).
        index: usize,
        /// Its (negative) amount.
        amount: Decimal,
    },
    /// An amount's magnitude exceeds [`MAX_AMOUNT`]: sums of such amounts could overflow the
    /// decimal type downstream.
    #[error("transaction {index} has amount {amount}, beyond the supported ±10^18")]
    AmountOutOfRange {
        /// Position of the line in the slice (or among the lines fed to the accumulator).
        index: usize,
        /// Its amount.
        amount: Decimal,
    },
    /// Two accumulators built with different settings cannot be merged.
    #[error("cannot merge accumulators built with different summarizer settings")]
    IncompatibleAccumulators,
    /// The calibration end of a calibration/holdout split is not before the observation end.
    #[error("the calibration end {calibration_end} must be before the observation end {observation_end}")]
    CalibrationEndNotBeforeObservationEnd {
        /// The calibration end that was asked for.
        calibration_end: NaiveDate,
        /// The observation (holdout) end.
        observation_end: NaiveDate,
    },
}

/// The largest magnitude of a transaction amount: 10^18 money units. Every sum the crate forms
/// (per customer, per segment, per cohort) then stays far below `Decimal::MAX` ≈ 7.9 × 10^28 for
/// any log that fits in memory, so no sum can overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA764_0000, 0x0DE0_B6B3, 0, false, 0);

/// |amount| ≤ [`MAX_AMOUNT`], decided on the mantissa: comparing decimals of different scales
/// rescales them, which cost more than the rest of a line's handling.
fn within_amount_bound(amount: Decimal) -> bool {
    let scale = amount.scale();
    if scale > 10 {
        // 10^18 at scale 11 or more needs a mantissa of 10^29, above the 96-bit maximum ≈ 7.9 × 10^28.
        return true;
    }
    amount.mantissa().unsigned_abs() <= 10u128.pow(18 + scale)
}

/// The time unit in which the BTYD models measure t_x and T.
///
/// The literature states CDNOW in weeks; daily data is often modelled in days.
///
/// # Examples
///
/// ```
/// use customer_value::TimeUnit;
/// assert_eq!(TimeUnit::Weeks.days(), 7.0);
/// assert_eq!(TimeUnit::Weeks.per_month(), 4.345);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum TimeUnit {
    /// Calendar days.
    Days,
    /// Weeks of 7 days.
    #[default]
    Weeks,
}

impl TimeUnit {
    /// Length of one unit in days.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(customer_value::TimeUnit::Days.days(), 1.0);
    /// ```
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
        }
    }

    /// Units in one month, by the convention of Python's lifetimes (`customer_lifetime_value`): a month
    /// is 30 days, or 4.345 weeks (52.14 / 12).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(customer_value::TimeUnit::Days.per_month(), 30.0);
    /// ```
    pub fn per_month(self) -> f64 {
        match self {
            TimeUnit::Days => 30.0,
            TimeUnit::Weeks => 4.345,
        }
    }

    /// Converts a number of days into this unit.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(customer_value::TimeUnit::Weeks.from_days(14), 2.0);
    /// ```
    pub fn from_days(self, days: i64) -> f64 {
        days as f64 / self.days()
    }
}

/// What to do with a transaction dated after the observation end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LateTransactions {
    /// Leave it out and count it in [`SummaryReport::late_transactions`] (the default).
    #[default]
    Exclude,
    /// Fail with [`SummaryError::LateTransaction`].
    Reject,
}

/// What to do with a refund (a transaction with a negative amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum RefundPolicy {
    /// Net it against the customer's spend (the default): it reduces its day's amount and the
    /// total spend, which is the plain net sum and may be negative. A day netting to zero or less is
    /// not a purchase occasion.
    #[default]
    Net,
    /// Fail with [`SummaryError::Refund`] naming the transaction.
    Reject,
    /// Leave the line out and count it in [`SummaryReport::ignored_refunds`].
    Ignore,
}

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

/// The inputs of the BTYD models derived from a summary, in one [`TimeUnit`].
///
/// `frequency` x = occasions − 1, `recency` t_x = first → last occasion, `age` T = first occasion →
/// observation end, `mean_repeat_spend` z̄ = mean net amount of the occasions after the first (0 when
/// x = 0). This is the output of lifetimes' `summary_data_from_transaction_data(freq='D')` on logs whose
/// days all net to a positive amount.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BtydInputs {
    /// x: repeat purchase occasions.
    pub frequency: f64,
    /// t_x: time from the first to the last purchase occasion.
    pub recency: f64,
    /// T: time from the first purchase occasion to the observation end.
    pub age: f64,
    /// z̄: mean net amount of the repeat occasions, 0 when there is none.
    pub mean_repeat_spend: f64,
}

/// Everything the crate needs to know about one customer, from one pass over the log.
///
/// Built by [`Summarizer`]; read through its accessors. Its fields are consistent by construction
/// (first ≤ last purchase ≤ observation end, at least one purchase occasion).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CustomerSummary<C> {
    customer: C,
    observation_end: NaiveDate,
    first_purchase: NaiveDate,
    last_purchase: NaiveDate,
    transactions: u64,
    purchase_occasions: u64,
    total_spend: Decimal,
    first_occasion_amount: Decimal,
    occasion_total: Decimal,
    occasions: Option<Vec<PurchaseOccasion>>,
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

    /// Sum of the net amounts of the repeat occasions (every occasion after the first).
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

    /// Mean net amount of the repeat occasions (Gamma-Gamma's z̄), `None` when there is no repeat.
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
    /// assert_eq!(s.mean_repeat_spend(), Some(Decimal::from(20)));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn mean_repeat_spend(&self) -> Option<Decimal> {
        let repeats = self.purchase_occasions - 1;
        (repeats > 0).then(|| self.repeat_spend() / Decimal::from(repeats))
    }

    /// The customer's purchase occasions sorted by date, unless [`Summarizer::keep_occasions`] was
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

    /// The BTYD inputs (x, t_x, T, z̄) in `unit`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction, TimeUnit};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::from(10)), Transaction::new(1, d(8), Decimal::from(30))];
    /// let s = Summarizer::new(d(22)).summarize(&log)?;
    /// let b = s[0].btyd(TimeUnit::Weeks);
    /// assert_eq!((b.frequency, b.recency, b.age, b.mean_repeat_spend), (1.0, 1.0, 3.0, 30.0));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn btyd(&self, unit: TimeUnit) -> BtydInputs {
        let to_f64 =
            |d: Decimal| -> f64 { rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(0.0) };
        BtydInputs {
            frequency: (self.purchase_occasions - 1) as f64,
            recency: unit.from_days((self.last_purchase - self.first_purchase).num_days()),
            age: unit.from_days(self.tenure_days()),
            mean_repeat_spend: self.mean_repeat_spend().map(to_f64).unwrap_or(0.0),
        }
    }
}

/// What [`Summarizer::summarize_with_report`] left out or netted, so nothing is dropped silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SummaryReport {
    /// Lines read.
    pub lines_read: u64,
    /// Lines counted in some summary.
    pub lines_used: u64,
    /// Lines dated after the observation end, left out.
    pub late_transactions: u64,
    /// Refund lines left out under [`RefundPolicy::Ignore`].
    pub ignored_refunds: u64,
    /// Refund lines netted under [`RefundPolicy::Net`].
    pub netted_refunds: u64,
    /// Customer-days that refunds bring to zero or less, and are therefore not purchase occasions.
    pub non_positive_days: u64,
    /// Customers without any purchase occasion (every day brought to zero or less by refunds): no
    /// summary row.
    pub customers_without_purchase: u64,
    /// Lines of those customers (not counted in `lines_used`).
    pub lines_of_customers_without_purchase: u64,
}

/// Builds [`CustomerSummary`] rows from a transaction log as of an observation end.
///
/// # Examples
///
/// ```
/// use customer_value::{RefundPolicy, Summarizer, Transaction};
/// use customer_value::summary::SummaryError;
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 5, n).unwrap();
/// let log = [
///     Transaction::new(1u8, d(1), Decimal::from(50)),
///     Transaction::new(1, d(3), Decimal::from(-20)),
/// ];
/// // Netted by default: the refund day is not an occasion, the total is 30.
/// let s = Summarizer::new(d(31)).summarize(&log)?;
/// assert_eq!((s[0].purchase_occasions(), s[0].total_spend()), (1, Decimal::from(30)));
/// // Or rejected, naming the line.
/// let err = Summarizer::new(d(31)).refund_policy(RefundPolicy::Reject).summarize(&log).unwrap_err();
/// assert_eq!(err, SummaryError::Refund { index: 1, amount: Decimal::from(-20) });
/// # Ok::<(), SummaryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Summarizer {
    observation_end: NaiveDate,
    late: LateTransactions,
    refunds: RefundPolicy,
    keep_occasions: bool,
}

impl Summarizer {
    /// A summarizer as of `observation_end` (inclusive), with the defaults: late lines excluded and
    /// reported, refunds netted, occasions kept.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// assert_eq!(Summarizer::new(end).observation_end(), end);
    /// ```
    pub fn new(observation_end: NaiveDate) -> Self {
        Self {
            observation_end,
            late: LateTransactions::Exclude,
            refunds: RefundPolicy::Net,
            keep_occasions: true,
        }
    }

    /// How lines after the observation end are treated.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{LateTransactions, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(5), Decimal::ONE), Transaction::new(1, d(20), Decimal::ONE)];
    /// assert!(Summarizer::new(d(10)).late_transactions(LateTransactions::Reject).summarize(&log).is_err());
    /// ```
    pub fn late_transactions(mut self, policy: LateTransactions) -> Self {
        self.late = policy;
        self
    }

    /// How refunds are treated.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RefundPolicy, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(5), Decimal::from(9)), Transaction::new(1, d(6), Decimal::from(-4))];
    /// let s = Summarizer::new(d(10)).refund_policy(RefundPolicy::Ignore).summarize(&log)?;
    /// assert_eq!(s[0].total_spend(), Decimal::from(9));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn refund_policy(mut self, policy: RefundPolicy) -> Self {
        self.refunds = policy;
        self
    }

    /// Whether each summary keeps its purchase occasions (default `true`). Switch off for lean RFM
    /// and BTYD runs; lifecycle and cohort computations need them.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let s = Summarizer::new(d(10)).keep_occasions(false).summarize(&[Transaction::new(1, d(5), Decimal::ONE)])?;
    /// assert!(s[0].occasions().is_none());
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn keep_occasions(mut self, keep: bool) -> Self {
        self.keep_occasions = keep;
        self
    }

    /// The observation end.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// assert_eq!(Summarizer::new(end).observation_end(), end);
    /// ```
    pub fn observation_end(&self) -> NaiveDate {
        self.observation_end
    }

    /// An empty accumulator with these settings, to feed in chunks and merge.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let mut acc = Summarizer::new(d(10)).accumulator();
    /// acc.push(&Transaction::new("a", d(1), Decimal::ONE))?;
    /// let (rows, _) = acc.finish()?;
    /// assert_eq!(rows.len(), 1);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn accumulator<C: Clone + Eq + Hash + Ord>(&self) -> SummaryAccumulator<C> {
        SummaryAccumulator::new(*self)
    }

    /// One summary per customer with a purchase occasion, sorted by customer id.
    ///
    /// Runs in parallel over chunks of the log; the result does not depend on the input order or
    /// the number of threads.
    ///
    /// # Errors
    ///
    /// - [`SummaryError::EmptyInput`] when `transactions` is empty;
    /// - [`SummaryError::ObservationEndBeforeData`] when every line is after the observation end;
    /// - [`SummaryError::NoPurchaseOccasions`] when no customer-day nets to a positive amount;
    /// - [`SummaryError::LateTransaction`] / [`SummaryError::Refund`] under the rejecting policies;
    /// - [`SummaryError::AmountOutOfRange`] for an amount beyond ±[`MAX_AMOUNT`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(2, d(3), Decimal::ONE), Transaction::new(1, d(4), Decimal::TEN)];
    /// let s = Summarizer::new(d(10)).summarize(&log)?;
    /// assert_eq!((*s[0].customer(), *s[1].customer()), (1, 2)); // sorted by id
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn summarize<C>(
        &self,
        transactions: &[Transaction<C>],
    ) -> Result<Vec<CustomerSummary<C>>, SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
    {
        self.summarize_with_report(transactions)
            .map(|(rows, _)| rows)
    }

    /// Like [`Summarizer::summarize`], and also the [`SummaryReport`] of what was left out.
    ///
    /// # Errors
    ///
    /// As [`Summarizer::summarize`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(3), Decimal::ONE), Transaction::new(2, d(4), Decimal::from(-3))];
    /// let (s, report) = Summarizer::new(d(10)).summarize_with_report(&log)?;
    /// assert_eq!((s.len(), report.customers_without_purchase), (1, 1));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn summarize_with_report<C>(
        &self,
        transactions: &[Transaction<C>],
    ) -> Result<(Vec<CustomerSummary<C>>, SummaryReport), SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
    {
        partition::summarize(self, transactions)
    }

    /// Applies the late and refund policies to line `index`: `Ok(true)` when it counts, `Ok(false)`
    /// when it is left out (and counted in `report`), an error when a policy rejects it.
    fn admit<C>(
        &self,
        index: usize,
        t: &Transaction<C>,
        report: &mut SummaryReport,
    ) -> Result<bool, SummaryError> {
        if !within_amount_bound(t.amount) {
            return Err(SummaryError::AmountOutOfRange {
                index,
                amount: t.amount,
            });
        }
        if t.date > self.observation_end {
            return match self.late {
                LateTransactions::Exclude => {
                    report.late_transactions += 1;
                    Ok(false)
                }
                LateTransactions::Reject => Err(SummaryError::LateTransaction {
                    index,
                    date: t.date,
                    observation_end: self.observation_end,
                }),
            };
        }
        if is_refund(t.amount) {
            match self.refunds {
                RefundPolicy::Net => report.netted_refunds += 1,
                RefundPolicy::Ignore => {
                    report.ignored_refunds += 1;
                    return Ok(false);
                }
                RefundPolicy::Reject => {
                    return Err(SummaryError::Refund {
                        index,
                        amount: t.amount,
                    })
                }
            }
        }
        Ok(true)
    }

    /// The error for a log with no counted line, if that is the case.
    fn check_counted(
        &self,
        lines_counted: bool,
        earliest: Option<NaiveDate>,
    ) -> Result<(), SummaryError> {
        match earliest {
            None => Err(SummaryError::EmptyInput),
            Some(earliest) if !lines_counted && earliest > self.observation_end => {
                Err(SummaryError::ObservationEndBeforeData {
                    observation_end: self.observation_end,
                    earliest,
                })
            }
            Some(_) => Ok(()),
        }
    }

    fn accumulate<C>(
        &self,
        transactions: &[Transaction<C>],
    ) -> Result<SummaryAccumulator<C>, SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
    {
        const CHUNK: usize = 1 << 16;
        transactions
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(chunk_index, chunk)| {
                let mut acc = self.accumulator();
                acc.extend_at(chunk_index * CHUNK, chunk)?;
                Ok(acc)
            })
            .try_reduce(
                || self.accumulator(),
                |mut a, b| {
                    a.merge(b)?;
                    Ok(a)
                },
            )
    }

    /// Splits the log at `calibration_end` (lifetimes' `calibration_and_holdout_data`): per customer
    /// whose first purchase occasion is on or before `calibration_end`, its summary as of
    /// `calibration_end` and its purchase occasions and net spend in the holdout
    /// (`calibration_end`, observation end].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
    /// let log = [
    ///     Transaction::new(1, d(1, 5), Decimal::from(10)),
    ///     Transaction::new(1, d(2, 5), Decimal::from(15)),
    ///     Transaction::new(1, d(2, 9), Decimal::from(5)),
    ///     Transaction::new(2, d(2, 1), Decimal::from(40)), // first buys in the holdout: left out
    /// ];
    /// let split = Summarizer::new(d(2, 29)).calibration_holdout(&log, d(1, 31))?;
    /// assert_eq!(split.len(), 1);
    /// assert_eq!(split[0].holdout_purchases, 2);
    /// assert_eq!(split[0].holdout_spend, Decimal::from(20));
    /// assert_eq!(split[0].holdout_days, 29);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SummaryError::CalibrationEndNotBeforeObservationEnd`], and those of [`Summarizer::summarize`]
    /// for the calibration period.
    pub fn calibration_holdout<C>(
        &self,
        transactions: &[Transaction<C>],
        calibration_end: NaiveDate,
    ) -> Result<Vec<CalibrationHoldout<C>>, SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
    {
        if calibration_end >= self.observation_end {
            return Err(SummaryError::CalibrationEndNotBeforeObservationEnd {
                calibration_end,
                observation_end: self.observation_end,
            });
        }
        let acc = self.accumulate(transactions)?;
        self.check_counted(!acc.lines.is_empty(), acc.earliest)?;
        let calibration = Summarizer {
            observation_end: calibration_end,
            ..*self
        };
        let mut rows: Vec<_> = acc.lines.into_iter().collect();
        rows.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let out: Vec<CalibrationHoldout<C>> = rows
            .into_par_iter()
            .filter_map(|(customer, mut lines)| {
                lines.sort_unstable_by_key(|l| l.date);
                let split = lines.partition_point(|l| l.date <= calibration_end);
                let (cal, holdout) = lines.split_at(split);
                let built = calibration.build(customer, cal);
                let summary = built.summary?;
                let days = aggregate_days(holdout);
                Some(CalibrationHoldout {
                    calibration: summary,
                    holdout_purchases: days.iter().filter(|d| d.is_occasion()).count() as u64,
                    holdout_spend: holdout.iter().map(|l| l.amount).sum(),
                    holdout_days: (self.observation_end - calibration_end).num_days(),
                })
            })
            .collect();
        if out.is_empty() {
            return Err(SummaryError::NoPurchaseOccasions);
        }
        Ok(out)
    }

    /// Builds one customer's summary from its counted lines sorted by date, in one streaming pass
    /// (no intermediate per-day vector; occasions are collected only when kept).
    pub(crate) fn build<C>(&self, customer: C, lines: &[DayLine]) -> Built<C> {
        let figures = same_scale(lines)
            .and_then(|scale| self.figures_by_mantissa(lines, scale))
            .unwrap_or_else(|| self.figures_by_decimal(lines));
        let non_positive_days = figures.non_positive_days;
        let Some((first_purchase, first_occasion_amount, last_purchase)) = figures
            .stats
            .first
            .zip(figures.stats.last)
            .map(|((d, a), l)| (d, a, l))
        else {
            return Built {
                summary: None,
                non_positive_days,
            };
        };
        let summary = CustomerSummary {
            observation_end: self.observation_end,
            first_purchase,
            last_purchase,
            transactions: lines.len() as u64,
            purchase_occasions: figures.stats.count,
            total_spend: figures.total_spend,
            first_occasion_amount,
            occasion_total: figures.stats.total,
            occasions: self.keep_occasions.then_some(figures.occasions),
            customer,
        };
        Built {
            summary: Some(summary),
            non_positive_days,
        }
    }

    /// Figures with room for exactly as many occasions as the lines have days, when they are kept:
    /// a growing vector would leave up to half its capacity unused in every summary.
    fn empty_figures(&self, lines: &[DayLine]) -> Figures {
        let capacity = if self.keep_occasions {
            1 + lines.windows(2).filter(|w| w[0].date != w[1].date).count()
        } else {
            0
        };
        Figures {
            occasions: Vec::with_capacity(capacity),
            ..Figures::default()
        }
    }

    /// The general path: decimal arithmetic, any mix of scales.
    fn figures_by_decimal(&self, lines: &[DayLine]) -> Figures {
        let mut figures = self.empty_figures(lines);
        for day in DayIter::new(lines) {
            figures.total_spend += day.net;
            if !day.is_occasion() {
                figures.non_positive_days += 1;
                continue;
            }
            figures.stats.add(day.date, day.net);
            if self.keep_occasions {
                figures.occasions.push(PurchaseOccasion {
                    date: day.date,
                    amount: day.net,
                });
            }
        }
        figures
    }

    /// The fast path when every line has the same scale (the usual case: cents): sums of i128
    /// mantissas, converted to decimals once. Exact, and equal to the decimal path; `None` when a
    /// sum does not fit a decimal, which the decimal path then handles.
    fn figures_by_mantissa(&self, lines: &[DayLine], scale: u32) -> Option<Figures> {
        let to_decimal = |m: i128| Decimal::try_from_i128_with_scale(m, scale).ok();
        let mut figures = self.empty_figures(lines);
        let (mut total, mut occasion_total, mut count) = (0i128, 0i128, 0u64);
        let mut first: Option<(NaiveDate, i128)> = None;
        let mut last: Option<NaiveDate> = None;
        let mut rest = lines;
        while let Some((head, tail)) = rest.split_first() {
            let same_day = tail.iter().take_while(|l| l.date == head.date).count();
            let mut net = head.amount.mantissa();
            let mut has_refund = is_refund(head.amount);
            for line in &tail[..same_day] {
                net += line.amount.mantissa();
                has_refund |= is_refund(line.amount);
            }
            rest = &tail[same_day..];
            total += net;
            if !(net > 0 || (net == 0 && !has_refund)) {
                figures.non_positive_days += 1;
                continue;
            }
            first.get_or_insert((head.date, net));
            last = Some(head.date);
            count += 1;
            occasion_total += net;
            if self.keep_occasions {
                figures.occasions.push(PurchaseOccasion {
                    date: head.date,
                    amount: to_decimal(net)?,
                });
            }
        }
        figures.total_spend = to_decimal(total)?;
        figures.stats = OccasionStats {
            first: match first {
                Some((date, amount)) => Some((date, to_decimal(amount)?)),
                None => None,
            },
            last,
            count,
            total: to_decimal(occasion_total)?,
        };
        Some(figures)
    }
}

/// The scale shared by every line, if they share one.
fn same_scale(lines: &[DayLine]) -> Option<u32> {
    let scale = lines.first()?.amount.scale();
    lines
        .iter()
        .all(|l| l.amount.scale() == scale)
        .then_some(scale)
}

/// One customer's figures before they become a summary.
#[derive(Default)]
struct Figures {
    stats: OccasionStats,
    total_spend: Decimal,
    non_positive_days: u64,
    occasions: Vec<PurchaseOccasion>,
}

/// Running figures over a customer's purchase occasions in date order.
#[derive(Default)]
struct OccasionStats {
    first: Option<(NaiveDate, Decimal)>,
    last: Option<NaiveDate>,
    count: u64,
    total: Decimal,
}

impl OccasionStats {
    fn add(&mut self, date: NaiveDate, amount: Decimal) {
        if self.first.is_none() {
            self.first = Some((date, amount));
        }
        self.last = Some(date);
        self.count += 1;
        self.total += amount;
    }
}

pub(crate) struct Built<C> {
    summary: Option<CustomerSummary<C>>,
    non_positive_days: u64,
}

/// One customer's summary as of the calibration end, with what it did in the holdout period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CalibrationHoldout<C> {
    /// The summary as of the calibration end.
    pub calibration: CustomerSummary<C>,
    /// Purchase occasions in the holdout period (days netting to a positive amount).
    pub holdout_purchases: u64,
    /// Net spend in the holdout period.
    pub holdout_spend: Decimal,
    /// Length of the holdout period in days.
    pub holdout_days: i64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct DayLine {
    date: NaiveDate,
    amount: Decimal,
}

/// One customer-day: its net amount and whether a refund line contributed to it.
struct Day {
    date: NaiveDate,
    net: Decimal,
    has_refund: bool,
}

impl Day {
    /// A day is a purchase occasion when it nets to a positive amount, or to zero without a refund
    /// (a free purchase); a day that refunds bring to zero or below is not.
    fn is_occasion(&self) -> bool {
        self.net > Decimal::ZERO || (self.net.is_zero() && !self.has_refund)
    }
}

/// Sums lines sorted by date into days.
fn aggregate_days(lines: &[DayLine]) -> Vec<Day> {
    DayIter::new(lines).collect()
}

/// Iterates over the days of lines sorted by date, summing each day's lines.
struct DayIter<'a> {
    lines: &'a [DayLine],
}

impl<'a> DayIter<'a> {
    fn new(lines: &'a [DayLine]) -> Self {
        Self { lines }
    }
}

impl Iterator for DayIter<'_> {
    type Item = Day;

    fn next(&mut self) -> Option<Day> {
        let (first, rest) = self.lines.split_first()?;
        let mut day = Day {
            date: first.date,
            net: first.amount,
            has_refund: is_refund(first.amount),
        };
        let same_day = rest.iter().take_while(|l| l.date == first.date).count();
        for line in &rest[..same_day] {
            day.net += line.amount;
            day.has_refund |= is_refund(line.amount);
        }
        self.lines = &rest[same_day..];
        Some(day)
    }
}

fn is_refund(amount: Decimal) -> bool {
    amount.is_sign_negative() && !amount.is_zero()
}
