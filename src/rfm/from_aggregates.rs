//! RFM from customer-level aggregates (R rfm's `rfm_table_customer`): for callers who hold one
//! row per customer (orders, days since the last order, revenue) from a CRM or a warehouse
//! query, not the transaction log.

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::binning::{EqualCountGroups, Values};
use super::{Binning, FittedRfm, RfmError, RfmRecord, RfmScore, RfmScorer};
use crate::numeric::money::to_f64;
use crate::settings::Settings;
use crate::summary::{MonetaryBasis, MAX_AMOUNT};

/// One customer's aggregates: R rfm's `rfm_table_customer` columns `n_transactions`,
/// `recency_days` and `total_revenue`.
///
/// # Examples
///
/// ```
/// use customer_value::rfm::CustomerAggregate;
/// use rust_decimal::Decimal;
/// let row = CustomerAggregate::new(22086u32, 9, 232, Decimal::from(777));
/// assert_eq!((row.orders, row.recency_days), (9, 232));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerAggregate<C> {
    /// The customer's id.
    pub customer: C,
    /// Orders (or any count the caller scores as frequency): at least 1.
    pub orders: u64,
    /// Days from the last order to the analysis date: 0 or more.
    pub recency_days: i64,
    /// Total revenue, within ±10¹⁸.
    pub revenue: Decimal,
}

impl<C> CustomerAggregate<C> {
    /// A row of `orders` orders, the last `recency_days` days before the analysis date, for
    /// `revenue` in total.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::CustomerAggregate;
    /// use rust_decimal::Decimal;
    /// assert_eq!(CustomerAggregate::new("c1", 3, 10, Decimal::TEN).revenue, Decimal::TEN);
    /// ```
    pub fn new(customer: C, orders: u64, recency_days: i64, revenue: Decimal) -> Self {
        Self {
            customer,
            orders,
            recency_days,
            revenue,
        }
    }

    /// The monetary value on `basis`: the revenue, or revenue per order.
    fn monetary(&self, basis: MonetaryBasis) -> Decimal {
        match basis {
            MonetaryBasis::TotalSpend => self.revenue,
            // orders ≥ 1 (checked), and |revenue| ≤ 10¹⁸: the quotient is exact enough.
            MonetaryBasis::AveragePerOccasion => self.revenue / Decimal::from(self.orders),
        }
    }
}

/// The first row that no customer could have: no orders, a negative recency, or revenue beyond
/// ±10¹⁸.
fn check_rows<C>(rows: &[CustomerAggregate<C>]) -> Result<(), RfmError> {
    let invalid = |position, field, value: f64, constraint| RfmError::InvalidAggregate {
        position,
        field,
        value,
        constraint,
    };
    for (position, row) in rows.iter().enumerate() {
        if row.orders == 0 {
            return Err(invalid(position, "orders", 0.0, "must be at least 1"));
        }
        if row.recency_days < 0 {
            let value = row.recency_days as f64;
            return Err(invalid(
                position,
                "recency_days",
                value,
                "must be 0 or more",
            ));
        }
        if row.revenue.abs() > MAX_AMOUNT {
            let value = to_f64(row.revenue);
            return Err(invalid(position, "revenue", value, "must be within ±10^18"));
        }
    }
    Ok(())
}

impl RfmScorer {
    /// Fits the breakpoints on customer-level aggregates and scores them (R rfm's
    /// `rfm_table_customer`): one record per row, in input order, with frequency = orders and
    /// monetary = revenue (or revenue per order, with [`MonetaryBasis::AveragePerOccasion`]).
    /// The same cuts and scores as [`RfmScorer::fit_and_score`] on summaries with these values;
    /// equal-count ties are split by customer id, as there.
    ///
    /// # Errors
    ///
    /// Those of [`Settings::check`](RfmScorer::check); [`RfmError::EmptyInput`] for no rows;
    /// [`RfmError::InvalidAggregate`] naming the first row with no orders, a negative recency or
    /// revenue beyond ±10¹⁸; and [`RfmError::TooFewCustomers`] for equal-count binning with
    /// fewer rows than bins.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::CustomerAggregate;
    /// use customer_value::RfmScorer;
    /// use rust_decimal::Decimal;
    ///
    /// let rows = [
    ///     CustomerAggregate::new(1u32, 9, 232, Decimal::from(777)),
    ///     CustomerAggregate::new(2, 16, 115, Decimal::from(1555)),
    ///     CustomerAggregate::new(3, 3, 400, Decimal::from(120)),
    /// ];
    /// let (fitted, records) = RfmScorer::new().bins(3).score_aggregates(&rows)?;
    /// assert_eq!(fitted.breakpoints().frequency, vec![7.0, 11.333333333333332]);
    /// assert_eq!((records[1].score.recency, records[1].score.frequency), (3, 3));
    /// # Ok::<(), customer_value::rfm::RfmError>(())
    /// ```
    pub fn score_aggregates<C>(
        &self, rows: &[CustomerAggregate<C>],
    ) -> Result<(FittedRfm, Vec<RfmRecord<C>>), RfmError>
    where
        C: Clone + Ord + Send + Sync,
    {
        self.check()?;
        if rows.is_empty() {
            return Err(RfmError::EmptyInput);
        }
        check_rows(rows)?;
        let basis = self.monetary;
        let values = Values {
            recency: rows.par_iter().map(|r| r.recency_days as f64).collect(),
            frequency: rows.par_iter().map(|r| r.orders as f64).collect(),
            monetary: rows.par_iter().map(|r| to_f64(r.monetary(basis))).collect(),
        };
        let fitted = self.fit_columns(&values.recency, &values.frequency, &values.monetary)?;
        let groups = match self.binning {
            Binning::EqualCount => Some(EqualCountGroups::ranked(&values, fitted.bins(), |i| {
                &rows[i].customer
            })?),
            _ => None,
        };
        let records = rows
            .par_iter()
            .enumerate()
            .map(|(i, row)| {
                let score = match &groups {
                    Some(g) => RfmScore {
                        recency: fitted.bins() + 1 - g.recency[i],
                        frequency: g.frequency[i],
                        monetary: g.monetary[i],
                    },
                    None => fitted.score_values(
                        values.recency[i],
                        values.frequency[i],
                        values.monetary[i],
                    ),
                };
                Ok(RfmRecord {
                    customer: row.customer.clone(),
                    recency_days: row.recency_days,
                    frequency: row.orders,
                    monetary: row.monetary(basis),
                    segment: fitted.segment(score)?,
                    score,
                })
            })
            .collect::<Result<_, RfmError>>()?;
        Ok((fitted, records))
    }
}
