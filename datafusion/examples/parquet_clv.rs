//! The whole pipeline in DataFusion, from a Parquet log to a Parquet table of scores: summaries in
//! SQL, BG/NBD and Gamma-Gamma fitted on the driver from the engine's compressed statistics, CLV,
//! P(alive) and RFM scored for every customer in SQL.
//!
//! ```text
//! cargo run --release -p customer-value-datafusion --example parquet_clv              # a seeded log
//! cargo run --release -p customer-value-datafusion --example parquet_clv -- LOG OUT   # your Parquet
//! ```
//!
//! `LOG` is a Parquet file or a folder of them with the columns `customer_id`, `day` (`DATE` or
//! `TIMESTAMP`) and `amount` (`DECIMAL`, or integer cents); `OUT` is the folder the scores are
//! written to. Without arguments the example writes 1,000,000 seeded lines of 100,000 customers
//! (the benches' log) into four files under the system's temporary folder and scores those.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use customer_value::clv::{FitOptions, GammaGammaOptions, MaximumLikelihood};
use customer_value::report::PurchaseModelKind;
use customer_value_datafusion::fit::{
    fit_purchase_model, fit_spend_model, PurchaseColumns, SpendColumns,
};
use customer_value_datafusion::score::ScoringModel;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::{col, ParquetReadOptions, SessionContext};

#[tokio::main]
async fn main() -> Result<()> {
    let started = Instant::now();
    let (log, out) = paths()?;
    let ctx = SessionContext::new();
    customer_value_datafusion::register_all(&ctx);
    ctx.register_parquet(
        "log",
        log.to_string_lossy().as_ref(),
        ParquetReadOptions::default(),
    )
    .await?;

    // The observation ends on the log's last day.
    let as_of = scalar_text(&ctx, "SELECT max(CAST(day AS DATE)) FROM log").await?;
    summarize(&ctx, &as_of).await?;
    report_left_out(&ctx).await?;

    // Fit on the driver: the engine sends one row per distinct (x, t_x, T) and (x, z̄).
    let modeled = || ctx.table("modeled");
    let purchase = fit_purchase_model(
        modeled().await?,
        &PurchaseColumns::new("x", "t_x_weeks", "age_weeks"),
        PurchaseModelKind::BgNbd,
        &FitOptions::default(),
    )
    .await?;
    let spend = fit_spend_model(
        modeled().await?,
        &SpendColumns::new("x", "mean_repeat_spend"),
        &GammaGammaOptions::default(),
    )
    .await?;
    println!(
        "BG/NBD (r, α, a, b) = {:.4?} from {} customers in {} distinct rows",
        purchase.fit.parameters(),
        purchase.customers,
        purchase.distinct_rows
    );
    println!(
        "Gamma-Gamma (p, q, γ) = {:.4?} from {} distinct rows",
        spend.fit.model.parameters(),
        spend.distinct_rows
    );
    // A fit that cannot be trusted says so: print its warnings before any score.
    for warning in purchase.fit.warnings().iter().chain(&spend.fit.warnings) {
        println!("warning: {warning}");
    }

    let purchase_model = ScoringModel::of_purchase_fit(&purchase.fit)
        .ok_or_else(|| DataFusionError::Execution("not a purchase model".into()))?;
    let spend_model = ScoringModel::from(spend.fit.model);
    let scores = score(&ctx, &purchase_model, &spend_model).await?;
    scores
        .clone()
        .write_parquet(
            out.to_string_lossy().as_ref(),
            DataFrameWriteOptions::new(),
            None,
        )
        .await?;
    let rows = scores.clone().count().await?;
    let top = scores
        .sort(vec![col("clv_12_months").sort(false, false)])?
        .limit(0, Some(5))?
        .collect()
        .await?;
    println!("The five customers of highest CLV:");
    println!("{}", pretty_format_batches(&top)?);
    println!(
        "{rows} customers scored into {} in {:.2?}",
        out.display(),
        started.elapsed()
    );
    Ok(())
}

