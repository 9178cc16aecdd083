//! Parameter vectors drawn from a fit's asymptotic normal, the draws outside the parameter space
//! redrawn and counted.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::BootstrapOptions;
use crate::clv::{ClvError, MaximumLikelihood, ModelFit};
use crate::numeric::linalg::cholesky;
use crate::settings::Settings;

/// R models drawn from N(θ̂, Σ), the asymptotic normal of a fit's maximum-likelihood parameters,
/// as θ̂ + L ε with L the Cholesky factor of Σ and ε a vector of standard normals.
///
/// A draw with a parameter ≤ 0, or one the model's constructor refuses (outside
/// [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]),
/// is outside the parameter space: it is redrawn, never dropped silently, and counted in
/// [`ParameterDraws::rejected`]. Truncating the normal to the space this way shifts the draws
/// only when Σ puts visible mass outside it, which the count shows.
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{BootstrapOptions, ParameterDraws};
/// use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd};
/// let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
/// let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
/// let options = BootstrapOptions { replicates: 50, ..BootstrapOptions::default() };
/// let draws = ParameterDraws::from_fit(&fit, &options)?;
/// assert_eq!(draws.models.len(), 50);
/// // The same seed draws the same models.
/// assert_eq!(ParameterDraws::from_fit(&fit, &options)?, draws);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParameterDraws<M> {
    /// The drawn models, in the order drawn.
    pub models: Vec<M>,
    /// Draws outside the parameter space, rejected and redrawn.
    pub rejected: usize,
}

impl<M: MaximumLikelihood> ParameterDraws<M> {
    /// [`BootstrapOptions::replicates`] models drawn from the fit's asymptotic normal, from
    /// [`BootstrapOptions::seed`].
    ///
    /// # Errors
    ///
    /// - [`ClvError::InvalidArgument`] for invalid options;
    /// - [`ClvError::NoCovariance`] when the fit has no covariance;
    /// - [`ClvError::NumericalFailure`] when the covariance is not positive definite (a matrix
    ///   edited or read back from elsewhere: a fit's own always is);
    /// - [`ClvError::TooManyRejectedDraws`] when more than 10 R + 100 draws fall outside the
    ///   parameter space.
    ///
    /// # Examples
    ///
    /// See [`ParameterDraws`].
    pub fn from_fit<D>(fit: &ModelFit<M, D>, options: &BootstrapOptions) -> Result<Self, ClvError> {
        options.check()?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed);
        Self::draw(fit, "model", options.replicates, &mut rng, |_| true)
    }

    /// `replicates` models from the fit named `name`, each accepted by `accept` as well as by the
    /// constructor, drawn one after the other from `rng`.
    pub(super) fn draw<D>(
        fit: &ModelFit<M, D>, name: &'static str, replicates: usize, rng: &mut Xoshiro256PlusPlus,
        accept: impl Fn(&M) -> bool,
    ) -> Result<Self, ClvError> {
        let mean = fit.model.parameters();
        let factor =
            cholesky(&fit.covariance_or_error(name)?.matrix).ok_or(ClvError::NumericalFailure {
                what: "the fit's covariance is not positive definite (no Cholesky factor)",
            })?;
        let most_rejected = replicates.saturating_mul(10).saturating_add(100);
        let mut models = Vec::with_capacity(replicates);
        let mut rejected = 0;
        let mut epsilon = vec![0.0; mean.len()];
        while models.len() < replicates {
            epsilon
                .iter_mut()
                .for_each(|e| *e = StandardNormal.sample(rng));
            match M::from_parameters(&correlated(&mean, &factor, &epsilon)) {
                Ok(model) if accept(&model) => models.push(model),
                _ if rejected < most_rejected => rejected += 1,
                _ => {
                    return Err(ClvError::TooManyRejectedDraws {
                        replicates,
                        accepted: models.len(),
                        rejected,
                    })
                }
            }
        }
        Ok(Self { models, rejected })
    }
}

/// θ̂ + L ε: a draw from N(θ̂, L Lᵀ).
fn correlated(mean: &[f64], factor: &[Vec<f64>], epsilon: &[f64]) -> Vec<f64> {
    mean.iter()
        .zip(factor)
        .map(|(m, row)| m + row.iter().zip(epsilon).map(|(l, e)| l * e).sum::<f64>())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlated_is_mean_plus_factor_times_epsilon() {
        let factor = [vec![2.0, 0.0], vec![1.0, 3.0]];
        assert_eq!(
            correlated(&[10.0, 20.0], &factor, &[1.0, -1.0]),
            vec![12.0, 18.0]
        );
    }
}
