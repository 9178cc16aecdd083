//! Model checking for the purchase models: the calibration frequency histogram and its chi-square
//! test, the calibration/holdout comparison (Fader, Hardie & Lee 2005, figure 4), a probability-alive
//! matrix over a (frequency, recency) grid, and delta-method intervals for any prediction.
//!
//! Every function here works through the public [`PurchaseModel`] trait (or, for
//! [`delta_method_interval`], any function of the parameters), so it serves BG/NBD, MBG/NBD and
//! Pareto/NBD alike.
//!
//! # Finite results
//!
//! Every value taken from the model is checked: a NaN, an infinity, a negative expectation or a
//! probability outside [0, 1] is a [`ClvError::InvalidPrediction`] naming the model's method and
//! the customer's position, never a NaN in a result. Histograms and grids are sized by the caller,
//! so they are bounded: at most [`MAX_FREQUENCY`] + 1 bins and [`MAX_GRID_CELLS`] P(alive) cells.
//! Sums that overflow f64 (counts or predictions near f64::MAX) are a
//! [`ClvError::NumericalFailure`].
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
//! let observed = observed_frequency_histogram(&histories, 3)?;
//! assert_eq!(observed, vec![1.0, 0.0, 1.0, 0.0]);
//! // Expected counts of customers with 0, 1, 2 and 3+ repeat purchases sum to the customer count.
//! assert!((expected.iter().sum::<f64>() - 2.0).abs() < 1e-12);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::clv::{check_length, check_positive_argument, ClvError, PurchaseModel, RepeatHistory};

pub use crate::interval::Interval;

/// The largest `max_frequency` of the histograms and the holdout comparison: 10,000 (so at most
/// 10,001 bins). The expected histogram asks the model (`max_frequency` + 1) × (distinct ages)
/// times.
pub const MAX_FREQUENCY: u32 = 10_000;

/// The most cells of a [`probability_alive_matrix`]: 10⁶ ((`max_frequency` + 1) ×
/// `recency_points`, 8 MB), one model evaluation each.
pub const MAX_GRID_CELLS: usize = 1_000_000;

/// What a model's answer must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// An expected number of purchases: finite and non-negative.
    Expectation,
    /// A probability: in [0, 1].
    Probability,
}

/// Which model method answered, which of this crate's functions asked, and about which customer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asked {
    function: &'static str,
    caller: &'static str,
    position: Option<usize>,
}

impl Asked {
    pub(crate) fn new(
        function: &'static str, caller: &'static str, position: Option<usize>,
    ) -> Self {
        Self {
            function,
            caller,
            position,
        }
    }
}

/// `value` when it is what `answer` must be, else [`ClvError::InvalidPrediction`].
pub(crate) fn checked_answer(value: f64, answer: Answer, asked: Asked) -> Result<f64, ClvError> {
    let upper = match answer {
        Answer::Expectation => f64::MAX,
        Answer::Probability => 1.0,
    };
    if (0.0..=upper).contains(&value) {
        Ok(value)
    } else {
        Err(ClvError::InvalidPrediction {
            function: asked.function,
            caller: asked.caller,
            position: asked.position,
            value,
        })
    }
}

/// `Ok` for every value of a batch `answer`ed by the model's `function` for `caller`, else the
/// [`ClvError::InvalidPrediction`] of the first value that is not, with its position.
pub(crate) fn checked_answers(
    values: &[f64], answer: Answer, function: &'static str, caller: &'static str,
) -> Result<(), ClvError> {
    for (i, &value) in values.iter().enumerate() {
        checked_answer(value, answer, Asked::new(function, caller, Some(i)))?;
    }
    Ok(())
}

/// Checks a calibration/holdout pair: some histories, one holdout purchase count for each, every
/// count non-negative and finite.
pub(crate) fn check_calibration_holdout(
    calibration: &[RepeatHistory], holdout_purchases: &[f64],
) -> Result<(), ClvError> {
    if calibration.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    check_length(
        "holdout_purchases",
        calibration.len(),
        holdout_purchases.len(),
    )?;
    match holdout_purchases
        .iter()
        .find(|v| !(v.is_finite() && **v >= 0.0))
    {
        Some(&bad) => Err(ClvError::InvalidArgument {
            name: "holdout_purchases",
            value: bad,
            constraint: "counts must be non-negative and finite",
        }),
        None => Ok(()),
    }
}

