//! Hostile input for every public entry point of `customer_value::satisfaction` and for
//! [`customer_value::Interval`]: extreme, subnormal and non-finite floats, extreme integers, wrong
//! lengths, and JSON that the constructors would refuse. Every call must return a value or a typed
//! error, never panic, and every `f64` in an `Ok` must be finite (issue 14).
//!
//! Exact values asserted here rest on scale invariance, checked against independent numbers: the
//! Kish effective sample size of weights (1, 3) is 16/10 = 1.6, Pearson's r of the six-pair example
//! of `Correlation` is 0.8285714285714285 (scipy.stats.pearsonr), the sample SD of (1, 2, 3, 4, 6) is
//! √3.7 = 1.9235384061671346 and its G1 is 0.590128656384365 (scipy.stats.skew, bias=False), and the
//! REFERENCE.md alpha of the five-respondent scale is 0.9174757281553397 (numpy). Multiplying
//! answers by a constant or weights by a constant leaves each of these unchanged (or scales them).

use customer_value::satisfaction::{
    by_segment, cronbach_alpha, effective_sample_size, wilson_interval, Ces, CesScale, Correlation,
    CorrelationMatrix, CorrelationMethod, Csat, CsatScale, Descriptive, Kano, KanoAnswer,
    KeyDrivers, MeanEstimate, Nps, Reliability, SatisfactionError,
};
use customer_value::Interval;
use ndarray::{array, Array2};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Extreme, subnormal and non-finite floats.
const HOSTILE: [f64; 17] = [
    0.0,
    -0.0,
    5e-324,
    -5e-324,
    f64::MIN_POSITIVE,
    1e-300,
    1.0,
    1e200,
    -1e200,
    1e308,
    -1e308,
    f64::MAX,
    -f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    -1.0,
];

/// Confidence levels, valid and not.
const LEVELS: [f64; 11] = [
    0.5,
    0.95,
    0.999_999_999_999_999_9,
    5e-324,
    1e-300,
    0.0,
    1.0,
    -0.0,
    f64::NAN,
    f64::INFINITY,
    -1.0,
];

fn finite(name: &str, value: f64) {
    assert!(value.is_finite(), "{name} = {value}");
}

fn finite_option(name: &str, value: Option<f64>) {
    if let Some(v) = value {
        finite(name, v);
    }
}

/// A finite interval that contains its estimate.
fn check_interval(name: &str, interval: &Interval) {
    for value in [
        interval.estimate,
        interval.lower,
        interval.upper,
        interval.level,
    ] {
        finite(name, value);
    }
    finite_option(name, interval.standard_error);
    assert!(
        interval.lower <= interval.estimate && interval.estimate <= interval.upper,
        "{name}: {interval:?}"
    );
}

/// Every level, valid or not: an error, or a finite interval containing its estimate.
fn check_levels(name: &str, interval: impl Fn(f64) -> Result<Interval, SatisfactionError>) {
    for level in LEVELS {
        if let Ok(i) = interval(level) {
            check_interval(name, &i);
        }
    }
}

fn probe_mean(mean: &MeanEstimate) {
    finite("mean", mean.mean());
    finite_option("mean SD", mean.standard_deviation());
    finite_option("mean SE", mean.standard_error());
    finite("mean ESS", mean.effective_sample_size());
    check_levels("t interval", |level| mean.t_interval(level));
}

fn probe_nps(nps: &Nps) {
    for (name, value) in [
        ("score", nps.score()),
        ("promoters", nps.promoters()),
        ("passives", nps.passives()),
        ("detractors", nps.detractors()),
        ("promoter share", nps.promoter_share()),
        ("passive share", nps.passive_share()),
        ("detractor share", nps.detractor_share()),
        ("variance", nps.variance()),
        ("standard error", nps.standard_error()),
        ("effective n", nps.effective_sample_size()),
    ] {
        finite(name, value);
    }
    check_levels("NPS Wald", |level| nps.wald_interval(level));
    check_levels("NPS adjusted Wald", |level| {
        nps.adjusted_wald_interval(level)
    });
    check_levels("NPS score", |level| nps.score_interval(level));
    let reference = Nps::from_counts(60, 25, 15).unwrap();
    for other in [nps, &reference] {
        if let Ok(test) = nps.difference(other) {
            for value in [test.difference, test.standard_error, test.z, test.p_value] {
                finite("NPS difference", value);
            }
            check_levels("NPS difference", |level| test.interval(level));
        }
    }
}

fn probe_csat(csat: &Csat) {
    finite("satisfied share", csat.satisfied_share());
    finite("CSAT ESS", csat.effective_sample_size());
    finite("CSAT mean", csat.mean());
    check_levels("satisfied", |level| csat.satisfied_interval(level));
    check_levels("CSAT mean", |level| csat.mean_interval(level));
    probe_mean(csat.mean_estimate());
    let reference = Csat::from_answers(&[5, 4, 1, 2], csat.scale()).unwrap();
    for other in [csat, &reference] {
        if let Ok(test) = csat.compare(other) {
            for value in [
                test.difference,
                test.pooled_share,
                test.standard_error,
                test.z,
                test.p_value,
            ] {
                finite("CSAT test", value);
            }
        }
    }
}

fn probe_ces(ces: &Ces) {
    finite("favourable", ces.favourable_share());
    finite("unfavourable", ces.unfavourable_share());
    finite("net", ces.net());
    finite("CES mean", ces.mean());
    check_levels("favourable", |level| ces.favourable_interval(level));
    check_levels("CES mean", |level| ces.mean_interval(level));
    probe_mean(ces.mean_estimate());
}

