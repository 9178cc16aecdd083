//! Descriptive statistics of numeric or Likert answers, and the (weighted) mean with its t interval.

use crate::numeric::quantile::quantile_sorted;

use super::interval::{check_weights, t_critical, Interval};
use super::segment::by_segment;
use super::{Result, SatisfactionError, SegmentResult};

/// How often one answer value occurs.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnswerCount {
    /// The answer value.
    pub value: f64,
    /// How many respondents gave it.
    pub count: usize,
}

/// Descriptive statistics of one item's answers.
///
/// `NaN` answers are missing and are dropped (their number is [`Descriptive::missing`]). Quartiles use
/// linear interpolation between order statistics, numpy's default (Hyndman & Fan 1996, definition 7):
/// the p-quantile is x₍ₖ₎ + (h − k)(x₍ₖ₊₁₎ − x₍ₖ₎) with h = (n − 1)p, k = ⌊h⌋ on the sorted answers.
/// Skewness and excess kurtosis are the bias-corrected sample estimators G1 and G2 (Joanes & Gill 1998,
/// *The Statistician* 47(1)), as SPSS and Excel report them.
/// Sums run over the sorted answers, so the result is bit-identical whatever the input order.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::Descriptive;
/// let stats = Descriptive::of(&[1.0, 2.0, 2.0, 3.0, 4.0, 5.0, f64::NAN])?;
/// assert_eq!(stats.respondents(), 6);
/// assert_eq!(stats.missing(), 1);
/// assert_eq!(stats.mode(), 2.0);
/// assert_eq!(stats.median(), 2.5);
/// assert_eq!(stats.first_quartile(), 2.0);
/// assert_eq!(stats.third_quartile(), 3.75);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Descriptive {
    respondents: usize,
    missing: usize,
    mean: f64,
    standard_deviation: Option<f64>,
    minimum: f64,
    first_quartile: f64,
    median: f64,
    third_quartile: f64,
    maximum: f64,
    mode: f64,
    counts: Vec<AnswerCount>,
    skewness: Option<f64>,
    excess_kurtosis: Option<f64>,
}

impl Descriptive {
    /// Descriptive statistics of `answers` (`NaN` = missing).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Descriptive;
    /// // scipy.stats.skew(x, bias=False) = 0.590128656384365,
    /// // scipy.stats.kurtosis(x, bias=False) = -0.021913805697591382 for x = [1, 2, 3, 4, 6].
    /// let stats = Descriptive::of(&[1.0, 2.0, 3.0, 4.0, 6.0])?;
    /// assert!((stats.skewness().unwrap() - 0.590128656384365).abs() < 1e-12);
    /// assert!((stats.excess_kurtosis().unwrap() + 0.021913805697591382).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::EmptyInput`] when no answer is left after dropping `NaN`s;
    /// [`SatisfactionError::NonFinite`] for an infinite answer, with its position.
    pub fn of(answers: &[f64]) -> Result<Descriptive> {
        if let Some((position, &value)) = answers.iter().enumerate().find(|(_, a)| a.is_infinite())
        {
            return Err(SatisfactionError::NonFinite { position, value });
        }
        let mut sorted: Vec<f64> = answers.iter().copied().filter(|a| !a.is_nan()).collect();
        if sorted.is_empty() {
            return Err(SatisfactionError::EmptyInput);
        }
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len();
        let nf = n as f64;
        let mean = sorted.iter().sum::<f64>() / nf;
        let central = |power: i32| sorted.iter().map(|x| (x - mean).powi(power)).sum::<f64>() / nf;
        let (m2, m3, m4) = (central(2), central(3), central(4));
        let standard_deviation = (n >= 2).then(|| (m2 * nf / (nf - 1.0)).sqrt());
        let varies = m2 > 0.0;
        let skewness = (n >= 3 && varies).then(|| {
            let g1 = m3 / m2.powf(1.5);
            (nf * (nf - 1.0)).sqrt() / (nf - 2.0) * g1
        });
        let excess_kurtosis = (n >= 4 && varies).then(|| {
            let g2 = m4 / (m2 * m2) - 3.0;
            (nf - 1.0) / ((nf - 2.0) * (nf - 3.0)) * ((nf + 1.0) * g2 + 6.0)
        });
        let mut counts: Vec<AnswerCount> = Vec::new();
        for &value in &sorted {
            match counts.last_mut() {
                Some(last) if last.value == value => last.count += 1,
                _ => counts.push(AnswerCount { value, count: 1 }),
            }
        }
        // Counts are ascending by value, so the first maximum is the smallest of tied modes.
        let mode = counts
            .iter()
            .fold(
                counts[0],
                |best, c| if c.count > best.count { *c } else { best },
            )
            .value;
        // `sorted` is non-empty (checked above), so every quartile exists.
        let quartile = |p| quantile_sorted(&sorted, p).unwrap_or(sorted[0]);
        Ok(Descriptive {
            respondents: n,
            missing: answers.len() - n,
            mean,
            standard_deviation,
            minimum: sorted[0],
            first_quartile: quartile(0.25),
            median: quartile(0.5),
            third_quartile: quartile(0.75),
            maximum: sorted[n - 1],
            mode,
            counts,
            skewness,
            excess_kurtosis,
        })
    }

