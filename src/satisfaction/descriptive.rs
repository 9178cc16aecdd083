//! Descriptive statistics of numeric or Likert answers, and the (weighted) mean with its t interval.

use crate::numeric::quantile::quantile_sorted;

use super::interval::{check_weights, kish, t_critical, Interval};
#[cfg(feature = "serde")]
use super::invalid;
use super::scale::{largest_magnitude, scale_of, scaled};
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
/// Moments and quartiles are computed on the answers divided by a power of two near the largest, so
/// answers up to ±`f64::MAX` neither overflow nor lose their spread; only a standard deviation that
/// itself exceeds `f64::MAX` (answers spread wider than about ±1.27e308) is an error.
///
/// Read back with serde, the fields are checked: finite, at least one respondent, ordered
/// minimum ≤ quartiles ≤ maximum with the mean and mode between the extremes, a non-negative
/// standard deviation only from two respondents on, counts summing to the respondents.
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
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "DescriptiveData")
)]
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
    /// [`SatisfactionError::NonFinite`] for an infinite answer, with its position;
    /// [`SatisfactionError::Overflow`] when the standard deviation exceeds `f64::MAX` (answers spread
    /// wider than about ±1.27e308).
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
        let (minimum, maximum) = (sorted[0], sorted[n - 1]);
        // Moments and quartiles of the scaled answers, scaled back (see the type's docs).
        let (unit_answers, unit) = scaled(&sorted);
        let moments = Moments::of(&unit_answers);
        let standard_deviation = moments.standard_deviation().map(|s| s * unit);
        if standard_deviation.is_some_and(f64::is_infinite) {
            return Err(SatisfactionError::Overflow {
                quantity: "the standard deviation",
                largest: minimum.abs().max(maximum.abs()),
            });
        }
        // `sorted` is non-empty (checked above), so every quartile exists.
        let quartile = |p| {
            let q = quantile_sorted(&unit_answers, p).unwrap_or(unit_answers[0]);
            (q * unit).clamp(minimum, maximum)
        };
        let counts = answer_counts(&sorted);
        // Counts are ascending by value, so the first maximum is the smallest of tied modes.
        let mode = counts
            .iter()
            .fold(
                counts[0],
                |best, c| if c.count > best.count { *c } else { best },
            )
            .value;
        Ok(Descriptive {
            respondents: n,
            missing: answers.len() - n,
            mean: (moments.mean * unit).clamp(minimum, maximum),
            standard_deviation,
            minimum,
            first_quartile: quartile(0.25),
            median: quartile(0.5),
            third_quartile: quartile(0.75),
            maximum,
            mode,
            counts,
            skewness: moments.skewness(),
            excess_kurtosis: moments.excess_kurtosis(),
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
    /// (a weight paired with a missing answer is dropped with it). Any finite weights work, from
    /// 5e-324 to `f64::MAX`: only their ratios matter.
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
        MeanEstimate::from_pairs(&pairs, (f64::NEG_INFINITY, f64::INFINITY))
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
            standard_deviation: self.standard_deviation,
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

/// The mean and central moments m_k = Σ(x − x̄)^k / n of answers already scaled into about [−2, 2],
/// with the sample statistics built from them.
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
    m3: f64,
    m4: f64,
}

impl Moments {
    fn of(values: &[f64]) -> Moments {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let central = |power: i32| values.iter().map(|x| (x - mean).powi(power)).sum::<f64>() / n;
        Moments {
            n,
            mean,
            m2: central(2),
            m3: central(3),
            m4: central(4),
        }
    }

    /// Sample standard deviation (divisor n − 1); `None` for one answer.
    fn standard_deviation(&self) -> Option<f64> {
        (self.n >= 2.0).then(|| (self.m2 * self.n / (self.n - 1.0)).sqrt())
    }

    /// G1 = √(n(n − 1))/(n − 2) · m3/m2^{3/2}; `None` below 3 answers or without spread.
    fn skewness(&self) -> Option<f64> {
        let n = self.n;
        (n >= 3.0 && self.m2 > 0.0).then(|| {
            let g1 = self.m3 / self.m2.powf(1.5);
            (n * (n - 1.0)).sqrt() / (n - 2.0) * g1
        })
    }

    /// G2 = (n − 1)/((n − 2)(n − 3)) · ((n + 1) g2 + 6); `None` below 4 answers or without spread.
    fn excess_kurtosis(&self) -> Option<f64> {
        let n = self.n;
        (n >= 4.0 && self.m2 > 0.0).then(|| {
            let g2 = self.m4 / (self.m2 * self.m2) - 3.0;
            (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * g2 + 6.0)
        })
    }
}

/// The count of each distinct value of `sorted` (ascending, no NaN).
fn answer_counts(sorted: &[f64]) -> Vec<AnswerCount> {
    let mut counts: Vec<AnswerCount> = Vec::new();
    for &value in sorted {
        match counts.last_mut() {
            Some(last) if last.value == value => last.count += 1,
            _ => counts.push(AnswerCount { value, count: 1 }),
        }
    }
    counts
}

/// A (possibly weighted) mean with what its t interval needs.
///
/// The weighted variance is Σw(x − x̄)² / (Σw − Σw²/Σw), which is the usual n − 1 sample variance
/// when all weights are 1; the standard error is √(variance / n_eff) with Kish's effective sample size
/// n_eff = (Σw)²/Σw², and the t interval has n_eff − 1 degrees of freedom. Answers and weights are
/// each divided by a power of two near their largest before summing, so any finite answers and
/// weights give a finite mean; the standard deviation is an error only when it exceeds `f64::MAX`.
///
/// Read back with serde, the fields are checked: at least one respondent, n_eff finite between 1
/// and the respondents, a finite mean within the bounds, a finite non-negative standard deviation.
/// Unbounded answers (the bounds ±∞) are written as `null` bounds in JSON and read back as such.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "MeanEstimateData")
)]
pub struct MeanEstimate {
    mean: f64,
    standard_deviation: Option<f64>,
    respondents: usize,
    effective_n: f64,
    lower_bound: f64,
    upper_bound: f64,
}

