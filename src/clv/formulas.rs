//! Simple CLV formulas for teams without transaction-level data.
//!
//! - [`historic_clv`]: average order value × purchase frequency × expected lifespan × gross margin;
//! - [`margin_multiple_clv`]: Gupta & Lehmann (2003), "Customers as assets", CLV = m · r/(1 + i − r)
//!   for a margin m per period, retention r and discount rate i (infinite horizon, margins at the end
//!   of each period), and m(1 + i)/(1 + i − r) when the first margin is counted now;
//! - [`finite_horizon_clv`]: Σ_{t=1..T} m · rᵗ/(1 + i)ᵗ;
//! - [`contractual_clv`]: margin × discounted expected residual lifetime (DERL) of a
//!   shifted-beta-geometric retention model (Fader & Hardie 2010), which stays finite when the
//!   undiscounted expected lifetime is infinite ([`contractual_clv_from_model`] takes the fitted
//!   [`ShiftedBetaGeometric`], [`contractual_clv`] a DERL from anywhere).
//!
//! Money is `Decimal` in and out; the arithmetic on rates is in f64 and the result is rounded to
//! the requested decimal places (half away from zero).
//!
//! # Finite results
//!
//! Every rate is checked (finite, in its range) and every result converted to `Decimal`, so a value
//! beyond `Decimal`'s range (about 7.9 · 10²⁸) or not finite is a [`ClvError::NumericalFailure`],
//! never a panic. Each formula takes constant time, [`finite_horizon_clv`] included (closed form
//! for any number of periods).
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::formulas::{margin_multiple_clv, FirstMargin};
//! use rust_decimal::Decimal;
//!
//! let m = Decimal::from(100);
//! assert_eq!(margin_multiple_clv(m, 0.8, 0.1, FirstMargin::Excluded, 2)?, Decimal::new(26667, 2));
//! assert_eq!(margin_multiple_clv(m, 0.8, 0.1, FirstMargin::Included, 2)?, Decimal::new(36667, 2));
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::clv::{ClvError, ShiftedBetaGeometric};
use crate::numeric::money::to_f64;

/// Whether the margin of the current period is counted in the Gupta–Lehmann multiple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FirstMargin {
    /// Margins arrive at the end of each period: m · r/(1 + i − r).
    Excluded,
    /// The first margin is earned now: m(1 + i)/(1 + i − r).
    Included,
}

fn invalid(name: &'static str, value: f64, constraint: &'static str) -> ClvError {
    ClvError::InvalidArgument {
        name,
        value,
        constraint,
    }
}

fn money(value: f64, places: u32) -> Result<Decimal, ClvError> {
    if places > 20 {
        return Err(invalid(
            "decimal_places",
            f64::from(places),
            "must be at most 20",
        ));
    }
    Decimal::from_f64(value)
        .map(|d| d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
        .ok_or(ClvError::NumericalFailure {
            what: "amount outside Decimal's range",
        })
}

fn check_rate(name: &'static str, value: f64, allow_one: bool) -> Result<(), ClvError> {
    let ok = value.is_finite() && value >= 0.0 && (value < 1.0 || (allow_one && value == 1.0));
    if ok {
        Ok(())
    } else {
        Err(invalid(name, value, "must be in [0, 1)"))
    }
}

fn check_discount(value: f64) -> Result<(), ClvError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(invalid(
            "discount_rate",
            value,
            "must be non-negative and finite",
        ))
    }
}

/// Historic CLV = average order value × purchases per period × expected lifespan (periods) × gross
/// margin, computed exactly in `Decimal` except for the f64 factors, then rounded to `places`.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when the frequency or lifespan is negative or not finite, the margin
/// is outside [0, 1], or `places` exceeds 20; [`ClvError::NumericalFailure`] on overflow.
///
/// # Examples
///
/// ```
/// use customer_value::clv::formulas::historic_clv;
/// use rust_decimal::Decimal;
/// // 50.00 per order, 4 orders a year, 3 years, 25% margin: 150.00
/// assert_eq!(historic_clv(Decimal::new(5000, 2), 4.0, 3.0, 0.25, 2)?, Decimal::new(15000, 2));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn historic_clv(
    average_order_value: Decimal, purchases_per_period: f64, expected_lifespan_periods: f64,
    gross_margin: f64, places: u32,
) -> Result<Decimal, ClvError> {
    for (name, value) in [
        ("purchases_per_period", purchases_per_period),
        ("expected_lifespan_periods", expected_lifespan_periods),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(invalid(name, value, "must be non-negative and finite"));
        }
    }
    if !(gross_margin.is_finite() && (0.0..=1.0).contains(&gross_margin)) {
        return Err(invalid("gross_margin", gross_margin, "must be in [0, 1]"));
    }
    let aov = to_f64(average_order_value);
    money(
        aov * purchases_per_period * expected_lifespan_periods * gross_margin,
        places,
    )
}

