//! Customer Satisfaction (CSAT): share satisfied and mean score.

use super::descriptive::MeanEstimate;
use super::interval::{bin_answers, check_scale, normal_two_sided_p, wilson_interval, Interval};
#[cfg(feature = "serde")]
use super::invalid;
use super::segment::by_segment;
use super::{Result, SatisfactionError, SegmentResult};

/// A CSAT answer scale 1…`points` and the lowest answer counted as "satisfied".
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::CsatScale;
/// let scale = CsatScale::new(7, 5)?;
/// assert_eq!(scale, CsatScale::seven_point());
/// assert!(CsatScale::new(5, 6).is_err());
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// Read back with serde, a scale is checked by [`CsatScale::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CsatScaleData")
)]
pub struct CsatScale {
    points: u8,
    satisfied_from: u8,
}

impl CsatScale {
    /// A scale 1…`points` where answers from `satisfied_from` up count as satisfied.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::CsatScale;
    /// let scale = CsatScale::new(10, 8)?;
    /// assert_eq!((scale.points(), scale.satisfied_from()), (10, 8));
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`] when `points` is not in 2…11 or `satisfied_from` is not
    /// in 2…`points`.
    pub fn new(points: u8, satisfied_from: u8) -> Result<CsatScale> {
        if !(2..=11).contains(&points) {
            return Err(SatisfactionError::InvalidParameter {
                name: "points",
                value: f64::from(points),
                constraint: "a CSAT scale has 2 to 11 points",
            });
        }
        if !(2..=points).contains(&satisfied_from) {
            return Err(SatisfactionError::InvalidParameter {
                name: "satisfied_from",
                value: f64::from(satisfied_from),
                constraint: "the satisfied cut-off must lie in 2..=points",
            });
        }
        Ok(CsatScale {
            points,
            satisfied_from,
        })
    }
    /// The usual 5-point scale, top-2-box (4–5 satisfied).
    pub fn five_point() -> CsatScale {
        CsatScale {
            points: 5,
            satisfied_from: 4,
        }
    }
    /// 4-point scale, 3–4 satisfied.
    pub fn four_point() -> CsatScale {
        CsatScale {
            points: 4,
            satisfied_from: 3,
        }
    }
    /// 7-point scale, 5–7 satisfied.
    pub fn seven_point() -> CsatScale {
        CsatScale {
            points: 7,
            satisfied_from: 5,
        }
    }
    /// Number of points (answers run 1…points).
    pub fn points(&self) -> u8 {
        self.points
    }
    /// The lowest answer counted as satisfied.
    pub fn satisfied_from(&self) -> u8 {
        self.satisfied_from
    }
}

impl Default for CsatScale {
    fn default() -> Self {
        CsatScale::five_point()
    }
}

/// The fields of [`CsatScale`] as read, before [`CsatScale::new`] checks them.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CsatScaleData {
    points: u8,
    satisfied_from: u8,
}

#[cfg(feature = "serde")]
impl TryFrom<CsatScaleData> for CsatScale {
    type Error = SatisfactionError;

    fn try_from(data: CsatScaleData) -> Result<CsatScale> {
        CsatScale::new(data.points, data.satisfied_from)
    }
}

/// The pooled two-proportion z test (e.g. Agresti 2013, *Categorical Data Analysis*, ch. 2, with the
/// pooled null variance): z = (p₁ − p₂) / √(p(1 − p)(1/n₁ + 1/n₂)), p the pooled share.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProportionTest {
    /// First share minus second share (−1…1).
    pub difference: f64,
    /// The pooled share under the null hypothesis of equal shares.
    pub pooled_share: f64,
    /// Standard error under the null.
    pub standard_error: f64,
    /// The z statistic.
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

fn proportion_test(
    share_1: f64, n_1: f64, share_2: f64, n_2: f64, name: &str,
) -> Result<ProportionTest> {
    let pooled_share = (share_1 * n_1 + share_2 * n_2) / (n_1 + n_2);
    let standard_error = (pooled_share * (1.0 - pooled_share) * (1.0 / n_1 + 1.0 / n_2)).sqrt();
    if standard_error.is_nan() || standard_error <= 0.0 {
        return Err(SatisfactionError::ZeroVariance {
            name: name.to_string(),
        });
    }
    let difference = share_1 - share_2;
    let z = difference / standard_error;
    Ok(ProportionTest {
        difference,
        pooled_share,
        standard_error,
        z,
        p_value: normal_two_sided_p(z),
    })
}

/// Customer satisfaction: the share satisfied (top-box) with Wilson's interval, and the mean score.
///
/// Shares are in 0…1 (multiply by 100 for percent). With respondent weights the shares and mean are
/// weighted and intervals use Kish's effective sample size.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::{Csat, CsatScale};
/// let mut answers = vec![5u8; 50];
/// answers.extend(vec![4u8; 30]);
/// answers.extend(vec![2u8; 20]);
/// let csat = Csat::from_answers(&answers, CsatScale::five_point())?;
/// assert_eq!(csat.satisfied_share(), 0.8);
/// let wilson = csat.satisfied_interval(0.95)?;
/// assert!((wilson.lower - 0.7112).abs() < 1e-4 && (wilson.upper - 0.8666).abs() < 1e-4);
/// assert!((csat.mean() - 4.1).abs() < 1e-12);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// Read back with serde, the fields are checked: a valid scale, a positive finite total with the
/// satisfied part within it, n_eff of at least 1, and a valid [`MeanEstimate`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CsatData")
)]
pub struct Csat {
    scale: CsatScale,
    /// The satisfied respondents' weight, in the unit of `total`.
    satisfied: f64,
    /// All respondents' weight: the count when unweighted; with weights, their sum divided by a
    /// power of two near the largest weight (only the ratio to `satisfied` is used).
    total: f64,
    effective_n: f64,
    mean: MeanEstimate,
}

impl Csat {
    /// CSAT of unweighted answers on `scale`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Csat, CsatScale};
    /// let csat = Csat::from_answers(&[3, 4, 4, 3], CsatScale::four_point())?;
    /// assert_eq!(csat.satisfied_share(), 1.0);
    /// assert_eq!(csat.respondents(), 4);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::EmptyInput`] for no answers; [`SatisfactionError::OutOfScale`] for an answer
    /// outside 1…points, with its position.
    pub fn from_answers(answers: &[u8], scale: CsatScale) -> Result<Csat> {
        Self::build(answers, None, scale)
    }

    /// CSAT of weighted answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Csat, CsatScale};
    /// let csat = Csat::from_weighted_answers(&[5, 1], &[3.0, 1.0], CsatScale::five_point())?;
    /// assert_eq!(csat.satisfied_share(), 0.75);
    /// assert_eq!(csat.mean(), 4.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Csat::from_answers`], plus [`SatisfactionError::LengthMismatch`],
    /// [`SatisfactionError::InvalidWeight`] and [`SatisfactionError::ZeroTotalWeight`] for bad weights.
    pub fn from_weighted_answers(
        answers: &[u8], weights: &[f64], scale: CsatScale,
    ) -> Result<Csat> {
        Self::build(answers, Some(weights), scale)
    }

    /// CSAT per segment label (sorted by label), optionally weighted.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Csat, CsatScale};
    /// let rows = Csat::by_segment(&[5, 1, 4], None, &[2, 1, 2], CsatScale::five_point())?;
    /// assert_eq!(rows[0].statistic.satisfied_share(), 0.0);
    /// assert_eq!(rows[1].statistic.satisfied_share(), 1.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Csat::from_weighted_answers`], plus [`SatisfactionError::LengthMismatch`] for labels.
    pub fn by_segment<L: Ord + Clone>(
        answers: &[u8], weights: Option<&[f64]>, labels: &[L], scale: CsatScale,
    ) -> Result<Vec<SegmentResult<L, Csat>>> {
        check_scale(answers, 1, scale.points)?;
        by_segment(answers, weights, labels, |a, w| Self::build(a, w, scale))
    }

    fn build(answers: &[u8], weights: Option<&[f64]>, scale: CsatScale) -> Result<Csat> {
        check_scale(answers, 1, scale.points)?;
        let bins = bin_answers(answers, weights, scale.points)?;
        let total = bins.sum_weights();
        let satisfied: f64 = bins.totals[usize::from(scale.satisfied_from)..]
            .iter()
            .sum();
        let mean = MeanEstimate::from_bins(
            &bins.value_totals(1),
            bins.sum_squares,
            bins.respondents,
            (1.0, f64::from(scale.points)),
            1.0,
        )?;
        Ok(Csat {
            scale,
            satisfied,
            total,
            effective_n: mean.effective_sample_size(),
            mean,
        })
    }

    /// The scale the answers were on.
    pub fn scale(&self) -> CsatScale {
        self.scale
    }
    /// Respondents counted.
    pub fn respondents(&self) -> usize {
        self.mean.respondents()
    }
    /// Kish's effective sample size.
    pub fn effective_sample_size(&self) -> f64 {
        self.effective_n
    }
    /// Share satisfied in 0…1.
    pub fn satisfied_share(&self) -> f64 {
        (self.satisfied / self.total).clamp(0.0, 1.0)
    }

    /// Wilson interval for the share satisfied, on the effective sample size.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Csat, CsatScale};
    /// let csat = Csat::from_answers(&[5, 5, 5, 1], CsatScale::five_point())?;
    /// let interval = csat.satisfied_interval(0.95)?;
    /// // Wilson for 3 of 4: [0.3006, 0.9544].
    /// assert!((interval.lower - 0.3006).abs() < 1e-4 && (interval.upper - 0.9544).abs() < 1e-4);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`] when `level` is not strictly between 0 and 1.
    pub fn satisfied_interval(&self, level: f64) -> Result<Interval> {
        let n = self.effective_n;
        wilson_interval((self.satisfied_share() * n).min(n), n, level)
    }

    /// The (weighted) mean score.
    pub fn mean(&self) -> f64 {
        self.mean.mean()
    }

    /// The mean score with its standard error and t interval.
    pub fn mean_estimate(&self) -> &MeanEstimate {
        &self.mean
    }

    /// The t interval for the mean score, clipped to 1…points.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Csat, CsatScale};
    /// let csat = Csat::from_answers(&[5, 4, 4, 2], CsatScale::five_point())?;
    /// // scipy.stats.t.interval(0.95, 3, loc=3.75, scale=scipy.stats.sem([5, 4, 4, 2]))
    /// let interval = csat.mean_interval(0.95)?;
    /// assert!((interval.lower - 1.7477547746640747).abs() < 1e-9 && interval.upper == 5.0);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::TooFewRespondents`] with one effective respondent or fewer;
    /// [`SatisfactionError::InvalidParameter`] for a bad level.
    pub fn mean_interval(&self, level: f64) -> Result<Interval> {
        self.mean.t_interval(level)
    }

    /// Pooled two-proportion z test of the shares satisfied, `self − other`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{Csat, CsatScale};
    /// let mut a = vec![5u8; 80];
    /// a.extend(vec![1u8; 20]);
    /// let mut b = vec![5u8; 70];
    /// b.extend(vec![1u8; 30]);
    /// let scale = CsatScale::five_point();
    /// let test = Csat::from_answers(&a, scale)?.compare(&Csat::from_answers(&b, scale)?)?;
    /// // statsmodels proportions_ztest([80, 70], [100, 100]): z = 1.6329931618554523
    /// assert!((test.z - 1.6329931618554523).abs() < 1e-12);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::ZeroVariance`] when the pooled share is 0 or 1 (everyone or no one
    /// satisfied in both samples).
    pub fn compare(&self, other: &Csat) -> Result<ProportionTest> {
        proportion_test(
            self.satisfied_share(),
            self.effective_n,
            other.satisfied_share(),
            other.effective_n,
            "pooled share satisfied",
        )
    }
}

