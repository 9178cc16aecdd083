//! The numbers behind the charts (no feature needed): each chart's plot data against the peer
//! libraries' values and the crate's own computations.

mod common;

use chrono::NaiveDate;
use customer_value::charts::{
    alive_history_chart, alive_matrix_chart, cohort_retention_chart, frequency_recency_chart,
    holdout_chart, purchase_count_chart, rfm_heatmap_chart, segment_share_chart, segment_totals,
    tracking_chart, transition_chart, ChartError, FrequencyRecencyGrid, LineStyle, SegmentTotal,
    TrackingView, ACQUIRED_ROW,
};
use customer_value::clv::diagnostics::{holdout_comparison, probability_alive_matrix};
use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
use customer_value::clv::{alive_path, BgNbd, ClvError};
use customer_value::kpi::{CohortMatrix, CohortPeriod};
use customer_value::lifecycle::{LifecycleClassifier, LifecycleStage as Stage};
use customer_value::{RfmScorer, Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// BG/NBD on the CDNOW sample, weeks (Fader, Hardie & Lee 2005, table 1).
fn cdnow_bg_nbd() -> BgNbd {
    BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-8 * b.abs().max(1e-12)
}

/// The grid x = 0..=4, t_x = 0, 13, 26, 39, T = 39 weeks, and lifetimes 0.11.3's values there:
/// `BetaGeoFitter` with `params_` = (r, α, a, b) above,
/// `conditional_expected_number_of_purchases_up_to_time(1, x, t_x, 39)` and
/// `conditional_probability_alive(x, t_x, 39)`, as `plot_frequency_recency_matrix` and
/// `plot_probability_alive_matrix` evaluate them: ((row, column), expected, P(alive)).
const LIFETIMES_CELLS: [((usize, usize), f64, f64); 6] = [
    ((0, 0), 0.005577676140330424, 1.0),
    ((0, 1), 0.004315155498074311, 0.15144364104896116),
    ((2, 2), 0.03392810452396279, 0.66040263181233),
    ((3, 4), 0.08471144601182817, 0.8724875381894195),
    ((1, 4), 0.012062682180884972, 0.12423987991530891),
    ((3, 3), 0.06295838101711763, 0.8480551829852462),
];

fn small_grid() -> FrequencyRecencyGrid {
    FrequencyRecencyGrid {
        max_frequency: 4,
        age: 39.0,
        recency_points: 4,
        unit: TimeUnit::Weeks,
    }
}

#[test]
fn frequency_recency_cells_are_lifetimes() {
    let chart = frequency_recency_chart(&cdnow_bg_nbd(), &small_grid(), 1.0).unwrap();
    assert_eq!(chart.x_labels, ["0", "1", "2", "3", "4"]);
    assert_eq!(chart.y_labels, ["0", "13", "26", "39"]);
    for ((row, column), expected, _) in LIFETIMES_CELLS {
        let cell = chart.cells[row][column].unwrap();
        assert!(
            close(cell, expected),
            "({row}, {column}): {cell} vs {expected}"
        );
    }
    // No customer has x = 0 and t_x > 0.
    assert!((1..4).all(|row| chart.cells[row][0].is_none()));
    assert_eq!(
        chart.title,
        "Expected purchases in the next week, customers of age 39 weeks"
    );
    assert_eq!(
        chart.y_axis.text(),
        "Recency t_x (weeks after the first purchase)"
    );
}

#[test]
fn alive_matrix_cells_are_lifetimes() {
    let matrix = probability_alive_matrix(&cdnow_bg_nbd(), 4, 39.0, 4).unwrap();
    let chart = alive_matrix_chart(&matrix, TimeUnit::Weeks).unwrap();
    for ((row, column), _, alive) in LIFETIMES_CELLS {
        let cell = chart.cells[row][column].unwrap();
        assert!(close(cell, alive), "({row}, {column}): {cell} vs {alive}");
    }
    assert_eq!(chart.value_axis.text(), "P(alive)");
}

#[test]
fn bad_grids_are_refused_with_the_value() {
    let model = cdnow_bg_nbd();
    let grid = FrequencyRecencyGrid {
        age: f64::NAN,
        ..small_grid()
    };
    assert!(matches!(
        frequency_recency_chart(&model, &grid, 1.0),
        Err(ChartError::InvalidParameter { name: "age", value, .. }) if value.is_nan()
    ));
    let grid = FrequencyRecencyGrid {
        recency_points: 1,
        ..small_grid()
    };
    assert!(matches!(
        frequency_recency_chart(&model, &grid, 1.0),
        Err(ChartError::InvalidParameter { name: "recency_points", value, .. }) if value == 1.0
    ));
    assert!(matches!(
        frequency_recency_chart(&model, &small_grid(), -1.0),
        Err(ChartError::InvalidParameter { name: "horizon", value, .. }) if value == -1.0
    ));
}

#[test]
fn cdnow_tracking_series_are_the_tracking() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let options = TrackingOptions::weekly(day(1997, 1, 1), 78, day(1997, 9, 30));
    let tracking = transaction_tracking(&cdnow_bg_nbd(), &summaries, &options).unwrap();
    let cumulative = tracking_chart(&tracking, &options, TrackingView::Cumulative).unwrap();
    let incremental = tracking_chart(&tracking, &options, TrackingView::Incremental).unwrap();
    for (k, period) in tracking.periods.iter().enumerate() {
        let week = (k + 1) as f64;
        assert_eq!(
            cumulative.series[0].points[k],
            [week, period.cumulative_actual as f64]
        );
        assert_eq!(
            cumulative.series[1].points[k],
            [week, period.cumulative_expected]
        );
        assert_eq!(
            incremental.series[0].points[k],
            [week, period.actual as f64]
        );
        assert_eq!(incremental.series[1].points[k], [week, period.expected]);
    }
    assert_eq!(cumulative.series[1].style, LineStyle::Dashed);
    // Weeks 1–39 are the calibration (1997-01-01 to 1997-09-30), as in BTYD's vignette.
    assert_eq!(cumulative.markers.len(), 1);
    assert_eq!(cumulative.markers[0].x, 39.5);
    assert_eq!(
        cumulative.x_axis.text(),
        "Period (weeks of 7 days from 1997-01-01)"
    );
}

