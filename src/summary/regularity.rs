//! Regularity of inter-purchase times: the sum of their logarithms per customer (BTYDplus's
//! `litt`, a sufficient statistic of the Erlang-k models of Platzer & Reutterer 2016) and an
//! estimate of the shape k of their gamma distribution across a customer base (BTYDplus's
//! `estimateRegularity`). k = 1 is the exponential (Poisson purchasing) the NBD, Pareto/NBD and
//! BG/NBD models assume; k clearly above 1 means customers buy at regular intervals, for which
//! the (M)BG/CNBD-k and Pareto/GGG models were made.
//!
//! The intervals are those between a customer's purchase occasions, in days: one occasion per
//! day, as BTYDplus merges the events of one customer and date. A day of refunds only is not an
//! occasion and makes no interval (BTYDplus would count any event).

use statrs::function::gamma::digamma;

use super::{CustomerSummary, SummaryError, TimeUnit};
use crate::numeric::quantile::median;

/// How [`estimate_regularity`] estimates k.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum RegularityMethod {
    /// Wheat & Morrison (1990), "Estimating purchase regularity with two interpurchase times",
    /// JMR 27(1): with a customer's last two intervals t₁, t₂ (in order), M = t₁ / (t₁ + t₂)
    /// is Beta(k, k) when the intervals are Gamma(k, λ) with a shared k, whatever each
    /// customer's λ; then Var(M) = 1 / (4 (2k + 1)), so k̂ = (1 − 4 V) / (8 V) with V the
    /// sample variance of M (eq. 5). Needs two intervals per customer; BTYDplus's default.
    ///
    /// BTYDplus takes t₁ or t₂ at random as the numerator, so its value changes with R's seed;
    /// the paper's chronological M used here gives one value (M and 1 − M have the same
    /// distribution under the model, so both estimate the same k).
    #[default]
    WheatMorrison,
    /// Per customer, the maximum-likelihood shape of a gamma distribution fitted to its
    /// intervals: the root of ln k − ψ(k) = ln(mean) − mean(ln) (Choi & Wette 1969), searched
    /// in [0.1, 50] as BTYDplus searches it (a customer at an end is given that end: equal
    /// intervals have no finite k); then the median over customers. Needs many intervals per
    /// customer (BTYDplus: 10).
    MaximumLikelihood,
}

impl RegularityMethod {
    /// The fewest intervals a customer needs to count, by BTYDplus's defaults: 2 for
    /// Wheat & Morrison, 10 for maximum likelihood.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::summary::RegularityMethod;
    /// assert_eq!(RegularityMethod::MaximumLikelihood.default_min_intervals(), 10);
    /// ```
    pub fn default_min_intervals(self) -> usize {
        match self {
            RegularityMethod::WheatMorrison => 2,
            RegularityMethod::MaximumLikelihood => 10,
        }
    }
}

/// A regularity estimate: [`estimate_regularity`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Regularity {
    /// The estimated shape k of the inter-purchase times (1: exponential; 2: Erlang-2 ...).
    pub k: f64,
    /// The customers with enough intervals, on which k was estimated.
    pub customers: usize,
    /// The method.
    pub method: RegularityMethod,
}

/// The intervals between a summary's purchase occasions in days, or `None` when its occasions
/// were not kept.
fn intervals<C>(summary: &CustomerSummary<C>) -> Option<Vec<f64>> {
    let occasions = summary.occasions()?;
    Some(
        occasions
            .windows(2)
            .map(|w| (w[1].date - w[0].date).num_days() as f64)
            .collect(),
    )
}

impl<C> CustomerSummary<C> {
    /// BTYDplus's `litt`: the sum of the logarithms of the intervals between purchase occasions,
    /// each in `unit`s (BTYDplus's `elog2cbs` defaults to weeks), or `None` when the occasions
    /// were not kept. 0 for a customer with one occasion. It is the statistic of the intervals
    /// that the Erlang-k likelihood needs beyond x, t_x and T (Platzer & Reutterer 2016,
    /// "Ticking away the moments", Marketing Science 35(5), eq. 4).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::{Summarizer, TimeUnit, Transaction};
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    ///
    /// let d = |n| NaiveDate::from_ymd_opt(2024, 1, n).unwrap();
    /// let log = [1, 8, 22].map(|n| Transaction::new(1, d(n), Decimal::ONE));
    /// let s = &Summarizer::new(d(31)).summarize(&log)?[0];
    /// assert_eq!(s.litt(TimeUnit::Weeks), Some(2f64.ln())); // ln 1 + ln 2 weeks
    /// assert_eq!(s.litt(TimeUnit::Days), Some(7f64.ln() + 14f64.ln()));
    /// # Ok::<(), customer_value::summary::SummaryError>(())
    /// ```
    pub fn litt(&self, unit: TimeUnit) -> Option<f64> {
        let days = unit.days();
        Some(intervals(self)?.iter().map(|t| (t / days).ln()).sum())
    }
}

