//! Batch predictions keyed by customer id.
//!
//! The batch methods of [`PurchaseModel`] and [`customer_lifetime_values`] write into buffers aligned
//! by position with their input, which is the fastest form but leaves the caller to carry the ids
//! beside the numbers. The functions here take `(id, history)` pairs and return one row per pair, in
//! input order, with its id: nothing to realign, nothing to lose. They compute through the same batch
//! paths, so the numbers are identical to the positional forms.
//!
//! Ids are carried, not checked: a caller that passes one id twice gets two rows. Summaries from
//! [`crate::Summarizer`] hold each customer once.
//!
//! # Examples
//!
//! From summaries to predictions keyed by customer:
//!
//! ```
//! use customer_value::clv::{predict_purchases_by_customer, BgNbd, RepeatHistory};
//! use customer_value::{Summarizer, TimeUnit, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
//! let log = [
//!     Transaction::new("ana", d(1, 1), Decimal::TEN),
//!     Transaction::new("ana", d(3, 1), Decimal::TEN),
//!     Transaction::new("bo", d(2, 1), Decimal::TEN),
//! ];
//! let summaries = Summarizer::new(d(6, 30)).summarize(&log)?;
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?; // Fader, Hardie & Lee (2005), CDNOW
//! let keyed = summaries
//!     .iter()
//!     .map(|s| (*s.customer(), RepeatHistory::from_summary(s, TimeUnit::Weeks)));
//! let predictions = predict_purchases_by_customer(&model, 52.0, keyed)?;
//! assert_eq!(predictions[0].customer, "ana");
//! assert_eq!(predictions[1].customer, "bo");
//! // A repeat buyer is expected to buy more than a one-time buyer of the same age.
//! assert!(predictions[0].expected_purchases > predictions[1].expected_purchases);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use rust_decimal::Decimal;

use crate::clv::{
    check_time, customer_lifetime_values, ClvError, ClvOptions, GammaGamma, PurchaseModel,
    RepeatHistory, SpendHistory,
};
use crate::settings::Settings;

/// One customer's purchase-model predictions, with its id.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PurchasePrediction<C> {
    /// The customer's id, as given.
    pub customer: C,
    /// P(alive | x, t_x, T).
    pub probability_alive: f64,
    /// E[Y(t) | x, t_x, T]: expected purchases in the next `t` model time units.
    pub expected_purchases: f64,
}

/// One customer's purchase, spend and lifetime-value predictions, with its id.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ValuePrediction<C> {
    /// The customer's id, as given.
    pub customer: C,
    /// P(alive | x, t_x, T).
    pub probability_alive: f64,
    /// Expected purchases over the CLV horizon ([`ClvOptions::horizon_months`] months of
    /// [`ClvOptions::time_unit`]).
    pub expected_purchases: f64,
    /// E[Z | x, z̄]: Gamma-Gamma expected spend per transaction, rounded as
    /// [`ClvOptions::to_money`] rounds.
    pub expected_average_spend: Decimal,
    /// Customer lifetime value over the horizon ([`customer_lifetime_values`]), rounded likewise.
    pub clv: Decimal,
}

