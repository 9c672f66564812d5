//! What went wrong with an X-Ray call, in words a user can act on, and whether trying
//! again may help.

use std::error::Error;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_xray::config::http::HttpResponse;
use aws_sdk_xray::error::{ProvideErrorMetadata, SdkError};

/// The X-Ray operations the source calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    GetTraceSummaries,
    BatchGetTraces,
    GetServiceGraph,
    GetTraceGraph,
    GetGroups,
    PutTraceSegments,
    PutTelemetryRecords,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetTraceSummaries => "GetTraceSummaries",
            Operation::BatchGetTraces => "BatchGetTraces",
            Operation::GetServiceGraph => "GetServiceGraph",
            Operation::GetTraceGraph => "GetTraceGraph",
            Operation::GetGroups => "GetGroups",
            Operation::PutTraceSegments => "PutTraceSegments",
            Operation::PutTelemetryRecords => "PutTelemetryRecords",
        }
    }

    /// How the user asks again, after a failure.
    pub fn retry_hint(self) -> &'static str {
        match self {
            Operation::GetTraceSummaries => "press r to retry",
            Operation::GetGroups => "try again",
            Operation::BatchGetTraces => "open the trace again to retry",
            Operation::GetServiceGraph | Operation::GetTraceGraph => "open the map again to retry",
            Operation::PutTraceSegments | Operation::PutTelemetryRecords => "send again",
        }
    }

    /// The README section that lists this operation's IAM action.
    fn policy_section(self) -> &'static str {
        match self {
            Operation::PutTraceSegments | Operation::PutTelemetryRecords => {
                "Sending traces to X-Ray"
            }
            _ => "Live AWS",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// X-Ray asked to slow down.
    Throttled,
    /// No answer in time.
    Timeout,
    /// The network, or X-Ray's side: worth another try.
    Transient,
    /// Trying again will not help until something changes.
    Fatal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: Kind,
    /// What happened; for fatal failures, also what to do.
    pub message: String,
}

impl Failure {
    fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

/// Sorts an SDK error. `profile` names the AWS profile in advice about credentials.
pub fn classify<E>(
    operation: Operation,
    error: &SdkError<E, HttpResponse>,
    profile: &str,
) -> Failure
where
    E: ProvideErrorMetadata + Error + 'static,
{
    if let Some(credentials) = credentials_error(error) {
        return Failure::new(Kind::Fatal, credentials_message(credentials, profile));
    }
    match error {
        SdkError::TimeoutError(_) => Failure::new(Kind::Timeout, "no answer in time"),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            Failure::new(Kind::Timeout, "no answer in time")
        }
        SdkError::DispatchFailure(failure) if failure.is_io() => Failure::new(
            Kind::Transient,
            format!(
                "could not reach X-Ray: {}",
                without_os_error(&innermost(error))
            ),
        ),
        SdkError::ResponseError(_) => Failure::new(
            Kind::Transient,
            format!("X-Ray's answer could not be read: {}", innermost(error)),
        ),
        SdkError::ServiceError(service) => {
            let status = Some(service.raw().status().as_u16());
            // An answer that could not be read has neither code nor message: its cause says more.
            let detail = innermost(error);
            let message = error
                .message()
                .or((error.code().is_none()).then_some(detail.as_str()));
            service_failure(operation, status, error.code(), message, profile)
        }
        _ => Failure::new(
            Kind::Fatal,
            format!(
                "{} could not be sent: {}",
                operation.name(),
                innermost(error)
            ),
        ),
    }
}

