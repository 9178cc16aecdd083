//! Published numbers (REFERENCE.md) for BG/NBD, MBG/NBD, BG/BB and the shifted-beta-geometric model,
//! weighted-fit equivalence, error paths and properties.

use customer_value::clv::diagnostics::{
    chi_square_test, expected_frequency_histogram, holdout_comparison, observed_frequency_histogram,
};
use customer_value::clv::{
    simulate, BgBb, BgNbd, ClvError, ContractOutcome, DiscreteHistory, FitData, FitOptions,
    MaximumLikelihood, ModifiedBgNbd, PurchaseModel, RepeatHistory, ShiftedBetaGeometric,
};
use proptest::prelude::*;

fn cdnow() -> Vec<RepeatHistory> {
    let text = include_str!("data/cdnow_customers_summary_with_transactions.csv");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            RepeatHistory::new(f[1], f[2], f[3]).unwrap()
        })
        .collect()
}

fn within(value: f64, target: f64, relative: f64) -> bool {
    ((value - target) / target).abs() <= relative
}

#[test]
fn bg_nbd_on_cdnow_reaches_the_mle() {
    let fit = BgNbd::fit(&cdnow(), &FitOptions::default()).unwrap();
    let p = fit.model.params();
    assert!(
        (fit.log_likelihood + 9582.4256).abs() < 0.01,
        "{}",
        fit.log_likelihood
    );
    for (v, t) in [
        (p.r, 0.2425929),
        (p.alpha, 4.4135323),
        (p.a, 0.7928860),
        (p.b, 2.4257524),
    ] {
        assert!(within(v, t, 0.005), "{p:?}");
    }
    assert!(fit.converged);
    // At the MLE: the x = 2 customer of FHL (2005).
    let h = RepeatHistory::new(2.0, 30.43, 38.86).unwrap();
    let m = BgNbd::new(0.2425929, 4.4135323, 0.7928860, 2.4257524).unwrap();
    assert!(within(
        m.conditional_expected_purchases(39.0, &h).unwrap(),
        1.225910,
        1e-6
    ));
    assert!(within(m.probability_alive(&h).unwrap(), 0.726609, 1e-6));
}

#[test]
fn modified_bg_nbd_on_cdnow_reaches_the_mle() {
    let fit = ModifiedBgNbd::fit(&cdnow(), &FitOptions::default()).unwrap();
    let p = fit.model.params();
    assert!(
        (fit.log_likelihood + 9582.1327).abs() < 0.01,
        "{}",
        fit.log_likelihood
    );
    for (v, t) in [
        (p.r, 0.5248377),
        (p.alpha, 6.1829885),
        (p.a, 0.8913563),
        (p.b, 1.6140000),
    ] {
        assert!(within(v, t, 0.005), "{p:?}");
    }
}

fn donations() -> (Vec<DiscreteHistory>, Vec<f64>) {
    let text = include_str!("data/donations.csv");
    let mut histories = Vec::new();
    let mut weights = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<u32> = line.split(',').map(|v| v.trim().parse().unwrap()).collect();
        histories.push(DiscreteHistory::new(f[0], f[1], f[2]).unwrap());
        weights.push(f64::from(f[3]));
    }
    (histories, weights)
}

#[test]
fn bg_bb_on_donations_reaches_the_mle_and_the_published_predictions() {
    let (histories, weights) = donations();
    assert_eq!(weights.iter().sum::<f64>(), 11104.0);
    let fit = FitData::weighted(&histories, &weights)
        .and_then(|d| BgBb::fit(d, &FitOptions::default()))
        .unwrap();
    let p = fit.model.params();
    assert!(
        (fit.log_likelihood + 33225.5813).abs() < 0.01,
        "{}",
        fit.log_likelihood
    );
    for (v, t) in [
        (p.alpha, 1.203522),
        (p.beta, 0.749716),
        (p.gamma, 0.656718),
        (p.delta, 2.783443),
    ] {
        assert!(within(v, t, 0.005), "{p:?}");
    }
    let m = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443).unwrap();
    for ((x, t_x), e) in [((0, 0), 0.1081), ((2, 4), 0.5897), ((6, 6), 0.9304)] {
        let h = DiscreteHistory::new(x, t_x, 6).unwrap();
        // Published to 4 decimals.
        assert!((m.probability_alive_next(&h) - e).abs() < 5e-5, "{x} {t_x}");
    }
    let mut out = vec![0.0; histories.len()];
    m.conditional_expected_purchases_into(5, &histories, &mut out)
        .unwrap();
    let total: f64 = out.iter().zip(&weights).map(|(e, w)| e * w).sum();
    assert!(within(total, 12884.16, 1e-6), "{total}");
    assert!(within(m.expected_purchases(10).unwrap(), 3.179829, 1e-6));
    let h0 = DiscreteHistory::new(0, 0, 6).unwrap();
    // Published to 6 decimals (relative 1e-6 is finer than the printed digit here): agree to it.
    assert!((m.conditional_expected_purchases(10, &h0).unwrap() - 0.130218).abs() <= 5e-7);
    let h4 = DiscreteHistory::new(4, 5, 6).unwrap();
    assert!(within(
        m.conditional_expected_purchases(10, &h4).unwrap(),
        3.627968,
        1e-6
    ));
}

