//! A seeded simulator of Pareto/NBD histories.

use rand::Rng;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp, Gamma};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::clv::{ClvError, ParetoNbd, RepeatHistory};

/// Draws one Pareto/NBD history per entry of `ages` (each customer's T), from `model`'s parameters.
///
/// Each customer draws λ ~ Gamma(r, α) and μ ~ Gamma(s, β) (α, β rates), a lifetime τ ~ Exp(μ), and
/// buys as a Poisson process with rate λ on [0, min(τ, T)]; the history is (x, t_x, T) of those
/// purchases. Customers are drawn in order from one Xoshiro256++ stream seeded with `seed`: the same
/// input and seed give bit-identical output.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when an age is negative or not finite.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{simulate_pareto_nbd, ParetoNbd};
/// let model = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
/// let histories = simulate_pareto_nbd(&model, &[39.0; 5], 42)?;
/// assert_eq!(histories.len(), 5);
/// assert_eq!(histories, simulate_pareto_nbd(&model, &[39.0; 5], 42)?);
/// assert!(histories.iter().all(|h| h.recency() <= 39.0));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn simulate_pareto_nbd(
    model: &ParetoNbd, ages: &[f64], seed: u64,
) -> Result<Vec<RepeatHistory>, ClvError> {
    if let Some(&age) = ages.iter().find(|a| !(a.is_finite() && **a >= 0.0)) {
        return Err(ClvError::InvalidArgument {
            name: "age",
            value: age,
            constraint: "must be non-negative and finite",
        });
    }
    let p = model.params();
    let invalid = |name, value| ClvError::InvalidParameter {
        name,
        value,
        constraint: "must be positive and finite",
    };
    // Gamma takes (shape, scale); the model's α and β are rates.
    let purchase_rates = Gamma::new(p.r, 1.0 / p.alpha).map_err(|_| invalid("alpha", p.alpha))?;
    let dropout_rates = Gamma::new(p.s, 1.0 / p.beta).map_err(|_| invalid("beta", p.beta))?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut histories = Vec::with_capacity(ages.len());
    for &age in ages {
        let lambda: f64 = purchase_rates.sample(&mut rng);
        let mu: f64 = dropout_rates.sample(&mut rng);
        // Exp(μ) by inversion, so that a rate that underflows to 0 means "never dies".
        let uniform: f64 = rng.gen();
        let lifetime = if mu > 0.0 {
            -(-uniform).ln_1p() / mu
        } else {
            f64::INFINITY
        };
        let end = lifetime.min(age);
        let (mut count, mut time, mut last) = (0.0_f64, 0.0_f64, 0.0_f64);
        if lambda > 0.0 {
            // λ > 0 and finite: Exp::new cannot fail.
            let gaps = Exp::new(lambda).map_err(|_| invalid("r", p.r))?;
            loop {
                time += gaps.sample(&mut rng);
                if time > end {
                    break;
                }
                count += 1.0;
                last = time;
            }
        }
        histories.push(RepeatHistory::new(count, last, age)?);
    }
    Ok(histories)
}
