//! Model checking for the purchase models: the calibration frequency histogram and its chi-square
//! test, the calibration/holdout comparison (Fader, Hardie & Lee 2005, figure 4), a probability-alive
//! matrix over a (frequency, recency) grid, and delta-method intervals for any prediction.
//!
//! Every function here works through the public [`PurchaseModel`] trait (or, for
//! [`delta_method_interval`], any function of the parameters), so it serves BG/NBD, MBG/NBD and
//! Pareto/NBD alike.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{BgNbd, RepeatHistory};
//! use customer_value::clv::diagnostics::{expected_frequency_histogram, observed_frequency_histogram};
//!
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let histories = [RepeatHistory::new(0.0, 0.0, 38.86)?, RepeatHistory::new(2.0, 30.43, 38.86)?];
//! let expected = expected_frequency_histogram(&model, &histories, 3)?;
//! let observed = observed_frequency_histogram(&histories, 3);
//! assert_eq!(observed, vec![1.0, 0.0, 1.0, 0.0]);
//! // Expected counts of customers with 0, 1, 2 and 3+ repeat purchases sum to the customer count.
//! assert!((expected.iter().sum::<f64>() - 2.0).abs() < 1e-12);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::clv::{check_length, check_positive_argument, ClvError, PurchaseModel, RepeatHistory};

pub use crate::interval::Interval;

/// A delta-method interval for a function `f` of the parameters, from their covariance (e.g.
/// [`crate::clv::ParameterCovariance::matrix`]), with the gradient of `f` by central differences.
///
/// The gradient step for parameter i is 1e-5 · max(|θ_i|, 1e-4); where `f` fails on one side
/// (a parameter pushed out of its domain) a one-sided difference is used.
///
/// # Errors
///
/// - [`ClvError::InvalidArgument`] when `level` is not in (0, 1);
/// - [`ClvError::LengthMismatch`] when `covariance` is not `params.len()` × `params.len()`;
/// - [`ClvError::NumericalFailure`] when a parameter or covariance entry is not finite, the variance
///   comes out negative or not finite, or `f` fails on both sides of a parameter;
/// - any error of `f` at `params` itself.
///
/// # Examples
///
/// ```
/// use customer_value::clv::diagnostics::delta_method_interval;
/// // f(θ) = θ0 + 2 θ1 with independent parameters of variance 1 and 0.25: SE² = 1 + 4 · 0.25 = 2.
/// let i = delta_method_interval(|p| Ok(p[0] + 2.0 * p[1]), &[1.0, 3.0],
///     &[vec![1.0, 0.0], vec![0.0, 0.25]], 0.95)?;
/// assert!((i.estimate - 7.0).abs() < 1e-12);
/// assert!((i.standard_error.unwrap_or(0.0) - 2f64.sqrt()).abs() < 1e-8);
/// assert!((i.upper - (7.0 + 1.959963985 * 2f64.sqrt())).abs() < 1e-6);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn delta_method_interval(
    f: impl Fn(&[f64]) -> Result<f64, ClvError>, params: &[f64], covariance: &[Vec<f64>],
    level: f64,
) -> Result<Interval, ClvError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(ClvError::InvalidArgument {
            name: "level",
            value: level,
            constraint: "must be in (0, 1)",
        });
    }
    let k = params.len();
    check_length("covariance", k, covariance.len())?;
    for row in covariance {
        check_length("covariance", k, row.len())?;
    }
    if params
        .iter()
        .chain(covariance.iter().flatten())
        .any(|v| !v.is_finite())
    {
        return Err(ClvError::NumericalFailure {
            what: "a parameter or covariance entry is not finite",
        });
    }
    let estimate = f(params)?;
    if !estimate.is_finite() {
        return Err(ClvError::NumericalFailure {
            what: "the function is not finite at the parameters",
        });
    }
    let gradient = central_gradient(&f, params, estimate)?;
    let mut variance = 0.0;
    for i in 0..k {
        for j in 0..k {
            variance += gradient[i] * covariance[i][j] * gradient[j];
        }
    }
    if !(variance.is_finite() && variance >= -1e-15 * (1.0 + estimate * estimate)) {
        return Err(ClvError::NumericalFailure {
            what: "the delta-method variance is negative or not finite",
        });
    }
    let standard_error = variance.max(0.0).sqrt();
    let z = standard_normal_quantile(0.5 + level / 2.0);
    Ok(Interval::from_standard_error(
        estimate,
        standard_error,
        z,
        level,
    ))
}

