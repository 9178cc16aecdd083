//! Customer lifetime value: discounted expected purchases × expected spend.
//!
//! [`customer_lifetime_value`] follows Python lifetimes' `customer_lifetime_value` exactly, so its
//! figures can be compared one for one:
//!
//! CLV = Σ_{m = 1}^{H} E[Z | x, z̄] · (E[Y(m·u) | x, t_x, T] − E[Y((m − 1)·u) | x, t_x, T]) / (1 + d)^m
//!
//! where H is the horizon in months, d the monthly discount rate, E[Z | x, z̄] the Gamma-Gamma expected
//! spend per transaction, E[Y(t) | …] the purchase model's conditional expected purchases, and u the
//! number of model time units in a month: **4.345 weeks or 30 days** (lifetimes' convention,
//! [`crate::TimeUnit::per_month`]). Each month's purchases are discounted by that month's full factor
//! (end-of-month cash flows).
//!
//! [`pareto_nbd_dert`] is the continuous-time alternative of Fader, Hardie & Lee (2005, "RFM and
//! CLV: using iso-value curves", eq. 2): discounted expected residual transactions over an unlimited
//! horizon, with the monthly rate d turned into a continuous rate per model time unit,
//! δ = ln(1 + d) / u (so that e^(−δ u) = 1/(1 + d) per month). [`bg_bb_dert`] is its discrete-time
//! counterpart for BG/BB (Fader, Hardie & Shang 2010), one discount step per opportunity.
//!
//! # Finite results
//!
//! The horizon is at most [`ClvOptions::MAX_HORIZON_MONTHS`] (checked with the options, also when
//! they are read back through serde). Every expectation taken from the purchase model is checked
//! (a caller's model answering NaN, ∞ or a negative value is a [`ClvError::InvalidPrediction`]
//! naming the customer), and a value that overflows f64 is a [`ClvError::NumericalFailure`]. The
//! DERT series and integral are bounded: at most 10⁷ terms (BG/BB, about 50 ms; a discount rate
//! below about 5 · 10⁻⁶ per opportunity does not settle) and 10⁶ integrand nodes (Pareto/NBD,
//! about 20 ms), each a typed error beyond.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{customer_lifetime_value, ClvOptions, GammaGamma, ParetoNbd, RepeatHistory, SpendHistory};
//!
//! let purchases = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
//! let spend = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
//! let history = RepeatHistory::new(2.0, 30.43, 38.86)?;
//! let spend_history = SpendHistory::new(2.0, 22.35)?;
//! let clv = customer_lifetime_value(&purchases, &spend, &history, &spend_history, &ClvOptions::default())?;
//! assert!(clv > 0.0 && clv < 100.0);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use rayon::prelude::*;
use rust_decimal::Decimal;
use statrs::function::gamma::ln_gamma;

use crate::clv::beta_ratio::ln_beta_ratio;
use crate::clv::diagnostics::{checked_answer, Answer, Asked};
use crate::clv::error::finite_or_failure;
use crate::clv::shifted_beta_geometric::hypergeometric_one;
use crate::clv::{
    check_length, check_positive_argument, BgBb, BgBbParams, ClvError, DiscreteHistory, GammaGamma,
    ParetoNbd, PurchaseModel, RepeatHistory, SpendHistory,
};
use crate::numeric::money::from_f64_rounded;
use crate::settings::Settings;
use crate::summary::TimeUnit;

crate::settings::checked_serde! {
    /// Options of the CLV computations, checked by [`Settings::check`] (every function here does so
    /// before any work).
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct ClvOptions {
        /// Horizon in months (default 12; lifetimes' `time`), at most
        /// [`ClvOptions::MAX_HORIZON_MONTHS`].
        pub horizon_months: u32,
        /// Discount rate per month, d ≥ 0 (default 0.01; lifetimes' `discount_rate`).
        pub monthly_discount_rate: f64,
        /// The unit of the histories' t_x and T (default weeks): a month is 4.345 weeks or 30 days.
        /// Weeks serve elapsed weeks ([`crate::CustomerSummary::btyd`]) and calendar weeks
        /// ([`crate::CustomerSummary::btyd_calendar`]) alike, both 7 days long; histories in calendar
        /// months have no unit here.
        pub time_unit: TimeUnit,
        /// Decimal places of the `Decimal` results (default 2), rounded half away from zero.
        pub decimal_places: u32,
    }
}

