//! The BG/NBD family: the BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
//! easy way") and the modified BG/NBD (Batislam, Denizel & Filiztekin 2007, "Empirical validation
//! and comparison of models for customer base analysis"), written once as [`BgNbdFamily`].
//!
//! While active, a customer buys at Poisson rate λ, λ ~ Gamma(r, α) across customers; at purchase
//! occasions the customer drops out with probability p, p ~ Beta(a, b). In BG/NBD the drop-out coin
//! is tossed after each repeat purchase; in MBG/NBD also right after the first purchase, so even a
//! customer with no repeat purchase has P(alive) < 1 (the "shift" 1 in the Beta functions of the
//! kernels).
//!
//! # Finite results
//!
//! r, α, a and b are in [[`MIN_PARAMETER`](crate::clv::MIN_PARAMETER),
//! [`MAX_PARAMETER`](crate::clv::MAX_PARAMETER)] (checked by [`BgNbdFamily::new`] and when a model
//! is read back through serde; every fit stays inside). With a [`RepeatHistory`] (values up to
//! [`RepeatHistory::MAX_VALUE`](crate::clv::RepeatHistory::MAX_VALUE)):
//!
//! - the log-likelihood and P(alive) are finite, except that BG/NBD refuses a fractional x in
//!   (0, 1) with b ≤ 1 − x ([`ClvError::InvalidHistory`]: its drop-out weight a/(b + x − 1) is
//!   not defined there; MBG/NBD takes it);
//! - P(X(t) = n) is in [0, 1] for every n up to `u32::MAX` and every t (the negative binomial tail
//!   is a continued fraction of at most 2 · 10⁶ steps, a few milliseconds);
//! - E[X(t)] and E[Y(t) | x, t_x, T] come from Euler's series, Pfaff's series or an integral over
//!   the drop-out probability, whichever keeps its precision (about 10⁻¹² relative; see
//!   `alive_expectation`), and are finite or a [`ClvError::NumericalFailure`]: when the
//!   expectation exceeds f64 (a < 1 and t near f64::MAX: it grows like t^(1−a)), and when none of
//!   the three forms applies: a or b + x (MBG/NBD: b + x + 1) below ½ with a horizon t beyond
//!   about 5,000 (α + T) (Euler's series would need more than 200,000 terms), or with t ≥ α + T
//!   and a in the thousands (its terms overflow). Each form is capped (200,000 terms; 4,096
//!   panels of 16 nodes), so no call runs longer than a few milliseconds.
//!
//! # Examples
//!
//! ```
//! use customer_value::clv::{BgNbd, ModifiedBgNbd, PurchaseModel, RepeatHistory};
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let h = RepeatHistory::new(2.0, 30.43, 38.86)?;
//! // FHL (2005), section 5: 1.226 purchases expected in the next 39 weeks.
//! assert!((model.conditional_expected_purchases(39.0, &h)? - 1.226028).abs() < 1e-5);
//! let modified = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614)?;
//! assert!(modified.probability_alive(&RepeatHistory::new(0.0, 0.0, 38.86)?)? < 1.0);
//! # Ok::<(), customer_value::clv::ClvError>(())
//! ```

use std::fmt::Debug;
use std::marker::PhantomData;

use crate::clv::fit::engine::{Estimator, LifetimesObjective};
use crate::clv::fit::warnings::{dropout_warning, longest_age};
use crate::clv::fit::{maximum_likelihood, on_log_scale, Search};
use crate::clv::parameter_range::check_parameter_range;
use crate::clv::{ClvError, FitData, FitOptions, FitWarning, PurchaseModel, RepeatHistory};

mod alive_expectation;
mod bracket_cache;
mod bracket_table;
mod curves;
mod likelihood;
mod nbd_tail;
mod posterior_quadrature;
pub(crate) use posterior_quadrature::beta_expectation;
mod predict;
pub(crate) use predict::hyp2f1_series_less_one;

