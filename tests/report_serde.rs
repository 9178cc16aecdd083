//! The report and everything it fitted survive a trip through JSON (`serde_json` with
//! `float_roundtrip`): the report reads back equal, its settings read back equal and are checked
//! when read, and its models read back bit for bit and score every customer, on the log they were
//! fitted on and on a later one, exactly as the models that were saved.

mod common;

#[path = "../examples/online_retail/loader.rs"]
#[allow(dead_code, clippy::type_complexity)]
mod loader;

use chrono::NaiveDate;
use customer_value::clv::{PurchaseModel, RepeatHistory};
use customer_value::lifecycle::LifecycleRules;
use customer_value::report::{
    CustomerReport, CustomerValueReport, PurchaseModelFit, PurchaseModelKind, ReportConfig,
    ReportError, ReportModels, ReportParts, ReportWarning, SpendModelSummary,
};
use customer_value::segment::{Feature, KMeansSegmenter};
use customer_value::{Error, RfmScorer, Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn round_trip<T: Serialize + DeserializeOwned>(value: &T) -> T {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

/// The message of the error reading `value` back as `T` (it must be refused).
fn refused<T: DeserializeOwned + std::fmt::Debug>(value: serde_json::Value) -> String {
    serde_json::from_value::<T>(value).unwrap_err().to_string()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The rows' model figures as bits, so that equal means bit-identical (not merely `==`, which
/// holds for 0.0 and −0.0).
fn model_bits<C>(rows: &[CustomerReport<C>]) -> Vec<[Option<u64>; 3]> {
    rows.iter()
        .map(|r| {
            [r.probability_alive, r.expected_purchases, r.expected_spend]
                .map(|v| v.map(f64::to_bits))
        })
        .collect()
}

/// `a` and `b` have the same rows, with bit-identical model figures.
fn assert_same_rows<C: PartialEq + std::fmt::Debug>(
    a: &CustomerValueReport<C>, b: &CustomerValueReport<C>,
) {
    assert_eq!(a.customers.len(), b.customers.len());
    assert!(model_bits(&a.customers) == model_bits(&b.customers));
    // Compared without printing every row on failure.
    assert!(a.customers == b.customers);
    assert_eq!(a.warnings, b.warnings);
}

/// The CDNOW sample's calibration period (to 1997-09-30, as in Fader, Hardie & Lee 2005) and the
/// whole log (to 1998-06-30).
fn cdnow_periods() -> (Vec<Transaction<u32>>, Vec<Transaction<u32>>) {
    let log = common::cdnow_sample();
    let calibration = log
        .iter()
        .filter(|t| t.date <= date(1997, 9, 30))
        .cloned()
        .collect();
    (calibration, log)
}

#[test]
fn cdnow_models_read_back_score_today_and_tomorrow_bit_for_bit() {
    let (calibration, whole) = cdnow_periods();
    let config = ReportConfig::default();
    let today = CustomerValueReport::build(&calibration, date(1997, 9, 30), &config).unwrap();
    let models = today.models().expect("both models fit CDNOW");
    let json = serde_json::to_string(&models).unwrap();
    let stored: ReportModels = serde_json::from_str(&json).unwrap();
    assert_eq!(stored, models);
    let original = models.purchase.parameters();
    let read = stored.purchase.parameters();
    assert_eq!(
        read.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        original.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    // BG/NBD on the calibration period, in weeks: near the published r = 0.243, α = 4.414,
    // a = 0.793, b = 2.426 (the summarizer leaves out the $0.00-only customers, so not equal).
    for (got, published) in original.iter().zip([0.243, 4.414, 0.793, 2.426]) {
        assert!((got - published).abs() < 0.05 * published, "{original:?}");
    }

    // Today: the report built with the stored models is the report that fitted them.
    let again =
        CustomerValueReport::build_with_models(&calibration, date(1997, 9, 30), &config, &stored)
            .unwrap();
    assert_same_rows(&again, &today);
    assert_eq!(again.purchase_model, today.purchase_model);
    assert_eq!(again.spend_model, today.spend_model);

    // Tomorrow: the whole log scored with the stored models, as with the models saved.
    let end = date(1998, 6, 30);
    let tomorrow = CustomerValueReport::build_with_models(&whole, end, &config, &stored).unwrap();
    let with_saved = CustomerValueReport::build_with_models(&whole, end, &config, &models).unwrap();
    assert_same_rows(&tomorrow, &with_saved);
    assert_eq!(tomorrow.models(), Some(stored.clone()));
    assert_eq!(tomorrow.customers.len(), today.customers.len());

    // Scored, not refitted: each row is the stored model's own prediction on the new history,
    // bit for bit, through the batch forms the report uses (the batch expectation may differ from
    // the single form in the last bit: it evaluates Taylor tables built once per batch).
    let PurchaseModelFit::BgNbd(fit) = &stored.purchase else {
        panic!("the default purchase model is BG/NBD")
    };
    let summaries = Summarizer::new(end).summarize(&whole).unwrap();
    let horizon = 12.0 * TimeUnit::Weeks.per_month();
    let histories: Vec<RepeatHistory> = summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, TimeUnit::Weeks))
        .collect();
    let mut alive = vec![0.0; histories.len()];
    let mut expected = vec![0.0; histories.len()];
    fit.model
        .probability_alive_into(&histories, &mut alive)
        .unwrap();
    fit.model
        .conditional_expected_purchases_into(horizon, &histories, &mut expected)
        .unwrap();
    for (i, row) in tomorrow.customers.iter().enumerate().step_by(101) {
        assert_eq!(&row.customer, summaries[i].customer());
        assert_eq!(
            row.probability_alive.map(f64::to_bits),
            Some(alive[i].to_bits())
        );
        assert_eq!(
            row.expected_purchases.map(f64::to_bits),
            Some(expected[i].to_bits())
        );
        // And within 1e-13 of the single form (the batch tables' documented accuracy).
        let single = fit
            .model
            .conditional_expected_purchases(horizon, &histories[i])
            .unwrap();
        assert!(
            (single - expected[i]).abs() <= 1e-13 * single,
            "{single} {}",
            expected[i]
        );
    }
    // RFM scores against today's breakpoints and k-means segments from today's centroids, not
    // refitted on the longer log.
    let rfm = stored.rfm.as_ref().expect("the RFM part is on by default");
    let segments = stored.segments.as_ref().expect("k-means is on by default");
    let scored = rfm.score(&summaries).unwrap();
    let assigned = segments.assign(&summaries).unwrap();
    for ((row, record), segment) in tomorrow.customers.iter().zip(&scored).zip(&assigned) {
        assert_eq!(row.rfm_score, Some(record.score));
        assert_eq!(row.kmeans_segment, Some(*segment));
    }
    assert_eq!(tomorrow.kmeans_labels, segments.labels);
    let refit = CustomerValueReport::build(&whole, end, &config).unwrap();
    assert_ne!(refit.rfm_model.as_ref(), Some(rfm));
    assert_ne!(refit.segment_model.as_ref(), Some(segments));
    assert_ne!(refit.models().unwrap().purchase, stored.purchase);
    assert!(model_bits(&refit.customers) != model_bits(&tomorrow.customers));
}

#[test]
fn cdnow_report_reads_back_equal() {
    let (calibration, _) = cdnow_periods();
    let config = ReportConfig {
        purchase_model: PurchaseModelKind::ParetoNbd,
        ..ReportConfig::default()
    };
    let report = CustomerValueReport::build(&calibration, date(1997, 9, 30), &config).unwrap();
    assert!(report.purchase_model.is_some() && report.spend_model.is_some());
    assert!(!report.kmeans_labels.is_empty() && report.kpis.is_some());
    let json = serde_json::to_string(&report).unwrap();
    let back: CustomerValueReport<u32> = serde_json::from_str(&json).unwrap();
    assert!(back == report);
    // Customer 28 spent nothing in the window before: no ratio (None), and it reads back as None.
    let c28 = back.customers.iter().find(|c| c.customer == 28).unwrap();
    let metrics = c28.lifecycle_reason.unwrap().metrics.unwrap();
    assert_eq!(metrics.spend_trend, None);
    assert!(metrics.recent_spend > Decimal::ZERO && metrics.earlier_spend <= Decimal::ZERO);
    assert!(model_bits(&back.customers) == model_bits(&report.customers));
    // And writes the same JSON again.
    assert!(serde_json::to_string(&back).unwrap() == json);
    // The read-back report's models build it again.
    let again = CustomerValueReport::build_with_models(
        &calibration,
        date(1997, 9, 30),
        &config,
        &back.models().unwrap(),
    )
    .unwrap();
    assert!(again == report);
}

#[test]
fn online_retail_report_and_models_read_back_and_rebuild_bit_for_bit() {
    let (log, _) = loader::load().expect("the bundled log loads");
    let end = loader::observation_end();
    let config = ReportConfig::default();
    let report = CustomerValueReport::build(&log, end, &config).unwrap();
    assert_eq!(report.customers.len(), 4_333);
    // Online Retail's BG/NBD optimum has no drop-out: the warning reads back with the report.
    assert!(report
        .warnings
        .iter()
        .any(|w| matches!(w, ReportWarning::PurchaseModelWithoutDropout { .. })));

    let back: CustomerValueReport<u32> = round_trip(&report);
    assert!(back == report);
    assert!(model_bits(&back.customers) == model_bits(&report.customers));

    let models: ReportModels = round_trip(&report.models().unwrap());
    let again = CustomerValueReport::build_with_models(&log, end, &config, &models).unwrap();
    assert_same_rows(&again, &report);
    assert!(again == report);
}

#[test]
fn settings_read_back_equal_and_are_checked_when_read() {
    let mut lifecycle = LifecycleRules::default();
    lifecycle.churn_max_days = 200.0;
    lifecycle.population_gap_days = Some(30.5);
    let config = ReportConfig {
        time_unit: TimeUnit::Days,
        horizon_months: 6,
        purchase_model: PurchaseModelKind::ModifiedBgNbd,
        monthly_discount_rate: 0.0125,
        rfm: RfmScorer::new().bins(4),
        segmentation: KMeansSegmenter::new(3)
            .features(&[Feature::RecencyDays, Feature::PurchaseOccasions])
            .seed(7),
        lifecycle,
        kpi_period_days: 30,
        parts: ReportParts {
            value_matrix: false,
            ..ReportParts::default()
        },
        money_scale: 4,
        ..ReportConfig::default()
    };
    assert_eq!(round_trip(&config), config);
    assert_eq!(round_trip(&lifecycle), lifecycle);

    let json = serde_json::to_value(&config).unwrap();
    let mut spend_alone = json.clone();
    spend_alone["parts"]["purchase_model"] = serde_json::json!(false);
    assert_eq!(
        refused::<ReportConfig>(spend_alone),
        "report part spend_model needs part purchase_model: switch purchase_model on or \
         spend_model off"
    );
    let mut rate = json.clone();
    rate["monthly_discount_rate"] = serde_json::json!(-0.5);
    assert!(refused::<ReportConfig>(rate)
        .starts_with("report setting monthly_discount_rate = -0.5 is invalid"));
    let mut nested = json.clone();
    nested["lifecycle"]["declining_probability"] = serde_json::json!(1.5);
    assert_eq!(
        refused::<ReportConfig>(nested),
        "lifecycle rule declining_probability = 1.5 is invalid: must be in [0, 1]"
    );
    let mut floor = serde_json::to_value(lifecycle).unwrap();
    floor["churn_min_days"] = serde_json::json!(0.0);
    assert_eq!(
        refused::<LifecycleRules>(floor),
        "lifecycle rule churn_min_days = 0 is invalid: must be finite, > 0 and at most 1000000000 days \
         (LifecycleRules::MAX_DAYS)"
    );
}

/// A small log both models fit, as of 2024-12-31.
fn small_log() -> Vec<Transaction<u32>> {
    common::synthetic_log(date(2024, 12, 31), 150)
}

fn mismatch(result: Result<CustomerValueReport<u32>, Error>) -> (&'static str, String) {
    match result {
        Err(Error::Report(e @ ReportError::ModelsMismatch { setting, .. })) => {
            (setting, e.to_string())
        }
        other => panic!("expected ModelsMismatch, got {other:?}"),
    }
}

#[test]
fn models_that_contradict_the_settings_are_refused_before_any_work() {
    let log = small_log();
    let end = date(2024, 12, 31);
    let config = ReportConfig::default();
    let models = CustomerValueReport::build(&log, end, &config)
        .unwrap()
        .models()
        .unwrap();
    let build = |config: &ReportConfig, models: &ReportModels| {
        mismatch(CustomerValueReport::build_with_models(
            &log, end, config, models,
        ))
    };

    let days = ReportConfig {
        time_unit: TimeUnit::Days,
        ..ReportConfig::default()
    };
    assert_eq!(
        build(&days, &models),
        (
            "time_unit",
            "the report's models do not fit config.time_unit: the purchase model was fitted in \
             Weeks, the configuration asks for Days"
                .to_string()
        )
    );
    let pareto = ReportConfig {
        purchase_model: PurchaseModelKind::ParetoNbd,
        ..ReportConfig::default()
    };
    assert_eq!(build(&pareto, &models).0, "purchase_model");
    let off = ReportConfig {
        parts: ReportParts {
            purchase_model: false,
            spend_model: false,
            ..ReportParts::default()
        },
        ..ReportConfig::default()
    };
    assert_eq!(build(&off, &models).0, "parts.purchase_model");

    // An unconverged fit is used only where the settings accept one.
    let mut unconverged = serde_json::to_value(&models).unwrap();
    unconverged["purchase"]["BgNbd"]["converged"] = serde_json::json!(false);
    let unconverged: ReportModels = serde_json::from_value(unconverged).unwrap();
    assert_eq!(
        build(&config, &unconverged).0,
        "fit_options.accept_unconverged"
    );
    let mut accepting = ReportConfig::default();
    accepting.fit_options.accept_unconverged = true;
    let report =
        CustomerValueReport::build_with_models(&log, end, &accepting, &unconverged).unwrap();
    assert!(matches!(
        report.warnings[0],
        ReportWarning::PurchaseModelUnconverged { .. }
    ));
}

#[test]
fn models_without_a_spend_model_skip_clv_with_a_warning() {
    let log = small_log();
    let end = date(2024, 12, 31);
    let config = ReportConfig::default();
    let full = CustomerValueReport::build(&log, end, &config).unwrap();
    let mut models = full.models().unwrap();
    models.spend = None;
    let report = CustomerValueReport::build_with_models(&log, end, &config, &models).unwrap();
    assert!(report.spend_model.is_none());
    assert!(report
        .customers
        .iter()
        .all(|c| c.clv.is_none() && c.expected_spend.is_none()));
    let spend_warnings: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.part() == "spend_model")
        .collect();
    assert_eq!(spend_warnings.len(), 1);
    assert_eq!(
        spend_warnings[0].to_string(),
        "the spend model was skipped: the given models have no spend model; expected spend and \
         CLV are empty; set parts.spend_model = false to silence this"
    );
    // P(alive) and expected purchases are those of the full report.
    for (a, b) in report.customers.iter().zip(&full.customers) {
        assert_eq!(
            a.probability_alive.map(f64::to_bits),
            b.probability_alive.map(f64::to_bits)
        );
    }
    // With the spend model off, a given one is not used.
    let no_spend = ReportConfig {
        parts: ReportParts {
            spend_model: false,
            ..ReportParts::default()
        },
        ..ReportConfig::default()
    };
    let models = full.models().unwrap();
    let report = CustomerValueReport::build_with_models(&log, end, &no_spend, &models).unwrap();
    assert!(report.spend_model.is_none());
    assert!(report.warnings.iter().all(|w| w.part() != "spend_model"));
}

#[test]
fn models_no_fit_produces_are_refused_when_read() {
    let models =
        CustomerValueReport::build(&small_log(), date(2024, 12, 31), &ReportConfig::default())
            .unwrap()
            .models()
            .unwrap();
    let json = serde_json::to_value(&models).unwrap();
    let mut alpha = json.clone();
    alpha["purchase"]["BgNbd"]["model"]["params"]["alpha"] = serde_json::json!(0.0);
    assert_eq!(
        refused::<ReportModels>(alpha),
        "parameter alpha = 0 is invalid: must be in [1e-10, 1e10] (clv::MIN_PARAMETER, \
         clv::MAX_PARAMETER)"
    );
    let mut covariance = json.clone();
    covariance["purchase"]["BgNbd"]["covariance"] = serde_json::json!({"Ok": {"matrix": [[1.0, 0.0], [0.0, 1.0]], "standard_errors": [1.0, 1.0]}});
    assert_eq!(
        refused::<ReportModels>(covariance),
        "covariance.standard_errors has 2 values, expected 4"
    );
    let mut spend = json;
    spend["spend"]["fit"]["model"]["params"]["gamma"] = serde_json::json!(-3.0);
    assert_eq!(
        refused::<ReportModels>(spend),
        "parameter gamma = -3 is invalid: must be positive and finite"
    );
    let spend = models.spend.unwrap();
    let back: SpendModelSummary = round_trip(&spend);
    assert_eq!(back, spend);
}

#[test]
fn warnings_read_back_with_the_names_they_can_hold() {
    let warnings = [
        ReportWarning::PartSkipped {
            part: "segmentation",
            reason: "every customer is the same".to_string(),
        },
        ReportWarning::StageUnreachable {
            stage: customer_value::lifecycle::LifecycleStage::Mature,
            window_days: 100,
            needed_days: 365.0,
            setting: "growing_tenure_days",
        },
    ];
    for warning in &warnings {
        assert_eq!(&round_trip(warning), warning);
    }
    let mut unknown = serde_json::to_value(&warnings[0]).unwrap();
    unknown["PartSkipped"]["part"] = serde_json::json!("forecast");
    assert_eq!(
        refused::<ReportWarning>(unknown),
        "unknown variant `forecast`, expected one of `rfm`, `value_matrix`, `purchase_model`, \
         `spend_model`, `segmentation`, `lifecycle`, `kpis`"
    );
    let mut setting = serde_json::to_value(&warnings[1]).unwrap();
    setting["StageUnreachable"]["setting"] = serde_json::json!("churn_max_days");
    assert!(refused::<ReportWarning>(setting).starts_with("unknown variant `churn_max_days`"));
}
