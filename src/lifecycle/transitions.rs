//! Stage transitions between two as-of dates.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::classify::Classification;
use super::{LifecycleClassifier, LifecycleError, LifecycleStage};
use crate::summary::CustomerSummary;

/// How customers moved between stages from one as-of date to a later one, with the revenue each
/// flow brought in between them.
///
/// Rows are the earlier stage, columns the later, both in the order of [`LifecycleStage::ALL`].
/// Customers acquired between the two dates (not yet customers at the earlier date and not known
/// prospects then) have no row: they are counted in [`Transitions::acquired`] by later stage.
///
/// # Examples
///
/// ```
/// use customer_value::lifecycle::{LifecycleClassifier, LifecycleStage as S};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
/// let log = vec![
///     Transaction::new(1, d(1, 1), Decimal::from(10)),
///     Transaction::new(1, d(1, 21), Decimal::from(10)),
///     Transaction::new(2, d(1, 1), Decimal::from(10)),
///     Transaction::new(2, d(1, 21), Decimal::from(10)),
///     Transaction::new(2, d(3, 1), Decimal::from(15)),
///     Transaction::new(3, d(3, 10), Decimal::from(40)),
/// ];
/// let summaries = Summarizer::new(d(3, 31)).summarize(&log)?;
/// let moves = LifecycleClassifier::default().transitions(&summaries, &[], d(1, 31), d(3, 31))?;
/// // As of March 31 (G = 25): customer 1 moved Growing → Declining (70 silent days > 2g = 46.7);
/// // customer 2 bought on March 1 and stays Growing, bringing 15; customer 3 was acquired in between.
/// assert_eq!(moves.count(S::Growing, S::Declining), 1);
/// assert_eq!(moves.count(S::Growing, S::Growing), 1);
/// assert_eq!(moves.revenue(S::Growing, S::Growing), Decimal::from(15));
/// assert_eq!(moves.acquired()[S::New.index()], 1);
/// assert_eq!(moves.row_shares()[S::Growing.index()].unwrap()[S::Declining.index()], 0.5);
/// # Ok::<(), customer_value::Error>(())
/// ```
///
/// With the `serde` feature it serializes; reading back refuses dates out of order, counts whose
/// total exceeds `u64::MAX` and revenues whose absolute total exceeds `Decimal::MAX`, so no sum
/// of its methods can overflow.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "super::read_checks::TransitionsData")
)]
pub struct Transitions {
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    pub(super) counts: [[u64; 7]; 7],
    pub(super) revenue: [[Decimal; 7]; 7],
    pub(super) acquired: [u64; 7],
    pub(super) acquired_revenue: [Decimal; 7],
}

