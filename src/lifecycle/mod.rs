//! Lifecycle stages: where each customer is in its life with the company, as of a date.
//!
//! A [`LifecycleClassifier`] reads each [`CustomerSummary`](crate::CustomerSummary) and its kept
//! purchase occasions (no second pass over the log) and places the customer in one
//! [`LifecycleStage`]: Prospect, New, Growing, Mature, Declining, Churned or Reactivated. The default
//! [`LifecycleRules`] judge each customer against its *own* purchase rhythm, shrunk toward the
//! population's, instead of one fixed "90 days inactive" rule:
//!
//! - n = purchase occasions up to the as-of date; r = days since the last; tenure = days since the
//!   first;
//! - the population median gap G = the median, over customers with n ≥ 2, of each one's mean gap
//!   between consecutive occasions;
//! - the expected gap g = ((n − 1)·own mean gap + k₀·G) / (n − 1 + k₀), k₀ = 2 (g = G when n ≤ 1): a
//!   normal–normal empirical-Bayes shrinkage where the population counts as k₀ observed gaps;
//! - the spend trend ρ = net spend in (as-of − L, as-of] / net spend in (as-of − 2L, as-of − L],
//!   L = max(90, 3g) days (real numbers, not rounded); ρ is undefined (`None`) when the earlier
//!   window's net spend is not positive: then spend in the recent window counts as a rise ("spend
//!   rose from nothing", the Growing rule below), and otherwise neither trend rule fires;
//! - the churn threshold c = min(max(3g, 90), 365) days.
//!
//! The first rule that holds, in this order, gives the stage:
//!
//! | stage | rule |
//! |---|---|
//! | Prospect | a known prospect (an id passed to `classify`) with no purchase by the as-of date |
//! | Churned | r > c |
//! | Reactivated | the gap between the last two occasions > c and r ≤ max(g, 90) |
//! | Declining | r > 2g, or ρ < 0.5 with n ≥ 3 |
//! | New | n = 1 |
//! | Growing | tenure < 365, or ρ ≥ 1.25, or spend rose from nothing |
//! | Mature | otherwise |
//!
//! With a fitted purchase model ([`LifecycleClassifier::classify_with_model`]) P(alive) replaces
//! the recency rules: Churned when P(alive) < 0.3, Declining when P(alive) < 0.5 (or the spend trend
//! rule); Reactivated keeps its gap definition.
//!
//! **Short logs.** The thresholds do not scale to the length of the log: a log shorter than a
//! stage needs cannot show that stage. A log of under `growing_tenure_days` (365) days has no
//! Mature customer (every repeat buyer's tenure is under a year, so the tenure rule calls it
//! Growing), and one of at most `churn_min_days` (90) days has no Churned or Reactivated customer.
//! Scaling would change what a stage means (three months of purchases are not maturity) and give
//! the same history a different stage on a longer log, so the rules stay fixed and
//! [`LifecycleRules::unreachable_stages`] names the stages a window cannot reach and
//! [`LifecycleRules::stage_reach`] counts the customers with the history each needs; the report
//! warns of a stage no customer, or under half of them, can reach. Lower `growing_tenure_days` to classify a short log's established
//! buyers as Mature.
//!
//! **Finite results.** Every float a classification holds (g, c, L, the return window, ρ, the
//! thresholds) is finite. The rules bound what would make them overflow:
//! [`LifecycleRules::check`](crate::Settings::check) refuses a day count above
//! [`LifecycleRules::MAX_DAYS`] (10⁹ days) and a gap multiple or k₀ above
//! [`LifecycleRules::MAX_MULTIPLE`] (10⁶), so every derived threshold is at most 10¹⁵ days for
//! any dates chrono represents (spans up to 1.9 × 10⁸ days). ρ is an exact decimal ratio rounded
//! once to f64, or, beyond `Decimal`'s range, the ratio of the two amounts in f64 (at most
//! 7.9e56); it is `None`, never ∞, when the earlier window holds no positive spend. A
//! [`Classification`], [`Transitions`] or [`LifecycleRules`] read back through serde is checked
//! as the classifier would build it, so that its totals cannot overflow.
//!
//! Every classification carries its [`StageReason`]: the rule that fired and every number it
//! read, printable as a sentence for a CRM user. [`Transitions`] compares two as-of dates.
//!
//! **As-of dates.** A summary is computed as of its observation end. Classifying as of an earlier
//! date reads only the occasions up to that date (customers whose first purchase is later are not
//! yet customers: they are counted in [`Classification::not_yet_acquired`], or are prospects if
//! their id is among the known prospects). A date after a summary's observation end is rejected
//! ([`LifecycleError::AsOfAfterObservationEnd`]): nothing is known about it.
//!
//! # Examples
//!
//! ```
//! use customer_value::lifecycle::{LifecycleClassifier, LifecycleStage};
//! use customer_value::{Summarizer, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |y, m, n| NaiveDate::from_ymd_opt(y, m, n).unwrap();
//! let log = vec![
//!     // Customer 1 bought twice early in 2023, paused 16 months, and came back.
//!     Transaction::new(1u32, d(2023, 1, 10), Decimal::from(40)),
//!     Transaction::new(1, d(2023, 2, 10), Decimal::from(40)),
//!     Transaction::new(1, d(2024, 6, 10), Decimal::from(40)),
//!     // Customer 2 bought twice in 2023, then vanished.
//!     Transaction::new(2, d(2023, 1, 5), Decimal::from(25)),
//!     Transaction::new(2, d(2023, 2, 5), Decimal::from(25)),
//!     // Customer 3 bought once, ten days ago.
//!     Transaction::new(3, d(2024, 6, 20), Decimal::from(60)),
//! ];
//! let summaries = Summarizer::new(d(2024, 6, 30)).summarize(&log)?;
//! let stages = LifecycleClassifier::default().classify(&summaries, &[4], d(2024, 6, 30))?;
//! let stage = |id| stages.stage_of(&id).unwrap();
//! // Mean gaps: customer 1 (517 / 2 = 258.5 days), customer 2 (31): population median G = 144.75.
//! // Customer 1: g = (517 + 2·144.75) / 4 = 201.6, c = 365; its last gap of 486 days > c and it
//! // bought 20 days ago.
//! assert_eq!(stage(1), LifecycleStage::Reactivated);
//! // Customer 2: g = (31 + 289.5) / 3 = 106.8, c = 320.5 < 511 days of silence.
//! assert_eq!(stage(2), LifecycleStage::Churned);
//! assert_eq!(stage(3), LifecycleStage::New);
//! assert_eq!(stage(4), LifecycleStage::Prospect);
//! assert_eq!(
//!     stages.customers()[1].reason.to_string(),
//!     "churned: 511 days since the last purchase > churn threshold 320.5 days (expected gap 106.8 days)"
//! );
//! # Ok::<(), customer_value::Error>(())
//! ```

