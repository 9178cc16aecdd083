//! One line of a transaction log.
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

use chrono::NaiveDate;
use rust_decimal::Decimal;

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
}
