//! Internal-consistency reliability of a multi-item scale: Cronbach's alpha and item statistics.

use ndarray::ArrayView2;

use super::correlation::{complete_items, Correlation, CorrelationMethod};
use super::feldt::feldt_interval;
use super::scale::scale_of;
use super::{Interval, Result, SatisfactionError};

/// A variance of the standardised total (over k) at or below this is rounding of zero.
const STANDARDIZED_SPREAD_FLOOR: f64 = 1e-12;

/// One item's contribution to the scale.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemReliability {
    /// The item's column in the input.
    pub item: usize,
    /// Raw alpha of the scale without this item; `None` when only one item would remain.
    pub alpha_if_deleted: Option<f64>,
    /// Pearson correlation of the item with the sum of the other items; `None` when that sum is
    /// constant.
    pub corrected_item_total: Option<f64>,
}

/// Cronbach's alpha of a scale, raw and standardised, with per-item statistics.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Reliability {
    /// Complete respondents used (after listwise deletion).
    pub respondents: usize,
    /// Raw alpha k/(k − 1) · (1 − Σ s²_i / s²_total) (Cronbach 1951, *Psychometrika* 16(3)).
    pub alpha: f64,
    /// Standardised alpha k r̄ / (1 + (k − 1) r̄), r̄ the mean inter-item correlation (alpha of the
    /// standardised items).
    pub standardized_alpha: f64,
    /// Per item, in input order.
    pub items: Vec<ItemReliability>,
}

/// Cronbach's alpha of `items` (respondents × items); a respondent with any `NaN` answer is dropped
/// (listwise deletion).
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::cronbach_alpha;
/// use ndarray::array;
/// // REFERENCE.md: alpha = 0.9175.
/// let items = array![[4.0, 5.0, 4.0], [3.0, 3.0, 2.0], [5.0, 5.0, 5.0], [2.0, 3.0, 3.0], [4.0, 4.0, 5.0]];
/// let reliability = cronbach_alpha(items.view())?;
/// assert!((reliability.alpha - 0.9175).abs() < 1e-4);
/// // numpy: standardised alpha 0.9256682961277355; alpha without item 2: 0.930232558139535.
/// assert!((reliability.standardized_alpha - 0.9256682961277355).abs() < 1e-12);
/// assert!((reliability.items[2].alpha_if_deleted.unwrap() - 0.930232558139535).abs() < 1e-12);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// # Errors
///
/// [`SatisfactionError::TooFewItems`] with fewer than 2 items; [`SatisfactionError::NonFinite`] for an
/// infinite answer (with its row); [`SatisfactionError::TooFewRespondents`] with fewer than 3 complete
/// respondents; [`SatisfactionError::ZeroVariance`] naming a constant item, or "total score" when the
/// sum of the items is constant, or "standardised total score" when the sum of the standardised items
/// is (mean inter-item correlation −1/(k − 1), the pole of standardised alpha).
///
/// Any finite answers work, up to ±`f64::MAX`: alpha does not change when every answer is multiplied
/// by one factor, so all answers are divided by a power of two near the largest before the variances
/// are summed.
pub fn cronbach_alpha(items: ArrayView2<f64>) -> Result<Reliability> {
    let k = items.ncols();
    let columns = complete_items(items, "Cronbach's alpha", 2)?;
    let n = columns[0].len();
    if n < 3 {
        return Err(SatisfactionError::TooFewRespondents {
            statistic: "Cronbach's alpha",
            needed: 3,
            found: n,
        });
    }
    // Constant in the answers as given: an item whose variance underflows after scaling still varies.
    if let Some(item) = columns.iter().position(|c| c.iter().all(|&v| v == c[0])) {
        return Err(SatisfactionError::ZeroVariance {
            name: format!("item {item}"),
        });
    }
    let unit = scale_of(columns.iter().flatten().copied());
    let columns: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| c.iter().map(|v| v / unit).collect())
        .collect();
    let variances: Vec<f64> = columns.iter().map(|c| sample_variance(c)).collect();
    let all: Vec<usize> = (0..k).collect();
    let alpha = raw_alpha(&columns, &variances, &all).ok_or(SatisfactionError::ZeroVariance {
        name: "total score".to_string(),
    })?;
    let mut correlation_sum = 0.0;
    for i in 0..k {
        for j in i + 1..k {
            correlation_sum += Correlation::from_complete(
                &columns[i],
                &columns[j],
                CorrelationMethod::Pearson,
                &format!("item {i}"),
                &format!("item {j}"),
            )?
            .coefficient();
        }
    }
    let kf = k as f64;
    let mean_correlation = correlation_sum / (kf * (kf - 1.0) / 2.0);
    // 1 + (k − 1) r̄ is the variance of the sum of the standardised items over k: zero (r̄ at its
    // floor −1/(k − 1)) when that sum is constant, where standardised alpha has its pole. The fuzzer
    // found items with r̄ = −1/2 (k = 3) that gave −∞; rounding leaves about 1e-16 there.
    let standardized_spread = 1.0 + (kf - 1.0) * mean_correlation;
    if standardized_spread <= STANDARDIZED_SPREAD_FLOOR {
        return Err(SatisfactionError::ZeroVariance {
            name: "standardised total score".to_string(),
        });
    }
    let standardized_alpha = kf * mean_correlation / standardized_spread;
    let items = (0..k)
        .map(|item| {
            let others: Vec<usize> = (0..k).filter(|&j| j != item).collect();
            let alpha_if_deleted = if others.len() >= 2 {
                raw_alpha(&columns, &variances, &others)
            } else {
                None
            };
            let rest: Vec<f64> = (0..n)
                .map(|row| others.iter().map(|&j| columns[j][row]).sum())
                .collect();
            let corrected_item_total = Correlation::from_complete(
                &columns[item],
                &rest,
                CorrelationMethod::Pearson,
                "item",
                "rest",
            )
            .ok()
            .map(|c| c.coefficient());
            ItemReliability {
                item,
                alpha_if_deleted,
                corrected_item_total,
            }
        })
        .collect();
    Ok(Reliability {
        respondents: n,
        alpha,
        standardized_alpha,
        items,
    })
}

