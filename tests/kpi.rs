//! KPIs on hand-computed examples, cohort matrices checked by hand and against a brute-force
//! reference, unit economics, every error path and properties.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use customer_value::kpi::{
    cac_payback_months, churn_rate, clv_to_cac_ratio, customer_acquisition_cost,
    repeat_purchase_rate, retention_rate, CohortMatrix, CohortPeriod, KpiError, PeriodKpis,
    RevenueRetention,
};
use customer_value::{CustomerSummary, Summarizer, Transaction};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn money(units: i64) -> Decimal {
    Decimal::from(units)
}

fn summarize(log: &[(u32, NaiveDate, Decimal)], end: NaiveDate) -> Vec<CustomerSummary<u32>> {
    let tx: Vec<_> = log
        .iter()
        .map(|&(c, d, a)| Transaction::new(c, d, a))
        .collect();
    Summarizer::new(end).summarize(&tx).unwrap()
}

/// March 2023 (L = 31; S is active on Feb 28: an occasion in [Jan 29, Feb 28]).
fn march_log() -> Vec<CustomerSummary<u32>> {
    summarize(
        &[
            (1, date(2023, 1, 29), money(10)), // in S (the window's first day) ...
            (1, date(2023, 3, 31), money(10)), // ... and retained on the period's last day
            (2, date(2023, 1, 28), money(10)), // one day before the window: not in S
            (2, date(2023, 3, 1), money(10)),  // returns
            (3, date(2022, 12, 1), money(10)), // lapsed ...
            (3, date(2023, 3, 15), money(10)), // ... returns
            (4, date(2023, 3, 10), money(20)), // new in March
            (4, date(2023, 3, 12), money(30)), // and buys again
            (5, date(2023, 2, 28), money(10)), // in S, silent in March: churned
            (6, date(2023, 4, 2), money(99)),  // after the period: never read
        ],
        date(2023, 4, 30),
    )
}

#[test]
fn period_counts_by_hand() {
    let k = PeriodKpis::compute(&march_log(), date(2023, 3, 1), date(2023, 3, 31)).unwrap();
    assert_eq!(k.length_days, 31);
    assert_eq!(k.customers_at_start, 2); // 1 and 5
    assert_eq!(k.retained, 1); // 1
    assert_eq!(k.customers_at_end, 4); // 1, 2, 3, 4
    assert_eq!(k.new_customers, 1); // 4
    assert_eq!(k.repeat_customers, 1); // 4
    assert_eq!(k.occasions, 5);
    assert_eq!(k.revenue, money(80));
    assert_eq!(k.retention_rate().unwrap(), 0.5);
    assert_eq!(k.churn_rate().unwrap(), 0.5);
    // (E − N) / S = (4 − 1) / 2 = 1.5: returning lapsed customers push it past 1.
    assert_eq!(k.textbook_retention_rate().unwrap(), 1.5);
    assert_eq!(k.repeat_purchase_rate().unwrap(), 0.25);
    assert_eq!(k.purchase_frequency().unwrap(), 1.25);
    assert_eq!(k.average_order_value().unwrap(), money(16));
    // The shortcuts agree.
    let s = march_log();
    assert_eq!(
        retention_rate(&s, date(2023, 3, 1), date(2023, 3, 31)).unwrap(),
        0.5
    );
    assert_eq!(
        churn_rate(&s, date(2023, 3, 1), date(2023, 3, 31)).unwrap(),
        0.5
    );
    assert_eq!(
        repeat_purchase_rate(&s, date(2023, 3, 1), date(2023, 3, 31)).unwrap(),
        0.25
    );
    assert_eq!(
        customer_value::kpi::purchase_frequency(&s, date(2023, 3, 1), date(2023, 3, 31)).unwrap(),
        1.25
    );
    assert_eq!(
        customer_value::kpi::average_order_value(&s, date(2023, 3, 1), date(2023, 3, 31)).unwrap(),
        money(16)
    );
}

#[test]
fn one_day_period() {
    // L = 1: S = customers who bought the day before.
    let s = march_log();
    let k = PeriodKpis::compute(&s, date(2023, 3, 1), date(2023, 3, 1)).unwrap();
    assert_eq!(
        (
            k.customers_at_start,
            k.retained,
            k.customers_at_end,
            k.new_customers
        ),
        (1, 0, 1, 0)
    );
    assert_eq!(k.retention_rate().unwrap(), 0.0);
    assert_eq!(k.churn_rate().unwrap(), 1.0);
}

