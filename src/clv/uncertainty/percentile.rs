//! The percentile interval of every customer's prediction under R drawn models, in parallel
//! blocks of customers.

use std::ops::Range;

use rayon::prelude::*;

use super::{BootstrapOptions, IntervalMethod, ParameterDraws, PredictionInterval};
use crate::clv::ClvError;
use crate::numeric::quantile::quantile_sorted;
use crate::settings::Settings;
use crate::Interval;

/// Customers per block: each block keeps R values per customer (3.3 MB for R = 200).
const BLOCK: usize = 2_048;

/// The percentile interval of each of `customers` predictions under every model of `draws`, the
/// engine of every batch bootstrap here.
///
/// `predict(model, range, out)` writes the predictions of the customers at positions `range`
/// under `model` into `out` (`out.len() == range.len()`); it is called for the estimate and for
/// each drawn model on blocks of up to 2,048 customers, from rayon's threads. The interval of a
/// customer is the (1 − level)/2 and (1 + level)/2 quantiles (Hyndman–Fan type 7, as
/// [`crate::numeric::quantile`]) of its R values, widened to the estimate (the prediction under
/// `estimate`) when the estimate falls outside them, so that it always contains the estimate (a
/// prediction strongly skewed in the parameters can put the estimate beyond a tail quantile at
/// small R). `options.replicates` is not read: the replicates are `draws.models`.
///
/// The output is in customer order and does not depend on the thread count: each customer's
/// interval depends only on its own values.
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] for invalid options;
/// - [`ClvError::EmptyInput`] when `draws` holds no model;
/// - [`ClvError::InvalidPrediction`] naming the customer's position when a prediction is not
///   finite;
/// - the errors of `predict`.
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{bootstrap_intervals, BootstrapOptions, ParameterDraws};
/// // A "model" that is a rate, drawn five times; the prediction for customer i is i × rate.
/// let draws = ParameterDraws { models: vec![0.8, 0.9, 1.0, 1.1, 1.2], rejected: 0 };
/// let options = BootstrapOptions { level: 0.5, ..BootstrapOptions::default() };
/// let intervals = bootstrap_intervals(&1.0, &draws, 3, &options, |rate, range, out| {
///     for (o, i) in out.iter_mut().zip(range) {
///         *o = i as f64 * rate;
///     }
///     Ok(())
/// })?;
/// // Customer 2: values 1.6, 1.8, 2.0, 2.2, 2.4; their quartiles are 1.8 and 2.2.
/// let i = intervals[2].interval;
/// assert_eq!(i.estimate, 2.0);
/// assert!((i.lower - 1.8).abs() < 1e-12 && (i.upper - 2.2).abs() < 1e-12);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn bootstrap_intervals<T: Sync>(
    estimate: &T, draws: &ParameterDraws<T>, customers: usize, options: &BootstrapOptions,
    predict: impl Fn(&T, Range<usize>, &mut [f64]) -> Result<(), ClvError> + Sync,
) -> Result<Vec<PredictionInterval>, ClvError> {
    options.check()?;
    let method = IntervalMethod::ParametricBootstrap {
        replicates: draws.models.len(),
        rejected_draws: draws.rejected,
        seed: options.seed,
    };
    percentile_intervals(
        estimate,
        &draws.models,
        customers,
        options.level,
        method,
        predict,
    )
}

/// [`bootstrap_intervals`] at a checked `level`, the result's method given.
pub(super) fn percentile_intervals<T: Sync>(
    estimate: &T, models: &[T], customers: usize, level: f64, method: IntervalMethod,
    predict: impl Fn(&T, Range<usize>, &mut [f64]) -> Result<(), ClvError> + Sync,
) -> Result<Vec<PredictionInterval>, ClvError> {
    if models.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    let blank = PredictionInterval {
        interval: Interval::new(0.0, 0.0, 0.0, level),
        method,
    };
    let mut intervals = vec![blank; customers];
    intervals
        .par_chunks_mut(BLOCK)
        .enumerate()
        .try_for_each(|(b, out)| {
            let range = b * BLOCK..b * BLOCK + out.len();
            let block = Block { range, level };
            block.intervals(estimate, models, &predict, out)
        })?;
    Ok(intervals)
}

/// One block of customers and the level of their intervals.
struct Block {
    range: Range<usize>,
    level: f64,
}

impl Block {
    /// The intervals of the block's customers, written into `out`.
    fn intervals<T>(
        &self, estimate: &T, models: &[T],
        predict: &impl Fn(&T, Range<usize>, &mut [f64]) -> Result<(), ClvError>,
        out: &mut [PredictionInterval],
    ) -> Result<(), ClvError> {
        let n = self.range.len();
        let mut estimates = vec![0.0; n];
        self.predict_checked(estimate, predict, &mut estimates)?;
        // Replicate-major: row r holds every customer's value under model r, as `predict` writes.
        let mut values = vec![0.0; models.len() * n];
        for (model, row) in models.iter().zip(values.chunks_mut(n)) {
            self.predict_checked(model, predict, row)?;
        }
        let mut column = vec![0.0; models.len()];
        for (i, o) in out.iter_mut().enumerate() {
            for (c, row) in column.iter_mut().zip(values.chunks(n)) {
                *c = row[i];
            }
            o.interval = self.percentile_interval(estimates[i], &mut column);
        }
        Ok(())
    }

    /// `predict` of the block under `model`, every value checked finite.
    fn predict_checked<T>(
        &self, model: &T, predict: &impl Fn(&T, Range<usize>, &mut [f64]) -> Result<(), ClvError>,
        out: &mut [f64],
    ) -> Result<(), ClvError> {
        predict(model, self.range.clone(), out)?;
        match out.iter().position(|v| !v.is_finite()) {
            None => Ok(()),
            Some(i) => Err(ClvError::InvalidPrediction {
                function: "predict",
                caller: "bootstrap_intervals",
                position: Some(self.range.start + i),
                value: out[i],
            }),
        }
    }

    /// The percentile interval of `values` (finite, reordered in place), widened to `estimate`.
    fn percentile_interval(&self, estimate: f64, values: &mut [f64]) -> Interval {
        values.sort_unstable_by(f64::total_cmp);
        let tail = (1.0 - self.level) / 2.0;
        // Finite, non-empty values: the quantiles exist (the fallbacks are never taken).
        let lower = quantile_sorted(values, tail).unwrap_or(estimate);
        let upper = quantile_sorted(values, 1.0 - tail).unwrap_or(estimate);
        Interval::new(
            estimate,
            lower.min(estimate),
            upper.max(estimate),
            self.level,
        )
    }
}
