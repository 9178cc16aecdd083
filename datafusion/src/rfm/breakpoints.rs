//! `cv_rfm_breakpoints(recency_days, frequency, monetary [, options])`: the fitted RFM model of
//! the rows aggregated, as the JSON of the core's `FittedRfm`.

use std::mem::size_of;
use std::sync::Arc;

use customer_value::rfm::FittedRfm;
use customer_value::RfmScorer;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::utils::SingleRowListArrayBuilder;
use datafusion::common::{
    exec_err, internal_err, plan_datafusion_err, plan_err, Result, ScalarValue,
};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDFImpl, ColumnarValue, Signature, Volatility,
};
use datafusion::physical_expr::expressions::Literal;
use datafusion::physical_expr::PhysicalExpr;

use crate::arguments::{argument, coerce_number, coerce_text, settings_from_json, Numbers};
use crate::row_udf::Rows;

/// The SQL name.
const NAME: &str = "cv_rfm_breakpoints";
/// The three value arguments, then the options.
const VALUES: [&str; 3] = ["recency_days", "frequency", "monetary"];

/// The aggregate: gathers every row's three values and fits them with
/// `RfmScorer::fit_columns` when evaluated.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct RfmBreakpoints {
    signature: Signature,
}

impl Default for RfmBreakpoints {
    fn default() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl AggregateUDFImpl for RfmBreakpoints {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        if !(3..=4).contains(&arg_types.len()) {
            return plan_err!(
                "{NAME}: expects 3 or 4 arguments (recency_days, frequency, monetary [, options]), got {}",
                arg_types.len()
            );
        }
        (arg_types.iter().enumerate())
            .map(|(i, t)| match VALUES.get(i) {
                Some(name) => coerce_number(NAME, &argument(i, name), t),
                None => coerce_text(NAME, &argument(i, "options"), t),
            })
            .collect()
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let scorer = match args.exprs.get(3) {
            Some(options) => read_options(options)?,
            None => RfmScorer::new(),
        };
        Ok(Box::new(BreakpointsAccumulator::new(scorer)))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let list = DataType::new_list(DataType::Float64, true);
        Ok(VALUES
            .iter()
            .map(|name| {
                Arc::new(Field::new(
                    format_state_name(args.name, name),
                    list.clone(),
                    true,
                ))
            })
            .collect())
    }
}

/// The scorer of the options literal: `RfmScorer`'s serde keys, each optional.
fn read_options(options: &Arc<dyn PhysicalExpr>) -> Result<RfmScorer> {
    let text = options
        .downcast_ref::<Literal>()
        .and_then(|literal| literal.value().try_as_str().flatten());
    let Some(text) = text else {
        return plan_err!(
            "{NAME}: {} must be a string literal (a JSON object)",
            argument(3, "options")
        );
    };
    settings_from_json(&RfmScorer::new(), text)
        .map_err(|message| plan_datafusion_err!("{NAME}: {} {message}", argument(3, "options")))
}

/// Every row's three values so far (rows with a NULL are skipped).
#[derive(Debug)]
struct BreakpointsAccumulator {
    scorer: RfmScorer,
    columns: [Vec<f64>; 3],
}

impl BreakpointsAccumulator {
    fn new(scorer: RfmScorer) -> Self {
        Self {
            scorer,
            columns: [Vec::new(), Vec::new(), Vec::new()],
        }
    }

    /// The fitted model, `None` when no row was gathered.
    fn fit(&self) -> Result<Option<FittedRfm>> {
        let [recency, frequency, monetary] = &self.columns;
        if recency.is_empty() {
            return Ok(None);
        }
        match self.scorer.fit_columns(recency, frequency, monetary) {
            Ok(fitted) => Ok(Some(fitted)),
            Err(e) => exec_err!("{NAME}: customer-value: {e}"),
        }
    }
}

impl Accumulator for BreakpointsAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let numbers = (VALUES.iter().enumerate())
            .map(|(k, name)| {
                let column = values.get(k).cloned().map(ColumnarValue::Array);
                match column {
                    Some(column) => Numbers::read(NAME, &argument(k, name), &column),
                    None => internal_err!("{NAME}: no {}", argument(k, name)),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let labels = (VALUES.iter().enumerate())
            .map(|(k, name)| argument(k, name))
            .collect();
        let names = VALUES.iter().map(|n| n.to_string()).collect();
        let mut rows = Rows::new(names, labels);
        let [recency, frequency, monetary] = &numbers[..] else {
            return internal_err!("{NAME}: {} value columns, not 3", numbers.len());
        };
        let length = values.first().map_or(0, |v| v.len());
        for row in 0..length {
            // Three values on the stack: a vector per row was an allocation per customer.
            let row_values = (recency.get(row), frequency.get(row), monetary.get(row));
            if let (Some(r), Some(f), Some(m)) = row_values {
                rows.push([r, f, m].into_iter());
            }
        }
        // Recency and frequency are counts of days and occasions; monetary may be negative.
        for i in 0..rows.len() {
            for (k, non_negative) in [(0, true), (1, true), (2, false)] {
                if let Err(message) = rows.check_value(k, i, non_negative) {
                    return exec_err!("{NAME}: {message}");
                }
            }
        }
        for (column, new) in self.columns.iter_mut().zip(rows.into_columns()) {
            column.extend(new);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let Some(fitted) = self.fit()? else {
            return Ok(ScalarValue::Utf8(None));
        };
        match serde_json::to_string(&fitted) {
            Ok(json) => Ok(ScalarValue::Utf8(Some(json))),
            Err(e) => exec_err!("{NAME}: the fitted model does not serialize: {e}"),
        }
    }

    fn size(&self) -> usize {
        size_of::<Self>()
            + self
                .columns
                .iter()
                .map(|c| c.capacity() * size_of::<f64>())
                .sum::<usize>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(self
            .columns
            .iter()
            .map(|c| {
                let values: ArrayRef = Arc::new(Float64Array::from(c.clone()));
                SingleRowListArrayBuilder::new(values).build_list_scalar()
            })
            .collect())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for (column, state) in self.columns.iter_mut().zip(states) {
            let Some(lists) = state.as_list_opt::<i32>() else {
                return internal_err!("{NAME}: a partial state arrived as {}", state.data_type());
            };
            for list in lists.iter().flatten() {
                let values = list.as_primitive::<Float64Type>();
                column.extend(values.iter().flatten());
            }
        }
        Ok(())
    }
}
