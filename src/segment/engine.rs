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

/// Points handled together by the plain pass: enough independent lanes for the compiler to keep
/// the vector units busy on any x86-64 or AArch64 baseline.
const LANES: usize = 8;

/// The data transposed once per fit: column `c` of rows `a..b` is `values[c * n + a..c * n + b]`,
/// so the seeding and the plain pass read each coordinate of many points with contiguous loads.
pub(crate) struct Columns {
    values: Vec<f64>,
    n: usize,
    dim: usize,
}

impl Columns {
    /// Transposes `data` (n × `dim`, row-major), in parallel over fixed row chunks.
    pub(crate) fn transpose(data: &[f64], dim: usize) -> Self {
        let n = data.len() / dim.max(1);
        let mut values = vec![0.0; n * dim];
        // Each column is cut at the same row chunks, so chunk `i` of every column is written by
        // the task that reads chunk `i` of the rows.
        let mut pieces: Vec<Vec<&mut [f64]>> = (0..n.div_ceil(CHUNK)).map(|_| Vec::new()).collect();
        for column in values.chunks_mut(n.max(1)) {
            for (piece, slot) in column.chunks_mut(CHUNK).zip(pieces.iter_mut()) {
                slot.push(piece);
            }
        }
        pieces
            .par_iter_mut()
            .zip(data.par_chunks(CHUNK * dim.max(1)))
            .for_each(|(columns, rows)| {
                for (index, row) in rows.chunks_exact(dim).enumerate() {
                    for (column, &value) in columns.iter_mut().zip(row) {
                        column[index] = value;
                    }
                }
            });
        Self { values, n, dim }
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.n
    }

    /// Column `column` over `rows`.
    pub(crate) fn column(&self, column: usize, rows: std::ops::Range<usize>) -> &[f64] {
        &self.values[column * self.n + rows.start..column * self.n + rows.end]
    }

    /// Row `row` as a vector.
    pub(crate) fn row(&self, row: usize) -> Vec<f64> {
        (0..self.dim)
            .map(|column| self.values[column * self.n + row])
            .collect()
    }

    /// Squared distances from rows `rows` to `centre`, written to `out` (one per row). The terms
    /// are added in column order from 0, as [`squared_distance`] does, so both give the same
    /// floats.
    pub(crate) fn squared_distances(
        &self,
        rows: std::ops::Range<usize>,
        centre: &[f64],
        out: &mut [f64],
    ) {
        out.fill(0.0);
        for (column, &coordinate) in centre.iter().enumerate() {
            for (sum, &x) in out.iter_mut().zip(self.column(column, rows.clone())) {
                let delta = x - coordinate;
                *sum += delta * delta;
            }
        }
    }
}

