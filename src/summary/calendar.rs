//! The BTYD view in calendar periods: purchases in one calendar week (Monday to Sunday), month or
//! year merge into one occasion, and x, t_x, T are whole numbers of periods, as lifetimes'
//! `summary_data_from_transaction_data(freq='W')` (pandas' weekly periods end on Sunday),
//! `freq='M'` or `freq='Y'` count them. Years are the discrete purchase opportunities of the
//! BG/BB model (a donor gives or not each year: Fader, Hardie & Shang 2010).
//!
//! **Hours.** A [`Transaction`](crate::Transaction) carries a calendar day, not a time of day
//! (its constructors from a date-time keep the date), so there is no hourly calendar period: an
//! hour index would put every purchase of a day in one arbitrary hour. Parsing pandas' `H` (or
//! `h`) is refused with [`SummaryError::UnsupportedPeriod`]. A log that has times goes through
//! [`btyd_hourly`](super::btyd_hourly) instead: [`TimedPurchase`](super::TimedPurchase)s in,
//! x, t_x, T and z̄ in clock hours out, by the rules below with an hour in place of a period.
//!
//! [`CustomerSummary::btyd`] in [`TimeUnit::Weeks`](super::TimeUnit::Weeks) measures elapsed time
//! instead: days / 7, with one occasion per day. The two differ for every customer who bought on
//! two days of one calendar week (x counts them twice in elapsed time, once in calendar weeks) and
//! in the rounding of t_x and T. Choose the calendar view to compare with lifetimes or pandas; the
//! published CDNOW figures (Fader, Hardie & Lee 2005) use elapsed weeks. The calibration/holdout
//! split has the same two views: [`CalibrationHoldout`](super::CalibrationHoldout) in days, and
//! [`CalibrationHoldout::calendar`](super::CalibrationHoldout::calendar) in calendar periods.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{BtydInputs, CustomerSummary, SummaryError};

/// A calendar period for [`CustomerSummary::btyd_calendar`].
///
/// # Examples
///
/// ```
/// use customer_value::summary::CalendarPeriod;
/// use chrono::NaiveDate;
///
/// let sunday = NaiveDate::from_ymd_opt(2024, 3, 10).unwrap();
/// let monday = NaiveDate::from_ymd_opt(2024, 3, 11).unwrap();
/// assert_eq!(CalendarPeriod::Week.index(monday) - CalendarPeriod::Week.index(sunday), 1);
/// assert_eq!(CalendarPeriod::Month.index(monday), CalendarPeriod::Month.index(sunday));
/// assert_eq!("Y".parse::<CalendarPeriod>()?, CalendarPeriod::Year);
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CalendarPeriod {
    /// Weeks from Monday to Sunday (ISO weeks; pandas' `W`, `W-SUN`).
    Week,
    /// Calendar months (pandas' `M`).
    Month,
    /// Calendar years, January to December (pandas' `Y`, formerly `A`).
    Year,
}

impl CalendarPeriod {
    /// The number of the period holding `date`, counted from an arbitrary origin: differences of
    /// indices are numbers of whole periods.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::CalendarPeriod;
    /// use chrono::NaiveDate;
    /// let d = |y, m, n| NaiveDate::from_ymd_opt(y, m, n).unwrap();
    /// assert_eq!(CalendarPeriod::Month.index(d(2025, 1, 31)) - CalendarPeriod::Month.index(d(2024, 12, 1)), 1);
    /// ```
    pub fn index(self, date: NaiveDate) -> i64 {
        match self {
            // 0001-01-01, day 1 from the common era, is a Monday.
            CalendarPeriod::Week => (i64::from(date.num_days_from_ce()) - 1).div_euclid(7),
            CalendarPeriod::Month => i64::from(date.year()) * 12 + i64::from(date.month0()),
            CalendarPeriod::Year => i64::from(date.year()),
        }
    }
}

impl FromStr for CalendarPeriod {
    type Err = SummaryError;

    /// Reads pandas' period codes: `W` (or `W-SUN`), `M` (or `ME`, `MS`), `Y` (or `YE`, `YS`,
    /// `A`, `AS`), in either case.
    ///
    /// # Errors
    ///
    /// [`SummaryError::UnsupportedPeriod`] for hours (`H`, `h`: transactions carry dates, not
    /// times of day; timed logs go through [`btyd_hourly`](super::btyd_hourly)) and for any other
    /// code, naming it.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::{CalendarPeriod, SummaryError};
    /// assert_eq!("W-SUN".parse::<CalendarPeriod>()?, CalendarPeriod::Week);
    /// assert!(matches!("H".parse::<CalendarPeriod>(), Err(SummaryError::UnsupportedPeriod { .. })));
    /// # Ok::<(), SummaryError>(())
    /// ```
    fn from_str(code: &str) -> Result<Self, SummaryError> {
        let unsupported = |reason| SummaryError::UnsupportedPeriod {
            code: code.to_owned(),
            reason,
        };
        match code.to_ascii_uppercase().as_str() {
            "W" | "W-SUN" => Ok(CalendarPeriod::Week),
            "M" | "ME" | "MS" => Ok(CalendarPeriod::Month),
            "Y" | "YE" | "YS" | "A" | "AS" => Ok(CalendarPeriod::Year),
            "H" => Err(unsupported(
                "transactions carry a calendar day, not a time of day: for a log with times, \
                 use summary::btyd_hourly on TimedPurchase lines",
            )),
            _ => Err(unsupported("the calendar periods are W, M and Y")),
        }
    }
}

