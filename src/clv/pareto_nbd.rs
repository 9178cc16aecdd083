//! The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), in the notation of Fader, Hardie &
//! Lee (2005), "A note on deriving the Pareto/NBD model and related expressions" (FHL note).
//!
//! While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the lifetime is
//! exponential with rate μ ~ Gamma(s, β), unobserved. The input is a [`RepeatHistory`] (x, t_x, T).
//!
//! The likelihood (FHL note, eq. 22) needs the Gauss hypergeometric function with c = a + 1, which
//! overflows f64 for heavy buyers; it is evaluated in log space by
//! [`crate::numeric::hyp2f1`], so the likelihood stays finite for any valid history (x in the
//! thousands included).
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{ParetoNbd, PurchaseModel, RepeatHistory};
//!
//! // The maximum-likelihood parameters on the CDNOW sample.
//! let model = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
//! let customer = RepeatHistory::new(2.0, 30.43, 38.86)?;
//! let alive = model.probability_alive(&customer)?;
//! assert!((alive - 0.869124).abs() < 1e-6);
//! let next_39_weeks = model.conditional_expected_purchases(39.0, &customer)?;
//! assert!((next_39_weeks - 1.455136).abs() < 1e-6);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

mod likelihood;
mod simulate;

use rayon::prelude::*;
use statrs::function::gamma::ln_gamma;

use crate::clv::diagnostics::{delta_method_interval, Interval};
use crate::clv::fit::{check_weights, maximize, FitOptions, ModelFit};
use crate::clv::{ClvError, PurchaseModel, RepeatHistory};

pub use simulate::simulate_pareto_nbd;

/// The Pareto/NBD parameters, named as in the FHL note.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParetoNbdParams {
    /// r: shape of the gamma distribution of purchase rates λ.
    pub r: f64,
    /// α: rate (inverse scale) of the gamma distribution of λ, per model time unit.
    pub alpha: f64,
    /// s: shape of the gamma distribution of dropout rates μ.
    pub s: f64,
    /// β: rate of the gamma distribution of μ, per model time unit.
    pub beta: f64,
}

/// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) with known parameters, in the
/// notation of Fader, Hardie & Lee (2005), "A note on deriving the Pareto/NBD model and related
/// expressions" (FHL note).
///
/// While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the lifetime is
/// exponential with rate μ ~ Gamma(s, β), unobserved. The input is a [`RepeatHistory`] (x, t_x, T)
/// in the model's time unit. The likelihood (FHL note, eq. 22) needs the Gauss hypergeometric
/// function with c = a + 1, which overflows f64 for heavy buyers: it is evaluated in log space by
/// [`crate::numeric::hyp2f1`], so the likelihood, P(alive) and the expectations stay finite for any
/// valid history (x in the thousands included).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{ParetoNbd, PurchaseModel, RepeatHistory};
/// // The maximum-likelihood parameters on the CDNOW sample.
/// let model = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
/// let customer = RepeatHistory::new(2.0, 30.43, 38.86)?;
/// assert!((model.probability_alive(&customer)? - 0.869124).abs() < 1e-6);
/// assert!((model.conditional_expected_purchases(39.0, &customer)? - 1.455136).abs() < 1e-6);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParetoNbd {
    params: ParetoNbdParams,
}

