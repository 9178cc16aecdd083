//! The bracket of E[Y(t) | x, t_x, T] (FHL 2005, equation 10; Batislam et al. 2007) for a batch of
//! customers, as short Taylor polynomials built once per batch.
//!
//! After Euler's transformation (`conditional_bracket` in the parent's `predict`) the bracket is
//! −H_x / (a − 1) with H_x = G_x − 1, G_x(w) = w^(a−1) 2F1(A, B; C + x; 1 − w), w = (α + T)/(α + T + t)
//! = 1 − z, and A = a + b + s − 1 − r, B = a − 1, C = a + b + s − 1 fixed by the parameters. G_x
//! is analytic for w > 0 (its only finite singularity is w = 0, i.e. z = 1), so its Taylor series
//! about w₀ converges with ratio |w − w₀|/w₀. The table cuts each binade [2^e, 2^(e+1)) of w into
//! 16 cells and keeps, for each whole frequency x and cell, the first [`TERMS`] Taylor coefficients
//! of H_x about the cell's midpoint, where |w − w₀|/w₀ ≤ 1/33: the first dropped term is below
//! 33^−12 ≈ 6e−19 of the first kept. The cell next to w = 1 (z ≤ 1/32) keeps H_x's Maclaurin
//! coefficients in z instead, so that a short horizon, where H_x is about −(a − 1) r z/(C + x),
//! keeps its relative precision rather than being a small difference of numbers near 1.
//!
//! Why: with continuous T no two customers share (x, T), and the per-customer Gauss series costs
//! about 50 terms (z ≈ 0.5) with a division each, plus a logarithm and an exponential for
//! (1 − z)^(a−1). From the table a customer costs a look-up and 12 multiply-adds. A cell is built
//! on first use (about 50 terms × 12 derivatives) and shared by all threads; the 100k customers of
//! the purchase-model bench touch 159 cells (45 frequencies × at most 5 cells of w). Together that
//! took the bench from 15.5 ms of CPU on one thread to 3.0 ms.

use std::sync::OnceLock;

use super::predict::transformed_less_one;

/// Taylor coefficients kept per cell.
const TERMS: usize = 12;
/// log₂ of the cells per binade of w.
const CELL_BITS: u32 = 4;
/// Binades of w covered, [2^−BINADES, 1): smaller w (t over 250 times α + T) is left to the caller.
const BINADES: usize = 8;
const CELLS: usize = BINADES << CELL_BITS;
/// Frequencies from this on (and fractional ones) are left to the caller.
const FREQUENCIES: usize = 256;
/// The per-customer series' own limit on terms.
const MAX_TERMS: usize = 200_000;

/// H_x as a polynomial in w − w₀, or H_x / z as one in z next to w = 1; `None` when it would not
/// reach full precision.
type Cell = Option<[f64; TERMS]>;

/// H_x's polynomials by whole frequency x and cell of w, built on demand.
pub(super) struct BracketTable {
    a: f64,
    /// −1/(a − 1): a multiplication where a division ended each customer's chain of dependent
    /// operations (a quarter of the time in `bracket` went to that one division).
    scale: f64,
    upper: f64,
    lower: f64,
    base: f64,
    by_frequency: Vec<OnceLock<Box<[OnceLock<Cell>]>>>,
}

impl BracketTable {
    /// The table for shape `a` (not within rounding of 1: the bracket is 0/0 there) and the
    /// transformed series 2F1(`upper`, `lower`; `base` + x; z).
    pub(super) fn new(a: f64, upper: f64, lower: f64, base: f64) -> Self {
        Self {
            a,
            scale: -1.0 / (a - 1.0),
            upper,
            lower,
            base,
            by_frequency: (0..FREQUENCIES).map(|_| OnceLock::new()).collect(),
        }
    }

