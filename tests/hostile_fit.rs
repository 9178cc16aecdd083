//! Hostile input for the fit engine and the continuous-time purchase models (BG/NBD, MBG/NBD,
//! Pareto/NBD): every corner of the parameter range, extreme times and counts, starting values of
//! any size and length, data that push a parameter to the edge of the range, and JSON that the
//! constructors refuse.
//!
//! Every case returns a typed error or an `Ok` whose every f64 is finite (probabilities in
//! [0, 1]), without a panic; each test ends in well under a second in the test profile.

use customer_value::clv::{
    simulate_pareto_nbd, BgNbd, ClvError, CovarianceUnavailable, FitData, FitOptions, FitWarning,
    MaximumLikelihood, ModelFit, ModifiedBgNbd, Nbd, ParetoNbd, PurchaseModel, RepeatHistory,
    MAX_PARAMETER, MIN_PARAMETER,
};
use proptest::prelude::*;
use serde::Deserialize;

#[path = "common/finite.rs"]
mod finite;
use finite::{assert_finite, check};

/// Horizons from 0 to f64::MAX.
const TIMES: [f64; 10] = [
    0.0,
    5e-324,
    1e-300,
    1e-5,
    0.5,
    39.0,
    1e4,
    1e12,
    1e308,
    f64::MAX,
];

/// The largest value of a history.
const MAX: f64 = RepeatHistory::MAX_VALUE;

fn histories() -> Vec<RepeatHistory> {
    [
        (0.0, 0.0, 0.0),
        (0.0, 0.0, 38.86),
        (2.0, 30.43, 38.86),
        (0.0, 0.0, 5e-324),
        (1.0, 5e-324, 1e-300),
        (1e4, 1e4, 1e4),
        (MAX, MAX, MAX),
        (MAX, 5e-324, MAX),
        (1.0, 0.0, MAX),
        (3.0, 1.0, 1e6),
    ]
    .into_iter()
    .map(|(x, t_x, t)| RepeatHistory::new(x, t_x, t).unwrap())
    .collect()
}