/// Checks that `max_frequency` is at most [`MAX_FREQUENCY`].
fn check_max_frequency(max_frequency: u32) -> Result<(), ClvError> {
    if max_frequency <= MAX_FREQUENCY {
        Ok(())
    } else {
        Err(ClvError::InvalidArgument {
            name: "max_frequency",
            value: f64::from(max_frequency),
            constraint: "must be at most 10,000 (diagnostics::MAX_FREQUENCY)",
        })
    }
}

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
///   comes out negative or not finite, the interval's bounds overflow, or `f` fails on both sides
///   of a parameter;
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
    let interval = Interval::from_standard_error(estimate, standard_error, z, level);
    if interval.lower.is_finite() && interval.upper.is_finite() {
        Ok(interval)
    } else {
        Err(ClvError::NumericalFailure {
            what: "the delta-method interval overflows f64 (an estimate or standard error near f64::MAX)",
        })
    }
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
/// # Errors
///
/// [`ClvError::InvalidArgument`] naming `max_frequency` when it exceeds [`MAX_FREQUENCY`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::RepeatHistory;
/// use customer_value::clv::diagnostics::observed_frequency_histogram;
/// let h = [RepeatHistory::new(0.0, 0.0, 5.0)?, RepeatHistory::new(9.0, 4.0, 5.0)?];
/// assert_eq!(observed_frequency_histogram(&h, 2)?, vec![1.0, 0.0, 1.0]);
/// assert!(observed_frequency_histogram(&h, u32::MAX).is_err());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn observed_frequency_histogram(
    histories: &[RepeatHistory], max_frequency: u32,
) -> Result<Vec<f64>, ClvError> {
    check_max_frequency(max_frequency)?;
    let mut bins = vec![0.0; max_frequency as usize + 1];
    for h in histories {
        bins[frequency_bin(h, max_frequency)] += 1.0;
    }
    Ok(bins)
}

/// The bin of a history's frequency: its integer part, capped at `max_frequency`.
fn frequency_bin(history: &RepeatHistory, max_frequency: u32) -> usize {
    // x ≤ RepeatHistory::MAX_VALUE, so the cast is exact before the cap.
    (history.frequency().floor() as usize).min(max_frequency as usize)
}

