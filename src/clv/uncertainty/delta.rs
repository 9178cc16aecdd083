//! Delta-method intervals on any prediction of one fit or of a purchase fit and a spend fit
//! together, and their named forms (CLV, expected spend, the forecasts).

use super::{IntervalMethod, PredictionInterval};
use crate::clv::diagnostics::delta_method_interval;
use crate::clv::{
    customer_lifetime_value, AliveForecast, ClvError, ClvOptions, GammaGamma, MaximumLikelihood,
    ModelFit, PurchaseModel, RepeatHistory, SpendHistory,
};
use crate::Interval;

/// The delta-method interval of `prediction`, a function of the fitted model, at `level`:
/// g(θ̂) ± z · √(∇gᵀ Σ ∇g) with Σ the fit's covariance and ∇g by central differences (see
/// [`delta_method_interval`]). Any per-customer prediction gets its interval this way; the
/// interval is not clipped (clip it to the prediction's range with [`Interval::clamped`]).
///
/// # Errors
///
/// [`ClvError::NoCovariance`] when the fit has no covariance, and the errors of
/// [`delta_method_interval`] ([`ClvError::InvalidArgument`] for a `level` outside (0, 1), those of
/// `prediction`).
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::delta_interval;
/// use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd, PurchaseModel};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// // A new customer's expected purchases in a year.
/// let i = delta_interval(&fit, 0.95, |model| model.expected_purchases(52.0))?.interval;
/// assert_eq!(i.estimate, fit.model.expected_purchases(52.0)?);
/// assert!(i.lower < i.estimate && i.estimate < i.upper && i.standard_error.is_some());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn delta_interval<M: MaximumLikelihood, D>(
    fit: &ModelFit<M, D>, level: f64, prediction: impl Fn(&M) -> Result<f64, ClvError>,
) -> Result<PredictionInterval, ClvError> {
    let covariance = fit.covariance_or_error("model")?;
    let interval = delta_method_interval(
        |p| prediction(&M::from_parameters(p)?),
        &fit.model.parameters(),
        &covariance.matrix,
        level,
    )?;
    Ok(delta(interval))
}

/// The delta-method interval of `prediction`, a function of a purchase model and a spend model
/// fitted separately, at `level`.
///
/// The two fits maximise likelihoods that share no parameter (Fader, Hardie & Lee 2005, "RFM and
/// CLV", §3: spend is independent of the transaction process), so the joint covariance of
/// (θ_purchase, θ_spend) is block-diagonal, diag(Σ_purchase, Σ_spend), and the variance is
/// ∇_pᵀ Σ_purchase ∇_p + ∇_sᵀ Σ_spend ∇_s.
///
/// # Errors
///
/// [`ClvError::NoCovariance`] naming the `"purchase model"` or the `"spend model"` when that fit
/// has no covariance, and the errors of [`delta_method_interval`].
///
/// # Examples
///
/// See [`clv_delta_interval`], which is this with CLV as the prediction.
pub fn joint_delta_interval<P: MaximumLikelihood, DP, S: MaximumLikelihood, DS>(
    purchase_fit: &ModelFit<P, DP>, spend_fit: &ModelFit<S, DS>, level: f64,
    prediction: impl Fn(&P, &S) -> Result<f64, ClvError>,
) -> Result<PredictionInterval, ClvError> {
    let purchase = purchase_fit.covariance_or_error("purchase model")?;
    let spend = spend_fit.covariance_or_error("spend model")?;
    let k = P::PARAMETER_NAMES.len();
    let mut parameters = purchase_fit.model.parameters();
    parameters.extend(spend_fit.model.parameters());
    let covariance = block_diagonal(&purchase.matrix, &spend.matrix);
    let interval = delta_method_interval(
        |p| prediction(&P::from_parameters(&p[..k])?, &S::from_parameters(&p[k..])?),
        &parameters,
        &covariance,
        level,
    )?;
    Ok(delta(interval))
}

/// diag(a, b): the covariance of two independent parameter vectors.
fn block_diagonal(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len() + b.len();
    let mut matrix = vec![vec![0.0; n]; n];
    for (i, row) in a.iter().enumerate() {
        matrix[i][..row.len()].copy_from_slice(row);
    }
    for (i, row) in b.iter().enumerate() {
        matrix[a.len() + i][a.len()..a.len() + row.len()].copy_from_slice(row);
    }
    matrix
}

/// The delta-method interval of one customer's CLV ([`customer_lifetime_value`]) under both
/// fits' uncertainty (block-diagonal, see [`joint_delta_interval`]), clipped below at 0.
///
/// # Errors
///
/// As [`joint_delta_interval`], and those of [`customer_lifetime_value`] at the fitted
/// parameters (invalid options, histories that disagree on x, an infinite mean spend).
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::clv_delta_interval;
/// use customer_value::clv::{customer_lifetime_value, simulate_pareto_nbd, ClvOptions, FitOptions,
///     GammaGamma, MaximumLikelihood, ParetoNbd, RepeatHistory, SpendHistory};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let purchases = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// let spends: Vec<SpendHistory> = (0..200)
///     .map(|i| SpendHistory::new(1.0 + f64::from(i % 5), 20.0 + f64::from(i % 17) * 3.0))
///     .collect::<Result<_, _>>()?;
/// let spend = GammaGamma::fit(&spends, &Default::default())?;
/// let (h, z) = (RepeatHistory::new(3.0, 50.0, 52.0)?, SpendHistory::new(3.0, 40.0)?);
/// let options = ClvOptions::default();
/// let i = clv_delta_interval(&purchases, &spend, &h, &z, &options, 0.95)?.interval;
/// assert_eq!(i.estimate, customer_lifetime_value(&purchases.model, &spend.model, &h, &z, &options)?);
/// assert!(0.0 <= i.lower && i.lower < i.estimate && i.estimate < i.upper);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn clv_delta_interval<P: MaximumLikelihood + PurchaseModel, DP, DS>(
    purchase_fit: &ModelFit<P, DP>, spend_fit: &ModelFit<GammaGamma, DS>, history: &RepeatHistory,
    spend_history: &SpendHistory, options: &ClvOptions, level: f64,
) -> Result<PredictionInterval, ClvError> {
    let i = joint_delta_interval(purchase_fit, spend_fit, level, |p, s| {
        customer_lifetime_value(p, s, history, spend_history, options)
    })?;
    Ok(clipped(i, 0.0, f64::INFINITY))
}

