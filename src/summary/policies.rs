//! What happens to a line that is late, a refund or out of range, and the [`SummaryReport`] that
//! counts what was left out or netted.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::occasions::Built;
use super::{CustomerSummary, Summarizer, SummaryError};
use crate::transaction::Transaction;

/// What to do with a transaction dated after the observation end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LateTransactions {
    /// Leave it out and count it in [`SummaryReport::late_transactions`] (the default).
    #[default]
    Exclude,
    /// Fail with [`SummaryError::LateTransaction`].
    Reject,
}

/// What to do with a refund (a transaction with a negative amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum RefundPolicy {
    /// Net it against the customer's spend (the default): it reduces its day's amount and the
    /// total spend, which is the plain net sum and may be negative. A day netting to zero or less is
    /// not a purchase occasion.
    #[default]
    Net,
    /// Fail with [`SummaryError::Refund`] naming the transaction.
    Reject,
    /// Leave the line out and count it in [`SummaryReport::ignored_refunds`].
    Ignore,
}

/// Why a customer has no summary row.
///
/// # Examples
///
/// ```
/// use customer_value::summary::DropReason;
/// assert_eq!(DropReason::NoPurchaseOccasion.to_string(), "no day is a purchase occasion (refunds bring every day to zero or less)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum DropReason {
    /// No day of the customer is a purchase occasion: refunds bring every day to zero or less
    /// (e.g. bought and cancelled on the same day).
    NoPurchaseOccasion,
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DropReason::NoPurchaseOccasion => f.write_str(
                "no day is a purchase occasion (refunds bring every day to zero or less)",
            ),
        }
    }
}

/// A customer whose counted lines gave no summary row, named with why, so that what is left out
/// can be checked: the kept customers' total spend plus the dropped customers' `net_amount` is
/// the net of every counted line.
///
/// # Examples
///
/// ```
/// use customer_value::{Summarizer, Transaction};
/// use customer_value::summary::DropReason;
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log = [Transaction::new(1, d(3), Decimal::ONE),
///            Transaction::new(2, d(4), Decimal::from(9)), Transaction::new(2, d(4), Decimal::from(-9)),
///            Transaction::new(2, d(6), Decimal::from(-3))];
/// let (_, _, dropped) = Summarizer::new(d(10)).summarize_with_dropped(&log)?;
/// assert_eq!((dropped[0].customer, dropped[0].lines, dropped[0].net_amount), (2, 3, Decimal::from(-3)));
/// assert_eq!(dropped[0].reason, DropReason::NoPurchaseOccasion);
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DroppedCustomer<C> {
    /// The customer's id.
    pub customer: C,
    /// Number of counted lines (late and ignored lines excluded).
    pub lines: u64,
    /// Net amount of those lines (zero or negative).
    pub net_amount: Decimal,
    /// Why there is no row.
    pub reason: DropReason,
}

/// How many of the first amounts with more decimals than the money scale a [`SummaryReport`]
/// lists by position.
pub const EXCESS_SCALE_POSITIONS: usize = 5;

/// What [`Summarizer::summarize_with_report`] left out or netted, so nothing is dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SummaryReport {
    /// Lines read.
    pub lines_read: u64,
    /// Lines counted in some summary.
    pub lines_used: u64,
    /// Lines dated after the observation end, left out.
    pub late_transactions: u64,
    /// Refund lines left out under [`RefundPolicy::Ignore`].
    pub ignored_refunds: u64,
    /// Refund lines netted under [`RefundPolicy::Net`].
    pub netted_refunds: u64,
    /// Customer-days that refunds bring to zero or less, and are therefore not purchase occasions.
    pub non_positive_days: u64,
    /// Customers without any purchase occasion (every day brought to zero or less by refunds): no
    /// summary row.
    pub customers_without_purchase: u64,
    /// Lines of those customers (not counted in `lines_used`).
    pub lines_of_customers_without_purchase: u64,
    /// Net amount of those customers' lines: the kept customers' total spend plus this is the net
    /// of every counted line. [`Summarizer::summarize_with_dropped`] names them.
    pub net_of_customers_without_purchase: Decimal,
    /// Amounts with more decimals than [`Summarizer::money_scale`] (trailing zeros aside), such as
    /// a float printed as text (`6650.0400000000000004440892`). They are counted as given; this
    /// says how many there are, so the caller can round them at the source.
    pub excess_scale_amounts: u64,
    /// The positions (in the slice, or among the lines fed to an accumulator) of the first
    /// [`EXCESS_SCALE_POSITIONS`] of them, ascending.
    pub first_excess_scale_positions: Vec<usize>,
}

