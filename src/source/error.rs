//! Why a source could not answer, by kind. The words come at the edge, from `Display`: the
//! worker hands them to the views, and `--print` to stderr.

use crate::aws::{Configuration, Failure, Network, NotFound, Operation};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    /// The IAM policy does not allow a call the source needs; the operation names the action.
    #[error("{}", Failure::AccessDenied(*.0))]
    AccessDenied(Operation),
    /// X-Ray kept throttling the call through every attempt.
    #[error(
        "{} kept throttling {} ({attempts} attempts): wait a minute, then {}",
        operation.service(),
        operation.name(),
        operation.retry_hint()
    )]
    Throttled { operation: Operation, attempts: u32 },
    #[error(transparent)]
    NotFound(NotFound),
    /// No usable answer after every attempt: timeouts, connections, X-Ray's own failures.
    #[error("{}", gave_up(*operation, cause, *attempts))]
    Network {
        operation: Operation,
        attempts: u32,
        cause: Network,
    },
    /// The region or the credentials, or a request the SDK could not make.
    #[error(transparent)]
    Configuration(#[from] Configuration),
    /// Transaction Search: `aws/spans` gave nothing, or cannot be asked this.
    #[error(transparent)]
    Spans(#[from] super::aws::SpansError),
    /// The log lines of a trace could not be read from CloudWatch Logs.
    #[error(transparent)]
    Logs(#[from] super::aws::LogsError),
    /// What came back could not be read.
    #[error("{place} could not be read: {message}")]
    Data { place: String, message: String },
    #[error("{0}")]
    Other(String),
}

impl SourceError {
    /// A call of `operation` that failed for good after `attempts` attempts.
    pub fn of_call(operation: Operation, failure: Failure, attempts: u32) -> SourceError {
        match failure {
            Failure::AccessDenied(operation) => SourceError::AccessDenied(operation),
            Failure::Throttled => SourceError::Throttled {
                operation,
                attempts,
            },
            Failure::Network(cause) => SourceError::Network {
                operation,
                attempts,
                cause,
            },
            Failure::Configuration(configuration) => SourceError::Configuration(configuration),
            Failure::NotFound(not_found) => SourceError::NotFound(not_found),
            Failure::Unreadable { operation, detail } => SourceError::Data {
                place: format!("{}'s answer to {}", operation.service(), operation.name()),
                message: detail,
            },
            refused @ (Failure::Refused { .. } | Failure::Failed { .. }) => {
                SourceError::Other(refused.to_string())
            }
        }
    }
}

/// The cause and the way to retry first, so that a narrow screen still shows them; which call
/// and how often it was tried after.
fn gave_up(operation: Operation, cause: &Network, attempts: u32) -> String {
    let check = match cause {
        Network::Timeout { .. } => "check the network and the endpoint, then ",
        _ => "",
    };
    let cause = cause.during(operation);
    let which = if cause.contains(operation.name()) {
        String::new()
    } else {
        format!("{}, ", operation.name())
    };
    format!(
        "{cause}; {check}{} ({which}{attempts} attempts)",
        operation.retry_hint()
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn giving_up_says_what_failed_and_how_to_retry() {
        let server = SourceError::Network {
            operation: Operation::GetTraceSummaries,
            attempts: 3,
            cause: Network::ServerError {
                status: 500,
                said: "InternalFailure".into(),
            },
        };
        assert_eq!(
            server.to_string(),
            "X-Ray answered HTTP 500 (InternalFailure); reload the list to retry (GetTraceSummaries, 3 \
             attempts)"
        );
        let timeout = SourceError::Network {
            operation: Operation::BatchGetTraces,
            attempts: 2,
            cause: Network::Timeout {
                within: Some(Duration::from_secs(15)),
            },
        };
        assert_eq!(
            timeout.to_string(),
            "X-Ray did not answer BatchGetTraces within 15 s; check the network and the \
             endpoint, then open the trace again to retry (2 attempts)"
        );
    }

    #[test]
    fn each_kind_of_failed_call_keeps_its_kind() {
        let call = |failure| SourceError::of_call(Operation::GetTraceSummaries, failure, 8);
        assert_eq!(
            call(Failure::AccessDenied(Operation::GetTraceSummaries)),
            SourceError::AccessDenied(Operation::GetTraceSummaries)
        );
        let throttled = call(Failure::Throttled);
        assert_eq!(
            throttled,
            SourceError::Throttled {
                operation: Operation::GetTraceSummaries,
                attempts: 8
            }
        );
        assert_eq!(
            throttled.to_string(),
            "X-Ray kept throttling GetTraceSummaries (8 attempts): wait a minute, then reload the list \
             to retry"
        );
        let unreadable = call(Failure::Unreadable {
            operation: Operation::GetTraceSummaries,
            detail: "expected value at line 1".into(),
        });
        assert!(matches!(unreadable, SourceError::Data { .. }));
        assert_eq!(
            unreadable.to_string(),
            "X-Ray's answer to GetTraceSummaries could not be read: expected value at line 1"
        );
    }
}
