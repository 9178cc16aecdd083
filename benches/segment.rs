//! Criterion benches of k-means segmentation on seeded synthetic data: 100k and 1M customers ×
//! 3 features, k = 5, one k-means++ initialisation (the peer, scikit-learn's KMeans, is timed on
//! the same data by `bench/peers/segment.py`, which reads the matrix this bench writes to /tmp).

use std::io::Write;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use customer_value::segment::{KMeansEngine, KMeansSegmenter};
use ndarray::Array2;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
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
    for &n in &[100_000usize, 1_000_000] {
        let points = blobs(n, 42);
        write_for_peer(&points, &format!("/tmp/customer_value_segment_{n}.f64"));
        let segmenter = KMeansSegmenter::new(5).n_init(1).seed(0);
        let fit = segmenter
            .fit_matrix(points.view())
            .expect("bench data is valid");
        eprintln!(
            "n = {n}: inertia {:.6}, iterations {}, converged {}",
            fit.inertia, fit.iterations, fit.converged
        );
        group.bench_with_input(BenchmarkId::new("hamerly", n), &points, |b, points| {
            b.iter(|| {
                segmenter
                    .fit_matrix(points.view())
                    .expect("bench data is valid")
            })
        });
        if n == 100_000 {
            let linfa = segmenter.clone().engine(KMeansEngine::Linfa);
            group.bench_with_input(BenchmarkId::new("linfa", n), &points, |b, points| {
                b.iter(|| {
                    linfa
                        .fit_matrix(points.view())
                        .expect("bench data is valid")
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_segment);
criterion_main!(benches);
