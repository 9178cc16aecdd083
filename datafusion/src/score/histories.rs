//! The core's checked histories from a run's rows, with errors that name the argument and the row.

use customer_value::clv::{RepeatHistory, SpendHistory};

use crate::row_udf::Rows;

/// The purchase history (x, t_x, T) of every row, from the inputs `first`, `first + 1` and
/// `first + 2`.
///
/// # Errors
///
/// A message naming the argument and the row for a value that is NaN, infinite or negative, a t_x
/// above T, a t_x other than 0 with x = 0, and the core's own refusals (values above 10¹²).
pub(crate) fn repeat_histories(rows: &Rows, first: usize) -> Result<Vec<RepeatHistory>, String> {
    (0..rows.len())
        .map(|i| repeat_history(rows, first, i))
        .collect()
}

fn repeat_history(rows: &Rows, first: usize, i: usize) -> Result<RepeatHistory, String> {
    let (x, t_x, age) = (first, first + 1, first + 2);
    let x_value = rows.check_value(x, i, true)?;
    let t_x_value = rows.check_value(t_x, i, true)?;
    let age_value = rows.check_value(age, i, true)?;
    if t_x_value > age_value {
        let problem = format!("exceeds {} = {age_value}", rows.argument(age));
        return Err(rows.value_error(t_x, i, &problem));
    }
    if x_value == 0.0 && t_x_value != 0.0 {
        return Err(rows.value_error(t_x, i, "is not 0 though x = 0 (no repeat purchase)"));
    }
    RepeatHistory::new(x_value, t_x_value, age_value)
        .map_err(|e| format!("customer-value refuses the row {}: {e}", rows.describe(i)))
}

/// The spend history (x, z̄) of every row, from the inputs `x` and `mean_spend`.
///
/// # Errors
///
/// A message naming the argument and the row for a value that is NaN, infinite or negative, a
/// mean spend that is not positive with x > 0, and the core's own refusals.
pub(crate) fn spend_histories(
    rows: &Rows, x: usize, mean_spend: usize,
) -> Result<Vec<SpendHistory>, String> {
    (0..rows.len())
        .map(|i| {
            let x_value = rows.check_value(x, i, true)?;
            let spend = rows.check_value(mean_spend, i, true)?;
            if x_value > 0.0 && spend == 0.0 {
                return Err(rows.value_error(mean_spend, i, "is not positive though x > 0"));
            }
            SpendHistory::new(x_value, spend)
                .map_err(|e| format!("customer-value refuses the row {}: {e}", rows.describe(i)))
        })
        .collect()
}