impl MeanEstimate {
    /// From (value / `value_scale`, weight) bins in a fixed order and Σw², the weights in any common
    /// unit that keeps their sums finite; the respondent count; `bounds` clip the interval.
    pub(crate) fn from_bins(
        bins: &[(f64, f64)], sum_squares: f64, respondents: usize, bounds: (f64, f64),
        value_scale: f64,
    ) -> Result<MeanEstimate> {
        let sum_weights: f64 = bins.iter().map(|b| b.1).sum();
        if sum_weights.is_nan() || sum_weights <= 0.0 {
            return Err(SatisfactionError::ZeroTotalWeight);
        }
        let mean = bins.iter().map(|b| b.0 * b.1).sum::<f64>() / sum_weights;
        let effective_n = kish(sum_weights, sum_squares, respondents);
        let denominator = sum_weights - sum_squares / sum_weights;
        // More than one effective respondent is needed for a variance; tiny excesses are rounding.
        let standard_deviation = (effective_n > 1.0 + 1e-9 && denominator > 0.0).then(|| {
            let variance =
                bins.iter().map(|b| b.1 * (b.0 - mean).powi(2)).sum::<f64>() / denominator;
            variance.sqrt() * value_scale
        });
        if standard_deviation.is_some_and(f64::is_infinite) {
            return Err(SatisfactionError::Overflow {
                quantity: "the standard deviation",
                largest: largest_magnitude(bins.iter().map(|b| b.0)) * value_scale,
            });
        }
        let (lower_bound, upper_bound) = bounds;
        Ok(MeanEstimate {
            mean: (mean * value_scale)
                .clamp(-f64::MAX, f64::MAX)
                .clamp(lower_bound, upper_bound),
            standard_deviation,
            respondents,
            effective_n,
            lower_bound,
            upper_bound,
        })
    }