fn retention() -> (Vec<f64>, Vec<f64>) {
    let text = include_str!("data/sbg_retention.csv");
    let mut regular = Vec::new();
    let mut high_end = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        regular.push(f[1].parse::<f64>().unwrap() / 100.0);
        high_end.push(f[2].parse::<f64>().unwrap() / 100.0);
    }
    (regular, high_end)
}

#[test]
fn shifted_beta_geometric_on_both_cohorts() {
    let (regular, high_end) = retention();
    // Years 1–7 calibrate (index 0 is year 0 = 100%).
    let fit = ShiftedBetaGeometric::fit_survival(1000.0, &regular[1..8]).unwrap();
    let p = fit.model.params();
    assert!(
        (fit.log_likelihood + 1680.2652).abs() < 0.01,
        "{}",
        fit.log_likelihood
    );
    assert!(
        within(p.alpha, 0.7041, 0.005) && within(p.beta, 1.1820, 0.005),
        "{p:?}"
    );
    // Projected % alive at years 8–12, published to one decimal.
    for (year, published) in (8..=12).zip([22.0, 20.4, 19.1, 18.0, 17.0]) {
        let projected = 100.0 * fit.model.survival(year);
        assert!(
            (projected - published).abs() <= 0.05,
            "year {year}: {projected}"
        );
    }
    assert!(matches!(
        fit.model.expected_lifetime(),
        Err(ClvError::InfiniteExpectedLifetime { .. })
    ));
    assert!(fit
        .model
        .discounted_expected_residual_lifetime(0.1, 0)
        .unwrap()
        .is_finite());

    let lost: Vec<f64> = high_end[..8]
        .windows(2)
        .map(|w| 1000.0 * (w[0] - w[1]))
        .collect();
    let fit = ShiftedBetaGeometric::fit_lost(1000.0, &lost).unwrap();
    let p = fit.model.params();
    assert!(
        (fit.log_likelihood + 1611.1581).abs() < 0.01,
        "{}",
        fit.log_likelihood
    );
    assert!(
        within(p.alpha, 0.6681, 0.005) && within(p.beta, 3.8061, 0.005),
        "{p:?}"
    );
    assert!(matches!(
        fit.model.expected_lifetime(),
        Err(ClvError::InfiniteExpectedLifetime { .. })
    ));
}

