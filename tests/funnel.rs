//! Funnel and service KPIs: conversion from prospects and a log, renewal, complaint and resolution
//! rates, with Wilson intervals checked against an independent computation, and every error path.
//!
//! Reference script (scipy 1.17.1): Wilson's closed form as printed in Wilson (1927), with z from
//! scipy, not the crate's rearranged form:
//!
//! ```text
//! from scipy.stats import norm; from math import sqrt
//! def wilson(s, n, level):
//!     z = norm.isf((1 - level) / 2); p = s / n
//!     c = (p + z*z/(2*n)) / (1 + z*z/n); h = z*sqrt(p*(1-p)/n + z*z/(4*n*n)) / (1 + z*z/n)
//!     return c - h, c + h
//! ```

use chrono::NaiveDate;
use customer_value::kpi::{
    complaint_rate, conversion_rate, conversion_rate_from_counts, renewal_rate, resolution_rate,
    KpiError, RateEstimate,
};
use customer_value::{CustomerSummary, Summarizer, Transaction};
use proptest::prelude::*;
use rust_decimal::Decimal;

type CountRate = fn(u64, u64, f64) -> Result<RateEstimate, KpiError>;

/// Every count-based rate, with the name its errors carry.
const RATES: [(&str, CountRate); 4] = [
    ("conversion rate", conversion_rate_from_counts),
    ("renewal rate", renewal_rate),
    ("complaint rate", complaint_rate),
    ("resolution rate", resolution_rate),
];

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, m, d).unwrap()
}

fn summaries(log: &[(u32, NaiveDate, i64)], end: NaiveDate) -> Vec<CustomerSummary<u32>> {
    let log: Vec<_> = log
        .iter()
        .map(|&(c, d, a)| Transaction::new(c, d, Decimal::from(a)))
        .collect();
    Summarizer::new(end).summarize(&log).unwrap()
}

fn assert_wilson(rate: &RateEstimate, lower: f64, upper: f64) {
    assert!(
        (rate.interval.lower - lower).abs() < 1e-12 && (rate.interval.upper - upper).abs() < 1e-12,
        "{rate:?} vs [{lower}, {upper}]"
    );
    assert_eq!(rate.interval.estimate, rate.rate);
}

#[test]
fn wilson_intervals_match_the_closed_form() {
    // (numerator, denominator, level, scipy lower, scipy upper).
    let cases = [
        (37, 120, 0.95, 0.23272736988916298, 0.39582997723800684),
        (410, 500, 0.95, 0.7839253300173655, 0.851195092087241),
        (12, 2000, 0.95, 0.003435594376936234, 0.010458448336941664),
        (9, 12, 0.95, 0.46769466506643426, 0.9110583316059453),
        (0, 50, 0.95, 0.0, 0.07134759913335872),
        (50, 50, 0.95, 0.9286524008666414, 1.0),
        (1, 3, 0.90, 0.07826572633372836, 0.746466131718776),
        (3, 7, 0.80, 0.22598811161452578, 0.6583029463790934),
        (
            123_456,
            1_000_000,
            0.99,
            0.12261115289079927,
            0.12430584373706008,
        ),
    ];
    for (name, rate) in RATES {
        for (numerator, denominator, level, lower, upper) in cases {
            let estimate = rate(numerator, denominator, level).unwrap();
            assert_eq!(
                (estimate.numerator, estimate.denominator),
                (numerator, denominator)
            );
            assert_eq!(
                estimate.rate,
                numerator as f64 / denominator as f64,
                "{name}"
            );
            assert_wilson(&estimate, lower, upper);
        }
    }
}

#[test]
fn conversion_counts_prospects_whose_first_purchase_falls_in_the_period() {
    let log = [
        (1, date(2, 10), 30), // bought in February, before the period: not a prospect of March
        (1, date(3, 5), 20),
        (2, date(3, 1), 15), // converts on the first day
        (2, date(4, 2), 15),
        (3, date(3, 31), 40), // converts on the last day
        (4, date(4, 1), 25),  // converts after the period: a prospect not converted in March
        (9, date(3, 15), 60), // a customer not on the prospect list
    ];
    let summaries = summaries(&log, date(4, 30));
    // Prospects 1…7 (2 listed twice): 1 was a customer already, 2 and 3 convert, 4…7 do not.
    let prospects = [1, 2, 3, 4, 5, 6, 7, 2];
    let march = conversion_rate(&prospects, &summaries, date(3, 1), date(3, 31), 0.95).unwrap();
    assert_eq!((march.numerator, march.denominator), (2, 6));
    // Wilson 2 of 6 at 95 %: scipy closed form.
    assert_wilson(&march, 0.09677141110578041, 0.700006684861608);
    assert_eq!(march, conversion_rate_from_counts(2, 6, 0.95).unwrap());
    // April: 1, 2 and 3 were customers before; 4 converts; 5, 6, 7 do not.
    let april = conversion_rate(&prospects, &summaries, date(4, 1), date(4, 30), 0.95).unwrap();
    assert_eq!((april.numerator, april.denominator), (1, 4));
}

