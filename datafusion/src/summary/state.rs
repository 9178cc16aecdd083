//! The partial state of `cv_summary`: a group's lines as read (each line's day and amount in
//! minor units) and its count of lines with a NULL day or amount, so DataFusion can ship them
//! between the phases of an aggregation, repartition them and spill them to disk.
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `day` | `Date32` | the first line's day; NULL when the group has no line |
//! | `amount` | `Decimal128(38, 0)` | the first line's amount in minor units, at the argument's scale; NULL with `day` |
//! | `more_lines` | `Binary` | the other lines, 20 bytes each: the day (`i32`) then the amount (`i128`), little-endian |
//! | `missing_lines` | `UInt64` | lines with a NULL day or amount |
//!
//! Why raw lines and not netted days: only the last phase nets, through the core's
//! [`CustomerLedger::add`](customer_value::summary::CustomerLedger::add), so every rule (late
//! lines, refund policy, excess scale, amount bounds) is applied once, by the core, to every
//! line, whatever the plan; and a state needs no check beyond its shape (a forged line is a line
//! the core judges like any other). A customer-day rarely has two lines, so netting early saved
//! little. The scale of the minor units is not in the state: both phases read it from the same
//! arguments.
//!
//! Why the first line apart, and the rest as bytes: when DataFusion skips the first phase (it
//! barely reduces the rows: a million customers of ten lines each), every input row becomes a
//! state of one line. Those states are then the input columns themselves, and `more_lines` is
//! empty; DataFusion's repartition takes them with its fast kernels for flat columns and bytes.
//! As two lists (days, amounts), each row was copied through Arrow's generic per-row path: 8%
//! of a 10M-line query (`perf`).

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, Date32Array, Decimal128Array, UInt64Array,
};
use datafusion::arrow::buffer::{Buffer, NullBuffer, OffsetBuffer};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Field, FieldRef, UInt64Type,
};
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::utils::format_state_name;

use super::arguments::NAME;

/// The type of the amounts: minor units, 38 digits (any `i128` a line can hold in range).
pub(crate) const AMOUNT_TYPE: DataType = DataType::Decimal128(38, 0);

/// The bytes of a line in `more_lines`: a day (`i32`) and an amount (`i128`).
const LINE_BYTES: usize = 20;

/// The state's fields for an aggregate named `name`.
pub(crate) fn fields(name: &str) -> Vec<FieldRef> {
    let field = |part: &str, data_type: DataType| {
        Arc::new(Field::new(format_state_name(name, part), data_type, true))
    };
    vec![
        field("day", DataType::Date32),
        field("amount", AMOUNT_TYPE),
        field("more_lines", DataType::Binary),
        field("missing_lines", DataType::UInt64),
    ]
}

/// The states of rows that each hold exactly one line, `days` and `amounts` (minor units, typed
/// [`AMOUNT_TYPE`], neither with a NULL), without copying them.
pub(crate) fn one_line_states(days: Date32Array, amounts: Decimal128Array) -> Vec<ArrayRef> {
    let rows = days.len();
    let no_more = BinaryArray::new(
        OffsetBuffer::new_zeroed(rows),
        Buffer::from_vec(Vec::<u8>::new()),
        None,
    );
    vec![
        Arc::new(days),
        Arc::new(amounts),
        Arc::new(no_more),
        Arc::new(UInt64Array::from(vec![0u64; rows])),
    ]
}

/// States written group by group into shared columns.
#[derive(Debug, Default)]
pub(crate) struct StateBuilder {
    first_days: Vec<i32>,
    first_amounts: Vec<i128>,
    /// Whether each group has a first line.
    has_line: Vec<bool>,
    more: Vec<u8>,
    more_lengths: Vec<usize>,
    missing: Vec<u64>,
}

impl StateBuilder {
    /// Room for `groups` groups.
    pub(crate) fn with_capacity(groups: usize) -> Self {
        Self {
            first_days: Vec::with_capacity(groups),
            first_amounts: Vec::with_capacity(groups),
            has_line: Vec::with_capacity(groups),
            more_lengths: Vec::with_capacity(groups),
            missing: Vec::with_capacity(groups),
            ..Self::default()
        }
    }

