//! From a transaction log to one [`CustomerSummary`] per customer.
//!
//! A [`Summarizer`] walks the log once and keeps, per customer, everything the downstream modules
//! need: the RFM inputs, the "buy 'til you die" triple (x, t_x, T) in a chosen [`TimeUnit`], the mean
//! spend of repeat purchases (Gamma-Gamma's z̄), and the purchase occasions themselves (so lifecycle,
//! cohort and KPI computations never walk the log again).
//!
//! Definitions used throughout the crate:
//!
//! - A **purchase occasion** is a calendar day on which the customer bought: its lines net to a
//!   positive amount, or to exactly zero without any refund (a free item, like CDNOW's $0.00 CDs).
//!   Several purchases on one day are one occasion with their summed amount; a day that refunds
//!   bring to zero or below is not an occasion.
//! - **RFM recency** is the number of days from the last purchase occasion to the observation end.
//! - **BTYD recency** t_x is the time from the first to the last purchase occasion, and the **age** T
//!   the time from the first purchase occasion to the observation end (Fader, Hardie & Lee 2005);
//!   x, the **repeat frequency**, is the number of occasions after the first. These are measured
//!   in elapsed time ([`TimeUnit`]: days, or weeks of 7 days);
//!   [`CustomerSummary::btyd_calendar`] counts calendar weeks (Monday to Sunday), months or
//!   years instead, merging the purchases of one period, as lifetimes' `freq='W'` does, and
//!   [`CalibrationHoldout::calendar`] splits a log in them.
//! - **Refunds** (under the default [`RefundPolicy::Net`]) count on their own date. A refund on an
//!   occasion day is in that day's net amount; a day that is not an occasion is a
//!   [`RefundDay`], kept with the occasions, so that revenue per customer, per period and per
//!   cohort cell reconciles exactly with the log. For the spend model, refunds on refund days
//!   after the first occasion are netted against repeat spend
//!   ([`CustomerSummary::net_repeat_spend`]; no positive mean when nothing is left).
//! - **Money totals reconcile**: the kept customers' total spend plus
//!   [`SummaryReport::net_of_customers_without_purchase`] is the net of every counted line; the
//!   customers left out are named by [`Summarizer::summarize_with_dropped`].
//!
//! Transactions dated after the observation end are left out and counted in the
//! [`SummaryReport`] (or rejected, by option); a transaction *on* the end date counts.
//!
//! # Columns and ledgers
//!
//! A service or query engine that holds the log as columns need not build a [`Transaction`](crate::Transaction)
//! per line. [`Summarizer::summarize_columns`] reads parallel slices: customer ids, days as
//! numbers (days since 1970-01-01, Arrow's `Date32`) and amounts in minor units at one scale
//! (`i64`, or `i128` as Arrow's `Decimal128` holds them). A [`CustomerLedger`] is one customer's
//! part of that pass: lines netted per day, mergeable in any order, shipped as plain
//! [`LedgerParts`] and finished into the customer's summary. Both give exactly what
//! [`Summarizer::summarize`] gives on the same lines, under the same settings.
//!
//! ```
//! use customer_value::{RfmScorer, Summarizer, Transaction};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
//! let ids = [2u64, 1, 2, 3, 1];
//! let days = [19_723, 19_725, 19_740, 19_730, 19_725]; // 19,723 is 2024-01-01
//! let cents = [1_500i64, 2_000, 3_000, 990, -500];
//! let summaries = Summarizer::new(end).summarize_columns(&ids, &days, &cents, 2)?;
//! assert_eq!(summaries[0].total_spend(), Decimal::new(1_500, 2)); // customer 1: 20.00 − 5.00
//! let scores = RfmScorer::new().bins(3).score(&summaries)?;
//! assert_eq!(scores.len(), 3);
//!
//! let date = |day: i32| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(day.into());
//! let log: Vec<_> = (0..5).map(|i| Transaction::new(ids[i], date(days[i]), Decimal::new(cents[i], 2))).collect();
//! assert_eq!(summaries, Summarizer::new(end).summarize(&log)?);
//! # Ok::<(), customer_value::Error>(())
//! ```
//!
//! # Finite results
//!
//! - **Amounts**: a line beyond ±[`MAX_AMOUNT`] (10¹⁸) is refused with
//!   [`SummaryError::AmountOutOfRange`] naming its position, so every sum the crate forms (per
//!   customer, period, cohort, segment) stays below `Decimal::MAX` ≈ 7.9 × 10²⁸ for any log of
//!   fewer than 7.9 × 10¹⁰ lines: decimal arithmetic cannot overflow on a log that fits in memory.
//! - **Dates**: any dates of chrono's calendar work, `NaiveDate::MIN` (−262143-01-01) to
//!   `NaiveDate::MAX` (+262142-12-31); day counts are at most 1.9 × 10⁸. A day number of the
//!   columns or a ledger outside that range is refused with [`SummaryError::DayOutOfRange`].
//! - **Minor units** (columns, ledgers): a line beyond ±[`MAX_AMOUNT`] is refused as above; at
//!   scales above 10 a line within it may still need more than a decimal's 28 digits (10¹⁷ at
//!   scale 12), and is refused with [`SummaryError::MinorUnitsOutOfRange`]. Sums are exact
//!   `i128`s; a sum needing more than 28 digits (two such lines on one day) is rounded half to
//!   even to fewer decimals, as decimal addition rounds it. A ledger's own sums are checked:
//!   [`LedgerParts`] that could overflow them are refused with [`SummaryError::InvalidLedger`].
//! - **BTYD inputs** ([`BtydInputs`]) are finite: counts and day spans below 2⁵³ in magnitude, and
//!   the mean spend a decimal converted to `f64` (every decimal is within its range).
//!
//! # Examples
//!
//! ```
//! use customer_value::{Summarizer, Transaction, TimeUnit};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
//! let log = vec![
//!     Transaction::new(1u32, day(1), Decimal::new(2000, 2)),
//!     Transaction::new(1, day(1), Decimal::new(500, 2)),   // same day: one occasion of 25.00
//!     Transaction::new(1, day(15), Decimal::new(1000, 2)),
//!     Transaction::new(2, day(20), Decimal::new(4000, 2)),
//!     Transaction::new(2, day(30), Decimal::new(100, 2)),  // after the end: left out, reported
//! ];
//! let (summaries, report) = Summarizer::new(day(29)).summarize_with_report(&log)?;
//! assert_eq!(summaries.len(), 2);
//! assert_eq!(summaries[0].purchase_occasions(), 2);
//! assert_eq!(summaries[0].total_spend(), Decimal::new(3500, 2));
//! assert_eq!(summaries[0].recency_days(), 14);
//! let btyd = summaries[0].btyd(TimeUnit::Days);
//! assert_eq!((btyd.frequency, btyd.recency, btyd.age), (1.0, 14.0, 28.0));
//! assert_eq!(report.late_transactions, 1);
//! # Ok::<(), customer_value::summary::SummaryError>(())
//! ```

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use thiserror::Error;

