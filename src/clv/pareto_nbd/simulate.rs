//! A seeded simulator of Pareto/NBD histories.

use rand::Rng;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp, Gamma};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::clv::simulate::{check_age_range, too_many_purchases, PurchaseBudget};
use crate::clv::{ClvError, ParetoNbd, RepeatHistory};

/// Draws one Pareto/NBD history per entry of `ages` (each customer's T), from `model`'s parameters.
///
/// Each customer draws λ ~ Gamma(r, α) and μ ~ Gamma(s, β) (α, β rates), a lifetime τ ~ Exp(μ), and
/// buys as a Poisson process with rate λ on [0, min(τ, T)]; the history is (x, t_x, T) of those
/// purchases. Customers are drawn in order from one Xoshiro256++ stream seeded with `seed`: the same
/// input and seed give bit-identical output. The work is bounded as for every simulator (see
/// [`crate::clv::simulate`]): at most
/// [`PURCHASES_PER_CUSTOMER`](crate::clv::simulate::PURCHASES_PER_CUSTOMER) purchases per customer
/// on average.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when an age is negative, not finite or above
/// [`RepeatHistory::MAX_VALUE`], or naming `ages` when the customers would make more purchases than
/// the budget allows (a purchase rate × age too large to simulate purchase by purchase).
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
    simulate_each(ages, seed, |_| model)
}

/// Draws one Pareto/NBD history per customer from that customer's own model: `models[i]` and
/// `ages[i]` (e.g. the per-customer models of a covariate fit, with αᵢ and βᵢ). Otherwise as
/// [`simulate_pareto_nbd`], which it equals bit for bit when every model is the same.
///
/// # Errors
///
/// [`ClvError::LengthMismatch`] naming `models` when it and `ages` differ in length, and the errors
/// of [`simulate_pareto_nbd`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{simulate_pareto_nbd, simulate_pareto_nbd_customers, ParetoNbd};
/// let model = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
/// let same = simulate_pareto_nbd_customers(&[model; 3], &[39.0; 3], 7)?;
/// assert_eq!(same, simulate_pareto_nbd(&model, &[39.0; 3], 7)?);
/// assert!(simulate_pareto_nbd_customers(&[model; 2], &[39.0; 3], 7).is_err());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn simulate_pareto_nbd_customers(
    models: &[ParetoNbd], ages: &[f64], seed: u64,
) -> Result<Vec<RepeatHistory>, ClvError> {
    crate::clv::check_length("models", ages.len(), models.len())?;
    simulate_each(ages, seed, |i| &models[i])
}

/// The simulator over customers i = 0, 1, … with the model `model_at(i)`, from one stream.
fn simulate_each<'m>(
    ages: &[f64], seed: u64, model_at: impl Fn(usize) -> &'m ParetoNbd,
) -> Result<Vec<RepeatHistory>, ClvError> {
    check_age_range(ages)?;
    let invalid = |name, value| ClvError::InvalidParameter {
        name,
        value,
        constraint: "must be positive and finite",
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut budget = PurchaseBudget::for_customers(ages.len());
    let mut histories = Vec::with_capacity(ages.len());
    for (i, &age) in ages.iter().enumerate() {
        let p = model_at(i).params();
        // Gamma takes (shape, scale); the model's α and β are rates. Building the samplers draws
        // nothing, so one model for all gives the stream of a single pair of samplers.
        let purchase_rates =
            Gamma::new(p.r, 1.0 / p.alpha).map_err(|_| invalid("alpha", p.alpha))?;
        let dropout_rates = Gamma::new(p.s, 1.0 / p.beta).map_err(|_| invalid("beta", p.beta))?;
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
        if !lambda.is_finite() {
            return Err(too_many_purchases(lambda));
        }
        if lambda > 0.0 {
            // λ > 0 and finite: Exp::new cannot fail.
            let gaps = Exp::new(lambda).map_err(|_| invalid("r", p.r))?;
            loop {
                time += gaps.sample(&mut rng);
                if time > end {
                    break;
                }
                budget.spend()?;
                count += 1.0;
                last = time;
            }
        }
        histories.push(RepeatHistory::new(count, last, age)?);
    }
    Ok(histories)
}
