//! FHL's CDNOW customer 1516 and the Gamma-Gamma spend model lifetimes fits on CDNOW, shared by
//! the forecast tests.

#![allow(dead_code)]

use customer_value::clv::{GammaGamma, RepeatHistory, SpendHistory};

/// Gamma-Gamma on CDNOW as lifetimes fits it (p, q, γ = lifetimes' v).
pub fn gamma_gamma() -> GammaGamma {
    GammaGamma::new(6.2488025, 3.7445885, 15.4477481).unwrap()
}

/// FHL's customer 1516 of CDNOW: x = 2, t_x = 30.43, T = 38.86 weeks, z̄ = 22.35.
pub fn customer() -> (RepeatHistory, SpendHistory) {
    (
        RepeatHistory::new(2.0, 30.43, 38.86).unwrap(),
        SpendHistory::new(2.0, 22.35).unwrap(),
    )
}