#[test]
fn revenue_retention_net_and_gross() {
    let s = summarize(
        &[
            (1, date(2024, 1, 10), money(100)),
            (1, date(2024, 2, 10), money(150)), // expansion
            (2, date(2024, 1, 12), money(100)),
            (2, date(2024, 2, 12), money(20)), // contraction
            (3, date(2024, 1, 15), money(50)), // lost
            (4, date(2024, 2, 1), money(500)), // new: not in the base
        ],
        date(2024, 2, 29),
    );
    let r = RevenueRetention::compute(&s, date(2024, 2, 1), date(2024, 2, 29)).unwrap();
    assert_eq!(
        (
            r.base_customers,
            r.base_revenue,
            r.retained_revenue,
            r.capped_revenue
        ),
        (3, money(250), money(170), money(120))
    );
    assert_eq!(r.net_revenue_retention().unwrap(), 0.68);
    assert_eq!(r.gross_revenue_retention().unwrap(), 0.48);
    // Expansion past the base: NRR > 1, GRR capped at 1.
    let s = summarize(
        &[
            (1, date(2024, 1, 10), money(100)),
            (1, date(2024, 2, 10), money(300)),
        ],
        date(2024, 2, 29),
    );
    let r = RevenueRetention::compute(&s, date(2024, 2, 1), date(2024, 2, 29)).unwrap();
    assert_eq!(
        (
            r.net_revenue_retention().unwrap(),
            r.gross_revenue_retention().unwrap()
        ),
        (3.0, 1.0)
    );
    // No base: undefined.
    assert!(matches!(
        RevenueRetention::compute(&s, date(2024, 1, 1), date(2024, 1, 31)),
        Err(KpiError::UndefinedRate {
            rate: "revenue retention",
            ..
        })
    ));
}

fn monthly_log() -> Vec<CustomerSummary<u32>> {
    summarize(
        &[
            (1, date(2023, 1, 5), money(10)),
            (1, date(2023, 1, 20), money(5)),
            (1, date(2023, 3, 3), money(20)),
            (2, date(2023, 1, 31), money(40)),
            (3, date(2023, 2, 1), money(15)),
            (3, date(2023, 2, 28), money(5)),
            (3, date(2023, 4, 1), money(10)),
            (4, date(2023, 3, 31), money(8)),
        ],
        date(2023, 4, 30),
    )
}

fn cells(row: &customer_value::kpi::CohortRow) -> Vec<(u64, u64, f64, f64, Decimal, Decimal)> {
    row.cells
        .iter()
        .map(|c| {
            (
                c.active,
                c.active_then_or_later,
                c.retention,
                c.unbounded_retention,
                c.revenue_per_member,
                c.cumulative_revenue_per_member,
            )
        })
        .collect()
}