    /// −H_x / (a − 1) at w = 1 − z (both given, each computed directly so that neither loses
    /// precision near the other end); `None` when x is not a whole number below [`FREQUENCIES`], w
    /// is outside [2^−[`BINADES`], 1), or the cell's polynomial would not reach full precision,
    /// for the caller to sum the series itself.
    pub(super) fn bracket(&self, x: f64, w: f64, z: f64) -> Option<f64> {
        let index = x as usize;
        if index as f64 != x || index >= FREQUENCIES {
            return None;
        }
        let (slot, centre) = cell_of(w)?;
        let cells =
            self.by_frequency[index].get_or_init(|| (0..CELLS).map(|_| OnceLock::new()).collect());
        let h = cells[slot]
            .get_or_init(|| match centre {
                Some(centre) => self.taylor(x, centre),
                None => self.maclaurin(x),
            })
            .as_ref()?;
        let value = match centre {
            // Exact: w and its cell's midpoint are within a factor 2 of each other (Sterbenz).
            Some(centre) => polynomial(h, w - centre),
            None => z * polynomial(h, z),
        };
        Some(value * self.scale)
    }

    /// Taylor coefficients of H_x about `centre`: those of the product of w^(a−1),
    /// w₀^(a−1) Σ_j binom(a−1, j) (δ/w₀)^j, and of F(1 − w₀ − δ), with the constant term
    /// G(w₀) − 1 formed without cancelling ([`transformed_less_one`]); `None` unless the
    /// last kept term is below 1e−16 of the first at the cell's edge.
    fn taylor(&self, x: f64, centre: f64) -> Cell {
        let f = self.series_taylor(x, centre)?;
        let f0 = 1.0 + f[0];
        let mut power = [0.0; TERMS];
        power[0] = centre.powf(self.a - 1.0);
        for j in 1..TERMS {
            power[j] = power[j - 1] * (self.a - j as f64) / (j as f64 * centre);
        }
        let mut h = [0.0; TERMS];
        h[0] = transformed_less_one(self.a, centre.ln(), f[0]);
        for (k, h) in h.iter_mut().enumerate().skip(1) {
            *h = power[k] * f0 + (1..=k).map(|j| power[k - j] * f[j]).sum::<f64>();
        }
        let edge = half_width(centre);
        let last = (h[TERMS - 1] * edge.powi(TERMS as i32 - 1)).abs();
        settled(h, last, h[0].abs())
    }

    /// Maclaurin coefficients of H_x / z: those of (1 − z)^(a−1) = Σ_j binom(a−1, j) (−z)^j times
    /// the Gauss series Σ c_n z^n, less 1, shifted down by one power (the constant is 0); `None`
    /// unless the last kept term is below 1e−16 of the first at the cell's edge, z = 1/32.
    fn maclaurin(&self, x: f64) -> Cell {
        let (mut power, mut series) = ([0.0; TERMS + 1], [0.0; TERMS + 1]);
        (power[0], series[0]) = (1.0, 1.0);
        for j in 1..=TERMS {
            let n = (j - 1) as f64;
            power[j] = -power[j - 1] * (self.a - j as f64) / j as f64;
            series[j] = series[j - 1] * (self.upper + n) * (self.lower + n)
                / ((self.base + x + n) * (n + 1.0));
        }
        let mut h = [0.0; TERMS];
        for (k, h) in h.iter_mut().enumerate() {
            *h = (0..=k + 1).map(|j| power[j] * series[k + 1 - j]).sum();
        }
        let edge = 1.0 / f64::from(1u32 << (CELL_BITS + 1));
        let last = (h[TERMS - 1] * edge.powi(TERMS as i32 - 1)).abs();
        settled(h, last, h[0].abs())
    }

