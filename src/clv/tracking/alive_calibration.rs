//! Whether predicted probabilities of activity come true: customers binned by the quantiles of
//! a predicted probability (P(active) in the holdout, as BTYDplus's `mcmc.plotPActiveDiagnostic`,
//! Platzer & Reutterer 2016; or P(alive) at the calibration end), against the share of each bin
//! that bought in the holdout.

use crate::clv::diagnostics::{check_calibration_holdout, checked_answers, Answer};
use crate::clv::{check_length, check_time, AliveForecast, ClvError, PurchaseModel, RepeatHistory};

/// The most bins of a [`probability_calibration`]: 1,000.
pub const MAX_BINS: usize = 1_000;

/// Customers whose predicted probability falls in (`lower`, `upper`] (the first bin includes
/// `lower`), with how many of them were active.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalibrationBin {
    /// The bin's lower edge.
    pub lower: f64,
    /// The bin's upper edge.
    pub upper: f64,
    /// Customers in the bin.
    pub customers: usize,
    /// Their mean predicted probability.
    pub mean_predicted: f64,
    /// The share of them who were active (bought at least once in the holdout).
    pub share_active: f64,
}

/// P(alive) at the calibration end against activity in the holdout: the bins of
/// [`probability_calibration`], and the customers without a repeat purchase in the calibration
/// on their own (BTYDplus marks them apart).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AliveCalibration {
    /// The non-empty bins in increasing order.
    pub bins: Vec<CalibrationBin>,
    /// The customers with x = 0, their edges the least and greatest P(alive) among them; `None`
    /// when every customer made a repeat purchase.
    pub without_repeat: Option<CalibrationBin>,
}

/// Bins `predicted` probabilities at their `bins`-quantiles and compares each bin's mean with the
/// share of its customers who were `active`.
///
/// The edges are BTYDplus's: the quantiles at 0, 1/`bins`, …, 1 (R's default, type 7: linear
/// between order statistics) of the predictions with 0 and 1 added, without repeated edges;
/// a customer belongs to the bin (lower, upper] holding its prediction, the first bin including
/// 0. Ties (P(alive) = 1 for every BG/NBD customer without a repeat purchase) can leave fewer,
/// unequal bins; empty bins are left out.
///
/// # Errors
///
/// - [`ClvError::EmptyInput`] for no predictions;
/// - [`ClvError::LengthMismatch`] when `active` differs in length from `predicted`;
/// - [`ClvError::InvalidArgument`] when `bins` is 0 or above [`MAX_BINS`], or a prediction is
///   outside [0, 1] (NaN included).
///
/// # Examples
///
/// ```
/// use customer_value::clv::tracking::probability_calibration;
/// let predicted = [0.1, 0.2, 0.8, 0.9];
/// let active = [false, true, true, true];
/// let bins = probability_calibration(&predicted, &active, 2)?;
/// // The median of {0, 0.1, 0.2, 0.8, 0.9, 1} is 0.5.
/// assert_eq!((bins[0].lower, bins[0].upper, bins[1].upper), (0.0, 0.5, 1.0));
/// assert!((bins[0].mean_predicted - 0.15).abs() < 1e-12);
/// assert_eq!((bins[0].share_active, bins[1].share_active), (0.5, 1.0));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn probability_calibration(
    predicted: &[f64], active: &[bool], bins: usize,
) -> Result<Vec<CalibrationBin>, ClvError> {
    if predicted.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    check_length("active", predicted.len(), active.len())?;
    if bins == 0 || bins > MAX_BINS {
        return Err(ClvError::InvalidArgument {
            name: "bins",
            value: bins as f64,
            constraint: "must be from 1 to 1,000 (tracking::MAX_BINS)",
        });
    }
    if let Some(&bad) = predicted.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(ClvError::InvalidArgument {
            name: "predicted",
            value: bad,
            constraint: "probabilities must be in [0, 1]",
        });
    }
    let edges = quantile_edges(predicted, bins);
    let mut sums = vec![(0usize, 0.0, 0usize); edges.len() - 1];
    for (&p, &is_active) in predicted.iter().zip(active) {
        let bin = edges.partition_point(|&e| e < p).max(1) - 1;
        let s = &mut sums[bin];
        *s = (s.0 + 1, s.1 + p, s.2 + usize::from(is_active));
    }
    Ok(sums
        .iter()
        .enumerate()
        .filter(|(_, s)| s.0 > 0)
        .map(|(k, &(customers, sum, actives))| CalibrationBin {
            lower: edges[k],
            upper: edges[k + 1],
            customers,
            mean_predicted: sum / customers as f64,
            share_active: actives as f64 / customers as f64,
        })
        .collect())
}

