//! The fitted model as a value a query plan carries: [`ScoringModel`], written into SQL as a
//! JSON string literal.

use customer_value::clv::{BgNbd, GammaGamma, ModifiedBgNbd, ParetoNbd, PurchaseModel};
use customer_value::report::PurchaseModelFit;
use serde::{Deserialize, Serialize};

/// A fitted model the scoring functions take as their first argument(s): one of the
/// continuous-time purchase models or the Gamma-Gamma spend model, tagged with its kind.
///
/// In SQL it is a string literal holding its JSON ([`ScoringModel::to_sql_literal`]), e.g.
/// `'{"model":"bg_nbd","params":{"r":0.243,"alpha":4.414,"a":0.793,"b":2.426}}'`, so the plan
/// carries the model to whichever process executes it. The `model` tag is `bg_nbd`,
/// `modified_bg_nbd`, `pareto_nbd` or `gamma_gamma`; the other keys are the core model's own serde
/// form. Reading it back runs the core's checked deserializer: parameters outside the range its
/// constructors accept are refused, with the core's message. Parameters are in the time unit the
/// model was fitted in, which the x, t_x and T columns it scores must share.
///
/// # Examples
///
/// ```
/// use customer_value::clv::BgNbd;
/// use customer_value_datafusion::score::ScoringModel;
///
/// let model = ScoringModel::from(BgNbd::new(0.243, 4.414, 0.793, 2.426)?);
/// let literal = model.to_sql_literal()?;
/// assert!(literal.starts_with("'{\"model\":\"bg_nbd\""));
/// let json = &literal[1..literal.len() - 1];
/// assert_eq!(ScoringModel::from_json(json)?, model);
/// // The core's check runs when a model is read: a negative α is refused.
/// let bad = json.replace("4.414", "-4.414");
/// assert!(ScoringModel::from_json(&bad).unwrap_err().to_string().contains("alpha"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScoringModel {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    BgNbd(BgNbd),
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
    ModifiedBgNbd(ModifiedBgNbd),
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd(ParetoNbd),
    /// Gamma-Gamma spend (Fader & Hardie 2013).
    GammaGamma(GammaGamma),
}

impl ScoringModel {
    /// The model's tag: `bg_nbd`, `modified_bg_nbd`, `pareto_nbd` or `gamma_gamma`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::GammaGamma;
    /// use customer_value_datafusion::score::ScoringModel;
    /// let model = ScoringModel::from(GammaGamma::new(6.25, 3.74, 15.44)?);
    /// assert_eq!(model.kind(), "gamma_gamma");
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BgNbd(_) => "bg_nbd",
            Self::ModifiedBgNbd(_) => "modified_bg_nbd",
            Self::ParetoNbd(_) => "pareto_nbd",
            Self::GammaGamma(_) => "gamma_gamma",
        }
    }

    /// The purchase model, `None` for Gamma-Gamma.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ParetoNbd, PurchaseModel, RepeatHistory};
    /// use customer_value_datafusion::score::ScoringModel;
    /// let model = ScoringModel::from(ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?);
    /// let alive = model.purchase_model().expect("a purchase model")
    ///     .probability_alive(&RepeatHistory::new(2.0, 30.43, 38.86)?)?;
    /// assert!((alive - 0.869124).abs() < 1e-6);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn purchase_model(&self) -> Option<&(dyn PurchaseModel + Sync)> {
        match self {
            Self::BgNbd(m) => Some(m),
            Self::ModifiedBgNbd(m) => Some(m),
            Self::ParetoNbd(m) => Some(m),
            Self::GammaGamma(_) => None,
        }
    }

    /// The spend model, `None` for a purchase model.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::GammaGamma;
    /// use customer_value_datafusion::score::ScoringModel;
    /// let model = ScoringModel::from(GammaGamma::new(6.25, 3.74, 15.44)?);
    /// assert_eq!(model.spend_model().map(|m| m.params().q), Some(3.74));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn spend_model(&self) -> Option<&GammaGamma> {
        match self {
            Self::GammaGamma(m) => Some(m),
            _ => None,
        }
    }

    /// The fitted model of a purchase model fit (e.g. from
    /// [`fit_purchase_model`](crate::fit::fit_purchase_model)); `None` for a kind this version
    /// does not score.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{FitOptions, RepeatHistory};
    /// use customer_value::report::{PurchaseModelFit, PurchaseModelKind};
    /// use customer_value_datafusion::score::ScoringModel;
    /// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?];
    /// let fit = PurchaseModelFit::fit(PurchaseModelKind::BgNbd, &rows, &FitOptions::default())?;
    /// assert_eq!(ScoringModel::of_purchase_fit(&fit).map(|m| m.kind()), Some("bg_nbd"));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn of_purchase_fit(fit: &PurchaseModelFit) -> Option<Self> {
        match fit {
            PurchaseModelFit::BgNbd(f) => Some(Self::BgNbd(f.model)),
            PurchaseModelFit::ModifiedBgNbd(f) => Some(Self::ModifiedBgNbd(f.model)),
            PurchaseModelFit::ParetoNbd(f) => Some(Self::ParetoNbd(f.model)),
            _ => None,
        }
    }

    /// Reads a model from its JSON, through the core's checked deserializer (with
    /// `serde_json`'s `float_roundtrip`, so the parameters come back bit for bit).
    ///
    /// # Errors
    ///
    /// The `serde_json` error for text that is not a tagged model, and the core's own message for
    /// parameters its constructor refuses.
    ///
    /// # Examples
    ///
    /// See [`ScoringModel`].
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The model's JSON as a SQL string literal (quotes doubled), to paste into a query.
    ///
    /// # Errors
    ///
    /// Those of [`sql_literal`] (none for these models: every field is a finite number).
    ///
    /// # Examples
    ///
    /// See [`ScoringModel`].
    pub fn to_sql_literal(&self) -> Result<String, serde_json::Error> {
        sql_literal(self)
    }
}

