//! `cv_summary` through DataFusion's SQL, against the core crate's `Summarizer` on the same
//! lines: CDNOW, a hand-computed log, random logs under random partitionings, NULLs, TIMESTAMP
//! and BIGINT inputs, and every error path.

use crate::summary_common;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use customer_value::{RefundPolicy, Summarizer};
use datafusion::arrow::array::{ArrayRef, Int64Array, RecordBatch, TimestampSecondArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};
use proptest::prelude::*;
use rust_decimal::Decimal;
use summary_common::*;

/// The observation end of the CDNOW log: its last day.
const CDNOW_END: &str = "1998-06-30";

/// A context with every function of the crate and `target_partitions` partitions.
fn context(target_partitions: usize) -> SessionContext {
    let config = SessionConfig::new().with_target_partitions(target_partitions);
    let ctx = SessionContext::new_with_config(config);
    customer_value_datafusion::register_all(&ctx);
    ctx
}

/// The summary query over the table `log`, with extra arguments after `as_of`.
fn summary_sql(as_of: &str, extra: &str) -> String {
    format!(
        "SELECT customer_id, cv_summary(day, amount, DATE '{as_of}'{extra}) AS s \
         FROM log GROUP BY customer_id"
    )
}

/// The CDNOW master log (`customer_id date cds dollars`), amounts in cents.
fn cdnow_lines() -> Vec<Line> {
    include_str!("../../../examples/data/CDNOW_master.txt")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let date = NaiveDate::parse_from_str(f[1], "%Y%m%d").unwrap();
            let dollars: Decimal = f[3].parse().unwrap();
            Line {
                customer: f[0].parse().unwrap(),
                day: Some(day(date)),
                minor: Some(at_scale(dollars, 2) as i64),
            }
        })
        .collect()
}

#[tokio::test]
async fn cdnow_summaries_equal_the_core_for_every_customer() {
    let lines = cdnow_lines();
    assert_eq!(lines.len(), 69_659);
    let end: NaiveDate = CDNOW_END.parse().unwrap();
    let expected = expected_rows(&lines, &Summarizer::new(end), 2, 2, 6);
    for (partitions, target) in [(1, 1), (3, 4)] {
        let ctx = context(target);
        let log = table(&lines, Money::Decimal { scale: 2 }, partitions, 8_192);
        ctx.register_table("log", Arc::new(log)).unwrap();
        let rows = rows_of(&ctx, &summary_sql(CDNOW_END, "")).await;
        assert_eq!(rows.len(), 23_570);
        assert_eq!(without_reasons(&rows), expected);
        // Customer 1 bought once, 11.77 on 1997-01-01: T is 545 days (365 + 180) to the end.
        let one = &rows[&1];
        let figures = (one.x, one.t_x_days, one.age_days, one.total_spend);
        assert_eq!(figures, (Some(0), Some(0), Some(545), 1_177));
        assert_eq!(one.age_weeks, Some(545.0 / 7.0));
        assert_eq!(one.mean_repeat_spend, None);
    }
    // Every cent of the file is in some customer's total (summed from the text, independently).
    let file_total: Decimal = include_str!("../../../examples/data/CDNOW_master.txt")
        .lines()
        .skip(1)
        .map(|l| {
            l.split_whitespace()
                .nth(3)
                .unwrap()
                .parse::<Decimal>()
                .unwrap()
        })
        .sum();
    let sql_total: i128 = expected.values().map(|r| r.total_spend).sum();
    assert_eq!(sql_total, at_scale(file_total, 2));
    assert!(expected.values().all(|r| r.status == "summary"));
}

#[tokio::test]
async fn cdnow_calibration_end_counts_the_later_lines_as_late() {
    // The 39-week calibration period of Fader, Hardie & Lee (2005) ends on 1997-09-30.
    let lines = cdnow_lines();
    let end = NaiveDate::from_ymd_opt(1997, 9, 30).unwrap();
    let ctx = context(4);
    let log = table(&lines, Money::Decimal { scale: 2 }, 4, 4_096);
    ctx.register_table("log", Arc::new(log)).unwrap();
    let rows = rows_of(&ctx, &summary_sql("1997-09-30", "")).await;
    let (_, report) = Summarizer::new(end)
        .summarize_with_report(&transactions(&lines))
        .unwrap();
    let late: i64 = rows.values().map(|r| r.late_lines).sum();
    let after_end = lines.iter().filter(|l| l.day > Some(day(end))).count();
    assert_eq!(
        (late as u64, late as usize),
        (report.late_transactions, after_end)
    );
    assert!(late > 0);
    let expected = expected_rows(&lines, &Summarizer::new(end), 2, 2, 6);
    assert_eq!(without_reasons(&rows), expected);
}

