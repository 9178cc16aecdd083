//! P(X(t) = n) of a new Pareto/NBD customer (Fader, Hardie & Lee 2006, "Deriving an expression
//! for P(X(t) = x) under the Pareto/NBD model"), for every n in one backward pass of a
//! three-term recurrence, with composite Gauss–Legendre quadrature where that pass is unstable.
//!
//! # The two parts
//!
//! A customer alive through t buys NBD(r, α) counts: A_n = (r)ₙ/n! (α/(α + t))^r (t/(α + t))ⁿ
//! (β/(β + t))^s. One who dies at τ < t (density sβ^s/(β + τ)^(s+1)) buys NBD counts up to τ:
//! D_n = ∫₀ᵗ (r)ₙ/n! (α/(α + τ))^r (τ/(α + τ))ⁿ sβ^s/(β + τ)^(s+1) dτ. P(X(t) = n) = A_n + D_n.
//!
//! # The recurrence
//!
//! With u = τ/(α + τ), U = t/(α + t) and γ = α − β, D_n is (r)ₙ/n! sβ^s α times
//! K_n = ∫₀ᵁ uⁿ (1 − u)^(r+s−1) (β + γu)^−(s+1) du. Differentiating uⁿ (1 − u)^(r+s) (β + γu)^−s
//! and integrating over [0, U] gives, for n ≥ 1,
//!
//! β (r + n − 1) D_{n−1} + b_n D_n − γ (n + 1) D_{n+1} = sα A_n,
//! b_n = n (γ − β) − (r + s) β − sγ,
//!
//! and at n = 0, where the lower end of the integral contributes, −(rβ + sα) D_0 − γ D_1 =
//! sα (A_0 − 1). The solutions of the homogeneous recurrence grow like 1ⁿ and (−β/γ)ⁿ while D_n
//! falls like Uⁿ, so the pass runs downwards (Miller's idea): started from D = 0 well past the
//! counts asked for, the error of the start shrinks by ρ = U max(1, |γ|/β) a step. With ρ < 1 it
//! is e^−40 of the values after 40/(−ln ρ) steps; the pass also starts ten standard deviations of
//! the NBD above its mean, where the recurrence is geometric. Each step is a few multiplications
//! and one division: the distribution of a CDNOW customer over 39 weeks is about 90 steps, where
//! 256 quadrature nodes cost an exponential each per count. P(Y(39) = 0..7) for CDNOW's 2,357
//! customers took 13.5 ms (P(alive) included), against 384 ms for lifetimes 0.11.3's 2F1 form
//! (benches/predictions.rs, bench/peers/predictions.py, the same 2-core machine).
//!
//! The n = 0 equation, which the pass does not use, checks it: where it is not met to 10⁻¹⁰,
//! where ρ ≥ 1 (α > 2β + T and long horizons), or where the pass would take more than
//! [`MAX_STEPS`] steps (t of 10⁶ (α + T), or heavy buyers with 10⁶ purchases expected), the
//! quadrature of [`Quadrature`] is used instead.

use statrs::function::gamma::ln_gamma;

use crate::clv::beta_ratio::ln_rising;
use crate::clv::ParetoNbdParams;
use crate::numeric::gauss_legendre;

/// The longest backward pass; beyond it the quadrature is cheaper.
const MAX_STEPS: f64 = 4_000_000.0;

/// The pass keeps its values below this and carries the scale in a logarithm: the counts of a
/// heavy buyer span far more than f64's range.
const RESCALE_ABOVE: f64 = 1e100;

/// P(X(t) = n) for a new customer: see the [module](self). The parameters are not range-checked:
/// the conditional distribution calls it at the posterior ones (r + x, α + T, s, β + T).
pub(crate) fn probability_of_purchases_at(p: &ParetoNbdParams, n: u32, t: f64) -> f64 {
    PurchaseCountPmf::new(p, t).probability(n)
}

/// P(X(t) = n) for n = 0, 1, … in turn: the probabilities up to a count are computed in one pass
/// and kept, and a count past them repeats the pass from twice as far. Where a pass starts
/// depends only on the count asked for (see [`backward_pass`]), so a count has the same value
/// whether it is asked alone or as part of a distribution.
pub(crate) struct PurchaseCountPmf {
    params: ParetoNbdParams,
    t: f64,
    known: Vec<f64>,
    quadrature: Option<Quadrature>,
}