#[test]
fn cdnow_purchase_counts_are_the_papers() {
    let (histories, _) = common::cdnow_sample_split();
    let chart = purchase_count_chart(&cdnow_bg_nbd(), &histories, 7).unwrap();
    // Fader, Hardie & Lee (2005), figure 3: 1,411 of the 2,357 customers made no repeat
    // purchase in the 39 calibration weeks.
    assert_eq!(chart.series[0].values[0], 1411.0);
    assert_eq!(chart.series[0].values.iter().sum::<f64>(), 2357.0);
    // The model's bins add up to the customers too (the last bin takes the rest).
    let expected: f64 = chart.series[1].values.iter().sum();
    assert!((expected - 2357.0).abs() < 1e-6);
    assert_eq!(chart.categories.last().unwrap(), "7+");
}

#[test]
fn cdnow_holdout_bars_are_the_comparison() {
    let model = cdnow_bg_nbd();
    let (histories, holdout) = common::cdnow_sample_split();
    let comparison = holdout_comparison(&model, &histories, &holdout, 39.0, 7).unwrap();
    let chart = holdout_chart(&comparison, 39.0, TimeUnit::Weeks).unwrap();
    for (k, row) in comparison.rows.iter().enumerate() {
        assert_eq!(chart.series[0].values[k], row.actual);
        assert_eq!(chart.series[1].values[k], row.predicted);
    }
    assert!(matches!(
        holdout_chart(&comparison, 0.0, TimeUnit::Weeks),
        Err(ChartError::InvalidParameter {
            name: "holdout_length",
            ..
        })
    ));
}

#[test]
fn alive_history_marks_each_purchase() {
    let model = cdnow_bg_nbd();
    let path = alive_path(&model, &[0.0, 1.0, 10.0], 20.0, 0.5).unwrap();
    let chart = alive_history_chart(&path, TimeUnit::Weeks).unwrap();
    let marked: Vec<f64> = chart.markers.iter().map(|m| m.x).collect();
    assert_eq!(marked, [0.0, 1.0, 10.0]);
    assert_eq!(chart.series[0].points.len(), 41);
    assert!(matches!(
        alive_history_chart(&[], TimeUnit::Days),
        Err(ChartError::EmptyInput { name: "path" })
    ));
}

#[test]
fn model_errors_arrive_typed() {
    // A history the model refuses is the model's error, carried.
    let err = purchase_count_chart(&cdnow_bg_nbd(), &[], 3).unwrap_err();
    assert_eq!(err, ChartError::Clv(ClvError::EmptyInput));
    let crate_error: customer_value::Error = err.into();
    assert!(matches!(crate_error, customer_value::Error::Chart(_)));
}

#[cfg(feature = "serde")]
#[test]
fn chart_data_round_trips_through_json() {
    let chart = frequency_recency_chart(&cdnow_bg_nbd(), &small_grid(), 1.0).unwrap();
    let json = serde_json::to_string(&chart).unwrap();
    assert!(json.contains("\"cells\":[[0.0055776761"));
    let back: customer_value::charts::HeatmapChart = serde_json::from_str(&json).unwrap();
    assert_eq!(back, chart);
}

