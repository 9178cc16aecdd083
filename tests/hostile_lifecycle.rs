//! Hostile inputs for `lifecycle`: every threshold of the rules at every extreme float, integer
//! settings at their ends, dates at the ends of the calendar, purchase models returning anything,
//! and JSON that no classification produces. Each case must return a typed error or an `Ok`
//! whose every float is finite, without a panic and quickly.

mod common;

use chrono::NaiveDate;
use common::RULE_SETTERS as SETTERS;
use customer_value::clv::{ClvError, PurchaseModel, RepeatHistory};
use customer_value::lifecycle::{
    Classification, LifecycleClassifier, LifecycleError, LifecycleRule, LifecycleRules,
    LifecycleStage, StageReason, Transitions,
};
use customer_value::{CustomerSummary, Settings, Summarizer, TimeUnit, Transaction};
use proptest::prelude::*;
use rust_decimal::Decimal;

const EXTREMES: [f64; 17] = [
    0.0,
    -0.0,
    5e-324,
    1e-300,
    0.5,
    1.0,
    3.0,
    1e6,
    1e9,
    1e200,
    1e308,
    f64::MAX,
    -1.0,
    -f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Customers at both ends of the calendar and in between, with refunds and amounts at the
/// summary's bound (10^18).
fn extreme_summaries() -> Vec<CustomerSummary<u32>> {
    let huge = Decimal::from(1_000_000_000_000_000_000u64);
    let mut log = vec![
        Transaction::new(1u32, NaiveDate::MIN, huge),
        Transaction::new(2, NaiveDate::MIN, Decimal::ONE),
        Transaction::new(2, NaiveDate::MAX, huge),
        Transaction::new(4, date(2024, 1, 1), Decimal::TEN),
        Transaction::new(4, date(2024, 1, 2), -huge),
        Transaction::new(5, NaiveDate::MAX, Decimal::new(1, 28)),
        Transaction::new(6, date(1, 1, 1), huge),
        Transaction::new(6, date(1, 1, 2), Decimal::new(1, 28)),
        Transaction::new(6, date(2024, 6, 1), huge),
    ];
    for month in 1..=12 {
        log.push(Transaction::new(
            3,
            date(2024, month, 1),
            Decimal::from(month),
        ));
    }
    Summarizer::new(NaiveDate::MAX).summarize(&log).unwrap()
}

/// Every float the reason holds is finite, and its sentence shows no ∞ or NaN.
fn assert_reason_finite(reason: &StageReason) {
    assert!(reason.threshold.is_none_or(f64::is_finite), "{reason:?}");
    if let Some(m) = reason.metrics {
        for value in [
            m.expected_gap_days,
            m.churn_threshold_days,
            m.return_window_days,
            m.trend_window_days,
        ] {
            assert!(value.is_finite() && value >= 0.0, "{reason:?}");
        }
        assert!(m.spend_trend.is_none_or(f64::is_finite), "{reason:?}");
        assert!(m.probability_alive.is_none_or(|p| (0.0..=1.0).contains(&p)));
    }
    let text = reason.to_string();
    assert!(!text.contains("inf") && !text.contains("NaN"), "{text}");
}

fn assert_classification_finite<C: Ord>(c: &Classification<C>) {
    assert!(c.population_gap_days().is_none_or(f64::is_finite));
    for customer in c.customers() {
        assert_eq!(customer.stage, customer.reason.stage);
        assert_reason_finite(&customer.reason);
    }
    for total in c.totals() {
        assert!(total.share.is_finite());
    }
}

/// Classifies the extreme customers as of three dates with `rules`, asserting finite results.
fn classify_everywhere(rules: LifecycleRules, summaries: &[CustomerSummary<u32>]) {
    let classifier = LifecycleClassifier::new(rules).unwrap();
    for as_of in [NaiveDate::MAX, date(2024, 12, 31), date(1, 1, 1)] {
        match classifier.classify(summaries, &[7, 8], as_of) {
            Ok(c) => assert_classification_finite(&c),
            Err(e) => assert!(
                matches!(
                    e,
                    LifecycleError::AsOfBeforeData { .. }
                        | LifecycleError::NoRepeatCustomers { .. }
                ),
                "{rules:?} as of {as_of}: {e}"
            ),
        }
    }
    let moves = classifier
        .transitions(summaries, &[7], date(2024, 12, 31), NaiveDate::MAX)
        .unwrap();
    for shares in moves.row_shares().into_iter().flatten() {
        assert!(shares.iter().all(|s| s.is_finite()));
    }
}

#[test]
fn every_threshold_at_every_extreme_is_refused_or_gives_finite_stages() {
    let summaries = extreme_summaries();
    for (name, set) in SETTERS {
        for value in EXTREMES {
            let mut rules = LifecycleRules::default();
            set(&mut rules, value);
            match rules.check() {
                Ok(()) => classify_everywhere(rules, &summaries),
                Err(LifecycleError::InvalidParameter { name: field, .. }) => {
                    // The error names the field set, or the one it contradicts.
                    assert!(
                        field == name
                            || (name == "churn_max_days" && field == "churn_min_days")
                            || (name == "declining_probability" && field == "churn_probability"),
                        "{name} = {value}: {field}"
                    );
                }
                Err(e) => panic!("{name} = {value}: {e}"),
            }
        }
    }
}

#[test]
fn multiples_and_days_are_bounded_with_a_stated_limit() {
    for (name, set) in [SETTERS[2], SETTERS[6], SETTERS[10], SETTERS[11], SETTERS[0]] {
        let mut rules = LifecycleRules::default();
        set(&mut rules, 1e308);
        let e = rules.check().unwrap_err();
        assert!(
            matches!(e, LifecycleError::InvalidParameter { name: n, value, .. } if n == name && value == 1e308),
            "{e:?}"
        );
        assert!(e.to_string().contains("1000000"), "{name}: {e}");
        set(&mut rules, LifecycleRules::MAX_MULTIPLE);
        rules.check().unwrap();
    }
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(1e300);
    let e = rules.check().unwrap_err();
    assert!(e.to_string().contains("1000000000"), "{e}");
    // Everything at its limit at once: the thresholds stay finite.
    let mut rules = uniform_rules(LifecycleRules::MAX_DAYS, LifecycleRules::MAX_MULTIPLE);
    rules.declining_min_occasions = u64::MAX;
    classify_everywhere(rules, &extreme_summaries());
    // And at their smallest values.
    let tiny = 5e-324;
    let mut rules = uniform_rules(tiny, tiny);
    rules.shrinkage_strength = 0.0;
    rules.growing_tenure_days = 0.0;
    rules.declining_trend = tiny;
    rules.growing_trend = tiny;
    rules.declining_min_occasions = 0;
    classify_everywhere(rules, &extreme_summaries());
}

/// The default rules with every day count at `days` and every gap multiple, and k₀, at
/// `multiple`.
fn uniform_rules(days: f64, multiple: f64) -> LifecycleRules {
    let mut rules = LifecycleRules::default();
    rules.shrinkage_strength = multiple;
    rules.population_gap_days = Some(days);
    rules.churn_gap_multiple = multiple;
    rules.churn_min_days = days;
    rules.churn_max_days = days;
    rules.return_window_min_days = days;
    rules.declining_gap_multiple = multiple;
    rules.growing_tenure_days = days;
    rules.trend_window_min_days = days;
    rules.trend_window_gap_multiple = multiple;
    rules
}

/// Customer 1 bought on days 0, 250 and 500 for 10 each (2020-01-01 is day 0).
fn rising_from_nothing() -> Vec<CustomerSummary<u32>> {
    let day = |n| date(2020, 1, 1) + chrono::Duration::days(n);
    let log: Vec<Transaction<u32>> = [0, 250, 500]
        .into_iter()
        .map(|n| Transaction::new(1, day(n), Decimal::TEN))
        .collect();
    Summarizer::new(day(520)).summarize(&log).unwrap()
}

#[test]
fn spend_that_rises_from_nothing_has_no_ratio_but_still_reads_as_growth() {
    // G = 200: g = (500 + 2·200) / (2 + 2) = 225, L = 3g = 675, so as of day 520 every purchase
    // is in the recent window and the earlier one is empty: the ratio is undefined (it was +∞).
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(200.0);
    let out = LifecycleClassifier::new(rules)
        .unwrap()
        .classify(
            &rising_from_nothing(),
            &[],
            date(2020, 1, 1) + chrono::Duration::days(520),
        )
        .unwrap();
    let reason = out.customers()[0].reason;
    let m = reason.metrics.unwrap();
    assert_eq!(m.expected_gap_days, 225.0);
    assert_eq!(m.trend_window_days, 675.0);
    assert_eq!(
        (m.recent_spend, m.earlier_spend),
        (Decimal::from(30), Decimal::ZERO)
    );
    assert_eq!(m.spend_trend, None);
    // Last gap 250 ≤ c = 365, r = 20 ≤ 2g, tenure 520 ≥ 365: growth from nothing.
    assert_eq!(
        (reason.stage, reason.rule),
        (LifecycleStage::Growing, LifecycleRule::SpendTrendUp)
    );
    assert_eq!(
        reason.to_string(),
        "growing: spend rose from nothing (30 in the last 675.0 days vs 0 before)"
    );
}

#[test]
fn a_ratio_beyond_decimal_range_is_a_finite_float() {
    // Purchases on days 0, 300 and 600, as of day 610, G = 300: g = (600 + 2·300) / 4 = 300 and
    // L = max(305, 1·g) = 305, so the day-300 purchase (10^-28) is in the earlier window and the
    // day-600 one (10^18) in the recent one. The quotient 10^46 exceeds Decimal (7.9e28), not f64.
    let day = |n| date(2020, 1, 1) + chrono::Duration::days(n);
    let log = [
        Transaction::new(1u32, day(0), Decimal::new(1, 28)),
        Transaction::new(1, day(300), Decimal::new(1, 28)),
        Transaction::new(1, day(600), Decimal::from(1_000_000_000_000_000_000u64)),
    ];
    let summaries = Summarizer::new(day(610)).summarize(&log).unwrap();
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(300.0);
    rules.trend_window_min_days = 305.0;
    rules.trend_window_gap_multiple = 1.0;
    let out = LifecycleClassifier::new(rules)
        .unwrap()
        .classify(&summaries, &[], day(610))
        .unwrap();
    let reason = out.customers()[0].reason;
    assert_reason_finite(&reason);
    let m = reason.metrics.unwrap();
    assert_eq!(m.trend_window_days, 305.0);
    assert_eq!(m.earlier_spend, Decimal::new(1, 28));
    let rho = m.spend_trend.unwrap();
    assert!((rho - 1e46).abs() <= 1e-12 * 1e46, "{rho:e}");
    assert_eq!(reason.rule, LifecycleRule::SpendTrendUp);
}

/// A model that answers one fixed P(alive).
struct Fixed(f64);

impl PurchaseModel for Fixed {
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        Ok(t)
    }
    fn conditional_expected_purchases(&self, t: f64, _: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(t)
    }
    fn probability_alive(&self, _: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(self.0)
    }
    fn probability_of_purchases(&self, _: u32, _: f64) -> Result<f64, ClvError> {
        Ok(0.0)
    }
}

