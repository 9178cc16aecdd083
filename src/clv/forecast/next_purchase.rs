//! When will the customer buy next: P(no purchase in (T, T + t] | x, t_x, T), its limit (the chance
//! of never buying again) and the median time to the next purchase.
//!
//! A customer dead at T never buys again; one alive with rate λ buys in (T, T + t] unless no
//! purchase comes before the drop-out and before T + t. With λ ~ Gamma(m, α + T), m = r + x (the
//! posterior of a customer alive at T), E[e^(−λt)] = ((α + T)/(α + T + t))^m, so:
//!
//! - BG/NBD and MBG/NBD (FHL 2005; Batislam et al. 2007): drop-out happens only right after a
//!   purchase, so an alive customer without a purchase is still alive:
//!   1 − P(alive) + P(alive) ((α + T)/(α + T + t))^m, and 1 − P(alive) in the limit.
//! - NBD: ((α + T)/(α + T + t))^m, and 0 in the limit.
//! - Pareto/NBD (Schmittlein et al. 1987): the first purchase races the drop-out (rate μ,
//!   μ ~ Gamma(s, β + T) alive at T); the purchase wins by u with density λe^(−(λ+μ)u), whose
//!   posterior mean is m/(α + T) ((α + T)/(α + T + u))^(m+1) ((β + T)/(β + T + u))^s. So
//!   P(no purchase) = 1 − P(alive) ∫₀ᵗ of that du ([`pareto_nbd_purchase_integral`]).

use crate::clv::ClvError;
use crate::numeric::gauss_legendre::SIXTEEN;

/// Halvings of the Pareto/NBD integral's range (see [`pareto_nbd_purchase_integral`]): what is
/// left below 2⁻⁶⁰ weighs less than 10⁻¹⁸.
const HALVINGS: i32 = 60;

/// ((α + T)/(α + T + t))^m: the chance that a customer alive with λ ~ Gamma(m, α + T) makes no
/// purchase in t (the NBD's zero class).
pub(crate) fn no_purchase_while_alive(m: f64, alpha_age: f64, t: f64) -> f64 {
    (-m * (t / alpha_age).ln_1p()).exp()
}

/// The Pareto/NBD chance that a customer alive at T buys within t:
/// ∫₀ᵗ m/(α + T) ((α + T)/(α + T + u))^(m+1) ((β + T)/(β + T + u))^s du, t = ∞ included.
///
/// In w = (α + T)/(α + T + u) and then y = w^m the integral is ∫ g(w)^s dy over [w_t^m, 1],
/// g(w) = kw/(kw + 1 − w), k = (β + T)/(α + T): the integrand is bounded by 1 and the NBD factor
/// has become the measure, so an infinite t is the interval [0, 1]. Near y = 0 it behaves like
/// y^(s/m), so the range is cut into halving panels [2^−(j+1), 2^−j] (16-point Gauss–Legendre on
/// each, exact to rounding for such powers) down to 2⁻⁶⁰. The first panel's width is formed as
/// 1 − w_t^m = −expm1(m ln w_t) and its nodes as offsets from 1, so that a short horizon keeps
/// its relative precision.
pub(crate) fn pareto_nbd_purchase_integral(
    m: f64, s: f64, alpha_age: f64, beta_age: f64, t: f64,
) -> f64 {
    let k = beta_age / alpha_age;
    let ln_w_t = -(t / alpha_age).ln_1p();
    let y_t = (m * ln_w_t).exp();
    // g(w)^s with ln w = ln y / m; 1 − w as −expm1(ln w) near w = 1.
    let integrand = |ln_y: f64| {
        let ln_w = ln_y / m;
        let denominator = k * ln_w.exp() - ln_w.exp_m1();
        (s * (k.ln() + ln_w - denominator.ln())).exp()
    };
    let mut total = 0.0;
    for j in 0..HALVINGS {
        let high = 2f64.powi(-j);
        let low = (0.5 * high).max(y_t);
        let width = if j == 0 && low == y_t {
            -(m * ln_w_t).exp_m1()
        } else {
            high - low
        };
        total += SIXTEEN
            .panel_nodes(0.0, width, 1)
            .map(|(offset, weight)| weight * integrand(high.ln() + (-offset / high).ln_1p()))
            .sum::<f64>();
        if low == y_t {
            break;
        }
    }
    total.clamp(0.0, 1.0)
}

/// The t > 0 where the non-increasing `no_purchase(t)` crosses ½, by bisection on ln t after
/// doubling t from 1 until it is below ½; `None` when it stays at or above ½ up to 2¹⁰²³.
pub(crate) fn median_by_bisection(
    mut no_purchase: impl FnMut(f64) -> Result<f64, ClvError>,
) -> Result<Option<f64>, ClvError> {
    let (mut low, mut high) = (0.0, 1.0);
    while no_purchase(high)? >= 0.5 {
        low = high;
        high *= 2.0;
        if !high.is_finite() {
            return Ok(None);
        }
    }
    // Relative precision 2⁻⁵²: at most ~1,100 halvings from [0, 1] (subnormal medians), about 60
    // otherwise.
    while high - low > f64::EPSILON * high {
        let middle = if low > 0.0 {
            (low * high).sqrt()
        } else {
            0.5 * high
        };
        if middle <= low || middle >= high {
            break;
        }
        if no_purchase(middle)? >= 0.5 {
            low = middle;
        } else {
            high = middle;
        }
    }
    Ok(Some(high))
}
