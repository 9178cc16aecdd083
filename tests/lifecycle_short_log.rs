//! Lifecycle stages on a log shorter than a year: the Complete Journey sample (84.51°, CC0), 2017
//! only. Few or no customer can be Mature (the tenure rule needs 365 days), and the report says
//! so. The file is `transactions_sample.csv.gz` of the completejourney data (CC0).

use std::io::Read;

use chrono::NaiveDate;
use customer_value::lifecycle::{LifecycleClassifier, LifecycleRules, LifecycleStage};
use customer_value::report::{CustomerValueReport, ReportConfig, ReportWarning};
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

/// household_id → customer, the date of transaction_timestamp → date, sales_value → amount.
fn complete_journey() -> Vec<Transaction<u32>> {
    let gz = include_bytes!("data/completejourney_transactions_sample.csv.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .expect("gzip");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let column = |name| headers.iter().position(|h| h == name).expect(name);
    let (household, sales, timestamp) = (
        column("household_id"),
        column("sales_value"),
        column("transaction_timestamp"),
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("csv record");
            let date = NaiveDate::parse_from_str(&record[timestamp][..10], "%Y-%m-%d")
                .expect("timestamp date");
            let amount: Decimal = record[sales].parse().expect("sales_value");
            Transaction::new(
                record[household].parse().expect("household_id"),
                date,
                amount,
            )
        })
        .collect()
}

fn last_date(log: &[Transaction<u32>]) -> NaiveDate {
    log.iter().map(|t| t.date).max().expect("a line")
}

fn stage_counts(report: &CustomerValueReport<u32>) -> Vec<(String, u64)> {
    report
        .by_lifecycle_stage
        .iter()
        .map(|g| (g.name.clone(), g.customers))
        .collect()
}

fn counts(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected.iter().map(|(n, c)| (n.to_string(), *c)).collect()
}

#[test]
fn a_log_of_a_year_has_few_mature_customers_and_the_report_warns() {
    let log = complete_journey();
    assert_eq!(log.len(), 75000);
    let as_of = last_date(&log);
    assert_eq!(as_of, NaiveDate::from_ymd_opt(2018, 1, 1).unwrap());
    let summaries = Summarizer::new(as_of).summarize(&log).unwrap();
    let stages = LifecycleClassifier::default()
        .classify(&summaries, &[], as_of)
        .unwrap();
    let totals = stages.totals().map(|t| t.customers);
    let reach = LifecycleRules::default().stage_reach(&summaries, as_of);
    // 2017-01-01 to 2018-01-01: 365 days, so only the households that shopped in the first two
    // days have a year of tenure.
    assert_eq!((reach[0].eligible, reach[0].customers), (102, 2377));
    assert_eq!(totals, [0, 11, 1404, 29, 587, 285, 61]);

    let report = CustomerValueReport::build(&log, as_of, &ReportConfig::default()).unwrap();
    for w in &report.warnings {
        println!("{w}");
    }
    let lifecycle: Vec<&ReportWarning> = report
        .warnings
        .iter()
        .filter(|w| w.part() == "lifecycle")
        .collect();
    assert_eq!(
        lifecycle,
        [&ReportWarning::StageRarelyReachable {
            stage: LifecycleStage::Mature,
            eligible: 102,
            customers: 2377,
            needed_days: 365.0,
            setting: "growing_tenure_days",
        }]
    );
    assert!(lifecycle[0].to_string().starts_with(
        "only 102 of 2377 customers (4.3%) have the 365 days of history Mature needs (lifecycle.growing_tenure_days)"
    ));
    assert_eq!(
        stage_counts(&report),
        counts(&[
            ("New", 11),
            ("Growing", 1404),
            ("Mature", 29),
            ("Declining", 587),
            ("Churned", 285),
            ("Reactivated", 61)
        ])
    );
}

#[test]
fn a_log_shorter_than_a_year_has_no_mature_customer_and_the_report_warns() {
    let log = complete_journey();
    // Calendar 2017 only: the lines of 2018-01-01 are left out as late, and counted.
    let as_of = NaiveDate::from_ymd_opt(2017, 12, 31).unwrap();
    let report = CustomerValueReport::build(&log, as_of, &ReportConfig::default()).unwrap();
    for w in &report.warnings {
        println!("{w}");
    }
    assert_eq!(report.log.late_transactions, 23);
    let lifecycle: Vec<&ReportWarning> = report
        .warnings
        .iter()
        .filter(|w| w.part() == "lifecycle")
        .collect();
    assert_eq!(
        lifecycle,
        [&ReportWarning::StageUnreachable {
            stage: LifecycleStage::Mature,
            window_days: 364,
            needed_days: 365.0,
            setting: "growing_tenure_days",
        }]
    );
    // 61% Growing, most of them on tenure alone (Online Retail, also a one-year log: 49%).
    assert_eq!(
        stage_counts(&report),
        counts(&[
            ("New", 11),
            ("Growing", 1451),
            ("Declining", 569),
            ("Churned", 285),
            ("Reactivated", 61)
        ])
    );

    // Lowering the tenure threshold below the window makes Mature reachable, and the warning goes.
    let mut rules = LifecycleRules::default();
    rules.growing_tenure_days = 180.0;
    let config = ReportConfig {
        lifecycle: rules,
        ..ReportConfig::default()
    };
    let report = CustomerValueReport::build(&log, as_of, &config).unwrap();
    assert!(report.warnings.iter().all(|w| w.part() != "lifecycle"));
    assert_eq!(
        stage_counts(&report),
        counts(&[
            ("New", 11),
            ("Growing", 859),
            ("Mature", 592),
            ("Declining", 569),
            ("Churned", 285),
            ("Reactivated", 61)
        ])
    );
}
