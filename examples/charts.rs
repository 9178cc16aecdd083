//! Every finished chart of `customer_value::charts` for the bundled CDNOW log and the Online
//! Retail log, written as SVG files into a directory.
//!
//! For each log: a BG/NBD fitted on the calibration (in weeks), then the frequency–recency
//! matrix of expected purchases, the P(alive) matrix, the cumulative and incremental tracking,
//! the calibration-against-holdout purchases, the repeat-purchase histogram and the P(alive)
//! history of the customer with the most purchase occasions; then a Gamma-Gamma model fitted on
//! the calibration's repeat customers and their mean spend against it. Then the CRM charts: the RFM
//! heatmap, segment shares of customers and revenue (RFM segments, and k-means segments drawn
//! across), the monthly cohort retention heatmap and the lifecycle transitions from the end of
//! the calibration to the end of the log. A seeded synthetic survey gives the NPS distribution
//! with its interval and the key-driver quadrant.
//!
//! Run: `cargo run --release --features charts --example charts -- DIR`

use std::error::Error;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use customer_value::charts::{
    alive_history_chart, alive_matrix_chart, frequency_recency_chart, holdout_chart,
    purchase_count_chart, tracking_chart, FrequencyRecencyGrid, SvgOptions, TrackingView,
};
use customer_value::charts::{
    cohort_retention_chart, driver_quadrant_chart, nps_chart, rfm_heatmap_chart,
    segment_share_chart, segment_totals, spend_chart, transition_chart, QuadrantSplits,
    SegmentTotal, SpendBins,
};
use customer_value::clv::diagnostics::{holdout_comparison, probability_alive_matrix};
use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
use customer_value::clv::{alive_path, BgNbd, FitOptions, MaximumLikelihood, RepeatHistory};
use customer_value::clv::{GammaGamma, GammaGammaOptions, SpendHistory};
use customer_value::kpi::{CohortMatrix, CohortPeriod};
use customer_value::lifecycle::LifecycleClassifier;
use customer_value::satisfaction::KeyDrivers;
use customer_value::segment::{Feature, KMeansSegmenter};
use customer_value::summary::CalibrationHoldout;
use customer_value::{RfmScorer, Summarizer, TimeUnit, Transaction};
use ndarray::Array2;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use rand_xoshiro::Xoshiro256PlusPlus;
use rust_decimal::Decimal;

#[path = "common/cdnow.rs"]
mod cdnow;
#[path = "online_retail/loader.rs"]
#[allow(dead_code)]
mod loader;

type BoxError = Box<dyn Error>;

/// The dates of one log's charts.
struct Dates {
    /// The first day of the log: the tracking starts there.
    start: NaiveDate,
    calibration_end: NaiveDate,
    observation_end: NaiveDate,
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, BoxError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("invalid date {y}-{m}-{d}").into())
}

/// Every chart of one log, as (file name, SVG).
fn charts(log: &[Transaction<u32>], dates: &Dates) -> Result<Vec<(String, String)>, BoxError> {
    let svg = SvgOptions::default();
    let split =
        Summarizer::new(dates.observation_end).calibration_holdout(log, dates.calibration_end)?;
    let histories: Vec<RepeatHistory> = (split.iter())
        .map(|row| RepeatHistory::from_summary(&row.calibration, TimeUnit::Weeks))
        .collect();
    let model = BgNbd::fit(&histories, &FitOptions::default())?.model;
    let mut out = Vec::new();

    let age = histories.iter().map(RepeatHistory::age).fold(0.0, f64::max);
    let max_frequency = histories
        .iter()
        .map(RepeatHistory::frequency)
        .fold(0.0, f64::max);
    let grid = FrequencyRecencyGrid {
        max_frequency: (max_frequency as u32).min(40),
        age,
        recency_points: age.ceil() as usize + 1,
        unit: TimeUnit::Weeks,
    };
    let matrix = frequency_recency_chart(&model, &grid, 1.0)?;
    out.push(("frequency_recency".into(), matrix.to_svg(&svg)?));
    let alive = probability_alive_matrix(&model, grid.max_frequency, age, grid.recency_points)?;
    let alive = alive_matrix_chart(&alive, TimeUnit::Weeks)?;
    out.push(("alive_matrix".into(), alive.to_svg(&svg)?));

    let summaries = Summarizer::new(dates.observation_end).summarize(log)?;
    let weeks = ((dates.observation_end - dates.start).num_days() / 7) as usize;
    let options = TrackingOptions::weekly(dates.start, weeks, dates.calibration_end);
    let tracking = transaction_tracking(&model, &summaries, &options)?;
    for (name, view) in [
        ("tracking_cumulative", TrackingView::Cumulative),
        ("tracking_incremental", TrackingView::Incremental),
    ] {
        let chart = tracking_chart(&tracking, &options, view)?;
        out.push((name.into(), chart.to_svg(&svg)?));
    }

    let holdout: Vec<f64> = split.iter().map(|r| r.holdout_purchases as f64).collect();
    let holdout_weeks = (dates.observation_end - dates.calibration_end).num_days() as f64 / 7.0;
    let comparison = holdout_comparison(&model, &histories, &holdout, holdout_weeks, 7)?;
    let chart = holdout_chart(&comparison, holdout_weeks, TimeUnit::Weeks)?;
    out.push(("calibration_holdout".into(), chart.to_svg(&svg)?));
    let chart = purchase_count_chart(&model, &histories, 7)?;
    out.push(("purchase_counts".into(), chart.to_svg(&svg)?));

    // The most frequent buyer's history, day by day, in weeks since the log's start.
    let busiest = (summaries.iter())
        .max_by_key(|s| s.occasions().map_or(0, <[_]>::len))
        .ok_or("no customers")?;
    let weeks_since = |day: NaiveDate| (day - dates.start).num_days() as f64 / 7.0;
    let times: Vec<f64> = (busiest.occasions().unwrap_or_default().iter())
        .map(|o| weeks_since(o.date))
        .collect();
    let path = alive_path(
        &model,
        &times,
        weeks_since(dates.observation_end),
        1.0 / 7.0,
    )?;
    let chart = alive_history_chart(&path, TimeUnit::Weeks)?;
    out.push(("alive_history".into(), chart.to_svg(&svg)?));
    out.push(("spend".into(), spend_svg(&split, &svg)?));
    Ok(out)
}

