//! The conditional distribution of future purchases: P(Y(t) = n | history), the probability that
//! a customer with a given history makes exactly n purchases in the next period, for every
//! purchase model ([`PurchaseCountDistribution`]).
//!
//! # One formula for every model
//!
//! Each model's customer is either dead at the end of the observation (then Y = 0) or alive, and
//! a customer known to be alive is a new customer of the same model whose parameters are updated
//! by the history (their posterior given x purchases in T while alive). So
//!
//! P(Y(t) = n | history) = (1 − P(alive)) · [n = 0] + P(alive) · P_posterior(X(t) = n),
//!
//! with the unconditional P(X(t) = n) of each model at the posterior parameters:
//!
//! - BG/NBD (Fader, Hardie & Lee 2005, equation 8): λ ~ Gamma(r + x, α + T), p ~ Beta(a, b + x);
//!   the drop-out coin is tossed after each future purchase, as for a new customer.
//! - MBG/NBD (Batislam, Denizel & Filiztekin 2007): p ~ Beta(a, b + x + 1) (the toss at the first
//!   purchase survived too), and the future is BG/NBD's: no toss at time T.
//! - Pareto/NBD (Fader, Hardie & Lee 2006, "Deriving an expression for P(X(t) = x) under the
//!   Pareto/NBD model"): λ ~ Gamma(r + x, α + T), μ ~ Gamma(s, β + T); the lifetime beyond T is
//!   exponential again (memoryless). This is Fader & Hardie's note 028 equation 16, evaluated by
//!   quadrature over the time of death instead of its 2F1 terms.
//! - NBD: negative binomial with shape r + x and rate α + T (P(alive) = 1).
//! - BG/BB (Fader, Hardie & Shang 2010): p ~ Beta(α + x, β + n − x), θ ~ Beta(γ, δ + n), and
//!   P(alive at n) is the first term of the likelihood (equation 5) over the likelihood; the
//!   future is equation 7 over n* opportunities: P(X(n, n + n*) = x* | x, t_x, n).
//!
//! Its mean is the model's conditional expectation (FHL 2005 equation 10, FHS 2010 equation 13,
//! …), which the tests check to 10⁻⁸.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{BgNbd, PurchaseCountDistribution, RepeatHistory};
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let customer = RepeatHistory::new(2.0, 30.43, 38.86)?;
//! let none = model.probability_of_purchases_given(&customer, 0, 39.0)?;
//! let all = model.purchase_distribution_given(&customer, 39.0, 1e-10)?;
//! assert_eq!(all.probabilities[0], none);
//! // E[Y(39) | x, t_x, T] of FHL (2005), section 5: 1.226.
//! assert!((all.mean() - 1.226028).abs() < 1e-5);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

mod bg_bb;
mod bg_nbd;
mod nbd;
mod pareto_nbd;

use crate::clv::ClvError;

/// The distribution of a customer's purchases in a future period, from 0 up to the count where
/// the probability left is at most the tail mass asked for.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{Nbd, PurchaseCountDistribution, RepeatHistory};
/// let model = Nbd::new(1.0, 1.0)?;
/// // r + x = 1: geometric with P(Y = n) = ½^(n+1) for α + T = t = 1.
/// let d = model.purchase_distribution_given(&RepeatHistory::new(0.0, 0.0, 0.0)?, 1.0, 1e-3)?;
/// assert_eq!(d.probabilities.len(), 10); // 1 − Σ_{n<10} ½^(n+1) = 2⁻¹⁰ ≤ 10⁻³
/// assert!((d.tail_mass - 2f64.powi(-10)).abs() < 1e-15);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PurchaseDistribution {
    /// P(Y = n) for n = 0, 1, …, in order.
    pub probabilities: Vec<f64>,
    /// P(Y ≥ probabilities.len()): 1 less the sum of the probabilities (never below 0). At most
    /// the tail mass asked for, except where rounding keeps the sum of 10⁵ or more counts below
    /// 1 − tail mass (see [`PurchaseCountDistribution::purchase_distribution_given`]).
    pub tail_mass: f64,
}

