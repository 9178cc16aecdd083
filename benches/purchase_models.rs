//! Purchase-model benches: BG/NBD fits on CDNOW and on 1M simulated customers, conditional
//! expectations for 1M and for 100k customers, and the other models' fits on their reference data
//! (the forecasts of `clv::forecast` are in benches/predictions.rs).
//!
//! The 1M customers are drawn by `clv::simulate::bg_nbd` (seed 2024) at the CDNOW MLE, with ages
//! spread over 84 acquisition days like CDNOW's first quarter (T = 27 + k/7 weeks, k = 0..83) and
//! recencies rounded to whole days, as a transaction log in days gives them. Set
//! `CLV_BENCH_WRITE=/path.csv` to write them (frequency,recency,T) for bench/peers/purchase_models.py.
//!
//! The 100k "continuous" customers are drawn the same way (seed 2025) with real-valued ages spread
//! evenly over 27–39 weeks (a golden-ratio sequence) and recencies left unrounded, so no two share
//! (x, T) and no per-pattern cache helps. Set `CLV_BENCH_WRITE_CONTINUOUS=/path.csv` to write them.

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::clv::{
    simulate, BgBb, BgNbd, DiscreteHistory, FitData, FitOptions, MaximumLikelihood, ModifiedBgNbd,
    PurchaseModel, RepeatHistory, ShiftedBetaGeometric,
};
use std::hint::black_box;
use std::io::Write;

#[path = "common/cdnow.rs"]
mod cdnow;

/// The BG/NBD MLE on CDNOW (FHL 2005), the truth of the simulated customers.
fn cdnow_mle() -> BgNbd {
    BgNbd::new(0.2425929, 4.4135323, 0.7928860, 2.4257524).expect("valid parameters")
}

fn simulated_continuous(n: usize) -> Vec<RepeatHistory> {
    let ages: Vec<f64> = (0..n).map(|i| 27.0 + (i % 84) as f64 / 7.0).collect();
    simulate::bg_nbd(&cdnow_mle(), &ages, 0.0, 2024)
        .expect("valid ages")
        .histories
}

/// `n` customers with real-valued ages T in [27, 39) weeks and unrounded recencies.
fn simulated_real_ages(n: usize) -> Vec<RepeatHistory> {
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    let ages: Vec<f64> = (0..n)
        .map(|i| 27.0 + 12.0 * (i as f64 * golden).fract())
        .collect();
    simulate::bg_nbd(&cdnow_mle(), &ages, 0.0, 2025)
        .expect("valid ages")
        .histories
}

/// Writes (frequency,recency,T) to the path in `variable`, if set, for the peer scripts.
fn write_csv_if_asked(variable: &str, histories: &[RepeatHistory]) {
    if let Ok(path) = std::env::var(variable) {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("writable path"));
        writeln!(file, "frequency,recency,T").expect("write");
        for h in histories {
            writeln!(file, "{},{},{}", h.frequency(), h.recency(), h.age()).expect("write");
        }
    }
}

fn simulated(n: usize) -> Vec<RepeatHistory> {
    simulated_continuous(n)
        .iter()
        .map(|h| {
            let recency = ((h.recency() * 7.0).round() / 7.0).min(h.age());
            RepeatHistory::new(h.frequency(), recency, h.age())
                .expect("rounded history stays valid")
        })
        .collect()
}

fn donations() -> (Vec<DiscreteHistory>, Vec<f64>) {
    let mut h = Vec::new();
    let mut w = Vec::new();
    for line in include_str!("../tests/data/donations.csv").lines().skip(1) {
        let f: Vec<u32> = line
            .split(',')
            .map(|v| v.trim().parse().expect("integer CSV"))
            .collect();
        h.push(DiscreteHistory::new(f[0], f[1], f[2]).expect("valid donations row"));
        w.push(f64::from(f[3]));
    }
    (h, w)
}

fn benches(c: &mut Criterion) {
    let data = cdnow::histories();
    let million = simulated(1_000_000);
    write_csv_if_asked("CLV_BENCH_WRITE", &million);
    let real_ages = simulated_real_ages(100_000);
    write_csv_if_asked("CLV_BENCH_WRITE_CONTINUOUS", &real_ages);
    let mut group = c.benchmark_group("purchase_models");
    group.sample_size(10);
    group.bench_function("bg_nbd_fit_cdnow", |b| {
        b.iter(|| BgNbd::fit(black_box(&data), &FitOptions::default()).expect("fit"))
    });
    group.bench_function("modified_bg_nbd_fit_cdnow", |b| {
        b.iter(|| ModifiedBgNbd::fit(black_box(&data), &FitOptions::default()).expect("fit"))
    });
    let (dh, dw) = donations();
    group.bench_function("bg_bb_fit_donations", |b| {
        b.iter(|| {
            FitData::weighted(black_box(&dh), black_box(&dw))
                .and_then(|d| BgBb::fit(d, &FitOptions::default()))
                .expect("fit")
        })
    });
    let alive = [0.631, 0.468, 0.382, 0.326, 0.289, 0.262, 0.241];
    group.bench_function("sbg_fit_regular_cohort", |b| {
        b.iter(|| ShiftedBetaGeometric::fit_survival(1000.0, black_box(&alive)).expect("fit"))
    });
    group.bench_function("bg_nbd_fit_1m", |b| {
        b.iter(|| BgNbd::fit(black_box(&million), &FitOptions::default()).expect("fit"))
    });
    // The same customers with recencies unrounded (continuous time): compression helps less.
    let continuous = simulated_continuous(1_000_000);
    group.bench_function("bg_nbd_fit_1m_continuous_recency", |b| {
        b.iter(|| BgNbd::fit(black_box(&continuous), &FitOptions::default()).expect("fit"))
    });
    let model = cdnow_mle();
    let mut out = vec![0.0; million.len()];
    group.bench_function("conditional_expected_purchases_1m", |b| {
        b.iter(|| {
            model
                .conditional_expected_purchases_into(39.0, black_box(&million), &mut out)
                .expect("predict")
        })
    });
    let mut out_100k = vec![0.0; real_ages.len()];
    group.bench_function("conditional_expected_purchases_100k_continuous", |b| {
        b.iter(|| {
            model
                .conditional_expected_purchases_into(39.0, black_box(&real_ages), &mut out_100k)
                .expect("predict")
        })
    });
    group.bench_function("probability_alive_1m", |b| {
        b.iter(|| {
            model
                .probability_alive_into(black_box(&million), &mut out)
                .expect("predict")
        })
    });
    group.finish();
    let fit = BgNbd::fit(&million, &FitOptions::default()).expect("fit");
    eprintln!(
        "1M fit: log-likelihood {:.4}, {:?}",
        fit.log_likelihood,
        fit.model.params()
    );
}

criterion_group!(purchase_models, benches);
criterion_main!(purchase_models);
