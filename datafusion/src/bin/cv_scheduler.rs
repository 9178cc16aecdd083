//! `cv_scheduler`: an Apache DataFusion Ballista 55 scheduler that knows every SQL function of
//! customer-value-datafusion. Flags and environment variables: `cv_scheduler --help`.

use clap::Parser;
use customer_value_datafusion::ballista::{run_scheduler, SchedulerOptions};

#[tokio::main]
async fn main() -> ballista_core::error::Result<()> {
    let options = SchedulerOptions::parse();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    run_scheduler(options).await
}
