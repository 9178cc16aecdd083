//! The calendar of a tracking plot: where each period starts and ends, and which periods are in
//! the holdout.

use chrono::{Days, NaiveDate};

use crate::clv::ClvError;
use crate::settings::Settings;
use crate::summary::{CalendarPeriod, TimeUnit};

/// How long a tracking period is.
///
/// # Examples
///
/// ```
/// use customer_value::clv::tracking::PeriodLength;
/// use customer_value::summary::CalendarPeriod;
/// use customer_value::TimeUnit;
///
/// // BTYD's CDNOW tracking plot: weeks of 7 days counted from the first day of the log.
/// let btyd = PeriodLength::Elapsed(TimeUnit::Weeks);
/// // Calendar weeks, Monday to Sunday, as pandas' `W` counts them.
/// let pandas = PeriodLength::Calendar(CalendarPeriod::Week);
/// assert_ne!(btyd, pandas);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PeriodLength {
    /// Periods of one unit of elapsed time (1 or 7 days) from the start, as BTYD's
    /// `cdnowSummary$cu.tracking` counts weeks from 1997-01-01 (a Wednesday).
    Elapsed(TimeUnit),
    /// Calendar periods ([`CalendarPeriod`]): the first runs from the start to the end of the
    /// calendar period holding it, and may be shorter than the others.
    Calendar(CalendarPeriod),
}

impl PeriodLength {
    /// The first day of the period after the one that starts on `day`, or `None` past the last
    /// date chrono represents (or, for a calendar period, when no new period begins within
    /// [`MAX_CALENDAR_PERIOD_DAYS`]).
    fn next_start(self, day: NaiveDate) -> Option<NaiveDate> {
        match self {
            PeriodLength::Elapsed(unit) => day.checked_add_days(Days::new(unit.days() as u64)),
            PeriodLength::Calendar(period) => {
                let index = period.index(day);
                let mut next = day;
                for _ in 0..MAX_CALENDAR_PERIOD_DAYS {
                    next = next.succ_opt()?;
                    if period.index(next) != index {
                        return Some(next);
                    }
                }
                None
            }
        }
    }
}

/// The longest calendar period walked day by day: 400 days (a year is 366 at most).
const MAX_CALENDAR_PERIOD_DAYS: usize = 400;

crate::settings::checked_serde! {
    /// What a [`transaction_tracking`](super::transaction_tracking) covers: `periods` periods of
    /// `length` from `start`, the calibration ending on `calibration_end`, and the model's unit of
    /// time.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::tracking::TrackingOptions;
    /// use customer_value::Settings;
    /// use chrono::NaiveDate;
    ///
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// // CDNOW: 78 weeks from 1997-01-01, calibrated on the first 39.
    /// let options = TrackingOptions::weekly(day(1997, 1, 1), 78, day(1997, 9, 30));
    /// assert!(options.check().is_ok());
    /// assert!(TrackingOptions { periods: 0, ..options }.check().is_err());
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct TrackingOptions {
        /// The first day of the first period. No customer may have first bought before it (its
        /// earlier repeat purchases would be missing from the actual series).
        pub start: NaiveDate,
        /// The number of periods, from 1 to [`TrackingOptions::MAX_PERIODS`].
        pub periods: usize,
        /// The length of each period.
        pub length: PeriodLength,
        /// The last day of the calibration: the periods starting after it are the holdout, over
        /// which the errors are measured. It may fall after the last period (no holdout).
        pub calibration_end: NaiveDate,
        /// The unit of time of the model's parameters (weeks for the published CDNOW fits).
        pub model_unit: TimeUnit,
    }
}

impl TrackingOptions {
    /// The most periods: 10,000 (27 years of days). The expected series asks the model once per
    /// distinct number of days between a first purchase and a period's end, so at most once per
    /// day covered.
    pub const MAX_PERIODS: usize = 10_000;

    /// `periods` weeks of 7 days from `start` for a model fitted in weeks: BTYD's and lifetimes'
    /// (`freq='D', freq_multiplier=7`) tracking of CDNOW.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::tracking::{PeriodLength, TrackingOptions};
    /// use customer_value::TimeUnit;
    /// use chrono::NaiveDate;
    /// let start = NaiveDate::from_ymd_opt(1997, 1, 1).unwrap();
    /// let options = TrackingOptions::weekly(start, 78, NaiveDate::from_ymd_opt(1997, 9, 30).unwrap());
    /// assert_eq!(options.length, PeriodLength::Elapsed(TimeUnit::Weeks));
    /// assert_eq!(options.model_unit, TimeUnit::Weeks);
    /// ```
    pub fn weekly(start: NaiveDate, periods: usize, calibration_end: NaiveDate) -> Self {
        Self {
            start,
            periods,
            length: PeriodLength::Elapsed(TimeUnit::Weeks),
            calibration_end,
            model_unit: TimeUnit::Weeks,
        }
    }

