//! The regularized incomplete beta function I_x(a, b), which BG/NBD's count tail and the
//! Gamma-Gamma distribution of mean spend both need.
//!
//! Evaluated by its continued fraction (Abramowitz & Stegun 26.5.8) with Lentz's method (Press
//! et al., Numerical Recipes, §6.4), on the side of the mean where it converges fast, in
//! O(√max(a, b)) steps (at most [`MAX_STEPS`]); the front factor x^a (1 − x)^b / B(a, b) in
//! Stirling's form when both shapes are large, so that it keeps its digits for shapes in the
//! billions.

use statrs::function::gamma::ln_gamma;

use crate::clv::beta_ratio::{ln_rising, stirling_correction};

/// Steps of the continued fraction before it is declared not convergent: about 20 √max(a, b) at
/// the parameter range's top (10¹⁰), and a few milliseconds.
const MAX_STEPS: u32 = 2_000_000;

/// I_x(a, b) for a, b > 0, with `y` = 1 − x given separately (so that a caller keeps the digits
/// of whichever is small), in [0, 1]; `None` when the continued fraction does not settle within
/// [`MAX_STEPS`] (not seen for shapes in the parameter range).
pub(crate) fn regularized_beta(a: f64, b: f64, x: f64, y: f64) -> Option<f64> {
    if x <= 0.0 {
        return Some(0.0);
    }
    if y <= 0.0 {
        return Some(1.0);
    }
    // The fraction converges fast below the mean (a + 1)/(a + b + 2); above it use the symmetry
    // I_x(a, b) = 1 − I_{1−x}(b, a).
    let value = if x * (a + b + 2.0) < a + 1.0 {
        front(a, b, x, y).exp() * continued_fraction(a, b, x)? / a
    } else {
        1.0 - front(b, a, y, x).exp() * continued_fraction(b, a, y)? / b
    };
    value.is_finite().then_some(value.clamp(0.0, 1.0))
}

/// ln[x^a y^b / B(a, b)]. When both shapes are large the terms a ln x, b ln y and ln B(a, b)
/// are each of order a ln a and cancel to a number of order 1: Stirling's form keeps the
/// difference, as a ln(1 + (bx − ay)/a) + b ln(1 + (ay − bx)/b) + ½ ln(ab/(2π(a + b))) less the
/// Stirling corrections (the form of DiDonato & Morris 1992, "Algorithm 708").
fn front(a: f64, b: f64, x: f64, y: f64) -> f64 {
    const STIRLING_FROM: f64 = 20.0;
    let (ln_x, ln_y) = (ln_of(x, y), ln_of(y, x));
    if a.min(b) < STIRLING_FROM {
        // ln B(a, b) = ln Γ(small) − ln (large)_small, without two large ln Γ.
        let (small, large) = (a.min(b), a.max(b));
        let ln_beta = ln_gamma(small) - ln_rising(large, small);
        return a * ln_x + b * ln_y - ln_beta;
    }
    let spread = b * x - a * y;
    a * (spread / a).ln_1p()
        + b * (-spread / b).ln_1p()
        + 0.5 * (a * b / (2.0 * std::f64::consts::PI * (a + b))).ln()
        - (stirling_correction(a) + stirling_correction(b) - stirling_correction(a + b))
}

/// ln u given u and 1 − u: through ln(1 − (1 − u)) when u is near 1, where u itself has lost the
/// digits of 1 − u.
fn ln_of(u: f64, complement: f64) -> f64 {
    if u > 0.5 {
        (-complement).ln_1p()
    } else {
        u.ln()
    }
}

/// The continued fraction of I_x(a, b) (A&S 26.5.8) by Lentz's method, for x below the mean.
fn continued_fraction(a: f64, b: f64, x: f64) -> Option<f64> {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=MAX_STEPS {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        // The even step, then the odd step, of the fraction's coefficients.
        let even = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() <= 1e-15 {
            return h.is_finite().then_some(h);
        }
    }
    None
}
