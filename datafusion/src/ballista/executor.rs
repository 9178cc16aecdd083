//! The `cv_executor` program: a Ballista 55 executor whose function registry holds every function
//! of this crate, with its own health port.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use ballista_core::error::{BallistaError, Result};
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_executor::health::ExecutorHealth;

use super::functions::function_registry;
use super::socket_address;

/// Settings of a `cv_executor` process: each is a flag and an environment variable.
///
/// Two executors on one host need distinct `--port`, `--grpc-port`, `--health-port` and
/// `--work-dir`. Ballista 55 registers the ports it was given, not the ones it bound, so port 0
/// does not work: pick free ports.
///
/// # Examples
///
/// ```
/// use clap::Parser;
/// use customer_value_datafusion::ballista::ExecutorOptions;
///
/// let options = ExecutorOptions::parse_from(["cv_executor", "--vcores", "2", "--port", "50061"]);
/// assert_eq!((options.vcores, options.port, options.grpc_port), (2, 50061, 50052));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, clap::Parser)]
#[command(
    name = "cv_executor",
    version,
    about = "Apache DataFusion Ballista 55 executor that knows the customer-value SQL functions",
    // The type's doc (with its example) is for rustdoc, not for `--help`.
    long_about = None
)]
pub struct ExecutorOptions {
    /// Address the executor's services bind to (0.0.0.0 to serve other machines).
    #[arg(long, env = "CV_EXECUTOR_BIND_HOST", default_value = "127.0.0.1")]
    pub bind_host: String,
    /// Host name other processes use to reach this executor (default: the bind host).
    #[arg(long, env = "CV_EXECUTOR_EXTERNAL_HOST")]
    pub external_host: Option<String>,
    /// Port of the Arrow Flight service that serves shuffle and result partitions.
    #[arg(long, env = "CV_EXECUTOR_PORT", default_value_t = 50051)]
    pub port: u16,
    /// Port of the executor's gRPC service.
    #[arg(long, env = "CV_EXECUTOR_GRPC_PORT", default_value_t = 50052)]
    pub grpc_port: u16,
    /// Port of the HTTP health service (/healthz: the process is up; /readyz: the last
    /// heartbeat reached the scheduler); none if not given.
    #[arg(long, env = "CV_EXECUTOR_HEALTH_PORT")]
    pub health_port: Option<u16>,
    /// Host of the scheduler.
    #[arg(long, env = "CV_SCHEDULER_HOST", default_value = "localhost")]
    pub scheduler_host: String,
    /// Port of the scheduler.
    #[arg(long, env = "CV_SCHEDULER_PORT", default_value_t = 50050)]
    pub scheduler_port: u16,
    /// Seconds to keep trying to reach the scheduler at start (0: fail at once).
    #[arg(
        long,
        env = "CV_SCHEDULER_CONNECT_TIMEOUT_SECONDS",
        default_value_t = 30
    )]
    pub scheduler_connect_timeout_seconds: u16,
    /// Tasks this executor runs at once (0: one per core).
    #[arg(long, env = "CV_EXECUTOR_VCORES", default_value_t = 0)]
    pub vcores: usize,
    /// Directory for shuffle files (default: a new directory under the system's temp dir).
    #[arg(long, env = "CV_EXECUTOR_WORK_DIR")]
    pub work_dir: Option<PathBuf>,
    /// Seconds between two heartbeats to the scheduler; keep it well below the scheduler's
    /// executor timeout.
    #[arg(long, env = "CV_EXECUTOR_HEARTBEAT_SECONDS", default_value_t = 60)]
    pub heartbeat_seconds: u64,
    /// Bytes of memory the executor's tasks share before they spill (default: Ballista's share
    /// of the host's memory).
    #[arg(long, env = "CV_EXECUTOR_MEMORY_POOL_BYTES")]
    pub memory_pool_bytes: Option<u64>,
}

impl ExecutorOptions {
    /// Ballista's executor configuration for these options, with this crate's function registry.
    ///
    /// # Errors
    ///
    /// A [`BallistaError`] if the function registry cannot be built or the work directory cannot
    /// be created.
    ///
    /// # Examples
    ///
    /// ```
    /// use clap::Parser;
    /// use customer_value_datafusion::ballista::ExecutorOptions;
    /// use datafusion::execution::FunctionRegistry;
    ///
    /// let options = ExecutorOptions::parse_from(["cv_executor", "--vcores", "2"]);
    /// let config = options.config()?;
    /// assert_eq!(config.vcores, 2);
    /// assert!(config.override_function_registry.unwrap().udaf("sum").is_ok());
    /// # Ok::<(), ballista_core::error::BallistaError>(())
    /// ```
    pub fn config(&self) -> Result<ExecutorProcessConfig> {
        let work_dir = match &self.work_dir {
            Some(dir) => dir.clone(),
            None => std::env::temp_dir().join(format!("cv_executor-{}", std::process::id())),
        };
        std::fs::create_dir_all(&work_dir)?;
        Ok(ExecutorProcessConfig {
            bind_host: self.bind_host.clone(),
            external_host: self.external_host.clone(),
            port: self.port,
            grpc_port: self.grpc_port,
            scheduler_host: self.scheduler_host.clone(),
            scheduler_port: self.scheduler_port,
            scheduler_connect_timeout_seconds: self.scheduler_connect_timeout_seconds,
            vcores: self.vcores,
            work_dir: Some(work_dir.display().to_string()),
            executor_heartbeat_interval_seconds: self.heartbeat_seconds,
            memory_pool_size: self.memory_pool_bytes,
            override_function_registry: Some(function_registry()?),
            ..ExecutorProcessConfig::default()
        })
    }
}

/// Runs an executor until the process is stopped (SIGTERM or Ctrl-C deregister it first).
///
/// # Errors
///
/// A [`BallistaError`] if the configuration is refused, the health port cannot be bound, or the
/// executor cannot start (scheduler unreachable within the connect timeout, ports taken).
///
/// # Examples
///
/// ```no_run
/// use clap::Parser;
/// use customer_value_datafusion::ballista::{run_executor, ExecutorOptions};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// run_executor(ExecutorOptions::parse()).await
/// # }).unwrap();
/// ```
pub async fn run_executor(options: ExecutorOptions) -> Result<()> {
    let config = options.config()?;
    if let Some(port) = options.health_port {
        let address = socket_address("cv_executor", &options.bind_host, port)?;
        serve_health(address, config.health.clone()).await?;
    }
    start_executor_process(Arc::new(config)).await
}

/// Binds the health port now (so a taken port fails the start) and serves it in the background.
async fn serve_health(address: SocketAddr, health: ExecutorHealth) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| BallistaError::General(format!("cv_executor: health port {address}: {e}")))?;
    let router = Router::new()
        .route("/healthz", get(|| async { (StatusCode::OK, "ok\n") }))
        .route(
            "/readyz",
            get(move || async move {
                if health.is_ready() {
                    (StatusCode::OK, "ready\n")
                } else {
                    (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
                }
            }),
        );
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            log::warn!("cv_executor: health service stopped: {e}");
        }
    });
    Ok(())
}
