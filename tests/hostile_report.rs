//! Hostile input for the report (`CustomerValueReport::build`, `build_with_models`) and its
//! settings (`ReportConfig`, `ReportParts`, the `LifecycleRules` and models it holds): numeric
//! settings at 0, u32::MAX, NaN, ±∞, subnormal and 1e308; as-of dates and transactions at
//! `NaiveDate::MIN`, 0001-01-01, 9999-12-31 and `NaiveDate::MAX`; starting values of the wrong
//! length; logs whose customers are identical, whose features are constant, whose amounts are at
//! the summarizer's limit or tiny; models read back with parameters at the ends of their range;
//! and JSON the checks refuse, read every way the types can be read.
//!
//! Every case calls the entry point directly (a panic fails the test) and gets either an `Ok`
//! whose every float is finite ([`assert_finite`]) or an error that names what to change
//! ([`assert_names_a_setting`]). Each test runs in well under a second in the test profile.

mod common;

use std::fmt::Debug;

use chrono::{Days, NaiveDate};
use customer_value::clv::{
    BgBb, ClvOptions, GammaGamma, GammaGammaOptions, Nbd, ShiftedBetaGeometric, SpendHistory,
};
use customer_value::lifecycle::LifecycleRules;
use customer_value::report::{
    CustomerValueReport, PurchaseModelFit, PurchaseModelKind, ReportConfig, ReportError,
    ReportModels, ReportParts, ReportWarning, SpendModelSummary,
};
use customer_value::segment::KMeansSegmenter;
use customer_value::{Error, Settings, TimeUnit, Transaction};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde::Deserialize;

type Report = CustomerValueReport<u32>;

/// The hostile floats.
const FLOATS: [f64; 13] = [
    0.0,
    -0.0,
    5e-324,
    1e-300,
    1.0,
    1e200,
    1e308,
    f64::MAX,
    -1.0,
    -f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

/// The fields of `ReportConfig` and `ReportParts`, and the log and as-of date: an error must
/// name one of them (or, for a part's failure, the part and the setting to change).
const SETTINGS: [&str; 15] = [
    "time_unit",
    "horizon_months",
    "purchase_model",
    "fit_options",
    "monthly_discount_rate",
    "spend_options",
    "rfm",
    "value_matrix",
    "segmentation",
    "lifecycle",
    "kpi_period_days",
    "parts.",
    "money_scale",
    "as-of date",
    "the log",
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// 80 customers who arrive over the year ending on `end` ([`common::synthetic_log`]).
fn varied_log(end: NaiveDate) -> Vec<Transaction<u32>> {
    common::synthetic_log(end, 80)
}

/// Panics when the debug form of `value` holds a NaN or an infinity.
fn assert_finite(label: &str, value: &impl Debug) {
    let text = format!("{value:?}");
    let bad = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|token| token == "NaN" || token == "inf");
    assert!(!bad, "{label}: non-finite value in {text:.2000}");
}

/// Panics unless the error's message names a setting, the log or the as-of date.
fn assert_names_a_setting(label: &str, err: &Error) {
    let text = err.to_string();
    assert!(
        SETTINGS.iter().any(|s| text.contains(s)),
        "{label}: the error names no setting: {text}"
    );
}

/// The report when `result` is one (every float finite), else `None` after checking that the
/// error names what to change.
fn checked(label: &str, result: Result<Report, Error>) -> Option<Report> {
    match result {
        Ok(report) => {
            assert_finite(label, &report);
            // Every warning renders, and names its part.
            for w in &report.warnings {
                assert!(!w.to_string().is_empty() && !w.part().is_empty());
            }
            Some(report)
        }
        Err(err) => {
            assert_names_a_setting(label, &err);
            None
        }
    }
}

/// The report parts' settings check's error, when it is an invalid parameter.
fn invalid_parameter(result: Result<Report, Error>) -> (&'static str, String) {
    match result {
        Err(Error::Report(e @ ReportError::InvalidParameter { name, .. })) => (name, e.to_string()),
        other => panic!("expected an invalid parameter, got {other:?}"),
    }
}

#[test]
fn kpi_period_days_from_zero_to_u32_max() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    let config = |days| ReportConfig {
        kpi_period_days: days,
        ..ReportConfig::default()
    };
    for days in [0, ReportConfig::MAX_KPI_PERIOD_DAYS + 1, u32::MAX] {
        let (name, text) = invalid_parameter(Report::build(&log, end, &config(days)));
        assert_eq!(name, "kpi_period_days");
        assert!(
            text.contains("at most 3,652,425 days (10,000 years"),
            "{text}"
        );
    }
    let one_day = checked("1 day", Report::build(&log, end, &config(1))).expect("a report");
    let kpis = one_day.kpis.expect("KPIs");
    assert_eq!((kpis.start, kpis.end, kpis.length_days), (end, end, 1));
    // The longest period covers the whole log: nobody is a customer at its start, everybody is
    // new in it, and its revenue is every customer's spend.
    let longest = ReportConfig::MAX_KPI_PERIOD_DAYS;
    let all = checked("longest", Report::build(&log, end, &config(longest))).expect("a report");
    let kpis = all.kpis.expect("KPIs");
    // 10,000 Gregorian years before 2024-12-31, the day after.
    assert_eq!(kpis.start, date(-7975, 1, 1));
    assert_eq!(kpis.length_days, i64::from(longest));
    assert_eq!(kpis.customers_at_start, 0);
    assert_eq!(kpis.new_customers, all.customers.len() as u64);
    let spend: Decimal = all.customers.iter().map(|c| c.total_spend).sum();
    assert_eq!(kpis.revenue, spend);
    // Switched off, the setting is not read.
    let off = ReportConfig {
        parts: ReportParts {
            kpis: false,
            ..ReportParts::default()
        },
        ..config(u32::MAX)
    };
    assert!(checked("off", Report::build(&log, end, &off)).is_some_and(|r| r.kpis.is_none()));
}

