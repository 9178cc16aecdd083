use crate::clv::ClvError;
use crate::summary::{CustomerSummary, TimeUnit};

/// A customer's repeat-purchase history for the continuous-time models: (x, t_x, T).
///
/// - `frequency` x: the number of repeat purchases (purchase occasions after the first);
/// - `recency` t_x: the time of the last purchase, measured from the first (BTYD recency, not RFM
///   recency);
/// - `age` T: the time from the first purchase to the end of the observation period.
///
/// Fader, Hardie & Lee (2005), "Counting your customers the easy way", section 2.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RepeatHistory {
    frequency: f64,
    recency: f64,
    age: f64,
}

impl RepeatHistory {
    /// The largest x, t_x and T a history may hold: 10¹² purchases, or 10¹² time units (2.7
    /// billion years in days). Within it every model of this crate whose parameters are in range
    /// gives finite results; beyond it ln Γ(r + x) and x ln(α + T) overflow, and a count of
    /// purchases stops being an integer in f64 long before (2⁵³ ≈ 9 · 10¹⁵).
    pub const MAX_VALUE: f64 = 1e12;

    /// A checked history.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] when a value is not finite or above
    /// [`RepeatHistory::MAX_VALUE`], x < 0, t_x < 0, t_x > T, or x = 0 with t_x ≠ 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::RepeatHistory;
    /// assert!(RepeatHistory::new(0.0, 0.0, 10.0).is_ok());
    /// assert!(RepeatHistory::new(0.0, 3.0, 10.0).is_err()); // no repeat purchase, yet a recency
    /// assert!(RepeatHistory::new(1.0, f64::NAN, 10.0).is_err());
    /// assert!(RepeatHistory::new(1.0, 1.0, 1e300).is_err()); // above MAX_VALUE
    /// ```
    pub fn new(frequency: f64, recency: f64, age: f64) -> Result<Self, ClvError> {
        let invalid = |detail: &str| {
            Err(ClvError::InvalidHistory {
                position: None,
                detail: format!("{detail} (x = {frequency}, t_x = {recency}, T = {age})"),
            })
        };
        if !(frequency.is_finite() && recency.is_finite() && age.is_finite()) {
            return invalid("values must be finite");
        }
        if frequency.max(recency).max(age) > Self::MAX_VALUE {
            return invalid("x, t_x and T must be at most 1e12 (RepeatHistory::MAX_VALUE)");
        }
        if frequency < 0.0 || recency < 0.0 {
            return invalid("x and t_x must be non-negative");
        }
        if recency > age {
            return invalid("t_x must not exceed T");
        }
        if frequency == 0.0 && recency != 0.0 {
            return invalid("t_x must be 0 when x = 0");
        }
        Ok(Self {
            frequency,
            recency,
            age,
        })
    }

    /// The history of a summarized customer in `unit` of elapsed time ([`CustomerSummary::btyd`]):
    /// one occasion per day and weeks of 7 days, as the published CDNOW figures count them. For
    /// lifetimes' `freq='W'` (calendar weeks, the purchases of one week merged) build it from
    /// [`CustomerSummary::btyd_calendar`] with [`RepeatHistory::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Summarizer, Transaction, TimeUnit};
    /// use customer_value::clv::RepeatHistory;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::ONE), Transaction::new(1, d(8), Decimal::ONE)];
    /// let s = Summarizer::new(d(15)).summarize(&log)?;
    /// let h = RepeatHistory::from_summary(&s[0], TimeUnit::Weeks);
    /// assert_eq!((h.frequency(), h.recency(), h.age()), (1.0, 1.0, 2.0));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn from_summary<C>(summary: &CustomerSummary<C>, unit: TimeUnit) -> Self {
        // A summary satisfies every invariant by construction: ≥ 1 occasion, first ≤ last ≤ end,
        // and stays below MAX_VALUE: dates span at most 2 · 10⁸ days, occasions are counted in memory.
        let b = summary.btyd(unit);
        Self {
            frequency: b.frequency,
            recency: b.recency,
            age: b.age,
        }
    }

    /// x: repeat purchases.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::clv::RepeatHistory;
    /// assert_eq!(RepeatHistory::new(3.0, 20.0, 30.0)?.frequency(), 3.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn frequency(&self) -> f64 {
        self.frequency
    }

    /// t_x: time from the first to the last purchase.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::clv::RepeatHistory;
    /// assert_eq!(RepeatHistory::new(3.0, 20.0, 30.0)?.recency(), 20.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn recency(&self) -> f64 {
        self.recency
    }

    /// T: time from the first purchase to the end of observation.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::clv::RepeatHistory;
    /// assert_eq!(RepeatHistory::new(3.0, 20.0, 30.0)?.age(), 30.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn age(&self) -> f64 {
        self.age
    }
}

/// A customer's history over discrete purchase opportunities, for BG/BB: (x, t_x, n).
///
/// x repeat transactions in n opportunities after the first, the last at opportunity t_x
/// (Fader, Hardie & Shang 2010).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DiscreteHistory {
    frequency: u32,
    recency: u32,
    periods: u32,
}

impl DiscreteHistory {
    /// The most opportunities n a history may span: 10,000 (27 years of daily opportunities).
    ///
    /// The BG/BB likelihood of a history sums n − t_x terms and P(X(n) = x) sums n − x, so the
    /// bound keeps one evaluation below about a millisecond; the histogram of
    /// [`crate::clv::BgBb::expected_frequency_histogram`] costs O(n²) per distinct n.
    pub const MAX_PERIODS: u32 = 10_000;

    /// A checked discrete history.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] unless x ≤ t_x ≤ n ≤ [`DiscreteHistory::MAX_PERIODS`] and
    /// (x = 0 ⇔ t_x = 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::DiscreteHistory;
    /// assert!(DiscreteHistory::new(2, 4, 6).is_ok());
    /// assert!(DiscreteHistory::new(5, 4, 6).is_err());
    /// assert!(DiscreteHistory::new(0, 0, u32::MAX).is_err()); // above MAX_PERIODS
    /// ```
    pub fn new(frequency: u32, recency: u32, periods: u32) -> Result<Self, ClvError> {
        if periods > Self::MAX_PERIODS {
            return Err(ClvError::InvalidHistory {
                position: None,
                detail: format!(
                    "n = {periods} opportunities exceeds the limit of 10,000 (DiscreteHistory::MAX_PERIODS)"
                ),
            });
        }
        let ok = frequency <= recency && recency <= periods && ((frequency == 0) == (recency == 0));
        if !ok {
            return Err(ClvError::InvalidHistory {
                position: None,
                detail: format!(
                    "need x ≤ t_x ≤ n and x = 0 exactly when t_x = 0 (x = {frequency}, t_x = {recency}, n = {periods})"
                ),
            });
        }
        Ok(Self {
            frequency,
            recency,
            periods,
        })
    }

    /// x: repeat transactions.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::clv::DiscreteHistory;
    /// assert_eq!(DiscreteHistory::new(2, 4, 6)?.frequency(), 2);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn frequency(&self) -> u32 {
        self.frequency
    }

    /// t_x: the opportunity of the last transaction.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::clv::DiscreteHistory;
    /// assert_eq!(DiscreteHistory::new(2, 4, 6)?.recency(), 4);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn recency(&self) -> u32 {
        self.recency
    }

    /// n: the number of opportunities observed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::clv::DiscreteHistory;
    /// assert_eq!(DiscreteHistory::new(2, 4, 6)?.periods(), 6);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn periods(&self) -> u32 {
        self.periods
    }
}
