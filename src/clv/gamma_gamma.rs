//! The Gamma-Gamma model of spend per transaction (Colombo & Jiang 1999; Fader & Hardie 2013,
//! "The Gamma-Gamma model of monetary value").
//!
//! A customer's transaction values are gamma(p, ν) with mean p/ν; across customers ν ~ Gamma(q, γ).
//! The model sees, per customer, x (repeat transactions) and z̄ (their mean value) as a
//! [`SpendHistory`]. It assumes spend is independent of purchase frequency: check the Pearson
//! correlation reported in [`SpendDiagnostics`]. With q ≤ 1 the mean spend is infinite and
//! predictions that need it return [`ClvError::InfiniteMeanSpend`].
//!
//! # Finite results
//!
//! p, q and γ may be any positive finite numbers (γ is in money units, so no range fits every
//! currency). The predictions are computed in forms that overflow only when the true value does
//! (the conditional spend as a weighted mean of γ/x and z̄, the likelihood with ln(1 + x z̄/γ)), and
//! every result is checked: a value beyond f64 is a [`ClvError::NumericalFailure`], never an
//! infinity or a NaN.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{GammaGamma, SpendHistory};
//! // The maximum-likelihood parameters on the 946 CDNOW repeat buyers.
//! let model = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
//! let customer_1 = SpendHistory::new(2.0, 22.35)?;
//! let spend = model.conditional_expected_average_spend(&customer_1)?;
//! assert!((spend - 24.6586).abs() < 1e-4);
//! // A customer without repeat purchases gets the population mean pγ/(q − 1).
//! let newcomer = SpendHistory::new(0.0, 0.0)?;
//! assert!((model.conditional_expected_average_spend(&newcomer)? - 35.17100).abs() < 1e-5);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

mod likelihood;
mod spend_history;

use crate::clv::error::finite_or_failure;
use crate::clv::fit::engine::{Bounds, Estimator, LifetimesObjective};
use crate::clv::fit::{check_positive, maximum_likelihood, Search};
use crate::clv::incomplete_beta::regularized_beta;
use crate::clv::{ClvError, FitData, FitOptions, MAX_PARAMETER, MIN_PARAMETER};
use crate::settings::Settings;
use likelihood::{row_log_likelihood, weighted_correlation, FrequencyGroups};

pub use spend_history::SpendHistory;

/// The Gamma-Gamma parameters, named as in Fader & Hardie (2013).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GammaGammaParams {
    /// p: shape of each transaction value's gamma distribution.
    pub p: f64,
    /// q: shape of the gamma distribution of ν across customers (mean spend is finite iff q > 1).
    pub q: f64,
    /// γ: rate of the gamma distribution of ν.
    pub gamma: f64,
}

crate::settings::checked_serde! {
    /// Options of the Gamma-Gamma fit: the maximum-likelihood options and the model's own constraint.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{FitOptions, GammaGammaOptions};
    /// use customer_value::Settings;
    /// let options = GammaGammaOptions { constrain_q_above_one: true, ..Default::default() };
    /// assert!(options.check().is_ok());
    /// let bad = GammaGammaOptions { fit: FitOptions::default().penalizer(-1.0), ..options };
    /// assert!(bad.check().is_err());
    /// ```
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct GammaGammaOptions {
        /// The maximum-likelihood options.
        pub fit: FitOptions,
        /// Fit q − 1 on the log scale, so that q > 1 and the mean spend is finite (default `false`).
        pub constrain_q_above_one: bool,
    }
}

impl GammaGammaOptions {
    /// The offset of q on the optimiser's scale: q = shift + e^θ.
    fn shift(&self) -> f64 {
        if self.constrain_q_above_one {
            1.0
        } else {
            0.0
        }
    }
}

impl AsRef<FitOptions> for GammaGammaOptions {
    fn as_ref(&self) -> &FitOptions {
        &self.fit
    }
}

impl Settings for GammaGammaOptions {
    type Error = ClvError;