fn probe_descriptive(d: &Descriptive) {
    for (name, value) in [
        ("mean", d.mean()),
        ("minimum", d.minimum()),
        ("first quartile", d.first_quartile()),
        ("median", d.median()),
        ("third quartile", d.third_quartile()),
        ("maximum", d.maximum()),
        ("mode", d.mode()),
    ] {
        finite(name, value);
    }
    for (name, value) in [
        ("SD", d.standard_deviation()),
        ("SE", d.standard_error()),
        ("skewness", d.skewness()),
        ("kurtosis", d.excess_kurtosis()),
    ] {
        finite_option(name, value);
    }
    assert!(d.minimum() <= d.first_quartile() && d.first_quartile() <= d.median());
    assert!(d.median() <= d.third_quartile() && d.third_quartile() <= d.maximum());
    assert!(d.minimum() <= d.mean() && d.mean() <= d.maximum(), "{d:?}");
    for count in d.counts() {
        finite("count value", count.value);
    }
    probe_mean(&d.mean_estimate());
}

fn probe_correlation(c: &Correlation) {
    finite("coefficient", c.coefficient());
    finite("p-value", c.p_value());
    assert!((-1.0..=1.0).contains(&c.coefficient()) && (0.0..=1.0).contains(&c.p_value()));
    check_levels("Fisher z", |level| c.interval(level));
}

fn probe_matrix(m: &CorrelationMatrix) {
    for i in 0..m.items() {
        for j in 0..m.items() {
            finite("matrix coefficient", m.coefficient(i, j));
            finite("matrix p-value", m.p_value(i, j));
        }
    }
}

fn probe_drivers(k: &KeyDrivers) {
    finite("R²", k.r_squared());
    finite("mean importance", k.mean_importance());
    finite("mean performance", k.mean_performance());
    for d in k.drivers() {
        for value in [
            d.correlation,
            d.beta,
            d.relative_weight,
            d.relative_weight_share,
            d.performance,
        ] {
            finite("driver", value);
        }
        finite_option("Shapley", d.shapley);
        finite_option("Shapley share", d.shapley_share);
    }
}

fn probe_reliability(r: &Reliability) {
    finite("alpha", r.alpha);
    finite("standardised alpha", r.standardized_alpha);
    for item in &r.items {
        finite_option("alpha if deleted", item.alpha_if_deleted);
        finite_option("item-total", item.corrected_item_total);
    }
}

/// Weight vectors built around one hostile value.
fn weight_vectors(v: f64) -> Vec<Vec<f64>> {
    vec![
        vec![v; 3],
        vec![v, 1.0, 1.0],
        vec![1.0, v, 1.0],
        vec![v, f64::MAX, 5e-324],
        vec![v, 0.0, 0.0],
        vec![v; 2],
    ]
}

#[test]
fn effective_sample_size_of_hostile_weights() {
    for v in HOSTILE {
        for weights in weight_vectors(v) {
            if let Ok(n) = effective_sample_size(&weights) {
                finite("ESS", n);
                assert!(
                    n >= 1.0 - 1e-12 && n <= weights.len() as f64 + 1e-12,
                    "{weights:?}: {n}"
                );
            }
        }
    }
    // Kish's (Σw)²/Σw² does not depend on the weights' scale: (1, 3) gives 16/10.
    for unit in [5e-324, 1e-300, 1.0, 1e200, 1e307, f64::MAX / 4.0] {
        let n = effective_sample_size(&[unit, 3.0 * unit]).unwrap();
        assert!((n - 1.6).abs() < 1e-12, "unit {unit}: {n}");
        assert_eq!(effective_sample_size(&[unit; 4]).unwrap(), 4.0);
    }
    assert_eq!(effective_sample_size(&[f64::MAX; 3]).unwrap(), 3.0);
    assert_eq!(
        effective_sample_size(&[]),
        Err(SatisfactionError::EmptyInput)
    );
    // NaN ≠ NaN, so match the variant and position.
    assert!(matches!(
        effective_sample_size(&[1.0, f64::NAN]),
        Err(SatisfactionError::InvalidWeight { position: 1, value }) if value.is_nan()
    ));
    assert_eq!(
        effective_sample_size(&[0.0, -0.0]),
        Err(SatisfactionError::ZeroTotalWeight)
    );
}

#[test]
fn wilson_interval_on_hostile_counts() {
    for successes in HOSTILE {
        for total in HOSTILE {
            check_levels("Wilson", |level| wilson_interval(successes, total, level));
            if let Ok(i) = wilson_interval(successes, total, 0.95) {
                assert!(
                    i.lower >= 0.0 && i.upper <= 1.0,
                    "{successes}/{total}: {i:?}"
                );
            }
        }
    }
    // All of a vanishing total: n → 0 gives the whole of [0, 1].
    let tiny = wilson_interval(5e-324, 5e-324, 0.95).unwrap();
    assert_eq!((tiny.estimate, tiny.lower, tiny.upper), (1.0, 0.0, 1.0));
    // 80 % of an astronomically large total: the interval shrinks to the share.
    let huge = wilson_interval(0.8 * f64::MAX, f64::MAX, 0.95).unwrap();
    assert!((huge.lower - 0.8).abs() < 1e-12 && (huge.upper - 0.8).abs() < 1e-12);
    // REFERENCE.md's 80 of 100 is unchanged by the rewrite: [0.7112, 0.8666].
    let reference = wilson_interval(80.0, 100.0, 0.95).unwrap();
    assert!((reference.lower - 0.7112).abs() < 1e-4 && (reference.upper - 0.8666).abs() < 1e-4);
    // A level a hair below 1 has a finite critical value (z ≈ 8.29 for 1 − 1.1e-16).
    let near_one = wilson_interval(50.0, 100.0, 0.999_999_999_999_999_9).unwrap();
    assert!(near_one.lower > 0.0 && near_one.upper < 1.0);
}