/// The gradient of `f` at `params` by central differences, one-sided where `f` fails on one side.
fn central_gradient(
    f: impl Fn(&[f64]) -> Result<f64, ClvError>, params: &[f64], estimate: f64,
) -> Result<Vec<f64>, ClvError> {
    let mut gradient = vec![0.0; params.len()];
    let mut shifted = params.to_vec();
    for i in 0..params.len() {
        let step = 1e-5 * params[i].abs().max(1e-4);
        shifted[i] = params[i] + step;
        let plus = f(&shifted).ok().filter(|v| v.is_finite());
        shifted[i] = params[i] - step;
        let minus = f(&shifted).ok().filter(|v| v.is_finite());
        shifted[i] = params[i];
        gradient[i] = match (plus, minus) {
            (Some(p), Some(m)) => (p - m) / (2.0 * step),
            (Some(p), None) => (p - estimate) / step,
            (None, Some(m)) => (estimate - m) / step,
            (None, None) => {
                return Err(ClvError::NumericalFailure {
                    what: "the function fails on both sides of a parameter",
                })
            }
        };
    }
    Ok(gradient)
}

fn standard_normal_quantile(p: f64) -> f64 {
    // Normal::new(0, 1) is valid by construction.
    Normal::new(0.0, 1.0)
        .expect("standard normal parameters are valid")
        .inverse_cdf(p)
}

/// Observed number of customers with 0, 1, …, `max_frequency − 1` repeat purchases, and a last bin
/// with `max_frequency` or more (so the result has `max_frequency + 1` entries). A non-integer
/// frequency counts in the bin of its integer part.
///
/// # Examples
///
/// ```
/// use customer_value::clv::RepeatHistory;
/// use customer_value::clv::diagnostics::observed_frequency_histogram;
/// let h = [RepeatHistory::new(0.0, 0.0, 5.0)?, RepeatHistory::new(9.0, 4.0, 5.0)?];
/// assert_eq!(observed_frequency_histogram(&h, 2), vec![1.0, 0.0, 1.0]);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn observed_frequency_histogram(histories: &[RepeatHistory], max_frequency: u32) -> Vec<f64> {
    let mut bins = vec![0.0; max_frequency as usize + 1];
    for h in histories {
        let bin = (h.frequency().floor() as usize).min(max_frequency as usize);
        bins[bin] += 1.0;
    }
    bins
}

/// Expected number of customers with 0, 1, …, `max_frequency − 1` repeat purchases in calibration,
/// and the remainder in a last "`max_frequency` or more" bin: Σ_i P(X(T_i) = k) over the customers'
/// ages T_i (Fader, Hardie & Lee 2005, figure 3). Customers of equal age are computed once.
///
/// # Errors
///
/// [`ClvError::EmptyInput`] for no histories, and the errors of
/// [`PurchaseModel::probability_of_purchases`].
///
/// # Examples
///
/// See the [module documentation](self).
pub fn expected_frequency_histogram<M: PurchaseModel + ?Sized>(
    model: &M, histories: &[RepeatHistory], max_frequency: u32,
) -> Result<Vec<f64>, ClvError> {
    if histories.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    let mut ages: Vec<f64> = histories.iter().map(RepeatHistory::age).collect();
    ages.sort_by(f64::total_cmp);
    let mut bins = vec![0.0; max_frequency as usize + 1];
    let mut start = 0;
    while start < ages.len() {
        let age = ages[start];
        let end = start + ages[start..].partition_point(|a| *a == age);
        let count = (end - start) as f64;
        let mut used = 0.0;
        for (k, bin) in bins.iter_mut().take(max_frequency as usize).enumerate() {
            let p = model.probability_of_purchases(k as u32, age)?;
            *bin += count * p;
            used += p;
        }
        bins[max_frequency as usize] += count * (1.0 - used).max(0.0);
        start = end;
    }
    Ok(bins)
}

/// The result of a chi-square goodness-of-fit test.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChiSquareTest {
    /// Σ (O − E)² / E.
    pub statistic: f64,
    /// Bins − 1 − fitted parameters.
    pub degrees_of_freedom: f64,
    /// P(χ² ≥ statistic).
    pub p_value: f64,
}

