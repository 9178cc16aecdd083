//! The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, "How to
//! project customer retention"), with the discounted expected residual lifetime of Fader & Hardie
//! (2010, "Customer-base valuation in a contractual setting: the perils of ignoring heterogeneity").
//!
//! Each subscriber renews at the end of every period with probability 1 − θ, θ ~ Beta(α, β) across
//! subscribers; T ≥ 1 is the period in which the subscriber leaves. Then
//! P(T = t) = B(α+1, β+t−1)/B(α, β) and S(t) = P(T > t) = B(α, β+t)/B(α, β) (equations 2 and 3),
//! and the retention rate r(t) = S(t)/S(t−1) = (β+t−1)/(α+β+t−1) rises with t (equation 5).
//!
//! # Finite results
//!
//! α and β are in [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
//! [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)] (checked by [`ShiftedBetaGeometric::new`] and when
//! a model is read back through serde). Within it, survival, churn probabilities, retention rates
//! and log-likelihoods are finite for every period up to `u32::MAX` (the log-likelihood of the
//! impossible churn in period 0 is −∞), and the DERL is finite or a typed error after at most 10⁷
//! series terms.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::ShiftedBetaGeometric;
//! // The "regular" cohort of Fader & Hardie (2007): 1,000 subscribers, % still active, years 1–7.
//! let alive = [0.631, 0.468, 0.382, 0.326, 0.289, 0.262, 0.241];
//! let fit = ShiftedBetaGeometric::fit_survival(1000.0, &alive)?;
//! assert!((fit.model.params().alpha - 0.7041).abs() < 5e-4);
//! // Projected % alive at year 8 (published 22.0).
//! assert!((100.0 * fit.model.survival(8) - 22.0).abs() < 0.05);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use statrs::function::gamma::digamma;

use crate::clv::beta_ratio::ln_beta_ratio;
use crate::clv::fit::engine::Estimator;
use crate::clv::fit::{maximum_likelihood, on_log_scale, Search};
use crate::clv::parameter_range::check_parameter_range;
use crate::clv::{ClvError, FitData, FitOptions, MaximumLikelihood, ModelFit};

/// sBG parameters named as in Fader & Hardie (2007): θ ~ Beta(α, β).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShiftedBetaGeometricParams {
    /// First shape of the Beta distribution of churn probabilities θ.
    pub alpha: f64,
    /// Second shape of the Beta distribution of churn probabilities θ.
    pub beta: f64,
}

/// What is known of one subscriber of a cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ContractOutcome {
    /// Left in period `period` (≥ 1): did not renew at its end.
    Churned {
        /// The period of churn, T.
        period: u32,
    },
    /// Still active after `periods` periods (censored: T > periods).
    Active {
        /// Periods observed.
        periods: u32,
    },
}

crate::settings::checked_serde! {
    check = ShiftedBetaGeometric::check_read;
    /// The shifted-beta-geometric model with known parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// // The "regular" cohort of Fader & Hardie (2007): 63.1% renew after year 1.
    /// let model = ShiftedBetaGeometric::new(0.704, 1.182)?;
    /// assert!((model.survival(1) - 1.182 / (0.704 + 1.182)).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct ShiftedBetaGeometric {
        params: ShiftedBetaGeometricParams,
    }
}

fn invalid_argument(name: &'static str, value: f64, constraint: &'static str) -> ClvError {
    ClvError::InvalidArgument {
        name,
        value,
        constraint,
    }
}

/// See [`ShiftedBetaGeometric::MAX_COHORT_SIZE`].
const MAX_COHORT_SIZE: f64 = 1e15;

impl ShiftedBetaGeometric {
    /// The largest cohort of [`ShiftedBetaGeometric::fit_lost`] and
    /// [`ShiftedBetaGeometric::fit_survival`]: 10¹⁵ subscribers. Beyond it the cohort's weights
    /// and log-likelihood (about −size · ln 2 per period) approach f64's range.
    pub const MAX_COHORT_SIZE: f64 = MAX_COHORT_SIZE;

