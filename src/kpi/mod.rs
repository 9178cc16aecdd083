//! Retention, cohorts and relationship KPIs. Work in progress.

use thiserror::Error;

/// Errors from KPI computations.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum KpiError {
    /// No customers were given.
    #[error("no customers were given")]
    EmptyInput,
}
