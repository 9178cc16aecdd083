//! [`BarChart`] as SVG: the series side by side in each category, from 0, with the legend when
//! there are two series or more.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{build, AxisData};
use super::frame::{draw_frame, series_color, SvgOptions, Swatch};
use super::{drawing, ChartError};
use crate::charts::BarChart;
use crate::settings::Settings;

/// The share of a category's width its bars take together.
pub(super) const GROUP_WIDTH: f64 = 0.8;

impl BarChart {
    /// The chart as an SVG document of `options`' size (feature `charts`).
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
    ///     title: "Counts".into(),
    ///     x_axis: Axis::new("Repeat purchases", None),
    ///     y_axis: Axis::new("Customers", None),
    ///     categories: vec!["0".into(), "1+".into()],
    ///     series: vec![BarSeries { name: "Actual".into(), values: vec![3.0, 1.0] }],
    /// };
    /// let svg = chart.to_svg(&SvgOptions::default())?;
    /// assert!(svg.contains("Counts") && svg.contains("Customers"));
    /// # Ok::<(), customer_value::charts::ChartError>(())
    /// ```
    pub fn to_svg(&self, options: &SvgOptions) -> Result<String, ChartError> {
        self.page(options, |area| {
            let x = AxisData::Categories(&self.categories);
            // Bars grow from 0; all zeros still get an axis from 0 to 1.
            let top = self.max_value();
            let y = AxisData::Continuous(0.0, if top > 0.0 { top } else { 1.0 });
            let mut chart = build(area, x, y, &self.x_axis.text(), &self.y_axis.text())?;
            let width = GROUP_WIDTH / self.series.len() as f64;
            for (k, series) in self.series.iter().enumerate() {
                let color = series_color(k);
                let bars = series.values.iter().enumerate().map(|(i, &v)| {
                    let left = i as f64 + (1.0 - GROUP_WIDTH) / 2.0 + k as f64 * width;
                    Rectangle::new([(left, 0.0), (left + width, v)], color.filled())
                });
                chart.draw_series(bars).map_err(drawing)?;
            }
            Ok(())
        })
    }

    /// Checks the options and the chart, draws the page (title, legend) and lets `plot` draw
    /// in the area left: what the bar charts down and across share.
    pub(super) fn page(
        &self, options: &SvgOptions,
        plot: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), ChartError>,
    ) -> Result<String, ChartError> {
        options.check()?;
        self.check()?;
        let legend = self.legend();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (options.width, options.height))
                .into_drawing_area();
            let area = draw_frame(&root, &self.title, &legend)?;
            plot(&area)?;
            root.present().map_err(drawing)?;
        }
        Ok(svg)
    }

    /// The legend's entries: each series' name with its color.
    pub(super) fn legend(&self) -> Vec<(String, Swatch)> {
        (self.series.iter().enumerate())
            .map(|(k, s)| (s.name.clone(), Swatch::Square(series_color(k))))
            .collect()
    }
}
