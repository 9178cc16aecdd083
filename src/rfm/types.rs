use rust_decimal::Decimal;
use thiserror::Error;

use crate::summary::MonetaryBasis;

/// Errors from RFM scoring.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RfmError {
    /// No customers were given.
    #[error("no customers were given")]
    EmptyInput,
}

/// The three RFM scores of a customer, each in `1..=bins`, higher is better (recency reversed).
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

/// A named RFM segment.
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

/// How a dimension is cut into scores.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Binning {
    /// Breakpoints at the i/bins quantiles (the default).
    #[default]
    Quantiles,
    /// Groups of equal size (dplyr's `ntile`).
    EqualCount,
    /// Caller-given breakpoints per dimension.
    Thresholds {
        /// Recency breakpoints in days, increasing.
        recency: Vec<f64>,
        /// Frequency breakpoints in purchase occasions, increasing.
        frequency: Vec<f64>,
        /// Monetary breakpoints, increasing.
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
    /// Purchase occasions.
    pub frequency: u64,
    /// Total net spend, or average per occasion, as the scorer was configured.
    pub monetary: Decimal,
    /// The scores.
    pub score: RfmScore,
    /// The named segment.
    pub segment: RfmSegment,
}

/// Scores customers on recency, frequency and monetary value.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmScorer {
    bins: u8,
    binning: Binning,
    monetary: MonetaryBasis,
}

impl Default for RfmScorer {
    fn default() -> Self {
        Self::new()
    }
}

impl RfmScorer {
    /// Quintile scoring on total spend.
    pub fn new() -> Self {
        Self {
            bins: 5,
            binning: Binning::Quantiles,
            monetary: MonetaryBasis::TotalSpend,
        }
    }
    /// Number of score levels.
    pub fn bins(mut self, bins: u8) -> Self {
        self.bins = bins;
        self
    }
    /// The binning method.
    pub fn binning(mut self, binning: Binning) -> Self {
        self.binning = binning;
        self
    }
    /// The monetary basis.
    pub fn monetary(mut self, basis: MonetaryBasis) -> Self {
        self.monetary = basis;
        self
    }
    /// Scores the customers (stub).
    ///
    /// # Errors
    ///
    /// [`RfmError::EmptyInput`].
    pub fn score<C: Clone>(
        &self,
        summaries: &[crate::CustomerSummary<C>],
    ) -> Result<Vec<RfmRecord<C>>, RfmError> {
        let _ = (self.bins, &self.binning, self.monetary);
        if summaries.is_empty() {
            return Err(RfmError::EmptyInput);
        }
        Ok(Vec::new())
    }
}
