//! SVG rendering of the chart shapes (feature `charts`): the embedded font and its metrics, the
//! page's frame (title, legend band, checked size), tick placement, and one file per shape.
//!
//! Every text is placed from measurements with the embedded font ([`text_width`]), never from
//! a system font, and whatever would not fit is thinned or cut with an ellipsis, so that no two
//! text boxes intersect and the output is the same on every machine.

mod axes;
mod bar;
mod bar_across;
mod classed_bar;
mod counts;
mod frame;
mod heatmap;
mod line;
mod scatter;
mod text;
mod ticks;

pub use frame::SvgOptions;
pub use text::{font_metrics, text_width, FontMetrics, FONT_FAMILY};

use super::ChartError;
use plotters::drawing::DrawingAreaErrorKind;

/// A plotters error as a [`ChartError::Drawing`].
fn drawing<E: std::error::Error + Send + Sync>(error: DrawingAreaErrorKind<E>) -> ChartError {
    ChartError::Drawing {
        detail: error.to_string(),
    }
}