    /// Taylor coefficients of δ ↦ F(1 − w₀ − δ), F = 2F1(A, B; C + x; ·), with F − 1 in place of
    /// F: (−1)^k d_k with d_k = Σ_{n≥k} c_n binom(n, k) z₀^(n−k), z₀ = 1 − w₀, c_n the Gauss
    /// series' coefficients and d_0 summed from n = 1. Summed until the series' term at the cell's
    /// largest z, 1 − w₀ + half-width, falls below 1e−17 of F − 1 times w there, which bounds the
    /// dropped tail (its terms fall at least like z^n).
    fn series_taylor(&self, x: f64, centre: f64) -> Option<[f64; TERMS]> {
        // Exact: the midpoint has CELL_BITS + 2 significant bits and is at least 2^−BINADES.
        let z0 = 1.0 - centre;
        let edge = half_width(centre);
        let (z_edge, w_edge) = (z0 + edge, centre - edge);
        let lower_base = self.base + x;
        // binom(n, k) z₀^(n−k) for the current n, k < TERMS (Pascal: q_k ← z₀ q_k + q_{k−1}).
        let mut q = [0.0_f64; TERMS];
        q[0] = 1.0;
        let mut d = [0.0_f64; TERMS];
        let (mut c, mut edge_power) = (1.0_f64, 1.0_f64);
        for n in 1..MAX_TERMS {
            let previous = (n - 1) as f64;
            c *= (self.upper + previous) * (self.lower + previous)
                / ((lower_base + previous) * (previous + 1.0));
            edge_power *= z_edge;
            for k in (1..TERMS).rev() {
                q[k] = q[k] * z0 + q[k - 1];
            }
            q[0] *= z0;
            for (d, q) in d.iter_mut().zip(&q) {
                *d += c * q;
            }
            if n >= TERMS && (c * edge_power).abs() <= 1e-17 * w_edge * d[0].abs() {
                for d in d.iter_mut().skip(1).step_by(2) {
                    *d = -*d;
                }
                return d.iter().all(|v| v.is_finite()).then_some(d);
            }
        }
        None
    }
}

/// Σ_k c[k] v^k by Estrin's scheme: pairs c[2i] + c[2i+1] v, then pairs of those in v², then in
/// v⁴: a chain of 4 multiply-adds for the 12 terms where Horner's rule has 12 (3.1 → 3.0 ms).
fn polynomial(c: &[f64; TERMS], v: f64) -> f64 {
    const { assert!(TERMS == 12) };
    let (v2, v4) = (v * v, v * v * (v * v));
    let pair = |i: usize| c[i] + c[i + 1] * v;
    let quad = |i: usize| pair(i) + pair(i + 2) * v2;
    quad(0) + (quad(4) + quad(8) * v4) * v4
}

/// The coefficients if finite and the last kept term at the cell's edge is below 1e−16 of `scale`.
fn settled(coefficients: [f64; TERMS], last: f64, scale: f64) -> Cell {
    let finite = coefficients.iter().all(|v| v.is_finite());
    (finite && last <= 1e-16 * scale).then_some(coefficients)
}

/// The cell of w in [2^−BINADES, 1): its index and midpoint, no midpoint for the cell next to 1
/// (whose variable is z), or `None` outside that range.
fn cell_of(w: f64) -> Option<(usize, Option<f64>)> {
    let smallest = f64::from_bits((1023 - BINADES as u64) << 52);
    if !(smallest..1.0).contains(&w) {
        return None;
    }
    let bits = w.to_bits();
    let shift = 52 - CELL_BITS;
    // Below 1: the biased exponent is at most 1022, at least 1023 − BINADES.
    let binade = 1022 - (bits >> 52) as usize;
    let within = ((bits >> shift) & ((1 << CELL_BITS) - 1)) as usize;
    let slot = (binade << CELL_BITS) + within;
    let next_to_one = slot == (1 << CELL_BITS) - 1;
    let midpoint = f64::from_bits(((bits >> shift) << shift) | (1 << (shift - 1)));
    Some((slot, (!next_to_one).then_some(midpoint)))
}

/// Half the width of the cell whose midpoint is `centre`: 2^e / 2^(CELL_BITS + 1) in binade e.
fn half_width(centre: f64) -> f64 {
    let binade_start = f64::from_bits(centre.to_bits() & (0x7FF << 52));
    binade_start / f64::from(1u32 << (CELL_BITS + 1))
}

#[cfg(test)]
mod tests {
    use super::super::predict::hyp2f1_series_less_one;
    use super::*;

    /// The bracket from its definition, (1 − w^(a−1) F(1 − w)) / (a − 1), by the term-by-term series.
    fn direct(a: f64, upper: f64, base: f64, x: f64, w: f64) -> f64 {
        let f_less_one = hyp2f1_series_less_one(upper, a - 1.0, base + x, 1.0 - w).unwrap();
        -transformed_less_one(a, w.ln(), f_less_one) / (a - 1.0)
    }

