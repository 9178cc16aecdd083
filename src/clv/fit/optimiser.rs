//! The optimiser shared by every fit.
//!
//! Models are fitted on the log of their (positive) parameters with analytic gradients, by
//! argmin's L-BFGS with a Moré–Thuente line search from one or more starting points, then polished
//! by Newton steps on the observed information. Standard errors come from the inverse of the
//! observed information on the log scale, carried to the natural scale by the delta method
//! (SE(p) = p · SE(log p)).

use std::cell::{Cell, RefCell};

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use super::penalty::Penalty;
use super::{CovarianceUnavailable, FitOptions, ParameterCovariance};
use crate::clv::ClvError;
use crate::numeric::linalg::{invert_spd, solve_spd};

/// The optimum found by [`maximize`], on the log-parameter scale.
#[derive(Debug, Clone)]
pub(crate) struct Optimum {
    /// Natural-scale parameters.
    pub params: Vec<f64>,
    /// Log-likelihood at `params` (penalty excluded).
    pub log_likelihood: f64,
    pub covariance: Result<ParameterCovariance, CovarianceUnavailable>,
    pub iterations: u64,
    pub converged: bool,
}

/// A log-likelihood over log-parameters θ (natural parameters e^θ): returns ln L and ∂ ln L / ∂θ.
/// It may return a non-finite value where the likelihood cannot be evaluated; such points are
/// rejected by the line search.
pub(crate) trait LogLikelihood {
    fn value_and_gradient(&self, log_params: &[f64]) -> (f64, Vec<f64>);
}

impl<F: Fn(&[f64]) -> (f64, Vec<f64>)> LogLikelihood for F {
    fn value_and_gradient(&self, log_params: &[f64]) -> (f64, Vec<f64>) {
        self(log_params)
    }
}

/// Negative penalised log-likelihood with a one-point cache, since argmin asks for the cost and the
/// gradient at the same point separately.
struct Problem<'a, L: LogLikelihood> {
    likelihood: &'a L,
    penalty: &'a Penalty,
    /// The optimiser sees the cost times this factor, 1 / max(1, |cost at the start|): a cost of
    /// order 1 keeps L-BFGS's first (steepest-descent, unit-length) step from leaping far out of the
    /// region where the likelihood can be evaluated.
    scale: Cell<f64>,
    cache: RefCell<Option<CachedPoint>>,
}

/// A point θ with its cost and gradient.
type CachedPoint = (Vec<f64>, f64, Vec<f64>);

impl<L: LogLikelihood> Problem<'_, L> {
    fn evaluate(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        if let Some((at, cost, grad)) = self.cache.borrow().as_ref() {
            if at.as_slice() == theta {
                return (*cost, grad.clone());
            }
        }
        let (ll, mut grad) = self.likelihood.value_and_gradient(theta);
        let (penalty, penalty_grad) = self.penalty.value_and_gradient(theta);
        let mut cost = penalty - ll;
        for (g, pg) in grad.iter_mut().zip(penalty_grad) {
            *g = pg - *g;
        }
        if !cost.is_finite() || grad.iter().any(|g| !g.is_finite()) {
            // Steer the line search away without poisoning L-BFGS's curvature pairs.
            cost = f64::MAX;
            grad.iter_mut().for_each(|g| *g = 0.0);
        } else {
            let scale = self.scale.get();
            cost *= scale;
            grad.iter_mut().for_each(|g| *g *= scale);
        }
        *self.cache.borrow_mut() = Some((theta.to_vec(), cost, grad.clone()));
        (cost, grad)
    }
}

impl<L: LogLikelihood> CostFunction for &Problem<'_, L> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Self::Param) -> Result<f64, argmin::core::Error> {
        Ok(self.evaluate(theta).0)
    }
}

impl<L: LogLikelihood> Gradient for &Problem<'_, L> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, theta: &Self::Param) -> Result<Vec<f64>, argmin::core::Error> {
        Ok(self.evaluate(theta).1)
    }
}

