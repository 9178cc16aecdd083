//! The drop-out part of the Pareto/NBD likelihood as an integral over the time of death.
//!
//! A customer who made x repeat purchases, the last at t_x, and died at τ ∈ (t_x, T] has the
//! likelihood λ^x e^(−λτ) · μ e^(−μτ) (the individual-level derivation in section 2 of the FHL note;
//! Schmittlein, Morrison & Colombo 1987). Mixing over λ ~ Gamma(r, α) and μ ~ Gamma(s, β) gives
//! Γ(r + x) α^r β^s / Γ(r) · s · J with
//!
//! J = ∫ from t_x to T of (α + τ)^−(r+x) (β + τ)^−(s+1) dτ,
//!
//! which is the s/(r + s + x) · A₀ of FHL eq. 22 (A₀ = F(t_x) − F(T) there is the difference of this
//! integral's two tails). Near the boundary where nobody drops out (s → 0, β ≫ α) the tails are
//! 2F1s at an argument (β − α)/(β + τ) near 1, whose series need ~10⁴ terms (Online Retail weekly at
//! s 1.6e-5, β 6,331: 600 ms per likelihood pass, against 1 ms inside). J itself is a smooth
//! integral over a bounded interval, and it has no cancellation between tails.
//!
//! Quadrature variable: v = ln(a₁ + τ), where a₁ is the smaller of α and β. The integrand becomes
//! f(v) = e^((1 − e₁) v) (a₂ − a₁ + e^v)^(−e₂) (e₁, e₂ the exponents of a₁ and the other base a₂), whose
//! only singularities are at Im v = ±π: a panel of half-width h ≤ 1.5 and κh ≤ 7, where
//! κ = |1 − e₁| + e₂ (a₁ + T)/(a₂ + T) bounds |d ln f/dv|, gives ~1e-16 with the 16-point rule (see
//! [`crate::numeric::gauss_legendre`]). The gradient in (r, α, s, β) is the integral of ∂ ln f
//! times f, on the same nodes.

use crate::clv::pareto_nbd::likelihood::LogTerm;
use crate::clv::pareto_nbd::ParetoNbdParams;
use crate::numeric::gauss_legendre::panel_nodes;

/// Largest κ·h per panel (16-point rule, error below 1e-16 relative for e^(κv)).
const MAX_RATE_TIMES_HALF_WIDTH: f64 = 7.0;
/// Largest half-width per panel in v (the singularities at Im v = ±π stay outside the rule's
/// ellipse of convergence by a factor that makes their contribution below 1e-16).
const MAX_HALF_WIDTH: f64 = 1.5;

/// The integrand's bases and exponents, the smaller base first.
struct Integrand {
    /// a₁ = min(α, β) and its exponent e₁.
    base: f64,
    exponent: f64,
    /// a₂ = max(α, β) and its exponent e₂.
    other_base: f64,
    other_exponent: f64,
    /// Whether a₁ is α (then e₁ = r + x); otherwise it is β (e₁ = s + 1).
    alpha_first: bool,
}

impl Integrand {
    fn new(p: &ParetoNbdParams, x: f64) -> Self {
        let (purchase, dropout) = ((p.alpha, p.r + x), (p.beta, p.s + 1.0));
        let alpha_first = p.alpha <= p.beta;
        let (first, second) = if alpha_first {
            (purchase, dropout)
        } else {
            (dropout, purchase)
        };
        Self {
            base: first.0,
            exponent: first.1,
            other_base: second.0,
            other_exponent: second.1,
            alpha_first,
        }
    }

    /// Panels of the 16-point rule needed on [ln(a₁ + t_x), ln(a₁ + T)].
    fn panels(&self, t_x: f64, age: f64) -> f64 {
        let half_width = 0.5 * ((self.base + age) / (self.base + t_x)).ln();
        // d ln f/dv = (1 − e₁) − e₂ (a₁ + τ)/(a₂ + τ), and (a₁ + τ)/(a₂ + τ) grows to its value at
        // T. Bounding it by 1 instead would ask for 15,700 panels per customer where s and β both
        // run to infinity at a fixed s/β (a fixed drop-out rate), as on the small sample of
        // tests/pareto_nbd.rs, for an integrand that varies by e^4.
        let rate = (1.0 - self.exponent).abs()
            + self.other_exponent * (self.base + age) / (self.other_base + age);
        (half_width * rate / MAX_RATE_TIMES_HALF_WIDTH)
            .max(half_width / MAX_HALF_WIDTH)
            .ceil()
            .max(1.0)
    }
}

