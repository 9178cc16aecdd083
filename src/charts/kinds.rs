//! The shapes every chart of this module takes: a heatmap (a grid of colored cells), a line
//! chart (series of points, with vertical markers), a bar chart (grouped bars over named
//! categories) and a scatter of labelled points (with quadrant lines); `classed_bars` adds bars
//! colored by class with estimates. A chart's builder fills one of them with the crate's own results; a renderer
//! (the `charts` feature, or a service's front end) draws it.

use super::ChartError;

/// An axis: what it shows, and in which unit.
///
/// # Examples
///
/// ```
/// use customer_value::charts::Axis;
/// let axis = Axis::new("Recency t_x", Some("weeks since the first purchase"));
/// assert_eq!(axis.text(), "Recency t_x (weeks since the first purchase)");
/// assert_eq!(Axis::new("Customers", None).text(), "Customers");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Axis {
    /// What the axis shows.
    pub label: String,
    /// Its unit, if it has one (a count of customers has none).
    pub unit: Option<String>,
}

impl Axis {
    /// An axis showing `label` in `unit`.
    pub fn new(label: &str, unit: Option<&str>) -> Self {
        Axis {
            label: label.to_owned(),
            unit: unit.map(str::to_owned),
        }
    }

    /// The text drawn along the axis: "label (unit)", or the label alone.
    pub fn text(&self) -> String {
        match &self.unit {
            Some(unit) => format!("{} ({unit})", self.label),
            None => self.label.clone(),
        }
    }
}

/// A grid of cells, each colored by its value: `cells[row][column]`, rows along the y axis from
/// the bottom, columns along the x axis from the left. A cell without a value (`None`) is one no
/// customer can be in (x = 0 with t_x > 0), drawn empty.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{Axis, HeatmapChart};
/// let chart = HeatmapChart {
///     title: "Two by two".into(),
///     x_axis: Axis::new("x", None),
///     y_axis: Axis::new("y", None),
///     value_axis: Axis::new("value", None),
///     x_labels: vec!["a".into(), "b".into()],
///     y_labels: vec!["c".into(), "d".into()],
///     cells: vec![vec![Some(1.0), None], vec![Some(0.5), Some(2.0)]],
/// };
/// assert!(chart.check().is_ok());
/// assert_eq!(chart.value_range(), Some((0.5, 2.0)));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HeatmapChart {
    /// The chart's title.
    pub title: String,
    /// The horizontal axis (columns).
    pub x_axis: Axis,
    /// The vertical axis (rows).
    pub y_axis: Axis,
    /// What the colors show (the color bar's label).
    pub value_axis: Axis,
    /// One label per column.
    pub x_labels: Vec<String>,
    /// One label per row, the first at the bottom.
    pub y_labels: Vec<String>,
    /// `cells[row][column]`: one row per y label, each with one cell per x label.
    pub cells: Vec<Vec<Option<f64>>>,
}

impl HeatmapChart {
    /// Checks that the grid matches its labels and every value is finite.
    ///
    /// # Errors
    ///
    /// [`ChartError::EmptyInput`] naming `x_labels` or `y_labels` when there are none;
    /// [`ChartError::LengthMismatch`] naming `cells` (rows) or `cells[i]` (a row's cells) when
    /// the grid's shape differs from the labels'; [`ChartError::InvalidValue`] naming `cells`
    /// with the row-major position of a value that is not finite.
    pub fn check(&self) -> Result<(), ChartError> {
        non_empty("x_labels", self.x_labels.len())?;
        non_empty("y_labels", self.y_labels.len())?;
        same_length("cells", self.y_labels.len(), self.cells.len())?;
        for row in &self.cells {
            same_length("cells[i]", self.x_labels.len(), row.len())?;
        }
        let values = self.cells.iter().flatten().map(|v| v.unwrap_or(0.0));
        finite("cells", values)
    }

