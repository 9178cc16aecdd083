//! Decision-tree segmentation: a CART classification tree (Breiman, Friedman, Olshen & Stone
//! 1984, *Classification and Regression Trees*) on customer features, predicting a target the
//! caller picks, read back as one rule in words per leaf.
//!
//! RFM cells are fixed rules and k-means finds the groups the data have; a tree finds the rules
//! that best separate a target the business already cares about (a CLV tier, a k-means segment,
//! who churned by the holdout), so each segment comes with its own explanation:
//! `"recency ≤ 41 days and orders ≥ 4 → high value, 812 customers, 71% correct"`.
//!
//! - [`TreeSegmenter`]: the checked settings (depth, minimum leaf size, minimum impurity decrease,
//!   Gini or entropy, the holdout).
//! - [`TreeInput`]: named feature columns with their units, from customer summaries or any matrix;
//!   [`TreeTarget`]: one class per customer, with helpers for the three usual targets
//!   ([`TreeTarget::clv_tiers`], [`TreeTarget::segments`], [`TreeTarget::churned`]).
//! - [`TreeSegmentation`]: the tree's nodes, one [`LeafRule`] per leaf, each row's leaf, and the
//!   accuracy and confusion matrix on the training rows and on the holdout.
//!
//! Each node takes the split that most decreases the impurity, CART's rule (Breiman et al. 1984,
//! §4.1–4.3): the Gini index i(t) = 1 − Σ_j p(j|t)² (eq. 4.2's "Gini diversity index") or the
//! entropy i(t) = −Σ_j p(j|t) log₂ p(j|t), and the decrease Δi(s, t) = i(t) − p_L i(t_L) − p_R
//! i(t_R) (definition 2.8). Thresholds are the midpoints between consecutive distinct values, as
//! scikit-learn's `DecisionTreeClassifier` places them. The search is exhaustive, in `f64`, with
//! exact class counts, one node at a time on that node's rows.
//!
//! Why not linfa-trees (the crate's linfa stack has it): tried first, linfa-trees 0.8 missed
//! splits and was not deterministic. Grown whole, it tests thresholds below the root in the
//! root's sorted order and skips those between two values whose globally last row lies outside
//! the node (on the CDNOW log it missed "orders ≤ 3.5" one level down: 18,295 correct against
//! scikit-learn's 18,332); and it sums each impurity's terms in `f32` in the order of a
//! `HashMap`, so with three or more classes two near-equal splits could swap from run to run.
//!
//! # Differences from scikit-learn
//!
//! With the same depth and minimum leaf size, the splits and the training accuracy equal
//! scikit-learn's on the CDNOW test data (`tests/segment_tree.rs`). What differs:
//!
//! - sibling leaves whose most frequent classes meet are merged into their parent, bottom up
//!   (as CART's pruning would): the prediction, and so the accuracy, is unchanged, and a segment
//!   is not split into two that say the same;
//! - [`TreeSegmenter::min_impurity_decrease`] applies to each node's own decrease i(t) − p_L
//!   i(t_L) − p_R i(t_R), not weighted by the node's share of the rows as scikit-learn's is, and
//!   must be at least `f64::EPSILON`, so that no split is taken for a decrease that is only
//!   rounding;
//! - on two splits of exactly equal decrease the first feature (in column order) and then the
//!   lowest threshold win; scikit-learn takes the first in its seeded random order of features.
//!
//! # Determinism
//!
//! The holdout draw is seeded ([`Holdout::Random`]), each feature's rows are sorted with ties
//! broken by row index, majorities break ties by the lowest class index, and the merging above
//! does not depend on how a tie is broken: the same input and settings give the same tree on
//! every run, with any number of classes.
//!
//! # Examples
//!
//! ```
//! use customer_value::segment::tree::{Holdout, TreeFeature, TreeInput, TreeSegmenter, TreeTarget};
//! use ndarray::array;
//!
//! // Recency in days and orders of eight customers; the four recent ones are high value.
//! let rows = array![
//!     [5.0, 6.0], [12.0, 4.0], [20.0, 9.0], [30.0, 5.0],
//!     [90.0, 1.0], [120.0, 2.0], [200.0, 1.0], [300.0, 1.0],
//! ];
//! let input = TreeInput::new(
//!     vec![TreeFeature::new("recency", "days"), TreeFeature::new("orders", "")],
//!     rows,
//! )?;
//! let target = TreeTarget::from_names(&["high", "high", "high", "high", "low", "low", "low", "low"])?;
//! let tree = TreeSegmenter::new().max_depth(2).holdout(Holdout::None).fit(&input, &target)?;
//! // The root splits recency between 30 and 90 days (midpoint 60): two pure leaves.
//! assert_eq!(tree.rules.len(), 2);
//! assert_eq!(tree.rules[0].text, "recency ≤ 60 days → high, 4 customers, 100% correct");
//! assert_eq!(tree.rules[1].text, "recency ≥ 61 days → low, 4 customers, 100% correct");
//! assert_eq!(tree.training.accuracy, 1.0);
//! # Ok::<(), customer_value::segment::tree::TreeError>(())
//! ```