/// The log and the output folder: the arguments, or a seeded log written for the example.
fn paths() -> Result<(PathBuf, PathBuf)> {
    let mut args = std::env::args_os().skip(1);
    match (args.next(), args.next()) {
        (Some(log), Some(out)) => Ok((log.into(), out.into())),
        (Some(_), None) => Err(DataFusionError::Execution(
            "usage: parquet_clv [LOG OUT]: give both the log and the output folder".into(),
        )),
        _ => {
            let base = std::env::temp_dir().join("customer-value-parquet-clv");
            let log = base.join("log");
            if !log.exists() {
                common::write_parquet_log(&log, 1_000_000, 100_000, 42, 4)?;
                println!("wrote a seeded log of 1,000,000 lines to {}", log.display());
            }
            Ok((log, base.join("scores")))
        }
    }
}

/// Registers `summaries` (every customer's `cv_summary` fields, computed once and kept in
/// memory) and `modeled` (those with a summary, the ones the models see).
async fn summarize(ctx: &SessionContext, as_of: &str) -> Result<()> {
    let summaries = ctx
        .sql(&format!(
            "SELECT customer_id, s['status'] AS status, s['status_reason'] AS status_reason,
                    s['purchase_occasions'] AS purchase_occasions, s['recency_days'] AS recency_days,
                    s['total_spend'] AS total_spend, s['x'] AS x, s['t_x_weeks'] AS t_x_weeks,
                    s['age_weeks'] AS age_weeks, s['mean_repeat_spend'] AS mean_repeat_spend,
                    s['counted_lines'] AS counted_lines, s['null_lines'] AS null_lines,
                    s['late_lines'] AS late_lines, s['refund_lines'] AS refund_lines
             FROM (SELECT customer_id, cv_summary(day, amount, DATE '{as_of}') AS s
                   FROM log GROUP BY customer_id)"
        ))
        .await?
        .cache()
        .await?;
    ctx.register_table("summaries", summaries.into_view())?;
    let modeled = ctx
        .sql("SELECT * FROM summaries WHERE status = 'summary'")
        .await?;
    ctx.register_table("modeled", modeled.into_view())?;
    Ok(())
}

/// Says how many customers and lines were left out of the models, and why.
async fn report_left_out(ctx: &SessionContext) -> Result<()> {
    let batches = ctx
        .sql(
            "SELECT status, count(*) AS customers, sum(counted_lines) AS counted_lines,
                    sum(null_lines) AS null_lines, sum(late_lines) AS late_lines,
                    sum(refund_lines) AS refund_lines, sum(total_spend) AS net_spend
             FROM summaries GROUP BY status ORDER BY status",
        )
        .await?
        .collect()
        .await?;
    println!("Customers by summary status (only `summary` is modeled):");
    println!("{}", pretty_format_batches(&batches)?);
    Ok(())
}

/// Every modeled customer's scores: P(alive), expected purchases and CLV over a year, RFM.
async fn score(
    ctx: &SessionContext, purchase: &ScoringModel, spend: &ScoringModel,
) -> Result<datafusion::dataframe::DataFrame> {
    let (m, s) = (literal(purchase)?, literal(spend)?);
    ctx.sql(&format!(
        "WITH rfm AS (SELECT cv_rfm_breakpoints(recency_days, purchase_occasions, total_spend) AS fitted
                      FROM modeled)
         SELECT customer_id, purchase_occasions, total_spend,
                cv_p_alive({m}, x, t_x_weeks, age_weeks) AS p_alive,
                cv_expected_purchases({m}, 52, x, t_x_weeks, age_weeks) AS purchases_52_weeks,
                cv_clv({m}, {s}, '{{\"horizon_months\": 12}}', x, t_x_weeks, age_weeks,
                       mean_repeat_spend) AS clv_12_months,
                cv_rfm_score(rfm.fitted, recency_days, purchase_occasions, total_spend)['segment']
                    AS rfm_segment
         FROM modeled CROSS JOIN rfm"
    ))
    .await
}

fn literal(model: &ScoringModel) -> Result<String> {
    model
        .to_sql_literal()
        .map_err(|e| DataFusionError::External(Box::new(e)))
}

/// The one value a query returns, as text.
async fn scalar_text(ctx: &SessionContext, sql: &str) -> Result<String> {
    use datafusion::arrow::array::Array;
    use datafusion::arrow::util::display::array_value_to_string;
    let batches = ctx.sql(sql).await?.collect().await?;
    let column = batches
        .first()
        .map(|b| b.column(0).clone())
        .ok_or_else(|| DataFusionError::Execution(format!("no row from {sql}")))?;
    if column.is_null(0) {
        return Err(DataFusionError::Execution(
            "the log has no dated line".into(),
        ));
    }
    Ok(array_value_to_string(&column, 0)?)
}
