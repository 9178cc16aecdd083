//! The k-means segment labels users see (the report's default segmenter) on three real logs: every
//! label names each feature at most once, and no two segments share a label.

mod common;

#[path = "../examples/online_retail/loader.rs"]
#[allow(dead_code, clippy::type_complexity)]
mod loader;

use std::io::{BufRead, BufReader};

use chrono::NaiveDate;
use customer_value::report::ReportConfig;
use customer_value::summary::CustomerSummary;
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

/// The segment labels the report's default k-means settings give on `log` as of `as_of`
/// (customers with a negative net spend left out, as the report does).
fn report_labels<C: Clone + Ord + std::hash::Hash + Send + Sync>(
    log: &[Transaction<C>], as_of: NaiveDate,
) -> Vec<String> {
    let (summaries, _) = Summarizer::new(as_of).summarize_with_report(log).unwrap();
    let kept: Vec<CustomerSummary<C>> = summaries
        .into_iter()
        .filter(|s| s.total_spend() >= Decimal::ZERO && s.average_order_value() >= Decimal::ZERO)
        .collect();
    let segmentation = ReportConfig::default().segmentation.fit(&kept).unwrap();
    segmentation
        .segments
        .iter()
        .map(|s| s.label.clone())
        .collect()
}

/// The feature each word of a label describes.
fn feature_of(word: &str) -> &'static str {
    let word = word
        .trim_start_matches("higher ")
        .trim_start_matches("lower ");
    let word = word
        .trim_start_matches("highest ")
        .trim_start_matches("lowest ");
    let word = word.trim_start_matches("middle ");
    match word {
        "recent" | "mid recency" | "lapsed" | "less recent" | "more recent" | "least recent"
        | "most recent" | "recency" | "recency days" => "recency",
        "one-off" | "infrequent" | "occasional" | "frequent" | "frequency" => "frequency",
        "low spend" | "mid spend" | "high spend" | "spend" => "spend",
        other if other.starts_with('#') => "tie",
        other if other.contains(" rank ") => feature_of(other.split(" rank ").next().unwrap_or("")),
        other => panic!("unknown label word {other:?}"),
    }
}

fn assert_readable(log_name: &str, labels: &[String], expected: [&str; 5]) {
    assert_eq!(labels, expected, "{log_name}");
    for label in labels {
        let mut features: Vec<&str> = label.split(" · ").map(feature_of).collect();
        let before = features.len();
        features.sort_unstable();
        features.dedup();
        assert_eq!(
            features.len(),
            before,
            "{log_name}: {label:?} names a feature twice"
        );
    }
    let mut sorted = labels.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        labels.len(),
        "{log_name}: labels repeat: {labels:?}"
    );
}

#[test]
fn cdnow_labels_name_each_feature_once() {
    let labels = report_labels(
        &common::cdnow_master(),
        NaiveDate::from_ymd_opt(1998, 6, 30).unwrap(),
    );
    // Before issue 13: "recent · frequent · high spend · most recent" and so on.
    let expected = [
        "lapsed · one-off · low spend",
        "most recent · frequent · high spend",
        "middle recency · frequent · high spend",
        "least recent · frequent · high spend",
        "mid recency · one-off · mid spend",
    ];
    assert_readable("CDNOW", &labels, expected);
}

#[test]
fn online_retail_labels_name_each_feature_once() {
    let (log, _) = loader::load().unwrap();
    let labels = report_labels(&log, loader::observation_end());
    // Before: "recent · frequent · high spend · lower spend" / "... · higher spend".
    let expected = [
        "recent · frequent · lower spend",
        "lapsed · one-off · low spend",
        "recent · frequent · higher spend",
        "recent · occasional · low spend",
        "mid recency · occasional · mid spend",
    ];
    assert_readable("Online Retail", &labels, expected);
}

/// The Complete Journey sample: customer = household, date = the day of the timestamp, amount =
/// sales value.
fn complete_journey() -> Vec<Transaction<u32>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/completejourney_transactions_sample.csv.gz"
    );
    let file = std::fs::File::open(path).unwrap();
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    reader
        .lines()
        .skip(1)
        .map(|line| {
            let line = line.unwrap();
            let fields: Vec<&str> = line.split(',').collect();
            let day = NaiveDate::parse_from_str(&fields[10][..10], "%Y-%m-%d").unwrap();
            Transaction::new(fields[0].parse().unwrap(), day, fields[5].parse().unwrap())
        })
        .collect()
}

#[test]
fn complete_journey_labels_name_each_feature_once() {
    let labels = report_labels(
        &complete_journey(),
        NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(),
    );
    // Before: "lapsed · infrequent · low spend · higher spend" / "... · lower spend".
    let expected = [
        "lapsed · infrequent · higher spend",
        "recent · frequent · high spend",
        "lapsed · infrequent · lower spend",
        "recent · occasional · low spend",
        "mid recency · occasional · mid spend",
    ];
    assert_readable("Complete Journey", &labels, expected);
}
