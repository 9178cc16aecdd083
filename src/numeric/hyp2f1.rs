//! The Gauss hypergeometric function 2F1(a, b; c; z) in the special case c = a + 1, in log space.
//!
//! The Pareto/NBD likelihood and P(alive) (Schmittlein, Morrison & Colombo 1987; Fader, Hardie &
//! Lee 2005, "A note on deriving the Pareto/NBD model and related expressions", eq. 22) need
//! 2F1(r + s + x, b; r + s + x + 1; z) with z in [0, 1). For heavy buyers (x in the hundreds) the
//! function and its prefactor overflow f64, so everything here is returned as a logarithm.
//!
//! Method:
//! - Euler's transformation (Abramowitz & Stegun 15.3.3),
//!   2F1(a, b; a + 1; z) = (1 − z)^(1 − b) · 2F1(1, a + 1 − b; a + 1; z),
//!   whose series has positive terms with ratio (a + 1 − b + k)/(a + 1 + k) · z < z (for b > 0):
//!   no cancellation, and it converges fast when b is comparable to a (the heavy buyers' case
//!   b = r + x) or z is not close to 1.
//! - When that series would need more than 20,000 terms (z → 1 with b small against a), the
//!   z → 1 − z connection formula (A&S 15.3.6), which for c = a + 1 simplifies to
//!   Γ(a + 1)Γ(1 − b)/Γ(a + 1 − b) · z^(−a) + a/(b − 1) · (1 − z)^(1 − b) · 2F1(1, a + 1 − b; 2 − b; 1 − z),
//!   with Γ(1 − b) by reflection; at (near-)integer b, where both parts have poles that cancel, ln F is
//!   interpolated in b from four points around the integer.
//!
//! # Examples
//!
//! ```
//! use customer_value::numeric::hyp2f1::ln_hyp2f1_a_plus_one;
//! // 2F1(1, 1; 2; z) = −ln(1 − z)/z.
//! let z: f64 = 0.5;
//! let expected = (-(1.0 - z).ln() / z).ln();
//! assert!((ln_hyp2f1_a_plus_one(1.0, 1.0, z).unwrap() - expected).abs() < 1e-14);
//! // A heavy buyer: the value itself overflows f64, its logarithm does not.
//! let ln_f = ln_hyp2f1_a_plus_one(1000.0, 999.5, 1.0 - 1e-9).unwrap();
//! assert!(ln_f.is_finite() && ln_f > 700.0);
//! ```

use statrs::function::gamma::ln_gamma;

/// Terms allowed in the Euler series before switching to the connection formula.
const MAX_SERIES_TERMS: usize = 20_000;

/// ln 2F1(a, b; a + 1; z) and its partial derivatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LnHyp2f1 {
    /// ln 2F1(a, b; a + 1; z).
    pub value: f64,
    /// ∂ ln 2F1 / ∂a (with c = a + 1 moving with a).
    pub d_a: f64,
    /// ∂ ln 2F1 / ∂b.
    pub d_b: f64,
    /// ∂ ln 2F1 / ∂z.
    pub d_z: f64,
}

/// ln 2F1(a, b; a + 1; z) for a > 0, 0 ≤ b < a + 1 and 0 ≤ z < 1.
///
/// Returns `None` outside that domain (including non-finite arguments), and when the logarithm
/// itself is not finite, which happens only for arguments near the top of the `f64` range
/// (b ≈ 1e308 with z near 1). In the domain the result is finite: the function is positive and its
/// logarithm never overflows for arguments below 1e8.
///
/// # Examples
///
/// ```
/// use customer_value::numeric::hyp2f1::ln_hyp2f1_a_plus_one;
/// assert_eq!(ln_hyp2f1_a_plus_one(3.0, 2.0, 0.0), Some(0.0));
/// // mpmath.hyp2f1(3.2, 1.6, 4.2, 0.3) = 1.530348997541416
/// let v = ln_hyp2f1_a_plus_one(3.2, 1.6, 0.3).unwrap().exp();
/// assert!((v - 1.530348997541416).abs() < 1e-13);
/// assert_eq!(ln_hyp2f1_a_plus_one(1.0, 1.0, 1.0), None);
/// ```
pub fn ln_hyp2f1_a_plus_one(a: f64, b: f64, z: f64) -> Option<f64> {
    if !in_domain(a, b, z) {
        return None;
    }
    if z == 0.0 || b == 0.0 {
        return Some(0.0);
    }
    match euler_value(a, b, z) {
        Some(value) => Some(value),
        None => connection_value(a, b, z),
    }
    .filter(|value| value.is_finite())
}

