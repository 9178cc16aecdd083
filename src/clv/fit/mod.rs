//! Maximum-likelihood fitting, one way for every model: [`MaximumLikelihood::fit`] takes the data
//! ([`FitData`]) and the checked options ([`FitOptions`], or a model's own options wrapping them)
//! and returns one result type, [`ModelFit`].
//!
//! The mechanism is written once here: check the options, compress the data into weighted rows,
//! run the optimiser from the model's starting points, build the model from the optimum, and
//! carry the observed information over to standard errors. Each model supplies only its
//! likelihood, its starts, its identifiability checks and its constructor from a parameter vector.
//!
//! # Finite results
//!
//! The optimiser keeps every parameter in [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
//! [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)] (Gamma-Gamma's γ within 10^±10 times the mean
//! spend), starting values of any size included (they are moved into that box), so the model of
//! every fit predicts finitely (see each model's "Finite results"). A parameter the data push
//! to a bound stays there, with [`FitWarning::ParameterAtBound`] and no covariance. The
//! log-likelihood reported is finite (points where it is not are rejected by the line search), and
//! a covariance is `Ok` only when every entry is finite
//! ([`CovarianceUnavailable::NotFinite`] otherwise).
//!
//! # Termination
//!
//! Every loop of a fit is capped: at most 14 L-BFGS runs (a short screening run and a full run
//! per start, from at most six starts: the caller's and the model's), each of at most
//! [`FitOptions::max_iterations`] iterations (each Moré–Thuente line search ends once it has
//! bracketed its step, which the box's exterior term guarantees), each followed by at most 20
//! Newton steps of at most 12 halvings; the likelihoods' own series and quadratures are capped
//! too. The work
//! per likelihood evaluation is proportional to the distinct histories. Measured worst case
//! (release build, two cores shared with other work; 400 histories, every model, from the model's
//! starts and from starts at the corners of the box, `max_iterations` 100,000 with
//! `accept_unconverged`, and `gradient_tolerance` 1e-300): 0.76 s, a Pareto/NBD fit on heavy
//! buyers (x up to 1,000); the plain weekly histories of issue 14 (x = 0 to 3, ages 1 to 52
//! weeks), which once ran 77 s, under 0.3 s from every start.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{BgNbd, FitData, FitOptions, MaximumLikelihood, RepeatHistory};
//! let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
//!             RepeatHistory::new(5.0, 28.0, 30.0)?];
//! let fit = BgNbd::fit(FitData::weighted(&data, &[10.0, 4.0, 2.0])?, &FitOptions::default())?;
//! assert_eq!(fit.observations, 16.0);
//! assert!(fit.model.params().r > 0.0);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```
//!
//! With the `serde` feature a [`ModelFit`] is saved and read back whole. Through JSON, enable
//! `serde_json`'s `float_roundtrip` feature to read the parameters back bit for bit (its default
//! float parser may be one unit in the last place off), so that the model read back predicts
//! exactly as the one saved:
//!
//! ```
//! use customer_value::clv::{BgNbd, FitOptions, MaximumLikelihood, ModelFit, PurchaseModel, RepeatHistory};
//! let data = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(2.0, 20.0, 30.0)?,
//!             RepeatHistory::new(5.0, 28.0, 30.0)?, RepeatHistory::new(1.0, 3.0, 30.0)?,
//!             RepeatHistory::new(0.0, 0.0, 25.0)?, RepeatHistory::new(3.0, 10.0, 25.0)?];
//! let fit = BgNbd::fit(&data, &FitOptions::default())?;
//! let json = serde_json::to_string(&fit).expect("a fit serializes");
//! let back: ModelFit<BgNbd> = serde_json::from_str(&json).expect("float_roundtrip is on");
//! let bits = |m: &BgNbd| m.parameters().iter().map(|p| p.to_bits()).collect::<Vec<_>>();
//! assert_eq!(bits(&back.model), bits(&fit.model));
//! let alive = |m: &BgNbd| m.probability_alive(&data[1]).map(f64::to_bits);
//! assert_eq!(alive(&back.model)?, alive(&fit.model)?);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

