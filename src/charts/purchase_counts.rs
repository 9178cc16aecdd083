//! Chart 5: the number of customers with 0, 1, 2, … repeat purchases in the calibration, actual
//! against the model (Fader, Hardie & Lee 2005, "Counting your customers the easy way",
//! figure 3; lifetimes' `plot_period_transactions`), from
//! [`observed_frequency_histogram`] and [`expected_frequency_histogram`].

use super::kinds::{Axis, BarChart, BarSeries};
use super::ChartError;
use crate::clv::diagnostics::{expected_frequency_histogram, observed_frequency_histogram};
use crate::clv::{PurchaseModel, RepeatHistory};

/// Customers by repeat purchases, actual and expected by `model` at each customer's age, in
/// bins 0, 1, …, `max_frequency` − 1 and a last "`max_frequency`+" bin.
///
/// # Errors
///
/// The errors of [`expected_frequency_histogram`] (no histories, `max_frequency` above 10,000, a
/// model answering a probability outside [0, 1]) as [`ChartError::Clv`].
///
/// # Examples
///
/// ```
/// use customer_value::charts::purchase_count_chart;
/// use customer_value::clv::{BgNbd, PurchaseModel, RepeatHistory};
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let histories = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(3.0, 20.0, 30.0)?];
/// let chart = purchase_count_chart(&model, &histories, 2)?;
/// assert_eq!(chart.categories, ["0", "1", "2+"]);
/// assert_eq!(chart.series[0].values, [1.0, 0.0, 1.0]);
/// let p0 = model.probability_of_purchases(0, 30.0)?;
/// assert!((chart.series[1].values[0] - 2.0 * p0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn purchase_count_chart<M: PurchaseModel + ?Sized>(
    model: &M, histories: &[RepeatHistory], max_frequency: u32,
) -> Result<BarChart, ChartError> {
    let expected = expected_frequency_histogram(model, histories, max_frequency)?;
    let actual = observed_frequency_histogram(histories, max_frequency)?;
    let categories = (0..=max_frequency)
        .map(|k| match k == max_frequency {
            true => format!("{k}+"),
            false => k.to_string(),
        })
        .collect();
    Ok(BarChart {
        title: "Customers by repeat purchases in the calibration".to_owned(),
        x_axis: Axis::new("Repeat purchases", Some("x")),
        y_axis: Axis::new("Customers", None),
        categories,
        series: vec![
            BarSeries {
                name: "Actual".to_owned(),
                values: actual,
            },
            BarSeries {
                name: "Expected by the model".to_owned(),
                values: expected,
            },
        ],
    })
}
