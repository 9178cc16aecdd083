//! Intervals on CLV and the per-customer predictions: the delta method against an independent
//! numpy computation on CDNOW, the parametric bootstrap against the delta method on a
//! well-identified fit, determinism across thread counts, rejected draws, and the typed errors.

use std::sync::OnceLock;

use customer_value::clv::uncertainty::{
    clv_bootstrap_intervals, clv_delta_interval, customer_bootstrap, delta_interval,
    expected_purchases_bootstrap_intervals, expected_spend_bootstrap_intervals,
    expected_spend_delta_interval, probability_alive_at_delta_interval,
    probability_alive_bootstrap_intervals, probability_no_purchase_delta_interval, resampled_fits,
    BootstrapOptions, IntervalMethod, ParameterDraws, PredictionInterval,
};
use customer_value::clv::{
    simulate, BgNbd, ClvError, ClvOptions, CovarianceUnavailable, FitOptions, GammaGamma,
    GammaGammaOptions, MaximumLikelihood, ModelFit, ParameterCovariance, PurchaseModel,
    RepeatHistory, SpendDiagnostics, SpendHistory,
};
use proptest::prelude::*;

/// CDNOW rows (x, t_x, T, z̄) from tests/data (weeks).
fn cdnow() -> &'static (Vec<RepeatHistory>, Vec<SpendHistory>) {
    static ROWS: OnceLock<(Vec<RepeatHistory>, Vec<SpendHistory>)> = OnceLock::new();
    ROWS.get_or_init(|| {
        include_str!("data/cdnow_customers_summary_with_transactions.csv")
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
                (
                    RepeatHistory::new(f[1], f[2], f[3]).unwrap(),
                    SpendHistory::new(f[1], f[4]).unwrap(),
                )
            })
            .unzip()
    })
}

/// BG/NBD on the 2,357 CDNOW customers and Gamma-Gamma on its 946 repeat buyers.
fn cdnow_fits() -> &'static (ModelFit<BgNbd>, ModelFit<GammaGamma, SpendDiagnostics>) {
    static FITS: OnceLock<(ModelFit<BgNbd>, ModelFit<GammaGamma, SpendDiagnostics>)> =
        OnceLock::new();
    FITS.get_or_init(|| {
        let (h, z) = cdnow();
        (
            BgNbd::fit(h, &FitOptions::default()).unwrap(),
            GammaGamma::fit(z, &GammaGammaOptions::default()).unwrap(),
        )
    })
}

