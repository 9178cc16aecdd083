//! Checks of classifications and transitions read back through serde (behind their
//! `#[serde(try_from)]`): what a classifier produces, so that every method of the value read back
//! runs without a panic (sums of revenues and counts cannot overflow) and answers as it would
//! have on the value written.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::classify::{Classification, CustomerStage};
use super::rules::StageReason;
use super::transitions::Transitions;
use super::{LifecycleError, LifecycleStage};

/// The largest total of the absolute revenues of one classification: half of `Decimal::MAX`, so
/// that the per-stage totals, and the differences and sums of two classifications that
/// [`Transitions`] forms, stay within `Decimal`. A classifier's totals stay far below it: every
/// amount of a summary is at most 10^18.
const REVENUE_LIMIT: Decimal = Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX >> 1, false, 0);

fn invalid(what: &'static str, position: usize, constraint: &'static str) -> LifecycleError {
    LifecycleError::InvalidRecord {
        what,
        position,
        constraint,
    }
}

/// The fields of a [`Classification`] as read, before the checks.
#[derive(serde::Deserialize)]
pub(super) struct ClassificationData<C> {
    as_of: NaiveDate,
    population_gap_days: Option<f64>,
    customers: Vec<CustomerStage<C>>,
    not_yet_acquired: u64,
}

impl<C: Ord> TryFrom<ClassificationData<C>> for Classification<C> {
    type Error = LifecycleError;

    fn try_from(data: ClassificationData<C>) -> Result<Self, LifecycleError> {
        if data
            .population_gap_days
            .is_some_and(|g| !(g.is_finite() && g >= 0.0))
        {
            return Err(invalid(
                "population_gap_days",
                0,
                "the population gap is finite and non-negative",
            ));
        }
        let mut revenue = Decimal::ZERO;
        for (position, customer) in data.customers.iter().enumerate() {
            if position > 0 {
                check_order(
                    &data.customers[position - 1].customer,
                    &customer.customer,
                    position,
                )?;
            }
            if customer.stage != customer.reason.stage {
                return Err(invalid("stage", position, "the stage is its reason's"));
            }
            check_reason(&customer.reason, position)?;
            revenue = revenue
                .checked_add(customer.revenue.abs())
                .filter(|total| *total <= REVENUE_LIMIT)
                .ok_or_else(|| {
                    invalid(
                        "revenue",
                        position,
                        "the customers' revenues add up, in absolute value, to at most Decimal::MAX / 2",
                    )
                })?;
        }
        Ok(Self {
            as_of: data.as_of,
            population_gap_days: data.population_gap_days,
            customers: data.customers,
            not_yet_acquired: data.not_yet_acquired,
        })
    }
}

/// Customers strictly increasing by id (the lookups search them).
fn check_order<C: Ord>(previous: &C, next: &C, position: usize) -> Result<(), LifecycleError> {
    if previous < next {
        Ok(())
    } else if previous == next {
        Err(LifecycleError::DuplicateCustomer {
            position,
            first_position: position - 1,
        })
    } else {
        Err(invalid("customers", position, "customers are sorted by id"))
    }
}

/// The rule gives the stage; a prospect has no numbers and everyone else has them; the numbers
/// are finite, days non-negative, P(alive) in [0, 1].
fn check_reason(reason: &StageReason, position: usize) -> Result<(), LifecycleError> {
    if reason.rule.stage() != reason.stage {
        return Err(invalid("rule", position, "the rule gives the stage"));
    }
    if reason.threshold.is_some_and(|t| !t.is_finite()) {
        return Err(invalid("threshold", position, "a threshold is finite"));
    }
    let Some(m) = reason.metrics else {
        return match reason.stage {
            LifecycleStage::Prospect => Ok(()),
            _ => Err(invalid(
                "metrics",
                position,
                "only a prospect has no metrics",
            )),
        };
    };
    if reason.stage == LifecycleStage::Prospect || m.occasions == 0 {
        return Err(invalid(
            "metrics",
            position,
            "a customer with metrics has bought at least once",
        ));
    }
    let days = [
        m.expected_gap_days,
        m.churn_threshold_days,
        m.return_window_days,
        m.trend_window_days,
    ];
    if days.iter().any(|d| !(d.is_finite() && *d >= 0.0)) {
        return Err(invalid(
            "metrics",
            position,
            "the expected gap, churn threshold, return window and trend window are finite and non-negative",
        ));
    }
    if m.spend_trend.is_some_and(|rho| !rho.is_finite()) {
        return Err(invalid("spend_trend", position, "a spend trend is finite"));
    }
    if m.probability_alive
        .is_some_and(|p| !(0.0..=1.0).contains(&p))
    {
        return Err(invalid(
            "probability_alive",
            position,
            "P(alive) is in [0, 1]",
        ));
    }
    Ok(())
}

/// The fields of a [`Transitions`] as read, before the checks.
#[derive(serde::Deserialize)]
pub(super) struct TransitionsData {
    from: NaiveDate,
    to: NaiveDate,
    counts: [[u64; 7]; 7],
    revenue: [[Decimal; 7]; 7],
    acquired: [u64; 7],
    acquired_revenue: [Decimal; 7],
}

impl TryFrom<TransitionsData> for Transitions {
    type Error = LifecycleError;

    fn try_from(data: TransitionsData) -> Result<Self, LifecycleError> {
        if data.from > data.to {
            return Err(LifecycleError::TransitionsOutOfOrder {
                from: data.from,
                to: data.to,
            });
        }
        // Every sum the methods form is a partial sum of these two totals.
        let rows = data.counts.iter().chain(std::iter::once(&data.acquired));
        let mut customers = 0u64;
        for (row, counts) in rows.enumerate() {
            for &count in counts {
                customers = customers.checked_add(count).ok_or_else(|| {
                    invalid(
                        "counts",
                        row,
                        "the customers counted add up to at most 2^64 − 1",
                    )
                })?;
            }
        }
        let rows = data
            .revenue
            .iter()
            .chain(std::iter::once(&data.acquired_revenue));
        let mut revenue = Decimal::ZERO;
        for (row, amounts) in rows.enumerate() {
            for amount in amounts {
                revenue = revenue.checked_add(amount.abs()).ok_or_else(|| {
                    invalid(
                        "revenue",
                        row,
                        "the revenues add up, in absolute value, to at most Decimal::MAX",
                    )
                })?;
            }
        }
        Ok(Self {
            from: data.from,
            to: data.to,
            counts: data.counts,
            revenue: data.revenue,
            acquired: data.acquired,
            acquired_revenue: data.acquired_revenue,
        })
    }
}