mod classify;
mod judge;
mod reach;
#[cfg(feature = "serde")]
mod read_checks;
mod rules;
mod transitions;

pub use classify::{Classification, CustomerStage, LifecycleClassifier, StageTotals};
pub(crate) use reach::HISTORY_SETTINGS;
pub use reach::{StageReach, UnreachableStage};
pub use rules::{LifecycleRule, LifecycleRules, StageMetrics, StageReason};
pub use transitions::Transitions;

use chrono::NaiveDate;
use thiserror::Error;

use crate::clv::ClvError;

/// Errors from lifecycle classification.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LifecycleError {
    /// No customers were given (no summary and no prospect).
    #[error("no customers were given")]
    EmptyInput,
    /// A rule threshold is out of range.
    #[error("lifecycle rule {name} = {value} is invalid: {constraint}")]
    InvalidParameter {
        /// The field of [`LifecycleRules`].
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must satisfy.
        constraint: &'static str,
    },
    /// A summary was built with `Summarizer::keep_occasions(false)`: the gap and trend rules need
    /// its purchase occasions.
    #[error("the summary at position {position} does not keep its purchase occasions (build it with Summarizer::keep_occasions(true))")]
    OccasionsNotKept {
        /// Its position in the slice.
        position: usize,
    },
    /// The as-of date is after a summary's observation end: what happened since is unknown.
    #[error("as-of date {as_of} is after the observation end {observation_end} of the summary at position {position}")]
    AsOfAfterObservationEnd {
        /// The as-of date asked for.
        as_of: NaiveDate,
        /// The summary's observation end.
        observation_end: NaiveDate,
        /// The summary's position in the slice.
        position: usize,
    },
    /// The as-of date is before every customer's first purchase.
    #[error("as-of date {as_of} is before the data (the earliest first purchase is {earliest})")]
    AsOfBeforeData {
        /// The as-of date asked for.
        as_of: NaiveDate,
        /// The earliest first purchase.
        earliest: NaiveDate,
    },
    /// Two summaries are for the same customer.
    #[error(
        "the summary at position {position} repeats the customer of position {first_position}"
    )]
    DuplicateCustomer {
        /// The position of the repeat.
        position: usize,
        /// The position where the customer first appears.
        first_position: usize,
    },
    /// No customer has two purchase occasions by the as-of date, so the population median gap is
    /// undefined; set [`LifecycleRules::population_gap_days`] to classify anyway.
    #[error("no customer has two purchase occasions by {as_of}: the population median gap is undefined (set LifecycleRules::population_gap_days)")]
    NoRepeatCustomers {
        /// The as-of date.
        as_of: NaiveDate,
    },
    /// The purchase model failed on a customer.
    #[error("the purchase model failed on the customer at position {position}: {source}")]
    Model {
        /// The summary's position in the slice.
        position: usize,
        /// The model's error.
        #[source]
        source: ClvError,
    },
    /// The purchase model returned a P(alive) outside [0, 1] (or not a number).
    #[error(
        "the purchase model returned P(alive) = {value} for the customer at position {position}"
    )]
    InvalidProbability {
        /// The summary's position in the slice.
        position: usize,
        /// The value returned.
        value: f64,
    },
    /// Transitions go from an earlier to a later as-of date.
    #[error("transitions need the earlier classification first ({from} is after {to})")]
    TransitionsOutOfOrder {
        /// The as-of date of the first classification.
        from: NaiveDate,
        /// The as-of date of the second.
        to: NaiveDate,
    },
    /// A [`Classification`] or [`Transitions`] read back through serde holds what no classifier
    /// produces (customers out of order, a stage its rule does not give, a threshold that is not
    /// finite, revenues or counts whose totals overflow).
    #[error("{what} read back is invalid at position {position}: {constraint}")]
    InvalidRecord {
        /// What is invalid (`"customers"`, `"rule"`, `"revenue"`, `"counts"`…).
        what: &'static str,
        /// The customer's position, or the row of a transition matrix (the acquired row is 7);
        /// 0 for a field of the whole record.
        position: usize,
        /// What must hold.
        constraint: &'static str,
    },
    /// The two classifications of a transition do not cover the same customers.
    #[error("the customer at position {position} of the earlier classification is missing from the later one")]
    ClassificationsDiffer {
        /// Its position in the earlier classification's customers.
        position: usize,
    },
}

