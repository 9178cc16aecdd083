//! The k-means segmenter: its settings and their check, the engines, and the choice of k.

use std::ops::RangeInclusive;

use ndarray::ArrayView2;

use crate::segment::clustering::Run;
use crate::segment::metrics;
use crate::segment::segmentation::{FitInputs, Segmentation};
use crate::segment::transform::{
    check_features, Feature, FeatureRows, FeatureTransform, FittedTransform,
};
use crate::segment::SegmentError;
use crate::settings::Settings;
use crate::summary::CustomerSummary;

/// The most k-means++ initialisations a [`KMeansSegmenter`] runs ([`KMeansSegmenter::n_init`]):
/// each is a full k-means run, so the bound keeps a fit's time bounded by its data.
pub const MAX_N_INIT: usize = 1_000;

/// The most iterations a k-means run ([`KMeansSegmenter::max_iterations`]) or an EM fit
/// ([`GaussianMixtureSegmenter::max_iterations`](crate::segment::GaussianMixtureSegmenter::max_iterations))
/// may be given. Lloyd's iterations can cycle under rounding when the tolerance is 0, and EM may
/// never meet its tolerance: the cap is what ends them.
pub const MAX_ITERATIONS: usize = 100_000;

/// How k is chosen over a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum KCriterion {
    /// Highest mean silhouette (exact up to 10,000 points, seeded sample above). The default.
    #[default]
    Silhouette,
    /// Highest Calinski–Harabasz index.
    CalinskiHarabasz,
    /// Lowest Davies–Bouldin index.
    DaviesBouldin,
}

/// Which k-means implementation runs the Lloyd iterations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum KMeansEngine {
    /// Our Lloyd iteration with Hamerly's bounds, parallel with deterministic reductions (default).
    #[default]
    Hamerly,
    /// linfa-clustering's `KMeans`, one step at a time from our k-means++ centres (so iterations
    /// and the relative tolerance are reported and applied the same way). linfa's update treats
    /// the previous centre as one more member of its cluster ("m_k-means"), so its centres differ
    /// slightly from Lloyd's means; on separated data the partitions agree.
    Linfa,
}

/// Quality metrics of one k tried while choosing k.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// Inertia of the best initialisation (elbow criterion).
    pub inertia: f64,
    /// Silhouette (exact or sampled).
    pub silhouette: metrics::Silhouette,
    /// Davies–Bouldin index.
    pub davies_bouldin: f64,
    /// Calinski–Harabasz index.
    pub calinski_harabasz: f64,
    /// Lloyd iterations of the kept initialisation.
    pub iterations: usize,
    /// Whether the kept initialisation converged.
    pub converged: bool,
}

/// k-means segmentation settings, built in any order and checked by [`Settings::check`] before
/// every fit.
///
/// Defaults: k-means++ seeding, 3 initialisations (lowest inertia kept, the first on ties), at most
/// 300 iterations, tolerance 1e-4 relative to the data (the run stops when the total squared centre
/// shift is at most `tolerance × mean per-feature variance`, scikit-learn's rule), seed 0, the
/// Hamerly engine, features recency days, purchase occasions and total spend with `log1p` then
/// z-score for [`fit`](Self::fit), no transform for [`fit_matrix`](Self::fit_matrix).
///
/// With the `serde` feature the settings serialize, and deserializing runs [`Settings::check`]:
/// settings that check would refuse (k = 0, an empty range of k, a repeated feature…) are rejected
/// with its error message. Floats are bit-identical through `serde_json` with its
/// `float_roundtrip` feature.
///
/// # Examples
///
/// ```
/// use customer_value::segment::KMeansSegmenter;
/// use ndarray::array;
/// let points = array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0], [5.0, 5.1]];
/// let s = KMeansSegmenter::new(2).seed(1).fit_matrix(points.view())?;
/// assert_eq!(s.segments[s.labels[0]].size, 2);
/// assert_eq!(s.segments[s.labels[2]].size, 3);
/// // Segment means in original units: (0.05, 0) and (5.0333…, 5.0333…).
/// assert!((s.segments[s.labels[0]].mean[0] - 0.05).abs() < 1e-12);
/// assert!(s.converged);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "KMeansSegmenterData")
)]
pub struct KMeansSegmenter {
    k_min: usize,
    k_max: usize,
    criterion: KCriterion,
    features: Vec<Feature>,
    transform: Option<FeatureTransform>,
    n_init: usize,
    max_iterations: usize,
    tolerance: f64,
    seed: u64,
    engine: KMeansEngine,
}