impl Default for ClvOptions {
    fn default() -> Self {
        Self {
            horizon_months: 12,
            monthly_discount_rate: 0.01,
            time_unit: TimeUnit::Weeks,
            decimal_places: 2,
        }
    }
}

impl Settings for ClvOptions {
    type Error = ClvError;

    /// Checks the options.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `monthly_discount_rate` when it is negative or not
    /// finite, `horizon_months` when it exceeds [`ClvOptions::MAX_HORIZON_MONTHS`], or
    /// `decimal_places` when it exceeds 20.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{clv::ClvOptions, Settings};
    /// assert!(ClvOptions::default().check().is_ok());
    /// assert!(ClvOptions { monthly_discount_rate: -0.1, ..ClvOptions::default() }.check().is_err());
    /// ```
    fn check(&self) -> Result<(), ClvError> {
        if !(self.monthly_discount_rate.is_finite() && self.monthly_discount_rate >= 0.0) {
            return Err(ClvError::InvalidArgument {
                name: "monthly_discount_rate",
                value: self.monthly_discount_rate,
                constraint: "must be non-negative and finite",
            });
        }
        if self.horizon_months > Self::MAX_HORIZON_MONTHS {
            return Err(ClvError::InvalidArgument {
                name: "horizon_months",
                value: f64::from(self.horizon_months),
                constraint:
                    "must be at most 1,200 months (100 years, ClvOptions::MAX_HORIZON_MONTHS)",
            });
        }
        if self.decimal_places > 20 {
            return Err(ClvError::InvalidArgument {
                name: "decimal_places",
                value: f64::from(self.decimal_places),
                constraint: "must be at most 20",
            });
        }
        Ok(())
    }
}

impl ClvOptions {
    /// The longest horizon: 1,200 months (100 years). The batch form keeps one cumulative curve of
    /// `horizon_months` values per customer of a chunk (2,048 customers: 20 MB at the limit), and
    /// the single form asks the model once per month.
    pub const MAX_HORIZON_MONTHS: u32 = 1_200;

    /// An amount as `Decimal`, rounded half away from zero to `decimal_places`.
    ///
    /// # Errors
    ///
    /// [`ClvError::NumericalFailure`] when `value` is not finite or outside `Decimal`'s range.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ClvOptions;
    /// use rust_decimal::Decimal;
    /// assert_eq!(ClvOptions::default().to_money(36.27849)?, Decimal::new(3628, 2));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn to_money(&self, value: f64) -> Result<Decimal, ClvError> {
        from_f64_rounded(value, self.decimal_places).ok_or(ClvError::NumericalFailure {
            what: "amount outside Decimal's range",
        })
    }

    /// The continuous discount rate per model time unit equivalent to the monthly rate,
    /// δ = ln(1 + d) / (units per month).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ClvOptions;
    /// let delta = ClvOptions::default().continuous_rate();
    /// assert!((delta - 1.01_f64.ln() / 4.345).abs() < 1e-15);
    /// ```
    pub fn continuous_rate(&self) -> f64 {
        self.monthly_discount_rate.ln_1p() / self.time_unit.per_month()
    }
}

pub(crate) fn check_pair(
    history: &RepeatHistory, spend: &SpendHistory, position: Option<usize>,
) -> Result<(), ClvError> {
    if history.frequency() == spend.frequency() {
        Ok(())
    } else {
        Err(ClvError::HistoryMismatch {
            position,
            purchase_frequency: history.frequency(),
            spend_frequency: spend.frequency(),
        })
    }
}

