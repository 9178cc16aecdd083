//! A heatmap whose cells also count something (customers): the color shows a rate or a mean,
//! the number written in the cell shows how many customers it stands on. A mean of 500 over
//! two customers and one over two thousand look alike in color; the count tells them apart.

use super::kinds::HeatmapChart;
use super::ChartError;

/// A [`HeatmapChart`] with a count per cell: `counts[row][column]` matches
/// `heatmap.cells[row][column]`. Rendered (feature `charts`), each count is written in its
/// cell when every count fits its cell; a cell without a value (`None`) shows no count.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{Axis, CountHeatmap, HeatmapChart};
/// let chart = CountHeatmap {
///     heatmap: HeatmapChart {
///         title: "Retention".into(),
///         x_axis: Axis::new("Months since acquisition", None),
///         y_axis: Axis::new("Cohort", None),
///         value_axis: Axis::new("Share retained", Some("%")),
///         x_labels: vec!["0".into(), "1".into()],
///         y_labels: vec!["2024-01".into()],
///         cells: vec![vec![Some(100.0), Some(25.0)]],
///     },
///     counts: vec![vec![4, 1]],
///     count_label: "customers".into(),
/// };
/// assert!(chart.check().is_ok());
/// assert_eq!(chart.total(), 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CountHeatmap {
    /// The colored grid, its labels and axes.
    pub heatmap: HeatmapChart,
    /// `counts[row][column]`: what each cell counts, same shape as `heatmap.cells`.
    pub counts: Vec<Vec<u64>>,
    /// What the counts count, plural ("customers").
    pub count_label: String,
}

impl CountHeatmap {
    /// Checks the heatmap and that the counts have its shape.
    ///
    /// # Errors
    ///
    /// Those of [`HeatmapChart::check`]; [`ChartError::LengthMismatch`] naming `counts` (rows)
    /// or `counts[i]` (a row's cells) when the counts' shape differs from the cells'.
    pub fn check(&self) -> Result<(), ChartError> {
        self.heatmap.check()?;
        let mismatch = |name, expected, found| ChartError::LengthMismatch {
            name,
            expected,
            found,
        };
        let rows = self.heatmap.cells.len();
        if self.counts.len() != rows {
            return Err(mismatch("counts", rows, self.counts.len()));
        }
        let columns = self.heatmap.x_labels.len();
        match self.counts.iter().find(|row| row.len() != columns) {
            Some(row) => Err(mismatch("counts[i]", columns, row.len())),
            None => Ok(()),
        }
    }

    /// A heatmap of customer counts (`count_label` "customers"), checked.
    ///
    /// # Errors
    ///
    /// Those of [`CountHeatmap::check`].
    pub(super) fn of_customers(
        heatmap: HeatmapChart, counts: Vec<Vec<u64>>,
    ) -> Result<Self, ChartError> {
        let chart = CountHeatmap {
            heatmap,
            counts,
            count_label: "customers".to_owned(),
        };
        chart.check()?;
        Ok(chart)
    }

    /// The sum of every count (saturating at `u64::MAX`).
    pub fn total(&self) -> u64 {
        self.counts
            .iter()
            .flatten()
            .fold(0u64, |sum, &c| sum.saturating_add(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Axis;

    #[test]
    fn counts_must_match_the_cells() {
        let mut chart = CountHeatmap {
            heatmap: HeatmapChart {
                title: String::new(),
                x_axis: Axis::new("x", None),
                y_axis: Axis::new("y", None),
                value_axis: Axis::new("v", None),
                x_labels: vec!["a".into(), "b".into()],
                y_labels: vec!["c".into()],
                cells: vec![vec![Some(1.0), None]],
            },
            counts: vec![vec![3]],
            count_label: "customers".into(),
        };
        assert_eq!(
            chart.check(),
            Err(ChartError::LengthMismatch {
                name: "counts[i]",
                expected: 2,
                found: 1
            })
        );
        chart.counts = vec![];
        assert!(matches!(
            chart.check(),
            Err(ChartError::LengthMismatch { name: "counts", .. })
        ));
        chart.counts = vec![vec![u64::MAX, 1]];
        assert_eq!((chart.check(), chart.total()), (Ok(()), u64::MAX));
    }
}
