//! One report per customer: every figure of the crate in one row, and totals for the whole base.
//!
//! [`CustomerValueReport::build`] walks the transaction log once (the [`Summarizer`]); every other
//! figure is derived from the summaries: RFM scores and segment, the value-matrix cell, P(alive)
//! and expected purchases from a fitted purchase model, expected spend from the Gamma-Gamma model
//! and the discounted CLV over the horizon, the k-means segment, the lifecycle stage with its
//! reason, and the period KPIs. [`ReportConfig`] chooses the horizon, the models, the
//! segmentation and which parts to compute. The report is serde-serializable, so a service can
//! return it as JSON.
//!
//! **Messy logs.** A part the data cannot support is skipped, not failed, and
//! [`CustomerValueReport::warnings`] says which and why in words a person can act on (each
//! [`ReportWarning`] names the setting to change): a date-only log (every amount zero) gets RFM,
//! the purchase model, k-means on recency and frequency, lifecycle stages and KPIs, and a warning
//! for the value matrix, the spend model and CLV; a purchase-model fit that is not identifiable or
//! does not converge skips P(alive), expected purchases and CLV, naming the model, its iterations
//! and log-likelihood; a log too short for a lifecycle stage is warned about. Settings errors are
//! still errors, before any work, and any other failure is a [`ReportError::PartFailed`] naming
//! the part, the customer and the setting to change.
//!
//! **Money.** Derived money (CLV, average order value, group CLV totals) is rounded half to even
//! to [`ReportConfig::money_scale`] places (default 2); sums of the log's amounts (total spend,
//! group revenue) are exact.
//!
//! This module is the only place that combines the others: it calls their public APIs and nothing
//! else.
//!
//! # Examples
//!
//! ```
//! use customer_value::report::{CustomerValueReport, ReportConfig, ReportError, ReportParts};
//! use customer_value::Transaction;
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
//! let mut log = Vec::new();
//! for c in 0..60u32 {
//!     for k in 0..(c % 5) {
//!         log.push(Transaction::new(c, d(1 + (c + 3 * k) % 12, 1 + k), Decimal::from(10 + c)));
//!     }
//!     log.push(Transaction::new(c, d(1 + c % 6, 20), Decimal::from(25)));
//! }
//! let config = ReportConfig {
//!     // Expected spend and CLV need the purchase model: both off.
//!     parts: ReportParts {
//!         purchase_model: false,
//!         spend_model: false,
//!         segmentation: false,
//!         ..ReportParts::default()
//!     },
//!     ..ReportConfig::default()
//! };
//! let report = CustomerValueReport::build(&log, d(12, 31), &config)?;
//! assert_eq!(report.customers.len(), 60);
//! assert!(report.customers.iter().all(|c| c.rfm_segment.is_some() && c.lifecycle_stage.is_some()));
//! let counted: u64 = report.by_rfm_segment.iter().map(|g| g.customers).sum();
//! assert_eq!(counted, 60);
//!
//! // The spend model without the purchase model is a contradiction, refused before any work.
//! let spend_alone = ReportConfig {
//!     parts: ReportParts { purchase_model: false, ..ReportParts::default() },
//!     ..ReportConfig::default()
//! };
//! assert!(matches!(
//!     CustomerValueReport::build(&log, d(12, 31), &spend_alone),
//!     Err(customer_value::Error::Report(ReportError::MissingPart { part: "spend_model", .. }))
//! ));
//! # Ok::<(), customer_value::Error>(())
//! ```

mod config;
mod models;
mod parts;
mod rows;
mod warnings;

pub use config::{PurchaseModelKind, ReportConfig, ReportParts};
pub use warnings::ReportWarning;

use std::fmt::Debug;
use std::hash::Hash;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use thiserror::Error as ThisError;

use crate::kpi::PeriodKpis;
use crate::lifecycle::{LifecycleStage, StageReason};
use crate::rfm::ValueCell;
use crate::settings::Settings;
use crate::summary::{DroppedCustomer, Summarizer, SummaryReport};
use crate::{Error, RfmScore, RfmSegment, Transaction};

