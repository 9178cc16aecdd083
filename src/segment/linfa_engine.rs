//! linfa-clustering's `KMeans` behind our interface ([`KMeansEngine::Linfa`]).
//!
//! [`KMeansEngine::Linfa`]: crate::segment::KMeansEngine::Linfa

use linfa::prelude::{Fit, Predict};
use linfa::{DatasetBase, ParamGuard};
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use crate::segment::engine::{self, RunOutcome};
use crate::segment::SegmentError;

/// linfa's `KMeans`, one iteration per call from the previous centres, so that we count
/// iterations and apply the relative tolerance on the total squared centre shift.
pub(crate) fn run_linfa(
    points: ArrayView2<f64>, data: &[f64], initial: &[f64], max_iterations: usize, tolerance: f64,
    seed: u64,
) -> Result<RunOutcome, SegmentError> {
    let dim = points.ncols();
    let k = initial.len() / dim;
    let to_error = |e: &dyn std::fmt::Display| SegmentError::Linfa {
        message: e.to_string(),
    };
    let dataset = DatasetBase::new(points, ());
    let mut centers =
        Array2::from_shape_vec((k, dim), initial.to_vec()).map_err(|e| to_error(&e))?;
    let mut iterations = 0;
    let mut converged = false;
    let mut model = None;
    while iterations < max_iterations {
        let step = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
            .n_runs(1)
            .max_n_iterations(1)
            .tolerance(f64::MIN_POSITIVE)
            .init_method(KMeansInit::Precomputed(centers.clone()))
            .check()
            .map_err(|e| to_error(&e))?
            .fit(&dataset)
            .map_err(|e| to_error(&e))?;
        iterations += 1;
        let shift: f64 = (step.centroids() - &centers).iter().map(|v| v * v).sum();
        centers = step.centroids().clone();
        model = Some(step);
        if shift <= tolerance {
            converged = true;
            break;
        }
    }
    let model = model.ok_or(SegmentError::EmptyInput)?;
    let labels: Vec<usize> = model.predict(&points).to_vec();
    let fallback: Vec<f64> = centers.iter().copied().collect();
    let centroids = engine::label_means(data, dim, &labels, &fallback);
    let inertia = engine::inertia_of(data, dim, &centroids, &labels);
    Ok(RunOutcome {
        labels,
        centroids,
        initial_centroids: initial.to_vec(),
        inertia,
        iterations,
        converged,
    })
}