fn relative(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

fn covariance(matrix: Vec<Vec<f64>>) -> ParameterCovariance {
    let standard_errors = (0..matrix.len()).map(|i| matrix[i][i].sqrt()).collect();
    ParameterCovariance {
        matrix,
        standard_errors,
    }
}

/// The parameters and covariances our fits report on CDNOW, printed to 17 digits: the inputs of
/// the numpy reference below.
fn cdnow_reference_fits() -> (ModelFit<BgNbd>, ModelFit<GammaGamma, SpendDiagnostics>) {
    let (mut bg, mut gg) = cdnow_fits().clone();
    let bg_parameters = [
        0.24259290717863377,
        4.413531561624024,
        0.7928861491060188,
        2.4257534412475197,
    ];
    let gg_parameters = [6.248802929266771, 3.7445883427947675, 15.447746043700313];
    for (fitted, reference) in bg.model.parameters().iter().zip(bg_parameters) {
        assert!(
            relative(*fitted, reference) < 1e-6,
            "{fitted} vs {reference}"
        );
    }
    for (fitted, reference) in gg.model.parameters().iter().zip(gg_parameters) {
        assert!(
            relative(*fitted, reference) < 1e-6,
            "{fitted} vs {reference}"
        );
    }
    bg.model = BgNbd::from_parameters(&bg_parameters).unwrap();
    gg.model = GammaGamma::from_parameters(&gg_parameters).unwrap();
    bg.covariance = Ok(covariance(vec![
        vec![
            0.0001576862750935,
            0.00370638171091444,
            -8.783939197278e-05,
            6.564950946964e-05,
        ],
        vec![
            0.00370638171091444,
            0.14305143919051228,
            -0.00286557547032109,
            0.0105224390926564,
        ],
        vec![
            -8.783939197278e-05,
            -0.00286557547032109,
            0.03449160017197381,
            0.12319554584950689,
        ],
        vec![
            6.564950946964e-05,
            0.01052243909265642,
            0.12319554584950686,
            0.4975126358377044,
        ],
    ]));
    gg.covariance = Ok(covariance(vec![
        vec![1.4153555491135577, -0.2319069067333232, -4.802066014384708],
        vec![
            -0.23190690673332312,
            0.08419607421697123,
            0.9922234303123523,
        ],
        vec![-4.802066014384707, 0.9922234303123526, 17.30554516855539],
    ]));
    (bg, gg)
}

#[test]
fn delta_clv_interval_on_cdnow_matches_numpy_finite_differences() {
    let (h, z) = cdnow();
    let (bg, gg) = cdnow_reference_fits();
    // Independent computation (Python, /tmp/customer-value-peers): lifetimes 0.11.3's
    // GammaGammaFitter.customer_lifetime_value with a BetaGeoFitter (12 months, d = 0.01, weeks)
    // at the parameters above, its gradient in the 7 parameters by numpy central differences
    // (step 1e-5 · θ; 1e-4 · θ agrees to 2e-9 relative), and SE² = ∇ᵀ diag(Σ_bg, Σ_gg) ∇ with
    // the two covariances above: CDNOW IDs 1, 2, 6, 18 and 1001 (rows 0, 1, 5, 17, 1000).
    let expected = [
        (0, 36.27849602794745, 1.6693022881930093),
        (1, 4.637466618536354, 0.5843526950045967),
        (5, 283.523573054109, 28.781146198146786),
        (17, 6.3496225698111255, 0.7447797536260926),
        (1000, 9.353455126851278, 0.4953551252181943),
    ];
    let options = ClvOptions::default();
    for (row, estimate, standard_error) in expected {
        let i = clv_delta_interval(&bg, &gg, &h[row], &z[row], &options, 0.95).unwrap();
        assert_eq!(i.method, IntervalMethod::DeltaMethod);
        let i = i.interval;
        assert!(relative(i.estimate, estimate) < 1e-12, "{row}: {i:?}");
        let se = i.standard_error.unwrap();
        assert!(
            relative(se, standard_error) < 1e-6,
            "{row}: {se} vs {standard_error}"
        );
        // z_0.975 = 1.959963984540054 (scipy.stats.norm.ppf(0.975)).
        let half = 1.959963984540054 * standard_error;
        assert!(
            (i.lower - (estimate - half)).abs() < 1e-5 * half,
            "{row}: {i:?}"
        );
        assert!(
            (i.upper - (estimate + half)).abs() < 1e-5 * half,
            "{row}: {i:?}"
        );
    }
}

/// BG/NBD on 50,000 simulated customers (ages 20 to 52 weeks): SEs a fifth of CDNOW's, so the
/// predictions are close to linear over the parameters' spread.
fn large_fit() -> &'static ModelFit<BgNbd> {
    static FIT: OnceLock<ModelFit<BgNbd>> = OnceLock::new();
    FIT.get_or_init(|| {
        let truth = BgNbd::new(0.25, 4.4, 0.8, 2.4).unwrap();
        let ages: Vec<f64> = (0..50_000).map(|i| 20.0 + f64::from(i % 33)).collect();
        let simulated = simulate::bg_nbd(&truth, &ages, 0.0, 2026).unwrap();
        BgNbd::fit(&simulated.histories, &FitOptions::default()).unwrap()
    })
}

