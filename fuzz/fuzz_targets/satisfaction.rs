//! Satisfaction statistics on arbitrary answers, weights and levels: a value or a typed error, never
//! a panic; every f64 in an `Ok` is finite; every interval contains its estimate and lies within its
//! scale.
//!
//! Input: one byte for the confidence level, then the rest read three ways: as 0–255 answers
//! (unweighted NPS, CSAT, CES), as respondents of 9 bytes (an answer and the 8 bytes of an f64
//! weight, so weights cover every float: subnormal, 1e308, negative, NaN, ∞), and as f64 answers
//! (descriptive statistics, weighted means, correlations, Cronbach's alpha, key drivers).
#![no_main]

use customer_value::satisfaction::{
    cronbach_alpha, effective_sample_size, wilson_interval, Ces, CesScale, Correlation,
    CorrelationMethod, Csat, CsatScale, Descriptive, KeyDrivers, MeanEstimate, Nps,
};
use customer_value::Interval;
use libfuzzer_sys::fuzz_target;
use ndarray::Array2;

fn finite(name: &str, value: f64) {
    assert!(value.is_finite(), "{name} = {value}");
}

fn check_interval(interval: &Interval, min: f64, max: f64) {
    for value in [interval.lower, interval.estimate, interval.upper] {
        finite("interval", value);
    }
    assert!(
        interval.lower <= interval.estimate && interval.estimate <= interval.upper,
        "{interval:?}"
    );
    assert!(
        interval.lower >= min && interval.upper <= max,
        "{interval:?}"
    );
}

fn check_mean(mean: &MeanEstimate, level: f64, min: f64, max: f64) {
    finite("mean", mean.mean());
    finite("effective n", mean.effective_sample_size());
    for value in [mean.standard_deviation(), mean.standard_error()]
        .into_iter()
        .flatten()
    {
        finite("spread", value);
    }
    if let Ok(interval) = mean.t_interval(level) {
        check_interval(&interval, min, max);
    }
}

fn check_nps(nps: &Nps, level: f64) {
    for value in [
        nps.score(),
        nps.promoters(),
        nps.passives(),
        nps.detractors(),
        nps.variance(),
        nps.standard_error(),
        nps.effective_sample_size(),
    ] {
        finite("NPS", value);
    }
    assert!((-100.0..=100.0).contains(&nps.score()));
    for interval in [
        nps.wald_interval(level),
        nps.adjusted_wald_interval(level),
        nps.score_interval(level),
    ]
    .into_iter()
    .flatten()
    {
        check_interval(&interval, -100.0, 100.0);
    }
    if let Ok(test) = nps.difference(&Nps::from_counts(60, 25, 15).unwrap()) {
        for value in [test.difference, test.standard_error, test.z, test.p_value] {
            finite("NPS difference", value);
        }
    }
}

fn check_csat(csat: &Csat, level: f64) {
    finite("satisfied", csat.satisfied_share());
    if let Ok(interval) = csat.satisfied_interval(level) {
        check_interval(&interval, 0.0, 1.0);
    }
    check_mean(csat.mean_estimate(), level, 1.0, 5.0);
}

fn check_ces(ces: &Ces, level: f64) {
    finite("net", ces.net());
    if let Ok(interval) = ces.favourable_interval(level) {
        check_interval(&interval, 0.0, 1.0);
    }
    check_mean(ces.mean_estimate(), level, 1.0, 5.0);
}

