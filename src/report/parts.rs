//! Running each part: what the data cannot support becomes a warning, any other failure an error
//! that names the part, the setting to change and the customer.

use std::fmt::Debug;
use std::hash::Hash;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::clv::ClvError;
use crate::lifecycle::LifecycleError;
use crate::segment::{Feature, SegmentError, SegmentModel};
use crate::summary::{CustomerSummary, SummaryError};
use crate::{Error, Transaction};

use super::models::PartError;
use super::rows::KMeansOutcome;
use super::{rows, CustomerReport, ReportConfig, ReportError, ReportWarning};

/// What to change when a part fails.
fn advice(part: &str) -> &'static str {
    match part {
        "summary" => "check the log and the as-of date",
        "rfm" => "change config.rfm, or set parts.rfm = false to skip it",
        "value_matrix" => "change config.value_matrix, or set parts.value_matrix = false to skip it",
        "purchase_model" => {
            "change config.purchase_model or config.fit_options, or set parts.purchase_model = false to skip it"
        }
        "spend_model" => {
            "change config.spend_options, or set parts.spend_model = false to skip it"
        }
        "segmentation" => {
            "change config.segmentation, or set parts.segmentation = false to skip it"
        }
        "lifecycle" => "change config.lifecycle, or set parts.lifecycle = false to skip it",
        _ => "change config.kpi_period_days, or set parts.kpis = false to skip it",
    }
}

/// The position an error names, and whether it is a line of the log (else a summary).
fn position(err: &Error) -> Option<(usize, bool)> {
    use LifecycleError as L;
    match err {
        Error::Summary(
            SummaryError::LateTransaction { position, .. }
            | SummaryError::Refund { position, .. }
            | SummaryError::AmountOutOfRange { position, .. },
        ) => Some((*position, true)),
        Error::Lifecycle(
            L::OccasionsNotKept { position }
            | L::AsOfAfterObservationEnd { position, .. }
            | L::DuplicateCustomer { position, .. }
            | L::Model { position, .. }
            | L::InvalidProbability { position, .. },
        ) => Some((*position, false)),
        Error::Clv(
            ClvError::InvalidHistory {
                position: Some(position),
                ..
            }
            | ClvError::HistoryMismatch {
                position: Some(position),
                ..
            }
            | ClvError::InvalidWeight { position, .. },
        ) => Some((*position, false)),
        Error::Segment(
            SegmentError::NonFinite { row, .. }
            | SegmentError::Log1pDomain { row, .. }
            | SegmentError::DuplicateCustomer { position: row, .. },
        ) => Some((*row, false)),
        Error::Kpi(
            crate::kpi::KpiError::OccasionsNotKept { position }
            | crate::kpi::KpiError::AfterObservationEnd { position, .. },
        ) => Some((*position, false)),
        _ => None,
    }
}

/// The error of a part: its message names the customer (by id) in place of a position.
pub(super) fn failure<C: Debug>(
    part: &'static str, log: &[Transaction<C>], summaries: &[CustomerSummary<C>],
    err: impl Into<Error>,
) -> Error {
    let err = err.into();
    let mut message = err.to_string();
    let customer = position(&err).and_then(|(p, in_log)| {
        let id = if in_log {
            log.get(p).map(|t| format!("{:?}", t.customer))
        } else {
            summaries.get(p).map(|s| format!("{:?}", s.customer()))
        }?;
        for (from, to) in [
            (
                format!("transaction {p} "),
                format!("the transaction of customer {id} "),
            ),
            (
                format!("the summary at position {p}"),
                format!("the summary of customer {id}"),
            ),
            (
                format!("the customer at position {p}"),
                format!("customer {id}"),
            ),
            (
                format!("customer at position {p}"),
                format!("customer {id}"),
            ),
            (format!("of position {p}"), format!("of customer {id}")),
            (format!(" at position {p}"), format!(" of customer {id}")),
            (format!("at row {p}"), format!("of customer {id}")),
        ] {
            message = message.replacen(&from, &to, 1);
        }
        Some(id)
    });
    Error::Report(ReportError::PartFailed {
        part,
        customer,
        message,
        advice: advice(part),
        source: Box::new(err),
    })
}