impl PurchaseCountPmf {
    pub(crate) fn new(p: &ParetoNbdParams, t: f64) -> Self {
        Self {
            params: *p,
            t,
            known: Vec::new(),
            quadrature: None,
        }
    }

    /// P(X(t) = n).
    pub(crate) fn probability(&mut self, n: u32) -> f64 {
        if self.t == 0.0 {
            // Exactly, where the formula leaves rounding.
            return if n == 0 { 1.0 } else { 0.0 };
        }
        if self.quadrature.is_none() && n as usize >= self.known.len() {
            match backward_pass(&self.params, self.t, n) {
                Some(known) => self.known = known,
                None => self.quadrature = Some(Quadrature::new(&self.params, self.t)),
            }
        }
        match &self.quadrature {
            Some(quadrature) => quadrature.probability(n),
            None => self.known[n as usize],
        }
    }
}

/// P(X(t) = n) for n = 0..=`last` and past it, by the recurrence of the [module](self); `None`
/// where it is unstable or fails its check. The counts returned run to the first of 16 +
/// ten standard deviations above the NBD's mean, doubled as often as needed, that is past
/// `last`: the pass for a count starts at the same place whichever way it is asked.
fn backward_pass(p: &ParetoNbdParams, t: f64, last: u32) -> Option<Vec<f64>> {
    let (r, alpha, s, beta) = (p.r, p.alpha, p.s, p.beta);
    let gamma = alpha - beta;
    let ln_u = -(alpha / t).ln_1p();
    let u = ln_u.exp();
    let ln_rho = ln_u + (gamma.abs() / beta).ln().max(0.0);
    // Past U = 10⁻¹⁰⁰ one step could overflow the rescaled values.
    if !(ln_u > -230.0 && ln_rho < 0.0) {
        return None;
    }
    let kept = pass_length(p, t, last);
    let top = kept + (40.0 / -ln_rho).ceil();
    if top.is_nan() || top > MAX_STEPS {
        return None;
    }
    // ln A_n at the top, and exactly at n = 0 (below) to remove the rounding of ln Γ(top + 1).
    let ln_alive = -r * (t / alpha).ln_1p() - s * (t / beta).ln_1p();
    let count = |n: f64| ln_rising(r, n) - ln_gamma(n + 1.0) + n * ln_u;
    let mut scale = Scale::new(ln_alive + count(top));
    let mut known = vec![0.0; kept as usize];
    // (A_k, D_k, D_{k+1}) divided by the scale, from k = top down.
    let (mut a, mut d, mut d_next) = (1.0, 0.0, 0.0);
    for k in (1..=top as u32).rev() {
        if let Some(slot) = known.get_mut(k as usize) {
            *slot = scale.apply(a + d);
        }
        let k = f64::from(k);
        let b = k * (gamma - beta) - (r + s) * beta - s * gamma;
        let inv = 1.0 / (r + k - 1.0);
        let d_previous = (s * alpha * a - b * d + gamma * (k + 1.0) * d_next) * inv / beta;
        a *= k * inv / u;
        (d_next, d) = (d, d_previous);
        if a.max(d) > RESCALE_ABOVE {
            for v in [&mut a, &mut d, &mut d_next] {
                *v /= RESCALE_ABOVE;
            }
            scale.grow(RESCALE_ABOVE.ln());
        }
    }
    known[0] = scale.apply(a + d);
    // A_0 is known exactly: its ratio to the pass's value is the rounding of the start's scale.
    let correction = if a > 1e-280 {
        (ln_alive - a.ln() - scale.ln).exp()
    } else {
        1.0
    };
    let (d0, d1) = (
        scale.apply(d) * correction,
        scale.apply(d_next) * correction,
    );
    let d0_check = (s * alpha * (1.0 - ln_alive.exp()) - gamma * d1) / (r * beta + s * alpha);
    let off = (d0 - d0_check).abs();
    if off.is_nan() || off > 1e-10 * d0_check.abs().max(1e-300) {
        return None;
    }
    for v in &mut known {
        *v = (*v * correction).clamp(0.0, 1.0);
    }
    known.iter().all(|v| v.is_finite()).then_some(known)
}