#[test]
fn kpi_period_reaching_before_the_first_day_of_the_calendar() {
    let lines = |as_of: NaiveDate| {
        vec![
            Transaction::new(1u32, NaiveDate::MIN, Decimal::ONE),
            Transaction::new(1u32, as_of, Decimal::TWO),
            Transaction::new(2u32, as_of, Decimal::TEN),
        ]
    };
    let config = ReportConfig::default(); // 90 days
    for as_of in [NaiveDate::MIN, NaiveDate::MIN + Days::new(88)] {
        let (name, text) = invalid_parameter(Report::build(&lines(as_of), as_of, &config));
        assert_eq!(name, "kpi_period_days");
        assert!(text.contains("NaiveDate::MIN"), "{text}");
    }
    // 89 days after the first day, the 90-day period starts on it.
    let as_of = NaiveDate::MIN + Days::new(89);
    let report = checked("MIN + 89", Report::build(&lines(as_of), as_of, &config)).expect("ok");
    assert_eq!(report.kpis.expect("KPIs").start, NaiveDate::MIN);
    let one_day = ReportConfig {
        kpi_period_days: 1,
        ..config
    };
    let lines = lines(NaiveDate::MIN);
    let report = checked("MIN", Report::build(&lines, NaiveDate::MIN, &one_day)).expect("ok");
    assert_eq!(report.customers.len(), 2);
}

#[test]
fn logs_and_as_of_dates_at_the_ends_of_the_calendar() {
    let ends = [
        NaiveDate::MIN,
        date(1, 1, 1),
        date(9999, 12, 31),
        NaiveDate::MAX,
    ];
    let short_kpis = ReportConfig {
        kpi_period_days: 1,
        ..ReportConfig::default()
    };
    for as_of in ends {
        for first in ends.into_iter().filter(|first| *first <= as_of) {
            let mut log = varied_log(as_of);
            log.push(Transaction::new(1000, first, Decimal::ONE));
            log.push(Transaction::new(1000, as_of, Decimal::ONE));
            let label = format!("first {first}, as of {as_of}");
            let report =
                checked(&label, Report::build(&log, as_of, &short_kpis)).expect("a report");
            let oldest = report.customers.last().expect("customer 1000");
            assert_eq!((oldest.customer, oldest.first_purchase), (1000, first));
            assert_eq!(oldest.purchase_occasions, if first < as_of { 2 } else { 1 });
            // The report reads back equal, whatever its dates.
            let json = serde_json::to_string(&report).expect("serializes");
            assert!(serde_json::from_str::<Report>(&json).expect("reads back") == report);
        }
    }
    // A log at both ends at once: years 1 and 262142.
    let mut both = varied_log(date(1, 12, 31));
    both.extend(varied_log(NaiveDate::MAX).into_iter().map(|mut t| {
        t.customer += 100;
        t
    }));
    let report = checked(
        "both ends",
        Report::build(&both, NaiveDate::MAX, &short_kpis),
    );
    assert_eq!(report.expect("a report").customers.len(), 160);
}

