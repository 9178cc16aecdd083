//! Chart 6: P(alive) along one customer's history (lifetimes' `plot_history_alive`), from
//! [`alive_path`](crate::clv::alive_path): the probability falls between purchases and jumps
//! back at each one, marked by a vertical line.

use super::kinds::{Axis, LineChart, LineSeries, LineStyle, Marker};
use super::{unit_name, ChartError};
use crate::clv::AlivePoint;
use crate::TimeUnit;

/// The P(alive) path of one customer, with a marker at every age where its frequency rises (a
/// purchase) and one at age 0 (the first purchase).
///
/// # Errors
///
/// [`ChartError::EmptyInput`] naming `path` when it has no point.
///
/// # Examples
///
/// ```
/// use customer_value::charts::alive_history_chart;
/// use customer_value::clv::{alive_path, BgNbd};
/// use customer_value::TimeUnit;
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let path = alive_path(&model, &[0.0, 2.0, 5.0], 8.0, 1.0)?;
/// let chart = alive_history_chart(&path, TimeUnit::Weeks)?;
/// let purchases: Vec<f64> = chart.markers.iter().map(|m| m.x).collect();
/// assert_eq!(purchases, [0.0, 2.0, 5.0]);
/// assert_eq!(chart.series[0].points[8], [8.0, path[8].probability_alive]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn alive_history_chart(path: &[AlivePoint], unit: TimeUnit) -> Result<LineChart, ChartError> {
    let Some(first) = path.first() else {
        return Err(ChartError::EmptyInput { name: "path" });
    };
    let mut markers = vec![Marker {
        x: first.age,
        label: None,
    }];
    for pair in path.windows(2) {
        if pair[1].frequency > pair[0].frequency {
            markers.push(Marker {
                x: pair[1].age,
                label: None,
            });
        }
    }
    Ok(LineChart {
        title: "Probability the customer is alive, along its history".to_owned(),
        x_axis: Axis::new(
            "Age",
            Some(&format!(
                "{} since the first purchase",
                unit_name(unit, true)
            )),
        ),
        y_axis: Axis::new("P(alive)", None),
        series: vec![LineSeries {
            name: "P(alive)".to_owned(),
            points: path.iter().map(|p| [p.age, p.probability_alive]).collect(),
            style: LineStyle::Solid,
        }],
        markers,
    })
}
