//! A monthly customer-experience report on a seeded synthetic survey: NPS this month against last
//! month with intervals and a test, CSAT, CES, key drivers with the importance–performance quadrant,
//! and the reliability of the driver battery.
//!
//! Run with `cargo run --example survey`.

use customer_value::satisfaction::{
    cronbach_alpha, Ces, CesScale, Csat, CsatScale, KeyDrivers, Nps, Quadrant, SatisfactionError,
};
use ndarray::Array2;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use rand_xoshiro::Xoshiro256PlusPlus;

const DRIVERS: [&str; 6] = [
    "Price",
    "Product quality",
    "Delivery",
    "Support",
    "Website",
    "Returns",
];

/// One month's answers.
struct Survey {
    likelihood_to_recommend: Vec<u8>,
    overall: Vec<u8>,
    effort: Vec<u8>,
    drivers: Array2<f64>,
    channel: Vec<&'static str>,
}

/// A seeded synthetic survey: a latent satisfaction per respondent drives six 1–5 driver ratings
/// (with different strengths and mean levels), the 1–5 overall rating, the 0–10 recommendation and
/// the 1–7 ease-of-effort answer. `lift` moves everybody's latent satisfaction.
fn simulate(respondents: usize, lift: f64, seed: u64) -> Survey {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    // Invariant: mean 0, standard deviation 1 is a valid normal distribution.
    let normal = Normal::new(0.0, 1.0).expect("valid normal");
    // How strongly each driver reflects the latent satisfaction, its mean level, and its weight in
    // the overall rating.
    let loading = [0.55, 0.8, 0.6, 0.7, 0.4, 0.5];
    let level = [2.6, 3.9, 3.4, 3.0, 3.8, 3.3];
    let weight = [0.25, 0.45, 0.2, 0.35, 0.05, 0.1];
    let clamp_round = |value: f64, min: f64, max: f64| value.round().clamp(min, max);
    let mut survey = Survey {
        likelihood_to_recommend: Vec::with_capacity(respondents),
        overall: Vec::with_capacity(respondents),
        effort: Vec::with_capacity(respondents),
        drivers: Array2::zeros((respondents, DRIVERS.len())),
        channel: Vec::with_capacity(respondents),
    };
    for row in 0..respondents {
        let latent = normal.sample(&mut rng) + lift;
        let mut overall = 3.4 + 0.3 * lift;
        for j in 0..DRIVERS.len() {
            let own = normal.sample(&mut rng);
            let score = level[j]
                + 0.9 * (loading[j] * latent + (1.0 - loading[j] * loading[j]).sqrt() * own);
            let rating = clamp_round(score, 1.0, 5.0);
            survey.drivers[[row, j]] = rating;
            overall += weight[j] * (rating - level[j]);
        }
        let overall = clamp_round(overall + 0.5 * normal.sample(&mut rng), 1.0, 5.0);
        let recommend = clamp_round(
            7.6 + 1.5 * (overall - 3.4) + 1.2 * normal.sample(&mut rng),
            0.0,
            10.0,
        );
        let effort = clamp_round(4.8 + 0.8 * latent + normal.sample(&mut rng), 1.0, 7.0);
        // The clamps keep every value inside the u8 scales.
        survey.overall.push(overall as u8);
        survey.likelihood_to_recommend.push(recommend as u8);
        survey.effort.push(effort as u8);
        survey.channel.push(["app", "store", "web"][row % 3]);
    }
    survey
}

fn quadrant_name(quadrant: Quadrant) -> &'static str {
    match quadrant {
        Quadrant::KeepUpTheGoodWork => "keep up the good work",
        Quadrant::ConcentrateHere => "concentrate here",
        Quadrant::LowPriority => "low priority",
        Quadrant::PossibleOverkill => "possible overkill",
    }
}

