//! Named segments from RFM scores: the default R×F map and caller-defined rule lists.

use std::ops::RangeInclusive;

use crate::rfm::{RfmError, RfmScore, RfmSegment};
use crate::settings::Settings;

/// How scores are named.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SegmentMap {
    /// The default map on the R×F grid (monetary ignored): an exact partition of the 25 cells of
    /// 5-level scores; with other bin counts a score s is first mapped to ⌈5·s/bins⌉.
    #[default]
    Default,
    /// A caller's ordered first-match rule list.
    Rules(SegmentRules),
}

/// One rule: a name and the inclusive score ranges it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentRule {
    /// The segment's name.
    pub name: String,
    /// Recency scores matched.
    pub recency: RangeInclusive<u8>,
    /// Frequency scores matched.
    pub frequency: RangeInclusive<u8>,
    /// Monetary scores matched.
    pub monetary: RangeInclusive<u8>,
}

impl SegmentRule {
    /// A rule named `name` matching the given inclusive score ranges.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::SegmentRule;
    /// let rule = SegmentRule::new("Whales", 1..=5, 1..=5, 5..=5);
    /// assert_eq!(rule.name, "Whales");
    /// ```
    pub fn new(
        name: impl Into<String>, recency: RangeInclusive<u8>, frequency: RangeInclusive<u8>,
        monetary: RangeInclusive<u8>,
    ) -> Self {
        Self {
            name: name.into(),
            recency,
            frequency,
            monetary,
        }
    }

    /// The three ranges, named, in R, F, M order.
    fn ranges(&self) -> [(&'static str, &RangeInclusive<u8>); 3] {
        [
            ("recency", &self.recency),
            ("frequency", &self.frequency),
            ("monetary", &self.monetary),
        ]
    }

    fn matches(&self, s: RfmScore) -> bool {
        self.recency.contains(&s.recency)
            && self.frequency.contains(&s.frequency)
            && self.monetary.contains(&s.monetary)
    }
}

/// An ordered first-match list of rules with a catch-all name for scores no rule matches.
///
/// With the `serde` feature it serializes, and deserializing runs [`Settings::check`]: a rule list
/// that check would refuse (an empty name or range, a range outside 1..=10) is rejected with its
/// error message.
///
/// # Examples
///
/// ```
/// use customer_value::rfm::{SegmentRule, SegmentRules};
///
/// let rules = SegmentRules::new(
///     vec![
///         SegmentRule::new("Best", 4..=5, 4..=5, 1..=5),
///         SegmentRule::new("Shadowed", 5..=5, 5..=5, 1..=5), // Best always matches first
///     ],
///     "Others",
/// );
/// let coverage = rules.coverage(5)?;
/// assert_eq!(coverage.unreachable_rules, vec![1]);
/// assert_eq!(coverage.uncovered_cells, 125 - 4 * 5); // 105 cells fall through to "Others"
/// # Ok::<(), customer_value::rfm::RfmError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "SegmentRulesData")
)]
pub struct SegmentRules {
    rules: Vec<SegmentRule>,
    catch_all: String,
}

/// What a rule list covers on a grid of scores.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleCoverage {
    /// Positions of rules that can never match: every cell they cover is taken by an earlier rule,
    /// or their ranges miss the grid.
    pub unreachable_rules: Vec<usize>,
    /// Number of (R, F, M) cells no rule matches (they get the catch-all name).
    pub uncovered_cells: usize,
    /// The first few uncovered cells (at most 20), to show the caller.
    pub uncovered_examples: Vec<RfmScore>,
}

impl SegmentRules {
    /// Rules tried in order; `catch_all` names whatever no rule matches.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::{SegmentRule, SegmentRules};
    /// let rules = SegmentRules::new(vec![SegmentRule::new("Best", 5..=5, 5..=5, 1..=5)], "Rest");
    /// assert_eq!(rules.rules().len(), 1);
    /// ```
    pub fn new(rules: Vec<SegmentRule>, catch_all: impl Into<String>) -> Self {
        Self {
            rules,
            catch_all: catch_all.into(),
        }
    }

