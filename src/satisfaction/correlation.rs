//! Pearson and Spearman correlations with p-values, intervals and matrices.

use ndarray::ArrayView2;

use super::interval::{normal_critical, t_two_sided_p, Interval};
#[cfg(feature = "serde")]
use super::invalid;
use super::scale::scaled;
use super::{Result, SatisfactionError};

/// Which correlation coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CorrelationMethod {
    /// Pearson's product-moment correlation.
    Pearson,
    /// Spearman's rank correlation: Pearson's on ranks, tied answers sharing their average rank.
    Spearman,
}

/// A correlation coefficient with its two-sided p-value.
///
/// The p-value comes from t = r √((n − 2)/(1 − r²)) on n − 2 degrees of freedom, through the t
/// distribution's survival function so that tiny p-values stay accurate (scipy does the same for
/// both coefficients). Pairs where either answer is `NaN` (missing) are dropped; pairs are sorted before
/// summing, so the result is bit-identical whatever the input order.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::Correlation;
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0];
/// let pearson = Correlation::pearson(&x, &y)?;
/// // scipy.stats.pearsonr(x, y) = (0.8285714285714285, 0.04156268221574347)
/// assert!((pearson.coefficient() - 0.8285714285714285).abs() < 1e-12);
/// assert!((pearson.p_value() - 0.04156268221574347).abs() < 1e-12);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// Any finite answers work, up to ±`f64::MAX`: the coefficient does not depend on their scale, so
/// each variable is divided by a power of two near its largest magnitude first. Read back with
/// serde, the fields are checked: a coefficient in −1…1, a p-value in 0…1, at least 3 respondents.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CorrelationData")
)]
pub struct Correlation {
    method: CorrelationMethod,
    coefficient: f64,
    respondents: usize,
    p_value: f64,
}

impl Correlation {
    /// Pearson's r of paired answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Correlation;
    /// // A missing answer (NaN) drops its pair.
    /// let r = Correlation::pearson(&[1.0, 2.0, 3.0, f64::NAN], &[1.0, 3.0, 2.0, 4.0])?;
    /// assert_eq!(r.respondents(), 3);
    /// assert!((r.coefficient() - 0.5).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::LengthMismatch`] when `x` and `y` differ in length;
    /// [`SatisfactionError::NonFinite`] for an infinite answer (with its position);
    /// [`SatisfactionError::TooFewRespondents`] with fewer than 3 complete pairs;
    /// [`SatisfactionError::ZeroVariance`] when `x` or `y` is constant.
    pub fn pearson(x: &[f64], y: &[f64]) -> Result<Correlation> {
        Self::compute(x, y, CorrelationMethod::Pearson)
    }

    /// Spearman's ρ of paired answers (average ranks for ties).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Correlation;
    /// let x = [1.0, 2.0, 2.0, 4.0, 5.0];
    /// let y = [1.0, 3.0, 2.0, 2.0, 5.0];
    /// // scipy.stats.spearmanr(x, y) = (0.7631578947368421, p 0.13333911953180624)
    /// let rho = Correlation::spearman(&x, &y)?;
    /// assert!((rho.coefficient() - 0.7631578947368421).abs() < 1e-12);
    /// assert!((rho.p_value() - 0.13333911953180624).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Correlation::pearson`].
    pub fn spearman(x: &[f64], y: &[f64]) -> Result<Correlation> {
        Self::compute(x, y, CorrelationMethod::Spearman)
    }

    /// The chosen coefficient of paired answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Correlation, CorrelationMethod};
    /// let rho = Correlation::compute(&[1.0, 2.0, 3.0], &[1.0, 8.0, 27.0], CorrelationMethod::Spearman)?;
    /// assert!((rho.coefficient() - 1.0).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Correlation::pearson`].
    pub fn compute(x: &[f64], y: &[f64], method: CorrelationMethod) -> Result<Correlation> {
        if x.len() != y.len() {
            return Err(SatisfactionError::LengthMismatch {
                name: "y",
                expected: x.len(),
                found: y.len(),
            });
        }
        for (position, (&a, &b)) in x.iter().zip(y).enumerate() {
            if a.is_infinite() || b.is_infinite() {
                let value = if a.is_infinite() { a } else { b };
                return Err(SatisfactionError::NonFinite { position, value });
            }
        }
        let mut pairs: Vec<(f64, f64)> = x
            .iter()
            .zip(y)
            .filter(|(a, b)| !a.is_nan() && !b.is_nan())
            .map(|(&a, &b)| (a, b))
            .collect();
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        Self::from_complete(&xs, &ys, method, "x", "y")
    }