/// The error of a model of a part: [`failure`], its message naming the model.
pub(super) fn model_failure<C: Debug>(
    e: PartError, log: &[Transaction<C>], summaries: &[CustomerSummary<C>],
) -> Error {
    let mut err = failure(e.part, log, summaries, e.error);
    if let Error::Report(ReportError::PartFailed { message, .. }) = &mut err {
        *message = format!("the {} model: {message}", e.model);
    }
    err
}

/// Warns when every amount of the log is zero, and returns whether it is.
pub(super) fn check_amounts<C>(
    summaries: &[CustomerSummary<C>], warnings: &mut Vec<ReportWarning>,
) -> bool {
    let no_amounts = summaries
        .iter()
        .all(|s| s.total_spend() == Decimal::ZERO && s.average_order_value() == Decimal::ZERO);
    if no_amounts {
        warnings.push(ReportWarning::NoAmounts {
            customers: summaries.len() as u64,
        });
    }
    no_amounts
}

/// k-means on the configured features, or the `given` model's assignment; a constant money
/// feature of the default features is dropped, other failures the data causes skip the part.
pub(super) fn segmentation<C: Clone + Debug + Eq + Hash + Ord + Send + Sync>(
    rows: &mut [CustomerReport<C>], summaries: &[CustomerSummary<C>], config: &ReportConfig,
    given: Option<&SegmentModel>, warnings: &mut Vec<ReportWarning>,
) -> Result<KMeansOutcome, SegmentError> {
    let segmenter = &config.segmentation;
    match rows::fill_kmeans_segments(rows, summaries, segmenter, given) {
        Err(SegmentError::ConstantFeature { name, .. })
            if name == Feature::Monetary.name()
                && *segmenter == segmenter.clone().features(&Feature::RFM) =>
        {
            let fewer = segmenter
                .clone()
                .features(&[Feature::RecencyDays, Feature::PurchaseOccasions]);
            let reason = "every customer's total spend is the same".to_string();
            warnings.push(ReportWarning::FeatureDropped {
                feature: name,
                reason,
            });
            match rows::fill_kmeans_segments(rows, summaries, &fewer, None) {
                Err(e) if data_limits_segmentation(&e) => skip_segmentation(e, warnings),
                other => other,
            }
        }
        Err(e) if data_limits_segmentation(&e) => skip_segmentation(e, warnings),
        other => other,
    }
}

/// Whether k-means failed for a reason of the data (skipped with a warning), not of the
/// settings (an error). Exhaustive, so that a new error is classified when it is added.
fn data_limits_segmentation(e: &SegmentError) -> bool {
    use SegmentError as S;
    match e {
        // Every customer left out (net spend below zero), too few distinct customers, a feature
        // constant or varying below f64's resolution, values whose scale overflows f64, a
        // quality metric undefined for this many customers, linfa refusing the points.
        S::EmptyInput
        | S::TooFewDistinctPoints { .. }
        | S::ConstantFeature { .. }
        | S::VarianceUnderflow { .. }
        | S::OutOfRange { .. }
        | S::TransformOverflow { .. }
        | S::NonFinite { .. }
        | S::Log1pDomain { .. }
        | S::MetricUndefined { .. }
        | S::TooFarFromEveryComponent { .. }
        | S::Linfa { .. } => true,
        // The settings, or a misuse the report never makes.
        S::InvalidParameter { .. }
        | S::LengthMismatch { .. }
        | S::DuplicateCustomer { .. }
        | S::UnknownCustomer { .. }
        | S::NoSummaryFeatures => false,
    }
}

