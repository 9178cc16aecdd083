//! The model part of the report: the purchase and spend models, fitted on every customer or
//! given, and the figures they give each row (P(alive), expected purchases, expected spend, CLV).

use rust_decimal::Decimal;

use crate::clv::{
    customer_lifetime_values, BgNbd, ClvError, ClvOptions, FitData, FitWarning, GammaGamma,
    MaximumLikelihood, ModifiedBgNbd, ParetoNbd, PurchaseModel, RepeatHistory, SpendHistory,
};
use crate::summary::CustomerSummary;

use super::fitted::with_fit;
use super::{
    CustomerReport, PurchaseModelFit, PurchaseModelKind, PurchaseModelSummary, ReportConfig,
    ReportModels, ReportWarning, SpendModelSummary,
};

/// The part that failed, and its error.
pub(super) type PartError = (&'static str, ClvError);

/// The horizon of the expected purchases, in model time units.
fn horizon(config: &ReportConfig) -> f64 {
    f64::from(config.horizon_months) * config.time_unit.per_month()
}

/// The models a report used: the purchase model, and the spend model when it ran.
pub(super) type Used = (PurchaseModelSummary, Option<SpendModelSummary>);

/// Fills P(alive), expected purchases, expected spend and CLV of every row with the `given`
/// models, or with models fitted on every customer, and returns the models used. A purchase-model
/// fit the data cannot support returns `None`, a spend model it cannot support is left out, each
/// with a warning.
pub(super) fn predict_value<C>(
    summaries: &[CustomerSummary<C>], config: &ReportConfig, given: Option<&ReportModels>,
    rows: &mut [CustomerReport<C>], warnings: &mut Vec<ReportWarning>,
) -> Result<Option<Used>, PartError> {
    let mut spend_warnings = Vec::new();
    let spend = if config.parts.spend_model {
        spend_or_skip(summaries, config, given, &mut spend_warnings)
            .map_err(|e| ("spend_model", e))?
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
                skip_purchase(e, config, warnings);
                return Ok(None);
            }
            Err(e) => return Err(("purchase_model", e)),
        },
    };
    warn_about_purchase(&purchase, warnings);
    warnings.append(&mut spend_warnings);
    let outputs = with_fit!(&purchase, fit => {
        model_outputs(&fit.model, &histories, spend.as_ref(), config)
    })
    .map_err(|e| ("purchase_model", e))?;
    for (i, row) in rows.iter_mut().enumerate() {
        row.probability_alive = Some(outputs.alive[i]);
        row.expected_purchases = Some(outputs.expected[i]);
        if let (Some(spend), Some(clv)) = (&spend, &outputs.clv) {
            row.expected_spend = Some(spend.expected[i]);
            row.clv = Some(clv[i]);
        }
    }
    let summary = PurchaseModelSummary {
        fit: purchase,
        time_unit: config.time_unit,
        horizon: horizon(config),
    };
    Ok(Some((summary, spend.map(|s| s.summary))))
}

fn fit_purchase(
    histories: &[RepeatHistory], config: &ReportConfig,
) -> Result<PurchaseModelFit, ClvError> {
    let options = &config.fit_options;
    Ok(match config.purchase_model {
        PurchaseModelKind::BgNbd => PurchaseModelFit::BgNbd(BgNbd::fit(histories, options)?),
        PurchaseModelKind::ModifiedBgNbd => {
            PurchaseModelFit::ModifiedBgNbd(ModifiedBgNbd::fit(histories, options)?)
        }
        PurchaseModelKind::ParetoNbd => {
            PurchaseModelFit::ParetoNbd(ParetoNbd::fit(histories, options)?)
        }
    })
}

/// The warning of a purchase-model fit the data cannot support, and of the spend model that
/// needs it.
fn skip_purchase(e: ClvError, config: &ReportConfig, warnings: &mut Vec<ReportWarning>) {
    let (iterations, log_likelihood) = match e {
        ClvError::NotConverged {
            iterations,
            log_likelihood,
        } => (Some(iterations), Some(log_likelihood)),
        _ => (None, None),
    };
    let reason = match e {
        ClvError::NotConverged { .. } => "the fit did not converge".to_string(),
        _ => e.to_string(),
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

struct ModelOutputs {
    alive: Vec<f64>,
    expected: Vec<f64>,
    clv: Option<Vec<Decimal>>,
}

fn model_outputs<M: PurchaseModel + Sync>(
    model: &M, histories: &[RepeatHistory], spend: Option<&Spend>, config: &ReportConfig,
) -> Result<ModelOutputs, ClvError> {
    let mut alive = vec![0.0; histories.len()];
    let mut expected = vec![0.0; histories.len()];
    model.probability_alive_into(histories, &mut alive)?;
    model.conditional_expected_purchases_into(horizon(config), histories, &mut expected)?;
    let clv = match spend {
        None => None,
        Some(spend) => {
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
                money[i] = super::round_money(value, config.money_scale)?;
            }
            Some(money)
        }
    };
    Ok(ModelOutputs {
        alive,
        expected,
        clv,
    })
}