/// The lines with a day and an amount as the core's transactions, amounts at scale 2.
fn transactions(lines: &[Line]) -> Vec<customer_value::Transaction<i64>> {
    lines
        .iter()
        .filter_map(|l| {
            let amount = Decimal::new(l.minor?, 2);
            Some(customer_value::Transaction::new(
                l.customer,
                date(l.day?),
                amount,
            ))
        })
        .collect()
}

/// A small log whose figures are worked out by hand in the test that reads it; as of
/// 2024-01-31 (day 19,753).
fn hand_log() -> Vec<Line> {
    let d = |n: i32| Some(19_722 + n); // 2024-01-n
    let line = |customer, day, minor| Line {
        customer,
        day,
        minor,
    };
    vec![
        line(1, d(2), Some(2_000)),
        line(1, d(16), Some(1_000)),
        line(1, d(16), Some(-250)),
        line(1, d(20), Some(-100)), // a refund on a day without a purchase
        line(1, d(36), Some(500)),  // 2024-02-05: after the end
        line(1, d(3), None),
        line(2, d(5), Some(900)),
        line(2, d(5), Some(-900)), // bought and returned the same day
        line(3, d(41), Some(500)), // late
        line(3, None, Some(100)),
        line(4, d(10), Some(0)), // a free purchase
        line(5, None, None),
        line(5, d(4), None),
    ]
}

#[tokio::test]
async fn a_hand_computed_log() {
    let ctx = context(2);
    let log = table(&hand_log(), Money::Decimal { scale: 2 }, 2, 3);
    ctx.register_table("log", Arc::new(log)).unwrap();
    let rows = rows_of(&ctx, &summary_sql("2024-01-31", "")).await;
    let one = &rows[&1];
    // Occasions: the 2nd (20.00) and the 16th (10.00 − 2.50); the 20th is a refund day.
    assert_eq!((one.status.as_str(), one.occasions), ("summary", 2));
    assert_eq!((one.first, one.last), (Some(19_724), Some(19_738)));
    assert_eq!(one.recency_days, Some(15)); // the 16th to the 31st
    assert_eq!(one.total_spend, 2_650); // 20.00 + 7.50 − 1.00
    assert_eq!(
        (one.x, one.t_x_days, one.age_days),
        (Some(1), Some(14), Some(29))
    );
    assert_eq!(
        (one.t_x_weeks, one.age_weeks),
        (Some(2.0), Some(29.0 / 7.0))
    );
    assert_eq!(one.mean_repeat_spend, Some(6_500_000)); // (7.50 − 1.00) / 1 at 6 decimals
    let counts = (
        one.counted_lines,
        one.refund_lines,
        one.late_lines,
        one.null_lines,
    );
    assert_eq!(counts, (4, 2, 1, 1));
    let two = &rows[&2];
    assert_eq!(
        (two.status.as_str(), two.total_spend, two.counted_lines),
        ("dropped", 0, 2)
    );
    assert!(two
        .reason
        .as_deref()
        .unwrap()
        .contains("no day is a purchase occasion"));
    let three = &rows[&3];
    assert_eq!(three.status, "no_counted_line");
    assert_eq!(
        (three.late_lines, three.null_lines, three.counted_lines),
        (1, 1, 0)
    );
    let reason = three.reason.as_deref().unwrap();
    assert!(
        reason.contains("1 dated after as_of") && reason.contains("1 with a NULL"),
        "{reason}"
    );
    let five = &rows[&5];
    assert_eq!(
        (five.status.as_str(), five.null_lines, five.total_spend),
        ("no_counted_line", 2, 0)
    );
    let four = &rows[&4];
    assert_eq!(
        (four.occasions, four.total_spend, four.mean_repeat_spend),
        (1, 0, None)
    );
    let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    let expected = expected_rows(&hand_log(), &Summarizer::new(end), 2, 2, 6);
    assert_eq!(without_reasons(&rows), expected);
}