/// Maximises `likelihood` minus `penalty` from natural-scale starts (`options.initial` first).
///
/// With one start, that start is run to convergence and polished. With several, each is first
/// screened by a short L-BFGS run (scaled gradient down to [`SCREEN_GRADIENT`]); then the screened
/// points are run to full convergence from the best log-likelihood down, stopping at the first that
/// converges. Starts that lead to the same maximum thus cost one full run, not one each, while a
/// start that finds a higher maximum still wins. A start whose run fails or whose likelihood is not
/// finite is skipped.
///
/// # Errors
///
/// [`ClvError::NotConverged`] when no start converged (unless `options.accept_unconverged`), and
/// [`ClvError::NumericalFailure`] when no start could be evaluated at all.
pub(crate) fn maximize<L: LogLikelihood>(
    likelihood: &L, penalty: &Penalty, starts: &[Vec<f64>], options: &FitOptions,
) -> Result<Optimum, ClvError> {
    let problem = Problem {
        likelihood,
        penalty,
        scale: Cell::new(1.0),
        cache: RefCell::new(None),
    };
    let mut thetas: Vec<Vec<f64>> = options
        .initial
        .iter()
        .chain(starts)
        .filter(|start| start.iter().all(|v| v.is_finite() && *v > 0.0))
        .map(|start| start.iter().map(|v| v.ln()).collect())
        .collect();
    if thetas.len() > 1 {
        let mut screened: Vec<(f64, Vec<f64>)> = thetas
            .iter()
            .filter_map(|theta0| screen_from(&problem, theta0.clone(), options))
            .collect();
        // Highest log-likelihood first; the earlier start on ties (stable sort).
        screened.sort_by(|a, b| b.0.total_cmp(&a.0));
        thetas = screened.into_iter().map(|(_, theta)| theta).collect();
    }
    let mut best: Option<Optimum> = None;
    for theta0 in thetas {
        let Some(candidate) = run_from(&problem, theta0, options) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some(b) => {
                (candidate.converged && !b.converged)
                    || (candidate.converged == b.converged
                        && candidate.log_likelihood > b.log_likelihood + 1e-9)
            }
        };
        let converged = candidate.converged;
        if better {
            best = Some(candidate);
        }
        if converged {
            break;
        }
    }
    let best = best.ok_or(ClvError::NumericalFailure {
        what: "the log-likelihood could not be evaluated at any starting point",
    })?;
    if !best.converged && !options.accept_unconverged {
        return Err(ClvError::NotConverged {
            iterations: best.iterations,
            log_likelihood: best.log_likelihood,
        });
    }
    Ok(best)
}

/// The scaled gradient (cost of order 1) at which a screening run stops.
const SCREEN_GRADIENT: f64 = 1e-3;

/// Sets the cost scale for a run from `theta0`: 1 / max(1, |cost at the start|). `None` when the
/// likelihood cannot be evaluated there.
fn scale_at<L: LogLikelihood>(problem: &Problem<'_, L>, theta0: &[f64]) -> Option<f64> {
    problem.scale.set(1.0);
    *problem.cache.borrow_mut() = None;
    let (cost0, _) = problem.evaluate(theta0);
    if cost0 == f64::MAX {
        return None;
    }
    let cost_scale = 1.0 / cost0.abs().max(1.0);
    problem.scale.set(cost_scale);
    *problem.cache.borrow_mut() = None;
    Some(cost_scale)
}

/// L-BFGS with a Moré–Thuente line search from `theta0` down to the scaled gradient `tolerance`:
/// the best point, the iterations and why it stopped (`None` when the line search failed, which
/// usually means the optimum up to rounding).
fn lbfgs<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta0: Vec<f64>, tolerance: f64, max_iterations: u64,
) -> Option<(Vec<f64>, u64, Option<TerminationReason>)> {
    let linesearch = MoreThuenteLineSearch::new();
    let solver = LBFGS::new(linesearch, 10)
        .with_tolerance_grad(tolerance)
        .ok()?
        .with_tolerance_cost(1e-14)
        .ok()?;
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(theta0.clone()).max_iters(max_iterations))
        .run();
    Some(match result {
        Ok(res) => {
            let state = res.state();
            let theta = state.get_best_param().cloned().unwrap_or(theta0);
            let reason = match state.get_termination_status() {
                TerminationStatus::Terminated(r) => Some(r.clone()),
                TerminationStatus::NotTerminated => None,
            };
            (theta, state.get_iter(), reason)
        }
        Err(_) => (theta0, 0, None),
    })
}

