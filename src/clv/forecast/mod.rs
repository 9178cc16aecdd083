//! Forecasts of one customer beyond the observation period: P(alive) a time t after it, when the
//! next purchase will come, and P(alive) along the customer's past ([`alive_path`]).
//!
//! [`AliveForecast`] is implemented for every continuous-time model of the crate (BG/NBD,
//! MBG/NBD, Pareto/NBD, NBD); BG/BB's discrete counterpart is
//! [`BgBb::probability_alive_after`](crate::clv::BgBb::probability_alive_after). Each module
//! derives its formulas and cites the papers.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{AliveForecast, BgNbd, NextPurchase, PurchaseModel, RepeatHistory};
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
//! let today = model.probability_alive(&h)?;
//! assert_eq!(model.probability_alive_at(0.0, &h)?, today);
//! assert!(model.probability_alive_at(52.0, &h)? < today);
//! match model.median_time_to_next_purchase(&h)? {
//!     NextPurchase::Median(weeks) => assert!(weeks > 0.0),
//!     NextPurchase::ProbablyNever { probability_never } => assert!(probability_never >= 0.5),
//! }
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

mod alive_path;
mod future_alive;
mod next_purchase;

pub use alive_path::{alive_path, AlivePoint, MAX_PATH_POINTS};

use crate::clv::{
    check_time, BgNbdFamily, BgNbdVariant, ClvError, Nbd, ParetoNbd, PurchaseModel, RepeatHistory,
};
use future_alive::{bg_nbd_survival, pareto_nbd_survival};
use next_purchase::{median_by_bisection, no_purchase_while_alive, pareto_nbd_purchase_integral};

/// The median time from the end of the observation to the customer's next purchase, or why there
/// is none.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum NextPurchase {
    /// The t with P(no purchase in (T, T + t] | history) = ½, in the model's time unit.
    Median(f64),
    /// The customer is at least as likely never to buy again (dead, mostly) as to buy: no time
    /// has half the chance.
    ProbablyNever {
        /// P(no purchase ever again | history), at least ½.
        probability_never: f64,
    },
}

impl NextPurchase {
    /// The median time, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::NextPurchase;
    /// assert_eq!(NextPurchase::Median(3.5).median(), Some(3.5));
    /// assert_eq!(NextPurchase::ProbablyNever { probability_never: 0.8 }.median(), None);
    /// ```
    pub fn median(self) -> Option<f64> {
        match self {
            NextPurchase::Median(t) => Some(t),
            NextPurchase::ProbablyNever { .. } => None,
        }
    }
}

/// Forecasts of a customer beyond the end T of the observation, for the continuous-time models.
/// A separate trait from [`PurchaseModel`], so that implementors of that trait outside the crate
/// are not broken by it. Times are in the model's unit.
pub trait AliveForecast {
    /// P(alive at T + t | x, t_x, T): the chance that the customer is still active a time `t`
    /// after the end of the observation; P(alive) itself at t = 0, non-increasing in t.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `t` when it is negative or not finite; the model's
    /// errors of [`PurchaseModel::probability_alive`]; for the BG/NBD family a
    /// [`ClvError::NumericalFailure`] when t is beyond about 10¹⁰ (α + T) (from 10¹⁰ for x in the
    /// hundreds, 10¹² and more for x in the tens: see the `forecast` module's sources).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{AliveForecast, ParetoNbd, RepeatHistory};
    /// let model = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
    /// let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
    /// // P(alive) 0.869124 times ((β + T)/(β + T + 52))^s; a 2-D integral over the posterior of
    /// // (λ, μ) in scipy gives 0.5659738056913736.
    /// assert!((model.probability_alive_at(52.0, &h)? - 0.565_973_805_691_374).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn probability_alive_at(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError>;

    /// P(no purchase in (T, T + t] | x, t_x, T): 1 at t = 0, non-increasing in t, towards
    /// [`AliveForecast::probability_never_purchases`].
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `t` when it is negative or not finite, and the
    /// model's errors of [`PurchaseModel::probability_alive`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{AliveForecast, Nbd, RepeatHistory};
    /// let model = Nbd::new(0.385, 12.072)?;
    /// let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
    /// // The NBD's zero class: ((α + T)/(α + T + t))^(r + x).
    /// let want = (50.932f64 / 60.932).powf(2.385);
    /// assert!((model.probability_no_purchase(10.0, &h)? - want).abs() < 1e-15);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn probability_no_purchase(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError>;

    /// P(no purchase ever again | x, t_x, T): the limit of
    /// [`AliveForecast::probability_no_purchase`] as t grows.
    ///
    /// # Errors
    ///
    /// The model's errors of [`PurchaseModel::probability_alive`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{AliveForecast, BgNbd, PurchaseModel, RepeatHistory};
    /// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
    /// // BG/NBD: only a dead customer never buys again.
    /// let never = model.probability_never_purchases(&h)?;
    /// assert!((never - (1.0 - model.probability_alive(&h)?)).abs() < 1e-15);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn probability_never_purchases(&self, history: &RepeatHistory) -> Result<f64, ClvError>;

