//! Quantiles and medians, one rule for the whole crate: linear interpolation between order
//! statistics (Hyndman & Fan 1996, definition 7; numpy's default `linear`, R's `type = 7`).
//!
//! The p-quantile of n sorted values v₀ ≤ … ≤ vₙ₋₁ is v_k + (h − k)(v_{k+1} − v_k) with
//! h = (n − 1)·p and k = ⌊h⌋; the median is the 0.5-quantile (the mean of the two middle values for
//! an even count). Values are ordered by `f64::total_cmp`.
//!
//! # Finite results
//!
//! Finite values and probabilities give a finite result, even across the whole `f64` range
//! (the quantile of −1e308 and 1e308 is 0, not the overflow of 1e308 − (−1e308)). A NaN or
//! infinite value, or a NaN probability, gives `None`: there is no finite answer to give.
//! Probabilities are clamped to [0, 1] (±∞ included).
//!
//! # Examples
//!
//! ```
//! use customer_value::numeric::quantile::{median, quantile_sorted, quantiles};
//! let sorted = [1.0, 2.0, 4.0, 8.0];
//! assert_eq!(quantile_sorted(&sorted, 0.5), Some(3.0));
//! assert_eq!(quantile_sorted(&sorted, 1.0 / 3.0), Some(2.0));
//! // numpy.quantile([8, 1, 4, 2], [0.25, 0.75]) == [1.75, 5.0]
//! assert_eq!(quantiles(&[8.0, 1.0, 4.0, 2.0], &[0.25, 0.75]), Some(vec![1.75, 5.0]));
//! assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
//! assert_eq!(median(&mut []), None);
//! ```

use std::collections::BTreeMap;

/// The interpolation position h = (n − 1)·p of the p-quantile among `n` values, split into the
/// order statistics it reads and the weight of the upper one.
fn position(n: usize, p: f64) -> (usize, usize, f64) {
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lower = (h.floor() as usize).min(n - 1);
    let upper = (lower + 1).min(n - 1);
    (lower, upper, h - lower as f64)
}

/// The p-quantile (p in [0, 1], clamped) of values sorted ascending; `None` when empty, when p
/// is NaN, or when a value is not finite (sorted, the extremes are the first and the last).
///
/// # Examples
///
/// ```
/// use customer_value::numeric::quantile::quantile_sorted;
/// assert_eq!(quantile_sorted(&[10.0, 20.0], 0.25), Some(12.5));
/// assert_eq!(quantile_sorted(&[-1e308, 1e308], 0.5), Some(0.0));
/// assert_eq!(quantile_sorted(&[], 0.5), None);
/// assert_eq!(quantile_sorted(&[1.0, f64::INFINITY], 0.5), None);
/// ```
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let (first, last) = (sorted.first()?, sorted.last()?);
    if p.is_nan() || !first.is_finite() || !last.is_finite() {
        return None;
    }
    let (lower, upper, weight) = position(sorted.len(), p);
    Some(interpolate(sorted[lower], sorted[upper], weight))
}

/// a + (b − a)·w, numpy's form (exact at w = 0 and for a = b); when b − a overflows (values of
/// opposite signs beyond 8.9e307) the weighted sum (1 − w)·a + w·b, which cannot.
fn interpolate(a: f64, b: f64, weight: f64) -> f64 {
    if weight == 0.0 {
        return a;
    }
    let span = b - a;
    if span.is_finite() {
        a + span * weight
    } else {
        (1.0 - weight) * a + weight * b
    }
}

/// The p-quantiles of unsorted `values` for every p of `probabilities`, by selection: only the
/// order statistics the interpolation reads are selected (O(n) each), no full sort. Each p is
/// clamped to [0, 1]. `None` when `values` is empty, a value is not finite or a p is NaN.
///
/// # Examples
///
/// ```
/// use customer_value::numeric::quantile::quantiles;
/// // Quintile breakpoints of 1..=10: numpy.quantile gives [2.8, 4.6, 6.4, 8.2].
/// let q = quantiles(&(1..=10).map(f64::from).collect::<Vec<_>>(), &[0.2, 0.4, 0.6, 0.8]).unwrap();
/// for (got, want) in q.iter().zip([2.8, 4.6, 6.4, 8.2]) {
///     assert!((got - want).abs() < 1e-12, "{got}");
/// }
/// ```
pub fn quantiles(values: &[f64], probabilities: &[f64]) -> Option<Vec<f64>> {
    if values.is_empty() || !all_finite(values) || probabilities.iter().any(|p| p.is_nan()) {
        return None;
    }
    let n = values.len();
    let positions: Vec<(usize, usize, f64)> =
        probabilities.iter().map(|&p| position(n, p)).collect();
    let mut ranks: Vec<usize> = positions.iter().flat_map(|&(l, u, _)| [l, u]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let mut work = values.to_vec();
    // Select each rank in increasing order within the part not yet partitioned.
    let mut order_stats = BTreeMap::new();
    let mut from = 0;
    for &rank in &ranks {
        let (_, value, _) = work[from..].select_nth_unstable_by(rank - from, f64::total_cmp);
        order_stats.insert(rank, *value);
        from = rank;
    }
    Some(
        positions
            .iter()
            .map(|&(lower, upper, weight)| {
                interpolate(order_stats[&lower], order_stats[&upper], weight)
            })
            .collect(),
    )
}

/// The median of `values`, reordering them in place (selection, O(n)); `None` when empty or a
/// value is not finite.
///
/// # Examples
///
/// ```
/// use customer_value::numeric::quantile::median;
/// assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
/// assert_eq!(median(&mut [1e308, 1e308]), Some(1e308));
/// assert_eq!(median(&mut [1.0, f64::NAN]), None);
/// ```
pub fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 || !all_finite(values) {
        return None;
    }
    let middle = n / 2;
    let (below, upper, _) = values.select_nth_unstable_by(middle, f64::total_cmp);
    let upper = *upper;
    Some(if n % 2 == 1 {
        upper
    } else {
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // The mean of the two, halved after the sum (numpy's median) unless the sum overflows.
        let sum = lower + upper;
        if sum.is_finite() {
            0.5 * sum
        } else {
            0.5 * lower + 0.5 * upper
        }
    })
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// numpy.quantile(v, p) for v = [3, 1, 4, 1, 5, 9, 2, 6], computed independently.
    #[test]
    fn quantiles_match_numpy() {
        let v = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let mut sorted = v;
        sorted.sort_by(f64::total_cmp);
        let expected = [
            (0.0, 1.0),
            (0.1, 1.0),
            (0.25, 1.75),
            (0.5, 3.5),
            (0.9, 6.9),
            (1.0, 9.0),
        ];
        for (p, q) in expected {
            let by_sort = quantile_sorted(&sorted, p).unwrap();
            let by_select = quantiles(&v, &[p]).unwrap()[0];
            assert!((by_sort - q).abs() < 1e-12, "p = {p}: {by_sort}");
            assert_eq!(by_sort, by_select, "p = {p}");
        }
        assert_eq!(median(&mut v.clone()), Some(3.5));
    }
}
