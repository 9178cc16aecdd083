//! The fitted segmentation: labels, segment profiles, descriptive labels, metrics on demand and
//! assignment of new customers.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::rfm::RfmRecord;
use crate::segment::engine::{nearest_centres, CHUNK};
use crate::segment::metrics::{self, QualityMetrics};
use crate::segment::segmenter::{Clustering, KMeansEngine, KScore};
use crate::segment::transform::{Feature, FittedTransform};
use crate::segment::SegmentError;
use crate::summary::CustomerSummary;

/// One segment's profile.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentProfile {
    /// The segment's index (its label in [`Segmentation::labels`]).
    pub segment: usize,
    /// A descriptive label from the profile, e.g. `"recent · frequent · high spend"`: per feature,
    /// the segment's median is placed among all customers' values (mid-rank percentile); the lower
    /// third reads low ("recent", "infrequent" or "one-off", "low spend", "small orders", "new"),
    /// the upper third high ("lapsed", "frequent", "high spend", "large orders", "long-standing"),
    /// between them "mid" ("mid recency", "occasional", "mid spend", "mid orders", "established").
    /// Segments that would share a label are told apart by the feature on which their medians'
    /// percentiles spread most: "higher spend" and "lower spend" for two, "highest", "middle" and
    /// "lowest" for three, "spend rank i of m" in between for more (recency reads "more recent",
    /// "most recent", "least recent"…; "#segment" if even the spread ties), so every non-empty
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

/// Mean RFM scores of one segment's customers.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmScoreMeans {
    /// Mean recency score.
    pub recency: f64,
    /// Mean frequency score.
    pub frequency: f64,
    /// Mean monetary score.
    pub monetary: f64,
    /// Customers of the segment that had an RFM record.
    pub scored: usize,
}

/// A fitted k-means segmentation (see [`KMeansSegmenter`](crate::segment::KMeansSegmenter)).
///
/// Customers are in id order (row order for matrices); `labels[i]` is the segment of
/// `customers[i]`. Inertia and the quality metrics are in the clustering space.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Segmentation<C> {
    /// Customer ids, sorted (row indices for [`fit_matrix`](crate::segment::KMeansSegmenter::fit_matrix)).
    pub customers: Vec<C>,
    /// Segment of each customer, in `0..k`.
    pub labels: Vec<usize>,
    /// Number of segments.
    pub k: usize,
    /// Names of the feature columns.
    pub feature_names: Vec<String>,
    /// The summary features (empty for a matrix fit).
    pub features: Vec<Feature>,
    /// The fitted transform (apply it to new rows to reach the clustering space).
    pub transform: FittedTransform,
    /// Centroids in the clustering space (k × features): the means of the final labels.
    pub centroids: Array2<f64>,
    /// The k-means++ centres the kept run started from.
    pub initial_centroids: Array2<f64>,
    /// One profile per segment.
    pub segments: Vec<SegmentProfile>,
    /// Σ ‖x − c_label‖² in the clustering space, with c the means of the final labels
    /// (scikit-learn's `inertia_`).
    pub inertia: f64,
    /// Lloyd iterations of the kept run.
    pub iterations: usize,
    /// Whether the kept run met the tolerance (or stopped changing labels) before the iteration cap.
    pub converged: bool,
    /// Which initialisation was kept (0-based).
    pub best_init: usize,
    /// Initialisations run.
    pub n_init: usize,
    /// The engine that ran the iterations.
    pub engine: KMeansEngine,
    /// Metrics of every k tried when k was chosen over a range (empty for a fixed k).
    pub k_scores: Vec<KScore>,
    #[cfg_attr(feature = "serde", serde(skip))]
    points: Array2<f64>,
}