#[test]
fn nothing_bought_by_the_as_of_date_names_the_date() {
    let log = varied_log(date(2024, 12, 31));
    let config = ReportConfig {
        kpi_period_days: 1,
        ..ReportConfig::default()
    };
    for as_of in [NaiveDate::MIN, date(2023, 1, 1)] {
        let err = Report::build(&log, as_of, &config).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("report part summary failed"), "{text}");
        assert!(!text.contains("refund"), "no line is a refund: {text}");
        assert_names_a_setting("before the log", &err);
    }
}

#[test]
fn horizon_from_zero_to_u32_max() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    for unit in [TimeUnit::Days, TimeUnit::Weeks] {
        // Pareto/NBD: BG/NBD's CLV over 1,200 months takes about 35 ms per customer. In days its
        // fit stops unconverged on this log: used anyway, so that its figures are tested.
        let config = |months| {
            let mut config = ReportConfig {
                horizon_months: months,
                time_unit: unit,
                purchase_model: PurchaseModelKind::ParetoNbd,
                ..ReportConfig::default()
            };
            config.fit_options.accept_unconverged = true;
            config
        };
        for months in [0, 1_201, u32::MAX] {
            let (name, text) = invalid_parameter(Report::build(&log, end, &config(months)));
            assert_eq!(name, "horizon_months");
            assert!(
                months == 0 || text.contains("at most 1,200 months"),
                "{text}"
            );
        }
        let year = checked("12", Report::build(&log, end, &config(12))).expect("a report");
        let century = checked("1200", Report::build(&log, end, &config(1_200))).expect("report");
        // A century holds at least the purchases and value of a year.
        for (y, c) in year.customers.iter().zip(&century.customers) {
            assert!(
                c.clv.is_some() && y.clv.is_some(),
                "{unit:?}: {:?}",
                year.warnings
            );
            assert!(c.expected_purchases >= y.expected_purchases, "{y:?} {c:?}");
            assert!(c.clv >= y.clv, "{y:?} {c:?}");
        }
        // BG/NBD's expected purchases over the longest horizon.
        let mut bg_nbd = ReportConfig {
            purchase_model: PurchaseModelKind::BgNbd,
            ..config(1_200)
        };
        bg_nbd.parts.spend_model = false;
        let report = checked("BG/NBD", Report::build(&log, end, &bg_nbd)).expect("a report");
        assert!(report
            .customers
            .iter()
            .all(|c| c.expected_purchases.is_some()));
    }
}

#[test]
fn discount_rates_at_every_hostile_float() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    let build = |rate| {
        let config = ReportConfig {
            monthly_discount_rate: rate,
            ..ReportConfig::default()
        };
        Report::build(&log, end, &config)
    };
    let clvs = |report: &Report| report.customers.iter().map(|c| c.clv).collect::<Vec<_>>();
    let undiscounted = clvs(&build(0.0).expect("a report"));
    for rate in FLOATS {
        match checked(&format!("rate {rate:e}"), build(rate)) {
            Some(report) if rate < 1e-300 => assert_eq!(clvs(&report), undiscounted),
            // Discounted by (1 + d)^m = ∞ from the first month: nothing is worth anything.
            Some(report) if rate >= 1e308 => {
                assert!(report
                    .customers
                    .iter()
                    .all(|c| c.clv == Some(Decimal::ZERO)));
            }
            Some(_) => {}
            None => assert!(!(rate.is_finite() && rate >= 0.0), "rate {rate:e} refused"),
        }
    }
}

#[test]
fn money_scale_from_zero_to_u32_max() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    let config = |scale| ReportConfig {
        money_scale: scale,
        ..ReportConfig::default()
    };
    for scale in [29, u32::MAX] {
        let (name, _) = invalid_parameter(Report::build(&log, end, &config(scale)));
        assert_eq!(name, "money_scale");
    }
    let whole = checked("0", Report::build(&log, end, &config(0))).expect("a report");
    assert!(whole
        .customers
        .iter()
        .all(|c| c.clv.is_some_and(|v| v.fract().is_zero())));
    let finest = checked("28", Report::build(&log, end, &config(28))).expect("a report");
    assert!(finest
        .customers
        .iter()
        .any(|c| c.clv.is_some_and(|v| v.scale() > 2)));
}