impl SummaryReport {
    /// Adds the counts of another part of the log: a chunk, an accumulator's, or one customer's
    /// [`FinishedLedger::report`](super::FinishedLedger::report). The first excess-scale positions
    /// are the lowest of both.
    ///
    /// # Examples
    ///
    /// ```
    /// # use customer_value::{Summarizer, Transaction};
    /// # use chrono::NaiveDate; use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let s = Summarizer::new(d(10));
    /// let (_, mut a) = s.summarize_with_report(&[Transaction::new(1, d(1), Decimal::ONE)])?;
    /// let (_, b) = s.summarize_with_report(&[Transaction::new(2, d(2), Decimal::ONE), Transaction::new(2, d(20), Decimal::ONE)])?;
    /// a.merge(&b);
    /// assert_eq!((a.lines_read, a.lines_used, a.late_transactions), (3, 2, 1));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn merge(&mut self, other: &SummaryReport) {
        self.add_reading(other);
        self.add_building(other);
    }

    /// Adds the counters of reading lines (the policies), from another part of the log.
    pub(super) fn add_reading(&mut self, part: &SummaryReport) {
        self.lines_read += part.lines_read;
        self.late_transactions += part.late_transactions;
        self.ignored_refunds += part.ignored_refunds;
        self.netted_refunds += part.netted_refunds;
        self.excess_scale_amounts += part.excess_scale_amounts;
        let positions = &mut self.first_excess_scale_positions;
        positions.extend_from_slice(&part.first_excess_scale_positions);
        positions.sort_unstable();
        positions.truncate(EXCESS_SCALE_POSITIONS);
    }

    /// Counts an amount with more decimals than the money scale, at `position`.
    fn excess_scale(&mut self, position: usize) {
        self.excess_scale_amounts += 1;
        if self.first_excess_scale_positions.len() < EXCESS_SCALE_POSITIONS {
            self.first_excess_scale_positions.push(position);
        }
    }

    /// Adds the counters of building summaries, from another part of the customers.
    pub(super) fn add_building(&mut self, part: &SummaryReport) {
        self.lines_used += part.lines_used;
        self.non_positive_days += part.non_positive_days;
        self.customers_without_purchase += part.customers_without_purchase;
        self.lines_of_customers_without_purchase += part.lines_of_customers_without_purchase;
        self.net_of_customers_without_purchase += part.net_of_customers_without_purchase;
    }

    /// Counts one customer's built summary of `lines` lines, and returns the summary if it has a
    /// purchase occasion; a dropped customer goes to `dropped`.
    pub(super) fn record<C>(
        &mut self, built: Built<C>, lines: usize, dropped: &mut Vec<DroppedCustomer<C>>,
    ) -> Option<CustomerSummary<C>> {
        self.non_positive_days += built.non_positive_days;
        let lines = lines as u64;
        match built.summary {
            Ok(summary) => {
                self.lines_used += lines;
                Some(summary)
            }
            Err(customer) => {
                self.customers_without_purchase += 1;
                self.lines_of_customers_without_purchase += lines;
                self.net_of_customers_without_purchase += customer.net_amount;
                dropped.push(customer);
                None
            }
        }
    }
}

impl SummaryReport {
    /// The error for a pass that kept no customer, as of `end`, from this report's counts.
    pub(super) fn no_purchase_occasions(&self, end: NaiveDate) -> SummaryError {
        SummaryError::NoPurchaseOccasions {
            end,
            lines_through_end: self.lines_read - self.late_transactions,
            refunds_through_end: self.netted_refunds + self.ignored_refunds,
            lines_after_end: self.late_transactions,
        }
    }
}

impl Summarizer {
    /// The error for a split at `end` that kept no customer, counted on the log (the error path
    /// only: one more pass over the lines).
    pub(super) fn no_purchase_occasions_by<C>(
        &self, transactions: &[Transaction<C>], end: NaiveDate,
    ) -> SummaryError {
        let through: Vec<_> = transactions.iter().filter(|t| t.date <= end).collect();
        SummaryError::NoPurchaseOccasions {
            end,
            lines_through_end: through.len() as u64,
            refunds_through_end: through.iter().filter(|t| is_refund(t.amount)).count() as u64,
            lines_after_end: (transactions.len() - through.len()) as u64,
        }
    }
}

/// The message of [`SummaryError::NoPurchaseOccasions`]: what the lines up to `end` were.
pub(super) fn no_purchase_message(
    end: NaiveDate, lines_through_end: u64, refunds_through_end: u64, lines_after_end: u64,
) -> String {
    let mut message = format!("no customer has a purchase occasion on or before {end}: ");
    if lines_through_end == 0 {
        message += &format!("all {lines_after_end} lines are dated after it");
        return message;
    }
    if refunds_through_end == lines_through_end {
        message += &format!("the {lines_through_end} lines dated by then are all refunds");
    } else {
        message += &format!(
            "refunds ({refunds_through_end} of the {lines_through_end} lines dated by then) \
             bring every customer-day to zero or less"
        );
    }
    if lines_after_end > 0 {
        message += &format!("; {lines_after_end} more lines are dated after it");
    }
    message
}

