//! Behavioural segments of the CDNOW customers: k chosen by silhouette over 2..=6, every k's
//! metrics, then each segment's profile.
//!
//! Run: `cargo run --release --example segment`

use chrono::NaiveDate;
use customer_value::segment::{Feature, KMeansSegmenter};
use customer_value::{CustomerSummary, Summarizer, Transaction};
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

/// Prints the CDNOW segments: k chosen over 2..=6 by silhouette, then one row per segment.
fn print_segments(summaries: &[CustomerSummary<u64>]) -> Result<(), customer_value::Error> {
    let segmentation = KMeansSegmenter::new(2)
        .k_range(2..=6)
        .features(&[
            Feature::RecencyDays,
            Feature::PurchaseOccasions,
            Feature::Monetary,
        ])
        .seed(42)
        .fit(summaries)?;
    println!("k    inertia  silhouette  Davies-Bouldin  Calinski-Harabasz");
    for score in &segmentation.k_scores {
        println!(
            "{:<2} {:>10.1} {:>11.3} {:>15.3} {:>18.1}",
            score.k,
            score.inertia,
            score.silhouette.score,
            score.davies_bouldin,
            score.calinski_harabasz
        );
    }
    println!(
        "\nchosen k = {} ({} iterations, converged: {})\n",
        segmentation.k, segmentation.iterations, segmentation.converged
    );
    println!(
        "{:<34} {:>6} {:>7} {:>8} {:>9} {:>9} {:>10}",
        "segment", "size", "share", "revenue", "recency", "occasions", "spend"
    );
    for segment in &segmentation.segments {
        println!(
            "{:<34} {:>6} {:>6.1}% {:>7.1}% {:>9.0} {:>9.2} {:>10.2}",
            segment.label,
            segment.size,
            100.0 * segment.customer_share,
            100.0 * segment.revenue_share.unwrap_or(0.0),
            segment.mean[0],
            segment.mean[1],
            segment.mean[2]
        );
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let log = load_cdnow()?;
    let end = NaiveDate::from_ymd_opt(1998, 6, 30).ok_or("bad date")?;
    let summaries = Summarizer::new(end).summarize(&log)?;
    print_segments(&summaries)?;
    Ok(())
}
