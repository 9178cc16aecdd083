//! Customer features and the transforms applied to them before clustering.
//!
//! Behavioural features are skewed (a few customers spend a hundred times the median), so the
//! default for customer summaries is `log1p` then z-score: the log compresses the long right tail,
//! the z-score gives every feature the same weight in the Euclidean distance k-means minimises.
//! The fitted transform (means and standard deviations) is kept so new customers are scored the
//! same way.

use ndarray::{Array2, ArrayView1, ArrayView2};
use rust_decimal::Decimal;

use crate::numeric::money::to_f64;
use crate::segment::scale::{largest_magnitude, PowerOfTwo};
use crate::segment::SegmentError;
use crate::summary::CustomerSummary;

/// A behavioural feature read from a [`CustomerSummary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Feature {
    /// RFM recency: whole days from the last purchase occasion to the observation end
    /// ([`CustomerSummary::recency_days`]). Lower is better.
    RecencyDays,
    /// Purchase occasions ([`CustomerSummary::purchase_occasions`]).
    PurchaseOccasions,
    /// Total net spend ([`CustomerSummary::total_spend`]), converted to `f64`.
    Monetary,
    /// Net spend per purchase occasion ([`CustomerSummary::average_order_value`]).
    AverageOrderValue,
    /// Whole days from the first purchase occasion to the observation end
    /// ([`CustomerSummary::tenure_days`]).
    TenureDays,
}

impl Feature {
    /// The default feature set: recency days, purchase occasions and total spend (classic RFM).
    pub const RFM: [Feature; 3] = [
        Feature::RecencyDays,
        Feature::PurchaseOccasions,
        Feature::Monetary,
    ];

    /// A short human-readable name (`"recency_days"`, `"purchase_occasions"`, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::Feature;
    /// assert_eq!(Feature::Monetary.name(), "monetary");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Feature::RecencyDays => "recency_days",
            Feature::PurchaseOccasions => "purchase_occasions",
            Feature::Monetary => "monetary",
            Feature::AverageOrderValue => "average_order_value",
            Feature::TenureDays => "tenure_days",
        }
    }

    /// The feature's value for one customer, in `f64`.
    ///
    /// Money is converted from `Decimal` to the nearest `f64` by the crate's one rule,
    /// [`numeric::money::to_f64`](crate::numeric::money::to_f64), which never fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{segment::Feature, Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::from(10)), Transaction::new(1, d(5), Decimal::from(30))];
    /// let s = Summarizer::new(d(9)).summarize(&log)?;
    /// assert_eq!(Feature::RecencyDays.value(&s[0]), 4.0);
    /// assert_eq!(Feature::AverageOrderValue.value(&s[0]), 20.0);
    /// assert_eq!(Feature::TenureDays.value(&s[0]), 8.0);
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn value<C>(self, summary: &CustomerSummary<C>) -> f64 {
        match self {
            Feature::RecencyDays => summary.recency_days() as f64,
            Feature::PurchaseOccasions => summary.purchase_occasions() as f64,
            Feature::Monetary => to_f64(summary.total_spend()),
            Feature::AverageOrderValue => to_f64(summary.average_order_value()),
            Feature::TenureDays => summary.tenure_days() as f64,
        }
    }
}

/// How features are transformed before clustering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FeatureTransform {
    /// Cluster the values as given.
    None,
    /// `ln(1 + x)` per value (requires x > −1).
    Log1p,
    /// `(x − mean) / sd` per feature, with the population standard deviation (ddof 0, as
    /// scikit-learn's `StandardScaler`).
    ZScore,
    /// `ln(1 + x)`, then z-score (the default for customer summaries).
    #[default]
    Log1pZScore,
}

impl FeatureTransform {
    fn uses_log(self) -> bool {
        matches!(
            self,
            FeatureTransform::Log1p | FeatureTransform::Log1pZScore
        )
    }

    fn uses_z_score(self) -> bool {
        matches!(
            self,
            FeatureTransform::ZScore | FeatureTransform::Log1pZScore
        )
    }
}

/// A transform with its fitted parameters: apply it to new rows to place them in the clustering
/// space of an earlier fit.
///
/// With the `serde` feature it serializes; reading back rejects, with a [`SegmentError`] message,
/// parameters no fit produces: no column, `means` and `scales` of different lengths, a mean that
/// is not finite or a scale that is not a positive normal float (finite and at least 2.2e-308; a
/// fit refuses a feature whose standard deviation is smaller, see
/// [`SegmentError::VarianceUnderflow`]). Through `serde_json`, enable its
/// `float_roundtrip` feature for bit-identical parameters (and so bit-identical transformed rows).
///
/// # Examples
///
/// ```
/// use customer_value::segment::{FeatureTransform, FittedTransform};
/// let t = FittedTransform { kind: FeatureTransform::ZScore, means: vec![0.1], scales: vec![0.3] };
/// let back: FittedTransform = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
/// assert_eq!(back, t);
/// let zero_scale = r#"{"kind":"ZScore","means":[0.1],"scales":[0.0]}"#;
/// assert!(serde_json::from_str::<FittedTransform>(zero_scale).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "FittedTransformData")
)]
pub struct FittedTransform {
    /// The transform.
    pub kind: FeatureTransform,
    /// Per-feature mean after the log step (0 when no z-score).
    pub means: Vec<f64>,
    /// Per-feature population standard deviation after the log step (1 when no z-score).
    pub scales: Vec<f64>,
}

