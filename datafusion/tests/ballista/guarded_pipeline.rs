//! The whole pipeline under one guard (`ballista::Pipeline::run`) on a cluster of real processes:
//! every stage's check passes on the first attempt, and what it gives equals the in-process run
//! and the core crate.

#![cfg(feature = "ballista")]

use crate::cluster::{cdnow_on_a_cluster, pipeline::AS_OF};
use crate::pipeline_equal::{core_histories, core_summaries};

use std::collections::BTreeMap;
use std::time::Duration;

use customer_value::clv::SpendHistory;
use customer_value::clv::{BgNbd, FitOptions, GammaGamma, GammaGammaOptions, MaximumLikelihood};
use customer_value_datafusion::ballista::{
    JobGuard, ModeledFigures, Pipeline, PipelineRun, ScoreFigures, SummaryStage,
};
use customer_value_datafusion::score::ScoringModel;
use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Float64Type, Int64Type};
use datafusion::common::ScalarValue;

/// Each scored row by customer: x, P(alive), CLV, RFM score, the rows the breakpoints saw.
fn scores_by_customer(batches: &[RecordBatch]) -> BTreeMap<i64, Vec<ScalarValue>> {
    let mut rows = BTreeMap::new();
    for batch in batches {
        let ids = batch.column(0).as_primitive::<Int64Type>();
        for i in 0..batch.num_rows() {
            let row = (1..batch.num_columns())
                .map(|k| ScalarValue::try_from_array(batch.column(k), i).expect("a value"))
                .collect();
            assert!(
                rows.insert(ids.value(i), row).is_none(),
                "one row per customer"
            );
        }
    }
    rows
}

/// P(alive) by customer.
fn p_alive_by_customer(batches: &[RecordBatch]) -> BTreeMap<i64, f64> {
    let mut rows = BTreeMap::new();
    for batch in batches {
        let ids = batch.column(0).as_primitive::<Int64Type>();
        let p = batch.column_by_name("p_alive").expect("p_alive");
        let p = p.as_primitive::<Float64Type>();
        for i in 0..batch.num_rows() {
            rows.insert(ids.value(i), p.value(i));
        }
    }
    rows
}

fn assert_relative(got: &[f64], want: &[f64], what: &str) {
    for (g, w) in got.iter().zip(want) {
        assert!(((g - w) / w).abs() <= 1e-9, "{what}: {got:?} vs {want:?}");
    }
}

async fn guarded(ctx: &datafusion::prelude::SessionContext) -> PipelineRun {
    let stage = SummaryStage::new("log", AS_OF.parse().expect("a date"));
    let guard = JobGuard::new(Duration::from_secs(120), 2);
    let run = Pipeline::new(stage)
        .run(ctx, &guard)
        .await
        .expect("a checked pipeline");
    assert!(run.rejected.is_empty(), "{:?}", run.rejected);
    run.value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guarded_pipeline_passes_every_check_and_equals_in_process_and_the_core() {
    let (_data, _cluster, remote, local) = cdnow_on_a_cluster().await;
    let on_cluster = guarded(&remote).await;
    let in_process = guarded(&local).await;

    // CDNOW, counted with Python over examples/data/CDNOW_master.txt: 23,570 customers, 67,591
    // distinct customer-days (Σ x = 67,591 − 23,570 = 44,021), one customer (10244) whose one
    // repeat day is 0.00 and so has no mean repeat spend.
    let modeled = ModeledFigures {
        customers: 23_570,
        repeat_purchases: 44_021,
        without_mean_spend: 1,
        repeat_purchases_without_mean_spend: 1,
    };
    assert_eq!(on_cluster.modeled, modeled);
    assert_eq!(in_process.modeled, modeled);
    let scores = ScoreFigures {
        rows: 23_570,
        customers: 23_570,
        repeat_purchases: 44_021,
        null_p_alive: 0,
        null_clv: 1,
        null_rfm: 0,
        rfm_rows: 23_570,
    };
    assert_eq!(on_cluster.scores.figures, scores);
    assert_eq!(
        (on_cluster.purchase.customers, on_cluster.purchase.null_rows),
        (23_570, 0)
    );
    assert_eq!(
        (on_cluster.spend.customers, on_cluster.spend.null_rows),
        (23_569, 1)
    );

    // The fits on the driver from the checked statistics: the core's fit on every customer.
    let summaries = core_summaries();
    let (histories, spend) = core_histories(&summaries);
    let bg_nbd = BgNbd::fit(&histories, &FitOptions::default()).expect("the core's BG/NBD");
    let spend: Vec<SpendHistory> = spend.into_iter().flatten().collect();
    let gamma_gamma =
        GammaGamma::fit(&spend, &GammaGammaOptions::default()).expect("the core's Gamma-Gamma");
    assert_relative(
        &on_cluster.purchase.fit.parameters(),
        &bg_nbd.model.parameters(),
        "BG/NBD",
    );
    assert_relative(
        &on_cluster.spend.fit.model.parameters(),
        &gamma_gamma.model.parameters(),
        "Gamma-Gamma",
    );

    // The scores: the cluster's equal the in-process run's value for value, and P(alive) the
    // core's with the model the cluster fitted, bit for bit.
    assert_eq!(
        scores_by_customer(&on_cluster.scores.batches),
        scores_by_customer(&in_process.scores.batches)
    );
    let model = ScoringModel::of_purchase_fit(&on_cluster.purchase.fit).expect("BG/NBD");
    let model = model.purchase_model().expect("a purchase model");
    let mut alive = vec![0.0; histories.len()];
    model
        .probability_alive_into(&histories, &mut alive)
        .expect("the core's P(alive)");
    let on_cluster_alive = p_alive_by_customer(&on_cluster.scores.batches);
    for (summary, want) in summaries.iter().zip(&alive) {
        let id = i64::from(*summary.customer());
        assert_eq!(
            on_cluster_alive[&id].to_bits(),
            want.to_bits(),
            "P(alive) of {id}"
        );
    }
}
