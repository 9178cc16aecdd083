//! The Pareto/NBD likelihood in log space, with its analytic gradient.
//!
//! FHL note, eq. 22: L = Γ(r + x) α^r β^s / Γ(r) · [ (α + T)^−(r+x) (β + T)^−s + s/(r + s + x) · A₀ ],
//! A₀ = F(t_x) − F(T), where for α ≥ β
//! F(τ) = 2F1(r + s + x, s + 1; r + s + x + 1; (α − β)/(α + τ)) / (α + τ)^(r+s+x),
//! and for α < β the roles swap:
//! F(τ) = 2F1(r + s + x, r + x; r + s + x + 1; (β − α)/(β + τ)) / (β + τ)^(r+s+x).
//! The bracket is kept as three logarithms ℓ₁ (alive at T), ℓ₊ (F(t_x) part) and ℓ₋ (F(T) part).

use std::collections::BTreeMap;

use rayon::prelude::*;

use statrs::function::gamma::{digamma, ln_gamma};

use crate::clv::pareto_nbd::ParetoNbdParams;
use crate::clv::RepeatHistory;
use crate::numeric::hyp2f1::{ln_hyp2f1_a_plus_one, ln_hyp2f1_with_derivatives};

/// ln of one bracket term and its gradient in (r, α, s, β).
#[derive(Debug, Clone, Copy)]
struct LogTerm {
    value: f64,
    gradient: [f64; 4],
}

/// The three log-terms of the bracket for one history.
#[derive(Debug, Clone, Copy)]
pub(super) struct Terms {
    alive: LogTerm,
    plus: LogTerm,
    minus: LogTerm,
    /// Whether t_x = T (then A₀ = 0 exactly).
    no_gap: bool,
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
        let alive = LogTerm {
            value: -(p.r + x) * (p.alpha + age).ln() - p.s * (p.beta + age).ln(),
            gradient: [
                -(p.alpha + age).ln(),
                -(p.r + x) / (p.alpha + age),
                -(p.beta + age).ln(),
                -p.s / (p.beta + age),
            ],
        };
        let no_gap = t_x == age;
        let plus = dead_term(p, x, t_x, with_gradient)?;
        let minus = if no_gap {
            plus
        } else {
            dead_term(p, x, age, with_gradient)?
        };
        Some(Self {
            alive,
            plus,
            minus,
            no_gap,
        })
    }

    /// ln(e^ℓ₁ + e^ℓ₊ − e^ℓ₋) and the three terms' weights in its gradient.
    fn combine(&self) -> (f64, [f64; 3]) {
        if self.no_gap {
            return (self.alive.value, [1.0, 0.0, 0.0]);
        }
        let top = self.alive.value.max(self.plus.value);
        let alive = (self.alive.value - top).exp();
        let plus = (self.plus.value - top).exp();
        // e^ℓ₊ − e^ℓ₋ = e^ℓ₊ (1 − e^(ℓ₋ − ℓ₊)), without cancellation.
        let difference = plus * -(self.minus.value - self.plus.value).exp_m1();
        let sum = alive + difference;
        let ln_bracket = top + sum.ln();
        let minus = (self.minus.value - top).exp();
        (ln_bracket, [alive / sum, plus / sum, -minus / sum])
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
        for (term, weight) in [self.alive, self.plus, self.minus].iter().zip(weights) {
            if weight != 0.0 {
                for (g, d) in gradient.iter_mut().zip(term.gradient) {
                    *g += weight * d;
                }
            }
        }
        (value, gradient)
    }
}

/// ln[s/(r + s + x) · F(τ)] with its gradient (see the module docs for F).
fn dead_term(p: &ParetoNbdParams, x: f64, tau: f64, with_gradient: bool) -> Option<LogTerm> {
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
        let (ln_alpha, ln_beta) = (p.alpha.ln(), p.beta.ln());
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
                    let terms = Terms::with_gradient(&p, &row.history)?;
                    let (ln_bracket, g) = terms.ln_bracket_with_gradient();
                    let x = row.frequency;
                    if x != cached_x {
                        cached_x = x;
                        ln_gamma_rx = ln_gamma(p.r + x);
                        digamma_rx = digamma(p.r + x);
                    }
                    let value =
                        ln_gamma_rx - ln_gamma_r + p.r * ln_alpha + p.s * ln_beta + ln_bracket;
                    total += row.weight * value;
                    let constant = [
                        digamma_rx - digamma_r + ln_alpha,
                        p.r / p.alpha,
                        ln_beta,
                        p.s / p.beta,
                    ];
                    for k in 0..4 {
                        gradient[k] += row.weight * (constant[k] + g[k]);
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

/// ∫ₐᵇ f by composite 16-point Gauss–Legendre on 16 panels (smooth integrands: far below 1e-12
/// relative for the Pareto/NBD P(X(t) = n) integrand).
pub(super) fn gauss_legendre(lower: f64, upper: f64, f: impl Fn(f64) -> f64) -> f64 {
    // Nodes and weights of the 16-point rule on [−1, 1] (positive half; symmetric).
    const NODES: [f64; 8] = [
        0.095_012_509_837_637_44,
        0.281_603_550_779_258_9,
        0.458_016_777_657_227_4,
        0.617_876_244_402_643_8,
        0.755_404_408_355_003,
        0.865_631_202_387_831_8,
        0.944_575_023_073_232_6,
        0.989_400_934_991_649_9,
    ];
    const WEIGHTS: [f64; 8] = [
        0.189_450_610_455_068_5,
        0.182_603_415_044_923_6,
        0.169_156_519_395_002_5,
        0.149_595_988_816_576_7,
        0.124_628_971_255_533_9,
        0.095_158_511_682_492_78,
        0.062_253_523_938_647_89,
        0.027_152_459_411_754_09,
    ];
    const PANELS: usize = 16;
    let width = (upper - lower) / PANELS as f64;
    let mut total = 0.0;
    for panel in 0..PANELS {
        let center = lower + (panel as f64 + 0.5) * width;
        let half = 0.5 * width;
        for (node, weight) in NODES.iter().zip(WEIGHTS) {
            total += weight * half * (f(center - half * node) + f(center + half * node));
        }
    }
    total
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
}
