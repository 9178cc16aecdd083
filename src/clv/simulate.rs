//! Seeded simulators for the purchase models: draw customers from known parameters, as the model
//! describes them, to check that fits recover the parameters and that predictions match outcomes.
//!
//! Every simulator takes an explicit `seed` and draws from one `Xoshiro256PlusPlus` stream in input
//! order, so the same arguments always give bit-identical output.
//!
//! # Bounded work
//!
//! The continuous-time simulators draw purchase by purchase, so their work is the number of
//! purchases: at most [`PURCHASES_PER_CUSTOMER`] per customer on average (plus 10⁶ for small
//! samples), beyond which they stop with [`ClvError::InvalidArgument`] naming `ages` (the model's
//! purchase rates × the ages are then too large to simulate one by one; a purchase costs about
//! 20 ns, so the worst case is about 20 µs per customer). Ages are at most
//! [`RepeatHistory::MAX_VALUE`]. The discrete simulators (BG/BB, shifted-beta-geometric) draw each
//! customer's lifetime and counts directly (geometric and binomial draws), so their work does not
//! depend on the number of opportunities; they simulate at most [`MAX_SIMULATED_CUSTOMERS`].
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
use rand_distr::{Beta, Binomial, Distribution, Exp, Gamma};
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

/// The purchases a continuous-time simulation may draw per customer on average (on top of 10⁶ for
/// any call): 1,000, far above any observed buyer (CDNOW's heaviest made 29 repeat purchases in
/// 39 weeks).
pub const PURCHASES_PER_CUSTOMER: u64 = 1_000;

/// The purchases any continuous-time simulation may draw, however few its customers: 10⁶.
const MIN_PURCHASE_BUDGET: u64 = 1_000_000;

/// The most customers the discrete simulators draw in one call: 10⁷ (160 MB of BG/BB output).
pub const MAX_SIMULATED_CUSTOMERS: usize = 10_000_000;

/// The purchases a simulation may still draw.
pub(crate) struct PurchaseBudget {
    left: u64,
}

impl PurchaseBudget {
    /// [`PURCHASES_PER_CUSTOMER`] per customer, and at least [`MIN_PURCHASE_BUDGET`].
    pub(crate) fn for_customers(customers: usize) -> Self {
        let per_customer = (customers as u64).saturating_mul(PURCHASES_PER_CUSTOMER);
        Self {
            left: per_customer.saturating_add(MIN_PURCHASE_BUDGET),
        }
    }

    /// Takes one purchase from the budget.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `ages` when the budget is spent.
    pub(crate) fn spend(&mut self) -> Result<(), ClvError> {
        match self.left.checked_sub(1) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(too_many_purchases(f64::INFINITY)),
        }
    }
}

/// The error of a simulation whose purchase rate (`rate`) or purchase count is too large.
pub(crate) fn too_many_purchases(rate: f64) -> ClvError {
    bad_argument(
        "ages",
        rate,
        "the simulated customers would make more than 1,000 purchases each on average (the value is the purchase rate that overflowed, or infinity): the model's purchase rates × ages are too large to simulate purchase by purchase",
    )
}

/// Checks that the discrete simulators are asked for at most [`MAX_SIMULATED_CUSTOMERS`].
fn check_customers(name: &'static str, customers: usize) -> Result<(), ClvError> {
    if customers <= MAX_SIMULATED_CUSTOMERS {
        Ok(())
    } else {
        Err(bad_argument(
            name,
            customers as f64,
            "must be at most 10,000,000 (simulate::MAX_SIMULATED_CUSTOMERS)",
        ))
    }
}

/// The number of failures before the first success of independent trials that succeed with
/// probability `q`, drawn by inversion: ⌊ln U / ln(1 − q)⌋ with U uniform on (0, 1]; infinite when
/// q = 0. One uniform draw whatever q.
fn failures_before_success(rng: &mut Xoshiro256PlusPlus, q: f64) -> f64 {
    let uniform = 1.0 - rng.gen::<f64>();
    if q <= 0.0 {
        return f64::INFINITY;
    }
    (uniform.ln() / (-q).ln_1p()).floor().max(0.0)
}

/// A Binomial(`trials`, `q`) draw.
fn binomial(rng: &mut Xoshiro256PlusPlus, trials: u64, q: f64) -> u64 {
    // q is a Beta draw, so in [0, 1]: the distribution is valid.
    Binomial::new(trials, q.clamp(0.0, 1.0)).map_or(0, |b| b.sample(rng))
}

