//! The optimiser shared by every fit.
//!
//! Models are fitted on the log of their (positive) parameters with analytic gradients, by
//! argmin's L-BFGS with a Moré–Thuente line search from one or more starting points, then polished
//! by Newton steps on the observed information. Standard errors come from the inverse of the
//! observed information on the log scale, carried to the natural scale by the delta method
//! (SE(p) = p · SE(log p)). The parameters stay in a box ([`super::bounds`]); the run ends with a
//! parameter at a bound when the likelihood keeps rising beyond it, and that fit has no standard
//! errors ([`CovarianceUnavailable::ParameterAtBound`]).
//!
//! Every loop is capped: each L-BFGS run stops after [`FitOptions::max_iterations`] iterations, the
//! Newton polish after 20 steps of at most 12 halvings, and a fit makes at most two runs per
//! start.

use std::cell::{Cell, RefCell};

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use super::bounds::Bounds;
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
    /// The bound (natural scale) each parameter sits at, if any.
    pub at_bound: Vec<Option<f64>>,
}

/// A log-likelihood over log-parameters θ (natural parameters e^θ): returns ln L and ∂ ln L / ∂θ.
/// It may return a non-finite value where the likelihood cannot be evaluated; such points are
/// rejected by the line search.
pub(crate) trait LogLikelihood {
    fn value_and_gradient(&self, log_params: &[f64]) -> (f64, Vec<f64>);

    /// The Hessian of ln L on θ, for a likelihood that has one cheaper than the 2n passes of
    /// central differences of its gradient (the covariate fits: 9 customer evaluations a row
    /// whatever n); `None` (the default) to difference the gradient.
    fn hessian(&self, _log_params: &[f64]) -> Option<Vec<Vec<f64>>> {
        None
    }
}

impl<F: Fn(&[f64]) -> (f64, Vec<f64>)> LogLikelihood for F {
    fn value_and_gradient(&self, log_params: &[f64]) -> (f64, Vec<f64>) {
        self(log_params)
    }
}

/// How far a run goes past L-BFGS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finish {
    /// The Newton polish and the covariance: every fit's result.
    Full,
    /// L-BFGS alone, no covariance: a start for another fit (the covariate fit's start, whose
    /// own scoring steps make the polish redundant; the polish and the covariance were 9 of the
    /// 27 passes of the Pareto/NBD bench's fit without covariates, 2026-12-05).
    SearchOnly,
}

/// Negative penalised log-likelihood with a one-point cache, since argmin asks for the cost and the
/// gradient at the same point separately.
struct Problem<'a, L: LogLikelihood> {
    likelihood: &'a L,
    penalty: &'a Penalty,
    /// The likelihood is evaluated at θ projected onto this box, plus ½ d² outside it.
    bounds: &'a Bounds,
    /// The optimiser sees the cost times this factor, 1 / max(1, |cost at the start|): a cost of
    /// order 1 keeps L-BFGS's first (steepest-descent, unit-length) step from leaping far out of the
    /// region where the likelihood can be evaluated.
    scale: Cell<f64>,
    cache: RefCell<Option<CachedPoint>>,
    finish: Finish,
}

/// A point θ with its cost, gradient and log-likelihood.
type CachedPoint = (Vec<f64>, f64, Vec<f64>, f64);

