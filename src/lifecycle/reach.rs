//! Which stages a log of a given length can reach at all, and for how many customers.

use chrono::NaiveDate;

use super::{LifecycleRules, LifecycleStage};
use crate::summary::CustomerSummary;

/// The field of [`LifecycleRules`] setting the tenure Mature needs.
const TENURE_SETTING: &str = "growing_tenure_days";
/// The field of [`LifecycleRules`] setting the silence Churned and Reactivated need.
const CHURN_SETTING: &str = "churn_min_days";
/// Every `setting` a [`StageReach`] or an [`UnreachableStage`] names.
pub(crate) const HISTORY_SETTINGS: [&str; 2] = [TENURE_SETTING, CHURN_SETTING];

/// How many customers have the history a stage needs (see [`LifecycleRules::stage_reach`]).
///
/// # Examples
///
/// ```
/// use customer_value::lifecycle::{LifecycleRules, LifecycleStage};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |y, m, n| NaiveDate::from_ymd_opt(y, m, n).unwrap();
/// let log = [Transaction::new(1, d(2023, 1, 1), Decimal::ONE), Transaction::new(2, d(2024, 3, 1), Decimal::ONE)];
/// let summaries = Summarizer::new(d(2024, 6, 30)).summarize(&log)?;
/// let reach = LifecycleRules::default().stage_reach(&summaries, d(2024, 6, 30));
/// assert_eq!((reach[0].stage, reach[0].eligible, reach[0].customers), (LifecycleStage::Mature, 1, 2));
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StageReach {
    /// The stage.
    pub stage: LifecycleStage,
    /// Days of history it needs.
    pub needed_days: f64,
    /// The field of [`LifecycleRules`] that sets the need.
    pub setting: &'static str,
    /// Customers (first purchase by the as-of date) with that much history.
    pub eligible: u64,
    /// Customers with a first purchase by the as-of date.
    pub customers: u64,
}

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
                setting: TENURE_SETTING,
            });
        }
        if window <= self.churn_min_days {
            for stage in [LifecycleStage::Churned, LifecycleStage::Reactivated] {
                out.push(UnreachableStage {
                    stage,
                    needed_days: self.churn_min_days,
                    setting: CHURN_SETTING,
                });
            }
        }
        out
    }

    /// For Mature, Churned and Reactivated (in that order), how many customers have the history
    /// the gap rules need for the stage as of `as_of`: a tenure of at least `growing_tenure_days`
    /// for Mature, above `churn_min_days` for Churned and Reactivated. A stage whose `eligible` is
    /// 0 is unreachable (as [`LifecycleRules::unreachable_stages`] says of the log's window); one
    /// whose `eligible` is a small share of `customers` is out of reach of most customers, however
    /// established their rhythm: on such a log most of them are Growing by tenure alone.
    ///
    /// # Examples
    ///
    /// See [`StageReach`].
    pub fn stage_reach<C>(
        &self, summaries: &[CustomerSummary<C>], as_of: NaiveDate,
    ) -> Vec<StageReach> {
        let tenures: Vec<f64> = summaries
            .iter()
            .filter(|s| s.first_purchase() <= as_of)
            .map(|s| (as_of - s.first_purchase()).num_days() as f64)
            .collect();
        let customers = tenures.len() as u64;
        let count =
            |keep: &dyn Fn(f64) -> bool| tenures.iter().filter(|t| keep(**t)).count() as u64;
        let mature = count(&|t| t >= self.growing_tenure_days);
        let lapsed = count(&|t| t > self.churn_min_days);
        [
            (
                LifecycleStage::Mature,
                self.growing_tenure_days,
                TENURE_SETTING,
                mature,
            ),
            (
                LifecycleStage::Churned,
                self.churn_min_days,
                CHURN_SETTING,
                lapsed,
            ),
            (
                LifecycleStage::Reactivated,
                self.churn_min_days,
                CHURN_SETTING,
                lapsed,
            ),
        ]
        .into_iter()
        .map(|(stage, needed_days, setting, eligible)| StageReach {
            stage,
            needed_days,
            setting,
            eligible,
            customers,
        })
        .collect()
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
