//! The BTYD view in clock hours, for logs whose purchases carry a time of day (issue 17).
//!
//! A [`Transaction`](crate::Transaction) carries a calendar day only, so the
//! [`Summarizer`](super::Summarizer) and [`CalendarPeriod`](super::CalendarPeriod) cannot count
//! hours. [`btyd_hourly`] takes [`TimedPurchase`]s instead; its documentation states the rules.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDateTime, Timelike};
use rust_decimal::Decimal;

use super::policies::{is_refund, MAX_AMOUNT};
use super::{BtydInputs, SummaryError};

/// One purchase (positive amount) or refund (negative amount) by one customer at one local date
/// and time, for [`btyd_hourly`].
///
/// # Examples
///
/// ```
/// use customer_value::summary::TimedPurchase;
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let at = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_opt(9, 45, 0).unwrap();
/// let p = TimedPurchase::new("c-17", at, Decimal::new(1999, 2));
/// assert_eq!(p.amount.to_string(), "19.99");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimedPurchase<C> {
    /// The customer's id.
    pub customer: C,
    /// The local date and time of the purchase.
    pub at: NaiveDateTime,
    /// The amount: positive for a purchase, negative for a refund.
    pub amount: Decimal,
}

impl<C> TimedPurchase<C> {
    /// A purchase of `amount` by `customer` at `at`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::TimedPurchase;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let at = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_opt(23, 59, 59).unwrap();
    /// assert!(TimedPurchase::new(7u64, at, Decimal::new(-500, 2)).amount.is_sign_negative());
    /// ```
    pub fn new(customer: C, at: NaiveDateTime, amount: Decimal) -> Self {
        Self {
            customer,
            at,
            amount,
        }
    }
}

/// What [`btyd_hourly`] left out, so nothing is dropped silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HourlyReport {
    /// Lines read.
    pub lines_read: u64,
    /// Lines after the observation end, left out (a customer with only such lines has no row).
    pub late_purchases: u64,
    /// Refund lines (negative amounts) at or before the observation end, netted.
    pub netted_refunds: u64,
    /// Customers with lines at or before the observation end but no occasion hour (refunds bring
    /// every hour to zero or less): no row.
    pub customers_without_purchase: u64,
}

/// The number of the clock hour holding `at`, from an arbitrary origin: differences are whole
/// hours. Within ±2.3 × 10⁹ for every date-time of chrono's calendar.
fn hour_index(at: NaiveDateTime) -> i64 {
    i64::from(at.date().num_days_from_ce()) * 24 + i64::from(at.hour())
}

/// One customer's hours: net amount and whether a refund line fell in it.
type Hours = BTreeMap<i64, (Decimal, bool)>;