/// The fields of [`Csat`] as read, before the checks of [`Csat::try_from`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CsatData {
    scale: CsatScale,
    satisfied: f64,
    total: f64,
    effective_n: f64,
    mean: MeanEstimate,
}

#[cfg(feature = "serde")]
impl TryFrom<CsatData> for Csat {
    type Error = SatisfactionError;

    /// Accepts what the constructors can produce (see the type's docs).
    fn try_from(data: CsatData) -> Result<Csat> {
        check_part_of_total("satisfied", data.satisfied, data.total)?;
        if !(data.effective_n.is_finite() && data.effective_n >= 1.0 - 1e-9) {
            return Err(invalid(
                "effective_n",
                data.effective_n,
                "Kish's effective sample size is finite and at least 1",
            ));
        }
        Ok(Csat {
            scale: data.scale,
            satisfied: data.satisfied,
            total: data.total,
            effective_n: data.effective_n,
            mean: data.mean,
        })
    }
}

/// A weighted part read back: finite, non-negative and at most a positive finite total (up to
/// rounding).
#[cfg(feature = "serde")]
pub(crate) fn check_part_of_total(name: &'static str, part: f64, total: f64) -> Result<()> {
    if !(total.is_finite() && total > 0.0) {
        return Err(invalid(
            "total",
            total,
            "a total weight is positive and finite",
        ));
    }
    if !(part >= 0.0 && part <= total * (1.0 + 1e-12)) {
        return Err(invalid(name, part, "lies between 0 and the total"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_errors() {
        assert_eq!(
            Csat::from_answers(&[1, 5, 0], CsatScale::five_point()),
            Err(SatisfactionError::OutOfScale {
                position: 2,
                value: 0.0,
                min: 1.0,
                max: 5.0
            })
        );
        let four = Csat::from_answers(&[1, 2, 3, 4], CsatScale::four_point()).unwrap();
        assert_eq!(four.satisfied_share(), 0.5);
        let seven = Csat::from_answers(&[4, 5, 7, 1], CsatScale::seven_point()).unwrap();
        assert_eq!(seven.satisfied_share(), 0.5);
    }

    #[test]
    fn degenerate_proportion_test_is_an_error() {
        let all = Csat::from_answers(&[5, 5], CsatScale::five_point()).unwrap();
        assert!(matches!(
            all.compare(&all),
            Err(SatisfactionError::ZeroVariance { .. })
        ));
    }
}