impl PurchaseDistribution {
    /// Σ n P(Y = n) over the counts held: the mean, less the tail's share of it.
    ///
    /// # Examples
    ///
    /// See [`PurchaseDistribution`] and the [module](self).
    pub fn mean(&self) -> f64 {
        self.probabilities
            .iter()
            .enumerate()
            .map(|(n, p)| n as f64 * p)
            .sum()
    }
}

/// The conditional distribution of future purchases of a model (see the [module](self)).
///
/// Implemented for [`BgNbd`](crate::clv::BgNbd), [`ModifiedBgNbd`](crate::clv::ModifiedBgNbd),
/// [`ParetoNbd`](crate::clv::ParetoNbd) and [`Nbd`](crate::clv::Nbd) with a
/// [`RepeatHistory`](crate::clv::RepeatHistory) and a time t, and for
/// [`BgBb`](crate::clv::BgBb) with a [`DiscreteHistory`](crate::clv::DiscreteHistory) and a number
/// of opportunities n*.
pub trait PurchaseCountDistribution {
    /// What the model conditions on: the customer's history.
    type History;
    /// The length of the future period: a time in the model's unit (`f64`) for the
    /// continuous-time models, a number of opportunities (`u32`) for BG/BB.
    type Horizon: Copy;

    /// P(Y = n | history): the probability that a customer with `history` makes exactly `n`
    /// purchases in the next `horizon`.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] for a horizon that is negative or not finite (BG/BB: more
    /// than [`DiscreteHistory::MAX_PERIODS`](crate::clv::DiscreteHistory::MAX_PERIODS)
    /// opportunities); [`ClvError::InvalidHistory`] for a history outside the model (BG/NBD: a
    /// fractional x in (0, 1) with b ≤ 1 − x); [`ClvError::NumericalFailure`] when P(alive) or a
    /// series does not converge.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, PurchaseCountDistribution, RepeatHistory};
    /// let model = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
    /// let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
    /// // lifetimes 0.11.3, ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time.
    /// let p = model.probability_of_purchases_given(&h, 1, 39.0)?;
    /// assert!((p - 0.21926805076420003).abs() < 1e-9);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn probability_of_purchases_given(
        &self, history: &Self::History, n: u32, horizon: Self::Horizon,
    ) -> Result<f64, ClvError>;

    /// P(Y = n | history) for n = 0, 1, … until at most `tail_mass` of the probability is left
    /// (BG/BB: at most until n = n*, where it ends), or, should rounding keep the sum from
    /// getting that close to 1 (heavy buyers, 10⁵ counts and more: their sum misses 1 by about
    /// 10⁻¹¹), until past the mode n P(Y = n) is below a thousandth of `tail_mass`.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `tail_mass` unless it is in
    /// [[`MIN_TAIL_MASS`], 1) (below it the rounding of the sum could keep the tail above it), or
    /// when more than [`MAX_COUNTS`] counts would be needed; otherwise the errors of
    /// [`PurchaseCountDistribution::probability_of_purchases_given`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory, PurchaseCountDistribution};
    /// let model = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
    /// let h = DiscreteHistory::new(4, 5, 6)?;
    /// let d = model.purchase_distribution_given(&h, 10, 1e-12)?;
    /// assert!(d.probabilities.len() <= 11);
    /// // FHS (2010) equation 13 for this donor: 3.627968 donations in the next 10 years.
    /// assert!((d.mean() - 3.627968).abs() < 1e-5);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn purchase_distribution_given(
        &self, history: &Self::History, horizon: Self::Horizon, tail_mass: f64,
    ) -> Result<PurchaseDistribution, ClvError>;

    /// P(Y = n | history) for n = 0, 1, …, `last`, in order: what
    /// [`PurchaseCountDistribution::probability_of_purchases_given`] gives for each, with
    /// P(alive) and the terms shared by the counts computed once (Pareto/NBD: one pass of its
    /// recurrence). Counts a model cannot reach (BG/BB past n*) have probability 0.
    ///
    /// # Errors
    ///
    /// Those of [`PurchaseCountDistribution::probability_of_purchases_given`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, PurchaseCountDistribution, RepeatHistory};
    /// let model = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
    /// let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
    /// let first = model.probabilities_of_purchases_given(&h, 2, 39.0)?;
    /// // lifetimes 0.11.3, ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time
    /// // at n = 0, 1, 2.
    /// let lifetimes = [0.40808328846903336, 0.21926805076420003, 0.151748279196742];
    /// for (got, want) in first.iter().zip(lifetimes) {
    ///     assert!((got - want).abs() < 1e-9);
    /// }
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn probabilities_of_purchases_given(
        &self, history: &Self::History, last: u32, horizon: Self::Horizon,
    ) -> Result<Vec<f64>, ClvError>;
}

