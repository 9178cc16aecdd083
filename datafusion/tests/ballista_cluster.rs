//! The SQL of this crate on a Ballista 55 cluster of real processes (a `cv_scheduler` and two
//! `cv_executor`s on 127.0.0.1) gives the in-process DataFusion results and the core crate's.

#![cfg(feature = "ballista")]

mod cluster;

use std::collections::BTreeMap;

use ballista::prelude::SessionConfigExt;
use cluster::cdnow::{self, Line};
use cluster::{Cluster, ScratchDir};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Decimal128Type, Int64Type};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

/// Per customer (lines, cents) from `SELECT customer_id, lines, net` batches.
fn customer_totals(batches: &[RecordBatch]) -> BTreeMap<i64, (i64, i64)> {
    let mut totals = BTreeMap::new();
    for batch in batches {
        let ids = batch.column(0).as_primitive::<Int64Type>();
        let lines = batch.column(1).as_primitive::<Int64Type>();
        let net = batch.column(2).as_primitive::<Decimal128Type>();
        for row in 0..batch.num_rows() {
            assert!(!net.is_null(row));
            let cents = i64::try_from(net.value(row)).expect("cents fit");
            totals.insert(ids.value(row), (lines.value(row), cents));
        }
    }
    totals
}

const PLAIN_SUM: &str =
    "SELECT customer_id, COUNT(*) AS lines, SUM(amount) AS net FROM log GROUP BY customer_id";

async fn register_log(ctx: &SessionContext, dir: &std::path::Path) {
    ctx.register_parquet(
        "log",
        dir.to_str().expect("utf-8 path"),
        ParquetReadOptions::default(),
    )
    .await
    .expect("register the Parquet log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_group_by_on_the_cluster_equals_in_process_and_the_log() {
    let lines: Vec<Line> = cdnow::lines();
    let data = ScratchDir::new("data");
    cdnow::write_parquet(&lines, data.path(), 4);
    let cluster = Cluster::start(2, 2, 30);

    let remote = customer_value_datafusion::ballista::connect(
        &cluster.url(),
        SessionConfig::new_with_ballista(),
    )
    .await
    .expect("client context");
    register_log(&remote, data.path()).await;
    let on_cluster = customer_totals(
        &remote
            .sql(PLAIN_SUM)
            .await
            .unwrap()
            .collect()
            .await
            .unwrap(),
    );

    let local = SessionContext::new();
    register_log(&local, data.path()).await;
    let in_process = customer_totals(&local.sql(PLAIN_SUM).await.unwrap().collect().await.unwrap());

    let expected = cdnow::totals_by_customer(&lines);
    assert_eq!(expected.len(), 23_570);
    assert_eq!(expected.values().map(|t| t.0).sum::<i64>(), 69_659);
    assert_eq!(expected.values().map(|t| t.1).sum::<i64>(), 250_031_563);
    assert_eq!(in_process, expected);
    assert_eq!(on_cluster, expected);
}
