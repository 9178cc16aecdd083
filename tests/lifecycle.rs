//! Lifecycle rules on hand-built histories: every rule, each threshold exactly at and just past its
//! value, the P(alive) option with a test model, transitions, errors and properties.

use std::cell::RefCell;

use chrono::{Duration, NaiveDate};
use customer_value::clv::{ClvError, PurchaseModel, RepeatHistory};
use customer_value::lifecycle::{
    Classification, LifecycleClassifier, LifecycleError, LifecycleRule, LifecycleRules,
    LifecycleStage, Transitions,
};
use customer_value::{CustomerSummary, Summarizer, TimeUnit, Transaction};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Day 0 of every hand-built history.
fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Duration::days(offset)
}

/// Summaries as of `end` (a day offset) from (customer, [(day offset, amount in cents)]).
fn summaries(customers: &[(u32, &[(i64, i64)])], end: i64) -> Vec<CustomerSummary<u32>> {
    let log: Vec<Transaction<u32>> = customers
        .iter()
        .flat_map(|(id, occasions)| {
            occasions.iter().map(move |&(offset, cents)| {
                Transaction::new(*id, day(offset), Decimal::new(cents, 2))
            })
        })
        .collect();
    Summarizer::new(day(end)).summarize(&log).unwrap()
}

/// A classifier whose population gap is fixed, so the arithmetic of g is in the test's hands.
fn fixed_gap(gap: f64) -> LifecycleClassifier {
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(gap);
    LifecycleClassifier::new(rules).unwrap()
}

/// Stage and rule of customer 1, classified as of day `as_of`.
fn judge(
    classifier: &LifecycleClassifier, occasions: &[(i64, i64)], as_of: i64,
) -> (LifecycleStage, LifecycleRule) {
    let s = summaries(&[(1, occasions)], as_of);
    let c = classifier.classify(&s, &[], day(as_of)).unwrap();
    let row = &c.customers()[0];
    assert_eq!(row.stage, row.reason.stage);
    (row.stage, row.reason.rule)
}

use LifecycleRule as R;
use LifecycleStage as S;

#[test]
fn churn_threshold_at_the_floor() {
    // n = 1, G = 30: g = 30, c = max(90, 90) = 90, 2g = 60.
    let c = fixed_gap(30.0);
    assert_eq!(
        judge(&c, &[(0, 1000)], 90),
        (S::Declining, R::RecencyPastExpectedGap)
    );
    assert_eq!(
        judge(&c, &[(0, 1000)], 91),
        (S::Churned, R::RecencyPastChurnThreshold)
    );
    // The floor holds for fast rhythms: G = 10 gives 3g = 30 but c = 90.
    let fast = fixed_gap(10.0);
    assert_eq!(judge(&fast, &[(0, 1000)], 90).0, S::Declining);
    assert_eq!(judge(&fast, &[(0, 1000)], 91).0, S::Churned);
}

#[test]
fn churn_threshold_between_floor_and_cap_is_three_gaps() {
    // G = 40: c = 120, 2g = 80.
    let c = fixed_gap(40.0);
    assert_eq!(judge(&c, &[(0, 1000)], 120).0, S::Declining);
    assert_eq!(judge(&c, &[(0, 1000)], 121).0, S::Churned);
    // Non-integer threshold: G = 40.5 gives c = 121.5; 121 days is under it, 122 over.
    let c = fixed_gap(40.5);
    assert_eq!(judge(&c, &[(0, 1000)], 121).0, S::Declining);
    assert_eq!(judge(&c, &[(0, 1000)], 122).0, S::Churned);
}

#[test]
fn churn_threshold_at_the_cap() {
    // G = 200: 3g = 600, capped at 365; 2g = 400 > 365 so a live single buyer stays New.
    let c = fixed_gap(200.0);
    assert_eq!(judge(&c, &[(0, 1000)], 365), (S::New, R::SinglePurchase));
    assert_eq!(
        judge(&c, &[(0, 1000)], 366),
        (S::Churned, R::RecencyPastChurnThreshold)
    );
}

#[test]
fn declining_when_twice_the_expected_gap_has_passed() {
    // G = 30, n = 1: 2g = 60.
    let c = fixed_gap(30.0);
    assert_eq!(judge(&c, &[(0, 1000)], 60), (S::New, R::SinglePurchase));
    assert_eq!(
        judge(&c, &[(0, 1000)], 61),
        (S::Declining, R::RecencyPastExpectedGap)
    );
}

