//! The Pareto/NBD and BG/NBD fits on 100k simulated customers with two covariates against the
//! same fits without covariates (the speed goal of issue 17: at most 3 times as long).
//!
//! Customers are drawn per customer (seed 17) with ages of 52 weeks, d a 0/1 dummy and u uniform
//! on (−1, 1) (both from a seeded Xoshiro256++ stream), so that no two customers share (x, t_x)
//! unless both have x = 0: Pareto/NBD by `simulate_pareto_nbd_customers` with r = 0.8,
//! α = 8 exp(−(0.5 d − 0.4 u)), s = 0.7, β = 12 exp(−0.6 d); BG/NBD by
//! `simulate::bg_nbd_customers` with r = 0.9, α = 4 exp(−(0.5 d − 0.4 u)), a = 0.8 exp(0.6 d),
//! b = 2.5 exp(−0.3 d). The fits with covariates take d and u on the purchase process and d on
//! the drop-out process; they include their start, the fit without covariates.
//!
//! Measured 2026-12-05 before the scoring steps (release, 2 cores shared with other builds;
//! criterion medians of 10): Pareto/NBD 2.23 s without covariates, 11.50 s with (5.2 times).
//! After them (one run, 2026-12-06, load average 5.6 to 5.9 on 2 cores, medians of 10):
//! Pareto/NBD 0.534 s without covariates, 0.960 s with (1.80 times); BG/NBD 0.131 s and
//! 0.242 s (1.85 times). The covariate fit is now the L-BFGS search without covariates, 7 or
//! 8 scoring passes (BHHH) and one Hessian pass summed over the customers.

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::clv::{
    simulate, simulate_pareto_nbd_customers, BgNbd, BgNbdWithCovariates, CovariateOptions,
    Covariates, FitOptions, MaximumLikelihood, ParetoNbd, ParetoNbdWithCovariates, RepeatHistory,
};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

/// A 0/1 dummy and a uniform on (−1, 1) per customer, from a seeded Xoshiro256++ stream.
fn covariates(customers: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
    (0..customers)
        .map(|_| {
            (
                f64::from(u8::from(rng.gen_bool(0.5))),
                rng.gen_range(-1.0..1.0),
            )
        })
        .unzip()
}

fn simulated_bg_nbd(dummy: &[f64], uniform: &[f64]) -> Vec<RepeatHistory> {
    let truth: Vec<BgNbd> = (0..dummy.len())
        .map(|i| {
            let alpha = 4.0 * (-(0.5 * dummy[i] - 0.4 * uniform[i])).exp();
            let (a, b) = (0.8 * (0.6 * dummy[i]).exp(), 2.5 * (-0.3 * dummy[i]).exp());
            BgNbd::new(0.9, alpha, a, b).expect("in range")
        })
        .collect();
    let ages = vec![52.0; dummy.len()];
    let simulated = simulate::bg_nbd_customers(&truth, &ages, 0.0, 17).expect("valid ages");
    simulated.histories
}

fn simulated(dummy: &[f64], uniform: &[f64]) -> Vec<RepeatHistory> {
    let truth: Vec<ParetoNbd> = (0..dummy.len())
        .map(|i| {
            let alpha = 8.0 * (-(0.5 * dummy[i] - 0.4 * uniform[i])).exp();
            ParetoNbd::new(0.8, alpha, 0.7, 12.0 * (-0.6 * dummy[i]).exp()).expect("in range")
        })
        .collect();
    simulate_pareto_nbd_customers(&truth, &vec![52.0; dummy.len()], 17).expect("valid ages")
}

fn fits(c: &mut Criterion) {
    let (dummy, uniform) = covariates(100_000);
    let histories = simulated(&dummy, &uniform);
    let purchase = Covariates::from_columns(&[("dummy", &dummy), ("uniform", &uniform)])
        .expect("finite covariates");
    let dropout = Covariates::from_columns(&[("dummy", &dummy)]).expect("finite covariates");
    let mut group = c.benchmark_group("covariates");
    group.sample_size(10);
    group.bench_function("pareto_nbd_fit_100k", |b| {
        b.iter(|| ParetoNbd::fit(black_box(&histories), &FitOptions::default()))
    });
    let options = CovariateOptions::default();
    group.bench_function("pareto_nbd_fit_100k_two_covariates", |b| {
        b.iter(|| {
            ParetoNbdWithCovariates::fit(black_box(&histories), &purchase, &dropout, &options)
        })
    });
    let histories = simulated_bg_nbd(&dummy, &uniform);
    group.bench_function("bg_nbd_fit_100k", |b| {
        b.iter(|| BgNbd::fit(black_box(&histories), &FitOptions::default()))
    });
    group.bench_function("bg_nbd_fit_100k_two_covariates", |b| {
        b.iter(|| BgNbdWithCovariates::fit(black_box(&histories), &purchase, &dropout, &options))
    });
    group.finish();
}

criterion_group!(benches, fits);
criterion_main!(benches);
