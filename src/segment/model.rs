//! A fitted k-means segmentation reduced to what assigns new customers: the features, the fitted
//! transform, the centroids and the segments' labels. It holds no customer, so it stays small
//! whatever the fitted log's size, and a service can keep it (with serde) to segment tomorrow's
//! customers exactly as today's were.

use ndarray::{Array2, ArrayView2};

use crate::segment::engine::nearest_centres;
use crate::segment::scale::{largest_magnitude, PowerOfTwo};
use crate::segment::transform::{check_features, check_finite, Feature, FittedTransform};
use crate::segment::{SegmentError, Segmentation};
use crate::summary::CustomerSummary;

/// What a [`Segmentation`] fitted on customer summaries needs to assign new customers: the
/// features, the fitted transform, the centroids (in the transformed space) and one label per
/// segment. From [`Segmentation::model`].
///
/// Read back through serde it is checked like a fit's output: at least one feature, the
/// transform's and the centroids' columns one per feature, one label per centroid, finite
/// centroids.
///
/// # Examples
///
/// ```
/// use chrono::NaiveDate;
/// use customer_value::segment::{Feature, KMeansSegmenter};
/// use customer_value::{Summarizer, Transaction};
/// use rust_decimal::Decimal;
/// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
/// let log = [
///     Transaction::new(1, d(1, 5), Decimal::from(20)), Transaction::new(1, d(6, 1), Decimal::from(30)),
///     Transaction::new(2, d(2, 1), Decimal::from(500)), Transaction::new(3, d(6, 20), Decimal::from(15)),
///     Transaction::new(3, d(6, 25), Decimal::from(25)), Transaction::new(4, d(1, 2), Decimal::from(900)),
/// ];
/// let summaries = Summarizer::new(d(6, 30)).summarize(&log)?;
/// let fitted = KMeansSegmenter::new(2).features(&Feature::RFM).seed(7).fit(&summaries)?;
/// let model = fitted.model()?;
/// // The model assigns the fitted customers to the segments the fit gave them.
/// assert_eq!(model.assign(&summaries)?, fitted.labels);
/// assert_eq!(model.labels.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "SegmentModelData")
)]
pub struct SegmentModel {
    /// The features, one per column, in the fit's order.
    pub features: Vec<Feature>,
    /// The transform fitted on the fit's customers.
    pub transform: FittedTransform,
    /// The centroids in the transformed space, one row per segment.
    pub centroids: Array2<f64>,
    /// Each segment's descriptive label, one per centroid row.
    pub labels: Vec<String>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct SegmentModelData {
    features: Vec<Feature>,
    transform: FittedTransform,
    centroids: Array2<f64>,
    labels: Vec<String>,
}

#[cfg(feature = "serde")]
impl TryFrom<SegmentModelData> for SegmentModel {
    type Error = SegmentError;

    fn try_from(data: SegmentModelData) -> Result<Self, SegmentError> {
        check_features(&data.features)?;
        let dim = data.features.len();
        let same = crate::segment::read_checks::same;
        same("transform columns", dim, data.transform.means.len())?;
        same("centroid columns", dim, data.centroids.ncols())?;
        same(
            "labels (one per centroid)",
            data.centroids.nrows(),
            data.labels.len(),
        )?;
        if data.labels.is_empty() {
            return Err(SegmentError::invalid(
                "k",
                0.0,
                "a model needs at least one segment",
            ));
        }
        check_finite(data.centroids.view())?;
        Ok(Self {
            features: data.features,
            transform: data.transform,
            centroids: data.centroids,
            labels: data.labels,
        })
    }
}

impl SegmentModel {
    /// The number of segments.
    ///
    /// # Examples
    ///
    /// See [`SegmentModel`].
    pub fn k(&self) -> usize {
        self.centroids.nrows()
    }

