//! Soft segmentation with linfa-clustering's Gaussian mixture model (full covariances, fitted by
//! expectation–maximisation from a k-means start; Dempster, Laird & Rubin 1977, JRSS B 39).
//! Each customer gets a membership probability per component (the E-step responsibilities).

use linfa::prelude::Fit;
use linfa::{DatasetBase, ParamGuard};
use linfa_clustering::{GaussianMixtureModel, GmmInitMethod};
use ndarray::{Array2, Array3, ArrayView2};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::segment::clustering::count_distinct_rows;
use crate::segment::scale::{largest_magnitude, PowerOfTwo};
use crate::segment::segmenter::MAX_ITERATIONS;
use crate::segment::transform::{
    check_features, Feature, FeatureRows, FeatureTransform, FittedTransform,
};
use crate::segment::{density, SegmentError};
use crate::settings::Settings;
use crate::summary::CustomerSummary;

/// Gaussian-mixture segmentation settings, checked by [`Settings::check`] before every fit.
///
/// Defaults: features recency days, purchase occasions and total spend, `log1p` then z-score for
/// summaries and no transform for matrices, at most 100 EM iterations, tolerance 1e-3 on the change
/// of the lower bound, covariance regularisation 1e-6, seed 0.
///
/// With the `serde` feature the settings serialize, and deserializing runs [`Settings::check`]:
/// settings that check would refuse (k = 0, a non-positive tolerance…) are rejected with its error
/// message. Floats are bit-identical through `serde_json` with its `float_roundtrip` feature. The
/// fitted [`SoftSegmentation`] serializes too.
///
/// # Examples
///
/// ```
/// use customer_value::segment::GaussianMixtureSegmenter;
/// use ndarray::array;
/// let points = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [0.3, 0.2],
///                     [8.0, 8.1], [8.2, 8.0], [8.1, 8.3], [8.3, 8.2]];
/// let soft = GaussianMixtureSegmenter::new(2).seed(3).fit_matrix(points.view())?;
/// // Each row of memberships sums to 1; the two groups are told apart with certainty.
/// assert!((soft.probabilities.row(0).sum() - 1.0).abs() < 1e-12);
/// assert_eq!(soft.labels[0], soft.labels[3]);
/// assert_ne!(soft.labels[0], soft.labels[4]);
/// assert!(soft.probabilities[[0, soft.labels[0]]] > 0.999);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "GaussianMixtureSegmenterData")
)]
pub struct GaussianMixtureSegmenter {
    k: usize,
    features: Vec<Feature>,
    transform: Option<FeatureTransform>,
    max_iterations: u64,
    tolerance: f64,
    regularisation: f64,
    seed: u64,
}

/// A fitted soft segmentation: the mixture's weights, means and full covariances in the clustering
/// space, with the fitted transform, so new rows are scored from these parameters alone.
///
/// Membership probabilities are each component's weight × Gaussian density, normalised per row by
/// log-sum-exp (finite even for a row far from every component). With the `serde` feature a
/// soft segmentation is saved and read back and then scores every row exactly as before; through
/// `serde_json`, enable its `float_roundtrip` feature for bit-identical parameters. Reading back
/// rejects, with a [`SegmentError`] message, what no fit produces: weights that are not positive
/// and finite, means or covariances not k × the transform's columns, a covariance that is not
/// symmetric positive definite, probabilities or labels not one row per customer, a label not
/// below k, customers not sorted or repeated, summary features not one per column, a probability
/// outside [0, 1], weights that do not sum to 1.
///
/// # Examples
///
/// ```
/// use customer_value::segment::{GaussianMixtureSegmenter, SoftSegmentation};
/// use ndarray::array;
/// let points = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [0.3, 0.2],
///                     [8.0, 8.1], [8.2, 8.0], [8.1, 8.3], [8.3, 8.2]];
/// let soft = GaussianMixtureSegmenter::new(2).fit_matrix(points.view())?;
/// let json = serde_json::to_string(&soft).unwrap();
/// let back: SoftSegmentation<usize> = serde_json::from_str(&json).unwrap();
/// let new = array![[4.0, 4.1], [100.0, -50.0]];
/// assert_eq!(back.membership(new.view())?, soft.membership(new.view())?);
/// let mut bad = serde_json::to_value(&soft).unwrap();
/// bad["weights"][0] = serde_json::json!(-0.5);
/// assert!(serde_json::from_value::<SoftSegmentation<usize>>(bad).is_err());
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "crate::segment::read_checks::SoftSegmentationData<C>",
        bound(deserialize = "C: Ord + serde::Deserialize<'de>")
    )
)]
pub struct SoftSegmentation<C> {
    /// Customer ids, sorted (row indices for a matrix fit).
    pub customers: Vec<C>,
    /// Membership probabilities, customers × components; each row sums to 1.
    pub probabilities: Array2<f64>,
    /// The most probable component of each customer (lowest index on ties).
    pub labels: Vec<usize>,
    /// Mixture weights.
    pub weights: Vec<f64>,
    /// Component means in the clustering space.
    pub means: Array2<f64>,
    /// The summary features (empty for a matrix fit).
    pub features: Vec<Feature>,
    /// The fitted transform.
    pub transform: FittedTransform,
    /// Component covariances in the clustering space (components × features × features), the
    /// covariance regularisation included.
    pub covariances: Array3<f64>,
}

