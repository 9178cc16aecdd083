//! The "buy 'til you die" purchase models on their reference data, beside the published values:
//! BG/NBD and MBG/NBD on the CDNOW sample (calibration to 1997-09-30, holdout to 1998-06-30), with
//! the calibration frequency histogram and the holdout comparison of FHL (2005); BG/BB on the
//! donations data; the shifted-beta-geometric model on the two retention cohorts; Pareto/NBD,
//! the Gamma-Gamma spend model and 12-month CLV on CDNOW beside lifetimes' values.
//!
//! Run: `cargo run --release --example cdnow_btyd`

use std::str::FromStr;

use chrono::NaiveDate;
use customer_value::clv::diagnostics::{
    chi_square_test, expected_frequency_histogram, holdout_comparison, observed_frequency_histogram,
};
use customer_value::clv::PurchaseModel;
use customer_value::clv::{
    customer_lifetime_values, BgBb, BgNbd, ClvOptions, DiscreteHistory, FitData, FitOptions,
    GammaGamma, GammaGammaOptions, MaximumLikelihood, ModelFit, ModifiedBgNbd, ParetoNbd,
    RepeatHistory, ShiftedBetaGeometric, SpendHistory,
};
use customer_value::{CustomerSummary, Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

type BoxError = Box<dyn std::error::Error>;

fn cdnow_transactions() -> Result<Vec<Transaction<u64>>, BoxError> {
    let mut out = Vec::new();
    for line in include_str!("../tests/data/CDNOW_sample.txt").lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 5 {
            continue;
        }
        // The sample id (second column), as the published tables and lifetimes number customers.
        let customer: u64 = fields[1].parse()?;
        let date = NaiveDate::parse_from_str(fields[2], "%Y%m%d")?;
        // The sample's few $0.00 purchases (free items) are purchase occasions, as in the papers.
        let amount = Decimal::from_str(fields[4])?;
        out.push(Transaction::new(customer, date, amount));
    }
    Ok(out)
}

fn print_fit<M, D>(
    name: &str, fit: &ModelFit<M, D>, names: &[&str], values: &[f64], published: &[f64],
    published_ll: f64,
) {
    println!(
        "{name}: log-likelihood {:.4} (published {published_ll:.2}), {} iterations",
        fit.log_likelihood, fit.iterations
    );
    println!(
        "  {:<8} {:>10} {:>10} {:>10}",
        "param", "estimate", "s.e.", "published"
    );
    let se = fit.standard_errors().unwrap_or_default();
    for (i, ((name, value), published)) in names.iter().zip(values).zip(published).enumerate() {
        let se = se.get(i).map_or("n/a".to_string(), |s| format!("{s:.4}"));
        println!("  {name:<8} {value:>10.4} {se:>10} {published:>10.3}");
    }
}

