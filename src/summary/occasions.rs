//! The Transaction-to-summary pass for one customer: counted lines netted into customer-days, the
//! days that are purchase occasions, and the figures a [`CustomerSummary`] keeps.

use std::convert::Infallible;
use std::ops::AddAssign;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::policies::is_refund;
use super::{
    CustomerSummary, DropReason, DroppedCustomer, PurchaseOccasion, RefundDay, Summarizer,
};

/// A counted line of one customer: its day and amount.
#[derive(Debug, Clone, Copy)]
pub(super) struct DayLine {
    pub(super) date: NaiveDate,
    pub(super) amount: Decimal,
}

/// One customer's summary, or the customer dropped (no day is a purchase occasion), and the
/// number of days that refunds brought to zero or less.
pub(super) struct Built<C> {
    pub(super) summary: Result<CustomerSummary<C>, DroppedCustomer<C>>,
    pub(super) non_positive_days: u64,
}

/// The arithmetic of a customer-day's net amount: exact decimals, or the `i128` mantissas of lines
/// that share one scale (the usual case, cents), which sum much faster and convert once.
pub(super) trait Amount: Copy + Default + PartialOrd + AddAssign {}

impl Amount for Decimal {}
impl Amount for i128 {}

/// One customer-day: its net amount and whether a refund line contributed to it.
pub(super) struct Day<T> {
    pub(super) date: NaiveDate,
    net: T,
    has_refund: bool,
}

impl<T: Amount> Day<T> {
    /// A day is a purchase occasion when it nets to a positive amount, or to zero without a refund
    /// (a free purchase); a day that refunds bring to zero or below is not.
    pub(super) fn is_occasion(&self) -> bool {
        self.net > T::default() || (self.net == T::default() && !self.has_refund)
    }
}

/// The days of lines sorted by date, each the sum of its lines' `amount`s.
pub(super) fn days<'a, T: Amount>(
    mut lines: &'a [DayLine], amount: impl Fn(Decimal) -> T + 'a,
) -> impl Iterator<Item = Day<T>> + 'a {
    std::iter::from_fn(move || {
        let (first, rest) = lines.split_first()?;
        let mut day = Day {
            date: first.date,
            net: amount(first.amount),
            has_refund: is_refund(first.amount),
        };
        let same_day = rest.iter().take_while(|l| l.date == first.date).count();
        for line in &rest[..same_day] {
            day.net += amount(line.amount);
            day.has_refund |= is_refund(line.amount);
        }
        lines = &rest[same_day..];
        Some(day)
    })
}

/// One customer's figures before they become a summary.
struct Figures {
    /// The first occasion's day and net amount.
    first: Option<(NaiveDate, Decimal)>,
    last: Option<NaiveDate>,
    count: u64,
    occasion_total: Decimal,
    total_spend: Decimal,
    /// Net of the days after the first occasion that are not occasions (refund days).
    later_refunds: Decimal,
    non_positive_days: u64,
    occasions: Vec<PurchaseOccasion>,
    refund_days: Vec<RefundDay>,
}

impl Summarizer {
    /// Builds one customer's summary from its counted lines sorted by date, in one streaming pass
    /// (no intermediate per-day vector; occasions are collected only when kept).
    pub(super) fn build<C>(&self, customer: C, lines: &[DayLine]) -> Built<C> {
        // The mantissa path is exact and equal to the decimal path; it gives up only when a sum
        // does not fit a decimal, which the decimal path (whose conversion cannot fail) handles.
        let by_mantissa = same_scale(lines).and_then(|scale| {
            self.figures(
                lines,
                |d| d.mantissa(),
                |m| Decimal::try_from_i128_with_scale(m, scale),
            )
            .ok()
        });
        let figures = match by_mantissa {
            Some(figures) => figures,
            None => match self.figures(lines, |d| d, Ok::<_, Infallible>) {
                Ok(figures) => figures,
                Err(never) => match never {},
            },
        };
        let non_positive_days = figures.non_positive_days;
        let (Some((first_purchase, first_occasion_amount)), Some(last_purchase)) =
            (figures.first, figures.last)
        else {
            return Built {
                summary: Err(DroppedCustomer {
                    customer,
                    lines: lines.len() as u64,
                    net_amount: figures.total_spend,
                    reason: DropReason::NoPurchaseOccasion,
                }),
                non_positive_days,
            };
        };
        let summary = CustomerSummary {
            observation_end: self.observation_end,
            first_purchase,
            last_purchase,
            transactions: lines.len() as u64,
            purchase_occasions: figures.count,
            total_spend: figures.total_spend,
            first_occasion_amount,
            occasion_total: figures.occasion_total,
            later_refunds: figures.later_refunds,
            occasions: self.keep_occasions.then_some(figures.occasions),
            refund_days: self.keep_occasions.then_some(figures.refund_days),
            customer,
        };
        Built {
            summary: Ok(summary),
            non_positive_days,
        }
    }

    /// The figures of lines sorted by date, summed in `T` (each line's amount read by `amount`)
    /// and converted to decimals by `to_decimal`, whose error is returned when a conversion fails.
    fn figures<T: Amount, E>(
        &self, lines: &[DayLine], amount: impl Fn(Decimal) -> T,
        to_decimal: impl Fn(T) -> Result<Decimal, E>,
    ) -> Result<Figures, E> {
        // Room for exactly as many occasions as the lines have days, when they are kept: a growing
        // vector would leave up to half its capacity unused in every summary.
        let capacity = if self.keep_occasions {
            1 + lines.windows(2).filter(|w| w[0].date != w[1].date).count()
        } else {
            0
        };
        let mut occasions = Vec::with_capacity(capacity);
        // Refund days are rare: this vector allocates only for customers who have one.
        let mut refund_days = Vec::new();
        let (mut total, mut occasion_total, mut later) = (T::default(), T::default(), T::default());
        let (mut first, mut last, mut count, mut non_positive_days) = (None, None, 0, 0);
        for day in days(lines, amount) {
            total += day.net;
            if !day.is_occasion() {
                non_positive_days += 1;
                if first.is_some() {
                    later += day.net;
                }
                if self.keep_occasions {
                    refund_days.push(RefundDay {
                        date: day.date,
                        amount: to_decimal(day.net)?,
                    });
                }
                continue;
            }
            first.get_or_insert((day.date, day.net));
            last = Some(day.date);
            count += 1;
            occasion_total += day.net;
            if self.keep_occasions {
                occasions.push(PurchaseOccasion {
                    date: day.date,
                    amount: to_decimal(day.net)?,
                });
            }
        }
        Ok(Figures {
            first: match first {
                Some((date, amount)) => Some((date, to_decimal(amount)?)),
                None => None,
            },
            last,
            count,
            occasion_total: to_decimal(occasion_total)?,
            total_spend: to_decimal(total)?,
            later_refunds: to_decimal(later)?,
            non_positive_days,
            occasions,
            refund_days,
        })
    }
}

/// The scale shared by every line, if they share one.
fn same_scale(lines: &[DayLine]) -> Option<u32> {
    let scale = lines.first()?.amount.scale();
    lines
        .iter()
        .all(|l| l.amount.scale() == scale)
        .then_some(scale)
}
