//! Segment profiles: per-segment statistics of every feature in original units (size, shares,
//! mean, median, the medians' percentile ranks among all customers) and the descriptive label
//! read from them.

use ndarray::{Array2, ArrayView1};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::numeric::money::to_f64;
use crate::numeric::quantile::median;
use crate::segment::engine::CHUNK;
use crate::segment::labels::segment_labels;
use crate::segment::scale::{largest_magnitude, PowerOfTwo};
use crate::segment::transform::Feature;

/// One segment's profile.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentProfile {
    /// The segment's index (its label in
    /// [`Segmentation::labels`](crate::segment::Segmentation::labels)).
    pub segment: usize,
    /// A descriptive label from the profile, e.g. `"recent · frequent · high spend"`: per feature,
    /// the segment's median is placed among all customers' values (mid-rank percentile); the lower
    /// third reads low ("recent", "infrequent" or "one-off", "low spend", "small orders", "new"),
    /// the upper third high ("lapsed", "frequent", "high spend", "large orders", "long-standing"),
    /// between them "mid" ("mid recency", "occasional", "mid spend", "mid orders", "established").
    /// Segments that would share a label are told apart by the feature on which their medians'
    /// percentiles spread most, whose word is *replaced* by a comparative within the group:
    /// "higher spend" and "lower spend" for two, "highest", "middle" and "lowest" for three,
    /// "spend rank i of m" in between for more (recency reads "more recent", "most recent",
    /// "least recent"…), so "recent · frequent · high spend" twice becomes "recent · frequent ·
    /// higher spend" and "recent · frequent · lower spend" and no label names a feature twice.
    /// The comparative is relative to the group: "least recent" may still be in the recent third.
    /// "#segment" is appended if even the spread ties or a label still repeats, so every non-empty
    /// segment's label is unique.
    pub label: String,
    /// Customers in the segment.
    pub size: usize,
    /// Share of all customers.
    pub customer_share: f64,
    /// Total net spend of the segment (summaries only).
    pub revenue: Option<Decimal>,
    /// Share of the total net spend (summaries only; `None` when the total is not positive).
    pub revenue_share: Option<f64>,
    /// The centroid in the clustering (transformed) space.
    pub centroid: Vec<f64>,
    /// Mean of each feature in original units (empty for an empty segment).
    pub mean: Vec<f64>,
    /// Median of each feature in original units (mean of the two middle values for even sizes;
    /// empty for an empty segment).
    pub median: Vec<f64>,
}

/// What the profiles are computed from.
pub(super) struct ProfileData<'a> {
    /// Feature values in original units, customers × features.
    pub raw: &'a Array2<f64>,
    /// Segment of each customer.
    pub labels: &'a [usize],
    /// Centroids in the clustering space, k × features.
    pub centroids: &'a Array2<f64>,
    /// The summary features (empty for a matrix fit).
    pub features: &'a [Feature],
    /// Names of the feature columns.
    pub names: &'a [String],
    /// Total net spend per customer (summaries only).
    pub spend: Option<&'a [Decimal]>,
}

/// One profile per segment, in segment order.
pub(super) fn segment_profiles(data: ProfileData<'_>) -> Vec<SegmentProfile> {
    let k = data.centroids.nrows();
    let n = data.raw.nrows();
    let mut sizes = vec![0usize; k];
    for &label in data.labels {
        sizes[label] += 1;
    }
    let statistics = SegmentStatistics::of(data.raw, data.labels, &sizes);
    let labels = segment_labels(
        &sizes,
        &statistics.ranks,
        &statistics.medians,
        data.features,
        data.names,
    );
    let revenue: Option<Vec<Decimal>> = data.spend.map(|spend| {
        let mut totals = vec![Decimal::ZERO; k];
        for (&amount, &label) in spend.iter().zip(data.labels) {
            totals[label] += amount;
        }
        totals
    });
    let total_revenue: Option<Decimal> = revenue.as_ref().map(|r| r.iter().sum());
    (0..k)
        .zip(labels)
        .map(|(segment, label)| {
            let segment_revenue = revenue.as_ref().map(|r| r[segment]);
            let revenue_share = match (segment_revenue, total_revenue) {
                (Some(part), Some(total)) if total > Decimal::ZERO => {
                    part.checked_div(total).map(to_f64)
                }
                _ => None,
            };
            // An empty segment (possible only when k-means relocated a centre on its last pass)
            // has no values: empty vectors rather than NaN.
            let values = |per_segment: &[Vec<f64>]| {
                if sizes[segment] == 0 {
                    Vec::new()
                } else {
                    per_segment[segment].clone()
                }
            };
            SegmentProfile {
                segment,
                label,
                size: sizes[segment],
                customer_share: sizes[segment] as f64 / n as f64,
                revenue: segment_revenue,
                revenue_share,
                centroid: data.centroids.row(segment).to_vec(),
                mean: values(&statistics.means),
                median: values(&statistics.medians),
            }
        })
        .collect()
}