#[test]
fn conversion_errors_are_typed() {
    let summaries = summaries(&[(1, date(3, 5), 20)], date(3, 31));
    assert_eq!(
        conversion_rate(&[1, 2], &summaries, date(3, 10), date(3, 1), 0.95),
        Err(KpiError::PeriodEndsBeforeStart {
            start: date(3, 10),
            end: date(3, 1)
        })
    );
    assert_eq!(
        conversion_rate(&[1, 2], &summaries, date(3, 1), date(4, 1), 0.95),
        Err(KpiError::AfterObservationEnd {
            date: date(4, 1),
            observation_end: date(3, 31),
            position: 0
        })
    );
    // Every prospect was already a customer, or there is none: nobody to convert.
    for prospects in [&[1u32][..], &[]] {
        assert_eq!(
            conversion_rate(prospects, &summaries, date(3, 10), date(3, 31), 0.95),
            Err(KpiError::ZeroDenominator {
                rate: "conversion rate"
            })
        );
    }
    assert!(matches!(
        conversion_rate(&[1, 2], &summaries, date(3, 1), date(3, 31), 1.0),
        Err(KpiError::InvalidParameter { name: "level", .. })
    ));
}

#[test]
fn count_errors_are_typed_for_every_rate() {
    for (name, rate) in RATES {
        assert_eq!(
            rate(3, 0, 0.95),
            Err(KpiError::ZeroDenominator { rate: name })
        );
        assert_eq!(
            rate(0, 0, 0.95),
            Err(KpiError::ZeroDenominator { rate: name })
        );
        assert_eq!(
            rate(6, 5, 0.95),
            Err(KpiError::NumeratorExceedsDenominator {
                rate: name,
                numerator: 6,
                denominator: 5
            })
        );
        for level in [0.0, 1.0, -0.1, 2.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                rate(1, 5, level),
                Err(KpiError::InvalidParameter { name: "level", .. })
            ));
        }
    }
    // The largest counts work.
    let all = renewal_rate(u64::MAX, u64::MAX, 0.95).unwrap();
    assert_eq!((all.rate, all.interval.upper), (1.0, 1.0));
    assert!(all.interval.lower > 1.0 - 1e-15);
}

#[cfg(feature = "serde")]
#[test]
fn estimates_round_trip_and_tampered_ones_are_refused() {
    let rate = complaint_rate(12, 2000, 0.95).unwrap();
    let json = serde_json::to_string(&rate).unwrap();
    assert_eq!(serde_json::from_str::<RateEstimate>(&json).unwrap(), rate);
    for (from, to) in [
        ("\"numerator\":12", "\"numerator\":13"),
        ("\"numerator\":12", "\"numerator\":2001"),
        ("\"denominator\":2000", "\"denominator\":0"),
        ("\"level\":0.95", "\"level\":1.5"),
    ] {
        let tampered = json.replacen(from, to, 1);
        assert_ne!(tampered, json, "{from} is in {json}");
        assert!(
            serde_json::from_str::<RateEstimate>(&tampered).is_err(),
            "{tampered}"
        );
    }
}

proptest! {
    /// Wilson's bounds solve |p̂ − p| = z √(p(1 − p)/n) (Wilson 1927): at each bound p that isn't
    /// clipped to 0 or 1 the score statistic equals z, and the interval holds p̂.
    #[test]
    fn bounds_are_the_roots_of_the_score_equation(
        denominator in 1u64..1_000_000, share in 0.0f64..=1.0,
    ) {
        let numerator = (share * denominator as f64).floor() as u64;
        let rate = resolution_rate(numerator, denominator, 0.95).unwrap();
        let (n, p_hat) = (denominator as f64, rate.rate);
        prop_assert!(rate.interval.lower <= p_hat && p_hat <= rate.interval.upper);
        prop_assert!(0.0 <= rate.interval.lower && rate.interval.upper <= 1.0);
        let z = 1.959963984540054; // scipy.stats.norm.isf(0.025)
        for p in [rate.interval.lower, rate.interval.upper] {
            if p > 0.0 && p < 1.0 {
                let score = (p_hat - p).abs() / (p * (1.0 - p) / n).sqrt();
                prop_assert!((score - z).abs() < 1e-6, "score {} at p {}", score, p);
            }
        }
    }
}
