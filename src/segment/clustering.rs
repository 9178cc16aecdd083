//! k-means for a fixed k or for each k of a range, run on the points rescaled by a power of two.
//!
//! k-means is scale-free: multiplying every coordinate by the same factor multiplies every
//! distance by it and leaves the seeding draws, the assignments and the convergence test as they
//! were (the tolerance is relative to the data's variance). Multiplying by a power of two is
//! exact, so the runs see the caller's points brought into [−1, 1] and give, scaled back, the same
//! floats as on the points themselves, while points near ±1e308 (whose squared distances overflow)
//! or near 1e-300 (whose squared distances underflow to 0) are clustered like any others.
//! Centroids scale back finite (each is a mean of points); the inertia, a sum of squares, may not:
//! then the fit is refused with [`SegmentError::OutOfRange`].

use std::collections::HashSet;

use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::segment::engine::{self, RunOutcome};
use crate::segment::scale::{largest_magnitude, scaled_back, PowerOfTwo};
use crate::segment::segmenter::{KCriterion, KMeansEngine, KScore};
use crate::segment::{linfa_engine, metrics, seeding, SegmentError};

/// What [`SegmentError::OutOfRange`] advises when the inertia overflows.
const INERTIA_REMEDY: &str =
    "the squared distances of these points exceed f64; divide the data by a power of ten or z-score it (FeatureTransform::ZScore)";

/// The settings a clustering reads (checked by the segmenter).
pub(crate) struct Run {
    pub k_min: usize,
    pub k_max: usize,
    pub criterion: KCriterion,
    pub n_init: usize,
    pub max_iterations: usize,
    /// Relative to the mean per-feature variance.
    pub tolerance: f64,
    pub seed: u64,
    pub engine: KMeansEngine,
}

/// The kept clustering for the chosen k, with the scores of every k tried, in the caller's units.
pub(crate) struct Clustering {
    pub outcome: RunOutcome,
    pub k: usize,
    pub best_init: usize,
    pub k_scores: Vec<KScore>,
}

/// The points rescaled into [−1, 1], row-major, with their column layout.
struct Scaled<'a> {
    points: ArrayView2<'a, f64>,
    data: &'a [f64],
    columns: engine::Columns,
    /// Back to the caller's units.
    back: PowerOfTwo,
}

impl Run {
    /// Runs k-means for the fixed k or every k of the range, keeping the chosen one.
    pub(crate) fn cluster(&self, points: &Array2<f64>) -> Result<Clustering, SegmentError> {
        let dim = points.ncols();
        let to_unit = PowerOfTwo::normalising(largest_magnitude(points.iter().copied()));
        let data: Vec<f64> = points.iter().map(|&v| to_unit.apply(v)).collect();
        // The shape is the points' own: it cannot fail.
        let view =
            ArrayView2::from_shape(points.dim(), &data).map_err(|e| SegmentError::Linfa {
                message: e.to_string(),
            })?;
        let distinct = count_distinct_rows(view, self.k_max);
        if distinct < self.k_max {
            return Err(SegmentError::TooFewDistinctPoints {
                k: self.k_max,
                distinct,
            });
        }
        let scaled = Scaled {
            points: view,
            data: &data,
            columns: engine::Columns::transpose(&data, dim),
            back: to_unit.inverse(),
        };
        let tolerance = self.tolerance * mean_variance_of_features(&data, dim);
        if self.k_min == self.k_max {
            let (outcome, best_init) = self.best_of_inits(&scaled, self.k_min, tolerance)?;
            return Ok(Clustering {
                outcome: to_caller_units(outcome, scaled.back)?,
                k: self.k_min,
                best_init,
                k_scores: Vec::new(),
            });
        }
        self.choose_k(&scaled, tolerance)
    }

    /// Every k of the range, scored; the best by the criterion is kept (the first on ties).
    fn choose_k(&self, scaled: &Scaled<'_>, tolerance: f64) -> Result<Clustering, SegmentError> {
        let mut best: Option<(Clustering, f64)> = None;
        let mut scores = Vec::new();
        for k in self.k_min..=self.k_max {
            let (outcome, best_init) = self.best_of_inits(scaled, k, tolerance)?;
            let outcome = to_caller_units(outcome, scaled.back)?;
            // The three indices are scale-free: computed on the rescaled points.
            let view = scaled.points;
            let score = KScore {
                k,
                inertia: outcome.inertia,
                silhouette: metrics::silhouette(view, &outcome.labels, self.seed)?,
                davies_bouldin: metrics::davies_bouldin(view, &outcome.labels)?,
                calinski_harabasz: metrics::calinski_harabasz(view, &outcome.labels)?,
                iterations: outcome.iterations,
                converged: outcome.converged,
            };
            scores.push(score);
            // Larger is better for every criterion after the sign flip; the first k wins ties.
            let merit = match self.criterion {
                KCriterion::Silhouette => score.silhouette.score,
                KCriterion::CalinskiHarabasz => score.calinski_harabasz,
                KCriterion::DaviesBouldin => -score.davies_bouldin,
            };
            if best.as_ref().is_none_or(|(_, m)| merit > *m) {
                let clustering = Clustering {
                    outcome,
                    k,
                    best_init,
                    k_scores: Vec::new(),
                };
                best = Some((clustering, merit));
            }
        }
        // The range is non-empty (checked), so a best k exists.
        let (mut clustering, _) = best.ok_or(SegmentError::EmptyInput)?;
        clustering.k_scores = scores;
        Ok(clustering)
    }