#[test]
fn expected_gap_shrinks_the_own_rhythm_toward_the_population() {
    // n = 3 spanning 100 days, G = 20, k0 = 2: g = (100 + 40) / 4 = 35.
    let s = summaries(&[(1, &[(0, 100), (50, 100), (100, 100)])], 110);
    let c = fixed_gap(20.0).classify(&s, &[], day(110)).unwrap();
    let m = c.customers()[0].reason.metrics.unwrap();
    assert_eq!(m.expected_gap_days, 35.0);
    assert_eq!(m.churn_threshold_days, 105.0);
    assert_eq!(m.trend_window_days, 105.0);
    assert_eq!(m.return_window_days, 90.0);
    assert_eq!(
        (m.occasions, m.recency_days, m.tenure_days, m.last_gap_days),
        (3, 10, 110, Some(50))
    );
    // k0 = 0: the own mean gap alone, 50 days.
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(20.0);
    rules.shrinkage_strength = 0.0;
    let c = LifecycleClassifier::new(rules)
        .unwrap()
        .classify(&s, &[], day(110))
        .unwrap();
    assert_eq!(
        c.customers()[0].reason.metrics.unwrap().expected_gap_days,
        50.0
    );
}

#[test]
fn population_gap_is_the_median_of_mean_gaps() {
    // Mean gaps 10, 20 and 60 (odd count: median 20); customer 4 bought once: g = G.
    let s = summaries(
        &[
            (1, &[(0, 100), (10, 100)]),
            (2, &[(0, 100), (20, 100), (40, 100)]),
            (3, &[(0, 100), (60, 100)]),
            (4, &[(5, 100)]),
        ],
        70,
    );
    let c = LifecycleClassifier::default()
        .classify(&s, &[], day(70))
        .unwrap();
    assert_eq!(c.population_gap_days(), Some(20.0));
    assert_eq!(
        c.customers()[3].reason.metrics.unwrap().expected_gap_days,
        20.0
    );
    // Without customer 3 (even count): (10 + 20) / 2 = 15.
    let c = LifecycleClassifier::default()
        .classify(&[s[0].clone(), s[1].clone(), s[3].clone()], &[], day(70))
        .unwrap();
    assert_eq!(c.population_gap_days(), Some(15.0));
    // As of day 15 only customer 1 has two occasions: G = 10, and customer 3 is one purchase.
    let c = LifecycleClassifier::default()
        .classify(&s, &[], day(15))
        .unwrap();
    assert_eq!(c.population_gap_days(), Some(10.0));
    assert_eq!(c.customers()[2].reason.metrics.unwrap().occasions, 1);
}

#[test]
fn reactivated_when_the_last_gap_exceeds_the_churn_threshold() {
    // G = 30; occasions at 0, 10 and 10 + X: g = (10 + X + 60) / 4, c = 3g = 52.5 + 0.75 X.
    let c = fixed_gap(30.0);
    // X = 210: c = 210, the gap equals c: not a reactivation (tenure 225 < 365: Growing).
    assert_eq!(
        judge(&c, &[(0, 1000), (10, 1000), (220, 1000)], 225),
        (S::Growing, R::ShortTenure)
    );
    // X = 211: c = 210.75 < 211.
    assert_eq!(
        judge(&c, &[(0, 1000), (10, 1000), (221, 1000)], 226),
        (S::Reactivated, R::ReturnedAfterLongGap)
    );
    // The return window max(g, 90) = max(70.25, 90) = 90 days: at 90 still reactivated, at 91 not.
    assert_eq!(
        judge(&c, &[(0, 1000), (10, 1000), (221, 1000)], 311).0,
        S::Reactivated
    );
    // At 91: spend trend 10 / 20 = 0.5 is not < 0.5, tenure 312 < 365: Growing.
    assert_eq!(
        judge(&c, &[(0, 1000), (10, 1000), (221, 1000)], 312),
        (S::Growing, R::ShortTenure)
    );
}

