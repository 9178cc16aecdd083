//! The drop-out part of the Pareto/NBD likelihood as an integral over the time of death.
//!
//! A customer who made x repeat purchases, the last at t_x, and died at τ ∈ (t_x, T] has the
//! likelihood λ^x e^(−λτ) · μ e^(−μτ) (the individual-level derivation in section 2 of the FHL
//! note; Schmittlein, Morrison & Colombo 1987). Mixing over λ ~ Gamma(r, α) and μ ~ Gamma(s, β)
//! gives Γ(r + x) α^r β^s / Γ(r) · s · J with
//!
//! J = ∫ from t_x to T of (α + τ)^−(r+x) (β + τ)^−(s+1) dτ,
//!
//! which is the s/(r + s + x) · A₀ of FHL eq. 22 (A₀ = F(t_x) − F(T) there is the difference of
//! this integral's two tails). Near the boundary where nobody drops out (s → 0, β ≫ α) the tails
//! are 2F1s at an argument (β − α)/(β + τ) near 1, whose series need ~10⁴ terms (Online Retail
//! weekly at s 1.6e-5, β 6,331: a fifth of a second or more per likelihood pass, against about a
//! millisecond inside). J itself is a smooth integral over a bounded interval, and it has no
//! cancellation between tails.
//!
//! Quadrature variable: v = ln(a₁ + τ), where a₁ is the smaller of α and β. The integrand becomes
//! f(v) = e^((1 − e₁) v) (a₂ − a₁ + e^v)^(−e₂) (e₁, e₂ the exponents of a₁ and the other base a₂),
//! whose only singularities are at v = ln(a₂ − a₁) ± iπ, and κ = |1 − e₁| + e₂ (a₁ + T)/(a₂ + T)
//! bounds |d ln f/dv|: from these two [`Rule::fewest`] picks the Gauss–Legendre rule (4 to 16
//! nodes) that reaches ~1e-16, or 16 nodes on several panels. On Online Retail weekly that is 6
//! nodes for the median customer and 17,318 nodes for the 2,987 distinct histories with t_x < T at
//! the fit's optimum (47,792 with 16 nodes each). The gradient in (r, α, s, β) is the integral
//! of ∂ ln f times f, on the same nodes.
//!
//! ln f is concave in v (its slope (1 − e₁) − e₂ (a₁ + τ)/(a₂ + τ) falls as τ grows), so f has one
//! peak and falls at least exponentially on either side of it. When one panel does not do, the
//! interval is first cut to the window where f is within e^−45 of its peak (found by bisection):
//! by concavity what lies outside is below e^−45 ≈ 3 · 10⁻²⁰ of the integral. The work then no
//! longer grows with the rate: a buyer with x = 1,000 took 126 panels and one with x = 10¹²
//! would have taken 10¹¹ (a fit or a prediction that never ended); both now take one or two.
//! Past [`MAX_PANELS`] panels even on the window, the integral is not evaluated (`None`).

use crate::clv::pareto_nbd::likelihood::LogTerm;
use crate::clv::pareto_nbd::ParetoNbdParams;
use crate::numeric::gauss_legendre::{Rule, SIXTEEN};

/// The most panels of 16 nodes one integral may take (on its window of e^−45; not reached for
/// parameters in [`crate::clv::MIN_PARAMETER`, `MAX_PARAMETER`] and histories up to
/// [`crate::clv::RepeatHistory::MAX_VALUE`] in the tests).
const MAX_PANELS: f64 = 4096.0;

/// e-folds below its peak beyond which the integrand is left out (see the module docs).
const WINDOW_E_FOLDS: f64 = 45.0;

/// A quadrature rule and the number of equal panels it runs on.
struct Plan {
    rule: &'static Rule,
    panels: usize,
}

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
}

/// The quadrature of J for one history: the integrand, the interval [v₀, v₁] = [ln(a₁ + t_x),
/// ln(a₁ + T)] in v, and the rule chosen for it.
pub(super) struct Quadrature {
    f: Integrand,
    /// a₁ + t_x and a₂ + t_x.
    base_lower: f64,
    other_lower: f64,
    /// v₀ and ln(a₂ + t_x).
    lower: f64,
    ln_other_lower: f64,
    /// The window integrated, [v₀ + start, v₀ + start + width]: the whole interval (start 0,
    /// width v₁ − v₀, taken as the logarithm of a ratio so that t_x close to T does not cancel),
    /// or the part where f is within e^−45 of its peak.
    start: f64,
    width: f64,
    /// T − t_x.
    span: f64,
    plan: Plan,
}