impl GaussianMixtureSegmenter {
    /// `k` components, every other setting at its default.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            features: Feature::RFM.to_vec(),
            transform: None,
            max_iterations: 100,
            tolerance: 1e-3,
            regularisation: 1e-6,
            seed: 0,
        }
    }

    /// Features read from summaries.
    pub fn features(mut self, features: &[Feature]) -> Self {
        self.features = features.to_vec();
        self
    }

    /// The transform applied before fitting.
    pub fn transform(mut self, transform: FeatureTransform) -> Self {
        self.transform = Some(transform);
        self
    }

    /// Maximum EM iterations.
    pub fn max_iterations(mut self, max_iterations: u64) -> Self {
        self.max_iterations = max_iterations;
        self
    }

    /// Convergence tolerance on the change of the EM lower bound.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Value added to the covariance diagonals (keeps them positive definite).
    pub fn regularisation(mut self, regularisation: f64) -> Self {
        self.regularisation = regularisation;
        self
    }

    /// Seed of the k-means start.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Fits the mixture on the summaries' features (customers sorted by id).
    ///
    /// # Errors
    ///
    /// As [`fit_matrix`](Self::fit_matrix), plus [`SegmentError::DuplicateCustomer`].
    ///
    /// # Examples
    ///
    /// See [`GaussianMixtureSegmenter`] (matrix) and the crate's tests (summaries).
    pub fn fit<C: Clone + Ord>(
        &self, summaries: &[CustomerSummary<C>],
    ) -> Result<SoftSegmentation<C>, SegmentError> {
        self.check()?;
        self.fit_rows(FeatureRows::from_summaries(
            summaries,
            &self.features,
            self.transform,
        )?)
    }

    /// Fits the mixture on the rows of a caller matrix.
    ///
    /// # Errors
    ///
    /// Those of [`check`](Settings::check) on the settings; [`SegmentError::EmptyInput`],
    /// [`SegmentError::NonFinite`], [`SegmentError::Log1pDomain`], [`SegmentError::ConstantFeature`],
    /// [`SegmentError::VarianceUnderflow`] for bad data; [`SegmentError::TooFewDistinctPoints`]
    /// when k exceeds the distinct rows (so k above the rows too); [`SegmentError::OutOfRange`]
    /// when the covariances in the caller's units leave f64's range (untransformed points beyond
    /// about 1e150, or below about 1e-150 where the regularisation outweighs them by more than
    /// f64 spans: z-score them); [`SegmentError::TooFarFromEveryComponent`] when a row's distances
    /// to every component overflow; [`SegmentError::Linfa`] when EM fails (a collapsed
    /// component, or no convergence within the iteration cap).
    ///
    /// # Examples
    ///
    /// See [`GaussianMixtureSegmenter`].
    pub fn fit_matrix(
        &self, matrix: ArrayView2<f64>,
    ) -> Result<SoftSegmentation<usize>, SegmentError> {
        self.check()?;
        self.fit_rows(FeatureRows::from_matrix(matrix, self.transform)?)
    }

    fn fit_rows<C>(&self, rows: FeatureRows<C>) -> Result<SoftSegmentation<C>, SegmentError> {
        let (transform, points) = FittedTransform::fit_owned(rows.kind, rows.raw, &rows.names)?;
        let distinct = count_distinct_rows(points.view(), self.k);
        if distinct < self.k {
            return Err(SegmentError::TooFewDistinctPoints {
                k: self.k,
                distinct,
            });
        }
        let Parameters {
            weights,
            means,
            covariances,
        } = self.fit_parameters(&points)?;
        let probabilities = density::membership(&points, &weights, &means, &covariances)?;
        let labels = argmax_rows(&probabilities);
        Ok(SoftSegmentation {
            customers: rows.customers,
            labels,
            weights,
            means,
            probabilities,
            features: rows.features,
            transform,
            covariances,
        })
    }

    /// linfa's EM on the points rescaled by a power of two into [−1, 1], the regularisation
    /// rescaled with the covariances, so that points near ±1e308 or 1e-300 are fitted as any
    /// others: the mixture is equivariant (means scale with the points, covariances and their
    /// regularisation with their squares, weights not at all). The parameters are returned in the
    /// caller's units, or [`SegmentError::OutOfRange`] when the covariances leave f64's range.
    fn fit_parameters(&self, points: &Array2<f64>) -> Result<Parameters, SegmentError> {
        let to_unit = PowerOfTwo::normalising(largest_magnitude(points.iter().copied()));
        let regularisation = to_unit.squared().apply(self.regularisation);
        if !regularisation.is_finite() {
            return Err(SegmentError::OutOfRange {
                quantity: "the covariance regularisation, relative to the data's squares",
                log10: self.regularisation.log10() + to_unit.squared().log10(),
                remedy: REMEDY,
            });
        }
        let model = self.fit_model(&points.mapv(|v| to_unit.apply(v)), regularisation)?;
        let back = to_unit.inverse();
        let weights = model.weights().to_vec();
        let means = model.means().mapv(|v| back.apply(v));
        let covariances = model.covariances().mapv(|v| back.squared().apply(v));
        if !(finite(weights.iter()) && finite(means.iter()) && finite(model.covariances().iter())) {
            return Err(SegmentError::Linfa {
                message: "EM gave non-finite weights, means or covariances".into(),
            });
        }
        covariances_in_range(model.covariances(), &covariances, back)?;
        Ok(Parameters {
            weights,
            means,
            covariances,
        })
    }

    /// linfa's EM from a k-means start.
    fn fit_model(
        &self, points: &Array2<f64>, regularisation: f64,
    ) -> Result<GaussianMixtureModel<f64>, SegmentError> {
        let to_error = |e: &dyn std::fmt::Display| SegmentError::Linfa {
            message: e.to_string(),
        };
        let dataset = DatasetBase::new(points.view(), ());
        GaussianMixtureModel::params_with_rng(self.k, Xoshiro256PlusPlus::seed_from_u64(self.seed))
            .init_method(GmmInitMethod::KMeans)
            .max_n_iterations(self.max_iterations)
            .tolerance(self.tolerance)
            .reg_covariance(regularisation)
            .check()
            .map_err(|e| to_error(&e))?
            .fit(&dataset)
            .map_err(|e| to_error(&e))
    }
}

