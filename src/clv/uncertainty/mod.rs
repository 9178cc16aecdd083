//! Intervals on every per-customer prediction of a fitted model, CLV included: the delta method
//! and the parametric bootstrap (what CLVTools calls `uncertainty = "boots"` draws by refitting;
//! this module draws from the fit's asymptotic normal instead, see below).
//!
//! A fit's maximum-likelihood parameters θ̂ are asymptotically normal, N(θ̂, Σ), with Σ the inverse
//! observed information ([`ModelFit::covariance`]). A prediction g(θ) (P(alive), expected
//! purchases, expected spend, CLV, a forecast) inherits that uncertainty in two ways:
//!
//! - **Delta method** ([`delta_interval`] and its named forms): g(θ̂) ± z · √(∇gᵀ Σ ∇g), the
//!   gradient by central differences (Casella & Berger 2002, *Statistical Inference*, §5.5.4,
//!   Theorem 5.5.24). One prediction per parameter and side: cheap, symmetric, and it may leave
//!   the prediction's range, so probabilities are clipped to [0, 1] and expectations at 0.
//! - **Parametric bootstrap** ([`parametric_bootstrap`], [`clv_bootstrap_intervals`] and the
//!   other named batch forms): R parameter vectors θ*₁ … θ*_R drawn from N(θ̂, Σ) as θ̂ + L ε
//!   (L the Cholesky factor of Σ, ε standard normal), g recomputed for every customer under each,
//!   and the percentile interval of the R values (Efron & Tibshirani 1993, *An Introduction to
//!   the Bootstrap*, §13.3; Davison & Hinkley 1997, §2.4). It follows the prediction's skew and
//!   stays in its range. A draw outside the parameter space (a parameter ≤ 0, or a model the
//!   constructor refuses) is redrawn and counted: [`IntervalMethod::ParametricBootstrap`] reports
//!   how many ([`ParameterDraws`]).
//!
//! CLV needs two fits, the purchase model's and Gamma-Gamma's. They are fitted separately, on
//! likelihoods that share no parameter (Fader, Hardie & Lee 2005, "RFM and CLV", §3: the spend
//! model is independent of the transaction process), so their joint covariance is
//! **block-diagonal**: diag(Σ_purchase, Σ_spend). The joint delta method and the joint draws use
//! exactly that.
//!
//! # Determinism
//!
//! Every bootstrap takes [`BootstrapOptions::seed`]. The parameter draws are made one after the
//! other from one `Xoshiro256PlusPlus` stream before any prediction; only then are the customers
//! split into blocks across rayon's threads, and each customer's interval depends on its own
//! values alone. The result is bit-identical on 1 or 64 threads.
//!
//! # Refitting or not
//!
//! CLVTools' bootstrap resamples the customers and refits the model on each resample
//! ([`customer_bootstrap`], [`resampled_fits`] here). Drawing from the asymptotic normal answers
//! the same question (the sampling uncertainty of the parameters) without R fits, which is what
//! makes 200 replicates over 100,000 customers take seconds; the two agree when the normal
//! approximation holds, i.e. when the fit is well identified (no [`crate::clv::FitWarning`]).
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::uncertainty::{probability_alive_bootstrap_intervals, BootstrapOptions,
//!     IntervalMethod};
//! use customer_value::clv::{simulate_pareto_nbd, FitOptions, MaximumLikelihood, ParetoNbd, RepeatHistory};
//! let truth = ParetoNbd::new(0.6, 8.0, 0.8, 12.0)?;
//! let fit = ParetoNbd::fit(&simulate_pareto_nbd(&truth, &vec![52.0; 1_000], 3)?, &FitOptions::default())?;
//! let customers = [RepeatHistory::new(3.0, 50.0, 52.0)?, RepeatHistory::new(3.0, 10.0, 52.0)?];
//! let options = BootstrapOptions { replicates: 100, level: 0.9, seed: 7 };
//! let intervals = probability_alive_bootstrap_intervals(&fit, &customers, &options)?;
//! for i in &intervals {
//!     assert!(0.0 <= i.interval.lower && i.interval.lower <= i.interval.estimate);
//!     assert!(i.interval.estimate <= i.interval.upper && i.interval.upper <= 1.0);
//!     assert!(matches!(i.method, IntervalMethod::ParametricBootstrap { replicates: 100, .. }));
//! }
//! // The recent buyer is more surely alive than the one silent for 42 weeks.
//! assert!(intervals[0].interval.lower > intervals[1].interval.upper);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```
//!
//! [`ModelFit::covariance`]: crate::clv::ModelFit::covariance

mod bootstrap;
mod delta;
mod draws;
mod options;
mod percentile;
mod resample;

pub use bootstrap::{
    clv_bootstrap_intervals, expected_purchases_bootstrap_intervals,
    expected_spend_bootstrap_intervals, parametric_bootstrap,
    probability_alive_bootstrap_intervals,
};
pub use delta::{
    clv_delta_interval, delta_interval, expected_spend_delta_interval, joint_delta_interval,
    probability_alive_at_delta_interval, probability_no_purchase_delta_interval,
};
pub use draws::ParameterDraws;
pub use options::BootstrapOptions;
pub use percentile::bootstrap_intervals;
pub use resample::{customer_bootstrap, resampled_fits};

use crate::Interval;

/// How an interval was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum IntervalMethod {
    /// The delta method: estimate ± z · standard error (the interval's `standard_error`).
    DeltaMethod,
    /// The percentile interval of a parametric bootstrap.
    ParametricBootstrap {
        /// Replicates the percentiles are read from (every one a draw inside the parameter
        /// space).
        replicates: usize,
        /// Draws outside the parameter space that were rejected and redrawn.
        rejected_draws: usize,
        /// The seed of the draws.
        seed: u64,
    },
    /// The percentile interval of a customer-resampling bootstrap (CLVTools' "boots"): the model
    /// refitted on resamples of the customers.
    CustomerBootstrap {
        /// Refits the percentiles are read from.
        replicates: usize,
        /// Refits that failed and were replaced by another resample.
        failed_refits: usize,
        /// The seed of the resamples.
        seed: u64,
    },
}

/// An interval on one prediction, with how it was computed.
///
/// # Examples
///
/// ```
/// use customer_value::clv::uncertainty::{IntervalMethod, PredictionInterval};
/// use customer_value::Interval;
/// let i = PredictionInterval {
///     interval: Interval::new(0.8, 0.7, 0.9, 0.95),
///     method: IntervalMethod::ParametricBootstrap { replicates: 200, rejected_draws: 0, seed: 1 },
/// };
/// let json = serde_json::to_string(&i).expect("serializes");
/// assert_eq!(serde_json::from_str::<PredictionInterval>(&json).expect("reads back"), i);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PredictionInterval {
    /// The estimate (the prediction at the fitted parameters), its bounds and level; the bounds
    /// always contain the estimate.
    pub interval: Interval,
    /// How the bounds were computed.
    pub method: IntervalMethod,
}