#[test]
fn weighted_fits_equal_the_fits_of_exploded_rows() {
    let rows = [
        (RepeatHistory::new(0.0, 0.0, 30.0).unwrap(), 7usize),
        (RepeatHistory::new(1.0, 4.0, 30.0).unwrap(), 3),
        (RepeatHistory::new(3.0, 25.0, 32.0).unwrap(), 2),
        (RepeatHistory::new(6.0, 29.0, 31.0).unwrap(), 1),
        (RepeatHistory::new(2.0, 10.0, 28.0).unwrap(), 2),
    ];
    let histories: Vec<RepeatHistory> = rows.iter().map(|r| r.0).collect();
    let weights: Vec<f64> = rows.iter().map(|r| r.1 as f64).collect();
    let exploded: Vec<RepeatHistory> = rows
        .iter()
        .flat_map(|(h, n)| std::iter::repeat_n(*h, *n))
        .collect();
    let weighted = FitData::weighted(&histories, &weights)
        .and_then(|d| BgNbd::fit(d, &FitOptions::default()))
        .unwrap();
    let plain = BgNbd::fit(&exploded, &FitOptions::default()).unwrap();
    assert_eq!(weighted.model, plain.model);
    assert_eq!(weighted.log_likelihood, plain.log_likelihood);
    let weighted = FitData::weighted(&histories, &weights)
        .and_then(|d| ModifiedBgNbd::fit(d, &FitOptions::default()))
        .unwrap();
    let plain = ModifiedBgNbd::fit(&exploded, &FitOptions::default()).unwrap();
    assert_eq!(weighted.model, plain.model);

    let (histories, weights) = donations();
    let small: Vec<f64> = weights.iter().map(|w| (w / 100.0).ceil()).collect();
    let exploded: Vec<DiscreteHistory> = histories
        .iter()
        .zip(&small)
        .flat_map(|(h, w)| std::iter::repeat_n(*h, *w as usize))
        .collect();
    let weighted = FitData::weighted(&histories, &small)
        .and_then(|d| BgBb::fit(d, &FitOptions::default()))
        .unwrap();
    let plain = BgBb::fit(&exploded, &FitOptions::default()).unwrap();
    assert_eq!(weighted.model, plain.model);

    let outcomes = [
        ContractOutcome::Churned { period: 1 },
        ContractOutcome::Churned { period: 3 },
        ContractOutcome::Active { periods: 3 },
    ];
    let counts = [5usize, 2, 4];
    let exploded: Vec<ContractOutcome> = outcomes
        .iter()
        .zip(counts)
        .flat_map(|(o, n)| std::iter::repeat_n(*o, n))
        .collect();
    let weighted = FitData::weighted(&outcomes, &counts.map(|c| c as f64))
        .and_then(|d| ShiftedBetaGeometric::fit(d, &FitOptions::default()))
        .unwrap();
    let plain = ShiftedBetaGeometric::fit(&exploded, &FitOptions::default()).unwrap();
    assert_eq!(weighted.model, plain.model);
}

#[test]
fn fits_do_not_depend_on_input_order() {
    let mut data = cdnow();
    let forward = BgNbd::fit(&data, &FitOptions::default()).unwrap();
    data.reverse();
    let backward = BgNbd::fit(&data, &FitOptions::default()).unwrap();
    assert_eq!(forward.model, backward.model);
    assert_eq!(
        forward.log_likelihood.to_bits(),
        backward.log_likelihood.to_bits()
    );
}

#[test]
fn an_unconverged_fit_is_an_error_unless_asked_for() {
    let data = cdnow();
    let strict = FitOptions {
        max_iterations: 1,
        gradient_tolerance: 1e-300,
        ..FitOptions::default()
    };
    match BgNbd::fit(&data, &strict) {
        Err(ClvError::NotConverged {
            iterations,
            log_likelihood,
        }) => {
            assert!(iterations <= 1 && log_likelihood.is_finite());
        }
        other => panic!("expected NotConverged, got {other:?}"),
    }
    let lenient = FitOptions {
        accept_unconverged: true,
        ..strict
    };
    let fit = BgNbd::fit(&data, &lenient).unwrap();
    assert!(!fit.converged);
}

