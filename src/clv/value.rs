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
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use statrs::function::beta::ln_beta;
use statrs::function::gamma::ln_gamma;

use crate::clv::{
    check_length, check_positive_argument, BgBb, BgBbParams, ClvError, DiscreteHistory, GammaGamma,
    ParetoNbd, PurchaseModel, RepeatHistory, SpendHistory,
};
use crate::settings::Settings;
use crate::summary::TimeUnit;

/// Options of the CLV computations, checked by [`Settings::check`] (every function here does so
/// before any work).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClvOptions {
    /// Horizon in months (default 12; lifetimes' `time`).
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
    /// finite, or `decimal_places` when it exceeds 20.
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
        let amount = Decimal::from_f64(value).ok_or(ClvError::NumericalFailure {
            what: "amount outside Decimal's range",
        })?;
        Ok(amount
            .round_dp_with_strategy(self.decimal_places, RoundingStrategy::MidpointAwayFromZero))
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

fn check_pair(
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
        let cumulative =
            purchase_model.conditional_expected_purchases(f64::from(month) * unit, history)?;
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
/// with the position of the first pair whose x differ, and the errors of the single form.
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
        .try_for_each(|(out, (chunk, spend_chunk))| {
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
            for ((o, s), curve) in out.iter_mut().zip(&spend).zip(curves.chunks(months.max(1))) {
                *o = 0.0;
                let mut previous = 0.0;
                for (c, f) in curve.iter().zip(&factors) {
                    *o += s * (c - previous) * f;
                    previous = *c;
                }
            }
            match out.iter().find(|v| !v.is_finite()) {
                Some(_) => Err(ClvError::NumericalFailure {
                    what: "customer lifetime value",
                }),
                None => Ok(()),
            }
        })?;
    Ok(values)
}

fn finite(value: f64) -> Result<f64, ClvError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ClvError::NumericalFailure {
            what: "customer lifetime value",
        })
    }
}

/// Discounted expected residual transactions of a Pareto/NBD customer (Fader, Hardie & Lee 2005,
/// "RFM and CLV", eq. 2), at the continuous rate δ = ln(1 + d)/u of [`ClvOptions::continuous_rate`]:
///
/// DERT = α^r β^s δ^(s−1) Γ(r + x + 1) Ψ(s, s; δ(β + T)) / (Γ(r)(α + T)^(r+x+1) L(x, t_x, T)),
///
/// Ψ the confluent hypergeometric function of the second kind. Rewritten with P(alive) it is
/// P(alive) · (r + x)/(α + T) · δ^(s−1) (β + T)^s Ψ(s, s; δ(β + T)). Ψ(s, s; y) is computed from its
/// integral Γ(s)⁻¹ ∫₀^∞ e^(−yt) t^(s−1)/(1 + t) dt by the trapezoidal rule in ln t (exponentially
/// convergent for this analytic integrand). The horizon is unlimited (the options' horizon is not
/// used).
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] for invalid options or a zero discount rate (the undiscounted sum
/// is infinite for s ≤ 1), and the errors of [`PurchaseModel::probability_alive`].
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
    options.check()?;
    if options.monthly_discount_rate == 0.0 {
        return Err(ClvError::InvalidArgument {
            name: "monthly_discount_rate",
            value: 0.0,
            constraint: "must be positive for the unlimited-horizon DERT",
        });
    }
    let delta = options.continuous_rate();
    let p = model.params();
    let alive = model.probability_alive(history)?;
    let (x, age) = (history.frequency(), history.age());
    let ln_u = ln_tricomi_u_s_s(p.s, delta * (p.beta + age));
    let ln_rest = (p.r + x).ln() - (p.alpha + age).ln()
        + (p.s - 1.0) * delta.ln()
        + p.s * (p.beta + age).ln()
        + ln_u;
    finite(alive * ln_rest.exp())
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
/// The 2F1 with a = 1 is summed as its series, whose terms shrink by at least 1/(1 + d) each.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when the discount rate is not positive and finite;
/// [`ClvError::NumericalFailure`] if the value is not finite.
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
    // 2F1(1, b; c; z) = Σ (b)_k/(c)_k z^k with c − b = γ > 0: ratios below z.
    let (b, c) = (delta + n + 1.0, gamma + delta + n + 1.0);
    let (mut term, mut series) = (1.0_f64, 1.0_f64);
    let mut k = 0.0;
    while term > 1e-17 * series {
        term *= (b + k) / (c + k) * z;
        series += term;
        k += 1.0;
    }
    let ln_value = ln_beta(alpha + x + 1.0, beta + n - x) - ln_beta(alpha, beta)
        + ln_beta(gamma, delta + n + 1.0)
        - ln_beta(gamma, delta)
        - discount_rate.ln_1p()
        + series.ln()
        - model.log_likelihood(history);
    finite(ln_value.exp())
}

/// ln Ψ(s, s; y) = ln[Γ(s)⁻¹ ∫ exp(s u − y eᵘ) / (1 + eᵘ) du] over u = ln t, s > 0, y > 0.
fn ln_tricomi_u_s_s(s: f64, y: f64) -> f64 {
    let ln_integrand = |u: f64| s * u - y * u.exp() - u.exp().ln_1p();
    // Below u_low the integrand is e^(su)(1 + O(eᵘ)): its tail e^(s u_low)/s is added exactly.
    let u_low = (-40.0_f64).min(-40.0 / s);
    // Above u_high, y eᵘ > 60 + s·u_high: negligible.
    let mut u_high = (60.0 / y).ln().max(1.0);
    while ln_integrand(u_high) > ln_integrand_peak(s, y) - 45.0 {
        u_high += 1.0;
    }
    let step = 0.1;
    let peak = ln_integrand_peak(s, y);
    let mut sum = 0.5 * (ln_integrand(u_low) - peak).exp();
    let mut u = u_low + step;
    while u < u_high {
        sum += (ln_integrand(u) - peak).exp();
        u += step;
    }
    let tail = (s * u_low - peak).exp() / s;
    peak + (sum * step + tail).ln() - ln_gamma(s)
}

/// An upper bound of the log-integrand's maximum, for scaling: s u − y eᵘ peaks at eᵘ = s/y.
fn ln_integrand_peak(s: f64, y: f64) -> f64 {
    let u = (s / y).ln();
    s * u - s
}
