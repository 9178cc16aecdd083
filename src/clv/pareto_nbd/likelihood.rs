//! The Pareto/NBD likelihood in log space, with its analytic gradient.
//!
//! FHL note, eq. 22: L = Γ(r + x) α^r β^s / Γ(r) · [ (α + T)^−(r+x) (β + T)^−s + s/(r + s + x) · A₀ ],
//! A₀ = F(t_x) − F(T), where for α ≥ β
//! F(τ) = 2F1(r + s + x, s + 1; r + s + x + 1; (α − β)/(α + τ)) / (α + τ)^(r+s+x),
//! and for α < β the roles swap:
//! F(τ) = 2F1(r + s + x, r + x; r + s + x + 1; (β − α)/(β + τ)) / (β + τ)^(r+s+x).
//! The bracket is kept as two logarithms, ℓ₁ (alive at T) and ℓ₀ (dead in (t_x, T]). ℓ₀ comes
//! from the difference of the two 2F1 tails where their series converge fast, and from the integral
//! over the time of death ([`super::dead_integral`]) where they do not: near the no-drop-out
//! boundary (β ≫ α) the tails' argument tends to 1.

use std::collections::BTreeMap;

use rayon::prelude::*;

use statrs::function::gamma::{digamma, ln_gamma};

use crate::clv::pareto_nbd::{dead_integral, ParetoNbdParams};
use crate::clv::RepeatHistory;
use crate::numeric::hyp2f1::{ln_hyp2f1_a_plus_one, ln_hyp2f1_with_derivatives};

/// ln of one bracket term and its gradient in (r, α, s, β).
#[derive(Debug, Clone, Copy)]
pub(super) struct LogTerm {
    pub value: f64,
    pub gradient: [f64; 4],
}

/// The bracket's two log-terms for one history: alive at T, and dead in (t_x, T].
#[derive(Debug, Clone, Copy)]
pub(super) struct Terms {
    alive: LogTerm,
    /// ln(s/(r + s + x) · A₀); `None` when t_x = T (then A₀ = 0 exactly).
    dead: Option<LogTerm>,
}

impl Terms {
    /// The bracket's terms without gradients (predictions), `None` if a 2F1 cannot be evaluated
    /// (outside its domain: not expected for valid histories and parameters).
    pub(super) fn new(p: &ParetoNbdParams, h: &RepeatHistory) -> Option<Self> {
        Self::build(p, h, false)
    }

    /// The bracket's terms with their gradients (fitting).
    fn with_gradient(p: &ParetoNbdParams, h: &RepeatHistory) -> Option<Self> {
        Self::build(p, h, true)
    }

    fn build(p: &ParetoNbdParams, h: &RepeatHistory, with_gradient: bool) -> Option<Self> {
        let (x, t_x, age) = (h.frequency(), h.recency(), h.age());
        let (ln_alpha_age, ln_beta_age) = ((p.alpha + age).ln(), (p.beta + age).ln());
        let alive = LogTerm {
            value: -(p.r + x) * ln_alpha_age - p.s * ln_beta_age,
            gradient: [
                -ln_alpha_age,
                -(p.r + x) / (p.alpha + age),
                -ln_beta_age,
                -p.s / (p.beta + age),
            ],
        };
        let dead = if t_x == age {
            None
        } else {
            let ln_larger_age = ln_alpha_age.max(ln_beta_age);
            dead_part(p, x, t_x, age, ln_larger_age, with_gradient)?
        };
        Some(Self { alive, dead })
    }

    /// ln(e^ℓ₁ + e^ℓ₀) (alive, dead) and the two terms' weights in its gradient.
    fn combine(&self) -> (f64, [f64; 2]) {
        let Some(dead) = self.dead else {
            return (self.alive.value, [1.0, 0.0]);
        };
        let top = self.alive.value.max(dead.value);
        let alive = (self.alive.value - top).exp();
        let dead = (dead.value - top).exp();
        let sum = alive + dead;
        (top + sum.ln(), [alive / sum, dead / sum])
    }