mod bounds;
mod data;
mod optimiser;
mod options;
mod penalty;
mod result;
pub mod warnings;

pub(crate) use data::check_weights;
pub use data::FitData;
pub use options::{FitOptions, PenaltyConvention};
pub use result::{CovarianceUnavailable, ModelFit, ParameterCovariance};
pub use warnings::FitWarning;

use crate::clv::ClvError;
use crate::settings::Settings;
pub(crate) use engine::Search;

/// A model fitted by maximum likelihood: BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, the
/// shifted-beta-geometric and Gamma-Gamma all implement it, and [`MaximumLikelihood::fit`] is
/// their one entry point.
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgNbd, FitOptions, MaximumLikelihood};
/// let model = BgNbd::from_parameters(&[0.243, 4.414, 0.793, 2.426])?;
/// assert_eq!(model.parameters(), vec![0.243, 4.414, 0.793, 2.426]);
/// assert_eq!(BgNbd::PARAMETER_NAMES, ["r", "alpha", "a", "b"]);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub trait MaximumLikelihood: Sized {
    /// One row of input: one customer's history.
    type History;
    /// The fit's options: [`FitOptions`], or a model's own options that wrap them.
    type Options: Settings<Error = ClvError> + AsRef<FitOptions>;
    /// What only this model reports with its fit (`()` for most).
    type Diagnostics;
    /// The parameters' names, in the order of [`MaximumLikelihood::parameters`].
    const PARAMETER_NAMES: &'static [&'static str];

    /// The parameters as a vector, in the order of [`MaximumLikelihood::PARAMETER_NAMES`].
    ///
    /// # Examples
    ///
    /// See [`MaximumLikelihood`].
    fn parameters(&self) -> Vec<f64>;

    /// The model with the parameters `values`, in the order of
    /// [`MaximumLikelihood::PARAMETER_NAMES`].
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] naming `values` when it has the wrong length, and the errors
    /// of the model's constructor.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, GammaGamma, MaximumLikelihood};
    /// assert!(GammaGamma::from_parameters(&[6.25, 3.74, 15.44]).is_ok());
    /// assert!(matches!(GammaGamma::from_parameters(&[6.25]),
    ///     Err(ClvError::LengthMismatch { name: "values", expected: 3, found: 1 })));
    /// ```
    fn from_parameters(values: &[f64]) -> Result<Self, ClvError>;

    /// Fits the model by maximum likelihood: checks `options`, merges identical rows into weighted
    /// ones, maximises the log-likelihood over the log-parameters with its analytic gradient from
    /// the model's starting points (the caller's first), and computes standard errors from the
    /// observed information.
    ///
    /// # Errors
    ///
    /// - [`ClvError::InvalidArgument`] for invalid options (checked before any work), and
    ///   [`ClvError::LengthMismatch`] naming `initial` when [`FitOptions::initial`] does not hold
    ///   one value per parameter;
    /// - [`ClvError::EmptyInput`] for no rows;
    /// - [`ClvError::NotIdentifiable`] when the data cannot identify the parameters (the model's
    ///   documentation says when), and [`ClvError::InvalidArgument`] for rows the model rejects;
    /// - [`ClvError::NotConverged`] when no start converged (unless `accept_unconverged`);
    /// - [`ClvError::NumericalFailure`] when the likelihood cannot be evaluated at any start.
    ///
    /// A parameter the data push to a bound of the range is not an error: the fit stops there and
    /// warns ([`FitWarning::ParameterAtBound`]). The worst case measured for the time a fit takes
    /// is in the [module documentation](self#termination).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, FitOptions, MaximumLikelihood, ParetoNbd, RepeatHistory};
    /// let rows = [RepeatHistory::new(0.0, 0.0, 30.0)?, RepeatHistory::new(3.0, 20.0, 30.0)?,
    ///             RepeatHistory::new(1.0, 5.0, 30.0)?, RepeatHistory::new(7.0, 29.0, 30.0)?];
    /// assert!(ParetoNbd::fit(&rows, &FitOptions::default())?.converged);
    /// let bad = FitOptions::default().max_iterations(0);
    /// assert!(matches!(ParetoNbd::fit(&rows, &bad), Err(ClvError::InvalidArgument { .. })));
    /// # Ok::<(), ClvError>(())
    /// ```
    fn fit<'a>(
        data: impl Into<FitData<'a, Self::History>>, options: &Self::Options,
    ) -> Result<ModelFit<Self, Self::Diagnostics>, ClvError>
    where
        Self: engine::Estimator,
        Self::History: 'a,
    {
        engine::fit(data.into(), options)
    }
}

