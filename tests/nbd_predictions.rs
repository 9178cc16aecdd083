//! Every prediction of `clv` takes the NBD (no drop-out) model too: CLV, the keyed batch
//! predictions, tracking, the frequency histogram, the fit's delta-method intervals, the DERT and
//! the per-interval forecasts. The NBD's expectations are closed forms (E[Y(t) | x, T] =
//! (r + x) t/(α + T), P(alive) = 1), so each figure is checked against its hand computation.

use chrono::NaiveDate;
use customer_value::clv::diagnostics::expected_frequency_histogram;
use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
use customer_value::clv::{
    customer_lifetime_value, customer_lifetime_values, interval_forecast, nbd_dert,
    pareto_nbd_dert, predict_value_by_customer, ClvError, ClvOptions, FitOptions,
    ForecastIntervals, HorizonUnit, MaximumLikelihood, MonthLength, Nbd, ParetoNbd, RepeatHistory,
};
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

#[path = "common/cdnow_customer.rs"]
mod cdnow_customer;
use cdnow_customer::{customer, gamma_gamma};

fn nbd() -> Nbd {
    Nbd::new(0.385, 12.072).unwrap()
}

/// E[Z | x, z̄] = p(γ + x z̄)/(px + q − 1) (Fader & Hardie 2013, eq. 4) for x = 2, z̄ = 22.35.
fn conditional_spend() -> f64 {
    6.2488025 * (15.4477481 + 2.0 * 22.35) / (6.2488025 * 2.0 + 3.7445885 - 1.0)
}

/// The posterior purchase rate (r + x)/(α + T) per week.
const RATE: f64 = 2.385 / 50.932;

#[test]
fn clv_is_the_discounted_linear_expectation() {
    // Each of lifetimes' 12 months (4.345 weeks) holds RATE · 4.345 purchases, discounted 1.01^−m.
    let (h, z) = customer();
    let options = ClvOptions::default();
    let want: f64 = (1..=12)
        .map(|m| conditional_spend() * RATE * 4.345 / 1.01_f64.powi(m))
        .sum();
    let single = customer_lifetime_value(&nbd(), &gamma_gamma(), &h, &z, &options).unwrap();
    assert!((single - want).abs() < 1e-10, "{single} against {want}");
    let batch =
        customer_lifetime_values(&nbd(), &gamma_gamma(), &[h, h], &[z, z], &options).unwrap();
    assert_eq!(batch, vec![single, single]);
    let rows =
        predict_value_by_customer(&nbd(), &gamma_gamma(), vec![("c", h, z)], &options).unwrap();
    assert_eq!(rows[0].probability_alive, 1.0);
    assert!((rows[0].expected_purchases - RATE * 12.0 * 4.345).abs() < 1e-12);
    assert_eq!(rows[0].clv, options.to_money(want).unwrap());
}

#[test]
fn interval_rows_are_the_rate_times_the_interval() {
    // Years [1, 3) of 365.25 days: RATE · 2 · 365.25/7 purchases; months of 30.4375 days each hold
    // RATE · 30.4375/7.
    let (h, z) = customer();
    let years =
        ForecastIntervals::new(HorizonUnit::Years, MonthLength::Average, &[(1, 3)]).unwrap();
    let f = interval_forecast(
        &nbd(),
        &gamma_gamma(),
        &h,
        &z,
        &years,
        &ClvOptions::default(),
    )
    .unwrap();
    assert!((f.rows[0].expected_purchases - RATE * 2.0 * 365.25 / 7.0).abs() < 1e-12);
    let months = ForecastIntervals::monthly(MonthLength::Average, 3).unwrap();
    let f = interval_forecast(
        &nbd(),
        &gamma_gamma(),
        &h,
        &z,
        &months,
        &ClvOptions::default(),
    )
    .unwrap();
    for row in &f.rows {
        assert!((row.expected_purchases - RATE * 30.4375 / 7.0).abs() < 1e-12);
    }
}

