//! `cv_summary`: the aggregate that turns one customer's lines into that customer's summary, with
//! the rules and the numbers of the core's [`Summarizer`](customer_value::Summarizer).
//!
//! ```sql
//! SELECT customer_id, cv_summary(day, amount, DATE '1998-06-30') AS s
//! FROM log GROUP BY customer_id
//! ```
//!
//! # Arguments
//!
//! `cv_summary(day, amount, as_of [, options])`:
//!
//! 1. `day`: `DATE`, or `TIMESTAMP` (its date, as `CAST(ts AS DATE)` gives it).
//! 2. `amount`: exact money, `DECIMAL(p, s)` with `s` from 0 to 28, or integer minor units
//!    (`BIGINT` and the other integer types; cents unless `minor_unit_scale` says otherwise).
//!    A float is refused: it is already rounded.
//! 3. `as_of`: the observation end (inclusive), a constant `DATE` (or a string or timestamp
//!    literal cast to one).
//! 4. `options` (optional): a constant JSON object string; every key is optional, an unknown
//!    key is an error:
//!
//!    | key | values | default | meaning |
//!    |---|---|---|---|
//!    | `late_lines` | `"exclude"`, `"reject"` | `"exclude"` | a line dated after `as_of` is left out and counted in `late_lines`, or fails the query |
//!    | `refund_policy` | `"net"`, `"reject"`, `"ignore"` | `"net"` | a negative amount is netted into its day, fails the query, or is left out and counted in `refund_lines` |
//!    | `money_scale` | 0 to 28 | 2 | the decimals an amount is expected to have; lines with more are counted as given, and in `excess_scale_lines` |
//!    | `minor_unit_scale` | 0 to 10 | 2 | the decimals of `BIGINT` minor units (`1999` at 2 is 19.99); an error with a `DECIMAL` amount, which carries its scale |
//!
//! A line whose day or amount is NULL is skipped and counted in `null_lines`. Wrong types, a
//! non-constant `as_of` or `options`, bad JSON and unknown keys are planning errors that name
//! `cv_summary` and the argument; a line a rejecting policy refuses, or an amount beyond
//! ±10^18, is an execution error with the core's message.
//!
//! # The struct
//!
//! One row per group, never NULL. `S` is the scale of the money fields: the amount's own scale
//! for a `DECIMAL(p, S)`, and [`BIGINT_MONEY_SCALE`] (10) for `BIGINT` minor units (a return
//! type is fixed before the `options` literal is read, so it holds every `minor_unit_scale`
//! exactly). Days are whole days; weeks are days / 7.
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `status` | `VARCHAR` not null | `summary`; `dropped` (counted lines, and refunds bring every day to zero or less: no purchase occasion); `no_counted_line` (every line was late, an ignored refund or NULL) |
//! | `status_reason` | `VARCHAR` | NULL for `summary`; otherwise why, with the counts |
//! | `purchase_occasions` | `BIGINT` not null | days whose lines net to a purchase (0 without a summary) |
//! | `first_purchase`, `last_purchase` | `DATE` | the first and last purchase occasions |
//! | `recency_days` | `BIGINT` | RFM recency: days from the last purchase to `as_of` |
//! | `total_spend` | `DECIMAL(38, S)` not null | the net of every counted line, exact (a dropped customer's net, zero or negative; 0 without a counted line) |
//! | `x` | `BIGINT` | BTYD repeat frequency: purchase occasions − 1 |
//! | `t_x_days`, `t_x_weeks` | `BIGINT`, `DOUBLE` | BTYD recency t_x: first to last purchase |
//! | `age_days`, `age_weeks` | `BIGINT`, `DOUBLE` | BTYD age T: first purchase to `as_of` |
//! | `mean_repeat_spend` | `DECIMAL(38, min(S + 4, 28))` | Gamma-Gamma's z̄, the net repeat spend per repeat occasion, rounded half to even to 4 more decimals (as `AVG` of a decimal); NULL when x = 0 or refunds took back every repeat purchase |
//! | `counted_lines` | `BIGINT` not null | lines netted into the days |
//! | `refund_lines` | `BIGINT` not null | refund lines netted (`"net"`) or left out (`"ignore"`) |
//! | `late_lines` | `BIGINT` not null | lines dated after `as_of`, left out |
//! | `null_lines` | `BIGINT` not null | lines with a NULL day or amount, skipped |
//! | `excess_scale_lines` | `BIGINT` not null | lines with more decimals than `money_scale` |
//!
//! Every line of a group is in exactly one of `counted_lines`, `late_lines`, `null_lines` and
//! (under `"ignore"`) `refund_lines`. The figures are those of
//! [`Summarizer::summarize`](customer_value::Summarizer::summarize) on the same lines, with the
//! same settings (Fader, Hardie & Lee 2005 for x, t_x and T).
//!
//! # Execution
//!
//! The partial state is a customer's lines as read (see [below](self#partial-state)); only the
//! last phase nets them, each through the core's
//! [`CustomerLedger::add`](customer_value::summary::CustomerLedger::add), in day order, so
//! two-phase and repartitioned aggregation give the same struct whatever the partitioning.
//! Grouped queries use a `GroupsAccumulator` that keeps every group's lines in one flat column
//! and counts its memory, so DataFusion's memory pool can spill the aggregation.
//!
//! # Partial state
//!
//! `day` (`Date32`) and `amount` (`Decimal128(38, 0)`, minor units at the argument's scale): the
//! first line with a day and an amount, NULL when there is none; `more_lines` (`Binary`): the
//! other such lines, 20 bytes each (the day as an `i32`, then the amount as an `i128`,
//! little-endian); `missing_lines` (`UInt64`): the lines with a NULL day or amount. A state of
//! one line (every row's, when DataFusion skips the first phase) is the input's own columns.