    /// The rules.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::{SegmentRule, SegmentRules};
    /// let rules = SegmentRules::new(vec![SegmentRule::new("Best", 5..=5, 5..=5, 1..=5)], "Rest");
    /// assert_eq!(rules.rules()[0].name, "Best");
    /// ```
    pub fn rules(&self) -> &[SegmentRule] {
        &self.rules
    }

    /// Checks every rule against the grid of `bins` score levels: the part of the rules' check
    /// that needs the bin count, which [`Settings::check`] cannot know. [`RfmScorer`] calls it
    /// with its own bin count after [`Settings::check`]; [`SegmentRules::coverage`] calls both.
    ///
    /// # Errors
    ///
    /// [`RfmError::InvalidParameter`] naming `bins` when it is outside 2..=10;
    /// [`RfmError::InvalidRule`] naming the first rule whose range ends above `bins`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::{SegmentRule, SegmentRules};
    /// let rules = SegmentRules::new(vec![SegmentRule::new("Best", 5..=5, 5..=5, 1..=5)], "Rest");
    /// assert!(rules.check_levels(5).is_ok());
    /// assert!(rules.check_levels(4).is_err()); // 5 is outside 1..=4
    /// ```
    ///
    /// [`RfmScorer`]: crate::RfmScorer
    pub fn check_levels(&self, bins: u8) -> Result<(), RfmError> {
        check_bins(bins)?;
        self.first_bad_range(
            |range| *range.end() > bins,
            "range must end at or below the number of bins",
        )
    }

    /// The first rule (in order, dimensions in R, F, M order) with a range for which `bad` holds.
    fn first_bad_range(
        &self, bad: impl Fn(&RangeInclusive<u8>) -> bool, constraint: &'static str,
    ) -> Result<(), RfmError> {
        for (position, rule) in self.rules.iter().enumerate() {
            for (field, range) in rule.ranges() {
                if bad(range) {
                    return Err(RfmError::InvalidRule {
                        position,
                        rule: rule.name.clone(),
                        field,
                        constraint,
                    });
                }
            }
        }
        Ok(())
    }

    /// Which rules can never match and which cells no rule covers, on the grid of `bins` levels.
    ///
    /// # Errors
    ///
    /// Those of [`Settings::check`](SegmentRules::check) and [`SegmentRules::check_levels`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::{SegmentRule, SegmentRules};
    /// let all = SegmentRules::new(vec![SegmentRule::new("All", 1..=3, 1..=3, 1..=3)], "never used");
    /// let c = all.coverage(3)?;
    /// assert_eq!((c.uncovered_cells, c.unreachable_rules.len()), (0, 0));
    /// # Ok::<(), customer_value::rfm::RfmError>(())
    /// ```
    pub fn coverage(&self, bins: u8) -> Result<RuleCoverage, RfmError> {
        self.check()?;
        self.check_levels(bins)?;
        let mut ever_first = vec![false; self.rules.len()];
        let mut uncovered_cells = 0;
        let mut uncovered_examples = Vec::new();
        for recency in 1..=bins {
            for frequency in 1..=bins {
                for monetary in 1..=bins {
                    let cell = RfmScore {
                        recency,
                        frequency,
                        monetary,
                    };
                    match self.rules.iter().position(|r| r.matches(cell)) {
                        Some(i) => ever_first[i] = true,
                        None => {
                            uncovered_cells += 1;
                            if uncovered_examples.len() < 20 {
                                uncovered_examples.push(cell);
                            }
                        }
                    }
                }
            }
        }
        Ok(RuleCoverage {
            unreachable_rules: ever_first
                .iter()
                .enumerate()
                .filter(|(_, f)| !**f)
                .map(|(i, _)| i)
                .collect(),
            uncovered_cells,
            uncovered_examples,
        })
    }

    fn segment(&self, score: RfmScore) -> RfmSegment {
        let name = self
            .rules
            .iter()
            .find(|r| r.matches(score))
            .map_or(&self.catch_all, |r| &r.name);
        RfmSegment::Custom(name.clone())
    }
}

impl Settings for SegmentRules {
    type Error = RfmError;