#[test]
fn nps_from_hostile_answers_and_counts() {
    for answers in [
        vec![],
        vec![11],
        vec![255],
        (0..=10).collect::<Vec<u8>>(),
        vec![10; 100_000],
    ] {
        if let Ok(nps) = Nps::from_answers(&answers) {
            probe_nps(&nps);
        }
    }
    for (p, n, d) in [
        (u64::MAX, 0, 0),
        (0, u64::MAX, 0),
        (0, 0, u64::MAX),
        (u64::MAX - 1, 1, 0),
        (1, 1, 1),
        (u64::MAX / 3, u64::MAX / 3, u64::MAX / 3),
    ] {
        probe_nps(&Nps::from_counts(p, n, d).unwrap());
    }
    assert_eq!(Nps::from_counts(u64::MAX, 0, 0).unwrap().score(), 100.0);
    for (p, n, d) in [
        (u64::MAX, 1, 0),
        (1, u64::MAX, 1),
        (u64::MAX, u64::MAX, u64::MAX),
    ] {
        assert!(
            matches!(
                Nps::from_counts(p, n, d),
                Err(SatisfactionError::InvalidParameter {
                    name: "promoters + passives + detractors",
                    ..
                })
            ),
            "{p} {n} {d}"
        );
    }
    assert_eq!(
        Nps::from_counts(0, 0, 0),
        Err(SatisfactionError::EmptyInput)
    );
}

#[test]
fn nps_with_hostile_weights() {
    let answers = [10u8, 8, 3];
    for v in HOSTILE {
        for weights in weight_vectors(v) {
            let answers = &answers[..weights.len().min(3)];
            if let Ok(nps) = Nps::from_weighted_answers(answers, &weights) {
                probe_nps(&nps);
            }
        }
    }
    // Equal weights of any size: one of each, score 0, three effective respondents.
    for unit in [5e-324, 1e-300, 1e200, 1e307] {
        let nps = Nps::from_weighted_answers(&answers, &[unit; 3]).unwrap();
        assert_eq!(nps.score(), 0.0);
        assert!((nps.effective_sample_size() - 3.0).abs() < 1e-12);
        assert!((nps.promoters() - unit).abs() <= unit * 1e-12);
    }
    // A subnormal weight next to ordinary ones carries no weight but still counts as a respondent.
    let nps = Nps::from_weighted_answers(&[10, 0, 0], &[5e-324, 1.0, 1.0]).unwrap();
    assert_eq!(nps.score(), -100.0);
    assert_eq!(nps.respondents(), 3);
    // Weights whose total exceeds f64::MAX: the weighted counts cannot be reported.
    assert_eq!(
        Nps::from_weighted_answers(&answers, &[1e308; 3]),
        Err(SatisfactionError::Overflow {
            quantity: "the total respondent weight",
            largest: 1e308
        })
    );
    for (answers, weights, found) in [
        (&[10u8, 9][..], &[1.0][..], 1),
        (&[10u8][..], &[1.0, 1.0][..], 2),
    ] {
        assert_eq!(
            Nps::from_weighted_answers(answers, weights),
            Err(SatisfactionError::LengthMismatch {
                name: "weights",
                expected: answers.len(),
                found
            })
        );
    }
}

#[test]
fn csat_and_ces_with_hostile_weights() {
    for points in [0u8, 1, 2, 5, 11, 12, 255] {
        for from in [0u8, 1, 2, 5, 11, 12, 255] {
            let valid = (2..=11).contains(&points) && (2..=points).contains(&from);
            assert_eq!(
                CsatScale::new(points, from).is_ok(),
                valid,
                "{points} {from}"
            );
        }
    }
    let five = CsatScale::five_point();
    for v in HOSTILE {
        for weights in weight_vectors(v) {
            let answers = &[5u8, 3, 1][..weights.len().min(3)];
            if let Ok(csat) = Csat::from_weighted_answers(answers, &weights, five) {
                probe_csat(&csat);
            }
            for scale in [CesScale::Agreement7, CesScale::Effort5] {
                if let Ok(ces) = Ces::from_weighted_answers(answers, &weights, scale) {
                    probe_ces(&ces);
                }
            }
        }
    }
    // The doctests' weights (3, 1) at any scale: 75 % satisfied, mean 4.
    for unit in [5e-324, 1e-300, 1e200, f64::MAX / 4.0] {
        let csat = Csat::from_weighted_answers(&[5, 1], &[3.0 * unit, unit], five).unwrap();
        assert_eq!(csat.satisfied_share(), 0.75);
        assert!((csat.mean() - 4.0).abs() < 1e-12);
        assert!((csat.effective_sample_size() - 1.6).abs() < 1e-12);
        let ces =
            Ces::from_weighted_answers(&[1, 5], &[unit, 3.0 * unit], CesScale::Effort5).unwrap();
        assert_eq!(ces.favourable_share(), 0.25);
        assert!((ces.mean() - 4.0).abs() < 1e-12);
    }
    // Weights summing past f64::MAX still give shares: only ratios matter.
    let csat = Csat::from_weighted_answers(&[5, 1], &[f64::MAX, f64::MAX], five).unwrap();
    assert_eq!(csat.satisfied_share(), 0.5);
    assert_eq!(csat.mean(), 3.0);
    probe_csat(&csat);
    for answers in [vec![], vec![0], vec![255], vec![5; 100_000]] {
        if let Ok(csat) = Csat::from_answers(&answers, five) {
            probe_csat(&csat);
        }
        if let Ok(ces) = Ces::from_answers(&answers, CesScale::Effort5) {
            probe_ces(&ces);
        }
    }
}