/// Pearson's chi-square test of an observed histogram against a model's expected one, with
/// `fitted_parameters` degrees of freedom removed. Merge sparse bins (expected < 5) beforehand
/// if the asymptotic distribution should hold.
///
/// # Errors
///
/// - [`ClvError::LengthMismatch`] when the histograms differ in length;
/// - [`ClvError::InvalidArgument`] when an observed count is negative or not finite, an expected
///   count is not positive and finite, or there are no degrees of freedom left.
///
/// # Examples
///
/// ```
/// use customer_value::clv::diagnostics::chi_square_test;
/// let t = chi_square_test(&[10.0, 20.0, 30.0], &[15.0, 20.0, 25.0], 0)?;
/// assert!((t.statistic - (25.0 / 15.0 + 25.0 / 25.0)).abs() < 1e-12);
/// assert_eq!(t.degrees_of_freedom, 2.0);
/// // exp(-χ²/2) is the survival function of χ² with 2 degrees of freedom.
/// assert!((t.p_value - (-t.statistic / 2.0).exp()).abs() < 1e-12);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn chi_square_test(
    observed: &[f64], expected: &[f64], fitted_parameters: usize,
) -> Result<ChiSquareTest, ClvError> {
    check_length("observed", expected.len(), observed.len())?;
    let mut statistic = 0.0;
    for (&o, &e) in observed.iter().zip(expected) {
        if !(o.is_finite() && o >= 0.0) {
            return Err(ClvError::InvalidArgument {
                name: "observed",
                value: o,
                constraint: "counts must be non-negative and finite",
            });
        }
        if !(e.is_finite() && e > 0.0) {
            return Err(ClvError::InvalidArgument {
                name: "expected",
                value: e,
                constraint: "counts must be positive and finite",
            });
        }
        statistic += (o - e) * (o - e) / e;
    }
    let degrees_of_freedom = observed.len() as f64 - 1.0 - fitted_parameters as f64;
    if degrees_of_freedom < 1.0 {
        return Err(ClvError::InvalidArgument {
            name: "degrees_of_freedom",
            value: degrees_of_freedom,
            constraint: "bins − 1 − fitted parameters must be at least 1",
        });
    }
    let distribution =
        ChiSquared::new(degrees_of_freedom).map_err(|_| ClvError::NumericalFailure {
            what: "chi-square distribution",
        })?;
    let p_value = (1.0 - distribution.cdf(statistic)).clamp(0.0, 1.0);
    Ok(ChiSquareTest {
        statistic,
        degrees_of_freedom,
        p_value,
    })
}

/// One row of a calibration/holdout comparison: the customers with a given calibration frequency.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldoutRow {
    /// Calibration frequency x of the group (the last group holds x ≥ this value).
    pub frequency: u32,
    /// Customers in the group.
    pub customers: usize,
    /// Mean actual holdout purchases.
    pub actual: f64,
    /// Mean predicted holdout purchases, E[Y(t) | x, t_x, T].
    pub predicted: f64,
}

/// Predicted against actual holdout purchases by calibration frequency.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldoutComparison {
    /// Rows for x = 0, 1, …, `max_frequency − 1` and a last row for x ≥ `max_frequency` (empty groups
    /// are kept with `customers = 0` and zero means).
    pub rows: Vec<HoldoutRow>,
    /// Mean absolute error over customers.
    pub mae: f64,
    /// Root mean squared error over customers.
    pub rmse: f64,
    /// Total actual holdout purchases.
    pub total_actual: f64,
    /// Total predicted holdout purchases.
    pub total_predicted: f64,
}