    /// Correlation of complete (no `NaN`), finite columns, summed in the order given.
    pub(crate) fn from_complete(
        x: &[f64], y: &[f64], method: CorrelationMethod, x_name: &str, y_name: &str,
    ) -> Result<Correlation> {
        let n = x.len();
        if n < 3 {
            return Err(SatisfactionError::TooFewRespondents {
                statistic: "a correlation with a p-value",
                needed: 3,
                found: n,
            });
        }
        let coefficient = match method {
            CorrelationMethod::Pearson => pearson_complete(x, y, x_name, y_name)?,
            CorrelationMethod::Spearman => {
                pearson_complete(&average_ranks(x), &average_ranks(y), x_name, y_name)?
            }
        };
        let df = (n - 2) as f64;
        let p_value = if coefficient.abs() >= 1.0 {
            0.0
        } else {
            let t = coefficient * (df / (1.0 - coefficient * coefficient)).sqrt();
            t_two_sided_p(t, df)?
        };
        Ok(Correlation {
            method,
            coefficient,
            respondents: n,
            p_value,
        })
    }

    /// The correlation matrix of the items (columns) of `data` (respondents × items), with listwise
    /// deletion: a respondent with any `NaN` answer is dropped from every pair.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Correlation, CorrelationMethod};
    /// use ndarray::array;
    /// let data = array![[1.0, 2.0, 9.0], [2.0, 4.0, 7.0], [3.0, 5.0, 8.0], [4.0, 9.0, 1.0]];
    /// let matrix = Correlation::matrix(data.view(), CorrelationMethod::Spearman)?;
    /// assert!((matrix.coefficient(0, 1) - 1.0).abs() < 1e-12);
    /// assert_eq!(matrix.coefficient(1, 1), 1.0);
    /// assert!((matrix.coefficient(0, 2) + 0.8).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::TooFewItems`] with fewer than 2 columns; [`SatisfactionError::NonFinite`] for
    /// an infinite answer (with its row); [`SatisfactionError::TooFewRespondents`] with fewer than 3
    /// complete rows; [`SatisfactionError::ZeroVariance`] naming a constant item.
    pub fn matrix(data: ArrayView2<f64>, method: CorrelationMethod) -> Result<CorrelationMatrix> {
        let items = data.ncols();
        let columns = complete_items(data, "a correlation matrix", 2)?;
        let respondents = columns[0].len();
        let mut coefficients = vec![vec![1.0; items]; items];
        let mut p_values = vec![vec![0.0; items]; items];
        for i in 0..items {
            for j in i + 1..items {
                let c = Self::from_complete(
                    &columns[i],
                    &columns[j],
                    method,
                    &format!("item {i}"),
                    &format!("item {j}"),
                )?;
                coefficients[i][j] = c.coefficient;
                coefficients[j][i] = c.coefficient;
                p_values[i][j] = c.p_value;
                p_values[j][i] = c.p_value;
            }
        }
        Ok(CorrelationMatrix {
            method,
            respondents,
            coefficients,
            p_values,
        })
    }

    /// Which coefficient this is.
    pub fn method(&self) -> CorrelationMethod {
        self.method
    }
    /// The coefficient in −1…1.
    pub fn coefficient(&self) -> f64 {
        self.coefficient
    }
    /// Complete pairs used.
    pub fn respondents(&self) -> usize {
        self.respondents
    }
    /// Two-sided p-value of the hypothesis of no correlation.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// Confidence interval through Fisher's z = atanh(r): z ± c · SE, back-transformed with tanh.
    /// SE = 1/√(n − 3) for Pearson (Fisher 1921); √((1 + r²/2)/(n − 3)) for Spearman (Bonett & Wright
    /// 2000, *Psychometrika* 65(1)). A perfect correlation gives the degenerate interval [r, r].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Correlation;
    /// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    /// let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0];
    /// let interval = Correlation::pearson(&x, &y)?.interval(0.95)?;
    /// // numpy.tanh(numpy.arctanh(r) ± 1.959963984540054 / numpy.sqrt(3))
    /// assert!((interval.lower - 0.051929318847277584).abs() < 1e-9);
    /// assert!((interval.upper - 0.9806845993491808).abs() < 1e-9);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::TooFewRespondents`] with fewer than 4 pairs;
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1.
    pub fn interval(&self, level: f64) -> Result<Interval> {
        if self.respondents < 4 {
            return Err(SatisfactionError::TooFewRespondents {
                statistic: "a Fisher z interval",
                needed: 4,
                found: self.respondents,
            });
        }
        let c = normal_critical(level)?;
        let r = self.coefficient;
        let denominator = (self.respondents - 3) as f64;
        let standard_error = match self.method {
            CorrelationMethod::Pearson => (1.0 / denominator).sqrt(),
            CorrelationMethod::Spearman => ((1.0 + r * r / 2.0) / denominator).sqrt(),
        };
        let z = r.atanh();
        Ok(Interval::new(
            r,
            (z - c * standard_error).tanh().min(r),
            (z + c * standard_error).tanh().max(r),
            level,
        ))
    }
}