/// The smallest tail mass [`PurchaseCountDistribution::purchase_distribution_given`] accepts:
/// each probability carries a relative rounding of about 10⁻¹⁴, so the sum of a few thousand of
/// them can miss 1 by about 10⁻¹³.
pub const MIN_TAIL_MASS: f64 = 1e-12;

/// The most counts [`PurchaseCountDistribution::purchase_distribution_given`] returns (8 MB of
/// probabilities); a customer expected to buy more than about that many times in the horizon
/// is asked one count at a time.
pub const MAX_COUNTS: usize = 1_000_000;

/// The per-model part of [`PurchaseCountDistribution`], public only inside the crate's private
/// module so that the blanket implementation may use it and no caller can implement it.
mod sealed {
    use crate::clv::ClvError;

    /// What each model supplies for the formula of the [module](self): P(alive) and the posterior
    /// parameters of a customer alive, and the unconditional P(X = n) at those parameters.
    pub trait AliveMixture {
        /// The customer's history.
        type History;
        /// The length of the future period.
        type Horizon: Copy + 'static;
        /// The posterior parameters of a customer alive at the end of the history.
        type Posterior;

        /// P(alive) and the posterior, after checking the horizon.
        fn alive_and_posterior(
            &self, history: &Self::History, horizon: Self::Horizon,
        ) -> Result<(f64, Self::Posterior), ClvError>;

        /// P(Y = n | history): by default P(alive) and the posterior afresh and then
        /// [`AliveMixture::probability_if_alive`]; a model whose terms shared by the counts cost
        /// more than a count (Pareto/NBD) keeps them for the next count of the same customer.
        fn probability_given(
            &self, history: &Self::History, n: u32, horizon: Self::Horizon,
        ) -> Result<f64, ClvError> {
            let (alive, posterior) = self.alive_and_posterior(history, horizon)?;
            Ok(super::mix(
                alive,
                n,
                Self::probability_if_alive(&posterior, n, horizon)?,
            ))
        }

        /// P(X = n) in `horizon` of a new customer with the `posterior` parameters.
        fn probability_if_alive(
            posterior: &Self::Posterior, n: u32, horizon: Self::Horizon,
        ) -> Result<f64, ClvError>;

        /// P(X = n) at the `posterior` parameters for n = 0, 1, … in turn: by default each from
        /// [`AliveMixture::probability_if_alive`]; a model whose terms do not depend on n
        /// computes them once.
        fn counts_if_alive<'a>(
            posterior: &'a Self::Posterior, horizon: Self::Horizon,
        ) -> Box<dyn FnMut(u32) -> Result<f64, ClvError> + 'a> {
            Box::new(move |n| Self::probability_if_alive(posterior, n, horizon))
        }

        /// The largest count the model allows in `horizon`, if it has one (BG/BB: n*).
        fn last_count(_horizon: Self::Horizon) -> Option<u32> {
            None
        }
    }
}
pub(crate) use sealed::AliveMixture;