    /// From (answer, weight) pairs with at least one positive weight; `bounds` clip the interval.
    pub(crate) fn from_pairs(pairs: &[(f64, f64)], bounds: (f64, f64)) -> Result<MeanEstimate> {
        let value_scale = scale_of(pairs.iter().map(|p| p.0));
        let weight_scale = scale_of(pairs.iter().map(|p| p.1));
        let mut sorted: Vec<(f64, f64)> = pairs
            .iter()
            .map(|&(value, weight)| (value / value_scale, weight / weight_scale))
            .collect();
        // Sum in a canonical order so the result does not depend on input order.
        sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut weights: Vec<f64> = sorted.iter().map(|p| p.1).collect();
        weights.sort_unstable_by(f64::total_cmp);
        let sum_squares = weights.iter().map(|w| w * w).sum();
        Self::from_bins(&sorted, sum_squares, pairs.len(), bounds, value_scale)
    }

    /// The (weighted) mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// The (weighted) standard deviation; `None` with one effective respondent or fewer.
    pub fn standard_deviation(&self) -> Option<f64> {
        self.standard_deviation
    }
    /// Standard error √(variance / n_eff); `None` with one effective respondent or fewer.
    pub fn standard_error(&self) -> Option<f64> {
        self.standard_deviation.map(|s| s / self.effective_n.sqrt())
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
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1, or (name
    /// "effective sample size") when the answers are unbounded and n_eff is so close to 1 that the t
    /// critical value exceeds `f64::MAX` (on a bounded scale the interval is then the whole scale);
    /// [`SatisfactionError::Overflow`] when a bound would lie beyond ±`f64::MAX` (unbounded answers
    /// near ±`f64::MAX`).
    pub fn t_interval(&self, level: f64) -> Result<Interval> {
        let standard_deviation =
            self.standard_deviation
                .ok_or(SatisfactionError::TooFewRespondents {
                    statistic: "a t interval for the mean",
                    needed: 2,
                    found: self.respondents,
                })?;
        let t = t_critical(level, self.effective_n - 1.0)?;
        let bounded = self.lower_bound.is_finite() && self.upper_bound.is_finite();
        if t.is_infinite() && !bounded {
            return Err(SatisfactionError::InvalidParameter {
                name: "effective sample size",
                value: self.effective_n,
                constraint:
                    "so close to 1 that the t critical value exceeds f64::MAX: the interval \
                             is unbounded",
            });
        }
        // No spread, no width, even when t is infinite (0 · ∞ would be NaN).
        let half = if standard_deviation == 0.0 {
            0.0
        } else {
            t * (standard_deviation / self.effective_n.sqrt())
        };
        let interval =
            Interval::symmetric(self.mean, half, level, self.lower_bound, self.upper_bound);
        if interval.lower.is_finite() && interval.upper.is_finite() {
            Ok(interval)
        } else {
            Err(SatisfactionError::Overflow {
                quantity: "the t interval for the mean",
                largest: self.mean.abs().max(standard_deviation),
            })
        }
    }
}

/// The fields of [`Descriptive`] as read, before the checks of [`Descriptive::try_from`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct DescriptiveData {
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

#[cfg(feature = "serde")]
impl TryFrom<DescriptiveData> for Descriptive {
    type Error = SatisfactionError;

    /// Accepts what [`Descriptive::of`] can produce (see the type's docs).
    fn try_from(d: DescriptiveData) -> Result<Descriptive> {
        let order = [
            d.minimum,
            d.first_quartile,
            d.median,
            d.third_quartile,
            d.maximum,
        ];
        if !order.iter().all(|v| v.is_finite()) || order.windows(2).any(|w| w[0] > w[1]) {
            return Err(invalid(
                "quartiles",
                d.median,
                "finite, with minimum ≤ first quartile ≤ median ≤ third quartile ≤ maximum",
            ));
        }
        for (name, value) in [("mean", d.mean), ("mode", d.mode)] {
            if !(d.minimum..=d.maximum).contains(&value) {
                return Err(invalid(
                    name,
                    value,
                    "lies between the minimum and the maximum",
                ));
            }
        }
        check_spread(d.standard_deviation, d.respondents)?;
        for (name, value) in [
            ("skewness", d.skewness),
            ("excess_kurtosis", d.excess_kurtosis),
        ] {
            if let Some(v) = value.filter(|v| !v.is_finite()) {
                return Err(invalid(name, v, "is finite"));
            }
        }
        let counted = d
            .counts
            .iter()
            .try_fold(0usize, |sum, c| sum.checked_add(c.count));
        if d.respondents == 0 || counted != Some(d.respondents) {
            return Err(invalid(
                "respondents",
                d.respondents as f64,
                "at least 1, and the sum of the answer counts",
            ));
        }
        Ok(Descriptive {
            respondents: d.respondents,
            missing: d.missing,
            mean: d.mean,
            standard_deviation: d.standard_deviation,
            minimum: d.minimum,
            first_quartile: d.first_quartile,
            median: d.median,
            third_quartile: d.third_quartile,
            maximum: d.maximum,
            mode: d.mode,
            counts: d.counts,
            skewness: d.skewness,
            excess_kurtosis: d.excess_kurtosis,
        })
    }
}

/// A standard deviation read back: finite and non-negative, and present only from 2 respondents on.
#[cfg(feature = "serde")]
fn check_spread(standard_deviation: Option<f64>, respondents: usize) -> Result<()> {
    match standard_deviation {
        Some(s) if !(s.is_finite() && s >= 0.0) => Err(invalid(
            "standard_deviation",
            s,
            "a standard deviation is finite and non-negative",
        )),
        Some(s) if respondents < 2 => Err(invalid(
            "standard_deviation",
            s,
            "needs at least 2 respondents",
        )),
        _ => Ok(()),
    }
}

/// The fields of [`MeanEstimate`] as read; a `null` bound (how JSON writes ±∞) is unbounded.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct MeanEstimateData {
    mean: f64,
    standard_deviation: Option<f64>,
    respondents: usize,
    effective_n: f64,
    lower_bound: Option<f64>,
    upper_bound: Option<f64>,
}

#[cfg(feature = "serde")]
impl TryFrom<MeanEstimateData> for MeanEstimate {
    type Error = SatisfactionError;

