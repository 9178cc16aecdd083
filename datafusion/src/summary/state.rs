//! The partial state of `cv_summary`: a group's lines as read (each line's day and amount in
//! minor units) and its count of lines with a NULL day or amount, so DataFusion can ship them
//! between the phases of an aggregation, repartition them and spill them to disk.
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `days` | `List<Date32>` | each line's day |
//! | `amounts` | `List<Decimal128(38, 0)>` | each line's amount in minor units, at the argument's scale |
//! | `missing_lines` | `UInt64` | lines with a NULL day or amount |
//!
//! Why raw lines and not netted days: only the last phase nets, through the core's
//! [`CustomerLedger::add`](customer_value::summary::CustomerLedger::add), so every rule (late
//! lines, refund policy, excess scale, amount bounds) is applied once, by the core, to every
//! line, whatever the plan; and a state needs no check beyond its shape (a forged line is a line
//! the core judges like any other). A customer-day rarely has two lines, so netting early saved
//! little, and states of one line each (DataFusion skips the partial phase when it barely
//! reduces the rows) are the input columns themselves. The scale of the minor units is not in
//! the state: both phases read it from the same arguments.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Decimal128Array, ListArray, UInt64Array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Date32Type, Decimal128Type, Field, FieldRef};
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::utils::format_state_name;

use super::arguments::NAME;

/// The type of the amounts: minor units, 38 digits (any `i128` a line can hold in range).
pub(crate) const AMOUNT_TYPE: DataType = DataType::Decimal128(38, 0);

/// The list item field of a part.
fn item(data_type: DataType) -> FieldRef {
    Arc::new(Field::new_list_field(data_type, true))
}

/// The state's fields for an aggregate named `name`.
pub(crate) fn fields(name: &str) -> Vec<FieldRef> {
    let list = |part: &str, data_type: DataType| {
        let list = DataType::List(item(data_type));
        Arc::new(Field::new(format_state_name(name, part), list, true))
    };
    vec![
        list("days", DataType::Date32),
        list("amounts", AMOUNT_TYPE),
        Arc::new(Field::new(
            format_state_name(name, "missing_lines"),
            DataType::UInt64,
            true,
        )),
    ]
}

/// The state columns of rows whose lines are `days` and `amounts` (minor units, typed
/// [`AMOUNT_TYPE`]) cut at `offsets`, with `missing` NULL lines per row.
///
/// # Errors
///
/// Arrow's, when the offsets do not fit the values (the callers build them to fit).
pub(crate) fn state_columns(
    offsets: OffsetBuffer<i32>, days: Date32Array, amounts: Decimal128Array, missing: UInt64Array,
) -> Result<Vec<ArrayRef>> {
    let list = |data_type, values: ArrayRef| -> Result<ArrayRef> {
        let list = ListArray::try_new(item(data_type), offsets.clone(), values, None)?;
        Ok(Arc::new(list))
    };
    Ok(vec![
        list(DataType::Date32, Arc::new(days))?,
        list(AMOUNT_TYPE, Arc::new(amounts))?,
        Arc::new(missing),
    ])
}

/// States written group by group into shared columns.
#[derive(Debug, Default)]
pub(crate) struct StateBuilder {
    days: Vec<i32>,
    amounts: Vec<i128>,
    lengths: Vec<usize>,
    missing: Vec<u64>,
}

impl StateBuilder {
    /// Room for `groups` groups.
    pub(crate) fn with_capacity(groups: usize) -> Self {
        Self {
            lengths: Vec::with_capacity(groups),
            missing: Vec::with_capacity(groups),
            ..Self::default()
        }
    }

    /// Appends a group's state: its lines (day, minor units) and NULL lines.
    pub(crate) fn push(&mut self, lines: impl IntoIterator<Item = (i32, i128)>, missing: u64) {
        let start = self.days.len();
        for (day, minor) in lines {
            self.days.push(day);
            self.amounts.push(minor);
        }
        self.lengths.push(self.days.len() - start);
        self.missing.push(missing);
    }

    /// The state columns, a row per group pushed.
    ///
    /// # Errors
    ///
    /// Arrow's, for columns it refuses (none are expected).
    pub(crate) fn finish(self) -> Result<Vec<ArrayRef>> {
        let amounts = Decimal128Array::from(self.amounts).with_data_type(AMOUNT_TYPE);
        state_columns(
            OffsetBuffer::<i32>::from_lengths(self.lengths),
            Date32Array::from(self.days),
            amounts,
            UInt64Array::from(self.missing),
        )
    }

    /// One group's state as scalars (for the `Accumulator`).
    ///
    /// # Errors
    ///
    /// As [`StateBuilder::finish`].
    pub(crate) fn one(
        lines: impl IntoIterator<Item = (i32, i128)>, missing: u64,
    ) -> Result<Vec<ScalarValue>> {
        let mut builder = Self::with_capacity(1);
        builder.push(lines, missing);
        builder
            .finish()?
            .iter()
            .map(|column| ScalarValue::try_from_array(column, 0))
            .collect()
    }
}

/// State columns read back: each row's lines and NULL lines.
pub(crate) struct StateRows<'a> {
    offsets: &'a [i32],
    days: &'a [i32],
    amounts: &'a [i128],
    missing: &'a [u64],
}

