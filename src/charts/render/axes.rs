//! The plot's coordinate system: both axes as f64 ranges with the ticks chosen here (plotters'
//! key points), label areas sized from the labels' measured widths, and tick counts or
//! category labels thinned and cut so that no two labels touch.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::EDGE;
use super::text::{fit, line_height, style, text_width};
use super::ticks::{continuous, every_kth};
use super::{drawing, ChartError};

/// Tick label size in SVG pixels.
const TICK_SIZE: f64 = 12.0;
/// Axis description size in SVG pixels.
const DESC_SIZE: f64 = 14.0;
/// plotters' distance from the axis to its tick labels (twice its tick length of 5).
const LABEL_DIST: f64 = 10.0;
/// The least room between two labels, in pixels.
const GAP: f64 = 8.0;
/// The widest a category label on the y axis may be.
const MAX_Y_LABEL: f64 = 180.0;

/// The coordinate system every chart draws in.
pub(super) type Coords = Cartesian2d<Keyed, Keyed>;

/// A continuous f64 axis whose ticks are exactly the given values (plotters' own f64 axis picks
/// its ticks itself).
pub(super) struct Keyed {
    low: f64,
    high: f64,
    keys: Vec<f64>,
}

impl Ranged for Keyed {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    /// As plotters maps f64: the share of the range, floored to a pixel (the range is never
    /// empty: [`continuous`] widens one value, and categories start at one).
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.low) / (self.high - self.low);
        let length = f64::from(limit.1 - limit.0);
        if !share.is_finite() {
            return limit.0;
        }
        // Far outside values are clamped: a pixel coordinate is an i32.
        let offset = if length > 0.0 {
            (length * share + 1e-3).floor()
        } else {
            (length * share - 1e-3).ceil()
        };
        let offset = offset.clamp(-1e6, 1e6);
        limit.0 + offset as i32
    }

    /// The given ticks as the bold points; no light points (no minor grid).
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.low..self.high
    }
}

/// What an axis shows.
pub(super) enum AxisData<'a> {
    /// Numbers from low to high (widened to nice ticks).
    Continuous(f64, f64),
    /// Named categories, one unit each, the first at 0.
    Categories(&'a [String]),
}

/// An axis ready to draw: its range and its labelled ticks.
struct Plan {
    range: (f64, f64),
    marks: Vec<(f64, String)>,
}

impl Plan {
    fn keyed(&self) -> Keyed {
        Keyed {
            low: self.range.0,
            high: self.range.1,
            keys: self.marks.iter().map(|m| m.0).collect(),
        }
    }
}

/// The height of the x label area: tick labels, then the description.
fn x_area_height() -> f64 {
    LABEL_DIST + line_height(TICK_SIZE) + GAP + line_height(DESC_SIZE) + 2.0
}

/// Builds the chart on `area` with the axes' ticks and descriptions drawn.
pub(super) fn build<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>, x: AxisData, y: AxisData, x_desc: &str, y_desc: &str,
) -> Result<ChartContext<'a, DB, Coords>, ChartError>
where
    DB::ErrorType: 'static,
{
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (f64::from(width), f64::from(height));
    let x_area = x_area_height().ceil();
    let plot_height = height - x_area - f64::from(EDGE);
    let y_plan = plan_y(y, plot_height);
    let widest_y = (y_plan.marks.iter())
        .map(|(_, l)| text_width(l, TICK_SIZE))
        .fold(0.0, f64::max);
    let y_area = (LABEL_DIST + widest_y + GAP + line_height(DESC_SIZE) + 4.0).ceil();
    // The last x label is centred on the plot's right edge: keep room for its half.
    let right = f64::from(EDGE) + 30.0;
    let plot_width = width - y_area - right - f64::from(EDGE);
    let x_plan = plan_x(x, plot_width);
    let (x_range, y_range) = (x_plan.keyed(), y_plan.keyed());
    let mut chart = ChartBuilder::on(area)
        .margin_top(EDGE as u32)
        .margin_left(EDGE as u32)
        .margin_right(right as u32)
        .x_label_area_size(x_area as u32)
        .y_label_area_size(y_area as u32)
        .build_cartesian_2d(x_range, y_range)
        .map_err(drawing)?;
    let x_label = |v: &f64| label_at(&x_plan.marks, *v);
    let y_label = |v: &f64| label_at(&y_plan.marks, *v);
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(style(TICK_SIZE))
        .axis_desc_style(style(DESC_SIZE))
        .x_desc(fit(x_desc, DESC_SIZE, plot_width))
        .y_desc(fit(y_desc, DESC_SIZE, plot_height))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()
        .map_err(drawing)?;
    Ok(chart)
}

/// The label of the tick at `value` (the ticks are the key points, so it is one of them).
fn label_at(marks: &[(f64, String)], value: f64) -> String {
    let scale = marks.iter().fold(1.0, |m: f64, (v, _)| m.max(v.abs()));
    (marks.iter())
        .find(|(v, _)| (v - value).abs() <= 1e-9 * scale)
        .map(|(_, l)| l.clone())
        .unwrap_or_default()
}

/// The x axis: as many nice ticks as fit side by side, or categories thinned and cut.
fn plan_x(axis: AxisData, plot_width: f64) -> Plan {
    match axis {
        AxisData::Continuous(low, high) => {
            let mut max_ticks = 11;
            loop {
                let ticks = continuous(low, high, max_ticks);
                let widest = (ticks.marks.iter())
                    .map(|(_, l)| text_width(l, TICK_SIZE))
                    .fold(0.0, f64::max);
                let spacing = plot_width / (ticks.marks.len().max(2) - 1) as f64;
                if spacing >= widest + GAP || max_ticks <= 2 {
                    return Plan {
                        range: ticks.range,
                        marks: ticks.marks,
                    };
                }
                max_ticks -= 1;
            }
        }
        AxisData::Categories(names) => {
            let cell = plot_width / names.len().max(1) as f64;
            // Cut a label to its cell if two characters still show; else label fewer cells.
            let room = text_width("00…", TICK_SIZE) + GAP;
            let widest = (names.iter())
                .map(|l| text_width(l, TICK_SIZE))
                .fold(0.0, f64::max);
            let chosen = every_kth(names.len(), cell, widest.min(room) + GAP);
            let budget = cell * chosen.get(1).map_or(names.len(), |&k| k) as f64 - GAP;
            categories(names, &chosen, budget)
        }
    }
}

/// The y axis: nice ticks two lines apart, or categories a line apart, cut to a width.
fn plan_y(axis: AxisData, plot_height: f64) -> Plan {
    let line = line_height(TICK_SIZE);
    match axis {
        AxisData::Continuous(low, high) => {
            let max_ticks = ((plot_height / (2.0 * line)) as usize).clamp(2, 9);
            let ticks = continuous(low, high, max_ticks);
            Plan {
                range: ticks.range,
                marks: ticks.marks,
            }
        }
        AxisData::Categories(names) => {
            let cell = plot_height / names.len().max(1) as f64;
            let chosen = every_kth(names.len(), cell, line + 4.0);
            categories(names, &chosen, MAX_Y_LABEL)
        }
    }
}

/// Categories at the centres of their unit cells; the chosen ones labelled, cut to `budget`.
fn categories(names: &[String], chosen: &[usize], budget: f64) -> Plan {
    Plan {
        range: (0.0, names.len() as f64),
        marks: (chosen.iter())
            .map(|&i| (i as f64 + 0.5, fit(&names[i], TICK_SIZE, budget)))
            .collect(),
    }
}