/// The BTYD inputs (x, t_x, T, z̄) of each customer in whole clock hours, sorted by customer,
/// with the [`HourlyReport`] of what was left out. The result does not depend on the order of
/// `purchases`.
///
/// The rules are those of
/// [`CustomerSummary::btyd_calendar`](super::CustomerSummary::btyd_calendar) with a clock hour in
/// place of a period, and of the [`Summarizer`](super::Summarizer) with an hour in place of a day:
///
/// - The lines of one customer within one clock hour, [hh:00, hh+1:00), merge: the hour is a
///   **purchase occasion** when they net to a positive amount, or to exactly zero without a
///   refund (a free item). An hour that refunds bring to zero or below is a refund hour.
/// - x = occasion hours after the first; t_x = last − first occasion hour; T = the hour of
///   `observation_end` − the first occasion hour; whole hours.
/// - z̄ = net repeat spend / x, the net repeat spend being the amounts of the later occasion
///   hours plus the refund hours after the first occasion hour (a refund hour before it counts
///   nowhere here, as a refund day before the first occasion reduces total spend only); 0 when
///   x = 0 or that spend is not positive.
/// - Lines after `observation_end` (strictly later instants) are left out and counted in
///   [`HourlyReport::late_purchases`]; a line at the end counts. Refunds are netted (the
///   default [`RefundPolicy::Net`](super::RefundPolicy::Net)); there are no policy options.
///   Customers left without an occasion hour are counted in
///   [`HourlyReport::customers_without_purchase`].
///
/// On a log without refunds and without lines after `observation_end` in its hour, this is
/// lifetimes' `summary_data_from_transaction_data(..., freq='h')`. lifetimes counts a refund
/// hour as a purchase period, and truncates at the start of the end's hour (a line at 10:30
/// counts with an end at 10:15).
///
/// # Errors
///
/// - [`SummaryError::EmptyInput`] when `purchases` is empty;
/// - [`SummaryError::AmountOutOfRange`] naming the first line (by position) whose amount is
///   beyond ±[`MAX_AMOUNT`];
/// - [`SummaryError::ObservationEndBeforePurchases`] when every line is after
///   `observation_end`, naming the earliest;
/// - [`SummaryError::NoPurchaseHours`] when refunds bring every customer-hour up to
///   `observation_end` to zero or less.
///
/// # Examples
///
/// ```
/// use customer_value::summary::{btyd_hourly, SummaryError, TimedPurchase};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let at = |h, m| NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_opt(h, m, 0).unwrap();
/// let log = [
///     TimedPurchase::new(1u32, at(9, 5), Decimal::from(10)),
///     TimedPurchase::new(1, at(9, 55), Decimal::from(5)),  // the same clock hour: one occasion
///     TimedPurchase::new(1, at(10, 0), Decimal::from(20)), // the next hour
///     TimedPurchase::new(1, at(13, 30), Decimal::from(40)),
///     TimedPurchase::new(2, at(12, 0), Decimal::from(8)),
///     TimedPurchase::new(2, at(18, 0), Decimal::from(8)),  // after the end: left out, counted
/// ];
/// let (rows, report) = btyd_hourly(&log, at(15, 20))?;
/// let b = rows[0].1;
/// assert_eq!((b.frequency, b.recency, b.age, b.mean_repeat_spend), (2.0, 4.0, 6.0, 30.0));
/// assert_eq!((rows[1].0, rows[1].1.age), (2, 3.0));
/// assert_eq!(report.late_purchases, 1);
///
/// let late = [TimedPurchase::new(1u32, at(16, 0), Decimal::ONE)];
/// assert!(matches!(
///     btyd_hourly(&late, at(15, 0)),
///     Err(SummaryError::ObservationEndBeforePurchases { position: 0, .. })
/// ));
/// assert_eq!(btyd_hourly::<u32>(&[], at(15, 0)), Err(SummaryError::EmptyInput));
/// # Ok::<(), SummaryError>(())
/// ```
pub fn btyd_hourly<C: Ord + Clone>(
    purchases: &[TimedPurchase<C>], observation_end: NaiveDateTime,
) -> Result<(Vec<(C, BtydInputs)>, HourlyReport), SummaryError> {
    if purchases.is_empty() {
        return Err(SummaryError::EmptyInput);
    }
    let mut report = HourlyReport {
        lines_read: purchases.len() as u64,
        ..HourlyReport::default()
    };
    let mut customers: BTreeMap<&C, Hours> = BTreeMap::new();
    let mut earliest_late: Option<(NaiveDateTime, usize)> = None;
    for (position, p) in purchases.iter().enumerate() {
        if p.amount.abs() > MAX_AMOUNT {
            return Err(SummaryError::AmountOutOfRange {
                position,
                amount: p.amount,
            });
        }
        if p.at > observation_end {
            report.late_purchases += 1;
            if earliest_late.is_none_or(|(at, _)| p.at < at) {
                earliest_late = Some((p.at, position));
            }
            continue;
        }
        let refund = is_refund(p.amount);
        report.netted_refunds += u64::from(refund);
        let hour = customers
            .entry(&p.customer)
            .or_default()
            .entry(hour_index(p.at))
            .or_insert((Decimal::ZERO, false));
        hour.0 += p.amount;
        hour.1 |= refund;
    }
    // No customer with a line through the end, from a non-empty input: every line was late.
    if let (true, Some((earliest, position))) = (customers.is_empty(), earliest_late) {
        return Err(SummaryError::ObservationEndBeforePurchases {
            observation_end,
            earliest,
            position,
        });
    }
    let end = hour_index(observation_end);
    let mut rows = Vec::with_capacity(customers.len());
    for (customer, hours) in customers {
        match inputs(&hours, end) {
            Some(b) => rows.push((customer.clone(), b)),
            None => report.customers_without_purchase += 1,
        }
    }
    if rows.is_empty() {
        return Err(SummaryError::NoPurchaseHours {
            observation_end,
            lines_through_end: report.lines_read - report.late_purchases,
            refunds_through_end: report.netted_refunds,
        });
    }
    Ok((rows, report))
}

