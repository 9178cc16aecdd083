//! RFM in SQL against `RfmScorer` on the CDNOW master log's summaries (23,570 customers): the
//! breakpoints equal the core's fit bit for bit under several partitionings, the scores and
//! segments equal the core's; NULLs; and every error path.

use crate::cdnow_tables;
// The core's test data: `cdnow_master()` reads the bundled CDNOW log.
use crate::common;

use std::sync::Arc;

use cdnow_tables::{assert_errors, context, partitioned, query, PARTITIONINGS};
use customer_value::chrono::NaiveDate;
use customer_value::rfm::FittedRfm;
use customer_value::rust_decimal::Decimal;
use customer_value::{Binning, CustomerSummary, MonetaryBasis, RfmRecord, RfmScorer, Summarizer};
use customer_value_datafusion::score::sql_literal;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, Int64Array, RecordBatch,
};
use datafusion::arrow::datatypes::UInt8Type;

fn summaries() -> Vec<CustomerSummary<u32>> {
    let end = NaiveDate::from_ymd_opt(1998, 6, 30).unwrap();
    Summarizer::new(end)
        .summarize(&common::cdnow_master())
        .unwrap()
}

/// A DECIMAL(38, scale) column of exact amounts.
fn decimals(values: impl Iterator<Item = Decimal>, scale: u32) -> ArrayRef {
    let mantissas = values.map(|d| d.mantissa() * 10i128.pow(scale - d.scale()));
    Arc::new(
        Decimal128Array::from_iter_values(mantissas)
            .with_precision_and_scale(38, scale as i8)
            .unwrap(),
    )
}

/// `id`, `recency_days`, `frequency` (BIGINT), `total` (DECIMAL(38, 2)) and `average`
/// (DECIMAL(38, 28): total spend per occasion, as the core divides it).
fn customers_batch(summaries: &[CustomerSummary<u32>]) -> RecordBatch {
    let ints = |f: fn(&CustomerSummary<u32>) -> i64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(summaries.iter().map(f)))
    };
    RecordBatch::try_from_iter([
        ("id", ints(|s| i64::from(*s.customer()))),
        ("recency_days", ints(|s| s.recency_days())),
        ("frequency", ints(|s| s.frequency() as i64)),
        (
            "total",
            decimals(summaries.iter().map(|s| s.total_spend()), 2),
        ),
        (
            "average",
            decimals(summaries.iter().map(|s| s.average_order_value()), 28),
        ),
    ])
    .unwrap()
}

/// (r, f, m, segment) of the `score` struct column `k`, row by row.
fn scores(batches: &[RecordBatch], k: usize) -> Vec<Option<(u8, u8, u8, String)>> {
    let mut out = Vec::new();
    for batch in batches {
        let column = batch.column(k).as_struct();
        let level = |name: &str| {
            column
                .column_by_name(name)
                .unwrap()
                .as_primitive::<UInt8Type>()
                .clone()
        };
        let (r, f, m) = (level("r"), level("f"), level("m"));
        let segment = column
            .column_by_name("segment")
            .unwrap()
            .as_string::<i32>()
            .clone();
        for i in 0..column.len() {
            out.push(column.is_valid(i).then(|| {
                (
                    r.value(i),
                    f.value(i),
                    m.value(i),
                    segment.value(i).to_owned(),
                )
            }));
        }
    }
    out
}

/// The core's records as (r, f, m, segment).
fn tuples(records: Vec<RfmRecord<u32>>) -> Vec<Option<(u8, u8, u8, String)>> {
    records
        .into_iter()
        .map(|r| {
            let s = r.score;
            Some((
                s.recency,
                s.frequency,
                s.monetary,
                r.segment.name().to_owned(),
            ))
        })
        .collect()
}

/// Every customer's `cv_rfm_score` against `fitted` (as a literal) on the `monetary` column, in
/// id order.
async fn scored_in_sql(
    ctx: &datafusion::prelude::SessionContext, fitted: &FittedRfm, monetary: &str,
) -> Vec<Option<(u8, u8, u8, String)>> {
    let literal = sql_literal(fitted).unwrap();
    let sql = format!(
        "SELECT cv_rfm_score({literal}, recency_days, frequency, {monetary}) FROM customers ORDER BY id"
    );
    scores(&query(ctx, &sql).await.unwrap(), 0)
}