/// The earlier of two optional dates.
pub(super) fn earliest(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The largest magnitude of a transaction amount: 10^18 money units. Every sum the crate forms
/// (per customer, per segment, per cohort) then stays far below `Decimal::MAX` ≈ 7.9 × 10^28 for
/// any log that fits in memory, so no sum can overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA764_0000, 0x0DE0_B6B3, 0, false, 0);

/// |amount| ≤ [`MAX_AMOUNT`], decided on the mantissa: comparing decimals of different scales
/// rescales them, which cost more than the rest of a line's handling.
fn within_amount_bound(amount: Decimal) -> bool {
    let scale = amount.scale();
    if scale > 10 {
        // 10^18 at scale 11 or more needs a mantissa of 10^29, above the 96-bit maximum ≈ 7.9 × 10^28.
        return true;
    }
    amount.mantissa().unsigned_abs() <= 10u128.pow(18 + scale)
}

/// Counts what the policies do with the lines they let through or leave out: a
/// [`SummaryReport`], or one customer's [`CustomerLedger`](super::CustomerLedger).
pub(super) trait LineTally {
    /// A line dated after the observation end, left out.
    fn late(&mut self);
    /// A refund line left out under [`RefundPolicy::Ignore`].
    fn ignored_refund(&mut self);
    /// A refund line netted under [`RefundPolicy::Net`].
    fn netted_refund(&mut self);
    /// An amount with more decimals than the money scale, at `position`.
    fn excess_scale(&mut self, position: usize);
}

impl LineTally for SummaryReport {
    fn late(&mut self) {
        self.late_transactions += 1;
    }
    fn ignored_refund(&mut self) {
        self.ignored_refunds += 1;
    }
    fn netted_refund(&mut self) {
        self.netted_refunds += 1;
    }
    fn excess_scale(&mut self, position: usize) {
        SummaryReport::excess_scale(self, position);
    }
}

/// A line a rejecting policy refuses.
pub(super) enum Refusal {
    /// Dated after the observation end, under [`LateTransactions::Reject`].
    Late,
    /// A refund, under [`RefundPolicy::Reject`].
    Refund,
}

impl Refusal {
    /// The error naming the refused line: its position, date and amount.
    pub(super) fn error(
        self, position: usize, date: NaiveDate, amount: Decimal, observation_end: NaiveDate,
    ) -> SummaryError {
        match self {
            Refusal::Late => SummaryError::LateTransaction {
                position,
                date,
                observation_end,
            },
            Refusal::Refund => SummaryError::Refund { position, amount },
        }
    }
}

impl Summarizer {
    /// The late-line and refund policies, for a line within the amount bound, whatever holds it:
    /// `Ok(true)` when it counts, `Ok(false)` when it is left out (and counted in `tally`), the
    /// refusal when a policy rejects it.
    pub(super) fn apply_policies(
        &self, late: bool, refund: bool, tally: &mut impl LineTally,
    ) -> Result<bool, Refusal> {
        if late {
            return match self.late {
                LateTransactions::Exclude => {
                    tally.late();
                    Ok(false)
                }
                LateTransactions::Reject => Err(Refusal::Late),
            };
        }
        if refund {
            match self.refunds {
                RefundPolicy::Net => tally.netted_refund(),
                RefundPolicy::Ignore => {
                    tally.ignored_refund();
                    return Ok(false);
                }
                RefundPolicy::Reject => return Err(Refusal::Refund),
            }
        }
        Ok(true)
    }

    /// Applies the amount bound, the money-scale count and the policies to the transaction at
    /// `position`: `Ok(true)` when it counts, `Ok(false)` when it is left out (and counted in
    /// `report`), an error when it is out of range or a policy rejects it.
    pub(super) fn admit<C>(
        &self, position: usize, t: &Transaction<C>, report: &mut SummaryReport,
    ) -> Result<bool, SummaryError> {
        if !within_amount_bound(t.amount) {
            return Err(SummaryError::AmountOutOfRange {
                position,
                amount: t.amount,
            });
        }
        // The scale is read from the decimal's flags; normalizing (rare) drops trailing zeros.
        if t.amount.scale() > self.money_scale && t.amount.normalize().scale() > self.money_scale {
            report.excess_scale(position);
        }
        self.apply_policies(t.date > self.observation_end, is_refund(t.amount), report)
            .map_err(|refusal| refusal.error(position, t.date, t.amount, self.observation_end))
    }
}

/// A negative amount (a zero, even with a minus sign, is not a refund).
pub(super) fn is_refund(amount: Decimal) -> bool {
    amount.is_sign_negative() && !amount.is_zero()
}
