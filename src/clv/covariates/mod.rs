//! Time-invariant covariates, per customer, on the purchase and the drop-out process of the
//! Pareto/NBD and the BG/NBD (Fader & Hardie 2007, "Incorporating time-invariant covariates into
//! the Pareto/NBD and BG/NBD models"; CLVTools' `pnbd` and `bgnbd` with static covariates;
//! PyMC-Marketing's `purchase_covariate_cols` and `dropout_covariate_cols`).
//!
//! Each customer i has a row of purchase covariates zᵢ⁽ᵖ⁾ and one of drop-out covariates zᵢ⁽ᵈ⁾
//! ([`Covariates`]; the two may hold the same columns). The heterogeneity distributions' scale
//! parameters move with them, the shapes stay common:
//!
//! - Pareto/NBD (Fader & Hardie 2007, eq. 1; CLVTools' signs): αᵢ = α₀ exp(−γ₁ᵀzᵢ⁽ᵖ⁾) and
//!   βᵢ = β₀ exp(−γ₂ᵀzᵢ⁽ᵈ⁾); r and s unchanged. E\[λᵢ\] = r/αᵢ, so γ₁ₖ > 0 means customers with a
//!   larger zₖ buy more often, and γ₂ₖ > 0 that they drop out sooner (E\[μᵢ\] = s/βᵢ).
//! - BG/NBD (PyMC-Marketing's `BetaGeoModel`): αᵢ = α₀ exp(−γ₁ᵀzᵢ⁽ᵖ⁾), aᵢ = a₀ exp(γ₂ᵀzᵢ⁽ᵈ⁾)
//!   and bᵢ = b₀ exp(γ₃ᵀzᵢ⁽ᵈ⁾); r unchanged. E\[pᵢ\] = aᵢ/(aᵢ + bᵢ): γ₂ₖ > γ₃ₖ means a larger zₖ
//!   drops out more. CLVTools' `bgnbd` is the special case γ₂ = γ₃ (one coefficient per
//!   covariate on both a and b).
//!
//! The individual likelihood is the base model's at the customer's own parameters (Fader &
//! Hardie 2007, eq. 2), computed by the same code as the fits without covariates. A fit
//! ([`WithCovariates::fit`]) maximises Σᵢ ln Lᵢ − λ Σ γ² over the log base parameters and the free
//! γ (λ = [`CovariateOptions::covariate_penalty`], 0 by default), starting from the fit without
//! covariates (γ = 0), with the analytic gradient; standard errors come from the inverse of the
//! observed information (of the penalised objective when λ > 0). Without covariate columns the
//! fit is the fit without covariates, exactly.
//!
//! The fitted model gives each customer's own [`ParetoNbd`] or [`BgNbd`]
//! ([`WithCovariates::customer_models`]), so every prediction of those models (P(alive),
//! conditional expected purchases, CLV, …) works per customer.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{simulate_pareto_nbd_customers, CovariateOptions, Covariates,
//!     ParetoNbd, ParetoNbdWithCovariates, PurchaseModel};
//! // 3,000 customers, half with z = 1, who buy e^0.7 ≈ 2 times as often (γ₁ = 0.7).
//! let z: Vec<f64> = (0..3_000).map(|i| (i % 2) as f64).collect();
//! let truth: Vec<ParetoNbd> = z.iter()
//!     .map(|&v| ParetoNbd::new(0.8, 10.0 * (-0.7 * v).exp(), 0.6, 12.0))
//!     .collect::<Result<_, _>>()?;
//! let histories = simulate_pareto_nbd_customers(&truth, &vec![52.0; 3_000], 1)?;
//! let purchase = Covariates::from_columns(&[("z", &z)])?;
//! let dropout = Covariates::none(3_000);
//! let fit = ParetoNbdWithCovariates::fit(&histories, &purchase, &dropout, &CovariateOptions::default())?;
//! assert_eq!(fit.parameter_names, ["r", "alpha", "s", "beta", "alpha:z"]);
//! let gamma = fit.model.coefficients()[0];
//! let se = fit.standard_errors().expect("an interior optimum")[4];
//! assert!((gamma - 0.7).abs() < 3.0 * se, "{gamma} ± {se}");
//! // Each customer's own Pareto/NBD predicts as any other.
//! let models = fit.model.customer_models(&purchase, &dropout)?;
//! let alive = models[1].probability_alive(&histories[1])?;
//! assert!((0.0..=1.0).contains(&alive));
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

