//! The CLV model types read from arbitrary JSON: what the constructors refuse is refused when
//! read, and every prediction of a model read back is finite (probabilities in [0, 1]) or a typed
//! error, never a panic.
//!
//! Inputs starting with a byte ≥ 0x80 are read as a type selector and eight floats written into a
//! JSON template (so that extreme numbers reach the checks); any other input is taken as JSON text.
#![no_main]

use customer_value::clv::{
    bg_bb_dert, customer_lifetime_value, pareto_nbd_dert, BgBb, BgNbd, ClvOptions, ContractOutcome,
    DiscreteHistory, GammaGamma, GammaGammaOptions, ModelFit, ModifiedBgNbd, Nbd, ParetoNbd,
    PurchaseModel, RepeatHistory, ShiftedBetaGeometric, SpendHistory,
};
use customer_value::Settings;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

fuzz_target!(|data: &[u8]| {
    let json = match data.split_first() {
        Some((&selector, rest)) if selector >= 0x80 => templated(selector, rest),
        _ => String::from_utf8_lossy(data).into_owned(),
    };
    if let Some(m) = read::<BgBb>(&json) {
        bg_bb(&m);
    }
    if let Some(m) = read::<ModelFit<BgBb>>(&json) {
        bg_bb(&m.model);
    }
    if let Some(m) = read::<ShiftedBetaGeometric>(&json) {
        shifted_beta_geometric(&m);
    }
    if let Some(m) = read::<Nbd>(&json) {
        purchase_model(&m);
    }
    if let Some(m) = read::<ModelFit<Nbd>>(&json) {
        purchase_model(&m.model);
    }
    if let Some(m) = read::<BgNbd>(&json) {
        purchase_model(&m);
    }
    if let Some(m) = read::<ModifiedBgNbd>(&json) {
        purchase_model(&m);
    }
    if let Some(m) = read::<ParetoNbd>(&json) {
        purchase_model(&m);
        let h = RepeatHistory::new(2.0, 30.43, 38.86).expect("valid history");
        finite(pareto_nbd_dert(&m, &h, &ClvOptions::default()));
    }
    if let Some(m) = read::<GammaGamma>(&json) {
        gamma_gamma(&m);
    }
    if let Some(z) = read::<SpendHistory>(&json) {
        let m = GammaGamma::new(6.25, 3.74, 15.44).expect("published parameters");
        finite(m.conditional_expected_average_spend(&z));
    }
    if let Some(options) = read::<ClvOptions>(&json) {
        assert!(options.check().is_ok(), "{options:?} read back unchecked");
        let purchases = Nbd::new(0.8, 10.0).expect("valid parameters");
        let spend = GammaGamma::new(6.25, 3.74, 15.44).expect("published parameters");
        let h = RepeatHistory::new(2.0, 30.43, 38.86).expect("valid history");
        let z = SpendHistory::new(2.0, 22.35).expect("valid spend");
        finite(customer_lifetime_value(
            &purchases, &spend, &h, &z, &options,
        ));
    }
    if let Some(options) = read::<GammaGammaOptions>(&json) {
        assert!(options.check().is_ok(), "{options:?} read back unchecked");
    }
});

