//! One customer's judgement: its purchase rhythm, its spend trend, and the stage rules applied in
//! order to the numbers they read.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::rules::{LifecycleRule, LifecycleRules, StageMetrics, StageReason};
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

    /// ρ = recent / earlier spend; `None` when the earlier spend is not positive (the ratio is
    /// undefined: see `rose_from_nothing`).
    fn trend(&self) -> Option<f64> {
        if self.earlier <= Decimal::ZERO {
            return None;
        }
        // Exact decimal ratio, then one rounding to f64: thresholds like 0.5 compare exactly. A
        // quotient beyond Decimal's range (> 7.9e28) is taken in f64: both amounts are within
        // [1e-28, 7.9e28], so it is at most 7.9e56, finite.
        Some(
            self.recent
                .checked_div(self.earlier)
                .map_or_else(|| to_f64(self.recent) / to_f64(self.earlier), to_f64),
        )
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
    let (rule, threshold) = first_rule_that_holds(rules, &metrics);
    let reason = StageReason {
        stage: rule.stage(),
        rule,
        metrics: Some(metrics),
        threshold,
    };
    (reason, spend.revenue)
}

/// The stage rules of the module docs, in order: the first that holds, with its threshold (the
/// other side of the comparison); the rule gives the stage.
fn first_rule_that_holds(rules: &LifecycleRules, m: &StageMetrics) -> (LifecycleRule, Option<f64>) {
    use LifecycleRule as R;
    let r = m.recency_days as f64;
    let alive = m.probability_alive;
    let churn_threshold = m.churn_threshold_days;
    let overdue = rules.declining_gap_multiple * m.expected_gap_days;
    if alive.is_some_and(|p| p < rules.churn_probability) {
        (R::ProbabilityAliveBelowChurn, Some(rules.churn_probability))
    } else if alive.is_none() && r > churn_threshold {
        (R::RecencyPastChurnThreshold, Some(churn_threshold))
    } else if m
        .last_gap_days
        .is_some_and(|gap| gap as f64 > churn_threshold)
        && r <= m.return_window_days
    {
        (R::ReturnedAfterLongGap, Some(churn_threshold))
    } else if alive.is_some_and(|p| p < rules.declining_probability) {
        (
            R::ProbabilityAliveBelowDeclining,
            Some(rules.declining_probability),
        )
    } else if alive.is_none() && r > overdue {
        (R::RecencyPastExpectedGap, Some(overdue))
    } else if m.occasions >= rules.declining_min_occasions
        && m.spend_trend.is_some_and(|rho| rho < rules.declining_trend)
    {
        (R::SpendTrendDown, Some(rules.declining_trend))
    } else if m.occasions == 1 {
        (R::SinglePurchase, None)
    } else if (m.tenure_days as f64) < rules.growing_tenure_days {
        (R::ShortTenure, Some(rules.growing_tenure_days))
    } else if m.spend_trend.map_or_else(
        || rose_from_nothing(m.recent_spend, m.earlier_spend),
        |rho| rho >= rules.growing_trend,
    ) {
        (R::SpendTrendUp, Some(rules.growing_trend))
    } else {
        (R::Established, None)
    }
}

/// Spend in the recent window after none (or refunds) in the earlier one: a rise the ratio ρ
/// cannot express, read as one above any `growing_trend`.
fn rose_from_nothing(recent: Decimal, earlier: Decimal) -> bool {
    earlier <= Decimal::ZERO && recent > Decimal::ZERO
}

/// Days from the first to the last occasion of a non-empty sorted slice.
pub(super) fn span_days(occasions: &[PurchaseOccasion]) -> i64 {
    match (occasions.first(), occasions.last()) {
        (Some(a), Some(b)) => (b.date - a.date).num_days(),
        _ => 0,
    }
}
