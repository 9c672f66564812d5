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
    let throttled = failure(429, "ThrottledException", "Rate exceeded");
    assert_eq!(throttled, Failure::Throttled);
    assert!(throttled.worth_retrying());
    assert_eq!(failure(429, "", ""), Failure::Throttled);
    let server = failure(503, "ServiceUnavailable", "try later");
    assert_eq!(
        server,
        Failure::Network(Network::ServerError {
            status: 503,
            said: "ServiceUnavailable: try later".into()
        })
    );
    assert!(server.worth_retrying());
    assert_eq!(
        server.to_string(),
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
    assert_eq!(denied, Failure::AccessDenied(Operation::BatchGetTraces));
    assert!(!denied.worth_retrying());
    assert_eq!(
        denied.to_string(),
        "AWS denied xray:BatchGetTraces — add it to your IAM policy (see README: Live AWS)"
    );
    assert_eq!(
        failure(403, "", ""),
        Failure::AccessDenied(Operation::BatchGetTraces)
    );
}

#[test]
fn expired_and_refused_credentials_say_what_to_do() {
    let expired = failure(
        403,
        "ExpiredTokenException",
        "The security token included in the request is expired",
    );
    assert_eq!(
        expired,
        Failure::Configuration(Configuration::CredentialsExpired {
            profile: "prod".into()
        })
    );
    assert!(
        expired.to_string().contains("aws sso login --profile prod"),
        "{expired}"
    );
    let refused = failure(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    );
    assert!(
        matches!(
            refused,
            Failure::Configuration(Configuration::CredentialsRefused { .. })
        ),
        "{refused:?}"
    );
    assert!(
        refused
            .to_string()
            .contains("did not accept the credentials of profile prod"),
        "{refused}"
    );
    let bad = failure(400, "InvalidRequestException", "Invalid filter expression");
    assert_eq!(
        bad.to_string(),
        "X-Ray refused BatchGetTraces: InvalidRequestException: Invalid filter expression"
    );
}

#[test]
fn missing_things_and_other_answers_keep_what_x_ray_said() {
    let missing = failure(404, "", "no such group");
    assert!(matches!(missing, Failure::NotFound(_)), "{missing:?}");
    assert_eq!(
        missing.to_string(),
        "BatchGetTraces failed: HTTP 404 no such group"
    );
    let other = service_failure(
        Operation::BatchGetTraces,
        Some(400),
        Some("SomethingElse"),
        None,
        "prod",
    );
    assert_eq!(
        other.to_string(),
        "BatchGetTraces failed: HTTP 400 SomethingElse"
    );
    assert_eq!(
        failure(200, "", "not JSON").to_string(),
        "X-Ray's answer to BatchGetTraces could not be read: not JSON"
    );
}

#[test]
fn a_timeout_names_the_call_and_its_bound() {
    let timeout = Network::Timeout {
        within: Some(Duration::from_millis(500)),
    };
    assert_eq!(timeout.to_string(), "no answer in time");
    assert_eq!(
        timeout.during(Operation::GetTraceSummaries),
        "X-Ray did not answer GetTraceSummaries within 500 ms"
    );
    let refused = Network::Unreachable("Connection refused".into());
    assert_eq!(
        refused.during(Operation::GetTraceSummaries),
        "could not reach X-Ray: Connection refused"
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
    let failure = credentials_failure(&missing, "dev");
    assert!(
        matches!(failure, Configuration::NoCredentials { .. }),
        "{failure:?}"
    );
    let message = failure.to_string();
    assert!(
        message.starts_with("no AWS credentials found for profile dev: "),
        "{message}"
    );
    let expired =
        CredentialsError::provider_error("the SSO token has expired and cannot be refreshed");
    let failure = credentials_failure(&expired, "dev");
    assert!(
        matches!(failure, Configuration::LoginNeeded { .. }),
        "{failure:?}"
    );
    assert!(
        failure.to_string().contains("aws sso login --profile dev"),
        "{failure}"
    );
}
