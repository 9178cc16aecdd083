//! The configurable thresholds, the rule that fired and the numbers it read.

use rust_decimal::Decimal;

use super::{LifecycleError, LifecycleStage};
use crate::settings::Settings;

crate::settings::checked_serde! {
    /// Every threshold of the lifecycle rules. Start from [`LifecycleRules::default`] and change fields;
    /// [`LifecycleClassifier::new`](super::LifecycleClassifier::new) checks them, and so does reading
    /// them back through serde (with the `serde` feature).
    ///
    /// Defaults and their sources:
    ///
    /// - `shrinkage_strength` k₀ = 2: the population median gap weighs as much as two observed gaps of
    ///   the customer's own (normal–normal empirical-Bayes shrinkage, Efron & Morris 1975): a customer
    ///   with one repeat is pulled two thirds of the way to the population, one with 20 repeats barely.
    /// - the 90-day floors (`churn_min_days`, `return_window_min_days`, `trend_window_min_days`): the
    ///   "90 days inactive" rule CRM teams use by default, kept as a floor so that fast buyers are not
    ///   declared churned after a few weeks.
    /// - `churn_max_days` = 365 and `growing_tenure_days` = 365: one year, the horizon of annual
    ///   retention reporting.
    /// - `churn_gap_multiple` = 3, `declining_gap_multiple` = 2, `trend_window_gap_multiple` = 3: three
    ///   expected gaps of silence is gone, two is overdue; trends compare windows of three gaps.
    /// - `declining_trend` = 0.5 and `growing_trend` = 1.25: recent spend under half of the window
    ///   before, or a quarter above it.
    /// - `churn_probability` = 0.3 and `declining_probability` = 0.5: the P(alive) rule of thumb users
    ///   of lifetimes and PyMC-Marketing converge on.
    ///
    /// With the `serde` feature the rules serialize, and reading them back runs
    /// [`Settings::check`]: rules it would refuse are refused with its message.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::lifecycle::{LifecycleClassifier, LifecycleRules};
    /// let mut rules = LifecycleRules::default();
    /// rules.churn_max_days = 180.0; // a fast-moving business
    /// assert!(LifecycleClassifier::new(rules).is_ok());
    /// rules.churn_max_days = 30.0; // below the 90-day floor
    /// assert!(LifecycleClassifier::new(rules).is_err());
    ///
    /// // With the `serde` feature the rules are saved, and read back through the same check.
    /// let json = serde_json::to_string(&LifecycleRules::default()).unwrap();
    /// assert_eq!(serde_json::from_str::<LifecycleRules>(&json).unwrap(), LifecycleRules::default());
    /// let refused = serde_json::from_str::<LifecycleRules>(&json.replace("\"churn_max_days\":365.0", "\"churn_max_days\":30.0"));
    /// assert_eq!(refused.unwrap_err().to_string(),
    ///     "lifecycle rule churn_min_days = 90 is invalid: must not exceed churn_max_days");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq)]
    #[non_exhaustive]
    pub struct LifecycleRules {
        /// k₀: how many of the customer's own gaps the population median gap weighs (≥ 0).
        pub shrinkage_strength: f64,
        /// A fixed population gap in days instead of the median over repeat customers (`None`, the
        /// default, computes the median).
        pub population_gap_days: Option<f64>,
        /// Churn threshold c = min(max(`churn_gap_multiple`·g, `churn_min_days`), `churn_max_days`).
        pub churn_gap_multiple: f64,
        /// Floor of the churn threshold, days.
        pub churn_min_days: f64,
        /// Cap of the churn threshold, days.
        pub churn_max_days: f64,
        /// Reactivated needs r ≤ max(g, `return_window_min_days`).
        pub return_window_min_days: f64,
        /// Declining when r > `declining_gap_multiple`·g.
        pub declining_gap_multiple: f64,
        /// Declining when the spend trend ρ < `declining_trend` (with enough occasions).
        pub declining_trend: f64,
        /// The spend-trend decline rule needs n ≥ `declining_min_occasions`.
        pub declining_min_occasions: u64,
        /// Growing when tenure < `growing_tenure_days`.
        pub growing_tenure_days: f64,
        /// Growing when ρ ≥ `growing_trend`.
        pub growing_trend: f64,
        /// Trend window L = max(`trend_window_min_days`, `trend_window_gap_multiple`·g).
        pub trend_window_min_days: f64,
        /// See `trend_window_min_days`.
        pub trend_window_gap_multiple: f64,
        /// With a purchase model: Churned when P(alive) < `churn_probability`.
        pub churn_probability: f64,
        /// With a purchase model: Declining when P(alive) < `declining_probability`.
        pub declining_probability: f64,
    }
}

