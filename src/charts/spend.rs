//! Chart 7: repeat customers by their mean spend per repeat purchase z̄, actual against the
//! Gamma-Gamma model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", the
//! spend submodel; lifetimes and CLVTools draw the same comparison as densities).
//!
//! The model's bar for a bin is the expected number of customers in it: the sum over the repeat
//! customers of P(z̄ in the bin | xᵢ), each from the distribution of z̄ given x
//! ([`GammaGamma::mean_spend_cdf`]), so that a customer with many purchases, whose z̄ is close to
//! their own mean, spreads less than one with a single repeat purchase.

use super::kinds::{Axis, BarChart, BarSeries};
use super::{nice_step, number_label, ChartError};
use crate::clv::{GammaGamma, SpendHistory};
use crate::numeric::quantile::quantile_sorted;

/// The most bins a spend chart takes: more bars than pixels per bar at 800 pixels wide.
const MAX_BINS: usize = 200;

/// The bins of a spend histogram: `count` bins of `width` from 0, the last one open
/// ("from (count − 1) · width up").
///
/// # Examples
///
/// ```
/// use customer_value::charts::SpendBins;
/// use customer_value::clv::SpendHistory;
/// let bins = SpendBins { width: 10.0, count: 4 };
/// assert_eq!(bins.labels(), ["0–10", "10–20", "20–30", "30+"]);
/// let histories = [SpendHistory::new(1.0, 12.0)?, SpendHistory::new(2.0, 47.0)?];
/// // The 95th percentile of z̄ is 45.25: 3 closed bins of a nice width cover it.
/// assert_eq!(SpendBins::covering(&histories, 4), Some(SpendBins { width: 20.0, count: 4 }));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpendBins {
    /// The width of each bin, in money (positive, finite).
    pub width: f64,
    /// The number of bins, 2 to 200, the last one open.
    pub count: usize,
}

impl SpendBins {
    /// `count` bins whose closed ones cover the 95th percentile of the repeat customers' z̄
    /// (type 7), with a nice width (1, 2, 2.5 or 5 × 10^k): the few large spenders share the
    /// open last bin instead of stretching the axis. `None` without a repeat customer or with
    /// `count` below 2.
    pub fn covering(histories: &[SpendHistory], count: usize) -> Option<SpendBins> {
        if count < 2 {
            return None;
        }
        let mut spend: Vec<f64> = repeat_customers(histories)
            .map(|h| h.mean_spend())
            .collect();
        spend.sort_by(f64::total_cmp);
        let top = quantile_sorted(&spend, 0.95)?;
        let width = nice_step(top / (count - 1) as f64);
        (width.is_finite() && width > 0.0).then_some(SpendBins { width, count })
    }

    /// The bins' names: "0–10", "10–20", …, "30+".
    pub fn labels(&self) -> Vec<String> {
        (0..self.count)
            .map(|k| {
                let low = number_label(k as f64 * self.width);
                if k + 1 == self.count {
                    format!("{low}+")
                } else {
                    format!("{low}–{}", number_label((k + 1) as f64 * self.width))
                }
            })
            .collect()
    }

    /// # Errors
    ///
    /// [`ChartError::InvalidParameter`] naming `width` or `count`.
    fn check(&self) -> Result<(), ChartError> {
        if !(self.width.is_finite() && self.width > 0.0) {
            return Err(ChartError::InvalidParameter {
                name: "width",
                value: self.width,
                constraint: "must be positive and finite",
            });
        }
        if !(2..=MAX_BINS).contains(&self.count) {
            return Err(ChartError::InvalidParameter {
                name: "count",
                value: self.count as f64,
                constraint: "must be 2 to 200 bins",
            });
        }
        Ok(())
    }

    /// The bin of a mean spend: ⌊z̄ / width⌋, the last bin for everything beyond.
    fn bin_of(&self, spend: f64) -> usize {
        ((spend / self.width).floor() as usize).min(self.count - 1)
    }
}

