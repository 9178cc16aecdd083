//! Expected against actual repeat transactions per period, cumulative and incremental: the
//! tracking plots of Fader, Hardie & Lee (2005, "Counting your customers the easy way: an
//! alternative to the Pareto/NBD model", Marketing Science 24(2)).

use chrono::NaiveDate;

use super::errors::{holdout_errors, TrackingErrors};
use super::TrackingOptions;
use crate::clv::diagnostics::{checked_answer, Answer, Asked};
use crate::clv::error::finite_or_failure;
use crate::clv::{ClvError, PurchaseModel};
use crate::summary::CustomerSummary;

/// One period of a [`TransactionTracking`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrackedPeriod {
    /// The period's first day.
    pub first_day: NaiveDate,
    /// The period's last day.
    pub last_day: NaiveDate,
    /// Whether the period starts after the calibration end.
    pub holdout: bool,
    /// Repeat purchase occasions made in the period.
    pub actual: u64,
    /// Repeat purchases the model expects in the period (the increase of `cumulative_expected`).
    pub expected: f64,
    /// Repeat purchase occasions from the start to the period's last day.
    pub cumulative_actual: u64,
    /// Repeat purchases the model expects from the start to the end of the period's last day.
    pub cumulative_expected: f64,
}

/// The tracking of a model's expected repeat purchases against the actual ones, period by
/// period, with the errors over the holdout periods.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TransactionTracking {
    /// The periods in order.
    pub periods: Vec<TrackedPeriod>,
    /// The customers tracked (those who first bought before the last period's end).
    pub customers: usize,
    /// Errors of the per-period expectations over the holdout periods, or `None` when every
    /// period is in the calibration.
    pub holdout_errors: Option<TrackingErrors>,
}

/// Expected and actual repeat transactions per period (lifetimes'
/// `expected_cumulative_transactions`, BTYD's `pnbd.ExpectedCumulativeTransactions` with
/// `cdnowSummary$cu.tracking`).
///
/// A customer's first purchase occasion b_i is its "birth"; every later occasion is a repeat
/// transaction. The expected cumulative repeat transactions at the end τ of a period are
/// Σ_{i: b_i < τ} E[X(τ − b_i)], the model's unconditional expectation
/// ([`PurchaseModel::expected_purchases`]) over each customer's time since birth (the expression
/// lifetimes takes from Fader & Hardie's 2005 note "Implementing the Pareto/NBD model in MATLAB",
/// and BTYD's `*.ExpectedCumulativeTransactions` evaluate). Days count whole: a period ending on day d ends at the end of
/// d, so a customer born on day b has had d + 1 − b days, in `options.model_unit`, as lifetimes
/// and BTYD count them.
///
/// `customers` are summaries as of a day on or after the last period's end, with their occasions
/// kept ([`crate::Summarizer::keep_occasions`], on by default): each is one customer's purchase
/// occasions, so purchases on one day count once, as BTYD merges them
/// (`dc.MergeTransactionsOnSameDate`). Customers who first bought after the last period are
/// left out.
///
/// # Errors
///
/// - [`ClvError::EmptyInput`] for no summaries;
/// - [`ClvError::InvalidHistory`] with the position of a summary that keeps no occasions, whose
///   first purchase is before `options.start`, or whose observation end is before the last
///   period's last day (its purchases after that end would be missing);
/// - the errors of [`crate::Settings::check`] on `options`, and [`ClvError::InvalidArgument`]
///   naming `periods` when the periods run past the last date chrono represents;
/// - [`ClvError::InvalidPrediction`] when the model answers a negative or non-finite
///   expectation, [`ClvError::NumericalFailure`] when a sum overflows f64, and the errors of
///   [`PurchaseModel::expected_purchases`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
/// use customer_value::clv::{ParetoNbd, PurchaseModel};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let log = [
///     Transaction::new(1, day(1, 1), Decimal::from(20)),
///     Transaction::new(1, day(1, 10), Decimal::from(15)), // a repeat in week 2
///     Transaction::new(2, day(1, 3), Decimal::from(30)),
/// ];
/// let summaries = Summarizer::new(day(1, 14)).summarize(&log)?;
/// let model = ParetoNbd::new(0.553, 10.578, 0.606, 11.669)?;
/// let options = TrackingOptions::weekly(day(1, 1), 2, day(1, 7));
/// let tracking = transaction_tracking(&model, &summaries, &options)?;
/// let week_2 = tracking.periods[1];
/// assert_eq!((week_2.actual, week_2.cumulative_actual), (1, 1));
/// // Customer 1 has had 14 days (2 weeks) by the end of week 2, customer 2 has had 12.
/// let expected = model.expected_purchases(2.0)? + model.expected_purchases(12.0 / 7.0)?;
/// assert!((week_2.cumulative_expected - expected).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn transaction_tracking<M: PurchaseModel + ?Sized, C>(
    model: &M, customers: &[CustomerSummary<C>], options: &TrackingOptions,
) -> Result<TransactionTracking, ClvError> {
    if customers.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    let boundaries = options.boundaries()?;
    let (births, actual) = births_and_repeats(customers, &boundaries)?;
    let expected = expected_cumulative(model, &births, &boundaries[1..], options)?;
    let periods = tracked_periods(&boundaries, &actual, &expected, options.calibration_end);
    Ok(TransactionTracking {
        holdout_errors: holdout_errors(&periods)?,
        customers: births.iter().map(|(_, count)| count).sum(),
        periods,
    })
}