#[test]
fn starting_values_of_the_wrong_length_name_the_setting() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    for kind in [
        PurchaseModelKind::BgNbd,
        PurchaseModelKind::ModifiedBgNbd,
        PurchaseModelKind::ParetoNbd,
    ] {
        for length in [0, 3, 5, 1000] {
            let mut config = ReportConfig {
                purchase_model: kind,
                ..ReportConfig::default()
            };
            config.fit_options.initial = Some(vec![1.0; length]);
            let err = config.check().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "report setting fit_options: initial (one starting value per parameter of the \
                     model) has {length} values, expected 4"
                )
            );
            assert!(Report::build(&log, end, &config).is_err());
        }
    }
    for length in [0, 4] {
        let mut config = ReportConfig::default();
        config.spend_options.fit.initial = Some(vec![1.0; length]);
        let err = config.check().unwrap_err();
        assert!(matches!(
            err,
            ReportError::InvalidSetting {
                field: "spend_options.fit",
                ..
            }
        ));
        assert!(err.to_string().ends_with("expected 3"), "{err}");
        // Without the spend model the setting is not read.
        config.parts.spend_model = false;
        assert!(config.check().is_ok());
    }
    // The right lengths, at the ends of the values allowed, fit or skip with a warning.
    for start in [5e-324, 1e-300, 1e300, f64::MAX] {
        let mut config = ReportConfig::default();
        config.fit_options.initial = Some(vec![start; 4]);
        config.spend_options.fit.initial = Some(vec![start; 3]);
        checked(
            &format!("initial {start:e}"),
            Report::build(&log, end, &config),
        );
    }
}

#[test]
fn fit_options_at_every_hostile_float() {
    let end = date(2024, 12, 31);
    let log: Vec<_> = varied_log(end)
        .into_iter()
        .filter(|t| t.customer < 40)
        .collect();
    for kind in [PurchaseModelKind::BgNbd, PurchaseModelKind::ModifiedBgNbd] {
        for value in FLOATS {
            let mut config = ReportConfig {
                purchase_model: kind,
                ..ReportConfig::default()
            };
            config.fit_options.penalizer = value;
            checked(
                &format!("{kind:?} penalizer {value:e}"),
                Report::build(&log, end, &config),
            );
            config.fit_options.penalizer = 0.0;
            config.fit_options.gradient_tolerance = value;
            checked(
                &format!("{kind:?} tolerance {value:e}"),
                Report::build(&log, end, &config),
            );
        }
        for iterations in [0, 1, 2] {
            let mut config = ReportConfig {
                purchase_model: kind,
                ..ReportConfig::default()
            };
            config.fit_options.max_iterations = iterations;
            config.fit_options.accept_unconverged = iterations == 2;
            checked(
                &format!("{kind:?} {iterations}"),
                Report::build(&log, end, &config),
            );
        }
    }
}

#[test]
fn fits_that_stop_early_are_warned_about_naming_the_model() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    let mut config = ReportConfig {
        purchase_model: PurchaseModelKind::ParetoNbd,
        ..ReportConfig::default()
    };
    // A tolerance no gradient meets: the fit stops at its iteration limit.
    config.fit_options.gradient_tolerance = 5e-324;
    config.fit_options.max_iterations = 5;
    let report = checked("purchase", Report::build(&log, end, &config)).expect("a report");
    let text = report.warnings[0].to_string();
    assert!(
        text.starts_with(
            "the Pareto/NBD purchase model was skipped: the fit did not converge (after 5 \
             iterations"
        ),
        "{text}"
    );
    let mut config = ReportConfig::default();
    config.spend_options.fit.gradient_tolerance = 5e-324;
    config.spend_options.fit.max_iterations = 5;
    let report = checked("spend", Report::build(&log, end, &config)).expect("a report");
    let skipped = report.warnings.iter().find(|w| w.part() == "spend_model");
    let text = skipped.expect("the spend model is skipped").to_string();
    assert!(
        text.starts_with(
            "the spend model was skipped: the Gamma-Gamma fit failed: the fit did not converge \
             after 5 iterations"
        ),
        "{text}"
    );
}

