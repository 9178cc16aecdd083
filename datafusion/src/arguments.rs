//! Argument handling shared by the SQL functions: which types a numeric or a JSON argument takes,
//! reading them per row, exact DECIMAL to `f64` by the core's one money rule, and JSON settings
//! read onto their defaults.

use std::sync::Arc;

use customer_value::numeric::money::to_f64;
use customer_value::rust_decimal::Decimal;
use datafusion::arrow::array::{Array, AsArray, Float64Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type};
use datafusion::common::{exec_err, internal_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::ColumnarValue;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// "argument 3 (t_x)": an argument as messages name it, 1-based like SQL.
pub(crate) fn argument(position: usize, name: &str) -> String {
    format!("argument {} ({name})", position + 1)
}

/// The type a numeric argument is cast to: `Float64` for integers and floats (and a NULL
/// literal), `Decimal128(38, s)` for DECIMAL(p, s) up to 38 digits, so that exact money reaches
/// [`decimal_to_f64`] unrounded.
///
/// # Errors
///
/// A plan error naming the function and the argument for any other type.
pub(crate) fn coerce_number(function: &str, label: &str, data_type: &DataType) -> Result<DataType> {
    match data_type {
        DataType::Null => Ok(DataType::Float64),
        t if t.is_integer() || t.is_floating() => Ok(DataType::Float64),
        DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => {
            Ok(DataType::Decimal128(38, *s))
        }
        other => plan_err!(
            "{function}: {label} is {other}; pass a number (integer, float or DECIMAL of at most 38 digits)"
        ),
    }
}

/// The type a JSON text argument is cast to: `Utf8` from any string type or a NULL literal.
///
/// # Errors
///
/// A plan error naming the function and the argument for any other type.
pub(crate) fn coerce_text(function: &str, label: &str, data_type: &DataType) -> Result<DataType> {
    match data_type {
        DataType::Null | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            Ok(DataType::Utf8)
        }
        other => plan_err!("{function}: {label} is {other}; pass its JSON as a string"),
    }
}

/// A DECIMAL value (`mantissa` × 10^−`scale`) as `f64` by the core's money rule
/// ([`to_f64`]) on the same value as a `rust_decimal::Decimal`. Trailing zeros are removed first,
/// so the column's declared scale does not change the result; more than 28 decimals (the most a
/// `Decimal` holds) are rounded half away from zero to 28. `None` beyond `Decimal`'s range
/// (|value| ≥ 7.9 · 10²⁸).
pub(crate) fn decimal_to_f64(mantissa: i128, scale: i8) -> Option<f64> {
    small_decimal_to_f64(mantissa, scale).or_else(|| general_decimal_to_f64(mantissa, scale))
}

/// [`decimal_to_f64`] for any value, through a `rust_decimal::Decimal`.
fn general_decimal_to_f64(mantissa: i128, scale: i8) -> Option<f64> {
    let (mut m, mut s) = (mantissa, i32::from(scale));
    while s < 0 {
        m = m.checked_mul(10)?;
        s += 1;
    }
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    while s > 28 || m.unsigned_abs() >= 1 << 96 {
        if s == 0 {
            return None;
        }
        let digit = m % 10;
        m = m / 10 + if digit.abs() >= 5 { digit.signum() } else { 0 };
        s -= 1;
    }
    let value = Decimal::try_from_i128_with_scale(m, u32::try_from(s).ok()?).ok()?;
    Some(to_f64(value.normalize()))
}

/// [`decimal_to_f64`] for the usual money, a mantissa within ±2^63 at a scale of 0 to 18, in
/// 64-bit arithmetic; `None` for other values, which take the general path.
///
/// Why: a money column of a million rows is converted once per function that reads it, and
/// the general path takes 128-bit remainders, builds a `Decimal` and divides in 128 bits for
/// every row. The steps are those of `rust_decimal`'s `Decimal::to_f64` (1.43), the
/// core's rule, on the same integers: a 64-bit and a 128-bit integer of equal value convert to
/// the same `f64`, so the result is the same bit for bit (a test compares both on random
/// values and on every scale).
fn small_decimal_to_f64(mantissa: i128, scale: i8) -> Option<f64> {
    let (mut m, mut s) = (i64::try_from(mantissa).ok()?, u32::try_from(scale).ok()?);
    if s > 18 {
        return None;
    }
    // Trailing zeros removed, as `Decimal::normalize` leaves the value.
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    if s == 0 {
        return Some(m as f64);
    }
    let magnitude = m.unsigned_abs();
    let precision = 10u64.pow(s);
    let (integral, fraction) = (magnitude / precision, magnitude % precision);
    // `fraction` is not zero: the trailing zeros are gone and s > 0.
    let value = integral as f64 + fraction as f64 / precision as f64;
    let round_to = 10f64.powi(s as i32);
    let rounded = (value * round_to).round() / round_to;
    Some(if m < 0 { -rounded } else { rounded })
}