    /// Descriptive statistics per segment label (sorted by label).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Descriptive;
    /// let rows = Descriptive::by_segment(&[1.0, 2.0, 5.0], &["x", "x", "y"])?;
    /// assert_eq!(rows[0].statistic.mean(), 1.5);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Descriptive::of`] for each segment, plus [`SatisfactionError::LengthMismatch`] when the labels
    /// differ in length from the answers.
    pub fn by_segment<L: Ord + Clone>(
        answers: &[f64], labels: &[L],
    ) -> Result<Vec<SegmentResult<L, Descriptive>>> {
        by_segment(answers, None, labels, |a, _| Descriptive::of(a))
    }

    /// The respondent-weighted mean with its standard error on Kish's effective sample size.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Descriptive;
    /// let mean = Descriptive::weighted_mean(&[1.0, 5.0], &[3.0, 1.0])?;
    /// assert_eq!(mean.mean(), 2.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Descriptive::of`], plus [`SatisfactionError::LengthMismatch`],
    /// [`SatisfactionError::InvalidWeight`] and [`SatisfactionError::ZeroTotalWeight`] for bad weights
    /// (a weight paired with a missing answer is dropped with it).
    pub fn weighted_mean(answers: &[f64], weights: &[f64]) -> Result<MeanEstimate> {
        check_weights(weights, answers.len())?;
        if let Some((position, &value)) = answers.iter().enumerate().find(|(_, a)| a.is_infinite())
        {
            return Err(SatisfactionError::NonFinite { position, value });
        }
        let pairs: Vec<(f64, f64)> = answers
            .iter()
            .zip(weights)
            .filter(|(a, _)| !a.is_nan())
            .map(|(&a, &w)| (a, w))
            .collect();
        if pairs.is_empty() {
            return Err(SatisfactionError::EmptyInput);
        }
        MeanEstimate::from_pairs(&pairs, f64::NEG_INFINITY, f64::INFINITY)
    }

