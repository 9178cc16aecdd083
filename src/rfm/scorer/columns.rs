//! RFM from plain columns of values, for callers that hold columns rather than
//! [`CustomerSummary`](crate::CustomerSummary) rows: an engine's aggregate that gathered the three
//! values of every customer, or a service scoring rows it reads from a table. The summary forms
//! ([`RfmScorer::fit`], [`FittedRfm::score_one`]) go through these, so both give the same cuts and
//! scores for the same values.

use super::{FittedRfm, RfmScorer};
use crate::rfm::binning::Values;
use crate::rfm::{RfmError, RfmScore, RfmSegment};
use crate::settings::Settings;

impl RfmScorer {
    /// Fits the breakpoints on three columns, one entry per customer: RFM recency in days,
    /// frequency in purchase occasions, and the monetary value on the scorer's basis (total or
    /// average net spend, in money units; convert `Decimal` amounts with
    /// [`to_f64`](crate::numeric::money::to_f64), as [`RfmScorer::fit`] does). The same breakpoints
    /// as [`RfmScorer::fit`] on summaries with these values, in any order: quantiles and
    /// equal-count boundaries depend on the values, not on their order or on customer ids.
    ///
    /// # Errors
    ///
    /// Those of [`Settings::check`](RfmScorer::check); [`RfmError::EmptyInput`] for no entries;
    /// [`RfmError::LengthMismatch`] naming `frequency` or `monetary` when a column's length differs
    /// from `recency_days`'s; [`RfmError::NonFiniteValue`] for a NaN or an infinity; and
    /// [`RfmError::TooFewCustomers`] for equal-count binning with fewer entries than bins.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::RfmScorer;
    /// let fitted = RfmScorer::new().bins(2).fit_columns(&[8.0, 7.0, 6.0], &[1.0, 1.0, 3.0], &[5.0, 10.0, 30.0])?;
    /// assert_eq!(fitted.breakpoints().recency, vec![7.0]); // the median of 8, 7, 6 days
    /// assert_eq!(fitted.breakpoints().monetary, vec![10.0]);
    /// # Ok::<(), customer_value::rfm::RfmError>(())
    /// ```
    pub fn fit_columns(
        &self, recency_days: &[f64], frequency: &[f64], monetary: &[f64],
    ) -> Result<FittedRfm, RfmError> {
        self.check()?;
        if recency_days.is_empty() {
            return Err(RfmError::EmptyInput);
        }
        for (name, column) in [("frequency", frequency), ("monetary", monetary)] {
            if column.len() != recency_days.len() {
                return Err(RfmError::LengthMismatch {
                    name,
                    expected: recency_days.len(),
                    found: column.len(),
                });
            }
        }
        let columns = [
            ("recency_days", recency_days),
            ("frequency", frequency),
            ("monetary", monetary),
        ];
        for (column, values) in columns {
            if let Some((position, &value)) =
                values.iter().enumerate().find(|(_, v)| !v.is_finite())
            {
                return Err(RfmError::NonFiniteValue {
                    column,
                    position,
                    value,
                });
            }
        }
        self.fit_values(&Values {
            recency: recency_days.to_vec(),
            frequency: frequency.to_vec(),
            monetary: monetary.to_vec(),
        })
    }
}

impl FittedRfm {
    /// Scores one customer's values against the fitted breakpoints: RFM recency in days,
    /// frequency in purchase occasions, and the monetary value on the basis the model was fitted
    /// on. [`FittedRfm::score_one`] is this on a summary's values. Each score is 1 + the number of
    /// breakpoints strictly below the value (recency reversed); a NaN is below none.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::RfmScorer;
    /// let fitted = RfmScorer::new().bins(2).fit_columns(&[8.0, 7.0, 6.0], &[1.0, 1.0, 3.0], &[5.0, 10.0, 30.0])?;
    /// let score = fitted.score_values(2.0, 4.0, 10.0);
    /// assert_eq!((score.recency, score.frequency, score.monetary), (2, 2, 1));
    /// # Ok::<(), customer_value::rfm::RfmError>(())
    /// ```
    pub fn score_values(&self, recency_days: f64, frequency: f64, monetary: f64) -> RfmScore {
        RfmScore {
            recency: self.bins - (self.level(&self.breakpoints.recency, recency_days) - 1),
            frequency: self.level(&self.breakpoints.frequency, frequency),
            monetary: self.level(&self.breakpoints.monetary, monetary),
        }
    }

    /// The named segment of `score` under the model's segment map.
    ///
    /// # Errors
    ///
    /// [`RfmError::ScoreOutOfRange`] when a score is outside 1..=bins (never for the scores of
    /// [`FittedRfm::score_values`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{RfmScore, RfmScorer, RfmSegment};
    /// let fitted = RfmScorer::new().fit_columns(&[1.0; 5], &[1.0; 5], &[1.0; 5])?;
    /// let best = RfmScore { recency: 5, frequency: 5, monetary: 5 };
    /// assert_eq!(fitted.segment(best)?, RfmSegment::Champions);
    /// assert!(fitted.segment(RfmScore { recency: 6, ..best }).is_err());
    /// # Ok::<(), customer_value::rfm::RfmError>(())
    /// ```
    pub fn segment(&self, score: RfmScore) -> Result<RfmSegment, RfmError> {
        self.segments.segment(score, self.bins)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Binning;

    #[test]
    fn columns_are_checked() {
        let scorer = RfmScorer::new().bins(2);
        assert_eq!(scorer.fit_columns(&[], &[], &[]), Err(RfmError::EmptyInput));
        assert!(matches!(
            scorer.fit_columns(&[1.0, 2.0], &[1.0], &[1.0, 2.0]),
            Err(RfmError::LengthMismatch {
                name: "frequency",
                expected: 2,
                found: 1
            })
        ));
        assert!(matches!(
            scorer.fit_columns(&[1.0, 2.0], &[1.0, 2.0], &[1.0, f64::NAN]),
            Err(RfmError::NonFiniteValue {
                column: "monetary",
                position: 1,
                ..
            })
        ));
        let equal_count = scorer.binning(Binning::EqualCount).bins(3);
        assert!(matches!(
            equal_count.fit_columns(&[1.0, 2.0], &[1.0, 2.0], &[1.0, 2.0]),
            Err(RfmError::TooFewCustomers {
                customers: 2,
                bins: 3
            })
        ));
    }

    #[test]
    fn equal_count_boundaries_ignore_the_order_of_ties() {
        // Sorted 1, 1, 1, 2, 5, 7 into 3 groups of 2: boundaries 1 and 2, in any input order.
        let scorer = RfmScorer::new().bins(3).binning(Binning::EqualCount);
        let values = [1.0, 5.0, 1.0, 7.0, 2.0, 1.0];
        let reversed: Vec<f64> = values.iter().rev().copied().collect();
        let a = scorer.fit_columns(&values, &values, &values).unwrap();
        let b = scorer.fit_columns(&reversed, &reversed, &reversed).unwrap();
        assert_eq!(a.breakpoints().monetary, vec![1.0, 2.0]);
        assert_eq!(a, b);
    }
}
