//! The forecast intervals: spans of future time after the observation end, each counted in an
//! explicit unit with an explicit month length.

use chrono::{Months, NaiveDate};

use crate::clv::ClvError;
use crate::summary::TimeUnit;

/// The unit in which an interval's boundaries are counted.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{ForecastIntervals, HorizonUnit, MonthLength};
/// // Years [1, 3) and [3, 5) after the observation end, of 365.25 days.
/// let later = ForecastIntervals::new(HorizonUnit::Years, MonthLength::Average, &[(1, 3), (3, 5)])?;
/// assert_eq!(later.intervals()[1].end_days, 5.0 * 365.25);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HorizonUnit {
    /// Days.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Months, as long as the [`MonthLength`] says.
    Months,
    /// Years of 12 months, as long as the [`MonthLength`] says.
    Years,
}

impl HorizonUnit {
    /// The most units an interval may reach: 100 years in each unit (36,525 days, 5,218 weeks,
    /// 1,200 months, as [`crate::clv::ClvOptions::MAX_HORIZON_MONTHS`]), so that every boundary is
    /// a date chrono holds and the work per customer is bounded.
    fn max_count(self) -> i64 {
        match self {
            HorizonUnit::Days => 36_525,
            HorizonUnit::Weeks => 5_218,
            HorizonUnit::Months => 1_200,
            HorizonUnit::Years => 100,
        }
    }

    fn name(self) -> &'static str {
        match self {
            HorizonUnit::Days => "days",
            HorizonUnit::Weeks => "weeks",
            HorizonUnit::Months => "months",
            HorizonUnit::Years => "years",
        }
    }
}

/// How long a month (and a year, 12 months) is: the choice is explicit because the three
/// conventions in use differ by up to 1.5 %.
///
/// # Examples
///
/// ```
/// use chrono::NaiveDate;
/// use customer_value::clv::{ForecastIntervals, HorizonUnit, MonthLength};
/// use customer_value::TimeUnit;
///
/// let month = |length| ForecastIntervals::new(HorizonUnit::Months, length, &[(0, 1)]);
/// assert_eq!(month(MonthLength::Average)?.intervals()[0].end_days, 30.4375);
/// assert_eq!(month(MonthLength::Lifetimes(TimeUnit::Days))?.intervals()[0].end_days, 30.0);
/// let february = NaiveDate::from_ymd_opt(2025, 2, 1).unwrap();
/// let calendar = month(MonthLength::Calendar(february))?;
/// assert_eq!(calendar.intervals()[0].end_days, 28.0);
/// assert_eq!(calendar.intervals()[0].end_date, NaiveDate::from_ymd_opt(2025, 3, 1));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MonthLength {
    /// The Gregorian average: a month of 365.25 / 12 = 30.4375 days, a year of 365.25 days. The
    /// intervals carry no dates.
    Average,
    /// Python lifetimes' month, the one [`crate::clv::customer_lifetime_value`] discounts by:
    /// [`TimeUnit::per_month`] units of the given unit (30 days, or 4.345 weeks = 30.415 days); a
    /// year is 12 of them. Months 1 to H of this length reproduce `customer_lifetime_value` month
    /// for month. The intervals carry no dates.
    Lifetimes(TimeUnit),
    /// Calendar months and years counted from this as-of date (the observation end): month k
    /// ends on the as-of date plus k months (chrono's rule: the day of the month is kept, or the
    /// month's last day when it has fewer, so 31 January + 1 month is 28 or 29 February). Days
    /// are whole days between the dates, and the intervals carry their dates.
    Calendar(NaiveDate),
}

impl MonthLength {
    /// The as-of date, for calendar months.
    fn as_of(self) -> Option<NaiveDate> {
        match self {
            MonthLength::Calendar(date) => Some(date),
            _ => None,
        }
    }

    /// Days in `months` months.
    fn days_in_months(self, months: u32) -> Option<f64> {
        match self {
            MonthLength::Average => Some(f64::from(months) * (365.25 / 12.0)),
            MonthLength::Lifetimes(unit) => {
                Some(f64::from(months) * unit.per_month() * unit.days())
            }
            MonthLength::Calendar(as_of) => {
                let end = as_of.checked_add_months(Months::new(months))?;
                Some((end - as_of).num_days() as f64)
            }
        }
    }
}

