//! Property tests of `CustomerValueReport::build` on arbitrary small logs: it returns a report or a
//! typed error, never panics; the report does not depend on the order of the log; lines after the
//! as-of date are left out and counted; every probability is in [0, 1], every figure finite, and
//! the group totals add up to the customers.

use chrono::{Duration, NaiveDate};
use customer_value::report::{CustomerValueReport, GroupTotals, ReportConfig};
use customer_value::segment::KMeansSegmenter;
use customer_value::Transaction;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date")
}

/// (customer, day offset, amount in cents): amounts mostly positive, some zero or refunds.
fn line() -> impl Strategy<Value = (u32, i64, i64)> {
    (
        0u32..25,
        0i64..400,
        prop_oneof![8 => 1i64..50_000, 1 => Just(0i64), 1 => -5_000i64..0],
    )
}

fn log_of(lines: &[(u32, i64, i64)]) -> Vec<Transaction<u32>> {
    lines
        .iter()
        .map(|&(customer, day, cents)| {
            Transaction::new(
                customer,
                start() + Duration::days(day),
                Decimal::new(cents, 2),
            )
        })
        .collect()
}

fn config() -> ReportConfig {
    ReportConfig {
        segmentation: KMeansSegmenter::new(3).seed(7),
        ..ReportConfig::default()
    }
}

fn assert_groups_cover(groups: &[GroupTotals], customers: usize) {
    if groups.is_empty() {
        return;
    }
    let counted: u64 = groups.iter().map(|g| g.customers).sum();
    assert!(counted <= customers as u64);
    let shares: f64 = groups.iter().map(|g| g.customer_share).sum();
    assert!((shares - counted as f64 / customers as f64).abs() < 1e-9);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn report_is_a_value_or_a_typed_error_and_ignores_log_order(
        lines in prop::collection::vec(line(), 1..160),
        as_of_day in 200i64..400,
        rotation in 0usize..160,
    ) {
        let as_of = start() + Duration::days(as_of_day);
        let log = log_of(&lines);
        let config = config();
        let built = CustomerValueReport::build(&log, as_of, &config);
        let mut reordered = log.clone();
        reordered.reverse();
        let split = rotation % reordered.len();
        reordered.rotate_left(split);
        let again = CustomerValueReport::build(&reordered, as_of, &config);
        match (&built, &again) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            _ => prop_assert!(false, "order changed the outcome: {:?} vs {:?}", built.is_ok(), again.is_ok()),
        }
        let Ok(report) = built else { return Ok(()); };
        let late = lines.iter().filter(|l| l.1 > as_of_day).count() as u64;
        prop_assert_eq!(report.log.late_transactions, late);
        prop_assert_eq!(report.log.lines_read, lines.len() as u64);
        for row in &report.customers {
            prop_assert!(row.last_purchase <= as_of);
            if let Some(p) = row.probability_alive {
                prop_assert!((0.0..=1.0).contains(&p), "P(alive) {}", p);
            }
            if let Some(e) = row.expected_purchases {
                prop_assert!(e.is_finite() && e >= 0.0, "expected purchases {}", e);
            }
            if let Some(s) = row.expected_spend {
                prop_assert!(s.is_finite() && s >= 0.0, "expected spend {}", s);
            }
            if let Some(clv) = row.clv {
                prop_assert!(clv >= Decimal::ZERO, "CLV {}", clv);
            }
            if let Some(score) = row.rfm_score {
                for s in [score.recency, score.frequency, score.monetary] {
                    prop_assert!((1..=5).contains(&s), "score {}", s);
                }
            }
            if let Some(k) = row.kmeans_segment {
                prop_assert!(k < report.kmeans_labels.len());
            }
            prop_assert_eq!(row.lifecycle_stage.is_some(), row.lifecycle_reason.is_some());
        }
        let n = report.customers.len();
        assert_groups_cover(&report.by_rfm_segment, n);
        assert_groups_cover(&report.by_kmeans_segment, n);
        assert_groups_cover(&report.by_lifecycle_stage, n);
        let revenue: Decimal = report.customers.iter().map(|r| r.total_spend).sum();
        let rfm_revenue: Decimal = report.by_rfm_segment.iter().map(|g| g.revenue).sum();
        if report.by_rfm_segment.iter().map(|g| g.customers).sum::<u64>() == n as u64 {
            prop_assert_eq!(rfm_revenue, revenue);
        }
    }
}
