//! Exact rescaling by powers of two, so that sums of squares of points near ±1e308 (or near
//! 1e-300) neither overflow nor underflow.
//!
//! Multiplying by 2^e changes only a float's exponent: it is exact whenever the result is a normal
//! float, and every rounded operation after it (sum, difference, product, quotient, square root
//! of an even power) rounds the same way as on the original values. So k-means, its quality
//! metrics and the z-score run on the rescaled values give, once scaled back, the very floats the
//! original values give wherever those did not overflow or underflow, and finite ones where they
//! did.

/// Multiplication by 2^exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PowerOfTwo {
    exponent: i32,
}

/// 2^exponent for an exponent of a normal float (−1022 ..= 1023).
fn normal_power(exponent: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&exponent));
    f64::from_bits(((exponent + 1023) as u64) << 52)
}

impl PowerOfTwo {
    /// Multiplication by 1.
    pub(crate) const ONE: Self = Self { exponent: 0 };

    /// The power of two that brings `largest` (a finite magnitude) into [0.5, 1): the exponent of
    /// `largest` negated. Multiplication by 1 for 0.
    pub(crate) fn normalising(largest: f64) -> Self {
        if largest == 0.0 || !largest.is_finite() {
            return Self::ONE;
        }
        Self {
            exponent: -binary_exponent(largest.abs()),
        }
    }

    /// `value` × 2^exponent, in steps that stay within the normal range, so a subnormal value
    /// is scaled up exactly and only a subnormal result is rounded.
    pub(crate) fn apply(self, value: f64) -> f64 {
        let mut exponent = self.exponent;
        let mut out = value;
        while exponent > 1023 {
            out *= normal_power(1023);
            exponent -= 1023;
        }
        while exponent < -1022 {
            out *= normal_power(-1022);
            exponent += 1022;
        }
        out * normal_power(exponent)
    }

    /// The inverse scaling (back to the caller's units).
    pub(crate) fn inverse(self) -> Self {
        Self {
            exponent: -self.exponent,
        }
    }

    /// The scaling of squares (2^(2·exponent)).
    pub(crate) fn squared(self) -> Self {
        Self {
            exponent: 2 * self.exponent,
        }
    }

    /// log10 of the factor.
    pub(crate) fn log10(self) -> f64 {
        f64::from(self.exponent) * std::f64::consts::LOG10_2
    }
}

/// e such that `magnitude` = m · 2^e with m in [0.5, 1) (C's `frexp`), for a positive finite
/// magnitude, subnormals included.
fn binary_exponent(magnitude: f64) -> i32 {
    let bits = magnitude.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: scale into the normal range first (2^64 is exact).
        return binary_exponent(magnitude * normal_power(64)) - 64;
    }
    biased - 1022
}

/// The largest magnitude among `values` (0 when empty).
pub(crate) fn largest_magnitude(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// `value` × `factor`, in the caller's units when finite, else `None` with the decimal
/// logarithm of the true value (for the error message).
pub(crate) fn scaled_back(value: f64, factor: PowerOfTwo) -> Result<f64, f64> {
    let out = factor.apply(value);
    if out.is_finite() {
        Ok(out)
    } else {
        Err(value.abs().log10() + factor.log10())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_brings_the_largest_magnitude_into_half_to_one() {
        for largest in [
            5e-324,
            1e-310,
            f64::MIN_POSITIVE,
            1e-300,
            0.5,
            1.0,
            3.0,
            1e308,
            f64::MAX,
        ] {
            let scale = PowerOfTwo::normalising(largest);
            let scaled = scale.apply(largest);
            assert!((0.5..1.0).contains(&scaled), "{largest:e} → {scaled}");
            // Back again, exactly.
            assert_eq!(scale.inverse().apply(scaled), largest, "{largest:e}");
        }
        assert_eq!(PowerOfTwo::normalising(0.0), PowerOfTwo::ONE);
        // f64::MAX = (2 − 2^-52) · 2^1023: exponent 1024 in frexp's convention.
        assert_eq!(
            PowerOfTwo::normalising(f64::MAX).log10(),
            -1024.0 * std::f64::consts::LOG10_2
        );
    }

    #[test]
    fn scaling_back_reports_the_magnitude_of_what_overflows() {
        let up = PowerOfTwo::normalising(1e-300).inverse().squared();
        assert_eq!(scaled_back(0.0, up), Ok(0.0));
        let down = PowerOfTwo::normalising(1e300).inverse().squared();
        let log10 = scaled_back(0.5, down).unwrap_err();
        // 0.5 · 2^(2·997) ≈ 1.3e600.
        assert!((log10 - (0.5f64.log10() + 1994.0 * std::f64::consts::LOG10_2)).abs() < 1e-12);
    }
}
