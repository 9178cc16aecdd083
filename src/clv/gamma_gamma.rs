//! The Gamma-Gamma model of spend per transaction (Colombo & Jiang 1999; Fader & Hardie 2013,
//! "The Gamma-Gamma model of monetary value").
//!
//! A customer's transaction values are gamma(p, ν) with mean p/ν; across customers ν ~ Gamma(q, γ).
//! The model sees, per customer, x (repeat transactions) and z̄ (their mean value) as a
//! [`SpendHistory`]. It assumes spend is independent of purchase frequency: check the Pearson
//! correlation reported by [`GammaGamma::fit_report`]. With q ≤ 1 the mean spend is infinite and
//! predictions that need it return [`ClvError::InfiniteMeanSpend`].
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{GammaGamma, SpendHistory};
//! // The maximum-likelihood parameters on the 946 CDNOW repeat buyers.
//! let model = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
//! let customer_1 = SpendHistory::new(2.0, 22.35)?;
//! let spend = model.conditional_expected_average_spend(&customer_1)?;
//! assert!((spend - 24.6586).abs() < 1e-4);
//! // A customer without repeat purchases gets the population mean pγ/(q − 1).
//! let newcomer = SpendHistory::new(0.0, 0.0)?;
//! assert!((model.conditional_expected_average_spend(&newcomer)? - 35.17100).abs() < 1e-5);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use statrs::function::gamma::{digamma, ln_gamma};

use crate::clv::fit::{check_weights, maximize, FitOptions, ModelFit};
use crate::clv::ClvError;
use crate::summary::CustomerSummary;

/// A customer's spend record for the Gamma-Gamma model: x repeat transactions with mean value z̄.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpendHistory {
    frequency: f64,
    mean_spend: f64,
}

impl SpendHistory {
    /// A checked spend record: x ≥ 0 finite; z̄ > 0 when x ≥ 1. With x = 0 the spend is not observed
    /// (pass 0): the record is valid, left out of fits, and predicted at the population mean.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] when x is negative or not finite, z̄ is not finite or negative, or
    /// x > 0 and z̄ ≤ 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::SpendHistory;
    /// assert!(SpendHistory::new(0.0, 0.0).is_ok());
    /// assert!(SpendHistory::new(3.0, 0.0).is_err());
    /// ```
    pub fn new(frequency: f64, mean_spend: f64) -> Result<Self, ClvError> {
        Self::checked(frequency, mean_spend, None)
    }

    /// Spend records from two columns, naming the first bad row's position in the error.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] when the columns differ in length, and the conditions of
    /// [`SpendHistory::new`] with `position` set.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{ClvError, SpendHistory};
    /// let err = SpendHistory::from_columns(&[2.0, 1.0], &[10.0, -5.0]).unwrap_err();
    /// assert!(matches!(err, ClvError::InvalidHistory { position: Some(1), .. }));
    /// ```
    pub fn from_columns(frequency: &[f64], mean_spend: &[f64]) -> Result<Vec<Self>, ClvError> {
        if frequency.len() != mean_spend.len() {
            return Err(ClvError::LengthMismatch {
                expected: frequency.len(),
                found: mean_spend.len(),
            });
        }
        frequency
            .iter()
            .zip(mean_spend)
            .enumerate()
            .map(|(i, (&x, &z))| Self::checked(x, z, Some(i)))
            .collect()
    }

