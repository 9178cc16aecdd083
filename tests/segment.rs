//! Integration tests of `customer_value::segment`: planted clusters, determinism across threads
//! and input orders, agreement with linfa from the same start, metric values against
//! scikit-learn, profiles, the Gaussian mixture, and every error path.

use chrono::NaiveDate;
use customer_value::segment::metrics::{self, adjusted_rand_index};
use customer_value::segment::{
    Feature, FeatureTransform, GaussianMixtureSegmenter, KCriterion, KMeansEngine, KMeansSegmenter,
    SegmentError,
};
use customer_value::{CustomerSummary, RfmRecord, RfmScore, RfmSegment, Summarizer, Transaction};
use linfa::prelude::{Fit, Predict};
use linfa::{DatasetBase, ParamGuard};
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{array, Array2};
use proptest::prelude::*;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use rand_xoshiro::{Xoshiro256Plus, Xoshiro256PlusPlus};
use rust_decimal::Decimal;

/// `k` spherical Gaussian blobs (sd `sd`) around centres 10 apart on each axis; returns the points
/// and the planted labels.
fn planted(n: usize, k: usize, dim: usize, sd: f64, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let noise = Normal::new(0.0, sd).unwrap();
    let truth: Vec<usize> = (0..n).map(|i| i % k).collect();
    let points = Array2::from_shape_fn((n, dim), |(row, column)| {
        let centre = 10.0 * (((truth[row] + column) % k) as f64) + 3.0 * column as f64;
        centre + noise.sample(&mut rng)
    });
    (points, truth)
}

/// The deterministic grid used for the scikit-learn reference values below:
/// x = 2c + ((7919 i) mod 1000) / 1000, y = ((104729 i) mod 997) / 997 − c, c = i mod 3.
fn grid(n: usize) -> (Array2<f64>, Vec<usize>) {
    let labels: Vec<usize> = (0..n).map(|i| i % 3).collect();
    let points = Array2::from_shape_fn((n, 2), |(i, column)| {
        let c = (i % 3) as f64;
        if column == 0 {
            2.0 * c + ((i * 7919) % 1000) as f64 / 1000.0
        } else {
            ((i * 104729) % 997) as f64 / 997.0 - c
        }
    });
    (points, labels)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y%m%d").unwrap()
}

/// The bundled CDNOW sample (id, id2, date, CDs, dollars) as transactions.
fn cdnow_sample() -> Vec<Transaction<u64>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/CDNOW_sample.txt"
    ))
    .unwrap();
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.len() == 5).then(|| {
                Transaction::new(
                    fields[0].parse::<u64>().unwrap(),
                    day(fields[2]),
                    fields[4].parse::<Decimal>().unwrap(),
                )
            })
        })
        .collect()
}

fn cdnow_summaries() -> Vec<CustomerSummary<u64>> {
    Summarizer::new(day("19980630"))
        .summarize(&cdnow_sample())
        .unwrap()
}

#[test]
fn planted_clusters_are_recovered() {
    let (points, truth) = planted(3_000, 4, 3, 1.0, 11);
    let fit = KMeansSegmenter::new(4)
        .seed(5)
        .fit_matrix(points.view())
        .unwrap();
    assert!(fit.converged);
    assert!(adjusted_rand_index(&fit.labels, &truth).unwrap() >= 0.99);
    assert_eq!(fit.sizes().iter().sum::<usize>(), 3_000);
    // Inertia is the within-cluster sum of squares of the labels, recomputed independently.
    let recomputed = metrics::inertia(points.view(), &fit.labels).unwrap();
    assert!((fit.inertia - recomputed).abs() <= 1e-9 * recomputed);
    // With sd 1 in 3-D, the expected inertia is about 3 n = 9000.
    assert!(
        (fit.inertia / 9_000.0 - 1.0).abs() < 0.05,
        "{}",
        fit.inertia
    );
}

