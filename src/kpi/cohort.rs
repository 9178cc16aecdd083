//! Cohort retention matrices by first-purchase month or ISO week.

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::{occasions_through, Days, KpiError};
use crate::summary::CustomerSummary;

/// The calendar period that groups customers into cohorts and measures time since acquisition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CohortPeriod {
    /// Calendar months.
    Month,
    /// ISO 8601 weeks, Monday to Sunday.
    IsoWeek,
}

impl CohortPeriod {
    /// A running number of the period holding `date`: months since year 0, or weeks since the
    /// Monday 0001-01-01.
    fn index(self, date: NaiveDate) -> i64 {
        match self {
            CohortPeriod::Month => i64::from(date.year()) * 12 + i64::from(date.month0()),
            // 0001-01-01 (day 1 of the common era) is a Monday.
            CohortPeriod::IsoWeek => (i64::from(date.num_days_from_ce()) - 1).div_euclid(7),
        }
    }

    /// The first day of period `index`.
    fn start(self, index: i64) -> Option<NaiveDate> {
        match self {
            CohortPeriod::Month => NaiveDate::from_ymd_opt(
                i32::try_from(index.div_euclid(12)).ok()?,
                index.rem_euclid(12) as u32 + 1,
                1,
            ),
            CohortPeriod::IsoWeek => {
                NaiveDate::from_num_days_from_ce_opt(i32::try_from(index * 7 + 1).ok()?)
            }
        }
    }

    /// The last day of period `index`.
    fn end(self, index: i64) -> Option<NaiveDate> {
        self.start(index + 1)?.pred_opt()
    }
}

/// One cell of a cohort row: period k after acquisition (k = 0 is the acquisition period).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CohortCell {
    /// k: periods since the cohort's acquisition period.
    pub period: usize,
    /// Members with a purchase occasion in period k.
    pub active: u64,
    /// Members with a purchase occasion in period k or a later complete period.
    pub active_then_or_later: u64,
    /// Classic retention: `active` / cohort size.
    pub retention: f64,
    /// Unbounded retention: `active_then_or_later` / cohort size.
    pub unbounded_retention: f64,
    /// Net revenue of the cohort in period k: its occasions' net amounts plus its refund days
    /// dated in period k (a refund counts on its own date; one dated before a customer's first
    /// occasion counts in period 0). Summed over a cohort's cells, it is its members' net spend up
    /// to the end of the last complete period, exactly.
    pub revenue: Decimal,
    /// `revenue` / cohort size.
    pub revenue_per_member: Decimal,
    /// Revenue of periods 0..=k / cohort size.
    pub cumulative_revenue_per_member: Decimal,
}

/// One cohort: customers whose first purchase falls in one period.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CohortRow {
    /// First day of the acquisition period (a month's 1st, or a Monday).
    pub start: NaiveDate,
    /// Members.
    pub size: u64,
    /// Cells k = 0, 1, … for every period that has ended by the as-of date (empty while the
    /// acquisition period itself is running).
    pub cells: Vec<CohortCell>,
}

/// A cohort retention matrix as of a date.
///
/// Rows are the cohorts with at least one member (first purchase on or before the as-of date), in
/// time order. Column k holds the share of the cohort with a purchase occasion in period k after
/// acquisition (classic), or in k or later (unbounded), and net revenue per member. A cell is
/// present only when its period has ended by the as-of date (a period ends on its last day: as of
/// June 30, June's cells are present); later cells are absent, not zero. Only occasions up to the
/// end of the last complete period are read, so the matrix as of June 15 equals the one as of
/// May 31 except for the June cohort's size.
///
/// Revenue per member is an exact decimal quotient (28 significant digits).
///
/// # Examples
///
/// ```
/// use customer_value::kpi::{CohortMatrix, CohortPeriod};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = vec![
///     Transaction::new(1, d(1, 3), Decimal::from(10)),
///     Transaction::new(1, d(3, 3), Decimal::from(10)),
///     Transaction::new(2, d(1, 9), Decimal::from(30)),
///     Transaction::new(2, d(2, 9), Decimal::from(20)),
///     Transaction::new(3, d(2, 1), Decimal::from(40)),
///     Transaction::new(3, d(3, 20), Decimal::from(40)), // March has not ended by March 20
/// ];
/// let summaries = Summarizer::new(d(3, 20)).summarize(&log)?;
/// let m = CohortMatrix::build(&summaries, CohortPeriod::Month, d(3, 20))?;
/// assert_eq!(m.rows().len(), 2);
/// let jan = &m.rows()[0];
/// assert_eq!((jan.size, jan.cells.len()), (2, 2)); // January and February have ended
/// assert_eq!(jan.cells[1].retention, 0.5);           // customer 2 in February
/// assert_eq!(jan.cells[1].unbounded_retention, 0.5); // March is not counted yet
/// assert_eq!(jan.cells[0].revenue_per_member, Decimal::from(20));
/// assert_eq!(jan.cells[1].cumulative_revenue_per_member, Decimal::from(30));
/// assert_eq!(m.rows()[1].cells.len(), 1);
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CohortMatrix {
    period: CohortPeriod,
    as_of: NaiveDate,
    rows: Vec<CohortRow>,
}

