//! The model summary: the purchase and spend models fitted on every customer, and the figures they
//! give each row (P(alive), expected purchases, expected spend, CLV).

use rust_decimal::Decimal;

use crate::clv::{
    customer_lifetime_values, BgNbd, ClvError, ClvOptions, FitData, FitWarning, GammaGamma,
    MaximumLikelihood, ModelFit, ModifiedBgNbd, ParetoNbd, PurchaseModel, RepeatHistory,
    SpendHistory,
};
use crate::summary::CustomerSummary;

use super::{
    CustomerReport, PurchaseModelKind, PurchaseModelSummary, ReportConfig, ReportWarning,
    SpendModelSummary,
};

/// A failure of the purchase model: its fit (which the data may not support), or its outputs.
pub(super) enum ModelError {
    /// The fit failed.
    Fit(ClvError),
    /// The fitted model failed on a customer.
    Output(ClvError),
}

impl From<ClvError> for ModelError {
    fn from(e: ClvError) -> Self {
        ModelError::Fit(e)
    }
}

/// The fitted models' summaries, or `None` when the purchase model's fit failed on this data
/// (with a warning).
pub(super) type Fitted = Option<(PurchaseModelSummary, Option<SpendModelSummary>)>;

/// Fits the chosen purchase model (and, when asked and the data can support it, the spend model)
/// on every customer and fills P(alive), expected purchases, expected spend and CLV. A fit the
/// data cannot support is skipped with a warning.
pub(super) fn predict_value<C>(
    summaries: &[CustomerSummary<C>], config: &ReportConfig, rows: &mut [CustomerReport<C>],
    warnings: &mut Vec<ReportWarning>,
) -> Result<Fitted, (&'static str, ClvError)> {
    let mut spend_warnings = Vec::new();
    let spend = if config.parts.spend_model {
        Spend::fit_or_skip(summaries, config, &mut spend_warnings)
            .map_err(|e| ("spend_model", e))?
    } else {
        None
    };
    match predict_purchases(summaries, config, spend.as_ref(), rows) {
        Ok(purchase) => {
            if !purchase.converged {
                warnings.push(ReportWarning::PurchaseModelUnconverged {
                    model: config.purchase_model,
                    iterations: purchase.iterations,
                    log_likelihood: purchase.log_likelihood,
                });
            }
            if let Some(FitWarning::DropoutNotIdentified {
                dropout_share,
                window,
                ..
            }) = purchase
                .warnings
                .iter()
                .find(|w| w.dropout_not_identified())
            {
                warnings.push(ReportWarning::PurchaseModelWithoutDropout {
                    model: config.purchase_model,
                    dropout_share: *dropout_share,
                    window: *window,
                });
            }
            warnings.append(&mut spend_warnings);
            Ok(Some((purchase, spend.map(|s| s.summary))))
        }
        Err(ModelError::Fit(e)) if data_limits_fit(&e) => {
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
                    reason: "expected spend and CLV need the purchase model, which was skipped"
                        .to_string(),
                });
            }
            Ok(None)
        }
        Err(ModelError::Fit(e) | ModelError::Output(e)) => Err(("purchase_model", e)),
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

fn predict_purchases<C>(
    summaries: &[CustomerSummary<C>], config: &ReportConfig, spend: Option<&Spend>,
    rows: &mut [CustomerReport<C>],
) -> Result<PurchaseModelSummary, ModelError> {
    let histories: Vec<RepeatHistory> = summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, config.time_unit))
        .collect();
    let horizon = f64::from(config.horizon_months) * config.time_unit.per_month();
    let options = &config.fit_options;
    let (parameters, fit_figures, outputs) = match config.purchase_model {
        PurchaseModelKind::BgNbd => {
            let fit = BgNbd::fit(&histories, options)?;
            let p = fit.model.params();
            let outputs = model_outputs(&fit.model, &histories, horizon, spend, config)
                .map_err(ModelError::Output)?;
            (vec![p.r, p.alpha, p.a, p.b], figures(&fit), outputs)
        }
        PurchaseModelKind::ModifiedBgNbd => {
            let fit = ModifiedBgNbd::fit(&histories, options)?;
            let p = fit.model.params();
            let outputs = model_outputs(&fit.model, &histories, horizon, spend, config)
                .map_err(ModelError::Output)?;
            (vec![p.r, p.alpha, p.a, p.b], figures(&fit), outputs)
        }
        PurchaseModelKind::ParetoNbd => {
            let fit = ParetoNbd::fit(&histories, options)?;
            let p = fit.model.params();
            let outputs = model_outputs(&fit.model, &histories, horizon, spend, config)
                .map_err(ModelError::Output)?;
            (vec![p.r, p.alpha, p.s, p.beta], figures(&fit), outputs)
        }
    };
    for (i, row) in rows.iter_mut().enumerate() {
        row.probability_alive = Some(outputs.alive[i]);
        row.expected_purchases = Some(outputs.expected[i]);
        if let (Some(spend), Some(clv)) = (spend, &outputs.clv) {
            row.expected_spend = Some(spend.expected[i]);
            row.clv = Some(clv[i]);
        }
    }
    Ok(PurchaseModelSummary {
        kind: config.purchase_model,
        parameters,
        standard_errors: fit_figures.1,
        log_likelihood: fit_figures.0,
        iterations: fit_figures.2,
        converged: fit_figures.3,
        horizon,
        warnings: fit_figures.4,
    })
}

