//! The RFM vocabulary: scores, named segments, binning methods, records and errors.

use rust_decimal::Decimal;
use thiserror::Error;

/// Errors from RFM scoring, segment rules and the value matrix.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RfmError {
    /// No customers were given.
    #[error("no customers were given")]
    EmptyInput,
    /// A setting is out of range: the number of score levels (`bins`), a caller-given threshold
    /// (`thresholds.recency`, `thresholds.frequency`, `thresholds.monetary`), or the value
    /// matrix's `max_recency_days`.
    #[error("{name} = {value} is invalid: {constraint}")]
    InvalidParameter {
        /// The setting's name.
        name: &'static str,
        /// The value given (integers as `f64`).
        value: f64,
        /// What must hold.
        constraint: &'static str,
    },
    /// A column of RFM values given to [`RfmScorer::fit_columns`](crate::RfmScorer::fit_columns)
    /// holds a NaN or an infinity.
    #[error("{column}[{position}] = {value}: every value must be finite")]
    NonFiniteValue {
        /// The column: `recency_days`, `frequency` or `monetary`.
        column: &'static str,
        /// The first bad entry's position.
        position: usize,
        /// Its value.
        value: f64,
    },
    /// A list of caller-given thresholds has the wrong length: `bins − 1` are needed.
    #[error("{name} has {found} values, {expected} are needed")]
    LengthMismatch {
        /// The list's name (`thresholds.recency`, `thresholds.frequency`, `thresholds.monetary`).
        name: &'static str,
        /// The length needed: `bins − 1`.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// Equal-count binning needs at least one customer per group.
    #[error(
        "equal-count binning into {bins} groups needs at least {bins} customers, got {customers}"
    )]
    TooFewCustomers {
        /// Customers given.
        customers: usize,
        /// Groups asked for.
        bins: u8,
    },
    /// A custom segment rule is unusable.
    #[error("segment rule {position} ({rule}): {field} {constraint}")]
    InvalidRule {
        /// Its position in the rule list.
        position: usize,
        /// Its name.
        rule: String,
        /// The offending field of [`SegmentRule`](crate::rfm::SegmentRule): `name`, `recency`,
        /// `frequency` or `monetary`.
        field: &'static str,
        /// What must hold.
        constraint: &'static str,
    },
    /// A score outside `1..=bins` was given to a segment map.
    #[error("score {score} is outside 1..={bins}")]
    ScoreOutOfRange {
        /// The score.
        score: u8,
        /// The number of levels.
        bins: u8,
    },
    /// A customer-level aggregate row that no customer could have
    /// ([`RfmScorer::score_aggregates`](crate::RfmScorer::score_aggregates)).
    #[error("aggregate row {position}: {field} = {value} {constraint}")]
    InvalidAggregate {
        /// The row's position.
        position: usize,
        /// The field: `orders`, `recency_days` or `revenue`.
        field: &'static str,
        /// Its value.
        value: f64,
        /// What must hold.
        constraint: &'static str,
    },
    /// The recency filter of the value matrix left no customer.
    #[error("no customer has a recency of at most {max_recency_days} days")]
    NoActiveCustomers {
        /// The filter.
        max_recency_days: i64,
    },
}

/// The three RFM scores of a customer, each in `1..=bins`, higher is better (recency reversed: the
/// most recent customers score highest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmScore {
    /// Recency score: the most recent customers score highest.
    pub recency: u8,
    /// Frequency score.
    pub frequency: u8,
    /// Monetary score.
    pub monetary: u8,
}

/// A named RFM segment: the ten cells of the default map on the R×F grid, or a caller's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum RfmSegment {
    /// R 5, F 4–5.
    Champions,
    /// R 3–4, F 4–5.
    LoyalCustomers,
    /// R 4–5, F 2–3.
    PotentialLoyalists,
    /// R 5, F 1.
    NewCustomers,
    /// R 4, F 1.
    Promising,
    /// R 3, F 3.
    NeedAttention,
    /// R 3, F 1–2.
    AboutToSleep,
    /// R 1–2, F 3–4.
    AtRisk,
    /// R 1–2, F 5.
    CantLoseThem,
    /// R 1–2, F 1–2.
    Hibernating,
    /// A segment named by a caller's rule.
    Custom(String),
}

impl RfmSegment {
    /// The ten default segments, from best to worst.
    pub const DEFAULTS: [RfmSegment; 10] = [
        RfmSegment::Champions,
        RfmSegment::LoyalCustomers,
        RfmSegment::PotentialLoyalists,
        RfmSegment::NewCustomers,
        RfmSegment::Promising,
        RfmSegment::NeedAttention,
        RfmSegment::AboutToSleep,
        RfmSegment::AtRisk,
        RfmSegment::CantLoseThem,
        RfmSegment::Hibernating,
    ];

