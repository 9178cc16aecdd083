//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
//!
//! While active, a customer buys at Poisson rate λ, λ ~ Gamma(r, α) across customers; after each
//! repeat purchase the customer drops out with probability p, p ~ Beta(a, b). The shared
//! likelihood and prediction kernels here also serve the modified BG/NBD
//! ([`crate::clv::ModifiedBgNbd`]), which differs only in allowing a drop-out right after the first
//! purchase ("shift" 1 in the Beta functions below).
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{BgNbd, PurchaseModel, RepeatHistory};
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
//! // FHL (2005), section 5: 1.226 purchases expected in the next 39 weeks.
//! assert!((model.conditional_expected_purchases(39.0, &h)? - 1.226028).abs() < 1e-5);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use crate::clv::{ClvError, FitOptions, ModelFit, PurchaseModel, RepeatHistory};

pub(super) mod family;
use family::{
    compress, family_conditional, family_conditional_into, family_expected_purchases,
    family_log_likelihood, family_probability_alive, family_probability_alive_into,
    family_probability_of_purchases, fit_family,
};

/// BG/NBD parameters, named as in Fader, Hardie & Lee (2005): λ ~ Gamma(shape r, rate α),
/// p ~ Beta(a, b).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BgNbdParams {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Rate (inverse scale) of the Gamma distribution of purchase rates, in 1 / time unit.
    pub alpha: f64,
    /// First shape of the Beta distribution of drop-out probabilities.
    pub a: f64,
    /// Second shape of the Beta distribution of drop-out probabilities.
    pub b: f64,
}

/// The BG/NBD purchase model with known parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BgNbd {
    params: BgNbdParams,
}

/// Which member of the family: the Beta-function shift is 0 for BG/NBD and 1 for MBG/NBD, and the
/// drop-out-at-last-purchase term applies to x > 0 only for BG/NBD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    Standard,
    Modified,
}

impl Variant {
    fn shift(self) -> f64 {
        match self {
            Variant::Standard => 0.0,
            Variant::Modified => 1.0,
        }
    }
    fn dropout_term(self, x: f64) -> bool {
        match self {
            Variant::Standard => x > 0.0,
            Variant::Modified => true,
        }
    }
}

pub(super) fn check_params(r: f64, alpha: f64, a: f64, b: f64) -> Result<(), ClvError> {
    for (name, value) in [("r", r), ("alpha", alpha), ("a", a), ("b", b)] {
        if !(value.is_finite() && value > 0.0) {
            return Err(ClvError::InvalidParameter {
                name,
                value,
                constraint: "must be positive and finite",
            });
        }
    }
    Ok(())
}

pub(super) fn check_time(name: &'static str, t: f64) -> Result<(), ClvError> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(ClvError::InvalidArgument {
            name,
            value: t,
            constraint: "must be non-negative and finite",
        })
    }
}

impl BgNbd {
    /// A BG/NBD model with known parameters.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is not positive and finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::BgNbd;
    /// assert!(BgNbd::new(0.243, 4.414, 0.793, 2.426).is_ok());
    /// assert!(BgNbd::new(0.243, -1.0, 0.793, 2.426).is_err());
    /// ```
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self, ClvError> {
        check_params(r, alpha, a, b)?;
        Ok(Self {
            params: BgNbdParams { r, alpha, a, b },
        })
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::BgNbd;
    /// assert_eq!(BgNbd::new(0.2, 4.0, 0.8, 2.4)?.params().alpha, 4.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn params(&self) -> BgNbdParams {
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
    /// use customer_value::clv::{BgNbd, RepeatHistory};
    /// let data = [
    ///     RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///     RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?,
    ///     RepeatHistory::new(0.0, 0.0, 25.0)?, RepeatHistory::new(3.0, 10.0, 25.0)?,
    /// ];
    /// let fit = BgNbd::fit(&data)?;
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
    /// As [`BgNbd::fit`], and [`ClvError::InvalidArgument`] for invalid options.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, FitOptions, RepeatHistory};
    /// let data = [RepeatHistory::new(1.0, 5.0, 10.0)?, RepeatHistory::new(0.0, 0.0, 10.0)?,
    ///             RepeatHistory::new(4.0, 9.0, 10.0)?];
    /// let options = FitOptions { penalizer: 0.1, ..FitOptions::default() };
    /// assert!(BgNbd::fit_with(&data, &options).is_ok());
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
    /// As [`BgNbd::fit`], plus [`ClvError::LengthMismatch`] and [`ClvError::InvalidWeight`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?];
    /// let fit = BgNbd::fit_weighted(&data, &[10.0, 4.0, 2.0])?;
    /// assert_eq!(fit.observations, 16.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_weighted(
        histories: &[RepeatHistory],
        weights: &[f64],
    ) -> Result<ModelFit<Self>, ClvError> {
        Self::fit_weighted_with(histories, weights, &FitOptions::default())
    }