#[test]
fn any_probability_from_a_model_is_used_or_refused() {
    let summaries = extreme_summaries();
    let classifier = LifecycleClassifier::default();
    for p in EXTREMES {
        for unit in [TimeUnit::Days, TimeUnit::Weeks] {
            for as_of in [NaiveDate::MAX, date(2024, 12, 31)] {
                let out = classifier.classify_with_model(&summaries, &[9], as_of, &Fixed(p), unit);
                match out {
                    Ok(c) => {
                        assert!((0.0..=1.0).contains(&p));
                        assert_classification_finite(&c);
                    }
                    Err(LifecycleError::InvalidProbability { value, .. }) => {
                        assert!(!(0.0..=1.0).contains(&p));
                        assert!(value.is_nan() || value == p);
                    }
                    Err(e) => panic!("{p}: {e}"),
                }
            }
        }
    }
}

#[test]
fn dates_at_the_ends_of_the_calendar() {
    let summaries = extreme_summaries();
    // Nobody has bought twice by the calendar's first day: the population gap is fixed.
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(30.0);
    let classifier = LifecycleClassifier::new(rules).unwrap();
    let first = classifier
        .classify(&summaries, &[], NaiveDate::MIN)
        .unwrap();
    assert_classification_finite(&first);
    // Only the two customers who bought on the calendar's first day exist by then.
    assert_eq!(first.customers().len(), 2);
    let moves = classifier
        .transitions(&summaries, &[], NaiveDate::MIN, NaiveDate::MAX)
        .unwrap();
    assert_eq!(moves.acquired().iter().sum::<u64>(), 4);
    assert!(matches!(
        classifier.transitions(&summaries, &[], NaiveDate::MAX, NaiveDate::MIN),
        Err(LifecycleError::TransitionsOutOfOrder { .. })
    ));
    let rules = LifecycleRules::default();
    for as_of in [NaiveDate::MIN, date(2024, 1, 1), NaiveDate::MAX] {
        for reach in rules.stage_reach(&summaries, as_of) {
            assert!(reach.eligible <= reach.customers);
        }
    }
    for window in [i64::MIN, -1, 0, 90, 91, 365, i64::MAX] {
        let stages = rules.unreachable_stages(window);
        assert!(stages.len() <= 3);
        assert_eq!(stages.is_empty(), window >= 365, "{window}");
    }
}

