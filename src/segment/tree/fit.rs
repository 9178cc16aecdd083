//! Growing the tree: the holdout split, the node-by-node CART growth, and the rules read from its
//! leaves.

use ndarray::ArrayView2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::segment::tree::result::{leaf_of, Evaluation};
use crate::segment::tree::rules::{conditions, rule_text};
use crate::segment::tree::split::Node;
use crate::segment::tree::{
    Holdout, LeafRule, TreeError, TreeInput, TreeNode, TreeSegmentation, TreeSegmenter, TreeTarget,
    MAX_ROWS,
};
use crate::settings::Settings;

impl TreeSegmenter {
    /// Grows a CART tree (Breiman et al. 1984) on `input` predicting `target`, and reads it back
    /// as one rule per leaf with the accuracy on the training rows and on the holdout.
    ///
    /// Rows of `input` and `target` line up by position. Each node takes the split of largest
    /// impurity decrease among the midpoints of consecutive distinct training values of every
    /// feature, subject to [`min_samples_leaf`](Self::min_samples_leaf), until
    /// [`max_depth`](Self::max_depth) or until no split decreases the impurity by
    /// [`min_impurity_decrease`](Self::min_impurity_decrease).
    ///
    /// # Errors
    ///
    /// Those of [`Settings::check`]; [`TreeError::LengthMismatch`] when `target` has another
    /// number of rows than `input`; [`TreeError::TooManyRows`] above [`MAX_ROWS`] rows;
    /// [`TreeError::HoldoutRowOutOfRange`] for an explicit holdout row past the input;
    /// [`TreeError::EmptySplit`] when the holdout leaves no training row, or a random holdout
    /// rounds to none; [`TreeError::LeafLargerThanTraining`] when `min_samples_leaf` exceeds the
    /// training rows; [`TreeError::SingleClass`] when the training rows all have one class.
    pub fn fit(
        &self, input: &TreeInput, target: &TreeTarget,
    ) -> Result<TreeSegmentation, TreeError> {
        self.check()?;
        let rows = input.rows();
        let n = rows.nrows();
        if target.labels().len() != n {
            return Err(TreeError::LengthMismatch {
                name: "target",
                expected: n,
                found: target.labels().len(),
            });
        }
        if n > MAX_ROWS {
            return Err(TreeError::TooManyRows {
                rows: n,
                max: MAX_ROWS,
            });
        }
        let (training_rows, holdout_rows) = split(self.held_out(), n)?;
        self.check_training(&training_rows, target)?;
        let mut grower = Grower {
            settings: self,
            rows,
            labels: target.labels(),
            classes: target.classes().len(),
            nodes: Vec::new(),
            leaves: Vec::new(),
        };
        grower.grow(training_rows.clone(), &mut Vec::new())?;
        let (nodes, leaves) = (grower.nodes, grower.leaves);
        let depth = leaves.iter().map(|l| l.path.len()).max().unwrap_or(0);
        let row_rules: Vec<usize> = rows
            .rows()
            .into_iter()
            .map(|row| leaf_of(&nodes, |f| row[f]))
            .collect();
        let rules = leaf_rules(input, target, leaves);
        let predicted: Vec<usize> = row_rules.iter().map(|&r| rules[r].class).collect();
        let classes = target.classes().len();
        let evaluate = |rows: &[usize]| Evaluation::of(rows, target.labels(), &predicted, classes);
        Ok(TreeSegmentation {
            features: input.features().to_vec(),
            classes: target.classes().to_vec(),
            depth,
            training: evaluate(&training_rows),
            holdout: (!holdout_rows.is_empty()).then(|| evaluate(&holdout_rows)),
            nodes,
            rules,
            row_rules,
            training_rows,
            holdout_rows,
        })
    }

    /// The conditions on the training rows that depend on the data: enough rows for a leaf, and
    /// two classes to separate.
    fn check_training(&self, training: &[usize], target: &TreeTarget) -> Result<(), TreeError> {
        if self.leaf() > training.len() {
            return Err(TreeError::LeafLargerThanTraining {
                min_samples_leaf: self.leaf(),
                training_rows: training.len(),
            });
        }
        let labels = target.labels();
        let first = labels[training[0]];
        if training.iter().all(|&r| labels[r] == first) {
            return Err(TreeError::SingleClass {
                class: target.classes()[first].clone(),
            });
        }
        Ok(())
    }
}

/// The training and holdout rows, each ascending.
fn split(holdout: &Holdout, n: usize) -> Result<(Vec<usize>, Vec<usize>), TreeError> {
    let mut held = match holdout {
        Holdout::None => Vec::new(),
        Holdout::Random { fraction, seed } => {
            // fraction is in (0, 1) (checked), so the count is at most n.
            let count = (fraction * n as f64).round() as usize;
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(*seed));
            if count == 0 {
                return Err(TreeError::EmptySplit {
                    training: n,
                    holdout: 0,
                });
            }
            order.truncate(count);
            order
        }
        Holdout::Rows(rows) => {
            if let Some(&row) = rows.iter().find(|&&r| r >= n) {
                return Err(TreeError::HoldoutRowOutOfRange { row, rows: n });
            }
            rows.clone()
        }
    };
    held.sort_unstable();
    let mut is_held = vec![false; n];
    held.iter().for_each(|&r| is_held[r] = true);
    let training: Vec<usize> = (0..n).filter(|&r| !is_held[r]).collect();
    if training.is_empty() {
        return Err(TreeError::EmptySplit {
            training: 0,
            holdout: held.len(),
        });
    }
    Ok((training, held))
}

/// One step of a leaf's path: the feature, the threshold, and whether the path went left (to
/// the rows at most the threshold).
type Step = (usize, f64, bool);

