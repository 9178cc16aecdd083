//! Behavioural segmentation (k-means on customer features). Work in progress.

use thiserror::Error;

/// Errors from segmentation.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SegmentError {
    /// No customers or rows were given.
    #[error("no data to segment")]
    EmptyInput,
}
