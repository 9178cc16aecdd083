//! Ledgers written to and read from columns that many ledgers share, as a query engine holds
//! partial states (one list column per part, a row per customer): [`CustomerLedger::append_parts`]
//! and [`CustomerLedger::merge_parts`] do what [`CustomerLedger::into_parts`] and
//! `merge(from_parts(…))` do, with the same checks, without a vector per ledger. Measured on a
//! million customers' states, the vectors of [`LedgerParts`](super::LedgerParts) made most of a
//! query engine's merge time (allocation and freeing).

use super::ledger::{invalid, CustomerLedger, LedgerCounts, LedgerDay};
use super::SummaryError;

/// The counters of a ledger's lines: the counts of [`LedgerParts`](super::LedgerParts), without
/// its days.
///
/// # Examples
///
/// ```
/// # use customer_value::Summarizer; use chrono::NaiveDate;
/// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
/// let mut ledger = Summarizer::new(end).ledger(2)?;
/// ledger.add(19_723, 500i64)?;
/// ledger.add_missing();
/// let counters = ledger.counters();
/// assert_eq!((counters.counted_lines, counters.missing_lines), (1, 1));
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LedgerCounters {
    /// Lines netted into the days.
    pub counted_lines: u64,
    /// Lines dated after the observation end, left out.
    pub late_lines: u64,
    /// Refund lines left out under [`RefundPolicy::Ignore`](super::RefundPolicy::Ignore).
    pub ignored_refunds: u64,
    /// Refund lines netted under [`RefundPolicy::Net`](super::RefundPolicy::Net).
    pub netted_refunds: u64,
    /// Lines with more decimals than the money scale.
    pub excess_scale_lines: u64,
    /// Lines with a missing day or amount.
    pub missing_lines: u64,
}

impl From<LedgerCounts> for LedgerCounters {
    fn from(c: LedgerCounts) -> Self {
        Self {
            counted_lines: c.counted,
            late_lines: c.late,
            ignored_refunds: c.ignored_refunds,
            netted_refunds: c.netted_refunds,
            excess_scale_lines: c.excess_scale,
            missing_lines: c.missing,
        }
    }
}

impl From<LedgerCounters> for LedgerCounts {
    fn from(c: LedgerCounters) -> Self {
        Self {
            counted: c.counted_lines,
            late: c.late_lines,
            ignored_refunds: c.ignored_refunds,
            netted_refunds: c.netted_refunds,
            excess_scale: c.excess_scale_lines,
            missing: c.missing_lines,
        }
    }
}

impl CustomerLedger {
    /// The ledger's counters.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_800, 100i64)?; // after the end
    /// assert_eq!(ledger.counters().late_lines, 1);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn counters(&self) -> LedgerCounters {
        self.counts.into()
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

    /// Appends the ledger's days, sorted and each once, to three columns (days, net amounts,
    /// refund flags) and returns its counters: [`CustomerLedger::into_parts`] written to columns
    /// shared by many ledgers. The ledger keeps its lines.
    ///
    /// # Errors
    ///
    /// As [`CustomerLedger::into_parts`]; the columns are unchanged then.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let (mut days, mut nets, mut refunds) = (Vec::new(), Vec::new(), Vec::new());
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_730, 1_000i64)?;
    /// ledger.add(19_723, 2_500i64)?;
    /// ledger.add(19_730, -400i64)?;
    /// let counters = ledger.append_parts(&mut days, &mut nets, &mut refunds)?;
    /// let parts = ledger.into_parts()?;
    /// assert_eq!((days, nets, refunds), (parts.days, parts.net_amounts, parts.has_refund));
    /// assert_eq!((counters.counted_lines, counters.netted_refunds), (3, 1));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn append_parts(
        &mut self, days: &mut Vec<i32>, net_amounts: &mut Vec<i128>, has_refund: &mut Vec<bool>,
    ) -> Result<LedgerCounters, SummaryError> {
        self.normalize()?;
        days.extend(self.days.iter().map(|d| d.day));
        net_amounts.extend(self.days.iter().map(|d| d.net));
        has_refund.extend(self.days.iter().map(|d| d.has_refund));
        Ok(self.counters())
    }

    /// Merges the ledger of the same customer given as parts (borrowed columns and counters):
    /// what `merge(CustomerLedger::from_parts(…))` does, with the same checks, without building
    /// the other ledger. Out-of-order days are netted when the list has doubled, as lines are.
    ///
    /// # Errors
    ///
    /// Those of [`CustomerLedger::from_parts`] for parts at this ledger's scale, and of
    /// [`CustomerLedger::merge`]; a refused merge changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::LedgerCounters;
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_730, 100i64)?;
    /// let counters = LedgerCounters { counted_lines: 3, ..LedgerCounters::default() };
    /// ledger.merge_parts(&[19_723, 19_730], &[2_000, 50], &[false, false], counters)?;
    /// let parts = ledger.into_parts()?;
    /// assert_eq!((parts.days, parts.net_amounts), (vec![19_723, 19_730], vec![2_000, 150]));
    /// assert_eq!(parts.counted_lines, 4);
    /// // Parts no ledger gives: two lines cannot make three days.
    /// let mut other = Summarizer::new(end).ledger(2)?;
    /// let two = LedgerCounters { counted_lines: 2, ..LedgerCounters::default() };
    /// assert!(other.merge_parts(&[1, 2, 3], &[1, 1, 1], &[false; 3], two).is_err());
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn merge_parts(
        &mut self, days: &[i32], net_amounts: &[i128], has_refund: &[bool],
        counters: LedgerCounters,
    ) -> Result<(), SummaryError> {
        for (name, length) in [
            ("net_amounts", net_amounts.len()),
            ("has_refund", has_refund.len()),
        ] {
            if length != days.len() {
                return Err(invalid(format!(
                    "{name} has {length} values, and days {}",
                    days.len()
                )));
            }
        }
        let counts = LedgerCounts::from(counters);
        let start = self.days.len();
        let parts = days.iter().zip(net_amounts).zip(has_refund);
        self.days
            .extend(parts.map(|((&day, &net), &has_refund)| LedgerDay {
                day,
                net,
                has_refund,
            }));
        let merged = self
            .check_parts(&self.days[start..], &counts)
            .and_then(|()| {
                self.counts
                    .plus(&counts)
                    .ok_or_else(|| invalid("the merged line counts exceed 64 bits".to_string()))
            });
        match merged {
            Ok(sum) => self.counts = sum,
            Err(error) => {
                self.days.truncate(start);
                return Err(error);
            }
        }
        self.appended(start, true);
        if !self.normalized && self.days.len() >= 2 * self.normalized_len.max(16) {
            // A day netting beyond 128 bits (only forged parts reach it) is refused by
            // `into_parts` and `finish`, which net the days again; the merge itself stands.
            let _ = self.normalize();
        }
        Ok(())
    }
}
