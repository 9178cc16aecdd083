//! [`LineChart`] as SVG: solid and dashed lines, vertical markers with their labels along the
//! plot's top, and the legend when there are two series or more.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{build, AxisData, Coords};
use super::frame::{draw_frame, series_color, SvgOptions, Swatch};
use super::text::{fit, line_height, style, text_width};
use super::{drawing, ChartError};
use crate::charts::{LineChart, LineStyle};
use crate::settings::Settings;

/// Marker label size in pixels.
const MARKER_SIZE: f64 = 12.0;

impl LineChart {
    /// The chart as an SVG document of `options`' size (feature `charts`).
    ///
    /// # Errors
    ///
    /// The errors of [`SvgOptions`]' check and of [`LineChart::check`];
    /// [`ChartError::Drawing`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::charts::{Axis, LineChart, LineSeries, LineStyle, SvgOptions};
    /// let chart = LineChart {
    ///     title: "A line".into(),
    ///     x_axis: Axis::new("Week", None),
    ///     y_axis: Axis::new("Purchases", None),
    ///     series: vec![LineSeries { name: "Actual".into(), points: vec![[1.0, 2.0], [2.0, 3.0]], style: LineStyle::Solid }],
    ///     markers: vec![],
    /// };
    /// let svg = chart.to_svg(&SvgOptions::default())?;
    /// assert!(svg.contains("A line") && svg.contains("Purchases"));
    /// # Ok::<(), customer_value::charts::ChartError>(())
    /// ```
    pub fn to_svg(&self, options: &SvgOptions) -> Result<String, ChartError> {
        options.check()?;
        self.check()?;
        let legend: Vec<(String, Swatch)> = (self.series.iter().enumerate())
            .map(|(k, s)| {
                let swatch = Swatch::Line(series_color(k), s.style == LineStyle::Dashed);
                (s.name.clone(), swatch)
            })
            .collect();
        let Some(([x0, y0], [x1, y1])) = self.bounds() else {
            return Err(ChartError::EmptyInput { name: "series" });
        };
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (options.width, options.height))
                .into_drawing_area();
            let area = draw_frame(&root, &self.title, &legend)?;
            let x = AxisData::Continuous(x0, x1);
            // Counts and probabilities read from 0.
            let y = AxisData::Continuous(y0.min(0.0), y1);
            let mut chart = build(&area, x, y, &self.x_axis.text(), &self.y_axis.text())?;
            self.draw_markers(&mut chart)?;
            self.draw_series(&mut chart)?;
            root.present().map_err(drawing)?;
        }
        Ok(svg)
    }

    fn draw_series<DB: DrawingBackend>(
        &self, chart: &mut ChartContext<'_, DB, Coords>,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        for (k, series) in self.series.iter().enumerate() {
            let line_style = series_color(k).stroke_width(2);
            let points = series.points.iter().map(|&[x, y]| (x, y));
            match series.style {
                LineStyle::Solid => chart.draw_series(LineSeries::new(points, line_style)),
                LineStyle::Dashed => {
                    chart.draw_series(DashedLineSeries::new(points, 7, 4, line_style))
                }
            }
            .map_err(drawing)?;
        }
        Ok(())
    }

    /// Vertical lines; each label beside its line at the plot's top, right of it when
    /// it fits, else left, one line lower than a label it would touch.
    fn draw_markers<DB: DrawingBackend>(
        &self, chart: &mut ChartContext<'_, DB, Coords>,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let (y_low, y_high) = {
            let range = chart.y_range();
            (range.start, range.end)
        };
        for marker in &self.markers {
            let line = [(marker.x, y_low), (marker.x, y_high)];
            // A labelled marker (the calibration's end) is a dashed dark line; unlabelled ones
            // (purchases, possibly hundreds) are plain light lines: one element each.
            match marker.label {
                Some(_) => chart.draw_series(DashedLineSeries::new(
                    line,
                    5,
                    4,
                    RGBColor(90, 90, 90).stroke_width(1),
                )),
                None => chart.draw_series(LineSeries::new(line, RGBColor(200, 200, 200))),
            }
            .map_err(drawing)?;
        }
        let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
        let area = chart.plotting_area().strip_coord_spec();
        let (base_x, base_y) = area.get_base_pixel();
        let row_height = (line_height(MARKER_SIZE) + 2.0).ceil() as i32;
        let mut placed: Vec<(i32, i32, i32)> = Vec::new(); // (row, left, right)
        for marker in &self.markers {
            let Some(label) = &marker.label else { continue };
            let (at, _) = chart.backend_coord(&(marker.x, y_high));
            let right_room = f64::from(plot_x.end - at - 8);
            let left_room = f64::from(at - plot_x.start - 8);
            let on_right = right_room >= left_room.min(text_width(label, MARKER_SIZE));
            let (text, left) = if on_right {
                (fit(label, MARKER_SIZE, right_room), at + 4)
            } else {
                let text = fit(label, MARKER_SIZE, left_room);
                let w = text_width(&text, MARKER_SIZE).ceil() as i32;
                (text, at - 4 - w)
            };
            let w = text_width(&text, MARKER_SIZE).ceil() as i32;
            let row = (0..)
                .find(|r| {
                    !placed
                        .iter()
                        .any(|&(pr, l, rr)| pr == *r && left < rr + 4 && l < left + w + 4)
                })
                .unwrap_or(0);
            placed.push((row, left, left + w));
            let y = plot_y.start + 4 + row * row_height;
            // Anchored at its left end either way: the box is where it was measured to be.
            let label_style = style(MARKER_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
            area.draw_text(&text, &label_style, (left - base_x, y - base_y))
                .map_err(drawing)?;
        }
        Ok(())
    }
}
