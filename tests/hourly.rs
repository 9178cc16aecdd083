//! The BTYD inputs in clock hours from a timed log (issue 17: the calendar periods extended to
//! hours), against lifetimes 0.11.3, and independent of the order of the log.

use chrono::{NaiveDate, NaiveDateTime};
use customer_value::summary::{btyd_hourly, HourlyReport, TimedPurchase};
use customer_value::BtydInputs;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn at(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 3, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap()
}

fn line(id: u32, at: NaiveDateTime, cents: i64) -> TimedPurchase<u32> {
    TimedPurchase::new(id, at, Decimal::new(cents, 2))
}

/// A small timed log without refunds: purchases in one clock hour (09:05 and 09:55; 02:00 and
/// 02:30), neighbouring hours (01:59 and 02:00), across midnight, a single purchase, and a line
/// after the observation end (customer 2 at 18:00 on the 2nd) in a later hour than the end's.
fn log() -> Vec<TimedPurchase<u32>> {
    vec![
        line(1, at(1, 9, 5), 1_000),
        line(1, at(1, 9, 55), 550),
        line(1, at(1, 10, 0), 2_000),
        line(1, at(1, 23, 40), 725),
        line(1, at(2, 0, 10), 1_200),
        line(2, at(1, 12, 0), 800),
        line(2, at(2, 18, 0), 800),
        line(3, at(2, 1, 59), 300),
        line(3, at(2, 2, 0), 400),
        line(3, at(2, 2, 30), 600),
        line(3, at(2, 5, 15), 250),
        line(4, at(2, 6, 45), 9_999),
    ]
}

fn end() -> NaiveDateTime {
    at(2, 7, 20)
}

fn inputs(x: f64, t_x: f64, t: f64, z: f64) -> BtydInputs {
    BtydInputs {
        frequency: x,
        recency: t_x,
        age: t,
        mean_repeat_spend: z,
    }
}

/// lifetimes 0.11.3 (pandas 3.1.1), on the same log as a DataFrame with columns id, at
/// (datetime64), amount (float):
/// `lifetimes.utils.summary_data_from_transaction_data(df, 'id', 'at', monetary_value_col='amount',
/// observation_period_end='2024-03-02 07:20', freq='h')` gives
///
/// ```text
///     frequency  recency     T  monetary_value
/// id
/// 1         3.0     15.0  22.0       13.083333
/// 2         0.0      0.0  19.0        0.000000
/// 3         2.0      4.0   6.0        6.250000
/// 4         0.0      0.0   1.0        0.000000
/// ```
///
/// lifetimes groups by (hour, id) and sums before counting rows, so same-hour purchases merge as
/// here, and its monetary value is the mean of the repeat hours' sums. (13.083333 is
/// (20 + 7.25 + 12) / 3, compared exactly as that quotient.)
#[test]
fn equals_lifetimes_hourly_summary() {
    let (rows, report) = btyd_hourly(&log(), end()).unwrap();
    let expected = vec![
        (1, inputs(3.0, 15.0, 22.0, 39.25 / 3.0)),
        (2, inputs(0.0, 0.0, 19.0, 0.0)),
        (3, inputs(2.0, 4.0, 6.0, 6.25)),
        (4, inputs(0.0, 0.0, 1.0, 0.0)),
    ];
    assert_eq!(rows.len(), expected.len());
    for ((id, b), (eid, e)) in rows.iter().zip(&expected) {
        assert_eq!(id, eid);
        assert_eq!(
            (b.frequency, b.recency, b.age),
            (e.frequency, e.recency, e.age),
            "customer {id}"
        );
        assert!(
            (b.mean_repeat_spend - e.mean_repeat_spend).abs() < 1e-12,
            "customer {id}: {} vs {}",
            b.mean_repeat_spend,
            e.mean_repeat_spend
        );
    }
    assert_eq!(
        report,
        HourlyReport {
            lines_read: 12,
            late_purchases: 1,
            netted_refunds: 0,
            customers_without_purchase: 0
        }
    );
}

/// Where the rules differ, on the log above plus a refund of 5.00 by customer 1 at 15:00 on the
/// 1st (an hour of its own) and a purchase of 1.00 by customer 4 at 07:40 on the 2nd (in the hour
/// of the observation end, after it). The same lifetimes call gives customer 1 (4, 15, 22,
/// 8.5625) — the refund hour counted as a purchase period, (20 + 7.25 + 12 − 5) / 4 — and
/// customer 4 (1, 1, 1, 1.0): lifetimes truncates at the start of the end's hour. Here the refund
/// hour is not an occasion and is netted against repeat spend, (39.25 − 5) / 3, and the line
/// after the end is late.
#[test]
fn refund_hours_and_the_end_hour_differ_from_lifetimes() {
    let mut log = log();
    log.push(line(1, at(1, 15, 0), -500));
    log.push(line(4, at(2, 7, 40), 100));
    let (rows, report) = btyd_hourly(&log, end()).unwrap();
    let b = rows[0].1;
    assert_eq!((b.frequency, b.recency, b.age), (3.0, 15.0, 22.0));
    assert!((b.mean_repeat_spend - 34.25 / 3.0).abs() < 1e-12);
    assert_eq!(rows[3].1, inputs(0.0, 0.0, 1.0, 0.0));
    assert_eq!((report.late_purchases, report.netted_refunds), (2, 1));
}

proptest! {
    /// The rows and the report do not depend on the order of the log.
    #[test]
    fn independent_of_input_order(
        lines in prop::collection::vec((0u32..6, 0u32..72, 0u32..60, -2_000i64..5_000), 1..60),
        end_hour in 0u32..80,
        seed in any::<u64>(),
    ) {
        let start = at(1, 0, 0);
        let minutes = |h: u32, m: u32| start + chrono::Duration::minutes(i64::from(h * 60 + m));
        let log: Vec<_> = lines.iter().map(|&(id, h, m, cents)| line(id, minutes(h, m), cents)).collect();
        let end = minutes(end_hour, 30);
        let mut shuffled = log.clone();
        // A seeded Fisher–Yates shuffle (splitmix64 steps).
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            shuffled.swap(i, (z % (i as u64 + 1)) as usize);
        }
        let reversed: Vec<_> = log.iter().rev().cloned().collect();
        let a = btyd_hourly(&log, end);
        let b = btyd_hourly(&shuffled, end);
        let c = btyd_hourly(&reversed, end);
        match (&a, &b, &c) {
            (Ok(a), Ok(b), Ok(c)) => {
                prop_assert_eq!(a, b);
                prop_assert_eq!(a, c);
                prop_assert!(a.0.windows(2).all(|w| w[0].0 < w[1].0), "sorted by customer");
            }
            // Errors naming a position (the earliest late line) depend on the order; their kind
            // does not.
            _ => prop_assert_eq!(
                std::mem::discriminant(&a.unwrap_err()),
                std::mem::discriminant(&b.unwrap_err())
            ),
        }
    }
}
