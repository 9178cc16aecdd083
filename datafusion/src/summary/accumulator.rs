//! The [`Accumulator`] of `cv_summary`: one customer's ledger, for a query without `GROUP BY`
//! and for window frames. Grouped queries use the [`SummaryGroups`](super::groups::SummaryGroups)
//! accumulator instead.

use std::sync::Arc;

use customer_value::summary::CustomerLedger;
use datafusion::arrow::array::ArrayRef;
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::Accumulator;

use super::arguments::{SummaryArgs, NAME};
use super::input::for_each_line;
use super::output::Rows;
use super::state::{StateBuilder, StateRows};

/// One group's summary in the making.
#[derive(Debug)]
pub(crate) struct SummaryAccumulator {
    args: SummaryArgs,
    ledger: CustomerLedger,
}

impl SummaryAccumulator {
    /// An empty accumulator.
    ///
    /// # Errors
    ///
    /// An execution error when the summarizer refuses the scale (checked before: never).
    pub(crate) fn new(args: SummaryArgs) -> Result<Self> {
        Ok(Self {
            ledger: empty_ledger(&args)?,
            args,
        })
    }
}

/// An empty ledger with the arguments' settings.
///
/// # Errors
///
/// An execution error naming `cv_summary` when the scale is beyond 28 (the argument checks
/// refuse such a scale first).
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
        let ledger = &mut self.ledger;
        for_each_line(values, None, |_, line| line.add_to(ledger))
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        // Not consumed: a window frame evaluates the same accumulator again.
        let finished = self.ledger.clone().finish(()).map_err(ledger_error)?;
        let mut rows = Rows::with_capacity(1);
        rows.push(&finished, self.args.money_scale)?;
        Ok(ScalarValue::Struct(Arc::new(
            rows.finish(self.args.money_scale)?,
        )))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.ledger.heap_bytes()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let state = StateBuilder::one(&mut self.ledger);
        self.ledger.clear();
        state
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let rows = StateRows::new(states)?;
        (0..rows.len()).try_for_each(|row| rows.merge_into(row, &mut self.ledger))
    }
}