#[test]
fn bad_input_is_a_typed_error() {
    assert!(matches!(
        BgNbd::fit(&[], &FitOptions::default()),
        Err(ClvError::EmptyInput)
    ));
    assert!(matches!(
        ModifiedBgNbd::fit(&[], &FitOptions::default()),
        Err(ClvError::EmptyInput)
    ));
    assert!(matches!(
        BgBb::fit(&[], &FitOptions::default()),
        Err(ClvError::EmptyInput)
    ));
    assert!(matches!(
        ShiftedBetaGeometric::fit(&[], &FitOptions::default()),
        Err(ClvError::EmptyInput)
    ));
    let zeros = vec![RepeatHistory::new(0.0, 0.0, 30.0).unwrap(); 10];
    assert!(matches!(
        BgNbd::fit(&zeros, &FitOptions::default()),
        Err(ClvError::NotIdentifiable { .. })
    ));
    assert!(matches!(
        ModifiedBgNbd::fit(&zeros, &FitOptions::default()),
        Err(ClvError::NotIdentifiable { .. })
    ));
    let discrete_zeros = vec![DiscreteHistory::new(0, 0, 6).unwrap(); 4];
    assert!(matches!(
        BgBb::fit(&discrete_zeros, &FitOptions::default()),
        Err(ClvError::NotIdentifiable { .. })
    ));
    let nobody_left = [ContractOutcome::Active { periods: 4 }];
    assert!(matches!(
        ShiftedBetaGeometric::fit(&nobody_left, &FitOptions::default()),
        Err(ClvError::NotIdentifiable { .. })
    ));
    let all_left_at_once = [ContractOutcome::Churned { period: 1 }];
    assert!(matches!(
        ShiftedBetaGeometric::fit(&all_left_at_once, &FitOptions::default()),
        Err(ClvError::NotIdentifiable { .. })
    ));
    assert!(matches!(
        ShiftedBetaGeometric::fit(
            &[ContractOutcome::Churned { period: 0 }],
            &FitOptions::default()
        ),
        Err(ClvError::InvalidArgument { .. })
    ));
    // Histories check their own values: NaN, negative times, t_x > T.
    assert!(matches!(
        RepeatHistory::new(1.0, f64::NAN, 3.0),
        Err(ClvError::InvalidHistory { .. })
    ));
    assert!(matches!(
        RepeatHistory::new(1.0, -1.0, 3.0),
        Err(ClvError::InvalidHistory { .. })
    ));
    assert!(matches!(
        RepeatHistory::new(1.0, 4.0, 3.0),
        Err(ClvError::InvalidHistory { .. })
    ));
    // Weights.
    let data = cdnow();
    assert!(matches!(
        FitData::weighted(&data, &[1.0]).and_then(|d| BgNbd::fit(d, &FitOptions::default())),
        Err(ClvError::LengthMismatch { .. })
    ));
    let mut w = vec![1.0; data.len()];
    w[5] = f64::NAN;
    assert!(matches!(
        FitData::weighted(&data, &w).and_then(|d| BgNbd::fit(d, &FitOptions::default())),
        Err(ClvError::InvalidWeight { position: 5, .. })
    ));
    // Parameters ≤ 0.
    assert!(matches!(
        BgNbd::new(0.0, 1.0, 1.0, 1.0),
        Err(ClvError::InvalidParameter { name: "r", .. })
    ));
    assert!(matches!(
        ModifiedBgNbd::new(1.0, 1.0, 1.0, -2.0),
        Err(ClvError::InvalidParameter { name: "b", .. })
    ));
    assert!(matches!(
        BgBb::new(1.0, 1.0, 0.0, 1.0),
        Err(ClvError::InvalidParameter { name: "gamma", .. })
    ));
    assert!(matches!(
        ShiftedBetaGeometric::new(-1.0, 1.0),
        Err(ClvError::InvalidParameter { name: "alpha", .. })
    ));
    // Survival curves and loss counts.
    assert!(matches!(
        ShiftedBetaGeometric::fit_survival(100.0, &[0.5, 0.6]),
        Err(ClvError::InvalidArgument { .. })
    ));
    assert!(matches!(
        ShiftedBetaGeometric::fit_lost(10.0, &[6.0, 6.0]),
        Err(ClvError::InvalidArgument { .. })
    ));
    assert!(matches!(
        ShiftedBetaGeometric::fit_lost(f64::NAN, &[6.0]),
        Err(ClvError::InvalidArgument { .. })
    ));
    // Prediction arguments and output lengths.
    let m = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let mut out = vec![0.0; 3];
    assert!(matches!(
        m.conditional_expected_purchases_into(1.0, &data, &mut out),
        Err(ClvError::LengthMismatch { .. })
    ));
    assert!(matches!(
        m.conditional_expected_purchases(f64::INFINITY, &data[0]),
        Err(ClvError::InvalidArgument { .. })
    ));
    assert!(matches!(
        ShiftedBetaGeometric::new(0.7, 1.2)
            .unwrap()
            .discounted_expected_residual_lifetime(0.0, 0),
        Err(ClvError::InvalidArgument { .. })
    ));
}