    /// An sBG model with known parameters.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when α or β is outside
    /// [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]
    /// (NaN and infinities included).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// assert!(ShiftedBetaGeometric::new(0.704, 1.182).is_ok());
    /// assert!(ShiftedBetaGeometric::new(0.704, 0.0).is_err());
    /// ```
    pub fn new(alpha: f64, beta: f64) -> Result<Self, ClvError> {
        check_parameter_range(&[("alpha", alpha), ("beta", beta)])?;
        Ok(Self {
            params: ShiftedBetaGeometricParams { alpha, beta },
        })
    }

    /// The constructor's check, for a model read back through serde.
    #[cfg(feature = "serde")]
    fn check_read(&self) -> Result<(), ClvError> {
        Self::new(self.params.alpha, self.params.beta).map(|_| ())
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// assert_eq!(ShiftedBetaGeometric::new(0.7, 1.2)?.params().beta, 1.2);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn params(&self) -> ShiftedBetaGeometricParams {
        self.params
    }

    /// Fits to a cohort of `cohort_size` subscribers from the number lost in each period 1, 2, …, k;
    /// the rest are active after k periods. A data conversion before [`MaximumLikelihood::fit`]
    /// with default options.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when the cohort size is not positive or exceeds
    /// [`ShiftedBetaGeometric::MAX_COHORT_SIZE`], a count is negative or not finite, or the losses
    /// exceed the cohort; [`ClvError::EmptyInput`] for no periods; as
    /// [`ShiftedBetaGeometric::fit`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// // Fader & Hardie (2007), high-end cohort, years 1–7.
    /// let lost = [131.0, 126.0, 90.0, 60.0, 42.0, 34.0, 26.0];
    /// let fit = ShiftedBetaGeometric::fit_lost(1000.0, &lost)?;
    /// assert!((fit.model.params().beta - 3.8061).abs() < 0.02);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_lost(cohort_size: f64, lost: &[f64]) -> Result<ModelFit<Self>, ClvError> {
        if lost.is_empty() {
            return Err(ClvError::EmptyInput);
        }
        if !(cohort_size > 0.0 && cohort_size <= MAX_COHORT_SIZE) {
            return Err(invalid_argument(
                "cohort_size",
                cohort_size,
                "must be positive and at most 1e15 (ShiftedBetaGeometric::MAX_COHORT_SIZE)",
            ));
        }
        if let Some(&bad) = lost.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(invalid_argument(
                "lost",
                bad,
                "counts must be non-negative and finite",
            ));
        }
        let total: f64 = lost.iter().sum();
        let remaining = cohort_size - total;
        if remaining < -1e-9 * cohort_size {
            return Err(invalid_argument(
                "lost",
                total,
                "the losses must not exceed the cohort size",
            ));
        }
        let periods = u32::try_from(lost.len())
            .map_err(|_| invalid_argument("lost", lost.len() as f64, "at most u32::MAX periods"))?;
        let mut outcomes: Vec<ContractOutcome> = (1..=periods)
            .map(|period| ContractOutcome::Churned { period })
            .collect();
        let mut weights = lost.to_vec();
        outcomes.push(ContractOutcome::Active { periods });
        weights.push(remaining.max(0.0));
        Self::fit(
            FitData::weighted(&outcomes, &weights)?,
            &FitOptions::default(),
        )
    }

    /// Fits to a survival curve: `survival[i]` is the share of the cohort still active after period
    /// i + 1 (so S(1), S(2), …), for a cohort of `cohort_size` subscribers.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when a share is outside [0, 1] or the curve rises; as
    /// [`ShiftedBetaGeometric::fit_lost`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// // The high-end cohort of Fader & Hardie (2007), share active after years 1–7.
    /// let alive = [0.869, 0.743, 0.653, 0.593, 0.551, 0.517, 0.491];
    /// let fit = ShiftedBetaGeometric::fit_survival(1000.0, &alive)?;
    /// assert!((fit.log_likelihood + 1611.1581).abs() < 0.01);
    /// assert!(ShiftedBetaGeometric::fit_survival(1000.0, &[0.5, 0.7]).is_err()); // rising curve
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_survival(cohort_size: f64, survival: &[f64]) -> Result<ModelFit<Self>, ClvError> {
        let mut previous = 1.0;
        let mut lost = Vec::with_capacity(survival.len());
        for &s in survival {
            if !(s.is_finite() && (0.0..=1.0).contains(&s)) {
                return Err(invalid_argument("survival", s, "shares must be in [0, 1]"));
            }
            if s > previous {
                return Err(invalid_argument(
                    "survival",
                    s,
                    "a survival curve must not rise",
                ));
            }
            lost.push(cohort_size * (previous - s));
            previous = s;
        }
        Self::fit_lost(cohort_size, &lost)
    }

    /// S(t) = B(α, β + t)/B(α, β): the probability of still being a subscriber after t periods
    /// (Fader & Hardie 2007, equation 3); S(0) = 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(1.0, 1.0)?;
    /// // θ uniform: S(t) = 1/(t + 1).
    /// assert!((m.survival(3) - 0.25).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn survival(&self, t: u32) -> f64 {
        let ShiftedBetaGeometricParams { alpha, beta } = self.params;
        ln_beta_ratio(alpha, beta, 0.0, f64::from(t))
            .exp()
            .clamp(0.0, 1.0)
    }

    /// P(T = t) = B(α + 1, β + t − 1)/B(α, β): the probability of leaving in period t (equation 2);
    /// 0 for t = 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(0.7, 1.2)?;
    /// assert!((m.probability_churn_in(1) - 0.7 / 1.9).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_churn_in(&self, t: u32) -> f64 {
        if t == 0 {
            return 0.0;
        }
        let ShiftedBetaGeometricParams { alpha, beta } = self.params;
        ln_beta_ratio(alpha, beta, 1.0, f64::from(t - 1))
            .exp()
            .clamp(0.0, 1.0)
    }

    /// The retention rate r(t) = S(t)/S(t − 1) = (β + t − 1)/(α + β + t − 1) (equation 5).
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] for t = 0 (retention is defined from period 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
    /// assert!(m.retention_rate(5)? > m.retention_rate(1)?);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn retention_rate(&self, t: u32) -> Result<f64, ClvError> {
        if t == 0 {
            return Err(invalid_argument(
                "t",
                0.0,
                "retention is defined for periods t ≥ 1",
            ));
        }
        let ShiftedBetaGeometricParams { alpha, beta } = self.params;
        let tf = f64::from(t);
        Ok((beta + tf - 1.0) / (alpha + beta + tf - 1.0))
    }

    /// E\[T\] = (α + β − 1)/(α − 1), the expected number of periods a new subscriber stays.
    ///
    /// # Errors
    ///
    /// [`ClvError::InfiniteExpectedLifetime`] when α ≤ 1: E[1/θ] diverges.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, ShiftedBetaGeometric};
    /// assert!((ShiftedBetaGeometric::new(3.0, 4.0)?.expected_lifetime()? - 3.0).abs() < 1e-12);
    /// assert!(matches!(ShiftedBetaGeometric::new(0.7, 1.2)?.expected_lifetime(),
    ///     Err(ClvError::InfiniteExpectedLifetime { .. })));
    /// # Ok::<(), ClvError>(())
    /// ```
    pub fn expected_lifetime(&self) -> Result<f64, ClvError> {
        let ShiftedBetaGeometricParams { alpha, beta } = self.params;
        if alpha <= 1.0 {
            return Err(ClvError::InfiniteExpectedLifetime { alpha });
        }
        Ok((alpha + beta - 1.0) / (alpha - 1.0))
    }

    /// DERL (Fader & Hardie 2010, equation 6): the discounted expected number of further payments of
    /// a subscriber who has just made `renewals` renewals (so is in period n = renewals + 1) and
    /// whose next renewal decision is at the end of this period, Σ_{t ≥ n} S(t | T > n − 1) /
    /// (1 + d)^(t − n) = (β + n − 1)/(α + β + n − 1) · 2F1(1, β + n; α + β + n; 1/(1 + d)).
    /// Finite for every d > 0, even when α ≤ 1.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when `discount_rate` is not positive and finite;
    /// [`ClvError::NumericalFailure`] if the series does not settle within 10⁷ terms (about 50 ms):
    /// d below about 5 · 10⁻⁶ per period.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::ShiftedBetaGeometric;
    /// // θ = 1/2 for everybody (a very peaked Beta): DERL = Σ_k 0.5^(k+1) / 1.1^k ≈ 0.5 / (1 − 0.5/1.1).
    /// let m = ShiftedBetaGeometric::new(1e6, 1e6)?;
    /// let derl = m.discounted_expected_residual_lifetime(0.1, 0)?;
    /// assert!((derl - 0.5 / (1.0 - 0.5 / 1.1)).abs() < 1e-5);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn discounted_expected_residual_lifetime(
        &self, discount_rate: f64, renewals: u32,
    ) -> Result<f64, ClvError> {
        if !(discount_rate.is_finite() && discount_rate > 0.0) {
            return Err(invalid_argument(
                "discount_rate",
                discount_rate,
                "must be positive and finite",
            ));
        }
        let ShiftedBetaGeometricParams { alpha, beta } = self.params;
        let n = f64::from(renewals) + 1.0;
        let z = 1.0 / (1.0 + discount_rate);
        let first = (beta + n - 1.0) / (alpha + beta + n - 1.0);
        Ok(first * hypergeometric_one(beta + n, alpha + beta + n, z)?)
    }

    /// The log-likelihood of one outcome (ln P(T = t) or ln S(t)); −∞ for a churn in period 0,
    /// which cannot happen.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ContractOutcome, ShiftedBetaGeometric};
    /// let m = ShiftedBetaGeometric::new(1.0, 1.0)?;
    /// let ll = m.log_likelihood(&ContractOutcome::Active { periods: 3 });
    /// assert!((ll - 0.25f64.ln()).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, outcome: &ContractOutcome) -> f64 {
        if let ContractOutcome::Churned { period: 0 } = outcome {
            return f64::NEG_INFINITY;
        }
        let ShiftedBetaGeometricParams { alpha, beta } = self.params;
        weighted_log_likelihood(&[alpha, beta], &[(*outcome, 1.0)]).0
    }
}

