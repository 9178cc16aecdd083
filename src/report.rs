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
//! This module is the only place that combines the others: it calls their public APIs and nothing
//! else.
//!
//! # Examples
//!
//! ```
//! use customer_value::report::{CustomerValueReport, ReportConfig, ReportParts};
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
//!     parts: ReportParts { purchase_model: false, segmentation: false, ..ReportParts::default() },
//!     ..ReportConfig::default()
//! };
//! let report = CustomerValueReport::build(&log, d(12, 31), &config)?;
//! assert_eq!(report.customers.len(), 60);
//! assert!(report.customers.iter().all(|c| c.rfm_segment.is_some() && c.lifecycle_stage.is_some()));
//! let counted: u64 = report.by_rfm_segment.iter().map(|g| g.customers).sum();
//! assert_eq!(counted, 60);
//! # Ok::<(), customer_value::Error>(())
//! ```

use std::collections::BTreeMap;

use rayon::prelude::*;
use std::hash::Hash;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::clv::{
    customer_lifetime_values, BgNbd, ClvError, ClvOptions, FitData, FitOptions, GammaGamma,
    GammaGammaOptions, MaximumLikelihood, ModelFit, ModifiedBgNbd, ParetoNbd, PurchaseModel,
    RepeatHistory, SpendHistory,
};
use crate::kpi::PeriodKpis;
use crate::lifecycle::{LifecycleClassifier, LifecycleRules, LifecycleStage, StageReason};
use crate::rfm::{value_matrix, ValueCell, ValueMatrixOptions};
use crate::segment::KMeansSegmenter;
use crate::summary::{CustomerSummary, Summarizer, SummaryReport, TimeUnit};
use crate::{Error, RfmScore, RfmScorer, RfmSegment, Transaction};

/// Which purchase model gives P(alive) and expected purchases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PurchaseModelKind {
    /// BG/NBD (Fader, Hardie & Lee 2005), the default.
    #[default]
    BgNbd,
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
    ModifiedBgNbd,
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd,
}

/// Which parts of the report to compute (all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReportParts {
    /// RFM scores and segments.
    pub rfm: bool,
    /// The customer value matrix.
    pub value_matrix: bool,
    /// P(alive) and expected purchases from the purchase model.
    pub purchase_model: bool,
    /// Expected spend (Gamma-Gamma) and CLV; needs `purchase_model`.
    pub spend_model: bool,
    /// k-means segments.
    pub segmentation: bool,
    /// Lifecycle stages.
    pub lifecycle: bool,
    /// Period KPIs.
    pub kpis: bool,
}

impl Default for ReportParts {
    fn default() -> Self {
        Self {
            rfm: true,
            value_matrix: true,
            purchase_model: true,
            spend_model: true,
            segmentation: true,
            lifecycle: true,
            kpis: true,
        }
    }
}

