//! The RFM scorer: breakpoints fitted on a customer base, then scores.

use std::hash::Hash;

use rayon::prelude::*;

use crate::numeric::money::to_f64;
use crate::rfm::binning::{check_cuts, quantile_breakpoints, CutOrder, EqualCountGroups, Values};
use crate::rfm::segments::{check_bins, SegmentMap};
use crate::rfm::{Binning, FrequencyBasis, RfmError, RfmRecord, RfmScore};
use crate::settings::Settings;
use crate::summary::{CustomerSummary, MonetaryBasis};

mod columns;

/// Scores customers on recency, frequency and monetary value (builder; checked when used).
///
/// With the `serde` feature it serializes, and deserializing runs [`Settings::check`]: settings
/// that check would refuse are rejected with its error message.
///
/// # Examples
///
/// ```
/// use customer_value::{Binning, RfmScorer, RfmSegment, Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log: Vec<_> = (1..=10u32)
///     .flat_map(|c| (0..c).map(move |k| Transaction::new(c, d(1 + 2 * k + c % 3), Decimal::from(10 * c))))
///     .collect();
/// let summaries = Summarizer::new(d(31)).summarize(&log)?;
/// let records = RfmScorer::new().bins(5).binning(Binning::Quantiles).score(&summaries)?;
/// let best = &records[9]; // customer 10: ten purchases, the most spent, bought recently
/// assert_eq!((best.score.frequency, best.score.monetary), (5, 5));
/// assert!(RfmScorer::new().bins(1).score(&summaries).is_err());
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RfmScorerData")
)]
pub struct RfmScorer {
    bins: u8,
    pub(super) binning: Binning,
    frequency: FrequencyBasis,
    pub(super) monetary: MonetaryBasis,
    segments: SegmentMap,
}

impl Default for RfmScorer {
    fn default() -> Self {
        Self::new()
    }
}

/// The fitted breakpoints of one dimension, in its own units (days, occasions, money).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Breakpoints {
    /// Recency breakpoints in days.
    pub recency: Vec<f64>,
    /// Frequency breakpoints in purchase occasions.
    pub frequency: Vec<f64>,
    /// Monetary breakpoints in money units.
    pub monetary: Vec<f64>,
}

/// An RFM model fitted on a customer base: breakpoints that score any customer consistently, so a
/// service scores today's new customers against the same cuts until it refits.
///
/// With the `serde` feature a fitted model is saved and read back (for instance as JSON) and then
/// scores every customer exactly as before. Breakpoints are `f64`: with `serde_json`, enable its
/// `float_roundtrip` feature for bit-identical values (without it the last bit may differ and a
/// customer sitting exactly on a cut could change level). Reading back checks what
/// [`RfmScorer::fit`] guarantees and rejects anything else with an [`RfmError`] message: bins in
/// 2..=10, exactly bins − 1 finite, non-decreasing breakpoints per dimension, and custom segment
/// rules that pass their checks for this bin count.
///
/// # Examples
///
/// ```
/// use customer_value::rfm::FittedRfm;
/// use customer_value::{RfmScorer, Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log: Vec<_> = (1..=6u32).map(|c| Transaction::new(c, d(c), Decimal::from(c * 7))).collect();
/// let summaries = Summarizer::new(d(9)).summarize(&log)?;
/// let fitted = RfmScorer::new().bins(3).fit(&summaries)?;
/// let json = serde_json::to_string(&fitted).unwrap();
/// let back: FittedRfm = serde_json::from_str(&json).unwrap();
/// assert_eq!(back.score(&summaries)?, fitted.score(&summaries)?);
/// // Three cuts for three bins is not something a fit produces: refused when read.
/// let mut bad = serde_json::to_value(&fitted).unwrap();
/// bad["breakpoints"]["recency"] = serde_json::json!([1.0, 2.0, 3.0]);
/// let error = serde_json::from_value::<FittedRfm>(bad).unwrap_err();
/// assert!(error.to_string().contains("breakpoints.recency has 3 values, 2 are needed"));
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "FittedRfmData")
)]
pub struct FittedRfm {
    bins: u8,
    frequency: FrequencyBasis,
    monetary: MonetaryBasis,
    segments: SegmentMap,
    breakpoints: Breakpoints,
}