/// Days of first purchase in order, each with the number of customers born on it.
type Births = Vec<(NaiveDate, usize)>;

/// The number of customers born on each day before the last boundary, in date order, and the
/// repeat occasions in each period.
fn births_and_repeats<C>(
    customers: &[CustomerSummary<C>], boundaries: &[NaiveDate],
) -> Result<(Births, Vec<u64>), ClvError> {
    let (start, end) = (boundaries[0], boundaries[boundaries.len() - 1]);
    let mut births = Vec::with_capacity(customers.len());
    let mut actual = vec![0u64; boundaries.len() - 1];
    for (position, customer) in customers.iter().enumerate() {
        let invalid = |detail: String| ClvError::InvalidHistory {
            position: Some(position),
            detail,
        };
        let occasions = customer.occasions().ok_or_else(|| {
            invalid("the summary keeps no occasions (Summarizer::keep_occasions)".into())
        })?;
        let birth = customer.first_purchase();
        if birth < start {
            return Err(invalid(format!(
                "first purchase {birth} is before the tracking's start {start}"
            )));
        }
        if customer.observation_end() < end.pred_opt().unwrap_or(end) {
            return Err(invalid(format!(
                "observed only to {}, before the last period ends ({end} excluded)",
                customer.observation_end()
            )));
        }
        if birth >= end {
            continue;
        }
        births.push(birth);
        for repeat in occasions.iter().skip(1).take_while(|o| o.date < end) {
            actual[boundaries.partition_point(|&b| b <= repeat.date) - 1] += 1;
        }
    }
    births.sort_unstable();
    let mut counted: Births = Vec::new();
    for birth in births {
        match counted.last_mut() {
            Some((day, count)) if *day == birth => *count += 1,
            _ => counted.push((birth, 1)),
        }
    }
    Ok((counted, actual))
}

/// Σ_{b < end} (customers born on b) · E[X((end − b) days)] at every period end (the day after
/// the period), asking the model once per distinct number of days.
fn expected_cumulative<M: PurchaseModel + ?Sized>(
    model: &M, births: &[(NaiveDate, usize)], ends: &[NaiveDate], options: &TrackingOptions,
) -> Result<Vec<f64>, ClvError> {
    let unit_days = options.model_unit.days();
    // Elapsed weeks from a common start repeat the same day counts period after period
    // (CDNOW: 546 distinct counts for 84 birth days × 78 weeks).
    let mut by_days: Vec<Option<f64>> = Vec::new();
    let mut cumulative = Vec::with_capacity(ends.len());
    for &end in ends {
        let mut sum = 0.0;
        for &(birth, count) in births.iter().take_while(|(birth, _)| *birth < end) {
            let days = (end - birth).num_days() as usize;
            if by_days.len() <= days {
                by_days.resize(days + 1, None);
            }
            let value = match by_days[days] {
                Some(value) => value,
                None => {
                    let asked = Asked::new("expected_purchases", "transaction_tracking", None);
                    let t = days as f64 / unit_days;
                    let value =
                        checked_answer(model.expected_purchases(t)?, Answer::Expectation, asked)?;
                    by_days[days] = Some(value);
                    value
                }
            };
            sum += count as f64 * value;
        }
        cumulative.push(finite_or_failure(
            sum,
            "the expected cumulative transactions overflow f64",
        )?);
    }
    Ok(cumulative)
}

/// The periods from their boundaries and the two series.
fn tracked_periods(
    boundaries: &[NaiveDate], actual: &[u64], cumulative_expected: &[f64],
    calibration_end: NaiveDate,
) -> Vec<TrackedPeriod> {
    let mut periods = Vec::with_capacity(actual.len());
    let (mut cumulative_actual, mut previous_expected) = (0u64, 0.0);
    for (k, (&actual, &cumulative_expected)) in actual.iter().zip(cumulative_expected).enumerate() {
        cumulative_actual += actual;
        let first_day = boundaries[k];
        periods.push(TrackedPeriod {
            first_day,
            last_day: boundaries[k + 1].pred_opt().unwrap_or(first_day),
            holdout: first_day > calibration_end,
            actual,
            expected: cumulative_expected - previous_expected,
            cumulative_actual,
            cumulative_expected,
        });
        previous_expected = cumulative_expected;
    }
    periods
}
