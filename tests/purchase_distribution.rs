//! The conditional distribution of future purchases, P(Y(t) = n | history), for every model:
//! against lifetimes 0.11.3 (Pareto/NBD), against each model's own conditional expectation (the
//! mean), against P(Y = 0) computed directly from the model's story, and on its error paths.

use customer_value::clv::purchase_distribution::{MAX_COUNTS, MIN_TAIL_MASS};
use customer_value::clv::{
    BgBb, BgNbd, ClvError, DiscreteHistory, ModifiedBgNbd, Nbd, ParetoNbd,
    PurchaseCountDistribution, PurchaseDistribution, PurchaseModel, RepeatHistory,
};
use statrs::function::gamma::ln_gamma;

/// CDNOW maximum-likelihood parameters (REFERENCE.md; FHL 2005; Batislam et al. 2007).
fn bg_nbd() -> BgNbd {
    BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap()
}
fn mbg_nbd() -> ModifiedBgNbd {
    ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614).unwrap()
}
fn pareto_nbd() -> ParetoNbd {
    ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065).unwrap()
}
fn nbd() -> Nbd {
    Nbd::new(0.385, 12.07).unwrap()
}
/// The donations MLE of Fader, Hardie & Shang (2010).
fn bg_bb() -> BgBb {
    BgBb::new(1.203522, 0.749716, 0.656718, 2.783443).unwrap()
}

fn h(x: f64, t_x: f64, age: f64) -> RepeatHistory {
    RepeatHistory::new(x, t_x, age).unwrap()
}

/// CDNOW customers from the papers (x = 0; FHL's worked example; customer 1516), a heavy buyer
/// and a long-silent one.
fn histories() -> Vec<RepeatHistory> {
    vec![
        h(0.0, 0.0, 38.86),
        h(2.0, 30.43, 38.86),
        h(26.0, 30.85714, 31.0),
        h(200.0, 38.0, 40.0),
        h(7.0, 3.0, 70.0),
    ]
}

const HORIZONS: [f64; 4] = [0.5, 39.0, 52.0, 156.0];

/// Every value in [0, 1]; the probabilities sum to 1 within 1e-9; their mean equals the model's
/// conditional expectation within 1e-8 (relative); each equals the one-count form.
fn check_distribution<M>(model: &M, name: &str)
where
    M: PurchaseModel + PurchaseCountDistribution<History = RepeatHistory, Horizon = f64>,
{
    for history in histories() {
        for t in HORIZONS {
            let d = model
                .purchase_distribution_given(&history, t, 1e-12)
                .unwrap();
            let label = format!("{name} {history:?} t = {t}");
            assert!(
                d.probabilities.iter().all(|p| (0.0..=1.0).contains(p)),
                "{label}"
            );
            let total: f64 = d.probabilities.iter().sum();
            assert!((total - 1.0).abs() < 1e-9, "{label}: sum {total}");
            assert!(d.tail_mass <= 1e-12, "{label}");
            let expected = model.conditional_expected_purchases(t, &history).unwrap();
            let mean =
                d.mean() + tail_mean(model, &history, t, d.probabilities.len() as u32, expected);
            assert!(
                (mean - expected).abs() <= 1e-8 * expected,
                "{label}: mean {mean} vs E[Y] {expected}"
            );
            for n in [0, 1, d.probabilities.len() as u32 / 2] {
                let one = model
                    .probability_of_purchases_given(&history, n, t)
                    .unwrap();
                assert_eq!(one, d.probabilities[n as usize], "{label} n = {n}");
            }
        }
    }
}

/// Σ n P(Y = n) from n = `from` on, with the one-count form, until the terms fall below 10⁻¹⁴ of
/// the mean: the part of the mean a tail of 10⁻¹² leaves out (for a customer almost surely dead,
/// E[Y] = 3 · 10⁻⁸ and the tail's share is 10⁻⁵ of it).
fn tail_mean<M>(model: &M, history: &RepeatHistory, t: f64, from: u32, expected: f64) -> f64
where
    M: PurchaseCountDistribution<History = RepeatHistory, Horizon = f64>,
{
    let mut sum = 0.0;
    for n in from.. {
        let term = f64::from(n) * model.probability_of_purchases_given(history, n, t).unwrap();
        sum += term;
        if term <= 1e-14 * expected {
            break;
        }
    }
    sum
}