impl RfmScorer {
    /// Quintile scoring (5 bins, [`Binning::Quantiles`]) on total spend with the default segment map.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::RfmScorer;
    /// assert_eq!(RfmScorer::new(), RfmScorer::default());
    /// ```
    pub fn new() -> Self {
        Self {
            bins: 5,
            binning: Binning::Quantiles,
            frequency: FrequencyBasis::PurchaseDays,
            monetary: MonetaryBasis::TotalSpend,
            segments: SegmentMap::Default,
        }
    }

    /// Number of score levels, 2..=10 (checked when used).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{RfmScorer, Settings};
    /// assert!(RfmScorer::new().bins(10).check().is_ok());
    /// assert!(RfmScorer::new().bins(11).check().is_err());
    /// ```
    pub fn bins(mut self, bins: u8) -> Self {
        self.bins = bins;
        self
    }

    /// The binning method.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Binning, RfmScorer, Settings};
    /// assert!(RfmScorer::new().binning(Binning::EqualCount).check().is_ok());
    /// ```
    pub fn binning(mut self, binning: Binning) -> Self {
        self.binning = binning;
        self
    }

    /// What frequency counts: purchase days (default) or order lines, as R's rfm counts them
    /// ([`FrequencyBasis`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::FrequencyBasis;
    /// use customer_value::{RfmScorer, Settings};
    /// assert!(RfmScorer::new().frequency(FrequencyBasis::OrderLines).check().is_ok());
    /// ```
    pub fn frequency(mut self, basis: FrequencyBasis) -> Self {
        self.frequency = basis;
        self
    }

    /// The monetary figure: total spend (default) or average per occasion.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{MonetaryBasis, RfmScorer, Settings};
    /// let scorer = RfmScorer::new().monetary(MonetaryBasis::AveragePerOccasion);
    /// assert!(scorer.check().is_ok());
    /// ```
    pub fn monetary(mut self, basis: MonetaryBasis) -> Self {
        self.monetary = basis;
        self
    }

    /// How scores are named (default: the R×F map).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{RfmScorer, Settings};
    /// use customer_value::rfm::{SegmentMap, SegmentRule, SegmentRules};
    /// let rules = SegmentRules::new(vec![SegmentRule::new("VIP", 5..=5, 5..=5, 5..=5)], "Everyone else");
    /// assert!(RfmScorer::new().segments(SegmentMap::Rules(rules)).check().is_ok());
    /// ```
    pub fn segments(mut self, map: SegmentMap) -> Self {
        self.segments = map;
        self
    }

    /// Fits the breakpoints on `summaries`.
    ///
    /// # Errors
    ///
    /// Those of [`Settings::check`](RfmScorer::check), [`RfmError::EmptyInput`], and [`RfmError::TooFewCustomers`]
    /// for equal-count binning with fewer customers than bins.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RfmScorer, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log: Vec<_> = (1..=3u32).map(|c| Transaction::new(c, d(c), Decimal::from(c))).collect();
    /// let fitted = RfmScorer::new().bins(2).fit(&Summarizer::new(d(9)).summarize(&log)?)?;
    /// assert_eq!(fitted.breakpoints().recency, vec![7.0]); // median of 8, 7, 6 days
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn fit<C>(&self, summaries: &[CustomerSummary<C>]) -> Result<FittedRfm, RfmError>
    where
        C: Clone + Ord + Hash + Send + Sync,
    {
        self.check()?;
        if summaries.is_empty() {
            return Err(RfmError::EmptyInput);
        }
        self.fit_values(&Values::of(summaries, self.frequency, self.monetary))
    }

