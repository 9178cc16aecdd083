//! The whole flow on the bundled CDNOW log, through one call: `CustomerValueReport::build`.
//!
//! Summaries as of 1998-06-30, RFM segments, the value matrix, BG/NBD P(alive) and expected
//! purchases, Gamma-Gamma spend and 12-month CLV, k-means segments, lifecycle stages, KPIs and the
//! monthly cohort matrix; then a small satisfaction survey.
//!
//! Run with `cargo run --release --example quickstart`.

use std::error::Error;

use chrono::NaiveDate;
use customer_value::kpi::{CohortMatrix, CohortPeriod};
use customer_value::report::{CustomerReport, CustomerValueReport, GroupTotals, ReportConfig};
use customer_value::rfm::{value_matrix, ValueCell, ValueMatrixOptions};
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

#[path = "common/cdnow.rs"]
mod cdnow;
use cdnow::load_cdnow;

fn main() -> Result<(), Box<dyn Error>> {
    let log = load_cdnow()?;
    let as_of = NaiveDate::from_ymd_opt(1998, 6, 30).ok_or("invalid date")?;
    let started = std::time::Instant::now();
    let report = CustomerValueReport::build(&log, as_of, &ReportConfig::default())?;
    println!(
        "CDNOW as of {as_of}: {} transactions, {} customers (report built in {:.0?})",
        report.log.lines_read,
        report.customers.len(),
        started.elapsed()
    );
    println!(
        "  left out: {} late lines, {} customers without a purchase occasion\n",
        report.log.late_transactions, report.log.customers_without_purchase
    );

    print_groups(
        "RFM segments (quintiles, default R×F map)",
        &report.by_rfm_segment,
    );
    print_value_matrix(&log, as_of)?;
    print_models(&report);
    print_top_customers(&report.customers);
    print_groups(
        "k-means segments, k = 5 (log1p + z-score of recency, purchase occasions, total spend)",
        &report.by_kmeans_segment,
    );
    print_groups("Lifecycle stages", &report.by_lifecycle_stage);
    print_kpis(&report);
    print_cohorts(&log, as_of)?;
    print_satisfaction()?;
    Ok(())
}

fn print_groups(title: &str, groups: &[GroupTotals]) {
    let total_revenue: Decimal = groups.iter().map(|g| g.revenue).sum();
    let width = groups
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(20, 64);
    println!("{title}");
    println!(
        "  {:<width$} {:>9} {:>7} {:>13} {:>7} {:>13}",
        "group", "customers", "share", "revenue", "share", "12-month CLV"
    );
    for g in groups {
        println!(
            "  {:<width$} {:>9} {:>6.1}% {:>13} {:>6.1}% {:>13}",
            truncate(&g.name, width),
            g.customers,
            100.0 * g.customer_share,
            format!("${:.2}", g.revenue),
            100.0 * ratio(g.revenue, total_revenue),
            g.clv.map_or("-".to_string(), |v| format!("${v:.2}"))
        );
    }
    println!();
}

