//! Model fitting on arbitrary histories with arbitrary fit options (starting vectors of any length
//! and value, any tolerance, penalty and iteration limit): a fit or a typed error, never a panic;
//! a fit's log-likelihood and predictions finite, probabilities in [0, 1].
#![no_main]

use customer_value::clv::{
    BgBb, BgNbd, ContractOutcome, DiscreteHistory, FitOptions, GammaGamma, GammaGammaOptions,
    MaximumLikelihood, ModelFit, ModifiedBgNbd, Nbd, ParetoNbd, PurchaseModel, RepeatHistory,
    ShiftedBetaGeometric, SpendHistory,
};
use libfuzzer_sys::fuzz_target;

/// Reads fit options from the front of `data`: 1 byte of flags and the length of `initial`, then
/// 8-byte floats (tolerance, penalty, starting values) and 2 bytes of iteration limit.
fn options(data: &[u8]) -> (FitOptions, &[u8]) {
    let Some((&flags, mut rest)) = data.split_first() else {
        return (FitOptions::default(), data);
    };
    let mut float = || {
        if rest.len() < 8 {
            return 1.0;
        }
        let (head, tail) = rest.split_at(8);
        rest = tail;
        f64::from_le_bytes(head.try_into().expect("8 bytes"))
    };
    let mut options = FitOptions::default().accept_unconverged(flags & 1 == 1);
    if flags & 2 == 2 {
        options.gradient_tolerance = float();
    }
    if flags & 4 == 4 {
        options.penalizer = float();
    }
    if flags & 8 == 8 {
        let length = usize::from(flags >> 4) % 7;
        options.initial = Some((0..length).map(|_| float()).collect());
    }
    // At most 300 iterations keeps one input fast; 0 must be refused.
    let iterations = rest.first().map_or(100, |b| u64::from(*b) * 300 / 255);
    options.max_iterations = iterations;
    (options, rest.get(1..).unwrap_or(&[]))
}

fuzz_target!(|data: &[u8]| {
    let (options, data) = options(data);
    let histories: Vec<RepeatHistory> = data
        .chunks_exact(4)
        .filter_map(|c| {
            let x = f64::from(c[0] % 64);
            let age = f64::from(u16::from_le_bytes([c[2], c[3]]) % 2000) / 10.0;
            let recency = if x == 0.0 {
                0.0
            } else {
                age * f64::from(c[1]) / 255.0
            };
            RepeatHistory::new(x, recency, age).ok()
        })
        .collect();
    if let Ok(fit) = BgNbd::fit(&histories, &options) {
        check(&fit, &histories);
    }
    if let Ok(fit) = ModifiedBgNbd::fit(&histories, &options) {
        check(&fit, &histories);
    }
    if let Ok(fit) = ParetoNbd::fit(&histories, &options) {
        check(&fit, &histories);
    }
    if let Ok(fit) = Nbd::fit(&histories, &options) {
        check(&fit, &histories);
    }
    let discrete: Vec<DiscreteHistory> = data
        .chunks_exact(3)
        .filter_map(|c| {
            let n = u32::from(c[2] % 16);
            let t_x = u32::from(c[1]) % (n + 1);
            let x = if t_x == 0 {
                0
            } else {
                1 + u32::from(c[0]) % t_x
            };
            DiscreteHistory::new(x, t_x, n).ok()
        })
        .collect();
    if let Ok(fit) = BgBb::fit(&discrete, &options) {
        assert!(fit.log_likelihood.is_finite());
        for h in discrete.iter().take(8) {
            let p = fit.model.probability_alive_next(h);
            assert!((0.0..=1.0).contains(&p), "P(alive) = {p}");
            if let Ok(e) = fit.model.conditional_expected_purchases(10, h) {
                assert!(e.is_finite() && e >= 0.0, "E = {e}");
            }
        }
    }
    let outcomes: Vec<ContractOutcome> = data
        .iter()
        .map(|b| match b % 2 {
            0 => ContractOutcome::Churned {
                period: u32::from(b / 2 % 12),
            },
            _ => ContractOutcome::Active {
                periods: u32::from(b / 2 % 12),
            },
        })
        .collect();
    if let Ok(fit) = ShiftedBetaGeometric::fit(&outcomes, &options) {
        assert!(fit.log_likelihood.is_finite());
        for t in [1, 5, 100] {
            assert!((0.0..=1.0).contains(&fit.model.survival(t)));
        }
    }
    let spend: Vec<SpendHistory> = data
        .chunks_exact(3)
        .filter_map(|c| {
            let x = f64::from(c[0] % 20);
            let z = f64::from(u16::from_le_bytes([c[1], c[2]])) / 100.0;
            SpendHistory::new(x, z).ok()
        })
        .collect();
    let spend_options = GammaGammaOptions {
        fit: options.clone(),
        constrain_q_above_one: data.len() % 2 == 0,
    };
    if let Ok(fit) = GammaGamma::fit(&spend, &spend_options) {
        assert!(fit.log_likelihood.is_finite());
        for z in spend.iter().take(8) {
            if let Ok(e) = fit.model.conditional_expected_average_spend(z) {
                assert!(e.is_finite(), "spend = {e}");
            }
        }
    }
});

fn check<M: PurchaseModel>(fit: &ModelFit<M>, histories: &[RepeatHistory]) {
    assert!(
        fit.log_likelihood.is_finite(),
        "ln L = {}",
        fit.log_likelihood
    );
    for h in histories.iter().take(16) {
        if let Ok(p) = fit.model.probability_alive(h) {
            assert!((0.0..=1.0).contains(&p), "P(alive) = {p}");
        }
        if let Ok(e) = fit.model.conditional_expected_purchases(10.0, h) {
            assert!(e.is_finite() && e >= 0.0, "E = {e}");
        }
    }
}
