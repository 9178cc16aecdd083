//! What the report could not do on this log, in words a person can act on.

use crate::lifecycle::LifecycleStage;

use super::PurchaseModelKind;

/// Something the report skipped or changed because the data could not support it. The report is
/// still built; its `Display` says what happened and which setting to change.
///
/// # Examples
///
/// ```
/// use customer_value::report::ReportWarning;
/// let warning = ReportWarning::PartSkipped {
///     part: "spend_model",
///     reason: "no customer has a repeat purchase with a positive amount".to_string(),
/// };
/// assert_eq!(
///     warning.to_string(),
///     "the spend model was skipped: no customer has a repeat purchase with a positive amount; \
///      set parts.spend_model = false to silence this"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ReportWarning {
    /// Every amount of the log is zero (a date-only log): total spend, average order value, the
    /// RFM monetary score and the value matrix's spend axis carry no information.
    NoAmounts {
        /// Customers in the report.
        customers: u64,
    },
    /// The purchase model's fit failed on this log: P(alive), expected purchases, and what needs
    /// them (the spend model, CLV) were skipped.
    PurchaseModelSkipped {
        /// The model.
        model: PurchaseModelKind,
        /// Why, in words.
        reason: String,
        /// L-BFGS iterations run, when the fit reported them.
        iterations: Option<u64>,
        /// The last log-likelihood reached, when the fit reported it.
        log_likelihood: Option<f64>,
    },
    /// The purchase model's fit did not converge and was used anyway, as
    /// [`FitOptions::accept_unconverged`](crate::clv::FitOptions::accept_unconverged) asks.
    PurchaseModelUnconverged {
        /// The model.
        model: PurchaseModelKind,
        /// L-BFGS iterations run.
        iterations: u64,
        /// The log-likelihood reached.
        log_likelihood: f64,
    },
    /// The purchase model's maximum lies where nobody drops out
    /// ([`FitWarning::DropoutNotIdentified`](crate::clv::FitWarning::DropoutNotIdentified)): the
    /// model was used, but its P(alive) is about 1 for everybody, so P(alive), CLV, the lifecycle
    /// stages judged by P(alive) and their totals rest on a model without drop-out.
    PurchaseModelWithoutDropout {
        /// The model.
        model: PurchaseModelKind,
        /// The implied share of customers dropping out within `window`.
        dropout_share: f64,
        /// The longest customer age, in model time units.
        window: f64,
    },
    /// A part of [`ReportParts`](super::ReportParts) was skipped; its figures are `None` or empty.
    PartSkipped {
        /// The field of [`ReportParts`](super::ReportParts).
        // Spelled `core::primitive::str`: serde's derive borrows a field spelled `&str` from the
        // input, which would let a warning be read only from `'static` data; `known::part` reads
        // an owned name and returns the part's static one.
        #[cfg_attr(feature = "serde", serde(deserialize_with = "known::part"))]
        part: &'static core::primitive::str,
        /// Why, in words.
        reason: String,
    },
    /// k-means ran without a feature of its settings: the feature was the same for everybody.
    FeatureDropped {
        /// The feature's name (`"monetary"`, …).
        feature: String,
        /// Why, in words.
        reason: String,
    },
    /// The log is too short for a lifecycle stage: no customer can be in it as of the as-of date
    /// (see [`LifecycleRules::unreachable_stages`](crate::lifecycle::LifecycleRules::unreachable_stages)).
    StageUnreachable {
        /// The stage.
        stage: LifecycleStage,
        /// Days from the earliest first purchase to the as-of date.
        window_days: i64,
        /// Days of history the stage needs.
        needed_days: f64,
        /// The field of [`LifecycleRules`](crate::lifecycle::LifecycleRules) setting that need.
        // `core::primitive::str`: see `PartSkipped::part`.
        #[cfg_attr(feature = "serde", serde(deserialize_with = "known::history_setting"))]
        setting: &'static core::primitive::str,
    },
    /// Under half of the customers have the history a lifecycle stage needs (see
    /// [`LifecycleRules::stage_reach`](crate::lifecycle::LifecycleRules::stage_reach)): the
    /// others cannot be in it whatever their rhythm.
    StageRarelyReachable {
        /// The stage.
        stage: LifecycleStage,
        /// Customers with that much history.
        eligible: u64,
        /// Customers classified.
        customers: u64,
        /// Days of history the stage needs.
        needed_days: f64,
        /// The field of [`LifecycleRules`](crate::lifecycle::LifecycleRules) setting that need.
        // `core::primitive::str`: see `PartSkipped::part`.
        #[cfg_attr(feature = "serde", serde(deserialize_with = "known::history_setting"))]
        setting: &'static core::primitive::str,
    },
}

/// The names a warning holds as `&'static str`, read back as the one of the names it can hold.
#[cfg(feature = "serde")]
mod known {
    use serde::de::{Deserialize, Deserializer, Error};

    /// A field of [`ReportParts`](crate::report::ReportParts).
    pub(super) fn part<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<&'static str, D::Error> {
        one_of(deserializer, &crate::report::ReportParts::NAMES)
    }

    /// A field of [`LifecycleRules`](crate::lifecycle::LifecycleRules) setting the history a stage
    /// needs.
    pub(super) fn history_setting<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<&'static str, D::Error> {
        one_of(deserializer, &crate::lifecycle::HISTORY_SETTINGS)
    }

    fn one_of<'de, D: Deserializer<'de>>(
        deserializer: D, names: &'static [&'static str],
    ) -> Result<&'static str, D::Error> {
        let name = String::deserialize(deserializer)?;
        names
            .iter()
            .find(|known| **known == name)
            .copied()
            .ok_or_else(|| D::Error::unknown_variant(&name, names))
    }
}

