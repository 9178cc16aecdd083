//! Net Promoter Score (Reichheld 2003) with intervals and the two-sample test (Rocks 2016).

use super::interval::{bin_answers, check_scale, normal_critical, normal_two_sided_p, Interval};
#[cfg(feature = "serde")]
use super::invalid;
use super::scale::power_of_two_floor;
use super::segment::by_segment;
use super::{Result, SatisfactionError, SegmentResult};

/// The NPS scale runs from −100 to 100: shares are multiplied by this.
const PERCENT: f64 = 100.0;

/// Net Promoter Score of 0–10 "how likely are you to recommend" answers.
///
/// Promoters answer 9–10, passives 7–8, detractors 0–6. The score is 100 (p_P − p_D) on −100…100;
/// every derived figure (variance, standard error, intervals, differences) is on that scale:
/// variance (p_P + p_D − (p_P − p_D)²) × 100² per respondent, standard error √(variance / n).
/// With respondent weights, shares are weighted and n is Kish's effective sample size.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::Nps;
///
/// let this_month = Nps::from_counts(60, 25, 15)?;
/// let last_month = Nps::from_counts(50, 30, 20)?;
/// assert!((this_month.score() - 45.0).abs() < 1e-9);
/// assert!((this_month.standard_error() - 7.399).abs() < 1e-3);
/// let adjusted = this_month.adjusted_wald_interval(0.95)?;
/// assert!((adjusted.estimate - 43.69).abs() < 0.01);
/// let test = this_month.difference(&last_month)?;
/// assert!((test.difference - 15.0).abs() < 1e-9);
/// assert!((test.p_value - 0.163).abs() < 1e-3);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// Read back with serde, the fields are checked like the constructors check them: non-negative
/// finite counts with a positive finite total and an effective sample size of at least 1.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "NpsData")
)]
pub struct Nps {
    promoters: f64,
    passives: f64,
    detractors: f64,
    respondents: usize,
    effective_n: f64,
}

/// The test of a difference between two independent NPS samples, on the −100…100 scale.
///
/// z = (NPS₁ − NPS₂) / √(var₁/n₁ + var₂/n₂) with each sample's own (unpooled) variance, as in
/// Rocks (2016, *The American Statistician* 70(4)); p is two-sided from the standard normal.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NpsDifference {
    /// NPS of the first sample minus NPS of the second (−200…200).
    pub difference: f64,
    /// Standard error of the difference.
    pub standard_error: f64,
    /// The z statistic.
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

impl NpsDifference {
    /// Wald interval for the difference, clipped to −200…200.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let test = Nps::from_counts(60, 25, 15)?.difference(&Nps::from_counts(50, 30, 20)?)?;
    /// let interval = test.interval(0.95)?;
    /// assert!(interval.contains(0.0) && interval.contains(15.0));
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1.
    pub fn interval(&self, level: f64) -> Result<Interval> {
        let z = normal_critical(level)?;
        Ok(Interval::symmetric(
            self.difference,
            z * self.standard_error,
            level,
            -2.0 * PERCENT,
            2.0 * PERCENT,
        ))
    }
}

impl Nps {
    /// NPS of unweighted 0–10 answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let nps = Nps::from_answers(&[10, 9, 8, 7, 6, 0])?;
    /// assert_eq!(nps.score(), 0.0);
    /// assert_eq!(nps.promoters(), 2.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::EmptyInput`] for no answers; [`SatisfactionError::OutOfScale`] for an answer
    /// above 10, with its position.
    pub fn from_answers(answers: &[u8]) -> Result<Nps> {
        Self::build(answers, None)
    }

    /// NPS of 0–10 answers with respondent weights (intervals use Kish's effective sample size).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let nps = Nps::from_weighted_answers(&[10, 0], &[3.0, 1.0])?;
    /// assert_eq!(nps.score(), 50.0);
    /// assert!((nps.effective_sample_size() - 1.6).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Nps::from_answers`], plus [`SatisfactionError::LengthMismatch`] when the weights differ in
    /// length from the answers, [`SatisfactionError::InvalidWeight`] for a negative or non-finite weight,
    /// [`SatisfactionError::ZeroTotalWeight`] when all weights are zero and
    /// [`SatisfactionError::Overflow`] when the weights sum past `f64::MAX`, so that the weighted
    /// counts ([`Nps::promoters`], …) cannot be reported (divide the weights by a common factor: the
    /// score and its intervals do not depend on their scale).
    pub fn from_weighted_answers(answers: &[u8], weights: &[f64]) -> Result<Nps> {
        Self::build(answers, Some(weights))
    }