/// How many counts the pass that answers count `last` keeps: the first of 16 + ten standard
/// deviations above the NBD's mean (r t/α, variance mean (1 + t/α)), doubled as often as needed,
/// that is past `last`. Two counts with the same length are answered by the same pass, bit for
/// bit, which lets a caller keep one pass for several counts.
pub(crate) fn pass_length(p: &ParetoNbdParams, t: f64, last: u32) -> f64 {
    let mean = p.r * t / p.alpha;
    let mut kept = (16.0 + mean + 10.0 * (mean * (1.0 + t / p.alpha)).sqrt()).ceil();
    while kept <= f64::from(last) {
        kept *= 2.0;
    }
    kept
}

/// The factor e^ln that the pass's values are divided by.
struct Scale {
    ln: f64,
    factor: f64,
}

impl Scale {
    fn new(ln: f64) -> Self {
        Self {
            ln,
            factor: ln.exp(),
        }
    }

    fn grow(&mut self, by: f64) {
        *self = Self::new(self.ln + by);
    }

    /// `value` times the factor, in logs where the factor alone would underflow.
    fn apply(&self, value: f64) -> f64 {
        if self.factor > 1e-250 || value <= 0.0 {
            value * self.factor
        } else {
            (value.ln() + self.ln).exp()
        }
    }
}

/// The quadrature over the time of death, for where the recurrence is unstable. It integrates by
/// composite Gauss–Legendre over v = ln(1 + τ/c), c = min(α, β): both factors have a singularity
/// at τ = −c or beyond, which panels of equal width in τ would see from ever closer as t grows
/// (at t = 200 (α + T) the sum of the probabilities missed 1 by 10⁻⁷, at 2,000 (α + T) by 10⁻²);
/// in v it is at least π away. The terms that do not depend on n are computed once: at each node τ
/// (and at τ = t for the customer alive through t) the log of its weight times the density of
/// death and (α/(α + τ))^r, and ln(τ/(α + τ)). The factor Γ(r + n)/Γ(r) is a rising factorial:
/// as a difference of ln Γ it would carry the rounding of ln Γ(10¹²) ≈ 2.7 · 10¹³, about 4 · 10⁻³.
struct Quadrature {
    r: f64,
    ln_base: Vec<f64>,
    ln_share: Vec<f64>,
}

impl Quadrature {
    fn new(p: &ParetoNbdParams, t: f64) -> Self {
        let share = |tau: f64| -(p.alpha / tau).ln_1p();
        let mut ln_base = vec![-p.r * (t / p.alpha).ln_1p() - p.s * (t / p.beta).ln_1p()];
        let mut ln_share = vec![share(t)];
        let c = p.alpha.min(p.beta);
        // ln(1 + t/c), and τ = c (e^v − 1), without overflowing where t/c or e^v would (t near
        // f64::MAX, c = 10⁻¹⁰): there the 1 is below rounding.
        let end = if (t / c).is_finite() {
            (t / c).ln_1p()
        } else {
            t.ln() - c.ln()
        };
        let tau_at = |v: f64| {
            if v < 700.0 {
                c * v.exp_m1()
            } else {
                (v + c.ln()).exp()
            }
        };
        // 16 panels, and 4 per unit of v beyond (t above e⁴ c): a panel never spans more than a
        // factor e^¼ in 1 + τ/c.
        let panels = (4.0 * end).ceil().clamp(16.0, 4096.0) as usize;
        let ln_front = p.s.ln() - p.beta.ln() + c.ln();
        for (v, weight) in gauss_legendre::SIXTEEN.panel_nodes(0.0, end, panels) {
            let tau = tau_at(v);
            let ln_density = ln_front - (p.s + 1.0) * (tau / p.beta).ln_1p() + v;
            ln_base.push(weight.ln() + ln_density - p.r * (tau / p.alpha).ln_1p());
            ln_share.push(if tau == 0.0 {
                f64::NEG_INFINITY
            } else {
                share(tau)
            });
        }
        Self {
            r: p.r,
            ln_base,
            ln_share,
        }
    }