/// A numeric argument of one batch: a constant, or a column as `f64`.
pub(crate) enum Numbers {
    /// The same value (or NULL) for every row.
    Constant(Option<f64>),
    /// One value per row.
    Column(Float64Array),
}

impl Numbers {
    /// Reads an argument that [`coerce_number`] has cast.
    ///
    /// # Errors
    ///
    /// An execution error naming the function and the argument for a DECIMAL beyond
    /// `rust_decimal`'s range; an internal error for a type the coercion does not produce.
    pub(crate) fn read(function: &str, label: &str, value: &ColumnarValue) -> Result<Self> {
        let out_of_range = || {
            exec_err!(
                "{function}: {label} holds a DECIMAL beyond ±7.9e28, outside exact money's range"
            )
        };
        match value {
            ColumnarValue::Scalar(ScalarValue::Float64(v)) => Ok(Self::Constant(*v)),
            ColumnarValue::Scalar(ScalarValue::Null) => Ok(Self::Constant(None)),
            ColumnarValue::Scalar(ScalarValue::Decimal128(v, _, s)) => match v {
                None => Ok(Self::Constant(None)),
                Some(m) => decimal_to_f64(*m, *s)
                    .map_or_else(out_of_range, |f| Ok(Self::Constant(Some(f)))),
            },
            ColumnarValue::Array(array) => match array.data_type() {
                DataType::Float64 => Ok(Self::Column(array.as_primitive::<Float64Type>().clone())),
                DataType::Decimal128(_, s) => {
                    let decimals = array.as_primitive::<Decimal128Type>();
                    let values: Option<Float64Array> = decimals
                        .iter()
                        .map(|v| v.map_or(Some(None), |m| decimal_to_f64(m, *s).map(Some)))
                        .collect::<Option<Vec<Option<f64>>>>()
                        .map(Float64Array::from);
                    values.map_or_else(out_of_range, |v| Ok(Self::Column(v)))
                }
                other => internal_err!("{function}: {label} arrived as {other}"),
            },
            ColumnarValue::Scalar(other) => {
                internal_err!("{function}: {label} arrived as {}", other.data_type())
            }
        }
    }

    /// The value of `row`, `None` for NULL.
    pub(crate) fn get(&self, row: usize) -> Option<f64> {
        match self {
            Self::Constant(v) => *v,
            Self::Column(column) => column.is_valid(row).then(|| column.value(row)),
        }
    }
}

/// A JSON text argument of one batch: a constant (the usual literal), or a column.
pub(crate) enum Texts {
    /// The same text (or NULL) for every row.
    Constant(Option<String>),
    /// One text per row.
    Column(Arc<StringArray>),
}

impl Texts {
    /// Reads an argument that [`coerce_text`] has cast to `Utf8`.
    ///
    /// # Errors
    ///
    /// An internal error for a type the coercion does not produce.
    pub(crate) fn read(function: &str, label: &str, value: &ColumnarValue) -> Result<Self> {
        match value {
            ColumnarValue::Scalar(scalar) => match scalar.try_as_str() {
                Some(text) => Ok(Self::Constant(text.map(str::to_owned))),
                None if scalar.is_null() => Ok(Self::Constant(None)),
                None => internal_err!("{function}: {label} arrived as {}", scalar.data_type()),
            },
            ColumnarValue::Array(array) => match array.as_string_opt::<i32>() {
                Some(strings) => Ok(Self::Column(Arc::new(strings.clone()))),
                None => internal_err!("{function}: {label} arrived as {}", array.data_type()),
            },
        }
    }

    /// Whether every row has the same text.
    pub(crate) fn is_constant(&self) -> bool {
        matches!(self, Self::Constant(_))
    }

