//! The seeded synthetic log of the core's benches (`benches/common`, the same rows the Polars and
//! DuckDB peers generate), as Arrow batches and Parquet files.

#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{Date32Array, Decimal128Array, Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::error::Result;
use datafusion::parquet::arrow::ArrowWriter;

#[path = "../../../benches/common/mod.rs"]
mod synthetic;

/// The log's schema: `customer_id BIGINT, day DATE, amount DECIMAL(12, 2)`, none nullable.
pub fn log_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("customer_id", DataType::Int64, false),
        Field::new("day", DataType::Date32, false),
        Field::new("amount", DataType::Decimal128(12, 2), false),
    ]))
}

/// Rows `start..end` of the synthetic log of `customers` customers as one batch.
pub fn log_batch(start: u64, end: u64, customers: u64, seed: u64) -> Result<RecordBatch> {
    let columns = synthetic::synthetic_columns_range(start, end, customers, seed);
    let ids = Int64Array::from_iter_values(columns.customers.iter().map(|&c| c as i64));
    let days = Date32Array::from(columns.days);
    let amounts = Decimal128Array::from_iter_values(columns.cents.iter().map(|&c| i128::from(c)))
        .with_precision_and_scale(12, 2)?;
    Ok(RecordBatch::try_new(
        log_schema(),
        vec![Arc::new(ids), Arc::new(days), Arc::new(amounts)],
    )?)
}

/// Writes `rows` lines of the synthetic log into `files` Parquet files in `dir` (created), in
/// batches of at most 1M rows, so memory stays bounded whatever `rows` is.
pub fn write_parquet_log(
    dir: &Path, rows: u64, customers: u64, seed: u64, files: u64,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let per_file = rows.div_ceil(files.max(1));
    let mut paths = Vec::new();
    for f in 0..files.max(1) {
        let (first, last) = (f * per_file, ((f + 1) * per_file).min(rows));
        if first >= last {
            break;
        }
        let path = dir.join(format!("part-{f:04}.parquet"));
        let mut writer = ArrowWriter::try_new(File::create(&path)?, log_schema(), None)?;
        let mut start = first;
        while start < last {
            let end = (start + 1_000_000).min(last);
            writer.write(&log_batch(start, end, customers, seed)?)?;
            start = end;
        }
        writer.close()?;
        paths.push(path);
    }
    Ok(paths)
}
