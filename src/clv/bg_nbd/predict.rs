//! Predictions shared by BG/NBD and the modified BG/NBD: P(alive), the conditional and
//! unconditional expected purchases and P(X(t) = n) (FHL 2005; Batislam et al. 2007).

use rayon::prelude::*;
use statrs::function::gamma::ln_gamma;

use super::alive_expectation::{euler_is_precise, expected_if_alive};
use super::bracket_cache::BracketCache;
use super::bracket_table::BracketTable;
use super::likelihood::CHUNK;
use super::nbd_tail::nbd_tail;
use super::Variant;
use crate::clv::beta_ratio::{ln_beta_ratio, ln_rising};
use crate::clv::error::finite_or_failure;
use crate::clv::{check_length, check_time, ClvError, RepeatHistory};

/// ln of the drop-out odds term: ln[a/(b + x + s − 1)] + (r + x) ln[(α + T)/(α + t_x)], or −∞
/// when the term is absent (BG/NBD with x = 0).
fn log_dropout_odds(variant: Variant, p: &[f64; 4], x: f64, t_x: f64, age: f64) -> f64 {
    if !variant.dropout_term(x) {
        return f64::NEG_INFINITY;
    }
    let [r, alpha, a, b] = *p;
    // Two logarithms of ratios rather than four logarithms: this runs once per customer in batches.
    (a / (b + x + variant.shift() - 1.0)).ln() + (r + x) * ((alpha + age) / (alpha + t_x)).ln()
}

/// ln[a/(b + x + s − 1)] for the small whole frequencies most customers have, computed once per
/// batch; [`OddsTable::log_odds`] equals [`log_dropout_odds`] bit for bit.
pub(super) struct OddsTable {
    log_front: Vec<f64>,
}

impl OddsTable {
    const SIZE: usize = 512;

    pub(super) fn new(variant: Variant, p: &[f64; 4]) -> Self {
        let [_, _, a, b] = *p;
        let log_front = (0..Self::SIZE)
            .map(|x| (a / (b + x as f64 + variant.shift() - 1.0)).ln())
            .collect();
        Self { log_front }
    }

    fn log_odds(&self, variant: Variant, p: &[f64; 4], x: f64, t_x: f64, age: f64) -> f64 {
        if !variant.dropout_term(x) {
            return f64::NEG_INFINITY;
        }
        let index = x as usize;
        if index as f64 != x || index >= Self::SIZE {
            return log_dropout_odds(variant, p, x, t_x, age);
        }
        let [r, alpha, _, _] = *p;
        self.log_front[index] + (r + x) * ((alpha + age) / (alpha + t_x)).ln()
    }

    /// P(alive) of `history`, as [`family_probability_alive`] gives it.
    pub(super) fn alive(&self, variant: Variant, p: &[f64; 4], history: &RepeatHistory) -> f64 {
        let (x, t_x, age) = (history.frequency(), history.recency(), history.age());
        alive_from_log_odds(self.log_odds(variant, p, x, t_x, age))
    }
}

/// P(alive) = 1 / (1 + odds), computed as exp(−softplus(ln odds)) so that it never overflows.
fn alive_from_log_odds(log_odds: f64) -> f64 {
    if log_odds == f64::NEG_INFINITY {
        1.0
    } else if log_odds > 0.0 {
        let e = (-log_odds).exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + log_odds.exp())
    }
}

pub(super) fn family_probability_alive(
    variant: Variant, p: &[f64; 4], h: &RepeatHistory,
) -> Result<f64, ClvError> {
    check_frequency(variant, p, h, None)?;
    Ok(alive_from_log_odds(log_dropout_odds(
        variant,
        p,
        h.frequency(),
        h.recency(),
        h.age(),
    )))
}

