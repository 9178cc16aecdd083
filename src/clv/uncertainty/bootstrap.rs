//! Parametric-bootstrap intervals for every customer of a batch: any prediction of one fit, and
//! the named forms (P(alive), expected purchases, expected spend, CLV).

use std::ops::Range;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{bootstrap_intervals, BootstrapOptions, ParameterDraws, PredictionInterval};
use crate::clv::value::check_pair;
use crate::clv::{
    check_length, check_time, customer_lifetime_values, ClvError, ClvOptions, GammaGamma,
    MaximumLikelihood, ModelFit, PurchaseModel, RepeatHistory, SpendHistory,
};
use crate::settings::Settings;

/// Percentile intervals of `predict` for `customers` customers, under models drawn from the
/// fit's asymptotic normal ([`ParameterDraws::from_fit`]): the generic entry, for any
/// prediction of one fit. `predict(model, range, out)` writes the predictions of the customers
/// at positions `range` into `out`, as for [`bootstrap_intervals`].
///
/// # Errors
///
/// The errors of [`ParameterDraws::from_fit`] and of [`bootstrap_intervals`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{parametric_bootstrap, BootstrapOptions};
/// use customer_value::clv::{simulate_pareto_nbd, AliveForecast, FitOptions, MaximumLikelihood,
///     ParetoNbd, RepeatHistory};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// let customers = [RepeatHistory::new(3.0, 50.0, 52.0)?, RepeatHistory::new(0.0, 0.0, 52.0)?];
/// // P(no purchase in the next 13 weeks), for each customer.
/// let options = BootstrapOptions { replicates: 100, ..BootstrapOptions::default() };
/// let intervals = parametric_bootstrap(&fit, customers.len(), &options, |model, range, out| {
///     for (o, h) in out.iter_mut().zip(&customers[range]) {
///         *o = model.probability_no_purchase(13.0, h)?;
///     }
///     Ok(())
/// })?;
/// assert!(intervals[0].interval.upper < intervals[1].interval.lower);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn parametric_bootstrap<M: MaximumLikelihood + Sync, D>(
    fit: &ModelFit<M, D>, customers: usize, options: &BootstrapOptions,
    predict: impl Fn(&M, Range<usize>, &mut [f64]) -> Result<(), ClvError> + Sync,
) -> Result<Vec<PredictionInterval>, ClvError> {
    let draws = ParameterDraws::from_fit(fit, options)?;
    bootstrap_intervals(&fit.model, &draws, customers, options, predict)
}

/// Parametric-bootstrap intervals of P(alive) ([`PurchaseModel::probability_alive_into`]) for
/// every history, in input order; within [0, 1].
///
/// # Errors
///
/// As [`parametric_bootstrap`], and the model's errors of
/// [`PurchaseModel::probability_alive_into`].
///
/// # Examples
///
/// See the [module](super) example.
pub fn probability_alive_bootstrap_intervals<M: MaximumLikelihood + PurchaseModel + Sync, D>(
    fit: &ModelFit<M, D>, histories: &[RepeatHistory], options: &BootstrapOptions,
) -> Result<Vec<PredictionInterval>, ClvError> {
    parametric_bootstrap(fit, histories.len(), options, |model, range, out| {
        let start = range.start;
        model
            .probability_alive_into(&histories[range], out)
            .map_err(|e| at_offset(e, start))
    })
}

