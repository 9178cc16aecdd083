//! Chart 8: segment sizes and revenue shares (R rfm's segment bar plots, side by side): per
//! segment, its share of the customers next to its share of the revenue. A segment whose
//! revenue bar towers over its customer bar is worth more than its size says (Champions); the
//! reverse is a crowd that spends little (Hibernating).
//!
//! Any labelled segmentation goes in: RFM named segments, k-means labels, decision-tree leaves,
//! lifecycle stages. [`segment_totals`] tallies one label and one net spend per customer;
//! [`segment_share_chart`] draws totals however they were made.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::kinds::{Axis, BarChart, BarSeries};
use super::ChartError;
use crate::numeric::money::to_f64;

/// One segment's customers and net revenue.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentTotal {
    /// The segment's name, as drawn under its bars.
    pub name: String,
    /// Its customers.
    pub customers: u64,
    /// Its customers' net revenue.
    pub revenue: Decimal,
}

/// Tallies one `(segment name, net revenue)` pair per customer into [`SegmentTotal`]s, the
/// largest segment first (ties by name, so the order never depends on the input's). Revenue
/// sums saturate at `Decimal::MAX` in size rather than overflow.
///
/// # Examples
///
/// ```
/// use customer_value::charts::segment_totals;
/// use rust_decimal::Decimal;
/// let totals = segment_totals([("Loyal", Decimal::from(30)), ("New", Decimal::from(5)), ("Loyal", Decimal::from(50))]);
/// assert_eq!((totals[0].name.as_str(), totals[0].customers, totals[0].revenue), ("Loyal", 2, Decimal::from(80)));
/// assert_eq!(totals[1].name, "New");
/// ```
pub fn segment_totals<S: AsRef<str>>(
    customers: impl IntoIterator<Item = (S, Decimal)>,
) -> Vec<SegmentTotal> {
    let mut by_name: BTreeMap<String, (u64, Decimal)> = BTreeMap::new();
    for (name, revenue) in customers {
        let entry = by_name.entry(name.as_ref().to_owned()).or_default();
        entry.0 += 1;
        entry.1 = entry.1.saturating_add(revenue);
    }
    let mut totals: Vec<SegmentTotal> = (by_name.into_iter())
        .map(|(name, (customers, revenue))| SegmentTotal {
            name,
            customers,
            revenue,
        })
        .collect();
    // Stable sort on a BTreeMap's name order: ties keep the names' order.
    totals.sort_by_key(|total| std::cmp::Reverse(total.customers));
    totals
}

/// Two bars per segment, in the order given: its share of all customers and its share of the
/// net revenue, both in percent (each series sums to 100).
///
/// Segment names are long ("Potential Loyalists", a k-means profile's "recent · frequent · high
/// spend"): draw the chart across, `to_svg_across` (feature `charts`), where each name keeps up
/// to 180 px on the left instead of its bar group's width along the bottom.
///
/// # Errors
///
/// - [`ChartError::EmptyInput`] naming `segments` when there are none, or `customers` when no
///   segment has a customer;
/// - [`ChartError::InvalidValue`] naming `revenue`, with the segment's position, for a segment
///   whose net revenue is negative (refunds beyond its purchases: a share below 0 has no bar);
/// - [`ChartError::InvalidParameter`] naming `total revenue` when the revenue adds up to 0
///   (there are no shares of nothing).
///
/// # Examples
///
/// ```
/// use customer_value::charts::{segment_share_chart, SegmentTotal};
/// use rust_decimal::Decimal;
/// let segments = [
///     SegmentTotal { name: "Champions".into(), customers: 1, revenue: Decimal::from(300) },
///     SegmentTotal { name: "Hibernating".into(), customers: 3, revenue: Decimal::from(100) },
/// ];
/// let chart = segment_share_chart(&segments)?;
/// assert_eq!(chart.series[0].values, [25.0, 75.0]); // customers
/// assert_eq!(chart.series[1].values, [75.0, 25.0]); // revenue
/// # Ok::<(), customer_value::charts::ChartError>(())
/// ```
pub fn segment_share_chart(segments: &[SegmentTotal]) -> Result<BarChart, ChartError> {
    if segments.is_empty() {
        return Err(ChartError::EmptyInput { name: "segments" });
    }
    let customers: Vec<f64> = segments.iter().map(|s| s.customers as f64).collect();
    let revenue: Vec<f64> = segments.iter().map(|s| to_f64(s.revenue)).collect();
    if let Some((position, &value)) = revenue.iter().enumerate().find(|(_, &r)| r < 0.0) {
        return Err(ChartError::InvalidValue {
            name: "revenue",
            position,
            value,
        });
    }
    let total_customers: f64 = customers.iter().sum();
    if total_customers == 0.0 {
        return Err(ChartError::EmptyInput { name: "customers" });
    }
    let total_revenue: f64 = revenue.iter().sum();
    if total_revenue <= 0.0 {
        return Err(ChartError::InvalidParameter {
            name: "total revenue",
            value: total_revenue,
            constraint: "must be positive to be shared",
        });
    }
    let percent = |values: Vec<f64>, total: f64| values.iter().map(|v| 100.0 * v / total).collect();
    let chart = BarChart {
        title: "Customers and revenue by segment".to_owned(),
        x_axis: Axis::new("Segment", None),
        y_axis: Axis::new("Share", Some("% of all")),
        categories: segments.iter().map(|s| s.name.clone()).collect(),
        series: vec![
            BarSeries {
                name: "Share of customers".to_owned(),
                values: percent(customers, total_customers),
            },
            BarSeries {
                name: "Share of net revenue".to_owned(),
                values: percent(revenue, total_revenue),
            },
        ],
    };
    chart.check()?;
    Ok(chart)
}
