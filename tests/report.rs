//! The per-customer report on CDNOW: consistent with each module called on its own.

use chrono::NaiveDate;
use customer_value::clv::{BgNbd, FitOptions, MaximumLikelihood, PurchaseModel, RepeatHistory};
use customer_value::report::{CustomerValueReport, PurchaseModelKind, ReportConfig};
use customer_value::{RfmScorer, Summarizer, TimeUnit, Transaction};

mod common;
use common::cdnow_master;

#[test]
fn cdnow_report_agrees_with_the_modules_it_combines() {
    let log = cdnow_master();
    let as_of = NaiveDate::from_ymd_opt(1998, 6, 30).unwrap();
    let config = ReportConfig::default();
    let report = CustomerValueReport::build(&log, as_of, &config).unwrap();
    assert_eq!(report.customers.len(), 23570);
    assert_eq!(report.log.lines_read, 69659);

    let summaries = Summarizer::new(as_of).summarize(&log).unwrap();
    let records = RfmScorer::new().score(&summaries).unwrap();
    for (row, record) in report.customers.iter().zip(&records) {
        assert_eq!(row.customer, record.customer);
        assert_eq!(row.rfm_score, Some(record.score));
    }

    let histories: Vec<RepeatHistory> = summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, TimeUnit::Weeks))
        .collect();
    let fit = BgNbd::fit(&histories, &FitOptions::default()).unwrap();
    let model = report.purchase_model.as_ref().unwrap();
    assert_eq!(model.fit.kind(), PurchaseModelKind::BgNbd);
    assert!((model.fit.log_likelihood() - fit.log_likelihood).abs() < 1e-6);
    let horizon = 12.0 * 4.345;
    for (row, h) in report.customers.iter().zip(&histories).step_by(997) {
        let alive = fit.model.probability_alive(h).unwrap();
        let expected = fit
            .model
            .conditional_expected_purchases(horizon, h)
            .unwrap();
        assert!((row.probability_alive.unwrap() - alive).abs() < 1e-6);
        assert!((row.expected_purchases.unwrap() - expected).abs() < 1e-6);
    }

    let spend_model = report.spend_model.as_ref().unwrap();
    assert!(
        spend_model.fit.model.params().q > 1.0,
        "q is constrained above 1"
    );
    let total_clv: rust_decimal::Decimal = report.customers.iter().map(|c| c.clv.unwrap()).sum();
    assert!(total_clv > rust_decimal::Decimal::ZERO);
    assert!(report
        .customers
        .iter()
        .all(|c| c.clv.unwrap() >= rust_decimal::Decimal::ZERO));
    // A customer with the most expected purchases is worth more than one expected to buy nothing.
    let best = report
        .customers
        .iter()
        .max_by(|a, b| {
            a.expected_purchases
                .partial_cmp(&b.expected_purchases)
                .unwrap()
        })
        .unwrap();
    assert!(best.clv.unwrap() > rust_decimal::Decimal::from(100));

    for groups in [
        &report.by_rfm_segment,
        &report.by_kmeans_segment,
        &report.by_lifecycle_stage,
    ] {
        let customers: u64 = groups.iter().map(|g| g.customers).sum();
        assert_eq!(customers, 23570);
        let revenue: rust_decimal::Decimal = groups.iter().map(|g| g.revenue).sum();
        assert_eq!(revenue, summaries.iter().map(|s| s.total_spend()).sum());
        let clv: rust_decimal::Decimal = groups.iter().map(|g| g.clv.unwrap()).sum();
        assert_eq!(clv, total_clv);
    }
    assert_eq!(report.by_kmeans_segment.len(), 5);
    assert!(report
        .customers
        .iter()
        .all(|c| c.lifecycle_reason.is_some()));
    assert!(report.kpis.is_some());

    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"by_lifecycle_stage\""));
}

#[test]
fn a_base_without_repeat_buyers_skips_the_parts_it_cannot_support_with_warnings() {
    let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    let log: Vec<_> = (0..20u32)
        .map(|c| Transaction::new(c, d(1 + c % 28), rust_decimal::Decimal::from(c + 1)))
        .collect();
    let report = CustomerValueReport::build(&log, d(31), &ReportConfig::default()).unwrap();
    let parts: Vec<&str> = report.warnings.iter().map(|w| w.part()).collect();
    // Nobody made a repeat purchase: the purchase model is not identifiable (and the spend model
    // needs it); everybody bought once, so purchase occasions is a constant feature, which
    // k-means refuses; and the population's purchase rhythm is undefined.
    assert_eq!(
        parts,
        ["purchase_model", "spend_model", "segmentation", "lifecycle"],
        "{:#?}",
        report.warnings
    );
    assert!(report.warnings[0]
        .to_string()
        .starts_with("the BG/NBD purchase model was skipped: the model cannot be identified"));
    assert!(report.warnings[3]
        .to_string()
        .contains("set lifecycle.population_gap_days"));
    assert_eq!(report.customers.len(), 20);
    assert!(report
        .customers
        .iter()
        .all(|c| c.probability_alive.is_none()));
    let mut config = ReportConfig::default();
    config.parts.purchase_model = false;
    config.parts.spend_model = false; // CLV needs the purchase model
    config.parts.segmentation = false;
    config.parts.lifecycle = false;
    let report = CustomerValueReport::build(&log, d(31), &config).unwrap();
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(report.customers.len(), 20);
}

#[test]
fn customers_with_net_refunds_are_left_out_of_k_means_and_counted() {
    let mut log = cdnow_master();
    let d = |m, n| NaiveDate::from_ymd_opt(1997, m, n).unwrap();
    // Customer 900001 buys 20.00, then returns 95.00 worth of goods bought elsewhere: net −75.00.
    log.push(Transaction::new(
        900_001,
        d(3, 1),
        rust_decimal::Decimal::from(20),
    ));
    log.push(Transaction::new(
        900_001,
        d(4, 1),
        rust_decimal::Decimal::from(-95),
    ));
    let as_of = NaiveDate::from_ymd_opt(1998, 6, 30).unwrap();
    let report = CustomerValueReport::build(&log, as_of, &ReportConfig::default()).unwrap();
    assert_eq!(report.kmeans_left_out, 1);
    let refunder = report
        .customers
        .iter()
        .find(|c| c.customer == 900_001)
        .unwrap();
    assert!(refunder.total_spend < rust_decimal::Decimal::ZERO);
    assert_eq!(refunder.kmeans_segment, None);
    // Everybody else has a segment, and the segment totals count them all.
    let segmented = report
        .customers
        .iter()
        .filter(|c| c.kmeans_segment.is_some())
        .count();
    assert_eq!(segmented, report.customers.len() - 1);
    let counted: u64 = report.by_kmeans_segment.iter().map(|g| g.customers).sum();
    assert_eq!(counted, segmented as u64);
}
