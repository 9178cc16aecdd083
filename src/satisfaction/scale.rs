//! Overflow-free sums of extreme values: divide by the power of two at or below the largest
//! magnitude, sum, and multiply back.
//!
//! Squares of answers above 1.3e154 overflow and squares of weights below 1.5e-162 underflow, which
//! turned variances, correlations and Kish's effective sample size into NaN. Dividing by a power of
//! two is exact (short of the subnormal range), so for ordinary inputs every result is bit-identical
//! to the unscaled computation; after scaling the largest magnitude lies in [1, 2), so n squares sum
//! to at most 4n.

/// The bits of an f64's exponent field.
const EXPONENT_BITS: u64 = 0x7ff0_0000_0000_0000;

/// The largest power of two at or below |x|; 1 for 0, NaN and ±∞ (nothing to scale).
pub(crate) fn power_of_two_floor(x: f64) -> f64 {
    let bits = x.abs().to_bits();
    if bits == 0 || !x.is_finite() {
        return 1.0;
    }
    if bits & EXPONENT_BITS != 0 {
        // A normal number: keep its exponent, zero its mantissa.
        f64::from_bits(bits & EXPONENT_BITS)
    } else {
        // A subnormal: its highest mantissa bit is the power of two.
        f64::from_bits(1 << (63 - bits.leading_zeros()))
    }
}

/// The largest finite magnitude among `values` (0 when there is none).
pub(crate) fn largest_magnitude(values: impl IntoIterator<Item = f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0, |largest, v| largest.max(v.abs()))
}

/// The power of two that brings the largest finite magnitude of `values` into [1, 2).
pub(crate) fn scale_of(values: impl IntoIterator<Item = f64>) -> f64 {
    power_of_two_floor(largest_magnitude(values))
}

/// `values` divided by their [`scale_of`], and that scale.
pub(crate) fn scaled(values: &[f64]) -> (Vec<f64>, f64) {
    let scale = scale_of(values.iter().copied());
    (values.iter().map(|v| v / scale).collect(), scale)
}

/// The arithmetic mean of finite `values` (non-empty) without overflow, kept within their range
/// against rounding: the mean of [f64::MAX; 3] is f64::MAX, not ∞.
pub(crate) fn mean(values: &[f64]) -> f64 {
    let (scaled, scale) = scaled(values);
    let mean = scaled.iter().sum::<f64>() / scaled.len() as f64 * scale;
    let (low, high) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &v| {
            (low.min(v), high.max(v))
        });
    mean.clamp(low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_two_below_normal_and_subnormal_numbers() {
        assert_eq!(power_of_two_floor(3.0), 2.0);
        assert_eq!(power_of_two_floor(-0.75), 0.5);
        assert_eq!(power_of_two_floor(f64::MAX), 2f64.powi(1023));
        assert_eq!(power_of_two_floor(5e-324), 5e-324);
        // 3 · 2^-1074 lies between 2^-1073 and 2^-1072.
        assert_eq!(power_of_two_floor(1.5e-323), 1e-323);
        assert_eq!(power_of_two_floor(0.0), 1.0);
        assert_eq!(power_of_two_floor(f64::NAN), 1.0);
    }

    #[test]
    fn means_of_extremes_stay_finite() {
        assert_eq!(mean(&[f64::MAX; 3]), f64::MAX);
        assert_eq!(mean(&[1e308, -1e308]), 0.0);
        assert_eq!(mean(&[5e-324, 1.5e-323]), 1e-323);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
    }
}