#[test]
fn dert_is_the_rate_over_the_continuous_discount() {
    let (h, _) = customer();
    let options = ClvOptions::default();
    let delta = 1.01_f64.ln() / 4.345;
    let dert = nbd_dert(&nbd(), &h, &options).unwrap();
    assert!((dert - RATE / delta).abs() < 1e-10);
    // Pareto/NBD's DERT at a vanishing drop-out (s = 10⁻⁹) is the NBD's.
    let edge = ParetoNbd::new(0.385, 12.072, 1e-9, 11.67).unwrap();
    let near = pareto_nbd_dert(&edge, &h, &options).unwrap();
    assert!((near - dert).abs() < 1e-6 * dert, "{near} against {dert}");
    let undiscounted = ClvOptions {
        monthly_discount_rate: 0.0,
        ..options
    };
    assert!(matches!(
        nbd_dert(&nbd(), &h, &undiscounted),
        Err(ClvError::InvalidArgument {
            name: "monthly_discount_rate",
            ..
        })
    ));
}

#[test]
fn tracking_sums_the_new_customer_expectations() {
    // Customer 1 has had 14 days by the end of week 2, customer 2 has had 12: r t/α each.
    let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    let log = [
        Transaction::new(1, day(1, 1), Decimal::from(20)),
        Transaction::new(1, day(1, 10), Decimal::from(15)),
        Transaction::new(2, day(1, 3), Decimal::from(30)),
    ];
    let summaries = Summarizer::new(day(1, 14)).summarize(&log).unwrap();
    let options = TrackingOptions::weekly(day(1, 1), 2, day(1, 7));
    let tracking = transaction_tracking(&nbd(), &summaries, &options).unwrap();
    let want = 0.385 / 12.072 * (2.0 + 12.0 / 7.0);
    assert!((tracking.periods[1].cumulative_expected - want).abs() < 1e-12);
}

#[test]
fn frequency_histogram_is_the_negative_binomial() {
    // P(X(T) = 0) = (α/(α + T))^r and P(X(T) = 1) = r (α/(α + T))^r T/(α + T), T = 38.86.
    let h = [RepeatHistory::new(0.0, 0.0, 38.86).unwrap(); 3];
    let bins = expected_frequency_histogram(&nbd(), &h, 1).unwrap();
    let share = 12.072_f64 / 50.932;
    let zero = share.powf(0.385);
    let one = 0.385 * zero * 38.86 / 50.932;
    assert!((bins[0] - 3.0 * zero).abs() < 1e-12);
    assert!(
        (bins[1] - 3.0 * (1.0 - zero)).abs() < 1e-12,
        "the last bin holds the rest"
    );
    assert!(one < 1.0 - zero);
}

#[test]
fn fit_intervals_follow_the_delta_method_by_hand() {
    // Fit on the CDNOW summary; the interval of E[Y(t) | x, T] = (r + x) t/(α + T) from its
    // analytic gradient (t/(α + T), −(r + x) t/(α + T)²) and the fit's covariance.
    let text = include_str!("data/cdnow_customers_summary_with_transactions.csv");
    let data: Vec<RepeatHistory> = text
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            RepeatHistory::new(f[1], f[2], f[3]).unwrap()
        })
        .collect();
    let fit = Nbd::fit(&data, &FitOptions::default()).unwrap();
    let (h, _) = customer();
    let t = 39.0;
    let i = fit
        .conditional_expected_purchases_interval(t, &h, 0.95)
        .unwrap();
    let p = fit.model.params();
    let c = &fit.covariance.as_ref().unwrap().matrix;
    let g = [
        t / (p.alpha + 38.86),
        -(p.r + 2.0) * t / (p.alpha + 38.86).powi(2),
    ];
    let variance = g[0] * g[0] * c[0][0] + 2.0 * g[0] * g[1] * c[0][1] + g[1] * g[1] * c[1][1];
    let se = i.standard_error.unwrap();
    assert!(
        (se - variance.sqrt()).abs() < 1e-6 * se,
        "{se} against {}",
        variance.sqrt()
    );
    assert!((i.estimate - (p.r + 2.0) * t / (p.alpha + 38.86)).abs() < 1e-12);
    // P(alive) is 1 whatever the parameters: a zero-width interval at 1.
    let alive = fit.probability_alive_interval(&h, 0.95).unwrap();
    assert_eq!((alive.lower, alive.estimate, alive.upper), (1.0, 1.0, 1.0));
}
