//! The fitted tree: its nodes, its rules, and how well it predicts.

use ndarray::ArrayView2;

use crate::segment::tree::data::check_finite;
use crate::segment::tree::{LeafRule, TreeError, TreeFeature};

/// A node of the fitted tree; the root is node 0.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TreeNode {
    /// Rows whose `feature` is at most `threshold` go to node `left`, the others to `right`.
    Split {
        /// The feature's column.
        feature: usize,
        /// The threshold: the midpoint of the two training values it falls between.
        threshold: f64,
        /// The node of the rows at most the threshold.
        left: usize,
        /// The node of the rows above it.
        right: usize,
    },
    /// A leaf, read as [`TreeSegmentation::rules`]`[rule]`.
    Leaf {
        /// The leaf's rule.
        rule: usize,
    },
}

/// Accuracy of the tree's predictions on a set of rows.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evaluation {
    /// Rows evaluated.
    pub rows: usize,
    /// Rows whose predicted class is their class.
    pub correct: usize,
    /// correct / rows.
    pub accuracy: f64,
    /// `confusion[actual][predicted]`: rows of each actual class by predicted class.
    pub confusion: Vec<Vec<usize>>,
}

impl Evaluation {
    /// The evaluation of `predicted` against `actual` over `rows` with `classes` classes.
    pub(crate) fn of(
        rows: &[usize], actual: &[usize], predicted: &[usize], classes: usize,
    ) -> Self {
        let mut confusion = vec![vec![0; classes]; classes];
        for &r in rows {
            confusion[actual[r]][predicted[r]] += 1;
        }
        let correct = (0..classes).map(|c| confusion[c][c]).sum();
        Self {
            rows: rows.len(),
            correct,
            // Rows are at least one wherever an evaluation is made.
            accuracy: correct as f64 / rows.len().max(1) as f64,
            confusion,
        }
    }
}

/// A fitted classification tree read as segments: one rule per leaf.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TreeSegmentation {
    /// The feature columns.
    pub features: Vec<TreeFeature>,
    /// The class names.
    pub classes: Vec<String>,
    /// The nodes; the root is node 0.
    pub nodes: Vec<TreeNode>,
    /// One rule per leaf, left to right.
    pub rules: Vec<LeafRule>,
    /// Each input row's rule (training and holdout rows alike).
    pub row_rules: Vec<usize>,
    /// The rows (positions in the input) the tree was grown on, ascending.
    pub training_rows: Vec<usize>,
    /// The rows held out, ascending (empty without a holdout).
    pub holdout_rows: Vec<usize>,
    /// Accuracy on the training rows.
    pub training: Evaluation,
    /// Accuracy on the holdout rows, `None` without a holdout.
    pub holdout: Option<Evaluation>,
    /// The depth of the deepest leaf (0 for a single leaf).
    pub depth: usize,
}

impl TreeSegmentation {
    /// The rule each row falls in: walks the nodes from the root.
    ///
    /// # Errors
    ///
    /// [`TreeError::LengthMismatch`] when `rows` has another number of columns than the tree's
    /// features, [`TreeError::NonFinite`] for a NaN or infinite value (row and feature named).
    pub fn rule_of_rows(&self, rows: ArrayView2<f64>) -> Result<Vec<usize>, TreeError> {
        if rows.ncols() != self.features.len() {
            return Err(TreeError::LengthMismatch {
                name: "feature columns",
                expected: self.features.len(),
                found: rows.ncols(),
            });
        }
        check_finite(rows, &self.features)?;
        Ok(rows
            .rows()
            .into_iter()
            .map(|row| leaf_of(&self.nodes, |f| row.get(f).copied().unwrap_or(f64::NAN)))
            .collect())
    }

    /// The class each row is predicted (its rule's class).
    ///
    /// # Errors
    ///
    /// As [`TreeSegmentation::rule_of_rows`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::tree::{Holdout, TreeFeature, TreeInput, TreeSegmenter, TreeTarget};
    /// use ndarray::array;
    /// let input = TreeInput::new(vec![TreeFeature::new("orders", "")], array![[1.0], [2.0], [5.0], [6.0]])?;
    /// let target = TreeTarget::from_names(&["low", "low", "high", "high"])?;
    /// let tree = TreeSegmenter::new().holdout(Holdout::None).fit(&input, &target)?;
    /// // The threshold is 3.5, the midpoint of 2 and 5; "high" is class 0, "low" class 1.
    /// assert_eq!(tree.predict(array![[3.0], [4.0]].view())?, [1, 0]);
    /// # Ok::<(), customer_value::segment::tree::TreeError>(())
    /// ```
    pub fn predict(&self, rows: ArrayView2<f64>) -> Result<Vec<usize>, TreeError> {
        let rules = self.rule_of_rows(rows)?;
        // A rule index past the rules only comes from a tree edited after the fit: class 0.
        let class = |r: usize| self.rules.get(r).map_or(0, |rule| rule.class);
        Ok(rules.into_iter().map(class).collect())
    }
}

/// The rule of the leaf a row reaches; `value(f)` is the row's value of feature f. A tree read
/// back from JSON with a dangling node index ends at the first dangling step, at rule 0.
pub(crate) fn leaf_of(nodes: &[TreeNode], value: impl Fn(usize) -> f64) -> usize {
    let mut at = 0;
    // A tree has at most as many nodes as steps it can take: the bound stops a cycle in a tree
    // read back from JSON.
    for _ in 0..=nodes.len() {
        match nodes.get(at) {
            Some(&TreeNode::Split {
                feature,
                threshold,
                left,
                right,
            }) => {
                at = if value(feature) <= threshold {
                    left
                } else {
                    right
                }
            }
            Some(&TreeNode::Leaf { rule }) => return rule,
            None => return 0,
        }
    }
    0
}
