//! Forecasts per future interval and for new customers, against Python lifetimes 0.11.3 on the
//! CDNOW parameters and against independent numpy sums of the same discounting.

use chrono::NaiveDate;
use customer_value::clv::{
    customer_lifetime_value, interval_forecast, interval_forecasts, new_customer_interval_forecast,
    new_customer_lifetime_value, BgNbd, ClvError, ClvOptions, ForecastIntervals, GammaGamma,
    HorizonUnit, IntervalForecast, ModifiedBgNbd, MonthLength, Nbd, ParetoNbd, PurchaseModel,
    RepeatHistory, SpendHistory,
};
use customer_value::TimeUnit;
use proptest::prelude::*;

#[path = "common/cdnow_customer.rs"]
mod cdnow_customer;
use cdnow_customer::{customer, gamma_gamma};

/// BG/NBD on CDNOW (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
fn bg_nbd() -> BgNbd {
    BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap()
}

/// Pareto/NBD on CDNOW as lifetimes fits it.
fn pareto_nbd() -> ParetoNbd {
    ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065).unwrap()
}

fn years() -> ForecastIntervals {
    ForecastIntervals::contiguous(HorizonUnit::Years, MonthLength::Average, &[0, 1, 3, 5]).unwrap()
}

/// Cumulative values at the ends of years 1, 3 and 5 (365.25-day years, in weeks) to the rows'
/// increments.
fn increments(cumulative: [f64; 3]) -> [f64; 3] {
    [
        cumulative[0],
        cumulative[1] - cumulative[0],
        cumulative[2] - cumulative[1],
    ]
}

fn assert_rows(forecast: &IntervalForecast, want: [f64; 3], tolerance: f64) {
    for (row, want) in forecast.rows.iter().zip(want) {
        assert!(
            (row.expected_purchases - want).abs() < tolerance,
            "{} against {want}",
            row.expected_purchases
        );
    }
}

#[test]
fn new_customer_years_match_lifetimes_expected_number_of_purchases_up_to_time() {
    // lifetimes 0.11.3: expected_number_of_purchases_up_to_time(365.25 / 7 · k), k = 1, 3, 5.
    let bg = increments([1.4492383657471828, 2.76354579974604, 3.5959729596960988]);
    let pnbd = increments([1.4767897576130276, 2.88246991210834, 3.810382629531185]);
    let options = ClvOptions::default();
    let spend = gamma_gamma();
    let f = new_customer_interval_forecast(&bg_nbd(), &spend, &years(), 0.0, &options).unwrap();
    assert_rows(&f, bg, 1e-9);
    let f = new_customer_interval_forecast(&pareto_nbd(), &spend, &years(), 0.0, &options).unwrap();
    assert_rows(&f, pnbd, 1e-9);
}

#[test]
fn customer_years_match_lifetimes_conditional_expectation_at_the_ends() {
    // lifetimes 0.11.3: conditional_expected_number_of_purchases_up_to_time(365.25 / 7 · k, 2,
    // 30.43, 38.86), k = 1, 3, 5.
    let bg = increments([1.5630996522916274, 3.5602155405400993, 4.94539541406176]);
    let pnbd = increments([1.8560341973240715, 4.2777728622740625, 6.0278352518867155]);
    let (h, z) = customer();
    let options = ClvOptions::default();
    let spend = gamma_gamma();
    let f = interval_forecast(&bg_nbd(), &spend, &h, &z, &years(), &options).unwrap();
    assert_rows(&f, bg, 1e-9);
    let f = interval_forecast(&pareto_nbd(), &spend, &h, &z, &years(), &options).unwrap();
    assert_rows(&f, pnbd, 1e-9);
}

#[test]
fn calendar_months_match_numpy_on_lifetimes_expectations() {
    // Calendar months from 2024-01-31: ends on 2024-02-29, 03-31 and 04-30 (days 29, 60, 90).
    // numpy: every piece between the interval's ends and lifetimes' month grid (4.345 weeks),
    // lifetimes' conditional expectation at each cut, E[Z | x, z̄] = 24.658616143185053 from
    // lifetimes' GammaGammaFitter, each piece discounted by 1.01^(−t/4.345).
    let as_of = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    let months = ForecastIntervals::monthly(MonthLength::Calendar(as_of), 3).unwrap();
    let (h, z) = customer();
    let options = ClvOptions::default();
    let bg: &(dyn PurchaseModel + Sync) = &bg_nbd();
    let pnbd: &(dyn PurchaseModel + Sync) = &pareto_nbd();
    let cases = [
        (
            bg,
            [
                (0.1524785607097505, 3.724407168312649),
                (0.1557291731768942, 3.7671323422220566),
                (0.14429339087708937, 3.455775035135882),
            ],
        ),
        (
            pnbd,
            [
                (0.18153235338401394, 4.434068600051077),
                (0.18505216470932592, 4.476465376775018),
                (0.17123932787515977, 4.101121159931723),
            ],
        ),
    ];
    for (model, want) in cases {
        let f = interval_forecast(model, &gamma_gamma(), &h, &z, &months, &options).unwrap();
        for (row, (purchases, value)) in f.rows.iter().zip(want) {
            assert!((row.expected_purchases - purchases).abs() < 1e-9);
            assert!(
                (row.value - value).abs() < 1e-8,
                "{} against {value}",
                row.value
            );
        }
        let ends: Vec<_> = f
            .rows
            .iter()
            .map(|r| r.interval.end_date.unwrap())
            .collect();
        assert_eq!(ends[2], NaiveDate::from_ymd_opt(2024, 4, 30).unwrap());
        assert_eq!(f.rows[1].interval.start_days, 29.0);
    }
}