impl ReportWarning {
    /// The field of [`ReportParts`](super::ReportParts) the warning is about.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::report::ReportWarning;
    /// assert_eq!(ReportWarning::NoAmounts { customers: 3 }.part(), "rfm");
    /// ```
    pub fn part(&self) -> &'static str {
        match self {
            ReportWarning::NoAmounts { .. } => "rfm",
            ReportWarning::PurchaseModelSkipped { .. }
            | ReportWarning::PurchaseModelUnconverged { .. }
            | ReportWarning::PurchaseModelWithoutDropout { .. } => "purchase_model",
            ReportWarning::PartSkipped { part, .. } => part,
            ReportWarning::FeatureDropped { .. } => "segmentation",
            ReportWarning::StageUnreachable { .. } | ReportWarning::StageRarelyReachable { .. } => {
                "lifecycle"
            }
        }
    }
}

/// A part's name in words.
fn part_name(part: &str) -> &str {
    match part {
        "rfm" => "RFM scoring",
        "value_matrix" => "value matrix",
        "purchase_model" => "purchase model",
        "spend_model" => "spend model",
        "segmentation" => "k-means segmentation",
        "lifecycle" => "lifecycle classification",
        "kpis" => "KPIs",
        other => other,
    }
}

/// The purchase model's usual name.
pub(super) fn model_name(kind: PurchaseModelKind) -> &'static str {
    match kind {
        PurchaseModelKind::BgNbd => "BG/NBD",
        PurchaseModelKind::ModifiedBgNbd => "MBG/NBD",
        PurchaseModelKind::ParetoNbd => "Pareto/NBD",
    }
}

impl std::fmt::Display for ReportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportWarning::NoAmounts { customers } => write!(
                f,
                "every amount in the log is zero (a date-only log of {customers} customers): total \
                 spend, average order value, the RFM monetary score and the value matrix's spend \
                 axis carry no information; load the amounts to use them"
            ),
            ReportWarning::PurchaseModelSkipped {
                model,
                reason,
                iterations,
                log_likelihood,
            } => write_model_skipped(f, *model, reason, *iterations, *log_likelihood),
            ReportWarning::PurchaseModelUnconverged {
                model,
                iterations,
                log_likelihood,
            } => write!(
                f,
                "the {} fit did not converge after {iterations} iterations (log-likelihood \
                 {log_likelihood:.4}) and was used anyway, as fit_options.accept_unconverged asks: \
                 P(alive), expected purchases and CLV may be off; raise \
                 fit_options.max_iterations to converge",
                model_name(*model)
            ),
            ReportWarning::PurchaseModelWithoutDropout {
                model,
                dropout_share,
                window,
            } => write_without_dropout(f, *model, *dropout_share, *window),
            ReportWarning::PartSkipped { part, reason } => write!(
                f,
                "the {} was skipped: {reason}; set parts.{part} = false to silence this",
                part_name(part)
            ),
            ReportWarning::FeatureDropped { feature, reason } => write!(
                f,
                "k-means segmentation ran without feature {feature}: {reason}; leave {feature} out \
                 of segmentation's features to silence this"
            ),
            ReportWarning::StageUnreachable {
                stage,
                window_days,
                needed_days,
                setting,
            } => write!(
                f,
                "no customer can be {stage} yet: the log covers {window_days} days and {stage} \
                 needs {needed_days} days of history (lifecycle.{setting}); read the stages of \
                 this log with that in mind, or lower lifecycle.{setting} to {window_days} days or less"
            ),
            ReportWarning::StageRarelyReachable {
                stage,
                eligible,
                customers,
                needed_days,
                setting,
            } => write!(
                f,
                "only {eligible} of {customers} customers ({:.1}%) have the {needed_days} days of \
                 history {stage} needs (lifecycle.{setting}): the log is too short for the others \
                 to be {stage} whatever their rhythm; read the stages with that in mind, or lower \
                 lifecycle.{setting}",
                100.0 * *eligible as f64 / (*customers).max(1) as f64
            ),
        }
    }
}

/// The sentence of [`ReportWarning::PurchaseModelSkipped`].
fn write_model_skipped(
    f: &mut std::fmt::Formatter<'_>, model: PurchaseModelKind, reason: &str,
    iterations: Option<u64>, log_likelihood: Option<f64>,
) -> std::fmt::Result {
    write!(
        f,
        "the {} purchase model was skipped: {reason}",
        model_name(model)
    )?;
    match (iterations, log_likelihood) {
        (Some(i), Some(ll)) => write!(f, " (after {i} iterations, log-likelihood {ll:.4})")?,
        (Some(i), None) => write!(f, " (after {i} iterations)")?,
        _ => {}
    }
    write!(
        f,
        "; P(alive), expected purchases, expected spend and CLV are empty; "
    )?;
    // Only an unconverged fit (the one that reports its iterations) gains from more iterations.
    if iterations.is_some() {
        write!(
            f,
            "raise fit_options.max_iterations, set fit_options.accept_unconverged = true, "
        )?;
    }
    write!(
        f,
        "choose another purchase_model, or set parts.purchase_model = false to silence this"
    )
}

/// The sentence of [`ReportWarning::PurchaseModelWithoutDropout`].
fn write_without_dropout(
    f: &mut std::fmt::Formatter<'_>, model: PurchaseModelKind, dropout_share: f64, window: f64,
) -> std::fmt::Result {
    write!(
        f,
        "the {} fit found no drop-out: it implies that a share of {dropout_share:.2e} of \
         customers drop out within {window:.2} time units, so its P(alive) is about 1 for \
         everybody, one-time buyers silent for the whole log included. P(alive), CLV, the \
         lifecycle stages judged by P(alive) and their totals rest on a model without drop-out: \
         read churn from recency, or use a longer log",
        model_name(model)
    )
}