    /// ln of the bracket.
    pub(super) fn ln_bracket(&self) -> f64 {
        self.combine().0
    }

    /// P(alive | x, t_x, T) = e^ℓ₁ / bracket (FHL note, eq. 24).
    pub(super) fn probability_alive(&self) -> f64 {
        (self.alive.value - self.ln_bracket()).exp().clamp(0.0, 1.0)
    }

    /// ln bracket and its gradient in (r, α, s, β).
    fn ln_bracket_with_gradient(&self) -> (f64, [f64; 4]) {
        let (value, weights) = self.combine();
        let mut gradient = [0.0; 4];
        for (term, weight) in [Some(self.alive), self.dead].iter().zip(weights) {
            if let (Some(term), true) = (term, weight != 0.0) {
                for (g, d) in gradient.iter_mut().zip(term.gradient) {
                    *g += weight * d;
                }
            }
        }
        (value, gradient)
    }
}

/// One customer's ln L (FHL note, eq. 22) and its gradient in the natural (r, α, s, β), given
/// `gamma_ratio` = (ln Γ(r + x) − ln Γ(r), ψ(r + x) − ψ(r)), which callers cache over rows sorted
/// by x. `None` if a 2F1 cannot be evaluated. The covariate model calls it with each customer's
/// own α and β (Fader & Hardie 2007, "Incorporating time-invariant covariates into the Pareto/NBD
/// and BG/NBD models", eq. 2): the individual likelihood is this one at (r, αᵢ, s, βᵢ).
pub(in crate::clv) fn customer_log_likelihood(
    p: &ParetoNbdParams, history: &RepeatHistory, gamma_ratio: (f64, f64),
) -> Option<(f64, [f64; 4])> {
    let (ln_alpha, ln_beta) = (p.alpha.ln(), p.beta.ln());
    let (ln_bracket, g) = Terms::with_gradient(p, history)?.ln_bracket_with_gradient();
    let value = gamma_ratio.0 + p.r * ln_alpha + p.s * ln_beta + ln_bracket;
    let constant = [
        gamma_ratio.1 + ln_alpha,
        p.r / p.alpha,
        ln_beta,
        p.s / p.beta,
    ];
    Some((value, std::array::from_fn(|k| constant[k] + g[k])))
}

/// Terms of one 2F1 series the z-bound predicts (the series' ratios tend to z from below, so the
/// terms fall at least like z^k, and 1e-17 of the sum is ~39 e-folds down).
const SERIES_E_FOLDS: f64 = 39.0;
/// One node of the quadrature (two exponentials and a logarithm, with its share of the customer's
/// set-up) costs what this many terms of the 2F1 series predicted by the z-bound do: 41–46 ns
/// against 6–10 ns, measured on the Online Retail weekly histories at z from 0.05 to 0.9.
const SERIES_TERMS_PER_NODE: f64 = 5.0;

/// The dead part for t_x < T, `ln_larger_age` = ln(max(α, β) + T): as the integral J over the
/// death time ([`dead_integral`]) or as the difference of its two 2F1 tails, whichever is cheaper.
/// Each tail's series needs about 39/(−ln z) terms with z = |α − β|/(max(α, β) + τ), which
/// explodes as z → 1 (β ≫ α near the no-drop-out boundary), while the quadrature's nodes depend
/// on the interval and the exponents only.
fn dead_part(
    p: &ParetoNbdParams, x: f64, t_x: f64, age: f64, ln_larger_age: f64, with_gradient: bool,
) -> Option<Option<LogTerm>> {
    let ln_gap = (p.alpha - p.beta).abs().ln();
    let quadrature = dead_integral::Quadrature::new(p, x, t_x, age, ln_gap);
    // −ln z = ln(max(α, β) + τ) − ln |α − β| (+∞ when α = β, where a series is its first term).
    let terms = |ln_larger: f64| SERIES_E_FOLDS / (ln_larger - ln_gap);
    let series_terms = terms(quadrature.ln_larger_base_at_recency()) + terms(ln_larger_age);
    // Where the cheaper form cannot be evaluated (a 2F1 outside its domain by rounding, as at
    // s = 10¹⁰ with r = 10⁻¹⁰, or a window beyond the quadrature's cap) the other may be.
    let by_quadrature = || quadrature.dead_term(p, with_gradient).map(Some);
    if series_terms > SERIES_TERMS_PER_NODE * quadrature.nodes() {
        by_quadrature().or_else(|| tails_difference(p, x, t_x, age, with_gradient))
    } else {
        tails_difference(p, x, t_x, age, with_gradient).or_else(by_quadrature)
    }
}

