//! The NBD model (Ehrenberg 1959): purchases without drop-out, the limit that BG/NBD, MBG/NBD and
//! Pareto/NBD reach when their drop-out process vanishes; and the likelihood-ratio test of a
//! drop-out model against it.
//!
//! # Finite results
//!
//! r and α are in [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
//! [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)] (checked by [`Nbd::new`] and when a model is read
//! back through serde). A fit stays inside and says when it stops at a bound
//! ([`FitWarning::ParameterAtBound`](crate::clv::FitWarning::ParameterAtBound)): on a log in
//! milliseconds with a few purchases a year, α = r T/x̄ would be far above 10¹⁰. With a
//! [`RepeatHistory`] (values up to
//! [`RepeatHistory::MAX_VALUE`](crate::clv::RepeatHistory::MAX_VALUE)) the log-likelihood and the
//! probabilities are then finite for every t and n; an expectation r t/α whose true value exceeds
//! f64 (t near f64::MAX) is a [`ClvError::NumericalFailure`].

use statrs::function::erf::erfc;
use statrs::function::gamma::{digamma, ln_gamma};

use crate::clv::error::finite_or_failure;
use crate::clv::fit::engine::{Estimator, LifetimesObjective};
use crate::clv::fit::{maximum_likelihood, on_log_scale, Search};
use crate::clv::parameter_range::check_parameter_range;
use crate::clv::value::dert_rate;
use crate::clv::{
    check_time, ClvError, ClvOptions, FitData, FitOptions, ModelFit, PurchaseModel, RepeatHistory,
};

/// The NBD's parameters: purchase rates λ ~ Gamma(r, α).
///
/// # Examples
///
/// ```
/// use customer_value::clv::Nbd;
/// let p = Nbd::new(0.8, 10.0)?.params();
/// assert_eq!((p.r, p.alpha), (0.8, 10.0));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NbdParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate (scale parameter) of the purchase-rate distribution.
    pub alpha: f64,
}

crate::settings::checked_serde! {
    check = Nbd::check_read;
    /// The NBD model (Ehrenberg 1959; Morrison & Schmittlein 1988): every customer buys as a Poisson
    /// process with rate λ ~ Gamma(r, α) for ever, so the purchases X(t) in a period t are negative
    /// binomial and P(alive) is 1. The input is a [`RepeatHistory`] (x, t_x, T) with x the repeat
    /// purchases in (0, T], T the customer's age; t_x is not used (the timing of a Poisson process
    /// tells nothing about λ beyond x and T).
    ///
    /// Its likelihood is that of BG/NBD at a → 0 (FHL 2005, eq. 6 with p = 0) and of Pareto/NBD at
    /// s → 0: L = Γ(r + x)/Γ(r) · α^r/(α + T)^(r + x), so its log-likelihood is directly comparable
    /// with theirs ([`dropout_test`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{FitOptions, MaximumLikelihood, Nbd, PurchaseModel, RepeatHistory};
    /// let data = [RepeatHistory::new(0.0, 0.0, 10.0)?, RepeatHistory::new(2.0, 8.0, 10.0)?,
    ///             RepeatHistory::new(5.0, 9.0, 10.0)?, RepeatHistory::new(1.0, 2.0, 10.0)?];
    /// let fit = Nbd::fit(&data, &FitOptions::default())?;
    /// // With one age T for all, the MLE matches the mean: r T / α = mean x (here 2).
    /// assert!((fit.model.expected_purchases(10.0)? - 2.0).abs() < 1e-6);
    /// assert_eq!(fit.model.probability_alive(&data[0])?, 1.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Nbd {
        params: NbdParams,
    }
}

impl Nbd {
    /// A model with parameters r and α.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is outside
    /// [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]
    /// (NaN and infinities included).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::Nbd;
    /// assert!(Nbd::new(0.8, 10.0).is_ok());
    /// assert!(Nbd::new(0.0, 10.0).is_err());
    /// ```
    pub fn new(r: f64, alpha: f64) -> Result<Self, ClvError> {
        let params = NbdParams { r, alpha };
        check_parameter_range(&[("r", r), ("alpha", alpha)]).map(|()| Self { params })
    }

