//! Numeric extremes: x up to 10^4, T up to 10^4 days, amounts up to 10^12 with 4 decimals, a single
//! customer, identical customers, everybody on one day. Every call gives a value or a typed
//! error, never a NaN and never a panic.

use chrono::{Duration, NaiveDate};
use customer_value::clv::{
    BgNbd, FitOptions, MaximumLikelihood, ModifiedBgNbd, ParetoNbd, PurchaseModel, RepeatHistory,
};
use customer_value::report::{CustomerValueReport, ReportConfig};
use customer_value::segment::KMeansSegmenter;
use customer_value::{RfmScorer, Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date") + Duration::days(offset)
}

fn models() -> (BgNbd, ModifiedBgNbd, ParetoNbd) {
    (
        BgNbd::new(0.243, 4.414, 0.793, 2.426).expect("published parameters"),
        ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614).expect("published parameters"),
        ParetoNbd::new(0.553, 10.578, 0.606, 11.669).expect("published parameters"),
    )
}

fn check_predictions<M: PurchaseModel>(model: &M, h: &RepeatHistory) {
    if let Ok(p) = model.probability_alive(h) {
        assert!((0.0..=1.0).contains(&p), "P(alive) {p} for {h:?}");
    }
    if let Ok(e) = model.conditional_expected_purchases(52.0, h) {
        assert!(e.is_finite() && e >= 0.0, "E {e} for {h:?}");
    }
    if let Ok(e) = model.expected_purchases(1e4) {
        assert!(e.is_finite() && e >= 0.0);
    }
}

#[test]
fn predictions_for_ten_thousand_purchases_over_ten_thousand_days() {
    let (bg, mbg, pareto) = models();
    for (x, t_x, t) in [
        (1e4, 1e4, 1e4),
        (1e4, 9_999.0, 1e4),
        (1e4, 1.0, 1e4),
        (0.0, 0.0, 1e4),
        (1.0, 1e4, 1e4),
    ] {
        for unit in [1.0, 7.0] {
            let h = RepeatHistory::new(x, t_x / unit, t / unit).expect("valid history");
            check_predictions(&bg, &h);
            check_predictions(&mbg, &h);
            check_predictions(&pareto, &h);
        }
    }
    // The heaviest buyer who just bought is alive.
    let h = RepeatHistory::new(1e4, 1e4, 1e4).unwrap();
    assert!(pareto.probability_alive(&h).unwrap() > 0.99);
}

#[test]
fn fits_on_extreme_or_degenerate_histories_are_values_or_typed_errors() {
    let options = FitOptions {
        accept_unconverged: true,
        ..FitOptions::default()
    };
    let heavy: Vec<RepeatHistory> = (0..50)
        .map(|i| RepeatHistory::new(f64::from(i) * 200.0, f64::from(i) * 190.0, 1e4).unwrap())
        .collect();
    let identical = vec![RepeatHistory::new(3.0, 20.0, 40.0).unwrap(); 100];
    let single = vec![RepeatHistory::new(5.0, 30.0, 40.0).unwrap()];
    for data in [&heavy, &identical, &single] {
        if let Ok(fit) = BgNbd::fit(data, &options) {
            assert!(fit.log_likelihood.is_finite());
            check_predictions(&fit.model, &data[0]);
        }
        if let Ok(fit) = ParetoNbd::fit(data, &options) {
            assert!(fit.log_likelihood.is_finite());
            check_predictions(&fit.model, &data[0]);
        }
        if let Ok(fit) = ModifiedBgNbd::fit(data, &options) {
            assert!(fit.log_likelihood.is_finite());
        }
    }
}

#[test]
fn trillions_with_four_decimals_sum_exactly_and_score() {
    let amount: Decimal = "999999999999.9999".parse().unwrap();
    let log: Vec<Transaction<u32>> = (0..3u32)
        .flat_map(|c| (0..4).map(move |k| Transaction::new(c, day(i64::from(c) + 10 * k), amount)))
        .collect();
    let summaries = Summarizer::new(day(100)).summarize(&log).unwrap();
    assert_eq!(summaries[0].total_spend(), amount * Decimal::from(4));
    let records = RfmScorer::new().score(&summaries).unwrap();
    assert!(records.iter().all(|r| (1..=5).contains(&r.score.monetary)));
    let b = summaries[0].btyd(TimeUnit::Weeks);
    assert!((b.mean_repeat_spend - 999_999_999_999.999_9).abs() < 1e-3);
}

#[test]
fn a_single_customer_identical_customers_and_one_day() {
    let end = day(400);
    let single = vec![
        Transaction::new(1u32, day(0), Decimal::TEN),
        Transaction::new(1, day(30), Decimal::TEN),
    ];
    let identical: Vec<_> = (0..50u32)
        .flat_map(|c| {
            [
                Transaction::new(c, day(0), Decimal::TEN),
                Transaction::new(c, day(30), Decimal::TEN),
            ]
        })
        .collect();
    let one_day: Vec<_> = (0..50u32)
        .map(|c| Transaction::new(c, day(0), Decimal::from(c + 1)))
        .collect();
    for log in [&single, &identical, &one_day] {
        let summaries = Summarizer::new(end).summarize(log).unwrap();
        let records = RfmScorer::new().score(&summaries).unwrap();
        assert!(records.iter().all(|r| (1..=5).contains(&r.score.recency)));
        // k-means refuses data it cannot split, with a typed error.
        if let Ok(s) = KMeansSegmenter::new(2).fit(&summaries) {
            assert!(s.inertia.is_finite());
        }
        // The report: a value or a typed error, whatever the parts.
        match CustomerValueReport::build(log, end, &ReportConfig::default()) {
            Ok(report) => {
                for c in &report.customers {
                    if let Some(p) = c.probability_alive {
                        assert!((0.0..=1.0).contains(&p));
                    }
                }
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}
