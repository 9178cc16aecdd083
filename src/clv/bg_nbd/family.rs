//! Likelihood and prediction kernels shared by BG/NBD and the modified BG/NBD: compression of
//! histories into weighted rows, the log-likelihood with its analytic gradient, the fit driver, and
//! the conditional and unconditional predictions (FHL 2005; Batislam et al. 2007).

use rayon::prelude::*;
use statrs::function::gamma::{digamma, ln_gamma};

use super::{check_time, Variant};
use crate::clv::fit::{check_weights, maximize, Optimum};
use crate::clv::{ClvError, FitOptions, RepeatHistory};
use crate::settings::Settings;

/// A compressed, weighted row (x, t_x, T), with the positions of t_x and T in the table of
/// distinct times.
#[derive(Debug, Clone, Copy)]
pub(in crate::clv) struct Row {
    pub x: f64,
    pub t_x: f64,
    pub age: f64,
    pub weight: f64,
    recency_index: u32,
    age_index: u32,
}

/// Compressed histories: sorted distinct rows with weights, and the distinct times they refer to
/// (ln(α + t) and 1/(α + t) are then computed once per distinct time per evaluation: ages and
/// recencies measured in days repeat a lot).
pub(in crate::clv) struct Compressed {
    pub rows: Vec<Row>,
    pub times: Vec<f64>,
}

/// Sorts histories by (x, t_x, T) and merges identical ones, summing their weights; rows of zero
/// weight are dropped. Sorting also makes the result independent of the input order.
pub(in crate::clv) fn compress(histories: &[RepeatHistory], weights: &[f64]) -> Compressed {
    // Sort compact keys: for non-negative floats the bit patterns order as the values do (adding
    // 0.0 turns a −0.0 into +0.0), and the weight in the key makes the order of summation of
    // equal rows, hence the result, independent of the input order.
    let bits = |v: f64| (v + 0.0).to_bits();
    let mut keys: Vec<[u64; 4]> = histories
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(h, &w)| {
            [
                bits(h.frequency()),
                bits(h.recency()),
                bits(h.age()),
                bits(w),
            ]
        })
        .collect();
    // A parallel sort only pays off on large inputs.
    if keys.len() > 100_000 {
        keys.par_sort_unstable();
    } else {
        keys.sort_unstable();
    }
    let mut out: Vec<Row> = Vec::with_capacity(keys.len());
    let mut last_key: Option<[u64; 3]> = None;
    for key in keys {
        let head = [key[0], key[1], key[2]];
        let weight = f64::from_bits(key[3]);
        match out.last_mut() {
            Some(last) if last_key == Some(head) => last.weight += weight,
            _ => {
                out.push(Row {
                    x: f64::from_bits(key[0]),
                    t_x: f64::from_bits(key[1]),
                    age: f64::from_bits(key[2]),
                    weight,
                    recency_index: 0,
                    age_index: 0,
                });
                last_key = Some(head);
            }
        }
    }
    let mut time_bits: Vec<u64> = out
        .iter()
        .flat_map(|r| [bits(r.t_x), bits(r.age)])
        .collect();
    if time_bits.len() > 100_000 {
        time_bits.par_sort_unstable();
    } else {
        time_bits.sort_unstable();
    }
    time_bits.dedup();
    // A table only pays when times repeat (days, weeks); otherwise compute per row.
    if time_bits.len() > out.len() / 4 + 16 {
        return Compressed {
            rows: out,
            times: Vec::new(),
        };
    }
    for row in &mut out {
        // Both values are in the table by construction; its length fits in u32 (≤ rows / 4 + 16).
        row.recency_index = time_bits.partition_point(|t| *t < bits(row.t_x)) as u32;
        row.age_index = time_bits.partition_point(|t| *t < bits(row.age)) as u32;
    }
    let times = time_bits.into_iter().map(f64::from_bits).collect();
    Compressed { rows: out, times }
}

