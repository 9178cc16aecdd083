//! Cronbach's alpha with Feldt's confidence interval, under listwise or pairwise deletion of
//! missing answers.
//!
//! Alpha is k/(k − 1) · (1 − tr C / Σ C) over the items' covariance matrix C (Cronbach 1951,
//! *Psychometrika* 16(3), 297–334, written with covariances). Under pairwise deletion each entry of C
//! comes from the respondents who answered both items (each variance from those who answered the
//! item), as pandas' `DataFrame.cov` does for pingouin's `cronbach_alpha(nan_policy="pairwise")`
//! and R psych's `alpha(use = "pairwise")`.

use ndarray::ArrayView2;

use super::correlation::complete_items;
use super::feldt::feldt_interval;
use super::scale::scale_of;
use super::{Interval, Result, SatisfactionError};

/// Alpha above 1 by more than this is not rounding: under pairwise deletion the covariances need
/// not be those of any one sample (listwise alpha of two identical items measures 1 + 2e-16).
const ROUNDING_ABOVE_ONE: f64 = 1e-12;

/// How respondents with some answers missing (`NaN`) are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MissingAnswers {
    /// Only respondents who answered every item count (complete cases), as in [`cronbach_alpha`](super::cronbach_alpha).
    #[default]
    Listwise,
    /// Each covariance uses every respondent who answered both items; n is the number of
    /// respondents who answered at least one item (pingouin counts every row, so a row left
    /// entirely blank would narrow its interval but not this one).
    Pairwise,
}

/// Cronbach's alpha with Feldt's confidence interval.
///
/// Read back with serde, it is checked: at least 2 respondents and 2 items, alpha finite and at
/// most 1, and the interval the one Feldt's formula gives for them at its level.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "AlphaEstimateData")
)]
pub struct AlphaEstimate {
    /// How missing answers were handled.
    pub missing: MissingAnswers,
    /// n in Feldt's degrees of freedom: complete respondents (listwise) or respondents with at
    /// least one answer (pairwise).
    pub respondents: usize,
    /// k, the number of items.
    pub items: usize,
    /// Raw alpha k/(k − 1) · (1 − tr C / Σ C), at most 1.
    pub alpha: f64,
    /// Feldt, Woodruff & Salih (1987) interval: F with (n − 1) and (n − 1)(k − 1) degrees of freedom.
    pub interval: Interval,
}

/// The fields of [`AlphaEstimate`] as read, before the checks of its `TryFrom`.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct AlphaEstimateData {
    missing: MissingAnswers,
    respondents: usize,
    items: usize,
    alpha: f64,
    interval: Interval,
}

#[cfg(feature = "serde")]
impl TryFrom<AlphaEstimateData> for AlphaEstimate {
    type Error = SatisfactionError;

    /// Accepts what [`cronbach_alpha_interval`] can produce: the interval is recomputed.
    fn try_from(data: AlphaEstimateData) -> Result<AlphaEstimate> {
        if data.respondents < 2 || data.items < 2 {
            return Err(super::invalid(
                "respondents or items",
                data.respondents.min(data.items) as f64,
                "alpha needs at least 2 respondents and 2 items",
            ));
        }
        if !(data.alpha.is_finite() && data.alpha <= 1.0) {
            return Err(super::invalid(
                "alpha",
                data.alpha,
                "must be finite and at most 1",
            ));
        }
        let interval = feldt_interval(
            data.alpha,
            data.respondents,
            data.items,
            data.interval.level,
        )?;
        if interval != data.interval {
            return Err(super::invalid(
                "interval",
                data.interval.lower,
                "must be Feldt's interval for the alpha, respondents, items and level read",
            ));
        }
        Ok(AlphaEstimate {
            missing: data.missing,
            respondents: data.respondents,
            items: data.items,
            alpha: data.alpha,
            interval,
        })
    }
}

