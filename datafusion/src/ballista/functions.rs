//! The three places a Ballista cluster looks functions up, each given every function of
//! [`all_functions`](crate::all_functions).
//!
//! - The client plans the SQL: [`connect`] registers the functions on the context that
//!   `SessionContext::remote_with_state` returns (that call rebuilds the session state and drops
//!   whatever was registered on the state passed in).
//! - The scheduler decodes the client's logical plan and plans it physically: [`session_state`] is
//!   its session builder.
//! - Each executor decodes the physical plan of a task: [`function_registry`] is its registry.
//!
//! Plans name a function and carry its arguments; the fitted models travel as literal arguments,
//! so Ballista's default codecs need no extension.

use std::sync::Arc;

use ballista::prelude::SessionContextExt;
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_core::utils::default_session_builder;
use datafusion::error::Result;
use datafusion::execution::session_state::{SessionState, SessionStateBuilder};
use datafusion::execution::FunctionRegistry;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::{all_functions, register_all, Functions};

/// The scheduler's session builder: Ballista's default session state plus every function of
/// this crate.
///
/// # Errors
///
/// An error if Ballista's default builder fails (its runtime environment cannot be built).
///
/// # Examples
///
/// ```
/// use ballista::prelude::SessionConfigExt;
/// use datafusion::prelude::SessionConfig;
///
/// let state = customer_value_datafusion::ballista::session_state(SessionConfig::new_with_ballista())?;
/// assert!(state.aggregate_functions().contains_key("sum"));
/// # Ok::<(), datafusion::error::DataFusionError>(())
/// ```
pub fn session_state(config: SessionConfig) -> Result<SessionState> {
    let mut state = default_session_builder(config)?;
    add_functions(&mut state)?;
    Ok(state)
}

/// The executors' function registry: exactly the functions of [`session_state`], so an executor
/// decodes every plan the scheduler can make.
///
/// # Errors
///
/// An error if the scheduler's session state cannot be built (see [`session_state`]).
///
/// # Examples
///
/// ```
/// use datafusion::execution::FunctionRegistry;
///
/// let registry = customer_value_datafusion::ballista::function_registry()?;
/// assert!(registry.udaf("sum").is_ok());
/// # Ok::<(), datafusion::error::DataFusionError>(())
/// ```
pub fn function_registry() -> Result<Arc<BallistaFunctionRegistry>> {
    use ballista::prelude::SessionConfigExt;
    let state = session_state(SessionConfig::new_with_ballista())?;
    Ok(Arc::new(BallistaFunctionRegistry::from(&state)))
}

/// A client context for the scheduler at `scheduler_url` (`df://host:port`) with every function
/// of this crate registered.
///
/// `config` is the client's session configuration (start from
/// `SessionConfig::new_with_ballista()` to set Ballista's options on it). The connection is made
/// lazily: the first query reaches the scheduler.
///
/// # Errors
///
/// An error if `scheduler_url` is not a URL with a host.
///
/// # Examples
///
/// ```
/// use ballista::prelude::SessionConfigExt;
/// use datafusion::prelude::SessionConfig;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let ctx = customer_value_datafusion::ballista::connect(
///     "df://localhost:50050",
///     SessionConfig::new_with_ballista(),
/// )
/// .await?;
/// assert!(ctx.state().aggregate_functions().contains_key("sum"));
/// # Ok::<(), datafusion::error::DataFusionError>(())
/// # }).unwrap();
/// ```
pub async fn connect(scheduler_url: &str, config: SessionConfig) -> Result<SessionContext> {
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    let ctx = SessionContext::remote_with_state(scheduler_url, state).await?;
    register_all(&ctx);
    Ok(ctx)
}

/// Inserts every function of this crate into `state` (beside, not instead of, its own).
fn add_functions(state: &mut SessionState) -> Result<()> {
    let Functions {
        aggregates,
        scalars,
    } = all_functions();
    for udaf in aggregates {
        state.register_udaf(Arc::new(udaf))?;
    }
    for udf in scalars {
        state.register_udf(Arc::new(udf))?;
    }
    Ok(())
}
