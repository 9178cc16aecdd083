//! The [`GroupsAccumulator`] of `cv_summary`: every group's lines kept in one flat column tagged
//! with their group, netted into the core's ledger only when the groups are emitted.
//!
//! Why flat ([`GroupLines`]): a ledger per group, updated line by line, reached into a random customer's memory
//! for every line (the ledger, then its days): on 10M lines of 1M customers that was 800 ns a
//! line, most of it cache misses (measured with `perf`), 3.6× slower than Polars. Appending to
//! one column is sequential; emitting orders the lines by group (a counting sort: groups are
//! dense) and runs each group through one reused [`CustomerLedger`], so the rules stay the
//! core's: every line goes through [`CustomerLedger::add`]. A line a rejecting policy refuses
//! fails the query when its group is emitted rather than when it is read.

use std::sync::Arc;

use customer_value::summary::CustomerLedger;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::datatypes::{Date32Type, Decimal128Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{EmitTo, GroupsAccumulator};

use super::accumulator::{empty_ledger, ledger_error};
use super::arguments::{SummaryArgs, NAME};
use super::input::{for_each_line, Line};
use super::lines::{EmittedLines, GroupLines};
use super::output::Rows;
use super::state::{one_line_states, StateBuilder, StateRows, AMOUNT_TYPE};

/// The lines of every group seen, not yet emitted.
#[derive(Debug)]
pub(crate) struct SummaryGroups {
    args: SummaryArgs,
    /// The ledger each group is netted in when emitted, cleared between groups.
    scratch: CustomerLedger,
    lines: GroupLines,
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
            lines: GroupLines::default(),
            missing: Vec::new(),
        })
    }

    /// Makes room for `total_num_groups` groups.
    ///
    /// # Errors
    ///
    /// An execution error naming `cv_summary` past [`GroupLines::MAX_GROUPS`] groups in one
    /// partition.
    fn grow(&mut self, total_num_groups: usize) -> Result<()> {
        if total_num_groups > GroupLines::MAX_GROUPS {
            return exec_err!(
                "{NAME}: {total_num_groups} customers in one partition, more than the {} one \
                 accumulator can hold: raise datafusion.execution.target_partitions",
                GroupLines::MAX_GROUPS
            );
        }
        if total_num_groups > self.missing.len() {
            self.missing.resize(total_num_groups, 0);
        }
        Ok(())
    }

    /// Takes the groups `emit_to` asks for out of the accumulator: their lines ordered by group
    /// (arrival order within a group) and their NULL lines. The groups left are renumbered from
    /// 0, as DataFusion expects.
    fn take(&mut self, emit_to: EmitTo) -> (EmittedLines, Vec<u64>) {
        let emitted = match emit_to {
            EmitTo::All => self.missing.len(),
            EmitTo::First(n) => n.min(self.missing.len()),
        };
        let missing: Vec<u64> = self.missing.drain(..emitted).collect();
        (self.lines.take(emitted, self.missing.len()), missing)
    }
}

/// A group number as the flat column keeps it: [`SummaryGroups::grow`] refused every number past
/// a `u32` before any line of it arrives.
fn narrow(group: usize) -> u32 {
    group as u32
}

/// The states of rows that each hold one line (no filter, no NULL day or amount, amounts in a
/// `DECIMAL`), without copying a value: the day and amount columns are the states' first lines.
/// `None` for other input, which takes the row-by-row path.
///
/// Why: when the groups barely reduce the rows (a million customers of ten lines each, in
/// batches of 8,192), DataFusion stops aggregating in the first phase (its
/// `skip_partial_aggregation_probe_*` settings) and turns every row into a state; the
/// row-by-row path copies every line into new columns to do so.
fn single_line_states(values: &[ArrayRef]) -> Option<Vec<ArrayRef>> {
    let (days, amounts) = (values.first()?, values.get(1)?);
    if days.null_count() > 0 || amounts.null_count() > 0 {
        return None;
    }
    let days = days.as_primitive_opt::<Date32Type>()?.clone();
    // The state's amounts are minor units: the same integers, read at scale 0.
    let amounts = amounts.as_primitive_opt::<Decimal128Type>()?.clone();
    Some(one_line_states(days, amounts.with_data_type(AMOUNT_TYPE)))
}

impl GroupsAccumulator for SummaryGroups {
    fn update_batch(
        &mut self, values: &[ArrayRef], group_indices: &[usize], opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups)?;
        self.lines.reserve(group_indices.len());
        let (lines, missing) = (&mut self.lines, &mut self.missing);
        for_each_line(values, opt_filter, |row, line| {
            let group = group_indices[row];
            match line {
                Line::Counted { day, minor } => lines.push(narrow(group), day, minor),
                Line::Missing => missing[group] = missing[group].saturating_add(1),
            }
            Ok(())
        })
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let (mut lines, missing) = self.take(emit_to);
        let scale = self.args.money_scale;
        let mut rows = Rows::with_capacity(missing.len());
        let ledger = &mut self.scratch;
        for (group, &nulls) in missing.iter().enumerate() {
            ledger.clear();
            for (day, minor) in lines.group(group) {
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
        let (mut lines, missing) = self.take(emit_to);
        let mut builder = StateBuilder::with_capacity(missing.len());
        for (group, &nulls) in missing.iter().enumerate() {
            builder.push(lines.group(group), nulls);
        }
        builder.finish()
    }

    fn merge_batch(
        &mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups)?;
        let rows = StateRows::new(values)?;
        let missing = &mut self.missing;
        for (&group, &nulls) in group_indices.iter().zip(rows.missing()) {
            // Mostly zero: a random write per row would miss the cache for nothing.
            if nulls > 0 {
                missing[group] = missing[group].saturating_add(nulls);
            }
        }
        self.lines.reserve(rows.line_count());
        if let Some((days, amounts)) = rows.one_line_each() {
            // The usual state when the first phase was skipped: no row to cut into lines.
            let lines = group_indices.iter().zip(days).zip(amounts);
            for ((&group, &day), &minor) in lines {
                self.lines.push(narrow(group), day, minor);
            }
            return Ok(());
        }
        for (row, &group) in group_indices.iter().enumerate() {
            for (day, minor) in rows.row(row).0 {
                self.lines.push(narrow(group), day, minor);
            }
        }
        Ok(())
    }

    fn convert_to_state(
        &self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        if opt_filter.is_none() {
            if let Some(states) = single_line_states(values) {
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
            + self.lines.heap_bytes()
            + self.missing.capacity() * size_of::<u64>()
    }
}