fn skip_segmentation(
    e: SegmentError, warnings: &mut Vec<ReportWarning>,
) -> Result<KMeansOutcome, SegmentError> {
    let reason = match e {
        // The report leaves out customers whose net spend is below zero: all of them, here.
        SegmentError::EmptyInput => "every customer's net spend is below zero (refunds above \
                                     purchases), so log1p of their spend is undefined and nobody \
                                     can be segmented"
            .to_string(),
        e => e.to_string(),
    };
    warnings.push(ReportWarning::PartSkipped {
        part: "segmentation",
        reason,
    });
    Ok(KMeansOutcome {
        labels: Vec::new(),
        left_out: 0,
        model: None,
    })
}

/// Lifecycle stages, with a warning for each stage the log is too short to show; skipped with a
/// warning when nobody bought twice (the population's rhythm is undefined).
pub(super) fn lifecycle<C: Clone + Ord + Send + Sync>(
    rows: &mut [CustomerReport<C>], summaries: &[CustomerSummary<C>], config: &ReportConfig,
    as_of: NaiveDate, warnings: &mut Vec<ReportWarning>,
) -> Result<(), Error> {
    match rows::fill_lifecycle(rows, summaries, config.lifecycle, as_of) {
        Err(Error::Lifecycle(e @ LifecycleError::NoRepeatCustomers { .. })) => {
            warnings.push(ReportWarning::PartSkipped {
                part: "lifecycle",
                reason: format!(
                    "{}; set lifecycle.population_gap_days to classify anyway",
                    e.to_string().split(" (set").next().unwrap_or_default()
                ),
            });
            return Ok(());
        }
        other => other?,
    }
    let window_days = summaries
        .iter()
        .map(|s| s.first_purchase())
        .min()
        .map_or(0, |first| (as_of - first).num_days());
    let unreachable = config.lifecycle.unreachable_stages(window_days);
    for u in &unreachable {
        warnings.push(ReportWarning::StageUnreachable {
            stage: u.stage,
            window_days,
            needed_days: u.needed_days,
            setting: u.setting,
        });
    }
    for r in config.lifecycle.stage_reach(summaries, as_of) {
        let flagged = unreachable.iter().any(|u| u.stage == r.stage);
        if !flagged && r.eligible * 2 < r.customers {
            warnings.push(ReportWarning::StageRarelyReachable {
                stage: r.stage,
                eligible: r.eligible,
                customers: r.customers,
                needed_days: r.needed_days,
                setting: r.setting,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Summarizer;

    #[test]
    fn an_error_about_a_summary_names_its_customer() {
        let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).expect("valid date");
        let log = [
            Transaction::new("ann", d(2), Decimal::ONE),
            Transaction::new("bob", d(3), Decimal::ONE),
        ];
        let summaries = Summarizer::new(d(31)).summarize(&log).expect("summaries");
        let err = LifecycleError::OccasionsNotKept { position: 1 };
        let text = failure("lifecycle", &log, &summaries, err).to_string();
        assert_eq!(
            text,
            "report part lifecycle failed: the summary of customer \"bob\" does not keep its \
             purchase occasions (build it with Summarizer::keep_occasions(true)); change \
             config.lifecycle, or set parts.lifecycle = false to skip it"
        );
        let err = Error::Segment(SegmentError::NonFinite {
            row: 0,
            column: 2,
            value: f64::NAN,
        });
        let text = failure("segmentation", &log, &summaries, err).to_string();
        assert!(
            text.contains("non-finite value NaN of customer \"ann\", column 2"),
            "{text}"
        );
    }

    #[test]
    fn an_error_of_a_model_names_the_model() {
        let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).expect("valid date");
        let log = [Transaction::new("ann", d(2), Decimal::ONE)];
        let summaries = Summarizer::new(d(31)).summarize(&log).expect("summaries");
        let error = PartError {
            part: "purchase_model",
            model: "BG/NBD",
            error: ClvError::NotConverged {
                iterations: 28,
                log_likelihood: -1.5,
            },
        };
        assert_eq!(
            model_failure(error, &log, &summaries).to_string(),
            "report part purchase_model failed: the BG/NBD model: the fit did not converge after \
             28 iterations (log-likelihood -1.5); change config.purchase_model or \
             config.fit_options, or set parts.purchase_model = false to skip it"
        );
    }
}
