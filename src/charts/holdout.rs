//! Chart 4: calibration against holdout purchases by calibration frequency (Fader, Hardie & Lee
//! 2005, "Counting your customers the easy way", figure 4; lifetimes'
//! `plot_calibration_purchases_vs_holdout_purchases`), from a
//! [`HoldoutComparison`](crate::clv::diagnostics::HoldoutComparison).

use super::kinds::{Axis, BarChart, BarSeries};
use super::{number_label, unit_name, ChartError};
use crate::clv::diagnostics::HoldoutComparison;
use crate::TimeUnit;

/// Mean actual and predicted holdout purchases per customer, one pair of bars per calibration
/// frequency (the last bar is "x or more"); `holdout_length` is the holdout's length in `unit`,
/// as given to [`holdout_comparison`](crate::clv::diagnostics::holdout_comparison).
///
/// # Errors
///
/// [`ChartError::EmptyInput`] naming `rows` when the comparison has none;
/// [`ChartError::InvalidParameter`] naming `holdout_length` when it is not positive and finite;
/// [`ChartError::InvalidValue`] (from [`BarChart::check`]) for a mean that is negative or not
/// finite.
///
/// # Examples
///
/// ```
/// use customer_value::charts::holdout_chart;
/// use customer_value::clv::diagnostics::holdout_comparison;
/// use customer_value::clv::{BgNbd, RepeatHistory};
/// use customer_value::TimeUnit;
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let calibration = [RepeatHistory::new(2.0, 30.43, 38.86)?, RepeatHistory::new(0.0, 0.0, 38.86)?];
/// let comparison = holdout_comparison(&model, &calibration, &[1.0, 0.0], 39.0, 2)?;
/// let chart = holdout_chart(&comparison, 39.0, TimeUnit::Weeks)?;
/// assert_eq!(chart.categories, ["0", "1", "2+"]);
/// assert_eq!(chart.series[0].values, [0.0, 0.0, 1.0]); // actual
/// assert_eq!(chart.series[1].values[2], comparison.rows[2].predicted);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn holdout_chart(
    comparison: &HoldoutComparison, holdout_length: f64, unit: TimeUnit,
) -> Result<BarChart, ChartError> {
    let Some(last) = comparison.rows.last() else {
        return Err(ChartError::EmptyInput { name: "rows" });
    };
    if !(holdout_length.is_finite() && holdout_length > 0.0) {
        return Err(ChartError::InvalidParameter {
            name: "holdout_length",
            value: holdout_length,
            constraint: "must be positive and finite",
        });
    }
    let categories = (comparison.rows.iter())
        .map(|row| match row.frequency == last.frequency {
            true => format!("{}+", row.frequency),
            false => row.frequency.to_string(),
        })
        .collect();
    let series = |name: &str, value: fn(&crate::clv::diagnostics::HoldoutRow) -> f64| BarSeries {
        name: name.to_owned(),
        values: comparison.rows.iter().map(value).collect(),
    };
    let chart = BarChart {
        title: format!(
            "Holdout purchases by calibration frequency ({} {} holdout)",
            number_label(holdout_length),
            unit_name(unit, true)
        ),
        x_axis: Axis::new("Purchases in the calibration", Some("repeat purchases x")),
        y_axis: Axis::new("Mean holdout purchases", Some("per customer")),
        categories,
        series: vec![
            series("Actual", |row| row.actual),
            series("Expected by the model", |row| row.predicted),
        ],
    };
    chart.check()?;
    Ok(chart)
}