/// Expected number of customers with 0, 1, …, `max_frequency − 1` repeat purchases in calibration,
/// and the remainder in a last "`max_frequency` or more" bin: Σ_i P(X(T_i) = k) over the customers'
/// ages T_i (Fader, Hardie & Lee 2005, figure 3). Customers of equal age are computed once: the
/// model is asked `max_frequency` × (distinct ages) times.
///
/// # Errors
///
/// - [`ClvError::EmptyInput`] for no histories;
/// - [`ClvError::InvalidArgument`] naming `max_frequency` when it exceeds [`MAX_FREQUENCY`];
/// - [`ClvError::InvalidPrediction`] when the model answers a probability outside [0, 1] (NaN
///   included), with the position of a customer of that age;
/// - the errors of [`PurchaseModel::probability_of_purchases`].
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
    check_max_frequency(max_frequency)?;
    // (age, position), sorted by age: each group of equal ages is one set of model calls.
    let mut ages: Vec<(f64, usize)> = histories.iter().map(RepeatHistory::age).zip(0..).collect();
    ages.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut bins = vec![0.0; max_frequency as usize + 1];
    for group in ages.chunk_by(|a, b| a.0 == b.0) {
        let (age, position) = group[0];
        let count = group.len() as f64;
        let asked = Asked::new(
            "probability_of_purchases",
            "expected_frequency_histogram",
            Some(position),
        );
        let mut used = 0.0;
        for (k, bin) in (0..max_frequency).zip(bins.iter_mut()) {
            let p = model.probability_of_purchases(k, age)?;
            let p = checked_answer(p, Answer::Probability, asked)?;
            *bin += count * p;
            used += p;
        }
        bins[max_frequency as usize] += count * (1.0 - used).max(0.0);
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
///   count is not positive and finite, or there are no degrees of freedom left;
/// - [`ClvError::NumericalFailure`] when the statistic overflows f64 (an expected count near 0
///   against a large observed one, e.g. 1 against 5e-324).
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
    if !statistic.is_finite() {
        return Err(ClvError::NumericalFailure {
            what: "the chi-square statistic overflows f64 (an expected count is too close to 0)",
        });
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

impl HoldoutRow {
    /// The group's mean holdout error per customer, actual − predicted (the mean of the
    /// differences is the difference of the means): positive when the model under-forecasts.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::diagnostics::HoldoutRow;
    /// let row = HoldoutRow { frequency: 2, customers: 10, actual: 1.5, predicted: 1.25 };
    /// assert_eq!(row.mean_error(), 0.25);
    /// ```
    pub fn mean_error(&self) -> f64 {
        self.actual - self.predicted
    }
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
/// - [`ClvError::InvalidArgument`] when a holdout count is negative or not finite, or
///   `max_frequency` exceeds [`MAX_FREQUENCY`];
/// - [`ClvError::InvalidPrediction`] with the customer's position when the model predicts a
///   negative or non-finite number of purchases;
/// - [`ClvError::NumericalFailure`] when a total overflows f64 (counts or predictions near
///   f64::MAX);
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
    check_calibration_holdout(calibration, holdout_purchases)?;
    check_max_frequency(max_frequency)?;
    let mut predicted = vec![0.0; calibration.len()];
    model.conditional_expected_purchases_into(holdout_length, calibration, &mut predicted)?;
    checked_answers(
        &predicted,
        Answer::Expectation,
        "conditional_expected_purchases_into",
        "holdout_comparison",
    )?;
    let mut sums = vec![(0usize, 0.0, 0.0); max_frequency as usize + 1];
    for ((h, &actual), &pred) in calibration.iter().zip(holdout_purchases).zip(&predicted) {
        let g = &mut sums[frequency_bin(h, max_frequency)];
        *g = (g.0 + 1, g.1 + actual, g.2 + pred);
    }
    let errors: Vec<f64> = predicted
        .iter()
        .zip(holdout_purchases)
        .map(|(p, a)| p - a)
        .collect();
    let rows = sums
        .iter()
        .zip(0..)
        .map(|(&(customers, actual, pred), frequency)| {
            let denominator = customers.max(1) as f64;
            HoldoutRow {
                frequency,
                customers,
                actual: actual / denominator,
                predicted: pred / denominator,
            }
        })
        .collect();
    let comparison = HoldoutComparison {
        rows,
        mae: scaled_mean_abs(&errors),
        rmse: scaled_root_mean_square(&errors),
        total_actual: holdout_purchases.iter().sum(),
        total_predicted: predicted.iter().sum(),
    };
    let finite = comparison.total_actual.is_finite()
        && comparison.total_predicted.is_finite()
        && (comparison.rows.iter()).all(|r| r.actual.is_finite() && r.predicted.is_finite());
    if finite {
        Ok(comparison)
    } else {
        Err(ClvError::NumericalFailure {
            what: "the holdout totals overflow f64 (counts or predictions near f64::MAX)",
        })
    }
}

/// The mean of |v|, each divided by the largest first so that the sum cannot overflow.
fn scaled_mean_abs(values: &[f64]) -> f64 {
    let scale = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if scale == 0.0 {
        return 0.0;
    }
    scale * values.iter().map(|v| (v / scale).abs()).sum::<f64>() / values.len() as f64
}

/// √(mean of v²), with v divided by the largest |v| so that the squares cannot overflow.
fn scaled_root_mean_square(values: &[f64]) -> f64 {
    let scale = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if scale == 0.0 {
        return 0.0;
    }
    let mean_square = values.iter().map(|v| (v / scale).powi(2)).sum::<f64>() / values.len() as f64;
    scale * mean_square.sqrt()
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
/// - [`ClvError::InvalidArgument`] when `age` is not positive and finite (or above
///   [`RepeatHistory::MAX_VALUE`]), `recency_points` < 2, `max_frequency` exceeds
///   [`MAX_FREQUENCY`], or the grid would exceed [`MAX_GRID_CELLS`] cells;
/// - [`ClvError::InvalidPrediction`] when the model answers a probability outside [0, 1], with the
///   cell's position in row-major order;
/// - the errors of [`PurchaseModel::probability_alive`].
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
/// assert!(probability_alive_matrix(&model, 5, 39.0, usize::MAX).is_err());
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn probability_alive_matrix<M: PurchaseModel + ?Sized>(
    model: &M, max_frequency: u32, age: f64, recency_points: usize,
) -> Result<AliveMatrix, ClvError> {
    check_positive_argument("age", age)?;
    check_max_frequency(max_frequency)?;
    let rows = max_frequency as usize + 1;
    if recency_points < 2 || recency_points > MAX_GRID_CELLS / rows {
        return Err(ClvError::InvalidArgument {
            name: "recency_points",
            value: recency_points as f64,
            constraint: "must be at least 2, and (max_frequency + 1) × recency_points at most 1,000,000 cells (diagnostics::MAX_GRID_CELLS)",
        });
    }
    let frequencies: Vec<f64> = (0..=max_frequency).map(f64::from).collect();
    let recencies: Vec<f64> = (0..recency_points)
        .map(|j| age * j as f64 / (recency_points - 1) as f64)
        .collect();
    let mut values = Vec::with_capacity(rows);
    for (i, &x) in frequencies.iter().enumerate() {
        let mut row = Vec::with_capacity(recency_points);
        for (j, &t_x) in recencies.iter().enumerate() {
            let history = if x == 0.0 {
                RepeatHistory::new(0.0, 0.0, age)?
            } else {
                RepeatHistory::new(x, t_x.min(age), age)?
            };
            let asked = Asked::new(
                "probability_alive",
                "probability_alive_matrix",
                Some(i * recency_points + j),
            );
            row.push(checked_answer(
                model.probability_alive(&history)?,
                Answer::Probability,
                asked,
            )?);
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