impl KMeansSegmenter {
    /// k fixed, every other setting at its default.
    pub fn new(k: usize) -> Self {
        Self {
            k_min: k,
            k_max: k,
            criterion: KCriterion::Silhouette,
            features: Feature::RFM.to_vec(),
            transform: None,
            n_init: 3,
            max_iterations: 300,
            tolerance: 1e-4,
            seed: 0,
            engine: KMeansEngine::Hamerly,
        }
    }

    /// Choose k over `range` (both ends included, 2 ≤ start ≤ end) by the [`KCriterion`]; every k
    /// tried is reported with all metrics in [`Segmentation::k_scores`].
    pub fn k_range(mut self, range: RangeInclusive<usize>) -> Self {
        self.k_min = *range.start();
        self.k_max = *range.end();
        self
    }

    /// The criterion for choosing k over a range (default silhouette).
    pub fn criterion(mut self, criterion: KCriterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// The features read from summaries by [`fit`](Self::fit) (default recency days, purchase
    /// occasions, total spend).
    pub fn features(mut self, features: &[Feature]) -> Self {
        self.features = features.to_vec();
        self
    }

    /// The transform applied before clustering (default `log1p` then z-score for summaries, none
    /// for matrices).
    pub fn transform(mut self, transform: FeatureTransform) -> Self {
        self.transform = Some(transform);
        self
    }

    /// Number of k-means++ initialisations (default 3); the lowest inertia is kept.
    pub fn n_init(mut self, n_init: usize) -> Self {
        self.n_init = n_init;
        self
    }

    /// Maximum Lloyd iterations per initialisation (default 300).
    pub fn max_iterations(mut self, max_iterations: usize) -> Self {
        self.max_iterations = max_iterations;
        self
    }

    /// Relative tolerance (default 1e-4), scaled by the mean per-feature variance of the data.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Seed of the k-means++ seeding and the silhouette sample (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The engine (default [`KMeansEngine::Hamerly`]).
    pub fn engine(mut self, engine: KMeansEngine) -> Self {
        self.engine = engine;
        self
    }

    /// Segments customer summaries on the configured features.
    ///
    /// Customers are sorted by id first, so the output (labels in id order) does not depend on the
    /// input order. Money (total spend, average order value) is converted from `Decimal` to the
    /// nearest `f64`. Revenue shares use the exact `Decimal` totals.
    ///
    /// # Errors
    ///
    /// Those of [`check`](Settings::check) on the settings, then [`SegmentError::EmptyInput`] for
    /// no summaries, [`SegmentError::DuplicateCustomer`] for a repeated id, then those of
    /// [`fit_matrix`](Self::fit_matrix) on the feature matrix.
    ///
    /// # Examples
    ///
    /// See the [module documentation](crate::segment).
    pub fn fit<C: Clone + Ord>(
        &self, summaries: &[CustomerSummary<C>],
    ) -> Result<Segmentation<C>, SegmentError> {
        self.check()?;
        self.fit_rows(FeatureRows::from_summaries(
            summaries,
            &self.features,
            self.transform,
        )?)
    }

    /// Segments the rows of any caller matrix (rows = customers, columns = features). No transform
    /// is applied unless one was set. Customers are the row indices.
    ///
    /// # Errors
    ///
    /// Those of [`check`](Settings::check) on the settings, then [`SegmentError::EmptyInput`] for
    /// no rows or no columns, [`SegmentError::NonFinite`] for a NaN or infinite value,
    /// [`SegmentError::Log1pDomain`] for a value ≤ −1 under a log transform,
    /// [`SegmentError::ConstantFeature`] for a column whose values are all equal,
    /// [`SegmentError::VarianceUnderflow`] for a z-scored column whose standard deviation is below
    /// 2.2e-308, [`SegmentError::TooFewDistinctPoints`] when k (or the top of the range) exceeds
    /// the distinct rows (so k above the rows too), [`SegmentError::OutOfRange`] when the inertia
    /// overflows f64 in the caller's units (untransformed points about 1e154 apart; a ratio of
    /// Davies–Bouldin or Calinski–Harabasz while choosing k, see [`metrics`]),
    /// [`SegmentError::MetricUndefined`] when choosing k over a range and a k leaves fewer than 2
    /// clusters in the silhouette sample, [`SegmentError::Linfa`] when the linfa engine fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::{FeatureTransform, KMeansSegmenter, SegmentError};
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0], [11.0]].view())?;
    /// assert_eq!(s.labels[0], s.labels[1]);
    /// assert_ne!(s.labels[1], s.labels[2]);
    /// assert_eq!(s.inertia, 1.0);
    /// // Points near ±1e300 are clustered alike (on rescaled points), but their inertia, about
    /// // 1e600, has no f64: a typed error rather than ∞.
    /// let huge = array![[0.0], [1e300], [1e301], [1.1e301]];
    /// assert!(matches!(
    ///     KMeansSegmenter::new(2).fit_matrix(huge.view()),
    ///     Err(SegmentError::OutOfRange { quantity: "inertia", .. })
    /// ));
    /// // z-scored, the same points are an ordinary fit.
    /// let z = KMeansSegmenter::new(2).transform(FeatureTransform::ZScore).fit_matrix(huge.view())?;
    /// assert_eq!(z.labels[2], z.labels[3]);
    /// assert_ne!(z.labels[1], z.labels[2]);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn fit_matrix(&self, matrix: ArrayView2<f64>) -> Result<Segmentation<usize>, SegmentError> {
        self.check()?;
        self.fit_rows(FeatureRows::from_matrix(matrix, self.transform)?)
    }

    fn fit_rows<C>(&self, rows: FeatureRows<C>) -> Result<Segmentation<C>, SegmentError> {
        let FeatureRows {
            customers,
            raw,
            names,
            features,
            kind,
            spend,
        } = rows;
        // Without a transform the clustering space is the original one: no second copy.
        let original = (kind != FeatureTransform::None).then(|| raw.clone());
        let (transform, points) = FittedTransform::fit_owned(kind, raw, &names)?;
        let clustering = Run {
            k_min: self.k_min,
            k_max: self.k_max,
            criterion: self.criterion,
            n_init: self.n_init,
            max_iterations: self.max_iterations,
            tolerance: self.tolerance,
            seed: self.seed,
            engine: self.engine,
        }
        .cluster(&points)?;
        Ok(FitInputs {
            customers,
            raw: original,
            points,
            names,
            features,
            transform,
            spend,
            clustering,
            engine: self.engine,
            n_init: self.n_init,
        }
        .into_segmentation())
    }
}

