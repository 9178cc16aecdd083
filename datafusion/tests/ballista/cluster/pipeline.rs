//! The whole pipeline over the table `log` on any context (in-process or a cluster's client):
//! `cv_summary` per customer, the driver's BG/NBD and Gamma-Gamma fits from the engine's
//! compressed statistics, then P(alive), CLV and RFM for every customer, all read back into plain
//! maps so two runs (and the core crate) can be compared value by value.

use std::collections::BTreeMap;

use customer_value::clv::{FitOptions, GammaGammaOptions, MaximumLikelihood};
use customer_value::report::PurchaseModelKind;
use customer_value_datafusion::fit::{
    fit_purchase_model, fit_spend_model, PurchaseColumns, SpendColumns,
};
use customer_value_datafusion::score::ScoringModel;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Decimal128Type, Float64Type, Int64Type, UInt8Type};
use datafusion::prelude::SessionContext;

/// The observation end of the CDNOW log: its last day.
pub const AS_OF: &str = "1998-06-30";

/// `summaries` (one `cv_summary` struct per customer) and `modeled` (its fields as columns).
fn ctes() -> String {
    format!(
        "summaries AS (SELECT customer_id, cv_summary(day, amount, DATE '{AS_OF}') AS s
                       FROM log GROUP BY customer_id),
         modeled AS (SELECT customer_id, s['status'] AS status,
                            s['purchase_occasions'] AS purchase_occasions,
                            s['recency_days'] AS recency_days, s['total_spend'] AS total_spend,
                            s['x'] AS x, s['t_x_weeks'] AS t_x_weeks, s['age_weeks'] AS age_weeks,
                            s['mean_repeat_spend'] AS mean_repeat_spend,
                            s['counted_lines'] AS counted_lines
                     FROM summaries)"
    )
}

/// One customer's summary as `cv_summary` gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub status: String,
    pub purchase_occasions: i64,
    pub recency_days: i64,
    /// Cents.
    pub total_spend: i128,
    pub x: i64,
    pub t_x_weeks: f64,
    pub age_weeks: f64,
    /// At scale 6 (the amounts' 2 + 4); `None` without a repeat occasion.
    pub mean_repeat_spend: Option<i128>,
    pub counted_lines: i64,
}

/// One customer's scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub p_alive: f64,
    /// NULL for a customer with repeat occasions but no mean repeat spend (refunds, or lines
    /// of 0.00, took back every repeat purchase).
    pub clv: Option<f64>,
    /// (r, f, m, segment).
    pub rfm: (u8, u8, u8, String),
}

/// What one run of the pipeline gave.
#[derive(Debug)]
pub struct Outcome {
    pub summaries: BTreeMap<i64, Figures>,
    /// BG/NBD (r, α, a, b).
    pub purchase: Vec<f64>,
    pub purchase_model: ScoringModel,
    /// The distinct (x, t_x, T) rows the engine sent to the driver.
    pub distinct_purchase_rows: usize,
    /// Gamma-Gamma (p, q, γ).
    pub spend: Vec<f64>,
    pub spend_model: ScoringModel,
    pub scores: BTreeMap<i64, Scores>,
}

/// Runs the pipeline on `ctx`, whose table `log` is registered and functions known.
pub async fn run(ctx: &SessionContext) -> Outcome {
    let summaries =
        summary_figures(&query(ctx, &format!("WITH {} SELECT * FROM modeled", ctes())).await);
    let modeled = || async {
        let sql = format!(
            "WITH {} SELECT * FROM modeled WHERE status = 'summary'",
            ctes()
        );
        ctx.sql(&sql).await.expect("the modeled customers")
    };
    let purchase = fit_purchase_model(
        modeled().await,
        &PurchaseColumns::new("x", "t_x_weeks", "age_weeks"),
        PurchaseModelKind::BgNbd,
        &FitOptions::default(),
    )
    .await
    .expect("BG/NBD fit on the driver");
    let spend = fit_spend_model(
        modeled().await,
        &SpendColumns::new("x", "mean_repeat_spend"),
        &GammaGammaOptions::default(),
    )
    .await
    .expect("Gamma-Gamma fit on the driver");
    let purchase_model = ScoringModel::of_purchase_fit(&purchase.fit).expect("a purchase model");
    let spend_model = ScoringModel::from(spend.fit.model);
    let scores = score(ctx, &purchase_model, &spend_model).await;
    Outcome {
        summaries,
        purchase: purchase.fit.parameters(),
        purchase_model,
        distinct_purchase_rows: purchase.distinct_rows,
        spend: spend.fit.model.parameters(),
        spend_model,
        scores,
    }
}