/// One plain Lloyd assignment pass: every point to its nearest centre (strict comparison, lowest
/// index on ties), returning the changes of the per-cluster sums and counts (every point on the
/// first pass, then only the points that changed centre, as Hamerly's pass does); chunk sums are
/// combined in chunk order, so the result does not depend on the thread count.
///
/// Points go [`LANES`] at a time through branch-free selects, so a mispredicted branch does not
/// stall the distance loop; after the first passes few points change centre, and the sums cost
/// almost nothing.
fn plain_pass<const D: usize>(
    columns: &Columns,
    dim: usize,
    centers: &[f64],
    labels: &mut [u32],
    first: bool,
) -> Partial {
    let d = if D == 0 { dim } else { D };
    let k = centers.len() / d;
    let partials: Vec<Partial> = labels
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(chunk, labels)| {
            let start = chunk * CHUNK;
            let column_slices: Vec<&[f64]> = (0..d)
                .map(|column| columns.column(column, start..start + labels.len()))
                .collect();
            let mut sums = vec![0.0; k * d];
            let mut counts = vec![0i64; k];
            let mut changed = 0;
            // Reused across blocks: a tail block's unused lanes keep stale values that no lane
            // loop below reads.
            let mut point = [[0.0; LANES]; PLAIN_MAX_DIM];
            for (block, block_labels) in labels.chunks_mut(LANES).enumerate() {
                let offset = block * LANES;
                let valid = block_labels.len();
                for (coordinates, column) in point.iter_mut().zip(&column_slices) {
                    // A full block copies a constant length, which compiles to plain loads.
                    if valid == LANES {
                        coordinates.copy_from_slice(&column[offset..offset + LANES]);
                    } else {
                        coordinates[..valid].copy_from_slice(&column[offset..offset + valid]);
                    }
                }
                let mut best_distance = [f64::INFINITY; LANES];
                let mut best = [0usize; LANES];
                for (centre, center) in centers.chunks_exact(d).enumerate() {
                    let mut distance = [0.0; LANES];
                    for (coordinates, &c) in point.iter().zip(center) {
                        for (sum, &x) in distance.iter_mut().zip(coordinates) {
                            let delta = x - c;
                            *sum += delta * delta;
                        }
                    }
                    for lane in 0..LANES {
                        let closer = distance[lane] < best_distance[lane];
                        best_distance[lane] = if closer {
                            distance[lane]
                        } else {
                            best_distance[lane]
                        };
                        best[lane] = if closer { centre } else { best[lane] };
                    }
                }
                for (lane, label) in block_labels.iter_mut().enumerate() {
                    // k ≤ the number of points, which fits u32 (checked when the labels were
                    // sized).
                    let cluster = best[lane];
                    let best_label = cluster as u32;
                    if first || *label != best_label {
                        // Running sums by deltas: only a point that changes centre (every point
                        // on the first pass) touches them, as in Hamerly's pass.
                        changed += 1;
                        counts[cluster] += 1;
                        for (sum, coordinates) in
                            sums[cluster * d..(cluster + 1) * d].iter_mut().zip(&point)
                        {
                            *sum += coordinates[lane];
                        }
                        if !first {
                            let previous = *label as usize;
                            counts[previous] -= 1;
                            for (sum, coordinates) in sums[previous * d..(previous + 1) * d]
                                .iter_mut()
                                .zip(&point)
                            {
                                *sum -= coordinates[lane];
                            }
                        }
                        *label = best_label;
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
    columns: &Columns,
    dim: usize,
    initial: &[f64],
    max_iterations: usize,
    tolerance: f64,
) -> RunOutcome {
    dispatch_dim!(
        dim,
        lloyd_impl(data, columns, dim, initial, max_iterations, tolerance)
    )
}

fn lloyd_impl<const D: usize>(
    data: &[f64],
    columns: &Columns,
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
    // One assignment pass from `centers`: the plain pass for few features, Hamerly's above.
    let pass = |centers: &[f64], moves: &Moves, bounds: &mut Bounds, first: bool| {
        if plain {
            plain_pass::<D>(columns, dim, centers, &mut bounds.labels, first)
        } else {
            let gaps = half_gaps::<D>(centers, dim);
            assign_pass::<D>(data, dim, centers, &gaps, moves, bounds, first)
        }
    };
    while iterations < max_iterations {
        let partial = pass(&centers, &moves, &mut bounds, iterations == 0);
        iterations += 1;
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
        pass(&centers, &moves, &mut bounds, iterations == 0);
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
    fn both_passes_match_brute_force_lloyd() {
        // 3 columns take the plain pass, 6 and 11 Hamerly's (11: dimension read at run time).
        for dim in [3, 6, 11] {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
            let data: Vec<f64> = (0..3000 * dim).map(|_| rng.gen::<f64>()).collect();
            let columns = Columns::transpose(&data, dim);
            let init = kmeans_plus_plus(&columns, 6, &mut rng);
            let run = lloyd_hamerly(&data, &columns, dim, &init, 500, 0.0);
            assert!(run.converged, "dim {dim}");
            let reference = brute_force_lloyd(&data, dim, &init, run.iterations + 5);
            assert_eq!(run.labels, reference, "dim {dim}");
            // Inertia is the sum of squared distances to the means of the final labels.
            let means = label_means(&data, dim, &run.labels, &run.centroids);
            let expected: f64 = data
                .chunks_exact(dim)
                .zip(&run.labels)
                .map(|(row, &l)| squared_distance::<0>(dim, row, &means[l * dim..(l + 1) * dim]))
                .sum();
            assert!(
                (run.inertia - expected).abs() <= 1e-9 * expected,
                "dim {dim}"
            );
        }
    }

    #[test]
    fn transpose_and_distances_agree_with_rows() {
        let dim = 3;
        let n = CHUNK + 5;
        let data: Vec<f64> = (0..n * dim).map(|i| (i as f64 * 0.37).sin()).collect();
        let columns = Columns::transpose(&data, dim);
        assert_eq!(columns.rows(), n);
        let centre = [0.1, -0.2, 0.3];
        let mut out = vec![0.0; n];
        columns.squared_distances(0..n, &centre, &mut out);
        for (row, (values, distance)) in data.chunks_exact(dim).zip(&out).enumerate() {
            assert_eq!(columns.row(row), values);
            assert_eq!(*distance, squared_distance::<3>(dim, values, &centre));
        }
    }
}
