//! Cluster-quality metrics with scikit-learn's definitions, and the adjusted Rand index.
//!
//! * Silhouette (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and validation
//!   of cluster analysis", J. Comput. Appl. Math. 20): s(i) = (b − a) / max(a, b), a the mean
//!   distance to the other members of i's cluster, b the smallest mean distance to another
//!   cluster's members; s = 0 for a point alone in its cluster. Exact up to
//!   [`SILHOUETTE_EXACT_LIMIT`] points, on a seeded sample of that many points above (as
//!   `silhouette_score(sample_size=…)`).
//! * Davies–Bouldin (Davies & Bouldin 1979, IEEE TPAMI 1(2), eq. 5 with q = 1, p = 2): the mean over
//!   clusters of max_{j≠i} (S_i + S_j) / ‖c_i − c_j‖, S_i the mean distance of i's points to c_i.
//!   Lower is better.
//! * Calinski–Harabasz (Caliński & Harabasz 1974, Commun. Stat. 3(1)): [B / (k − 1)] / [W / (n − k)],
//!   B the between-cluster and W the within-cluster sum of squares. Higher is better.
//! * Inertia: W, Σ ‖x − c_label‖² with c the means of the labels.
//! * Adjusted Rand index (Hubert & Arabie 1985, J. Classification 2, eq. 5).
//!
//! # Finite results
//!
//! Points are checked finite, then rescaled by a power of two into [−1, 1] before any sum of
//! squares (exact: the rescaled results are the original ones wherever those do not overflow or
//! underflow). Silhouette, Davies–Bouldin and Calinski–Harabasz are scale-free, so they come out
//! finite for any finite points, ±f64::MAX included; the one exception is a ratio whose
//! denominator is nearly 0 against its numerator (two centroids a few ulps apart, clusters that
//! are points), which is refused with [`SegmentError::OutOfRange`] rather than returned as ∞. The
//! inertia is a sum of squares in the caller's units: finite while it stays below 1.8e308 (points
//! up to about 1e154 apart), refused with [`SegmentError::OutOfRange`] above, and 0 when it is
//! below the smallest subnormal (5e-324). Davies–Bouldin's "all spreads (or all centroid distances)
//! are 0" test is relative to the largest magnitude of the points (below 1e-15 of it), so it
//! gives the same answer at every scale.
//!
//! # Examples
//!
//! ```
//! use customer_value::segment::metrics;
//! use ndarray::array;
//! let points = array![[0.0], [1.0], [10.0], [11.0]];
//! let labels = [0, 0, 1, 1];
//! // Two tight pairs 10 apart: W = 4 · 0.25 = 1, B = 4 · 25 = 100, CH = (100/1)/(1/2) = 200.
//! assert!((metrics::calinski_harabasz(points.view(), &labels)? - 200.0).abs() < 1e-9);
//! assert!((metrics::inertia(points.view(), &labels)? - 1.0).abs() < 1e-12);
//! assert_eq!(metrics::adjusted_rand_index(&labels, &[5, 5, 2, 2])?, 1.0);
//! # Ok::<(), customer_value::segment::SegmentError>(())
//! ```

use std::collections::BTreeMap;

use ndarray::{ArrayView2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::segment::clustering::inertia_in_caller_units;
use crate::segment::engine::{deterministic_sum, inertia_of, label_means};
use crate::segment::scale::{largest_magnitude, PowerOfTwo};
use crate::segment::SegmentError;

/// Above this many points the silhouette is computed on a seeded sample of this size.
pub const SILHOUETTE_EXACT_LIMIT: usize = 10_000;

/// A silhouette score and how it was computed.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Silhouette {
    /// Mean silhouette coefficient, in [−1, 1]; higher is better.
    pub score: f64,
    /// Whether the score was computed on a sample of the points.
    pub sampled: bool,
    /// Number of points the score was computed on.
    pub points: usize,
}