    /// `n_init` runs from k-means++ seeds; the lowest inertia is kept, the first on ties.
    fn best_of_inits(
        &self, scaled: &Scaled<'_>, k: usize, tolerance: f64,
    ) -> Result<(RunOutcome, usize), SegmentError> {
        let dim = scaled.points.ncols();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(self.seed);
        let mut best: Option<(RunOutcome, usize)> = None;
        for init in 0..self.n_init {
            // Each initialisation draws from its own stream: 2^128 steps apart.
            let mut stream = rng.clone();
            rng.jump();
            let initial = seeding::kmeans_plus_plus(&scaled.columns, k, &mut stream);
            let outcome = match self.engine {
                KMeansEngine::Hamerly => engine::lloyd_hamerly(
                    scaled.data,
                    &scaled.columns,
                    dim,
                    &initial,
                    self.max_iterations,
                    tolerance,
                ),
                KMeansEngine::Linfa => linfa_engine::run_linfa(
                    scaled.points,
                    scaled.data,
                    &initial,
                    self.max_iterations,
                    tolerance,
                    self.seed,
                )?,
            };
            if best
                .as_ref()
                .is_none_or(|(b, _)| outcome.inertia < b.inertia)
            {
                best = Some((outcome, init));
            }
        }
        // n_init ≥ 1 (checked), so at least one run exists.
        best.ok_or(SegmentError::EmptyInput)
    }
}

/// The run's centroids and inertia scaled back to the caller's units: the centroids are means of
/// points, so finite; the inertia is refused when it overflows.
fn to_caller_units(mut outcome: RunOutcome, back: PowerOfTwo) -> Result<RunOutcome, SegmentError> {
    for value in outcome
        .centroids
        .iter_mut()
        .chain(outcome.initial_centroids.iter_mut())
    {
        *value = back.apply(*value);
    }
    outcome.inertia = inertia_in_caller_units(outcome.inertia, back)?;
    Ok(outcome)
}

/// An inertia computed on points rescaled by `back`⁻¹, in the caller's units.
pub(crate) fn inertia_in_caller_units(inertia: f64, back: PowerOfTwo) -> Result<f64, SegmentError> {
    scaled_back(inertia, back.squared()).map_err(|log10| SegmentError::OutOfRange {
        quantity: "inertia",
        log10,
        remedy: INERTIA_REMEDY,
    })
}

/// The mean over features of each feature's population variance (two passes per feature, numpy's
/// `var`): the scale of scikit-learn's relative tolerance.
fn mean_variance_of_features(data: &[f64], dim: usize) -> f64 {
    let n = (data.len() / dim) as f64;
    let mut means = vec![0.0; dim];
    for row in data.chunks_exact(dim) {
        for (sum, value) in means.iter_mut().zip(row) {
            *sum += value;
        }
    }
    for mean in &mut means {
        *mean /= n;
    }
    let mut variances = vec![0.0; dim];
    for row in data.chunks_exact(dim) {
        for ((sum, value), mean) in variances.iter_mut().zip(row).zip(&means) {
            let delta = value - mean;
            *sum += delta * delta;
        }
    }
    variances.iter().map(|sum| sum / n).sum::<f64>() / dim as f64
}

/// Distinct rows, counting up to `limit` (so a large data set with enough variety stops early);
/// −0.0 and 0.0 are the same point. One hash lookup per row whatever `limit` is.
pub(crate) fn count_distinct_rows(points: ArrayView2<f64>, limit: usize) -> usize {
    let mut seen: HashSet<Vec<u64>> = HashSet::new();
    let mut key = Vec::with_capacity(points.ncols());
    for row in points.rows() {
        key.clear();
        // x + 0.0 turns −0.0 into 0.0 and leaves every other value as it is.
        key.extend(row.iter().map(|v| (v + 0.0).to_bits()));
        if !seen.contains(key.as_slice()) {
            seen.insert(key.clone());
            if seen.len() >= limit {
                break;
            }
        }
    }
    seen.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_rows_stop_at_the_limit() {
        let data = ndarray::array![[1.0], [1.0], [1.0], [2.0], [3.0]];
        assert_eq!(count_distinct_rows(data.view(), 10), 3);
        assert_eq!(count_distinct_rows(data.view(), 2), 2);
        // −0.0 and 0.0 are the same point.
        assert_eq!(
            count_distinct_rows(ndarray::array![[0.0], [-0.0]].view(), 5),
            1
        );
        // A limit far above the rows allocates nothing for it.
        assert_eq!(count_distinct_rows(data.view(), usize::MAX), 3);
        let pairs = ndarray::array![[1.0, 2.0], [1.0, 2.0]];
        assert_eq!(count_distinct_rows(pairs.view(), 5), 1);
    }

    #[test]
    fn mean_variance_is_the_mean_of_population_variances() {
        // Columns [0, 2] (variance 1) and [1, 1] (variance 0).
        assert_eq!(mean_variance_of_features(&[0.0, 1.0, 2.0, 1.0], 2), 0.5);
    }
}
