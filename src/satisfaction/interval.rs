//! Shared interval machinery: confidence levels, normal and t quantiles, Wilson's interval, Kish's
//! effective sample size and weight checks.

use super::scale::{largest_magnitude, scale_of};
use super::student_t::{normal_survival, normal_upper_quantile, t_survival, t_upper_quantile};
use super::{Result, SatisfactionError};

pub use crate::interval::Interval;

/// Checks a confidence level lies strictly between 0 and 1.
pub(crate) fn check_level(level: f64) -> Result<()> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(SatisfactionError::InvalidParameter {
            name: "level",
            value: level,
            constraint: "a confidence level must lie strictly between 0 and 1",
        })
    }
}

/// The two-sided critical value z_{1−(1−level)/2} of the standard normal, as −z_{(1−level)/2}: the
/// tail 1 − level is exact for levels near 1, where 0.5 + level/2 would round to 1 and give ∞
/// (level 1 − 1.1e-16 gives z = 8.29).
pub(crate) fn normal_critical(level: f64) -> Result<f64> {
    check_level(level)?;
    Ok(normal_upper_quantile((1.0 - level) / 2.0))
}

/// Two-sided p-value of a standard normal statistic, from the survival function so that tiny
/// p-values keep their precision.
pub(crate) fn normal_two_sided_p(z: f64) -> f64 {
    (2.0 * normal_survival(z.abs())).min(1.0)
}

/// The two-sided critical value of Student's t with `df > 0` degrees of freedom, from the tail
/// (1 − level)/2 as in [`normal_critical`]; +∞ when it lies beyond `f64::MAX` (df near 0).
pub(crate) fn t_critical(level: f64, df: f64) -> Result<f64> {
    check_level(level)?;
    check_df(df)?;
    Ok(t_upper_quantile((1.0 - level) / 2.0, df))
}

/// Two-sided p-value of a t statistic with `df > 0` degrees of freedom, from the survival function.
///
/// statrs unwraps its incomplete beta function, which panics (XOutOfRange) for a NaN statistic, so a
/// NaN is refused here before it gets there.
pub(crate) fn t_two_sided_p(t: f64, df: f64) -> Result<f64> {
    if t.is_nan() {
        return Err(SatisfactionError::InvalidParameter {
            name: "t statistic",
            value: t,
            constraint: "must be a number",
        });
    }
    check_df(df)?;
    if t.is_infinite() {
        return Ok(0.0);
    }
    Ok((2.0 * t_survival(t.abs(), df)).min(1.0))
}

/// Checks Student's t degrees of freedom are positive and finite.
fn check_df(df: f64) -> Result<()> {
    if df.is_finite() && df > 0.0 {
        Ok(())
    } else {
        Err(SatisfactionError::InvalidParameter {
            name: "degrees of freedom",
            value: df,
            constraint: "must be positive and finite",
        })
    }
}

/// Wilson's score interval for a proportion `successes / total` (Wilson 1927, *JASA* 22(158)):
/// centre (p̂ + z²/2n) / (1 + z²/n), half-width z √(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n), computed as
/// centre (s + z²/2) / (n + z²) and half-width z √(n p̂(1 − p̂) + z²/4) / (n + z²) (the same after
/// multiplying through by n), which stays finite for any total from 5e-324 (z²/n would overflow) to
/// `f64::MAX` (n² would).
///
/// `successes` and `total` may be weighted or effective counts (non-integer). The interval's
/// `estimate` is p̂ itself, which the Wilson interval always contains.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::wilson_interval;
/// // REFERENCE.md: 80 satisfied of 100 gives [0.7112, 0.8666].
/// let interval = wilson_interval(80.0, 100.0, 0.95)?;
/// assert!((interval.lower - 0.7112).abs() < 1e-4);
/// assert!((interval.upper - 0.8666).abs() < 1e-4);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// # Errors
///
/// [`SatisfactionError::EmptyInput`] when `total` is not positive;
/// [`SatisfactionError::InvalidParameter`] when `successes` is negative, not finite or above
/// `total`, or `level` is not strictly between 0 and 1.
pub fn wilson_interval(successes: f64, total: f64, level: f64) -> Result<Interval> {
    if !(total.is_finite() && total > 0.0) {
        return Err(SatisfactionError::EmptyInput);
    }
    if !(successes.is_finite() && (0.0..=total).contains(&successes)) {
        return Err(SatisfactionError::InvalidParameter {
            name: "successes",
            value: successes,
            constraint: "must lie between 0 and the total",
        });
    }
    let z = normal_critical(level)?;
    let p = successes / total;
    let z2 = z * z;
    let denominator = total + z2;
    let centre = (successes + z2 / 2.0) / denominator;
    let half = z * (total * p * (1.0 - p) + z2 / 4.0).sqrt() / denominator;
    // Rounding can push a bound a hair past p̂ when p̂ is 0 or 1; clamp keeps the guarantee.
    Ok(Interval::new(
        p,
        (centre - half).clamp(0.0, p),
        (centre + half).clamp(p, 1.0),
        level,
    ))
}