impl FittedTransform {
    /// Fits `kind` on `out` (rows = customers), transforming it in place, and returns the fitted
    /// transform with the transformed matrix. `names` name the columns in errors.
    ///
    /// Each column's mean and standard deviation are computed on its values rescaled by a power
    /// of two (exact), so columns near ±1e308 or near 1e-300 are standardised as well as any
    /// other; only a standard deviation below the normal range of f64 is refused.
    pub(crate) fn fit_owned(
        kind: FeatureTransform, mut out: Array2<f64>, names: &[String],
    ) -> Result<(Self, Array2<f64>), SegmentError> {
        check_finite(out.view())?;
        if kind.uses_log() {
            log1p_in_place(&mut out)?;
        }
        let columns = out.ncols();
        let mut fitted = Self {
            kind,
            means: vec![0.0; columns],
            scales: vec![1.0; columns],
        };
        let name = |column: usize| names.get(column).cloned().unwrap_or_default();
        for (column, values) in out.columns().into_iter().enumerate() {
            // Only values that are all equal have no spread; a tiny spread is rescaled below.
            if values.iter().all(|v| Some(v) == values.first()) {
                return Err(SegmentError::ConstantFeature {
                    column,
                    name: name(column),
                });
            }
            if kind.uses_z_score() {
                let (mean, sd) =
                    mean_and_sd(values).map_err(|log10| SegmentError::VarianceUnderflow {
                        column,
                        name: name(column),
                        log10,
                    })?;
                fitted.means[column] = mean;
                fitted.scales[column] = sd;
            }
        }
        if kind.uses_z_score() {
            // A fitted column's z-scores are at most √n in magnitude: this cannot fail. (The
            // value that would overflow is left as it was.)
            if let Err((row, column)) = fitted.z_scores_in_place(&mut out) {
                return Err(SegmentError::TransformOverflow {
                    row,
                    column,
                    value: out[[row, column]],
                });
            }
        }
        Ok((fitted, out))
    }

    /// Applies the fitted transform to new rows (same columns as the fit).
    ///
    /// # Errors
    ///
    /// [`SegmentError::LengthMismatch`] when `raw` has a different number of columns than the
    /// fit, [`SegmentError::InvalidParameter`] naming `transform means` or `transform scales` when
    /// a mean is not finite or a scale not a positive normal float (the fields are public),
    /// [`SegmentError::NonFinite`] for a NaN or infinite value, [`SegmentError::Log1pDomain`]
    /// for a value ≤ −1 under a log transform, [`SegmentError::TransformOverflow`] for a value so
    /// far from its mean, against its scale, that the z-score overflows f64.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::{FeatureTransform, FittedTransform};
    /// use ndarray::array;
    /// let t = FittedTransform { kind: FeatureTransform::ZScore, means: vec![1.0], scales: vec![2.0] };
    /// assert_eq!(t.apply(array![[5.0]].view())?, array![[2.0]]);
    /// // (f64::MAX − (−f64::MAX)) overflows, the z-score 2 does not.
    /// let wide = FittedTransform { kind: FeatureTransform::ZScore, means: vec![-f64::MAX], scales: vec![f64::MAX] };
    /// assert_eq!(wide.apply(array![[f64::MAX]].view())?, array![[2.0]]);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn apply(&self, raw: ArrayView2<f64>) -> Result<Array2<f64>, SegmentError> {
        if raw.ncols() != self.means.len() {
            return Err(SegmentError::LengthMismatch {
                name: "raw columns",
                expected: self.means.len(),
                found: raw.ncols(),
            });
        }
        check_parameters(&self.means, &self.scales)?;
        check_finite(raw)?;
        let mut out = raw.to_owned();
        if self.kind.uses_log() {
            log1p_in_place(&mut out)?;
        }
        if self.kind.uses_z_score() {
            self.z_scores_in_place(&mut out).map_err(|(row, column)| {
                SegmentError::TransformOverflow {
                    row,
                    column,
                    value: raw[[row, column]],
                }
            })?;
        }
        Ok(out)
    }

    /// (x − mean) / scale for every value; the position of the first that overflows.
    fn z_scores_in_place(&self, out: &mut Array2<f64>) -> Result<(), (usize, usize)> {
        for (row, mut values) in out.rows_mut().into_iter().enumerate() {
            for (column, (value, (&mean, &scale))) in values
                .iter_mut()
                .zip(self.means.iter().zip(&self.scales))
                .enumerate()
            {
                let mut z = (*value - mean) / scale;
                if !z.is_finite() {
                    // x − mean overflowed (a value and a mean near opposite ends of f64): halve
                    // both first, exactly.
                    z = (0.5 * *value - 0.5 * mean) / scale * 2.0;
                }
                if !z.is_finite() {
                    return Err((row, column));
                }
                *value = z;
            }
        }
        Ok(())
    }
}