#[tokio::test]
async fn the_options_change_the_policies() {
    let ctx = context(1);
    let log = table(&hand_log(), Money::Decimal { scale: 2 }, 1, 100);
    ctx.register_table("log", Arc::new(log)).unwrap();
    let ignore = r#", '{"refund_policy": "ignore", "late_lines": "exclude"}'"#;
    let rows = rows_of(&ctx, &summary_sql("2024-01-31", ignore)).await;
    // Refunds left out: customer 1 keeps 20.00 and 10.00, customer 2 its 9.00.
    let one = &rows[&1];
    assert_eq!(
        (one.total_spend, one.counted_lines, one.refund_lines),
        (3_000, 2, 2)
    );
    assert_eq!(one.mean_repeat_spend, Some(10_000_000));
    assert_eq!(
        (rows[&2].status.as_str(), rows[&2].total_spend),
        ("summary", 900)
    );
    let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    let ignoring = Summarizer::new(end).refund_policy(RefundPolicy::Ignore);
    assert_eq!(
        without_reasons(&rows),
        expected_rows(&hand_log(), &ignoring, 2, 2, 6)
    );

    // 19.99 has a decimal beyond a money scale of 1: counted as given, and in
    // excess_scale_lines; 2.50 has not.
    let lines = [(1, 1_999), (1, 250), (2, 250)].map(|(customer, minor)| Line {
        customer,
        day: Some(19_723),
        minor: Some(minor),
    });
    ctx.deregister_table("log").unwrap();
    let log = table(&lines, Money::Decimal { scale: 2 }, 1, 10);
    ctx.register_table("log", Arc::new(log)).unwrap();
    let tenths = r#", '{"money_scale": 1}'"#;
    let rows = rows_of(&ctx, &summary_sql("2024-01-31", tenths)).await;
    assert_eq!(
        (rows[&1].excess_scale_lines, rows[&1].total_spend),
        (1, 2_249)
    );
    assert_eq!(rows[&2].excess_scale_lines, 0);
}

/// The error message of `sql`, whether planning or execution refuses it.
async fn error_of(ctx: &SessionContext, sql: &str) -> String {
    match ctx.sql(sql).await {
        Err(error) => error.to_string(),
        Ok(df) => match df.collect().await {
            Err(error) => error.to_string(),
            Ok(_) => panic!("no error for {sql}"),
        },
    }
}

