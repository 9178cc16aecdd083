//! Revenue in the KPIs is net of every refund, each counted on its own date: hand-computed cases.

use chrono::NaiveDate;
use customer_value::kpi::{CohortMatrix, CohortPeriod, PeriodKpis, RevenueRetention};
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

fn d(m: u32, n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, m, n).expect("valid test date")
}

fn log() -> Vec<Transaction<u32>> {
    vec![
        Transaction::new(1, d(1, 5), Decimal::from(100)),
        Transaction::new(1, d(2, 10), Decimal::from(-30)), // a refund day in February
        Transaction::new(1, d(3, 3), Decimal::from(50)),
        Transaction::new(2, d(1, 20), Decimal::from(-15)), // before its first purchase
        Transaction::new(2, d(2, 1), Decimal::from(40)),
        Transaction::new(2, d(2, 1), Decimal::from(-10)), // an occasion of 30
    ]
}

#[test]
fn period_revenue_counts_refund_days_on_their_date() {
    let s = Summarizer::new(d(3, 31)).summarize(&log()).unwrap();
    let month = |m: u32, last: u32| {
        PeriodKpis::compute(&s, d(m, 1), d(m, last))
            .unwrap()
            .revenue
    };
    assert_eq!(month(1, 31), Decimal::from(85)); // 100 − 15
    assert_eq!(month(2, 29), Decimal::ZERO); // −30 + 30
    assert_eq!(month(3, 31), Decimal::from(50));
    let all: Decimal = s.iter().map(|c| c.total_spend()).sum();
    assert_eq!(all, Decimal::from(135));
    assert_eq!(month(1, 31) + month(2, 29) + month(3, 31), all);
    let feb = PeriodKpis::compute(&s, d(2, 1), d(2, 29)).unwrap();
    assert_eq!(feb.occasions, 1);
    assert_eq!(feb.average_order_value().unwrap(), Decimal::ZERO);
    // The base is who bought in the previous 29 days (Jan 3 – 31): customer 1 only (customer 2
    // only had a refund then). It bought 100 and had 30 refunded in February: −30 of 100.
    let r = RevenueRetention::compute(&s, d(2, 1), d(2, 29)).unwrap();
    assert_eq!(
        (r.base_customers, r.base_revenue, r.retained_revenue),
        (1, Decimal::from(100), Decimal::from(-30))
    );
    assert_eq!(r.capped_revenue, Decimal::ZERO);
    assert_eq!(
        (
            r.net_revenue_retention().unwrap(),
            r.gross_revenue_retention().unwrap()
        ),
        (-0.3, 0.0)
    );
}

#[test]
fn cohort_cells_count_refund_days_on_their_date_and_earlier_ones_in_the_first_cell() {
    let s = Summarizer::new(d(3, 31)).summarize(&log()).unwrap();
    let m = CohortMatrix::build(&s, CohortPeriod::Month, d(3, 31)).unwrap();
    let revenue =
        |row: usize| -> Vec<Decimal> { m.rows()[row].cells.iter().map(|c| c.revenue).collect() };
    // January cohort (customer 1): 100, −30, 50.
    assert_eq!(revenue(0), [100, -30, 50].map(Decimal::from));
    // February cohort (customer 2): its January refund counts in its first cell: 30 − 15.
    assert_eq!(revenue(1), [15, 0].map(Decimal::from));
    let total: Decimal = (0..2).flat_map(revenue).sum();
    assert_eq!(total, Decimal::from(135));
}
