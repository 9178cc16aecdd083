//! Seeded simulators for the purchase models: draw customers from known parameters, as the model
//! describes them, to check that fits recover the parameters and that predictions match outcomes.
//!
//! Every simulator takes an explicit `seed` and draws from one `Xoshiro256PlusPlus` stream in input
//! order, so the same arguments always give bit-identical output.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{simulate, BgNbd};
//! let model = BgNbd::new(0.25, 4.0, 0.8, 2.5)?;
//! let ages = vec![39.0; 500];
//! let a = simulate::bg_nbd(&model, &ages, 39.0, 7)?;
//! let b = simulate::bg_nbd(&model, &ages, 39.0, 7)?;
//! assert_eq!(a, b);
//! assert_eq!(a.histories.len(), 500);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::clv::{
    BgBb, BgNbd, ClvError, ContractOutcome, DiscreteHistory, ModifiedBgNbd, RepeatHistory,
    ShiftedBetaGeometric,
};

/// Pareto/NBD calibration histories drawn from a model (see
/// [`simulate_pareto_nbd`](crate::clv::simulate_pareto_nbd)), under the name the other simulators use.
pub use crate::clv::simulate_pareto_nbd as pareto_nbd;

/// Simulated continuous-time customers: calibration histories and holdout purchase counts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SimulatedHistories {
    /// (x, t_x, T) over each customer's calibration age T.
    pub histories: Vec<RepeatHistory>,
    /// Repeat purchases in the holdout period (T, T + holdout].
    pub holdout_purchases: Vec<f64>,
}

/// Simulated discrete-opportunity customers (BG/BB).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SimulatedDiscreteHistories {
    /// (x, t_x, n) over the calibration opportunities.
    pub histories: Vec<DiscreteHistory>,
    /// Transactions in the holdout opportunities n + 1, …, n + holdout.
    pub holdout_purchases: Vec<u32>,
}

fn bad_argument(name: &'static str, value: f64, constraint: &'static str) -> ClvError {
    ClvError::InvalidArgument {
        name,
        value,
        constraint,
    }
}

fn check_ages(ages: &[f64], holdout_length: f64) -> Result<(), ClvError> {
    if let Some(&bad) = ages.iter().find(|a| !(a.is_finite() && **a >= 0.0)) {
        return Err(bad_argument(
            "age",
            bad,
            "ages must be non-negative and finite",
        ));
    }
    if !(holdout_length.is_finite() && holdout_length >= 0.0) {
        return Err(bad_argument(
            "holdout_length",
            holdout_length,
            "must be non-negative and finite",
        ));
    }
    Ok(())
}

fn gamma_beta(r: f64, alpha: f64, a: f64, b: f64) -> Result<(Gamma<f64>, Beta<f64>), ClvError> {
    // The parameters were checked positive and finite by the model's constructor.
    let gamma = Gamma::new(r, 1.0 / alpha).map_err(|_| ClvError::InvalidParameter {
        name: "r",
        value: r,
        constraint: "must give a valid Gamma distribution",
    })?;
    let beta = Beta::new(a, b).map_err(|_| ClvError::InvalidParameter {
        name: "a",
        value: a,
        constraint: "must give a valid Beta distribution",
    })?;
    Ok((gamma, beta))
}

/// One customer of the BG/NBD family: purchases at rate λ; after each purchase (and, if
/// `drop_at_first`, right after the first one at time 0) drops out with probability p.
fn simulate_nbd_customer(
    rng: &mut Xoshiro256PlusPlus, lambda: f64, p: f64, age: f64, holdout_length: f64,
    drop_at_first: bool,
) -> (RepeatHistory, f64) {
    let (mut x, mut t_x, mut holdout) = (0.0, 0.0, 0.0);
    let alive_at_start = !(drop_at_first && rng.gen::<f64>() < p);
    if alive_at_start && lambda > 0.0 && lambda.is_finite() {
        // λ > 0 and finite, so the exponential is valid.
        let gap = Exp::new(lambda).expect("a positive finite rate");
        let end = age + holdout_length;
        let mut t = 0.0;
        loop {
            t += gap.sample(rng);
            if t > end {
                break;
            }
            if t <= age {
                x += 1.0;
                t_x = t;
            } else {
                holdout += 1.0;
            }
            if rng.gen::<f64>() < p {
                break;
            }
        }
    }
    // 0 ≤ t_x ≤ T by construction, t_x = 0 when x = 0, all finite (`check_ages` rejected any
    // negative or non-finite age before the draws).
    let history = RepeatHistory::new(x, t_x, age).expect("simulated histories are consistent");
    (history, holdout)
}

