//! NBD: no drop-out, so the count in the next t is negative binomial with the posterior shape
//! r + x and rate α + T (Morrison & Schmittlein 1988).

use super::AliveMixture;
use crate::clv::bg_nbd::ln_nbd_pmf;
use crate::clv::{check_time, ClvError, Nbd, RepeatHistory};

impl AliveMixture for Nbd {
    type History = RepeatHistory;
    type Horizon = f64;
    /// (r + x, α + T).
    type Posterior = (f64, f64);

    /// P(alive) is 1.
    fn alive_and_posterior(
        &self, history: &RepeatHistory, t: f64,
    ) -> Result<(f64, (f64, f64)), ClvError> {
        check_time("t", t)?;
        let p = self.params();
        Ok((1.0, (p.r + history.frequency(), p.alpha + history.age())))
    }

    /// Γ(r' + n)/(Γ(r') n!) (α'/(α' + t))^r' (t/(α' + t))^n, in log space (the form that keeps n
    /// up to u32::MAX exact; see `ln_nbd_pmf`).
    fn probability_if_alive(posterior: &(f64, f64), n: u32, t: f64) -> Result<f64, ClvError> {
        if t == 0.0 {
            return Ok(if n == 0 { 1.0 } else { 0.0 });
        }
        let (r, alpha) = *posterior;
        Ok(ln_nbd_pmf(r, alpha, f64::from(n), t).exp().clamp(0.0, 1.0))
    }
}
