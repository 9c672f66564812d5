//! What went wrong with an X-Ray call, by kind (whether trying again may help, and what the
//! user can do), and in words a user can act on.

use std::error::Error;
use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_xray::config::http::HttpResponse;
use aws_sdk_xray::error::{ProvideErrorMetadata, SdkError};

pub use super::operation::Operation;

/// What went wrong with one X-Ray call, sorted by what can be done about it. The words, for
/// fatal failures, also say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The IAM policy does not allow the call.
    #[error("{}", denied(*.0))]
    AccessDenied(Operation),
    /// X-Ray asked to slow down.
    #[error("throttled by X-Ray")]
    Throttled,
    /// No usable answer came; another try may get one.
    #[error(transparent)]
    Network(Network),
    /// Trying again will not help until the region, the credentials or the request change.
    #[error(transparent)]
    Configuration(Configuration),
    #[error(transparent)]
    NotFound(NotFound),
    /// X-Ray answered that the call went through, in words that could not be read.
    #[error("{}'s answer to {} could not be read: {detail}", operation.service(), operation.name())]
    Unreadable {
        operation: Operation,
        detail: String,
    },
    /// X-Ray refused the request as it was made (InvalidRequestException).
    #[error("{} refused {}: {said}", operation.service(), operation.name())]
    Refused { operation: Operation, said: String },
    /// Any other answer that is not a success.
    #[error("{}", answered(*operation, *status, said))]
    Failed {
        operation: Operation,
        status: Option<u16>,
        /// X-Ray's error code and message.
        said: String,
    },
}

impl Failure {
    /// Sending the same again later may work.
    pub fn worth_retrying(&self) -> bool {
        matches!(self, Failure::Throttled | Failure::Network(_))
    }
}

/// A call that got no usable answer: the network, or X-Ray's own trouble.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Network {
    /// No answer within the attempt's time; `within` is that time, when the caller knows it.
    #[error("no answer in time")]
    Timeout { within: Option<Duration> },
    /// The connection could not be made.
    #[error("could not reach X-Ray: {0}")]
    Unreachable(String),
    /// An answer came that could not be read: cut short, or not HTTP.
    #[error("X-Ray's answer could not be read: {0}")]
    Garbled(String),
    /// X-Ray failed on its side (HTTP 5xx).
    #[error("{}", server_error("X-Ray", *status, said))]
    ServerError { status: u16, said: String },
}

impl Network {
    /// What happened to a call of `operation`: a timeout names the call and its bound.
    pub fn during(&self, operation: Operation) -> String {
        match self {
            Network::Timeout { within } => {
                let within = within
                    .map(|within| format!(" within {}", super::seconds(within)))
                    .unwrap_or_default();
                format!(
                    "{} did not answer {}{within}",
                    operation.service(),
                    operation.name()
                )
            }
            Network::Unreachable(cause) => {
                format!("could not reach {}: {cause}", operation.service())
            }
            Network::Garbled(cause) => {
                format!(
                    "{}'s answer could not be read: {cause}",
                    operation.service()
                )
            }
            Network::ServerError { status, said } => {
                server_error(operation.service(), *status, said)
            }
        }
    }
}

/// What stands in the way before a call can be made, or makes AWS refuse who makes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Configuration {
    #[error(
        "no AWS region: pass --region, set AWS_REGION, or set region for profile {profile} in \
         {config_file}"
    )]
    NoRegion {
        profile: String,
        config_file: String,
    },
    #[error(
        "no AWS credentials found for profile {profile}: set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY, run `aws configure --profile {profile}`, or \
         `aws sso login --profile {profile}` for SSO ({detail})"
    )]
    NoCredentials { profile: String, detail: String },
    /// The credentials provider says they expired, or an SSO token needs a login.
    #[error(
        "the AWS credentials of profile {profile} have expired or need a new login: run \
         `aws sso login --profile {profile}` (or refresh them as you usually do), then try \
         again ({detail})"
    )]
    LoginNeeded { profile: String, detail: String },
    /// The credentials provider gave up waiting (IMDS, SSO, a container endpoint).
    #[error(
        "the AWS credentials of profile {profile} took too long to come: check the network, \
         or the credential_process or SSO set-up of the profile ({detail})"
    )]
    CredentialsTimedOut { profile: String, detail: String },
    /// Waiting for the credentials took longer than the connection allows.
    #[error(
        "the AWS credentials of profile {profile} took more than {} s to come: is an SSO \
         login or a credential_process waiting? Check the profile, then reload the list to retry",
        waited.as_secs()
    )]
    CredentialsWaited { profile: String, waited: Duration },
    #[error("the AWS credentials of profile {profile} could not be loaded: {detail}")]
    CredentialsUnloadable { profile: String, detail: String },
    /// AWS says the credentials the call was signed with have expired.
    #[error(
        "AWS says the credentials of profile {profile} have expired: refresh them \
         (`aws sso login --profile {profile}` for SSO), then try again"
    )]
    CredentialsExpired { profile: String },
    /// AWS does not take the credentials or the signature.
    #[error(
        "AWS did not accept the credentials of profile {profile} ({said}): check the access \
         key and secret, and that the clock is right"
    )]
    CredentialsRefused { profile: String, said: String },
    /// X-Ray's OTLP endpoint takes spans only once Transaction Search sends them to
    /// CloudWatch Logs.
    #[error(
        "Transaction Search is not enabled in this account and region ({region}), so X-Ray's \
         OTLP endpoint refuses spans: enable it (CloudWatch console → Settings → X-Ray traces \
         → Transaction Search, or `aws xray update-trace-segment-destination --destination \
         CloudWatchLogs`), or forward with the X-Ray daemon protocol instead (X-Ray said: \
         {said})"
    )]
    TransactionSearchOff { region: String, said: String },
    /// The SDK could not make the request: an endpoint or a setting it cannot use.
    #[error("{} could not be sent: {detail}", operation.name())]
    Unsendable {
        operation: Operation,
        detail: String,
    },
}

