//! The per-customer predictions of issue 17 that lifetimes 0.11.3 also makes, on the same CDNOW
//! data as bench/peers/predictions.py (see there for the peer's calls), and the forecasts of
//! `clv::forecast`, which have no installed peer (python btyd's would be, but btyd 0.1a1 needs
//! pymc 4.4):
//!
//! - P(Y(39 weeks) = n | x, t_x, T), n = 0..7, every CDNOW customer, at the CDNOW MLE: the eight
//!   counts in one call per customer, and one call per count;
//! - P(alive) along customer 403's history, day by day over 255 days (BG/NBD);
//! - expected against actual cumulative repeat transactions over 78 weeks from the raw log
//!   (summary included, as lifetimes' `expected_cumulative_transactions` reads the log);
//! - P(alive in 52 weeks) for every CDNOW customer (Pareto/NBD);
//! - group `forecast`: the BG/NBD P(alive in 52 weeks), the Pareto/NBD P(no purchase in 13
//!   weeks) and both models' median time to the next purchase, every CDNOW customer.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
use customer_value::clv::{
    alive_path, AliveForecast, BgNbd, ClvError, ParetoNbd, PurchaseCountDistribution, RepeatHistory,
};
use customer_value::Summarizer;
use std::hint::black_box;

#[path = "common/cdnow.rs"]
mod cdnow;
#[path = "../tests/common/mod.rs"]
mod test_data;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn predictions(c: &mut Criterion) {
    let data = cdnow::histories();
    let pareto = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065).expect("valid");
    let mut group = c.benchmark_group("predictions");
    group.sample_size(10);
    group.bench_function("pareto_nbd_counts_0_to_7_in_39_weeks_cdnow", |b| {
        b.iter(|| {
            data.iter()
                .map(|h| {
                    let counts = pareto.probabilities_of_purchases_given(black_box(h), 7, 39.0);
                    counts.expect("counts").iter().sum::<f64>()
                })
                .sum::<f64>()
        })
    });
    group.bench_function("pareto_nbd_counts_0_to_7_one_at_a_time_cdnow", |b| {
        b.iter(|| {
            data.iter()
                .flat_map(|h| (0..8).map(move |n| (h, n)))
                .map(|(h, n)| {
                    let p = pareto.probability_of_purchases_given(black_box(h), n, 39.0);
                    p.expect("count")
                })
                .sum::<f64>()
        })
    });
    // BG/NBD fitted by lifetimes on the sample in days (tests/forecast.rs).
    let bg = BgNbd::new(
        0.2425945434210672,
        30.89521901254164,
        0.7929218333478941,
        2.4259057287218235,
    )
    .expect("valid");
    let days = [0.0, 115.0, 127.0, 159.0, 177.0, 178.0, 191.0, 214.0, 218.0];
    group.bench_function("alive_path_cdnow_403", |b| {
        b.iter(|| alive_path(&bg, black_box(&days), 255.0, 1.0).expect("path"))
    });
    // BTYD's Pareto/NBD parameters of tests/tracking.rs.
    let btyd = ParetoNbd::new(
        0.5533971432566355,
        10.580198543474351,
        0.6060624971176619,
        11.656223670707698,
    )
    .expect("valid");
    let log = test_data::cdnow_sample();
    let weeks = TrackingOptions::weekly(day(1997, 1, 1), 78, day(1997, 9, 30));
    group.bench_function("pareto_nbd_tracking_78_weeks_cdnow", |b| {
        b.iter(|| {
            let summaries = Summarizer::new(day(1998, 6, 30))
                .summarize(black_box(&log))
                .expect("summary");
            transaction_tracking(&btyd, &summaries, &weeks).expect("tracking")
        })
    });
    group.bench_function("pareto_nbd_alive_in_52_weeks_cdnow", |b| {
        b.iter(|| {
            data.iter()
                .map(|h| {
                    pareto
                        .probability_alive_at(52.0, black_box(h))
                        .expect("alive")
                })
                .sum::<f64>()
        })
    });
    group.finish();
}

/// `clv::forecast` one customer at a time over the 2,357 CDNOW customers: the BG/NBD future
/// P(alive) (an integral over p per customer), the Pareto/NBD no-purchase curve (halving panels)
/// and its median (bisection on that curve), beside BG/NBD's closed-form median.
fn forecasts(c: &mut Criterion) {
    let data = cdnow::histories();
    let bg_nbd = BgNbd::new(0.2425929, 4.4135323, 0.7928860, 2.4257524).expect("valid");
    let pareto = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065).expect("valid");
    let total = |f: &dyn Fn(&RepeatHistory) -> Result<f64, ClvError>| -> f64 {
        data.iter()
            .map(|h| f(black_box(h)).expect("forecast"))
            .sum()
    };
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.bench_function("bg_nbd_alive_in_52_weeks_cdnow", |b| {
        b.iter(|| total(&|h| bg_nbd.probability_alive_at(52.0, h)))
    });
    group.bench_function("pareto_nbd_no_purchase_in_13_weeks_cdnow", |b| {
        b.iter(|| total(&|h| pareto.probability_no_purchase(13.0, h)))
    });
    let median = |model: &dyn AliveForecast, h: &RepeatHistory| {
        let next = model.median_time_to_next_purchase(h)?;
        Ok(next.median().unwrap_or(0.0))
    };
    group.bench_function("pareto_nbd_median_cdnow", |b| {
        b.iter(|| total(&|h| median(&pareto, h)))
    });
    group.bench_function("bg_nbd_median_cdnow", |b| {
        b.iter(|| total(&|h| median(&bg_nbd, h)))
    });
    group.finish();
}

criterion_group!(benches, predictions, forecasts);
criterion_main!(benches);
