//! The [`GroupsAccumulator`] of `cv_summary`: every group's lines kept in one flat column tagged
//! with their group, netted into the core's ledger only when the groups are emitted.
//!
//! Why flat: a ledger per group, updated line by line, reached into a random customer's memory
//! for every line (the ledger, then its days): on 10M lines of 1M customers that was 800 ns a
//! line, most of it cache misses (measured with `perf`), 3.6× slower than Polars. Appending to
//! one column is sequential; emitting orders the lines by group (a counting sort: groups are
//! dense) and runs each group through one reused [`CustomerLedger`], so the rules stay the
//! core's: every line goes through [`CustomerLedger::add`]. A line a rejecting policy refuses
//! fails the query when its group is emitted rather than when it is read.

use std::sync::Arc;

use customer_value::summary::CustomerLedger;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, UInt64Array};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{Date32Type, Decimal128Type};
use datafusion::common::Result;
use datafusion::logical_expr::{EmitTo, GroupsAccumulator};

use super::accumulator::{empty_ledger, ledger_error};
use super::arguments::SummaryArgs;
use super::input::{for_each_line, Line};
use super::output::Rows;
use super::state::{state_columns, StateBuilder, StateRows, AMOUNT_TYPE};

/// A line with its day and amount, of a group.
#[derive(Debug, Clone, Copy)]
struct GroupLine {
    group: usize,
    day: i32,
    minor: i128,
}

/// The lines of every group seen, not yet emitted.
#[derive(Debug)]
pub(crate) struct SummaryGroups {
    args: SummaryArgs,
    /// The ledger each group is netted in when emitted, cleared between groups.
    scratch: CustomerLedger,
    lines: Vec<GroupLine>,
    /// Each group's lines with a NULL day or amount; its length is the number of groups.
    missing: Vec<u64>,
}

impl SummaryGroups {
    /// No group yet.
    ///
    /// # Errors
    ///
    /// As [`empty_ledger`].
    pub(crate) fn new(args: SummaryArgs) -> Result<Self> {
        Ok(Self {
            scratch: empty_ledger(&args)?,
            args,
            lines: Vec::new(),
            missing: Vec::new(),
        })
    }

    /// Makes room for `total_num_groups` groups.
    fn grow(&mut self, total_num_groups: usize) {
        if total_num_groups > self.missing.len() {
            self.missing.resize(total_num_groups, 0);
        }
    }

    /// Takes the groups `emit_to` asks for out of the accumulator: their lines ordered by group
    /// (arrival order within a group), where each group's lines start, and their NULL lines.
    /// The groups left are renumbered from 0, as DataFusion expects.
    fn take(&mut self, emit_to: EmitTo) -> (Vec<GroupLine>, Vec<usize>, Vec<u64>) {
        let emitted = match emit_to {
            EmitTo::All => self.missing.len(),
            EmitTo::First(n) => n.min(self.missing.len()),
        };
        let missing: Vec<u64> = self.missing.drain(..emitted).collect();
        let lines = if self.missing.is_empty() {
            std::mem::take(&mut self.lines)
        } else {
            let (taken, mut kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.lines)
                .into_iter()
                .partition(|l| l.group < emitted);
            kept.iter_mut().for_each(|l| l.group -= emitted);
            self.lines = kept;
            taken
        };
        let (lines, starts) = by_group(lines, emitted);
        (lines, starts, missing)
    }
}

/// `lines` (each of a group below `groups`) ordered by group, stably, with the index where each
/// group's lines start (and the total at the end).
fn by_group(lines: Vec<GroupLine>, groups: usize) -> (Vec<GroupLine>, Vec<usize>) {
    let mut starts = vec![0usize; groups + 1];
    for line in &lines {
        starts[line.group + 1] += 1;
    }
    for g in 0..groups {
        starts[g + 1] += starts[g];
    }
    let Some(&first) = lines.first() else {
        return (lines, starts);
    };
    let mut ordered = vec![first; lines.len()];
    let mut next = starts.clone();
    for line in lines {
        let slot = &mut next[line.group];
        ordered[*slot] = line;
        *slot += 1;
    }
    (ordered, starts)
}