impl Transitions {
    /// Compares two classifications of the same customers, the earlier first.
    ///
    /// # Errors
    ///
    /// - [`LifecycleError::TransitionsOutOfOrder`] when `earlier` is dated after `later`;
    /// - [`LifecycleError::ClassificationsDiffer`] when a customer of `earlier` is missing from
    ///   `later` (they were not built from the same summaries and prospects).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::lifecycle::{LifecycleClassifier, LifecycleError, LifecycleRules, LifecycleStage as S, Transitions};
    /// use customer_value::{Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).unwrap();
    /// let log = [
    ///     Transaction::new(1, d(1, 10), Decimal::from(10)),
    ///     Transaction::new(1, d(1, 20), Decimal::from(10)),
    ///     Transaction::new(1, d(6, 10), Decimal::from(25)),
    /// ];
    /// let summaries = Summarizer::new(d(6, 30)).summarize(&log)?;
    /// let mut rules = LifecycleRules::default();
    /// rules.population_gap_days = Some(10.0);
    /// let classifier = LifecycleClassifier::new(rules)?;
    /// // As of March 31: g = (10 + 2·10) / 3 = 10, 71 silent days > 2g but ≤ c = 90: Declining.
    /// let march = classifier.classify(&summaries, &[], d(3, 31))?;
    /// // As of June 30: g = (152 + 20) / 4 = 43, c = 129; back after a 142-day gap, 20 days ago.
    /// let june = classifier.classify(&summaries, &[], d(6, 30))?;
    /// let moves = Transitions::between(&march, &june)?;
    /// assert_eq!(moves.count(S::Declining, S::Reactivated), 1);
    /// assert_eq!(moves.revenue(S::Declining, S::Reactivated), Decimal::from(25));
    /// assert!(matches!(Transitions::between(&june, &march), Err(LifecycleError::TransitionsOutOfOrder { .. })));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn between<C: Ord>(
        earlier: &Classification<C>, later: &Classification<C>,
    ) -> Result<Self, LifecycleError> {
        if earlier.as_of() > later.as_of() {
            return Err(LifecycleError::TransitionsOutOfOrder {
                from: earlier.as_of(),
                to: later.as_of(),
            });
        }
        let mut t = Transitions {
            from: earlier.as_of(),
            to: later.as_of(),
            counts: [[0; 7]; 7],
            revenue: [[Decimal::ZERO; 7]; 7],
            acquired: [0; 7],
            acquired_revenue: [Decimal::ZERO; 7],
        };
        // Both lists are sorted by id: walk them together.
        let before = earlier.customers();
        let mut i = 0;
        for after in later.customers() {
            if i < before.len() && before[i].customer < after.customer {
                return Err(LifecycleError::ClassificationsDiffer { position: i });
            }
            let to = after.stage.index();
            if i < before.len() && before[i].customer == after.customer {
                let from = before[i].stage.index();
                t.counts[from][to] += 1;
                t.revenue[from][to] += after.revenue - before[i].revenue;
                i += 1;
            } else {
                t.acquired[to] += 1;
                t.acquired_revenue[to] += after.revenue;
            }
        }
        if i < before.len() {
            return Err(LifecycleError::ClassificationsDiffer { position: i });
        }
        Ok(t)
    }

    /// The earlier as-of date.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The later as-of date.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Customers in stage `from` at the earlier date and `to` at the later.
    pub fn count(&self, from: LifecycleStage, to: LifecycleStage) -> u64 {
        self.counts[from.index()][to.index()]
    }

    /// The full count matrix, rows = earlier stage, columns = later stage.
    pub fn counts(&self) -> &[[u64; 7]; 7] {
        &self.counts
    }

    /// Each row divided by its total: the share of the earlier stage's customers in each later
    /// stage. `None` for a stage nobody was in at the earlier date.
    pub fn row_shares(&self) -> [Option<[f64; 7]>; 7] {
        self.counts.map(|row| {
            let total: u64 = row.iter().sum();
            (total > 0).then(|| row.map(|c| c as f64 / total as f64))
        })
    }

    /// Net revenue, between the two dates (after the earlier, up to the later), of the customers
    /// who moved from `from` to `to`.
    pub fn revenue(&self, from: LifecycleStage, to: LifecycleStage) -> Decimal {
        self.revenue[from.index()][to.index()]
    }

    /// Revenue between the two dates by earlier stage (acquired customers excluded).
    pub fn revenue_by_earlier_stage(&self) -> [Decimal; 7] {
        self.revenue.map(|row| row.iter().copied().sum())
    }

    /// Revenue between the two dates by later stage (acquired customers included).
    pub fn revenue_by_later_stage(&self) -> [Decimal; 7] {
        let mut out = self.acquired_revenue;
        for row in &self.revenue {
            for (o, r) in out.iter_mut().zip(row) {
                *o += *r;
            }
        }
        out
    }

    /// Customers acquired between the two dates, by later stage.
    pub fn acquired(&self) -> [u64; 7] {
        self.acquired
    }

    /// Revenue of the acquired customers between the two dates, by later stage.
    pub fn acquired_revenue(&self) -> [Decimal; 7] {
        self.acquired_revenue
    }
}

impl LifecycleClassifier {
    /// Classifies the same customers as of `from` and as of `to` (gap rules) and compares them.
    ///
    /// # Errors
    ///
    /// Those of [`LifecycleClassifier::classify`] for either date, and
    /// [`LifecycleError::TransitionsOutOfOrder`] when `from` is after `to`.
    ///
    /// # Examples
    ///
    /// See [`Transitions`].
    pub fn transitions<C: Clone + Ord + Send + Sync>(
        &self, summaries: &[CustomerSummary<C>], prospects: &[C], from: NaiveDate, to: NaiveDate,
    ) -> Result<Transitions, LifecycleError> {
        if from > to {
            return Err(LifecycleError::TransitionsOutOfOrder { from, to });
        }
        let earlier = self.classify(summaries, prospects, from)?;
        let later = self.classify(summaries, prospects, to)?;
        Transitions::between(&earlier, &later)
    }
}
