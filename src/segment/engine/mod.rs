//! Our k-means engine: Lloyd iterations accelerated by Hamerly's bounds, parallel with
//! deterministic reductions.
//!
//! * Seeding: greedy k-means++ (see `seeding.rs`), on the column layout (`columns.rs`).
//! * Iterations (`lloyd.rs`): Lloyd's assign/update steps. Up to four features the assignment is
//!   the plain pass (`plain.rs`); above, Hamerly's bounded pass (`hamerly.rs`) skips the distance
//!   computations its bounds rule out.
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

mod columns;
mod hamerly;
mod lloyd;
mod plain;

pub(crate) use columns::Columns;
pub(crate) use lloyd::lloyd_hamerly;

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

/// Per-cluster sums and counts (k × d sums, row-major) with the number of points that changed
/// centre: one chunk's changes in an assignment pass, or their running totals.
pub(crate) struct Partial {
    sums: Vec<f64>,
    counts: Vec<i64>,
    changed: u64,
}

impl Partial {
    /// Zero sums and counts for `k` clusters of `d` features.
    fn empty(k: usize, d: usize) -> Self {
        Self {
            sums: vec![0.0; k * d],
            counts: vec![0; k],
            changed: 0,
        }
    }

    /// Adds `other`'s sums, counts and changes, element by element.
    fn add(&mut self, other: &Partial) {
        for (slot, value) in self.sums.iter_mut().zip(&other.sums) {
            *slot += value;
        }
        for (slot, value) in self.counts.iter_mut().zip(&other.counts) {
            *slot += value;
        }
        self.changed += other.changed;
    }

    /// Adds the chunks' partials in chunk order, so the totals do not depend on the thread count.
    fn combine(partials: Vec<Partial>, k: usize, d: usize) -> Partial {
        let mut total = Partial::empty(k, d);
        for partial in &partials {
            total.add(partial);
        }
        total
    }

    /// Moves one point with coordinates `values` into cluster `to`, out of cluster `from` if it
    /// was counted there.
    #[inline]
    fn move_point<I>(&mut self, d: usize, to: usize, from: Option<usize>, values: I)
    where
        I: Iterator<Item = f64> + Clone,
    {
        self.counts[to] += 1;
        for (slot, value) in self.sums[to * d..(to + 1) * d]
            .iter_mut()
            .zip(values.clone())
        {
            *slot += value;
        }
        if let Some(from) = from {
            self.counts[from] -= 1;
            for (slot, value) in self.sums[from * d..(from + 1) * d].iter_mut().zip(values) {
                *slot -= value;
            }
        }
    }

    /// The mean of each cluster; a cluster with no point keeps `fallback`'s centre.
    fn means(&self, d: usize, fallback: &[f64]) -> Vec<f64> {
        let mut means = fallback.to_vec();
        for (j, &count) in self.counts.iter().enumerate() {
            if count > 0 {
                for (slot, sum) in means[j * d..(j + 1) * d]
                    .iter_mut()
                    .zip(&self.sums[j * d..(j + 1) * d])
                {
                    *slot = sum / count as f64;
                }
            }
        }
        means
    }
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
    data: &[f64], dim: usize, labels: &[usize], fallback: &[f64],
) -> Vec<f64> {
    let k = fallback.len() / dim;
    let partials: Vec<Partial> = data
        .par_chunks(CHUNK * dim)
        .zip(labels.par_chunks(CHUNK))
        .map(|(rows, labels)| {
            let mut partial = Partial::empty(k, dim);
            for (row, &label) in rows.chunks_exact(dim).zip(labels) {
                partial.move_point(dim, label, None, row.iter().copied());
            }
            partial
        })
        .collect();
    Partial::combine(partials, k, dim).means(dim, fallback)
}
