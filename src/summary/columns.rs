//! [`Summarizer::summarize_columns`]: the summaries of a log held as parallel columns (customer
//! ids, days since 1970-01-01, amounts in minor units), with the rules and numbers of
//! [`Summarizer::summarize`] and without building a transaction per line.

use std::hash::Hash;
use std::ops::Range;

use super::minor_units::{checked_date, date_of, day_of, MinorScale};
use super::occasions::{days, Built, DayLine};
use super::partition::{self, ChunkRows, PartitionedLog};
use super::{CustomerSummary, MinorUnits, Summarized, Summarizer, SummaryError};
use crate::settings::Settings;

/// A counted line of a column log: its day number and amount in minor units.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct MinorLine<A> {
    day: i32,
    amount: A,
}

/// Parallel columns of a log, their scale, and the observation end as a day number.
struct Columns<'a, C, A> {
    customers: &'a [C],
    days: &'a [i32],
    amounts: &'a [A],
    units: MinorScale,
    end_day: i32,
}

impl<C, A> PartitionedLog<C> for Columns<'_, C, A>
where
    C: Clone + Ord + Send + Sync,
    A: MinorUnits,
{
    type Line = MinorLine<A>;

    fn len(&self) -> usize {
        self.customers.len()
    }

    fn customer(&self, position: usize) -> &C {
        &self.customers[position]
    }

    fn scatter(
        &self, settings: &Summarizer, positions: Range<usize>,
        rows: &mut ChunkRows<'_, C, MinorLine<A>>,
    ) -> Result<(), SummaryError> {
        let start = positions.start;
        let customers = &self.customers[positions.clone()];
        let days = &self.days[positions.clone()];
        let amounts = &self.amounts[positions];
        let mut earliest = i32::MAX;
        for (offset, ((customer, &day), &amount)) in
            customers.iter().zip(days).zip(amounts).enumerate()
        {
            earliest = earliest.min(day);
            let minor = amount.to_i128();
            let units = &self.units;
            if settings.admit_minor(
                start + offset,
                day,
                minor,
                units,
                self.end_day,
                &mut rows.report,
            )? {
                rows.push(customer, MinorLine { day, amount });
            }
        }
        rows.report.lines_read += customers.len() as u64;
        // Every day was checked by `admit_minor`; an empty chunk has no earliest day.
        rows.earliest = date_of(earliest).filter(|_| !customers.is_empty());
        Ok(())
    }

    fn day(line: &MinorLine<A>) -> i32 {
        line.day
    }

    fn build(&self, settings: &Summarizer, customer: C, lines: &[MinorLine<A>]) -> Built<C> {
        let capacity = settings.occasion_capacity(lines, |l| l.day);
        let days = days(lines, |l| l.day, |l| l.amount.to_i128());
        match settings.figures(days, capacity, checked_date, |m| self.units.exact(m)) {
            Ok(figures) => settings.built(customer, lines.len() as u64, figures),
            // A sum needs more than a decimal's 28 digits (at scales above 10, or with about 10^9
            // lines at the bound): the transactions' decimal path, which rounds as `summarize`.
            Err(_) => {
                let decimal: Vec<DayLine> = lines
                    .iter()
                    .map(|l| DayLine {
                        date: checked_date(l.day),
                        // Each line is within the bound, so a decimal: the fallback is never taken.
                        amount: self.units.exact(l.amount.to_i128()).unwrap_or_default(),
                    })
                    .collect();
                settings.build(customer, &decimal)
            }
        }
    }
}