use crate::clv::error::finite_or_failure;
use likelihood::{compress, family_log_likelihood, Prepared};
pub(in crate::clv) use likelihood::{customer_log_likelihood, SharedTerms};
use predict::{
    check_frequency, family_conditional, family_conditional_into, family_expected_purchases,
    family_probability_alive, family_probability_alive_into, family_probability_of_purchases,
};
// The conditional purchase distribution is the unconditional one at the posterior parameters.
pub(crate) use predict::{
    family_probability_of_purchases as probability_of_purchases_at, ln_nbd_pmf,
};

/// Which member of the family, for the kernels: the Beta-function shift is 0 for BG/NBD and 1 for
/// MBG/NBD, and the drop-out-at-last-purchase term applies to x > 0 only for BG/NBD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// BG/NBD.
    Standard,
    /// MBG/NBD.
    Modified,
}

impl Variant {
    pub(crate) fn shift(self) -> f64 {
        match self {
            Variant::Standard => 0.0,
            Variant::Modified => 1.0,
        }
    }
    fn dropout_term(self, x: f64) -> bool {
        match self {
            Variant::Standard => x > 0.0,
            Variant::Modified => true,
        }
    }
}

/// A member of the BG/NBD family: [`StandardDropout`] (BG/NBD) or [`ModifiedDropout`] (MBG/NBD).
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgNbdVariant, ModifiedDropout, StandardDropout};
/// assert_eq!(StandardDropout::NAME, "BG/NBD");
/// assert_eq!(ModifiedDropout::NAME, "MBG/NBD");
/// ```
pub trait BgNbdVariant: Debug + Clone + Copy + PartialEq + Send + Sync + 'static {
    /// The model's name.
    const NAME: &'static str;
    #[doc(hidden)]
    const VARIANT: Variant;
}

/// BG/NBD: the customer may drop out after each repeat purchase (Fader, Hardie & Lee 2005).
///
/// # Examples
///
/// See [`BgNbdVariant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StandardDropout;

/// MBG/NBD: the customer may drop out at every purchase occasion, the first included (Batislam,
/// Denizel & Filiztekin 2007).
///
/// # Examples
///
/// See [`BgNbdVariant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModifiedDropout;

impl BgNbdVariant for StandardDropout {
    const NAME: &'static str = "BG/NBD";
    const VARIANT: Variant = Variant::Standard;
}

impl BgNbdVariant for ModifiedDropout {
    const NAME: &'static str = "MBG/NBD";
    const VARIANT: Variant = Variant::Modified;
}

/// The BG/NBD model with known parameters (Fader, Hardie & Lee 2005).
pub type BgNbd = BgNbdFamily<StandardDropout>;

/// The modified BG/NBD model with known parameters (Batislam, Denizel & Filiztekin 2007).
pub type ModifiedBgNbd = BgNbdFamily<ModifiedDropout>;

/// BG/NBD and MBG/NBD parameters, named as in Fader, Hardie & Lee (2005): λ ~ Gamma(shape r,
/// rate α), p ~ Beta(a, b).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BgNbdParams {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Rate (inverse scale) of the Gamma distribution of purchase rates, in 1 / time unit.
    pub alpha: f64,
    /// First shape of the Beta distribution of drop-out probabilities.
    pub a: f64,
    /// Second shape of the Beta distribution of drop-out probabilities.
    pub b: f64,
}

/// The MBG/NBD parameters: the same four as BG/NBD.
pub type ModifiedBgNbdParams = BgNbdParams;

/// A model of the BG/NBD family with known parameters: use it as [`BgNbd`] or [`ModifiedBgNbd`].
///
/// # Examples
///
/// ```
/// use customer_value::clv::{BgNbd, ModifiedBgNbd, PurchaseModel};
/// let standard = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let modified = ModifiedBgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// // MBG/NBD's extra drop-out at the first purchase lowers the expected purchases.
/// assert!(modified.expected_purchases(39.0)? < standard.expected_purchases(39.0)?);
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbdFamily<V> {
    params: BgNbdParams,
    variant: PhantomData<V>,
}

