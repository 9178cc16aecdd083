//! One report per customer: every figure of the crate in one row, and totals for the whole base.
//!
//! [`CustomerValueReport::build`] walks the transaction log once (the [`Summarizer`]); every other
//! figure is derived from the summaries: RFM scores and segment, the value-matrix cell, P(alive)
//! and expected purchases from a fitted purchase model, expected spend from the Gamma-Gamma model
//! and the discounted CLV over the horizon, the k-means segment, the lifecycle stage with its
//! reason, and the period KPIs. [`ReportConfig`] chooses the horizon, the models, the
//! segmentation and which parts to compute.
//!
//! **Fit today, score tomorrow.** With the `serde` feature the report, its settings
//! ([`ReportConfig`]) and the models it fitted ([`ReportModels`], from
//! [`CustomerValueReport::models`]) serialize and read back (settings and models are checked when
//! read, as their constructors check them); [`CustomerValueReport::build_with_models`] builds
//! tomorrow's report with today's models instead of refitting. Through JSON, enable `serde_json`'s `float_roundtrip` feature
//! (`serde_json = { version = "1", features = ["float_roundtrip"] }`) to read every float back
//! bit for bit: its default float parser may be one unit in the last place off, and models read
//! back that way score customers very slightly differently.
//!
//! **Messy logs.** A part the data cannot support is skipped, not failed, and
//! [`CustomerValueReport::warnings`] says which and why in words a person can act on (each
//! [`ReportWarning`] names the setting to change): a date-only log (every amount zero) gets RFM,
//! the purchase model, k-means on recency and frequency, lifecycle stages and KPIs, and a warning
//! for the value matrix, the spend model and CLV; a purchase-model fit that is not identifiable or
//! does not converge, or whose predictions fail numerically, skips P(alive), expected purchases
//! and CLV, naming the model (and its iterations and log-likelihood); k-means on data it cannot
//! segment is skipped; a log too short for a lifecycle stage is warned about. Settings errors are
//! still errors, before any work, and any other failure is a [`ReportError::PartFailed`] naming
//! the part, the model, the customer and the setting to change.
//!
//! **Money.** Derived money (CLV, average order value, group CLV totals) is rounded half to even
//! to [`ReportConfig::money_scale`] places (default 2); sums of the log's amounts (total spend,
//! group revenue) are exact.
//!
//! This module is the only place that combines the others: it calls their public APIs and nothing
//! else.
//!
//! # Finite results
//!
//! Every float of a report returned `Ok` is finite and every `Decimal` is in range, for any log
//! the summarizer accepts (amounts within ±10¹⁸, [`MAX_AMOUNT`](crate::summary::MAX_AMOUNT); any
//! dates of chrono's calendar, `NaiveDate::MIN` to `NaiveDate::MAX`) and any configuration that
//! passes its check, which bounds `horizon_months` (1 to 1,200,
//! [`ClvOptions::MAX_HORIZON_MONTHS`](crate::clv::ClvOptions::MAX_HORIZON_MONTHS)),
//! `kpi_period_days` (1 to 3,652,425, [`ReportConfig::MAX_KPI_PERIOD_DAYS`]),
//! `monthly_discount_rate` (finite, ≥ 0), `money_scale` (≤ 28), the length of the fits' starting
//! values and every nested setting (each with its own limits). Outside, the report is a
//! [`ReportError`] naming the setting, before any work; so is a KPI period that would start before
//! `NaiveDate::MIN` from the as-of date. A part whose figures the data make unrepresentable is
//! skipped with a [`ReportWarning`] instead: k-means on features that are constant, vary below
//! f64's resolution or overflow it; a purchase model whose P(alive) or expected purchases cannot
//! be computed (a series that does not settle, a model read back with parameters at the ends of
//! their range) or exceed 10¹² purchases; a CLV beyond 10¹⁸ (so that the totals per group, sums
//! of at most 10¹⁸ per customer, stay within `Decimal` as the log's amounts do).
//!
//! Time: the purchase and spend fits are bounded by `fit_options.max_iterations`; the CLV asks the
//! purchase model once per month of the horizon, and BG/NBD's hypergeometric series lengthens
//! with the horizon: over the 1,200-month limit its CLV takes about 35 ms per customer (MBG/NBD
//! about 6 ms, Pareto/NBD under 1 ms), against about 0.1 ms over the default 12 months (test
//! profile, 80 customers).
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
//! // Saved as JSON and read back (serde_json with `float_roundtrip`): the same report.
//! let json = serde_json::to_string(&report).unwrap();
//! assert!(serde_json::from_str::<CustomerValueReport<u32>>(&json).unwrap() == report);
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
mod fitted;
mod models;
mod parts;
mod rows;
mod warnings;

