//! BG/BB: a customer alive at opportunity n is a new BG/BB customer at the posterior parameters
//! (α + x, β + n − x, γ, δ + n), so P(X(n, n + n*) = x* | x, t_x, n) is FHS (2010) equation 7
//! over n* opportunities at those parameters, mixed with the dead (who make none).

use super::AliveMixture;
use crate::clv::beta_ratio::ln_beta_ratio;
use crate::clv::bg_bb::probability_of_purchases_at;
use crate::clv::{BgBb, ClvError, DiscreteHistory};

impl AliveMixture for BgBb {
    type History = DiscreteHistory;
    /// n*, the future opportunities.
    type Horizon = u32;
    /// [α, β, γ, δ] of the posterior.
    type Posterior = [f64; 4];

    /// P(alive at n) is the first term of FHS (2010) equation 5 (alive through n) over the whole
    /// likelihood.
    fn alive_and_posterior(
        &self, history: &DiscreteHistory, future_periods: u32,
    ) -> Result<(f64, [f64; 4]), ClvError> {
        if future_periods > DiscreteHistory::MAX_PERIODS {
            return Err(ClvError::InvalidArgument {
                name: "future_periods",
                value: f64::from(future_periods),
                constraint: "must be at most 10,000 (DiscreteHistory::MAX_PERIODS)",
            });
        }
        let p = self.params();
        let x = f64::from(history.frequency());
        let n = f64::from(history.periods());
        let ln_alive_through_n =
            ln_beta_ratio(p.alpha, p.beta, x, n - x) + ln_beta_ratio(p.gamma, p.delta, 0.0, n);
        let alive = (ln_alive_through_n - self.log_likelihood(history))
            .exp()
            .clamp(0.0, 1.0);
        Ok((alive, [p.alpha + x, p.beta + n - x, p.gamma, p.delta + n]))
    }

    fn probability_if_alive(
        posterior: &[f64; 4], n: u32, future_periods: u32,
    ) -> Result<f64, ClvError> {
        Ok(probability_of_purchases_at(posterior, n, future_periods))
    }

    fn last_count(future_periods: u32) -> Option<u32> {
        Some(future_periods)
    }
}