/// One interval after the observation end: from `start_days` to `end_days` days after it (the
/// model's expectations are taken on (start, end]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ForecastInterval {
    /// Days from the observation end to the interval's start.
    pub start_days: f64,
    /// Days from the observation end to the interval's end.
    pub end_days: f64,
    /// The start as a date, with [`MonthLength::Calendar`].
    pub start_date: Option<NaiveDate>,
    /// The end as a date, with [`MonthLength::Calendar`].
    pub end_date: Option<NaiveDate>,
}

/// What a [`ForecastIntervals`] was built from; its serde form, checked again when read back.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct IntervalSpec {
    unit: HorizonUnit,
    month_length: MonthLength,
    spans: Vec<(i64, i64)>,
}

/// The future intervals a forecast is kept per: sorted, non-overlapping spans after the
/// observation end, each counted in an explicit [`HorizonUnit`] with an explicit [`MonthLength`].
/// Gaps between intervals are allowed (months 1 to 3, then years 1 to 3).
///
/// Built with [`ForecastIntervals::new`] (any spans), [`ForecastIntervals::contiguous`]
/// (consecutive boundaries), [`ForecastIntervals::monthly`] (months 1 to n) or
/// [`ForecastIntervals::from_dates`] (a list of dates). Read back through serde, the spans are
/// checked again.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{ClvError, ForecastIntervals, HorizonUnit, MonthLength};
/// let months = ForecastIntervals::monthly(MonthLength::Average, 12)?;
/// assert_eq!(months.len(), 12);
/// let bad = ForecastIntervals::new(HorizonUnit::Years, MonthLength::Average, &[(1, 3), (2, 5)]);
/// assert!(matches!(bad, Err(ClvError::InvalidForecastInterval { index: 1, .. })));
/// # Ok::<(), ClvError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "IntervalSpec", into = "IntervalSpec")
)]
pub struct ForecastIntervals {
    spec: IntervalSpec,
    intervals: Vec<ForecastInterval>,
}

impl ForecastIntervals {
    /// Intervals `[start, end)` counted in `unit` from the observation end: `(1, 3)` in years is
    /// the second and third year.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidForecastInterval`] naming the interval and its boundary when `spans` is
    /// empty, a boundary is negative or beyond 100 years (36,525 days, 5,218 weeks, 1,200 months,
    /// 100 years), an end is not after its start, or an interval starts before the one before it
    /// (unsorted) or before that one ends (overlapping); also when a calendar date falls outside
    /// chrono's range.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, ForecastIntervals, HorizonUnit, MonthLength};
    /// let w = ForecastIntervals::new(HorizonUnit::Weeks, MonthLength::Average, &[(0, 1), (4, 8)])?;
    /// assert_eq!((w.intervals()[1].start_days, w.intervals()[1].end_days), (28.0, 56.0));
    /// let negative = ForecastIntervals::new(HorizonUnit::Weeks, MonthLength::Average, &[(-1, 1)]);
    /// assert_eq!(negative.unwrap_err().to_string(),
    ///     "forecast interval 0: boundary -1 weeks is invalid: must not be negative");
    /// # Ok::<(), ClvError>(())
    /// ```
    pub fn new(
        unit: HorizonUnit, month_length: MonthLength, spans: &[(i64, i64)],
    ) -> Result<Self, ClvError> {
        Self::try_from(IntervalSpec {
            unit,
            month_length,
            spans: spans.to_vec(),
        })
    }

