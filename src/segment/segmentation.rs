//! The fitted k-means segmentation: labels, profiles, quality metrics on demand, assignment of new
//! customers and mean RFM scores per segment.

use ndarray::{Array2, ArrayView2};
use rust_decimal::Decimal;

use crate::segment::clustering::Clustering;
use crate::segment::metrics::{self, QualityMetrics};
use crate::segment::model::{feature_matrix, nearest_segments};
use crate::segment::profile::{segment_profiles, ProfileData, SegmentProfile};
#[cfg(feature = "serde")]
use crate::segment::read_checks;
use crate::segment::segmenter::{KMeansEngine, KScore};
use crate::segment::transform::{Feature, FittedTransform};
use crate::segment::SegmentError;
use crate::summary::CustomerSummary;

/// Mean RFM scores of one segment's customers.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmScoreMeans {
    /// Mean recency score.
    pub recency: f64,
    /// Mean frequency score.
    pub frequency: f64,
    /// Mean monetary score.
    pub monetary: f64,
    /// Customers of the segment that had an RFM record.
    pub scored: usize,
}

/// A fitted k-means segmentation (see [`KMeansSegmenter`](crate::segment::KMeansSegmenter)).
///
/// Customers are in id order (row order for matrices); `labels[i]` is the segment of
/// `customers[i]`. Inertia and the quality metrics are in the clustering space.
///
/// With the `serde` feature a segmentation is saved and read back, and then
/// [`assign`](Self::assign) places every customer exactly as before. Through `serde_json`, enable
/// its `float_roundtrip` feature so the centroids and transform come back bit-identical (without
/// it the last bit may differ and a customer almost equidistant from two centroids could move).
/// The points are not saved ([`quality`](Self::quality) needs the original fit). Reading back
/// rejects, with a [`SegmentError`] message, what no fit produces: customers not sorted or
/// repeated, labels not one per customer or not below k, segments not one per centroid, centroids
/// (or initial centroids) not k × the transform's columns or not finite, feature names (or
/// summary features) not one per column, a repeated feature, an inertia negative or not finite,
/// the kept initialisation not among those run, a profile not of its segment, not sized by the
/// labels or with statistics that are not finite, a score of a k tried out of its range.
///
/// # Examples
///
/// ```
/// use customer_value::segment::{KMeansSegmenter, Segmentation};
/// use ndarray::array;
/// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0], [11.0]].view())?;
/// let back: Segmentation<usize> = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
/// let new = array![[0.4], [5.4], [5.6], [12.0]];
/// assert_eq!(back.assign_matrix(new.view())?, s.assign_matrix(new.view())?);
/// // Centroids of another dimension than the transform's are refused when read.
/// let mut bad = serde_json::to_value(&s).unwrap();
/// bad["centroids"] = serde_json::to_value(array![[0.5, 1.0], [10.5, 1.0]]).unwrap();
/// assert!(serde_json::from_value::<Segmentation<usize>>(bad).is_err());
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "SegmentationData<C>",
        bound(deserialize = "C: Ord + serde::Deserialize<'de>")
    )
)]
pub struct Segmentation<C> {
    /// Customer ids, sorted (row indices for [`fit_matrix`](crate::segment::KMeansSegmenter::fit_matrix)).
    pub customers: Vec<C>,
    /// Segment of each customer, in `0..k`.
    pub labels: Vec<usize>,
    /// Number of segments.
    pub k: usize,
    /// Names of the feature columns.
    pub feature_names: Vec<String>,
    /// The summary features (empty for a matrix fit).
    pub features: Vec<Feature>,
    /// The fitted transform (apply it to new rows to reach the clustering space).
    pub transform: FittedTransform,
    /// Centroids in the clustering space (k × features): the means of the final labels.
    pub centroids: Array2<f64>,
    /// The k-means++ centres the kept run started from.
    pub initial_centroids: Array2<f64>,
    /// One profile per segment.
    pub segments: Vec<SegmentProfile>,
    /// Σ ‖x − c_label‖² in the clustering space, with c the means of the final labels
    /// (scikit-learn's `inertia_`).
    pub inertia: f64,
    /// Lloyd iterations of the kept run.
    pub iterations: usize,
    /// Whether the kept run met the tolerance (or stopped changing labels) before the iteration cap.
    pub converged: bool,
    /// Which initialisation was kept (0-based).
    pub best_init: usize,
    /// Initialisations run.
    pub n_init: usize,
    /// The engine that ran the iterations.
    pub engine: KMeansEngine,
    /// Metrics of every k tried when k was chosen over a range (empty for a fixed k).
    pub k_scores: Vec<KScore>,
    #[cfg_attr(feature = "serde", serde(skip))]
    points: Array2<f64>,
}