#[test]
fn bootstrap_converges_to_the_delta_method_on_a_well_identified_fit() {
    let fit = large_fit();
    assert!(fit.warnings.is_empty(), "{:?}", fit.warnings);
    let customers = [
        RepeatHistory::new(2.0, 30.43, 38.86).unwrap(),
        RepeatHistory::new(1.0, 1.71, 38.86).unwrap(),
        RepeatHistory::new(7.0, 29.43, 38.86).unwrap(),
        RepeatHistory::new(0.0, 0.0, 33.57).unwrap(),
    ];
    let options = BootstrapOptions {
        replicates: 4_000,
        level: 0.9,
        seed: 11,
    };
    let alive = probability_alive_bootstrap_intervals(fit, &customers, &options).unwrap();
    let expected = expected_purchases_bootstrap_intervals(fit, 26.0, &customers, &options).unwrap();
    for (k, h) in customers.iter().enumerate() {
        let pairs = [
            (fit.probability_alive_interval(h, 0.9).unwrap(), alive[k]),
            (
                fit.conditional_expected_purchases_interval(26.0, h, 0.9)
                    .unwrap(),
                expected[k],
            ),
        ];
        for (delta, boot) in pairs {
            let boot = boot.interval;
            assert!(relative(boot.estimate, delta.estimate) < 1e-12);
            // Each percentile bound within 4% of the delta interval's width of the Wald bound
            // (measured: at most 2.6%, customer 3's upper bound of expected purchases): the Monte
            // Carlo error of a 5% quantile at R = 4,000 is about 2% of the width, plus what skew
            // the predictions keep over the parameters' spread.
            let tolerance = 0.04 * delta.width();
            assert!(
                (boot.lower - delta.lower).abs() <= tolerance,
                "{k}: {boot:?} vs {delta:?}"
            );
            assert!(
                (boot.upper - delta.upper).abs() <= tolerance,
                "{k}: {boot:?} vs {delta:?}"
            );
        }
    }
}

#[test]
fn bootstrap_is_identical_on_one_and_two_threads() {
    let (h, z) = cdnow();
    let (bg, gg) = cdnow_fits();
    let options = BootstrapOptions {
        replicates: 40,
        level: 0.95,
        seed: 5,
    };
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            (
                clv_bootstrap_intervals(bg, gg, h, z, &ClvOptions::default(), &options).unwrap(),
                probability_alive_bootstrap_intervals(bg, h, &options).unwrap(),
            )
        })
    };
    let one = run(1);
    assert_eq!(one.0.len(), 2_357); // two blocks of customers
    assert_eq!(run(2), one);
    // Another seed draws other models.
    let other = BootstrapOptions { seed: 6, ..options };
    let clv = clv_bootstrap_intervals(bg, gg, h, z, &ClvOptions::default(), &other).unwrap();
    assert_ne!(clv, one.0);
}

#[test]
fn draws_outside_the_parameter_space_are_redrawn_and_counted() {
    let (bg, _) = cdnow_fits();
    let mut wide = bg.clone();
    // Standard deviations equal to the parameters: each draw of a parameter is ≤ 0 with
    // probability Φ(−1) = 0.159, so about half of the 4-vectors are rejected.
    let theta = bg.model.parameters();
    let mut matrix = vec![vec![0.0; 4]; 4];
    for k in 0..4 {
        matrix[k][k] = theta[k] * theta[k];
    }
    wide.covariance = Ok(covariance(matrix.clone()));
    let options = BootstrapOptions {
        replicates: 1_000,
        ..BootstrapOptions::default()
    };
    let draws = ParameterDraws::from_fit(&wide, &options).unwrap();
    assert_eq!(draws.models.len(), 1_000);
    assert!(draws
        .models
        .iter()
        .all(|m| m.parameters().iter().all(|p| *p > 0.0)));
    // 1 − 0.841³⁴ = 1 − 0.5003 accepted: about 1,000 rejections for 1,000 draws kept.
    assert!((800..1_250).contains(&draws.rejected), "{}", draws.rejected);
    let h = &cdnow().0[..3];
    let i = probability_alive_bootstrap_intervals(&wide, h, &options).unwrap();
    assert_eq!(
        i[0].method,
        IntervalMethod::ParametricBootstrap {
            replicates: 1_000,
            rejected_draws: draws.rejected,
            seed: 42
        }
    );
    // Standard deviations 100 times the parameters: barely more than 1 in 16 draws is inside,
    // more rejections than the limit of 10 R + 100.
    for (k, row) in matrix.iter_mut().enumerate() {
        row[k] *= 1e4;
    }
    wide.covariance = Ok(covariance(matrix));
    assert!(matches!(
        ParameterDraws::from_fit(&wide, &options),
        Err(ClvError::TooManyRejectedDraws {
            replicates: 1_000,
            rejected: 10_100,
            ..
        })
    ));
}