    /// Checks what a rule list must satisfy on any grid; the bound that depends on the bin count is
    /// [`SegmentRules::check_levels`].
    ///
    /// # Errors
    ///
    /// [`RfmError::InvalidRule`] naming the first rule (by position) with an empty name, an empty
    /// range, a range starting at 0, or a range ending above 10 (the most levels a scorer has).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::{RfmError, SegmentRule, SegmentRules};
    /// use customer_value::Settings;
    ///
    /// let ok = SegmentRules::new(vec![SegmentRule::new("Best", 5..=5, 5..=5, 1..=5)], "Rest");
    /// assert!(ok.check().is_ok());
    /// let bad = SegmentRules::new(vec![SegmentRule::new("Zero", 0..=2, 1..=5, 1..=5)], "Rest");
    /// assert!(matches!(
    ///     bad.check(),
    ///     Err(RfmError::InvalidRule { position: 0, field: "recency", .. })
    /// ));
    /// ```
    fn check(&self) -> Result<(), RfmError> {
        if let Some((position, rule)) = self
            .rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.name.trim().is_empty())
        {
            return Err(RfmError::InvalidRule {
                position,
                rule: rule.name.clone(),
                field: "name",
                constraint: "must not be empty",
            });
        }
        self.first_bad_range(RangeInclusive::is_empty, "range must not be empty")?;
        self.first_bad_range(|r| *r.start() < 1, "range must start at 1 or above")?;
        self.first_bad_range(
            |r| *r.end() > MAX_BINS,
            "range must end at or below 10, the most levels a scorer has",
        )
    }
}

/// The fields of [`SegmentRules`] as read, before [`Settings::check`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct SegmentRulesData {
    rules: Vec<SegmentRule>,
    catch_all: String,
}

#[cfg(feature = "serde")]
impl TryFrom<SegmentRulesData> for SegmentRules {
    type Error = RfmError;

    fn try_from(data: SegmentRulesData) -> Result<Self, RfmError> {
        let rules = Self::new(data.rules, data.catch_all);
        rules.check()?;
        Ok(rules)
    }
}

/// The most score levels a scorer has.
const MAX_BINS: u8 = 10;

/// Checks a number of score levels: 2..=10.
pub(crate) fn check_bins(bins: u8) -> Result<(), RfmError> {
    if (2..=MAX_BINS).contains(&bins) {
        Ok(())
    } else {
        Err(RfmError::InvalidParameter {
            name: "bins",
            value: f64::from(bins),
            constraint: "must be between 2 and 10",
        })
    }
}

impl SegmentMap {
    /// The segment of `score` on `bins` levels.
    ///
    /// # Errors
    ///
    /// [`RfmError::InvalidParameter`] naming `bins` when it is outside 2..=10, or
    /// [`RfmError::ScoreOutOfRange`] for a score outside `1..=bins`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::SegmentMap;
    /// use customer_value::{RfmScore, RfmSegment};
    ///
    /// let map = SegmentMap::Default;
    /// let s = |r, f| RfmScore { recency: r, frequency: f, monetary: 3 };
    /// assert_eq!(map.segment(s(5, 5), 5)?, RfmSegment::Champions);
    /// assert_eq!(map.segment(s(1, 5), 5)?, RfmSegment::CantLoseThem);
    /// // With 3 levels, a score s maps to ⌈5·s/3⌉: (3, 2) → (5, 4).
    /// assert_eq!(map.segment(s(3, 2), 3)?, RfmSegment::Champions);
    /// assert!(map.segment(s(6, 1), 5).is_err());
    /// # Ok::<(), customer_value::rfm::RfmError>(())
    /// ```
    pub fn segment(&self, score: RfmScore, bins: u8) -> Result<RfmSegment, RfmError> {
        check_bins(bins)?;
        for s in [score.recency, score.frequency, score.monetary] {
            if !(1..=bins).contains(&s) {
                return Err(RfmError::ScoreOutOfRange { score: s, bins });
            }
        }
        Ok(match self {
            SegmentMap::Default => {
                default_segment(to_five(score.recency, bins), to_five(score.frequency, bins))
            }
            SegmentMap::Rules(rules) => rules.segment(score),
        })
    }
}

/// Maps a score on `bins` levels onto 1..=5 as ⌈5·s/bins⌉.
fn to_five(score: u8, bins: u8) -> u8 {
    let (s, b) = (u16::from(score), u16::from(bins));
    ((5 * s).div_ceil(b)) as u8
}

