//! The client's guard around a job on a cluster: a deadline per attempt, a check of what came
//! back, the whole job run again when either fails, and a clear error when no attempt passes.
//!
//! Why: after an executor is lost mid-job, Ballista 55 either never finishes the job (the
//! adaptive planner does not find the stage it resubmits) or finishes it with some stages having
//! seen other rows than the input's (the static planner), so a result from the cluster is
//! accepted only when figures computed beside it agree with the input's.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use datafusion::error::DataFusionError;

/// Deadline and attempts of a guarded job.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use customer_value_datafusion::ballista::{JobFailure, JobGuard};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let guard = JobGuard::new(Duration::from_secs(60), 3);
/// let answer = guard
///     .run(|attempt| async move {
///         // A job whose first attempt comes back with a failed check.
///         if attempt == 1 {
///             Err(JobFailure::integrity("summary", "customers", 23_570, 23_569))
///         } else {
///             Ok(42)
///         }
///     })
///     .await?;
/// assert_eq!(answer.value, 42);
/// assert_eq!(answer.rejected.len(), 1);
/// # Ok::<(), customer_value_datafusion::ballista::GuardError>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobGuard {
    deadline: Duration,
    attempts: usize,
}

impl JobGuard {
    /// A guard that gives each attempt `deadline` and makes at most `attempts` attempts (at
    /// least one).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use customer_value_datafusion::ballista::JobGuard;
    ///
    /// let guard = JobGuard::new(Duration::from_secs(600), 0);
    /// assert_eq!(guard.attempts(), 1);
    /// ```
    pub fn new(deadline: Duration, attempts: usize) -> JobGuard {
        JobGuard {
            deadline,
            attempts: attempts.max(1),
        }
    }

    /// The time each attempt gets.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use customer_value_datafusion::ballista::JobGuard;
    ///
    /// assert_eq!(JobGuard::new(Duration::from_secs(5), 2).deadline(), Duration::from_secs(5));
    /// ```
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The most attempts made.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use customer_value_datafusion::ballista::JobGuard;
    ///
    /// assert_eq!(JobGuard::new(Duration::from_secs(5), 2).attempts(), 2);
    /// ```
    pub fn attempts(&self) -> usize {
        self.attempts
    }

    /// Runs `job(attempt)` (attempt 1, 2, …) until one attempt finishes within the deadline and
    /// passes its own checks; an attempt past its deadline is dropped. The answer says which
    /// attempts were rejected before it, and why.
    ///
    /// # Errors
    ///
    /// [`GuardError::Engine`] at once if an attempt fails with an engine error (a bad query, or
    /// a job that Ballista itself gave up on after its own task and stage retries), and
    /// [`GuardError::Exhausted`] if every attempt ran out of time or failed a check.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use customer_value_datafusion::ballista::{GuardError, JobGuard};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let guard = JobGuard::new(Duration::from_millis(10), 2);
    /// let outcome: Result<_, GuardError> = guard
    ///     .run(|_| async {
    ///         tokio::time::sleep(Duration::from_secs(3600)).await;
    ///         Ok(())
    ///     })
    ///     .await;
    /// assert!(matches!(outcome, Err(GuardError::Exhausted { ref failures }) if failures.len() == 2));
    /// # });
    /// ```
    pub async fn run<T, F, Fut>(&self, mut job: F) -> Result<Guarded<T>, GuardError>
    where
        F: FnMut(usize) -> Fut,
        Fut: Future<Output = Result<T, JobFailure>>,
    {
        let mut failures = Vec::new();
        for attempt in 1..=self.attempts {
            match tokio::time::timeout(self.deadline, job(attempt)).await {
                Ok(Ok(value)) => {
                    return Ok(Guarded {
                        value,
                        rejected: failures,
                    })
                }
                Ok(Err(JobFailure::Engine(error))) => return Err(GuardError::Engine(error)),
                Ok(Err(JobFailure::Integrity(check))) => {
                    log::warn!("attempt {attempt}: {check}; running the job again");
                    failures.push(AttemptFailure::Integrity(check));
                }
                Err(_) => {
                    log::warn!(
                        "attempt {attempt}: no result within {:?}; running the job again",
                        self.deadline
                    );
                    failures.push(AttemptFailure::Deadline(self.deadline));
                }
            }
        }
        Err(GuardError::Exhausted { failures })
    }
}

