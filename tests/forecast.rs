//! Future P(alive), the next purchase and P(alive) along a history (`clv::forecast`), against
//! independently computed values at CDNOW's published parameters (REFERENCE.md).
//!
//! References (bench/peers/forecast_reference.py computes them all):
//! - BG/NBD and MBG/NBD: mpmath 1.4.1 at 30 digits on the derived closed forms, P(alive) ·
//!   2F1(r + x, a; a + b + x (+ 1); −t/(α + T)) and 1 − P(alive) + P(alive) ((α + T)/(α + T + t))^(r + x).
//!   Both were checked against scipy 1.17 2-D integrals (nested `quad`) over the individual-level
//!   model (λ ~ Gamma(r, α), p ~ Beta(a, b), the alive and dead parts of the likelihood): every
//!   value below agrees with them within 3.4e-11, most within 1e-13.
//! - Pareto/NBD: the same 2-D integrals over (λ, μ), from the likelihood of Schmittlein et al.
//!   (1987), without the derived forms.

use customer_value::clv::{
    alive_path, AliveForecast, AlivePoint, BgBb, BgNbd, ClvError, DiscreteHistory, ModifiedBgNbd,
    Nbd, NextPurchase, ParetoNbd, PurchaseModel, RepeatHistory,
};

fn bg_nbd() -> BgNbd {
    BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap()
}

fn modified() -> ModifiedBgNbd {
    ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614).unwrap()
}

fn pareto() -> ParetoNbd {
    ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065).unwrap()
}

fn history((x, t_x, age): Weeks) -> RepeatHistory {
    RepeatHistory::new(x, t_x, age).unwrap()
}

/// (x, t_x, T) in weeks.
type Weeks = (f64, f64, f64);

/// The horizons of the tables, in weeks.
const TIMES: [f64; 4] = [0.5, 13.0, 52.0, 1000.0];

/// (MBG/NBD?, history, P(alive at T + t), P(no purchase in (T, T + t])) at each of [`TIMES`].
#[rustfmt::skip]
const BG_NBD_FAMILY: [(bool, Weeks, [f64; 4], [f64; 4]); 8] = [
    (false, (2.0, 30.43, 38.86), [0.7237327771771088, 0.6611801745487845, 0.5316461894163007, 0.12937647976548974], [0.98151691451022, 0.6765090614692386, 0.39715862291169457, 0.2739982923572955]),
    (false, (0.0, 0.0, 38.86), [0.9993104271463984, 0.9832937222074266, 0.9438715816349443, 0.6897398578904549], [0.9972122988984135, 0.938163168359162, 0.8254910935851634, 0.4614581955735168]),
    (false, (26.0, 30.85714, 31.0), [0.9592187936575041, 0.7730244991143305, 0.4977281449066876, 0.07253883581955566], [0.7017568544119296, 0.031413085093378576, 0.03114850135032265, 0.031148501301530917]),
    (false, (1.0, 2.0, 38.0), [0.22558827422678313, 0.21167919492563914, 0.18101457607983085, 0.06023059746796349], [0.9967285975571857, 0.9360411873024947, 0.8574543597241012, 0.7780189695846568]),
    (true, (2.0, 30.43, 38.86), [0.7030166565888991, 0.633473498714557, 0.4927486539018235, 0.0977815190406273], [0.9805868934432317, 0.6660777174773184, 0.39548192152986955, 0.2940495166640022]),
    (true, (0.0, 0.0, 38.86), [0.38915974300402123, 0.37595607083932736, 0.3447104482934385, 0.1799020518667032], [0.9977477622818538, 0.9514226083991066, 0.8707408649914312, 0.6850609240571309]),
    (true, (26.0, 30.85714, 31.0), [0.9552163609147523, 0.7569542541838101, 0.46789219950853816, 0.05467265995097797], [0.7119542607049867, 0.03484153930742354, 0.03450201347006746, 0.03450201338936158]),
    (true, (1.0, 2.0, 38.0), [0.18250756647218985, 0.16867936353018073, 0.13905918307769294, 0.03665255413543587], [0.9968841524636086, 0.9404482599121554, 0.8727879176027482, 0.8183431984898367]),
];

