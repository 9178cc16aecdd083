//! Cronbach's alpha with Feldt's interval, listwise and pairwise, against pingouin 0.7.0 on the two
//! data sets it ships (tests/data/pingouin_*.csv, copied from pingouin's `datasets/`), and every
//! error path.
//!
//! Reference script (pingouin 0.7.0, scipy 1.17.1, pandas 3.1.1):
//!
//! ```text
//! import pandas as pd, pingouin as pg
//! from scipy.stats import f
//! long = pd.read_csv("pingouin_cronbach_alpha.csv")
//! pg.cronbach_alpha(data=long, items="Items", scores="Scores", subject="Subj")
//! wide = pd.read_csv("pingouin_cronbach_wide_missing.csv", encoding="utf-8-sig")
//! pg.cronbach_alpha(data=wide); pg.cronbach_alpha(data=wide, nan_policy="listwise")
//! # pingouin rounds its interval to 3 decimals; unrounded, for n respondents and k items:
//! def feldt(a, n, k, ci=.95):
//!     t = (1 - ci) / 2; d1 = n - 1; d2 = d1 * (k - 1)
//!     return 1 - (1 - a) * f.isf(t, d1, d2), 1 - (1 - a) * f.isf(1 - t, d1, d2)
//! ```

use customer_value::satisfaction::{
    cronbach_alpha, cronbach_alpha_interval, AlphaEstimate, MissingAnswers, SatisfactionError,
};
use ndarray::{array, Array2};
use proptest::prelude::*;

/// pingouin's Likert data set in long format (Subj, Items, Scores): 15 respondents × 10 items.
fn likert() -> Array2<f64> {
    let text = include_str!("data/pingouin_cronbach_alpha.csv");
    let mut items = Array2::from_elem((15, 10), f64::NAN);
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let subject: usize = fields[0].parse().unwrap();
        let item: usize = fields[1].trim_start_matches('Q').parse().unwrap();
        items[[subject, item - 1]] = fields[2].parse().unwrap();
    }
    assert!(
        items.iter().all(|v| v.is_finite()),
        "every cell filled once"
    );
    items
}

/// pingouin's binary data set with missing answers: 12 respondents × 11 items, 4 blanks.
fn binary_with_blanks() -> Array2<f64> {
    let text = include_str!("data/pingouin_cronbach_wide_missing.csv");
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .map(|field| field.trim().parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    Array2::from_shape_vec((rows.len(), rows[0].len()), flat).unwrap()
}

fn assert_close(got: f64, want: f64, tolerance: f64, what: &str) {
    assert!((got - want).abs() <= tolerance, "{what}: {got} vs {want}");
}

fn assert_interval(estimate: &AlphaEstimate, lower: f64, upper: f64, tolerance: f64) {
    assert_close(estimate.interval.lower, lower, tolerance, "lower bound");
    assert_close(estimate.interval.upper, upper, tolerance, "upper bound");
    assert_eq!(estimate.interval.estimate, estimate.alpha);
}

#[test]
fn likert_long_format_matches_pingouin() {
    let items = likert();
    let estimate = cronbach_alpha_interval(items.view(), MissingAnswers::Listwise, 0.95).unwrap();
    assert_eq!((estimate.respondents, estimate.items), (15, 10));
    // pingouin: (0.5917188485995826, [0.195, 0.84]).
    assert_close(estimate.alpha, 0.5917188485995826, 1e-12, "alpha");
    assert_interval(&estimate, 0.195, 0.84, 5e-4);
    assert_interval(&estimate, 0.19492139066312175, 0.8398208146275432, 1e-9);
    // ci = 0.90: scipy (0.27692447225009786, 0.8123374925356796).
    let ninety = cronbach_alpha_interval(items.view(), MissingAnswers::Pairwise, 0.90).unwrap();
    assert_interval(&ninety, 0.27692447225009786, 0.8123374925356796, 1e-9);
    // The same interval from the full item analysis.
    let full = cronbach_alpha(items.view()).unwrap();
    assert_eq!(full.feldt_interval(0.95).unwrap(), estimate.interval);
}

#[test]
fn binary_items_with_blanks_pairwise_match_pingouin() {
    let estimate =
        cronbach_alpha_interval(binary_with_blanks().view(), MissingAnswers::Pairwise, 0.95)
            .unwrap();
    assert_eq!(estimate.missing, MissingAnswers::Pairwise);
    assert_eq!((estimate.respondents, estimate.items), (12, 11));
    // pingouin (and R psych::alpha(use = "pairwise")): (0.732660835214447, [0.435, 0.909]).
    assert_close(estimate.alpha, 0.732660835214447, 1e-12, "alpha");
    assert_interval(&estimate, 0.435, 0.909, 5e-4);
    assert_interval(&estimate, 0.4353104485448258, 0.9093629101644293, 1e-9);
}

#[test]
fn binary_items_with_blanks_listwise_use_the_complete_respondents() {
    let estimate =
        cronbach_alpha_interval(binary_with_blanks().view(), MissingAnswers::Listwise, 0.95)
            .unwrap();
    // pingouin's alpha after dropping the 3 incomplete rows: 0.8016949152542373.
    assert_close(estimate.alpha, 0.8016949152542373, 1e-12, "alpha");
    assert_eq!(estimate.respondents, 9);
    // pingouin reports [0.581, 0.933]: it takes n from the rows before dropping (12). Feldt's n is
    // the sample alpha was computed from, 9: scipy gives the interval below.
    assert_interval(&estimate, 0.5330031999132735, 0.9472079673390164, 1e-9);
    assert!(estimate.interval.lower < 0.581 && estimate.interval.upper > 0.933);
}

#[test]
fn intervals_nest_and_contain_alpha_at_every_usual_level() {
    let items = binary_with_blanks();
    let mut previous: Option<AlphaEstimate> = None;
    for level in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999_999] {
        let estimate =
            cronbach_alpha_interval(items.view(), MissingAnswers::Pairwise, level).unwrap();
        assert!(estimate.interval.contains(estimate.alpha));
        if let Some(narrower) = previous {
            assert!(estimate.interval.lower < narrower.interval.lower);
            assert!(estimate.interval.upper > narrower.interval.upper);
        }
        previous = Some(estimate);
    }
}