/// Implements [`MaximumLikelihood`] for a model whose constructor `new` takes its parameters in
/// the order of the fields of its `params()`, named as in the papers.
macro_rules! maximum_likelihood {
    (impl$(<$v:ident: $bound:path>)? for $model:ty {
        History = $history:ty, Options = $options:ty, Diagnostics = $diagnostics:ty,
        parameters = [$($name:ident),+] $(,)?
    }) => {
        impl$(<$v: $bound>)? $crate::clv::MaximumLikelihood for $model {
            type History = $history;
            type Options = $options;
            type Diagnostics = $diagnostics;
            const PARAMETER_NAMES: &'static [&'static str] = &[$(stringify!($name)),+];

            fn parameters(&self) -> Vec<f64> {
                let params = self.params();
                vec![$(params.$name),+]
            }

            fn from_parameters(values: &[f64]) -> Result<Self, $crate::clv::ClvError> {
                let [$($name),+] = $crate::clv::fit::parameter_array(values)?;
                Self::new($($name),+)
            }
        }
    };
}
pub(crate) use maximum_likelihood;

/// Natural-scale parameters p = e^θ, the log-likelihood `f(p)` and its gradient carried to θ by
/// the chain rule ∂/∂θ = p · ∂/∂p.
pub(crate) fn on_log_scale<const N: usize>(
    theta: &[f64], f: impl FnOnce(&[f64; N]) -> (f64, [f64; N]),
) -> (f64, Vec<f64>) {
    let p: [f64; N] = std::array::from_fn(|k| theta[k].exp());
    let (ll, g) = f(&p);
    (ll, (0..N).map(|k| g[k] * p[k]).collect())
}

/// `values` as an array of `N` parameters.
pub(crate) fn parameter_array<const N: usize>(values: &[f64]) -> Result<[f64; N], ClvError> {
    crate::clv::check_length("values", N, values.len())?;
    Ok(std::array::from_fn(|k| values[k]))
}

