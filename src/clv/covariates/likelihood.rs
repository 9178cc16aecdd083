//! The covariate log-likelihood: each customer's own parameters from the base ones and the
//! covariates, and the base model's individual likelihood at them (Fader & Hardie 2007,
//! "Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD models", eq. 2 and
//! its BG/NBD analogue), summed over compressed rows with its analytic gradient.

use std::collections::BTreeMap;

use rayon::prelude::*;
use statrs::function::gamma::{digamma, ln_gamma};

use super::Covariates;
use crate::clv::fit::engine::Estimator;
use crate::clv::{bg_nbd, pareto_nbd, BgNbd, BgNbdVariant, FitOptions, MaximumLikelihood};
use crate::clv::{ParetoNbd, ParetoNbdParams, RepeatHistory, StandardDropout};

/// Which covariate matrix a link reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    /// The purchase process (its rate parameter α).
    Purchase,
    /// The drop-out process.
    Dropout,
}

/// One base parameter that varies by customer: pᵢ = p₀ · exp(sign · γᵀzᵢ), z from `process`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// The parameter's index in the base model's order.
    pub parameter: usize,
    /// +1 or −1: the sign convention of the papers and CLVTools.
    pub sign: f64,
    /// The covariates it reads.
    pub process: Process,
}

/// α, the purchase process's rate parameter in both models: αᵢ = α₀ exp(−γ₁ᵀzᵢ), so that γ₁ₖ > 0
/// means more purchases (E\[λᵢ\] = r/αᵢ).
const PURCHASE_RATE: Link = Link {
    parameter: 1,
    sign: -1.0,
    process: Process::Purchase,
};

/// A base model that takes covariates. Implemented by [`ParetoNbd`] and [`BgNbd`] only (the
/// trait is public in a private module: it cannot be implemented outside the crate).
pub trait CovariateBase:
    MaximumLikelihood<History = RepeatHistory, Options = FitOptions, Diagnostics = ()>
    + Estimator
    + Copy
{
    /// The parameters that vary by customer, in the order of the coefficients.
    const LINKS: &'static [Link];
    /// What the individual likelihoods share at one evaluation (functions of unlinked parameters).
    type Shared: Sync;
    /// The shared part at the base parameters `p`.
    fn shared(p: &[f64; 4]) -> Self::Shared;
    /// One customer's ln L and its gradient in the natural parameters `p` (that customer's).
    fn customer(p: &[f64; 4], shared: &Self::Shared, h: &RepeatHistory) -> Option<(f64, [f64; 4])>;
}

/// Pareto/NBD: αᵢ = α₀ exp(−γ₁ᵀzᵢ), βᵢ = β₀ exp(−γ₂ᵀzᵢ) (Fader & Hardie 2007, eq. 1; CLVTools'
/// `pnbd` with static covariates).
impl CovariateBase for ParetoNbd {
    const LINKS: &'static [Link] = &[
        PURCHASE_RATE,
        Link {
            parameter: 3,
            sign: -1.0,
            process: Process::Dropout,
        },
    ];
    /// ln Γ(r) and ψ(r): r does not vary by customer.
    type Shared = (f64, f64);

    fn shared(p: &[f64; 4]) -> (f64, f64) {
        (ln_gamma(p[0]), digamma(p[0]))
    }

    fn customer(p: &[f64; 4], shared: &(f64, f64), h: &RepeatHistory) -> Option<(f64, [f64; 4])> {
        let [r, alpha, s, beta] = *p;
        let x = h.frequency();
        let ratio = (ln_gamma(r + x) - shared.0, digamma(r + x) - shared.1);
        let params = ParetoNbdParams { r, alpha, s, beta };
        pareto_nbd::customer_log_likelihood(&params, h, ratio)
    }
}

