//! [`LedgerParts`]: a [`CustomerLedger`] as plain columns and counters, to ship between processes
//! (a query engine's partial aggregation state), and the checks that rebuild a ledger from them.

use super::ledger::{invalid, CustomerLedger, LedgerCounts, LedgerDay};
use super::minor_units::{day_of, is_calendar_day, MinorScale};
use super::{LateTransactions, RefundPolicy, Summarizer, SummaryError};
use crate::settings::Settings;

/// A [`CustomerLedger`] taken apart: its days and their net amounts as parallel vectors (for a
/// query engine, list columns of `Date32`, `Decimal128` and `Boolean`), and its counters.
///
/// # Examples
///
/// ```
/// use customer_value::summary::{CustomerLedger, LedgerParts};
/// use customer_value::Summarizer;
/// use chrono::NaiveDate;
///
/// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
/// let summarizer = Summarizer::new(end);
/// let mut ledger = summarizer.ledger(2)?;
/// ledger.add(19_730, 1_000i64)?;
/// ledger.add(19_723, 2_500i64)?;
/// ledger.add(19_730, -400i64)?;
/// let parts = ledger.into_parts()?;
/// assert_eq!(parts.days, [19_723, 19_730]);
/// assert_eq!(parts.net_amounts, [2_500, 600]);
/// assert_eq!(parts.has_refund, [false, true]);
/// assert_eq!((parts.counted_lines, parts.netted_refunds), (3, 1));
/// // The other side rebuilds it, checked against its own settings.
/// let rebuilt = CustomerLedger::from_parts(&summarizer, parts.clone())?;
/// assert_eq!(rebuilt.into_parts()?, parts);
/// let mut forged = parts;
/// forged.net_amounts[0] = -1; // a negative day without a refund line
/// assert!(CustomerLedger::from_parts(&summarizer, forged).is_err());
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LedgerParts {
    /// The scale of the amounts (decimals).
    pub scale: u32,
    /// The days with counted lines (days since 1970-01-01), strictly increasing.
    pub days: Vec<i32>,
    /// Each day's net amount in minor units.
    pub net_amounts: Vec<i128>,
    /// Whether a refund line was netted into each day.
    pub has_refund: Vec<bool>,
    /// Lines netted into the days.
    pub counted_lines: u64,
    /// Lines dated after the observation end, left out.
    pub late_lines: u64,
    /// Refund lines left out under [`RefundPolicy::Ignore`].
    pub ignored_refunds: u64,
    /// Refund lines netted under [`RefundPolicy::Net`] (among the counted lines).
    pub netted_refunds: u64,
    /// Lines with more decimals than the money scale (among the counted, late and ignored).
    pub excess_scale_lines: u64,
    /// Lines with a missing day or amount.
    pub missing_lines: u64,
}