#[test]
fn monthly_matrix_by_hand() {
    let m = CohortMatrix::build(&monthly_log(), CohortPeriod::Month, date(2023, 3, 31)).unwrap();
    assert_eq!(m.rows().len(), 3);
    let jan = &m.rows()[0];
    assert_eq!((jan.start, jan.size), (date(2023, 1, 1), 2));
    let half = Decimal::new(5, 1);
    assert_eq!(
        cells(jan),
        vec![
            (2, 2, 1.0, 1.0, Decimal::new(275, 1), Decimal::new(275, 1)),
            (0, 1, 0.0, 0.5, Decimal::ZERO, Decimal::new(275, 1)),
            (1, 1, 0.5, 0.5, money(10), Decimal::new(375, 1)),
        ]
    );
    let feb = &m.rows()[1];
    assert_eq!((feb.start, feb.size), (date(2023, 2, 1), 1));
    // Customer 3's April purchase is after the as-of date: never read.
    assert_eq!(
        cells(feb),
        vec![
            (1, 1, 1.0, 1.0, money(20), money(20)),
            (0, 0, 0.0, 0.0, Decimal::ZERO, money(20))
        ]
    );
    let mar = &m.rows()[2];
    assert_eq!(cells(mar), vec![(1, 1, 1.0, 1.0, money(8), money(8))]);
    assert_eq!(m.retention(0, 2), Some(0.5));
    assert_eq!(m.retention(0, 3), None);
    assert_eq!(m.unbounded_retention(0, 1), Some(0.5));
    assert_eq!(m.retention(5, 0), None);
    assert_eq!(jan.cells[1].revenue, Decimal::ZERO);
    assert_eq!(jan.cells[2].revenue * half, money(10)); // 20 in March
    assert_eq!(
        (m.period(), m.as_of()),
        (CohortPeriod::Month, date(2023, 3, 31))
    );

    // As of March 30 March has not ended: its cells are absent and March occasions unread; the
    // March cohort (first purchase March 31) does not exist yet.
    let m = CohortMatrix::build(&monthly_log(), CohortPeriod::Month, date(2023, 3, 30)).unwrap();
    assert_eq!(m.rows().len(), 2);
    assert_eq!(
        cells(&m.rows()[0]),
        vec![
            (2, 2, 1.0, 1.0, Decimal::new(275, 1), Decimal::new(275, 1)),
            (0, 0, 0.0, 0.0, Decimal::ZERO, Decimal::new(275, 1)),
        ]
    );
    assert_eq!(m.rows()[1].cells.len(), 1);

    // As of April 1 the cells equal those as of March 31; April's purchase is not read.
    let april = CohortMatrix::build(&monthly_log(), CohortPeriod::Month, date(2023, 4, 1)).unwrap();
    let march =
        CohortMatrix::build(&monthly_log(), CohortPeriod::Month, date(2023, 3, 31)).unwrap();
    assert_eq!(april.rows(), march.rows());
}

#[test]
fn weekly_matrix_by_hand() {
    // 2024-01-01 is a Monday: weeks Jan 1–7, 8–14, 15–21.
    let log = summarize(
        &[
            (1, date(2024, 1, 1), money(10)),
            (1, date(2024, 1, 7), money(10)), // Sunday: same week
            (1, date(2024, 1, 8), money(5)),  // Monday: next week
            (2, date(2024, 1, 7), money(20)),
            (2, date(2024, 1, 17), money(4)),
        ],
        date(2024, 1, 31),
    );
    let m = CohortMatrix::build(&log, CohortPeriod::IsoWeek, date(2024, 1, 21)).unwrap();
    assert_eq!(m.rows().len(), 1);
    let w1 = &m.rows()[0];
    assert_eq!((w1.start, w1.size), (date(2024, 1, 1), 2));
    assert_eq!(
        cells(w1),
        vec![
            (2, 2, 1.0, 1.0, money(20), money(20)),
            (1, 2, 0.5, 1.0, Decimal::new(25, 1), Decimal::new(225, 1)),
            (1, 1, 0.5, 0.5, money(2), Decimal::new(245, 1)),
        ]
    );
    // As of Saturday the 20th the third week has not ended.
    let m = CohortMatrix::build(&log, CohortPeriod::IsoWeek, date(2024, 1, 20)).unwrap();
    assert_eq!(
        cells(&m.rows()[0])[1],
        (1, 1, 0.5, 0.5, Decimal::new(25, 1), Decimal::new(225, 1))
    );
    assert_eq!(m.rows()[0].cells.len(), 2);
    // As of the first Saturday no period has ended: the cohort exists, with no cells.
    let m = CohortMatrix::build(&log, CohortPeriod::IsoWeek, date(2024, 1, 6)).unwrap();
    assert_eq!((m.rows()[0].size, m.rows()[0].cells.len()), (1, 0));
}

#[test]
fn unit_economics() {
    assert_eq!(
        customer_acquisition_cost(money(5000), 125).unwrap(),
        money(40)
    );
    assert_eq!(
        customer_acquisition_cost(Decimal::ZERO, 3).unwrap(),
        Decimal::ZERO
    );
    assert_eq!(clv_to_cac_ratio(money(120), money(40)).unwrap(), money(3));
    // 40 / (25 × 0.8) = 2 months.
    assert_eq!(
        cac_payback_months(money(40), money(25), Decimal::new(8, 1)).unwrap(),
        money(2)
    );
    assert_eq!(
        cac_payback_months(money(40), money(25), Decimal::ONE).unwrap(),
        Decimal::new(16, 1)
    );
}

