//! The arguments of `cv_summary(day, amount, as_of [, options])`: the types each accepts (and
//! what DataFusion casts them to before the accumulators see them), and the settings read from
//! the constant ones when the plan is built.

use std::sync::Arc;

use chrono::NaiveDate;
use customer_value::Summarizer;
use datafusion::arrow::array::RecordBatchOptions;
use datafusion::arrow::datatypes::{DataType, Date32Type, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::physical_expr::expressions::Literal;
use datafusion::physical_expr::utils::collect_columns;
use datafusion::physical_expr::PhysicalExpr;

use super::options::{self, SummaryOptions, DEFAULT_MINOR_UNIT_SCALE, MAX_MINOR_UNIT_SCALE};

/// The function's SQL name, which every error message starts with.
pub(crate) const NAME: &str = "cv_summary";

/// The scale of the money fields when the amounts are `BIGINT` minor units: a return type is
/// fixed when the plan is typed, before the `options` literal (which holds their scale) is read,
/// so it is the largest scale they may have, and every amount at scales 0 to 10 is exact in it.
///
/// # Examples
///
/// ```
/// assert_eq!(customer_value_datafusion::summary::BIGINT_MONEY_SCALE, 10);
/// ```
pub const BIGINT_MONEY_SCALE: i8 = MAX_MINOR_UNIT_SCALE as i8;

/// The largest scale of a `DECIMAL` amount: the core's decimals hold 28 decimals.
const MAX_DECIMAL_SCALE: i8 = customer_value::summary::MAX_MONEY_SCALE as i8;

/// The types DataFusion casts the arguments to: `DATE`, `DECIMAL(38, s)` or `BIGINT`, `DATE`,
/// and a string.
///
/// # Errors
///
/// A planning error naming `cv_summary` and the argument: fewer than 3 or more than 4
/// arguments, a day that is not a date or timestamp, an amount that is not exact money (a
/// float, a string) or a decimal of scale beyond 28, an `as_of` that is not a date, or options
/// that are not a string.
pub(crate) fn coerce(arg_types: &[DataType]) -> Result<Vec<DataType>> {
    if !(3..=4).contains(&arg_types.len()) {
        return plan_err!(
            "{NAME} takes 3 or 4 arguments (day, amount, as_of [, options]); it was given {}",
            arg_types.len()
        );
    }
    let mut coerced = vec![
        coerce_day(&arg_types[0])?,
        coerce_amount(&arg_types[1])?,
        coerce_as_of(&arg_types[2])?,
    ];
    if let Some(options) = arg_types.get(3) {
        coerced.push(coerce_options(options)?);
    }
    Ok(coerced)
}

/// `DATE` and `TIMESTAMP` (the timestamp's date, as `CAST(ts AS DATE)` gives it).
fn coerce_day(day: &DataType) -> Result<DataType> {
    match day {
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) | DataType::Null => {
            Ok(DataType::Date32)
        }
        other => plan_err!("{NAME}: argument 1 (day) is {other}; pass a DATE or TIMESTAMP"),
    }
}

/// Exact money: a decimal of scale 0 to 28 (as `DECIMAL(38, s)`), or integer minor units (as
/// `BIGINT`). Floats are refused: a float amount is already rounded.
fn coerce_amount(amount: &DataType) -> Result<DataType> {
    match amount {
        DataType::Decimal32(_, scale)
        | DataType::Decimal64(_, scale)
        | DataType::Decimal128(_, scale)
        | DataType::Decimal256(_, scale) => {
            if (0..=MAX_DECIMAL_SCALE).contains(scale) {
                Ok(DataType::Decimal128(38, *scale))
            } else {
                plan_err!(
                    "{NAME}: argument 2 (amount) is {amount}; its scale must be 0 to {MAX_DECIMAL_SCALE} decimals"
                )
            }
        }
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Null => Ok(DataType::Int64),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => plan_err!(
            "{NAME}: argument 2 (amount) is {amount}; money must be exact: pass DECIMAL(p,s) or BIGINT minor units"
        ),
        other => plan_err!(
            "{NAME}: argument 2 (amount) is {other}; pass DECIMAL(p,s) or BIGINT minor units"
        ),
    }
}