impl From<BgNbd> for ScoringModel {
    fn from(model: BgNbd) -> Self {
        Self::BgNbd(model)
    }
}

impl From<ModifiedBgNbd> for ScoringModel {
    fn from(model: ModifiedBgNbd) -> Self {
        Self::ModifiedBgNbd(model)
    }
}

impl From<ParetoNbd> for ScoringModel {
    fn from(model: ParetoNbd) -> Self {
        Self::ParetoNbd(model)
    }
}

impl From<GammaGamma> for ScoringModel {
    fn from(model: GammaGamma) -> Self {
        Self::GammaGamma(model)
    }
}

/// Any serializable value (a [`ScoringModel`], `ClvOptions`, a `FittedRfm`) as a SQL string
/// literal of its JSON: single quotes around it, any quote inside doubled.
///
/// # Errors
///
/// The `serde_json` error when the value does not serialize (e.g. a map with non-string keys).
///
/// # Examples
///
/// ```
/// use customer_value::clv::ClvOptions;
/// use customer_value_datafusion::score::sql_literal;
/// let literal = sql_literal(&ClvOptions { horizon_months: 24, ..ClvOptions::default() })?;
/// assert!(literal.starts_with("'{\"horizon_months\":24,"));
/// assert_eq!(sql_literal(&"it's")?, "'\"it''s\"'");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn sql_literal<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(value)?;
    Ok(format!("'{}'", json.replace('\'', "''")))
}

/// A purchase model from a settings argument, with the message the SQL error gives after the
/// argument's name.
pub(crate) fn read_purchase_model(json: &str, function: &str) -> Result<ScoringModel, String> {
    let model = read(json)?;
    match model.purchase_model() {
        Some(_) => Ok(model),
        None => Err(format!(
            "is a {} model; {function} needs a purchase model (bg_nbd, modified_bg_nbd or pareto_nbd)",
            model.kind()
        )),
    }
}

/// The Gamma-Gamma model from a settings argument, with the message the SQL error gives after the
/// argument's name.
pub(crate) fn read_spend_model(json: &str, function: &str) -> Result<GammaGamma, String> {
    let model = read(json)?;
    match model.spend_model() {
        Some(spend) => Ok(*spend),
        None => Err(format!(
            "is a {} model; {function} needs the spend model (gamma_gamma)",
            model.kind()
        )),
    }
}

fn read(json: &str) -> Result<ScoringModel, String> {
    ScoringModel::from_json(json).map_err(|e| format!("is refused by customer-value: {e}"))
}

/// The purchase model of settings [`read_purchase_model`] accepted.
pub(crate) fn purchase_model(model: &ScoringModel) -> Result<&(dyn PurchaseModel + Sync), String> {
    model
        .purchase_model()
        .ok_or_else(|| format!("internal: {} is not a purchase model", model.kind()))
}