// A model read back goes through the constructor's check, and no unchecked reader is public. The
// wrapping form of `crate::settings::checked_serde!` takes no generic type, so its two impls are
// written out, on a private copy of the stored field.
#[cfg(feature = "serde")]
const _: () = {
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename = "BgNbdFamily")]
    struct Stored {
        params: BgNbdParams,
    }

    impl<V: BgNbdVariant> serde::Serialize for BgNbdFamily<V> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            Stored {
                params: self.params,
            }
            .serialize(serializer)
        }
    }

    impl<'de, V: BgNbdVariant> serde::Deserialize<'de> for BgNbdFamily<V> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let BgNbdParams { r, alpha, a, b } = Stored::deserialize(deserializer)?.params;
            Self::new(r, alpha, a, b).map_err(serde::de::Error::custom)
        }
    }
};

impl<V: BgNbdVariant> BgNbdFamily<V> {
    /// A model with known parameters.
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
    /// use customer_value::clv::{BgNbd, ClvError, ModifiedBgNbd};
    /// assert!(BgNbd::new(0.243, 4.414, 0.793, 2.426).is_ok());
    /// assert!(BgNbd::new(0.243, -1.0, 0.793, 2.426).is_err());
    /// assert!(ModifiedBgNbd::new(0.243, 4.414, 0.0, 2.426).is_err());
    /// assert!(matches!(BgNbd::new(0.243, 4.414, 0.793, 1e300),
    ///     Err(ClvError::InvalidParameter { name: "b", .. })));
    /// ```
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self, ClvError> {
        check_parameter_range(&[("r", r), ("alpha", alpha), ("a", a), ("b", b)])?;
        Ok(Self {
            params: BgNbdParams { r, alpha, a, b },
            variant: PhantomData,
        })
    }

    /// The parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::BgNbd;
    /// assert_eq!(BgNbd::new(0.2, 4.0, 0.8, 2.4)?.params().alpha, 4.0);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn params(&self) -> BgNbdParams {
        self.params
    }

    fn array(&self) -> [f64; 4] {
        let p = self.params;
        [p.r, p.alpha, p.a, p.b]
    }

    /// The log-likelihood of one history (FHL 2005, equation 6; Batislam et al. 2007, equation 6;
    /// in log space).
    ///
    /// # Errors
    ///
    /// [`ClvError::InvalidHistory`] for a fractional x in (0, 1) with b ≤ 1 − x under BG/NBD
    /// (outside the model: see [`PurchaseModel::probability_alive`]), and
    /// [`ClvError::NumericalFailure`] if the value is not finite (not seen for parameters in
    /// range and valid histories).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::clv::{BgNbd, ModifiedBgNbd, RepeatHistory};
    /// let silent = RepeatHistory::new(0.0, 0.0, 40.0)?;
    /// let ll = BgNbd::new(0.25, 4.0, 0.8, 2.5)?.log_likelihood(&silent)?;
    /// assert!((ll + 0.59947382).abs() < 1e-7);
    /// // MBG/NBD: ln[b/(a+b) (α/(α+T))^r + a/(a+b)], dead right after the first purchase or alive.
    /// let ll = ModifiedBgNbd::new(0.25, 4.0, 0.8, 2.5)?.log_likelihood(&silent)?;
    /// assert!((ll + 0.4179282620449803).abs() < 1e-12);
    /// # Ok::<(), customer_value::clv::ClvError>(())
    /// ```
    pub fn log_likelihood(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        check_frequency(V::VARIANT, &self.array(), history, None)?;
        let data = compress(&[*history], &[1.0]);
        let value = family_log_likelihood(V::VARIANT, &self.array(), &data, false).0;
        finite_or_failure(value, "BG/NBD log-likelihood")
    }
}

maximum_likelihood!(impl<V: BgNbdVariant> for BgNbdFamily<V> {
    History = RepeatHistory, Options = FitOptions, Diagnostics = (),
    parameters = [r, alpha, a, b],
});

/// Fitting: [`ClvError::NotIdentifiable`] when nobody made a repeat purchase or every age is 0.
impl<V: BgNbdVariant> Estimator for BgNbdFamily<V> {
    type Data = Prepared;

    fn prepare(data: &FitData<'_, RepeatHistory>, _: &FitOptions) -> Result<Prepared, ClvError> {
        likelihood::prepare(data)
    }