    /// Accepts what the constructors can produce (see the type's docs).
    fn try_from(data: MeanEstimateData) -> Result<MeanEstimate> {
        let lower_bound = data.lower_bound.unwrap_or(f64::NEG_INFINITY);
        let upper_bound = data.upper_bound.unwrap_or(f64::INFINITY);
        if lower_bound.is_nan() || upper_bound.is_nan() || lower_bound > upper_bound {
            return Err(invalid(
                "lower_bound",
                lower_bound,
                "the answer scale's lower bound is at most its upper bound",
            ));
        }
        if !(data.mean.is_finite() && (lower_bound..=upper_bound).contains(&data.mean)) {
            return Err(invalid("mean", data.mean, "finite and within the bounds"));
        }
        // Kish's n_eff lies between 1 and the respondents (up to rounding).
        let most = data.respondents as f64 * (1.0 + 1e-9);
        if data.respondents == 0 || !(data.effective_n >= 1.0 - 1e-9 && data.effective_n <= most) {
            return Err(invalid(
                "effective_n",
                data.effective_n,
                "Kish's effective sample size lies between 1 and the respondents",
            ));
        }
        check_spread(data.standard_deviation, data.respondents)?;
        Ok(MeanEstimate {
            mean: data.mean,
            standard_deviation: data.standard_deviation,
            respondents: data.respondents,
            effective_n: data.effective_n,
            lower_bound,
            upper_bound,
        })
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