/// The fitted Gamma-Gamma model with every customer's spend history and expected spend.
struct Spend {
    model: GammaGamma,
    histories: Vec<SpendHistory>,
    /// Customers whose repeat purchases were all free, or whose refunds took back everything
    /// they bought: expected spend and CLV 0.
    free: Vec<bool>,
    expected: Vec<f64>,
    summary: SpendModelSummary,
}

impl Spend {
    /// The fitted spend model, or `None` with a warning when the data cannot support it.
    fn fit_or_skip<C>(
        summaries: &[CustomerSummary<C>], config: &ReportConfig, warnings: &mut Vec<ReportWarning>,
    ) -> Result<Option<Self>, ClvError> {
        let paid = summaries
            .iter()
            .filter(|s| {
                SpendHistory::from_summary(s)
                    .is_ok_and(|h| h.frequency() > 0.0 && h.mean_spend() > 0.0)
            })
            .count();
        let reason = match paid {
            0 => "no customer has a repeat purchase with a positive amount".to_string(),
            1 => "only one customer has a repeat purchase with a positive amount".to_string(),
            _ => match Self::fit(summaries, config) {
                Ok(spend) => return Ok(Some(spend)),
                Err(e) if data_limits_fit(&e) => format!("the Gamma-Gamma fit failed: {e}"),
                Err(e) => return Err(e),
            },
        };
        warnings.push(ReportWarning::PartSkipped {
            part: "spend_model",
            reason: format!("{reason}; expected spend and CLV are empty"),
        });
        Ok(None)
    }

    fn fit<C>(summaries: &[CustomerSummary<C>], config: &ReportConfig) -> Result<Self, ClvError> {
        let mut histories = Vec::with_capacity(summaries.len());
        let mut free = Vec::with_capacity(summaries.len());
        for s in summaries {
            // A customer whose refunds took back everything they bought (net spend zero or
            // below) is predicted to spend 0: the model's population mean, which one-time buyers
            // would otherwise get, ignores their refunds.
            let bought = s.first_occasion_amount() + s.repeat_spend();
            let refunded_away = s.total_spend() <= Decimal::ZERO && s.total_spend() < bought;
            match SpendHistory::from_summary(s) {
                Ok(h) if !refunded_away => {
                    histories.push(h);
                    free.push(false);
                }
                // Repeat purchases whose mean is not positive (free items, or refunds): the spend
                // model cannot use them; such a customer's spend is predicted as 0.
                _ => {
                    histories.push(SpendHistory::new(0.0, 0.0)?);
                    free.push(true);
                }
            }
        }
        let weights: Vec<f64> = free.iter().map(|f| if *f { 0.0 } else { 1.0 }).collect();
        let data = FitData::weighted(&histories, &weights)?;
        let report = GammaGamma::fit(data, &config.spend_options)?;
        let model = report.model;
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
        let p = model.params();
        let free_count = free
            .iter()
            .zip(summaries)
            .filter(|(f, s)| **f && s.purchase_occasions() > 1)
            .count() as u64;
        let summary = SpendModelSummary {
            parameters: vec![p.p, p.q, p.gamma],
            standard_errors: report.standard_errors().map(<[f64]>::to_vec),
            log_likelihood: report.log_likelihood,
            without_repeat: summaries
                .iter()
                .filter(|s| s.purchase_occasions() == 1)
                .count() as u64,
            free_repeat_buyers: free_count,
            frequency_spend_correlation: report.diagnostics.frequency_spend_correlation,
            warnings: report.warnings.clone(),
        };
        Ok(Self {
            model,
            histories,
            free,
            expected,
            summary,
        })
    }
}

struct ModelOutputs {
    alive: Vec<f64>,
    expected: Vec<f64>,
    clv: Option<Vec<Decimal>>,
}

/// The fit's log-likelihood, standard errors, iterations, whether it converged, and its warnings.
type Figures = (f64, Option<Vec<f64>>, u64, bool, Vec<FitWarning>);

fn figures<M>(fit: &ModelFit<M>) -> Figures {
    (
        fit.log_likelihood,
        fit.standard_errors().map(<[f64]>::to_vec),
        fit.iterations,
        fit.converged,
        fit.warnings.clone(),
    )
}

fn model_outputs<M: PurchaseModel + Sync>(
    model: &M, histories: &[RepeatHistory], horizon: f64, spend: Option<&Spend>,
    config: &ReportConfig,
) -> Result<ModelOutputs, ClvError> {
    let mut alive = vec![0.0; histories.len()];
    let mut expected = vec![0.0; histories.len()];
    model.probability_alive_into(histories, &mut alive)?;
    model.conditional_expected_purchases_into(horizon, histories, &mut expected)?;
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
                &spend.model,
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