#[test]
fn every_continuous_model_sums_to_one_and_has_the_conditional_mean() {
    check_distribution(&bg_nbd(), "BG/NBD");
    check_distribution(&mbg_nbd(), "MBG/NBD");
    check_distribution(&pareto_nbd(), "Pareto/NBD");
    check_distribution(&nbd(), "NBD");
}

/// (x, t_x, T).
type History = (f64, f64, f64);

/// BG/NBD and MBG/NBD against P(history and n future purchases)/P(history) integrated by mpmath
/// 1.3 (30 digits) over u = λ^r (which takes the density's λ^(r−1) singularity away: without it
/// the x = 0 values were off by 10⁻⁹), with p integrated by Beta functions: the history's two
/// branches (alive at T, or dead after the last purchase) and FHL (2005) equation 8 given λ and p for the
/// future of the alive, with no posterior update and no negative-binomial tail (a throwaway
/// script, not kept; values to 17 digits).
#[test]
fn bg_nbd_family_matches_the_joint_integral() {
    let cases: [(History, f64, Expected, Expected); 3] = [
        (
            (2.0, 30.43, 38.86),
            39.0,
            &[
                (0, 0.4453728620829956),
                (1, 0.23931893743502777),
                (2, 0.14418322186458468),
                (3, 0.08085005599575532),
                (4, 0.043544969091643834),
            ],
            &[
                (0, 0.4400059091777069),
                (1, 0.23422405642628644),
                (2, 0.14597354129484744),
                (3, 0.08386394775472356),
                (4, 0.04592421188050824),
            ],
        ),
        (
            (26.0, 30.85714, 31.0),
            52.0,
            &[
                (0, 0.031148501350322676),
                (10, 0.016193452954863474),
                (25, 0.018432418529937517),
            ],
            &[
                (0, 0.03450201347006749),
                (10, 0.017562947614578755),
                (25, 0.020158690339928138),
            ],
        ),
        (
            (0.0, 0.0, 38.86),
            39.0,
            &[
                (0, 0.8554494592166815),
                (1, 0.1098729888007178),
                (3, 0.006919059456289777),
            ],
            &[
                (0, 0.8911706012225319),
                (1, 0.07870413291230872),
                (3, 0.006309290722451255),
            ],
        ),
    ];
    for ((x, t_x, age), t, standard, modified) in cases {
        let history = h(x, t_x, age);
        assert_given(&bg_nbd(), "BG/NBD", &history, t, standard);
        assert_given(&mbg_nbd(), "MBG/NBD", &history, t, modified);
    }
}

/// (n, P(Y = n | history)) pairs.
type Expected = &'static [(u32, f64)];

/// Each (n, P) of `expected` within 10⁻¹² of the model's.
fn assert_given<M>(model: &M, name: &str, history: &RepeatHistory, t: f64, expected: Expected)
where
    M: PurchaseCountDistribution<History = RepeatHistory, Horizon = f64>,
{
    for &(n, want) in expected {
        let got = model.probability_of_purchases_given(history, n, t).unwrap();
        assert!(
            (got - want).abs() < 1e-12,
            "{name} {history:?} n = {n}: {got} vs {want}"
        );
    }
}

