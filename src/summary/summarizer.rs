//! [`Summarizer`]: the settings of the pass over the log, their check, and its entry points.

use std::hash::Hash;

use chrono::NaiveDate;

use super::{
    partition, CustomerSummary, LateTransactions, RefundPolicy, SummaryAccumulator, SummaryError,
    SummaryReport,
};
use crate::settings::Settings;
use crate::transaction::Transaction;

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
/// assert_eq!(err, SummaryError::Refund { position: 1, amount: Decimal::from(-20) });
/// # Ok::<(), SummaryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Summarizer {
    pub(super) observation_end: NaiveDate,
    pub(super) late: LateTransactions,
    pub(super) refunds: RefundPolicy,
    pub(super) keep_occasions: bool,
    #[cfg_attr(feature = "serde", serde(default = "default_money_scale"))]
    pub(super) money_scale: u32,
}

/// The default money scale: 2 decimals (cents, pence).
pub const DEFAULT_MONEY_SCALE: u32 = 2;

/// The largest money scale: a [`rust_decimal::Decimal`] holds at most 28 decimals.
pub const MAX_MONEY_SCALE: u32 = 28;

#[cfg(feature = "serde")]
fn default_money_scale() -> u32 {
    DEFAULT_MONEY_SCALE
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
            money_scale: DEFAULT_MONEY_SCALE,
        }
    }

    /// The number of decimals an amount is expected to have (default
    /// [`DEFAULT_MONEY_SCALE`], 2). Amounts with more (trailing zeros aside) are still counted as
    /// given, and counted and located in [`SummaryReport::excess_scale_amounts`] and
    /// [`SummaryReport::first_excess_scale_positions`]. At most [`MAX_MONEY_SCALE`] (checked by
    /// [`Settings::check`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let float_as_text: Decimal = "6650.0400000000000004440892".parse().unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::new(1250, 2)), Transaction::new(1, d(2), float_as_text)];
    /// let (_, report) = Summarizer::new(d(10)).summarize_with_report(&log)?;
    /// assert_eq!((report.excess_scale_amounts, report.first_excess_scale_positions), (1, vec![1]));
    /// let (_, report) = Summarizer::new(d(10)).money_scale(28).summarize_with_report(&log)?;
    /// assert_eq!(report.excess_scale_amounts, 0);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn money_scale(mut self, decimals: u32) -> Self {
        self.money_scale = decimals;
        self
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
    /// - those of [`Settings::check`] ([`SummaryError::InvalidMoneyScale`]);
    /// - [`SummaryError::EmptyInput`] when `transactions` is empty;
    /// - [`SummaryError::ObservationEndBeforeData`] when every line is after the observation end;
    /// - [`SummaryError::NoPurchaseOccasions`] when no customer-day up to the observation end is a
    ///   purchase occasion (its message counts the lines, refunds and late lines);
    /// - [`SummaryError::LateTransaction`] / [`SummaryError::Refund`] under the rejecting policies;
    /// - [`SummaryError::AmountOutOfRange`] for an amount beyond ±[`MAX_AMOUNT`](super::MAX_AMOUNT).
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
        &self, transactions: &[Transaction<C>],
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
        &self, transactions: &[Transaction<C>],
    ) -> Result<(Vec<CustomerSummary<C>>, SummaryReport), SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
    {
        self.summarize_with_dropped(transactions)
            .map(|(rows, report, _)| (rows, report))
    }

    /// Like [`Summarizer::summarize_with_report`], and also the customers left out, named with
    /// why (sorted by id): their net amounts sum to
    /// [`SummaryReport::net_of_customers_without_purchase`].
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
    /// let (s, report, dropped) = Summarizer::new(d(10)).summarize_with_dropped(&log)?;
    /// let kept: Decimal = s.iter().map(|c| c.total_spend()).sum();
    /// assert_eq!(dropped[0].customer, 2);
    /// assert_eq!(kept + report.net_of_customers_without_purchase, Decimal::from(-2));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn summarize_with_dropped<C>(
        &self, transactions: &[Transaction<C>],
    ) -> Result<super::Summarized<C>, SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
    {
        self.check()?;
        partition::summarize(self, transactions)
    }

    /// The error for a log with no counted line, if that is the case.
    pub(super) fn check_counted(
        &self, lines_counted: bool, earliest: Option<NaiveDate>,
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
}

impl Settings for Summarizer {
    type Error = SummaryError;

    /// Checks the settings of the pass.
    ///
    /// # Errors
    ///
    /// [`SummaryError::InvalidMoneyScale`] when the money scale exceeds [`MAX_MONEY_SCALE`].
    /// Every observation end, late-line policy, refund policy and `keep_occasions` value can be
    /// used together, and what a log may contain (late lines, refunds, amounts beyond
    /// ±[`MAX_AMOUNT`](super::MAX_AMOUNT)) is checked line by line during the pass. The check exists so that a
    /// `Summarizer` read back from JSON goes through the same gate as every settings type, and the
    /// entry points ([`Summarizer::summarize`], [`Summarizer::summarize_with_report`],
    /// [`Summarizer::calibration_holdout`], [`SummaryAccumulator::finish`]) call it first.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{LateTransactions, RefundPolicy, Settings, Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let end = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// let strict = Summarizer::new(end)
    ///     .late_transactions(LateTransactions::Reject)
    ///     .refund_policy(RefundPolicy::Reject);
    /// assert!(strict.check().is_ok());
    /// // What fails is the data, line by line, under the policies chosen:
    /// let refund = [Transaction::new(1u8, end, Decimal::from(-5))];
    /// assert!(strict.summarize(&refund).is_err());
    /// assert!(Summarizer::new(end).money_scale(29).check().is_err());
    /// ```
    fn check(&self) -> Result<(), SummaryError> {
        if self.money_scale > MAX_MONEY_SCALE {
            return Err(SummaryError::InvalidMoneyScale {
                scale: self.money_scale,
            });
        }
        Ok(())
    }
}