/// The Euler-transformed series without derivatives (the predictions' hot path).
fn euler_value(a: f64, b: f64, z: f64) -> Option<f64> {
    let c_prime = a + 1.0 - b;
    let d = a + 1.0;
    let (mut term, mut sum) = (1.0_f64, 1.0_f64);
    for k in 0..MAX_SERIES_TERMS {
        let kf = k as f64;
        term *= (c_prime + kf) / (d + kf) * z;
        sum += term;
        // Ratios increase towards z: the tail is below term · z/(1 − z).
        if term * z / (1.0 - z) < 1e-17 * sum || term == 0.0 {
            return Some((1.0 - b) * (-z).ln_1p() + sum.ln());
        }
    }
    None
}

/// ln 2F1(a, b; a + 1; z) with its derivatives in a, b and z (same domain as
/// [`ln_hyp2f1_a_plus_one`]).
///
/// The derivatives are analytic (term-by-term sums of the series) except in the rare z → 1 regime
/// handled by the connection formula, where ∂/∂a and ∂/∂b are central differences and ∂/∂z uses the
/// identity dF/dz = (a/z)((1 − z)^(−b) − F), which holds for c = a + 1. `None` when the value or
/// a derivative is not finite (a ≈ f64::MAX gives ∂/∂z = ∞, say).
///
/// # Examples
///
/// ```
/// use customer_value::numeric::hyp2f1::{ln_hyp2f1_a_plus_one, ln_hyp2f1_with_derivatives};
/// let f = |a: f64, b: f64, z: f64| ln_hyp2f1_a_plus_one(a, b, z).unwrap();
/// let d = ln_hyp2f1_with_derivatives(5.0, 1.5, 0.4).unwrap();
/// let h = 1e-6;
/// assert!((d.d_a - (f(5.0 + h, 1.5, 0.4) - f(5.0 - h, 1.5, 0.4)) / (2.0 * h)).abs() < 1e-7);
/// assert!((d.d_b - (f(5.0, 1.5 + h, 0.4) - f(5.0, 1.5 - h, 0.4)) / (2.0 * h)).abs() < 1e-7);
/// assert!((d.d_z - (f(5.0, 1.5, 0.4 + h) - f(5.0, 1.5, 0.4 - h)) / (2.0 * h)).abs() < 1e-7);
/// ```
pub fn ln_hyp2f1_with_derivatives(a: f64, b: f64, z: f64) -> Option<LnHyp2f1> {
    if !in_domain(a, b, z) {
        return None;
    }
    if let Some(s) = euler_series(a, b, z) {
        return s.is_finite().then_some(s);
    }
    let value = connection_value(a, b, z)?;
    let step_a = 1e-5 * a.max(1.0);
    let step_b = 1e-5 * b.max(1.0);
    let d_a = (connection_value(a + step_a, b, z)? - connection_value(a - step_a, b, z)?)
        / (2.0 * step_a);
    let d_b = (connection_value(a, b + step_b, z)?
        - connection_value(a, (b - step_b).max(0.0), z)?)
        / (b + step_b - (b - step_b).max(0.0));
    // dF/dz = (a/z)((1 − z)^(−b) − F), so d ln F/dz = (a/z)(exp(−b ln(1 − z) − ln F) − 1).
    let d_z = a / z * ((-b * (-z).ln_1p() - value).exp() - 1.0);
    let result = LnHyp2f1 {
        value,
        d_a,
        d_b,
        d_z,
    };
    result.is_finite().then_some(result)
}

impl LnHyp2f1 {
    fn is_finite(&self) -> bool {
        [self.value, self.d_a, self.d_b, self.d_z]
            .iter()
            .all(|v| v.is_finite())
    }
}

