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

use crate::cli::Cli;
use crate::source::aws::{AwsOptions, Tuning};

/// Region, profile and endpoint as the command line gives them.
pub fn aws_options(cli: &Cli) -> AwsOptions {
    AwsOptions {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        time_range_type: None,
        sampling: false,
        tuning: Tuning::default(),
    }
}
