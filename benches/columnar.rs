//! Summaries and RFM quintile scores from columns (customer ids, days, amounts in cents) of the
//! seeded synthetic log of benches/summary.rs: 10M transactions over 1M customers. The Polars and
//! DuckDB peers in bench/peers/columnar.py do the same work on the same rows; both print the
//! checksum printed here.

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::rfm::RfmRecord;
use customer_value::{CustomerSummary, RfmScorer, Summarizer};

mod common;

/// Customers, occasions, total cents and the sums of the R, F and M scores, as the peers print
/// them.
fn checksum(summaries: &[CustomerSummary<u64>], scores: &[RfmRecord<u64>]) -> String {
    let occasions: u64 = summaries.iter().map(|s| s.purchase_occasions()).sum();
    let cents: rust_decimal::Decimal = summaries.iter().map(|s| s.total_spend()).sum();
    let score_sum = |level: fn(&RfmRecord<u64>) -> u8| -> u64 {
        scores.iter().map(|r| u64::from(level(r))).sum()
    };
    format!(
        "customers {}, occasions {occasions}, total cents {}, score sums R {} F {} M {}",
        summaries.len(),
        (cents * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
        score_sum(|r| r.score.recency),
        score_sum(|r| r.score.frequency),
        score_sum(|r| r.score.monetary),
    )
}

fn summarize_columns_and_score(c: &mut Criterion) {
    let columns = common::synthetic_columns(10_000_000, 1_000_000, 42);
    let (ids, days, cents) = (&columns.customers, &columns.days, &columns.cents);
    let lean = Summarizer::new(common::synthetic_end()).keep_occasions(false);
    let summaries = lean
        .summarize_columns(ids, days, cents, 2)
        .expect("summaries");
    let scores = RfmScorer::new().score(&summaries).expect("scores");
    eprintln!("checksum: {}", checksum(&summaries, &scores));
    drop((summaries, scores));

    let mut group = c.benchmark_group("10M transactions, 1M customers");
    group.sample_size(10);
    group.bench_function("summarize columns (lean)", |b| {
        b.iter(|| {
            lean.summarize_columns(ids, days, cents, 2)
                .expect("summaries")
        })
    });
    group.bench_function("summarize columns (lean) + RFM quintiles", |b| {
        b.iter(|| {
            let s = lean
                .summarize_columns(ids, days, cents, 2)
                .expect("summaries");
            RfmScorer::new().score(&s).expect("scores")
        })
    });
    group.finish();
}

criterion_group!(benches, summarize_columns_and_score);
criterion_main!(benches);
