//! Kano classification of product features from functional/dysfunctional question pairs.

use super::{Result, SatisfactionError};

/// An answer to a Kano question ("How do you feel if the feature is present / absent?").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum KanoAnswer {
    /// 1: I like it that way.
    Like,
    /// 2: It must be that way.
    MustBe,
    /// 3: I am neutral.
    Neutral,
    /// 4: I can live with it that way.
    LiveWith,
    /// 5: I dislike it that way.
    Dislike,
}

impl KanoAnswer {
    /// The answer coded 1 (like) … 5 (dislike).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::KanoAnswer;
    /// assert_eq!(KanoAnswer::from_code(5, 0)?, KanoAnswer::Dislike);
    /// assert!(KanoAnswer::from_code(6, 3).is_err());
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::OutOfScale`] for a code outside 1…5, reporting `position`.
    pub fn from_code(code: u8, position: usize) -> Result<KanoAnswer> {
        Ok(match code {
            1 => KanoAnswer::Like,
            2 => KanoAnswer::MustBe,
            3 => KanoAnswer::Neutral,
            4 => KanoAnswer::LiveWith,
            5 => KanoAnswer::Dislike,
            _ => {
                return Err(SatisfactionError::OutOfScale {
                    position,
                    value: f64::from(code),
                    min: 1.0,
                    max: 5.0,
                })
            }
        })
    }
}

/// A Kano category (Kano et al. 1984; evaluation table of Berger et al. 1993, *Center for Quality
/// Management Journal* 2(4), evaluation table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum KanoCategory {
    /// Delights when present, not missed when absent.
    Attractive,
    /// More is better: satisfies when present, dissatisfies when absent.
    OneDimensional,
    /// Expected: not noticed when present, dissatisfies when absent.
    MustBe,
    /// Does not matter either way.
    Indifferent,
    /// The respondent wants the opposite.
    Reverse,
    /// Contradictory answers (e.g. likes both presence and absence).
    Questionable,
}

impl KanoCategory {
    /// Classifies one functional/dysfunctional answer pair by Berger et al.'s table: rows the
    /// functional answer, columns the dysfunctional answer (like, must-be, neutral, live-with, dislike):
    ///
    /// ```text
    ///             like  must  neut  live  dislike
    /// like         Q     A     A     A     O
    /// must-be      R     I     I     I     M
    /// neutral      R     I     I     I     M
    /// live-with    R     I     I     I     M
    /// dislike      R     R     R     R     Q
    /// ```
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{KanoAnswer, KanoCategory};
    /// let category = KanoCategory::classify(KanoAnswer::Like, KanoAnswer::Dislike);
    /// assert_eq!(category, KanoCategory::OneDimensional);
    /// ```
    pub fn classify(functional: KanoAnswer, dysfunctional: KanoAnswer) -> KanoCategory {
        use KanoAnswer::*;
        match (functional, dysfunctional) {
            (Like, Like) | (Dislike, Dislike) => KanoCategory::Questionable,
            (Like, Dislike) => KanoCategory::OneDimensional,
            (Like, _) => KanoCategory::Attractive,
            (Dislike, _) | (_, Like) => KanoCategory::Reverse,
            (_, Dislike) => KanoCategory::MustBe,
            _ => KanoCategory::Indifferent,
        }
    }
}

/// Kano evaluation of one feature over respondents: category counts, the most frequent category and
/// the customer-satisfaction coefficients of Berger et al. (1993): Better = (A + O)/(A + O + M + I),
/// Worse = −(O + M)/(A + O + M + I).
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::{Kano, KanoCategory};
/// // (functional, dysfunctional) codes 1..=5
/// let kano = Kano::from_codes(&[(1, 5), (1, 5), (1, 3), (2, 5), (3, 3)])?;
/// assert_eq!(kano.category(), KanoCategory::OneDimensional);
/// assert_eq!(kano.count(KanoCategory::Attractive), 1);
/// assert_eq!(kano.better(), Some(0.6));
/// assert_eq!(kano.worse(), Some(-0.6));
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// Read back with serde, the counts are checked: at least one respondent, and a total that fits in
/// `usize` (so that [`Kano::respondents`] and the coefficients cannot overflow).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "KanoData")
)]
pub struct Kano {
    counts: [usize; 6],
}

/// The fields of [`Kano`] as read, before [`Kano::check`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct KanoData {
    counts: [usize; 6],
}

#[cfg(feature = "serde")]
impl TryFrom<KanoData> for Kano {
    type Error = SatisfactionError;

    fn try_from(data: KanoData) -> Result<Kano> {
        let kano = Kano {
            counts: data.counts,
        };
        kano.check()?;
        Ok(kano)
    }
}

const CATEGORIES: [KanoCategory; 6] = [
    KanoCategory::Attractive,
    KanoCategory::OneDimensional,
    KanoCategory::MustBe,
    KanoCategory::Indifferent,
    KanoCategory::Reverse,
    KanoCategory::Questionable,
];

fn slot(category: KanoCategory) -> usize {
    CATEGORIES
        .iter()
        .position(|&c| c == category)
        .unwrap_or_default()
}