    /// The breakpoints of checked, non-empty values: the one fitting rule behind
    /// [`RfmScorer::fit`] and [`RfmScorer::fit_columns`].
    fn fit_values(&self, values: &Values) -> Result<FittedRfm, RfmError> {
        let breakpoints = match &self.binning {
            Binning::Quantiles => Breakpoints {
                recency: quantile_breakpoints(&values.recency, self.bins),
                frequency: quantile_breakpoints(&values.frequency, self.bins),
                monetary: quantile_breakpoints(&values.monetary, self.bins),
            },
            Binning::Thresholds {
                recency,
                frequency,
                monetary,
            } => Breakpoints {
                recency: recency.clone(),
                frequency: frequency.clone(),
                monetary: monetary.clone(),
            },
            // The boundaries do not depend on how ties are split (see `by_position`).
            Binning::EqualCount => {
                EqualCountGroups::by_position(values, self.bins)?.boundaries(values)
            }
        };
        Ok(FittedRfm {
            bins: self.bins,
            frequency: self.frequency,
            monetary: self.monetary,
            segments: self.segments.clone(),
            breakpoints,
        })
    }

    /// Fits on `summaries` and scores the same customers: one record per summary, in input order.
    ///
    /// With [`Binning::EqualCount`] the scores are the customers' `ntile` groups (a tie may straddle
    /// two groups, split by customer id), which is what the fitted boundaries reproduce except at
    /// such ties.
    ///
    /// # Errors
    ///
    /// As [`RfmScorer::fit`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RfmScorer, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log: Vec<_> = (1..=3u32).map(|c| Transaction::new(c, d(c), Decimal::from(c))).collect();
    /// let records = RfmScorer::new().bins(3).score(&Summarizer::new(d(9)).summarize(&log)?)?;
    /// assert_eq!(records.iter().map(|r| r.score.monetary).collect::<Vec<_>>(), [1, 2, 3]);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn score<C>(&self, summaries: &[CustomerSummary<C>]) -> Result<Vec<RfmRecord<C>>, RfmError>
    where
        C: Clone + Ord + Hash + Send + Sync,
    {
        Ok(self.fit_and_score(summaries)?.1)
    }

    /// [`RfmScorer::fit`] and [`RfmScorer::score`] in one pass: the fitted breakpoints (to score
    /// later customers with) and the scores of `summaries`, fitting once.
    ///
    /// With [`Binning::EqualCount`] the scores are the equal-count groups of these summaries (ties
    /// split by rank), which the breakpoints reproduce only up to ties; with every other binning
    /// they are the breakpoints' own scores.
    ///
    /// # Errors
    ///
    /// As [`RfmScorer::score`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RfmScorer, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log: Vec<_> = (1..=3u32).map(|c| Transaction::new(c, d(c), Decimal::from(c))).collect();
    /// let summaries = Summarizer::new(d(9)).summarize(&log)?;
    /// let (fitted, records) = RfmScorer::new().bins(3).fit_and_score(&summaries)?;
    /// assert_eq!(records, fitted.score(&summaries)?);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn fit_and_score<C>(
        &self, summaries: &[CustomerSummary<C>],
    ) -> Result<(FittedRfm, Vec<RfmRecord<C>>), RfmError>
    where
        C: Clone + Ord + Hash + Send + Sync,
    {
        let fitted = self.fit(summaries)?;
        if self.binning != Binning::EqualCount {
            let records = fitted.score(summaries)?;
            return Ok((fitted, records));
        }
        let values = Values::of(summaries, self.frequency, self.monetary);
        let groups = EqualCountGroups::of(summaries, &values, self.bins)?;
        let records = summaries
            .par_iter()
            .enumerate()
            .map(|(i, s)| {
                let score = RfmScore {
                    recency: self.bins + 1 - groups.recency[i],
                    frequency: groups.frequency[i],
                    monetary: groups.monetary[i],
                };
                fitted.record(s, score)
            })
            .collect::<Result<_, _>>()?;
        Ok((fitted, records))
    }
}

impl Settings for RfmScorer {
    type Error = RfmError;

