//! The tail P(X ≥ n) of the negative binomial count of purchases in a period (rates λ ~ Gamma(r,
//! α), X | λ ~ Poisson(λt)), which BG/NBD's P(X(t) = n) needs (FHL 2005, equation 8).
//!
//! With q = t/(α + t) it is the regularized incomplete beta function I_q(n, r) (Abramowitz &
//! Stegun 26.5.24 with the negative binomial's CDF 1 − I_q(n, r)), evaluated by its continued
//! fraction (A&S 26.5.8) with Lentz's method (Press et al., Numerical Recipes, §6.4). Summing the
//! probabilities term by term instead costs n terms below the mean and never ends when q → 1
//! above it (n = u32::MAX at t = f64::MAX ran for minutes); the continued fraction needs
//! O(√max(n, r)) steps (at most [`MAX_STEPS`]).

use statrs::function::gamma::ln_gamma;

use crate::clv::beta_ratio::{ln_rising, stirling_correction};

/// Steps of the continued fraction before it is declared not convergent: about 20 √max(n, r) at
/// the parameter range's top (r = 10¹⁰), and a few milliseconds.
const MAX_STEPS: u32 = 2_000_000;

/// P(X(t) ≥ n) for n ≥ 1 of the negative binomial with shape r and rate α; `None` when the
/// continued fraction does not settle within [`MAX_STEPS`] (not seen for parameters in range).
pub(super) fn nbd_tail(r: f64, alpha: f64, n: u32, t: f64) -> Option<f64> {
    // q and 1 − q, each from its own ratio: 1 − q is α/(α + t), not 1 − q, at t near f64::MAX.
    let scale = alpha + t;
    regularized_beta(f64::from(n), r, t / scale, alpha / scale)
}

/// I_x(a, b) for a, b > 0, with `y` = 1 − x given separately, in [0, 1].
fn regularized_beta(a: f64, b: f64, x: f64, y: f64) -> Option<f64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The tail against the sum of the probabilities, where the sum is cheap.
    fn summed_tail(r: f64, alpha: f64, n: u32, t: f64) -> f64 {
        let q = t / (alpha + t);
        let mut pmf = (r * (alpha / (alpha + t)).ln()).exp();
        let mut below = 0.0;
        for j in 0..n {
            below += pmf;
            pmf *= (r + f64::from(j)) / (f64::from(j) + 1.0) * q;
        }
        1.0 - below
    }

    #[test]
    fn the_fraction_matches_the_sum_of_probabilities() {
        for (r, alpha, t) in [(0.243, 4.414, 30.0), (2.5, 1.0, 0.5), (0.01, 3.0, 100.0)] {
            for n in [1, 2, 5, 13, 40] {
                let (got, want) = (
                    nbd_tail(r, alpha, n, t).unwrap(),
                    summed_tail(r, alpha, n, t),
                );
                assert!(
                    (got - want).abs() < 1e-13,
                    "{r} {alpha} {t} {n}: {got} vs {want}"
                );
            }
        }
    }

    /// r = 1 is the geometric distribution: P(X ≥ n) = qⁿ exactly, down to 1e-300 and for n in the
    /// billions (where the sum would need billions of terms).
    #[test]
    fn the_geometric_case_is_exact_for_any_count() {
        for (t, n) in [(1.0, 3), (1e6, 4_000_000_000_u32), (0.01, 150), (1e9, 1)] {
            let q: f64 = t / (1.0 + t);
            let want = (f64::from(n) * (-1.0 / (1.0 + t)).ln_1p()).exp();
            let got = nbd_tail(1.0, 1.0, n, t).unwrap();
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "{t} {n}: {got} vs {want} ({q})"
            );
        }
    }

    /// Both shapes large (n and r in the billions, the mean near n): the normal limit, a half at
    /// the mean, and finite values with Stirling's form of the front factor.
    #[test]
    fn large_shapes_keep_their_precision() {
        // E[X] = r t/α = 4e9 at n = 4e9 + 1: P(X ≥ n) → ½ (the skew moves it by O(1/√n)).
        let tail = nbd_tail(4e9, 1.0, 4_000_000_001, 1.0).unwrap();
        assert!((tail - 0.5).abs() < 1e-4, "{tail}");
        for (r, t) in [
            (1e10, 1e-10),
            (1e-10, f64::MAX),
            (1e10, f64::MAX),
            (1e-10, 1e-300),
        ] {
            for n in [1, 100, u32::MAX] {
                let tail = nbd_tail(r, 1.0, n, t).unwrap();
                assert!((0.0..=1.0).contains(&tail), "{r} {t} {n}: {tail}");
            }
        }
    }
}
