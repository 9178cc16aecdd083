//! One way to check settings: every settings type implements [`Settings`], and every entry point
//! that takes settings calls [`Settings::check`] before any work starts.
//!
//! Settings are plain values (public fields or builder methods, `Default` where there is a sensible
//! default) that may be built in any order and may be contradictory while being built; `check`
//! says, with a typed error naming the field, the value and what to change, whether they can be
//! used. This is linfa's `ParamGuard` idea in its smallest form: settings read back from JSON or
//! built field by field go through the same check as those built by the constructors.
//!
//! # Finite results
//!
//! A settings value that passes its check is one for which the entry point taking it returns
//! finite results or a typed error: every implementation refuses NaN and infinities, bounds each
//! numeric field whose size drives the work or the arithmetic (counts, horizons, day counts,
//! multiples, decimal places) and lists those limits in its `# Errors`. Outside them, `check`
//! returns the type's error naming the field, the value and the limit. Settings read back through
//! serde are checked as they are read, and have no other public way to be read (no unchecked
//! inherent `deserialize`): a service reading settings from JSON it does not control gets a value
//! within those limits or an error.
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

/// Implements `Serialize` and `Deserialize` for the type defined inside it, so that reading a
/// value back runs `$check` (by default [`Settings::check`]): a value the check refuses is refused
/// when read, with its message.
///
/// It wraps the type's definition (a struct with named fields, or an enum whose variants are
/// units or tuples): `checked_serde! { /// docs  #[derive(…)] pub struct T { … } }`, or
/// `checked_serde! { check = T::check_read; … }` for another check. The unchecked derives are
/// generated on a private copy of the type inside an anonymous `const` block (serde's `remote`
/// derive), so the only way to read a `T` is the checked `Deserialize` impl. Attributes of the
/// fields and variants (their docs) stay on the public type; serde's field attributes are not
/// supported.
// Why not `#[serde(remote = "Self")]` on the type itself: serde gives the inherent `deserialize`
// it generates the type's own visibility, so a public type would get a public unchecked reader
// that an inherent call (`T::deserialize(d)`) prefers over the checked trait impl (issue 14).
macro_rules! checked_serde {
    (@impls $type:ty, $unchecked:ty, $check:path) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$unchecked>::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <$unchecked>::deserialize(deserializer)?;
                $check(&value).map_err(serde::de::Error::custom)?;
                Ok(value)
            }
        }
    };
    (
        check = $check:path;
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field_vis:vis $field:ident : $field_type:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field : $field_type),*
        }

        #[cfg(feature = "serde")]
        const _: () = {
            type Checked = $name;

            #[derive(serde::Serialize, serde::Deserialize)]
            #[serde(remote = "Checked")]
            struct Unchecked {
                $($field : $field_type),*
            }

            $crate::settings::checked_serde!(@impls $name, Unchecked, $check);
        };
    };
    (
        check = $check:path;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident $(($($field_type:ty),* $(,)?))?),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$variant_meta])* $variant $(($($field_type),*))?),*
        }

        #[cfg(feature = "serde")]
        const _: () = {
            type Checked = $name;

            // The public type's variant names, whatever clippy thinks of them.
            #[allow(clippy::enum_variant_names)]
            #[derive(serde::Serialize, serde::Deserialize)]
            #[serde(remote = "Checked")]
            enum Unchecked {
                $($variant $(($($field_type),*))?),*
            }

            $crate::settings::checked_serde!(@impls $name, Unchecked, $check);
        };
    };
    ($(#[$meta:meta])* $vis:vis $kind:ident $name:ident { $($body:tt)* }) => {
        $crate::settings::checked_serde! {
            check = $crate::settings::Settings::check;
            $(#[$meta])* $vis $kind $name { $($body)* }
        }
    };
}
pub(crate) use checked_serde;
