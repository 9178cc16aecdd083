//! Composite 16-point Gauss–Legendre quadrature (Abramowitz & Stegun 25.4.29, nodes and weights
//! from table 25.4).
//!
//! The 16-point rule integrates polynomials of degree 31 exactly; its remainder on [−1, 1]
//! (A&S 25.4.29) is 2³³(16!)⁴/(33 (32!)³) · f⁽³²⁾(ξ) ≈ 2.7e-45 f⁽³²⁾(ξ). For f = e^(κx) that is
//! below 1e-16 relative while κ ≤ 7, so a few panels give ~1e-15 for the smooth integrands of the
//! Pareto/NBD (P(X(t) = n) and the drop-out part of the likelihood).

/// Positive nodes of the 16-point rule on [−1, 1] (the rule is symmetric).
const NODES: [f64; 8] = [
    0.095_012_509_837_637_44,
    0.281_603_550_779_258_9,
    0.458_016_777_657_227_4,
    0.617_876_244_402_643_8,
    0.755_404_408_355_003,
    0.865_631_202_387_831_8,
    0.944_575_023_073_232_6,
    0.989_400_934_991_649_9,
];

/// Weights of [`NODES`] (each node ±x has the same weight).
const WEIGHTS: [f64; 8] = [
    0.189_450_610_455_068_5,
    0.182_603_415_044_923_6,
    0.169_156_519_395_002_5,
    0.149_595_988_816_576_7,
    0.124_628_971_255_533_9,
    0.095_158_511_682_492_78,
    0.062_253_523_938_647_89,
    0.027_152_459_411_754_09,
];

/// The nodes and weights of the 16-point rule on `panels` equal panels of [lower, upper], in
/// increasing order of the node: ∫ f ≈ Σ weight · f(node).
pub(crate) fn panel_nodes(
    lower: f64, upper: f64, panels: usize,
) -> impl Iterator<Item = (f64, f64)> {
    let half = 0.5 * (upper - lower) / panels as f64;
    (0..panels).flat_map(move |panel| {
        let center = lower + (2 * panel + 1) as f64 * half;
        let left = (0..8)
            .rev()
            .map(move |i| (center - half * NODES[i], half * WEIGHTS[i]));
        let right = (0..8).map(move |i| (center + half * NODES[i], half * WEIGHTS[i]));
        left.chain(right)
    })
}

/// ∫ₐᵇ f on 16 panels.
pub(crate) fn integrate(lower: f64, upper: f64, f: impl Fn(f64) -> f64) -> f64 {
    panel_nodes(lower, upper, 16)
        .map(|(node, weight)| weight * f(node))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_is_exact_for_degree_31_and_accurate_for_the_exponential() {
        // ∫₀¹ x³¹ dx = 1/32 on one panel: exact up to rounding.
        let one_panel: f64 = panel_nodes(0.0, 1.0, 1).map(|(x, w)| w * x.powi(31)).sum();
        assert!((one_panel - 1.0 / 32.0).abs() < 1e-16, "{one_panel}");
        // ∫₀⁵ eˣ dx = e⁵ − 1 on 2 panels.
        let exp: f64 = panel_nodes(0.0, 5.0, 2).map(|(x, w)| w * x.exp()).sum();
        let expected = 5.0_f64.exp_m1();
        assert!(((exp - expected) / expected).abs() < 1e-15, "{exp}");
        assert!((integrate(0.0, 2.0, |x| x * x) - 8.0 / 3.0).abs() < 1e-14);
    }

    #[test]
    fn nodes_come_in_increasing_order() {
        let nodes: Vec<f64> = panel_nodes(-1.0, 3.0, 3).map(|(x, _)| x).collect();
        assert_eq!(nodes.len(), 48);
        assert!(nodes.windows(2).all(|w| w[0] < w[1]));
        let total: f64 = panel_nodes(-1.0, 3.0, 3).map(|(_, w)| w).sum();
        assert!((total - 4.0).abs() < 1e-14);
    }
}
