//! Hostile inputs for `segment`: every public entry point fed extreme floats (0, −0, subnormals,
//! 1e-300, 1e200, 1e308, ±f64::MAX, NaN, ±∞), extreme integers (k, n_init, iterations up to
//! usize::MAX), extreme dates and amounts in summaries, wrong lengths, and JSON that no fit
//! produces. Each case must return a typed error or an `Ok` whose every float is finite, without a
//! panic and quickly (every test here runs in well under a second in the test profile).

use chrono::NaiveDate;
use customer_value::segment::{
    metrics, Feature, FeatureTransform, FittedTransform, GaussianMixtureSegmenter, KCriterion,
    KMeansEngine, KMeansSegmenter, QualityMetrics, SegmentError, Segmentation, SoftSegmentation,
};
use customer_value::{CustomerSummary, Settings, Summarizer, Transaction};
use ndarray::{array, Array2};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Every extreme float of the sweep.
const EXTREMES: [f64; 16] = [
    0.0,
    -0.0,
    5e-324,
    -5e-324,
    1e-300,
    1e200,
    -1e200,
    1e308,
    -1e308,
    f64::MAX,
    -f64::MAX,
    f64::MIN_POSITIVE,
    1.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

/// Magnitudes by which well-separated data are multiplied: the partition must not change.
const SCALES: [f64; 9] = [
    1e-300, 1e-200, 1e-100, 1e-10, 1.0, 1e100, 1e200, 1e308, 1.7e308,
];

const TRANSFORMS: [FeatureTransform; 4] = [
    FeatureTransform::None,
    FeatureTransform::Log1p,
    FeatureTransform::ZScore,
    FeatureTransform::Log1pZScore,
];

fn finite(values: impl IntoIterator<Item = f64>) -> bool {
    values.into_iter().all(f64::is_finite)
}

/// Every float a segmentation holds is finite.
fn assert_segmentation_finite<C>(s: &Segmentation<C>) {
    assert!(finite(s.centroids.iter().copied()), "centroids");
    assert!(finite(s.initial_centroids.iter().copied()), "initial");
    assert!(s.inertia.is_finite() && s.inertia >= 0.0, "{}", s.inertia);
    assert!(finite(s.points().iter().copied()), "points");
    assert!(finite(s.transform.means.iter().copied()), "means");
    assert!(
        s.transform.scales.iter().all(|v| v.is_normal() && *v > 0.0),
        "scales {:?}",
        s.transform.scales
    );
    for p in &s.segments {
        assert!(p.customer_share.is_finite());
        assert!(p.revenue_share.is_none_or(f64::is_finite));
        assert!(finite(p.centroid.iter().copied()), "profile centroid");
        assert!(finite(p.mean.iter().copied()), "profile mean {:?}", p.mean);
        assert!(
            finite(p.median.iter().copied()),
            "profile median {:?}",
            p.median
        );
    }
    for score in &s.k_scores {
        assert!(finite([
            score.inertia,
            score.silhouette.score,
            score.davies_bouldin,
            score.calinski_harabasz
        ]));
    }
}

fn assert_soft_finite<C>(s: &SoftSegmentation<C>) {
    assert!(finite(s.probabilities.iter().copied()), "probabilities");
    assert!(finite(s.weights.iter().copied()), "weights");
    assert!(finite(s.means.iter().copied()), "means");
    assert!(finite(s.covariances.iter().copied()), "covariances");
    assert!(finite(s.transform.means.iter().copied()));
    assert!(finite(s.transform.scales.iter().copied()));
    for row in s.probabilities.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-9, "{row}");
    }
}

fn assert_quality_finite(q: &QualityMetrics) {
    assert!(finite([
        q.inertia,
        q.silhouette.score,
        q.davies_bouldin,
        q.calinski_harabasz
    ]));
}

/// Two clusters in two columns: rows 0–1 and 2–3 (the crate's own doc example, with a second
/// column). Inertia 1, centroids (0.5, 0) and (10.5, 1).
fn pairs() -> Array2<f64> {
    array![[0.0, 0.0], [1.0, 0.0], [10.0, 1.0], [11.0, 1.0]]
}