/// All quality metrics of one clustering, computed in the space the clustering ran in.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QualityMetrics {
    /// Σ ‖x − c_label‖² (the elbow criterion).
    pub inertia: f64,
    /// Silhouette (exact or sampled).
    pub silhouette: Silhouette,
    /// Davies–Bouldin index (lower is better).
    pub davies_bouldin: f64,
    /// Calinski–Harabasz index (higher is better).
    pub calinski_harabasz: f64,
}

/// Labels relabelled 0..m in order of first appearance of their sorted values, with m.
fn dense_labels(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut distinct: Vec<usize> = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let dense = labels
        .iter()
        .map(|label| distinct.binary_search(label).unwrap_or(0))
        .collect();
    (dense, distinct.len())
}

fn check_inputs(points: ArrayView2<f64>, labels: &[usize]) -> Result<(), SegmentError> {
    if points.nrows() == 0 || points.ncols() == 0 {
        return Err(SegmentError::EmptyInput);
    }
    if labels.len() != points.nrows() {
        return Err(SegmentError::LengthMismatch {
            name: "labels",
            expected: points.nrows(),
            found: labels.len(),
        });
    }
    crate::segment::transform::check_finite(points)
}

/// scikit-learn's `check_number_of_labels`: 2 ≤ clusters ≤ n − 1.
fn check_cluster_count(
    metric: &'static str, clusters: usize, points: usize,
) -> Result<(), SegmentError> {
    if clusters < 2 || clusters >= points {
        return Err(SegmentError::MetricUndefined {
            metric,
            clusters,
            points,
        });
    }
    Ok(())
}

/// The points row-major, rescaled by a power of two into [−1, 1] (exactly: see the module
/// docs), with the factor back to the caller's units.
fn scaled_rows(points: ArrayView2<f64>) -> (Vec<f64>, PowerOfTwo) {
    let to_unit = PowerOfTwo::normalising(largest_magnitude(points.iter().copied()));
    let data = points.iter().map(|&v| to_unit.apply(v)).collect();
    (data, to_unit.inverse())
}

/// `numerator / denominator`, or [`SegmentError::OutOfRange`] naming `metric` when the quotient
/// overflows (a denominator almost 0 against the numerator).
fn finite_ratio(
    metric: &'static str, numerator: f64, denominator: f64, remedy: &'static str,
) -> Result<f64, SegmentError> {
    let ratio = numerator / denominator;
    if ratio.is_finite() {
        return Ok(ratio);
    }
    Err(SegmentError::OutOfRange {
        quantity: metric,
        log10: numerator.abs().log10() - denominator.abs().log10(),
        remedy,
    })
}

/// Σ ‖x − c_label‖² with c the mean of each label's points.
///
/// # Errors
///
/// [`SegmentError::EmptyInput`] for no points or no columns, [`SegmentError::LengthMismatch`]
/// when `labels` and `points` differ in length, [`SegmentError::NonFinite`] for a NaN or infinite
/// value, [`SegmentError::OutOfRange`] when the inertia overflows f64 (points about 1e154 or more
/// apart).
///
/// # Examples
///
/// ```
/// use customer_value::segment::metrics::inertia;
/// use ndarray::array;
/// assert_eq!(inertia(array![[0.0, 0.0], [2.0, 0.0]].view(), &[0, 0])?, 2.0);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
pub fn inertia(points: ArrayView2<f64>, labels: &[usize]) -> Result<f64, SegmentError> {
    check_inputs(points, labels)?;
    let (dense, clusters) = dense_labels(labels);
    let dim = points.ncols();
    let (data, back) = scaled_rows(points);
    let means = label_means(&data, dim, &dense, &vec![0.0; clusters * dim]);
    inertia_in_caller_units(inertia_of(&data, dim, &means, &dense), back)
}

