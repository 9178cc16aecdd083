//! How far a tracking's expected transactions per period are from the actual ones over the
//! holdout.

use super::TrackedPeriod;
use crate::clv::error::finite_or_failure;
use crate::clv::ClvError;

/// Errors of the expected repeat transactions per period over the holdout periods, each period
/// weighing the same (error = expected − actual).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrackingErrors {
    /// The holdout periods.
    pub periods: usize,
    /// Mean of |expected − actual| per period.
    pub mean_absolute_error: f64,
    /// Mean of |expected − actual| / actual, in percent, over the holdout periods with at least
    /// one actual transaction; `None` when there is none.
    pub mean_absolute_percentage_error: Option<f64>,
    /// Mean of expected − actual per period: positive when the model over-forecasts.
    pub bias: f64,
    /// Actual repeat transactions in the holdout.
    pub actual_total: u64,
    /// Expected repeat transactions in the holdout.
    pub expected_total: f64,
}

/// The errors over the periods marked holdout, or `None` when there is none.
///
/// # Errors
///
/// [`ClvError::NumericalFailure`] when a sum overflows f64.
pub(super) fn holdout_errors(
    periods: &[TrackedPeriod],
) -> Result<Option<TrackingErrors>, ClvError> {
    let holdout: Vec<&TrackedPeriod> = periods.iter().filter(|p| p.holdout).collect();
    if holdout.is_empty() {
        return Ok(None);
    }
    let n = holdout.len() as f64;
    let (mut absolute, mut signed, mut expected_total, mut actual_total) = (0.0, 0.0, 0.0, 0u64);
    let (mut percentage, mut with_actual) = (0.0, 0usize);
    for p in &holdout {
        let error = p.expected - p.actual as f64;
        absolute += error.abs();
        signed += error;
        expected_total += p.expected;
        actual_total += p.actual;
        if p.actual > 0 {
            percentage += error.abs() / p.actual as f64;
            with_actual += 1;
        }
    }
    let what = "the tracking errors overflow f64";
    Ok(Some(TrackingErrors {
        periods: holdout.len(),
        mean_absolute_error: finite_or_failure(absolute / n, what)?,
        mean_absolute_percentage_error: (with_actual > 0)
            .then(|| finite_or_failure(100.0 * percentage / with_actual as f64, what))
            .transpose()?,
        bias: finite_or_failure(signed / n, what)?,
        actual_total,
        expected_total: finite_or_failure(expected_total, what)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn period(holdout: bool, actual: u64, expected: f64) -> TrackedPeriod {
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        TrackedPeriod {
            first_day: day,
            last_day: day,
            holdout,
            actual,
            expected,
            cumulative_actual: 0,
            cumulative_expected: 0.0,
        }
    }

    #[test]
    fn errors_over_the_holdout_periods_only() {
        let periods = [
            period(false, 100, 0.0),
            period(true, 10, 12.0),
            period(true, 0, 1.0),
            period(true, 20, 15.0),
        ];
        let e = holdout_errors(&periods).unwrap().unwrap();
        assert_eq!(e.periods, 3);
        // |2| + |1| + |−5| = 8 over 3 periods; 2 + 1 − 5 = −2.
        assert!((e.mean_absolute_error - 8.0 / 3.0).abs() < 1e-12);
        assert!((e.bias + 2.0 / 3.0).abs() < 1e-12);
        // (2/10 + 5/20) / 2 = 22.5 %: the period without a transaction is left out.
        assert!((e.mean_absolute_percentage_error.unwrap() - 22.5).abs() < 1e-12);
        assert_eq!((e.actual_total, e.expected_total), (30, 28.0));
        let no_actual = holdout_errors(&[period(true, 0, 1.0)]).unwrap().unwrap();
        assert_eq!(no_actual.mean_absolute_percentage_error, None);
        assert_eq!(holdout_errors(&[period(false, 1, 1.0)]).unwrap(), None);
    }
}