/// Six points, two groups of three around ±(0.9, 0.9), every column non-constant.
fn groups() -> Array2<f64> {
    array![
        [-1.0, -0.9],
        [-0.9, -1.0],
        [-0.8, -0.85],
        [0.8, 0.9],
        [0.9, 0.7],
        [1.0, 1.0]
    ]
}

fn same_partition(labels: &[usize], expected: &[usize]) -> bool {
    metrics::adjusted_rand_index(labels, expected).unwrap() == 1.0
}

fn is_out_of_range(e: &SegmentError) -> bool {
    matches!(e, SegmentError::OutOfRange { .. })
}

#[test]
fn kmeans_partition_does_not_depend_on_the_scale_of_the_points() {
    for engine in [KMeansEngine::Hamerly, KMeansEngine::Linfa] {
        for v in SCALES {
            // The pairs divided by 16 (exactly), so that v = f64::MAX still gives finite points.
            let points = pairs().mapv(|x| x / 16.0 * v);
            let fit = KMeansSegmenter::new(2)
                .engine(engine)
                .fit_matrix(points.view());
            // Inertia = 4 · (v / 32)² = v² / 256: finite below about 2e155.
            match fit {
                Ok(s) => {
                    assert_segmentation_finite(&s);
                    assert!(same_partition(&s.labels, &[0, 0, 1, 1]), "v = {v:e}");
                    let expected = v * v / 256.0;
                    assert!(
                        (s.inertia - expected).abs() <= 1e-12 * expected,
                        "v = {v:e}: {}",
                        s.inertia
                    );
                    let c = &s.segments[s.labels[3]].mean;
                    let expected = 10.5 / 16.0 * v;
                    assert!((c[0] - expected).abs() <= 1e-12 * expected, "{c:?}");
                }
                Err(e) => {
                    assert!(is_out_of_range(&e) && v > 1e154, "v = {v:e}: {e}");
                    assert!(e.to_string().contains("inertia"), "{e}");
                }
            }
            // z-scores are scale-free: the fit succeeds at every magnitude.
            let z = KMeansSegmenter::new(2)
                .engine(engine)
                .transform(FeatureTransform::ZScore)
                .fit_matrix(points.view())
                .unwrap_or_else(|e| panic!("v = {v:e}: {e}"));
            assert_segmentation_finite(&z);
            assert!(same_partition(&z.labels, &[0, 0, 1, 1]));
            // Two pairs 10 apart in z units: inertia 4 · (0.5 / sd₀)², sd₀ = 5.0249… (ddof 0).
            let sd0 = (((0.0f64 - 5.5).powi(2) * 2.0 + (1.0f64 - 5.5).powi(2) * 2.0) / 4.0).sqrt();
            let expected = 4.0 * (0.5 / sd0).powi(2);
            assert!(
                (z.inertia - expected).abs() < 1e-9,
                "{} vs {expected}",
                z.inertia
            );
        }
    }
}

#[test]
fn choosing_k_on_extreme_points_reports_finite_scores() {
    for v in [1e-300, 1e308, f64::MAX] {
        let points = groups().mapv(|x| x * v);
        for criterion in [
            KCriterion::Silhouette,
            KCriterion::CalinskiHarabasz,
            KCriterion::DaviesBouldin,
        ] {
            let s = KMeansSegmenter::new(2)
                .k_range(2..=3)
                .criterion(criterion)
                .transform(FeatureTransform::ZScore)
                .fit_matrix(points.view())
                .unwrap();
            assert_segmentation_finite(&s);
            assert_eq!(s.k, 2, "{criterion:?}");
            assert!(same_partition(&s.labels, &[0, 0, 0, 1, 1, 1]));
        }
        // Without a transform the inertia of huge points overflows: a typed error, not ∞.
        let raw = KMeansSegmenter::new(2)
            .k_range(2..=3)
            .fit_matrix(points.view());
        match raw {
            Ok(s) => assert_segmentation_finite(&s),
            Err(e) => assert!(is_out_of_range(&e), "{e}"),
        }
    }
}

