//! The loader a user of the UCI Online Retail log should write: every line is either turned into a
//! `Transaction` or counted under a named reason, so the report's money reconciles with the file.
//!
//! Shared by `examples/online_retail` and `tests/online_retail.rs` (through `#[path]`).

use std::collections::{BTreeMap, HashSet};
use std::error::Error;
use std::io::{BufRead, BufReader};

use chrono::{NaiveDate, NaiveDateTime};
use customer_value::clv::RepeatHistory;
use customer_value::{Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

/// Where the bundled file lives: the full UCI Online Retail log (541,909 lines), gzipped.
pub const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/online_retail.csv.gz"
);

/// The last trading day in the log; summaries are taken as of it.
pub fn observation_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2011, 12, 9).expect("a valid date")
}

/// What the loader did with every line of the file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LoadReport {
    /// Data lines read (the header excluded).
    pub lines: u64,
    /// Lines kept as transactions.
    pub kept: u64,
    /// Net amount of the kept lines: the sum every revenue figure of the report must reconcile to.
    pub kept_amount: Decimal,
    /// Lines without a `CustomerID` (left out: no customer to attribute them to), and their amount.
    pub missing_customer: u64,
    /// Amount of the lines without a customer.
    pub missing_customer_amount: Decimal,
    /// Exact repeats of an earlier line (same invoice, code, quantity, time, price, customer): left
    /// out as double entries.
    pub duplicates: u64,
    /// Amount of the duplicates left out.
    pub duplicate_amount: Decimal,
    /// Lines of cancelled invoices (`InvoiceNo` starting with `C`) kept as refunds.
    pub cancellations: u64,
    /// Lines whose stock code is not a product (postage, fees, manual adjustments, discounts),
    /// left out by code: count and amount per code. They are not sales.
    pub non_product: BTreeMap<String, (u64, Decimal)>,
    /// Lines with a zero unit price, kept (with a customer and a positive quantity they are free
    /// goods, which count as purchase occasions like CDNOW's $0.00 CDs).
    pub zero_price: u64,
}

/// A product stock code starts with five digits (`85123A`, `22423`); anything else (`POST`,
/// `DOT`, `M`, `C2`, `D`, `BANK CHARGES`, `AMAZONFEE`, `B`, …) is a fee, a charge or an adjustment.
pub fn is_product_code(code: &str) -> bool {
    code.len() >= 5 && code.as_bytes()[..5].iter().all(u8::is_ascii_digit)
}

/// The transactions kept and what happened to every line.
pub type Loaded = (Vec<Transaction<u32>>, LoadReport);

/// Reads the bundled file.
pub fn load() -> Result<Loaded, Box<dyn Error>> {
    let file = std::fs::File::open(PATH)?;
    parse(BufReader::new(flate2::read::GzDecoder::new(file)))
}

/// The weekly BTYD histories (x, t_x, T) of the bundled log as of [`observation_end`], one per
/// customer, as the purchase models take them.
#[allow(dead_code)] // for tests/online_retail_pareto.rs and benches/real_logs.rs, not the example
pub fn weekly_histories() -> Result<Vec<RepeatHistory>, Box<dyn Error>> {
    let (log, _) = load()?;
    let summaries = Summarizer::new(observation_end()).summarize(&log)?;
    Ok(summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, TimeUnit::Weeks))
        .collect())
}

/// Parses the CSV (columns `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,
/// CustomerID,Country`; descriptions may be quoted and contain commas).
pub fn parse(input: impl BufRead) -> Result<Loaded, Box<dyn Error>> {
    let mut reader = csv::Reader::from_reader(input);
    let mut report = LoadReport::default();
    let mut seen = HashSet::new();
    let mut log = Vec::new();
    for record in reader.records() {
        let record = record?;
        report.lines += 1;
        let field = |i: usize| record.get(i).unwrap_or("");
        let (invoice, code, quantity, time, price, customer) =
            (field(0), field(1), field(3), field(4), field(5), field(6));
        let amount = Decimal::from(quantity.parse::<i64>()?) * price.parse::<Decimal>()?;
        if customer.is_empty() {
            report.missing_customer += 1;
            report.missing_customer_amount += amount;
            continue;
        }
        let line: Vec<String> = record.iter().map(str::to_string).collect();
        if !seen.insert(line) {
            report.duplicates += 1;
            report.duplicate_amount += amount;
            continue;
        }
        if !is_product_code(code) {
            let entry = report.non_product.entry(code.to_string()).or_default();
            entry.0 += 1;
            entry.1 += amount;
            continue;
        }
        if invoice.starts_with('C') {
            report.cancellations += 1;
        }
        if price.parse::<Decimal>()?.is_zero() {
            report.zero_price += 1;
        }
        // `17850.0`: the id was written as a float.
        let id: u32 = customer.trim_end_matches(".0").parse()?;
        let date = NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S")?.date();
        report.kept += 1;
        report.kept_amount += amount;
        log.push(Transaction::new(id, date, amount));
    }
    Ok((log, report))
}
