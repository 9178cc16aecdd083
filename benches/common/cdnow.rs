//! The CDNOW data in tests/data, read the one way every bench that uses it reads it (pulled in by
//! `#[path = "common/cdnow.rs"]`, so a bench compiles only this file, not the synthetic log of
//! `common/mod.rs`; the raw CDNOW sample log is tests/common's `cdnow_sample`). The peer
//! scripts in bench/peers read the same files.

#![allow(dead_code)]

use customer_value::clv::{RepeatHistory, SpendHistory};

/// The CDNOW summary (`ID,x,t_x,T,zbar`, weeks): 2,357 customers.
const SUMMARY: &str =
    include_str!("../../tests/data/cdnow_customers_summary_with_transactions.csv");

/// The numeric fields of each summary row, the header skipped.
fn summary_rows() -> impl Iterator<Item = Vec<f64>> {
    SUMMARY.lines().skip(1).map(|line| {
        line.split(',')
            .map(|v| v.parse().expect("numeric CSV"))
            .collect()
    })
}

/// Each CDNOW customer's (x, t_x, T) in weeks.
pub fn histories() -> Vec<RepeatHistory> {
    summary_rows()
        .map(|f| RepeatHistory::new(f[1], f[2], f[3]).expect("valid CDNOW row"))
        .collect()
}

/// Each CDNOW customer's (x, t_x, T) and (x, z̄), in the same order.
pub fn histories_and_spends() -> (Vec<RepeatHistory>, Vec<SpendHistory>) {
    summary_rows()
        .map(|f| {
            (
                RepeatHistory::new(f[1], f[2], f[3]).expect("valid CDNOW row"),
                SpendHistory::new(f[1], f[4]).expect("valid spend"),
            )
        })
        .unzip()
}
