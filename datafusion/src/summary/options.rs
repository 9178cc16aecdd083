//! The `options` argument of `cv_summary`: a JSON object of the summarizer's settings, read once
//! when the plan is built. Every key is optional; an unknown key, a value of the wrong kind or
//! out of range is a planning error naming the key, so a typo never silently falls back to a
//! default.

use customer_value::summary::{DEFAULT_MONEY_SCALE, MAX_MONEY_SCALE};
use customer_value::{LateTransactions, RefundPolicy};
use datafusion::common::{plan_err, Result};
use serde_json::{Map, Value};

use super::arguments::NAME;

/// The largest scale of `BIGINT` minor units: the money fields of a `BIGINT` amount are
/// `DECIMAL(38, 10)`, which holds every amount at scales 0 to 10 exactly.
pub const MAX_MINOR_UNIT_SCALE: u32 = 10;

/// The scale of `BIGINT` minor units when `minor_unit_scale` is not given: cents.
///
/// # Examples
///
/// ```
/// assert_eq!(customer_value_datafusion::summary::DEFAULT_MINOR_UNIT_SCALE, 2);
/// ```
pub const DEFAULT_MINOR_UNIT_SCALE: u32 = 2;

/// The settings the `options` argument may change, with their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SummaryOptions {
    /// `late_lines`: what a line dated after `as_of` does.
    pub(crate) late: LateTransactions,
    /// `refund_policy`: what a negative amount does.
    pub(crate) refunds: RefundPolicy,
    /// `money_scale`: decimals an amount is expected to have; lines with more are counted.
    pub(crate) money_scale: u32,
    /// `minor_unit_scale`: the decimals of `BIGINT` minor units, when given.
    pub(crate) minor_unit_scale: Option<u32>,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        Self {
            late: LateTransactions::Exclude,
            refunds: RefundPolicy::Net,
            money_scale: DEFAULT_MONEY_SCALE,
            minor_unit_scale: None,
        }
    }
}

/// The keys `options` accepts, for the error on an unknown one.
const KEYS: &str = "late_lines, refund_policy, money_scale, minor_unit_scale";

/// Reads the options JSON (an object; `{}` keeps every default).
///
/// # Errors
///
/// A planning error naming `cv_summary`, argument 4 and the key when the text is not a JSON
/// object, a key is unknown, or a value is not one the key accepts.
pub(crate) fn parse(json: &str) -> Result<SummaryOptions> {
    let object: Map<String, Value> = match serde_json::from_str(json) {
        Ok(Value::Object(object)) => object,
        Ok(other) => {
            return plan_err!("{NAME}: argument 4 (options) must be a JSON object, got {other}")
        }
        Err(error) => {
            return plan_err!("{NAME}: argument 4 (options) is not valid JSON ({error}): {json}")
        }
    };
    let mut options = SummaryOptions::default();
    for (key, value) in &object {
        match key.as_str() {
            "late_lines" => options.late = late_lines(value)?,
            "refund_policy" => options.refunds = refund_policy(value)?,
            "money_scale" => options.money_scale = scale(key, value, MAX_MONEY_SCALE)?,
            "minor_unit_scale" => {
                options.minor_unit_scale = Some(scale(key, value, MAX_MINOR_UNIT_SCALE)?)
            }
            _ => {
                return plan_err!(
                "{NAME}: argument 4 (options) has the unknown key \"{key}\"; the keys are {KEYS}"
            )
            }
        }
    }
    Ok(options)
}

/// The late-line policy: `"exclude"` or `"reject"`.
fn late_lines(value: &Value) -> Result<LateTransactions> {
    match value.as_str() {
        Some("exclude") => Ok(LateTransactions::Exclude),
        Some("reject") => Ok(LateTransactions::Reject),
        _ => plan_err!(
            "{NAME}: argument 4 (options): \"late_lines\" is {value}; choose \"exclude\" or \"reject\""
        ),
    }
}

/// The refund policy: `"net"`, `"reject"` or `"ignore"`.
fn refund_policy(value: &Value) -> Result<RefundPolicy> {
    match value.as_str() {
        Some("net") => Ok(RefundPolicy::Net),
        Some("reject") => Ok(RefundPolicy::Reject),
        Some("ignore") => Ok(RefundPolicy::Ignore),
        _ => plan_err!(
            "{NAME}: argument 4 (options): \"refund_policy\" is {value}; choose \"net\", \"reject\" or \"ignore\""
        ),
    }
}

/// A number of decimals from 0 to `max`.
fn scale(key: &str, value: &Value, max: u32) -> Result<u32> {
    match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if n <= max => Ok(n),
        _ => plan_err!(
            "{NAME}: argument 4 (options): \"{key}\" is {value}; give a whole number of decimals from 0 to {max}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read_and_the_rest_keep_their_defaults() {
        let all = parse(
            r#"{"late_lines": "reject", "refund_policy": "ignore", "money_scale": 4,
                "minor_unit_scale": 3}"#,
        )
        .unwrap();
        assert_eq!(
            all,
            SummaryOptions {
                late: LateTransactions::Reject,
                refunds: RefundPolicy::Ignore,
                money_scale: 4,
                minor_unit_scale: Some(3),
            }
        );
        assert_eq!(parse("{}").unwrap(), SummaryOptions::default());
        let reject = parse(r#"{"refund_policy": "reject"}"#).unwrap();
        assert_eq!(reject.refunds, RefundPolicy::Reject);
        assert_eq!(reject.late, LateTransactions::Exclude);
    }

    #[test]
    fn bad_options_name_the_key_and_what_it_accepts() {
        let message = |json| parse(json).unwrap_err().to_string();
        assert!(message(r#"{"late": "reject"}"#).contains("unknown key \"late\""));
        assert!(
            message(r#"{"refund_policy": "keep"}"#).contains("\"net\", \"reject\" or \"ignore\"")
        );
        assert!(message(r#"{"late_lines": 1}"#).contains("\"exclude\" or \"reject\""));
        assert!(message(r#"{"money_scale": 29}"#).contains("from 0 to 28"));
        assert!(message(r#"{"money_scale": -1}"#).contains("\"money_scale\" is -1"));
        assert!(message(r#"{"minor_unit_scale": 11}"#).contains("from 0 to 10"));
        assert!(message(r#"{"minor_unit_scale": 2.5}"#).contains("from 0 to 10"));
        assert!(message("[1]").contains("must be a JSON object"));
        assert!(message("{late_lines").contains("not valid JSON"));
        for json in ["{\"x\": 1}", "[]", "{"] {
            assert!(message(json).contains("cv_summary: argument 4 (options)"));
        }
    }
}