/// Per-thread sums over a block of customers: dense `rows × columns` arrays.
struct Tally {
    sizes: Vec<u64>,
    active: Vec<u64>,
    /// Customers whose last occasion read is in column k (suffix sums give unbounded retention).
    last_active: Vec<u64>,
    revenue: Vec<Decimal>,
}

impl Tally {
    fn new(rows: usize, columns: usize) -> Self {
        Self {
            sizes: vec![0; rows],
            active: vec![0; rows * columns],
            last_active: vec![0; rows * columns],
            revenue: vec![Decimal::ZERO; rows * columns],
        }
    }

    fn add(mut self, other: Tally) -> Tally {
        let pairs = |a: &mut Vec<u64>, b: Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        pairs(&mut self.sizes, other.sizes);
        pairs(&mut self.active, other.active);
        pairs(&mut self.last_active, other.last_active);
        self.revenue
            .iter_mut()
            .zip(other.revenue)
            .for_each(|(x, y)| *x += y);
        self
    }
}

/// What every customer's walk needs to know.
struct Layout {
    period: CohortPeriod,
    as_of: NaiveDate,
    first_index: i64,
    /// Occasions after this day (the end of the last complete period) are not read.
    cutoff: NaiveDate,
    columns: usize,
}

impl Layout {
    fn tally(&self, tally: &mut Tally, Days { occasions, refunds }: Days<'_>) {
        let Some(first) = occasions.first() else {
            return;
        };
        if first.date > self.as_of {
            return; // not a customer yet
        }
        let cohort = self.period.index(first.date);
        let row = (cohort - self.first_index) as usize; // cohort ≥ first_index: first_index is the minimum
        tally.sizes[row] += 1;
        let base = row * self.columns;
        let mut column = usize::MAX;
        let mut column_end = NaiveDate::MIN; // forces the first lookup
        for o in occasions {
            if o.date > self.cutoff {
                break;
            }
            if o.date > column_end {
                // Occasions are sorted: look up the period only when leaving the current one.
                let index = self.period.index(o.date);
                column = (index - cohort) as usize;
                column_end = self.period.end(index).unwrap_or(NaiveDate::MAX);
                tally.active[base + column] += 1;
            }
            tally.revenue[base + column] += o.amount;
        }
        if column != usize::MAX {
            tally.last_active[base + column] += 1;
        }
        // A refund day counts in the cell of its own date; one before the first occasion (goods
        // bought before the log starts) in the cohort's first cell.
        for r in refunds {
            if r.date > self.cutoff {
                break;
            }
            let column = (self.period.index(r.date) - cohort).max(0) as usize;
            tally.revenue[base + column] += r.amount;
        }
    }

    /// Cohort `row` of the tally, with its cells up to the last complete period; `None` for a
    /// period nobody was acquired in.
    fn row(&self, tally: &Tally, row: usize, last_complete: i64) -> Option<CohortRow> {
        let size = tally.sizes[row];
        if size == 0 {
            return None;
        }
        let cohort = self.first_index + row as i64;
        let start = self.period.start(cohort)?;
        let present = (last_complete - cohort + 1).max(0) as usize;
        let base = row * self.columns;
        let members = Decimal::from(size);
        let mut later = tally.last_active[base..base + present].iter().sum::<u64>();
        let mut cumulative = Decimal::ZERO;
        let mut cells = Vec::with_capacity(present);
        for k in 0..present {
            let revenue = tally.revenue[base + k];
            cumulative += revenue;
            let active = tally.active[base + k];
            cells.push(CohortCell {
                period: k,
                active,
                active_then_or_later: later,
                retention: active as f64 / size as f64,
                unbounded_retention: later as f64 / size as f64,
                revenue,
                // Dividing by a count ≥ 1 cannot overflow.
                revenue_per_member: revenue / members,
                cumulative_revenue_per_member: cumulative / members,
            });
            later -= tally.last_active[base + k];
        }
        Some(CohortRow { start, size, cells })
    }
}

