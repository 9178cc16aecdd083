//! The one result of every fit: the model with what a caller needs to judge it.

use super::FitWarning;
use crate::clv::diagnostics::delta_method_interval;
use crate::clv::{ClvError, MaximumLikelihood, PurchaseModel, RepeatHistory};
use crate::Interval;

/// A fitted model with its diagnostics, as every [`MaximumLikelihood::fit`] returns it.
///
/// `D` holds what only one model reports ([`crate::clv::SpendDiagnostics`] for Gamma-Gamma, `()`
/// for the others). The struct is `#[non_exhaustive]`: later versions may add fields.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgNbd, FitOptions, MaximumLikelihood, ModelFit, RepeatHistory};
/// let data = [
///     RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
///     RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?,
///     RepeatHistory::new(0.0, 0.0, 25.0)?, RepeatHistory::new(3.0, 10.0, 25.0)?,
/// ];
/// let fit = BgNbd::fit(&data, &FitOptions::default())?;
/// assert_eq!(fit.parameter_names, ["r", "alpha", "a", "b"]);
/// assert!(fit.converged && fit.observations == 6.0);
/// // Cautions about the optimum, each in words (empty for a well-identified interior optimum).
/// for warning in &fit.warnings {
///     assert!(!warning.to_string().is_empty());
/// }
/// assert_eq!(fit.aic(), 2.0 * 4.0 - 2.0 * fit.log_likelihood);
/// // With the `serde` feature (on by default) a fit is saved and read back whole.
/// let json = serde_json::to_string(&fit).expect("a fit serializes");
/// let back: ModelFit<BgNbd> = serde_json::from_str(&json).expect("and deserializes");
/// assert_eq!(back.parameter_names, fit.parameter_names);
/// assert_eq!((back.observations, back.converged), (6.0, true));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ModelFit<M, D = ()> {
    /// The model at the maximum-likelihood parameters.
    pub model: M,
    /// The parameters' names as the papers write them, in the model's parameter order (that of
    /// the standard errors and the covariance).
    pub parameter_names: Vec<String>,
    /// The maximised log-likelihood (without the penalty).
    pub log_likelihood: f64,
    /// L-BFGS iterations of the run kept.
    pub iterations: u64,
    /// Whether the optimiser met the convergence criterion.
    pub converged: bool,
    /// Number of observations (the sum of the weights of the rows the likelihood used).
    pub observations: f64,
    /// The covariance of the natural-scale parameters with their standard errors, or why it is
    /// missing.
    pub covariance: Result<ParameterCovariance, CovarianceUnavailable>,
    /// What only this model reports (`()` for most).
    pub diagnostics: D,
    /// Cautions about the optimum: a drop-out process the data cannot identify, missing standard
    /// errors and why, parameters the data do not pin down (criteria in
    /// [`crate::clv::fit::warnings`]). Empty for a well-identified interior optimum. Fits saved
    /// before this field existed read back with none.
    #[cfg_attr(feature = "serde", serde(default))]
    pub warnings: Vec<FitWarning>,
}

/// The covariance of the natural-scale parameters: the inverse observed information on the log
/// scale carried over by the delta method (Cov(p_i, p_j) = p_i p_j Cov(ln p_i, ln p_j)).
///
/// # Examples
///
/// See [`ModelFit::standard_errors`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParameterCovariance {
    /// The covariance matrix, in the model's parameter order.
    pub matrix: Vec<Vec<f64>>,
    /// The square roots of its diagonal.
    pub standard_errors: Vec<f64>,
}

/// Why a fit has no standard errors.
///
/// # Examples
///
/// ```
/// use customer_value::clv::CovarianceUnavailable;
/// let reason = CovarianceUnavailable::NotPositiveDefinite;
/// assert!(reason.to_string().contains("positive definite"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CovarianceUnavailable {
    /// The observed information is singular or not positive definite at the optimum: a flat
    /// direction of the likelihood, a parameter at the edge of its range, or an optimum not reached.
    #[error("the observed information is singular or not positive definite at the optimum")]
    NotPositiveDefinite,
    /// The log-likelihood could not be evaluated next to the optimum, so neither could its
    /// curvature.
    #[error("the observed information could not be evaluated at the optimum")]
    NotEvaluated,
    /// A parameter sits at a bound of the fit's range (see
    /// [`FitWarning::ParameterAtBound`]): the likelihood still rises beyond it, so the curvature
    /// there says nothing about how well the data pin it down.
    #[error("a parameter sits at a bound of the fit's range, where the likelihood still rises")]
    ParameterAtBound,
    /// The covariance overflows f64: a direction of the likelihood is so flat, or a parameter so
    /// large, that a variance exceeds the largest float.
    #[error("the covariance is not finite (a variance overflows f64): a direction of the likelihood is all but flat")]
    NotFinite,
}

