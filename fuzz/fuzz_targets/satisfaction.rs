//! Satisfaction statistics on arbitrary answers: a value or a typed error, never a panic; every
//! interval contains its estimate and lies within its scale.
#![no_main]

use customer_value::satisfaction::{Csat, CsatScale, Descriptive, Nps};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&level_byte, answers)) = data.split_first() else {
        return;
    };
    let level = 0.5 + f64::from(level_byte) / 256.0 * 0.499;
    if let Ok(nps) = Nps::from_answers(answers) {
        let score = nps.score();
        assert!((-100.0..=100.0).contains(&score));
        for interval in [
            nps.wald_interval(level),
            nps.adjusted_wald_interval(level),
            nps.score_interval(level),
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                interval.lower <= interval.estimate && interval.estimate <= interval.upper,
                "{interval:?}"
            );
            assert!(
                interval.lower >= -100.0 && interval.upper <= 100.0,
                "{interval:?}"
            );
        }
    }
    if let Ok(scale) = CsatScale::new(5, 4) {
        if let Ok(csat) = Csat::from_answers(answers, scale) {
            if let Ok(i) = csat.satisfied_interval(level) {
                assert!(
                    i.lower <= i.estimate
                        && i.estimate <= i.upper
                        && i.lower >= 0.0
                        && i.upper <= 1.0,
                    "{i:?}"
                );
            }
        }
    }
    let values: Vec<f64> = answers.iter().map(|&a| f64::from(a)).collect();
    if let Ok(d) = Descriptive::of(&values) {
        assert!(d.mean().is_finite());
    }
});
