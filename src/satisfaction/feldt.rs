//! Feldt's confidence interval for Cronbach's alpha, and the F quantiles it needs.
//!
//! Feldt, Woodruff & Salih (1987), "Statistical inference for coefficient alpha", *Applied
//! Psychological Measurement* 11(1), 93–103: with n respondents and k items,
//! (1 − ρ)/(1 − α̂) follows F with (n − 1) and (n − 1)(k − 1) degrees of freedom, so the interval
//! at level 1 − γ is
//!
//! ```text
//! [1 − (1 − α̂) F_{1−γ/2}, 1 − (1 − α̂) F_{γ/2}]
//! ```
//!
//! F quantiles come from the lower tail only: F_{1−γ/2}(d₁, d₂) = 1 / F_{γ/2}(d₂, d₁), so a level
//! near 1 never computes 1 − γ/2 (which rounds to 1). The lower quantile solves statrs' regularised
//! incomplete beta I_x(d₁/2, d₂/2) = p by bisection on x (at most [`MAX_BISECTIONS`] evaluations,
//! so it always terminates; statrs' own `inv_beta_reg` loops until it converges). statrs' continued
//! fraction stops after 140 terms, which is too few for huge degrees of freedom: measured against
//! scipy, the quantiles agree to 1e-9 up to d₁ = d₂ = 10⁵ but only to 3e-7 at d₁ = 10⁶ (see the
//! tests). Above [`LARGE_DF`] the quantile is the normal approximation to Fisher's z = ½ ln F with
//! its first correction (Abramowitz & Stegun 1964, *Handbook of Mathematical Functions*, 26.6.16),
//! whose error falls as the degrees of freedom grow: at most 2.5e-7 just above 10⁵ (tail 5.6e-17),
//! 3e-9 at 10⁶ and 1e-10 or better at 10⁸ for tails from 1e-10 up (scipy).

use statrs::function::beta::checked_beta_reg;

use super::interval::check_level;
use super::student_t::normal_upper_quantile;
use super::{Interval, Result, SatisfactionError};

/// Above this many degrees of freedom (the smaller of the two), A&S 26.6.16 replaces statrs.
const LARGE_DF: f64 = 1e5;

/// Halvings of x ∈ (0, 1): geometric ones reach 1e-308 in about 11 steps of exponent halving,
/// arithmetic ones reach an ulp in 53; the rest is margin.
const MAX_BISECTIONS: usize = 400;

/// Feldt's interval for alpha `alpha` of `items` items answered by `respondents` respondents.
///
/// Below level ≈ 0.36 the upper F quantile can fall under 1 (P(F > 1) ≥ 0.3197 for every d₁ ≥ 1
/// and d₂ ≥ d₁, scipy), which would put the lower bound above α̂; it is then lowered to α̂ so that
/// the interval contains its estimate, as every interval of the crate does.
pub(crate) fn feldt_interval(
    alpha: f64, respondents: usize, items: usize, level: f64,
) -> Result<Interval> {
    check_level(level)?;
    let d1 = respondents as f64 - 1.0;
    let d2 = d1 * (items as f64 - 1.0);
    let tail = (1.0 - level) / 2.0;
    let upper_f = 1.0 / f_lower_quantile(tail, d2, d1);
    let lower_f = f_lower_quantile(tail, d1, d2);
    let lower = 1.0 - (1.0 - alpha) * upper_f;
    if !lower.is_finite() {
        return Err(SatisfactionError::InvalidParameter {
            name: "level",
            value: level,
            constraint: "so close to 1, for an alpha this far below 0 and this few respondents, \
                         that Feldt's lower bound lies below -f64::MAX",
        });
    }
    let upper = 1.0 - (1.0 - alpha) * lower_f;
    Ok(Interval::new(
        alpha,
        lower.min(alpha),
        upper.max(alpha),
        level,
    ))
}

/// The quantile q with P(F ≤ q) = `p` of Fisher's F with `d1`, `d2` > 0 degrees of freedom, `p`
/// in (0, 1/2].
fn f_lower_quantile(p: f64, d1: f64, d2: f64) -> f64 {
    if d1.min(d2) > LARGE_DF {
        // The upper p point of F(d₂, d₁), inverted (A&S 26.6.16 with ν₁ = d₂, ν₂ = d₁).
        let y = normal_upper_quantile(p);
        let (first, second) = (1.0 / (d2 - 1.0), 1.0 / (d1 - 1.0));
        let h = 2.0 / (first + second);
        let lambda = (y * y - 3.0) / 6.0;
        let w =
            y * (h + lambda).sqrt() / h - (first - second) * (lambda + 5.0 / 6.0 - 2.0 / (3.0 * h));
        return (-2.0 * w).exp();
    }
    let (a, b) = (d1 / 2.0, d2 / 2.0);
    // X = d₁F / (d₁F + d₂) ~ Beta(d₁/2, d₂/2); out-of-range arguments cannot occur (a, b > 0,
    // x ∈ (0, 1)), and 1.0 sends bisection downwards if they ever did.
    let below = |x: f64| checked_beta_reg(a, b, x).unwrap_or(1.0) < p;
    let x = bisect_unit(below);
    d2 * x / (d1 * (1.0 - x))
}

