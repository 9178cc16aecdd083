//! The box the optimiser keeps the parameters in: [`MIN_PARAMETER`, `MAX_PARAMETER`] for every
//! parameter unless a model narrows or moves it (Gamma-Gamma's γ, in money units, moves with the
//! spends), so that every fit ends inside the range where its model's predictions are finite.
//!
//! The optimiser works on θ = ln p. It evaluates the likelihood at the projection of θ onto the
//! box and adds ½ d² for a distance d outside it (in units of the scaled cost, whose size is of
//! order 1): the objective stays continuous, its minimum over all θ is its minimum over the box,
//! and a step that leaves the box is pulled back (the projection method with a quadratic exterior
//! term; Nocedal & Wright 2006, §16.7 and §17.1). A parameter within [`BOUND_TOLERANCE`] of a
//! bound, where the log-likelihood still rises outwards, is held at the bound: it is not counted
//! in the convergence test and not moved by the Newton steps.

use super::warnings::BOUND_TOLERANCE;
use crate::clv::{MAX_PARAMETER, MIN_PARAMETER};

/// The bounds of the optimiser's parameters, on the natural and the log scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    natural: Vec<(f64, f64)>,
    log: Vec<(f64, f64)>,
}

impl Bounds {
    /// [`MIN_PARAMETER`, `MAX_PARAMETER`] for each of `parameters`.
    pub(crate) fn parameter_range(parameters: usize) -> Self {
        Self::new(vec![(MIN_PARAMETER, MAX_PARAMETER); parameters])
    }

    /// The box with the natural-scale bounds `natural` (each positive, finite, lower < upper).
    pub(crate) fn new(natural: Vec<(f64, f64)>) -> Self {
        let log = natural.iter().map(|(lo, hi)| (lo.ln(), hi.ln())).collect();
        Self { natural, log }
    }

    /// θ moved into the box.
    pub(crate) fn project(&self, theta: &[f64]) -> Vec<f64> {
        theta
            .iter()
            .zip(&self.log)
            .map(|(t, (lo, hi))| t.clamp(*lo, *hi))
            .collect()
    }

    /// The natural parameters e^θ, each inside its bounds exactly (e^(ln 10¹⁰) may round above
    /// 10¹⁰, which the models' constructors refuse).
    pub(crate) fn natural(&self, theta: &[f64]) -> Vec<f64> {
        theta
            .iter()
            .zip(&self.natural)
            .map(|(t, (lo, hi))| t.exp().clamp(*lo, *hi))
            .collect()
    }

    /// The bound (natural scale) each parameter of θ is within [`BOUND_TOLERANCE`] of, if any.
    pub(crate) fn at_bound(&self, theta: &[f64]) -> Vec<Option<f64>> {
        theta
            .iter()
            .zip(self.log.iter().zip(&self.natural))
            .map(|(t, ((ln_lo, ln_hi), (lo, hi)))| {
                if *t <= ln_lo + BOUND_TOLERANCE {
                    Some(*lo)
                } else if *t >= ln_hi - BOUND_TOLERANCE {
                    Some(*hi)
                } else {
                    None
                }
            })
            .collect()
    }

    /// Which parameters of θ are held at their bound: within [`BOUND_TOLERANCE`] of it with the
    /// cost's gradient pointing into the box (the cost falls outwards). Those are moved onto the
    /// bound exactly.
    pub(crate) fn hold(&self, theta: &mut [f64], cost_gradient: &[f64]) -> Vec<bool> {
        theta
            .iter_mut()
            .zip(cost_gradient.iter().zip(&self.log))
            .map(|(t, (g, (lo, hi)))| {
                let held = if *t <= lo + BOUND_TOLERANCE && *g >= 0.0 {
                    Some(*lo)
                } else if *t >= hi - BOUND_TOLERANCE && *g <= 0.0 {
                    Some(*hi)
                } else {
                    None
                };
                if let Some(bound) = held {
                    *t = bound;
                }
                held.is_some()
            })
            .collect()
    }

    /// The exterior term ½ Σ dₖ² for θ outside the box and its gradient dₖ (0 inside).
    pub(crate) fn exterior(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let distances: Vec<f64> = theta
            .iter()
            .zip(&self.log)
            .map(|(t, (lo, hi))| t - t.clamp(*lo, *hi))
            .collect();
        let value = 0.5 * distances.iter().map(|d| d * d).sum::<f64>();
        (value, distances)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_projects_holds_and_maps_back_exactly() {
        let bounds = Bounds::parameter_range(3);
        let theta = [-30.0, 0.5, 30.0];
        let inside = bounds.project(&theta);
        assert_eq!(inside, vec![MIN_PARAMETER.ln(), 0.5, MAX_PARAMETER.ln()]);
        assert_eq!(
            bounds.natural(&inside),
            vec![MIN_PARAMETER, 0.5_f64.exp(), MAX_PARAMETER]
        );
        assert_eq!(
            bounds.at_bound(&inside),
            vec![Some(MIN_PARAMETER), None, Some(MAX_PARAMETER)]
        );
        // Outside by 1 below and 2 above (in ln p): ½(1 + 4), with the signed distances as slopes.
        let (value, gradient) =
            bounds.exterior(&[MIN_PARAMETER.ln() - 1.0, 0.0, MAX_PARAMETER.ln() + 2.0]);
        assert!((value - 2.5).abs() < 1e-12);
        assert!((gradient[0] + 1.0).abs() < 1e-12 && gradient[1] == 0.0);
        assert!((gradient[2] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn only_a_bound_the_cost_falls_beyond_holds_its_parameter() {
        let bounds = Bounds::parameter_range(2);
        let near_top = MAX_PARAMETER.ln() - 0.5 * BOUND_TOLERANCE;
        // The cost falls outwards at the top (negative gradient): held, and moved onto the bound.
        let mut theta = [near_top, 0.0];
        assert_eq!(bounds.hold(&mut theta, &[-1.0, -1.0]), vec![true, false]);
        assert_eq!(theta[0], MAX_PARAMETER.ln());
        // It rises outwards: the optimum is inside, nothing is held.
        let mut theta = [near_top, 0.0];
        assert_eq!(bounds.hold(&mut theta, &[1.0, 0.0]), vec![false, false]);
        assert_eq!(theta[0], near_top);
    }
}