    /// The constructor's check, for a model read back through serde.
    #[cfg(feature = "serde")]
    fn check_read(&self) -> Result<(), ClvError> {
        Self::new(self.params.r, self.params.alpha).map(|_| ())
    }

    /// The log-likelihood of one history: ln Γ(r + x) − ln Γ(r) + r ln α − (r + x) ln(α + T), computed
    /// as ln Γ(r + x) − ln Γ(r) − r ln(1 + T/α) − x ln(α + T) so that r ln α and r ln(α + T) never
    /// cancel.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{Nbd, RepeatHistory};
    /// // r = 1: Γ(1 + x) = x!, so ln L = ln 2 + ln 2 − 3 ln 5 for x = 2, α = 2, T = 3.
    /// let ll = Nbd::new(1.0, 2.0)?.log_likelihood(&RepeatHistory::new(2.0, 1.0, 3.0)?);
    /// assert!((ll - (4f64.ln() - 3.0 * 5f64.ln())).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &RepeatHistory) -> f64 {
        row_terms(
            &[self.params.r, self.params.alpha],
            history.frequency(),
            history.age(),
        )
        .0
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// See [`NbdParams`].
    pub fn params(&self) -> NbdParams {
        self.params
    }
}

/// One row's log-likelihood and its gradient in (r, α).
fn row_terms(p: &[f64; 2], x: f64, age: f64) -> (f64, [f64; 2]) {
    let [r, alpha] = *p;
    // ln α − ln(α + T) = −ln(1 + T/α), exact for T ≪ α.
    let ln_share = -(age / alpha).ln_1p();
    let ll = ln_gamma(r + x) - ln_gamma(r) + r * ln_share - x * (alpha + age).ln();
    let d_r = digamma(r + x) - digamma(r) + ln_share;
    let d_alpha = r / alpha - (r + x) / (alpha + age);
    (ll, [d_r, d_alpha])
}

maximum_likelihood!(impl for Nbd {
    History = RepeatHistory, Options = FitOptions, Diagnostics = (),
    parameters = [r, alpha],
});

/// The rows of an NBD fit: (x, T, weight) with a positive weight.
pub struct NbdRows(Vec<(f64, f64, f64)>);

/// Fitting: [`ClvError::NotIdentifiable`] when nobody made a repeat purchase (the rates' mean
/// r/α then goes to 0).
impl Estimator for Nbd {
    type Data = NbdRows;

    fn prepare(data: &FitData<'_, RepeatHistory>, _: &FitOptions) -> Result<NbdRows, ClvError> {
        let rows: Vec<(f64, f64, f64)> = data
            .histories()
            .iter()
            .zip(data.weights().iter())
            .filter(|(_, w)| **w > 0.0)
            .map(|(h, w)| (h.frequency(), h.age(), *w))
            .collect();
        if !rows.iter().any(|row| row.0 > 0.0) {
            return Err(ClvError::NotIdentifiable {
                detail: "nobody made a repeat purchase",
            });
        }
        Ok(NbdRows(rows))
    }

    fn log_likelihood(data: &NbdRows, theta: &[f64]) -> (f64, Vec<f64>) {
        on_log_scale(theta, |p| {
            data.0
                .iter()
                .fold((0.0, [0.0; 2]), |(ll, g), &(x, age, w)| {
                    let (l, d) = row_terms(p, x, age);
                    (ll + w * l, [g[0] + w * d[0], g[1] + w * d[1]])
                })
        })
    }

    /// From r = 1 with α matching the mean rate, then from r = 0.5 and r = 2.
    fn search(data: &NbdRows) -> Search {
        let (purchases, time) = data
            .0
            .iter()
            .fold((0.0, 0.0), |(x, t), &(xi, ti, w)| (x + w * xi, t + w * ti));
        // Inside the parameter range, whatever the data (x and T up to 10¹²).
        let alpha = (time / purchases).clamp(1e-3, 1e9);
        Search::FirstThenAll(vec![
            vec![1.0, alpha],
            vec![0.5, 0.5 * alpha],
            vec![2.0, 2.0 * alpha],
        ])
    }

