//! The modified BG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical validation and
//! comparison of models for customer base analysis").
//!
//! As BG/NBD ([`crate::clv::BgNbd`]), except that a customer may also drop out right after the first
//! purchase: the drop-out coin is tossed at every purchase occasion, the first included. So even a
//! customer with no repeat purchase has P(alive) < 1, which removes BG/NBD's "x = 0 means alive"
//! artefact.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{ModifiedBgNbd, PurchaseModel, RepeatHistory};
//! let model = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614)?;
//! let p = model.probability_alive(&RepeatHistory::new(0.0, 0.0, 38.86)?)?;
//! assert!(p < 1.0);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use crate::clv::bg_nbd::family::{
    compress, family_conditional, family_conditional_into, family_expected_purchases,
    family_log_likelihood, family_probability_alive, family_probability_alive_into,
    family_probability_of_purchases, fit_family,
};
use crate::clv::bg_nbd::{check_params, check_time, Variant};
use crate::clv::{ClvError, FitOptions, ModelFit, PurchaseModel, RepeatHistory};

/// MBG/NBD parameters, named as in Batislam et al. (2007): λ ~ Gamma(shape r, rate α),
/// p ~ Beta(a, b).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ModifiedBgNbdParams {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Rate (inverse scale) of the Gamma distribution of purchase rates, in 1 / time unit.
    pub alpha: f64,
    /// First shape of the Beta distribution of drop-out probabilities.
    pub a: f64,
    /// Second shape of the Beta distribution of drop-out probabilities.
    pub b: f64,
}

/// The modified BG/NBD purchase model with known parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ModifiedBgNbd {
    params: ModifiedBgNbdParams,
}

impl ModifiedBgNbd {
    /// An MBG/NBD model with known parameters.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is not positive and finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ModifiedBgNbd;
    /// assert!(ModifiedBgNbd::new(0.243, 4.414, 0.793, 2.426).is_ok());
    /// assert!(ModifiedBgNbd::new(0.243, -1.0, 0.793, 2.426).is_err());
    /// ```
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self, ClvError> {
        check_params(r, alpha, a, b)?;
        Ok(Self {
            params: ModifiedBgNbdParams { r, alpha, a, b },
        })
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ModifiedBgNbd;
    /// assert_eq!(ModifiedBgNbd::new(0.2, 4.0, 0.8, 2.4)?.params().alpha, 4.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn params(&self) -> ModifiedBgNbdParams {
        self.params
    }

    fn array(&self) -> [f64; 4] {
        let p = self.params;
        [p.r, p.alpha, p.a, p.b]
    }

