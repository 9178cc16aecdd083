//! The customer value matrix (Marcus 1998): purchase frequency × average order value.

use rust_decimal::Decimal;

use crate::numeric::money::to_f64;
use crate::numeric::quantile::median;
use crate::rfm::RfmError;
use crate::settings::Settings;
use crate::summary::CustomerSummary;

/// A cell of the value matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ValueCell {
    /// High frequency, high average order value.
    Best,
    /// High frequency, low average order value.
    Frequent,
    /// Low frequency, high average order value.
    Spenders,
    /// Low frequency, low average order value.
    Uncertain,
}

impl ValueCell {
    /// The four cells, best first.
    pub const ALL: [ValueCell; 4] = [
        ValueCell::Best,
        ValueCell::Frequent,
        ValueCell::Spenders,
        ValueCell::Uncertain,
    ];
}

/// Where each axis is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SplitAt {
    /// At the mean (Marcus's choice; the default).
    #[default]
    Mean,
    /// At the median (robust to a few very large customers).
    Median,
}

/// Options of [`value_matrix`].
///
/// With the `serde` feature they serialize, and deserializing runs [`Settings::check`]: options
/// that check would refuse (a negative `max_recency_days`) are rejected with its error message.
///
/// # Examples
///
/// ```
/// use customer_value::rfm::{SplitAt, ValueMatrixOptions};
/// let options = ValueMatrixOptions { split: SplitAt::Median, max_recency_days: Some(90) };
/// let back: ValueMatrixOptions = serde_json::from_str(&serde_json::to_string(&options).unwrap()).unwrap();
/// assert_eq!(back, options);
/// let bad = r#"{"split":"Mean","max_recency_days":-1}"#;
/// assert!(serde_json::from_str::<ValueMatrixOptions>(bad).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ValueMatrixOptionsData")
)]
pub struct ValueMatrixOptions {
    /// Where the axes are split.
    pub split: SplitAt,
    /// Keep only customers whose last purchase is at most this many days before the observation
    /// end; applied before the splits are computed. `None` keeps everybody.
    pub max_recency_days: Option<i64>,
}

impl Settings for ValueMatrixOptions {
    type Error = RfmError;

    /// Checks every field: [`value_matrix`] calls it first.
    ///
    /// # Errors
    ///
    /// [`RfmError::InvalidParameter`] naming `max_recency_days` when it is negative (recency is
    /// the number of days from the last purchase to the observation end, never below 0). `split`
    /// is always usable.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::rfm::{RfmError, ValueMatrixOptions};
    /// use customer_value::Settings;
    ///
    /// assert!(ValueMatrixOptions::default().check().is_ok());
    /// let last_month = ValueMatrixOptions { max_recency_days: Some(30), ..Default::default() };
    /// assert!(last_month.check().is_ok());
    /// let bad = ValueMatrixOptions { max_recency_days: Some(-1), ..Default::default() };
    /// assert!(matches!(bad.check(), Err(RfmError::InvalidParameter { name: "max_recency_days", .. })));
    /// ```
    fn check(&self) -> Result<(), RfmError> {
        match self.max_recency_days {
            Some(days) if days < 0 => Err(RfmError::InvalidParameter {
                name: "max_recency_days",
                value: days as f64,
                constraint: "must be ≥ 0 days, or None to keep every customer",
            }),
            _ => Ok(()),
        }
    }
}

/// The fields of [`ValueMatrixOptions`] as read, before [`Settings::check`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct ValueMatrixOptionsData {
    split: SplitAt,
    max_recency_days: Option<i64>,
}

#[cfg(feature = "serde")]
impl TryFrom<ValueMatrixOptionsData> for ValueMatrixOptions {
    type Error = RfmError;

    fn try_from(data: ValueMatrixOptionsData) -> Result<Self, RfmError> {
        let options = Self {
            split: data.split,
            max_recency_days: data.max_recency_days,
        };
        options.check()?;
        Ok(options)
    }
}