#[test]
fn segmentation_settings_at_their_extremes() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    let with = |segmenter| ReportConfig {
        segmentation: segmenter,
        ..ReportConfig::default()
    };
    for k in [0, 1, 2, 80, 81, usize::MAX] {
        let report = checked(
            &format!("k {k}"),
            Report::build(&log, end, &with(KMeansSegmenter::new(k))),
        );
        if let Some(report) = report {
            // k above the distinct customers: skipped with a warning, not failed.
            if k > 80 {
                assert!(report.warnings.iter().any(|w| w.part() == "segmentation"));
            }
        }
    }
    for value in FLOATS {
        let segmenter = KMeansSegmenter::new(3).tolerance(value);
        checked(
            &format!("tolerance {value:e}"),
            Report::build(&log, end, &with(segmenter)),
        );
    }
    for n in [0, usize::MAX] {
        let segmenter = KMeansSegmenter::new(3).n_init(n).max_iterations(n);
        checked(
            &format!("n {n}"),
            Report::build(&log, end, &with(segmenter)),
        );
    }
}

#[test]
fn lifecycle_rules_in_the_config_at_every_hostile_float() {
    let end = date(2024, 12, 31);
    let log: Vec<_> = varied_log(end)
        .into_iter()
        .filter(|t| t.customer < 30)
        .collect();
    // Only the lifecycle part: the rules are what is under test.
    let parts = ReportParts {
        rfm: false,
        value_matrix: false,
        purchase_model: false,
        spend_model: false,
        segmentation: false,
        lifecycle: true,
        kpis: false,
    };
    for (name, set) in common::RULE_SETTERS {
        for value in FLOATS {
            let mut config = ReportConfig {
                parts,
                ..ReportConfig::default()
            };
            set(&mut config.lifecycle, value);
            let label = format!("{name} = {value:e}");
            match Report::build(&log, end, &config) {
                Err(err) => {
                    let text = err.to_string();
                    assert!(
                        text.starts_with("report setting lifecycle: "),
                        "{label}: {text}"
                    );
                    assert!(
                        text.contains(name) || text.contains("churn_"),
                        "{label}: {text}"
                    );
                }
                ok => {
                    checked(&label, ok);
                }
            }
        }
    }
    for occasions in [0, 1, u64::MAX] {
        let mut config = ReportConfig {
            parts,
            ..ReportConfig::default()
        };
        config.lifecycle.declining_min_occasions = occasions;
        checked(
            &format!("occasions {occasions}"),
            Report::build(&log, end, &config),
        );
    }
}

#[test]
fn every_combination_of_parts() {
    let end = date(2024, 12, 31);
    let log: Vec<_> = varied_log(end)
        .into_iter()
        .filter(|t| t.customer < 25)
        .collect();
    for bits in 0..128u32 {
        let on = |i: u32| bits & (1 << i) != 0;
        let parts = ReportParts {
            rfm: on(0),
            value_matrix: on(1),
            purchase_model: on(2),
            spend_model: on(3),
            segmentation: on(4),
            lifecycle: on(5),
            kpis: on(6),
        };
        let config = ReportConfig {
            parts,
            segmentation: KMeansSegmenter::new(3),
            ..ReportConfig::default()
        };
        match Report::build(&log, end, &config) {
            Err(Error::Report(ReportError::MissingPart { part, needs })) => {
                assert_eq!((part, needs), ("spend_model", "purchase_model"));
                assert!(parts.spend_model && !parts.purchase_model);
            }
            other => {
                let report = checked(&format!("{parts:?}"), other).expect("a report");
                assert_eq!(report.kpis.is_some(), parts.kpis);
                assert_eq!(report.customers[0].rfm_score.is_some(), parts.rfm);
            }
        }
    }
}

#[test]
fn identical_customers_skip_the_segmentation_with_a_warning() {
    let log: Vec<_> = (0..50u32)
        .flat_map(|c| {
            [
                Transaction::new(c, date(2024, 3, 1), Decimal::TEN),
                Transaction::new(c, date(2024, 6, 1), Decimal::TEN),
            ]
        })
        .collect();
    let report = checked(
        "identical",
        Report::build(&log, date(2024, 12, 31), &ReportConfig::default()),
    )
    .expect("a report");
    assert!(report.customers.iter().all(|c| c.kmeans_segment.is_none()));
    let skipped: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.part() == "segmentation")
        .collect();
    assert_eq!(
        skipped.last().map(|w| w.to_string()),
        Some(
            "the k-means segmentation was skipped: feature recency_days (column 0) is constant; \
             set parts.segmentation = false to silence this"
                .to_string()
        )
    );
}

