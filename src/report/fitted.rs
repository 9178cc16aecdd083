//! The fitted models a report keeps, as typed values: a service saves them (with serde) and passes
//! them to [`CustomerValueReport::build_with_models`](super::CustomerValueReport::build_with_models)
//! to score another log without refitting.

use crate::clv::{
    BgNbd, ClvError, FitData, FitOptions, FitWarning, GammaGamma, MaximumLikelihood, ModelFit,
    ModifiedBgNbd, ParetoNbd, RepeatHistory, SpendDiagnostics,
};
use crate::rfm::FittedRfm;
use crate::segment::SegmentModel;
use crate::summary::TimeUnit;

use super::{PurchaseModelKind, ReportConfig, ReportError};

crate::settings::checked_serde! {
    check = PurchaseModelFit::check_read;
    /// The purchase model of a report: the fit of the model [`ReportConfig::purchase_model`] chose,
    /// with its log-likelihood, convergence, covariance and cautions ([`ModelFit`]).
    ///
    /// Read back through serde, the model's parameters and the covariance's shape are checked: a value
    /// no fit produces (a parameter outside [`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
    /// [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)], a covariance of the wrong size) is refused
    /// with the model's own error message.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, FitOptions, MaximumLikelihood, RepeatHistory};
    /// use customer_value::report::{PurchaseModelFit, PurchaseModelKind};
    /// let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?,
    ///             RepeatHistory::new(0.0, 0.0, 25.0)?, RepeatHistory::new(3.0, 10.0, 25.0)?];
    /// let fit = BgNbd::fit(&data, &FitOptions::default())?;
    /// let purchase = PurchaseModelFit::BgNbd(fit.clone());
    /// assert_eq!(purchase.kind(), PurchaseModelKind::BgNbd);
    /// assert_eq!(purchase.parameters(), fit.model.parameters()); // r, α, a, b
    /// assert_eq!(purchase.log_likelihood(), fit.log_likelihood);
    /// assert_eq!((purchase.converged(), purchase.iterations()), (fit.converged, fit.iterations));
    /// assert_eq!(purchase.standard_errors(), fit.standard_errors());
    /// assert_eq!(purchase.warnings(), fit.warnings.as_slice());
    ///
    /// let mut json = serde_json::to_value(&purchase).expect("a fit serializes");
    /// json["BgNbd"]["model"]["params"]["alpha"] = serde_json::json!(-1.0);
    /// let refused = serde_json::from_value::<PurchaseModelFit>(json).unwrap_err();
    /// assert!(refused.to_string().starts_with("parameter alpha = -1 is invalid"), "{refused}");
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub enum PurchaseModelFit {
        /// BG/NBD (Fader, Hardie & Lee 2005).
        BgNbd(ModelFit<BgNbd>),
        /// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
        ModifiedBgNbd(ModelFit<ModifiedBgNbd>),
        /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
        ParetoNbd(ModelFit<ParetoNbd>),
    }
}

/// `$body` with `$fit` bound to the [`ModelFit`] of whichever model `$purchase` holds.
macro_rules! with_fit {
    ($purchase:expr, $fit:ident => $body:expr) => {
        match $purchase {
            PurchaseModelFit::BgNbd($fit) => $body,
            PurchaseModelFit::ModifiedBgNbd($fit) => $body,
            PurchaseModelFit::ParetoNbd($fit) => $body,
        }
    };
}
pub(super) use with_fit;

