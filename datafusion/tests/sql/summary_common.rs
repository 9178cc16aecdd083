//! Shared by the `cv_summary` tests: logs as Arrow tables, the struct read back per customer,
//! and the rows the core crate's `Summarizer` gives on the same lines.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use customer_value::summary::DroppedCustomer;
use customer_value::{CustomerSummary, Summarizer, TimeUnit, Transaction};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Decimal128Array, Int64Array, RecordBatch, StructArray,
};
use datafusion::arrow::datatypes::{
    ArrowPrimitiveType, DataType, Date32Type, Decimal128Type, Field, Float64Type, Int64Type,
    Schema, SchemaRef,
};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use rust_decimal::{Decimal, RoundingStrategy};

/// One line of a log: a customer, a day (days since 1970-01-01) and an amount in minor units;
/// `None` is SQL's NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub customer: i64,
    pub day: Option<i32>,
    pub minor: Option<i64>,
}

/// How the amount column holds money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Money {
    /// `DECIMAL(18, scale)`.
    Decimal { scale: i8 },
    /// `BIGINT` minor units.
    Bigint,
}

/// The schema of a log: `customer_id BIGINT, day DATE, amount <money>`.
pub fn schema(money: Money) -> SchemaRef {
    let amount = match money {
        Money::Decimal { scale } => DataType::Decimal128(18, scale),
        Money::Bigint => DataType::Int64,
    };
    Arc::new(Schema::new(vec![
        Field::new("customer_id", DataType::Int64, false),
        Field::new("day", DataType::Date32, true),
        Field::new("amount", amount, true),
    ]))
}

/// A batch of lines.
pub fn batch(lines: &[Line], money: Money) -> RecordBatch {
    let ids = Int64Array::from_iter_values(lines.iter().map(|l| l.customer));
    let days: Date32Array = lines.iter().map(|l| l.day).collect();
    let amounts: ArrayRef = match money {
        Money::Decimal { scale } => {
            let cents: Decimal128Array = lines.iter().map(|l| l.minor.map(i128::from)).collect();
            Arc::new(cents.with_precision_and_scale(18, scale).unwrap())
        }
        Money::Bigint => Arc::new(lines.iter().map(|l| l.minor).collect::<Int64Array>()),
    };
    RecordBatch::try_new(schema(money), vec![Arc::new(ids), Arc::new(days), amounts]).unwrap()
}

/// The lines as a table of `partitions` partitions (lines dealt round-robin in batches of
/// `batch_rows`).
pub fn table(lines: &[Line], money: Money, partitions: usize, batch_rows: usize) -> MemTable {
    let mut parts = vec![Vec::new(); partitions];
    for (k, chunk) in lines.chunks(batch_rows.max(1)).enumerate() {
        parts[k % partitions].push(batch(chunk, money));
    }
    MemTable::try_new(schema(money), parts).unwrap()
}

/// The struct of one customer, as `cv_summary` returned it (money as the decimal's integer).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub status: String,
    pub reason: Option<String>,
    pub occasions: i64,
    pub first: Option<i32>,
    pub last: Option<i32>,
    pub recency_days: Option<i64>,
    pub total_spend: i128,
    pub x: Option<i64>,
    pub t_x_days: Option<i64>,
    pub t_x_weeks: Option<f64>,
    pub age_days: Option<i64>,
    pub age_weeks: Option<f64>,
    pub mean_repeat_spend: Option<i128>,
    pub counted_lines: i64,
    pub refund_lines: i64,
    pub late_lines: i64,
    pub null_lines: i64,
    pub excess_scale_lines: i64,
}

/// Runs `sql`, whose result has the columns `customer_id` and `s` (the struct), and reads the
/// struct per customer.
pub async fn rows_of(ctx: &SessionContext, sql: &str) -> BTreeMap<i64, Row> {
    let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
    read_rows(&batches)
}

/// The struct per customer of result batches with the columns `customer_id` and `s`.
pub fn read_rows(batches: &[RecordBatch]) -> BTreeMap<i64, Row> {
    let mut rows = BTreeMap::new();
    for batch in batches {
        let ids = batch.column_by_name("customer_id").unwrap();
        let ids = ids.as_primitive::<Int64Type>();
        let s = batch.column_by_name("s").unwrap().as_struct();
        for i in 0..batch.num_rows() {
            let previous = rows.insert(ids.value(i), row(s, i));
            assert!(previous.is_none(), "customer {} twice", ids.value(i));
        }
    }
    rows
}

/// Row `i` of the primitive field `name` of a struct array.
fn value<T: ArrowPrimitiveType>(s: &StructArray, name: &str, i: usize) -> Option<T::Native> {
    let column = s.column_by_name(name).unwrap_or_else(|| panic!("{name}"));
    let column = column.as_primitive::<T>();
    column.is_valid(i).then(|| column.value(i))
}

/// Row `i` of the struct array.
pub fn row(s: &StructArray, i: usize) -> Row {
    let int = |name: &str| value::<Int64Type>(s, name, i);
    let date = |name: &str| value::<Date32Type>(s, name, i);
    let float = |name: &str| value::<Float64Type>(s, name, i);
    let decimal = |name: &str| value::<Decimal128Type>(s, name, i);
    let text = |name: &str| {
        let c = s.column_by_name(name).unwrap().as_string::<i32>();
        c.is_valid(i).then(|| c.value(i).to_string())
    };
    Row {
        status: text("status").unwrap(),
        reason: text("status_reason"),
        occasions: int("purchase_occasions").unwrap(),
        first: date("first_purchase"),
        last: date("last_purchase"),
        recency_days: int("recency_days"),
        total_spend: decimal("total_spend").unwrap(),
        x: int("x"),
        t_x_days: int("t_x_days"),
        t_x_weeks: float("t_x_weeks"),
        age_days: int("age_days"),
        age_weeks: float("age_weeks"),
        mean_repeat_spend: decimal("mean_repeat_spend"),
        counted_lines: int("counted_lines").unwrap(),
        refund_lines: int("refund_lines").unwrap(),
        late_lines: int("late_lines").unwrap(),
        null_lines: int("null_lines").unwrap(),
        excess_scale_lines: int("excess_scale_lines").unwrap(),
    }
}