#[test]
fn one_extreme_value_gives_a_typed_error_or_finite_results() {
    for x in EXTREMES {
        for (row, column) in [(0, 0), (5, 1)] {
            let mut points = groups().mapv(|v| v + 2.0); // positive, so log1p applies
            points[[row, column]] = x;
            for transform in TRANSFORMS {
                let fit = KMeansSegmenter::new(2)
                    .transform(transform)
                    .fit_matrix(points.view());
                if x.is_nan() || x.is_infinite() {
                    assert!(
                        matches!(fit, Err(SegmentError::NonFinite { .. })),
                        "{x} {transform:?}: {fit:?}"
                    );
                }
                if let Ok(s) = &fit {
                    assert_segmentation_finite(s);
                    if let Ok(q) = s.quality(3) {
                        assert_quality_finite(&q);
                    }
                    let labels = s.assign_matrix(points.view());
                    assert!(labels.is_err() || labels.unwrap() == s.labels);
                }
                let soft = GaussianMixtureSegmenter::new(2)
                    .transform(transform)
                    .fit_matrix(points.view());
                if let Ok(s) = &soft {
                    assert_soft_finite(s);
                    if let Ok(p) = s.membership(points.view()) {
                        assert!(finite(p.iter().copied()));
                    }
                }
            }
            if let Ok(q) = metrics::quality(points.view(), &[0, 0, 0, 1, 1, 1], 0) {
                assert_quality_finite(&q);
            }
        }
    }
}

#[test]
fn quality_metrics_are_scale_free_and_inertia_overflow_is_typed() {
    // The crate's doc example: 1-D pairs 10 apart, S = 1. Davies–Bouldin (1 + 1) / 10 = 0.2,
    // Calinski–Harabasz (100 / 1) / (4 / 2) = 50, silhouette (9/11 + 7/9) / 2, inertia 4.
    let labels = [0, 0, 1, 1];
    let silhouette = (9.0 / 11.0 + 7.0 / 9.0) / 2.0;
    for v in SCALES {
        // Divided by 16 (exactly), so that v = f64::MAX still gives finite points.
        let points = array![[0.0], [2.0], [10.0], [12.0]].mapv(|x| x / 16.0 * v);
        let view = points.view();
        let db = metrics::davies_bouldin(view, &labels).unwrap();
        let ch = metrics::calinski_harabasz(view, &labels).unwrap();
        let s = metrics::silhouette(view, &labels, 0).unwrap();
        assert!((db - 0.2).abs() < 1e-12, "v = {v:e}: {db}");
        assert!((ch - 50.0).abs() < 1e-9, "v = {v:e}: {ch}");
        assert!(
            (s.score - silhouette).abs() < 1e-12,
            "v = {v:e}: {}",
            s.score
        );
        // Inertia 4 · (v / 16)² = v² / 64.
        let expected = v / 8.0 * (v / 8.0);
        match metrics::inertia(view, &labels) {
            Ok(w) if v >= 1e-150 => assert!((w - expected).abs() <= 1e-12 * expected),
            // 1e-600 / 64 is below the smallest subnormal: the nearest f64 is 0.
            Ok(w) => assert!(w.is_finite() && w < 1e-300, "{w}"),
            Err(e) => {
                assert!(is_out_of_range(&e) && v > 1e154, "v = {v:e}: {e}");
                let SegmentError::OutOfRange { log10, .. } = e else {
                    unreachable!()
                };
                assert!((log10 - (2.0 * v.log10() - 64f64.log10())).abs() < 1e-9);
            }
        }
        match metrics::quality(view, &labels, 0) {
            Ok(q) => assert_quality_finite(&q),
            Err(e) => assert!(is_out_of_range(&e), "{e}"),
        }
    }
    // Points so close that the centroid distance is subnormal against the spread.
    let close = array![[0.0], [1.0], [1.0 + 2e-16], [2.0 + 2e-16]];
    for metric in [metrics::davies_bouldin, metrics::calinski_harabasz] {
        match metric(close.view(), &[0, 0, 1, 1]) {
            Ok(value) => assert!(value.is_finite()),
            Err(e) => assert!(is_out_of_range(&e), "{e}"),
        }
    }
}