fn bad_argument(name: &'static str, value: f64, constraint: &'static str) -> ClvError {
    ClvError::InvalidArgument {
        name,
        value,
        constraint,
    }
}

/// Checks that every age is in [0, [`RepeatHistory::MAX_VALUE`]].
pub(crate) fn check_age_range(ages: &[f64]) -> Result<(), ClvError> {
    match ages
        .iter()
        .find(|a| !(0.0..=RepeatHistory::MAX_VALUE).contains(*a))
    {
        Some(&bad) => Err(bad_argument(
            "age",
            bad,
            "ages must be non-negative, finite and at most 1e12 (RepeatHistory::MAX_VALUE)",
        )),
        None => Ok(()),
    }
}

fn check_ages(ages: &[f64], holdout_length: f64) -> Result<(), ClvError> {
    check_age_range(ages)?;
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
/// `drop_at_first`, right after the first one at time 0) drops out with probability p. Each
/// purchase drawn is taken from `budget`.
fn simulate_nbd_customer(
    rng: &mut Xoshiro256PlusPlus, lambda: f64, p: f64, age: f64, holdout_length: f64,
    drop_at_first: bool, budget: &mut PurchaseBudget,
) -> Result<(RepeatHistory, f64), ClvError> {
    let (mut x, mut t_x, mut holdout) = (0.0, 0.0, 0.0);
    let alive_at_start = !(drop_at_first && rng.gen::<f64>() < p);
    if !lambda.is_finite() {
        return Err(too_many_purchases(lambda));
    }
    if alive_at_start && lambda > 0.0 {
        // λ > 0 and finite, so the exponential is valid.
        let gap = Exp::new(lambda).map_err(|_| too_many_purchases(lambda))?;
        let end = age + holdout_length;
        let mut t = 0.0;
        loop {
            t += gap.sample(rng);
            if t > end {
                break;
            }
            budget.spend()?;
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
    // 0 ≤ t_x ≤ T ≤ MAX_VALUE and x ≤ the budget (below 10¹²) by construction.
    Ok((RepeatHistory::new(x, t_x, age)?, holdout))
}

/// Customers i = 0, 1, … of the BG/NBD family with the parameters `params_at(i)`, from one
/// stream (building the samplers draws nothing, so one set of parameters for all gives the stream
/// of a single pair of samplers).
fn simulate_family(
    params_at: impl Fn(usize) -> (f64, f64, f64, f64), ages: &[f64], holdout_length: f64,
    seed: u64, drop_at_first: bool,
) -> Result<SimulatedHistories, ClvError> {
    check_ages(ages, holdout_length)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut budget = PurchaseBudget::for_customers(ages.len());
    let mut histories = Vec::with_capacity(ages.len());
    let mut holdout_purchases = Vec::with_capacity(ages.len());
    for (i, &age) in ages.iter().enumerate() {
        let (r, alpha, a, b) = params_at(i);
        let (rates, dropouts) = gamma_beta(r, alpha, a, b)?;
        let lambda = rates.sample(&mut rng);
        let p = dropouts.sample(&mut rng);
        let (h, hold) = simulate_nbd_customer(
            &mut rng,
            lambda,
            p,
            age,
            holdout_length,
            drop_at_first,
            &mut budget,
        )?;
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
/// [`ClvError::InvalidArgument`] when an age or the holdout length is negative or not finite, an
/// age exceeds [`RepeatHistory::MAX_VALUE`], or the customers would make more than
/// [`PURCHASES_PER_CUSTOMER`] purchases each on average (see the [module documentation](self)).
///
/// # Examples
///
/// See the [module documentation](self).
pub fn bg_nbd(
    model: &BgNbd, ages: &[f64], holdout_length: f64, seed: u64,
) -> Result<SimulatedHistories, ClvError> {
    let p = model.params();
    simulate_family(
        |_| (p.r, p.alpha, p.a, p.b),
        ages,
        holdout_length,
        seed,
        false,
    )
}

/// Customers drawn each from their own BG/NBD model, `models[i]` with age `ages[i]` (e.g. the
/// per-customer models of a covariate fit, with αᵢ, aᵢ and bᵢ); otherwise as [`bg_nbd`], which it
/// equals bit for bit when every model is the same.
///
/// # Errors
///
/// [`ClvError::LengthMismatch`] naming `models` when it and `ages` differ in length, and the
/// errors of [`bg_nbd`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{simulate, BgNbd};
/// let model = BgNbd::new(0.24, 4.41, 0.79, 2.43)?;
/// let each = simulate::bg_nbd_customers(&[model; 4], &[39.0; 4], 0.0, 5)?;
/// assert_eq!(each, simulate::bg_nbd(&model, &[39.0; 4], 0.0, 5)?);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn bg_nbd_customers(
    models: &[BgNbd], ages: &[f64], holdout_length: f64, seed: u64,
) -> Result<SimulatedHistories, ClvError> {
    crate::clv::check_length("models", ages.len(), models.len())?;
    let params_at = |i: usize| {
        let p = models[i].params();
        (p.r, p.alpha, p.a, p.b)
    };
    simulate_family(params_at, ages, holdout_length, seed, false)
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
    simulate_family(
        |_| (p.r, p.alpha, p.a, p.b),
        ages,
        holdout_length,
        seed,
        true,
    )
}

/// `customers` customers drawn from a BG/BB model (FHS 2010, section 2) over `periods` calibration
/// opportunities and `holdout_periods` more: before each opportunity a live customer dies with
/// probability θ, else transacts with probability p.
///
/// Each customer is drawn in O(1) whatever the number of opportunities: the opportunities it lives
/// through are the failures before the first death (a geometric draw), its last calibration
/// transaction the first success counting back from the last of those (another), the calibration
/// transactions before it and the holdout transactions binomial draws.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] naming `customers` above [`MAX_SIMULATED_CUSTOMERS`], or
/// `periods` above [`DiscreteHistory::MAX_PERIODS`] (the histories could not be built);
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
/// // Any number of holdout opportunities takes the same time.
/// assert_eq!(simulate::bg_bb(&model, 10, 6, u32::MAX, 3)?.holdout_purchases.len(), 10);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn bg_bb(
    model: &BgBb, customers: usize, periods: u32, holdout_periods: u32, seed: u64,
) -> Result<SimulatedDiscreteHistories, ClvError> {
    check_customers("customers", customers)?;
    if periods > DiscreteHistory::MAX_PERIODS {
        return Err(bad_argument(
            "periods",
            f64::from(periods),
            "must be at most 10,000 (DiscreteHistory::MAX_PERIODS)",
        ));
    }
    let p = model.params();
    let (_, transact) = gamma_beta(1.0, 1.0, p.alpha, p.beta)?;
    let (_, die) = gamma_beta(1.0, 1.0, p.gamma, p.delta)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut histories = Vec::with_capacity(customers);
    let mut holdout_purchases = Vec::with_capacity(customers);
    let last = u64::from(periods) + u64::from(holdout_periods);
    for _ in 0..customers {
        let p_buy = transact.sample(&mut rng);
        let theta = die.sample(&mut rng);
        // Opportunities lived through, in calibration and in all.
        let lived = failures_before_success(&mut rng, theta);
        let lived_calibration = lived.min(f64::from(periods)) as u64;
        let lived_total = lived.min(last as f64) as u64;
        let back = failures_before_success(&mut rng, p_buy);
        let (x, t_x) = if back >= lived_calibration as f64 {
            (0, 0)
        } else {
            let t_x = lived_calibration - back as u64;
            (1 + binomial(&mut rng, t_x - 1, p_buy), t_x)
        };
        let holdout = binomial(&mut rng, lived_total - lived_calibration, p_buy);
        // x ≤ t_x ≤ n ≤ MAX_PERIODS and x = 0 ⇔ t_x = 0 by construction; the holdout count is at
        // most holdout_periods, a u32.
        histories.push(DiscreteHistory::new(x as u32, t_x as u32, periods)?);
        holdout_purchases.push(holdout as u32);
    }
    Ok(SimulatedDiscreteHistories {
        histories,
        holdout_purchases,
    })
}

/// A cohort of `cohort_size` subscribers drawn from a shifted-beta-geometric model (Fader &
/// Hardie 2007), observed for `periods` periods: each churns in period T ~ Geometric(θ),
/// θ ~ Beta(α, β), or is still active. T is drawn by inversion, in O(1) whatever `periods`.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] naming `cohort_size` above [`MAX_SIMULATED_CUSTOMERS`];
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
    check_customers("cohort_size", cohort_size)?;
    let p = model.params();
    let (_, churn) = gamma_beta(1.0, 1.0, p.alpha, p.beta)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = Vec::with_capacity(cohort_size);
    for _ in 0..cohort_size {
        let theta = churn.sample(&mut rng);
        // Renewals before the churn: T = renewals + 1.
        let renewals = failures_before_success(&mut rng, theta);
        out.push(if renewals < f64::from(periods) {
            ContractOutcome::Churned {
                period: renewals as u32 + 1,
            }
        } else {
            ContractOutcome::Active { periods }
        });
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
