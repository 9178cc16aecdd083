//! The BG/BB model for discrete purchase opportunities (Fader, Hardie & Shang 2010, "Customer-base
//! analysis in a discrete-time noncontractual setting").
//!
//! At each opportunity an active customer transacts with probability p, p ~ Beta(α, β), and before
//! each opportunity becomes inactive for good with probability θ, θ ~ Beta(γ, δ). Data are
//! [`DiscreteHistory`] rows (x, t_x, n).
//!
//! # Finite results
//!
//! The parameters are in [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
//! [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)] (checked by [`BgBb::new`] and when a model is read
//! back through serde) and a history spans at most
//! [`DiscreteHistory::MAX_PERIODS`](crate::clv::DiscreteHistory::MAX_PERIODS) opportunities; within
//! both, the log-likelihood, P(alive) and every probability are finite, and the expectations are
//! finite or a [`ClvError::NumericalFailure`]. The work of one history is O(n − t_x) for the
//! likelihood and P(alive), O(n − x) for P(X(n) = x) and O(1) for the expectations.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{BgBb, DiscreteHistory};
//! // The donations MLE of FHS (2010).
//! let model = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
//! let p = model.probability_alive_next(&DiscreteHistory::new(6, 6, 6)?);
//! assert!((p - 0.9304).abs() < 5e-5);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use statrs::function::gamma::{digamma, ln_gamma};

use crate::clv::beta_ratio::{ln_beta_ratio, ln_rising};
use crate::clv::error::finite_or_failure;
use crate::clv::fit::engine::Estimator;
use crate::clv::fit::{check_weights, maximum_likelihood, on_log_scale, Search};
use crate::clv::parameter_range::check_parameter_range;
use crate::clv::{fill_each, ClvError, DiscreteHistory, FitData, FitOptions};

/// BG/BB parameters named as in FHS (2010): p ~ Beta(α, β), θ ~ Beta(γ, δ).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BgBbParams {
    /// First shape of the Beta distribution of transaction probabilities p.
    pub alpha: f64,
    /// Second shape of the Beta distribution of transaction probabilities p.
    pub beta: f64,
    /// First shape of the Beta distribution of drop-out probabilities θ.
    pub gamma: f64,
    /// Second shape of the Beta distribution of drop-out probabilities θ.
    pub delta: f64,
}

crate::settings::checked_serde! {
    check = BgBb::check_read;
    /// The BG/BB model with known parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let model = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
    /// // FHS (2010): a donor who gave in each of the 6 years is almost surely still active.
    /// assert!(model.probability_alive_next(&DiscreteHistory::new(6, 6, 6)?) > 0.93);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct BgBb {
        params: BgBbParams,
    }
}

fn ln_choose(n: u32, k: u32) -> f64 {
    ln_gamma(f64::from(n) + 1.0) - ln_gamma(f64::from(k) + 1.0) - ln_gamma(f64::from(n - k) + 1.0)
}

fn log_sum_exp(values: &[f64]) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + values.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
}

impl BgBb {
    /// A BG/BB model with known parameters.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidParameter`] when a parameter is outside
    /// [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER), [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)]
    /// (NaN and infinities included).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::BgBb;
    /// assert!(BgBb::new(1.2, 0.75, 0.66, 2.78).is_ok());
    /// assert!(BgBb::new(1.2, 0.0, 0.66, 2.78).is_err());
    /// ```
    pub fn new(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self, ClvError> {
        check_parameter_range(&[
            ("alpha", alpha),
            ("beta", beta),
            ("gamma", gamma),
            ("delta", delta),
        ])?;
        Ok(Self {
            params: BgBbParams {
                alpha,
                beta,
                gamma,
                delta,
            },
        })
    }

    /// The constructor's check, for a model read back through serde.
    #[cfg(feature = "serde")]
    fn check_read(&self) -> Result<(), ClvError> {
        let [alpha, beta, gamma, delta] = self.array();
        Self::new(alpha, beta, gamma, delta).map(|_| ())
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::BgBb;
    /// assert_eq!(BgBb::new(1.2, 0.75, 0.66, 2.78)?.params().gamma, 0.66);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn params(&self) -> BgBbParams {
        self.params
    }

    fn array(&self) -> [f64; 4] {
        let BgBbParams {
            alpha,
            beta,
            gamma,
            delta,
        } = self.params;
        [alpha, beta, gamma, delta]
    }

    /// The log-likelihood of one history (FHS 2010, equation 5, in log space).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let m = BgBb::new(1.0, 1.0, 1.0, 1.0)?;
    /// // With uniform p and θ, x = 0 over one opportunity: 1/2 · 1/2 + 1/2 (dead before it) = 3/4.
    /// let ll = m.log_likelihood(&DiscreteHistory::new(0, 0, 1)?);
    /// assert!((ll - 0.75f64.ln()).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &DiscreteHistory) -> f64 {
        log_likelihood_terms(&self.array(), history, &mut Vec::new())
    }