mod fit;
mod likelihood;
mod matrix;
mod options;
mod scoring;

pub use likelihood::CovariateBase;
pub use matrix::Covariates;
pub use options::CovariateOptions;

use crate::clv::{check_length, BgNbd, ClvError, ParetoNbd};
use likelihood::Process;

/// A base model ([`ParetoNbd`] or [`BgNbd`]) whose scale parameters move with each customer's
/// covariates (see the [module documentation](self) for the links and their signs).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{CovariateEffect, ParetoNbd, ParetoNbdWithCovariates};
/// let base = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
/// let model = ParetoNbdWithCovariates::new(base, &["gender"], &[0.5], &["gender"], &[-0.2])?;
/// // α for a customer with gender = 1: 10.58 · e^−0.5; β: 11.67 · e^0.2.
/// let one = model.customer_model(&[1.0], &[1.0])?.params();
/// assert!((one.alpha - 10.58 * (-0.5f64).exp()).abs() < 1e-12);
/// assert!((one.beta - 11.67 * 0.2f64.exp()).abs() < 1e-12);
/// assert_eq!(model.customer_model(&[0.0], &[0.0])?, base);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WithCovariates<M> {
    base: M,
    effects: Vec<CovariateEffect>,
}

/// The Pareto/NBD with covariates: αᵢ = α₀ exp(−γ₁ᵀzᵢ⁽ᵖ⁾), βᵢ = β₀ exp(−γ₂ᵀzᵢ⁽ᵈ⁾).
pub type ParetoNbdWithCovariates = WithCovariates<ParetoNbd>;

/// The BG/NBD with covariates: αᵢ = α₀ exp(−γ₁ᵀzᵢ⁽ᵖ⁾), aᵢ = a₀ exp(γ₂ᵀzᵢ⁽ᵈ⁾),
/// bᵢ = b₀ exp(γ₃ᵀzᵢ⁽ᵈ⁾).
pub type BgNbdWithCovariates = WithCovariates<BgNbd>;

/// The coefficients of one base parameter that varies by customer.
///
/// # Examples
///
/// See [`WithCovariates::effects`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CovariateEffect {
    /// The base parameter's name (`"alpha"`, `"beta"`, `"a"` or `"b"`).
    pub parameter: String,
    /// The covariates' names, in the order of the coefficients.
    pub covariates: Vec<String>,
    /// γ, one per covariate.
    pub coefficients: Vec<f64>,
}