/// Panels the quadrature of J needs for this history (the caller weighs that cost against the
/// 2F1 series').
pub(super) fn panels(p: &ParetoNbdParams, x: f64, t_x: f64, age: f64) -> f64 {
    Integrand::new(p, x).panels(t_x, age)
}

/// ln(s · J) for t_x < T, with its gradient in (r, α, s, β) when `with_gradient`; `None` if J is
/// not a positive finite number.
pub(super) fn dead_term(
    p: &ParetoNbdParams, x: f64, t_x: f64, age: f64, with_gradient: bool,
) -> Option<LogTerm> {
    let f = Integrand::new(p, x);
    let panels = f.panels(t_x, age);
    if !panels.is_finite() {
        return None;
    }
    let sums = f.weighted_sums(t_x, age, panels as usize, with_gradient);
    // ln f at v₀ = ln(a₁ + t_x), the reference of the sums.
    let (lower, ln_other_lower) = ((f.base + t_x).ln(), (f.other_base + t_x).ln());
    let ln_f_lower = (1.0 - f.exponent) * lower - f.other_exponent * ln_other_lower;
    let value = p.s.ln() + ln_f_lower + sums.top + sums.value.ln();
    if !value.is_finite() {
        return None;
    }
    let mut gradient = [0.0; 4];
    if with_gradient {
        // ∂ ln J/∂ of e₁, a₁, e₂, a₂: minus the f-weighted means of ∂ ln f.
        let mean = |sum: f64| sum / sums.value;
        let d_exponent = -(lower + mean(sums.offset));
        let d_base = -f.exponent * mean(sums.inverse_base);
        let d_other_exponent = -(ln_other_lower + mean(sums.ln_other_ratio));
        let d_other_base = -f.other_exponent * mean(sums.inverse_other_base);
        let [d_r, d_alpha, d_s, d_beta] = if f.alpha_first {
            [d_exponent, d_base, d_other_exponent, d_other_base]
        } else {
            [d_other_exponent, d_other_base, d_exponent, d_base]
        };
        gradient = [d_r, d_alpha, 1.0 / p.s + d_s, d_beta];
    }
    Some(LogTerm { value, gradient })
}

/// Quadrature sums Σ w f · g for the g below, f taken relative to f(v₀) and scaled by e^(−top).
#[derive(Default)]
struct Sums {
    /// The largest ln(f/f(v₀)) met (f spans hundreds of orders of magnitude for heavy buyers).
    top: f64,
    /// g = 1.
    value: f64,
    /// g = v − v₀.
    offset: f64,
    /// g = 1/(a₁ + τ).
    inverse_base: f64,
    /// g = ln((a₂ + τ)/(a₂ + t_x)).
    ln_other_ratio: f64,
    /// g = 1/(a₂ + τ).
    inverse_other_base: f64,
}

