//! Monthly cohort matrix on a seeded synthetic log: `cargo bench --bench cohort`.
//!
//! The log is generated exactly as `bench/peers/cohort.py` generates it (SplitMix64 of seed + row
//! number; customer = z mod customers, day = (z >> 24) mod 730 from 2022-01-01, amount =
//! (100 + (z >> 40) mod 20000) cents), so the pandas peer and this bench see the same rows.
//! Default size: 1M transactions over 100k customers; set `COHORT_ROWS=10000000` (customers = rows /
//! 10) for the 10M-row figure quoted in the report.

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use customer_value::kpi::{CohortMatrix, CohortPeriod};
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

const SEED: u64 = 20_240_601;

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn synthetic_log(rows: u64) -> Vec<Transaction<u64>> {
    let customers = (rows / 10).max(1);
    let origin = NaiveDate::from_ymd_opt(2022, 1, 1).expect("a valid date");
    (0..rows)
        .map(|i| {
            let z = splitmix64(SEED.wrapping_add(i));
            let day = ((z >> 24) % 730) as i64;
            let cents = 100 + ((z >> 40) % 20_000) as i64;
            Transaction::new(
                z % customers,
                origin + Duration::days(day),
                Decimal::new(cents, 2),
            )
        })
        .collect()
}

fn cohort(c: &mut Criterion) {
    let rows: u64 = std::env::var("COHORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let as_of = NaiveDate::from_ymd_opt(2023, 12, 31).expect("a valid date");
    let log = synthetic_log(rows);
    let summarizer = Summarizer::new(as_of);
    let summaries = summarizer
        .summarize(&log)
        .expect("the synthetic log has purchases");
    let mut group = c.benchmark_group("cohort_monthly");
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("cohort_only", rows), &summaries, |b, s| {
        b.iter(|| CohortMatrix::build(s, CohortPeriod::Month, as_of).expect("valid input"))
    });
    group.bench_with_input(
        BenchmarkId::new("summarize_and_cohort", rows),
        &log,
        |b, log| {
            b.iter(|| {
                let s = summarizer.summarize(log).expect("valid input");
                CohortMatrix::build(&s, CohortPeriod::Month, as_of).expect("valid input")
            })
        },
    );
    group.finish();
}

criterion_group!(benches, cohort);
criterion_main!(benches);