impl Quadrature {
    /// The quadrature for t_x < T; `ln_gap` is ln |α − β| (−∞ when α = β).
    pub(super) fn new(p: &ParetoNbdParams, x: f64, t_x: f64, age: f64, ln_gap: f64) -> Self {
        let f = Integrand::new(p, x);
        let (base_lower, other_lower) = (f.base + t_x, f.other_base + t_x);
        let width = ((f.base + age) / base_lower).ln();
        let lower = base_lower.ln();
        // d ln f/dv = (1 − e₁) − e₂ (a₁ + τ)/(a₂ + τ), and (a₁ + τ)/(a₂ + τ) grows to its value at
        // T. Bounding it by 1 instead would ask for 15,700 panels per customer where s and β both
        // run to infinity at a fixed s/β (a fixed drop-out rate), as on the small sample of
        // tests/pareto_nbd.rs, for an integrand that varies by e^4.
        let rate =
            (1.0 - f.exponent).abs() + f.other_exponent * (f.base + age) / (f.other_base + age);
        let mut quadrature = Self {
            base_lower,
            other_lower,
            lower,
            ln_other_lower: other_lower.ln(),
            start: 0.0,
            width,
            span: age - t_x,
            plan: f.plan(lower, width, rate, ln_gap),
            f,
        };
        // More than two panels, or more than the cap (0 panels): cut to the window first.
        if !(1..=2).contains(&quadrature.plan.panels) {
            quadrature.cut_to_window(ln_gap);
        }
        quadrature
    }

    /// ln(f/f(v₀)) and its slope d ln f/dv at v = v₀ + `offset`.
    fn ln_f_and_slope(&self, offset: f64) -> (f64, f64) {
        let elapsed = self.base_lower * offset.exp_m1();
        let (e1, e2) = (self.f.exponent, self.f.other_exponent);
        let ln_f = (1.0 - e1) * offset - e2 * (elapsed / self.other_lower).ln_1p();
        let slope = (1.0 - e1) - e2 * (self.base_lower + elapsed) / (self.other_lower + elapsed);
        (ln_f, slope)
    }

    /// Narrows the interval to the window where f is within e^−45 of its peak, and plans it with
    /// the window's largest slope (at one of its ends: the slope is monotone).
    fn cut_to_window(&mut self, ln_gap: f64) {
        // The peak: where the falling slope crosses 0, or an end of the interval.
        let peak = if self.ln_f_and_slope(0.0).1 <= 0.0 {
            0.0
        } else if self.ln_f_and_slope(self.width).1 >= 0.0 {
            self.width
        } else {
            bisect(0.0, self.width, |u| self.ln_f_and_slope(u).1 > 0.0)
        };
        let floor = self.ln_f_and_slope(peak).0 - WINDOW_E_FOLDS;
        let above = |u: f64| self.ln_f_and_slope(u).0 >= floor;
        let start = if above(0.0) {
            0.0
        } else {
            bisect(0.0, peak, |u| !above(u))
        };
        let end = if above(self.width) {
            self.width
        } else {
            bisect(peak, self.width, above)
        };
        let rate = self
            .ln_f_and_slope(start)
            .1
            .abs()
            .max(self.ln_f_and_slope(end).1.abs());
        self.start = start;
        self.width = end - start;
        self.plan = self.f.plan(self.lower + start, self.width, rate, ln_gap);
    }

    /// ln(s J) when T − t_x is below the rounding of a₁ + t_x (ages of 10⁻³⁰⁰ and less), so that
    /// v₁ − v₀ is 0 in f64: J = (T − t_x) g(t_x) with g(τ) = (a₁ + τ)^−e₁ (a₂ + τ)^−e₂, to a
    /// relative (T − t_x)(e₁/(a₁ + t_x) + e₂/(a₂ + t_x)), far below rounding. Its gradient is that
    /// of ln g(t_x).
    fn narrow_dead_term(&self, p: &ParetoNbdParams) -> Option<LogTerm> {
        let f = &self.f;
        let value = p.s.ln() + self.span.ln()
            - f.exponent * self.lower
            - f.other_exponent * self.ln_other_lower;
        let (d_exponent, d_base) = (-self.lower, -f.exponent / self.base_lower);
        let (d_other_exponent, d_other_base) =
            (-self.ln_other_lower, -f.other_exponent / self.other_lower);
        let [d_r, d_alpha, d_s, d_beta] = if f.alpha_first {
            [d_exponent, d_base, d_other_exponent, d_other_base]
        } else {
            [d_other_exponent, d_other_base, d_exponent, d_base]
        };
        let gradient = [d_r, d_alpha, 1.0 / p.s + d_s, d_beta];
        value.is_finite().then_some(LogTerm { value, gradient })
    }