async fn fitted_in_sql(ctx: &datafusion::prelude::SessionContext, sql: &str) -> FittedRfm {
    let batches = query(ctx, sql).await.unwrap();
    let json = batches[0].column(0).as_string::<i32>().value(0).to_owned();
    serde_json::from_str(&json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdnow_quintiles_and_scores_equal_the_core() {
    let summaries = summaries();
    assert_eq!(summaries.len(), 23570);
    let scorer = RfmScorer::new();
    let core_fitted = scorer.fit(&summaries).unwrap();
    let core = tuples(scorer.score(&summaries).unwrap());
    let batch = customers_batch(&summaries);
    for (seed, (partitions, target)) in PARTITIONINGS.into_iter().enumerate() {
        let ctx = context(target);
        ctx.register_table(
            "customers",
            Arc::new(partitioned(&batch, partitions, 11 + seed as u64)),
        )
        .unwrap();
        let fitted = fitted_in_sql(
            &ctx,
            "SELECT cv_rfm_breakpoints(recency_days, frequency, total) FROM customers",
        )
        .await;
        assert_eq!(fitted, core_fitted, "{partitions} partitions");
        // numpy.quantile on the same customers (the core's tests/rfm.rs).
        let b = fitted.breakpoints();
        assert_eq!(b.recency, [141.0, 432.0, 485.0, 512.0]);
        assert_eq!(b.frequency, [1.0, 1.0, 2.0, 4.0]);
        for (got, want) in b.monetary.iter().zip([15.36, 31.35, 59.924, 133.95]) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        // The fitted model as a literal, and in one query through a CROSS JOIN.
        assert_eq!(scored_in_sql(&ctx, &fitted, "total").await, core);
        let joined = query(
            &ctx,
            "WITH f AS (SELECT cv_rfm_breakpoints(recency_days, frequency, total) AS model FROM customers)
             SELECT id, cv_rfm_score(f.model, recency_days, frequency, total) FROM customers CROSS JOIN f
             ORDER BY id",
        )
        .await
        .unwrap();
        assert_eq!(scores(&joined, 1), core);
    }
    // The score counts of the core's test (numpy's quintiles).
    let count = |pick: fn(&(u8, u8, u8, String)) -> u8| -> Vec<usize> {
        (1..=5)
            .map(|l| core.iter().flatten().filter(|s| pick(s) == l).count())
            .collect()
    };
    assert_eq!(count(|s| s.0), [4539, 4748, 4844, 4720, 4719]);
    assert_eq!(count(|s| s.1), [12054, 0, 4040, 3641, 3835]);
    assert_eq!(count(|s| s.2), [4817, 4615, 4710, 4715, 4713]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_reach_the_core_scorer() {
    let summaries = summaries();
    let batch = customers_batch(&summaries);
    let thresholds = Binning::Thresholds {
        recency: vec![30.0, 365.0],
        frequency: vec![1.0, 3.0],
        monetary: vec![50.0, 200.0],
    };
    let cases = [
        (r#"{"bins": 4}"#, RfmScorer::new().bins(4), "total"),
        (
            r#"{"binning": "EqualCount"}"#,
            RfmScorer::new().binning(Binning::EqualCount),
            "total",
        ),
        (
            r#"{"monetary": "AveragePerOccasion", "bins": 3}"#,
            RfmScorer::new()
                .monetary(MonetaryBasis::AveragePerOccasion)
                .bins(3),
            "average",
        ),
        (
            r#"{"bins": 3, "binning": {"Thresholds": {"recency": [30, 365], "frequency": [1, 3], "monetary": [50, 200]}}}"#,
            RfmScorer::new().bins(3).binning(thresholds),
            "total",
        ),
    ];
    for (seed, (options, scorer, column)) in cases.into_iter().enumerate() {
        let core_fitted = scorer.fit(&summaries).unwrap();
        let ctx = context(3);
        ctx.register_table("customers", Arc::new(partitioned(&batch, 5, seed as u64)))
            .unwrap();
        let fitted = fitted_in_sql(
            &ctx,
            &format!(
                "SELECT cv_rfm_breakpoints(recency_days, frequency, {column}, '{options}') FROM customers"
            ),
        )
        .await;
        assert_eq!(fitted, core_fitted, "{options}");
        let core = tuples(core_fitted.score(&summaries).unwrap());
        assert_eq!(
            scored_in_sql(&ctx, &fitted, column).await,
            core,
            "{options}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nulls_are_skipped_and_an_empty_group_is_null() {
    let ctx = context(2);
    let table = "(VALUES (1, 10, 1, 20.0), (2, NULL, 4, 180.5), (3, 40, 2, 55.0), (4, 1, 6, NULL),
                         (5, 3, 3, 99.0)) AS c(id, recency_days, frequency, monetary)";
    let fitted = fitted_in_sql(
        &ctx,
        &format!("SELECT cv_rfm_breakpoints(recency_days, frequency, monetary, '{{\"bins\": 2}}') FROM {table}"),
    )
    .await;
    // Rows 1, 3 and 5 remain.
    let core = RfmScorer::new()
        .bins(2)
        .fit_columns(&[10.0, 40.0, 3.0], &[1.0, 2.0, 3.0], &[20.0, 55.0, 99.0])
        .unwrap();
    assert_eq!(fitted, core);
    let literal = sql_literal(&fitted).unwrap();
    let scored = query(
        &ctx,
        &format!("SELECT cv_rfm_score({literal}, recency_days, frequency, monetary) FROM {table} ORDER BY id"),
    )
    .await
    .unwrap();
    let s = scores(&scored, 0);
    assert_eq!((s[1].clone(), s[3].clone()), (None, None));
    assert_eq!(s[0].as_ref().map(|t| (t.0, t.1, t.2)), Some((2, 1, 1)));
    let empty = query(
        &ctx,
        &format!("SELECT cv_rfm_breakpoints(recency_days, frequency, monetary) FROM {table} WHERE id > 9"),
    )
    .await
    .unwrap();
    assert!(empty[0].column(0).is_null(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_the_function_and_the_argument() {
    let ctx = context(2);
    let table = "FROM (VALUES (1, 10, 1, 20.0, 'a'), (2, 3, 4, 180.5, 'b')) AS c(id, r, f, m, s)";
    let fitted = RfmScorer::new()
        .bins(2)
        .fit_columns(&[1.0, 2.0], &[1.0, 2.0], &[1.0, 2.0])
        .unwrap();
    let literal = sql_literal(&fitted).unwrap();
    let bad_cuts = literal.replace("\"recency\":[1.5]", "\"recency\":[1.5,2.5]");
    let cases = [
        (format!("SELECT cv_rfm_breakpoints(r, f, CAST('NaN' AS DOUBLE)) {table}"), "cv_rfm_breakpoints: argument 3 (monetary) = NaN is not finite in the row recency_days = 10, frequency = 1, monetary = NaN"),
        (format!("SELECT cv_rfm_breakpoints(-r, f, m) {table}"), "cv_rfm_breakpoints: argument 1 (recency_days) = -10 is negative"),
        (format!("SELECT cv_rfm_breakpoints(r, f, m, '{{\"bin\": 3}}') {table}"), "cv_rfm_breakpoints: argument 4 (options) has the unknown key \"bin\""),
        (format!("SELECT cv_rfm_breakpoints(r, f, m, '{{\"bins\": 11}}') {table}"), "cv_rfm_breakpoints: argument 4 (options) is refused: bins = 11 is invalid"),
        (format!("SELECT cv_rfm_breakpoints(r, f, m, s) {table}"), "cv_rfm_breakpoints: argument 4 (options) must be a string literal"),
        (format!("SELECT cv_rfm_breakpoints(r, f) {table}"), "cv_rfm_breakpoints: expects 3 or 4 arguments"),
        (format!("SELECT cv_rfm_breakpoints(r, s, m) {table}"), "cv_rfm_breakpoints: argument 2 (frequency) is Utf8"),
        (format!("SELECT cv_rfm_breakpoints(r, f, m, '{{\"binning\": \"EqualCount\"}}') {table}"), "cv_rfm_breakpoints: customer-value: equal-count binning into 5 groups needs at least 5 customers, got 2"),
        (format!("SELECT cv_rfm_score('{{}}', r, f, m) {table}"), "cv_rfm_score: argument 1 (fitted) is refused by customer-value as a fitted RFM model"),
        (format!("SELECT cv_rfm_score({bad_cuts}, r, f, m) {table}"), "breakpoints.recency has 2 values, 1 are needed"),
        (format!("SELECT cv_rfm_score({literal}, r, -f, m) {table}"), "cv_rfm_score: argument 3 (frequency) = -1 is negative in the row recency_days = 10, frequency = -1, monetary = 20"),
        (format!("SELECT cv_rfm_score({literal}, r, f) {table}"), "cv_rfm_score: expects 4 arguments (fitted, recency_days, frequency, monetary), got 3"),
    ];
    assert_errors(&ctx, &cases).await;
}