#[test]
fn descriptive_statistics_of_extreme_answers() {
    for v in HOSTILE {
        for answers in [
            vec![v],
            vec![v, v],
            vec![v, -v],
            vec![v, 1.0, 2.0, 3.0],
            vec![v, 5e-324, f64::MAX, -f64::MAX],
            vec![v, f64::NAN],
        ] {
            if let Ok(d) = Descriptive::of(&answers) {
                probe_descriptive(&d);
            }
        }
    }
    // [1e308, 1e308] and [f64::MAX; 3]: the mean is the answer, no spread.
    for value in [1e308, f64::MAX, -f64::MAX, 5e-324] {
        let d = Descriptive::of(&[value; 3]).unwrap();
        assert_eq!(
            (d.mean(), d.median(), d.standard_deviation()),
            (value, value, Some(0.0))
        );
    }
    // (1, 2, 3, 4, 6) at any scale: SD √3.7 · scale, G1 0.590128656384365.
    for unit in [5e-324, 1e-300, 1e200, 1e307] {
        let answers: Vec<f64> = [1.0, 2.0, 3.0, 4.0, 6.0].iter().map(|x| x * unit).collect();
        let d = Descriptive::of(&answers).unwrap();
        assert!(
            (d.skewness().unwrap() - 0.590128656384365).abs() < 1e-12,
            "{unit}"
        );
        if unit > 1e-300 {
            let sd = d.standard_deviation().unwrap();
            assert!(
                (sd / unit - 1.9235384061671346).abs() < 1e-12,
                "{unit}: {sd}"
            );
            assert!((d.mean() / unit - 3.2).abs() < 1e-12);
        }
    }
    // ±f64::MAX: the mean is 0 but the SD (√2 · 1.8e308) is beyond f64.
    assert_eq!(
        Descriptive::of(&[f64::MAX, -f64::MAX]),
        Err(SatisfactionError::Overflow {
            quantity: "the standard deviation",
            largest: f64::MAX
        })
    );
    // ±1e308 is fine: SD √2 · 1e308.
    let wide = Descriptive::of(&[1e308, -1e308]).unwrap();
    assert!((wide.standard_deviation().unwrap() / 1e308 - 2f64.sqrt()).abs() < 1e-12);
    assert_eq!(wide.mean(), 0.0);
}

#[test]
fn weighted_means_of_extreme_answers_and_weights() {
    for a in HOSTILE {
        for w in HOSTILE {
            for (answers, weights) in [
                (vec![a, 1.0, 2.0], vec![w, 1.0, 1.0]),
                (vec![a, a], vec![w, w]),
                (vec![a, -a, 1.0], vec![w, 1.0, w]),
            ] {
                if let Ok(mean) = Descriptive::weighted_mean(&answers, &weights) {
                    probe_mean(&mean);
                }
            }
        }
    }
    // 1 and 5 weighted 3 : 1 give 2, at any answer and weight scale.
    for unit in [1e-300, 1.0, 1e200, 1e307] {
        for weight in [5e-324, 1.0, 1e300] {
            let mean =
                Descriptive::weighted_mean(&[unit, 5.0 * unit], &[3.0 * weight, weight]).unwrap();
            assert!((mean.mean() / unit - 2.0).abs() < 1e-12, "{unit} {weight}");
            assert!((mean.effective_sample_size() - 1.6).abs() < 1e-12);
        }
    }
    assert_eq!(
        Descriptive::weighted_mean(&[f64::MAX, -f64::MAX], &[1.0, 1.0]),
        Err(SatisfactionError::Overflow {
            quantity: "the standard deviation",
            largest: f64::MAX
        })
    );
    // The t interval of ±1e308 would reach past f64::MAX: a typed error, not ±∞.
    let wide = Descriptive::weighted_mean(&[1e308, -1e308], &[1.0, 1.0]).unwrap();
    assert!(matches!(
        wide.t_interval(0.95),
        Err(SatisfactionError::Overflow { .. })
    ));
}

#[test]
fn t_intervals_for_huge_and_nearly_single_samples() {
    // Ten million answers, half 1 and half 5: scipy.stats.t.interval(0.95, n − 1, loc=3,
    // scale=√(4n/(n − 1))/√n) = (2.9987604097233755, 3.0012395902766245). statrs' own t quantile
    // gave 1.8266 for t_{0.975, 10⁷} (true 1.95996), an interval 7 % too narrow.
    let mut answers = vec![1u8; 5_000_000];
    answers.extend(vec![5u8; 5_000_000]);
    let csat = Csat::from_answers(&answers, CsatScale::five_point()).unwrap();
    let interval = csat.mean_interval(0.95).unwrap();
    assert!(
        (interval.lower - 2.9987604097233755).abs() < 1e-12,
        "{interval:?}"
    );
    assert!(
        (interval.upper - 3.0012395902766245).abs() < 1e-12,
        "{interval:?}"
    );
    // One dominant weight: n_eff = 1 + 2e-9, so t has 2e-9 degrees of freedom and is beyond f64.
    let nearly_one = Descriptive::weighted_mean(&[1.0, 2.0], &[1.0, 1e-9]).unwrap();
    assert!(matches!(
        nearly_one.t_interval(0.95),
        Err(SatisfactionError::InvalidParameter {
            name: "effective sample size",
            ..
        })
    ));
    // On a bounded scale the same interval is the whole scale.
    let bounded =
        Csat::from_weighted_answers(&[1, 2], &[1.0, 1e-9], CsatScale::five_point()).unwrap();
    let whole = bounded.mean_interval(0.95).unwrap();
    assert_eq!((whole.lower, whole.upper), (1.0, 5.0));
}