/// Everything a fit produced, handed to [`build_segmentation`].
pub(crate) struct FitInputs<C> {
    pub customers: Vec<C>,
    /// The original values when they differ from `points` (`None` without a transform).
    pub raw: Option<Array2<f64>>,
    pub points: Array2<f64>,
    pub names: Vec<String>,
    pub features: Vec<Feature>,
    pub transform: FittedTransform,
    pub spend: Option<Vec<Decimal>>,
    pub clustering: Clustering,
    pub engine: KMeansEngine,
    pub n_init: usize,
}

pub(crate) fn build_segmentation<C>(inputs: FitInputs<C>) -> Segmentation<C> {
    let FitInputs {
        customers,
        raw,
        points,
        names,
        features,
        transform,
        spend,
        clustering,
        engine,
        n_init,
    } = inputs;
    let k = clustering.k;
    let raw = raw.as_ref().unwrap_or(&points);
    let dim = raw.ncols();
    let n = raw.nrows();
    let labels = clustering.outcome.labels;
    let mut sizes = vec![0usize; k];
    for &label in &labels {
        sizes[label] += 1;
    }
    // Per-segment values of each feature in original units: means, medians, and the medians'
    // percentile ranks that choose the label words. Columns, then segments, run in parallel.
    let per_column: Vec<ColumnProfile> = (0..dim)
        .into_par_iter()
        .map(|column| column_profile(raw.column(column), &labels, &sizes, n))
        .collect();
    let mut means = vec![vec![0.0; dim]; k];
    let mut medians = vec![vec![0.0; dim]; k];
    let mut ranks = vec![vec![0.0; dim]; k];
    let mut words: Vec<Vec<String>> = vec![Vec::new(); k];
    for (column, profile) in per_column.iter().enumerate() {
        for segment in (0..k).filter(|&s| sizes[s] > 0) {
            means[segment][column] = profile.means[segment];
            medians[segment][column] = profile.medians[segment];
            ranks[segment][column] = profile.ranks[segment];
            words[segment].push(describe(
                features.get(column).copied(),
                &names[column],
                profile.ranks[segment],
                profile.medians[segment],
            ));
        }
    }
    let mut label_texts: Vec<String> = (0..k)
        .map(|segment| {
            if sizes[segment] == 0 {
                "empty".to_string()
            } else {
                words[segment].join(" · ")
            }
        })
        .collect();
    let nouns: Vec<String> = (0..dim)
        .map(|column| noun(features.get(column).copied(), &names[column]))
        .collect();
    let recency: Vec<bool> = (0..dim)
        .map(|column| features.get(column) == Some(&Feature::RecencyDays))
        .collect();
    distinguish(&mut label_texts, &sizes, &ranks, &nouns, &recency);
    let revenue: Option<Vec<Decimal>> = spend.as_ref().map(|spend| {
        let mut totals = vec![Decimal::ZERO; k];
        for (&amount, &label) in spend.iter().zip(&labels) {
            totals[label] += amount;
        }
        totals
    });
    let total_revenue: Option<Decimal> = revenue.as_ref().map(|r| r.iter().sum());
    let centroids = Array2::from_shape_vec((k, dim), clustering.outcome.centroids)
        .unwrap_or_else(|_| Array2::zeros((k, dim)));
    let initial_centroids = Array2::from_shape_vec((k, dim), clustering.outcome.initial_centroids)
        .unwrap_or_else(|_| Array2::zeros((k, dim)));
    let segments = (0..k)
        .map(|segment| {
            let segment_revenue = revenue.as_ref().map(|r| r[segment]);
            let revenue_share = match (segment_revenue, total_revenue) {
                (Some(part), Some(total)) if total > Decimal::ZERO => (part / total).to_f64(),
                _ => None,
            };
            SegmentProfile {
                segment,
                label: label_texts[segment].clone(),
                size: sizes[segment],
                customer_share: sizes[segment] as f64 / n as f64,
                revenue: segment_revenue,
                revenue_share,
                centroid: centroids.row(segment).to_vec(),
                // An empty segment (possible only when k-means relocated a centre on its last
                // pass) has no values: empty vectors rather than NaN.
                mean: if sizes[segment] == 0 {
                    Vec::new()
                } else {
                    means[segment].clone()
                },
                median: if sizes[segment] == 0 {
                    Vec::new()
                } else {
                    medians[segment].clone()
                },
            }
        })
        .collect();
    Segmentation {
        customers,
        labels,
        k,
        feature_names: names,
        features,
        transform,
        centroids,
        initial_centroids,
        segments,
        inertia: clustering.outcome.inertia,
        iterations: clustering.outcome.iterations,
        converged: clustering.outcome.converged,
        best_init: clustering.best_init,
        n_init,
        engine,
        k_scores: clustering.k_scores,
        points,
    }
}