/// (history, P(alive at T + t), P(no purchase in (T, T + t])) at each of [`TIMES`], and
/// P(never again).
#[rustfmt::skip]
const PARETO_NBD: [(Weeks, [f64; 4], [f64; 4], f64); 4] = [
    ((2.0, 30.43, 38.86), [0.8639521155725148, 0.7564972106284975, 0.5659738056913736, 0.1381077685583893], [0.9780189835028392, 0.6330878043915724, 0.36851346709143196, 0.2954496937243375], 0.295404003171329),
    ((0.0, 0.0, 38.86), [0.2933473081512054, 0.25686194450106703, 0.1921714055571713, 0.04689327268389844], [0.9983664130321807, 0.9665604267759146, 0.9201162397047393, 0.8624458213504896], 0.8583174207188792),
    ((26.0, 30.85714, 31.0), [0.9908511218127181, 0.8492960445344601, 0.6155669735455893, 0.14377275484609273], [0.7295117509166802, 0.024466568043177706, 0.023861163278822373, 0.023861163013018882], 0.023861163013018882),
    ((1.0, 2.0, 38.0), [0.17987823919173856, 0.1571845225000243, 0.11722712182479789, 0.028473965574763366], [0.9971528572219133, 0.9477625778253279, 0.8965573332358538, 0.869447715343167], 0.8692742911406146),
];

/// Asserts both curves of `model` for `h` at [`TIMES`] within `tolerance`.
fn assert_curves(
    model: &dyn AliveForecast, h: Weeks, alive: [f64; 4], silent: [f64; 4], tolerance: f64,
) {
    let h = history(h);
    for (k, t) in TIMES.into_iter().enumerate() {
        let got = [
            model.probability_alive_at(t, &h).unwrap(),
            model.probability_no_purchase(t, &h).unwrap(),
        ];
        let want = [alive[k], silent[k]];
        for (got, want) in got.into_iter().zip(want) {
            assert!((got - want).abs() < tolerance, "{h:?} {t}: {got} vs {want}");
        }
    }
}

/// Within 10⁻¹⁴: the rounding of t/(α + T) alone moves ((α + T)/(α + T + t))^(r + x) by
/// (r + x) · 10⁻¹⁶, 3 · 10⁻¹⁵ for customer 1516 (x = 26).
#[test]
fn bg_nbd_family_matches_mpmath_and_the_posterior_integrals() {
    let (standard, modified) = (bg_nbd(), modified());
    for (is_modified, h, alive, silent) in BG_NBD_FAMILY {
        let model: &dyn AliveForecast = if is_modified { &modified } else { &standard };
        assert_curves(model, h, alive, silent, 1e-14);
    }
}

/// The 2-D integrals reach about 10⁻¹⁴ here.
#[test]
fn pareto_nbd_matches_the_posterior_integrals() {
    let model = pareto();
    for (h, alive, silent, never) in PARETO_NBD {
        assert_curves(&model, h, alive, silent, 1e-13);
        let got = model.probability_never_purchases(&history(h)).unwrap();
        assert!((got - never).abs() < 1e-13, "{h:?}: {got} vs {never}");
    }
}