/// The most terms [`hypergeometric_one`] sums: 10⁷, about 50 ms.
const MAX_SERIES_TERMS: u32 = 10_000_000;

/// 2F1(1, b; c; z) = Σ_k (b)_k/(c)_k z^k for c ≥ b > 0 and 0 ≤ z < 1, the series of the
/// discounted residual lifetimes of sBG (Fader & Hardie 2010, eq. 6) and BG/BB (FHS 2010, eq. 14).
/// Each term is the last times (b + k)/(c + k) z ≤ z, so the terms left after term k sum to at
/// most term_k z/(1 − z): the sum stops when that bound falls below 10⁻¹⁶ of the total, which takes
/// about (37 + ln(1/(1 − z)))/(1 − z) terms.
///
/// # Errors
///
/// [`ClvError::NumericalFailure`] after [`MAX_SERIES_TERMS`] terms (1 − z below
/// about 5 · 10⁻⁶, i.e. a discount rate that small per step).
pub(crate) fn hypergeometric_one(b: f64, c: f64, z: f64) -> Result<f64, ClvError> {
    let tail_factor = z / (1.0 - z);
    let (mut term, mut sum, mut k) = (1.0_f64, 1.0_f64, 0.0_f64);
    for _ in 0..MAX_SERIES_TERMS {
        term *= (b + k) / (c + k) * z;
        sum += term;
        k += 1.0;
        if term * tail_factor <= 1e-16 * sum {
            return Ok(sum);
        }
    }
    Err(ClvError::NumericalFailure {
        what: "a discounted-lifetime series did not settle within 10,000,000 terms (discount rate below about 5e-6 per period)",
    })
}

