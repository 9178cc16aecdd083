//! Amounts in minor units and days as numbers, as columns hold them (Arrow's `Decimal128` and
//! `Date32`): their bounds, the policies applied to such a line, and their conversion to the
//! decimals and dates of a summary.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::policies::LineTally;
use super::{Summarizer, SummaryError, MAX_MONEY_SCALE};

/// An integer type that holds amounts in minor units (cents at scale 2): `i64`, as a service or
/// a `BIGINT` column holds them, or `i128`, as Arrow's `Decimal128` does.
///
/// Sealed: implemented for `i64` and `i128` only.
///
/// # Examples
///
/// ```
/// use customer_value::summary::MinorUnits;
/// assert_eq!(1999i64.to_i128(), 1999i128);
/// ```
pub trait MinorUnits: Copy + Default + Send + Sync + sealed::Sealed {
    /// The amount as an `i128` (exact).
    fn to_i128(self) -> i128;
}

impl MinorUnits for i64 {
    fn to_i128(self) -> i128 {
        i128::from(self)
    }
}

impl MinorUnits for i128 {
    fn to_i128(self) -> i128 {
        self
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for i64 {}
    impl Sealed for i128 {}
}

/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

/// The largest mantissa of a decimal: 2^96 − 1.
const MAX_MANTISSA: i128 = (1 << 96) - 1;

/// The day numbers of chrono's first and last dates, `NaiveDate::MIN` (−262143-01-01) and
/// `NaiveDate::MAX` (+262142-12-31), in days since 1970-01-01.
const CALENDAR_DAYS: std::ops::RangeInclusive<i32> = -96_465_292..=95_026_236;

/// Whether `day` (days since 1970-01-01) is a date of chrono's calendar: two comparisons, where
/// building the date costs a division by the 400-year cycle (5% of a columnar pass, measured).
#[inline]
pub(super) fn is_calendar_day(day: i32) -> bool {
    CALENDAR_DAYS.contains(&day)
}

/// The date `day` days after 1970-01-01 (Arrow's `Date32`), if it is within chrono's calendar
/// (−262143-01-01 to +262142-12-31).
pub(super) fn date_of(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day.checked_add(UNIX_EPOCH_FROM_CE)?)
}

/// The date of a day already checked by [`is_calendar_day`] where its line entered: the fallback is
/// never taken.
pub(super) fn checked_date(day: i32) -> NaiveDate {
    date_of(day).unwrap_or(NaiveDate::MIN)
}

/// Days from 1970-01-01 to `date` (every chrono date is within ±10^8 days of it).
pub(super) fn day_of(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - UNIX_EPOCH_FROM_CE
}

/// 10^0 to 10^28: the divisors and bounds of scales 0 to 28.
const POW10: [i128; 29] = {
    let mut powers = [1i128; 29];
    let mut k = 1;
    while k < 29 {
        powers[k] = powers[k - 1] * 10;
        k += 1;
    }
    powers
};

/// The checks and conversions of amounts in minor units at one scale. Two numbers, the bounds
/// derived when used: a query engine keeps one in each customer's ledger, a million of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MinorScale {
    /// Decimals of the amounts, at most [`MAX_MONEY_SCALE`].
    scale: u32,
    /// Decimals of the money scale: amounts with more are counted.
    money_scale: u32,
}

impl MinorScale {
    /// Amounts with `scale` decimals, counted against a money scale of `money_scale` decimals
    /// (checked by the summarizer's settings check).
    pub(super) fn new(scale: u32, money_scale: u32) -> Result<Self, SummaryError> {
        if scale > MAX_MONEY_SCALE {
            return Err(SummaryError::InvalidMoneyScale { scale });
        }
        Ok(Self { scale, money_scale })
    }

    /// The number of decimals.
    pub(super) fn scale(&self) -> u32 {
        self.scale
    }

