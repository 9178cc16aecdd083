//! The tree's settings, their check, and the holdout they describe.

use crate::segment::tree::TreeError;
use crate::settings::{checked_serde, Settings};

/// The deepest tree [`TreeSegmenter::max_depth`] allows: a rule of more than 32 conditions is no
/// longer read, and the bound keeps the growth's recursion (one frame per level) shallow.
pub const MAX_DEPTH: usize = 32;

/// The most rows (and the largest minimum leaf) a tree takes, 2²⁴ (16.8 million): the search sorts
/// every node's rows once per feature at each level, so a larger log is better fitted on a
/// sample of customers and scored with [`TreeSegmentation::predict`](crate::segment::tree::TreeSegmentation::predict).
pub const MAX_ROWS: usize = 1 << 24;

/// How a node's impurity i(t) is measured (Breiman et al. 1984, §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SplitCriterion {
    /// The Gini index 1 − Σ_j p(j|t)² (the default, scikit-learn's too).
    #[default]
    Gini,
    /// The entropy −Σ_j p(j|t) log₂ p(j|t) (information gain).
    Entropy,
}

/// Which rows are held out of the growing, to measure the tree's accuracy on rows it did not
/// see.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Holdout {
    /// No holdout: every row trains the tree.
    None,
    /// `round(fraction × rows)` rows drawn at random (seeded, without replacement).
    Random {
        /// The share of rows held out, in (0, 1).
        fraction: f64,
        /// The seed of the draw.
        seed: u64,
    },
    /// These rows (positions in the input) are held out.
    Rows(Vec<usize>),
}

impl Default for Holdout {
    /// A random quarter of the rows, seed 0.
    fn default() -> Self {
        Holdout::Random {
            fraction: 0.25,
            seed: 0,
        }
    }
}

checked_serde! {
/// Decision-tree settings, built in any order and checked by [`Settings::check`] before every
/// fit.
///
/// Defaults: depth at most 3 (at most 8 rules), at least 1 row per leaf, minimum impurity
/// decrease 1e-5, the Gini index, a random quarter of the rows held out with seed 0.
///
/// With the `serde` feature the settings serialize, and reading them back runs the check.
///
/// # Examples
///
/// ```
/// use customer_value::segment::tree::{Holdout, SplitCriterion, TreeSegmenter};
/// use customer_value::settings::Settings;
/// let s = TreeSegmenter::new()
///     .max_depth(4)
///     .min_samples_leaf(50)
///     .criterion(SplitCriterion::Entropy)
///     .holdout(Holdout::Random { fraction: 0.3, seed: 7 });
/// assert!(s.check().is_ok());
/// assert!(TreeSegmenter::new().max_depth(0).check().is_err());
/// assert!(TreeSegmenter::new().holdout(Holdout::Random { fraction: 1.0, seed: 0 }).check().is_err());
/// let back: TreeSegmenter = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
/// assert_eq!(back, s);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TreeSegmenter {
    max_depth: usize,
    min_samples_leaf: usize,
    min_impurity_decrease: f64,
    criterion: SplitCriterion,
    holdout: Holdout,
}
}

impl Default for TreeSegmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl TreeSegmenter {
    /// The default settings.
    pub fn new() -> Self {
        Self {
            max_depth: 3,
            min_samples_leaf: 1,
            min_impurity_decrease: 1e-5,
            criterion: SplitCriterion::Gini,
            holdout: Holdout::default(),
        }
    }

    /// The deepest a leaf may be (1 ..= [`MAX_DEPTH`]; the root is depth 0, so a tree has at most
    /// 2^max_depth rules). Default 3.
    pub fn max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The fewest training rows a leaf may hold (1 ..= [`MAX_ROWS`]): scikit-learn's
    /// `min_samples_leaf`. Default 1.
    pub fn min_samples_leaf(mut self, min_samples_leaf: usize) -> Self {
        self.min_samples_leaf = min_samples_leaf;
        self
    }

    /// A node is split only when its impurity decreases by at least this much (finite, at least
    /// `f64::EPSILON`). Default 1e-5.
    pub fn min_impurity_decrease(mut self, min_impurity_decrease: f64) -> Self {
        self.min_impurity_decrease = min_impurity_decrease;
        self
    }

    /// The impurity measure (default Gini).
    pub fn criterion(mut self, criterion: SplitCriterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// The rows held out (default a random quarter, seed 0).
    pub fn holdout(mut self, holdout: Holdout) -> Self {
        self.holdout = holdout;
        self
    }

    pub(crate) fn depth(&self) -> usize {
        self.max_depth
    }

    pub(crate) fn leaf(&self) -> usize {
        self.min_samples_leaf
    }

    pub(crate) fn decrease(&self) -> f64 {
        self.min_impurity_decrease
    }

    pub(crate) fn quality(&self) -> SplitCriterion {
        self.criterion
    }

    pub(crate) fn held_out(&self) -> &Holdout {
        &self.holdout
    }
}

impl Settings for TreeSegmenter {
    type Error = TreeError;

    /// # Errors
    ///
    /// [`TreeError::InvalidParameter`] naming `max_depth` outside 1 ..= [`MAX_DEPTH`],
    /// `min_samples_leaf` outside 1 ..= [`MAX_ROWS`], `min_impurity_decrease` not finite or below
    /// `f64::EPSILON`, `holdout fraction` not finite or outside (0, 1);
    /// [`TreeError::DuplicateHoldoutRow`] when an explicit holdout lists a row twice.
    fn check(&self) -> Result<(), TreeError> {
        if !(1..=MAX_DEPTH).contains(&self.max_depth) {
            return Err(TreeError::invalid(
                "max_depth",
                self.max_depth as f64,
                "must be between 1 and 32",
            ));
        }
        if !(1..=MAX_ROWS).contains(&self.min_samples_leaf) {
            return Err(TreeError::invalid(
                "min_samples_leaf",
                self.min_samples_leaf as f64,
                "must be between 1 and 2^24",
            ));
        }
        let decrease = self.min_impurity_decrease;
        if !(decrease.is_finite() && decrease >= f64::EPSILON) {
            return Err(TreeError::invalid(
                "min_impurity_decrease",
                decrease,
                "must be finite and at least f64::EPSILON (2.2e-16)",
            ));
        }
        check_holdout(&self.holdout)
    }
}

/// The holdout's own conditions (those that do not depend on the number of rows).
fn check_holdout(holdout: &Holdout) -> Result<(), TreeError> {
    match holdout {
        Holdout::Random { fraction, .. } if !(*fraction > 0.0 && *fraction < 1.0) => {
            Err(TreeError::invalid(
                "holdout fraction",
                *fraction,
                "must be strictly between 0 and 1",
            ))
        }
        Holdout::Rows(rows) => {
            let mut sorted = rows.clone();
            sorted.sort_unstable();
            match sorted.windows(2).find(|w| w[0] == w[1]) {
                Some(w) => Err(TreeError::DuplicateHoldoutRow { row: w[0] }),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}
