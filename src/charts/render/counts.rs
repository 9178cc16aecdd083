//! [`CountHeatmap`] as SVG: the heatmap, with each cell's count written at its centre.
//!
//! The counts are written at one size for the whole grid, the largest of 11 and 9 px at which
//! every count fits its cell with a margin, or not at all: a grid where some cells show their
//! count and others do not would read as if the silent cells had none.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::Coords;
use super::frame::SvgOptions;
use super::text::{line_height, style, text_width};
use super::{drawing, ChartError};
use crate::charts::CountHeatmap;
use crate::settings::Settings;

/// The sizes tried for the counts, largest first, in pixels.
const COUNT_SIZES: [f64; 2] = [11.0, 9.0];
/// The least room kept between a count and its cell's sides, in pixels (each side).
const CELL_MARGIN: f64 = 2.0;

impl CountHeatmap {
    /// The chart as an SVG document of `options`' size (feature `charts`): the heatmap of
    /// [`HeatmapChart::to_svg`](crate::charts::HeatmapChart::to_svg) with each count written in
    /// its cell when every count fits.
    ///
    /// # Errors
    ///
    /// The errors of [`SvgOptions`]' check and of [`CountHeatmap::check`];
    /// [`ChartError::Drawing`] if plotters fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::charts::{Axis, CountHeatmap, HeatmapChart, SvgOptions};
    /// let chart = CountHeatmap {
    ///     heatmap: HeatmapChart {
    ///         title: "Two cells".into(),
    ///         x_axis: Axis::new("x", None),
    ///         y_axis: Axis::new("y", None),
    ///         value_axis: Axis::new("value", None),
    ///         x_labels: vec!["a".into(), "b".into()],
    ///         y_labels: vec!["c".into()],
    ///         cells: vec![vec![Some(1.0), Some(2.0)]],
    ///     },
    ///     counts: vec![vec![17, 4]],
    ///     count_label: "customers".into(),
    /// };
    /// let svg = chart.to_svg(&SvgOptions::default())?;
    /// // plotters writes each text on a line of its own.
    /// assert!(svg.contains("\n17\n</text>") && svg.contains("\n4\n</text>"));
    /// # Ok::<(), customer_value::charts::ChartError>(())
    /// ```
    pub fn to_svg(&self, options: &SvgOptions) -> Result<String, ChartError> {
        options.check()?;
        self.check()?;
        self.heatmap.render(options, Some(&self.counts))
    }
}

/// Writes `counts[row][column]` at the centre of every cell with a value, light on cells
/// `dark` says are dark, if all of them fit at one of [`COUNT_SIZES`].
pub(super) fn draw_counts<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Coords>, cells: &[Vec<Option<f64>>], counts: &[Vec<u64>],
    dark: impl Fn(f64) -> bool,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let columns = cells.first().map_or(1, Vec::len).max(1);
    let cell_width = f64::from(plot_x.end - plot_x.start) / columns as f64;
    let cell_height = f64::from(plot_y.end - plot_y.start) / cells.len().max(1) as f64;
    let shown: Vec<(usize, usize, f64, String)> = (cells.iter().zip(counts).enumerate())
        .flat_map(|(i, (row, row_counts))| {
            let pairs = row.iter().zip(row_counts).enumerate();
            pairs.filter_map(move |(j, (value, count))| value.map(|v| (i, j, v, count.to_string())))
        })
        .collect();
    let widest = (shown.iter())
        .map(|(_, _, _, text)| text_width(text, 1.0))
        .fold(0.0, f64::max);
    let fits = |size: f64| {
        widest * size + 2.0 * CELL_MARGIN <= cell_width
            && line_height(size) + 2.0 * CELL_MARGIN <= cell_height
    };
    let Some(size) = COUNT_SIZES.into_iter().find(|&size| fits(size)) else {
        return Ok(());
    };
    let centred = style(size).pos(Pos::new(HPos::Center, VPos::Center));
    let texts = shown.into_iter().map(|(i, j, value, text)| {
        let color = if dark(value) { &WHITE } else { &BLACK };
        Text::new(text, (j as f64 + 0.5, i as f64 + 0.5), centred.color(color))
    });
    chart.draw_series(texts).map_err(drawing)?;
    Ok(())
}
