//! Decision-tree segments of the CDNOW customers: who bought again in the nine months after
//! 1997-09-30, explained by their recency, orders, spend and tenure on that day, as rules.
//!
//! Run: `cargo run --release --example tree_segments`

#[path = "common/cdnow.rs"]
mod cdnow;

use cdnow::load_cdnow;
use chrono::NaiveDate;
use customer_value::segment::tree::{Holdout, TreeInput, TreeSegmenter, TreeTarget};
use customer_value::segment::Feature;
use customer_value::Summarizer;

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
