//! The whole report on a real, messy log: the UCI Online Retail data set (541,909 lines of a UK
//! online gift retailer, 2010-12-01 – 2011-12-09, with cancellations, missing customer ids,
//! duplicate lines, postage and fees).
//!
//! The loader (`loader.rs`) turns every line into a transaction or counts it under a named reason;
//! the report is then built as of the last trading day and printed with what it left out.
//!
//! Run with `cargo run --release --example online_retail`.

use std::error::Error;

use customer_value::report::{CustomerValueReport, ReportConfig};
use rust_decimal::Decimal;

mod loader;

fn main() -> Result<(), Box<dyn Error>> {
    let started = std::time::Instant::now();
    let (log, loaded) = loader::load()?;
    print_load(&loaded);
    let report =
        CustomerValueReport::build(&log, loader::observation_end(), &ReportConfig::default())?;
    println!(
        "\nReport as of {}: {} customers (loaded and built in {:.1?})",
        report.as_of,
        report.customers.len(),
        started.elapsed()
    );
    println!(
        "  left out by the summary: {} late lines, {} customers without a purchase occasion",
        report.log.late_transactions, report.log.customers_without_purchase
    );
    let total: Decimal = report.customers.iter().map(|c| c.total_spend).sum();
    let dropped: Decimal = report.dropped.iter().map(|d| d.net_amount).sum();
    println!(
        "  net spend: £{total} in the rows + £{dropped} of {} customers without a purchase \
         occasion = £{} (the loader kept £{})",
        report.dropped.len(),
        total + dropped,
        loaded.kept_amount
    );
    let named: Vec<String> = report
        .dropped
        .iter()
        .take(5)
        .map(|d| format!("{} ({} lines, £{})", d.customer, d.lines, d.net_amount))
        .collect();
    println!("  dropped, first five: {}", named.join(", "));
    println!("\nWarnings:");
    for warning in &report.warnings {
        println!("  - {warning}");
    }
    if let Some(model) = &report.purchase_model {
        println!(
            "  purchase model {:?}: parameters {:?}, log-likelihood {:.4}",
            model.fit.kind(),
            model.fit.parameters(),
            model.fit.log_likelihood()
        );
    }
    if let Some(spend) = &report.spend_model {
        println!(
            "  spend model: parameters {:?}, log-likelihood {:.4}",
            spend.fit.model.params(),
            spend.fit.log_likelihood
        );
    }
    for group in &report.by_lifecycle_stage {
        println!(
            "  {:<12} {:>6} customers  £{:>14}",
            group.name, group.customers, group.revenue
        );
    }
    Ok(())
}

fn print_load(loaded: &loader::LoadReport) {
    println!("UCI Online Retail: {} lines read", loaded.lines);
    println!(
        "  kept {} lines, net £{} ({} of them cancellation lines, kept as refunds; {} at price 0)",
        loaded.kept, loaded.kept_amount, loaded.cancellations, loaded.zero_price
    );
    println!(
        "  left out: {} lines without a customer (£{}), {} exact duplicates (£{})",
        loaded.missing_customer,
        loaded.missing_customer_amount,
        loaded.duplicates,
        loaded.duplicate_amount
    );
    let fees: Vec<String> = loaded
        .non_product
        .iter()
        .map(|(code, (lines, amount))| format!("{code} {lines} (£{amount})"))
        .collect();
    println!("  left out, not products: {}", fees.join(", "));
}
