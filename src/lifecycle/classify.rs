//! The classifier: from summaries to one stage per customer.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::judge::{judge, span_days};
use super::rules::{LifecycleRule, LifecycleRules, StageReason};
use super::{LifecycleError, LifecycleStage};
use crate::clv::{PurchaseModel, RepeatHistory};
use crate::numeric::quantile::median;
use crate::settings::Settings;
use crate::summary::{CustomerSummary, PurchaseOccasion, TimeUnit};

/// Classifies customers into [`LifecycleStage`]s with checked [`LifecycleRules`].
///
/// # Examples
///
/// ```
/// use customer_value::lifecycle::{LifecycleClassifier, LifecycleRule, LifecycleStage};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = vec![
///     Transaction::new("ann", d(1, 1), Decimal::from(10)),
///     Transaction::new("ann", d(1, 31), Decimal::from(10)), // a 30-day rhythm
///     Transaction::new("bob", d(1, 1), Decimal::from(10)),
///     Transaction::new("bob", d(1, 11), Decimal::from(10)), // a 10-day rhythm
/// ];
/// let summaries = Summarizer::new(d(3, 31)).summarize(&log)?;
/// let stages = LifecycleClassifier::default().classify(&summaries, &[], d(3, 1))?;
/// // Population median gap (30 + 10) / 2 = 20; ann's g = (30 + 2·20) / 3 = 23.3, bob's = 16.7.
/// // As of March 1, ann's 30 days of silence are under 2g = 46.7; bob's 50 days are over 33.3.
/// assert_eq!(stages.stage_of(&"ann"), Some(LifecycleStage::Growing));
/// assert_eq!(stages.stage_of(&"bob"), Some(LifecycleStage::Declining));
/// let bob = &stages.customers()[1].reason;
/// assert_eq!(bob.rule, LifecycleRule::RecencyPastExpectedGap);
/// assert!((bob.threshold.unwrap() - 100.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), customer_value::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LifecycleClassifier {
    rules: LifecycleRules,
}

/// One customer's stage as of the classification date.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerStage<C> {
    /// The customer's id.
    pub customer: C,
    /// Its stage.
    pub stage: LifecycleStage,
    /// Why: the rule that fired and its numbers.
    pub reason: StageReason,
    /// Net spend of its purchase occasions up to the as-of date (0 for a prospect).
    pub revenue: Decimal,
}

/// Count, share and revenue of one stage.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageTotals {
    /// The stage.
    pub stage: LifecycleStage,
    /// Customers in it.
    pub customers: u64,
    /// Their share of all classified customers (prospects included).
    pub share: f64,
    /// Their net spend up to the as-of date.
    pub revenue: Decimal,
}

/// Every customer's stage as of one date, sorted by customer id.
///
/// With the `serde` feature it serializes; reading back refuses, with a [`LifecycleError`]
/// message, what no classifier produces: customers not sorted by id or repeated, a stage its
/// rule does not give, a prospect with numbers or a customer without, a threshold, window or
/// spend trend that is not finite, a P(alive) outside [0, 1], a negative population gap, or
/// revenues whose absolute total exceeds `Decimal::MAX / 2` (totals and transitions could then
/// overflow).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "super::read_checks::ClassificationData<C>",
        bound(deserialize = "C: Ord + serde::Deserialize<'de>")
    )
)]
pub struct Classification<C> {
    pub(super) as_of: NaiveDate,
    pub(super) population_gap_days: Option<f64>,
    pub(super) customers: Vec<CustomerStage<C>>,
    pub(super) not_yet_acquired: u64,
}

impl<C: Ord> Classification<C> {
    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The population gap G the rules used (the median, or the fixed value of the rules); `None`
    /// when only prospects were classified.
    pub fn population_gap_days(&self) -> Option<f64> {
        self.population_gap_days
    }

    /// Every classified customer, sorted by id.
    pub fn customers(&self) -> &[CustomerStage<C>] {
        &self.customers
    }