impl<L: LogLikelihood> Problem<'_, L> {
    fn evaluate(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        if let Some((at, cost, grad, _)) = self.cache.borrow().as_ref() {
            if at.as_slice() == theta {
                return (*cost, grad.clone());
            }
        }
        let inside = self.bounds.project(theta);
        let (ll, mut grad) = self.likelihood.value_and_gradient(&inside);
        let (penalty, penalty_grad) = self.penalty.value_and_gradient(&inside);
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
            // Outside the box the likelihood does not move with θₖ: only the exterior term does.
            let (exterior, distances) = self.bounds.exterior(theta);
            cost += exterior;
            for (g, d) in grad.iter_mut().zip(distances) {
                if d != 0.0 {
                    *g = d;
                }
            }
        }
        *self.cache.borrow_mut() = Some((theta.to_vec(), cost, grad.clone(), ll));
        (cost, grad)
    }

    /// ln L at θ (inside the box), from the cache when θ is the point last evaluated: the end of
    /// a run asks for the point its last step evaluated, and a pass of a covariate fit on 100k
    /// customers costs 0.1 s.
    fn log_likelihood(&self, theta: &[f64]) -> f64 {
        if let Some((at, _, _, ll)) = self.cache.borrow().as_ref() {
            if at.as_slice() == theta {
                return *ll;
            }
        }
        self.evaluate(theta);
        self.cache
            .borrow()
            .as_ref()
            .map_or(f64::NAN, |cached| cached.3)
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

/// Maximises `likelihood` minus `penalty` over the box `bounds` from natural-scale starts
/// (`options.initial` first, each moved into the box).
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
    likelihood: &L, penalty: &Penalty, bounds: &Bounds, starts: &[Vec<f64>], options: &FitOptions,
) -> Result<Optimum, ClvError> {
    maximize_to(likelihood, penalty, bounds, starts, options, Finish::Full)
}

/// [`maximize`], each run finished as `finish` says.
///
/// # Errors
///
/// As [`maximize`].
pub(crate) fn maximize_to<L: LogLikelihood>(
    likelihood: &L, penalty: &Penalty, bounds: &Bounds, starts: &[Vec<f64>], options: &FitOptions,
    finish: Finish,
) -> Result<Optimum, ClvError> {
    let problem = Problem {
        likelihood,
        penalty,
        bounds,
        scale: Cell::new(1.0),
        cache: RefCell::new(None),
        finish,
    };
    let mut thetas: Vec<Vec<f64>> = options
        .initial
        .iter()
        .chain(starts)
        .filter(|start| start.iter().all(|v| v.is_finite() && *v > 0.0))
        .map(|start| bounds.project(&start.iter().map(|v| v.ln()).collect::<Vec<f64>>()))
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
    let theta = problem.bounds.project(&theta);
    let (cost, _) = problem.evaluate(&theta);
    if cost == f64::MAX {
        return None;
    }
    let ll = problem.log_likelihood(&theta);
    ll.is_finite().then_some((ll, theta))
}

fn run_from<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta0: Vec<f64>, options: &FitOptions,
) -> Option<Optimum> {
    let cost_scale = scale_at(problem, &theta0)?;
    // L-BFGS brings the scaled gradient down to 1e-8 (cost of order 1); Newton steps on the
    // observed information then converge quadratically, for far fewer likelihood evaluations than
    // L-BFGS needs to reach the same precision.
    // A start for another fit stops earlier: its own steps finish the work (the last L-BFGS
    // iterations from 1e-5 to 1e-8 are passes over cheap compressed rows it would repeat).
    let tolerance = match problem.finish {
        Finish::Full => 1e-8,
        Finish::SearchOnly => 1e-5,
    };
    let (theta, iterations, reason) = lbfgs(problem, theta0, tolerance, options.max_iterations)?;
    let mut theta = problem.bounds.project(&theta);
    // Polish until the gradient is 100 times inside the convergence criterion.
    let ll_start = problem.log_likelihood(&theta);
    let polish_target = 1e-2 * options.gradient_tolerance * cost_scale * (1.0 + ll_start.abs());
    let last_hessian = match problem.finish {
        Finish::Full => newton_polish(problem, &mut theta, polish_target),
        Finish::SearchOnly => None,
    };
    let (cost, scaled_grad) = problem.evaluate(&theta);
    if cost == f64::MAX {
        return None;
    }
    // A parameter held at its bound has the maximum there: its gradient does not count.
    let held = problem.bounds.hold(&mut theta, &scaled_grad);
    let ll = problem.log_likelihood(&theta);
    let scale = 1.0 + ll.abs();
    let max_grad = scaled_grad
        .iter()
        .zip(&held)
        .filter(|(_, held)| !**held)
        .fold(0.0_f64, |m, (g, _)| m.max((g / cost_scale).abs()));
    let converged = max_grad <= options.gradient_tolerance * scale
        || (matches!(reason, Some(TerminationReason::SolverConverged)) && max_grad <= 1e-4 * scale);
    let at_bound = problem.bounds.at_bound(&theta);
    let params = problem.bounds.natural(&theta);
    let covariance = if problem.finish == Finish::SearchOnly {
        Err(CovarianceUnavailable::NotEvaluated)
    } else if at_bound.iter().any(Option::is_some) {
        Err(CovarianceUnavailable::ParameterAtBound)
    } else {
        // The Hessian of the last Newton step serves when that step was tiny (the curvature
        // moves by the step's size); otherwise it is computed afresh.
        let hessian = match last_hessian {
            Some((at, h)) if at.iter().zip(&theta).all(|(u, v)| (u - v).abs() <= 1e-4) => Some(h),
            _ => numerical_hessian(problem, &theta),
        };
        covariance_from(hessian, cost_scale, &params)
    };
    Some(Optimum {
        params,
        log_likelihood: ll,
        covariance,
        iterations,
        converged,
        at_bound,
    })
}

