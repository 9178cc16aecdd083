//! [`ClassedBarChart`] as SVG: one bar per category in its class' color, the classes in the
//! legend, and each estimate with its interval on a line of its own under the legend, over a
//! gauge of its scale when it has one.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{build, AxisData};
use super::frame::{draw_frame, SvgOptions, Swatch, EDGE};
use super::text::{fit, line_height, style};
use super::{drawing, ChartError};
use crate::charts::{number_label, ClassedBarChart, Tone};
use crate::settings::Settings;
use crate::Interval;

/// The share of a category's width its bar takes.
const BAR_WIDTH: f64 = 0.8;
/// Estimate text size in pixels.
const ESTIMATE_SIZE: f64 = 14.0;

/// A tone's color: Tableau's red, grey and green, as the other charts' series colors.
fn tone_color(tone: Tone) -> RGBColor {
    match tone {
        Tone::Negative => RGBColor(214, 39, 40),
        Tone::Neutral => RGBColor(127, 127, 127),
        Tone::Positive => RGBColor(44, 160, 44),
    }
}

impl ClassedBarChart {
    /// The chart as an SVG document of `options`' size (feature `charts`).
    ///
    /// # Errors
    ///
    /// The errors of [`SvgOptions`]' check and of [`ClassedBarChart::check`];
    /// [`ChartError::Drawing`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::charts::{nps_chart, SvgOptions};
    /// let svg = nps_chart(&[10, 9, 8, 3], 0.95)?.to_svg(&SvgOptions::default())?;
    /// assert!(svg.contains("Promoters (9–10)") && svg.contains("NPS 25.0, 95% interval"));
    /// # Ok::<(), customer_value::charts::ChartError>(())
    /// ```
    pub fn to_svg(&self, options: &SvgOptions) -> Result<String, ChartError> {
        options.check()?;
        self.check()?;
        let legend: Vec<(String, Swatch)> = (self.classes.iter())
            .map(|c| (c.name.clone(), Swatch::Square(tone_color(c.tone))))
            .collect();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (options.width, options.height))
                .into_drawing_area();
            let area = draw_frame(&root, &self.title, &legend)?;
            let area = self.draw_estimates(&area)?;
            let x = AxisData::Categories(&self.categories);
            let top = self.values.iter().copied().fold(0.0, f64::max);
            // Bars grow from 0; all zeros still get an axis from 0 to 1.
            let y = AxisData::Continuous(0.0, if top > 0.0 { top } else { 1.0 });
            let mut chart = build(&area, x, y, &self.x_axis.text(), &self.y_axis.text())?;
            let bars = (self.values.iter().zip(&self.class_of).enumerate()).map(|(i, (&v, &c))| {
                let left = i as f64 + (1.0 - BAR_WIDTH) / 2.0;
                let color = tone_color(self.classes[c].tone);
                Rectangle::new([(left, 0.0), (left + BAR_WIDTH, v)], color.filled())
            });
            chart.draw_series(bars).map_err(drawing)?;
            root.present().map_err(drawing)?;
        }
        Ok(svg)
    }

    /// Writes each estimate centred on a line of its own at the top of `area`, cut to the
    /// width, with its gauge under it when it has a scale, and returns the area below them.
    fn draw_estimates<DB: DrawingBackend>(
        &self, area: &DrawingArea<DB, Shift>,
    ) -> Result<DrawingArea<DB, Shift>, ChartError>
    where
        DB::ErrorType: 'static,
    {
        let (width, _) = area.dim_in_pixel();
        let width = width as i32;
        let row = (line_height(ESTIMATE_SIZE) + 4.0).ceil() as i32;
        let centered = style(ESTIMATE_SIZE).pos(Pos::new(HPos::Center, VPos::Top));
        let mut top = 0;
        for estimate in &self.estimates {
            let text = fit(&estimate.text(), ESTIMATE_SIZE, f64::from(width - 2 * EDGE));
            area.draw_text(&text, &centered, (width / 2, top))
                .map_err(drawing)?;
            top += row;
            if let Some(scale) = estimate.scale {
                let gauge = Gauge {
                    scale,
                    centre: width / 2,
                    length: (width - 2 * EDGE - 80).min(GAUGE_LENGTH),
                    y: top + 6,
                };
                gauge.draw(area, &estimate.interval)?;
                top += GAUGE_HEIGHT;
            }
        }
        Ok(area.margin(top, 0, 0, 0))
    }
}

/// The longest a gauge is, and the height of its row (line, dot and scale labels), in pixels.
const GAUGE_LENGTH: i32 = 300;
const GAUGE_HEIGHT: i32 = 30;
/// The gauge's scale label size in pixels.
const GAUGE_LABEL_SIZE: f64 = 10.0;

/// An estimate's scale drawn as a horizontal line `length` pixels long centred on `centre` at
/// height `y`: the interval a dark bar on it, the estimate a dot, the scale's ends (and 0 when
/// it lies inside) labelled under it.
struct Gauge {
    scale: [f64; 2],
    centre: i32,
    length: i32,
    y: i32,
}

impl Gauge {
    /// The pixel column of `value` (clamped to the scale).
    fn x(&self, value: f64) -> i32 {
        let [low, high] = self.scale;
        let share = ((value - low) / (high - low)).clamp(0.0, 1.0);
        self.centre - self.length / 2 + (share * f64::from(self.length)).round() as i32
    }

    fn draw<DB: DrawingBackend>(
        &self, area: &DrawingArea<DB, Shift>, interval: &Interval,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let [low, high] = self.scale;
        let line = |from: f64, to: f64, color: RGBColor, thickness: u32| {
            let ends = vec![(self.x(from), self.y), (self.x(to), self.y)];
            PathElement::new(ends, color.stroke_width(thickness))
        };
        area.draw(&line(low, high, RGBColor(200, 200, 200), 2))
            .map_err(drawing)?;
        area.draw(&line(
            interval.lower,
            interval.upper,
            RGBColor(60, 60, 60),
            4,
        ))
        .map_err(drawing)?;
        let dot = Circle::new((self.x(interval.estimate), self.y), 5, BLACK.filled());
        area.draw(&dot).map_err(drawing)?;
        let label_style = style(GAUGE_LABEL_SIZE).pos(Pos::new(HPos::Center, VPos::Top));
        let mut marks = vec![low, high];
        if low < 0.0 && 0.0 < high {
            marks.insert(1, 0.0);
        }
        for mark in marks {
            let at = (self.x(mark), self.y + 9);
            area.draw_text(&number_label(mark), &label_style, at)
                .map_err(drawing)?;
        }
        Ok(())
    }
}