#[test]
fn choice_of_k_finds_the_planted_number_and_reports_every_k() {
    let (points, truth) = planted(2_000, 4, 2, 0.8, 3);
    for criterion in [
        KCriterion::Silhouette,
        KCriterion::CalinskiHarabasz,
        KCriterion::DaviesBouldin,
    ] {
        let fit = KMeansSegmenter::new(2)
            .k_range(2..=6)
            .criterion(criterion)
            .seed(1)
            .fit_matrix(points.view())
            .unwrap();
        assert_eq!(fit.k, 4, "{criterion:?}");
        assert!(adjusted_rand_index(&fit.labels, &truth).unwrap() >= 0.99);
        let ks: Vec<usize> = fit.k_scores.iter().map(|s| s.k).collect();
        assert_eq!(ks, [2, 3, 4, 5, 6]);
        // Inertia falls as k grows (elbow); the reported metrics match the free functions.
        for pair in fit.k_scores.windows(2) {
            assert!(pair[1].inertia < pair[0].inertia);
        }
        let chosen = fit.k_scores[2];
        assert_eq!(chosen.inertia, fit.inertia);
        let quality = fit.quality(1).unwrap();
        assert_eq!(quality.silhouette, chosen.silhouette);
        assert_eq!(quality.davies_bouldin, chosen.davies_bouldin);
        assert_eq!(quality.calinski_harabasz, chosen.calinski_harabasz);
    }
}

#[test]
fn labels_are_identical_with_one_and_two_threads() {
    // 30,000 rows span several fixed chunks, so the reductions really are split.
    let (points, _) = planted(30_000, 5, 3, 4.0, 8);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let fit = KMeansSegmenter::new(5)
                    .seed(9)
                    .fit_matrix(points.view())
                    .unwrap();
                let quality = fit.quality(4).unwrap();
                (fit, quality)
            })
    };
    let (one, one_quality) = run(1);
    let (two, two_quality) = run(2);
    assert_eq!(one.labels, two.labels);
    assert_eq!(one.centroids, two.centroids);
    assert_eq!(one.inertia.to_bits(), two.inertia.to_bits());
    assert_eq!(one.iterations, two.iterations);
    assert_eq!(one_quality, two_quality);
    assert!(one_quality.silhouette.sampled);
}

#[test]
fn output_does_not_depend_on_input_order() {
    let summaries = cdnow_summaries();
    let segmenter = KMeansSegmenter::new(4).seed(2);
    let fit = segmenter.fit(&summaries).unwrap();
    let mut shuffled = summaries.clone();
    shuffled.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(1));
    let again = segmenter.fit(&shuffled).unwrap();
    assert_eq!(fit.customers, again.customers);
    assert_eq!(fit.labels, again.labels);
    assert_eq!(fit.segments, again.segments);
    // Customers come out sorted by id.
    assert!(fit.customers.windows(2).all(|w| w[0] < w[1]));
    // Shuffling the transactions gives the same summaries and so the same segmentation.
    let mut log = cdnow_sample();
    log.reverse();
    let from_log = Summarizer::new(day("19980630")).summarize(&log).unwrap();
    assert_eq!(segmenter.fit(&from_log).unwrap().labels, fit.labels);
}

#[test]
fn same_partition_as_linfa_from_the_same_start() {
    let (points, _) = planted(4_000, 3, 3, 2.0, 21);
    let ours = KMeansSegmenter::new(3)
        .n_init(1)
        .seed(4)
        .fit_matrix(points.view())
        .unwrap();
    let linfa = KMeans::params_with_rng(3, Xoshiro256Plus::seed_from_u64(0))
        .n_runs(1)
        .tolerance(1e-10)
        .max_n_iterations(300)
        .init_method(KMeansInit::Precomputed(ours.initial_centroids.clone()))
        .check()
        .unwrap()
        .fit(&DatasetBase::new(points.view(), ()))
        .unwrap();
    let linfa_labels = linfa.predict(&points).to_vec();
    // Same centre order, so the labels agree one to one.
    assert_eq!(ours.labels, linfa_labels);
    // The linfa engine behind our interface gives the same partition too.
    let engine = KMeansSegmenter::new(3)
        .n_init(1)
        .seed(4)
        .engine(KMeansEngine::Linfa)
        .fit_matrix(points.view())
        .unwrap();
    assert_eq!(engine.initial_centroids, ours.initial_centroids);
    assert_eq!(engine.labels, ours.labels);
    assert!((engine.inertia - ours.inertia).abs() <= 1e-9 * ours.inertia);
    assert!(engine.converged && engine.iterations >= 2);
}

