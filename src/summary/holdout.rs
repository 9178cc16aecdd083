//! The calibration/holdout split of a log (lifetimes' `calibration_and_holdout_data`).

use std::hash::Hash;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::occasions::days;
use super::{CustomerSummary, Summarizer, SummaryAccumulator, SummaryError};
use crate::settings::Settings;
use crate::transaction::Transaction;

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

impl Summarizer {
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
                Some(CalibrationHoldout {
                    calibration: summary,
                    holdout_purchases: days(holdout, |d| d).filter(|d| d.is_occasion()).count()
                        as u64,
                    holdout_spend: holdout.iter().map(|l| l.amount).sum(),
                    holdout_days: (self.observation_end - calibration_end).num_days(),
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
