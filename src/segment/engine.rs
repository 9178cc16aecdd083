//! Our k-means engine: Lloyd iterations accelerated by Hamerly's bounds, parallel with
//! deterministic reductions.
//!
//! * Seeding: greedy k-means++ (see `seeding.rs`).
//! * Iterations: Lloyd's assign/update steps, skipping distance computations with Hamerly's bounds
//!   (Hamerly 2010, "Making k-means even faster", SDM, Algorithm 2): each point keeps an upper
//!   bound u on the distance to its centre and a lower bound l on the distance to any other
//!   centre; the point cannot change centre when u ≤ max(l, s(a)/2), s(a) being the distance from
//!   its centre to the nearest other centre. After the centres move by p_j, u += p_a and
//!   l −= max_{j≠a} p_j.
//! * Determinism: points are processed in fixed chunks of [`CHUNK`] rows; each chunk accumulates its
//!   partial sums sequentially and the partials are combined in chunk order, so every float is the
//!   same whatever the number of threads.
//! * Convergence as scikit-learn's Lloyd: stop when no label changed, or when the total squared
//!   centre shift Σ_j ‖c_j' − c_j‖² is at most `tol · mean per-feature variance`.

use rayon::prelude::*;

/// Calls `$func::<D>` with the dimension as a constant for 1..=8 features (so the distance loops
/// unroll), or `$func::<0>` (dimension read at run time) above.
macro_rules! dispatch_dim {
    ($dim:expr, $func:ident ( $($arg:expr),* )) => {
        match $dim {
            1 => $func::<1>($($arg),*),
            2 => $func::<2>($($arg),*),
            3 => $func::<3>($($arg),*),
            4 => $func::<4>($($arg),*),
            5 => $func::<5>($($arg),*),
            6 => $func::<6>($($arg),*),
            7 => $func::<7>($($arg),*),
            8 => $func::<8>($($arg),*),
            _ => $func::<0>($($arg),*),
        }
    };
}

/// Rows per parallel work unit. Fixed so that reductions do not depend on the thread count.
pub(crate) const CHUNK: usize = 4096;

/// The outcome of one k-means run.
#[derive(Debug, Clone)]
pub(crate) struct RunOutcome {
    pub labels: Vec<usize>,
    /// k × d row-major, the means of the final labels (an empty cluster keeps its last centre).
    pub centroids: Vec<f64>,
    pub initial_centroids: Vec<f64>,
    /// Σ ‖x − c_label‖² with the centroids above.
    pub inertia: f64,
    pub iterations: usize,
    pub converged: bool,
}

#[inline(always)]
pub(crate) fn squared_distance<const D: usize>(dim: usize, a: &[f64], b: &[f64]) -> f64 {
    let d = if D == 0 { dim } else { D };
    let mut sum = 0.0;
    for index in 0..d {
        let delta = a[index] - b[index];
        sum += delta * delta;
    }
    sum
}

/// Sums of `values` per fixed chunk, in chunk order.
pub(crate) fn chunk_sums(values: &[f64]) -> Vec<f64> {
    values
        .par_chunks(CHUNK)
        .map(|chunk| chunk.iter().sum::<f64>())
        .collect()
}

/// Sum of chunk partials in chunk order: the deterministic total of `values`.
pub(crate) fn deterministic_sum(values: &[f64]) -> f64 {
    chunk_sums(values).iter().sum()
}

/// Per-chunk partial result of one assignment pass: changes of the per-cluster sums and counts.
struct Partial {
    sums: Vec<f64>,
    counts: Vec<i64>,
    changed: u64,
}

/// Mutable per-point state of Hamerly's algorithm.
struct Bounds {
    labels: Vec<u32>,
    /// (upper, lower) per point, interleaved so one pass reads one stream.
    upper_lower: Vec<[f64; 2]>,
}

/// Per-centre quantities of one pass.
struct CentreBounds {
    half_gap: f64,
    upper_move: f64,
    lower_move: f64,
}

/// How the centres moved since the bounds were last valid.
struct Moves {
    by_centre: Vec<f64>,
    largest: f64,
    largest_centre: usize,
    second_largest: f64,
}

impl Moves {
    fn none(k: usize) -> Self {
        Self {
            by_centre: vec![0.0; k],
            largest: 0.0,
            largest_centre: 0,
            second_largest: 0.0,
        }
    }