/// Gupta–Lehmann margin multiple: m · r/(1 + i − r), or m(1 + i)/(1 + i − r) counting the first
/// margin (Gupta & Lehmann 2003, eq. 2 and footnote).
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when r is outside [0, 1), i is negative or not finite, or `places`
/// exceeds 20.
///
/// # Examples
///
/// ```
/// use customer_value::clv::formulas::{margin_multiple_clv, FirstMargin};
/// use rust_decimal::Decimal;
/// assert_eq!(margin_multiple_clv(Decimal::from(100), 0.8, 0.1, FirstMargin::Excluded, 2)?, Decimal::new(26667, 2));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn margin_multiple_clv(
    margin: Decimal, retention_rate: f64, discount_rate: f64, first_margin: FirstMargin,
    places: u32,
) -> Result<Decimal, ClvError> {
    check_rate("retention_rate", retention_rate, false)?;
    check_discount(discount_rate)?;
    let m = to_f64(margin);
    let numerator = match first_margin {
        FirstMargin::Excluded => retention_rate,
        FirstMargin::Included => 1.0 + discount_rate,
    };
    money(
        m * numerator / (1.0 + discount_rate - retention_rate),
        places,
    )
}

/// Finite-horizon CLV: Σ_{t=1..T} m · rᵗ/(1 + i)ᵗ, summed in closed form as m · q(1 − q^T)/(1 − q)
/// with q = r/(1 + i) (and m · T when q = 1), so any T up to `u32::MAX` takes the same time. Both
/// 1 − q^T and 1 − q are formed with `expm1` of logarithms, exact even when q is within 10⁻¹⁶ of 1.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when r is outside [0, 1], i is negative or not finite, or `places`
/// exceeds 20; [`ClvError::NumericalFailure`] when the value is outside `Decimal`'s range.
///
/// # Examples
///
/// ```
/// use customer_value::clv::formulas::finite_horizon_clv;
/// use rust_decimal::Decimal;
/// // 100 (0.8/1.1 + 0.8²/1.1²) = 72.727… + 52.893… = 125.62
/// assert_eq!(finite_horizon_clv(Decimal::from(100), 0.8, 0.1, 2, 2)?, Decimal::new(12562, 2));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn finite_horizon_clv(
    margin: Decimal, retention_rate: f64, discount_rate: f64, periods: u32, places: u32,
) -> Result<Decimal, ClvError> {
    check_rate("retention_rate", retention_rate, true)?;
    check_discount(discount_rate)?;
    let m = to_f64(margin);
    money(
        m * geometric_sum(retention_rate, discount_rate, periods),
        places,
    )
}

/// Σ_{t=1..T} qᵗ with q = r/(1 + i), r ∈ [0, 1], i ≥ 0.
fn geometric_sum(retention_rate: f64, discount_rate: f64, periods: u32) -> f64 {
    let periods = f64::from(periods);
    if retention_rate == 0.0 || periods == 0.0 {
        return 0.0;
    }
    let ln_q = retention_rate.ln() - discount_rate.ln_1p();
    if ln_q == 0.0 {
        return periods;
    }
    ln_q.exp() * (periods * ln_q).exp_m1() / ln_q.exp_m1()
}

/// Contractual CLV from a fitted shifted-beta-geometric retention model: margin per period ×
/// [`ShiftedBetaGeometric::discounted_expected_residual_lifetime`] at `discount_rate` per period for
/// a customer who has made `renewals` renewals (Fader & Hardie 2010, eq. 6). Finite even when the
/// undiscounted expected lifetime is infinite (α ≤ 1, as in both published cohorts).
///
/// # Errors
///
/// The model's DERL errors ([`ClvError::InvalidArgument`] for a discount rate that is not positive
/// and finite), and [`ClvError::InvalidArgument`] when `places` exceeds 20.
///
/// # Examples
///
/// ```
/// use customer_value::clv::formulas::{contractual_clv_from_model};
/// use customer_value::clv::ShiftedBetaGeometric;
/// use rust_decimal::Decimal;
/// // The "regular" cohort of Fader & Hardie (2007) at its MLE.
/// let model = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
/// let clv = contractual_clv_from_model(Decimal::from(100), &model, 0.1, 0, 2)?;
/// let derl = model.discounted_expected_residual_lifetime(0.1, 0)?;
/// assert_eq!(clv, (Decimal::from(100) * Decimal::try_from(derl).unwrap()).round_dp(2));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn contractual_clv_from_model(
    margin_per_period: Decimal, model: &ShiftedBetaGeometric, discount_rate: f64, renewals: u32,
    places: u32,
) -> Result<Decimal, ClvError> {
    let derl = model.discounted_expected_residual_lifetime(discount_rate, renewals)?;
    contractual_clv(margin_per_period, derl, places)
}

/// Contractual CLV = margin per period × DERL, the discounted expected residual lifetime of a
/// subscriber (Fader & Hardie 2010, "Customer-base valuation in a contractual setting", eq. 6),
/// as computed by the shifted-beta-geometric model.
///
/// DERL is taken as a number so that any retention model can supply it; it must be positive and
/// finite.
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when `derl` is negative or not finite, or `places` exceeds 20.
///
/// # Examples
///
/// ```
/// use customer_value::clv::formulas::contractual_clv;
/// use rust_decimal::Decimal;
/// assert_eq!(contractual_clv(Decimal::from(100), 4.125, 2)?, Decimal::new(41250, 2));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn contractual_clv(
    margin_per_period: Decimal, derl: f64, places: u32,
) -> Result<Decimal, ClvError> {
    if !(derl.is_finite() && derl >= 0.0) {
        return Err(invalid("derl", derl, "must be non-negative and finite"));
    }
    let m = to_f64(margin_per_period);
    money(m * derl, places)
}
