//! Ratios of gamma and beta functions whose arguments differ by counts, computed without
//! subtracting two large ln Γ values.
//!
//! The beta-mixture models (BG/BB, shifted-beta-geometric) need ln[B(a + x, b + y)/B(a, b)] for
//! counts x, y: as ln B(a + x, b + y) − ln B(a, b) it is the difference of two numbers as large as
//! a ln a, so at a = 10¹⁰ (2 · 10¹¹, rounded to 3 · 10⁻⁵) a probability near 1 came out with a
//! log above 0. Written as rising factorials, ln (a)ₓ + ln (b)ᵧ − ln (a + b)ₓ₊ᵧ, each term is
//! computed from Stirling's series in a form whose size is that of the result.

use statrs::function::gamma::ln_gamma;

/// Below this argument ln Γ(a + m) − ln Γ(a) is taken directly (both terms are then small enough
/// to keep 14 digits); from it on, Stirling's series to the 1/a⁷ term is exact to 2 · 10⁻¹⁵.
const STIRLING_FROM: f64 = 20.0;

/// ω(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π] for x ≥ [`STIRLING_FROM`] (Abramowitz & Stegun
/// 6.1.41): 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷).
pub(crate) fn stirling_correction(x: f64) -> f64 {
    let y = 1.0 / (x * x);
    (1.0 / 12.0 - y * (1.0 / 360.0 - y * (1.0 / 1260.0 - y / 1680.0))) / x
}

/// ln (a)ₘ = ln Γ(a + m) − ln Γ(a), the log of the rising factorial, for a > 0 and m ≥ 0.
///
/// For a ≥ [`STIRLING_FROM`] it is (a − ½) ln(1 + m/a) + m (ln(a + m) − 1) + ω(a + m) − ω(a),
/// Stirling's series with the two (x − ½) ln x − x terms subtracted symbolically.
pub(crate) fn ln_rising(a: f64, m: f64) -> f64 {
    if m == 0.0 {
        0.0
    } else if a < STIRLING_FROM {
        ln_gamma(a + m) - ln_gamma(a)
    } else {
        (a - 0.5) * (m / a).ln_1p() + m * ((a + m).ln() - 1.0) + stirling_correction(a + m)
            - stirling_correction(a)
    }
}

/// ln[B(a + x, b + y)/B(a, b)] = ln (a)ₓ + ln (b)ᵧ − ln (a + b)ₓ₊ᵧ, for a, b > 0 and x, y ≥ 0.
pub(crate) fn ln_beta_ratio(a: f64, b: f64, x: f64, y: f64) -> f64 {
    ln_rising(a, x) + ln_rising(b, y) - ln_rising(a + b, x + y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ln_beta(u: f64, v: f64) -> f64 {
        ln_gamma(u) + ln_gamma(v) - ln_gamma(u + v)
    }

    #[test]
    fn rising_factorials_match_products_and_ln_gamma() {
        // (20)₃ = 20 · 21 · 22 = 9240; (0.5)₂ = 0.5 · 1.5 = 0.75.
        assert!((ln_rising(20.0, 3.0) - 9240f64.ln()).abs() < 1e-13);
        assert!((ln_rising(0.5, 2.0) - 0.75f64.ln()).abs() < 1e-14);
        // Across the switch to Stirling's series, against the direct difference.
        for a in [19.999, 20.0, 35.5, 1e3] {
            for m in [1.0, 7.0, 250.0, 1e5] {
                let direct = ln_gamma(a + m) - ln_gamma(a);
                let got = ln_rising(a, m);
                assert!(
                    (got - direct).abs() < 1e-12 * direct.abs().max(1.0),
                    "{a} {m}"
                );
            }
        }
        // At a = 10¹⁰: ln (a)₆ = Σ ln(a + k) = 6 ln a + 15/a to 10⁻¹⁹.
        let a = 1e10;
        assert!((ln_rising(a, 6.0) - (6.0 * a.ln() + 15.0 / a)).abs() < 1e-13);
    }

    #[test]
    fn beta_ratios_match_ln_beta_where_it_is_accurate_and_stay_exact_beyond() {
        for (a, b, x, y) in [
            (1.2, 0.75, 3.0, 2.0),
            (0.3, 40.0, 0.0, 6.0),
            (25.0, 30.0, 1.0, 9.0),
        ] {
            let direct = ln_beta(a + x, b + y) - ln_beta(a, b);
            assert!((ln_beta_ratio(a, b, x, y) - direct).abs() < 1e-12);
        }
        // B(a, b + 6)/B(a, b) = Π (b + k)/(a + b + k): at a = 10⁻¹⁰, b = 10¹⁰ it is 1 − 6 · 10⁻²⁰ ·
        // (a/b terms) to double precision, so its log is 0 within rounding, never positive.
        let r = ln_beta_ratio(1e-10, 1e10, 0.0, 6.0);
        assert!(r <= 0.0 && r > -1e-15, "{r}");
    }
}