/// Mean and population standard deviation of one column, computed on its values rescaled by a
/// power of two into [−1, 1] (two passes, numpy's `mean` and `var`), so neither the sum nor the
/// squares leave f64's range. `Err` with the decimal logarithm of the standard deviation when it
/// is below the normal range.
fn mean_and_sd(values: ArrayView1<f64>) -> Result<(f64, f64), f64> {
    let scale = PowerOfTwo::normalising(largest_magnitude(values.iter().copied()));
    let n = values.len() as f64;
    let mean = values.iter().map(|&v| scale.apply(v)).sum::<f64>() / n;
    let variance = values
        .iter()
        .map(|&v| {
            let delta = scale.apply(v) - mean;
            delta * delta
        })
        .sum::<f64>()
        / n;
    let back = scale.inverse();
    let sd = back.apply(variance.sqrt());
    if sd < f64::MIN_POSITIVE {
        return Err(0.5 * variance.log10() + back.log10());
    }
    Ok((back.apply(mean), sd))
}

/// The checks of a transform's parameters (fields are public, and read back through serde):
/// every mean finite, every scale a positive normal float as a fit gives.
fn check_parameters(means: &[f64], scales: &[f64]) -> Result<(), SegmentError> {
    if scales.len() != means.len() {
        return Err(SegmentError::LengthMismatch {
            name: "transform scales",
            expected: means.len(),
            found: scales.len(),
        });
    }
    if let Some(&mean) = means.iter().find(|m| !m.is_finite()) {
        return Err(SegmentError::invalid(
            "transform means",
            mean,
            "every mean must be finite",
        ));
    }
    if let Some(&scale) = scales.iter().find(|v| !(v.is_normal() && **v > 0.0)) {
        return Err(SegmentError::invalid(
            "transform scales",
            scale,
            "every scale must be finite and positive, at least 2.2e-308 (a normal f64)",
        ));
    }
    Ok(())
}

/// The fields of a [`FittedTransform`] as read, before the checks.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct FittedTransformData {
    kind: FeatureTransform,
    means: Vec<f64>,
    scales: Vec<f64>,
}

#[cfg(feature = "serde")]
impl TryFrom<FittedTransformData> for FittedTransform {
    type Error = SegmentError;

    fn try_from(data: FittedTransformData) -> Result<Self, SegmentError> {
        if data.means.is_empty() {
            return Err(SegmentError::EmptyInput);
        }
        check_parameters(&data.means, &data.scales)?;
        Ok(Self {
            kind: data.kind,
            means: data.means,
            scales: data.scales,
        })
    }
}

/// The rows to segment, read from customer summaries or taken from a caller matrix, with what a
/// fit needs to describe them.
pub(crate) struct FeatureRows<C> {
    /// Customers in row order: ids sorted, or row indices for a matrix.
    pub customers: Vec<C>,
    /// Feature values in original units, customers × features.
    pub raw: Array2<f64>,
    /// Names of the feature columns.
    pub names: Vec<String>,
    /// The summary features (empty for a matrix).
    pub features: Vec<Feature>,
    /// The transform to fit: the one set, else the default for the source.
    pub kind: FeatureTransform,
    /// Total net spend per customer (summaries only).
    pub spend: Option<Vec<Decimal>>,
}

impl<C: Clone + Ord> FeatureRows<C> {
    /// Reads `features` from `summaries` sorted by customer id (so the output is independent of
    /// the input order); the transform defaults to `log1p` then z-score. Fails with
    /// [`SegmentError::EmptyInput`] for no summaries and [`SegmentError::DuplicateCustomer`] for a
    /// repeated id.
    pub(crate) fn from_summaries(
        summaries: &[CustomerSummary<C>], features: &[Feature], transform: Option<FeatureTransform>,
    ) -> Result<Self, SegmentError> {
        if summaries.is_empty() {
            return Err(SegmentError::EmptyInput);
        }
        let order = crate::summary::order_by_customer(summaries).map_err(
            |(position, first_position)| SegmentError::DuplicateCustomer {
                position,
                first_position,
            },
        )?;
        let raw = Array2::from_shape_fn((summaries.len(), features.len()), |(row, column)| {
            features[column].value(&summaries[order[row]])
        });
        Ok(Self {
            customers: order
                .iter()
                .map(|&i| summaries[i].customer().clone())
                .collect(),
            raw,
            names: features.iter().map(|f| f.name().to_string()).collect(),
            features: features.to_vec(),
            kind: transform.unwrap_or(FeatureTransform::Log1pZScore),
            spend: Some(order.iter().map(|&i| summaries[i].total_spend()).collect()),
        })
    }
}

