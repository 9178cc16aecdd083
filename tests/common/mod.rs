//! The bundled CDNOW logs, shared by the integration tests.

#![allow(dead_code)]

use chrono::NaiveDate;
use customer_value::Transaction;

/// The CDNOW master log (`customer_id date cds dollars`, a header line), keyed by customer id.
pub fn cdnow_master() -> Vec<Transaction<u32>> {
    include_str!("../../examples/data/CDNOW_master.txt")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let date = NaiveDate::parse_from_str(f[1], "%Y%m%d").expect("CDNOW date");
            Transaction::new(
                f[0].parse().expect("id"),
                date,
                f[3].parse().expect("amount"),
            )
        })
        .collect()
}

/// The CDNOW 1/10 sample (`master_id sample_id date cds dollars`), keyed by the sample id the
/// published tables use.
pub fn cdnow_sample() -> Vec<Transaction<u32>> {
    include_str!("../data/CDNOW_sample.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let date = NaiveDate::parse_from_str(f[2], "%Y%m%d").expect("CDNOW date");
            Transaction::new(
                f[1].parse().expect("id"),
                date,
                f[4].parse().expect("amount"),
            )
        })
        .collect()
}

/// The CDNOW calibration summary of Fader, Hardie & Lee (2005): per customer x, t_x, T (weeks)
/// and the mean repeat spend z̄.
pub fn cdnow_summary() -> Vec<[f64; 4]> {
    include_str!("../data/cdnow_customers_summary_with_transactions.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line
                .split(',')
                .map(|v| v.parse().expect("number"))
                .collect();
            [f[1], f[2], f[3], f[4]]
        })
        .collect()
}

/// The donations recency/frequency table of Fader, Hardie & Shang (2010): (x, t_x, n) and the
/// number of donors with each.
pub fn donations() -> Vec<([u32; 3], f64)> {
    include_str!("../data/donations.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<u32> = line
                .split(',')
                .map(|v| v.trim().parse().expect("count"))
                .collect();
            ([f[0], f[1], f[2]], f64::from(f[3]))
        })
        .collect()
}
