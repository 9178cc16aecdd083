//! The input of every fit: the histories, and optionally how many customers each one stands for.

use std::borrow::Cow;

use crate::clv::ClvError;

/// The data of a maximum-likelihood fit: one row per customer ([`FitData::new`], or a plain slice
/// through `From`), or rows that each stand for several identical customers
/// ([`FitData::weighted`], e.g. a published recency/frequency table).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{FitData, RepeatHistory};
/// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?];
/// assert_eq!(FitData::from(&rows).observations(), 2.0);
/// assert_eq!(FitData::weighted(&rows, &[10.0, 4.0])?.observations(), 14.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitData<'a, H> {
    histories: &'a [H],
    weights: Option<&'a [f64]>,
    observations: f64,
}

impl<'a, H> FitData<'a, H> {
    /// One row per customer (every weight 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{DiscreteHistory, FitData};
    /// let rows = vec![DiscreteHistory::new(1, 2, 6)?];
    /// assert_eq!(FitData::new(&rows).histories().len(), 1);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn new(histories: &'a [H]) -> Self {
        Self {
            histories,
            weights: None,
            observations: histories.len() as f64,
        }
    }

    /// Rows each standing for `weights[i]` identical customers.
    ///
    /// # Errors
    ///
    /// [`ClvError::EmptyInput`] for no rows; [`ClvError::LengthMismatch`] naming `weights` when
    /// the two slices differ in length; [`ClvError::InvalidWeight`] for a negative or non-finite
    /// weight, or when every weight is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, FitData, RepeatHistory};
    /// let rows = [RepeatHistory::new(1.0, 5.0, 10.0)?];
    /// assert!(matches!(FitData::weighted(&rows, &[1.0, 2.0]),
    ///     Err(ClvError::LengthMismatch { name: "weights", expected: 1, found: 2 })));
    /// assert!(matches!(FitData::weighted(&rows, &[-1.0]), Err(ClvError::InvalidWeight { .. })));
    /// assert_eq!(FitData::weighted(&rows, &[3.0])?.observations(), 3.0);
    /// # Ok::<(), ClvError>(())
    /// ```
    pub fn weighted(histories: &'a [H], weights: &'a [f64]) -> Result<Self, ClvError> {
        if histories.is_empty() {
            return Err(ClvError::EmptyInput);
        }
        let observations = check_weights(histories.len(), weights)?;
        Ok(Self {
            histories,
            weights: Some(weights),
            observations,
        })
    }

    /// The rows.
    ///
    /// # Examples
    ///
    /// See [`FitData::new`].
    pub fn histories(&self) -> &'a [H] {
        self.histories
    }

    /// Every row's weight (all 1 for [`FitData::new`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{FitData, SpendHistory};
    /// let rows = [SpendHistory::new(2.0, 10.0)?];
    /// assert_eq!(&*FitData::new(&rows).weights(), &[1.0]);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn weights(&self) -> Cow<'a, [f64]> {
        match self.weights {
            Some(w) => Cow::Borrowed(w),
            None => Cow::Owned(vec![1.0; self.histories.len()]),
        }
    }

    /// The number of customers: the sum of the weights.
    ///
    /// # Examples
    ///
    /// See [`FitData`].
    pub fn observations(&self) -> f64 {
        self.observations
    }
}

impl<'a, H> From<&'a [H]> for FitData<'a, H> {
    fn from(histories: &'a [H]) -> Self {
        Self::new(histories)
    }
}

impl<'a, H> From<&'a Vec<H>> for FitData<'a, H> {
    fn from(histories: &'a Vec<H>) -> Self {
        Self::new(histories)
    }
}

impl<'a, H, const N: usize> From<&'a [H; N]> for FitData<'a, H> {
    fn from(histories: &'a [H; N]) -> Self {
        Self::new(histories)
    }
}

/// Checks weights against `len` rows: same length, finite, non-negative, not all zero. Returns
/// their sum.
pub(crate) fn check_weights(len: usize, weights: &[f64]) -> Result<f64, ClvError> {
    crate::clv::check_length("weights", len, weights.len())?;
    if let Some((position, &value)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err(ClvError::InvalidWeight { position, value });
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(ClvError::InvalidWeight {
            position: 0,
            value: 0.0,
        });
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_checked() {
        assert_eq!(check_weights(2, &[1.0, 3.0]), Ok(4.0));
        assert!(matches!(
            check_weights(2, &[1.0]),
            Err(ClvError::LengthMismatch { .. })
        ));
        assert!(matches!(
            check_weights(2, &[1.0, -1.0]),
            Err(ClvError::InvalidWeight { position: 1, .. })
        ));
        assert!(matches!(
            check_weights(1, &[0.0]),
            Err(ClvError::InvalidWeight { .. })
        ));
    }
}