#[test]
fn customers_whose_refunds_exceed_their_purchases_skip_the_segmentation() {
    let log: Vec<_> = (0..20u32)
        .flat_map(|c| {
            [
                Transaction::new(c, date(2024, 1, 1 + c), Decimal::from(5 + c)),
                Transaction::new(c, date(2024, 2, 1 + c), Decimal::from(-30)),
            ]
        })
        .collect();
    let config = ReportConfig {
        parts: ReportParts {
            purchase_model: false,
            spend_model: false,
            ..ReportParts::default()
        },
        ..ReportConfig::default()
    };
    let report = checked("refunds", Report::build(&log, date(2024, 12, 31), &config)).expect("ok");
    assert!(report.customers.iter().all(|c| c.kmeans_segment.is_none()));
    let warning = report
        .warnings
        .iter()
        .find(|w| w.part() == "segmentation")
        .expect("warned");
    assert_eq!(
        warning.to_string(),
        "the k-means segmentation was skipped: every customer's net spend is below zero \
         (refunds above purchases), so log1p of their spend is undefined and nobody can be \
         segmented; set parts.segmentation = false to silence this"
    );
}

#[test]
fn amounts_at_the_limit_and_tiny() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    let with_amount = |amount: Decimal, every: bool| -> Vec<Transaction<u32>> {
        log.iter()
            .map(|t| {
                let a = if every || t.customer % 2 == 0 {
                    amount
                } else {
                    t.amount
                };
                Transaction::new(t.customer, t.date, a)
            })
            .collect()
    };
    let limit = Decimal::from(1_000_000_000_000_000_000u64); // summary::MAX_AMOUNT
    for amount in [Decimal::MAX, Decimal::MIN, limit + Decimal::ONE] {
        let err =
            Report::build(&with_amount(amount, false), end, &ReportConfig::default()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("report part summary failed: the transaction of customer 0"),
            "{text}"
        );
    }
    let tiny = Decimal::new(1, 28);
    for amount in [limit, -limit, tiny, -tiny, Decimal::ZERO] {
        for every in [true, false] {
            let lines = with_amount(amount, every);
            let label = format!("{amount} every {every}");
            let result = Report::build(&lines, end, &ReportConfig::default());
            if every && amount < Decimal::ZERO {
                let text = result.unwrap_err().to_string();
                assert!(text.contains("are all refunds"), "{label}: {text}");
                continue;
            }
            // Within the summarizer's limits, with purchases, every amount gives a report.
            let report = checked(&label, result).expect("a report");
            if every && amount == tiny {
                // Exact sums of the log's amounts; derived money rounds to 0.00.
                for c in &report.customers {
                    assert_eq!(c.total_spend, tiny * Decimal::from(c.purchase_occasions));
                    assert_eq!(c.average_order_value, Decimal::ZERO);
                }
            }
        }
    }
}

/// Today's models on the varied log, as JSON.
fn models_json() -> serde_json::Value {
    let end = date(2024, 12, 31);
    let report = Report::build(&varied_log(end), end, &ReportConfig::default()).expect("report");
    serde_json::to_value(report.models().expect("both models")).expect("serializes")
}

#[test]
fn models_read_back_at_the_ends_of_their_range_skip_with_a_warning() {
    let end = date(2024, 12, 31);
    let log = varied_log(end);
    let json = models_json();
    let slots = [
        (
            "/purchase/BgNbd/model/params",
            ["r", "alpha", "a", "b"].as_slice(),
        ),
        ("/spend/fit/model/params", ["p", "q", "gamma"].as_slice()),
    ];
    for (path, names) in slots {
        for name in names {
            for value in [5e-324, 1e-300, 1e-12, 1e12, 1e300, f64::MAX] {
                let mut models = json.clone();
                *models
                    .pointer_mut(&format!("{path}/{name}"))
                    .expect("a parameter") = serde_json::json!(value);
                let label = format!("{name} = {value:e}");
                let models = match serde_json::from_value::<ReportModels>(models) {
                    Ok(models) => models,
                    // Refused when read: the message names the parameter.
                    Err(e) => {
                        assert!(e.to_string().contains(name), "{label}: {e}");
                        continue;
                    }
                };
                let report =
                    Report::build_with_models(&log, end, &ReportConfig::default(), &models);
                let report = checked(&label, report).expect("a report, with a warning at worst");
                if report.customers[0].probability_alive.is_none() {
                    let w = &report.warnings[0];
                    assert!(
                        matches!(w, ReportWarning::PurchaseModelSkipped { .. }),
                        "{w:?}"
                    );
                    assert!(w
                        .to_string()
                        .starts_with("the BG/NBD purchase model was skipped: "));
                } else if report.customers[0].clv.is_none() {
                    let w = report.warnings.iter().find(|w| w.part() == "spend_model");
                    assert!(w.is_some(), "{label}: {:?}", report.warnings);
                }
            }
        }
    }
}