/// The accepted result of a guarded job.
#[derive(Debug, Clone, PartialEq)]
pub struct Guarded<T> {
    /// What the accepted attempt returned.
    pub value: T,
    /// Why each earlier attempt was rejected, in order.
    pub rejected: Vec<AttemptFailure>,
}

/// A figure of a stage's output that disagrees with the input's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityFailure {
    /// The stage whose output was checked (`"summary"`, `"rfm breakpoints"`, …).
    pub stage: String,
    /// The figure (`"customers"`, `"lines"`, `"net total"`, …).
    pub figure: String,
    /// Its value on the input.
    pub expected: String,
    /// Its value in what came back.
    pub found: String,
}

impl fmt::Display for IntegrityFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} stage came back with {} {} where the input has {}",
            self.stage, self.found, self.figure, self.expected
        )
    }
}

/// Why one attempt gave no result.
#[derive(Debug)]
pub enum JobFailure {
    /// The engine refused the query or the job failed.
    Engine(DataFusionError),
    /// The job finished, but a check disagrees with the input.
    Integrity(IntegrityFailure),
}

impl JobFailure {
    /// A failed check of `figure` in `stage`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value_datafusion::ballista::JobFailure;
    ///
    /// let failure = JobFailure::integrity("summary", "customers", 23_570, 23_569);
    /// assert!(matches!(failure, JobFailure::Integrity(ref c) if c.found == "23569"));
    /// ```
    pub fn integrity(
        stage: &str, figure: &str, expected: impl fmt::Display, found: impl fmt::Display,
    ) -> JobFailure {
        JobFailure::Integrity(IntegrityFailure {
            stage: stage.to_string(),
            figure: figure.to_string(),
            expected: expected.to_string(),
            found: found.to_string(),
        })
    }
}

impl From<DataFusionError> for JobFailure {
    fn from(error: DataFusionError) -> JobFailure {
        JobFailure::Engine(error)
    }
}

/// Why an attempt was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptFailure {
    /// No result within the deadline.
    Deadline(Duration),
    /// A check of the result failed.
    Integrity(IntegrityFailure),
}

impl fmt::Display for AttemptFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptFailure::Deadline(deadline) => write!(f, "no result within {deadline:?}"),
            AttemptFailure::Integrity(check) => check.fmt(f),
        }
    }
}

/// A guarded job that gave no trustworthy result.
#[derive(Debug)]
pub enum GuardError {
    /// The engine refused the query or Ballista failed the job.
    Engine(DataFusionError),
    /// Every attempt ran out of time or came back with a failed check, in this order.
    Exhausted {
        /// One entry per attempt.
        failures: Vec<AttemptFailure>,
    },
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardError::Engine(error) => write!(f, "the job on the cluster failed: {error}"),
            GuardError::Exhausted { failures } => {
                write!(
                    f,
                    "the job on the cluster gave no trustworthy result in {} attempts",
                    failures.len()
                )?;
                for (n, failure) in failures.iter().enumerate() {
                    write!(f, "; attempt {}: {failure}", n + 1)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for GuardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GuardError::Engine(error) => Some(error),
            GuardError::Exhausted { .. } => None,
        }
    }
}

impl From<GuardError> for DataFusionError {
    fn from(error: GuardError) -> DataFusionError {
        match error {
            GuardError::Engine(error) => error,
            exhausted => DataFusionError::External(Box::new(exhausted)),
        }
    }
}