/// ln(e^ℓ₊ − e^ℓ₋), the dead part as the difference of the 2F1 tails at t_x and T (FHL note,
/// eq. 22), with its gradient; `Some(None)` when the difference rounds to zero or below.
fn tails_difference(
    p: &ParetoNbdParams, x: f64, t_x: f64, age: f64, with_gradient: bool,
) -> Option<Option<LogTerm>> {
    let plus = tail(p, x, t_x, with_gradient)?;
    let minus = tail(p, x, age, with_gradient)?;
    // e^ℓ₊ − e^ℓ₋ = e^ℓ₊ (1 − e^(ℓ₋ − ℓ₊)), without cancellation.
    let ratio = (minus.value - plus.value).exp();
    let share = -(minus.value - plus.value).exp_m1();
    if share.is_nan() || share <= 0.0 {
        return Some(None);
    }
    let mut gradient = [0.0; 4];
    for (k, g) in gradient.iter_mut().enumerate() {
        *g = (plus.gradient[k] - ratio * minus.gradient[k]) / share;
    }
    Some(Some(LogTerm {
        value: plus.value + share.ln(),
        gradient,
    }))
}

/// ln[s/(r + s + x) · F(τ)], the tail of the dead part from τ on, with its gradient (see the
/// module docs for F).
fn tail(p: &ParetoNbdParams, x: f64, tau: f64, with_gradient: bool) -> Option<LogTerm> {
    let a = p.r + p.s + x;
    let common = p.s.ln() - a.ln();
    if !with_gradient {
        // Values only (predictions): the same branches without the derivative sums.
        let (base, b, z) = if p.alpha >= p.beta {
            (
                p.alpha + tau,
                p.s + 1.0,
                (p.alpha - p.beta) / (p.alpha + tau),
            )
        } else {
            (p.beta + tau, p.r + x, (p.beta - p.alpha) / (p.beta + tau))
        };
        let value = common + ln_hyp2f1_a_plus_one(a, b, z)? - a * base.ln();
        return Some(LogTerm {
            value,
            gradient: [0.0; 4],
        });
    }
    if p.alpha >= p.beta {
        let base = p.alpha + tau;
        let z = (p.alpha - p.beta) / base;
        let f = ln_hyp2f1_with_derivatives(a, p.s + 1.0, z)?;
        let value = common + f.value - a * base.ln();
        let gradient = [
            -1.0 / a + f.d_a - base.ln(),
            f.d_z * (p.beta + tau) / (base * base) - a / base,
            1.0 / p.s - 1.0 / a + f.d_a + f.d_b - base.ln(),
            -f.d_z / base,
        ];
        Some(LogTerm { value, gradient })
    } else {
        let base = p.beta + tau;
        let z = (p.beta - p.alpha) / base;
        let f = ln_hyp2f1_with_derivatives(a, p.r + x, z)?;
        let value = common + f.value - a * base.ln();
        let gradient = [
            -1.0 / a + f.d_a + f.d_b - base.ln(),
            -f.d_z / base,
            1.0 / p.s - 1.0 / a + f.d_a - base.ln(),
            f.d_z * (p.alpha + tau) / (base * base) - a / base,
        ];
        Some(LogTerm { value, gradient })
    }
}

/// Rows per parallel chunk of the likelihood (fixed, so that the summation order is too).
const ROWS_PER_CHUNK: usize = 256;