/// BG/NBD: αᵢ = α₀ exp(−γ₁ᵀzᵢ), aᵢ = a₀ exp(γ₂ᵀzᵢ), bᵢ = b₀ exp(γ₃ᵀzᵢ) (PyMC-Marketing's
/// `BetaGeoModel`; CLVTools' `bgnbd` takes γ₂ = γ₃).
impl CovariateBase for BgNbd {
    const LINKS: &'static [Link] = &[
        PURCHASE_RATE,
        Link {
            parameter: 2,
            sign: 1.0,
            process: Process::Dropout,
        },
        Link {
            parameter: 3,
            sign: 1.0,
            process: Process::Dropout,
        },
    ];
    type Shared = ();

    fn shared(_: &[f64; 4]) {}

    fn customer(p: &[f64; 4], _: &(), h: &RepeatHistory) -> Option<(f64, [f64; 4])> {
        let (value, gradient) = bg_nbd::customer_log_likelihood(StandardDropout::VARIANT, p, h);
        Some((value, gradient))
    }
}

/// A distinct (history, covariates) pair and how many customers share it.
#[derive(Debug, Clone)]
struct Row {
    history: RepeatHistory,
    weight: f64,
    /// The purchase covariates, then the drop-out ones.
    z: Vec<f64>,
}

/// The compressed rows of a covariate fit, with the layout of its parameter vector: the four
/// base log-parameters, then each link's coefficients.
pub struct Design {
    rows: Vec<Row>,
    purchase_columns: usize,
    /// Per link: its first coefficient's index and its number of coefficients.
    slots: Vec<(usize, usize)>,
}

/// Rows per parallel chunk (fixed, so that the summation order is too).
const ROWS_PER_CHUNK: usize = 256;

impl Design {
    /// Merges identical (history, covariates) rows, summing their weights; the rows come out
    /// sorted, so the summation order does not depend on the input order.
    pub fn new(
        links: &[Link], histories: &[RepeatHistory], purchase: &Covariates, dropout: &Covariates,
    ) -> Self {
        let mut merged: BTreeMap<Vec<u64>, (usize, f64)> = BTreeMap::new();
        for (i, h) in histories.iter().enumerate() {
            let z = purchase.row(i).into_iter().chain(dropout.row(i)).flatten();
            // Bit patterns of non-negative floats order like the values (+0.0 for −0.0).
            let key = [h.frequency(), h.recency(), h.age()]
                .into_iter()
                .chain(z.copied())
                .map(|v| (v + 0.0).to_bits())
                .collect();
            merged.entry(key).or_insert((i, 0.0)).1 += 1.0;
        }
        let rows = merged
            .into_values()
            .map(|(i, weight)| Row {
                history: histories[i],
                weight,
                z: purchase
                    .row(i)
                    .into_iter()
                    .chain(dropout.row(i))
                    .flatten()
                    .copied()
                    .collect(),
            })
            .collect();
        let mut next = 4;
        let slots = links
            .iter()
            .map(|link| {
                let width = match link.process {
                    Process::Purchase => purchase.columns(),
                    Process::Dropout => dropout.columns(),
                };
                next += width;
                (next - width, width)
            })
            .collect();
        Self {
            rows,
            purchase_columns: purchase.columns(),
            slots,
        }
    }

    /// The number of parameters: four base ones and the coefficients.
    pub fn parameters(&self) -> usize {
        self.slots.last().map_or(4, |(start, width)| start + width)
    }

    /// Total ln L and its gradient at θ = (ln r, ln α₀, ln of the third and fourth base
    /// parameters, γ…); a NaN value where some customer's likelihood cannot be evaluated.
    pub fn log_likelihood<M: CovariateBase>(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let base: [f64; 4] = std::array::from_fn(|k| theta[k].exp());
        let shared = M::shared(&base);
        let n = self.parameters();
        let partials: Vec<Option<(f64, Vec<f64>)>> = self
            .rows
            .par_chunks(ROWS_PER_CHUNK)
            .map(|chunk| {
                let mut total = 0.0;
                let mut gradient = vec![0.0; n];
                for row in chunk {
                    self.add_row::<M>(row, &base, &shared, theta, &mut total, &mut gradient)?;
                }
                Some((total, gradient))
            })
            .collect();
        let mut total = 0.0;
        let mut gradient = vec![0.0; n];
        for partial in partials {
            let Some((chunk_total, chunk_gradient)) = partial else {
                return (f64::NAN, vec![0.0; n]);
            };
            total += chunk_total;
            gradient
                .iter_mut()
                .zip(chunk_gradient)
                .for_each(|(g, c)| *g += c);
        }
        (total, gradient)
    }