    /// NPS from counts of promoters, passives and detractors.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// assert!((Nps::from_counts(60, 25, 15)?.score() - 45.0).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::EmptyInput`] when all three counts are zero;
    /// [`SatisfactionError::InvalidParameter`] (name "promoters + passives + detractors", value the
    /// largest count) when the total exceeds `u64::MAX`.
    pub fn from_counts(promoters: u64, passives: u64, detractors: u64) -> Result<Nps> {
        let total = promoters
            .checked_add(passives)
            .and_then(|sum| sum.checked_add(detractors))
            .ok_or(SatisfactionError::InvalidParameter {
                name: "promoters + passives + detractors",
                value: promoters.max(passives).max(detractors) as f64,
                constraint: "the total count must not exceed u64::MAX",
            })?;
        if total == 0 {
            return Err(SatisfactionError::EmptyInput);
        }
        Ok(Nps {
            promoters: promoters as f64,
            passives: passives as f64,
            detractors: detractors as f64,
            respondents: usize::try_from(total).unwrap_or(usize::MAX),
            effective_n: total as f64,
        })
    }

    /// NPS per segment label (sorted by label), optionally weighted.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let rows = Nps::by_segment(&[10, 0, 9, 9], None, &["web", "web", "app", "app"])?;
    /// assert_eq!(rows[0].segment, "app");
    /// assert_eq!(rows[0].statistic.score(), 100.0);
    /// assert_eq!(rows[1].statistic.score(), 0.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Nps::from_weighted_answers`], plus [`SatisfactionError::LengthMismatch`] when the labels
    /// differ in length from the answers. Positions in errors are positions in `answers`.
    pub fn by_segment<L: Ord + Clone>(
        answers: &[u8], weights: Option<&[f64]>, labels: &[L],
    ) -> Result<Vec<SegmentResult<L, Nps>>> {
        check_scale(answers, 0, 10)?;
        by_segment(answers, weights, labels, Self::build)
    }

    fn build(answers: &[u8], weights: Option<&[f64]>) -> Result<Nps> {
        check_scale(answers, 0, 10)?;
        let bins = bin_answers(answers, weights, 10)?;
        // Bins hold weights in `unit`s; the counts are reported in the caller's units.
        let total = |values: std::ops::RangeInclusive<usize>| -> f64 {
            bins.totals[values].iter().sum::<f64>() * bins.unit
        };
        if !(bins.sum_weights() * bins.unit).is_finite() {
            return Err(SatisfactionError::Overflow {
                quantity: "the total respondent weight",
                largest: bins.largest_weight,
            });
        }
        Ok(Nps {
            promoters: total(9..=10),
            passives: total(7..=8),
            detractors: total(0..=6),
            respondents: bins.respondents,
            effective_n: bins.effective_n(),
        })
    }

    /// (p_P, p_N, p_D), from the counts divided by a power of two near the largest so that their sum
    /// cannot overflow.
    fn shares(&self) -> (f64, f64, f64) {
        let unit = power_of_two_floor(self.promoters.max(self.passives).max(self.detractors));
        let (p, n, d) = (
            self.promoters / unit,
            self.passives / unit,
            self.detractors / unit,
        );
        let total = p + n + d;
        (p / total, n / total, d / total)
    }

    /// Number of respondents (answers given).
    pub fn respondents(&self) -> usize {
        self.respondents
    }

    /// Kish's effective sample size; equals [`Nps::respondents`] when unweighted.
    pub fn effective_sample_size(&self) -> f64 {
        self.effective_n
    }

    /// Promoters (weighted count).
    pub fn promoters(&self) -> f64 {
        self.promoters
    }

    /// Passives (weighted count).
    pub fn passives(&self) -> f64 {
        self.passives
    }

    /// Detractors (weighted count).
    pub fn detractors(&self) -> f64 {
        self.detractors
    }

    /// Share of promoters p_P in 0…1.
    pub fn promoter_share(&self) -> f64 {
        self.shares().0
    }

