//! Forecasts kept per future interval: expected purchases and discounted value in each of
//! months 1 to 12, years [1, 3) and [3, 5), or any sorted list of dates, for customers already
//! seen ([`interval_forecast`], [`interval_forecasts`]) and for a customer not yet seen
//! ([`new_customer_interval_forecast`], [`new_customer_lifetime_value`]).
//!
//! The intervals ([`ForecastIntervals`]) are counted in an explicit [`HorizonUnit`] with an
//! explicit [`MonthLength`]: calendar months from an as-of date (the rows then carry dates), the
//! Gregorian average month of 30.4375 days, or Python lifetimes' month of 30 days or 4.345 weeks
//! (the month [`crate::clv::customer_lifetime_value`] discounts by).
//!
//! In an interval (s, e] a customer's expected purchases are E[Y(e)] − E[Y(s)], from the purchase
//! model's cumulative expectation (conditional on the history for a customer already seen, the
//! unconditional E[X(t)] for a new one). The value is those purchases times the expected spend
//! per purchase, discounted at [`crate::clv::ClvOptions::monthly_discount_rate`] month by month
//! as `customer_lifetime_value` discounts (each month's purchases at the month's end; a piece of
//! a month cut by an interval boundary at the piece's end, (1 + d)^(−t/u) with t/u fractional
//! months). So contiguous intervals from 0 add up to the single-horizon figures: the expected
//! purchases to [`crate::clv::PurchaseModel::conditional_expected_purchases`] at the last end, and
//! the value over lifetimes' months 1 to H to `customer_lifetime_value`.
//!
//! Each row also carries its value as money (`Decimal`, rounded as
//! [`crate::clv::ClvOptions::to_money`] rounds); the forecast's money total is the exact sum of
//! the rows' money, so a table of rows adds up to its total to the cent (it may differ from the
//! rounded total value by up to half a cent per row).
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{interval_forecast, ClvOptions, ForecastIntervals, GammaGamma, HorizonUnit,
//!     MonthLength, ParetoNbd, PurchaseModel, RepeatHistory, SpendHistory};
//!
//! let purchases = ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)?;
//! let spend = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
//! let (h, z) = (RepeatHistory::new(2.0, 30.43, 38.86)?, SpendHistory::new(2.0, 22.35)?);
//! let years = ForecastIntervals::contiguous(HorizonUnit::Years, MonthLength::Average, &[0, 1, 3, 5])?;
//! let forecast = interval_forecast(&purchases, &spend, &h, &z, &years, &ClvOptions::default())?;
//! assert_eq!(forecast.rows.len(), 3);
//! // Five years of 365.25 days are 260.89 weeks: the rows add up to the five-year expectation.
//! let five_years = purchases.conditional_expected_purchases(5.0 * 365.25 / 7.0, &h)?;
//! assert!((forecast.expected_purchases - five_years).abs() < 1e-12);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

mod customer;
mod intervals;
mod new_customer;
mod plan;

pub use customer::{interval_forecast, interval_forecasts};
pub use intervals::{ForecastInterval, ForecastIntervals, HorizonUnit, MonthLength};
pub use new_customer::{new_customer_interval_forecast, new_customer_lifetime_value};

use rust_decimal::Decimal;

/// One interval of a forecast.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IntervalRow {
    /// The interval: its start and end in days after the observation end, and as dates with
    /// calendar months.
    pub interval: ForecastInterval,
    /// Expected purchases in the interval, E[Y(end)] − E[Y(start)].
    pub expected_purchases: f64,
    /// Their discounted value: expected spend × purchases, discounted month by month.
    pub value: f64,
    /// `value` as money, rounded to [`crate::clv::ClvOptions::decimal_places`].
    pub money: Decimal,
}

/// One customer's forecast, one row per interval, with the totals.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IntervalForecast {
    /// One row per interval, in the intervals' order.
    pub rows: Vec<IntervalRow>,
    /// The rows' expected purchases, summed.
    pub expected_purchases: f64,
    /// The rows' values, summed.
    pub value: f64,
    /// The rows' money, summed exactly.
    pub money: Decimal,
}
