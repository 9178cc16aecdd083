//! The SQL of this crate on a Ballista 55 cluster of real processes (a `cv_scheduler` and two
//! `cv_executor`s on 127.0.0.1) gives the in-process DataFusion results and the core crate's.

#![cfg(feature = "ballista")]

use crate::cluster;
// The core's test data: `cdnow_master()` reads the bundled CDNOW log.
use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use ballista::prelude::SessionConfigExt;
use cluster::cdnow::{self, Line};
use cluster::pipeline::{self, Figures, Outcome};
use cluster::{cdnow_on_a_cluster, register_log, Cluster, ScratchDir};
use customer_value::clv::{
    customer_lifetime_values, BgNbd, ClvOptions, FitOptions, GammaGamma, GammaGammaOptions,
    MaximumLikelihood, RepeatHistory, SpendHistory,
};
use customer_value::numeric::money::to_f64;
use customer_value::rust_decimal::{Decimal, RoundingStrategy};
use customer_value::{CustomerSummary, RfmScorer, Summarizer, TimeUnit};
use customer_value_datafusion::ballista::{JobGuard, SummaryStage};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Decimal128Type, Int64Type};
use datafusion::common::ScalarValue;
use datafusion::prelude::{SessionConfig, SessionContext};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_group_by_on_the_cluster_equals_in_process_and_the_log() {
    let lines: Vec<Line> = cdnow::lines();
    let data = ScratchDir::new("data");
    cdnow::write_parquet(&lines, data.path(), 4);
    let cluster = Cluster::start(2, 2, 30);

    let remote = cluster
        .client(data.path(), SessionConfig::new_with_ballista())
        .await;
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

/// The core's summaries of the CDNOW master log, as of its last day.
pub(crate) fn core_summaries() -> Vec<CustomerSummary<u32>> {
    let end = pipeline::AS_OF.parse().expect("a date");
    Summarizer::new(end)
        .summarize(&common::cdnow_master())
        .expect("the core's summaries")
}

/// The mean repeat spend as `cv_summary` returns it: at scale 6 (the amounts' 2 + 4), half to
/// even.
fn mean_at_scale_6(summary: &CustomerSummary<u32>) -> Option<Decimal> {
    let mean = summary.mean_repeat_spend()?;
    Some(mean.round_dp_with_strategy(6, RoundingStrategy::MidpointNearestEven))
}

fn mantissa_at(value: Decimal, scale: u32) -> i128 {
    value.mantissa() * 10i128.pow(scale - value.scale())
}

/// The figures `cv_summary` must give for `summary`.
fn core_figures(summary: &CustomerSummary<u32>) -> Figures {
    let btyd = summary.btyd(TimeUnit::Weeks);
    Figures {
        status: "summary".into(),
        purchase_occasions: summary.purchase_occasions() as i64,
        recency_days: summary.recency_days(),
        total_spend: mantissa_at(summary.total_spend(), 2),
        x: btyd.frequency as i64,
        t_x_weeks: btyd.recency,
        age_weeks: btyd.age,
        mean_repeat_spend: mean_at_scale_6(summary).map(|m| mantissa_at(m, 6)),
        counted_lines: summary.transactions() as i64,
    }
}

/// The core's inputs to the models: (x, t_x, T) in weeks and (x, z̄), z̄ as the engine reads the
/// summary's DECIMAL(38, 6) mean; no spend history for a customer with repeat occasions but no
/// mean repeat spend (the engine's NULL, left out of the spend fit and of CLV).
pub(crate) fn core_histories(
    summaries: &[CustomerSummary<u32>],
) -> (Vec<RepeatHistory>, Vec<Option<SpendHistory>>) {
    summaries
        .iter()
        .map(|s| {
            let b = s.btyd(TimeUnit::Weeks);
            let z = match (b.frequency, mean_at_scale_6(s)) {
                (_, Some(mean)) => Some(to_f64(mean.normalize())),
                (0.0, None) => Some(0.0),
                (_, None) => None,
            };
            (
                RepeatHistory::new(b.frequency, b.recency, b.age).expect("a history"),
                z.map(|z| SpendHistory::new(b.frequency, z).expect("a spend history")),
            )
        })
        .unzip()
}

fn assert_relative(got: &[f64], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            ((g - w) / w).abs() <= tolerance,
            "{what}: {got:?} vs {want:?}"
        );
    }
}