    /// Segments of customers, in the order given: the model's features of each summary, the
    /// stored transform, then the nearest centroid (lowest index on ties), exactly as
    /// [`Segmentation::assign`].
    ///
    /// # Errors
    ///
    /// Those of [`FittedTransform::apply`]: [`SegmentError::NonFinite`] or
    /// [`SegmentError::TransformOverflow`] for a customer whose features cannot be transformed
    /// (a net spend below −1 under a log transform, say).
    ///
    /// # Examples
    ///
    /// See [`SegmentModel`].
    pub fn assign<D>(&self, summaries: &[CustomerSummary<D>]) -> Result<Vec<usize>, SegmentError> {
        let raw = feature_matrix(&self.features, summaries);
        nearest_segments(&self.transform, self.centroids.view(), raw.view())
    }
}

impl<C> Segmentation<C> {
    /// The fitted model without its customers: what assigns new customers (see
    /// [`SegmentModel`]).
    ///
    /// # Errors
    ///
    /// [`SegmentError::NoSummaryFeatures`] when the segmentation was fitted on a matrix (it has no
    /// features to read from a summary).
    ///
    /// # Examples
    ///
    /// See [`SegmentModel`].
    pub fn model(&self) -> Result<SegmentModel, SegmentError> {
        if self.features.is_empty() {
            return Err(SegmentError::NoSummaryFeatures);
        }
        Ok(SegmentModel {
            features: self.features.clone(),
            transform: self.transform.clone(),
            centroids: self.centroids.clone(),
            labels: self.segments.iter().map(|s| s.label.clone()).collect(),
        })
    }
}

/// The features of each summary, one row per customer in the order given.
pub(crate) fn feature_matrix<D>(
    features: &[Feature], summaries: &[CustomerSummary<D>],
) -> Array2<f64> {
    Array2::from_shape_fn((summaries.len(), features.len()), |(row, column)| {
        features[column].value(&summaries[row])
    })
}

/// The nearest centroid of each row of `raw` (original units) after `transform`, lowest index on
/// ties.
pub(crate) fn nearest_segments(
    transform: &FittedTransform, centroids: ArrayView2<f64>, raw: ArrayView2<f64>,
) -> Result<Vec<usize>, SegmentError> {
    let points = transform.apply(raw)?;
    let dim = points.ncols();
    // Rows and centroids rescaled together by a power of two (exact, and distances keep their
    // order), so squared distances near ±f64::MAX do not all overflow to a tie.
    let to_unit = PowerOfTwo::normalising(largest_magnitude(
        points.iter().chain(centroids.iter()).copied(),
    ));
    let data: Vec<f64> = points.iter().map(|&v| to_unit.apply(v)).collect();
    let centers: Vec<f64> = centroids.iter().map(|&v| to_unit.apply(v)).collect();
    Ok(nearest_centres(&data, dim, &centers))
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::segment::{FeatureTransform, KMeansSegmenter};
    use ndarray::array;

    fn model() -> SegmentModel {
        SegmentModel {
            features: vec![Feature::RecencyDays, Feature::PurchaseOccasions],
            transform: FittedTransform {
                kind: FeatureTransform::ZScore,
                means: vec![10.0, 2.0],
                scales: vec![5.0, 1.0],
            },
            centroids: array![[-1.0, 0.5], [1.0, -0.5]],
            labels: vec!["recent · frequent".into(), "lapsed".into()],
        }
    }

    #[test]
    fn a_model_reads_back_whole_and_refuses_inconsistent_parts() {
        let json = serde_json::to_string(&model()).unwrap();
        assert_eq!(
            serde_json::from_str::<SegmentModel>(&json).unwrap(),
            model()
        );
        let one_label = json.replace(",\"lapsed\"", "");
        let err = serde_json::from_str::<SegmentModel>(&one_label).unwrap_err();
        assert!(err.to_string().contains("labels"), "{err}");
        let no_features = json.replace("\"RecencyDays\",\"PurchaseOccasions\"", "");
        assert!(serde_json::from_str::<SegmentModel>(&no_features).is_err());
    }

    #[test]
    fn a_matrix_fit_has_no_model() {
        let fitted = KMeansSegmenter::new(2)
            .fit_matrix(array![[0.0], [1.0], [10.0]].view())
            .unwrap();
        assert_eq!(fitted.model(), Err(SegmentError::NoSummaryFeatures));
    }
}
