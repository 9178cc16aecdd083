//! One shape for every scalar function that scores rows: JSON settings first (a fitted model,
//! options: usually literals, so the plan carries them to whichever process runs it), then numeric
//! inputs read per row.
//!
//! A batch is cut into runs of consecutive rows that share their settings (a literal makes the
//! whole batch one run), the settings of each run are parsed once, and the rows of the run whose
//! inputs are all non-NULL are scored together by the core's batch form; the other rows are NULL.
//! Literal settings are also parsed while the query is planned, so a model the core refuses stops
//! the query before it reads any data.

use std::fmt::Debug;
use std::hash::Hash;
use std::ops::Range;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, internal_err, plan_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};

use crate::arguments::{argument, coerce_number, coerce_text, Numbers, Texts};

/// The most numeric inputs a row function takes.
const MAX_INPUTS: usize = 4;

/// A settings argument the function refuses: its index among the settings and why (the message
/// follows the argument's name, e.g. "is not JSON: …").
#[derive(Debug)]
pub(crate) struct SettingsError {
    /// Index among [`RowFunction::SETTINGS`].
    pub(crate) index: usize,
    /// What is wrong.
    pub(crate) message: String,
}

impl SettingsError {
    /// The error of settings argument `index` for a message.
    pub(crate) fn at(index: usize) -> impl Fn(String) -> SettingsError {
        move |message| SettingsError { index, message }
    }
}

/// A row function's result type, and how a column of results is built.
pub(crate) trait ResultColumn: Sized {
    /// The column's type.
    fn data_type() -> DataType;

    /// The column, NULL where a row has no result.
    fn column(values: Vec<Option<Self>>) -> Result<ArrayRef>;
}

/// A `DOUBLE` result.
impl ResultColumn for f64 {
    fn data_type() -> DataType {
        DataType::Float64
    }

    fn column(values: Vec<Option<f64>>) -> Result<ArrayRef> {
        Ok(Arc::new(Float64Array::from(values)))
    }
}

/// What a scalar function that scores rows supplies; [`RowUdf`] does the rest.
pub(crate) trait RowFunction:
    Debug + Default + PartialEq + Eq + Hash + Send + Sync + 'static
{
    /// The SQL name.
    const NAME: &'static str;
    /// The names of the JSON settings arguments, which come first.
    const SETTINGS: &'static [&'static str];
    /// The names of the numeric inputs that follow them (at most [`MAX_INPUTS`]).
    const INPUTS: &'static [&'static str];
    /// The settings once parsed.
    type Settings;
    /// One row's result.
    type Output: ResultColumn;

    /// Parses the settings texts (one per [`RowFunction::SETTINGS`]).
    fn parse(texts: &[&str]) -> std::result::Result<Self::Settings, SettingsError>;

    /// Replaces NULL inputs the function reads as a value; by default none (a NULL input makes a
    /// NULL result).
    fn complete(_row: &mut [Option<f64>]) {}

    /// Scores rows without NULLs; a message naming the argument and the row on bad values.
    fn score(
        settings: &Self::Settings, rows: &Rows,
    ) -> std::result::Result<Vec<Self::Output>, String>;
}

/// Rows of numeric inputs without NULLs, column by column, with what messages call each input.
pub(crate) struct Rows {
    names: Vec<String>,
    labels: Vec<String>,
    columns: Vec<Vec<f64>>,
}

impl Rows {
    /// No rows of the inputs `names`, labelled in messages by `labels` ("argument 3 (t_x)",
    /// "column \"t_x\"").
    pub(crate) fn new(names: Vec<String>, labels: Vec<String>) -> Self {
        Self {
            columns: vec![Vec::new(); names.len()],
            names,
            labels,
        }
    }

    /// No rows of a row function's inputs, labelled as its arguments.
    fn of_arguments<F: RowFunction>() -> Self {
        let offset = F::SETTINGS.len();
        let labels = (F::INPUTS.iter().enumerate())
            .map(|(k, name)| argument(offset + k, name))
            .collect();
        Self::new(F::INPUTS.iter().map(|n| n.to_string()).collect(), labels)
    }

    /// Appends a row (one value per input).
    pub(crate) fn push(&mut self, values: impl Iterator<Item = f64>) {
        for (column, value) in self.columns.iter_mut().zip(values) {
            column.push(value);
        }
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    /// The columns, in input order.
    pub(crate) fn into_columns(self) -> Vec<Vec<f64>> {
        self.columns
    }

    /// Input `k` as messages name it.
    pub(crate) fn argument(&self, k: usize) -> &str {
        &self.labels[k]
    }

    /// Row `i`'s inputs: "x = 2, t_x = 40, T = 38".
    pub(crate) fn describe(&self, i: usize) -> String {
        let pairs: Vec<String> = (self.names.iter().zip(&self.columns))
            .map(|(name, column)| format!("{name} = {}", column[i]))
            .collect();
        pairs.join(", ")
    }

    /// "argument 3 (t_x) = 40 {problem} in the row x = 2, t_x = 40, T = 38".
    pub(crate) fn value_error(&self, k: usize, i: usize, problem: &str) -> String {
        format!(
            "{} = {} {problem} in the row {}",
            self.argument(k),
            self.columns[k][i],
            self.describe(i)
        )
    }

    /// A value error unless input `k` of row `i` is finite, and non-negative when
    /// `non_negative`.
    pub(crate) fn check_value(
        &self, k: usize, i: usize, non_negative: bool,
    ) -> std::result::Result<f64, String> {
        let v = self.columns[k][i];
        if !v.is_finite() {
            Err(self.value_error(k, i, "is not finite"))
        } else if non_negative && v < 0.0 {
            Err(self.value_error(k, i, "is negative"))
        } else {
            Ok(v)
        }
    }
}

/// A scalar UDF made of a [`RowFunction`].
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct RowUdf<F> {
    function: F,
    signature: Signature,
}

impl<F: RowFunction> RowUdf<F> {
    /// The SQL function.
    pub(crate) fn udf() -> ScalarUDF {
        ScalarUDF::from(Self {
            function: F::default(),
            signature: Signature::user_defined(Volatility::Immutable),
        })
    }
}

impl<F: RowFunction> ScalarUDFImpl for RowUdf<F> {
    fn name(&self) -> &str {
        F::NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(F::Output::data_type())
    }