/// Parametric-bootstrap intervals of the expected purchases in the next `t`
/// ([`PurchaseModel::conditional_expected_purchases_into`]) for every history, in input order.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] naming `t` when it is negative or not finite, the errors of
/// [`parametric_bootstrap`], and the model's errors of
/// [`PurchaseModel::conditional_expected_purchases_into`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{expected_purchases_bootstrap_intervals, BootstrapOptions};
/// use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd, RepeatHistory};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// let h = [RepeatHistory::new(3.0, 50.0, 52.0)?];
/// let options = BootstrapOptions { replicates: 100, ..BootstrapOptions::default() };
/// let i = expected_purchases_bootstrap_intervals(&fit, 26.0, &h, &options)?[0].interval;
/// assert!(0.0 < i.lower && i.lower < i.estimate && i.estimate < i.upper);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn expected_purchases_bootstrap_intervals<M: MaximumLikelihood + PurchaseModel + Sync, D>(
    fit: &ModelFit<M, D>, t: f64, histories: &[RepeatHistory], options: &BootstrapOptions,
) -> Result<Vec<PredictionInterval>, ClvError> {
    check_time("t", t)?;
    parametric_bootstrap(fit, histories.len(), options, |model, range, out| {
        let start = range.start;
        model
            .conditional_expected_purchases_into(t, &histories[range], out)
            .map_err(|e| at_offset(e, start))
    })
}

/// Parametric-bootstrap intervals of the expected spend per transaction
/// ([`GammaGamma::conditional_expected_average_spend`]) for every spend history, in input order.
///
/// A draw with q ≤ 1 is outside the space where the mean spend is finite: it is rejected and
/// redrawn like a draw with a parameter ≤ 0, and counted in the result's `rejected_draws`.
///
/// # Errors
///
/// As [`parametric_bootstrap`] (the spend fit named `"spend model"` in
/// [`ClvError::NoCovariance`]), and [`ClvError::InfiniteMeanSpend`] when the fitted q itself
/// makes a customer's mean spend infinite.
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{expected_spend_bootstrap_intervals, BootstrapOptions};
/// use customer_value::clv::{GammaGamma, MaximumLikelihood, SpendHistory};
/// let spends: Vec<SpendHistory> = (0..200)
///     .map(|i| SpendHistory::new(1.0 + f64::from(i % 5), 20.0 + f64::from(i % 17) * 3.0))
///     .collect::<Result<_, _>>()?;
/// let fit = GammaGamma::fit(&spends, &Default::default())?;
/// let options = BootstrapOptions { replicates: 100, ..BootstrapOptions::default() };
/// let i = expected_spend_bootstrap_intervals(&fit, &spends[..3], &options)?;
/// assert!(i.iter().all(|i| i.interval.lower <= i.interval.estimate && i.interval.estimate <= i.interval.upper));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn expected_spend_bootstrap_intervals<D>(
    spend_fit: &ModelFit<GammaGamma, D>, spend_histories: &[SpendHistory],
    options: &BootstrapOptions,
) -> Result<Vec<PredictionInterval>, ClvError> {
    options.check()?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed);
    let draws = spend_draws(spend_fit, options.replicates, &mut rng)?;
    let predict = |model: &GammaGamma, range: Range<usize>, out: &mut [f64]| {
        for (o, z) in out.iter_mut().zip(&spend_histories[range]) {
            *o = model.conditional_expected_average_spend(z)?;
        }
        Ok(())
    };
    bootstrap_intervals(
        &spend_fit.model,
        &draws,
        spend_histories.len(),
        options,
        predict,
    )
}

