//! The partial state of `cv_summary`: customers' [`CustomerLedger`]s as Arrow columns, a row
//! per ledger and a field per part of [`LedgerParts`](customer_value::summary::LedgerParts), so
//! DataFusion can ship them between the phases of an aggregation, repartition them and spill
//! them to disk; and the way back into ledgers, checked as
//! [`CustomerLedger::from_parts`] checks. Both ways go through the core's shared-column calls
//! ([`CustomerLedger::append_parts`], [`CustomerLedger::merge_parts`]): no vector per row.
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

use customer_value::summary::{CustomerLedger, LedgerCounters};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Decimal128Array, ListArray, UInt64Array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Field, FieldRef, UInt64Type,
};
use datafusion::common::{exec_err, DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::utils::format_state_name;

use super::accumulator::ledger_error;
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

/// Counters in the order of [`COUNTERS`].
fn counters(c: &LedgerCounters) -> [u64; 6] {
    [
        c.counted_lines,
        c.late_lines,
        c.ignored_refunds,
        c.netted_refunds,
        c.excess_scale_lines,
        c.missing_lines,
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

/// State columns in the making: a row per ledger pushed.
#[derive(Debug, Default)]
pub(crate) struct StateBuilder {
    days: Vec<i32>,
    nets: Vec<i128>,
    refunds: Vec<bool>,
    lengths: Vec<usize>,
    counters: [Vec<u64>; 6],
}

impl StateBuilder {
    /// Room for `rows` ledgers.
    pub(crate) fn with_capacity(rows: usize) -> Self {
        let mut builder = Self::default();
        builder.lengths.reserve(rows);
        for counter in &mut builder.counters {
            counter.reserve(rows);
        }
        builder
    }

    /// Adds the ledger's row (the ledger keeps its lines).
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` when the ledger cannot net its days (sums beyond
    /// 128 bits, which only forged states reach).
    pub(crate) fn push(&mut self, ledger: &mut CustomerLedger) -> Result<()> {
        let start = self.days.len();
        let counted = ledger
            .append_parts(&mut self.days, &mut self.nets, &mut self.refunds)
            .map_err(ledger_error)?;
        self.lengths.push(self.days.len() - start);
        for (column, count) in self.counters.iter_mut().zip(counters(&counted)) {
            column.push(count);
        }
        Ok(())
    }

    /// The state columns, in the order of [`fields`].
    ///
    /// # Errors
    ///
    /// An execution error when a net amount is beyond a `Decimal128(38, 0)` (±10^38, which only
    /// more than 10^17 lines of the largest amount could reach).
    pub(crate) fn finish(self) -> Result<Vec<ArrayRef>> {
        if let Some(net) = self
            .nets
            .iter()
            .find(|n| n.unsigned_abs() > MAX_NET.unsigned_abs())
        {
            return exec_err!(
                "{NAME}: a day's net amount of {net} minor units is beyond the 38 digits of the partial state"
            );
        }
        let offsets = OffsetBuffer::<i32>::from_lengths(self.lengths);
        let list = |data_type, values: ArrayRef| -> Result<ArrayRef> {
            let list = ListArray::try_new(item(data_type), offsets.clone(), values, None)?;
            Ok(Arc::new(list))
        };
        let nets = Decimal128Array::from(self.nets).with_data_type(NET_TYPE);
        let mut columns = vec![
            list(DataType::Date32, Arc::new(Date32Array::from(self.days)))?,
            list(NET_TYPE, Arc::new(nets))?,
            list(
                DataType::Boolean,
                Arc::new(BooleanArray::from(self.refunds)),
            )?,
        ];
        for counter in self.counters {
            columns.push(Arc::new(UInt64Array::from(counter)));
        }
        Ok(columns)
    }

    /// The single row of one ledger as scalar values, for
    /// [`Accumulator::state`](datafusion::logical_expr::Accumulator::state).
    ///
    /// # Errors
    ///
    /// As [`StateBuilder::push`] and [`StateBuilder::finish`].
    pub(crate) fn one(ledger: &mut CustomerLedger) -> Result<Vec<ScalarValue>> {
        let mut builder = Self::with_capacity(1);
        builder.push(ledger)?;
        builder
            .finish()?
            .iter()
            .map(|column| ScalarValue::try_from_array(column, 0))
            .collect()
    }
}

/// Partial states as DataFusion hands them to `merge_batch`: a row per ledger, read in place.
pub(crate) struct StateRows<'a> {
    /// The offsets of every row's days (the three lists share them).
    offsets: &'a [i32],
    days: &'a [i32],
    nets: &'a [i128],
    /// The refund flags, unpacked once a batch.
    refunds: Vec<bool>,
    counters: Vec<&'a [u64]>,
}

impl<'a> StateRows<'a> {
    /// The state columns, checked to be those of [`fields`] without NULLs, the three lists of
    /// one shape.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` and what is wrong otherwise.
    pub(crate) fn new(states: &'a [ArrayRef]) -> Result<Self> {
        if states.len() != 3 + COUNTERS.len() {
            return Err(invalid(format!("{} columns, not 9", states.len())));
        }
        let lists: Vec<&ListArray> = states[..3]
            .iter()
            .map(|column| {
                column
                    .as_list_opt::<i32>()
                    .ok_or_else(|| invalid("a part is not a list".into()))
            })
            .collect::<Result<_>>()?;
        let offsets = lists[0].value_offsets();
        if lists.iter().any(|list| list.value_offsets() != offsets) {
            return Err(invalid("the lists of a row have different lengths".into()));
        }
        let nulls = states.iter().chain(lists.iter().map(|list| list.values()));
        if nulls.map(|column| column.null_count()).sum::<usize>() > 0 {
            return Err(invalid("a part is NULL".into()));
        }
        let values = |k: usize, name: &str| {
            invalid(format!("{name} holds {}", lists[k].values().data_type()))
        };
        let days = lists[0]
            .values()
            .as_primitive_opt::<Date32Type>()
            .ok_or_else(|| values(0, "days"))?;
        let nets = lists[1]
            .values()
            .as_primitive_opt::<Decimal128Type>()
            .ok_or_else(|| values(1, "net_amounts"))?;
        let refunds = lists[2]
            .values()
            .as_boolean_opt()
            .ok_or_else(|| values(2, "has_refund"))?;
        let counters = COUNTERS
            .iter()
            .zip(&states[3..])
            .map(
                |(name, column)| match column.as_primitive_opt::<UInt64Type>() {
                    Some(counts) => Ok(counts.values().as_ref()),
                    None => Err(invalid(format!("{name} is {}", column.data_type()))),
                },
            )
            .collect::<Result<_>>()?;
        Ok(Self {
            offsets,
            days: days.values(),
            nets: nets.values(),
            refunds: refunds.values().iter().collect(),
            counters,
        })
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Merges the ledger of row `row` into `ledger`, checked against its settings and scale.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` when the row is not a ledger with these settings
    /// ([`CustomerLedger::merge_parts`] says why).
    pub(crate) fn merge_into(&self, row: usize, ledger: &mut CustomerLedger) -> Result<()> {
        let (start, stop) = (self.offsets[row] as usize, self.offsets[row + 1] as usize);
        let count = |k: usize| self.counters[k][row];
        let counted = LedgerCounters {
            counted_lines: count(0),
            late_lines: count(1),
            ignored_refunds: count(2),
            netted_refunds: count(3),
            excess_scale_lines: count(4),
            missing_lines: count(5),
        };
        let (days, nets) = (&self.days[start..stop], &self.nets[start..stop]);
        ledger
            .merge_parts(days, nets, &self.refunds[start..stop], counted)
            .map_err(|e| invalid(e.to_string()))
    }
}

/// The error for a partial state that is not one `cv_summary` wrote.
fn invalid(problem: String) -> DataFusionError {
    DataFusionError::Execution(format!("{NAME}: invalid partial state: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use customer_value::Summarizer;

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
        let mut empty = summarizer.ledger(2).unwrap();
        let mut builder = StateBuilder::with_capacity(2);
        builder.push(&mut first).unwrap();
        builder.push(&mut empty).unwrap();
        let columns = builder.finish().unwrap();
        let names: Vec<String> = fields("s").iter().map(|f| f.name().clone()).collect();
        assert_eq!(names[0], "s[days]");
        assert_eq!(columns.len(), names.len());
        let rows = StateRows::new(&columns).unwrap();
        assert_eq!(rows.len(), 2);
        for (row, expected) in [first, empty].into_iter().enumerate() {
            let mut ledger = summarizer.ledger(2).unwrap();
            rows.merge_into(row, &mut ledger).unwrap();
            assert_eq!(ledger.into_parts().unwrap(), expected.into_parts().unwrap());
        }
        let mut first = summarizer.ledger(2).unwrap();
        rows.merge_into(0, &mut first).unwrap();
        let parts = first.into_parts().unwrap();
        assert_eq!(
            (parts.days, parts.net_amounts),
            (vec![19_723, 19_730], vec![2_500, 600])
        );
        assert_eq!(
            (parts.late_lines, parts.missing_lines, parts.netted_refunds),
            (1, 1, 1)
        );
        // The same row under other settings is refused: a netted refund under "ignore".
        let ignoring = summarizer.refund_policy(customer_value::RefundPolicy::Ignore);
        let mut other = ignoring.ledger(2).unwrap();
        let error = rows.merge_into(0, &mut other).unwrap_err().to_string();
        assert!(
            error.contains("cv_summary: invalid partial state"),
            "{error}"
        );
    }

    #[test]
    fn a_net_beyond_38_digits_is_an_error_not_a_wrapped_value() {
        let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        let mut ledger = Summarizer::new(end).money_scale(0).ledger(0).unwrap();
        let big = 10i128.pow(18);
        let counters = LedgerCounters {
            counted_lines: 200,
            ..LedgerCounters::default()
        };
        // 10^38 from 200 lines of at most 10^18 each is beyond them: refused by the core.
        assert!(ledger
            .merge_parts(&[1], &[big * big * 100], &[false], counters)
            .is_err());
        let mut builder = StateBuilder::with_capacity(1);
        builder.nets.push(10i128.pow(38));
        assert!(builder
            .finish()
            .unwrap_err()
            .to_string()
            .contains("beyond the 38 digits"));
    }

    #[test]
    fn states_with_nulls_or_other_shapes_are_refused() {
        let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        let mut ledger = Summarizer::new(end).ledger(2).unwrap();
        ledger.add(19_723, 100i64).unwrap();
        let mut builder = StateBuilder::with_capacity(1);
        builder.push(&mut ledger).unwrap();
        let mut columns = builder.finish().unwrap();
        columns[5] = Arc::new(UInt64Array::from(vec![None::<u64>]));
        let message = |columns: &[ArrayRef]| StateRows::new(columns).err().unwrap().to_string();
        assert!(message(&columns).contains("a part is NULL"));
        assert!(message(&columns[..8]).contains("8 columns, not 9"));
    }
}
