//! Binning a customer base: its three dimensions as columns, quantile breakpoints, dplyr `ntile`
//! groups for equal-count binning, and the check of caller-given thresholds.

use rayon::prelude::*;

use crate::numeric::money::to_f64;
use crate::numeric::quantile::quantiles;
use crate::rfm::{Breakpoints, FrequencyBasis, RfmError};
use crate::summary::{CustomerSummary, MonetaryBasis};

/// Which order one dimension's cuts must keep, with the words its errors use.
#[derive(Debug, Clone, Copy)]
pub(super) enum CutOrder {
    /// Caller-given thresholds: strictly increasing.
    Thresholds,
    /// Fitted breakpoints: non-decreasing (quantiles of tied values may repeat); read back by
    /// serde only.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    Breakpoints,
}

impl CutOrder {
    fn out_of_order(self, before: f64, after: f64) -> bool {
        match self {
            CutOrder::Thresholds => before >= after,
            CutOrder::Breakpoints => before > after,
        }
    }

    fn not_finite(self) -> &'static str {
        match self {
            CutOrder::Thresholds => "every threshold must be finite",
            CutOrder::Breakpoints => "every breakpoint must be finite",
        }
    }

    fn unordered(self) -> &'static str {
        match self {
            CutOrder::Thresholds => {
                "thresholds must be strictly increasing: each above the one before"
            }
            CutOrder::Breakpoints => "breakpoints must be sorted: none below the one before",
        }
    }
}

/// Checks one dimension's cuts: bins − 1 finite values in the order `order` asks for.
pub(super) fn check_cuts(
    name: &'static str, cuts: &[f64], bins: u8, order: CutOrder,
) -> Result<(), RfmError> {
    let expected = usize::from(bins) - 1;
    if cuts.len() != expected {
        return Err(RfmError::LengthMismatch {
            name,
            expected,
            found: cuts.len(),
        });
    }
    if let Some(&value) = cuts.iter().find(|v| !v.is_finite()) {
        return Err(RfmError::InvalidParameter {
            name,
            value,
            constraint: order.not_finite(),
        });
    }
    if let Some(w) = cuts.windows(2).find(|w| order.out_of_order(w[0], w[1])) {
        return Err(RfmError::InvalidParameter {
            name,
            value: w[1],
            constraint: order.unordered(),
        });
    }
    Ok(())
}

/// The three dimensions as f64 columns, in input order.
pub(super) struct Values {
    pub(super) recency: Vec<f64>,
    pub(super) frequency: Vec<f64>,
    pub(super) monetary: Vec<f64>,
}

impl Values {
    pub(super) fn of<C: Sync>(
        summaries: &[CustomerSummary<C>], frequency: FrequencyBasis, basis: MonetaryBasis,
    ) -> Self {
        Values {
            recency: summaries
                .par_iter()
                .map(|s| s.recency_days() as f64)
                .collect(),
            frequency: summaries
                .par_iter()
                .map(|s| frequency.of(s) as f64)
                .collect(),
            monetary: summaries
                .par_iter()
                .map(|s| to_f64(s.monetary(basis)))
                .collect(),
        }
    }
}

/// Breakpoints at the i/bins quantiles, i = 1..bins−1, by the crate's one quantile rule (numpy's
/// default, R's type 7); empty for no values (the scorer rejects an empty base before).
pub(super) fn quantile_breakpoints(values: &[f64], bins: u8) -> Vec<f64> {
    let probabilities: Vec<f64> = (1..bins).map(|i| f64::from(i) / f64::from(bins)).collect();
    quantiles(values, &probabilities).unwrap_or_default()
}

/// dplyr `ntile` groups (1-based) of each dimension, in input order.
pub(super) struct EqualCountGroups {
    pub(super) recency: Vec<u8>,
    pub(super) frequency: Vec<u8>,
    pub(super) monetary: Vec<u8>,
    bins: u8,
}