    /// The smallest and largest value of the grid, or `None` when every cell is empty.
    pub fn value_range(&self) -> Option<(f64, f64)> {
        let values = self.cells.iter().flatten().flatten();
        values.fold(None, |range, &v| match range {
            None => Some((v, v)),
            Some((low, high)) => Some((f64::min(low, v), f64::max(high, v))),
        })
    }
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LineStyle {
    /// A solid line (what happened).
    #[default]
    Solid,
    /// A dashed line (what a model expects).
    Dashed,
}

/// One series of a [`LineChart`]: points joined in order.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LineSeries {
    /// The series' name in the legend.
    pub name: String,
    /// Its points as (x, y), in order of x.
    pub points: Vec<[f64; 2]>,
    /// How the line is drawn.
    pub style: LineStyle,
}

/// A vertical line across a [`LineChart`] at `x`: the end of a calibration, or a purchase.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Marker {
    /// Where the line stands on the x axis.
    pub x: f64,
    /// Its label, drawn beside it, or `None` for an unlabelled line (purchases).
    pub label: Option<String>,
}

/// Lines over a continuous x axis, with vertical markers.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{Axis, LineChart, LineSeries, LineStyle};
/// let chart = LineChart {
///     title: "A line".into(),
///     x_axis: Axis::new("Week", None),
///     y_axis: Axis::new("Purchases", None),
///     series: vec![LineSeries { name: "Actual".into(), points: vec![[1.0, 2.0], [2.0, 3.0]], style: LineStyle::Solid }],
///     markers: vec![],
/// };
/// assert_eq!(chart.bounds(), Some(([1.0, 2.0], [2.0, 3.0])));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LineChart {
    /// The chart's title.
    pub title: String,
    /// The horizontal axis.
    pub x_axis: Axis,
    /// The vertical axis.
    pub y_axis: Axis,
    /// The series, drawn in order and named in the legend when there are two or more.
    pub series: Vec<LineSeries>,
    /// Vertical markers.
    pub markers: Vec<Marker>,
}

impl LineChart {
    /// Checks that there is a point to draw and every coordinate is finite.
    ///
    /// # Errors
    ///
    /// [`ChartError::EmptyInput`] naming `series` when no series has a point;
    /// [`ChartError::InvalidValue`] naming `points` (with the position among all series' points
    /// in order) or `markers` for a coordinate that is not finite.
    pub fn check(&self) -> Result<(), ChartError> {
        let points = || self.series.iter().flat_map(|s| &s.points);
        non_empty("series", points().count())?;
        finite("points", points().flatten().copied())?;
        finite("markers", self.markers.iter().map(|m| m.x))
    }

    /// The lowest and highest (x, y) over every point and marker, or `None` without points.
    pub fn bounds(&self) -> Option<([f64; 2], [f64; 2])> {
        let points = self.series.iter().flat_map(|s| s.points.iter().copied());
        let mut bounds = None;
        for [x, y] in points {
            let ([x0, y0], [x1, y1]) = bounds.unwrap_or(([x, y], [x, y]));
            bounds = Some(([x0.min(x), y0.min(y)], [x1.max(x), y1.max(y)]));
        }
        let ([mut x0, y0], [mut x1, y1]) = bounds?;
        for marker in &self.markers {
            (x0, x1) = (x0.min(marker.x), x1.max(marker.x));
        }
        Some(([x0, y0], [x1, y1]))
    }
}

/// One series of a [`BarChart`]: a value per category.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BarSeries {
    /// The series' name in the legend.
    pub name: String,
    /// One value per category, in the categories' order.
    pub values: Vec<f64>,
}

/// Bars over named categories, one bar per series side by side in each category.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{Axis, BarChart, BarSeries};
/// let chart = BarChart {
///     title: "Counts".into(),
///     x_axis: Axis::new("Repeat purchases", None),
///     y_axis: Axis::new("Customers", None),
///     categories: vec!["0".into(), "1+".into()],
///     series: vec![BarSeries { name: "Actual".into(), values: vec![3.0, 1.0] }],
/// };
/// assert!(chart.check().is_ok());
/// assert_eq!(chart.max_value(), 3.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BarChart {
    /// The chart's title.
    pub title: String,
    /// The axis of the categories.
    pub x_axis: Axis,
    /// The axis of the values.
    pub y_axis: Axis,
    /// The categories, in order.
    pub categories: Vec<String>,
    /// The series, named in the legend when there are two or more.
    pub series: Vec<BarSeries>,
}