/// Customers placed on the value matrix.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ValueMatrix<C> {
    /// The frequency split (purchase occasions); a value equal to it counts as high.
    pub frequency_split: f64,
    /// The average-order-value split; a value equal to it counts as high.
    pub order_value_split: f64,
    /// Each customer's cell, in input order; `None` for customers the recency filter left out.
    pub cells: Vec<(C, Option<ValueCell>)>,
    /// Customers per cell, in [`ValueCell::ALL`] order.
    pub counts: [usize; 4],
    /// Net revenue per cell, in [`ValueCell::ALL`] order.
    pub revenue: [Decimal; 4],
}

/// Places customers on the frequency × average-order-value grid.
///
/// # Errors
///
/// Those of [`ValueMatrixOptions::check`]; [`RfmError::EmptyInput`] for no summaries;
/// [`RfmError::NoActiveCustomers`] when the recency filter leaves nobody.
///
/// # Examples
///
/// ```
/// use customer_value::rfm::{value_matrix, ValueCell, ValueMatrixOptions};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
/// let log = [
///     Transaction::new(1, d(1), Decimal::from(100)), Transaction::new(1, d(2), Decimal::from(100)), // 2 × 100
///     Transaction::new(2, d(1), Decimal::from(10)), Transaction::new(2, d(2), Decimal::from(10)),   // 2 × 10
///     Transaction::new(3, d(3), Decimal::from(90)),                                                 // 1 × 90
///     Transaction::new(4, d(3), Decimal::from(5)),                                                  // 1 × 5
/// ];
/// let m = value_matrix(&Summarizer::new(d(9)).summarize(&log)?, &ValueMatrixOptions::default())?;
/// // Splits at the means: 1.5 occasions and 51.25 per order.
/// let cells: Vec<_> = m.cells.iter().map(|c| c.1.unwrap()).collect();
/// assert_eq!(cells, [ValueCell::Best, ValueCell::Frequent, ValueCell::Spenders, ValueCell::Uncertain]);
/// # Ok::<(), customer_value::Error>(())
/// ```
pub fn value_matrix<C: Clone>(
    summaries: &[CustomerSummary<C>], options: &ValueMatrixOptions,
) -> Result<ValueMatrix<C>, RfmError> {
    options.check()?;
    if summaries.is_empty() {
        return Err(RfmError::EmptyInput);
    }
    let active = |s: &CustomerSummary<C>| {
        options
            .max_recency_days
            .is_none_or(|max| s.recency_days() <= max)
    };
    let (frequencies, order_values): (Vec<f64>, Vec<f64>) = summaries
        .iter()
        .filter(|s| active(s))
        .map(|s| (s.frequency() as f64, to_f64(s.average_order_value())))
        .unzip();
    let (Some(frequency_split), Some(order_value_split)) = (
        split(frequencies, options.split),
        split(order_values, options.split),
    ) else {
        return Err(RfmError::NoActiveCustomers {
            max_recency_days: options.max_recency_days.unwrap_or_default(),
        });
    };
    let mut counts = [0usize; 4];
    let mut revenue = [Decimal::ZERO; 4];
    let cells = summaries
        .iter()
        .map(|s| {
            let cell = active(s).then(|| {
                let frequent = s.frequency() as f64 >= frequency_split;
                let high_value = to_f64(s.average_order_value()) >= order_value_split;
                let cell = match (frequent, high_value) {
                    (true, true) => ValueCell::Best,
                    (true, false) => ValueCell::Frequent,
                    (false, true) => ValueCell::Spenders,
                    (false, false) => ValueCell::Uncertain,
                };
                let slot = ValueCell::ALL.iter().position(|c| *c == cell).unwrap_or(0);
                counts[slot] += 1;
                revenue[slot] += s.total_spend();
                cell
            });
            (s.customer().clone(), cell)
        })
        .collect();
    Ok(ValueMatrix {
        frequency_split,
        order_value_split,
        cells,
        counts,
        revenue,
    })
}

/// The split of one axis: the mean, or the median by the crate's one median rule (the mean of
/// the two middle values for an even count); `None` when no customer is left.
fn split(mut values: Vec<f64>, at: SplitAt) -> Option<f64> {
    match at {
        SplitAt::Mean => {
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        }
        SplitAt::Median => median(&mut values),
    }
}