#[test]
fn metrics_match_scikit_learn() {
    // Reference values: scikit-learn 1.x on the same grid (bench/peers reference script):
    //   X, c = grid(30); lab = c.copy(); lab[0] = 1; lab[5] = 0
    //   silhouette_score(X, lab), davies_bouldin_score(X, lab), calinski_harabasz_score(X, lab)
    let (points, mut labels) = grid(30);
    labels[0] = 1;
    labels[5] = 0;
    let view = points.view();
    let silhouette = metrics::silhouette(view, &labels, 0).unwrap();
    assert!(!silhouette.sampled);
    assert!((silhouette.score - 0.5465306986811387).abs() < 1e-12);
    assert!((metrics::davies_bouldin(view, &labels).unwrap() - 0.7499372663814811).abs() < 1e-12);
    assert!((metrics::calinski_harabasz(view, &labels).unwrap() - 34.72501549045438).abs() < 1e-9);
    // KMeans(3, n_init=10, random_state=0, algorithm="lloyd").fit(grid(30)).inertia_
    let (points, truth) = grid(30);
    let fit = KMeansSegmenter::new(3)
        .seed(0)
        .fit_matrix(points.view())
        .unwrap();
    assert!((fit.inertia - 5.047007889915986).abs() < 1e-10);
    assert_eq!(adjusted_rand_index(&fit.labels, &truth).unwrap(), 1.0);
    // adjusted_rand_score([0,0,0,1,1,1,2,2,2,2], [1,1,0,0,2,2,2,2,2,0])
    let ari = adjusted_rand_index(
        &[0, 0, 0, 1, 1, 1, 2, 2, 2, 2],
        &[1, 1, 0, 0, 2, 2, 2, 2, 2, 0],
    );
    assert!((ari.unwrap() - 0.1366906474820144).abs() < 1e-12);
}

#[test]
fn large_inputs_use_a_seeded_silhouette_sample() {
    // scikit-learn on grid(12000) with labels i mod 3: silhouette_score = 0.7578371782369947 (exact),
    // davies_bouldin_score = 0.34220270266964814, calinski_harabasz_score = 119972.37961071842.
    let (points, labels) = grid(12_000);
    let view = points.view();
    let first = metrics::silhouette(view, &labels, 1).unwrap();
    let again = metrics::silhouette(view, &labels, 1).unwrap();
    assert_eq!(first, again);
    assert!(first.sampled);
    assert_eq!(first.points, 10_000);
    assert!((first.score - 0.7578371782369947).abs() < 0.005);
    assert!((metrics::davies_bouldin(view, &labels).unwrap() - 0.34220270266964814).abs() < 1e-10);
    let ch = metrics::calinski_harabasz(view, &labels).unwrap();
    assert!((ch / 119972.37961071842 - 1.0).abs() < 1e-10);
}

#[test]
fn profiles_describe_segments_in_original_units() {
    let summaries = cdnow_summaries();
    let fit = KMeansSegmenter::new(3).seed(3).fit(&summaries).unwrap();
    assert_eq!(
        fit.feature_names,
        ["recency_days", "purchase_occasions", "monetary"]
    );
    let total_customers: usize = fit.sizes().iter().sum();
    assert_eq!(total_customers, summaries.len());
    let revenue_share: f64 = fit.segments.iter().map(|s| s.revenue_share.unwrap()).sum();
    assert!((revenue_share - 1.0).abs() < 1e-12);
    let revenue: Decimal = fit.segments.iter().map(|s| s.revenue.unwrap()).sum();
    let expected: Decimal = summaries.iter().map(|s| s.total_spend()).sum();
    assert_eq!(revenue, expected);
    for segment in &fit.segments {
        // Means in original units, recomputed by hand from the members.
        let members: Vec<&CustomerSummary<u64>> = fit
            .customers
            .iter()
            .zip(&fit.labels)
            .filter(|(_, &l)| l == segment.segment)
            .map(|(c, _)| summaries.iter().find(|s| s.customer() == c).unwrap())
            .collect();
        let mean_occasions = members
            .iter()
            .map(|s| s.purchase_occasions() as f64)
            .sum::<f64>()
            / members.len() as f64;
        assert!((segment.mean[1] - mean_occasions).abs() < 1e-9);
        // One word per feature, and a qualifier only when another segment reads the same.
        assert!((3..=4).contains(&segment.label.split(" · ").count()));
    }
    // The segment with the most occasions per customer reads "frequent" and has the most revenue.
    let top = fit
        .segments
        .iter()
        .max_by(|a, b| a.mean[1].total_cmp(&b.mean[1]))
        .unwrap();
    assert!(top.label.contains("frequent"), "{}", top.label);
    // Assigning the fitted customers again gives their labels back (stored transform).
    let sorted: Vec<CustomerSummary<u64>> = fit
        .customers
        .iter()
        .map(|c| {
            summaries
                .iter()
                .find(|s| s.customer() == c)
                .unwrap()
                .clone()
        })
        .collect();
    let again = fit.assign(&sorted).unwrap();
    let agreement = again
        .iter()
        .zip(&fit.labels)
        .filter(|(a, b)| a == b)
        .count();
    assert!(agreement as f64 >= 0.999 * fit.labels.len() as f64);
}

