//! The crate's SQL functions in an in-process DataFusion session, against the core crate on the
//! same rows. One test binary (not one per file): each binary links DataFusion, and a clean CI
//! build ran out of disk with seven of them.

#[path = "../../../tests/common/mod.rs"]
mod common;

mod cdnow_tables;
mod fit;
mod rfm;
mod score;
mod spill;
mod summary;
mod summary_common;
