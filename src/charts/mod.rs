//! Charts a person would rather look at than read: the numbers behind each picture as typed
//! values, and (feature `charts`) the picture itself as an SVG string.
//!
//! Each chart has a builder that takes the crate's own results (a fitted model, a tracking, a
//! holdout comparison, a P(alive) path, spend histories, survey answers, key drivers, RFM
//! records, segment totals, a cohort matrix, lifecycle transitions) and returns a plot-ready
//! shape, with its title, axis labels and units as data (a [`CountHeatmap`] is a heatmap with a
//! customer count per cell):
//!
//! | chart | builder | shape |
//! |---|---|---|
//! | expected purchases by frequency and recency | [`frequency_recency_chart`] | [`HeatmapChart`] |
//! | P(alive) by frequency and recency | [`alive_matrix_chart`] | [`HeatmapChart`] |
//! | cumulative and incremental tracking | [`tracking_chart`] | [`LineChart`] |
//! | calibration against holdout purchases | [`holdout_chart`] | [`BarChart`] |
//! | customers by repeat purchases, actual and model | [`purchase_count_chart`] | [`BarChart`] |
//! | P(alive) along one customer's history | [`alive_history_chart`] | [`LineChart`] |
//! | repeat customers by mean spend, actual and Gamma-Gamma | [`spend_chart`] | [`BarChart`] |
//! | answers 0–10 by class, with the NPS and its interval | [`nps_chart`] | [`ClassedBarChart`] |
//! | key drivers' importance against performance, in quadrants | [`driver_quadrant_chart`] | [`ScatterChart`] |
//! | mean monetary value by R and F score, with customers | [`rfm_heatmap_chart`] | [`CountHeatmap`] |
//! | shares of customers and revenue by segment | [`segment_share_chart`] | [`BarChart`] |
//! | cohort retention, with active customers | [`cohort_retention_chart`] | [`CountHeatmap`] |
//! | lifecycle transitions between two dates | [`transition_chart`] | [`CountHeatmap`] |
//!
//! The shapes are always compiled and serialize with the `serde` feature, so a service can draw
//! them with its own front end. With the `charts` feature each shape also renders itself:
//! `to_svg(&SvgOptions)` returns an SVG document as a `String` (the library still does no I/O).
//!
//! # Rendering (feature `charts`)
//!
//! - Drawn with [plotters](https://docs.rs/plotters)' SVG backend, without its default features,
//!   so no system font library is linked and no system font read: text is laid out and measured
//!   with one font, DejaVu Sans, embedded in the crate (`assets/fonts/`, Bitstream Vera license)
//!   and registered with plotters' `ab_glyph` font registry.
//! - The same chart gives byte-identical SVG on every machine: the layout depends only on the
//!   embedded font's metrics, numbers are formatted with fixed precision, and nothing iterates a
//!   hash map.
//! - Every chart has a title, axis labels with units, and a legend when it has two or more
//!   series. Labels that would not fit (long category names, many ticks) are thinned or cut
//!   with an ellipsis, measured with the embedded font, so that no two text boxes intersect;
//!   `text_width` (feature `charts`) is the measure, for tests and front ends that check it.
//!
//! # Examples
//!
//! ```
//! use customer_value::charts::{purchase_count_chart, BarChart};
//! use customer_value::clv::{BgNbd, RepeatHistory};
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let histories = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(1.0, 9.0, 30.0)?];
//! let chart: BarChart = purchase_count_chart(&model, &histories, 3)?;
//! assert_eq!(chart.series[0].values, [1.0, 1.0, 0.0, 0.0]);
//! # #[cfg(feature = "charts")]
//! # {
//! let svg = chart.to_svg(&customer_value::charts::SvgOptions::default())?;
//! assert!(svg.contains("Customers by repeat purchases"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod alive_history;
mod alive_matrix;
mod classed_bars;
mod cohort_retention;
mod count_heatmap;
mod drivers;
mod frequency_recency;
mod holdout;
mod kinds;
mod lifecycle_flows;
mod nps;
mod purchase_counts;
#[cfg(feature = "charts")]
mod render;
mod rfm_heatmap;
mod segment_shares;
mod spend;
mod tracking;

