//! The model part of the report: the purchase and spend models, fitted on every customer or
//! given, and the figures they give each row (P(alive), expected purchases, expected spend, CLV).

use rust_decimal::Decimal;

use crate::clv::{
    customer_lifetime_values, ClvError, ClvOptions, FitData, FitWarning, GammaGamma,
    MaximumLikelihood, PurchaseModel, RepeatHistory, SpendHistory,
};
use crate::summary::CustomerSummary;

use super::fitted::with_fit;
use super::warnings::model_name;
use super::{
    CustomerReport, PurchaseModelFit, PurchaseModelSummary, ReportConfig, ReportModels,
    ReportWarning, SpendModelSummary,
};

/// The part that failed, the model it ran (named in the report's error) and its error.
pub(super) struct PartError {
    /// The field of [`ReportParts`](super::ReportParts).
    pub part: &'static str,
    /// The model's usual name (`"BG/NBD"`, `"Gamma-Gamma"`, …).
    pub model: &'static str,
    /// The model's error.
    pub error: ClvError,
}

/// The horizon of the expected purchases, in model time units.
fn horizon(config: &ReportConfig) -> f64 {
    f64::from(config.horizon_months) * config.time_unit.per_month()
}

/// The models a report used: the purchase model, and the spend model when it ran.
pub(super) type Used = (PurchaseModelSummary, Option<SpendModelSummary>);

/// Fills P(alive), expected purchases, expected spend and CLV of every row with the `given`
/// models, or with models fitted on every customer, and returns the models used. A purchase
/// model the data cannot support (its fit or its predictions fail) returns `None`, a spend model
/// or CLV it cannot support is left out, each with a warning.
pub(super) fn predict_value<C>(
    summaries: &[CustomerSummary<C>], config: &ReportConfig, given: Option<&ReportModels>,
    rows: &mut [CustomerReport<C>], warnings: &mut Vec<ReportWarning>,
) -> Result<Option<Used>, PartError> {
    let model = model_name(config.purchase_model);
    let failed = |part, model, error| PartError { part, model, error };
    let mut spend_warnings = Vec::new();
    let spend = if config.parts.spend_model {
        spend_or_skip(summaries, config, given, &mut spend_warnings)
            .map_err(|e| failed("spend_model", "Gamma-Gamma", e))?
    } else {
        None
    };
    let histories: Vec<RepeatHistory> = summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, config.time_unit))
        .collect();
    let purchase = match given {
        Some(models) => models.purchase.clone(),
        None => match fit_purchase(&histories, config) {
            Ok(fit) => fit,
            Err(e) if data_limits_fit(&e) => {
                skip_purchase(&e, "", config, warnings);
                return Ok(None);
            }
            Err(e) => return Err(failed("purchase_model", model, e)),
        },
    };
    let predicted = with_fit!(&purchase, fit => predict_purchases(&fit.model, &histories, config));
    let (alive, expected) = match predicted {
        Ok(predicted) => predicted,
        Err(e) if failed_numerically(&e) => {
            let context = "P(alive) or the expected purchases could not be computed: ";
            skip_purchase(&e, context, config, warnings);
            return Ok(None);
        }
        Err(e) => return Err(failed("purchase_model", model, e)),
    };
    warn_about_purchase(&purchase, warnings);
    warnings.append(&mut spend_warnings);
    let spend = match spend {
        Some(spend) => clv_or_skip(spend, &purchase, &histories, config, warnings)
            .map_err(|e| failed("spend_model", model, e))?,
        None => None,
    };
    for (i, row) in rows.iter_mut().enumerate() {
        row.probability_alive = Some(alive[i]);
        row.expected_purchases = Some(expected[i]);
        if let Some((spend, clv)) = &spend {
            row.expected_spend = Some(spend.expected[i]);
            row.clv = Some(clv[i]);
        }
    }
    let summary = PurchaseModelSummary {
        fit: purchase,
        time_unit: config.time_unit,
        horizon: horizon(config),
    };
    Ok(Some((summary, spend.map(|(s, _)| s.summary))))
}

