//! The nonparametric bootstrap CLVTools runs (`uncertainty = "boots"`): the model refitted on R
//! resamples of the customers, drawn with replacement.

use std::ops::Range;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::percentile::percentile_intervals;
use super::{BootstrapOptions, IntervalMethod, ParameterDraws, PredictionInterval};
use crate::clv::fit::engine::Estimator;
use crate::clv::{ClvError, FitData, ModelFit};
use crate::settings::Settings;

/// R models fitted on resamples of `histories`: each resample draws n customers out of the n
/// with replacement (Efron & Tibshirani 1993, §6.2), given to the fit as weights (how many times
/// each customer was drawn). A refit that fails (no convergence, a resample the model cannot
/// identify) is replaced by a fresh resample and counted in [`ParameterDraws::rejected`].
///
/// Every resample's seed is drawn in order from [`BootstrapOptions::seed`] before any fit, and
/// the fits run in parallel, so the models do not depend on the thread count. R fits cost R times
/// the one fit: this is the slow bootstrap, which needs no normal approximation.
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] for invalid options of either kind;
/// - [`ClvError::EmptyInput`] for no histories;
/// - [`ClvError::TooManyRejectedDraws`] when more than R + 10 refits fail.
///
/// # Examples
///
/// See [`customer_bootstrap`].
pub fn resampled_fits<M: Estimator + Send>(
    histories: &[M::History], fit_options: &M::Options, options: &BootstrapOptions,
) -> Result<ParameterDraws<M>, ClvError>
where
    M::History: Sync,
    M::Options: Sync,
{
    options.check()?;
    fit_options.check()?;
    if histories.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    let mut seeds = Xoshiro256PlusPlus::seed_from_u64(options.seed);
    let mut models: Vec<Option<M>> = (0..options.replicates).map(|_| None).collect();
    let (most_rejected, mut rejected) = (options.replicates + 10, 0);
    loop {
        // Seeds for the empty slots, in slot order, then the refits in parallel.
        let todo: Vec<(usize, u64)> = (0..models.len())
            .filter(|&k| models[k].is_none())
            .map(|k| (k, seeds.gen()))
            .collect();
        let fitted: Vec<(usize, Option<M>)> = todo
            .into_par_iter()
            .map(|(k, seed)| (k, refit(histories, fit_options, seed)))
            .collect();
        for (k, model) in fitted {
            rejected += usize::from(model.is_none());
            models[k] = model;
        }
        let accepted = models.iter().filter(|m| m.is_some()).count();
        if accepted == models.len() {
            break;
        }
        if rejected > most_rejected {
            return Err(ClvError::TooManyRejectedDraws {
                replicates: options.replicates,
                accepted,
                rejected,
            });
        }
    }
    Ok(ParameterDraws {
        models: models.into_iter().flatten().collect(),
        rejected,
    })
}

/// The model fitted on one resample of `histories`, drawn from `seed`; `None` if the fit fails.
fn refit<M: Estimator>(histories: &[M::History], fit_options: &M::Options, seed: u64) -> Option<M> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut counts = vec![0.0; histories.len()];
    for _ in 0..histories.len() {
        counts[rng.gen_range(0..histories.len())] += 1.0;
    }
    let data = FitData::weighted(histories, &counts).ok()?;
    M::fit(data, fit_options).ok().map(|fit| fit.model)
}

/// Percentile intervals of `predict` for `customers` customers under the models refitted on R
/// resamples of `histories` ([`resampled_fits`]): the customer-resampling bootstrap, for any
/// prediction of one fit. `fit` is the fit on all of `histories` (its model gives the estimates);
/// `predict` is as for [`super::bootstrap_intervals`]. The result's method is
/// [`IntervalMethod::CustomerBootstrap`].
///
/// # Errors
///
/// The errors of [`resampled_fits`] and of [`super::bootstrap_intervals`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{customer_bootstrap, BootstrapOptions, IntervalMethod};
/// use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd, PurchaseModel,
///     RepeatHistory};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let histories = simulate_pareto_nbd(&truth, &vec![52.0; 500], 3)?;
/// let fit = ParetoNbd::fit(&histories, &FitOptions::default())?;
/// let options = BootstrapOptions { replicates: 20, ..BootstrapOptions::default() };
/// let customers = [RepeatHistory::new(3.0, 50.0, 52.0)?];
/// let i = customer_bootstrap(&fit, &histories, &FitOptions::default(), 1, &options, |m, range, out| {
///     m.probability_alive_into(&customers[range], out)
/// })?;
/// assert!(matches!(i[0].method, IntervalMethod::CustomerBootstrap { replicates: 20, .. }));
/// assert!(i[0].interval.lower <= i[0].interval.estimate && i[0].interval.upper <= 1.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn customer_bootstrap<M: Estimator + Send + Sync, D>(
    fit: &ModelFit<M, D>, histories: &[M::History], fit_options: &M::Options, customers: usize,
    options: &BootstrapOptions,
    predict: impl Fn(&M, Range<usize>, &mut [f64]) -> Result<(), ClvError> + Sync,
) -> Result<Vec<PredictionInterval>, ClvError>
where
    M::History: Sync,
    M::Options: Sync,
{
    let draws = resampled_fits(histories, fit_options, options)?;
    let method = IntervalMethod::CustomerBootstrap {
        replicates: draws.models.len(),
        failed_refits: draws.rejected,
        seed: options.seed,
    };
    percentile_intervals(
        &fit.model,
        &draws.models,
        customers,
        options.level,
        method,
        predict,
    )
}
