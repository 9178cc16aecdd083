//! The covariate matrix: one row per customer, aligned with the histories, one named column per
//! covariate, every value checked finite when the matrix is built.

use crate::clv::ClvError;

/// Time-invariant covariates, one row per customer (in the order of the histories a fit or a
/// prediction takes) and one named column per covariate. Built only through the checking
/// constructors: every value is finite and every row has one value per name.
///
/// Covariates enter a rate as exp(γᵀz) (see [`crate::clv::covariates`]): centre and scale
/// continuous ones (mean 0, standard deviation 1), so that the coefficients are comparable and
/// exp(γᵀz) stays in range; code a category as 0/1 dummies, leaving one level out (the base
/// parameters describe it).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{ClvError, Covariates};
/// let z = Covariates::from_rows(&["gender", "channel"], &[vec![0.0, 1.0], vec![1.0, 0.0]])?;
/// assert_eq!((z.rows(), z.columns()), (2, 2));
/// assert_eq!(z.row(1), Some(&[1.0, 0.0][..]));
/// assert_eq!(z.names(), ["gender", "channel"]);
/// // A NaN is refused with its place.
/// assert!(matches!(Covariates::from_rows(&["gender"], &[vec![0.0], vec![f64::NAN]]),
///     Err(ClvError::InvalidCovariate { row: 1, column: 0, .. })));
/// # Ok::<(), ClvError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    names: Vec<String>,
    /// Row-major: customer i's values are `values[i * columns .. (i + 1) * columns]`.
    values: Vec<f64>,
    rows: usize,
}

impl Covariates {
    /// A matrix with the rows `rows`, each holding one value per name in `names`.
    ///
    /// # Errors
    ///
    /// [`ClvError::CovariateRowLength`] for a row with another number of values than names, and
    /// [`ClvError::InvalidCovariate`] for a NaN or infinite value (the first in row order), each
    /// with the row and column.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, Covariates};
    /// assert!(matches!(Covariates::from_rows(&["age", "tenure"], &[vec![0.5, 1.0], vec![0.5]]),
    ///     Err(ClvError::CovariateRowLength { row: 1, expected: 2, found: 1 })));
    /// ```
    pub fn from_rows(names: &[&str], rows: &[Vec<f64>]) -> Result<Self, ClvError> {
        let columns = names.len();
        let mut values = Vec::with_capacity(rows.len() * columns);
        for (row, customer) in rows.iter().enumerate() {
            if customer.len() != columns {
                return Err(ClvError::CovariateRowLength {
                    row,
                    expected: columns,
                    found: customer.len(),
                });
            }
            values.extend_from_slice(customer);
        }
        Self::checked(names, values, rows.len())
    }

    /// A matrix from named columns, each holding one value per customer.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] naming `columns` when a column's length differs from the
    /// first's, and [`ClvError::InvalidCovariate`] for a NaN or infinite value with its row and
    /// column.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::Covariates;
    /// let z = Covariates::from_columns(&[("gender", &[0.0, 1.0, 1.0]), ("channel", &[1.0, 1.0, 0.0])])?;
    /// assert_eq!(z.row(2), Some(&[1.0, 0.0][..]));
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn from_columns(columns: &[(&str, &[f64])]) -> Result<Self, ClvError> {
        let rows = columns.first().map_or(0, |(_, values)| values.len());
        if let Some((_, column)) = columns.iter().find(|(_, c)| c.len() != rows) {
            return Err(ClvError::LengthMismatch {
                name: "columns",
                expected: rows,
                found: column.len(),
            });
        }
        let values = (0..rows)
            .flat_map(|i| columns.iter().map(move |(_, c)| c[i]))
            .collect();
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        Self::checked(&names, values, rows)
    }

    /// No covariates for `rows` customers: a process without covariates.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::Covariates;
    /// let none = Covariates::none(3);
    /// assert_eq!((none.rows(), none.columns()), (3, 0));
    /// assert_eq!(none.row(2), Some(&[][..]));
    /// ```
    pub fn none(rows: usize) -> Self {
        Self {
            names: Vec::new(),
            values: Vec::new(),
            rows,
        }
    }

    /// Checks every value finite.
    fn checked(names: &[&str], values: Vec<f64>, rows: usize) -> Result<Self, ClvError> {
        let columns = names.len();
        if let Some((at, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(ClvError::InvalidCovariate {
                row: at / columns,
                column: at % columns,
                value,
            });
        }
        Ok(Self {
            names: names.iter().map(|n| n.to_string()).collect(),
            values,
            rows,
        })
    }

    /// The number of customers.
    ///
    /// # Examples
    ///
    /// See [`Covariates`].
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of covariates.
    ///
    /// # Examples
    ///
    /// See [`Covariates`].
    pub fn columns(&self) -> usize {
        self.names.len()
    }

    /// The covariates' names, in column order.
    ///
    /// # Examples
    ///
    /// See [`Covariates`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Customer `row`'s values, `None` past the last row.
    ///
    /// # Examples
    ///
    /// See [`Covariates`].
    pub fn row(&self, row: usize) -> Option<&[f64]> {
        let columns = self.columns();
        (row < self.rows).then(|| &self.values[row * columns..(row + 1) * columns])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_value_is_reported_with_its_row_and_column() {
        let columns: [(&str, &[f64]); 2] =
            [("a", &[0.0, 1.0, 2.0]), ("b", &[0.0, 1.0, f64::INFINITY])];
        assert_eq!(
            Covariates::from_columns(&columns),
            Err(ClvError::InvalidCovariate {
                row: 2,
                column: 1,
                value: f64::INFINITY
            })
        );
        let short: [(&str, &[f64]); 2] = [("a", &[0.0, 1.0]), ("b", &[0.0])];
        assert!(matches!(
            Covariates::from_columns(&short),
            Err(ClvError::LengthMismatch {
                name: "columns",
                expected: 2,
                found: 1
            })
        ));
        let z = Covariates::from_rows(&["a", "b"], &[vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap();
        assert_eq!(z.row(0), Some(&[1.0, 2.0][..]));
        assert_eq!(z.row(2), None);
    }
}
