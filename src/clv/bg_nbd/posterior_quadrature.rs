//! E[Y(t) | alive at T] of the BG/NBD family as an integral over the drop-out probability p, for
//! where the hypergeometric series of [`super::predict`] does not settle: a drop-out shape a in
//! the hundreds of thousands (a fit where everybody shares one p: a ≈ 5.7 · 10⁵, b ≈ 4.7 · 10⁶
//! needed more terms than the series' cap, and its terms overflow from a ≈ 10⁶), or a horizon
//! thousands of times the customer's age.
//!
//! A customer alive with rate λ and drop-out probability p buys (1 − e^(−λpt))/p in the next t
//! (FHL 2005, the individual-level expectation behind equation 9). Alive at T after x repeat
//! purchases, λ ~ Gamma(r + x, α + T) and p ~ Beta(a, B), B = b + x + s, having survived x drop-out
//! tosses (x + 1 for MBG/NBD, s = 1). Mixing over λ,
//!
//! E[Y(t) | alive] = E[h(p)],  h(p) = (1 − (1 + c p)^(−m))/p,  m = r + x,  c = t/(α + T),
//!
//! which is the series' (a + B − 1) · bracket by Euler's integral for 2F1 (Abramowitz & Stegun
//! 15.3.1). In u = ln(p/(1 − p)) the Beta density is log-concave (its log has second derivative
//! −(a + B) p(1 − p)), peaks at u = ln(a/B) with width σ = √(1/a + 1/B), and falls at least
//! exponentially on either side; h is analytic in the strip |Im u| < π. So the integral is taken
//! on the window where the density is within e^(−40) · h(1)/h(0) of its peak (h falls from
//! h(0) = mc to h(1), so what is left out is below e^(−40) of the integral), by 16-point
//! Gauss–Legendre on panels no wider than min(σ, 1), self-normalised (Σ w h d / Σ w d): ln B(a, B),
//! of order 10¹¹ at the parameter range's top, never enters.
//!
//! Used for min(a, B) ≥ ½: below that a tail of the density spans more than 80/min(a, B) in u,
//! and the series converges there unless the horizon is extreme.

use crate::numeric::gauss_legendre::SIXTEEN;

/// The smallest shapes a and B taken (see the module docs).
const MIN_SHAPE: f64 = 0.5;

/// e-folds of the density below its peak left out, before the allowance for h's range.
const WINDOW_E_FOLDS: f64 = 40.0;

/// The most panels of 16 nodes (reached only for a and B near ½ with an extreme horizon).
const MAX_PANELS: f64 = 4096.0;

/// E[h(p)] for p ~ Beta(`a`, `big_b`), h as in the module docs with m = `m` and c = `c`; `None`
/// for shapes below ½ or when the window needs more than [`MAX_PANELS`] panels.
pub(super) fn expected_if_alive(a: f64, big_b: f64, m: f64, c: f64) -> Option<f64> {
    if c == 0.0 {
        return Some(0.0);
    }
    // ln(h(0)/h(1)) = ln(mc) − ln(1 − (1 + c)^−m).
    let h_range = (m * c).ln() - (-(-m * c.ln_1p()).exp_m1()).ln();
    beta_expectation(a, big_b, h_range, |p| -(-m * (c * p).ln_1p()).exp_m1() / p)
}

/// E[g(p)] for p ~ Beta(`a`, `big_b`) and a positive g whose largest and smallest values on
/// [0, 1] are at most e^`ln_range` apart (the window must reach that much further into the tails:
/// see the module docs); `None` for shapes below ½ or when the window needs more than
/// [`MAX_PANELS`] panels. Also the BG/NBD future P(alive) (`crate::clv::forecast`).
pub(crate) fn beta_expectation(
    a: f64, big_b: f64, ln_range: f64, g: impl Fn(f64) -> f64,
) -> Option<f64> {
    if a.min(big_b) < MIN_SHAPE {
        return None;
    }
    let ln_density = |u: f64| -a * softplus(-u) - big_b * softplus(u);
    let peak = (a / big_b).ln();
    let floor = ln_density(peak) - WINDOW_E_FOLDS - ln_range.max(0.0);
    let width = (1.0 / a + 1.0 / big_b).sqrt();
    let lower = edge(peak, -width, |u| ln_density(u) >= floor)?;
    let upper = edge(peak, width, |u| ln_density(u) >= floor)?;
    let panels = ((upper - lower) / width.min(1.0)).ceil().max(1.0);
    if panels > MAX_PANELS || panels.is_nan() {
        return None;
    }
    let top = ln_density(peak);
    let (mut weighted, mut total) = (0.0, 0.0);
    for (u, w) in SIXTEEN.panel_nodes(lower, upper, panels as usize) {
        let d = w * (ln_density(u) - top).exp();
        weighted += d * g(logistic(u));
        total += d;
    }
    let value = weighted / total;
    value.is_finite().then_some(value)
}

/// The end of the window from the peak in the direction of `step`: doubling steps until `inside`
/// fails, then 64 halvings; `None` if it never fails within 2¹⁰⁰ steps.
fn edge(peak: f64, step: f64, inside: impl Fn(f64) -> bool) -> Option<f64> {
    let mut reach = step;
    let mut doublings = 0;
    while inside(peak + reach) {
        reach *= 2.0;
        doublings += 1;
        if doublings > 100 {
            return None;
        }
    }
    let (mut near, mut far) = (0.0, reach);
    for _ in 0..64 {
        let middle = 0.5 * (near + far);
        if inside(peak + middle) {
            near = middle;
        } else {
            far = middle;
        }
    }
    Some(peak + far)
}

/// 1/(1 + e^(−u)).
fn logistic(u: f64) -> f64 {
    if u >= 0.0 {
        1.0 / (1.0 + (-u).exp())
    } else {
        let e = u.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + e^u), without overflow.
fn softplus(u: f64) -> f64 {
    if u > 0.0 {
        u + (-u).exp().ln_1p()
    } else {
        u.exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against mpmath 1.3 at 40 digits: the hypergeometric form (a + B − 1)/(a − 1) · [1 −
    /// 2F1(m, a − 1; a + B − 1; −c)] and `quad` of h times the Beta density agree on every case
    /// where both converge; where the series of `predict` converges and where it does not
    /// (a = 5.7 · 10⁵, 10¹⁰).
    #[test]
    fn matches_mpmath() {
        for (a, big_b, m, c, want) in [
            (2.5, 4.0, 2.243, 0.8, 1.2047891880444607),
            (0.793, 4.426, 2.243, 0.9092, 1.7000623762029124),
            (5.7e5, 4.7e6, 3.2, 0.9, 2.377_468_227_594_869),
            (5.7e5, 4.7e6, 3.2, 2e3, 9.245_628_194_036_54),
            (5.7e5, 4.7e6, 3.2, 1e-4, 0.000_319_992_731_825_066_1),
            (1e3, 1.5, 2.0, 3.0, 0.938_766_495_195_173_6),
            // E[1/p] = (a + B − 1)/(a − 1) where m c p ≫ 1 over the whole density.
            (1e10, 1e10, 1e4, 5.0, 2.0000000001),
            (3.0, 2.0, 1e12, 1e-3, 2.0),
        ] {
            let got = expected_if_alive(a, big_b, m, c).unwrap();
            assert!(
                (got - want).abs() < 1e-13 * want,
                "{a} {big_b} {m} {c}: {got} vs {want}"
            );
        }
    }
}
