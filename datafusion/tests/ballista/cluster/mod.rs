//! A Ballista cluster of real processes on 127.0.0.1 for the integration tests: one
//! `cv_scheduler`, executors added one by one (`cv_executor`), each on ports picked here (Ballista
//! 55 registers the ports an executor was given, so port 0 cannot be used), with its own health
//! port and work directory. Every process is stopped by its id when the cluster is dropped, also
//! when a test fails; their logs are printed then.

#![allow(dead_code)]

pub mod cdnow;
pub mod pipeline;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ballista::prelude::SessionConfigExt;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

/// How long a process may take to come up: the executors' first heartbeat.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A started process, killed (SIGKILL, by its id) and reaped when dropped.
pub struct Process {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &str, program: &str, args: &[String], dir: &Path) -> Process {
        let log = dir.join(format!("{name}.log"));
        let out = File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new(program)
            .args(args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("{name}: cannot start {program}: {e}"));
        Process {
            name: name.to_string(),
            child,
            log,
        }
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Panics with the log if the process has exited.
    fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited ({status}):\n{}", self.name, self.log_text());
        }
    }

    /// The process's output so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, then reap.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = self.log_text();
            let tail: String = log
                .lines()
                .rev()
                .take(60)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            eprintln!(
                "---- {} (pid {}) log tail ----\n{tail}",
                self.name,
                self.child.id()
            );
        }
    }
}

/// One executor: its process, ports and work directory.
pub struct Executor {
    pub process: Process,
    pub health_port: u16,
    pub work_dir: PathBuf,
}

/// A scheduler and its executors; dropping it stops them all and removes its directory.
pub struct Cluster {
    // Fields drop in order: executors, then the scheduler, then the directory.
    pub executors: Vec<Option<Executor>>,
    scheduler: Process,
    scheduler_port: u16,
    heartbeat_seconds: u64,
    pub dir: ScratchDir,
}

impl Cluster {
    /// Starts a scheduler that declares an executor dead after `executor_timeout_seconds`, then
    /// `executors` executors with `vcores` task slots each.
    pub fn start(executors: usize, vcores: usize, executor_timeout_seconds: u64) -> Cluster {
        let dir = ScratchDir::new("cluster");
        let scheduler_port = free_ports(1)[0];
        let args = strings(&[
            "--port",
            &scheduler_port.to_string(),
            "--executor-timeout-seconds",
            &executor_timeout_seconds.to_string(),
            "--expire-dead-executor-interval-seconds",
            "1",
        ]);
        let mut scheduler = Process::spawn(
            "scheduler",
            env!("CARGO_BIN_EXE_cv_scheduler"),
            &args,
            dir.path(),
        );
        wait_until("scheduler accepts connections", &mut scheduler, || {
            TcpStream::connect(("127.0.0.1", scheduler_port)).is_ok()
        });
        let mut cluster = Cluster {
            executors: Vec::new(),
            scheduler,
            scheduler_port,
            // Below the shortest executor timeout the tests use, so a live executor is never
            // declared dead.
            heartbeat_seconds: 1,
            dir,
        };
        for _ in 0..executors {
            cluster.add_executor(vcores);
        }
        cluster
    }

    /// The URL a client connects to.
    pub fn url(&self) -> String {
        format!("df://localhost:{}", self.scheduler_port)
    }

    /// Starts one more executor and waits until its heartbeat reached the scheduler.
    pub fn add_executor(&mut self, vcores: usize) -> usize {
        let index = self.executors.len();
        let [port, grpc_port, health_port] = free_ports(3)[..] else {
            unreachable!()
        };
        let work_dir = self.dir.path().join(format!("executor-{index}"));
        std::fs::create_dir_all(&work_dir).expect("work dir");
        let args = strings(&[
            "--port",
            &port.to_string(),
            "--grpc-port",
            &grpc_port.to_string(),
            "--health-port",
            &health_port.to_string(),
            "--scheduler-host",
            "127.0.0.1",
            "--scheduler-port",
            &self.scheduler_port.to_string(),
            "--vcores",
            &vcores.to_string(),
            "--work-dir",
            &work_dir.display().to_string(),
            "--heartbeat-seconds",
            &self.heartbeat_seconds.to_string(),
        ]);
        let name = format!("executor-{index}");
        let mut process = Process::spawn(
            &name,
            env!("CARGO_BIN_EXE_cv_executor"),
            &args,
            self.dir.path(),
        );
        wait_until(&format!("{name} is ready"), &mut process, || {
            http_status(health_port, "/readyz") == Some(200)
        });
        self.executors.push(Some(Executor {
            process,
            health_port,
            work_dir,
        }));
        index
    }