/// Repeat customers by mean spend per repeat purchase in `bins`, actual and expected by the
/// Gamma-Gamma `model` given each customer's number of repeat purchases. Customers without a
/// repeat purchase (x = 0) are left out, as the model's fit leaves them out: their spend per
/// repeat purchase is not observed. Both series add up to the number of repeat customers.
///
/// # Errors
///
/// [`ChartError::InvalidParameter`] naming `width` (not positive and finite) or `count`
/// (outside 2..=200) of `bins`; [`ChartError::EmptyInput`] naming `histories` when no customer
/// has a repeat purchase; the model's errors of [`GammaGamma::mean_spend_cdf`] as
/// [`ChartError::Clv`].
///
/// # Examples
///
/// ```
/// use customer_value::charts::{spend_chart, SpendBins};
/// use customer_value::clv::{GammaGamma, SpendHistory};
/// let model = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
/// let histories = [
///     SpendHistory::new(1.0, 10.0)?,
///     SpendHistory::new(2.0, 22.35)?,
///     SpendHistory::new(3.0, 40.0)?,
///     SpendHistory::new(1.0, 80.0)?,
///     SpendHistory::new(0.0, 0.0)?, // no repeat purchase: left out
/// ];
/// let chart = spend_chart(&model, &histories, &SpendBins { width: 20.0, count: 4 })?;
/// assert_eq!(chart.categories, ["0–20", "20–40", "40–60", "60+"]);
/// assert_eq!(chart.series[0].values, [1.0, 1.0, 1.0, 1.0]);
/// // scipy.integrate.quad of the density of z̄ given x over each bin, summed over the four.
/// let scipy = [1.2372140192337682, 1.6554880590017271, 0.626550216357472, 0.4807477054070326];
/// for (got, want) in chart.series[1].values.iter().zip(scipy) {
///     assert!((got - want).abs() < 1e-10);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn spend_chart(
    model: &GammaGamma, histories: &[SpendHistory], bins: &SpendBins,
) -> Result<BarChart, ChartError> {
    bins.check()?;
    let mut actual = vec![0.0; bins.count];
    let mut frequencies = Vec::new();
    for history in repeat_customers(histories) {
        actual[bins.bin_of(history.mean_spend())] += 1.0;
        frequencies.push(history.frequency());
    }
    if frequencies.is_empty() {
        return Err(ChartError::EmptyInput { name: "histories" });
    }
    let expected = expected_counts(model, frequencies, bins)?;
    Ok(BarChart {
        title: "Repeat customers by mean spend per repeat purchase".to_owned(),
        x_axis: Axis::new(
            "Mean spend per repeat purchase z̄",
            Some("money per purchase"),
        ),
        y_axis: Axis::new("Customers", None),
        categories: bins.labels(),
        series: vec![
            BarSeries {
                name: "Actual".to_owned(),
                values: actual,
            },
            BarSeries {
                name: "Expected by the Gamma-Gamma model".to_owned(),
                values: expected,
            },
        ],
    })
}

fn repeat_customers(histories: &[SpendHistory]) -> impl Iterator<Item = &SpendHistory> {
    histories.iter().filter(|h| h.frequency() > 0.0)
}

/// Σᵢ P(z̄ in bin k | xᵢ) for every bin, each distinct x computed once and weighted by how many
/// customers have it (sorted, so the sum's order does not depend on the input's).
fn expected_counts(
    model: &GammaGamma, mut frequencies: Vec<f64>, bins: &SpendBins,
) -> Result<Vec<f64>, ChartError> {
    frequencies.sort_by(f64::total_cmp);
    let mut expected = vec![0.0; bins.count];
    for group in frequencies.chunk_by(|a, b| a == b) {
        let (x, customers) = (group[0], group.len() as f64);
        let mut below = 0.0;
        for (k, slot) in expected.iter_mut().enumerate() {
            let upper = if k + 1 == bins.count {
                1.0
            } else {
                model.mean_spend_cdf(x, (k + 1) as f64 * bins.width)?
            };
            *slot += customers * (upper - below).max(0.0);
            below = upper;
        }
    }
    Ok(expected)
}