/// Correlations between every pair of items.
///
/// Read back with serde, the fields are checked: at least 2 items, square matrices of one size,
/// symmetric coefficients in −1…1 with 1 on the diagonal, p-values in 0…1, at least 3 respondents.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CorrelationMatrixData")
)]
pub struct CorrelationMatrix {
    method: CorrelationMethod,
    respondents: usize,
    coefficients: Vec<Vec<f64>>,
    p_values: Vec<Vec<f64>>,
}

impl CorrelationMatrix {
    /// Which coefficient.
    pub fn method(&self) -> CorrelationMethod {
        self.method
    }
    /// Complete respondents used (after listwise deletion).
    pub fn respondents(&self) -> usize {
        self.respondents
    }
    /// Number of items.
    pub fn items(&self) -> usize {
        self.coefficients.len()
    }
    /// The coefficient between items `i` and `j` (1 on the diagonal). Panics if an index is out of
    /// range, like slice indexing.
    pub fn coefficient(&self, i: usize, j: usize) -> f64 {
        self.coefficients[i][j]
    }
    /// The two-sided p-value between items `i` and `j` (0 on the diagonal).
    pub fn p_value(&self, i: usize, j: usize) -> f64 {
        self.p_values[i][j]
    }
    /// All coefficients, row by row.
    pub fn coefficients(&self) -> &[Vec<f64>] {
        &self.coefficients
    }
}

/// The fields of [`Correlation`] as read, before the checks of [`Correlation::try_from`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CorrelationData {
    method: CorrelationMethod,
    coefficient: f64,
    respondents: usize,
    p_value: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<CorrelationData> for Correlation {
    type Error = SatisfactionError;

    /// Accepts what [`Correlation::compute`] can produce (see the type's docs).
    fn try_from(data: CorrelationData) -> Result<Correlation> {
        check_coefficient("coefficient", data.coefficient, data.p_value)?;
        check_respondents(data.respondents)?;
        Ok(Correlation {
            method: data.method,
            coefficient: data.coefficient,
            respondents: data.respondents,
            p_value: data.p_value,
        })
    }
}

/// A coefficient in −1…1 and its p-value in 0…1, as read back.
#[cfg(feature = "serde")]
fn check_coefficient(name: &'static str, coefficient: f64, p_value: f64) -> Result<()> {
    if !(-1.0..=1.0).contains(&coefficient) {
        return Err(invalid(name, coefficient, "a correlation lies in -1..=1"));
    }
    if !(0.0..=1.0).contains(&p_value) {
        return Err(invalid("p_value", p_value, "a p-value lies in 0..=1"));
    }
    Ok(())
}

/// At least the 3 respondents every correlation here needs, as read back.
#[cfg(feature = "serde")]
fn check_respondents(respondents: usize) -> Result<()> {
    if respondents < 3 {
        return Err(SatisfactionError::TooFewRespondents {
            statistic: "a correlation with a p-value",
            needed: 3,
            found: respondents,
        });
    }
    Ok(())
}

/// The fields of [`CorrelationMatrix`] as read, before the checks of
/// [`CorrelationMatrix::try_from`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CorrelationMatrixData {
    method: CorrelationMethod,
    respondents: usize,
    coefficients: Vec<Vec<f64>>,
    p_values: Vec<Vec<f64>>,
}

#[cfg(feature = "serde")]
impl TryFrom<CorrelationMatrixData> for CorrelationMatrix {
    type Error = SatisfactionError;

    /// Accepts what [`Correlation::matrix`] can produce (see the type's docs).
    fn try_from(data: CorrelationMatrixData) -> Result<CorrelationMatrix> {
        let items = data.coefficients.len();
        if items < 2 {
            return Err(SatisfactionError::TooFewItems {
                statistic: "a correlation matrix",
                needed: 2,
                found: items,
            });
        }
        check_respondents(data.respondents)?;
        for (name, rows) in [
            ("coefficients", &data.coefficients),
            ("p_values", &data.p_values),
        ] {
            if let Some(found) = std::iter::once(rows.len())
                .chain(rows.iter().map(Vec::len))
                .find(|&length| length != items)
            {
                return Err(SatisfactionError::LengthMismatch {
                    name,
                    expected: items,
                    found,
                });
            }
        }
        for i in 0..items {
            for j in 0..items {
                let (r, p) = (data.coefficients[i][j], data.p_values[i][j]);
                check_coefficient("coefficients", r, p)?;
                let diagonal = (i == j && (r, p) != (1.0, 0.0)).then_some(r);
                let asymmetric = (r != data.coefficients[j][i]).then_some(r);
                if let Some(value) = diagonal.or(asymmetric) {
                    return Err(invalid(
                        "coefficients",
                        value,
                        "symmetric, with 1 (p-value 0) on the diagonal",
                    ));
                }
            }
        }
        Ok(CorrelationMatrix {
            method: data.method,
            respondents: data.respondents,
            coefficients: data.coefficients,
            p_values: data.p_values,
        })
    }
}