/// Parametric-bootstrap intervals of CLV ([`customer_lifetime_values`]) for every customer
/// (`histories[i]` with `spend_histories[i]`), in input order, under both fits' uncertainty.
///
/// The purchase fit and the spend fit are independent (block-diagonal joint covariance, see
/// [`super::joint_delta_interval`]): each replicate pairs a purchase model drawn from the
/// purchase fit's normal with a spend model drawn from the spend fit's, the R purchase draws
/// first and then the R spend draws, from the one seeded stream. Spend draws with q ≤ 1 (infinite
/// mean spend) are rejected and redrawn; `rejected_draws` counts the rejections of both.
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] for invalid options of either kind;
/// - [`ClvError::LengthMismatch`] and [`ClvError::HistoryMismatch`] (with its position) as
///   [`customer_lifetime_values`];
/// - [`ClvError::NoCovariance`] naming the `"purchase model"` or the `"spend model"`;
/// - the errors of [`ParameterDraws::from_fit`], [`bootstrap_intervals`] and
///   [`customer_lifetime_values`] (positions counted in the whole slice).
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{clv_bootstrap_intervals, BootstrapOptions};
/// use customer_value::clv::{simulate_pareto_nbd, ClvOptions, FitOptions, GammaGamma, MaximumLikelihood,
///     ParetoNbd, RepeatHistory, SpendHistory};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let purchases = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// let spends: Vec<SpendHistory> = (0..200)
///     .map(|i| SpendHistory::new(1.0 + f64::from(i % 5), 20.0 + f64::from(i % 17) * 3.0))
///     .collect::<Result<_, _>>()?;
/// let spend = GammaGamma::fit(&spends, &Default::default())?;
/// let h = [RepeatHistory::new(3.0, 50.0, 52.0)?, RepeatHistory::new(0.0, 0.0, 52.0)?];
/// let z = [SpendHistory::new(3.0, 40.0)?, SpendHistory::new(0.0, 0.0)?];
/// let options = BootstrapOptions { replicates: 100, ..BootstrapOptions::default() };
/// let clv = clv_bootstrap_intervals(&purchases, &spend, &h, &z, &ClvOptions::default(), &options)?;
/// assert!(clv[0].interval.lower > clv[1].interval.upper);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn clv_bootstrap_intervals<P: MaximumLikelihood + PurchaseModel + Sync, DP, DS>(
    purchase_fit: &ModelFit<P, DP>, spend_fit: &ModelFit<GammaGamma, DS>,
    histories: &[RepeatHistory], spend_histories: &[SpendHistory], clv_options: &ClvOptions,
    options: &BootstrapOptions,
) -> Result<Vec<PredictionInterval>, ClvError> {
    options.check()?;
    clv_options.check()?;
    check_length("spend_histories", histories.len(), spend_histories.len())?;
    for (i, (h, z)) in histories.iter().zip(spend_histories).enumerate() {
        check_pair(h, z, Some(i))?;
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed);
    let purchases = ParameterDraws::draw(
        purchase_fit,
        "purchase model",
        options.replicates,
        &mut rng,
        |_| true,
    )?;
    let spends = spend_draws(spend_fit, options.replicates, &mut rng)?;
    let draws = ParameterDraws {
        models: purchases.models.iter().zip(&spends.models).collect(),
        rejected: purchases.rejected + spends.rejected,
    };
    let estimate = (&purchase_fit.model, &spend_fit.model);
    let predict = |&(p, s): &(&P, &GammaGamma), range: Range<usize>, out: &mut [f64]| {
        let start = range.start;
        let values = customer_lifetime_values(
            p,
            s,
            &histories[range.clone()],
            &spend_histories[range],
            clv_options,
        )
        .map_err(|e| at_offset(e, start))?;
        out.copy_from_slice(&values);
        Ok(())
    };
    bootstrap_intervals(&estimate, &draws, histories.len(), options, predict)
}

/// `replicates` spend models from the spend fit, q > 1 (a finite mean spend) in each.
fn spend_draws<D>(
    spend_fit: &ModelFit<GammaGamma, D>, replicates: usize, rng: &mut Xoshiro256PlusPlus,
) -> Result<ParameterDraws<GammaGamma>, ClvError> {
    ParameterDraws::draw(spend_fit, "spend model", replicates, rng, |m| {
        m.params().q > 1.0
    })
}

/// The error of a block of customers starting at `offset`, with the customer's position counted
/// in the whole slice.
fn at_offset(error: ClvError, offset: usize) -> ClvError {
    match error {
        ClvError::InvalidPrediction {
            function,
            caller,
            position,
            value,
        } => ClvError::InvalidPrediction {
            function,
            caller,
            position: position.map(|p| p + offset),
            value,
        },
        ClvError::InvalidHistory { position, detail } => ClvError::InvalidHistory {
            position: position.map(|p| p + offset),
            detail,
        },
        other => other,
    }
}
