//! The recency–frequency matrix of a log in discrete periods (BTYD's `dc.MakeRFmatrixCal` and
//! `dc.MakeRFmatrixHoldout`): the number of customers in each (x, t_x, n) cell, the sufficient
//! statistics of the BG/BB model (Fader, Hardie & Shang 2010, "Customer-base analysis in a
//! discrete-time noncontractual setting", Marketing Science 29(6), §3: the likelihood depends
//! on a customer's history only through x, t_x and n, so customers sharing a cell share their
//! likelihood term and every prediction).
//!
//! A cell counts the customers whose history in calendar periods
//! ([`CustomerSummary::btyd_calendar`]) has x repeat periods, the last in period t_x after the
//! first, and n periods from the first to the observation end. With yearly periods and a cohort
//! that first bought in 1995 observed to the end of 2001, n = 6 for everyone: the donations
//! matrix of BTYD's `donationsSummary`.

use std::collections::BTreeMap;

use super::{CalendarPeriod, CalibrationHoldout, CustomerSummary, SummaryError};

/// One cell of a recency–frequency matrix.
///
/// # Examples
///
/// ```
/// use customer_value::summary::{rf_matrix, CalendarPeriod, RfCell};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |y| NaiveDate::from_ymd_opt(y, 6, 1).unwrap();
/// let log = [
///     Transaction::new(1, d(1995), Decimal::from(50)),
///     Transaction::new(1, d(1997), Decimal::from(20)),
///     Transaction::new(2, d(1995), Decimal::from(10)),
/// ];
/// let summaries = Summarizer::new(d(2001)).summarize(&log)?;
/// let cells = rf_matrix(&summaries, CalendarPeriod::Year)?;
/// let cell = |frequency, recency| RfCell { frequency, recency, periods: 6, customers: 1, holdout_purchases: None };
/// assert_eq!(cells, [cell(0, 0), cell(1, 2)]);
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfCell {
    /// x: periods with a purchase after the first (BTYD's `x`, or `x.star` in a holdout matrix).
    pub frequency: u64,
    /// t_x: the period of the last purchase, counted from the first (BTYD's `t.x`); in a holdout
    /// matrix, from the calibration end's period, 0 without holdout purchases (`t.x.star`).
    pub recency: u64,
    /// n: the periods from the first purchase to the observation end (`n.cal`); in a holdout
    /// matrix, from the calibration end to the observation end (`n.star`).
    pub periods: u64,
    /// The customers in the cell (`custs`).
    pub customers: u64,
    /// In the calibration matrix of a split, the holdout purchase periods of the cell's
    /// customers, summed (BTYD's `x.star` column); `None` otherwise.
    pub holdout_purchases: Option<u64>,
}

/// The two matrices of a calibration/holdout split: [`rf_matrix_holdout`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfMatrices {
    /// The calibration matrix, each cell with its customers' holdout purchases summed
    /// (`dc.MakeRFmatrixCal` with `holdout.frequencies`).
    pub calibration: Vec<RfCell>,
    /// The holdout matrix (`dc.MakeRFmatrixHoldout`): x*, t_x* and n* of the holdout periods.
    pub holdout: Vec<RfCell>,
}

/// Cells keyed by (n, x, t_x), each with its customers and summed holdout purchases.
type Cells = BTreeMap<(u64, u64, u64), (u64, u64)>;

fn add(cells: &mut Cells, frequency: u64, recency: u64, periods: u64, holdout: u64) {
    let cell = cells.entry((periods, frequency, recency)).or_default();
    cell.0 += 1;
    cell.1 += holdout;
}

fn into_cells(cells: Cells, with_holdout: bool) -> Vec<RfCell> {
    cells
        .into_iter()
        .map(
            |((periods, frequency, recency), (customers, holdout))| RfCell {
                frequency,
                recency,
                periods,
                customers,
                holdout_purchases: with_holdout.then_some(holdout),
            },
        )
        .collect()
}

/// The recency–frequency matrix of `summaries` in calendar `period`s (BTYD's
/// `dc.MakeRFmatrixCal`): one cell per (x, t_x, n) that some customer has, sorted by n, x, then
/// t_x. Customers of several cohorts fall in cells of several n.
///
/// # Errors
///
/// [`SummaryError::EmptyInput`] for no summaries; [`SummaryError::OccasionsNotKept`] naming the
/// first summary built without its occasions.
///
/// # Examples
///
/// ```
/// use customer_value::summary::{rf_matrix, CalendarPeriod};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
/// let log = [
///     Transaction::new(1, d(2020, 1), Decimal::from(5)),
///     Transaction::new(1, d(2020, 9), Decimal::from(5)), // the same year: one period
///     Transaction::new(2, d(2020, 3), Decimal::from(5)),
/// ];
/// let cells = rf_matrix(&Summarizer::new(d(2022, 1)).summarize(&log)?, CalendarPeriod::Year)?;
/// assert_eq!((cells.len(), cells[0].customers, cells[0].periods), (1, 2, 2));
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
pub fn rf_matrix<C>(
    summaries: &[CustomerSummary<C>], period: CalendarPeriod,
) -> Result<Vec<RfCell>, SummaryError> {
    if summaries.is_empty() {
        return Err(SummaryError::EmptyInput);
    }
    let mut cells = Cells::new();
    for (position, summary) in summaries.iter().enumerate() {
        let btyd = summary
            .btyd_calendar(period)
            .ok_or(SummaryError::OccasionsNotKept { position })?;
        // Whole numbers of periods, at least 0 (first ≤ last ≤ observation end).
        let (x, t_x, n) = (btyd.frequency, btyd.recency, btyd.age);
        add(&mut cells, x as u64, t_x as u64, n as u64, 0);
    }
    Ok(into_cells(cells, false))
}

