//! Survey answers shared by the satisfaction and chart tests: NPS answers with known class
//! counts, and the synthetic driver survey whose numpy reference values tests/satisfaction.rs
//! asserts.

#![allow(dead_code)]

use ndarray::Array2;

/// 100 answers: 60 promoters (30 × 9, 30 × 10), 25 passives (12 × 7, 13 × 8) and 15
/// detractors (0 to 6, three each of 0, 3 and 6 and two each of 1, 2, 4).
pub fn survey_answers() -> Vec<u8> {
    let counts: [(u8, usize); 11] = [
        (0, 3),
        (1, 2),
        (2, 2),
        (3, 3),
        (4, 2),
        (5, 0),
        (6, 3),
        (7, 12),
        (8, 13),
        (9, 30),
        (10, 30),
    ];
    counts
        .iter()
        .flat_map(|&(answer, n)| std::iter::repeat_n(answer, n))
        .collect()
}

/// 60 respondents × 4 drivers on 1..=5 and an overall score, from the LCG tests/satisfaction.rs
/// shares with its Python references (seed 42), s = (s · 1103515245 + 12345) mod 2³¹, answer
/// 1 + (s >> 16) mod 5: overall = 1 + ⌊10 (3 d₀ + 2 d₁ + d₂ + 2 noise) / 24⌋, noise ∈ {−1, 0, 1}.
pub fn synthetic_survey() -> (Vec<f64>, Array2<f64>) {
    let mut state: u64 = 42;
    let mut next = || {
        state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
        state
    };
    let (n, p) = (60, 4);
    let mut drivers = Array2::zeros((n, p));
    let mut overall = Vec::with_capacity(n);
    for i in 0..n {
        for j in 0..p {
            drivers[[i, j]] = (1 + (next() >> 16) % 5) as f64;
        }
        let noise = ((next() >> 16) % 3) as i64 - 1;
        let base = 3 * drivers[[i, 0]] as i64
            + 2 * drivers[[i, 1]] as i64
            + drivers[[i, 2]] as i64
            + 2 * noise;
        overall.push((1 + (base * 10).div_euclid(24)) as f64);
    }
    (overall, drivers)
}