    fn from(by_centre: Vec<f64>) -> Self {
        let mut largest = 0.0;
        let mut largest_centre = 0;
        let mut second_largest = 0.0;
        for (centre, &movement) in by_centre.iter().enumerate() {
            if movement > largest {
                second_largest = largest;
                largest = movement;
                largest_centre = centre;
            } else if movement > second_largest {
                second_largest = movement;
            }
        }
        Self {
            by_centre,
            largest,
            largest_centre,
            second_largest,
        }
    }
}

/// One assignment pass with Hamerly's bounds, accumulating per-cluster sums. `full` recomputes
/// every point's bounds from scratch (the first pass).
#[allow(clippy::too_many_arguments)]
fn assign_pass<const D: usize>(
    data: &[f64],
    dim: usize,
    centers: &[f64],
    half_gap: &[f64],
    moves: &Moves,
    bounds: &mut Bounds,
    full: bool,
) -> Partial {
    // A constant dimension lets the compiler unroll the loops and drop bounds checks.
    let d = if D == 0 { dim } else { D };
    let k = centers.len() / d;
    // Everything a point needs about its centre, in one place: s(a)/2, and how far its upper
    // bound rises (the centre's own move) and its lower bound falls (the largest other move).
    let per_centre: Vec<CentreBounds> = (0..k)
        .map(|j| CentreBounds {
            half_gap: half_gap[j],
            upper_move: moves.by_centre[j],
            lower_move: if j == moves.largest_centre {
                moves.second_largest
            } else {
                moves.largest
            },
        })
        .collect();
    let partials: Vec<Partial> = data
        .par_chunks(CHUNK * d)
        .zip(bounds.labels.par_chunks_mut(CHUNK))
        .zip(bounds.upper_lower.par_chunks_mut(CHUNK))
        .map(|((rows, labels), upper_lower)| {
            let mut sums = vec![0.0; k * d];
            let mut counts = vec![0i64; k];
            let mut changed = 0;
            for (index, row) in rows.chunks_exact(d).enumerate() {
                let previous = labels[index] as usize;
                let mut label = previous;
                let mut needs_scan = full;
                let bounds = &mut upper_lower[index];
                if !full {
                    let centre = &per_centre[label];
                    bounds[0] += centre.upper_move;
                    bounds[1] -= centre.lower_move;
                    let bound = centre.half_gap.max(bounds[1]);
                    if bounds[0] > bound {
                        bounds[0] =
                            squared_distance::<D>(d, row, &centers[label * d..(label + 1) * d])
                                .sqrt();
                        needs_scan = bounds[0] > bound;
                    }
                }
                if needs_scan {
                    let mut best = (0usize, f64::INFINITY);
                    let mut second = f64::INFINITY;
                    for (centre, center) in centers.chunks_exact(d).enumerate() {
                        let distance = squared_distance::<D>(d, row, center);
                        // Strict comparison: the lowest centre index wins ties.
                        if distance < best.1 {
                            second = best.1;
                            best = (centre, distance);
                        } else if distance < second {
                            second = distance;
                        }
                    }
                    if full || best.0 != label {
                        changed += 1;
                    }
                    label = best.0;
                    labels[index] = label as u32;
                    *bounds = [best.1.sqrt(), second.sqrt()];
                }
                // Running sums are kept by deltas: only a point that changes centre (or every
                // point on the first pass) touches them (Hamerly 2010, Algorithm 2).
                if full || label != previous {
                    counts[label] += 1;
                    for (slot, value) in sums[label * d..(label + 1) * d].iter_mut().zip(row) {
                        *slot += value;
                    }
                    if !full {
                        counts[previous] -= 1;
                        for (slot, value) in
                            sums[previous * d..(previous + 1) * d].iter_mut().zip(row)
                        {
                            *slot -= value;
                        }
                    }
                }
            }
            Partial {
                sums,
                counts,
                changed,
            }
        })
        .collect();
    combine(partials, k, d)
}

