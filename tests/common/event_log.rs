//! Event logs of `id,date` lines (BTYD's and BTYDplus's elogs): one purchase of 1 per line. Apart
//! from `common/mod.rs`, which the DataFusion member's tests include, so that those tests take
//! no new code.

use chrono::NaiveDate;
use customer_value::Transaction;
use rust_decimal::Decimal;

/// The transactions of a CSV with a header line and `id,date` (ISO date) rows, each of amount 1.
pub fn id_date_log(csv: &str) -> Vec<Transaction<u32>> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let (id, date) = line.split_once(',').expect("an id,date line");
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("an ISO date");
            Transaction::new(id.parse().expect("an integer id"), date, Decimal::ONE)
        })
        .collect()
}