/// The covariance of the natural parameters from the Hessian of the scaled cost on the log
/// scale: missing when the Hessian is, not positive definite when it cannot be inverted, and
/// not finite when an entry overflows (a direction so flat, or a parameter so large, that its
/// variance exceeds f64).
fn covariance_from(
    hessian: Option<Vec<Vec<f64>>>, cost_scale: f64, params: &[f64],
) -> Result<ParameterCovariance, CovarianceUnavailable> {
    let hessian = hessian.ok_or(CovarianceUnavailable::NotEvaluated)?;
    let unscaled: Vec<Vec<f64>> = hessian
        .into_iter()
        .map(|row| row.into_iter().map(|v| v / cost_scale).collect())
        .collect();
    let inverse = invert_spd(&unscaled).ok_or(CovarianceUnavailable::NotPositiveDefinite)?;
    let covariance = natural_covariance(&inverse, params);
    let finite = covariance.matrix.iter().flatten().all(|v| v.is_finite())
        && covariance.standard_errors.iter().all(|v| v.is_finite());
    if finite {
        Ok(covariance)
    } else {
        Err(CovarianceUnavailable::NotFinite)
    }
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

/// Hessian of the negative penalised log-likelihood on the log scale: the likelihood's own
/// ([`LogLikelihood::hessian`]) when it has one and θ is inside the box, else by central
/// differences of the analytic gradient, symmetrised.
fn numerical_hessian<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta: &[f64],
) -> Option<Vec<Vec<f64>>> {
    if let Some(h) = likelihood_hessian(problem, theta) {
        return Some(h);
    }
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
    symmetrise(&mut h);
    Some(h)
}

/// The Hessian of the scaled cost from the likelihood's own Hessian and central differences of
/// the penalty's gradient (no likelihood pass); `None` outside the box, where the exterior term
/// counts, or when the likelihood has none or it is not finite.
fn likelihood_hessian<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta: &[f64],
) -> Option<Vec<Vec<f64>>> {
    if problem.bounds.project(theta) != theta {
        return None;
    }
    let mut h = problem.likelihood.hessian(theta)?;
    let scale = problem.scale.get();
    for j in 0..theta.len() {
        let step = 1e-5 * (1.0 + theta[j].abs());
        let (mut plus, mut minus) = (theta.to_vec(), theta.to_vec());
        plus[j] += step;
        minus[j] -= step;
        let (_, up) = problem.penalty.value_and_gradient(&plus);
        let (_, down) = problem.penalty.value_and_gradient(&minus);
        for (i, row) in h.iter_mut().enumerate() {
            row[j] = scale * ((up[i] - down[i]) / (2.0 * step) - row[j]);
        }
    }
    symmetrise(&mut h);
    h.iter().flatten().all(|v| v.is_finite()).then_some(h)
}

/// Replaces h and its transpose by their mean.
#[allow(clippy::needless_range_loop)] // symmetric access h[i][j] and h[j][i]
fn symmetrise(h: &mut [Vec<f64>]) {
    for i in 0..h.len() {
        for j in 0..i {
            let avg = 0.5 * (h[i][j] + h[j][i]);
            h[i][j] = avg;
            h[j][i] = avg;
        }
    }
}