/// Adds the chunks' partial sums, counts and changes in chunk order, so the totals do not depend on
/// the thread count.
fn combine(partials: Vec<Partial>, k: usize, d: usize) -> Partial {
    let mut total = Partial {
        sums: vec![0.0; k * d],
        counts: vec![0; k],
        changed: 0,
    };
    for partial in partials {
        for (slot, value) in total.sums.iter_mut().zip(&partial.sums) {
            *slot += value;
        }
        for (slot, value) in total.counts.iter_mut().zip(&partial.counts) {
            *slot += value;
        }
        total.changed += partial.changed;
    }
    total
}

/// Dimensions up to which a plain Lloyd pass beats Hamerly's bounds. With so few coordinates all k
/// distances cost about what the bounds' upkeep (two bounds per point, a square root, a branch
/// per point) does, and the plain pass streams memory once; measured on 1M × 3 customer features,
/// the plain pass takes about half the time.
const PLAIN_MAX_DIM: usize = 4;

/// One plain Lloyd assignment pass: every point to its nearest centre (strict comparison, lowest
/// index on ties), with the absolute per-cluster sums and counts of the new labels; chunk sums are
/// combined in chunk order, so the result does not depend on the thread count.
fn plain_pass<const D: usize>(
    data: &[f64],
    dim: usize,
    centers: &[f64],
    labels: &mut [u32],
    first: bool,
) -> Partial {
    let d = if D == 0 { dim } else { D };
    let k = centers.len() / d;
    let partials: Vec<Partial> = data
        .par_chunks(CHUNK * d)
        .zip(labels.par_chunks_mut(CHUNK))
        .map(|(rows, labels)| {
            let mut sums = vec![0.0; k * d];
            let mut counts = vec![0i64; k];
            let mut changed = 0;
            for (row, label) in rows.chunks_exact(d).zip(labels.iter_mut()) {
                let mut best = 0usize;
                let mut best_distance = f64::INFINITY;
                for (centre, center) in centers.chunks_exact(d).enumerate() {
                    let distance = squared_distance::<D>(d, row, center);
                    // Selects rather than a branch: on overlapping clusters the comparison is
                    // unpredictable, and a mispredicted branch costs more than the distance.
                    let closer = distance < best_distance;
                    best_distance = if closer { distance } else { best_distance };
                    best = if closer { centre } else { best };
                }
                // k ≤ the number of points, which fits u32 (checked when the labels were sized).
                let best_label = best as u32;
                if first || *label != best_label {
                    changed += 1;
                    *label = best_label;
                }
                counts[best] += 1;
                for (slot, value) in sums[best * d..(best + 1) * d].iter_mut().zip(row) {
                    *slot += value;
                }
            }
            Partial {
                sums,
                counts,
                changed,
            }
        })
        .collect();
    combine(partials, k, d)
}

/// Half the distance from each centre to its nearest other centre (s(j)/2 in Hamerly's notation).
fn half_gaps<const D: usize>(centers: &[f64], dim: usize) -> Vec<f64> {
    let k = centers.len() / dim;
    (0..k)
        .map(|j| {
            let mut nearest = f64::INFINITY;
            for other in 0..k {
                if other != j {
                    let distance = squared_distance::<D>(
                        dim,
                        &centers[j * dim..(j + 1) * dim],
                        &centers[other * dim..(other + 1) * dim],
                    );
                    nearest = nearest.min(distance);
                }
            }
            if k == 1 {
                f64::INFINITY
            } else {
                0.5 * nearest.sqrt()
            }
        })
        .collect()
}

/// Lloyd's algorithm with Hamerly's bounds from `initial` centres. `tolerance` is absolute on the
/// total squared centre shift (already scaled by the caller).
pub(crate) fn lloyd_hamerly(
    data: &[f64],
    dim: usize,
    initial: &[f64],
    max_iterations: usize,
    tolerance: f64,
) -> RunOutcome {
    dispatch_dim!(
        dim,
        lloyd_impl(data, dim, initial, max_iterations, tolerance)
    )
}

