//! RFM counting order lines, and RFM from customer-level aggregates (issue 17; R rfm's
//! `rfm_table_order` and `rfm_table_customer`), against R rfm's vignette table and numpy.

use chrono::NaiveDate;
use customer_value::rfm::{CustomerAggregate, FrequencyBasis, RfmError};
use customer_value::{Binning, RfmScorer, Summarizer, Transaction};
use rust_decimal::Decimal;
use std::collections::HashMap;

#[path = "common/gzip.rs"]
mod gzip;

/// R rfm's `rfm_data_orders` (4,906 orders of 995 customers, 2004–2006, names as rfm 0.2.2
/// ships them).
fn orders() -> Vec<Transaction<String>> {
    include_str!("data/rfm_data_orders_2018_names.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let date = NaiveDate::parse_from_str(f[1], "%Y-%m-%d").unwrap();
            Transaction::new(f[0].to_owned(), date, f[2].parse().unwrap())
        })
        .collect()
}

/// R rfm's vignette table (`rfm_table_order(rfm_data_orders, customer_id, order_date, revenue,
/// analysis_date = as.Date("2006-12-31"))`, as of 2023-05-25): per customer the transaction
/// count, recency days, amount and the three scores.
fn r_table() -> HashMap<String, [i64; 6]> {
    include_str!("data/expected_rfm_segments_vignette_2023-05-25.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let n: Vec<i64> = f[3..9].iter().map(|v| v.parse().unwrap()).collect();
            (f[0].to_owned(), [n[0], n[1], n[2], n[3], n[4], n[5]])
        })
        .collect()
}

#[test]
fn order_lines_reproduce_r_rfm_transaction_counts_and_frequency_scores() {
    let end = NaiveDate::from_ymd_opt(2006, 12, 31).unwrap();
    let summaries = Summarizer::new(end).summarize(&orders()).unwrap();
    let r = r_table();
    assert_eq!((summaries.len(), r.len()), (995, 995));
    let records = RfmScorer::new()
        .frequency(FrequencyBasis::OrderLines)
        .score(&summaries)
        .unwrap();
    let mut other_scores = Vec::new();
    for record in &records {
        let [count, recency, amount, r_score, f_score, m_score] = r[&record.customer];
        assert_eq!(record.frequency as i64, count, "{}", record.customer);
        assert_eq!(record.recency_days, recency);
        assert_eq!(record.monetary, Decimal::from(amount));
        assert_eq!(
            i64::from(record.score.frequency),
            f_score,
            "{}",
            record.customer
        );
        let (ours, theirs) = (record.score, (r_score, m_score));
        if (i64::from(ours.recency), i64::from(ours.monetary)) != theirs {
            other_scores.push(record.customer.as_str());
        }
    }
    // R rfm's quintile breakpoints are values of the data where numpy's (the crate's, R's type
    // 7) interpolate: recency 296.4 days, revenue 254.8 and 505.4. The three customers on the
    // far side of an interpolated cut (297 days; 255 and 506 in revenue) score one level apart.
    assert_eq!(
        other_scores,
        ["Jerold Sporer", "Katlyn Mann", "Skylar Hoeger"]
    );
    // Purchase days merge the orders of one day: 11 customers ordered twice on a day.
    let days = RfmScorer::new().score(&summaries).unwrap();
    let merged = days
        .iter()
        .zip(&records)
        .filter(|(d, l)| d.frequency != l.frequency)
        .count();
    assert_eq!(merged, 11);
}

/// R rfm's `rfm_data_customer` (39,999 customers: id, revenue, orders, recency days as of
/// 2007-01-01), reduced to the columns `rfm_table_customer` reads.
fn customers() -> Vec<CustomerAggregate<u32>> {
    gzip::gunzip(include_bytes!("data/rfm_data_customer_aggregates.csv.gz"))
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let (revenue, orders, days) = (f[1].parse().unwrap(), f[2].parse().unwrap(), f[3]);
            CustomerAggregate::new(
                f[0].parse().unwrap(),
                orders,
                days.parse().unwrap(),
                revenue,
            )
        })
        .collect()
}