    /// The spend record of a summarized customer: x = repeat occasions, z̄ = mean net amount of the
    /// occasions after the first (converted from `Decimal` to the nearest f64).
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] when the customer has repeat occasions whose mean net amount is
    /// not positive (refunds exceeding purchases).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Summarizer, Transaction};
    /// use customer_value::clv::SpendHistory;
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [Transaction::new(1, d(1), Decimal::new(500, 2)), Transaction::new(1, d(8), Decimal::new(1250, 2)),
    ///            Transaction::new(1, d(9), Decimal::new(750, 2))];
    /// let s = Summarizer::new(d(15)).summarize(&log)?;
    /// let spend = SpendHistory::from_summary(&s[0])?;
    /// assert_eq!((spend.frequency(), spend.mean_spend()), (2.0, 10.0));
    /// # Ok::<(), customer_value::Error>(())
    /// ```
    pub fn from_summary<C>(summary: &CustomerSummary<C>) -> Result<Self, ClvError> {
        let mean = summary
            .mean_repeat_spend()
            .map_or(0.0, |m| m.to_f64().unwrap_or(f64::NAN));
        // x counts the occasions after the first (RFM frequency counts them all).
        Self::new(summary.purchase_occasions().saturating_sub(1) as f64, mean)
    }

    fn checked(frequency: f64, mean_spend: f64, position: Option<usize>) -> Result<Self, ClvError> {
        let invalid = |reason: &str| {
            Err(ClvError::InvalidHistory {
                position,
                reason: format!("{reason} (x = {frequency}, mean spend = {mean_spend})"),
            })
        };
        if !(frequency.is_finite() && frequency >= 0.0) {
            return invalid("x must be non-negative and finite");
        }
        if !(mean_spend.is_finite() && mean_spend >= 0.0) {
            return invalid("mean spend must be non-negative and finite");
        }
        if frequency > 0.0 && mean_spend <= 0.0 {
            return invalid("a customer with repeat purchases needs a positive mean spend");
        }
        Ok(Self {
            frequency,
            mean_spend,
        })
    }

    /// x: repeat transactions.
    pub fn frequency(&self) -> f64 {
        self.frequency
    }

    /// z̄: mean value of the repeat transactions (0 when x = 0).
    pub fn mean_spend(&self) -> f64 {
        self.mean_spend
    }
}

/// The Gamma-Gamma parameters, named as in Fader & Hardie (2013).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GammaGammaParams {
    /// p: shape of each transaction value's gamma distribution.
    pub p: f64,
    /// q: shape of the gamma distribution of ν across customers (mean spend is finite iff q > 1).
    pub q: f64,
    /// γ: rate of the gamma distribution of ν.
    pub gamma: f64,
}

/// Options of [`GammaGamma::fit_report`].
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GammaGammaOptions {
    /// The maximum-likelihood options.
    pub fit: FitOptions,
    /// Fit q − 1 on the log scale, so that q > 1 and the mean spend is finite (default `false`).
    pub constrain_q_above_one: bool,
}

/// A Gamma-Gamma fit with its diagnostics.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SpendFit {
    /// The fit on the customers with x ≥ 1.
    pub fit: ModelFit<GammaGamma>,
    /// Customers (weights) left out because x = 0: their spend is not observed.
    pub excluded_without_repeat: f64,
    /// Weighted Pearson correlation of x and z̄ over the customers used; the model assumes it is near
    /// 0. `None` when either has no variance.
    pub frequency_spend_correlation: Option<f64>,
    /// Whether q ≤ 1, i.e. the fitted mean spend is infinite.
    pub infinite_mean_spend: bool,
}

/// The Gamma-Gamma spend model (Colombo & Jiang 1999; Fader & Hardie 2013, "The Gamma-Gamma model
/// of monetary value") with known parameters.
///
/// A customer's transaction values are gamma(p, ν) with mean p/ν; across customers ν ~ Gamma(q, γ).
/// The model sees, per customer, x (repeat transactions) and z̄ (their mean value) as a
/// [`SpendHistory`]. It assumes spend is independent of purchase frequency: check the Pearson
/// correlation reported by [`GammaGamma::fit_report`]. With q ≤ 1 the mean spend is infinite and
/// predictions that need it return [`ClvError::InfiniteMeanSpend`]
/// ([`GammaGammaOptions::constrain_q_above_one`] fits with q > 1).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{GammaGamma, SpendHistory};
/// // The maximum-likelihood parameters on the 946 CDNOW repeat buyers.
/// let model = GammaGamma::new(6.2488025, 3.7445885, 15.4477481)?;
/// let spend = model.conditional_expected_average_spend(&SpendHistory::new(2.0, 22.35)?)?;
/// assert!((spend - 24.6586).abs() < 1e-4);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GammaGamma {
    params: GammaGammaParams,
}