/// Errors of the report's own settings (errors of the parts it computes keep their module's type).
///
/// # Examples
///
/// ```
/// use customer_value::report::{ReportConfig, ReportError};
/// use customer_value::Settings;
/// let mut config = ReportConfig::default();
/// config.fit_options.max_iterations = 0;
/// let err = config.check().unwrap_err();
/// assert!(matches!(err, ReportError::InvalidSetting { field: "fit_options", .. }));
/// assert!(err.to_string().starts_with("report setting fit_options: "));
/// ```
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum ReportError {
    /// A part is switched on without a part it needs.
    #[error("report part {part} needs part {needs}: switch {needs} on or {part} off")]
    MissingPart {
        /// The field of [`ReportParts`] switched on.
        part: &'static str,
        /// The field of [`ReportParts`] it needs.
        needs: &'static str,
    },
    /// A setting of [`ReportConfig`] is out of range.
    #[error("report setting {name} = {value} is invalid: {constraint}")]
    InvalidParameter {
        /// The field of [`ReportConfig`].
        name: &'static str,
        /// The value given.
        value: f64,
        /// What must hold.
        constraint: &'static str,
    },
    /// A nested settings value of [`ReportConfig`] (fit options, the RFM scorer, the k-means
    /// segmenter, the lifecycle rules) fails its own check.
    #[error("report setting {field}: {source}")]
    InvalidSetting {
        /// The field of [`ReportConfig`] holding it (`"segmentation"`, `"spend_options.fit"`, …);
        /// the source names the field inside it.
        field: &'static str,
        /// Its own check's error.
        #[source]
        source: Box<Error>,
    },
    /// A part failed on this log for a reason other than the data's limits (those are
    /// [`ReportWarning`]s): the message names the customer in place of a position.
    #[error("report part {part} failed: {message}; {advice}")]
    PartFailed {
        /// The field of [`ReportParts`] (or `"summary"` for the summary of the log every part
        /// reads).
        part: &'static str,
        /// The customer the error is about (its id's `Debug`), when one is.
        customer: Option<String>,
        /// The part's error, with the customer named.
        message: String,
        /// Which setting of [`ReportConfig`] or [`ReportParts`] to change.
        advice: &'static str,
        /// The part's own error.
        #[source]
        source: Box<Error>,
    },
}

/// `value` as money with `scale` decimal places, rounded half to even.
fn round_money(value: f64, scale: u32) -> Result<Decimal, crate::clv::ClvError> {
    let amount = Decimal::from_f64(value).ok_or(crate::clv::ClvError::NumericalFailure {
        what: "amount outside Decimal's range",
    })?;
    Ok(amount.round_dp_with_strategy(scale, RoundingStrategy::MidpointNearestEven))
}

/// Every figure of one customer. Optional figures are `None` when their part was not computed.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CustomerReport<C> {
    /// The customer's id.
    pub customer: C,
    /// First purchase occasion.
    pub first_purchase: NaiveDate,
    /// Last purchase occasion.
    pub last_purchase: NaiveDate,
    /// Purchase occasions.
    pub purchase_occasions: u64,
    /// Total net spend.
    pub total_spend: Decimal,
    /// Net spend per purchase occasion, rounded half to even to [`ReportConfig::money_scale`].
    pub average_order_value: Decimal,
    /// RFM recency: days since the last purchase occasion.
    pub recency_days: i64,
    /// RFM scores.
    pub rfm_score: Option<RfmScore>,
    /// RFM segment.
    pub rfm_segment: Option<RfmSegment>,
    /// Value-matrix cell (`None` also when the matrix's recency filter left the customer out).
    pub value_cell: Option<ValueCell>,
    /// P(alive) at the as-of date.
    pub probability_alive: Option<f64>,
    /// Expected purchases over the horizon.
    pub expected_purchases: Option<f64>,
    /// Expected spend per purchase (Gamma-Gamma's conditional expectation; 0 for a customer whose
    /// repeat purchases were all free, or whose refunds took back everything they bought, so that
    /// such a customer never gets a positive CLV from a population mean that ignored the refunds).
    pub expected_spend: Option<f64>,
    /// Discounted CLV over the horizon, rounded half to even to [`ReportConfig::money_scale`].
    pub clv: Option<Decimal>,
    /// k-means segment (index into [`CustomerValueReport::kmeans_labels`]).
    pub kmeans_segment: Option<usize>,
    /// Lifecycle stage.
    pub lifecycle_stage: Option<LifecycleStage>,
    /// Why the customer is in that stage.
    pub lifecycle_reason: Option<StageReason>,
}

/// Customers and revenue of one group (an RFM segment, a k-means segment, a lifecycle stage).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GroupTotals {
    /// The group's name.
    pub name: String,
    /// Customers in it.
    pub customers: u64,
    /// Their share of all customers.
    pub customer_share: f64,
    /// Their total net spend.
    pub revenue: Decimal,
    /// Their expected purchases over the horizon, when the purchase model ran.
    pub expected_purchases: Option<f64>,
    /// Their total CLV (of rounded CLVs, so exact at [`ReportConfig::money_scale`]), when the
    /// spend model ran.
    pub clv: Option<Decimal>,
}