mod accumulator;
mod btyd;
mod calendar;
mod columns;
mod customer;
mod holdout;
mod hourly;
mod ledger;
mod ledger_parts;
mod minor_units;
mod occasions;
mod partition;
mod policies;
mod regularity;
mod rf_matrix;
mod summarizer;

pub use accumulator::SummaryAccumulator;
pub use btyd::{BtydInputs, TimeUnit};
pub use calendar::CalendarPeriod;
pub use customer::{CustomerSummary, MonetaryBasis, PurchaseOccasion, RefundDay};
pub use holdout::{CalendarHoldout, CalibrationHoldout};
pub use hourly::{btyd_hourly, HourlyReport, TimedPurchase};
pub use ledger::{CustomerLedger, FinishedLedger, LedgerOutcome};
pub use ledger_parts::LedgerParts;
pub use minor_units::MinorUnits;
pub use policies::{
    DropReason, DroppedCustomer, LateTransactions, RefundPolicy, SummaryReport,
    EXCESS_SCALE_POSITIONS, MAX_AMOUNT,
};
pub use regularity::{estimate_regularity, Regularity, RegularityMethod};
pub use rf_matrix::{rf_matrix, rf_matrix_holdout, RfCell, RfMatrices};
pub use summarizer::{Summarizer, DEFAULT_MONEY_SCALE, MAX_MONEY_SCALE};

/// What [`Summarizer::summarize_with_dropped`] gives: the summaries (sorted by customer id), the
/// report of what was left out or netted, and the customers left out, named with why.
pub type Summarized<C> = (
    Vec<CustomerSummary<C>>,
    SummaryReport,
    Vec<DroppedCustomer<C>>,
);

