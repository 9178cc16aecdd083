//! Per-interval forecasts of customers already seen, from their (x, t_x, T) and spend histories.

use rayon::prelude::*;

use crate::clv::horizon::plan::Plan;
use crate::clv::horizon::{ForecastIntervals, IntervalForecast};
use crate::clv::value::check_curves;
use crate::clv::{
    check_length, ClvError, ClvOptions, GammaGamma, PurchaseModel, RepeatHistory, SpendHistory,
};
use crate::settings::Settings;

/// One customer's expected purchases and discounted value in each of `intervals` (see the
/// [module docs](crate::clv::horizon) for the formulas and the discounting). The histories are in
/// [`ClvOptions::time_unit`]; [`ClvOptions::horizon_months`] is not used (the intervals are the
/// horizon).
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] for invalid options;
/// - [`ClvError::HistoryMismatch`] when the two histories' x differ;
/// - [`ClvError::InfiniteMeanSpend`] when the spend model's conditional mean is infinite;
/// - [`ClvError::InvalidPrediction`] when the purchase model answers an expectation that is
///   negative or not finite;
/// - [`ClvError::NumericalFailure`] when a value overflows f64 or `Decimal`;
/// - the purchase model's errors.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{customer_lifetime_value, interval_forecast, ClvOptions, ForecastIntervals, GammaGamma,
///     MonthLength, ParetoNbd, RepeatHistory, SpendHistory};
/// let purchases = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
/// let spend = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
/// let (h, z) = (RepeatHistory::new(2.0, 30.43, 38.86)?, SpendHistory::new(2.0, 22.35)?);
/// let options = ClvOptions::default();
/// // lifetimes' months (4.345 weeks): the twelve rows add up to the 12-month CLV.
/// let months = ForecastIntervals::monthly(MonthLength::Lifetimes(options.time_unit), 12)?;
/// let forecast = interval_forecast(&purchases, &spend, &h, &z, &months, &options)?;
/// let clv = customer_lifetime_value(&purchases, &spend, &h, &z, &options)?;
/// assert!((forecast.value - clv).abs() < 1e-9);
/// assert!(forecast.rows[0].value > forecast.rows[11].value);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn interval_forecast<M: PurchaseModel + Sync + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma, history: &RepeatHistory,
    spend_history: &SpendHistory, intervals: &ForecastIntervals, options: &ClvOptions,
) -> Result<IntervalForecast, ClvError> {
    let mut one = interval_forecasts(
        purchase_model,
        spend_model,
        std::slice::from_ref(history),
        std::slice::from_ref(spend_history),
        intervals,
        options,
    )
    .map_err(|e| match e {
        // A single customer has no position.
        ClvError::HistoryMismatch {
            purchase_frequency,
            spend_frequency,
            ..
        } => ClvError::HistoryMismatch {
            position: None,
            purchase_frequency,
            spend_frequency,
        },
        other => other,
    })?;
    one.pop().ok_or(ClvError::EmptyInput)
}

/// Customers per parallel chunk of [`interval_forecasts`].
const CHUNK: usize = 1_024;

/// [`interval_forecast`] for every customer (`histories[i]` with `spend_histories[i]`), in
/// parallel chunks through the model's batch curves
/// ([`PurchaseModel::conditional_expected_purchases_curves_into`]); each forecast depends only on
/// its own customer, so the output does not depend on the thread count.
///
/// # Errors
///
/// [`ClvError::LengthMismatch`] when the slices differ in length, [`ClvError::HistoryMismatch`]
/// and [`ClvError::InvalidPrediction`] with the customer's position, and the errors of the single
/// form.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{interval_forecast, interval_forecasts, BgNbd, ClvOptions, ForecastIntervals,
///     GammaGamma, MonthLength, RepeatHistory, SpendHistory};
/// let purchases = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let h = [RepeatHistory::new(2.0, 30.43, 38.86)?, RepeatHistory::new(0.0, 0.0, 38.86)?];
/// let z = [SpendHistory::new(2.0, 22.35)?, SpendHistory::new(0.0, 0.0)?];
/// let months = ForecastIntervals::monthly(MonthLength::Average, 3)?;
/// let options = ClvOptions::default();
/// let all = interval_forecasts(&purchases, &spend, &h, &z, &months, &options)?;
/// assert_eq!(all[1], interval_forecast(&purchases, &spend, &h[1], &z[1], &months, &options)?);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn interval_forecasts<M: PurchaseModel + Sync + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma, histories: &[RepeatHistory],
    spend_histories: &[SpendHistory], intervals: &ForecastIntervals, options: &ClvOptions,
) -> Result<Vec<IntervalForecast>, ClvError> {
    options.check()?;
    check_length("spend_histories", histories.len(), spend_histories.len())?;
    for (i, (h, z)) in histories.iter().zip(spend_histories).enumerate() {
        if h.frequency() != z.frequency() {
            return Err(ClvError::HistoryMismatch {
                position: Some(i),
                purchase_frequency: h.frequency(),
                spend_frequency: z.frequency(),
            });
        }
    }
    let plan = Plan::new(intervals, options);
    let times = plan.times();
    let chunks: Vec<Vec<IntervalForecast>> = histories
        .par_chunks(CHUNK)
        .zip(spend_histories.par_chunks(CHUNK))
        .enumerate()
        .map(|(c, (chunk, spend_chunk))| {
            let mut curves = vec![0.0; chunk.len() * times.len()];
            purchase_model.conditional_expected_purchases_curves_into(times, chunk, &mut curves)?;
            check_curves(&curves, times.len(), c * CHUNK, "interval_forecasts")?;
            curves
                .chunks(times.len())
                .zip(spend_chunk)
                .map(|(curve, z)| {
                    let spend = spend_model.conditional_expected_average_spend(z)?;
                    plan.forecast(intervals, curve, spend, options)
                })
                .collect()
        })
        .collect::<Result<_, ClvError>>()?;
    Ok(chunks.into_iter().flatten().collect())
}