impl CustomerLedger {
    /// The ledger as plain parts: its days sorted, each once.
    ///
    /// # Errors
    ///
    /// [`SummaryError::InvalidLedger`] when netting a day's amounts exceeds 128 bits (only hostile
    /// [parts](CustomerLedger::from_parts) can bring them there).
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::Summarizer; use chrono::NaiveDate;
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let mut ledger = Summarizer::new(end).ledger(2)?;
    /// ledger.add(19_724, 300i64)?;
    /// ledger.add(19_800, 100i64)?; // late
    /// ledger.add_missing();
    /// let parts = ledger.into_parts()?;
    /// assert_eq!((parts.counted_lines, parts.late_lines, parts.missing_lines), (1, 1, 1));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn into_parts(mut self) -> Result<LedgerParts, SummaryError> {
        self.normalize()?;
        let c = self.counts;
        Ok(LedgerParts {
            scale: self.units.scale(),
            days: self.days.iter().map(|d| d.day).collect(),
            net_amounts: self.days.iter().map(|d| d.net).collect(),
            has_refund: self.days.iter().map(|d| d.has_refund).collect(),
            counted_lines: c.counted,
            late_lines: c.late,
            ignored_refunds: c.ignored_refunds,
            netted_refunds: c.netted_refunds,
            excess_scale_lines: c.excess_scale,
            missing_lines: c.missing,
        })
    }

    /// Rebuilds a ledger from its parts, checked against `summarizer`'s settings: they must be
    /// what some lines fed to a ledger with these settings give.
    ///
    /// # Errors
    ///
    /// [`SummaryError::InvalidMoneyScale`] for a scale (or money scale) above 28;
    /// [`SummaryError::InvalidLedger`], naming the part, when the vectors' lengths differ, the
    /// days are not strictly increasing, within the calendar and up to the observation end, a
    /// day nets below zero without a refund line, the amounts exceed what the counted lines can
    /// sum to (±10^18 money units each), or the counters contradict the days or the policies
    /// (a refund day under a policy that does not net refunds, late lines under
    /// [`LateTransactions::Reject`], fewer counted lines than days...).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::{CustomerLedger, LedgerParts, SummaryError};
    /// use customer_value::Summarizer;
    /// use chrono::NaiveDate;
    ///
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// let parts = LedgerParts { scale: 2, days: vec![19_723, 19_723], net_amounts: vec![100, 200],
    ///     has_refund: vec![false, false], counted_lines: 2, ..LedgerParts::default() };
    /// let error = CustomerLedger::from_parts(&Summarizer::new(end), parts).unwrap_err();
    /// assert!(error.to_string().contains("strictly increasing"));
    /// ```
    pub fn from_parts(
        summarizer: &Summarizer, parts: LedgerParts,
    ) -> Result<CustomerLedger, SummaryError> {
        summarizer.check()?;
        let units = MinorScale::new(parts.scale, summarizer.money_scale)?;
        let ledger = CustomerLedger {
            settings: *summarizer,
            units,
            end_day: day_of(summarizer.observation_end),
            days: days_of(&parts)?,
            normalized: true,
            normalized_len: parts.days.len(),
            counts: LedgerCounts {
                counted: parts.counted_lines,
                late: parts.late_lines,
                ignored_refunds: parts.ignored_refunds,
                netted_refunds: parts.netted_refunds,
                excess_scale: parts.excess_scale_lines,
                missing: parts.missing_lines,
            },
        };
        ledger.check_days()?;
        ledger.check_counts()?;
        Ok(ledger)
    }

    /// Checks each day against the calendar, the observation end, the refund policy and the
    /// amount bound.
    fn check_days(&self) -> Result<(), SummaryError> {
        let nets_bound = self
            .units
            .bound()
            .unsigned_abs()
            .saturating_mul(u128::from(self.counts.counted));
        let mut previous: Option<i32> = None;
        for (i, d) in self.days.iter().enumerate() {
            let problem = if !is_calendar_day(d.day) {
                Some(format!("days[{i}] = {} is outside the calendar", d.day))
            } else if previous.is_some_and(|p| p >= d.day) {
                Some(format!(
                    "days must be strictly increasing: days[{i}] = {} follows {}",
                    d.day,
                    previous.unwrap_or_default()
                ))
            } else if d.day > self.end_day {
                Some(format!("days[{i}] = {} is after the observation end (day {}): late lines are never netted", d.day, self.end_day))
            } else if d.net < 0 && !d.has_refund {
                Some(format!(
                    "net_amounts[{i}] = {} is negative on a day without a refund line",
                    d.net
                ))
            } else if d.has_refund && self.settings.refunds != RefundPolicy::Net {
                Some(format!(
                    "has_refund[{i}] is set, and the refund policy {:?} nets no refund",
                    self.settings.refunds
                ))
            } else if d.net.unsigned_abs() > nets_bound {
                Some(format!("net_amounts[{i}] = {} is beyond what {} lines of at most {} minor units sum to", d.net, self.counts.counted, self.units.bound()))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(invalid(problem));
            }
            previous = Some(d.day);
        }
        self.check_sums()
    }

    /// Checks the counters against the days and the policies.
    fn check_counts(&self) -> Result<(), SummaryError> {
        let c = &self.counts;
        let days = self.days.len() as u64;
        let refund_days = self.days.iter().filter(|d| d.has_refund).count() as u64;
        let s = &self.settings;
        let problem = if c.fed().is_none() {
            Some("the line counts add up beyond 64 bits".to_string())
        } else if c.counted < days || (c.counted > 0 && days == 0) {
            Some(format!("counted_lines = {} does not fit {days} days (at least one line a day, no line without a day)", c.counted))
        } else if c.netted_refunds < refund_days || c.netted_refunds > c.counted {
            Some(format!("netted_refunds = {} is not between the {refund_days} refund days and the {} counted lines", c.netted_refunds, c.counted))
        } else if c.netted_refunds > 0 && s.refunds != RefundPolicy::Net {
            Some(format!(
                "netted_refunds = {}, and the refund policy {:?} nets no refund",
                c.netted_refunds, s.refunds
            ))
        } else if c.ignored_refunds > 0 && s.refunds != RefundPolicy::Ignore {
            Some(format!(
                "ignored_refunds = {}, and the refund policy is {:?}",
                c.ignored_refunds, s.refunds
            ))
        } else if c.late > 0 && s.late != LateTransactions::Exclude {
            Some(format!(
                "late_lines = {}, and the late-line policy is {:?}",
                c.late, s.late
            ))
        } else if c.excess_scale > c.read().unwrap_or(u64::MAX) {
            Some(format!(
                "excess_scale_lines = {} exceeds the lines read",
                c.excess_scale
            ))
        } else if c.excess_scale > 0 && self.units.scale() <= s.money_scale {
            Some(format!("excess_scale_lines = {}, and the scale {} has no decimal beyond the money scale {}", c.excess_scale, self.units.scale(), s.money_scale))
        } else {
            None
        };
        problem.map_or(Ok(()), |problem| Err(invalid(problem)))
    }
}

/// The days of parts whose three vectors have one length.
fn days_of(parts: &LedgerParts) -> Result<Vec<LedgerDay>, SummaryError> {
    let n = parts.days.len();
    for (name, length) in [
        ("net_amounts", parts.net_amounts.len()),
        ("has_refund", parts.has_refund.len()),
    ] {
        if length != n {
            return Err(invalid(format!("{name} has {length} values, and days {n}")));
        }
    }
    Ok(parts
        .days
        .iter()
        .zip(&parts.net_amounts)
        .zip(&parts.has_refund)
        .map(|((&day, &net), &has_refund)| LedgerDay {
            day,
            net,
            has_refund,
        })
        .collect())
}