/// The positions of `summaries` in customer-id order (ties by position), or the first customer
/// that repeats as `(position, first_position)`. Used by the modules that take summaries from a
/// caller (segment, lifecycle) and must refuse a customer given twice.
pub(crate) fn order_by_customer<C: Ord>(
    summaries: &[CustomerSummary<C>],
) -> Result<Vec<usize>, (usize, usize)> {
    let mut order: Vec<usize> = (0..summaries.len()).collect();
    order.sort_by(|&a, &b| {
        summaries[a]
            .customer()
            .cmp(summaries[b].customer())
            .then(a.cmp(&b))
    });
    match order
        .windows(2)
        .find(|pair| summaries[pair[0]].customer() == summaries[pair[1]].customer())
    {
        Some(pair) => Err((pair[1], pair[0])),
        None => Ok(order),
    }
}

/// Errors from summarizing a transaction log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SummaryError {
    /// The log (or every chunk fed to an accumulator) was empty.
    #[error("no transactions were given")]
    EmptyInput,
    /// Every transaction is dated after the observation end.
    #[error("the observation end {observation_end} is before every transaction (the earliest is {earliest})")]
    ObservationEndBeforeData {
        /// The observation end that was asked for.
        observation_end: NaiveDate,
        /// The earliest transaction date in the log.
        earliest: NaiveDate,
    },
    /// No customer has a purchase occasion on or before the last day counted: every line is
    /// dated after it, or the refunds bring every day up to it to zero or less. The message says
    /// which, with the counts.
    #[error("{}", policies::no_purchase_message(*end, *lines_through_end, *refunds_through_end, *lines_after_end))]
    NoPurchaseOccasions {
        /// The last day counted: the observation end, or the calibration end of a
        /// [calibration/holdout split](Summarizer::calibration_holdout).
        end: NaiveDate,
        /// Lines dated on or before `end` (refunds included, also ignored ones).
        lines_through_end: u64,
        /// Refund lines among them.
        refunds_through_end: u64,
        /// Lines dated after `end`: late lines, or those of the holdout period.
        lines_after_end: u64,
    },
    /// A transaction is dated after the observation end and [`LateTransactions::Reject`] was asked for.
    #[error("transaction {position} is dated {date}, after the observation end {observation_end}")]
    LateTransaction {
        /// Position of the line in the slice (or among the lines fed to the accumulator).
        position: usize,
        /// Its date.
        date: NaiveDate,
        /// The observation end.
        observation_end: NaiveDate,
    },
    /// A transaction has a negative amount and [`RefundPolicy::Reject`] was asked for.
    #[error("transaction {position} is a refund of {amount}, and refunds are rejected")]
    Refund {
        /// Position of the line in the slice (or among the lines fed to the accumulator).
        position: usize,
        /// Its (negative) amount.
        amount: Decimal,
    },
    /// An amount's magnitude exceeds [`MAX_AMOUNT`]: sums of such amounts could overflow the
    /// decimal type downstream.
    #[error("transaction {position} has amount {amount}, beyond the supported ±10^18")]
    AmountOutOfRange {
        /// Position of the line in the slice (or among the lines fed to the accumulator).
        position: usize,
        /// Its amount.
        amount: Decimal,
    },
    /// An amount in minor units that no decimal holds: more than 28 digits (beyond
    /// ±[`MAX_AMOUNT`] too at scales up to 10; above, a line may be within ±10^18 and still
    /// need more digits, e.g. 10^17 at scale 12).
    #[error("transaction {position} has {minor_units} minor units at scale {scale}, more than the 28 digits a decimal holds")]
    MinorUnitsOutOfRange {
        /// Position of the line among the columns (or among the lines fed to a ledger).
        position: usize,
        /// Its amount in minor units.
        minor_units: i128,
        /// The scale of the amounts.
        scale: u32,
    },
    /// A day number (days since 1970-01-01) outside chrono's calendar, −262143-01-01 to
    /// +262142-12-31.
    #[error("transaction {position} is dated day {day} after 1970-01-01, outside the calendar (years −262143 to 262142)")]
    DayOutOfRange {
        /// Position of the line among the columns (or among the lines fed to a ledger).
        position: usize,
        /// Its day number.
        day: i32,
    },
    /// Columns given together have different lengths.
    #[error("the column `{argument}` has {length} values, and `customers` {expected}")]
    LengthMismatch {
        /// The column whose length differs from the customers'.
        argument: &'static str,
        /// Its length.
        length: usize,
        /// The customers' length.
        expected: usize,
    },
    /// Ledger parts that no [`CustomerLedger`] could have produced, or a ledger whose sums
    /// exceed 128 bits (only such parts can make them).
    #[error("invalid ledger: {problem}")]
    InvalidLedger {
        /// What is wrong, naming the part.
        problem: String,
    },
    /// The money scale is beyond what a decimal holds.
    #[error("money scale {scale} is beyond the 28 decimals a decimal holds: choose 0 to 28")]
    InvalidMoneyScale {
        /// The scale that was asked for.
        scale: u32,
    },
    /// A money value is NaN or infinite.
    #[error("the amount {value} is not a finite number")]
    AmountNotFinite {
        /// The value, as text.
        value: String,
    },
    /// A money text is not a decimal number.
    #[error("the amount {text:?} is not a decimal number")]
    AmountNotANumber {
        /// The text.
        text: String,
    },
    /// A money value's magnitude exceeds [`MAX_AMOUNT`].
    #[error("the amount {text} is beyond the supported ±10^18")]
    AmountBeyondRange {
        /// The value, as text.
        text: String,
    },
    /// Two accumulators (or ledgers) built with different settings cannot be merged; ledgers
    /// must also hold amounts at the same scale.
    #[error("cannot merge accumulators built with different summarizer settings (or ledgers at different scales)")]
    IncompatibleAccumulators,
    /// The calibration end of a calibration/holdout split is not before the observation end.
    #[error("the calibration end {calibration_end} must be before the observation end {observation_end}")]
    CalibrationEndNotBeforeObservationEnd {
        /// The calibration end that was asked for.
        calibration_end: NaiveDate,
        /// The observation (holdout) end.
        observation_end: NaiveDate,
    },
    /// A calendar-period code that is not one of the periods of
    /// [`CalendarPeriod`]: hours (transactions carry dates only: timed logs go through
    /// [`btyd_hourly`]) or an unknown code.
    #[error("the period {code:?} is not supported: {reason}")]
    UnsupportedPeriod {
        /// The code as given.
        code: String,
        /// Why, and what to use instead.
        reason: &'static str,
    },
    /// [`btyd_hourly`]: every purchase is after the observation end.
    #[error("the observation end {observation_end} is before every purchase (the earliest is purchase {position}, at {earliest})")]
    ObservationEndBeforePurchases {
        /// The observation end that was asked for.
        observation_end: NaiveDateTime,
        /// The earliest purchase's date and time.
        earliest: NaiveDateTime,
        /// Its position in the slice (the first, among equals).
        position: usize,
    },
    /// [`btyd_hourly`]: no customer has a purchase occasion hour up to the observation end;
    /// refunds bring every customer-hour to zero or less.
    #[error("no customer has a purchase occasion hour at or before {observation_end}: refunds ({refunds_through_end} of the {lines_through_end} lines by then) bring every customer-hour to zero or less")]
    NoPurchaseHours {
        /// The observation end.
        observation_end: NaiveDateTime,
        /// Lines at or before it (refunds included).
        lines_through_end: u64,
        /// Refund lines among them.
        refunds_through_end: u64,
    },
    /// A computation needs the purchase occasions of a summary, which were not kept
    /// ([`Summarizer::keep_occasions`]).
    #[error(
        "summary {position} has no occasions kept: build the summaries with keep_occasions(true)"
    )]
    OccasionsNotKept {
        /// The summary's position in the slice given.
        position: usize,
    },
    /// [`estimate_regularity`] was asked to count customers with fewer than two intervals.
    #[error("min_intervals = {min_intervals}: at least 2 intervals per customer are needed")]
    InvalidMinIntervals {
        /// The minimum given.
        min_intervals: usize,
    },
    /// [`estimate_regularity`] has no estimate: too few customers with enough intervals, or no
    /// variation to estimate from.
    #[error("regularity cannot be estimated from {customers} customers: {reason}")]
    RegularityUndefined {
        /// The customers with enough intervals.
        customers: usize,
        /// Why.
        reason: &'static str,
    },
}