/// What [`SegmentError::OutOfRange`] advises when a mixture's parameters leave f64's range.
const REMEDY: &str =
    "z-score the features (FeatureTransform::ZScore) or rescale them by a power of ten";

/// A fitted mixture's parameters in the caller's units.
struct Parameters {
    weights: Vec<f64>,
    means: Array2<f64>,
    covariances: Array3<f64>,
}

fn finite<'a>(mut values: impl Iterator<Item = &'a f64>) -> bool {
    values.all(|v| v.is_finite())
}

/// Every covariance scaled back stays finite, and every variance (diagonal) stays a normal
/// float: a variance that underflows would make the covariance singular.
fn covariances_in_range(
    scaled: &Array3<f64>, covariances: &Array3<f64>, back: PowerOfTwo,
) -> Result<(), SegmentError> {
    let out_of_range = |value: f64| SegmentError::OutOfRange {
        quantity: "covariances",
        log10: value.abs().log10() + back.squared().log10(),
        remedy: REMEDY,
    };
    for (&value, &original) in covariances.iter().zip(scaled) {
        if !value.is_finite() {
            return Err(out_of_range(original));
        }
    }
    for (matrix, original) in covariances.outer_iter().zip(scaled.outer_iter()) {
        for i in 0..matrix.nrows() {
            if matrix[[i, i]] < f64::MIN_POSITIVE {
                return Err(out_of_range(original[[i, i]]));
            }
        }
    }
    Ok(())
}

impl Settings for GaussianMixtureSegmenter {
    type Error = SegmentError;