/// The distinct quantiles at 0, 1/`bins`, …, 1 of `predicted` with 0 and 1 added, by R's type 7
/// ((1 − h)·x₍ₗₒ₎ + h·x₍ₕᵢ₎ at position (n − 1)·q): at least the two edges 0 and 1.
fn quantile_edges(predicted: &[f64], bins: usize) -> Vec<f64> {
    let mut sorted = Vec::with_capacity(predicted.len() + 2);
    sorted.extend_from_slice(&[0.0, 1.0]);
    sorted.extend_from_slice(predicted);
    sorted.sort_unstable_by(f64::total_cmp);
    let last = (sorted.len() - 1) as f64;
    let mut edges: Vec<f64> = (0..=bins)
        .map(|j| {
            let position = last * j as f64 / bins as f64;
            let lo = position.floor();
            let h = position - lo;
            let (below, above) = (sorted[lo as usize], sorted[position.ceil() as usize]);
            if h == 0.0 || below == above {
                below
            } else {
                (1.0 - h) * below + h * above
            }
        })
        .collect();
    edges.dedup();
    edges
}

/// P(alive) at the calibration end, binned at its `bins`-quantiles, against the share of each bin
/// who bought in the holdout ([`probability_calibration`]), for any [`PurchaseModel`].
///
/// P(alive) is an upper bound on P(active): a customer alive at T may still not buy in the
/// holdout, so a well-calibrated model's bins lie below the diagonal by P(no purchase | alive),
/// and should rise with it.
///
/// # Errors
///
/// - [`ClvError::EmptyInput`] for no histories;
/// - [`ClvError::LengthMismatch`] when `holdout_purchases` differs in length from `calibration`;
/// - [`ClvError::InvalidArgument`] when a holdout count is negative or not finite, or `bins` is
///   0 or above [`MAX_BINS`];
/// - [`ClvError::InvalidPrediction`] with the customer's position when the model answers a
///   probability outside [0, 1];
/// - the errors of [`PurchaseModel::probability_alive_into`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::tracking::alive_calibration;
/// use customer_value::clv::{BgNbd, RepeatHistory};
/// let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let calibration = [
///     RepeatHistory::new(0.0, 0.0, 38.86)?,
///     RepeatHistory::new(2.0, 30.43, 38.86)?,
///     RepeatHistory::new(3.0, 5.0, 38.86)?,
/// ];
/// let c = alive_calibration(&model, &calibration, &[0.0, 2.0, 0.0], 10)?;
/// // A BG/NBD customer without a repeat purchase is alive for sure.
/// assert_eq!(c.without_repeat.unwrap().mean_predicted, 1.0);
/// assert_eq!(c.bins.iter().map(|b| b.customers).sum::<usize>(), 3);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn alive_calibration<M: PurchaseModel + ?Sized>(
    model: &M, calibration: &[RepeatHistory], holdout_purchases: &[f64], bins: usize,
) -> Result<AliveCalibration, ClvError> {
    check_calibration_holdout(calibration, holdout_purchases)?;
    let mut alive = vec![0.0; calibration.len()];
    model.probability_alive_into(calibration, &mut alive)?;
    checked_answers(
        &alive,
        Answer::Probability,
        "probability_alive_into",
        "alive_calibration",
    )?;
    calibrate(calibration, &alive, holdout_purchases, bins)
}

/// BTYDplus's `mcmc.plotPActiveDiagnostic` itself: P(active), the probability of at least one
/// purchase in the holdout of length `holdout_length` (1 − [`AliveForecast::probability_no_purchase`];
/// BTYDplus's `mcmc.PActive`, the share of draws with x* > 0), binned at its `bins`-quantiles
/// against the share of each bin who bought in the holdout ([`probability_calibration`]), with
/// the customers without a repeat purchase apart. Where [`alive_calibration`] bins P(alive), an
/// upper bound, a well-calibrated model's bins here lie on the diagonal. Every customer's
/// holdout has the same length (BTYDplus allows one per customer).
///
/// # Errors
///
/// - [`ClvError::EmptyInput`] for no histories;
/// - [`ClvError::LengthMismatch`] when `holdout_purchases` differs in length from `calibration`;
/// - [`ClvError::InvalidArgument`] when a holdout count is negative or not finite, `bins` is 0 or
///   above [`MAX_BINS`], or `holdout_length` is negative or not finite;
/// - [`ClvError::InvalidPrediction`] with the customer's position when the model answers a
///   probability outside [0, 1];
/// - the errors of [`AliveForecast::probability_no_purchase`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::tracking::active_calibration;
/// use customer_value::clv::{AliveForecast, ParetoNbd, RepeatHistory};
/// let model = ParetoNbd::new(0.5533971, 10.580199, 0.6060625, 11.656224)?;
/// let calibration = [
///     RepeatHistory::new(0.0, 0.0, 38.86)?,
///     RepeatHistory::new(2.0, 30.43, 38.86)?,
/// ];
/// let c = active_calibration(&model, &calibration, &[0.0, 1.0], 39.0, 10)?;
/// let zero = c.without_repeat.unwrap();
/// let p_active = 1.0 - model.probability_no_purchase(39.0, &calibration[0])?;
/// assert!((zero.mean_predicted - p_active).abs() < 1e-15);
/// assert_eq!(zero.share_active, 0.0);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
pub fn active_calibration<M: AliveForecast + ?Sized>(
    model: &M, calibration: &[RepeatHistory], holdout_purchases: &[f64], holdout_length: f64,
    bins: usize,
) -> Result<AliveCalibration, ClvError> {
    check_calibration_holdout(calibration, holdout_purchases)?;
    check_time("holdout_length", holdout_length)?;
    let active = calibration
        .iter()
        .map(|h| Ok(1.0 - model.probability_no_purchase(holdout_length, h)?))
        .collect::<Result<Vec<f64>, ClvError>>()?;
    checked_answers(
        &active,
        Answer::Probability,
        "probability_no_purchase",
        "active_calibration",
    )?;
    calibrate(calibration, &active, holdout_purchases, bins)
}