/// The fields of a [`Segmentation`] as read, before the checks (the points are not saved).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct SegmentationData<C> {
    customers: Vec<C>,
    labels: Vec<usize>,
    k: usize,
    feature_names: Vec<String>,
    features: Vec<Feature>,
    transform: FittedTransform,
    centroids: Array2<f64>,
    initial_centroids: Array2<f64>,
    segments: Vec<SegmentProfile>,
    inertia: f64,
    iterations: usize,
    converged: bool,
    best_init: usize,
    n_init: usize,
    engine: KMeansEngine,
    k_scores: Vec<KScore>,
}

#[cfg(feature = "serde")]
impl<C: Ord> TryFrom<SegmentationData<C>> for Segmentation<C> {
    type Error = SegmentError;

    fn try_from(data: SegmentationData<C>) -> Result<Self, SegmentError> {
        let dim = data.transform.means.len();
        check_shapes(&data, dim)?;
        check_customers(&data.customers, &data.labels, data.k)?;
        read_checks::check_profiles(&data.segments, &data.labels, dim)?;
        read_checks::check_run(data.inertia, data.best_init, data.n_init, &data.k_scores)?;
        Ok(Self {
            customers: data.customers,
            labels: data.labels,
            k: data.k,
            feature_names: data.feature_names,
            features: data.features,
            transform: data.transform,
            centroids: data.centroids,
            initial_centroids: data.initial_centroids,
            segments: data.segments,
            inertia: data.inertia,
            iterations: data.iterations,
            converged: data.converged,
            best_init: data.best_init,
            n_init: data.n_init,
            engine: data.engine,
            k_scores: data.k_scores,
            points: Array2::zeros((0, dim)),
        })
    }
}

/// The dimensions read back agree: names and features per column, centroids k × columns and
/// finite, one segment profile per centroid.
#[cfg(feature = "serde")]
fn check_shapes<C>(data: &SegmentationData<C>, dim: usize) -> Result<(), SegmentError> {
    let mismatch = |name, expected, found| {
        if expected == found {
            Ok(())
        } else {
            Err(SegmentError::LengthMismatch {
                name,
                expected,
                found,
            })
        }
    };
    if data.k == 0 {
        return Err(SegmentError::invalid("k", 0.0, "k must be at least 1"));
    }
    mismatch("feature names", dim, data.feature_names.len())?;
    if !data.features.is_empty() {
        mismatch("features", dim, data.features.len())?;
        crate::segment::transform::check_features(&data.features)?;
    }
    for (name, centres) in [
        ("centroid rows", &data.centroids),
        ("initial centroid rows", &data.initial_centroids),
    ] {
        mismatch(name, data.k, centres.nrows())?;
        mismatch("centroid columns (the transform's)", dim, centres.ncols())?;
        crate::segment::transform::check_finite(centres.view())?;
    }
    mismatch("segments", data.k, data.segments.len())
}

/// Customers sorted by id without repeats, one label each, every label below k.
#[cfg(feature = "serde")]
fn check_customers<C: Ord>(
    customers: &[C], labels: &[usize], k: usize,
) -> Result<(), SegmentError> {
    if labels.len() != customers.len() {
        return Err(SegmentError::LengthMismatch {
            name: "labels",
            expected: customers.len(),
            found: labels.len(),
        });
    }
    crate::segment::read_checks::check_customers(customers, labels, k)
}