    /// No lifetimes fitter: BG/NBD's rule, the mean over the customers with α on ages divided by
    /// the longest.
    fn lifetimes_objective(data: &FitData<'_, RepeatHistory>, _: &NbdRows) -> LifetimesObjective {
        let ages = data.histories().iter().map(RepeatHistory::age);
        LifetimesObjective::on_time_axis(data.observations(), 2, &[1], ages)
    }

    fn diagnostics(_: &NbdRows, _: &Self) {}
}

/// E[X(t)] = r t/α, E[Y(t) | x, T] = (r + x) t/(α + T) (the Gamma posterior of λ), P(alive) = 1
/// (Morrison & Schmittlein 1988).
impl PurchaseModel for Nbd {
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        check_time("t", t)?;
        finite_expectation(self.params.r / self.params.alpha * t)
    }

    fn conditional_expected_purchases(&self, t: f64, h: &RepeatHistory) -> Result<f64, ClvError> {
        let posterior_rate = (self.params.r + h.frequency()) / (self.params.alpha + h.age());
        check_time("t", t)?;
        finite_expectation(posterior_rate * t)
    }

    fn probability_alive(&self, _: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(1.0)
    }

    /// Γ(r + n)/(Γ(r) n!) (α/(α + t))^r (t/(α + t))^n.
    fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64, ClvError> {
        check_time("t", t)?;
        let NbdParams { r, alpha } = self.params;
        let n = f64::from(n);
        if t == 0.0 {
            return Ok(if n == 0.0 { 1.0 } else { 0.0 });
        }
        // ln(α/(α + t)) = −ln(1 + t/α) and ln(t/(α + t)) = −ln(1 + α/t): neither overflows.
        // (The second is left out at n = 0, where α/t may be infinite.)
        let ln_rate_share = if n == 0.0 {
            0.0
        } else {
            n * (alpha / t).ln_1p()
        };
        let ln_p = ln_gamma(r + n)
            - ln_gamma(r)
            - ln_gamma(n + 1.0)
            - r * (t / alpha).ln_1p()
            - ln_rate_share;
        Ok(ln_p.exp().clamp(0.0, 1.0))
    }
}

/// An expected number of purchases, or [`ClvError::NumericalFailure`] when it exceeds f64 (a
/// period t near f64::MAX).
fn finite_expectation(value: f64) -> Result<f64, ClvError> {
    finite_or_failure(
        value,
        "the NBD expected purchases exceed f64 (the period is too long)",
    )
}

/// A drop-out model (BG/NBD, MBG/NBD, Pareto/NBD) against the NBD fitted on the same data.
///
/// # Examples
///
/// See [`dropout_test`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DropoutTest {
    /// BIC of the drop-out model.
    pub bic_dropout: f64,
    /// BIC of the NBD.
    pub bic_nbd: f64,
    /// LR = 2(ℓ_dropout − ℓ_NBD), 0 when the difference is not positive.
    pub likelihood_ratio: f64,
    /// P-value of LR under the boundary mixture ½χ²₀ + ½χ²₁: ½ P(χ²₁ > LR) for LR > 0, else 1.
    pub p_value: f64,
}

/// Discounted expected residual transactions of an NBD customer, at the continuous rate
/// δ = ln(1 + d)/u of [`ClvOptions::continuous_rate`]: the customer never drops out, so
///
/// DERT = ∫₀^∞ e^(−δt) E[λ | x, T] dt = (r + x) / ((α + T) δ),
///
/// the Pareto/NBD DERT (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 2;
/// [`crate::clv::pareto_nbd_dert`]) in the limit s → 0, where P(alive) → 1 and
/// δ^(s−1) (β + T)^s Ψ(s, s; δ(β + T)) → 1/δ. The horizon is unlimited (the options' horizon is not
/// used).
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] for invalid options or a zero discount rate (without drop-out
/// the undiscounted sum is infinite), and [`ClvError::NumericalFailure`] when the value overflows
/// f64 (a discount rate so small that δ underflows).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{nbd_dert, ClvOptions, Nbd, RepeatHistory};
/// let model = Nbd::new(0.385, 12.072)?;
/// let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
/// let dert = nbd_dert(&model, &h, &ClvOptions::default())?;
/// // (r + x)/(α + T) purchases a week, over 1/δ = 4.345/ln 1.01 weeks.
/// assert!((dert - 2.385 / 50.932 * 4.345 / 1.01_f64.ln()).abs() < 1e-12);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn nbd_dert(
    model: &Nbd, history: &RepeatHistory, options: &ClvOptions,
) -> Result<f64, ClvError> {
    let delta = dert_rate(options)?;
    let NbdParams { r, alpha } = model.params;
    let rate = (r + history.frequency()) / (alpha + history.age());
    finite_or_failure(
        rate / delta,
        "the NBD DERT overflows f64 (a discount rate too small)",
    )
}