    /// Checks the maximum-likelihood options (the constraint is a plain switch).
    ///
    /// # Errors
    ///
    /// Those of [`FitOptions`]'s check, e.g. [`ClvError::InvalidArgument`] naming `initial` for a
    /// starting value that is not positive and finite (with the constraint, a starting q ≤ 1 is
    /// moved just above 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, FitOptions, GammaGammaOptions};
    /// use customer_value::Settings;
    /// assert!(GammaGammaOptions::default().check().is_ok());
    /// let bad = GammaGammaOptions { fit: FitOptions::default().max_iterations(0), ..Default::default() };
    /// assert!(matches!(bad.check(), Err(ClvError::InvalidArgument { name: "max_iterations", .. })));
    /// ```
    fn check(&self) -> Result<(), ClvError> {
        self.fit.check()
    }
}

/// What the Gamma-Gamma fit reports besides the parameters ([`crate::clv::ModelFit::diagnostics`]).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{GammaGamma, GammaGammaOptions, MaximumLikelihood, SpendHistory};
/// let x = [1.0, 2.0, 3.0, 1.0, 5.0, 2.0, 4.0, 1.0, 2.0, 6.0, 3.0, 1.0, 0.0];
/// let z = [10.0, 14.0, 9.0, 30.0, 12.0, 8.0, 20.0, 45.0, 16.0, 11.0, 25.0, 6.0, 0.0];
/// let data = SpendHistory::from_columns(&x, &z)?;
/// let options = GammaGammaOptions { constrain_q_above_one: true, ..Default::default() };
/// let fit = GammaGamma::fit(&data, &options)?;
/// assert_eq!(fit.observations, 12.0); // the customer with x = 0 is left out
/// assert_eq!(fit.diagnostics.excluded_without_repeat, 1.0);
/// assert!(fit.model.params().q > 1.0 && !fit.diagnostics.infinite_mean_spend);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpendDiagnostics {
    /// Customers (weights) left out because x = 0: their spend is not observed.
    pub excluded_without_repeat: f64,
    /// Weighted Pearson correlation of x and z̄ over the customers used; the model assumes it is near
    /// 0. `None` when either has no variance.
    pub frequency_spend_correlation: Option<f64>,
    /// Whether q ≤ 1, i.e. the fitted mean spend is infinite.
    pub infinite_mean_spend: bool,
}

crate::settings::checked_serde! {
    check = GammaGamma::check_read;
    /// The Gamma-Gamma spend model (Colombo & Jiang 1999; Fader & Hardie 2013, "The Gamma-Gamma model
    /// of monetary value") with known parameters.
    ///
    /// A customer's transaction values are gamma(p, ν) with mean p/ν; across customers ν ~ Gamma(q, γ).
    /// The model sees, per customer, x (repeat transactions) and z̄ (their mean value) as a
    /// [`SpendHistory`]. It assumes spend is independent of purchase frequency: check the Pearson
    /// correlation reported in [`SpendDiagnostics`]. With q ≤ 1 the mean spend is infinite and
    /// predictions that need it return [`ClvError::InfiniteMeanSpend`]
    /// ([`GammaGammaOptions::constrain_q_above_one`] fits with q > 1). Fit it with
    /// [`crate::clv::MaximumLikelihood::fit`] and [`GammaGammaOptions`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{GammaGamma, SpendHistory};
    /// // The maximum-likelihood parameters on the 946 CDNOW repeat buyers.
    /// let model = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
    /// let spend = model.conditional_expected_average_spend(&SpendHistory::new(2.0, 22.35)?)?;
    /// assert!((spend - 24.6586).abs() < 1e-4);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct GammaGamma {
        params: GammaGammaParams,
    }
}

