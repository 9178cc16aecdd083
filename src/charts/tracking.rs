//! Chart 3: expected against actual repeat transactions per period, cumulative and incremental
//! (the tracking plots of Fader, Hardie & Lee 2005, "Counting your customers the easy way",
//! figures 2 and 4; lifetimes' `plot_cumulative_transactions` and
//! `plot_incremental_transactions`), from a
//! [`TransactionTracking`](crate::clv::tracking::TransactionTracking), with the end of the
//! calibration marked.

use super::kinds::{Axis, LineChart, LineSeries, LineStyle, Marker};
use super::ChartError;
use crate::clv::tracking::{PeriodLength, TrackedPeriod, TrackingOptions, TransactionTracking};
use crate::summary::CalendarPeriod;
use crate::TimeUnit;

/// Whether a tracking chart shows running totals or the transactions of each period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TrackingView {
    /// Repeat transactions from the start to each period's end.
    Cumulative,
    /// Repeat transactions in each period.
    Incremental,
}

/// The tracking chart of `tracking`, computed with `options`: x is the period's number (1 for
/// the first), y the actual (solid) and expected (dashed) repeat transactions, and a marker
/// stands after the last calibration period.
///
/// # Errors
///
/// [`ChartError::EmptyInput`] naming `periods` when `tracking` has none.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{tracking_chart, TrackingView};
/// use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
/// use customer_value::clv::BgNbd;
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let log = [
///     Transaction::new(1, day(1, 1), Decimal::from(20)),
///     Transaction::new(1, day(1, 20), Decimal::from(15)),
///     Transaction::new(2, day(1, 2), Decimal::from(30)),
/// ];
/// let summaries = Summarizer::new(day(1, 28)).summarize(&log)?;
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let options = TrackingOptions::weekly(day(1, 1), 4, day(1, 14));
/// let tracking = transaction_tracking(&model, &summaries, &options)?;
/// let chart = tracking_chart(&tracking, &options, TrackingView::Cumulative)?;
/// assert_eq!(chart.series[0].points, [[1.0, 0.0], [2.0, 0.0], [3.0, 1.0], [4.0, 1.0]]);
/// assert_eq!(chart.series[1].points[3][1], tracking.periods[3].cumulative_expected);
/// assert_eq!(chart.markers[0].x, 2.5); // between week 2 (calibration) and week 3
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn tracking_chart(
    tracking: &TransactionTracking, options: &TrackingOptions, view: TrackingView,
) -> Result<LineChart, ChartError> {
    if tracking.periods.is_empty() {
        return Err(ChartError::EmptyInput { name: "periods" });
    }
    let series = |name: &str, style, value: fn(&TrackedPeriod) -> f64| LineSeries {
        name: name.to_owned(),
        points: (tracking.periods.iter().zip(1..))
            .map(|(p, k)| [f64::from(k), value(p)])
            .collect(),
        style,
    };
    let (title, actual, expected): (_, Value, Value) = match view {
        TrackingView::Cumulative => (
            "Cumulative repeat transactions, actual and expected",
            |p| p.cumulative_actual as f64,
            |p| p.cumulative_expected,
        ),
        TrackingView::Incremental => (
            "Repeat transactions per period, actual and expected",
            |p| p.actual as f64,
            |p| p.expected,
        ),
    };
    let calibration = tracking.periods.iter().filter(|p| !p.holdout).count();
    // Only a split inside the tracked range is marked: all-calibration or all-holdout has none.
    let markers = (calibration > 0 && calibration < tracking.periods.len())
        .then(|| Marker {
            x: calibration as f64 + 0.5,
            label: Some("End of calibration".to_owned()),
        })
        .into_iter()
        .collect();
    Ok(LineChart {
        title: title.to_owned(),
        x_axis: Axis::new("Period", Some(&period_unit(options))),
        y_axis: Axis::new("Repeat transactions", None),
        series: vec![
            series("Actual", LineStyle::Solid, actual),
            series("Expected by the model", LineStyle::Dashed, expected),
        ],
        markers,
    })
}

/// One number of a tracked period.
type Value = fn(&TrackedPeriod) -> f64;

/// "weeks from 1997-01-01" and the like: what one step of the x axis is.
fn period_unit(options: &TrackingOptions) -> String {
    let name = match options.length {
        PeriodLength::Elapsed(TimeUnit::Days) => "days",
        PeriodLength::Elapsed(TimeUnit::Weeks) => "weeks of 7 days",
        PeriodLength::Calendar(CalendarPeriod::Week) => "calendar weeks",
        PeriodLength::Calendar(CalendarPeriod::Month) => "calendar months",
        PeriodLength::Calendar(CalendarPeriod::Year) => "calendar years",
    };
    format!("{name} from {}", options.start)
}