pub use alive_history::alive_history_chart;
pub use alive_matrix::alive_matrix_chart;
pub use classed_bars::{BarClass, ClassedBarChart, Estimate, Tone};
pub use cohort_retention::{cohort_retention_chart, MAX_COHORT_ROWS};
pub use count_heatmap::CountHeatmap;
pub use drivers::{driver_quadrant_chart, QuadrantSplits};
pub use frequency_recency::{frequency_recency_chart, FrequencyRecencyGrid};
pub use holdout::holdout_chart;
pub use kinds::{
    Axis, BarChart, BarSeries, HeatmapChart, LineChart, LineSeries, LineStyle, Marker,
    ScatterChart, ScatterPoint,
};
pub use lifecycle_flows::{transition_chart, ACQUIRED_ROW};
pub use nps::nps_chart;
pub use purchase_counts::purchase_count_chart;
#[cfg(feature = "charts")]
pub use render::{font_metrics, text_width, FontMetrics, SvgOptions, FONT_FAMILY};
pub use rfm_heatmap::rfm_heatmap_chart;
pub use segment_shares::{segment_share_chart, segment_totals, SegmentTotal};
pub use spend::{spend_chart, SpendBins};
pub use tracking::{tracking_chart, TrackingView};

use crate::clv::ClvError;
use crate::satisfaction::SatisfactionError;
use crate::TimeUnit;

/// Errors from building or drawing a chart.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// Nothing to draw: the named input is empty.
    #[error("{name} is empty: nothing to draw")]
    EmptyInput {
        /// The empty input.
        name: &'static str,
    },
    /// A setting or argument is out of range.
    #[error("{name} = {value} is invalid: {constraint}")]
    InvalidParameter {
        /// Its name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must satisfy.
        constraint: &'static str,
    },
    /// Two lists that go together differ in length.
    #[error("{name} has {found} values, expected {expected}")]
    LengthMismatch {
        /// The list whose length is wrong.
        name: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// A value to plot is not finite (or, for bars, negative).
    #[error("{name}[{position}] = {value} cannot be drawn")]
    InvalidValue {
        /// The list holding it.
        name: &'static str,
        /// Its position in that list (row-major for a grid).
        position: usize,
        /// The value.
        value: f64,
    },
    /// The model could not compute a value of the chart.
    #[error(transparent)]
    Clv(#[from] ClvError),
    /// The survey figures could not be computed (an answer off the scale, a bad level).
    #[error(transparent)]
    Satisfaction(#[from] SatisfactionError),
    /// The drawing library failed (feature `charts`).
    #[error("drawing failed: {detail}")]
    Drawing {
        /// The drawing library's message.
        detail: String,
    },
}

/// "week" or "weeks", "day" or "days".
fn unit_name(unit: TimeUnit, plural: bool) -> &'static str {
    match (unit, plural) {
        (TimeUnit::Days, false) => "day",
        (TimeUnit::Days, true) => "days",
        (TimeUnit::Weeks, false) => "week",
        (TimeUnit::Weeks, true) => "weeks",
    }
}

/// A number as a label: whole numbers without decimals, others with one (77.857 → "77.9").
/// Fixed precision, so the same value is the same text on every machine.
fn number_label(value: f64) -> String {
    if is_whole(value) {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// Labels of an axis' values, all with the same precision: none when every value is whole,
/// else one decimal (0.0, 2.0, 4.0 rather than 0, 2.0, 4).
fn number_labels(values: &[f64]) -> Vec<String> {
    let digits = if values.iter().all(|&v| is_whole(v)) {
        0
    } else {
        1
    };
    values.iter().map(|v| format!("{v:.digits$}")).collect()
}

/// The smallest nice step (1, 2, 2.5 or 5 × 10^k) at least `raw`: tick spacing, bin widths.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

fn is_whole(value: f64) -> bool {
    value == value.round() && value.abs() < 1e15
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_have_fixed_precision() {
        assert_eq!(number_label(77.857), "77.9");
        assert_eq!(number_label(13.0), "13");
        assert_eq!(number_label(-0.04), "-0.0");
        assert_eq!(unit_name(TimeUnit::Days, true), "days");
        assert_eq!(number_labels(&[0.0, 1.5, 3.0]), ["0.0", "1.5", "3.0"]);
        assert_eq!(number_labels(&[0.0, 13.0]), ["0", "13"]);
    }
}