/// Settings of [`CustomerValueReport::build`].
#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// The time unit the purchase model is fitted in (default weeks).
    pub time_unit: TimeUnit,
    /// Horizon of the expected purchases, in months (default 12; a month is
    /// [`TimeUnit::per_month`] units).
    pub horizon_months: u32,
    /// The purchase model (default BG/NBD).
    pub purchase_model: PurchaseModelKind,
    /// Options of its fit.
    pub fit_options: FitOptions,
    /// Monthly discount rate of the CLV (default 0.01).
    pub monthly_discount_rate: f64,
    /// Options of the Gamma-Gamma fit (default: q constrained above 1, so the mean spend and every
    /// CLV are finite).
    pub spend_options: GammaGammaOptions,
    /// The RFM scorer (default quintiles).
    pub rfm: RfmScorer,
    /// The value-matrix options.
    pub value_matrix: ValueMatrixOptions,
    /// The k-means settings (default k = 5 on the default features, seed 0, one greedy k-means++
    /// initialisation, scikit-learn's default since 1.4; raise
    /// [`KMeansSegmenter::n_init`] for more restarts at about 0.15 s each per million customers).
    pub segmentation: KMeansSegmenter,
    /// The lifecycle rules.
    pub lifecycle: LifecycleRules,
    /// Length of the KPI period ending on the as-of date, in days (default 90).
    pub kpi_period_days: u32,
    /// Which parts to compute.
    pub parts: ReportParts,
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            time_unit: TimeUnit::Weeks,
            horizon_months: 12,
            purchase_model: PurchaseModelKind::BgNbd,
            fit_options: FitOptions::default(),
            monthly_discount_rate: 0.01,
            spend_options: GammaGammaOptions {
                constrain_q_above_one: true,
                ..GammaGammaOptions::default()
            },
            rfm: RfmScorer::new(),
            value_matrix: ValueMatrixOptions::default(),
            segmentation: KMeansSegmenter::new(5).n_init(1),
            lifecycle: LifecycleRules::default(),
            kpi_period_days: 90,
            parts: ReportParts::default(),
        }
    }
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
    /// Net spend per purchase occasion.
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
    /// repeat purchases were all free).
    pub expected_spend: Option<f64>,
    /// Discounted CLV over the horizon, rounded to cents.
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
    /// Their total CLV, when the spend model ran.
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
    /// The horizon of the expected purchases, in model time units.
    pub horizon: f64,
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
}

/// One row per customer and totals for the whole base.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CustomerValueReport<C> {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// What the summarizer left out.
    pub log: SummaryReport,
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
}

impl<C> CustomerValueReport<C>
where
    C: Clone + Eq + Hash + Ord + Send + Sync,
{
    /// Builds the report from a transaction log as of `as_of`.
    ///
    /// # Errors
    ///
    /// Any error of the parts it computes: the summarizer's (empty log, nothing before `as_of`, …),
    /// the RFM scorer's, the purchase and spend models' fits (e.g. [`ClvError::NotIdentifiable`]
    /// when nobody made a repeat purchase), the segmenter's (e.g. fewer distinct customers than k), the
    /// lifecycle classifier's and the KPIs'. Switch a part off in [`ReportParts`] to skip it.
    pub fn build(
        log: &[Transaction<C>],
        as_of: NaiveDate,
        config: &ReportConfig,
    ) -> Result<Self, Error> {
        let parts = config.parts;
        let (summaries, log_report) = Summarizer::new(as_of)
            .keep_occasions(parts.lifecycle || parts.kpis)
            .summarize_with_report(log)?;
        // A million rows of a few hundred bytes: built in parallel, so the page faults of the
        // fresh buffer are shared between threads.
        let mut rows: Vec<CustomerReport<C>> = summaries.par_iter().map(base_row).collect();

        if parts.rfm {
            for (row, record) in rows.iter_mut().zip(config.rfm.score(&summaries)?) {
                row.rfm_score = Some(record.score);
                row.rfm_segment = Some(record.segment);
            }
        }
        if parts.value_matrix {
            let matrix = value_matrix(&summaries, &config.value_matrix)?;
            for (row, (_, cell)) in rows.iter_mut().zip(matrix.cells) {
                row.value_cell = cell;
            }
        }
        let (purchase_model, spend_model) = if parts.purchase_model {
            let (p, s) = predict_value(&summaries, config, &mut rows)?;
            (Some(p), s)
        } else {
            (None, None)
        };
        let mut kmeans_labels = Vec::new();
        let mut kmeans_left_out = 0;
        if parts.segmentation {
            let segmentable = |s: &CustomerSummary<C>| {
                s.total_spend() >= Decimal::ZERO && s.average_order_value() >= Decimal::ZERO
            };
            let segmentation = if summaries.iter().all(segmentable) {
                config.segmentation.fit(&summaries)?
            } else {
                let kept: Vec<CustomerSummary<C>> = summaries
                    .iter()
                    .filter(|s| segmentable(s))
                    .cloned()
                    .collect();
                kmeans_left_out = (summaries.len() - kept.len()) as u64;
                config.segmentation.fit(&kept)?
            };
            kmeans_labels = segmentation
                .segments
                .iter()
                .map(|s| s.label.clone())
                .collect();
            // A customer left out keeps `None`.
            join_by_customer(
                &mut rows,
                segmentation.customers.iter().zip(&segmentation.labels),
                |row, &label| row.kmeans_segment = Some(label),
            );
        }
        if parts.lifecycle {
            let classifier = LifecycleClassifier::new(config.lifecycle)?;
            let classification = classifier.classify(&summaries, &[], as_of)?;
            // A customer without a purchase occasion by `as_of` has no stage and keeps `None`.
            join_by_customer(
                &mut rows,
                classification.customers().iter().map(|s| (&s.customer, s)),
                |row, stage| {
                    row.lifecycle_stage = Some(stage.stage);
                    row.lifecycle_reason = Some(stage.reason);
                },
            );
        }
        let kpis = if parts.kpis {
            let start =
                as_of - chrono::Duration::days(i64::from(config.kpi_period_days.max(1)) - 1);
            Some(PeriodKpis::compute(&summaries, start, as_of)?)
        } else {
            None
        };

        let total = rows.len();
        let by_rfm_segment = group_totals(
            &rows,
            total,
            |r| {
                r.rfm_segment.as_ref().map(|s| {
                    let rank = RfmSegment::DEFAULTS
                        .iter()
                        .position(|d| d == s)
                        .unwrap_or(RfmSegment::DEFAULTS.len());
                    (rank, s.name())
                })
            },
            |_, name| name.to_string(),
        );
        let by_kmeans_segment = group_totals(
            &rows,
            total,
            |r| {
                r.kmeans_segment
                    .map(|k| (k, kmeans_labels.get(k).map_or("", String::as_str)))
            },
            |r, label| format!("{}: {label}", r.kmeans_segment.unwrap_or_default()),
        );
        let by_lifecycle_stage = group_totals(
            &rows,
            total,
            |r| r.lifecycle_stage.map(|s| (s as usize, "")),
            |r, _| {
                r.lifecycle_stage
                    .map_or(String::new(), |s| format!("{s:?}"))
            },
        );
        Ok(Self {
            as_of,
            log: log_report,
            customers: rows,
            purchase_model,
            spend_model,
            kmeans_labels,
            kmeans_left_out,
            by_rfm_segment,
            by_kmeans_segment,
            by_lifecycle_stage,
            kpis,
        })
    }
}

