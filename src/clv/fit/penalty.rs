//! The L2 penalty of a fit, in either convention of [`PenaltyConvention`].
//!
//! Both conventions subtract w · Σₖ (sₖ pₖ)² from the total log-likelihood ln L, with pₖ the
//! model's natural parameters: [`PenaltyConvention::TotalLogLikelihood`] takes w = c and sₖ = 1;
//! [`PenaltyConvention::Lifetimes`] takes w = c · D and sₖ from [`LifetimesObjective`]. The second
//! has the same maximiser as lifetimes' objective −ln L′/D + c · Σ (pₖ′)², since its ln L′ on
//! rescaled times differs from ln L by a constant (the rescaling's Jacobian, s^(−x) per customer
//! for BG/NBD and Pareto/NBD) and pₖ′ = sₖ pₖ are its parameters on that axis.

use super::{FitOptions, PenaltyConvention};

/// How lifetimes 0.11.3 forms one fitter's objective: −ln L′ / `divisor` + c · Σₖ (sₖ pₖ)², with
/// ln L′ the weighted log-likelihood on its time axis and sₖ = `parameter_scales[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LifetimesObjective {
    /// D: the sum of the weights (the mean log-likelihood); Pareto/NBD divides by their mean.
    pub divisor: f64,
    /// sₖ: 1 / (the longest age) for a parameter in time units, which lifetimes estimates on ages
    /// divided by the longest one and multiplies back afterwards; 1 for the others.
    pub parameter_scales: Vec<f64>,
}

impl LifetimesObjective {
    /// The mean log-likelihood over `customers` (the sum of the weights), no time axis: lifetimes'
    /// Gamma-Gamma and BG/BB.
    pub fn mean(customers: f64, parameters: usize) -> Self {
        Self {
            divisor: customers,
            parameter_scales: vec![1.0; parameters],
        }
    }

    /// Divides the log-likelihood by `divisor` and puts the parameters at `time_parameters` on
    /// lifetimes' time axis, ages divided by the longest one in `ages` (every row the caller
    /// passed, as lifetimes takes `T.max()`).
    pub fn on_time_axis(
        divisor: f64, parameters: usize, time_parameters: &[usize], ages: impl Iterator<Item = f64>,
    ) -> Self {
        let longest = ages.fold(0.0, f64::max);
        // A zero longest age leaves nothing to fit (every model's checks reject it first).
        let scale = if longest > 0.0 { 1.0 / longest } else { 1.0 };
        let mut objective = Self::mean(divisor, parameters);
        for &k in time_parameters {
            objective.parameter_scales[k] = scale;
        }
        objective
    }
}

/// The penalty w · Σₖ (sₖ (oₖ + e^θₖ))² the optimiser adds to −ln L, on its log-parameters θ; oₖ
/// is the offset of the natural parameter over the optimiser's (Gamma-Gamma's q − 1 when q is
/// constrained above 1), so that the natural parameter is the one penalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Penalty {
    weight: f64,
    offsets: Vec<f64>,
    scales: Vec<f64>,
}

impl Penalty {
    /// The penalty `options` ask for, with `lifetimes` (evaluated only under that convention)
    /// and the offsets of the natural parameters over the optimiser's.
    pub fn new(
        options: &FitOptions, lifetimes: impl FnOnce() -> LifetimesObjective, offsets: Vec<f64>,
    ) -> Self {
        let (weight, scales) = match options.penalty_convention {
            PenaltyConvention::TotalLogLikelihood => (options.penalizer, vec![1.0; offsets.len()]),
            PenaltyConvention::Lifetimes => {
                let objective = lifetimes();
                (
                    options.penalizer * objective.divisor,
                    objective.parameter_scales,
                )
            }
        };
        Self {
            weight,
            offsets,
            scales,
        }
    }

    /// No penalty on `parameters` parameters.
    #[cfg(test)]
    pub fn none(parameters: usize) -> Self {
        Self {
            weight: 0.0,
            offsets: vec![0.0; parameters],
            scales: vec![1.0; parameters],
        }
    }

    /// The penalty at θ and its gradient, 2 w sₖ² (oₖ + e^θₖ) e^θₖ.
    pub fn value_and_gradient(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let mut value = 0.0;
        let gradient = theta
            .iter()
            .zip(self.offsets.iter().zip(&self.scales))
            .map(|(&t, (&offset, &scale))| {
                let p = t.exp();
                let scaled = scale * (offset + p);
                value += self.weight * scaled * scaled;
                2.0 * self.weight * scale * scaled * p
            })
            .collect();
        (value, gradient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_convention_ignores_the_lifetimes_objective() {
        let options = FitOptions::default().penalizer(0.5);
        let penalty = Penalty::new(&options, || unreachable!(), vec![0.0, 1.0]);
        // 0.5 · (2² + (1 + 3)²) = 10; gradient 2 · 0.5 · (1 + 3) · 3 = 12 for the second.
        let (value, gradient) = penalty.value_and_gradient(&[2.0_f64.ln(), 3.0_f64.ln()]);
        assert!((value - 10.0).abs() < 1e-12);
        assert!((gradient[0] - 4.0).abs() < 1e-12 && (gradient[1] - 12.0).abs() < 1e-12);
    }

    #[test]
    fn the_lifetimes_convention_scales_the_weight_and_the_time_parameters() {
        let options = FitOptions::default()
            .penalizer(0.1)
            .penalty_convention(PenaltyConvention::Lifetimes);
        let lifetimes = || LifetimesObjective::on_time_axis(20.0, 2, &[1], [4.0, 8.0].into_iter());
        let penalty = Penalty::new(&options, lifetimes, vec![0.0; 2]);
        // 0.1 · 20 · (3² + (16 / 8)²) = 26.
        let (value, gradient) = penalty.value_and_gradient(&[3.0_f64.ln(), 16.0_f64.ln()]);
        assert!((value - 26.0).abs() < 1e-12, "{value}");
        // ∂/∂θ of 2 (e^θ / 8)² is 4 (16/8)² = 16.
        assert!((gradient[0] - 36.0).abs() < 1e-12 && (gradient[1] - 16.0).abs() < 1e-12);
    }
}