    /// ln(a₂ + t_x), a₂ = max(α, β).
    pub(super) fn ln_larger_base_at_recency(&self) -> f64 {
        self.ln_other_lower
    }

    /// The nodes it takes (the caller weighs that cost against the 2F1 series').
    pub(super) fn nodes(&self) -> f64 {
        (self.plan.rule.order() * self.plan.panels) as f64
    }

    /// ln(s · J), with its gradient in (r, α, s, β) when `with_gradient`; `None` if J is not a
    /// positive finite number.
    pub(super) fn dead_term(&self, p: &ParetoNbdParams, with_gradient: bool) -> Option<LogTerm> {
        // A width of 0 (or NaN from a non-finite argument) has no nodes to take.
        if self.width <= 0.0 || self.width.is_nan() {
            return self.narrow_dead_term(p);
        }
        let (f, sums) = (&self.f, self.weighted_sums(with_gradient));
        // ln f at v₀, the reference of the sums.
        let ln_f_lower = (1.0 - f.exponent) * self.lower - f.other_exponent * self.ln_other_lower;
        let value = p.s.ln() + ln_f_lower + sums.top + sums.value.ln();
        if !value.is_finite() {
            return None;
        }
        let mut gradient = [0.0; 4];
        if with_gradient {
            // ∂ ln J/∂ of e₁, a₁, e₂, a₂: minus the f-weighted means of ∂ ln f.
            let mean = |sum: f64| sum / sums.value;
            let d_exponent = -(self.lower + mean(sums.offset));
            let d_base = -f.exponent * mean(sums.inverse_base);
            let d_other_exponent = -(self.ln_other_lower + mean(sums.ln_other_ratio));
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
}

/// The point of [lower, upper] where `left` turns false (true below it, false above), by 64
/// halvings: to the last bit of the interval.
fn bisect(mut lower: f64, mut upper: f64, left: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..64 {
        let middle = 0.5 * (lower + upper);
        if left(middle) {
            lower = middle;
        } else {
            upper = middle;
        }
    }
    0.5 * (lower + upper)
}

impl Integrand {
    /// The rule and panels on [`lower`, `lower` + `width`] in v, for an integrand whose
    /// |d ln f/dv| is at most `rate` there.
    fn plan(&self, lower: f64, width: f64, rate: f64, ln_gap: f64) -> Plan {
        let half_width = 0.5 * width;
        // The singularities ln(a₂ − a₁) ± iπ (none when a₁ = a₂), at least π from the real axis.
        let singularity = if ln_gap > f64::NEG_INFINITY {
            let along = (ln_gap - lower - half_width).abs() - half_width;
            let along = along.max(0.0);
            (along * along + std::f64::consts::PI.powi(2)).sqrt()
        } else {
            f64::INFINITY
        };
        if let Some(rule) = Rule::fewest(rate * half_width, singularity / half_width) {
            return Plan { rule, panels: 1 };
        }
        let panels = (rate * half_width / SIXTEEN.max_rate)
            .max(half_width * SIXTEEN.min_singularity_distance / singularity)
            .ceil();
        Plan {
            rule: SIXTEEN,
            // A count that is not finite (a non-finite argument) or beyond the cap runs no panel:
            // J comes out 0 and the dead term `None`.
            panels: if panels <= MAX_PANELS {
                panels as usize
            } else {
                0
            },
        }
    }
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

impl Quadrature {
    /// The sums over the nodes of [v₀, v₁]. Everything is taken
    /// relative to v₀: with e₂ in the millions (s → ∞ at a fixed s/β), e₂ ln(a₂ + τ) computed
    /// whole loses ~1e-9 to rounding, e₂ ln(1 + (τ − t_x)/(a₂ + t_x)) does not.
    fn weighted_sums(&self, with_gradient: bool) -> Sums {
        let (base_lower, other_lower) = (self.base_lower, self.other_lower);
        let (exponent, other_exponent) = (self.f.exponent, self.f.other_exponent);
        let mut sums = Sums {
            top: f64::NEG_INFINITY,
            ..Sums::default()
        };
        for (offset, weight) in
            self.plan
                .rule
                .panel_nodes(self.start, self.start + self.width, self.plan.panels)
        {
            // τ − t_x = (a₁ + t_x)(e^(v − v₀) − 1).
            let elapsed = base_lower * offset.exp_m1();
            let ln_other_ratio = (elapsed / other_lower).ln_1p();
            let ln_f = (1.0 - exponent) * offset - other_exponent * ln_other_ratio;
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

    fn quadrature(p: &ParetoNbdParams, x: f64, t_x: f64, age: f64) -> Quadrature {
        Quadrature::new(p, x, t_x, age, (p.alpha - p.beta).abs().ln())
    }

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
            let term = quadrature(&p, x, t_x, age).dead_term(&p, true).unwrap();
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
            let value_only = quadrature(&p, x, t_x, age).dead_term(&p, false).unwrap();
            assert_eq!(value_only.value, term.value);
        }
    }

    /// The nodes grow with the interval and the integrand's rate: a short interval takes the
    /// 4-point rule, a heavy buyer over a long one several 16-point panels.
    #[test]
    fn nodes_follow_the_rate_and_the_interval() {
        let p = ParetoNbdParams {
            r: 0.8,
            alpha: 10.0,
            s: 0.5,
            beta: 20.0,
        };
        assert_eq!(quadrature(&p, 0.0, 52.0, 52.01).nodes(), 4.0);
        // κ = |1 − r| + (s + 1)(α + T)/(β + T) = 1.49, half-width ln(6.3)/2 = 0.92: κh = 1.37, and
        // the singularity ln(10) + iπ is 3.16 half-widths away: 10 nodes.
        assert_eq!(quadrature(&p, 0.0, 0.0, 53.0).nodes(), 10.0);
        // κ = |1 − (r + x)| + 1.29 = 1001.1: 1001.1 · 0.92 / 7.33 → 126 panels on the whole
        // interval, but f falls by e^45 within 0.045 of v₀: 4 panels on that window.
        assert_eq!(quadrature(&p, 1000.0, 0.0, 53.0).nodes(), 16.0 * 4.0);
        assert!(quadrature(&p, 10.0, 0.0, 53.0).nodes() < quadrature(&p, 10.0, 0.0, 200.0).nodes());
    }

    /// An age below the rounding of a₁ + t_x (T = 5e-324, 1e-300): J = (T − t_x) g(t_x), where the
    /// quadrature in v saw an interval of width 0 and the 2F1 tails' difference rounds to 0.
    #[test]
    fn an_interval_below_rounding_is_one_point() {
        let p = ParetoNbdParams {
            r: 0.55,
            alpha: 10.58,
            s: 0.61,
            beta: 11.67,
        };
        for (t_x, age) in [(0.0, 5e-324), (5e-324, 1e-300), (0.0, 1e-300)] {
            let term = quadrature(&p, 1.0, t_x, age).dead_term(&p, true).unwrap();
            let want =
                0.61_f64.ln() + (age - t_x).ln() - 1.55 * 10.58_f64.ln() - 1.61 * 11.67_f64.ln();
            assert!(
                (term.value - want).abs() < 1e-13 * want.abs(),
                "{t_x} {age}"
            );
            assert!((term.gradient[0] + 10.58_f64.ln()).abs() < 1e-14);
            assert!((term.gradient[3] + 1.61 / 11.67).abs() < 1e-14);
        }
    }

    /// The window of e^−45 around the peak against 16 nodes on 512 panels of the whole interval
    /// (more where the whole interval needs them),
    /// for heavy buyers (the peak at v₀), a large s with a small β (the peak inside), and the
    /// extremes of the parameter range and of the histories (x = 10¹², which asked for 10¹¹ panels
    /// before the window).
    #[test]
    fn the_window_keeps_the_integral() {
        for (r, alpha, s, beta, x, t_x, age) in [
            (0.8, 10.0, 0.5, 20.0, 1000.0, 0.0, 53.0),
            (0.8, 10.0, 0.5, 20.0, 300.0, 12.0, 400.0),
            (2.76, 37.74, 1.25e6, 1.95e7, 3.0, 20.0, 300.0),
            (0.5, 1e-10, 1e10, 1e10, 0.0, 0.0, 1e12),
        ] {
            let p = ParetoNbdParams { r, alpha, s, beta };
            let got = quadrature(&p, x, t_x, age);
            // A few panels, at most 87 (α = 10⁻¹⁰, s = β = 10¹⁰: f rises for 22 e-folds of v
            // and then falls like e^(−τ)), where the whole interval asked for up to 10¹¹.
            assert!(
                got.nodes() <= 16.0 * 128.0,
                "{p:?} {x}: {} nodes",
                got.nodes()
            );
            let got = got.dead_term(&p, true).unwrap();
            let mut whole = quadrature(&p, x, t_x, age);
            (whole.start, whole.width) = (0.0, ((whole.f.base + age) / whole.base_lower).ln());
            whole.plan = Plan {
                rule: SIXTEEN,
                panels: 512,
            };
            let whole = whole.dead_term(&p, true).unwrap();
            let tolerance = 1e-13 * whole.value.abs().max(1.0);
            assert!(
                (got.value - whole.value).abs() < tolerance,
                "{p:?} {x}: {} vs {}",
                got.value,
                whole.value
            );
            for (g, want) in got.gradient.iter().zip(whole.gradient) {
                assert!(
                    (g - want).abs() < 1e-11 * (1.0 + want.abs()),
                    "{p:?} {x}: {g} vs {want}"
                );
            }
        }
        // x = 10¹², t_x → 0: all of J lies within 1/x of τ = 0, where J = α^(1 − r − x) β^−(s+1)
        // / (r + x − 1) to a relative O(1/x); ln(s J) = −2,302,585,093,025.013.
        let p = ParetoNbdParams {
            r: 0.5,
            alpha: 10.0,
            s: 0.6,
            beta: 12.0,
        };
        let heavy = quadrature(&p, 1e12, 5e-324, 1e12);
        assert_eq!(heavy.nodes(), 64.0);
        let e1 = 1e12 + 0.5;
        let want = 0.6_f64.ln() + (1.0 - e1) * 10_f64.ln() - (e1 - 1.0).ln() - 1.6 * 12_f64.ln();
        let got = heavy.dead_term(&p, false).unwrap().value;
        assert!((got - want).abs() < 1e-14 * want.abs(), "{got} vs {want}");
    }

    /// The rule [`Integrand::plan`] picks against 16 nodes on 64 panels or more (its own count
    /// ×4), on a grid of parameters (inside, at the no-drop-out boundary, α > β, a fixed drop-out
    /// rate) and histories (light to heavy buyers, short to long intervals).
    #[test]
    fn the_planned_rule_matches_many_panels() {
        let mut worst: (f64, f64) = (0.0, 0.0);
        for (r, alpha, s, beta) in [
            (
                0.8225794175789806,
                9.9780731670967,
                1.612679242243089e-5,
                6331.335826877677,
            ),
            (0.55, 10.58, 0.61, 11.67),
            (0.5, 5.6, 0.5, 10.6),
            (2.0, 50.0, 3.0, 0.5),
            (0.3, 0.05, 2.0, 40.0),
            (5.0, 1000.0, 0.5, 0.001),
            (2.76, 37.74, 1.25e6, 1.95e7),
        ] {
            let p = ParetoNbdParams { r, alpha, s, beta };
            for x in [0.0, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0] {
                for [t_x, age] in [
                    [0.0, 53.0],
                    [1.0, 53.0],
                    [30.0, 38.86],
                    [50.0, 50.1],
                    [52.0, 53.0],
                    [0.1, 0.2],
                    [10.0, 200.0],
                ] {
                    let mut many = quadrature(&p, x, t_x, age);
                    let panels = (4 * many.plan.panels).max(64);
                    many.plan = Plan {
                        rule: SIXTEEN,
                        panels,
                    };
                    let reference = many.dead_term(&p, true).unwrap();
                    let got = quadrature(&p, x, t_x, age).dead_term(&p, true).unwrap();
                    let value_error =
                        (got.value - reference.value).abs() / reference.value.abs().max(1.0);
                    assert!(
                        value_error < 1e-14,
                        "{p:?} {x} {t_x} {age}: {} vs {}",
                        got.value,
                        reference.value
                    );
                    for (g, want) in got.gradient.iter().zip(reference.gradient) {
                        let error = (g - want).abs() / (1.0 + want.abs());
                        assert!(error < 1e-12, "{p:?} {x} {t_x} {age}: {g} vs {want}");
                        worst.1 = worst.1.max(error);
                    }
                    worst.0 = worst.0.max(value_error);
                }
            }
        }
        eprintln!(
            "worst relative differences: value {:e}, gradient {:e}",
            worst.0, worst.1
        );
    }
}