    /// The median time to the next purchase: the t where
    /// [`AliveForecast::probability_no_purchase`] crosses ½, or [`NextPurchase::ProbablyNever`]
    /// when [`AliveForecast::probability_never_purchases`] is ½ or more. The default finds it by
    /// bisection (relative precision 2⁻⁵²; about 60 evaluations of the curve).
    ///
    /// # Errors
    ///
    /// The model's errors of [`PurchaseModel::probability_alive`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{AliveForecast, NextPurchase, ParetoNbd, RepeatHistory};
    /// let model = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
    /// let regular = RepeatHistory::new(26.0, 30.85714, 31.0)?;
    /// let weeks = model.median_time_to_next_purchase(&regular)?.median().unwrap();
    /// // Customer 1516 of the BTYD walkthrough: mpmath's root of 1 − P(alive) ∫₀ᵗ … du = ½.
    /// assert!((weeks - 1.1142753825262666).abs() < 1e-12);
    /// let gone = RepeatHistory::new(1.0, 1.0, 38.0)?;
    /// assert!(matches!(model.median_time_to_next_purchase(&gone)?,
    ///     NextPurchase::ProbablyNever { .. }));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    fn median_time_to_next_purchase(
        &self, history: &RepeatHistory,
    ) -> Result<NextPurchase, ClvError> {
        let probability_never = self.probability_never_purchases(history)?;
        if probability_never >= 0.5 {
            return Ok(NextPurchase::ProbablyNever { probability_never });
        }
        let median = median_by_bisection(|t| self.probability_no_purchase(t, history))?;
        Ok(median.map_or(
            NextPurchase::ProbablyNever { probability_never },
            NextPurchase::Median,
        ))
    }
}

/// The median of 1 − P(alive) + P(alive) ((α + T)/(α + T + t))^m (BG/NBD family; NBD with
/// P(alive) = 1): ((α + T)/(α + T + t))^m = 1 − 1/(2 P(alive)) solved for t.
fn closed_form_median(alive: f64, m: f64, alpha_age: f64) -> NextPurchase {
    if alive <= 0.5 {
        return NextPurchase::ProbablyNever {
            probability_never: 1.0 - alive,
        };
    }
    let ln_w = (-0.5 / alive).ln_1p() / m;
    NextPurchase::Median(alpha_age * (-ln_w).exp_m1())
}

/// BG/NBD and MBG/NBD: see `future_alive` and `next_purchase` for the derivations.
impl<V: BgNbdVariant> AliveForecast for BgNbdFamily<V> {
    fn probability_alive_at(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError> {
        check_time("t", t)?;
        let alive = self.probability_alive(history)?;
        let p = self.params();
        let (x, age) = (history.frequency(), history.age());
        let big_b = p.b + x + V::VARIANT.shift();
        Ok(alive * bg_nbd_survival(p.a, big_b, p.r + x, t / (p.alpha + age))?)
    }

    fn probability_no_purchase(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError> {
        check_time("t", t)?;
        let alive = self.probability_alive(history)?;
        let p = self.params();
        let m = p.r + history.frequency();
        let silent = no_purchase_while_alive(m, p.alpha + history.age(), t);
        Ok((1.0 - alive * (1.0 - silent)).clamp(0.0, 1.0))
    }

    fn probability_never_purchases(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(1.0 - self.probability_alive(history)?)
    }

    fn median_time_to_next_purchase(
        &self, history: &RepeatHistory,
    ) -> Result<NextPurchase, ClvError> {
        let alive = self.probability_alive(history)?;
        let p = self.params();
        let m = p.r + history.frequency();
        Ok(closed_form_median(alive, m, p.alpha + history.age()))
    }
}

/// Pareto/NBD: see `future_alive` and `next_purchase`; the median by the default bisection.
impl AliveForecast for ParetoNbd {
    fn probability_alive_at(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError> {
        check_time("t", t)?;
        let alive = self.probability_alive(history)?;
        let p = self.params();
        Ok(alive * pareto_nbd_survival(p.s, p.beta, history.age(), t))
    }

    fn probability_no_purchase(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError> {
        check_time("t", t)?;
        self.purchase_complement(t, history)
    }

    fn probability_never_purchases(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        self.purchase_complement(f64::INFINITY, history)
    }
}

impl ParetoNbd {
    /// 1 − P(alive) · P(purchase within t | alive), t = ∞ included.
    fn purchase_complement(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError> {
        let alive = self.probability_alive(history)?;
        let p = self.params();
        let (m, age) = (p.r + history.frequency(), history.age());
        let buys = pareto_nbd_purchase_integral(m, p.s, p.alpha + age, p.beta + age, t);
        Ok((1.0 - alive * buys).clamp(0.0, 1.0))
    }
}

/// NBD: nobody drops out (Morrison & Schmittlein 1988).
impl AliveForecast for Nbd {
    fn probability_alive_at(&self, t: f64, _: &RepeatHistory) -> Result<f64, ClvError> {
        check_time("t", t)?;
        Ok(1.0)
    }

    fn probability_no_purchase(&self, t: f64, history: &RepeatHistory) -> Result<f64, ClvError> {
        check_time("t", t)?;
        let p = self.params();
        let m = p.r + history.frequency();
        Ok(no_purchase_while_alive(m, p.alpha + history.age(), t))
    }

    fn probability_never_purchases(&self, _: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(0.0)
    }

    fn median_time_to_next_purchase(
        &self, history: &RepeatHistory,
    ) -> Result<NextPurchase, ClvError> {
        let p = self.params();
        let m = p.r + history.frequency();
        Ok(closed_form_median(1.0, m, p.alpha + history.age()))
    }
}