/// One customer's CLV over the options' horizon, by Python lifetimes' convention (so that figures
/// compare one for one):
///
/// CLV = Σ_{m = 1}^{H} E[Z | x, z̄] · (E[Y(m·u) | x, t_x, T] − E[Y((m − 1)·u) | x, t_x, T]) / (1 + d)^m
///
/// with H the horizon in months, d the monthly discount rate, E[Z | x, z̄] the Gamma-Gamma expected
/// spend per transaction, E[Y(t) | …] the purchase model's conditional expected purchases, and u the
/// model time units in a month: **4.345 weeks or 30 days** ([`crate::TimeUnit::per_month`]). Each
/// month's purchases get that month's full discount factor (end-of-month cash flows).
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] for invalid options;
/// - [`ClvError::HistoryMismatch`] when the two histories' x differ;
/// - [`ClvError::InfiniteMeanSpend`] when the spend model's (conditional) mean is infinite;
/// - [`ClvError::InvalidPrediction`] when the purchase model answers an expectation that is
///   negative or not finite;
/// - [`ClvError::NumericalFailure`] when the value overflows;
/// - the purchase model's errors.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{customer_lifetime_value, ClvOptions, GammaGamma, ParetoNbd, RepeatHistory, SpendHistory};
/// let purchases = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
/// let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let (h, z) = (RepeatHistory::new(0.0, 0.0, 38.86)?, SpendHistory::new(0.0, 0.0)?);
/// let one_year = customer_lifetime_value(&purchases, &spend, &h, &z, &ClvOptions::default())?;
/// let two_years = ClvOptions { horizon_months: 24, ..ClvOptions::default() };
/// assert!(customer_lifetime_value(&purchases, &spend, &h, &z, &two_years)? > one_year);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn customer_lifetime_value<M: PurchaseModel + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma, history: &RepeatHistory,
    spend_history: &SpendHistory, options: &ClvOptions,
) -> Result<f64, ClvError> {
    options.check()?;
    check_pair(history, spend_history, None)?;
    let spend = spend_model.conditional_expected_average_spend(spend_history)?;
    let unit = options.time_unit.per_month();
    let discount = 1.0 + options.monthly_discount_rate;
    let mut previous = 0.0;
    let mut total = 0.0;
    let mut factor = 1.0;
    for month in 1..=options.horizon_months {
        let cumulative = checked_answer(
            purchase_model.conditional_expected_purchases(f64::from(month) * unit, history)?,
            Answer::Expectation,
            Asked::new(
                "conditional_expected_purchases",
                "customer_lifetime_value",
                None,
            ),
        )?;
        factor /= discount;
        total += spend * (cumulative - previous) * factor;
        previous = cumulative;
    }
    finite(total)
}

/// [`customer_lifetime_value`] as money: `Decimal` rounded to `options.decimal_places`.
///
/// # Errors
///
/// As [`customer_lifetime_value`], and [`ClvError::NumericalFailure`] if the value does not fit a
/// `Decimal`.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{customer_lifetime_value_decimal, ClvOptions, GammaGamma, ParetoNbd, RepeatHistory, SpendHistory};
/// let purchases = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
/// let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let (h, z) = (RepeatHistory::new(2.0, 30.43, 38.86)?, SpendHistory::new(2.0, 22.35)?);
/// let money = customer_lifetime_value_decimal(&purchases, &spend, &h, &z, &ClvOptions::default())?;
/// assert_eq!(money.scale(), 2);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn customer_lifetime_value_decimal<M: PurchaseModel + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma, history: &RepeatHistory,
    spend_history: &SpendHistory, options: &ClvOptions,
) -> Result<Decimal, ClvError> {
    let value =
        customer_lifetime_value(purchase_model, spend_model, history, spend_history, options)?;
    options.to_money(value)
}

/// Customers per parallel chunk of [`customer_lifetime_values`].
const CHUNK: usize = 2_048;