#[tokio::test]
async fn each_error_names_the_function_and_the_argument() {
    let ctx = context(2);
    let log = table(&hand_log(), Money::Decimal { scale: 2 }, 2, 4);
    ctx.register_table("log", Arc::new(log)).unwrap();
    let call = |args: &str| {
        format!("SELECT customer_id, cv_summary({args}) FROM log GROUP BY customer_id")
    };
    let cases = [
        (
            "day, CAST(amount AS DOUBLE), DATE '2024-01-31'",
            "cv_summary: argument 2 (amount) is Float64; money must be exact",
        ),
        (
            "day, amount, day",
            "cv_summary: argument 3 (as_of) must be a constant",
        ),
        (
            "day, amount, CAST(NULL AS DATE)",
            "cv_summary: argument 3 (as_of) is NULL",
        ),
        (
            "day, amount, DATE '2024-01-31', '{late'",
            "cv_summary: argument 4 (options) is not valid JSON",
        ),
        (
            r#"day, amount, DATE '2024-01-31', '{"refunds": "net"}'"#,
            r#"cv_summary: argument 4 (options) has the unknown key "refunds""#,
        ),
        (
            r#"day, amount, DATE '2024-01-31', '{"minor_unit_scale": 3}'"#,
            r#"cv_summary: argument 4 (options): "minor_unit_scale" is for BIGINT minor units"#,
        ),
        (
            "day, amount, DATE '2024-01-31', CAST(customer_id AS VARCHAR)",
            "cv_summary: argument 4 (options) must be a constant",
        ),
        (
            "day, amount",
            "cv_summary takes 3 or 4 arguments (day, amount, as_of [, options]); it was given 2",
        ),
        ("day, amount, DATE '2024-01-31', '{}', 1", "it was given 5"),
        (
            "amount, amount, DATE '2024-01-31'",
            "cv_summary: argument 1 (day) is Decimal128(18, 2)",
        ),
        (
            "day, CAST(amount AS VARCHAR), DATE '2024-01-31'",
            "cv_summary: argument 2 (amount) is Utf8",
        ),
        ("day, amount, 5", "cv_summary: argument 3 (as_of) is Int64"),
        (
            r#"day, amount, DATE '2024-01-31', '{"refund_policy": "reject"}'"#,
            "cv_summary: a line was refused",
        ),
        (
            r#"day, amount, DATE '2024-01-31', '{"late_lines": "reject"}'"#,
            "after the observation end 2024-01-31",
        ),
    ];
    for (args, expected) in cases {
        let message = error_of(&ctx, &call(args)).await;
        assert!(message.contains(expected), "{args}: {message}");
    }
    let refund = error_of(
        &ctx,
        &call(r#"day, amount, DATE '2024-01-31', '{"refund_policy": "reject"}'"#),
    )
    .await;
    assert!(refund.contains("refunds are rejected"), "{refund}");
}

/// The hand log with the day also as a `TIMESTAMP` (23:00 that day, UTC, and the same instant
/// in a zone 5 hours ahead: the next day there) and the amount also as `BIGINT` cents and mills.
fn typed_log() -> MemTable {
    let lines = hand_log();
    let base = batch(&lines, Money::Decimal { scale: 2 });
    let seconds = |l: &Line| l.day.map(|d| i64::from(d) * 86_400 + 23 * 3_600);
    let ts: TimestampSecondArray = lines.iter().map(seconds).collect();
    let ts_zoned = ts.clone().with_timezone("+05:00");
    let cents: Int64Array = lines.iter().map(|l| l.minor).collect();
    let mills: Int64Array = lines.iter().map(|l| l.minor.map(|m| m * 10)).collect();
    let mut fields: Vec<Field> = base
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.extend([
        Field::new("ts", DataType::Timestamp(TimeUnit::Second, None), true),
        Field::new(
            "ts_zoned",
            DataType::Timestamp(TimeUnit::Second, Some("+05:00".into())),
            true,
        ),
        Field::new("cents", DataType::Int64, true),
        Field::new("mills", DataType::Int64, true),
    ]);
    let mut columns: Vec<ArrayRef> = base.columns().to_vec();
    columns.extend([
        Arc::new(ts) as ArrayRef,
        Arc::new(ts_zoned),
        Arc::new(cents),
        Arc::new(mills),
    ]);
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    MemTable::try_new(schema, vec![vec![batch]]).unwrap()
}

/// The rows of `cv_summary(<day>, <amount>, DATE '2024-01-31'<extra>)` over the typed log.
async fn typed_rows(
    ctx: &SessionContext, day: &str, amount: &str, extra: &str,
) -> BTreeMap<i64, Row> {
    let sql = format!(
        "SELECT customer_id, cv_summary({day}, {amount}, DATE '2024-01-31'{extra}) AS s \
         FROM typed GROUP BY customer_id"
    );
    rows_of(ctx, &sql).await
}

#[tokio::test]
async fn timestamps_and_bigint_minor_units_give_the_same_summaries() {
    let ctx = context(2);
    ctx.register_table("typed", Arc::new(typed_log())).unwrap();
    let by_date = typed_rows(&ctx, "day", "amount", "").await;
    assert_eq!(typed_rows(&ctx, "ts", "amount", "").await, by_date);
    // BIGINT money fields are DECIMAL(38, 10) (the mean at 14): the same values, 8 more digits.
    let widen = |rows: &BTreeMap<i64, Row>| -> BTreeMap<i64, Row> {
        let factor = 10i128.pow(8);
        rows.iter()
            .map(|(id, r)| {
                let mean = r.mean_repeat_spend.map(|m| m * factor);
                (
                    *id,
                    Row {
                        total_spend: r.total_spend * factor,
                        mean_repeat_spend: mean,
                        ..r.clone()
                    },
                )
            })
            .collect()
    };
    let cents = typed_rows(&ctx, "day", "cents", "").await;
    assert_eq!(cents, widen(&by_date));
    assert_eq!(cents[&1].total_spend, 265_000_000_000); // 26.50 at 10 decimals
    let mills = typed_rows(&ctx, "day", "mills", r#", '{"minor_unit_scale": 3}'"#).await;
    assert_eq!(mills, cents);
    // In the zone 5 hours ahead, 23:00 UTC is the next day: every date moves by one.
    let zoned = typed_rows(&ctx, "ts_zoned", "amount", "").await;
    assert_eq!(zoned[&1].first, Some(by_date[&1].first.unwrap() + 1));
    assert_eq!(zoned[&1].age_days, Some(by_date[&1].age_days.unwrap() - 1));
    let cast = typed_rows(&ctx, "CAST(ts_zoned AS DATE)", "amount", "").await;
    assert_eq!(zoned, cast);
}

#[tokio::test]
async fn without_group_by_the_single_accumulator_gives_the_same_struct() {
    for target in [1, 3] {
        let ctx = context(target);
        let log = table(&hand_log(), Money::Decimal { scale: 2 }, 3, 2);
        ctx.register_table("log", Arc::new(log)).unwrap();
        let grouped = rows_of(&ctx, &summary_sql("2024-01-31", "")).await;
        for customer in 1..=5 {
            let sql = format!(
                "SELECT CAST({customer} AS BIGINT) AS customer_id, \
                 cv_summary(day, amount, DATE '2024-01-31') AS s FROM log WHERE customer_id = {customer}"
            );
            let single = rows_of(&ctx, &sql).await;
            assert_eq!(single[&customer], grouped[&customer]);
        }
    }
}

/// The observation end of the random logs, 2024-01-31 (day 19,753).
const RANDOM_END: i32 = 19_753;

/// A random line: 12 customers, days from 60 before the end to 10 after, amounts with refunds,
/// free purchases and NULLs.
fn arb_line() -> impl Strategy<Value = Line> {
    let day = prop_oneof![9 => (RANDOM_END - 60..=RANDOM_END + 10).prop_map(Some), 1 => Just(None)];
    let minor = prop_oneof![
        6 => (1i64..50_000).prop_map(Some),
        2 => (-30_000i64..0).prop_map(Some),
        1 => Just(Some(0)),
        1 => Just(None),
    ];
    (0i64..12, day, minor).prop_map(|(customer, day, minor)| Line {
        customer,
        day,
        minor,
    })
}

/// How a random log is laid out and read.
#[derive(Debug, Clone, Copy)]
struct Layout {
    partitions: usize,
    target_partitions: usize,
    batch_rows: usize,
    bigint: bool,
    ignore_refunds: bool,
    skip_partial: bool,
}

fn arb_layout() -> impl Strategy<Value = Layout> {
    (
        1usize..=8,
        1usize..=8,
        1usize..=40,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(partitions, target_partitions, batch_rows, bigint, ignore_refunds, skip_partial)| {
                Layout {
                    partitions,
                    target_partitions,
                    batch_rows,
                    bigint,
                    ignore_refunds,
                    skip_partial,
                }
            },
        )
}

/// The rows `cv_summary` gives on `lines` laid out as `layout` says.
async fn random_rows(lines: &[Line], layout: Layout) -> BTreeMap<i64, Row> {
    let mut config = SessionConfig::new().with_target_partitions(layout.target_partitions);
    if layout.skip_partial {
        // Pass every line on as its own partial state (convert_to_state) after the first batch.
        let options = config.options_mut();
        options
            .execution
            .skip_partial_aggregation_probe_rows_threshold = 1;
        options
            .execution
            .skip_partial_aggregation_probe_ratio_threshold = 0.0;
    }
    let ctx = SessionContext::new_with_config(config);
    customer_value_datafusion::register_all(&ctx);
    let money = if layout.bigint {
        Money::Bigint
    } else {
        Money::Decimal { scale: 2 }
    };
    let log = table(lines, money, layout.partitions, layout.batch_rows);
    ctx.register_table("log", Arc::new(log)).unwrap();
    let options = if layout.ignore_refunds {
        r#", '{"refund_policy": "ignore"}'"#
    } else {
        ""
    };
    rows_of(&ctx, &summary_sql("2024-01-31", options)).await
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_partitioning_gives_the_core_summaries(
        mut lines in proptest::collection::vec(arb_line(), 0..160),
        layout in arb_layout(),
    ) {
        // One customer with a purchase, so the core's whole-log call has a summary to give.
        lines.push(Line { customer: 99, day: Some(RANDOM_END - 3), minor: Some(1_000) });
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let rows = runtime.block_on(random_rows(&lines, layout));
        let end = date(RANDOM_END);
        let policy = if layout.ignore_refunds { RefundPolicy::Ignore } else { RefundPolicy::Net };
        let summarizer = Summarizer::new(end).refund_policy(policy);
        let (money_scale, mean_scale) = if layout.bigint { (10, 14) } else { (2, 6) };
        let expected = expected_rows(&lines, &summarizer, 2, money_scale, mean_scale);
        prop_assert_eq!(without_reasons(&rows), expected);
    }
}

/// A `DECIMAL(38, 2)` log whose amounts pass 64 bits of minor units (the core admits up to 10^18
/// money units a line): `(customer, day, minor units)`.
fn wide_log(lines: &[(i64, i32, i128)], partitions: usize) -> MemTable {
    use datafusion::arrow::array::{Date32Array, Decimal128Array};
    let schema = Arc::new(Schema::new(vec![
        Field::new("customer_id", DataType::Int64, false),
        Field::new("day", DataType::Date32, false),
        Field::new("amount", DataType::Decimal128(38, 2), false),
    ]));
    let mut parts = vec![Vec::new(); partitions];
    for (k, &(customer, day, minor)) in lines.iter().enumerate() {
        let amount = Decimal128Array::from(vec![minor]).with_precision_and_scale(38, 2);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![customer])),
            Arc::new(Date32Array::from(vec![day])),
            Arc::new(amount.unwrap()),
        ];
        parts[k % partitions].push(RecordBatch::try_new(schema.clone(), columns).unwrap());
    }
    MemTable::try_new(schema, parts).unwrap()
}