/// Checks that every named parameter is positive and finite.
pub(crate) fn check_positive(parameters: &[(&'static str, f64)]) -> Result<(), ClvError> {
    match parameters
        .iter()
        .find(|(_, value)| !(value.is_finite() && *value > 0.0))
    {
        Some(&(name, value)) => Err(ClvError::InvalidParameter {
            name,
            value,
            constraint: "must be positive and finite",
        }),
        None => Ok(()),
    }
}

pub(crate) mod engine {
    //! The hooks each model supplies to the one fitting mechanism, and that mechanism.

    pub(crate) use super::bounds::Bounds;
    pub(crate) use super::optimiser::LogLikelihood;
    // The covariate fits drive the optimiser themselves: their coefficients are free, not
    // log-parameters of a `MaximumLikelihood` model.
    pub(crate) use super::optimiser::{maximize, Optimum};
    use super::optimiser::{maximize_to, Finish};
    pub(crate) use super::penalty::{LifetimesObjective, Penalty};
    use super::warnings::{bound_warnings, covariance_warnings};
    use super::{FitData, FitOptions, FitWarning, MaximumLikelihood, ModelFit};
    use crate::clv::ClvError;
    use crate::settings::Settings;

    /// How the optimiser is started.
    pub enum Search {
        /// Screen every start and run from the best (see [`maximize`]).
        MultiStart(Vec<Vec<f64>>),
        /// Run from the first start alone; only when that fails, from the restarts without the
        /// caller's starting values, reporting the first error if they fail too.
        FirstThenRestarts {
            first: Vec<f64>,
            restarts: Vec<Vec<f64>>,
        },
        /// Run from the first start alone; unless it converged, from all of them.
        FirstThenAll(Vec<Vec<f64>>),
    }

    impl Search {
        fn run<L: LogLikelihood>(
            self, objective: &L, penalty: &Penalty, bounds: &Bounds, options: &FitOptions,
            finish: Finish,
        ) -> Result<Optimum, ClvError> {
            let from = |starts: &[Vec<f64>], options: &FitOptions| {
                maximize_to(objective, penalty, bounds, starts, options, finish)
            };
            match self {
                Search::MultiStart(starts) => from(&starts, options),
                Search::FirstThenRestarts { first, restarts } => {
                    from(&[first], options).or_else(|first_error| {
                        let restart_options = FitOptions {
                            initial: None,
                            ..options.clone()
                        };
                        from(&restarts, &restart_options).map_err(|_| first_error)
                    })
                }
                Search::FirstThenAll(starts) => match from(&starts[..1], options) {
                    Ok(found) if found.converged => Ok(found),
                    _ => from(&starts, options),
                },
            }
        }
    }

    /// What a model supplies to [`fit`]. Implemented by the models of this crate only.
    pub trait Estimator: MaximumLikelihood {
        /// The compressed rows the likelihood runs over, with what does not change between
        /// evaluations.
        type Data: Sync;

        /// Checks the rows (identifiability, the model's own conditions) and compresses them.
        ///
        /// # Errors
        ///
        /// [`ClvError::NotIdentifiable`] and the model's own conditions.
        fn prepare(
            data: &FitData<'_, Self::History>, options: &Self::Options,
        ) -> Result<Self::Data, ClvError>;

        /// ln L and its gradient with respect to θ, the optimiser's log-parameters.
        fn log_likelihood(data: &Self::Data, theta: &[f64]) -> (f64, Vec<f64>);

        /// The starting points on the optimiser's (natural) scale, and how to use them.
        fn search(data: &Self::Data) -> Search;

        /// The optimiser's options: the caller's, with starting values carried to the optimiser's
        /// scale where it differs from the model's.
        fn optimiser_options(options: &Self::Options) -> FitOptions {
            options.as_ref().clone()
        }

        /// How lifetimes 0.11.3 forms this model's penalised objective, for
        /// [`super::PenaltyConvention::Lifetimes`]: by default the mean log-likelihood over the
        /// customers, no time axis.
        fn lifetimes_objective(
            data: &FitData<'_, Self::History>, _rows: &Self::Data,
        ) -> LifetimesObjective {
            LifetimesObjective::mean(data.observations(), Self::PARAMETER_NAMES.len())
        }

        /// oₖ in natural parameter = oₖ + e^θₖ, for the penalty on the natural parameters: 0 where
        /// the optimiser's parameter is the natural one (the default).
        fn parameter_offsets(_rows: &Self::Data) -> Vec<f64> {
            vec![0.0; Self::PARAMETER_NAMES.len()]
        }

        /// The box of the optimiser's parameters: [`crate::clv::MIN_PARAMETER`,
        /// `MAX_PARAMETER`] for each by default, the range the models' constructors accept.
        fn parameter_bounds(_rows: &Self::Data) -> Bounds {
            Bounds::parameter_range(Self::PARAMETER_NAMES.len())
        }

        /// The model at the optimiser's parameters.
        ///
        /// # Errors
        ///
        /// Those of [`MaximumLikelihood::from_parameters`].
        fn estimate(_data: &Self::Data, params: &[f64]) -> Result<Self, ClvError> {
            Self::from_parameters(params)
        }

        /// The number of observations the likelihood used (by default all the customers).
        fn observations(_data: &Self::Data, customers: f64) -> f64 {
            customers
        }

        /// The model's own diagnostics of the fit.
        fn diagnostics(data: &Self::Data, model: &Self) -> Self::Diagnostics;

        /// The model's own warnings about its optimum (e.g. a drop-out process the data cannot
        /// identify; see [`super::warnings`]); none by default.
        fn fit_warnings(_data: &FitData<'_, Self::History>, _model: &Self) -> Vec<FitWarning> {
            Vec::new()
        }
    }

    /// The one fitting mechanism behind [`MaximumLikelihood::fit`].
    pub(crate) fn fit<M: Estimator>(
        data: FitData<'_, M::History>, options: &M::Options,
    ) -> Result<ModelFit<M, M::Diagnostics>, ClvError> {
        fit_to(data, options, Finish::Full)
    }

    /// The model at the optimum of L-BFGS alone (no Newton polish, no covariance, unconverged
    /// accepted): the start of a fit that polishes on its own (the covariate fits).
    ///
    /// # Errors
    ///
    /// Those of [`MaximumLikelihood::fit`] but [`ClvError::NotConverged`].
    pub(crate) fn search_start<M: Estimator>(
        data: FitData<'_, M::History>, options: &M::Options,
    ) -> Result<M, ClvError> {
        fit_to(data, options, Finish::SearchOnly).map(|fit| fit.model)
    }

    /// [`fit`], each run finished as `finish` says (unconverged accepted for a search only).
    fn fit_to<M: Estimator>(
        data: FitData<'_, M::History>, options: &M::Options, finish: Finish,
    ) -> Result<ModelFit<M, M::Diagnostics>, ClvError> {
        options.check()?;
        // The optimiser and the likelihoods index the start by the model's parameters: a start
        // of another length is refused here, once, before the first evaluation.
        if let Some(initial) = &options.as_ref().initial {
            crate::clv::check_length("initial", M::PARAMETER_NAMES.len(), initial.len())?;
        }
        if data.histories().is_empty() {
            return Err(ClvError::EmptyInput);
        }
        let rows = M::prepare(&data, options)?;
        let objective = |theta: &[f64]| M::log_likelihood(&rows, theta);
        let penalty = Penalty::new(
            options.as_ref(),
            || M::lifetimes_objective(&data, &rows),
            M::parameter_offsets(&rows),
        );
        let optimiser_options = M::optimiser_options(options);
        let optimiser_options = FitOptions {
            accept_unconverged: optimiser_options.accept_unconverged
                || finish == Finish::SearchOnly,
            ..optimiser_options
        };
        let bounds = M::parameter_bounds(&rows);
        let search = M::search(&rows);
        let optimum = search.run(&objective, &penalty, &bounds, &optimiser_options, finish)?;
        let model = M::estimate(&rows, &optimum.params)?;
        let mut warnings = M::fit_warnings(&data, &model);
        // The bounds on the natural scale: the optimiser's parameter plus its offset.
        let natural_bounds: Vec<Option<f64>> = (optimum.at_bound.iter())
            .zip(M::parameter_offsets(&rows))
            .map(|(bound, offset)| bound.map(|b| offset + b))
            .collect();
        warnings.extend(bound_warnings(
            M::PARAMETER_NAMES,
            &model.parameters(),
            &natural_bounds,
        ));
        warnings.extend(covariance_warnings(
            M::PARAMETER_NAMES,
            &model.parameters(),
            &optimum.covariance,
        ));
        Ok(ModelFit {
            warnings,
            diagnostics: M::diagnostics(&rows, &model),
            model,
            parameter_names: M::PARAMETER_NAMES.iter().map(|s| s.to_string()).collect(),
            log_likelihood: optimum.log_likelihood,
            iterations: optimum.iterations,
            converged: optimum.converged,
            observations: M::observations(&rows, data.observations()),
            covariance: optimum.covariance,
        })
    }
}

/// Asserts that the analytic gradient of `f` at `p` matches central differences with relative
/// steps 1e-6, to 1e-6 · (1 + |∂|).
#[cfg(test)]
pub(crate) fn assert_gradient_matches<const N: usize>(
    f: impl Fn(&[f64; N]) -> (f64, [f64; N]), p: [f64; N],
) {
    let (_, g) = f(&p);
    for k in 0..N {
        let h = 1e-6 * p[k];
        let mut up = p;
        up[k] += h;
        let mut down = p;
        down[k] -= h;
        let numeric = (f(&up).0 - f(&down).0) / (2.0 * h);
        assert!(
            (numeric - g[k]).abs() < 1e-6 * (1.0 + g[k].abs()),
            "{k}: {numeric} vs {} at {p:?}",
            g[k]
        );
    }
}