fn in_domain(a: f64, b: f64, z: f64) -> bool {
    a.is_finite()
        && b.is_finite()
        && z.is_finite()
        && a > 0.0
        && b >= 0.0
        && b < a + 1.0
        && (0.0..1.0).contains(&z)
}

/// Euler-transformed series with derivatives; `None` when it would need too many terms.
fn euler_series(a: f64, b: f64, z: f64) -> Option<LnHyp2f1> {
    let c_prime = a + 1.0 - b; // > 0 in the domain
    let d = a + 1.0;
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    // Running ∂ ln term / ∂a and ∂b, and the term-weighted sums of those and of the index.
    let (mut dlog_a, mut dlog_b) = (0.0_f64, 0.0_f64);
    let (mut sum_a, mut sum_b, mut sum_n) = (0.0_f64, 0.0_f64, 0.0_f64);
    let mut converged = false;
    for k in 0..MAX_SERIES_TERMS {
        let kf = k as f64;
        let ratio = (c_prime + kf) / (d + kf) * z;
        term *= ratio;
        dlog_a += 1.0 / (c_prime + kf) - 1.0 / (d + kf);
        dlog_b -= 1.0 / (c_prime + kf);
        let n = kf + 1.0;
        sum += term;
        sum_a += term * dlog_a;
        sum_b += term * dlog_b;
        sum_n += term * n;
        // The ratios increase towards z, so the tail is below term · ratio'/(1 − ratio') with
        // ratio' ≤ z; the index-weighted tail needs the extra factor (n + 1/(1 − z)).
        let tail_ratio = z;
        let tail = term * tail_ratio / (1.0 - tail_ratio) * (n + 1.0 / (1.0 - tail_ratio));
        if tail < 1e-17 * sum || term == 0.0 {
            converged = true;
            break;
        }
    }
    if !converged {
        return None;
    }
    let ln_one_minus_z = (-z).ln_1p();
    let value = (1.0 - b) * ln_one_minus_z + sum.ln();
    let d_a = sum_a / sum;
    let d_b = -ln_one_minus_z + sum_b / sum;
    // d ln G/dz = (Σ n g_n)/(z G); at z = 0 the limit is the first coefficient c'/d.
    let d_ln_g_dz = if z > 0.0 {
        sum_n / (z * sum)
    } else {
        c_prime / d
    };
    let d_z = (b - 1.0) / (1.0 - z) + d_ln_g_dz;
    Some(LnHyp2f1 {
        value,
        d_a,
        d_b,
        d_z,
    })
}

/// The connection formula near z = 1, interpolating in b around integers.
fn connection_value(a: f64, b: f64, z: f64) -> Option<f64> {
    let nearest = b.round();
    let half_width = 2e-4;
    if (b - nearest).abs() < 1e-4 && nearest >= 1.0 {
        // Cubic Lagrange interpolation of ln F at nearest ± h, ± 2h (ln F is smooth in b).
        let nodes = [-2.0, -1.0, 1.0, 2.0].map(|m| nearest + m * half_width);
        let mut total = 0.0;
        for (i, &bi) in nodes.iter().enumerate() {
            let vi = connection_raw(a, bi, z)?;
            let weight: f64 = nodes
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, &bj)| (b - bj) / (bi - bj))
                .product();
            total += weight * vi;
        }
        return total.is_finite().then_some(total);
    }
    connection_raw(a, b, z)
}

