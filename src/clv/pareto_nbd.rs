//! The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), in the notation of Fader, Hardie &
//! Lee (2005), "A note on deriving the Pareto/NBD model and related expressions" (FHL note).
//!
//! While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the lifetime is
//! exponential with rate μ ~ Gamma(s, β), unobserved. The input is a [`RepeatHistory`] (x, t_x, T).
//!
//! The likelihood (FHL note, eq. 22) needs the Gauss hypergeometric function with c = a + 1, which
//! overflows f64 for heavy buyers; it is evaluated in log space by
//! [`crate::numeric::hyp2f1`], so the likelihood stays finite for any valid history (x in the
//! thousands included). Near the no-drop-out boundary (β ≫ α), where those series converge
//! slowly, the drop-out part is integrated over the time of death instead.
//!
//! # Finite results
//!
//! r, α, s and β are in [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
//! [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)] (checked by [`ParetoNbd::new`] and when a model
//! is read back through serde; every fit stays inside). With a [`RepeatHistory`] (values up to
//! [`RepeatHistory::MAX_VALUE`](crate::clv::RepeatHistory::MAX_VALUE)) the log-likelihood and
//! P(alive) are finite: the drop-out part comes from the 2F1 tails or from the integral over the
//! time of death, whichever is cheaper, and from the other when the first cannot be evaluated;
//! the integral runs on the window where its integrand is within e^−45 of its peak (at most 4,096
//! panels of 16 nodes; x = 10¹² takes four), and an interval below rounding (ages of 10⁻³⁰⁰) is
//! one point. P(X(t) = n) is in [0, 1] for every n and t (a recurrence across n, or 256 quadrature
//! nodes where it is unstable). E[X(t)] and E[Y(t)] are
//! closed forms in ln(1 + t/β): finite, or a [`ClvError::NumericalFailure`] when the expectation
//! exceeds f64 (s < 1 and t near f64::MAX: it grows like t^(1−s)).
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

mod count_pmf;
mod dead_integral;
mod likelihood;
mod simulate;

pub(crate) use count_pmf::{pass_length, probability_of_purchases_at, PurchaseCountPmf};

use rayon::prelude::*;
use statrs::function::gamma::ln_gamma;

use crate::clv::error::finite_or_failure;
use crate::clv::fit::engine::{Estimator, LifetimesObjective};
use crate::clv::fit::warnings::{dropout_warning, longest_age};
use crate::clv::fit::{maximum_likelihood, Search};
use crate::clv::parameter_range::check_parameter_range;
use crate::clv::{
    check_length, check_time, ClvError, FitData, FitOptions, FitWarning, PurchaseModel,
    RepeatHistory,
};

pub(in crate::clv) use likelihood::customer_log_likelihood;
pub use simulate::{simulate_pareto_nbd, simulate_pareto_nbd_customers};

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

// A model read back goes through the constructor's check; no unchecked reader is public.
crate::settings::checked_serde! {
    check = ParetoNbd::check_read;
    /// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) with known parameters, in the
    /// notation of Fader, Hardie & Lee (2005), "A note on deriving the Pareto/NBD model and related
    /// expressions" (FHL note).
    ///
    /// While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the lifetime is
    /// exponential with rate μ ~ Gamma(s, β), unobserved. The input is a [`RepeatHistory`] (x, t_x, T)
    /// in the model's time unit. The likelihood (FHL note, eq. 22) needs the Gauss hypergeometric
    /// function with c = a + 1, which overflows f64 for heavy buyers: it is evaluated in log space by
    /// [`crate::numeric::hyp2f1`], so the likelihood, P(alive) and the expectations stay finite for any
    /// valid history (x in the thousands included). Near the boundary where nobody drops out (s → 0,
    /// β ≫ α) those series converge slowly, and the drop-out part is integrated over the time of death
    /// instead (Gauss–Legendre, to ~1e-15): a fit on the weekly UCI Online Retail summary, whose
    /// maximum is there, takes tens of milliseconds instead of seconds.
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
    pub struct ParetoNbd {
        params: ParetoNbdParams,
    }
}

impl ParetoNbd {
    /// A model with parameters r, α, s, β.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is outside
    /// [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]
    /// (NaN and infinities included).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, ParetoNbd};
    /// let model = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
    /// assert_eq!(model.params().beta, 11.67);
    /// assert!(ParetoNbd::new(0.55, -1.0, 0.61, 11.67).is_err());
    /// assert!(matches!(ParetoNbd::new(0.55, 10.58, 1e-300, 11.67),
    ///     Err(ClvError::InvalidParameter { name: "s", .. })));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self, ClvError> {
        check_parameter_range(&[("r", r), ("alpha", alpha), ("s", s), ("beta", beta)])?;
        Ok(Self {
            params: ParetoNbdParams { r, alpha, s, beta },
        })
    }

    /// The constructor's check, for a model read back through serde.
    #[cfg(feature = "serde")]
    fn check_read(&self) -> Result<(), ClvError> {
        let ParetoNbdParams { r, alpha, s, beta } = self.params;
        Self::new(r, alpha, s, beta).map(|_| ())
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// See [`ParetoNbd::new`].
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
}

maximum_likelihood!(impl for ParetoNbd {
    History = RepeatHistory, Options = FitOptions, Diagnostics = (),
    parameters = [r, alpha, s, beta],
});

/// Fitting: identical rows are merged into one weighted row; [`ClvError::NotIdentifiable`] when no
/// customer with positive weight made a repeat purchase. The data-scaled start converges on its own
/// almost always; the other starts are restarts, run only when it (or the caller's start) fails to
/// converge.
impl Estimator for ParetoNbd {
    type Data = likelihood::Data;