/// Terms of the log-likelihood that depend on x only (FHL 2005, equation 6: A1, A2), and their
/// derivatives.
struct FrequencyTerms {
    x: f64,
    /// ln Γ(r + x) − ln Γ(r) + r ln α + ln B(a, b + x + s) − ln B(a, b)
    base: f64,
    d_r: f64,
    d_a: f64,
    d_b: f64,
    /// ln a − ln(b + x + s − 1)
    log_ratio: f64,
    /// 1 / (b + x + s − 1)
    inv_bx: f64,
}

impl FrequencyTerms {
    fn new(variant: Variant, p: &[f64; 4], x: f64, lg: &Constants) -> Self {
        let [r, alpha, a, b] = *p;
        let s = variant.shift();
        let bx = b + x + s;
        let base = ln_gamma(r + x) - lg.ln_gamma_r + r * alpha.ln() + lg.ln_gamma_ab + ln_gamma(bx)
            - lg.ln_gamma_b
            - ln_gamma(a + bx);
        let psi_abx = digamma(a + bx);
        FrequencyTerms {
            x,
            base,
            d_r: digamma(r + x) - lg.digamma_r + alpha.ln(),
            d_a: lg.digamma_ab - psi_abx,
            d_b: lg.digamma_ab + digamma(bx) - lg.digamma_b - psi_abx,
            log_ratio: a.ln() - (bx - 1.0).ln(),
            inv_bx: 1.0 / (bx - 1.0),
        }
    }

    /// The terms at `x`: by the recurrences ln Γ(z + 1) = ln Γ(z) + ln z and ψ(z + 1) = ψ(z) + 1/z
    /// when `x` lies a small whole number of steps above the current x (rows are sorted by x, and
    /// frequencies are counts), else afresh.
    fn move_to(&mut self, variant: Variant, p: &[f64; 4], x: f64, lg: &Constants) {
        let steps = x - self.x;
        if !(steps > 0.0 && steps <= 64.0 && steps.fract() == 0.0) {
            *self = Self::new(variant, p, x, lg);
            return;
        }
        let [r, _, a, b] = *p;
        let s = variant.shift();
        let mut z = self.x;
        while z < x {
            let (rz, bz, abz) = (r + z, b + z + s, a + b + z + s);
            self.base += rz.ln() + bz.ln() - abz.ln();
            self.d_r += 1.0 / rz;
            self.d_a -= 1.0 / abz;
            self.d_b += 1.0 / bz - 1.0 / abz;
            z += 1.0;
        }
        let bx = b + x + s;
        self.x = x;
        self.log_ratio = a.ln() - (bx - 1.0).ln();
        self.inv_bx = 1.0 / (bx - 1.0);
    }
}

struct Constants {
    ln_gamma_r: f64,
    ln_gamma_ab: f64,
    ln_gamma_b: f64,
    digamma_r: f64,
    digamma_ab: f64,
    digamma_b: f64,
}

impl Constants {
    fn new(p: &[f64; 4]) -> Self {
        let [r, _, a, b] = *p;
        Constants {
            ln_gamma_r: ln_gamma(r),
            ln_gamma_ab: ln_gamma(a + b),
            ln_gamma_b: ln_gamma(b),
            digamma_r: digamma(r),
            digamma_ab: digamma(a + b),
            digamma_b: digamma(b),
        }
    }
}

/// Rows per parallel chunk: chunks are summed in order, so results do not depend on thread count.
const CHUNK: usize = 8192;