// ---------------------------------------------------------------- survey and spend charts
// (spend against Gamma-Gamma, NPS with its interval, the key-driver quadrant)

#[path = "common/survey.rs"]
mod survey;

mod survey_and_spend {
    use super::common;
    use super::survey::{survey_answers, synthetic_survey};
    use customer_value::charts::{
        driver_quadrant_chart, nps_chart, spend_chart, ChartError, QuadrantSplits, SpendBins, Tone,
    };
    use customer_value::clv::{ClvError, GammaGamma, SpendHistory};
    use customer_value::satisfaction::{KeyDrivers, SatisfactionError};

    /// REFERENCE.md's Gamma-Gamma MLE on the 946 CDNOW repeat buyers.
    fn spend_mle() -> GammaGamma {
        GammaGamma::new(6.2488025, 3.7445885, 15.4477481).unwrap()
    }

    fn cdnow_spend() -> Vec<SpendHistory> {
        (common::cdnow_summary().iter())
            .map(|[x, _, _, z]| SpendHistory::new(*x, *z).unwrap())
            .collect()
    }

    #[test]
    fn the_mean_spend_distribution_is_scipys_integral_of_the_density() {
        // scipy 1.x: integrate.quad of Γ(px+q)/(Γ(px)Γ(q)) γ^q z^(px−1) x^px / (γ + xz)^(px+q)
        // over (0, z], epsabs 1e-14 (Fader & Hardie 2013, eq. 3, at the CDNOW MLE).
        let model = spend_mle();
        let scipy = [
            ((1.0, 10.0), 0.06701372222446612),
            ((1.0, 35.0), 0.6533264211162002),
            ((2.0, 22.35), 0.3639865566245628),
            ((5.0, 50.0), 0.8301121040322009),
            ((29.0, 30.0), 0.5451213688275628),
        ];
        for ((x, z), want) in scipy {
            let got = model.mean_spend_cdf(x, z).unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "x = {x}, z = {z}: {got} vs {want}"
            );
        }
        assert_eq!(model.mean_spend_cdf(3.0, 1e308).unwrap(), 1.0);
        assert!(matches!(
            model.mean_spend_cdf(1.0, f64::NAN),
            Err(ClvError::InvalidArgument { name: "spend", value, .. }) if value.is_nan()
        ));
        assert!(matches!(
            model.mean_spend_cdf(-1.0, 3.0),
            Err(ClvError::InvalidArgument { name: "frequency", value, .. }) if value == -1.0
        ));
    }

    #[test]
    fn cdnow_spend_bars_are_pandas_and_scipy() {
        let histories = cdnow_spend();
        let bins = SpendBins::covering(&histories, 16).unwrap();
        // numpy.percentile(zbar[x > 0], 95) = 89.085: 15 closed bins of 10.
        assert_eq!(
            bins,
            SpendBins {
                width: 10.0,
                count: 16
            }
        );
        let chart = spend_chart(&spend_mle(), &histories, &bins).unwrap();
        // pandas: bincount(min(zbar // 10, 15)) over the 946 rows with x > 0.
        let actual = [
            29.0, 296.0, 221.0, 142.0, 97.0, 51.0, 31.0, 23.0, 10.0, 12.0, 8.0, 2.0, 8.0, 2.0, 1.0,
            13.0,
        ];
        assert_eq!(chart.series[0].values, actual);
        // Σ over the x groups of count × (quad of the density over the bin), scipy as above.
        let scipy = [
            43.12902741520091,
            244.65921704744397,
            241.57239040069018,
            155.30599732392741,
            92.78659288616625,
            55.99915080595887,
            34.844134182388245,
            22.42741370464115,
            14.907568878995551,
            10.20245749509704,
            7.166395348414843,
            5.151410369814817,
            3.779728032623214,
            2.8244373259818882,
            2.145369520938927,
            9.098709261716872,
        ];
        for (k, (got, want)) in chart.series[1].values.iter().zip(scipy).enumerate() {
            assert!((got - want).abs() < 1e-9, "bin {k}: {got} vs {want}");
        }
        assert_eq!(chart.categories[0], "0–10");
        assert_eq!(chart.categories[15], "150+");
    }

    #[test]
    fn bad_spend_bins_and_no_repeat_customer_are_typed_errors() {
        let model = spend_mle();
        let one = [SpendHistory::new(1.0, 5.0).unwrap()];
        for (bins, name) in [
            (
                SpendBins {
                    width: f64::NAN,
                    count: 4,
                },
                "width",
            ),
            (
                SpendBins {
                    width: -1.0,
                    count: 4,
                },
                "width",
            ),
            (
                SpendBins {
                    width: 1.0,
                    count: 1,
                },
                "count",
            ),
            (
                SpendBins {
                    width: 1.0,
                    count: 201,
                },
                "count",
            ),
        ] {
            assert!(matches!(
                spend_chart(&model, &one, &bins),
                Err(ChartError::InvalidParameter { name: n, .. }) if n == name
            ));
        }
        let none = [SpendHistory::new(0.0, 0.0).unwrap()];
        let bins = SpendBins {
            width: 1.0,
            count: 4,
        };
        assert_eq!(
            spend_chart(&model, &none, &bins),
            Err(ChartError::EmptyInput { name: "histories" })
        );
        assert_eq!(SpendBins::covering(&none, 4), None);
        // One customer: the model's bars still add up to one.
        let chart = spend_chart(&model, &one, &bins).unwrap();
        let total: f64 = chart.series[1].values.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn nps_bars_and_interval_are_numpy_and_scipy() {
        let chart = nps_chart(&survey_answers(), 0.95).unwrap();
        // numpy.bincount(answers, minlength=11).
        let counts = [3.0, 2.0, 2.0, 3.0, 2.0, 0.0, 3.0, 12.0, 13.0, 30.0, 30.0];
        assert_eq!(chart.values, counts);
        assert_eq!(chart.categories.len(), 11);
        let tones: Vec<Tone> = chart
            .class_of
            .iter()
            .map(|&c| chart.classes[c].tone)
            .collect();
        assert_eq!(tones[6], Tone::Negative);
        assert_eq!((tones[7], tones[8]), (Tone::Neutral, Tone::Neutral));
        assert_eq!((tones[9], tones[10]), (Tone::Positive, Tone::Positive));
        // Rocks (2016)'s score interval for 60/25/15 by an independent scipy solver
        // (minimize_scalar for the restricted shares, brentq for the bounds): [29.2569, 58.1257].
        let interval = chart.estimates[0].interval;
        assert!((interval.estimate - 45.0).abs() < 1e-9);
        assert!((interval.lower - 29.2569).abs() < 1e-4, "{interval:?}");
        assert!((interval.upper - 58.1257).abs() < 1e-4, "{interval:?}");
        assert_eq!(
            chart.estimates[0].text(),
            "NPS 45.0, 95% interval 29.3 to 58.1"
        );
        assert_eq!(chart.estimates[0].scale, Some([-100.0, 100.0]));
    }

    #[test]
    fn bad_nps_answers_are_typed_errors() {
        assert_eq!(
            nps_chart(&[], 0.95),
            Err(ChartError::Satisfaction(SatisfactionError::EmptyInput))
        );
        assert!(matches!(
            nps_chart(&[3, 11], 0.95),
            Err(ChartError::Satisfaction(SatisfactionError::OutOfScale {
                position: 1,
                ..
            }))
        ));
        assert!(matches!(
            nps_chart(&[3], 1.0),
            Err(ChartError::Satisfaction(
                SatisfactionError::InvalidParameter { name: "level", .. }
            ))
        ));
        // One answer: one bar, an interval on the scale.
        let chart = nps_chart(&[7], 0.9).unwrap();
        assert_eq!(chart.values.iter().sum::<f64>(), 1.0);
        let interval = chart.estimates[0].interval;
        assert!(interval.lower >= -100.0 && interval.upper <= 100.0);
    }

    #[test]
    fn driver_points_are_numpys_relative_weights_and_means() {
        let (overall, drivers) = synthetic_survey();
        let analysis = KeyDrivers::analyse(&overall, drivers.view()).unwrap();
        let names = ["Price", "Product quality", "Delivery", "Support"];
        let splits = QuadrantSplits::at_means(&analysis);
        let chart = driver_quadrant_chart(&analysis, &names, &splits).unwrap();
        // numpy (tests/satisfaction.rs): Johnson's relative weights over R² = 0.9115856280029002,
        // and the drivers' mean scores.
        let r_squared = 0.9115856280029002;
        let weights = [
            0.5301765522118359,
            0.31831555028152003,
            0.06029251987262169,
            0.00280100563692218,
        ];
        let means = [2.966666666666667, 3.1666666666666665, 2.9, 2.95];
        for (j, point) in chart.points.iter().enumerate() {
            assert_eq!(point.label, names[j]);
            assert!((point.y - 100.0 * weights[j] / r_squared).abs() < 1e-9);
            assert!((point.x - means[j]).abs() < 1e-12);
        }
        // Mean importance 25%, mean performance (numpy.mean of the means) 2.9958333333333336.
        assert!((chart.y_split.unwrap() - 25.0).abs() < 1e-12);
        assert!((chart.x_split.unwrap() - 2.9958333333333336).abs() < 1e-12);
        let quadrants: Vec<&str> = (chart.points.iter())
            .map(|p| chart.groups[p.group].as_str())
            .collect();
        assert_eq!(
            quadrants,
            [
                "Concentrate here",
                "Keep up the good work",
                "Low priority",
                "Low priority"
            ]
        );
        // A caller's split moves the quadrants: at performance 3.2 nothing performs.
        let strict = QuadrantSplits {
            performance: 3.2,
            ..splits
        };
        let chart = driver_quadrant_chart(&analysis, &names, &strict).unwrap();
        assert_eq!(chart.groups[chart.points[1].group], "Concentrate here");
        assert_eq!(
            driver_quadrant_chart(&analysis, &names[..3], &splits),
            Err(ChartError::LengthMismatch {
                name: "names",
                expected: 4,
                found: 3
            })
        );
        let nan = QuadrantSplits {
            importance: f64::NAN,
            ..splits
        };
        assert!(matches!(
            driver_quadrant_chart(&analysis, &names, &nan),
            Err(ChartError::InvalidParameter {
                name: "importance",
                ..
            })
        ));
    }

    #[test]
    fn classed_bars_and_scatters_refuse_bad_shapes_with_the_value() {
        let mut bars = nps_chart(&[10, 3], 0.95).unwrap();
        bars.class_of[4] = 3;
        assert_eq!(
            bars.check(),
            Err(ChartError::InvalidValue {
                name: "class_of",
                position: 4,
                value: 3.0
            })
        );
        bars.class_of[4] = 0;
        bars.estimates[0].scale = Some([100.0, -100.0]);
        assert!(matches!(
            bars.check(),
            Err(ChartError::InvalidParameter { name: "scale", value, .. }) if value == -200.0
        ));
        bars.estimates[0].scale = None;
        bars.estimates[0].interval.upper = f64::INFINITY;
        assert!(matches!(
            bars.check(),
            Err(ChartError::InvalidValue {
                name: "estimates",
                position: 2,
                ..
            })
        ));
        let (overall, drivers) = synthetic_survey();
        let analysis = KeyDrivers::analyse(&overall, drivers.view()).unwrap();
        let names = ["a", "b", "c", "d"];
        let splits = QuadrantSplits::at_means(&analysis);
        let mut scatter = driver_quadrant_chart(&analysis, &names, &splits).unwrap();
        scatter.points[2].y = f64::NAN;
        assert!(matches!(
            scatter.check(),
            Err(ChartError::InvalidValue {
                name: "points",
                position: 5,
                ..
            })
        ));
        scatter.points[2].y = 1.0;
        scatter.points[1].group = 9;
        assert_eq!(
            scatter.check(),
            Err(ChartError::InvalidValue {
                name: "group",
                position: 1,
                value: 9.0
            })
        );
        scatter.points.clear();
        assert_eq!(
            scatter.check(),
            Err(ChartError::EmptyInput { name: "points" })
        );
        assert_eq!(scatter.bounds(), None);
    }

    proptest::proptest! {
        /// The model's bars are probabilities summed over the repeat customers: never negative,
        /// and they add up to the number of repeat customers; the distribution of z̄ rises.
        #[test]
        fn spend_bars_add_up_to_the_repeat_customers(
            p in 0.2f64..20.0,
            q in 0.5f64..20.0,
            gamma in 0.1f64..500.0,
            rows in proptest::collection::vec((0u32..40, 0.01f64..1e4), 1..40),
            width in 0.5f64..200.0,
            count in 2usize..30,
        ) {
            let model = GammaGamma::new(p, q, gamma).unwrap();
            let histories: Vec<SpendHistory> = rows
                .iter()
                .map(|&(x, z)| SpendHistory::new(f64::from(x), if x == 0 { 0.0 } else { z }).unwrap())
                .collect();
            let repeat = rows.iter().filter(|(x, _)| *x > 0).count() as f64;
            let bins = SpendBins { width, count };
            match spend_chart(&model, &histories, &bins) {
                Ok(chart) => {
                    let expected = &chart.series[1].values;
                    proptest::prop_assert!(expected.iter().all(|&v| v >= 0.0));
                    let total: f64 = expected.iter().sum();
                    proptest::prop_assert!((total - repeat).abs() <= 1e-9 * repeat.max(1.0));
                    let actual: f64 = chart.series[0].values.iter().sum();
                    proptest::prop_assert_eq!(actual, repeat);
                }
                Err(error) => {
                    proptest::prop_assert_eq!(repeat, 0.0);
                    proptest::prop_assert_eq!(error, ChartError::EmptyInput { name: "histories" });
                }
            }
            let (low, high) = (model.mean_spend_cdf(2.0, width).unwrap(), model.mean_spend_cdf(2.0, 2.0 * width).unwrap());
            proptest::prop_assert!(0.0 <= low && low <= high && high <= 1.0);
        }
    }
}
// ---------------------------------------------------------------------------------------------
// The CRM charts: RFM heatmap, segment shares, cohort retention, lifecycle transitions.
// ---------------------------------------------------------------------------------------------