fn every_model() -> [(&'static str, Box<dyn AliveForecastAndAlive>); 4] {
    [
        ("BG/NBD", Box::new(bg_nbd())),
        ("MBG/NBD", Box::new(modified())),
        ("Pareto/NBD", Box::new(pareto())),
        ("NBD", Box::new(Nbd::new(0.385, 12.072).unwrap())),
    ]
}

trait AliveForecastAndAlive: AliveForecast + PurchaseModel {}
impl<M: AliveForecast + PurchaseModel> AliveForecastAndAlive for M {}

fn histories() -> Vec<RepeatHistory> {
    [
        (2.0, 30.43, 38.86),
        (0.0, 0.0, 38.86),
        (26.0, 30.85714, 31.0),
        (1.0, 2.0, 38.0),
        (200.0, 30.0, 31.0),
        (0.0, 0.0, 0.0),
    ]
    .map(history)
    .to_vec()
}

/// t = 0 gives today's P(alive) and 1; both curves are non-increasing, in [0, 1], and the
/// no-purchase curve ends at P(never again) (reached at t = 10³⁰⁰); on a grid from 10⁻⁹ to 10⁸
/// weeks.
#[test]
fn curves_start_at_today_fall_and_end_at_never() {
    let times: Vec<f64> = (-18..=16).map(|k| 10f64.powf(f64::from(k) / 2.0)).collect();
    for (name, model) in every_model() {
        for h in histories() {
            let today = model.probability_alive(&h).unwrap();
            assert_eq!(
                model.probability_alive_at(0.0, &h).unwrap(),
                today,
                "{name}"
            );
            assert_eq!(
                model.probability_no_purchase(0.0, &h).unwrap(),
                1.0,
                "{name}"
            );
            let (mut alive, mut silent) = (today, 1.0);
            for &t in &times {
                let a = model.probability_alive_at(t, &h).unwrap();
                let s = model.probability_no_purchase(t, &h).unwrap();
                assert!(
                    (0.0..=alive).contains(&a),
                    "{name} {h:?} {t}: {a} after {alive}"
                );
                assert!(
                    (0.0..=silent).contains(&s),
                    "{name} {h:?} {t}: {s} after {silent}"
                );
                (alive, silent) = (a, s);
            }
            let never = model.probability_never_purchases(&h).unwrap();
            assert!(never <= silent, "{name} {h:?}");
            let far = model.probability_no_purchase(1e300, &h).unwrap();
            assert!(
                (far - never).abs() < 1e-15,
                "{name} {h:?}: {far} vs {never}"
            );
            // A short horizon: no purchase is all but certain.
            let s = model.probability_no_purchase(1e-9, &h).unwrap();
            assert!(1.0 - s < 1e-7, "{name} {h:?}: {s}");
        }
    }
}

/// The median is where the no-purchase curve crosses ½: the closed forms (BG/NBD family, NBD)
/// and the bisection (Pareto/NBD) alike.
#[test]
fn medians_halve_the_chance_of_no_purchase() {
    let mut medians = 0;
    for (name, model) in every_model() {
        for h in histories() {
            match model.median_time_to_next_purchase(&h).unwrap() {
                NextPurchase::Median(t) => {
                    let s = model.probability_no_purchase(t, &h).unwrap();
                    assert!((s - 0.5).abs() < 1e-14, "{name} {h:?}: {s} at {t}");
                    assert!(model.probability_never_purchases(&h).unwrap() < 0.5);
                    medians += 1;
                }
                NextPurchase::ProbablyNever { probability_never } => {
                    let never = model.probability_never_purchases(&h).unwrap();
                    assert_eq!(probability_never, never, "{name} {h:?}");
                    assert!(never >= 0.5, "{name} {h:?}");
                }
            }
        }
    }
    assert!(medians >= 12, "{medians}");
}

/// Worked values: BG/NBD's closed form for FHL's customer (x = 2), ((α + T)/(α + T + t))^(r + x) =
/// 1 − 1/(2 P(alive)) with P(alive) = 0.726579; the Pareto/NBD bisection for customer 1516
/// against mpmath's root of 1 − P(alive) ∫₀ᵗ … du = ½ (findroot on the 1-D quad, 30 digits).
/// Customer 1516's Pareto/NBD median in weeks: mpmath `findroot` on 1 − P(alive) ∫₀ᵗ … du = ½,
/// P(alive) = 0.9978735094779184 from the 2-D integral.
const PARETO_1516_MEDIAN: f64 = 1.1142753825262666;

#[test]
fn worked_medians() {
    let h = history((2.0, 30.43, 38.86));
    let alive = bg_nbd().probability_alive(&h).unwrap();
    let want = 43.274 * ((1.0 - 0.5 / alive).ln() / -2.243).exp_m1();
    let got = bg_nbd()
        .median_time_to_next_purchase(&h)
        .unwrap()
        .median()
        .unwrap();
    assert!((got - want).abs() < 1e-12 * want, "{got} vs {want}");
    assert!((got - 29.478210001655587).abs() < 1e-9, "{got}");
    let regular = history((26.0, 30.85714, 31.0));
    let got = pareto().median_time_to_next_purchase(&regular).unwrap();
    let got = got.median().unwrap();
    assert!((got - PARETO_1516_MEDIAN).abs() < 1e-12, "{got}");
    // NBD: ((α + T)/(α + T + t))^(r + x) = ½.
    let nbd = Nbd::new(0.385, 12.072).unwrap();
    let got = nbd
        .median_time_to_next_purchase(&h)
        .unwrap()
        .median()
        .unwrap();
    let want = 50.932 * (2f64.ln() / 2.385).exp_m1();
    assert!((got - want).abs() < 1e-12 * want, "{got} vs {want}");
    assert_eq!(nbd.probability_never_purchases(&h).unwrap(), 0.0);
}

#[test]
fn bad_horizons_are_typed_errors_naming_t() {
    let h = history((2.0, 30.43, 38.86));
    for (name, model) in every_model() {
        for t in [-1.0, f64::NAN, f64::INFINITY] {
            for result in [
                model.probability_alive_at(t, &h),
                model.probability_no_purchase(t, &h),
            ] {
                assert!(
                    matches!(result, Err(ClvError::InvalidArgument { name: "t", .. })),
                    "{name} {t}: {result:?}"
                );
            }
        }
    }
    // Beyond what the BG/NBD integral over p covers: an error, not a wrong number.
    let heavy = history((200.0, 30.0, 31.0));
    assert!(matches!(
        bg_nbd().probability_alive_at(1e300, &heavy),
        Err(ClvError::NumericalFailure { .. })
    ));
    assert!(bg_nbd().probability_alive_at(1e8, &heavy).unwrap() > 0.0);
}

/// BG/BB histories (x, t_x, n) and P(alive at opportunity n + k) for k = 0, 1, 5, 100.
#[rustfmt::skip]
const BG_BB_AHEAD: [((u32, u32, u32), [f64; 4]); 4] = [
    ((0, 0, 6), [0.11621825672580403, 0.10813337119043483, 0.08605163946402217, 0.022001928095282817]),
    ((2, 4, 6), [0.6337446296070569, 0.5896572982928677, 0.469244384794651, 0.11997773985100738]),
    ((6, 6, 6), [1.0, 0.9304336017150555, 0.7404313391745795, 0.18931559218955063]),
    ((4, 5, 6), [0.7488983457815115, 0.6968001851839388, 0.5545078050726319, 0.1417781338214017]),
];

/// BG/BB on FHS (2010)'s donations fit: P(alive at opportunity n + k) against mpmath 1.4.1 on
/// their equation 5 (likelihood) and 11 with B(γ, δ + n + k), 30 digits; k = 1 is equation 11
/// itself (0.1081, 0.5897, 0.9304 published).
#[test]
fn bg_bb_alive_k_opportunities_ahead() {
    let model = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443).unwrap();
    for ((x, t_x, n), want) in BG_BB_AHEAD {
        let h = DiscreteHistory::new(x, t_x, n).unwrap();
        for (k, want) in [0, 1, 5, 100].into_iter().zip(want) {
            let got = model.probability_alive_after(k, &h);
            assert!((got - want).abs() < 1e-13, "{h:?} {k}: {got} vs {want}");
        }
        assert_eq!(
            model.probability_alive_after(1, &h),
            model.probability_alive_next(&h)
        );
        let mut last = 1.0;
        for k in 0..200 {
            let p = model.probability_alive_after(k, &h);
            assert!((0.0..=last).contains(&p), "{h:?} {k}");
            last = p;
        }
    }
}