impl GammaGamma {
    /// A model with parameters p, q, γ.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is not positive and finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::GammaGamma;
    /// assert_eq!(GammaGamma::new(6.25, 3.74, 15.44)?.params().q, 3.74);
    /// assert!(GammaGamma::new(0.0, 3.74, 15.44).is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self, ClvError> {
        check_positive(&[("p", p), ("q", q), ("gamma", gamma)])?;
        Ok(Self {
            params: GammaGammaParams { p, q, gamma },
        })
    }

    /// The constructor's check, for a model read back through serde.
    #[cfg(feature = "serde")]
    fn check_read(&self) -> Result<(), ClvError> {
        let GammaGammaParams { p, q, gamma } = self.params;
        Self::new(p, q, gamma).map(|_| ())
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// See [`GammaGamma::new`].
    pub fn params(&self) -> GammaGammaParams {
        self.params
    }

    /// The population mean spend per transaction, pγ/(q − 1).
    ///
    /// # Errors
    ///
    /// [`ClvError::InfiniteMeanSpend`] when q ≤ 1; [`ClvError::NumericalFailure`] when the mean
    /// exceeds f64 (q a hair above 1 with a large pγ).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::GammaGamma;
    /// assert_eq!(GammaGamma::new(2.0, 3.0, 10.0)?.mean_spend()?, 10.0);
    /// assert!(GammaGamma::new(2.0, 0.9, 10.0)?.mean_spend().is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn mean_spend(&self) -> Result<f64, ClvError> {
        let GammaGammaParams { p, q, gamma } = self.params;
        if q <= 1.0 {
            return Err(ClvError::InfiniteMeanSpend { q });
        }
        finite_spend(p * (gamma / (q - 1.0)))
    }

    /// E[Z | x, z̄] = p(γ + x z̄)/(px + q − 1) (Fader & Hardie 2013, eq. 4): the customer's expected
    /// spend per transaction, a weighted mean of the population mean and z̄. At x = 0 it is the
    /// population mean.
    ///
    /// # Errors
    ///
    /// [`ClvError::InfiniteMeanSpend`] when px + q ≤ 1 (for x = 0: q ≤ 1);
    /// [`ClvError::NumericalFailure`] when the value exceeds f64.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{GammaGamma, SpendHistory};
    /// let model = GammaGamma::new(2.0, 3.0, 10.0)?;
    /// // p(γ + x z̄)/(px + q − 1) = 2 (10 + 4·25)/(8 + 2) = 22
    /// assert_eq!(model.conditional_expected_average_spend(&SpendHistory::new(4.0, 25.0)?)?, 22.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn conditional_expected_average_spend(
        &self, history: &SpendHistory,
    ) -> Result<f64, ClvError> {
        let GammaGammaParams { p, q, gamma } = self.params;
        let x = history.frequency();
        if x == 0.0 {
            return self.mean_spend();
        }
        // p(γ + x z̄)/(px + q − 1) = (γ + x z̄)/d with d = x + (q − 1)/p: divided through by p so
        // that neither px nor x z̄ is formed (they overflow for p or z̄ near f64::MAX), and written
        // as the weighted mean γ/d + z̄ · x/d of the model's two sources.
        let d = x + (q - 1.0) / p;
        if d <= 0.0 {
            return Err(ClvError::InfiniteMeanSpend { q });
        }
        finite_spend(gamma / d + history.mean_spend() * (x / d))
    }

    /// The log-likelihood of one customer's z̄ given x ≥ 1 (Fader & Hardie 2013, eq. 3):
    /// ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln z̄ + px ln x − (px + q) ln(γ + x z̄).
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when x = 0 (no spend observed); [`ClvError::NumericalFailure`]
    /// when the value is not finite in f64 (px beyond f64, or ln Γ(px) at a px that underflows).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{GammaGamma, SpendHistory};
    /// // One transaction, p = q = γ = 1: density γ/(γ + z)² at z = 1 is 1/4.
    /// let ll = GammaGamma::new(1.0, 1.0, 1.0)?.log_likelihood(&SpendHistory::new(1.0, 1.0)?)?;
    /// assert!((ll - 0.25_f64.ln()).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &SpendHistory) -> Result<f64, ClvError> {
        if history.frequency() == 0.0 {
            return Err(ClvError::InvalidArgument {
                name: "frequency",
                value: 0.0,
                constraint: "the spend likelihood needs at least one repeat transaction",
            });
        }
        let value = row_log_likelihood(&self.params, history.frequency(), history.mean_spend()).0;
        finite_or_failure(
            value,
            "the Gamma-Gamma log-likelihood is not finite in f64 for these parameters and spend",
        )
    }

    /// P(z̄ ≤ `spend` | x = `frequency`): the share of customers with x repeat transactions whose
    /// mean repeat spend is at most `spend`, the distribution function of the marginal density of
    /// z̄ given x (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", the
    /// Gamma-Gamma submodel; Fader & Hardie 2013, eq. 3 is the density).
    ///
    /// Given ν, x z̄ ν is gamma(px, 1); γν is gamma(q, 1) and independent of it, so
    /// x z̄/(γ + x z̄) is Beta(px, q) (x z̄/γ is beta-prime) and the probability is the regularized
    /// incomplete beta I_u(px, q) at u = x·spend/(γ + x·spend), with 1 − u = γ/(γ + x·spend)
    /// computed apart so that the upper tail keeps its digits.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `frequency` when x is not positive and finite (no
    /// spend is observed without a repeat transaction), or `spend` when it is negative or not
    /// finite; [`ClvError::NumericalFailure`] when the incomplete beta does not settle (not seen
    /// for parameters in range).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::GammaGamma;
    /// let model = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
    /// // scipy.integrate.quad of the density over (0, 20] at x = 2: 0.2948046597943641.
    /// assert!((model.mean_spend_cdf(2.0, 20.0)? - 0.2948046597943641).abs() < 1e-12);
    /// assert_eq!(model.mean_spend_cdf(2.0, 0.0)?, 0.0);
    /// assert!(model.mean_spend_cdf(0.0, 20.0).is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn mean_spend_cdf(&self, frequency: f64, spend: f64) -> Result<f64, ClvError> {
        if !(frequency.is_finite() && frequency > 0.0) {
            return Err(ClvError::InvalidArgument {
                name: "frequency",
                value: frequency,
                constraint: "must be positive and finite: mean spend needs a repeat transaction",
            });
        }
        if !(spend.is_finite() && spend >= 0.0) {
            return Err(ClvError::InvalidArgument {
                name: "spend",
                value: spend,
                constraint: "must be non-negative and finite",
            });
        }
        let GammaGammaParams { p, q, gamma } = self.params;
        let total = frequency * spend;
        let scale = gamma + total;
        if !scale.is_finite() {
            // x·spend beyond f64: u rounds to 1.
            return Ok(1.0);
        }
        regularized_beta(p * frequency, q, total / scale, gamma / scale).ok_or(
            ClvError::NumericalFailure {
                what: "the Gamma-Gamma mean-spend distribution did not converge",
            },
        )
    }
}