/// pandas 3.1.1 and numpy on `tests/data/CDNOW_sample.txt`, computed independently of the
/// crate (a purchase day per date, every CDNOW amount being positive):
///
/// ```python
/// g = df.groupby('id'); end = pd.Timestamp('1998-06-30')
/// c = pd.DataFrame({'recency': (end - g.date.max()).dt.days,
///                   'freq': g.date.nunique(), 'monetary': g.amount.sum()})
/// cuts = {k: np.quantile(c[k].astype(float), [.2, .4, .6, .8]) for k in c}
/// c['R'] = 5 - np.searchsorted(cuts['recency'], c.recency, side='left')
/// c['F'] = 1 + np.searchsorted(cuts['freq'], c.freq, side='left')
/// c.groupby(['R', 'F']).monetary.agg(['mean', 'count'])
/// ```
///
/// ((R, F), mean, count) of four cells:
const PANDAS_RFM_CELLS: [((usize, usize), f64, u64); 4] = [
    ((1, 1), 31.525763097949884, 439),
    ((3, 5), 1766.7150000000001, 4),
    ((5, 5), 387.9366287878788, 264),
    ((4, 3), 66.03857894736842, 190),
];

#[test]
fn cdnow_rfm_heatmap_cells_are_pandas() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let records = RfmScorer::new().score(&summaries).unwrap();
    let chart = rfm_heatmap_chart(&records, 5).unwrap();
    for ((r, f), mean, count) in PANDAS_RFM_CELLS {
        let cell = chart.heatmap.cells[r - 1][f - 1].unwrap();
        assert!(close(cell, mean), "R {r} F {f}: {cell} vs {mean}");
        assert_eq!(chart.counts[r - 1][f - 1], count);
    }
    // The frequency cuts 1, 1, 2, 4 leave F = 2 empty, and pandas has 16 cells.
    assert!((0..5).all(|r| chart.heatmap.cells[r][1].is_none() && chart.counts[r][1] == 0));
    let filled = chart.heatmap.cells.iter().flatten().flatten().count();
    assert_eq!((filled, chart.total()), (16, 2357));
}

