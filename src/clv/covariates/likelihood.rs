//! The covariate log-likelihood: each customer's own parameters from the base ones and the
//! covariates, and the base model's individual likelihood at them (Fader & Hardie 2007,
//! "Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD models", eq. 2 and
//! its BG/NBD analogue), summed over compressed rows with its analytic gradient.

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
    /// What consecutive customers share (terms of the parameters that are the same for them),
    /// kept along a chunk of rows sorted by drop-out covariates, then by x.
    type Cache: Default;
    /// One customer's ln L and its gradient in the natural parameters `p` (that customer's).
    fn customer(
        p: &[f64; 4], cache: &mut Self::Cache, h: &RepeatHistory,
    ) -> Option<(f64, [f64; 4])>;
}

/// ln Γ(r + x) − ln Γ(r) and ψ(r + x) − ψ(r) at the (r, x) they were computed for: the only
/// terms of a Pareto/NBD customer's likelihood that α and β leave alone.
#[derive(Debug, Default)]
pub struct GammaRatio {
    /// (r, x); r = 0 (the default) is no valid r, so the first customer computes.
    key: [f64; 2],
    ratio: (f64, f64),
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
    type Cache = GammaRatio;

    fn customer(
        p: &[f64; 4], cache: &mut GammaRatio, h: &RepeatHistory,
    ) -> Option<(f64, [f64; 4])> {
        let [r, alpha, s, beta] = *p;
        let x = h.frequency();
        if cache.key != [r, x] {
            let ratio = (ln_gamma(r + x) - ln_gamma(r), digamma(r + x) - digamma(r));
            *cache = GammaRatio { key: [r, x], ratio };
        }
        let params = ParetoNbdParams { r, alpha, s, beta };
        pareto_nbd::customer_log_likelihood(&params, h, cache.ratio)
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
    type Cache = bg_nbd::SharedTerms;

    fn customer(
        p: &[f64; 4], cache: &mut bg_nbd::SharedTerms, h: &RepeatHistory,
    ) -> Option<(f64, [f64; 4])> {
        let variant = StandardDropout::VARIANT;
        Some(bg_nbd::customer_log_likelihood(variant, p, h, cache))
    }
}

/// A distinct (history, covariates) pair and how many customers share it.
#[derive(Debug, Clone)]
struct Row {
    history: RepeatHistory,
    weight: f64,
    /// Where its purchase covariates, then its drop-out ones, start in [`Design`]'s `z`.
    z: usize,
    /// The index of its drop-out covariate row among the distinct ones.
    group: usize,
}

/// The compressed rows of a covariate fit, with the layout of its parameter vector: the four
/// base log-parameters, then each link's coefficients.
pub struct Design {
    rows: Vec<Row>,
    purchase_columns: usize,
    /// Per link: its first coefficient's index and its number of coefficients.
    slots: Vec<(usize, usize)>,
    /// The first row of each distinct drop-out covariate row (rows are sorted by it).
    groups: Vec<usize>,
    /// Every row's covariates, row after row: contiguous, not a vector per row, so that a
    /// pass reads them in order.
    z: Vec<f64>,
    /// Purchase and drop-out covariates per row.
    columns: usize,
}

/// Rows per parallel chunk (fixed, so that the summation order is too).
const ROWS_PER_CHUNK: usize = 256;

impl Design {
    /// Merges identical (history, covariates) rows, summing their weights; the rows come out
    /// sorted, so the summation order does not depend on the input order.
    pub fn new(
        links: &[Link], histories: &[RepeatHistory], purchase: &Covariates, dropout: &Covariates,
    ) -> Self {
        // Drop-out covariates first, then x: the rows that share a drop-out row and x are
        // adjacent, so the terms they share are computed once (see CovariateBase::Cache).
        let width = 3 + purchase.columns() + dropout.columns();
        let mut keys: Vec<u64> = Vec::with_capacity(histories.len() * width);
        for (i, h) in histories.iter().enumerate() {
            let history = [h.frequency(), h.recency(), h.age()];
            let z = dropout.row(i).into_iter().flatten().copied();
            let values = z
                .chain(history)
                .chain(purchase.row(i).into_iter().flatten().copied());
            // Bit patterns of non-negative floats order like the values (+0.0 for −0.0); the
            // covariates need only equal values to be adjacent.
            keys.extend(values.map(|v| (v + 0.0).to_bits()));
        }
        let key = |i: usize| &keys[i * width..(i + 1) * width];
        // A flat sort, not a map of boxed keys: 0.17 s of the BG/NBD bench's 0.83 s went to a
        // BTreeMap<Vec<u64>> over 100k customers (2026-12-05). Equal keys are equal rows, so
        // which of them comes first changes nothing.
        let mut order: Vec<usize> = (0..histories.len()).collect();
        order.par_sort_unstable_by(|&i, &j| key(i).cmp(key(j)));
        let mut rows: Vec<Row> = Vec::new();
        let mut values: Vec<f64> = Vec::new();
        for (position, &i) in order.iter().enumerate() {
            if position > 0 && key(order[position - 1]) == key(i) {
                if let Some(last) = rows.last_mut() {
                    last.weight += 1.0;
                }
                continue;
            }
            let z = purchase.row(i).into_iter().chain(dropout.row(i)).flatten();
            rows.push(Row {
                history: histories[i],
                weight: 1.0,
                z: values.len(),
                group: 0,
            });
            values.extend(z);
        }
        let columns = purchase.columns() + dropout.columns();
        let mut groups = Vec::new();
        for i in 0..rows.len() {
            let dropout_z = |row: &Row| &values[row.z + purchase.columns()..row.z + columns];
            if i == 0 || dropout_z(&rows[i]) != dropout_z(&rows[i - 1]) {
                groups.push(i);
            }
            rows[i].group = groups.len() - 1;
        }
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
            groups,
            z: values,
            columns,
        }
    }