/// What a case spoils, and how.
type Spoil = (&'static str, Box<dyn Fn(&mut serde_json::Value)>);

/// A classification as JSON, to be spoiled field by field.
fn classification_json() -> serde_json::Value {
    let summaries = extreme_summaries();
    let c = LifecycleClassifier::default()
        .classify(&summaries, &[7], NaiveDate::MAX)
        .unwrap();
    serde_json::to_value(&c).unwrap()
}

#[test]
fn deserialized_classifications_that_no_classifier_produces_are_refused() {
    let good = classification_json();
    let back: Classification<u32> = serde_json::from_value(good.clone()).unwrap();
    assert_eq!(back.totals().len(), 7);
    let max = Decimal::MAX.to_string();
    let spoil: Vec<Spoil> = vec![
        (
            "revenues that overflow their total",
            Box::new(move |j| {
                j["customers"][0]["revenue"] = max.clone().into();
                j["customers"][1]["revenue"] = max.clone().into();
            }),
        ),
        (
            // Alone it sums, but Transitions::between would subtract it from another's.
            "one revenue of Decimal::MAX",
            Box::new(|j| j["customers"][0]["revenue"] = Decimal::MAX.to_string().into()),
        ),
        (
            "customers out of order",
            Box::new(|j| j["customers"].as_array_mut().unwrap().swap(0, 1)),
        ),
        (
            "a stage its reason does not give",
            Box::new(|j| j["customers"][0]["stage"] = "Mature".into()),
        ),
        (
            "a rule of another stage",
            Box::new(|j| {
                j["customers"][0]["reason"]["rule"] = "KnownProspect".into();
            }),
        ),
        (
            "a negative population gap",
            Box::new(|j| j["population_gap_days"] = (-3.0).into()),
        ),
        (
            "a probability above 1",
            Box::new(|j| {
                j["customers"][0]["reason"]["metrics"]["probability_alive"] = 1.5.into();
            }),
        ),
        (
            "a negative churn threshold",
            Box::new(|j| {
                j["customers"][0]["reason"]["metrics"]["churn_threshold_days"] = (-1.0).into();
            }),
        ),
    ];
    for (what, spoil) in spoil {
        let mut json = good.clone();
        spoil(&mut json);
        assert!(
            serde_json::from_value::<Classification<u32>>(json).is_err(),
            "{what} was accepted"
        );
    }
}

#[test]
fn deserialized_transitions_and_rules_that_nothing_produces_are_refused() {
    let summaries = extreme_summaries();
    let moves = LifecycleClassifier::default()
        .transitions(&summaries, &[], date(2024, 12, 31), NaiveDate::MAX)
        .unwrap();
    let good = serde_json::to_value(moves).unwrap();
    let back: Transitions = serde_json::from_value(good.clone()).unwrap();
    assert!(back
        .row_shares()
        .iter()
        .flatten()
        .all(|r| r.iter().all(|s| s.is_finite())));
    let max = Decimal::MAX.to_string();
    let spoil: Vec<Spoil> = vec![
        (
            "counts that overflow a row",
            Box::new(|j| {
                j["counts"][0][0] = u64::MAX.into();
                j["counts"][0][1] = 1.into();
            }),
        ),
        (
            "revenues that overflow a row",
            Box::new(move |j| {
                j["revenue"][2][2] = max.clone().into();
                j["revenue"][2][3] = max.clone().into();
            }),
        ),
        (
            "dates out of order",
            Box::new(|j| {
                let from = j["from"].clone();
                j["from"] = j["to"].clone();
                j["to"] = from;
            }),
        ),
    ];
    for (what, spoil) in spoil {
        let mut json = good.clone();
        spoil(&mut json);
        assert!(
            serde_json::from_value::<Transitions>(json).is_err(),
            "{what} was accepted"
        );
    }
    let rules = serde_json::to_value(LifecycleRules::default()).unwrap();
    for (field, value) in [
        ("churn_gap_multiple", serde_json::json!(1e308)),
        ("churn_min_days", serde_json::json!(-1.0)),
        ("churn_probability", serde_json::json!(0.9)),
        ("population_gap_days", serde_json::json!(0.0)),
    ] {
        let mut json = rules.clone();
        json[field] = value;
        let refused = serde_json::from_value::<LifecycleRules>(json).unwrap_err();
        assert!(refused.to_string().contains(field), "{field}: {refused}");
    }
    let back: LifecycleRules = serde_json::from_value(rules).unwrap();
    assert_eq!(back, LifecycleRules::default());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_thresholds_give_a_typed_error_or_finite_stages(
        values in prop::collection::vec(prop::num::f64::ANY, 14)
    ) {
        let mut rules = LifecycleRules::default();
        for ((_, set), value) in SETTERS.iter().zip(values) {
            set(&mut rules, value);
        }
        if rules.check().is_ok() {
            classify_everywhere(rules, &extreme_summaries());
        }
    }

    #[test]
    fn any_positive_thresholds_within_the_limits_give_finite_stages(
        multiples in prop::collection::vec(1e-300f64..=LifecycleRules::MAX_MULTIPLE, 4),
        days in prop::collection::vec(1e-300f64..=LifecycleRules::MAX_DAYS, 5),
    ) {
        let mut rules = LifecycleRules::default();
        rules.shrinkage_strength = multiples[0];
        rules.churn_gap_multiple = multiples[1];
        rules.declining_gap_multiple = multiples[2];
        rules.trend_window_gap_multiple = multiples[3];
        rules.population_gap_days = Some(days[0]);
        rules.churn_min_days = days[1].min(days[2]);
        rules.churn_max_days = days[1].max(days[2]);
        rules.trend_window_min_days = days[3];
        rules.growing_tenure_days = days[4];
        prop_assert!(rules.check().is_ok());
        classify_everywhere(rules, &extreme_summaries());
    }
}