impl Summarizer {
    /// One summary per customer with a purchase occasion, sorted by customer id, from parallel
    /// columns: line `i` is `customers[i]`'s, on day `days[i]` (days since 1970-01-01, as Arrow's
    /// `Date32`), of `amounts[i]` minor units at `scale` decimals (`1999` at scale 2 is 19.99, as
    /// Arrow's `Decimal128(p, 2)` holds it).
    ///
    /// The same rules and the same numbers as [`Summarizer::summarize`] on the transactions
    /// `Transaction::new(customers[i], date, Decimal::from_i128_with_scale(amounts[i], scale))`,
    /// errors included (positions are indices into the columns); only faster, with no
    /// transaction built per line. Runs in parallel; the result does not depend on the order of
    /// the lines or the number of threads.
    ///
    /// # Errors
    ///
    /// - [`SummaryError::LengthMismatch`] naming `days` or `amounts` when its length differs from
    ///   `customers`';
    /// - [`SummaryError::InvalidMoneyScale`] when `scale` (or the money scale) exceeds 28;
    /// - [`SummaryError::DayOutOfRange`] for a day outside chrono's calendar;
    /// - [`SummaryError::AmountOutOfRange`] for an amount beyond ±[`MAX_AMOUNT`](super::MAX_AMOUNT),
    ///   or [`SummaryError::MinorUnitsOutOfRange`] when it is not even a decimal (more than 28
    ///   digits);
    /// - otherwise those of [`Summarizer::summarize`]: [`SummaryError::EmptyInput`],
    ///   [`SummaryError::ObservationEndBeforeData`], [`SummaryError::NoPurchaseOccasions`], and
    ///   [`SummaryError::LateTransaction`] / [`SummaryError::Refund`] under the rejecting
    ///   policies. The error reported is the one of the lowest position.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Summarizer, TimeUnit};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// // 2024-01-01 is day 19,723 after 1970-01-01.
    /// let customers = [7u64, 3, 7, 7];
    /// let days = [19_723, 19_725, 19_723, 19_737];
    /// let cents = [2_000i64, 4_000, 500, 1_000];
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 29).unwrap();
    /// let summaries = Summarizer::new(end).summarize_columns(&customers, &days, &cents, 2)?;
    /// assert_eq!(*summaries[1].customer(), 7);
    /// assert_eq!(summaries[1].purchase_occasions(), 2); // the 1st (20.00 + 5.00) and the 15th
    /// assert_eq!(summaries[1].total_spend(), Decimal::new(3500, 2));
    /// let btyd = summaries[1].btyd(TimeUnit::Days);
    /// assert_eq!((btyd.frequency, btyd.recency, btyd.age), (1.0, 14.0, 28.0));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn summarize_columns<C, A>(
        &self, customers: &[C], days: &[i32], amounts: &[A], scale: u32,
    ) -> Result<Vec<CustomerSummary<C>>, SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
        A: MinorUnits,
    {
        self.summarize_columns_with_dropped(customers, days, amounts, scale)
            .map(|(rows, _, _)| rows)
    }

    /// Like [`Summarizer::summarize_columns`], and also the [`SummaryReport`](super::SummaryReport)
    /// of what was left out (its positions are indices into the columns) and the customers left
    /// out, named with why, as [`Summarizer::summarize_with_dropped`].
    ///
    /// # Errors
    ///
    /// As [`Summarizer::summarize_columns`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Summarizer;
    /// use chrono::NaiveDate;
    ///
    /// let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    /// // Customer "b" bought and returned on the same day; one line is dated after the end.
    /// let customers = ["a", "b", "b", "a"];
    /// let days = [19_723, 19_724, 19_724, 19_760];
    /// let cents = [1_250i128, 900, -900, 300];
    /// let (kept, report, dropped) =
    ///     Summarizer::new(end).summarize_columns_with_dropped(&customers, &days, &cents, 2)?;
    /// assert_eq!((kept.len(), dropped[0].customer), (1, "b"));
    /// assert_eq!((report.late_transactions, report.netted_refunds), (1, 1));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn summarize_columns_with_dropped<C, A>(
        &self, customers: &[C], days: &[i32], amounts: &[A], scale: u32,
    ) -> Result<Summarized<C>, SummaryError>
    where
        C: Clone + Eq + Hash + Ord + Send + Sync,
        A: MinorUnits,
    {
        self.check()?;
        for (argument, length) in [("days", days.len()), ("amounts", amounts.len())] {
            if length != customers.len() {
                return Err(SummaryError::LengthMismatch {
                    argument,
                    length,
                    expected: customers.len(),
                });
            }
        }
        let columns = Columns {
            customers,
            days,
            amounts,
            units: MinorScale::new(scale, self.money_scale)?,
            end_day: day_of(self.observation_end),
        };
        partition::summarize(self, &columns)
    }
}
