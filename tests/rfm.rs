//! RFM scoring, segments and the value matrix: CDNOW against numpy, hand-made rules, properties.

use chrono::NaiveDate;
use customer_value::rfm::{
    value_matrix, RfmError, SegmentMap, SegmentRule, SegmentRules, SplitAt, ValueCell,
    ValueMatrixOptions,
};
use customer_value::{
    Binning, CustomerSummary, MonetaryBasis, RfmScore, RfmScorer, RfmSegment, Settings, Summarizer,
    Transaction,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

mod common;
use common::cdnow_master;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// Values computed independently with pandas/numpy (numpy.quantile, linear interpolation) on the
/// CDNOW master log as of 1998-06-30: recency = days since the last purchase day, frequency =
/// distinct purchase days, monetary = total dollars.
#[test]
fn cdnow_quintiles_match_numpy() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&cdnow_master())
        .unwrap();
    assert_eq!(summaries.len(), 23570);
    let scorer = RfmScorer::new();
    let fitted = scorer.fit(&summaries).unwrap();
    let b = fitted.breakpoints();
    assert_eq!(b.recency, vec![141.0, 432.0, 485.0, 512.0]);
    assert_eq!(b.frequency, vec![1.0, 1.0, 2.0, 4.0]);
    let money = [15.36, 31.35, 59.924, 133.95];
    for (got, want) in b.monetary.iter().zip(money) {
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    }
    let records = scorer.score(&summaries).unwrap();
    let count = |f: &dyn Fn(&RfmScore) -> u8, level| {
        records.iter().filter(|r| f(&r.score) == level).count()
    };
    let r: Vec<usize> = (1..=5).map(|l| count(&|s| s.recency, l)).collect();
    let f: Vec<usize> = (1..=5).map(|l| count(&|s| s.frequency, l)).collect();
    let m: Vec<usize> = (1..=5).map(|l| count(&|s| s.monetary, l)).collect();
    assert_eq!(r, vec![4539, 4748, 4844, 4720, 4719]);
    // Coinciding breakpoints (1, 1) make frequency scores skip from 1 to 3.
    assert_eq!(f, vec![12054, 0, 4040, 3641, 3835]);
    assert_eq!(m, vec![4817, 4615, 4710, 4715, 4713]);
    let first: Vec<(u8, u8, u8)> = records[..3]
        .iter()
        .map(|r| (r.score.recency, r.score.frequency, r.score.monetary))
        .collect();
    assert_eq!(first, vec![(1, 1, 1), (1, 1, 4), (5, 5, 5)]);
    assert_eq!(records[2].segment, RfmSegment::Champions);
}

fn t(c: u32, d: NaiveDate, amount: i64) -> Transaction<u32> {
    Transaction::new(c, d, Decimal::from(amount))
}

/// Five customers with 1..=5 purchase days and spend 10, 20, .., 50, last bought 5, 4, .., 1 days
/// before the end.
fn ladder() -> Vec<CustomerSummary<u32>> {
    let end = day(2024, 1, 31);
    let mut log = Vec::new();
    for c in 1..=5u32 {
        for k in 0..c {
            log.push(t(c, day(2024, 1, 1 + k), 0));
        }
        log.push(t(
            c,
            end - chrono::Duration::days(i64::from(6 - c)),
            i64::from(10 * c),
        ));
    }
    Summarizer::new(end).summarize(&log).unwrap()
}

#[test]
fn ties_at_a_breakpoint_share_a_score_and_scores_count_strictly_below() {
    let s = ladder();
    // Monetary 10..50: quintile breakpoints 18, 26, 34, 42 → scores 1..5.
    let records = RfmScorer::new().score(&s).unwrap();
    let m: Vec<u8> = records.iter().map(|r| r.score.monetary).collect();
    assert_eq!(m, vec![1, 2, 3, 4, 5]);
    // Recency 5..1 days: the most recent gets 5.
    let r: Vec<u8> = records.iter().map(|r| r.score.recency).collect();
    assert_eq!(r, vec![1, 2, 3, 4, 5]);
    // A value equal to a breakpoint is not above it: with bins 2 the median of 10..50 is 30, and
    // customer 3 (30) scores 1.
    let two = RfmScorer::new().bins(2).score(&s).unwrap();
    assert_eq!(
        two.iter().map(|r| r.score.monetary).collect::<Vec<_>>(),
        vec![1, 1, 1, 2, 2]
    );
}