impl PurchaseModelFit {
    /// Fits the model of `kind` by maximum likelihood ([`MaximumLikelihood::fit`]): the one entry
    /// point for a purchase model chosen at run time (a report's configuration, an engine's
    /// driver fitting compressed rows).
    ///
    /// # Errors
    ///
    /// Those of [`MaximumLikelihood::fit`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{FitData, FitOptions, RepeatHistory};
    /// use customer_value::report::{PurchaseModelFit, PurchaseModelKind};
    /// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?];
    /// let data = FitData::weighted(&rows, &[10.0, 4.0, 2.0, 3.0])?;
    /// let fit = PurchaseModelFit::fit(PurchaseModelKind::ParetoNbd, data, &FitOptions::default())?;
    /// assert_eq!(fit.kind(), PurchaseModelKind::ParetoNbd);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit<'a>(
        kind: PurchaseModelKind, data: impl Into<FitData<'a, RepeatHistory>>, options: &FitOptions,
    ) -> Result<Self, ClvError> {
        let data = data.into();
        Ok(match kind {
            PurchaseModelKind::BgNbd => PurchaseModelFit::BgNbd(BgNbd::fit(data, options)?),
            PurchaseModelKind::ModifiedBgNbd => {
                PurchaseModelFit::ModifiedBgNbd(ModifiedBgNbd::fit(data, options)?)
            }
            PurchaseModelKind::ParetoNbd => {
                PurchaseModelFit::ParetoNbd(ParetoNbd::fit(data, options)?)
            }
        })
    }

    /// Which model.
    ///
    /// # Examples
    ///
    /// See [`PurchaseModelFit`].
    pub fn kind(&self) -> PurchaseModelKind {
        match self {
            PurchaseModelFit::BgNbd(_) => PurchaseModelKind::BgNbd,
            PurchaseModelFit::ModifiedBgNbd(_) => PurchaseModelKind::ModifiedBgNbd,
            PurchaseModelFit::ParetoNbd(_) => PurchaseModelKind::ParetoNbd,
        }
    }

    /// The parameters in the paper's order (r, α, a, b or r, α, s, β), as
    /// [`MaximumLikelihood::parameters`] gives them; each model's `params()` names them.
    ///
    /// # Examples
    ///
    /// See [`PurchaseModelFit`].
    pub fn parameters(&self) -> Vec<f64> {
        with_fit!(self, fit => fit.model.parameters())
    }

    /// Their standard errors, when the information matrix is positive definite.
    ///
    /// # Examples
    ///
    /// See [`PurchaseModelFit`].
    pub fn standard_errors(&self) -> Option<&[f64]> {
        with_fit!(self, fit => fit.standard_errors())
    }

    /// The maximised log-likelihood.
    ///
    /// # Examples
    ///
    /// See [`PurchaseModelFit`].
    pub fn log_likelihood(&self) -> f64 {
        with_fit!(self, fit => fit.log_likelihood)
    }

    /// L-BFGS iterations of the fit.
    ///
    /// # Examples
    ///
    /// See [`PurchaseModelFit`].
    pub fn iterations(&self) -> u64 {
        with_fit!(self, fit => fit.iterations)
    }

    /// Whether the fit converged (`false` only with
    /// [`FitOptions::accept_unconverged`](crate::clv::FitOptions::accept_unconverged), and then
    /// [`ReportWarning::PurchaseModelUnconverged`](super::ReportWarning::PurchaseModelUnconverged)
    /// says so).
    ///
    /// # Examples
    ///
    /// See [`PurchaseModelFit`].
    pub fn converged(&self) -> bool {
        with_fit!(self, fit => fit.converged)
    }

    /// The fit's cautions about its optimum ([`ModelFit::warnings`]); a drop-out process the data
    /// cannot identify also puts
    /// [`ReportWarning::PurchaseModelWithoutDropout`](super::ReportWarning::PurchaseModelWithoutDropout)
    /// in the report's warnings.
    ///
    /// # Examples
    ///
    /// See [`PurchaseModelFit`].
    pub fn warnings(&self) -> &[FitWarning] {
        with_fit!(self, fit => &fit.warnings)
    }

    /// What a fit read back must satisfy: see [`check_read_fit`].
    fn check_read(&self) -> Result<(), ClvError> {
        with_fit!(self, fit => check_read_fit(fit))
    }
}

/// A fit read back holds a model its constructor accepts, and a covariance whose shape is the
/// parameters' (the intervals of [`ModelFit`] index it by parameter).
fn check_read_fit<M: MaximumLikelihood, D>(fit: &ModelFit<M, D>) -> Result<(), ClvError> {
    let parameters = fit.model.parameters();
    M::from_parameters(&parameters)?;
    let n = parameters.len();
    if let Ok(covariance) = &fit.covariance {
        crate::clv::check_length(
            "covariance.standard_errors",
            n,
            covariance.standard_errors.len(),
        )?;
        crate::clv::check_length("covariance.matrix", n, covariance.matrix.len())?;
        for row in &covariance.matrix {
            crate::clv::check_length("covariance.matrix row", n, row.len())?;
        }
    }
    Ok(())
}

/// The fitted purchase model of a report, with the time unit it was fitted in and the horizon of
/// the expected purchases.
///
/// # Examples
///
/// See [`CustomerValueReport::models`](super::CustomerValueReport::models).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PurchaseModelSummary {
    /// The fitted model with its diagnostics.
    pub fit: PurchaseModelFit,
    /// The time unit of the fit: the model's rates are per this unit.
    pub time_unit: TimeUnit,
    /// The horizon of the expected purchases, in model time units.
    pub horizon: f64,
}