impl Reliability {
    /// Feldt's confidence interval for [`Reliability::alpha`] at `level` (Feldt, Woodruff & Salih
    /// 1987, *Applied Psychological Measurement* 11(1), 93–103): (1 − ρ)/(1 − α̂) follows F with
    /// (n − 1) and (n − 1)(k − 1) degrees of freedom, n the complete respondents and k the items.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::cronbach_alpha;
    /// use ndarray::array;
    /// let items = array![[4.0, 5.0, 4.0], [3.0, 3.0, 2.0], [5.0, 5.0, 5.0], [2.0, 3.0, 3.0], [4.0, 4.0, 5.0]];
    /// let interval = cronbach_alpha(items.view())?.feldt_interval(0.95)?;
    /// // pingouin 0.7.0 cronbach_alpha: [0.583, 0.991].
    /// assert!((interval.lower - 0.583).abs() < 5e-4 && (interval.upper - 0.991).abs() < 5e-4);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::InvalidParameter`] for a `level` not strictly between 0 and 1, or one
    /// so near 1 that the lower bound would pass −`f64::MAX` (alpha far below 0).
    pub fn feldt_interval(&self, level: f64) -> Result<Interval> {
        feldt_interval(self.alpha, self.respondents, self.items.len(), level)
    }
}

/// Raw alpha of the chosen items; `None` when their total is constant.
fn raw_alpha(columns: &[Vec<f64>], variances: &[f64], chosen: &[usize]) -> Option<f64> {
    let n = columns[0].len();
    let totals: Vec<f64> = (0..n)
        .map(|row| chosen.iter().map(|&j| columns[j][row]).sum())
        .collect();
    let total_variance = sample_variance(&totals);
    if total_variance.is_nan() || total_variance <= 0.0 {
        return None;
    }
    let k = chosen.len() as f64;
    let item_variance: f64 = chosen.iter().map(|&j| variances[j]).sum();
    Some(k / (k - 1.0) * (1.0 - item_variance / total_variance))
}

fn sample_variance(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn reference_and_item_statistics() {
        let items = array![
            [4.0, 5.0, 4.0],
            [3.0, 3.0, 2.0],
            [5.0, 5.0, 5.0],
            [2.0, 3.0, 3.0],
            [4.0, 4.0, 5.0]
        ];
        let r = cronbach_alpha(items.view()).unwrap();
        // numpy (see tests/satisfaction.rs for the script): alpha 0.9174757281553397.
        assert!((r.alpha - 0.9174757281553397).abs() < 1e-12);
        let expected = [
            (0.8510638297872339, 0.8697968986174399),
            (0.8679245283018868, 0.8687444855261388),
            (0.930232558139535, 0.7952062255644573),
        ];
        for (item, (deleted, total)) in r.items.iter().zip(expected) {
            assert!((item.alpha_if_deleted.unwrap() - deleted).abs() < 1e-12);
            assert!((item.corrected_item_total.unwrap() - total).abs() < 1e-12);
        }
    }

    #[test]
    fn constant_item_is_named() {
        let items = array![[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]];
        assert_eq!(
            cronbach_alpha(items.view()),
            Err(SatisfactionError::ZeroVariance {
                name: "item 1".to_string()
            })
        );
    }
}
