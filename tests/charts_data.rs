//! The numbers behind the charts (no feature needed): each chart's plot data against the peer
//! libraries' values and the crate's own computations.

mod common;

use chrono::NaiveDate;
use customer_value::charts::{
    alive_history_chart, alive_matrix_chart, frequency_recency_chart, holdout_chart,
    purchase_count_chart, tracking_chart, ChartError, FrequencyRecencyGrid, LineStyle,
    TrackingView,
};
use customer_value::clv::diagnostics::{holdout_comparison, probability_alive_matrix};
use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
use customer_value::clv::{alive_path, BgNbd, ClvError};
use customer_value::{Summarizer, TimeUnit};

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