/// Merge join of `rows` with `keyed` (both sorted by customer id, `keyed` a subset of the rows'
/// customers): `set` gives each matched row its value.
fn join_by_customer<'a, C: Ord + 'a, T>(
    rows: &mut [CustomerReport<C>],
    keyed: impl Iterator<Item = (&'a C, T)>,
    mut set: impl FnMut(&mut CustomerReport<C>, T),
) {
    let mut keyed = keyed.peekable();
    for row in rows {
        while keyed.next_if(|(c, _)| **c < row.customer).is_some() {}
        if let Some((_, value)) = keyed.next_if(|(c, _)| **c == row.customer) {
            set(row, value);
        }
    }
}

fn base_row<C: Clone>(s: &CustomerSummary<C>) -> CustomerReport<C> {
    CustomerReport {
        customer: s.customer().clone(),
        first_purchase: s.first_purchase(),
        last_purchase: s.last_purchase(),
        purchase_occasions: s.purchase_occasions(),
        total_spend: s.total_spend(),
        average_order_value: s.average_order_value(),
        recency_days: s.recency_days(),
        rfm_score: None,
        rfm_segment: None,
        value_cell: None,
        probability_alive: None,
        expected_purchases: None,
        expected_spend: None,
        clv: None,
        kmeans_segment: None,
        lifecycle_stage: None,
        lifecycle_reason: None,
    }
}

/// Fits the chosen purchase model (and, when asked, the spend model) on every customer and fills
/// P(alive), expected purchases, expected spend and CLV.
fn predict_value<C>(
    summaries: &[CustomerSummary<C>],
    config: &ReportConfig,
    rows: &mut [CustomerReport<C>],
) -> Result<(PurchaseModelSummary, Option<SpendModelSummary>), ClvError> {
    let histories: Vec<RepeatHistory> = summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, config.time_unit))
        .collect();
    let horizon = f64::from(config.horizon_months) * config.time_unit.per_month();
    let options = &config.fit_options;
    let spend = if config.parts.spend_model {
        Some(Spend::fit(summaries, config)?)
    } else {
        None
    };
    let (parameters, fit_figures, outputs) = match config.purchase_model {
        PurchaseModelKind::BgNbd => {
            let fit = BgNbd::fit(&histories, options)?;
            let p = fit.model.params();
            let outputs = model_outputs(&fit.model, &histories, horizon, spend.as_ref(), config)?;
            (vec![p.r, p.alpha, p.a, p.b], figures(&fit), outputs)
        }
        PurchaseModelKind::ModifiedBgNbd => {
            let fit = ModifiedBgNbd::fit(&histories, options)?;
            let p = fit.model.params();
            let outputs = model_outputs(&fit.model, &histories, horizon, spend.as_ref(), config)?;
            (vec![p.r, p.alpha, p.a, p.b], figures(&fit), outputs)
        }
        PurchaseModelKind::ParetoNbd => {
            let fit = ParetoNbd::fit(&histories, options)?;
            let p = fit.model.params();
            let outputs = model_outputs(&fit.model, &histories, horizon, spend.as_ref(), config)?;
            (vec![p.r, p.alpha, p.s, p.beta], figures(&fit), outputs)
        }
    };
    for (i, row) in rows.iter_mut().enumerate() {
        row.probability_alive = Some(outputs.alive[i]);
        row.expected_purchases = Some(outputs.expected[i]);
        if let (Some(spend), Some(clv)) = (&spend, &outputs.clv) {
            row.expected_spend = Some(spend.expected[i]);
            row.clv = Some(clv[i]);
        }
    }
    let purchase = PurchaseModelSummary {
        kind: config.purchase_model,
        parameters,
        standard_errors: fit_figures.1,
        log_likelihood: fit_figures.0,
        horizon,
    };
    Ok((purchase, spend.map(|s| s.summary)))
}