    /// Fits the model by maximum likelihood with default [`FitOptions`].
    ///
    /// # Errors
    ///
    /// [`ClvError::EmptyInput`] for no histories, [`ClvError::NotIdentifiable`] when nobody made a
    /// repeat purchase, [`ClvError::NotConverged`] when no start converged, and
    /// [`ClvError::NumericalFailure`] when the likelihood cannot be evaluated.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ModifiedBgNbd, RepeatHistory};
    /// let data = [
    ///     RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///     RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?,
    ///     RepeatHistory::new(0.0, 0.0, 25.0)?, RepeatHistory::new(3.0, 10.0, 25.0)?,
    /// ];
    /// let fit = ModifiedBgNbd::fit(&data)?;
    /// assert!(fit.converged && fit.log_likelihood.is_finite());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit(histories: &[RepeatHistory]) -> Result<ModelFit<Self>, ClvError> {
        Self::fit_with(histories, &FitOptions::default())
    }

    /// Fits the model with the given options.
    ///
    /// # Errors
    ///
    /// As [`ModifiedBgNbd::fit`], and [`ClvError::InvalidArgument`] for invalid options.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ModifiedBgNbd, FitOptions, RepeatHistory};
    /// let data = [RepeatHistory::new(1.0, 5.0, 10.0)?, RepeatHistory::new(0.0, 0.0, 10.0)?,
    ///             RepeatHistory::new(4.0, 9.0, 10.0)?];
    /// let options = FitOptions { penalizer: 0.1, ..FitOptions::default() };
    /// assert!(ModifiedBgNbd::fit_with(&data, &options).is_ok());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_with(
        histories: &[RepeatHistory],
        options: &FitOptions,
    ) -> Result<ModelFit<Self>, ClvError> {
        let weights = vec![1.0; histories.len()];
        Self::fit_weighted_with(histories, &weights, options)
    }

    /// Fits the model to histories each standing for `weights[i]` identical customers.
    ///
    /// # Errors
    ///
    /// As [`ModifiedBgNbd::fit`], plus [`ClvError::LengthMismatch`] and [`ClvError::InvalidWeight`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ModifiedBgNbd, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?];
    /// let fit = ModifiedBgNbd::fit_weighted(&data, &[10.0, 4.0, 2.0])?;
    /// assert_eq!(fit.observations, 16.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_weighted(
        histories: &[RepeatHistory],
        weights: &[f64],
    ) -> Result<ModelFit<Self>, ClvError> {
        Self::fit_weighted_with(histories, weights, &FitOptions::default())
    }

    /// [`ModifiedBgNbd::fit_weighted`] with options.
    ///
    /// # Errors
    ///
    /// As [`ModifiedBgNbd::fit_weighted`] and [`ModifiedBgNbd::fit_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ModifiedBgNbd, FitOptions, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?];
    /// let fit = ModifiedBgNbd::fit_weighted_with(&data, &[10.0, 4.0, 2.0], &FitOptions::default())?;
    /// assert!(fit.model.params().r > 0.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_weighted_with(
        histories: &[RepeatHistory],
        weights: &[f64],
        options: &FitOptions,
    ) -> Result<ModelFit<Self>, ClvError> {
        let (opt, observations) = fit_family(Variant::Modified, histories, weights, options)?;
        Ok(ModelFit {
            model: Self::new(opt.params[0], opt.params[1], opt.params[2], opt.params[3])?,
            log_likelihood: opt.log_likelihood,
            standard_errors: opt.standard_errors,
            covariance: opt.covariance,
            iterations: opt.iterations,
            converged: opt.converged,
            observations,
        })
    }

    /// The log-likelihood of one history (Batislam et al. 2007, equation 6, in log space).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ModifiedBgNbd, RepeatHistory};
    /// let m = ModifiedBgNbd::new(0.25, 4.0, 0.8, 2.5)?;
    /// let ll = m.log_likelihood(&RepeatHistory::new(0.0, 0.0, 40.0)?);
    /// // ln[b/(a+b) (α/(α+T))^r + a/(a+b)]: dead right after the first purchase, or alive and silent.
    /// assert!((ll + 0.4179282620449803).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &RepeatHistory) -> f64 {
        let data = compress(&[*history], &[1.0]);
        family_log_likelihood(Variant::Modified, &self.array(), &data, false).0
    }

    /// Delta-method interval for P(alive) of `history` from a fit's covariance (see
    /// [`crate::clv::diagnostics::delta_method_interval`]), clamped to [0, 1].
    ///
    /// # Errors
    ///
    /// [`ClvError::NumericalFailure`] when the fit has no covariance, and the errors of
    /// [`crate::clv::diagnostics::delta_method_interval`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{simulate, ModifiedBgNbd, RepeatHistory};
    /// let truth = ModifiedBgNbd::new(0.5, 6.0, 0.9, 1.6)?;
    /// let data = simulate::modified_bg_nbd(&truth, &vec![39.0; 2000], 0.0, 1)?.histories;
    /// let fit = ModifiedBgNbd::fit(&data)?;
    /// let i = ModifiedBgNbd::probability_alive_interval(&fit, &data[3], 0.95)?;
    /// assert!(i.lower <= i.estimate && i.estimate <= i.upper);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_alive_interval(
        fit: &ModelFit<Self>,
        history: &RepeatHistory,
        level: f64,
    ) -> Result<crate::Interval, ClvError> {
        let cov = fit.covariance.as_ref().ok_or(ClvError::NumericalFailure {
            what: "the fit has no covariance matrix",
        })?;
        crate::clv::diagnostics::delta_method_interval(
            |p| Self::new(p[0], p[1], p[2], p[3])?.probability_alive(history),
            &fit.model.array(),
            cov,
            level,
        )
        .map(|i| i.clamped(0.0, 1.0))
    }

    /// Delta-method interval for the expected purchases of `history` in the next `t`.
    ///
    /// # Errors
    ///
    /// As [`ModifiedBgNbd::probability_alive_interval`], and [`ClvError::InvalidArgument`] for a bad `t`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{simulate, ModifiedBgNbd, RepeatHistory};
    /// let truth = ModifiedBgNbd::new(0.5, 6.0, 0.9, 1.6)?;
    /// let data = simulate::modified_bg_nbd(&truth, &vec![39.0; 2000], 0.0, 1)?.histories;
    /// let fit = ModifiedBgNbd::fit(&data)?;
    /// let i = ModifiedBgNbd::conditional_expected_purchases_interval(&fit, 10.0, &data[2], 0.95)?;
    /// assert!(i.lower <= i.estimate && i.estimate <= i.upper);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn conditional_expected_purchases_interval(
        fit: &ModelFit<Self>,
        t: f64,
        history: &RepeatHistory,
        level: f64,
    ) -> Result<crate::Interval, ClvError> {
        check_time("t", t)?;
        let cov = fit.covariance.as_ref().ok_or(ClvError::NumericalFailure {
            what: "the fit has no covariance matrix",
        })?;
        crate::clv::diagnostics::delta_method_interval(
            |p| Self::new(p[0], p[1], p[2], p[3])?.conditional_expected_purchases(t, history),
            &fit.model.array(),
            cov,
            level,
        )
        .map(|i| i.clamped(0.0, f64::INFINITY))
    }
}

