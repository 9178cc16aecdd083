use thiserror::Error;

use crate::clv::CovarianceUnavailable;

/// Errors from the purchase and spend models, their fitting, and CLV.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ClvError {
    /// No histories were given.
    #[error("no customer histories were given")]
    EmptyInput,
    /// A history is inconsistent (see [`crate::clv::RepeatHistory::new`]).
    #[error("invalid history{}: {detail}", position.map(|p| format!(" at position {p}")).unwrap_or_default())]
    InvalidHistory {
        /// Its position in the slice, when it came from one.
        position: Option<usize>,
        /// What is wrong with it, with its values.
        detail: String,
    },
    /// A model parameter is not a positive finite number (or violates the model's constraint).
    #[error("parameter {name} = {value} is invalid: {constraint}")]
    InvalidParameter {
        /// The parameter's name as the paper writes it.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must satisfy.
        constraint: &'static str,
    },
    /// A function argument (a time, a rate, a horizon) is out of range.
    #[error("argument {name} = {value} is invalid: {constraint}")]
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must satisfy.
        constraint: &'static str,
    },
    /// Two slices that go together differ in length.
    #[error("{name} has {found} values, expected {expected}")]
    LengthMismatch {
        /// The argument whose length is wrong.
        name: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// A weight is negative, not finite, or all weights are zero.
    #[error("invalid weight at position {position}: {value}")]
    InvalidWeight {
        /// Its position.
        position: usize,
        /// Its value.
        value: f64,
    },
    /// The data cannot identify the model's parameters (e.g. nobody made a repeat purchase).
    #[error("the model cannot be identified from this data: {detail}")]
    NotIdentifiable {
        /// Why.
        detail: &'static str,
    },
    /// The optimiser stopped before converging (ask [`crate::clv::FitOptions::accept_unconverged`] to
    /// get the result anyway).
    #[error(
        "the fit did not converge after {iterations} iterations (log-likelihood {log_likelihood})"
    )]
    NotConverged {
        /// Iterations run.
        iterations: u64,
        /// The last log-likelihood reached.
        log_likelihood: f64,
    },
    /// A quantity could not be computed in floating point.
    #[error("numerical failure: {what}")]
    NumericalFailure {
        /// What failed.
        what: &'static str,
    },
    /// The undiscounted expected lifetime of the shifted-beta-geometric model is infinite when
    /// α ≤ 1 (Fader & Hardie 2007): use a discounted figure (DERL) instead.
    #[error("the expected lifetime is infinite for alpha = {alpha} ≤ 1; use the discounted expected residual lifetime")]
    InfiniteExpectedLifetime {
        /// The α of the model.
        alpha: f64,
    },
    /// The Gamma-Gamma mean spend is infinite (q ≤ 1, or px + q ≤ 1 for a customer's conditional
    /// mean): a prediction that needs it has no finite value. Refit with q constrained above 1.
    #[error("the mean spend is infinite (q = {q} ≤ 1): refit with q constrained above 1")]
    InfiniteMeanSpend {
        /// The fitted q.
        q: f64,
    },
    /// A purchase model (a caller's own [`crate::clv::PurchaseModel`] included) answered a value
    /// outside its range: NaN, infinite, negative, or a probability above 1. The diagnostics and
    /// CLV functions check every value they take from the model.
    #[error("the purchase model's {function} returned {value} for the customer{} (asked by {caller}): predictions must be finite, expectations non-negative and probabilities in [0, 1]", position.map(|p| format!(" at position {p}")).unwrap_or_default())]
    InvalidPrediction {
        /// The model's method that answered it.
        function: &'static str,
        /// The function of this crate that asked.
        caller: &'static str,
        /// The customer's position in the slice, for the batch forms (for a grid, the cell's
        /// position in row-major order).
        position: Option<usize>,
        /// The value answered.
        value: f64,
    },
    /// An interval needs the fit's parameter covariance, and the fit has none (see
    /// [`crate::clv::ModelFit::covariance`]).
    #[error("the fit of {model} has no parameter covariance: {reason}")]
    NoCovariance {
        /// Which fit: `"purchase model"`, `"spend model"` or `"model"`.
        model: &'static str,
        /// Why the fit has none.
        reason: CovarianceUnavailable,
    },
    /// A parametric bootstrap rejected so many draws outside the parameter space that it gave up
    /// (see [`crate::clv::uncertainty::ParameterDraws`]): the asymptotic normal puts most of its
    /// mass outside the space, so its percentiles would not describe the fit.
    #[error("the parametric bootstrap rejected {rejected} draws outside the parameter space for {accepted} of {replicates} replicates accepted: the fit's normal approximation is not usable")]
    TooManyRejectedDraws {
        /// Replicates asked for.
        replicates: usize,
        /// Draws accepted before giving up.
        accepted: usize,
        /// Draws rejected.
        rejected: usize,
    },
    /// A forecast interval is out of place: none given, a negative or too distant boundary, an end
    /// not after its start, or an interval that starts before the one before it or overlaps it
    /// (see [`crate::clv::ForecastIntervals`]).
    #[error("forecast interval {index}: boundary {boundary} is invalid: {constraint}")]
    InvalidForecastInterval {
        /// The interval's position in the list given.
        index: usize,
        /// The offending boundary as given (a count with its unit, or a date).
        boundary: String,
        /// What it must satisfy.
        constraint: &'static str,
    },
    /// A customer's purchase history and spend record disagree on the number of repeat purchases.
    #[error("purchase history{} has x = {purchase_frequency} but the spend record has x = {spend_frequency}", position.map(|p| format!(" at position {p}")).unwrap_or_default())]
    HistoryMismatch {
        /// Position in the slices, for the batch forms.
        position: Option<usize>,
        /// x of the purchase history.
        purchase_frequency: f64,
        /// x of the spend record.
        spend_frequency: f64,
    },
    /// A covariate value is NaN or infinite (see [`crate::clv::Covariates`]).
    #[error("covariate {column} of customer row {row} is {value}: covariates must be finite")]
    InvalidCovariate {
        /// The customer's row (0-based, aligned with the histories).
        row: usize,
        /// The covariate's column (0-based, in the order of the names).
        column: usize,
        /// The value given.
        value: f64,
    },
    /// A customer's row of covariates has another number of values than there are names.
    #[error("customer row {row} has {found} covariate values, expected {expected}")]
    CovariateRowLength {
        /// The customer's row (0-based).
        row: usize,
        /// The number of covariate names.
        expected: usize,
        /// The number of values in the row.
        found: usize,
    },
}

/// `value` when it is finite, else [`ClvError::NumericalFailure`] saying `what` overflowed.
pub(crate) fn finite_or_failure(value: f64, what: &'static str) -> Result<f64, ClvError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ClvError::NumericalFailure { what })
    }
}