    /// P(alive at opportunity n + 1 | x, t_x, n) (FHS 2010, equation 11).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let m = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
    /// assert!((m.probability_alive_next(&DiscreteHistory::new(0, 0, 6)?) - 0.1081).abs() < 5e-5);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_alive_next(&self, history: &DiscreteHistory) -> f64 {
        let [alpha, beta, gamma, delta] = self.array();
        let (x, n) = (f64::from(history.frequency()), f64::from(history.periods()));
        let ll = self.log_likelihood(history);
        let log_alive =
            ln_beta_ratio(alpha, beta, x, n - x) + ln_beta_ratio(gamma, delta, 0.0, n + 1.0);
        probability((log_alive - ll).exp())
    }

    /// Expected transactions in the next `future_periods` opportunities of a customer with `history`
    /// (FHS 2010, equation 13).
    ///
    /// # Errors
    ///
    /// [`ClvError::NumericalFailure`] if the value is not finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let m = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
    /// let e = m.conditional_expected_purchases(10, &DiscreteHistory::new(4, 5, 6)?)?;
    /// assert!((e - 3.627968).abs() < 1e-5);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn conditional_expected_purchases(
        &self, future_periods: u32, history: &DiscreteHistory,
    ) -> Result<f64, ClvError> {
        let [alpha, beta, gamma, delta] = self.array();
        let (x, n) = (f64::from(history.frequency()), f64::from(history.periods()));
        let ll = self.log_likelihood(history);
        let front = ln_beta_ratio(alpha, beta, x + 1.0, n - x) - ll;
        let value = front.exp() * survival_sum(gamma, delta, n, f64::from(future_periods));
        finite_or_failure(
            value.max(0.0),
            "the BG/BB conditional expected transactions exceed f64",
        )
    }

    /// E[X(n)]: expected transactions of a new customer in `periods` opportunities (FHS 2010,
    /// equation 9).
    ///
    /// # Errors
    ///
    /// [`ClvError::NumericalFailure`] if the value is not finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::BgBb;
    /// let m = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
    /// assert!((m.expected_purchases(10)? - 3.179829).abs() < 1e-5);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn expected_purchases(&self, periods: u32) -> Result<f64, ClvError> {
        let [alpha, beta, gamma, delta] = self.array();
        let value = alpha / (alpha + beta) * survival_sum(gamma, delta, 0.0, f64::from(periods));
        finite_or_failure(value.max(0.0), "the BG/BB expected transactions exceed f64")
    }

    /// P(X(n) = x): the probability that a new customer makes `x` transactions in `periods`
    /// opportunities (FHS 2010, equation 7); 0 when x > n. A sum of n − x terms.
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidArgument`] naming `periods` when it exceeds
    /// [`DiscreteHistory::MAX_PERIODS`] (the sum would take unbounded time).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::BgBb;
    /// let m = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
    /// let total: f64 = (0..=6).map(|x| m.probability_of_purchases(x, 6)).sum::<Result<f64, _>>()?;
    /// assert!((total - 1.0).abs() < 1e-12);
    /// assert!(m.probability_of_purchases(0, u32::MAX).is_err());
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_of_purchases(&self, x: u32, periods: u32) -> Result<f64, ClvError> {
        if periods > DiscreteHistory::MAX_PERIODS {
            return Err(ClvError::InvalidArgument {
                name: "periods",
                value: f64::from(periods),
                constraint: "must be at most 10,000 (DiscreteHistory::MAX_PERIODS)",
            });
        }
        Ok(probability_of_purchases_at(&self.array(), x, periods))
    }

    /// Expected number of customers with 0, 1, …, n transactions among `histories` (each of its own
    /// n), weighted by `weights`: the model's side of the recency/frequency histogram. Histories of
    /// the same n are computed once: the work is O(n²) per distinct n.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] and [`ClvError::InvalidWeight`] for bad weights;
    /// [`ClvError::NumericalFailure`] when the weights are so large that a bin overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let m = BgBb::new(1.2, 0.75, 0.66, 2.78)?;
    /// let h = [DiscreteHistory::new(0, 0, 6)?, DiscreteHistory::new(2, 4, 6)?];
    /// let e = m.expected_frequency_histogram(&h, &[10.0, 5.0])?;
    /// assert_eq!(e.len(), 7);
    /// assert!((e.iter().sum::<f64>() - 15.0).abs() < 1e-9);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn expected_frequency_histogram(
        &self, histories: &[DiscreteHistory], weights: &[f64],
    ) -> Result<Vec<f64>, ClvError> {
        check_weights(histories.len(), weights)?;
        let mut by_periods: Vec<(u32, f64)> = histories
            .iter()
            .zip(weights)
            .map(|(h, &w)| (h.periods(), w))
            .collect();
        by_periods.sort_unstable_by_key(|(n, _)| *n);
        let max_n = by_periods.last().map_or(0, |(n, _)| *n);
        let mut bins = vec![0.0; max_n as usize + 1];
        for group in by_periods.chunk_by(|a, b| a.0 == b.0) {
            let (n, weight) = (group[0].0, group.iter().map(|(_, w)| w).sum::<f64>());
            for (x, bin) in (0..=n).zip(bins.iter_mut()) {
                *bin += weight * self.probability_of_purchases(x, n)?;
            }
        }
        for bin in &mut bins {
            *bin = finite_or_failure(
                *bin,
                "the BG/BB frequency histogram overflows (weights near f64::MAX)",
            )?;
        }
        Ok(bins)
    }

    /// [`BgBb::conditional_expected_purchases`] for every history, written into `out`.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] when `out` differs in length, and those of the single form.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let m = BgBb::new(1.2, 0.75, 0.66, 2.78)?;
    /// let h = [DiscreteHistory::new(0, 0, 6)?, DiscreteHistory::new(2, 4, 6)?];
    /// let mut out = [0.0; 2];
    /// m.conditional_expected_purchases_into(5, &h, &mut out)?;
    /// assert!(out[1] > out[0]);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn conditional_expected_purchases_into(
        &self, future_periods: u32, histories: &[DiscreteHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        fill_each(histories, out, |h| {
            self.conditional_expected_purchases(future_periods, h)
        })
    }

    /// [`BgBb::probability_alive_next`] for every history, written into `out`.
    ///
    /// # Errors
    ///
    /// [`ClvError::LengthMismatch`] when `out` differs in length.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let m = BgBb::new(1.2, 0.75, 0.66, 2.78)?;
    /// let h = [DiscreteHistory::new(6, 6, 6)?];
    /// let mut out = [0.0];
    /// m.probability_alive_next_into(&h, &mut out)?;
    /// assert!(out[0] > 0.9);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_alive_next_into(
        &self, histories: &[DiscreteHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        fill_each(histories, out, |h| Ok(self.probability_alive_next(h)))
    }
}

maximum_likelihood!(impl for BgBb {
    History = DiscreteHistory, Options = FitOptions, Diagnostics = (),
    parameters = [alpha, beta, gamma, delta],
});

/// Fitting, to individual histories or to a recency/frequency table with counts as weights (as
/// FHS 2010 publish it): [`ClvError::NotIdentifiable`] when nobody made a repeat transaction, or
/// everybody transacted at every opportunity.
impl Estimator for BgBb {
    type Data = Vec<(DiscreteHistory, f64)>;

    fn prepare(
        data: &FitData<'_, DiscreteHistory>, _: &FitOptions,
    ) -> Result<Vec<(DiscreteHistory, f64)>, ClvError> {
        let mut rows: Vec<(DiscreteHistory, f64)> = data
            .histories()
            .iter()
            .copied()
            .zip(data.weights().iter().copied())
            .filter(|(_, w)| *w > 0.0)
            .collect();
        rows.sort_unstable_by_key(|(h, _)| (h.frequency(), h.recency(), h.periods()));
        let mut compressed: Vec<(DiscreteHistory, f64)> = Vec::with_capacity(rows.len());
        for (h, w) in rows {
            match compressed.last_mut() {
                Some(last) if last.0 == h => last.1 += w,
                _ => compressed.push((h, w)),
            }
        }
        if compressed.iter().all(|(h, _)| h.frequency() == 0) {
            return Err(ClvError::NotIdentifiable {
                detail: "no customer made a repeat transaction",
            });
        }
        if compressed.iter().all(|(h, _)| h.frequency() == h.periods()) {
            return Err(ClvError::NotIdentifiable {
                detail: "every customer transacted at every opportunity",
            });
        }
        Ok(compressed)
    }

    fn log_likelihood(data: &Self::Data, theta: &[f64]) -> (f64, Vec<f64>) {
        on_log_scale(theta, |p| weighted_log_likelihood(p, data))
    }

    fn search(_: &Self::Data) -> Search {
        Search::MultiStart(vec![
            vec![1.0, 1.0, 1.0, 1.0],
            vec![0.5, 0.5, 0.5, 2.0],
            vec![2.0, 1.0, 0.5, 3.0],
            vec![0.2, 0.2, 2.0, 0.5],
        ])
    }

    fn diagnostics(_: &Self::Data, _: &Self) {}
}

/// P(X(n) = x) of FHS (2010) equation 7 (see [`BgBb::probability_of_purchases`]), for n ≤
/// [`DiscreteHistory::MAX_PERIODS`]. The parameters are not range-checked: the conditional
/// distribution calls it at the posterior ones (α + x, β + n − x, γ, δ + n).
pub(crate) fn probability_of_purchases_at(p: &[f64; 4], x: u32, periods: u32) -> f64 {
    if x > periods {
        return 0.0;
    }
    let [alpha, beta, gamma, delta] = *p;
    let (xf, nf) = (f64::from(x), f64::from(periods));
    let mut terms = Vec::with_capacity((periods - x) as usize + 1);
    terms.push(
        ln_choose(periods, x)
            + ln_beta_ratio(alpha, beta, xf, nf - xf)
            + ln_beta_ratio(gamma, delta, 0.0, nf),
    );
    // Death after opportunity i = x, …, n − 1: C(i, x) B(α + x, β + i − x) B(γ + 1, δ + i),
    // each term from the last by B(a, b + 1) = B(a, b) · b/(a + b) and C(i + 1, x) =
    // C(i, x) · (i + 1)/(i + 1 − x): one logarithm per term instead of twelve ln Γ (n = 10⁴
    // for every x, the histogram's worst case, takes about a second instead of minutes).
    let mut term = ln_beta_ratio(alpha, beta, xf, 0.0) + ln_beta_ratio(gamma, delta, 1.0, xf);
    for i in x..periods {
        terms.push(term);
        let (fi, y) = (f64::from(i), f64::from(i - x));
        term += ((fi + 1.0) / (y + 1.0) * (beta + y) / (alpha + beta + fi) * (delta + fi)
            / (gamma + delta + fi + 1.0))
            .ln();
    }
    probability(log_sum_exp(&terms).exp())
}

/// A probability computed in log space, brought into [0, 1] (rounding may leave it a hair outside).
fn probability(value: f64) -> f64 {
    value.clamp(0.0, 1.0)
}

/// δ/(γ−1) · Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+m)/Γ(γ+δ+n+m)]: the expected number of
/// opportunities n+1..n+m at which a customer alive at n is still alive, times B(γ,δ) scaling
/// (FHS 2010, equations 9 and 13). At γ = 1 it is 0/0: the two sides are averaged.
///
/// The gamma ratios are rising factorials, e^A and e^B with A = ln (1+δ)ₙ − ln (γ+δ)ₙ and B the
/// same at n + m, and their difference is e^A (1 − e^(B−A)) with `exp_m1`: exact when δ is so
/// large that both are within 10⁻¹⁰ of each other.
fn survival_sum(gamma: f64, delta: f64, n: f64, m: f64) -> f64 {
    let eval = |gamma: f64| {
        let ln_ratio = |k: f64| ln_rising(1.0 + delta, k) - ln_rising(gamma + delta, k);
        let (a, b) = (ln_ratio(n), ln_ratio(n + m));
        (delta / (gamma - 1.0)) * a.exp() * -(b - a).exp_m1()
    };
    if (gamma - 1.0).abs() < 1e-7 {
        0.5 * (eval(1.0 + 1e-7) + eval(1.0 - 1e-7))
    } else {
        eval(gamma)
    }
}

/// ln L of one history; `terms` is scratch space for the log terms of the sum.
fn log_likelihood_terms(p: &[f64; 4], h: &DiscreteHistory, terms: &mut Vec<f64>) -> f64 {
    let [alpha, beta, gamma, delta] = *p;
    let (x, t_x, n) = (
        f64::from(h.frequency()),
        f64::from(h.recency()),
        f64::from(h.periods()),
    );
    terms.clear();
    terms.push(ln_beta_ratio(alpha, beta, x, n - x) + ln_beta_ratio(gamma, delta, 0.0, n));
    for i in 0..(h.periods() - h.recency()) {
        let fi = f64::from(i);
        terms.push(
            ln_beta_ratio(alpha, beta, x, t_x - x + fi)
                + ln_beta_ratio(gamma, delta, 1.0, t_x + fi),
        );
    }
    log_sum_exp(terms)
}

/// Weighted log-likelihood and its gradient in (α, β, γ, δ) (FHS 2010, equation 5).
fn weighted_log_likelihood(p: &[f64; 4], rows: &[(DiscreteHistory, f64)]) -> (f64, [f64; 4]) {
    let [alpha, beta, gamma, delta] = *p;
    let d_base = [
        digamma(alpha) - digamma(alpha + beta),
        digamma(beta) - digamma(alpha + beta),
        digamma(gamma) - digamma(gamma + delta),
        digamma(delta) - digamma(gamma + delta),
    ];
    let mut ll = 0.0;
    let mut g = [0.0; 4];
    let mut terms: Vec<f64> = Vec::new();
    // (y, gamma shift, delta shift) of each term: y is the "no transaction" count.
    let mut shapes: Vec<(f64, f64, f64)> = Vec::new();
    for (h, w) in rows {
        let (x, t_x, n) = (
            f64::from(h.frequency()),
            f64::from(h.recency()),
            f64::from(h.periods()),
        );
        shapes.clear();
        shapes.push((n - x, 0.0, n));
        for i in 0..(h.periods() - h.recency()) {
            let fi = f64::from(i);
            shapes.push((t_x - x + fi, 1.0, t_x + fi));
        }
        let row_ll = log_likelihood_terms(p, h, &mut terms);
        ll += w * row_ll;
        for (&log_term, &(y, gs, ds)) in terms.iter().zip(&shapes) {
            let share = (log_term - row_ll).exp();
            let psi_p = digamma(alpha + beta + x + y);
            let psi_t = digamma(gamma + delta + gs + ds);
            g[0] += w * share * (digamma(alpha + x) - psi_p - d_base[0]);
            g[1] += w * share * (digamma(beta + y) - psi_p - d_base[1]);
            g[2] += w * share * (digamma(gamma + gs) - psi_t - d_base[2]);
            g[3] += w * share * (digamma(delta + ds) - psi_t - d_base[3]);
        }
    }
    (ll, g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::fit::assert_gradient_matches;

    #[test]
    fn gradient_matches_finite_differences() {
        let rows = vec![
            (DiscreteHistory::new(0, 0, 6).unwrap(), 10.0),
            (DiscreteHistory::new(2, 4, 6).unwrap(), 3.0),
            (DiscreteHistory::new(5, 5, 6).unwrap(), 2.0),
        ];
        assert_gradient_matches(|p| weighted_log_likelihood(p, &rows), [1.1, 0.8, 0.7, 2.5]);
    }

    #[test]
    fn expected_purchases_match_the_distribution() {
        let m = BgBb::new(1.2, 0.75, 0.66, 2.78).unwrap();
        let mean: f64 = (0..=10)
            .map(|x| f64::from(x) * m.probability_of_purchases(x, 10).unwrap())
            .sum();
        assert!((mean - m.expected_purchases(10).unwrap()).abs() < 1e-10);
        let at_one = BgBb::new(1.2, 0.75, 1.0, 2.78).unwrap();
        let mean1: f64 = (0..=10)
            .map(|x| f64::from(x) * at_one.probability_of_purchases(x, 10).unwrap())
            .sum();
        assert!((mean1 - at_one.expected_purchases(10).unwrap()).abs() < 1e-6);
    }
}