/// The fitted purchase model's diagnostics.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PurchaseModelSummary {
    /// Which model.
    pub kind: PurchaseModelKind,
    /// Its parameters in the paper's order (r, α, a, b or r, α, s, β).
    pub parameters: Vec<f64>,
    /// Their standard errors, when the information matrix is positive definite.
    pub standard_errors: Option<Vec<f64>>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// L-BFGS iterations of the fit.
    pub iterations: u64,
    /// Whether the fit converged (`false` only with
    /// [`FitOptions::accept_unconverged`](crate::clv::FitOptions::accept_unconverged), and then
    /// [`ReportWarning::PurchaseModelUnconverged`] says so).
    pub converged: bool,
    /// The horizon of the expected purchases, in model time units.
    pub horizon: f64,
    /// The fit's cautions about its optimum ([`ModelFit::warnings`](crate::clv::ModelFit::warnings));
    /// a drop-out process the data cannot identify also puts
    /// [`ReportWarning::PurchaseModelWithoutDropout`] in the report's warnings.
    pub warnings: Vec<crate::clv::FitWarning>,
}

/// The fitted spend model's diagnostics.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SpendModelSummary {
    /// p, q, γ.
    pub parameters: Vec<f64>,
    /// Their standard errors, when available.
    pub standard_errors: Option<Vec<f64>>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Customers left out of the fit: no repeat purchase (spend unobserved).
    pub without_repeat: u64,
    /// Customers left out of the fit because every repeat purchase was free (z̄ = 0); their
    /// expected spend and CLV are 0.
    pub free_repeat_buyers: u64,
    /// Pearson correlation of x and z̄ (the model assumes it is near 0).
    pub frequency_spend_correlation: Option<f64>,
    /// The fit's cautions about its optimum ([`ModelFit::warnings`](crate::clv::ModelFit::warnings)).
    pub warnings: Vec<crate::clv::FitWarning>,
}

/// One row per customer and totals for the whole base.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CustomerValueReport<C> {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// What the summarizer left out.
    pub log: SummaryReport,
    /// The customers with no row because no day of theirs is a purchase occasion (their refunds
    /// brought every day to zero or below), each with its lines, net amount and reason. Their net
    /// plus the rows' total spend is the net of every line kept.
    pub dropped: Vec<DroppedCustomer<C>>,
    /// One row per customer, sorted by id.
    pub customers: Vec<CustomerReport<C>>,
    /// The purchase model, when computed.
    pub purchase_model: Option<PurchaseModelSummary>,
    /// The spend model, when computed.
    pub spend_model: Option<SpendModelSummary>,
    /// Descriptive labels of the k-means segments, when computed.
    pub kmeans_labels: Vec<String>,
    /// Customers left out of the k-means segmentation because their net spend is negative
    /// (refunds above purchases): `log1p` of a spend below −1 is undefined. Their
    /// [`CustomerReport::kmeans_segment`] is `None`.
    pub kmeans_left_out: u64,
    /// Totals per RFM segment, best segment first.
    pub by_rfm_segment: Vec<GroupTotals>,
    /// Totals per k-means segment.
    pub by_kmeans_segment: Vec<GroupTotals>,
    /// Totals per lifecycle stage.
    pub by_lifecycle_stage: Vec<GroupTotals>,
    /// KPIs of the period of [`ReportConfig::kpi_period_days`] ending on the as-of date.
    pub kpis: Option<PeriodKpis>,
    /// What was skipped or changed because the data could not support it, in the order it
    /// happened; empty when every part asked for ran as configured.
    pub warnings: Vec<ReportWarning>,
}