/// Fits on simulated data recover the parameters they were drawn from (within 3 standard errors).
#[test]
fn fits_recover_simulated_parameters() {
    let ages: Vec<f64> = (0..20_000).map(|i| 27.0 + (i % 84) as f64 / 7.0).collect();
    let truth = BgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap();
    let sim = simulate::bg_nbd(&truth, &ages, 0.0, 42).unwrap();
    let fit = BgNbd::fit(&sim.histories, &FitOptions::default()).unwrap();
    let p = fit.model.params();
    let se = fit.standard_errors().unwrap().to_vec();
    for ((est, true_value), se) in [p.r, p.alpha, p.a, p.b]
        .iter()
        .zip([0.25, 4.0, 0.8, 2.5])
        .zip(&se)
    {
        assert!((est - true_value).abs() < 3.0 * se, "{p:?} {se:?}");
    }
    let truth = ModifiedBgNbd::new(0.5, 6.0, 0.9, 1.6).unwrap();
    let sim = simulate::modified_bg_nbd(&truth, &ages, 0.0, 43).unwrap();
    let fit = ModifiedBgNbd::fit(&sim.histories, &FitOptions::default()).unwrap();
    let p = fit.model.params();
    let se = fit.standard_errors().unwrap().to_vec();
    for ((est, true_value), se) in [p.r, p.alpha, p.a, p.b]
        .iter()
        .zip([0.5, 6.0, 0.9, 1.6])
        .zip(&se)
    {
        assert!((est - true_value).abs() < 3.0 * se, "{p:?} {se:?}");
    }
    let truth = BgBb::new(1.2, 0.75, 0.66, 2.78).unwrap();
    let sim = simulate::bg_bb(&truth, 20_000, 6, 0, 44).unwrap();
    let fit = BgBb::fit(&sim.histories, &FitOptions::default()).unwrap();
    let p = fit.model.params();
    let se = fit.standard_errors().unwrap().to_vec();
    for ((est, true_value), se) in [p.alpha, p.beta, p.gamma, p.delta]
        .iter()
        .zip([1.2, 0.75, 0.66, 2.78])
        .zip(&se)
    {
        assert!((est - true_value).abs() < 3.0 * se, "{p:?} {se:?}");
    }
    let truth = ShiftedBetaGeometric::new(0.7, 1.2).unwrap();
    let cohort = simulate::shifted_beta_geometric(&truth, 20_000, 8, 45).unwrap();
    let fit = ShiftedBetaGeometric::fit(&cohort, &FitOptions::default()).unwrap();
    let p = fit.model.params();
    let se = fit.standard_errors().unwrap().to_vec();
    assert!(
        (p.alpha - 0.7).abs() < 3.0 * se[0] && (p.beta - 1.2).abs() < 3.0 * se[1],
        "{p:?} {se:?}"
    );
}

#[test]
fn cdnow_histogram_chi_square_and_intervals() {
    let data = cdnow();
    let fit = BgNbd::fit(&data, &FitOptions::default()).unwrap();
    let observed = observed_frequency_histogram(&data, 7).unwrap();
    let expected = expected_frequency_histogram(&fit.model, &data, 7).unwrap();
    assert_eq!(observed.iter().sum::<f64>(), 2357.0);
    assert_eq!(observed[0], 2357.0 - 946.0);
    assert!((expected.iter().sum::<f64>() - 2357.0).abs() < 1e-6);
    // FHL (2005), figure 3: the model tracks the histogram closely (1,411 zeros observed).
    assert!((expected[0] - observed[0]).abs() < 15.0, "{expected:?}");
    let test = chi_square_test(&observed, &expected, 4).unwrap();
    assert!(test.p_value > 0.01 && test.p_value <= 1.0, "{test:?}");
    assert_eq!(fit.parameter_count(), 4);
    assert!((fit.aic() - (8.0 + 2.0 * 9582.4256)).abs() < 0.02);

    let h = RepeatHistory::new(2.0, 30.43, 38.86).unwrap();
    let alive = fit.probability_alive_interval(&h, 0.95).unwrap();
    assert!(alive.lower < alive.estimate && alive.estimate < alive.upper && alive.upper <= 1.0);
    let purchases = fit
        .conditional_expected_purchases_interval(39.0, &h, 0.95)
        .unwrap();
    assert!(purchases.lower < purchases.estimate && purchases.estimate < purchases.upper);
    assert!((purchases.estimate - 1.225910).abs() < 1e-4);
}

