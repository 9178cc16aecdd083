//! The `cv_scheduler` program: a Ballista 55 scheduler whose sessions know every function of
//! this crate.

use std::sync::Arc;

use ballista_core::error::Result;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;

use super::functions::session_state;
use super::socket_address;

/// Settings of a `cv_scheduler` process: each is a flag and an environment variable.
///
/// # Examples
///
/// ```
/// use clap::Parser;
/// use customer_value_datafusion::ballista::SchedulerOptions;
///
/// let options = SchedulerOptions::parse_from(["cv_scheduler", "--port", "50100"]);
/// assert_eq!(options.port, 50100);
/// assert_eq!(options.executor_timeout_seconds, 180);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, clap::Parser)]
#[command(
    name = "cv_scheduler",
    version,
    about = "Apache DataFusion Ballista 55 scheduler that knows the customer-value SQL functions",
    // The type's doc (with its example) is for rustdoc, not for `--help`.
    long_about = None
)]
pub struct SchedulerOptions {
    /// Address the gRPC service binds to (0.0.0.0 to serve other machines).
    #[arg(long, env = "CV_SCHEDULER_BIND_HOST", default_value = "127.0.0.1")]
    pub bind_host: String,
    /// Host name the scheduler advertises to executors and clients.
    #[arg(long, env = "CV_SCHEDULER_EXTERNAL_HOST", default_value = "localhost")]
    pub external_host: String,
    /// Port of the gRPC service (clients connect to df://host:PORT).
    #[arg(long, env = "CV_SCHEDULER_PORT", default_value_t = 50050)]
    pub port: u16,
    /// Seconds without a heartbeat after which an executor is declared dead and its tasks
    /// (and the shuffle output it held) are scheduled again; must exceed the executors'
    /// heartbeat interval.
    #[arg(long, env = "CV_EXECUTOR_TIMEOUT_SECONDS", default_value_t = 180)]
    pub executor_timeout_seconds: u64,
    /// Seconds between two sweeps for dead executors.
    #[arg(
        long,
        env = "CV_EXPIRE_DEAD_EXECUTOR_INTERVAL_SECONDS",
        default_value_t = 15
    )]
    pub expire_dead_executor_interval_seconds: u64,
    /// Attempts of one task before its job fails.
    #[arg(long, env = "CV_TASK_MAX_FAILURES", default_value_t = 4)]
    pub task_max_failures: usize,
    /// Attempts of one stage before its job fails.
    #[arg(long, env = "CV_STAGE_MAX_FAILURES", default_value_t = 4)]
    pub stage_max_failures: usize,
}

impl SchedulerOptions {
    /// Ballista's scheduler configuration for these options, with this crate's session builder.
    ///
    /// After the last executor is lost, running jobs fail once the executor timeout has passed
    /// again (Ballista's own default ties the two the same way).
    ///
    /// # Examples
    ///
    /// ```
    /// use clap::Parser;
    /// use customer_value_datafusion::ballista::SchedulerOptions;
    ///
    /// let options = SchedulerOptions::parse_from(["cv_scheduler", "--executor-timeout-seconds", "5"]);
    /// let config = options.config();
    /// assert_eq!(config.executor_timeout_seconds, 5);
    /// assert!(config.override_session_builder.is_some());
    /// ```
    pub fn config(&self) -> SchedulerConfig {
        SchedulerConfig {
            bind_host: self.bind_host.clone(),
            external_host: self.external_host.clone(),
            bind_port: self.port,
            executor_timeout_seconds: self.executor_timeout_seconds,
            expire_dead_executor_interval_seconds: self.expire_dead_executor_interval_seconds,
            no_executors_grace_period_seconds: self.executor_timeout_seconds,
            task_max_failures: self.task_max_failures,
            stage_max_failures: self.stage_max_failures,
            override_session_builder: Some(Arc::new(session_state)),
            ..SchedulerConfig::default()
        }
    }
}

/// Runs a scheduler until the process is stopped.
///
/// # Errors
///
/// A `BallistaError` if the bind address does not parse, the configuration is refused, or the
/// gRPC service cannot start (for example the port is taken).
///
/// # Examples
///
/// ```no_run
/// use clap::Parser;
/// use customer_value_datafusion::ballista::{run_scheduler, SchedulerOptions};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// run_scheduler(SchedulerOptions::parse()).await
/// # }).unwrap();
/// ```
pub async fn run_scheduler(options: SchedulerOptions) -> Result<()> {
    let address = socket_address("cv_scheduler", &options.bind_host, options.port)?;
    let config = options.config();
    let cluster = BallistaCluster::new_from_config(&config).await?;
    start_server(cluster, address, Arc::new(config)).await
}
