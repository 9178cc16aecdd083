//! Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
//! seeding", SODA, §5; scikit-learn's `_kmeans_plusplus`): the first centre is a uniform draw;
//! each next one is the best of `2 + ⌊ln k⌋` candidates drawn with probability proportional to
//! D(x)², the squared distance to the nearest centre so far, "best" meaning the lowest potential
//! Σ D(x)² after adding it. Sums are reduced per fixed chunk, in chunk order, so the draws do not
//! depend on the thread count.

use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::segment::engine::{chunk_sums, Columns, CHUNK};

/// Index `i` with cumulative weight first exceeding `target` (scikit-learn's `searchsorted` on the
/// cumulative sum); falls back to the last positive weight when rounding leaves `target` above the
/// total.
fn weighted_pick(weights: &[f64], sums: &[f64], target: f64) -> usize {
    let mut accumulated = 0.0;
    for (chunk_index, &chunk_sum) in sums.iter().enumerate() {
        if accumulated + chunk_sum > target {
            let start = chunk_index * CHUNK;
            let end = (start + CHUNK).min(weights.len());
            for (index, &weight) in weights[start..end].iter().enumerate() {
                accumulated += weight;
                if accumulated > target && weight > 0.0 {
                    return start + index;
                }
            }
        } else {
            accumulated += chunk_sum;
        }
    }
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

/// Partial sums kept side by side when adding a chunk's values, so the additions do not wait on
/// one another.
const LANES: usize = 8;

/// Sum of `values` over [`LANES`] running sums, then the lanes in order: deterministic.
fn lane_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut lanes = [0.0; LANES];
    for (index, value) in values.enumerate() {
        lanes[index % LANES] += value;
    }
    lanes.iter().sum()
}

/// Greedy k-means++ seeding on the transposed data; requires n ≥ 1 and k ≥ 1. Returns k × d
/// centres, row-major.
pub(crate) fn kmeans_plus_plus(
    columns: &Columns, k: usize, rng: &mut Xoshiro256PlusPlus,
) -> Vec<f64> {
    let n = columns.rows();
    let trials = 2 + (k as f64).ln().floor() as usize;
    let mut centers = columns.row(rng.gen_range(0..n));
    let mut closest = vec![0.0; n];
    closest
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(chunk, out)| {
            let start = chunk * CHUNK;
            columns.squared_distances(start..start + out.len(), &centers, out);
        });
    let mut sums = chunk_sums(&closest);
    for _ in 1..k {
        let total: f64 = sums.iter().sum();
        let candidates: Vec<Vec<f64>> = (0..trials)
            .map(|_| columns.row(weighted_pick(&closest, &sums, rng.gen::<f64>() * total)))
            .collect();
        // Potential after adding each candidate, per chunk, then summed in chunk order.
        let partials: Vec<Vec<f64>> = closest
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(chunk, weights)| {
                let start = chunk * CHUNK;
                let mut distances = vec![0.0; weights.len()];
                candidates
                    .iter()
                    .map(|candidate| {
                        columns.squared_distances(
                            start..start + weights.len(),
                            candidate,
                            &mut distances,
                        );
                        lane_sum(weights.iter().zip(&distances).map(|(w, d)| w.min(*d)))
                    })
                    .collect()
            })
            .collect();
        let mut best = (0, f64::INFINITY);
        for trial in 0..candidates.len() {
            let potential: f64 = partials.iter().map(|p| p[trial]).sum();
            // First candidate wins ties, as scikit-learn's argmin.
            if potential < best.1 {
                best = (trial, potential);
            }
        }
        let center = &candidates[best.0];
        closest
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(chunk, out)| {
                let start = chunk * CHUNK;
                let mut distances = vec![0.0; out.len()];
                columns.squared_distances(start..start + out.len(), center, &mut distances);
                for (slot, distance) in out.iter_mut().zip(distances) {
                    *slot = slot.min(distance);
                }
            });
        sums = chunk_sums(&closest);
        centers.extend_from_slice(center);
    }
    centers
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn seeding_picks_distinct_points_and_is_reproducible() {
        let data = [0.0, 0.0, 10.0, 10.0, 20.0, 20.0, 0.1, 0.0];
        let columns = Columns::transpose(&data, 2);
        let a = kmeans_plus_plus(&columns, 3, &mut Xoshiro256PlusPlus::seed_from_u64(3));
        let b = kmeans_plus_plus(&columns, 3, &mut Xoshiro256PlusPlus::seed_from_u64(3));
        assert_eq!(a, b);
        let mut firsts: Vec<i64> = a.chunks(2).map(|c| c[0] as i64).collect();
        firsts.sort();
        firsts.dedup();
        assert_eq!(firsts.len(), 3);
    }

    #[test]
    fn weighted_pick_respects_cumulative_weights() {
        let weights = vec![0.0, 1.0, 0.0, 3.0];
        let sums = chunk_sums(&weights);
        assert_eq!(weighted_pick(&weights, &sums, 0.5), 1);
        assert_eq!(weighted_pick(&weights, &sums, 1.5), 3);
        assert_eq!(weighted_pick(&weights, &sums, 10.0), 3);
    }
}
