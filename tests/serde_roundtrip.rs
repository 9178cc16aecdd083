//! Every fitted object of the RFM and segmentation modules survives a trip through JSON
//! (`serde_json` with `float_roundtrip`): read back, it scores or assigns every CDNOW customer
//! exactly as before, with bit-identical floats; a value no fit or check would produce is refused
//! when read, with a clear message.

mod common;

use chrono::NaiveDate;
use customer_value::report::ReportConfig;
use customer_value::rfm::{
    value_matrix, FittedRfm, SegmentMap, SegmentRule, SegmentRules, SplitAt, ValueMatrixOptions,
};
use customer_value::segment::{
    Feature, FeatureTransform, FittedTransform, GaussianMixtureSegmenter, KCriterion,
    KMeansSegmenter, SegmentError, Segmentation, SoftSegmentation,
};
use customer_value::summary::CustomerSummary;
use customer_value::{Binning, MonetaryBasis, RfmScorer, Summarizer};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn summaries() -> Vec<CustomerSummary<u32>> {
    Summarizer::new(NaiveDate::from_ymd_opt(1998, 6, 30).unwrap())
        .summarize(&common::cdnow_master())
        .unwrap()
}

fn round_trip<T: Serialize + DeserializeOwned>(value: &T) -> T {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

/// The message of the error reading `value` back as `T` (it must be refused).
fn refused<T: DeserializeOwned + std::fmt::Debug>(value: serde_json::Value) -> String {
    serde_json::from_value::<T>(value).unwrap_err().to_string()
}

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

fn rules() -> SegmentRules {
    SegmentRules::new(
        vec![
            SegmentRule::new("Champions", 4..=5, 4..=5, 4..=5),
            SegmentRule::new("Lapsed big spenders", 1..=2, 1..=5, 4..=5),
        ],
        "Others",
    )
}

#[test]
fn rfm_scorers_and_fitted_breakpoints_round_trip_bit_identically() {
    let summaries = summaries();
    let scorers = [
        RfmScorer::new(),
        RfmScorer::new()
            .bins(4)
            .binning(Binning::EqualCount)
            .monetary(MonetaryBasis::AveragePerOccasion),
        RfmScorer::new().segments(SegmentMap::Rules(rules())),
        RfmScorer::new().bins(3).binning(Binning::Thresholds {
            recency: vec![30.5, 180.25],
            frequency: vec![1.0, 3.0],
            monetary: vec![20.1, 100.7],
        }),
    ];
    for scorer in scorers {
        let back = round_trip(&scorer);
        assert_eq!(back, scorer);
        let fitted = scorer.fit(&summaries).unwrap();
        assert_eq!(back.fit(&summaries).unwrap(), fitted);
        let stored: FittedRfm = round_trip(&fitted);
        for (a, b) in [
            (&stored.breakpoints().recency, &fitted.breakpoints().recency),
            (
                &stored.breakpoints().frequency,
                &fitted.breakpoints().frequency,
            ),
            (
                &stored.breakpoints().monetary,
                &fitted.breakpoints().monetary,
            ),
        ] {
            assert_eq!(bits(a), bits(b));
        }
        assert_eq!(stored, fitted);
        assert!(stored.score(&summaries).unwrap() == fitted.score(&summaries).unwrap());
    }
}

#[test]
fn rfm_values_no_fit_produces_are_refused_when_read() {
    let fitted = RfmScorer::new().bins(3).fit(&summaries()).unwrap();
    let json = serde_json::to_value(&fitted).unwrap();
    let mut more_cuts = json.clone();
    more_cuts["breakpoints"]["monetary"] = serde_json::json!([1.0, 2.0, 3.0]);
    assert_eq!(
        refused::<FittedRfm>(more_cuts),
        "breakpoints.monetary has 3 values, 2 are needed"
    );
    let mut unsorted = json.clone();
    unsorted["breakpoints"]["recency"] = serde_json::json!([200.0, 100.0]);
    assert!(refused::<FittedRfm>(unsorted).contains("breakpoints must be sorted"));
    let mut bins = json;
    bins["bins"] = serde_json::json!(11);
    assert!(refused::<FittedRfm>(bins).starts_with("bins = 11 is invalid"));

    let mut scorer = serde_json::to_value(RfmScorer::new()).unwrap();
    scorer["bins"] = serde_json::json!(1);
    assert!(refused::<RfmScorer>(scorer).starts_with("bins = 1 is invalid"));

    let mut bad_rules = serde_json::to_value(rules()).unwrap();
    bad_rules["rules"][1]["name"] = serde_json::json!(" ");
    assert_eq!(
        refused::<SegmentRules>(bad_rules),
        "segment rule 1 ( ): name must not be empty"
    );

    let bad_options = serde_json::json!({"split": "Median", "max_recency_days": -5});
    assert!(refused::<ValueMatrixOptions>(bad_options).starts_with("max_recency_days = -5"));
}

#[test]
fn value_matrix_options_and_segment_rules_round_trip() {
    let summaries = summaries();
    let options = ValueMatrixOptions {
        split: SplitAt::Median,
        max_recency_days: Some(365),
    };
    let back = round_trip(&options);
    assert_eq!(back, options);
    assert_eq!(
        value_matrix(&summaries, &back).unwrap(),
        value_matrix(&summaries, &options).unwrap()
    );
    assert_eq!(round_trip(&rules()), rules());
}

#[test]
fn segmentations_round_trip_and_assign_every_customer_identically() {
    let summaries = summaries();
    let segmenters = [
        ReportConfig::default().segmentation,
        KMeansSegmenter::new(2)
            .k_range(2..=4)
            .criterion(KCriterion::CalinskiHarabasz)
            .features(&[
                Feature::RecencyDays,
                Feature::AverageOrderValue,
                Feature::TenureDays,
            ])
            .tolerance(1e-6)
            .seed(11),
    ];
    for segmenter in segmenters {
        let back = round_trip(&segmenter);
        assert_eq!(back, segmenter);
        let fitted = segmenter.fit(&summaries).unwrap();
        let stored: Segmentation<u32> = round_trip(&fitted);
        let original: Vec<u64> = fitted.centroids.iter().map(|v| v.to_bits()).collect();
        let read: Vec<u64> = stored.centroids.iter().map(|v| v.to_bits()).collect();
        assert_eq!(read, original);
        assert_eq!(bits(&stored.transform.means), bits(&fitted.transform.means));
        assert_eq!(
            bits(&stored.transform.scales),
            bits(&fitted.transform.scales)
        );
        assert_eq!(stored.segments, fitted.segments);
        // Every customer is assigned as before (compared without printing 23,570 labels).
        let assigned = stored.assign(&summaries).unwrap();
        assert!(assigned == fitted.assign(&summaries).unwrap());
        assert!(stored.labels == fitted.labels && stored.customers == fitted.customers);
        // The settings read back refit to the same segmentation.
        assert!(back.fit(&summaries).unwrap().labels == fitted.labels);
        // The points are not stored: quality needs the original fit.
        assert_eq!(stored.quality(0).unwrap_err(), SegmentError::EmptyInput);
    }
}

#[test]
fn segmentations_no_fit_produces_are_refused_when_read() {
    let summaries = summaries();
    let fitted = KMeansSegmenter::new(3).fit(&summaries[..500]).unwrap();
    let json = serde_json::to_value(&fitted).unwrap();
    let mut wide = json.clone();
    wide["centroids"] = serde_json::to_value(ndarray::Array2::<f64>::zeros((3, 4))).unwrap();
    assert_eq!(
        refused::<Segmentation<u32>>(wide),
        "centroid columns (the transform's): expected length 3 but found 4"
    );
    let mut unsorted = json.clone();
    unsorted["customers"].as_array_mut().unwrap().swap(0, 1);
    assert!(refused::<Segmentation<u32>>(unsorted).contains("must be sorted by id"));
    let mut label = json.clone();
    label["labels"][7] = serde_json::json!(3);
    assert!(refused::<Segmentation<u32>>(label).contains("every label must be below k"));
    let mut scale = json;
    scale["transform"]["scales"][1] = serde_json::json!(0.0);
    assert!(refused::<Segmentation<u32>>(scale).contains("must be finite and positive"));

    let transform = serde_json::json!({"kind": "ZScore", "means": [0.0, 1.0], "scales": [1.0]});
    assert_eq!(
        refused::<FittedTransform>(transform),
        "transform scales: expected length 2 but found 1"
    );
    let mut k_zero = serde_json::to_value(KMeansSegmenter::new(3)).unwrap();
    k_zero["k_min"] = serde_json::json!(0);
    assert!(refused::<KMeansSegmenter>(k_zero).starts_with("invalid parameter k = 0"));
    let mut repeated = serde_json::to_value(GaussianMixtureSegmenter::new(3)).unwrap();
    repeated["features"] = serde_json::json!(["Monetary", "Monetary"]);
    assert!(refused::<GaussianMixtureSegmenter>(repeated).starts_with("invalid parameter features"));
}

#[test]
fn gaussian_mixture_settings_round_trip_and_refit_identically() {
    let summaries = summaries();
    let segmenter = GaussianMixtureSegmenter::new(3)
        .transform(FeatureTransform::Log1pZScore)
        .tolerance(1e-4)
        .regularisation(1e-5)
        .seed(5);
    let back = round_trip(&segmenter);
    assert_eq!(back, segmenter);
    let first = segmenter.fit(&summaries[..2000]).unwrap();
    let again = back.fit(&summaries[..2000]).unwrap();
    assert!(again.labels == first.labels);
    let p: Vec<u64> = first.probabilities.iter().map(|v| v.to_bits()).collect();
    let q: Vec<u64> = again.probabilities.iter().map(|v| v.to_bits()).collect();
    assert!(p == q);

    // The fitted mixture read back gives bit-identical memberships for every CDNOW customer.
    let stored: SoftSegmentation<u32> = round_trip(&first);
    assert!(stored == first);
    let raw = ndarray::Array2::from_shape_fn((summaries.len(), 3), |(row, column)| {
        Feature::RFM[column].value(&summaries[row])
    });
    let before = first.membership(raw.view()).unwrap();
    let after = stored.membership(raw.view()).unwrap();
    assert!(before.iter().all(|p| p.is_finite()));
    let before: Vec<u64> = before.iter().map(|v| v.to_bits()).collect();
    let after: Vec<u64> = after.iter().map(|v| v.to_bits()).collect();
    assert!(before == after);
    assert!(stored.assign_matrix(raw.view()).unwrap() == first.assign_matrix(raw.view()).unwrap());

    let mut not_definite = serde_json::to_value(&first).unwrap();
    not_definite["covariances"]["data"][0] = serde_json::json!(-1.0);
    assert!(refused::<SoftSegmentation<u32>>(not_definite)
        .contains("each covariance must be symmetric positive definite"));
}