/// A distinct history and how many customers share it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    pub frequency: f64,
    pub history: RepeatHistory,
    pub weight: f64,
}

/// Merges identical histories (summing their weights) and drops zero weights; the rows come out
/// sorted, so the likelihood's summation order does not depend on the input order.
pub(super) fn compress(histories: &[RepeatHistory], weights: &[f64]) -> Vec<Row> {
    let mut merged: BTreeMap<[u64; 3], (RepeatHistory, f64)> = BTreeMap::new();
    for (h, &w) in histories.iter().zip(weights) {
        if w == 0.0 {
            continue;
        }
        // Keys on the bit patterns of non-negative finite floats, which order like the values.
        let key = [
            h.frequency().to_bits(),
            h.recency().to_bits(),
            h.age().to_bits(),
        ];
        merged.entry(key).or_insert((*h, 0.0)).1 += w;
    }
    merged
        .into_values()
        .map(|(history, weight)| Row {
            frequency: history.frequency(),
            history,
            weight,
        })
        .collect()
}

/// Compressed data with the pieces of the likelihood that do not depend on the parameters.
pub struct Data {
    rows: Vec<Row>,
}

impl Data {
    pub(super) fn new(rows: Vec<Row>) -> Self {
        Self { rows }
    }

    /// Starting points: CLVTools' (1, 1, 1, 1), and starts scaled to the data (NBD moments for
    /// α, mean age for β) with small and unit shapes.
    pub(super) fn starting_points(&self) -> Vec<Vec<f64>> {
        let total: f64 = self.rows.iter().map(|row| row.weight).sum();
        let mean_x = self
            .rows
            .iter()
            .map(|row| row.weight * row.frequency)
            .sum::<f64>()
            / total;
        let mean_age = self
            .rows
            .iter()
            .map(|row| row.weight * row.history.age())
            .sum::<f64>()
            / total;
        // E[X(T)] ≈ rT/α while nobody has died: α ≈ r · mean T / mean x.
        let scale = (mean_age / mean_x.max(1e-3)).clamp(1e-3, 1e6);
        let age = mean_age.clamp(1e-3, 1e6);
        vec![
            vec![0.5, 0.5 * scale, 0.5, age / 3.0],
            vec![1.0, scale, 1.0, age],
            vec![1.0, 1.0, 1.0, 1.0],
            vec![0.2, 0.2 * scale, 2.0, 2.0 * age],
        ]
    }

