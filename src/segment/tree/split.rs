//! The best CART split of one node, searched exhaustively in `f64` with exact class counts.
//!
//! For each feature the node's rows are sorted by value (ties by row index, so the order is the
//! same on every run) and swept once, moving one row at a time from the right side to the left;
//! every midpoint between consecutive distinct values is a candidate (Breiman et al. 1984, §2.4
//! and §4.1). The impurity decrease Δi(s, t) = i(t) − p_L i(t_L) − p_R i(t_R) (definition 2.8) is
//! computed from the class counts on each side, so a candidate costs O(classes).

use ndarray::ArrayView2;

use crate::segment::tree::SplitCriterion;

/// Values closer than this are one value: no threshold falls between them (scikit-learn's
/// `FEATURE_THRESHOLD`, so thresholds land where its `DecisionTreeClassifier` puts them).
const SAME_VALUE: f64 = 1e-7;

/// A node's best split: rows with `feature ≤ threshold` go left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Split {
    /// The feature's column.
    pub(super) feature: usize,
    /// The midpoint between the last value on the left and the first on the right.
    pub(super) threshold: f64,
    /// Δi(s, t), the node's own impurity decrease (not weighted by its share of the rows).
    pub(super) decrease: f64,
}

/// What the search needs about the node: the data, the classes and the smallest leaf.
pub(super) struct Node<'a> {
    /// All rows' features (one row per customer).
    pub(super) features: ArrayView2<'a, f64>,
    /// All rows' class indices.
    pub(super) labels: &'a [usize],
    /// The number of classes.
    pub(super) classes: usize,
    /// The fewest rows either side may hold.
    pub(super) leaf: usize,
    /// The impurity measure.
    pub(super) criterion: SplitCriterion,
}

impl Node<'_> {
    /// The split of `rows` with the largest decrease, or `None` when no threshold leaves at
    /// least `leaf` rows on both sides. On equal decreases the first feature (in column order)
    /// and then the lowest threshold win, so the result does not depend on the run.
    pub(super) fn best_split(&self, rows: &[usize]) -> Option<Split> {
        let mut total = vec![0usize; self.classes];
        rows.iter().for_each(|&r| total[self.labels[r]] += 1);
        let parent = impurity(&total, rows.len(), self.criterion);
        let mut order = rows.to_vec();
        let mut best: Option<Split> = None;
        for feature in 0..self.features.ncols() {
            let value = |r: usize| self.features[[r, feature]];
            order.sort_unstable_by(|&a, &b| value(a).total_cmp(&value(b)).then(a.cmp(&b)));
            let candidate = self.sweep(&order, feature, &total, parent);
            if let Some(split) = candidate {
                if best.is_none_or(|b| split.decrease > b.decrease) {
                    best = Some(split);
                }
            }
        }
        best
    }

    /// The best threshold of one feature, its rows sorted by that feature in `order`.
    fn sweep(
        &self, order: &[usize], feature: usize, total: &[usize], parent: f64,
    ) -> Option<Split> {
        let n = order.len();
        let mut left = vec![0usize; self.classes];
        let mut right = total.to_vec();
        let mut best: Option<Split> = None;
        for i in 0..n.saturating_sub(1) {
            let class = self.labels[order[i]];
            left[class] += 1;
            right[class] -= 1;
            let (here, next) = (
                self.features[[order[i], feature]],
                self.features[[order[i + 1], feature]],
            );
            let (n_left, n_right) = (i + 1, n - i - 1);
            if next <= here + SAME_VALUE || n_left < self.leaf || n_right < self.leaf {
                continue;
            }
            let children = (n_left as f64 * impurity(&left, n_left, self.criterion)
                + n_right as f64 * impurity(&right, n_right, self.criterion))
                / n as f64;
            let decrease = parent - children;
            if best.is_none_or(|b| decrease > b.decrease) {
                best = Some(Split {
                    feature,
                    threshold: midpoint(here, next),
                    decrease,
                });
            }
        }
        best
    }
}

/// The midpoint of two consecutive values, computed without overflow; when it rounds up to
/// `next` (two neighbouring floats) the lower value is the threshold, so `next` stays right.
fn midpoint(here: f64, next: f64) -> f64 {
    let middle = here / 2.0 + next / 2.0;
    if middle < next {
        middle
    } else {
        here
    }
}

/// i(t) of a node with `counts` per class and `n` rows: the Gini index 1 − Σ p_j² or the entropy
/// −Σ p_j log₂ p_j (Breiman et al. 1984, §4.3).
fn impurity(counts: &[usize], n: usize, criterion: SplitCriterion) -> f64 {
    let n = n as f64;
    let shares = counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n);
    match criterion {
        SplitCriterion::Gini => 1.0 - shares.map(|p| p * p).sum::<f64>(),
        SplitCriterion::Entropy => -shares.map(|p| p * p.log2()).sum::<f64>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Six rows on one feature, classes A A A B B A: the hand-computed best Gini split is at
    /// 3.5 (left A A A, right B B A): Δi = 4/9 − ½·0 − ½·4/9 = 2/9.
    #[test]
    fn the_hand_computed_gini_split() {
        let features = array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
        let labels = [0, 0, 0, 1, 1, 0];
        let node = Node {
            features: features.view(),
            labels: &labels,
            classes: 2,
            leaf: 1,
            criterion: SplitCriterion::Gini,
        };
        let split = node.best_split(&[0, 1, 2, 3, 4, 5]).expect("a split");
        assert_eq!((split.feature, split.threshold), (0, 3.5));
        assert!((split.decrease - 2.0 / 9.0).abs() < 1e-15);
    }

    /// Equal values are never separated, and a leaf size nothing satisfies gives no split.
    #[test]
    fn ties_and_leaf_sizes() {
        let features = array![[1.0], [1.0], [1.0], [2.0]];
        let labels = [0, 1, 0, 1];
        let mut node = Node {
            features: features.view(),
            labels: &labels,
            classes: 2,
            leaf: 1,
            criterion: SplitCriterion::Entropy,
        };
        assert_eq!(
            node.best_split(&[0, 1, 2, 3]).map(|s| s.threshold),
            Some(1.5)
        );
        node.leaf = 2;
        assert_eq!(node.best_split(&[0, 1, 2, 3]), None);
        assert_eq!(midpoint(1.0, f64::from_bits(1.0f64.to_bits() + 1)), 1.0);
    }
}