impl Settings for KMeansSegmenter {
    type Error = SegmentError;

    /// Checks the settings; every fit calls this first.
    ///
    /// # Errors
    ///
    /// [`SegmentError::InvalidParameter`] naming the setting when k = 0 or k ≥ 2³²
    /// (`"k"`), a range of k starts below 2 or is empty, its start above its end (`"k_range"`),
    /// no feature is given or one is repeated (`"features"`), `n_init` is 0 or above
    /// [`MAX_N_INIT`], `max_iterations` is 0 or above [`MAX_ITERATIONS`], or the tolerance is
    /// negative or not finite (`"tolerance"`; 0 is allowed: run until the labels stop changing).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::{KMeansSegmenter, SegmentError};
    /// use customer_value::Settings;
    /// assert!(KMeansSegmenter::new(3).check().is_ok());
    /// assert!(matches!(
    ///     KMeansSegmenter::new(0).check(),
    ///     Err(SegmentError::InvalidParameter { name: "k", .. })
    /// ));
    /// assert!(matches!(
    ///     KMeansSegmenter::new(2).k_range(5..=3).check(),
    ///     Err(SegmentError::InvalidParameter { name: "k_range", .. })
    /// ));
    /// ```
    fn check(&self) -> Result<(), SegmentError> {
        let invalid = |name, value: usize, constraint| {
            Err(SegmentError::invalid(name, value as f64, constraint))
        };
        if self.k_min == 0 {
            return invalid("k", 0, "k must be at least 1");
        }
        if self.k_max > u32::MAX as usize {
            return invalid("k", self.k_max, "k must be below 2^32");
        }
        if self.k_min != self.k_max {
            if self.k_min < 2 {
                return invalid(
                    "k_range",
                    self.k_min,
                    "a range of k must start at 2 or more (the metrics need two clusters)",
                );
            }
            if self.k_min > self.k_max {
                return invalid(
                    "k_range",
                    self.k_min,
                    "the range of k is empty: its start must not exceed its end",
                );
            }
        }
        check_features(&self.features)?;
        if self.n_init == 0 {
            return invalid("n_init", 0, "at least one initialisation is needed");
        }
        if self.n_init > MAX_N_INIT {
            return invalid("n_init", self.n_init, "n_init must be at most 1000");
        }
        if self.max_iterations == 0 {
            return invalid("max_iterations", 0, "at least one iteration is needed");
        }
        if self.max_iterations > MAX_ITERATIONS {
            return invalid(
                "max_iterations",
                self.max_iterations,
                "max_iterations must be at most 100000",
            );
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(SegmentError::invalid(
                "tolerance",
                self.tolerance,
                "the tolerance must be finite and non-negative",
            ));
        }
        Ok(())
    }
}

