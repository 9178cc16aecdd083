//! The CDNOW master log (Fader & Hardie's CD retailer, 69,659 lines of 23,570 customers) as
//! Parquet files: `customer_id BIGINT, day DATE, amount DECIMAL(10,2)`.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::array::{Date32Array, Decimal128Array, Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;

/// One line of the log: customer, days since 1970-01-01, cents.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub customer: i64,
    pub day: i32,
    pub cents: i64,
}

/// The lines of CDNOW_master.txt (`customer_id date cds dollars`).
pub fn lines() -> Vec<Line> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    include_str!("../../../../examples/data/CDNOW_master.txt")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let date = NaiveDate::parse_from_str(f[1], "%Y%m%d").expect("CDNOW date");
            let (units, cents) = f[3].split_once('.').expect("dollars with cents");
            Line {
                customer: f[0].parse().expect("id"),
                day: i32::try_from((date - epoch).num_days()).expect("day"),
                cents: units.parse::<i64>().expect("dollars") * 100
                    + cents.parse::<i64>().expect("cents"),
            }
        })
        .collect()
}

/// Writes `lines` into `files` Parquet files in `dir`, line i into file i mod `files`, so every
/// file holds lines of most customers and the aggregation must shuffle.
pub fn write_parquet(lines: &[Line], dir: &Path, files: usize) {
    std::fs::create_dir_all(dir).expect("data dir");
    let schema = Arc::new(Schema::new(vec![
        Field::new("customer_id", DataType::Int64, false),
        Field::new("day", DataType::Date32, false),
        Field::new("amount", DataType::Decimal128(10, 2), false),
    ]));
    for file in 0..files {
        let part: Vec<&Line> = lines.iter().skip(file).step_by(files).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(
                    part.iter().map(|l| l.customer),
                )),
                Arc::new(Date32Array::from_iter_values(part.iter().map(|l| l.day))),
                Arc::new(
                    Decimal128Array::from_iter_values(part.iter().map(|l| i128::from(l.cents)))
                        .with_precision_and_scale(10, 2)
                        .expect("decimal type"),
                ),
            ],
        )
        .expect("batch");
        let out = File::create(dir.join(format!("part-{file}.parquet"))).expect("parquet file");
        let mut writer = ArrowWriter::try_new(out, schema.clone(), None).expect("writer");
        writer.write(&batch).expect("write");
        writer.close().expect("close");
    }
}

/// Per customer: (lines, cents), computed here without any engine.
pub fn totals_by_customer(lines: &[Line]) -> BTreeMap<i64, (i64, i64)> {
    let mut totals = BTreeMap::new();
    for line in lines {
        let entry = totals.entry(line.customer).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += line.cents;
    }
    totals
}

/// `copies` copies of `lines`, copy k with customer ids shifted by k × 100,000 (CDNOW's ids stay
/// below 23,571), so the log has `copies` × 23,570 customers with CDNOW's histories.
pub fn replicated(lines: &[Line], copies: i64) -> Vec<Line> {
    (0..copies)
        .flat_map(|k| {
            lines.iter().map(move |l| Line {
                customer: l.customer + k * 100_000,
                ..*l
            })
        })
        .collect()
}