impl Default for LifecycleRules {
    fn default() -> Self {
        Self {
            shrinkage_strength: 2.0,
            population_gap_days: None,
            churn_gap_multiple: 3.0,
            churn_min_days: 90.0,
            churn_max_days: 365.0,
            return_window_min_days: 90.0,
            declining_gap_multiple: 2.0,
            declining_trend: 0.5,
            declining_min_occasions: 3,
            growing_tenure_days: 365.0,
            growing_trend: 1.25,
            trend_window_min_days: 90.0,
            trend_window_gap_multiple: 3.0,
            churn_probability: 0.3,
            declining_probability: 0.5,
        }
    }
}

impl LifecycleRules {
    /// The largest day count a threshold may be given: 10⁹ days (2.7 million years, longer than
    /// any span chrono's dates allow). With every gap multiple at most [`Self::MAX_MULTIPLE`], the
    /// thresholds the rules derive (at most 10¹⁵ days) stay finite.
    pub const MAX_DAYS: f64 = 1e9;

    /// The largest gap multiple (`churn_gap_multiple`, `declining_gap_multiple`,
    /// `trend_window_gap_multiple`) or shrinkage strength k₀ the rules may be given: 10⁶.
    pub const MAX_MULTIPLE: f64 = 1e6;
}

impl Settings for LifecycleRules {
    type Error = LifecycleError;

    /// Checks every threshold. [`LifecycleClassifier::new`](super::LifecycleClassifier::new) calls
    /// it and returns the classifier that applies the rules.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidParameter`] naming the first field that is not finite, or negative
    /// (k₀, the tenure), or not positive (every other day count and multiple, the trends and a fixed
    /// population gap), or above its limit (a day count above [`LifecycleRules::MAX_DAYS`], a
    /// multiple or k₀ above [`LifecycleRules::MAX_MULTIPLE`]: beyond them a threshold the rules
    /// derive, such as 1e308 × the expected gap, would overflow to ∞), or `churn_min_days` >
    /// `churn_max_days`, or a probability outside [0, 1], or `churn_probability` >
    /// `declining_probability`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::lifecycle::{LifecycleError, LifecycleRules};
    /// use customer_value::Settings;
    /// let mut rules = LifecycleRules::default();
    /// rules.churn_probability = 0.7; // above declining_probability = 0.5
    /// assert!(matches!(rules.check(), Err(LifecycleError::InvalidParameter { name: "churn_probability", .. })));
    /// assert!(LifecycleRules::default().check().is_ok());
    /// ```
    fn check(&self) -> Result<(), LifecycleError> {
        let invalid = |name, value, constraint| {
            Err(LifecycleError::InvalidParameter {
                name,
                value,
                constraint,
            })
        };
        let multiple = "must be finite, > 0 and at most 1000000 (LifecycleRules::MAX_MULTIPLE)";
        let days = "must be finite, > 0 and at most 1000000000 days (LifecycleRules::MAX_DAYS)";
        // (name, value, smallest allowed is 0 rather than > 0, limit, constraint)
        let bounded = [
            (
                "shrinkage_strength",
                self.shrinkage_strength,
                true,
                Self::MAX_MULTIPLE,
                "must be finite, ≥ 0 and at most 1000000 (LifecycleRules::MAX_MULTIPLE)",
            ),
            (
                "growing_tenure_days",
                self.growing_tenure_days,
                true,
                Self::MAX_DAYS,
                "must be finite, ≥ 0 and at most 1000000000 days (LifecycleRules::MAX_DAYS)",
            ),
            (
                "population_gap_days",
                self.population_gap_days.unwrap_or(1.0),
                false,
                Self::MAX_DAYS,
                days,
            ),
            (
                "churn_gap_multiple",
                self.churn_gap_multiple,
                false,
                Self::MAX_MULTIPLE,
                multiple,
            ),
            (
                "churn_min_days",
                self.churn_min_days,
                false,
                Self::MAX_DAYS,
                days,
            ),
            (
                "churn_max_days",
                self.churn_max_days,
                false,
                Self::MAX_DAYS,
                days,
            ),
            (
                "return_window_min_days",
                self.return_window_min_days,
                false,
                Self::MAX_DAYS,
                days,
            ),
            (
                "declining_gap_multiple",
                self.declining_gap_multiple,
                false,
                Self::MAX_MULTIPLE,
                multiple,
            ),
            (
                "trend_window_min_days",
                self.trend_window_min_days,
                false,
                Self::MAX_DAYS,
                days,
            ),
            (
                "trend_window_gap_multiple",
                self.trend_window_gap_multiple,
                false,
                Self::MAX_MULTIPLE,
                multiple,
            ),
            // Ratios are only compared, never multiplied: any finite positive value will do.
            (
                "declining_trend",
                self.declining_trend,
                false,
                f64::MAX,
                "must be finite and > 0",
            ),
            (
                "growing_trend",
                self.growing_trend,
                false,
                f64::MAX,
                "must be finite and > 0",
            ),
        ];
        for (name, value, zero_allowed, limit, constraint) in bounded {
            let above_floor = value > 0.0 || (zero_allowed && value == 0.0);
            if !(above_floor && value <= limit) {
                return invalid(name, value, constraint);
            }
        }
        if self.churn_min_days > self.churn_max_days {
            return invalid(
                "churn_min_days",
                self.churn_min_days,
                "must not exceed churn_max_days",
            );
        }
        for (name, value) in [
            ("churn_probability", self.churn_probability),
            ("declining_probability", self.declining_probability),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return invalid(name, value, "must be in [0, 1]");
            }
        }
        if self.churn_probability > self.declining_probability {
            return invalid(
                "churn_probability",
                self.churn_probability,
                "must not exceed declining_probability",
            );
        }
        Ok(())
    }
}