fn main() -> Result<(), SatisfactionError> {
    let this_month = simulate(3000, 0.08, 202_406);
    let last_month = simulate(2800, 0.0, 202_405);

    println!("Customer experience report: June (n = 3000) against May (n = 2800)\n");

    // NPS with its three intervals, and the test of the change.
    let nps_now = Nps::from_answers(&this_month.likelihood_to_recommend)?;
    let nps_before = Nps::from_answers(&last_month.likelihood_to_recommend)?;
    println!("Net Promoter Score (95% intervals)");
    println!(
        "{:<8} {:>6} {:>7} {:>7} {:>7} {:>16} {:>16} {:>16}",
        "month", "NPS", "prom%", "pass%", "detr%", "Wald", "adjusted Wald", "score"
    );
    for (month, nps) in [("May", &nps_before), ("June", &nps_now)] {
        let wald = nps.wald_interval(0.95)?;
        let adjusted = nps.adjusted_wald_interval(0.95)?;
        let score = nps.score_interval(0.95)?;
        println!(
            "{:<8} {:>6.1} {:>7.1} {:>7.1} {:>7.1} {:>7.1} … {:>5.1} {:>7.1} … {:>5.1} {:>7.1} … {:>5.1}",
            month,
            nps.score(),
            100.0 * nps.promoter_share(),
            100.0 * nps.passive_share(),
            100.0 * nps.detractor_share(),
            wald.lower,
            wald.upper,
            adjusted.lower,
            adjusted.upper,
            score.lower,
            score.upper
        );
    }
    let change = nps_now.difference(&nps_before)?;
    let change_interval = change.interval(0.95)?;
    println!(
        "change {:+.1} points, SE {:.2}, z {:.2}, p {:.4}, 95% [{:+.1}, {:+.1}]\n",
        change.difference,
        change.standard_error,
        change.z,
        change.p_value,
        change_interval.lower,
        change_interval.upper
    );

    // CSAT: top-2-box share with Wilson, mean with t, and the pooled test.
    let scale = CsatScale::five_point();
    let csat_now = Csat::from_answers(&this_month.overall, scale)?;
    let csat_before = Csat::from_answers(&last_month.overall, scale)?;
    println!("CSAT (top-2-box of 5)");
    for (month, csat) in [("May", &csat_before), ("June", &csat_now)] {
        let share = csat.satisfied_interval(0.95)?;
        let mean = csat.mean_interval(0.95)?;
        println!(
            "{:<8} satisfied {:>5.1}% [{:.1}, {:.1}]   mean {:.3} [{:.3}, {:.3}]",
            month,
            100.0 * csat.satisfied_share(),
            100.0 * share.lower,
            100.0 * share.upper,
            csat.mean(),
            mean.lower,
            mean.upper
        );
    }
    let test = csat_now.compare(&csat_before)?;
    println!(
        "change {:+.1} points, z {:.2}, p {:.4}\n",
        100.0 * test.difference,
        test.z,
        test.p_value
    );

    // CES on the 7-point agreement scale, by channel.
    println!("Customer Effort Score (7-point agreement), June by channel");
    for row in Ces::by_segment(
        &this_month.effort,
        None,
        &this_month.channel,
        CesScale::Agreement7,
    )? {
        let ces = &row.statistic;
        let agree = ces.favourable_interval(0.95)?;
        println!(
            "{:<8} n {:>5}  mean {:.2}  agree {:>5.1}% [{:.1}, {:.1}]  net {:+.1}",
            row.segment,
            row.respondents,
            ces.mean(),
            100.0 * ces.favourable_share(),
            100.0 * agree.lower,
            100.0 * agree.upper,
            100.0 * ces.net()
        );
    }

    // Key drivers of the overall rating.
    let overall: Vec<f64> = this_month.overall.iter().map(|&a| f64::from(a)).collect();
    let drivers = KeyDrivers::analyse(&overall, this_month.drivers.view())?;
    println!(
        "\nKey drivers of overall satisfaction (June, R² = {:.3})",
        drivers.r_squared()
    );
    println!(
        "{:<16} {:>6} {:>7} {:>8} {:>8} {:>8} {:>6}  quadrant",
        "driver", "r", "beta", "RW", "RW %", "LMG %", "mean"
    );
    for d in drivers.drivers() {
        println!(
            "{:<16} {:>6.3} {:>7.3} {:>8.4} {:>7.1}% {:>8} {:>6.2}  {}",
            DRIVERS[d.driver],
            d.correlation,
            d.beta,
            d.relative_weight,
            100.0 * d.relative_weight_share,
            d.shapley_share
                .map_or("n/a".to_string(), |s| format!("{:.1}%", 100.0 * s)),
            d.performance,
            quadrant_name(d.quadrant)
        );
    }
    println!(
        "quadrant split: importance {:.1}%, performance {:.2}",
        100.0 * drivers.mean_importance(),
        drivers.mean_performance()
    );

    // Reliability of the six-item driver battery.
    let reliability = cronbach_alpha(this_month.drivers.view())?;
    println!(
        "\nReliability of the driver battery: alpha {:.3}, standardised {:.3}",
        reliability.alpha, reliability.standardized_alpha
    );
    println!(
        "{:<16} {:>16} {:>20}",
        "item", "alpha if deleted", "corrected item-total"
    );
    for item in &reliability.items {
        println!(
            "{:<16} {:>16} {:>20}",
            DRIVERS[item.item],
            item.alpha_if_deleted
                .map_or("n/a".to_string(), |a| format!("{a:.3}")),
            item.corrected_item_total
                .map_or("n/a".to_string(), |r| format!("{r:.3}"))
        );
    }
    Ok(())
}