#[test]
fn segment_labels_are_unique_on_cdnow() {
    // With k = 5 three CDNOW segments are "recent · frequent · high spend" by their thirds; the
    // qualifier orders them by spend, where they differ most, and replaces the spend word.
    let fit = KMeansSegmenter::new(5).fit(&cdnow_summaries()).unwrap();
    let mut labels: Vec<&str> = fit.segments.iter().map(|s| s.label.as_str()).collect();
    labels.sort();
    let before = labels.len();
    labels.dedup();
    assert_eq!(labels.len(), before, "{labels:?}");
    let qualified: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|l| l.starts_with("recent · frequent · ") && !l.ends_with(" high spend"))
        .collect();
    assert_eq!(
        qualified,
        [
            "recent · frequent · highest spend",
            "recent · frequent · lowest spend",
            "recent · frequent · middle spend"
        ]
    );
    let median_spend = |label: &str| {
        let segment = fit.segments.iter().find(|s| s.label == label).unwrap();
        segment.median[2]
    };
    assert!(
        median_spend(qualified[0]) > median_spend(qualified[2])
            && median_spend(qualified[2]) > median_spend(qualified[1])
    );
}

#[test]
fn mean_rfm_scores_per_segment_from_hand_made_records() {
    let points = array![[0.0], [1.0], [10.0], [11.0], [12.0]];
    let fit = KMeansSegmenter::new(2).fit_matrix(points.view()).unwrap();
    let record = |customer: usize, r: u8, f: u8, m: u8| RfmRecord {
        customer,
        recency_days: 0,
        frequency: 1,
        monetary: Decimal::ONE,
        score: RfmScore {
            recency: r,
            frequency: f,
            monetary: m,
        },
        segment: RfmSegment::Hibernating,
    };
    let records = [
        record(4, 5, 5, 5),
        record(0, 1, 2, 3),
        record(2, 4, 4, 4),
        record(1, 2, 2, 2),
    ];
    // The segmentation takes the scores as plain numbers, one (customer, [R, F, M]) each.
    fn scores(records: &[RfmRecord<usize>]) -> Vec<(&usize, [u8; 3])> {
        records
            .iter()
            .map(|r| {
                (
                    &r.customer,
                    [r.score.recency, r.score.frequency, r.score.monetary],
                )
            })
            .collect()
    }
    let means = fit.rfm_profile(scores(&records)).unwrap();
    let low = means[fit.labels[0]].unwrap();
    assert_eq!(
        (low.recency, low.frequency, low.monetary, low.scored),
        (1.5, 2.0, 2.5, 2)
    );
    let high = means[fit.labels[4]].unwrap();
    assert_eq!(
        (high.recency, high.frequency, high.monetary, high.scored),
        (4.5, 4.5, 4.5, 2)
    );
    assert_eq!(
        fit.rfm_profile(scores(&[record(9, 1, 1, 1)])),
        Err(SegmentError::UnknownCustomer { position: 0 })
    );
    assert_eq!(
        fit.rfm_profile(scores(&[record(1, 1, 1, 1), record(1, 1, 1, 1)])),
        Err(SegmentError::DuplicateCustomer {
            position: 1,
            first_position: 0
        })
    );
}

