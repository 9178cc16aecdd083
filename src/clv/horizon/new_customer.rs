//! A customer not yet seen: expected purchases and value per interval, and CLV, of an average
//! customer acquired at the observation end or at a later time (CLVTools' `newcustomer`).
//!
//! Such a customer has no history, so the purchase model's unconditional E[X(t)]
//! ([`PurchaseModel::expected_purchases`]: repeat purchases in the first t after acquisition; the
//! acquisition purchase itself is not counted, as in CLVTools) replaces the conditional one, and
//! the Gamma-Gamma population mean E\[Z\] = pγ/(q − 1) ([`GammaGamma::mean_spend`]) the customer's
//! conditional spend. Its value is the discounted expected transactions (DET) of a customer just
//! acquired (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", section 2: the
//! expected transactions of a new customer, discounted) times E\[Z\], discounted here month by month
//! as [`crate::clv::customer_lifetime_value`] discounts. A customer acquired `acquisition_days`
//! after the observation end buys E[X(t − t₀)] by t (none before t₀), discounted from the
//! observation end.

use crate::clv::diagnostics::{checked_answer, Answer, Asked};
use crate::clv::horizon::plan::Plan;
use crate::clv::horizon::{ForecastIntervals, IntervalForecast, MonthLength};
use crate::clv::{ClvError, ClvOptions, GammaGamma, PurchaseModel};
use crate::settings::Settings;

/// Expected repeat purchases and discounted value in each of `intervals` of an average customer
/// acquired `acquisition_days` days after the observation end (0: acquired now).
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] for invalid options, or naming `acquisition_days` when it is
///   negative or not finite;
/// - [`ClvError::InfiniteMeanSpend`] when q ≤ 1 (the mean spend pγ/(q − 1) is infinite);
/// - [`ClvError::InvalidPrediction`] when the purchase model answers an expectation that is
///   negative or not finite;
/// - [`ClvError::NumericalFailure`] when a value overflows f64 or `Decimal`;
/// - the purchase model's errors.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{new_customer_interval_forecast, BgNbd, ClvOptions, ForecastIntervals, GammaGamma,
///     HorizonUnit, MonthLength, PurchaseModel};
/// let purchases = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let years = ForecastIntervals::contiguous(HorizonUnit::Years, MonthLength::Average, &[0, 1, 2])?;
/// let now = new_customer_interval_forecast(&purchases, &spend, &years, 0.0, &ClvOptions::default())?;
/// // The first year holds E[X(52.18 weeks)].
/// let first = purchases.expected_purchases(365.25 / 7.0)?;
/// assert!((now.rows[0].expected_purchases - first).abs() < 1e-12);
/// // Acquired a year from now: nothing in the first year, the first year's purchases in the second.
/// let later = new_customer_interval_forecast(&purchases, &spend, &years, 365.25, &ClvOptions::default())?;
/// assert_eq!(later.rows[0].expected_purchases, 0.0);
/// assert!((later.rows[1].expected_purchases - first).abs() < 1e-12);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn new_customer_interval_forecast<M: PurchaseModel + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma, intervals: &ForecastIntervals,
    acquisition_days: f64, options: &ClvOptions,
) -> Result<IntervalForecast, ClvError> {
    options.check()?;
    if !(acquisition_days.is_finite() && acquisition_days >= 0.0) {
        return Err(ClvError::InvalidArgument {
            name: "acquisition_days",
            value: acquisition_days,
            constraint: "must be non-negative and finite",
        });
    }
    let spend = spend_model.mean_spend()?;
    let plan = Plan::new(intervals, options);
    let acquired = acquisition_days / options.time_unit.days();
    let curve = plan
        .times()
        .iter()
        .map(|&t| {
            let value = purchase_model.expected_purchases((t - acquired).max(0.0))?;
            checked_answer(
                value,
                Answer::Expectation,
                Asked::new("expected_purchases", "new_customer_interval_forecast", None),
            )
        })
        .collect::<Result<Vec<f64>, ClvError>>()?;
    plan.forecast(intervals, &curve, spend, options)
}

/// The CLV of an average customer acquired `acquisition_days` days after the observation end,
/// over the options' horizon, by [`crate::clv::customer_lifetime_value`]'s formula with the
/// unconditional expectations:
///
/// CLV = Σ_{m = 1}^{H} E\[Z\] · (E[X(m·u − t₀)] − E[X((m − 1)·u − t₀)]) / (1 + d)^m,
///
/// E[X(t)] = 0 for t ≤ 0, u the model time units in lifetimes' month (30 days or 4.345 weeks), E\[Z\]
/// = pγ/(q − 1).
///
/// # Errors
///
/// As [`new_customer_interval_forecast`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{new_customer_lifetime_value, ClvOptions, GammaGamma, Nbd};
/// // NBD: E[X(t)] = r t/α, so each month holds r u/α = 0.5 · 4.345/10 purchases.
/// let purchases = Nbd::new(0.5, 10.0)?;
/// let spend = GammaGamma::new(2.0, 3.0, 10.0)?; // E[Z] = 2 · 10/(3 − 1) = 10
/// let options = ClvOptions { horizon_months: 2, ..ClvOptions::default() };
/// let clv = new_customer_lifetime_value(&purchases, &spend, 0.0, &options)?;
/// let month = 0.5 * 4.345 / 10.0 * 10.0;
/// assert!((clv - (month / 1.01 + month / 1.01 / 1.01)).abs() < 1e-12);
/// assert!(new_customer_lifetime_value(&purchases, &GammaGamma::new(2.0, 0.5, 10.0)?, 0.0, &options).is_err());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn new_customer_lifetime_value<M: PurchaseModel + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma, acquisition_days: f64, options: &ClvOptions,
) -> Result<f64, ClvError> {
    options.check()?;
    // With no month there is no value, but the spend model and the time are still checked on
    // one month.
    let months = ForecastIntervals::monthly(
        MonthLength::Lifetimes(options.time_unit),
        options.horizon_months.max(1),
    )?;
    let forecast = new_customer_interval_forecast(
        purchase_model,
        spend_model,
        &months,
        acquisition_days,
        options,
    )?;
    Ok(if options.horizon_months == 0 {
        0.0
    } else {
        forecast.value
    })
}