    /// Total log-likelihood and gradient on the log-parameter scale θ = ln(r, α, s, β).
    pub(super) fn value_and_gradient(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let p = ParetoNbdParams {
            r: theta[0].exp(),
            alpha: theta[1].exp(),
            s: theta[2].exp(),
            beta: theta[3].exp(),
        };
        let (ln_gamma_r, digamma_r) = (ln_gamma(p.r), digamma(p.r));
        // Fixed chunks summed in order: the total does not depend on the thread count.
        let partials: Vec<Option<(f64, [f64; 4])>> = self
            .rows
            .par_chunks(ROWS_PER_CHUNK)
            .map(|chunk| {
                let mut total = 0.0;
                let mut gradient = [0.0; 4];
                // Rows are sorted by x: ln Γ(r + x) and ψ(r + x) change only with x.
                let mut cached_x = f64::NAN;
                let (mut ln_gamma_rx, mut digamma_rx) = (0.0, 0.0);
                for row in chunk {
                    let x = row.frequency;
                    if x != cached_x {
                        cached_x = x;
                        ln_gamma_rx = ln_gamma(p.r + x);
                        digamma_rx = digamma(p.r + x);
                    }
                    let gamma_ratio = (ln_gamma_rx - ln_gamma_r, digamma_rx - digamma_r);
                    let (value, g) = customer_log_likelihood(&p, &row.history, gamma_ratio)?;
                    total += row.weight * value;
                    for k in 0..4 {
                        gradient[k] += row.weight * g[k];
                    }
                }
                Some((total, gradient))
            })
            .collect();
        let mut total = 0.0;
        let mut gradient = [0.0; 4];
        for partial in partials {
            let Some((chunk_total, chunk_gradient)) = partial else {
                return (f64::NAN, vec![0.0; 4]);
            };
            total += chunk_total;
            for k in 0..4 {
                gradient[k] += chunk_gradient[k];
            }
        }
        // Chain rule to θ: ∂/∂θ = p · ∂/∂p.
        let natural = [p.r, p.alpha, p.s, p.beta];
        (total, (0..4).map(|k| gradient[k] * natural[k]).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analytic gradient against central differences of the value, in both branches (α ≥ β and
    /// α < β), for light and heavy buyers.
    #[test]
    fn gradient_matches_central_differences() {
        let histories = [
            RepeatHistory::new(0.0, 0.0, 38.0).unwrap(),
            RepeatHistory::new(2.0, 30.43, 38.86).unwrap(),
            RepeatHistory::new(26.0, 30.85714, 31.0).unwrap(),
            RepeatHistory::new(300.0, 40.0, 52.0).unwrap(),
            RepeatHistory::new(5.0, 20.0, 20.0).unwrap(),
        ];
        let data = Data::new(compress(&histories, &[1.0, 2.0, 1.0, 1.0, 1.0]));
        for params in [
            [0.55, 10.58, 0.61, 11.67],
            [0.55, 12.0, 0.61, 4.0],
            [1.3, 2.0, 0.9, 25.0],
            // Near the no-drop-out boundary (Online Retail weekly): the dead part by quadrature.
            [0.82, 9.98, 1.6e-5, 6331.0],
            [0.82, 9.98, 0.01, 100.0],
        ] {
            let theta: Vec<f64> = params.iter().map(|v: &f64| v.ln()).collect();
            let (_, gradient) = data.value_and_gradient(&theta);
            for k in 0..4 {
                let h = 1e-6;
                let mut plus = theta.clone();
                plus[k] += h;
                let mut minus = theta.clone();
                minus[k] -= h;
                let numeric = (data.value_and_gradient(&plus).0
                    - data.value_and_gradient(&minus).0)
                    / (2.0 * h);
                assert!(
                    (gradient[k] - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                    "{params:?} k = {k}: {} vs {numeric}",
                    gradient[k]
                );
            }
        }
    }

    /// The dead part as the difference of the 2F1 tails and as the integral over the death time
    /// agree where both converge (the switch between them leaves the likelihood continuous to
    /// rounding), inside and near the boundary, for light and heavy buyers.
    #[test]
    fn the_two_forms_of_the_dead_part_agree() {
        for (r, alpha, s, beta) in [
            (0.55, 10.58, 0.61, 11.67),
            (0.82, 9.98, 0.01, 100.0),
            (0.82, 9.98, 1e-3, 1000.0),
            (2.0, 50.0, 3.0, 0.5),
        ] {
            let p = ParetoNbdParams { r, alpha, s, beta };
            for [x, t_x, age] in [
                [0.0, 0.0, 38.0],
                [2.0, 30.43, 38.86],
                [7.0, 10.0, 52.0],
                [60.0, 51.0, 53.0],
            ] {
                let series = tails_difference(&p, x, t_x, age, true).unwrap().unwrap();
                let ln_gap = (p.alpha - p.beta).abs().ln();
                let quadrature = dead_integral::Quadrature::new(&p, x, t_x, age, ln_gap)
                    .dead_term(&p, true)
                    .unwrap();
                let tolerance = 1e-12 * series.value.abs().max(1.0);
                assert!(
                    (series.value - quadrature.value).abs() < tolerance,
                    "{p:?} {x}: {} vs {}",
                    series.value,
                    quadrature.value
                );
                for k in 0..4 {
                    let (a, b) = (series.gradient[k], quadrature.gradient[k]);
                    assert!(
                        (a - b).abs() < 1e-9 * (1.0 + a.abs()),
                        "{p:?} {x} {k}: {a} vs {b}"
                    );
                }
            }
        }
    }
}