#[test]
fn rfm_heatmap_refuses_bad_bins_and_scores() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let records = RfmScorer::new().score(&summaries).unwrap();
    assert!(matches!(
        rfm_heatmap_chart(&records, 11),
        Err(ChartError::InvalidParameter { name: "bins", value, .. }) if value == 11.0
    ));
    // Quintile scores on a grid of four levels: the first score of 5 is refused.
    let position = records.iter().position(|r| r.score.recency == 5).unwrap();
    assert_eq!(
        rfm_heatmap_chart(&records, 4),
        Err(ChartError::InvalidValue {
            name: "recency score",
            position,
            value: 5.0
        })
    );
    let none: [customer_value::RfmRecord<u32>; 0] = [];
    assert_eq!(
        rfm_heatmap_chart(&none, 5),
        Err(ChartError::EmptyInput { name: "records" })
    );
}

/// The same pandas frame, each customer named by the default segment map (R 5 and F 4–5
/// Champions, …, R 1–2 and F 1–2 Hibernating), then
/// `c.groupby('seg').agg(n=('monetary', 'size'), rev=('monetary', 'sum'))` as percentages of
/// their sums, sorted by `n` descending (stable): (segment, share of customers, of revenue).
const PANDAS_SEGMENT_SHARES: [(&str, f64, f64); 8] = [
    ("Hibernating", 36.27492575307594, 11.07486384023987),
    ("Champions", 17.56470089096309, 49.06888363458457),
    ("About to Sleep", 15.400933389902418, 4.190486584686082),
    ("Loyal Customers", 13.19473907509546, 23.694051511901623),
    ("Potential Loyalists", 10.606703436571914, 6.902522057877044),
    ("Need Attention", 3.4789987271955876, 2.046355975539381),
    ("At Risk", 3.3941450997030125, 2.5023521874585453),
    ("Can't Lose Them", 0.0848536274925753, 0.5204842077128807),
];

