//! What a fit's optimum may hide: a drop-out process the data cannot identify, a parameter held at
//! a bound of the fit's range, missing standard errors, parameters the data do not pin down. Each
//! is a typed [`FitWarning`] on [`ModelFit::warnings`](super::ModelFit::warnings).
//!
//! # The criteria
//!
//! - **Drop-out not identified.** BG/NBD and MBG/NBD reduce to the NBD (Ehrenberg 1959: purchases
//!   without drop-out) as a → 0 or b → ∞, where E\[p\] = a/(a + b) → 0 (Fader, Hardie & Lee 2005,
//!   §2; Batislam, Denizel & Filiztekin 2007); Pareto/NBD reduces to it as s → 0 or β → ∞, where
//!   the Pareto (type II) lifetime's mass within any window vanishes (Schmittlein, Morrison &
//!   Colombo 1987, §2). A likelihood whose maximum lies on that edge is still maximised (the fit
//!   converges), but the drop-out parameters are not identified: only the vanishing share of
//!   drop-outs is. The criterion is the model's implied share of customers who drop out within the
//!   longest customer age T of the data:
//!   - BG/NBD: 1 − (1 − E\[p\])^E[X(T)], drop-out opportunities after each of the E[X(T)] expected
//!     purchases at the mean drop-out probability;
//!   - MBG/NBD: 1 − (1 − E\[p\])^(1 + E[X(T)]), with the drop-out opportunity at the first purchase;
//!   - Pareto/NBD: 1 − (β/(β + T))^s, exactly P(τ ≤ T).
//!
//!   Below [`DROPOUT_SHARE_LIMIT`] (1 %: fewer than one customer in a hundred) the fit is
//!   flagged. The limit is a round share of customers, not a value tuned to one log: CDNOW's
//!   published fits imply 30–60 % and a fit at the NBD edge implies less than 10⁻⁴.
//! - **Parameter at a bound.** The optimiser keeps every parameter in
//!   [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]
//!   (10⁻¹⁰ to 10¹⁰; Gamma-Gamma's γ, in money units, within 10^±10 times the mean spend), the
//!   range in which the models' predictions are finite. A parameter of the optimum within
//!   [`BOUND_TOLERANCE`] (relative, 10⁻⁶) of a bound is flagged: the likelihood rises beyond
//!   it, so the data push the model to its edge (no heterogeneity, no drop-out) and the value is
//!   the bound's, not the data's. Such a fit has no standard errors.
//! - **Standard errors missing**: the observed information is singular or not positive definite
//!   at the optimum (a flat direction, a parameter at the edge of its range), could not be
//!   evaluated, or overflows f64; or a parameter sits at a bound.
//! - **Imprecise parameter**: a relative standard error SE(p)/p (= SE(ln p), the scale the
//!   optimiser works on) above [`RELATIVE_SE_LIMIT`] (10): the 95 % interval of ln p spans
//!   ±19.6, more than eight orders of magnitude either way, i.e. the data say nothing about p.

use super::{CovarianceUnavailable, ParameterCovariance};
use crate::clv::RepeatHistory;

/// The implied share of customers dropping out within the longest age below which drop-out is
/// "not identified" (see the [module documentation](self)).
pub const DROPOUT_SHARE_LIMIT: f64 = 0.01;

/// The relative standard error SE(p)/p above which a parameter is "imprecise" (see the
/// [module documentation](self)).
pub const RELATIVE_SE_LIMIT: f64 = 10.0;

/// How close (relative: |ln p − ln bound| ≤ 10⁻⁶) a parameter of the optimum must be to a bound
/// of the fit's range to be "at the bound" (see the [module documentation](self)).
pub const BOUND_TOLERANCE: f64 = 1e-6;

/// A caution about a fit's optimum, in words a person can act on (its `Display`).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{CovarianceUnavailable, FitWarning};
/// let w = FitWarning::StandardErrorsMissing { reason: CovarianceUnavailable::NotPositiveDefinite };
/// assert!(w.to_string().contains("no standard errors"));
/// assert!(!w.dropout_not_identified());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FitWarning {
    /// The maximum lies where (almost) nobody drops out: the model is the NBD there, its drop-out
    /// parameters sit at the edge of their range and are not identified, and P(alive) is ≈ 1 for
    /// every customer.
    DropoutNotIdentified {
        /// The drop-out parameters at the edge (`["a", "b"]` or `["s", "beta"]`).
        parameters: Vec<String>,
        /// The implied share of customers dropping out within `window`.
        dropout_share: f64,
        /// The longest customer age of the data, in the fit's time unit.
        window: f64,
    },
    /// A parameter of the optimum sits at a bound of the fit's range (within
    /// [`BOUND_TOLERANCE`]): the likelihood still rises beyond it.
    ParameterAtBound {
        /// The parameter's name.
        parameter: String,
        /// Its value in the fit.
        value: f64,
        /// The bound it sits at.
        bound: f64,
    },
    /// The fit has no standard errors.
    StandardErrorsMissing {
        /// Why.
        reason: CovarianceUnavailable,
    },
    /// A parameter's relative standard error exceeds [`RELATIVE_SE_LIMIT`].
    ImpreciseParameter {
        /// The parameter's name.
        parameter: String,
        /// SE(p)/p (a ratio that is not finite is reported as infinity).
        relative_standard_error: f64,
    },
}

