//! Chart 1: the frequency–recency matrix of expected purchases (lifetimes'
//! `plot_frequency_recency_matrix`): for a customer of age T, E[Y(t) | x, t_x, T] over a grid of
//! frequencies x and recencies t_x. The upper right (many purchases, the last one recent) is
//! where the best customers are; a high x with an old t_x is a customer the model believes gone.

use super::kinds::{Axis, HeatmapChart};
use super::{number_label, number_labels, unit_name, ChartError};
use crate::clv::diagnostics::{MAX_FREQUENCY, MAX_GRID_CELLS};
use crate::clv::{PurchaseModel, RepeatHistory};
use crate::TimeUnit;

/// The grid of a frequency–recency chart: frequencies x = 0, 1, …, `max_frequency` and
/// `recency_points` recencies t_x evenly spaced from 0 to the age T, in `unit`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FrequencyRecencyGrid {
    /// The largest frequency (the last column).
    pub max_frequency: u32,
    /// The customers' age T (lifetimes takes the largest T of the data).
    pub age: f64,
    /// The number of recencies (rows), at least 2.
    pub recency_points: usize,
    /// The time unit of T, t_x and the model.
    pub unit: TimeUnit,
}

impl FrequencyRecencyGrid {
    /// The recencies of the rows: `recency_points` values evenly spaced from 0 to `age`.
    fn recencies(&self) -> Vec<f64> {
        let last = (self.recency_points - 1) as f64;
        (0..self.recency_points)
            .map(|j| self.age * j as f64 / last)
            .collect()
    }

    /// Checks the grid's bounds (the diagnostics module's: the same cells a P(alive) matrix
    /// allows).
    fn check(&self) -> Result<(), ChartError> {
        let invalid = |name, value, constraint| {
            Err(ChartError::InvalidParameter {
                name,
                value,
                constraint,
            })
        };
        if !(self.age.is_finite() && self.age > 0.0 && self.age <= RepeatHistory::MAX_VALUE) {
            return invalid(
                "age",
                self.age,
                "must be positive, finite and at most 10^12",
            );
        }
        if self.max_frequency > MAX_FREQUENCY {
            let value = f64::from(self.max_frequency);
            return invalid("max_frequency", value, "must be at most 10,000");
        }
        let rows = self.max_frequency as usize + 1;
        if self.recency_points < 2 || self.recency_points > MAX_GRID_CELLS / rows {
            let value = self.recency_points as f64;
            return invalid(
                "recency_points",
                value,
                "must be at least 2, with at most 1,000,000 cells in the grid",
            );
        }
        Ok(())
    }
}

/// The expected purchases in the next `horizon` of a customer of age `grid.age`, for every
/// frequency x (columns) and recency t_x (rows) of `grid`: E[Y(horizon) | x, t_x, T] (Fader,
/// Hardie & Lee 2005, "Counting your customers the easy way", eq. 10, for the BG/NBD; each
/// model's own conditional expectation). A customer with no repeat purchase has t_x = 0, so the
/// cells of x = 0 above the first row are empty (`None`).
///
/// # Errors
///
/// - [`ChartError::InvalidParameter`] naming `age` when it is not positive and finite (or above
///   10¹²), `max_frequency` above 10,000, `recency_points` below 2 or a grid above 10⁶ cells,
///   and `horizon` when it is not positive and finite;
/// - [`ChartError::InvalidValue`] naming `expected purchases` with the row-major position of a
///   cell where the model answers a negative or non-finite expectation;
/// - [`ChartError::Clv`] with the model's error for a history it does not take.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{frequency_recency_chart, FrequencyRecencyGrid};
/// use customer_value::clv::{BgNbd, PurchaseModel, RepeatHistory};
/// use customer_value::TimeUnit;
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?; // CDNOW, weeks (Fader et al. 2005)
/// let grid = FrequencyRecencyGrid { max_frequency: 4, age: 39.0, recency_points: 4, unit: TimeUnit::Weeks };
/// let chart = frequency_recency_chart(&model, &grid, 1.0)?;
/// assert_eq!((chart.x_labels.len(), chart.y_labels.len()), (5, 4));
/// assert_eq!(chart.cells[1][0], None); // x = 0 with t_x = 13: nobody
/// let expected = model.conditional_expected_purchases(1.0, &RepeatHistory::new(2.0, 26.0, 39.0)?)?;
/// assert_eq!(chart.cells[2][2], Some(expected));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn frequency_recency_chart<M: PurchaseModel + ?Sized>(
    model: &M, grid: &FrequencyRecencyGrid, horizon: f64,
) -> Result<HeatmapChart, ChartError> {
    grid.check()?;
    if !(horizon.is_finite() && horizon > 0.0) {
        return Err(ChartError::InvalidParameter {
            name: "horizon",
            value: horizon,
            constraint: "must be positive and finite",
        });
    }
    let recencies = grid.recencies();
    let mut cells = Vec::with_capacity(recencies.len());
    for (row, &t_x) in recencies.iter().enumerate() {
        let mut cell_row = Vec::with_capacity(grid.max_frequency as usize + 1);
        for x in 0..=grid.max_frequency {
            if x == 0 && row > 0 {
                cell_row.push(None);
                continue;
            }
            let t_x = if x == 0 { 0.0 } else { t_x.min(grid.age) };
            let history = RepeatHistory::new(f64::from(x), t_x, grid.age)?;
            let value = model.conditional_expected_purchases(horizon, &history)?;
            if !(value.is_finite() && value >= 0.0) {
                let position = row * (grid.max_frequency as usize + 1) + x as usize;
                let name = "expected purchases";
                return Err(ChartError::InvalidValue {
                    name,
                    position,
                    value,
                });
            }
            cell_row.push(Some(value));
        }
        cells.push(cell_row);
    }
    let (one, many) = (unit_name(grid.unit, false), unit_name(grid.unit, true));
    let next = if horizon == 1.0 {
        format!("next {one}")
    } else {
        format!("next {} {many}", number_label(horizon))
    };
    Ok(HeatmapChart {
        title: format!(
            "Expected purchases in the {next}, customers of age {} {many}",
            number_label(grid.age)
        ),
        x_axis: Axis::new("Frequency x", Some("repeat purchases")),
        y_axis: Axis::new(
            "Recency t_x",
            Some(&format!("{many} after the first purchase")),
        ),
        value_axis: Axis::new("Expected purchases", Some(&format!("in the {next}"))),
        x_labels: (0..=grid.max_frequency).map(|x| x.to_string()).collect(),
        y_labels: number_labels(&recencies),
        cells,
    })
}