/// NPS, CSAT and CES of the bytes as answers, unweighted or with `weights`.
fn survey(answers: &[u8], weights: Option<&[f64]>, level: f64) {
    let nps = match weights {
        Some(w) => Nps::from_weighted_answers(answers, w),
        None => Nps::from_answers(answers),
    };
    if let Ok(nps) = nps {
        check_nps(&nps, level);
    }
    let five: Vec<u8> = answers.iter().map(|a| 1 + a % 5).collect();
    let scale = CsatScale::five_point();
    let csat = match weights {
        Some(w) => Csat::from_weighted_answers(&five, w, scale),
        None => Csat::from_answers(&five, scale),
    };
    if let Ok(csat) = csat {
        check_csat(&csat, level);
    }
    let ces = match weights {
        Some(w) => Ces::from_weighted_answers(&five, w, CesScale::Effort5),
        None => Ces::from_answers(&five, CesScale::Effort5),
    };
    if let Ok(ces) = ces {
        check_ces(&ces, level);
    }
    if let Some(w) = weights {
        if let Ok(n) = effective_sample_size(w) {
            assert!(
                n.is_finite() && n >= 1.0 && n <= w.len() as f64,
                "n_eff {n}"
            );
        }
        let numeric: Vec<f64> = answers.iter().map(|&a| f64::from(a)).collect();
        if let Ok(mean) = Descriptive::weighted_mean(&numeric, w) {
            check_mean(&mean, level, f64::NEG_INFINITY, f64::INFINITY);
        }
        if let Some(&first) = w.first() {
            if let Ok(interval) = wilson_interval(first, w.iter().sum(), level) {
                check_interval(&interval, 0.0, 1.0);
            }
        }
    }
}

/// Descriptive statistics, correlations, alpha and key drivers of arbitrary f64 answers.
fn numeric(values: &[f64], level: f64) {
    if let Ok(d) = Descriptive::of(values) {
        for value in [d.mean(), d.minimum(), d.median(), d.maximum(), d.mode()] {
            finite("descriptive", value);
        }
        for value in [d.standard_deviation(), d.skewness(), d.excess_kurtosis()]
            .into_iter()
            .flatten()
        {
            finite("descriptive", value);
        }
        check_mean(&d.mean_estimate(), level, f64::NEG_INFINITY, f64::INFINITY);
    }
    let (x, y) = values.split_at(values.len() / 2);
    for method in [CorrelationMethod::Pearson, CorrelationMethod::Spearman] {
        if let Ok(c) = Correlation::compute(x, &y[..x.len()], method) {
            finite("coefficient", c.coefficient());
            finite("p-value", c.p_value());
            if let Ok(interval) = c.interval(level) {
                check_interval(&interval, -1.0, 1.0);
            }
        }
    }
    let rows = values.len() / 3;
    let Ok(items) = Array2::from_shape_vec((rows, 3), values[..rows * 3].to_vec()) else {
        return;
    };
    if let Ok(r) = cronbach_alpha(items.view()) {
        finite("alpha", r.alpha);
        finite("standardised alpha", r.standardized_alpha);
    }
    let overall = items.column(2).to_vec();
    if let Ok(k) = KeyDrivers::analyse(&overall, items.slice(ndarray::s![.., ..2])) {
        finite("R²", k.r_squared());
        finite("mean performance", k.mean_performance());
        for d in k.drivers() {
            for value in [
                d.beta,
                d.relative_weight,
                d.relative_weight_share,
                d.performance,
            ] {
                finite("driver", value);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&level_byte, rest)) = data.split_first() else {
        return;
    };
    // Mostly sensible levels in (0.5, 1), with the edges 0, a hair below 1 and 1 itself.
    let level = match level_byte {
        0 => 0.0,
        1 => 1.0,
        2 => 0.999_999_999_999_999_9,
        b => 0.5 + f64::from(b) / 256.0 * 0.499,
    };
    survey(rest, None, level);
    let (answers, weights): (Vec<u8>, Vec<f64>) = rest
        .chunks_exact(9)
        .map(|chunk| {
            let bits: [u8; 8] = chunk[1..].try_into().unwrap_or_default();
            (chunk[0] % 11, f64::from_le_bytes(bits))
        })
        .unzip();
    survey(&answers, Some(&weights), level);
    let values: Vec<f64> = rest
        .chunks_exact(8)
        .map(|chunk| f64::from_le_bytes(chunk.try_into().unwrap_or_default()))
        .collect();
    numeric(&values, level);
});
