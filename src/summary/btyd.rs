//! The "buy 'til you die" view of a summary: the triple (x, t_x, T) and z̄ in a [`TimeUnit`].

use rust_decimal::Decimal;

use super::CustomerSummary;
use crate::numeric::money::to_f64;

/// The time unit in which the BTYD models measure t_x and T.
///
/// The literature states CDNOW in weeks; daily data is often modelled in days. Both measure
/// elapsed time (a week is 7 days, counted from the first purchase occasion, one occasion per
/// day); for calendar weeks (Monday to Sunday) or months, in which purchases of one period merge
/// into one occasion as lifetimes' `freq='W'` counts them, see
/// [`CustomerSummary::btyd_calendar`].
///
/// # Examples
///
/// ```
/// use customer_value::TimeUnit;
/// assert_eq!(TimeUnit::Weeks.days(), 7.0);
/// assert_eq!(TimeUnit::Weeks.per_month(), 4.345);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum TimeUnit {
    /// Calendar days.
    Days,
    /// Weeks of 7 days of elapsed time (not calendar weeks).
    #[default]
    Weeks,
}

impl TimeUnit {
    /// Length of one unit in days.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(customer_value::TimeUnit::Days.days(), 1.0);
    /// ```
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
        }
    }

    /// Units in one month, by the convention of Python's lifetimes (`customer_lifetime_value`): a month
    /// is 30 days, or 4.345 weeks (52.14 / 12).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(customer_value::TimeUnit::Days.per_month(), 30.0);
    /// ```
    pub fn per_month(self) -> f64 {
        match self {
            TimeUnit::Days => 30.0,
            TimeUnit::Weeks => 4.345,
        }
    }

    /// Converts a number of days into this unit.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(customer_value::TimeUnit::Weeks.from_days(14), 2.0);
    /// ```
    pub fn from_days(self, days: i64) -> f64 {
        days as f64 / self.days()
    }
}

/// The inputs of the BTYD models derived from a summary, in one [`TimeUnit`].
///
/// `frequency` x = occasions − 1, `recency` t_x = first → last occasion, `age` T = first occasion →
/// observation end, `mean_repeat_spend` z̄ = mean net amount of the occasions after the first (0 when
/// x = 0). This is the output of lifetimes' `summary_data_from_transaction_data(freq='D')` on logs whose
/// days all net to a positive amount.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BtydInputs {
    /// x: repeat purchase occasions.
    pub frequency: f64,
    /// t_x: time from the first to the last purchase occasion.
    pub recency: f64,
    /// T: time from the first purchase occasion to the observation end.
    pub age: f64,
    /// z̄: mean net amount of the repeat occasions, 0 when there is none.
    pub mean_repeat_spend: f64,
}

impl BtydInputs {
    /// The inputs counted in whole periods (calendar periods, clock hours): `repeats` occasions
    /// after the first, netting `net_repeat` together, the first and last occasions' periods and
    /// the observation end's. z̄ is 0 without a repeat or when the repeats net to nothing.
    pub(super) fn from_periods(
        repeats: u64, net_repeat: Decimal, first: i64, last: i64, end: i64,
    ) -> Self {
        let mean = if repeats > 0 && net_repeat > Decimal::ZERO {
            to_f64(net_repeat / Decimal::from(repeats))
        } else {
            0.0
        };
        BtydInputs {
            frequency: repeats as f64,
            recency: (last - first) as f64,
            age: (end - first) as f64,
            mean_repeat_spend: mean,
        }
    }
}

impl<C> CustomerSummary<C> {
    /// The BTYD inputs (x, t_x, T, z̄) in `unit` of elapsed time: one occasion per day, t_x and T
    /// in days / `unit` (fractional). Calendar periods: [`CustomerSummary::btyd_calendar`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction, TimeUnit};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::from(10)), Transaction::new(1, d(8), Decimal::from(30))];
    /// let s = Summarizer::new(d(22)).summarize(&log)?;
    /// let b = s[0].btyd(TimeUnit::Weeks);
    /// assert_eq!((b.frequency, b.recency, b.age, b.mean_repeat_spend), (1.0, 1.0, 3.0, 30.0));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn btyd(&self, unit: TimeUnit) -> BtydInputs {
        BtydInputs {
            frequency: (self.purchase_occasions - 1) as f64,
            recency: unit.from_days((self.last_purchase - self.first_purchase).num_days()),
            age: unit.from_days(self.tenure_days()),
            mean_repeat_spend: self.mean_repeat_spend().map(to_f64).unwrap_or(0.0),
        }
    }
}