/// The rule that placed a customer in its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LifecycleRule {
    /// Prospect: a known prospect with no purchase by the as-of date.
    KnownProspect,
    /// Churned: r > c.
    RecencyPastChurnThreshold,
    /// Churned (model option): P(alive) < `churn_probability`.
    ProbabilityAliveBelowChurn,
    /// Reactivated: the last gap > c and r ≤ max(g, 90).
    ReturnedAfterLongGap,
    /// Declining: r > 2g.
    RecencyPastExpectedGap,
    /// Declining (model option): P(alive) < `declining_probability`.
    ProbabilityAliveBelowDeclining,
    /// Declining: ρ < 0.5 with n ≥ 3.
    SpendTrendDown,
    /// New: a single purchase occasion.
    SinglePurchase,
    /// Growing: tenure < 365 days.
    ShortTenure,
    /// Growing: ρ ≥ 1.25, or spend in the recent window after none in the earlier one.
    SpendTrendUp,
    /// Mature: no other rule held.
    Established,
}

impl LifecycleRule {
    /// The stage the rule gives.
    pub(crate) fn stage(self) -> LifecycleStage {
        use LifecycleRule as R;
        use LifecycleStage as S;
        match self {
            R::KnownProspect => S::Prospect,
            R::RecencyPastChurnThreshold | R::ProbabilityAliveBelowChurn => S::Churned,
            R::ReturnedAfterLongGap => S::Reactivated,
            R::RecencyPastExpectedGap | R::ProbabilityAliveBelowDeclining | R::SpendTrendDown => {
                S::Declining
            }
            R::SinglePurchase => S::New,
            R::ShortTenure | R::SpendTrendUp => S::Growing,
            R::Established => S::Mature,
        }
    }
}

/// The numbers the rules read for one customer, as of the classification date.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageMetrics {
    /// n: purchase occasions up to the as-of date.
    pub occasions: u64,
    /// r: days from the last occasion to the as-of date (RFM recency).
    pub recency_days: i64,
    /// Days from the first occasion to the as-of date.
    pub tenure_days: i64,
    /// Days between the last two occasions, `None` when n = 1.
    pub last_gap_days: Option<i64>,
    /// g: the expected gap in days (own mean gap shrunk toward the population's).
    pub expected_gap_days: f64,
    /// c: the churn threshold in days.
    pub churn_threshold_days: f64,
    /// max(g, 90): how recent a return must be to count as a reactivation.
    pub return_window_days: f64,
    /// L: the length of each spend-trend window in days.
    pub trend_window_days: f64,
    /// Net spend of the occasions in (as-of − L, as-of].
    pub recent_spend: Decimal,
    /// Net spend of the occasions in (as-of − 2L, as-of − L].
    pub earlier_spend: Decimal,
    /// ρ = recent / earlier spend, always finite; `None` when the earlier window's net spend is
    /// not positive, for the ratio is then undefined (or of no meaning: refunds made it negative).
    /// The trend rules then read the windows themselves: recent spend above 0 after none counts
    /// as a rise (the Growing rule fires as for ρ ≥ `growing_trend`), anything else fires neither
    /// trend rule.
    pub spend_trend: Option<f64>,
    /// P(alive) from the purchase model, when one was used.
    pub probability_alive: Option<f64>,
}