use thiserror::Error;

mod data;
mod fit;
mod result;
mod rules;
mod settings;
mod split;

pub use data::{TreeFeature, TreeInput, TreeTarget};
pub use result::{Evaluation, TreeNode, TreeSegmentation};
pub use rules::{Condition, LeafRule};
pub use settings::{Holdout, SplitCriterion, TreeSegmenter, MAX_DEPTH, MAX_ROWS};

/// Errors from decision-tree segmentation.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TreeError {
    /// No rows, no feature columns or no classes were given.
    #[error("no data to grow a tree on: {what} is empty")]
    EmptyInput {
        /// What is empty (`"rows"`, `"feature columns"`, `"classes"`, `"tier names"`).
        what: &'static str,
    },
    /// A setting is out of range.
    #[error("invalid parameter {name} = {value}: {constraint}")]
    InvalidParameter {
        /// The setting's name.
        name: &'static str,
        /// The value given (a count as `f64`).
        value: f64,
        /// What must hold.
        constraint: &'static str,
    },
    /// An argument has the wrong length.
    #[error("{name}: expected length {expected} but found {found}")]
    LengthMismatch {
        /// The argument whose length is wrong.
        name: &'static str,
        /// The size required.
        expected: usize,
        /// The size given.
        found: usize,
    },
    /// A feature (or CLV) value is NaN or infinite.
    #[error("non-finite value {value} at row {row}, feature {feature}")]
    NonFinite {
        /// Row (position in the caller's input).
        row: usize,
        /// The feature's name.
        feature: String,
        /// The value.
        value: f64,
    },
    /// A row's class index is not one of the classes.
    #[error("row {row} has class {class}, but there are only {classes} classes")]
    UnknownClass {
        /// Row.
        row: usize,
        /// The class index given.
        class: usize,
        /// The number of classes.
        classes: usize,
    },
    /// Two classes have the same name.
    #[error("class name {name:?} appears twice")]
    DuplicateClass {
        /// The repeated name.
        name: String,
    },
    /// Every training row has the same class: there is nothing to separate.
    #[error("every training row has class {class:?}: a tree needs at least two classes")]
    SingleClass {
        /// The one class present.
        class: String,
    },
    /// An explicit holdout row is outside the input.
    #[error("holdout row {row} is outside the {rows} rows")]
    HoldoutRowOutOfRange {
        /// The row given.
        row: usize,
        /// The number of rows.
        rows: usize,
    },
    /// An explicit holdout row is listed twice.
    #[error("holdout row {row} is listed twice")]
    DuplicateHoldoutRow {
        /// The repeated row.
        row: usize,
    },
    /// The holdout leaves no training row, or a random holdout rounds to no row.
    #[error("the holdout leaves {training} training and {holdout} holdout rows; both must be at least 1")]
    EmptySplit {
        /// Training rows.
        training: usize,
        /// Holdout rows.
        holdout: usize,
    },
    /// More rows than a tree takes ([`MAX_ROWS`]).
    #[error("{rows} rows are more than the {max} a tree counts exactly")]
    TooManyRows {
        /// Rows given.
        rows: usize,
        /// The limit.
        max: usize,
    },
    /// The minimum leaf size exceeds the training rows, so not even the root is a leaf.
    #[error("min_samples_leaf = {min_samples_leaf} exceeds the {training_rows} training rows")]
    LeafLargerThanTraining {
        /// The setting.
        min_samples_leaf: usize,
        /// Training rows.
        training_rows: usize,
    },
}

impl TreeError {
    /// An out-of-range setting.
    pub(crate) fn invalid(name: &'static str, value: f64, constraint: &'static str) -> Self {
        Self::InvalidParameter {
            name,
            value,
            constraint,
        }
    }
}