    /// Summaries whose first purchase is after the as-of date and whose id is not a known prospect:
    /// not customers yet, so not classified.
    pub fn not_yet_acquired(&self) -> u64 {
        self.not_yet_acquired
    }

    /// The stage of one customer, `None` if it was not classified.
    pub fn stage_of(&self, customer: &C) -> Option<LifecycleStage> {
        self.customers
            .binary_search_by(|c| c.customer.cmp(customer))
            .ok()
            .map(|i| self.customers[i].stage)
    }

    /// Count, share and revenue per stage, in the order of [`LifecycleStage::ALL`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::lifecycle::{LifecycleClassifier, LifecycleStage};
    /// use customer_value::{Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
    /// let log = [Transaction::new(1, d(1, 5), Decimal::from(30)), Transaction::new(2, d(6, 1), Decimal::from(20))];
    /// let summaries = Summarizer::new(d(6, 30)).summarize(&log)?;
    /// let mut rules = customer_value::lifecycle::LifecycleRules::default();
    /// rules.population_gap_days = Some(30.0); // nobody has bought twice
    /// let stages = LifecycleClassifier::new(rules)?.classify(&summaries, &[3], d(6, 30))?;
    /// let totals = stages.totals();
    /// assert_eq!(totals[LifecycleStage::Churned.index()].customers, 1); // 177 days > c = 90
    /// assert_eq!(totals[LifecycleStage::Churned.index()].revenue, Decimal::from(30));
    /// assert_eq!(totals[LifecycleStage::New.index()].customers, 1);
    /// assert_eq!(totals[LifecycleStage::Prospect.index()].share, 1.0 / 3.0);
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn totals(&self) -> [StageTotals; 7] {
        let mut totals = LifecycleStage::ALL.map(|stage| StageTotals {
            stage,
            customers: 0,
            share: 0.0,
            revenue: Decimal::ZERO,
        });
        for c in &self.customers {
            let t = &mut totals[c.stage.index()];
            t.customers += 1;
            t.revenue += c.revenue;
        }
        let all = self.customers.len().max(1) as f64; // ≥ 1 classified by construction; max guards the division
        for t in &mut totals {
            t.share = t.customers as f64 / all;
        }
        totals
    }
}

/// How the recency rules are judged: by gaps, or by a fitted model's P(alive).
enum Evidence<'a, M: ?Sized> {
    Gaps,
    Model { model: &'a M, unit: TimeUnit },
}

/// A summary validated and cut at the as-of date.
struct Visible<'a> {
    position: usize,
    occasions: &'a [PurchaseOccasion],
}

impl LifecycleClassifier {
    /// A classifier with rules checked by [`Settings::check`].
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidParameter`] as listed in the
    /// [`Settings` impl of `LifecycleRules`](LifecycleRules#impl-Settings-for-LifecycleRules): a
    /// non-finite value, a negative k₀ or tenure, a non-positive day count, multiple, trend or
    /// fixed gap, `churn_min_days` > `churn_max_days`, a probability outside [0, 1] or
    /// `churn_probability` > `declining_probability`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::lifecycle::{LifecycleClassifier, LifecycleError, LifecycleRules};
    /// let mut rules = LifecycleRules::default();
    /// rules.growing_trend = f64::NAN;
    /// assert!(matches!(LifecycleClassifier::new(rules), Err(LifecycleError::InvalidParameter { name: "growing_trend", .. })));
    /// assert!(LifecycleClassifier::new(LifecycleRules::default()).is_ok());
    /// ```
    pub fn new(rules: LifecycleRules) -> Result<Self, LifecycleError> {
        rules.check()?;
        Ok(Self { rules })
    }

    /// The rules in use.
    pub fn rules(&self) -> &LifecycleRules {
        &self.rules
    }