/// X-Ray has no such thing (HTTP 404, ResourceNotFoundException).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", answered(*operation, *status, said))]
pub struct NotFound {
    pub operation: Operation,
    pub status: Option<u16>,
    pub said: String,
}

/// "AWS denied xray:GetIndexingRules — the list still works but …; add it to your IAM policy".
fn denied(operation: Operation) -> String {
    if operation == Operation::OtlpTraces {
        return format!(
            "AWS denied spans sent to X-Ray's OTLP endpoint — attach the AWSXrayWriteOnlyAccess \
             managed policy (it allows {}) to the role or user (see README: {})",
            operation.iam_action(),
            operation.policy_section()
        );
    }
    let without = operation
        .without()
        .map(|works| format!("{works}; "))
        .unwrap_or_default();
    format!(
        "AWS denied {} — {without}add it to your IAM policy (see README: {})",
        operation.iam_action(),
        operation.policy_section()
    )
}

/// "GetTraceSummaries failed: HTTP 400 Code: message".
fn answered(operation: Operation, status: Option<u16>, said: &str) -> String {
    let status = status.map_or_else(String::new, |s| format!("HTTP {s}"));
    format!("{} failed: {status} {said}", operation.name())
        .trim_end()
        .to_owned()
}

/// "X-Ray answered HTTP 503 (ServiceUnavailable: try later)".
fn server_error(service: &str, status: u16, said: &str) -> String {
    format!("{service} answered HTTP {status} ({said})")
        .replace(" ()", "")
        .trim_end()
        .to_owned()
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
        return Failure::Configuration(credentials_failure(credentials, profile));
    }
    match error {
        SdkError::TimeoutError(_) => Failure::Network(Network::Timeout { within: None }),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            Failure::Network(Network::Timeout { within: None })
        }
        SdkError::DispatchFailure(failure) if failure.is_io() => Failure::Network(
            Network::Unreachable(without_os_error(&innermost(error)).to_owned()),
        ),
        SdkError::ResponseError(_) => Failure::Network(Network::Garbled(innermost(error))),
        SdkError::ServiceError(service) => {
            let status = Some(service.raw().status().as_u16());
            // An answer that could not be read has neither code nor message: its cause says more.
            let detail = innermost(error);
            let message = error
                .message()
                .or((error.code().is_none()).then_some(detail.as_str()));
            service_failure(operation, status, error.code(), message, profile)
        }
        _ => Failure::Configuration(Configuration::Unsendable {
            operation,
            detail: innermost(error),
        }),
    }
}

/// An answer from AWS that is not a success.
pub(super) fn service_failure(
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
    let profile = profile.to_owned();
    if status.is_some_and(|s| (200..300).contains(&s)) {
        return Failure::Unreadable {
            operation,
            detail: said,
        };
    }
    match code {
        // CloudWatch Logs says LimitExceeded when too many queries run at once: one ends soon.
        "ThrottledException"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "LimitExceededException" => {
            return Failure::Throttled;
        }
        "AccessDeniedException" | "AccessDenied" => return Failure::AccessDenied(operation),
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => {
            return Failure::Configuration(Configuration::CredentialsExpired { profile });
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "MissingAuthenticationToken"
        | "SignatureDoesNotMatch" => {
            return Failure::Configuration(Configuration::CredentialsRefused { profile, said });
        }
        "InvalidRequestException" | "InvalidParameterException" | "MalformedQueryException" => {
            return Failure::Refused { operation, said };
        }
        "ResourceNotFoundException" | "NotFoundException" => {
            return Failure::NotFound(NotFound {
                operation,
                status,
                said,
            });
        }
        _ => {}
    }
    match status {
        Some(429) => Failure::Throttled,
        Some(403) => Failure::AccessDenied(operation),
        Some(404) => Failure::NotFound(NotFound {
            operation,
            status,
            said,
        }),
        Some(status) if status >= 500 => Failure::Network(Network::ServerError { status, said }),
        _ => Failure::Failed {
            operation,
            status,
            said,
        },
    }
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
        _ => backend_of_cause(&innermost(error)),
    }
}

/// A connection that failed, sorted by the words of its deepest cause.
pub(super) fn backend_of_cause(cause: &str) -> Backend {
    let cause = cause.to_lowercase();
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

pub(super) fn http_backend(status: u16) -> Backend {
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

/// What to do about credentials that could not be had.
pub fn credentials_failure(error: &CredentialsError, profile: &str) -> Configuration {
    let detail = innermost(error);
    let profile = profile.to_owned();
    let lower = detail.to_lowercase();
    if lower.contains("expired") || (lower.contains("sso") && lower.contains("token")) {
        return Configuration::LoginNeeded { profile, detail };
    }
    match error {
        CredentialsError::CredentialsNotLoaded(_) => {
            Configuration::NoCredentials { profile, detail }
        }
        CredentialsError::ProviderTimedOut(_) => {
            Configuration::CredentialsTimedOut { profile, detail }
        }
        _ => Configuration::CredentialsUnloadable { profile, detail },
    }
}

/// "Connection refused (os error 111)" as "Connection refused".
pub(super) fn without_os_error(text: &str) -> &str {
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text,
    }
}

/// The deepest cause of an error: the part that says what happened.
pub(super) fn innermost(error: &(dyn Error + 'static)) -> String {
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
mod tests;