impl FeatureRows<usize> {
    /// The rows of a caller matrix, customers being the row indices and columns named
    /// `column_0`, `column_1`…; no transform unless one is set. Fails with
    /// [`SegmentError::EmptyInput`] for no rows or no columns.
    pub(crate) fn from_matrix(
        matrix: ArrayView2<f64>, transform: Option<FeatureTransform>,
    ) -> Result<Self, SegmentError> {
        if matrix.nrows() == 0 || matrix.ncols() == 0 {
            return Err(SegmentError::EmptyInput);
        }
        Ok(Self {
            customers: (0..matrix.nrows()).collect(),
            raw: matrix.to_owned(),
            names: (0..matrix.ncols()).map(|c| format!("column_{c}")).collect(),
            features: Vec::new(),
            kind: transform.unwrap_or(FeatureTransform::None),
            spend: None,
        })
    }
}

/// The settings check shared by the segmenters: at least one feature, each at most once.
pub(crate) fn check_features(features: &[Feature]) -> Result<(), SegmentError> {
    if features.is_empty() {
        return Err(SegmentError::invalid(
            "features",
            0.0,
            "at least one feature is needed",
        ));
    }
    for (position, feature) in features.iter().enumerate() {
        if features[..position].contains(feature) {
            return Err(SegmentError::invalid(
                "features",
                position as f64,
                "each feature may appear once; remove the repeat at this position",
            ));
        }
    }
    Ok(())
}

pub(crate) fn check_finite(raw: ArrayView2<f64>) -> Result<(), SegmentError> {
    // Fast path: one branch-light scan; the position is looked up only on failure.
    if raw.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    for ((row, column), &value) in raw.indexed_iter() {
        if !value.is_finite() {
            return Err(SegmentError::NonFinite { row, column, value });
        }
    }
    Ok(())
}

fn log1p_in_place(values: &mut Array2<f64>) -> Result<(), SegmentError> {
    for ((row, column), value) in values.indexed_iter_mut() {
        if *value <= -1.0 {
            return Err(SegmentError::Log1pDomain {
                row,
                column,
                value: *value,
            });
        }
        *value = value.ln_1p();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn fit(
        kind: FeatureTransform, raw: ArrayView2<f64>, names: &[String],
    ) -> Result<(FittedTransform, Array2<f64>), SegmentError> {
        FittedTransform::fit_owned(kind, raw.to_owned(), names)
    }

    #[test]
    fn log1p_z_score_matches_hand_values() {
        // ln(1+0)=0, ln(1+e−1)=1, ln(1+e²−1)=2 → mean 1, population sd sqrt(2/3).
        let e = std::f64::consts::E;
        let raw = array![[0.0], [e - 1.0], [e * e - 1.0]];
        let (fitted, out) = fit(FeatureTransform::Log1pZScore, raw.view(), &["x".into()]).unwrap();
        let sd = (2.0f64 / 3.0).sqrt();
        assert!((fitted.means[0] - 1.0).abs() < 1e-12);
        assert!((fitted.scales[0] - sd).abs() < 1e-12);
        assert!((out[[0, 0]] + 1.0 / sd).abs() < 1e-12);
        assert!((out[[2, 0]] - 1.0 / sd).abs() < 1e-12);
        let again = fitted.apply(raw.view()).unwrap();
        assert_eq!(again, out);
    }

    #[test]
    fn bad_values_are_errors() {
        let raw = array![[1.0, 2.0], [1.0, 3.0]];
        let err = fit(
            FeatureTransform::None,
            raw.view(),
            &["a".into(), "b".into()],
        );
        assert_eq!(
            err.unwrap_err(),
            SegmentError::ConstantFeature {
                column: 0,
                name: "a".into()
            }
        );
        let raw = array![[-1.0, 2.0], [1.0, 3.0]];
        let err = fit(FeatureTransform::Log1p, raw.view(), &[]);
        assert_eq!(
            err.unwrap_err(),
            SegmentError::Log1pDomain {
                row: 0,
                column: 0,
                value: -1.0
            }
        );
        let raw = array![[0.0, 2.0], [1.0, f64::INFINITY]];
        let err = fit(FeatureTransform::None, raw.view(), &[]);
        assert!(matches!(
            err.unwrap_err(),
            SegmentError::NonFinite {
                row: 1,
                column: 1,
                ..
            }
        ));
    }
}