mod accumulator;
mod arguments;
mod groups;
mod input;
mod lines;
mod options;
mod output;
mod state;

use std::sync::LazyLock;

use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::common::Result;
use datafusion::logical_expr::aggregate_doc_sections::DOC_SECTION_GENERAL;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::AggregateOrderSensitivity;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Documentation, GroupsAccumulator, Signature,
    Volatility,
};

pub use arguments::BIGINT_MONEY_SCALE;
pub use options::{DEFAULT_MINOR_UNIT_SCALE, MAX_MINOR_UNIT_SCALE};
pub use output::{STATUS_DROPPED, STATUS_NO_COUNTED_LINE, STATUS_SUMMARY};

use accumulator::SummaryAccumulator;
use groups::SummaryGroups;

/// The `cv_summary` aggregate, to register on a context.
///
/// # Examples
///
/// ```
/// use datafusion::prelude::SessionContext;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let ctx = SessionContext::new();
/// ctx.register_udaf(customer_value_datafusion::summary::cv_summary());
/// // A literal such as 20.00 is a DOUBLE in DataFusion: money is cast to a DECIMAL.
/// let sql = "SELECT customer, cv_summary(day, CAST(amount AS DECIMAL(10, 2)), DATE '2024-01-31') AS s
///     FROM (VALUES (1, DATE '2024-01-02', 20.00), (1, DATE '2024-01-16', 10.00),
///     (1, DATE '2024-01-16', -2.50), (2, DATE '2024-01-05', 7.99)) AS log(customer, day, amount)
///     GROUP BY customer";
/// let df = ctx.sql(&format!("SELECT customer, s['x'] AS x, s['total_spend'] AS spend FROM ({sql}) ORDER BY customer")).await?;
/// let batches = df.collect().await?;
/// let text = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?.to_string();
/// assert!(text.contains("| 1        | 1 | 27.50 |"), "{text}");
/// assert!(text.contains("| 2        | 0 | 7.99  |"), "{text}");
/// # Ok::<(), datafusion::error::DataFusionError>(())
/// # }).unwrap();
/// ```
pub fn cv_summary() -> AggregateUDF {
    AggregateUDF::from(CvSummary::new())
}

/// The implementation of [`cv_summary`] (see the [module](self) docs for its arguments and
/// struct).
///
/// # Examples
///
/// ```
/// use customer_value_datafusion::summary::CvSummary;
/// use datafusion::logical_expr::{AggregateUDF, AggregateUDFImpl};
///
/// let udaf = AggregateUDF::from(CvSummary::new());
/// assert_eq!(udaf.name(), "cv_summary");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CvSummary {
    signature: Signature,
}

impl CvSummary {
    /// The aggregate, taking 3 or 4 arguments of the types listed in the module docs.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value_datafusion::summary::CvSummary;
    /// use datafusion::logical_expr::AggregateUDFImpl;
    ///
    /// assert_eq!(CvSummary::new().name(), "cv_summary");
    /// ```
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl Default for CvSummary {
    fn default() -> Self {
        Self::new()
    }
}

/// The documentation DataFusion shows for the function.
static DOCUMENTATION: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_GENERAL,
        "One customer's purchase summary (occasions, RFM recency, exact net spend, BTYD x, t_x and T, mean repeat spend, and the counts of refund, late and NULL lines) from its transaction lines.",
        "cv_summary(day, amount, as_of [, options])",
    )
    .with_argument("day", "DATE or TIMESTAMP of the line")
    .with_argument("amount", "DECIMAL(p, s), or BIGINT minor units; floats are refused")
    .with_argument("as_of", "the observation end, a constant DATE")
    .with_argument(
        "options",
        "a constant JSON object: late_lines, refund_policy, money_scale, minor_unit_scale",
    )
    .build()
});

impl AggregateUDFImpl for CvSummary {
    fn name(&self) -> &str {
        arguments::NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        arguments::coerce(arg_types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(output::data_type(arguments::money_scale(arg_types)?))
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(SummaryAccumulator::new(arguments::read(&args)?)?))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(state::fields(args.name))
    }

    fn groups_accumulator_supported(&self, _args: AccumulatorArgs) -> bool {
        true
    }

    fn create_groups_accumulator(
        &self, args: AccumulatorArgs,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(SummaryGroups::new(arguments::read(&args)?)?))
    }

    fn order_sensitivity(&self) -> AggregateOrderSensitivity {
        // Ledgers net lines per day: the order of the lines changes nothing.
        AggregateOrderSensitivity::Insensitive
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(&DOCUMENTATION)
    }
}