    /// Consecutive intervals between sorted `boundaries` in `unit`: `[0, 1, 2]` months are the
    /// first and second month.
    ///
    /// # Errors
    ///
    /// As [`ForecastIntervals::new`]; fewer than two boundaries give no interval.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ForecastIntervals, HorizonUnit, MonthLength};
    /// let years = ForecastIntervals::contiguous(HorizonUnit::Years, MonthLength::Average, &[0, 1, 3, 5])?;
    /// assert_eq!(years.len(), 3);
    /// assert!(ForecastIntervals::contiguous(HorizonUnit::Years, MonthLength::Average, &[0, 3, 1]).is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn contiguous(
        unit: HorizonUnit, month_length: MonthLength, boundaries: &[i64],
    ) -> Result<Self, ClvError> {
        let spans: Vec<(i64, i64)> = boundaries.windows(2).map(|w| (w[0], w[1])).collect();
        Self::new(unit, month_length, &spans)
    }

    /// Months 1 to `months`, one interval each.
    ///
    /// # Errors
    ///
    /// As [`ForecastIntervals::new`] (`months` 0 gives no interval; more than 1,200 is too far).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ForecastIntervals, MonthLength};
    /// let months = ForecastIntervals::monthly(MonthLength::Average, 3)?;
    /// assert_eq!(months.intervals()[2].end_days, 3.0 * 30.4375);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn monthly(month_length: MonthLength, months: u32) -> Result<Self, ClvError> {
        let boundaries: Vec<i64> = (0..=i64::from(months)).collect();
        Self::contiguous(HorizonUnit::Months, month_length, &boundaries)
    }

    /// Consecutive intervals between sorted `dates`, in days after `as_of` (the observation end);
    /// the intervals carry their dates. The first interval starts at `dates[0]`, which may be
    /// `as_of` itself.
    ///
    /// # Errors
    ///
    /// As [`ForecastIntervals::new`], naming the offending date: a date before `as_of` is
    /// negative, and one more than 36,525 days after it too far.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use customer_value::clv::ForecastIntervals;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let quarters = ForecastIntervals::from_dates(d(2024, 12, 31), &[d(2024, 12, 31), d(2025, 3, 31), d(2025, 6, 30)])?;
    /// assert_eq!(quarters.intervals()[1].start_days, 90.0);
    /// let before = ForecastIntervals::from_dates(d(2024, 12, 31), &[d(2024, 12, 1), d(2025, 1, 1)]);
    /// assert!(before.unwrap_err().to_string().contains("2024-12-01"));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn from_dates(as_of: NaiveDate, dates: &[NaiveDate]) -> Result<Self, ClvError> {
        let max_days = HorizonUnit::Days.max_count();
        for (k, date) in dates.iter().enumerate() {
            // Interval k − 1 ends at date k; date 0 only starts interval 0.
            let index = k.saturating_sub(1);
            let why = if *date < as_of {
                Some("must not be before the as-of date")
            } else if (*date - as_of).num_days() > max_days {
                Some("is beyond 100 years after the as-of date")
            } else if k > 0 && *date <= dates[k - 1] {
                Some("the dates must be sorted: it is not after the date before it")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(invalid(index, date.to_string(), why));
            }
        }
        let days: Vec<i64> = dates.iter().map(|d| (*d - as_of).num_days()).collect();
        Self::contiguous(HorizonUnit::Days, MonthLength::Calendar(as_of), &days)
    }

    /// The intervals, in order.
    ///
    /// # Examples
    ///
    /// See [`ForecastIntervals::new`].
    pub fn intervals(&self) -> &[ForecastInterval] {
        &self.intervals
    }

    /// The number of intervals (at least one).
    ///
    /// # Examples
    ///
    /// See [`ForecastIntervals::monthly`].
    #[allow(clippy::len_without_is_empty)] // never empty: the constructors refuse that
    pub fn len(&self) -> usize {
        self.intervals.len()
    }

    /// The month length the intervals were counted with.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ForecastIntervals, MonthLength};
    /// assert_eq!(ForecastIntervals::monthly(MonthLength::Average, 1)?.month_length(), MonthLength::Average);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn month_length(&self) -> MonthLength {
        self.spec.month_length
    }
}

impl TryFrom<IntervalSpec> for ForecastIntervals {
    type Error = ClvError;

