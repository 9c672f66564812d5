//! Why the log lines of a trace could not be read from CloudWatch Logs, with what to do.

use super::super::spans_error::Ended;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LogsError {
    /// Nothing in the trace names a log group, and the configuration maps none to its
    /// services.
    #[error(
        "this trace names no log groups (its segments list none under aws.cloudwatch_logs, and \
         none is a Lambda function): map its services to their log groups in config.toml, \
         e.g. [logs] {example} = [\"/ecs/{example}\"]"
    )]
    NoGroups { example: String },
    /// CloudWatch Logs has none of the groups.
    #[error(
        "none of the log groups named for this trace is in this account and region ({}): \
         check the names in config.toml's [logs] table, and --region",
        .0.join(", ")
    )]
    GroupsMissing(Vec<String>),
    #[error("{}", ended(*.0))]
    QueryEnded(Ended),
}

fn ended(status: Ended) -> String {
    match status {
        Ended::Failed => "the Logs Insights query for the trace's log lines failed (Failed): \
                          close the logs pane and open it again to retry"
            .into(),
        Ended::Cancelled => "the Logs Insights query for the trace's log lines was cancelled \
                             (Cancelled), by another client or the console: close the logs pane \
                             and open it again to retry"
            .into(),
        Ended::TimedOut => "the Logs Insights query for the trace's log lines timed out \
                            (Timeout): fewer log groups in config.toml's [logs] table scan less"
            .into(),
    }
}