    /// Appends a group's state: its lines (day, minor units) and NULL lines.
    pub(crate) fn push(&mut self, lines: impl IntoIterator<Item = (i32, i128)>, missing: u64) {
        let mut lines = lines.into_iter();
        let first = lines.next();
        let (day, amount) = first.unwrap_or_default();
        self.first_days.push(day);
        self.first_amounts.push(amount);
        self.has_line.push(first.is_some());
        let start = self.more.len();
        for (day, amount) in lines {
            self.more.extend_from_slice(&day.to_le_bytes());
            self.more.extend_from_slice(&amount.to_le_bytes());
        }
        self.more_lengths.push(self.more.len() - start);
        self.missing.push(missing);
    }

    /// The state columns, a row per group pushed.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` when the lines past each group's first take more
    /// than 2 GiB (107 million lines) in one batch of states.
    pub(crate) fn finish(self) -> Result<Vec<ArrayRef>> {
        if i32::try_from(self.more.len()).is_err() {
            return Err(DataFusionError::Execution(format!(
                "{NAME}: {} bytes of lines in one batch of partial states, more than a Binary \
                 column holds: lower datafusion.execution.batch_size",
                self.more.len()
            )));
        }
        let valid = NullBuffer::from(self.has_line);
        let valid = (valid.null_count() > 0).then_some(valid);
        let days = Date32Array::new(self.first_days.into(), valid.clone());
        let amounts =
            Decimal128Array::new(self.first_amounts.into(), valid).with_data_type(AMOUNT_TYPE);
        let offsets = OffsetBuffer::<i32>::from_lengths(self.more_lengths);
        let more = BinaryArray::new(offsets, Buffer::from_vec(self.more), None);
        Ok(vec![
            Arc::new(days),
            Arc::new(amounts),
            Arc::new(more),
            Arc::new(UInt64Array::from(self.missing)),
        ])
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
    first_days: &'a [i32],
    first_amounts: &'a [i128],
    /// Which rows have a first line; `None` when all have.
    has_line: Option<&'a NullBuffer>,
    more: &'a BinaryArray,
    missing: &'a [u64],
}

impl<'a> StateRows<'a> {
    /// The state columns, checked to be those of [`fields`]: `day` and `amount` NULL together,
    /// `more_lines` whole lines, no other NULL.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` and what is wrong otherwise.
    pub(crate) fn new(states: &'a [ArrayRef]) -> Result<Self> {
        let [days, amounts, more, missing] = states else {
            return Err(invalid(format!("{} columns, not 4", states.len())));
        };
        let wrong =
            |name: &str, column: &ArrayRef| invalid(format!("{name} holds {}", column.data_type()));
        let days = days
            .as_primitive_opt::<Date32Type>()
            .ok_or_else(|| wrong("day", days))?;
        let amounts = amounts
            .as_primitive_opt::<Decimal128Type>()
            .ok_or_else(|| wrong("amount", amounts))?;
        let more = more
            .as_binary_opt::<i32>()
            .ok_or_else(|| wrong("more_lines", more))?;
        let missing = missing
            .as_primitive_opt::<UInt64Type>()
            .ok_or_else(|| wrong("missing_lines", missing))?;
        if days.nulls() != amounts.nulls() {
            return Err(invalid("a row has a day without an amount".into()));
        }
        if more.null_count() > 0 || missing.null_count() > 0 {
            return Err(invalid("more_lines or missing_lines is NULL".into()));
        }
        let lengths = more.value_offsets().windows(2).map(|w| w[1] - w[0]);
        if lengths
            .into_iter()
            .any(|n| !(n as usize).is_multiple_of(LINE_BYTES))
        {
            return Err(invalid(format!(
                "more_lines is not made of {LINE_BYTES}-byte lines"
            )));
        }
        Ok(Self {
            first_days: days.values(),
            first_amounts: amounts.values(),
            has_line: days.nulls(),
            more,
            missing: missing.values(),
        })
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.first_days.len()
    }

    /// Each row's NULL lines.
    pub(crate) fn missing(&self) -> &'a [u64] {
        self.missing
    }

    /// An upper bound of the lines of all rows together.
    pub(crate) fn line_count(&self) -> usize {
        let more = self.more.value_offsets();
        let more_bytes = more.last().copied().unwrap_or(0) - more.first().copied().unwrap_or(0);
        self.len() + more_bytes as usize / LINE_BYTES
    }

