//! What a tree is grown on: named feature columns with units, and one class per row.

use std::collections::BTreeSet;

use ndarray::{Array2, ArrayView2};

use crate::numeric::quantile::quantiles;
use crate::segment::tree::TreeError;
use crate::segment::{Feature, Segmentation};
use crate::summary::{CalibrationHoldout, CustomerSummary};

/// A feature column's name and unit, as the rules write them (`"recency"`, `"days"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TreeFeature {
    /// The name in the rules (`"recency"`, `"orders"`).
    pub name: String,
    /// The unit written after a threshold (`"days"`), or empty for none.
    pub unit: String,
}

impl TreeFeature {
    /// A column named `name`, in `unit` (empty for none).
    pub fn new(name: impl Into<String>, unit: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            unit: unit.into(),
        }
    }

    /// The words for a summary [`Feature`]: recency and tenure in days, orders (purchase
    /// occasions), total spend and average order value (in the log's currency, unnamed).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::{tree::TreeFeature, Feature};
    /// assert_eq!(TreeFeature::from_feature(Feature::RecencyDays), TreeFeature::new("recency", "days"));
    /// assert_eq!(TreeFeature::from_feature(Feature::PurchaseOccasions).name, "orders");
    /// ```
    pub fn from_feature(feature: Feature) -> Self {
        match feature {
            Feature::RecencyDays => Self::new("recency", "days"),
            Feature::PurchaseOccasions => Self::new("orders", ""),
            Feature::Monetary => Self::new("total spend", ""),
            Feature::AverageOrderValue => Self::new("average order value", ""),
            Feature::TenureDays => Self::new("tenure", "days"),
        }
    }
}

/// Feature columns and their rows (one row per customer), checked finite.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TreeInput {
    features: Vec<TreeFeature>,
    rows: Array2<f64>,
}

impl TreeInput {
    /// Rows of the named `features` (one column each).
    ///
    /// # Errors
    ///
    /// [`TreeError::EmptyInput`] when there are no rows or no features,
    /// [`TreeError::LengthMismatch`] when `rows` has another number of columns than `features`,
    /// [`TreeError::NonFinite`] naming the first NaN or infinite value's row and feature.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::tree::{TreeError, TreeFeature, TreeInput};
    /// use ndarray::array;
    /// let bad = TreeInput::new(vec![TreeFeature::new("recency", "days")], array![[3.0], [f64::NAN]]);
    /// assert!(matches!(bad, Err(TreeError::NonFinite { row: 1, ref feature, .. }) if feature == "recency"));
    /// ```
    pub fn new(features: Vec<TreeFeature>, rows: Array2<f64>) -> Result<Self, TreeError> {
        if rows.nrows() == 0 {
            return Err(TreeError::EmptyInput { what: "rows" });
        }
        if features.is_empty() {
            return Err(TreeError::EmptyInput {
                what: "feature columns",
            });
        }
        if rows.ncols() != features.len() {
            return Err(TreeError::LengthMismatch {
                name: "feature columns",
                expected: features.len(),
                found: rows.ncols(),
            });
        }
        check_finite(rows.view(), &features)?;
        Ok(Self { features, rows })
    }

    /// The `features` of each summary, in the order given (so a target built in the same order
    /// lines up): recency days, orders, total spend, average order value, tenure days.
    ///
    /// # Errors
    ///
    /// As [`TreeInput::new`]: no summaries or no features.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::{tree::TreeInput, Feature};
    /// use customer_value::{Summarizer, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::from(10)), Transaction::new(1, d(5), Decimal::from(30))];
    /// let summaries = Summarizer::new(d(9)).summarize(&log)?;
    /// let input = TreeInput::from_summaries(&summaries, &[Feature::RecencyDays, Feature::PurchaseOccasions])?;
    /// assert_eq!(input.rows().row(0).to_vec(), [4.0, 2.0]);
    /// assert_eq!(input.features()[1].name, "orders");
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn from_summaries<'a, C: 'a>(
        summaries: impl IntoIterator<Item = &'a CustomerSummary<C>>, features: &[Feature],
    ) -> Result<Self, TreeError> {
        let values: Vec<f64> = summaries
            .into_iter()
            .flat_map(|s| features.iter().map(|f| f.value(s)))
            .collect();
        let columns = features.len();
        let rows = values.len().checked_div(columns).unwrap_or(0);
        let rows =
            Array2::from_shape_vec((rows, columns), values).map_err(|_| TreeError::EmptyInput {
                what: "feature columns",
            })?;
        let names = features.iter().map(|&f| TreeFeature::from_feature(f));
        Self::new(names.collect(), rows)
    }

    /// The feature columns.
    pub fn features(&self) -> &[TreeFeature] {
        &self.features
    }

    /// The rows, one per customer.
    pub fn rows(&self) -> ArrayView2<'_, f64> {
        self.rows.view()
    }
}

/// The first NaN or infinite value, with its row and its feature's name.
pub(crate) fn check_finite(
    rows: ArrayView2<f64>, features: &[TreeFeature],
) -> Result<(), TreeError> {
    for (row, values) in rows.rows().into_iter().enumerate() {
        if let Some((column, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(TreeError::NonFinite {
                row,
                feature: features[column].name.clone(),
                value,
            });
        }
    }
    Ok(())
}

/// The class of each row, as an index into named classes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TreeTarget {
    classes: Vec<String>,
    labels: Vec<usize>,
}