impl FitWarning {
    /// Whether this is [`FitWarning::DropoutNotIdentified`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::FitWarning;
    /// let w = FitWarning::DropoutNotIdentified {
    ///     parameters: vec!["s".into(), "beta".into()], dropout_share: 4e-8, window: 53.0 };
    /// assert!(w.dropout_not_identified());
    /// ```
    pub fn dropout_not_identified(&self) -> bool {
        matches!(self, FitWarning::DropoutNotIdentified { .. })
    }
}

impl std::fmt::Display for FitWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitWarning::DropoutNotIdentified {
                parameters,
                dropout_share,
                window,
            } => write!(
                f,
                "drop-out not identified: the data show no attrition. The fit implies that a \
                 share of {dropout_share:.2e} of customers drop out within {window:.2} time units \
                 (below {DROPOUT_SHARE_LIMIT}); {} sit at the edge where the model becomes the \
                 NBD (no drop-out), so P(alive) is about 1 for everybody, one-time buyers silent \
                 for the whole log included. Do not read P(alive) or CLV as attrition; use a \
                 longer log, or judge churn by recency",
                parameters.join(" and ")
            ),
            FitWarning::ParameterAtBound {
                parameter,
                value,
                bound,
            } => write!(
                f,
                "parameter {parameter} = {value:.6e} sits at the bound {bound:.1e} of the fit's \
                 range: the likelihood keeps rising beyond it, so the data push the model to its \
                 edge and the value is the bound's, not the data's. Predictions stay finite; \
                 check whether the model suits the data (e.g. no heterogeneity or no drop-out) or \
                 fit it on more customers"
            ),
            FitWarning::StandardErrorsMissing { reason } => write!(
                f,
                "no standard errors: {reason}; a parameter may sit at the edge of its range or \
                 the data may not identify it"
            ),
            FitWarning::ImpreciseParameter {
                parameter,
                relative_standard_error,
            } => write!(
                f,
                "parameter {parameter} is not pinned down by the data: its standard error is \
                 {relative_standard_error:.3e} times its value (limit {RELATIVE_SE_LIMIT})"
            ),
        }
    }
}

/// The warnings every fit gets from its covariance: missing standard errors, or imprecise
/// parameters.
pub(crate) fn covariance_warnings(
    names: &[&str], params: &[f64], covariance: &Result<ParameterCovariance, CovarianceUnavailable>,
) -> Vec<FitWarning> {
    match covariance {
        Err(reason) => vec![FitWarning::StandardErrorsMissing { reason: *reason }],
        Ok(c) => names
            .iter()
            .zip(params.iter().zip(&c.standard_errors))
            .filter_map(|(name, (p, se))| {
                let ratio = se / p;
                let ratio = if ratio.is_finite() {
                    ratio
                } else {
                    f64::INFINITY
                };
                (ratio > RELATIVE_SE_LIMIT).then(|| FitWarning::ImpreciseParameter {
                    parameter: name.to_string(),
                    relative_standard_error: ratio,
                })
            })
            .collect(),
    }
}

/// [`FitWarning::ParameterAtBound`] for every parameter whose `bound` (natural scale) is given.
pub(crate) fn bound_warnings(
    names: &[&str], params: &[f64], at_bound: &[Option<f64>],
) -> Vec<FitWarning> {
    names
        .iter()
        .zip(params.iter().zip(at_bound))
        .filter_map(|(name, (value, bound))| {
            bound.map(|bound| FitWarning::ParameterAtBound {
                parameter: name.to_string(),
                value: *value,
                bound,
            })
        })
        .collect()
}

/// The longest age among the rows with a positive weight (0 for none).
pub(crate) fn longest_age(histories: &[RepeatHistory], weights: &[f64]) -> f64 {
    histories
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(h, _)| h.age())
        .fold(0.0, f64::max)
}

/// [`FitWarning::DropoutNotIdentified`] when `dropout_share` (implied within `window`) is below
/// [`DROPOUT_SHARE_LIMIT`]; a share that cannot be computed (not finite) is not judged.
pub(crate) fn dropout_warning(
    parameters: [&str; 2], dropout_share: f64, window: f64,
) -> Vec<FitWarning> {
    if dropout_share.is_finite() && dropout_share < DROPOUT_SHARE_LIMIT {
        vec![FitWarning::DropoutNotIdentified {
            parameters: parameters.iter().map(|p| p.to_string()).collect(),
            dropout_share: dropout_share.max(0.0),
            window,
        }]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imprecise_and_missing_standard_errors_are_named() {
        let cov = Ok(ParameterCovariance {
            matrix: vec![vec![1.0, 0.0], vec![0.0, 1e6]],
            standard_errors: vec![1.0, 1e3],
        });
        let w = covariance_warnings(&["r", "b"], &[2.0, 5.0], &cov);
        assert_eq!(w.len(), 1);
        assert!(
            matches!(&w[0], FitWarning::ImpreciseParameter { parameter, .. } if parameter == "b")
        );
        let missing =
            covariance_warnings(&["r"], &[1.0], &Err(CovarianceUnavailable::NotEvaluated));
        assert!(matches!(
            missing[0],
            FitWarning::StandardErrorsMissing { .. }
        ));
    }

    #[test]
    fn the_dropout_limit_is_strict_and_ignores_nan() {
        assert_eq!(dropout_warning(["a", "b"], 0.02, 52.0), vec![]);
        assert!(dropout_warning(["a", "b"], 1e-7, 52.0)[0].dropout_not_identified());
        assert_eq!(dropout_warning(["a", "b"], f64::NAN, 52.0), vec![]);
    }
}