#[test]
fn every_error_path() {
    let s = march_log();
    let empty: Vec<CustomerSummary<u32>> = Vec::new();
    let (mar1, mar31) = (date(2023, 3, 1), date(2023, 3, 31));
    assert_eq!(
        PeriodKpis::compute(&empty, mar1, mar31).unwrap_err(),
        KpiError::EmptyInput
    );
    assert_eq!(
        PeriodKpis::compute(&s, mar31, mar1).unwrap_err(),
        KpiError::PeriodEndsBeforeStart {
            start: mar31,
            end: mar1
        }
    );
    assert_eq!(
        RevenueRetention::compute(&s, mar31, mar1).unwrap_err(),
        KpiError::PeriodEndsBeforeStart {
            start: mar31,
            end: mar1
        }
    );
    assert_eq!(
        PeriodKpis::compute(&s, mar1, date(2023, 5, 1)).unwrap_err(),
        KpiError::AfterObservationEnd {
            date: date(2023, 5, 1),
            observation_end: date(2023, 4, 30),
            position: 0
        }
    );
    assert_eq!(
        PeriodKpis::compute(&s, date(2022, 11, 1), date(2022, 11, 30)).unwrap_err(),
        KpiError::BeforeData {
            date: date(2022, 11, 30),
            earliest: date(2022, 12, 1)
        }
    );
    let lean = Summarizer::new(mar31)
        .keep_occasions(false)
        .summarize(&[Transaction::new(1u32, mar1, Decimal::ONE)])
        .unwrap();
    assert_eq!(
        PeriodKpis::compute(&lean, mar1, mar31).unwrap_err(),
        KpiError::OccasionsNotKept { position: 0 }
    );
    assert_eq!(
        CohortMatrix::build(&lean, CohortPeriod::Month, mar31).unwrap_err(),
        KpiError::OccasionsNotKept { position: 0 }
    );
    assert_eq!(
        CohortMatrix::build(&empty, CohortPeriod::Month, mar31).unwrap_err(),
        KpiError::EmptyInput
    );
    assert_eq!(
        CohortMatrix::build(&s, CohortPeriod::IsoWeek, date(2022, 11, 30)).unwrap_err(),
        KpiError::BeforeData {
            date: date(2022, 11, 30),
            earliest: date(2022, 12, 1)
        }
    );
    assert!(matches!(
        CohortMatrix::build(&s, CohortPeriod::Month, date(2023, 5, 1)),
        Err(KpiError::AfterObservationEnd { .. })
    ));
    // Undefined rates: nobody active before December 2022 (S = 0); nobody buys in early February.
    let dec = PeriodKpis::compute(&s, date(2022, 12, 1), date(2022, 12, 31)).unwrap();
    assert_eq!(
        dec.retention_rate().unwrap_err(),
        KpiError::UndefinedRate {
            rate: "retention rate",
            who: "customers active at the start",
            start: date(2022, 12, 1),
            end: date(2022, 12, 31)
        }
    );
    assert!(dec.churn_rate().is_err() && dec.textbook_retention_rate().is_err());
    let quiet = PeriodKpis::compute(&s, date(2023, 2, 1), date(2023, 2, 2)).unwrap();
    assert!(matches!(
        quiet.repeat_purchase_rate(),
        Err(KpiError::UndefinedRate {
            rate: "repeat purchase rate",
            ..
        })
    ));
    assert!(quiet.purchase_frequency().is_err());
    assert!(matches!(
        quiet.average_order_value(),
        Err(KpiError::UndefinedRate {
            rate: "average order value",
            ..
        })
    ));
    // Unit economics.
    assert_eq!(
        customer_acquisition_cost(money(-1), 3).unwrap_err(),
        KpiError::InvalidParameter {
            name: "acquisition_spend",
            value: -1.0,
            constraint: "must be ≥ 0"
        }
    );
    assert_eq!(
        customer_acquisition_cost(money(1), 0).unwrap_err(),
        KpiError::InvalidParameter {
            name: "new_customers",
            value: 0.0,
            constraint: "must be ≥ 1"
        }
    );
    assert!(matches!(
        clv_to_cac_ratio(money(1), Decimal::ZERO),
        Err(KpiError::InvalidParameter { name: "cac", .. })
    ));
    assert_eq!(
        clv_to_cac_ratio(Decimal::MAX, Decimal::new(1, 10)).unwrap_err(),
        KpiError::Overflow { what: "CLV:CAC" }
    );
    assert!(matches!(
        cac_payback_months(money(-1), money(1), Decimal::ONE),
        Err(KpiError::InvalidParameter { name: "cac", .. })
    ));
    assert!(matches!(
        cac_payback_months(money(1), Decimal::ZERO, Decimal::ONE),
        Err(KpiError::InvalidParameter {
            name: "monthly_revenue_per_new_customer",
            ..
        })
    ));
    for margin in [Decimal::ZERO, Decimal::new(11, 1)] {
        assert!(matches!(
            cac_payback_months(money(1), money(1), margin),
            Err(KpiError::InvalidParameter {
                name: "gross_margin_rate",
                ..
            })
        ));
    }
    assert_eq!(
        cac_payback_months(Decimal::MAX, Decimal::new(1, 10), Decimal::new(1, 10)).unwrap_err(),
        KpiError::Overflow {
            what: "CAC payback"
        }
    );
    let err: customer_value::Error = KpiError::EmptyInput.into();
    assert_eq!(err.to_string(), "no customers were given");
}