/// A&S 15.3.6 for c = a + 1 at non-integer b, in log space with signs.
fn connection_raw(a: f64, b: f64, z: f64) -> Option<f64> {
    if !(b >= 0.0 && b < a + 1.0) {
        return None;
    }
    let w = 1.0 - z;
    let c_prime = a + 1.0 - b;
    // First part: Γ(a + 1) Γ(1 − b) / Γ(a + 1 − b) · z^(−a).
    let (ln_abs_gamma_one_minus_b, sign_first) = if b < 1.0 {
        (ln_gamma(1.0 - b), 1.0)
    } else {
        // Γ(1 − b) = π / (sin(π b) Γ(b)).
        // sin(π b) = (−1)ⁿ sin(π (b − n)) with n = round(b): b − n is exact, π b is not, and near the
        // poles the cancellation below would amplify that rounding a thousandfold.
        let nearest = b.round();
        let parity = if nearest.rem_euclid(2.0) == 0.0 {
            1.0
        } else {
            -1.0
        };
        let sine = parity * (std::f64::consts::PI * (b - nearest)).sin();
        (
            std::f64::consts::PI.ln() - sine.abs().ln() - ln_gamma(b),
            sine.signum(),
        )
    };
    let ln_first = ln_gamma_ratio(c_prime, b) + ln_abs_gamma_one_minus_b - a * z.ln();
    // Second part: a/(b − 1) · w^(1 − b) · H, H = Σ (c')_n/(2 − b)_n wⁿ.
    let mut term = 1.0_f64;
    let mut h = 1.0_f64;
    let mut converged = false;
    for k in 0..MAX_SERIES_TERMS {
        let kf = k as f64;
        term *= (c_prime + kf) / (2.0 - b + kf) * w;
        h += term;
        if term.abs() < 1e-17 * h.abs() && kf > b {
            converged = true;
            break;
        }
    }
    if !converged || h == 0.0 {
        return None;
    }
    let sign_second = (b - 1.0).signum() * h.signum();
    let ln_second = a.ln() - (b - 1.0).abs().ln() + (1.0 - b) * w.ln() + h.abs().ln();
    let top = ln_first.max(ln_second);
    let total = sign_first * (ln_first - top).exp() + sign_second * (ln_second - top).exp();
    (total > 0.0 && total.is_finite()).then(|| top + total.ln())
}

/// ln Γ(x + b) − ln Γ(x) for x > 0, b ≥ 0. For large x the difference of two large ln Γ values
/// loses digits that the connection formula's cancellation would amplify, so it is taken from the
/// difference of Stirling series (A&S 6.1.41), each piece small.
fn ln_gamma_ratio(x: f64, b: f64) -> f64 {
    if x < 15.0 {
        return ln_gamma(x + b) - ln_gamma(x);
    }
    let y = x + b;
    let stirling_tail = |t: f64| {
        let t2 = t * t;
        1.0 / (12.0 * t) - 1.0 / (360.0 * t * t2) + 1.0 / (1260.0 * t * t2 * t2)
            - 1.0 / (1680.0 * t * t2 * t2 * t2)
    };
    // (y − ½) ln y − y − [(x − ½) ln x − x] = b ln x + (y − ½) ln(1 + b/x) − b.
    b * x.ln() + (y - 0.5) * (b / x).ln_1p() - b + stirling_tail(y) - stirling_tail(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        // 2F1(a, 1; a + 1; z) with a = 1: −ln(1 − z)/z.
        for z in [0.1_f64, 0.9, 0.999_999] {
            let expected = (-(-z).ln_1p() / z).ln();
            let got = ln_hyp2f1_a_plus_one(1.0, 1.0, z).unwrap();
            assert!(
                (got - expected).abs() < 1e-12 * expected.abs().max(1.0),
                "z = {z}: {got} vs {expected}"
            );
        }
        // b = a: 2F1(a, a; a + 1; z) is not elementary, but b = 0 gives 1.
        assert_eq!(ln_hyp2f1_a_plus_one(4.0, 0.0, 0.7), Some(0.0));
    }

    #[test]
    fn outside_the_domain_is_none() {
        assert_eq!(ln_hyp2f1_a_plus_one(0.0, 1.0, 0.5), None);
        assert_eq!(ln_hyp2f1_a_plus_one(1.0, -1.0, 0.5), None);
        assert_eq!(ln_hyp2f1_a_plus_one(1.0, 1.0, -0.1), None);
        assert_eq!(ln_hyp2f1_a_plus_one(1.0, 2.5, 0.5), None);
        assert_eq!(ln_hyp2f1_a_plus_one(f64::NAN, 1.0, 0.5), None);
        assert!(ln_hyp2f1_with_derivatives(1.0, 1.0, 1.0).is_none());
    }
}