/// Everything a fit produced, made into a [`Segmentation`] by `into_segmentation`.
pub(crate) struct FitInputs<C> {
    pub customers: Vec<C>,
    /// The original values when they differ from `points` (`None` without a transform).
    pub raw: Option<Array2<f64>>,
    pub points: Array2<f64>,
    pub names: Vec<String>,
    pub features: Vec<Feature>,
    pub transform: FittedTransform,
    pub spend: Option<Vec<Decimal>>,
    pub clustering: Clustering,
    pub engine: KMeansEngine,
    pub n_init: usize,
}

impl<C> FitInputs<C> {
    /// The segmentation with its profiles.
    pub(crate) fn into_segmentation(self) -> Segmentation<C> {
        let k = self.clustering.k;
        let dim = self.points.ncols();
        let outcome = self.clustering.outcome;
        let centroids = Array2::from_shape_vec((k, dim), outcome.centroids)
            .unwrap_or_else(|_| Array2::zeros((k, dim)));
        let initial_centroids = Array2::from_shape_vec((k, dim), outcome.initial_centroids)
            .unwrap_or_else(|_| Array2::zeros((k, dim)));
        let segments = segment_profiles(ProfileData {
            raw: self.raw.as_ref().unwrap_or(&self.points),
            labels: &outcome.labels,
            centroids: &centroids,
            features: &self.features,
            names: &self.names,
            spend: self.spend.as_deref(),
        });
        Segmentation {
            customers: self.customers,
            labels: outcome.labels,
            k,
            feature_names: self.names,
            features: self.features,
            transform: self.transform,
            centroids,
            initial_centroids,
            segments,
            inertia: outcome.inertia,
            iterations: outcome.iterations,
            converged: outcome.converged,
            best_init: self.clustering.best_init,
            n_init: self.n_init,
            engine: self.engine,
            k_scores: self.clustering.k_scores,
            points: self.points,
        }
    }
}

impl<C> Segmentation<C> {
    /// Customers per segment.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0]].view())?;
    /// let mut sizes = s.sizes();
    /// sizes.sort();
    /// assert_eq!(sizes, [1, 2]);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn sizes(&self) -> Vec<usize> {
        self.segments.iter().map(|s| s.size).collect()
    }

    /// The points in the clustering space (rows in customer order).
    pub fn points(&self) -> ArrayView2<'_, f64> {
        self.points.view()
    }

    /// Silhouette, Davies–Bouldin, Calinski–Harabasz and inertia of the labels, in the clustering
    /// space. The silhouette is exact up to 10,000 customers and on a sample of 10,000 drawn with
    /// `seed` above (the result says so).
    ///
    /// # Errors
    ///
    /// [`SegmentError::MetricUndefined`] unless 2 ≤ non-empty segments ≤ customers − 1 (in the
    /// silhouette sample too); [`SegmentError::EmptyInput`] on a deserialised segmentation (its
    /// points are not serialised); [`SegmentError::OutOfRange`] as the [`metrics`] say.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [2.0], [10.0], [12.0]].view())?;
    /// let q = s.quality(0)?;
    /// assert!((q.davies_bouldin - 0.2).abs() < 1e-12);
    /// assert_eq!(q.inertia, s.inertia);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn quality(&self, seed: u64) -> Result<QualityMetrics, SegmentError> {
        metrics::quality(self.points.view(), &self.labels, seed)
    }

    /// Segments of new rows given in original units (same columns as the fit): the stored
    /// transform is applied, then each row goes to its nearest centroid (lowest index on ties),
    /// rows and centroids rescaled together by a power of two so that distances near ±f64::MAX
    /// are still told apart.
    ///
    /// # Errors
    ///
    /// Those of [`FittedTransform::apply`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0], [11.0]].view())?;
    /// let new = s.assign_matrix(array![[0.4], [12.0]].view())?;
    /// assert_eq!(new, vec![s.labels[0], s.labels[3]]);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn assign_matrix(&self, raw: ArrayView2<f64>) -> Result<Vec<usize>, SegmentError> {
        nearest_segments(&self.transform, self.centroids.view(), raw)
    }

    /// Segments of new customers, in the order given, from the fit's features and transform.
    ///
    /// # Errors
    ///
    /// [`SegmentError::NoSummaryFeatures`] when the segmentation was fitted on a matrix, and those
    /// of [`assign_matrix`](Self::assign_matrix).
    ///
    /// # Examples
    ///
    /// See the [module documentation](crate::segment), where `assign` on the fitted summaries gives
    /// back their labels.
    pub fn assign<D>(&self, summaries: &[CustomerSummary<D>]) -> Result<Vec<usize>, SegmentError> {
        if self.features.is_empty() {
            return Err(SegmentError::NoSummaryFeatures);
        }
        self.assign_matrix(feature_matrix(&self.features, summaries).view())
    }
}