    /// The number of parameters: four base ones and the coefficients.
    pub fn parameters(&self) -> usize {
        self.slots.last().map_or(4, |(start, width)| start + width)
    }

    /// Total ln L and its gradient at θ = (ln r, ln α₀, ln of the third and fourth base
    /// parameters, γ…); a NaN value where some customer's likelihood cannot be evaluated.
    #[cfg(test)]
    pub fn log_likelihood<M: CovariateBase>(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let pass = self.evaluate::<M>(theta, Curvature::None);
        (pass.value, pass.gradient)
    }

    /// ln L, its gradient on θ and the matrix `curvature` asks for, in one pass over the rows;
    /// a NaN value (and no matrix) where some customer's likelihood cannot be evaluated.
    pub fn evaluate<M: CovariateBase>(&self, theta: &[f64], curvature: Curvature) -> Pass {
        let base: [f64; 4] = std::array::from_fn(|k| theta[k].exp());
        let n = self.parameters();
        let size = if curvature == Curvature::None {
            0
        } else {
            n * n
        };
        let factors: Vec<[f64; 4]> = (self.groups.iter())
            .map(|&first| self.factors::<M>(&self.rows[first], theta, Process::Dropout))
            .collect();
        let partials: Vec<Option<Pass>> = self
            .rows
            .par_chunks(ROWS_PER_CHUNK)
            .map(|chunk| {
                let mut pass = Pass::zero(n, size);
                // One cache for the customer's own parameters and one per step of the Hessian.
                let mut caches: [M::Cache; 5] = std::array::from_fn(|_| M::Cache::default());
                let mut scratch = Scratch::new(n);
                for row in chunk {
                    let at = (row, &base, theta, &factors[..]);
                    self.add_row::<M>(at, curvature, &mut caches, &mut pass, &mut scratch)?;
                }
                Some(pass)
            })
            .collect();
        let mut total = Pass::zero(n, size);
        for partial in partials {
            let Some(chunk) = partial else {
                return Pass {
                    value: f64::NAN,
                    ..Pass::zero(n, 0)
                };
            };
            total.value += chunk.value;
            let sums = total.gradient.iter_mut().chain(&mut total.matrix);
            sums.zip(chunk.gradient.iter().chain(&chunk.matrix))
                .for_each(|(t, c)| *t += c);
        }
        if curvature == Curvature::OuterProducts {
            for i in 0..n {
                for j in 0..i {
                    total.matrix[i * n + j] = total.matrix[j * n + i];
                }
            }
        }
        total
    }