/// The states of rows that each hold one line (no filter, no NULL day or amount, amounts in a
/// `DECIMAL`), without copying a value: the day and amount columns become the lists' values,
/// each row's list is one long, and no row has a NULL line. `None` for other input, which takes
/// the row-by-row path.
///
/// Why: when the groups barely reduce the rows (a million customers of ten lines each, in
/// batches of 8,192), DataFusion stops aggregating in the first phase (its
/// `skip_partial_aggregation_probe_*` settings) and turns every row into a state; the
/// row-by-row path copies every line into new columns to do so.
fn one_line_states(values: &[ArrayRef]) -> Option<Vec<ArrayRef>> {
    let (days, amounts) = (values.first()?, values.get(1)?);
    if days.null_count() > 0 || amounts.null_count() > 0 {
        return None;
    }
    let days = days.as_primitive_opt::<Date32Type>()?.clone();
    // The state's amounts are minor units: the same integers, read at scale 0.
    let amounts = amounts.as_primitive_opt::<Decimal128Type>()?.clone();
    let amounts = amounts.with_data_type(AMOUNT_TYPE);
    // `from_repeated_length` panics past i32::MAX rows: such a batch takes the other path.
    i32::try_from(days.len()).ok()?;
    let offsets = OffsetBuffer::from_repeated_length(1, days.len());
    let missing = UInt64Array::from(vec![0u64; days.len()]);
    state_columns(offsets, days, amounts, missing).ok()
}

impl GroupsAccumulator for SummaryGroups {
    fn update_batch(
        &mut self, values: &[ArrayRef], group_indices: &[usize], opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups);
        let (lines, missing) = (&mut self.lines, &mut self.missing);
        for_each_line(values, opt_filter, |row, line| {
            let group = group_indices[row];
            match line {
                Line::Counted { day, minor } => lines.push(GroupLine { group, day, minor }),
                Line::Missing => missing[group] = missing[group].saturating_add(1),
            }
            Ok(())
        })
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let (lines, starts, missing) = self.take(emit_to);
        let scale = self.args.money_scale;
        let mut rows = Rows::with_capacity(missing.len());
        let ledger = &mut self.scratch;
        for (group, &nulls) in missing.iter().enumerate() {
            ledger.clear();
            for line in &lines[starts[group]..starts[group + 1]] {
                let (day, minor) = (line.day, line.minor);
                Line::Counted { day, minor }.add_to(ledger)?;
            }
            (0..nulls).for_each(|_| ledger.add_missing());
            // Finished in place: the scratch keeps its memory for the next group, no copy.
            let finished = ledger.finish_and_clear(()).map_err(ledger_error)?;
            rows.push(&finished, scale)?;
        }
        Ok(Arc::new(rows.finish(scale)?))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let (lines, starts, missing) = self.take(emit_to);
        let mut builder = StateBuilder::with_capacity(missing.len());
        for (group, &nulls) in missing.iter().enumerate() {
            let own = &lines[starts[group]..starts[group + 1]];
            builder.push(own.iter().map(|l| (l.day, l.minor)), nulls);
        }
        builder.finish()
    }

    fn merge_batch(
        &mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups);
        let rows = StateRows::new(values)?;
        for (row, &group) in group_indices.iter().enumerate() {
            let (days, amounts, nulls) = rows.row(row);
            let own = days.iter().zip(amounts);
            let lines = own.map(|(&day, &minor)| GroupLine { group, day, minor });
            self.lines.extend(lines);
            self.missing[group] = self.missing[group].saturating_add(nulls);
        }
        Ok(())
    }

    fn convert_to_state(
        &self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        if opt_filter.is_none() {
            if let Some(states) = one_line_states(values) {
                return Ok(states);
            }
        }
        // A state per input row: its one line, or its NULL line, or nothing for a row the
        // filter drops.
        let rows = values.first().map_or(0, |days| days.len());
        let mut builder = StateBuilder::with_capacity(rows);
        let mut next = 0;
        for_each_line(values, opt_filter, |row, line| {
            for _ in next..row {
                builder.push([], 0);
            }
            match line {
                Line::Counted { day, minor } => builder.push([(day, minor)], 0),
                Line::Missing => builder.push([], 1),
            }
            next = row + 1;
            Ok(())
        })?;
        for _ in next..rows {
            builder.push([], 0);
        }
        builder.finish()
    }

    fn size(&self) -> usize {
        use std::mem::size_of;
        size_of::<Self>()
            + self.scratch.heap_bytes()
            + self.lines.capacity() * size_of::<GroupLine>()
            + self.missing.capacity() * size_of::<u64>()
    }
}
