//! [`CustomerLedger`]: one customer's lines netted per day in minor units, the partial state of a
//! summary that a query engine keeps per group, merges across partitions and finishes into the
//! customer's [`CustomerSummary`].

use super::minor_units::{checked_date, day_of, MinorScale};
use super::occasions::Day;
use super::policies::LineTally;
use super::{
    CustomerSummary, DroppedCustomer, MinorUnits, Summarizer, SummaryError, SummaryReport,
};
use crate::settings::Settings;

/// One customer's lines, netted per day in minor units, with the counts of what the policies
/// left out: the partial state of [`Summarizer::summarize_columns`] for one customer.
///
/// Feed it lines in any order ([`CustomerLedger::add`]), merge ledgers of the same customer built
/// on other parts of the log ([`CustomerLedger::merge`]: the result does not depend on how the
/// lines were split or in which order the parts are merged), and
/// [`finish`](CustomerLedger::finish) it into exactly the [`CustomerSummary`] that
/// [`Summarizer::summarize`] gives on the same lines with the same settings, with this
/// customer's share of the [`SummaryReport`]. To ship it between processes, take it apart into
/// plain columns ([`CustomerLedger::into_parts`]) and rebuild it on the other side
/// ([`CustomerLedger::from_parts`], which checks the parts).
///
/// Its size grows with the customer's distinct days, not lines: lines of a day already held are
/// netted into it (out-of-order days are netted when the list has doubled).
///
/// # Examples
///
/// ```
/// use customer_value::summary::LedgerOutcome;
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let summarizer = Summarizer::new(d(31));
/// // Two partitions of one customer's lines (days since 1970-01-01; 19,723 is 2024-01-01).
/// let mut left = summarizer.ledger(2)?;
/// left.add(19_723, 2_000i64)?;
/// left.add(19_737, 1_000i64)?;
/// let mut right = summarizer.ledger(2)?;
/// right.add(19_723, 500i64)?;
/// right.add(19_740, -300i64)?; // a refund on a day without a purchase
/// left.merge(right)?;
/// let finished = left.finish(42u32)?;
/// let LedgerOutcome::Summary(summary) = finished.outcome else { panic!("a purchase") };
///
/// let log = [
///     Transaction::new(42u32, d(1), Decimal::new(2_000, 2)),
///     Transaction::new(42, d(15), Decimal::new(1_000, 2)),
///     Transaction::new(42, d(1), Decimal::new(500, 2)),
///     Transaction::new(42, d(18), Decimal::new(-300, 2)),
/// ];
/// let (expected, report) = summarizer.summarize_with_report(&log)?;
/// assert_eq!(summary, expected[0]);
/// assert_eq!(finished.report, report);
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CustomerLedger {
    pub(super) settings: Summarizer,
    pub(super) units: MinorScale,
    pub(super) end_day: i32,
    /// The days, each with its net amount; sorted by day with no day twice when `normalized`.
    pub(super) days: Vec<LedgerDay>,
    pub(super) normalized: bool,
    /// The length of `days` after the last normalization.
    pub(super) normalized_len: usize,
    pub(super) counts: LedgerCounts,
}

/// One customer-day of a ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LedgerDay {
    pub(super) day: i32,
    pub(super) net: i128,
    pub(super) has_refund: bool,
}

/// The counts of a ledger's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct LedgerCounts {
    pub(super) counted: u64,
    pub(super) late: u64,
    pub(super) ignored_refunds: u64,
    pub(super) netted_refunds: u64,
    pub(super) excess_scale: u64,
    pub(super) missing: u64,
}

impl LineTally for LedgerCounts {
    fn late(&mut self) {
        self.late = self.late.saturating_add(1);
    }
    fn ignored_refund(&mut self) {
        self.ignored_refunds = self.ignored_refunds.saturating_add(1);
    }
    fn netted_refund(&mut self) {
        self.netted_refunds = self.netted_refunds.saturating_add(1);
    }
    fn excess_scale(&mut self, _position: usize) {
        self.excess_scale = self.excess_scale.saturating_add(1);
    }
}

impl LedgerCounts {
    /// Lines read: counted, late and ignored (not the missing ones).
    pub(super) fn read(&self) -> Option<u64> {
        self.counted
            .checked_add(self.late)?
            .checked_add(self.ignored_refunds)
    }