    /// The largest magnitude of one line, in minor units: [`MAX_AMOUNT`](super::MAX_AMOUNT)
    /// (10^18 money units), and at most a decimal's mantissa.
    #[inline]
    pub(super) fn bound(&self) -> i128 {
        // 10^(18 + scale) is below 2^96 up to scale 10; above, the mantissa bound is the tighter.
        if self.scale <= 10 {
            POW10[(18 + self.scale) as usize]
        } else {
            MAX_MANTISSA
        }
    }

    /// 10^(scale − money scale) when the scale has more decimals than the money scale: an
    /// amount it does not divide has decimals beyond the money scale.
    #[inline]
    fn excess_divisor(&self) -> Option<i128> {
        // scale ≤ 28 (checked by `new`), so the difference indexes the table.
        (self.scale > self.money_scale).then(|| POW10[(self.scale - self.money_scale) as usize])
    }

    /// The amount as an exact decimal, or an error when it needs more than 28 digits.
    pub(super) fn exact(&self, minor: i128) -> Result<Decimal, rust_decimal::Error> {
        Decimal::try_from_i128_with_scale(minor, self.scale)
    }

    /// The amount as a decimal: exact when it fits the 28 digits a decimal holds, otherwise
    /// rounded half to even to fewer decimals, as a decimal sum rounds; `None` beyond
    /// `Decimal::MAX` ≈ 7.9 × 10^28.
    pub(super) fn rounded(&self, minor: i128) -> Option<Decimal> {
        if let Ok(exact) = self.exact(minor) {
            return Some(exact);
        }
        (1..=self.scale).find_map(|dropped| {
            let kept = round_half_even(minor, POW10[dropped as usize]);
            Decimal::try_from_i128_with_scale(kept, self.scale - dropped).ok()
        })
    }

    /// The error for an amount beyond the bound: the decimal's error when the amount is one, the
    /// minor units' otherwise.
    fn out_of_range(&self, position: usize, minor: i128) -> SummaryError {
        match self.exact(minor) {
            Ok(amount) => SummaryError::AmountOutOfRange { position, amount },
            Err(_) => SummaryError::MinorUnitsOutOfRange {
                position,
                minor_units: minor,
                scale: self.scale,
            },
        }
    }
}

/// `value / divisor` rounded half to even (`divisor` > 0).
fn round_half_even(value: i128, divisor: i128) -> i128 {
    let (quotient, remainder) = (value / divisor, value % divisor);
    let twice = remainder.unsigned_abs() * 2;
    let away =
        twice > divisor.unsigned_abs() || (twice == divisor.unsigned_abs() && quotient % 2 != 0);
    quotient + if away { value.signum() } else { 0 }
}

impl Summarizer {
    /// Applies the day and amount bounds, the money-scale count and the policies to the line at
    /// `position` of `minor` units on `day`: `Ok(true)` when it counts, `Ok(false)` when it is
    /// left out (and counted in `tally`), an error when it is out of range or a policy rejects it.
    /// `end_day` is the observation end as a day number.
    ///
    /// Inlined, with its rare paths out of line: it runs once a line of a columnar pass, where a
    /// call to it took 8% (measured).
    #[inline]
    pub(super) fn admit_minor(
        &self, position: usize, day: i32, minor: i128, units: &MinorScale, end_day: i32,
        tally: &mut impl LineTally,
    ) -> Result<bool, SummaryError> {
        if !is_calendar_day(day) || minor.unsigned_abs() > units.bound().unsigned_abs() {
            return Err(out_of_range(position, day, minor, units));
        }
        if units.excess_divisor().is_some_and(|d| minor % d != 0) {
            tally.excess_scale(position);
        }
        if day > end_day || minor < 0 {
            return self.admit_late_or_refund(position, day, minor, units, end_day, tally);
        }
        Ok(true)
    }

