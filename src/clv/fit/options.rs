//! The options of every maximum-likelihood fit, checked by [`Settings::check`] before any work.

use crate::clv::ClvError;
use crate::settings::Settings;

/// Options for maximum-likelihood fits: build them with the chainable methods (or the public
/// fields) and pass them to [`crate::clv::MaximumLikelihood::fit`], which checks them first.
///
/// # Examples
///
/// ```
/// use customer_value::{clv::FitOptions, Settings};
/// let options = FitOptions::default().penalizer(0.1).max_iterations(500);
/// assert_eq!((options.penalizer, options.max_iterations), (0.1, 500));
/// assert!(options.check().is_ok());
/// assert!(FitOptions::default().gradient_tolerance(0.0).check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FitOptions {
    /// Iteration limit of each L-BFGS run (default 1,000).
    pub max_iterations: u64,
    /// Convergence: the largest gradient component of the log-likelihood on the log-parameter scale,
    /// relative to 1 + |log-likelihood| (default 1e-7).
    pub gradient_tolerance: f64,
    /// L2 penalty weight c (default 0). The fit maximises exactly
    /// ln L(θ) − c · Σₖ θₖ², with ln L the TOTAL log-likelihood over all customers (weights
    /// included) in the caller's time unit and θₖ the natural-scale parameters in the model's
    /// order (e.g. r, α, a, b). [`ModelFit::log_likelihood`](crate::clv::ModelFit::log_likelihood)
    /// reports ln L without the penalty.
    ///
    /// This is NOT lifetimes' `penalizer_coef`: lifetimes minimises −(ln L)/n + c · Σ θ², the
    /// MEAN log-likelihood over n customers, on times multiplied by a scale factor that brings
    /// the longest age to a fixed small value (its α and β are penalised on that axis, then
    /// carried back). The same c thus penalises n times less here, and the time-scale
    /// parameters on another axis; to reproduce a lifetimes fit, pass c · n on times rescaled
    /// as the lifetimes release used does, and divide α (β) by the scale factor afterwards.
    pub penalizer: f64,
    /// Starting values on the natural scale, tried before the model's own; `None` for the model's.
    pub initial: Option<Vec<f64>>,
    /// Return the best unconverged result (with `converged: false`) instead of
    /// [`ClvError::NotConverged`] (default `false`).
    pub accept_unconverged: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            max_iterations: 1_000,
            gradient_tolerance: 1e-7,
            penalizer: 0.0,
            initial: None,
            accept_unconverged: false,
        }
    }
}

impl FitOptions {
    /// Sets [`FitOptions::max_iterations`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::FitOptions;
    /// assert_eq!(FitOptions::default().max_iterations(50).max_iterations, 50);
    /// ```
    #[must_use]
    pub fn max_iterations(mut self, max_iterations: u64) -> Self {
        self.max_iterations = max_iterations;
        self
    }

    /// Sets [`FitOptions::gradient_tolerance`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::FitOptions;
    /// assert_eq!(FitOptions::default().gradient_tolerance(1e-9).gradient_tolerance, 1e-9);
    /// ```
    #[must_use]
    pub fn gradient_tolerance(mut self, tolerance: f64) -> Self {
        self.gradient_tolerance = tolerance;
        self
    }

    /// Sets [`FitOptions::penalizer`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::FitOptions;
    /// assert_eq!(FitOptions::default().penalizer(0.01).penalizer, 0.01);
    /// ```
    #[must_use]
    pub fn penalizer(mut self, penalizer: f64) -> Self {
        self.penalizer = penalizer;
        self
    }

    /// Sets [`FitOptions::initial`]: starting values in the model's parameter order.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::FitOptions;
    /// let options = FitOptions::default().initial(vec![0.243, 4.414, 0.793, 2.426]);
    /// assert_eq!(options.initial.map(|v| v.len()), Some(4));
    /// ```
    #[must_use]
    pub fn initial(mut self, values: Vec<f64>) -> Self {
        self.initial = Some(values);
        self
    }

    /// Sets [`FitOptions::accept_unconverged`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::FitOptions;
    /// assert!(FitOptions::default().accept_unconverged(true).accept_unconverged);
    /// ```
    #[must_use]
    pub fn accept_unconverged(mut self, accept: bool) -> Self {
        self.accept_unconverged = accept;
        self
    }
}

impl AsRef<FitOptions> for FitOptions {
    fn as_ref(&self) -> &FitOptions {
        self
    }
}

impl Settings for FitOptions {
    type Error = ClvError;

    /// Checks the options.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming the field when `max_iterations` is 0, the
    /// `gradient_tolerance` is not positive and finite, the `penalizer` is negative or not finite,
    /// or an `initial` value is not positive and finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{clv::{ClvError, FitOptions}, Settings};
    /// assert!(FitOptions::default().check().is_ok());
    /// assert!(matches!(FitOptions::default().penalizer(-1.0).check(),
    ///     Err(ClvError::InvalidArgument { name: "penalizer", .. })));
    /// ```
    fn check(&self) -> Result<(), ClvError> {
        let bad = |name, value: f64, constraint| {
            Err(ClvError::InvalidArgument {
                name,
                value,
                constraint,
            })
        };
        if self.max_iterations == 0 {
            return bad("max_iterations", 0.0, "must be at least 1");
        }
        if !(self.gradient_tolerance.is_finite() && self.gradient_tolerance > 0.0) {
            return bad(
                "gradient_tolerance",
                self.gradient_tolerance,
                "must be positive and finite",
            );
        }
        if !(self.penalizer.is_finite() && self.penalizer >= 0.0) {
            return bad(
                "penalizer",
                self.penalizer,
                "must be non-negative and finite",
            );
        }
        if let Some(init) = &self.initial {
            if let Some(&v) = init.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
                return bad("initial", v, "starting values must be positive and finite");
            }
        }
        Ok(())
    }
}
