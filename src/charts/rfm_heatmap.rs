//! Chart 7: the RFM heatmap (R rfm's `rfm_heatmap`): customers placed by recency score R (rows)
//! and frequency score F (columns), each cell colored by its customers' mean monetary value and
//! carrying their count. The top right (recent and frequent) is where the best customers are;
//! the counts show how many customers each mean stands on.

use super::count_heatmap::CountHeatmap;
use super::kinds::{Axis, HeatmapChart};
use super::ChartError;
use crate::numeric::money::to_f64;
use crate::rfm::RfmRecord;

/// The R × F heatmap of scored customers: cell (R, F) holds the mean of the records'
/// `monetary` (total or average net spend, as the scorer was configured) over the customers
/// with recency score R and frequency score F, and their count. Rows are R = 1 (bottom) to
/// `bins` (top), columns F = 1 to `bins`; a cell nobody is in has no value (`None`) and a count
/// of 0.
///
/// Monetary values are converted to `f64` one by one (the crate's one rule,
/// [`numeric::money`](crate::numeric::money)) and summed in record order, so the means are the
/// same for the same records.
///
/// # Errors
///
/// - [`ChartError::EmptyInput`] naming `records` when there are none;
/// - [`ChartError::InvalidParameter`] naming `bins` outside 2..=10 (the scorer's range);
/// - [`ChartError::InvalidValue`] naming `recency score` or `frequency score`, with the record's
///   position, for a score outside 1..=`bins` (records scored with more levels).
///
/// # Examples
///
/// ```
/// use customer_value::charts::rfm_heatmap_chart;
/// use customer_value::{RfmScorer, Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log = [
///     Transaction::new(1, d(1), Decimal::from(10)),  // one old purchase: R 1, F 1
///     Transaction::new(2, d(20), Decimal::from(30)), // one recent purchase: R 2, F 1
///     Transaction::new(3, d(2), Decimal::from(20)),  // two purchases, the last recent: R 2, F 2
///     Transaction::new(3, d(21), Decimal::from(40)),
/// ];
/// let records = RfmScorer::new().bins(2).score(&Summarizer::new(d(31)).summarize(&log)?)?;
/// let chart = rfm_heatmap_chart(&records, 2)?;
/// // Row R = 2 (the second), column F = 1: customer 2 alone, 30 spent.
/// assert_eq!(chart.heatmap.cells[1][0], Some(30.0));
/// assert_eq!(chart.counts, [[1, 0], [1, 1]]);
/// assert_eq!(chart.heatmap.cells[0][1], None); // nobody old and frequent
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rfm_heatmap_chart<C>(
    records: &[RfmRecord<C>], bins: u8,
) -> Result<CountHeatmap, ChartError> {
    if records.is_empty() {
        return Err(ChartError::EmptyInput { name: "records" });
    }
    if !(2..=10).contains(&bins) {
        return Err(ChartError::InvalidParameter {
            name: "bins",
            value: f64::from(bins),
            constraint: "must be 2 to 10, as the scorer's",
        });
    }
    let levels = usize::from(bins);
    let mut sums = vec![vec![0.0; levels]; levels];
    let mut counts = vec![vec![0u64; levels]; levels];
    for (position, record) in records.iter().enumerate() {
        let r = score_index("recency score", record.score.recency, bins, position)?;
        let f = score_index("frequency score", record.score.frequency, bins, position)?;
        sums[r][f] += to_f64(record.monetary);
        counts[r][f] += 1;
    }
    let cells = (sums.iter().zip(&counts))
        .map(|(row, row_counts)| {
            let pairs = row.iter().zip(row_counts);
            pairs
                .map(|(&sum, &n)| (n > 0).then(|| sum / n as f64))
                .collect()
        })
        .collect();
    let scores: Vec<String> = (1..=bins).map(|s| s.to_string()).collect();
    let heatmap = HeatmapChart {
        title: "Mean monetary value by R and F score (numbers: customers)".to_owned(),
        x_axis: Axis::new("Frequency score F", Some("higher buys more often")),
        y_axis: Axis::new("Recency score R", Some("higher bought more recently")),
        value_axis: Axis::new("Mean monetary value", Some("per customer")),
        x_labels: scores.clone(),
        y_labels: scores,
        cells,
    };
    CountHeatmap::of_customers(heatmap, counts)
}

/// The row or column of `score` (1-based) in a grid of `bins` levels.
fn score_index(
    name: &'static str, score: u8, bins: u8, position: usize,
) -> Result<usize, ChartError> {
    if (1..=bins).contains(&score) {
        Ok(usize::from(score - 1))
    } else {
        Err(ChartError::InvalidValue {
            name,
            position,
            value: f64::from(score),
        })
    }
}