/// P(alive) and expected purchases in the next 52 weeks from a BG/NBD model fitted in weeks: the
/// ten customers expected to buy most, and the share of customers likely still active.
fn print_purchase_predictions(summaries: &[CustomerSummary<u64>]) -> Result<(), BoxError> {
    let histories: Vec<RepeatHistory> = summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, TimeUnit::Weeks))
        .collect();
    let fit = BgNbd::fit(&histories, &FitOptions::default())?;
    let p = fit.model.params();
    println!(
        "BG/NBD (weeks): r {:.4}, alpha {:.4}, a {:.4}, b {:.4}, log-likelihood {:.2}",
        p.r, p.alpha, p.a, p.b, fit.log_likelihood
    );
    let mut alive = vec![0.0; histories.len()];
    let mut next_year = vec![0.0; histories.len()];
    fit.model.probability_alive_into(&histories, &mut alive)?;
    fit.model
        .conditional_expected_purchases_into(52.0, &histories, &mut next_year)?;
    let mut order: Vec<usize> = (0..histories.len()).collect();
    // Highest expectation first; ties by customer id so the table is deterministic.
    order.sort_by(|&i, &j| {
        next_year[j]
            .total_cmp(&next_year[i])
            .then(summaries[i].customer().cmp(summaries[j].customer()))
    });
    println!(
        "{:>8} {:>4} {:>7} {:>7} {:>8} {:>12}",
        "customer", "x", "t_x", "T", "P(alive)", "E[next 52w]"
    );
    for &i in order.iter().take(10) {
        let h = &histories[i];
        println!(
            "{:>8} {:>4} {:>7.2} {:>7.2} {:>8.3} {:>12.2}",
            summaries[i].customer(),
            h.frequency(),
            h.recency(),
            h.age(),
            alive[i],
            next_year[i]
        );
    }
    let likely_active = alive.iter().filter(|p| **p >= 0.5).count();
    println!(
        "{likely_active} of {} customers have P(alive) >= 0.5; {:.0} purchases expected in the next 52 weeks",
        histories.len(),
        next_year.iter().sum::<f64>()
    );
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).ok_or("invalid date");
    let transactions = cdnow_transactions()?;
    let rows =
        Summarizer::new(d(1998, 6, 30)?).calibration_holdout(&transactions, d(1997, 9, 30)?)?;
    let histories: Vec<RepeatHistory> = rows
        .iter()
        .map(|r| RepeatHistory::from_summary(&r.calibration, TimeUnit::Weeks))
        .collect();
    let calibration: Vec<CustomerSummary<u64>> =
        rows.iter().map(|r| r.calibration.clone()).collect();
    print_purchase_predictions(&calibration)?;
    println!();
    let holdout: Vec<f64> = rows.iter().map(|r| r.holdout_purchases as f64).collect();
    let holdout_weeks = rows
        .first()
        .map(|r| r.holdout_days as f64 / 7.0)
        .unwrap_or(39.0);
    println!(
        "CDNOW sample: {} customers, holdout {holdout_weeks:.1} weeks\n",
        histories.len()
    );

    let bg = BgNbd::fit(&histories, &FitOptions::default())?;
    let p = bg.model.params();
    print_fit(
        "BG/NBD (Fader, Hardie & Lee 2005)",
        &bg,
        &["r", "alpha", "a", "b"],
        &[p.r, p.alpha, p.a, p.b],
        &[0.243, 4.414, 0.793, 2.426],
        -9582.43,
    );
    let mbg = ModifiedBgNbd::fit(&histories, &FitOptions::default())?;
    let p = mbg.model.params();
    print_fit(
        "\nMBG/NBD (Batislam et al. 2007)",
        &mbg,
        &["r", "alpha", "a", "b"],
        &[p.r, p.alpha, p.a, p.b],
        &[0.525, 6.183, 0.891, 1.614],
        -9582.13,
    );
    println!("\nAIC: BG/NBD {:.2}, MBG/NBD {:.2}", bg.aic(), mbg.aic());

    let observed = observed_frequency_histogram(&histories, 7)?;
    let expected_bg = expected_frequency_histogram(&bg.model, &histories, 7)?;
    let expected_mbg = expected_frequency_histogram(&mbg.model, &histories, 7)?;
    println!("\nRepeat purchases in calibration (FHL 2005, figure 3)");
    println!(
        "  {:>4} {:>8} {:>8} {:>8}",
        "x", "actual", "BG/NBD", "MBG/NBD"
    );
    for k in 0..observed.len() {
        let label = if k + 1 == observed.len() {
            format!("{k}+")
        } else {
            k.to_string()
        };
        println!(
            "  {label:>4} {:>8.0} {:>8.1} {:>8.1}",
            observed[k], expected_bg[k], expected_mbg[k]
        );
    }
    let chi_bg = chi_square_test(&observed, &expected_bg, 4)?;
    let chi_mbg = chi_square_test(&observed, &expected_mbg, 4)?;
    println!(
        "  chi-square: BG/NBD {:.2} (p = {:.3}), MBG/NBD {:.2} (p = {:.3})",
        chi_bg.statistic, chi_bg.p_value, chi_mbg.statistic, chi_mbg.p_value
    );

    let cmp = holdout_comparison(&bg.model, &histories, &holdout, holdout_weeks, 7)?;
    println!("\nHoldout purchases by calibration frequency (FHL 2005, figure 4), BG/NBD");
    println!(
        "  {:>4} {:>9} {:>8} {:>9}",
        "x", "customers", "actual", "predicted"
    );
    for row in &cmp.rows {
        let label = if row.frequency == 7 {
            "7+".to_string()
        } else {
            row.frequency.to_string()
        };
        println!(
            "  {label:>4} {:>9} {:>8.3} {:>9.3}",
            row.customers, row.actual, row.predicted
        );
    }
    println!(
        "  total actual {:.0}, predicted {:.1}; per-customer MAE {:.3}, RMSE {:.3}",
        cmp.total_actual, cmp.total_predicted, cmp.mae, cmp.rmse
    );
    let example = RepeatHistory::new(2.0, 30.43, 38.86)?;
    let alive = bg.probability_alive_interval(&example, 0.95)?;
    let next = bg.conditional_expected_purchases_interval(39.0, &example, 0.95)?;
    println!("  customer x = 2, t_x = 30.43, T = 38.86: P(alive) {:.3} [{:.3}, {:.3}], next 39 weeks {:.3} [{:.3}, {:.3}]",
        alive.estimate, alive.lower, alive.upper, next.estimate, next.lower, next.upper);
    println!("  (published: 1.226 expected purchases)");

    let pareto = ParetoNbd::fit(&histories, &FitOptions::default())?;
    let p = pareto.model.params();
    print_fit(
        "\nPareto/NBD (Schmittlein et al. 1987; FHL 2005)",
        &pareto,
        &["r", "alpha", "s", "beta"],
        &[p.r, p.alpha, p.s, p.beta],
        &[0.553, 10.578, 0.606, 11.669],
        -9594.98,
    );
    println!("  (CLVTools' standard errors: 0.0476, 0.8427, 0.1873, 6.2105)");

    let spends = calibration
        .iter()
        .map(SpendHistory::from_summary)
        .collect::<Result<Vec<_>, _>>()?;
    let spend_fit = GammaGamma::fit(&spends, &GammaGammaOptions::default())?;
    let p = spend_fit.model.params();
    print_fit(
        "\nGamma-Gamma spend model (Colombo & Jiang 1999; Fader & Hardie 2013)",
        &spend_fit,
        &["p", "q", "gamma"],
        &[p.p, p.q, p.gamma],
        &[6.25, 3.74, 15.44],
        -4055.92,
    );
    println!(
        "  {} customers without a repeat purchase left out; corr(x, z̄) = {:.3}; population mean spend {:.4} (published 35.171)",
        spend_fit.diagnostics.excluded_without_repeat,
        spend_fit.diagnostics.frequency_spend_correlation.unwrap_or(f64::NAN),
        spend_fit.model.mean_spend()?
    );
    let options = ClvOptions::default();
    let clv = customer_lifetime_values(&bg.model, &spend_fit.model, &histories, &spends, &options)?;
    println!("\n12-month CLV at 1% a month (BG/NBD + Gamma-Gamma), beside lifetimes 0.11.3");
    println!("  (lifetimes' figures come from the published summary file, whose t_x and T are rounded to");
    println!(
        "  2 decimals; ours here from the transactions, exact: tests/clv_value.rs matches to 0.01)"
    );
    println!("  {:>4} {:>10} {:>10}", "ID", "ours", "lifetimes");
    for (id, published) in [(1u64, 36.2785), (2, 4.63747), (3, 8.34409), (6, 283.524)] {
        if let Some(i) = calibration.iter().position(|s| *s.customer() == id) {
            println!("  {id:>4} {:>10.4} {published:>10.4}", clv[i]);
        }
    }

    let mut donors = Vec::new();
    let mut counts = Vec::new();
    for line in include_str!("../tests/data/donations.csv").lines().skip(1) {
        let f: Vec<u32> = line
            .split(',')
            .map(|v| v.trim().parse())
            .collect::<Result<_, _>>()?;
        donors.push(DiscreteHistory::new(f[0], f[1], f[2])?);
        counts.push(f64::from(f[3]));
    }
    let bb =
        FitData::weighted(&donors, &counts).and_then(|d| BgBb::fit(d, &FitOptions::default()))?;
    let p = bb.model.params();
    print_fit(
        "\nBG/BB on donations (Fader, Hardie & Shang 2010)",
        &bb,
        &["alpha", "beta", "gamma", "delta"],
        &[p.alpha, p.beta, p.gamma, p.delta],
        &[1.204, 0.750, 0.657, 2.783],
        -33225.58,
    );
    println!(
        "  expected donations of a new donor in 10 years: {:.4} (published 3.18)",
        bb.model.expected_purchases(10)?
    );

    let text = include_str!("../tests/data/sbg_retention.csv");
    let mut regular = Vec::new();
    let mut high_end = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        regular.push(f[1].parse::<f64>()? / 100.0);
        high_end.push(f[2].parse::<f64>()? / 100.0);
    }
    println!("\nShifted-beta-geometric (Fader & Hardie 2007), years 1-7 calibrate");
    for (name, curve, published) in [
        ("regular", &regular, (0.704, 1.182, -1680.27)),
        ("high end", &high_end, (0.668, 3.806, -1611.16)),
    ] {
        let fit = ShiftedBetaGeometric::fit_survival(1000.0, &curve[1..8])?;
        let p = fit.model.params();
        println!("  {name:<8} alpha {:.4} (published {:.3}), beta {:.4} ({:.3}), log-likelihood {:.4} ({:.2})",
            p.alpha, published.0, p.beta, published.1, fit.log_likelihood, published.2);
        let projected: Vec<String> = (8..=12)
            .map(|t| format!("{:.1}", 100.0 * fit.model.survival(t)))
            .collect();
        let actual: Vec<String> = curve[8..]
            .iter()
            .map(|s| format!("{:.1}", 100.0 * s))
            .collect();
        println!(
            "    % alive years 8-12: projected {} | actual {}",
            projected.join(" "),
            actual.join(" ")
        );
        println!("    DERL at 10% discount, new subscriber: {:.3} further payments; expected lifetime: {}",
            fit.model.discounted_expected_residual_lifetime(0.1, 0)?,
            match fit.model.expected_lifetime() { Ok(v) => format!("{v:.2}"), Err(e) => e.to_string() });
    }
    Ok(())
}