    /// Every line fed, missing ones included.
    pub(super) fn fed(&self) -> Option<u64> {
        self.read()?.checked_add(self.missing)
    }

    /// The counts of two ledgers together, unless one (or the lines fed) overflows.
    fn plus(&self, other: &LedgerCounts) -> Option<LedgerCounts> {
        let sum = LedgerCounts {
            counted: self.counted.checked_add(other.counted)?,
            late: self.late.checked_add(other.late)?,
            ignored_refunds: self.ignored_refunds.checked_add(other.ignored_refunds)?,
            netted_refunds: self.netted_refunds.checked_add(other.netted_refunds)?,
            excess_scale: self.excess_scale.checked_add(other.excess_scale)?,
            missing: self.missing.checked_add(other.missing)?,
        };
        sum.fed().map(|_| sum)
    }
}

/// What a finished [`CustomerLedger`] gives: one row of a query engine's summary aggregate.
///
/// # Examples
///
/// ```
/// use customer_value::summary::LedgerOutcome;
/// use customer_value::{Summarizer, TimeUnit};
/// use chrono::NaiveDate;
///
/// let end = NaiveDate::from_ymd_opt(2024, 1, 29).unwrap();
/// let mut ledger = Summarizer::new(end).ledger(2)?;
/// for (day, cents) in [(19_723, 2_000i64), (19_737, 1_000), (19_737, -250), (19_760, 700)] {
///     ledger.add(day, cents)?;
/// }
/// ledger.add_missing(); // a line with a NULL day or amount
/// let finished = ledger.finish("c-9")?;
/// let LedgerOutcome::Summary(s) = &finished.outcome else { panic!("a purchase") };
/// let btyd = s.btyd(TimeUnit::Days);
/// assert_eq!((btyd.frequency, btyd.recency, btyd.age), (1.0, 14.0, 28.0));
/// assert_eq!(s.recency_days(), 14);
/// assert_eq!(s.mean_repeat_spend().unwrap().to_string(), "7.50");
/// let r = &finished.report;
/// assert_eq!((r.netted_refunds, r.late_transactions, finished.missing_lines), (1, 1, 1));
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedLedger<C> {
    /// The customer's summary, or why there is none.
    pub outcome: LedgerOutcome<C>,
    /// This customer's share of the [`SummaryReport`]: added up over every customer's ledger
    /// ([`SummaryReport::merge`]), the report of [`Summarizer::summarize_with_report`] on the
    /// same lines, except the excess-scale positions, which a ledger does not know.
    pub report: SummaryReport,
    /// Lines counted by [`CustomerLedger::add_missing`] (a day or amount missing, SQL's NULL).
    pub missing_lines: u64,
}

/// A customer's summary, or why there is none.
///
/// # Examples
///
/// ```
/// use customer_value::summary::LedgerOutcome;
/// use customer_value::Summarizer;
/// use chrono::NaiveDate;
///
/// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
/// let mut late_only = Summarizer::new(end).ledger(2)?;
/// late_only.add(19_800, 1_000i64)?; // after the observation end
/// assert_eq!(late_only.finish(1u8)?.outcome, LedgerOutcome::NoCountedLine);
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LedgerOutcome<C> {
    /// The customer has a purchase occasion.
    Summary(CustomerSummary<C>),
    /// The customer's counted lines have no purchase occasion (refunds bring every day to zero
    /// or less): no row, as [`Summarizer::summarize_with_dropped`] names it.
    Dropped(DroppedCustomer<C>),
    /// No line was counted: every line was late, an ignored refund or missing. The customer is
    /// not in [`Summarizer::summarize`]'s output at all.
    NoCountedLine,
}

impl Summarizer {
    /// An empty ledger with these settings, for amounts in minor units at `scale` decimals.
    ///
    /// # Errors
    ///
    /// [`SummaryError::InvalidMoneyScale`] when `scale` (or the money scale) exceeds 28.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// assert_eq!(Summarizer::new(end).ledger(2)?.scale(), 2);
    /// assert!(Summarizer::new(end).ledger(29).is_err());
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn ledger(&self, scale: u32) -> Result<CustomerLedger, SummaryError> {
        self.check()?;
        Ok(CustomerLedger {
            settings: *self,
            units: MinorScale::new(scale, self.money_scale)?,
            end_day: day_of(self.observation_end),
            days: Vec::new(),
            normalized: true,
            normalized_len: 0,
            counts: LedgerCounts::default(),
        })
    }
}

