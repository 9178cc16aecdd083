//! [`BarChart`] drawn across: categories down the left, one under the other from the top, and
//! bars growing to the right. Long category names (segments) keep up to 180 px of their text
//! on the left, where a category axis along the bottom has only its cell's width: twelve
//! 40-character names under 800 px would be cut to two letters each.

use plotters::prelude::*;

use super::axes::{build, AxisData};
use super::bar::GROUP_WIDTH;
use super::frame::{series_color, SvgOptions};
use super::{drawing, ChartError};
use crate::charts::BarChart;

impl BarChart {
    /// The chart as an SVG document of `options`' size with its bars across (feature
    /// `charts`): the categories' axis ([`BarChart::x_axis`]) on the left, the first category
    /// at the top, and the values' axis ([`BarChart::y_axis`]) along the bottom. Within a
    /// category the series run from the top in their order.
    ///
    /// # Errors
    ///
    /// The errors of [`SvgOptions`]' check and of [`BarChart::check`];
    /// [`ChartError::Drawing`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::charts::{Axis, BarChart, BarSeries, SvgOptions};
    /// let chart = BarChart {
    ///     title: "Segments".into(),
    ///     x_axis: Axis::new("Segment", None),
    ///     y_axis: Axis::new("Share", Some("%")),
    ///     categories: vec!["Buys often, spends a lot".into(), "Others".into()],
    ///     series: vec![BarSeries { name: "Customers".into(), values: vec![30.0, 70.0] }],
    /// };
    /// let svg = chart.to_svg_across(&SvgOptions::default())?;
    /// assert!(svg.contains("Buys often, spends a lot") && svg.contains("Share (%)"));
    /// # Ok::<(), customer_value::charts::ChartError>(())
    /// ```
    pub fn to_svg_across(&self, options: &SvgOptions) -> Result<String, ChartError> {
        self.page(options, |area| {
            // The axis counts categories from the bottom: list them last first.
            let bottom_up: Vec<String> = self.categories.iter().rev().cloned().collect();
            let top = self.max_value();
            let x = AxisData::Continuous(0.0, if top > 0.0 { top } else { 1.0 });
            let y = AxisData::Categories(&bottom_up);
            let mut chart = build(area, x, y, &self.y_axis.text(), &self.x_axis.text())?;
            let count = self.categories.len();
            let height = GROUP_WIDTH / self.series.len() as f64;
            for (k, series) in self.series.iter().enumerate() {
                let color = series_color(k);
                let bars = series.values.iter().enumerate().map(|(i, &v)| {
                    let slot = (count - 1 - i) as f64;
                    let upper = slot + (1.0 + GROUP_WIDTH) / 2.0 - k as f64 * height;
                    Rectangle::new([(0.0, upper - height), (v, upper)], color.filled())
                });
                chart.draw_series(bars).map_err(drawing)?;
            }
            Ok(())
        })
    }
}
