//! Gauss–Legendre quadrature with 4 to 16 nodes, on one or more equal panels (Abramowitz & Stegun
//! 25.4.29; nodes and weights as in their table 25.4, recomputed with mpmath to 50 digits).
//!
//! The n-point rule integrates polynomials of degree 2n − 1 exactly. How many nodes an integrand
//! needs is read off two facts about it, each turned into a limit per rule below (target: 1e-16
//! relative):
//! - its growth: if |d ln f/dx| ≤ κ on a panel of half-width h, f is no worse than e^(κx), whose
//!   remainder (A&S 25.4.29: 2^(2n+1)(n!)⁴/((2n+1)((2n)!)³) · f⁽²ⁿ⁾(ξ) on [−1, 1]) relative to its
//!   integral is below 1e-16 while κh ≤ [`Rule::max_rate`];
//! - its nearest singularity: at distance d from the panel, it leaves f analytic inside the
//!   Bernstein ellipse of parameter ρ = 1 + δ + √(δ² + 2δ), δ = d/h, and the error falls like
//!   ρ^(−2n) (Trefethen 2008, "Is Gauss quadrature better than Clenshaw–Curtis?", theorem 4.5): δ
//!   must be at least [`Rule::min_singularity_distance`].

/// A Gauss–Legendre rule on [−1, 1], with the limits of its use (see the module docs).
#[derive(Debug)]
pub(crate) struct Rule {
    /// The positive nodes, increasing (the rule is symmetric).
    nodes: &'static [f64],
    /// Their weights.
    weights: &'static [f64],
    /// Largest κh (log-derivative bound times half-width) for 1e-16.
    pub max_rate: f64,
    /// Smallest distance of a singularity from the panel, in half-widths, for 1e-16.
    pub min_singularity_distance: f64,
}

/// The rules, fewest nodes first.
pub(crate) static RULES: [Rule; 6] = [
    Rule {
        nodes: &[0.33998104358485626, 0.8611363115940526],
        weights: &[0.6521451548625461, 0.34785484513745385],
        max_rate: 0.071,
        min_singularity_distance: 49.1,
    },
    Rule {
        nodes: &[0.2386191860831969, 0.6612093864662645, 0.932469514203152],
        weights: &[0.46791393457269104, 0.3607615730481386, 0.17132449237917036],
        max_rate: 0.45,
        min_singularity_distance: 9.8,
    },
    Rule {
        nodes: &[
            0.1834346424956498,
            0.525532409916329,
            0.7966664774136267,
            0.9602898564975363,
        ],
        weights: &[
            0.362683783378362,
            0.31370664587788727,
            0.22238103445337448,
            0.10122853629037626,
        ],
        max_rate: 1.24,
        min_singularity_distance: 4.06,
    },
    Rule {
        nodes: &[
            0.14887433898163122,
            0.4333953941292472,
            0.6794095682990244,
            0.8650633666889845,
            0.9739065285171717,
        ],
        weights: &[
            0.29552422471475287,
            0.26926671930999635,
            0.21908636251598204,
            0.1494513491505806,
            0.06667134430868814,
        ],
        max_rate: 2.38,
        min_singularity_distance: 2.24,
    },
    Rule {
        nodes: &[
            0.1252334085114689,
            0.3678314989981802,
            0.5873179542866175,
            0.7699026741943047,
            0.9041172563704749,
            0.9815606342467192,
        ],
        weights: &[
            0.24914704581340277,
            0.2334925365383548,
            0.20316742672306592,
            0.16007832854334622,
            0.10693932599531843,
            0.04717533638651183,
        ],
        max_rate: 3.81,
        min_singularity_distance: 1.43,
    },
    Rule {
        nodes: &[
            0.09501250983763744,
            0.2816035507792589,
            0.45801677765722737,
            0.6178762444026438,
            0.755404408355003,
            0.8656312023878318,
            0.9445750230732326,
            0.9894009349916499,
        ],
        weights: &[
            0.1894506104550685,
            0.18260341504492358,
            0.16915651939500254,
            0.14959598881657674,
            0.12462897125553388,
            0.09515851168249279,
            0.062253523938647894,
            0.027152459411754096,
        ],
        max_rate: 7.33,
        min_singularity_distance: 0.74,
    },
];

/// The 16-point rule, for integrands that need several panels.
pub(crate) static SIXTEEN: &Rule = &RULES[5];

