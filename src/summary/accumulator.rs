//! The mergeable accumulator: per-customer line lists in a hash map.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::occasions::{Built, DayLine};
use super::policies::earliest;
use super::{CustomerSummary, Summarizer, SummaryError, SummaryReport};
use crate::settings::Settings;
use crate::transaction::Transaction;

/// A fast, deterministic hasher for customer ids (FxHash's multiply-rotate). Ids are the caller's
/// own keys, so the denial-of-service resistance of SipHash buys nothing here.
#[derive(Default, Clone, Copy)]
pub(super) struct IdHasher(u64);

const ID_HASH_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl IdHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(ID_HASH_SEED);
    }
}

impl Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A mergeable summary accumulator: feed transactions in any order and in chunks, merge
/// accumulators built on disjoint parts of the log (threads, or machines), then
/// [`finish`](SummaryAccumulator::finish) to get exactly the summaries of one pass. The log need
/// not be partitioned by customer.
///
/// # Examples
///
/// ```
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log = [
///     Transaction::new(1, d(1), Decimal::from(10)),
///     Transaction::new(2, d(2), Decimal::from(20)),
///     Transaction::new(1, d(3), Decimal::from(30)),
/// ];
/// let summarizer = Summarizer::new(d(31));
/// let mut left = summarizer.accumulator();
/// left.extend(&log[..2])?;
/// let mut right = summarizer.accumulator();
/// right.extend(&log[2..])?;
/// left.merge(right)?;
/// let (merged, _) = left.finish()?;
/// assert_eq!(merged, summarizer.summarize(&log)?);
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SummaryAccumulator<C> {
    settings: Summarizer,
    pub(super) lines: IdMap<C, Vec<DayLine>>,
    report: SummaryReport,
    pub(super) earliest: Option<NaiveDate>,
}

impl<C> SummaryAccumulator<C> {
    pub(super) fn new(settings: Summarizer) -> Self {
        Self {
            settings,
            lines: HashMap::default(),
            report: SummaryReport::default(),
            earliest: None,
        }
    }
}

impl<C: Clone + Eq + Hash + Ord> SummaryAccumulator<C> {
    /// Feeds one transaction. Its position, for error messages, is the number of lines this
    /// accumulator has been fed before it.
    ///
    /// # Errors
    ///
    /// [`SummaryError::LateTransaction`] / [`SummaryError::Refund`] under the rejecting policies.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RefundPolicy, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let mut acc = Summarizer::new(d(10)).refund_policy(RefundPolicy::Reject).accumulator();
    /// acc.push(&Transaction::new(1, d(1), Decimal::ONE))?;
    /// assert!(acc.push(&Transaction::new(1, d(2), Decimal::NEGATIVE_ONE)).is_err());
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn push(&mut self, transaction: &Transaction<C>) -> Result<(), SummaryError> {
        let position = self.report.lines_read as usize;
        self.push_at(position, transaction)
    }

    /// Feeds a chunk of transactions.
    ///
    /// # Errors
    ///
    /// As [`SummaryAccumulator::push`]; lines before the failing one stay fed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let mut acc = Summarizer::new(d(10)).accumulator();
    /// acc.extend(&[Transaction::new(1, d(1), Decimal::ONE), Transaction::new(1, d(2), Decimal::ONE)])?;
    /// assert_eq!(acc.finish()?.0[0].purchase_occasions(), 2);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn extend(&mut self, transactions: &[Transaction<C>]) -> Result<(), SummaryError> {
        let base = self.report.lines_read as usize;
        self.extend_at(base, transactions)
    }

    pub(super) fn extend_at(
        &mut self, base: usize, transactions: &[Transaction<C>],
    ) -> Result<(), SummaryError> {
        for (offset, t) in transactions.iter().enumerate() {
            self.push_at(base + offset, t)?;
        }
        Ok(())
    }

    fn push_at(&mut self, position: usize, t: &Transaction<C>) -> Result<(), SummaryError> {
        self.report.lines_read += 1;
        self.earliest = earliest(self.earliest, Some(t.date));
        if !self.settings.admit(position, t, &mut self.report)? {
            return Ok(());
        }
        let line = DayLine {
            date: t.date,
            amount: t.amount,
        };
        match self.lines.get_mut(&t.customer) {
            Some(lines) => lines.push(line),
            None => {
                self.lines.insert(t.customer.clone(), vec![line]);
            }
        }
        Ok(())
    }

    /// Merges an accumulator built with the same settings on another part of the log.
    ///
    /// # Errors
    ///
    /// [`SummaryError::IncompatibleAccumulators`] when the settings differ.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let mut a = Summarizer::new(d(10)).accumulator();
    /// a.push(&Transaction::new(1, d(1), Decimal::ONE))?;
    /// let mut b = Summarizer::new(d(10)).accumulator();
    /// b.push(&Transaction::new(1, d(1), Decimal::ONE))?; // same customer, same day, other machine
    /// a.merge(b)?;
    /// let (s, _) = a.finish()?;
    /// assert_eq!((s[0].purchase_occasions(), s[0].total_spend()), (1, Decimal::TWO));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn merge(&mut self, other: SummaryAccumulator<C>) -> Result<(), SummaryError> {
        if self.settings != other.settings {
            return Err(SummaryError::IncompatibleAccumulators);
        }
        let (mut big, small) = if self.lines.len() >= other.lines.len() {
            (std::mem::take(&mut self.lines), other.lines)
        } else {
            (other.lines, std::mem::take(&mut self.lines))
        };
        for (customer, lines) in small {
            big.entry(customer).or_default().extend(lines);
        }
        self.lines = big;
        self.report.add_reading(&other.report);
        self.earliest = earliest(self.earliest, other.earliest);
        Ok(())
    }
}