impl EqualCountGroups {
    pub(super) fn of<C: Ord + Sync>(
        summaries: &[CustomerSummary<C>], values: &Values, bins: u8,
    ) -> Result<Self, RfmError> {
        Self::ranked(values, bins, |i| summaries[i].customer())
    }

    /// The groups with tied values split by position instead of customer id. Their
    /// [`EqualCountGroups::boundaries`] are those of [`EqualCountGroups::of`]: group g holds the
    /// same ranks in the sorted column whatever order the ties take, so its last member has the
    /// same value.
    pub(super) fn by_position(values: &Values, bins: u8) -> Result<Self, RfmError> {
        let positions: Vec<usize> = (0..values.recency.len()).collect();
        Self::ranked(values, bins, |i| &positions[i])
    }

    pub(super) fn ranked<'a, C: Ord + Sync + 'a>(
        values: &Values, bins: u8, id: impl Fn(usize) -> &'a C + Sync + Copy,
    ) -> Result<Self, RfmError> {
        let customers = values.recency.len();
        if customers < usize::from(bins) {
            return Err(RfmError::TooFewCustomers { customers, bins });
        }
        let groups = |column: &[f64]| ntile(column, id, bins);
        Ok(Self {
            recency: groups(&values.recency),
            frequency: groups(&values.frequency),
            monetary: groups(&values.monetary),
            bins,
        })
    }

    /// Each group's boundary: the value of its last member.
    pub(super) fn boundaries(&self, values: &Values) -> Breakpoints {
        let bounds = |groups: &[u8], column: &[f64]| {
            let mut last = vec![f64::NEG_INFINITY; usize::from(self.bins)];
            for (g, v) in groups.iter().zip(column) {
                let slot = &mut last[usize::from(*g) - 1];
                *slot = slot.max(*v);
            }
            last.truncate(usize::from(self.bins) - 1);
            last
        };
        Breakpoints {
            recency: bounds(&self.recency, &values.recency),
            frequency: bounds(&self.frequency, &values.frequency),
            monetary: bounds(&self.monetary, &values.monetary),
        }
    }
}

/// Group of each element: sort by (value, id), sizes differ by at most one, larger groups first.
fn ntile<'a, C: Ord + Sync + 'a>(
    column: &[f64], id: impl Fn(usize) -> &'a C + Sync, bins: u8,
) -> Vec<u8> {
    let n = column.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.par_sort_unstable_by(|&a, &b| {
        column[a]
            .total_cmp(&column[b])
            .then_with(|| id(a).cmp(id(b)))
    });
    let bins = usize::from(bins);
    let (size, remainder) = (n / bins, n % bins);
    let big = remainder * (size + 1);
    let mut groups = vec![0u8; n];
    for (rank, &i) in order.iter().enumerate() {
        let group = if rank < big {
            rank / (size + 1)
        } else {
            remainder + (rank - big) / size
        };
        // group < bins ≤ 10.
        groups[i] = (group + 1) as u8;
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.2, 0.4, 0.6, 0.8]) = [1.8, 2.6, 3.4, 5.2]
        let cuts = quantile_breakpoints(&[10.0, 1.0, 3.0, 2.0, 4.0], 5);
        let expected = [1.8, 2.6, 3.4, 5.2];
        for (c, e) in cuts.iter().zip(expected) {
            assert!((c - e).abs() < 1e-12, "{cuts:?}");
        }
    }

    #[test]
    fn ntile_puts_larger_groups_first_and_breaks_ties_by_id() {
        // dplyr::ntile(c(5, 1, 1, 3, 2, 4, 1), 3) with ties by id (= position here): sizes 3, 2, 2.
        let column = [5.0, 1.0, 1.0, 3.0, 2.0, 4.0, 1.0];
        let ids: Vec<usize> = (0..7).collect();
        let g = ntile(&column, |i| &ids[i], 3);
        assert_eq!(g, vec![3, 1, 1, 2, 2, 3, 1]);
    }
}