#[test]
fn fewer_than_two_items_or_respondents_are_refused() {
    for missing in [MissingAnswers::Listwise, MissingAnswers::Pairwise] {
        assert_eq!(
            cronbach_alpha_interval(array![[1.0], [2.0], [3.0]].view(), missing, 0.95),
            Err(SatisfactionError::TooFewItems {
                statistic: "Cronbach's alpha",
                needed: 2,
                found: 1
            })
        );
        let one_respondent = array![[1.0, 2.0], [f64::NAN, f64::NAN]];
        assert_eq!(
            cronbach_alpha_interval(one_respondent.view(), missing, 0.95),
            Err(SatisfactionError::TooFewRespondents {
                statistic: "Cronbach's alpha",
                needed: 2,
                found: 1
            })
        );
    }
    // Listwise, three respondents each skipping one item leave no complete respondent.
    let staggered = array![
        [f64::NAN, 1.0, 2.0],
        [1.0, f64::NAN, 2.0],
        [1.0, 2.0, f64::NAN]
    ];
    assert_eq!(
        cronbach_alpha_interval(staggered.view(), MissingAnswers::Listwise, 0.95),
        Err(SatisfactionError::TooFewRespondents {
            statistic: "Cronbach's alpha",
            needed: 2,
            found: 0
        })
    );
    // Pairwise, items 0 and 1 were answered together by respondent 2 only.
    assert_eq!(
        cronbach_alpha_interval(staggered.view(), MissingAnswers::Pairwise, 0.95),
        Err(SatisfactionError::TooFewCommonAnswers {
            first: 0,
            second: 1,
            found: 1
        })
    );
}

#[test]
fn a_pair_without_two_common_respondents_is_named() {
    let items = array![
        [1.0, 2.0, f64::NAN],
        [2.0, 3.0, 1.0],
        [3.0, f64::NAN, 2.0],
        [4.0, f64::NAN, 4.0]
    ];
    // Items 1 and 2 were answered together by respondent 1 only.
    assert_eq!(
        cronbach_alpha_interval(items.view(), MissingAnswers::Pairwise, 0.95),
        Err(SatisfactionError::TooFewCommonAnswers {
            first: 1,
            second: 2,
            found: 1
        })
    );
}

#[test]
fn levels_outside_zero_one_are_refused() {
    let items = likert();
    for level in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            cronbach_alpha_interval(items.view(), MissingAnswers::Pairwise, level),
            Err(SatisfactionError::InvalidParameter { name: "level", .. })
        ));
        let full = cronbach_alpha(items.view()).unwrap();
        assert!(matches!(
            full.feldt_interval(level),
            Err(SatisfactionError::InvalidParameter { name: "level", .. })
        ));
    }
}

