//! Pareto/NBD fit and customer lifetime value on the CDNOW sample, CLV for 1M customers (the
//! CDNOW rows repeated), and the per-interval forecast (months 1 to 12, then years 1 to 3 and 3
//! to 5) on CDNOW: the same data as bench/peers/clv_value.py times with lifetimes 0.11.3, which
//! has no per-interval API (its peer reads the conditional expectation at each boundary);
//! parametric-bootstrap CLV intervals (200 replicates) for 100k customers (the CDNOW rows
//! repeated), as bench/peers/clv_bootstrap.py computes them with lifetimes and numpy.

use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::clv::uncertainty::{clv_bootstrap_intervals, BootstrapOptions};
use customer_value::clv::{
    customer_lifetime_values, interval_forecasts, BgNbd, ClvOptions, FitOptions, ForecastIntervals,
    GammaGamma, GammaGammaOptions, HorizonUnit, MaximumLikelihood, MonthLength, ParetoNbd,
    RepeatHistory, SpendHistory,
};

#[path = "common/cdnow.rs"]
mod cdnow;

fn benches(c: &mut Criterion) {
    let (histories, spends) = cdnow::histories_and_spends();
    let mut group = c.benchmark_group("clv_value");
    group.sample_size(10);
    group.bench_function("pareto_nbd_fit_cdnow", |b| {
        b.iter(|| ParetoNbd::fit(&histories, &FitOptions::default()).expect("fit"))
    });
    // The models lifetimes' fits reach on CDNOW (REFERENCE.md's MLE).
    let bg_nbd = BgNbd::new(0.2425929, 4.4135323, 0.7928860, 2.4257524).expect("valid");
    let pareto = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065).expect("valid");
    let spend = GammaGamma::new(6.2488025, 3.7445885, 15.4477481).expect("valid");
    let options = ClvOptions::default();
    group.bench_function("clv_bg_nbd_cdnow_2357", |b| {
        b.iter(|| {
            customer_lifetime_values(&bg_nbd, &spend, &histories, &spends, &options).expect("clv")
        })
    });
    group.bench_function("clv_pareto_nbd_cdnow_2357", |b| {
        b.iter(|| {
            customer_lifetime_values(&pareto, &spend, &histories, &spends, &options).expect("clv")
        })
    });
    // Months 1 to 12, then years [1, 3) and [3, 5): 14 boundaries, 60 month ends to discount at.
    let boundaries: Vec<i64> = (0..=12).chain([36, 60]).collect();
    let intervals =
        ForecastIntervals::contiguous(HorizonUnit::Months, MonthLength::Average, &boundaries)
            .expect("valid intervals");
    group.bench_function("interval_forecast_bg_nbd_cdnow_2357", |b| {
        b.iter(|| {
            interval_forecasts(&bg_nbd, &spend, &histories, &spends, &intervals, &options)
                .expect("forecast")
        })
    });
    group.bench_function("interval_forecast_pareto_nbd_cdnow_2357", |b| {
        b.iter(|| {
            interval_forecasts(&pareto, &spend, &histories, &spends, &intervals, &options)
                .expect("forecast")
        })
    });
    let million = 1_000_000;
    let big_histories: Vec<RepeatHistory> =
        histories.iter().copied().cycle().take(million).collect();
    let big_spends: Vec<SpendHistory> = spends.iter().copied().cycle().take(million).collect();
    group.bench_function("clv_bg_nbd_1m", |b| {
        b.iter(|| {
            customer_lifetime_values(&bg_nbd, &spend, &big_histories, &big_spends, &options)
                .expect("clv")
        })
    });
    group.bench_function("clv_pareto_nbd_1m", |b| {
        b.iter(|| {
            customer_lifetime_values(&pareto, &spend, &big_histories, &big_spends, &options)
                .expect("clv")
        })
    });
    group.finish();
    bootstrap(c, &histories, &spends);
}

/// 95% percentile intervals on 12-month BG/NBD + Gamma-Gamma CLV from 200 parameter draws (the
/// default options, seed 42) for 100k customers: the fits are CDNOW's, the customers its rows
/// repeated (every replicate recomputes all 100k: nothing is shared between equal rows).
fn bootstrap(c: &mut Criterion, histories: &[RepeatHistory], spends: &[SpendHistory]) {
    let bg_nbd = BgNbd::fit(histories, &FitOptions::default()).expect("BG/NBD fit");
    let spend = GammaGamma::fit(spends, &GammaGammaOptions::default()).expect("Gamma-Gamma fit");
    let n = 100_000;
    let h: Vec<RepeatHistory> = histories.iter().copied().cycle().take(n).collect();
    let z: Vec<SpendHistory> = spends.iter().copied().cycle().take(n).collect();
    let (clv, options) = (ClvOptions::default(), BootstrapOptions::default());
    let mut group = c.benchmark_group("clv_bootstrap");
    group.sample_size(10);
    group.bench_function("clv_bg_nbd_200x100k", |b| {
        b.iter(|| {
            clv_bootstrap_intervals(&bg_nbd, &spend, &h, &z, &clv, &options).expect("intervals")
        })
    });
    group.finish();
}

criterion_group!(clv_value, benches);
criterion_main!(clv_value);
