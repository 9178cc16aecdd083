//! The input of the Gamma-Gamma model: one customer's repeat transactions and their mean value.

use crate::clv::{check_length, ClvError, RepeatHistory};
use crate::numeric::money::to_f64;
use crate::summary::CustomerSummary;

crate::settings::checked_serde! {
    check = SpendHistory::check_read;
    /// A customer's spend record for the Gamma-Gamma model: x repeat transactions with mean value z̄.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct SpendHistory {
        frequency: f64,
        mean_spend: f64,
    }
}

impl SpendHistory {
    /// A checked spend record: 0 ≤ x ≤ [`RepeatHistory::MAX_VALUE`](crate::clv::RepeatHistory::MAX_VALUE)
    /// (10¹², the bound of a purchase count); z̄ > 0 when x > 0. With x = 0 the spend is not
    /// observed (pass 0): the record is valid, left out of fits, and predicted at the population
    /// mean.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] when x is negative, not finite or above 10¹², z̄ is not finite
    /// or negative, or x > 0 and z̄ ≤ 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::SpendHistory;
    /// assert!(SpendHistory::new(0.0, 0.0).is_ok());
    /// assert!(SpendHistory::new(3.0, 0.0).is_err());
    /// ```
    pub fn new(frequency: f64, mean_spend: f64) -> Result<Self, ClvError> {
        Self::checked(frequency, mean_spend, None)
    }

    /// Spend records from two columns, naming the first bad row's position in the error.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] when the columns differ in length, and the conditions of
    /// [`SpendHistory::new`] with `position` set.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, SpendHistory};
    /// let err = SpendHistory::from_columns(&[2.0, 1.0], &[10.0, -5.0]).unwrap_err();
    /// assert!(matches!(err, ClvError::InvalidHistory { position: Some(1), .. }));
    /// ```
    pub fn from_columns(frequency: &[f64], mean_spend: &[f64]) -> Result<Vec<Self>, ClvError> {
        check_length("mean_spend", frequency.len(), mean_spend.len())?;
        frequency
            .iter()
            .zip(mean_spend)
            .enumerate()
            .map(|(i, (&x, &z))| Self::checked(x, z, Some(i)))
            .collect()
    }

    /// The spend record of a summarized customer: x = repeat occasions, z̄ = mean net amount of the
    /// occasions after the first (converted from `Decimal` to the nearest f64). Occasions are days
    /// ([`CustomerSummary::btyd`]); for calendar periods, pass the x and z̄ of
    /// [`CustomerSummary::btyd_calendar`] to [`SpendHistory::new`].
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] when the customer has repeat occasions whose mean net amount is
    /// not positive (refunds exceeding purchases).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Summarizer, Transaction};
    /// use customer_value::clv::SpendHistory;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::new(500, 2)), Transaction::new(1, d(8), Decimal::new(1250, 2)),
    ///            Transaction::new(1, d(9), Decimal::new(750, 2))];
    /// let s = Summarizer::new(d(15)).summarize(&log)?;
    /// let spend = SpendHistory::from_summary(&s[0])?;
    /// assert_eq!((spend.frequency(), spend.mean_spend()), (2.0, 10.0));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn from_summary<C>(summary: &CustomerSummary<C>) -> Result<Self, ClvError> {
        let mean = summary.mean_repeat_spend().map_or(0.0, to_f64);
        // x counts the occasions after the first (RFM frequency counts them all).
        Self::new(summary.purchase_occasions().saturating_sub(1) as f64, mean)
    }

    /// The constructor's check, for a record read back through serde.
    #[cfg(feature = "serde")]
    fn check_read(&self) -> Result<(), ClvError> {
        Self::new(self.frequency, self.mean_spend).map(|_| ())
    }

    fn checked(frequency: f64, mean_spend: f64, position: Option<usize>) -> Result<Self, ClvError> {
        let invalid = |detail: &str| {
            Err(ClvError::InvalidHistory {
                position,
                detail: format!("{detail} (x = {frequency}, mean spend = {mean_spend})"),
            })
        };
        if !(frequency.is_finite() && frequency >= 0.0) {
            return invalid("x must be non-negative and finite");
        }
        if frequency > RepeatHistory::MAX_VALUE {
            return invalid("x must be at most 1e12 (RepeatHistory::MAX_VALUE)");
        }
        if !(mean_spend.is_finite() && mean_spend >= 0.0) {
            return invalid("mean spend must be non-negative and finite");
        }
        if frequency > 0.0 && mean_spend <= 0.0 {
            return invalid("a customer with repeat purchases needs a positive mean spend");
        }
        Ok(Self {
            frequency,
            mean_spend,
        })
    }

    /// x: repeat transactions.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::SpendHistory;
    /// assert_eq!(SpendHistory::new(3.0, 12.5)?.frequency(), 3.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn frequency(&self) -> f64 {
        self.frequency
    }

    /// z̄: mean value of the repeat transactions (0 when x = 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::SpendHistory;
    /// assert_eq!(SpendHistory::new(3.0, 12.5)?.mean_spend(), 12.5);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn mean_spend(&self) -> f64 {
        self.mean_spend
    }
}