#[test]
fn reactivation_window_is_the_expected_gap_when_longer_than_90_days() {
    // G = 100; occasions at 0, 10, 410: g = (410 + 200) / 4 = 152.5, c = 365 (capped), window 152.5.
    let c = fixed_gap(100.0);
    let occasions = [(0, 1000), (10, 1000), (410, 1000)];
    assert_eq!(judge(&c, &occasions, 410 + 152).0, S::Reactivated);
    assert_ne!(judge(&c, &occasions, 410 + 153).0, S::Reactivated);
}

#[test]
fn declining_when_spend_halves() {
    // G = 10; occasions at 0, 5, 90: g = (90 + 20) / 4 = 27.5, L = 90, c = 90, 2g = 55.
    // As of day 95 the first two (95 and 90 days before) are the earlier window, the last the recent.
    let c = fixed_gap(10.0);
    let at = |recent| judge(&c, &[(0, 5000), (5, 5000), (90, recent)], 95);
    assert_eq!(at(5000), (S::Growing, R::ShortTenure)); // ρ = 0.5: not below
    assert_eq!(at(4999), (S::Declining, R::SpendTrendDown)); // ρ = 0.4999
                                                             // The rule needs n ≥ declining_min_occasions: with 4 required, n = 3 does not fire.
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(10.0);
    rules.declining_min_occasions = 4;
    let strict = LifecycleClassifier::new(rules).unwrap();
    assert_eq!(
        judge(&strict, &[(0, 5000), (5, 5000), (90, 4999)], 95).0,
        S::Growing
    );
}

/// Occasions every 30 days from day 0 to day `last`, 10.00 each, with the last three replaced.
fn monthly(last: i64, final_three: [i64; 3]) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64)> = (0..=last).step_by(30).map(|d| (d, 1000)).collect();
    let n = v.len();
    for (slot, cents) in v[n - 3..].iter_mut().zip(final_three) {
        slot.1 = cents;
    }
    v
}

#[test]
fn growing_when_spend_rises_a_quarter_and_mature_otherwise() {
    // 14 occasions, days 0..=390, G = 10: g = (390 + 20) / 15 = 27.3, L = 90, c = 90. As of day 395
    // the last three (65, 35, 5 days before) are recent, the three before (95, 125, 155) earlier = 30.
    let c = fixed_gap(10.0);
    assert_eq!(
        judge(&c, &monthly(390, [1250, 1250, 1250]), 395),
        (S::Growing, R::SpendTrendUp)
    ); // ρ = 1.25
    assert_eq!(
        judge(&c, &monthly(390, [1250, 1250, 1249]), 395),
        (S::Mature, R::Established)
    ); // ρ < 1.25
       // The decline threshold on the same shape: ρ = 0.5 is Mature, just under is Declining.
    assert_eq!(judge(&c, &monthly(390, [500, 500, 500]), 395).0, S::Mature);
    assert_eq!(
        judge(&c, &monthly(390, [500, 500, 499]), 395),
        (S::Declining, R::SpendTrendDown)
    );
}

#[test]
fn growing_while_tenure_is_under_a_year() {
    // 13 occasions on days 0..=360 every 30 days, equal spend (ρ = 1), G = 10.
    let c = fixed_gap(10.0);
    let occasions = monthly(360, [1000, 1000, 1000]);
    assert_eq!(judge(&c, &occasions, 364), (S::Growing, R::ShortTenure));
    assert_eq!(judge(&c, &occasions, 365), (S::Mature, R::Established));
}