/// Reads `json` as `$type` through serde_json and through `$type::deserialize`, which is the
/// type's own inherent function when it has one (serde's `remote = "Self"` generates a public one
/// that skips the check) and the checked trait impl otherwise: both must refuse it, with the same
/// message.
macro_rules! refused_every_way {
    ($type:ty, $json:expr) => {{
        let json: &str = $json;
        let through_serde_json = serde_json::from_str::<$type>(json).unwrap_err().to_string();
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let inherent = <$type>::deserialize(&mut deserializer).map(|_| ());
        let message = inherent
            .expect_err("the type's own path must check too")
            .to_string();
        assert!(
            through_serde_json.starts_with(&message),
            "{through_serde_json} vs {message}"
        );
        message
    }};
}

/// `value` with `pointer` set to `to`, as text.
fn edited(value: &serde_json::Value, pointer: &str, to: serde_json::Value) -> String {
    let mut value = value.clone();
    *value.pointer_mut(pointer).expect("the field exists") = to;
    value.to_string()
}

#[test]
fn config_json_the_check_refuses_is_refused_every_way() {
    let config = serde_json::to_value(ReportConfig::default()).expect("serializes");
    let cases = [
        (
            "/kpi_period_days",
            serde_json::json!(0),
            "report setting kpi_period_days = 0",
        ),
        (
            "/kpi_period_days",
            serde_json::json!(u32::MAX),
            "report setting kpi_period_days = 4294967295",
        ),
        (
            "/horizon_months",
            serde_json::json!(u32::MAX),
            "report setting horizon_months = 4294967295",
        ),
        (
            "/monthly_discount_rate",
            serde_json::json!(-1e308),
            "report setting monthly_discount_rate",
        ),
        (
            "/money_scale",
            serde_json::json!(29),
            "report setting money_scale = 29",
        ),
        (
            "/fit_options/max_iterations",
            serde_json::json!(0),
            "report setting fit_options: ",
        ),
        (
            "/fit_options/initial",
            serde_json::json!([1.0]),
            "report setting fit_options: initial",
        ),
        (
            "/spend_options/fit/penalizer",
            serde_json::json!(-1.0),
            "argument penalizer = -1 is invalid",
        ),
        (
            "/lifecycle/churn_probability",
            serde_json::json!(2.0),
            "lifecycle rule churn_probability = 2 is invalid",
        ),
        (
            "/lifecycle/churn_gap_multiple",
            serde_json::json!(1e308),
            "lifecycle rule churn_gap_multiple = 1000000000",
        ),
    ];
    for (pointer, value, message) in cases {
        let text = refused_every_way!(ReportConfig, &edited(&config, pointer, value));
        assert!(text.starts_with(message), "{pointer}: {text}");
    }
    // The rules alone, read every way.
    let rules = serde_json::to_value(LifecycleRules::default()).expect("serializes");
    let text = refused_every_way!(
        LifecycleRules,
        &edited(&rules, "/churn_max_days", serde_json::json!(30.0))
    );
    assert_eq!(
        text,
        "lifecycle rule churn_min_days = 90 is invalid: must not exceed churn_max_days"
    );
    // Sanity: what is valid reads back, every way.
    let json = config.to_string();
    let mut deserializer = serde_json::Deserializer::from_str(&json);
    assert_eq!(
        ReportConfig::deserialize(&mut deserializer).expect("valid"),
        ReportConfig::default()
    );
}