/// Kish's effective sample size (Σw)² / Σw² of respondent weights (Kish 1965, *Survey Sampling*):
/// the number of unweighted respondents that would give the same precision. It does not depend on
/// the weights' scale, so they are first divided by a power of two near the largest: weights from
/// 5e-324 to `f64::MAX` give a finite n_eff between 1 and the number of weights.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::effective_sample_size;
/// assert_eq!(effective_sample_size(&[1.0, 1.0, 1.0, 1.0])?, 4.0);
/// assert!((effective_sample_size(&[1.0, 3.0])? - 1.6).abs() < 1e-12);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// # Errors
///
/// [`SatisfactionError::EmptyInput`] for no weights, [`SatisfactionError::InvalidWeight`] for a
/// negative or non-finite weight (with its position), [`SatisfactionError::ZeroTotalWeight`] when all
/// are zero.
pub fn effective_sample_size(weights: &[f64]) -> Result<f64> {
    check_weights(weights, weights.len())?;
    let scale = scale_of(weights.iter().copied());
    let sum: f64 = weights.iter().map(|w| w / scale).sum();
    let sum_squares: f64 = weights.iter().map(|w| (w / scale).powi(2)).sum();
    Ok(kish(sum, sum_squares, weights.len()))
}

/// Kish's (Σw)²/Σw², kept within its range [1, respondents] against rounding ([f64::MAX; 3]
/// would otherwise give 3.0000000000000004).
pub(crate) fn kish(sum: f64, sum_squares: f64, respondents: usize) -> f64 {
    (sum * sum / sum_squares).clamp(1.0, (respondents as f64).max(1.0))
}

/// Checks weights: same length as the answers, non-negative, finite, not all zero.
pub(crate) fn check_weights(weights: &[f64], answers: usize) -> Result<()> {
    if weights.len() != answers {
        return Err(SatisfactionError::LengthMismatch {
            name: "weights",
            expected: answers,
            found: weights.len(),
        });
    }
    if weights.is_empty() {
        return Err(SatisfactionError::EmptyInput);
    }
    if let Some((position, &value)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err(SatisfactionError::InvalidWeight { position, value });
    }
    if weights.iter().all(|&w| w == 0.0) {
        return Err(SatisfactionError::ZeroTotalWeight);
    }
    Ok(())
}

/// Checks integer answers lie in `min..=max`, naming the first that does not.
pub(crate) fn check_scale(answers: &[u8], min: u8, max: u8) -> Result<()> {
    if answers.is_empty() {
        return Err(SatisfactionError::EmptyInput);
    }
    match answers
        .iter()
        .enumerate()
        .find(|(_, a)| !(min..=max).contains(*a))
    {
        Some((position, &value)) => Err(SatisfactionError::OutOfScale {
            position,
            value: f64::from(value),
            min: f64::from(min),
            max: f64::from(max),
        }),
        None => Ok(()),
    }
}

/// Answers on an integer scale 0…max, tallied per answer value.
///
/// Weights are tallied in units of `unit`, a power of two at or below the largest weight, so that
/// Σw and Σw² neither overflow (weights near `f64::MAX`) nor underflow (subnormal weights).
pub(crate) struct Binned {
    /// Total weight in `unit`s (the count when unweighted) of each answer value 0…max.
    pub totals: Vec<f64>,
    /// Σw² in `unit`²s over respondents (the count when unweighted), for Kish's n_eff.
    pub sum_squares: f64,
    /// Respondents tallied.
    pub respondents: usize,
    /// The power of two the weights were divided by (1 when unweighted).
    pub unit: f64,
    /// The largest weight (1 when unweighted).
    pub largest_weight: f64,
}