    /// Every row's day and amount, a row each, when every row holds exactly one line (the
    /// states of a skipped first phase); `None` otherwise.
    pub(crate) fn one_line_each(&self) -> Option<(&'a [i32], &'a [i128])> {
        let more = self.more.value_offsets();
        let no_more = more.first() == more.last();
        (no_more && self.has_line.is_none()).then_some((self.first_days, self.first_amounts))
    }

    /// Row `row`'s lines (day, minor units) and NULL lines.
    pub(crate) fn row(&self, row: usize) -> (impl Iterator<Item = (i32, i128)> + 'a, u64) {
        let has_first = self.has_line.is_none_or(|valid| valid.is_valid(row));
        let first = has_first.then(|| (self.first_days[row], self.first_amounts[row]));
        let more = self.more.value(row).chunks_exact(LINE_BYTES).map(|line| {
            let (day, amount) = line.split_at(4);
            // `chunks_exact` gives 20 bytes: the two conversions cannot fail.
            let day = i32::from_le_bytes(day.try_into().unwrap_or_default());
            let amount = i128::from_le_bytes(amount.try_into().unwrap_or_default());
            (day, amount)
        });
        (first.into_iter().chain(more), self.missing[row])
    }
}

/// The error for a partial state that is not one `cv_summary` wrote.
fn invalid(problem: String) -> DataFusionError {
    DataFusionError::Execution(format!("{NAME}: invalid partial state: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(rows: &StateRows, row: usize) -> (Vec<(i32, i128)>, u64) {
        let (lines, missing) = rows.row(row);
        (lines.collect(), missing)
    }

    #[test]
    fn states_round_trip_through_the_columns() {
        let mut builder = StateBuilder::with_capacity(3);
        builder.push([(19_730, 1_000), (19_723, 2_500), (19_730, -400)], 1);
        builder.push([], 0);
        builder.push([(19_800, i128::MAX)], 2);
        let columns = builder.finish().unwrap();
        let names: Vec<String> = fields("s").iter().map(|f| f.name().clone()).collect();
        assert_eq!(
            names,
            ["s[day]", "s[amount]", "s[more_lines]", "s[missing_lines]"]
        );
        let rows = StateRows::new(&columns).unwrap();
        assert_eq!(rows.len(), 3);
        let three = vec![(19_730, 1_000), (19_723, 2_500), (19_730, -400)];
        assert_eq!(lines_of(&rows, 0), (three, 1));
        assert_eq!(lines_of(&rows, 1), (vec![], 0));
        assert_eq!(lines_of(&rows, 2), (vec![(19_800, i128::MAX)], 2));
        assert_eq!(rows.one_line_each(), None);
        assert_eq!(rows.line_count(), 3 + 2);
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
        // The input columns themselves, as a skipped first phase gives them.
        let days = Date32Array::from(vec![8, 9]);
        let amounts = Decimal128Array::from(vec![80, -90]).with_data_type(AMOUNT_TYPE);
        let columns = one_line_states(days, amounts);
        let rows = StateRows::new(&columns).unwrap();
        assert_eq!(rows.one_line_each(), Some((&[8, 9][..], &[80, -90][..])));
        assert_eq!(lines_of(&rows, 1), (vec![(9, -90)], 0));
    }

    #[test]
    fn states_of_another_shape_are_refused_with_the_reason() {
        let mut builder = StateBuilder::default();
        builder.push([(1, 10), (2, 20)], 0);
        let columns = builder.finish().unwrap();
        let error = |states: &[ArrayRef]| StateRows::new(states).err().unwrap().to_string();
        assert!(error(&columns[..2]).contains("cv_summary: invalid partial state: 2 columns"));
        let mut swapped = columns.clone();
        swapped.swap(0, 3);
        assert!(
            error(&swapped).contains("day holds UInt64"),
            "{}",
            error(&swapped)
        );
        let mut null_missing = columns.clone();
        null_missing[3] = Arc::new(UInt64Array::from(vec![None::<u64>]));
        let message = error(&null_missing);
        assert!(message.contains("missing_lines is NULL"), "{message}");
        let mut day_alone = columns.clone();
        day_alone[1] = Arc::new(Decimal128Array::from(vec![None::<i128>]));
        let message = error(&day_alone);
        assert!(message.contains("a day without an amount"), "{message}");
        let mut torn = columns;
        torn[2] = Arc::new(BinaryArray::from(vec![&[0u8; 19][..]]));
        let message = error(&torn);
        assert!(message.contains("20-byte lines"), "{message}");
    }
}
