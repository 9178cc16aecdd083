//! Fits on real logs: the Pareto/NBD on the weekly BTYD summary of UCI Online Retail (4,333
//! customers as of 2011-12-09, built by the example's loader and `Summarizer`), whose maximum lies
//! at the no-drop-out boundary (s → 0, β → ∞), the same data as bench/peers/online_retail_pareto.py
//! times with lifetimes 0.11.3.
//!
//! Set `REAL_LOGS_WRITE=/path.csv` to write that summary (frequency,recency,T, shortest round-trip
//! decimals, so the peer reads the same numbers) for the peer script.

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::clv::{FitOptions, MaximumLikelihood, ParetoNbd, RepeatHistory};
use std::hint::black_box;
use std::io::Write;

#[allow(dead_code)]
#[path = "../examples/online_retail/loader.rs"]
mod loader;

fn write_summary(path: &str, histories: &[RepeatHistory]) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("writable path"));
    writeln!(file, "frequency,recency,T").expect("write");
    for h in histories {
        writeln!(file, "{},{},{}", h.frequency(), h.recency(), h.age()).expect("write");
    }
}

fn benches(c: &mut Criterion) {
    let weeks = loader::weekly_histories().expect("the bundled Online Retail log loads");
    if let Ok(path) = std::env::var("REAL_LOGS_WRITE") {
        write_summary(&path, &weeks);
    }
    let mut group = c.benchmark_group("real_logs");
    group.sample_size(20);
    group.bench_function("pareto_nbd_fit_online_retail_weeks", |b| {
        b.iter(|| ParetoNbd::fit(black_box(&weeks), &FitOptions::default()).expect("fit"))
    });
    group.finish();
    let fit = ParetoNbd::fit(&weeks, &FitOptions::default()).expect("fit");
    eprintln!(
        "Online Retail weekly Pareto/NBD: log-likelihood {:.10}, {:?}",
        fit.log_likelihood,
        fit.model.params()
    );
}

criterion_group!(real_logs, benches);
criterion_main!(real_logs);
