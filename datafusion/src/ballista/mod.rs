//! The same SQL on an Apache DataFusion Ballista 55 cluster (feature `ballista`).
//!
//! A cluster is one scheduler and any number of executors. Every one of them, and the client
//! that plans the query, must know this crate's functions; Ballista's stock `ballista-scheduler`
//! and `ballista-executor` programs do not, and cannot run these queries. Run this crate's
//! programs instead (`cargo build --release --features ballista --bins` builds both):
//!
//! - `cv_scheduler` ([`SchedulerOptions`], [`run_scheduler`]): the scheduler, whose session
//!   builder is [`session_state`];
//! - `cv_executor` ([`ExecutorOptions`], [`run_executor`]): an executor, whose function registry
//!   is [`function_registry`];
//! - the client: [`connect`] gives a `SessionContext` whose queries run on the cluster.
//!
//! The data must be readable at the same location by the client (which plans the scan), the
//! scheduler and every executor: the same path on every machine (a shared file system) or an
//! object store registered on all of them. A `MemTable` cannot be shipped to a cluster.
//!
//! A cluster can lose an executor, and Ballista 55 does not always recover the job right, so the
//! client guards what comes back: [`SummaryStage`] runs the summaries under a [`JobGuard`]
//! (deadline, an integrity check against a plain aggregate of the input, reruns), and
//! [`Pipeline`] runs every stage under one guard (summaries, the fit's sufficient statistics, the
//! fits on the driver, the scores), checking each later stage against the checked summaries with
//! [`check_statistics`] and [`check_scores`]. When no attempt passes, the answer is a
//! [`GuardError`], never a wrong result.

mod cancel;
pub(crate) use cancel::collect_or_cancel;
mod checks;
mod executor;
mod functions;
mod guard;
mod pipeline;
mod readback;
mod scheduler;
mod summary_stage;

pub use checks::{check_scores, check_statistics, ModeledFigures, ScoreFigures, StatisticsFigures};
pub use executor::{run_executor, ExecutorOptions};
pub use functions::{connect, function_registry, session_state};
pub use guard::{AttemptFailure, GuardError, Guarded, IntegrityFailure, JobFailure, JobGuard};
pub use pipeline::{CheckedScores, Pipeline, PipelineRun, SpendFit};
pub use scheduler::{run_scheduler, SchedulerOptions};
pub use summary_stage::{CheckedSummaries, StageFigures, SummaryStage};

use std::net::{IpAddr, SocketAddr};

use ballista_core::error::BallistaError;

/// `host:port` from a bind host flag (an IP address, v4 or v6) and a port.
fn socket_address(program: &str, host: &str, port: u16) -> Result<SocketAddr, BallistaError> {
    let ip: IpAddr = host.parse().map_err(|e| {
        BallistaError::Configuration(format!(
            "{program}: --bind-host {host:?} is not an IP address: {e}"
        ))
    })?;
    Ok(SocketAddr::new(ip, port))
}
