//! The checks that a KPI value is one the computation could have produced: counts that contain
//! each other, a positive revenue base, shares in [0, 1].
//!
//! [`PeriodKpis`] and [`RevenueRetention`] have public fields and every KPI value can be read back
//! with serde, so a caller can hold a value no computation made (`retained` above
//! `customers_at_start`, a base revenue of zero). Reading back runs these checks and refuses such
//! a value with the [`KpiError`] message; the rates run them first, so that a value changed by
//! hand gives a typed error instead of an integer underflow or a division by zero.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::revenue::nobody_in_the_base;
#[cfg(feature = "serde")]
use super::{CohortCell, CohortMatrix, CohortPeriod, CohortRow};
use super::{KpiError, PeriodKpis, RevenueRetention};

/// `Err(InvalidParameter)` naming `name` when `value` > `bound`.
fn at_most(
    name: &'static str, value: u64, bound: u64, constraint: &'static str,
) -> Result<(), KpiError> {
    if value > bound {
        return Err(KpiError::InvalidParameter {
            name,
            value: value as f64,
            constraint,
        });
    }
    Ok(())
}

/// The period's own check: it ends on or after its start.
fn check_period(start: NaiveDate, end: NaiveDate) -> Result<(), KpiError> {
    if end < start {
        return Err(KpiError::PeriodEndsBeforeStart { start, end });
    }
    Ok(())
}

impl PeriodKpis {
    /// Checks what [`PeriodKpis::compute`] guarantees: L is the period's length, the retained,
    /// new and repeat customers are among the ones they are counted from, and every buyer has
    /// an occasion (every repeat customer two).
    pub(super) fn check_consistent(&self) -> Result<(), KpiError> {
        check_period(self.start, self.end)?;
        if self.length_days != (self.end - self.start).num_days() + 1 {
            return Err(KpiError::InvalidParameter {
                name: "length_days",
                value: self.length_days as f64,
                constraint: "must be the days from start to end, both included",
            });
        }
        let (s, e) = (self.customers_at_start, self.customers_at_end);
        at_most("retained", self.retained, s, "must be ≤ customers_at_start")?;
        at_most("retained", self.retained, e, "must be ≤ customers_at_end")?;
        at_most(
            "new_customers",
            self.new_customers,
            e,
            "must be ≤ customers_at_end",
        )?;
        let repeat = self.repeat_customers;
        at_most("repeat_customers", repeat, e, "must be ≤ customers_at_end")?;
        let fewest = e.saturating_add(repeat);
        if self.occasions < fewest || (e == 0 && self.occasions > 0) {
            return Err(KpiError::InvalidParameter {
                name: "occasions",
                value: self.occasions as f64,
                constraint:
                    "must be at least customers_at_end + repeat_customers, and 0 when nobody bought",
            });
        }
        Ok(())
    }
}

impl RevenueRetention {
    /// Checks what [`RevenueRetention::compute`] guarantees: a base with positive revenue, and
    /// capped revenue between zero and it.
    pub(super) fn check_consistent(&self) -> Result<(), KpiError> {
        check_period(self.start, self.end)?;
        if self.base_customers == 0 || self.base_revenue <= Decimal::ZERO {
            return Err(nobody_in_the_base(self.start, self.end));
        }
        if self.capped_revenue < Decimal::ZERO || self.capped_revenue > self.base_revenue {
            return Err(KpiError::InvalidParameter {
                name: "capped_revenue",
                value: crate::numeric::money::to_f64(self.capped_revenue),
                constraint: "must be between 0 and base_revenue",
            });
        }
        Ok(())
    }
}

/// Checks one cohort row (read back only): at least one member, cells numbered 0, 1, … whose counts are within
/// the cohort and whose shares are in [0, 1].
#[cfg(feature = "serde")]
fn check_row(row: &CohortRow) -> Result<(), KpiError> {
    if row.size == 0 {
        return Err(KpiError::InvalidParameter {
            name: "rows.size",
            value: 0.0,
            constraint: "must be ≥ 1: a row is a cohort with members",
        });
    }
    for (k, cell) in row.cells.iter().enumerate() {
        if cell.period != k {
            return Err(KpiError::InvalidParameter {
                name: "rows.cells.period",
                value: cell.period as f64,
                constraint: "must number the cells 0, 1, … in order",
            });
        }
        check_cell(cell, row.size)?;
    }
    Ok(())
}

#[cfg(feature = "serde")]
fn check_cell(cell: &CohortCell, size: u64) -> Result<(), KpiError> {
    let later = cell.active_then_or_later;
    at_most(
        "rows.cells.active",
        cell.active,
        later,
        "must be ≤ active_then_or_later",
    )?;
    at_most(
        "rows.cells.active_then_or_later",
        later,
        size,
        "must be ≤ the cohort's size",
    )?;
    for (name, share) in [
        ("rows.cells.retention", cell.retention),
        ("rows.cells.unbounded_retention", cell.unbounded_retention),
    ] {
        if !(0.0..=1.0).contains(&share) {
            return Err(KpiError::InvalidParameter {
                name,
                value: share,
                constraint: "must be a share in [0, 1]",
            });
        }
    }
    Ok(())
}

#[cfg(feature = "serde")]
impl CohortMatrix {
    /// Checks what [`CohortMatrix::build`] guarantees of its rows: in time order, each a cohort
    /// with members and consistent cells.
    pub(super) fn check_consistent(&self) -> Result<(), KpiError> {
        let rows = self.rows();
        if let Some(position) = (1..rows.len()).find(|&i| rows[i - 1].start >= rows[i].start) {
            return Err(KpiError::InvalidParameter {
                name: "rows.start",
                value: position as f64,
                constraint:
                    "rows must be in time order, one per cohort (value: the first row out of order)",
            });
        }
        self.rows().iter().try_for_each(check_row)
    }
}

/// Defines `$data`, the fields of `$kpi` as read, and the reading back of `$kpi` that runs its
/// `check_consistent` (named by `serde(try_from)` on the type).
macro_rules! read_back_checked {
    ($kpi:ident, $data:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[doc = concat!("The fields of a [`", stringify!($kpi), "`] as read, before its check.")]
        #[cfg(feature = "serde")]
        #[derive(serde::Deserialize)]
        pub(super) struct $data {
            $($field: $ty),*
        }

        #[cfg(feature = "serde")]
        impl TryFrom<$data> for $kpi {
            type Error = KpiError;

            fn try_from(data: $data) -> Result<Self, KpiError> {
                let value = $kpi { $($field: data.$field),* };
                value.check_consistent()?;
                Ok(value)
            }
        }
    };
}

read_back_checked!(
    PeriodKpis,
    PeriodKpisData {
        start: NaiveDate,
        end: NaiveDate,
        length_days: i64,
        customers_at_start: u64,
        retained: u64,
        customers_at_end: u64,
        new_customers: u64,
        repeat_customers: u64,
        occasions: u64,
        revenue: Decimal,
    }
);

read_back_checked!(
    RevenueRetention,
    RevenueRetentionData {
        start: NaiveDate,
        end: NaiveDate,
        base_customers: u64,
        base_revenue: Decimal,
        retained_revenue: Decimal,
        capped_revenue: Decimal,
    }
);

read_back_checked!(CohortMatrix, CohortMatrixData {
    period: CohortPeriod,
    as_of: NaiveDate,
    rows: Vec<CohortRow>,
});