fn fit_purchase(
    histories: &[RepeatHistory], config: &ReportConfig,
) -> Result<PurchaseModelFit, ClvError> {
    PurchaseModelFit::fit(config.purchase_model, histories, &config.fit_options)
}

/// The warning of a purchase model the data cannot support (its fit or, after `context`, its
/// predictions failed), and of the spend model that needs it.
fn skip_purchase(
    e: &ClvError, context: &str, config: &ReportConfig, warnings: &mut Vec<ReportWarning>,
) {
    let (iterations, log_likelihood, reason) = match e {
        ClvError::NotConverged {
            iterations,
            log_likelihood,
        } => (
            Some(*iterations),
            // A warning in an `Ok` report holds finite numbers only.
            Some(*log_likelihood).filter(|ll| ll.is_finite()),
            "the fit did not converge".to_string(),
        ),
        _ => (None, None, format!("{context}{e}")),
    };
    warnings.push(ReportWarning::PurchaseModelSkipped {
        model: config.purchase_model,
        reason,
        iterations,
        log_likelihood,
    });
    if config.parts.spend_model {
        warnings.push(ReportWarning::PartSkipped {
            part: "spend_model",
            reason: "expected spend and CLV need the purchase model, which was skipped".to_string(),
        });
    }
}

/// The spend model with every customer's CLV under `purchase`, or `None` with a warning when
/// the CLV cannot be computed in floating point or as money.
fn clv_or_skip(
    spend: Spend, purchase: &PurchaseModelFit, histories: &[RepeatHistory], config: &ReportConfig,
    warnings: &mut Vec<ReportWarning>,
) -> Result<Option<(Spend, Vec<Decimal>)>, ClvError> {
    let clv = with_fit!(purchase, fit => lifetime_values(&fit.model, histories, &spend, config));
    match clv {
        Ok(clv) => Ok(Some((spend, clv))),
        Err(e) if failed_numerically(&e) => {
            warnings.push(ReportWarning::PartSkipped {
                part: "spend_model",
                reason: format!(
                    "the CLV of the {} and Gamma-Gamma models could not be computed: {e}; \
                     expected spend and CLV are empty",
                    model_name(purchase.kind())
                ),
            });
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The warnings of a purchase model used although unconverged or without drop-out.
fn warn_about_purchase(purchase: &PurchaseModelFit, warnings: &mut Vec<ReportWarning>) {
    if !purchase.converged() {
        warnings.push(ReportWarning::PurchaseModelUnconverged {
            model: purchase.kind(),
            iterations: purchase.iterations(),
            log_likelihood: purchase.log_likelihood(),
        });
    }
    if let Some(FitWarning::DropoutNotIdentified {
        dropout_share,
        window,
        ..
    }) = purchase
        .warnings()
        .iter()
        .find(|w| w.dropout_not_identified())
    {
        warnings.push(ReportWarning::PurchaseModelWithoutDropout {
            model: purchase.kind(),
            dropout_share: *dropout_share,
            window: *window,
        });
    }
}

/// Failures of a fit that mean the data cannot support the model.
fn data_limits_fit(e: &ClvError) -> bool {
    matches!(
        e,
        ClvError::NotIdentifiable { .. }
            | ClvError::NotConverged { .. }
            | ClvError::NumericalFailure { .. }
            | ClvError::InfiniteMeanSpend { .. }
    )
}

/// Failures of a prediction that mean the model's figures for this data are not representable:
/// a quantity f64 (or `Decimal`, for money) cannot hold, a series that does not settle, a model
/// answering NaN or ∞.
fn failed_numerically(e: &ClvError) -> bool {
    matches!(
        e,
        ClvError::NumericalFailure { .. }
            | ClvError::InvalidPrediction { .. }
            | ClvError::InfiniteMeanSpend { .. }
    )
}

/// Why there is no spend model: the data cannot support it (a warning), or another failure.
enum NoSpend {
    Skipped(String),
    Failed(ClvError),
}

impl NoSpend {
    /// `e` of `what`: skipped when the data cannot support the model, else failed.
    fn from_error(what: &str, e: ClvError) -> Self {
        if data_limits_fit(&e) {
            NoSpend::Skipped(format!("{what}: {e}"))
        } else {
            NoSpend::Failed(e)
        }
    }
}

/// The spend model of the `given` models or fitted on every customer, or `None` with a warning
/// when there is none or the data cannot support it.
fn spend_or_skip<C>(
    summaries: &[CustomerSummary<C>], config: &ReportConfig, given: Option<&ReportModels>,
    warnings: &mut Vec<ReportWarning>,
) -> Result<Option<Spend>, ClvError> {
    let spend = match given {
        Some(models) => models
            .spend
            .clone()
            .ok_or_else(|| NoSpend::Skipped("the given models have no spend model".to_string()))
            .and_then(|summary| {
                Spend::score(summary, summaries)
                    .map_err(|e| NoSpend::from_error("the given Gamma-Gamma model failed", e))
            }),
        None => fit_spend(summaries, config),
    };
    match spend {
        Ok(spend) => Ok(Some(spend)),
        Err(NoSpend::Failed(e)) => Err(e),
        Err(NoSpend::Skipped(reason)) => {
            warnings.push(ReportWarning::PartSkipped {
                part: "spend_model",
                reason: format!("{reason}; expected spend and CLV are empty"),
            });
            Ok(None)
        }
    }
}

/// The spend model fitted on every customer, unless fewer than two have a repeat purchase with a
/// positive amount.
fn fit_spend<C>(summaries: &[CustomerSummary<C>], config: &ReportConfig) -> Result<Spend, NoSpend> {
    let paid = summaries
        .iter()
        .filter(|s| {
            SpendHistory::from_summary(s).is_ok_and(|h| h.frequency() > 0.0 && h.mean_spend() > 0.0)
        })
        .count();
    match paid {
        0 => Err(NoSpend::Skipped(
            "no customer has a repeat purchase with a positive amount".to_string(),
        )),
        1 => Err(NoSpend::Skipped(
            "only one customer has a repeat purchase with a positive amount".to_string(),
        )),
        _ => Spend::fit(summaries, config)
            .map_err(|e| NoSpend::from_error("the Gamma-Gamma fit failed", e)),
    }
}

/// The spend model with every customer's spend history and expected spend.
struct Spend {
    summary: SpendModelSummary,
    histories: Vec<SpendHistory>,
    /// Customers whose repeat purchases were all free, or whose refunds took back everything
    /// they bought: expected spend and CLV 0.
    free: Vec<bool>,
    expected: Vec<f64>,
}

impl Spend {
    /// The Gamma-Gamma model fitted on every customer whose spend it can use.
    fn fit<C>(summaries: &[CustomerSummary<C>], config: &ReportConfig) -> Result<Self, ClvError> {
        let (histories, free) = spend_histories(summaries)?;
        let weights: Vec<f64> = free.iter().map(|f| if *f { 0.0 } else { 1.0 }).collect();
        let fit = GammaGamma::fit(
            FitData::weighted(&histories, &weights)?,
            &config.spend_options,
        )?;
        let free_repeat_buyers = free
            .iter()
            .zip(summaries)
            .filter(|(f, s)| **f && s.purchase_occasions() > 1)
            .count() as u64;
        let summary = SpendModelSummary {
            fit,
            without_repeat: summaries
                .iter()
                .filter(|s| s.purchase_occasions() == 1)
                .count() as u64,
            free_repeat_buyers,
        };
        Self::predict(summary, histories, free)
    }

    /// The expected spend of every customer under a spend model fitted earlier.
    fn score<C>(
        summary: SpendModelSummary, summaries: &[CustomerSummary<C>],
    ) -> Result<Self, ClvError> {
        let (histories, free) = spend_histories(summaries)?;
        Self::predict(summary, histories, free)
    }

    fn predict(
        summary: SpendModelSummary, histories: Vec<SpendHistory>, free: Vec<bool>,
    ) -> Result<Self, ClvError> {
        let model = &summary.fit.model;
        let expected = histories
            .iter()
            .zip(&free)
            .map(|(h, f)| {
                if *f {
                    Ok(0.0)
                } else {
                    model.conditional_expected_average_spend(h)
                }
            })
            .collect::<Result<Vec<f64>, ClvError>>()?;
        Ok(Self {
            summary,
            histories,
            free,
            expected,
        })
    }
}

/// Every customer's spend history, and whether the spend model cannot use it (then the customer's
/// spend is predicted as 0).
fn spend_histories<C>(
    summaries: &[CustomerSummary<C>],
) -> Result<(Vec<SpendHistory>, Vec<bool>), ClvError> {
    let mut histories = Vec::with_capacity(summaries.len());
    let mut free = Vec::with_capacity(summaries.len());
    for s in summaries {
        // A customer whose refunds took back everything they bought (net spend zero or below) is
        // predicted to spend 0: the model's population mean, which one-time buyers would
        // otherwise get, ignores their refunds.
        let bought = s.first_occasion_amount() + s.repeat_spend();
        let refunded_away = s.total_spend() <= Decimal::ZERO && s.total_spend() < bought;
        match SpendHistory::from_summary(s) {
            Ok(h) if !refunded_away => {
                histories.push(h);
                free.push(false);
            }
            // Repeat purchases whose mean is not positive (free items, or refunds): the spend
            // model cannot use them.
            _ => {
                histories.push(SpendHistory::new(0.0, 0.0)?);
                free.push(true);
            }
        }
    }
    Ok((histories, free))
}

/// Every customer's P(alive) and expected purchases over the horizon.
fn predict_purchases<M: PurchaseModel + Sync>(
    model: &M, histories: &[RepeatHistory], config: &ReportConfig,
) -> Result<(Vec<f64>, Vec<f64>), ClvError> {
    let mut alive = vec![0.0; histories.len()];
    let mut expected = vec![0.0; histories.len()];
    model.probability_alive_into(histories, &mut alive)?;
    model.conditional_expected_purchases_into(horizon(config), histories, &mut expected)?;
    // Bounded like the purchase counts the crate reads, so that the totals per group (sums over
    // up to 10²⁹⁶ customers) stay finite.
    if expected.iter().any(|e| *e > RepeatHistory::MAX_VALUE) {
        return Err(ClvError::NumericalFailure {
            what: "an expected number of purchases exceeds 10^12, the largest purchase count the \
                   crate reads (RepeatHistory::MAX_VALUE)",
        });
    }
    Ok((alive, expected))
}

/// The largest CLV the report holds: 10¹⁸, [`MAX_AMOUNT`](crate::summary::MAX_AMOUNT).
const MAX_CLV: f64 = 1e18;

/// Every customer's CLV as money, rounded to [`ReportConfig::money_scale`]; 0 for a customer
/// whose repeat purchases were all free.
fn lifetime_values<M: PurchaseModel + Sync>(
    model: &M, histories: &[RepeatHistory], spend: &Spend, config: &ReportConfig,
) -> Result<Vec<Decimal>, ClvError> {
    let options = ClvOptions {
        horizon_months: config.horizon_months,
        monthly_discount_rate: config.monthly_discount_rate,
        time_unit: config.time_unit,
        ..ClvOptions::default()
    };
    // Customers whose repeat purchases were all free have no spend to model: CLV 0.
    let paid: Vec<usize> = (0..histories.len()).filter(|&i| !spend.free[i]).collect();
    let paid_histories: Vec<RepeatHistory> = paid.iter().map(|&i| histories[i]).collect();
    let paid_spend: Vec<SpendHistory> = paid.iter().map(|&i| spend.histories[i]).collect();
    let values = customer_lifetime_values(
        model,
        &spend.summary.fit.model,
        &paid_histories,
        &paid_spend,
        &options,
    )?;
    let mut money = vec![Decimal::ZERO; histories.len()];
    for (&i, value) in paid.iter().zip(values) {
        // Bounded like the log's amounts, so that the totals per group cannot overflow `Decimal`
        // for any number of customers that fits in memory (see the summary module).
        if value.abs() > MAX_CLV {
            return Err(ClvError::NumericalFailure {
                what: "a CLV exceeds 10^18, the largest amount the crate reads \
                       (summary::MAX_AMOUNT)",
            });
        }
        money[i] = super::round_money(value, config.money_scale)?;
    }
    Ok(money)
}