/// Cronbach's alpha of `items` (respondents × items, `NaN` = missing) with Feldt's interval at
/// `level`, missing answers handled as `missing` says.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::{cronbach_alpha_interval, MissingAnswers};
/// use ndarray::array;
/// let items = array![
///     [4.0, 5.0, 4.0],
///     [3.0, f64::NAN, 2.0],
///     [5.0, 5.0, 5.0],
///     [2.0, 3.0, 3.0],
///     [4.0, 4.0, f64::NAN],
/// ];
/// let pairwise = cronbach_alpha_interval(items.view(), MissingAnswers::Pairwise, 0.95)?;
/// // pingouin 0.7.0 cronbach_alpha(df, ci=.95): 0.9564541213063764, [0.78, 0.995].
/// assert_eq!(pairwise.respondents, 5);
/// assert!((pairwise.alpha - 0.9564541213063764).abs() < 1e-12);
/// assert!((pairwise.interval.lower - 0.78).abs() < 5e-4);
/// assert!((pairwise.interval.upper - 0.995).abs() < 5e-4);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// # Errors
///
/// [`SatisfactionError::TooFewItems`] with fewer than 2 items; [`SatisfactionError::NonFinite`]
/// for an infinite answer (with its row); [`SatisfactionError::InvalidParameter`] for a `level`
/// not strictly between 0 and 1 (or one so near 1 that the lower bound passes −`f64::MAX`);
/// [`SatisfactionError::TooFewRespondents`] with fewer than 2 complete respondents (listwise) or
/// respondents with an answer (pairwise); [`SatisfactionError::TooFewCommonAnswers`] when, under
/// pairwise deletion, fewer than 2 respondents answered an item or both items of a pair;
/// [`SatisfactionError::ZeroVariance`] ("total score") when every item is constant;
/// [`SatisfactionError::PairwiseAlphaAboveOne`] when pairwise covariances give alpha above 1.
pub fn cronbach_alpha_interval(
    items: ArrayView2<f64>, missing: MissingAnswers, level: f64,
) -> Result<AlphaEstimate> {
    let k = items.ncols();
    let columns = match missing {
        MissingAnswers::Listwise => complete_items(items, "Cronbach's alpha", 2)?,
        MissingAnswers::Pairwise => answered_rows(items)?,
    };
    let n = columns.first().map_or(0, Vec::len);
    if n < 2 {
        return Err(SatisfactionError::TooFewRespondents {
            statistic: "Cronbach's alpha",
            needed: 2,
            found: n,
        });
    }
    // Alpha does not change when every answer is multiplied by one factor: a power of two near the
    // largest answer keeps products of answers up to ±f64::MAX finite.
    let unit = scale_of(columns.iter().flatten().copied());
    let columns: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| c.iter().map(|v| v / unit).collect())
        .collect();
    let (trace, total) = covariance_sums(&columns)?;
    if trace == 0.0 {
        return Err(SatisfactionError::ZeroVariance {
            name: "total score".to_string(),
        });
    }
    let kf = k as f64;
    // A total ≤ 0 with a positive trace means alpha ≥ k/(k − 1) (or a division by zero): both are
    // the same refusal as alpha above 1. A positive total leaves alpha finite.
    let alpha = if total > 0.0 {
        kf / (kf - 1.0) * (1.0 - trace / total)
    } else {
        f64::INFINITY
    };
    if alpha > 1.0 + ROUNDING_ABOVE_ONE {
        return Err(SatisfactionError::PairwiseAlphaAboveOne { alpha });
    }
    let alpha = alpha.min(1.0);
    Ok(AlphaEstimate {
        missing,
        respondents: n,
        items: k,
        alpha,
        interval: feldt_interval(alpha, n, k, level)?,
    })
}

/// The columns of `items` restricted to respondents with at least one answer, `NaN`s kept;
/// infinite answers are errors naming their row.
fn answered_rows(items: ArrayView2<f64>) -> Result<Vec<Vec<f64>>> {
    if items.ncols() < 2 {
        return Err(SatisfactionError::TooFewItems {
            statistic: "Cronbach's alpha",
            needed: 2,
            found: items.ncols(),
        });
    }
    let mut rows = Vec::with_capacity(items.nrows());
    for (position, row) in items.rows().into_iter().enumerate() {
        if let Some(&value) = row.iter().find(|v| v.is_infinite()) {
            return Err(SatisfactionError::NonFinite { position, value });
        }
        if row.iter().any(|v| !v.is_nan()) {
            rows.push(position);
        }
    }
    Ok(items
        .columns()
        .into_iter()
        .map(|column| rows.iter().map(|&row| column[row]).collect())
        .collect())
}

/// tr C and Σ C of the covariance matrix, each entry over the respondents who answered both items
/// (everyone, after listwise deletion).
fn covariance_sums(columns: &[Vec<f64>]) -> Result<(f64, f64)> {
    let (mut trace, mut off_diagonal) = (0.0, 0.0);
    for (i, x) in columns.iter().enumerate() {
        trace += pairwise_covariance(x, x, i, i)?;
        for (j, y) in columns.iter().enumerate().skip(i + 1) {
            off_diagonal += pairwise_covariance(x, y, i, j)?;
        }
    }
    Ok((trace, trace + 2.0 * off_diagonal))
}

/// The sample covariance (divisor m − 1) of items `first` and `second` over the m respondents who
/// answered both.
fn pairwise_covariance(x: &[f64], y: &[f64], first: usize, second: usize) -> Result<f64> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(&a, &b)| (a, b))
        .collect();
    let m = pairs.len();
    if m < 2 {
        return Err(SatisfactionError::TooFewCommonAnswers {
            first,
            second,
            found: m,
        });
    }
    let mf = m as f64;
    let mean_x = pairs.iter().map(|p| p.0).sum::<f64>() / mf;
    let mean_y = pairs.iter().map(|p| p.1).sum::<f64>() / mf;
    let products: f64 = pairs.iter().map(|(a, b)| (a - mean_x) * (b - mean_y)).sum();
    Ok(products / (mf - 1.0))
}