#[test]
fn trend_windows_use_the_real_window_length() {
    // G = 30.5, n = 1: g = 30.5, L = 91.5. 91 days before is recent, 92 is earlier, 183 is beyond.
    let c = fixed_gap(30.5);
    let s = summaries(
        &[
            (1, &[(0, 700)]),
            (2, &[(9, 300)]),
            (3, &[(1, 100)]),
            (4, &[(100, 100)]),
        ],
        100,
    );
    let out = c.classify(&s, &[], day(92)).unwrap();
    let m = |i: usize| out.customers()[i].reason.metrics.unwrap();
    assert_eq!(m(0).trend_window_days, 91.5);
    // Customer 1: 92 days before, earlier window, nothing recent: ρ = 0.
    assert_eq!(
        (m(0).recent_spend, m(0).earlier_spend, m(0).spend_trend),
        (Decimal::ZERO, Decimal::new(700, 2), Some(0.0))
    );
    // Customer 2: 83 days before: recent only, ρ undefined (spend rose from nothing).
    assert_eq!(m(1).spend_trend, None);
    assert_eq!(m(1).recent_spend, Decimal::new(300, 2));
    // Customer 3: 91 days before: recent.
    assert_eq!(m(2).recent_spend, Decimal::ONE);
    // Customer 4 buys after day 92: not yet acquired.
    assert_eq!(out.not_yet_acquired(), 1);
    assert_eq!(out.customers().len(), 3);
    // Both windows empty: no trend (a single occasion 200 days before the as-of date).
    let out = c.classify(&s, &[], day(100)).unwrap();
    assert_eq!(out.customers()[1].reason.metrics.unwrap().spend_trend, None);
    let s = summaries(&[(1, &[(0, 700)])], 200);
    let out = c.classify(&s, &[], day(200)).unwrap();
    assert_eq!(out.customers()[0].reason.metrics.unwrap().spend_trend, None);
}

#[test]
fn prospects_and_not_yet_acquired_customers() {
    let s = summaries(
        &[(1, &[(0, 1000)]), (2, &[(50, 1000)]), (3, &[(60, 1000)])],
        60,
    );
    // As of day 10: customer 1 is New; 2 is a known prospect; 3 is not a customer yet; 9 has no
    // summary at all; the repeated 9 counts once.
    let c = fixed_gap(30.0).classify(&s, &[2, 9, 9], day(10)).unwrap();
    let ids: Vec<u32> = c.customers().iter().map(|c| c.customer).collect();
    assert_eq!(ids, vec![1, 2, 9]);
    assert_eq!(c.stage_of(&1), Some(S::New));
    assert_eq!(c.stage_of(&2), Some(S::Prospect));
    assert_eq!(c.stage_of(&9), Some(S::Prospect));
    assert_eq!(c.stage_of(&3), None);
    assert_eq!(c.not_yet_acquired(), 1);
    assert_eq!(c.customers()[1].reason.rule, R::KnownProspect);
    assert!(c.customers()[1].reason.metrics.is_none());
    // As of day 60 customer 2 has bought: no longer a prospect.
    let c = fixed_gap(30.0).classify(&s, &[2, 9], day(60)).unwrap();
    assert_eq!(c.stage_of(&2), Some(S::New));
    // Only prospects: fine, every one a Prospect.
    let none: Vec<CustomerSummary<u32>> = Vec::new();
    let c = LifecycleClassifier::default()
        .classify(&none, &[7, 8], day(0))
        .unwrap();
    assert_eq!(c.totals()[S::Prospect.index()].customers, 2);
    assert_eq!(c.population_gap_days(), None);
}

#[test]
fn classifying_as_of_an_earlier_date_reads_only_earlier_occasions() {
    let s = summaries(&[(1, &[(0, 1000), (100, 2500)])], 120);
    let c = fixed_gap(30.0).classify(&s, &[], day(50)).unwrap();
    let row = &c.customers()[0];
    assert_eq!(row.reason.metrics.unwrap().occasions, 1);
    assert_eq!(row.revenue, Decimal::new(1000, 2));
    assert_eq!(row.stage, S::New);
    let c = fixed_gap(30.0).classify(&s, &[], day(120)).unwrap();
    assert_eq!(c.customers()[0].revenue, Decimal::new(3500, 2));
}

#[test]
fn totals_count_share_and_revenue_per_stage() {
    let s = summaries(
        &[
            (1, &[(0, 1000)]),
            (2, &[(195, 2000)]),
            (3, &[(190, 3000)]),
            (4, &[(0, 500), (100, 500)]),
        ],
        200,
    );
    let c = fixed_gap(30.0).classify(&s, &[5], day(200)).unwrap();
    let t = c.totals();
    assert_eq!(t[S::New.index()].customers, 2);
    assert_eq!(t[S::New.index()].revenue, Decimal::new(5000, 2));
    assert_eq!(t[S::New.index()].share, 0.4);
    // Customer 1: 200 days > c = 90. Customer 4: g = (100 + 60) / 3 = 53.3, c = 160, r = 100 under
    // 2g = 106.7, ρ = 5 / 5 = 1, tenure 200 < 365: Growing.
    assert_eq!(t[S::Churned.index()].customers, 1);
    assert_eq!(t[S::Churned.index()].revenue, Decimal::new(1000, 2));
    assert_eq!(c.stage_of(&4), Some(S::Growing));
    assert_eq!(t.iter().map(|t| t.customers).sum::<u64>(), 5);
}