/// One feature's per-segment mean, median and the median's mid-rank percentile among all
/// customers (0 for an empty segment).
struct ColumnProfile {
    means: Vec<f64>,
    medians: Vec<f64>,
    ranks: Vec<f64>,
}

fn column_profile(
    values: ndarray::ArrayView1<f64>,
    labels: &[usize],
    sizes: &[usize],
    n: usize,
) -> ColumnProfile {
    let mut by_segment: Vec<Vec<f64>> = sizes.iter().map(|&s| Vec::with_capacity(s)).collect();
    for (&value, &label) in values.iter().zip(labels) {
        by_segment[label].push(value);
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
        .map(|v| {
            if v.is_empty() {
                0.0
            } else {
                median_in_place(v)
            }
        })
        .collect();
    let ranks = mid_ranks(&by_segment, &medians, n);
    ColumnProfile {
        means,
        medians,
        ranks,
    }
}

/// Median by selection (numpy's rule: mean of the two middle values for an even count).
fn median_in_place(values: &mut [f64]) -> f64 {
    let n = values.len();
    let middle = n / 2;
    let (below, upper, _) = values.select_nth_unstable_by(middle, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        upper
    } else {
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower + upper)
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

/// The qualifier of the segment at `position` (0 = highest percentile) among `m` that share a
/// label. Recency days read the other way round: the most days is the least recent.
fn qualifier(noun: &str, recency: bool, m: usize, position: usize) -> String {
    let last = position + 1 == m;
    match (recency, m, position) {
        (true, 2, 0) => "less recent".to_string(),
        (true, 2, _) => "more recent".to_string(),
        (true, _, 0) => "least recent".to_string(),
        (true, _, _) if last => "most recent".to_string(),
        (true, 3, _) => "middle recency".to_string(),
        (false, 2, 0) => format!("higher {noun}"),
        (false, 2, _) => format!("lower {noun}"),
        (false, _, 0) => format!("highest {noun}"),
        (false, _, _) if last => format!("lowest {noun}"),
        (false, 3, _) => format!("middle {noun}"),
        (_, _, p) => format!("{noun} rank {} of {m}", p + 1),
    }
}

/// The feature's name in a qualifier ("higher spend").
fn noun(feature: Option<Feature>, name: &str) -> String {
    match feature {
        Some(Feature::RecencyDays) => "recency days",
        Some(Feature::PurchaseOccasions) => "frequency",
        Some(Feature::Monetary) => "spend",
        Some(Feature::AverageOrderValue) => "order value",
        Some(Feature::TenureDays) => "tenure",
        None => name,
    }
    .to_string()
}

/// Makes the labels of non-empty segments unique: each group sharing a label gets a qualifier from
/// the feature whose percentile ranks spread most within the group (the first such feature on
/// ties), ordered from the highest rank down (lowest segment index first on equal ranks); a group
/// still tied after that gets `#segment`.
fn distinguish(
    labels: &mut [String],
    sizes: &[usize],
    ranks: &[Vec<f64>],
    nouns: &[String],
    recency: &[bool],
) {
    let k = labels.len();
    let mut done = vec![false; k];
    for first in 0..k {
        if done[first] || sizes[first] == 0 {
            continue;
        }
        let group: Vec<usize> = (first..k)
            .filter(|&s| sizes[s] > 0 && labels[s] == labels[first])
            .collect();
        for &s in &group {
            done[s] = true;
        }
        if group.len() < 2 {
            continue;
        }
        let spread = |column: usize| {
            let (low, high) = group
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &s| {
                    (l.min(ranks[s][column]), h.max(ranks[s][column]))
                });
            high - low
        };
        let mut column = 0;
        for candidate in 1..nouns.len() {
            if spread(candidate) > spread(column) {
                column = candidate;
            }
        }
        let mut ordered = group.clone();
        ordered.sort_by(|&a, &b| {
            ranks[b][column]
                .total_cmp(&ranks[a][column])
                .then(a.cmp(&b))
        });
        let m = ordered.len();
        let noun = &nouns[column];
        let tied = spread(column) == 0.0;
        for (position, &segment) in ordered.iter().enumerate() {
            let qualifier = if tied {
                format!("#{segment}")
            } else {
                qualifier(noun, recency[column], m, position)
            };
            labels[segment] = format!("{} · {qualifier}", labels[segment]);
        }
    }
}

fn describe(feature: Option<Feature>, name: &str, rank: f64, median: f64) -> String {
    let level = if rank <= 1.0 / 3.0 {
        0
    } else if rank >= 2.0 / 3.0 {
        2
    } else {
        1
    };
    let word = match (feature, level) {
        (Some(Feature::RecencyDays), 0) => "recent",
        (Some(Feature::RecencyDays), 1) => "mid recency",
        (Some(Feature::RecencyDays), _) => "lapsed",
        (Some(Feature::PurchaseOccasions), 0) if median <= 1.0 => "one-off",
        (Some(Feature::PurchaseOccasions), 0) => "infrequent",
        (Some(Feature::PurchaseOccasions), 1) => "occasional",
        (Some(Feature::PurchaseOccasions), _) => "frequent",
        (Some(Feature::Monetary), 0) => "low spend",
        (Some(Feature::Monetary), 1) => "mid spend",
        (Some(Feature::Monetary), _) => "high spend",
        (Some(Feature::AverageOrderValue), 0) => "small orders",
        (Some(Feature::AverageOrderValue), 1) => "mid orders",
        (Some(Feature::AverageOrderValue), _) => "large orders",
        (Some(Feature::TenureDays), 0) => "new",
        (Some(Feature::TenureDays), 1) => "established",
        (Some(Feature::TenureDays), _) => "long-standing",
        (None, 0) => return format!("low {name}"),
        (None, 1) => return format!("mid {name}"),
        (None, _) => return format!("high {name}"),
    };
    word.to_string()
}

impl<C> Segmentation<C> {
    /// Customers per segment.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0]].view())?;
    /// let mut sizes = s.sizes();
    /// sizes.sort();
    /// assert_eq!(sizes, [1, 2]);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn sizes(&self) -> Vec<usize> {
        self.segments.iter().map(|s| s.size).collect()
    }

    /// The points in the clustering space (rows in customer order).
    pub fn points(&self) -> ArrayView2<'_, f64> {
        self.points.view()
    }

    /// Silhouette, Davies–Bouldin, Calinski–Harabasz and inertia of the labels, in the clustering
    /// space. The silhouette is exact up to 10,000 customers and on a sample of 10,000 drawn with
    /// `seed` above (the result says so).
    ///
    /// # Errors
    ///
    /// [`SegmentError::MetricUndefined`] unless 2 ≤ non-empty segments ≤ customers − 1 (in the
    /// silhouette sample too); [`SegmentError::EmptyInput`] on a deserialised segmentation (its
    /// points are not serialised).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [2.0], [10.0], [12.0]].view())?;
    /// let q = s.quality(0)?;
    /// assert!((q.davies_bouldin - 0.2).abs() < 1e-12);
    /// assert_eq!(q.inertia, s.inertia);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn quality(&self, seed: u64) -> Result<QualityMetrics, SegmentError> {
        metrics::quality(self.points.view(), &self.labels, seed)
    }

    /// Segments of new rows given in original units (same columns as the fit): the stored
    /// transform is applied, then each row goes to its nearest centroid (lowest index on ties).
    ///
    /// # Errors
    ///
    /// Those of [`FittedTransform::apply`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0], [11.0]].view())?;
    /// let new = s.assign_matrix(array![[0.4], [12.0]].view())?;
    /// assert_eq!(new, vec![s.labels[0], s.labels[3]]);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn assign_matrix(&self, raw: ArrayView2<f64>) -> Result<Vec<usize>, SegmentError> {
        let points = self.transform.apply(raw)?;
        let dim = points.ncols();
        let data: Vec<f64> = points.iter().copied().collect();
        let centers: Vec<f64> = self.centroids.iter().copied().collect();
        Ok(nearest_centres(&data, dim, &centers))
    }

    /// Segments of new customers, in the order given, from the fit's features and transform.
    ///
    /// # Errors
    ///
    /// [`SegmentError::NoSummaryFeatures`] when the segmentation was fitted on a matrix, and those
    /// of [`assign_matrix`](Self::assign_matrix).
    ///
    /// # Examples
    ///
    /// See the [module documentation](crate::segment), where `assign` on the fitted summaries gives
    /// back their labels.
    pub fn assign<D>(&self, summaries: &[CustomerSummary<D>]) -> Result<Vec<usize>, SegmentError> {
        if self.features.is_empty() {
            return Err(SegmentError::NoSummaryFeatures);
        }
        let raw = Array2::from_shape_fn((summaries.len(), self.features.len()), |(row, column)| {
            self.features[column].value(&summaries[row])
        });
        self.assign_matrix(raw.view())
    }
}