/// An answer from AWS that is not a success.
fn service_failure(
    operation: Operation,
    status: Option<u16>,
    code: Option<&str>,
    message: Option<&str>,
    profile: &str,
) -> Failure {
    let code = code.unwrap_or("");
    let said = match (code, message) {
        ("", Some(message)) => message.to_owned(),
        (code, Some(message)) => format!("{code}: {message}"),
        (code, None) => code.to_owned(),
    };
    let status_text = status.map_or_else(String::new, |s| format!("HTTP {s}"));
    if status.is_some_and(|s| (200..300).contains(&s)) {
        return Failure::new(
            Kind::Fatal,
            format!(
                "X-Ray's answer to {} could not be read: {said}",
                operation.name()
            ),
        );
    }
    match code {
        "ThrottledException" | "ThrottlingException" | "TooManyRequestsException" => {
            return Failure::new(Kind::Throttled, "throttled by X-Ray");
        }
        "AccessDeniedException" | "AccessDenied" => return access_denied(operation),
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => {
            return Failure::new(
                Kind::Fatal,
                format!(
                    "AWS says the credentials of profile {profile} have expired: refresh them \
                     (`aws sso login --profile {profile}` for SSO), then try again"
                ),
            );
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "MissingAuthenticationToken"
        | "SignatureDoesNotMatch" => {
            return Failure::new(
                Kind::Fatal,
                format!(
                    "AWS did not accept the credentials of profile {profile} ({said}): check the \
                     access key and secret, and that the clock is right"
                ),
            );
        }
        "InvalidRequestException" => {
            return Failure::new(
                Kind::Fatal,
                format!("X-Ray refused {}: {said}", operation.name()),
            );
        }
        _ => {}
    }
    match status {
        Some(429) => Failure::new(Kind::Throttled, "throttled by X-Ray"),
        Some(403) => access_denied(operation),
        Some(s) if s >= 500 => Failure::new(
            Kind::Transient,
            format!("X-Ray answered {status_text} ({said})")
                .replace(" ()", "")
                .trim_end()
                .to_owned(),
        ),
        _ => Failure::new(
            Kind::Fatal,
            format!("{} failed: {status_text} {said}", operation.name())
                .trim_end()
                .to_owned(),
        ),
    }
}

fn access_denied(operation: Operation) -> Failure {
    Failure::new(
        Kind::Fatal,
        format!(
            "AWS denied xray:{} — add it to your IAM policy (see README: {})",
            operation.name(),
            operation.policy_section()
        ),
    )
}

/// How a call failed to reach X-Ray, in the categories of PutTelemetryRecords'
/// BackendConnectionErrors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Timeout,
    ConnectionRefused,
    Http4xx,
    Http5xx,
    UnknownHost,
    Other,
}

/// Sorts an SDK error as the X-Ray daemon's telemetry does.
pub fn backend_error<E>(error: &SdkError<E, HttpResponse>) -> Backend
where
    E: Error + 'static,
{
    match error {
        SdkError::TimeoutError(_) => Backend::Timeout,
        SdkError::DispatchFailure(failure) if failure.is_timeout() => Backend::Timeout,
        SdkError::ServiceError(service) => http_backend(service.raw().status().as_u16()),
        SdkError::ResponseError(response) => http_backend(response.raw().status().as_u16()),
        _ => {
            let cause = innermost(error).to_lowercase();
            if cause.contains("refused") {
                Backend::ConnectionRefused
            } else if cause.contains("dns")
                || cause.contains("lookup")
                || cause.contains("resolve")
                || cause.contains("name or service not known")
            {
                Backend::UnknownHost
            } else {
                Backend::Other
            }
        }
    }
}

fn http_backend(status: u16) -> Backend {
    match status {
        400..=499 => Backend::Http4xx,
        500..=599 => Backend::Http5xx,
        _ => Backend::Other,
    }
}

/// The credentials provider's own error, when that is what stopped the call.
fn credentials_error<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a CredentialsError> {
    let mut next: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(error) = next {
        if let Some(credentials) = error.downcast_ref::<CredentialsError>() {
            return Some(credentials);
        }
        next = error.source();
    }
    None
}