/// Calinski–Harabasz index (scikit-learn's `calinski_harabasz_score`): 1 when W = 0.
///
/// # Errors
///
/// As [`inertia`] (but the index is scale-free: [`SegmentError::OutOfRange`] only when the
/// within-cluster sum of squares is nearly 0 against the between-cluster one, so the quotient
/// overflows), and [`SegmentError::MetricUndefined`] unless 2 ≤ clusters ≤ n − 1.
///
/// # Examples
///
/// ```
/// use customer_value::segment::metrics::calinski_harabasz;
/// use ndarray::array;
/// let points = array![[0.0], [2.0], [10.0], [12.0]];
/// // B = 4 · 25 = 100, W = 4, CH = (100 / 1) / (4 / 2) = 50.
/// assert!((calinski_harabasz(points.view(), &[0, 0, 1, 1])? - 50.0).abs() < 1e-12);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
pub fn calinski_harabasz(points: ArrayView2<f64>, labels: &[usize]) -> Result<f64, SegmentError> {
    check_inputs(points, labels)?;
    let (dense, clusters) = dense_labels(labels);
    let n = points.nrows();
    check_cluster_count("calinski_harabasz", clusters, n)?;
    let dim = points.ncols();
    // The index is scale-free: computed on the rescaled points.
    let (data, _) = scaled_rows(points);
    let means = label_means(&data, dim, &dense, &vec![0.0; clusters * dim]);
    let overall = ArrayView2::from_shape(points.dim(), &data)
        .ok()
        .and_then(|scaled| scaled.mean_axis(Axis(0)))
        .unwrap_or_default();
    let mut counts = vec![0usize; clusters];
    for &label in &dense {
        counts[label] += 1;
    }
    let between: f64 = (0..clusters)
        .map(|j| {
            let spread: f64 = means[j * dim..(j + 1) * dim]
                .iter()
                .zip(overall.iter())
                .map(|(m, o)| (m - o) * (m - o))
                .sum();
            counts[j] as f64 * spread
        })
        .sum();
    let within = inertia_of(&data, dim, &means, &dense);
    if within == 0.0 {
        return Ok(1.0);
    }
    finite_ratio(
        "calinski_harabasz",
        between * (n - clusters) as f64,
        within * (clusters - 1) as f64,
        "the clusters are almost points: their within-cluster spread is nearly 0 against their separation",
    )
}

/// Davies–Bouldin index (scikit-learn's `davies_bouldin_score`): 0 when every within-cluster
/// spread or every centroid distance is 0 (below 1e-15 of the points' largest magnitude).
///
/// # Errors
///
/// As [`calinski_harabasz`], [`SegmentError::OutOfRange`] being for two centroids so close,
/// against the spreads, that a ratio overflows.
///
/// # Examples
///
/// ```
/// use customer_value::segment::metrics::davies_bouldin;
/// use ndarray::array;
/// let points = array![[0.0], [2.0], [10.0], [12.0]];
/// // S = 1 for both clusters, centroids 10 apart: (1 + 1) / 10.
/// assert!((davies_bouldin(points.view(), &[0, 0, 1, 1])? - 0.2).abs() < 1e-12);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
pub fn davies_bouldin(points: ArrayView2<f64>, labels: &[usize]) -> Result<f64, SegmentError> {
    check_inputs(points, labels)?;
    let (dense, clusters) = dense_labels(labels);
    let n = points.nrows();
    check_cluster_count("davies_bouldin", clusters, n)?;
    let dim = points.ncols();
    // The index is scale-free: computed on the rescaled points.
    let (data, _) = scaled_rows(points);
    let means = label_means(&data, dim, &dense, &vec![0.0; clusters * dim]);
    let mut spread = vec![0.0; clusters];
    let mut counts = vec![0usize; clusters];
    for (row, &label) in data.chunks_exact(dim).zip(&dense) {
        let center = &means[label * dim..(label + 1) * dim];
        let distance: f64 = row.iter().zip(center).map(|(a, b)| (a - b) * (a - b)).sum();
        spread[label] += distance.sqrt();
        counts[label] += 1;
    }
    for (s, &count) in spread.iter_mut().zip(&counts) {
        *s /= count as f64;
    }
    let centroid_distance = |i: usize, j: usize| -> f64 {
        means[i * dim..(i + 1) * dim]
            .iter()
            .zip(&means[j * dim..(j + 1) * dim])
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt()
    };
    let all_spread_zero = spread.iter().all(|&s| s.abs() < 1e-15);
    let all_centroids_equal =
        (0..clusters).all(|i| (0..clusters).all(|j| centroid_distance(i, j).abs() < 1e-15));
    if all_spread_zero || all_centroids_equal {
        return Ok(0.0);
    }
    let mut total = 0.0;
    for i in 0..clusters {
        let mut worst: f64 = 0.0;
        for j in 0..clusters {
            if i != j {
                let distance = centroid_distance(i, j);
                // Coincident centroids count as infinitely far apart, as in scikit-learn.
                let ratio = if distance == 0.0 {
                    0.0
                } else {
                    finite_ratio(
                        "davies_bouldin",
                        spread[i] + spread[j],
                        distance,
                        "two centroids nearly coincide against the clusters' spread",
                    )?
                };
                worst = worst.max(ratio);
            }
        }
        total += worst;
    }
    Ok(total / clusters as f64)
}