/// The first counts in one call equal the counts asked one at a time, for every model; BG/BB's
/// counts past n* are 0.
#[test]
fn first_counts_in_one_call_equal_each_count() {
    fn check<M>(model: &M, name: &str)
    where
        M: PurchaseCountDistribution<History = RepeatHistory, Horizon = f64>,
    {
        for history in histories() {
            for t in HORIZONS {
                let all = model
                    .probabilities_of_purchases_given(&history, 12, t)
                    .unwrap();
                assert_eq!(all.len(), 13);
                for (n, got) in all.iter().enumerate() {
                    let one = model
                        .probability_of_purchases_given(&history, n as u32, t)
                        .unwrap();
                    assert_eq!(*got, one, "{name} {history:?} t = {t} n = {n}");
                }
            }
        }
    }
    check(&bg_nbd(), "BG/NBD");
    check(&mbg_nbd(), "MBG/NBD");
    check(&pareto_nbd(), "Pareto/NBD");
    check(&nbd(), "NBD");
    let h = DiscreteHistory::new(4, 5, 6).unwrap();
    let first = bg_bb().probabilities_of_purchases_given(&h, 5, 3).unwrap();
    assert_eq!(first.len(), 6);
    assert_eq!(&first[4..], &[0.0, 0.0]);
    for (n, got) in first.iter().enumerate().take(4) {
        let one = bg_bb()
            .probability_of_purchases_given(&h, n as u32, 3)
            .unwrap();
        assert_eq!(*got, one, "BG/BB n = {n}");
    }
}

/// Pareto/NBD over horizons of 40 to 400 times α + T: the quadrature over the time of death
/// keeps its precision (over equal panels in τ the sum at t = 10⁴ missed 1 by 10⁻⁷).
#[test]
fn pareto_nbd_keeps_long_horizons() {
    let model = pareto_nbd();
    for history in [
        h(0.0, 0.0, 38.86),
        h(2.0, 30.43, 38.86),
        h(26.0, 30.85714, 31.0),
    ] {
        for t in [2_000.0, 20_000.0] {
            let (d, mean, expected) = dist_and_mean(&model, &history, t);
            let total: f64 = d.probabilities.iter().sum();
            assert!((total - 1.0).abs() < 1e-9, "{history:?} t = {t}: {total}");
            let label = format!("{history:?} t = {t}: {mean} vs {expected}");
            assert!((mean - expected).abs() <= 1e-8 * expected, "{label}");
        }
    }
}

/// lifetimes 0.11.3, `ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time(n, t, x,
/// t_x, T)` with `params_` set to the CDNOW MLE (r, α, s, β above), n = 0..7; it implements
/// Fader & Hardie's note 028, equation 16 (2F1 terms), we integrate over the time of death.
#[test]
fn pareto_nbd_matches_lifetimes() {
    let cases: [(History, f64, [f64; 8]); 4] = [
        (
            (2.0, 30.43, 38.86),
            39.0,
            [
                0.40808328846903336,
                0.21926805076420003,
                0.151748279196742,
                0.09565409860890452,
                0.05657618040150966,
                0.0319840323803585,
                0.01748626965239557,
                0.009317717872414439,
            ],
        ),
        (
            (2.0, 30.43, 38.86),
            52.0,
            [
                0.36851346709142385,
                0.19204420651442045,
                0.14616687242702314,
                0.10414499076989564,
                0.07045899547454947,
                0.04583222427821576,
                0.028926205450091756,
                0.017828507695475906,
            ],
        ),
        (
            (0.0, 0.0, 38.86),
            39.0,
            [
                0.9307307137583084,
                0.04588434654041551,
                0.014675038617984934,
                0.005314206725019934,
                0.0020365036204548904,
                0.0008057626608009825,
                0.00032536690062604,
                0.00013324233304003053,
            ],
        ),
        (
            (26.0, 30.85714, 31.0),
            52.0,
            [
                0.023861163278811312,
                0.020522841189894295,
                0.019417064624698367,
                0.01840499446619188,
                0.017476266153403888,
                0.01662244964692958,
                0.01583727512086437,
                0.015117177013235564,
            ],
        ),
    ];
    let model = pareto_nbd();
    for ((x, t_x, age), t, want) in cases {
        for (n, want) in want.into_iter().enumerate() {
            let got = model
                .probability_of_purchases_given(&h(x, t_x, age), n as u32, t)
                .unwrap();
            assert!(
                (got - want).abs() < 1e-9 * want.max(1e-3),
                "x = {x}, t = {t}, n = {n}: {got} vs lifetimes {want}"
            );
        }
    }
}