/// The calibration and holdout matrices of a split (BTYD's `dc.MakeRFmatrixCal` with holdout
/// frequencies, and `dc.MakeRFmatrixHoldout`), in calendar `period`s.
///
/// - The calibration matrix counts each customer's (x, t_x, n) as of the calibration end, as
///   [`rf_matrix`] does, and sums the cell's holdout purchase periods
///   ([`CalibrationHoldout::calendar`]) into [`RfCell::holdout_purchases`].
/// - The holdout matrix counts each customer's (x*, t_x*, n*): the periods holding a holdout
///   purchase, the last of them counted from the calibration end's period (0 without one), and
///   the periods from the calibration end to the observation end. As in
///   [`CalibrationHoldout::calendar`], a purchase after the calibration end in the calibration
///   end's own period counts, with t_x* = 0: end the calibration on a period's last day (the
///   31st of December for years) to keep the periods apart.
///
/// # Errors
///
/// [`SummaryError::EmptyInput`] for no splits; [`SummaryError::OccasionsNotKept`] naming the
/// first split built without its occasions.
///
/// # Examples
///
/// ```
/// use customer_value::summary::{rf_matrix_holdout, CalendarPeriod};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |y| NaiveDate::from_ymd_opt(y, 6, 1).unwrap();
/// let end = |y| NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
/// let log = [
///     Transaction::new(1, d(2001), Decimal::from(5)),
///     Transaction::new(1, d(2003), Decimal::from(5)), // holdout, period 1 after 2002
///     Transaction::new(1, d(2004), Decimal::from(5)), // holdout, period 2
/// ];
/// let split = Summarizer::new(end(2005)).calibration_holdout(&log, end(2002))?;
/// let matrices = rf_matrix_holdout(&split, CalendarPeriod::Year)?;
/// assert_eq!(matrices.calibration[0].holdout_purchases, Some(2));
/// let h = matrices.holdout[0];
/// assert_eq!((h.frequency, h.recency, h.periods), (2, 2, 3));
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
pub fn rf_matrix_holdout<C>(
    splits: &[CalibrationHoldout<C>], period: CalendarPeriod,
) -> Result<RfMatrices, SummaryError> {
    if splits.is_empty() {
        return Err(SummaryError::EmptyInput);
    }
    let (mut calibration, mut holdout) = (Cells::new(), Cells::new());
    for (position, split) in splits.iter().enumerate() {
        let not_kept = SummaryError::OccasionsNotKept { position };
        let row = split.calendar(period).ok_or(not_kept.clone())?;
        let c = row.calibration;
        let (x, t_x, n) = (c.frequency as u64, c.recency as u64, c.age as u64);
        add(&mut calibration, x, t_x, n, row.holdout_purchases);
        let start = period.index(split.calibration.observation_end());
        let last = split.holdout_occasions.as_deref().ok_or(not_kept)?.last();
        let recency = last.map_or(0, |&date| period.index(date) - start);
        // Periods after the calibration end's: never negative.
        let periods = row.holdout_periods as u64;
        add(
            &mut holdout,
            row.holdout_purchases,
            recency as u64,
            periods,
            0,
        );
    }
    Ok(RfMatrices {
        calibration: into_cells(calibration, true),
        holdout: into_cells(holdout, false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::Summarizer;

    #[test]
    fn summaries_without_occasions_are_refused() {
        let d = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        let log = [crate::Transaction::new(
            1,
            d(2020),
            rust_decimal::Decimal::ONE,
        )];
        let lean = Summarizer::new(d(2021))
            .keep_occasions(false)
            .summarize(&log)
            .unwrap();
        assert_eq!(
            rf_matrix(&lean, CalendarPeriod::Year),
            Err(SummaryError::OccasionsNotKept { position: 0 })
        );
        let none: [CustomerSummary<u8>; 0] = [];
        assert_eq!(
            rf_matrix(&none, CalendarPeriod::Year),
            Err(SummaryError::EmptyInput)
        );
    }
}