#[test]
fn bad_level_replicates_and_missing_covariance_are_typed_errors() {
    let (h, z) = cdnow();
    let (bg, gg) = cdnow_fits();
    let clv = ClvOptions::default();
    for level in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        let options = BootstrapOptions {
            level,
            ..BootstrapOptions::default()
        };
        let is_level = |e: ClvError| matches!(e, ClvError::InvalidArgument { name: "level", .. });
        assert!(is_level(
            clv_bootstrap_intervals(bg, gg, h, z, &clv, &options).unwrap_err()
        ));
        assert!(is_level(
            clv_delta_interval(bg, gg, &h[0], &z[0], &clv, level).unwrap_err()
        ));
        assert!(is_level(
            probability_alive_at_delta_interval(bg, 4.0, &h[0], level).unwrap_err()
        ));
    }
    for replicates in [0, BootstrapOptions::MAX_REPLICATES + 1] {
        let options = BootstrapOptions {
            replicates,
            ..BootstrapOptions::default()
        };
        assert!(matches!(
            probability_alive_bootstrap_intervals(bg, h, &options),
            Err(ClvError::InvalidArgument { name: "replicates", value, .. }) if value == replicates as f64
        ));
    }
    let options = BootstrapOptions::default();
    let (mut no_bg, mut no_gg) = (bg.clone(), gg.clone());
    no_bg.covariance = Err(CovarianceUnavailable::ParameterAtBound);
    no_gg.covariance = Err(CovarianceUnavailable::NotPositiveDefinite);
    let purchase = ClvError::NoCovariance {
        model: "purchase model",
        reason: CovarianceUnavailable::ParameterAtBound,
    };
    let spend = ClvError::NoCovariance {
        model: "spend model",
        reason: CovarianceUnavailable::NotPositiveDefinite,
    };
    assert_eq!(
        clv_delta_interval(&no_bg, gg, &h[0], &z[0], &clv, 0.9),
        Err(purchase.clone())
    );
    assert_eq!(
        clv_delta_interval(bg, &no_gg, &h[0], &z[0], &clv, 0.9),
        Err(spend.clone())
    );
    assert_eq!(
        clv_bootstrap_intervals(&no_bg, gg, h, z, &clv, &options),
        Err(purchase)
    );
    assert_eq!(
        clv_bootstrap_intervals(bg, &no_gg, h, z, &clv, &options),
        Err(spend)
    );
    assert!(matches!(
        expected_spend_bootstrap_intervals(&no_gg, z, &options),
        Err(ClvError::NoCovariance {
            model: "spend model",
            ..
        })
    ));
    assert!(matches!(
        no_bg.probability_alive_interval(&h[0], 0.9),
        Err(ClvError::NoCovariance { model: "model", .. })
    ));
    // The batch's own checks: a bad t, and the position of a pair whose x differ.
    assert!(matches!(
        expected_purchases_bootstrap_intervals(bg, -1.0, h, &options),
        Err(ClvError::InvalidArgument { name: "t", .. })
    ));
    let mut mismatched = z.clone();
    mismatched[7] = SpendHistory::new(9.0, 10.0).unwrap();
    assert!(matches!(
        clv_bootstrap_intervals(bg, gg, h, &mismatched, &clv, &options),
        Err(ClvError::HistoryMismatch {
            position: Some(7),
            ..
        })
    ));
}