/// lifetimes' fitted BetaGeoFitter on the CDNOW sample in days (calibration to 1997-09-30),
/// customer 403 of the sample.
const LIFETIMES_FIT: [f64; 4] = [
    0.2425945434210672,
    30.89521901254164,
    0.7929218333478941,
    2.4259057287218235,
];

/// Customer 403's purchase days since the first (1997-01-18 .. 1997-08-24), two on day 177/178.
const CUSTOMER_403: [f64; 9] = [0.0, 115.0, 127.0, 159.0, 177.0, 178.0, 191.0, 214.0, 218.0];

/// tests/data/lifetimes_alive_path_cdnow_403.csv: lifetimes 0.11.3
/// `calculate_alive_path(model, transactions, 'date', 255, freq='D')` for customer 403 of the
/// CDNOW sample, with `model` the BetaGeoFitter above (pandas 2 needs `Series.fillna(method=
/// 'ffill')` routed to `ffill`, which that version of lifetimes calls).
#[test]
fn alive_path_matches_lifetimes() {
    let [r, alpha, a, b] = LIFETIMES_FIT;
    let model = BgNbd::new(r, alpha, a, b).unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/lifetimes_alive_path_cdnow_403.csv"
    ))
    .unwrap();
    let want: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(want.len(), 256);
    // Unsorted input with a repeated day: the path is the same.
    let mut days = CUSTOMER_403.to_vec();
    days.reverse();
    days.push(127.0);
    let path = alive_path(&model, &days, 255.0, 1.0).unwrap();
    assert_eq!(path.len(), want.len());
    for (k, (point, want)) in path.iter().zip(&want).enumerate() {
        assert_eq!(point.age, k as f64);
        assert!(
            (point.probability_alive - want).abs() < 1e-14,
            "day {k}: {} vs {want}",
            point.probability_alive
        );
    }
    assert_eq!((path[218].frequency, path[218].recency), (8.0, 218.0));
    assert_eq!((path[114].frequency, path[255].recency), (0.0, 218.0));
}

