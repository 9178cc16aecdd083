//! The lines-to-summary pass for one customer: counted lines netted into customer-days, the days
//! that are purchase occasions, and the figures a [`CustomerSummary`] keeps. Every entry point
//! goes through it: transactions (decimal amounts, dates), columns and ledgers (minor units,
//! days since 1970-01-01), so the rules are written once.

use std::convert::Infallible;
use std::ops::AddAssign;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    CustomerSummary, DropReason, DroppedCustomer, PurchaseOccasion, RefundDay, Summarizer,
};

/// A counted line of one customer: its day and amount.
#[derive(Debug, Clone, Copy)]
pub(super) struct DayLine {
    pub(super) date: NaiveDate,
    pub(super) amount: Decimal,
}

impl Default for DayLine {
    fn default() -> Self {
        Self {
            date: NaiveDate::MIN,
            amount: Decimal::ZERO,
        }
    }
}

/// One customer's summary, or the customer dropped (no day is a purchase occasion), and the
/// number of days that refunds brought to zero or less.
pub(super) struct Built<C> {
    pub(super) summary: Result<CustomerSummary<C>, DroppedCustomer<C>>,
    pub(super) non_positive_days: u64,
}

/// The arithmetic of a customer-day's net amount: exact decimals, or `i128` minor units (the
/// mantissas of lines that share one scale, the usual case, or a column's minor units), which sum
/// much faster and convert once.
pub(super) trait Amount: Copy + Default + PartialOrd + AddAssign {}

impl Amount for Decimal {}
impl Amount for i128 {}

/// One customer-day, dated by `D` (a date, or a day number): its net amount and whether a refund
/// line contributed to it.
pub(super) struct Day<D, T> {
    pub(super) date: D,
    pub(super) net: T,
    pub(super) has_refund: bool,
}

impl<D, T: Amount> Day<D, T> {
    /// A day is a purchase occasion when it nets to a positive amount, or to zero without a refund
    /// (a free purchase); a day that refunds bring to zero or below is not.
    pub(super) fn is_occasion(&self) -> bool {
        self.net > T::default() || (self.net == T::default() && !self.has_refund)
    }
}

/// The days of lines sorted by date, each the sum of its lines' amounts. A line is a refund when
/// its amount is below zero (a zero, even a decimal's −0, is not).
pub(super) fn days<'a, L, D: Copy + PartialEq, T: Amount>(
    mut lines: &'a [L], date: impl Fn(&L) -> D + 'a, amount: impl Fn(&L) -> T + 'a,
) -> impl Iterator<Item = Day<D, T>> + 'a {
    std::iter::from_fn(move || {
        let (first, rest) = lines.split_first()?;
        let net = amount(first);
        let mut day = Day {
            date: date(first),
            net,
            has_refund: net < T::default(),
        };
        let same_day = rest.iter().take_while(|l| date(l) == day.date).count();
        for line in &rest[..same_day] {
            let net = amount(line);
            day.net += net;
            day.has_refund |= net < T::default();
        }
        lines = &rest[same_day..];
        Some(day)
    })
}

/// One customer's figures before they become a summary.
pub(super) struct Figures {
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
        let date = |l: &DayLine| l.date;
        let capacity = self.occasion_capacity(lines, date);
        // The mantissa path is exact and equal to the decimal path; it gives up only when a sum
        // does not fit a decimal, which the decimal path (whose conversion cannot fail) handles.
        let by_mantissa = same_scale(lines).and_then(|scale| {
            let days = days(lines, date, |l| l.amount.mantissa());
            self.figures(
                days,
                capacity,
                |d| d,
                |m| Decimal::try_from_i128_with_scale(m, scale),
            )
            .ok()
        });
        let figures = match by_mantissa {
            Some(figures) => figures,
            None => {
                let days = days(lines, date, |l| l.amount);
                match self.figures(days, capacity, |d| d, Ok::<_, Infallible>) {
                    Ok(figures) => figures,
                    Err(never) => match never {},
                }
            }
        };
        self.built(customer, lines.len() as u64, figures)
    }

    /// Room for as many occasions as `lines` sorted by `date` have days, when occasions are kept:
    /// a growing vector would leave up to half its capacity unused in every summary.
    pub(super) fn occasion_capacity<L, D: PartialEq>(
        &self, lines: &[L], date: impl Fn(&L) -> D,
    ) -> usize {
        if !self.keep_occasions {
            return 0;
        }
        1 + lines
            .windows(2)
            .filter(|w| date(&w[0]) != date(&w[1]))
            .count()
    }

    /// One customer's summary from the figures of its `lines` counted lines, or the customer
    /// dropped when no day is a purchase occasion.
    pub(super) fn built<C>(&self, customer: C, lines: u64, figures: Figures) -> Built<C> {
        let non_positive_days = figures.non_positive_days;
        let (Some((first_purchase, first_occasion_amount)), Some(last_purchase)) =
            (figures.first, figures.last)
        else {
            return Built {
                summary: Err(DroppedCustomer {
                    customer,
                    lines,
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
            transactions: lines,
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

    /// The figures of a customer's days in date order, summed in `T`, dated by `date` and
    /// converted to decimals by `to_decimal`, whose error is returned when a conversion fails.
    /// `capacity` is the number of occasions to make room for, when they are kept.
    pub(super) fn figures<D: Copy, T: Amount, E>(
        &self, days: impl Iterator<Item = Day<D, T>>, capacity: usize,
        date: impl Fn(D) -> NaiveDate, to_decimal: impl Fn(T) -> Result<Decimal, E>,
    ) -> Result<Figures, E> {
        let mut occasions = Vec::with_capacity(capacity);
        // Refund days are rare: this vector allocates only for customers who have one.
        let mut refund_days = Vec::new();
        let (mut total, mut occasion_total, mut later) = (T::default(), T::default(), T::default());
        let (mut first, mut last, mut count, mut non_positive_days) = (None, None, 0, 0);
        for day in days {
            total += day.net;
            if !day.is_occasion() {
                non_positive_days += 1;
                if first.is_some() {
                    later += day.net;
                }
                if self.keep_occasions {
                    refund_days.push(RefundDay {
                        date: date(day.date),
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
                    date: date(day.date),
                    amount: to_decimal(day.net)?,
                });
            }
        }
        Ok(Figures {
            first: match first {
                Some((day, amount)) => Some((date(day), to_decimal(amount)?)),
                None => None,
            },
            last: last.map(date),
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
