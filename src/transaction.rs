//! One line of a transaction log, and the conversions that get real inputs into one: a date from a
//! [`NaiveDateTime`] or a zoned [`DateTime`], money from an `f64` or from text.
//!
//! **Rounding rule for money.** [`money_from_f64`] and [`parse_money`] round half-even (banker's
//! rounding: a tie goes to the even last digit, so ties do not bias sums) to the scale asked for,
//! usually [`DEFAULT_MONEY_SCALE`] (2 decimals). An `f64` is read as its shortest decimal text,
//! the digits it was written from (`0.1 + 0.2` is `0.30000000000000004`, which rounds to `0.30`),
//! not as its exact binary value. NaN, ±∞, unreadable text, magnitudes beyond
//! [`MAX_AMOUNT`] and scales beyond [`MAX_MONEY_SCALE`] are typed errors, never a silent value.
//!
//! # Finite results
//!
//! Every amount these functions return is within ±[`MAX_AMOUNT`] at a scale of at most
//! [`MAX_MONEY_SCALE`]; any `f64` (subnormal, ±f64::MAX, NaN, ±∞) and any text (10,000 digits,
//! an exponent of 2³²) gives that or a typed error.
//!
//! # Examples
//!
//! ```
//! use customer_value::Transaction;
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let t = Transaction::new("c-17", NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(), Decimal::new(1999, 2));
//! assert_eq!(t.amount.to_string(), "19.99");
//! ```

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use rust_decimal::{Decimal, RoundingStrategy};

#[cfg(doc)]
use crate::summary::DEFAULT_MONEY_SCALE;
use crate::summary::{SummaryError, MAX_AMOUNT, MAX_MONEY_SCALE};

/// One purchase (positive amount) or refund (negative amount) by one customer on one day.
///
/// `C` is the caller's customer id: any `Clone + Eq + Hash + Ord` type (a number, a string, a UUID).
/// Amounts are exact [`Decimal`]s: totals are sums of decimals, never of floats.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Transaction<C> {
    /// The customer's id.
    pub customer: C,
    /// The calendar day of the transaction.
    pub date: NaiveDate,
    /// The amount: positive for a purchase, negative for a refund.
    pub amount: Decimal,
}

impl<C> Transaction<C> {
    /// A transaction of `amount` by `customer` on `date`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Transaction;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let refund = Transaction::new(7u64, NaiveDate::from_ymd_opt(2024, 3, 2).unwrap(), Decimal::new(-500, 2));
    /// assert!(refund.amount.is_sign_negative());
    /// ```
    pub fn new(customer: C, date: NaiveDate, amount: Decimal) -> Self {
        Self {
            customer,
            date,
            amount,
        }
    }

    /// A transaction at a local date and time: the day is the date part (the time is dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Transaction;
    /// use customer_value::chrono::NaiveDateTime;
    /// use customer_value::rust_decimal::Decimal;
    ///
    /// let at = NaiveDateTime::parse_from_str("2011-12-09 12:50:00", "%Y-%m-%d %H:%M:%S").unwrap();
    /// let t = Transaction::from_datetime(12680u32, at, Decimal::new(1650, 2));
    /// assert_eq!(t.date.to_string(), "2011-12-09");
    /// ```
    pub fn from_datetime(customer: C, at: NaiveDateTime, amount: Decimal) -> Self {
        Self::new(customer, at.date(), amount)
    }

    /// A transaction at a zoned instant: the day is the calendar date in the instant's own time
    /// zone. To count days in another zone (the shop's, say), convert the instant first with
    /// [`DateTime::with_timezone`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Transaction;
    /// use customer_value::chrono::{DateTime, FixedOffset};
    /// use customer_value::rust_decimal::Decimal;
    ///
    /// let utc: DateTime<FixedOffset> = "2024-03-01T23:30:00+00:00".parse().unwrap();
    /// assert_eq!(Transaction::from_zoned(1u8, &utc, Decimal::ONE).date.to_string(), "2024-03-01");
    /// // The same instant in Tokyo (UTC+9) is already March 2nd.
    /// let tokyo = utc.with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap());
    /// assert_eq!(Transaction::from_zoned(1u8, &tokyo, Decimal::ONE).date.to_string(), "2024-03-02");
    /// ```
    pub fn from_zoned<Tz: TimeZone>(customer: C, at: &DateTime<Tz>, amount: Decimal) -> Self {
        Self::new(customer, at.date_naive(), amount)
    }
}