impl BarChart {
    /// Checks that there are categories and series, each series has a value per category, and
    /// every value is finite and at least 0 (bars grow from 0).
    ///
    /// # Errors
    ///
    /// [`ChartError::EmptyInput`] naming `categories` or `series` when there are none;
    /// [`ChartError::LengthMismatch`] naming `values` when a series has not one value per
    /// category; [`ChartError::InvalidValue`] naming `values` with the position among all
    /// series' values in order, for a value that is negative or not finite.
    pub fn check(&self) -> Result<(), ChartError> {
        non_empty("categories", self.categories.len())?;
        non_empty("series", self.series.len())?;
        for series in &self.series {
            same_length("values", self.categories.len(), series.values.len())?;
        }
        let values = self.series.iter().flat_map(|s| s.values.iter().copied());
        non_negative("values", values)
    }

    /// The largest value over every series (0 without values).
    pub fn max_value(&self) -> f64 {
        let values = self.series.iter().flat_map(|s| s.values.iter().copied());
        values.fold(0.0, f64::max)
    }
}

/// One point of a [`ScatterChart`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScatterPoint {
    /// What the point is (a driver's name), listed in the chart's key.
    pub label: String,
    /// Its position on the x axis.
    pub x: f64,
    /// Its position on the y axis.
    pub y: f64,
    /// Its group (color and legend entry): an index into the chart's `groups`.
    pub group: usize,
}

/// Labelled points over two continuous axes, colored by group, with optional lines splitting
/// the plot into quadrants.
///
/// Drawn (feature `charts`), each point carries its number (1, 2, …) and a key beside the plot
/// pairs each number with the point's label: names of 40 characters beside 12 points close
/// together cannot all stay readable, numbers can (they move around their point until they touch
/// no other text), and the key lists the names in full where it has the room.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{Axis, ScatterChart, ScatterPoint};
/// let chart = ScatterChart {
///     title: "Two drivers".into(),
///     x_axis: Axis::new("Performance", None),
///     y_axis: Axis::new("Importance", Some("%")),
///     points: vec![
///         ScatterPoint { label: "Price".into(), x: 2.6, y: 40.0, group: 0 },
///         ScatterPoint { label: "Delivery".into(), x: 3.4, y: 60.0, group: 0 },
///     ],
///     groups: vec!["Drivers".into()],
///     x_split: Some(3.0),
///     y_split: None,
/// };
/// assert_eq!(chart.bounds(), Some(([2.6, 40.0], [3.4, 60.0])));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScatterChart {
    /// The chart's title.
    pub title: String,
    /// The horizontal axis.
    pub x_axis: Axis,
    /// The vertical axis.
    pub y_axis: Axis,
    /// The points, numbered from 1 in this order.
    pub points: Vec<ScatterPoint>,
    /// The groups' names, named in the legend when there are two or more.
    pub groups: Vec<String>,
    /// A vertical line at this x (a quadrant split), if any.
    pub x_split: Option<f64>,
    /// A horizontal line at this y, if any.
    pub y_split: Option<f64>,
}

impl ScatterChart {
    /// Checks that there is a point, every group exists and every coordinate is finite.
    ///
    /// # Errors
    ///
    /// [`ChartError::EmptyInput`] naming `points` or `groups` when there are none;
    /// [`ChartError::InvalidValue`] naming `group` (an index past the groups, with the point's
    /// position), `points` (a coordinate not finite, position 2i for x and 2i + 1 for y of point
    /// i) or `splits` (0 for x, 1 for y).
    pub fn check(&self) -> Result<(), ChartError> {
        non_empty("points", self.points.len())?;
        non_empty("groups", self.groups.len())?;
        let groups = self.points.iter().map(|p| p.group);
        within("group", groups, self.groups.len())?;
        finite("points", self.points.iter().flat_map(|p| [p.x, p.y]))?;
        let splits = [self.x_split.unwrap_or(0.0), self.y_split.unwrap_or(0.0)];
        finite("splits", splits.into_iter())
    }

