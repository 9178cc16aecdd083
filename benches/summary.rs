//! Summarize and RFM-score a seeded synthetic log of 10M transactions over 1M customers (the
//! pandas comparison in bench/peers/summary_rfm.py uses the same data).

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::{RfmScorer, Summarizer};

mod common;

fn summarize_and_score(c: &mut Criterion) {
    let log = common::synthetic_log(10_000_000, 1_000_000, 42);
    let end = common::synthetic_end();
    let mut group = c.benchmark_group("10M transactions, 1M customers");
    group.sample_size(10);
    group.bench_function("summarize (occasions kept)", |b| {
        b.iter(|| Summarizer::new(end).summarize(&log).expect("summaries"))
    });
    group.bench_function("summarize (lean)", |b| {
        b.iter(|| {
            Summarizer::new(end)
                .keep_occasions(false)
                .summarize(&log)
                .expect("summaries")
        })
    });
    let summaries = Summarizer::new(end)
        .keep_occasions(false)
        .summarize(&log)
        .expect("summaries");
    group.bench_function("RFM quintiles", |b| {
        b.iter(|| RfmScorer::new().score(&summaries).expect("scores"))
    });
    group.bench_function("summarize (lean) + RFM quintiles", |b| {
        b.iter(|| {
            let s = Summarizer::new(end)
                .keep_occasions(false)
                .summarize(&log)
                .expect("summaries");
            RfmScorer::new().score(&s).expect("scores")
        })
    });
    group.finish();
}

criterion_group!(benches, summarize_and_score);
criterion_main!(benches);
