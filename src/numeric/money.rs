//! The one conversion from exact money to model arithmetic.
//!
//! Money is `rust_decimal::Decimal` at the API boundary and `f64` inside the models. Every place
//! that crosses that line calls [`to_f64`]: the rule is rust_decimal's `Decimal::to_f64`, which is
//! total (every `Decimal`, |d| < 7.93 · 10²⁸, is within `f64`'s range, so there is no failure to
//! handle and no fallback value), exact for integers below 2⁵³ and amounts with up to 15
//! significant digits, and otherwise within a few units in the last place of the nearest `f64`.
//! Converting back, money is rounded half away from zero to the stated number of decimals.
//!
//! # Examples
//!
//! ```
//! use customer_value::numeric::money::to_f64;
//! use rust_decimal::Decimal;
//! assert_eq!(to_f64(Decimal::new(2550, 2)), 25.5);
//! assert_eq!(to_f64(Decimal::new(-1, 2)), -0.01);
//! assert!((to_f64(Decimal::MAX) - 7.922816251426434e28).abs() < 1e13);
//! ```

use rust_decimal::Decimal;

/// `d` as the nearest `f64` under the rule of this module; never fails.
///
/// # Examples
///
/// ```
/// use customer_value::numeric::money::to_f64;
/// use rust_decimal::Decimal;
/// assert_eq!(to_f64(Decimal::new(12345, 0)), 12345.0);
/// ```
pub fn to_f64(d: Decimal) -> f64 {
    d.as_f64()
}

/// Powers of ten that are exact in `f64`, for the fast path of [`from_f64_rounded`].
const POWERS_OF_TEN: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// How close (in units of the last decimal kept) to a rounding midpoint or to a whole number of
/// those units the fast path leaves an amount to the exact one. The fast path's scaled value is
/// within 2⁻²¹ ≈ 4.8 · 10⁻⁷ of the exact scaled amount (one rounding of a product below 2³²), and
/// rust_decimal's `from_f64` within about as much again; 10⁻⁵ leaves a factor 10 to spare.
const MARGIN: f64 = 1e-5;

/// `value` as `Decimal` rounded half away from zero to `places` decimals: rust_decimal's
/// `Decimal::from_f64` followed by `round_dp_with_strategy(places, MidpointAwayFromZero)`, the
/// same value and the same scale, or `None` where `from_f64` has none (not finite, beyond
/// `Decimal`'s range).
///
/// Why a fast path: the conversion of a binary `f64` into a base-10 `Decimal` took 60% of a
/// per-interval forecast (15 amounts per customer). Where the amount scaled by 10^places is below
/// 2³², not near a midpoint (where the two roundings could differ) and not near a whole number
/// (where `from_f64` may keep fewer decimals than `places`, which changes the scale), the rounded
/// integer is read from the `f64` product directly; the other amounts, and zero (whose sign
/// `Decimal` keeps), take the exact path. The unit tests check the two paths against each other.
pub(crate) fn from_f64_rounded(value: f64, places: u32) -> Option<Decimal> {
    fast_rounded(value, places).or_else(|| exact_rounded(value, places))
}

/// The fast path of [`from_f64_rounded`], `None` where it leaves the amount to the exact one.
fn fast_rounded(value: f64, places: u32) -> Option<Decimal> {
    let scaled = value * POWERS_OF_TEN.get(places as usize)?;
    if scaled.is_nan() || scaled.abs() >= 4_294_967_296.0 {
        return None;
    }
    let fraction = scaled.abs().fract();
    let clear = fraction > MARGIN && fraction < 1.0 - MARGIN && (fraction - 0.5).abs() > MARGIN;
    let units = scaled.round() as i64;
    (clear && units != 0).then(|| Decimal::new(units, places))
}

/// The exact path of [`from_f64_rounded`].
fn exact_rounded(value: f64, places: u32) -> Option<Decimal> {
    use rust_decimal::prelude::FromPrimitive;
    let amount = Decimal::from_f64(value)?;
    Some(
        amount.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The two paths agree on value and scale (so on the text too) wherever the fast one answers,
    /// on amounts from 10⁻⁴ to 10⁹ of either sign.
    fn paths_agree(value: f64, places: u32) {
        if let Some(fast) = fast_rounded(value, places) {
            let exact = exact_rounded(value, places).expect("finite, in range");
            assert_eq!(
                fast.to_string(),
                exact.to_string(),
                "{value} to {places} places"
            );
            assert_eq!(fast.scale(), exact.scale(), "{value} to {places} places");
        }
    }

    proptest! {
        #[test]
        fn fast_path_equals_exact(mantissa in 1.0f64..10.0, exponent in -4i32..9, negative: bool,
                                  places in 0u32..10) {
            let value = mantissa * 10f64.powi(exponent) * if negative { -1.0 } else { 1.0 };
            paths_agree(value, places);
        }
    }

    /// Midpoints and whole numbers of cents, which the fast path leaves to the exact one: 2.675 is
    /// 2.67499999999999982… in binary but `from_f64` reads it as 2.675 (so 2.68, where the
    /// binary value would round down), 0.1 has one decimal (scale 1, not 2), and 0.125 is a true
    /// midpoint.
    #[test]
    fn near_midpoints_and_short_decimals_take_the_exact_path() {
        for value in [2.675, 0.1, 0.125, 1.5, 3.0, -0.001, 1e12] {
            assert_eq!(fast_rounded(value, 2), None, "{value}");
        }
        assert_eq!(from_f64_rounded(2.675, 2).unwrap().to_string(), "2.68");
        assert_eq!(from_f64_rounded(0.1, 2).unwrap().to_string(), "0.1");
        assert_eq!(from_f64_rounded(36.27849, 2), Some(Decimal::new(3628, 2)));
        assert_eq!(from_f64_rounded(f64::NAN, 2), None);
    }
}
