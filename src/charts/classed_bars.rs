//! A fourth shape: one bar per category colored by its class (detractors, passives,
//! promoters), with estimates and their intervals written under the title.

use super::kinds::{finite, non_empty, non_negative, same_length, within, Axis};
use super::{number_label, ChartError};
use crate::Interval;

/// What a class of bars means, which sets its color: red, grey or green.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Tone {
    /// Bad news (detractors).
    Negative,
    /// Neither (passives).
    Neutral,
    /// Good news (promoters).
    Positive,
}

/// A class of bars of a [`ClassedBarChart`]: its name in the legend and its tone.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BarClass {
    /// The class' name in the legend.
    pub name: String,
    /// What it means, which sets its color.
    pub tone: Tone,
}

/// An estimate with its confidence interval, written under a chart's title ("NPS 45.0, 95%
/// interval 29.3 to 58.1") and, when it has a scale, drawn under the text on that scale: the
/// interval as a bar, the estimate as a dot.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Estimate {
    /// What is estimated.
    pub name: String,
    /// The estimate and its interval.
    pub interval: Interval,
    /// The scale the estimate lives on, low and high (−100 and 100 for an NPS), or `None` to
    /// write the text alone.
    pub scale: Option<[f64; 2]>,
}

impl Estimate {
    /// The text drawn: "name estimate, level% interval lower to upper", one decimal each.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::charts::Estimate;
    /// use customer_value::Interval;
    /// let interval = Interval::new(45.0, 29.26, 58.13, 0.95);
    /// let nps = Estimate { name: "NPS".into(), interval, scale: Some([-100.0, 100.0]) };
    /// assert_eq!(nps.text(), "NPS 45.0, 95% interval 29.3 to 58.1");
    /// ```
    pub fn text(&self) -> String {
        let Interval {
            estimate,
            lower,
            upper,
            level,
            ..
        } = self.interval;
        let percent = number_label(level * 100.0);
        format!(
            "{} {estimate:.1}, {percent}% interval {lower:.1} to {upper:.1}",
            self.name
        )
    }
}

/// One bar per named category, each colored by its class (one legend entry per class), with
/// estimates written under the title: the answers to a survey question and its score.
///
/// # Examples
///
/// ```
/// use customer_value::charts::{Axis, BarClass, ClassedBarChart, Tone};
/// let chart = ClassedBarChart {
///     title: "Answers".into(),
///     x_axis: Axis::new("Answer", None),
///     y_axis: Axis::new("Respondents", None),
///     categories: vec!["no".into(), "yes".into()],
///     values: vec![3.0, 5.0],
///     classes: vec![
///         BarClass { name: "No".into(), tone: Tone::Negative },
///         BarClass { name: "Yes".into(), tone: Tone::Positive },
///     ],
///     class_of: vec![0, 1],
///     estimates: vec![],
/// };
/// assert!(chart.check().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClassedBarChart {
    /// The chart's title.
    pub title: String,
    /// The axis of the categories.
    pub x_axis: Axis,
    /// The axis of the values.
    pub y_axis: Axis,
    /// The categories, in order.
    pub categories: Vec<String>,
    /// One value per category.
    pub values: Vec<f64>,
    /// The classes, named in the legend when there are two or more.
    pub classes: Vec<BarClass>,
    /// Each category's class: an index into `classes`.
    pub class_of: Vec<usize>,
    /// Estimates written under the title, one line each.
    pub estimates: Vec<Estimate>,
}

impl ClassedBarChart {
    /// Checks that there are categories, one value and one class per category, every class
    /// exists, every value is finite and at least 0, every estimate is finite and every scale
    /// runs from a low to a higher finite value.
    ///
    /// # Errors
    ///
    /// [`ChartError::EmptyInput`] naming `categories` or `classes` when there are none;
    /// [`ChartError::LengthMismatch`] naming `values` or `class_of` when it has not one entry
    /// per category; [`ChartError::InvalidValue`] naming `class_of` (an index past the
    /// classes), `values` (negative or not finite) or `estimates` (an estimate, bound or level
    /// not finite, in the order estimate, lower, upper, level), with its position;
    /// [`ChartError::InvalidParameter`] naming `scale` (its width) when a scale's high is not
    /// above its low or either is not finite.
    pub fn check(&self) -> Result<(), ChartError> {
        non_empty("categories", self.categories.len())?;
        non_empty("classes", self.classes.len())?;
        same_length("values", self.categories.len(), self.values.len())?;
        same_length("class_of", self.categories.len(), self.class_of.len())?;
        within(
            "class_of",
            self.class_of.iter().copied(),
            self.classes.len(),
        )?;
        non_negative("values", self.values.iter().copied())?;
        let bounds = self.estimates.iter().flat_map(|e| {
            let i = e.interval;
            [i.estimate, i.lower, i.upper, i.level]
        });
        finite("estimates", bounds)?;
        for [low, high] in self.estimates.iter().filter_map(|e| e.scale) {
            if !(low.is_finite() && high.is_finite() && high > low) {
                return Err(ChartError::InvalidParameter {
                    name: "scale",
                    value: high - low,
                    constraint: "must run from a finite low to a higher finite high",
                });
            }
        }
        Ok(())
    }
}
