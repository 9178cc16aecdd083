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
    /// L2 penalty weight c ≥ 0 (default 0); what it multiplies is set by
    /// [`FitOptions::penalty_convention`], whose two conventions give different fits for the same
    /// c. [`ModelFit::log_likelihood`](crate::clv::ModelFit::log_likelihood) always reports the
    /// total ln L in the caller's time unit, without the penalty.
    pub penalizer: f64,
    /// The objective the penalty enters (default [`PenaltyConvention::TotalLogLikelihood`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub penalty_convention: PenaltyConvention,
    /// Starting values on the natural scale, tried before the model's own; `None` for the model's.
    /// One per parameter, in the model's order (a fit refuses another length with
    /// [`ClvError::LengthMismatch`] naming `initial`); a value outside
    /// [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]
    /// starts from the nearest bound.
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
            penalty_convention: PenaltyConvention::TotalLogLikelihood,
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

    /// Sets [`FitOptions::penalty_convention`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{FitOptions, PenaltyConvention};
    /// // lifetimes' BetaGeoFitter(penalizer_coef=0.001):
    /// let options = FitOptions::default()
    ///     .penalizer(0.001)
    ///     .penalty_convention(PenaltyConvention::Lifetimes);
    /// assert_eq!(options.penalty_convention, PenaltyConvention::Lifetimes);
    /// ```
    #[must_use]
    pub fn penalty_convention(mut self, convention: PenaltyConvention) -> Self {
        self.penalty_convention = convention;
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

/// What [`FitOptions::penalizer`] c penalises. Both maximise ln L − w · Σₖ (sₖ pₖ)² over the
/// model's natural parameters pₖ in [`MaximumLikelihood::PARAMETER_NAMES`] order (e.g. r, α, a, b),
/// with ln L = Σᵢ wᵢ ln Lᵢ the total log-likelihood over the customers, each row weighted as in
/// [`FitData`], in the caller's time unit; they differ in w and sₖ.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgNbd, FitData, FitOptions, MaximumLikelihood, PenaltyConvention,
///     RepeatHistory};
/// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
///             RepeatHistory::new(5.0, 28.0, 30.0)?];
/// let data = FitData::weighted(&rows, &[10.0, 4.0, 2.0])?;
/// let total = FitOptions::default().penalizer(0.01);
/// let lifetimes = total.clone().penalty_convention(PenaltyConvention::Lifetimes);
/// let alpha_total = BgNbd::fit(data, &total)?.model.params().alpha;
/// let alpha_lifetimes = BgNbd::fit(data, &lifetimes)?.model.params().alpha;
/// // The same c, another fit: α is penalised in the rows' unit by the first (5.79), in units of
/// // the longest age, 30, by the second (9.69), whose weight is c times 16 customers.
/// assert!(alpha_lifetimes > 1.5 * alpha_total, "{alpha_lifetimes} vs {alpha_total}");
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
///
/// [`MaximumLikelihood::PARAMETER_NAMES`]: crate::clv::MaximumLikelihood::PARAMETER_NAMES
/// [`FitData`]: crate::clv::FitData
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PenaltyConvention {
    /// w = c and every sₖ = 1: maximise ln L − c · Σₖ pₖ², the total log-likelihood in the
    /// caller's time unit. The penalty's weight relative to the data thus shrinks as customers
    /// are added, and a time-scale parameter (α, β) is penalised in the caller's unit.
    #[default]
    TotalLogLikelihood,
    /// lifetimes 0.11.3's `penalizer_coef`, so that ported code gets lifetimes' parameters on the
    /// same data. lifetimes minimises −ln L′/D + c · Σₖ pₖ′², where ln L′ and pₖ′ are the
    /// log-likelihood and the parameters with every time divided by the longest age T_max of the
    /// rows passed (α′ = α/T_max, and β′ = β/T_max for Pareto/NBD), carried back afterwards. That
    /// ln L′ differs from ln L by a constant, so the same parameters maximise
    /// ln L − c · D · Σₖ (sₖ pₖ)², with sₖ = 1/T_max for α (BG/NBD, MBG/NBD, NBD) and α, β
    /// (Pareto/NBD), 1 for the others, and D:
    ///
    /// - BG/NBD, MBG/NBD, BG/BB, Gamma-Gamma: Σᵢ wᵢ, the number of customers (the mean
    ///   log-likelihood); for Gamma-Gamma those with x ≥ 1, the only ones lifetimes can fit;
    /// - Pareto/NBD: Σᵢ wᵢ / (the number of rows), the mean weight — lifetimes divides this
    ///   fitter's total by `weights.mean()`, 1 for one row per customer, so its c weighs the
    ///   total log-likelihood there, not the mean;
    /// - NBD and the shifted-beta-geometric, which lifetimes lacks: Σᵢ wᵢ, as BG/NBD.
    ///
    /// lifetimes' Gamma-Gamma `q_constraint=True` (q ≥ 1) gives the fit of
    /// [`GammaGammaOptions::constrain_q_above_one`](crate::clv::GammaGammaOptions) (q > 1) where
    /// the bound does not bind; q itself is penalised under either convention. lifetimes'
    /// reported optimum is only as precise as its optimiser: its Pareto/NBD runs Nelder-Mead with
    /// `tol=1e-4` from a random start, and lands up to about 1e-4 (relative) from the optimum.
    Lifetimes,
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
