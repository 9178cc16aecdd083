//! The covariate fit's objective, ln L − λ Σ γ² over the compressed rows, and the scoring
//! iterations that bring it from the fit without covariates to near its maximum before the
//! shared optimiser polishes it.
//!
//! Why not the shared L-BFGS from the start: measured 2026-12-05 on the 100k-customer benches
//! (benches/covariates.rs), L-BFGS took 27 passes (Pareto/NBD, 7 parameters) and 32 (BG/NBD, 8)
//! from the fit without covariates, and the Newton polish 15 and 17 more for a Hessian by
//! differences of the gradient; with the per-row Hessian of [`Curvature::Hessian`] and the
//! BHHH steps below the fit takes a few passes and one Hessian.

use std::marker::PhantomData;

use super::likelihood::{CovariateBase, Curvature, Design, Pass};
use crate::clv::fit::engine::{Bounds, LogLikelihood};
use crate::numeric::linalg::solve_spd;

/// ln L − λ Σ γ² on θ = (the base log-parameters, γ), the penalty on the coefficients only.
pub(super) struct Objective<'a, M> {
    pub design: &'a Design,
    pub lambda: f64,
    pub model: PhantomData<M>,
}

impl<M: CovariateBase> Objective<'_, M> {
    /// One pass with the penalty: −λ Σ γ² on the value, −2λγ on the gradient, and on the
    /// matrix's γ diagonal −2λ for a Hessian, +2λ for outer products (their sum is then the
    /// penalised information).
    pub(super) fn pass(&self, theta: &[f64], curvature: Curvature) -> Pass {
        let mut pass = self.design.evaluate::<M>(theta, curvature);
        let n = theta.len();
        let sign = if curvature == Curvature::Hessian {
            -1.0
        } else {
            1.0
        };
        for (k, gamma) in theta.iter().enumerate().skip(4) {
            pass.value -= self.lambda * gamma * gamma;
            pass.gradient[k] -= 2.0 * self.lambda * gamma;
            if let Some(diagonal) = pass.matrix.get_mut(k * n + k) {
                *diagonal += sign * 2.0 * self.lambda;
            }
        }
        pass
    }
}

impl<M: CovariateBase> LogLikelihood for Objective<'_, M> {
    fn value_and_gradient(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let pass = self.pass(theta, Curvature::None);
        (pass.value, pass.gradient)
    }

    fn hessian(&self, theta: &[f64]) -> Option<Vec<Vec<f64>>> {
        let pass = self.pass(theta, Curvature::Hessian);
        let finite = pass.value.is_finite() && pass.matrix.iter().all(|v| v.is_finite());
        finite.then(|| rows(&pass.matrix, theta.len()))
    }
}

/// A row-major n × n matrix as rows.
fn rows(matrix: &[f64], n: usize) -> Vec<Vec<f64>> {
    matrix.chunks(n).map(<[f64]>::to_vec).collect()
}

/// The most scoring steps: from the fit without covariates the benches take 6 or 7.
const MAX_STEPS: usize = 25;

/// BHHH steps (Berndt, Hall, Hall & Hausman 1974): θ ← θ + B⁻¹ g with B = Σ w d dᵀ the outer
/// products of the rows' gradients (plus 2λ on the γ diagonal), each halved until the
/// objective rises, from `theta` until every |∂/∂θ| is below `target` (the shared optimiser's
/// polish target, so that it has nothing left to do but the Hessian). B comes with the
/// gradient in the same pass, and near the maximum of a well-specified model it is close to
/// the information, so each step gains digits at the price of one pass. Stops early, where the
/// optimiser takes over, when B is singular or no halving rises.
pub(super) fn score<M: CovariateBase>(
    objective: &Objective<'_, M>, mut theta: Vec<f64>, target: f64,
) -> Vec<f64> {
    let bounds = Bounds::parameter_range(theta.len());
    let mut pass = objective.pass(&theta, Curvature::OuterProducts);
    for _ in 0..MAX_STEPS {
        let done = |p: &Pass| {
            p.gradient
                .iter()
                .all(|g| g.abs() <= target * (1.0 + p.value.abs()))
        };
        if !pass.value.is_finite() || done(&pass) {
            break;
        }
        let Some(step) = direction(rows(&pass.matrix, theta.len()), &pass.gradient) else {
            break;
        };
        let Some((next, next_pass)) = rising_step(objective, &bounds, &theta, &step, &pass) else {
            break;
        };
        (theta, pass) = (next, next_pass);
    }
    theta
}

/// B⁻¹ g; when B is singular (a covariate that is 0 for everyone has a zero row and column,
/// and a zero gradient), B⁻¹ g with 1e-10 of B's largest diagonal entry added to the diagonal,
/// which moves the other parameters as before and that coefficient not at all.
fn direction(mut b: Vec<Vec<f64>>, g: &[f64]) -> Option<Vec<f64>> {
    solve_spd(&b, g).or_else(|| {
        let largest = (0..b.len()).fold(0.0_f64, |m, k| m.max(b[k][k]));
        for (k, row) in b.iter_mut().enumerate() {
            row[k] += 1e-10 * largest;
        }
        solve_spd(&b, g)
    })
}

/// θ + `step`, halved up to 10 times until the objective rises above `value`, inside the box.
/// A step whose change of the objective is within its rounding (1e-12 relative: the sum over
/// 100k rows) is taken when it shrinks the gradient: at the maximum to rounding the last
/// steps' rises, of order g²/B, are below what the sum can show (on the Pareto/NBD bench the
/// polish target is |g| ≤ 9e-4 at ln L = −891,482, where a step gains about 1e-11).
fn rising_step<M: CovariateBase>(
    objective: &Objective<'_, M>, bounds: &Bounds, theta: &[f64], step: &[f64], current: &Pass,
) -> Option<(Vec<f64>, Pass)> {
    let noise = 1e-12 * (1.0 + current.value.abs());
    let largest = |p: &Pass| p.gradient.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    let mut scale = 1.0;
    for _ in 0..10 {
        let trial: Vec<f64> = theta.iter().zip(step).map(|(t, s)| t + scale * s).collect();
        let trial = bounds.project(&trial);
        let pass = objective.pass(&trial, Curvature::OuterProducts);
        let flat = pass.value >= current.value - noise && largest(&pass) < largest(current);
        if pass.value.is_finite() && (pass.value > current.value || flat) {
            return Some((trial, pass));
        }
        scale *= 0.5;
    }
    None
}
