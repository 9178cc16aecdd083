//! Cohort retention matrices by first-purchase month or ISO week.

use std::collections::BTreeSet;

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

    /// The first day of period `index`; `None` when it is outside chrono's calendar (the week of
    /// `NaiveDate::MIN`, a Thursday, starts before it).
    fn start(self, index: i64) -> Option<NaiveDate> {
        match self {
            CohortPeriod::Month => NaiveDate::from_ymd_opt(
                i32::try_from(index.div_euclid(12)).ok()?,
                index.rem_euclid(12) as u32 + 1,
                1,
            ),
            CohortPeriod::IsoWeek => NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(index.checked_mul(7)?.checked_add(1)?).ok()?,
            ),
        }
    }

    /// The last day of period `index`; `None` when it is outside chrono's calendar (the week of
    /// `NaiveDate::MAX`, a Monday, ends after it). Computed from the period itself, not as the
    /// day before the next period, so that December of the last year has an end.
    fn end(self, index: i64) -> Option<NaiveDate> {
        match self {
            CohortPeriod::Month => {
                let year = i32::try_from(index.div_euclid(12)).ok()?;
                match index.rem_euclid(12) as u32 + 1 {
                    12 => NaiveDate::from_ymd_opt(year, 12, 31),
                    month => NaiveDate::from_ymd_opt(year, month + 1, 1)?.pred_opt(),
                }
            }
            CohortPeriod::IsoWeek => NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(index.checked_mul(7)?.checked_add(7)?).ok()?,
            ),
        }
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
    /// First day of the acquisition period (a month's 1st, or a Monday; `NaiveDate::MIN` for the
    /// ISO week that starts before the calendar does).
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
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "super::consistency::CohortMatrixData")
)]
pub struct CohortMatrix {
    pub(super) period: CohortPeriod,
    pub(super) as_of: NaiveDate,
    pub(super) rows: Vec<CohortRow>,
}

/// The most cells a [`CohortMatrix`] holds: 2²¹ = 2,097,152, a full triangle of 170 years of
/// monthly cohorts or 39 years of weekly ones. [`CohortMatrix::build`] counts the cells first and
/// refuses a larger matrix with [`KpiError::TooManyCohortCells`]: one first purchase dated
/// `NaiveDate::MIN` (year −262143) would otherwise ask for 3.2 million monthly cells per cohort.
/// At the limit the matrix takes about 185 MB (88 bytes a cell) and each tally behind it 64 MB;
/// measured on 2,064,300 cells: 212 MB peak and 0.5 s for one customer, 313 MB and 1.3 s with
/// 100,000 more (tallies of parallel blocks). One customer of year 1 among 100,000 of 2024:
/// 24,366 cells, 41 MB peak, 28 ms.
pub const MAX_COHORT_CELLS: usize = 1 << 21;

/// Per-thread sums over a block of customers: one row per cohort, each with exactly the cells
/// the matrix shows (a ragged array laid out by [`Layout`]).
struct Tally {
    sizes: Vec<u64>,
    active: Vec<u64>,
    /// Customers whose last occasion read is in column k (suffix sums give unbounded retention).
    last_active: Vec<u64>,
    revenue: Vec<Decimal>,
}