impl TreeTarget {
    /// `labels[i]` is row i's index into `classes`.
    ///
    /// # Errors
    ///
    /// [`TreeError::EmptyInput`] with no classes or no labels, [`TreeError::DuplicateClass`]
    /// when two classes share a name, [`TreeError::UnknownClass`] for a label ≥ the number of
    /// classes.
    pub fn new(classes: Vec<String>, labels: Vec<usize>) -> Result<Self, TreeError> {
        if classes.is_empty() {
            return Err(TreeError::EmptyInput { what: "classes" });
        }
        if labels.is_empty() {
            return Err(TreeError::EmptyInput { what: "rows" });
        }
        let mut seen = BTreeSet::new();
        if let Some(name) = classes.iter().find(|c| !seen.insert(c.as_str())) {
            return Err(TreeError::DuplicateClass { name: name.clone() });
        }
        if let Some((row, &class)) = labels.iter().enumerate().find(|(_, &l)| l >= classes.len()) {
            return Err(TreeError::UnknownClass {
                row,
                class,
                classes: classes.len(),
            });
        }
        Ok(Self { classes, labels })
    }

    /// Classes named per row; the classes are the distinct names, sorted.
    ///
    /// # Errors
    ///
    /// [`TreeError::EmptyInput`] with no names.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::tree::TreeTarget;
    /// let t = TreeTarget::from_names(&["vip", "base", "vip"])?;
    /// assert_eq!(t.classes(), ["base", "vip"]);
    /// assert_eq!(t.labels(), [1, 0, 1]);
    /// # Ok::<(), customer_value::segment::tree::TreeError>(())
    /// ```
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Self, TreeError> {
        let classes: Vec<String> = names
            .iter()
            .map(|n| n.as_ref())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(String::from)
            .collect();
        let labels = names
            .iter()
            .map(|n| classes.partition_point(|c| c.as_str() < n.as_ref()))
            .collect();
        Self::new(classes, labels)
    }

    /// CLV tiers by quantile: with k `tier_names` (lowest value first), a customer whose CLV is at
    /// most the 1/k quantile is in the first tier, one above the (k−1)/k quantile in the last.
    /// Quantiles are the crate's one rule (Hyndman & Fan type 7, numpy's default).
    ///
    /// # Errors
    ///
    /// [`TreeError::EmptyInput`] with no values or fewer than two tier names,
    /// [`TreeError::NonFinite`] naming `clv` for a NaN or infinite value,
    /// [`TreeError::DuplicateClass`] for a repeated tier name.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::tree::TreeTarget;
    /// // Terciles of 1..=9 (numpy.quantile): 11/3 and 19/3.
    /// let clv: Vec<f64> = (1..=9).map(f64::from).collect();
    /// let t = TreeTarget::clv_tiers(&clv, &["low value", "mid value", "high value"])?;
    /// assert_eq!(t.labels(), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    /// # Ok::<(), customer_value::segment::tree::TreeError>(())
    /// ```
    pub fn clv_tiers(clv: &[f64], tier_names: &[&str]) -> Result<Self, TreeError> {
        if tier_names.len() < 2 {
            return Err(TreeError::EmptyInput { what: "tier names" });
        }
        if let Some((row, &value)) = clv.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            let feature = "clv".to_string();
            return Err(TreeError::NonFinite {
                row,
                feature,
                value,
            });
        }
        let k = tier_names.len();
        let probabilities: Vec<f64> = (1..k).map(|i| i as f64 / k as f64).collect();
        let cuts = quantiles(clv, &probabilities).ok_or(TreeError::EmptyInput { what: "rows" })?;
        // The tier is the number of cut points the value lies above.
        let labels = clv
            .iter()
            .map(|v| cuts.partition_point(|c| c < v))
            .collect();
        Self::new(tier_names.iter().map(|s| s.to_string()).collect(), labels)
    }

    /// The segments of a k-means [`Segmentation`] as classes (`"segment 0: recent · frequent ·
    /// high spend"`), one per customer in the segmentation's (customer-id) order.
    ///
    /// # Errors
    ///
    /// [`TreeError::EmptyInput`] for a segmentation without customers.
    pub fn segments<C>(segmentation: &Segmentation<C>) -> Result<Self, TreeError> {
        let classes = segmentation
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| format!("segment {i}: {}", s.label))
            .collect();
        Self::new(classes, segmentation.labels.clone())
    }

    /// Churned by the holdout: classes `["active", "churned"]`, a customer churned when it made
    /// no purchase in the holdout period (`bought_in_holdout[i]` false).
    ///
    /// # Errors
    ///
    /// [`TreeError::EmptyInput`] with no customers.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::segment::tree::TreeTarget;
    /// let t = TreeTarget::churned(&[true, false])?;
    /// assert_eq!(t.classes(), ["active", "churned"]);
    /// assert_eq!(t.labels(), [0, 1]);
    /// # Ok::<(), customer_value::segment::tree::TreeError>(())
    /// ```
    pub fn churned(bought_in_holdout: &[bool]) -> Result<Self, TreeError> {
        let labels = bought_in_holdout.iter().map(|&b| usize::from(!b)).collect();
        Self::new(vec!["active".into(), "churned".into()], labels)
    }

    /// [`TreeTarget::churned`] from a calibration/holdout split
    /// ([`Summarizer::calibration_holdout`](crate::Summarizer::calibration_holdout)): a customer
    /// churned when it has no holdout purchase occasion. Rows follow the split's order, as
    /// [`TreeInput::from_summaries`] of its calibration summaries does.
    ///
    /// # Errors
    ///
    /// [`TreeError::EmptyInput`] for an empty split.
    pub fn churned_by_holdout<C>(split: &[CalibrationHoldout<C>]) -> Result<Self, TreeError> {
        let bought: Vec<bool> = split.iter().map(|s| s.holdout_purchases > 0).collect();
        Self::churned(&bought)
    }

    /// The class names.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// Each row's class index.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }
}