#[test]
fn labels_at_usize_max_are_relabelled() {
    let points = array![[0.0], [2.0], [10.0], [12.0]];
    let labels = [usize::MAX, usize::MAX, 0, 0];
    let q = metrics::quality(points.view(), &labels, u64::MAX).unwrap();
    assert!((q.davies_bouldin - 0.2).abs() < 1e-12);
    assert_eq!(
        metrics::adjusted_rand_index(&labels, &[0, 0, usize::MAX, usize::MAX]).unwrap(),
        1.0
    );
    assert!(matches!(
        metrics::silhouette(points.view(), &labels[..3], 0),
        Err(SegmentError::LengthMismatch { .. })
    ));
}

#[test]
fn a_column_whose_variance_underflows_is_scaled_not_called_constant() {
    // Population variance of [1, 2, 3, 4]·1e-200 is 1.25e-400: it underflows to 0 in f64, but the
    // column is not constant and its standard deviation, 1.118e-200, is an ordinary f64.
    let mut points = array![[1.0, 1.0], [2.0, 0.0], [3.0, 1.0], [4.0, 0.0]];
    points.column_mut(0).mapv_inplace(|x| x * 1e-200);
    let s = KMeansSegmenter::new(2)
        .transform(FeatureTransform::ZScore)
        .fit_matrix(points.view())
        .unwrap();
    assert_segmentation_finite(&s);
    let sd = 1.25f64.sqrt() * 1e-200;
    assert!((s.transform.scales[0] - sd).abs() <= 1e-14 * sd);
    assert!((s.transform.means[0] - 2.5e-200).abs() <= 1e-14 * 2.5e-200);
    // Subnormal values: the standard deviation is itself below the normal range: the error names
    // the feature and says it underflows.
    points
        .column_mut(0)
        .assign(&array![5e-324, 1e-323, 1.5e-323, 2e-323]);
    let e = KMeansSegmenter::new(2)
        .transform(FeatureTransform::ZScore)
        .fit_matrix(points.view())
        .unwrap_err();
    assert!(
        matches!(&e, SegmentError::VarianceUnderflow { column: 0, name, .. } if name == "column_0"),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.contains("column_0") && text.contains("underflow"),
        "{text}"
    );
    assert!(!text.contains("constant"), "{text}");
    // A truly constant column is still called constant.
    points.column_mut(0).fill(1e-200);
    assert_eq!(
        KMeansSegmenter::new(2)
            .transform(FeatureTransform::ZScore)
            .fit_matrix(points.view())
            .unwrap_err(),
        SegmentError::ConstantFeature {
            column: 0,
            name: "column_0".into()
        }
    );
}

#[test]
fn columns_of_very_different_magnitudes() {
    // Column 0 near ±1e308, column 1 near 1e-300: z-scored, both weigh the same.
    let points = array![
        [-1e308, 1e-300],
        [-0.9e308, 1.1e-300],
        [0.9e308, 5e-300],
        [1e308, 5.1e-300]
    ];
    let z = KMeansSegmenter::new(2)
        .transform(FeatureTransform::ZScore)
        .fit_matrix(points.view())
        .unwrap();
    assert_segmentation_finite(&z);
    assert!(same_partition(&z.labels, &[0, 0, 1, 1]));
    let soft = GaussianMixtureSegmenter::new(2)
        .transform(FeatureTransform::ZScore)
        .fit_matrix(points.view())
        .unwrap();
    assert_soft_finite(&soft);
    assert!(same_partition(&soft.labels, &[0, 0, 1, 1]));
    // Raw, the second column vanishes next to the first and the inertia overflows.
    let raw = KMeansSegmenter::new(2).fit_matrix(points.view());
    assert!(
        matches!(
            raw,
            Err(SegmentError::OutOfRange {
                quantity: "inertia",
                ..
            })
        ),
        "{raw:?}"
    );
}

