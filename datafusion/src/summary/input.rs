//! The input lines of a batch: each row's day (`DATE`, days since 1970-01-01) and amount in
//! minor units (a `DECIMAL(38, s)`'s integer, or `BIGINT`), or the fact that one is NULL.

use customer_value::summary::{CustomerLedger, SummaryError};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, PrimitiveArray};
use datafusion::arrow::datatypes::{ArrowPrimitiveType, Date32Type, Decimal128Type, Int64Type};
use datafusion::common::{internal_err, DataFusionError, Result};

use super::arguments::NAME;

/// One row of the input, as a ledger takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// A day and an amount in minor units.
    Counted {
        /// Days since 1970-01-01.
        day: i32,
        /// The amount in minor units.
        minor: i128,
    },
    /// The day or the amount is NULL: counted in the NULL-line field only.
    Missing,
}

impl Line {
    /// Feeds the line to `ledger`.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` when the ledger refuses the line (a day outside
    /// the calendar, an amount beyond ±10^18, a late line or a refund under a rejecting policy).
    #[inline]
    pub(crate) fn add_to(self, ledger: &mut CustomerLedger) -> Result<()> {
        match self {
            Line::Counted { day, minor } => ledger.add(day, minor).map_err(refused),
            Line::Missing => {
                ledger.add_missing();
                Ok(())
            }
        }
    }
}

/// The error for a line a ledger refused.
#[cold]
fn refused(error: SummaryError) -> DataFusionError {
    DataFusionError::Execution(format!(
        "{NAME}: a line was refused (its position counts one customer's lines in one partition): {error}"
    ))
}

/// Calls `visit(row, line)` for each row of the first two argument arrays (day and amount) that
/// `filter` keeps (every row without a filter; a NULL in the filter drops the row).
///
/// # Errors
///
/// An internal error when the arrays are not the coerced `DATE` and `DECIMAL(38, s)` / `BIGINT`
/// (DataFusion's type coercion gives those); otherwise the first error of `visit`.
pub(crate) fn for_each_line(
    values: &[ArrayRef], filter: Option<&BooleanArray>,
    visit: impl FnMut(usize, Line) -> Result<()>,
) -> Result<()> {
    let (Some(days), Some(amounts)) = (values.first(), values.get(1)) else {
        return internal_err!("{NAME}: expected the day and amount arrays");
    };
    let Some(days) = days.as_primitive_opt::<Date32Type>() else {
        return internal_err!("{NAME}: the day array is {}, not Date32", days.data_type());
    };
    if let Some(amounts) = amounts.as_primitive_opt::<Decimal128Type>() {
        lines(days, amounts, filter, visit)
    } else if let Some(amounts) = amounts.as_primitive_opt::<Int64Type>() {
        lines(days, amounts, filter, visit)
    } else {
        internal_err!(
            "{NAME}: the amount array is {}, not Decimal128 or Int64",
            amounts.data_type()
        )
    }
}

/// [`for_each_line`] for one type of amounts.
fn lines<T>(
    days: &PrimitiveArray<Date32Type>, amounts: &PrimitiveArray<T>, filter: Option<&BooleanArray>,
    mut visit: impl FnMut(usize, Line) -> Result<()>,
) -> Result<()>
where
    T: ArrowPrimitiveType,
    T::Native: Into<i128>,
{
    let (day_values, amount_values) = (days.values(), amounts.values());
    let has_nulls = days.null_count() > 0 || amounts.null_count() > 0;
    for row in 0..days.len() {
        if filter.is_some_and(|f| !f.is_valid(row) || !f.value(row)) {
            continue;
        }
        let line = if has_nulls && (days.is_null(row) || amounts.is_null(row)) {
            Line::Missing
        } else {
            Line::Counted {
                day: day_values[row],
                minor: amount_values[row].into(),
            }
        };
        visit(row, line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Date32Array, Decimal128Array, Int64Array};
    use std::sync::Arc;

    fn collect(values: &[ArrayRef], filter: Option<&BooleanArray>) -> Vec<(usize, Line)> {
        let mut seen = Vec::new();
        for_each_line(values, filter, |row, line| {
            seen.push((row, line));
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn nulls_are_missing_lines_and_the_filter_drops_rows() {
        let days: ArrayRef = Arc::new(Date32Array::from(vec![Some(10), None, Some(12), Some(13)]));
        let cents: ArrayRef = Arc::new(Int64Array::from(vec![Some(-5), Some(7), None, Some(9)]));
        let counted = |day, minor| Line::Counted { day, minor };
        assert_eq!(
            collect(&[days.clone(), cents.clone()], None),
            [
                (0, counted(10, -5)),
                (1, Line::Missing),
                (2, Line::Missing),
                (3, counted(13, 9))
            ]
        );
        let filter = BooleanArray::from(vec![Some(true), Some(false), None, Some(true)]);
        assert_eq!(
            collect(&[days, cents], Some(&filter)),
            [(0, counted(10, -5)), (3, counted(13, 9))]
        );
    }

    #[test]
    fn decimals_give_their_integer_in_minor_units() {
        let days: ArrayRef = Arc::new(Date32Array::from(vec![1]));
        let big = 10i128.pow(30) + 7;
        let amounts = Decimal128Array::from(vec![big])
            .with_precision_and_scale(38, 4)
            .unwrap();
        let lines = collect(&[days, Arc::new(amounts)], None);
        assert_eq!(lines, [(0, Line::Counted { day: 1, minor: big })]);
    }
}