/// The calibration's repeat customers by mean spend, against a Gamma-Gamma model fitted on them.
fn spend_svg(split: &[CalibrationHoldout<u32>], svg: &SvgOptions) -> Result<String, BoxError> {
    // A repeat buyer whose repeat purchases were all free (CDNOW's $0.00 CDs) or refunded has
    // no positive mean spend: the model cannot take them, and neither does the chart.
    let spend: Vec<SpendHistory> = (split.iter())
        .filter_map(|row| SpendHistory::from_summary(&row.calibration).ok())
        .collect();
    let options = GammaGammaOptions {
        constrain_q_above_one: true,
        ..Default::default()
    };
    let model = GammaGamma::fit(&spend, &options)?.model;
    let bins = SpendBins::covering(&spend, 16).ok_or("no repeat customers")?;
    Ok(spend_chart(&model, &spend, &bins)?.to_svg(svg)?)
}

/// The driver names of the synthetic survey.
const DRIVERS: [&str; 8] = [
    "Price",
    "Product quality",
    "Delivery speed",
    "Support on the phone",
    "Website",
    "Returns and refunds",
    "Packaging",
    "Loyalty programme",
];

/// One survey's answers: the 0–10 recommendation, the overall 1–5 rating and the drivers'
/// 1–5 ratings (respondents × drivers).
struct Survey {
    recommend: Vec<u8>,
    overall: Vec<f64>,
    drivers: Array2<f64>,
}

/// A seeded synthetic survey of 400 respondents: a latent satisfaction drives each driver's
/// 1–5 rating (with its own strength and level), the overall 1–5 rating and the 0–10
/// recommendation.
fn synthetic_survey() -> Result<Survey, BoxError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(18);
    let normal = Normal::new(0.0_f64, 1.0)?;
    let loading: [f64; 8] = [0.55, 0.8, 0.6, 0.7, 0.4, 0.5, 0.2, 0.3];
    let level: [f64; 8] = [2.6, 3.9, 3.4, 3.0, 3.8, 3.3, 4.2, 3.1];
    let weight = [0.25, 0.45, 0.2, 0.35, 0.05, 0.1, 0.02, 0.05];
    let respondents = 400;
    let mut drivers = Array2::zeros((respondents, DRIVERS.len()));
    let (mut recommend, mut overall) = (Vec::new(), Vec::new());
    for row in 0..respondents {
        let latent = normal.sample(&mut rng);
        let mut score: f64 = 3.4;
        for j in 0..DRIVERS.len() {
            let own = normal.sample(&mut rng);
            let rating =
                level[j] + 0.9 * (loading[j] * latent + (1.0 - loading[j].powi(2)).sqrt() * own);
            let rating = rating.round().clamp(1.0, 5.0);
            drivers[[row, j]] = rating;
            score += weight[j] * (rating - level[j]);
        }
        let noise = 0.5 * normal.sample(&mut rng);
        overall.push((score + noise).round().clamp(1.0, 5.0));
        recommend.push((8.0 + 1.6 * latent + noise).round().clamp(0.0, 10.0) as u8);
    }
    Ok(Survey {
        recommend,
        overall,
        drivers,
    })
}

