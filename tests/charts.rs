//! The SVG charts (feature `charts`): every chart parses as XML, carries its title, axis labels
//! and legend, renders to the same bytes twice, and no two of its text boxes intersect, on the
//! CDNOW sample, on crowded inputs (12 series or categories with 40-character labels) and on
//! edge cases (one customer, one point, empty cells).
//!
//! A text box is measured as a renderer draws it: the `<text>` element's x, y, `dy`,
//! `text-anchor`, `font-size` and rotation, its width from the embedded font's advances
//! ([`text_width`]) and its height from the font's ascent and descent ([`font_metrics`]).

#![cfg(feature = "charts")]

mod common;

use chrono::NaiveDate;
use customer_value::charts::{
    alive_history_chart, alive_matrix_chart, cohort_retention_chart, font_metrics,
    frequency_recency_chart, holdout_chart, purchase_count_chart, rfm_heatmap_chart,
    segment_share_chart, segment_totals, text_width, tracking_chart, transition_chart, Axis,
    BarChart, BarSeries, ChartError, CountHeatmap, FrequencyRecencyGrid, HeatmapChart, LineChart,
    LineSeries, LineStyle, Marker, SegmentTotal, SvgOptions, TrackingView,
};
use customer_value::clv::diagnostics::{holdout_comparison, probability_alive_matrix};
use customer_value::clv::tracking::{transaction_tracking, TrackingOptions};
use customer_value::clv::{alive_path, BgNbd, RepeatHistory};
use customer_value::kpi::{CohortMatrix, CohortPeriod};
use customer_value::lifecycle::{LifecycleClassifier, LifecycleRules, LifecycleStage};
use customer_value::{RfmScorer, Settings, Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// BG/NBD on the CDNOW sample, weeks (Fader, Hardie & Lee 2005, table 1).
fn cdnow_bg_nbd() -> BgNbd {
    BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap()
}

/// A text element's box in pixels: (left, top, right, bottom), and its text.
#[derive(Debug, Clone)]
struct TextBox {
    text: String,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

fn number(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<text> without {name}"))
        .parse()
        .unwrap()
}

/// The offset of `dy` in pixels: plotters writes 0.76em, 0.5ex or −0.5ex.
fn dy_pixels(dy: &str, size: f64) -> f64 {
    let x_height = font_metrics().x_height;
    if let Some(em) = dy.strip_suffix("em") {
        em.parse::<f64>().unwrap() * size
    } else if let Some(ex) = dy.strip_suffix("ex") {
        ex.parse::<f64>().unwrap() * x_height * size
    } else {
        dy.parse().unwrap_or(0.0)
    }
}

/// `rotate(angle, cx, cy)` of a transform attribute.
fn rotation(node: roxmltree::Node) -> Option<(f64, f64, f64)> {
    let transform = node.attribute("transform")?;
    let inner = transform.strip_prefix("rotate(")?.strip_suffix(')')?;
    let v: Vec<f64> = inner
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    Some((v[0], v[1], v[2]))
}

/// Every non-empty `<text>` of `svg`, measured.
fn text_boxes(svg: &str) -> Vec<TextBox> {
    let document = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
    let metrics = font_metrics();
    let mut boxes = Vec::new();
    for node in document.descendants().filter(|n| n.has_tag_name("text")) {
        let text = node.text().unwrap_or("").trim().to_owned();
        if text.is_empty() {
            continue;
        }
        assert_eq!(node.attribute("font-family"), Some("DejaVu Sans"));
        let size = number(node, "font-size");
        let (x, y) = (number(node, "x"), number(node, "y"));
        let width = text_width(&text, size);
        let left = match node.attribute("text-anchor") {
            Some("middle") => x - width / 2.0,
            Some("end") => x - width,
            _ => x,
        };
        let baseline = y + dy_pixels(node.attribute("dy").unwrap_or("0"), size);
        let (top, bottom) = (
            baseline - metrics.ascent * size,
            baseline + metrics.descent * size,
        );
        let corners = [
            (left, top),
            (left + width, top),
            (left, bottom),
            (left + width, bottom),
        ];
        let turned: Vec<(f64, f64)> = match rotation(node) {
            Some((angle, cx, cy)) => {
                let (sin, cos) = angle.to_radians().sin_cos();
                (corners.iter())
                    .map(|&(px, py)| {
                        let (dx, dy) = (px - cx, py - cy);
                        (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
                    })
                    .collect()
            }
            None => corners.to_vec(),
        };
        let fold = |f: fn(f64, f64) -> f64, pick: fn(&(f64, f64)) -> f64, start| {
            turned.iter().map(pick).fold(start, f)
        };
        boxes.push(TextBox {
            text,
            left: fold(f64::min, |p| p.0, f64::INFINITY),
            top: fold(f64::min, |p| p.1, f64::INFINITY),
            right: fold(f64::max, |p| p.0, f64::NEG_INFINITY),
            bottom: fold(f64::max, |p| p.1, f64::NEG_INFINITY),
        });
    }
    boxes
}

/// Asserts no two text boxes of `svg` intersect and every box is inside the page.
fn assert_readable(svg: &str, options: &SvgOptions) {
    let boxes = text_boxes(svg);
    let (width, height) = (f64::from(options.width), f64::from(options.height));
    for b in &boxes {
        let inside =
            b.left >= -0.5 && b.top >= -0.5 && b.right <= width + 0.5 && b.bottom <= height + 0.5;
        assert!(inside, "{b:?} leaves the {width}×{height} page");
    }
    if let Some((a, b)) = intersecting(&boxes) {
        panic!("text boxes intersect:\n  {a:?}\n  {b:?}");
    }
}

/// The first two boxes that intersect (touching edges do not).
fn intersecting(boxes: &[TextBox]) -> Option<(&TextBox, &TextBox)> {
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
            if !apart {
                return Some((a, b));
            }
        }
    }
    None
}

#[test]
fn the_check_finds_intersecting_and_rotated_boxes() {
    let text = |attributes: &str, content: &str| {
        format!(r#"<text {attributes} font-family="DejaVu Sans" font-size="12">{content}</text>"#)
    };
    let svg =
        |a: String, b: String| format!(r#"<svg xmlns="http://www.w3.org/2000/svg">{a}{b}</svg>"#);
    // "Customers" is 64.5 px wide at 12 px: a second text 60 px to the right overlaps it.
    let first = text(r#"x="10" y="20" dy="0.76em""#, "Customers");
    let overlapping = svg(
        first.clone(),
        text(r#"x="70" y="20" dy="0.76em""#, "Customers"),
    );
    assert!(intersecting(&text_boxes(&overlapping)).is_some());
    let apart = svg(
        first.clone(),
        text(r#"x="80" y="20" dy="0.76em""#, "Customers"),
    );
    assert!(intersecting(&text_boxes(&apart)).is_none());
    // Turned by 270° about its anchor, the second text runs upwards from (40, 100): clear of
    // the first at 20 px, into it once it starts at y = 60.
    let turned = |y| {
        text(
            &format!(r#"x="40" y="{y}" dy="0.76em" transform="rotate(270, 40, {y})""#),
            "Customers",
        )
    };
    assert!(intersecting(&text_boxes(&svg(first.clone(), turned(100)))).is_none());
    assert!(intersecting(&text_boxes(&svg(first, turned(60)))).is_some());
}

/// The texts of `svg`.
fn texts(svg: &str) -> Vec<String> {
    text_boxes(svg).into_iter().map(|b| b.text).collect()
}

/// What every rendered chart must show: its title, both axis labels and (with two series or
/// more) every series' name, all in full at 800 × 500 for the project's own charts.
fn assert_labelled(svg: &str, title: &str, labels: &[String]) {
    let texts = texts(svg);
    assert!(
        texts.iter().any(|t| t == title),
        "no title {title:?} in {texts:?}"
    );
    for label in labels {
        assert!(texts.contains(label), "no label {label:?} in {texts:?}");
    }
}

/// Renders at 800 × 500 and 400 × 300, checks the texts and determinism, returns the 800 × 500.
fn check_heatmap(chart: &HeatmapChart) -> String {
    let labels = [
        chart.x_axis.text(),
        chart.y_axis.text(),
        chart.value_axis.text(),
    ];
    render_checked(|o| chart.to_svg(o), &chart.title, &labels)
}

fn check_line(chart: &LineChart) -> String {
    let mut labels = vec![chart.x_axis.text(), chart.y_axis.text()];
    if chart.series.len() > 1 {
        labels.extend(chart.series.iter().map(|s| s.name.clone()));
    }
    render_checked(|o| chart.to_svg(o), &chart.title, &labels)
}

fn check_bar(chart: &BarChart) -> String {
    let mut labels = vec![chart.x_axis.text(), chart.y_axis.text()];
    if chart.series.len() > 1 {
        labels.extend(chart.series.iter().map(|s| s.name.clone()));
    }
    render_checked(|o| chart.to_svg(o), &chart.title, &labels)
}

fn render_checked(
    render: impl Fn(&SvgOptions) -> Result<String, ChartError>, title: &str, labels: &[String],
) -> String {
    let options = SvgOptions::default();
    let svg = render(&options).unwrap();
    assert_eq!(
        render(&options).unwrap(),
        svg,
        "the same chart renders to the same bytes"
    );
    assert_labelled(&svg, title, labels);
    assert_readable(&svg, &options);
    let small = SvgOptions {
        width: 400,
        height: 300,
    };
    assert_readable(&render(&small).unwrap(), &small);
    svg
}

#[test]
fn cdnow_matrices_are_labelled_and_readable() {
    let model = cdnow_bg_nbd();
    let grid = FrequencyRecencyGrid {
        max_frequency: 29,
        age: 38.857142857142854,
        recency_points: 40,
        unit: TimeUnit::Weeks,
    };
    let svg = check_heatmap(&frequency_recency_chart(&model, &grid, 1.0).unwrap());
    // 30 × 40 cells, and the color bar's rows.
    assert!(svg.matches("<rect").count() > 1200);
    let matrix = probability_alive_matrix(&model, 29, grid.age, 40).unwrap();
    check_heatmap(&alive_matrix_chart(&matrix, TimeUnit::Weeks).unwrap());
}

#[test]
fn cdnow_tracking_is_labelled_and_readable() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let options = TrackingOptions::weekly(day(1997, 1, 1), 78, day(1997, 9, 30));
    let tracking = transaction_tracking(&cdnow_bg_nbd(), &summaries, &options).unwrap();
    for view in [TrackingView::Cumulative, TrackingView::Incremental] {
        let chart = tracking_chart(&tracking, &options, view).unwrap();
        let svg = check_line(&chart);
        assert!(texts(&svg).contains(&"End of calibration".to_owned()));
    }
}

#[test]
fn cdnow_holdout_and_histogram_are_labelled_and_readable() {
    let model = cdnow_bg_nbd();
    let (histories, holdout) = common::cdnow_sample_split();
    let comparison = holdout_comparison(&model, &histories, &holdout, 39.0, 7).unwrap();
    let svg = check_bar(&holdout_chart(&comparison, 39.0, TimeUnit::Weeks).unwrap());
    for category in ["0", "1", "6", "7+"] {
        assert!(texts(&svg).contains(&category.to_owned()));
    }
    check_bar(&purchase_count_chart(&model, &histories, 7).unwrap());
}

#[test]
fn cdnow_alive_history_is_labelled_and_readable() {
    // Customer 1 of the sample buys in weeks 0, 1 and 10 of its history (made up for the path).
    let path = alive_path(&cdnow_bg_nbd(), &[0.0, 1.0, 10.0], 77.0, 1.0 / 7.0).unwrap();
    check_line(&alive_history_chart(&path, TimeUnit::Weeks).unwrap());
}

/// A label of forty characters, numbered.
fn long_label(k: usize) -> String {
    let label = format!("Segment {k:02}: customers who buy a great deal, often");
    label.chars().take(40).collect()
}

#[test]
fn twelve_series_with_forty_character_labels_stay_apart() {
    let names: Vec<String> = (0..12).map(long_label).collect();
    assert!(names.iter().all(|n| n.chars().count() == 40));
    let bars = BarChart {
        title: "Twelve segments, each with a long name".into(),
        x_axis: Axis::new("Segment", None),
        y_axis: Axis::new("Revenue", Some("USD")),
        categories: names.clone(),
        series: (0..12)
            .map(|k| BarSeries {
                name: names[k].clone(),
                values: (0..12).map(|i| (i * k) as f64).collect(),
            })
            .collect(),
    };
    let svg = check_bar(&bars);
    // The category labels are cut to their cells, with an ellipsis.
    assert!(texts(&svg).iter().any(|t| t.ends_with('…')));
    let lines = LineChart {
        title: "Twelve series".into(),
        x_axis: Axis::new("Week", None),
        y_axis: Axis::new("Purchases", None),
        series: (0..12)
            .map(|k| LineSeries {
                name: names[k].clone(),
                points: (0..50).map(|i| [i as f64, (i * k) as f64]).collect(),
                style: if k % 2 == 0 {
                    LineStyle::Solid
                } else {
                    LineStyle::Dashed
                },
            })
            .collect(),
        // Three labelled markers one unit apart: their labels stack.
        markers: (0..3)
            .map(|k| Marker {
                x: 20.0 + k as f64,
                label: Some(names[k].clone()),
            })
            .collect(),
    };
    check_line(&lines);
    let heatmap = HeatmapChart {
        title: "Twelve by twelve".into(),
        x_axis: Axis::new("Segment", None),
        y_axis: Axis::new("Segment", None),
        value_axis: Axis::new("Customers", None),
        x_labels: names.clone(),
        y_labels: names,
        cells: (0..12)
            .map(|i| (0..12).map(|j| Some((i * 12 + j) as f64)).collect())
            .collect(),
    };
    check_heatmap(&heatmap);
}

#[test]
fn one_customer_and_empty_cells_draw_without_panicking() {
    let model = cdnow_bg_nbd();
    // One customer with one purchase: the tracking has no repeat transaction at all.
    let log = [Transaction::new(1, day(2024, 1, 3), Decimal::from(10))];
    let summaries = Summarizer::new(day(2024, 2, 1)).summarize(&log).unwrap();
    let options = TrackingOptions::weekly(day(2024, 1, 1), 4, day(2024, 1, 14));
    let tracking = transaction_tracking(&model, &summaries, &options).unwrap();
    check_line(&tracking_chart(&tracking, &options, TrackingView::Cumulative).unwrap());
    let one = [RepeatHistory::new(0.0, 0.0, 4.0).unwrap()];
    check_bar(&purchase_count_chart(&model, &one, 1).unwrap());
    let comparison = holdout_comparison(&model, &one, &[0.0], 4.0, 0).unwrap();
    check_bar(&holdout_chart(&comparison, 4.0, TimeUnit::Weeks).unwrap());
    // A path of one point (observed on the day of the only purchase).
    let path = alive_path(&model, &[3.0], 3.0, 1.0).unwrap();
    check_line(&alive_history_chart(&path, TimeUnit::Weeks).unwrap());
    // A grid of empty cells, and bars all zero.
    let empty = HeatmapChart {
        title: "Nothing yet".into(),
        x_axis: Axis::new("Month", None),
        y_axis: Axis::new("Cohort", None),
        value_axis: Axis::new("Retention", Some("%")),
        x_labels: vec!["1".into(), "2".into()],
        y_labels: vec!["2024-01".into()],
        cells: vec![vec![None, None]],
    };
    check_heatmap(&empty);
    let zeros = BarChart {
        title: "Zeros".into(),
        x_axis: Axis::new("Segment", None),
        y_axis: Axis::new("Customers", None),
        categories: vec!["a".into()],
        series: vec![BarSeries {
            name: "Actual".into(),
            values: vec![0.0],
        }],
    };
    check_bar(&zeros);
}

#[test]
fn bad_sizes_and_values_are_typed_errors() {
    assert_eq!(
        SvgOptions {
            width: 800,
            height: 5000
        }
        .check(),
        Err(ChartError::InvalidParameter {
            name: "height",
            value: 5000.0,
            constraint: "must be 300 to 4000 pixels"
        })
    );
    let chart = LineChart {
        title: "NaN".into(),
        x_axis: Axis::new("x", None),
        y_axis: Axis::new("y", None),
        series: vec![LineSeries {
            name: "s".into(),
            points: vec![[0.0, 1.0], [1.0, f64::NAN]],
            style: LineStyle::Solid,
        }],
        markers: vec![],
    };
    assert!(matches!(
        chart.to_svg(&SvgOptions::default()),
        Err(ChartError::InvalidValue {
            name: "points",
            position: 3,
            ..
        })
    ));
    let small = SvgOptions {
        width: 399,
        height: 300,
    };
    assert!(matches!(
        chart.to_svg(&small),
        Err(ChartError::InvalidParameter { name: "width", .. })
    ));
}

#[test]
fn text_is_measured_with_the_embedded_font() {
    // Advances of DejaVu Sans 2.37 from its hmtx table (fontTools 4:
    // sum(hmtx[cmap[ord(c)]][0]) × 12 / 2048).
    assert_eq!(text_width("Customers", 12.0), 64.541015625);
    assert_eq!(text_width("Expected purchases", 12.0), 121.400390625);
    assert_eq!(text_width("0.25", 12.0), 26.71875);
}

// ---------------------------------------------------------------- survey and spend charts
// (spend against Gamma-Gamma, NPS with its interval, the key-driver quadrant)

#[path = "common/survey.rs"]
mod survey;

mod survey_and_spend {
    use super::survey::{survey_answers, synthetic_survey};
    use super::*;
    use customer_value::charts::{
        driver_quadrant_chart, nps_chart, spend_chart, ClassedBarChart, QuadrantSplits,
        ScatterChart, ScatterPoint, SpendBins,
    };
    use customer_value::clv::{GammaGamma, SpendHistory};
    use customer_value::satisfaction::KeyDrivers;

    /// REFERENCE.md's Gamma-Gamma MLE on the 946 CDNOW repeat buyers.
    fn spend_mle() -> GammaGamma {
        GammaGamma::new(6.2488025, 3.7445885, 15.4477481).unwrap()
    }

    #[test]
    fn cdnow_spend_is_labelled_and_readable() {
        let histories: Vec<SpendHistory> = (common::cdnow_summary().iter())
            .map(|[x, _, _, z]| SpendHistory::new(*x, *z).unwrap())
            .collect();
        let bins = SpendBins::covering(&histories, 16).unwrap();
        let svg = check_bar(&spend_chart(&spend_mle(), &histories, &bins).unwrap());
        // 16 bins: every other one is labelled, from the first.
        assert!(texts(&svg).contains(&"0–10".to_owned()));
        // One repeat customer, and forty bins of long labels.
        let one = [SpendHistory::new(1.0, 12.5).unwrap()];
        check_bar(
            &spend_chart(
                &spend_mle(),
                &one,
                &SpendBins {
                    width: 5.0,
                    count: 2,
                },
            )
            .unwrap(),
        );
        let many = SpendBins {
            width: 12345.5,
            count: 40,
        };
        check_bar(&spend_chart(&spend_mle(), &histories, &many).unwrap());
    }

    /// Renders a classed bar chart: title, axes, every class and every estimate in full.
    fn check_classed(chart: &ClassedBarChart) -> String {
        let mut labels = vec![chart.x_axis.text(), chart.y_axis.text()];
        labels.extend(chart.classes.iter().map(|c| c.name.clone()));
        labels.extend(chart.estimates.iter().map(|e| e.text()));
        render_checked(|o| chart.to_svg(o), &chart.title, &labels)
    }

    /// Renders a scatter: title, axes, every group and every key entry whose label fits.
    fn check_scatter(chart: &ScatterChart) -> String {
        let mut labels = vec![chart.x_axis.text(), chart.y_axis.text()];
        if chart.groups.len() > 1 {
            labels.extend(chart.groups.iter().cloned());
        }
        let svg = render_checked(|o| chart.to_svg(o), &chart.title, &labels);
        // Every point is numbered (all fit at 800 × 500) and keyed.
        let texts = texts(&svg);
        for k in 1..=chart.points.len() {
            assert!(texts.contains(&k.to_string()), "no number {k} in {texts:?}");
            let key = format!("{k}. ");
            assert!(texts.iter().any(|t| t.starts_with(&key)), "no key {key}");
        }
        svg
    }

    #[test]
    fn nps_is_labelled_and_readable() {
        let svg = check_classed(&nps_chart(&survey_answers(), 0.95).unwrap());
        let texts = texts(&svg);
        assert!(texts.contains(&"NPS 45.0, 95% interval 29.3 to 58.1".to_owned()));
        // The gauge of the −100…100 scale is labelled at both ends and at 0.
        for mark in ["-100", "0", "100"] {
            assert!(texts.contains(&mark.to_owned()), "no {mark} in {texts:?}");
        }
        // One answer draws.
        check_classed(&nps_chart(&[9], 0.95).unwrap());
    }

    #[test]
    fn survey_drivers_are_labelled_and_readable() {
        let (overall, drivers) = synthetic_survey();
        let analysis = KeyDrivers::analyse(&overall, drivers.view()).unwrap();
        let names = ["Price", "Product quality", "Delivery", "Support"];
        let splits = QuadrantSplits::at_means(&analysis);
        let svg = check_scatter(&driver_quadrant_chart(&analysis, &names, &splits).unwrap());
        assert!(texts(&svg).contains(&"2. Product quality".to_owned()));
    }

    #[test]
    fn twelve_drivers_with_forty_character_labels_stay_apart() {
        // Twelve uncorrelated drivers of nearly equal weight and nearly equal means: the dots
        // crowd the middle of the plot.
        let p = 12;
        let identity: Vec<Vec<f64>> = (0..p)
            .map(|i| (0..p).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
            .collect();
        let r: Vec<f64> = (0..p).map(|k| 0.2 + 0.004 * k as f64).collect();
        let means: Vec<f64> = (0..p).map(|k| 3.5 + 0.01 * (k % 4) as f64).collect();
        let analysis = KeyDrivers::from_correlations(&identity, &r, &means).unwrap();
        let names: Vec<String> = (0..p).map(long_label).collect();
        let splits = QuadrantSplits::at_means(&analysis);
        let svg = check_scatter(&driver_quadrant_chart(&analysis, &names, &splits).unwrap());
        // At 800 × 500 the key names every driver in full.
        for (k, name) in names.iter().enumerate() {
            assert!(texts(&svg).contains(&format!("{}. {name}", k + 1)));
        }
        // All twelve on one spot, and one point alone.
        let stacked = ScatterChart {
            title: "Twelve on one spot".into(),
            x_axis: Axis::new("Performance", None),
            y_axis: Axis::new("Importance", Some("%")),
            points: (0..12)
                .map(|k| ScatterPoint {
                    label: names[k].clone(),
                    x: 3.0,
                    y: 10.0,
                    group: k % 4,
                })
                .collect(),
            groups: names[..4].to_vec(),
            x_split: Some(3.0),
            y_split: Some(10.0),
        };
        let options = SvgOptions::default();
        assert_readable(&stacked.to_svg(&options).unwrap(), &options);
        let one = ScatterChart {
            points: stacked.points[..1].to_vec(),
            ..stacked
        };
        check_scatter(&one);
    }
}

// ---------------------------------------------------------------------------------------------
// The CRM charts: RFM heatmap, segment shares, cohort retention, lifecycle transitions.
// ---------------------------------------------------------------------------------------------

/// Renders a [`CountHeatmap`] as `check_heatmap` does, returns the 800 × 500 SVG.
fn check_count_heatmap(chart: &CountHeatmap) -> String {
    let heatmap = &chart.heatmap;
    let labels = [
        heatmap.x_axis.text(),
        heatmap.y_axis.text(),
        heatmap.value_axis.text(),
    ];
    render_checked(|o| chart.to_svg(o), &heatmap.title, &labels)
}

/// Renders a [`BarChart`] across as `check_bar` does, returns the 800 × 500 SVG.
fn check_bar_across(chart: &BarChart) -> String {
    let mut labels = vec![chart.x_axis.text(), chart.y_axis.text()];
    labels.extend(chart.series.iter().map(|s| s.name.clone()));
    render_checked(|o| chart.to_svg_across(o), &chart.title, &labels)
}

fn cdnow_rfm_records() -> Vec<customer_value::RfmRecord<u32>> {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    RfmScorer::new().score(&summaries).unwrap()
}

#[test]
fn cdnow_rfm_heatmap_is_labelled_readable_and_counted() {
    let chart = rfm_heatmap_chart(&cdnow_rfm_records(), 5).unwrap();
    let svg = check_count_heatmap(&chart);
    // Every filled cell writes its customers: 439 at R 1, F 1 among them.
    let texts = texts(&svg);
    assert!(texts.contains(&"439".to_owned()) && texts.contains(&"264".to_owned()));
    // Ten levels: 100 cells still carry their counts without touching.
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let ten = RfmScorer::new().bins(10).score(&summaries).unwrap();
    check_count_heatmap(&rfm_heatmap_chart(&ten, 10).unwrap());
}

#[test]
fn one_customer_rfm_heatmap_draws() {
    let log = [Transaction::new(7, day(2024, 1, 3), Decimal::from(10))];
    let summaries = Summarizer::new(day(2024, 2, 1)).summarize(&log).unwrap();
    let records = RfmScorer::new().score(&summaries).unwrap();
    let chart = rfm_heatmap_chart(&records, 5).unwrap();
    assert_eq!(chart.total(), 1);
    let svg = check_count_heatmap(&chart);
    assert!(texts(&svg).contains(&"1".to_owned()));
}

#[test]
fn cdnow_segment_shares_are_labelled_and_readable() {
    let records = cdnow_rfm_records();
    let totals = segment_totals(records.iter().map(|r| (r.segment.name(), r.monetary)));
    let chart = segment_share_chart(&totals).unwrap();
    check_bar(&chart);
    let svg = check_bar_across(&chart);
    // Eight segments drawn across: every name is written in full.
    for total in &totals {
        assert!(texts(&svg).contains(&total.name), "{}", total.name);
    }
}

#[test]
fn twelve_segments_with_forty_character_names_stay_apart() {
    let totals: Vec<SegmentTotal> = (0..12)
        .map(|k| SegmentTotal {
            name: long_label(k),
            customers: 10 + k as u64,
            revenue: Decimal::from(100 * (12 - k as i64)),
        })
        .collect();
    let chart = segment_share_chart(&totals).unwrap();
    check_bar(&chart);
    let svg = check_bar_across(&chart);
    // Across, each name keeps 180 px: cut after its first 25 characters at the least, so the
    // segments' numbers and most of their words still read.
    let texts = texts(&svg);
    for name in &chart.categories {
        let cut = |t: &&String| {
            t.strip_suffix('…')
                .is_some_and(|kept| name.starts_with(kept))
        };
        let shown = texts.iter().find(|t| *t == name || cut(t));
        let shown = shown.unwrap_or_else(|| panic!("{name} is not drawn"));
        assert!(shown.chars().count() >= 25, "{shown:?}");
    }
    // One segment with one customer.
    let one = segment_totals([("Only", Decimal::from(10))]);
    let chart = segment_share_chart(&one).unwrap();
    check_bar(&chart);
    check_bar_across(&chart);
}

#[test]
fn cdnow_cohort_retention_is_labelled_and_readable() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let matrix = CohortMatrix::build(&summaries, CohortPeriod::Month, day(1998, 6, 30)).unwrap();
    let svg = check_count_heatmap(&cohort_retention_chart(&matrix).unwrap());
    // 3 × 17 cells: the January cohort's 124 customers in February are written.
    assert!(texts(&svg).contains(&"124".to_owned()));
    assert!(texts(&svg).contains(&"1997-01 (781)".to_owned()));
    // Weekly: about 80 columns, too narrow for counts, which are left out rather than crowded.
    let weekly = CohortMatrix::build(&summaries, CohortPeriod::IsoWeek, day(1998, 6, 30)).unwrap();
    check_count_heatmap(&cohort_retention_chart(&weekly).unwrap());
}

#[test]
fn empty_cohorts_and_one_customer_draw_without_panicking() {
    // Acquisitions in February and June: March to May are empty cohorts.
    let log = [
        Transaction::new(1, day(2024, 2, 5), Decimal::TEN),
        Transaction::new(2, day(2024, 6, 9), Decimal::TEN),
        Transaction::new(1, day(2024, 7, 5), Decimal::TEN),
    ];
    let as_of = day(2024, 7, 31);
    let summaries = Summarizer::new(as_of).summarize(&log).unwrap();
    let matrix = CohortMatrix::build(&summaries, CohortPeriod::Month, as_of).unwrap();
    let svg = check_count_heatmap(&cohort_retention_chart(&matrix).unwrap());
    let texts = texts(&svg);
    for month in ["2024-03 (none)", "2024-04 (none)", "2024-05 (none)"] {
        assert!(texts.contains(&month.to_owned()), "{month}");
    }
    assert!(!svg.contains("NaN"));
    // One customer whose acquisition month is still running: no cell has ended yet.
    let one = Summarizer::new(day(2024, 2, 20))
        .summarize(&log[..1])
        .unwrap();
    let matrix = CohortMatrix::build(&one, CohortPeriod::Month, day(2024, 2, 20)).unwrap();
    let chart = cohort_retention_chart(&matrix).unwrap();
    assert_eq!(chart.heatmap.cells, [[None]]);
    check_count_heatmap(&chart);
}

#[test]
fn cdnow_transitions_are_labelled_and_readable() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap();
    let moves = LifecycleClassifier::default()
        .transitions(&summaries, &[], day(1997, 9, 30), day(1998, 6, 30))
        .unwrap();
    let chart = transition_chart(&moves).unwrap();
    let svg = check_count_heatmap(&chart);
    let texts = texts(&svg);
    for stage in LifecycleStage::ALL {
        assert!(texts.contains(&stage.name().to_owned()), "{stage}");
    }
    // Every non-zero flow is written in its cell.
    let flows = chart.counts.iter().flatten().filter(|&&c| c > 0);
    assert!(flows.clone().count() > 3);
    for count in flows {
        assert!(texts.contains(&count.to_string()), "{count}");
    }
    // One customer, one stage on each date.
    let one = Summarizer::new(day(2024, 3, 31))
        .summarize(&[Transaction::new(1, day(2024, 1, 3), Decimal::TEN)])
        .unwrap();
    // One purchase gives no population rhythm: the rules are given one (as the lifecycle
    // module's example does).
    let mut rules = LifecycleRules::default();
    rules.population_gap_days = Some(10.0);
    let moves = LifecycleClassifier::new(rules)
        .unwrap()
        .transitions(&one, &[], day(2024, 1, 31), day(2024, 3, 31))
        .unwrap();
    check_count_heatmap(&transition_chart(&moves).unwrap());
}

#[test]
fn twelve_by_twelve_counts_with_forty_character_labels_stay_apart() {
    let names: Vec<String> = (0..12).map(long_label).collect();
    let chart = CountHeatmap {
        heatmap: HeatmapChart {
            title: "Twelve by twelve, counted".into(),
            x_axis: Axis::new("Segment at the end", None),
            y_axis: Axis::new("Segment at the start", None),
            value_axis: Axis::new("Customers moving", Some("% of the row")),
            x_labels: names.clone(),
            y_labels: names,
            cells: (0..12)
                .map(|i| (0..12).map(|j| Some((i * 12 + j) as f64)).collect())
                .collect(),
        },
        counts: (0..12)
            .map(|i| (0..12).map(|j| 100_000 * i + j).collect())
            .collect(),
        count_label: "customers".into(),
    };
    check_count_heatmap(&chart);
}