fn lloyd_impl<const D: usize>(
    data: &[f64],
    dim: usize,
    initial: &[f64],
    max_iterations: usize,
    tolerance: f64,
) -> RunOutcome {
    let n = data.len() / dim;
    let k = initial.len() / dim;
    let mut centers = initial.to_vec();
    let mut bounds = Bounds {
        labels: vec![0; n],
        upper_lower: vec![[0.0; 2]; n],
    };
    let mut moves = Moves::none(k);
    let mut iterations = 0;
    let mut strict = false;
    let mut converged = false;
    let mut sums = vec![0.0; k * dim];
    let mut counts = vec![0i64; k];
    let plain = dim <= PLAIN_MAX_DIM;
    while iterations < max_iterations {
        let partial = if plain {
            plain_pass::<D>(data, dim, &centers, &mut bounds.labels, iterations == 0)
        } else {
            let gaps = half_gaps::<D>(&centers, dim);
            assign_pass::<D>(
                data,
                dim,
                &centers,
                &gaps,
                &moves,
                &mut bounds,
                iterations == 0,
            )
        };
        iterations += 1;
        if plain {
            // The plain pass returns absolute sums; Hamerly's returns deltas.
            sums.iter_mut().for_each(|s| *s = 0.0);
            counts.iter_mut().for_each(|c| *c = 0);
        }
        for (sum, delta) in sums.iter_mut().zip(&partial.sums) {
            *sum += delta;
        }
        for (count, delta) in counts.iter_mut().zip(&partial.counts) {
            *count += delta;
        }
        let mut new_centers = centers.clone();
        let mut relocated = false;
        let empty: Vec<usize> = (0..k).filter(|&j| counts[j] <= 0).collect();
        for j in 0..k {
            if counts[j] > 0 {
                let count = counts[j] as f64;
                for (slot, sum) in new_centers[j * dim..(j + 1) * dim]
                    .iter_mut()
                    .zip(&sums[j * dim..(j + 1) * dim])
                {
                    *slot = sum / count;
                }
            }
        }
        if !empty.is_empty() {
            // An empty cluster takes the points farthest from their centres (by the exact
            // distance to the current centre; ties to the lowest index), as scikit-learn does.
            relocated = true;
            let far = farthest_points::<D>(data, dim, &centers, &bounds.labels, empty.len());
            for (&cluster, &point) in empty.iter().zip(&far) {
                new_centers[cluster * dim..(cluster + 1) * dim]
                    .copy_from_slice(&data[point * dim..(point + 1) * dim]);
            }
        }
        let shifts: Vec<f64> = (0..k)
            .map(|j| {
                squared_distance::<D>(
                    dim,
                    &centers[j * dim..(j + 1) * dim],
                    &new_centers[j * dim..(j + 1) * dim],
                )
            })
            .collect();
        let total_shift: f64 = shifts.iter().sum();
        moves = Moves::from(shifts.iter().map(|s| s.sqrt()).collect());
        centers = new_centers;
        if iterations > 1 && partial.changed == 0 && !relocated {
            // Same labels as the previous pass ⇒ the centres just computed equal the previous ones.
            strict = true;
            converged = true;
            break;
        }
        if total_shift <= tolerance {
            converged = true;
            break;
        }
    }
    // Labels consistent with the last centres (skipped when they already are), then the centres
    // recomputed exactly from the final labels (the running sums carry rounding from the deltas).
    if !strict {
        if plain {
            plain_pass::<D>(data, dim, &centers, &mut bounds.labels, iterations == 0);
        } else {
            let gaps = half_gaps::<D>(&centers, dim);
            assign_pass::<D>(
                data,
                dim,
                &centers,
                &gaps,
                &moves,
                &mut bounds,
                iterations == 0,
            );
        }
    }
    let labels: Vec<usize> = bounds.labels.iter().map(|&l| l as usize).collect();
    let centers = label_means(data, dim, &labels, &centers);
    let inertia = inertia_of(data, dim, &centers, &labels);
    RunOutcome {
        labels,
        centroids: centers,
        initial_centroids: initial.to_vec(),
        inertia,
        iterations,
        converged,
    }
}

/// Indices of the `count` points farthest from their assigned centre (ties: lowest index first).
fn farthest_points<const D: usize>(
    data: &[f64],
    dim: usize,
    centers: &[f64],
    labels: &[u32],
    count: usize,
) -> Vec<usize> {
    let distances: Vec<f64> = data
        .par_chunks(dim)
        .zip(labels.par_iter())
        .map(|(row, &label)| {
            let label = label as usize;
            squared_distance::<D>(dim, row, &centers[label * dim..(label + 1) * dim])
        })
        .collect();
    let mut order: Vec<usize> = (0..distances.len()).collect();
    order.sort_by(|&a, &b| distances[b].total_cmp(&distances[a]).then(a.cmp(&b)));
    order.truncate(count);
    order
}