    /// Share of passives in 0…1.
    pub fn passive_share(&self) -> f64 {
        self.shares().1
    }

    /// Share of detractors p_D in 0…1.
    pub fn detractor_share(&self) -> f64 {
        self.shares().2
    }

    /// The score 100 (p_P − p_D) on −100…100.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let nps = Nps::from_answers(&[10, 10, 9, 8, 5])?;
    /// assert!((nps.promoter_share() - 0.6).abs() < 1e-12);
    /// assert!((nps.score() - 40.0).abs() < 1e-9);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    pub fn score(&self) -> f64 {
        PERCENT * (self.promoter_share() - self.detractor_share())
    }

    /// Per-respondent variance (p_P + p_D − (p_P − p_D)²) × 100² of the −100/0/100 score.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// // REFERENCE.md: 0.5475 on the −1…1 scale.
    /// assert!((Nps::from_counts(60, 25, 15)?.variance() - 5475.0).abs() < 1e-6);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    pub fn variance(&self) -> f64 {
        let (p, d) = (self.promoter_share(), self.detractor_share());
        // Rounding can make p + d − (p − d)² a hair negative when one share is 1.
        (p + d - (p - d).powi(2)).max(0.0) * PERCENT * PERCENT
    }

    /// Standard error √(variance / n) of the score (n effective when weighted).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// // REFERENCE.md: SE 0.07399 on the −1…1 scale.
    /// assert!((Nps::from_counts(60, 25, 15)?.standard_error() - 7.399).abs() < 1e-3);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    pub fn standard_error(&self) -> f64 {
        (self.variance() / self.effective_n).sqrt()
    }

    /// Wald interval: score ± z · SE, clipped to −100…100.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let interval = Nps::from_counts(60, 25, 15)?.wald_interval(0.95)?;
    /// assert!((interval.lower - 30.50).abs() < 0.01 && (interval.upper - 59.50).abs() < 0.01);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1.
    pub fn wald_interval(&self, level: f64) -> Result<Interval> {
        let z = normal_critical(level)?;
        Ok(Interval::symmetric(
            self.score(),
            z * self.standard_error(),
            level,
            -PERCENT,
            PERCENT,
        ))
    }

    /// Adjusted Wald interval (Rocks 2016): add ¾ to promoters and to detractors and 3 to n,
    /// then a Wald interval around the adjusted score with SE √(var′ / (n + 3)). The interval's
    /// `estimate` is the adjusted score, which it contains; clipped to −100…100.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let interval = Nps::from_counts(60, 25, 15)?.adjusted_wald_interval(0.95)?;
    /// assert!((interval.estimate - 43.69).abs() < 0.01);
    /// assert!((interval.lower - 29.3).abs() < 0.1 && (interval.upper - 58.0).abs() < 0.1);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1.
    pub fn adjusted_wald_interval(&self, level: f64) -> Result<Interval> {
        let z = normal_critical(level)?;
        let n = self.effective_n;
        let adjusted_n = n + 3.0;
        let p = (self.promoter_share() * n + 0.75) / adjusted_n;
        let d = (self.detractor_share() * n + 0.75) / adjusted_n;
        let variance = (p + d - (p - d).powi(2)).max(0.0);
        let half = z * (variance / adjusted_n).sqrt();
        Ok(Interval::symmetric(p - d, half, level, -1.0, 1.0).scaled(PERCENT))
    }

    /// Iterative score interval (Rocks 2016): the set of NPS values d₀ that a score test does not
    /// reject. For each d₀ the trinomial shares are re-estimated by maximum likelihood under the
    /// constraint p_P − p_D = d₀ (a one-dimensional concave problem, solved by bisection), and the test
    /// statistic is (d̂ − d₀) / √((p_P⁰ + p_D⁰ − d₀²) / n). The two bounds are the roots of |statistic| =
    /// z, found by bisection on d₀ ∈ [−1, d̂] and [d̂, 1] to 1e−12. Like Wilson's interval for a single
    /// proportion, it is not symmetric and never leaves −100…100; it contains the observed score. With
    /// weights, the counts are the shares times Kish's effective sample size.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let interval = Nps::from_counts(60, 25, 15)?.score_interval(0.95)?;
    /// assert!(interval.contains(45.0));
    /// // An independent scipy solver (minimize_scalar + brentq) gives [29.2569, 58.1257].
    /// assert!((interval.lower - 29.2569).abs() < 1e-4 && (interval.upper - 58.1257).abs() < 1e-4);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1.
    pub fn score_interval(&self, level: f64) -> Result<Interval> {
        let z = normal_critical(level)?;
        let n = self.effective_n;
        let counts = (
            self.promoter_share() * n,
            self.passive_share() * n,
            self.detractor_share() * n,
        );
        let observed = (self.promoter_share() - self.detractor_share()).clamp(-1.0, 1.0);
        // statistic(d0) = (d0 − d̂) / se0(d0); it is 0 at d̂ and grows to ±∞ towards ±1.
        let statistic = |d0: f64| {
            let (p, d) = restricted_shares(counts, d0);
            let variance = (p + d - d0 * d0).max(0.0);
            if variance == 0.0 {
                if d0 == observed {
                    0.0
                } else {
                    (d0 - observed).signum() * f64::INFINITY
                }
            } else {
                (d0 - observed) / (variance / n).sqrt()
            }
        };
        let upper = bisect_root(observed, 1.0, |d0| statistic(d0) - z);
        let lower = bisect_root(-1.0, observed, |d0| statistic(d0) + z);
        Ok(Interval::new(
            observed * PERCENT,
            lower.min(observed) * PERCENT,
            upper.max(observed) * PERCENT,
            level,
        ))
    }

    /// Two-sided z test of `self − other` for independent samples.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::Nps;
    /// let test = Nps::from_counts(60, 25, 15)?.difference(&Nps::from_counts(50, 30, 20)?)?;
    /// assert!((test.standard_error - 10.76).abs() < 0.01);
    /// assert!((test.z - 1.394).abs() < 1e-3);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::ZeroVariance`] when both samples have zero variance (each is all promoters,
    /// all passives or all detractors), so no test is defined.
    pub fn difference(&self, other: &Nps) -> Result<NpsDifference> {
        let difference = self.score() - other.score();
        let standard_error =
            (self.variance() / self.effective_n + other.variance() / other.effective_n).sqrt();
        if standard_error == 0.0 {
            return Err(SatisfactionError::ZeroVariance {
                name: "NPS difference".to_string(),
            });
        }
        let z = difference / standard_error;
        Ok(NpsDifference {
            difference,
            standard_error,
            z,
            p_value: normal_two_sided_p(z),
        })
    }
}

