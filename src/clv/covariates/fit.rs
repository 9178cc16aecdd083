//! The covariate fit: the fit without covariates, then the joint maximum over the base
//! log-parameters and the coefficients from there, by scoring steps and then the optimiser
//! every fit shares.

use std::marker::PhantomData;

use super::likelihood::{CovariateBase, Design};
use super::scoring::{score, Objective};
use super::{CovariateOptions, Covariates, WithCovariates};
use crate::clv::fit::engine::{
    maximize, search_start, Bounds, LifetimesObjective, Optimum, Penalty,
};
use crate::clv::fit::warnings::{bound_warnings, covariance_warnings};
use crate::clv::{check_length, ClvError, FitData, FitOptions, FitWarning, ModelFit};
use crate::clv::{ParameterCovariance, RepeatHistory};
use crate::settings::Settings;

impl<M: CovariateBase> WithCovariates<M> {
    /// Fits the model by maximum likelihood: customer i has history `histories[i]`, purchase
    /// covariates `purchase.row(i)` and drop-out covariates `dropout.row(i)` (use
    /// [`Covariates::none`] for a process without any). Identical (history, covariates) rows are
    /// merged. The fit without covariates runs first (with `options.fit`, to the optimum of its
    /// L-BFGS search: no polish, no standard errors, as it is only a start); from its optimum and
    /// γ = 0, BHHH scoring steps and then the shared optimiser maximise ln L − λ Σ γ² over
    /// (ln r, ln α₀, ln s or ln a₀, ln β₀ or ln b₀, γ), with the analytic gradient, each γ in
    /// [−23.03, 23.03] (e^γ within [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
    /// [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]); the standard errors come from the
    /// Hessian summed over the customers (each by differences of its own analytic gradient).
    ///
    /// The result's parameters are the four base ones, then the coefficients named
    /// `"parameter:covariate"` (e.g. `"alpha:gender"`); its covariance is that of (r, α₀, s, β₀)
    /// on their natural scale and of γ as they are; its log-likelihood is without the penalty.
    /// Without covariate columns the result is the fit without covariates.
    ///
    /// # Errors
    ///
    /// - the errors of [`CovariateOptions::check`], before any work;
    /// - [`ClvError::EmptyInput`] for no histories, and [`ClvError::LengthMismatch`] naming
    ///   `purchase` or `dropout` when a matrix has another number of rows than there are histories;
    /// - the errors of the fit without covariates ([`crate::clv::MaximumLikelihood::fit`]);
    /// - [`ClvError::NotConverged`] when the covariate fit does not converge (unless
    ///   `accept_unconverged`), and [`ClvError::NumericalFailure`] when its likelihood cannot be
    ///   evaluated at the start.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, CovariateOptions, Covariates, ParetoNbdWithCovariates,
    ///     RepeatHistory};
    /// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(3.0, 20.0, 30.0)?];
    /// let z = Covariates::from_rows(&["vip"], &[vec![0.0]])?;
    /// let fit = ParetoNbdWithCovariates::fit(&rows, &z, &Covariates::none(2), &CovariateOptions::default());
    /// assert!(matches!(fit, Err(ClvError::LengthMismatch { name: "purchase", expected: 2, found: 1 })));
    /// # Ok::<(), ClvError>(())
    /// ```
    pub fn fit(
        histories: &[RepeatHistory], purchase: &Covariates, dropout: &Covariates,
        options: &CovariateOptions,
    ) -> Result<ModelFit<Self>, ClvError> {
        options.check()?;
        if histories.is_empty() {
            return Err(ClvError::EmptyInput);
        }
        check_length("purchase", histories.len(), purchase.rows())?;
        check_length("dropout", histories.len(), dropout.rows())?;
        if purchase.columns() + dropout.columns() == 0 {
            let base_fit = M::fit(histories, &options.fit)?;
            let unmoved = Self::new(base_fit.model, &[], &[], &[], &[])?;
            return Ok(with_model(base_fit, unmoved));
        }
        // Only a start: the scoring steps and the optimiser below polish the joint maximum.
        let start = search_start::<M>(histories.into(), &options.fit)?;
        let (purchase_names, dropout_names) = (names(purchase), names(dropout));
        let design = Design::new(M::LINKS, histories, purchase, dropout);
        let optimum = optimise::<M>(&design, &start, options)?;
        let parameters = design.parameters();
        // The optimiser's natural scale is e^θ: γ = ln of its value.
        let gamma: Vec<f64> = optimum.params[4..].iter().map(|v| v.ln()).collect();
        let base = M::from_parameters(&optimum.params[..4])?;
        let (zp, zd) = gamma.split_at(purchase.columns() * purchase_links::<M>());
        let model = Self::new(base, &purchase_names, zp, &dropout_names, zd)?;
        let squares: f64 = gamma.iter().map(|g| g * g).sum();
        let parameter_names = parameter_names(&model);
        let mut values = optimum.params[..4].to_vec();
        values.extend(&gamma);
        let covariance = optimum
            .covariance
            .clone()
            .map(|c| on_gamma_scale(c, &optimum.params));
        let mut warnings = M::fit_warnings(&FitData::new(histories), &base);
        warnings.extend(at_bound_warnings(&parameter_names, &values, &optimum));
        let names_ref: Vec<&str> = parameter_names[..4].iter().map(String::as_str).collect();
        warnings.extend(covariance_warnings(&names_ref, &values[..4], &covariance));
        debug_assert_eq!(values.len(), parameters);
        Ok(ModelFit {
            model,
            parameter_names,
            // The optimum's is of the penalised objective: the penalty added back, not another
            // pass over the rows.
            log_likelihood: optimum.log_likelihood + options.covariate_penalty * squares,
            iterations: optimum.iterations,
            converged: optimum.converged,
            observations: histories.len() as f64,
            covariance,
            diagnostics: (),
            warnings,
        })
    }
}