/// One customer's inputs from its hours (ascending), or `None` without an occasion hour.
fn inputs(hours: &Hours, end: i64) -> Option<BtydInputs> {
    let is_occasion =
        |&(net, refund): &(Decimal, bool)| net > Decimal::ZERO || (net.is_zero() && !refund);
    let first = *hours.iter().find(|(_, h)| is_occasion(h))?.0;
    let (mut repeats, mut last, mut net_repeat) = (0u64, first, Decimal::ZERO);
    for (&hour, h) in hours.range(first + 1..) {
        // Every later hour counts in the net repeat spend: an occasion's amount, or a refund
        // hour's (zero or negative) net.
        net_repeat += h.0;
        if is_occasion(h) {
            repeats += 1;
            last = hour;
        }
    }
    Some(BtydInputs::from_periods(
        repeats, net_repeat, first, last, end,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 1, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn p(c: u8, at: NaiveDateTime, amount: i64) -> TimedPurchase<u8> {
        TimedPurchase::new(c, at, Decimal::from(amount))
    }

    #[test]
    fn hours_cross_midnight_and_calendar_edges() {
        let before = NaiveDate::from_ymd_opt(0, 12, 31)
            .unwrap()
            .and_hms_opt(23, 59, 59)
            .unwrap();
        let after = NaiveDate::from_ymd_opt(1, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(hour_index(before) + 1, hour_index(after));
        assert_eq!(hour_index(at(2, 0, 0)) - hour_index(at(1, 23, 59)), 1);
        let (min, max) = (NaiveDateTime::MIN, NaiveDateTime::MAX);
        let log = [p(1, min, 1), p(1, max, 2)];
        let (rows, _) = btyd_hourly(&log, max).unwrap();
        assert_eq!(
            rows[0].1.recency,
            (hour_index(max) - hour_index(min)) as f64
        );
    }

    #[test]
    fn refunds_follow_the_daily_rule() {
        let log = [
            p(1, at(1, 8, 0), -5),  // a refund hour before the first occasion: not netted
            p(1, at(1, 9, 0), 30),  // first occasion
            p(1, at(1, 10, 0), 12), // repeat
            p(1, at(1, 10, 30), 8), // same hour
            p(1, at(1, 11, 0), -5), // refund hour after the first: netted
            p(1, at(1, 12, 0), 4),
            p(1, at(1, 12, 10), -4), // nets to zero with a refund: not an occasion
            p(1, at(1, 13, 0), 0),   // a free item: an occasion
        ];
        let (rows, report) = btyd_hourly(&log, at(1, 20, 0)).unwrap();
        let b = rows[0].1;
        assert_eq!((b.frequency, b.recency, b.age), (2.0, 4.0, 11.0));
        assert_eq!(b.mean_repeat_spend, 7.5); // (20 − 5 + 0 + 0) / 2
        assert_eq!(
            (report.netted_refunds, report.customers_without_purchase),
            (3, 0)
        );
    }

    #[test]
    fn errors_name_the_line() {
        let over = MAX_AMOUNT + Decimal::ONE;
        let log = [
            p(1, at(1, 9, 0), 1),
            TimedPurchase::new(2, at(1, 9, 0), over),
        ];
        assert_eq!(
            btyd_hourly(&log, at(2, 0, 0)),
            Err(SummaryError::AmountOutOfRange {
                position: 1,
                amount: over
            })
        );
        let late = [p(1, at(3, 9, 0), 1), p(2, at(2, 9, 0), 1)];
        assert_eq!(
            btyd_hourly(&late, at(1, 9, 0)),
            Err(SummaryError::ObservationEndBeforePurchases {
                observation_end: at(1, 9, 0),
                earliest: at(2, 9, 0),
                position: 1
            })
        );
        let refunded = [
            p(1, at(1, 9, 0), 5),
            p(1, at(1, 9, 30), -5),
            p(2, at(1, 9, 0), -1),
            p(3, at(5, 0, 0), 1),
        ];
        let err = btyd_hourly(&refunded, at(2, 0, 0)).unwrap_err();
        assert_eq!(
            err,
            SummaryError::NoPurchaseHours {
                observation_end: at(2, 0, 0),
                lines_through_end: 3,
                refunds_through_end: 2
            }
        );
        assert!(err.to_string().contains("2 of the 3 lines"), "{err}");
    }

    #[test]
    fn customers_without_an_occasion_are_counted() {
        let log = [
            p(1, at(1, 9, 0), 5),
            p(2, at(1, 9, 0), -1),
            p(3, at(5, 0, 0), 1),
        ];
        let (rows, report) = btyd_hourly(&log, at(2, 0, 0)).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            report,
            HourlyReport {
                lines_read: 3,
                late_purchases: 1,
                netted_refunds: 1,
                customers_without_purchase: 1
            }
        );
    }
}