/// Gauss's series for 2F1(A, B; C; z) less its leading 1, Σ_{n≥1} (A)_n (B)_n / ((C)_n n!) z^n,
/// for 0 ≤ z < 1, C > 0; `None` if it does not settle. Without the 1 the sum keeps its relative
/// precision when it is small (a short horizon), and so does the bracket built from it.
pub(crate) fn hyp2f1_series_less_one(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let mut term = 1.0;
    let mut sum = 0.0;
    let mut n = 0.0;
    for _ in 0..200_000 {
        term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        sum += term;
        n += 1.0;
        if term.abs() <= 1e-16 * sum.abs() && n > 2.0 {
            return sum.is_finite().then_some(sum);
        }
        if term == 0.0 {
            return Some(sum);
        }
    }
    None
}

/// How far from a = 1 the bracket is evaluated on either side when a is within that distance of 1.
const A_STEP: f64 = 1e-7;

fn near_one(a: f64) -> bool {
    (a - 1.0).abs() < A_STEP
}

/// w^(a−1) F − 1 for w = 1 − z and F the transformed series below, given ln w and F − 1, as
/// expm1((a − 1) ln w) F + (F − 1): for a short horizon both parts are O(z) and the result keeps
/// its relative precision, where forming w^(a−1) F first left a difference of numbers near 1 (at
/// t = 10⁻⁵ (α + T) that lost 4.8e-10 of the bracket; mpmath 1.3 reference).
pub(super) fn transformed_less_one(a: f64, log_w: f64, f_less_one: f64) -> f64 {
    ((a - 1.0) * log_w).exp_m1() * (1.0 + f_less_one) + f_less_one
}

/// The bracket [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+s; a+b+x+s−1; z)] / (a − 1) with
/// z = t/(α+T+t), after Euler's transformation 2F1(A, B; C; z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z):
/// the prefactor becomes (1 − z)^(a−1) and the new series has small parameters whatever x is, so
/// heavy buyers neither overflow nor need thousands of terms.
pub(super) fn conditional_bracket(
    variant: Variant, p: &[f64; 4], x: f64, age: f64, t: f64,
) -> Result<f64, ClvError> {
    let [r, alpha, a, b] = *p;
    if t == 0.0 {
        return Ok(0.0);
    }
    let s = variant.shift();
    let eval = |a: f64| -> Option<f64> {
        let z = t / (alpha + age + t);
        let log_w = -(t / (alpha + age)).ln_1p();
        let f_less_one =
            hyp2f1_series_less_one(a + b + s - 1.0 - r, a - 1.0, a + b + x + s - 1.0, z)?;
        Some(-transformed_less_one(a, log_w, f_less_one) / (a - 1.0))
    };
    // The bracket is analytic in a; at a = 1 it is 0/0, so average the two sides.
    let value = if near_one(a) {
        match (eval(1.0 + A_STEP), eval(1.0 - A_STEP)) {
            (Some(u), Some(v)) => Some(0.5 * (u + v)),
            _ => None,
        }
    } else {
        eval(a)
    };
    value
        .filter(|v| v.is_finite())
        .ok_or(ClvError::NumericalFailure {
            what: "the hypergeometric series of the expected purchases did not converge",
        })
}

pub(super) fn family_expected_purchases(
    variant: Variant, p: &[f64; 4], t: f64,
) -> Result<f64, ClvError> {
    check_time("t", t)?;
    let [_, _, a, b] = *p;
    // BG/NBD: E[Y | alive] of a customer alive at 0; MBG/NBD: times P(alive after the first
    // purchase) = b/(a + b), with the posterior of p after that first toss (shift 1).
    let alive = match variant {
        Variant::Standard => 1.0,
        Variant::Modified => b / (a + b),
    };
    let value = alive * expected_if_alive(variant, p, 0.0, 0.0, t)?;
    finite_or_failure(value, "BG/NBD expected purchases beyond f64")
}

fn conditional_one(
    variant: Variant, p: &[f64; 4], t: f64, x: f64, t_x: f64, age: f64,
) -> Result<f64, ClvError> {
    let alive = alive_from_log_odds(log_dropout_odds(variant, p, x, t_x, age));
    if alive == 0.0 || t == 0.0 {
        return Ok(0.0);
    }
    let value = alive * expected_if_alive(variant, p, x, age, t)?;
    finite_or_failure(value, "BG/NBD expected purchases beyond f64")
}

