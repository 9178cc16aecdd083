//! The [`GroupsAccumulator`] of `cv_summary`: a ledger per group, indexed by DataFusion's group
//! index, with its memory counted as it grows so that the hash aggregate can spill.

use std::sync::Arc;

use customer_value::summary::CustomerLedger;
use datafusion::arrow::array::{ArrayRef, BooleanArray};
use datafusion::common::Result;
use datafusion::logical_expr::{EmitTo, GroupsAccumulator};

use super::accumulator::{empty_ledger, ledger_error};
use super::arguments::SummaryArgs;
use super::input::for_each_line;
use super::output::Rows;
use super::state::{StateBuilder, StateRows};

/// The ledgers of every group seen.
#[derive(Debug)]
pub(crate) struct SummaryGroups {
    args: SummaryArgs,
    /// An empty ledger, cloned for each new group.
    empty: CustomerLedger,
    ledgers: Vec<CustomerLedger>,
    /// The heap bytes of all ledgers, kept up to date line by line: DataFusion calls `size` once
    /// a batch, and walking a million ledgers there would cost more than the batch.
    heap_bytes: usize,
}

impl SummaryGroups {
    /// No group yet.
    ///
    /// # Errors
    ///
    /// As [`empty_ledger`].
    pub(crate) fn new(args: SummaryArgs) -> Result<Self> {
        Ok(Self {
            empty: empty_ledger(&args)?,
            args,
            ledgers: Vec::new(),
            heap_bytes: 0,
        })
    }

    /// Makes room for `total_num_groups` groups; new groups start empty.
    fn grow(&mut self, total_num_groups: usize) {
        if total_num_groups > self.ledgers.len() {
            self.ledgers.resize(total_num_groups, self.empty.clone());
        }
    }

    /// Takes the ledgers `emit_to` asks for out of the accumulator.
    fn take(&mut self, emit_to: EmitTo) -> Vec<CustomerLedger> {
        let taken = emit_to.take_needed(&mut self.ledgers);
        let freed: usize = taken.iter().map(CustomerLedger::heap_bytes).sum();
        self.heap_bytes = self.heap_bytes.saturating_sub(freed);
        taken
    }

    /// Runs `change` on the ledger of group `group`, keeping the heap count up to date.
    #[inline]
    fn change(
        ledgers: &mut [CustomerLedger], heap_bytes: &mut usize, group: usize,
        change: impl FnOnce(&mut CustomerLedger) -> Result<()>,
    ) -> Result<()> {
        let ledger = &mut ledgers[group];
        let before = ledger.heap_bytes();
        let changed = change(ledger);
        *heap_bytes = (*heap_bytes + ledger.heap_bytes()).saturating_sub(before);
        changed
    }
}

impl GroupsAccumulator for SummaryGroups {
    fn update_batch(
        &mut self, values: &[ArrayRef], group_indices: &[usize], opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups);
        let (ledgers, heap_bytes) = (&mut self.ledgers, &mut self.heap_bytes);
        for_each_line(values, opt_filter, |row, line| {
            Self::change(ledgers, heap_bytes, group_indices[row], |ledger| {
                line.add_to(ledger)
            })
        })
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let ledgers = self.take(emit_to);
        let mut rows = Rows::with_capacity(ledgers.len());
        for ledger in ledgers {
            let finished = ledger.finish(()).map_err(ledger_error)?;
            rows.push(&finished, self.args.money_scale)?;
        }
        Ok(Arc::new(rows.finish(self.args.money_scale)?))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let mut ledgers = self.take(emit_to);
        let mut builder = StateBuilder::with_capacity(ledgers.len());
        for ledger in &mut ledgers {
            builder.push(ledger)?;
        }
        builder.finish()
    }

    fn merge_batch(
        &mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups);
        let rows = StateRows::new(values)?;
        for (row, &group) in group_indices.iter().enumerate() {
            Self::change(&mut self.ledgers, &mut self.heap_bytes, group, |ledger| {
                rows.merge_into(row, ledger)
            })?;
        }
        Ok(())
    }

    fn convert_to_state(
        &self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        // A row per input row: the state of a ledger of that one line, or an empty one for a
        // row the filter drops; one ledger, cleared between rows, makes them all.
        let rows = values.first().map_or(0, |days| days.len());
        let mut builder = StateBuilder::with_capacity(rows);
        let mut ledger = self.empty.clone();
        let mut next = 0;
        for_each_line(values, opt_filter, |row, line| {
            for _ in next..row {
                builder.push(&mut ledger)?;
            }
            line.add_to(&mut ledger)?;
            builder.push(&mut ledger)?;
            ledger.clear();
            next = row + 1;
            Ok(())
        })?;
        for _ in next..rows {
            builder.push(&mut ledger)?;
        }
        builder.finish()
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.ledgers.capacity() * std::mem::size_of::<CustomerLedger>()
            + self.heap_bytes
    }
}