    /// P(X(t) = n).
    fn probability(&self, n: u32) -> f64 {
        let n = f64::from(n);
        let ln_count_front = ln_rising(self.r, n) - ln_gamma(n + 1.0);
        let sum: f64 = self
            .ln_base
            .iter()
            .zip(&self.ln_share)
            .map(|(base, share)| {
                // At n = 0 the share is left out: 0 · ln 0 would be NaN.
                let counts = if n > 0.0 { n * share } else { 0.0 };
                (ln_count_front + base + counts).exp()
            })
            .sum();
        sum.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(r: f64, alpha: f64, s: f64, beta: f64) -> ParetoNbdParams {
        ParetoNbdParams { r, alpha, s, beta }
    }

    /// The pass against the quadrature (two independent evaluations of the same integral) over
    /// the CDNOW posteriors of light, average and heavy buyers, α above and below β, short and
    /// long horizons: equal to 10⁻¹⁰ relative (or 10⁻¹⁵ absolute in the tails). The quadrature
    /// is the less exact of the two for heavy buyers: at x = 200, t = 156 it is 1.3 · 10⁻¹¹ off,
    /// where the pass equals mpmath's P(X = 0) to 10⁻¹⁴ (tests/purchase_distribution.rs).
    #[test]
    fn pass_equals_quadrature() {
        let cases = [
            params(0.5532816, 49.44, 0.6061714, 50.53),
            params(2.5532816, 49.44, 0.6061714, 50.53),
            params(26.553, 41.58, 0.6061714, 42.67),
            params(200.55, 50.58, 0.6061714, 51.67),
            params(3.0, 80.0, 2.5, 30.0),
            params(0.2, 5.0, 0.1, 40.0),
        ];
        let mut compared = 0;
        for p in cases {
            for t in [0.5, 39.0, 156.0, 2_000.0] {
                if p.r > 100.0 && t > 1_000.0 {
                    continue; // there the quadrature is 10⁻⁸ off: see the next test
                }
                // α = 80, β = 30: ρ = U · 50/30 ≥ 1 from t = 156 on; that is the quadrature's.
                let Some(pass) = backward_pass(&p, t, 60) else {
                    continue;
                };
                compared += 1;
                let quadrature = Quadrature::new(&p, t);
                for (n, got) in pass.iter().enumerate().take(61) {
                    let want = quadrature.probability(n as u32);
                    let label = format!("{p:?} t = {t} n = {n}: {got} vs {want}");
                    assert!((got - want).abs() <= 1e-10 * want + 1e-15, "{label}");
                }
            }
        }
        assert_eq!(compared, 21);
    }

    /// A heavy buyer over a long horizon, against mpmath 1.4 (30 digits, `quad` of the density
    /// of death times the NBD over [0, 0.1, 1, 10, 100, t]): the pass is within 10⁻¹⁰ (its
    /// ~3,000 steps round), where the 256 quadrature nodes miss by 1.2 · 10⁻⁸.
    #[test]
    fn heavy_buyer_long_horizon_matches_mpmath() {
        let p = params(200.55, 50.58, 0.6061714, 51.67);
        let pass = backward_pass(&p, 2_000.0, 0).expect("stable here");
        let want = 0.002_950_361_612_689_668;
        assert!((pass[0] - want).abs() < 1e-10 * want, "{}", pass[0]);
        let pass = backward_pass(&p, 156.0, 9).expect("stable here");
        let want = 0.002_753_741_826_180_184;
        assert!((pass[9] - want).abs() < 1e-12 * want, "{}", pass[9]);
    }

    /// Where ρ = U |γ|/β ≥ 1 the pass declines and the quadrature answers.
    #[test]
    fn unstable_pass_falls_back_to_quadrature() {
        let p = params(1.0, 500.0, 1.0, 10.0);
        assert!(backward_pass(&p, 1_000.0, 5).is_none());
        let mut pmf = PurchaseCountPmf::new(&p, 1_000.0);
        let want = Quadrature::new(&p, 1_000.0).probability(3);
        assert_eq!(pmf.probability(3), want);
    }
}