    /// Classifies every summarized customer, and every known prospect without a purchase, as of
    /// `as_of`, by the gap and trend rules (see the [module docs](super)).
    ///
    /// Only occasions up to `as_of` are read. Customers first buying after `as_of` are prospects if
    /// their id is in `prospects`, else counted in [`Classification::not_yet_acquired`]. Repeated
    /// prospect ids count once.
    ///
    /// # Errors
    ///
    /// - [`LifecycleError::EmptyInput`] when `summaries` and `prospects` are both empty;
    /// - [`LifecycleError::OccasionsNotKept`] when a summary has no kept occasions;
    /// - [`LifecycleError::AsOfAfterObservationEnd`] when `as_of` is after a summary's observation end;
    /// - [`LifecycleError::AsOfBeforeData`] when `as_of` is before every first purchase;
    /// - [`LifecycleError::DuplicateCustomer`] when two summaries share an id;
    /// - [`LifecycleError::NoRepeatCustomers`] when nobody has two occasions by `as_of` and the rules
    ///   fix no population gap.
    ///
    /// # Examples
    ///
    /// See [`LifecycleClassifier`].
    pub fn classify<C: Clone + Ord + Send + Sync>(
        &self, summaries: &[CustomerSummary<C>], prospects: &[C], as_of: NaiveDate,
    ) -> Result<Classification<C>, LifecycleError> {
        self.run(
            summaries,
            prospects,
            as_of,
            Evidence::<dyn PurchaseModel>::Gaps,
        )
    }

