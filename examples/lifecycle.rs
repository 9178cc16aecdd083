//! Lifecycle stages, transitions, retention KPIs and the monthly cohort matrix on the CDNOW data.
//!
//! `cargo run --release --example lifecycle`

use chrono::NaiveDate;
use customer_value::kpi::{CohortMatrix, CohortPeriod, PeriodKpis, RevenueRetention};
use customer_value::lifecycle::{LifecycleClassifier, LifecycleStage};
use customer_value::{CustomerSummary, Summarizer, Transaction};
use rust_decimal::Decimal;

/// Reads CDNOW_master.txt: customer id, date (yyyymmdd), number of CDs, dollar value.
fn read_cdnow(path: &str) -> Result<Vec<Transaction<u32>>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut log = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first() == Some(&"customer_id") {
            continue; // the header
        }
        let [id, date, _cds, dollars] = fields[..] else {
            return Err(format!(
                "line {}: expected 4 fields, found {}",
                number + 1,
                fields.len()
            )
            .into());
        };
        let date = NaiveDate::parse_from_str(date, "%Y%m%d")?;
        log.push(Transaction::new(
            id.parse()?,
            date,
            dollars.parse::<Decimal>()?,
        ));
    }
    Ok(log)
}

/// Prints stage counts and revenue as of `as_of`, and the monthly cohort matrix (classic
/// retention in %, then cumulative revenue per member) as of the same date.
fn print_lifecycle<C: Clone + Ord + Send + Sync>(
    summaries: &[CustomerSummary<C>], as_of: NaiveDate,
) -> customer_value::Result<()> {
    let stages = LifecycleClassifier::default().classify(summaries, &[], as_of)?;
    println!(
        "Lifecycle stages as of {as_of} (population median gap {} days)",
        stages
            .population_gap_days()
            .map_or_else(|| "n/a".to_string(), |g| format!("{g:.1}"))
    );
    println!(
        "{:<12} {:>9} {:>7} {:>14} {:>12}",
        "stage", "customers", "share", "revenue", "per customer"
    );
    for t in stages
        .totals()
        .iter()
        .filter(|t| t.stage != LifecycleStage::Prospect)
    {
        let per_customer = if t.customers > 0 {
            (t.revenue / Decimal::from(t.customers)).round_dp(2)
        } else {
            Decimal::ZERO
        };
        println!(
            "{:<12} {:>9} {:>6.1}% {:>14} {:>12}",
            t.stage,
            t.customers,
            100.0 * t.share,
            t.revenue.round_dp(2),
            per_customer
        );
    }
    let matrix = CohortMatrix::build(summaries, CohortPeriod::Month, as_of)?;
    let width = matrix
        .rows()
        .iter()
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0);
    println!(
        "\nMonthly cohorts as of {as_of}: % of the cohort buying in month k (classic retention)"
    );
    print!("{:<8} {:>5}", "cohort", "size");
    for k in 0..width {
        print!(" {:>4}", format!("k{k}"));
    }
    println!();
    for row in matrix.rows() {
        print!("{:<8} {:>5}", row.start.format("%Y-%m"), row.size);
        for cell in &row.cells {
            print!(" {:>4.1}", 100.0 * cell.retention);
        }
        println!();
    }
    println!("\nCumulative net revenue per cohort member ($), every third month");
    print!("{:<8}", "cohort");
    for k in (0..width).step_by(3) {
        print!(" {:>7}", format!("k{k}"));
    }
    println!();
    for row in matrix.rows() {
        print!("{:<8}", row.start.format("%Y-%m"));
        for cell in row.cells.iter().step_by(3) {
            print!(" {:>7}", cell.cumulative_revenue_per_member.round_dp(2));
        }
        println!();
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let log = read_cdnow("examples/data/CDNOW_master.txt")?;
    let as_of = NaiveDate::from_ymd_opt(1998, 6, 30).ok_or("bad date")?;
    let summaries = Summarizer::new(as_of).summarize(&log)?;
    print_lifecycle(&summaries, as_of)?;

    // Why is one customer where it is?
    let stages = LifecycleClassifier::default().classify(&summaries, &[], as_of)?;
    println!("\nReasons for the first three customers:");
    for c in &stages.customers()[..3] {
        println!("  {:>5}: {}", c.customer, c.reason);
    }

    // Where did the customers of the end of 1997 go by mid-1998?
    let classifier = LifecycleClassifier::default();
    let moves = classifier.transitions(
        &summaries,
        &[],
        NaiveDate::from_ymd_opt(1997, 12, 31).ok_or("bad date")?,
        as_of,
    )?;
    println!("\nTransitions 1997-12-31 → {as_of} (row %), revenue in between by earlier stage");
    print!("{:<12}", "from \\ to");
    for s in LifecycleStage::ALL.iter().skip(1) {
        print!(" {:>11}", s.name());
    }
    println!(" {:>12}", "revenue");
    let shares = moves.row_shares();
    let revenue = moves.revenue_by_earlier_stage();
    for from in LifecycleStage::ALL.iter().skip(1) {
        let Some(row) = shares[from.index()] else {
            continue;
        };
        print!("{:<12}", from.name());
        for to in LifecycleStage::ALL.iter().skip(1) {
            print!(" {:>10.1}%", 100.0 * row[to.index()]);
        }
        println!(" {:>12}", revenue[from.index()].round_dp(2));
    }

    // Quarterly KPIs.
    let d = |y, m, n| NaiveDate::from_ymd_opt(y, m, n).ok_or("bad date");
    let q = PeriodKpis::compute(&summaries, d(1998, 4, 1)?, d(1998, 6, 30)?)?;
    let r = RevenueRetention::compute(&summaries, d(1998, 4, 1)?, d(1998, 6, 30)?)?;
    println!("\nQ2 1998: retention {:.1}%, churn {:.1}%, textbook (E−N)/S {:.3}, repeat purchase rate {:.1}%, \
              frequency {:.2}, AOV ${}, NRR {:.1}%, GRR {:.1}%",
        100.0 * q.retention_rate()?, 100.0 * q.churn_rate()?, q.textbook_retention_rate()?,
        100.0 * q.repeat_purchase_rate()?, q.purchase_frequency()?, q.average_order_value()?.round_dp(2),
        100.0 * r.net_revenue_retention()?, 100.0 * r.gross_revenue_retention()?);
    Ok(())
}