#[test]
fn cdnow_segment_shares_are_pandas() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let records = RfmScorer::new().score(&summaries).unwrap();
    // The default scorer's monetary value is the total net spend: the revenue to share.
    let totals = segment_totals(records.iter().map(|r| (r.segment.name(), r.monetary)));
    let chart = segment_share_chart(&totals).unwrap();
    assert_eq!(chart.categories.len(), PANDAS_SEGMENT_SHARES.len());
    for (k, (name, customers, revenue)) in PANDAS_SEGMENT_SHARES.iter().enumerate() {
        assert_eq!(chart.categories[k], *name);
        assert!(close(chart.series[0].values[k], *customers), "{name}");
        assert!(close(chart.series[1].values[k], *revenue), "{name}");
    }
}

#[test]
fn segment_shares_by_hand_and_refusals() {
    // Four customers by hand: two in A spending 60 and 20, one in B spending 20, one in C
    // spending nothing: customers 2/4, 1/4, 1/4; revenue 80/100, 20/100, 0.
    let totals = segment_totals([
        ("A", Decimal::from(60)),
        ("B", Decimal::from(20)),
        ("A", Decimal::from(20)),
        ("C", Decimal::ZERO),
    ]);
    let names: Vec<&str> = totals.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["A", "B", "C"]);
    let chart = segment_share_chart(&totals).unwrap();
    assert_eq!(chart.series[0].values, [50.0, 25.0, 25.0]);
    assert_eq!(chart.series[1].values, [80.0, 20.0, 0.0]);
    let mut refund = totals.clone();
    refund[2].revenue = Decimal::from(-5);
    assert_eq!(
        segment_share_chart(&refund),
        Err(ChartError::InvalidValue {
            name: "revenue",
            position: 2,
            value: -5.0
        })
    );
    let nothing = [SegmentTotal {
        name: "C".into(),
        customers: 2,
        revenue: Decimal::ZERO,
    }];
    assert!(matches!(
        segment_share_chart(&nothing),
        Err(ChartError::InvalidParameter { name: "total revenue", value, .. }) if value == 0.0
    ));
    assert_eq!(
        segment_share_chart(&[]),
        Err(ChartError::EmptyInput { name: "segments" })
    );
}