impl GammaGamma {
    /// A model with parameters p, q, γ.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is not positive and finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::GammaGamma;
    /// assert_eq!(GammaGamma::new(6.25, 3.74, 15.44)?.params().q, 3.74);
    /// assert!(GammaGamma::new(0.0, 3.74, 15.44).is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self, ClvError> {
        for (name, value) in [("p", p), ("q", q), ("gamma", gamma)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ClvError::InvalidParameter {
                    name,
                    value,
                    constraint: "must be positive and finite",
                });
            }
        }
        Ok(Self {
            params: GammaGammaParams { p, q, gamma },
        })
    }

    /// The parameters.
    pub fn params(&self) -> GammaGammaParams {
        self.params
    }

    /// The population mean spend per transaction, pγ/(q − 1).
    ///
    /// # Errors
    ///
    /// [`ClvError::InfiniteMeanSpend`] when q ≤ 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::GammaGamma;
    /// assert_eq!(GammaGamma::new(2.0, 3.0, 10.0)?.mean_spend()?, 10.0);
    /// assert!(GammaGamma::new(2.0, 0.9, 10.0)?.mean_spend().is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn mean_spend(&self) -> Result<f64, ClvError> {
        let GammaGammaParams { p, q, gamma } = self.params;
        if q <= 1.0 {
            return Err(ClvError::InfiniteMeanSpend { q });
        }
        Ok(p * gamma / (q - 1.0))
    }

    /// E[Z | x, z̄] = p(γ + x z̄)/(px + q − 1) (Fader & Hardie 2013, eq. 4): the customer's expected
    /// spend per transaction, a weighted mean of the population mean and z̄. At x = 0 it is the
    /// population mean.
    ///
    /// # Errors
    ///
    /// [`ClvError::InfiniteMeanSpend`] when px + q ≤ 1 (for x = 0: q ≤ 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{GammaGamma, SpendHistory};
    /// let model = GammaGamma::new(2.0, 3.0, 10.0)?;
    /// // p(γ + x z̄)/(px + q − 1) = 2 (10 + 4·25)/(8 + 2) = 22
    /// assert_eq!(model.conditional_expected_average_spend(&SpendHistory::new(4.0, 25.0)?)?, 22.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn conditional_expected_average_spend(
        &self,
        history: &SpendHistory,
    ) -> Result<f64, ClvError> {
        let GammaGammaParams { p, q, gamma } = self.params;
        let x = history.frequency;
        let denominator = p * x + q - 1.0;
        if denominator <= 0.0 {
            return Err(ClvError::InfiniteMeanSpend { q });
        }
        Ok(p * (gamma + x * history.mean_spend) / denominator)
    }

    /// The log-likelihood of one customer's z̄ given x ≥ 1 (Fader & Hardie 2013, eq. 3):
    /// ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln z̄ + px ln x − (px + q) ln(γ + x z̄).
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] when x = 0 (no spend observed).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{GammaGamma, SpendHistory};
    /// // One transaction, p = q = γ = 1: density γ/(γ + z)² at z = 1 is 1/4.
    /// let ll = GammaGamma::new(1.0, 1.0, 1.0)?.log_likelihood(&SpendHistory::new(1.0, 1.0)?)?;
    /// assert!((ll - 0.25_f64.ln()).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &SpendHistory) -> Result<f64, ClvError> {
        if history.frequency == 0.0 {
            return Err(ClvError::InvalidArgument {
                name: "frequency",
                value: 0.0,
                constraint: "the spend likelihood needs at least one repeat transaction",
            });
        }
        Ok(row_log_likelihood(&self.params, history.frequency, history.mean_spend).0)
    }

    /// Fits p, q, γ by maximum likelihood with default options (customers with x = 0 are left out).
    ///
    /// # Errors
    ///
    /// As [`GammaGamma::fit_report`].
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{GammaGamma, SpendHistory};
    /// let x = [1.0, 2.0, 3.0, 1.0, 5.0, 2.0, 4.0, 1.0, 2.0, 6.0, 3.0, 1.0, 0.0];
    /// let z = [10.0, 14.0, 9.0, 30.0, 12.0, 8.0, 20.0, 45.0, 16.0, 11.0, 25.0, 6.0, 0.0];
    /// let data = SpendHistory::from_columns(&x, &z)?;
    /// let fit = GammaGamma::fit(&data)?;
    /// assert_eq!(fit.observations, 12.0); // the customer with x = 0 is left out
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit(histories: &[SpendHistory]) -> Result<ModelFit<GammaGamma>, ClvError> {
        let weights = vec![1.0; histories.len()];
        Ok(Self::fit_report(histories, &weights, &GammaGammaOptions::default())?.fit)
    }

    /// Fits weighted spend records (`weights[i]` customers share `histories[i]`) with default options.
    ///
    /// # Errors
    ///
    /// As [`GammaGamma::fit_report`].
    pub fn fit_weighted(
        histories: &[SpendHistory],
        weights: &[f64],
    ) -> Result<ModelFit<GammaGamma>, ClvError> {
        Ok(Self::fit_report(histories, weights, &GammaGammaOptions::default())?.fit)
    }

    /// Fits weighted spend records and reports the diagnostics: how many customers were left out
    /// (x = 0), the correlation of x and z̄, and whether q ≤ 1.
    ///
    /// # Errors
    ///
    /// - [`ClvError::EmptyInput`] when `histories` is empty;
    /// - [`ClvError::LengthMismatch`] / [`ClvError::InvalidWeight`] for bad weights;
    /// - [`ClvError::NotIdentifiable`] when fewer than two distinct records with x ≥ 1 carry weight,
    ///   or all their mean spends are equal;
    /// - the optimiser's errors ([`ClvError::NotConverged`], [`ClvError::NumericalFailure`],
    ///   [`ClvError::InvalidArgument`] for bad options).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{GammaGamma, GammaGammaOptions, SpendHistory};
    /// let x = [1.0, 2.0, 3.0, 1.0, 5.0, 2.0, 4.0, 1.0, 2.0, 6.0, 3.0, 1.0, 0.0];
    /// let z = [10.0, 14.0, 9.0, 30.0, 12.0, 8.0, 20.0, 45.0, 16.0, 11.0, 25.0, 6.0, 0.0];
    /// let data = SpendHistory::from_columns(&x, &z)?;
    /// let options = GammaGammaOptions { constrain_q_above_one: true, ..Default::default() };
    /// let report = GammaGamma::fit_report(&data, &[1.0; 13], &options)?;
    /// assert_eq!(report.excluded_without_repeat, 1.0);
    /// assert!(report.fit.model.params().q > 1.0 && !report.infinite_mean_spend);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn fit_report(
        histories: &[SpendHistory],
        weights: &[f64],
        options: &GammaGammaOptions,
    ) -> Result<SpendFit, ClvError> {
        if histories.is_empty() {
            return Err(ClvError::EmptyInput);
        }
        check_weights(histories.len(), weights)?;
        let mut rows: Vec<(f64, f64, f64)> = Vec::new();
        let mut excluded = 0.0;
        for (h, &w) in histories.iter().zip(weights) {
            if h.frequency == 0.0 {
                excluded += w;
            } else if w > 0.0 {
                rows.push((h.frequency, h.mean_spend, w));
            }
        }
        // Merge identical rows; sorting also makes the sums independent of the input order.
        rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        rows.dedup_by(|next, kept| {
            let same = next.0 == kept.0 && next.1 == kept.1;
            if same {
                kept.2 += next.2;
            }
            same
        });
        let distinct_spend =
            rows.windows(2).any(|w| w[0].1 != w[1].1) || rows.iter().any(|r| r.1 != rows[0].1);
        if rows.len() < 2 || !distinct_spend {
            return Err(ClvError::NotIdentifiable {
                reason: "the spend model needs at least two customers with repeat purchases and different mean spends",
            });
        }
        let total: f64 = rows.iter().map(|r| r.2).sum();
        let shift = if options.constrain_q_above_one {
            1.0
        } else {
            0.0
        };
        // The optimiser works on ln(p, q − shift, γ); crate::clv::fit scales the cost itself.
        let groups = FrequencyGroups::new(&rows);
        let objective = |theta: &[f64]| {
            let params = GammaGammaParams {
                p: theta[0].exp(),
                q: shift + theta[1].exp(),
                gamma: theta[2].exp(),
            };
            let (value, gradient) = groups.log_likelihood(&params);
            let natural = [params.p, params.q - shift, params.gamma];
            (
                value,
                (0..3)
                    .map(|k| gradient[k] * natural[k])
                    .collect::<Vec<f64>>(),
            )
        };
        let mean_spend = rows.iter().map(|r| r.1 * r.2).sum::<f64>() / total;
        let starts = [
            vec![1.0, 1.0, 1.0],
            vec![4.0, 3.0, mean_spend],
            vec![1.0, 2.0, mean_spend / 2.0],
            vec![10.0, 5.0, mean_spend],
        ];
        let starts: Vec<Vec<f64>> = starts
            .into_iter()
            .map(|mut s| {
                s[1] = (s[1] - shift).max(0.5);
                s
            })
            .collect();
        let mut fit_options = options.fit.clone();
        if let Some(initial) = fit_options.initial.as_mut() {
            if let Some(q) = initial.get_mut(1) {
                *q = (*q - shift).max(1e-6);
            }
        }
        let optimum = maximize(&objective, &starts, &fit_options)?;
        let (p, q, gamma) = (
            optimum.params[0],
            shift + optimum.params[1],
            optimum.params[2],
        );
        // SE and covariance of q − shift are those of q.
        let (covariance, standard_errors) = (optimum.covariance, optimum.standard_errors);
        let fit = ModelFit {
            model: GammaGamma::new(p, q, gamma)?,
            log_likelihood: optimum.log_likelihood,
            standard_errors,
            covariance,
            iterations: optimum.iterations,
            converged: optimum.converged,
            observations: total,
        };
        Ok(SpendFit {
            fit,
            excluded_without_repeat: excluded,
            frequency_spend_correlation: weighted_correlation(&rows),
            infinite_mean_spend: q <= 1.0,
        })
    }
}