    /// SIGKILLs executor `index` (by its process id) and reaps it.
    pub fn kill_executor(&mut self, index: usize) {
        if let Some(mut executor) = self.executors[index].take() {
            executor.process.kill();
        }
    }

    /// A client of this cluster (every function of the crate known) with the Parquet files of
    /// `log_dir` registered as the table `log`.
    pub async fn client(&self, log_dir: &Path, config: SessionConfig) -> SessionContext {
        let ctx = customer_value_datafusion::ballista::connect(&self.url(), config)
            .await
            .expect("client context");
        register_log(&ctx, log_dir).await;
        ctx
    }

    /// The work directory of executor `index`.
    pub fn work_dir(&self, index: usize) -> PathBuf {
        self.dir.path().join(format!("executor-{index}"))
    }

    /// The scheduler's output so far.
    pub fn scheduler_log(&self) -> String {
        self.scheduler.log_text()
    }

    /// The process ids of the live processes (scheduler first).
    pub fn process_ids(&self) -> Vec<u32> {
        let mut ids = vec![self.scheduler.id()];
        ids.extend(self.executors.iter().flatten().map(|e| e.process.id()));
        ids
    }
}

/// CDNOW in four Parquet files, a cluster of two executors with two task slots each, and two
/// contexts with the table `log`: the cluster's client and an in-process one.
pub async fn cdnow_on_a_cluster() -> (ScratchDir, Cluster, SessionContext, SessionContext) {
    let data = ScratchDir::new("data");
    cdnow::write_parquet(&cdnow::lines(), data.path(), 4);
    let cluster = Cluster::start(2, 2, 30);
    let remote = cluster
        .client(data.path(), SessionConfig::new_with_ballista())
        .await;
    let local = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(4));
    customer_value_datafusion::register_all(&local);
    register_log(&local, data.path()).await;
    (data, cluster, remote, local)
}

/// Registers the Parquet files of `dir` as the table `log`.
pub async fn register_log(ctx: &SessionContext, dir: &Path) {
    ctx.register_parquet(
        "log",
        dir.to_str().expect("utf-8 path"),
        ParquetReadOptions::default(),
    )
    .await
    .expect("register the Parquet log");
}

/// Polls `ready` every 100 ms until it holds; panics with the process's log if the process exits
/// or `START_TIMEOUT` passes.
fn wait_until(what: &str, process: &mut Process, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        process.assert_running();
        if start.elapsed() > START_TIMEOUT {
            panic!("timed out waiting until {what}:\n{}", process.log_text());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The status code of `GET path` on 127.0.0.1:`port`, if anything answers.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    reply.split_whitespace().nth(1)?.parse().ok()
}

/// `n` distinct ports free now: all bound at once, then released for the processes.
pub fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().expect("bound address").port())
        .collect()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// A directory under the system's temp dir, removed when dropped.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(label: &str) -> ScratchDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("cv-ballista-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("scratch dir");
        ScratchDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The stages (numbers) of which executor work dir `dir` holds a task's output, over all jobs
/// (`dir/<job>/<stage>/<partition>/<file>`).
pub fn stages_with_output(dir: &Path) -> BTreeSet<u32> {
    let mut stages = BTreeSet::new();
    for job in subdirectories(dir) {
        for stage in subdirectories(&job) {
            let number = stage.file_name().and_then(|n| n.to_str()?.parse().ok());
            let has_file = subdirectories(&stage).iter().any(|partition| {
                std::fs::read_dir(partition).is_ok_and(|mut files| files.next().is_some())
            });
            if let (Some(number), true) = (number, has_file) {
                stages.insert(number);
            }
        }
    }
    stages
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default()
}
