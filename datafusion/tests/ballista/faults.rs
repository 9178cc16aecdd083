//! One of two executors SIGKILLed while the guarded summary stage has completed tasks on it and
//! its next stage is running, on a scheduler that declares an executor dead after 5 s: the
//! guard returns the in-process answer or a clear error, never a wrong answer. Run once with
//! Ballista's adaptive planner (its default) and once with the static planner; each prints what
//! Ballista did.
//!
//! What Ballista 55 did, 3 runs of each planner on 2 cores: the scheduler reset the running
//! stage's task and the completed map tasks of the lost executor, rolled the running stage back,
//! and then never finished the job; the jobs of attempts 2 and 3 were queued and never planned.
//! So the guard ends with `GuardError::Exhausted` (three deadlines). The client cancels a job
//! past its deadline; the scheduler logged the request (static planner) and stayed stuck. Killed before any map
//! output of the lost executor was complete, the first attempt finished right.

#![cfg(feature = "ballista")]

use crate::cluster;

use std::path::Path;
use std::time::{Duration, Instant};

use ballista::prelude::SessionConfigExt;
use chrono::NaiveDate;
use cluster::{cdnow, register_log, stages_with_output, Cluster, ScratchDir};
use customer_value_datafusion::ballista::{CheckedSummaries, GuardError, JobGuard, SummaryStage};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::{concat_batches, sort_to_indices, take_record_batch};
use datafusion::prelude::{SessionConfig, SessionContext};

/// CDNOW 20 times over (471,400 customers, 1,393,180 lines) in 16 files: a job of many tasks,
/// long enough to be cut in the middle.
const COPIES: i64 = 20;

/// The scheduler's executor timeout: a lost executor is declared dead after this.
const EXECUTOR_TIMEOUT_SECONDS: u64 = 5;

/// Each attempt's deadline: well above a whole stage on this log (about 3 s on 2 cores), well
/// below the test's budget of about a minute.
const DEADLINE: Duration = Duration::from_secs(15);

/// The batches as one, rows in customer order.
fn sorted_by_customer(batches: &[RecordBatch]) -> RecordBatch {
    let schema = batches.first().expect("a batch").schema();
    let all = concat_batches(&schema, batches).expect("one batch");
    let order = sort_to_indices(all.column(0), None, None).expect("an order");
    take_record_batch(&all, &order).expect("sorted")
}

/// Whether the job is where the fault is wanted: executor 1 holds completed tasks' output, and
/// a later stage than its own has begun to finish tasks (so it is running, and reads executor
/// 1's output).
fn time_to_kill(cluster: &Cluster) -> bool {
    let lost = stages_with_output(&cluster.work_dir(1));
    let mut all = stages_with_output(&cluster.work_dir(0));
    all.extend(lost.iter().copied());
    match (lost.first(), all.last()) {
        (Some(first), Some(last)) => last > first,
        _ => false,
    }
}

/// Runs the guarded stage on a cluster whose executor 1 is SIGKILLed once either executor has
/// written its first shuffle file; returns the outcome and what the scheduler logged about it.
async fn stage_with_a_killed_executor(
    data: &Path, stage: SummaryStage, adaptive: bool,
) -> (Result<CheckedSummaries, GuardError>, String) {
    let mut cluster = Cluster::start(2, 1, EXECUTOR_TIMEOUT_SECONDS);
    let config = SessionConfig::new_with_ballista()
        .with_target_partitions(16)
        .set_bool("ballista.planner.adaptive.enabled", adaptive);
    let remote = cluster.client(data, config).await;
    let started = Instant::now();
    let job = tokio::spawn(async move {
        let guard = JobGuard::new(DEADLINE, 3);
        stage.run(&remote, &guard).await
    });
    while !(time_to_kill(&cluster) || job.is_finished()) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        !job.is_finished(),
        "the first attempt ended before any shuffle file"
    );
    cluster.kill_executor(1);
    println!(
        "executor 1 SIGKILLed {:?} into the stage",
        started.elapsed()
    );
    let outcome = job.await.expect("the guarded job");
    println!("the guarded stage ended after {:?}", started.elapsed());
    let outcome = outcome.map(|guarded| {
        for (n, failure) in guarded.rejected.iter().enumerate() {
            println!("attempt {} rejected: {failure}", n + 1);
        }
        guarded.value
    });
    (outcome, what_ballista_did(&cluster.scheduler_log()))
}

/// The scheduler's lines about the lost executor and the jobs.
fn what_ballista_did(log: &str) -> String {
    const EVENTS: [&str; 12] = [
        "Job queued",
        "cancellation request",
        "ERROR",
        "Cancel",
        "timed out",
        "Removing executor",
        "Reset",
        "Roll back",
        "not in running",
        "Job finished",
        "Job failed",
        "Resubmit",
    ];
    log.lines()
        .filter(|line| EVENTS.iter().any(|event| line.contains(event)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The two tests take turns: two clusters at once on 2 cores would time each other out.
static ONE_CLUSTER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn a_killed_executor_never_gives_a_wrong_answer(adaptive: bool) {
    let _turn = ONE_CLUSTER_AT_A_TIME.lock().await;
    let data = ScratchDir::new("data");
    let lines = cdnow::replicated(&cdnow::lines(), COPIES);
    cdnow::write_parquet(&lines, data.path(), 16);
    let as_of = NaiveDate::from_ymd_opt(1998, 6, 30).expect("a date");
    let stage = SummaryStage::new("log", as_of);

    let local = SessionContext::new();
    customer_value_datafusion::register_all(&local);
    register_log(&local, data.path()).await;
    let guard = JobGuard::new(Duration::from_secs(120), 1);
    let expected = stage.run(&local, &guard).await.expect("in-process").value;
    let figures = expected.figures;
    assert_eq!((figures.customers, figures.lines), (471_400, 1_393_180));
    assert_eq!(figures.net.to_string(), "50006312.60");

    let (outcome, events) = stage_with_a_killed_executor(data.path(), stage, adaptive).await;
    println!("the scheduler (adaptive planner: {adaptive}):\n{events}");
    match outcome {
        Ok(checked) => {
            assert_eq!(checked.figures, expected.figures);
            assert_eq!(
                sorted_by_customer(&checked.batches),
                sorted_by_customer(&expected.batches)
            );
        }
        // A clear error is allowed; a wrong answer is not.
        Err(error) => println!("the guarded stage gave up: {error}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adaptive_planner_a_killed_executor_gives_the_right_answer_or_an_error() {
    a_killed_executor_never_gives_a_wrong_answer(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_planner_a_killed_executor_gives_the_right_answer_or_an_error() {
    a_killed_executor_never_gives_a_wrong_answer(false).await;
}
