//! Pareto/NBD: alive customers are new Pareto/NBD customers at the posterior parameters
//! (r + x, α + T, s, β + T): the Gamma posteriors of λ and μ given x purchases and survival
//! through T, and the memoryless lifetime (Fader & Hardie, note 028, "The Pareto/NBD conditional
//! PMF", equation 16, here by a recurrence across the counts: see `clv::pareto_nbd::count_pmf`).

use super::AliveMixture;
use crate::clv::pareto_nbd::{probability_of_purchases_at, PurchaseCountPmf};
use crate::clv::{check_time, ClvError, ParetoNbd, ParetoNbdParams, PurchaseModel, RepeatHistory};

impl AliveMixture for ParetoNbd {
    type History = RepeatHistory;
    type Horizon = f64;
    type Posterior = ParetoNbdParams;

    fn alive_and_posterior(
        &self, history: &RepeatHistory, t: f64,
    ) -> Result<(f64, ParetoNbdParams), ClvError> {
        check_time("t", t)?;
        let alive = self.probability_alive(history)?;
        let (p, age) = (self.params(), history.age());
        let posterior = ParetoNbdParams {
            r: p.r + history.frequency(),
            alpha: p.alpha + age,
            s: p.s,
            beta: p.beta + age,
        };
        Ok((alive, posterior))
    }

    fn probability_if_alive(posterior: &ParetoNbdParams, n: u32, t: f64) -> Result<f64, ClvError> {
        Ok(probability_of_purchases_at(posterior, n, t))
    }

    /// One backward pass of the recurrence for every count.
    fn counts_if_alive<'a>(
        posterior: &'a ParetoNbdParams, t: f64,
    ) -> Box<dyn FnMut(u32) -> Result<f64, ClvError> + 'a> {
        let mut pmf = PurchaseCountPmf::new(posterior, t);
        Box::new(move |n| Ok(pmf.probability(n)))
    }
}