/// P(Y = 0) against 1 − P(alive) + P(alive) ((α + T)/(α + T + t))^(r + x): an alive BG/NBD,
/// MBG/NBD or NBD customer who makes no purchase never tosses the drop-out coin.
fn check_none_in_closed_form<M>(model: &M, r: f64, alpha: f64, name: &str)
where
    M: PurchaseModel + PurchaseCountDistribution<History = RepeatHistory, Horizon = f64>,
{
    for history in histories() {
        let (x, age) = (history.frequency(), history.age());
        for t in HORIZONS {
            let alive = model.probability_alive(&history).unwrap();
            let none_if_alive = ((alpha + age) / (alpha + age + t)).powf(r + x);
            let want = 1.0 - alive + alive * none_if_alive;
            let got = model
                .probability_of_purchases_given(&history, 0, t)
                .unwrap();
            let label = format!("{name} {history:?} {t}");
            assert!((got - want).abs() < 1e-13, "{label}: {got} vs {want}");
        }
    }
}

/// P(Y = 0) = 1 − P(alive) + P(alive) · P(no purchase in t | alive), the last from the model's
/// story: BG/NBD, MBG/NBD and NBD in closed form (above); Pareto/NBD by mpmath 1.3 (30 digits,
/// `quad` of the survival and the density of death over [0, t]: (β'/(β' + t))^s (α'/(α' + t))^r'
/// + ∫ s/β' (β'/(β' + u))^(s+1) (α'/(α' + u))^r' du at r' = r + x, α' = α + T, β' = β + T).
#[test]
fn no_purchase_matches_its_direct_form() {
    let p = bg_nbd().params();
    check_none_in_closed_form(&bg_nbd(), p.r, p.alpha, "BG/NBD");
    let p = mbg_nbd().params();
    check_none_in_closed_form(&mbg_nbd(), p.r, p.alpha, "MBG/NBD");
    let p = nbd().params();
    check_none_in_closed_form(&nbd(), p.r, p.alpha, "NBD");
    let model = pareto_nbd();
    for ((x, t_x, age), t, none_if_alive) in [
        ((2.0, 30.43, 38.86), 39.0, 0.318950593891455),
        ((0.0, 0.0, 38.86), 39.0, 0.7652712452897096),
        ((26.0, 30.85714, 31.0), 52.0, 0.02178098982515509),
        ((200.0, 38.0, 40.0), 156.0, 0.0029503586976237926),
    ] {
        let history = h(x, t_x, age);
        let alive = model.probability_alive(&history).unwrap();
        let want = 1.0 - alive + alive * none_if_alive;
        let got = model
            .probability_of_purchases_given(&history, 0, t)
            .unwrap();
        assert!(
            (got - want).abs() < 1e-12,
            "Pareto/NBD x = {x}: {got} vs {want}"
        );
    }
}

/// ln B(a, b), for the BG/BB sums written out term by term.
fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// BG/BB P(X(n, n + n*) = 0 | x, t_x, n) summed from FHS (2010) directly: P(alive at n) is the
/// first term of the likelihood (equation 5) over the likelihood; an alive customer makes no
/// transaction if every opportunity it lives through passes without one.
fn bg_bb_none_directly(p: [f64; 4], x: f64, t_x: f64, n: f64, future: u32) -> f64 {
    let [al, be, ga, de] = p;
    let (lb_p, lb_t) = (ln_beta(al, be), ln_beta(ga, de));
    let alive_term = (ln_beta(al + x, be + n - x) - lb_p + ln_beta(ga, de + n) - lb_t).exp();
    let dead_terms: f64 = (0..(n - t_x) as u32)
        .map(|i| {
            let i = f64::from(i);
            (ln_beta(al + x, be + t_x - x + i) - lb_p + ln_beta(ga + 1.0, de + t_x + i) - lb_t)
                .exp()
        })
        .sum();
    let alive = alive_term / (alive_term + dead_terms);
    let (a, b, g, d) = (al + x, be + n - x, ga, de + n);
    let quiet = |i: f64| (ln_beta(a, b + i) - ln_beta(a, b)).exp();
    let lives_then_dies: f64 = (0..future)
        .map(|i| {
            let i = f64::from(i);
            (ln_beta(g + 1.0, d + i) - ln_beta(g, d)).exp() * quiet(i)
        })
        .sum();
    let m = f64::from(future);
    let lives_through = (ln_beta(g, d + m) - ln_beta(g, d)).exp() * quiet(m);
    1.0 - alive + alive * (lives_then_dies + lives_through)
}

