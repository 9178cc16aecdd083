//! Customer lifetime value: "buy 'til you die" purchase models, the Gamma-Gamma spend model,
//! maximum-likelihood fitting, and CLV formulas.
//!
//! Input for the continuous-time models (BG/NBD, MBG/NBD, Pareto/NBD) is a [`RepeatHistory`]
//! (x, t_x, T); BG/BB takes a [`DiscreteHistory`] (x, t_x, n).
//!
//! Every model is fitted the same way (see [`fit`]): [`MaximumLikelihood::fit`] takes the data as
//! [`FitData`] (a slice, or rows with weights) and checked options ([`FitOptions`]), and returns a
//! [`ModelFit`] with the model, the log-likelihood, convergence and the parameters' covariance or
//! the reason it is missing ([`CovarianceUnavailable`]).
//!
//! Predictions come one customer at a time, in position-aligned batches (the `_into` methods of
//! [`PurchaseModel`], [`customer_lifetime_values`]), or keyed by customer id
//! ([`predict_purchases_by_customer`], [`predict_value_by_customer`]).
//!
//! # Finite results
//!
//! No function here returns a NaN or an infinity inside `Ok`. The purchase models' parameters are
//! in [[`MIN_PARAMETER`], [`MAX_PARAMETER`]] (10⁻¹⁰ to 10¹⁰, checked by the constructors and when a
//! model is read back through serde), histories hold values up to
//! [`RepeatHistory::MAX_VALUE`] (10¹²); within both, log-likelihoods and probabilities are finite
//! and expectations finite or a [`ClvError::NumericalFailure`] (an expectation beyond f64: t near
//! f64::MAX with a drop-out process that lets it grow without end; each model's module says
//! where else). Every fit keeps its parameters in the same range ([`fit`]), so the model a fit
//! returns predicts finitely too. Gamma-Gamma's γ, in money units, takes any positive finite value
//! (see [`GammaGamma`]). Every series and quadrature has a cap on its terms or nodes, and every
//! fit a cap on its iterations, so no call runs without end.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::RepeatHistory;
//! use customer_value::clv::ClvError;
//!
//! let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
//! assert_eq!(h.frequency(), 2.0);
//! assert!(matches!(RepeatHistory::new(1.0, 40.0, 38.0), Err(ClvError::InvalidHistory { .. })));
//! # Ok::<(), ClvError>(())
//! ```

mod error;
pub mod fit;
mod history;

pub use error::ClvError;
pub use fit::{
    CovarianceUnavailable, FitData, FitOptions, FitWarning, MaximumLikelihood, ModelFit,
    ParameterCovariance, PenaltyConvention,
};
pub use history::{DiscreteHistory, RepeatHistory};
mod parameter_range;
pub use parameter_range::{MAX_PARAMETER, MIN_PARAMETER};

// Purchase models, their diagnostics and simulators.
mod beta_ratio;
mod bg_bb;
mod bg_nbd;
pub mod diagnostics;
mod incomplete_beta;
mod shifted_beta_geometric;
pub mod simulate;
pub mod tracking;
pub use bg_bb::{BgBb, BgBbParams};
pub use bg_nbd::{
    BgNbd, BgNbdFamily, BgNbdParams, BgNbdVariant, ModifiedBgNbd, ModifiedBgNbdParams,
    ModifiedDropout, StandardDropout,
};
pub use shifted_beta_geometric::{
    ContractOutcome, ShiftedBetaGeometric, ShiftedBetaGeometricParams,
};

// The NBD model (no drop-out) and the test of drop-out against it.
mod nbd;
pub use nbd::{dropout_test, nbd_dert, DropoutTest, Nbd, NbdParams};

// The Pareto/NBD model.
mod pareto_nbd;
pub use pareto_nbd::{
    simulate_pareto_nbd, simulate_pareto_nbd_customers, ParetoNbd, ParetoNbdParams,
};

// Time-invariant covariates on the Pareto/NBD and the BG/NBD.
pub mod covariates;
pub use covariates::{
    BgNbdWithCovariates, CovariateEffect, CovariateOptions, Covariates, ParetoNbdWithCovariates,
    WithCovariates,
};

// Spend model, customer lifetime value and the simple formulas.
pub mod formulas;
mod gamma_gamma;
mod value;
pub use gamma_gamma::{
    GammaGamma, GammaGammaOptions, GammaGammaParams, SpendDiagnostics, SpendHistory,
};
pub use value::{
    bg_bb_dert, customer_lifetime_value, customer_lifetime_value_decimal, customer_lifetime_values,
    pareto_nbd_dert, pareto_nbd_residual_value, ClvOptions,
};

// Forecasts beyond the observation: future P(alive), the next purchase, P(alive) along a history.
pub mod forecast;
pub use forecast::{alive_path, AliveForecast, AlivePoint, NextPurchase};

// Forecasts kept per future interval, for customers seen and not yet seen.
pub mod horizon;
pub use horizon::{
    interval_forecast, interval_forecasts, new_customer_interval_forecast,
    new_customer_lifetime_value, ForecastInterval, ForecastIntervals, HorizonUnit,
    IntervalForecast, IntervalRow, MonthLength,
};

// The conditional distribution of future purchases, for every model.
pub mod purchase_distribution;
pub use purchase_distribution::{PurchaseCountDistribution, PurchaseDistribution};

