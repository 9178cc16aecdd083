//! [`HeatmapChart`] as SVG: one rectangle per cell colored on the viridis scale, empty cells
//! light grey, and a color bar with its ticks and label at the right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use super::axes::{build, AxisData};
use super::counts::draw_counts;
use super::frame::{draw_frame, SvgOptions, EDGE};
use super::text::{fit, line_height, style, text_width};
use super::ticks::continuous;
use super::{drawing, ChartError};
use crate::charts::HeatmapChart;
use crate::settings::Settings;

/// Color bar tick label size and bar width, in pixels.
const BAR_LABEL_SIZE: f64 = 12.0;
const BAR_WIDTH: i32 = 16;
/// The color bar's description size.
const BAR_DESC_SIZE: f64 = 14.0;

/// Viridis (matplotlib's default colormap, perceptually uniform and readable in grey) at nine
/// evenly spaced stops, from matplotlib's `_viridis_data`.
const VIRIDIS: [(f64, f64, f64); 9] = [
    (68.0, 1.0, 84.0),
    (71.0, 45.0, 123.0),
    (59.0, 82.0, 139.0),
    (44.0, 114.0, 142.0),
    (33.0, 145.0, 140.0),
    (40.0, 174.0, 128.0),
    (94.0, 201.0, 98.0),
    (173.0, 220.0, 48.0),
    (253.0, 231.0, 37.0),
];

/// The viridis color at `t` in [0, 1] (clamped), linear between stops.
fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (VIRIDIS.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(VIRIDIS.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl HeatmapChart {
    /// The chart as an SVG document of `options`' size (feature `charts`).
    ///
    /// # Errors
    ///
    /// The errors of [`SvgOptions`]' check and of [`HeatmapChart::check`];
    /// [`ChartError::Drawing`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::charts::{Axis, HeatmapChart, SvgOptions};
    /// let chart = HeatmapChart {
    ///     title: "Two by two".into(),
    ///     x_axis: Axis::new("x", None),
    ///     y_axis: Axis::new("y", None),
    ///     value_axis: Axis::new("value", None),
    ///     x_labels: vec!["a".into(), "b".into()],
    ///     y_labels: vec!["c".into(), "d".into()],
    ///     cells: vec![vec![Some(1.0), None], vec![Some(0.5), Some(2.0)]],
    /// };
    /// let svg = chart.to_svg(&SvgOptions::default())?;
    /// assert!(svg.starts_with("<svg") && svg.contains("Two by two"));
    /// # Ok::<(), customer_value::charts::ChartError>(())
    /// ```
    pub fn to_svg(&self, options: &SvgOptions) -> Result<String, ChartError> {
        options.check()?;
        self.check()?;
        self.render(options, None)
    }

    /// The checked chart as SVG, with `counts` written in the cells when given.
    pub(super) fn render(
        &self, options: &SvgOptions, counts: Option<&[Vec<u64>]>,
    ) -> Result<String, ChartError> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (options.width, options.height))
                .into_drawing_area();
            let area = draw_frame(&root, &self.title, &[])?;
            self.draw(&area, counts)?;
            root.present().map_err(drawing)?;
        }
        Ok(svg)
    }

    fn draw<DB: DrawingBackend>(
        &self, area: &DrawingArea<DB, Shift>, counts: Option<&[Vec<u64>]>,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let (low, high) = self.value_range().unwrap_or((0.0, 1.0));
        let bar_ticks: Vec<(f64, String)> = continuous(low, high, 6)
            .marks
            .into_iter()
            .filter(|(v, _)| (low..=high).contains(v))
            .collect();
        let widest = (bar_ticks.iter())
            .map(|(_, l)| text_width(l, BAR_LABEL_SIZE))
            .fold(0.0, f64::max);
        let side = BAR_WIDTH
            + 6
            + widest.ceil() as i32
            + 10
            + line_height(BAR_DESC_SIZE).ceil() as i32
            + EDGE;
        let (width, _) = area.dim_in_pixel();
        let (main, bar) = area.split_horizontally(width as i32 - side);
        let x = AxisData::Categories(&self.x_labels);
        let y = AxisData::Categories(&self.y_labels);
        let mut chart = build(&main, x, y, &self.x_axis.text(), &self.y_axis.text())?;
        let span = if high > low { high - low } else { 1.0 };
        let cells = self.cells.iter().enumerate().flat_map(|(i, row)| {
            row.iter().enumerate().map(move |(j, value)| {
                let color = match value {
                    Some(v) => viridis((v - low) / span),
                    None => RGBColor(238, 238, 238),
                };
                let (x, y) = (j as f64, i as f64);
                Rectangle::new([(x, y), (x + 1.0, y + 1.0)], color.filled())
            })
        });
        chart.draw_series(cells).map_err(drawing)?;
        if let Some(counts) = counts {
            // Light text on the dark (low) half of viridis, dark text on the light half.
            let dark = |v: f64| (v - low) / span < 0.5;
            draw_counts(&mut chart, &self.cells, counts, dark)?;
        }
        let (_, plot_y) = chart.plotting_area().get_pixel_range();
        let top = plot_y.start - bar.get_base_pixel().1;
        let bottom = plot_y.end - bar.get_base_pixel().1;
        let scale = ColorBar {
            low,
            high,
            top,
            bottom,
        };
        scale.draw(&bar, &bar_ticks, widest, &self.value_axis.text())
    }
}

/// The color bar beside a heatmap: the scale from `low` (bottom) to `high` (top) between the
/// pixel rows `top` and `bottom` of its area.
struct ColorBar {
    low: f64,
    high: f64,
    top: i32,
    bottom: i32,
}

impl ColorBar {
    fn draw<DB: DrawingBackend>(
        &self, area: &DrawingArea<DB, Shift>, ticks: &[(f64, String)], widest: f64, label: &str,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let steps = (self.bottom - self.top).max(1);
        for k in 0..steps {
            // Row k from the bottom, colored at its share of the scale.
            let color = viridis(f64::from(k) / f64::from(steps));
            let y = self.bottom - k;
            let row = Rectangle::new([(0, y - 1), (BAR_WIDTH, y)], color.filled());
            area.draw(&row).map_err(drawing)?;
        }
        let span = if self.high > self.low {
            self.high - self.low
        } else {
            1.0
        };
        let tick_style = style(BAR_LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        for (value, text) in ticks {
            let y = self.bottom - ((value - self.low) / span * f64::from(steps)).round() as i32;
            let tick = PathElement::new(vec![(BAR_WIDTH, y), (BAR_WIDTH + 4, y)], BLACK);
            area.draw(&tick).map_err(drawing)?;
            area.draw_text(text, &tick_style, (BAR_WIDTH + 6, y))
                .map_err(drawing)?;
        }
        let x = BAR_WIDTH + 6 + widest.ceil() as i32 + 10;
        let label = fit(label, BAR_DESC_SIZE, f64::from(steps));
        let desc_style = style(BAR_DESC_SIZE)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        area.draw_text(&label, &desc_style, (x, (self.top + self.bottom) / 2))
            .map_err(drawing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_middle() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(0.5), RGBColor(33, 145, 140));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
    }
}
