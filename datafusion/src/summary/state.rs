//! The partial state of `cv_summary`: one customer's [`CustomerLedger`] as Arrow columns, its
//! [`LedgerParts`] one field each, so DataFusion can ship it between the phases of an
//! aggregation, repartition it and spill it to disk; and the way back, checked by
//! [`CustomerLedger::from_parts`].
//!
//! | field | type | part |
//! |---|---|---|
//! | `days` | `List<Date32>` | the days with counted lines, increasing |
//! | `net_amounts` | `List<Decimal128(38, 0)>` | each day's net amount in minor units |
//! | `has_refund` | `List<Boolean>` | whether a refund line was netted into the day |
//! | `counted_lines`, `late_lines`, `ignored_refunds`, `netted_refunds`, `excess_scale_lines`, `missing_lines` | `UInt64` | the ledger's counters |
//!
//! The scale of the minor units is not in the state: both phases read it from the same
//! arguments.

use std::sync::Arc;

use customer_value::summary::{CustomerLedger, LedgerParts};
use customer_value::Summarizer;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Decimal128Array, ListArray, UInt64Array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Field, FieldRef, UInt64Type,
};
use datafusion::common::{exec_err, DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::utils::format_state_name;

use super::arguments::NAME;

/// The names of the counter fields, in the order of [`counters`].
const COUNTERS: [&str; 6] = [
    "counted_lines",
    "late_lines",
    "ignored_refunds",
    "netted_refunds",
    "excess_scale_lines",
    "missing_lines",
];

/// The largest magnitude of a `Decimal128(38, 0)`: 10^38 − 1.
const MAX_NET: i128 = 10i128.pow(38) - 1;

/// The type of a day's net amount in the state: minor units, whatever the amounts' scale.
const NET_TYPE: DataType = DataType::Decimal128(38, 0);

/// The counters of parts, in the order of [`COUNTERS`].
fn counters(parts: &LedgerParts) -> [u64; 6] {
    [
        parts.counted_lines,
        parts.late_lines,
        parts.ignored_refunds,
        parts.netted_refunds,
        parts.excess_scale_lines,
        parts.missing_lines,
    ]
}

/// The item field of each list column.
fn item(data_type: DataType) -> FieldRef {
    Arc::new(Field::new_list_field(data_type, true))
}

/// The state fields of the aggregate `name` (the names DataFusion's plan shows).
pub(crate) fn fields(name: &str) -> Vec<FieldRef> {
    let list = |part: &str, data_type: DataType| {
        let list = DataType::List(item(data_type));
        Arc::new(Field::new(format_state_name(name, part), list, true))
    };
    let mut fields = vec![
        list("days", DataType::Date32),
        list("net_amounts", NET_TYPE),
        list("has_refund", DataType::Boolean),
    ];
    fields.extend(COUNTERS.iter().map(|counter| {
        Arc::new(Field::new(
            format_state_name(name, counter),
            DataType::UInt64,
            true,
        ))
    }));
    fields
}

/// The state columns of these ledgers' parts, one row each, in the order of [`fields`].
///
/// # Errors
///
/// An execution error when a net amount is beyond a `Decimal128(38, 0)` (±10^38, which only
/// more than 10^17 lines of the largest amount could reach).
pub(crate) fn encode(parts: &[LedgerParts]) -> Result<Vec<ArrayRef>> {
    let offsets = OffsetBuffer::from_lengths(parts.iter().map(|p| p.days.len()));
    let days = Date32Array::from_iter_values(parts.iter().flat_map(|p| p.days.iter().copied()));
    let nets: Vec<i128> = parts
        .iter()
        .flat_map(|p| p.net_amounts.iter().copied())
        .collect();
    if let Some(net) = nets
        .iter()
        .find(|net| net.unsigned_abs() > MAX_NET.unsigned_abs())
    {
        return exec_err!("{NAME}: a day's net amount of {net} minor units is beyond the 38 digits of the partial state");
    }
    let nets = Decimal128Array::from(nets).with_data_type(NET_TYPE);
    let refunds: BooleanArray = parts
        .iter()
        .flat_map(|p| p.has_refund.iter().map(|&r| Some(r)))
        .collect();
    let list = |data_type, values: ArrayRef| -> Result<ArrayRef> {
        Ok(Arc::new(ListArray::try_new(
            item(data_type),
            offsets.clone(),
            values,
            None,
        )?))
    };
    let mut columns = vec![
        list(DataType::Date32, Arc::new(days))?,
        list(NET_TYPE, Arc::new(nets))?,
        list(DataType::Boolean, Arc::new(refunds))?,
    ];
    for k in 0..COUNTERS.len() {
        let counter = UInt64Array::from_iter_values(parts.iter().map(|p| counters(p)[k]));
        columns.push(Arc::new(counter));
    }
    Ok(columns)
}

/// [`encode`] for one ledger, as the scalar values of [`Accumulator::state`](datafusion::logical_expr::Accumulator::state).
///
/// # Errors
///
/// As [`encode`].
pub(crate) fn encode_one(parts: LedgerParts) -> Result<Vec<ScalarValue>> {
    encode(&[parts])?
        .iter()
        .map(|column| ScalarValue::try_from_array(column, 0))
        .collect()
}

/// Partial states as DataFusion hands them to `merge_batch`: a row per ledger.
pub(crate) struct StateRows<'a> {
    days: &'a ListArray,
    nets: &'a ListArray,
    refunds: &'a ListArray,
    counters: Vec<&'a UInt64Array>,
}