#[test]
fn gaussian_mixture_gives_membership_probabilities() {
    let (points, truth) = planted(600, 3, 2, 1.0, 5);
    let soft = GaussianMixtureSegmenter::new(3)
        .seed(2)
        .fit_matrix(points.view())
        .unwrap();
    assert!(adjusted_rand_index(&soft.labels, &truth).unwrap() >= 0.99);
    for row in soft.probabilities.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-9);
        assert!(row.iter().all(|p| (0.0..=1.0).contains(p)));
    }
    assert!((soft.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let summaries = cdnow_summaries();
    let soft = GaussianMixtureSegmenter::new(2)
        .seed(1)
        .fit(&summaries)
        .unwrap();
    assert_eq!(soft.probabilities.nrows(), summaries.len());
    assert_eq!(soft.customers.len(), summaries.len());
}

/// Four points, two of them equal.
fn small_points() -> Array2<f64> {
    array![[0.0, 1.0], [1.0, 2.0], [1.0, 2.0], [3.0, 0.5]]
}

/// Every customer bought once for the same amount on the same day: all features constant.
fn constant_summaries() -> Vec<CustomerSummary<u32>> {
    let d = day("20240105");
    let log: Vec<Transaction<u32>> = (0..5)
        .map(|c| Transaction::new(c, d, Decimal::TEN))
        .collect();
    Summarizer::new(day("20240131")).summarize(&log).unwrap()
}

#[test]
fn contradictory_settings_give_typed_errors() {
    let points = small_points();
    assert!(matches!(
        KMeansSegmenter::new(0).fit_matrix(points.view()),
        Err(SegmentError::InvalidParameter { name: "k", .. })
    ));
    assert!(matches!(
        GaussianMixtureSegmenter::new(0).fit_matrix(points.view()),
        Err(SegmentError::InvalidParameter { name: "k", .. })
    ));
    assert!(matches!(
        KMeansSegmenter::new(2)
            .features(&[Feature::Monetary, Feature::Monetary])
            .fit(&constant_summaries()),
        Err(SegmentError::InvalidParameter {
            name: "features",
            ..
        })
    ));
}

#[test]
fn bad_matrices_give_typed_errors() {
    let points = small_points();
    assert_eq!(
        KMeansSegmenter::new(4)
            .fit_matrix(points.view())
            .unwrap_err(),
        SegmentError::TooFewDistinctPoints { k: 4, distinct: 3 }
    );
    let empty = Array2::<f64>::zeros((0, 2));
    assert_eq!(
        KMeansSegmenter::new(2)
            .fit_matrix(empty.view())
            .unwrap_err(),
        SegmentError::EmptyInput
    );
    let no_columns = Array2::<f64>::zeros((3, 0));
    assert_eq!(
        KMeansSegmenter::new(2)
            .fit_matrix(no_columns.view())
            .unwrap_err(),
        SegmentError::EmptyInput
    );
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut with_bad = points.clone();
        with_bad[[2, 1]] = bad;
        assert!(matches!(
            KMeansSegmenter::new(2).fit_matrix(with_bad.view()),
            Err(SegmentError::NonFinite {
                row: 2,
                column: 1,
                ..
            })
        ));
    }
    let constant = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]];
    assert_eq!(
        KMeansSegmenter::new(2)
            .fit_matrix(constant.view())
            .unwrap_err(),
        SegmentError::ConstantFeature {
            column: 1,
            name: "column_1".into()
        }
    );
    assert!(matches!(
        KMeansSegmenter::new(2)
            .transform(FeatureTransform::Log1p)
            .fit_matrix(array![[-2.0], [1.0]].view()),
        Err(SegmentError::Log1pDomain {
            row: 0,
            column: 0,
            ..
        })
    ));
}