impl<C: Ord> Segmentation<C> {
    /// The segment of one customer, `None` if the id is not in the segmentation.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use ndarray::array;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0]].view())?;
    /// assert_eq!(s.segment_of(&2), Some(s.labels[2]));
    /// assert_eq!(s.segment_of(&7), None);
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn segment_of(&self, customer: &C) -> Option<usize> {
        self.customers
            .binary_search(customer)
            .ok()
            .map(|i| self.labels[i])
    }

    /// Mean RFM scores per segment from the caller's RFM records (`None` for a segment with no
    /// scored customer). Customers without a record are left out of their segment's means.
    ///
    /// # Errors
    ///
    /// [`SegmentError::UnknownCustomer`] when a record's customer is not in the segmentation,
    /// [`SegmentError::DuplicateCustomer`] when two records share a customer.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::KMeansSegmenter;
    /// use customer_value::{RfmRecord, RfmScore, RfmSegment};
    /// use ndarray::array;
    /// use rust_decimal::Decimal;
    /// let s = KMeansSegmenter::new(2).fit_matrix(array![[0.0], [1.0], [10.0]].view())?;
    /// let record = |customer, r| RfmRecord {
    ///     customer, recency_days: 0, frequency: 1, monetary: Decimal::ONE,
    ///     score: RfmScore { recency: r, frequency: 2, monetary: 3 }, segment: RfmSegment::Promising,
    /// };
    /// let means = s.rfm_profile(&[record(0usize, 5), record(1, 4)])?;
    /// let first = means[s.labels[0]].unwrap();
    /// assert_eq!((first.recency, first.frequency, first.scored), (4.5, 2.0, 2));
    /// assert!(means[s.labels[2]].is_none());
    /// # Ok::<(), customer_value::segment::SegmentError>(())
    /// ```
    pub fn rfm_profile(
        &self,
        records: &[RfmRecord<C>],
    ) -> Result<Vec<Option<RfmScoreMeans>>, SegmentError> {
        let mut sums = vec![[0u64; 3]; self.k];
        let mut counts = vec![0usize; self.k];
        let mut seen = vec![false; self.customers.len()];
        for (position, record) in records.iter().enumerate() {
            let index = self
                .customers
                .binary_search(&record.customer)
                .map_err(|_| SegmentError::UnknownCustomer { position })?;
            if seen[index] {
                return Err(SegmentError::DuplicateCustomer { position });
            }
            seen[index] = true;
            let label = self.labels[index];
            sums[label][0] += u64::from(record.score.recency);
            sums[label][1] += u64::from(record.score.frequency);
            sums[label][2] += u64::from(record.score.monetary);
            counts[label] += 1;
        }
        Ok(sums
            .iter()
            .zip(&counts)
            .map(|(sum, &count)| {
                (count > 0).then(|| RfmScoreMeans {
                    recency: sum[0] as f64 / count as f64,
                    frequency: sum[1] as f64 / count as f64,
                    monetary: sum[2] as f64 / count as f64,
                    scored: count,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_follow_numpy() {
        assert_eq!(median_in_place(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median_in_place(&mut [7.0]), 7.0);
    }

    #[test]
    fn mid_rank_counts_ties_half() {
        let groups = vec![vec![2.0, 1.0], vec![3.0, 2.0]];
        assert_eq!(mid_ranks(&groups, &[2.0, 5.0], 4), [(1.0 + 1.0) / 4.0, 1.0]);
    }

    #[test]
    fn repeated_labels_get_a_qualifier() {
        let nouns = vec!["recency days".to_string(), "spend".to_string()];
        let mut labels: Vec<String> = ["a", "a", "b", "a", "empty"].map(String::from).to_vec();
        let sizes = [5, 5, 5, 5, 0];
        // Spend spreads most among segments 0, 1 and 3.
        let ranks = vec![
            vec![0.5, 0.2],
            vec![0.5, 0.9],
            vec![0.1, 0.1],
            vec![0.6, 0.5],
            vec![0.0, 0.0],
        ];
        distinguish(&mut labels, &sizes, &ranks, &nouns, &[false, false]);
        assert_eq!(
            labels,
            [
                "a · lowest spend",
                "a · highest spend",
                "b",
                "a · middle spend",
                "empty"
            ]
        );
        let mut pair: Vec<String> = ["x", "x"].map(String::from).to_vec();
        distinguish(
            &mut pair,
            &[1, 1],
            &[vec![0.3, 0.3], vec![0.3, 0.3]],
            &nouns,
            &[false, false],
        );
        assert_eq!(pair, ["x · #0", "x · #1"]);
        let mut four: Vec<String> = ["x"; 4].map(String::from).to_vec();
        let ranks = vec![
            vec![0.1, 0.0],
            vec![0.4, 0.0],
            vec![0.3, 0.0],
            vec![0.2, 0.0],
        ];
        distinguish(&mut four, &[1; 4], &ranks, &nouns, &[true, false]);
        assert_eq!(
            four,
            [
                "x · most recent",
                "x · least recent",
                "x · recency days rank 2 of 4",
                "x · recency days rank 3 of 4"
            ]
        );
    }

    #[test]
    fn words_follow_thirds() {
        assert_eq!(describe(Some(Feature::RecencyDays), "", 0.1, 3.0), "recent");
        assert_eq!(
            describe(Some(Feature::PurchaseOccasions), "", 0.2, 1.0),
            "one-off"
        );
        assert_eq!(
            describe(Some(Feature::PurchaseOccasions), "", 0.2, 2.0),
            "infrequent"
        );
        assert_eq!(describe(Some(Feature::Monetary), "", 0.5, 2.0), "mid spend");
        assert_eq!(describe(None, "column_1", 0.9, 2.0), "high column_1");
    }
}