pub(super) fn family_conditional(
    variant: Variant, p: &[f64; 4], t: f64, h: &RepeatHistory,
) -> Result<f64, ClvError> {
    check_time("t", t)?;
    check_frequency(variant, p, h, None)?;
    conditional_one(variant, p, t, h.frequency(), h.recency(), h.age())
}

/// Checks that the model is defined at the history's x: BG/NBD's drop-out after the last
/// purchase, a/(b + x − 1), needs b + x > 1 for x > 0, which every whole x ≥ 1 meets; a
/// fractional x in (0, 1) with b ≤ 1 − x is outside the model.
pub(super) fn check_frequency(
    variant: Variant, p: &[f64; 4], h: &RepeatHistory, position: Option<usize>,
) -> Result<(), ClvError> {
    let (x, b) = (h.frequency(), p[3]);
    if !variant.dropout_term(x) || b + x + variant.shift() - 1.0 > 0.0 {
        return Ok(());
    }
    Err(ClvError::InvalidHistory {
        position,
        detail: format!(
            "x = {x} with b = {b}: BG/NBD's drop-out after the last purchase, a/(b + x − 1), \
             needs b + x > 1 (x counts repeat purchases: 0, or 1 and more)"
        ),
    })
}

/// [`check_frequency`] for every history, with its position.
pub(super) fn check_frequencies(
    variant: Variant, p: &[f64; 4], histories: &[RepeatHistory],
) -> Result<(), ClvError> {
    histories
        .iter()
        .enumerate()
        .try_for_each(|(i, h)| check_frequency(variant, p, h, Some(i)))
}

/// E[Y(t) | x, t_x, T] for a batch: P(alive) per customer as in the single form, the bracket from
/// the (x, T) cache when those repeat, else from the batch's Taylor table (whole x below 256, t up
/// to about 250 (α + T)), else from the per-customer series; within 1e-13 of the single form (see
/// `bracket_table`).
pub(super) fn family_conditional_into(
    variant: Variant, p: &[f64; 4], t: f64, histories: &[RepeatHistory], out: &mut [f64],
) -> Result<(), ClvError> {
    check_time("t", t)?;
    check_length("out", histories.len(), out.len())?;
    check_frequencies(variant, p, histories)?;
    let odds = OddsTable::new(variant, p);
    // Shared by the threads.
    let table = batch_table(variant, p);
    // Large chunks (a few per thread) so that each chunk's bracket cache sees most of the distinct
    // (x, T) pairs; each output depends only on its own history, so chunking never changes results.
    let chunk = histories
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(CHUNK);
    out.par_chunks_mut(chunk)
        .zip(histories.par_chunks(chunk))
        .try_for_each(|(o, h)| {
            let mut cache = BracketCache::new();
            for (slot, history) in o.iter_mut().zip(h) {
                let (x, age) = (history.frequency(), history.age());
                let alive = odds.alive(variant, p, history);
                if alive == 0.0 {
                    *slot = 0.0;
                    continue;
                }
                let expected = cache.get(x, age, || {
                    expected_if_alive_batch(variant, p, table.as_ref(), x, age, t)
                })?;
                *slot =
                    finite_or_failure(alive * expected, "BG/NBD expected purchases beyond f64")?;
            }
            Ok(())
        })
}

/// The Taylor table of a batch's brackets, `None` near a = 1, where every customer takes the
/// per-customer series (the bracket is 0/0 at a = 1).
pub(super) fn batch_table(variant: Variant, p: &[f64; 4]) -> Option<BracketTable> {
    let [r, _, a, b] = *p;
    let s = variant.shift();
    (!near_one(a)).then(|| BracketTable::new(a, a + b + s - 1.0 - r, a - 1.0, a + b + s - 1.0))
}

