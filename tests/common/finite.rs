//! The check every hostile CLV test makes of a result: an `Ok` holds no NaN and no infinity
//! (read off its debug form, so that it covers nested structs and vectors), an error renders a
//! message.

use std::fmt::Debug;

use customer_value::clv::ClvError;

/// Panics when the debug form of `value` holds a NaN or an infinity.
pub fn assert_finite(value: &impl Debug, context: &str) {
    let text = format!("{value:?}");
    let bad = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|token| token == "NaN" || token == "inf");
    assert!(!bad, "non-finite value in {context}: {text}");
}

/// An `Ok` must be finite; an error must be typed (it always is: `ClvError`) and name something.
pub fn check<T: Debug>(result: Result<T, ClvError>, context: &str) -> Option<T> {
    match result {
        Ok(value) => {
            assert_finite(&value, context);
            Some(value)
        }
        Err(error) => {
            assert!(!error.to_string().is_empty(), "{context}");
            None
        }
    }
}