/// BG/BB on the donations MLE: sums to 1, the mean is FHS (2010) equation 13 (the crate's
/// `conditional_expected_purchases`, itself checked against the paper's 3.627968 in its doctest)
/// and P(X = 0) matches the sum written out above.
#[test]
fn bg_bb_sums_to_one_has_the_conditional_mean_and_the_direct_zero() {
    let model = bg_bb();
    let p = model.params();
    let histories = [
        (0, 0, 6),
        (1, 1, 6),
        (4, 5, 6),
        (6, 6, 6),
        (3, 3, 6),
        (40, 90, 120),
    ];
    for (x, t_x, n) in histories {
        let history = DiscreteHistory::new(x, t_x, n).unwrap();
        for future in [1, 5, 10, 200] {
            let label = format!("({x}, {t_x}, {n}) n* = {future}");
            let d = model
                .purchase_distribution_given(&history, future, MIN_TAIL_MASS)
                .unwrap();
            assert!(d.probabilities.len() <= future as usize + 1, "{label}");
            assert!(
                d.probabilities.iter().all(|p| (0.0..=1.0).contains(p)),
                "{label}"
            );
            let total: f64 = d.probabilities.iter().sum();
            assert!((total - 1.0).abs() < 1e-9, "{label}: {total}");
            let expected = model
                .conditional_expected_purchases(future, &history)
                .unwrap();
            // The counts past the tail, for a donor almost surely gone ((40, 90, 120)).
            let rest: f64 = (d.probabilities.len() as u32..=future)
                .map(|k| {
                    f64::from(k)
                        * model
                            .probability_of_purchases_given(&history, k, future)
                            .unwrap()
                })
                .sum();
            let mean = d.mean() + rest;
            assert!(
                (mean - expected).abs() <= 1e-8 * expected,
                "{label}: {mean} vs {expected}"
            );
            let none = bg_bb_none_directly(
                [p.alpha, p.beta, p.gamma, p.delta],
                f64::from(x),
                f64::from(t_x),
                f64::from(n),
                future,
            );
            assert!((d.probabilities[0] - none).abs() < 1e-12, "{label}: {none}");
            let beyond = model.probability_of_purchases_given(&history, future + 1, future);
            assert_eq!(beyond.unwrap(), 0.0, "{label}");
        }
    }
}

/// Heavy buyers (x up to 10⁵, who bought at the end of the observation and are likely alive):
/// the log-space forms keep every value finite, the sum at 1 and the mean at the conditional
/// expectation over thousands of counts.
#[test]
fn heavy_buyers_stay_exact() {
    for x in [1e3, 1e5] {
        let history = h(x, 40.0, 40.0);
        assert!(pareto_nbd().probability_alive(&history).unwrap() > 0.9);
        assert!(bg_nbd().probability_alive(&history).unwrap() > 0.5);
        let models: [(&Run, &str); 4] = [
            (&|t| dist_and_mean(&bg_nbd(), &history, t), "BG/NBD"),
            (&|t| dist_and_mean(&mbg_nbd(), &history, t), "MBG/NBD"),
            (&|t| dist_and_mean(&pareto_nbd(), &history, t), "Pareto/NBD"),
            (&|t| dist_and_mean(&nbd(), &history, t), "NBD"),
        ];
        for (run, name) in models {
            let (d, mean, expected) = run(10.0);
            let total: f64 = d.probabilities.iter().sum();
            assert!((total - 1.0).abs() < 1e-9, "{name} x = {x}: {total}");
            assert!(d.probabilities.len() as f64 > x / 10.0, "{name} x = {x}");
            assert!(
                (mean - expected).abs() <= 1e-8 * expected,
                "{name} x = {x}: {mean} vs {expected}"
            );
        }
    }
}

/// One model's [`dist_and_mean`] at a horizon.
type Run<'a> = dyn Fn(f64) -> (PurchaseDistribution, f64, f64) + 'a;