/// A customer's stage in its relationship with the company.
///
/// The order of the variants is the order of [`LifecycleStage::ALL`] and of the rows and columns of
/// [`Transitions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LifecycleStage {
    /// Known to the company (a lead, a sign-up) but has not bought yet.
    Prospect,
    /// One purchase occasion so far, not yet churned.
    New,
    /// Early in the relationship (tenure under a year) or spending more than before.
    Growing,
    /// An established, steady buyer.
    Mature,
    /// Overdue against its own rhythm, or spending clearly less than before.
    Declining,
    /// Gone: silent for longer than the churn threshold.
    Churned,
    /// Came back after a silence longer than the churn threshold.
    Reactivated,
}

impl LifecycleStage {
    /// Every stage, in declaration order.
    pub const ALL: [LifecycleStage; 7] = [
        LifecycleStage::Prospect,
        LifecycleStage::New,
        LifecycleStage::Growing,
        LifecycleStage::Mature,
        LifecycleStage::Declining,
        LifecycleStage::Churned,
        LifecycleStage::Reactivated,
    ];

    /// The stage's position in [`LifecycleStage::ALL`] (a row or column of [`Transitions`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::lifecycle::LifecycleStage;
    /// assert_eq!(LifecycleStage::Churned.index(), 5);
    /// assert_eq!(LifecycleStage::ALL[LifecycleStage::Churned.index()], LifecycleStage::Churned);
    /// ```
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stage's name in English, as printed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(customer_value::lifecycle::LifecycleStage::Reactivated.name(), "Reactivated");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            LifecycleStage::Prospect => "Prospect",
            LifecycleStage::New => "New",
            LifecycleStage::Growing => "Growing",
            LifecycleStage::Mature => "Mature",
            LifecycleStage::Declining => "Declining",
            LifecycleStage::Churned => "Churned",
            LifecycleStage::Reactivated => "Reactivated",
        }
    }
}

impl std::fmt::Display for LifecycleStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}