/// pandas 3.1.1 on `tests/data/CDNOW_sample.txt`: cohort `c` = the month of a customer's first
/// purchase, `k` = months from it to each purchase, `df.groupby(['c', 'k']).id.nunique()` over
/// the cohort's size: (row from the top, k, active customers, retention in percent). The chart's
/// column of period k is k − 1 (period 0 is everybody).
const PANDAS_COHORT_CELLS: [(usize, usize, u64, f64); 7] = [
    (0, 1, 124, 15.877080665813061),
    (0, 2, 95, 12.163892445582587),
    (0, 6, 65, 8.322663252240718),
    (0, 17, 33, 4.225352112676056),
    (1, 1, 134, 15.635939323220537),
    (1, 6, 61, 7.117852975495916),
    (2, 2, 84, 11.68289290681502),
];

#[test]
fn cdnow_cohort_retention_is_pandas() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let matrix = CohortMatrix::build(&summaries, CohortPeriod::Month, day(1998, 6, 30)).unwrap();
    let chart = cohort_retention_chart(&matrix).unwrap();
    let map = &chart.heatmap;
    // pandas' cohort sizes 781, 857 and 719, the oldest drawn at the top (the last row).
    assert_eq!(
        map.y_labels,
        ["1997-03 (719)", "1997-02 (857)", "1997-01 (781)"]
    );
    assert_eq!(map.x_labels.len(), 17);
    assert_eq!(
        (map.x_labels[0].as_str(), map.x_labels[16].as_str()),
        ("1", "17")
    );
    for (from_top, k, active, retention) in PANDAS_COHORT_CELLS {
        let row = 2 - from_top;
        assert_eq!(chart.counts[row][k - 1], active, "cohort {from_top}, k {k}");
        assert!(close(map.cells[row][k - 1].unwrap(), retention));
    }
    // July 1998 has not ended: the February and March cohorts have no month 17.
    assert_eq!((map.cells[1][16], map.cells[0][16]), (None, None));
}

#[test]
fn empty_cohorts_are_rows_of_their_own() {
    // Acquired in January and April: February and March acquired nobody.
    let log = [
        Transaction::new(1, day(2024, 1, 5), Decimal::TEN),
        Transaction::new(1, day(2024, 3, 5), Decimal::TEN),
        Transaction::new(2, day(2024, 4, 9), Decimal::TEN),
    ];
    let summaries = Summarizer::new(day(2024, 4, 30)).summarize(&log).unwrap();
    let matrix = CohortMatrix::build(&summaries, CohortPeriod::Month, day(2024, 4, 30)).unwrap();
    assert_eq!(matrix.rows().len(), 2);
    let chart = cohort_retention_chart(&matrix).unwrap();
    let map = &chart.heatmap;
    assert_eq!(
        map.y_labels,
        [
            "2024-04 (1)",
            "2024-03 (none)",
            "2024-02 (none)",
            "2024-01 (1)"
        ]
    );
    // By hand: customer 1 buys again in month 2 of its cohort, not in 1 or 3.
    assert_eq!(map.cells[3], [Some(0.0), Some(100.0), Some(0.0)]);
    assert_eq!(chart.counts[3], [0, 1, 0]);
    assert!(map.cells[1]
        .iter()
        .chain(&map.cells[2])
        .all(Option::is_none));
    assert_eq!(chart.counts[2], [0, 0, 0]);
    // Weekly cohorts are labelled by ISO week.
    let weekly = CohortMatrix::build(&summaries, CohortPeriod::IsoWeek, day(2024, 4, 30)).unwrap();
    let chart = cohort_retention_chart(&weekly).unwrap();
    assert_eq!(chart.heatmap.y_labels.last().unwrap(), "2024-W01 (1)");
    assert_eq!(chart.heatmap.y_labels.len(), 15); // weeks 1 to 15
}