/// `value` as the integer of a decimal at `scale`, rounded half to even.
pub fn at_scale(value: Decimal, scale: u32) -> i128 {
    let rounded = value.round_dp_with_strategy(scale, RoundingStrategy::MidpointNearestEven);
    rounded.mantissa() * 10i128.pow(scale - rounded.scale())
}

/// The date of day `day` after 1970-01-01.
pub fn date(day: i32) -> NaiveDate {
    Date32Type::to_naive_date_opt(day).unwrap()
}

/// Days from 1970-01-01 to `date`.
pub fn day(date: NaiveDate) -> i32 {
    Date32Type::from_naive_date(date)
}

/// The lines' categories per customer, counted from the lines themselves (not by the code under
/// test): (refund lines on or before the end, late lines, NULL lines).
pub fn line_counts(lines: &[Line], end: NaiveDate) -> BTreeMap<i64, (i64, i64, i64)> {
    let end = day(end);
    let mut counts: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    for l in lines {
        let c = counts.entry(l.customer).or_default();
        match (l.day, l.minor) {
            (Some(d), Some(_)) if d > end => c.1 += 1,
            (Some(_), Some(m)) if m < 0 => c.0 += 1,
            (Some(_), Some(_)) => {}
            _ => c.2 += 1,
        }
    }
    counts
}

/// The rows the core crate gives on the same lines: `Summarizer::summarize_with_dropped` on
/// the lines with a day and an amount (at `scale` decimals), each customer's counts from
/// [`line_counts`], and money at `money_scale` (the mean at `mean_scale`).
pub fn expected_rows(
    lines: &[Line], summarizer: &Summarizer, scale: u32, money_scale: u32, mean_scale: u32,
) -> BTreeMap<i64, Row> {
    let log: Vec<Transaction<i64>> = lines
        .iter()
        .filter_map(|l| {
            let amount = Decimal::new(l.minor?, scale);
            Some(Transaction::new(l.customer, date(l.day?), amount))
        })
        .collect();
    let (summaries, _, dropped) = summarizer.summarize_with_dropped(&log).unwrap();
    let summaries: BTreeMap<i64, &CustomerSummary<i64>> =
        summaries.iter().map(|s| (*s.customer(), s)).collect();
    let dropped: BTreeMap<i64, &DroppedCustomer<i64>> =
        dropped.iter().map(|d| (d.customer, d)).collect();
    let end = summarizer.observation_end();
    let money = |value| at_scale(value, money_scale);
    line_counts(lines, end)
        .into_iter()
        .map(|(customer, (refunds, late, nulls))| {
            let mut row = match (summaries.get(&customer), dropped.get(&customer)) {
                (Some(s), _) => summary_row(s, money(s.total_spend()), mean_scale),
                (None, Some(d)) => empty_row("dropped", d.lines as i64, money(d.net_amount)),
                (None, None) => empty_row("no_counted_line", 0, 0),
            };
            (row.refund_lines, row.late_lines, row.null_lines) = (refunds, late, nulls);
            (customer, row)
        })
        .collect()
}

/// The expected row of a customer with a summary (counts of left-out lines still zero).
fn summary_row(s: &CustomerSummary<i64>, total_spend: i128, mean_scale: u32) -> Row {
    let days = s.btyd(TimeUnit::Days);
    let weeks = s.btyd(TimeUnit::Weeks);
    Row {
        status: "summary".into(),
        reason: None,
        occasions: s.purchase_occasions() as i64,
        first: Some(day(s.first_purchase())),
        last: Some(day(s.last_purchase())),
        recency_days: Some(s.recency_days()),
        total_spend,
        x: Some(days.frequency as i64),
        t_x_days: Some(days.recency as i64),
        t_x_weeks: Some(weeks.recency),
        age_days: Some(days.age as i64),
        age_weeks: Some(weeks.age),
        mean_repeat_spend: s.mean_repeat_spend().map(|m| at_scale(m, mean_scale)),
        counted_lines: s.transactions() as i64,
        refund_lines: 0,
        late_lines: 0,
        null_lines: 0,
        excess_scale_lines: 0,
    }
}

/// The expected row of a customer without a summary; its reason is not compared.
fn empty_row(status: &str, counted_lines: i64, total_spend: i128) -> Row {
    Row {
        status: status.into(),
        reason: None,
        occasions: 0,
        first: None,
        last: None,
        recency_days: None,
        total_spend,
        x: None,
        t_x_days: None,
        t_x_weeks: None,
        age_days: None,
        age_weeks: None,
        mean_repeat_spend: None,
        counted_lines,
        refund_lines: 0,
        late_lines: 0,
        null_lines: 0,
        excess_scale_lines: 0,
    }
}

/// The rows with the reasons blanked (compared separately).
pub fn without_reasons(rows: &BTreeMap<i64, Row>) -> BTreeMap<i64, Row> {
    rows.iter()
        .map(|(id, row)| {
            (
                *id,
                Row {
                    reason: None,
                    ..row.clone()
                },
            )
        })
        .collect()
}