/// Compares a model's conditional expectations over a holdout period of length `holdout_length`
/// with the purchases customers actually made (Fader, Hardie & Lee 2005, figure 4), grouped by
/// calibration frequency 0, 1, …, `max_frequency − 1`, `max_frequency`+.
///
/// # Errors
///
/// - [`ClvError::EmptyInput`] for no histories;
/// - [`ClvError::LengthMismatch`] when `holdout_purchases` differs in length from `calibration`;
/// - [`ClvError::InvalidArgument`] when a holdout count is negative or not finite;
/// - the errors of [`PurchaseModel::conditional_expected_purchases_into`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgNbd, RepeatHistory};
/// use customer_value::clv::diagnostics::holdout_comparison;
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let cal = [RepeatHistory::new(2.0, 30.43, 38.86)?];
/// let cmp = holdout_comparison(&model, &cal, &[1.0], 39.0, 7)?;
/// assert!((cmp.rows[2].predicted - 1.226028).abs() < 1e-5);
/// assert!((cmp.mae - 0.226028).abs() < 1e-5);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn holdout_comparison<M: PurchaseModel + ?Sized>(
    model: &M, calibration: &[RepeatHistory], holdout_purchases: &[f64], holdout_length: f64,
    max_frequency: u32,
) -> Result<HoldoutComparison, ClvError> {
    if calibration.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    check_length(
        "holdout_purchases",
        calibration.len(),
        holdout_purchases.len(),
    )?;
    if let Some(&bad) = holdout_purchases
        .iter()
        .find(|v| !(v.is_finite() && **v >= 0.0))
    {
        return Err(ClvError::InvalidArgument {
            name: "holdout_purchases",
            value: bad,
            constraint: "counts must be non-negative and finite",
        });
    }
    let mut predicted = vec![0.0; calibration.len()];
    model.conditional_expected_purchases_into(holdout_length, calibration, &mut predicted)?;
    let groups = max_frequency as usize + 1;
    let mut sums = vec![(0usize, 0.0, 0.0); groups];
    let (mut abs_sum, mut sq_sum) = (0.0, 0.0);
    for ((h, &actual), &pred) in calibration.iter().zip(holdout_purchases).zip(&predicted) {
        let g = (h.frequency().floor() as usize).min(max_frequency as usize);
        sums[g].0 += 1;
        sums[g].1 += actual;
        sums[g].2 += pred;
        abs_sum += (pred - actual).abs();
        sq_sum += (pred - actual) * (pred - actual);
    }
    let n = calibration.len() as f64;
    let rows = sums
        .iter()
        .enumerate()
        .map(|(g, &(customers, actual, pred))| {
            let denominator = customers.max(1) as f64;
            HoldoutRow {
                frequency: g as u32,
                customers,
                actual: actual / denominator,
                predicted: pred / denominator,
            }
        })
        .collect();
    Ok(HoldoutComparison {
        rows,
        mae: abs_sum / n,
        rmse: (sq_sum / n).sqrt(),
        total_actual: holdout_purchases.iter().sum(),
        total_predicted: predicted.iter().sum(),
    })
}

/// P(alive) over a grid of frequencies and recencies at one age T.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AliveMatrix {
    /// Frequencies x of the rows: 0, 1, …, max.
    pub frequencies: Vec<f64>,
    /// Recencies t_x of the columns, evenly spaced from 0 to T.
    pub recencies: Vec<f64>,
    /// `values[i][j]` = P(alive | x = `frequencies[i]`, t_x = `recencies[j]`, T). A customer with x = 0
    /// can only have t_x = 0, so row 0 repeats P(alive | 0, 0, T) in every column.
    pub values: Vec<Vec<f64>>,
}

