//! The settings of a parametric bootstrap.

use crate::clv::ClvError;
use crate::settings::Settings;

crate::settings::checked_serde! {
    /// How many parameter draws, at which confidence level, from which seed; checked by
    /// [`Settings::check`] (every bootstrap does so before any work, and so does reading the
    /// options back through serde).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::uncertainty::BootstrapOptions;
    /// use customer_value::Settings;
    /// let options = BootstrapOptions::default();
    /// assert_eq!((options.replicates, options.level), (200, 0.95));
    /// assert!(options.check().is_ok());
    /// assert!(BootstrapOptions { replicates: 0, ..options }.check().is_err());
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct BootstrapOptions {
        /// Parameter draws R, from 1 to [`BootstrapOptions::MAX_REPLICATES`] (default 200). The
        /// percentile bounds need a few hundred for a 95% interval: with R = 200 each tail rests
        /// on 5 values.
        pub replicates: usize,
        /// Confidence level in (0, 1) (default 0.95).
        pub level: f64,
        /// Seed of the draws (default 42): the same seed gives bit-identical intervals.
        pub seed: u64,
    }
}

impl BootstrapOptions {
    /// The most replicates: 100,000. A batch keeps R values for each customer of a block of
    /// 2,048 (1.6 GB at this limit), and every replicate is one prediction per customer.
    pub const MAX_REPLICATES: usize = 100_000;
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        Self {
            replicates: 200,
            level: 0.95,
            seed: 42,
        }
    }
}

impl Settings for BootstrapOptions {
    type Error = ClvError;

    /// Checks the options.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `replicates` when it is 0 or above
    /// [`BootstrapOptions::MAX_REPLICATES`], and `level` when it is not in (0, 1) (NaN included).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{uncertainty::BootstrapOptions, ClvError};
    /// use customer_value::Settings;
    /// let bad = BootstrapOptions { level: 1.0, ..BootstrapOptions::default() };
    /// assert!(matches!(bad.check(), Err(ClvError::InvalidArgument { name: "level", .. })));
    /// ```
    fn check(&self) -> Result<(), ClvError> {
        if !(1..=Self::MAX_REPLICATES).contains(&self.replicates) {
            return Err(ClvError::InvalidArgument {
                name: "replicates",
                value: self.replicates as f64,
                constraint: "must be from 1 to 100,000 (BootstrapOptions::MAX_REPLICATES)",
            });
        }
        check_level(self.level)
    }
}

/// Checks that a confidence level is in (0, 1).
pub(super) fn check_level(level: f64) -> Result<(), ClvError> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(ClvError::InvalidArgument {
            name: "level",
            value: level,
            constraint: "must be in (0, 1)",
        })
    }
}