impl Tally {
    fn new(layout: &Layout) -> Self {
        let cells = layout.offsets.last().copied().unwrap_or(0);
        Self {
            sizes: vec![0; layout.cohorts.len()],
            active: vec![0; cells],
            last_active: vec![0; cells],
            revenue: vec![Decimal::ZERO; cells],
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

/// What every customer's walk needs to know: the cohorts, and where each one's cells sit in a
/// [`Tally`]. A cohort's row holds only the cells the matrix shows, and when every period of
/// the span would be too many rows, only the periods somebody was acquired in have one: one
/// customer acquired in 0001 then costs one row of cells, not a triangle of every period since.
struct Layout {
    period: CohortPeriod,
    as_of: NaiveDate,
    /// Occasions after this day (the end of the last complete period) are not read; `None`
    /// when no period has ended (its end would be before `NaiveDate::MIN`).
    cutoff: Option<NaiveDate>,
    /// The period indices of the cohorts, ascending: every period from the earliest first
    /// purchase to the as-of date, or only those with a member.
    cohorts: Vec<i64>,
    /// Cohort r's cells are `offsets[r]..offsets[r + 1]`.
    offsets: Vec<usize>,
}

/// The cohorts that have a member as of `as_of`, ascending.
fn member_cohorts<C: Sync>(
    period: CohortPeriod, as_of: NaiveDate, summaries: &[CustomerSummary<C>],
) -> Vec<i64> {
    summaries
        .par_iter()
        .filter(|s| s.first_purchase() <= as_of)
        .fold(BTreeSet::new, |mut set, s| {
            set.insert(period.index(s.first_purchase()));
            set
        })
        .reduce(BTreeSet::new, |mut a, mut b| {
            a.append(&mut b);
            a
        })
        .into_iter()
        .collect()
}

impl Layout {
    /// Lists the cohorts and counts their cells.
    ///
    /// # Errors
    ///
    /// [`KpiError::TooManyCohortCells`] beyond [`MAX_COHORT_CELLS`].
    fn new<C: Sync>(
        period: CohortPeriod, as_of: NaiveDate, earliest: NaiveDate,
        summaries: &[CustomerSummary<C>],
    ) -> Result<Self, KpiError> {
        let as_of_index = period.index(as_of);
        // The last complete period: the as-of period itself when as_of is its last day.
        let last_complete = if period.end(as_of_index) == Some(as_of) {
            as_of_index
        } else {
            as_of_index - 1
        };
        let first_index = period.index(earliest);
        let span = (as_of_index - first_index + 1) as usize; // as_of ≥ earliest: checked before
                                                             // Every period of the span has a row when their triangle of cells is within the limit
                                                             // (the usual case: 24 months, 300 cells); only then, when most periods have no member,
                                                             // are the members' cohorts listed, at the cost of one more pass over the customers.
        let cohorts: Vec<i64> = if span.saturating_mul(span + 1) / 2 <= MAX_COHORT_CELLS {
            (first_index..=as_of_index).collect()
        } else {
            member_cohorts(period, as_of, summaries)
        };
        let mut offsets = Vec::with_capacity(cohorts.len() + 1);
        let mut cells = 0usize;
        offsets.push(0);
        for &cohort in &cohorts {
            // Both indices are within chrono's calendar: their difference is below 3 × 10⁷.
            cells = cells.saturating_add((last_complete - cohort + 1).max(0) as usize);
            offsets.push(cells);
        }
        if cells > MAX_COHORT_CELLS {
            return Err(KpiError::TooManyCohortCells {
                cells: cells as u64,
                limit: MAX_COHORT_CELLS as u64,
                earliest,
                as_of,
            });
        }
        Ok(Self {
            period,
            as_of,
            cutoff: period.end(last_complete),
            cohorts,
            offsets,
        })
    }

    fn tally(&self, tally: &mut Tally, Days { occasions, refunds }: Days<'_>) {
        let Some(first) = occasions.first() else {
            return;
        };
        if first.date > self.as_of {
            return; // not a customer yet
        }
        let cohort = self.period.index(first.date);
        let Some(row) = self.row_of(cohort) else {
            return; // never: every member's cohort has a row
        };
        tally.sizes[row] += 1;
        let Some(cutoff) = self.cutoff else {
            return;
        };
        // A day up to the cutoff is in a complete period, whose cell is in the row (its column
        // is below the row's length). The first occasion is in the cohort's own period, cell 0.
        let base = self.offsets[row];
        if first.date > cutoff {
            return; // the acquisition period is still running: no cell yet
        }
        let mut cell = base;
        let mut column_end = self.period.end(cohort).unwrap_or(NaiveDate::MAX);
        tally.active[cell] += 1;
        for o in occasions {
            if o.date > cutoff {
                break;
            }
            if o.date > column_end {
                // Occasions are sorted: look up the period only when leaving the current one.
                let index = self.period.index(o.date);
                cell = base + (index - cohort) as usize;
                column_end = self.period.end(index).unwrap_or(NaiveDate::MAX);
                tally.active[cell] += 1;
            }
            tally.revenue[cell] += o.amount;
        }
        tally.last_active[cell] += 1;
        // A refund day counts in the cell of its own date; one before the first occasion (goods
        // bought before the log starts) in the cohort's first cell, when that period has ended.
        let cells = self.offsets[row + 1] - base;
        for r in refunds {
            if r.date > cutoff {
                break;
            }
            let column = (self.period.index(r.date) - cohort).max(0) as usize;
            if column < cells {
                tally.revenue[base + column] += r.amount;
            }
        }
    }

    /// The row of cohort `cohort`: its offset from the first when every period has a row (direct,
    /// as the dense tally indexed it: a binary search for every customer measured about 5 %
    /// slower on the cohort bench), else found by binary search.
    fn row_of(&self, cohort: i64) -> Option<usize> {
        let offset = usize::try_from(cohort - *self.cohorts.first()?).ok()?;
        if self.cohorts.get(offset) == Some(&cohort) {
            return Some(offset);
        }
        self.cohorts.binary_search(&cohort).ok()
    }

    /// Cohort `row` of the tally, with its cells up to the last complete period; `None` for a
    /// period nobody was acquired in.
    fn row(&self, tally: &Tally, row: usize) -> Option<CohortRow> {
        let size = tally.sizes[row];
        if size == 0 {
            return None;
        }
        let cohort = self.cohorts[row];
        // The week of NaiveDate::MIN starts before it: its row starts on the first day there is.
        let start = self.period.start(cohort).unwrap_or(NaiveDate::MIN);
        let (base, end) = (self.offsets[row], self.offsets[row + 1]);
        let members = Decimal::from(size);
        let mut later = tally.last_active[base..end].iter().sum::<u64>();
        let mut cumulative = Decimal::ZERO;
        let mut cells = Vec::with_capacity(end - base);
        for (k, cell) in (base..end).enumerate() {
            let revenue = tally.revenue[cell];
            cumulative += revenue;
            let active = tally.active[cell];
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
            later -= tally.last_active[cell];
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
    /// - [`KpiError::BeforeData`] when `as_of` is before every first purchase;
    /// - [`KpiError::TooManyCohortCells`] when the matrix would hold more than
    ///   [`MAX_COHORT_CELLS`] cells (cohorts spread over centuries of weeks).
    pub fn build<C: Sync>(
        summaries: &[CustomerSummary<C>], period: CohortPeriod, as_of: NaiveDate,
    ) -> Result<Self, KpiError> {
        let (all, earliest) = occasions_through(summaries, as_of)?;
        let layout = Layout::new(period, as_of, earliest, summaries)?;
        const BLOCK: usize = 1 << 14;
        let tally = all
            .par_chunks(BLOCK)
            .fold(
                || Tally::new(&layout),
                |mut t, block| {
                    for days in block {
                        layout.tally(&mut t, *days);
                    }
                    t
                },
            )
            .reduce_with(Tally::add)
            .unwrap_or_else(|| Tally::new(&layout));
        let rows = (0..layout.cohorts.len())
            .filter_map(|row| layout.row(&tally, row))
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

    /// The last day of period k of a cohort starting on `start` (a helper for labels); `None`
    /// when that day is beyond `NaiveDate::MAX` (or k beyond `i64::MAX`).
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
    /// assert_eq!(CohortMatrix::period_end(CohortPeriod::Month, jan, usize::MAX), None);
    /// ```
    pub fn period_end(period: CohortPeriod, start: NaiveDate, k: usize) -> Option<NaiveDate> {
        period.end(period.index(start).checked_add(i64::try_from(k).ok()?)?)
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