/// The cohort matrix computed the slow, obvious way: per customer, sets of period offsets.
#[derive(Debug, PartialEq)]
struct Reference {
    start: NaiveDate,
    size: u64,
    active: Vec<u64>,
    later: Vec<u64>,
    revenue: Vec<Decimal>,
}

fn period_start(period: CohortPeriod, d: NaiveDate) -> NaiveDate {
    match period {
        CohortPeriod::Month => date(d.year(), d.month(), 1),
        _ => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
    }
}

fn next_start(period: CohortPeriod, start: NaiveDate) -> NaiveDate {
    match period {
        CohortPeriod::Month if start.month() == 12 => date(start.year() + 1, 1, 1),
        CohortPeriod::Month => date(start.year(), start.month() + 1, 1),
        _ => start + Duration::days(7),
    }
}

fn offset(period: CohortPeriod, from: NaiveDate, to: NaiveDate) -> usize {
    let mut k = 0;
    let mut s = period_start(period, from);
    while next_start(period, s) <= to {
        s = next_start(period, s);
        k += 1;
    }
    k
}

fn reference(
    summaries: &[CustomerSummary<u32>], period: CohortPeriod, as_of: NaiveDate,
) -> Vec<Reference> {
    // The last complete period ends on the day before the start of the period after it.
    let complete_end =
        if next_start(period, period_start(period, as_of)) == as_of + Duration::days(1) {
            as_of
        } else {
            period_start(period, as_of) - Duration::days(1)
        };
    let mut rows: BTreeMap<NaiveDate, Reference> = BTreeMap::new();
    for s in summaries {
        let first = s.first_purchase();
        if first > as_of {
            continue;
        }
        let cohort = period_start(period, first);
        let width = if complete_end < cohort {
            0
        } else {
            offset(period, cohort, complete_end) + 1
        };
        let row = rows.entry(cohort).or_insert_with(|| Reference {
            start: cohort,
            size: 0,
            active: vec![0; width],
            later: vec![0; width],
            revenue: vec![Decimal::ZERO; width],
        });
        row.size += 1;
        let mut seen = BTreeSet::new();
        for o in s
            .occasions()
            .unwrap()
            .iter()
            .filter(|o| o.date <= complete_end)
        {
            let k = offset(period, cohort, o.date);
            seen.insert(k);
            row.revenue[k] += o.amount;
        }
        for &k in &seen {
            row.active[k] += 1;
        }
        // Refund days count in the cell of their date (before the first occasion: cell 0).
        for r in s
            .refund_days()
            .unwrap()
            .iter()
            .filter(|r| r.date <= complete_end)
        {
            let k = if r.date < cohort {
                0
            } else {
                offset(period, cohort, r.date)
            };
            if k < width {
                row.revenue[k] += r.amount; // a cohort without a complete period shows no cell
            }
        }
        if let Some(&last) = seen.iter().next_back() {
            for k in 0..=last {
                row.later[k] += 1;
            }
        }
    }
    rows.into_values().collect()
}

