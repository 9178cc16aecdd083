//! [`ScatterChart`] as SVG: the points as colored dots, each with its number placed where it
//! touches no other text and no other dot, the quadrant lines dashed, and a key beside the plot
//! pairing each number with its label (in columns when the rows run out, cut to the width).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{build, AxisData, Coords};
use super::frame::{draw_frame, series_color, SvgOptions, Swatch, EDGE};
use super::text::{fit, line_height, style, text_width};
use super::{drawing, ChartError};
use crate::charts::ScatterChart;
use crate::settings::Settings;

/// Number and key text size in pixels.
const TEXT_SIZE: f64 = 12.0;
/// A dot's radius in pixels.
const RADIUS: i32 = 5;
/// The widest share of the page the key may take.
const KEY_SHARE: f64 = 0.38;
/// Rings of places tried around a dot for its number, each 8 pixels further out.
const RINGS: i32 = 6;

/// A box in pixels: left, top, right, bottom.
type PixelBox = [f64; 4];

fn apart(a: &PixelBox, b: &PixelBox) -> bool {
    a[2] + 1.0 <= b[0] || b[2] + 1.0 <= a[0] || a[3] + 1.0 <= b[1] || b[3] + 1.0 <= a[1]
}

/// The box of `text` drawn anchored at its top left (x, y): plotters sets such text 0.76 em
/// below y, so the glyphs' ascent reaches a little above y; the margins cover that.
fn text_box(text: &str, x: f64, y: f64) -> PixelBox {
    let width = text_width(text, TEXT_SIZE);
    [x, y - 0.25 * TEXT_SIZE, x + width, y + 1.05 * TEXT_SIZE]
}

impl ScatterChart {
    /// The chart as an SVG document of `options`' size (feature `charts`).
    ///
    /// # Errors
    ///
    /// The errors of [`SvgOptions`]' check and of [`ScatterChart::check`];
    /// [`ChartError::Drawing`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::charts::{Axis, ScatterChart, ScatterPoint, SvgOptions};
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
    ///     y_split: Some(50.0),
    /// };
    /// let svg = chart.to_svg(&SvgOptions::default())?;
    /// assert!(svg.contains("1. Price") && svg.contains("Importance (%)"));
    /// # Ok::<(), customer_value::charts::ChartError>(())
    /// ```
    pub fn to_svg(&self, options: &SvgOptions) -> Result<String, ChartError> {
        options.check()?;
        self.check()?;
        let Some(([x0, y0], [x1, y1])) = self.bounds() else {
            return Err(ChartError::EmptyInput { name: "points" });
        };
        let legend: Vec<(String, Swatch)> = (self.groups.iter().enumerate())
            .map(|(k, name)| (name.clone(), Swatch::Square(series_color(k))))
            .collect();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (options.width, options.height))
                .into_drawing_area();
            let area = draw_frame(&root, &self.title, &legend)?;
            let (width, _) = area.dim_in_pixel();
            let (main, key) = area.split_horizontally(width as i32 - self.key_width(width));
            self.draw_key(&key)?;
            let (x0, x1) = padded(x0, x1);
            let (y0, y1) = padded(y0, y1);
            let (x, y) = (AxisData::Continuous(x0, x1), AxisData::Continuous(y0, y1));
            let mut chart = build(&main, x, y, &self.x_axis.text(), &self.y_axis.text())?;
            self.draw_splits(&mut chart)?;
            self.draw_points(&mut chart)?;
            root.present().map_err(drawing)?;
        }
        Ok(svg)
    }

    /// The key's entries: "1. label".
    fn entries(&self) -> Vec<String> {
        (self.points.iter().enumerate())
            .map(|(i, p)| format!("{}. {}", i + 1, p.label))
            .collect()
    }

    /// The key's width: its widest entry, at most [`KEY_SHARE`] of the page.
    fn key_width(&self, width: u32) -> i32 {
        let widest = (self.entries().iter())
            .map(|e| text_width(e, TEXT_SIZE))
            .fold(0.0, f64::max);
        let most = KEY_SHARE * f64::from(width);
        (widest.min(most) + f64::from(2 * EDGE)).ceil() as i32
    }

    /// The key: one entry a row from the top, in as many columns as the rows need, each entry
    /// cut to its column.
    fn draw_key<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let (width, height) = area.dim_in_pixel();
        let row = (line_height(TEXT_SIZE) + 3.0).ceil() as i32;
        let rows = ((height as i32 - 2 * EDGE) / row).max(1) as usize;
        let entries = self.entries();
        let columns = entries.len().div_ceil(rows);
        let column_width = (width as i32 - EDGE) / columns.max(1) as i32;
        let left_top = style(TEXT_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
        for (i, entry) in entries.iter().enumerate() {
            let (column, line) = ((i / rows) as i32, (i % rows) as i32);
            let text = fit(entry, TEXT_SIZE, f64::from(column_width - 8));
            let at = (EDGE + column * column_width, EDGE + line * row);
            area.draw_text(&text, &left_top, at).map_err(drawing)?;
        }
        Ok(())
    }

    /// The quadrant lines, dashed, across the plot.
    fn draw_splits<DB: DrawingBackend>(
        &self, chart: &mut ChartContext<'_, DB, Coords>,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let (xs, ys) = (chart.x_range(), chart.y_range());
        let dashed = RGBColor(90, 90, 90).stroke_width(1);
        let mut lines = Vec::new();
        if let Some(x) = self.x_split {
            lines.push([(x, ys.start), (x, ys.end)]);
        }
        if let Some(y) = self.y_split {
            lines.push([(xs.start, y), (xs.end, y)]);
        }
        for line in lines {
            chart
                .draw_series(DashedLineSeries::new(line, 5, 4, dashed))
                .map_err(drawing)?;
        }
        Ok(())
    }

    /// The dots, then each one's number at the first free place around it.
    fn draw_points<DB: DrawingBackend>(
        &self, chart: &mut ChartContext<'_, DB, Coords>,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let dots = self.points.iter().map(|p| {
            let color = series_color(p.group);
            Circle::new((p.x, p.y), RADIUS, color.filled())
        });
        chart.draw_series(dots).map_err(drawing)?;
        let centres: Vec<(i32, i32)> = (self.points.iter())
            .map(|p| chart.backend_coord(&(p.x, p.y)))
            .collect();
        let r = f64::from(RADIUS);
        let mut taken: Vec<PixelBox> = (centres.iter())
            .map(|&(x, y)| {
                let (x, y) = (f64::from(x), f64::from(y));
                [x - r, y - r, x + r, y + r]
            })
            .collect();
        let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
        let plot = [
            f64::from(plot_x.start),
            f64::from(plot_y.start),
            f64::from(plot_x.end),
            f64::from(plot_y.end),
        ];
        let area = chart.plotting_area().strip_coord_spec();
        let (base_x, base_y) = area.get_base_pixel();
        let left_top = style(TEXT_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
        for (i, &(cx, cy)) in centres.iter().enumerate() {
            let number = (i + 1).to_string();
            let Some(place) = free_place(&number, (cx, cy), &taken, &plot) else {
                // Crowded beyond six rings: the key still names the point by its order.
                continue;
            };
            taken.push(text_box(&number, place.0, place.1));
            let at = (place.0 as i32 - base_x, place.1 as i32 - base_y);
            area.draw_text(&number, &left_top, at).map_err(drawing)?;
        }
        Ok(())
    }
}