impl Binned {
    /// Σw over respondents.
    pub fn sum_weights(&self) -> f64 {
        self.totals.iter().sum()
    }

    /// Kish's effective sample size (Σw)² / Σw².
    pub fn effective_n(&self) -> f64 {
        kish(self.sum_weights(), self.sum_squares, self.respondents)
    }

    /// (value, total weight) of each answer value from `min` up, for the mean.
    pub fn value_totals(&self, min: u8) -> Vec<(f64, f64)> {
        self.totals
            .iter()
            .enumerate()
            .skip(usize::from(min))
            .map(|(value, &total)| (value as f64, total))
            .collect()
    }
}

/// Tallies checked answers (already known to lie in 0…max). Unweighted tallies are integer counts;
/// weighted tallies add each value's weights in ascending order, so either way the result does not
/// depend on the order of the answers.
pub(crate) fn bin_answers(answers: &[u8], weights: Option<&[f64]>, max: u8) -> Result<Binned> {
    let bins = usize::from(max) + 1;
    match weights {
        None => {
            let mut counts = vec![0u64; bins];
            for &answer in answers {
                counts[usize::from(answer)] += 1;
            }
            Ok(Binned {
                totals: counts.iter().map(|&c| c as f64).collect(),
                sum_squares: answers.len() as f64,
                respondents: answers.len(),
                unit: 1.0,
                largest_weight: 1.0,
            })
        }
        Some(weights) => {
            check_weights(weights, answers.len())?;
            let largest_weight = largest_magnitude(weights.iter().copied());
            let unit = scale_of([largest_weight]);
            let mut per_value: Vec<Vec<f64>> = vec![Vec::new(); bins];
            for (&answer, &weight) in answers.iter().zip(weights) {
                per_value[usize::from(answer)].push(weight / unit);
            }
            let mut all: Vec<f64> = weights.iter().map(|w| w / unit).collect();
            all.sort_unstable_by(f64::total_cmp);
            Ok(Binned {
                totals: per_value
                    .iter_mut()
                    .map(|w| {
                        w.sort_unstable_by(f64::total_cmp);
                        w.iter().sum()
                    })
                    .collect(),
                sum_squares: all.iter().map(|w| w * w).sum(),
                respondents: answers.len(),
                unit,
                largest_weight,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_reference() {
        let interval = wilson_interval(80.0, 100.0, 0.95).unwrap();
        assert!((interval.lower - 0.7112).abs() < 5e-5);
        assert!((interval.upper - 0.8666).abs() < 5e-5);
    }

    #[test]
    fn wilson_at_the_edges_contains_estimate() {
        let none = wilson_interval(0.0, 10.0, 0.95).unwrap();
        assert_eq!(none.lower, 0.0);
        assert!(none.upper > 0.2);
        let all = wilson_interval(10.0, 10.0, 0.95).unwrap();
        assert_eq!(all.upper, 1.0);
        assert!(all.lower < 0.8);
    }

    #[test]
    fn levels_outside_zero_one_are_rejected() {
        for level in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(matches!(
                normal_critical(level),
                Err(SatisfactionError::InvalidParameter { name: "level", .. })
            ));
        }
        // z_{0.975} = 1.959963984540054 (scipy.stats.norm.ppf(0.975)).
        assert!((normal_critical(0.95).unwrap() - 1.959963984540054).abs() < 1e-9);
        // t_{0.975, 10} = 2.2281388519649385 (scipy.stats.t.ppf(0.975, 10)).
        assert!((t_critical(0.95, 10.0).unwrap() - 2.2281388519649385).abs() < 1e-9);
    }

    #[test]
    fn weights_are_checked() {
        assert_eq!(
            check_weights(&[1.0, -1.0], 2),
            Err(SatisfactionError::InvalidWeight {
                position: 1,
                value: -1.0
            })
        );
        assert_eq!(
            check_weights(&[0.0, 0.0], 2),
            Err(SatisfactionError::ZeroTotalWeight)
        );
        assert!(matches!(
            check_weights(&[1.0], 2),
            Err(SatisfactionError::LengthMismatch { .. })
        ));
    }
}