/// [`customer_lifetime_value`] for every customer (`histories[i]` with `spend_histories[i]`), in
/// parallel chunks; each value depends only on its own customer, so the output does not depend on
/// the thread count. Uses the model's batch predictions (one buffer per chunk, nothing per customer).
///
/// # Errors
///
/// [`ClvError::LengthMismatch`] when the slices differ in length, [`ClvError::HistoryMismatch`]
/// with the position of the first pair whose x differ, [`ClvError::InvalidPrediction`] with the
/// position of a customer whose curve the model answers with a negative or non-finite value, and
/// the errors of the single form.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{customer_lifetime_value, customer_lifetime_values, ClvOptions, GammaGamma, ParetoNbd,
///     RepeatHistory, SpendHistory};
/// let purchases = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
/// let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let h = [RepeatHistory::new(2.0, 30.43, 38.86)?, RepeatHistory::new(0.0, 0.0, 38.86)?];
/// let z = [SpendHistory::new(2.0, 22.35)?, SpendHistory::new(0.0, 0.0)?];
/// let options = ClvOptions::default();
/// let all = customer_lifetime_values(&purchases, &spend, &h, &z, &options)?;
/// assert!((all[0] - customer_lifetime_value(&purchases, &spend, &h[0], &z[0], &options)?).abs() < 1e-12);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn customer_lifetime_values<M: PurchaseModel + Sync + ?Sized>(
    purchase_model: &M, spend_model: &GammaGamma, histories: &[RepeatHistory],
    spend_histories: &[SpendHistory], options: &ClvOptions,
) -> Result<Vec<f64>, ClvError> {
    options.check()?;
    check_length("spend_histories", histories.len(), spend_histories.len())?;
    for (i, (h, z)) in histories.iter().zip(spend_histories).enumerate() {
        check_pair(h, z, Some(i))?;
    }
    let unit = options.time_unit.per_month();
    let discount = 1.0 + options.monthly_discount_rate;
    let months = options.horizon_months as usize;
    let times: Vec<f64> = (1..=options.horizon_months)
        .map(|m| f64::from(m) * unit)
        .collect();
    // Discount factors 1/(1 + d)^m, built by repeated division exactly as the single form does.
    let mut factors = Vec::with_capacity(months);
    let mut factor = 1.0;
    for _ in 0..months {
        factor /= discount;
        factors.push(factor);
    }
    let mut values = vec![0.0; histories.len()];
    values
        .par_chunks_mut(CHUNK)
        .zip(
            histories
                .par_chunks(CHUNK)
                .zip(spend_histories.par_chunks(CHUNK)),
        )
        .enumerate()
        .try_for_each(|(c, (out, (chunk, spend_chunk)))| {
            let mut spend = vec![0.0; chunk.len()];
            for (s, z) in spend.iter_mut().zip(spend_chunk) {
                *s = spend_model.conditional_expected_average_spend(z)?;
            }
            // Each customer's cumulative expectation at the end of every month, then the
            // discounted sum of the monthly increments.
            let mut curves = vec![0.0; chunk.len() * months];
            purchase_model.conditional_expected_purchases_curves_into(
                &times,
                chunk,
                &mut curves,
            )?;
            check_curves(&curves, months, c * CHUNK, "customer_lifetime_values")?;
            for ((o, s), curve) in out.iter_mut().zip(&spend).zip(curves.chunks(months.max(1))) {
                *o = 0.0;
                let mut previous = 0.0;
                for (c, f) in curve.iter().zip(&factors) {
                    *o += s * (c - previous) * f;
                    previous = *c;
                }
            }
            out.iter().try_for_each(|v| finite(*v).map(|_| ()))
        })?;
    Ok(values)
}

/// Checks every value of the customers' cumulative curves (`months` values each, the first
/// customer at position `offset`) that `caller` asked the model for.
pub(crate) fn check_curves(
    curves: &[f64], months: usize, offset: usize, caller: &'static str,
) -> Result<(), ClvError> {
    for (k, &value) in curves.iter().enumerate() {
        checked_answer(
            value,
            Answer::Expectation,
            Asked::new(
                "conditional_expected_purchases_curves_into",
                caller,
                Some(offset + k / months.max(1)),
            ),
        )?;
    }
    Ok(())
}

fn finite(value: f64) -> Result<f64, ClvError> {
    finite_or_failure(
        value,
        "a customer lifetime value or DERT overflows f64 (expected spend × purchases too large)",
    )
}

/// Discounted expected residual transactions of a Pareto/NBD customer (Fader, Hardie & Lee 2005,
/// "RFM and CLV", eq. 2), at the continuous rate δ = ln(1 + d)/u of [`ClvOptions::continuous_rate`]:
///
/// DERT = α^r β^s δ^(s−1) Γ(r + x + 1) Ψ(s, s; δ(β + T)) / (Γ(r)(α + T)^(r+x+1) L(x, t_x, T)),
///
/// Ψ the confluent hypergeometric function of the second kind. Rewritten with P(alive) it is
/// P(alive) · (r + x)/(α + T) · δ^(s−1) (β + T)^s Ψ(s, s; δ(β + T)). Ψ(s, s; y) is computed from its
/// integral Γ(s)⁻¹ ∫₀^∞ e^(−yt) t^(s−1)/(1 + t) dt by the trapezoidal rule in ln t (exponentially
/// convergent for this analytic integrand) over the interval where the integrand matters, in at
/// most 10⁶ nodes (about 20 ms; a few hundred for ordinary parameters). The horizon is unlimited
/// (the options' horizon is not used).
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] for invalid options or a zero discount rate (the undiscounted sum
/// is infinite for s ≤ 1), [`ClvError::NumericalFailure`] when the integral or the value is not
/// finite in f64 (a discount rate so small that the continuous rate underflows, or parameters far
/// outside the data's scale), and the errors of [`PurchaseModel::probability_alive`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{pareto_nbd_dert, ClvOptions, ParetoNbd, RepeatHistory};
/// let model = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
/// let dert = pareto_nbd_dert(&model, &RepeatHistory::new(2.0, 30.43, 38.86)?, &ClvOptions::default())?;
/// assert!(dert > 1.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn pareto_nbd_dert(
    model: &ParetoNbd, history: &RepeatHistory, options: &ClvOptions,
) -> Result<f64, ClvError> {
    let delta = dert_rate(options)?;
    let p = model.params();
    let alive = model.probability_alive(history)?;
    let (x, age) = (history.frequency(), history.age());
    let ln_u = ln_tricomi_u_s_s(p.s, delta * (p.beta + age))?;
    let ln_rest = (p.r + x).ln() - (p.alpha + age).ln()
        + (p.s - 1.0) * delta.ln()
        + p.s * (p.beta + age).ln()
        + ln_u;
    finite(alive * ln_rest.exp())
}