/// The fields of [`Nps`] as read, before the checks of [`Nps::try_from`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct NpsData {
    promoters: f64,
    passives: f64,
    detractors: f64,
    respondents: usize,
    effective_n: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<NpsData> for Nps {
    type Error = SatisfactionError;

    /// Accepts what the constructors can build: non-negative finite counts whose total is positive
    /// and finite, at least one respondent, and Kish's n_eff (never below 1) finite and at least 1.
    fn try_from(data: NpsData) -> Result<Nps> {
        for (name, value) in [
            ("promoters", data.promoters),
            ("passives", data.passives),
            ("detractors", data.detractors),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(invalid(name, value, "a count is finite and non-negative"));
            }
        }
        let total = data.promoters + data.passives + data.detractors;
        if !(total.is_finite() && total > 0.0 && data.respondents > 0) {
            return Err(SatisfactionError::EmptyInput);
        }
        if !(data.effective_n.is_finite() && data.effective_n >= 1.0) {
            return Err(invalid(
                "effective_n",
                data.effective_n,
                "Kish's effective sample size is finite and at least 1",
            ));
        }
        Ok(Nps {
            promoters: data.promoters,
            passives: data.passives,
            detractors: data.detractors,
            respondents: data.respondents,
            effective_n: data.effective_n,
        })
    }
}