    /// The segment's display name.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::RfmSegment;
    /// assert_eq!(RfmSegment::CantLoseThem.name(), "Can't Lose Them");
    /// assert_eq!(RfmSegment::Custom("VIP".into()).name(), "VIP");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            RfmSegment::Champions => "Champions",
            RfmSegment::LoyalCustomers => "Loyal Customers",
            RfmSegment::PotentialLoyalists => "Potential Loyalists",
            RfmSegment::NewCustomers => "New Customers",
            RfmSegment::Promising => "Promising",
            RfmSegment::NeedAttention => "Need Attention",
            RfmSegment::AboutToSleep => "About to Sleep",
            RfmSegment::AtRisk => "At Risk",
            RfmSegment::CantLoseThem => "Can't Lose Them",
            RfmSegment::Hibernating => "Hibernating",
            RfmSegment::Custom(name) => name,
        }
    }
}

impl std::fmt::Display for RfmSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What RFM frequency counts.
///
/// Both are legitimate and the peers differ: R's rfm counts the rows of its order table
/// (`rfm_table_order`'s `transaction_count`), lifetimes and this crate's BTYD models count
/// purchase days. A customer who places two orders on one day has frequency 2 in the first
/// and 1 in the second; on R rfm's own order data the two differ for 11 of 995 customers.
///
/// # Examples
///
/// ```
/// use customer_value::rfm::FrequencyBasis;
/// use customer_value::{RfmScorer, Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log = [1, 1, 5].map(|n| Transaction::new(1u8, d(n), Decimal::TEN)); // two orders on the 1st
/// let summaries = Summarizer::new(d(9)).summarize(&log)?;
/// let days = RfmScorer::new().bins(2).score(&summaries)?;
/// let lines = RfmScorer::new().bins(2).frequency(FrequencyBasis::OrderLines).score(&summaries)?;
/// assert_eq!((days[0].frequency, lines[0].frequency), (2, 3));
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FrequencyBasis {
    /// Purchase occasions: the days on which the customer bought (the default).
    #[default]
    PurchaseDays,
    /// Transaction lines: every line counted by the summary
    /// ([`CustomerSummary::transactions`](crate::CustomerSummary::transactions): refund lines
    /// netted on their day included), as R rfm counts the rows of an order table; give one
    /// line per order to count orders.
    OrderLines,
}

impl FrequencyBasis {
    /// The frequency of `summary` on this basis.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::rfm::FrequencyBasis;
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1u8, d(1), Decimal::TEN), Transaction::new(1, d(1), Decimal::ONE)];
    /// let s = &Summarizer::new(d(9)).summarize(&log)?[0];
    /// assert_eq!(FrequencyBasis::OrderLines.of(s), 2);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn of<C>(self, summary: &crate::CustomerSummary<C>) -> u64 {
        match self {
            FrequencyBasis::PurchaseDays => summary.frequency(),
            FrequencyBasis::OrderLines => summary.transactions(),
        }
    }
}

/// How a dimension is cut into scores.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Binning {
    /// Breakpoints at the i/bins quantiles (i = 1..bins−1), linearly interpolated (numpy's default,
    /// R's type 7); score = 1 + the number of breakpoints strictly below the value (recency: bins −
    /// that number). Ties share a score; coinciding breakpoints make scores skip. The default.
    #[default]
    Quantiles,
    /// Groups of equal size (dplyr's `ntile`): sorted by value, ties broken by customer id, sizes
    /// differing by at most one with the larger groups first.
    EqualCount,
    /// Caller-given breakpoints per dimension (bins − 1 each, strictly increasing), scored as
    /// [`Binning::Quantiles`] scores against its breakpoints.
    Thresholds {
        /// Recency breakpoints in days.
        recency: Vec<f64>,
        /// Frequency breakpoints in purchase occasions.
        frequency: Vec<f64>,
        /// Monetary breakpoints in money units.
        monetary: Vec<f64>,
    },
}

/// One customer's RFM inputs, scores and segment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RfmRecord<C> {
    /// The customer's id.
    pub customer: C,
    /// RFM recency: days from the last purchase occasion to the observation end.
    pub recency_days: i64,
    /// Purchase occasions, order lines or orders, as the scorer was configured
    /// ([`FrequencyBasis`]; orders for [`CustomerAggregate`](crate::rfm::CustomerAggregate)s).
    pub frequency: u64,
    /// Total net spend, or average per occasion, as the scorer was configured.
    pub monetary: Decimal,
    /// The scores.
    pub score: RfmScore,
    /// The named segment.
    pub segment: RfmSegment,
}