/// The continuous discount rate δ of an unlimited-horizon DERT, after checking the options: a
/// zero rate is refused, as the undiscounted sum is infinite without a drop-out (NBD) or with a
/// slow one (Pareto/NBD with s ≤ 1).
pub(crate) fn dert_rate(options: &ClvOptions) -> Result<f64, ClvError> {
    options.check()?;
    if options.monthly_discount_rate == 0.0 {
        return Err(ClvError::InvalidArgument {
            name: "monthly_discount_rate",
            value: 0.0,
            constraint: "must be positive for the unlimited-horizon DERT",
        });
    }
    Ok(options.continuous_rate())
}

/// Pareto/NBD residual value: [`pareto_nbd_dert`] × the Gamma-Gamma expected spend.
///
/// # Errors
///
/// As [`pareto_nbd_dert`], [`ClvError::HistoryMismatch`] when the histories' x differ, and
/// [`ClvError::InfiniteMeanSpend`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{pareto_nbd_dert, pareto_nbd_residual_value, ClvOptions, GammaGamma, ParetoNbd,
///     RepeatHistory, SpendHistory};
/// let model = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
/// let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let (h, z) = (RepeatHistory::new(0.0, 0.0, 38.86)?, SpendHistory::new(0.0, 0.0)?);
/// let value = pareto_nbd_residual_value(&model, &spend, &h, &z, &ClvOptions::default())?;
/// let dert = pareto_nbd_dert(&model, &h, &ClvOptions::default())?;
/// assert!((value - dert * spend.mean_spend()?).abs() < 1e-9);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn pareto_nbd_residual_value(
    model: &ParetoNbd, spend_model: &GammaGamma, history: &RepeatHistory,
    spend_history: &SpendHistory, options: &ClvOptions,
) -> Result<f64, ClvError> {
    check_pair(history, spend_history, None)?;
    let spend = spend_model.conditional_expected_average_spend(spend_history)?;
    finite(pareto_nbd_dert(model, history, options)? * spend)
}

/// Discounted expected residual transactions of a BG/BB customer (Fader, Hardie & Shang 2010,
/// "Customer-base analysis in a discrete-time noncontractual setting", eq. 14), one discount step
/// per future opportunity at rate `discount_rate` (the first future opportunity is discounted once):
///
/// DERT = B(α + x + 1, β + n − x)/B(α, β) · B(γ, δ + n + 1)/(B(γ, δ)(1 + d)) ·
/// 2F1(1, δ + n + 1; γ + δ + n + 1; 1/(1 + d)) / L(α, β, γ, δ | x, t_x, n).
///
/// The 2F1 with a = 1 is summed as its series, whose terms shrink by at least 1/(1 + d) each:
/// about (37 + ln(1/d))/d terms, at most 10⁷ (about 50 ms).
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when the discount rate is not positive and finite;
/// [`ClvError::NumericalFailure`] if the series does not settle within 10⁷ terms (a discount rate
/// below about 5 · 10⁻⁶ per opportunity) or the value is not finite.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{bg_bb_dert, BgBb, DiscreteHistory};
/// let model = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
/// let loyal = bg_bb_dert(&model, &DiscreteHistory::new(6, 6, 6)?, 0.1)?;
/// let lapsed = bg_bb_dert(&model, &DiscreteHistory::new(1, 1, 6)?, 0.1)?;
/// assert!(loyal > lapsed && lapsed > 0.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn bg_bb_dert(
    model: &BgBb, history: &DiscreteHistory, discount_rate: f64,
) -> Result<f64, ClvError> {
    check_positive_argument("discount_rate", discount_rate)?;
    let BgBbParams {
        alpha,
        beta,
        gamma,
        delta,
    } = model.params();
    let (x, n) = (f64::from(history.frequency()), f64::from(history.periods()));
    let z = 1.0 / (1.0 + discount_rate);
    // 2F1(1, b; c; z) with c − b = γ > 0.
    let series = hypergeometric_one(delta + n + 1.0, gamma + delta + n + 1.0, z)?;
    let ln_value = ln_beta_ratio(alpha, beta, x + 1.0, n - x)
        + ln_beta_ratio(gamma, delta, 0.0, n + 1.0)
        - discount_rate.ln_1p()
        + series.ln()
        - model.log_likelihood(history);
    finite(ln_value.exp())
}

