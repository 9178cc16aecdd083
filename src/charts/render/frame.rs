//! The page every chart is drawn on: its checked size, the title, and the legend band under
//! the title (entries flow left to right, in rows, each name cut to fit).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::text::{fit, line_height, style, text_width};
use super::{drawing, ChartError};
use crate::settings::Settings;

/// Title size in SVG pixels.
const TITLE_SIZE: f64 = 18.0;
/// Legend text size in SVG pixels.
const LEGEND_SIZE: f64 = 12.0;
/// The space kept at the page's edges, in pixels.
pub(super) const EDGE: i32 = 10;
/// Width of a legend entry's swatch, and the gaps around its name.
const SWATCH: i32 = 24;
const SWATCH_GAP: i32 = 6;
const ENTRY_GAP: i32 = 18;

/// The size of the SVG to draw.
///
/// # Examples
///
/// ```
/// use customer_value::charts::SvgOptions;
/// use customer_value::Settings;
/// assert_eq!(SvgOptions::default(), SvgOptions { width: 800, height: 500 });
/// assert!(SvgOptions { width: 100, height: 500 }.check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SvgOptions {
    /// Width in pixels, 400 to 4,000.
    pub width: u32,
    /// Height in pixels, 300 to 4,000.
    pub height: u32,
}

impl Default for SvgOptions {
    /// 800 × 500, the size every chart is laid out to be readable at.
    fn default() -> Self {
        SvgOptions {
            width: 800,
            height: 500,
        }
    }
}

impl Settings for SvgOptions {
    type Error = ChartError;

    /// # Errors
    ///
    /// [`ChartError::InvalidParameter`] naming `width` outside 400..=4000 or `height` outside
    /// 300..=4000: smaller leaves no room for a title, axes and a legend at readable sizes.
    fn check(&self) -> Result<(), ChartError> {
        let invalid = |name, value: u32, constraint| ChartError::InvalidParameter {
            name,
            value: f64::from(value),
            constraint,
        };
        if !(400..=4000).contains(&self.width) {
            return Err(invalid("width", self.width, "must be 400 to 4000 pixels"));
        }
        if !(300..=4000).contains(&self.height) {
            return Err(invalid("height", self.height, "must be 300 to 4000 pixels"));
        }
        Ok(())
    }
}

/// How a legend entry shows its series.
pub(super) enum Swatch {
    /// A line, dashed or not.
    Line(RGBColor, bool),
    /// A filled square (bars).
    Square(RGBColor),
}

/// The series colors, in order (Tableau 10, then two more), repeated past twelve series.
pub(super) fn series_color(index: usize) -> RGBColor {
    const PALETTE: [(u8, u8, u8); 12] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
        (0, 0, 128),
        (128, 128, 0),
    ];
    let (r, g, b) = PALETTE[index % PALETTE.len()];
    RGBColor(r, g, b)
}

/// Fills the page white, draws the title and (with two entries or more) the legend, and
/// returns the area left for the plot.
pub(super) fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>, title: &str, legend: &[(String, Swatch)],
) -> Result<DrawingArea<DB, Shift>, ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(drawing)?;
    let (width, _) = root.dim_in_pixel();
    let width = width as i32;
    let title_text = fit(title, TITLE_SIZE, f64::from(width - 2 * EDGE));
    let centered = style(TITLE_SIZE).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(&title_text, &centered, (width / 2, EDGE))
        .map_err(drawing)?;
    let mut top = EDGE + line_height(TITLE_SIZE).ceil() as i32 + 6;
    if legend.len() > 1 {
        top = draw_legend(root, legend, top, width)?;
    }
    Ok(root.margin(top, 0, 0, 0))
}

/// Draws the legend's rows from `top`, returns the y below the last one.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>, legend: &[(String, Swatch)], top: i32, width: i32,
) -> Result<i32, ChartError>
where
    DB::ErrorType: 'static,
{
    let row_height = (line_height(LEGEND_SIZE) + 6.0).ceil() as i32;
    // At least two entries per row: a name never takes more than half the width.
    let max_name = f64::from((width - 2 * EDGE) / 2 - SWATCH - SWATCH_GAP - ENTRY_GAP);
    let text_style = style(LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    let (mut x, mut y) = (EDGE, top + row_height / 2);
    for (name, swatch) in legend {
        let name = fit(name, LEGEND_SIZE, max_name);
        let entry = SWATCH + SWATCH_GAP + text_width(&name, LEGEND_SIZE).ceil() as i32;
        if x > EDGE && x + entry > width - EDGE {
            (x, y) = (EDGE, y + row_height);
        }
        draw_swatch(root, swatch, x, y)?;
        root.draw_text(&name, &text_style, (x + SWATCH + SWATCH_GAP, y))
            .map_err(drawing)?;
        x += entry + ENTRY_GAP;
    }
    Ok(y + row_height / 2 + 4)
}

fn draw_swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>, swatch: &Swatch, x: i32, y: i32,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    match swatch {
        Swatch::Line(color, dashed) => {
            let pieces: &[(i32, i32)] = if *dashed {
                &[(0, 7), (10, 17), (20, 24)]
            } else {
                &[(0, SWATCH)]
            };
            for &(from, to) in pieces {
                let line =
                    PathElement::new(vec![(x + from, y), (x + to, y)], color.stroke_width(2));
                root.draw(&line).map_err(drawing)?;
            }
        }
        Swatch::Square(color) => {
            let square = Rectangle::new([(x + 6, y - 6), (x + 18, y + 6)], color.filled());
            root.draw(&square).map_err(drawing)?;
        }
    }
    Ok(())
}
