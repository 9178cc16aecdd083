//! Hamerly's bounded assignment pass (Hamerly 2010, "Making k-means even faster", SDM,
//! Algorithm 2): each point keeps an upper bound u on the distance to its centre and a lower bound
//! l on the distance to any other centre; the point cannot change centre when
//! u ≤ max(l, s(a)/2), s(a) being the distance from its centre to the nearest other centre. After
//! the centres move by p_j, u += p_a and l −= max_{j≠a} p_j.

use rayon::prelude::*;

use super::{squared_distance, Partial, CHUNK};

/// Mutable per-point state of Hamerly's algorithm.
pub(super) struct Bounds {
    pub(super) labels: Vec<u32>,
    /// (upper, lower) per point, interleaved so one pass reads one stream.
    upper_lower: Vec<[f64; 2]>,
}

impl Bounds {
    /// Every point in cluster 0 with zero bounds (the first pass recomputes them).
    pub(super) fn new(n: usize) -> Self {
        Self {
            labels: vec![0; n],
            upper_lower: vec![[0.0; 2]; n],
        }
    }
}

/// Per-centre quantities of one pass: everything a point needs about its centre, in one place.
struct CentreBounds {
    /// s(a)/2.
    half_gap: f64,
    /// How far the upper bound rises: the centre's own move.
    upper_move: f64,
    /// How far the lower bound falls: the largest move of any other centre.
    lower_move: f64,
}

/// How the centres moved since the bounds were last valid.
pub(super) struct Moves {
    by_centre: Vec<f64>,
    largest: f64,
    largest_centre: usize,
    second_largest: f64,
}

impl Moves {
    /// No centre moved (before the first pass).
    pub(super) fn none(k: usize) -> Self {
        Self {
            by_centre: vec![0.0; k],
            largest: 0.0,
            largest_centre: 0,
            second_largest: 0.0,
        }
    }

    /// The moves `by_centre` with the two largest picked out.
    pub(super) fn from(by_centre: Vec<f64>) -> Self {
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

    /// The per-centre quantities of a pass from the half gaps s(j)/2.
    fn per_centre(&self, half_gap: &[f64]) -> Vec<CentreBounds> {
        (0..half_gap.len())
            .map(|j| CentreBounds {
                half_gap: half_gap[j],
                upper_move: self.by_centre[j],
                lower_move: if j == self.largest_centre {
                    self.second_largest
                } else {
                    self.largest
                },
            })
            .collect()
    }
}

/// One assignment pass with Hamerly's bounds, accumulating per-cluster sums. `full` recomputes
/// every point's bounds from scratch (the first pass).
pub(super) fn assign_pass<const D: usize>(
    data: &[f64], dim: usize, centers: &[f64], moves: &Moves, bounds: &mut Bounds, full: bool,
) -> Partial {
    // A constant dimension lets the compiler unroll the loops and drop bounds checks.
    let d = if D == 0 { dim } else { D };
    let k = centers.len() / d;
    let per_centre = moves.per_centre(&half_gaps::<D>(centers, d));
    let partials: Vec<Partial> = data
        .par_chunks(CHUNK * d)
        .zip(bounds.labels.par_chunks_mut(CHUNK))
        .zip(bounds.upper_lower.par_chunks_mut(CHUNK))
        .map(|((rows, labels), upper_lower)| {
            bounded_chunk::<D>(rows, d, centers, &per_centre, labels, upper_lower, full)
        })
        .collect();
    Partial::combine(partials, k, d)
}

/// Hamerly's pass over one chunk of rows.
#[inline]
fn bounded_chunk<const D: usize>(
    rows: &[f64], dim: usize, centers: &[f64], per_centre: &[CentreBounds], labels: &mut [u32],
    upper_lower: &mut [[f64; 2]], full: bool,
) -> Partial {
    let d = if D == 0 { dim } else { D };
    let mut partial = Partial::empty(centers.len() / d, d);
    for (index, row) in rows.chunks_exact(d).enumerate() {
        let previous = labels[index] as usize;
        let mut label = previous;
        let bounds = &mut upper_lower[index];
        if full || may_change::<D>(d, row, centers, label, &per_centre[label], bounds) {
            let (best, nearest, second) = nearest_two::<D>(d, row, centers);
            if full || best != label {
                partial.changed += 1;
            }
            label = best;
            labels[index] = label as u32;
            *bounds = [nearest.sqrt(), second.sqrt()];
        }
        // Running sums are kept by deltas: only a point that changes centre (or every point on
        // the first pass) touches them (Hamerly 2010, Algorithm 2).
        if full || label != previous {
            partial.move_point(d, label, (!full).then_some(previous), row.iter().copied());
        }
    }
    partial
}

/// Moves the point's bounds by its centre's quantities and, when the upper bound no longer rules a
/// change out, tightens it to the exact distance to centre `label`; true when the point may have
/// changed centre.
#[inline]
fn may_change<const D: usize>(
    dim: usize, row: &[f64], centers: &[f64], label: usize, quantities: &CentreBounds,
    bounds: &mut [f64; 2],
) -> bool {
    let d = if D == 0 { dim } else { D };
    bounds[0] += quantities.upper_move;
    bounds[1] -= quantities.lower_move;
    let bound = quantities.half_gap.max(bounds[1]);
    if bounds[0] > bound {
        bounds[0] = squared_distance::<D>(d, row, &centers[label * d..(label + 1) * d]).sqrt();
        bounds[0] > bound
    } else {
        false
    }
}

/// The nearest centre of `row` with its squared distance, and the squared distance to the second
/// nearest (strict comparison: the lowest centre index wins ties).
#[inline]
fn nearest_two<const D: usize>(dim: usize, row: &[f64], centers: &[f64]) -> (usize, f64, f64) {
    let d = if D == 0 { dim } else { D };
    let mut best = (0usize, f64::INFINITY);
    let mut second = f64::INFINITY;
    for (centre, center) in centers.chunks_exact(d).enumerate() {
        let distance = squared_distance::<D>(d, row, center);
        if distance < best.1 {
            second = best.1;
            best = (centre, distance);
        } else if distance < second {
            second = distance;
        }
    }
    (best.0, best.1, second)
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