/// Weighted log-likelihood over sorted rows and its gradient with respect to the natural parameters
/// (r, α, a, b). FHL (2005) equation 6; MBG/NBD: Batislam et al. (2007), equation 6.
pub(in crate::clv) fn family_log_likelihood(
    variant: Variant,
    p: &[f64; 4],
    data: &Compressed,
    want_gradient: bool,
) -> (f64, [f64; 4]) {
    let constants = Constants::new(p);
    let alpha = p[1];
    // One entry per distinct time; element-wise, so computing it in parallel changes nothing.
    let use_table = !data.times.is_empty();
    let (log_times, inverse_times): (Vec<f64>, Vec<f64>) = if data.times.len() > CHUNK {
        data.times
            .par_iter()
            .map(|t| ((alpha + t).ln(), 1.0 / (alpha + t)))
            .unzip()
    } else {
        data.times
            .iter()
            .map(|t| ((alpha + t).ln(), 1.0 / (alpha + t)))
            .unzip()
    };
    let chunk_sum = |chunk: &[Row]| -> (f64, [f64; 4]) {
        let [r, alpha, a, _] = *p;
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        let mut terms: Option<FrequencyTerms> = None;
        for row in chunk {
            let ft =
                terms.get_or_insert_with(|| FrequencyTerms::new(variant, p, row.x, &constants));
            if ft.x != row.x {
                ft.move_to(variant, p, row.x, &constants);
            }
            let ft = &*ft;
            let rx = r + row.x;
            let (log_age, inverse_age) = if use_table {
                (
                    log_times[row.age_index as usize],
                    inverse_times[row.age_index as usize],
                )
            } else {
                ((alpha + row.age).ln(), 1.0 / (alpha + row.age))
            };
            let u3 = -rx * log_age;
            let (lse, w4, log_rec, inverse_rec) = if variant.dropout_term(row.x) {
                let (log_rec, inverse_rec) = if use_table {
                    (
                        log_times[row.recency_index as usize],
                        inverse_times[row.recency_index as usize],
                    )
                } else {
                    ((alpha + row.t_x).ln(), 1.0 / (alpha + row.t_x))
                };
                let u4 = ft.log_ratio - rx * log_rec;
                let (hi, lo) = if u3 >= u4 { (u3, u4) } else { (u4, u3) };
                let e = (lo - hi).exp();
                let lse = hi + e.ln_1p();
                let w_lo = e / (1.0 + e);
                let w4 = if u4 >= u3 { 1.0 - w_lo } else { w_lo };
                (lse, w4, log_rec, inverse_rec)
            } else {
                (u3, 0.0, 0.0, 0.0)
            };
            let w3 = 1.0 - w4;
            let w = row.weight;
            ll += w * (ft.base + lse);
            if want_gradient {
                g[0] += w * (ft.d_r - w3 * log_age - w4 * log_rec);
                // Without the drop-out term (BG/NBD, x = 0) ln(b + x − 1) may not exist: skip it.
                let (d_alpha_rec, d_a_rec, d_b_rec) = if w4 > 0.0 {
                    (w4 * inverse_rec, w4 / a, w4 * ft.inv_bx)
                } else {
                    (0.0, 0.0, 0.0)
                };
                g[1] += w * (r / alpha - rx * (w3 * inverse_age + d_alpha_rec));
                g[2] += w * (ft.d_a + d_a_rec);
                g[3] += w * (ft.d_b - d_b_rec);
            }
        }
        (ll, g)
    };
    let rows = &data.rows;
    if rows.len() <= CHUNK {
        return chunk_sum(rows);
    }
    // Chunks are summed in order: the result does not depend on the number of threads.
    let parts: Vec<(f64, [f64; 4])> = rows.par_chunks(CHUNK).map(chunk_sum).collect();
    let mut ll = 0.0;
    let mut g = [0.0; 4];
    for (l, gg) in parts {
        ll += l;
        for k in 0..4 {
            g[k] += gg[k];
        }
    }
    (ll, g)
}