impl ParetoNbd {
    /// A model with parameters r, α, s, β.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is not positive and finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ParetoNbd;
    /// let model = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
    /// assert_eq!(model.params().beta, 11.67);
    /// assert!(ParetoNbd::new(0.55, -1.0, 0.61, 11.67).is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self, ClvError> {
        for (name, value) in [("r", r), ("alpha", alpha), ("s", s), ("beta", beta)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ClvError::InvalidParameter {
                    name,
                    value,
                    constraint: "must be positive and finite",
                });
            }
        }
        Ok(Self {
            params: ParetoNbdParams { r, alpha, s, beta },
        })
    }

    /// The parameters.
    pub fn params(&self) -> ParetoNbdParams {
        self.params
    }

    /// The log-likelihood of one customer's history (FHL note, eq. 22), in log space throughout.
    ///
    /// # Errors
    ///
    /// [`ClvError::NumericalFailure`] if it cannot be evaluated in floating point (not expected for
    /// valid histories; the stability tests go to x = 1,000).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, RepeatHistory};
    /// let model = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
    /// // A customer with 500 repeat purchases: lifetimes' likelihood is not finite here.
    /// let ll = model.log_likelihood(&RepeatHistory::new(500.0, 199.0, 200.0)?)?;
    /// assert!(ll.is_finite() && ll < 0.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        let terms =
            likelihood::Terms::new(&self.params, history).ok_or(ClvError::NumericalFailure {
                what: "Pareto/NBD log-likelihood",
            })?;
        let p = &self.params;
        let x = history.frequency();
        Ok(ln_gamma(p.r + x) - ln_gamma(p.r)
            + p.r * p.alpha.ln()
            + p.s * p.beta.ln()
            + terms.ln_bracket())
    }

    /// Fits the model by maximum likelihood with default [`FitOptions`].
    ///
    /// # Errors
    ///
    /// As [`ParetoNbd::fit_weighted_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, RepeatHistory};
    /// use customer_value::clv::simulate_pareto_nbd;
    /// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
    /// let histories = simulate_pareto_nbd(&truth, &vec![52.0; 3_000], 7)?;
    /// let fit = ParetoNbd::fit(&histories)?;
    /// assert!(fit.converged);
    /// assert!((fit.model.params().r - 0.6).abs() < 0.15);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit(histories: &[RepeatHistory]) -> Result<ModelFit<ParetoNbd>, ClvError> {
        Self::fit_with(histories, &FitOptions::default())
    }

    /// Fits the model by maximum likelihood with `options`.
    ///
    /// # Errors
    ///
    /// As [`ParetoNbd::fit_weighted_with`].
    pub fn fit_with(
        histories: &[RepeatHistory],
        options: &FitOptions,
    ) -> Result<ModelFit<ParetoNbd>, ClvError> {
        let weights = vec![1.0; histories.len()];
        Self::fit_weighted_with(histories, &weights, options)
    }

    /// Fits the model to histories with counts (`weights[i]` customers share `histories[i]`).
    ///
    /// # Errors
    ///
    /// As [`ParetoNbd::fit_weighted_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, RepeatHistory};
    /// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(3.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(1.0, 5.0, 30.0)?, RepeatHistory::new(7.0, 29.0, 30.0)?];
    /// let fit = ParetoNbd::fit_weighted(&rows, &[60.0, 15.0, 20.0, 5.0])?;
    /// assert_eq!(fit.observations, 100.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_weighted(
        histories: &[RepeatHistory],
        weights: &[f64],
    ) -> Result<ModelFit<ParetoNbd>, ClvError> {
        Self::fit_weighted_with(histories, weights, &FitOptions::default())
    }

    /// Fits the model to weighted histories with `options`: identical rows are merged into one
    /// weighted row first, the log-likelihood is maximised over log-parameters with its analytic
    /// gradient from several starting points, and standard errors come from the observed information.
    ///
    /// # Errors
    ///
    /// - [`ClvError::EmptyInput`] when `histories` is empty;
    /// - [`ClvError::LengthMismatch`] / [`ClvError::InvalidWeight`] for bad weights;
    /// - [`ClvError::NotIdentifiable`] when no customer with positive weight made a repeat purchase;
    /// - [`ClvError::InvalidArgument`] for invalid `options`;
    /// - [`ClvError::NotConverged`] when no start converged (unless `options.accept_unconverged`);
    /// - [`ClvError::NumericalFailure`] when the likelihood cannot be evaluated at any start.
    pub fn fit_weighted_with(
        histories: &[RepeatHistory],
        weights: &[f64],
        options: &FitOptions,
    ) -> Result<ModelFit<ParetoNbd>, ClvError> {
        if histories.is_empty() {
            return Err(ClvError::EmptyInput);
        }
        let total = check_weights(histories.len(), weights)?;
        let rows = likelihood::compress(histories, weights);
        if rows.iter().all(|row| row.frequency == 0.0) {
            return Err(ClvError::NotIdentifiable {
                reason: "no customer made a repeat purchase",
            });
        }
        let data = likelihood::Data::new(rows);
        let starts = data.starting_points();
        // crate::clv::fit scales the cost to order 1 itself; the penalty applies to the total
        // log-likelihood, as FitOptions documents.
        let objective = |theta: &[f64]| data.value_and_gradient(theta);
        // The data-scaled start converges on its own almost always; the other starts are restarts,
        // run only when it (or the caller's start) fails to converge.
        let optimum = match maximize(&objective, &starts[..1], options) {
            Ok(found) if found.converged => found,
            _ => maximize(&objective, &starts, options)?,
        };
        let [r, alpha, s, beta] = [
            optimum.params[0],
            optimum.params[1],
            optimum.params[2],
            optimum.params[3],
        ];
        Ok(ModelFit {
            model: ParetoNbd::new(r, alpha, s, beta)?,
            log_likelihood: optimum.log_likelihood,
            standard_errors: optimum.standard_errors,
            covariance: optimum.covariance,
            iterations: optimum.iterations,
            converged: optimum.converged,
            observations: total,
        })
    }

    /// Delta-method interval for P(alive | history) from the fit's covariance (the gradient by central
    /// differences through [`crate::clv::diagnostics::delta_method_interval`]), clamped to [0, 1].
    ///
    /// # Errors
    ///
    /// [`ClvError::NumericalFailure`] when the fit has no covariance, and the errors of
    /// [`crate::clv::diagnostics::delta_method_interval`] (e.g. `level` outside (0, 1)).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{simulate_pareto_nbd, ParetoNbd, RepeatHistory};
    /// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
    /// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 2_000], 3)?)?;
    /// let customer = RepeatHistory::new(3.0, 20.0, 52.0)?;
    /// let i = ParetoNbd::probability_alive_interval(&fit, &customer, 0.95)?;
    /// assert!(0.0 <= i.lower && i.lower <= i.estimate && i.estimate <= i.upper && i.upper <= 1.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_alive_interval(
        fit: &ModelFit<Self>,
        history: &RepeatHistory,
        level: f64,
    ) -> Result<Interval, ClvError> {
        let covariance = fit.covariance.as_ref().ok_or(ClvError::NumericalFailure {
            what: "the fit has no covariance matrix",
        })?;
        delta_method_interval(
            |p| Self::new(p[0], p[1], p[2], p[3])?.probability_alive(history),
            &fit.model.array(),
            covariance,
            level,
        )
        .map(|i| i.clamped(0.0, 1.0))
    }

    /// Delta-method interval for the expected purchases of `history` in the next `t`, clamped below
    /// at 0.
    ///
    /// # Errors
    ///
    /// As [`ParetoNbd::probability_alive_interval`], and [`ClvError::InvalidArgument`] for a bad `t`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{simulate_pareto_nbd, ParetoNbd, RepeatHistory};
    /// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
    /// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 2_000], 3)?)?;
    /// let customer = RepeatHistory::new(3.0, 50.0, 52.0)?;
    /// let i = ParetoNbd::conditional_expected_purchases_interval(&fit, 26.0, &customer, 0.9)?;
    /// assert!(i.lower < i.estimate && i.estimate < i.upper);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn conditional_expected_purchases_interval(
        fit: &ModelFit<Self>,
        t: f64,
        history: &RepeatHistory,
        level: f64,
    ) -> Result<Interval, ClvError> {
        check_time(t)?;
        let covariance = fit.covariance.as_ref().ok_or(ClvError::NumericalFailure {
            what: "the fit has no covariance matrix",
        })?;
        delta_method_interval(
            |p| Self::new(p[0], p[1], p[2], p[3])?.conditional_expected_purchases(t, history),
            &fit.model.array(),
            covariance,
            level,
        )
        .map(|i| i.clamped(0.0, f64::INFINITY))
    }

    /// (r, α, s, β) in the fit's parameter order.
    fn array(&self) -> [f64; 4] {
        let p = self.params;
        [p.r, p.alpha, p.s, p.beta]
    }

    /// P(X(t) = n) for a new customer (FHL 2006, "Deriving an expression for P(X(t) = x) under the
    /// Pareto/NBD model"): the customer alive through t buys NBD(r, α) counts; one who dies at
    /// τ < t (density sβ^s/(β + τ)^(s+1)) buys NBD counts up to τ. The second part is integrated by
    /// composite Gauss–Legendre quadrature (checked against the closed form in mpmath).
    fn probability_of_purchases_impl(&self, n: u32, t: f64) -> f64 {
        let p = &self.params;
        let n = f64::from(n);
        let ln_nbd = |tau: f64| {
            ln_gamma(p.r + n) - ln_gamma(p.r) - ln_gamma(n + 1.0)
                + p.r * (p.alpha / (p.alpha + tau)).ln()
                + if n > 0.0 {
                    n * (tau / (p.alpha + tau)).ln()
                } else {
                    0.0
                }
        };
        let alive = (ln_nbd(t) + p.s * (p.beta / (p.beta + t)).ln()).exp();
        if t == 0.0 {
            return alive;
        }
        let dead = likelihood::gauss_legendre(0.0, t, |tau| {
            if tau == 0.0 && n > 0.0 {
                return 0.0;
            }
            (p.s.ln() + p.s * p.beta.ln() - (p.s + 1.0) * (p.beta + tau).ln() + ln_nbd(tau)).exp()
        });
        (alive + dead).clamp(0.0, 1.0)
    }
}