/// A date, a timestamp, or a string DataFusion casts to one (`'1998-06-30'`).
fn coerce_as_of(as_of: &DataType) -> Result<DataType> {
    match as_of {
        DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _)
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Null => Ok(DataType::Date32),
        other => plan_err!(
            "{NAME}: argument 3 (as_of) is {other}; pass a DATE literal such as DATE '1998-06-30'"
        ),
    }
}

/// A string holding the options JSON.
fn coerce_options(options: &DataType) -> Result<DataType> {
    match options {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
            Ok(DataType::Utf8)
        }
        other => plan_err!(
            "{NAME}: argument 4 (options) is {other}; pass a JSON string literal such as '{{\"refund_policy\": \"ignore\"}}'"
        ),
    }
}

/// The scale of the money fields of the output for the (coerced) argument types: the amount's
/// own scale for a decimal, [`BIGINT_MONEY_SCALE`] for minor units.
///
/// # Errors
///
/// As [`coerce`], when the types are not ones it accepts.
pub(crate) fn money_scale(arg_types: &[DataType]) -> Result<i8> {
    match coerce(arg_types)?.get(1) {
        Some(DataType::Decimal128(_, scale)) => Ok(*scale),
        _ => Ok(BIGINT_MONEY_SCALE),
    }
}

/// What both accumulators need, read once per plan from the arguments.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SummaryArgs {
    /// The summarizer: `as_of` and the options' policies and money scale.
    pub(crate) summarizer: Summarizer,
    /// The scale of the amounts' minor units: the decimal's, or `minor_unit_scale`.
    pub(crate) scale: u32,
    /// The scale of the money fields of the output.
    pub(crate) money_scale: i8,
}

/// Reads the settings from the constant arguments of a planned call.
///
/// # Errors
///
/// A planning error naming `cv_summary` and the argument when `as_of` or `options` is not a
/// constant, is NULL, or is refused (see [`options::parse`]), or when `minor_unit_scale` is
/// given for a `DECIMAL` amount (which carries its own scale).
pub(crate) fn read(args: &AccumulatorArgs) -> Result<SummaryArgs> {
    let types: Vec<DataType> = args
        .expr_fields
        .iter()
        .map(|field| field.data_type().clone())
        .collect();
    let money_scale = money_scale(&types)?;
    let Some(as_of_expr) = args.exprs.get(2) else {
        return plan_err!("{NAME}: argument 3 (as_of) is missing");
    };
    let as_of = as_of(constant(as_of_expr, "argument 3 (as_of)")?)?;
    let options = match args.exprs.get(3) {
        Some(expr) => options_of(constant(expr, "argument 4 (options)")?)?,
        None => SummaryOptions::default(),
    };
    let scale = match (types.get(1), options.minor_unit_scale) {
        (Some(DataType::Decimal128(_, scale)), None) => *scale as u32,
        (Some(DataType::Decimal128(_, scale)), Some(_)) => {
            return plan_err!(
                "{NAME}: argument 4 (options): \"minor_unit_scale\" is for BIGINT minor units; the DECIMAL amount carries its own scale ({scale})"
            )
        }
        (_, minor_unit_scale) => minor_unit_scale.unwrap_or(DEFAULT_MINOR_UNIT_SCALE),
    };
    // The output has no occasion list: building one per customer would only cost time.
    let summarizer = Summarizer::new(as_of)
        .late_transactions(options.late)
        .refund_policy(options.refunds)
        .money_scale(options.money_scale)
        .keep_occasions(false);
    Ok(SummaryArgs {
        summarizer,
        scale,
        money_scale,
    })
}