    /// Checks the settings: [`RfmScorer::fit`] and [`RfmScorer::score`] call it first.
    ///
    /// # Errors
    ///
    /// - [`RfmError::InvalidParameter`] naming `bins` unless 2 ≤ bins ≤ 10;
    /// - [`RfmError::LengthMismatch`] naming `thresholds.recency` (`.frequency`, `.monetary`) when
    ///   [`Binning::Thresholds`] gives other than bins − 1 values for it;
    /// - [`RfmError::InvalidParameter`] naming the same list for a threshold that is not finite, or
    ///   not above the one before it (thresholds must be strictly increasing);
    /// - [`RfmError::InvalidRule`] for a custom rule that fails [`SegmentRules`]' own check or
    ///   [`SegmentRules::check_levels`] with this bin count.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Binning, RfmScorer, Settings};
    /// use customer_value::rfm::RfmError;
    ///
    /// assert!(RfmScorer::new().bins(3).check().is_ok());
    /// let t = Binning::Thresholds { recency: vec![30.0, 10.0], frequency: vec![1.0, 3.0], monetary: vec![50.0, 100.0] };
    /// assert!(matches!(
    ///     RfmScorer::new().bins(3).binning(t).check(),
    ///     Err(RfmError::InvalidParameter { name: "thresholds.recency", value, .. }) if value == 10.0
    /// ));
    /// ```
    ///
    /// [`SegmentRules`]: crate::rfm::SegmentRules
    /// [`SegmentRules::check_levels`]: crate::rfm::SegmentRules::check_levels
    fn check(&self) -> Result<(), RfmError> {
        check_bins(self.bins)?;
        if let Binning::Thresholds {
            recency,
            frequency,
            monetary,
        } = &self.binning
        {
            for (name, cuts) in [
                ("thresholds.recency", recency),
                ("thresholds.frequency", frequency),
                ("thresholds.monetary", monetary),
            ] {
                check_cuts(name, cuts, self.bins, CutOrder::Thresholds)?;
            }
        }
        if let SegmentMap::Rules(rules) = &self.segments {
            rules.check()?;
            rules.check_levels(self.bins)?;
        }
        Ok(())
    }
}