/// The survey's charts: the NPS distribution with its 95% interval and the driver quadrant.
fn survey_charts() -> Result<Vec<(String, String)>, BoxError> {
    let svg = SvgOptions::default();
    let survey = synthetic_survey()?;
    let nps = nps_chart(&survey.recommend, 0.95)?;
    let analysis = KeyDrivers::analyse(&survey.overall, survey.drivers.view())?;
    let splits = QuadrantSplits::at_means(&analysis);
    let quadrant = driver_quadrant_chart(&analysis, &DRIVERS, &splits)?;
    Ok(vec![
        ("nps".into(), nps.to_svg(&svg)?),
        ("driver_quadrant".into(), quadrant.to_svg(&svg)?),
    ])
}

/// The CRM charts of one log, as (file name, SVG): RFM, segments, cohorts, lifecycle.
fn crm_charts(log: &[Transaction<u32>], dates: &Dates) -> Result<Vec<(String, String)>, BoxError> {
    let svg = SvgOptions::default();
    let summaries = Summarizer::new(dates.observation_end).summarize(log)?;
    let mut out = Vec::new();

    // Quintile RFM on total net spend: the monetary value is the revenue to share.
    let records = RfmScorer::new().score(&summaries)?;
    let heatmap = rfm_heatmap_chart(&records, 5)?;
    out.push(("rfm_heatmap".into(), heatmap.to_svg(&svg)?));
    let totals = segment_totals(records.iter().map(|r| (r.segment.name(), r.monetary)));
    let shares = segment_share_chart(&totals)?;
    out.push(("rfm_segment_shares".into(), shares.to_svg_across(&svg)?));

    // Any labelled segmentation draws the same way: k-means on R, F and M, five segments, over
    // the customers whose net spend is positive (the log1p of spend is refused below −1, and
    // Online Retail has customers who returned more than they kept).
    let buyers: Vec<_> = (summaries.iter())
        .filter(|s| s.total_spend() > Decimal::ZERO)
        .cloned()
        .collect();
    let features = [
        Feature::RecencyDays,
        Feature::PurchaseOccasions,
        Feature::Monetary,
    ];
    let kmeans = KMeansSegmenter::new(5)
        .features(&features)
        .seed(42)
        .fit(&buyers)?;
    let totals: Vec<SegmentTotal> = (kmeans.segments.iter())
        .map(|s| SegmentTotal {
            name: s.label.clone(),
            customers: s.size as u64,
            revenue: s.revenue.unwrap_or_default(),
        })
        .collect();
    let shares = segment_share_chart(&totals)?;
    out.push(("kmeans_segment_shares".into(), shares.to_svg_across(&svg)?));

    let cohorts = CohortMatrix::build(&summaries, CohortPeriod::Month, dates.observation_end)?;
    let cohorts = cohort_retention_chart(&cohorts)?;
    out.push(("cohort_retention".into(), cohorts.to_svg(&svg)?));

    let moves = LifecycleClassifier::default().transitions(
        &summaries,
        &[],
        dates.calibration_end,
        dates.observation_end,
    )?;
    out.push((
        "lifecycle_transitions".into(),
        transition_chart(&moves)?.to_svg(&svg)?,
    ));
    Ok(out)
}

fn write_all(dir: &Path, prefix: &str, charts: &[(String, String)]) -> Result<(), BoxError> {
    for (name, svg) in charts {
        let file = dir.join(format!("{prefix}_{name}.svg"));
        std::fs::write(&file, svg).map_err(|e| format!("{}: {e}", file.display()))?;
        println!("wrote {}", file.display());
    }
    Ok(())
}

fn run(dir: &Path) -> Result<(), BoxError> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let cdnow = Dates {
        start: date(1997, 1, 1)?,
        calibration_end: date(1997, 9, 30)?,
        observation_end: date(1998, 6, 30)?,
    };
    let log = cdnow::load_cdnow()?;
    write_all(dir, "cdnow", &charts(&log, &cdnow)?)?;
    write_all(dir, "cdnow", &crm_charts(&log, &cdnow)?)?;
    let retail = Dates {
        start: date(2010, 12, 1)?,
        calibration_end: date(2011, 6, 30)?,
        observation_end: loader::observation_end(),
    };
    let (log, _) = loader::load()?;
    write_all(dir, "online_retail", &charts(&log, &retail)?)?;
    write_all(dir, "online_retail", &crm_charts(&log, &retail)?)?;
    write_all(dir, "survey", &survey_charts()?)
}

fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: cargo run --release --features charts --example charts -- DIR");
        std::process::exit(2);
    };
    if let Err(error) = run(&dir) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
