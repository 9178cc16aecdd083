//! The crate's functions on a real Ballista cluster (a scheduler and two executors started on
//! 127.0.0.1 by the tests), against the in-process run and the core crate; and what the client's
//! guard does when an executor is killed mid-job. Built only with the feature `ballista`.
#![cfg(feature = "ballista")]

#[path = "../../../tests/common/mod.rs"]
mod common;

mod cluster;
mod faults;
mod guarded_pipeline;
mod pipeline_equal;
