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

/// Implements `Serialize` and `Deserialize` for a type whose derives are generated with
/// `#[serde(remote = "Self")]`: reading a value back runs `$check` (by default
/// [`Settings::check`]), so a value the check refuses is refused when read, with its message.
#[cfg(feature = "serde")]
macro_rules! checked_serde {
    ($type:ty) => {
        $crate::settings::checked_serde!($type, $crate::settings::Settings::check);
    };
    ($type:ty, $check:path) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$type>::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <$type>::deserialize(deserializer)?;
                $check(&value).map_err(serde::de::Error::custom)?;
                Ok(value)
            }
        }
    };
}
#[cfg(feature = "serde")]
pub(crate) use checked_serde;