#[test]
fn k_above_the_customers_is_a_typed_error_naming_both() {
    let points = groups();
    for k in [7, u32::MAX as usize] {
        let e = KMeansSegmenter::new(k)
            .fit_matrix(points.view())
            .unwrap_err();
        assert_eq!(e, SegmentError::TooFewDistinctPoints { k, distinct: 6 });
        let text = e.to_string();
        assert!(
            text.contains(&k.to_string()) && text.contains('6'),
            "{text}"
        );
        let e = KMeansSegmenter::new(2)
            .k_range(2..=k)
            .fit_matrix(points.view())
            .unwrap_err();
        assert_eq!(e, SegmentError::TooFewDistinctPoints { k, distinct: 6 });
    }
    for k in [7, u32::MAX as usize, usize::MAX] {
        let e = GaussianMixtureSegmenter::new(k)
            .fit_matrix(points.view())
            .unwrap_err();
        assert_eq!(e, SegmentError::TooFewDistinctPoints { k, distinct: 6 });
    }
    // Repeated rows count once.
    let repeated = array![[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]];
    assert_eq!(
        GaussianMixtureSegmenter::new(3)
            .fit_matrix(repeated.view())
            .unwrap_err(),
        SegmentError::TooFewDistinctPoints { k: 3, distinct: 2 }
    );
    assert!(matches!(
        KMeansSegmenter::new(usize::MAX).fit_matrix(points.view()),
        Err(SegmentError::InvalidParameter { name: "k", .. })
    ));
}

#[test]
fn integer_settings_at_their_extremes_are_bounded() {
    let points = groups();
    let view = points.view();
    for (settings, name) in [
        (KMeansSegmenter::new(2).n_init(usize::MAX), "n_init"),
        (
            KMeansSegmenter::new(2).max_iterations(usize::MAX),
            "max_iterations",
        ),
    ] {
        let e = settings.fit_matrix(view).unwrap_err();
        assert!(
            matches!(e, SegmentError::InvalidParameter { name: n, .. } if n == name),
            "{e:?}"
        );
        // The message states the limit.
        assert!(e.to_string().contains("at most"), "{e}");
    }
    let s = KMeansSegmenter::new(2)
        .n_init(1000)
        .max_iterations(100_000)
        .seed(u64::MAX)
        .fit_matrix(view)
        .unwrap();
    assert_segmentation_finite(&s);
    for tolerance in [0.0, 5e-324, 1e-300, 1e308, f64::MAX] {
        let s = KMeansSegmenter::new(2)
            .tolerance(tolerance)
            .max_iterations(1)
            .fit_matrix(view)
            .unwrap();
        assert_segmentation_finite(&s);
    }
    let e = GaussianMixtureSegmenter::new(2)
        .max_iterations(u64::MAX)
        .fit_matrix(view)
        .unwrap_err();
    assert!(
        matches!(
            e,
            SegmentError::InvalidParameter {
                name: "max_iterations",
                ..
            }
        ),
        "{e:?}"
    );
    for tolerance in [5e-324, 1e-300, 1e308, f64::MAX] {
        for regularisation in [0.0, 5e-324, 1e-300, 1e308, f64::MAX] {
            let fit = GaussianMixtureSegmenter::new(2)
                .tolerance(tolerance)
                .regularisation(regularisation)
                .fit_matrix(view);
            match fit {
                Ok(s) => assert_soft_finite(&s),
                Err(e) => assert!(
                    matches!(
                        e,
                        SegmentError::Linfa { .. }
                            | SegmentError::OutOfRange { .. }
                            | SegmentError::InvalidParameter { .. }
                    ),
                    "{tolerance:e} {regularisation:e}: {e:?}"
                ),
            }
        }
    }
}