/// The fit's rows grouped by frequency x (they are sorted by x), with what does not change
/// between evaluations precomputed. The gamma-function terms of the likelihood depend on x only,
/// so they are evaluated once per distinct x; a row then costs one logarithm and one division per
/// evaluation instead of three ln Γ, three ψ and four logarithms.
struct FrequencyGroups {
    /// (x, Σw, ln x) per distinct x.
    groups: Vec<(f64, f64, f64)>,
    /// (weight, x z̄) per row, in the order of the groups.
    rows: Vec<(f64, f64)>,
    /// Each group's row range.
    ranges: Vec<std::ops::Range<usize>>,
    /// Σ w ln z̄ per group (constant across evaluations).
    weighted_ln_spend: Vec<f64>,
}

/// Rows per parallel task of the likelihood: sums are combined in task order, so the result does
/// not depend on the thread count.
const LIKELIHOOD_CHUNK: usize = 8192;

impl FrequencyGroups {
    fn new(sorted_rows: &[(f64, f64, f64)]) -> Self {
        let mut groups = Vec::new();
        let mut ranges = Vec::new();
        let mut weighted_ln_spend = Vec::new();
        let mut start = 0;
        while start < sorted_rows.len() {
            let x = sorted_rows[start].0;
            let end = start + sorted_rows[start..].iter().take_while(|r| r.0 == x).count();
            let group = &sorted_rows[start..end];
            groups.push((x, group.iter().map(|r| r.2).sum(), x.ln()));
            weighted_ln_spend.push(group.iter().map(|r| r.2 * r.1.ln()).sum());
            ranges.push(start..end);
            start = end;
        }
        let rows = sorted_rows.iter().map(|&(x, z, w)| (w, x * z)).collect();
        Self {
            groups,
            rows,
            ranges,
            weighted_ln_spend,
        }
    }