#[test]
fn reasons_read_as_sentences() {
    let c = fixed_gap(30.0);
    let s = summaries(&[(1, &[(0, 1000)])], 91);
    let out = c.classify(&s, &[], day(91)).unwrap();
    assert_eq!(
        out.customers()[0].reason.to_string(),
        "churned: 91 days since the last purchase > churn threshold 90.0 days (expected gap 30.0 days)"
    );
    let out = c.classify(&s, &[], day(61)).unwrap();
    assert_eq!(
        out.customers()[0].reason.to_string(),
        "declining: 61 days since the last purchase > 60.0 days (twice the expected gap)"
    );
}

/// A test model: P(alive) from a function of the history, recording every history it saw.
struct TestModel<F: Fn(&RepeatHistory) -> Result<f64, ClvError>> {
    alive: F,
    seen: RefCell<Vec<RepeatHistory>>,
}

impl<F: Fn(&RepeatHistory) -> Result<f64, ClvError>> TestModel<F> {
    fn new(alive: F) -> Self {
        Self {
            alive,
            seen: RefCell::new(Vec::new()),
        }
    }
}

impl<F: Fn(&RepeatHistory) -> Result<f64, ClvError>> PurchaseModel for TestModel<F> {
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        Ok(t)
    }
    fn conditional_expected_purchases(&self, t: f64, _: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(t)
    }
    fn probability_alive(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        self.seen.borrow_mut().push(*history);
        (self.alive)(history)
    }
    fn probability_of_purchases(&self, _: u32, _: f64) -> Result<f64, ClvError> {
        Ok(0.0)
    }
}

fn with_alive(p: f64, occasions: &[(i64, i64)], as_of: i64) -> (LifecycleStage, LifecycleRule) {
    let s = summaries(&[(1, occasions)], as_of);
    let model = TestModel::new(|_| Ok(p));
    let c = fixed_gap(30.0)
        .classify_with_model(&s, &[], day(as_of), &model, TimeUnit::Weeks)
        .unwrap();
    assert_eq!(
        c.customers()[0].reason.metrics.unwrap().probability_alive,
        Some(p)
    );
    (c.customers()[0].stage, c.customers()[0].reason.rule)
}

#[test]
fn probability_alive_replaces_the_recency_rules() {
    // 200 days of silence would be Churned by gaps (c = 90); P(alive) decides instead.
    let old = [(0, 1000), (10, 1000)];
    assert_eq!(
        with_alive(0.2999, &old, 210),
        (S::Churned, R::ProbabilityAliveBelowChurn)
    );
    assert_eq!(
        with_alive(0.3, &old, 210),
        (S::Declining, R::ProbabilityAliveBelowDeclining)
    );
    assert_eq!(with_alive(0.4999, &old, 210).0, S::Declining);
    assert_eq!(with_alive(0.5, &old, 210), (S::Growing, R::ShortTenure));
    // A recent single buyer the model thinks gone is Churned even 5 days after buying.
    assert_eq!(with_alive(0.1, &[(0, 1000)], 5).0, S::Churned);
    assert_eq!(with_alive(0.9, &[(0, 1000)], 5).0, S::New);
}

#[test]
fn probability_alive_reads_the_history_as_of_the_date() {
    // Occasions on days 0, 14, 70; summary as of day 84; classified as of day 28 and day 84.
    let s = summaries(&[(1, &[(0, 1000), (14, 1000), (70, 1000)])], 84);
    let model = TestModel::new(|_| Ok(0.8));
    let c = LifecycleClassifier::default();
    c.classify_with_model(&s, &[], day(28), &model, TimeUnit::Weeks)
        .unwrap();
    c.classify_with_model(&s, &[], day(84), &model, TimeUnit::Weeks)
        .unwrap();
    let seen = model.seen.borrow();
    // As of day 28: x = 1, t_x = 2 weeks, T = 4 weeks.
    assert_eq!(
        (seen[0].frequency(), seen[0].recency(), seen[0].age()),
        (1.0, 2.0, 4.0)
    );
    // As of the observation end: the summary's own history, x = 2, t_x = 10, T = 12.
    assert_eq!(seen[1], RepeatHistory::from_summary(&s[0], TimeUnit::Weeks));
    assert_eq!(
        (seen[1].frequency(), seen[1].recency(), seen[1].age()),
        (2.0, 10.0, 12.0)
    );
}