    /// Checks the settings; every fit calls this first.
    ///
    /// # Errors
    ///
    /// [`SegmentError::InvalidParameter`] naming the setting when k = 0 (`"k"`), no feature is
    /// given or one is repeated (`"features"`), `max_iterations` is 0 or above
    /// [`MAX_ITERATIONS`](crate::segment::MAX_ITERATIONS), the tolerance is not positive and
    /// finite (`"tolerance"`), or the regularisation is negative or not finite
    /// (`"regularisation"`).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::{GaussianMixtureSegmenter, SegmentError};
    /// use customer_value::Settings;
    /// assert!(GaussianMixtureSegmenter::new(3).check().is_ok());
    /// assert!(matches!(
    ///     GaussianMixtureSegmenter::new(3).tolerance(0.0).check(),
    ///     Err(SegmentError::InvalidParameter { name: "tolerance", .. })
    /// ));
    /// ```
    fn check(&self) -> Result<(), SegmentError> {
        if self.k == 0 {
            return Err(SegmentError::invalid("k", 0.0, "k must be at least 1"));
        }
        check_features(&self.features)?;
        if self.max_iterations == 0 {
            return Err(SegmentError::invalid(
                "max_iterations",
                0.0,
                "at least one iteration is needed",
            ));
        }
        if self.max_iterations > MAX_ITERATIONS as u64 {
            return Err(SegmentError::invalid(
                "max_iterations",
                self.max_iterations as f64,
                "max_iterations must be at most 100000",
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(SegmentError::invalid(
                "tolerance",
                self.tolerance,
                "must be finite and positive",
            ));
        }
        if !(self.regularisation.is_finite() && self.regularisation >= 0.0) {
            return Err(SegmentError::invalid(
                "regularisation",
                self.regularisation,
                "must be finite and non-negative",
            ));
        }
        Ok(())
    }
}

/// The fields of a [`GaussianMixtureSegmenter`] as read, before [`Settings::check`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct GaussianMixtureSegmenterData {
    k: usize,
    features: Vec<Feature>,
    transform: Option<FeatureTransform>,
    max_iterations: u64,
    tolerance: f64,
    regularisation: f64,
    seed: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<GaussianMixtureSegmenterData> for GaussianMixtureSegmenter {
    type Error = SegmentError;

    fn try_from(data: GaussianMixtureSegmenterData) -> Result<Self, SegmentError> {
        let segmenter = Self {
            k: data.k,
            features: data.features,
            transform: data.transform,
            max_iterations: data.max_iterations,
            tolerance: data.tolerance,
            regularisation: data.regularisation,
            seed: data.seed,
        };
        segmenter.check()?;
        Ok(segmenter)
    }
}

pub(crate) fn argmax_rows(probabilities: &Array2<f64>) -> Vec<usize> {
    probabilities
        .rows()
        .into_iter()
        .map(|row| {
            let mut best = (0, f64::NEG_INFINITY);
            for (j, &p) in row.iter().enumerate() {
                if p > best.1 {
                    best = (j, p);
                }
            }
            best.0
        })
        .collect()
}

impl<C> SoftSegmentation<C> {
    /// Membership probabilities of new rows given in original units (same columns as the fit).
    ///
    /// # Errors
    ///
    /// Those of [`FittedTransform::apply`], [`SegmentError::InvalidParameter`] naming
    /// `covariances` when a covariance (set through the public field) is not symmetric positive
    /// definite, and [`SegmentError::TooFarFromEveryComponent`] for a row whose squared
    /// Mahalanobis distances to every component overflow f64 (a component whose distance alone
    /// overflows gets probability 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::GaussianMixtureSegmenter;
    /// use ndarray::array;
    /// let points = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [0.3, 0.2],
    ///                     [8.0, 8.1], [8.2, 8.0], [8.1, 8.3], [8.3, 8.2]];
    /// let soft = GaussianMixtureSegmenter::new(2).fit_matrix(points.view())?;
    /// let p = soft.membership(array![[8.1, 8.1]].view())?;
    /// assert!(p[[0, soft.labels[7]]] > 0.999);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn membership(&self, raw: ArrayView2<f64>) -> Result<Array2<f64>, SegmentError> {
        let points = self.transform.apply(raw)?;
        density::membership(&points, &self.weights, &self.means, &self.covariances)
    }

    /// Most probable component of new rows (original units; lowest index on ties).
    ///
    /// # Errors
    ///
    /// Those of [`membership`](Self::membership).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::GaussianMixtureSegmenter;
    /// use ndarray::array;
    /// let points = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [0.3, 0.2],
    ///                     [8.0, 8.1], [8.2, 8.0], [8.1, 8.3], [8.3, 8.2]];
    /// let soft = GaussianMixtureSegmenter::new(2).fit_matrix(points.view())?;
    /// assert_eq!(soft.assign_matrix(array![[0.1, 0.1], [9.0, 9.0]].view())?, vec![soft.labels[0], soft.labels[7]]);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn assign_matrix(&self, raw: ArrayView2<f64>) -> Result<Vec<usize>, SegmentError> {
        Ok(argmax_rows(&self.membership(raw)?))
    }
}