    fn prepare(
        data: &FitData<'_, RepeatHistory>, _: &FitOptions,
    ) -> Result<likelihood::Data, ClvError> {
        let rows = likelihood::compress(data.histories(), &data.weights());
        if rows.iter().all(|row| row.frequency == 0.0) {
            return Err(ClvError::NotIdentifiable {
                detail: "no customer made a repeat purchase",
            });
        }
        Ok(likelihood::Data::new(rows))
    }

    fn log_likelihood(data: &likelihood::Data, theta: &[f64]) -> (f64, Vec<f64>) {
        data.value_and_gradient(theta)
    }

    fn search(data: &likelihood::Data) -> Search {
        Search::FirstThenAll(data.starting_points())
    }

    /// lifetimes' ParetoNBDFitter divides its total by the mean weight, not their sum; α and β
    /// are on ages divided by the longest.
    fn lifetimes_objective(
        data: &FitData<'_, RepeatHistory>, _: &likelihood::Data,
    ) -> LifetimesObjective {
        let mean_weight = data.observations() / data.histories().len() as f64;
        let ages = data.histories().iter().map(RepeatHistory::age);
        LifetimesObjective::on_time_axis(mean_weight, 4, &[1, 3], ages)
    }

    fn diagnostics(_: &likelihood::Data, _: &Self) {}

    /// Drop-out not identified when P(τ ≤ T) = 1 − (β/(β + T))^s at the longest age T is below
    /// the limit of [`crate::clv::fit::warnings`] (SMC 1987: the NBD at s → 0 or β → ∞).
    fn fit_warnings(data: &FitData<'_, RepeatHistory>, model: &Self) -> Vec<FitWarning> {
        let window = longest_age(data.histories(), &data.weights());
        let p = model.params();
        let share = -(-p.s * (window / p.beta).ln_1p()).exp_m1();
        dropout_warning(["s", "beta"], share, window)
    }
}

/// Customers per parallel chunk in the batch predictions.
const CHUNK: usize = 4_096;

impl PurchaseModel for ParetoNbd {
    /// E[X(t)] = rβ/(α(s − 1)) · [1 − (β/(β + t))^(s − 1)] (FHL note, eq. 17), and its limit
    /// (rβ/α) ln(1 + t/β) at s = 1.
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        check_time("t", t)?;
        let p = &self.params;
        let ln_ratio = -(t / p.beta).ln_1p();
        let value = p.r * p.beta / p.alpha * one_minus_power_over(ln_ratio, p.s - 1.0);
        finite_or_failure(value, "Pareto/NBD expected purchases beyond f64")
    }

    /// E[Y(t) | x, t_x, T] = P(alive) · (r + x)(β + T)/((α + T)(s − 1)) ·
    /// [1 − ((β + T)/(β + T + t))^(s − 1)] (FHL note, eq. 23).
    fn conditional_expected_purchases(
        &self, t: f64, history: &RepeatHistory,
    ) -> Result<f64, ClvError> {
        check_time("t", t)?;
        let alive = self.probability_alive(history)?;
        let value = alive * self.alive_expectation(t, history);
        finite_or_failure(value, "Pareto/NBD expected purchases beyond f64")
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
        check_time("t", t)?;
        Ok(probability_of_purchases_at(&self.params, n, t))
    }

    fn conditional_expected_purchases_into(
        &self, t: f64, histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        check_time("t", t)?;
        self.batch(histories, out, |h| {
            let alive = likelihood::Terms::new(&self.params, h)?.probability_alive();
            Some(alive * self.alive_expectation(t, h)).filter(|v| v.is_finite())
        })
    }

    fn probability_alive_into(
        &self, histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        self.batch(histories, out, |h| {
            Some(likelihood::Terms::new(&self.params, h)?.probability_alive())
        })
    }

    /// P(alive) once per customer, times the closed form in t at every time.
    fn conditional_expected_purchases_curves_into(
        &self, times: &[f64], histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        check_length("out", histories.len() * times.len(), out.len())?;
        for &t in times {
            check_time("t", t)?;
        }
        if times.is_empty() {
            return Ok(());
        }
        for (h, curve) in histories.iter().zip(out.chunks_mut(times.len())) {
            self.conditional_expected_purchases_at(times, h, curve)
                .ok_or(ClvError::NumericalFailure {
                    what: "Pareto/NBD P(alive) could not be computed, or an expected purchase exceeds f64",
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
        &self, times: &[f64], history: &RepeatHistory, out: &mut [f64],
    ) -> Option<()> {
        let alive = likelihood::Terms::new(&self.params, history)?.probability_alive();
        for (o, &t) in out.iter_mut().zip(times) {
            *o = alive * self.alive_expectation(t, history);
        }
        out.iter().all(|v| v.is_finite()).then_some(())
    }

    /// Expected purchases in the next `t` of a customer known to be alive at T.
    fn alive_expectation(&self, t: f64, history: &RepeatHistory) -> f64 {
        let p = &self.params;
        let age = history.age();
        let ln_ratio = -(t / (p.beta + age)).ln_1p();
        (p.r + history.frequency()) * (p.beta + age) / (p.alpha + age)
            * one_minus_power_over(ln_ratio, p.s - 1.0)
    }

    /// Runs `predict` over `histories` in parallel chunks (each output depends only on its own
    /// input, so the result does not depend on the thread count).
    fn batch<F>(
        &self, histories: &[RepeatHistory], out: &mut [f64], predict: F,
    ) -> Result<(), ClvError>
    where
        F: Fn(&RepeatHistory) -> Option<f64> + Sync,
    {
        check_length("out", histories.len(), out.len())?;
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