    /// Adds one row's weighted ln L and its gradient on θ: ∂/∂ln p₀ = pᵢ ∂/∂pᵢ and
    /// ∂/∂γₖ = sign · zₖ · pᵢ ∂/∂pᵢ for the linked parameter pᵢ = p₀ exp(sign · γᵀz).
    fn add_row<M: CovariateBase>(
        &self, row: &Row, base: &[f64; 4], shared: &M::Shared, theta: &[f64], total: &mut f64,
        gradient: &mut [f64],
    ) -> Option<()> {
        let mut p = *base;
        for (link, &(start, width)) in M::LINKS.iter().zip(&self.slots) {
            let z = self.covariates(row, link.process);
            let eta: f64 = theta[start..start + width]
                .iter()
                .zip(z)
                .map(|(g, v)| g * v)
                .sum();
            p[link.parameter] *= (link.sign * eta).exp();
        }
        if p.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            return None;
        }
        let (value, g) = M::customer(&p, shared, &row.history)?;
        let w = row.weight;
        *total += w * value;
        for k in 0..4 {
            gradient[k] += w * g[k] * p[k];
        }
        for (link, &(start, width)) in M::LINKS.iter().zip(&self.slots) {
            let slope = w * link.sign * p[link.parameter] * g[link.parameter];
            let z = self.covariates(row, link.process);
            for (gk, v) in gradient[start..start + width].iter_mut().zip(z) {
                *gk += slope * v;
            }
        }
        Some(())
    }

    fn covariates<'r>(&self, row: &'r Row, process: Process) -> &'r [f64] {
        match process {
            Process::Purchase => &row.z[..self.purchase_columns],
            Process::Dropout => &row.z[self.purchase_columns..],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ln L and its gradient at θ.
    type Evaluation<'a> = dyn Fn(&[f64]) -> (f64, Vec<f64>) + 'a;

    /// The analytic gradient against central differences, for both models.
    #[test]
    fn gradient_matches_central_differences() {
        let histories = [
            RepeatHistory::new(0.0, 0.0, 38.0).unwrap(),
            RepeatHistory::new(2.0, 30.43, 38.86).unwrap(),
            RepeatHistory::new(7.0, 20.0, 35.0).unwrap(),
            RepeatHistory::new(1.0, 5.0, 30.0).unwrap(),
        ];
        let purchase =
            Covariates::from_rows(&["g"], &[vec![0.0], vec![1.0], vec![1.0], vec![-0.5]]).unwrap();
        let dropout = Covariates::from_rows(
            &["g", "c"],
            &[
                vec![1.0, 0.2],
                vec![0.0, -1.0],
                vec![1.0, 0.3],
                vec![0.5, 0.0],
            ],
        )
        .unwrap();
        let pareto = Design::new(ParetoNbd::LINKS, &histories, &purchase, &dropout);
        let bg = Design::new(BgNbd::LINKS, &histories, &purchase, &dropout);
        let check = |design: &Design, theta: Vec<f64>, f: &Evaluation<'_>| {
            assert_eq!(theta.len(), design.parameters());
            let (_, gradient) = f(&theta);
            for k in 0..theta.len() {
                let h = 1e-6;
                let (mut up, mut down) = (theta.clone(), theta.clone());
                up[k] += h;
                down[k] -= h;
                let numeric = (f(&up).0 - f(&down).0) / (2.0 * h);
                assert!(
                    (gradient[k] - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                    "{k}: {} vs {numeric}",
                    gradient[k]
                );
            }
        };
        let ln = |v: [f64; 4]| v.iter().map(|p| p.ln()).collect::<Vec<f64>>();
        let mut theta = ln([0.55, 10.58, 0.61, 11.67]);
        theta.extend([0.3, -0.4, 0.2]);
        check(&pareto, theta, &|t| pareto.log_likelihood::<ParetoNbd>(t));
        let mut theta = ln([0.24, 4.41, 0.79, 2.43]);
        theta.extend([0.3, -0.4, 0.2, 0.1, 0.5]);
        check(&bg, theta, &|t| bg.log_likelihood::<BgNbd>(t));
    }
}