    /// Adds one row's weighted ln L, its gradient on θ and its curvature. With u = ln pᵢ the
    /// customer's log-parameters, u is linear in θ: uₖ = θₖ + sign · γᵀz for a linked
    /// parameter, θₖ otherwise. So ∂/∂θ = C ∂/∂u and ∂²/∂θ² = C (∂²/∂u²) Cᵀ exactly, with
    /// C the constant n × 4 matrix of ∂uₖ/∂θᵢ ([`Design::chain`]).
    fn add_row<M: CovariateBase>(
        &self, (row, base, theta, factors): (&Row, &[f64; 4], &[f64], &[[f64; 4]]),
        curvature: Curvature, caches: &mut [M::Cache; 5], pass: &mut Pass, buffers: &mut Scratch,
    ) -> Option<()> {
        let scratch = &mut buffers.vector;
        let p = self.customer_parameters::<M>(row, base, theta, factors)?;
        let (value, g) = M::customer(&p, &mut caches[0], &row.history)?;
        let w = row.weight;
        pass.value += w * value;
        let on_u: [f64; 4] = std::array::from_fn(|k| g[k] * p[k]);
        self.chain::<M>(row, &on_u, scratch);
        pass.gradient
            .iter_mut()
            .zip(&*scratch)
            .for_each(|(t, d)| *t += w * d);
        let n = scratch.len();
        match curvature {
            Curvature::None => {}
            Curvature::OuterProducts => {
                // The upper triangle only; `evaluate` mirrors it once at the end.
                for (i, di) in scratch.iter().enumerate() {
                    let target = &mut pass.matrix[i * n + i..(i + 1) * n];
                    target
                        .iter_mut()
                        .zip(&scratch[i..])
                        .for_each(|(t, dj)| *t += w * di * dj);
                }
            }
            Curvature::Hessian => {
                let h = customer_hessian::<M>(&p, &on_u, &mut caches[1..], &row.history)?;
                self.add_sandwich::<M>(row, &h, w, &mut pass.matrix, buffers);
            }
        }
        Some(())
    }

    /// The customer's own parameters pᵢ = p₀ exp(sign · γᵀzᵢ); `None` when one is not positive
    /// and finite.
    fn customer_parameters<M: CovariateBase>(
        &self, row: &Row, base: &[f64; 4], theta: &[f64], factors: &[[f64; 4]],
    ) -> Option<[f64; 4]> {
        let purchase = self.factors::<M>(row, theta, Process::Purchase);
        let p: [f64; 4] = std::array::from_fn(|k| base[k] * factors[row.group][k] * purchase[k]);
        p.iter().all(|v| v.is_finite() && *v > 0.0).then_some(p)
    }

    /// exp(sign · γᵀz) of each link of `process` (1 elsewhere) for `row`. The drop-out ones are
    /// taken once per distinct drop-out row, not per customer (two of the three exponentials
    /// of a BG/NBD customer with a 0/1 drop-out covariate).
    fn factors<M: CovariateBase>(&self, row: &Row, theta: &[f64], process: Process) -> [f64; 4] {
        let mut factors = [1.0; 4];
        let links = (M::LINKS.iter().zip(&self.slots)).filter(|(l, _)| l.process == process);
        for (link, &(start, width)) in links {
            let z = self.covariates(row, link.process);
            let eta: f64 = theta[start..start + width]
                .iter()
                .zip(z)
                .map(|(g, v)| g * v)
                .sum();
            factors[link.parameter] *= (link.sign * eta).exp();
        }
        factors
    }

    /// `out` = C `v`: a vector on u carried to θ (∂/∂ln p₀ = ∂/∂u, ∂/∂γₖ = sign · zₖ · ∂/∂u
    /// for the linked u).
    fn chain<M: CovariateBase>(&self, row: &Row, v: &[f64; 4], out: &mut [f64]) {
        out[..4].copy_from_slice(v);
        for (link, &(start, width)) in M::LINKS.iter().zip(&self.slots) {
            let slope = link.sign * v[link.parameter];
            let z = self.covariates(row, link.process);
            for (o, zk) in out[start..start + width].iter_mut().zip(z) {
                *o = slope * zk;
            }
        }
    }

