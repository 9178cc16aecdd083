//! Chart 13: the key drivers' importance–performance grid (Martilla & James 1977,
//! "Importance-performance analysis", *Journal of Marketing* 41(1)), from [`KeyDrivers`]:
//! performance (the driver's mean score) across, importance (its share of R² by Johnson's
//! relative weights, in %) up, split into the four quadrants at the means or where the caller
//! chooses. "Concentrate here" is top left, as in the paper's figure.

use super::kinds::{same_length, Axis, ScatterChart, ScatterPoint};
use super::ChartError;
use crate::satisfaction::KeyDrivers;

/// Where the quadrants split: an importance share (0 to 1, as
/// [`crate::satisfaction::DriverImportance::relative_weight_share`]) and a performance (a mean
/// score). [`QuadrantSplits::at_means`] is the analysis' own split.
///
/// # Examples
///
/// ```
/// use customer_value::charts::QuadrantSplits;
/// use customer_value::satisfaction::KeyDrivers;
/// let drivers = KeyDrivers::from_correlations(
///     &[vec![1.0, 0.5], vec![0.5, 1.0]], &[0.6, 0.4], &[4.1, 3.2])?;
/// let splits = QuadrantSplits::at_means(&drivers);
/// assert_eq!(splits.importance, 0.5);
/// assert!((splits.performance - 3.65).abs() < 1e-12);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuadrantSplits {
    /// The importance share at which "high importance" starts (0 to 1).
    pub importance: f64,
    /// The performance at which "high performance" starts.
    pub performance: f64,
}

impl QuadrantSplits {
    /// The split of [`KeyDrivers`]' own quadrants: the mean importance 1/p and the mean of the
    /// drivers' performances.
    pub fn at_means(drivers: &KeyDrivers) -> Self {
        QuadrantSplits {
            importance: drivers.mean_importance(),
            performance: drivers.mean_performance(),
        }
    }
}

/// The four quadrants, as the chart's groups (legend order).
const QUADRANTS: [&str; 4] = [
    "Concentrate here",
    "Keep up the good work",
    "Low priority",
    "Possible overkill",
];

/// The importance–performance grid of `drivers`, one point per driver named by `names` (in
/// the drivers' input order), colored by quadrant at `splits` (a value equal to a split counts
/// as high, as in [`KeyDrivers`]).
///
/// # Errors
///
/// [`ChartError::LengthMismatch`] naming `names` when there is not one name per driver;
/// [`ChartError::InvalidParameter`] naming `importance` or `performance` when a split is not
/// finite.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{driver_quadrant_chart, QuadrantSplits};
/// use customer_value::satisfaction::KeyDrivers;
/// let drivers = KeyDrivers::from_correlations(
///     &[vec![1.0, 0.5], vec![0.5, 1.0]], &[0.6, 0.4], &[3.0, 4.0])?;
/// let splits = QuadrantSplits::at_means(&drivers);
/// let chart = driver_quadrant_chart(&drivers, &["Price", "Delivery"], &splits)?;
/// let price = &chart.points[0];
/// // Price: 76.8% of R², mean score 3.0 below the mean 3.5.
/// assert!((price.y - 76.79).abs() < 0.01 && price.x == 3.0);
/// assert_eq!(chart.groups[price.group], "Concentrate here");
/// assert_eq!((chart.x_split, chart.y_split), (Some(3.5), Some(50.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn driver_quadrant_chart<S: AsRef<str>>(
    drivers: &KeyDrivers, names: &[S], splits: &QuadrantSplits,
) -> Result<ScatterChart, ChartError> {
    same_length("names", drivers.drivers().len(), names.len())?;
    for (name, value) in [
        ("importance", splits.importance),
        ("performance", splits.performance),
    ] {
        if !value.is_finite() {
            return Err(ChartError::InvalidParameter {
                name,
                value,
                constraint: "must be finite",
            });
        }
    }
    let points = (drivers.drivers().iter().zip(names))
        .map(|(driver, name)| {
            let important = driver.relative_weight_share >= splits.importance;
            let performing = driver.performance >= splits.performance;
            ScatterPoint {
                label: name.as_ref().to_owned(),
                x: driver.performance,
                y: 100.0 * driver.relative_weight_share,
                group: match (important, performing) {
                    (true, false) => 0,
                    (true, true) => 1,
                    (false, false) => 2,
                    (false, true) => 3,
                },
            }
        })
        .collect();
    Ok(ScatterChart {
        title: "Key drivers: importance against performance".to_owned(),
        x_axis: Axis::new("Performance", Some("mean score")),
        y_axis: Axis::new("Importance", Some("% of R², relative weights")),
        points,
        groups: QUADRANTS.iter().map(|&q| q.to_owned()).collect(),
        x_split: Some(splits.performance),
        y_split: Some(100.0 * splits.importance),
    })
}