/// Money from an `f64`, rounded half-even to `scale` decimals (see the [module](self) for the
/// rule): the float is read as its shortest decimal text, then rounded.
///
/// # Errors
///
/// - [`SummaryError::InvalidMoneyScale`] when `scale` exceeds [`MAX_MONEY_SCALE`];
/// - [`SummaryError::AmountNotFinite`] for NaN and ±∞;
/// - [`SummaryError::AmountBeyondRange`] when |value| exceeds [`MAX_AMOUNT`].
///
/// # Examples
///
/// ```
/// use customer_value::transaction::money_from_f64;
/// use customer_value::rust_decimal::Decimal;
///
/// assert_eq!(money_from_f64(6650.04, 2)?, Decimal::new(665004, 2));
/// assert_eq!(money_from_f64(0.1 + 0.2, 2)?, Decimal::new(30, 2));
/// assert_eq!(money_from_f64(2.675, 2)?, Decimal::new(268, 2)); // its text is 2.675: a tie, to even
/// assert_eq!(money_from_f64(2.665, 2)?, Decimal::new(266, 2));
/// assert!(money_from_f64(f64::NAN, 2).is_err());
/// assert!(money_from_f64(1e19, 2).is_err());
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
pub fn money_from_f64(value: f64, scale: u32) -> Result<Decimal, SummaryError> {
    check_scale(scale)?;
    if !value.is_finite() {
        return Err(SummaryError::AmountNotFinite {
            value: value.to_string(),
        });
    }
    // 1e18 is exact in f64; the magnitude check comes before the text, which has no exponent.
    if value.abs() > 1e18 {
        return Err(SummaryError::AmountBeyondRange {
            text: value.to_string(),
        });
    }
    if value.abs() < 1e-28 {
        return Ok(Decimal::ZERO.round_dp(scale));
    }
    parse_money(&value.to_string(), scale)
}

/// Money from text (`"19.99"`, `"-5"`, `" 6650.0400000000000004440892 "`, `"1.5e3"`), rounded
/// half-even to `scale` decimals (see the [module](self) for the rule). Surrounding whitespace is
/// ignored; thousands separators and currency signs are not accepted.
///
/// # Errors
///
/// - [`SummaryError::InvalidMoneyScale`] when `scale` exceeds [`MAX_MONEY_SCALE`];
/// - [`SummaryError::AmountNotANumber`] when the text is not a decimal number;
/// - [`SummaryError::AmountBeyondRange`] when its magnitude exceeds [`MAX_AMOUNT`].
///
/// # Examples
///
/// ```
/// use customer_value::transaction::parse_money;
/// use customer_value::rust_decimal::Decimal;
///
/// assert_eq!(parse_money("6650.0400000000000004440892", 2)?, Decimal::new(665004, 2));
/// assert_eq!(parse_money("0.125", 2)?, Decimal::new(12, 2)); // a tie: to the even digit
/// assert_eq!(parse_money("1.5e3", 2)?, Decimal::new(150000, 2));
/// assert!(parse_money("£3", 2).is_err());
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
pub fn parse_money(text: &str, scale: u32) -> Result<Decimal, SummaryError> {
    check_scale(scale)?;
    let trimmed = text.trim();
    let parsed = if trimmed.contains(['e', 'E']) {
        Decimal::from_scientific(trimmed)
    } else {
        Decimal::from_str(trimmed)
    };
    let value = parsed.map_err(|_| SummaryError::AmountNotANumber {
        text: text.to_string(),
    })?;
    if value.abs() > MAX_AMOUNT {
        return Err(SummaryError::AmountBeyondRange {
            text: text.to_string(),
        });
    }
    let mut rounded = value.round_dp_with_strategy(scale, RoundingStrategy::MidpointNearestEven);
    // Always the stated scale, so the summarizer's fast same-scale path applies.
    rounded.rescale(scale);
    Ok(rounded)
}

fn check_scale(scale: u32) -> Result<(), SummaryError> {
    if scale > MAX_MONEY_SCALE {
        return Err(SummaryError::InvalidMoneyScale { scale });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_edges() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(money_from_f64(-2.675, 2).unwrap(), d("-2.68"));
        assert_eq!(money_from_f64(1.234567e-27, 2).unwrap(), d("0.00"));
        assert_eq!(money_from_f64(3.0e-5, 4).unwrap(), d("0.0000"));
        assert_eq!(
            money_from_f64(1e18, 2).unwrap(),
            d("1000000000000000000.00")
        );
        assert_eq!(money_from_f64(12.5, 0).unwrap(), d("12"));
        assert_eq!(money_from_f64(13.5, 0).unwrap(), d("14"));
        assert!(money_from_f64(f64::INFINITY, 2).is_err());
        assert!(money_from_f64(-1.0e18 * 1.5, 2).is_err());
        assert!(money_from_f64(1.0, 29).is_err());
        assert_eq!(parse_money(" 7 ", 2).unwrap().to_string(), "7.00");
        assert!(parse_money("", 2).is_err());
        assert!(parse_money("1,000", 2).is_err());
        assert!(parse_money("2e30", 2).is_err());
        assert_eq!(
            parse_money("0.12345678901234567890123456789", 28).unwrap(),
            d("0.1234567890123456789012345679")
        );
    }
}