    /// Also parses literal settings, so a refused model stops the query at planning.
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let settings = &args.scalar_arguments[..F::SETTINGS.len().min(args.scalar_arguments.len())];
        let texts: Option<Vec<&str>> = settings
            .iter()
            .map(|s| s.and_then(|v| v.try_as_str().flatten()))
            .collect();
        if let Some(texts) = texts.filter(|t| t.len() == F::SETTINGS.len()) {
            if let Err(e) = F::parse(&texts) {
                return plan_err!("{}", settings_message::<F>(&e));
            }
        }
        Ok(Arc::new(Field::new(F::NAME, F::Output::data_type(), true)))
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let names: Vec<&str> = F::SETTINGS.iter().chain(F::INPUTS).copied().collect();
        if arg_types.len() != names.len() {
            return plan_err!(
                "{}: expects {} arguments ({}), got {}",
                F::NAME,
                names.len(),
                names.join(", "),
                arg_types.len()
            );
        }
        let settings = F::SETTINGS.len();
        (arg_types.iter().zip(&names).enumerate())
            .map(|(i, (t, name))| {
                if i < settings {
                    coerce_text(F::NAME, &argument(i, name), t)
                } else {
                    coerce_number(F::NAME, &argument(i, name), t)
                }
            })
            .collect()
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        evaluate::<F>(&args.args, args.number_rows).map(ColumnarValue::Array)
    }
}

/// "cv_p_alive: argument 1 (model) is not JSON: …".
fn settings_message<F: RowFunction>(error: &SettingsError) -> String {
    let name = F::SETTINGS.get(error.index).copied().unwrap_or("settings");
    format!(
        "{}: {} {}",
        F::NAME,
        argument(error.index, name),
        error.message
    )
}

/// The function over one batch of `rows` rows.
fn evaluate<F: RowFunction>(args: &[ColumnarValue], rows: usize) -> Result<ArrayRef> {
    let settings = F::SETTINGS.len();
    if args.len() != settings + F::INPUTS.len() || F::INPUTS.len() > MAX_INPUTS {
        return internal_err!("{}: called with {} arguments", F::NAME, args.len());
    }
    let texts = (F::SETTINGS.iter().enumerate())
        .map(|(i, name)| Texts::read(F::NAME, &argument(i, name), &args[i]))
        .collect::<Result<Vec<_>>>()?;
    let numbers = (F::INPUTS.iter().enumerate())
        .map(|(k, name)| Numbers::read(F::NAME, &argument(settings + k, name), &args[settings + k]))
        .collect::<Result<Vec<_>>>()?;
    let mut outputs: Vec<Option<F::Output>> = (0..rows).map(|_| None).collect();
    let constant = texts.iter().all(Texts::is_constant);
    let mut start = 0;
    while start < rows {
        let end = if constant {
            rows
        } else {
            run_end(&texts, start, rows)
        };
        let keys: Option<Vec<&str>> = texts.iter().map(|t| t.get(start)).collect();
        // A NULL setting leaves the run's results NULL.
        if let Some(keys) = keys {
            let parsed = match F::parse(&keys) {
                Ok(parsed) => parsed,
                Err(e) => return exec_err!("{}", settings_message::<F>(&e)),
            };
            score_run::<F>(&parsed, &numbers, start..end, &mut outputs)?;
        }
        start = end;
    }
    F::Output::column(outputs)
}

/// The end of the run of rows from `start` whose settings equal those of `start`.
fn run_end(texts: &[Texts], start: usize, rows: usize) -> usize {
    let same = |row: usize| texts.iter().all(|t| t.get(row) == t.get(start));
    (start + 1..rows).find(|&row| !same(row)).unwrap_or(rows)
}

/// Scores the rows of `range` that have every input, writing their results into `outputs`.
fn score_run<F: RowFunction>(
    settings: &F::Settings, numbers: &[Numbers], range: Range<usize>,
    outputs: &mut [Option<F::Output>],
) -> Result<()> {
    let mut rows = Rows::of_arguments::<F>();
    let mut positions = Vec::with_capacity(range.len());
    let mut buffer = [None; MAX_INPUTS];
    for row in range {
        let values = &mut buffer[..numbers.len()];
        for (value, column) in values.iter_mut().zip(numbers) {
            *value = column.get(row);
        }
        F::complete(values);
        if values.iter().all(Option::is_some) {
            rows.push(values.iter().flatten().copied());
            positions.push(row);
        }
    }
    if positions.is_empty() {
        return Ok(());
    }
    let scored = match F::score(settings, &rows) {
        Ok(scored) => scored,
        Err(message) => return exec_err!("{}: {message}", F::NAME),
    };
    if scored.len() != positions.len() {
        return internal_err!(
            "{}: {} results for {} rows",
            F::NAME,
            scored.len(),
            positions.len()
        );
    }
    for (position, value) in positions.into_iter().zip(scored) {
        outputs[position] = Some(value);
    }
    Ok(())
}