/// The x in (0, 1) where the increasing `below` turns false: geometric halving while the bracket
/// spans more than a factor of two (tiny quantiles), arithmetic after.
fn bisect_unit(below: impl Fn(f64) -> bool) -> f64 {
    let (mut low, mut high) = (f64::MIN_POSITIVE, 1.0);
    if !below(low) {
        return low;
    }
    for _ in 0..MAX_BISECTIONS {
        let middle = if high > 2.0 * low {
            (low * high).sqrt()
        } else {
            low + (high - low) / 2.0
        };
        if middle <= low || middle >= high {
            break;
        }
        if below(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    low + (high - low) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (d₁, d₂, [scipy.stats.f.ppf(p, d₁, d₂) for p in 0.025, 0.45, 1e-10]).
    const SCIPY_PPF: [(f64, f64, [f64; 3]); 9] = [
        (
            1.0,
            1.0,
            [
                0.001543712508674131,
                0.7294538172817449,
                2.4674011002723397e-20,
            ],
        ),
        (
            11.0,
            110.0,
            [0.3390340876851155, 0.8925867136496622, 0.007487891106843828],
        ),
        (
            14.0,
            126.0,
            [0.39232569229080744, 0.9099748409960666, 0.01748291378805975],
        ),
        (
            100.0,
            900.0,
            [0.7327630875865028, 0.9755383103654371, 0.33243083014641844],
        ),
        (
            1e4,
            1e5,
            [0.9711760009026348, 0.9980774695586268, 0.9087802075187806],
        ),
        (
            1e5,
            1e5,
            [0.9876805422547229, 0.9992055615962661, 0.9605645352702292],
        ),
        (
            1e5,
            1e6,
            [0.990831674555208, 0.9994047244200243, 0.9704790259612109],
        ),
        (
            1e6,
            1e7,
            [0.9970953764272849, 0.9998130267994468, 0.9905963364527169],
        ),
        (
            1e8,
            1e9,
            [0.9997093150926394, 0.9999813555365823, 0.9990567783541852],
        ),
    ];

    #[test]
    fn lower_quantiles_match_scipy() {
        for (d1, d2, expected) in SCIPY_PPF {
            let tolerance = if d1.min(d2) > LARGE_DF { 1e-8 } else { 1e-9 };
            for (p, want) in [0.025, 0.45, 1e-10].into_iter().zip(expected) {
                let got = f_lower_quantile(p, d1, d2);
                assert!(
                    (got - want).abs() <= tolerance * want,
                    "F({d1}, {d2}) at {p}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn upper_quantiles_by_symmetry_match_scipy() {
        // scipy.stats.f.isf(0.025, d₁, d₂).
        for (d1, d2, want) in [
            (1.0, 1.0, 647.7890114778442),
            (11.0, 110.0, 2.112258979742612),
            (1e4, 1e5, 1.029318634824227),
            (1e6, 1e7, 1.0029095699076263),
        ] {
            let got = 1.0 / f_lower_quantile(0.025, d2, d1);
            assert!(
                (got - want).abs() <= 1e-9 * want,
                "F({d1}, {d2}): {got} vs {want}"
            );
        }
    }

    #[test]
    fn a_lower_bound_beyond_f64_is_refused_by_name() {
        // The smallest tail a level below 1 leaves is 2⁻⁵⁴: F(1, 1)'s upper quantile there is
        // about 1.3e32 (1/tan²(π 2⁻⁵⁵)), so α̂ = 0.5 keeps a finite lower bound …
        let near_one = feldt_interval(0.5, 2, 2, 1.0 - f64::EPSILON / 2.0).unwrap();
        assert!(near_one.lower.is_finite() && near_one.lower < -1e31);
        // … and only an alpha far below 0 (a near-constant total score) pushes it past −f64::MAX.
        assert!(matches!(
            feldt_interval(-1e305, 2, 2, 0.999),
            Err(SatisfactionError::InvalidParameter { name: "level", .. })
        ));
    }
}
