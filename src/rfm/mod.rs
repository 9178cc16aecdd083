//! RFM scoring, named segments and the customer value matrix.

mod types;

pub use types::{Binning, RfmError, RfmRecord, RfmScore, RfmScorer, RfmSegment};