fn check_time(t: f64) -> Result<(), ClvError> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(ClvError::InvalidArgument {
            name: "t",
            value: t,
            constraint: "must be non-negative and finite",
        })
    }
}

/// Customers per parallel chunk in the batch predictions.
const CHUNK: usize = 4_096;

impl PurchaseModel for ParetoNbd {
    /// E[X(t)] = rβ/(α(s − 1)) · [1 − (β/(β + t))^(s − 1)] (FHL note, eq. 17), and its limit
    /// (rβ/α) ln(1 + t/β) at s = 1.
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        check_time(t)?;
        let p = &self.params;
        let ln_ratio = (p.beta / (p.beta + t)).ln();
        Ok(p.r * p.beta / p.alpha * one_minus_power_over(ln_ratio, p.s - 1.0))
    }

    /// E[Y(t) | x, t_x, T] = P(alive) · (r + x)(β + T)/((α + T)(s − 1)) ·
    /// [1 − ((β + T)/(β + T + t))^(s − 1)] (FHL note, eq. 23).
    fn conditional_expected_purchases(
        &self,
        t: f64,
        history: &RepeatHistory,
    ) -> Result<f64, ClvError> {
        check_time(t)?;
        let alive = self.probability_alive(history)?;
        Ok(alive * self.alive_expectation(t, history))
    }

    /// P(alive | x, t_x, T) (FHL note, eq. 24), from the same log-space terms as the likelihood.
    fn probability_alive(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        let terms =
            likelihood::Terms::new(&self.params, history).ok_or(ClvError::NumericalFailure {
                what: "Pareto/NBD probability alive",
            })?;
        Ok(terms.probability_alive())
    }

    fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64, ClvError> {
        check_time(t)?;
        Ok(self.probability_of_purchases_impl(n, t))
    }

    fn conditional_expected_purchases_into(
        &self,
        t: f64,
        histories: &[RepeatHistory],
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        check_time(t)?;
        self.batch(histories, out, |h| {
            let alive = likelihood::Terms::new(&self.params, h)?.probability_alive();
            Some(alive * self.alive_expectation(t, h))
        })
    }

    fn probability_alive_into(
        &self,
        histories: &[RepeatHistory],
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        self.batch(histories, out, |h| {
            Some(likelihood::Terms::new(&self.params, h)?.probability_alive())
        })
    }

    /// P(alive) once per customer, times the closed form in t at every time.
    fn conditional_expected_purchases_curves_into(
        &self,
        times: &[f64],
        histories: &[RepeatHistory],
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        if out.len() != histories.len() * times.len() {
            return Err(ClvError::LengthMismatch {
                expected: histories.len() * times.len(),
                found: out.len(),
            });
        }
        if let Some(&t) = times.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
            return Err(ClvError::InvalidArgument {
                name: "t",
                value: t,
                constraint: "must be non-negative and finite",
            });
        }
        if times.is_empty() {
            return Ok(());
        }
        for (h, curve) in histories.iter().zip(out.chunks_mut(times.len())) {
            self.conditional_expected_purchases_at(times, h, curve)
                .ok_or(ClvError::NumericalFailure {
                    what: "Pareto/NBD probability alive",
                })?;
        }
        Ok(())
    }
}