/// The default R×F map: an exact partition of the 25 cells.
fn default_segment(r: u8, f: u8) -> RfmSegment {
    match (r, f) {
        (1..=2, 1..=2) => RfmSegment::Hibernating,
        (1..=2, 3..=4) => RfmSegment::AtRisk,
        (1..=2, _) => RfmSegment::CantLoseThem,
        (3, 1..=2) => RfmSegment::AboutToSleep,
        (3, 3) => RfmSegment::NeedAttention,
        (3..=4, 4..=5) => RfmSegment::LoyalCustomers,
        (4, 1) => RfmSegment::Promising,
        (5, 1) => RfmSegment::NewCustomers,
        (4..=5, 2..=3) => RfmSegment::PotentialLoyalists,
        _ => RfmSegment::Champions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_map_is_the_published_grid() {
        use RfmSegment::*;
        // Rows R = 1..5, columns F = 1..5.
        let grid = [
            [Hibernating, Hibernating, AtRisk, AtRisk, CantLoseThem],
            [Hibernating, Hibernating, AtRisk, AtRisk, CantLoseThem],
            [
                AboutToSleep,
                AboutToSleep,
                NeedAttention,
                LoyalCustomers,
                LoyalCustomers,
            ],
            [
                Promising,
                PotentialLoyalists,
                PotentialLoyalists,
                LoyalCustomers,
                LoyalCustomers,
            ],
            [
                NewCustomers,
                PotentialLoyalists,
                PotentialLoyalists,
                Champions,
                Champions,
            ],
        ];
        for (r, row) in grid.iter().enumerate() {
            for (f, expected) in row.iter().enumerate() {
                assert_eq!(
                    &default_segment(r as u8 + 1, f as u8 + 1),
                    expected,
                    "R {} F {}",
                    r + 1,
                    f + 1
                );
            }
        }
    }

    #[test]
    fn scores_on_other_grids_map_by_ceiling() {
        assert_eq!(
            (1..=10).map(|s| to_five(s, 10)).collect::<Vec<_>>(),
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!(
            (1..=3).map(|s| to_five(s, 3)).collect::<Vec<_>>(),
            vec![2, 4, 5]
        );
        assert_eq!(
            (1..=5).map(|s| to_five(s, 5)).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
    }

    #[test]
    fn rules_match_first_and_fall_through_to_the_catch_all() {
        let rules = SegmentRules::new(
            vec![
                SegmentRule::new("A", 4..=5, 1..=5, 1..=5),
                SegmentRule::new("B", 5..=5, 5..=5, 5..=5),
            ],
            "rest",
        );
        let map = SegmentMap::Rules(rules.clone());
        let s = RfmScore {
            recency: 5,
            frequency: 5,
            monetary: 5,
        };
        assert_eq!(map.segment(s, 5).unwrap(), RfmSegment::Custom("A".into()));
        let low = RfmScore {
            recency: 1,
            frequency: 5,
            monetary: 5,
        };
        assert_eq!(
            map.segment(low, 5).unwrap(),
            RfmSegment::Custom("rest".into())
        );
        let cov = rules.coverage(5).unwrap();
        assert_eq!(cov.unreachable_rules, vec![1]);
        assert_eq!(cov.uncovered_cells, 75);
        assert_eq!(
            cov.uncovered_examples[0],
            RfmScore {
                recency: 1,
                frequency: 1,
                monetary: 1
            }
        );
    }

    #[test]
    fn bad_rules_are_named() {
        let rules = SegmentRules::new(vec![SegmentRule::new("X", 1..=6, 1..=5, 1..=5)], "rest");
        assert!(matches!(
            rules.check_levels(5),
            Err(RfmError::InvalidRule { position: 0, .. })
        ));
        #[allow(clippy::reversed_empty_ranges)]
        let empty = SegmentRules::new(vec![SegmentRule::new("Y", 3..=2, 1..=5, 1..=5)], "rest");
        assert!(empty.check().is_err());
        assert_eq!(
            rules.check_levels(11),
            Err(RfmError::InvalidParameter {
                name: "bins",
                value: 11.0,
                constraint: "must be between 2 and 10"
            })
        );
    }
}
