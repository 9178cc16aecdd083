//! Satisfaction statistics. Work in progress.

use thiserror::Error;

/// Errors from survey statistics.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SatisfactionError {
    /// No answers were given.
    #[error("no answers were given")]
    EmptyInput,
}