impl<C> CustomerValueReport<C>
where
    C: Clone + Debug + Eq + Hash + Ord + Send + Sync,
{
    /// Builds the report from a transaction log as of `as_of`.
    ///
    /// A part the data cannot support is skipped with a [`ReportWarning`] in
    /// [`CustomerValueReport::warnings`], not an error: the value matrix when every amount is zero
    /// (a date-only log), a purchase-model fit that is not
    /// identifiable or does not converge (P(alive), expected purchases, spend and CLV stay empty),
    /// a spend model without two customers whose repeat purchases have a positive amount (a
    /// date-only log), k-means on a constant feature (a constant total spend is dropped from the
    /// default features first), lifecycle stages when nobody bought twice. Each lifecycle stage the
    /// log is too short to show is warned about too.
    ///
    /// # Errors
    ///
    /// - [`Error::Report`] with [`ReportError::InvalidParameter`], [`ReportError::MissingPart`] or
    ///   [`ReportError::InvalidSetting`] before any work when the configuration fails its check
    ///   (see the [`Settings` impl of `ReportConfig`](ReportConfig#impl-Settings-for-ReportConfig));
    /// - [`Error::Report`] with [`ReportError::PartFailed`] for any other failure of a part: the
    ///   summarizer's (`part: "summary"`: empty log, nothing before `as_of`, …), the RFM scorer's,
    ///   the models' on a customer, the segmenter's, the lifecycle classifier's and the KPIs'. Its
    ///   message names the part, the customer (by id) when the error is about one, and the setting
    ///   to change; its source is the part's own error.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::report::{CustomerValueReport, ReportConfig, ReportWarning};
    /// use customer_value::Transaction;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
    /// // Nobody bought twice: the models and the lifecycle rhythm are undefined.
    /// let log: Vec<_> = (1..=20u32).map(|c| Transaction::new(c, d(1 + c % 6, 1), Decimal::from(c))).collect();
    /// let report = CustomerValueReport::build(&log, d(12, 31), &ReportConfig::default())?;
    /// assert!(report.customers.iter().all(|c| c.rfm_segment.is_some() && c.clv.is_none()));
    /// assert!(matches!(report.warnings[0], ReportWarning::PurchaseModelSkipped { .. }));
    /// assert!(report.warnings.iter().any(|w| w.part() == "lifecycle"));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn build(
        log: &[Transaction<C>], as_of: NaiveDate, config: &ReportConfig,
    ) -> Result<Self, Error> {
        config.check()?;
        let parts = config.parts;
        let (summaries, log_report, dropped) = Summarizer::new(as_of)
            .keep_occasions(parts.lifecycle || parts.kpis)
            .summarize_with_dropped(log)
            .map_err(|e| parts::failure("summary", log, &[], e))?;
        let fail = |part, e| parts::failure(part, log, &summaries, e);
        let mut warnings = Vec::new();
        let no_amounts = parts::check_amounts(&summaries, &mut warnings);
        // A million rows of a few hundred bytes: built in parallel, so the page faults of the
        // fresh buffer are shared between threads.
        let mut rows: Vec<CustomerReport<C>> = summaries
            .par_iter()
            .map(|s| rows::base_row(s, config.money_scale))
            .collect();
        if parts.rfm {
            rows::fill_rfm(&mut rows, &summaries, &config.rfm).map_err(|e| fail("rfm", e))?;
        }
        if parts.value_matrix && no_amounts {
            warnings.push(ReportWarning::PartSkipped {
                part: "value_matrix",
                reason: "every amount is zero, so the matrix's spend axis is empty".to_string(),
            });
        } else if parts.value_matrix {
            rows::fill_value_cells(&mut rows, &summaries, &config.value_matrix)
                .map_err(|e| fail("value_matrix", e))?;
        }
        let (purchase_model, spend_model) = if parts.purchase_model {
            models::predict_value(&summaries, config, &mut rows, &mut warnings)
                .map_err(|(part, e)| fail(part, e.into()))?
                .map_or((None, None), |(p, s)| (Some(p), s))
        } else {
            (None, None)
        };
        let (kmeans_labels, kmeans_left_out) = if parts.segmentation {
            parts::segmentation(&mut rows, &summaries, config, &mut warnings)
                .map_err(|e| fail("segmentation", e.into()))?
        } else {
            (Vec::new(), 0)
        };
        if parts.lifecycle {
            parts::lifecycle(&mut rows, &summaries, config, as_of, &mut warnings)
                .map_err(|e| fail("lifecycle", e))?;
        }
        let kpis = if parts.kpis {
            // At least one day: checked above.
            let start = as_of - chrono::Duration::days(i64::from(config.kpi_period_days) - 1);
            Some(
                PeriodKpis::compute(&summaries, start, as_of)
                    .map_err(|e| fail("kpis", e.into()))?,
            )
        } else {
            None
        };
        let [by_rfm_segment, by_kmeans_segment, by_lifecycle_stage] =
            rows::group_tables(&rows, &kmeans_labels);
        Ok(Self {
            as_of,
            log: log_report,
            dropped,
            customers: rows,
            purchase_model,
            spend_model,
            kmeans_labels,
            kmeans_left_out,
            by_rfm_segment,
            by_kmeans_segment,
            by_lifecycle_stage,
            kpis,
            warnings,
        })
    }
}