/// Σ ‖x_i − c_{label_i}‖², reduced deterministically.
pub(crate) fn inertia_of(data: &[f64], dim: usize, centers: &[f64], labels: &[usize]) -> f64 {
    let partials: Vec<f64> = data
        .par_chunks(CHUNK * dim)
        .zip(labels.par_chunks(CHUNK))
        .map(|(rows, labels)| {
            let mut sum = 0.0;
            for (row, &label) in rows.chunks_exact(dim).zip(labels) {
                let center = &centers[label * dim..(label + 1) * dim];
                sum += squared_distance::<0>(dim, row, center);
            }
            sum
        })
        .collect();
    partials.iter().sum()
}

/// Nearest centre of each row (lowest index on ties).
pub(crate) fn nearest_centres(data: &[f64], dim: usize, centers: &[f64]) -> Vec<usize> {
    data.par_chunks(dim)
        .map(|row| {
            let mut best = (0, f64::INFINITY);
            for (centre, center) in centers.chunks_exact(dim).enumerate() {
                let distance = squared_distance::<0>(dim, row, center);
                if distance < best.1 {
                    best = (centre, distance);
                }
            }
            best.0
        })
        .collect()
}

/// Means of the rows per label; a label with no row keeps `fallback`'s centre. Sums are reduced
/// per fixed chunk, in chunk order.
pub(crate) fn label_means(
    data: &[f64],
    dim: usize,
    labels: &[usize],
    fallback: &[f64],
) -> Vec<f64> {
    let k = fallback.len() / dim;
    let partials: Vec<(Vec<f64>, Vec<u64>)> = data
        .par_chunks(CHUNK * dim)
        .zip(labels.par_chunks(CHUNK))
        .map(|(rows, labels)| {
            let mut sums = vec![0.0; k * dim];
            let mut counts = vec![0u64; k];
            for (row, &label) in rows.chunks_exact(dim).zip(labels) {
                counts[label] += 1;
                for (slot, value) in sums[label * dim..(label + 1) * dim].iter_mut().zip(row) {
                    *slot += value;
                }
            }
            (sums, counts)
        })
        .collect();
    let mut sums = vec![0.0; k * dim];
    let mut counts = vec![0u64; k];
    for (partial_sums, partial_counts) in &partials {
        for (slot, value) in sums.iter_mut().zip(partial_sums) {
            *slot += value;
        }
        for (slot, value) in counts.iter_mut().zip(partial_counts) {
            *slot += value;
        }
    }
    let mut means = fallback.to_vec();
    for j in 0..k {
        if counts[j] > 0 {
            for (slot, sum) in means[j * dim..(j + 1) * dim]
                .iter_mut()
                .zip(&sums[j * dim..(j + 1) * dim])
            {
                *slot = sum / counts[j] as f64;
            }
        }
    }
    means
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::seeding::kmeans_plus_plus;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn brute_force_lloyd(data: &[f64], dim: usize, init: &[f64], iterations: usize) -> Vec<usize> {
        let mut centers = init.to_vec();
        let mut labels = nearest_centres(data, dim, &centers);
        for _ in 0..iterations {
            centers = label_means(data, dim, &labels, &centers);
            labels = nearest_centres(data, dim, &centers);
        }
        labels
    }

    #[test]
    fn hamerly_matches_plain_lloyd() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let dim = 3;
        let data: Vec<f64> = (0..3000 * dim).map(|_| rng.gen::<f64>()).collect();
        let init = kmeans_plus_plus(&data, dim, 6, &mut rng);
        let run = lloyd_hamerly(&data, dim, &init, 500, 0.0);
        assert!(run.converged);
        let reference = brute_force_lloyd(&data, dim, &init, run.iterations + 5);
        assert_eq!(run.labels, reference);
        // Inertia is the sum of squared distances to the means of the final labels.
        let means = label_means(&data, dim, &run.labels, &run.centroids);
        let expected: f64 = data
            .chunks_exact(dim)
            .zip(&run.labels)
            .map(|(row, &l)| squared_distance::<0>(dim, row, &means[l * dim..(l + 1) * dim]))
            .sum();
        assert!((run.inertia - expected).abs() <= 1e-9 * expected);
    }
}