    /// Σ w ln L and its gradient in (p, q, γ) (Fader & Hardie 2013, eq. 3):
    /// ln L = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln z̄ + px ln x − (px + q) ln(γ + x z̄).
    ///
    /// Written with ℓ = ln(1 + x z̄/γ) so that q ln γ − q ln(γ + x z̄) = −q ℓ never cancels two
    /// large numbers (q and γ grow together when spend barely varies between customers):
    /// ln L = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + (px − 1) ln z̄ + px ln x − px ln γ − (px + q) ℓ.
    fn log_likelihood(&self, params: &GammaGammaParams) -> (f64, [f64; 3]) {
        let GammaGammaParams { p, q, gamma } = *params;
        let (ln_gamma_q, digamma_q, ln_rate) = (ln_gamma(q), digamma(q), gamma.ln());
        let inverse_rate = 1.0 / gamma;
        // Per group, over fixed chunks in parallel: Σ w ℓ, Σ w / (γ + x z̄), Σ w x z̄ / (γ + x z̄).
        let tasks: Vec<(usize, std::ops::Range<usize>)> = self
            .ranges
            .iter()
            .enumerate()
            .flat_map(|(g, range)| {
                range
                    .clone()
                    .step_by(LIKELIHOOD_CHUNK)
                    .map(move |from| (g, from..(from + LIKELIHOOD_CHUNK).min(range.end)))
            })
            .collect();
        let partial: Vec<(usize, [f64; 3])> = tasks
            .into_par_iter()
            .map(|(g, range)| {
                let mut sums = [0.0; 3];
                for &(w, xz) in &self.rows[range] {
                    let inverse_total = 1.0 / (gamma + xz);
                    sums[0] += w * (xz * inverse_rate).ln_1p();
                    sums[1] += w * inverse_total;
                    sums[2] += w * xz * inverse_total;
                }
                (g, sums)
            })
            .collect();
        let mut per_group = vec![[0.0; 3]; self.groups.len()];
        for (g, sums) in partial {
            for k in 0..3 {
                per_group[g][k] += sums[k];
            }
        }
        let mut value = 0.0;
        let mut gradient = [0.0; 3];
        for (g, &(x, weight, ln_x)) in self.groups.iter().enumerate() {
            let px = p * x;
            let psi_total = digamma(px + q);
            let s_ln_z = self.weighted_ln_spend[g];
            let [s_ell, s_inverse, s_fraction] = per_group[g];
            value += weight
                * (ln_gamma(px + q) - ln_gamma(px) - ln_gamma_q + px * (ln_x - ln_rate))
                + (px - 1.0) * s_ln_z
                - (px + q) * s_ell;
            gradient[0] +=
                x * (weight * (psi_total - digamma(px) + ln_x - ln_rate) + s_ln_z - s_ell);
            gradient[1] += weight * (psi_total - digamma_q) - s_ell;
            gradient[2] += q * inverse_rate * s_fraction - px * s_inverse;
        }
        (value, gradient)
    }
}