/// Every prediction of `model` at every horizon and history: finite or a typed error,
/// expectations non-negative, probabilities in [0, 1], batches equal to the single forms.
fn predictions<M: PurchaseModel>(model: &M, context: &str) {
    let histories = histories();
    let mut batch = vec![0.0; histories.len()];
    for t in TIMES {
        if let Some(e) = check(model.expected_purchases(t), context) {
            assert!(e >= 0.0, "{context}");
        }
        for n in [0, 1, 100, u32::MAX] {
            if let Some(p) = check(model.probability_of_purchases(n, t), context) {
                assert!((0.0..=1.0).contains(&p), "{context}: P(X({t}) = {n}) = {p}");
            }
        }
        let single: Vec<Option<f64>> = histories
            .iter()
            .map(|h| check(model.conditional_expected_purchases(t, h), context))
            .collect();
        assert!(single.iter().flatten().all(|e| *e >= 0.0), "{context}");
        if check(
            model.conditional_expected_purchases_into(t, &histories, &mut batch),
            context,
        )
        .is_some()
        {
            assert_finite(&batch, context);
            for ((one, many), h) in single.iter().zip(&batch).zip(&histories) {
                let one = one.expect("the batch succeeds only when every customer does");
                assert!(
                    (one - many).abs() <= 1e-12 * one.max(1.0),
                    "{context} t = {t}, {h:?}: {one} vs {many}"
                );
            }
        }
    }
    for h in &histories {
        if let Some(p) = check(model.probability_alive(h), context) {
            assert!((0.0..=1.0).contains(&p), "{context}: P(alive) = {p}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The parameter range.

#[test]
fn continuous_models_carry_every_corner_of_their_range() {
    let edges = [MIN_PARAMETER, MAX_PARAMETER];
    for corner in 0..16 {
        let p: Vec<f64> = (0..4).map(|k| edges[(corner >> k) & 1]).collect();
        let context = |name: &str| format!("{name} at the corner {p:?}");
        predictions(
            &BgNbd::new(p[0], p[1], p[2], p[3]).unwrap(),
            &context("BG/NBD"),
        );
        let modified = ModifiedBgNbd::new(p[0], p[1], p[2], p[3]).unwrap();
        predictions(&modified, &context("MBG/NBD"));
        predictions(
            &ParetoNbd::new(p[0], p[1], p[2], p[3]).unwrap(),
            &context("Pareto/NBD"),
        );
        let context = context("log-likelihood");
        for h in histories() {
            check(
                BgNbd::new(p[0], p[1], p[2], p[3])
                    .unwrap()
                    .log_likelihood(&h),
                &context,
            );
            check(
                ParetoNbd::new(p[0], p[1], p[2], p[3])
                    .unwrap()
                    .log_likelihood(&h),
                &context,
            );
        }
    }
}

#[test]
fn constructors_refuse_a_step_outside_the_range_by_name() {
    for (k, name) in ["r", "alpha", "a", "b"].into_iter().enumerate() {
        for bad in [
            MIN_PARAMETER / 2.0,
            MAX_PARAMETER * 2.0,
            5e-324,
            1e300,
            f64::NAN,
        ] {
            let mut p = [0.243, 4.414, 0.793, 2.426];
            p[k] = bad;
            let e = BgNbd::new(p[0], p[1], p[2], p[3]).unwrap_err();
            assert!(
                matches!(e, ClvError::InvalidParameter { name: n, .. } if n == name),
                "{e}"
            );
            assert!(ModifiedBgNbd::new(p[0], p[1], p[2], p[3]).is_err());
        }
    }
    for (k, name) in ["r", "alpha", "s", "beta"].into_iter().enumerate() {
        let mut p = [0.55, 10.58, 0.61, 11.67];
        p[k] = 1e300;
        let e = ParetoNbd::new(p[0], p[1], p[2], p[3]).unwrap_err();
        assert!(
            matches!(e, ClvError::InvalidParameter { name: n, value, .. } if n == name && value == 1e300),
            "{e}"
        );
        assert!(e.to_string().contains("[1e-10, 1e10]"), "{e}");
    }
}

/// A drop-out shape in the hundreds of thousands (everybody shares one p ≈ 0.108): the
/// hypergeometric series gave up ("did not converge"); the integral over p gives mpmath's values
/// (40 digits: the Beta integral of (1 − (1 + cp)^−(r + x))/p, by `quad`).
#[test]
fn a_drop_out_shape_in_the_hundreds_of_thousands_is_computed() {
    let h = RepeatHistory::new(2.0, 30.43, 38.86).unwrap();
    for (model, alive, expected, new_customer) in [
        (
            &BgNbd::new(0.243, 4.414, 5.7e5, 4.7e6).unwrap() as &dyn PurchaseModel,
            0.835_303_191_620_485_8,
            1.454_255_412_730_855_8,
            1.390_503_914_062_084_2,
        ),
        (
            &ModifiedBgNbd::new(0.243, 4.414, 5.7e5, 4.7e6).unwrap(),
            0.835_303_220_891_063_7,
            1.454_255_502_667_821,
            1.240_107_932_511_418_8,
        ),
    ] {
        let rel = |got: f64, want: f64| ((got - want) / want).abs();
        assert!(rel(model.probability_alive(&h).unwrap(), alive) < 1e-13);
        let got = model.conditional_expected_purchases(39.0, &h).unwrap();
        assert!(rel(got, expected) < 1e-12, "{got} vs {expected}");
        let got = model.expected_purchases(39.0).unwrap();
        assert!(rel(got, new_customer) < 1e-12, "{got} vs {new_customer}");
        let mut batch = [0.0];
        model
            .conditional_expected_purchases_into(39.0, &[h], &mut batch)
            .unwrap();
        assert!(rel(batch[0], expected) < 1e-12);
    }
}

/// P(X(t) = n) for n in the billions: the negative binomial tail is a continued fraction, not a
/// sum of n terms (u32::MAX at t = f64::MAX ran for minutes); the probabilities of one model sum
/// to 1 over n.
#[test]
fn purchase_counts_in_the_billions_take_no_time() {
    let model = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    for t in [1e12, 1e308, f64::MAX] {
        let p = model.probability_of_purchases(u32::MAX, t).unwrap();
        assert!((0.0..=1.0).contains(&p), "{t}: {p}");
    }
    // r = 1, a large b: almost nobody drops out, X(t) ~ geometric with q = t/(α + t): P(X = n)
    // ≈ (1 − q) qⁿ at n = 4e9 with t = 1e10.
    let model = BgNbd::new(1.0, 1.0, MIN_PARAMETER, MAX_PARAMETER).unwrap();
    let n = 4_000_000_000_u32;
    let q: f64 = 1e10 / (1.0 + 1e10);
    let want = (1.0 - q) * (f64::from(n) * q.ln()).exp();
    let got = model.probability_of_purchases(n, 1e10).unwrap();
    assert!(((got - want) / want).abs() < 1e-6, "{got} vs {want}");
}

/// A fractional x below 1 − b is outside BG/NBD (its a/(b + x − 1) is not a probability
/// weight): a typed error naming the customer, not a NaN. MBG/NBD (b + x > 0) takes it.
#[test]
fn bg_nbd_refuses_a_fractional_frequency_below_one_minus_b() {
    let model = BgNbd::new(0.243, 4.414, 0.793, 0.3).unwrap();
    let odd = RepeatHistory::new(0.5, 1.0, 2.0).unwrap();
    let fine = RepeatHistory::new(2.0, 1.0, 2.0).unwrap();
    let invalid = |e: ClvError, at: Option<usize>| {
        assert!(
            matches!(&e, ClvError::InvalidHistory { position, detail } if *position == at && detail.contains("b + x > 1")),
            "{e}"
        );
    };
    invalid(model.probability_alive(&odd).unwrap_err(), None);
    invalid(model.log_likelihood(&odd).unwrap_err(), None);
    invalid(
        model
            .conditional_expected_purchases(39.0, &odd)
            .unwrap_err(),
        None,
    );
    let mut out = [0.0; 2];
    invalid(
        model
            .probability_alive_into(&[fine, odd], &mut out)
            .unwrap_err(),
        Some(1),
    );
    invalid(
        model
            .conditional_expected_purchases_into(1.0, &[fine, odd], &mut out)
            .unwrap_err(),
        Some(1),
    );
    let modified = ModifiedBgNbd::new(0.243, 4.414, 0.793, 0.3).unwrap();
    let p = modified.probability_alive(&odd).unwrap();
    assert!((0.0..=1.0).contains(&p));
}

// ---------------------------------------------------------------------------------------------
// Deserialization.

/// `$type::deserialize` on a JSON deserializer, named on the concrete type so that an inherent
/// function (serde's `remote = "Self"` generates an unchecked public one) would be the one called:
/// the type's own path must check too.
macro_rules! read_directly {
    ($type:ty, $json:expr) => {{
        let mut deserializer = serde_json::Deserializer::from_str($json);
        <$type>::deserialize(&mut deserializer)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }};
}

#[test]
fn models_read_from_json_are_checked_like_the_constructors() {
    for bad in [
        "-1.0",
        "0.0",
        "1e-300",
        "1e300",
        "5e-324",
        "1.7976931348623157e308",
    ] {
        let json = format!(r#"{{"params":{{"r":0.25,"alpha":{bad},"a":0.8,"b":2.4}}}}"#);
        let e = serde_json::from_str::<BgNbd>(&json)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("parameter alpha ="), "{e}");
        assert!(serde_json::from_str::<ModifiedBgNbd>(&json).is_err());
        let json = format!(r#"{{"params":{{"r":0.55,"alpha":10.58,"s":{bad},"beta":11.67}}}}"#);
        let e = serde_json::from_str::<ParetoNbd>(&json)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("parameter s ="), "{e}");
    }
    // `T::deserialize` is the checked trait impl, not an unchecked inherent reader.
    let json = r#"{"params":{"r":-1.0,"alpha":1.0,"a":1.0,"b":1.0}}"#;
    let e = read_directly!(BgNbd, json).unwrap_err();
    assert!(e.starts_with("parameter r = -1 is invalid"), "{e}");
    assert!(read_directly!(ModifiedBgNbd, json).is_err());
    let json = r#"{"params":{"r":1.0,"alpha":1.0,"s":1.0,"beta":0.0}}"#;
    let e = read_directly!(ParetoNbd, json).unwrap_err();
    assert!(e.starts_with("parameter beta = 0 is invalid"), "{e}");
    // A field missing is refused too; what the constructors accept reads back bit for bit.
    assert!(serde_json::from_str::<BgNbd>(r#"{"params":{"r":1.0,"alpha":1.0,"a":1.0}}"#).is_err());
    let model = BgNbd::new(MIN_PARAMETER, 4.414, MAX_PARAMETER, 2.426).unwrap();
    let back: BgNbd = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(back, model);
    let model = ParetoNbd::new(0.5532816, 10.5777531, MIN_PARAMETER, MAX_PARAMETER).unwrap();
    let back: ParetoNbd = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(back, model);
}

#[test]
fn a_fit_read_from_json_checks_its_model() {
    let data = [
        RepeatHistory::new(0.0, 0.0, 30.0).unwrap(),
        RepeatHistory::new(2.0, 20.0, 30.0).unwrap(),
        RepeatHistory::new(5.0, 28.0, 30.0).unwrap(),
        RepeatHistory::new(1.0, 3.0, 30.0).unwrap(),
    ];
    let fit = ParetoNbd::fit(
        FitData::weighted(&data, &[40.0, 12.0, 5.0, 9.0]).unwrap(),
        &FitOptions::default(),
    )
    .unwrap();
    let mut json = serde_json::to_value(&fit).unwrap();
    json["model"]["params"]["beta"] = serde_json::json!(1e300);
    let e = serde_json::from_value::<ModelFit<ParetoNbd>>(json).unwrap_err();
    assert!(e.to_string().starts_with("parameter beta = "), "{e}");
}

/// The parameter vector's own constructor and the fit's delta-method intervals, with vectors of
/// every length, values outside the range, and hostile levels and horizons.
#[test]
fn parameter_vectors_and_intervals_take_hostile_values() {
    for n in [0, 1, 3, 5, 9] {
        let e = BgNbd::from_parameters(&vec![1.0; n]).unwrap_err();
        assert!(
            matches!(e, ClvError::LengthMismatch { name: "values", expected: 4, found } if found == n),
            "{e}"
        );
        assert!(ParetoNbd::from_parameters(&vec![1.0; n]).is_err());
    }
    for v in [0.0, -1.0, 5e-324, 1e300, f64::NAN, f64::INFINITY] {
        assert!(BgNbd::from_parameters(&[v, 1.0, 1.0, 1.0]).is_err());
        assert!(ModifiedBgNbd::from_parameters(&[1.0, v, 1.0, 1.0]).is_err());
        assert!(ParetoNbd::from_parameters(&[1.0, 1.0, v, 1.0]).is_err());
    }
    let data = weekly();
    let fit = ParetoNbd::fit(&data[..80], &FitOptions::default()).unwrap();
    let h = RepeatHistory::new(2.0, 30.43, 38.86).unwrap();
    for level in [0.0, 5e-324, 0.5, 0.95, 1.0, f64::NAN, -1.0] {
        check(
            fit.probability_alive_interval(&h, level),
            "P(alive) interval",
        );
        for t in TIMES {
            check(
                fit.conditional_expected_purchases_interval(t, &h, level),
                "expected purchases interval",
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fit options and the optimiser's box.

fn weekly() -> Vec<RepeatHistory> {
    // 400 plain histories: x = 0..3, ages 1..52 weeks, the last purchase midway.
    (0..400)
        .map(|i| {
            let x = f64::from(i % 4);
            let age = f64::from(1 + i % 52);
            RepeatHistory::new(x, if x == 0.0 { 0.0 } else { age / 2.0 }, age).unwrap()
        })
        .collect()
}

#[test]
fn a_starting_vector_of_the_wrong_length_is_refused_by_name() {
    let data = &weekly()[..40];
    for n in [0, 1, 3, 5, 9] {
        let options = FitOptions::default().initial(vec![1.0; n]);
        let expected = |e: ClvError, want: usize| {
            assert!(
                matches!(e, ClvError::LengthMismatch { name: "initial", expected, found } if expected == want && found == n),
                "{e}"
            );
            assert!(e.to_string().starts_with("initial has"), "{e}");
        };
        expected(BgNbd::fit(data, &options).unwrap_err(), 4);
        expected(ModifiedBgNbd::fit(data, &options).unwrap_err(), 4);
        expected(ParetoNbd::fit(data, &options).unwrap_err(), 4);
        if n != 2 {
            expected(Nbd::fit(data, &options).unwrap_err(), 2);
        }
    }
}

/// Starting values anywhere in (0, f64::MAX] are moved into the box; every fit ends with its
/// parameters in [MIN_PARAMETER, MAX_PARAMETER], with finite numbers or a typed error.
#[test]
fn fits_from_any_start_end_inside_the_range() {
    let data = &weekly()[..60];
    for start in [
        5e-324,
        1e-300,
        MIN_PARAMETER,
        1.0,
        MAX_PARAMETER,
        1e300,
        f64::MAX,
    ] {
        let options = FitOptions::default()
            .initial(vec![start, 1.0 / start.max(1e-300), start, start])
            .accept_unconverged(true);
        let context = format!("start {start}");
        let in_range = |p: Vec<f64>| {
            assert!(
                p.iter()
                    .all(|v| (MIN_PARAMETER..=MAX_PARAMETER).contains(v)),
                "{context}: {p:?}"
            );
        };
        if let Some(fit) = check(BgNbd::fit(data, &options), &context) {
            in_range(fit.model.parameters());
        }
        if let Some(fit) = check(ModifiedBgNbd::fit(data, &options), &context) {
            in_range(fit.model.parameters());
        }
        if let Some(fit) = check(ParetoNbd::fit(data, &options), &context) {
            in_range(fit.model.parameters());
        }
    }
}

/// A log in milliseconds: 20 customers over 10¹¹ ms (3 years) with 2 or 3 repeat purchases each.
/// Their rate, about 2.5 · 10⁻¹¹ per ms, asks for an NBD scale α = r T/x̄ far above 10¹⁰ unless
/// r is tiny: the fit stops at α = 10¹⁰, says which parameter and which bound, has no standard
/// errors, and its r is the maximum of the likelihood along the bound, where
/// mean(ψ(r + x) − ψ(r)) = ln(1 + T/α) (the r-score of the NBD).
#[test]
fn a_parameter_driven_to_the_bound_is_flagged() {
    let data: Vec<RepeatHistory> = (0..20)
        .map(|i| RepeatHistory::new(f64::from(2 + i % 2), 9e10, 1e11).unwrap())
        .collect();
    let fit = Nbd::fit(&data, &FitOptions::default()).unwrap();
    assert!(fit.converged);
    let p = fit.model.params();
    assert_eq!(p.alpha, MAX_PARAMETER, "{p:?}");
    // ψ(r + x) − ψ(r) = Σ_{k<x} 1/(r + k): the mean over x = 2, 3 equals ln 11 at the maximum.
    let score = |r: f64| 1.0 / r + 1.0 / (r + 1.0) + 0.5 / (r + 2.0) - 11.0_f64.ln();
    let (mut low, mut high) = (0.1, 10.0);
    for _ in 0..100 {
        let middle = 0.5 * (low + high);
        if score(middle) > 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    assert!((p.r - low).abs() < 1e-6 * low, "{} vs {low}", p.r);
    assert_eq!(
        fit.covariance,
        Err(CovarianceUnavailable::ParameterAtBound),
        "{fit:?}"
    );
    let at_bound: Vec<_> = fit
        .warnings
        .iter()
        .filter_map(|w| match w {
            FitWarning::ParameterAtBound {
                parameter,
                value,
                bound,
            } => Some((parameter.as_str(), *value, *bound)),
            _ => None,
        })
        .collect();
    assert_eq!(at_bound, vec![("alpha", MAX_PARAMETER, MAX_PARAMETER)]);
    let text = fit.warnings[0].to_string();
    assert!(
        text.starts_with("parameter alpha = 1.000000e10 sits at the bound 1.0e10"),
        "{text}"
    );
}

/// The fits of issue 14 that ran for a minute: Pareto/NBD on 400 plain weekly histories and on
/// 400 simulated ones, from the model's starts and from extreme ones, with the iteration cap
/// raised; each ends (measured worst case in the fit's docs) with finite numbers or a typed error.
#[test]
fn pareto_nbd_fits_on_plain_histories_end() {
    let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0).unwrap();
    let simulated = simulate_pareto_nbd(&truth, &[52.0; 400], 7).unwrap();
    for data in [weekly(), simulated] {
        for options in [
            FitOptions::default(),
            FitOptions::default()
                .initial(vec![
                    MIN_PARAMETER,
                    MAX_PARAMETER,
                    MAX_PARAMETER,
                    MIN_PARAMETER,
                ])
                .max_iterations(10_000)
                .accept_unconverged(true),
            FitOptions::default()
                .initial(vec![
                    MAX_PARAMETER,
                    MIN_PARAMETER,
                    MIN_PARAMETER,
                    MAX_PARAMETER,
                ])
                .max_iterations(10_000)
                .accept_unconverged(true),
        ] {
            check(ParetoNbd::fit(&data, &options), &format!("{options:?}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties over the whole range.

/// A parameter log-uniform in [MIN_PARAMETER, MAX_PARAMETER].
fn parameter() -> impl Strategy<Value = f64> {
    (MIN_PARAMETER.ln()..=MAX_PARAMETER.ln())
        .prop_map(|v| v.exp().clamp(MIN_PARAMETER, MAX_PARAMETER))
}

/// A history with values log-uniform up to MAX_VALUE (x a whole count).
fn history() -> impl Strategy<Value = RepeatHistory> {
    (0u64..1_000_000, -30.0f64..27.6, 0.0f64..=1.0).prop_map(|(x, ln_age, share)| {
        let age = ln_age.exp().min(MAX);
        let x = x as f64;
        let recency = if x == 0.0 { 0.0 } else { age * share };
        RepeatHistory::new(x, recency, age).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn continuous_models_in_range_predict_finitely(
        r in parameter(), alpha in parameter(), a in parameter(), b in parameter(),
        h in history(), ln_t in -30.0f64..30.0,
    ) {
        let t = ln_t.exp();
        let models: [(&dyn PurchaseModel, &str); 3] = [
            (&BgNbd::new(r, alpha, a, b).unwrap(), "BG/NBD"),
            (&ModifiedBgNbd::new(r, alpha, a, b).unwrap(), "MBG/NBD"),
            (&ParetoNbd::new(r, alpha, a, b).unwrap(), "Pareto/NBD"),
        ];
        for (model, name) in models {
            let context = format!("{name} {r} {alpha} {a} {b} {h:?} t = {t}");
            if let Some(p) = check(model.probability_alive(&h), &context) {
                prop_assert!((0.0..=1.0).contains(&p), "{}", context);
            }
            if let Some(e) = check(model.conditional_expected_purchases(t, &h), &context) {
                prop_assert!(e >= 0.0, "{}", context);
            }
            check(model.expected_purchases(t), &context);
            if let Some(p) = check(model.probability_of_purchases(3, t), &context) {
                prop_assert!((0.0..=1.0).contains(&p), "{}", context);
            }
        }
    }
}