/// The bins of `predicted` against activity in the holdout, and the customers without a repeat
/// purchase apart (the red point of BTYDplus's plot: their mean prediction and share active).
fn calibrate(
    calibration: &[RepeatHistory], predicted: &[f64], holdout_purchases: &[f64], bins: usize,
) -> Result<AliveCalibration, ClvError> {
    let active: Vec<bool> = holdout_purchases.iter().map(|&n| n > 0.0).collect();
    let (first_timers, first_active): (Vec<f64>, Vec<bool>) = calibration
        .iter()
        .zip(predicted.iter().zip(&active))
        .filter(|(h, _)| h.frequency() == 0.0)
        .map(|(_, (&p, &a))| (p, a))
        .unzip();
    Ok(AliveCalibration {
        bins: probability_calibration(predicted, &active, bins)?,
        without_repeat: one_bin(&first_timers, &first_active),
    })
}

/// All of `predicted` in one bin from its least to its greatest value, or `None` when empty.
fn one_bin(predicted: &[f64], active: &[bool]) -> Option<CalibrationBin> {
    let customers = predicted.len();
    if customers == 0 {
        return None;
    }
    let n = customers as f64;
    Some(CalibrationBin {
        lower: predicted.iter().copied().fold(1.0, f64::min),
        upper: predicted.iter().copied().fold(0.0, f64::max),
        customers,
        mean_predicted: predicted.iter().sum::<f64>() / n,
        share_active: active.iter().filter(|&&a| a).count() as f64 / n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_follow_r_type_seven_and_drop_repeats() {
        // {0, 0.5, 0.5, 0.5, 1}: quartiles at positions 0, 1, 2, 3, 4 → 0, 0.5, 0.5, 0.5, 1.
        assert_eq!(quantile_edges(&[0.5, 0.5, 0.5], 4), [0.0, 0.5, 1.0]);
        // {0, 0.2, 0.4, 1}: terciles at positions 0, 1, 2, 3 → 0, 0.2, 0.4, 1; halves at 1.5 →
        // (0.2 + 0.4) / 2.
        assert_eq!(quantile_edges(&[0.4, 0.2], 3), [0.0, 0.2, 0.4, 1.0]);
        assert!((quantile_edges(&[0.4, 0.2], 2)[1] - 0.3).abs() < 1e-15);
    }

    #[test]
    fn a_prediction_on_an_edge_belongs_to_the_bin_below() {
        // {0, 0, 0.5, 0.5, 0.5, 1, 1}: quartiles at positions 0, 1.5, 3, 4.5, 6 → 0, 0.25, 0.5,
        // 0.75, 1. The three 0.5 fall in (0.25, 0.5]; (0.5, 0.75] is empty and left out.
        let bins = probability_calibration(&[0.0, 0.5, 0.5, 0.5, 1.0], &[true; 5], 4).unwrap();
        let counts: Vec<(f64, usize)> = bins.iter().map(|b| (b.upper, b.customers)).collect();
        assert_eq!(counts, [(0.25, 1), (0.5, 3), (1.0, 1)]);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            probability_calibration(&[], &[], 10),
            Err(ClvError::EmptyInput)
        );
        assert!(matches!(
            probability_calibration(&[0.5], &[true], 0),
            Err(ClvError::InvalidArgument { name: "bins", .. })
        ));
        assert!(matches!(
            probability_calibration(&[f64::NAN], &[true], 10),
            Err(ClvError::InvalidArgument {
                name: "predicted",
                ..
            })
        ));
        assert!(matches!(
            probability_calibration(&[0.5], &[true, false], 10),
            Err(ClvError::LengthMismatch { .. })
        ));
    }
}