    fn bracket_at(table: &BracketTable, x: f64, w: f64) -> f64 {
        // 1 − w is exact for w ≥ 1/2 (Sterbenz), the only place the table reads z.
        table.bracket(x, w, 1.0 - w).unwrap()
    }

    #[test]
    fn table_matches_mpmath() {
        // BG/NBD at the CDNOW MLE; the bracket (1 − w^(a−1) 2F1(A, a − 1; C + x; 1 − w))/(a − 1)
        // by mpmath 1.3 at 50 digits. The table is within 6e-16 of these but at w = 0.005, x = 0
        // (2.3e-14: derivatives summed over ~9,000 terms near z = 1). Short horizons (w near 1)
        // are included: there 1 − G is small and must not be formed as a difference.
        let (r, a, b) = (0.2425929, 0.792886, 2.4257524);
        let table = BracketTable::new(a, a + b - 1.0 - r, a - 1.0, a + b - 1.0);
        let cases = [
            (0.0, 0.99999, 1.0934407096441266e-06),
            (0.0, 0.999, 0.00010943583415758753),
            (0.0, 0.97, 0.0033658942897087443),
            (0.0, 0.5, 0.0963824887471147),
            (0.0, 0.005, 2.8080587707005864),
            (3.0, 0.99, 0.006259175037272017),
            (3.0, 0.9, 0.06705848635919716),
            (3.0, 0.1, 2.2592848300145865),
            (40.0, 0.99999, 9.532008754479907e-06),
            (40.0, 0.5, 0.7179759495898473),
            (40.0, 0.005, 9.494780028291695),
        ];
        for (x, w, want) in cases {
            let got = bracket_at(&table, x, w);
            assert!(
                (got - want).abs() <= 1e-13 * want,
                "x = {x}, w = {w}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn table_matches_the_term_by_term_series() {
        // MBG/NBD at the CDNOW MLE (A = a + b − r, C = a + b), a > 1, and a terminating series
        // (A = −2).
        for (a, upper, base) in [
            (0.792886, 2.975704, 3.218638),
            (2.5, 4.5, 5.0),
            (1.7, -2.0, 1.3),
        ] {
            let table = BracketTable::new(a, upper, a - 1.0, base);
            for x in [0.0, 1.0, 2.0, 7.0, 60.0, 255.0] {
                for w in [0.0040, 0.013, 0.25, 0.4999, 0.5, 0.51, 0.9, 0.9999] {
                    let want = direct(a, upper, base, x, w);
                    let got = bracket_at(&table, x, w);
                    // At most 2.1e-14 apart, at w = 0.004 (thousands of terms on both sides).
                    assert!(
                        (got - want).abs() <= 1e-13 * want.abs(),
                        "a = {a}, x = {x}, w = {w}: {want} by the series, {got} from the table"
                    );
                }
            }
        }
    }

    #[test]
    fn cells_cover_the_binades_below_one() {
        assert_eq!(cell_of(0.5), Some((0, Some(0.515625))));
        assert_eq!(cell_of(0.968), Some((14, Some(0.953125))));
        assert_eq!(cell_of(0.999), Some((15, None)));
        assert_eq!(cell_of(0.49), Some((16 + 15, Some(0.4921875))));
        assert_eq!(cell_of(1.0), None);
        assert_eq!(cell_of(0.003), None);
        assert_eq!(half_width(0.515625), 1.0 / 64.0);
        assert_eq!(half_width(0.4921875), 1.0 / 128.0);
    }

    #[test]
    fn fractional_and_large_frequencies_are_left_to_the_caller() {
        let table = BracketTable::new(0.8, 3.0, -0.2, 3.2);
        assert_eq!(table.bracket(2.5, 0.5, 0.5), None);
        assert_eq!(table.bracket(256.0, 0.5, 0.5), None);
        assert!(table.bracket(255.0, 0.5, 0.5).is_some());
    }
}