/// The number of links on the purchase process.
fn purchase_links<M: CovariateBase>() -> usize {
    (M::LINKS.iter())
        .filter(|l| l.process == super::Process::Purchase)
        .count()
}

fn names(z: &Covariates) -> Vec<&str> {
    z.names().iter().map(String::as_str).collect()
}

/// The base names, then `"parameter:covariate"` for every coefficient.
fn parameter_names<M: CovariateBase>(model: &WithCovariates<M>) -> Vec<String> {
    let base = M::PARAMETER_NAMES.iter().map(|n| n.to_string());
    let coefficients = model.effects().iter().flat_map(|effect| {
        (effect.covariates.iter()).map(move |name| format!("{}:{name}", effect.parameter))
    });
    base.chain(coefficients).collect()
}

/// The fit without covariates, as the covariate model's.
fn with_model<M: CovariateBase>(
    fit: ModelFit<M>, model: WithCovariates<M>,
) -> ModelFit<WithCovariates<M>> {
    ModelFit {
        model,
        parameter_names: fit.parameter_names,
        log_likelihood: fit.log_likelihood,
        iterations: fit.iterations,
        converged: fit.converged,
        observations: fit.observations,
        covariance: fit.covariance,
        diagnostics: (),
        warnings: fit.warnings,
    }
}

/// Maximises the penalised log-likelihood from the fit without covariates and γ = 0: scoring
/// steps ([`score`]) to the optimiser's polish target, then the shared optimiser, which checks
/// convergence and takes the Hessian for the covariance from the rows ([`Objective`]).
fn optimise<M: CovariateBase>(
    design: &Design, start: &M, options: &CovariateOptions,
) -> Result<Optimum, ClvError> {
    let objective = Objective::<M> {
        design,
        lambda: options.covariate_penalty,
        model: PhantomData,
    };
    let parameters = design.parameters();
    // The optimiser's own penalty stays off: λ is in the objective.
    let unpenalised = FitOptions {
        penalizer: 0.0,
        initial: None,
        ..options.fit.clone()
    };
    let penalty = Penalty::new(
        &unpenalised,
        || LifetimesObjective::mean(1.0, parameters),
        vec![0.0; parameters],
    );
    let mut theta: Vec<f64> = start.parameters().iter().map(|v| v.ln()).collect();
    theta.resize(parameters, 0.0);
    // The optimiser's Newton polish stops at 1e-2 of the convergence criterion.
    let theta = score(&objective, theta, 1e-2 * options.fit.gradient_tolerance);
    let first: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
    let bounds = Bounds::parameter_range(parameters);
    maximize(&objective, &penalty, &bounds, &[first], &unpenalised)
}

/// The optimiser's covariance is of e^θ for every parameter; the coefficients' is of θ = γ:
/// Cov(γᵢ, γⱼ) = Cov(e^γᵢ, e^γⱼ) / (e^γᵢ e^γⱼ) (the delta method undone).
fn on_gamma_scale(mut c: ParameterCovariance, natural: &[f64]) -> ParameterCovariance {
    let scale: Vec<f64> = (0..natural.len())
        .map(|k| if k < 4 { 1.0 } else { natural[k] })
        .collect();
    for (i, row) in c.matrix.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v /= scale[i] * scale[j];
        }
    }
    c.standard_errors = (0..natural.len()).map(|k| c.matrix[k][k].sqrt()).collect();
    c
}

/// [`FitWarning::ParameterAtBound`] for the base parameters and the coefficients (their bound
/// as γ = ln of the optimiser's).
fn at_bound_warnings(names: &[String], values: &[f64], optimum: &Optimum) -> Vec<FitWarning> {
    let bounds: Vec<Option<f64>> = (optimum.at_bound.iter().enumerate())
        .map(|(k, b)| b.map(|b| if k < 4 { b } else { b.ln() }))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    bound_warnings(&names, values, &bounds)
}
