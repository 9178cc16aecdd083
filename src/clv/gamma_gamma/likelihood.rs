//! The Gamma-Gamma likelihood (Fader & Hardie 2013, eq. 3) with its gradient, and the weighted
//! correlation of frequency and spend the model assumes to be near 0.

use rayon::prelude::*;
use statrs::function::gamma::{digamma, ln_gamma};

use super::GammaGammaParams;

/// The fit's rows grouped by frequency x (they are sorted by x), with what does not change
/// between evaluations precomputed. The gamma-function terms of the likelihood depend on x only,
/// so they are evaluated once per distinct x; a row then costs one logarithm and one division per
/// evaluation instead of three ln Γ, three ψ and four logarithms.
pub(super) struct FrequencyGroups {
    /// (x, Σw, ln x) per distinct x.
    groups: Vec<(f64, f64, f64)>,
    /// (weight, x z̄) per row, in the order of the groups.
    rows: Vec<(f64, f64)>,
    /// Each group's row range.
    ranges: Vec<std::ops::Range<usize>>,
    /// Σ w ln z̄ per group (constant across evaluations).
    weighted_ln_spend: Vec<f64>,
}

/// Rows per parallel task of the likelihood: sums are combined in task order, so the result does
/// not depend on the thread count.
const LIKELIHOOD_CHUNK: usize = 8192;

impl FrequencyGroups {
    pub(super) fn new(sorted_rows: &[(f64, f64, f64)]) -> Self {
        let mut groups = Vec::new();
        let mut ranges = Vec::new();
        let mut weighted_ln_spend = Vec::new();
        let mut start = 0;
        while start < sorted_rows.len() {
            let x = sorted_rows[start].0;
            let end = start + sorted_rows[start..].iter().take_while(|r| r.0 == x).count();
            let group = &sorted_rows[start..end];
            groups.push((x, group.iter().map(|r| r.2).sum(), x.ln()));
            weighted_ln_spend.push(group.iter().map(|r| r.2 * r.1.ln()).sum());
            ranges.push(start..end);
            start = end;
        }
        let rows = sorted_rows.iter().map(|&(x, z, w)| (w, x * z)).collect();
        Self {
            groups,
            rows,
            ranges,
            weighted_ln_spend,
        }
    }

    /// Σ w ln L and its gradient in (p, q, γ) (Fader & Hardie 2013, eq. 3):
    /// ln L = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln z̄ + px ln x − (px + q) ln(γ + x z̄).
    ///
    /// Written with ℓ = ln(1 + x z̄/γ) so that q ln γ − q ln(γ + x z̄) = −q ℓ never cancels two
    /// large numbers (q and γ grow together when spend barely varies between customers):
    /// ln L = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + (px − 1) ln z̄ + px ln x − px ln γ − (px + q) ℓ.
    pub(super) fn log_likelihood(&self, params: &GammaGammaParams) -> (f64, [f64; 3]) {
        let GammaGammaParams { p, q, gamma } = *params;
        let (ln_gamma_q, digamma_q, ln_rate) = (ln_gamma(q), digamma(q), gamma.ln());
        let inverse_rate = 1.0 / gamma;
        // Per group, over fixed chunks in parallel: Σ w ℓ, Σ w / (γ + x z̄), Σ w x z̄ / (γ + x z̄).
        let tasks: Vec<(usize, std::ops::Range<usize>)> = self
            .ranges
            .iter()
            .enumerate()
            .flat_map(|(g, range)| {
                range
                    .clone()
                    .step_by(LIKELIHOOD_CHUNK)
                    .map(move |from| (g, from..(from + LIKELIHOOD_CHUNK).min(range.end)))
            })
            .collect();
        let partial: Vec<(usize, [f64; 3])> = tasks
            .into_par_iter()
            .map(|(g, range)| {
                let mut sums = [0.0; 3];
                for &(w, xz) in &self.rows[range] {
                    let inverse_total = 1.0 / (gamma + xz);
                    sums[0] += w * (xz * inverse_rate).ln_1p();
                    sums[1] += w * inverse_total;
                    sums[2] += w * xz * inverse_total;
                }
                (g, sums)
            })
            .collect();
        let mut per_group = vec![[0.0; 3]; self.groups.len()];
        for (g, sums) in partial {
            for k in 0..3 {
                per_group[g][k] += sums[k];
            }
        }
        let mut value = 0.0;
        let mut gradient = [0.0; 3];
        for (g, &(x, weight, ln_x)) in self.groups.iter().enumerate() {
            let px = p * x;
            let psi_total = digamma(px + q);
            let s_ln_z = self.weighted_ln_spend[g];
            let [s_ell, s_inverse, s_fraction] = per_group[g];
            value += weight
                * (ln_gamma(px + q) - ln_gamma(px) - ln_gamma_q + px * (ln_x - ln_rate))
                + (px - 1.0) * s_ln_z
                - (px + q) * s_ell;
            gradient[0] +=
                x * (weight * (psi_total - digamma(px) + ln_x - ln_rate) + s_ln_z - s_ell);
            gradient[1] += weight * (psi_total - digamma_q) - s_ell;
            gradient[2] += q * inverse_rate * s_fraction - px * s_inverse;
        }
        (value, gradient)
    }
}

/// One customer's log-likelihood and its gradient in (p, q, γ).
pub(super) fn row_log_likelihood(params: &GammaGammaParams, x: f64, z: f64) -> (f64, [f64; 3]) {
    let GammaGammaParams { p, q, gamma } = *params;
    let px = p * x;
    // As in `FrequencyGroups::log_likelihood`: ℓ = ln(1 + x z̄/γ) replaces ln(γ + x z̄) − ln γ, so
    // that q ln γ and q ln(γ + x z̄) never cancel (nor x z̄ overflow when γ is as large).
    let ell = (x * z / gamma).ln_1p();
    let value = ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
        + (px - 1.0) * z.ln()
        + px * (x.ln() - gamma.ln())
        - (px + q) * ell;
    let psi_total = digamma(px + q);
    let gradient = [
        x * (psi_total - digamma(px) + z.ln() + x.ln() - gamma.ln() - ell),
        psi_total - digamma(q) - ell,
        q / gamma - (px + q) / (gamma + x * z),
    ];
    (value, gradient)
}

/// Weighted Pearson correlation of (x, z̄) rows with weights; `None` without variance.
pub(super) fn weighted_correlation(rows: &[(f64, f64, f64)]) -> Option<f64> {
    let total: f64 = rows.iter().map(|r| r.2).sum();
    let mean_x = rows.iter().map(|r| r.0 * r.2).sum::<f64>() / total;
    let mean_z = rows.iter().map(|r| r.1 * r.2).sum::<f64>() / total;
    let (mut sxx, mut szz, mut sxz) = (0.0, 0.0, 0.0);
    for &(x, z, w) in rows {
        sxx += w * (x - mean_x) * (x - mean_x);
        szz += w * (z - mean_z) * (z - mean_z);
        sxz += w * (x - mean_x) * (z - mean_z);
    }
    (sxx > 0.0 && szz > 0.0).then(|| sxz / (sxx * szz).sqrt())
}
