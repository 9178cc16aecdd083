//! A log larger than the memory DataFusion may use, summarized with `cv_summary` from Parquet
//! files on disk: the aggregation spills, and the run reports its spill metrics, time and peak
//! resident memory, with the sizes the driver's fit would receive.
//!
//! ```text
//! cargo run --release -p customer-value-datafusion --example out_of_core -- [LINES] [LIMIT_MB]
//! ```
//!
//! `LINES` (default 10,000,000) seeded lines of `LINES / 10` customers (the benches' log) are
//! written once into files of 10M lines under the system's temporary folder; `LIMIT_MB` (default
//! 256) is the memory pool's limit, a `FairSpillPool` (each spilling operator gets an equal share;
//! see `tests/sql/spill.rs` for why not the greedy pool). The summaries stream to the driver,
//! which keeps only tallies: the run's own memory is the engine's.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Decimal128Type, Int64Type};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::physical_plan::{execute_stream, ExecutionPlan};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<()> {
    let lines = argument(1, 10_000_000)?;
    let limit_mb = argument(2, 256)?;
    let customers = (lines / 10).max(1);
    let dir = std::env::temp_dir().join(format!("customer-value-out-of-core-{lines}"));
    if !dir.exists() {
        let started = Instant::now();
        common::write_parquet_log(&dir, lines, customers, 42, lines.div_ceil(10_000_000))?;
        println!(
            "wrote {lines} lines to {} in {:.1?}",
            dir.display(),
            started.elapsed()
        );
    }

    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(FairSpillPool::new((limit_mb as usize) << 20)))
        .build_arc()?;
    let ctx = SessionContext::new_with_config_rt(SessionConfig::new(), runtime);
    customer_value_datafusion::register_all(&ctx);
    ctx.register_parquet(
        "log",
        dir.to_string_lossy().as_ref(),
        ParquetReadOptions::default(),
    )
    .await?;

    let started = Instant::now();
    let plan = ctx
        .sql(
            "SELECT s['counted_lines'], s['total_spend'], s['x'], s['t_x_days'], s['age_days']
             FROM (SELECT cv_summary(day, amount, DATE '2023-12-31') AS s
                   FROM log GROUP BY customer_id)",
        )
        .await?
        .create_physical_plan()
        .await?;
    let mut tally = Tally::default();
    let mut stream = execute_stream(plan.clone(), ctx.task_ctx())?;
    while let Some(batch) = stream.next().await {
        tally.add(&batch?)?;
    }
    let elapsed = started.elapsed();

    let spills = plan_metric(&plan, |p| p.metrics()?.spill_count());
    let spilled_bytes = plan_metric(&plan, |p| p.metrics()?.spilled_bytes());
    println!(
        "{lines} lines, {} customers, {} counted lines, net {} cents",
        tally.customers, tally.counted_lines, tally.net_cents
    );
    println!(
        "summarized in {elapsed:.2?} under a {limit_mb} MB limit: {spills} spills, {:.1} MB spilled",
        spilled_bytes as f64 / 1e6
    );
    println!(
        "driver fit sizes: {} distinct (x, t_x, T) rows in days, {} repeat customers for the spend model",
        tally.purchase_rows.len(),
        tally.repeat_customers
    );
    match peak_resident_mb() {
        Some(mb) => println!("peak resident memory of this process: {mb:.0} MB"),
        None => println!("peak resident memory: unknown on this system"),
    }
    Ok(())
}

/// What the driver keeps of the summaries: counts, the net total and the distinct purchase rows.
#[derive(Default)]
struct Tally {
    customers: u64,
    counted_lines: i64,
    net_cents: i128,
    repeat_customers: u64,
    purchase_rows: HashSet<(i64, i64, i64)>,
}

impl Tally {
    fn add(&mut self, batch: &RecordBatch) -> Result<()> {
        let int = |k: usize| batch.column(k).as_primitive::<Int64Type>();
        let (counted, x, t_x, age) = (int(0), int(2), int(3), int(4));
        let spend = batch.column(1).as_primitive::<Decimal128Type>();
        let scale = match batch.schema().field(1).data_type() {
            datafusion::arrow::datatypes::DataType::Decimal128(_, s) => *s as u32,
            other => {
                return Err(DataFusionError::Execution(format!(
                    "total_spend is {other}"
                )))
            }
        };
        // The log's amounts have 2 decimals: the struct's money scale is theirs.
        let to_cents = 10i128.pow(scale.saturating_sub(2));
        for row in 0..batch.num_rows() {
            self.customers += 1;
            self.counted_lines += counted.value(row);
            self.net_cents += spend.value(row) / to_cents;
            if !x.is_null(row) {
                self.purchase_rows
                    .insert((x.value(row), t_x.value(row), age.value(row)));
                self.repeat_customers += u64::from(x.value(row) > 0);
            }
        }
        Ok(())
    }
}

/// A metric summed over every operator of an executed plan.
fn plan_metric(
    plan: &Arc<dyn ExecutionPlan>, metric: fn(&Arc<dyn ExecutionPlan>) -> Option<usize>,
) -> usize {
    let children = plan.children().into_iter();
    metric(plan).unwrap_or(0) + children.map(|c| plan_metric(c, metric)).sum::<usize>()
}

/// The `index`th argument as a number, or `default`.
fn argument(index: usize, default: u64) -> Result<u64> {
    match std::env::args().nth(index) {
        None => Ok(default),
        Some(text) => text.replace('_', "").parse().map_err(|_| {
            DataFusionError::Execution(format!(
                "argument {index} is {text:?}: usage out_of_core [LINES] [LIMIT_MB]"
            ))
        }),
    }
}

/// The process's peak resident set (Linux's `VmHWM`), in MB.
fn peak_resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