#[test]
fn bad_summaries_give_typed_errors() {
    let no_summaries: Vec<CustomerSummary<u32>> = Vec::new();
    assert_eq!(
        KMeansSegmenter::new(2).fit(&no_summaries).unwrap_err(),
        SegmentError::EmptyInput
    );
    let summaries = constant_summaries();
    assert_eq!(
        KMeansSegmenter::new(2).fit(&summaries).unwrap_err(),
        SegmentError::ConstantFeature {
            column: 0,
            name: "recency_days".into()
        }
    );
    // Duplicate customers.
    let mut twice = cdnow_summaries();
    twice.push(twice[0].clone());
    assert!(matches!(
        KMeansSegmenter::new(2).fit(&twice),
        Err(SegmentError::DuplicateCustomer { .. })
    ));
    // New rows with the wrong width; summaries for a matrix fit.
    let fit = KMeansSegmenter::new(2)
        .fit_matrix(small_points().view())
        .unwrap();
    assert_eq!(
        fit.assign_matrix(array![[1.0]].view()).unwrap_err(),
        SegmentError::LengthMismatch {
            name: "raw columns",
            expected: 2,
            found: 1
        }
    );
    assert_eq!(
        fit.assign(&summaries).unwrap_err(),
        SegmentError::NoSummaryFeatures
    );
}

#[test]
fn undefined_metrics_give_typed_errors() {
    let points = small_points();
    // Metrics need 2 ≤ clusters ≤ n − 1.
    assert!(matches!(
        metrics::silhouette(points.view(), &[0, 0, 0, 0], 0),
        Err(SegmentError::MetricUndefined { clusters: 1, .. })
    ));
    assert!(matches!(
        metrics::davies_bouldin(points.view(), &[0, 1, 2, 3]),
        Err(SegmentError::MetricUndefined {
            clusters: 4,
            points: 4,
            ..
        })
    ));
    assert!(matches!(
        metrics::calinski_harabasz(points.view(), &[0, 1]),
        Err(SegmentError::LengthMismatch {
            name: "labels",
            expected: 4,
            found: 2
        })
    ));
    let single = KMeansSegmenter::new(1).fit_matrix(points.view()).unwrap();
    assert!(matches!(
        single.quality(0),
        Err(SegmentError::MetricUndefined { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// On any data: labels in 0..k, sizes add up, inertia equals the recomputed within-cluster sum
    /// of squares, and (run to exact convergence) each point's nearest centroid is its label.
    #[test]
    fn fits_are_internally_consistent(
        values in prop::collection::vec(-100.0f64..100.0, 24..240),
        k in 1usize..5,
        seed in 0u64..1000,
    ) {
        let rows = values.len() / 2;
        let points = Array2::from_shape_vec((rows, 2), values[..rows * 2].to_vec()).unwrap();
        let fit = KMeansSegmenter::new(k).seed(seed).tolerance(0.0).fit_matrix(points.view()).unwrap();
        prop_assert!(fit.labels.iter().all(|&l| l < k));
        prop_assert_eq!(fit.sizes().iter().sum::<usize>(), rows);
        let recomputed = metrics::inertia(points.view(), &fit.labels).unwrap();
        prop_assert!((fit.inertia - recomputed).abs() <= 1e-9 * (1.0 + recomputed));
        prop_assert!(fit.converged);
        prop_assert_eq!(fit.assign_matrix(points.view()).unwrap(), fit.labels.clone());
        let shares: f64 = fit.segments.iter().map(|s| s.customer_share).sum();
        prop_assert!((shares - 1.0).abs() < 1e-12);
    }

    /// The adjusted Rand index is symmetric, 1 for a relabelling, and at most 1.
    #[test]
    fn adjusted_rand_index_properties(
        first in prop::collection::vec(0usize..4, 2..60),
        shift in 1usize..10,
        other_seed in 0u64..100,
    ) {
        let renamed: Vec<usize> = first.iter().map(|l| (l + shift) * 7).collect();
        prop_assert_eq!(adjusted_rand_index(&first, &renamed).unwrap(), 1.0);
        let mut second = first.clone();
        second.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(other_seed));
        let ab = adjusted_rand_index(&first, &second).unwrap();
        let ba = adjusted_rand_index(&second, &first).unwrap();
        prop_assert!((ab - ba).abs() < 1e-12);
        prop_assert!(ab <= 1.0 + 1e-12);
    }
}