/// The cluster's scores against the core's, scored with the models the cluster fitted.
fn assert_scores_equal_the_core(outcome: &Outcome, summaries: &[CustomerSummary<u32>]) {
    let (histories, spend) = core_histories(summaries);
    let purchase = outcome.purchase_model.purchase_model().expect("BG/NBD");
    let gamma_gamma = outcome.spend_model.spend_model().expect("Gamma-Gamma");
    let mut alive = vec![0.0; histories.len()];
    purchase
        .probability_alive_into(&histories, &mut alive)
        .expect("P(alive)");
    let rfm = RfmScorer::new().score(summaries).expect("RFM");
    assert_eq!(outcome.scores.len(), summaries.len());
    for (k, summary) in summaries.iter().enumerate() {
        let id = i64::from(*summary.customer());
        let got = &outcome.scores[&id];
        assert_eq!(
            got.p_alive.to_bits(),
            alive[k].to_bits(),
            "P(alive) of {id}"
        );
        let clv = spend[k].map(|z| {
            let options = ClvOptions::default();
            customer_lifetime_values(purchase, gamma_gamma, &histories[k..=k], &[z], &options)
                .expect("CLV")[0]
        });
        assert_eq!(
            got.clv.map(f64::to_bits),
            clv.map(f64::to_bits),
            "CLV of {id}"
        );
        let s = &rfm[k];
        let want = (
            s.score.recency,
            s.score.frequency,
            s.score.monetary,
            s.segment.name().to_owned(),
        );
        assert_eq!((i64::from(rfm[k].customer), &got.rfm), (id, &want));
    }
    // One customer's repeat occasion nets to nothing (10244: 15.96 on 1997-02-07, then 0.00 on
    // 1997-03-07): no mean repeat spend, no CLV.
    let without_spend: Vec<i64> = summaries
        .iter()
        .zip(&spend)
        .filter(|(_, z)| z.is_none())
        .map(|(s, _)| i64::from(*s.customer()))
        .collect();
    assert_eq!(without_spend, [10244]);
    assert_eq!(outcome.scores[&10244].clv, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pipeline_on_the_cluster_equals_in_process_and_the_core() {
    let (_data, _cluster, remote, local) = cdnow_on_a_cluster().await;
    let on_cluster = pipeline::run(&remote).await;
    let in_process = pipeline::run(&local).await;

    // The summaries: every customer's, the same on the cluster, in-process and in the core.
    let summaries = core_summaries();
    let core: BTreeMap<i64, Figures> = summaries
        .iter()
        .map(|s| (i64::from(*s.customer()), core_figures(s)))
        .collect();
    assert_eq!(core.len(), 23_570);
    assert_eq!(core.values().map(|f| f.counted_lines).sum::<i64>(), 69_659);
    assert_eq!(
        core.values().map(|f| f.total_spend).sum::<i128>(),
        250_031_563
    );
    assert_eq!(in_process.summaries, core);
    assert_eq!(on_cluster.summaries, core);

    // The fits on the driver from the cluster's statistics: the core's fit on all 23,570 rows.
    let (histories, spend) = core_histories(&summaries);
    let bg_nbd = BgNbd::fit(&histories, &FitOptions::default()).expect("the core's BG/NBD");
    let spend: Vec<SpendHistory> = spend.into_iter().flatten().collect();
    let gamma_gamma =
        GammaGamma::fit(&spend, &GammaGammaOptions::default()).expect("the core's Gamma-Gamma");
    for outcome in [&on_cluster, &in_process] {
        assert_relative(
            &outcome.purchase,
            &bg_nbd.model.parameters(),
            1e-9,
            "BG/NBD",
        );
        assert_relative(
            &outcome.spend,
            &gamma_gamma.model.parameters(),
            1e-9,
            "Gamma-Gamma",
        );
    }
    println!(
        "on the cluster: BG/NBD {:?} from {} distinct (x, t_x, T); Gamma-Gamma {:?}",
        on_cluster.purchase, on_cluster.distinct_purchase_rows, on_cluster.spend
    );
    assert!(on_cluster.distinct_purchase_rows < 23_570);
    assert_eq!(
        on_cluster.distinct_purchase_rows,
        in_process.distinct_purchase_rows
    );

    // The scores: the cluster's equal the in-process run's and the core's, value for value.
    assert_eq!(on_cluster.purchase, in_process.purchase);
    assert_eq!(on_cluster.scores, in_process.scores);
    assert_scores_equal_the_core(&on_cluster, &summaries);
}

/// Each customer's summary struct, by customer.
fn summaries_by_customer(batches: &[RecordBatch]) -> BTreeMap<i64, ScalarValue> {
    let mut rows = BTreeMap::new();
    for batch in batches {
        let ids = batch.column(0).as_primitive::<Int64Type>();
        for i in 0..batch.num_rows() {
            let summary = ScalarValue::try_from_array(batch.column(1), i).expect("a struct");
            assert!(rows.insert(ids.value(i), summary).is_none());
        }
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guarded_summary_stage_passes_its_check_on_the_cluster() {
    let (_data, _cluster, remote, local) = cdnow_on_a_cluster().await;
    let as_of = pipeline::AS_OF.parse().expect("a date");
    let stage = SummaryStage::new("log", as_of);
    let guard = JobGuard::new(Duration::from_secs(120), 2);
    let checked = stage.run(&remote, &guard).await.expect("a checked stage");
    assert!(checked.rejected.is_empty());
    let figures = checked.value.figures;
    assert_eq!((figures.customers, figures.lines), (23_570, 69_659));
    assert_eq!(figures.net, Decimal::new(250_031_563, 2));
    let in_process = stage.run(&local, &guard).await.expect("in-process");
    assert_eq!(in_process.value.figures, figures);
    assert_eq!(
        summaries_by_customer(&checked.value.batches),
        summaries_by_customer(&in_process.value.batches)
    );
}