#[test]
fn correlations_of_extreme_answers() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0];
    // scipy.stats.pearsonr(x, y) = (0.8285714285714285, 0.04156268221574347), at any scale.
    for unit in [5e-324, 1e-300, 1e200, 1e307, -1e307, f64::MAX / 8.0] {
        let scaled = |v: &[f64]| v.iter().map(|a| a * unit).collect::<Vec<f64>>();
        let r = Correlation::pearson(&scaled(&x), &scaled(&y)).unwrap();
        assert!(
            (r.coefficient() - 0.8285714285714285).abs() < 1e-12,
            "{unit}"
        );
        assert!((r.p_value() - 0.04156268221574347).abs() < 1e-9, "{unit}");
        probe_correlation(&r);
        let rho = Correlation::spearman(&scaled(&x), &scaled(&y)).unwrap();
        assert!((rho.coefficient() - 0.8285714285714285).abs() < 1e-12);
    }
    for v in HOSTILE {
        for (a, b) in [
            (vec![v, 2.0, 3.0, 4.0, 5.0], vec![1.0, 2.0, 3.0, 5.0, 4.0]),
            (vec![v, -v, v, -v, 0.0], vec![1.0, 2.0, 3.0, 5.0, 4.0]),
            (vec![v, -v, v, -v, 1.0], vec![v, v, -v, -v, 1.0]),
            (
                vec![1e308, -1e308, 1e308, 5e-324],
                vec![f64::MAX, -f64::MAX, 0.0, v],
            ),
        ] {
            for method in [CorrelationMethod::Pearson, CorrelationMethod::Spearman] {
                if let Ok(c) = Correlation::compute(&a, &b, method) {
                    probe_correlation(&c);
                }
            }
        }
        let data = array![
            [v, 1.0, 2.0],
            [-v, 2.0, 1.0],
            [1e308, 3.0, 5.0],
            [-f64::MAX, 5e-324, 4.0],
            [0.0, 1e200, 3.0]
        ];
        for method in [CorrelationMethod::Pearson, CorrelationMethod::Spearman] {
            if let Ok(m) = Correlation::matrix(data.view(), method) {
                probe_matrix(&m);
            }
        }
    }
    assert!(matches!(
        Correlation::pearson(&[1.0, 2.0], &[1.0]),
        Err(SatisfactionError::LengthMismatch {
            name: "y",
            expected: 2,
            found: 1
        })
    ));
}

fn reference_items() -> Array2<f64> {
    array![
        [4.0, 5.0, 4.0],
        [3.0, 3.0, 2.0],
        [5.0, 5.0, 5.0],
        [2.0, 3.0, 3.0],
        [4.0, 4.0, 5.0]
    ]
}

#[test]
fn cronbach_alpha_of_extreme_answers() {
    // REFERENCE.md's alpha 0.9174757281553397 is unchanged when every answer is scaled.
    for unit in [5e-324, 1e-300, 1e200, 1e307, f64::MAX / 8.0] {
        let items = reference_items().mapv(|a| a * unit);
        let r = cronbach_alpha(items.view()).unwrap();
        assert!(
            (r.alpha - 0.9174757281553397).abs() < 1e-12,
            "{unit}: {}",
            r.alpha
        );
        assert!((r.standardized_alpha - 0.9256682961277355).abs() < 1e-12);
        probe_reliability(&r);
    }
    // Found by the fuzzer: r(x, y) = r(x, z) = r(y, z) = −1/2, so the standardised items sum to a
    // constant and standardised alpha has its pole (it was −∞).
    let pole = array![[1.0, 0.0, -3.0], [-1.0, 1.0, 0.0], [0.0, -1.0, 3.0]];
    assert_eq!(
        cronbach_alpha(pole.view()),
        Err(SatisfactionError::ZeroVariance {
            name: "standardised total score".to_string()
        })
    );
    for v in HOSTILE {
        for (row, column) in [(0, 0), (2, 1), (4, 2)] {
            let mut items = reference_items();
            items[[row, column]] = v;
            if let Ok(r) = cronbach_alpha(items.view()) {
                probe_reliability(&r);
            }
            let mut wide = reference_items().mapv(|a| if a > 3.0 { f64::MAX } else { -f64::MAX });
            wide[[row, column]] = v;
            if let Ok(r) = cronbach_alpha(wide.view()) {
                probe_reliability(&r);
            }
        }
    }
}

/// 8 respondents, 2 drivers and an overall score.
fn small_survey() -> (Vec<f64>, Array2<f64>) {
    let drivers = array![
        [1.0, 2.0],
        [2.0, 1.0],
        [3.0, 4.0],
        [4.0, 3.0],
        [5.0, 5.0],
        [2.0, 2.0],
        [4.0, 1.0],
        [1.0, 5.0]
    ];
    (vec![1.5, 1.6, 3.4, 3.6, 5.0, 2.1, 3.0, 2.5], drivers)
}

