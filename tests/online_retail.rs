//! The full UCI Online Retail log (541,909 lines: cancellations, missing ids, duplicates, fees),
//! read by the loader a user should write: every revenue figure of the summaries and KPIs
//! reconciles to the penny with the loader's kept amount, and what is left out is named.

#[path = "../examples/online_retail/loader.rs"]
#[allow(dead_code, clippy::type_complexity)]
mod loader;

use std::collections::HashMap;

use chrono::NaiveDate;
use customer_value::kpi::{CohortMatrix, CohortPeriod, PeriodKpis};
use customer_value::numeric::money::to_f64;
use customer_value::summary::DropReason;
use customer_value::transaction::money_from_f64;
use customer_value::{Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

fn money(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn online_retail_money_reconciles_and_what_is_left_out_is_named() {
    let (log, load) = loader::load().expect("the bundled log loads");
    let end = loader::observation_end();
    let (rows, report, dropped) = Summarizer::new(end).summarize_with_dropped(&log).unwrap();

    // Kept customers' net + dropped customers' net = the loader's kept net, to the penny.
    let kept_net: Decimal = rows.iter().map(|s| s.total_spend()).sum();
    let dropped_net: Decimal = dropped.iter().map(|d| d.net_amount).sum();
    assert_eq!(load.kept_amount, money("8265476.93"));
    assert_eq!(kept_net, money("8269399.91"));
    assert_eq!(dropped_net, money("-3922.98"));
    assert_eq!(kept_net + dropped_net, load.kept_amount);
    assert_eq!(report.net_of_customers_without_purchase, dropped_net);
    assert_eq!(dropped.len() as u64, report.customers_without_purchase);
    assert_eq!(dropped.len(), 30);
    let lines: u64 = dropped.iter().map(|d| d.lines).sum();
    assert_eq!(lines, report.lines_of_customers_without_purchase);
    assert_eq!(report.lines_used + lines, load.kept);

    // 12346 bought and cancelled 74,215 units on the same day: named, with why.
    let c12346 = dropped.iter().find(|d| d.customer == 12346).unwrap();
    assert_eq!(c12346.reason, DropReason::NoPurchaseOccasion);
    assert_eq!((c12346.lines, c12346.net_amount), (2, Decimal::ZERO));

    // 17603's refunds exceed its purchases (net −1,165.30 with its manual adjustments, which the
    // loader leaves out as non-products; 390.97 without): no positive mean repeat spend.
    let c17603 = rows.iter().find(|s| *s.customer() == 17603).unwrap();
    assert_eq!(c17603.total_spend(), money("390.97"));
    assert_eq!(c17603.net_repeat_spend(), money("-3.75"));
    assert_eq!(c17603.mean_repeat_spend(), None);
    assert_eq!(c17603.btyd(TimeUnit::Weeks).mean_repeat_spend, 0.0);
    // 12755: one repeat of 17.55, then refunds of 1,591.20 on other days. The mean that ignored
    // them was 17.55; net of them there is no positive mean. Seven customers are in that case.
    let c12755 = rows.iter().find(|s| *s.customer() == 12755).unwrap();
    assert_eq!(c12755.repeat_spend(), money("17.55"));
    assert_eq!(c12755.net_repeat_spend(), money("-1573.65"));
    assert_eq!(c12755.mean_repeat_spend(), None);
    let flipped = rows
        .iter()
        .filter(|s| s.repeat_spend() > Decimal::ZERO && s.net_repeat_spend() <= Decimal::ZERO)
        .count();
    assert_eq!(flipped, 7);
    // No customer has a positive mean from a net repeat spend that is not positive.
    for s in &rows {
        if let Some(mean) = s.mean_repeat_spend() {
            assert!(mean > Decimal::ZERO && s.net_repeat_spend() > Decimal::ZERO);
        }
    }

    // The loader reads prices as text: no amount has more decimals than pence (the four prices of
    // 0.001 in the file are fees the loader leaves out).
    assert_eq!(report.excess_scale_amounts, 0);

    // KPI revenue: the whole span, and the months one by one, net exactly the kept customers' net.
    let first = log.iter().map(|t| t.date).min().unwrap();
    let whole = PeriodKpis::compute(&rows, first, end).unwrap();
    assert_eq!(whole.revenue, kept_net);
    let mut months = Decimal::ZERO;
    let mut start = NaiveDate::from_ymd_opt(2010, 12, 1).unwrap();
    while start <= end {
        let next = start.checked_add_months(chrono::Months::new(1)).unwrap();
        let last = next.pred_opt().unwrap().min(end);
        months += PeriodKpis::compute(&rows, start, last).unwrap().revenue;
        start = next;
    }
    assert_eq!(months, kept_net);

    // Cohort revenue: every complete month (to 2011-11-30) of the customers acquired by then,
    // computed independently from the log's lines.
    let cutoff = NaiveDate::from_ymd_opt(2011, 11, 30).unwrap();
    let firsts: HashMap<u32, NaiveDate> = rows
        .iter()
        .map(|s| (*s.customer(), s.first_purchase()))
        .collect();
    let expected: Decimal = log
        .iter()
        .filter(|t| t.date <= cutoff && firsts.get(&t.customer).is_some_and(|f| *f <= cutoff))
        .map(|t| t.amount)
        .sum();
    let cohorts = CohortMatrix::build(&rows, CohortPeriod::Month, end).unwrap();
    let cohort_revenue: Decimal = cohorts
        .rows()
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.revenue))
        .sum();
    assert_eq!(cohort_revenue, expected);
}