/// Per-segment values of each feature in original units (k × features each; 0 for an empty
/// segment): means, medians, and the medians' mid-rank percentiles among all customers, which
/// choose the label words.
struct SegmentStatistics {
    means: Vec<Vec<f64>>,
    medians: Vec<Vec<f64>>,
    ranks: Vec<Vec<f64>>,
}

impl SegmentStatistics {
    /// The statistics of `raw` split by `labels`; columns, then segments, run in parallel.
    fn of(raw: &Array2<f64>, labels: &[usize], sizes: &[usize]) -> Self {
        let (n, dim, k) = (raw.nrows(), raw.ncols(), sizes.len());
        let per_column: Vec<ColumnProfile> = (0..dim)
            .into_par_iter()
            .map(|column| column_profile(raw.column(column), labels, sizes, n))
            .collect();
        let mut statistics = Self {
            means: vec![vec![0.0; dim]; k],
            medians: vec![vec![0.0; dim]; k],
            ranks: vec![vec![0.0; dim]; k],
        };
        for (column, profile) in per_column.iter().enumerate() {
            for segment in (0..k).filter(|&s| sizes[s] > 0) {
                statistics.means[segment][column] = profile.means[segment];
                statistics.medians[segment][column] = profile.medians[segment];
                statistics.ranks[segment][column] = profile.ranks[segment];
            }
        }
        statistics
    }
}

/// One feature's per-segment mean, median and the median's mid-rank percentile among all
/// customers (0 for an empty segment).
struct ColumnProfile {
    means: Vec<f64>,
    medians: Vec<f64>,
    ranks: Vec<f64>,
}

/// The values are rescaled by a power of two into [−1, 1] first (exactly), so the sums behind
/// the means and the midpoints behind the medians of values near ±f64::MAX do not overflow; each
/// mean and median lies between the segment's smallest and largest value, so it scales back
/// finite.
fn column_profile(
    values: ArrayView1<f64>, labels: &[usize], sizes: &[usize], n: usize,
) -> ColumnProfile {
    let to_unit = PowerOfTwo::normalising(largest_magnitude(values.iter().copied()));
    let back = to_unit.inverse();
    let mut by_segment: Vec<Vec<f64>> = sizes.iter().map(|&s| Vec::with_capacity(s)).collect();
    for (&value, &label) in values.iter().zip(labels) {
        by_segment[label].push(to_unit.apply(value));
    }
    let means: Vec<f64> = by_segment
        .iter()
        .map(|v| {
            if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        })
        .collect();
    // Medians reorder each segment's values; the ranks below do not depend on the order.
    let medians: Vec<f64> = by_segment
        .par_iter_mut()
        .map(|v| median(v).unwrap_or(0.0))
        .collect();
    // Ranks compare rescaled values with rescaled medians: the order is the original one.
    let ranks = mid_ranks(&by_segment, &medians, n);
    ColumnProfile {
        means: means.into_iter().map(|m| back.apply(m)).collect(),
        medians: medians.into_iter().map(|m| back.apply(m)).collect(),
        ranks,
    }
}

/// Mid-rank percentile of each of `values` among all values (given split by segment, any order):
/// (#below + ½ #equal) / n. One pass over the values serves every query.
fn mid_ranks(groups: &[Vec<f64>], values: &[f64], n: usize) -> Vec<f64> {
    let counts = groups
        .par_iter()
        .flat_map(|group| group.par_chunks(CHUNK))
        .map(|chunk| {
            let mut counts = vec![(0usize, 0usize); values.len()];
            for &v in chunk {
                for ((below, equal), &value) in counts.iter_mut().zip(values) {
                    *below += usize::from(v < value);
                    *equal += usize::from(v == value);
                }
            }
            counts
        })
        .reduce(
            || vec![(0, 0); values.len()],
            |mut a, b| {
                for (slot, (below, equal)) in a.iter_mut().zip(b) {
                    slot.0 += below;
                    slot.1 += equal;
                }
                a
            },
        );
    counts
        .iter()
        .map(|&(below, equal)| (below as f64 + 0.5 * equal as f64) / n as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_follow_numpy() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [7.0]), Some(7.0));
    }

    #[test]
    fn mid_rank_counts_ties_half() {
        let groups = vec![vec![2.0, 1.0], vec![3.0, 2.0]];
        assert_eq!(mid_ranks(&groups, &[2.0, 5.0], 4), [(1.0 + 1.0) / 4.0, 1.0]);
    }
}
