//! CDNOW tables for the scoring, RFM and fitting tests: the published calibration summary of
//! Fader, Hardie & Lee (2005) and the core's summaries of the master log, as DataFusion tables
//! cut into partitions and small batches at random.

#![allow(dead_code)]

use std::sync::Arc;

use customer_value::rust_decimal::Decimal;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array, RecordBatch,
};
use datafusion::arrow::datatypes::Float64Type;
use datafusion::catalog::MemTable;
use datafusion::error::Result;
use datafusion::prelude::{SessionConfig, SessionContext};

/// One customer of the published CDNOW calibration summary (2,357 customers, weeks).
#[derive(Debug, Clone, Copy)]
pub struct SummaryRow {
    /// The table's id, 1 to 2,357.
    pub id: i64,
    /// Repeat purchases.
    pub x: f64,
    /// Weeks from the first to the last purchase.
    pub t_x: f64,
    /// Weeks from the first purchase to 1997-09-30.
    pub age: f64,
    /// Mean repeat spend, as printed (two decimals).
    pub mean_spend: Decimal,
    /// The same, as the nearest DOUBLE.
    pub z: f64,
}

/// The published summary (tests/data/cdnow_customers_summary_with_transactions.csv).
pub fn cdnow_summary() -> Vec<SummaryRow> {
    include_str!("../../../tests/data/cdnow_customers_summary_with_transactions.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let number = |k: usize| f[k].parse::<f64>().expect("number");
            SummaryRow {
                id: f[0].parse().expect("id"),
                x: number(1),
                t_x: number(2),
                age: number(3),
                mean_spend: f[4].parse().expect("money"),
                z: number(4),
            }
        })
        .collect()
}

/// The summary as one batch: `id`, `x`, `t_x`, `T` and `z` (DOUBLE) and `z_decimal`
/// (DECIMAL(12, 2)).
pub fn summary_batch(rows: &[SummaryRow]) -> RecordBatch {
    let doubles = |f: fn(&SummaryRow) -> f64| -> ArrayRef {
        Arc::new(Float64Array::from_iter_values(rows.iter().map(f)))
    };
    let cents = rows.iter().map(|r| {
        let mut d = r.mean_spend;
        d.rescale(2);
        d.mantissa()
    });
    let decimal = Decimal128Array::from_iter_values(cents)
        .with_precision_and_scale(12, 2)
        .expect("DECIMAL(12, 2)");
    RecordBatch::try_from_iter([
        (
            "id",
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.id))) as ArrayRef,
        ),
        ("x", doubles(|r| r.x)),
        ("t_x", doubles(|r| r.t_x)),
        ("T", doubles(|r| r.age)),
        ("z", doubles(|r| r.z)),
        ("z_decimal", Arc::new(decimal)),
    ])
    .expect("a batch")
}

/// `batch`'s rows dealt to `partitions` partitions at random (seeded), each partition cut into
/// batches of at most 97 rows.
pub fn partitioned(batch: &RecordBatch, partitions: usize, seed: u64) -> MemTable {
    let mut state = seed;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); partitions];
    for row in 0..batch.num_rows() {
        members[next() % partitions].push(row as u32);
    }
    let parts = members
        .iter()
        .map(|rows| {
            rows.chunks(97)
                .map(|chunk| {
                    let indices = datafusion::arrow::array::UInt32Array::from(chunk.to_vec());
                    let columns = batch
                        .columns()
                        .iter()
                        .map(|c| datafusion::arrow::compute::take(c, &indices, None))
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .expect("take");
                    RecordBatch::try_new(batch.schema(), columns).expect("a batch")
                })
                .collect()
        })
        .collect();
    MemTable::try_new(batch.schema(), parts).expect("a table")
}

/// A context with every function registered, `target_partitions` and batches of 64 rows.
pub fn context(target_partitions: usize) -> SessionContext {
    let config = SessionConfig::new()
        .with_target_partitions(target_partitions)
        .with_batch_size(64);
    let ctx = SessionContext::new_with_config(config);
    customer_value_datafusion::register_all(&ctx);
    ctx
}

/// The rows of `sql`.
pub async fn query(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    ctx.sql(sql).await?.collect().await
}

/// The error message of `sql`, which must fail.
pub async fn error_of(ctx: &SessionContext, sql: &str) -> String {
    match query(ctx, sql).await {
        Ok(_) => panic!("expected an error from {sql}"),
        Err(e) => e.to_string(),
    }
}

/// Asserts that each query fails with an error containing its message.
pub async fn assert_errors(ctx: &SessionContext, cases: &[(String, &str)]) {
    for (sql, message) in cases {
        let error = error_of(ctx, sql).await;
        assert!(
            error.contains(message),
            "{error}\nshould contain: {message}"
        );
    }
}

/// Column `k` of every batch, as DOUBLEs.
pub fn doubles(batches: &[RecordBatch], k: usize) -> Vec<Option<f64>> {
    batches
        .iter()
        .flat_map(|b| {
            let column = b.column(k).as_primitive::<Float64Type>();
            (0..column.len())
                .map(|i| column.is_valid(i).then(|| column.value(i)))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The partitionings every equality test runs under: (table partitions, target partitions).
pub const PARTITIONINGS: [(usize, usize); 3] = [(1, 1), (4, 3), (7, 8)];