/// JSON of the type chosen by `selector`, with the floats of `rest` as its numbers.
fn templated(selector: u8, rest: &[u8]) -> String {
    let f: Vec<String> = rest
        .chunks_exact(8)
        .map(|c| format!("{:?}", f64::from_le_bytes(c.try_into().expect("8 bytes"))))
        .chain(std::iter::repeat_with(|| "1.0".to_string()))
        .take(8)
        .collect();
    match selector % 10 {
        0 => format!(
            r#"{{"params":{{"alpha":{},"beta":{},"gamma":{},"delta":{}}}}}"#,
            f[0], f[1], f[2], f[3]
        ),
        1 => format!(r#"{{"params":{{"alpha":{},"beta":{}}}}}"#, f[0], f[1]),
        2 => format!(r#"{{"params":{{"r":{},"alpha":{}}}}}"#, f[0], f[1]),
        3 => format!(
            r#"{{"params":{{"r":{},"alpha":{},"a":{},"b":{}}}}}"#,
            f[0], f[1], f[2], f[3]
        ),
        4 => format!(
            r#"{{"params":{{"r":{},"alpha":{},"s":{},"beta":{}}}}}"#,
            f[0], f[1], f[2], f[3]
        ),
        5 => format!(
            r#"{{"params":{{"p":{},"q":{},"gamma":{}}}}}"#,
            f[0], f[1], f[2]
        ),
        6 => format!(r#"{{"frequency":{},"mean_spend":{}}}"#, f[0], f[1]),
        7 => format!(
            r#"{{"horizon_months":{},"monthly_discount_rate":{},"time_unit":"Weeks","decimal_places":2}}"#,
            rest.first().map_or(12, |b| u32::from(*b) * 20),
            f[1]
        ),
        8 => format!(
            r#"{{"model":{{"params":{{"r":{},"alpha":{}}}}},"parameter_names":["r","alpha"],"log_likelihood":{},"iterations":3,"converged":true,"observations":{},"covariance":{{"Err":"NotEvaluated"}},"diagnostics":null}}"#,
            f[0], f[1], f[2], f[3]
        ),
        _ => format!(
            r#"{{"fit":{{"max_iterations":{},"gradient_tolerance":{},"penalizer":{},"initial":[{},{}],"accept_unconverged":true}},"constrain_q_above_one":true}}"#,
            rest.first().map_or(0, |b| *b),
            f[1],
            f[2],
            f[3],
            f[4]
        ),
    }
}

fn read<T: DeserializeOwned>(json: &str) -> Option<T> {
    serde_json::from_str(json).ok()
}

/// An `Ok` must be finite.
fn finite<E: std::fmt::Debug>(result: Result<f64, E>) {
    if let Ok(v) = result {
        assert!(v.is_finite(), "{v}");
    }
}

fn probability(p: f64) {
    assert!((0.0..=1.0).contains(&p), "probability {p}");
}

fn histories() -> [RepeatHistory; 3] {
    [
        RepeatHistory::new(0.0, 0.0, 38.86).expect("valid history"),
        RepeatHistory::new(2.0, 30.43, 38.86).expect("valid history"),
        RepeatHistory::new(40.0, 1.0, 400.0).expect("valid history"),
    ]
}

fn purchase_model<M: PurchaseModel>(m: &M) {
    finite(m.expected_purchases(39.0));
    for h in histories() {
        finite(m.conditional_expected_purchases(39.0, &h));
        if let Ok(p) = m.probability_alive(&h) {
            probability(p);
        }
    }
    for n in [0, 3, 1000] {
        if let Ok(p) = m.probability_of_purchases(n, 39.0) {
            probability(p);
        }
    }
}

fn bg_bb(m: &BgBb) {
    for (x, t_x, n) in [(0, 0, 6), (2, 4, 6), (6, 6, 6), (1, 1, 500)] {
        let h = DiscreteHistory::new(x, t_x, n).expect("valid history");
        assert!(m.log_likelihood(&h).is_finite());
        probability(m.probability_alive_next(&h));
        finite(m.conditional_expected_purchases(10, &h));
        finite(bg_bb_dert(m, &h, 0.1));
    }
    finite(m.expected_purchases(10));
    if let Ok(p) = m.probability_of_purchases(2, 6) {
        probability(p);
    }
}

fn shifted_beta_geometric(m: &ShiftedBetaGeometric) {
    for t in [1, 5, 1000, u32::MAX] {
        probability(m.survival(t));
        probability(m.probability_churn_in(t));
        finite(m.retention_rate(t));
        finite(m.discounted_expected_residual_lifetime(0.1, t));
        assert!(m
            .log_likelihood(&ContractOutcome::Active { periods: t })
            .is_finite());
    }
    finite(m.expected_lifetime());
}

fn gamma_gamma(m: &GammaGamma) {
    finite(m.mean_spend());
    for (x, z) in [(0.0, 0.0), (2.0, 22.35), (1e6, 1e9)] {
        let h = SpendHistory::new(x, z).expect("valid spend");
        finite(m.conditional_expected_average_spend(&h));
        if x > 0.0 {
            finite(m.log_likelihood(&h));
        }
    }
}