/// The likelihood-ratio test of drop-out: LR = 2(ℓ_dropout − ℓ_NBD), with the p-value of the
/// boundary mixture ½χ²₀ + ½χ²₁ (Self & Liang 1987): the NBD lies on the edge of the drop-out
/// model's parameter space (a → 0 for BG/NBD, s → 0 for Pareto/NBD), where LR is 0 half the time
/// under the null, so χ²₁ would overstate the p-value twofold. (The drop-out model's second
/// drop-out parameter is not identified under the null, so the mixture is an approximation.)
///
/// # Errors
///
/// [`ClvError::InvalidArgument`] naming `observations` when the two fits used different numbers
/// of observations, the number is not positive and finite, or either log-likelihood is not finite;
/// [`ClvError::NumericalFailure`] when the statistic or a BIC overflows f64.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{dropout_test, BgNbd, FitData, FitOptions, MaximumLikelihood, Nbd,
///     RepeatHistory};
/// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
///             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?];
/// let data = FitData::weighted(&rows, &[40.0, 12.0, 5.0, 9.0])?;
/// let options = FitOptions::default();
/// let test = dropout_test(&BgNbd::fit(data, &options)?, &Nbd::fit(data, &options)?)?;
/// assert!(test.likelihood_ratio >= 0.0 && test.p_value <= 1.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn dropout_test<M, D>(
    dropout: &ModelFit<M, D>, nbd: &ModelFit<Nbd>,
) -> Result<DropoutTest, ClvError> {
    let both = [dropout.log_likelihood, nbd.log_likelihood];
    if dropout.observations != nbd.observations || both.iter().any(|v| !v.is_finite()) {
        return Err(ClvError::InvalidArgument {
            name: "observations",
            value: nbd.observations,
            constraint: "both fits must be finite and on the same data",
        });
    }
    if !(nbd.observations.is_finite() && nbd.observations > 0.0) {
        return Err(ClvError::InvalidArgument {
            name: "observations",
            value: nbd.observations,
            constraint: "must be positive and finite",
        });
    }
    let likelihood_ratio = (2.0 * (dropout.log_likelihood - nbd.log_likelihood)).max(0.0);
    // P(χ²₁ > LR) = erfc(√(LR/2)).
    let p_value = if likelihood_ratio > 0.0 {
        0.5 * erfc((likelihood_ratio / 2.0).sqrt())
    } else {
        1.0
    };
    let test = DropoutTest {
        bic_dropout: dropout.bic(),
        bic_nbd: nbd.bic(),
        likelihood_ratio,
        p_value,
    };
    let values = [test.bic_dropout, test.bic_nbd, test.likelihood_ratio];
    if values.iter().all(|v| v.is_finite()) {
        Ok(test)
    } else {
        Err(ClvError::NumericalFailure {
            what: "the drop-out test overflows f64 (log-likelihoods near f64::MAX)",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::fit::assert_gradient_matches;

    #[test]
    fn gradient_matches_differences() {
        assert_gradient_matches(|p| row_terms(p, 3.0, 20.0), [0.7, 4.0]);
    }

    #[test]
    fn probabilities_sum_to_one() {
        let model = Nbd::new(0.8, 5.0).unwrap();
        let total: f64 = (0..400)
            .map(|n| model.probability_of_purchases(n, 12.0).unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }
}
