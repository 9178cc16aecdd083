//! The [`Accumulator`] of `cv_summary`: one customer's ledger, for a query without `GROUP BY`
//! and for window frames. Grouped queries use the [`SummaryGroups`](super::groups::SummaryGroups)
//! accumulator instead.

use std::sync::Arc;

use customer_value::summary::CustomerLedger;
use datafusion::arrow::array::ArrayRef;
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::Accumulator;

use super::arguments::{SummaryArgs, NAME};
use super::input::{for_each_line, Line};
use super::output::Rows;
use super::state::{StateBuilder, StateRows};

/// One group's summary in the making.
/// One customer's lines as read, netted when evaluated (so the state is the lines, as in
/// [`SummaryGroups`](super::groups::SummaryGroups)).
#[derive(Debug)]
pub(crate) struct SummaryAccumulator {
    args: SummaryArgs,
    /// An empty ledger with the arguments' settings.
    empty: CustomerLedger,
    lines: Vec<(i32, i128)>,
    missing: u64,
}

impl SummaryAccumulator {
    /// No line yet.
    ///
    /// # Errors
    ///
    /// As [`empty_ledger`].
    pub(crate) fn new(args: SummaryArgs) -> Result<Self> {
        Ok(Self {
            empty: empty_ledger(&args)?,
            args,
            lines: Vec::new(),
            missing: 0,
        })
    }
}

pub(crate) fn empty_ledger(args: &SummaryArgs) -> Result<CustomerLedger> {
    args.summarizer
        .ledger(args.scale)
        .map_err(|e| DataFusionError::Execution(format!("{NAME}: {e}")))
}

/// The error for a ledger that cannot be finished or merged.
pub(crate) fn ledger_error(error: customer_value::summary::SummaryError) -> DataFusionError {
    DataFusionError::Execution(format!("{NAME}: {error}"))
}

impl Accumulator for SummaryAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let (lines, missing) = (&mut self.lines, &mut self.missing);
        for_each_line(values, None, |_, line| {
            match line {
                Line::Counted { day, minor } => lines.push((day, minor)),
                Line::Missing => *missing = missing.saturating_add(1),
            }
            Ok(())
        })
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        // The lines stay: a window frame evaluates the same accumulator again.
        let mut ledger = self.empty.clone();
        for &(day, minor) in &self.lines {
            Line::Counted { day, minor }.add_to(&mut ledger)?;
        }
        (0..self.missing).for_each(|_| ledger.add_missing());
        let finished = ledger.finish(()).map_err(ledger_error)?;
        let mut rows = Rows::with_capacity(1);
        rows.push(&finished, self.args.money_scale)?;
        Ok(ScalarValue::Struct(Arc::new(
            rows.finish(self.args.money_scale)?,
        )))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.empty.heap_bytes()
            + self.lines.capacity() * std::mem::size_of::<(i32, i128)>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let lines = std::mem::take(&mut self.lines);
        StateBuilder::one(lines, std::mem::take(&mut self.missing))
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let rows = StateRows::new(states)?;
        for row in 0..rows.len() {
            let (lines, nulls) = rows.row(row);
            self.lines.extend(lines);
            self.missing = self.missing.saturating_add(nulls);
        }
        Ok(())
    }
}
