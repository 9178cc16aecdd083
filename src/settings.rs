//! One way to check settings: every settings type implements [`Settings`], and every entry point
//! that takes settings calls [`Settings::check`] before any work starts.
//!
//! Settings are plain values (public fields or builder methods, `Default` where there is a sensible
//! default) that may be built in any order and may be contradictory while being built; `check`
//! says, with a typed error naming the field, the value and what to change, whether they can be
//! used. This is linfa's `ParamGuard` idea in its smallest form: settings read back from JSON or
//! built field by field go through the same check as those built by the constructors.
//!
//! # Examples
//!
//! ```
//! use customer_value::settings::Settings;
//! use customer_value::clv::FitOptions;
//!
//! assert!(FitOptions::default().check().is_ok());
//! let bad = FitOptions { penalizer: -1.0, ..FitOptions::default() };
//! assert!(bad.check().is_err());
//! ```

/// A settings type that can say whether its values can be used together.
pub trait Settings {
    /// The error naming the offending field.
    type Error;

    /// Checks every field and every combination of fields.
    ///
    /// # Errors
    ///
    /// The implementing type's error when a field is out of range or two fields contradict each
    /// other; each implementation lists its conditions.
    fn check(&self) -> Result<(), Self::Error>;
}
