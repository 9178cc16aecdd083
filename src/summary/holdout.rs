//! The calibration/holdout split of a log (lifetimes' `calibration_and_holdout_data`), in elapsed
//! days or in calendar periods.

use std::hash::Hash;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::occasions::days;
use super::{
    BtydInputs, CalendarPeriod, CustomerSummary, Summarizer, SummaryAccumulator, SummaryError,
};
use crate::settings::Settings;
use crate::transaction::Transaction;

/// One customer's summary as of the calibration end, with what it did in the holdout period.
///
/// Its counts are in elapsed days, one occasion per day: lifetimes' `freq='D'`, and its elapsed
/// weeks are days / 7 ([`CustomerSummary::btyd`] with [`TimeUnit::Weeks`](super::TimeUnit::Weeks),
/// `holdout_days / 7`). For calendar weeks or months, lifetimes' `freq='W'` or `'M'`, see
/// [`CalibrationHoldout::calendar`].
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
    /// The dates of the holdout's purchase occasions in order, or `None` when the
    /// [`Summarizer`] keeps no occasions ([`Summarizer::keep_occasions`]).
    pub holdout_occasions: Option<Vec<NaiveDate>>,
}

/// A [`CalibrationHoldout`] in calendar periods: one row of lifetimes'
/// `calibration_and_holdout_data(freq='W')` (or `'M'`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalendarHoldout {
    /// x, t_x, T and z̄ as of the calibration end, in periods
    /// ([`CustomerSummary::btyd_calendar`]; lifetimes' `frequency_cal`, `recency_cal`, `T_cal`,
    /// `monetary_value_cal`).
    pub calibration: BtydInputs,
    /// The periods holding a holdout purchase occasion (lifetimes' `frequency_holdout`).
    pub holdout_purchases: u64,
    /// Period of the observation end − period of the calibration end (lifetimes'
    /// `duration_holdout`).
    pub holdout_periods: i64,
}

impl<C> CalibrationHoldout<C> {
    /// The split in calendar `period`s, or `None` when the occasions were not kept
    /// ([`Summarizer::keep_occasions`]). As lifetimes counts them, a holdout period is any period
    /// holding a holdout occasion, including the period of the calibration end when the customer
    /// bought in it after that day; the purchases of one period merge into one. Unlike lifetimes,
    /// which counts every transaction row, a period with only refund days is not a purchase.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::CalendarPeriod;
    /// use customer_value::{Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap(); // 2024-01-01 is a Monday
    /// let log = [
    ///     Transaction::new(1, d(1), Decimal::from(10)),
    ///     Transaction::new(1, d(18), Decimal::from(5)), // Thursday after the calibration end
    ///     Transaction::new(1, d(20), Decimal::from(5)), // Saturday of the same week
    ///     Transaction::new(1, d(22), Decimal::from(15)), // Monday of the next week
    /// ];
    /// let split = Summarizer::new(d(28)).calibration_holdout(&log, d(17))?;
    /// assert_eq!(split[0].holdout_purchases, 3); // days
    /// let weeks = split[0].calendar(CalendarPeriod::Week).unwrap();
    /// assert_eq!((weeks.holdout_purchases, weeks.holdout_periods), (2, 1));
    /// assert_eq!((weeks.calibration.frequency, weeks.calibration.age), (0.0, 2.0));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn calendar(&self, period: CalendarPeriod) -> Option<CalendarHoldout> {
        let mut holdout: Vec<i64> = self
            .holdout_occasions
            .as_deref()?
            .iter()
            .map(|&date| period.index(date))
            .collect();
        holdout.dedup(); // sorted dates give sorted periods
        let calibration_end = self.calibration.observation_end();
        let observation_end = calibration_end + chrono::Duration::days(self.holdout_days);
        Some(CalendarHoldout {
            calibration: self.calibration.btyd_calendar(period)?,
            holdout_purchases: holdout.len() as u64,
            holdout_periods: period.index(observation_end) - period.index(calibration_end),
        })
    }
}

impl Summarizer {
    /// Splits the log at `calibration_end` (lifetimes' `calibration_and_holdout_data`): per customer
    /// whose first purchase occasion is on or before `calibration_end`, its summary as of
    /// `calibration_end` and its purchase occasions and net spend in the holdout
    /// (`calibration_end`, observation end]. The counts are in days; in calendar weeks or months
    /// with [`CalibrationHoldout::calendar`].
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
        &self, transactions: &[Transaction<C>], calibration_end: NaiveDate,
    ) -> Result<Vec<CalibrationHoldout<C>>, SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
    {
        self.check()?;
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
                let summary = built.summary.ok()?;
                let occasions = days(holdout, |l| l.date, |l| l.amount)
                    .filter(|d| d.is_occasion())
                    .map(|d| d.date);
                // The dates are collected only for summaries that keep their occasions.
                let (holdout_purchases, holdout_occasions) = if self.keep_occasions {
                    let dates: Vec<NaiveDate> = occasions.collect();
                    (dates.len() as u64, Some(dates))
                } else {
                    (occasions.count() as u64, None)
                };
                Some(CalibrationHoldout {
                    calibration: summary,
                    holdout_purchases,
                    holdout_spend: holdout.iter().map(|l| l.amount).sum(),
                    holdout_days: (self.observation_end - calibration_end).num_days(),
                    holdout_occasions,
                })
            })
            .collect();
        if out.is_empty() {
            return Err(self.no_purchase_occasions_by(transactions, calibration_end));
        }
        Ok(out)
    }

    /// The accumulator of the whole log, fed in parallel chunks and merged.
    fn accumulate<C>(
        &self, transactions: &[Transaction<C>],
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
}