#[test]
fn models_json_the_checks_refuse_is_refused_every_way() {
    let models = models_json();
    let purchase = &models["purchase"];
    for (pointer, value) in [
        ("/BgNbd/model/params/alpha", serde_json::json!(-1.0)),
        ("/BgNbd/model/params/r", serde_json::json!(0.0)),
        (
            "/BgNbd/covariance/Ok/standard_errors",
            serde_json::json!([1.0]),
        ),
    ] {
        let text = refused_every_way!(PurchaseModelFit, &edited(purchase, pointer, value));
        assert!(
            text.contains("alpha") || text.contains("r = 0") || text.contains("covariance"),
            "{text}"
        );
    }
    let spend = &models["spend"];
    for (pointer, value) in [
        ("/fit/model/params/q", serde_json::json!(-2.0)),
        ("/fit/covariance/Ok/matrix", serde_json::json!([[1.0]])),
    ] {
        let text = refused_every_way!(SpendModelSummary, &edited(spend, pointer, value));
        assert!(
            text.contains("q = -2") || text.contains("covariance"),
            "{text}"
        );
    }
    // Nested in the models, the same checks.
    let json = edited(
        &models,
        "/purchase/BgNbd/model/params/a",
        serde_json::json!(f64::MAX * 0.0 - 1.0),
    );
    assert!(serde_json::from_str::<ReportModels>(&json).is_err());
    // A warning naming a part that does not exist.
    let warning = serde_json::json!({"PartSkipped": {"part": "everything", "reason": "x"}});
    assert!(serde_json::from_value::<ReportWarning>(warning).is_err());
}

#[test]
fn the_other_checked_types_refuse_invalid_json_every_way() {
    use serde_json::json;
    let edit = |valid: serde_json::Result<serde_json::Value>, pointer: &str, to| {
        edited(&valid.expect("serializes"), pointer, to)
    };
    let cases = [
        (
            refused_every_way!(
                ClvOptions,
                &edit(
                    serde_json::to_value(ClvOptions::default()),
                    "/horizon_months",
                    json!(u32::MAX)
                )
            ),
            "argument horizon_months = 4294967295 is invalid",
        ),
        (
            refused_every_way!(
                GammaGammaOptions,
                &edit(
                    serde_json::to_value(GammaGammaOptions::default()),
                    "/fit/penalizer",
                    json!(-1.0)
                )
            ),
            "argument penalizer = -1 is invalid",
        ),
        (
            refused_every_way!(SpendHistory, r#"{"frequency":2.0,"mean_spend":-1.0}"#),
            "invalid history: mean spend must be non-negative and finite (x = 2, mean spend = -1)",
        ),
        (
            refused_every_way!(
                ShiftedBetaGeometric,
                &edit(
                    serde_json::to_value(ShiftedBetaGeometric::new(0.7, 1.2).expect("valid")),
                    "/params/alpha",
                    json!(-1.0)
                )
            ),
            "parameter alpha = -1 is invalid",
        ),
        (
            refused_every_way!(
                GammaGamma,
                &edit(
                    serde_json::to_value(GammaGamma::new(6.0, 3.7, 15.0).expect("valid")),
                    "/params/p",
                    json!(-1e300)
                )
            ),
            "parameter p = -1000",
        ),
        (
            refused_every_way!(
                Nbd,
                &edit(
                    serde_json::to_value(Nbd::new(0.8, 2.0).expect("valid")),
                    "/params/r",
                    json!(-1.0)
                )
            ),
            "parameter r = -1 is invalid",
        ),
        (
            refused_every_way!(
                BgBb,
                &edit(
                    serde_json::to_value(BgBb::new(1.2, 0.7, 0.6, 2.8).expect("valid")),
                    "/params/alpha",
                    json!(0.0)
                )
            ),
            "parameter alpha = 0 is invalid",
        ),
    ];
    for (text, message) in cases {
        assert!(text.starts_with(message), "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any numeric settings, any as-of date: a finite report or an error naming the setting.
    #[test]
    fn any_numeric_settings_on_any_date(
        horizon in prop_oneof![0u32..1_300, any::<u32>()],
        kpi_days in prop_oneof![0u32..400, any::<u32>()],
        rate in prop::num::f64::ANY,
        scale in prop_oneof![0u32..30, any::<u32>()],
        day in -95_000_000i64..95_000_000,
    ) {
        let epoch = date(1970, 1, 1);
        let as_of = if day < 0 {
            epoch.checked_sub_days(Days::new(day.unsigned_abs()))
        } else {
            epoch.checked_add_days(Days::new(day.unsigned_abs()))
        }.unwrap_or(epoch);
        let log: Vec<_> = varied_log(as_of).into_iter().filter(|t| t.customer < 30).collect();
        let config = ReportConfig {
            horizon_months: horizon,
            kpi_period_days: kpi_days,
            monthly_discount_rate: rate,
            money_scale: scale,
            segmentation: KMeansSegmenter::new(3),
            ..ReportConfig::default()
        };
        checked(&format!("{config:?} as of {as_of}"), Report::build(&log, as_of, &config));
    }
}