/// A short run from `theta0`: the log-likelihood reached and the point, for ranking starts.
fn screen_from<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta0: Vec<f64>, options: &FitOptions,
) -> Option<(f64, Vec<f64>)> {
    scale_at(problem, &theta0)?;
    let (theta, _, _) = lbfgs(problem, theta0, SCREEN_GRADIENT, options.max_iterations)?;
    let (cost, _) = problem.evaluate(&theta);
    if cost == f64::MAX {
        return None;
    }
    let ll = problem.likelihood.value_and_gradient(&theta).0;
    ll.is_finite().then_some((ll, theta))
}

fn run_from<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta0: Vec<f64>, options: &FitOptions,
) -> Option<Optimum> {
    let cost_scale = scale_at(problem, &theta0)?;
    // L-BFGS brings the scaled gradient down to 1e-8 (cost of order 1); Newton steps on the
    // observed information then converge quadratically, for far fewer likelihood evaluations than
    // L-BFGS needs to reach the same precision.
    let (mut theta, iterations, reason) = lbfgs(problem, theta0, 1e-8, options.max_iterations)?;
    // Polish until the gradient is 100 times inside the convergence criterion.
    let ll_start = problem.likelihood.value_and_gradient(&theta).0;
    let polish_target = 1e-2 * options.gradient_tolerance * cost_scale * (1.0 + ll_start.abs());
    let last_hessian = newton_polish(problem, &mut theta, polish_target);
    let (cost, scaled_grad) = problem.evaluate(&theta);
    if cost == f64::MAX {
        return None;
    }
    let grad: Vec<f64> = scaled_grad.iter().map(|g| g / cost_scale).collect();
    let ll = problem.likelihood.value_and_gradient(&theta).0;
    let scale = 1.0 + ll.abs();
    let max_grad = grad.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    let converged = max_grad <= options.gradient_tolerance * scale
        || (matches!(reason, Some(TerminationReason::SolverConverged)) && max_grad <= 1e-4 * scale);
    // The Hessian of the last Newton step serves for the standard errors when that step was tiny
    // (the curvature moves by the step's size); otherwise it is computed afresh.
    let hessian = match last_hessian {
        Some((at, h)) if at.iter().zip(&theta).all(|(u, v)| (u - v).abs() <= 1e-4) => Some(h),
        _ => numerical_hessian(problem, &theta),
    }
    .map(|h| {
        h.into_iter()
            .map(|row| row.into_iter().map(|v| v / cost_scale).collect())
            .collect::<Vec<Vec<f64>>>()
    });
    let params: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
    let covariance = match hessian {
        None => Err(CovarianceUnavailable::NotEvaluated),
        Some(h) => invert_spd(&h)
            .map(|c| natural_covariance(&c, &params))
            .ok_or(CovarianceUnavailable::NotPositiveDefinite),
    };
    Some(Optimum {
        params,
        log_likelihood: ll,
        covariance,
        iterations,
        converged,
    })
}

/// The covariance of the natural-scale parameters from that of their logarithms (delta method).
fn natural_covariance(covariance_log: &[Vec<f64>], params: &[f64]) -> ParameterCovariance {
    let matrix: Vec<Vec<f64>> = (0..params.len())
        .map(|i| {
            (0..params.len())
                .map(|j| covariance_log[i][j] * params[i] * params[j])
                .collect()
        })
        .collect();
    let standard_errors = (0..params.len()).map(|i| matrix[i][i].sqrt()).collect();
    ParameterCovariance {
        matrix,
        standard_errors,
    }
}

