//! E[Y(t) | alive at T] of the BG/NBD family, from whichever of three forms keeps its precision.
//!
//! With m = r + x, c = t/(α + T) and B = b + x + s (s = 1 for MBG/NBD), the expectation of a
//! customer alive at T is E[h(p)] for p ~ Beta(a, B), h(p) = (1 − (1 + cp)^(−m))/p
//! ([`super::posterior_quadrature`]), which FHL (2005, equation 10) write as (a + B − 1) times the
//! bracket [1 − 2F1(m, a − 1; a + B − 1; −c)]/(a − 1) (Pfaff's form of their 2F1; Abramowitz &
//! Stegun 15.3.4).
//!
//! - **Euler's form** (`conditional_bracket` in [`super::predict`], and the batch tables): a
//!   series in z = c/(1 + c) whose sum s is multiplied by (1 − z)^(a−1), and from which 1 is
//!   taken. Its terms do not cancel, but the result does: it is about m(1 + c)/(a + B − 1) times
//!   the parts it is taken from, and e^((a−1) ln(1+c)) times smaller than s. It is used when
//!   both factors stay below [`MAX_LOSS`] (most fits: CDNOW's loses a factor 9 at most).
//! - **Pfaff's form** ([`pfaff_sum`]), for c < 1: Σₙ (−1)ⁿ⁺¹ (m)ₙ (a)ₙ₋₁ cⁿ/((a + B − 1)ₙ n!),
//!   whose terms fall at once when B is large, the case Euler's form loses digits in (the
//!   no-drop-out edge, b → ∞: at b = 10¹⁰ it was off by 4 · 10⁻⁷).
//! - **The integral over p** ([`super::posterior_quadrature`]), for a, B ≥ ½: any horizon, a in
//!   the millions.
//!
//! When none applies (a or B below ½ with c ≥ 1) Euler's value is returned even if it lost more
//! than [`MAX_LOSS`]; when it cannot be computed either (its series does not settle in 200,000
//! terms, c beyond about 5,000, or overflows, a in the thousands), a
//! [`ClvError::NumericalFailure`].

use super::posterior_quadrature;
use super::predict::conditional_bracket;
use super::Variant;
use crate::clv::ClvError;

/// The precision factor a form may lose: 10⁴ leaves about 2 · 10⁻¹² of the result.
const MAX_LOSS: f64 = 1e4;

/// Terms of Pfaff's series before it is abandoned.
const MAX_TERMS: u32 = 200_000;

/// Whether Euler's form keeps its precision (see the module docs); the batch tables follow the
/// same choice, so that a batch agrees with the single form.
pub(super) fn euler_is_precise(a: f64, big_b: f64, m: f64, c: f64) -> bool {
    let shrink = (a - 1.0) * c.ln_1p();
    shrink <= MAX_LOSS.ln() && a + big_b - 1.0 <= MAX_LOSS * m * (1.0 + c)
}

/// E[Y(t) | alive at T, x] for a customer of age T (a new customer: x = 0, T = 0).
pub(super) fn expected_if_alive(
    variant: Variant, p: &[f64; 4], x: f64, age: f64, t: f64,
) -> Result<f64, ClvError> {
    if t == 0.0 {
        return Ok(0.0);
    }
    let [r, alpha, a, b] = *p;
    let (big_b, m, c) = (b + x + variant.shift(), r + x, t / (alpha + age));
    let euler = || {
        let value = (a + big_b - 1.0) * conditional_bracket(variant, p, x, age, t).ok()?;
        value.is_finite().then_some(value.max(0.0))
    };
    if euler_is_precise(a, big_b, m, c) {
        if let Some(value) = euler() {
            return Ok(value);
        }
    }
    pfaff_sum(a, big_b, m, c)
        .or_else(|| posterior_quadrature::expected_if_alive(a, big_b, m, c))
        .or_else(euler)
        .ok_or(ClvError::NumericalFailure {
            what: "BG/NBD expected purchases: neither the hypergeometric series nor the integral \
                   over p applies (a or b + x below ½ with a horizon t beyond about 5,000 (α + T), \
                   or with t ≥ α + T and a in the thousands)",
        })
}

/// (a + B − 1) [1 − 2F1(m, a − 1; a + B − 1; −c)]/(a − 1) by Pfaff's series, with the factor
/// a − 1 of every term cancelled symbolically (no 0/0 at a = 1); `None` for c ≥ 1 (no
/// convergence), a + B ≤ 1, or when the alternating terms cancel by more than [`MAX_LOSS`].
fn pfaff_sum(a: f64, big_b: f64, m: f64, c: f64) -> Option<f64> {
    let base = a + big_b - 1.0;
    if !(c < 1.0 && base > 0.0) {
        return None;
    }
    // uₙ = (m)ₙ (a)ₙ₋₁ cⁿ/((base)ₙ n!), u₁ = m c/base; the sum is base · Σ (−1)ⁿ⁺¹ uₙ.
    let mut term = m * c / base;
    let (mut sum, mut magnitude) = (term, term);
    for k in 1..MAX_TERMS {
        let n = f64::from(k);
        term *= -(m + n) * (a + n - 1.0) * c / ((base + n) * (n + 1.0));
        sum += term;
        magnitude += term.abs();
        if term.abs() <= 1e-17 * sum.abs() {
            let value = base * sum;
            return (magnitude <= MAX_LOSS * sum.abs() && value.is_finite()).then_some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At the no-drop-out edge (a = 10⁻¹⁰, b = 10¹⁰) Euler's form lost 4 · 10⁻⁷; Pfaff's gives
    /// mpmath's 1 − 2F1 (50 digits) to rounding. At CDNOW's parameters the two agree.
    #[test]
    fn pfaff_keeps_the_precision_euler_loses_at_the_edge() {
        // alive · E[h] of x = 2, t_x = 30.43, T = 38.86 at t = 0.5, r = α = 10⁻¹⁰: mpmath
        // 0.025733401956958998 / P(alive), with P(alive) = 1 − 10⁻²⁰ · …, i.e. 1.
        let (m, c) = (2.0 + 1e-10, 0.5 / (1e-10 + 38.86));
        assert!(!euler_is_precise(1e-10, 1e10 + 2.0, m, c));
        let got = pfaff_sum(1e-10, 1e10 + 2.0, m, c).unwrap();
        assert!((got - 0.025_733_401_956_958_998).abs() < 1e-16, "{got}");
        let cdnow = [0.243, 4.414, 0.793, 2.426];
        let (m, c) = (2.243, 39.0 / (4.414 + 38.86));
        assert!(euler_is_precise(0.793, 4.426, m, c));
        let euler = 4.426 + 0.793 - 1.0;
        let euler =
            euler * conditional_bracket(Variant::Standard, &cdnow, 2.0, 38.86, 39.0).unwrap();
        let pfaff = pfaff_sum(0.793, 4.426, m, c).unwrap();
        assert!((euler - pfaff).abs() < 1e-13 * euler, "{euler} vs {pfaff}");
    }
}
