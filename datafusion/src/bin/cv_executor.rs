//! `cv_executor`: an Apache DataFusion Ballista 55 executor that knows every SQL function of
//! customer-value-datafusion. Flags and environment variables: `cv_executor --help`.

use clap::Parser;
use customer_value_datafusion::ballista::{run_executor, ExecutorOptions};

#[tokio::main]
async fn main() -> ballista_core::error::Result<()> {
    let options = ExecutorOptions::parse();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    run_executor(options).await
}
