//! Checks of fitted values read back through serde: what a [`SoftSegmentation`] must satisfy
//! (behind its `#[serde(try_from)]`) and the customer order shared with `Segmentation`.

use ndarray::{Array2, Array3};

use crate::segment::density;
use crate::segment::mixture::SoftSegmentation;
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

fn same(name: &'static str, expected: usize, found: usize) -> Result<(), SegmentError> {
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