#[test]
fn gaussian_mixture_on_extreme_points() {
    for v in SCALES {
        let points = groups().mapv(|x| x * v);
        let z = GaussianMixtureSegmenter::new(2)
            .transform(FeatureTransform::ZScore)
            .seed(1)
            .fit_matrix(points.view())
            .unwrap_or_else(|e| panic!("v = {v:e}: {e}"));
        assert_soft_finite(&z);
        assert!(same_partition(&z.labels, &[0, 0, 0, 1, 1, 1]), "v = {v:e}");
        // Far rows keep finite memberships.
        let far = array![[f64::MAX, -f64::MAX], [-f64::MAX, 0.0], [0.0, 0.0]];
        match z.membership(far.view()) {
            Ok(p) => assert!(finite(p.iter().copied())),
            Err(e) => assert!(
                matches!(
                    e,
                    SegmentError::TransformOverflow { .. }
                        | SegmentError::TooFarFromEveryComponent { .. }
                ),
                "{e:?}"
            ),
        }
        // Untransformed, the covariances scale with v²: beyond about 1e150 they overflow, a
        // typed error. Below about 1e-150 the default regularisation (1e-6 on the variances)
        // outweighs the data's variances by more than f64 spans: a typed error too. In between
        // the fit is finite, and it separates the groups once their variances (about 0.01·v²)
        // outweigh the regularisation.
        match GaussianMixtureSegmenter::new(2)
            .seed(1)
            .fit_matrix(points.view())
        {
            Ok(s) => {
                assert_soft_finite(&s);
                assert!((1e-150..=1e150).contains(&v), "v = {v:e}");
                if v >= 1.0 {
                    assert!(same_partition(&s.labels, &[0, 0, 0, 1, 1, 1]), "v = {v:e}");
                }
            }
            Err(e) => assert!(
                is_out_of_range(&e) && !(1e-150..=1e150).contains(&v),
                "v = {v:e}: {e:?}"
            ),
        }
    }
}

#[test]
fn fitted_transform_never_returns_a_non_finite_row() {
    for kind in TRANSFORMS {
        for mean in [0.0, 1e-300, 1e308, -f64::MAX, f64::NAN] {
            for scale in [1.0, 5e-324, f64::MIN_POSITIVE, 1e-300, 1e308, f64::MAX, 0.0] {
                let t = FittedTransform {
                    kind,
                    means: vec![mean],
                    scales: vec![scale],
                };
                for x in EXTREMES {
                    if let Ok(out) = t.apply(array![[x]].view()) {
                        assert!(out[[0, 0]].is_finite(), "{t:?} on {x}: {out}");
                    }
                }
            }
        }
    }
    // Wrong number of columns.
    let t = FittedTransform {
        kind: FeatureTransform::ZScore,
        means: vec![0.0, 0.0],
        scales: vec![1.0, 1.0],
    };
    assert!(matches!(
        t.apply(array![[1.0]].view()),
        Err(SegmentError::LengthMismatch {
            expected: 2,
            found: 1,
            ..
        })
    ));
    // A z-score far beyond f64: a typed error that names the row and column.
    let t = FittedTransform {
        kind: FeatureTransform::ZScore,
        means: vec![0.0],
        scales: vec![1e-300],
    };
    assert_eq!(
        t.apply(array![[1.0], [1e10]].view()).unwrap_err(),
        SegmentError::TransformOverflow {
            row: 1,
            column: 0,
            value: 1e10
        }
    );
}

#[test]
fn assignment_of_extreme_rows() {
    let s = KMeansSegmenter::new(2).fit_matrix(pairs().view()).unwrap();
    for x in EXTREMES {
        let rows = array![[x, 0.0], [0.0, x]];
        match s.assign_matrix(rows.view()) {
            Ok(labels) => assert_eq!(labels.len(), 2),
            Err(e) => assert!(x.is_nan() || x.is_infinite(), "{x}: {e}"),
        }
    }
    // Centroids near ±f64::MAX: the squared distances overflow f64, the nearest centroid is
    // still found. MAX/4 is 0.75·MAX from MAX/2 and 1.25·MAX from −MAX.
    let one = KMeansSegmenter::new(2)
        .fit_matrix(array![[0.0], [1.0], [10.0], [11.0]].view())
        .unwrap();
    let mut json = serde_json::to_value(&one).unwrap();
    let centroids = array![[-f64::MAX], [f64::MAX / 2.0]];
    json["centroids"] = serde_json::to_value(&centroids).unwrap();
    json["initial_centroids"] = serde_json::to_value(&centroids).unwrap();
    let far: Segmentation<usize> = serde_json::from_value(json).unwrap();
    assert_eq!(
        far.assign_matrix(array![[f64::MAX / 4.0], [-f64::MAX], [0.0]].view())
            .unwrap(),
        [1, 0, 1]
    );
}