#[tokio::test]
async fn amounts_past_64_bits_keep_every_digit_in_either_plan() {
    let big = 9 * 10i128.pow(19);
    let (min, max) = (i128::from(i64::MIN), i128::from(i64::MAX));
    let e = RANDOM_END;
    // Customer 1: two amounts past i64; 2: i64::MIN (the marker of a wide amount) netted with a
    // wide purchase the same day; 3: i64::MAX, the largest narrow amount.
    let lines = [
        (1, e - 10, big),
        (2, e - 10, 2 * 10i128.pow(19)),
        (3, e - 3, 1_234),
        (2, e - 10, min),
        (1, e - 5, big + 1),
        (3, e - 2, max),
    ];
    let mut results = Vec::new();
    for skip_partial in [false, true] {
        let mut config = SessionConfig::new().with_target_partitions(2);
        if skip_partial {
            let execution = &mut config.options_mut().execution;
            execution.skip_partial_aggregation_probe_rows_threshold = 1;
            execution.skip_partial_aggregation_probe_ratio_threshold = 0.0;
        }
        let ctx = SessionContext::new_with_config(config);
        customer_value_datafusion::register_all(&ctx);
        ctx.register_table("log", Arc::new(wide_log(&lines, 3)))
            .unwrap();
        let rows = rows_of(&ctx, &summary_sql("2024-01-31", "")).await;
        let figures: Vec<(i64, i128, i64, Option<i128>)> = rows
            .iter()
            .map(|(&c, r)| (c, r.total_spend, r.occasions, r.mean_repeat_spend))
            .collect();
        results.push(figures);
    }
    // The mean repeat spend is at scale 2 + 4: the minor units times 10^4.
    let expected = vec![
        (1, 2 * big + 1, 2, Some((big + 1) * 10_000)),
        (2, 2 * 10i128.pow(19) + min, 1, None),
        (3, 1_234 + max, 2, Some(max * 10_000)),
    ];
    assert_eq!(results, [expected.clone(), expected]);
}