/// The delta-method interval of one customer's expected spend per transaction
/// ([`GammaGamma::conditional_expected_average_spend`]), clipped below at 0.
///
/// # Errors
///
/// As [`delta_interval`], and [`ClvError::InfiniteMeanSpend`] when the fitted q makes the
/// customer's mean spend infinite.
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::expected_spend_delta_interval;
/// use customer_value::clv::{GammaGamma, MaximumLikelihood, SpendHistory};
/// let spends: Vec<SpendHistory> = (0..200)
///     .map(|i| SpendHistory::new(1.0 + f64::from(i % 5), 20.0 + f64::from(i % 17) * 3.0))
///     .collect::<Result<_, _>>()?;
/// let fit = GammaGamma::fit(&spends, &Default::default())?;
/// let one = expected_spend_delta_interval(&fit, &SpendHistory::new(1.0, 40.0)?, 0.95)?.interval;
/// let ten = expected_spend_delta_interval(&fit, &SpendHistory::new(10.0, 40.0)?, 0.95)?.interval;
/// // Ten purchases at 40 pin the customer's spend down better than one: less of the population
/// // prior, so less of its uncertainty.
/// assert!(ten.width() < one.width());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn expected_spend_delta_interval<D>(
    spend_fit: &ModelFit<GammaGamma, D>, spend_history: &SpendHistory, level: f64,
) -> Result<PredictionInterval, ClvError> {
    let i = delta_interval(spend_fit, level, |s| {
        s.conditional_expected_average_spend(spend_history)
    })?;
    Ok(clipped(i, 0.0, f64::INFINITY))
}

/// The delta-method interval of P(alive at T + t | history) ([`AliveForecast::probability_alive_at`]),
/// clipped to [0, 1].
///
/// # Errors
///
/// As [`delta_interval`], and those of [`AliveForecast::probability_alive_at`] (a `t` negative or
/// not finite).
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::probability_alive_at_delta_interval;
/// use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd, RepeatHistory};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// let h = RepeatHistory::new(3.0, 50.0, 52.0)?;
/// let now = probability_alive_at_delta_interval(&fit, 0.0, &h, 0.95)?.interval;
/// let in_a_year = probability_alive_at_delta_interval(&fit, 52.0, &h, 0.95)?.interval;
/// assert!(in_a_year.estimate < now.estimate && in_a_year.lower >= 0.0 && now.upper <= 1.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn probability_alive_at_delta_interval<M: MaximumLikelihood + AliveForecast, D>(
    fit: &ModelFit<M, D>, t: f64, history: &RepeatHistory, level: f64,
) -> Result<PredictionInterval, ClvError> {
    let i = delta_interval(fit, level, |m| m.probability_alive_at(t, history))?;
    Ok(clipped(i, 0.0, 1.0))
}

/// The delta-method interval of P(no purchase in (T, T + t] | history)
/// ([`AliveForecast::probability_no_purchase`]), clipped to [0, 1].
///
/// # Errors
///
/// As [`probability_alive_at_delta_interval`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::probability_no_purchase_delta_interval;
/// use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd, RepeatHistory};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// let h = RepeatHistory::new(3.0, 50.0, 52.0)?;
/// let i = probability_no_purchase_delta_interval(&fit, 13.0, &h, 0.9)?.interval;
/// assert!(0.0 <= i.lower && i.lower < i.estimate && i.estimate < i.upper && i.upper <= 1.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn probability_no_purchase_delta_interval<M: MaximumLikelihood + AliveForecast, D>(
    fit: &ModelFit<M, D>, t: f64, history: &RepeatHistory, level: f64,
) -> Result<PredictionInterval, ClvError> {
    let i = delta_interval(fit, level, |m| m.probability_no_purchase(t, history))?;
    Ok(clipped(i, 0.0, 1.0))
}

/// A delta-method result.
fn delta(interval: Interval) -> PredictionInterval {
    PredictionInterval {
        interval,
        method: IntervalMethod::DeltaMethod,
    }
}

/// The interval with its bounds clipped to the prediction's range.
fn clipped(i: PredictionInterval, min: f64, max: f64) -> PredictionInterval {
    PredictionInterval {
        interval: i.interval.clamped(min, max),
        ..i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_diagonal_places_each_block_on_the_diagonal() {
        let m = block_diagonal(&[vec![1.0, 2.0], vec![2.0, 5.0]], &[vec![7.0]]);
        assert_eq!(
            m,
            vec![
                vec![1.0, 2.0, 0.0],
                vec![2.0, 5.0, 0.0],
                vec![0.0, 0.0, 7.0]
            ]
        );
    }
}
