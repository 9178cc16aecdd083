//! The Lloyd driver: assignment passes (plain or Hamerly's) alternating with the update step until
//! the labels stop changing or the centres stop moving.

use rayon::prelude::*;

use super::columns::Columns;
use super::hamerly::{assign_pass, Bounds, Moves};
use super::plain::{plain_pass, PLAIN_MAX_DIM};
use super::{inertia_of, label_means, squared_distance, Partial, RunOutcome};

/// Lloyd's algorithm with Hamerly's bounds from `initial` centres. `tolerance` is absolute on the
/// total squared centre shift (already scaled by the caller).
pub(crate) fn lloyd_hamerly(
    data: &[f64], columns: &Columns, dim: usize, initial: &[f64], max_iterations: usize,
    tolerance: f64,
) -> RunOutcome {
    dispatch_dim!(
        dim,
        lloyd_impl(data, columns, dim, initial, max_iterations, tolerance)
    )
}

fn lloyd_impl<const D: usize>(
    data: &[f64], columns: &Columns, dim: usize, initial: &[f64], max_iterations: usize,
    tolerance: f64,
) -> RunOutcome {
    let n = data.len() / dim;
    let k = initial.len() / dim;
    let mut centers = initial.to_vec();
    let mut bounds = Bounds::new(n);
    let mut moves = Moves::none(k);
    // The running per-cluster sums and counts, kept by the passes' deltas.
    let mut totals = Partial::empty(k, dim);
    let mut iterations = 0;
    let mut strict = false;
    let mut converged = false;
    let plain = dim <= PLAIN_MAX_DIM;
    // One assignment pass from `centers`: the plain pass for few features, Hamerly's above.
    let pass = |centers: &[f64], moves: &Moves, bounds: &mut Bounds, first: bool| {
        if plain {
            plain_pass::<D>(columns, dim, centers, &mut bounds.labels, first)
        } else {
            assign_pass::<D>(data, dim, centers, moves, bounds, first)
        }
    };
    while iterations < max_iterations {
        let partial = pass(&centers, &moves, &mut bounds, iterations == 0);
        iterations += 1;
        totals.add(&partial);
        let (new_centers, relocated) = update_step::<D>(data, dim, &centers, &totals, &bounds);
        let total_shift;
        (total_shift, moves) = centre_moves::<D>(dim, &centers, &new_centers);
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

/// Lloyd's update step: the mean of each cluster from the running sums; an empty cluster takes
/// the points farthest from their centres (by the exact distance to the current centre; ties to
/// the lowest index), as scikit-learn does. Also says whether a centre was relocated so.
fn update_step<const D: usize>(
    data: &[f64], dim: usize, centers: &[f64], totals: &Partial, bounds: &Bounds,
) -> (Vec<f64>, bool) {
    let k = centers.len() / dim;
    let mut new_centers = totals.means(dim, centers);
    let empty: Vec<usize> = (0..k).filter(|&j| totals.counts[j] <= 0).collect();
    if empty.is_empty() {
        return (new_centers, false);
    }
    let far = farthest_points::<D>(data, dim, centers, &bounds.labels, empty.len());
    for (&cluster, &point) in empty.iter().zip(&far) {
        new_centers[cluster * dim..(cluster + 1) * dim]
            .copy_from_slice(&data[point * dim..(point + 1) * dim]);
    }
    (new_centers, true)
}

/// The total squared centre shift Σ_j ‖c_j' − c_j‖² and the moves ‖c_j' − c_j‖ for the bounds.
fn centre_moves<const D: usize>(dim: usize, centers: &[f64], new_centers: &[f64]) -> (f64, Moves) {
    let k = centers.len() / dim;
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
    (
        total_shift,
        Moves::from(shifts.iter().map(|s| s.sqrt()).collect()),
    )
}

/// Indices of the `count` points farthest from their assigned centre (ties: lowest index first).
fn farthest_points<const D: usize>(
    data: &[f64], dim: usize, centers: &[f64], labels: &[u32], count: usize,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::engine::nearest_centres;
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
}
