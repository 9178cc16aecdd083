//! Lifecycle stages. Work in progress.

use thiserror::Error;

/// Errors from lifecycle classification.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LifecycleError {
    /// No customers were given.
    #[error("no customers were given")]
    EmptyInput,
}
