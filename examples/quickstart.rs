//! The whole flow on the bundled CDNOW log: summaries as of 1998-06-30, RFM scores and segments,
//! the value matrix and the top customers.
//!
//! Run with `cargo run --release --example quickstart`.

use std::collections::BTreeMap;
use std::error::Error;

use chrono::NaiveDate;
use customer_value::rfm::{value_matrix, ValueCell, ValueMatrixOptions};
use customer_value::{CustomerSummary, RfmRecord, RfmScorer, RfmSegment, Summarizer, Transaction};
use rust_decimal::Decimal;

/// Reads `examples/data/CDNOW_master.txt`: `customer_id date(YYYYMMDD) cds dollars`, a header line.
fn load_cdnow() -> Result<Vec<Transaction<u32>>, Box<dyn Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/CDNOW_master.txt"
    );
    let text = std::fs::read_to_string(path)?;
    let mut log = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [id, date, _cds, dollars] = fields[..] else {
            return Err(format!("malformed line: {line:?}").into());
        };
        log.push(Transaction::new(
            id.parse()?,
            NaiveDate::parse_from_str(date, "%Y%m%d")?,
            dollars.parse()?,
        ));
    }
    Ok(log)
}

fn main() -> Result<(), Box<dyn Error>> {
    let log = load_cdnow()?;
    let as_of = NaiveDate::from_ymd_opt(1998, 6, 30).ok_or("invalid date")?;
    let (summaries, report) = Summarizer::new(as_of).summarize_with_report(&log)?;
    println!(
        "CDNOW as of {as_of}: {} transactions, {} customers",
        report.lines_read,
        summaries.len()
    );
    println!(
        "  left out: {} late lines, {} customers without a purchase occasion\n",
        report.late_transactions, report.customers_without_purchase
    );

    let records = RfmScorer::new().score(&summaries)?;
    print_segments(&records);
    print_value_matrix(&summaries)?;
    print_top_customers(&records);
    Ok(())
}

fn print_segments(records: &[RfmRecord<u32>]) {
    let total_revenue: Decimal = records.iter().map(|r| r.monetary).sum();
    let mut by_segment: BTreeMap<usize, (usize, Decimal)> = BTreeMap::new();
    for r in records {
        let rank = RfmSegment::DEFAULTS
            .iter()
            .position(|s| *s == r.segment)
            .unwrap_or(usize::MAX);
        let entry = by_segment.entry(rank).or_default();
        entry.0 += 1;
        entry.1 += r.monetary;
    }
    println!("RFM segments (quintiles, default R×F map)");
    println!(
        "  {:<20} {:>9} {:>8} {:>13} {:>8}",
        "segment", "customers", "share", "revenue", "share"
    );
    for (rank, (count, revenue)) in &by_segment {
        let name = RfmSegment::DEFAULTS
            .get(*rank)
            .map_or("(custom)", |s| s.name());
        println!(
            "  {:<20} {:>9} {:>7.1}% {:>13} {:>7.1}%",
            name,
            count,
            100.0 * *count as f64 / records.len() as f64,
            format!("${:.2}", revenue),
            100.0 * ratio(*revenue, total_revenue)
        );
    }
    println!();
}

fn print_value_matrix(summaries: &[CustomerSummary<u32>]) -> Result<(), Box<dyn Error>> {
    let m = value_matrix(summaries, &ValueMatrixOptions::default())?;
    println!(
        "Customer value matrix (split at the means: {:.2} purchase occasions, ${:.2} per order)",
        m.frequency_split, m.order_value_split
    );
    println!("  {:<10} {:>9} {:>13}", "cell", "customers", "revenue");
    for (i, cell) in ValueCell::ALL.iter().enumerate() {
        println!(
            "  {:<10} {:>9} {:>13}",
            format!("{cell:?}"),
            m.counts[i],
            format!("${:.2}", m.revenue[i])
        );
    }
    println!();
    Ok(())
}

fn print_top_customers(records: &[RfmRecord<u32>]) {
    let mut top: Vec<&RfmRecord<u32>> = records.iter().collect();
    top.sort_by(|a, b| {
        b.monetary
            .cmp(&a.monetary)
            .then(a.customer.cmp(&b.customer))
    });
    println!("Top 10 customers by spend");
    println!(
        "  {:>8} {:>10} {:>8} {:>9} {:>5}  segment",
        "customer", "spend", "orders", "recency", "RFM"
    );
    for r in top.iter().take(10) {
        println!(
            "  {:>8} {:>10} {:>8} {:>8}d {:>5}  {}",
            r.customer,
            format!("${:.2}", r.monetary),
            r.frequency,
            r.recency_days,
            format!(
                "{}{}{}",
                r.score.recency, r.score.frequency, r.score.monetary
            ),
            r.segment
        );
    }
    println!();
}

fn ratio(part: Decimal, whole: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    if whole.is_zero() {
        0.0
    } else {
        (part / whole).to_f64().unwrap_or(0.0)
    }
}
