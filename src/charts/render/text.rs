//! The one font every chart is measured and drawn with: DejaVu Sans, embedded in the crate
//! (`assets/fonts/DejaVuSans.ttf`, Bitstream Vera license in `assets/fonts/LICENSE`) and
//! registered with plotters' `ab_glyph` font registry under [`FONT_FAMILY`].

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};
use plotters::style::{FontStyle, IntoFont, TextStyle};

/// The font family every chart's text names, registered from the embedded font.
pub const FONT_FAMILY: &str = "DejaVu Sans";

static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// plotters writes `font-size` as its size / 1.24 (its SVG backend's convention), so a size in
/// SVG pixels is passed as px × 1.24. 12, 14, 16 and 18 px come back exactly.
const PLOTTERS_SIZE_FACTOR: f64 = 1.24;

/// The parsed font, and whether plotters' registry holds it (registration happens once).
fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        // The bytes are the crate's own file: parsing them cannot fail (a test reads them).
        let font = FontRef::try_from_slice(FONT_BYTES).expect("the embedded font parses");
        // Registering a name twice replaces it with the same font: no harm, and OnceLock
        // makes it once anyway.
        let _ = plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES);
        font
    })
}

/// The width in pixels of `text` set in the embedded font at `size` pixels (the SVG
/// `font-size`): the sum of the glyphs' advances, without kerning. The layout places every
/// text with this measure, and a test of the drawn boxes should use it too.
///
/// # Examples
///
/// ```
/// use customer_value::charts::text_width;
/// let w = text_width("Customers", 12.0);
/// assert!(w > 50.0 && w < 70.0);
/// assert_eq!(text_width("", 12.0), 0.0);
/// assert_eq!(text_width("ab", 24.0), 2.0 * text_width("ab", 12.0));
/// ```
pub fn text_width(text: &str, size: f64) -> f64 {
    let font = font();
    let units = font.units_per_em().unwrap_or(2048.0);
    let advance: f32 = text
        .chars()
        .map(|c| font.h_advance_unscaled(font.glyph_id(c)))
        .sum();
    f64::from(advance) * size / f64::from(units)
}

/// The embedded font's vertical metrics in em (multiply by the font size for pixels): what a
/// check of the drawn text boxes needs besides [`text_width`].
///
/// # Examples
///
/// ```
/// use customer_value::charts::font_metrics;
/// let m = font_metrics();
/// // DejaVu Sans: ascender 1901, descender −483 and x-height 1120 of 2048 units per em.
/// assert_eq!((m.ascent, m.descent, m.x_height), (1901.0 / 2048.0, 483.0 / 2048.0, 1120.0 / 2048.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FontMetrics {
    /// The height above the baseline a line reserves (hhea ascender).
    pub ascent: f64,
    /// The depth below the baseline a line reserves, positive (hhea descender).
    pub descent: f64,
    /// The height of a lowercase x: what SVG's `ex` unit is.
    pub x_height: f64,
}

/// The embedded font's [`FontMetrics`].
pub fn font_metrics() -> FontMetrics {
    let (ascent, descent, x_height) = vertical_metrics();
    FontMetrics {
        ascent,
        descent,
        x_height,
    }
}

/// The font's ascent, descent (positive, below the baseline) and x-height, in em.
fn vertical_metrics() -> (f64, f64, f64) {
    let font = font();
    let units = f64::from(font.units_per_em().unwrap_or(2048.0));
    let x_height = font.outline(font.glyph_id('x')).map_or(0.5, |o| {
        f64::from((o.bounds.max.y - o.bounds.min.y).abs()) / units
    });
    (
        f64::from(font.ascent_unscaled()) / units,
        -f64::from(font.descent_unscaled()) / units,
        x_height,
    )
}

/// The height of one line of text at `size` pixels: ascent + descent.
pub(super) fn line_height(size: f64) -> f64 {
    let (ascent, descent, _) = vertical_metrics();
    (ascent + descent) * size
}

/// `text` cut to at most `max_width` pixels at `size`, ending in "…" when cut (nothing left
/// when not even the ellipsis fits).
pub(super) fn fit(text: &str, size: f64, max_width: f64) -> String {
    if text_width(text, size) <= max_width {
        return text.to_owned();
    }
    let ellipsis = text_width("…", size);
    let mut kept = String::new();
    let mut width = ellipsis;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if width + w > max_width {
            break;
        }
        kept.push(c);
        width += w;
    }
    if width > max_width {
        return String::new();
    }
    // A cut that ends in a space reads better without it.
    format!("{}…", kept.trim_end())
}

/// The plotters text style of the embedded font at `size` SVG pixels.
pub(super) fn style(size: f64) -> TextStyle<'static> {
    font();
    (FONT_FAMILY, size * PLOTTERS_SIZE_FACTOR)
        .into_font()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_parses_and_measures() {
        assert!(FontRef::try_from_slice(FONT_BYTES).is_ok());
        let (ascent, descent, x_height) = vertical_metrics();
        // DejaVu Sans: hhea ascender 1901, descender −483 of 2048 units; x-height about 1120.
        assert!((ascent - 1901.0 / 2048.0).abs() < 1e-12);
        assert!((descent - 483.0 / 2048.0).abs() < 1e-12);
        assert_eq!(x_height, 1120.0 / 2048.0);
        // The advance of "0" is 1303 units.
        assert!((text_width("0", 2048.0) - 1303.0).abs() < 1e-9);
    }

    #[test]
    fn text_is_cut_to_fit_with_an_ellipsis() {
        let long = "A segment label of forty characters, long";
        let cut = fit(long, 12.0, 100.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 100.0);
        assert_eq!(fit("short", 12.0, 100.0), "short");
        assert_eq!(fit("short", 12.0, 1.0), "");
    }
}