#[test]
fn model_failures_are_typed_errors() {
    let s = summaries(&[(1, &[(0, 1000)]), (2, &[(3, 1000)])], 10);
    let failing = TestModel::new(|h| {
        if h.age() < 1.2 {
            Err(ClvError::NumericalFailure { what: "test" })
        } else {
            Ok(0.5)
        }
    });
    let err = fixed_gap(30.0)
        .classify_with_model(&s, &[], day(10), &failing, TimeUnit::Weeks)
        .unwrap_err();
    assert_eq!(
        err,
        LifecycleError::Model {
            position: 1,
            source: ClvError::NumericalFailure { what: "test" }
        }
    );
    for bad in [1.5, -0.1, f64::NAN] {
        let model = TestModel::new(move |_| Ok(bad));
        let err = fixed_gap(30.0)
            .classify_with_model(&s, &[], day(10), &model, TimeUnit::Days)
            .unwrap_err();
        assert!(
            matches!(err, LifecycleError::InvalidProbability { position: 0, .. }),
            "{err:?}"
        );
    }
}

#[test]
fn transitions_count_move_and_bring_revenue() {
    // G = 30 fixed. As of day 100 and day 200.
    let s = summaries(
        &[
            (1, &[(0, 1000), (90, 1000)]), // 100: Growing; 200: Declining
            (2, &[(95, 2000), (150, 3000), (190, 500)]), // 100: New;    200: Growing, +35.00
            (3, &[(150, 4000)]),           // acquired:     200: New
            (4, &[(5, 700)]),              // 100: Churned; 200: Churned
        ],
        200,
    );
    let c = fixed_gap(30.0);
    let early = c.classify(&s, &[5], day(100)).unwrap();
    let late = c.classify(&s, &[5], day(200)).unwrap();
    // Customer 1 as of 200: g = (90 + 60) / 3 = 50, c = 150, r = 110 > 2g = 100: Declining.
    assert_eq!(early.stage_of(&1), Some(S::Growing));
    assert_eq!(late.stage_of(&1), Some(S::Declining));
    let t = Transitions::between(&early, &late).unwrap();
    assert_eq!(t.count(S::Growing, S::Declining), 1);
    assert_eq!(t.count(S::New, S::Growing), 1);
    assert_eq!(t.count(S::Churned, S::Churned), 1);
    assert_eq!(t.count(S::Prospect, S::Prospect), 1);
    assert_eq!(t.acquired()[S::New.index()], 1);
    assert_eq!(t.acquired_revenue()[S::New.index()], Decimal::from(40));
    assert_eq!(t.revenue(S::New, S::Growing), Decimal::from(35));
    assert_eq!(t.revenue(S::Growing, S::Declining), Decimal::ZERO);
    assert_eq!(
        t.revenue_by_later_stage()[S::Growing.index()],
        Decimal::from(35)
    );
    assert_eq!(
        t.revenue_by_later_stage()[S::New.index()],
        Decimal::from(40)
    );
    assert_eq!(
        t.revenue_by_earlier_stage()[S::New.index()],
        Decimal::from(35)
    );
    let shares = t.row_shares();
    assert_eq!(
        shares[S::Growing.index()].unwrap()[S::Declining.index()],
        1.0
    );
    assert_eq!(shares[S::Mature.index()], None);
    assert_eq!(t.counts().iter().flatten().sum::<u64>(), 4);
    assert_eq!((t.from(), t.to()), (day(100), day(200)));
    // The convenience form agrees.
    assert_eq!(c.transitions(&s, &[5], day(100), day(200)).unwrap(), t);
    // Errors: dates out of order; classifications of different customers.
    assert_eq!(
        Transitions::between(&late, &early).unwrap_err(),
        LifecycleError::TransitionsOutOfOrder {
            from: day(200),
            to: day(100)
        }
    );
    assert!(matches!(
        c.transitions(&s, &[], day(200), day(100)),
        Err(LifecycleError::TransitionsOutOfOrder { .. })
    ));
    let other = c.classify(&s[..2], &[], day(200)).unwrap();
    assert_eq!(
        Transitions::between(&early, &other).unwrap_err(),
        LifecycleError::ClassificationsDiffer { position: 2 }
    );
}