#[test]
fn key_drivers_of_extreme_answers() {
    let (overall, drivers) = small_survey();
    let plain = KeyDrivers::analyse(&overall, drivers.view()).unwrap();
    // Correlations, weights and shares do not depend on the scale of the answers. The drivers are
    // small integers, exact even as multiples of 5e-324; the overall score is kept normal.
    for unit in [5e-324, 1e-300, 1e200, 1e307, -1e307_f64] {
        let overall_unit = 3.0 * unit.abs().max(1e-300);
        let scaled_overall: Vec<f64> = overall.iter().map(|a| a * overall_unit).collect();
        let scaled = drivers.mapv(|a| a * unit);
        let k = KeyDrivers::analyse(&scaled_overall, scaled.view()).unwrap();
        probe_drivers(&k);
        assert!((k.r_squared() - plain.r_squared()).abs() < 1e-12, "{unit}");
        for (d, p) in k.drivers().iter().zip(plain.drivers()) {
            assert!((d.relative_weight - p.relative_weight).abs() < 1e-12);
        }
    }
    for v in HOSTILE {
        for (row, column) in [(0, 0), (3, 1), (7, 2)] {
            let mut overall = overall.clone();
            let mut drivers = drivers.clone();
            if column == 2 {
                overall[row] = v;
            } else {
                drivers[[row, column]] = v;
            }
            if let Ok(k) = KeyDrivers::analyse(&overall, drivers.view()) {
                probe_drivers(&k);
            }
        }
        let rxx = [vec![1.0, v], vec![v, 1.0]];
        if let Ok(k) = KeyDrivers::from_correlations(&rxx, &[0.5, v], &[v, v]) {
            probe_drivers(&k);
        }
        if let Ok(k) =
            KeyDrivers::from_correlations(&[vec![1.0, 0.3], vec![0.3, 1.0]], &[0.5, 0.2], &[v, v])
        {
            probe_drivers(&k);
            assert_eq!(k.mean_performance(), v);
        }
    }
    assert!(matches!(
        KeyDrivers::analyse(&overall[..3], drivers.view()),
        Err(SatisfactionError::LengthMismatch {
            name: "overall",
            expected: 8,
            found: 3
        })
    ));
}

#[test]
fn identical_driver_columns_are_named_as_collinear() {
    let (overall, drivers) = small_survey();
    let twin = Array2::from_shape_fn((8, 3), |(i, j)| drivers[[i, j.min(1)]]);
    assert_eq!(
        KeyDrivers::analyse(&overall, twin.view()),
        Err(SatisfactionError::SingularDrivers {
            drivers: vec![1, 2]
        })
    );
    let message = KeyDrivers::analyse(&overall, twin.view())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("collinear") && message.contains("1, 2"),
        "{message}"
    );
    // A scaled copy is just as collinear, and so is a twin at 1e300.
    let scaled = Array2::from_shape_fn((8, 2), |(i, j)| {
        drivers[[i, 0]] * if j == 0 { 1.0 } else { 1e300 }
    });
    assert_eq!(
        KeyDrivers::analyse(&overall, scaled.view()),
        Err(SatisfactionError::SingularDrivers {
            drivers: vec![0, 1]
        })
    );
    // Driver 2 = driver 0 + driver 1 among four drivers: the three are named, driver 3 is not.
    let combined = Array2::from_shape_fn((8, 4), |(i, j)| match j {
        2 => drivers[[i, 0]] + drivers[[i, 1]],
        3 => ((i * 7) % 5) as f64,
        _ => drivers[[i, j]],
    });
    assert_eq!(
        KeyDrivers::analyse(&overall, combined.view()),
        Err(SatisfactionError::SingularDrivers {
            drivers: vec![0, 1, 2]
        })
    );
}

#[test]
fn kano_and_segments_on_hostile_input() {
    for pairs in [
        vec![],
        vec![(0u8, 0u8)],
        vec![(255, 255)],
        vec![(6, 1)],
        vec![(1, 5); 100_000],
    ] {
        if let Ok(kano) = Kano::from_codes(&pairs) {
            finite_option("better", kano.better());
            finite_option("worse", kano.worse());
            assert_eq!(kano.respondents(), pairs.len());
        }
    }
    assert!(matches!(
        KanoAnswer::from_code(255, usize::MAX),
        Err(SatisfactionError::OutOfScale {
            position: usize::MAX,
            ..
        })
    ));
    let rows = Nps::by_segment(&[10, 0, 9], Some(&[1e200, 5e-324, 1.0]), &["a", "b", "a"]).unwrap();
    assert_eq!(rows[0].statistic.score(), 100.0);
    assert_eq!(rows[1].statistic.score(), -100.0);
    assert_eq!(rows[1].statistic.effective_sample_size(), 1.0);
    for row in &rows {
        probe_nps(&row.statistic);
    }
    assert!(matches!(
        by_segment(&[1.0, 2.0], None, &['a'], |a, _| Descriptive::of(a)),
        Err(SatisfactionError::LengthMismatch { name: "labels", .. })
    ));
    for v in HOSTILE {
        let answers = [v, 1.0, -v, f64::MAX];
        if let Ok(rows) = Descriptive::by_segment(&answers, &[1, 2, 1, 2]) {
            for row in &rows {
                probe_descriptive(&row.statistic);
            }
        }
        for weights in weight_vectors(v) {
            let n = weights.len();
            let labels: Vec<usize> = (0..n).map(|i| i % 2).collect();
            if let Ok(rows) =
                Csat::by_segment(&vec![5; n], Some(&weights), &labels, CsatScale::default())
            {
                for row in &rows {
                    probe_csat(&row.statistic);
                }
            }
        }
    }
}