#[test]
fn holdout_comparison_on_simulated_customers() {
    let ages: Vec<f64> = (0..20_000).map(|i| 27.0 + (i % 84) as f64 / 7.0).collect();
    let truth = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let sim = simulate::bg_nbd(&truth, &ages, 39.0, 9).unwrap();
    let cmp = holdout_comparison(&truth, &sim.histories, &sim.holdout_purchases, 39.0, 7).unwrap();
    assert_eq!(cmp.rows.len(), 8);
    assert_eq!(cmp.rows.iter().map(|r| r.customers).sum::<usize>(), 20_000);
    // With the true parameters the totals agree within sampling error (about 1.5%).
    assert!(
        ((cmp.total_predicted - cmp.total_actual) / cmp.total_actual).abs() < 0.05,
        "{cmp:?}"
    );
    assert!(cmp.mae > 0.0 && cmp.rmse >= cmp.mae);

    // The same check of the MBG/NBD conditional expectation (derived, not published).
    let truth = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614).unwrap();
    let sim = simulate::modified_bg_nbd(&truth, &ages, 39.0, 10).unwrap();
    let cmp = holdout_comparison(&truth, &sim.histories, &sim.holdout_purchases, 39.0, 7).unwrap();
    assert!(
        ((cmp.total_predicted - cmp.total_actual) / cmp.total_actual).abs() < 0.05,
        "{cmp:?}"
    );
    for row in &cmp.rows[..4] {
        // Groups of hundreds of customers: means within 15%.
        assert!(
            ((row.predicted - row.actual) / row.actual).abs() < 0.15,
            "{row:?}"
        );
    }
}

fn any_history() -> impl Strategy<Value = RepeatHistory> {
    (0u32..600, 0.0f64..1.0, 0.01f64..200.0).prop_map(|(x, share, age)| {
        let recency = if x == 0 { 0.0 } else { share * age };
        RepeatHistory::new(f64::from(x), recency, age).unwrap()
    })
}

fn any_params() -> impl Strategy<Value = (f64, f64, f64, f64)> {
    (0.01f64..10.0, 0.1f64..50.0, 0.05f64..10.0, 0.05f64..10.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn predictions_are_probabilities_and_monotone(h in any_history(), (r, alpha, a, b) in any_params(), t in 0.0f64..100.0) {
        let models: [&dyn PurchaseModel; 2] = [&BgNbd::new(r, alpha, a, b).unwrap(), &ModifiedBgNbd::new(r, alpha, a, b).unwrap()];
        for m in models {
            let p = m.probability_alive(&h).unwrap();
            prop_assert!((0.0..=1.0).contains(&p));
            let e1 = m.conditional_expected_purchases(t, &h).unwrap();
            let e2 = m.conditional_expected_purchases(t + 5.0, &h).unwrap();
            prop_assert!(e1 >= 0.0 && e2 >= e1 - 1e-9 * (1.0 + e1), "{e1} {e2}");
            let u1 = m.expected_purchases(t).unwrap();
            let u2 = m.expected_purchases(t + 5.0).unwrap();
            prop_assert!(u1 >= 0.0 && u2 >= u1 - 1e-9 * (1.0 + u1));
        }
        prop_assert!(BgNbd::new(r, alpha, a, b).unwrap().log_likelihood(&h).unwrap().is_finite());
        prop_assert!(ModifiedBgNbd::new(r, alpha, a, b).unwrap().log_likelihood(&h).unwrap().is_finite());
    }

    #[test]
    fn bg_bb_predictions_are_probabilities(x in 0u32..20, extra in 0u32..20, gap in 0u32..20,
        (alpha, beta, gamma, delta) in any_params(), horizon in 0u32..30) {
        let t_x = if x == 0 { 0 } else { x + extra };
        let h = DiscreteHistory::new(x, t_x, t_x + gap).unwrap();
        let m = BgBb::new(alpha, beta, gamma, delta).unwrap();
        let p = m.probability_alive_next(&h);
        prop_assert!((0.0..=1.0).contains(&p));
        let e1 = m.conditional_expected_purchases(horizon, &h).unwrap();
        let e2 = m.conditional_expected_purchases(horizon + 1, &h).unwrap();
        prop_assert!(e1 >= 0.0 && e2 >= e1 - 1e-9 * (1.0 + e1));
        prop_assert!(m.log_likelihood(&h).is_finite());
    }

    #[test]
    fn survival_falls_and_retention_rises(alpha in 0.05f64..20.0, beta in 0.05f64..20.0, t in 1u32..100) {
        let m = ShiftedBetaGeometric::new(alpha, beta).unwrap();
        prop_assert!(m.survival(t) <= m.survival(t - 1));
        prop_assert!(m.retention_rate(t + 1).unwrap() >= m.retention_rate(t).unwrap());
        let derl = m.discounted_expected_residual_lifetime(0.1, t).unwrap();
        prop_assert!(derl.is_finite() && derl >= 0.0);
    }
}

/// P(alive) is the same formula either way; the batch's expected purchases sum the series from
/// per-batch Taylor tables (src/clv/bg_nbd/bracket_table.rs) and agree to about 1e-13.
#[test]
fn batch_predictions_equal_the_single_ones() {
    let data = cdnow();
    let models: [&dyn PurchaseModel; 2] = [
        &BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap(),
        &ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614).unwrap(),
    ];
    for m in models {
        let mut expected = vec![0.0; data.len()];
        let mut alive = vec![0.0; data.len()];
        m.conditional_expected_purchases_into(52.0, &data, &mut expected)
            .unwrap();
        m.probability_alive_into(&data, &mut alive).unwrap();
        for (i, h) in data.iter().enumerate() {
            let single = m.conditional_expected_purchases(52.0, h).unwrap();
            assert!(
                (expected[i] - single).abs() <= 1e-12 * single,
                "{i}: {} vs {single}",
                expected[i]
            );
            assert_eq!(alive[i], m.probability_alive(h).unwrap());
        }
    }
}