#[test]
fn every_error_path() {
    let s = summaries(&[(1, &[(10, 1000)]), (2, &[(20, 1000), (30, 1000)])], 40);
    let c = LifecycleClassifier::default();
    let none: Vec<CustomerSummary<u32>> = Vec::new();
    assert_eq!(
        c.classify(&none, &[], day(0)).unwrap_err(),
        LifecycleError::EmptyInput
    );
    assert_eq!(
        c.classify(&s, &[], day(41)).unwrap_err(),
        LifecycleError::AsOfAfterObservationEnd {
            as_of: day(41),
            observation_end: day(40),
            position: 0
        }
    );
    assert_eq!(
        c.classify(&s, &[], day(9)).unwrap_err(),
        LifecycleError::AsOfBeforeData {
            as_of: day(9),
            earliest: day(10)
        }
    );
    let doubled: Vec<_> = s.iter().chain(s.iter()).cloned().collect();
    assert_eq!(
        c.classify(&doubled, &[], day(40)).unwrap_err(),
        LifecycleError::DuplicateCustomer {
            position: 2,
            first_position: 0
        }
    );
    assert_eq!(
        c.classify(&s, &[], day(25)).unwrap_err(),
        LifecycleError::NoRepeatCustomers { as_of: day(25) }
    );
    let log = [Transaction::new(1u32, day(0), Decimal::ONE)];
    let lean = Summarizer::new(day(5))
        .keep_occasions(false)
        .summarize(&log)
        .unwrap();
    assert_eq!(
        c.classify(&lean, &[], day(5)).unwrap_err(),
        LifecycleError::OccasionsNotKept { position: 0 }
    );
    // Rules.
    let bad = |edit: fn(&mut LifecycleRules)| {
        let mut rules = LifecycleRules::default();
        edit(&mut rules);
        match LifecycleClassifier::new(rules) {
            Err(LifecycleError::InvalidParameter { name, .. }) => name,
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    };
    assert_eq!(bad(|r| r.shrinkage_strength = -1.0), "shrinkage_strength");
    assert_eq!(
        bad(|r| r.population_gap_days = Some(0.0)),
        "population_gap_days"
    );
    assert_eq!(bad(|r| r.churn_min_days = f64::INFINITY), "churn_min_days");
    assert_eq!(bad(|r| r.churn_min_days = 400.0), "churn_min_days");
    assert_eq!(bad(|r| r.declining_trend = 0.0), "declining_trend");
    assert_eq!(bad(|r| r.churn_probability = 1.5), "churn_probability");
    assert_eq!(bad(|r| r.churn_probability = 0.6), "churn_probability");
    assert_eq!(
        bad(|r| r.declining_probability = f64::NAN),
        "declining_probability"
    );
    assert_eq!(bad(|r| r.growing_tenure_days = -1.0), "growing_tenure_days");
    // The crate error wraps it.
    let err: customer_value::Error = LifecycleError::EmptyInput.into();
    assert_eq!(err.to_string(), "no customers were given");
}

/// Random customers: up to 8 occasions each, day offsets in 0..400, amounts 1..=200.00.
fn arbitrary_log() -> impl Strategy<Value = Vec<(u32, i64, i64)>> {
    prop::collection::vec((0u32..40, 0i64..400, 1i64..20_000), 1..200)
}

fn classify_log(
    log: &[(u32, i64, i64)], as_of: i64,
) -> Result<Classification<u32>, LifecycleError> {
    let tx: Vec<_> = log
        .iter()
        .map(|&(c, d, a)| Transaction::new(c, day(d), Decimal::new(a, 2)))
        .collect();
    let s = Summarizer::new(day(400)).summarize(&tx).unwrap();
    fixed_gap(25.0).classify(&s, &[100, 101, 3], day(as_of))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn each_customer_has_exactly_one_stage(log in arbitrary_log(), as_of in 0i64..=400) {
        let Ok(c) = classify_log(&log, as_of) else {
            // Only "before the data" can fail here.
            let earliest = log.iter().map(|l| l.1).min().unwrap();
            prop_assert!(as_of < earliest);
            return Ok(());
        };
        let mut acquired: Vec<u32> = log.iter().filter(|l| l.1 <= as_of).map(|l| l.0).collect();
        acquired.sort_unstable();
        acquired.dedup();
        let customers: Vec<u32> = log.iter().map(|l| l.0).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let ids: Vec<u32> = c.customers().iter().map(|c| c.customer).collect();
        // Sorted, unique, and every acquired customer appears once.
        prop_assert!(ids.windows(2).all(|w| w[0] < w[1]));
        for id in &acquired {
            prop_assert!(ids.binary_search(id).is_ok());
        }
        let prospects = [3u32, 100, 101].iter().filter(|p| !acquired.contains(p)).count();
        prop_assert_eq!(ids.len(), acquired.len() + prospects);
        prop_assert_eq!(c.not_yet_acquired() as usize, customers.len() - acquired.len() - usize::from(customers.contains(&3) && !acquired.contains(&3)));
        prop_assert_eq!(c.totals().iter().map(|t| t.customers).sum::<u64>() as usize, ids.len());
        for row in c.customers() {
            prop_assert_eq!(row.stage, row.reason.stage);
            if let Some(m) = row.reason.metrics {
                // Churned exactly when r > c under the gap rules.
                prop_assert_eq!(row.stage == S::Churned, m.recency_days as f64 > m.churn_threshold_days);
                prop_assert!(m.churn_threshold_days >= 90.0 && m.churn_threshold_days <= 365.0);
            }
        }
    }

    #[test]
    fn output_is_independent_of_input_order(log in arbitrary_log(), as_of in 200i64..=400, seed in any::<u64>()) {
        let Ok(a) = classify_log(&log, as_of) else { return Ok(()) };
        let mut shuffled = log.clone();
        // A seeded Fisher–Yates shuffle (SplitMix64 steps).
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            shuffled.swap(i, (z % (i as u64 + 1)) as usize);
        }
        let b = classify_log(&shuffled, as_of).unwrap();
        prop_assert_eq!(a, b);
    }
}

