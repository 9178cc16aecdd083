//! Chart 2: the P(alive) matrix (lifetimes' `plot_probability_alive_matrix`): the probability
//! that a customer of age T is still active, over frequencies x and recencies t_x, from
//! [`probability_alive_matrix`](crate::clv::diagnostics::probability_alive_matrix).

use super::kinds::{Axis, HeatmapChart};
use super::{number_label, number_labels, unit_name, ChartError};
use crate::clv::diagnostics::AliveMatrix;
use crate::TimeUnit;

/// The heatmap of a P(alive) matrix: frequencies x in the columns, recencies t_x in the rows
/// (the first at the bottom), the age T being the last recency. The matrix repeats
/// P(alive | 0, 0, T) along the row of x = 0; the chart keeps it at t_x = 0 only and leaves the
/// other cells of x = 0 empty, since no customer without a repeat purchase has a recency.
///
/// # Errors
///
/// [`ChartError::EmptyInput`] naming `frequencies` or `recencies` when there are none;
/// [`ChartError::LengthMismatch`] naming `values` (rows) or `values[i]` when the grid's shape
/// differs from them; [`ChartError::InvalidValue`] naming `values`, with the row-major position
/// in the chart's grid (rows are recencies), of a value outside [0, 1] or NaN.
///
/// # Examples
///
/// ```
/// use customer_value::charts::alive_matrix_chart;
/// use customer_value::clv::diagnostics::probability_alive_matrix;
/// use customer_value::clv::BgNbd;
/// use customer_value::TimeUnit;
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let matrix = probability_alive_matrix(&model, 3, 39.0, 4)?;
/// let chart = alive_matrix_chart(&matrix, TimeUnit::Weeks)?;
/// assert_eq!(chart.y_labels, ["0", "13", "26", "39"]);
/// // Row = recency, column = frequency: the matrix transposed.
/// assert_eq!(chart.cells[3][2], Some(matrix.values[2][3]));
/// assert_eq!(chart.cells[3][0], None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn alive_matrix_chart(
    matrix: &AliveMatrix, unit: TimeUnit,
) -> Result<HeatmapChart, ChartError> {
    let (columns, rows) = (matrix.frequencies.len(), matrix.recencies.len());
    if columns == 0 {
        return Err(ChartError::EmptyInput {
            name: "frequencies",
        });
    }
    let Some(&age) = matrix.recencies.last() else {
        return Err(ChartError::EmptyInput { name: "recencies" });
    };
    check_shape(matrix)?;
    let mut cells = vec![vec![None; columns]; rows];
    for (i, values) in matrix.values.iter().enumerate() {
        for (j, &p) in values.iter().enumerate() {
            if !(0.0..=1.0).contains(&p) {
                let position = j * columns + i;
                return Err(ChartError::InvalidValue {
                    name: "values",
                    position,
                    value: p,
                });
            }
            if matrix.frequencies[i] > 0.0 || j == 0 {
                cells[j][i] = Some(p);
            }
        }
    }
    let many = unit_name(unit, true);
    Ok(HeatmapChart {
        title: format!(
            "Probability a customer is alive, customers of age {} {many}",
            number_label(age)
        ),
        x_axis: Axis::new("Frequency x", Some("repeat purchases")),
        y_axis: Axis::new(
            "Recency t_x",
            Some(&format!("{many} after the first purchase")),
        ),
        value_axis: Axis::new("P(alive)", None),
        x_labels: number_labels(&matrix.frequencies),
        y_labels: number_labels(&matrix.recencies),
        cells,
    })
}

fn check_shape(matrix: &AliveMatrix) -> Result<(), ChartError> {
    let mismatch = |name, expected, found| ChartError::LengthMismatch {
        name,
        expected,
        found,
    };
    let (columns, rows) = (matrix.frequencies.len(), matrix.recencies.len());
    if matrix.values.len() != columns {
        return Err(mismatch("values", columns, matrix.values.len()));
    }
    match matrix.values.iter().find(|row| row.len() != rows) {
        Some(row) => Err(mismatch("values[i]", rows, row.len())),
        None => Ok(()),
    }
}
