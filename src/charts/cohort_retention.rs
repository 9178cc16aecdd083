//! Chart 9: the cohort retention heatmap: one row per acquisition period (oldest at the top),
//! one column per period since acquisition, each cell colored by the share of the cohort that
//! bought in that period (classic retention, [`CohortCell::retention`]) and carrying how many
//! customers that is.
//!
//! The columns start at period 1: in period 0 every member bought (that is what makes it a
//! member), so its cells would all be 100 % and stretch the color scale until every later
//! cell, mostly under 40 %, came out the same dark color. The cohort's size is in its label.
//!
//! A [`CohortMatrix`] lists only the cohorts somebody was acquired in; the chart draws every
//! period from the first cohort to the last, so a month in which nobody was acquired is a row
//! of its own, labelled "none" and left empty (grey), rather than silently missing or a row of
//! 0/0 = NaN. Cells whose period has not ended yet are empty too.

use chrono::NaiveDate;

use super::count_heatmap::CountHeatmap;
use super::kinds::{Axis, HeatmapChart};
use super::ChartError;
use crate::kpi::{CohortCell, CohortMatrix, CohortPeriod, CohortRow};

/// The most cohort rows a chart draws: 1,000 periods (83 years of months, 19 of weeks). More
/// cannot be read at any size, and a stray first purchase decades early would otherwise ask
/// for a row for every period since.
pub const MAX_COHORT_ROWS: usize = 1000;

/// The retention heatmap of `matrix`: rows are every acquisition period from its first cohort
/// to its last (the first at the top), columns the periods 1, 2, … since acquisition (at least
/// one; period 0 is 100 % by definition), cells the classic retention in percent with the cohort's active customers as counts.
/// A period with no cohort (nobody acquired) and a cell not yet observed have no value and a
/// count of 0. Each row's label is its period and its size: "2024-01 (120)", "2024-02 (none)".
///
/// # Errors
///
/// - [`ChartError::EmptyInput`] naming `rows` when the matrix has no cohort;
/// - [`ChartError::InvalidParameter`] naming `cohorts` when the first and last cohorts are
///   more than [`MAX_COHORT_ROWS`] periods apart;
/// - [`ChartError::InvalidValue`] (from [`HeatmapChart::check`]) for a retention that is not
///   finite (a matrix read back with a cohort of no members).
///
/// # Examples
///
/// ```
/// use customer_value::charts::cohort_retention_chart;
/// use customer_value::kpi::{CohortMatrix, CohortPeriod};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = [
///     Transaction::new(1, d(1, 5), Decimal::TEN),
///     Transaction::new(1, d(2, 5), Decimal::TEN),
///     Transaction::new(2, d(1, 9), Decimal::TEN),
///     Transaction::new(3, d(3, 2), Decimal::TEN), // nobody was acquired in February
/// ];
/// let summaries = Summarizer::new(d(3, 31)).summarize(&log)?;
/// let matrix = CohortMatrix::build(&summaries, CohortPeriod::Month, d(3, 31))?;
/// let chart = cohort_retention_chart(&matrix)?;
/// let map = &chart.heatmap;
/// assert_eq!(map.y_labels, ["2024-03 (1)", "2024-02 (none)", "2024-01 (2)"]);
/// // January, at the top: one of two buys again in February, nobody in March.
/// assert_eq!(map.cells[2], [Some(50.0), Some(0.0)]);
/// assert_eq!(map.cells[1], [None, None]);
/// assert_eq!(chart.counts[2], [1, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cohort_retention_chart(matrix: &CohortMatrix) -> Result<CountHeatmap, ChartError> {
    let period = matrix.period();
    let rows = every_period(matrix)?;
    let columns = (rows.iter().filter_map(|(_, cohort)| *cohort))
        .map(|row| row.cells.len().saturating_sub(1))
        .fold(1, usize::max);
    let mut cells = Vec::with_capacity(rows.len());
    let mut counts = Vec::with_capacity(rows.len());
    let mut labels = Vec::with_capacity(rows.len());
    // The oldest cohort at the top: the heatmap's first row is at the bottom.
    for &(start, cohort) in rows.iter().rev() {
        let found: &[CohortCell] = cohort.map_or(&[], |r| &r.cells);
        let mut values = vec![None; columns];
        let mut active = vec![0; columns];
        // Cell k of the row is column k − 1: period 0 is left out.
        for (column, cell) in found.iter().skip(1).enumerate() {
            values[column] = Some(100.0 * cell.retention);
            active[column] = cell.active;
        }
        cells.push(values);
        counts.push(active);
        let size = cohort.map_or(0, |r| r.size);
        labels.push(cohort_label(period, start, size));
    }
    let (name, plural) = period_name(period);
    let heatmap = HeatmapChart {
        title: format!("Cohort retention by {name} (numbers: customers buying again)"),
        x_axis: Axis::new(&format!("{plural} after the first purchase"), None),
        y_axis: Axis::new(
            "Cohort",
            Some(&format!("{name} of the first purchase, size")),
        ),
        value_axis: Axis::new("Customers buying", Some("% of the cohort")),
        x_labels: (1..=columns).map(|k| k.to_string()).collect(),
        y_labels: labels,
        cells,
    };
    CountHeatmap::of_customers(heatmap, counts)
}

/// "month" or "week", and its plural as an axis starts it.
fn period_name(period: CohortPeriod) -> (&'static str, &'static str) {
    match period {
        CohortPeriod::IsoWeek => ("week", "Weeks"),
        CohortPeriod::Month => ("month", "Months"),
    }
}

/// A cohort's label: its period ("2024-01", or the ISO week "2024-W01") and its size.
fn cohort_label(period: CohortPeriod, start: NaiveDate, size: u64) -> String {
    let when = match period {
        CohortPeriod::IsoWeek => start.format("%G-W%V").to_string(),
        CohortPeriod::Month => start.format("%Y-%m").to_string(),
    };
    match size {
        0 => format!("{when} (none)"),
        n => format!("{when} ({n})"),
    }
}

/// Every period from the matrix's first cohort to its last, by its first day: the cohort, or
/// `None` for a period nobody was acquired in (a row of no members counts as nobody).
fn every_period(matrix: &CohortMatrix) -> Result<Vec<(NaiveDate, Option<&CohortRow>)>, ChartError> {
    let (Some(first), Some(last)) = (matrix.rows().first(), matrix.rows().last()) else {
        return Err(ChartError::EmptyInput { name: "rows" });
    };
    let mut out = Vec::new();
    let mut found = matrix.rows().iter().peekable();
    let mut start = Some(first.start);
    while let Some(day) = start.filter(|&day| day <= last.start) {
        if out.len() == MAX_COHORT_ROWS {
            return Err(ChartError::InvalidParameter {
                name: "cohorts",
                value: (MAX_COHORT_ROWS + 1) as f64,
                constraint: "the first and last cohorts must be at most 1,000 periods apart",
            });
        }
        let row = found.next_if(|row| row.start == day);
        out.push((day, row.filter(|r| r.size > 0)));
        start = next_start(matrix.period(), day);
    }
    Ok(out)
}

/// The first day of the period after the one starting on `start`.
fn next_start(period: CohortPeriod, start: NaiveDate) -> Option<NaiveDate> {
    CohortMatrix::period_end(period, start, 0)?.succ_opt()
}