fn arbitrary_log() -> impl Strategy<Value = Vec<(u32, i64, i64)>> {
    prop::collection::vec((0u32..60, 0i64..200, -2_000i64..20_000), 1..300)
}

fn log_summaries(log: &[(u32, i64, i64)]) -> Option<Vec<CustomerSummary<u32>>> {
    let base = date(2023, 11, 20);
    let tx: Vec<_> = log
        .iter()
        .map(|&(c, d, a)| Transaction::new(c, base + Duration::days(d), Decimal::new(a, 2)))
        .collect();
    Summarizer::new(base + Duration::days(200))
        .summarize(&tx)
        .ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cohort_matrix_matches_the_reference(log in arbitrary_log(), as_of in 0i64..=200, weekly in any::<bool>()) {
        let Some(summaries) = log_summaries(&log) else { return Ok(()) };
        let as_of = date(2023, 11, 20) + Duration::days(as_of);
        let period = if weekly { CohortPeriod::IsoWeek } else { CohortPeriod::Month };
        let Ok(m) = CohortMatrix::build(&summaries, period, as_of) else {
            prop_assert!(summaries.iter().all(|s| s.first_purchase() > as_of));
            return Ok(());
        };
        let expected = reference(&summaries, period, as_of);
        prop_assert_eq!(m.rows().len(), expected.len());
        let acquired = summaries.iter().filter(|s| s.first_purchase() <= as_of).count() as u64;
        prop_assert_eq!(m.rows().iter().map(|r| r.size).sum::<u64>(), acquired);
        for (row, e) in m.rows().iter().zip(&expected) {
            prop_assert_eq!(row.start, e.start);
            prop_assert_eq!(row.size, e.size);
            prop_assert_eq!(row.cells.iter().map(|c| c.active).collect::<Vec<_>>(), e.active.clone());
            prop_assert_eq!(row.cells.iter().map(|c| c.active_then_or_later).collect::<Vec<_>>(), e.later.clone());
            prop_assert_eq!(row.cells.iter().map(|c| c.revenue).collect::<Vec<_>>(), e.revenue.clone());
            let mut cumulative = Decimal::ZERO;
            for (k, c) in row.cells.iter().enumerate() {
                // Rows consistent with the cohort size.
                prop_assert!(c.active <= row.size && c.active <= c.active_then_or_later);
                prop_assert_eq!(c.retention, c.active as f64 / row.size as f64);
                prop_assert!((0.0..=1.0).contains(&c.unbounded_retention));
                if k == 0 {
                    prop_assert_eq!(c.retention, 1.0);
                } else {
                    prop_assert!(c.active_then_or_later <= row.cells[k - 1].active_then_or_later);
                }
                cumulative += c.revenue;
                prop_assert_eq!(c.cumulative_revenue_per_member, cumulative / Decimal::from(row.size));
            }
        }
        // Independent of the order of the summaries.
        let mut reversed = summaries.clone();
        reversed.reverse();
        prop_assert_eq!(CohortMatrix::build(&reversed, period, as_of).unwrap(), m);
    }

    #[test]
    fn period_rates_are_probabilities(log in arbitrary_log(), start in 0i64..200, length in 1i64..60) {
        let Some(summaries) = log_summaries(&log) else { return Ok(()) };
        let start = date(2023, 11, 20) + Duration::days(start);
        let end = (start + Duration::days(length - 1)).min(date(2023, 11, 20) + Duration::days(200));
        let Ok(k) = PeriodKpis::compute(&summaries, start, end) else { return Ok(()) };
        prop_assert!(k.retained <= k.customers_at_start);
        prop_assert!(k.new_customers <= k.customers_at_end && k.repeat_customers <= k.customers_at_end);
        if let (Ok(r), Ok(c)) = (k.retention_rate(), k.churn_rate()) {
            prop_assert!((0.0..=1.0).contains(&r));
            prop_assert!((r + c - 1.0).abs() < 1e-15);
        }
        if let Ok(r) = k.repeat_purchase_rate() {
            prop_assert!((0.0..=1.0).contains(&r));
            prop_assert!(k.purchase_frequency().unwrap() >= 1.0);
        }
        let mut reversed = summaries.clone();
        reversed.reverse();
        prop_assert_eq!(PeriodKpis::compute(&reversed, start, end).unwrap(), k);
    }
}