#[test]
fn equal_count_is_dplyr_ntile_with_ties_by_id() {
    // Six customers, monetary 10, 10, 10, 10, 20, 30; three groups of two.
    let end = day(2024, 1, 31);
    let amounts = [10, 10, 10, 10, 20, 30];
    let log: Vec<_> = amounts
        .iter()
        .enumerate()
        .map(|(i, a)| t(i as u32 + 1, day(2024, 1, 10), *a))
        .collect();
    let s = Summarizer::new(end).summarize(&log).unwrap();
    let scorer = RfmScorer::new().bins(3).binning(Binning::EqualCount);
    let records = scorer.score(&s).unwrap();
    assert_eq!(
        records.iter().map(|r| r.score.monetary).collect::<Vec<_>>(),
        vec![1, 1, 2, 2, 3, 3]
    );
    // Fitted boundaries are the last member of each group: 10 (group 1) and 10 (group 2, the
    // straddling tie); a new 10 goes to the lowest group whose boundary is ≥ it, group 1; 15 and 25
    // are above every boundary and go to the last group.
    let fitted = scorer.fit(&s).unwrap();
    assert_eq!(fitted.breakpoints().monetary, vec![10.0, 10.0]);
    let newcomers = Summarizer::new(end)
        .summarize(&[
            t(7, day(2024, 1, 2), 10),
            t(8, day(2024, 1, 2), 15),
            t(9, day(2024, 1, 2), 25),
        ])
        .unwrap();
    let scores: Vec<u8> = newcomers
        .iter()
        .map(|n| fitted.score_one(n).monetary)
        .collect();
    assert_eq!(scores, vec![1, 3, 3]);
    // Seven customers into three groups: sizes 3, 2, 2 (larger first).
    let log: Vec<_> = (1..=7)
        .map(|c| t(c, day(2024, 1, 10), i64::from(c)))
        .collect();
    let s = Summarizer::new(end).summarize(&log).unwrap();
    let records = scorer.score(&s).unwrap();
    assert_eq!(
        records.iter().map(|r| r.score.monetary).collect::<Vec<_>>(),
        vec![1, 1, 1, 2, 2, 3, 3]
    );
    assert_eq!(
        scorer.bins(8).score(&s).unwrap_err(),
        RfmError::TooFewCustomers {
            customers: 7,
            bins: 8
        }
    );
}

#[test]
fn thresholds_score_against_the_callers_cuts() {
    let s = ladder();
    let scorer = RfmScorer::new().bins(3).binning(Binning::Thresholds {
        recency: vec![2.0, 4.0],
        frequency: vec![1.0, 3.0],
        monetary: vec![25.0, 45.0],
    });
    let records = scorer.score(&s).unwrap();
    let got: Vec<(u8, u8, u8)> = records
        .iter()
        .map(|r| (r.score.recency, r.score.frequency, r.score.monetary))
        .collect();
    // recency 5,4,3,2,1 days; frequency 2..6 occasions (the free days count: 3 is not above the
    // cut 3, 4 is); monetary 10..50.
    assert_eq!(
        got,
        vec![(1, 2, 1), (2, 2, 1), (2, 3, 2), (3, 3, 2), (3, 3, 3)]
    );
}

#[test]
fn average_order_value_basis() {
    let s = ladder();
    let records = RfmScorer::new()
        .monetary(MonetaryBasis::AveragePerOccasion)
        .score(&s)
        .unwrap();
    // Customer 5: 50 over 6 occasions.
    assert_eq!(records[4].monetary, Decimal::from(50) / Decimal::from(6));
}

#[test]
fn custom_rules_name_segments() {
    let rules = SegmentRules::new(vec![SegmentRule::new("Top", 4..=5, 4..=5, 4..=5)], "Rest");
    let records = RfmScorer::new()
        .segments(SegmentMap::Rules(rules))
        .score(&ladder())
        .unwrap();
    assert_eq!(records[4].segment, RfmSegment::Custom("Top".into()));
    assert_eq!(records[0].segment.name(), "Rest");
}

#[test]
fn bad_settings_are_typed_errors() {
    let s = ladder();
    assert_eq!(
        RfmScorer::new().bins(1).score(&s).unwrap_err(),
        RfmError::InvalidParameter {
            name: "bins",
            value: 1.0,
            constraint: "must be between 2 and 10"
        }
    );
    assert_eq!(
        RfmScorer::new().bins(11).score(&s).unwrap_err(),
        RfmError::InvalidParameter {
            name: "bins",
            value: 11.0,
            constraint: "must be between 2 and 10"
        }
    );
    let empty: Vec<CustomerSummary<u32>> = Vec::new();
    assert_eq!(
        RfmScorer::new().score(&empty).unwrap_err(),
        RfmError::EmptyInput
    );
    let not_increasing = Binning::Thresholds {
        recency: vec![1.0, 1.0],
        frequency: vec![1.0, 2.0],
        monetary: vec![1.0, 2.0],
    };
    assert!(matches!(
        RfmScorer::new().bins(3).binning(not_increasing).score(&s),
        Err(RfmError::InvalidParameter {
            name: "thresholds.recency",
            ..
        })
    ));
    let wrong_length = Binning::Thresholds {
        recency: vec![1.0],
        frequency: vec![1.0, 2.0],
        monetary: vec![1.0, 2.0],
    };
    assert!(RfmScorer::new()
        .bins(3)
        .binning(wrong_length)
        .check()
        .is_err());
    let nan = Binning::Thresholds {
        recency: vec![1.0, 2.0],
        frequency: vec![f64::NAN, 2.0],
        monetary: vec![1.0, 2.0],
    };
    assert!(matches!(
        RfmScorer::new().bins(3).binning(nan).check(),
        Err(RfmError::InvalidParameter {
            name: "thresholds.frequency",
            ..
        })
    ));
}