impl Rule {
    /// The rule with the fewest nodes for one panel of an integrand with growth κh
    /// (`rate_times_half_width`) and its nearest singularity `singularity_distance` half-widths
    /// away; `None` when even 16 nodes do not suffice (then split the interval into panels).
    pub(crate) fn fewest(
        rate_times_half_width: f64, singularity_distance: f64,
    ) -> Option<&'static Rule> {
        RULES.iter().find(|rule| {
            rate_times_half_width <= rule.max_rate
                && singularity_distance >= rule.min_singularity_distance
        })
    }

    /// The number of nodes.
    pub(crate) fn order(&self) -> usize {
        2 * self.nodes.len()
    }

    /// The nodes and weights on `panels` equal panels of [lower, upper], in increasing order of
    /// the node: ∫ f ≈ Σ weight · f(node).
    pub(crate) fn panel_nodes(
        &'static self, lower: f64, upper: f64, panels: usize,
    ) -> impl Iterator<Item = (f64, f64)> {
        let half = 0.5 * (upper - lower) / panels as f64;
        let last = self.nodes.len();
        (0..panels).flat_map(move |panel| {
            let center = lower + (2 * panel + 1) as f64 * half;
            let left = (0..last)
                .rev()
                .map(move |i| (center - half * self.nodes[i], half * self.weights[i]));
            let right =
                (0..last).map(move |i| (center + half * self.nodes[i], half * self.weights[i]));
            left.chain(right)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_is_exact_to_its_degree_and_its_weights_sum_to_the_width() {
        for rule in &RULES {
            let n = rule.order() as i32;
            // ∫₀¹ x^(2n−1) dx = 1/(2n) on one panel: exact up to rounding; degree 2n is not.
            let exact: f64 = rule
                .panel_nodes(0.0, 1.0, 1)
                .map(|(x, w)| w * x.powi(2 * n - 1))
                .sum();
            assert!(
                (exact * f64::from(2 * n) - 1.0).abs() < 1e-15,
                "{n}: {exact}"
            );
            // ∫₋₁¹ x^(2n) dx = 2/(2n + 1), missed by the remainder
            // 2^(2n+1)(n!)⁴/((2n+1)((2n)!)³) · (2n)!.
            let beyond: f64 = rule
                .panel_nodes(-1.0, 1.0, 1)
                .map(|(x, w)| w * x.powi(2 * n))
                .sum();
            assert!(
                (beyond * f64::from(2 * n + 1) / 2.0 - 1.0).abs() > 1e-9,
                "{n}"
            );
            let width: f64 = rule.panel_nodes(-1.0, 3.0, 3).map(|(_, w)| w).sum();
            assert!((width - 4.0).abs() < 1e-14, "{n}");
        }
    }

    /// At its rate limit each rule integrates e^(κx) to 1e-15, and the limits are what they
    /// promise: a rate just inside the next rule's limit is not for this rule.
    #[test]
    fn each_rule_meets_its_rate_limit_on_the_exponential() {
        for rule in &RULES {
            let rate = rule.max_rate;
            let got: f64 = rule
                .panel_nodes(-1.0, 1.0, 1)
                .map(|(x, w)| w * (rate * x).exp())
                .sum();
            let exact = 2.0 * rate.sinh() / rate;
            assert!(
                ((got - exact) / exact).abs() < 1e-15,
                "{}: {got} vs {exact}",
                rule.order()
            );
            assert!(std::ptr::eq(
                Rule::fewest(rate, f64::INFINITY).unwrap(),
                rule
            ));
        }
        assert!(Rule::fewest(7.5, f64::INFINITY).is_none());
        assert!(Rule::fewest(0.0, 0.5).is_none());
    }

    #[test]
    fn nodes_come_in_increasing_order_and_integrate_matches_the_closed_form() {
        let nodes: Vec<f64> = SIXTEEN.panel_nodes(-1.0, 3.0, 3).map(|(x, _)| x).collect();
        assert_eq!(nodes.len(), 48);
        assert!(nodes.windows(2).all(|w| w[0] < w[1]));
        // ∫₀⁵ eˣ dx = e⁵ − 1.
        let expected = 5.0_f64.exp_m1();
        let integral: f64 = SIXTEEN
            .panel_nodes(0.0, 5.0, 16)
            .map(|(x, weight)| weight * x.exp())
            .sum();
        assert!(((integral - expected) / expected).abs() < 1e-15);
    }
}
