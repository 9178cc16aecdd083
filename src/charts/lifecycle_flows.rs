//! Chart 10: lifecycle transition flows between two dates, as a from × to matrix: one row per
//! stage at the earlier date (and one for the customers acquired in between), one column per
//! stage at the later date, each cell colored by the share of its row that moved there and
//! carrying how many customers that is.
//!
//! Why a matrix and not a two-column flow (a Sankey diagram): seven stages give up to 56 flows,
//! and ribbons that many cross each other until neither their widths nor their ends can be
//! read; a flow's count would have to sit on a ribbon that may be a pixel thin. In the matrix
//! every flow has a cell of the same size with its count written in it, staying put is the
//! diagonal, and the row shares make a small stage's moves as visible as a large one's.

use super::count_heatmap::CountHeatmap;
use super::kinds::{Axis, HeatmapChart};
use super::ChartError;
use crate::lifecycle::{LifecycleStage, Transitions};

/// The label of the row of customers acquired between the two dates.
pub const ACQUIRED_ROW: &str = "Acquired in between";

/// The transition matrix of `transitions`: rows from the top are the stages at the earlier
/// date in [`LifecycleStage::ALL`] order, then [`ACQUIRED_ROW`] at the bottom; columns are the
/// stages at the later date in the same order. A cell's value is the share of its row's
/// customers, in percent, and its count their number ([`Transitions::count`],
/// [`Transitions::acquired`]). A row nobody was in has no values (drawn empty) and counts of 0.
///
/// # Errors
///
/// None in practice: [`ChartError::InvalidValue`] (from [`HeatmapChart::check`]) would name a
/// share that is not finite, which a row total of at least one customer rules out.
///
/// # Examples
///
/// ```
/// use customer_value::charts::transition_chart;
/// use customer_value::lifecycle::{LifecycleClassifier, LifecycleStage as S};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = vec![
///     Transaction::new(1, d(1, 1), Decimal::from(10)),
///     Transaction::new(1, d(1, 21), Decimal::from(10)),
///     Transaction::new(2, d(1, 1), Decimal::from(10)),
///     Transaction::new(2, d(1, 21), Decimal::from(10)),
///     Transaction::new(2, d(3, 1), Decimal::from(15)),
///     Transaction::new(3, d(3, 10), Decimal::from(40)),
/// ];
/// let summaries = Summarizer::new(d(3, 31)).summarize(&log)?;
/// let moves = LifecycleClassifier::default().transitions(&summaries, &[], d(1, 31), d(3, 31))?;
/// let chart = transition_chart(&moves)?;
/// // Growing on January 31 (row 7 − 2 = 5 from the bottom): one stays, one declines.
/// let growing = 7 - S::Growing.index();
/// assert_eq!(chart.heatmap.y_labels[growing], "Growing");
/// assert_eq!(chart.counts[growing][S::Declining.index()], 1);
/// assert_eq!(chart.heatmap.cells[growing][S::Growing.index()], Some(50.0));
/// // Customer 3, acquired in between, is New on March 31: the bottom row.
/// assert_eq!(chart.counts[0][S::New.index()], 1);
/// assert_eq!(chart.heatmap.cells[7 - S::Mature.index()][0], None); // nobody was Mature
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn transition_chart(transitions: &Transitions) -> Result<CountHeatmap, ChartError> {
    let stages = LifecycleStage::ALL;
    // Bottom to top: the acquired, then the stages from the last to the first.
    let mut rows: Vec<(String, [u64; 7])> = vec![(ACQUIRED_ROW.to_owned(), transitions.acquired())];
    for stage in stages.iter().rev() {
        rows.push((stage.name().to_owned(), transitions.counts()[stage.index()]));
    }
    let shares = |row: &[u64; 7]| -> Vec<Option<f64>> {
        let total: u64 = row.iter().fold(0, |sum, &c| sum.saturating_add(c));
        let share = |c: u64| (total > 0).then(|| 100.0 * c as f64 / total as f64);
        row.iter().map(|&c| share(c)).collect()
    };
    let (from, to) = (transitions.from(), transitions.to());
    let heatmap = HeatmapChart {
        title: format!("Lifecycle stages on {from} and on {to} (numbers: customers)"),
        x_axis: Axis::new(&format!("Stage on {to}"), None),
        y_axis: Axis::new(&format!("Stage on {from}"), None),
        value_axis: Axis::new("Customers moving", Some("% of the row")),
        x_labels: stages.iter().map(|s| s.name().to_owned()).collect(),
        y_labels: rows.iter().map(|(label, _)| label.clone()).collect(),
        cells: rows.iter().map(|(_, row)| shares(row)).collect(),
    };
    let counts = rows.iter().map(|(_, row)| row.to_vec()).collect();
    CountHeatmap::of_customers(heatmap, counts)
}