impl ParetoNbd {
    /// E[Y(t) | history] at each of `times` (all checked non-negative and finite by the caller),
    /// written to `out`: P(alive) is computed once, the rest is closed form (FHL note, eq. 23).
    /// `None` if P(alive) cannot be computed.
    pub(crate) fn conditional_expected_purchases_at(
        &self,
        times: &[f64],
        history: &RepeatHistory,
        out: &mut [f64],
    ) -> Option<()> {
        let alive = likelihood::Terms::new(&self.params, history)?.probability_alive();
        for (o, &t) in out.iter_mut().zip(times) {
            *o = alive * self.alive_expectation(t, history);
        }
        Some(())
    }

    /// Expected purchases in the next `t` of a customer known to be alive at T.
    fn alive_expectation(&self, t: f64, history: &RepeatHistory) -> f64 {
        let p = &self.params;
        let age = history.age();
        let ln_ratio = ((p.beta + age) / (p.beta + age + t)).ln();
        (p.r + history.frequency()) * (p.beta + age) / (p.alpha + age)
            * one_minus_power_over(ln_ratio, p.s - 1.0)
    }

    /// Runs `predict` over `histories` in parallel chunks (each output depends only on its own
    /// input, so the result does not depend on the thread count).
    fn batch<F>(
        &self,
        histories: &[RepeatHistory],
        out: &mut [f64],
        predict: F,
    ) -> Result<(), ClvError>
    where
        F: Fn(&RepeatHistory) -> Option<f64> + Sync,
    {
        if histories.len() != out.len() {
            return Err(ClvError::LengthMismatch {
                expected: histories.len(),
                found: out.len(),
            });
        }
        out.par_chunks_mut(CHUNK)
            .zip(histories.par_chunks(CHUNK))
            .try_for_each(|(out_chunk, chunk)| {
                for (o, h) in out_chunk.iter_mut().zip(chunk) {
                    *o = predict(h).ok_or(ClvError::NumericalFailure {
                        what: "Pareto/NBD prediction",
                    })?;
                }
                Ok(())
            })
    }
}

/// (1 − e^(k·ln_ratio))/k with its limit −ln_ratio at k = 0, computed with `expm1` so that it is
/// accurate for s near 1.
fn one_minus_power_over(ln_ratio: f64, k: f64) -> f64 {
    if k == 0.0 {
        -ln_ratio
    } else {
        -(k * ln_ratio).exp_m1() / k
    }
}