impl<'a> StateRows<'a> {
    /// The state columns, checked to be those of [`fields`] without NULLs, both lists of one
    /// shape.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` and what is wrong otherwise.
    pub(crate) fn new(states: &'a [ArrayRef]) -> Result<Self> {
        let [days, amounts, missing] = states else {
            return Err(invalid(format!("{} columns, not 3", states.len())));
        };
        let list = |column: &'a ArrayRef| {
            column
                .as_list_opt::<i32>()
                .ok_or_else(|| invalid(format!("a part is {}, not a list", column.data_type())))
        };
        let (days, amounts) = (list(days)?, list(amounts)?);
        if days.value_offsets() != amounts.value_offsets() {
            return Err(invalid("the lists of a row have different lengths".into()));
        }
        let columns = [days.values(), amounts.values(), missing];
        if states.iter().chain(columns).any(|c| c.null_count() > 0) {
            return Err(invalid("a part is NULL".into()));
        }
        let wrong =
            |name: &str, column: &ArrayRef| invalid(format!("{name} holds {}", column.data_type()));
        let day_values = days.values().as_primitive_opt::<Date32Type>();
        let amount_values = amounts.values().as_primitive_opt::<Decimal128Type>();
        let missing_values = missing.as_primitive_opt::<datafusion::arrow::datatypes::UInt64Type>();
        Ok(Self {
            offsets: days.value_offsets(),
            days: day_values
                .ok_or_else(|| wrong("days", days.values()))?
                .values(),
            amounts: amount_values
                .ok_or_else(|| wrong("amounts", amounts.values()))?
                .values(),
            missing: missing_values
                .ok_or_else(|| wrong("missing_lines", missing))?
                .values(),
        })
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Each row's NULL lines.
    pub(crate) fn missing(&self) -> &'a [u64] {
        self.missing
    }

    /// The lines of all rows together.
    pub(crate) fn line_count(&self) -> usize {
        self.days.len()
    }

    /// Every row's day and amount, a row each, when every row holds exactly one line (the
    /// states of a skipped first phase); `None` otherwise.
    pub(crate) fn one_line_each(&self) -> Option<(&'a [i32], &'a [i128])> {
        let first = *self.offsets.first()? as usize;
        let one_each = self.offsets.windows(2).all(|w| w[1] - w[0] == 1);
        let rows = self.len();
        let days = self.days.get(first..first + rows)?;
        let amounts = self.amounts.get(first..first + rows)?;
        one_each.then_some((days, amounts))
    }

    /// Row `row`'s lines (days and amounts) and NULL lines.
    pub(crate) fn row(&self, row: usize) -> (&[i32], &[i128], u64) {
        let range = self.offsets[row] as usize..self.offsets[row + 1] as usize;
        (
            &self.days[range.clone()],
            &self.amounts[range],
            self.missing[row],
        )
    }
}

/// The error for a partial state that is not one `cv_summary` wrote.
fn invalid(problem: String) -> DataFusionError {
    DataFusionError::Execution(format!("{NAME}: invalid partial state: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_the_columns() {
        let mut builder = StateBuilder::with_capacity(3);
        builder.push([(19_730, 1_000), (19_723, 2_500), (19_730, -400)], 1);
        builder.push([], 0);
        builder.push([(19_800, i128::MAX)], 2);
        let columns = builder.finish().unwrap();
        let names: Vec<String> = fields("s").iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["s[days]", "s[amounts]", "s[missing_lines]"]);
        let rows = StateRows::new(&columns).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows.row(0),
            (&[19_730, 19_723, 19_730][..], &[1_000, 2_500, -400][..], 1)
        );
        assert_eq!(rows.row(1), (&[][..], &[][..], 0));
        assert_eq!(rows.row(2), (&[19_800][..], &[i128::MAX][..], 2));
    }

    #[test]
    fn rows_of_one_line_each_are_read_as_columns() {
        let mut builder = StateBuilder::with_capacity(3);
        builder.push([(5, 50)], 0);
        builder.push([(6, -60)], 2);
        builder.push([(7, 70)], 0);
        let columns = builder.finish().unwrap();
        let rows = StateRows::new(&columns).unwrap();
        assert_eq!(
            rows.one_line_each(),
            Some((&[5, 6, 7][..], &[50, -60, 70][..]))
        );
        assert_eq!((rows.missing(), rows.line_count()), (&[0, 2, 0][..], 3));
        // A slice of the columns starts at its own first line.
        let sliced: Vec<ArrayRef> = columns.iter().map(|c| c.slice(1, 2)).collect();
        let rows = StateRows::new(&sliced).unwrap();
        assert_eq!(rows.one_line_each(), Some((&[6, 7][..], &[-60, 70][..])));
        assert_eq!(rows.missing(), &[2, 0]);
        // Two lines in one row and none in another: read row by row.
        let mut builder = StateBuilder::with_capacity(2);
        builder.push([(5, 50), (6, 60)], 0);
        builder.push([], 1);
        let columns = builder.finish().unwrap();
        let rows = StateRows::new(&columns).unwrap();
        assert_eq!(rows.one_line_each(), None);
        assert_eq!(rows.line_count(), 2);
    }

    #[test]
    fn states_of_another_shape_are_refused_with_the_reason() {
        let columns = StateBuilder::default().finish().unwrap();
        let error = |states: &[ArrayRef]| StateRows::new(states).err().unwrap().to_string();
        assert!(error(&columns[..2]).contains("cv_summary: invalid partial state: 2 columns"));
        let swapped = [columns[2].clone(), columns[1].clone(), columns[0].clone()];
        assert!(
            error(&swapped).contains("not a list"),
            "{}",
            error(&swapped)
        );
        let mut builder = StateBuilder::default();
        builder.push([], 0);
        let mut one = builder.finish().unwrap();
        one[2] = Arc::new(UInt64Array::from(vec![None::<u64>]));
        assert!(error(&one).contains("a part is NULL"), "{}", error(&one));
    }
}