impl PurchaseModel for ModifiedBgNbd {
    /// E[X(t)] = b/(a−1) [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))] (Batislam et al. 2007).
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        family_expected_purchases(Variant::Modified, &self.array(), t)
    }

    /// Batislam et al. (2007): P(alive) (a+b+x)/(a−1) [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))].
    fn conditional_expected_purchases(
        &self,
        t: f64,
        history: &RepeatHistory,
    ) -> Result<f64, ClvError> {
        check_time("t", t)?;
        family_conditional(Variant::Modified, &self.array(), t, history)
    }

    /// P(alive) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)), in log space; below 1 even for x = 0.
    fn probability_alive(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(family_probability_alive(
            Variant::Modified,
            &self.array(),
            history,
        ))
    }

    /// FHL (2005) equation 8 with the drop-out at time 0 (P(dead at 0) = a/(a+b) adds to n = 0).
    fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64, ClvError> {
        family_probability_of_purchases(Variant::Modified, &self.array(), n, t)
    }

    fn conditional_expected_purchases_into(
        &self,
        t: f64,
        histories: &[RepeatHistory],
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        family_conditional_into(Variant::Modified, &self.array(), t, histories, out)
    }

    fn probability_alive_into(
        &self,
        histories: &[RepeatHistory],
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        family_probability_alive_into(Variant::Modified, &self.array(), histories, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Monte Carlo check of the derived E[X(t)] = b/(a−1)[1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))]
    /// lives in tests/purchase_models.rs; here P(X(t) = n) must sum to 1 and its mean must match.
    #[test]
    fn purchase_distribution_is_consistent_with_the_mean() {
        let m = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614).unwrap();
        let t = 20.0;
        let (mut total, mut mean) = (0.0, 0.0);
        for n in 0..400 {
            let p = m.probability_of_purchases(n, t).unwrap();
            total += p;
            mean += f64::from(n) * p;
        }
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let e = m.expected_purchases(t).unwrap();
        assert!((mean - e).abs() < 1e-6 * e, "{mean} vs {e}");
    }
}
