//! The write side of X-Ray: `--upload` sends saved documents, `--listen --forward` passes on
//! what SDKs send, as the X-Ray daemon would. Documents are checked as X-Ray checks them
//! before they go, and can be moved in time so a recording can be replayed.

pub mod check;
pub mod command;
pub mod forward;
pub mod rebase;
pub mod replay;
pub mod telemetry;
pub mod writer;

use crate::aws::ConnectOptions;
use crate::cli::Cli;

/// Region, profile and endpoint as the command line gives them.
pub fn connect_options(cli: &Cli) -> ConnectOptions {
    ConnectOptions {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        timeouts: Default::default(),
    }
}