    /// The first day of every period and, last, the day after the last period: `periods + 1`
    /// dates.
    pub(super) fn boundaries(&self) -> Result<Vec<NaiveDate>, ClvError> {
        self.check()?;
        let mut days = Vec::with_capacity(self.periods + 1);
        days.push(self.start);
        for _ in 0..self.periods {
            let last = days[days.len() - 1];
            let next = self
                .length
                .next_start(last)
                .ok_or(ClvError::InvalidArgument {
                    name: "periods",
                    value: self.periods as f64,
                    constraint: "the periods must end before the last date chrono represents",
                })?;
            days.push(next);
        }
        Ok(days)
    }
}

impl Settings for TrackingOptions {
    type Error = ClvError;

    /// Checks the options.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `periods` when it is 0 or above
    /// [`TrackingOptions::MAX_PERIODS`], `calibration_end` when it is before `start` (the value
    /// is the number of days between them), and `length` or `model_unit` when their unit is not
    /// a whole number of days (the value is its length in days).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::tracking::TrackingOptions;
    /// use customer_value::clv::ClvError;
    /// use customer_value::Settings;
    /// use chrono::NaiveDate;
    /// let day = |m| NaiveDate::from_ymd_opt(2024, m, 1).unwrap();
    /// let options = TrackingOptions::weekly(day(3), 10, day(2));
    /// assert!(matches!(options.check(), Err(ClvError::InvalidArgument { name: "calibration_end", .. })));
    /// ```
    fn check(&self) -> Result<(), ClvError> {
        if self.periods == 0 || self.periods > Self::MAX_PERIODS {
            return Err(ClvError::InvalidArgument {
                name: "periods",
                value: self.periods as f64,
                constraint: "must be from 1 to 10,000 (TrackingOptions::MAX_PERIODS)",
            });
        }
        if self.calibration_end < self.start {
            return Err(ClvError::InvalidArgument {
                name: "calibration_end",
                value: (self.calibration_end - self.start).num_days() as f64,
                constraint: "must be on or after start (the value is the days between them)",
            });
        }
        if let PeriodLength::Elapsed(unit) = self.length {
            check_whole_days("length", unit)?;
        }
        check_whole_days("model_unit", self.model_unit)
    }
}

/// Checks that `unit` is a whole number of days (at least one): the tracking counts days.
fn check_whole_days(name: &'static str, unit: TimeUnit) -> Result<(), ClvError> {
    let days = unit.days();
    if days >= 1.0 && days.fract() == 0.0 {
        Ok(())
    } else {
        Err(ClvError::InvalidArgument {
            name,
            value: days,
            constraint: "must be a whole number of days",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn elapsed_and_calendar_boundaries() {
        let weekly = TrackingOptions::weekly(day(1997, 1, 1), 2, day(1997, 1, 7));
        assert_eq!(
            weekly.boundaries().unwrap(),
            [day(1997, 1, 1), day(1997, 1, 8), day(1997, 1, 15)]
        );
        // 1997-01-01 is a Wednesday: the first calendar week ends on Sunday the 5th.
        let calendar = TrackingOptions {
            length: PeriodLength::Calendar(CalendarPeriod::Week),
            ..weekly
        };
        assert_eq!(
            calendar.boundaries().unwrap(),
            [day(1997, 1, 1), day(1997, 1, 6), day(1997, 1, 13)]
        );
        let monthly = TrackingOptions {
            length: PeriodLength::Calendar(CalendarPeriod::Month),
            periods: 3,
            ..weekly
        };
        assert_eq!(
            monthly.boundaries().unwrap(),
            [
                day(1997, 1, 1),
                day(1997, 2, 1),
                day(1997, 3, 1),
                day(1997, 4, 1)
            ]
        );
    }

    #[test]
    fn periods_past_the_last_date_are_an_error() {
        let options = TrackingOptions::weekly(NaiveDate::MAX, 1, NaiveDate::MAX);
        assert!(matches!(
            options.boundaries(),
            Err(ClvError::InvalidArgument {
                name: "periods",
                ..
            })
        ));
        let calendar = TrackingOptions {
            length: PeriodLength::Calendar(CalendarPeriod::Month),
            ..options
        };
        assert!(calendar.boundaries().is_err());
    }
}