impl CohortMatrix {
    /// Builds the matrix over the summaries, as of `as_of`, in parallel over blocks of customers
    /// (counts are exact, so the result does not depend on the thread count or input order).
    ///
    /// # Errors
    ///
    /// - [`KpiError::EmptyInput`] when `summaries` is empty;
    /// - [`KpiError::OccasionsNotKept`] when a summary has no kept occasions;
    /// - [`KpiError::AfterObservationEnd`] when `as_of` is after a summary's observation end;
    /// - [`KpiError::BeforeData`] when `as_of` is before every first purchase.
    pub fn build<C: Sync>(
        summaries: &[CustomerSummary<C>], period: CohortPeriod, as_of: NaiveDate,
    ) -> Result<Self, KpiError> {
        let (all, earliest) = occasions_through(summaries, as_of)?;
        let first_index = period.index(earliest);
        let as_of_index = period.index(as_of);
        // The last complete period: the as-of period itself when as_of is its last day.
        let last_complete = if period.end(as_of_index) == Some(as_of) {
            as_of_index
        } else {
            as_of_index - 1
        };
        let rows = (as_of_index - first_index + 1) as usize; // as_of ≥ earliest: checked above
        let columns = (last_complete - first_index + 1).max(0) as usize;
        let layout = Layout {
            period,
            as_of,
            first_index,
            cutoff: period.end(last_complete).unwrap_or(NaiveDate::MIN),
            columns,
        };
        const BLOCK: usize = 1 << 14;
        let tally = all
            .par_chunks(BLOCK)
            .map(|block| {
                let mut t = Tally::new(rows, columns);
                for occasions in block {
                    layout.tally(&mut t, *occasions);
                }
                t
            })
            .reduce(|| Tally::new(rows, columns), Tally::add);
        let rows = (0..rows)
            .filter_map(|row| layout.row(&tally, row, last_complete))
            .collect();
        Ok(CohortMatrix {
            period,
            as_of,
            rows,
        })
    }

    /// The period the cohorts are grouped by.
    pub fn period(&self) -> CohortPeriod {
        self.period
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The cohorts, oldest first.
    pub fn rows(&self) -> &[CohortRow] {
        &self.rows
    }

    /// The last day of period k of a cohort starting on `start` (a helper for labels).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::kpi::{CohortMatrix, CohortPeriod};
    /// use chrono::NaiveDate;
    /// let jan = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// assert_eq!(CohortMatrix::period_end(CohortPeriod::Month, jan, 1), NaiveDate::from_ymd_opt(2024, 2, 29));
    /// let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(); // a Monday
    /// assert_eq!(CohortMatrix::period_end(CohortPeriod::IsoWeek, monday, 2), NaiveDate::from_ymd_opt(2024, 1, 21));
    /// ```
    pub fn period_end(period: CohortPeriod, start: NaiveDate, k: usize) -> Option<NaiveDate> {
        period.end(period.index(start) + i64::try_from(k).ok()?)
    }

    /// Classic retention of cohort `row` in period `k`, `None` when the cell is absent.
    pub fn retention(&self, row: usize, k: usize) -> Option<f64> {
        Some(self.rows.get(row)?.cells.get(k)?.retention)
    }

    /// Unbounded retention of cohort `row` in period `k`, `None` when the cell is absent.
    pub fn unbounded_retention(&self, row: usize, k: usize) -> Option<f64> {
        Some(self.rows.get(row)?.cells.get(k)?.unbounded_retention)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn week_index_starts_on_monday() {
        let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(); // ISO week 2024-W01 starts here
        let sunday = monday + Duration::days(6);
        let p = CohortPeriod::IsoWeek;
        assert_eq!(p.index(monday), p.index(sunday));
        assert_eq!(p.index(sunday) + 1, p.index(sunday + Duration::days(1)));
        assert_eq!(p.start(p.index(sunday)), Some(monday));
        assert_eq!(p.end(p.index(monday)), Some(sunday));
        // Every period start is a Monday that chrono agrees starts an ISO week.
        let start = p
            .start(p.index(NaiveDate::from_ymd_opt(1998, 6, 30).unwrap()))
            .unwrap();
        assert_eq!(start.weekday(), chrono::Weekday::Mon);
        assert_eq!(start, NaiveDate::from_ymd_opt(1998, 6, 29).unwrap());
    }

    #[test]
    fn month_bounds() {
        let p = CohortPeriod::Month;
        let feb = p.index(NaiveDate::from_ymd_opt(2023, 2, 14).unwrap());
        assert_eq!(p.start(feb), NaiveDate::from_ymd_opt(2023, 2, 1));
        assert_eq!(p.end(feb), NaiveDate::from_ymd_opt(2023, 2, 28));
        assert_eq!(
            p.end(p.index(NaiveDate::from_ymd_opt(2023, 12, 5).unwrap())),
            NaiveDate::from_ymd_opt(2023, 12, 31)
        );
    }
}
