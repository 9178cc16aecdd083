//! Summaries and RFM quintile scores through the SQL functions on a `MemTable`, for the same
//! seeded log (10M transactions over 1M customers, `benches/common` of the core) that the core's
//! `benches/columnar.rs` summarizes from columns and that `bench/peers/columnar.py` gives Polars
//! and DuckDB. `bash bench/peers/run.sh` pairs the three medians.
//!
//! The measured work: `cv_summary` grouped by customer (the result cached in memory, as a user
//! scoring a table twice would do: a CTE used twice is computed twice), then
//! `cv_rfm_breakpoints` and `cv_rfm_score` over the cached summaries, collected. The log's
//! amounts are `DECIMAL(12, 2)`, exact money as a warehouse keeps it.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Decimal128Type, Int64Type, UInt8Type};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use tokio::runtime::Runtime;

#[path = "../examples/common/mod.rs"]
mod common;

const ROWS: u64 = 10_000_000;
const CUSTOMERS: u64 = 1_000_000;
/// Rows per batch of the table, DataFusion's default batch size.
const BATCH: u64 = 8_192;

/// The log as a `MemTable` of as many partitions as the session's target partitions.
fn table(partitions: usize) -> MemTable {
    let batches: Vec<RecordBatch> = (0..ROWS.div_ceil(BATCH))
        .map(|k| common::log_batch(k * BATCH, ((k + 1) * BATCH).min(ROWS), CUSTOMERS, 42))
        .collect::<Result<_, _>>()
        .expect("the log's batches");
    let mut parts = vec![Vec::new(); partitions];
    for (k, batch) in batches.into_iter().enumerate() {
        parts[k % partitions].push(batch);
    }
    MemTable::try_new(common::log_schema(), parts).expect("a table")
}

/// The summaries, cached, then the RFM scores of every customer with a summary.
async fn summarize_and_score(ctx: &SessionContext) -> Vec<RecordBatch> {
    let summaries = ctx
        .sql(
            "SELECT customer_id, s['recency_days'] AS r, s['purchase_occasions'] AS f,
                    s['total_spend'] AS m
             FROM (SELECT customer_id, cv_summary(day, amount, DATE '2023-12-31') AS s
                   FROM log GROUP BY customer_id)
             WHERE s['status'] = 'summary'",
        )
        .await
        .expect("the summary query")
        .cache()
        .await
        .expect("the summaries");
    ctx.deregister_table("summaries").expect("deregistered");
    ctx.register_table("summaries", summaries.into_view())
        .expect("registered");
    ctx.sql(
        "WITH b AS (SELECT cv_rfm_breakpoints(r, f, m) AS fitted FROM summaries)
         SELECT f, m, cv_rfm_score(b.fitted, r, f, m) AS score FROM summaries CROSS JOIN b",
    )
    .await
    .expect("the scoring query")
    .collect()
    .await
    .expect("the scores")
}

/// The checksum `benches/columnar.rs` and the peers print: customers, occasions, total cents and
/// the sums of the R, F and M scores.
fn checksum(batches: &[RecordBatch]) -> String {
    let (mut customers, mut occasions, mut cents) = (0u64, 0i64, 0i128);
    let mut sums = [0u64; 3];
    for batch in batches {
        let f = batch.column(0).as_primitive::<Int64Type>();
        let m = batch.column(1).as_primitive::<Decimal128Type>();
        let score = batch.column(2).as_struct();
        customers += batch.num_rows() as u64;
        occasions += f.values().iter().sum::<i64>();
        cents += m.values().iter().sum::<i128>();
        for (k, name) in ["r", "f", "m"].into_iter().enumerate() {
            let level = score.column_by_name(name).expect("a score field");
            let level = level.as_primitive::<UInt8Type>();
            sums[k] += level.values().iter().map(|&v| u64::from(v)).sum::<u64>();
            assert_eq!(level.null_count(), 0, "a NULL score");
        }
    }
    format!(
        "customers {customers}, occasions {occasions}, total cents {cents}, score sums R {} F {} M {}",
        sums[0], sums[1], sums[2]
    )
}

fn sql_summary_and_rfm(c: &mut Criterion) {
    let runtime = Runtime::new().expect("a runtime");
    let ctx = SessionContext::new();
    customer_value_datafusion::register_all(&ctx);
    let partitions = ctx.state().config().target_partitions();
    ctx.register_table("log", Arc::new(table(partitions)))
        .expect("registered");
    let first = runtime.block_on(summarize_and_score(&ctx));
    eprintln!("checksum: {}", checksum(&first));
    drop(first);

    let mut group = c.benchmark_group("10M transactions, 1M customers");
    group.sample_size(10);
    group.bench_function("SQL on a MemTable: cv_summary + RFM quintiles", |b| {
        b.iter(|| runtime.block_on(summarize_and_score(&ctx)))
    });
    group.finish();
}

criterion_group!(benches, sql_summary_and_rfm);
criterion_main!(benches);
