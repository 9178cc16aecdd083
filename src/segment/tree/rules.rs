//! A leaf's rule: the bounds its path puts on each feature, and the rule in words.

use crate::segment::tree::TreeFeature;

/// The bounds a leaf's path puts on one feature: `above < value ≤ at_most` (CART sends a row
/// left when its value is at most the threshold).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Condition {
    /// The feature's column.
    pub feature: usize,
    /// The value must be above this (exclusive), when set.
    pub above: Option<f64>,
    /// The value must be at most this (inclusive), when set.
    pub at_most: Option<f64>,
}

impl Condition {
    /// Whether `value` meets the bounds.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::tree::Condition;
    /// let c = Condition { feature: 0, above: Some(3.5), at_most: Some(10.5) };
    /// assert!(c.contains(4.0) && c.contains(10.5));
    /// assert!(!c.contains(3.5) && !c.contains(11.0));
    /// ```
    pub fn contains(&self, value: f64) -> bool {
        self.above.is_none_or(|a| value > a) && self.at_most.is_none_or(|m| value <= m)
    }
}

/// One leaf of the tree as a rule: its conditions, the class it predicts and how well.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeafRule {
    /// The bounds on each feature the path tests, in the order the path first tests them
    /// (empty for a tree that is a single leaf).
    pub conditions: Vec<Condition>,
    /// The class predicted: the majority of the leaf's training rows (the lowest class index on
    /// a tie).
    pub class: usize,
    /// The class's name.
    pub class_name: String,
    /// Training rows in the leaf.
    pub size: usize,
    /// Training rows per class in the leaf.
    pub class_counts: Vec<usize>,
    /// The share of the leaf's training rows in its class (the rule's training accuracy).
    pub purity: f64,
    /// The rule in words: `"recency ≤ 41 days and orders ≥ 4 → high value, 812 customers, 71%
    /// correct"`.
    pub text: String,
}

impl LeafRule {
    /// Whether a row (one value per feature) meets every condition.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::tree::{Condition, LeafRule};
    /// let rule = LeafRule {
    ///     conditions: vec![Condition { feature: 1, above: Some(3.5), at_most: None }],
    ///     class: 0, class_name: "high".into(), size: 1, class_counts: vec![1], purity: 1.0,
    ///     text: String::new(),
    /// };
    /// assert!(rule.matches(&[0.0, 4.0]));
    /// assert!(!rule.matches(&[0.0, 3.0]));
    /// ```
    pub fn matches(&self, row: &[f64]) -> bool {
        self.conditions
            .iter()
            .all(|c| row.get(c.feature).is_some_and(|&v| c.contains(v)))
    }
}

/// The conditions of a path of `(feature, threshold, went_left)` steps: one per feature, the
/// tightest bounds, in the order the path first tests each feature.
pub(crate) fn conditions(path: &[(usize, f64, bool)]) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    for &(feature, threshold, left) in path {
        let position = match out.iter().position(|c| c.feature == feature) {
            Some(p) => p,
            None => {
                out.push(Condition {
                    feature,
                    above: None,
                    at_most: None,
                });
                out.len() - 1
            }
        };
        let c = &mut out[position];
        // Deeper splits only narrow the bounds, so the newest bound on a side is the tightest.
        if left {
            c.at_most = Some(c.at_most.map_or(threshold, |m| m.min(threshold)));
        } else {
            c.above = Some(c.above.map_or(threshold, |a| a.max(threshold)));
        }
    }
    out
}

/// The rule in words. `integer[f]` says feature f takes only whole values, so its bounds are
/// written as whole numbers (`≤ 40.5` is `≤ 40`, `> 40.5` is `≥ 41`).
pub(crate) fn rule_text(rule: &LeafRule, features: &[TreeFeature], integer: &[bool]) -> String {
    let conditions: Vec<String> = rule
        .conditions
        .iter()
        .map(|c| condition_text(c, &features[c.feature], integer[c.feature]))
        .collect();
    let when = if conditions.is_empty() {
        "all customers".to_string()
    } else {
        conditions.join(" and ")
    };
    let noun = if rule.size == 1 {
        "customer"
    } else {
        "customers"
    };
    format!(
        "{when} → {}, {} {noun}, {:.0}% correct",
        rule.class_name,
        rule.size,
        rule.purity * 100.0
    )
}

fn condition_text(c: &Condition, feature: &TreeFeature, integer: bool) -> String {
    let name = &feature.name;
    let unit = if feature.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", feature.unit)
    };
    if integer {
        // Whole values above a are at least ⌊a⌋ + 1; those at most m are at most ⌊m⌋.
        let low = c.above.map(|a| a.floor() + 1.0);
        let high = c.at_most.map(f64::floor);
        return match (low, high) {
            (Some(l), Some(h)) if l == h => format!("{name} = {}{unit}", number(l)),
            (Some(l), Some(h)) => format!("{} ≤ {name} ≤ {}{unit}", number(l), number(h)),
            (Some(l), None) => format!("{name} ≥ {}{unit}", number(l)),
            (None, Some(h)) => format!("{name} ≤ {}{unit}", number(h)),
            (None, None) => name.clone(),
        };
    }
    match (c.above, c.at_most) {
        (Some(a), Some(m)) => format!("{} < {name} ≤ {}{unit}", number(a), number(m)),
        (Some(a), None) => format!("{name} > {}{unit}", number(a)),
        (None, Some(m)) => format!("{name} ≤ {}{unit}", number(m)),
        (None, None) => name.clone(),
    }
}

/// A threshold for reading: six significant digits, trailing zeros dropped (the exact value is
/// in [`Condition`]).
fn number(v: f64) -> String {
    if v == 0.0 || (1e-4..1e15).contains(&v.abs()) {
        let digits = v.abs().log10().floor().max(0.0) as usize + 1;
        let decimals = 6usize.saturating_sub(digits);
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_short() {
        assert_eq!(number(40.5), "40.5");
        assert_eq!(number(29.529999999999998), "29.53");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1234567.25), "1234567");
        assert_eq!(number(1e20), "1e20");
    }

    #[test]
    fn path_bounds_tighten() {
        let c = conditions(&[(0, 40.5, true), (1, 3.5, false), (0, 10.5, false)]);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].above, c[0].at_most), (Some(10.5), Some(40.5)));
        assert_eq!((c[1].above, c[1].at_most), (Some(3.5), None));
    }
}