fn simulate_family(
    params: (f64, f64, f64, f64), ages: &[f64], holdout_length: f64, seed: u64, drop_at_first: bool,
) -> Result<SimulatedHistories, ClvError> {
    check_ages(ages, holdout_length)?;
    let (r, alpha, a, b) = params;
    let (rates, dropouts) = gamma_beta(r, alpha, a, b)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut histories = Vec::with_capacity(ages.len());
    let mut holdout_purchases = Vec::with_capacity(ages.len());
    for &age in ages {
        let lambda = rates.sample(&mut rng);
        let p = dropouts.sample(&mut rng);
        let (h, hold) =
            simulate_nbd_customer(&mut rng, lambda, p, age, holdout_length, drop_at_first);
        histories.push(h);
        holdout_purchases.push(hold);
    }
    Ok(SimulatedHistories {
        histories,
        holdout_purchases,
    })
}

/// Customers of ages `ages` (T, one per customer) drawn from a BG/NBD model (FHL 2005, section 2),
/// each followed for a further `holdout_length`.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when an age or the holdout length is negative or not finite.
///
/// # Examples
///
/// See the [module documentation](self).
pub fn bg_nbd(
    model: &BgNbd, ages: &[f64], holdout_length: f64, seed: u64,
) -> Result<SimulatedHistories, ClvError> {
    let p = model.params();
    simulate_family((p.r, p.alpha, p.a, p.b), ages, holdout_length, seed, false)
}

/// Customers drawn from a modified BG/NBD model (Batislam et al. 2007): as [`bg_nbd`], with a
/// drop-out chance right after the first purchase too.
///
/// # Errors
///
/// As [`bg_nbd`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{simulate, ModifiedBgNbd};
/// let model = ModifiedBgNbd::new(0.5, 6.0, 0.9, 1.6)?;
/// let s = simulate::modified_bg_nbd(&model, &[39.0; 100], 0.0, 1)?;
/// assert!(s.holdout_purchases.iter().all(|h| *h == 0.0));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn modified_bg_nbd(
    model: &ModifiedBgNbd, ages: &[f64], holdout_length: f64, seed: u64,
) -> Result<SimulatedHistories, ClvError> {
    let p = model.params();
    simulate_family((p.r, p.alpha, p.a, p.b), ages, holdout_length, seed, true)
}

/// `customers` customers drawn from a BG/BB model (FHS 2010, section 2) over `periods` calibration
/// opportunities and `holdout_periods` more: before each opportunity a live customer dies with
/// probability θ, else transacts with probability p.
///
/// # Errors
///
/// [`ClvError::InvalidParameter`] if the Beta distributions cannot be built (not expected for a
/// checked model).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{simulate, BgBb};
/// let model = BgBb::new(1.2, 0.75, 0.66, 2.78)?;
/// let s = simulate::bg_bb(&model, 1000, 6, 5, 3)?;
/// assert!(s.histories.iter().all(|h| h.periods() == 6));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn bg_bb(
    model: &BgBb, customers: usize, periods: u32, holdout_periods: u32, seed: u64,
) -> Result<SimulatedDiscreteHistories, ClvError> {
    let p = model.params();
    let (_, transact) = gamma_beta(1.0, 1.0, p.alpha, p.beta)?;
    let (_, die) = gamma_beta(1.0, 1.0, p.gamma, p.delta)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut histories = Vec::with_capacity(customers);
    let mut holdout_purchases = Vec::with_capacity(customers);
    for _ in 0..customers {
        let p_buy = transact.sample(&mut rng);
        let theta = die.sample(&mut rng);
        let (mut x, mut t_x, mut holdout) = (0u32, 0u32, 0u32);
        for t in 1..=(periods + holdout_periods) {
            if rng.gen::<f64>() < theta {
                break;
            }
            if rng.gen::<f64>() < p_buy {
                if t <= periods {
                    x += 1;
                    t_x = t;
                } else {
                    holdout += 1;
                }
            }
        }
        // x ≤ t_x ≤ n and x = 0 ⇔ t_x = 0 by construction.
        histories.push(
            DiscreteHistory::new(x, t_x, periods).expect("simulated histories are consistent"),
        );
        holdout_purchases.push(holdout);
    }
    Ok(SimulatedDiscreteHistories {
        histories,
        holdout_purchases,
    })
}