/// E[Y(t) | alive at T, x] in a batch: from the batch's `table` where the single form takes
/// Euler's series (so that the two agree), else as the single form computes it.
pub(super) fn expected_if_alive_batch(
    variant: Variant, p: &[f64; 4], table: Option<&BracketTable>, x: f64, age: f64, t: f64,
) -> Result<f64, ClvError> {
    let [r, alpha, a, b] = *p;
    let s = variant.shift();
    let horizon_end = 1.0 / (alpha + age + t);
    let (w, z) = ((alpha + age) * horizon_end, t * horizon_end);
    let precise = euler_is_precise(a, b + x + s, r + x, t / (alpha + age));
    match table
        .filter(|_| precise)
        .and_then(|table| table.bracket(x, w, z))
    {
        // (a + B − 1) summed as the single form sums it, to agree to the bit.
        Some(bracket) => Ok(((a + (b + x + s) - 1.0) * bracket).max(0.0)),
        None => expected_if_alive(variant, p, x, age, t),
    }
}

pub(super) fn family_probability_alive_into(
    variant: Variant, p: &[f64; 4], histories: &[RepeatHistory], out: &mut [f64],
) -> Result<(), ClvError> {
    check_length("out", histories.len(), out.len())?;
    check_frequencies(variant, p, histories)?;
    let odds = OddsTable::new(variant, p);
    out.par_chunks_mut(CHUNK)
        .zip(histories.par_chunks(CHUNK))
        .for_each(|(o, h)| {
            for (slot, history) in o.iter_mut().zip(h) {
                *slot = odds.alive(variant, p, history);
            }
        });
    Ok(())
}

/// ln of the negative binomial probability of n purchases in t > 0: Γ(r+n)/(Γ(r) n!)
/// (α/(α+t))^r (t/(α+t))^n. The ratios' logarithms are −ln(1 + t/α) and −ln(1 + α/t), and
/// ln Γ(r + n) − ln Γ(r) a rising factorial: as differences of ln(α + t) and ln t they lost
/// 4e-15 each, which n = 4 · 10⁹ purchases turned into 4e-5 of the probability.
pub(crate) fn ln_nbd_pmf(r: f64, alpha: f64, n: f64, t: f64) -> f64 {
    let log_p = -(t / alpha).ln_1p();
    let log_q = -(alpha / t).ln_1p();
    ln_rising(r, n) - ln_gamma(n + 1.0) + r * log_p + if n > 0.0 { n * log_q } else { 0.0 }
}

/// P(X(t) = n): FHL (2005) equation 8; MBG/NBD: the same with the drop-out at time 0
/// (P(dead at 0) = a/(a+b) adds to n = 0). The beta-function ratios are formed as rising
/// factorials ([`ln_beta_ratio`]), not as differences of ln Γ of order b ln b.
pub(crate) fn family_probability_of_purchases(
    variant: Variant, p: &[f64; 4], n: u32, t: f64,
) -> Result<f64, ClvError> {
    check_time("t", t)?;
    let [r, alpha, a, b] = *p;
    let s = variant.shift();
    let nf = f64::from(n);
    if t == 0.0 {
        return Ok(if n == 0 { 1.0 } else { 0.0 });
    }
    // Alive through t after n purchases: B(a, b + n + s)/B(a, b) times the NBD probability.
    let mut value = (ln_beta_ratio(a, b, 0.0, nf + s) + ln_nbd_pmf(r, alpha, nf, t)).exp();
    if n > 0 {
        let tail = nbd_tail(r, alpha, n, t).ok_or(ClvError::NumericalFailure {
            what: "the negative binomial tail of P(X(t) = n) did not converge",
        })?;
        // Dropped out right after the n-th purchase: B(a + 1, b + n + s − 1)/B(a, b).
        value += ln_beta_ratio(a, b, 1.0, nf + s - 1.0).exp() * tail;
    } else if variant == Variant::Modified {
        value += a / (a + b);
    }
    if value.is_finite() {
        Ok(value.clamp(0.0, 1.0))
    } else {
        Err(ClvError::NumericalFailure {
            what: "P(X(t) = n) is not finite",
        })
    }
}