/// The parallel likelihood sums fixed chunks in order: fits are bit-identical whatever the number
/// of threads.
#[test]
fn fits_do_not_depend_on_thread_count() {
    let ages: Vec<f64> = (0..60_000).map(|i| 20.0 + (i % 140) as f64 / 7.0).collect();
    let truth = BgNbd::new(0.3, 5.0, 0.7, 2.0).unwrap();
    let sim = simulate::bg_nbd(&truth, &ages, 0.0, 77).unwrap();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let a = one.install(|| BgNbd::fit(&sim.histories, &FitOptions::default()).unwrap());
    let b = three.install(|| BgNbd::fit(&sim.histories, &FitOptions::default()).unwrap());
    assert_eq!(a.model, b.model);
    assert_eq!(a.log_likelihood.to_bits(), b.log_likelihood.to_bits());
    let model = a.model;
    let mut x = vec![0.0; sim.histories.len()];
    let mut y = vec![0.0; sim.histories.len()];
    one.install(|| {
        model
            .conditional_expected_purchases_into(20.0, &sim.histories, &mut x)
            .unwrap()
    });
    three.install(|| {
        model
            .conditional_expected_purchases_into(20.0, &sim.histories, &mut y)
            .unwrap()
    });
    assert_eq!(x, y);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Delta-method intervals contain their estimate, and P(alive) intervals stay in [0, 1].
    #[test]
    fn delta_intervals_contain_their_estimate(
        (r, alpha, a, b) in any_params(), h in any_history(), scale in 1e-6f64..1e-1, level in 0.5f64..0.999,
    ) {
        let params = [r, alpha, a, b];
        let covariance: Vec<Vec<f64>> = (0..4)
            .map(|i| (0..4).map(|j| if i == j { scale * params[i] * params[i] } else { 0.0 }).collect())
            .collect();
        let f = |p: &[f64]| BgNbd::new(p[0], p[1], p[2], p[3])?.probability_alive(&h);
        let interval = customer_value::clv::diagnostics::delta_method_interval(f, &params, &covariance, level);
        prop_assert!(interval.is_ok(), "{interval:?}");
        let i = interval.unwrap().clamped(0.0, 1.0);
        prop_assert!(i.lower <= i.estimate && i.estimate <= i.upper);
        prop_assert!(i.lower >= 0.0 && i.upper <= 1.0 && i.standard_error.is_some_and(|se| se >= 0.0));
    }
}