// Intervals on every prediction: delta method and parametric bootstrap.
pub mod uncertainty;

// Batch predictions keyed by customer id.
mod by_customer;
pub use by_customer::{
    predict_purchases_by_customer, predict_value_by_customer, PurchasePrediction, ValuePrediction,
};

/// Predictions shared by the continuous-time purchase models (BG/NBD, MBG/NBD, Pareto/NBD).
///
/// Times are in the unit the model was fitted in (see [`crate::TimeUnit`]).
pub trait PurchaseModel {
    /// E[X(t)]: expected purchases of a new customer in a period of length `t`.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when `t` is negative or not finite, and
    /// [`ClvError::NumericalFailure`] when the expectation exceeds f64 or its series does not
    /// converge (the model's "Finite results" says where).
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError>;

    /// E[Y(t) | x, t_x, T]: expected purchases in the next `t` of a customer with `history`.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when `t` is negative or not finite;
    /// [`ClvError::InvalidHistory`] for a history outside the model (BG/NBD: a fractional x in
    /// (0, 1) with b ≤ 1 − x); [`ClvError::NumericalFailure`] as for
    /// [`PurchaseModel::expected_purchases`].
    fn conditional_expected_purchases(
        &self, t: f64, history: &RepeatHistory,
    ) -> Result<f64, ClvError>;

    /// P(alive | x, t_x, T): the probability that the customer is still active at T.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] for a history outside the model (BG/NBD: a fractional x in
    /// (0, 1) with b ≤ 1 − x), and [`ClvError::NumericalFailure`] if the value cannot be computed
    /// in floating point.
    fn probability_alive(&self, history: &RepeatHistory) -> Result<f64, ClvError>;

    /// P(X(t) = n): the probability that a new customer makes exactly `n` purchases in `t`.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when `t` is negative or not finite, and
    /// [`ClvError::NumericalFailure`] when a series it needs does not converge.
    fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64, ClvError>;

    /// [`PurchaseModel::conditional_expected_purchases`] for every history, written into `out`
    /// (no allocation per customer).
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] when `out` and `histories` differ in length, and the errors of
    /// the single form.
    fn conditional_expected_purchases_into(
        &self, t: f64, histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        fill_each(histories, out, |h| {
            self.conditional_expected_purchases(t, h)
        })
    }

    /// Cumulative expected purchases E[Y(t) | history] at every time of `times` for every history,
    /// written customer by customer into `out`: `out[i * times.len() + k]` is history `i` at
    /// `times[k]`. CLV sums the monthly increments of these curves.
    ///
    /// The default evaluates [`PurchaseModel::conditional_expected_purchases_into`] once per time;
    /// a model whose expectation factors as P(alive) × a closed form in t (Pareto/NBD) overrides it
    /// to compute P(alive) once per customer.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] unless `out.len() == histories.len() * times.len()`, and the
    /// errors of the single form.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, PurchaseModel, RepeatHistory};
    /// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let h = [RepeatHistory::new(2.0, 30.43, 38.86)?];
    /// let mut curve = [0.0; 2];
    /// model.conditional_expected_purchases_curves_into(&[13.0, 39.0], &h, &mut curve)?;
    /// assert!((curve[1] - 1.226028).abs() < 1e-5);
    /// assert!(curve[0] < curve[1]);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn conditional_expected_purchases_curves_into(
        &self, times: &[f64], histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        check_length("out", histories.len() * times.len(), out.len())?;
        let mut column = vec![0.0; histories.len()];
        for (k, &t) in times.iter().enumerate() {
            self.conditional_expected_purchases_into(t, histories, &mut column)?;
            for (i, value) in column.iter().enumerate() {
                out[i * times.len() + k] = *value;
            }
        }
        Ok(())
    }

    /// [`PurchaseModel::probability_alive`] for every history, written into `out`.
    ///
    /// # Errors
    ///
    /// As [`PurchaseModel::conditional_expected_purchases_into`].
    fn probability_alive_into(
        &self, histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        fill_each(histories, out, |h| self.probability_alive(h))
    }
}

/// Writes `f` of every history into `out`, after checking that the two have the same length.
pub(crate) fn fill_each<H>(
    histories: &[H], out: &mut [f64], mut f: impl FnMut(&H) -> Result<f64, ClvError>,
) -> Result<(), ClvError> {
    check_length("out", histories.len(), out.len())?;
    for (h, o) in histories.iter().zip(out.iter_mut()) {
        *o = f(h)?;
    }
    Ok(())
}

/// Checks that the argument `name` is positive and finite.
pub(crate) fn check_positive_argument(name: &'static str, value: f64) -> Result<(), ClvError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(ClvError::InvalidArgument {
            name,
            value,
            constraint: "must be positive and finite",
        })
    }
}

/// Checks that the slice `name` has the `expected` length.
pub(crate) fn check_length(
    name: &'static str, expected: usize, found: usize,
) -> Result<(), ClvError> {
    if expected == found {
        Ok(())
    } else {
        Err(ClvError::LengthMismatch {
            name,
            expected,
            found,
        })
    }
}

/// Checks that the time `name` is non-negative and finite.
pub(crate) fn check_time(name: &'static str, t: f64) -> Result<(), ClvError> {
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
