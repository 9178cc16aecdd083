//! The pipeline's stages through a running Ballista cluster (`cv_scheduler` and `cv_executor`s),
//! each timed: the summaries streamed back and tallied, the two models' sufficient statistics
//! grouped on the executors and counted (the bound of what the driver fits on), both fits on the
//! driver, and the scores computed on the executors and summed there (so only one row comes back).
//!
//! ```text
//! cargo run --release -p customer-value-datafusion --features ballista --example cluster_run -- \
//!     df://localhost:50050 /data/log [AS_OF]
//! ```
//!
//! The Parquet directory (`customer_id`, `day`, `amount`, e.g. the log `out_of_core` writes) must
//! be at the same path on the client and every executor. `AS_OF` defaults to 2023-12-31, the
//! end of that log. Time is in days, as in `out_of_core`'s counts of the fit's rows.

use std::time::Instant;

use ballista::prelude::SessionConfigExt;
use chrono::NaiveDate;
use customer_value::clv::{ClvOptions, FitOptions, GammaGammaOptions, MaximumLikelihood};
use customer_value::report::PurchaseModelKind;
use customer_value::TimeUnit;
use customer_value_datafusion::ballista::{connect, Pipeline, SummaryStage};
use customer_value_datafusion::fit::{
    fit_purchase_statistics, fit_spend_statistics, repeat_statistics, spend_statistics,
    PurchaseColumns, SpendColumns,
};
use customer_value_datafusion::score::ScoringModel;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Int64Type};
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::{ParquetReadOptions, SessionConfig};
use futures::StreamExt;
use rust_decimal::Decimal;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(dir)) = (args.get(1), args.get(2)) else {
        return Err(DataFusionError::Configuration(
            "usage: cluster_run SCHEDULER_URL PARQUET_DIR [AS_OF]".into(),
        ));
    };
    let as_of = match args.get(3) {
        Some(day) => NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|e| DataFusionError::Configuration(format!("AS_OF {day:?}: {e}")))?,
        None => NaiveDate::from_ymd_opt(2023, 12, 31).expect("a date"),
    };
    let ctx = connect(url, SessionConfig::new_with_ballista()).await?;
    ctx.register_parquet("log", dir, ParquetReadOptions::default())
        .await?;
    let days = ClvOptions {
        time_unit: TimeUnit::Days,
        ..ClvOptions::default()
    };
    let pipeline = Pipeline::new(SummaryStage::new("log", as_of)).clv_options(days);

    let started = Instant::now();
    let sql = format!(
        "SELECT summary['counted_lines'], summary['total_spend'] FROM ({}) AS summaries",
        SummaryStage::new("log", as_of).summary_sql()
    );
    let (customers, lines, net) = tally(ctx.sql(&sql).await?).await?;
    println!(
        "summaries: {customers} customers, {lines} counted lines, net {net} in {:.1?}",
        started.elapsed()
    );

    let started = Instant::now();
    let modeled = pipeline.modeled_sql()?;
    let columns = PurchaseColumns::new("x", "t_x", "age");
    let purchase = repeat_statistics(ctx.sql(&modeled).await?, &columns).await?;
    println!(
        "purchase statistics: {} distinct (x, t_x, T) in days for {} customers in {:.1?}",
        purchase.histories.len(),
        purchase.customers(),
        started.elapsed()
    );
    let started = Instant::now();
    let columns = SpendColumns::new("x", "mean_spend");
    let spend = spend_statistics(ctx.sql(&modeled).await?, &columns).await?;
    println!(
        "spend statistics: {} distinct (x, z̄) for {} customers ({} left out) in {:.1?}",
        spend.histories.len(),
        spend.customers(),
        spend.null_rows,
        started.elapsed()
    );

    let started = Instant::now();
    let (kind, options) = (PurchaseModelKind::BgNbd, FitOptions::default());
    let purchase = fit_purchase_statistics(purchase, kind, &options, "cluster_run")?;
    let spend = fit_spend_statistics(spend, &GammaGammaOptions::default(), "cluster_run")?;
    println!(
        "fits on the driver: BG/NBD {:?}, Gamma-Gamma {:?} in {:.1?}",
        purchase.fit.parameters(),
        spend.fit.model.parameters(),
        started.elapsed()
    );

    let started = Instant::now();
    let model = ScoringModel::of_purchase_fit(&purchase.fit).expect("a BG/NBD");
    let scores = pipeline.scores_sql(&model, &ScoringModel::from(spend.fit.model))?;
    let summed = ctx
        .sql(&format!(
            "SELECT COUNT(*), COUNT(p_alive), SUM(p_alive), COUNT(clv), SUM(clv), MAX(rfm_rows)
             FROM ({scores}) AS scored"
        ))
        .await?
        .collect()
        .await?;
    println!(
        "scores on the executors: {} in {:.1?}",
        datafusion::arrow::util::pretty::pretty_format_batches(&summed)?,
        started.elapsed()
    );
    Ok(())
}

/// Customers, counted lines and the net total of the summaries, streamed: the client keeps
/// tallies.
async fn tally(df: datafusion::dataframe::DataFrame) -> Result<(u64, i64, Decimal)> {
    let (mut customers, mut lines, mut net, mut scale) = (0u64, 0i64, 0i128, 0);
    let mut stream = df.execute_stream().await?;
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        customers += batch.num_rows() as u64;
        let counted = batch.column(0).as_primitive::<Int64Type>();
        lines += counted.iter().flatten().sum::<i64>();
        if let DataType::Decimal128(_, s) = batch.column(1).data_type() {
            scale = (*s).max(0) as u32;
        }
        let spend = batch.column(1).as_primitive::<Decimal128Type>();
        net += spend.iter().flatten().sum::<i128>();
    }
    let net = Decimal::try_from_i128_with_scale(net, scale)
        .map_err(|e| DataFusionError::Execution(format!("the net total: {e}")))?;
    Ok((customers, lines, net))
}