/// P(alive), CLV (the defaults: 12 months, 1% a month) and RFM of every modeled customer, the
/// RFM breakpoints an aggregate of the same query.
async fn score(
    ctx: &SessionContext, purchase: &ScoringModel, spend: &ScoringModel,
) -> BTreeMap<i64, Scores> {
    let m = purchase.to_sql_literal().expect("literal");
    let s = spend.to_sql_literal().expect("literal");
    let sql = format!(
        "WITH {},
              rfm AS (SELECT cv_rfm_breakpoints(recency_days, purchase_occasions, total_spend) AS fitted
                      FROM modeled WHERE status = 'summary')
         SELECT customer_id, cv_p_alive({m}, x, t_x_weeks, age_weeks) AS p_alive,
                cv_clv({m}, {s}, '{{}}', x, t_x_weeks, age_weeks, mean_repeat_spend) AS clv,
                cv_rfm_score(rfm.fitted, recency_days, purchase_occasions, total_spend) AS rfm
         FROM modeled CROSS JOIN rfm WHERE status = 'summary'",
        ctes()
    );
    let mut scores = BTreeMap::new();
    for batch in query(ctx, &sql).await {
        let ids = batch.column(0).as_primitive::<Int64Type>();
        let p_alive = batch.column(1).as_primitive::<Float64Type>();
        let clv = batch.column(2).as_primitive::<Float64Type>();
        let rfm = batch.column(3).as_struct();
        let level = |name: &str| {
            rfm.column_by_name(name)
                .unwrap()
                .as_primitive::<UInt8Type>()
                .clone()
        };
        let (r, f, m) = (level("r"), level("f"), level("m"));
        let segment = rfm.column_by_name("segment").unwrap().as_string::<i32>();
        for i in 0..batch.num_rows() {
            assert!(p_alive.is_valid(i) && rfm.is_valid(i));
            let row = Scores {
                p_alive: p_alive.value(i),
                clv: clv.is_valid(i).then(|| clv.value(i)),
                rfm: (
                    r.value(i),
                    f.value(i),
                    m.value(i),
                    segment.value(i).to_owned(),
                ),
            };
            assert!(
                scores.insert(ids.value(i), row).is_none(),
                "one row per customer"
            );
        }
    }
    scores
}

/// The rows of `modeled` by customer.
fn summary_figures(batches: &[RecordBatch]) -> BTreeMap<i64, Figures> {
    let mut figures = BTreeMap::new();
    for batch in batches {
        let column = |name: &str| batch.column_by_name(name).expect(name).clone();
        let int = |name: &str| column(name).as_primitive::<Int64Type>().clone();
        let float = |name: &str| column(name).as_primitive::<Float64Type>().clone();
        let decimal = |name: &str| column(name).as_primitive::<Decimal128Type>().clone();
        let (ids, occasions, recency, x) = (
            int("customer_id"),
            int("purchase_occasions"),
            int("recency_days"),
            int("x"),
        );
        let (t_x, age, lines) = (float("t_x_weeks"), float("age_weeks"), int("counted_lines"));
        let (total, mean) = (decimal("total_spend"), decimal("mean_repeat_spend"));
        let status = column("status");
        let status = status.as_string::<i32>();
        for i in 0..batch.num_rows() {
            let row = Figures {
                status: status.value(i).to_owned(),
                purchase_occasions: occasions.value(i),
                recency_days: recency.value(i),
                total_spend: total.value(i),
                x: x.value(i),
                t_x_weeks: t_x.value(i),
                age_weeks: age.value(i),
                mean_repeat_spend: mean.is_valid(i).then(|| mean.value(i)),
                counted_lines: lines.value(i),
            };
            assert!(
                figures.insert(ids.value(i), row).is_none(),
                "one row per customer"
            );
        }
    }
    figures
}

async fn query(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
    ctx.sql(sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .collect()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
}