#[test]
fn lifetimes_months_add_up_to_the_single_horizon_functions_for_every_model() {
    // lifetimes 0.11.3 GammaGammaFitter.customer_lifetime_value(time=12, discount_rate=0.01,
    // freq='W'): 36.28171047243318 (BG/NBD), 43.08084095105298 (Pareto/NBD).
    let (h, z) = customer();
    let spend = gamma_gamma();
    let options = ClvOptions::default();
    let months = ForecastIntervals::monthly(MonthLength::Lifetimes(TimeUnit::Weeks), 12).unwrap();
    let models: [(&(dyn PurchaseModel + Sync), Option<f64>); 4] = [
        (&bg_nbd(), Some(36.28171047243318)),
        (&pareto_nbd(), Some(43.08084095105298)),
        (
            &ModifiedBgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap(),
            None,
        ),
        (&Nbd::new(0.385, 12.072).unwrap(), None),
    ];
    for (model, lifetimes) in models {
        let f = interval_forecast(model, &spend, &h, &z, &months, &options).unwrap();
        let clv = customer_lifetime_value(model, &spend, &h, &z, &options).unwrap();
        let total = model
            .conditional_expected_purchases(12.0 * 4.345, &h)
            .unwrap();
        assert!((f.value - clv).abs() < 1e-9, "{} against {clv}", f.value);
        assert!((f.expected_purchases - total).abs() < 1e-9);
        if let Some(want) = lifetimes {
            assert!((f.value - want).abs() < 1e-6, "{} against {want}", f.value);
        }
        // The money total is the exact sum of the rows' cents.
        let cents: rust_decimal::Decimal = f.rows.iter().map(|r| r.money).sum();
        assert_eq!(f.money, cents);
    }
}

#[test]
fn new_customer_clv_matches_numpy() {
    // numpy: E[Z] = pγ/(q − 1) = 35.17100175368739, lifetimes' expected_number_of_purchases_up_to_time
    // at m·4.345 − t₀ weeks (0 before t₀), Σ_{m=1}^{12} ΔE / 1.01^m.
    let spend = gamma_gamma();
    let options = ClvOptions::default();
    let cases: [(&dyn PurchaseModel, f64, f64); 4] = [
        (&bg_nbd(), 0.0, 48.27951337918669),
        (&bg_nbd(), 70.0, 41.41569757797422),
        (&pareto_nbd(), 0.0, 49.16346826265897),
        (&pareto_nbd(), 70.0, 42.0256118815044),
    ];
    for (model, t0_days, want) in cases {
        let clv = new_customer_lifetime_value(model, &spend, t0_days, &options).unwrap();
        assert!((clv - want).abs() < 1e-8, "{clv} against {want}");
    }
}

#[test]
fn nbd_new_customer_clv_is_the_closed_form() {
    // NBD: E[X(t)] = r t/α, each lifetimes month holds r u/α purchases; by hand with E[Z] =
    // pγ/(q − 1) and the 12 discount factors 1.01^−m.
    let model = Nbd::new(0.385, 12.072).unwrap();
    let spend = gamma_gamma();
    let options = ClvOptions::default();
    let mean = 6.2488025 * 15.4477481 / (3.7445885 - 1.0);
    let per_month = 0.385 * 4.345 / 12.072;
    let want: f64 = (1..=12).map(|m| mean * per_month / 1.01_f64.powi(m)).sum();
    let clv = new_customer_lifetime_value(&model, &spend, 0.0, &options).unwrap();
    assert!((clv - want).abs() < 1e-10);
}