    /// Adds w · C H Cᵀ to the n × n `matrix`: (C H)ᵢₗ column by column, then its products with
    /// the columns of C.
    fn add_sandwich<M: CovariateBase>(
        &self, row: &Row, h: &[[f64; 4]; 4], w: f64, matrix: &mut [f64], buffers: &mut Scratch,
    ) {
        let Scratch {
            vector: scratch,
            left,
            right,
        } = buffers;
        let n = scratch.len();
        for l in 0..4 {
            self.chain::<M>(row, &std::array::from_fn(|k| h[k][l]), scratch);
            left.iter_mut().zip(&*scratch).for_each(|(m, v)| m[l] = *v);
            let unit: [f64; 4] = std::array::from_fn(|k| f64::from(u8::from(k == l)));
            self.chain::<M>(row, &unit, scratch);
            right.iter_mut().zip(&*scratch).for_each(|(c, v)| c[l] = *v);
        }
        for (i, m) in left.iter().enumerate() {
            for (j, c) in right.iter().enumerate() {
                let product: f64 = (0..4).map(|l| m[l] * c[l]).sum();
                matrix[i * n + j] += w * product;
            }
        }
    }

    fn covariates(&self, row: &Row, process: Process) -> &[f64] {
        let split = row.z + self.purchase_columns;
        match process {
            Process::Purchase => &self.z[row.z..split],
            Process::Dropout => &self.z[split..row.z + self.columns],
        }
    }
}

/// A chunk's buffers: a vector on θ, and C H and C of [`Design::add_sandwich`] (allocated per
/// chunk, not per row: the BG/NBD Hessian pass is short enough for allocations to show).
struct Scratch {
    vector: Vec<f64>,
    left: Vec<[f64; 4]>,
    right: Vec<[f64; 4]>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Self {
            vector: vec![0.0; n],
            left: vec![[0.0; 4]; n],
            right: vec![[0.0; 4]; n],
        }
    }
}

/// What a pass over the rows computes besides ln L and its gradient on θ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curvature {
    /// Nothing more.
    None,
    /// Σ w d dᵀ over the rows, d a row's gradient on θ (BHHH's outer products: free beside the
    /// gradient, and near the optimum close to the information).
    OuterProducts,
    /// The Hessian of ln L on θ, from each customer's 4 × 4 Hessian on u = ln pᵢ by forward
    /// differences of the analytic gradient: 4 more customer evaluations whatever the number
    /// of coefficients, where central differences of the total gradient take 2n passes.
    Hessian,
}

/// The sums of one pass: ln L, its gradient on θ and an n × n matrix (row-major; empty when
/// none was asked for).
#[derive(Debug, Clone)]
pub struct Pass {
    /// ln L.
    pub value: f64,
    /// ∂ ln L/∂θ.
    pub gradient: Vec<f64>,
    /// The matrix of the pass's [`Curvature`].
    pub matrix: Vec<f64>,
}

impl Pass {
    fn zero(n: usize, size: usize) -> Self {
        Self {
            value: 0.0,
            gradient: vec![0.0; n],
            matrix: vec![0.0; size],
        }
    }
}

/// Step on u = ln p of the customer Hessian's forward differences: truncation of order 1e-6
/// and rounding of order 1e-9 (the customer's gradient is exact to ~1e-15), relative; the
/// standard errors move by about 1e-6 of themselves, far inside what any reference resolves.
const HESSIAN_STEP: f64 = 1e-6;

