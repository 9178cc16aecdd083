//! Which stages a log of a given length can reach at all.

use super::{LifecycleRules, LifecycleStage};

/// A stage no customer can be in, because the log is shorter than the history the stage needs.
///
/// # Examples
///
/// ```
/// use customer_value::lifecycle::{LifecycleRules, LifecycleStage};
/// let unreachable = LifecycleRules::default().unreachable_stages(364);
/// assert_eq!(unreachable[0].stage, LifecycleStage::Mature);
/// assert_eq!(unreachable[0].setting, "growing_tenure_days");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UnreachableStage {
    /// The stage.
    pub stage: LifecycleStage,
    /// Days of history it needs.
    pub needed_days: f64,
    /// The field of [`LifecycleRules`] that sets the need.
    pub setting: &'static str,
}

impl LifecycleRules {
    /// The stages the gap rules cannot give any customer when the log covers `window_days` days
    /// (from the earliest first purchase to the as-of date), in the order of
    /// [`LifecycleStage::ALL`]. The thresholds are *not* scaled to the window: a stage that needs a
    /// year of history is reported as unreachable on a shorter log instead, because scaling would
    /// change what the stage means (a "Mature" customer of three months is not mature), and the
    /// same rules must give the same stage to the same history whatever the log's length.
    ///
    /// - Mature needs a tenure of at least `growing_tenure_days` (below it the customer is
    ///   Growing): unreachable when `window_days` < `growing_tenure_days`;
    /// - Churned needs a silence above the churn threshold, at least `churn_min_days`, and
    ///   Reactivated a gap above it: both unreachable when `window_days` ≤ `churn_min_days`.
    ///
    /// With a purchase model ([`LifecycleClassifier::classify_with_model`](super::LifecycleClassifier::classify_with_model))
    /// Churned is judged by P(alive) and stays reachable; this function describes the gap rules.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::lifecycle::{LifecycleRules, LifecycleStage};
    /// let rules = LifecycleRules::default();
    /// assert!(rules.unreachable_stages(365).is_empty());
    /// let stages: Vec<LifecycleStage> =
    ///     rules.unreachable_stages(60).iter().map(|u| u.stage).collect();
    /// assert_eq!(stages, [LifecycleStage::Mature, LifecycleStage::Churned, LifecycleStage::Reactivated]);
    /// ```
    pub fn unreachable_stages(&self, window_days: i64) -> Vec<UnreachableStage> {
        let window = window_days as f64;
        let mut out = Vec::new();
        if window < self.growing_tenure_days {
            out.push(UnreachableStage {
                stage: LifecycleStage::Mature,
                needed_days: self.growing_tenure_days,
                setting: "growing_tenure_days",
            });
        }
        if window <= self.churn_min_days {
            for stage in [LifecycleStage::Churned, LifecycleStage::Reactivated] {
                out.push(UnreachableStage {
                    stage,
                    needed_days: self.churn_min_days,
                    setting: "churn_min_days",
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive_as_the_rules_are() {
        let rules = LifecycleRules::default();
        // Growing when tenure < 365: a tenure of 365 days is Mature.
        assert_eq!(rules.unreachable_stages(364).len(), 1);
        assert!(rules.unreachable_stages(365).is_empty());
        // Churned when r > c ≥ 90: a window of 90 days cannot hold 91 days of silence.
        assert_eq!(rules.unreachable_stages(90).len(), 3);
        assert_eq!(rules.unreachable_stages(91).len(), 1);
    }
}