    fn log_likelihood(data: &Prepared, theta: &[f64]) -> (f64, Vec<f64>) {
        on_log_scale(theta, |p| {
            family_log_likelihood(V::VARIANT, p, &data.rows, true)
        })
    }

    fn search(data: &Prepared) -> Search {
        likelihood::search(data)
    }

    /// lifetimes' BetaGeoFitter and ModifiedBetaGeoFitter: the mean over the customers, α on
    /// ages divided by the longest.
    fn lifetimes_objective(data: &FitData<'_, RepeatHistory>, _: &Prepared) -> LifetimesObjective {
        let ages = data.histories().iter().map(RepeatHistory::age);
        LifetimesObjective::on_time_axis(data.observations(), 4, &[1], ages)
    }

    fn diagnostics(_: &Prepared, _: &Self) {}

    /// Drop-out not identified when 1 − (1 − E\[p\])^E[X(T)] (MBG/NBD: exponent 1 + E[X(T)]) is
    /// below the limit of [`crate::clv::fit::warnings`], E\[p\] = a/(a + b) (FHL 2005, §2).
    fn fit_warnings(data: &FitData<'_, RepeatHistory>, model: &Self) -> Vec<FitWarning> {
        let window = longest_age(data.histories(), &data.weights());
        let p = model.params();
        let mean_p = p.a / (p.a + p.b);
        let opportunities = model.expected_purchases(window).unwrap_or(f64::NAN)
            + if V::VARIANT == Variant::Modified {
                1.0
            } else {
                0.0
            };
        // 1 − (1 − E[p])^n, accurate for a tiny E[p].
        let share = -(opportunities * (-mean_p).ln_1p()).exp_m1();
        dropout_warning(["a", "b"], share, window)
    }
}

/// FHL (2005) equations 8–11; MBG/NBD: Batislam et al. (2007), with the drop-out at the first
/// purchase (P(alive) below 1 even for x = 0). E[X(t)] and E[Y(t) | x, t_x, T] use the Euler
/// transformation of 2F1; P(alive) is computed in log space. The batch form of E[Y(t) | x, t_x, T]
/// sums the series from Taylor polynomials built once per batch, and agrees with the single form
/// to about 1e-13 (relative).
impl<V: BgNbdVariant> PurchaseModel for BgNbdFamily<V> {
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        family_expected_purchases(V::VARIANT, &self.array(), t)
    }

    fn conditional_expected_purchases(
        &self, t: f64, history: &RepeatHistory,
    ) -> Result<f64, ClvError> {
        family_conditional(V::VARIANT, &self.array(), t, history)
    }

    fn probability_alive(&self, history: &RepeatHistory) -> Result<f64, ClvError> {
        family_probability_alive(V::VARIANT, &self.array(), history)
    }

    fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64, ClvError> {
        family_probability_of_purchases(V::VARIANT, &self.array(), n, t)
    }

    fn conditional_expected_purchases_into(
        &self, t: f64, histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        family_conditional_into(V::VARIANT, &self.array(), t, histories, out)
    }

    fn probability_alive_into(
        &self, histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        family_probability_alive_into(V::VARIANT, &self.array(), histories, out)
    }

    /// One bracket table for every time, P(alive) once per customer (see `bg_nbd/curves.rs`).
    fn conditional_expected_purchases_curves_into(
        &self, times: &[f64], histories: &[RepeatHistory], out: &mut [f64],
    ) -> Result<(), ClvError> {
        curves::family_conditional_curves_into(V::VARIANT, &self.array(), times, histories, out)
    }
}

#[cfg(test)]
mod tests {
    use super::likelihood::{compress, family_log_likelihood};
    use super::*;
    use crate::clv::fit::assert_gradient_matches;