impl<M, D> ModelFit<M, D> {
    /// The standard errors in the model's parameter order, `None` when the covariance is missing.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{FitOptions, MaximumLikelihood, ShiftedBetaGeometric, ContractOutcome};
    /// let data = [ContractOutcome::Churned { period: 1 }, ContractOutcome::Churned { period: 2 },
    ///             ContractOutcome::Active { periods: 3 }];
    /// let fit = ShiftedBetaGeometric::fit(&data, &FitOptions::default())?;
    /// let se = fit.standard_errors().expect("a positive definite information");
    /// assert_eq!(se.len(), 2);
    /// assert_eq!(se[0], fit.covariance.as_ref().map(|c| c.matrix[0][0].sqrt()).unwrap_or(0.0));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn standard_errors(&self) -> Option<&[f64]> {
        self.covariance
            .as_ref()
            .ok()
            .map(|c| c.standard_errors.as_slice())
    }

    /// The covariance, or [`ClvError::NoCovariance`] naming the fit as `model` with the reason it
    /// is missing.
    pub(crate) fn covariance_or_error(
        &self, model: &'static str,
    ) -> Result<&ParameterCovariance, ClvError> {
        self.covariance
            .as_ref()
            .map_err(|&reason| ClvError::NoCovariance { model, reason })
    }

    /// Number of free parameters.
    ///
    /// # Examples
    ///
    /// See [`ModelFit::aic`].
    pub fn parameter_count(&self) -> usize {
        self.parameter_names.len()
    }

    /// Akaike's information criterion, 2k − 2 ln L, with k = [`ModelFit::parameter_count`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ContractOutcome, FitData, FitOptions, MaximumLikelihood, ShiftedBetaGeometric};
    /// let data = [ContractOutcome::Churned { period: 1 }, ContractOutcome::Active { periods: 2 }];
    /// let fit = ShiftedBetaGeometric::fit(FitData::weighted(&data, &[30.0, 70.0])?, &FitOptions::default())?;
    /// assert_eq!(fit.parameter_count(), 2);
    /// assert_eq!(fit.aic(), 4.0 - 2.0 * fit.log_likelihood);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn aic(&self) -> f64 {
        2.0 * self.parameter_count() as f64 - 2.0 * self.log_likelihood
    }

    /// Schwarz's Bayesian information criterion, k ln n − 2 ln L, with n the observations.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ContractOutcome, FitData, FitOptions, MaximumLikelihood, ShiftedBetaGeometric};
    /// let data = [ContractOutcome::Churned { period: 1 }, ContractOutcome::Active { periods: 2 }];
    /// let fit = ShiftedBetaGeometric::fit(FitData::weighted(&data, &[30.0, 70.0])?, &FitOptions::default())?;
    /// assert!((fit.bic() - (2.0 * 100f64.ln() - 2.0 * fit.log_likelihood)).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn bic(&self) -> f64 {
        self.parameter_count() as f64 * self.observations.ln() - 2.0 * self.log_likelihood
    }
}

impl<M: MaximumLikelihood + PurchaseModel, D> ModelFit<M, D> {
    /// Delta-method interval for P(alive) of `history` from the fit's covariance (see
    /// [`delta_method_interval`]), clamped to [0, 1].
    ///
    /// # Errors
    ///
    /// [`ClvError::NoCovariance`] when the fit has no covariance, and the errors of
    /// [`delta_method_interval`] (e.g. `level` outside (0, 1)).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, FitData, FitOptions, MaximumLikelihood, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?];
    /// let weighted = FitData::weighted(&data, &[40.0, 12.0, 5.0, 9.0])?;
    /// let fit = BgNbd::fit(weighted, &FitOptions::default())?;
    /// let i = fit.probability_alive_interval(&data[3], 0.95)?;
    /// assert!(0.0 <= i.lower && i.lower <= i.estimate && i.estimate <= i.upper && i.upper <= 1.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_alive_interval(
        &self, history: &RepeatHistory, level: f64,
    ) -> Result<Interval, ClvError> {
        self.interval(level, |model| model.probability_alive(history))
            .map(|i| i.clamped(0.0, 1.0))
    }

    /// Delta-method interval for the expected purchases of `history` in the next `t`, clamped
    /// below at 0.
    ///
    /// # Errors
    ///
    /// As [`ModelFit::probability_alive_interval`], and [`ClvError::InvalidArgument`] for a `t`
    /// that is negative or not finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd, RepeatHistory};
    /// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
    /// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 2_000], 3)?, &FitOptions::default())?;
    /// let customer = RepeatHistory::new(3.0, 50.0, 52.0)?;
    /// let i = fit.conditional_expected_purchases_interval(26.0, &customer, 0.9)?;
    /// assert!(i.lower < i.estimate && i.estimate < i.upper);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn conditional_expected_purchases_interval(
        &self, t: f64, history: &RepeatHistory, level: f64,
    ) -> Result<Interval, ClvError> {
        crate::clv::check_time("t", t)?;
        self.interval(level, |model| {
            model.conditional_expected_purchases(t, history)
        })
        .map(|i| i.clamped(0.0, f64::INFINITY))
    }

    /// The delta-method interval of `prediction` as a function of the parameters.
    fn interval(
        &self, level: f64, prediction: impl Fn(&M) -> Result<f64, ClvError>,
    ) -> Result<Interval, ClvError> {
        let covariance = self.covariance_or_error("model")?;
        delta_method_interval(
            |p| prediction(&M::from_parameters(p)?),
            &self.model.parameters(),
            &covariance.matrix,
            level,
        )
    }
}
