//! The tail P(X ≥ n) of the negative binomial count of purchases in a period (rates λ ~ Gamma(r,
//! α), X | λ ~ Poisson(λt)), which BG/NBD's P(X(t) = n) needs (FHL 2005, equation 8).
//!
//! With q = t/(α + t) it is the regularized incomplete beta function I_q(n, r) (Abramowitz &
//! Stegun 26.5.24 with the negative binomial's CDF 1 − I_q(n, r)), evaluated by its continued
//! fraction (`clv::incomplete_beta`). Summing the probabilities term by term instead costs n
//! terms below the mean and never ends when q → 1 above it (n = u32::MAX at t = f64::MAX ran for
//! minutes); the continued fraction needs O(√max(n, r)) steps.

use crate::clv::incomplete_beta::regularized_beta;

/// P(X(t) ≥ n) for n ≥ 1 of the negative binomial with shape r and rate α; `None` when the
/// continued fraction does not settle (not seen for parameters in range).
pub(super) fn nbd_tail(r: f64, alpha: f64, n: u32, t: f64) -> Option<f64> {
    // q and 1 − q, each from its own ratio: 1 − q is α/(α + t), not 1 − q, at t near f64::MAX.
    let scale = alpha + t;
    regularized_beta(f64::from(n), r, t / scale, alpha / scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tail against the sum of the probabilities, where the sum is cheap.
    fn summed_tail(r: f64, alpha: f64, n: u32, t: f64) -> f64 {
        let q = t / (alpha + t);
        let mut pmf = (r * (alpha / (alpha + t)).ln()).exp();
        let mut below = 0.0;
        for j in 0..n {
            below += pmf;
            pmf *= (r + f64::from(j)) / (f64::from(j) + 1.0) * q;
        }
        1.0 - below
    }

    #[test]
    fn the_fraction_matches_the_sum_of_probabilities() {
        for (r, alpha, t) in [(0.243, 4.414, 30.0), (2.5, 1.0, 0.5), (0.01, 3.0, 100.0)] {
            for n in [1, 2, 5, 13, 40] {
                let (got, want) = (
                    nbd_tail(r, alpha, n, t).unwrap(),
                    summed_tail(r, alpha, n, t),
                );
                assert!(
                    (got - want).abs() < 1e-13,
                    "{r} {alpha} {t} {n}: {got} vs {want}"
                );
            }
        }
    }

    /// r = 1 is the geometric distribution: P(X ≥ n) = qⁿ exactly, down to 1e-300 and for n in the
    /// billions (where the sum would need billions of terms).
    #[test]
    fn the_geometric_case_is_exact_for_any_count() {
        for (t, n) in [(1.0, 3), (1e6, 4_000_000_000_u32), (0.01, 150), (1e9, 1)] {
            let q: f64 = t / (1.0 + t);
            let want = (f64::from(n) * (-1.0 / (1.0 + t)).ln_1p()).exp();
            let got = nbd_tail(1.0, 1.0, n, t).unwrap();
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "{t} {n}: {got} vs {want} ({q})"
            );
        }
    }

    /// Both shapes large (n and r in the billions, the mean near n): the normal limit, a half at
    /// the mean, and finite values with Stirling's form of the front factor.
    #[test]
    fn large_shapes_keep_their_precision() {
        // E[X] = r t/α = 4e9 at n = 4e9 + 1: P(X ≥ n) → ½ (the skew moves it by O(1/√n)).
        let tail = nbd_tail(4e9, 1.0, 4_000_000_001, 1.0).unwrap();
        assert!((tail - 0.5).abs() < 1e-4, "{tail}");
        for (r, t) in [
            (1e10, 1e-10),
            (1e-10, f64::MAX),
            (1e10, f64::MAX),
            (1e-10, 1e-300),
        ] {
            for n in [1, 100, u32::MAX] {
                let tail = nbd_tail(r, 1.0, n, t).unwrap();
                assert!((0.0..=1.0).contains(&tail), "{r} {t} {n}: {tail}");
            }
        }
    }
}
