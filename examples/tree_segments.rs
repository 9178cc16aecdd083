//! Decision-tree segments of the CDNOW customers: who bought again in the nine months after
//! 1997-09-30, explained by their recency, orders, spend and tenure on that day, as rules.
//!
//! Run: `cargo run --release --example tree_segments`

use chrono::NaiveDate;
use customer_value::segment::tree::{Holdout, TreeInput, TreeSegmenter, TreeTarget};
use customer_value::segment::Feature;
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

fn load_cdnow() -> Result<Vec<Transaction<u64>>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/CDNOW_master.txt"
    ))?;
    let mut log = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() != 4 {
            continue;
        }
        log.push(Transaction::new(
            fields[0].parse::<u64>()?,
            NaiveDate::parse_from_str(fields[1], "%Y%m%d")?,
            fields[3].parse::<Decimal>()?,
        ));
    }
    Ok(log)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    let split = Summarizer::new(day(1998, 6, 30)?)
        .calibration_holdout(&load_cdnow()?, day(1997, 9, 30)?)?;
    let features = [
        Feature::RecencyDays,
        Feature::PurchaseOccasions,
        Feature::Monetary,
        Feature::TenureDays,
    ];
    let input = TreeInput::from_summaries(split.iter().map(|s| &s.calibration), &features)?;
    let churned = TreeTarget::churned_by_holdout(&split)?;
    let tree = TreeSegmenter::new()
        .max_depth(3)
        .min_samples_leaf(200)
        .holdout(Holdout::Random {
            fraction: 0.25,
            seed: 7,
        })
        .fit(&input, &churned)?;
    println!("{} customers; the tree's rules:\n", split.len());
    for rule in &tree.rules {
        println!("  {}", rule.text);
    }
    println!(
        "\ntraining accuracy {:.3} on {} customers",
        tree.training.accuracy, tree.training.rows
    );
    if let Some(holdout) = &tree.holdout {
        println!(
            "holdout accuracy  {:.3} on {} customers",
            holdout.accuracy, holdout.rows
        );
        println!("holdout confusion (rows actual, columns predicted: active, churned):");
        for (class, row) in tree.classes.iter().zip(&holdout.confusion) {
            println!("  {class:<8} {row:?}");
        }
    }
    Ok(())
}