/// A few Newton steps with step halving: L-BFGS stops where its curvature estimate does, and the
/// parameters in flat directions (Pareto/NBD's β) need the exact curvature to reach the maximum.
/// A parameter held at its bound ([`Bounds::hold`]) is not moved, and a step is projected onto
/// the box. Returns the last Hessian computed, with the point it was computed at.
fn newton_polish<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta: &mut Vec<f64>, target_gradient: f64,
) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
    let mut last: Option<(Vec<f64>, Vec<Vec<f64>>)> = None;
    for _ in 0..20 {
        let (_, grad) = problem.evaluate(theta);
        let held = problem.bounds.hold(theta, &grad);
        let (cost, mut grad) = problem.evaluate(theta);
        for (g, _) in grad.iter_mut().zip(&held).filter(|(_, held)| **held) {
            *g = 0.0;
        }
        if grad.iter().all(|g| g.abs() <= target_gradient) {
            return last;
        }
        let mut h = numerical_hessian(problem, theta)?;
        last = Some((theta.clone(), h.clone()));
        // The held parameters' rows and columns become the identity: their step is 0.
        for k in (0..held.len()).filter(|&k| held[k]) {
            h.iter_mut().for_each(|row| row[k] = 0.0);
            h[k].fill(0.0);
            h[k][k] = 1.0;
        }
        let Some(step) = solve_spd(&h, &grad) else {
            return last;
        };
        if !halving_step(problem, theta, &step, cost) || step.iter().all(|s| s.abs() < 1e-12) {
            return last;
        }
    }
    last
}

/// Moves θ by −`step`, halved up to 12 times until the cost falls below `cost`, projected onto
/// the box; whether it moved.
fn halving_step<L: LogLikelihood>(
    problem: &Problem<'_, L>, theta: &mut Vec<f64>, step: &[f64], cost: f64,
) -> bool {
    let mut scale = 1.0;
    for _ in 0..12 {
        let trial: Vec<f64> = theta.iter().zip(step).map(|(t, s)| t - scale * s).collect();
        let trial = problem.bounds.project(&trial);
        if problem.evaluate(&trial).0 < cost {
            *theta = trial;
            return true;
        }
        scale *= 0.5;
    }
    false
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
            &Bounds::parameter_range(2),
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

    /// ln L = 3 ln p₁ − (ln p₂ − 2)²: rising in p₁ without end, a maximum at p₂ = e². The
    /// optimum holds p₁ at 10¹⁰ exactly (converged, no covariance) and finds p₂ from any start,
    /// even one far outside the box.
    #[test]
    fn a_likelihood_rising_past_the_box_stops_at_its_bound() {
        let ll = |theta: &[f64]| {
            let d = theta[1] - 2.0;
            (3.0 * theta[0] - d * d, vec![3.0, -2.0 * d])
        };
        for start in [vec![1.0, 1.0], vec![1e300, 1e-300], vec![5e-324, f64::MAX]] {
            let opt = maximize(
                &ll,
                &Penalty::none(2),
                &Bounds::parameter_range(2),
                std::slice::from_ref(&start),
                &FitOptions::default(),
            )
            .unwrap();
            assert!(opt.converged, "{start:?}");
            assert_eq!(opt.params[0], crate::clv::MAX_PARAMETER);
            // To the convergence criterion: |∂ ln L/∂θ₂| ≤ 10⁻⁷ (1 + |ln L|) ≈ 7 · 10⁻⁶.
            assert!(
                (opt.params[1] / 2f64.exp()).ln().abs() < 4e-6,
                "{:?}",
                opt.params
            );
            assert_eq!(opt.at_bound, vec![Some(crate::clv::MAX_PARAMETER), None]);
            assert_eq!(opt.covariance, Err(CovarianceUnavailable::ParameterAtBound));
        }
    }

    #[test]
    fn a_likelihood_that_cannot_be_evaluated_is_a_numerical_failure() {
        let ll = |_: &[f64]| (f64::NAN, vec![0.0]);
        let err = maximize(
            &ll,
            &Penalty::none(1),
            &Bounds::parameter_range(1),
            &[vec![1.0]],
            &FitOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, ClvError::NumericalFailure { .. }));
    }
}
