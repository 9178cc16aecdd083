//! Checks of fitted values read back through serde: what a [`SoftSegmentation`] must satisfy
//! (behind its `#[serde(try_from)]`), and what `Segmentation` shares with it (the customer order)
//! or needs besides (its run and its profiles).

use ndarray::{Array2, Array3};

use crate::segment::density;
use crate::segment::mixture::SoftSegmentation;
use crate::segment::profile::SegmentProfile;
use crate::segment::segmenter::{KScore, MAX_N_INIT};
use crate::segment::transform::{check_features, check_finite, Feature, FittedTransform};
use crate::segment::SegmentError;

/// The fields of a [`SoftSegmentation`] as read, before the checks.
#[derive(serde::Deserialize)]
pub(crate) struct SoftSegmentationData<C> {
    customers: Vec<C>,
    probabilities: Array2<f64>,
    labels: Vec<usize>,
    weights: Vec<f64>,
    means: Array2<f64>,
    features: Vec<Feature>,
    transform: FittedTransform,
    covariances: Array3<f64>,
}

pub(crate) fn same(name: &'static str, expected: usize, found: usize) -> Result<(), SegmentError> {
    if expected == found {
        Ok(())
    } else {
        Err(SegmentError::LengthMismatch {
            name,
            expected,
            found,
        })
    }
}

impl<C: Ord> TryFrom<SoftSegmentationData<C>> for SoftSegmentation<C> {
    type Error = SegmentError;

    fn try_from(data: SoftSegmentationData<C>) -> Result<Self, SegmentError> {
        let dim = data.transform.means.len();
        let k = data.weights.len();
        if k == 0 {
            return Err(SegmentError::invalid("k", 0.0, "k must be at least 1"));
        }
        if let Some(&w) = data.weights.iter().find(|w| !(w.is_finite() && **w > 0.0)) {
            return Err(SegmentError::invalid(
                "weights",
                w,
                "every weight must be finite and positive",
            ));
        }
        same("mean rows", k, data.means.nrows())?;
        same("mean columns (the transform's)", dim, data.means.ncols())?;
        check_finite(data.means.view())?;
        let shape = data.covariances.shape();
        same("covariances", k, shape[0])?;
        same("covariance rows (the transform's columns)", dim, shape[1])?;
        same("covariance columns (the transform's)", dim, shape[2])?;
        density::factors(&data.covariances)?;
        if !data.features.is_empty() {
            same("features", dim, data.features.len())?;
            check_features(&data.features)?;
        }
        let n = data.customers.len();
        same("labels", n, data.labels.len())?;
        same("probability rows", n, data.probabilities.nrows())?;
        same("probability columns", k, data.probabilities.ncols())?;
        check_finite(data.probabilities.view())?;
        if let Some(&p) = data
            .probabilities
            .iter()
            .find(|p| !(0.0..=1.0).contains(*p))
        {
            return Err(SegmentError::invalid(
                "probabilities",
                p,
                "every membership probability must be in [0, 1]",
            ));
        }
        let total: f64 = data.weights.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(SegmentError::invalid(
                "weights",
                total,
                "the mixture weights must sum to 1",
            ));
        }
        check_customers(&data.customers, &data.labels, k)?;
        Ok(Self {
            customers: data.customers,
            probabilities: data.probabilities,
            labels: data.labels,
            weights: data.weights,
            means: data.means,
            features: data.features,
            transform: data.transform,
            covariances: data.covariances,
        })
    }
}

/// Customers sorted by id without repeats, every label below k.
pub(crate) fn check_customers<C: Ord>(
    customers: &[C], labels: &[usize], k: usize,
) -> Result<(), SegmentError> {
    if let Some(position) = (1..customers.len()).find(|&i| customers[i - 1] >= customers[i]) {
        if customers[position - 1] == customers[position] {
            return Err(SegmentError::DuplicateCustomer {
                position,
                first_position: position - 1,
            });
        }
        return Err(SegmentError::invalid(
            "customers",
            position as f64,
            "customers must be sorted by id; this one comes before the previous",
        ));
    }
    match labels.iter().find(|&&label| label >= k) {
        Some(&label) => Err(SegmentError::invalid(
            "labels",
            label as f64,
            "every label must be below k",
        )),
        None => Ok(()),
    }
}

/// A k-means run read back: the inertia finite and non-negative, the kept initialisation among
/// those run (at most [`MAX_N_INIT`]), every score of the k tried finite.
pub(crate) fn check_run(
    inertia: f64, best_init: usize, n_init: usize, k_scores: &[KScore],
) -> Result<(), SegmentError> {
    let non_negative = |name, value: f64| {
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            Err(SegmentError::invalid(
                name,
                value,
                "must be finite and non-negative",
            ))
        }
    };
    non_negative("inertia", inertia)?;
    if !(1..=MAX_N_INIT).contains(&n_init) {
        return Err(SegmentError::invalid(
            "n_init",
            n_init as f64,
            "between 1 and 1000 initialisations are run",
        ));
    }
    if best_init >= n_init {
        return Err(SegmentError::invalid(
            "best_init",
            best_init as f64,
            "the kept initialisation must be one of the n_init run",
        ));
    }
    for score in k_scores {
        non_negative("k_scores inertia", score.inertia)?;
        non_negative("k_scores davies_bouldin", score.davies_bouldin)?;
        non_negative("k_scores calinski_harabasz", score.calinski_harabasz)?;
        if !(-1.0..=1.0).contains(&score.silhouette.score) {
            return Err(SegmentError::invalid(
                "k_scores silhouette",
                score.silhouette.score,
                "a silhouette is in [-1, 1]",
            ));
        }
    }
    Ok(())
}

/// Segment profiles read back: profile j is segment j, its size the count of labels j, its share
/// in [0, 1], its centroid one value per column and its mean and median one per column (none
/// for an empty segment), all finite.
pub(crate) fn check_profiles(
    segments: &[SegmentProfile], labels: &[usize], dim: usize,
) -> Result<(), SegmentError> {
    let mut sizes = vec![0usize; segments.len()];
    for &label in labels {
        // Labels are checked below k = segments.len() by the caller.
        if let Some(size) = sizes.get_mut(label) {
            *size += 1;
        }
    }
    for (position, profile) in segments.iter().enumerate() {
        let invalid =
            |name, value: f64, constraint| Err(SegmentError::invalid(name, value, constraint));
        if profile.segment != position {
            return invalid(
                "segments",
                profile.segment as f64,
                "profile j must describe segment j",
            );
        }
        same(
            "segment size (customers labelled so)",
            sizes[position],
            profile.size,
        )?;
        if !(0.0..=1.0).contains(&profile.customer_share) {
            return invalid(
                "customer_share",
                profile.customer_share,
                "a share is in [0, 1]",
            );
        }
        same("profile centroid", dim, profile.centroid.len())?;
        let described = if profile.size == 0 { 0 } else { dim };
        same("profile mean", described, profile.mean.len())?;
        same("profile median", described, profile.median.len())?;
        let values = profile
            .centroid
            .iter()
            .chain(&profile.mean)
            .chain(&profile.median)
            .chain(&profile.revenue_share);
        if let Some(&value) = values.into_iter().find(|v| !v.is_finite()) {
            return invalid("segments", value, "profile statistics must be finite");
        }
    }
    Ok(())
}
