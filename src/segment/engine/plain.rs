//! The plain Lloyd assignment pass for few features: every point to its nearest centre, eight
//! points at a time through branch-free selects, reading the column layout.

use rayon::prelude::*;

use super::columns::Columns;
use super::{Partial, CHUNK};

/// Dimensions up to which a plain Lloyd pass beats Hamerly's bounds. With so few coordinates all k
/// distances cost about what the bounds' upkeep (two bounds per point, a square root, a branch
/// per point) does, and the plain pass streams memory once; measured on 1M × 3 customer features,
/// the plain pass takes about half the time.
pub(super) const PLAIN_MAX_DIM: usize = 4;

/// Points handled together by the plain pass: enough independent lanes for the compiler to keep
/// the vector units busy on any x86-64 or AArch64 baseline.
const LANES: usize = 8;

/// The coordinates of one block of [`LANES`] points, feature by feature.
type Block = [[f64; LANES]; PLAIN_MAX_DIM];

/// One plain Lloyd assignment pass: every point to its nearest centre (strict comparison, lowest
/// index on ties), returning the changes of the per-cluster sums and counts (every point on the
/// first pass, then only the points that changed centre, as Hamerly's pass does); chunk sums are
/// combined in chunk order, so the result does not depend on the thread count.
///
/// Points go [`LANES`] at a time through branch-free selects, so a mispredicted branch does not
/// stall the distance loop; after the first passes few points change centre, and the sums cost
/// almost nothing.
pub(super) fn plain_pass<const D: usize>(
    columns: &Columns, dim: usize, centers: &[f64], labels: &mut [u32], first: bool,
) -> Partial {
    let d = if D == 0 { dim } else { D };
    let k = centers.len() / d;
    let partials: Vec<Partial> = labels
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(chunk, labels)| plain_chunk::<D>(columns, d, centers, chunk * CHUNK, labels, first))
        .collect();
    Partial::combine(partials, k, d)
}

/// The plain pass over one chunk of rows starting at row `start`.
#[inline]
fn plain_chunk<const D: usize>(
    columns: &Columns, dim: usize, centers: &[f64], start: usize, labels: &mut [u32], first: bool,
) -> Partial {
    let d = if D == 0 { dim } else { D };
    let k = centers.len() / d;
    let column_slices: Vec<&[f64]> = (0..d)
        .map(|column| columns.column(column, start..start + labels.len()))
        .collect();
    let mut partial = Partial::empty(k, d);
    // Reused across blocks: a tail block's unused lanes keep stale values that no lane loop below
    // reads.
    let mut point: Block = [[0.0; LANES]; PLAIN_MAX_DIM];
    for (block, block_labels) in labels.chunks_mut(LANES).enumerate() {
        load_block(
            &mut point,
            &column_slices,
            block * LANES,
            block_labels.len(),
        );
        let best = nearest_in_block::<D>(&point, d, centers);
        record_block(&mut partial, d, &point, &best, block_labels, first);
    }
    partial
}

/// Copies `valid` rows from `offset` of each column into the block.
#[inline]
fn load_block(point: &mut Block, column_slices: &[&[f64]], offset: usize, valid: usize) {
    for (coordinates, column) in point.iter_mut().zip(column_slices) {
        // A full block copies a constant length, which compiles to plain loads.
        if valid == LANES {
            coordinates.copy_from_slice(&column[offset..offset + LANES]);
        } else {
            coordinates[..valid].copy_from_slice(&column[offset..offset + valid]);
        }
    }
}

/// The nearest centre of each lane of the block (strict comparison: lowest index on ties).
#[inline]
fn nearest_in_block<const D: usize>(point: &Block, dim: usize, centers: &[f64]) -> [usize; LANES] {
    let d = if D == 0 { dim } else { D };
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
    best
}

/// Moves the block's points that changed centre (every point on the first pass) in the running
/// sums, and stores their new labels.
#[inline]
fn record_block(
    partial: &mut Partial, dim: usize, point: &Block, best: &[usize; LANES],
    block_labels: &mut [u32], first: bool,
) {
    for (lane, label) in block_labels.iter_mut().enumerate() {
        // k ≤ the number of points, which fits u32 (checked when the labels were sized).
        let cluster = best[lane];
        let best_label = cluster as u32;
        if first || *label != best_label {
            partial.changed += 1;
            let previous = (!first).then_some(*label as usize);
            partial.move_point(dim, cluster, previous, point.iter().map(|c| c[lane]));
            *label = best_label;
        }
    }
}