/// Maximum-likelihood trinomial shares (p_P, p_D) under p_P − p_D = d0, given (weighted) counts
/// (promoters, passives, detractors). With q = p_D the log-likelihood
/// n_P ln(q + d0) + n_N ln(1 − 2q − d0) + n_D ln q is concave in q on (max(0, −d0), (1 − d0)/2), so its
/// derivative is decreasing and bisection finds the maximum.
fn restricted_shares(counts: (f64, f64, f64), d0: f64) -> (f64, f64) {
    let (n_p, n_n, n_d) = counts;
    let low = (-d0).max(0.0);
    let high = (1.0 - d0) / 2.0;
    // A zero count contributes nothing (0 · ln 0 = 0), so its term is left out of the derivative.
    let term = |count: f64, value: f64| if count > 0.0 { count / value } else { 0.0 };
    let derivative =
        |q: f64| term(n_p, q + d0) - 2.0 * term(n_n, 1.0 - 2.0 * q - d0) + term(n_d, q);
    let (mut a, mut b) = (low, high);
    for _ in 0..200 {
        let mid = 0.5 * (a + b);
        if mid <= a || mid >= b {
            break;
        }
        if derivative(mid) > 0.0 {
            a = mid;
        } else {
            b = mid;
        }
    }
    let q = 0.5 * (a + b);
    (q + d0, q)
}

/// Root of an increasing `f` on [a, b] by bisection; returns an end when `f` keeps its sign.
fn bisect_root(mut a: f64, mut b: f64, f: impl Fn(f64) -> f64) -> f64 {
    if f(b) <= 0.0 {
        return b;
    }
    if f(a) >= 0.0 {
        return a;
    }
    while b - a > 1e-12 {
        let mid = 0.5 * (a + b);
        if f(mid) < 0.0 {
            a = mid;
        } else {
            b = mid;
        }
    }
    0.5 * (a + b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values() {
        let nps = Nps::from_counts(60, 25, 15).unwrap();
        assert!((nps.score() - 45.0).abs() < 1e-12);
        assert!((nps.variance() - 5475.0).abs() < 1e-9);
        assert!((nps.standard_error() - 7.399).abs() < 5e-4);
        let wald = nps.wald_interval(0.95).unwrap();
        assert!((wald.lower - 30.5).abs() < 0.05 && (wald.upper - 59.5).abs() < 0.05);
        let adjusted = nps.adjusted_wald_interval(0.95).unwrap();
        assert!((adjusted.estimate - 43.69).abs() < 0.005);
        assert!((adjusted.lower - 29.3).abs() < 0.05 && (adjusted.upper - 58.0).abs() < 0.05);
        let test = nps
            .difference(&Nps::from_counts(50, 30, 20).unwrap())
            .unwrap();
        assert!((test.difference - 15.0).abs() < 1e-12);
        assert!((test.standard_error - 10.76).abs() < 5e-3);
        assert!((test.z - 1.394).abs() < 5e-4);
        assert!((test.p_value - 0.163).abs() < 5e-4);
    }

    #[test]
    fn restricted_mle_at_the_observed_score_is_the_observed_shares() {
        let (p, d) = restricted_shares((60.0, 25.0, 15.0), 0.45);
        assert!((p - 0.60).abs() < 1e-9 && (d - 0.15).abs() < 1e-9);
    }

    #[test]
    fn score_interval_at_the_edges() {
        let all = Nps::from_counts(20, 0, 0).unwrap();
        let interval = all.score_interval(0.95).unwrap();
        assert_eq!(interval.upper, 100.0);
        assert!(interval.lower < 100.0 && interval.lower > 0.0);
        let passive = Nps::from_counts(0, 20, 0).unwrap();
        let interval = passive.score_interval(0.95).unwrap();
        assert!(interval.lower < 0.0 && interval.upper > 0.0);
        assert!((interval.lower + interval.upper).abs() < 1e-6);
    }

    #[test]
    fn answer_above_ten_names_its_position() {
        assert_eq!(
            Nps::from_answers(&[10, 9, 11, 3]),
            Err(SatisfactionError::OutOfScale {
                position: 2,
                value: 11.0,
                min: 0.0,
                max: 10.0
            })
        );
        assert_eq!(Nps::from_answers(&[]), Err(SatisfactionError::EmptyInput));
        assert_eq!(
            Nps::from_counts(0, 0, 0),
            Err(SatisfactionError::EmptyInput)
        );
    }

    #[test]
    fn degenerate_difference_is_an_error() {
        let a = Nps::from_counts(5, 0, 0).unwrap();
        assert!(matches!(
            a.difference(&a),
            Err(SatisfactionError::ZeroVariance { .. })
        ));
    }
}
