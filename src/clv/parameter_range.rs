//! The parameter range of the purchase models (BG/NBD, MBG/NBD, Pareto/NBD, NBD, BG/BB and the
//! shifted-beta-geometric), checked by their constructors and when they are read back through
//! serde, and kept by every fit.
//!
//! Their predictions are differences of ln Γ and ln B terms that grow like p ln p: at p = 10¹⁰ a
//! term is about 2 · 10¹¹ and its rounding (3 · 10⁻⁵) is still far below any difference that
//! matters, while at 10¹⁵ the rounding reaches whole units and at 10³⁰⁸ the sums overflow. Below
//! 10⁻¹⁰ a shape adds nothing measurable to the counts it is added to. Inside
//! [`MIN_PARAMETER`, `MAX_PARAMETER`] every prediction of those models is finite or a typed error
//! (each model's "Finite results" says which) for every valid history. The optimiser of
//! [`crate::clv::fit`] keeps every parameter in the range: where the data push one beyond it (no
//! heterogeneity, no drop-out, a time unit far from the data's), the fit stops at the bound and
//! says so ([`crate::clv::FitWarning::ParameterAtBound`]).

use crate::clv::ClvError;

/// The smallest parameter of the purchase models (and of a fit, see [`crate::clv::fit`]): 10⁻¹⁰.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgBb, MIN_PARAMETER};
/// assert!(BgBb::new(MIN_PARAMETER, 1.0, 1.0, 1.0).is_ok());
/// assert!(BgBb::new(MIN_PARAMETER / 2.0, 1.0, 1.0, 1.0).is_err());
/// ```
pub const MIN_PARAMETER: f64 = 1e-10;

/// The largest parameter of the purchase models (and of a fit, see [`crate::clv::fit`]): 10¹⁰.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{Nbd, MAX_PARAMETER};
/// assert!(Nbd::new(0.8, MAX_PARAMETER).is_ok());
/// assert!(Nbd::new(0.8, 1e300).is_err());
/// ```
pub const MAX_PARAMETER: f64 = 1e10;

/// Checks that every named parameter is in [`MIN_PARAMETER`, `MAX_PARAMETER`].
pub(crate) fn check_parameter_range(parameters: &[(&'static str, f64)]) -> Result<(), ClvError> {
    match parameters
        .iter()
        .find(|(_, value)| !(MIN_PARAMETER..=MAX_PARAMETER).contains(value))
    {
        Some(&(name, value)) => Err(ClvError::InvalidParameter {
            name,
            value,
            constraint: "must be in [1e-10, 1e10] (clv::MIN_PARAMETER, clv::MAX_PARAMETER)",
        }),
        None => Ok(()),
    }
}