/// Fits BG/NBD or MBG/NBD: checks, compression, starts, [`maximize`].
pub(in crate::clv) fn fit_family(
    variant: Variant,
    histories: &[RepeatHistory],
    weights: &[f64],
    options: &FitOptions,
) -> Result<(Optimum, f64), ClvError> {
    if histories.is_empty() {
        return Err(ClvError::EmptyInput);
    }
    let observations = check_weights(histories.len(), weights)?;
    options.check()?;
    let data = compress(histories, weights);
    let (mut sum_x, mut sum_age, mut repeaters) = (0.0, 0.0, 0.0);
    for row in &data.rows {
        sum_x += row.weight * row.x;
        sum_age += row.weight * row.age;
        if row.x > 0.0 {
            repeaters += row.weight;
        }
    }
    if repeaters == 0.0 {
        return Err(ClvError::NotIdentifiable {
            reason: "no customer made a repeat purchase",
        });
    }
    if sum_age <= 0.0 {
        return Err(ClvError::NotIdentifiable {
            reason: "every customer has age T = 0",
        });
    }
    let likelihood = |theta: &[f64]| {
        let p = [
            theta[0].exp(),
            theta[1].exp(),
            theta[2].exp(),
            theta[3].exp(),
        ];
        let (ll, g) = family_log_likelihood(variant, &p, &data, true);
        (ll, vec![g[0] * p[0], g[1] * p[1], g[2] * p[2], g[3] * p[3]])
    };
    // Method-of-moments flavoured start: with r = 1, E[λ] = 1/α ≈ Σx / ΣT.
    let alpha0 = (sum_age / sum_x).clamp(1e-3, 1e6);
    let first = [vec![1.0, alpha0, 1.0, 1.0]];
    let restarts = [
        vec![0.25, alpha0 / 4.0, 0.8, 2.5],
        vec![1.0, 1.0, 1.0, 1.0],
        vec![0.1, alpha0 / 10.0, 2.0, 5.0],
        vec![3.0, alpha0 * 3.0, 0.5, 0.5],
    ];
    let opt = match maximize(&likelihood, &first, options) {
        Ok(opt) => opt,
        Err(first_error) => {
            // Restarts from spread-out points only when the first start fails.
            let unconverged = FitOptions {
                initial: None,
                ..options.clone()
            };
            maximize(&likelihood, &restarts, &unconverged).map_err(|_| first_error)?
        }
    };
    Ok((opt, observations))
}

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
struct OddsTable {
    log_front: Vec<f64>,
}

impl OddsTable {
    const SIZE: usize = 512;