/// A log whose customers buy at the calendar's ends and for the largest amounts a summary takes.
fn extreme_summaries() -> Vec<CustomerSummary<u64>> {
    let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    let huge = Decimal::from(1_000_000_000_000_000_000u64);
    let tiny = Decimal::new(1, 28);
    let log = vec![
        Transaction::new(0u64, first, huge),
        Transaction::new(0, last, huge),
        Transaction::new(1, first, tiny),
        Transaction::new(2, last, huge),
        Transaction::new(3, first, tiny),
        Transaction::new(3, NaiveDate::from_ymd_opt(5000, 6, 1).unwrap(), tiny),
        Transaction::new(
            4,
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            Decimal::ONE,
        ),
        Transaction::new(5, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), -huge),
    ];
    Summarizer::new(last).summarize(&log).unwrap()
}

#[test]
fn summaries_at_the_ends_of_the_calendar_and_of_money() {
    let summaries = extreme_summaries();
    let all = [
        Feature::RecencyDays,
        Feature::PurchaseOccasions,
        Feature::Monetary,
        Feature::AverageOrderValue,
        Feature::TenureDays,
    ];
    for transform in [
        FeatureTransform::None,
        FeatureTransform::ZScore,
        FeatureTransform::Log1pZScore,
    ] {
        let fit = KMeansSegmenter::new(3)
            .features(&all)
            .transform(transform)
            .fit(&summaries);
        match &fit {
            Ok(s) => {
                assert_segmentation_finite(s);
                assert_eq!(s.assign(&summaries).unwrap(), s.labels);
            }
            // A refund beyond −1 has no log1p.
            Err(e) => assert!(
                matches!(e, SegmentError::Log1pDomain { row: 5, .. }),
                "{transform:?}: {e:?}"
            ),
        }
        if let Ok(soft) = GaussianMixtureSegmenter::new(2)
            .features(&all)
            .transform(transform)
            .fit(&summaries)
        {
            assert_soft_finite(&soft);
        }
    }
}