/// numpy on the same columns, `c` the CSV read by pandas:
///
/// ```python
/// br = {k: np.quantile(c[k].astype(float), [.2, .4, .6, .8])
///       for k in ['recency_days', 'number_of_orders', 'revenue']}
/// lvl = lambda b, x: 1 + np.searchsorted(b, x, side='left')  # cuts strictly below
/// R = 6 - lvl(br['recency_days'], c.recency_days); F = lvl(...); M = lvl(...)
/// ```
///
/// gives the cuts below, scores (R, F, M) of the first four rows (2, 2, 2), (4, 5, 5),
/// (5, 1, 1), (5, 4, 4), and 7,994, 7,957, 7,889, 8,108, 8,051 customers at R = 1..5.
#[test]
fn aggregates_score_as_numpy() {
    let rows = customers();
    assert_eq!(rows.len(), 39_999);
    let (fitted, records) = RfmScorer::new().score_aggregates(&rows).unwrap();
    let cuts = fitted.breakpoints();
    assert_eq!(cuts.recency, [76.0, 125.0, 176.0, 265.0]);
    assert_eq!(cuts.frequency, [7.0, 9.0, 10.0, 12.0]);
    assert_eq!(cuts.monetary, [640.0, 826.0, 1002.0, 1225.0]);
    let first: Vec<(u8, u8, u8)> = records[..4]
        .iter()
        .map(|r| (r.score.recency, r.score.frequency, r.score.monetary))
        .collect();
    assert_eq!(first, [(2, 2, 2), (4, 5, 5), (5, 1, 1), (5, 4, 4)]);
    assert_eq!((records[0].customer, records[0].frequency), (22086, 9));
    let mut at = [0usize; 5];
    for r in &records {
        at[usize::from(r.score.recency) - 1] += 1;
    }
    assert_eq!(at, [7_994, 7_957, 7_889, 8_108, 8_051]);
}

/// The aggregates of a log score as the log's summaries do, for every binning.
#[test]
fn aggregates_equal_summaries_with_order_lines() {
    let end = NaiveDate::from_ymd_opt(2006, 12, 31).unwrap();
    let summaries = Summarizer::new(end).summarize(&orders()).unwrap();
    let rows: Vec<CustomerAggregate<String>> = summaries
        .iter()
        .map(|s| {
            let (orders, recency) = (s.transactions(), s.recency_days());
            CustomerAggregate::new(s.customer().clone(), orders, recency, s.total_spend())
        })
        .collect();
    for binning in [Binning::Quantiles, Binning::EqualCount] {
        let scorer = RfmScorer::new()
            .binning(binning)
            .frequency(FrequencyBasis::OrderLines);
        let from_log = scorer.fit_and_score(&summaries).unwrap();
        let from_rows = scorer.score_aggregates(&rows).unwrap();
        assert_eq!(from_rows.0.breakpoints(), from_log.0.breakpoints());
        assert_eq!(from_rows.1, from_log.1);
    }
}

#[test]
fn impossible_rows_are_refused() {
    let row =
        |orders, days, revenue: i64| CustomerAggregate::new(1u8, orders, days, revenue.into());
    let scorer = RfmScorer::new().bins(2);
    let field = |rows: &[CustomerAggregate<u8>]| match scorer.score_aggregates(rows) {
        Err(RfmError::InvalidAggregate {
            position, field, ..
        }) => (position, field),
        other => panic!("{other:?}"),
    };
    assert_eq!(field(&[row(1, 1, 5), row(0, 1, 5)]), (1, "orders"));
    assert_eq!(field(&[row(1, -1, 5)]), (0, "recency_days"));
    assert_eq!(
        field(&[CustomerAggregate::new(1u8, 1, 1, Decimal::MAX)]),
        (0, "revenue")
    );
    assert_eq!(
        scorer.score_aggregates::<u8>(&[]),
        Err(RfmError::EmptyInput)
    );
    let equal_count = scorer.binning(Binning::EqualCount).bins(3);
    assert_eq!(
        equal_count.score_aggregates(&[row(1, 1, 5)]),
        Err(RfmError::TooFewCustomers {
            customers: 1,
            bins: 3
        })
    );
}

/// A model saved before the frequency basis existed (no `frequency` field) reads back as
/// counting purchase days, and scores as before.
#[test]
fn models_saved_without_a_frequency_basis_count_purchase_days() {
    let end = NaiveDate::from_ymd_opt(2006, 12, 31).unwrap();
    let summaries = Summarizer::new(end).summarize(&orders()).unwrap();
    let fitted = RfmScorer::new().fit(&summaries).unwrap();
    let mut old = serde_json::to_value(&fitted).unwrap();
    assert_eq!(old["frequency"], "PurchaseDays");
    old.as_object_mut().unwrap().remove("frequency");
    let back: customer_value::rfm::FittedRfm = serde_json::from_value(old).unwrap();
    assert_eq!(back, fitted);
    let lines = RfmScorer::new().frequency(FrequencyBasis::OrderLines);
    let json = serde_json::to_string(&lines).unwrap();
    assert_eq!(serde_json::from_str::<RfmScorer>(&json).unwrap(), lines);
}