impl<C: Ord> Segmentation<C> {
    /// The segment of one customer, `None` if the id is not in the segmentation.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0]].view())?;
    /// assert_eq!(s.segment_of(&2), Some(s.labels[2]));
    /// assert_eq!(s.segment_of(&7), None);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn segment_of(&self, customer: &C) -> Option<usize> {
        self.customers
            .binary_search(customer)
            .ok()
            .map(|i| self.labels[i])
    }

    /// Mean RFM scores per segment (`None` for a segment with no scored customer) from the
    /// caller's scores: one `(customer, [recency, frequency, monetary])` per scored customer, for
    /// instance `records.iter().map(|r| (&r.customer, [r.score.recency, r.score.frequency,
    /// r.score.monetary]))` from [`RfmScorer::score`](crate::RfmScorer::score). Customers without
    /// scores are left out of their segment's means.
    ///
    /// # Errors
    ///
    /// [`SegmentError::UnknownCustomer`] when a customer is not in the segmentation,
    /// [`SegmentError::DuplicateCustomer`] when a customer is scored twice.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::{KMeansSegmenter, SegmentError};
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0]].view())?;
    /// let means = s.rfm_profile([(&0usize, [5, 2, 3]), (&1, [4, 2, 3])])?;
    /// let first = means[s.labels[0]].unwrap();
    /// assert_eq!((first.recency, first.frequency, first.scored), (4.5, 2.0, 2));
    /// assert!(means[s.labels[2]].is_none());
    /// assert_eq!(
    ///     s.rfm_profile([(&0usize, [5, 2, 3]), (&0, [4, 2, 3])]),
    ///     Err(SegmentError::DuplicateCustomer { position: 1, first_position: 0 })
    /// );
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn rfm_profile<'a, I>(&self, scores: I) -> Result<Vec<Option<RfmScoreMeans>>, SegmentError>
    where
        I: IntoIterator<Item = (&'a C, [u8; 3])>,
        C: 'a,
    {
        let mut sums = vec![[0u64; 3]; self.k];
        let mut counts = vec![0usize; self.k];
        let mut seen: Vec<Option<usize>> = vec![None; self.customers.len()];
        for (position, (customer, score)) in scores.into_iter().enumerate() {
            let index = self
                .customers
                .binary_search(customer)
                .map_err(|_| SegmentError::UnknownCustomer { position })?;
            if let Some(first_position) = seen[index] {
                return Err(SegmentError::DuplicateCustomer {
                    position,
                    first_position,
                });
            }
            seen[index] = Some(position);
            let label = self.labels[index];
            for (sum, value) in sums[label].iter_mut().zip(score) {
                *sum += u64::from(value);
            }
            counts[label] += 1;
        }
        Ok(sums
            .iter()
            .zip(&counts)
            .map(|(sum, &count)| {
                (count > 0).then(|| RfmScoreMeans {
                    recency: sum[0] as f64 / count as f64,
                    frequency: sum[1] as f64 / count as f64,
                    monetary: sum[2] as f64 / count as f64,
                    scored: count,
                })
            })
            .collect())
    }
}
