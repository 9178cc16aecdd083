//! The whole report (summary, RFM, value matrix, BG/NBD, Gamma-Gamma and CLV, k-means, lifecycle,
//! KPIs) from a seeded synthetic log of 10M transactions over 1M customers, each customer with its
//! own spend level.
//!
//! `REPORT_ROWS` / `REPORT_CUSTOMERS` change the size (default 10,000,000 / 1,000,000).

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::report::{CustomerValueReport, ReportConfig};

mod common;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn report(c: &mut Criterion) {
    let rows = env_or("REPORT_ROWS", 10_000_000);
    let customers = env_or("REPORT_CUSTOMERS", 1_000_000) as u64;
    let log = common::synthetic_log_with_spend_levels(rows, customers, 42);
    let end = common::synthetic_end();
    let config = ReportConfig::default();
    let mut group = c.benchmark_group(format!("report {rows} transactions, {customers} customers"));
    group.sample_size(10);
    group.bench_function("CustomerValueReport::build", |b| {
        b.iter(|| CustomerValueReport::build(&log, end, &config).expect("report"))
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