    /// The policies for a line that is late or a refund.
    #[cold]
    fn admit_late_or_refund(
        &self, position: usize, day: i32, minor: i128, units: &MinorScale, end_day: i32,
        tally: &mut impl LineTally,
    ) -> Result<bool, SummaryError> {
        self.apply_policies(day > end_day, minor < 0, tally)
            .map_err(|refusal| {
                // Within the bound, the amount is a decimal: the fallback is never taken.
                let amount = units.exact(minor).unwrap_or_default();
                refusal.error(position, checked_date(day), amount, self.observation_end)
            })
    }
}

/// The error for a line whose day is outside the calendar or whose amount is out of range.
#[cold]
fn out_of_range(position: usize, day: i32, minor: i128, units: &MinorScale) -> SummaryError {
    if !is_calendar_day(day) {
        return SummaryError::DayOutOfRange { position, day };
    }
    units.out_of_range(position, minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_are_arrow_date32() {
        let date = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        assert_eq!(day_of(date), 18_993);
        assert_eq!(date_of(18_993), Some(date));
        assert_eq!(date_of(day_of(NaiveDate::MIN)), Some(NaiveDate::MIN));
        assert_eq!(date_of(day_of(NaiveDate::MAX)), Some(NaiveDate::MAX));
        assert_eq!(date_of(day_of(NaiveDate::MAX) + 1), None);
        assert_eq!(date_of(day_of(NaiveDate::MIN) - 1), None);
        assert_eq!(date_of(i32::MAX), None);
        assert_eq!(date_of(i32::MIN), None);
        assert_eq!(*CALENDAR_DAYS.start(), day_of(NaiveDate::MIN));
        assert_eq!(*CALENDAR_DAYS.end(), day_of(NaiveDate::MAX));
        assert!(is_calendar_day(0) && !is_calendar_day(*CALENDAR_DAYS.end() + 1));
    }

    #[test]
    fn rounding_is_half_to_even_in_one_step() {
        assert_eq!(round_half_even(25, 10), 2);
        assert_eq!(round_half_even(35, 10), 4);
        assert_eq!(round_half_even(-25, 10), -2);
        assert_eq!(round_half_even(-26, 10), -3);
        // 1.495 is 1 rounded once; digit by digit it would become 1.50, then 2.
        assert_eq!(round_half_even(1_495, 1_000), 1);
        assert_eq!(round_half_even(1_500, 1_000), 2);
        assert_eq!(round_half_even(2_500, 1_000), 2);
    }

    #[test]
    fn amounts_beyond_28_digits_round_to_fewer_decimals() {
        let units = MinorScale::new(10, 2).unwrap();
        // 8 × 10^28 minor units at scale 10 is 8 × 10^18 money units: 29 digits, one dropped.
        let minor = 80_000_000_000_000_000_000_000_000_015i128;
        let rounded = units.rounded(minor).unwrap();
        assert_eq!(rounded.to_string(), "8000000000000000000.000000002");
        assert_eq!(units.exact(minor).ok(), None);
        assert_eq!(units.rounded(12_345).unwrap().to_string(), "0.0000012345");
        let whole = MinorScale::new(0, 0).unwrap();
        assert_eq!(whole.rounded(i128::MAX), None);
    }

    #[test]
    fn the_bound_is_ten_to_the_eighteen_money_units_and_a_mantissa() {
        assert_eq!(MinorScale::new(2, 2).unwrap().bound(), 10i128.pow(20));
        assert_eq!(MinorScale::new(10, 2).unwrap().bound(), 10i128.pow(28));
        assert_eq!(MinorScale::new(11, 2).unwrap().bound(), MAX_MANTISSA);
        assert_eq!(
            MinorScale::new(28, 0).unwrap().excess_divisor(),
            Some(10i128.pow(28))
        );
        assert_eq!(MinorScale::new(2, 2).unwrap().excess_divisor(), None);
        assert_eq!(
            MinorScale::new(29, 2).unwrap_err(),
            SummaryError::InvalidMoneyScale { scale: 29 }
        );
    }
}