    /// The unweighted mean as a [`MeanEstimate`] (for its t interval).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Descriptive;
    /// let stats = Descriptive::of(&[2.0, 4.0, 4.0, 5.0])?;
    /// // scipy.stats.t.interval(0.95, 3, loc=3.75, scale=scipy.stats.sem(x)) = (1.74775, 5.75225)
    /// let interval = stats.mean_estimate().t_interval(0.95)?;
    /// assert!((interval.lower - 1.7477547746640747).abs() < 1e-9);
    /// assert!((interval.upper - 5.752245225335925).abs() < 1e-9);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    pub fn mean_estimate(&self) -> MeanEstimate {
        let n = self.respondents as f64;
        MeanEstimate {
            mean: self.mean,
            variance: self.standard_deviation.map(|s| s * s),
            respondents: self.respondents,
            effective_n: n,
            lower_bound: f64::NEG_INFINITY,
            upper_bound: f64::INFINITY,
        }
    }

    /// Respondents with an answer.
    pub fn respondents(&self) -> usize {
        self.respondents
    }
    /// Missing (`NaN`) answers dropped.
    pub fn missing(&self) -> usize {
        self.missing
    }
    /// Arithmetic mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sample standard deviation (divisor n − 1); `None` for a single answer.
    pub fn standard_deviation(&self) -> Option<f64> {
        self.standard_deviation
    }
    /// Standard error of the mean, SD / √n; `None` for a single answer.
    pub fn standard_error(&self) -> Option<f64> {
        self.standard_deviation
            .map(|s| s / (self.respondents as f64).sqrt())
    }
    /// Smallest answer.
    pub fn minimum(&self) -> f64 {
        self.minimum
    }
    /// First quartile (linear interpolation).
    pub fn first_quartile(&self) -> f64 {
        self.first_quartile
    }
    /// Median.
    pub fn median(&self) -> f64 {
        self.median
    }
    /// Third quartile (linear interpolation).
    pub fn third_quartile(&self) -> f64 {
        self.third_quartile
    }
    /// Largest answer.
    pub fn maximum(&self) -> f64 {
        self.maximum
    }
    /// Most frequent answer; the smallest of tied values.
    pub fn mode(&self) -> f64 {
        self.mode
    }
    /// Count of each distinct answer, ascending by value.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Descriptive;
    /// let stats = Descriptive::of(&[2.0, 1.0, 2.0])?;
    /// let counts: Vec<(f64, usize)> = stats.counts().iter().map(|c| (c.value, c.count)).collect();
    /// assert_eq!(counts, vec![(1.0, 1), (2.0, 2)]);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    pub fn counts(&self) -> &[AnswerCount] {
        &self.counts
    }
    /// Skewness G1; `None` with fewer than 3 answers or when all answers are equal.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Descriptive;
    /// assert_eq!(Descriptive::of(&[1.0, 2.0])?.skewness(), None);
    /// assert_eq!(Descriptive::of(&[1.0, 2.0, 3.0])?.skewness(), Some(0.0));
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    pub fn skewness(&self) -> Option<f64> {
        self.skewness
    }
    /// Excess kurtosis G2; `None` with fewer than 4 answers or when all answers are equal.
    pub fn excess_kurtosis(&self) -> Option<f64> {
        self.excess_kurtosis
    }
}

/// A (possibly weighted) mean with what its t interval needs.
///
/// The weighted variance is Σw(x − x̄)² / (Σw − Σw²/Σw), which is the usual n − 1 sample variance
/// when all weights are 1; the standard error is √(variance / n_eff) with Kish's effective sample size
/// n_eff = (Σw)²/Σw², and the t interval has n_eff − 1 degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeanEstimate {
    mean: f64,
    variance: Option<f64>,
    respondents: usize,
    effective_n: f64,
    lower_bound: f64,
    upper_bound: f64,
}

impl MeanEstimate {
    /// From (value, total weight) bins in a fixed order, Σw² and the respondent count; `bounds` clip
    /// the interval.
    pub(crate) fn from_bins(
        bins: &[(f64, f64)], sum_squares: f64, respondents: usize, lower_bound: f64,
        upper_bound: f64,
    ) -> Result<MeanEstimate> {
        let sum_weights: f64 = bins.iter().map(|b| b.1).sum();
        if sum_weights.is_nan() || sum_weights <= 0.0 {
            return Err(SatisfactionError::ZeroTotalWeight);
        }
        let mean = bins.iter().map(|b| b.0 * b.1).sum::<f64>() / sum_weights;
        let effective_n = sum_weights * sum_weights / sum_squares;
        let denominator = sum_weights - sum_squares / sum_weights;
        // More than one effective respondent is needed for a variance; tiny excesses are rounding.
        let variance = (effective_n > 1.0 + 1e-9 && denominator > 0.0)
            .then(|| bins.iter().map(|b| b.1 * (b.0 - mean).powi(2)).sum::<f64>() / denominator);
        Ok(MeanEstimate {
            mean: mean.clamp(lower_bound, upper_bound),
            variance,
            respondents,
            effective_n,
            lower_bound,
            upper_bound,
        })
    }