fn print_value_matrix(log: &[Transaction<u32>], as_of: NaiveDate) -> Result<(), Box<dyn Error>> {
    let summaries = Summarizer::new(as_of)
        .keep_occasions(false)
        .summarize(log)?;
    let m = value_matrix(&summaries, &ValueMatrixOptions::default())?;
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

fn print_models(report: &CustomerValueReport<u32>) {
    if let Some(m) = &report.purchase_model {
        let p = m.fit.parameters();
        println!(
            "Purchase model {:?} (weeks): r = {:.4}, α = {:.4}, a = {:.4}, b = {:.4}, log-likelihood {:.2}",
            m.fit.kind(),
            p[0],
            p[1],
            p[2],
            p[3],
            m.fit.log_likelihood()
        );
    }
    if let Some(s) = &report.spend_model {
        let p = s.fit.model.params();
        println!(
            "Spend model Gamma-Gamma: p = {:.4}, q = {:.4}, γ = {:.4}; corr(x, z̄) = {}",
            p.p,
            p.q,
            p.gamma,
            s.fit
                .diagnostics
                .frequency_spend_correlation
                .map_or("n/a".into(), |c| format!("{c:.3}"))
        );
    }
    let alive: Vec<f64> = report
        .customers
        .iter()
        .filter_map(|c| c.probability_alive)
        .collect();
    let expected: f64 = report
        .customers
        .iter()
        .filter_map(|c| c.expected_purchases)
        .sum();
    let at_risk = alive.iter().filter(|p| **p < 0.5).count();
    println!(
        "  mean P(alive) {:.3}; {} customers below 0.5; {:.0} purchases expected in the next 52 weeks\n",
        alive.iter().sum::<f64>() / alive.len().max(1) as f64,
        at_risk,
        expected
    );
}

fn print_top_customers(customers: &[CustomerReport<u32>]) {
    let mut top: Vec<&CustomerReport<u32>> = customers.iter().collect();
    top.sort_by(|a, b| b.clv.cmp(&a.clv).then(a.customer.cmp(&b.customer)));
    println!("Top 10 customers by 12-month CLV");
    println!(
        "  {:>8} {:>11} {:>10} {:>7} {:>9} {:>6} {:>5}  {:<18} lifecycle",
        "customer", "CLV", "spend", "orders", "P(alive)", "E[52w]", "RFM", "RFM segment",
    );
    for c in top.iter().take(10) {
        let score = c.rfm_score.map_or("-".into(), |s| {
            format!("{}{}{}", s.recency, s.frequency, s.monetary)
        });
        println!(
            "  {:>8} {:>11} {:>10} {:>7} {:>9.3} {:>6.2} {:>5}  {:<18} {}",
            c.customer,
            c.clv.map_or("-".into(), |v| format!("${v:.2}")),
            format!("${:.2}", c.total_spend),
            c.purchase_occasions,
            c.probability_alive.unwrap_or(f64::NAN),
            c.expected_purchases.unwrap_or(f64::NAN),
            score,
            c.rfm_segment.as_ref().map_or("-", |s| s.name()),
            c.lifecycle_stage.map_or("-".into(), |s| format!("{s:?}"))
        );
    }
    if let Some(c) = top.first() {
        if let Some(reason) = &c.lifecycle_reason {
            println!("  why customer {} is where it is: {reason}", c.customer);
        }
    }
    println!();
}

fn print_kpis(report: &CustomerValueReport<u32>) {
    let Some(k) = &report.kpis else { return };
    let pct = |r: Result<f64, customer_value::kpi::KpiError>| {
        r.map_or("n/a".into(), |v| format!("{:.1}%", 100.0 * v))
    };
    println!("KPIs for {} – {} ({} days)", k.start, k.end, k.length_days);
    println!(
        "  active at start {}, retained {}, retention {}, churn {}, repeat-purchase rate {}",
        k.customers_at_start,
        k.retained,
        pct(k.retention_rate()),
        pct(k.churn_rate()),
        pct(k.repeat_purchase_rate())
    );
    println!(
        "  buyers {}, new {}, occasions {}, revenue ${:.2}, average order ${}\n",
        k.customers_at_end,
        k.new_customers,
        k.occasions,
        k.revenue,
        k.average_order_value()
            .map_or("n/a".into(), |v| format!("{:.2}", v.round_dp(2)))
    );
}

fn print_cohorts(log: &[Transaction<u32>], as_of: NaiveDate) -> Result<(), Box<dyn Error>> {
    let summaries = Summarizer::new(as_of).summarize(log)?;
    let matrix = CohortMatrix::build(&summaries, CohortPeriod::Month, as_of)?;
    let width = matrix
        .rows()
        .iter()
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0);
    println!("Monthly cohorts: % of the cohort buying in month k (classic retention)");
    print!("  {:<8} {:>5}", "cohort", "size");
    for k in 0..width {
        print!(" {:>5}", format!("k{k}"));
    }
    println!();
    for row in matrix.rows() {
        print!("  {:<8} {:>5}", row.start.format("%Y-%m"), row.size);
        for cell in &row.cells {
            print!(" {:>5.1}", 100.0 * cell.retention);
        }
        println!();
    }
    println!();
    Ok(())
}