/// One customer's log-likelihood and its gradient in (p, q, γ).
fn row_log_likelihood(params: &GammaGammaParams, x: f64, z: f64) -> (f64, [f64; 3]) {
    let GammaGammaParams { p, q, gamma } = *params;
    let px = p * x;
    let ln_total = (gamma + x * z).ln();
    let value = ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
        + q * gamma.ln()
        + (px - 1.0) * z.ln()
        + px * x.ln()
        - (px + q) * ln_total;
    let psi_total = digamma(px + q);
    let gradient = [
        x * (psi_total - digamma(px) + z.ln() + x.ln() - ln_total),
        psi_total - digamma(q) + gamma.ln() - ln_total,
        q / gamma - (px + q) / (gamma + x * z),
    ];
    (value, gradient)
}

/// Weighted Pearson correlation of (x, z̄) rows with weights; `None` without variance.
fn weighted_correlation(rows: &[(f64, f64, f64)]) -> Option<f64> {
    let total: f64 = rows.iter().map(|r| r.2).sum();
    let mean_x = rows.iter().map(|r| r.0 * r.2).sum::<f64>() / total;
    let mean_z = rows.iter().map(|r| r.1 * r.2).sum::<f64>() / total;
    let (mut sxx, mut szz, mut sxz) = (0.0, 0.0, 0.0);
    for &(x, z, w) in rows {
        sxx += w * (x - mean_x) * (x - mean_x);
        szz += w * (z - mean_z) * (z - mean_z);
        sxz += w * (x - mean_x) * (z - mean_z);
    }
    (sxx > 0.0 && szz > 0.0).then(|| sxz / (sxx * szz).sqrt())
}
