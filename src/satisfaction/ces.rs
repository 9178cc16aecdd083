//! Customer Effort Score (CES): the 7-point agreement question and the 5-point effort question.

use super::descriptive::MeanEstimate;
use super::interval::{bin_answers, check_scale, wilson_interval, Interval};
use super::segment::by_segment;
#[cfg(feature = "serde")]
use super::{csat::check_part_of_total, SatisfactionError};
use super::{Result, SegmentResult};

/// The two Customer Effort Score questions in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CesScale {
    /// "The company made it easy for me to handle my issue", 1–7 agreement (CES 2.0, Dixon, Toman &
    /// DeLisi 2013): 5–7 agree (favourable), 4 neutral, 1–3 disagree. Higher is better.
    Agreement7,
    /// "How much effort did you personally have to put forth?", 1–5 (CES 1.0, Dixon, Freeman & Toman
    /// 2010): 1–2 low effort (favourable), 3 neutral, 4–5 high effort. Lower is better.
    Effort5,
}

impl CesScale {
    fn points(self) -> u8 {
        match self {
            CesScale::Agreement7 => 7,
            CesScale::Effort5 => 5,
        }
    }
    /// −1 unfavourable, 0 neutral, 1 favourable.
    fn classify(self, answer: u8) -> i8 {
        match self {
            CesScale::Agreement7 => match answer {
                5..=7 => 1,
                4 => 0,
                _ => -1,
            },
            CesScale::Effort5 => match answer {
                1..=2 => 1,
                3 => 0,
                _ => -1,
            },
        }
    }
}

/// Customer Effort Score: the mean with a t interval, the favourable share (agree on the 7-point
/// scale, low effort on the 5-point scale) with Wilson's interval, and the net score
/// favourable − unfavourable (share agreeing − share disagreeing, or share low − share high effort),
/// all shares in 0…1 and the net in −1…1.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::{Ces, CesScale};
/// let ces = Ces::from_answers(&[7, 6, 5, 4, 2, 1, 6, 7], CesScale::Agreement7)?;
/// assert_eq!(ces.favourable_share(), 0.625);
/// assert_eq!(ces.unfavourable_share(), 0.25);
/// assert_eq!(ces.net(), 0.375);
/// let effort = Ces::from_answers(&[1, 2, 5, 3], CesScale::Effort5)?;
/// assert_eq!(effort.net(), 0.25);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// Read back with serde, the fields are checked: a positive finite total with the favourable and
/// unfavourable parts within it (together too), and a valid [`MeanEstimate`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CesData")
)]
pub struct Ces {
    scale: CesScale,
    /// The favourable respondents' weight, in the unit of `total`.
    favourable: f64,
    /// The unfavourable respondents' weight, in the unit of `total`.
    unfavourable: f64,
    /// All respondents' weight: the count when unweighted; with weights, their sum divided by a
    /// power of two near the largest weight (only ratios to it are used).
    total: f64,
    mean: MeanEstimate,
}

impl Ces {
    /// CES of unweighted answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Ces, CesScale};
    /// let ces = Ces::from_answers(&[1, 2, 2, 4], CesScale::Effort5)?;
    /// assert_eq!(ces.favourable_share(), 0.75);
    /// assert_eq!(ces.mean(), 2.25);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::EmptyInput`](super::SatisfactionError::EmptyInput) for no answers; [`SatisfactionError::OutOfScale`](super::SatisfactionError::OutOfScale) for an answer
    /// outside 1…7 (or 1…5), with its position.
    pub fn from_answers(answers: &[u8], scale: CesScale) -> Result<Ces> {
        Self::build(answers, None, scale)
    }

    /// CES of weighted answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Ces, CesScale};
    /// let ces = Ces::from_weighted_answers(&[1, 5], &[1.0, 3.0], CesScale::Effort5)?;
    /// assert_eq!(ces.favourable_share(), 0.25);
    /// assert_eq!(ces.mean(), 4.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Ces::from_answers`], plus [`SatisfactionError::LengthMismatch`](super::SatisfactionError::LengthMismatch),
    /// [`SatisfactionError::InvalidWeight`](super::SatisfactionError::InvalidWeight) and [`SatisfactionError::ZeroTotalWeight`](super::SatisfactionError::ZeroTotalWeight) for bad weights.
    pub fn from_weighted_answers(answers: &[u8], weights: &[f64], scale: CesScale) -> Result<Ces> {
        Self::build(answers, Some(weights), scale)
    }

    /// CES per segment label (sorted by label), optionally weighted.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Ces, CesScale};
    /// let rows = Ces::by_segment(&[7, 1], None, &["b", "a"], CesScale::Agreement7)?;
    /// assert_eq!(rows[0].statistic.net(), -1.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Ces::from_weighted_answers`], plus [`SatisfactionError::LengthMismatch`](super::SatisfactionError::LengthMismatch) for labels.
    pub fn by_segment<L: Ord + Clone>(
        answers: &[u8], weights: Option<&[f64]>, labels: &[L], scale: CesScale,
    ) -> Result<Vec<SegmentResult<L, Ces>>> {
        check_scale(answers, 1, scale.points())?;
        by_segment(answers, weights, labels, |a, w| Self::build(a, w, scale))
    }