    /// The lowest and highest (x, y) over every point and split, or `None` without points.
    pub fn bounds(&self) -> Option<([f64; 2], [f64; 2])> {
        let first = self.points.first()?;
        let start = ([first.x, first.y], [first.x, first.y]);
        let bounds = self.points.iter().fold(start, |([x0, y0], [x1, y1]), p| {
            ([x0.min(p.x), y0.min(p.y)], [x1.max(p.x), y1.max(p.y)])
        });
        let ([mut x0, mut y0], [mut x1, mut y1]) = bounds;
        if let Some(x) = self.x_split {
            (x0, x1) = (x0.min(x), x1.max(x));
        }
        if let Some(y) = self.y_split {
            (y0, y1) = (y0.min(y), y1.max(y));
        }
        Some(([x0, y0], [x1, y1]))
    }
}

pub(super) fn non_empty(name: &'static str, len: usize) -> Result<(), ChartError> {
    if len == 0 {
        Err(ChartError::EmptyInput { name })
    } else {
        Ok(())
    }
}

pub(super) fn same_length(
    name: &'static str, expected: usize, found: usize,
) -> Result<(), ChartError> {
    if expected == found {
        Ok(())
    } else {
        Err(ChartError::LengthMismatch {
            name,
            expected,
            found,
        })
    }
}

/// Every index below `count` (it points into a list of that length), or the first that is not.
pub(super) fn within(
    name: &'static str, indices: impl Iterator<Item = usize>, count: usize,
) -> Result<(), ChartError> {
    match indices.enumerate().find(|(_, i)| *i >= count) {
        Some((position, index)) => Err(ChartError::InvalidValue {
            name,
            position,
            value: index as f64,
        }),
        None => Ok(()),
    }
}

/// Every value finite and at least 0 (bars grow from 0), or the first that is not.
pub(super) fn non_negative(
    name: &'static str, values: impl Iterator<Item = f64>,
) -> Result<(), ChartError> {
    match values
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && *v >= 0.0))
    {
        Some((position, value)) => Err(ChartError::InvalidValue {
            name,
            position,
            value,
        }),
        None => Ok(()),
    }
}

pub(super) fn finite(
    name: &'static str, values: impl Iterator<Item = f64>,
) -> Result<(), ChartError> {
    match values.enumerate().find(|(_, v)| !v.is_finite()) {
        Some((position, value)) => Err(ChartError::InvalidValue {
            name,
            position,
            value,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ragged_grid_and_nan_are_refused() {
        let mut chart = HeatmapChart {
            title: String::new(),
            x_axis: Axis::new("x", None),
            y_axis: Axis::new("y", None),
            value_axis: Axis::new("v", None),
            x_labels: vec!["a".into(), "b".into()],
            y_labels: vec!["c".into()],
            cells: vec![vec![Some(1.0)]],
        };
        assert_eq!(
            chart.check(),
            Err(ChartError::LengthMismatch {
                name: "cells[i]",
                expected: 2,
                found: 1
            })
        );
        chart.cells = vec![vec![None, Some(f64::INFINITY)]];
        assert!(matches!(
            chart.check(),
            Err(ChartError::InvalidValue { position: 1, .. })
        ));
        chart.cells = vec![vec![None, None]];
        assert_eq!((chart.check(), chart.value_range()), (Ok(()), None));
    }

    #[test]
    fn negative_bars_and_empty_lines_are_refused() {
        let bars = BarChart {
            title: String::new(),
            x_axis: Axis::new("x", None),
            y_axis: Axis::new("y", None),
            categories: vec!["a".into()],
            series: vec![BarSeries {
                name: "s".into(),
                values: vec![-1.0],
            }],
        };
        assert!(matches!(
            bars.check(),
            Err(ChartError::InvalidValue { value, .. }) if value == -1.0
        ));
        let lines = LineChart {
            title: String::new(),
            x_axis: Axis::new("x", None),
            y_axis: Axis::new("y", None),
            series: vec![],
            markers: vec![],
        };
        assert_eq!(
            lines.check(),
            Err(ChartError::EmptyInput { name: "series" })
        );
        assert_eq!(lines.bounds(), None);
    }
}
