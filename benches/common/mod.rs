//! A seeded synthetic transaction log, generated identically by `bench/peers/*.py` (SplitMix64 of
//! seed + row index), so our benches and the peers' scripts run on the same data.

#![allow(dead_code)]

use chrono::NaiveDate;
use customer_value::Transaction;
use rust_decimal::Decimal;

/// SplitMix64: one 64-bit mix per row, easy to reproduce in numpy.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Row `i` of the synthetic log: its customer, day (0 to 729, from 2022-01-01) and amount in
/// cents (1.00 to 200.99).
fn synthetic_row(i: u64, customers: u64, seed: u64) -> (u64, i64, i64) {
    let h = splitmix64(seed.wrapping_add(i));
    let customer = h % customers;
    let day = ((h >> 20) % 730) as i64;
    let cents = (100 + (h >> 40) % 20_000) as i64;
    (customer, day, cents)
}

/// `rows` transactions of `customers` customers over the two years from 2022-01-01, amounts of
/// 1.00 to 200.99.
pub fn synthetic_log(rows: usize, customers: u64, seed: u64) -> Vec<Transaction<u64>> {
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).expect("valid date");
    (0..rows as u64)
        .map(|i| {
            let (customer, day, cents) = synthetic_row(i, customers, seed);
            Transaction::new(
                customer,
                start + chrono::Duration::days(day),
                Decimal::new(cents, 2),
            )
        })
        .collect()
}

/// The rows of [`synthetic_log`] as columns: customer ids, days since 1970-01-01 (Arrow's
/// `Date32`) and amounts in cents.
pub struct SyntheticColumns {
    /// The customer of each line.
    pub customers: Vec<u64>,
    /// The day of each line, in days since 1970-01-01.
    pub days: Vec<i32>,
    /// The amount of each line, in cents.
    pub cents: Vec<i64>,
}

/// [`synthetic_log`]'s rows as columns.
pub fn synthetic_columns(rows: usize, customers: u64, seed: u64) -> SyntheticColumns {
    synthetic_columns_range(0, rows as u64, customers, seed)
}

/// Rows `start..end` of [`synthetic_log`] as columns: a log too large for memory is generated
/// (and written) in pieces.
pub fn synthetic_columns_range(
    start: u64, end: u64, customers: u64, seed: u64,
) -> SyntheticColumns {
    // 2022-01-01 is day 18,993 after 1970-01-01.
    const START_DAY: i64 = 18_993;
    let rows = end.saturating_sub(start) as usize;
    let mut columns = SyntheticColumns {
        customers: Vec::with_capacity(rows),
        days: Vec::with_capacity(rows),
        cents: Vec::with_capacity(rows),
    };
    for i in start..end {
        let (customer, day, cents) = synthetic_row(i, customers, seed);
        columns.customers.push(customer);
        columns.days.push((START_DAY + day) as i32);
        columns.cents.push(cents);
    }
    columns
}

/// The observation end of [`synthetic_log`]: its last day.
pub fn synthetic_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 12, 31).expect("valid date")
}

/// Like [`synthetic_log`], but each customer has its own spend level (one of 8, from a hash of
/// its id), as real customers do: the Gamma-Gamma spend model needs heterogeneity between
/// customers to be identified.
pub fn synthetic_log_with_spend_levels(
    rows: usize, customers: u64, seed: u64,
) -> Vec<Transaction<u64>> {
    let mut log = synthetic_log(rows, customers, seed);
    for t in &mut log {
        let level = 1 + splitmix64(t.customer ^ 0x5EED) % 8;
        t.amount *= Decimal::from(level);
    }
    log
}