    /// The text of `row`, `None` for NULL.
    pub(crate) fn get(&self, row: usize) -> Option<&str> {
        match self {
            Self::Constant(text) => text.as_deref(),
            Self::Column(column) => column.is_valid(row).then(|| column.value(row)),
        }
    }
}

/// Settings read from a JSON object onto `defaults`: the keys given replace the defaults' (a
/// missing key keeps its default), an unknown key is refused, and the result is read back through
/// `T`'s own deserializer, which for the core's settings runs their check.
///
/// # Errors
///
/// A message (to follow the argument's name) when the text is not a JSON object, has a key the
/// defaults do not have, or is refused by `T`.
pub(crate) fn settings_from_json<T: Serialize + DeserializeOwned>(
    defaults: &T, json: &str,
) -> std::result::Result<T, String> {
    use serde_json::Value;
    let given: Value = serde_json::from_str(json).map_err(|e| format!("is not JSON: {e}"))?;
    let Value::Object(given) = given else {
        return Err("must be a JSON object".to_owned());
    };
    let Ok(Value::Object(mut merged)) = serde_json::to_value(defaults) else {
        return Err("has no defaults to start from (internal)".to_owned());
    };
    for (key, value) in given {
        if !merged.contains_key(&key) {
            let keys: Vec<&String> = merged.keys().collect();
            return Err(format!(
                "has the unknown key {key:?}; the keys are {keys:?}"
            ));
        }
        merged.insert(key, value);
    }
    serde_json::from_value(Value::Object(merged)).map_err(|e| format!("is refused: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_convert_by_the_core_rule_whatever_the_scale() {
        // 22.35 written with 2, 5 and 30 decimals.
        for (m, s) in [(2235, 2), (2_235_000, 5), (2235 * 10i128.pow(28), 30)] {
            assert_eq!(decimal_to_f64(m, s), Some(22.35), "{m}e-{s}");
        }
        assert_eq!(decimal_to_f64(-1, 2), Some(-0.01));
        assert_eq!(decimal_to_f64(12, -3), Some(12_000.0));
        // 29 decimals: rounded half away from zero to 28.
        let rounded = Decimal::try_from_i128_with_scale(2, 28).unwrap();
        assert_eq!(decimal_to_f64(15, 29), Some(to_f64(rounded)));
        // 10^30 is beyond a Decimal.
        assert_eq!(decimal_to_f64(10i128.pow(30), 0), None);
    }

    #[test]
    fn the_64_bit_shortcut_gives_the_core_rule_bit_for_bit() {
        // Cents of the bench's log, prices with many decimals, the shortcut's edges.
        let edges = [
            0,
            1,
            -1,
            5,
            10,
            1_999,
            -2_550,
            123_456_789,
            i64::MAX,
            i64::MIN + 1,
        ];
        let mut x = 42u64;
        let random = std::iter::from_fn(|| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let magnitude = (x >> (x % 60)) as i64;
            Some(if x & 1 == 0 {
                magnitude
            } else {
                magnitude.wrapping_neg()
            })
        });
        for m in edges.into_iter().chain(random.take(20_000)) {
            for s in 0..=18i8 {
                let fast = small_decimal_to_f64(i128::from(m), s).unwrap();
                let general = general_decimal_to_f64(i128::from(m), s).unwrap();
                assert_eq!(fast.to_bits(), general.to_bits(), "{m}e-{s}");
            }
        }
        assert_eq!(small_decimal_to_f64(i128::from(i64::MAX) + 1, 2), None);
        assert_eq!(small_decimal_to_f64(1, 19), None);
        assert_eq!(small_decimal_to_f64(1, -1), None);
    }

    #[test]
    fn settings_keep_defaults_and_refuse_unknown_keys() {
        let defaults = customer_value::clv::ClvOptions::default();
        let read = settings_from_json(&defaults, r#"{"horizon_months": 24}"#).unwrap();
        assert_eq!(
            (read.horizon_months, read.monthly_discount_rate),
            (24, 0.01)
        );
        let unknown = settings_from_json(&defaults, r#"{"horizon": 24}"#).unwrap_err();
        assert!(unknown.contains("unknown key \"horizon\""), "{unknown}");
        let refused =
            settings_from_json(&defaults, r#"{"monthly_discount_rate": -1}"#).unwrap_err();
        assert!(refused.contains("monthly_discount_rate"), "{refused}");
        assert!(settings_from_json(&defaults, "[1]").is_err());
    }
}
