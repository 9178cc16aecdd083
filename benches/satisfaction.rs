//! Criterion benches for `satisfaction` on seeded synthetic survey data.
//!
//! The data come from the integer LCG `s = (s * 1103515245 + 12345) % 2^31`, answer = (s >> 16) % k,
//! which bench/peers/satisfaction.py reproduces exactly, so both time the same answers.

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::satisfaction::{
    cronbach_alpha, Correlation, Csat, CsatScale, Descriptive, KeyDrivers, Nps,
};
use ndarray::Array2;
use std::hint::black_box;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, k: u64) -> u64 {
        self.0 = (self.0 * 1_103_515_245 + 12_345) % 2_147_483_648;
        (self.0 >> 16) % k
    }
}

/// 1,000,000 answers on 0–10 (seed 1).
fn nps_answers() -> Vec<u8> {
    let mut lcg = Lcg(1);
    (0..1_000_000).map(|_| lcg.next(11) as u8).collect()
}

/// 100,000 paired 1–5 answers, y = clamp(x + {−1, 0, 1}) (seed 2).
fn paired_answers() -> (Vec<f64>, Vec<f64>) {
    let mut lcg = Lcg(2);
    (0..100_000)
        .map(|_| {
            let x = 1 + lcg.next(5) as i64;
            let y = (x + lcg.next(3) as i64 - 1).clamp(1, 5);
            (x as f64, y as f64)
        })
        .unzip()
}

/// 10,000 respondents × `p` drivers on 1–5; overall = d₀ + d₁ + d₂ + {0..3} (seed 3).
fn driver_survey(p: usize) -> (Vec<f64>, Array2<f64>) {
    let mut lcg = Lcg(3);
    let n = 10_000;
    let mut drivers = Array2::zeros((n, p));
    let mut overall = Vec::with_capacity(n);
    for i in 0..n {
        for j in 0..p {
            drivers[[i, j]] = (1 + lcg.next(5)) as f64;
        }
        overall.push(drivers[[i, 0]] + drivers[[i, 1]] + drivers[[i, 2]] + lcg.next(4) as f64);
    }
    (overall, drivers)
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("satisfaction");
    group.sample_size(10);

    let answers = nps_answers();
    group.bench_function("nps_1m_with_score_interval", |b| {
        b.iter(|| {
            let nps = Nps::from_answers(black_box(&answers)).unwrap();
            nps.score_interval(0.95).unwrap()
        })
    });
    let likert: Vec<u8> = answers.iter().map(|a| a % 5 + 1).collect();
    group.bench_function("csat_1m_wilson_and_t", |b| {
        b.iter(|| {
            let csat = Csat::from_answers(black_box(&likert), CsatScale::five_point()).unwrap();
            (
                csat.satisfied_interval(0.95).unwrap(),
                csat.mean_interval(0.95).unwrap(),
            )
        })
    });

    let (x, y) = paired_answers();
    group.bench_function("descriptive_100k", |b| {
        b.iter(|| Descriptive::of(black_box(&x)).unwrap())
    });
    group.bench_function("pearson_100k", |b| {
        b.iter(|| Correlation::pearson(black_box(&x), black_box(&y)).unwrap())
    });
    group.bench_function("spearman_100k", |b| {
        b.iter(|| Correlation::spearman(black_box(&x), black_box(&y)).unwrap())
    });

    let (overall, drivers) = driver_survey(6);
    group.bench_function("key_drivers_10k_x6", |b| {
        b.iter(|| KeyDrivers::analyse(black_box(&overall), drivers.view()).unwrap())
    });
    let (overall_12, drivers_12) = driver_survey(12);
    group.bench_function("key_drivers_10k_x12", |b| {
        b.iter(|| KeyDrivers::analyse(black_box(&overall_12), drivers_12.view()).unwrap())
    });
    group.bench_function("cronbach_alpha_10k_x6", |b| {
        b.iter(|| cronbach_alpha(black_box(drivers.view())).unwrap())
    });
    group.finish();
}

criterion_group!(satisfaction, benches);
criterion_main!(satisfaction);