#[test]
fn batch_equals_single_and_keeps_positions_in_errors() {
    let (h, z) = customer();
    let histories = vec![h, RepeatHistory::new(0.0, 0.0, 38.86).unwrap(), h];
    let spend = vec![z, SpendHistory::new(0.0, 0.0).unwrap(), z];
    let options = ClvOptions::default();
    let all = interval_forecasts(
        &pareto_nbd(),
        &gamma_gamma(),
        &histories,
        &spend,
        &years(),
        &options,
    )
    .unwrap();
    for (i, f) in all.iter().enumerate() {
        let one = interval_forecast(
            &pareto_nbd(),
            &gamma_gamma(),
            &histories[i],
            &spend[i],
            &years(),
            &options,
        )
        .unwrap();
        assert_eq!(*f, one);
    }
    let mut wrong = spend.clone();
    wrong[2] = SpendHistory::new(1.0, 10.0).unwrap();
    let err = interval_forecasts(
        &pareto_nbd(),
        &gamma_gamma(),
        &histories,
        &wrong,
        &years(),
        &options,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ClvError::HistoryMismatch {
            position: Some(2),
            ..
        }
    ));
    let err = interval_forecast(
        &pareto_nbd(),
        &gamma_gamma(),
        &h,
        &wrong[2],
        &years(),
        &options,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ClvError::HistoryMismatch { position: None, .. }
    ));
}

#[test]
fn typed_errors_carry_the_offending_value() {
    let options = ClvOptions::default();
    let infinite = GammaGamma::new(2.0, 0.9, 10.0).unwrap();
    assert_eq!(
        new_customer_lifetime_value(&bg_nbd(), &infinite, 0.0, &options),
        Err(ClvError::InfiniteMeanSpend { q: 0.9 })
    );
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let err =
            new_customer_interval_forecast(&bg_nbd(), &gamma_gamma(), &years(), bad, &options)
                .unwrap_err();
        assert!(matches!(
            err,
            ClvError::InvalidArgument {
                name: "acquisition_days",
                ..
            }
        ));
    }
    let bad_rate = ClvOptions {
        monthly_discount_rate: f64::NAN,
        ..options
    };
    let (h, z) = customer();
    assert!(interval_forecast(&bg_nbd(), &gamma_gamma(), &h, &z, &years(), &bad_rate).is_err());
    let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    let unsorted =
        ForecastIntervals::from_dates(d(1, 1), &[d(1, 1), d(3, 1), d(2, 1)]).unwrap_err();
    assert_eq!(
        unsorted.to_string(),
        "forecast interval 1: boundary 2025-02-01 is invalid: the dates must be sorted: it is not after the date before it"
    );
    let empty = ForecastIntervals::from_dates(d(1, 1), &[]).unwrap_err();
    assert!(matches!(
        empty,
        ClvError::InvalidForecastInterval { index: 0, .. }
    ));
}

#[test]
fn serde_roundtrip_and_checked_read_back() {
    let as_of = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    let months = ForecastIntervals::monthly(MonthLength::Calendar(as_of), 2).unwrap();
    let json = serde_json::to_string(&months).unwrap();
    let back: ForecastIntervals = serde_json::from_str(&json).unwrap();
    assert_eq!(back, months);
    let (h, z) = customer();
    let f = interval_forecast(
        &bg_nbd(),
        &gamma_gamma(),
        &h,
        &z,
        &months,
        &ClvOptions::default(),
    )
    .unwrap();
    let back: IntervalForecast = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
    assert_eq!(back, f);
    // Overlapping spans written by hand are refused on read.
    let hostile = r#"{"unit":"Years","month_length":"Average","spans":[[1,3],[2,5]]}"#;
    let err = serde_json::from_str::<ForecastIntervals>(hostile).unwrap_err();
    assert!(
        err.to_string()
            .contains("forecast interval 1: boundary 2 years"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any cut of lifetimes' months 0..=H into contiguous intervals gives the same totals as
    /// the month-by-month forecast, and the total purchases are the expectation at H months.
    #[test]
    fn any_contiguous_cut_keeps_the_totals(
        cuts in proptest::collection::btree_set(1i64..36, 0..6),
        x in 0u32..8, age in 1.0f64..60.0,
    ) {
        let h = RepeatHistory::new(f64::from(x), if x == 0 { 0.0 } else { age / 2.0 }, age).unwrap();
        let z = SpendHistory::new(f64::from(x), if x == 0 { 0.0 } else { 20.0 }).unwrap();
        let mut boundaries = vec![0];
        boundaries.extend(cuts);
        boundaries.push(36);
        let length = MonthLength::Lifetimes(TimeUnit::Weeks);
        let coarse = ForecastIntervals::contiguous(HorizonUnit::Months, length, &boundaries).unwrap();
        let fine = ForecastIntervals::monthly(length, 36).unwrap();
        let options = ClvOptions::default();
        let model = pareto_nbd();
        let a = interval_forecast(&model, &gamma_gamma(), &h, &z, &coarse, &options).unwrap();
        let b = interval_forecast(&model, &gamma_gamma(), &h, &z, &fine, &options).unwrap();
        prop_assert!((a.value - b.value).abs() < 1e-9);
        let total = model.conditional_expected_purchases(36.0 * 4.345, &h).unwrap();
        prop_assert!((a.expected_purchases - total).abs() < 1e-9);
        for row in &a.rows {
            prop_assert!(row.expected_purchases >= 0.0 && row.value >= 0.0);
        }
    }
}