/// A spend, or [`ClvError::NumericalFailure`] when it exceeds f64.
fn finite_spend(value: f64) -> Result<f64, ClvError> {
    finite_or_failure(value, "the Gamma-Gamma expected spend exceeds f64")
}

maximum_likelihood!(impl for GammaGamma {
    History = SpendHistory, Options = GammaGammaOptions, Diagnostics = SpendDiagnostics,
    parameters = [p, q, gamma],
});

/// The rows of a Gamma-Gamma fit: customers with x ≥ 1, merged and sorted.
pub struct SpendRows {
    /// (x, z̄, weight), sorted by (x, z̄).
    rows: Vec<(f64, f64, f64)>,
    groups: FrequencyGroups,
    /// The weight left out for x = 0.
    excluded: f64,
    /// The weight used.
    total: f64,
    /// q = shift + e^θ on the optimiser's scale.
    shift: f64,
}

/// Fitting on the customers with x ≥ 1 (those with x = 0 are counted in
/// [`SpendDiagnostics::excluded_without_repeat`]): [`ClvError::NotIdentifiable`] when fewer than two
/// distinct records with x ≥ 1 carry weight, or all their mean spends are equal. The optimiser
/// works on ln(p, q − shift, γ), with shift 1 when q is constrained above 1 and 0 otherwise.
impl Estimator for GammaGamma {
    type Data = SpendRows;

    fn prepare(
        data: &FitData<'_, SpendHistory>, options: &GammaGammaOptions,
    ) -> Result<SpendRows, ClvError> {
        let mut rows: Vec<(f64, f64, f64)> = Vec::new();
        let mut excluded = 0.0;
        for (h, &w) in data.histories().iter().zip(data.weights().iter()) {
            if h.frequency() == 0.0 {
                excluded += w;
            } else if w > 0.0 {
                rows.push((h.frequency(), h.mean_spend(), w));
            }
        }
        // Merge identical rows; sorting also makes the sums independent of the input order.
        rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        rows.dedup_by(|next, kept| {
            let same = next.0 == kept.0 && next.1 == kept.1;
            if same {
                kept.2 += next.2;
            }
            same
        });
        let distinct_spend =
            rows.windows(2).any(|w| w[0].1 != w[1].1) || rows.iter().any(|r| r.1 != rows[0].1);
        if rows.len() < 2 || !distinct_spend {
            return Err(ClvError::NotIdentifiable {
                detail: "the spend model needs at least two customers with repeat purchases and different mean spends",
            });
        }
        let total: f64 = rows.iter().map(|r| r.2).sum();
        Ok(SpendRows {
            groups: FrequencyGroups::new(&rows),
            rows,
            excluded,
            total,
            shift: options.shift(),
        })
    }