#[test]
fn named_delta_intervals_stay_in_their_ranges_and_agree_with_the_generic_one() {
    let (h, z) = cdnow();
    let (bg, gg) = cdnow_fits();
    let alive = probability_alive_at_delta_interval(bg, 13.0, &h[0], 0.95)
        .unwrap()
        .interval;
    let generic = delta_interval(bg, 0.95, |m| {
        customer_value::clv::AliveForecast::probability_alive_at(m, 13.0, &h[0])
    })
    .unwrap()
    .interval;
    assert_eq!(alive, generic.clamped(0.0, 1.0));
    let quiet = probability_no_purchase_delta_interval(bg, 13.0, &h[1], 0.95)
        .unwrap()
        .interval;
    assert!(0.0 <= quiet.lower && quiet.lower < quiet.estimate && quiet.upper <= 1.0);
    let spend = expected_spend_delta_interval(gg, &z[0], 0.95)
        .unwrap()
        .interval;
    // CDNOW ID 1's expected spend at the published Gamma-Gamma fit: 24.6586 (lifetimes).
    assert!((spend.estimate - 24.6586).abs() < 5e-4, "{spend:?}");
    assert!(spend.lower < spend.estimate && spend.estimate < spend.upper);
}

#[test]
fn customer_bootstrap_agrees_with_the_parametric_one_on_cdnow() {
    let (h, _) = cdnow();
    let (bg, _) = cdnow_fits();
    let options = BootstrapOptions {
        replicates: 100,
        level: 0.8,
        seed: 3,
    };
    let customers = &h[..6];
    let predict = |m: &BgNbd, range: std::ops::Range<usize>, out: &mut [f64]| {
        m.probability_alive_into(&customers[range], out)
    };
    let refits = customer_bootstrap(bg, h, &FitOptions::default(), 6, &options, predict).unwrap();
    let draws = probability_alive_bootstrap_intervals(bg, customers, &options).unwrap();
    for (k, (r, d)) in refits.iter().zip(&draws).enumerate() {
        assert!(matches!(
            r.method,
            IntervalMethod::CustomerBootstrap {
                replicates: 100,
                ..
            }
        ));
        let (r, d) = (r.interval, d.interval);
        assert_eq!(r.estimate, d.estimate);
        // R = 100 refits against R = 100 draws: each bound within 25% of the parametric
        // interval's width (measured: at most 19%, the second customer's upper bound; the Monte Carlo
        // error of a 10% quantile from 100 values alone is about 10% of the width).
        let tolerance = 0.25 * d.width();
        assert!(
            (r.lower - d.lower).abs() <= tolerance,
            "{k}: {r:?} vs {d:?}"
        );
        assert!(
            (r.upper - d.upper).abs() <= tolerance,
            "{k}: {r:?} vs {d:?}"
        );
    }
    // The refits do not depend on the thread count either.
    let small = BootstrapOptions {
        replicates: 8,
        ..options
    };
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| resampled_fits::<BgNbd>(h, &FitOptions::default(), &small).unwrap())
    };
    assert_eq!(run(1), run(2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Every bootstrap interval contains its estimate, probabilities stay in [0, 1] and CLV at 0
    /// or above, whatever the seed, level, replicates and customers.
    #[test]
    fn bootstrap_intervals_contain_their_estimate(
        seed in any::<u64>(), level in 0.01f64..0.999, replicates in 1usize..40,
        start in 0usize..2_300,
    ) {
        let (h, z) = cdnow();
        let (bg, gg) = cdnow_fits();
        let options = BootstrapOptions { replicates, level, seed };
        let (h, z) = (&h[start..start + 50], &z[start..start + 50]);
        let contains = |i: &PredictionInterval| {
            let i = i.interval;
            i.lower <= i.estimate && i.estimate <= i.upper && i.level == level
        };
        let alive = probability_alive_bootstrap_intervals(bg, h, &options).unwrap();
        prop_assert!(alive.iter().all(|i| contains(i) && 0.0 <= i.interval.lower && i.interval.upper <= 1.0));
        let clv = clv_bootstrap_intervals(bg, gg, h, z, &ClvOptions::default(), &options).unwrap();
        prop_assert!(clv.iter().all(|i| contains(i) && 0.0 <= i.interval.lower));
        for (i, history) in alive.iter().zip(h) {
            prop_assert_eq!(i.interval.estimate, bg.model.probability_alive(history).unwrap());
        }
    }
}