impl Integrand {
    /// The sums over the nodes of [v₀, v₁] = [ln(a₁ + t_x), ln(a₁ + T)]. Everything is taken
    /// relative to v₀: with e₂ in the millions (s → ∞ at a fixed s/β), e₂ ln(a₂ + τ) computed
    /// whole loses ~1e-9 to rounding, e₂ ln(1 + (τ − t_x)/(a₂ + t_x)) does not.
    fn weighted_sums(&self, t_x: f64, age: f64, panels: usize, with_gradient: bool) -> Sums {
        let (base_lower, other_lower) = (self.base + t_x, self.other_base + t_x);
        let width = ((self.base + age) / base_lower).ln();
        let mut sums = Sums {
            top: f64::NEG_INFINITY,
            ..Sums::default()
        };
        for (offset, weight) in panel_nodes(0.0, width, panels) {
            // τ − t_x = (a₁ + t_x)(e^(v − v₀) − 1).
            let elapsed = base_lower * offset.exp_m1();
            let ln_other_ratio = (elapsed / other_lower).ln_1p();
            let ln_f = (1.0 - self.exponent) * offset - self.other_exponent * ln_other_ratio;
            if ln_f > sums.top {
                let rescale = (sums.top - ln_f).exp();
                for sum in [
                    &mut sums.value,
                    &mut sums.offset,
                    &mut sums.inverse_base,
                    &mut sums.ln_other_ratio,
                    &mut sums.inverse_other_base,
                ] {
                    *sum *= rescale;
                }
                sums.top = ln_f;
            }
            let wf = weight * (ln_f - sums.top).exp();
            sums.value += wf;
            if with_gradient {
                sums.offset += wf * offset;
                sums.inverse_base += wf / (base_lower + elapsed);
                sums.ln_other_ratio += wf * ln_other_ratio;
                sums.inverse_other_base += wf / (other_lower + elapsed);
            }
        }
        sums
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ln(s J) and its gradient in (r, α, s, β) against mpmath (50 digits): J as the difference of
    /// the two 2F1 tails of FHL eq. 22 (`mp.hyp2f1`), or by `mp.quad` in τ where the 2F1 has
    /// a ~ 10⁶; the gradient by `mp.diff` of that. Agreement is 1e-15 in value and 1e-13 in
    /// gradient on this machine; asserted with a factor 10 to spare.
    #[test]
    fn matches_mpmath_at_the_boundary_inside_and_with_alpha_above_beta() {
        let boundary = (
            0.8225794175789806,
            9.9780731670967,
            1.612679242243089e-05,
            6331.335826877677,
        );
        let fixed_rate = (
            2.759719465589039,
            37.74208566558689,
            1253962.9515033737,
            19510473.883771166,
        );
        let cases = [
            (
                boundary,
                [0.0, 0.0, 52.0],
                -18.614689738712364,
                [
                    -3.2616200266453323,
                    -0.036159225727791504,
                    61999.85473762575,
                    -0.00015745552524062094,
                ],
            ),
            (
                boundary,
                [3.0, 40.42857142857142, 51.142857142857146],
                -32.766554986845556,
                [
                    -4.0077678483778945,
                    -0.0695768613227,
                    61999.85075482643,
                    -0.00015682924864638586,
                ],
            ),
            (
                boundary,
                [200.0, 52.0, 53.0],
                -849.7597312655329,
                [
                    -4.131103636855719,
                    -3.226264673576469,
                    61999.84963577488,
                    -0.00015665382887889343,
                ],
            ),
            (
                (0.55, 10.58, 0.61, 11.67),
                [2.0, 30.43, 38.86],
                -14.226684478259973,
                [
                    -3.7982473986408434,
                    -0.05722708710958605,
                    -2.183069705827498,
                    -0.035266545058851524,
                ],
            ),
            (
                (2.0, 50.0, 3.0, 0.01),
                [5.0, 1.0, 53.0],
                -27.61594816972018,
                [
                    -3.9403043611264916,
                    -0.13610530609250954,
                    0.017447108904058834,
                    -3.028346086644794,
                ],
            ),
            // s and β far out at a fixed s/β (a fixed drop-out rate); mpmath's quadrature in τ.
            (
                fixed_rate,
                [3.0, 20.0, 30.0],
                -21049627.21905541,
                [
                    -4.117820252268787,
                    -0.09385773888077562,
                    -16.78646242102971,
                    -0.06427124389694663,
                ],
            ),
            (
                fixed_rate,
                [0.0, 0.0, 32.0],
                -21049612.15680925,
                [
                    -3.803391581505181,
                    -0.06212592271884123,
                    -16.786461593076048,
                    -0.06427129711058374,
                ],
            ),
        ];
        for ((r, alpha, s, beta), [x, t_x, age], value, gradient) in cases {
            let p = ParetoNbdParams { r, alpha, s, beta };
            let term = dead_term(&p, x, t_x, age, true).unwrap();
            assert!(
                (term.value - value).abs() < 1e-14 * value.abs(),
                "{p:?} {x}: {} vs {value}",
                term.value
            );
            for (k, (got, want)) in term.gradient.into_iter().zip(gradient).enumerate() {
                assert!(
                    (got - want).abs() < 1e-12 * want.abs(),
                    "{p:?} {x} {k}: {got} vs {want}"
                );
            }
            let value_only = dead_term(&p, x, t_x, age, false).unwrap();
            assert_eq!(value_only.value, term.value);
        }
    }

    /// The panel count grows with the interval and the integrand's rate, and an empty interval
    /// needs one panel.
    #[test]
    fn panels_follow_the_rate_and_the_interval() {
        let p = ParetoNbdParams {
            r: 0.8,
            alpha: 10.0,
            s: 0.5,
            beta: 20.0,
        };
        assert_eq!(panels(&p, 0.0, 52.0, 52.0), 1.0);
        assert_eq!(panels(&p, 0.0, 0.0, 53.0), 1.0);
        // κ = |1 − (r + x)| + (s + 1)(α + T)/(β + T) = 999.8 + 1.29, half-width ln(6.3)/2 = 0.92:
        // 1001.1 · 0.92 / 7 → 132.
        assert_eq!(panels(&p, 1000.0, 0.0, 53.0), 132.0);
        assert!(panels(&p, 10.0, 0.0, 53.0) < panels(&p, 10.0, 0.0, 200.0));
    }
}