    /// From (answer, weight) pairs with at least one positive weight; `bounds` clip the interval.
    pub(crate) fn from_pairs(
        pairs: &[(f64, f64)], lower_bound: f64, upper_bound: f64,
    ) -> Result<MeanEstimate> {
        let mut sorted = pairs.to_vec();
        // Sum in a canonical order so the result does not depend on input order.
        sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut weights: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        weights.sort_unstable_by(f64::total_cmp);
        let sum_squares = weights.iter().map(|w| w * w).sum();
        Self::from_bins(&sorted, sum_squares, pairs.len(), lower_bound, upper_bound)
    }

    /// The (weighted) mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// The (weighted) standard deviation; `None` with one effective respondent or fewer.
    pub fn standard_deviation(&self) -> Option<f64> {
        self.variance.map(f64::sqrt)
    }
    /// Standard error √(variance / n_eff); `None` with one effective respondent or fewer.
    pub fn standard_error(&self) -> Option<f64> {
        self.variance.map(|v| (v / self.effective_n).sqrt())
    }
    /// Respondents counted.
    pub fn respondents(&self) -> usize {
        self.respondents
    }
    /// Kish's effective sample size (equals the respondents when unweighted).
    pub fn effective_sample_size(&self) -> f64 {
        self.effective_n
    }

    /// Student's t interval mean ± t_{n_eff − 1} · SE, clipped to the answer scale when there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Descriptive;
    /// let interval = Descriptive::of(&[3.0, 3.0, 3.0])?.mean_estimate().t_interval(0.9)?;
    /// assert_eq!((interval.lower, interval.upper), (3.0, 3.0));
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::TooFewRespondents`] with one effective respondent or fewer;
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1.
    pub fn t_interval(&self, level: f64) -> Result<Interval> {
        let variance = self.variance.ok_or(SatisfactionError::TooFewRespondents {
            statistic: "a t interval for the mean",
            needed: 2,
            found: self.respondents,
        })?;
        let t = t_critical(level, self.effective_n - 1.0)?;
        let half = t * (variance / self.effective_n).sqrt();
        Ok(Interval::symmetric(
            self.mean,
            half,
            level,
            self.lower_bound,
            self.upper_bound,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // numpy.percentile([1, 3, 4, 8, 10, 12, 13], [25, 50, 75]) = [3.5, 8.0, 11.0]
        let stats = Descriptive::of(&[13.0, 1.0, 10.0, 4.0, 8.0, 3.0, 12.0]).unwrap();
        assert_eq!(stats.first_quartile(), 3.5);
        assert_eq!(stats.median(), 8.0);
        assert_eq!(stats.third_quartile(), 11.0);
    }

    #[test]
    fn infinite_answer_is_an_error() {
        assert_eq!(
            Descriptive::of(&[1.0, f64::INFINITY]),
            Err(SatisfactionError::NonFinite {
                position: 1,
                value: f64::INFINITY
            })
        );
        assert_eq!(
            Descriptive::of(&[f64::NAN]),
            Err(SatisfactionError::EmptyInput)
        );
    }

    #[test]
    fn constant_answers_have_no_shape() {
        let stats = Descriptive::of(&[4.0; 5]).unwrap();
        assert_eq!(stats.standard_deviation(), Some(0.0));
        assert_eq!(stats.skewness(), None);
        assert_eq!(stats.excess_kurtosis(), None);
        let single = Descriptive::of(&[4.0]).unwrap();
        assert_eq!(single.standard_deviation(), None);
        assert!(matches!(
            single.mean_estimate().t_interval(0.95),
            Err(SatisfactionError::TooFewRespondents { .. })
        ));
    }
}