    fn try_from(spec: IntervalSpec) -> Result<Self, ClvError> {
        let unit = spec.unit;
        let label = |n: i64| format!("{n} {}", unit.name());
        if spec.spans.is_empty() {
            return Err(invalid(0, "none".into(), "at least one interval is needed"));
        }
        let mut intervals = Vec::with_capacity(spec.spans.len());
        let mut previous: Option<(i64, i64)> = None;
        for (index, &(start, end)) in spec.spans.iter().enumerate() {
            check_order(start, end, previous, unit)
                .map_err(|(n, why)| invalid(index, label(n), why))?;
            let boundary = |n: i64| {
                boundary(unit, spec.month_length, n)
                    .ok_or_else(|| invalid(index, label(n), "is beyond chrono's dates"))
            };
            let (start_days, start_date) = boundary(start)?;
            let (end_days, end_date) = boundary(end)?;
            intervals.push(ForecastInterval {
                start_days,
                end_days,
                start_date,
                end_date,
            });
            previous = Some((start, end));
        }
        Ok(Self { spec, intervals })
    }
}

impl From<ForecastIntervals> for IntervalSpec {
    fn from(intervals: ForecastIntervals) -> Self {
        intervals.spec
    }
}

/// The rules on one span, given the one before: the offending boundary and why, if broken.
fn check_order(
    start: i64, end: i64, previous: Option<(i64, i64)>, unit: HorizonUnit,
) -> Result<(), (i64, &'static str)> {
    if start < 0 {
        return Err((start, "must not be negative"));
    }
    if end > unit.max_count() {
        return Err((end, "is beyond 100 years after the observation end"));
    }
    if end <= start {
        return Err((end, "must be after the interval's start"));
    }
    match previous {
        Some((p_start, _)) if start < p_start => Err((
            start,
            "the intervals must be sorted: it starts before the interval before it",
        )),
        Some((_, p_end)) if start < p_end => Err((
            start,
            "overlaps the interval before it (starts before that one ends)",
        )),
        _ => Ok(()),
    }
}

/// A boundary `n` units after the observation end: days, and the date with calendar months.
/// `None` past chrono's dates. `n` is in [0, unit.max_count()], checked before.
fn boundary(unit: HorizonUnit, length: MonthLength, n: i64) -> Option<(f64, Option<NaiveDate>)> {
    let n = u32::try_from(n).ok()?;
    let days = match unit {
        HorizonUnit::Days => f64::from(n),
        HorizonUnit::Weeks => 7.0 * f64::from(n),
        HorizonUnit::Months => length.days_in_months(n)?,
        HorizonUnit::Years => length.days_in_months(12 * n)?,
    };
    let date = match length.as_of() {
        Some(as_of) => Some(as_of.checked_add_days(chrono::Days::new(days as u64))?),
        None => None,
    };
    Some((days, date))
}

fn invalid(index: usize, boundary: String, constraint: &'static str) -> ClvError {
    ClvError::InvalidForecastInterval {
        index,
        boundary,
        constraint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_its_interval_and_boundary() {
        let y = |spans: &[(i64, i64)]| {
            ForecastIntervals::new(HorizonUnit::Years, MonthLength::Average, spans).unwrap_err()
        };
        let cases = [
            (y(&[]), 0, "none"),
            (y(&[(0, 1), (-2, 3)]), 1, "-2 years"),
            (y(&[(1, 1)]), 0, "1 years"),
            (y(&[(3, 5), (1, 3)]), 1, "1 years"),
            (y(&[(1, 3), (2, 5)]), 1, "2 years"),
            (y(&[(1, 101)]), 0, "101 years"),
        ];
        for (err, want_index, want_boundary) in cases {
            match err {
                ClvError::InvalidForecastInterval {
                    index, boundary, ..
                } => assert_eq!((index, boundary.as_str()), (want_index, want_boundary)),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn calendar_months_follow_the_calendar() {
        let as_of = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        let m = ForecastIntervals::monthly(MonthLength::Calendar(as_of), 2).unwrap();
        // 31 Jan 2024 + 1 month = 29 Feb 2024 (leap year), + 2 months = 31 Mar 2024.
        assert_eq!(m.intervals()[0].end_days, 29.0);
        assert_eq!(
            m.intervals()[1].end_date,
            NaiveDate::from_ymd_opt(2024, 3, 31)
        );
        assert_eq!(m.intervals()[1].end_days, 60.0);
    }
}