    fn new(variant: Variant, p: &[f64; 4]) -> Self {
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

pub(in crate::clv) fn family_probability_alive(
    variant: Variant,
    p: &[f64; 4],
    h: &RepeatHistory,
) -> f64 {
    alive_from_log_odds(log_dropout_odds(
        variant,
        p,
        h.frequency(),
        h.recency(),
        h.age(),
    ))
}

/// Gauss's series for 2F1(A, B; C; z), 0 ≤ z < 1, C > 0; `None` if it does not settle.
pub(in crate::clv) fn hyp2f1_series(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let mut term = 1.0;
    let mut sum = 1.0;
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

/// The bracket [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+s; a+b+x+s−1; z)] / (a − 1) with
/// z = t/(α+T+t), after Euler's transformation 2F1(A, B; C; z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z):
/// the prefactor becomes (1 − z)^(a−1) and the new series has small parameters whatever x is, so
/// heavy buyers neither overflow nor need thousands of terms.
fn conditional_bracket(
    variant: Variant,
    p: &[f64; 4],
    x: f64,
    age: f64,
    t: f64,
) -> Result<f64, ClvError> {
    let [r, alpha, a, b] = *p;
    if t == 0.0 {
        return Ok(0.0);
    }
    let s = variant.shift();
    let eval = |a: f64| -> Option<f64> {
        let z = t / (alpha + age + t);
        let log_one_minus_z = (alpha + age).ln() - (alpha + age + t).ln();
        let f = hyp2f1_series(a + b + s - 1.0 - r, a - 1.0, a + b + x + s - 1.0, z)?;
        Some((1.0 - ((a - 1.0) * log_one_minus_z).exp() * f) / (a - 1.0))
    };
    // The bracket is analytic in a; at a = 1 it is 0/0, so average the two sides.
    let value = if (a - 1.0).abs() < 1e-7 {
        match (eval(1.0 + 1e-7), eval(1.0 - 1e-7)) {
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

pub(in crate::clv) fn family_expected_purchases(
    variant: Variant,
    p: &[f64; 4],
    t: f64,
) -> Result<f64, ClvError> {
    check_time("t", t)?;
    let [_, _, a, b] = *p;
    let bracket = conditional_bracket(variant, p, 0.0, 0.0, t)?;
    // BG/NBD: (a + b − 1) · bracket; MBG/NBD: P(alive after the first purchase) = b/(a + b) times
    // the same expression with shift 1, i.e. b · bracket.
    let scale = match variant {
        Variant::Standard => a + b - 1.0,
        Variant::Modified => b,
    };
    Ok((scale * bracket).max(0.0))
}

fn conditional_one(
    variant: Variant,
    p: &[f64; 4],
    t: f64,
    x: f64,
    t_x: f64,
    age: f64,
) -> Result<f64, ClvError> {
    let [_, _, a, b] = *p;
    let alive = alive_from_log_odds(log_dropout_odds(variant, p, x, t_x, age));
    if alive == 0.0 {
        return Ok(0.0);
    }
    let bracket = conditional_bracket(variant, p, x, age, t)?;
    Ok((alive * (a + b + x + variant.shift() - 1.0) * bracket).max(0.0))
}

pub(in crate::clv) fn family_conditional(
    variant: Variant,
    p: &[f64; 4],
    t: f64,
    h: &RepeatHistory,
) -> Result<f64, ClvError> {
    conditional_one(variant, p, t, h.frequency(), h.recency(), h.age())
}

pub(in crate::clv) fn family_conditional_into(
    variant: Variant,
    p: &[f64; 4],
    t: f64,
    histories: &[RepeatHistory],
    out: &mut [f64],
) -> Result<(), ClvError> {
    check_time("t", t)?;
    if histories.len() != out.len() {
        return Err(ClvError::LengthMismatch {
            expected: histories.len(),
            found: out.len(),
        });
    }
    // Large chunks (a few per thread) so that each chunk's bracket cache sees most of the distinct
    // (x, T) pairs; each output depends only on its own history, so chunking never changes results.
    let chunk = histories
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(CHUNK);
    let odds = OddsTable::new(variant, p);
    out.par_chunks_mut(chunk)
        .zip(histories.par_chunks(chunk))
        .try_for_each(|(o, h)| {
            let mut cache = BracketCache::new();
            for (slot, history) in o.iter_mut().zip(h) {
                let (x, age) = (history.frequency(), history.age());
                let alive =
                    alive_from_log_odds(odds.log_odds(variant, p, x, history.recency(), age));
                let bracket = cache.get(x, age, || conditional_bracket(variant, p, x, age, t))?;
                *slot = (alive * (p[2] + p[3] + x + variant.shift() - 1.0) * bracket).max(0.0);
            }
            Ok(())
        })
}

/// A direct-mapped cache of the conditional-expectation bracket by (x, T): the bracket is the
/// costly part (a hypergeometric series) and depends on the history only through x and T, which
/// repeat heavily in real data (frequencies are counts, ages are whole days). One allocation per
/// chunk; a miss just recomputes.
struct BracketCache {
    keys: Vec<(u64, u64)>,
    values: Vec<f64>,
}

impl BracketCache {
    const BITS: u32 = 14;

    fn new() -> Self {
        // NaN bit patterns never equal a valid (finite) key.
        let empty = f64::NAN.to_bits();
        Self {
            keys: vec![(empty, empty); 1 << Self::BITS],
            values: vec![0.0; 1 << Self::BITS],
        }
    }

    fn get(
        &mut self,
        x: f64,
        age: f64,
        compute: impl FnOnce() -> Result<f64, ClvError>,
    ) -> Result<f64, ClvError> {
        let key = (x.to_bits(), age.to_bits());
        let hash = (key.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ key.1.wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
        .rotate_left(29)
        .wrapping_mul(0x1656_67B1_9E37_79F9);
        let slot = (hash >> (64 - Self::BITS)) as usize;
        if self.keys[slot] == key {
            return Ok(self.values[slot]);
        }
        let value = compute()?;
        self.keys[slot] = key;
        self.values[slot] = value;
        Ok(value)
    }
}

pub(in crate::clv) fn family_probability_alive_into(
    variant: Variant,
    p: &[f64; 4],
    histories: &[RepeatHistory],
    out: &mut [f64],
) -> Result<(), ClvError> {
    if histories.len() != out.len() {
        return Err(ClvError::LengthMismatch {
            expected: histories.len(),
            found: out.len(),
        });
    }
    let odds = OddsTable::new(variant, p);
    out.par_chunks_mut(CHUNK)
        .zip(histories.par_chunks(CHUNK))
        .for_each(|(o, h)| {
            for (slot, history) in o.iter_mut().zip(h) {
                let log_odds = odds.log_odds(
                    variant,
                    p,
                    history.frequency(),
                    history.recency(),
                    history.age(),
                );
                *slot = alive_from_log_odds(log_odds);
            }
        });
    Ok(())
}

/// ln of the negative binomial probability of n purchases in t: Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n.
fn ln_nbd_pmf(r: f64, alpha: f64, n: f64, t: f64) -> f64 {
    let log_p = alpha.ln() - (alpha + t).ln();
    let log_q = t.ln() - (alpha + t).ln();
    ln_gamma(r + n) - ln_gamma(r) - ln_gamma(n + 1.0)
        + r * log_p
        + if n > 0.0 { n * log_q } else { 0.0 }
}

/// P(NBD(t) ≥ n) for n ≥ 1, summed from the side that avoids cancellation.
fn nbd_tail(r: f64, alpha: f64, n: u32, t: f64) -> f64 {
    let q = t / (alpha + t);
    let mean = r * t / alpha;
    if f64::from(n) <= mean {
        let mut cdf = 0.0;
        let mut pmf = ln_nbd_pmf(r, alpha, 0.0, t).exp();
        for j in 0..n {
            cdf += pmf;
            let jf = f64::from(j);
            pmf *= (r + jf) / (jf + 1.0) * q;
        }
        (1.0 - cdf).max(0.0)
    } else {
        // Past the mean the terms fall at least geometrically.
        let mut pmf = ln_nbd_pmf(r, alpha, f64::from(n), t).exp();
        let mut sum = 0.0;
        let mut j = f64::from(n);
        for _ in 0..1_000_000 {
            sum += pmf;
            pmf *= (r + j) / (j + 1.0) * q;
            j += 1.0;
            if pmf <= 1e-17 * sum {
                break;
            }
        }
        sum.min(1.0)
    }
}

/// P(X(t) = n): FHL (2005) equation 8; MBG/NBD: the same with the drop-out at time 0
/// (P(dead at 0) = a/(a+b) adds to n = 0).
pub(in crate::clv) fn family_probability_of_purchases(
    variant: Variant,
    p: &[f64; 4],
    n: u32,
    t: f64,
) -> Result<f64, ClvError> {
    check_time("t", t)?;
    let [r, alpha, a, b] = *p;
    let s = variant.shift();
    let nf = f64::from(n);
    if t == 0.0 {
        return Ok(if n == 0 { 1.0 } else { 0.0 });
    }
    let ln_beta_ab = ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    let ln_beta = |u: f64, v: f64| ln_gamma(u) + ln_gamma(v) - ln_gamma(u + v);
    let mut value = (ln_beta(a, b + nf + s) - ln_beta_ab + ln_nbd_pmf(r, alpha, nf, t)).exp();
    if n > 0 {
        value += (ln_beta(a + 1.0, b + nf + s - 1.0) - ln_beta_ab).exp() * nbd_tail(r, alpha, n, t);
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