    fn published() -> BgNbd {
        BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap()
    }

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn worked_predictions_of_fhl_2005() {
        let m = published();
        let h = RepeatHistory::new(2.0, 30.43, 38.86).unwrap();
        assert!(
            rel(
                m.conditional_expected_purchases(39.0, &h).unwrap(),
                1.226028
            ) < 1e-6
        );
        assert!(rel(m.probability_alive(&h).unwrap(), 0.726579) < 1e-6);
        for (t, e) in [
            (1.0, 0.053268),
            (3.0, 0.150865),
            (32.0, 1.045243),
            (52.0, 1.446051),
            (78.0, 1.860519),
        ] {
            assert!(rel(m.expected_purchases(t).unwrap(), e) < 1e-5, "t = {t}");
        }
        assert!(rel(m.probability_of_purchases(10, 2.0).unwrap(), 1.0786896e-07) < 1e-6);
        assert!(rel(m.probability_of_purchases(0, 39.0).unwrap(), 0.5737864) < 1e-6);
        for (n, e) in [(11, 0.0019995214), (12, 0.0015170236), (13, 0.0011633150)] {
            assert!(
                rel(m.probability_of_purchases(n, 30.0).unwrap(), e) < 1e-6,
                "n = {n}"
            );
        }
        let c1516 = RepeatHistory::new(26.0, 30.85714, 31.0).unwrap();
        assert!(
            rel(
                m.conditional_expected_purchases(52.0, &c1516).unwrap(),
                25.75649
            ) < 1e-6
        );
        assert!(rel(m.probability_alive(&c1516).unwrap(), 0.968852) < 1e-6);
    }

    /// E[Y(t) | x, t_x, T] at FHL's parameters against mpmath 1.3 (50 digits, the hypergeometric
    /// form of FHL 2005 equation 10), one customer at a time and in a batch, for horizons from
    /// under a minute (in weeks) to 39 weeks: 1 − (1 − z)^(a−1) 2F1 is formed without cancelling,
    /// so even t = 1e-4 keeps 1e-14 (formed as a difference near 1 it was off by 8e-10).
    #[test]
    fn short_horizons_keep_their_precision() {
        let (p, histories) = (
            [0.243, 4.414, 0.793, 2.426],
            [
                RepeatHistory::new(0.0, 0.0, 38.86).unwrap(),
                RepeatHistory::new(2.0, 30.43, 38.86).unwrap(),
            ],
        );
        let standard = BgNbd::new(p[0], p[1], p[2], p[3]).unwrap();
        let modified = ModifiedBgNbd::new(p[0], p[1], p[2], p[3]).unwrap();
        // (t, [BG/NBD x = 0, MBG/NBD x = 0, BG/NBD x = 2, MBG/NBD x = 2]).
        let cases = [
            (
                1e-4,
                [
                    5.615379073461791e-07,
                    3.5784193585890455e-07,
                    3.7660368924081356e-06,
                    4.014007328333671e-06,
                ],
            ),
            (
                0.5,
                [
                    0.002802741772836851,
                    0.0017868023441442833,
                    0.018776841843974004,
                    0.020022292899899086,
                ],
            ),
            (
                39.0,
                [
                    0.19509805201126262,
                    0.1274613825456613,
                    1.2260281747671444,
                    1.3404974284912132,
                ],
            ),
        ];
        for (t, want) in cases {
            let mut batch = [[0.0; 2]; 2];
            standard
                .conditional_expected_purchases_into(t, &histories, &mut batch[0])
                .unwrap();
            modified
                .conditional_expected_purchases_into(t, &histories, &mut batch[1])
                .unwrap();
            for (i, h) in histories.iter().enumerate() {
                let models: [&dyn PurchaseModel; 2] = [&standard, &modified];
                for (m, model) in models.into_iter().enumerate() {
                    let want = want[2 * i + m];
                    let one = model.conditional_expected_purchases(t, h).unwrap();
                    assert!(rel(one, want) < 1e-14, "t = {t}, {i}, {m}: {one} vs {want}");
                    assert!(rel(batch[m][i], want) < 1e-14, "batch t = {t}, {i}, {m}");
                }
            }
        }
    }