crate::settings::checked_serde! {
    check = SpendModelSummary::check_read;
    /// The fitted spend model of a report: the Gamma-Gamma fit with its diagnostics, and the
    /// customers the fit left out.
    ///
    /// Read back through serde, the model's parameters and the covariance's shape are checked, as for
    /// [`PurchaseModelFit`].
    ///
    /// # Examples
    ///
    /// See [`CustomerValueReport::models`](super::CustomerValueReport::models).
    #[derive(Debug, Clone, PartialEq)]
    pub struct SpendModelSummary {
        /// The fit: p, q, γ in `fit.model.params()`, the log-likelihood, standard errors, the
        /// Pearson correlation of x and z̄ (`fit.diagnostics.frequency_spend_correlation`, which the
        /// model assumes near 0) and the fit's cautions (`fit.warnings`).
        pub fit: ModelFit<GammaGamma, SpendDiagnostics>,
        /// Customers of the log it was fitted on left out of the fit: no repeat purchase (spend
        /// unobserved).
        pub without_repeat: u64,
        /// Customers of the log it was fitted on left out of the fit because every repeat purchase was
        /// free (z̄ = 0) or their refunds took back what they bought; their expected spend and CLV
        /// are 0.
        pub free_repeat_buyers: u64,
    }
}

impl SpendModelSummary {
    fn check_read(&self) -> Result<(), ClvError> {
        check_read_fit(&self.fit)
    }
}

/// The models a report fitted, to score another log with later:
/// [`CustomerValueReport::models`](super::CustomerValueReport::models) gives them, and
/// [`CustomerValueReport::build_with_models`](super::CustomerValueReport::build_with_models)
/// builds a report with them instead of refitting.
///
/// With the `serde` feature they serialize; read back through `serde_json` with its
/// `float_roundtrip` feature, every parameter is bit-identical, so the report built with them
/// scores every customer exactly as the report that fitted them.
///
/// # Examples
///
/// See [`CustomerValueReport::build_with_models`](super::CustomerValueReport::build_with_models).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReportModels {
    /// The time unit the purchase model was fitted in: it must be [`ReportConfig::time_unit`].
    pub time_unit: TimeUnit,
    /// The purchase model: it must be the kind of [`ReportConfig::purchase_model`].
    pub purchase: PurchaseModelFit,
    /// The spend model; `None` when the report that fitted the models could not fit one (then a
    /// report built with them skips expected spend and CLV, with a warning).
    pub spend: Option<SpendModelSummary>,
    /// The RFM breakpoints: with them, a report scores every customer against these cuts
    /// instead of refitting them on its own log (with [`Binning::EqualCount`](crate::rfm::Binning)
    /// the cuts reproduce the fitted log's equal-count groups up to ties). `None`: fitted on the
    /// log, as [`CustomerValueReport::build`](super::CustomerValueReport::build) does.
    #[cfg_attr(feature = "serde", serde(default))]
    pub rfm: Option<FittedRfm>,
    /// The k-means model: with it, a report assigns every customer to these centroids through
    /// this transform instead of refitting k-means. `None`: fitted on the log.
    #[cfg_attr(feature = "serde", serde(default))]
    pub segments: Option<SegmentModel>,
}

impl ReportModels {
    /// Whether the models can be used with `config`.
    ///
    /// # Errors
    ///
    /// [`ReportError::ModelsMismatch`] naming the setting of `config` they contradict.
    pub(super) fn check_against(&self, config: &ReportConfig) -> Result<(), ReportError> {
        let mismatch =
            |setting, detail: String| Err(ReportError::ModelsMismatch { setting, detail });
        if !config.parts.purchase_model {
            return mismatch(
                "parts.purchase_model",
                "the models are used only with the purchase model on".to_string(),
            );
        }
        if self.time_unit != config.time_unit {
            return mismatch(
                "time_unit",
                format!(
                    "the purchase model was fitted in {:?}, the configuration asks for {:?}",
                    self.time_unit, config.time_unit
                ),
            );
        }
        if self.purchase.kind() != config.purchase_model {
            return mismatch(
                "purchase_model",
                format!(
                    "the models hold {:?}, the configuration asks for {:?}",
                    self.purchase.kind(),
                    config.purchase_model
                ),
            );
        }
        if !self.purchase.converged() && !config.fit_options.accept_unconverged {
            return mismatch(
                "fit_options.accept_unconverged",
                "the purchase model's fit did not converge and the configuration does not accept \
                 unconverged fits"
                    .to_string(),
            );
        }
        Ok(())
    }
}