/// Pearson's r of complete columns, clamped to −1…1 against rounding.
///
/// r does not depend on the scale of either column, so each is first divided by a power of two near
/// its largest magnitude: answers of ±1e200 would square to ∞ and ±1e308 would sum to ∞, and the NaN
/// that followed reached statrs, whose incomplete beta function panics on it.
fn pearson_complete(x: &[f64], y: &[f64], x_name: &str, y_name: &str) -> Result<f64> {
    let ((x, _), (y, _)) = (scaled(x), scaled(y));
    let n = x.len() as f64;
    let mean_x = x.iter().sum::<f64>() / n;
    let mean_y = y.iter().sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(&y) {
        let (dx, dy) = (a - mean_x, b - mean_y);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    for (sum, name) in [(sxx, x_name), (syy, y_name)] {
        if sum.is_nan() || sum <= 0.0 {
            return Err(SatisfactionError::ZeroVariance {
                name: name.to_string(),
            });
        }
    }
    Ok((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// Ranks 1…n, tied values sharing the average of their ranks.
pub(crate) fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && values[order[end + 1]] == values[order[start]] {
            end += 1;
        }
        // Positions start..=end hold ranks start+1 ..= end+1; their average:
        let rank = (start + end) as f64 / 2.0 + 1.0;
        for &index in &order[start..=end] {
            ranks[index] = rank;
        }
        start = end + 1;
    }
    ranks
}

/// [`complete_columns`] of `data` for `statistic`, which needs at least `needed` items (columns).
pub(crate) fn complete_items(
    data: ArrayView2<f64>, statistic: &'static str, needed: usize,
) -> Result<Vec<Vec<f64>>> {
    if data.ncols() < needed {
        return Err(SatisfactionError::TooFewItems {
            statistic,
            needed,
            found: data.ncols(),
        });
    }
    complete_columns(data)
}

/// The columns of `data` restricted to rows without `NaN` (listwise deletion). Infinite answers are
/// errors naming their row. The kept rows are sorted lexicographically, so every sum computed from
/// the columns runs in one canonical order and results do not depend on the order of respondents.
pub(crate) fn complete_columns(data: ArrayView2<f64>) -> Result<Vec<Vec<f64>>> {
    let mut rows: Vec<usize> = Vec::with_capacity(data.nrows());
    for (position, row) in data.rows().into_iter().enumerate() {
        if let Some(&value) = row.iter().find(|v| v.is_infinite()) {
            return Err(SatisfactionError::NonFinite { position, value });
        }
        if !row.iter().any(|v| v.is_nan()) {
            rows.push(position);
        }
    }
    // Canonical order: by a hash of the row's bits, ties broken by the values themselves. It depends
    // only on the rows' contents, and rows equal under total_cmp are bitwise equal, so an unstable
    // sort is enough. Hashing first keeps most comparisons to one integer compare.
    let hash = |row: usize| {
        data.row(row)
            .iter()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, v| {
                (h ^ v.to_bits())
                    .wrapping_mul(0x0100_0000_01b3)
                    .rotate_left(29)
            })
    };
    let mut keyed: Vec<(u64, usize)> = rows.iter().map(|&row| (hash(row), row)).collect();
    keyed.sort_unstable_by(|&(hash_a, a), &(hash_b, b)| {
        hash_a.cmp(&hash_b).then_with(|| {
            data.row(a)
                .iter()
                .zip(data.row(b).iter())
                .map(|(x, y)| x.total_cmp(y))
                .find(|ordering| ordering.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    });
    Ok(data
        .columns()
        .into_iter()
        .map(|column| keyed.iter().map(|&(_, row)| column[row]).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(
            average_ranks(&[3.0, 1.0, 3.0, 2.0]),
            vec![3.5, 1.0, 3.5, 2.0]
        );
    }

    #[test]
    fn constant_variable_is_named() {
        assert_eq!(
            Correlation::pearson(&[1.0, 2.0, 3.0], &[2.0, 2.0, 2.0]),
            Err(SatisfactionError::ZeroVariance {
                name: "y".to_string()
            })
        );
    }

    #[test]
    fn perfect_correlation_has_degenerate_interval() {
        let c =
            Correlation::pearson(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 4.0, 6.0, 8.0, 10.0]).unwrap();
        assert!((c.coefficient() - 1.0).abs() < 1e-15);
        assert!(c.p_value() < 1e-12);
        let interval = c.interval(0.95).unwrap();
        assert!(interval.lower > 0.999_999 && interval.upper <= 1.0);
    }
}