/// The fitted Gamma-Gamma model with every customer's spend history and expected spend.
struct Spend {
    model: GammaGamma,
    histories: Vec<SpendHistory>,
    /// Customers whose repeat purchases were all free: expected spend and CLV 0.
    free: Vec<bool>,
    expected: Vec<f64>,
    summary: SpendModelSummary,
}

impl Spend {
    fn fit<C>(summaries: &[CustomerSummary<C>], config: &ReportConfig) -> Result<Self, ClvError> {
        let mut histories = Vec::with_capacity(summaries.len());
        let mut free = Vec::with_capacity(summaries.len());
        for s in summaries {
            match SpendHistory::from_summary(s) {
                Ok(h) => {
                    histories.push(h);
                    free.push(false);
                }
                // Repeat purchases whose mean is not positive (free items, or refunds): the spend
                // model cannot use them; such a customer's spend is predicted as 0.
                Err(_) => {
                    histories.push(SpendHistory::new(0.0, 0.0)?);
                    free.push(true);
                }
            }
        }
        let weights: Vec<f64> = free.iter().map(|f| if *f { 0.0 } else { 1.0 }).collect();
        let data = FitData::weighted(&histories, &weights)?;
        let report = GammaGamma::fit(data, &config.spend_options)?;
        let model = report.model;
        let expected = histories
            .iter()
            .zip(&free)
            .map(|(h, f)| {
                if *f {
                    Ok(0.0)
                } else {
                    model.conditional_expected_average_spend(h)
                }
            })
            .collect::<Result<Vec<f64>, ClvError>>()?;
        let p = model.params();
        let free_count = free.iter().filter(|f| **f).count() as u64;
        let summary = SpendModelSummary {
            parameters: vec![p.p, p.q, p.gamma],
            standard_errors: report.standard_errors().map(<[f64]>::to_vec),
            log_likelihood: report.log_likelihood,
            without_repeat: summaries
                .iter()
                .filter(|s| s.purchase_occasions() == 1)
                .count() as u64,
            free_repeat_buyers: free_count,
            frequency_spend_correlation: report.diagnostics.frequency_spend_correlation,
        };
        Ok(Self {
            model,
            histories,
            free,
            expected,
            summary,
        })
    }
}

