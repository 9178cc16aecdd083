//! Gaussian-mixture membership probabilities from plain parameters (weights, means, full
//! covariances), so a fitted mixture is data that serializes and scores the same after a round
//! trip. Log densities are normalised with log-sum-exp, so a row far from every component still
//! gets finite probabilities (the most probable component is the nearest in Mahalanobis terms).

use ndarray::{Array2, Array3, ArrayView1, ArrayView2};

use crate::segment::scale::{largest_magnitude, PowerOfTwo};
use crate::segment::SegmentError;

/// The lower Cholesky factor of a symmetric positive-definite matrix, `None` when it is not.
fn cholesky(a: ArrayView2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[[i, j]];
            for k in 0..j {
                sum -= l[[i, k]] * l[[j, k]];
            }
            if i == j {
                if !(sum > 0.0 && sum.is_finite()) {
                    return None;
                }
                l[[i, i]] = sum.sqrt();
            } else {
                l[[i, j]] = sum / l[[j, j]];
            }
        }
    }
    Some(l)
}

/// The Cholesky factor of every component's covariance (components × d × d).
///
/// Fails with [`SegmentError::InvalidParameter`] naming `covariances` (the value is the
/// component) when one is not positive definite or not symmetric (within 1e-9 relative to its
/// diagonal: EM's estimates are symmetric up to rounding).
pub(crate) fn factors(covariances: &Array3<f64>) -> Result<Vec<Array2<f64>>, SegmentError> {
    covariances
        .outer_iter()
        .enumerate()
        .map(|(component, covariance)| {
            // EM's covariances are symmetric up to rounding; the factor reads the lower triangle.
            let symmetric = (0..covariance.nrows()).all(|i| {
                (0..i).all(|j| {
                    let scale = (covariance[[i, i]] * covariance[[j, j]]).abs().sqrt();
                    (covariance[[i, j]] - covariance[[j, i]]).abs() <= 1e-9 * scale
                })
            });
            symmetric
                .then(|| cholesky(covariance))
                .flatten()
                .ok_or_else(|| {
                    SegmentError::invalid(
                        "covariances",
                        component as f64,
                        "each covariance must be symmetric positive definite",
                    )
                })
        })
        .collect()
}

/// Membership probabilities (rows × components) of `points` in the clustering space: weight ×
/// Gaussian density of each component, normalised per row by log-sum-exp.
///
/// A component whose squared Mahalanobis distance to the row overflows f64 has density 0 next to
/// any other; a row for which every component's distance overflows is refused with
/// [`SegmentError::TooFarFromEveryComponent`].
pub(crate) fn membership(
    points: &Array2<f64>, weights: &[f64], means: &Array2<f64>, covariances: &Array3<f64>,
) -> Result<Array2<f64>, SegmentError> {
    let factors = factors(covariances)?;
    let dim = means.ncols();
    let log_two_pi = dim as f64 * (2.0 * std::f64::consts::PI).ln();
    let constants: Vec<f64> = factors
        .iter()
        .zip(weights)
        .map(|(l, w)| {
            let log_det: f64 = (0..dim).map(|i| l[[i, i]].ln()).sum::<f64>() * 2.0;
            w.ln() - 0.5 * (log_two_pi + log_det)
        })
        .collect();
    let mut out = Array2::<f64>::zeros((points.nrows(), weights.len()));
    let mut z = vec![0.0; dim];
    for (row, point) in points.rows().into_iter().enumerate() {
        for (component, l) in factors.iter().enumerate() {
            let distance = squared_mahalanobis(point, means.row(component), l, &mut z);
            out[[row, component]] = constants[component] - 0.5 * distance;
        }
        let mut log_row = out.row_mut(row);
        let top = log_row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if top == f64::NEG_INFINITY {
            return Err(SegmentError::TooFarFromEveryComponent { row });
        }
        let total: f64 = log_row.iter().map(|v| (v - top).exp()).sum();
        let log_norm = top + total.ln();
        log_row.mapv_inplace(|v| (v - log_norm).exp());
    }
    Ok(out)
}

/// ‖L⁻¹(x − μ)‖², by forward substitution into `z`; +∞ when it overflows f64.
///
/// x − μ is formed on x and μ rescaled by a power of two into [−1, 1] (exact), so a row and a
/// mean near opposite ends of f64 do not overflow before the distance does; the distance is
/// scaled back at the end, to +∞ when it exceeds f64::MAX (such a component's density is 0 next
/// to any other's).
fn squared_mahalanobis(
    point: ArrayView1<f64>, mean: ArrayView1<f64>, l: &Array2<f64>, z: &mut [f64],
) -> f64 {
    let to_unit =
        PowerOfTwo::normalising(largest_magnitude(point.iter().chain(mean.iter()).copied()));
    let mut distance = 0.0;
    for i in 0..mean.len() {
        let mut value = to_unit.apply(point[i]) - to_unit.apply(mean[i]);
        for (k, zk) in z.iter().enumerate().take(i) {
            value -= l[[i, k]] * zk;
        }
        z[i] = value / l[[i, i]];
        distance += z[i] * z[i];
    }
    let distance = to_unit.inverse().squared().apply(distance);
    // NaN only from ∞ − ∞ in the substitution, when the terms themselves overflowed.
    if distance.is_nan() {
        f64::INFINITY
    } else {
        distance
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn one_dimensional_mixture_matches_hand_values() {
        // Two unit-variance components at 0 and 2, equal weights: at x = 1 both are equally likely;
        // at x = 0 the odds are e^{-0} : e^{-2} = e^2 : 1.
        let means = array![[0.0], [2.0]];
        let covariances = Array3::from_shape_vec((2, 1, 1), vec![1.0, 1.0]).unwrap();
        let p = membership(
            &array![[1.0], [0.0], [1e6]],
            &[0.5, 0.5],
            &means,
            &covariances,
        )
        .unwrap();
        assert!((p[[0, 0]] - 0.5).abs() < 1e-15);
        let e2 = 2f64.exp();
        assert!((p[[1, 0]] - e2 / (1.0 + e2)).abs() < 1e-15);
        // Far away: finite, all on the nearer component.
        assert_eq!(p[[2, 1]], 1.0);
        let singular = Array3::from_shape_vec((2, 1, 1), vec![1.0, 0.0]).unwrap();
        assert!(membership(&means, &[0.5, 0.5], &means, &singular).is_err());
    }
}