impl<M: CovariateBase> WithCovariates<M> {
    /// The model with base parameters `base` and the coefficients of the purchase covariates
    /// named `purchase_names` (γ₁) and of the drop-out ones (γ₂, and for BG/NBD γ₃ after it:
    /// `dropout` holds the drop-out coefficients of each drop-out parameter in turn).
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] naming `purchase` or `dropout` when the coefficients do not
    /// match the names, and [`ClvError::InvalidParameter`] naming `gamma` for a coefficient that
    /// is not finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, BgNbdWithCovariates, ClvError};
    /// let base = BgNbd::new(0.24, 4.41, 0.79, 2.43)?;
    /// // One drop-out covariate: one coefficient for a, then one for b.
    /// let model = BgNbdWithCovariates::new(base, &[], &[], &["channel"], &[0.3, -0.1])?;
    /// assert_eq!(model.effects()[2].coefficients, [-0.1]);
    /// assert!(matches!(BgNbdWithCovariates::new(base, &[], &[], &["channel"], &[0.3]),
    ///     Err(ClvError::LengthMismatch { name: "dropout", expected: 2, found: 1 })));
    /// # Ok::<(), ClvError>(())
    /// ```
    pub fn new(
        base: M, purchase_names: &[&str], purchase: &[f64], dropout_names: &[&str], dropout: &[f64],
    ) -> Result<Self, ClvError> {
        let links_of = |process| M::LINKS.iter().filter(|l| l.process == process).count();
        check_length(
            "purchase",
            purchase_names.len() * links_of(Process::Purchase),
            purchase.len(),
        )?;
        check_length(
            "dropout",
            dropout_names.len() * links_of(Process::Dropout),
            dropout.len(),
        )?;
        if let Some(&value) = purchase.iter().chain(dropout).find(|v| !v.is_finite()) {
            return Err(ClvError::InvalidParameter {
                name: "gamma",
                value,
                constraint: "must be finite",
            });
        }
        let (mut purchase, mut dropout) = (
            purchase.chunks(purchase_names.len().max(1)),
            dropout.chunks(dropout_names.len().max(1)),
        );
        let effects = M::LINKS
            .iter()
            .map(|link| {
                let (names, values) = match link.process {
                    Process::Purchase => (purchase_names, purchase.next()),
                    Process::Dropout => (dropout_names, dropout.next()),
                };
                CovariateEffect {
                    parameter: M::PARAMETER_NAMES[link.parameter].to_string(),
                    covariates: names.iter().map(|n| n.to_string()).collect(),
                    coefficients: values.unwrap_or_default().to_vec(),
                }
            })
            .collect();
        Ok(Self { base, effects })
    }

    /// The base model: the parameters of a customer whose covariates are all 0.
    ///
    /// # Examples
    ///
    /// See [`WithCovariates::new`].
    pub fn base(&self) -> &M {
        &self.base
    }

    /// The coefficients of each parameter that varies by customer, in the order of the links in
    /// the [module documentation](self).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, ParetoNbdWithCovariates};
    /// let base = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
    /// let model = ParetoNbdWithCovariates::new(base, &["gender"], &[0.5], &[], &[])?;
    /// assert_eq!(model.effects()[0].parameter, "alpha");
    /// assert_eq!(model.effects()[1].parameter, "beta");
    /// assert!(model.effects()[1].coefficients.is_empty());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn effects(&self) -> &[CovariateEffect] {
        &self.effects
    }

    /// Every coefficient, effect after effect: the fit's parameters after the four base ones.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, ParetoNbdWithCovariates};
    /// let base = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
    /// let model = ParetoNbdWithCovariates::new(base, &["g"], &[0.5], &["g"], &[-0.2])?;
    /// assert_eq!(model.coefficients(), [0.5, -0.2]);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn coefficients(&self) -> Vec<f64> {
        self.effects
            .iter()
            .flat_map(|e| e.coefficients.iter().copied())
            .collect()
    }

    /// The model of one customer with purchase covariates `purchase` and drop-out covariates
    /// `dropout` (in the order of the names).
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] naming `purchase` or `dropout` for another number of values
    /// than covariates, and [`ClvError::InvalidParameter`] when a customer's parameter leaves
    /// [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]
    /// (covariates far outside those of the fit).
    ///
    /// # Examples
    ///
    /// See [`WithCovariates`].
    pub fn customer_model(&self, purchase: &[f64], dropout: &[f64]) -> Result<M, ClvError> {
        let mut p = self.base.parameters();
        for (link, effect) in M::LINKS.iter().zip(&self.effects) {
            let (name, z) = match link.process {
                Process::Purchase => ("purchase", purchase),
                Process::Dropout => ("dropout", dropout),
            };
            check_length(name, effect.coefficients.len(), z.len())?;
            let eta: f64 = effect.coefficients.iter().zip(z).map(|(g, v)| g * v).sum();
            p[link.parameter] *= (link.sign * eta).exp();
        }
        M::from_parameters(&p)
    }

    /// Every customer's model, row by row of `purchase` and `dropout`.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] naming `dropout` when the two matrices differ in rows, and
    /// the errors of [`WithCovariates::customer_model`].
    ///
    /// # Examples
    ///
    /// See the [module documentation](self).
    pub fn customer_models(
        &self, purchase: &Covariates, dropout: &Covariates,
    ) -> Result<Vec<M>, ClvError> {
        check_length("dropout", purchase.rows(), dropout.rows())?;
        (0..purchase.rows())
            .map(|i| {
                let (zp, zd) = (purchase.row(i), dropout.row(i));
                self.customer_model(zp.unwrap_or_default(), zd.unwrap_or_default())
            })
            .collect()
    }
}