    #[test]
    fn single_customer_log_likelihoods_and_stability() {
        let m = BgNbd::new(0.25, 4.0, 0.8, 2.5).unwrap();
        let zero = RepeatHistory::new(0.0, 0.0, 40.0).unwrap();
        assert!((m.log_likelihood(&zero).unwrap() + 0.59947382).abs() < 1e-7);
        let heavy = RepeatHistory::new(200.0, 38.0, 40.0).unwrap();
        assert!((m.log_likelihood(&heavy).unwrap() - 100.7957).abs() < 1e-4);
        for x in [400.0, 1000.0, 5000.0] {
            let h = RepeatHistory::new(x, 20.0, 40.0).unwrap();
            let p = m.probability_alive(&h).unwrap();
            assert!(p.is_finite() && (0.0..=1.0).contains(&p));
            let e = m.conditional_expected_purchases(52.0, &h).unwrap();
            assert!(e.is_finite() && e >= 0.0);
        }
    }

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let rows = compress(
            &[
                RepeatHistory::new(0.0, 0.0, 30.0).unwrap(),
                RepeatHistory::new(3.0, 12.0, 30.0).unwrap(),
                RepeatHistory::new(1.0, 29.0, 35.0).unwrap(),
            ],
            &[3.0, 2.0, 1.0],
        );
        // 100 rows of distinct times: the per-row path instead of the table of distinct times.
        let many: Vec<RepeatHistory> = (0..100)
            .map(|i| {
                let x = f64::from(i % 7);
                let age = 20.0 + f64::from(i) * 0.37;
                RepeatHistory::new(x, if x == 0.0 { 0.0 } else { age * 0.61 }, age).unwrap()
            })
            .collect();
        let many = compress(&many, &[1.0; 100]);
        assert!(many.times.is_empty() && !rows.times.is_empty());
        // b ≤ 1 included: ln(b + x − 1) must not leak into the x = 0 rows of BG/NBD.
        let points = [
            [0.4, 5.0, 0.9, 2.2],
            [0.4, 5.0, 0.9, 0.8],
            [1.0, 3.0, 1.0, 1.0],
        ];
        for rows in [&rows, &many] {
            for (variant, p) in [Variant::Standard, Variant::Modified]
                .into_iter()
                .flat_map(|v| points.iter().map(move |p| (v, *p)))
            {
                assert_gradient_matches(|q| family_log_likelihood(variant, q, rows, true), p);
            }
        }
    }

    #[test]
    fn bad_parameters_and_times_are_errors() {
        assert!(matches!(
            BgNbd::new(0.0, 1.0, 1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "r", .. })
        ));
        assert!(matches!(
            BgNbd::new(1.0, f64::NAN, 1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "alpha", .. })
        ));
        assert!(matches!(
            BgNbd::new(1.0, 1.0, -1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "a", .. })
        ));
        assert!(matches!(
            BgNbd::new(1.0, 1.0, 1.0, f64::INFINITY),
            Err(ClvError::InvalidParameter { name: "b", .. })
        ));
        let m = published();
        assert!(matches!(
            m.expected_purchases(-1.0),
            Err(ClvError::InvalidArgument { .. })
        ));
        assert!(matches!(
            m.probability_of_purchases(1, f64::NAN),
            Err(ClvError::InvalidArgument { .. })
        ));
    }

    #[test]
    fn a_equal_to_one_is_handled() {
        let at = BgNbd::new(0.3, 4.0, 1.0, 2.0)
            .unwrap()
            .expected_purchases(20.0)
            .unwrap();
        let near = BgNbd::new(0.3, 4.0, 1.0 + 1e-4, 2.0)
            .unwrap()
            .expected_purchases(20.0)
            .unwrap();
        assert!((at - near).abs() < 1e-3 * near);
    }

    /// Monte Carlo check of the derived E[X(t)] = b/(a−1)[1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))]
    /// lives in tests/purchase_models.rs; here P(X(t) = n) must sum to 1 and its mean must match.
    #[test]
    fn purchase_distribution_is_consistent_with_the_mean() {
        let m = ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614).unwrap();
        let t = 20.0;
        let (mut total, mut mean) = (0.0, 0.0);
        for n in 0..400 {
            let p = m.probability_of_purchases(n, t).unwrap();
            total += p;
            mean += f64::from(n) * p;
        }
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let e = m.expected_purchases(t).unwrap();
        assert!((mean - e).abs() < 1e-6 * e, "{mean} vs {e}");
    }
}