/// Mean silhouette coefficient: exact up to [`SILHOUETTE_EXACT_LIMIT`] points, otherwise on a
/// sample of that many points drawn without replacement with `seed` (the result says so).
///
/// # Errors
///
/// [`SegmentError::EmptyInput`], [`SegmentError::LengthMismatch`] and
/// [`SegmentError::NonFinite`] as [`inertia`], and [`SegmentError::MetricUndefined`] unless
/// 2 ≤ clusters ≤ n − 1 among the points used. The coefficient is scale-free and always finite.
///
/// # Examples
///
/// ```
/// use customer_value::segment::metrics::silhouette;
/// use ndarray::array;
/// let points = array![[0.0], [2.0], [10.0], [12.0]];
/// let s = silhouette(points.view(), &[0, 0, 1, 1], 0)?;
/// // Point 0: a = 2, b = 11 → 9/11; point 1: a = 2, b = 9 → 7/9; the same by symmetry.
/// assert!((s.score - (9.0 / 11.0 + 7.0 / 9.0) / 2.0).abs() < 1e-12);
/// assert!(!s.sampled);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
pub fn silhouette(
    points: ArrayView2<f64>, labels: &[usize], seed: u64,
) -> Result<Silhouette, SegmentError> {
    check_inputs(points, labels)?;
    let n = points.nrows();
    let sampled = n > SILHOUETTE_EXACT_LIMIT;
    let chosen: Vec<usize> = if sampled {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut indices = rand::seq::index::sample(&mut rng, n, SILHOUETTE_EXACT_LIMIT).into_vec();
        indices.sort_unstable();
        indices
    } else {
        (0..n).collect()
    };
    let dim = points.ncols();
    // The coefficient is scale-free: computed on the rescaled points.
    let to_unit = PowerOfTwo::normalising(largest_magnitude(points.iter().copied()));
    let data: Vec<f64> = chosen
        .iter()
        .flat_map(|&i| points.row(i).map(|&v| to_unit.apply(v)).to_vec())
        .collect();
    let chosen_labels: Vec<usize> = chosen.iter().map(|&i| labels[i]).collect();
    let (dense, clusters) = dense_labels(&chosen_labels);
    let m = chosen.len();
    check_cluster_count("silhouette", clusters, m)?;
    let mut sizes = vec![0usize; clusters];
    for &label in &dense {
        sizes[label] += 1;
    }
    let scores: Vec<f64> = (0..m)
        .into_par_iter()
        .map(|i| {
            let row = &data[i * dim..(i + 1) * dim];
            let mut sums = vec![0.0; clusters];
            for (other, &label) in data.chunks_exact(dim).zip(&dense) {
                let squared: f64 = row.iter().zip(other).map(|(a, b)| (a - b) * (a - b)).sum();
                sums[label] += squared.sqrt();
            }
            let own = dense[i];
            if sizes[own] == 1 {
                return 0.0;
            }
            let a = sums[own] / (sizes[own] - 1) as f64;
            let b = (0..clusters)
                .filter(|&j| j != own)
                .map(|j| sums[j] / sizes[j] as f64)
                .fold(f64::INFINITY, f64::min);
            let denominator = a.max(b);
            // Duplicate points (a = b = 0) score 0, as scikit-learn's nan_to_num.
            if denominator > 0.0 {
                (b - a) / denominator
            } else {
                0.0
            }
        })
        .collect();
    Ok(Silhouette {
        score: deterministic_sum(&scores) / m as f64,
        sampled,
        points: m,
    })
}