#[test]
fn every_rule_explains_itself_with_its_numbers() {
    let reason = |c: &LifecycleClassifier, occasions: &[(i64, i64)], as_of: i64| {
        let s = summaries(&[(1, occasions)], as_of);
        c.classify(&s, &[], day(as_of)).unwrap().customers()[0]
            .reason
            .to_string()
    };
    let g30 = fixed_gap(30.0);
    let g10 = fixed_gap(10.0);
    assert_eq!(
        reason(&g30, &[(0, 1000)], 10),
        "new: a single purchase, 10 days ago"
    );
    assert_eq!(
        reason(&g30, &[(0, 1000), (10, 1000), (221, 1000)], 226),
        "reactivated: returned after a gap of 211 days > churn threshold 210.8 days, last purchase 5 days ago ≤ 90.0"
    );
    assert_eq!(
        reason(&g10, &[(0, 5000), (5, 5000), (90, 4999)], 95),
        "declining: spend trend 0.4999 < 0.5 (49.99 in the last 90.0 days vs 100.00 before, 3 purchases)"
    );
    assert_eq!(
        reason(&g10, &monthly(390, [1250, 1250, 1250]), 395),
        "growing: spend trend 1.25 ≥ 1.25 (37.50 in the last 90.0 days vs 30.00 before)"
    );
    assert_eq!(
        reason(&g10, &monthly(360, [1000; 3]), 364),
        "growing: first purchase 364 days ago < 365 days"
    );
    assert_eq!(
        reason(&g10, &monthly(360, [1000; 3]), 365),
        "mature: 13 purchases over 365 days, last 5 days ago, spend trend 1"
    );
    let s = summaries(&[(1, &[(0, 1000)])], 10);
    let model = TestModel::new(|_| Ok(0.25));
    let c = g30
        .classify_with_model(&s, &[2], day(10), &model, TimeUnit::Weeks)
        .unwrap();
    assert_eq!(
        c.customers()[0].reason.to_string(),
        "churned: P(alive) 0.250 < 0.3"
    );
    assert_eq!(
        c.customers()[1].reason.to_string(),
        "prospect: a known prospect with no purchase yet"
    );
}
