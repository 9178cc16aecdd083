//! Breakdown of a single-item statistic by a caller-given segment label.

use std::collections::BTreeMap;

use super::interval::check_weights;
use super::{Result, SatisfactionError};

/// One segment's statistic.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentResult<L, T> {
    /// The segment label.
    pub segment: L,
    /// Respondents in the segment.
    pub respondents: usize,
    /// The statistic computed on the segment's answers.
    pub statistic: T,
}

/// Computes `statistic` on the answers (and weights) of each segment label, sorted by label.
///
/// Answers keep their input order within a segment, so the result does not depend on how segments
/// are interleaved in the input.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::{by_segment, Descriptive};
/// let rows = by_segment(&[1.0, 5.0, 3.0], None, &['b', 'a', 'b'], |answers, _| {
///     Descriptive::of(answers)
/// })?;
/// assert_eq!(rows[0].segment, 'a');
/// assert_eq!(rows[1].statistic.mean(), 2.0);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// # Errors
///
/// [`SatisfactionError::EmptyInput`] for no answers; [`SatisfactionError::LengthMismatch`] when labels
/// or weights differ in length from the answers; the weight errors of
/// [`crate::satisfaction::effective_sample_size`] (positions refer to the whole input); and any error
/// `statistic` returns for a segment (e.g. [`SatisfactionError::ZeroTotalWeight`] when one segment's
/// weights are all zero).
pub fn by_segment<L, A, T, F>(
    answers: &[A], weights: Option<&[f64]>, labels: &[L], statistic: F,
) -> Result<Vec<SegmentResult<L, T>>>
where
    L: Ord + Clone,
    A: Clone,
    F: Fn(&[A], Option<&[f64]>) -> Result<T>,
{
    if answers.is_empty() {
        return Err(SatisfactionError::EmptyInput);
    }
    if labels.len() != answers.len() {
        return Err(SatisfactionError::LengthMismatch {
            name: "labels",
            expected: answers.len(),
            found: labels.len(),
        });
    }
    if let Some(w) = weights {
        check_weights(w, answers.len())?;
    }
    let mut groups: BTreeMap<&L, (Vec<A>, Vec<f64>)> = BTreeMap::new();
    for (position, (label, answer)) in labels.iter().zip(answers).enumerate() {
        let entry = groups.entry(label).or_default();
        entry.0.push(answer.clone());
        if let Some(w) = weights {
            entry.1.push(w[position]);
        }
    }
    groups
        .into_iter()
        .map(|(label, (group_answers, group_weights))| {
            let group_weights = weights.map(|_| group_weights.as_slice());
            Ok(SegmentResult {
                segment: label.clone(),
                respondents: group_answers.len(),
                statistic: statistic(&group_answers, group_weights)?,
            })
        })
        .collect()
}
