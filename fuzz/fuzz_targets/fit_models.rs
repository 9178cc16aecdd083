//! Model fitting on arbitrary histories: a fit or a typed error, never a panic; fitted predictions
//! finite, P(alive) in [0, 1].
#![no_main]

use customer_value::clv::{
    BgNbd, FitOptions, MaximumLikelihood, ParetoNbd, PurchaseModel, RepeatHistory,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let histories: Vec<RepeatHistory> = data
        .chunks_exact(4)
        .filter_map(|c| {
            let x = f64::from(c[0] % 64);
            let age = f64::from(u16::from_le_bytes([c[2], c[3]]) % 2000) / 10.0;
            let recency = if x == 0.0 { 0.0 } else { age * f64::from(c[1]) / 255.0 };
            RepeatHistory::new(x, recency, age).ok()
        })
        .collect();
    let options = FitOptions { max_iterations: 200, accept_unconverged: true, ..FitOptions::default() };
    if let Ok(fit) = BgNbd::fit(&histories, &options) {
        check(&fit.model, &histories);
    }
    if let Ok(fit) = ParetoNbd::fit(&histories, &options) {
        check(&fit.model, &histories);
    }
});

fn check<M: PurchaseModel>(model: &M, histories: &[RepeatHistory]) {
    for h in histories.iter().take(16) {
        if let Ok(p) = model.probability_alive(h) {
            assert!((0.0..=1.0).contains(&p), "P(alive) = {p}");
        }
        if let Ok(e) = model.conditional_expected_purchases(10.0, h) {
            assert!(e.is_finite() && e >= 0.0, "E = {e}");
        }
    }
}