/// Satisfaction: NPS by channel with intervals, CSAT, and key drivers on a small seeded survey.
fn print_satisfaction() -> Result<(), customer_value::Error> {
    use customer_value::satisfaction::{Csat, CsatScale, KeyDrivers, Nps};
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    // 600 respondents: three 1–5 driver ratings, an overall 1–5 rating and a 0–10 recommendation.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let names = ["Product", "Delivery", "Support"];
    let respondents = 600;
    let mut drivers = Array2::<f64>::zeros((respondents, names.len()));
    let (mut overall, mut recommend, mut channel) = (Vec::new(), Vec::new(), Vec::new());
    for row in 0..respondents {
        let mood: f64 = rng.gen_range(-1.5..1.5);
        for j in 0..names.len() {
            let rating = (3.2 + mood * [1.0, 0.6, 0.8][j] + rng.gen_range(-1.2..1.2)).round();
            drivers[[row, j]] = rating.clamp(1.0, 5.0);
        }
        let score = 0.5 * drivers[[row, 0]] + 0.2 * drivers[[row, 1]] + 0.3 * drivers[[row, 2]];
        let rating = (score + rng.gen_range(-0.6..0.6)).round().clamp(1.0, 5.0);
        overall.push(rating);
        recommend.push(
            (1.6 * rating + 1.6 + rng.gen_range(-1.0..1.0))
                .round()
                .clamp(0.0, 10.0) as u8,
        );
        channel.push(["app", "web"][row % 2]);
    }

    println!("Satisfaction survey (seeded synthetic, n = {respondents})");
    println!(
        "  {:<8} {:>5} {:>7} {:>17} {:>17}",
        "channel", "n", "NPS", "95% Wald", "95% score"
    );
    for row in Nps::by_segment(&recommend, None, &channel)? {
        let (wald, score) = (
            row.statistic.wald_interval(0.95)?,
            row.statistic.score_interval(0.95)?,
        );
        println!(
            "  {:<8} {:>5} {:>7.1} {:>7.1} … {:>6.1} {:>7.1} … {:>6.1}",
            row.segment,
            row.respondents,
            row.statistic.score(),
            wald.lower,
            wald.upper,
            score.lower,
            score.upper
        );
    }
    let likert: Vec<u8> = overall.iter().map(|&r| r as u8).collect();
    let csat = Csat::from_answers(&likert, CsatScale::five_point())?;
    let share = csat.satisfied_interval(0.95)?;
    println!(
        "  CSAT (top-2-box) {:.1}% [{:.1}, {:.1}], mean {:.2}",
        100.0 * csat.satisfied_share(),
        100.0 * share.lower,
        100.0 * share.upper,
        csat.mean()
    );
    let analysis = KeyDrivers::analyse(&overall, drivers.view())?;
    println!(
        "  {:<10} {:>6} {:>8} {:>8} {:>6}  quadrant (R² = {:.3})",
        "driver",
        "r",
        "RW %",
        "LMG %",
        "mean",
        analysis.r_squared()
    );
    for d in analysis.drivers() {
        println!(
            "  {:<10} {:>6.3} {:>7.1}% {:>7.1}% {:>6.2}  {:?}",
            names[d.driver],
            d.correlation,
            100.0 * d.relative_weight_share,
            100.0 * d.shapley_share.unwrap_or(0.0),
            d.performance,
            d.quadrant
        );
    }
    Ok(())
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

fn ratio(part: Decimal, whole: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    if whole.is_zero() {
        0.0
    } else {
        (part / whole).to_f64().unwrap_or(0.0)
    }
}