/// What a case spoils, and how.
type Spoil = (&'static str, fn(&mut serde_json::Value));

/// A fitted segmentation as JSON, to be spoiled field by field.
fn segmentation_json() -> serde_json::Value {
    let s = KMeansSegmenter::new(2).fit_matrix(pairs().view()).unwrap();
    serde_json::to_value(&s).unwrap()
}

#[test]
fn deserialized_segmentations_that_no_fit_produces_are_refused() {
    let spoil: [Spoil; 7] = [
        ("negative inertia", |j| j["inertia"] = (-1.0).into()),
        ("kept run beyond n_init", |j| j["best_init"] = 3.into()),
        ("no initialisation", |j| j["n_init"] = 0.into()),
        ("profile of another segment", |j| {
            j["segments"][0]["segment"] = 1.into()
        }),
        ("sizes that do not add up", |j| {
            j["segments"][0]["size"] = 7.into()
        }),
        ("share above 1", |j| {
            j["segments"][0]["customer_share"] = 1.5.into()
        }),
        ("huge scale against its mean", |j| {
            j["transform"]["scales"][0] = 5e-324.into()
        }),
    ];
    for (what, spoil) in spoil {
        let mut json = segmentation_json();
        serde_json::from_value::<Segmentation<usize>>(json.clone()).unwrap();
        spoil(&mut json);
        assert!(
            serde_json::from_value::<Segmentation<usize>>(json).is_err(),
            "{what} was accepted"
        );
    }
}

#[test]
fn deserialized_soft_segmentations_and_settings_that_no_fit_produces_are_refused() {
    let soft = GaussianMixtureSegmenter::new(2)
        .fit_matrix(groups().view())
        .unwrap();
    let good = serde_json::to_value(&soft).unwrap();
    serde_json::from_value::<SoftSegmentation<usize>>(good.clone()).unwrap();
    let spoil: [Spoil; 3] = [
        ("negative probability", |j| {
            j["probabilities"]["data"][0] = (-0.5).into()
        }),
        ("probability above 1", |j| {
            j["probabilities"]["data"][0] = 1.5.into()
        }),
        ("weights that do not sum to 1", |j| {
            j["weights"][0] = 1e300.into()
        }),
    ];
    for (what, spoil) in spoil {
        let mut json = good.clone();
        spoil(&mut json);
        assert!(
            serde_json::from_value::<SoftSegmentation<usize>>(json).is_err(),
            "{what} was accepted"
        );
    }
    let kmeans = serde_json::to_value(KMeansSegmenter::new(2)).unwrap();
    for (field, value) in [
        ("n_init", serde_json::json!(u64::MAX)),
        ("max_iterations", serde_json::json!(u64::MAX)),
        ("k_max", serde_json::json!(u64::MAX)),
    ] {
        let mut json = kmeans.clone();
        json[field] = value;
        assert!(
            serde_json::from_value::<KMeansSegmenter>(json).is_err(),
            "{field}"
        );
    }
    let mut gmm = serde_json::to_value(GaussianMixtureSegmenter::new(2)).unwrap();
    gmm["max_iterations"] = serde_json::json!(u64::MAX);
    assert!(serde_json::from_value::<GaussianMixtureSegmenter>(gmm).is_err());
}

#[test]
fn far_rows_and_far_components_give_finite_memberships_or_a_typed_error() {
    let soft = GaussianMixtureSegmenter::new(2)
        .fit_matrix(groups().view())
        .unwrap();
    let mut json = serde_json::to_value(&soft).unwrap();
    // Both components pushed to the far ends of f64, with unit covariances.
    json["means"]["data"] = serde_json::json!([f64::MAX, f64::MAX, -f64::MAX, -f64::MAX]);
    json["covariances"]["data"] = serde_json::json!([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0]);
    let far: SoftSegmentation<usize> = serde_json::from_value(json).unwrap();
    for x in [0.0, f64::MAX, -f64::MAX, 1e308] {
        match far.membership(array![[x, x]].view()) {
            Ok(p) => assert!(finite(p.iter().copied()), "{x}: {p}"),
            Err(e) => assert!(
                matches!(e, SegmentError::TooFarFromEveryComponent { row: 0 }),
                "{x}: {e:?}"
            ),
        }
    }
    // The nearer component wins even when every density underflows.
    let p = far.membership(array![[f64::MAX, f64::MAX]].view()).unwrap();
    assert_eq!(p[[0, 0]], 1.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_floats_give_a_typed_error_or_finite_results(
        values in prop::collection::vec(prop::num::f64::ANY, 12)
    ) {
        let points = Array2::from_shape_vec((6, 2), values).unwrap();
        for transform in [FeatureTransform::None, FeatureTransform::ZScore] {
            if let Ok(s) = KMeansSegmenter::new(2).transform(transform).fit_matrix(points.view()) {
                assert_segmentation_finite(&s);
                prop_assert_eq!(s.assign_matrix(points.view()).unwrap(), s.labels.clone());
            }
            if let Ok(s) = GaussianMixtureSegmenter::new(2).transform(transform).fit_matrix(points.view()) {
                assert_soft_finite(&s);
            }
        }
        if let Ok(q) = metrics::quality(points.view(), &[0, 1, 0, 1, 0, 1], 1) {
            assert_quality_finite(&q);
        }
    }

    #[test]
    fn any_scale_keeps_the_partition(exponent in -300i32..=307, mantissa in 1.0f64..1.7) {
        let v = mantissa * 10f64.powi(exponent);
        let s = KMeansSegmenter::new(2)
            .transform(FeatureTransform::ZScore)
            .fit_matrix(groups().mapv(|x| x * v).view())
            .unwrap();
        prop_assert!(same_partition(&s.labels, &[0, 0, 0, 1, 1, 1]));
        assert_segmentation_finite(&s);
    }
}

#[test]
fn settings_check_is_what_fit_runs() {
    // Every refused setting is refused by check alone, before any data is read.
    assert!(KMeansSegmenter::new(2).n_init(usize::MAX).check().is_err());
    assert!(GaussianMixtureSegmenter::new(2)
        .max_iterations(u64::MAX)
        .check()
        .is_err());
}
