//! P(alive at T + t | x, t_x, T): the chance that a customer is still active a time t after the end
//! of the observation period, and BG/BB's P(alive at opportunity n + k | x, t_x, n).
//!
//! Each model's P(alive at T) is the posterior probability that the drop-out has not happened by
//! T; given that it has not, the posterior of the customer's rates is the prior updated by the
//! purchases alone, and P(alive at T + t) is P(alive at T) times the chance of surviving t more
//! under that posterior:
//!
//! - Pareto/NBD (Schmittlein, Morrison & Colombo 1987): alive at T, μ ~ Gamma(s, β + T), so the
//!   factor is E[e^(−μt)] = ((β + T)/(β + T + t))^s.
//! - BG/NBD (Fader, Hardie & Lee 2005): while alive the customer drops out right after a
//!   purchase with probability p, so deaths come at rate λp (a thinned Poisson process). Alive at
//!   T after x repeat purchases, λ ~ Gamma(r + x, α + T) and p ~ Beta(a, b + x) independently (x
//!   drop-out tosses survived; MBG/NBD, Batislam et al. 2007: x + 1, the one after the first
//!   purchase included), and the factor is E[((α + T)/(α + T + pt))^(r + x)] =
//!   2F1(r + x, a; a + b + x; −t/(α + T)) (Euler's integral, Abramowitz & Stegun 15.3.1).
//! - NBD (Morrison & Schmittlein 1988): nobody drops out, so 1.
//! - BG/BB (Fader, Hardie & Shang 2010): alive at opportunity n, θ ~ Beta(γ, δ + n), and the
//!   factor for k more opportunities is E[(1 − θ)^k] = B(γ, δ + n + k)/B(γ, δ + n); k = 1 is the
//!   paper's equation 11 ([`BgBb::probability_alive_next`]).

use crate::clv::beta_ratio::ln_beta_ratio;
use crate::clv::bg_nbd::{beta_expectation, hyp2f1_series_less_one};
use crate::clv::{BgBb, ClvError, DiscreteHistory};

/// The horizon c = t/(α + T) up to which Pfaff's series is tried first: z = c/(1 + c) ≤ 0.9.
const SERIES_REACH: f64 = 9.0;

/// E[(1 + cp)^(−m)] for p ~ Beta(`a`, `big_b`): the BG/NBD family's chance that a customer alive
/// at T is still alive at T + t, c = t/(α + T), m = r + x, B = b + x (+ 1 for MBG/NBD).
///
/// Pfaff's form (A&S 15.3.5) (1 + c)^(−m) 2F1(m, B; a + B; c/(1 + c)) for c ≤ [`SERIES_REACH`]:
/// its series has positive terms (no cancellation) and settles in tens to hundreds of terms there.
/// Beyond, or when it overflows (m ln(1 + c) above about 700), the integral over p of `bg_nbd`'s
/// posterior quadrature (any horizon within its panel cap: the integrand is within
/// [(1 + c)^(−m), 1]) where it applies (a, B ≥ ½); else the series again, which needs about
/// 1 + c terms. On CDNOW at t = 52 weeks the series took 0.2 µs a customer where the integral
/// took 150 µs (about 1,400 nodes on its wide window in ln(p/(1 − p))).
///
/// # Errors
///
/// [`ClvError::NumericalFailure`] when neither applies: the integral's window needs more than
/// 4,096 panels (it widens with m ln(1 + c): at CDNOW's parameters from c ≈ 10¹⁰ for x = 200 and
/// beyond c = 10¹² for x = 26) and Pfaff's series does not settle in 200,000 terms (c beyond about
/// 10⁵) or overflows.
pub(crate) fn bg_nbd_survival(a: f64, big_b: f64, m: f64, c: f64) -> Result<f64, ClvError> {
    if c == 0.0 {
        return Ok(1.0);
    }
    let ln_power = -m * c.ln_1p();
    let survival = |p: f64| (-m * (c * p).ln_1p()).exp();
    let pfaff = || {
        let series = hyp2f1_series_less_one(m, big_b, a + big_b, c / (1.0 + c))?;
        let value = (ln_power + series.ln_1p()).exp();
        value.is_finite().then_some(value)
    };
    let near = if c <= SERIES_REACH { pfaff() } else { None };
    near.or_else(|| beta_expectation(a, big_b, -ln_power, survival))
        .or_else(pfaff)
        .map(|value| value.clamp(0.0, 1.0))
        .ok_or(ClvError::NumericalFailure {
            what: "BG/NBD future P(alive): a horizon t too far beyond α + T for the integral \
                   over p (from 10¹⁰ (α + T) for x in the hundreds) and for the series",
        })
}

/// ((β + T)/(β + T + t))^s: the Pareto/NBD chance that a customer alive at T lives t more.
pub(crate) fn pareto_nbd_survival(s: f64, beta: f64, age: f64, t: f64) -> f64 {
    (-s * (t / (beta + age)).ln_1p()).exp()
}

impl BgBb {
    /// P(alive at opportunity n + k | x, t_x, n): the chance that the customer is still active
    /// `periods_ahead` = k opportunities after the last one observed (FHS 2010, equation 11
    /// generalised: B(γ, δ + n + 1) becomes B(γ, δ + n + k)). k = 1 is
    /// [`BgBb::probability_alive_next`]; k = 0 the chance of being alive at opportunity n.
    /// Non-increasing in k, towards 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgBb, DiscreteHistory};
    /// let m = BgBb::new(1.203522, 0.749716, 0.656718, 2.783443)?;
    /// let h = DiscreteHistory::new(2, 4, 6)?;
    /// assert_eq!(m.probability_alive_after(1, &h), m.probability_alive_next(&h));
    /// // FHS (2010)'s donations fit: 0.5897 in 2002, 0.4692 four years later (mpmath on equation 11).
    /// assert!((m.probability_alive_after(1, &h) - 0.5897).abs() < 5e-5);
    /// assert!((m.probability_alive_after(5, &h) - 0.469_244_384_794_651).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn probability_alive_after(&self, periods_ahead: u32, history: &DiscreteHistory) -> f64 {
        let p = self.params();
        let (x, n) = (f64::from(history.frequency()), f64::from(history.periods()));
        let log_alive = ln_beta_ratio(p.alpha, p.beta, x, n - x)
            + ln_beta_ratio(p.gamma, p.delta, 0.0, n + f64::from(periods_ahead));
        (log_alive - self.log_likelihood(history))
            .exp()
            .clamp(0.0, 1.0)
    }
}
