//! Hostile inputs for the table modules (transaction, summary, rfm, kpi, numeric): extreme floats
//! (0, −0, 5e-324, 1e-300, 1e200, 1e308, ±f64::MAX, NaN, ±∞), integers (0, 1, u32::MAX, u64::MAX,
//! usize::MAX), dates (`NaiveDate::MIN`, 0001-01-01, `NaiveDate::MAX`), amounts up to
//! `Decimal::MAX`, wrong lengths, and values read from JSON that no constructor would build.
//!
//! Every case calls the entry point directly (a panic fails the test) and either gets a typed
//! error or an `Ok` in which every float is finite ([`assert_finite`]); the cases with a known
//! answer assert it.

use std::fmt::Debug;

use chrono::{Datelike, Days, NaiveDate};
use customer_value::kpi::{
    average_order_value, churn_rate, purchase_frequency, repeat_purchase_rate, retention_rate,
    CohortMatrix, CohortPeriod, KpiError, PeriodKpis, RevenueRetention, MAX_COHORT_CELLS,
};
use customer_value::numeric::hyp2f1::{ln_hyp2f1_a_plus_one, ln_hyp2f1_with_derivatives};
use customer_value::numeric::linalg::{cholesky, invert_spd, solve_spd};
use customer_value::numeric::quantile::{median, quantile_sorted, quantiles};
use customer_value::rfm::{
    value_matrix, FittedRfm, RfmError, SegmentMap, SegmentRule, SegmentRules, SplitAt,
    ValueMatrixOptions,
};
use customer_value::summary::{CalendarPeriod, SummaryError, MAX_AMOUNT};
use customer_value::transaction::{money_from_f64, parse_money};
use customer_value::{
    Binning, LateTransactions, MonetaryBasis, RefundPolicy, RfmScore, RfmScorer, Settings,
    Summarizer, TimeUnit, Transaction,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Asserts that no float in `value` is NaN or infinite, outside the errors it holds (an error
/// may carry the bad value it refuses): the debug text has no word `NaN` or `inf` there.
fn assert_finite<T: Debug>(label: &str, value: &T) {
    let text = without_errors(&format!("{value:?}"));
    let bad = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find(|word| *word == "NaN" || *word == "inf");
    assert!(bad.is_none(), "{label}: non-finite value in {text:.500}");
}

/// The debug text without the contents of every `Err(…)`.
fn without_errors(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("Err(") {
        out.push_str(&rest[..at]);
        let mut depth = 0;
        let mut end = rest.len();
        for (i, c) in rest[at + 3..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 1 => {
                    end = at + 3 + i + 1;
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The hostile floats of every table.
const FLOATS: [f64; 14] = [
    0.0,
    -0.0,
    5e-324,
    1e-300,
    1.0,
    -1.0,
    1e200,
    1e308,
    -1e308,
    f64::MAX,
    -f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// The edges of chrono's calendar and a few ordinary days.
fn dates() -> Vec<NaiveDate> {
    vec![
        NaiveDate::MIN,
        NaiveDate::MIN + Days::new(1),
        ymd(1, 1, 1),
        ymd(1970, 1, 1),
        ymd(2024, 2, 29),
        NaiveDate::MAX - Days::new(1),
        NaiveDate::MAX,
    ]
}

fn summaries_of(
    log: &[(u32, NaiveDate, i64)], end: NaiveDate,
) -> Vec<customer_value::CustomerSummary<u32>> {
    let log: Vec<_> = log
        .iter()
        .map(|&(c, d, a)| Transaction::new(c, d, Decimal::from(a)))
        .collect();
    Summarizer::new(end).summarize(&log).expect("a valid log")
}

#[test]
fn a_first_purchase_in_year_one_costs_one_row_of_cells() {
    // Before: a dense 24,288 × 24,288 tally (4.7 GB per array) for these two customers.
    let s = summaries_of(
        &[(1, ymd(1, 1, 1), 1), (2, ymd(2024, 3, 5), 10)],
        ymd(2024, 12, 31),
    );
    let m = CohortMatrix::build(&s, CohortPeriod::Month, ymd(2024, 12, 31)).unwrap();
    let rows = m.rows();
    assert_eq!(rows.len(), 2);
    // January of year 1 to December 2024: 2024 × 12 months.
    assert_eq!((rows[0].start, rows[0].cells.len()), (ymd(1, 1, 1), 24_288));
    assert_eq!((rows[1].start, rows[1].cells.len()), (ymd(2024, 3, 1), 10));
    assert_eq!(rows[0].cells[0].retention, 1.0);
    assert_eq!(rows[0].cells[1].unbounded_retention, 0.0);
    assert_eq!(
        rows[0].cells[24_287].cumulative_revenue_per_member,
        Decimal::ONE
    );
    let weeks = CohortMatrix::build(&s, CohortPeriod::IsoWeek, ymd(2024, 12, 31)).unwrap();
    // Monday 0001-01-01 (day 1) to Sunday 2024-12-29: the as-of week has not ended.
    let full_weeks = ymd(2024, 12, 29).num_days_from_ce() / 7;
    assert_eq!(weeks.rows()[0].cells.len(), full_weeks as usize);
    assert_eq!(full_weeks, 105_607);
    // Monday 2024-03-04 to the week ending 2024-12-29: 43 weeks.
    assert_eq!(weeks.rows()[1].cells.len(), 43);
    // The rows of only the members' cohorts (taken when every period since year 1 would be too
    // many rows) equal the rows of every period (taken for this log alone): same cells.
    let recent = [
        (2, ymd(2024, 3, 5), 10),
        (2, ymd(2024, 5, 9), 20),
        (2, ymd(2024, 5, 10), -5),
        (3, ymd(2024, 3, 30), 7),
        (3, ymd(2024, 11, 2), 8),
        (4, ymd(2024, 7, 1), 30),
        (4, ymd(2024, 6, 20), -3),
    ];
    let mut with_year_one = recent.to_vec();
    with_year_one.push((1, ymd(1, 1, 1), 1));
    let end = ymd(2024, 12, 31);
    for period in [CohortPeriod::Month, CohortPeriod::IsoWeek] {
        let alone = CohortMatrix::build(&summaries_of(&recent, end), period, end).unwrap();
        let with = CohortMatrix::build(&summaries_of(&with_year_one, end), period, end).unwrap();
        assert_eq!(&with.rows()[1..], alone.rows(), "{period:?}");
        assert_eq!(
            alone.rows().len(),
            if period == CohortPeriod::Month { 2 } else { 3 }
        );
    }
}

#[test]
fn a_matrix_beyond_the_cell_limit_is_refused_with_the_count() {
    let s = summaries_of(
        &[(1, NaiveDate::MIN, 1), (2, ymd(2024, 3, 5), 10)],
        ymd(2024, 12, 31),
    );
    let err = CohortMatrix::build(&s, CohortPeriod::Month, ymd(2024, 12, 31)).unwrap_err();
    // Months from January −262143 to December 2024, plus March to December 2024.
    let months = ((2024 * 12 + 11) - (-262_143i64 * 12) + 1) as u64;
    assert_eq!(
        err,
        KpiError::TooManyCohortCells {
            cells: months + 10,
            limit: MAX_COHORT_CELLS as u64,
            earliest: NaiveDate::MIN,
            as_of: ymd(2024, 12, 31),
        }
    );
    assert_eq!(months + 10, 3_170_026);
    assert!(
        err.to_string().contains("above the limit of 2097152"),
        "{err}"
    );
}

#[test]
fn cohorts_at_the_edges_of_the_calendar() {
    // NaiveDate::MIN is a Thursday: its ISO week starts before the calendar does, so the row
    // starts on MIN; as of Saturday the 31st, the weeks ending on the 4th, 11th, 18th and 25th
    // have ended.
    let early = summaries_of(&[(1, NaiveDate::MIN, 5)], NaiveDate::MAX);
    let as_of = NaiveDate::MIN + Days::new(30);
    let m = CohortMatrix::build(&early, CohortPeriod::IsoWeek, as_of).unwrap();
    assert_eq!(m.rows()[0].start, NaiveDate::MIN);
    assert_eq!(m.rows()[0].cells.len(), 4);
    assert_eq!(m.rows()[0].cells[0].revenue, Decimal::from(5));
    // NaiveDate::MAX is December 31st: its month has ended by then (before, the month after
    // it, unrepresentable, hid that). Its ISO week (MAX is a Monday) has not.
    let late = summaries_of(&[(1, NaiveDate::MAX, 5)], NaiveDate::MAX);
    let m = CohortMatrix::build(&late, CohortPeriod::Month, NaiveDate::MAX).unwrap();
    assert_eq!(m.rows()[0].cells.len(), 1);
    assert_eq!(m.rows()[0].cells[0].retention, 1.0);
    let m = CohortMatrix::build(&late, CohortPeriod::IsoWeek, NaiveDate::MAX).unwrap();
    assert_eq!((m.rows()[0].size, m.rows()[0].cells.len()), (1, 0));
    // Every date of the edges, as purchases and as-of dates: a matrix or a typed error.
    let log: Vec<_> = dates()
        .into_iter()
        .enumerate()
        .map(|(i, d)| (i as u32 % 3, d, 1 + i as i64))
        .collect();
    let every = summaries_of(&log, NaiveDate::MAX);
    for period in [CohortPeriod::Month, CohortPeriod::IsoWeek] {
        for as_of in dates() {
            let label = format!("{period:?} as of {as_of}");
            match CohortMatrix::build(&every, period, as_of) {
                Ok(m) => assert_finite(&label, &m),
                Err(e) => assert!(
                    matches!(
                        e,
                        KpiError::TooManyCohortCells { .. } | KpiError::BeforeData { .. }
                    ),
                    "{label}: {e}"
                ),
            }
        }
    }
}

#[test]
fn period_end_with_a_huge_index_is_none() {
    let jan = ymd(2024, 1, 1);
    for period in [CohortPeriod::Month, CohortPeriod::IsoWeek] {
        for k in [1 << 40, i64::MAX as usize, usize::MAX] {
            for start in dates() {
                assert_eq!(CohortMatrix::period_end(period, start, k), None, "{k}");
            }
        }
        assert!(CohortMatrix::period_end(period, jan, 0).is_some());
    }
    assert_eq!(
        CohortMatrix::period_end(CohortPeriod::Month, NaiveDate::MAX, 0),
        Some(NaiveDate::MAX)
    );
    assert_eq!(
        CohortMatrix::period_end(CohortPeriod::IsoWeek, NaiveDate::MIN, 0),
        Some(NaiveDate::MIN + Days::new(3))
    );
    assert_eq!(
        CohortMatrix::period_end(CohortPeriod::IsoWeek, NaiveDate::MAX, 0),
        None
    );
}

/// Summaries whose purchases sit on every edge date, as of `NaiveDate::MAX`: customers 0, 1, 2
/// buy 10, 11, … 16 on the seven dates in turn, and customer 1 has a refund of 1 on each.
fn edge_summaries() -> Vec<customer_value::CustomerSummary<u32>> {
    let log: Vec<_> = dates()
        .into_iter()
        .enumerate()
        .flat_map(|(i, d)| [(i as u32 % 3, d, 10 + i as i64), (1, d, -1)])
        .collect();
    summaries_of(&log, NaiveDate::MAX)
}

#[test]
fn period_kpis_over_every_pair_of_edge_dates() {
    let s = edge_summaries();
    for start in dates() {
        for end in dates() {
            let label = format!("[{start}, {end}]");
            let kpis = PeriodKpis::compute(&s, start, end).map(|k| {
                (
                    k,
                    k.retention_rate(),
                    k.churn_rate(),
                    k.textbook_retention_rate(),
                    k.repeat_purchase_rate(),
                    k.purchase_frequency(),
                    k.average_order_value(),
                )
            });
            assert_finite(&label, &kpis);
            if start <= end {
                assert!(kpis.is_ok(), "{label}: {kpis:?}");
            }
            let shortcuts = (
                retention_rate(&s, start, end),
                churn_rate(&s, start, end),
                repeat_purchase_rate(&s, start, end),
                purchase_frequency(&s, start, end),
                average_order_value(&s, start, end),
            );
            assert_finite(&label, &shortcuts);
            let revenue = RevenueRetention::compute(&s, start, end)
                .and_then(|r| Ok((r.net_revenue_retention()?, r.gross_revenue_retention()?)));
            assert_finite(&label, &revenue);
        }
    }
    // The whole calendar is one period: every occasion is in it, none before it.
    let all = PeriodKpis::compute(&s, NaiveDate::MIN, NaiveDate::MAX).unwrap();
    assert_eq!(
        (all.customers_at_start, all.customers_at_end, all.occasions),
        (0, 3, 7)
    );
    assert_eq!(all.length_days, 191_491_529);
    assert_eq!(
        all.revenue,
        Decimal::from(10 + 11 + 12 + 13 + 14 + 15 + 16 - 7)
    );
}

#[test]
fn a_period_of_u32_max_days_is_refused_by_name() {
    let s = edge_summaries();
    let refused = |days: u32, end: NaiveDate| {
        matches!(
            PeriodKpis::ending(&s, end, days),
            Err(KpiError::InvalidParameter { name: "length_days", value, .. }) if value == f64::from(days)
        )
    };
    for end in dates() {
        assert!(refused(u32::MAX, end), "{end}");
        assert!(refused(0, end), "{end}");
    }
    assert!(refused(2, NaiveDate::MIN));
    let first = PeriodKpis::ending(&s, NaiveDate::MIN, 1).unwrap();
    assert_eq!(
        (first.start, first.customers_at_end, first.new_customers),
        (NaiveDate::MIN, 1, 1)
    );
    let last = PeriodKpis::ending(&s, NaiveDate::MAX, 2).unwrap();
    assert_eq!(
        (last.start, last.occasions),
        (NaiveDate::MAX - Days::new(1), 2)
    );
}

#[test]
fn kpi_values_no_computation_made_are_refused() {
    let s = edge_summaries();
    let kpis = PeriodKpis::compute(&s, ymd(1, 1, 1), NaiveDate::MAX).unwrap();
    let json = serde_json::to_value(kpis).unwrap();
    assert_eq!(
        serde_json::from_value::<PeriodKpis>(json.clone()).unwrap(),
        kpis
    );
    for (field, value, message) in [
        (
            "retained",
            9,
            "retained = 9 is invalid: must be ≤ customers_at_start",
        ),
        (
            "new_customers",
            9,
            "new_customers = 9 is invalid: must be ≤ customers_at_end",
        ),
        ("occasions", 0, "occasions = 0 is invalid"),
        ("length_days", 3, "length_days = 3 is invalid"),
    ] {
        let mut bad = json.clone();
        bad[field] = value.into();
        let err = serde_json::from_value::<PeriodKpis>(bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{field}: {err}");
    }
    // Changed by hand (the fields are public): a typed error, not an underflow.
    let mut changed = kpis;
    changed.retained = u64::MAX;
    assert!(matches!(
        changed.churn_rate(),
        Err(KpiError::InvalidParameter {
            name: "retained",
            ..
        })
    ));
    changed = kpis;
    changed.new_customers = u64::MAX;
    assert!(changed.textbook_retention_rate().is_err());

    let r = RevenueRetention::compute(&s, ymd(2024, 3, 1), NaiveDate::MAX).unwrap();
    let json = serde_json::to_value(r).unwrap();
    for (field, value) in [("base_revenue", "0"), ("capped_revenue", "-1")] {
        let mut bad = json.clone();
        bad[field] = value.into();
        assert!(
            serde_json::from_value::<RevenueRetention>(bad).is_err(),
            "{field}"
        );
    }
    let mut changed = r;
    changed.base_revenue = Decimal::ZERO;
    assert!(matches!(
        changed.net_revenue_retention(),
        Err(KpiError::UndefinedRate { .. })
    ));
    changed.base_revenue = Decimal::new(1, 28);
    changed.retained_revenue = Decimal::MAX;
    changed.capped_revenue = Decimal::ZERO;
    let nrr = changed.net_revenue_retention().unwrap();
    assert!(nrr.is_finite() && nrr > 7e56, "{nrr}");

    let s = summaries_of(
        &[
            (1, ymd(2024, 1, 5), 10),
            (1, ymd(2024, 3, 5), 10),
            (2, ymd(2024, 2, 5), 10),
        ],
        ymd(2024, 12, 31),
    );
    let m = CohortMatrix::build(&s, CohortPeriod::Month, ymd(2024, 12, 31)).unwrap();
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(
        serde_json::from_value::<CohortMatrix>(json.clone()).unwrap(),
        m
    );
    for (path, value) in [
        ("retention", serde_json::json!(1e308)),
        ("unbounded_retention", serde_json::json!(-0.5)),
        ("active", serde_json::json!(u64::MAX)),
        ("period", serde_json::json!(3)),
    ] {
        let mut bad = json.clone();
        bad["rows"][0]["cells"][0][path] = value;
        let err = serde_json::from_value::<CohortMatrix>(bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("rows.cells.{path}")), "{err}");
    }
    let mut bad = json.clone();
    bad["rows"][0]["size"] = 0.into();
    assert!(serde_json::from_value::<CohortMatrix>(bad).is_err());
}

#[test]
fn quantiles_of_extreme_floats_are_finite_or_none() {
    for a in FLOATS {
        for b in FLOATS {
            let mut pair = [a, b];
            pair.sort_by(f64::total_cmp);
            let finite = a.is_finite() && b.is_finite();
            for p in FLOATS {
                let label = format!("[{a:e}, {b:e}] at {p:e}");
                let q = quantile_sorted(&pair, p);
                assert_eq!(q.is_some(), finite && !p.is_nan(), "{label}: {q:?}");
                assert_eq!(quantiles(&[b, a], &[p]).map(|v| v[0]), q, "{label}");
                if let Some(q) = q {
                    assert!(
                        q.is_finite() && pair[0] <= q && q <= pair[1],
                        "{label}: {q}"
                    );
                }
            }
            let m = median(&mut [a, b]);
            assert_eq!(m.is_some(), finite, "median [{a:e}, {b:e}]");
            assert!(m.is_none_or(|m| m.is_finite() && pair[0] <= m && m <= pair[1]));
        }
    }
    // Before: 1e308 − (−1e308) overflowed to ∞ and the mean of 1e308 and 1e308 was ∞.
    assert_eq!(quantile_sorted(&[-1e308, 1e308], 0.5), Some(0.0));
    assert_eq!(quantile_sorted(&[-f64::MAX, f64::MAX], 0.5), Some(0.0));
    assert_eq!(median(&mut [1e308, 1e308]), Some(1e308));
    assert_eq!(median(&mut [f64::MAX, -f64::MAX]), Some(0.0));
    assert_eq!(median(&mut [5e-324, 5e-324]), Some(5e-324));
    assert_eq!(quantiles(&[], &[0.5]), None);
    assert_eq!(quantiles(&[1.0], &[]), Some(vec![]));
}

#[test]
fn linear_algebra_on_extreme_floats_is_finite_or_none() {
    for a in FLOATS {
        for b in FLOATS {
            let label = format!("a = {a:e}, b = {b:e}");
            let results = (
                solve_spd(&[vec![a]], &[b]),
                invert_spd(&[vec![a]]),
                cholesky(&[vec![a, b], vec![b, a]]),
                solve_spd(&[vec![a, b], vec![b, a]], &[b, a]),
                invert_spd(&[vec![a, b], vec![b, a]]),
            );
            assert_finite(&label, &results);
        }
    }
    // Before: Some([1e600 = ∞]) and Some([[1/5e-324 = ∞]]).
    assert_eq!(solve_spd(&[vec![1e-300]], &[1e300]), None);
    assert_eq!(invert_spd(&[vec![5e-324]]), None);
    assert_eq!(solve_spd(&[vec![4.0]], &[f64::NAN]), None);
    // Wrong lengths.
    assert_eq!(solve_spd(&[vec![1.0, 0.0], vec![0.0, 1.0]], &[1.0]), None);
    assert_eq!(cholesky(&[vec![1.0, 0.0], vec![0.0]]), None);
    assert_eq!(invert_spd(&[]), Some(vec![]));
}

#[test]
fn hypergeometric_logs_of_extreme_floats_are_finite_or_none() {
    let zs = [
        0.0,
        5e-324,
        1e-300,
        0.5,
        0.99,
        1.0 - 1e-16,
        1.0,
        -0.5,
        f64::NAN,
    ];
    for a in FLOATS {
        for b in FLOATS {
            for z in zs {
                let label = format!("a = {a:e}, b = {b:e}, z = {z:e}");
                let results = (
                    ln_hyp2f1_a_plus_one(a, b, z),
                    ln_hyp2f1_with_derivatives(a, b, z),
                );
                assert_finite(&label, &results);
            }
        }
    }
    // Before: ∂ ln F/∂z = ∞ at a = f64::MAX.
    assert_eq!(ln_hyp2f1_with_derivatives(f64::MAX, 1e308, 0.5), None);
    // In range, still the published value: mpmath.hyp2f1(3.2, 1.6, 4.2, 0.3) = 1.530348997541416.
    let v = ln_hyp2f1_a_plus_one(3.2, 1.6, 0.3).unwrap().exp();
    assert!((v - 1.530348997541416).abs() < 1e-13, "{v}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any finite values and probabilities: finite quantiles between the extremes.
    #[test]
    fn quantiles_of_any_finite_values_are_within_them(
        values in prop::collection::vec(prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO, 1..40),
        p in 0.0f64..=1.0,
    ) {
        let (lo, hi) = values.iter().fold((f64::MAX, -f64::MAX), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
        let q = quantiles(&values, &[p]).unwrap()[0];
        prop_assert!(q.is_finite() && lo <= q && q <= hi, "{q} outside [{lo}, {hi}]");
        let m = median(&mut values.clone()).unwrap();
        prop_assert!(m.is_finite() && lo <= m && m <= hi, "median {m}");
    }

    /// ln 2F1 over the whole domain, a from 1e-300 to 1e300: finite or None.
    #[test]
    fn hypergeometric_logs_are_finite_or_none(
        log_a in -300.0f64..300.0, share in 0.0f64..1.0, z in 0.0f64..1.0,
    ) {
        let a = 10f64.powf(log_a);
        let b = share * (a + 1.0);
        assert_finite("ln 2F1", &(ln_hyp2f1_a_plus_one(a, b, z), ln_hyp2f1_with_derivatives(a, b, z)));
    }
}

/// Amounts from zero to `Decimal::MAX`, at scales 0 to 28.
fn amounts() -> Vec<Decimal> {
    let max_mantissa = 79_228_162_514_264_337_593_543_950_335i128;
    vec![
        Decimal::ZERO,
        Decimal::ONE,
        Decimal::NEGATIVE_ONE,
        MAX_AMOUNT,
        -MAX_AMOUNT,
        MAX_AMOUNT + Decimal::ONE,
        Decimal::MAX,
        Decimal::MIN,
        Decimal::new(1, 28),
        Decimal::from_i128_with_scale(max_mantissa, 28),
        -Decimal::from_i128_with_scale(max_mantissa, 28),
        Decimal::from_i128_with_scale(max_mantissa, 11),
    ]
}

/// Legal but extreme logs: one line of every date and amount, the edge dates at ±10¹⁸, and 200
/// lines of the largest mantissa at scale 11.
fn extreme_logs() -> Vec<(String, Vec<Transaction<u32>>)> {
    let mut logs = Vec::new();
    for d in dates() {
        for a in amounts() {
            logs.push((format!("{d} {a}"), vec![Transaction::new(1, d, a)]));
        }
    }
    let edges = |amount: Decimal| -> Vec<Transaction<u32>> {
        dates()
            .into_iter()
            .enumerate()
            .flat_map(|(i, d)| {
                let c = i as u32 % 2;
                [
                    Transaction::new(c, d, amount),
                    Transaction::new(c + 5, d, -amount),
                ]
            })
            .collect()
    };
    logs.push(("edges at 10^18".into(), edges(MAX_AMOUNT)));
    logs.push(("edges at 1".into(), edges(Decimal::ONE)));
    let widest = Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 11);
    logs.push((
        "widest mantissa".into(),
        (0..200)
            .map(|i| Transaction::new(i % 4, ymd(2024, 1, 1 + i % 28), widest))
            .collect(),
    ));
    logs
}

fn summarizers() -> Vec<Summarizer> {
    dates()
        .into_iter()
        .flat_map(|end| {
            [
                Summarizer::new(end),
                Summarizer::new(end)
                    .refund_policy(RefundPolicy::Ignore)
                    .money_scale(28),
                Summarizer::new(end)
                    .late_transactions(LateTransactions::Reject)
                    .refund_policy(RefundPolicy::Reject)
                    .money_scale(0)
                    .keep_occasions(false),
            ]
        })
        .collect()
}

/// Every figure a summary gives.
fn figures(s: &customer_value::CustomerSummary<u32>) -> impl Debug {
    (
        (s.recency_days(), s.tenure_days(), s.average_order_value()),
        (
            s.repeat_spend(),
            s.net_repeat_spend(),
            s.mean_repeat_spend(),
        ),
        s.monetary(MonetaryBasis::AveragePerOccasion),
        (s.btyd(TimeUnit::Days), s.btyd(TimeUnit::Weeks)),
        s.btyd_calendar(CalendarPeriod::Week),
        s.btyd_calendar(CalendarPeriod::Month),
    )
}

#[test]
fn summaries_of_extreme_logs_are_finite_or_typed_errors() {
    for (name, log) in extreme_logs() {
        for summarizer in summarizers() {
            let label = format!("{name} / {summarizer:?}");
            let summarized = summarizer.summarize_with_dropped(&log);
            let mut acc = summarizer.accumulator();
            let accumulated = acc.extend(&log).and_then(|()| acc.finish_with_dropped());
            assert_eq!(summarized, accumulated, "{label}");
            for s in summarized.iter().flat_map(|(rows, _, _)| rows) {
                assert_finite(&label, &figures(s));
            }
            for calibration_end in dates() {
                let split = summarizer.calibration_holdout(&log, calibration_end);
                assert_finite(&label, &split);
            }
        }
    }
}

#[test]
fn an_amount_beyond_ten_to_the_eighteen_is_refused_at_its_line() {
    let d = ymd(2024, 1, 1);
    for amount in [Decimal::MAX, Decimal::MIN, MAX_AMOUNT + Decimal::ONE] {
        let log = [
            Transaction::new(1u8, d, Decimal::ONE),
            Transaction::new(2, d, amount),
        ];
        let err = Summarizer::new(d).summarize(&log).unwrap_err();
        assert_eq!(
            err,
            SummaryError::AmountOutOfRange {
                position: 1,
                amount
            }
        );
        let mut acc = Summarizer::new(d).accumulator();
        assert_eq!(acc.extend(&log), Err(err));
    }
    // 10^18 itself counts, and a million of them sum exactly, far below Decimal::MAX.
    let log: Vec<_> = (0..1_000_000u32)
        .map(|i| Transaction::new(i % 3, d, MAX_AMOUNT))
        .collect();
    let s = Summarizer::new(d).summarize(&log).unwrap();
    let total: Decimal = s.iter().map(|c| c.total_spend()).sum();
    assert_eq!(total, MAX_AMOUNT * Decimal::from(1_000_000));
}

#[test]
fn the_no_purchase_error_says_what_the_lines_were() {
    let d = |m, n| ymd(2024, m, n);
    let bought_later = [Transaction::new(1u8, d(3, 1), Decimal::from(5))];
    let err = Summarizer::new(d(6, 1))
        .calibration_holdout(&bought_later, d(2, 1))
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::NoPurchaseOccasions {
            end: d(2, 1),
            lines_through_end: 0,
            refunds_through_end: 0,
            lines_after_end: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "no customer has a purchase occasion on or before 2024-02-01: all 1 lines are dated after it"
    );
    let refunds = [
        Transaction::new(1u8, d(1, 1), Decimal::from(-5)),
        Transaction::new(1, d(9, 1), Decimal::from(7)),
    ];
    let err = Summarizer::new(d(6, 1))
        .refund_policy(RefundPolicy::Ignore)
        .summarize(&refunds)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no customer has a purchase occasion on or before 2024-06-01: the 1 lines dated by then \
         are all refunds; 1 more lines are dated after it"
    );
    let cancelled = [
        Transaction::new(1u8, d(1, 1), Decimal::from(5)),
        Transaction::new(1, d(1, 1), Decimal::from(-5)),
    ];
    let err = Summarizer::new(d(6, 1)).summarize(&cancelled).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no customer has a purchase occasion on or before 2024-06-01: refunds (1 of the 2 lines \
         dated by then) bring every customer-day to zero or less"
    );
}

#[test]
fn money_from_extreme_floats_and_texts() {
    for v in FLOATS {
        for scale in [0, 2, 28, 29, u32::MAX] {
            let money = money_from_f64(v, scale);
            assert_eq!(
                money.is_ok(),
                v.is_finite() && v.abs() <= 1e18 && scale <= 28,
                "{v:e} {scale}"
            );
            assert!(money.is_err() || money.is_ok_and(|m| m.abs() <= MAX_AMOUNT));
        }
    }
    let long = "9".repeat(10_000);
    for text in [
        "",
        " ",
        "NaN",
        "inf",
        "-",
        "1e",
        "e5",
        "1,000",
        "1e400",
        "1e-400",
        "1e4294967296",
        "79228162514264337593543950336",
        &long,
    ] {
        assert!(parse_money(text, 2).is_err(), "{text:.20}");
    }
    for (text, scale, expected) in [
        ("-0", 2, "0.00"),
        ("1E+2", 2, "100.00"),
        ("1e18", 2, "1000000000000000000.00"),
        ("1e-28", 28, "0.0000000000000000000000000001"),
        (
            "0.00000000000000000000000000001",
            28,
            "0.0000000000000000000000000000",
        ),
    ] {
        assert_eq!(
            parse_money(text, scale).unwrap().to_string(),
            expected,
            "{text}"
        );
    }
    assert!(parse_money("1000000000000000000.5", 2).is_err());
    assert!(parse_money("1", 29).is_err());
}

/// Scorers with every hostile bin count, binning and threshold list.
fn scorers() -> Vec<RfmScorer> {
    let mut out = Vec::new();
    for bins in [0u8, 1, 2, 5, 10, 11, 255] {
        out.push(RfmScorer::new().bins(bins));
        out.push(RfmScorer::new().bins(bins).binning(Binning::EqualCount));
        out.push(
            RfmScorer::new()
                .bins(bins)
                .monetary(MonetaryBasis::AveragePerOccasion),
        );
    }
    for cuts in [
        vec![f64::MAX],
        vec![-f64::MAX],
        vec![5e-324],
        vec![f64::NAN],
        vec![1.0, 2.0],
    ] {
        out.push(RfmScorer::new().bins(2).binning(Binning::Thresholds {
            recency: cuts.clone(),
            frequency: cuts.clone(),
            monetary: cuts,
        }));
    }
    out
}

#[test]
fn rfm_on_extreme_summaries_scores_in_range_or_refuses() {
    for (name, log) in extreme_logs() {
        for end in [NaiveDate::MAX, ymd(2024, 12, 31)] {
            let Ok(summaries) = Summarizer::new(end).summarize(&log) else {
                continue;
            };
            for scorer in scorers() {
                let label = format!("{name} as of {end} / {scorer:?}");
                match scorer.score(&summaries) {
                    Ok(records) => assert_eq!(records.len(), summaries.len()),
                    Err(e) => assert!(
                        scorer.check().is_err() || matches!(e, RfmError::TooFewCustomers { .. }),
                        "{label}: {e}"
                    ),
                }
                let Ok(fitted) = scorer.fit(&summaries) else {
                    continue;
                };
                assert_finite(&label, fitted.breakpoints());
                for s in &summaries {
                    let score = fitted.score_one(s);
                    for level in [score.recency, score.frequency, score.monetary] {
                        assert!((1..=fitted.bins()).contains(&level), "{label}: {score:?}");
                    }
                }
            }
            for split in [SplitAt::Mean, SplitAt::Median] {
                for max_recency_days in [None, Some(i64::MIN), Some(0), Some(i64::MAX)] {
                    let options = ValueMatrixOptions {
                        split,
                        max_recency_days,
                    };
                    let matrix = value_matrix(&summaries, &options);
                    assert_finite(&format!("{name} {options:?}"), &matrix);
                }
            }
        }
    }
}

#[test]
fn segment_maps_refuse_scores_and_bins_out_of_range() {
    for bins in [0u8, 1, 2, 5, 10, 11, 255] {
        let top = bins.clamp(1, 10);
        let catch_all = SegmentRules::new(
            vec![SegmentRule::new("all", 1..=top, 1..=top, 1..=top)],
            "none",
        );
        let valid_bins = (2..=10).contains(&bins);
        assert_eq!(
            catch_all.coverage(bins).is_ok(),
            valid_bins,
            "coverage {bins}"
        );
        for level in [0u8, 1, 5, 10, 255] {
            let score = RfmScore {
                recency: level,
                frequency: level,
                monetary: level,
            };
            let valid = valid_bins && (1..=bins).contains(&level);
            let default = SegmentMap::Default.segment(score, bins);
            assert_eq!(
                default.is_ok(),
                valid,
                "default {level}/{bins}: {default:?}"
            );
            let rules = SegmentMap::Rules(catch_all.clone()).segment(score, bins);
            assert_eq!(rules.is_ok(), valid, "rules {level}/{bins}: {rules:?}");
        }
    }
    let wide = SegmentRules::new(vec![SegmentRule::new("x", 0..=255, 1..=1, 1..=1)], "");
    assert!(matches!(
        wide.check(),
        Err(RfmError::InvalidRule {
            field: "recency",
            ..
        })
    ));
}

#[test]
fn rfm_values_no_fit_made_are_refused_when_read() {
    let s = summaries_of(
        &[
            (1, ymd(2024, 1, 1), 1),
            (2, ymd(2024, 6, 1), 50),
            (3, ymd(2024, 9, 1), 7),
        ],
        ymd(2024, 12, 31),
    );
    let fitted = RfmScorer::new().bins(3).fit(&s).unwrap();
    let json = serde_json::to_value(&fitted).unwrap();
    let read = |v: &serde_json::Value| serde_json::from_value::<FittedRfm>(v.clone());
    assert_eq!(read(&json).unwrap(), fitted);
    let mut cases: Vec<(serde_json::Value, &str)> = Vec::new();
    for bins in [0, 1, 11, 255] {
        let mut v = json.clone();
        v["bins"] = bins.into();
        cases.push((v, "bins"));
    }
    for (cuts, says) in [
        (
            serde_json::json!([1.0, 2.0, 3.0]),
            "has 3 values, 2 are needed",
        ),
        (
            serde_json::json!(vec![1.0; 11]),
            "has 11 values, 2 are needed",
        ),
        (serde_json::json!([]), "has 0 values, 2 are needed"),
        (serde_json::json!([2.0, 1.0]), "must be sorted"),
        (serde_json::json!([null, 1.0]), "invalid type"),
    ] {
        for dim in ["recency", "frequency", "monetary"] {
            let mut v = json.clone();
            v["breakpoints"][dim] = cuts.clone();
            cases.push((v, says));
        }
    }
    let mut v = json.clone();
    v["segments"] = serde_json::json!({"Rules": {"rules": [{"name": "x",
        "recency": {"start": 1, "end": 9}, "frequency": {"start": 1, "end": 3},
        "monetary": {"start": 1, "end": 3}}], "catch_all": "rest"}});
    cases.push((v, "range must end at or below the number of bins"));
    for (v, says) in cases {
        let err = read(&v).unwrap_err().to_string();
        assert!(err.contains(says), "{v}: {err}");
    }
    // A cut beyond f64 (1e400) does not even parse.
    let mut v = json.clone();
    v["breakpoints"]["monetary"] = "cuts".into();
    let text = v.to_string().replace("\"cuts\"", "[1.0,1e400]");
    let err = serde_json::from_str::<FittedRfm>(&text)
        .unwrap_err()
        .to_string();
    assert!(err.contains("number out of range"), "{err}");
    // The widest cuts a fit could hold still score every customer in range.
    let mut v = json.clone();
    v["breakpoints"]["monetary"] = serde_json::json!([-f64::MAX, f64::MAX]);
    let wide = read(&v).unwrap();
    let monetary: Vec<u8> = s.iter().map(|c| wide.score_one(c).monetary).collect();
    assert_eq!(monetary, [2, 2, 2]);
    // The scorer's settings and the value matrix's options are checked when read, too.
    let scorer = r#"{"bins":2,"binning":{"Thresholds":{"recency":[1],"frequency":[1,2],"monetary":[1]}},"monetary":"TotalSpend","segments":"Default"}"#;
    assert!(serde_json::from_str::<RfmScorer>(scorer).is_err());
    let options = r#"{"split":"Mean","max_recency_days":-9223372036854775808}"#;
    assert!(serde_json::from_str::<ValueMatrixOptions>(options).is_err());
}

#[test]
fn unit_economics_at_the_edges_of_decimal() {
    use customer_value::kpi::{cac_payback_months, clv_to_cac_ratio, customer_acquisition_cost};
    let money = [
        Decimal::ZERO,
        Decimal::ONE,
        Decimal::NEGATIVE_ONE,
        Decimal::new(1, 28),
        Decimal::MAX,
        Decimal::MIN,
    ];
    for &a in &money {
        for n in [0u64, 1, u64::MAX] {
            assert_eq!(
                customer_acquisition_cost(a, n).is_ok(),
                a >= Decimal::ZERO && n > 0
            );
        }
        for &b in &money {
            let ratio = clv_to_cac_ratio(a, b);
            assert!(
                ratio.is_ok()
                    || b <= Decimal::ZERO
                    || matches!(ratio, Err(KpiError::Overflow { .. }))
            );
            for &c in &money {
                let _ = cac_payback_months(a, b, c);
            }
        }
    }
    assert_eq!(
        clv_to_cac_ratio(Decimal::MAX, Decimal::new(1, 28)),
        Err(KpiError::Overflow { what: "CLV:CAC" })
    );
    assert_eq!(
        customer_acquisition_cost(Decimal::MAX, u64::MAX).unwrap(),
        Decimal::MAX / Decimal::from(u64::MAX)
    );
}