/// The regularity k of the inter-purchase times of `summaries` (BTYDplus's
/// `estimateRegularity`), counting the customers with at least `min_intervals` intervals
/// between purchase occasions ([`RegularityMethod::default_min_intervals`] gives BTYDplus's).
///
/// # Errors
///
/// - [`SummaryError::OccasionsNotKept`] naming the first summary without its occasions;
/// - [`SummaryError::InvalidMinIntervals`] when `min_intervals` < 2 (Wheat & Morrison needs two
///   intervals; a gamma fit, two to have a spread);
/// - [`SummaryError::RegularityUndefined`] when no customer has enough intervals, or, for
///   Wheat & Morrison, when M does not vary (fewer than two customers, or the same M for all).
///
/// # Examples
///
/// ```
/// use customer_value::summary::{estimate_regularity, RegularityMethod};
/// use customer_value::{Summarizer, Transaction};
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
///
/// let d = |n| NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(n);
/// // Last two intervals (3, 1) → M = 0.75, and (2, 2) → M = 0.5: V = 1/32, k = (1 − 1/8) · 4 = 3.5.
/// let log: Vec<_> = [(1, 0), (1, 3), (1, 4), (2, 10), (2, 12), (2, 14)]
///     .iter()
///     .map(|&(c, n)| Transaction::new(c, d(n), Decimal::ONE))
///     .collect();
/// let summaries = Summarizer::new(d(30)).summarize(&log)?;
/// let r = estimate_regularity(&summaries, RegularityMethod::WheatMorrison, 2)?;
/// assert_eq!((r.k, r.customers), (3.5, 2));
/// # Ok::<(), customer_value::summary::SummaryError>(())
/// ```
pub fn estimate_regularity<C>(
    summaries: &[CustomerSummary<C>], method: RegularityMethod, min_intervals: usize,
) -> Result<Regularity, SummaryError> {
    if min_intervals < 2 {
        return Err(SummaryError::InvalidMinIntervals { min_intervals });
    }
    let mut statistics = Vec::new();
    for (position, summary) in summaries.iter().enumerate() {
        let times = intervals(summary).ok_or(SummaryError::OccasionsNotKept { position })?;
        if times.len() >= min_intervals {
            statistics.push(match method {
                RegularityMethod::WheatMorrison => {
                    let (t1, t2) = (times[times.len() - 2], times[times.len() - 1]);
                    t1 / (t1 + t2)
                }
                RegularityMethod::MaximumLikelihood => gamma_shape(&times),
            });
        }
    }
    let customers = statistics.len();
    let undefined = |reason| SummaryError::RegularityUndefined { customers, reason };
    if customers == 0 {
        return Err(undefined("no customer has enough intervals"));
    }
    let k = match method {
        RegularityMethod::WheatMorrison => {
            let variance = sample_variance(&statistics);
            if variance <= 0.0 {
                return Err(undefined(
                    "M = t1 / (t1 + t2) does not vary across customers",
                ));
            }
            (1.0 - 4.0 * variance) / (8.0 * variance)
        }
        // Shapes are within [0.1, 50]: the median exists.
        RegularityMethod::MaximumLikelihood => {
            median(&mut statistics).ok_or(undefined("a gamma shape is not finite"))?
        }
    };
    Ok(Regularity {
        k,
        customers,
        method,
    })
}

/// The sample variance (n − 1 in the denominator, as R's `var`); 0 for one value.
fn sample_variance(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    if values.len() < 2 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
}

/// The maximum-likelihood gamma shape of positive `times`, within [0.1, 50]: the root of
/// ln k − ψ(k) = s with s = ln(mean) − mean(ln) ≥ 0 (Jensen), found by bisection, since
/// ln k − ψ(k) decreases in k. 60 halvings shrink [0.1, 50] below 10⁻¹⁶.
fn gamma_shape(times: &[f64]) -> f64 {
    let n = times.len() as f64;
    let s = (times.iter().sum::<f64>() / n).ln() - times.iter().map(|t| t.ln()).sum::<f64>() / n;
    let excess = |k: f64| k.ln() - digamma(k) - s;
    let (mut low, mut high) = (0.1, 50.0);
    if excess(high) >= 0.0 {
        return high; // nearly equal intervals: k beyond 50
    }
    if excess(low) <= 0.0 {
        return low;
    }
    for _ in 0..60 {
        let middle = 0.5 * (low + high);
        if excess(middle) > 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    0.5 * (low + high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_shape_inverts_its_equation() {
        // For k = 2: ln 2 − ψ(2) = 0.69314718 − 0.42278434 = 0.27036284 (ψ(2) = 1 − γ).
        // Intervals 1 and b with ln((1 + b)/2) − ln(b)/2 = that s.
        let s: f64 = 2f64.ln() - (1.0 - 0.577_215_664_901_532_9);
        let b = {
            let (mut lo, mut hi) = (1.0f64, 1e6);
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if ((1.0 + mid) / 2.0).ln() - mid.ln() / 2.0 < s {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        assert!((gamma_shape(&[1.0, b]) - 2.0).abs() < 1e-9);
        assert_eq!(gamma_shape(&[3.0, 3.0, 3.0]), 50.0);
        assert_eq!(gamma_shape(&[1.0, 1e12]), 0.1);
    }

    #[test]
    fn sample_variance_is_r_var() {
        assert_eq!(sample_variance(&[0.75, 0.5]), 0.03125);
        assert_eq!(sample_variance(&[0.3]), 0.0);
    }
}
