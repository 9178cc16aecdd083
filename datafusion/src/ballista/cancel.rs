//! A job on the cluster that is cancelled on the scheduler when the client stops waiting for it
//! (its future dropped at a [`JobGuard`](super::JobGuard) deadline): dropping the client's
//! stream alone leaves the job on the scheduler, holding task slots.

use std::sync::Arc;

use ballista_core::execution_plans::DistributedQueryExec;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::protobuf::CancelJobParams;
use datafusion::arrow::array::RecordBatch;
use datafusion::dataframe::DataFrame;
use datafusion::error::Result;
use datafusion::physical_plan::{collect, displayable, ExecutionPlan};
use datafusion_proto::protobuf::LogicalPlanNode;

/// Runs `df` and collects its batches; if this future is dropped before that, the job is
/// cancelled on the scheduler (in the background, on the current Tokio runtime).
pub(crate) async fn collect_or_cancel(df: DataFrame) -> Result<Vec<RecordBatch>> {
    let task_ctx = Arc::new(df.task_ctx());
    let plan = df.create_physical_plan().await?;
    let mut running = CancelOnDrop(Some(Arc::clone(&plan)));
    let batches = collect(plan, task_ctx).await;
    running.0 = None;
    batches
}

/// The plan of a job still running; dropped while it holds one, it cancels the job.
struct CancelOnDrop(Option<Arc<dyn ExecutionPlan>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(plan) = self.0.take() else {
            return;
        };
        let exec = plan.downcast_ref::<DistributedQueryExec<LogicalPlanNode>>();
        let (Some(job_id), Some(url)) = (exec.and_then(|e| e.job_id()), scheduler_url(&plan))
        else {
            // Not a cluster job, or not yet accepted by the scheduler.
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let job_id = job_id.to_string();
        runtime.spawn(async move {
            let params = CancelJobParams {
                job_id: job_id.clone(),
            };
            let cancelled = match SchedulerGrpcClient::connect(url).await {
                Ok(mut client) => client
                    .cancel_job(params)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match cancelled {
                Ok(()) => log::warn!("job {job_id}: cancelled on the scheduler past its deadline"),
                Err(e) => {
                    log::warn!("job {job_id}: the scheduler did not take its cancellation: {e}")
                }
            }
        });
    }
}

/// The scheduler's `http://host:port`, which `DistributedQueryExec` shows but does not expose.
fn scheduler_url(plan: &Arc<dyn ExecutionPlan>) -> Option<String> {
    let text = displayable(plan.as_ref()).one_line().to_string();
    let url = text
        .split("scheduler_url=")
        .nth(1)?
        .split_whitespace()
        .next()?;
    Some(url.to_owned())
}