impl<C: Clone + Eq + Hash + Ord + Send + Sync> SummaryAccumulator<C> {
    /// The summaries (sorted by customer id) and the report of what was left out.
    ///
    /// # Errors
    ///
    /// Those of [`Summarizer`]'s [`Settings::check`]; [`SummaryError::EmptyInput`],
    /// [`SummaryError::ObservationEndBeforeData`] or [`SummaryError::NoPurchaseOccasions`], as
    /// [`Summarizer::summarize`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let empty = Summarizer::new(d(10)).accumulator::<u32>();
    /// assert!(empty.finish().is_err()); // nothing fed
    /// ```
    pub fn finish(self) -> Result<(Vec<CustomerSummary<C>>, SummaryReport), SummaryError> {
        self.finish_with_dropped()
            .map(|(rows, report, _)| (rows, report))
    }

    /// Like [`SummaryAccumulator::finish`], and also the customers left out, named with why
    /// (sorted by id), as [`Summarizer::summarize_with_dropped`].
    ///
    /// # Errors
    ///
    /// As [`SummaryAccumulator::finish`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let mut acc = Summarizer::new(d(10)).accumulator();
    /// acc.extend(&[Transaction::new(1, d(1), Decimal::ONE), Transaction::new(2, d(2), -Decimal::ONE)])?;
    /// let (_, _, dropped) = acc.finish_with_dropped()?;
    /// assert_eq!(dropped[0].customer, 2);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn finish_with_dropped(self) -> Result<super::Summarized<C>, SummaryError> {
        self.settings.check()?;
        self.settings
            .check_counted(!self.lines.is_empty(), self.earliest)?;
        let settings = self.settings;
        let mut report = self.report;
        let mut rows: Vec<(C, Vec<DayLine>)> = self.lines.into_iter().collect();
        rows.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let built: Vec<(Built<C>, usize)> = rows
            .into_par_iter()
            .map(|(customer, mut lines)| {
                lines.sort_unstable_by_key(|l| l.date);
                (settings.build(customer, &lines), lines.len())
            })
            .collect();
        let mut summaries = Vec::with_capacity(built.len());
        let mut dropped = Vec::new();
        for (b, count) in built {
            summaries.extend(report.record(b, count, &mut dropped));
        }
        if summaries.is_empty() {
            return Err(report.no_purchase_occasions(settings.observation_end));
        }
        Ok((summaries, report, dropped))
    }
}
