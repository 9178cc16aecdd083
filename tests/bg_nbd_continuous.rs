//! E[Y(t) | x, t_x, T] of the BG/NBD family for customers with real-valued recency and age (no two
//! alike, so no per-pattern cache applies): the batch path must reproduce, to 1e-12 relative, the
//! values the one-series-per-customer implementation gave before the batch kernel existed
//! (tests/data/bg_nbd_conditional_continuous.csv) and the one-customer path on other parameters.

use customer_value::clv::{BgNbd, ModifiedBgNbd, PurchaseModel, RepeatHistory};

/// SplitMix64 (Steele, Lea & Flood 2014) as uniforms in [0, 1): the histories need no RNG crate.
struct SplitMix(u64);

impl SplitMix {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` histories with T uniform on (0.05, 100) and t_x uniform on (0, T): 40% without repeat
/// purchases, most others a geometric-like count (mean about 4), 2% heavy buyers (up to 300) and
/// 1% non-whole frequencies.
fn random_histories(n: usize, seed: u64) -> Vec<RepeatHistory> {
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|_| {
            let age = 0.05 + 99.95 * rng.uniform();
            let kind = rng.uniform();
            let x = if kind < 0.4 {
                0.0
            } else if kind < 0.97 {
                (-(1.0 - rng.uniform()).ln() * 4.0).floor() + 1.0
            } else if kind < 0.99 {
                (300.0 * rng.uniform()).floor() + 1.0
            } else {
                0.5 + 20.0 * rng.uniform()
            };
            let recency = if x == 0.0 { 0.0 } else { age * rng.uniform() };
            RepeatHistory::new(x, recency, age).expect("valid history")
        })
        .collect()
}

fn cdnow_mle() -> [f64; 4] {
    // FHL (2005): the BG/NBD MLE on CDNOW.
    [0.2425929, 4.4135323, 0.7928860, 2.4257524]
}

fn batch<M: PurchaseModel>(model: &M, t: f64, histories: &[RepeatHistory]) -> Vec<f64> {
    let mut out = vec![0.0; histories.len()];
    model
        .conditional_expected_purchases_into(t, histories, &mut out)
        .expect("finite predictions");
    out
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs(),
            "{what}, customer {i}: {g:e} vs {w:e}"
        );
    }
}

#[test]
fn batch_matches_the_values_of_the_per_customer_series() {
    let histories = random_histories(2000, 20251205);
    let [r, alpha, a, b] = cdnow_mle();
    let snapshot = include_str!("data/bg_nbd_conditional_continuous.csv");
    let (standard, modified): (Vec<f64>, Vec<f64>) = snapshot
        .lines()
        .skip(1)
        .map(|line| {
            let (s, m) = line.split_once(',').expect("two columns");
            (
                s.parse::<f64>().expect("number"),
                m.parse::<f64>().expect("number"),
            )
        })
        .unzip();
    // The first customer (x = 12, t_x = 12.90, T = 21.29 weeks) pins the rows to the histories.
    assert_eq!(histories[0].frequency(), 12.0);
    assert!((histories[0].recency() - 12.897876718206176).abs() < 1e-12);
    assert!((standard[0] - 1.5293284386449855).abs() < 1e-15);
    assert!((modified[0] - 1.6564710611365097).abs() < 1e-15);
    let bg = BgNbd::new(r, alpha, a, b).unwrap();
    let mbg = ModifiedBgNbd::new(r, alpha, a, b).unwrap();
    assert_close(&batch(&bg, 39.0, &histories), &standard, "BG/NBD");
    assert_close(&batch(&mbg, 39.0, &histories), &modified, "MBG/NBD");
}

/// The batch against the one-customer path over the parameter shapes the table treats
/// differently: a < 1 and a > 1, b < 1, a large r, and a within 1e-7 of 1 (every customer then
/// takes the per-customer series); horizons from half a week (w near 1) to ten years (w below
/// 2^−8 for the youngest customers, again the per-customer series).
#[test]
fn batch_matches_one_customer_at_a_time_across_parameters() {
    let histories = random_histories(3000, 7);
    let parameters = [
        cdnow_mle(),
        [0.525, 6.183, 0.891, 1.614],
        [1.5, 10.0, 3.0, 8.0],
        [0.4, 2.0, 0.6, 0.7],
        [5.0, 20.0, 1.2, 4.0],
        [0.3, 4.0, 1.0 + 5e-8, 2.0],
    ];
    for [r, alpha, a, b] in parameters {
        let bg = BgNbd::new(r, alpha, a, b).unwrap();
        let mbg = ModifiedBgNbd::new(r, alpha, a, b).unwrap();
        for t in [0.5, 39.0, 520.0] {
            let what = format!("r = {r}, α = {alpha}, a = {a}, b = {b}, t = {t}");
            let one = |m: &dyn PurchaseModel| -> Vec<f64> {
                histories
                    .iter()
                    .map(|h| m.conditional_expected_purchases(t, h).unwrap())
                    .collect()
            };
            assert_close(
                &batch(&bg, t, &histories),
                &one(&bg),
                &format!("BG/NBD {what}"),
            );
            assert_close(
                &batch(&mbg, t, &histories),
                &one(&mbg),
                &format!("MBG/NBD {what}"),
            );
        }
    }
}

/// Chunks (and so the cache's trials) follow the thread count, the table's cells are built by
/// whichever thread comes first: neither may change a bit of the output.
#[test]
fn batch_does_not_depend_on_thread_count() {
    let histories = random_histories(40_000, 11);
    let [r, alpha, a, b] = cdnow_mle();
    let model = BgNbd::new(r, alpha, a, b).unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| batch(&model, 39.0, &histories))
    };
    let (one, three) = (run(1), run(3));
    assert!(one
        .iter()
        .zip(&three)
        .all(|(u, v)| u.to_bits() == v.to_bits()));
}