/// `low..high` widened by 8% each side, room around the outer dots for their numbers, but not
/// below 0 when nothing is (an importance share, a count).
fn padded(low: f64, high: f64) -> (f64, f64) {
    let pad = 0.08 * (high - low);
    let below = low - pad;
    let below = if low >= 0.0 && below < 0.0 {
        0.0
    } else {
        below
    };
    (below, high + pad)
}

/// The first place (top-left corner, whole pixels) for `text` around the dot at `centre`, ring
/// by ring and in each ring right, left, above, below and the diagonals, whose box stays inside
/// `plot` and apart from every `taken` box.
fn free_place(
    text: &str, centre: (i32, i32), taken: &[PixelBox], plot: &PixelBox,
) -> Option<(f64, f64)> {
    let (cx, cy) = (f64::from(centre.0), f64::from(centre.1));
    let width = text_width(text, TEXT_SIZE).ceil();
    let half_height = (0.5 * TEXT_SIZE).round();
    for ring in 0..RINGS {
        let d = f64::from(RADIUS + 3 + 8 * ring);
        let places = [
            (cx + d, cy - half_height),
            (cx - d - width, cy - half_height),
            (cx - width / 2.0, cy - d - 2.0 * half_height),
            (cx - width / 2.0, cy + d),
            (cx + d, cy - d - 2.0 * half_height),
            (cx - d - width, cy - d - 2.0 * half_height),
            (cx + d, cy + d),
            (cx - d - width, cy + d),
        ];
        for (x, y) in places {
            let (x, y) = (x.round(), y.round());
            let candidate = text_box(text, x, y);
            let inside = candidate[0] >= plot[0]
                && candidate[1] >= plot[1]
                && candidate[2] <= plot[2]
                && candidate[3] <= plot[3];
            if inside && taken.iter().all(|t| apart(t, &candidate)) {
                return Some((x, y));
            }
        }
    }
    None
}