impl CustomerLedger {
    /// The scale of the amounts (decimals).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// assert_eq!(Summarizer::new(end).ledger(4)?.scale(), 4);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn scale(&self) -> u32 {
        self.units.scale()
    }

    /// The bytes the ledger holds on the heap (what a query engine reports as its state size).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// assert_eq!(ledger.heap_bytes(), 0);
    /// ledger.add(19_900, 100i64)?;
    /// assert!(ledger.heap_bytes() >= 32);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.days.capacity() * std::mem::size_of::<LedgerDay>()
    }

    /// Adds one line: `amount` minor units on `day` (days since 1970-01-01, Arrow's `Date32`).
    /// Its position, for error messages, is the number of lines fed to this ledger before it
    /// (missing ones included).
    ///
    /// # Errors
    ///
    /// As [`Summarizer::summarize_columns`] for one line: [`SummaryError::DayOutOfRange`],
    /// [`SummaryError::AmountOutOfRange`] / [`SummaryError::MinorUnitsOutOfRange`], and
    /// [`SummaryError::LateTransaction`] / [`SummaryError::Refund`] under the rejecting policies;
    /// [`SummaryError::InvalidLedger`] when the day's net amount would exceed 128 bits (only
    /// hostile [parts](CustomerLedger::from_parts) can bring it there). A refused line changes
    /// nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RefundPolicy, Summarizer}; use chrono::NaiveDate;
    /// use customer_value::summary::SummaryError;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).refund_policy(RefundPolicy::Reject).ledger(2)?;
    /// ledger.add(19_723, 1_250i64)?;
    /// assert!(matches!(ledger.add(19_724, -500i64), Err(SummaryError::Refund { position: 1, .. })));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn add<A: MinorUnits>(&mut self, day: i32, amount: A) -> Result<(), SummaryError> {
        let position = self.counts.fed().map_or(usize::MAX, |n| n as usize);
        let minor = amount.to_i128();
        let mut counts = self.counts;
        let (units, end_day) = (self.units, self.end_day);
        if self
            .settings
            .admit_minor(position, day, minor, &units, end_day, &mut counts)?
        {
            self.net(day, minor)?;
            counts.counted = counts.counted.saturating_add(1);
        }
        self.counts = counts;
        Ok(())
    }

    /// Empties the ledger, keeping its settings, its scale and its memory: ready for another
    /// customer without allocating again.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_723, 500i64)?;
    /// ledger.clear();
    /// assert_eq!(ledger.into_parts()?, Summarizer::new(end).ledger(2)?.into_parts()?);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn clear(&mut self) {
        self.days.clear();
        self.normalized = true;
        self.normalized_len = 0;
        self.counts = LedgerCounts::default();
    }

    /// Counts a line whose day or amount is missing (SQL's NULL): it is in no figure, and
    /// counted in [`FinishedLedger::missing_lines`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_723, 1_250i64)?;
    /// ledger.add_missing();
    /// assert_eq!(ledger.finish("c-1")?.missing_lines, 1);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn add_missing(&mut self) {
        self.counts.missing = self.counts.missing.saturating_add(1);
    }

    /// Nets a counted line into its day.
    fn net(&mut self, day: i32, minor: i128) -> Result<(), SummaryError> {
        // Out-of-order days are netted when the list has doubled: memory stays within twice the
        // distinct days, and each line is sorted O(log n) times on average.
        if !self.normalized && self.days.len() >= 2 * self.normalized_len.max(16) {
            self.normalize()?;
        }
        let has_refund = minor < 0;
        if let Some(last) = self.days.last_mut().filter(|last| last.day == day) {
            last.net = add_nets(last.net, minor, day)?;
            last.has_refund |= has_refund;
            return Ok(());
        }
        if self.days.last().is_some_and(|last| last.day > day) {
            self.normalized = false;
        }
        self.days.push(LedgerDay {
            day,
            net: minor,
            has_refund,
        });
        Ok(())
    }

    /// Sorts the days and nets the repeated ones; on an error the ledger holds the same days
    /// (sorted).
    pub(super) fn normalize(&mut self) -> Result<(), SummaryError> {
        if !self.normalized {
            self.days.sort_unstable_by_key(|d| d.day);
            // Most customers have no day twice: then the sorted list is the netted one, and no
            // second list is allocated.
            if self.days.windows(2).all(|w| w[0].day != w[1].day) {
                self.normalized = true;
                self.normalized_len = self.days.len();
                return Ok(());
            }
            let mut netted: Vec<LedgerDay> = Vec::with_capacity(self.days.len());
            for d in &self.days {
                match netted.last_mut() {
                    Some(last) if last.day == d.day => {
                        last.net = add_nets(last.net, d.net, d.day)?;
                        last.has_refund |= d.has_refund;
                    }
                    _ => netted.push(*d),
                }
            }
            self.days = netted;
            self.normalized = true;
        }
        self.normalized_len = self.days.len();
        Ok(())
    }

    /// Merges the ledger of the same customer built with the same settings, at the same scale, on
    /// another part of the log.
    ///
    /// # Errors
    ///
    /// [`SummaryError::IncompatibleAccumulators`] when the settings or scales differ;
    /// [`SummaryError::InvalidLedger`] when a count would exceed 64 bits (only hostile
    /// [parts](CustomerLedger::from_parts) can bring it there).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let mut a = Summarizer::new(d(31)).ledger(2)?;
    /// a.add(19_723, 100i64)?;
    /// let mut b = Summarizer::new(d(31)).ledger(2)?;
    /// b.add(19_723, 250i64)?; // the same day, from another partition: one occasion
    /// a.merge(b)?;
    /// assert!(a.merge(Summarizer::new(d(30)).ledger(2)?).is_err()); // another observation end
    /// let parts = a.into_parts()?;
    /// assert_eq!((parts.days, parts.net_amounts), (vec![19_723], vec![350]));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn merge(&mut self, mut other: CustomerLedger) -> Result<(), SummaryError> {
        if self.settings != other.settings || self.units != other.units {
            return Err(SummaryError::IncompatibleAccumulators);
        }
        self.counts = self
            .counts
            .plus(&other.counts)
            .ok_or_else(|| invalid("the merged line counts exceed 64 bits".to_string()))?;
        let in_order = match (self.days.last(), other.days.first()) {
            (Some(last), Some(first)) => last.day < first.day,
            _ => true,
        };
        self.normalized &= other.normalized && in_order;
        self.days.append(&mut other.days);
        if self.normalized {
            self.normalized_len = self.days.len();
        }
        Ok(())
    }

    /// The customer's summary, or why there is none, with its share of the report.
    ///
    /// # Errors
    ///
    /// [`SummaryError::InvalidLedger`] when the ledger's sums exceed 128 bits or the range of a
    /// decimal (only hostile [parts](CustomerLedger::from_parts) can bring them there).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// use customer_value::summary::LedgerOutcome;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_723, 900i64)?;
    /// ledger.add(19_723, -900i64)?; // bought and returned the same day
    /// ledger.add(19_800, 500i64)?; // after the observation end
    /// let finished = ledger.finish(7u8)?;
    /// assert!(matches!(finished.outcome, LedgerOutcome::Dropped(_)));
    /// assert_eq!((finished.report.late_transactions, finished.report.customers_without_purchase), (1, 1));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn finish<C>(mut self, customer: C) -> Result<FinishedLedger<C>, SummaryError> {
        self.finish_and_clear(customer)
    }

    /// [`finish`](CustomerLedger::finish) by reference: the customer's summary, or why there is
    /// none, with its share of the report; the ledger is then emptied as by
    /// [`clear`](CustomerLedger::clear) and keeps its memory. A query engine that finishes its
    /// groups one after another through one ledger uses this instead of copying the ledger for
    /// each group (a copy is an allocation per customer).
    ///
    /// # Errors
    ///
    /// As [`finish`](CustomerLedger::finish); the ledger is emptied in either case.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// use customer_value::summary::LedgerOutcome;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_730, 1_500i64)?;
    /// ledger.add(19_723, 900i64)?;
    /// let LedgerOutcome::Summary(first) = ledger.finish_and_clear("a")?.outcome else { panic!() };
    /// assert_eq!((first.purchase_occasions(), first.total_spend().to_string().as_str()), (2, "24.00"));
    /// // Empty again: the next customer's lines start from nothing.
    /// ledger.add(19_740, 250i64)?;
    /// let LedgerOutcome::Summary(second) = ledger.finish_and_clear("b")?.outcome else { panic!() };
    /// assert_eq!((second.purchase_occasions(), second.total_spend().to_string().as_str()), (1, "2.50"));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn finish_and_clear<C>(&mut self, customer: C) -> Result<FinishedLedger<C>, SummaryError> {
        let finished = self.finished(customer);
        self.clear();
        finished
    }

    /// The body of [`finish_and_clear`](CustomerLedger::finish_and_clear), before the ledger
    /// is emptied.
    fn finished<C>(&mut self, customer: C) -> Result<FinishedLedger<C>, SummaryError> {
        self.normalize()?;
        self.check_sums()?;
        let counts = self.counts;
        let mut report = SummaryReport {
            lines_read: counts
                .read()
                .ok_or_else(|| invalid("the line counts exceed 64 bits".to_string()))?,
            late_transactions: counts.late,
            ignored_refunds: counts.ignored_refunds,
            netted_refunds: counts.netted_refunds,
            excess_scale_amounts: counts.excess_scale,
            ..SummaryReport::default()
        };
        let outcome = if self.days.is_empty() {
            LedgerOutcome::NoCountedLine
        } else {
            self.outcome(customer, &mut report)?
        };
        Ok(FinishedLedger {
            outcome,
            report,
            missing_lines: counts.missing,
        })
    }

    /// The summary of a ledger with days (normalized, sums checked), counted in `report`.
    fn outcome<C>(
        &self, customer: C, report: &mut SummaryReport,
    ) -> Result<LedgerOutcome<C>, SummaryError> {
        let settings = &self.settings;
        let days = self.days.iter().map(|d| Day {
            date: d.day,
            net: d.net,
            has_refund: d.has_refund,
        });
        let capacity = if settings.keep_occasions {
            self.days.len()
        } else {
            0
        };
        let to_decimal = |minor| {
            self.units.rounded(minor).ok_or_else(|| {
                invalid(format!(
                    "the sum of {minor} minor units is beyond a decimal"
                ))
            })
        };
        let figures = settings.figures(days, capacity, checked_date, to_decimal)?;
        let built = settings.built(customer, self.counts.counted, figures);
        // Empty: it allocates only for a dropped customer, not once per customer.
        let mut dropped = Vec::new();
        let lines = self.counts.counted as usize;
        Ok(
            match (report.record(built, lines, &mut dropped), dropped.pop()) {
                (Some(summary), _) => LedgerOutcome::Summary(summary),
                (None, Some(customer)) => LedgerOutcome::Dropped(customer),
                // `record` gives a summary or a dropped customer: never both missing.
                (None, None) => LedgerOutcome::NoCountedLine,
            },
        )
    }

    /// Checks that every sum of the days' net amounts fits 128 bits: the sum of their
    /// magnitudes does.
    pub(super) fn check_sums(&self) -> Result<(), SummaryError> {
        let magnitude = self
            .days
            .iter()
            .try_fold(0u128, |sum, d| sum.checked_add(d.net.unsigned_abs()));
        match magnitude {
            Some(sum) if sum <= i128::MAX.unsigned_abs() => Ok(()),
            _ => Err(invalid(
                "the net amounts add up beyond 128 bits".to_string(),
            )),
        }
    }
}

/// The sum of two net amounts of `day`, or the error when it exceeds 128 bits.
fn add_nets(a: i128, b: i128, day: i32) -> Result<i128, SummaryError> {
    a.checked_add(b)
        .ok_or_else(|| invalid(format!("the net amount of day {day} exceeds 128 bits")))
}

/// The error for an invalid ledger.
pub(super) fn invalid(problem: String) -> SummaryError {
    SummaryError::InvalidLedger { problem }
}