impl<'a> StateRows<'a> {
    /// The state columns, checked to be those of [`fields`].
    ///
    /// # Errors
    ///
    /// An execution error naming the column when there are not 9 columns of the state's types.
    pub(crate) fn new(states: &'a [ArrayRef]) -> Result<Self> {
        if states.len() != 3 + COUNTERS.len() {
            return exec_err!(
                "{NAME}: a partial state has {} columns, not {}",
                states.len(),
                3 + COUNTERS.len()
            );
        }
        let list = |k: usize| {
            states[k]
                .as_list_opt::<i32>()
                .ok_or_else(|| invalid(format!("column {k} is not a list")))
        };
        let counters = COUNTERS
            .iter()
            .zip(&states[3..])
            .map(|(name, column)| {
                column
                    .as_primitive_opt::<UInt64Type>()
                    .ok_or_else(|| invalid(format!("{name} is not UInt64")))
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            days: list(0)?,
            nets: list(1)?,
            refunds: list(2)?,
            counters,
        })
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.days.len()
    }

    /// The ledger of row `row`, rebuilt and checked against `summarizer` at `scale`.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` when a value is NULL or the parts are not those
    /// of a ledger with these settings ([`CustomerLedger::from_parts`] says why).
    pub(crate) fn ledger(
        &self, row: usize, summarizer: &Summarizer, scale: u32,
    ) -> Result<CustomerLedger> {
        let mut counts = [0u64; 6];
        for ((count, column), name) in counts.iter_mut().zip(&self.counters).zip(COUNTERS) {
            if column.is_null(row) {
                return Err(invalid(format!("{name} is NULL in row {row}")));
            }
            *count = column.value(row);
        }
        let [counted_lines, late_lines, ignored_refunds, netted_refunds, excess_scale_lines, missing_lines] =
            counts;
        let parts = LedgerParts {
            scale,
            days: list_row::<Date32Type>(self.days, row)?,
            net_amounts: list_row::<Decimal128Type>(self.nets, row)?,
            has_refund: refund_row(self.refunds, row)?,
            counted_lines,
            late_lines,
            ignored_refunds,
            netted_refunds,
            excess_scale_lines,
            missing_lines,
        };
        CustomerLedger::from_parts(summarizer, parts).map_err(|e| invalid(e.to_string()))
    }
}

/// The values of row `row` of a list of primitives, none NULL.
fn list_row<T: datafusion::arrow::datatypes::ArrowPrimitiveType>(
    list: &ListArray, row: usize,
) -> Result<Vec<T::Native>> {
    let values = non_null_row(list, row)?;
    let values = values.as_primitive_opt::<T>().ok_or_else(|| {
        invalid(format!(
            "the list in row {row} holds {}",
            values.data_type()
        ))
    })?;
    Ok(values.values().to_vec())
}

/// The flags of row `row` of the `has_refund` list, none NULL.
fn refund_row(list: &ListArray, row: usize) -> Result<Vec<bool>> {
    let values = non_null_row(list, row)?;
    let flags = values.as_boolean_opt().ok_or_else(|| {
        invalid(format!(
            "has_refund in row {row} holds {}",
            values.data_type()
        ))
    })?;
    Ok(flags.values().iter().collect())
}

/// The values of row `row` of a list, checked to be present and free of NULLs.
fn non_null_row(list: &ListArray, row: usize) -> Result<ArrayRef> {
    if list.is_null(row) {
        return Err(invalid(format!("a list is NULL in row {row}")));
    }
    let values = list.value(row);
    if values.null_count() > 0 {
        return Err(invalid(format!("a list in row {row} holds NULLs")));
    }
    Ok(values)
}

/// The error for a partial state that is not one `cv_summary` wrote.
fn invalid(problem: String) -> DataFusionError {
    DataFusionError::Execution(format!("{NAME}: invalid partial state: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn ledgers_round_trip_through_the_columns() {
        let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        let summarizer = Summarizer::new(end);
        let mut first = summarizer.ledger(2).unwrap();
        for (day, cents) in [
            (19_730, 1_000i64),
            (19_723, 2_500),
            (19_730, -400),
            (19_800, 5),
        ] {
            first.add(day, cents).unwrap();
        }
        first.add_missing();
        let empty = summarizer.ledger(2).unwrap();
        let parts = [first.into_parts().unwrap(), empty.into_parts().unwrap()];
        let columns = encode(&parts).unwrap();
        let names: Vec<String> = fields("s").iter().map(|f| f.name().clone()).collect();
        assert_eq!(names[0], "s[days]");
        assert_eq!(columns.len(), names.len());
        let rows = StateRows::new(&columns).unwrap();
        assert_eq!(rows.len(), 2);
        for (row, expected) in parts.iter().enumerate() {
            let ledger = rows.ledger(row, &summarizer, 2).unwrap();
            assert_eq!(&ledger.into_parts().unwrap(), expected);
        }
        let first = &parts[0];
        assert_eq!(
            (first.days.as_slice(), first.net_amounts.as_slice()),
            (&[19_723, 19_730][..], &[2_500, 600][..])
        );
        assert_eq!(
            (first.late_lines, first.missing_lines, first.netted_refunds),
            (1, 1, 1)
        );
        // The same parts under other settings are refused: a netted refund under "ignore".
        let ignoring = summarizer.refund_policy(customer_value::RefundPolicy::Ignore);
        let error = rows.ledger(0, &ignoring, 2).unwrap_err().to_string();
        assert!(
            error.contains("cv_summary: invalid partial state"),
            "{error}"
        );
    }

    #[test]
    fn a_net_beyond_38_digits_is_an_error_not_a_wrapped_value() {
        let parts = LedgerParts {
            scale: 0,
            days: vec![1],
            net_amounts: vec![10i128.pow(38)],
            has_refund: vec![false],
            counted_lines: 1,
            ..LedgerParts::default()
        };
        assert!(encode(&[parts])
            .unwrap_err()
            .to_string()
            .contains("beyond the 38 digits"));
    }
}