    /// Like [`LifecycleClassifier::classify`], with P(alive) from a fitted purchase model in place
    /// of the recency rules: Churned when P(alive) < `churn_probability` (0.3), Declining when
    /// P(alive) < `declining_probability` (0.5) or by the spend-trend rule. Reactivated keeps its gap
    /// rule. `unit` is the time unit the model was fitted in; each history (x, t_x, T) is
    /// [`RepeatHistory::from_summary`] when `as_of` is the observation end, else the same triple
    /// computed from the occasions up to `as_of`: elapsed time, one occasion per day (weeks of 7
    /// days, not calendar weeks).
    ///
    /// # Errors
    ///
    /// Those of [`LifecycleClassifier::classify`], and [`LifecycleError::Model`] when the model
    /// fails on a customer, [`LifecycleError::InvalidProbability`] when it returns a value outside
    /// [0, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, PurchaseModel, RepeatHistory};
    /// use customer_value::lifecycle::{LifecycleClassifier, LifecycleStage};
    /// use customer_value::{Summarizer, TimeUnit, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// /// A toy model: P(alive) halves with every 10 weeks of silence.
    /// struct Halving;
    /// impl PurchaseModel for Halving {
    ///     fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> { Ok(t) }
    ///     fn conditional_expected_purchases(&self, t: f64, _: &RepeatHistory) -> Result<f64, ClvError> { Ok(t) }
    ///     fn probability_alive(&self, h: &RepeatHistory) -> Result<f64, ClvError> {
    ///         Ok(0.5f64.powf((h.age() - h.recency()) / 10.0))
    ///     }
    ///     fn probability_of_purchases(&self, _: u32, _: f64) -> Result<f64, ClvError> { Ok(0.0) }
    /// }
    /// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
    /// let log = [
    ///     Transaction::new(1, d(1, 1), Decimal::from(10)),
    ///     Transaction::new(1, d(1, 8), Decimal::from(10)),
    /// ];
    /// let summaries = Summarizer::new(d(6, 1)).summarize(&log)?;
    /// let c = LifecycleClassifier::default();
    /// // 21 weeks of silence: P(alive) = 0.5^2.1 = 0.23 < 0.3.
    /// let stages = c.classify_with_model(&summaries, &[], d(6, 1), &Halving, TimeUnit::Weeks)?;
    /// assert_eq!(stages.stage_of(&1), Some(LifecycleStage::Churned));
    /// // As of February 5, 4 weeks: P(alive) = 0.76, a customer of under a year.
    /// let stages = c.classify_with_model(&summaries, &[], d(2, 5), &Halving, TimeUnit::Weeks)?;
    /// assert_eq!(stages.stage_of(&1), Some(LifecycleStage::Growing));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn classify_with_model<C: Clone + Ord + Send + Sync, M: PurchaseModel + ?Sized>(
        &self, summaries: &[CustomerSummary<C>], prospects: &[C], as_of: NaiveDate, model: &M,
        unit: TimeUnit,
    ) -> Result<Classification<C>, LifecycleError> {
        self.run(summaries, prospects, as_of, Evidence::Model { model, unit })
    }

    fn run<C: Clone + Ord + Send + Sync, M: PurchaseModel + ?Sized>(
        &self, summaries: &[CustomerSummary<C>], prospects: &[C], as_of: NaiveDate,
        evidence: Evidence<'_, M>,
    ) -> Result<Classification<C>, LifecycleError> {
        if summaries.is_empty() && prospects.is_empty() {
            return Err(LifecycleError::EmptyInput);
        }
        let visible = cut_at(summaries, as_of)?;
        let population_gap_days = self.population_gap(&visible, as_of)?;
        let mut not_yet: Vec<usize> = Vec::new();
        // Some(gap) whenever a visible customer exists: population_gap returned Ok.
        let population_gap = population_gap_days.unwrap_or(1.0);
        let alive = probabilities_alive(&evidence, summaries, &visible, as_of)?;
        // The rules read only a customer's occasions: judged in parallel, in input order, each
        // stage written once, straight into the output (page faults on a fresh buffer of a
        // million stages cost more than the rules).
        let judge = |(v, &probability_alive): (&Visible<'_>, &Option<f64>)| {
            let (reason, revenue) = judge(
                &self.rules,
                v.occasions,
                as_of,
                population_gap,
                probability_alive,
            );
            CustomerStage {
                customer: summaries[v.position].customer().clone(),
                stage: reason.stage,
                reason,
                revenue,
            }
        };
        let mut customers: Vec<CustomerStage<C>> =
            if visible.iter().all(|v| !v.occasions.is_empty()) {
                visible.par_iter().zip(&alive).map(judge).collect()
            } else {
                let (bought, waiting): (Vec<_>, Vec<_>) = visible
                    .iter()
                    .zip(&alive)
                    .partition(|(v, _)| !v.occasions.is_empty());
                not_yet.extend(waiting.iter().map(|(v, _)| v.position));
                bought.into_par_iter().map(judge).collect()
            };
        let not_yet_acquired = add_known_prospects(&mut customers, summaries, prospects, &not_yet);
        customers.sort_by(|a, b| a.customer.cmp(&b.customer));
        Ok(Classification {
            as_of,
            population_gap_days,
            customers,
            not_yet_acquired,
        })
    }

    /// The population gap G: the fixed value of the rules, or the median over customers with n ≥ 2
    /// of their mean gap. `None` when no customer has bought by `as_of` (only prospects).
    fn population_gap(
        &self, visible: &[Visible<'_>], as_of: NaiveDate,
    ) -> Result<Option<f64>, LifecycleError> {
        if let Some(fixed) = self.rules.population_gap_days {
            return Ok(Some(fixed));
        }
        let mut gaps: Vec<f64> = visible
            .iter()
            .filter(|v| v.occasions.len() >= 2)
            .map(|v| span_days(v.occasions) as f64 / (v.occasions.len() - 1) as f64)
            .collect();
        if gaps.is_empty() {
            if visible.iter().all(|v| v.occasions.is_empty()) {
                return Ok(None);
            }
            return Err(LifecycleError::NoRepeatCustomers { as_of });
        }
        Ok(median(&mut gaps))
    }
}

/// Adds a Prospect row for every id of `prospects` that has not bought by the as-of date, and
/// returns how many of the summaries at the positions `not_yet` (first purchase after the as-of
/// date) are not known prospects: not customers yet.
fn add_known_prospects<C: Clone + Ord>(
    customers: &mut Vec<CustomerStage<C>>, summaries: &[CustomerSummary<C>], prospects: &[C],
    not_yet: &[usize],
) -> u64 {
    // Without prospects (the common case) no set of a million ids is needed.
    let known: BTreeSet<&C> = if prospects.is_empty() {
        BTreeSet::new()
    } else {
        let acquired: BTreeSet<&C> = customers.iter().map(|c| &c.customer).collect();
        prospects.iter().filter(|p| !acquired.contains(p)).collect()
    };
    let not_yet_acquired = not_yet
        .iter()
        .filter(|&&p| !known.contains(summaries[p].customer()))
        .count() as u64;
    customers.extend(known.into_iter().map(|p| CustomerStage {
        customer: p.clone(),
        stage: LifecycleStage::Prospect,
        reason: StageReason {
            stage: LifecycleStage::Prospect,
            rule: LifecycleRule::KnownProspect,
            metrics: None,
            threshold: None,
        },
        revenue: Decimal::ZERO,
    }));
    not_yet_acquired
}