impl<C> CustomerSummary<C> {
    /// The BTYD inputs (x, t_x, T, z̄) in calendar periods, or `None` when the summary's
    /// occasions were not kept ([`Summarizer::keep_occasions`](super::Summarizer::keep_occasions)).
    ///
    /// - A period holding at least one purchase occasion is one occasion; x is the number of such
    ///   periods after the first.
    /// - t_x = (period of the last occasion − period of the first), T = (period of the observation
    ///   end − period of the first), both whole numbers.
    /// - z̄ = net repeat spend / x, where the net repeat spend is the amount of the occasions in
    ///   the later periods plus the refund days dated after the first period (the rule of
    ///   [`CustomerSummary::net_repeat_spend`], with the first period in place of the first
    ///   day); 0 when x = 0 or that spend is not positive.
    ///
    /// Unlike lifetimes, which counts every transaction row, a period with only refund days is
    /// not an occasion (as a refund day is not).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::CalendarPeriod;
    /// use customer_value::{Summarizer, TimeUnit, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap(); // 2024-01-01 is a Monday
    /// let log = [
    ///     Transaction::new(1, d(1), Decimal::from(10)),
    ///     Transaction::new(1, d(5), Decimal::from(20)),  // Friday: the same calendar week
    ///     Transaction::new(1, d(9), Decimal::from(30)),  // Tuesday of the next week
    ///     Transaction::new(1, d(10), Decimal::from(10)), // and Wednesday
    /// ];
    /// let s = &Summarizer::new(d(21)).summarize(&log)?[0]; // the 21st is a Sunday
    /// let weeks = s.btyd_calendar(CalendarPeriod::Week).unwrap();
    /// assert_eq!((weeks.frequency, weeks.recency, weeks.age, weeks.mean_repeat_spend), (1.0, 1.0, 2.0, 40.0));
    /// let elapsed = s.btyd(TimeUnit::Weeks); // days / 7: four occasions
    /// assert_eq!((elapsed.frequency, elapsed.age), (3.0, 20.0 / 7.0));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn btyd_calendar(&self, period: CalendarPeriod) -> Option<BtydInputs> {
        let occasions = self.occasions.as_deref()?;
        let first = period.index(self.first_purchase);
        let (mut periods, mut last, mut later) = (0u64, first, Decimal::ZERO);
        let mut current = None;
        for o in occasions {
            let p = period.index(o.date);
            if current != Some(p) {
                periods += 1;
                current = Some(p);
                last = p;
            }
            if p != first {
                later += o.amount;
            }
        }
        let refunds: Decimal = self
            .refund_days
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .filter(|r| period.index(r.date) > first)
            .map(|r| r.amount)
            .sum();
        let repeats = periods.saturating_sub(1);
        let end = period.index(self.observation_end);
        Some(BtydInputs::from_periods(
            repeats,
            later + refunds,
            first,
            last,
            end,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_and_month_indices() {
        let d = |y, m, n| NaiveDate::from_ymd_opt(y, m, n).unwrap();
        let w = |date| CalendarPeriod::Week.index(date);
        // 2011-12-04 is a Sunday, 2011-12-05 a Monday.
        assert_eq!(w(d(2011, 12, 4)) + 1, w(d(2011, 12, 5)));
        assert_eq!(w(d(2011, 12, 5)), w(d(2011, 12, 11)));
        assert_eq!(w(d(2011, 12, 12)) - w(d(2010, 12, 1)), 54);
        // Before the common era too (div_euclid).
        assert_eq!(w(d(0, 12, 31)) + 1, w(d(1, 1, 1)));
        let m = |date| CalendarPeriod::Month.index(date);
        assert_eq!(m(d(2011, 12, 9)) - m(d(2010, 12, 1)), 12);
        assert_eq!(m(d(-1, 12, 31)) + 1, m(d(0, 1, 1)));
        let y = |date| CalendarPeriod::Year.index(date);
        assert_eq!(y(d(2001, 12, 31)) - y(d(1995, 1, 1)), 6);
        assert_eq!(y(d(2002, 1, 1)) - y(d(2001, 12, 31)), 1);
        assert_eq!(y(d(-1, 12, 31)) + 1, y(d(0, 1, 1)));
    }

    #[test]
    fn period_codes() {
        for (code, period) in [
            ("w", CalendarPeriod::Week),
            ("ME", CalendarPeriod::Month),
            ("a", CalendarPeriod::Year),
        ] {
            assert_eq!(code.parse::<CalendarPeriod>(), Ok(period));
        }
        for code in ["h", "D", ""] {
            assert!(matches!(
                code.parse::<CalendarPeriod>(),
                Err(SummaryError::UnsupportedPeriod { code: c, .. }) if c == code
            ));
        }
    }
}