/// One customer's Hessian of ln L on u = ln p, by forward differences of the analytic gradient
/// (∂/∂u = p ∂/∂p) from `at_p`, the gradient on u at p, symmetrised; each of the 4 steps keeps
/// its own cache in `caches`. Forward, not central: 4 customer evaluations, not 8, where one
/// evaluation of the Pareto/NBD is the cost of the whole pass (2026-12-05: a Hessian pass cost
/// 8 ordinary passes with central differences).
fn customer_hessian<M: CovariateBase>(
    p: &[f64; 4], at_p: &[f64; 4], caches: &mut [M::Cache], h: &RepeatHistory,
) -> Option<[[f64; 4]; 4]> {
    let mut out = [[0.0; 4]; 4];
    for (k, cache) in caches.iter_mut().enumerate().take(4) {
        let mut q = *p;
        q[k] *= HESSIAN_STEP.exp();
        // The step actually taken on u, after rounding q.
        let step = (q[k] / p[k]).ln();
        let (_, g) = M::customer(&q, cache, h)?;
        for l in 0..4 {
            out[l][k] = (g[l] * q[l] - at_p[l]) / step;
        }
    }
    #[allow(clippy::needless_range_loop)] // symmetric access out[k][l] and out[l][k]
    for k in 0..4 {
        for l in 0..k {
            let mean = 0.5 * (out[k][l] + out[l][k]);
            out[k][l] = mean;
            out[l][k] = mean;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ln L and its gradient at θ.
    type Evaluation<'a> = dyn Fn(&[f64]) -> (f64, Vec<f64>) + 'a;

    /// Four customers, one purchase and two drop-out covariates.
    fn fixture() -> (Vec<RepeatHistory>, Covariates, Covariates) {
        let histories = vec![
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
        (histories, purchase, dropout)
    }

    fn ln(v: [f64; 4]) -> Vec<f64> {
        v.iter().map(|p| p.ln()).collect()
    }

    /// θ for Pareto/NBD (7 parameters) and BG/NBD (9) on the fixture.
    fn thetas() -> (Vec<f64>, Vec<f64>) {
        let mut pareto = ln([0.55, 10.58, 0.61, 11.67]);
        pareto.extend([0.3, -0.4, 0.2]);
        let mut bg = ln([0.24, 4.41, 0.79, 2.43]);
        bg.extend([0.3, -0.4, 0.2, 0.1, 0.5]);
        (pareto, bg)
    }

    /// The analytic gradient against central differences, for both models.
    #[test]
    fn gradient_matches_central_differences() {
        let (histories, purchase, dropout) = fixture();
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
        let (theta_pareto, theta_bg) = thetas();
        check(&pareto, theta_pareto, &|t| {
            pareto.log_likelihood::<ParetoNbd>(t)
        });
        check(&bg, theta_bg, &|t| bg.log_likelihood::<BgNbd>(t));
    }

    /// The per-row Hessian against central differences (step 1e-5) of the total analytic
    /// gradient, the optimiser's former Hessian; the outer products against the sum of d dᵀ
    /// over designs of one customer each.
    fn check_curvature<M: CovariateBase>(theta: &[f64]) {
        let (histories, purchase, dropout) = fixture();
        let design = Design::new(M::LINKS, &histories, &purchase, &dropout);
        let n = theta.len();
        let hessian = design.evaluate::<M>(theta, Curvature::Hessian).matrix;
        for j in 0..n {
            let (mut up, mut down) = (theta.to_vec(), theta.to_vec());
            up[j] += 1e-5;
            down[j] -= 1e-5;
            let (_, g_up) = design.log_likelihood::<M>(&up);
            let (_, g_down) = design.log_likelihood::<M>(&down);
            for i in 0..n {
                let numeric = (g_up[i] - g_down[i]) / 2e-5;
                let ours = hessian[i * n + j];
                assert!(
                    (ours - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                    "{i} {j}: {ours} vs {numeric}"
                );
            }
        }
        let outer = design.evaluate::<M>(theta, Curvature::OuterProducts).matrix;
        let mut expected = vec![0.0; n * n];
        for i in 0..histories.len() {
            let one = |z: &Covariates, names: &[&str]| {
                Covariates::from_rows(names, &[z.row(i).unwrap().to_vec()]).unwrap()
            };
            let single = Design::new(
                M::LINKS,
                &histories[i..=i],
                &one(&purchase, &["g"]),
                &one(&dropout, &["g", "c"]),
            );
            let (_, d) = single.log_likelihood::<M>(theta);
            for (k, e) in expected.iter_mut().enumerate() {
                *e += d[k / n] * d[k % n];
            }
        }
        for (k, (ours, e)) in outer.iter().zip(&expected).enumerate() {
            assert!(
                (ours - e).abs() < 1e-12 * (1.0 + e.abs()),
                "{k}: {ours} vs {e}"
            );
        }
    }

    #[test]
    fn curvature_matches_its_definitions() {
        let (pareto, bg) = thetas();
        check_curvature::<ParetoNbd>(&pareto);
        check_curvature::<BgNbd>(&bg);
    }
}