/// A cohort of `cohort_size` subscribers drawn from a shifted-beta-geometric model (Fader &
/// Hardie 2007), observed for `periods` periods: each churns in period T ~ Geometric(θ),
/// θ ~ Beta(α, β), or is still active.
///
/// # Errors
///
/// [`ClvError::InvalidParameter`] if the Beta distribution cannot be built.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{simulate, ContractOutcome, ShiftedBetaGeometric};
/// let model = ShiftedBetaGeometric::new(0.7, 1.2)?;
/// let cohort = simulate::shifted_beta_geometric(&model, 1000, 7, 11)?;
/// let churned_first = cohort.iter().filter(|o| **o == ContractOutcome::Churned { period: 1 }).count();
/// // P(T = 1) = α/(α + β) ≈ 0.37.
/// assert!((churned_first as f64 / 1000.0 - 0.368).abs() < 0.05);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn shifted_beta_geometric(
    model: &ShiftedBetaGeometric, cohort_size: usize, periods: u32, seed: u64,
) -> Result<Vec<ContractOutcome>, ClvError> {
    let p = model.params();
    let (_, churn) = gamma_beta(1.0, 1.0, p.alpha, p.beta)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = Vec::with_capacity(cohort_size);
    for _ in 0..cohort_size {
        let theta = churn.sample(&mut rng);
        let mut outcome = ContractOutcome::Active { periods };
        for t in 1..=periods {
            if rng.gen::<f64>() < theta {
                outcome = ContractOutcome::Churned { period: t };
                break;
            }
        }
        out.push(outcome);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::PurchaseModel;

    /// The simulated mean holdout purchases of customers aged 0 estimate E[X(t)]; for MBG/NBD this
    /// checks the derived b/(a−1)[1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))] independently.
    #[test]
    fn simulated_means_match_expected_purchases() {
        let ages = vec![0.0; 200_000];
        let bg = BgNbd::new(0.5, 6.0, 0.9, 1.6).unwrap();
        let mbg = ModifiedBgNbd::new(0.5, 6.0, 0.9, 1.6).unwrap();
        for (sim, expected) in [
            (
                bg_nbd(&bg, &ages, 30.0, 5).unwrap(),
                bg.expected_purchases(30.0).unwrap(),
            ),
            (
                modified_bg_nbd(&mbg, &ages, 30.0, 5).unwrap(),
                mbg.expected_purchases(30.0).unwrap(),
            ),
        ] {
            let n = sim.holdout_purchases.len() as f64;
            let mean = sim.holdout_purchases.iter().sum::<f64>() / n;
            let var = sim
                .holdout_purchases
                .iter()
                .map(|h| (h - mean).powi(2))
                .sum::<f64>()
                / n;
            // Within 4 standard errors of the mean.
            assert!(
                (mean - expected).abs() < 4.0 * (var / n).sqrt(),
                "{mean} vs {expected}"
            );
        }
    }

    #[test]
    fn bad_ages_are_rejected() {
        let bg = BgNbd::new(0.5, 6.0, 0.9, 1.6).unwrap();
        assert!(matches!(
            bg_nbd(&bg, &[f64::NAN], 1.0, 1),
            Err(ClvError::InvalidArgument { .. })
        ));
        assert!(matches!(
            bg_nbd(&bg, &[1.0], -1.0, 1),
            Err(ClvError::InvalidArgument { .. })
        ));
    }
}