/// Hessian of the negative penalised log-likelihood on the log scale, by central differences of
/// the analytic gradient, symmetrised.
fn numerical_hessian<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta: &[f64],
) -> Option<Vec<Vec<f64>>> {
    let n = theta.len();
    let mut h = vec![vec![0.0; n]; n];
    for j in 0..n {
        let step = 1e-5 * (1.0 + theta[j].abs());
        let mut plus = theta.to_vec();
        plus[j] += step;
        let mut minus = theta.to_vec();
        minus[j] -= step;
        let (cp, gp) = problem.evaluate(&plus);
        let (cm, gm) = problem.evaluate(&minus);
        if cp == f64::MAX || cm == f64::MAX {
            return None;
        }
        for i in 0..n {
            h[i][j] = (gp[i] - gm[i]) / (2.0 * step);
        }
    }
    #[allow(clippy::needless_range_loop)] // symmetric access h[i][j] and h[j][i]
    for i in 0..n {
        for j in 0..i {
            let avg = 0.5 * (h[i][j] + h[j][i]);
            h[i][j] = avg;
            h[j][i] = avg;
        }
    }
    Some(h)
}

/// A few Newton steps with step halving: L-BFGS stops where its curvature estimate does, and the
/// parameters in flat directions (Pareto/NBD's β) need the exact curvature to reach the maximum.
/// Returns the last Hessian computed, with the point it was computed at.
fn newton_polish<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta: &mut Vec<f64>, target_gradient: f64,
) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
    let mut last: Option<(Vec<f64>, Vec<Vec<f64>>)> = None;
    for _ in 0..20 {
        let (cost, grad) = problem.evaluate(theta);
        if grad.iter().all(|g| g.abs() <= target_gradient) {
            return last;
        }
        let h = numerical_hessian(problem, theta)?;
        let step = solve_spd(&h, &grad);
        last = Some((theta.clone(), h));
        let Some(step) = step else {
            return last;
        };
        let mut scale = 1.0;
        let mut improved = false;
        for _ in 0..12 {
            let trial: Vec<f64> = theta
                .iter()
                .zip(&step)
                .map(|(t, s)| t - scale * s)
                .collect();
            let (trial_cost, _) = problem.evaluate(&trial);
            if trial_cost < cost {
                *theta = trial;
                improved = true;
                break;
            }
            scale *= 0.5;
        }
        if !improved || step.iter().all(|s| s.abs() < 1e-12) {
            return last;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A normal sample's likelihood in (μ, σ) with μ > 0: the MLE is the sample mean and the
    /// (biased) standard deviation, known in closed form.
    #[test]
    fn maximize_finds_the_normal_mle_and_its_standard_errors() {
        let data = [4.0, 5.5, 6.0, 7.5, 3.0, 5.0];
        let n = data.len() as f64;
        let mean = data.iter().sum::<f64>() / n;
        let var = data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        let ll = |theta: &[f64]| {
            let (mu, sigma) = (theta[0].exp(), theta[1].exp());
            let ss: f64 = data.iter().map(|x| (x - mu).powi(2)).sum();
            let value = -n * sigma.ln() - ss / (2.0 * sigma * sigma);
            let d_mu = data.iter().map(|x| x - mu).sum::<f64>() / (sigma * sigma);
            let d_sigma = -n / sigma + ss / sigma.powi(3);
            (value, vec![d_mu * mu, d_sigma * sigma])
        };
        let opt = maximize(
            &ll,
            &Penalty::none(2),
            &[vec![1.0, 1.0]],
            &FitOptions::default(),
        )
        .unwrap();
        assert!(opt.converged);
        assert!((opt.params[0] - mean).abs() < 1e-8, "{:?}", opt.params);
        assert!((opt.params[1] - var.sqrt()).abs() < 1e-8);
        let se = opt.covariance.unwrap().standard_errors;
        // Observed information of the normal: SE(μ) = σ/√n, SE(σ) = σ/√(2n).
        assert!((se[0] - var.sqrt() / n.sqrt()).abs() < 1e-5, "{se:?}");
        assert!((se[1] - var.sqrt() / (2.0 * n).sqrt()).abs() < 1e-5);
    }

    #[test]
    fn a_likelihood_that_cannot_be_evaluated_is_a_numerical_failure() {
        let ll = |_: &[f64]| (f64::NAN, vec![0.0]);
        let err =
            maximize(&ll, &Penalty::none(1), &[vec![1.0]], &FitOptions::default()).unwrap_err();
        assert!(matches!(err, ClvError::NumericalFailure { .. }));
    }
}