/// The probability-alive matrix over x = 0..=`max_frequency` and `recency_points` recencies from
/// 0 to `age` (lifetimes' `plot_probability_alive_matrix`).
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] when `age` is not positive and finite or `recency_points` < 2, and
/// the errors of [`PurchaseModel::probability_alive`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgNbd, PurchaseModel, RepeatHistory};
/// use customer_value::clv::diagnostics::probability_alive_matrix;
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let m = probability_alive_matrix(&model, 5, 39.0, 4)?;
/// assert_eq!(m.values.len(), 6);
/// // A customer who bought recently is more likely alive than one who bought long ago.
/// assert!(m.values[3][3] > m.values[3][0]);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn probability_alive_matrix<M: PurchaseModel + ?Sized>(
    model: &M, max_frequency: u32, age: f64, recency_points: usize,
) -> Result<AliveMatrix, ClvError> {
    check_positive_argument("age", age)?;
    if recency_points < 2 {
        return Err(ClvError::InvalidArgument {
            name: "recency_points",
            value: recency_points as f64,
            constraint: "must be at least 2",
        });
    }
    let frequencies: Vec<f64> = (0..=max_frequency).map(f64::from).collect();
    let recencies: Vec<f64> = (0..recency_points)
        .map(|j| age * j as f64 / (recency_points - 1) as f64)
        .collect();
    let mut values = Vec::with_capacity(frequencies.len());
    for &x in &frequencies {
        let mut row = Vec::with_capacity(recency_points);
        for &t_x in &recencies {
            let history = if x == 0.0 {
                RepeatHistory::new(0.0, 0.0, age)?
            } else {
                RepeatHistory::new(x, t_x.min(age), age)?
            };
            row.push(model.probability_alive(&history)?);
        }
        values.push(row);
    }
    Ok(AliveMatrix {
        frequencies,
        recencies,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_method_of_a_nonlinear_function() {
        // f = θ0 · θ1 at (2, 3), Σ = [[0.04, 0.01], [0.01, 0.09]]: ∇f = (3, 2),
        // SE² = 9·0.04 + 2·3·2·0.01 + 4·0.09 = 0.36 + 0.12 + 0.36 = 0.84.
        let i = delta_method_interval(
            |p| Ok(p[0] * p[1]),
            &[2.0, 3.0],
            &[vec![0.04, 0.01], vec![0.01, 0.09]],
            0.9,
        )
        .unwrap();
        assert!((i.standard_error.unwrap() - 0.84f64.sqrt()).abs() < 1e-8);
        // z_{0.95} = 1.6448536269514722 (scipy.stats.norm.ppf(0.95)).
        assert!((i.upper - (6.0 + 1.6448536269514722 * 0.84f64.sqrt())).abs() < 1e-7);
        assert!(i.lower < i.estimate && i.estimate < i.upper);
    }

    #[test]
    fn delta_method_rejects_bad_input() {
        let f = |p: &[f64]| Ok(p[0]);
        assert!(matches!(
            delta_method_interval(f, &[1.0], &[vec![1.0]], 1.0),
            Err(ClvError::InvalidArgument { name: "level", .. })
        ));
        assert!(matches!(
            delta_method_interval(f, &[1.0], &[vec![1.0, 0.0]], 0.95),
            Err(ClvError::LengthMismatch { .. })
        ));
        assert!(matches!(
            delta_method_interval(f, &[f64::NAN], &[vec![1.0]], 0.95),
            Err(ClvError::NumericalFailure { .. })
        ));
    }

    #[test]
    fn delta_method_uses_one_sided_differences_at_a_domain_edge() {
        // f fails below 1: the backward step at θ = 1 is rejected, the forward one used.
        let f = |p: &[f64]| {
            if p[0] < 1.0 {
                Err(ClvError::NumericalFailure { what: "domain" })
            } else {
                Ok(2.0 * p[0])
            }
        };
        let i = delta_method_interval(f, &[1.0], &[vec![1.0]], 0.95).unwrap();
        assert!((i.standard_error.unwrap() - 2.0).abs() < 1e-6);
    }

    #[test]
    fn chi_square_matches_scipy() {
        // scipy.stats.chi2.sf(3.5, 3) = 0.3207621208056397 (computed in /work/venv)
        let obs = [10.0, 12.0, 8.0, 10.0, 15.0];
        let exp = [11.0, 11.0, 11.0, 11.0, 11.0];
        let t = chi_square_test(&obs, &exp, 1).unwrap();
        let stat: f64 = obs.iter().map(|o| (o - 11.0) * (o - 11.0) / 11.0).sum();
        assert!((t.statistic - stat).abs() < 1e-12);
        assert_eq!(t.degrees_of_freedom, 3.0);
        let t2 = chi_square_test(&[0.0, 0.0, 0.0, 0.0, 0.0], &exp, 1).unwrap();
        assert!(t2.p_value < 1e-5);
        assert!(matches!(
            chi_square_test(&[1.0, 2.0], &[1.0, 2.0], 1),
            Err(ClvError::InvalidArgument { .. })
        ));
        assert!(matches!(
            chi_square_test(&[1.0, 2.0], &[0.0, 2.0], 0),
            Err(ClvError::InvalidArgument { .. })
        ));
        assert!(matches!(
            chi_square_test(&[1.0], &[1.0, 2.0], 0),
            Err(ClvError::LengthMismatch { .. })
        ));
        // 3.5 with 3 degrees of freedom.
        let t3 = chi_square_test(&[0.0, 0.0, 0.0, 0.0], &[1.0, 1.0, 1.0, 0.5], 0).unwrap();
        assert!((t3.statistic - 3.5).abs() < 1e-12);
        assert!((t3.p_value - 0.3207621208056397).abs() < 1e-9);
    }
}
