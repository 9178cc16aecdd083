//! The options of a covariate fit, checked before any work.

use crate::clv::{ClvError, FitOptions};
use crate::settings::Settings;

/// Options of a covariate fit ([`crate::clv::WithCovariates::fit`]): the [`FitOptions`] of the
/// fit without covariates that starts it, and the L2 penalty λ on the covariate coefficients.
///
/// # Examples
///
/// ```
/// use customer_value::{clv::{ClvError, CovariateOptions}, Settings};
/// let options = CovariateOptions::default().covariate_penalty(0.5);
/// assert_eq!(options.covariate_penalty, 0.5);
/// assert!(matches!(CovariateOptions::default().covariate_penalty(-1.0).check(),
///     Err(ClvError::InvalidArgument { name: "covariate_penalty", .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CovariateOptions {
    /// The options of the fit without covariates whose optimum starts the covariate fit, and the
    /// iteration limit and convergence criterion of both; its `penalizer` must be 0 (the base
    /// parameters are not penalised in a covariate fit).
    pub fit: FitOptions,
    /// λ ≥ 0 in ln L − λ Σ γ², over every covariate coefficient γ of every process (the base
    /// parameters are not penalised), ln L the total log-likelihood over the customers (default
    /// 0: no penalty). It shrinks the coefficients towards 0, as CLVTools' `reg.lambdas`.
    pub covariate_penalty: f64,
}

impl CovariateOptions {
    /// Sets [`CovariateOptions::covariate_penalty`].
    ///
    /// # Examples
    ///
    /// See [`CovariateOptions`].
    #[must_use]
    pub fn covariate_penalty(mut self, lambda: f64) -> Self {
        self.covariate_penalty = lambda;
        self
    }

    /// Sets [`CovariateOptions::fit`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{CovariateOptions, FitOptions};
    /// let options = CovariateOptions::default().fit(FitOptions::default().max_iterations(200));
    /// assert_eq!(options.fit.max_iterations, 200);
    /// ```
    #[must_use]
    pub fn fit(mut self, fit: FitOptions) -> Self {
        self.fit = fit;
        self
    }
}

impl Settings for CovariateOptions {
    type Error = ClvError;

    /// Checks the options.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `covariate_penalty` when it is negative or not
    /// finite, naming `penalizer` when `fit.penalizer` is not 0, and the errors of
    /// [`FitOptions::check`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{clv::{ClvError, CovariateOptions, FitOptions}, Settings};
    /// let penalised = CovariateOptions::default().fit(FitOptions::default().penalizer(0.1));
    /// assert!(matches!(penalised.check(), Err(ClvError::InvalidArgument { name: "penalizer", .. })));
    /// assert!(CovariateOptions::default().covariate_penalty(f64::NAN).check().is_err());
    /// ```
    fn check(&self) -> Result<(), ClvError> {
        self.fit.check()?;
        let lambda = self.covariate_penalty;
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(ClvError::InvalidArgument {
                name: "covariate_penalty",
                value: lambda,
                constraint: "must be non-negative and finite",
            });
        }
        if self.fit.penalizer != 0.0 {
            return Err(ClvError::InvalidArgument {
                name: "penalizer",
                value: self.fit.penalizer,
                constraint: "must be 0 in a covariate fit: use covariate_penalty",
            });
        }
        Ok(())
    }
}
