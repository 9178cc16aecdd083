//! Criterion benches of k-means segmentation on seeded synthetic data, k = 5, one k-means++
//! initialisation: customer-like features (100k and 1M × 3) and five overlapping Gaussian blobs
//! (1M × 3). The peer, scikit-learn's KMeans, is timed on the same matrices by
//! `bench/peers/segment.py`, which reads what this bench writes to /tmp.

use std::io::Write;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use customer_value::segment::{KMeansEngine, KMeansSegmenter};
use ndarray::Array2;
use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal, Normal, Poisson, Uniform};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Five overlapping Gaussian blobs in 3-D (sd 1.5, centres 4 apart), seeded.
fn blobs(n: usize, seed: u64) -> Array2<f64> {
    let centres = [
        [0.0, 0.0, 0.0],
        [4.0, 0.0, 0.0],
        [0.0, 4.0, 0.0],
        [0.0, 0.0, 4.0],
        [4.0, 4.0, 4.0],
    ];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    // Constant, valid parameters: mean 0, sd 1.5.
    let noise = Normal::new(0.0, 1.5).expect("valid normal");
    Array2::from_shape_fn((n, 3), |(row, column)| {
        centres[row % 5][column] + noise.sample(&mut rng)
    })
}

/// Customer-like features, already in the clustering space: recency days ~ U(0, 540),
/// purchase occasions 1 + Poisson(1.5), total spend occasions × LogNormal(3, 0.8); each `log1p`
/// then z-scored (the segmenter's default transform for summaries), so `fit_matrix` clusters them
/// as they are. No planted clusters: k-means needs many small steps, as on real customer data.
fn customers(n: usize, seed: u64) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    // Constant, valid parameters.
    let recency = Uniform::new(0.0, 540.0);
    let repeats = Poisson::new(1.5).expect("valid Poisson");
    let basket = LogNormal::new(3.0, 0.8).expect("valid log-normal");
    let mut raw = Array2::zeros((n, 3));
    for mut row in raw.rows_mut() {
        let occasions = 1.0 + repeats.sample(&mut rng);
        row[0] = recency.sample(&mut rng);
        row[1] = occasions;
        row[2] = occasions * basket.sample(&mut rng);
    }
    for mut column in raw.columns_mut() {
        column.mapv_inplace(f64::ln_1p);
        let mean = column.mean().unwrap_or(0.0);
        let sd = column.std(0.0);
        column.mapv_inplace(|v| (v - mean) / sd);
    }
    raw
}

/// Writes the matrix as little-endian f64, row-major, for the Python peer.
fn write_for_peer(points: &Array2<f64>, path: &str) {
    if let Ok(mut file) = std::fs::File::create(path) {
        let bytes: Vec<u8> = points.iter().flat_map(|v| v.to_le_bytes()).collect();
        let _ = file.write_all(&bytes);
    }
}

fn bench_segment(c: &mut Criterion) {
    let mut group = c.benchmark_group("segment_kmeans");
    group.sample_size(10);
    let segmenter = KMeansSegmenter::new(5).n_init(1).seed(0);
    for &n in &[100_000usize, 1_000_000] {
        let points = customers(n, 42);
        write_for_peer(
            &points,
            &format!("/tmp/customer_value_segment_customers_{n}.f64"),
        );
        let fit = segmenter
            .fit_matrix(points.view())
            .expect("bench data is valid");
        eprintln!(
            "customers n = {n}: inertia {:.6}, iterations {}, converged {}",
            fit.inertia, fit.iterations, fit.converged
        );
        group.bench_with_input(BenchmarkId::new("customers", n), &points, |b, points| {
            b.iter(|| {
                segmenter
                    .fit_matrix(points.view())
                    .expect("bench data is valid")
            })
        });
        if n == 100_000 {
            let linfa = segmenter.clone().engine(KMeansEngine::Linfa);
            group.bench_with_input(
                BenchmarkId::new("customers_linfa", n),
                &points,
                |b, points| {
                    b.iter(|| {
                        linfa
                            .fit_matrix(points.view())
                            .expect("bench data is valid")
                    })
                },
            );
        }
    }
    let n = 1_000_000;
    let points = blobs(n, 42);
    write_for_peer(
        &points,
        &format!("/tmp/customer_value_segment_blobs_{n}.f64"),
    );
    let fit = segmenter
        .fit_matrix(points.view())
        .expect("bench data is valid");
    eprintln!(
        "blobs n = {n}: inertia {:.6}, iterations {}, converged {}",
        fit.inertia, fit.iterations, fit.converged
    );
    group.bench_with_input(BenchmarkId::new("blobs", n), &points, |b, points| {
        b.iter(|| {
            segmenter
                .fit_matrix(points.view())
                .expect("bench data is valid")
        })
    });
    group.finish();
}

criterion_group!(benches, bench_segment);
criterion_main!(benches);