    fn log_likelihood(data: &SpendRows, theta: &[f64]) -> (f64, Vec<f64>) {
        let shift = data.shift;
        let params = GammaGammaParams {
            p: theta[0].exp(),
            q: shift + theta[1].exp(),
            gamma: theta[2].exp(),
        };
        let (value, gradient) = data.groups.log_likelihood(&params);
        let natural = [params.p, params.q - shift, params.gamma];
        (
            value,
            (0..3)
                .map(|k| gradient[k] * natural[k])
                .collect::<Vec<f64>>(),
        )
    }

    fn search(data: &SpendRows) -> Search {
        let mean_spend = data.rows.iter().map(|r| r.1 * r.2).sum::<f64>() / data.total;
        let starts = [
            vec![1.0, 1.0, 1.0],
            vec![4.0, 3.0, mean_spend],
            vec![1.0, 2.0, mean_spend / 2.0],
            vec![10.0, 5.0, mean_spend],
        ];
        Search::MultiStart(
            starts
                .into_iter()
                .map(|mut s| {
                    s[1] = (s[1] - data.shift).max(0.5);
                    s
                })
                .collect(),
        )
    }

    fn optimiser_options(options: &GammaGammaOptions) -> FitOptions {
        let mut fit_options = options.fit.clone();
        if let Some(initial) = fit_options.initial.as_mut() {
            if let Some(q) = initial.get_mut(1) {
                *q = (*q - options.shift()).max(1e-6);
            }
        }
        fit_options
    }

    /// The SE and covariance of q − shift are those of q.
    fn estimate(data: &SpendRows, params: &[f64]) -> Result<Self, ClvError> {
        GammaGamma::new(params[0], data.shift + params[1], params[2])
    }

    /// lifetimes' GammaGammaFitter: the mean over the customers it can fit, those with x ≥ 1.
    fn lifetimes_objective(_: &FitData<'_, SpendHistory>, data: &SpendRows) -> LifetimesObjective {
        LifetimesObjective::mean(data.total, 3)
    }

    /// The penalty is on q, not on the optimiser's q − shift.
    fn parameter_offsets(data: &SpendRows) -> Vec<f64> {
        vec![0.0, data.shift, 0.0]
    }

    /// p and q − shift in [`MIN_PARAMETER`, `MAX_PARAMETER`]; γ, in money units, within 10^±10
    /// times the mean spend (and inside [10⁻³⁰⁰, 10³⁰⁰]), so that the fit does not depend on the
    /// currency: spends 10⁶ times larger give γ 10⁶ times larger and the same p and q.
    fn parameter_bounds(data: &SpendRows) -> Bounds {
        // Each spend times its share of the weight: no overflow for spends near f64::MAX.
        let mean_spend: f64 = data.rows.iter().map(|r| r.1 * (r.2 / data.total)).sum();
        let mean_spend = if mean_spend > 0.0 { mean_spend } else { 1.0 };
        let gamma_bounds = (
            (MIN_PARAMETER * mean_spend).clamp(1e-300, 1e290),
            (MAX_PARAMETER * mean_spend).clamp(1e-290, 1e300),
        );
        let range = (MIN_PARAMETER, MAX_PARAMETER);
        Bounds::new(vec![range, range, gamma_bounds])
    }

    fn observations(data: &SpendRows, _: f64) -> f64 {
        data.total
    }

    fn diagnostics(data: &SpendRows, model: &Self) -> SpendDiagnostics {
        SpendDiagnostics {
            excluded_without_repeat: data.excluded,
            frequency_spend_correlation: weighted_correlation(&data.rows),
            infinite_mean_spend: model.params.q <= 1.0,
        }
    }
}