/// The same log with amounts that went through `f64` (as a loader computing `quantity * price` in
/// floats would): kept as the floats' exact values, they are counted and located; converted by
/// the documented rule (half-even to pence) they are the loader's amounts again, to the penny.
#[test]
fn online_retail_amounts_through_floats_are_counted_or_rounded_back() {
    let (log, load) = loader::load().expect("the bundled log loads");
    let end = loader::observation_end();
    let floats: Vec<f64> = log.iter().map(|t| to_f64(t.amount)).collect();
    let raw: Vec<Transaction<u32>> = log
        .iter()
        .zip(&floats)
        .map(|(t, &f)| Transaction::new(t.customer, t.date, Decimal::from_f64_retain(f).unwrap()))
        .collect();
    let (_, report) = Summarizer::new(end).summarize_with_report(&raw).unwrap();
    assert_eq!(report.excess_scale_amounts, RAW_FLOAT_EXCESS);
    let first = report.first_excess_scale_positions[0];
    assert!(raw[first].amount.scale() > 2);
    assert_eq!(report.first_excess_scale_positions.len(), 5);

    let rounded: Vec<Transaction<u32>> = log
        .iter()
        .zip(&floats)
        .map(|(t, &f)| Transaction::new(t.customer, t.date, money_from_f64(f, 2).unwrap()))
        .collect();
    assert!(rounded.iter().zip(&log).all(|(r, t)| r.amount == t.amount));
    let (rows, report) = Summarizer::new(end)
        .summarize_with_report(&rounded)
        .unwrap();
    assert_eq!(report.excess_scale_amounts, 0);
    let net: Decimal = rows.iter().map(|s| s.total_spend()).sum::<Decimal>()
        + report.net_of_customers_without_purchase;
    assert_eq!(net, load.kept_amount);
}

const RAW_FLOAT_EXCESS: u64 = 274_540;

/// The one-call report on the real log: its rows and the customers it names as dropped account
/// for every penny the loader kept, and its group totals add up to the rows.
#[test]
fn online_retail_report_reconciles_with_the_loader() {
    use customer_value::report::{CustomerValueReport, ReportConfig};
    let (log, load) = loader::load().expect("the bundled log loads");
    let report =
        CustomerValueReport::build(&log, loader::observation_end(), &ReportConfig::default())
            .expect("the report builds on the real log");
    let rows: Decimal = report.customers.iter().map(|c| c.total_spend).sum();
    let dropped: Decimal = report.dropped.iter().map(|d| d.net_amount).sum();
    assert_eq!(report.customers.len(), 4_333);
    assert_eq!(report.dropped.len(), 30);
    assert_eq!(rows, money("8269399.91"));
    assert_eq!(rows + dropped, load.kept_amount);
    assert!(report.dropped.iter().any(|d| d.customer == 12346));
    for groups in [&report.by_rfm_segment, &report.by_lifecycle_stage] {
        assert_eq!(groups.iter().map(|g| g.revenue).sum::<Decimal>(), rows);
    }
    // Derived money is rounded half-even to two decimals, never a 28-digit quotient.
    assert!(report
        .customers
        .iter()
        .all(|c| c.average_order_value.scale() <= 2));
    assert!(report
        .customers
        .iter()
        .filter_map(|c| c.clv)
        .all(|clv| clv.scale() <= 2));
}

/// A customer whose refunds took back what they bought gets no positive CLV from a mean that
/// ignored the refunds: 12755 (a £17.55 repeat, £1,591.20 refunded), 12454 (£3,528.34 bought and
/// refunded to £0.00) and every row whose net spend is negative. (A customer whose only purchase
/// was free goods, like 13256, is not refunded and keeps the model's prediction.)
#[test]
fn online_retail_refunded_customers_get_no_positive_clv() {
    use customer_value::report::{CustomerValueReport, ReportConfig};
    let (log, _) = loader::load().expect("the bundled log loads");
    let report =
        CustomerValueReport::build(&log, loader::observation_end(), &ReportConfig::default())
            .expect("the report builds on the real log");
    let row = |id: u32| {
        report
            .customers
            .iter()
            .find(|c| c.customer == id)
            .expect("a row")
    };
    for id in [12755, 12454] {
        assert!(
            row(id).clv.is_none_or(|clv| clv <= Decimal::ZERO),
            "{:?}",
            row(id)
        );
        assert_eq!(row(id).expected_spend, Some(0.0));
    }
    let negative: Vec<_> = report
        .customers
        .iter()
        .filter(|c| c.total_spend < Decimal::ZERO)
        .collect();
    assert!(negative
        .iter()
        .all(|c| c.clv.is_none_or(|clv| clv <= Decimal::ZERO)));
    assert!(row(13256).clv.is_some_and(|clv| clv > Decimal::ZERO));
}