/// Advice for credentials that could not be had.
pub fn credentials_message(error: &CredentialsError, profile: &str) -> String {
    let detail = innermost(error);
    let lower = detail.to_lowercase();
    if lower.contains("expired") || (lower.contains("sso") && lower.contains("token")) {
        return format!(
            "the AWS credentials of profile {profile} have expired or need a new login: run \
             `aws sso login --profile {profile}` (or refresh them as you usually do), then try \
             again ({detail})"
        );
    }
    match error {
        CredentialsError::CredentialsNotLoaded(_) => format!(
            "no AWS credentials found for profile {profile}: set AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY, run `aws configure --profile {profile}`, or \
             `aws sso login --profile {profile}` for SSO ({detail})"
        ),
        CredentialsError::ProviderTimedOut(_) => format!(
            "the AWS credentials of profile {profile} took too long to come: check the network, \
             or the credential_process or SSO set-up of the profile ({detail})"
        ),
        _ => format!("the AWS credentials of profile {profile} could not be loaded: {detail}"),
    }
}

/// "Connection refused (os error 111)" as "Connection refused".
fn without_os_error(text: &str) -> &str {
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text,
    }
}

/// The deepest cause of an error: the part that says what happened.
pub fn innermost(error: &(dyn Error + 'static)) -> String {
    let mut deepest = error;
    while let Some(source) = deepest.source() {
        deepest = source;
    }
    let text = deepest.to_string();
    if text.is_empty() {
        error.to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(status: u16, code: &str, message: &str) -> Failure {
        service_failure(
            Operation::BatchGetTraces,
            Some(status),
            Some(code),
            Some(message),
            "prod",
        )
    }

    #[test]
    fn throttling_and_server_errors_are_worth_another_try() {
        assert_eq!(
            failure(429, "ThrottledException", "Rate exceeded").kind,
            Kind::Throttled
        );
        assert_eq!(failure(429, "", "").kind, Kind::Throttled);
        let server = failure(503, "ServiceUnavailable", "try later");
        assert_eq!(server.kind, Kind::Transient);
        assert_eq!(
            server.message,
            "X-Ray answered HTTP 503 (ServiceUnavailable: try later)"
        );
    }

    #[test]
    fn denied_calls_name_the_iam_action() {
        let denied = failure(
            403,
            "AccessDeniedException",
            "User: arn:aws:iam::1:user/x is not authorized",
        );
        assert_eq!(denied.kind, Kind::Fatal);
        assert_eq!(
            denied.message,
            "AWS denied xray:BatchGetTraces — add it to your IAM policy (see README: Live AWS)"
        );
    }

    #[test]
    fn expired_and_refused_credentials_say_what_to_do() {
        let expired = failure(
            403,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        );
        assert!(
            expired.message.contains("aws sso login --profile prod"),
            "{}",
            expired.message
        );
        let refused = failure(
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        );
        assert!(
            refused
                .message
                .contains("did not accept the credentials of profile prod"),
            "{}",
            refused.message
        );
        let bad = failure(400, "InvalidRequestException", "Invalid filter expression");
        assert_eq!(
            bad.message,
            "X-Ray refused BatchGetTraces: InvalidRequestException: Invalid filter expression"
        );
    }

    #[test]
    fn os_error_numbers_are_left_out() {
        assert_eq!(
            without_os_error("Connection refused (os error 111)"),
            "Connection refused"
        );
        assert_eq!(without_os_error("dns error"), "dns error");
    }

    #[test]
    fn missing_and_expired_credentials_name_the_profile() {
        let missing = CredentialsError::not_loaded("no providers in chain provided credentials");
        let message = credentials_message(&missing, "dev");
        assert!(
            message.starts_with("no AWS credentials found for profile dev: "),
            "{message}"
        );
        let expired =
            CredentialsError::provider_error("the SSO token has expired and cannot be refreshed");
        let message = credentials_message(&expired, "dev");
        assert!(message.contains("aws sso login --profile dev"), "{message}");
    }
}