/// An `Option<f64>` that may be +∞ through serde: +∞ as the string `"inf"`, which formats without
/// infinite numbers (JSON) can hold, every other value as it is. Without it serde_json writes +∞
/// as `null`, which reads back as `None`: a Growing customer's spend trend would be lost.
/// Why a customer is in its stage: the rule that fired and the numbers it read (`None` for a
/// prospect, who has no purchase to measure). Its `Display` is a sentence for a CRM user.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageReason {
    /// The stage.
    pub stage: LifecycleStage,
    /// The rule that fired.
    pub rule: LifecycleRule,
    /// The customer's numbers, `None` for a prospect.
    pub metrics: Option<StageMetrics>,
    /// The rule's threshold (the other side of the comparison), `None` for rules without one.
    pub threshold: Option<f64>,
}

impl std::fmt::Display for StageReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stage = self.stage.name().to_lowercase();
        let Some(m) = self.metrics else {
            return write!(f, "{stage}: a known prospect with no purchase yet");
        };
        let t = self.threshold.unwrap_or(f64::NAN);
        let trend = m
            .spend_trend
            .map_or_else(|| "none".to_string(), short_number);
        match self.rule {
            LifecycleRule::KnownProspect => write!(f, "{stage}: a known prospect with no purchase yet"),
            LifecycleRule::RecencyPastChurnThreshold => write!(
                f,
                "{stage}: {} days since the last purchase > churn threshold {t:.1} days (expected gap {:.1} days)",
                m.recency_days, m.expected_gap_days
            ),
            LifecycleRule::ProbabilityAliveBelowChurn | LifecycleRule::ProbabilityAliveBelowDeclining => write!(
                f,
                "{stage}: P(alive) {:.3} < {t}",
                m.probability_alive.unwrap_or(f64::NAN)
            ),
            LifecycleRule::ReturnedAfterLongGap => write!(
                f,
                "{stage}: returned after a gap of {} days > churn threshold {:.1} days, last purchase {} days ago ≤ {:.1}",
                m.last_gap_days.unwrap_or(0),
                m.churn_threshold_days,
                m.recency_days,
                m.return_window_days
            ),
            LifecycleRule::RecencyPastExpectedGap => write!(
                f,
                "{stage}: {} days since the last purchase > {t:.1} days (twice the expected gap)",
                m.recency_days
            ),
            LifecycleRule::SpendTrendDown => write!(
                f,
                "{stage}: spend trend {trend} < {t} ({} in the last {:.1} days vs {} before, {} purchases)",
                m.recent_spend, m.trend_window_days, m.earlier_spend, m.occasions
            ),
            LifecycleRule::SinglePurchase => {
                write!(f, "{stage}: a single purchase, {} days ago", m.recency_days)
            }
            LifecycleRule::ShortTenure => write!(
                f,
                "{stage}: first purchase {} days ago < {t} days",
                m.tenure_days
            ),
            LifecycleRule::SpendTrendUp if m.spend_trend.is_none() => write!(
                f,
                "{stage}: spend rose from nothing ({} in the last {:.1} days vs {} before)",
                m.recent_spend, m.trend_window_days, m.earlier_spend
            ),
            LifecycleRule::SpendTrendUp => write!(
                f,
                "{stage}: spend trend {trend} ≥ {t} ({} in the last {:.1} days vs {} before)",
                m.recent_spend, m.trend_window_days, m.earlier_spend
            ),
            LifecycleRule::Established => write!(
                f,
                "{stage}: {} purchases over {} days, last {} days ago, spend trend {trend}",
                m.occasions, m.tenure_days, m.recency_days
            ),
        }
    }
}

/// Four decimals without trailing zeros (0.4999, 1.25, 1): enough to show which side of a
/// threshold a ratio falls on.
fn short_number(value: f64) -> String {
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
