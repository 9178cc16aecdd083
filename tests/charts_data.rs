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