#[test]
fn interval_clamping_never_panics() {
    let interval = Interval::from_standard_error(0.9, 0.1, 2.0, 0.95);
    assert_eq!(interval.clamped(1.0, 0.0), interval);
    for (min, max) in [
        (f64::NAN, 1.0),
        (0.0, f64::NAN),
        (f64::NAN, f64::NAN),
        (f64::INFINITY, 0.0),
    ] {
        assert_eq!(interval.clamped(min, max), interval);
    }
    let clipped = interval.clamped(0.0, 1.0);
    assert_eq!(
        (clipped.lower, clipped.estimate, clipped.upper),
        (0.7, 0.9, 1.0)
    );
    // A NaN estimate or bound is clipped onto the range, never passed through.
    let nan = Interval::new(f64::NAN, f64::NAN, f64::NAN, 0.95).clamped(0.0, 1.0);
    assert_eq!((nan.lower, nan.estimate, nan.upper), (0.0, 0.0, 0.0));
    let whole = Interval::new(0.0, -f64::MAX, f64::MAX, 0.95).clamped(-1.0, 1.0);
    assert_eq!((whole.lower, whole.upper), (-1.0, 1.0));
}

/// Serialises a valid value, changes one field and reads it back.
fn tampered<T: serde::Serialize>(value: &T, change: impl FnOnce(&mut Value)) -> String {
    let mut json = serde_json::to_value(value).unwrap();
    change(&mut json);
    json.to_string()
}

fn refused<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) {
    let read = serde_json::from_str::<T>(json);
    assert!(read.is_err(), "accepted {json}: {read:?}");
}