#[test]
fn transition_cells_are_the_transitions() {
    // The lifecycle module's example, by hand: as of January 31 customers 1 and 2 are Growing;
    // as of March 31 customer 1 is Declining, 2 still Growing, 3 (acquired in March) New.
    let log = [
        Transaction::new(1, day(2024, 1, 1), Decimal::from(10)),
        Transaction::new(1, day(2024, 1, 21), Decimal::from(10)),
        Transaction::new(2, day(2024, 1, 1), Decimal::from(10)),
        Transaction::new(2, day(2024, 1, 21), Decimal::from(10)),
        Transaction::new(2, day(2024, 3, 1), Decimal::from(15)),
        Transaction::new(3, day(2024, 3, 10), Decimal::from(40)),
    ];
    let summaries = Summarizer::new(day(2024, 3, 31)).summarize(&log).unwrap();
    let moves = LifecycleClassifier::default()
        .transitions(&summaries, &[], day(2024, 1, 31), day(2024, 3, 31))
        .unwrap();
    let chart = transition_chart(&moves).unwrap();
    let map = &chart.heatmap;
    assert_eq!(
        map.y_labels,
        [
            ACQUIRED_ROW,
            "Reactivated",
            "Churned",
            "Declining",
            "Mature",
            "Growing",
            "New",
            "Prospect"
        ]
    );
    let growing = 7 - Stage::Growing.index();
    let mut expected = [0u64; 7];
    expected[Stage::Growing.index()] = 1;
    expected[Stage::Declining.index()] = 1;
    assert_eq!(chart.counts[growing], expected);
    assert_eq!(map.cells[growing][Stage::Declining.index()], Some(50.0));
    assert_eq!(map.cells[growing][Stage::Mature.index()], Some(0.0));
    assert_eq!(chart.counts[0][Stage::New.index()], 1);
    assert_eq!(map.cells[0][Stage::New.index()], Some(100.0));
    // Rows nobody was in are empty, and every customer is counted once.
    assert!(map.cells[7 - Stage::Churned.index()]
        .iter()
        .all(Option::is_none));
    assert_eq!(chart.total(), 3);
    assert_eq!(
        map.title,
        "Lifecycle stages on 2024-01-31 and on 2024-03-31 (numbers: customers)"
    );
}

proptest::proptest! {
    /// Whatever the segments, each share series adds up to 100 % and no share is NaN.
    #[test]
    fn segment_shares_add_up_to_one_hundred(
        segments in proptest::collection::vec((0u64..10_000, 0i64..1_000_000), 1..15)
    ) {
        let totals: Vec<SegmentTotal> = (segments.iter().enumerate())
            .map(|(k, &(customers, cents))| SegmentTotal {
                name: format!("segment {k}"),
                customers,
                revenue: Decimal::new(cents, 2),
            })
            .collect();
        let any_customer = segments.iter().any(|s| s.0 > 0);
        let any_revenue = segments.iter().any(|s| s.1 > 0);
        match segment_share_chart(&totals) {
            Ok(chart) => {
                for series in &chart.series {
                    let sum: f64 = series.values.iter().sum();
                    proptest::prop_assert!((sum - 100.0).abs() < 1e-9, "{sum}");
                }
            }
            Err(_) => proptest::prop_assert!(!(any_customer && any_revenue)),
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn crm_chart_data_round_trips_through_json() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let records = RfmScorer::new().score(&summaries).unwrap();
    let chart = rfm_heatmap_chart(&records, 5).unwrap();
    let json = serde_json::to_string(&chart).unwrap();
    assert!(json.contains("\"count_label\":\"customers\""));
    let back: customer_value::charts::CountHeatmap = serde_json::from_str(&json).unwrap();
    assert_eq!(back, chart);
    let totals = segment_totals(records.iter().map(|r| (r.segment.name(), r.monetary)));
    let json = serde_json::to_string(&totals).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<SegmentTotal>>(&json).unwrap(),
        totals
    );
}