#[test]
fn value_matrix_splits_at_mean_or_median_and_filters_before_splitting() {
    let s = ladder();
    let m = value_matrix(&s, &ValueMatrixOptions::default()).unwrap();
    // Occasions 2..6 (mean 4, equal counts as high), order values 10/2, 20/3, 30/4, 40/5, 50/6
    // (mean 7.1).
    assert_eq!(m.frequency_split, 4.0);
    assert!((m.order_value_split - 7.1).abs() < 1e-12);
    let cells: Vec<ValueCell> = m.cells.iter().map(|c| c.1.unwrap()).collect();
    use ValueCell::*;
    assert_eq!(cells, vec![Uncertain, Uncertain, Best, Best, Best]);
    assert_eq!(m.counts, [3, 0, 0, 2]);
    assert_eq!(m.revenue[0], Decimal::from(120));
    let median = value_matrix(
        &s,
        &ValueMatrixOptions {
            split: SplitAt::Median,
            max_recency_days: None,
        },
    )
    .unwrap();
    assert_eq!(median.order_value_split, 7.5);
    // Keep only the last two days' buyers: splits from customers 4 and 5 alone.
    let recent = value_matrix(
        &s,
        &ValueMatrixOptions {
            split: SplitAt::Mean,
            max_recency_days: Some(2),
        },
    )
    .unwrap();
    assert_eq!(recent.frequency_split, 5.5);
    assert_eq!(recent.cells[0].1, None);
    assert_eq!(recent.cells[4].1, Some(Best));
    assert_eq!(recent.cells[3].1, Some(Uncertain));
    assert_eq!(
        value_matrix(
            &s,
            &ValueMatrixOptions {
                split: SplitAt::Mean,
                max_recency_days: Some(0)
            }
        )
        .unwrap_err(),
        RfmError::NoActiveCustomers {
            max_recency_days: 0
        }
    );
}

fn arbitrary_summaries() -> impl Strategy<Value = Vec<CustomerSummary<u16>>> {
    prop::collection::vec((0u16..300, 0i64..200, 1i64..100_000), 1..150).prop_map(|rows| {
        let log: Vec<_> = rows
            .into_iter()
            .map(|(c, offset, cents)| {
                Transaction::new(
                    c,
                    day(2024, 1, 1) + chrono::Duration::days(offset),
                    Decimal::new(cents, 2),
                )
            })
            .collect();
        Summarizer::new(day(2024, 12, 31)).summarize(&log).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn scores_are_in_range_and_independent_of_order(
        summaries in arbitrary_summaries(),
        bins in 2u8..=10,
        equal_count in any::<bool>(),
        rotate in 0usize..150,
    ) {
        let binning = if equal_count { Binning::EqualCount } else { Binning::Quantiles };
        let scorer = RfmScorer::new().bins(bins).binning(binning);
        let mut rotated = summaries.clone();
        let k = rotate % rotated.len();
        rotated.rotate_left(k);
        rotated.reverse();
        match (scorer.score(&summaries), scorer.score(&rotated)) {
            (Ok(a), Ok(b)) => {
                for r in &a {
                    for s in [r.score.recency, r.score.frequency, r.score.monetary] {
                        prop_assert!((1..=bins).contains(&s));
                    }
                }
                let mut b = b;
                b.sort_by_key(|r| r.customer);
                prop_assert_eq!(a, b);
            }
            (Err(ea), Err(eb)) => prop_assert_eq!(ea, eb),
            _ => prop_assert!(false, "one order failed and the other did not"),
        }
    }

    #[test]
    fn fitted_quantile_scores_equal_fit_then_score(summaries in arbitrary_summaries(), bins in 2u8..=10) {
        let scorer = RfmScorer::new().bins(bins);
        let fitted = scorer.fit(&summaries).unwrap();
        let direct = scorer.score(&summaries).unwrap();
        for (s, r) in summaries.iter().zip(&direct) {
            prop_assert_eq!(fitted.score_one(s), r.score);
        }
    }
}