#[test]
fn deserialization_validates_like_the_constructors() {
    let nps = Nps::from_counts(60, 25, 15).unwrap();
    assert_eq!(
        serde_json::from_str::<Nps>(&serde_json::to_string(&nps).unwrap()).unwrap(),
        nps
    );
    for change in [
        json!({"promoters": -1.0}),
        json!({"effective_n": 0.0}),
        json!({"effective_n": 0.5}),
        json!({"promoters": 0.0, "passives": 0.0, "detractors": 0.0}),
        json!({"respondents": 0}),
        json!({"promoters": 1e308, "passives": 1e308}),
    ] {
        refused::<Nps>(&tampered(&nps, |j| merge(j, &change)));
    }

    for change in [
        json!({"points": 0}),
        json!({"points": 5, "satisfied_from": 9}),
        json!({"points": 255}),
    ] {
        refused::<CsatScale>(&tampered(&CsatScale::five_point(), |j| merge(j, &change)));
    }
    let csat = Csat::from_answers(&[5, 4, 1, 2], CsatScale::five_point()).unwrap();
    assert_eq!(
        serde_json::from_str::<Csat>(&serde_json::to_string(&csat).unwrap()).unwrap(),
        csat
    );
    for change in [
        json!({"total": 0.0}),
        json!({"satisfied": 5.0, "total": 1.0}),
        json!({"effective_n": 0.0}),
        json!({"scale": {"points": 1, "satisfied_from": 1}}),
        json!({"mean": {"respondents": 0}}),
        json!({"mean": {"mean": 9.0}}),
    ] {
        refused::<Csat>(&tampered(&csat, |j| merge(j, &change)));
    }

    let mean = *csat.mean_estimate();
    assert_eq!(
        serde_json::from_str::<MeanEstimate>(&serde_json::to_string(&mean).unwrap()).unwrap(),
        mean
    );
    for change in [
        json!({"respondents": 0}),
        json!({"effective_n": 0.0}),
        json!({"effective_n": 1e300}),
        json!({"standard_deviation": -1.0}),
        json!({"lower_bound": 6.0}),
        json!({"mean": 1e308}),
    ] {
        refused::<MeanEstimate>(&tampered(&mean, |j| merge(j, &change)));
    }

    // An unbounded mean is written with null bounds (JSON has no ∞) and read back unbounded.
    let unbounded = Descriptive::weighted_mean(&[1.0, 5.0, 2.0], &[3.0, 1.0, 1.0]).unwrap();
    let json = serde_json::to_string(&unbounded).unwrap();
    assert!(json.contains(r#""lower_bound":null"#), "{json}");
    assert_eq!(
        serde_json::from_str::<MeanEstimate>(&json).unwrap(),
        unbounded
    );

    let ces = Ces::from_answers(&[1, 2, 5], CesScale::Effort5).unwrap();
    assert_eq!(
        serde_json::from_str::<Ces>(&serde_json::to_string(&ces).unwrap()).unwrap(),
        ces
    );
    for change in [
        json!({"favourable": -1.0}),
        json!({"total": 0.0}),
        json!({"favourable": 3.0, "unfavourable": 3.0}),
    ] {
        refused::<Ces>(&tampered(&ces, |j| merge(j, &change)));
    }

    let descriptive = Descriptive::of(&[1.0, 2.0, 2.0, 5.0]).unwrap();
    assert_eq!(
        serde_json::from_str::<Descriptive>(&serde_json::to_string(&descriptive).unwrap()).unwrap(),
        descriptive
    );
    for change in [
        json!({"respondents": 0}),
        json!({"minimum": 9.0}),
        json!({"mean": 1e308}),
        json!({"standard_deviation": -1.0}),
        json!({"counts": []}),
        json!({"respondents": 1}),
    ] {
        refused::<Descriptive>(&tampered(&descriptive, |j| merge(j, &change)));
    }

    let r = Correlation::pearson(&[1.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 4.0, 3.0]).unwrap();
    assert_eq!(
        serde_json::from_str::<Correlation>(&serde_json::to_string(&r).unwrap()).unwrap(),
        r
    );
    for change in [
        json!({"coefficient": 2.0}),
        json!({"p_value": -0.5}),
        json!({"respondents": 2}),
    ] {
        refused::<Correlation>(&tampered(&r, |j| merge(j, &change)));
    }
    let matrix = Correlation::matrix(reference_items().view(), CorrelationMethod::Pearson).unwrap();
    for change in [
        json!({"coefficients": [[1.0, 0.5], [0.5, 1.0]]}),
        json!({"coefficients": [[1.0, 3.0, 0.0], [3.0, 1.0, 0.0], [0.0, 0.0, 1.0]]}),
        json!({"p_values": [[0.0]]}),
    ] {
        refused::<CorrelationMatrix>(&tampered(&matrix, |j| merge(j, &change)));
    }

    let (overall, drivers) = small_survey();
    let k = KeyDrivers::analyse(&overall, drivers.view()).unwrap();
    assert_eq!(
        serde_json::from_str::<KeyDrivers>(&serde_json::to_string(&k).unwrap()).unwrap(),
        k
    );
    for change in [
        json!({"r_squared": 0.0}),
        json!({"r_squared": 2.0}),
        json!({"drivers": []}),
        json!({"mean_importance": 0.0}),
    ] {
        refused::<KeyDrivers>(&tampered(&k, |j| merge(j, &change)));
    }

    let kano = Kano::from_codes(&[(1, 5), (3, 3)]).unwrap();
    assert_eq!(
        serde_json::from_str::<Kano>(&serde_json::to_string(&kano).unwrap()).unwrap(),
        kano
    );
    for counts in [
        json!([usize::MAX, 1, 0, 0, 0, 0]),
        json!([0, 0, 0, 0, 0, 0]),
    ] {
        refused::<Kano>(&tampered(&kano, |j| j["counts"] = counts.clone()));
    }
}

/// Overwrites (recursively) the fields of `target` named in `change`.
fn merge(target: &mut Value, change: &Value) {
    match (target, change) {
        (Value::Object(t), Value::Object(c)) => {
            for (key, value) in c {
                match t.get_mut(key) {
                    Some(existing) if value.is_object() => merge(existing, value),
                    _ => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (t, c) => *t = c.clone(),
    }
}

/// Finite non-negative weights, subnormal to f64::MAX.
fn any_weight() -> impl Strategy<Value = f64> {
    prop::num::f64::POSITIVE | prop::num::f64::ZERO | prop::num::f64::SUBNORMAL
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn descriptive_of_any_floats(answers in prop::collection::vec(prop::num::f64::ANY, 0..12)) {
        if let Ok(d) = Descriptive::of(&answers) {
            probe_descriptive(&d);
        }
    }

    #[test]
    fn weighted_survey_statistics_of_any_weights(
        weighted in prop::collection::vec((0u8..=10, any_weight()), 1..12),
        level in prop::num::f64::ANY,
    ) {
        let (answers, weights): (Vec<u8>, Vec<f64>) = weighted.into_iter().unzip();
        if let Ok(n) = effective_sample_size(&weights) {
            finite("ESS", n);
        }
        if let Ok(nps) = Nps::from_weighted_answers(&answers, &weights) {
            probe_nps(&nps);
        }
        let five: Vec<u8> = answers.iter().map(|a| 1 + a % 5).collect();
        if let Ok(csat) = Csat::from_weighted_answers(&five, &weights, CsatScale::five_point()) {
            probe_csat(&csat);
        }
        if let Ok(ces) = Ces::from_weighted_answers(&five, &weights, CesScale::Effort5) {
            probe_ces(&ces);
        }
        let numeric: Vec<f64> = answers.iter().map(|&a| f64::from(a)).collect();
        if let Ok(mean) = Descriptive::weighted_mean(&numeric, &weights) {
            probe_mean(&mean);
        }
        if let Ok(i) = wilson_interval(weights[0], weights.iter().sum(), level) {
            check_interval("Wilson", &i);
        }
    }

    #[test]
    fn correlations_of_any_floats(
        pairs in prop::collection::vec((prop::num::f64::ANY, prop::num::f64::ANY), 0..10),
    ) {
        let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        for method in [CorrelationMethod::Pearson, CorrelationMethod::Spearman] {
            if let Ok(c) = Correlation::compute(&x, &y, method) {
                probe_correlation(&c);
            }
        }
    }

    #[test]
    fn scales_and_drivers_of_any_floats(values in prop::collection::vec(prop::num::f64::ANY, 18)) {
        let data = Array2::from_shape_vec((6, 3), values).unwrap();
        if let Ok(r) = cronbach_alpha(data.view()) {
            probe_reliability(&r);
        }
        let overall: Vec<f64> = data.column(2).to_vec();
        if let Ok(k) = KeyDrivers::analyse(&overall, data.slice(ndarray::s![.., ..2])) {
            probe_drivers(&k);
        }
        if let Ok(m) = Correlation::matrix(data.view(), CorrelationMethod::Pearson) {
            probe_matrix(&m);
        }
    }
}
