//! The one conversion from exact money to model arithmetic.
//!
//! Money is `rust_decimal::Decimal` at the API boundary and `f64` inside the models. Every place
//! that crosses that line calls [`to_f64`]: the rule is rust_decimal's `Decimal::to_f64`, which is
//! total (every `Decimal`, |d| < 7.93 · 10²⁸, is within `f64`'s range, so there is no failure to
//! handle and no fallback value), exact for integers below 2⁵³ and amounts with up to 15
//! significant digits, and otherwise within a few units in the last place of the nearest `f64`.
//! Converting back, money is rounded half-even to the stated number of decimals.
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