#[test]
fn alive_path_rejects_what_it_cannot_walk() {
    let model = bg_nbd();
    assert!(matches!(
        alive_path(&model, &[], 10.0, 1.0),
        Err(ClvError::EmptyInput)
    ));
    for (times, end, step, name) in [
        (&[0.0, f64::NAN][..], 10.0, 1.0, "purchase_times"),
        (&[0.0, 12.0][..], 10.0, 1.0, "end"),
        (&[0.0][..], f64::INFINITY, 1.0, "end"),
        (&[0.0][..], 10.0, 0.0, "step"),
        (&[0.0][..], 10.0, -1.0, "step"),
        (&[0.0][..], 1e12, 1e-3, "step"),
    ] {
        let result = alive_path(&model, times, end, step);
        assert!(
            matches!(result, Err(ClvError::InvalidArgument { name: n, .. }) if n == name),
            "{name}: {result:?}"
        );
    }
    // A path of one point: the first purchase is the end.
    let path = alive_path(&model, &[3.0], 3.5, 1.0).unwrap();
    assert_eq!(path.len(), 1);
    assert_eq!(path[0].probability_alive, 1.0);
}

#[cfg(feature = "serde")]
#[test]
fn results_round_trip_through_serde() {
    for value in [
        NextPurchase::Median(29.5),
        NextPurchase::ProbablyNever {
            probability_never: 0.75,
        },
    ] {
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(serde_json::from_str::<NextPurchase>(&text).unwrap(), value);
    }
    let point = alive_path(&bg_nbd(), &[0.0, 2.0], 3.0, 1.0).unwrap()[3];
    let text = serde_json::to_string(&point).unwrap();
    assert_eq!(serde_json::from_str::<AlivePoint>(&text).unwrap(), point);
}