struct ModelOutputs {
    alive: Vec<f64>,
    expected: Vec<f64>,
    clv: Option<Vec<Decimal>>,
}

fn figures<M>(fit: &ModelFit<M>) -> (f64, Option<Vec<f64>>) {
    (
        fit.log_likelihood,
        fit.standard_errors().map(<[f64]>::to_vec),
    )
}

fn model_outputs<M: PurchaseModel + Sync>(
    model: &M,
    histories: &[RepeatHistory],
    horizon: f64,
    spend: Option<&Spend>,
    config: &ReportConfig,
) -> Result<ModelOutputs, ClvError> {
    let mut alive = vec![0.0; histories.len()];
    let mut expected = vec![0.0; histories.len()];
    model.probability_alive_into(histories, &mut alive)?;
    model.conditional_expected_purchases_into(horizon, histories, &mut expected)?;
    let clv = match spend {
        None => None,
        Some(spend) => {
            let options = ClvOptions {
                horizon_months: config.horizon_months,
                monthly_discount_rate: config.monthly_discount_rate,
                time_unit: config.time_unit,
                ..ClvOptions::default()
            };
            // Customers whose repeat purchases were all free have no spend to model: CLV 0.
            let paid: Vec<usize> = (0..histories.len()).filter(|&i| !spend.free[i]).collect();
            let paid_histories: Vec<RepeatHistory> = paid.iter().map(|&i| histories[i]).collect();
            let paid_spend: Vec<SpendHistory> = paid.iter().map(|&i| spend.histories[i]).collect();
            let values = customer_lifetime_values(
                model,
                &spend.model,
                &paid_histories,
                &paid_spend,
                &options,
            )?;
            let mut money = vec![Decimal::ZERO; histories.len()];
            for (&i, value) in paid.iter().zip(values) {
                money[i] = options.to_money(value)?;
            }
            Some(money)
        }
    };
    Ok(ModelOutputs {
        alive,
        expected,
        clv,
    })
}

/// Totals per group. `key` gives each row's group as (sort rank, name), borrowed so that no row
/// allocates; `display` makes the group's shown name from its first row and key name, once per
/// group.
fn group_totals<'a, C>(
    rows: &'a [CustomerReport<C>],
    total: usize,
    key: impl Fn(&'a CustomerReport<C>) -> Option<(usize, &'a str)>,
    display: impl Fn(&CustomerReport<C>, &str) -> String,
) -> Vec<GroupTotals> {
    let mut groups: BTreeMap<(usize, &'a str), GroupTotals> = BTreeMap::new();
    for row in rows {
        if let Some((rank, name)) = key(row) {
            let entry = groups.entry((rank, name)).or_insert_with(|| GroupTotals {
                name: display(row, name),
                customers: 0,
                customer_share: 0.0,
                revenue: Decimal::ZERO,
                expected_purchases: None,
                clv: None,
            });
            entry.customers += 1;
            entry.revenue += row.total_spend;
            if let Some(e) = row.expected_purchases {
                entry.expected_purchases = Some(entry.expected_purchases.unwrap_or(0.0) + e);
            }
            if let Some(v) = row.clv {
                entry.clv = Some(entry.clv.unwrap_or(Decimal::ZERO) + v);
            }
        }
    }
    groups
        .into_values()
        .map(|mut g| {
            g.customer_share = g.customers as f64 / total.max(1) as f64;
            g
        })
        .collect()
}