/// The CDNOW 1/10 sample (2,357 customers, Jan 1997 – Jun 1998), summarized as of 1998-06-30.
fn cdnow_sample() -> Vec<CustomerSummary<u32>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/CDNOW_sample.txt"
    ))
    .unwrap();
    let log: Vec<Transaction<u32>> = text
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let d = f[2];
            let date = date(
                d[..4].parse().unwrap(),
                d[4..6].parse().unwrap(),
                d[6..8].parse().unwrap(),
            );
            Transaction::new(
                f[1].parse().unwrap(),
                date,
                f[4].parse::<Decimal>().unwrap(),
            )
        })
        .collect();
    Summarizer::new(date(1998, 6, 30)).summarize(&log).unwrap()
}

/// Reference values from pandas (bench/peers/cohort.py's `occasions` and `cohort_matrix` on the
/// same file: groupby customer-day, keep every day that nets to ≥ 0 (CDNOW has no refunds, and its
/// $0.00 free CDs are purchase occasions), pivot_table by first-purchase month), and
/// the period counts from plain pandas filters on the same occasions.
#[test]
fn cdnow_sample_matches_pandas() {
    let s = cdnow_sample();
    let m = CohortMatrix::build(&s, CohortPeriod::Month, date(1998, 6, 30)).unwrap();
    let rows = m.rows();
    assert_eq!(
        rows.iter().map(|r| r.size).collect::<Vec<_>>(),
        vec![781, 857, 719]
    );
    assert_eq!(
        rows.iter().map(|r| r.cells.len()).collect::<Vec<_>>(),
        vec![18, 17, 16]
    );
    assert_eq!(
        rows.iter().map(|r| r.cells[1].active).collect::<Vec<_>>(),
        vec![124, 134, 87]
    );
    assert_eq!(
        rows.iter()
            .map(|r| r.cells[1].active_then_or_later)
            .collect::<Vec<_>>(),
        vec![355, 378, 333]
    );
    assert_eq!(rows[0].cells[17].active, 33);
    let close = |a: Decimal, b: f64| {
        (rust_decimal::prelude::ToPrimitive::to_f64(&a).unwrap() - b).abs() < 1e-6
    };
    assert!(close(
        rows[0].cells[0].cumulative_revenue_per_member,
        36.610371
    ));
    assert!(close(
        rows[0].cells[5].cumulative_revenue_per_member,
        65.267836
    ));
    assert!(close(
        rows[0].cells[17].cumulative_revenue_per_member,
        100.951076
    ));
    assert!(close(
        rows[1].cells[5].cumulative_revenue_per_member,
        65.594259
    ));
    assert!(close(
        rows[2].cells[0].cumulative_revenue_per_member,
        45.635730
    ));
    assert!((rows[2].cells[3].retention - 0.108484).abs() < 1e-6);
    assert!((rows[1].cells[5].unbounded_retention - 0.331389).abs() < 1e-6);

    // Q2 1998 (L = 91; S: an occasion in [1997-12-31, 1998-03-31]).
    let q = PeriodKpis::compute(&s, date(1998, 4, 1), date(1998, 6, 30)).unwrap();
    assert_eq!(
        (
            q.customers_at_start,
            q.retained,
            q.customers_at_end,
            q.new_customers
        ),
        (385, 170, 300, 0)
    );
    assert_eq!(
        (q.repeat_customers, q.occasions, q.revenue),
        (105, 495, Decimal::new(1_798_054, 2))
    );
    let r = RevenueRetention::compute(&s, date(1998, 4, 1), date(1998, 6, 30)).unwrap();
    assert_eq!(r.base_customers, 385);
    assert_eq!(
        (r.base_revenue, r.retained_revenue, r.capped_revenue),
        (
            Decimal::new(2_512_290, 2),
            Decimal::new(1_195_978, 2),
            Decimal::new(868_135, 2)
        )
    );
}