impl FittedRfm {
    /// The fitted breakpoints of each dimension.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RfmScorer, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log: Vec<_> = (1..=5u32).map(|c| Transaction::new(c, d(c), Decimal::from(10 * c))).collect();
    /// let fitted = RfmScorer::new().fit(&Summarizer::new(d(9)).summarize(&log)?)?;
    /// assert_eq!(fitted.breakpoints().monetary, vec![18.0, 26.0, 34.0, 42.0]);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn breakpoints(&self) -> &Breakpoints {
        &self.breakpoints
    }

    /// Number of score levels.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RfmScorer, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let s = Summarizer::new(d(9)).summarize(&[Transaction::new(1, d(1), Decimal::ONE)])?;
    /// assert_eq!(RfmScorer::new().bins(4).fit(&s)?.bins(), 4);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn bins(&self) -> u8 {
        self.bins
    }

    /// Scores one customer against the fitted breakpoints.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{RfmScorer, Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let base: Vec<_> = (1..=4u32).map(|c| Transaction::new(c, d(c * 5), Decimal::from(c * 10))).collect();
    /// let fitted = RfmScorer::new().bins(2).fit(&Summarizer::new(d(31)).summarize(&base)?)?;
    /// assert_eq!(fitted.breakpoints().monetary, vec![25.0]); // the median of 10, 20, 30, 40
    /// // Tomorrow's new customer is scored against the same cuts.
    /// let new = Summarizer::new(d(31)).summarize(&[Transaction::new(9u32, d(30), Decimal::from(35))])?;
    /// assert_eq!(fitted.score_one(&new[0]).monetary, 2);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn score_one<C>(&self, summary: &CustomerSummary<C>) -> RfmScore {
        self.score_values(
            summary.recency_days() as f64,
            self.frequency.of(summary) as f64,
            to_f64(summary.monetary(self.monetary)),
        )
    }

    /// Scores every customer against the fitted breakpoints, in input order.
    ///
    /// # Errors
    ///
    /// [`RfmError::EmptyInput`] when `summaries` is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{RfmScorer, Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let base: Vec<_> = (1..=4u32).map(|c| Transaction::new(c, d(c), Decimal::from(c))).collect();
    /// let fitted = RfmScorer::new().bins(2).fit(&Summarizer::new(d(9)).summarize(&base)?)?;
    /// let today = Summarizer::new(d(9)).summarize(&[Transaction::new(99u32, d(9), Decimal::from(100))])?;
    /// let r = &fitted.score(&today)?[0];
    /// assert_eq!((r.score.recency, r.score.monetary), (2, 2));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn score<C: Clone + Send + Sync>(
        &self, summaries: &[CustomerSummary<C>],
    ) -> Result<Vec<RfmRecord<C>>, RfmError> {
        if summaries.is_empty() {
            return Err(RfmError::EmptyInput);
        }
        summaries
            .par_iter()
            .map(|s| self.record(s, self.score_one(s)))
            .collect()
    }

    fn record<C: Clone>(
        &self, s: &CustomerSummary<C>, score: RfmScore,
    ) -> Result<RfmRecord<C>, RfmError> {
        Ok(RfmRecord {
            customer: s.customer().clone(),
            recency_days: s.recency_days(),
            frequency: self.frequency.of(s),
            monetary: s.monetary(self.monetary),
            segment: self.segment(score)?,
            score,
        })
    }

    /// The 1-based level of `value`: 1 + the number of breakpoints strictly below it. For
    /// quantiles and thresholds that is the definition; for equal-count boundaries (non-decreasing,
    /// each the value of its group's last member) it is the lowest group whose boundary is ≥ the
    /// value, or the last group above every boundary.
    fn level(&self, cuts: &[f64], value: f64) -> u8 {
        // At most bins − 1 ≤ 9 cuts (checked at fit), so the level fits in u8.
        (cuts.partition_point(|c| *c < value) + 1) as u8
    }
}

/// The fields of an [`RfmScorer`] as read, before [`Settings::check`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RfmScorerData {
    bins: u8,
    binning: Binning,
    /// Absent from scorers saved before the option existed: purchase days.
    #[serde(default)]
    frequency: FrequencyBasis,
    monetary: MonetaryBasis,
    segments: SegmentMap,
}

#[cfg(feature = "serde")]
impl TryFrom<RfmScorerData> for RfmScorer {
    type Error = RfmError;

    fn try_from(data: RfmScorerData) -> Result<Self, RfmError> {
        let scorer = Self {
            bins: data.bins,
            binning: data.binning,
            frequency: data.frequency,
            monetary: data.monetary,
            segments: data.segments,
        };
        scorer.check()?;
        Ok(scorer)
    }
}

/// The fields of a [`FittedRfm`] as read, before the checks of what a fit produces.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct FittedRfmData {
    bins: u8,
    /// Absent from models saved before the option existed: purchase days.
    #[serde(default)]
    frequency: FrequencyBasis,
    monetary: MonetaryBasis,
    segments: SegmentMap,
    breakpoints: Breakpoints,
}

#[cfg(feature = "serde")]
impl TryFrom<FittedRfmData> for FittedRfm {
    type Error = RfmError;

    fn try_from(data: FittedRfmData) -> Result<Self, RfmError> {
        check_bins(data.bins)?;
        let b = &data.breakpoints;
        for (name, cuts) in [
            ("breakpoints.recency", &b.recency),
            ("breakpoints.frequency", &b.frequency),
            ("breakpoints.monetary", &b.monetary),
        ] {
            check_cuts(name, cuts, data.bins, CutOrder::Breakpoints)?;
        }
        if let SegmentMap::Rules(rules) = &data.segments {
            rules.check()?;
            rules.check_levels(data.bins)?;
        }
        Ok(Self {
            bins: data.bins,
            frequency: data.frequency,
            monetary: data.monetary,
            segments: data.segments,
            breakpoints: data.breakpoints,
        })
    }
}