/// P(alive) and expected purchases in the next `t` for every `(id, history)` pair, one row per
/// pair in input order.
///
/// `t` is in the unit the model was fitted in.
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] when `t` is negative or not finite;
/// - the errors of [`PurchaseModel::probability_alive_into`] and
///   [`PurchaseModel::conditional_expected_purchases_into`] (e.g. [`ClvError::NumericalFailure`]).
///
/// ```
/// use customer_value::clv::{predict_purchases_by_customer, BgNbd, RepeatHistory};
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let bad = vec![(7_u64, RepeatHistory::new(2.0, 30.43, 38.86)?)];
/// assert!(predict_purchases_by_customer(&model, -1.0, bad).is_err());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
///
/// # Examples
///
/// ```
/// use customer_value::clv::{predict_purchases_by_customer, BgNbd, RepeatHistory};
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let rows = predict_purchases_by_customer(
///     &model,
///     39.0,
///     vec![(1516_u64, RepeatHistory::new(2.0, 30.43, 38.86)?)],
/// )?;
/// assert_eq!(rows[0].customer, 1516);
/// assert!((rows[0].expected_purchases - 1.226028).abs() < 1e-5); // Fader, Hardie & Lee (2005)
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn predict_purchases_by_customer<C, M: PurchaseModel + ?Sized>(
    model: &M, t: f64, customers: impl IntoIterator<Item = (C, RepeatHistory)>,
) -> Result<Vec<PurchasePrediction<C>>, ClvError> {
    check_time("t", t)?;
    let (ids, histories): (Vec<C>, Vec<RepeatHistory>) = customers.into_iter().unzip();
    let mut alive = vec![0.0; histories.len()];
    let mut expected = vec![0.0; histories.len()];
    model.probability_alive_into(&histories, &mut alive)?;
    model.conditional_expected_purchases_into(t, &histories, &mut expected)?;
    Ok(ids
        .into_iter()
        .zip(alive.into_iter().zip(expected))
        .map(
            |(customer, (probability_alive, expected_purchases))| PurchasePrediction {
                customer,
                probability_alive,
                expected_purchases,
            },
        )
        .collect())
}

/// P(alive), expected purchases, expected spend and CLV for every `(id, purchase history, spend
/// history)` triple, one row per triple in input order.
///
/// The purchase and spend histories must be in the same unit as the models and as
/// [`ClvOptions::time_unit`]; the money fields are rounded to [`ClvOptions::decimal_places`].
///
/// # Errors
///
/// - [`ClvError::InvalidParameter`] when `options` fail their check;
/// - [`ClvError::HistoryMismatch`] when a triple's two histories disagree on x (with its
///   position);
/// - [`ClvError::InfiniteMeanSpend`] when the spend model's mean spend is infinite;
/// - [`ClvError::NumericalFailure`] when a value is not finite or outside `Decimal`'s range.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{
///     customer_lifetime_value, predict_value_by_customer, ClvOptions, GammaGamma, ParetoNbd,
///     RepeatHistory, SpendHistory,
/// };
/// let purchases = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
/// let spend = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
/// let (h, z) = (RepeatHistory::new(2.0, 30.43, 38.86)?, SpendHistory::new(2.0, 22.35)?);
/// let options = ClvOptions::default();
/// let rows = predict_value_by_customer(&purchases, &spend, vec![("c-1", h, z)], &options)?;
/// let single = customer_lifetime_value(&purchases, &spend, &h, &z, &options)?;
/// assert_eq!((rows[0].customer, rows[0].clv), ("c-1", options.to_money(single)?));
///
/// let mismatched = vec![("c-2", h, SpendHistory::new(1.0, 22.35)?)];
/// assert!(predict_value_by_customer(&purchases, &spend, mismatched, &options).is_err());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn predict_value_by_customer<C, M: PurchaseModel + Sync + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma,
    customers: impl IntoIterator<Item = (C, RepeatHistory, SpendHistory)>, options: &ClvOptions,
) -> Result<Vec<ValuePrediction<C>>, ClvError> {
    options.check()?;
    let mut ids = Vec::new();
    let mut histories = Vec::new();
    let mut spend_histories = Vec::new();
    for (id, history, spend) in customers {
        ids.push(id);
        histories.push(history);
        spend_histories.push(spend);
    }
    let values = customer_lifetime_values(
        purchase_model,
        spend_model,
        &histories,
        &spend_histories,
        options,
    )?;
    let horizon = f64::from(options.horizon_months) * options.time_unit.per_month();
    let keyed =
        predict_purchases_by_customer(purchase_model, horizon, ids.into_iter().zip(histories))?;
    keyed
        .into_iter()
        .zip(values.into_iter().zip(&spend_histories))
        .map(|(row, (value, spend))| {
            let average = spend_model.conditional_expected_average_spend(spend)?;
            Ok(ValuePrediction {
                customer: row.customer,
                probability_alive: row.probability_alive,
                expected_purchases: row.expected_purchases,
                expected_average_spend: options.to_money(average)?,
                clv: options.to_money(value)?,
            })
        })
        .collect()
}
