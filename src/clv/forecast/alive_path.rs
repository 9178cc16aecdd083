//! P(alive) along one customer's history: at every step from the first purchase to the end of
//! the observation, the P(alive) the model gives to the history known at that time (lifetimes'
//! `calculate_alive_path`, which plots how the probability falls between purchases and jumps back
//! at each one).

use crate::clv::{ClvError, PurchaseModel, RepeatHistory};

/// The most points a path may have: 10⁷ (a day-by-day path of 27,000 years).
pub const MAX_PATH_POINTS: usize = 10_000_000;

/// One point of [`alive_path`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlivePoint {
    /// The customer's age at this point: the time since the first purchase.
    pub age: f64,
    /// x of the history known at this age: the repeat purchases up to and including it.
    pub frequency: f64,
    /// t_x of that history: the time of the last purchase up to this age, since the first.
    pub recency: f64,
    /// P(alive | history) at this age.
    pub probability_alive: f64,
}

/// P(alive) of one customer at ages 0, `step`, 2 `step`, … up to `end` − first purchase, each from
/// the purchases made up to that age (x = the distinct purchase times after the first, t_x = the
/// last of them, T = the age). Times are in the model's unit (days for a model fitted on days)
/// and need not be sorted; purchases at the same time count once, as a summary per period counts
/// them. Given whole periods (day numbers) and `step` = 1 this is lifetimes 0.11.3's
/// `calculate_alive_path` with `freq='D'`.
///
/// # Errors
///
/// [`ClvError::EmptyInput`] without purchases; [`ClvError::InvalidArgument`] naming
/// `purchase_times` when one is not finite, `end` when it is not finite or before the last
/// purchase, and `step` when it is not positive and finite or would give more than
/// [`MAX_PATH_POINTS`] points; the model's errors for a history it does not take.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{alive_path, BgNbd};
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// // Bought in weeks 0, 2 and 5; observed until week 8.
/// let path = alive_path(&model, &[0.0, 2.0, 5.0], 8.0, 1.0)?;
/// assert_eq!(path.len(), 9);
/// assert_eq!(path[0].probability_alive, 1.0); // no repeat purchase yet
/// assert!(path[4].probability_alive < path[5].probability_alive); // week 5's purchase
/// assert!(path[8].probability_alive < path[5].probability_alive);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn alive_path<M: PurchaseModel + ?Sized>(
    model: &M, purchase_times: &[f64], end: f64, step: f64,
) -> Result<Vec<AlivePoint>, ClvError> {
    let mut times = purchase_times.to_vec();
    if let Some(&bad) = times.iter().find(|t| !t.is_finite()) {
        return Err(invalid("purchase_times", bad, "must be finite"));
    }
    times.sort_by(f64::total_cmp);
    times.dedup();
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return Err(ClvError::EmptyInput);
    };
    if !(end.is_finite() && end >= last) {
        return Err(invalid(
            "end",
            end,
            "must be finite and at or after the last purchase",
        ));
    }
    let steps = ((end - first) / step).floor();
    if !(step.is_finite() && step > 0.0 && steps < MAX_PATH_POINTS as f64) {
        return Err(invalid(
            "step",
            step,
            "must be positive, finite, and give at most MAX_PATH_POINTS points",
        ));
    }
    let mut path = Vec::with_capacity(steps as usize + 1);
    let mut seen = 0;
    for k in 0..=steps as usize {
        let age = k as f64 * step;
        while seen < times.len() && times[seen] - first <= age {
            seen += 1;
        }
        let x = (seen - 1) as f64;
        let history = RepeatHistory::new(x, times[seen - 1] - first, age)?;
        path.push(AlivePoint {
            age,
            frequency: history.frequency(),
            recency: history.recency(),
            probability_alive: model.probability_alive(&history)?,
        });
    }
    Ok(path)
}

fn invalid(name: &'static str, value: f64, constraint: &'static str) -> ClvError {
    ClvError::InvalidArgument {
        name,
        value,
        constraint,
    }
}
