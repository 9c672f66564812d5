//! Calls made straight over HTTP rather than through the X-Ray client (X-Ray's OTLP endpoint):
//! what their failures mean, sorted as the client's are.

use std::time::Duration;

use aws_sdk_xray::error::ConnectorError;

use super::errors::{
    Backend, Failure, Network, Operation, backend_of_cause, http_backend, innermost,
    service_failure, without_os_error,
};

/// An answer that is not a success. `error_type` is AWS's name for the error (the
/// `x-amzn-ErrorType` header), `message` what it said; `profile` is named in advice about
/// credentials.
pub fn answer_failure(
    operation: Operation,
    status: u16,
    error_type: Option<&str>,
    message: Option<&str>,
    profile: &str,
) -> (Failure, Backend) {
    // "AccessDeniedException:http://internal.amazon.com/…": the name is what comes first.
    let error_type = error_type.map(|name| name.split(':').next().unwrap_or(name));
    let failure = service_failure(operation, Some(status), error_type, message, profile);
    (failure, http_backend(status))
}

/// A call that got no answer: the connection could not be made, or the answer did not come.
pub fn unanswered(error: &ConnectorError) -> (Failure, Backend) {
    let cause = innermost(error);
    if error.is_timeout() {
        return (timed_out(None).0, Backend::Timeout);
    }
    let backend = backend_of_cause(&cause);
    let network = if error.is_io() {
        Network::Unreachable(without_os_error(&cause).to_owned())
    } else {
        Network::Garbled(cause)
    };
    (Failure::Network(network), backend)
}

/// No answer within `within`, the bound of one attempt, when it is known.
pub fn timed_out(within: Option<Duration>) -> (Failure, Backend) {
    (
        Failure::Network(Network::Timeout { within }),
        Backend::Timeout,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_types_lose_their_suffix_and_statuses_give_the_backend() {
        let (failure, backend) = answer_failure(
            Operation::OtlpTraces,
            403,
            Some("AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral/"),
            Some("User is not authorized"),
            "prod",
        );
        assert_eq!(failure, Failure::AccessDenied(Operation::OtlpTraces));
        assert_eq!(backend, Backend::Http4xx);
        let (failure, backend) = answer_failure(Operation::OtlpTraces, 503, None, None, "prod");
        assert!(failure.worth_retrying(), "{failure:?}");
        assert_eq!(backend, Backend::Http5xx);
    }

    #[test]
    fn refused_connections_are_unreachable_and_worth_another_try() {
        let refused = ConnectorError::io(Box::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        )));
        let (failure, backend) = unanswered(&refused);
        assert_eq!(
            failure,
            Failure::Network(Network::Unreachable("Connection refused".into()))
        );
        assert_eq!(backend, Backend::ConnectionRefused);
        assert!(failure.worth_retrying());
    }
}