    /// [`BgNbd::fit_weighted`] with options.
    ///
    /// # Errors
    ///
    /// As [`BgNbd::fit_weighted`] and [`BgNbd::fit_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, FitOptions, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?];
    /// let fit = BgNbd::fit_weighted_with(&data, &[10.0, 4.0, 2.0], &FitOptions::default())?;
    /// assert!(fit.model.params().r > 0.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_weighted_with(
        histories: &[RepeatHistory],
        weights: &[f64],
        options: &FitOptions,
    ) -> Result<ModelFit<Self>, ClvError> {
        let (opt, observations) = fit_family(Variant::Standard, histories, weights, options)?;
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

    /// The log-likelihood of one history (FHL 2005, equation 6, in log space).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, RepeatHistory};
    /// let m = BgNbd::new(0.25, 4.0, 0.8, 2.5)?;
    /// let ll = m.log_likelihood(&RepeatHistory::new(0.0, 0.0, 40.0)?);
    /// assert!((ll + 0.59947382).abs() < 1e-7);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &RepeatHistory) -> f64 {
        let data = compress(&[*history], &[1.0]);
        family_log_likelihood(Variant::Standard, &self.array(), &data, false).0
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
    /// use customer_value::clv::{BgNbd, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?];
    /// let fit = BgNbd::fit_weighted(&data, &[40.0, 12.0, 5.0, 9.0])?;
    /// let i = BgNbd::probability_alive_interval(&fit, &data[3], 0.95)?;
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
    /// As [`BgNbd::probability_alive_interval`], and [`ClvError::InvalidArgument`] for a bad `t`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?];
    /// let fit = BgNbd::fit_weighted(&data, &[40.0, 12.0, 5.0, 9.0])?;
    /// let i = BgNbd::conditional_expected_purchases_interval(&fit, 10.0, &data[2], 0.95)?;
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

impl PurchaseModel for BgNbd {
    /// FHL (2005), equation 9, with the Euler transformation of 2F1 (see [`BgNbd`]).
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        family_expected_purchases(Variant::Standard, &self.array(), t)
    }

    /// FHL (2005), equation 10.
    fn conditional_expected_purchases(
        &self,
        t: f64,
        history: &RepeatHistory,
    ) -> Result<f64, ClvError> {
        check_time("t", t)?;
        family_conditional(Variant::Standard, &self.array(), t, history)
    }

    /// FHL (2005), equation 11 (in the FHL note on P(alive)), in log space.
    fn probability_alive(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(family_probability_alive(
            Variant::Standard,
            &self.array(),
            history,
        ))
    }

    /// FHL (2005), equation 8.
    fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64, ClvError> {
        family_probability_of_purchases(Variant::Standard, &self.array(), n, t)
    }

    fn conditional_expected_purchases_into(
        &self,
        t: f64,
        histories: &[RepeatHistory],
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        family_conditional_into(Variant::Standard, &self.array(), t, histories, out)
    }

    fn probability_alive_into(
        &self,
        histories: &[RepeatHistory],
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        family_probability_alive_into(Variant::Standard, &self.array(), histories, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> BgNbd {
        BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap()
    }

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn worked_predictions_of_fhl_2005() {
        let m = published();
        let h = RepeatHistory::new(2.0, 30.43, 38.86).unwrap();
        assert!(
            rel(
                m.conditional_expected_purchases(39.0, &h).unwrap(),
                1.226028
            ) < 1e-6
        );
        assert!(rel(m.probability_alive(&h).unwrap(), 0.726579) < 1e-6);
        for (t, e) in [
            (1.0, 0.053268),
            (3.0, 0.150865),
            (32.0, 1.045243),
            (52.0, 1.446051),
            (78.0, 1.860519),
        ] {
            assert!(rel(m.expected_purchases(t).unwrap(), e) < 1e-5, "t = {t}");
        }
        assert!(rel(m.probability_of_purchases(10, 2.0).unwrap(), 1.0786896e-07) < 1e-6);
        assert!(rel(m.probability_of_purchases(0, 39.0).unwrap(), 0.5737864) < 1e-6);
        for (n, e) in [(11, 0.0019995214), (12, 0.0015170236), (13, 0.0011633150)] {
            assert!(
                rel(m.probability_of_purchases(n, 30.0).unwrap(), e) < 1e-6,
                "n = {n}"
            );
        }
        let c1516 = RepeatHistory::new(26.0, 30.85714, 31.0).unwrap();
        assert!(
            rel(
                m.conditional_expected_purchases(52.0, &c1516).unwrap(),
                25.75649
            ) < 1e-6
        );
        assert!(rel(m.probability_alive(&c1516).unwrap(), 0.968852) < 1e-6);
    }

    #[test]
    fn single_customer_log_likelihoods_and_stability() {
        let m = BgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap();
        let zero = RepeatHistory::new(0.0, 0.0, 40.0).unwrap();
        assert!((m.log_likelihood(&zero) + 0.59947382).abs() < 1e-7);
        let heavy = RepeatHistory::new(200.0, 38.0, 40.0).unwrap();
        assert!((m.log_likelihood(&heavy) - 100.7957).abs() < 1e-4);
        for x in [400.0, 1000.0, 5000.0] {
            let h = RepeatHistory::new(x, 20.0, 40.0).unwrap();
            let p = m.probability_alive(&h).unwrap();
            assert!(p.is_finite() && (0.0..=1.0).contains(&p));
            let e = m.conditional_expected_purchases(52.0, &h).unwrap();
            assert!(e.is_finite() && e >= 0.0);
        }
    }

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let rows = compress(
            &[
                RepeatHistory::new(0.0, 0.0, 30.0).unwrap(),
                RepeatHistory::new(3.0, 12.0, 30.0).unwrap(),
                RepeatHistory::new(1.0, 29.0, 35.0).unwrap(),
            ],
            &[3.0, 2.0, 1.0],
        );
        // 100 rows of distinct times: the per-row path instead of the table of distinct times.
        let many: Vec<RepeatHistory> = (0..100)
            .map(|i| {
                let x = f64::from(i % 7);
                let age = 20.0 + f64::from(i) * 0.37;
                RepeatHistory::new(x, if x == 0.0 { 0.0 } else { age * 0.61 }, age).unwrap()
            })
            .collect();
        let many = compress(&many, &[1.0; 100]);
        assert!(many.times.is_empty() && !rows.times.is_empty());
        // b ≤ 1 included: ln(b + x − 1) must not leak into the x = 0 rows of BG/NBD.
        let points = [
            [0.4, 5.0, 0.9, 2.2],
            [0.4, 5.0, 0.9, 0.8],
            [1.0, 3.0, 1.0, 1.0],
        ];
        for rows in [&rows, &many] {
            for (variant, p) in [Variant::Standard, Variant::Modified]
                .into_iter()
                .flat_map(|v| points.iter().map(move |p| (v, *p)))
            {
                let (_, g) = family_log_likelihood(variant, &p, rows, true);
                for k in 0..4 {
                    let h = 1e-6 * p[k];
                    let mut up = p;
                    up[k] += h;
                    let mut down = p;
                    down[k] -= h;
                    let numeric = (family_log_likelihood(variant, &up, rows, false).0
                        - family_log_likelihood(variant, &down, rows, false).0)
                        / (2.0 * h);
                    assert!(
                        (numeric - g[k]).abs() < 1e-6 * (1.0 + g[k].abs()),
                        "{variant:?} {k}: {numeric} vs {}",
                        g[k]
                    );
                }
            }
        }
    }

    #[test]
    fn bad_parameters_and_times_are_errors() {
        assert!(matches!(
            BgNbd::new(0.0, 1.0, 1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "r", .. })
        ));
        assert!(matches!(
            BgNbd::new(1.0, f64::NAN, 1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "alpha", .. })
        ));
        assert!(matches!(
            BgNbd::new(1.0, 1.0, -1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "a", .. })
        ));
        assert!(matches!(
            BgNbd::new(1.0, 1.0, 1.0, f64::INFINITY),
            Err(ClvError::InvalidParameter { name: "b", .. })
        ));
        let m = published();
        assert!(matches!(
            m.expected_purchases(-1.0),
            Err(ClvError::InvalidArgument { .. })
        ));
        assert!(matches!(
            m.probability_of_purchases(1, f64::NAN),
            Err(ClvError::InvalidArgument { .. })
        ));
    }

    #[test]
    fn a_equal_to_one_is_handled() {
        let at = BgNbd::new(0.3, 4.0, 1.0, 2.0)
            .unwrap()
            .expected_purchases(20.0)
            .unwrap();
        let near = BgNbd::new(0.3, 4.0, 1.0 + 1e-4, 2.0)
            .unwrap()
            .expected_purchases(20.0)
            .unwrap();
        assert!((at - near).abs() < 1e-3 * near);
    }
}