    fn build(answers: &[u8], weights: Option<&[f64]>, scale: CesScale) -> Result<Ces> {
        check_scale(answers, 1, scale.points())?;
        let bins = bin_answers(answers, weights, scale.points())?;
        let (mut favourable, mut unfavourable) = (0.0, 0.0);
        for (answer, &total) in bins.totals.iter().enumerate().skip(1) {
            // Answers are at most 7 here, so the cast cannot truncate.
            match scale.classify(answer as u8) {
                1 => favourable += total,
                -1 => unfavourable += total,
                _ => {}
            }
        }
        let mean = MeanEstimate::from_bins(
            &bins.value_totals(1),
            bins.sum_squares,
            bins.respondents,
            (1.0, f64::from(scale.points())),
            1.0,
        )?;
        Ok(Ces {
            scale,
            favourable,
            unfavourable,
            total: bins.sum_weights(),
            mean,
        })
    }

    /// The question's scale.
    pub fn scale(&self) -> CesScale {
        self.scale
    }
    /// Respondents counted.
    pub fn respondents(&self) -> usize {
        self.mean.respondents()
    }
    /// The (weighted) mean answer (higher is better on `Agreement7`, lower on `Effort5`).
    pub fn mean(&self) -> f64 {
        self.mean.mean()
    }
    /// The mean with its standard error.
    pub fn mean_estimate(&self) -> &MeanEstimate {
        &self.mean
    }
    /// t interval for the mean, clipped to the scale.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Ces, CesScale};
    /// let ces = Ces::from_answers(&[6, 7, 6, 7], CesScale::Agreement7)?;
    /// let interval = ces.mean_interval(0.95)?;
    /// assert!(interval.contains(6.5) && interval.upper == 7.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::TooFewRespondents`](super::SatisfactionError::TooFewRespondents) with one effective respondent or fewer;
    /// [`SatisfactionError::InvalidParameter`](super::SatisfactionError::InvalidParameter) for a bad level.
    pub fn mean_interval(&self, level: f64) -> Result<Interval> {
        self.mean.t_interval(level)
    }
    /// Share agreeing (7-point) or reporting low effort (5-point), 0…1.
    pub fn favourable_share(&self) -> f64 {
        (self.favourable / self.total).clamp(0.0, 1.0)
    }
    /// Share disagreeing (7-point) or reporting high effort (5-point), 0…1.
    pub fn unfavourable_share(&self) -> f64 {
        (self.unfavourable / self.total).clamp(0.0, 1.0)
    }
    /// Net effort: favourable share − unfavourable share, −1…1.
    pub fn net(&self) -> f64 {
        self.favourable_share() - self.unfavourable_share()
    }
    /// Wilson interval for the favourable share on the effective sample size.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Ces, CesScale};
    /// let ces = Ces::from_answers(&[7, 7, 7, 1], CesScale::Agreement7)?;
    /// let interval = ces.favourable_interval(0.95)?;
    /// assert!(interval.contains(0.75) && interval.upper < 1.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`](super::SatisfactionError::InvalidParameter) when `level` is not strictly between 0 and 1.
    pub fn favourable_interval(&self, level: f64) -> Result<Interval> {
        let n = self.mean.effective_sample_size();
        wilson_interval((self.favourable_share() * n).min(n), n, level)
    }
}

/// The fields of [`Ces`] as read, before the checks of [`Ces::try_from`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CesData {
    scale: CesScale,
    favourable: f64,
    unfavourable: f64,
    total: f64,
    mean: MeanEstimate,
}

#[cfg(feature = "serde")]
impl TryFrom<CesData> for Ces {
    type Error = SatisfactionError;

    /// Accepts what the constructors can produce (see the type's docs).
    fn try_from(data: CesData) -> Result<Ces> {
        check_part_of_total("favourable", data.favourable, data.total)?;
        check_part_of_total("unfavourable", data.unfavourable, data.total)?;
        check_part_of_total(
            "favourable + unfavourable",
            data.favourable + data.unfavourable,
            data.total,
        )?;
        Ok(Ces {
            scale: data.scale,
            favourable: data.favourable,
            unfavourable: data.unfavourable,
            total: data.total,
            mean: data.mean,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::satisfaction::SatisfactionError;

    #[test]
    fn out_of_scale_and_classes() {
        assert!(matches!(
            Ces::from_answers(&[6], CesScale::Effort5),
            Err(SatisfactionError::OutOfScale { position: 0, .. })
        ));
        let agreement: Vec<i8> = (1..=7).map(|a| CesScale::Agreement7.classify(a)).collect();
        assert_eq!(agreement, vec![-1, -1, -1, 0, 1, 1, 1]);
        let effort: Vec<i8> = (1..=5).map(|a| CesScale::Effort5.classify(a)).collect();
        assert_eq!(effort, vec![1, 1, 0, -1, -1]);
    }
}