#[test]
fn inconsistent_pairwise_covariances_are_refused() {
    // Items 0 and 1 move together (covariance 50) on the two respondents who answered both, while
    // each item's variance over its four answers is 50/3: alpha = 2 (1 − 100/3 / (100/3 + 100))
    // = 1.5, which no single sample can give.
    let nan = f64::NAN;
    let items = array![
        [0.0, 0.0],
        [10.0, 10.0],
        [5.0, nan],
        [5.0, nan],
        [nan, 5.0],
        [nan, 5.0]
    ];
    match cronbach_alpha_interval(items.view(), MissingAnswers::Pairwise, 0.95) {
        Err(SatisfactionError::PairwiseAlphaAboveOne { alpha }) => {
            assert_close(alpha, 1.5, 1e-12, "alpha")
        }
        other => panic!("expected PairwiseAlphaAboveOne, got {other:?}"),
    }
    // Listwise the same data keep two identical items: alpha 1, interval [1, 1].
    let listwise = cronbach_alpha_interval(items.view(), MissingAnswers::Listwise, 0.95).unwrap();
    assert_eq!(listwise.alpha, 1.0);
    assert_eq!(
        (listwise.interval.lower, listwise.interval.upper),
        (1.0, 1.0)
    );
}

#[test]
fn constant_items_and_infinite_answers_are_refused() {
    let constant = array![[3.0, 3.0], [3.0, 3.0], [3.0, 3.0]];
    assert_eq!(
        cronbach_alpha_interval(constant.view(), MissingAnswers::Pairwise, 0.95),
        Err(SatisfactionError::ZeroVariance {
            name: "total score".to_string()
        })
    );
    let infinite = array![[1.0, 2.0], [2.0, f64::INFINITY], [3.0, 3.0]];
    for missing in [MissingAnswers::Listwise, MissingAnswers::Pairwise] {
        assert_eq!(
            cronbach_alpha_interval(infinite.view(), missing, 0.95),
            Err(SatisfactionError::NonFinite {
                position: 1,
                value: f64::INFINITY
            })
        );
    }
}

#[test]
fn huge_answers_give_the_same_alpha_as_small_ones() {
    // Alpha does not depend on the unit: the Likert answers × 2¹⁰⁰⁰ (near f64::MAX) agree.
    let items = likert();
    let huge = items.mapv(|v| v * 2f64.powi(1000));
    let small = cronbach_alpha_interval(items.view(), MissingAnswers::Pairwise, 0.95).unwrap();
    let large = cronbach_alpha_interval(huge.view(), MissingAnswers::Pairwise, 0.95).unwrap();
    assert_close(large.alpha, small.alpha, 1e-14, "alpha");
}

#[cfg(feature = "serde")]
#[test]
fn estimates_round_trip_through_json() {
    let estimate =
        cronbach_alpha_interval(binary_with_blanks().view(), MissingAnswers::Pairwise, 0.95)
            .unwrap();
    let json = serde_json::to_string(&estimate).unwrap();
    let back: AlphaEstimate = serde_json::from_str(&json).unwrap();
    assert_eq!(back, estimate);
    // A value the computation cannot produce is refused when read.
    for (from, to) in [
        ("\"respondents\":12", "\"respondents\":13"),
        ("\"respondents\":12", "\"respondents\":1"),
        ("\"items\":11", "\"items\":1"),
        ("\"level\":0.95", "\"level\":1.5"),
        ("\"alpha\":0.73", "\"alpha\":1.73"),
    ] {
        let tampered = json.replacen(from, to, 1);
        assert_ne!(tampered, json, "{from} is in {json}");
        assert!(
            serde_json::from_str::<AlphaEstimate>(&tampered).is_err(),
            "{tampered}"
        );
    }
}

proptest! {
    /// Any finite or missing answers and any level in (0, 1): a typed error or a finite alpha ≤ 1
    /// inside a finite interval, never a panic or a NaN.
    #[test]
    fn hostile_matrices_give_finite_results_or_typed_errors(
        rows in 2usize..9,
        columns in 2usize..6,
        cells in proptest::collection::vec(
            prop_oneof![
                Just(f64::NAN),
                Just(f64::MAX),
                Just(-f64::MAX),
                Just(5e-324),
                -1e300f64..1e300,
                0.0f64..5.0,
            ],
            40,
        ),
        level in prop_oneof![Just(1.0 - f64::EPSILON / 2.0), Just(1e-300), 0.0f64..1.0],
        pairwise in any::<bool>(),
    ) {
        let items = Array2::from_shape_fn((rows, columns), |(i, j)| cells[(i * columns + j) % 40]);
        let missing = if pairwise { MissingAnswers::Pairwise } else { MissingAnswers::Listwise };
        if let Ok(estimate) = cronbach_alpha_interval(items.view(), missing, level) {
            prop_assert!(estimate.alpha.is_finite() && estimate.alpha <= 1.0);
            let interval = estimate.interval;
            prop_assert!(interval.lower.is_finite() && interval.upper.is_finite());
            prop_assert!(interval.lower <= estimate.alpha && estimate.alpha <= interval.upper);
            prop_assert!(interval.upper <= 1.0);
        }
    }
}