/// ln Ψ(s, s; y) = ln[Γ(s)⁻¹ ∫ exp(s u − y eᵘ) / (1 + eᵘ) du] over u = ln t, s > 0, y > 0.
///
/// The log-integrand f(u) = s u − y eᵘ − ln(1 + eᵘ) is concave, so the region where it is within
/// [`NEGLIGIBLE`] of its top is one interval, found by doubling steps from the mode of s u − y eᵘ
/// (eᵘ = s/y). It is summed by the trapezoidal rule with a step of 0.1, or 0.3/√s when the peak
/// (width about 1/√s) is narrower: exponentially accurate for this analytic integrand. Left of
/// u₀ = −40 − ln⁺ y the integrand is e^(su) to a relative 10⁻¹⁷, so that tail, when the interval
/// reaches it, is added exactly as e^(s u₀)/s. The sum never takes more than [`MAX_NODES`] nodes.
fn ln_tricomi_u_s_s(s: f64, y: f64) -> Result<f64, ClvError> {
    let failure = ClvError::NumericalFailure {
        what: "the Pareto/NBD DERT integral cannot be evaluated for these parameters and discount rate",
    };
    let ln_f = |u: f64| s * u - y * u.exp() - u.exp().ln_1p();
    let mode = (s / y).ln();
    let top = ln_f(mode);
    if !(mode.is_finite() && top.is_finite()) {
        return Err(failure);
    }
    let tail_start = -40.0 - y.ln().max(0.0);
    let step = (0.3 / s.sqrt()).min(0.1);
    // The interval's ends: f has fallen NEGLIGIBLE below the top, or (left) the exact tail begins.
    let reach = |direction: f64| {
        let mut width = step;
        for _ in 0..80 {
            let u = mode + direction * width;
            if direction < 0.0 && u <= tail_start {
                return tail_start;
            }
            if ln_f(u) < top - NEGLIGIBLE {
                return u;
            }
            width *= 2.0;
        }
        f64::NAN
    };
    let (low, high) = (reach(-1.0), reach(1.0));
    let nodes = ((high - low) / step).ceil();
    if !(nodes.is_finite() && nodes <= MAX_NODES) {
        return Err(failure);
    }
    let mut sum = 0.5 * ((ln_f(low) - top).exp() + (ln_f(high) - top).exp());
    for k in 1..nodes as u32 {
        sum += (ln_f(low + f64::from(k) * step) - top).exp();
    }
    let mut total = sum * step;
    if low <= tail_start {
        total += (s * tail_start - top).exp() / s;
    }
    let value = top + total.ln() - ln_gamma(s);
    value.is_finite().then_some(value).ok_or(failure)
}

/// How far below its top the log-integrand of [`ln_tricomi_u_s_s`] is cut off: e⁻⁴⁵ ≈ 3 · 10⁻²⁰.
const NEGLIGIBLE: f64 = 45.0;

/// The most trapezoid nodes of [`ln_tricomi_u_s_s`]: 10⁶, about 20 ms. Intervals are at most a few
/// thousand steps of 0.1 for parameters in the model's range (the widest, for a tiny s and a
/// subnormal y, spans ln(1/y) + 40 ≈ 785).
const MAX_NODES: f64 = 1e6;