/// (1 − P(alive)) · [n = 0] + P(alive) · P(n | alive): the mixture of the dead, who buy nothing,
/// and the alive.
fn mix(alive: f64, n: u32, if_alive: f64) -> f64 {
    let dead = if n == 0 { 1.0 - alive } else { 0.0 };
    (dead + alive * if_alive).clamp(0.0, 1.0)
}

impl<M: AliveMixture> PurchaseCountDistribution for M {
    type History = M::History;
    type Horizon = M::Horizon;

    fn probability_of_purchases_given(
        &self, history: &M::History, n: u32, horizon: M::Horizon,
    ) -> Result<f64, ClvError> {
        self.probability_given(history, n, horizon)
    }

    fn purchase_distribution_given(
        &self, history: &M::History, horizon: M::Horizon, tail_mass: f64,
    ) -> Result<PurchaseDistribution, ClvError> {
        let (alive, posterior) = self.alive_and_posterior(history, horizon)?;
        let mut if_alive = M::counts_if_alive(&posterior, horizon);
        collect_distribution(tail_mass, M::last_count(horizon), |n| {
            Ok(mix(alive, n, if_alive(n)?))
        })
    }

    fn probabilities_of_purchases_given(
        &self, history: &M::History, last: u32, horizon: M::Horizon,
    ) -> Result<Vec<f64>, ClvError> {
        let (alive, posterior) = self.alive_and_posterior(history, horizon)?;
        let end = M::last_count(horizon).map_or(last, |most| most.min(last));
        let mut if_alive = M::counts_if_alive(&posterior, horizon);
        (0..=last)
            .map(|n| {
                if n <= end {
                    Ok(mix(alive, n, if_alive(n)?))
                } else {
                    Ok(0.0)
                }
            })
            .collect()
    }
}

/// Collects `probability(n)` for n = 0, 1, … until 1 less their sum is at most `tail_mass`, or
/// past `last` (the largest count the model allows, if any).
///
/// Rounding can keep the sum from getting that close to 1 when the counts run high: the NBD of a
/// customer with x = 10⁵ sums to 1 − 7.8 · 10⁻¹² over its 40,000 counts (each probability's
/// logarithm, of order 10⁵, rounds at 10⁻¹¹). So the collection also stops where the terms have
/// become negligible: falling (past the mode) with n P(n) below a thousandth of the tail mass.
fn collect_distribution(
    tail_mass: f64, last: Option<u32>, mut probability: impl FnMut(u32) -> Result<f64, ClvError>,
) -> Result<PurchaseDistribution, ClvError> {
    if !(MIN_TAIL_MASS..1.0).contains(&tail_mass) {
        return Err(ClvError::InvalidArgument {
            name: "tail_mass",
            value: tail_mass,
            constraint: "must be at least 1e-12 (MIN_TAIL_MASS) and below 1",
        });
    }
    let mut probabilities: Vec<f64> = Vec::new();
    let mut total = 0.0;
    for n in 0..=last.unwrap_or(u32::MAX) {
        if probabilities.len() == MAX_COUNTS {
            return Err(ClvError::InvalidArgument {
                name: "tail_mass",
                value: tail_mass,
                constraint: "leaves more than 1,000,000 counts (MAX_COUNTS) before the tail: \
                             raise it, shorten the horizon, or ask one count at a time",
            });
        }
        let p = probability(n)?;
        let falling = probabilities.last().is_some_and(|&previous| p < previous);
        probabilities.push(p);
        total += p;
        if 1.0 - total <= tail_mass || (falling && f64::from(n) * p < 1e-3 * tail_mass) {
            break;
        }
    }
    Ok(PurchaseDistribution {
        probabilities,
        tail_mass: (1.0 - total).max(0.0),
    })
}