/// P(alive) of every visible customer with a purchase by the as-of date, when a model is the
/// evidence; `None` otherwise.
fn probabilities_alive<C, M: PurchaseModel + ?Sized>(
    evidence: &Evidence<'_, M>, summaries: &[CustomerSummary<C>], visible: &[Visible<'_>],
    as_of: NaiveDate,
) -> Result<Vec<Option<f64>>, LifecycleError> {
    let mut alive: Vec<Option<f64>> = vec![None; visible.len()];
    if let Evidence::Model { model, unit } = evidence {
        for (slot, v) in alive.iter_mut().zip(visible) {
            if !v.occasions.is_empty() {
                let summary = &summaries[v.position];
                *slot = Some(probability_alive(*model, *unit, summary, v, as_of)?);
            }
        }
    }
    Ok(alive)
}

/// Validates the summaries against `as_of` and cuts each one's occasions at it.
fn cut_at<C: Ord>(
    summaries: &[CustomerSummary<C>], as_of: NaiveDate,
) -> Result<Vec<Visible<'_>>, LifecycleError> {
    let mut visible = Vec::with_capacity(summaries.len());
    let mut earliest: Option<NaiveDate> = None;
    for (position, s) in summaries.iter().enumerate() {
        let occasions = s
            .occasions()
            .ok_or(LifecycleError::OccasionsNotKept { position })?;
        if as_of > s.observation_end() {
            return Err(LifecycleError::AsOfAfterObservationEnd {
                as_of,
                observation_end: s.observation_end(),
                position,
            });
        }
        earliest = Some(earliest.map_or(s.first_purchase(), |e| e.min(s.first_purchase())));
        let keep = occasions.partition_point(|o| o.date <= as_of);
        visible.push(Visible {
            position,
            occasions: &occasions[..keep],
        });
    }
    if let Some(earliest) = earliest.filter(|&e| as_of < e) {
        return Err(LifecycleError::AsOfBeforeData { as_of, earliest });
    }
    // Summaries straight from the summarizer are strictly increasing by id: no duplicate.
    if summaries
        .windows(2)
        .all(|pair| pair[0].customer() < pair[1].customer())
    {
        return Ok(visible);
    }
    crate::summary::order_by_customer(summaries).map_err(|(position, first_position)| {
        LifecycleError::DuplicateCustomer {
            position,
            first_position,
        }
    })?;
    Ok(visible)
}

fn probability_alive<C, M: PurchaseModel + ?Sized>(
    model: &M, unit: TimeUnit, summary: &CustomerSummary<C>, visible: &Visible<'_>,
    as_of: NaiveDate,
) -> Result<f64, LifecycleError> {
    let position = visible.position;
    let history = if as_of == summary.observation_end() {
        RepeatHistory::from_summary(summary, unit)
    } else {
        let first = visible.occasions[0].date; // non-empty: checked by the caller
        let x = (visible.occasions.len() - 1) as f64;
        RepeatHistory::new(
            x,
            unit.from_days(span_days(visible.occasions)),
            unit.from_days((as_of - first).num_days()),
        )
        .map_err(|source| LifecycleError::Model { position, source })?
    };
    let p = model
        .probability_alive(&history)
        .map_err(|source| LifecycleError::Model { position, source })?;
    if !(0.0..=1.0).contains(&p) {
        return Err(LifecycleError::InvalidProbability { position, value: p });
    }
    Ok(p)
}
