//! BG/NBD and MBG/NBD: alive customers are new BG/NBD customers at the posterior parameters
//! (r + x, α + T, a, b + x + s), s = 0 for BG/NBD and 1 for MBG/NBD (FHL 2005 equation 8;
//! Batislam et al. 2007).

use super::AliveMixture;
use crate::clv::bg_nbd::{probability_of_purchases_at, Variant};
use crate::clv::{check_time, BgNbdFamily, BgNbdVariant, ClvError, PurchaseModel, RepeatHistory};

/// The future of a customer alive at T follows BG/NBD whichever the variant: MBG/NBD's extra toss
/// is at the first purchase, which lies in the past.
impl<V: BgNbdVariant> AliveMixture for BgNbdFamily<V> {
    type History = RepeatHistory;
    type Horizon = f64;
    /// [r, α, a, b] of the posterior.
    type Posterior = [f64; 4];

    fn alive_and_posterior(
        &self, history: &RepeatHistory, t: f64,
    ) -> Result<(f64, [f64; 4]), ClvError> {
        check_time("t", t)?;
        let alive = self.probability_alive(history)?;
        let p = self.params();
        let (x, age) = (history.frequency(), history.age());
        // The p posterior: survived the tosses after each of x repeat purchases, and MBG/NBD's
        // at the first purchase too (the kernels' Beta-function shift).
        let tosses_survived = match V::VARIANT {
            Variant::Standard => x,
            Variant::Modified => x + 1.0,
        };
        Ok((alive, [p.r + x, p.alpha + age, p.a, p.b + tosses_survived]))
    }

    fn probability_if_alive(posterior: &[f64; 4], n: u32, t: f64) -> Result<f64, ClvError> {
        probability_of_purchases_at(Variant::Standard, posterior, n, t)
    }
}