impl Kano {
    /// Evaluates answer pairs (functional, dysfunctional).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Kano, KanoAnswer, KanoCategory};
    /// let kano = Kano::from_pairs(&[
    ///     (KanoAnswer::Neutral, KanoAnswer::Dislike),
    ///     (KanoAnswer::LiveWith, KanoAnswer::Dislike),
    ///     (KanoAnswer::Like, KanoAnswer::Neutral),
    /// ])?;
    /// assert_eq!(kano.category(), KanoCategory::MustBe);
    /// assert_eq!(kano.worse(), Some(-2.0 / 3.0));
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::EmptyInput`] for no pairs.
    pub fn from_pairs(pairs: &[(KanoAnswer, KanoAnswer)]) -> Result<Kano> {
        if pairs.is_empty() {
            return Err(SatisfactionError::EmptyInput);
        }
        let mut counts = [0usize; 6];
        for &(functional, dysfunctional) in pairs {
            counts[slot(KanoCategory::classify(functional, dysfunctional))] += 1;
        }
        Ok(Kano { counts })
    }

    /// Evaluates coded answer pairs (1 like … 5 dislike).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Kano, KanoCategory};
    /// let kano = Kano::from_codes(&[(3, 3), (4, 3)])?;
    /// assert_eq!(kano.category(), KanoCategory::Indifferent);
    /// assert_eq!((kano.better(), kano.respondents()), (Some(0.0), 2));
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::EmptyInput`] for no pairs; [`SatisfactionError::OutOfScale`] for a code
    /// outside 1…5, with the pair's position.
    pub fn from_codes(pairs: &[(u8, u8)]) -> Result<Kano> {
        let answers = pairs
            .iter()
            .enumerate()
            .map(|(position, &(f, d))| {
                Ok((
                    KanoAnswer::from_code(f, position)?,
                    KanoAnswer::from_code(d, position)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_pairs(&answers)
    }

    /// What the constructors guarantee: at least one respondent, and a total that fits in `usize`.
    #[cfg(feature = "serde")]
    fn check(&self) -> Result<()> {
        let total = self
            .counts
            .iter()
            .try_fold(0usize, |sum, &count| sum.checked_add(count));
        match total {
            Some(0) => Err(SatisfactionError::EmptyInput),
            Some(_) => Ok(()),
            None => Err(SatisfactionError::InvalidParameter {
                name: "counts",
                value: self.counts.iter().copied().max().unwrap_or_default() as f64,
                constraint: "the category counts must sum to at most usize::MAX",
            }),
        }
    }

    /// Respondents classified into `category`.
    pub fn count(&self, category: KanoCategory) -> usize {
        self.counts[slot(category)]
    }

    /// Respondents evaluated.
    pub fn respondents(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The most frequent category; ties go to the first in the order attractive, one-dimensional,
    /// must-be, indifferent, reverse, questionable.
    pub fn category(&self) -> KanoCategory {
        let mut best = 0;
        for (index, &count) in self.counts.iter().enumerate() {
            if count > self.counts[best] {
                best = index;
            }
        }
        CATEGORIES[best]
    }

    /// Better coefficient (A + O)/(A + O + M + I) in 0…1; `None` when every answer was reverse or
    /// questionable.
    pub fn better(&self) -> Option<f64> {
        let [a, o, m, i, _, _] = self.counts;
        let base = a + o + m + i;
        (base > 0).then(|| (a + o) as f64 / base as f64)
    }

    /// Worse coefficient −(O + M)/(A + O + M + I) in −1…0; `None` when every answer was reverse or
    /// questionable.
    pub fn worse(&self) -> Option<f64> {
        let [a, o, m, i, _, _] = self.counts;
        let base = a + o + m + i;
        (base > 0).then(|| -((o + m) as f64) / base as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_table() {
        use KanoCategory::*;
        // Berger et al. (1993) evaluation table, row by row.
        let table = [
            [
                Questionable,
                Attractive,
                Attractive,
                Attractive,
                OneDimensional,
            ],
            [Reverse, Indifferent, Indifferent, Indifferent, MustBe],
            [Reverse, Indifferent, Indifferent, Indifferent, MustBe],
            [Reverse, Indifferent, Indifferent, Indifferent, MustBe],
            [Reverse, Reverse, Reverse, Reverse, Questionable],
        ];
        for (f, row) in table.iter().enumerate() {
            for (d, expected) in row.iter().enumerate() {
                let functional = KanoAnswer::from_code(f as u8 + 1, 0).unwrap();
                let dysfunctional = KanoAnswer::from_code(d as u8 + 1, 0).unwrap();
                assert_eq!(KanoCategory::classify(functional, dysfunctional), *expected);
            }
        }
    }

    #[test]
    fn bad_code_names_position() {
        assert!(matches!(
            Kano::from_codes(&[(1, 5), (0, 5)]),
            Err(SatisfactionError::OutOfScale { position: 1, .. })
        ));
        assert_eq!(Kano::from_codes(&[]), Err(SatisfactionError::EmptyInput));
        let reverse = Kano::from_codes(&[(5, 1)]).unwrap();
        assert_eq!(reverse.better(), None);
    }
}
