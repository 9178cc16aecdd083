//! E[Y(t) | x, t_x, T] of the BG/NBD family at many times for a batch of customers: the curves
//! that CLV and the per-interval forecasts difference month by month (FHL 2005, equation 10;
//! Batislam et al. 2007).
//!
//! The answer at each time is the one [`super::predict::family_conditional_into`] gives, bit for
//! bit; what is shared differs. Evaluated time by time, each of the 61 times of a five-year
//! monthly forecast built its own Taylor table (`bracket_table`), whose cells cost about 600
//! multiply-adds each, and computed every customer's P(alive) again: on CDNOW that forecast took
//! 58.8 ms, 2.5× faster than lifetimes 0.11.3 reading 14 boundaries. Here the table, whose cells
//! depend on x and on w = (α + T)/(α + T + t) but not on t itself, is built once for every time,
//! P(alive) once per customer, and the curve of a customer alive at T once per (x, T) pair, which
//! repeat in real data (ages are whole days). With the cheaper rounding of money
//! (`numeric::money`), the forecast then took 6.2 ms against lifetimes' 108 ms (17×, one paired
//! run on 2 loaded cores).

use std::collections::HashMap;

use rayon::prelude::*;

use super::bracket_table::BracketTable;
use super::likelihood::CHUNK;
use super::predict::{batch_table, check_frequencies, expected_if_alive_batch, OddsTable};
use super::Variant;
use crate::clv::error::finite_or_failure;
use crate::clv::{check_length, check_time, ClvError, RepeatHistory};

/// `out[i * times.len() + k]` = E[Y(times[k]) | histories[i]], in parallel chunks of customers
/// sharing one table.
///
/// # Errors
///
/// [`ClvError::LengthMismatch`] unless `out` holds a value per customer and time,
/// [`ClvError::InvalidArgument`] for a time that is negative or not finite, and the errors of
/// [`super::predict::family_conditional_into`].
pub(super) fn family_conditional_curves_into(
    variant: Variant, p: &[f64; 4], times: &[f64], histories: &[RepeatHistory], out: &mut [f64],
) -> Result<(), ClvError> {
    check_length("out", histories.len() * times.len(), out.len())?;
    times.iter().try_for_each(|&t| check_time("t", t))?;
    check_frequencies(variant, p, histories)?;
    if times.is_empty() {
        return Ok(());
    }
    let batch = Batch {
        variant,
        p,
        times,
        odds: OddsTable::new(variant, p),
        table: batch_table(variant, p),
    };
    out.par_chunks_mut(CHUNK * times.len())
        .zip(histories.par_chunks(CHUNK))
        .try_for_each(|(o, h)| batch.curves(h, o))
}

/// What the customers of a batch share: the model, the times, the odds and the bracket table.
struct Batch<'a> {
    variant: Variant,
    p: &'a [f64; 4],
    times: &'a [f64],
    odds: OddsTable,
    table: Option<BracketTable>,
}

impl Batch<'_> {
    /// The curves of `histories` into `out`, customer by customer.
    fn curves(&self, histories: &[RepeatHistory], out: &mut [f64]) -> Result<(), ClvError> {
        // The curve of a customer alive at T, by the bits of (x, T): its offset in `alive_curves`.
        let mut seen: HashMap<(u64, u64), usize> = HashMap::new();
        let mut alive_curves: Vec<f64> = Vec::new();
        for (history, curve) in histories.iter().zip(out.chunks_mut(self.times.len())) {
            let alive = self.odds.alive(self.variant, self.p, history);
            if alive == 0.0 {
                curve.fill(0.0);
                continue;
            }
            let (x, age) = (history.frequency(), history.age());
            let start = match seen.get(&(x.to_bits(), age.to_bits())) {
                Some(&start) => start,
                None => {
                    let start = alive_curves.len();
                    for &t in self.times {
                        let table = self.table.as_ref();
                        let value =
                            expected_if_alive_batch(self.variant, self.p, table, x, age, t)?;
                        alive_curves.push(value);
                    }
                    seen.insert((x.to_bits(), age.to_bits()), start);
                    start
                }
            };
            let expected = &alive_curves[start..start + self.times.len()];
            for (slot, e) in curve.iter_mut().zip(expected) {
                *slot = finite_or_failure(alive * e, "BG/NBD expected purchases beyond f64")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::bg_nbd::predict::family_conditional_into;

    /// The curves equal the time-by-time batch bit for bit (which tests/purchase_models.rs holds
    /// to FHL 2005's published expectations), for both variants, with repeated (x, T) pairs, x = 0,
    /// a fractional x, t = 0 and horizons past the table's reach (t > 250 (α + T)).
    #[test]
    fn curves_equal_the_batch_at_each_time() {
        let cdnow = [0.2425929, 4.4135323, 0.7928860, 2.4257524];
        let histories: Vec<RepeatHistory> = [
            (2.0, 30.43, 38.86),
            (2.0, 30.43, 38.86),
            (2.0, 12.0, 38.86),
            (0.0, 0.0, 38.86),
            (0.5, 3.0, 30.0),
            (29.0, 36.0, 38.0),
            (1.0, 1.71, 27.0),
        ]
        .iter()
        .map(|&(x, t_x, age)| RepeatHistory::new(x, t_x, age).unwrap())
        .collect();
        let times = [0.0, 4.345, 13.0, 52.0, 260.0, 20_000.0];
        for variant in [Variant::Standard, Variant::Modified] {
            let mut curves = vec![0.0; histories.len() * times.len()];
            family_conditional_curves_into(variant, &cdnow, &times, &histories, &mut curves)
                .unwrap();
            for (k, &t) in times.iter().enumerate() {
                let mut column = vec![0.0; histories.len()];
                family_conditional_into(variant, &cdnow, t, &histories, &mut column).unwrap();
                for (i, want) in column.iter().enumerate() {
                    let got = curves[i * times.len() + k];
                    assert_eq!(
                        got.to_bits(),
                        want.to_bits(),
                        "{variant:?} customer {i} t = {t}"
                    );
                }
            }
        }
    }

    /// Bad input is refused as the time-by-time form refuses it: a negative time, and an `out`
    /// of the wrong length.
    #[test]
    fn bad_times_and_lengths_are_errors() {
        let p = [0.24, 4.41, 0.79, 2.43];
        let h = [RepeatHistory::new(1.0, 2.0, 3.0).unwrap()];
        let mut out = [0.0; 2];
        let bad_time =
            family_conditional_curves_into(Variant::Standard, &p, &[1.0, -1.0], &h, &mut out);
        assert!(matches!(
            bad_time,
            Err(ClvError::InvalidArgument { name: "t", .. })
        ));
        let short = family_conditional_curves_into(Variant::Standard, &p, &[1.0], &h, &mut out);
        assert!(matches!(short, Err(ClvError::LengthMismatch { .. })));
    }
}