/// The value of a constant argument: a literal, or an expression without columns (a cast of a
/// literal, when the optimizer has not folded it), evaluated once.
fn constant(expr: &Arc<dyn PhysicalExpr>, argument: &str) -> Result<ScalarValue> {
    if let Some(literal) = expr.downcast_ref::<Literal>() {
        return Ok(literal.value().clone());
    }
    if !collect_columns(expr).is_empty() {
        return plan_err!(
            "{NAME}: {argument} must be a constant (a literal), not an expression over columns: {expr}"
        );
    }
    let one_row = RecordBatchOptions::new().with_row_count(Some(1));
    let batch = RecordBatch::try_new_with_options(Arc::new(Schema::empty()), vec![], &one_row)?;
    let array = expr.evaluate(&batch)?.into_array(1)?;
    ScalarValue::try_from_array(&array, 0)
}

/// The observation end from the (coerced) `as_of` value.
fn as_of(value: ScalarValue) -> Result<NaiveDate> {
    match value {
        ScalarValue::Date32(Some(day)) => match Date32Type::to_naive_date_opt(day) {
            Some(date) => Ok(date),
            None => plan_err!("{NAME}: argument 3 (as_of) is day {day}, outside the calendar"),
        },
        ScalarValue::Date32(None) | ScalarValue::Null => {
            plan_err!("{NAME}: argument 3 (as_of) is NULL; pass the observation end as a DATE")
        }
        other => plan_err!(
            "{NAME}: argument 3 (as_of) is {other:?}; pass a DATE literal such as DATE '1998-06-30'"
        ),
    }
}

/// The options from the (coerced) `options` value.
fn options_of(value: ScalarValue) -> Result<SummaryOptions> {
    match value {
        ScalarValue::Utf8(Some(json))
        | ScalarValue::LargeUtf8(Some(json))
        | ScalarValue::Utf8View(Some(json)) => options::parse(&json),
        ScalarValue::Utf8(None)
        | ScalarValue::LargeUtf8(None)
        | ScalarValue::Utf8View(None)
        | ScalarValue::Null => {
            plan_err!("{NAME}: argument 4 (options) is NULL; leave it out or pass '{{}}'")
        }
        other => plan_err!("{NAME}: argument 4 (options) is {other:?}; pass a JSON string"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::TimeUnit;

    #[test]
    fn days_become_dates_and_money_stays_exact() {
        let timestamp = DataType::Timestamp(TimeUnit::Millisecond, Some("+02:00".into()));
        let coerced = coerce(&[timestamp, DataType::Decimal64(12, 3), DataType::Utf8]).unwrap();
        assert_eq!(
            coerced,
            [
                DataType::Date32,
                DataType::Decimal128(38, 3),
                DataType::Date32
            ]
        );
        let minor = [
            DataType::Date64,
            DataType::UInt32,
            DataType::Date32,
            DataType::Utf8View,
        ];
        assert_eq!(coerce(&minor).unwrap()[1], DataType::Int64);
        assert_eq!(coerce(&minor).unwrap()[3], DataType::Utf8);
        assert_eq!(money_scale(&minor).unwrap(), 10);
        assert_eq!(money_scale(&coerced).unwrap(), 3);
    }

    #[test]
    fn refused_types_name_the_argument() {
        let message = |types: &[DataType]| coerce(types).unwrap_err().to_string();
        let date = DataType::Date32;
        assert!(message(&[date.clone(), DataType::Float32, date.clone()])
            .contains("argument 2 (amount) is Float32; money must be exact"));
        assert!(message(&[DataType::Int64, DataType::Int64, date.clone()])
            .contains("argument 1 (day) is Int64"));
        assert!(
            message(&[date.clone(), DataType::Decimal128(38, 30), date.clone()])
                .contains("scale must be 0 to 28")
        );
        assert!(message(&[date.clone(), DataType::Int64, DataType::Int32])
            .contains("argument 3 (as_of) is Int32"));
        let four = [date.clone(), DataType::Int64, date.clone(), DataType::Int8];
        assert!(message(&four).contains("argument 4 (options) is Int8"));
        assert!(message(&[date.clone(), DataType::Int64]).contains("was given 2"));
    }
}