maximum_likelihood!(impl for ShiftedBetaGeometric {
    History = ContractOutcome, Options = FitOptions, Diagnostics = (),
    parameters = [alpha, beta],
});

/// Fitting to individual outcomes, or to outcomes each standing for several subscribers (Fader &
/// Hardie 2007, equation 6): [`ClvError::InvalidArgument`] for a churn in period 0;
/// [`ClvError::NotIdentifiable`] when nobody churned or nobody survived a period (the likelihood
/// then rises without bound).
impl Estimator for ShiftedBetaGeometric {
    type Data = Vec<(ContractOutcome, f64)>;

    fn prepare(
        data: &FitData<'_, ContractOutcome>, _: &FitOptions,
    ) -> Result<Self::Data, ClvError> {
        let outcomes = data.histories();
        let mut rows: Vec<(ContractOutcome, f64)> = Vec::with_capacity(outcomes.len());
        for (&outcome, &w) in outcomes.iter().zip(data.weights().iter()) {
            if let ContractOutcome::Churned { period: 0 } = outcome {
                return Err(invalid_argument(
                    "period",
                    0.0,
                    "a churn period must be at least 1",
                ));
            }
            if w > 0.0 {
                rows.push((outcome, w));
            }
        }
        rows.sort_unstable_by_key(|(o, _)| *o);
        let mut compressed: Vec<(ContractOutcome, f64)> = Vec::with_capacity(rows.len());
        for (o, w) in rows {
            match compressed.last_mut() {
                Some(last) if last.0 == o => last.1 += w,
                _ => compressed.push((o, w)),
            }
        }
        check_identifiable(&compressed)?;
        Ok(compressed)
    }