pub use config::{PurchaseModelKind, ReportConfig, ReportParts};
pub use fitted::{PurchaseModelFit, PurchaseModelSummary, ReportModels, SpendModelSummary};
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
use crate::rfm::{FittedRfm, ValueCell};
use crate::segment::SegmentModel;
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
    /// The models given to [`CustomerValueReport::build_with_models`] contradict the
    /// configuration: another time unit or purchase model, the purchase model switched off, or an
    /// unconverged fit the fit options do not accept.
    #[error("the report's models do not fit config.{setting}: {detail}")]
    ModelsMismatch {
        /// The setting of [`ReportConfig`] they contradict (`"time_unit"`, `"purchase_model"`,
        /// `"parts.purchase_model"`, `"fit_options.accept_unconverged"`).
        setting: &'static str,
        /// What the models hold and what the configuration asks for.
        detail: String,
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// One row per customer and totals for the whole base.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// The RFM breakpoints the scores came from (fitted on this log, or given to
    /// [`CustomerValueReport::build_with_models`]); `None` when the RFM part was off.
    #[cfg_attr(feature = "serde", serde(default))]
    pub rfm_model: Option<FittedRfm>,
    /// The k-means model the segments came from (fitted on this log, or given); `None` when
    /// the part was off or skipped.
    #[cfg_attr(feature = "serde", serde(default))]
    pub segment_model: Option<SegmentModel>,
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
    /// identifiable or does not converge, or whose P(alive) or expected purchases fail
    /// numerically (P(alive), expected purchases, spend and CLV stay empty), a spend model
    /// without two customers whose repeat purchases have a positive amount (a date-only log), a
    /// CLV beyond 10¹⁸, k-means on data it cannot segment (a constant feature, one varying below
    /// f64's resolution, fewer distinct customers than k, every customer's net spend below zero;
    /// a constant total spend is dropped from the default features first), lifecycle stages when
    /// nobody bought twice. Each lifecycle stage the log is too short to show is warned about too.
    /// See the module's "Finite results" for the ranges in which every figure is finite.
    ///
    /// # Errors
    ///
    /// - [`Error::Report`] with [`ReportError::InvalidParameter`], [`ReportError::MissingPart`] or
    ///   [`ReportError::InvalidSetting`] before any work when the configuration fails its check
    ///   (see the [`Settings` impl of `ReportConfig`](ReportConfig#impl-Settings-for-ReportConfig));
    /// - [`Error::Report`] with [`ReportError::InvalidParameter`] naming `kpi_period_days`, before
    ///   any work, when the KPI period ending on `as_of` would start before `NaiveDate::MIN`;
    /// - [`Error::Report`] with [`ReportError::PartFailed`] for any other failure of a part: the
    ///   summarizer's (`part: "summary"`: empty log, nothing before `as_of`, …), the RFM scorer's,
    ///   the models' on a customer, the segmenter's, the lifecycle classifier's and the KPIs'. Its
    ///   message names the part, the model (`"the BG/NBD model: …"`) when a model failed, the
    ///   customer (by id) when the error is about one, and the setting to change; its source is
    ///   the part's own error.
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
        Self::assemble(log, as_of, config, None)
    }

    /// Builds the report from a transaction log as of `as_of` with models fitted earlier (those
    /// of [`CustomerValueReport::models`]) instead of fitting them on this log: P(alive),
    /// expected purchases, expected spend and CLV come from `models`; RFM scores come from
    /// `models.rfm`'s breakpoints and k-means segments from `models.segments` when they are
    /// given (used as they are: [`ReportConfig::rfm`] and [`ReportConfig::segmentation`] are not
    /// consulted for them), and are fitted on this log when they are `None`; every other part is
    /// computed as [`CustomerValueReport::build`] computes it. On the log the models were fitted
    /// on, every row is the same, bit for bit, as in the report that fitted them.
    ///
    /// The report's [`purchase_model`](CustomerValueReport::purchase_model) and
    /// [`spend_model`](CustomerValueReport::spend_model) are the given models: their diagnostics
    /// (log-likelihood, counts of customers left out) describe the log they were fitted on. A
    /// spend model is ignored when [`ReportParts::spend_model`] is off; when it is on and
    /// `models` has none, expected spend and CLV are skipped with a warning, as in the report that
    /// could not fit one.
    ///
    /// # Errors
    ///
    /// - [`Error::Report`] with [`ReportError::ModelsMismatch`] before any work when `models`
    ///   were fitted in another time unit, hold another purchase model than
    ///   [`ReportConfig::purchase_model`], hold an unconverged fit that
    ///   [`FitOptions::accept_unconverged`](crate::clv::FitOptions::accept_unconverged) does not
    ///   accept, or the purchase model is switched off;
    /// - the errors of [`CustomerValueReport::build`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::report::{CustomerValueReport, ReportConfig, ReportError, ReportModels};
    /// use customer_value::summary::TimeUnit;
    /// use customer_value::Transaction;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let end = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    /// // 150 customers who arrive over the year, buy at their own pace and drop out after a
    /// // purchase with probability 1/4 (deterministic pseudo-random draws).
    /// let mut seed = 7u64;
    /// let mut next = |n: u64| {
    ///     seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    ///     (seed >> 33) % n
    /// };
    /// let mut log = Vec::new();
    /// for c in 0..150u32 {
    ///     let (mut day, gap) = (next(200), 10 + next(80));
    ///     while day <= 365 {
    ///         let amount = Decimal::from(5 + next(20) + u64::from(c % 30));
    ///         log.push(Transaction::new(c, end - chrono::Days::new(365 - day), amount));
    ///         day += 1 + next(2 * gap);
    ///         if next(4) == 0 { break; }
    ///     }
    /// }
    /// let config = ReportConfig::default();
    /// let today = CustomerValueReport::build(&log, end, &config)?;
    /// // Saved as JSON (serde_json with float_roundtrip reads every float back bit for bit) ...
    /// let json = serde_json::to_string(&today.models().expect("both models were fitted")).unwrap();
    /// // ... and read back to score without refitting.
    /// let models: ReportModels = serde_json::from_str(&json).unwrap();
    /// let again = CustomerValueReport::build_with_models(&log, end, &config, &models)?;
    /// assert_eq!(again.customers, today.customers);
    /// // Tomorrow's log: one more purchase, scored with today's models.
    /// log.push(Transaction::new(3, end, Decimal::from(40)));
    /// let tomorrow = CustomerValueReport::build_with_models(&log, end, &config, &models)?;
    /// assert_eq!(tomorrow.models(), Some(models.clone()));
    /// assert!(tomorrow.customers[3].clv > today.customers[3].clv);
    ///
    /// let in_days = ReportConfig { time_unit: TimeUnit::Days, ..ReportConfig::default() };
    /// assert!(matches!(
    ///     CustomerValueReport::build_with_models(&log, end, &in_days, &models),
    ///     Err(customer_value::Error::Report(ReportError::ModelsMismatch { setting: "time_unit", .. }))
    /// ));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn build_with_models(
        log: &[Transaction<C>], as_of: NaiveDate, config: &ReportConfig, models: &ReportModels,
    ) -> Result<Self, Error> {
        config.check()?;
        models.check_against(config)?;
        Self::assemble(log, as_of, config, Some(models))
    }

    /// The models the report used, to build another report with
    /// ([`CustomerValueReport::build_with_models`]); `None` when the purchase model was off or
    /// its fit failed on this log.
    ///
    /// # Examples
    ///
    /// See [`CustomerValueReport::build_with_models`].
    pub fn models(&self) -> Option<ReportModels> {
        let purchase = self.purchase_model.as_ref()?;
        Some(ReportModels {
            time_unit: purchase.time_unit,
            purchase: purchase.fit.clone(),
            spend: self.spend_model.clone(),
            rfm: self.rfm_model.clone(),
            segments: self.segment_model.clone(),
        })
    }

    /// The report of checked settings, with the `given` models or with models fitted on the log.
    fn assemble(
        log: &[Transaction<C>], as_of: NaiveDate, config: &ReportConfig,
        given: Option<&ReportModels>,
    ) -> Result<Self, Error> {
        let parts = config.parts;
        // Before any work: the period may reach before the calendar's first day.
        let kpi_start = parts
            .kpis
            .then(|| config.kpi_period_start(as_of))
            .transpose()?;
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
        let given_rfm = given.and_then(|g| g.rfm.as_ref());
        let rfm_model = parts
            .rfm
            .then(|| rows::fill_rfm(&mut rows, &summaries, &config.rfm, given_rfm))
            .transpose()
            .map_err(|e| fail("rfm", e))?;
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
            models::predict_value(&summaries, config, given, &mut rows, &mut warnings)
                .map_err(|e| parts::model_failure(e, log, &summaries))?
                .map_or((None, None), |(p, s)| (Some(p), s))
        } else {
            (None, None)
        };
        let given_segments = given.and_then(|g| g.segments.as_ref());
        let kmeans = if parts.segmentation {
            parts::segmentation(&mut rows, &summaries, config, given_segments, &mut warnings)
                .map_err(|e| fail("segmentation", e.into()))?
        } else {
            rows::KMeansOutcome {
                labels: Vec::new(),
                left_out: 0,
                model: None,
            }
        };
        let (kmeans_labels, kmeans_left_out) = (kmeans.labels, kmeans.left_out);
        if parts.lifecycle {
            parts::lifecycle(&mut rows, &summaries, config, as_of, &mut warnings)
                .map_err(|e| fail("lifecycle", e))?;
        }
        let kpis = kpi_start
            .map(|start| PeriodKpis::compute(&summaries, start, as_of))
            .transpose()
            .map_err(|e| fail("kpis", e.into()))?;
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
            rfm_model,
            segment_model: kmeans.model,
        })
    }
}