/// A leaf: its path and its training rows per class.
struct Leaf {
    path: Vec<Step>,
    counts: Vec<usize>,
}

/// Grows the tree node by node: each node's split is searched on that node's rows alone
/// ([`Node::best_split`]), then both sides are grown the same way.
struct Grower<'a> {
    settings: &'a TreeSegmenter,
    rows: ArrayView2<'a, f64>,
    labels: &'a [usize],
    classes: usize,
    nodes: Vec<TreeNode>,
    leaves: Vec<Leaf>,
}

impl Grower<'_> {
    /// Adds the node of the training `rows` and its subtree; returns its index. Nodes are
    /// numbered root first, depth first, left before right, so the leaves are read left to
    /// right. The recursion is as deep as the tree, at most
    /// [`MAX_DEPTH`](crate::segment::tree::MAX_DEPTH).
    fn grow(&mut self, rows: Vec<usize>, path: &mut Vec<Step>) -> Result<usize, TreeError> {
        let at = self.nodes.len();
        let Some((feature, threshold)) = self.best_split(&rows, path.len()) else {
            let counts = self.counts(&rows);
            return Ok(self.push_leaf(path.clone(), counts));
        };
        // CART's partition: at most the threshold goes left.
        let (left_rows, right_rows): (Vec<usize>, Vec<usize>) = rows
            .into_iter()
            .partition(|&r| self.rows[[r, feature]] <= threshold);
        self.nodes.push(TreeNode::Leaf { rule: 0 }); // replaced once the children are grown
        path.push((feature, threshold, true));
        let left = self.grow(left_rows, path)?;
        if let Some(step) = path.last_mut() {
            step.2 = false;
        }
        let right = self.grow(right_rows, path)?;
        path.pop();
        if let Some(counts) = self.mergeable(left, right) {
            // The two children are the last two leaves grown: this node replaces them.
            self.nodes.truncate(at);
            self.leaves.truncate(self.leaves.len() - 2);
            return Ok(self.push_leaf(path.clone(), counts));
        }
        self.nodes[at] = TreeNode::Split {
            feature,
            threshold,
            left,
            right,
        };
        Ok(at)
    }

    /// The best split of `rows` at `depth`, or `None` for a leaf: at the depth limit, a pure
    /// node, too few rows for two leaves, or no split decreasing the impurity by at least
    /// [`TreeSegmenter::min_impurity_decrease`].
    fn best_split(&self, rows: &[usize], depth: usize) -> Option<(usize, f64)> {
        let counts = self.counts(rows);
        let classes_present = counts.iter().filter(|&&c| c > 0).count();
        let leaf = self.settings.leaf();
        if depth >= self.settings.depth() || classes_present < 2 || rows.len() < 2 * leaf {
            return None;
        }
        let node = Node {
            features: self.rows,
            labels: self.labels,
            classes: self.classes,
            leaf,
            criterion: self.settings.quality(),
        };
        let split = node.best_split(rows)?;
        (split.decrease >= self.settings.decrease()).then_some((split.feature, split.threshold))
    }

    /// The merged class counts when nodes `left` and `right` are leaves that can predict the
    /// same class (their sets of most frequent classes meet).
    ///
    /// Two leaves that predict the same class say nothing their parent does not (scikit-learn
    /// keeps them; CART's pruning removes them). A tied leaf could predict either class, so pairs whose most frequent classes
    /// meet are merged, bottom up: the tree does not depend on how a tie is broken, and the
    /// most frequent classes of a merged leaf are exactly those both children share.
    fn mergeable(&self, left: usize, right: usize) -> Option<Vec<usize>> {
        let (TreeNode::Leaf { rule: a }, TreeNode::Leaf { rule: b }) =
            (self.nodes[left], self.nodes[right])
        else {
            return None;
        };
        let (a, b) = (&self.leaves[a].counts, &self.leaves[b].counts);
        let (max_a, max_b) = (a.iter().max(), b.iter().max());
        let shared = (0..self.classes).any(|c| Some(&a[c]) == max_a && Some(&b[c]) == max_b);
        shared.then(|| a.iter().zip(b).map(|(x, y)| x + y).collect())
    }

    fn counts(&self, rows: &[usize]) -> Vec<usize> {
        let mut counts = vec![0; self.classes];
        rows.iter().for_each(|&r| counts[self.labels[r]] += 1);
        counts
    }

    fn push_leaf(&mut self, path: Vec<Step>, counts: Vec<usize>) -> usize {
        self.nodes.push(TreeNode::Leaf {
            rule: self.leaves.len(),
        });
        self.leaves.push(Leaf { path, counts });
        self.nodes.len() - 1
    }
}

/// One rule per leaf: its majority and purity, and its words.
fn leaf_rules(input: &TreeInput, target: &TreeTarget, leaves: Vec<Leaf>) -> Vec<LeafRule> {
    let classes = target.classes();
    // Whole-valued columns are written with whole bounds ("orders ≥ 4").
    let integer: Vec<bool> = input
        .rows()
        .columns()
        .into_iter()
        .map(|c| c.iter().all(|v| v.fract() == 0.0))
        .collect();
    leaves
        .into_iter()
        .map(|Leaf { path, counts }| {
            let size: usize = counts.iter().sum();
            // The first largest count: the lowest class index on a tie.
            let class = (0..classes.len())
                .rev()
                .max_by_key(|&c| counts[c])
                .unwrap_or(0);
            let mut rule = LeafRule {
                conditions: conditions(&path),
                class,
                class_name: classes[class].clone(),
                purity: counts[class] as f64 / size.max(1) as f64,
                size,
                class_counts: counts,
                text: String::new(),
            };
            rule.text = rule_text(&rule, input.features(), &integer);
            rule
        })
        .collect()
}