    fn log_likelihood(data: &Self::Data, theta: &[f64]) -> (f64, Vec<f64>) {
        on_log_scale(theta, |p| weighted_log_likelihood(p, data))
    }

    fn search(_: &Self::Data) -> Search {
        Search::MultiStart(vec![
            vec![1.0, 1.0],
            vec![0.5, 2.0],
            vec![3.0, 10.0],
            vec![0.1, 0.5],
        ])
    }

    fn diagnostics(_: &Self::Data, _: &Self) {}
}

/// Somebody churned, and somebody survived a period.
fn check_identifiable(rows: &[(ContractOutcome, f64)]) -> Result<(), ClvError> {
    let churned = rows
        .iter()
        .any(|(o, _)| matches!(o, ContractOutcome::Churned { .. }));
    let survived_a_period = rows.iter().any(|(o, _)| match o {
        ContractOutcome::Churned { period } => *period > 1,
        ContractOutcome::Active { periods } => *periods > 0,
    });
    if !churned {
        return Err(ClvError::NotIdentifiable {
            detail: "nobody churned: the retention rate cannot be estimated",
        });
    }
    if !survived_a_period {
        return Err(ClvError::NotIdentifiable {
            detail: "everybody churned in the first period",
        });
    }
    Ok(())
}

/// Σ w ln L and its gradient in (α, β) (Fader & Hardie 2007, equation 6).
fn weighted_log_likelihood(p: &[f64; 2], rows: &[(ContractOutcome, f64)]) -> (f64, [f64; 2]) {
    let [alpha, beta] = *p;
    let d_base = [
        digamma(alpha) - digamma(alpha + beta),
        digamma(beta) - digamma(alpha + beta),
    ];
    let mut ll = 0.0;
    let mut g = [0.0; 2];
    for &(outcome, w) in rows {
        // B(α + i, β + j) with (i, j) = (1, t − 1) for a churn, (0, t) for survival.
        let (i, j) = match outcome {
            ContractOutcome::Churned { period } => (1.0, f64::from(period) - 1.0),
            ContractOutcome::Active { periods } => (0.0, f64::from(periods)),
        };
        ll += w * ln_beta_ratio(alpha, beta, i, j);
        let psi = digamma(alpha + beta + i + j);
        g[0] += w * (digamma(alpha + i) - psi - d_base[0]);
        g[1] += w * (digamma(beta + j) - psi - d_base[1]);
    }
    (ll, g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::fit::assert_gradient_matches;

    #[test]
    fn gradient_matches_finite_differences() {
        let rows = [
            (ContractOutcome::Churned { period: 1 }, 30.0),
            (ContractOutcome::Churned { period: 4 }, 5.0),
            (ContractOutcome::Active { periods: 4 }, 20.0),
        ];
        assert_gradient_matches(|p| weighted_log_likelihood(p, &rows), [0.8, 1.7]);
    }

    #[test]
    fn derl_equals_the_direct_sum_of_discounted_survival() {
        let m = ShiftedBetaGeometric::new(0.7041, 1.1820).unwrap();
        let (d, renewals) = (0.1, 3u32);
        let n = renewals + 1;
        let direct: f64 = (n..20_000)
            .map(|t| m.survival(t) / m.survival(n - 1) / 1.1f64.powi((t - n) as i32))
            .sum();
        let derl = m
            .discounted_expected_residual_lifetime(d, renewals)
            .unwrap();
        assert!((derl - direct).abs() < 1e-9, "{derl} vs {direct}");
    }
}