/// The fields of a [`KMeansSegmenter`] as read, before [`Settings::check`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct KMeansSegmenterData {
    k_min: usize,
    k_max: usize,
    criterion: KCriterion,
    features: Vec<Feature>,
    transform: Option<FeatureTransform>,
    n_init: usize,
    max_iterations: usize,
    tolerance: f64,
    seed: u64,
    engine: KMeansEngine,
}

#[cfg(feature = "serde")]
impl TryFrom<KMeansSegmenterData> for KMeansSegmenter {
    type Error = SegmentError;

    fn try_from(data: KMeansSegmenterData) -> Result<Self, SegmentError> {
        let segmenter = Self {
            k_min: data.k_min,
            k_max: data.k_max,
            criterion: data.criterion,
            features: data.features,
            transform: data.transform,
            n_init: data.n_init,
            max_iterations: data.max_iterations,
            tolerance: data.tolerance,
            seed: data.seed,
            engine: data.engine,
        };
        segmenter.check()?;
        Ok(segmenter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // The reversed range is the point of one case.
    #[allow(clippy::reversed_empty_ranges)]
    fn settings_are_checked() {
        let bad = [
            KMeansSegmenter::new(0),
            KMeansSegmenter::new(2).k_range(1..=4),
            KMeansSegmenter::new(2).k_range(5..=4),
            KMeansSegmenter::new(2).features(&[]),
            KMeansSegmenter::new(2).features(&[Feature::Monetary, Feature::Monetary]),
            KMeansSegmenter::new(2).n_init(0),
            KMeansSegmenter::new(2).max_iterations(0),
            KMeansSegmenter::new(2).tolerance(f64::NAN),
            KMeansSegmenter::new(2).tolerance(-1.0),
        ];
        for settings in bad {
            assert!(
                matches!(settings.check(), Err(SegmentError::InvalidParameter { .. })),
                "{settings:?}"
            );
        }
    }
}