/// All metrics at once (see [`QualityMetrics`]); `seed` drives the silhouette sample.
///
/// # Errors
///
/// Those of [`silhouette`], [`davies_bouldin`], [`calinski_harabasz`] and [`inertia`]
/// (an inertia that overflows f64 is [`SegmentError::OutOfRange`]).
///
/// # Examples
///
/// ```
/// use customer_value::segment::metrics::quality;
/// use ndarray::array;
/// let q = quality(array![[0.0], [2.0], [10.0], [12.0]].view(), &[0, 0, 1, 1], 0)?;
/// assert!((q.davies_bouldin - 0.2).abs() < 1e-12);
/// assert_eq!(q.inertia, 4.0);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
pub fn quality(
    points: ArrayView2<f64>, labels: &[usize], seed: u64,
) -> Result<QualityMetrics, SegmentError> {
    Ok(QualityMetrics {
        silhouette: silhouette(points, labels, seed)?,
        davies_bouldin: davies_bouldin(points, labels)?,
        calinski_harabasz: calinski_harabasz(points, labels)?,
        inertia: inertia(points, labels)?,
    })
}

/// Adjusted Rand index between two labelings of the same items (1 for identical partitions up to
/// renaming, about 0 for independent ones). Returns 1 when both partitions are trivial in the same
/// way (the index's denominator is 0), as scikit-learn does.
///
/// # Errors
///
/// [`SegmentError::EmptyInput`] for empty labelings, [`SegmentError::LengthMismatch`] when
/// their lengths differ.
///
/// # Examples
///
/// ```
/// use customer_value::segment::metrics::adjusted_rand_index;
/// // scikit-learn: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714285714285715
/// let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2])?;
/// assert!((ari - 0.5714285714285715).abs() < 1e-15);
/// # Ok::<(), customer_value::segment::SegmentError>(())
/// ```
pub fn adjusted_rand_index(first: &[usize], second: &[usize]) -> Result<f64, SegmentError> {
    if first.is_empty() {
        return Err(SegmentError::EmptyInput);
    }
    if first.len() != second.len() {
        return Err(SegmentError::LengthMismatch {
            name: "second",
            expected: first.len(),
            found: second.len(),
        });
    }
    // In u128: a count above 2^32 would overflow its square in u64.
    let pairs = |count: u64| (u128::from(count) * u128::from(count.saturating_sub(1))) as f64 / 2.0;
    let mut table: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut rows: BTreeMap<usize, u64> = BTreeMap::new();
    let mut columns: BTreeMap<usize, u64> = BTreeMap::new();
    for (&a, &b) in first.iter().zip(second) {
        *table.entry((a, b)).or_default() += 1;
        *rows.entry(a).or_default() += 1;
        *columns.entry(b).or_default() += 1;
    }
    let index: f64 = table.values().map(|&c| pairs(c)).sum();
    let row_pairs: f64 = rows.values().map(|&c| pairs(c)).sum();
    let column_pairs: f64 = columns.values().map(|&c| pairs(c)).sum();
    let total_pairs = pairs(first.len() as u64);
    let expected = if total_pairs > 0.0 {
        row_pairs * column_pairs / total_pairs
    } else {
        0.0
    };
    let maximum = 0.5 * (row_pairs + column_pairs);
    if maximum - expected == 0.0 {
        return Ok(1.0);
    }
    Ok((index - expected) / (maximum - expected))
}
