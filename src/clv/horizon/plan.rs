//! Where the cumulative expectation is read and how each piece of it is discounted: the one
//! computation behind every per-interval forecast.

use rust_decimal::Decimal;

use crate::clv::error::finite_or_failure;
use crate::clv::horizon::{ForecastIntervals, IntervalForecast, IntervalRow};
use crate::clv::{ClvError, ClvOptions};

/// The times (in the model's unit, after the observation end) at which a cumulative expectation
/// E(t) is read, and the discount factor of the purchases that fall in the piece ending at each.
///
/// Inside an interval, the times are its start, every whole month (of [`ClvOptions::time_unit`],
/// lifetimes' 30 days or 4.345 weeks) strictly between its ends, and its end. The purchases of a
/// piece (t_{j−1}, t_j] are discounted by (1 + d)^(−t_j/u): at the piece's end, as
/// [`crate::clv::customer_lifetime_value`] discounts each month's purchases at the month's end.
/// So months 1 to H of lifetimes' length give its value month for month, an interval that spans
/// several months is discounted month by month (not all at its end), and an interval cut inside a
/// month is discounted at its own end.
pub(super) struct Plan {
    times: Vec<f64>,
    factors: Vec<f64>,
    /// For each interval, the indices of its start and end in `times`.
    spans: Vec<(usize, usize)>,
}

/// Grid points closer than this share of a month to an interval's end are the end itself
/// (10⁻⁹ months: the rounding between days and model units is about 10⁻¹⁶).
const SAME_TIME: f64 = 1e-9;

impl Plan {
    /// The plan of `intervals` under `options` (checked by the caller).
    pub(super) fn new(intervals: &ForecastIntervals, options: &ClvOptions) -> Self {
        let day = options.time_unit.days();
        let month = options.time_unit.per_month();
        let ln_discount = options.monthly_discount_rate.ln_1p();
        let mut times: Vec<f64> = Vec::new();
        let mut spans = Vec::with_capacity(intervals.len());
        for interval in intervals.intervals() {
            let (start, end) = (interval.start_days / day, interval.end_days / day);
            // Consecutive intervals share a boundary: read it once.
            if times.last() != Some(&start) {
                times.push(start);
            }
            let first = times.len() - 1;
            let mut m = (start / month).floor() + 1.0;
            while m * month < end - SAME_TIME * month {
                if m * month > start + SAME_TIME * month {
                    times.push(m * month);
                }
                m += 1.0;
            }
            times.push(end);
            spans.push((first, times.len() - 1));
        }
        let factors = times
            .iter()
            .map(|t| (-(t / month) * ln_discount).exp())
            .collect();
        Self {
            times,
            factors,
            spans,
        }
    }

    /// The times to read the cumulative expectation at, ascending.
    pub(super) fn times(&self) -> &[f64] {
        &self.times
    }

    /// One customer's rows from `curve` (the cumulative expectation at [`Plan::times`]) and the
    /// expected spend per purchase.
    ///
    /// # Errors
    ///
    /// [`ClvError::NumericalFailure`] when a value overflows f64 or `Decimal`.
    pub(super) fn forecast(
        &self, intervals: &ForecastIntervals, curve: &[f64], spend: f64, options: &ClvOptions,
    ) -> Result<IntervalForecast, ClvError> {
        let mut rows = Vec::with_capacity(self.spans.len());
        let (mut purchases, mut value, mut money) = (0.0, 0.0, Decimal::ZERO);
        for (interval, &(a, b)) in intervals.intervals().iter().zip(&self.spans) {
            let mut discounted = 0.0;
            for j in a + 1..=b {
                discounted += (curve[j] - curve[j - 1]) * self.factors[j];
            }
            let row_value = overflow(spend * discounted)?;
            let row = IntervalRow {
                interval: *interval,
                expected_purchases: curve[b] - curve[a],
                value: row_value,
                money: options.to_money(row_value)?,
            };
            purchases += row.expected_purchases;
            value += row.value;
            money = money
                .checked_add(row.money)
                .ok_or(ClvError::NumericalFailure {
                    what: "the sum of the intervals' money exceeds Decimal",
                })?;
            rows.push(row);
        }
        Ok(IntervalForecast {
            rows,
            expected_purchases: purchases,
            value: overflow(value)?,
            money,
        })
    }
}

fn overflow(value: f64) -> Result<f64, ClvError> {
    finite_or_failure(
        value,
        "an interval's value overflows f64 (expected spend × purchases too large)",
    )
}
