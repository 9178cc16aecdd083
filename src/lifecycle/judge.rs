//! One customer's judgement: its purchase rhythm, its spend trend, and the stage rules applied in
//! order to the numbers they read.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::rules::{LifecycleRule, LifecycleRules, StageMetrics, StageReason};
use super::LifecycleStage;
use crate::numeric::money::to_f64;
use crate::summary::PurchaseOccasion;

/// A customer's purchase rhythm in days: its expected gap g, shrunk toward the population gap G,
/// and the three thresholds the rules derive from g.
struct Rhythm {
    /// g = ((n − 1)·own mean gap + k₀·G) / (n − 1 + k₀), G when n ≤ 1.
    expected_gap: f64,
    /// c = min(max(multiple·g, floor), cap).
    churn_threshold: f64,
    /// max(g, floor): how recent a return must be to count as a reactivation.
    return_window: f64,
    /// L = max(floor, multiple·g): the length of each spend-trend window.
    trend_window: f64,
}

impl Rhythm {
    /// The rhythm of a customer with `occasions` (non-empty, sorted) among a population whose gap
    /// is `population_gap`.
    fn estimate(
        rules: &LifecycleRules, occasions: &[PurchaseOccasion], population_gap: f64,
    ) -> Self {
        let n = occasions.len();
        let k0 = rules.shrinkage_strength;
        let expected_gap = if n <= 1 {
            population_gap
        } else {
            // (n − 1)·own mean gap = the span from the first to the last occasion.
            (span_days(occasions) as f64 + k0 * population_gap) / ((n - 1) as f64 + k0)
        };
        Self {
            expected_gap,
            churn_threshold: (rules.churn_gap_multiple * expected_gap)
                .max(rules.churn_min_days)
                .min(rules.churn_max_days),
            return_window: expected_gap.max(rules.return_window_min_days),
            trend_window: rules
                .trend_window_min_days
                .max(rules.trend_window_gap_multiple * expected_gap),
        }
    }
}

/// Net spend of the occasions in the recent window (as-of − L, as-of], in the window before it
/// (as-of − 2L, as-of − L], and in all.
struct SpendWindows {
    recent: Decimal,
    earlier: Decimal,
    revenue: Decimal,
}

impl SpendWindows {
    fn sum(occasions: &[PurchaseOccasion], as_of: NaiveDate, trend_window: f64) -> Self {
        let mut windows = Self {
            recent: Decimal::ZERO,
            earlier: Decimal::ZERO,
            revenue: Decimal::ZERO,
        };
        for o in occasions {
            windows.revenue += o.amount;
            let days_before = (as_of - o.date).num_days() as f64;
            if days_before < trend_window {
                windows.recent += o.amount;
            } else if days_before < 2.0 * trend_window {
                windows.earlier += o.amount;
            }
        }
        windows
    }

    /// ρ = recent / earlier spend; +∞ when only the earlier window is empty; `None` when both are.
    fn trend(&self) -> Option<f64> {
        if self.earlier > Decimal::ZERO {
            // Exact decimal ratio, then one rounding to f64: thresholds like 0.5 compare exactly. A
            // quotient beyond Decimal's range (> 7.9e28) is, for every threshold, infinitely large.
            Some(
                self.recent
                    .checked_div(self.earlier)
                    .map_or(f64::INFINITY, to_f64),
            )
        } else if self.recent > Decimal::ZERO {
            Some(f64::INFINITY)
        } else {
            None
        }
    }
}

/// Applies the rules, in order, to one customer's occasions up to `as_of` (non-empty, sorted):
/// its stage with the reason, and its net spend up to `as_of`.
pub(super) fn judge(
    rules: &LifecycleRules, occasions: &[PurchaseOccasion], as_of: NaiveDate, population_gap: f64,
    probability_alive: Option<f64>,
) -> (StageReason, Decimal) {
    let n = occasions.len();
    let first = occasions[0].date; // non-empty: checked by the caller
    let last = occasions[n - 1].date;
    let rhythm = Rhythm::estimate(rules, occasions, population_gap);
    let spend = SpendWindows::sum(occasions, as_of, rhythm.trend_window);
    let metrics = StageMetrics {
        occasions: n as u64,
        recency_days: (as_of - last).num_days(),
        tenure_days: (as_of - first).num_days(),
        last_gap_days: (n >= 2).then(|| (last - occasions[n - 2].date).num_days()),
        expected_gap_days: rhythm.expected_gap,
        churn_threshold_days: rhythm.churn_threshold,
        return_window_days: rhythm.return_window,
        trend_window_days: rhythm.trend_window,
        recent_spend: spend.recent,
        earlier_spend: spend.earlier,
        spend_trend: spend.trend(),
        probability_alive,
    };
    let (stage, rule, threshold) = first_rule_that_holds(rules, &metrics);
    let reason = StageReason {
        stage,
        rule,
        metrics: Some(metrics),
        threshold,
    };
    (reason, spend.revenue)
}

/// The stage rules of the module docs, in order: the first that holds gives the stage, the rule
/// and its threshold (the other side of the comparison).
fn first_rule_that_holds(
    rules: &LifecycleRules, m: &StageMetrics,
) -> (LifecycleStage, LifecycleRule, Option<f64>) {
    use LifecycleRule as R;
    use LifecycleStage as S;
    let r = m.recency_days as f64;
    let alive = m.probability_alive;
    let churn_threshold = m.churn_threshold_days;
    let overdue = rules.declining_gap_multiple * m.expected_gap_days;
    if alive.is_some_and(|p| p < rules.churn_probability) {
        (
            S::Churned,
            R::ProbabilityAliveBelowChurn,
            Some(rules.churn_probability),
        )
    } else if alive.is_none() && r > churn_threshold {
        (
            S::Churned,
            R::RecencyPastChurnThreshold,
            Some(churn_threshold),
        )
    } else if m
        .last_gap_days
        .is_some_and(|gap| gap as f64 > churn_threshold)
        && r <= m.return_window_days
    {
        (
            S::Reactivated,
            R::ReturnedAfterLongGap,
            Some(churn_threshold),
        )
    } else if alive.is_some_and(|p| p < rules.declining_probability) {
        (
            S::Declining,
            R::ProbabilityAliveBelowDeclining,
            Some(rules.declining_probability),
        )
    } else if alive.is_none() && r > overdue {
        (S::Declining, R::RecencyPastExpectedGap, Some(overdue))
    } else if m.occasions >= rules.declining_min_occasions
        && m.spend_trend.is_some_and(|rho| rho < rules.declining_trend)
    {
        (S::Declining, R::SpendTrendDown, Some(rules.declining_trend))
    } else if m.occasions == 1 {
        (S::New, R::SinglePurchase, None)
    } else if (m.tenure_days as f64) < rules.growing_tenure_days {
        (S::Growing, R::ShortTenure, Some(rules.growing_tenure_days))
    } else if m.spend_trend.is_some_and(|rho| rho >= rules.growing_trend) {
        (S::Growing, R::SpendTrendUp, Some(rules.growing_trend))
    } else {
        (S::Mature, R::Established, None)
    }
}

/// Days from the first to the last occasion of a non-empty sorted slice.
pub(super) fn span_days(occasions: &[PurchaseOccasion]) -> i64 {
    match (occasions.first(), occasions.last()) {
        (Some(a), Some(b)) => (b.date - a.date).num_days(),
        _ => 0,
    }
}