/// The distribution to a tail of 10⁻¹², its mean with the tail's share added, and E[Y(t)].
fn dist_and_mean<M>(model: &M, history: &RepeatHistory, t: f64) -> (PurchaseDistribution, f64, f64)
where
    M: PurchaseModel + PurchaseCountDistribution<History = RepeatHistory, Horizon = f64>,
{
    let d = model
        .purchase_distribution_given(history, t, 1e-12)
        .unwrap();
    let expected = model.conditional_expected_purchases(t, history).unwrap();
    let from = d.probabilities.len() as u32;
    let mean = d.mean() + tail_mean(model, history, t, from, expected);
    (d, mean, expected)
}

#[test]
fn bad_arguments_are_typed_errors() {
    let history = h(2.0, 30.43, 38.86);
    let invalid = |r: Result<f64, ClvError>, name: &str| {
        assert!(
            matches!(r, Err(ClvError::InvalidArgument { name: n, .. }) if n == name),
            "{r:?}"
        )
    };
    for t in [-1.0, f64::NAN, f64::INFINITY] {
        invalid(bg_nbd().probability_of_purchases_given(&history, 0, t), "t");
        invalid(
            mbg_nbd().probability_of_purchases_given(&history, 0, t),
            "t",
        );
        invalid(
            pareto_nbd().probability_of_purchases_given(&history, 0, t),
            "t",
        );
        invalid(nbd().probability_of_purchases_given(&history, 0, t), "t");
        let d = pareto_nbd().purchase_distribution_given(&history, t, 1e-6);
        invalid(d.map(|_| 0.0), "t");
    }
    for tail in [0.0, 1e-13, 1.0, f64::NAN, -0.5] {
        let d = bg_nbd().purchase_distribution_given(&history, 39.0, tail);
        invalid(d.map(|_| 0.0), "tail_mass");
    }
    // A customer with 10⁹ purchases a week expects 10⁹ more next week: more counts than allowed.
    let busy = h(1e9, 1.0, 1.0);
    let d = nbd().purchase_distribution_given(&busy, 1.0, 1e-6);
    invalid(d.map(|_| 0.0), "tail_mass");
    assert!(MAX_COUNTS < 1e9 as usize);
    let donor = DiscreteHistory::new(1, 1, 6).unwrap();
    invalid(
        bg_bb().probability_of_purchases_given(&donor, 0, 10_001),
        "future_periods",
    );
    // BG/NBD is not defined at a fractional x in (0, 1) with b ≤ 1 − x.
    let outside = BgNbd::new(0.243, 4.414, 0.793, 0.3).unwrap();
    let r = outside.probability_of_purchases_given(&h(0.5, 1.0, 2.0), 0, 1.0);
    assert!(matches!(r, Err(ClvError::InvalidHistory { .. })), "{r:?}");
}

/// P(Y = n | history) at one horizon for each continuous-time model.
fn at_every_continuous_model(history: &RepeatHistory, n: u32, t: f64) -> [f64; 4] {
    [
        bg_nbd().probability_of_purchases_given(history, n, t),
        mbg_nbd().probability_of_purchases_given(history, n, t),
        pareto_nbd().probability_of_purchases_given(history, n, t),
        nbd().probability_of_purchases_given(history, n, t),
    ]
    .map(Result::unwrap)
}

/// A horizon of 0: no purchase, surely.
#[test]
fn a_zero_horizon_is_no_purchase() {
    let history = h(2.0, 30.43, 38.86);
    let donor = DiscreteHistory::new(4, 5, 6).unwrap();
    for n in [0, 1, 5] {
        let want = if n == 0 { 1.0 } else { 0.0 };
        assert_eq!(at_every_continuous_model(&history, n, 0.0), [want; 4]);
        let discrete = bg_bb()
            .probability_of_purchases_given(&donor, n, 0)
            .unwrap();
        assert_eq!(discrete, want);
    }
}

#[cfg(feature = "serde")]
#[test]
fn the_distribution_round_trips_through_json() {
    let d = pareto_nbd()
        .purchase_distribution_given(&h(2.0, 30.43, 38.86), 39.0, 1e-6)
        .unwrap();
    let json = serde_json::to_string(&d).unwrap();
    let back: PurchaseDistribution = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}
