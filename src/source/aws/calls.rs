//! One X-Ray call, tried again as long as that may help: throttles wait out the shared pause,
//! network errors, timeouts and server errors are tried a few times, and the status line
//! says what is going on while the source waits.

use std::future::Future;
use std::sync::Arc;

use aws_sdk_xray::Client;
use aws_sdk_xray::config::http::HttpResponse;
use aws_sdk_xray::error::{ProvideErrorMetadata, SdkError};

use super::backoff::Throttle;
use super::config::AwsOptions;
use super::status::StatusBoard;
use crate::aws::{Connection, Kind, Operation, classify, seconds};
use crate::source::SourceError;

/// What every request of the source shares: the client, the backoff and the status line.
pub struct Caller {
    pub connection: Connection,
    pub throttle: Arc<Throttle>,
    pub board: Arc<StatusBoard>,
    pub options: AwsOptions,
}

impl Caller {
    /// Runs `send` until it succeeds, fails for good, or has had all its attempts.
    pub async fn call<T, E, Fut>(
        &self,
        operation: Operation,
        mut send: impl FnMut(&Client) -> Fut,
    ) -> Result<T, SourceError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let client = self
            .connection
            .client()
            .await
            .map_err(SourceError::Failed)?;
        let tuning = &self.options.tuning;
        let mut failed = 0;
        let mut throttled = 0;
        loop {
            let permit = self.throttle.permit().await;
            let result = send(&client).await;
            drop(permit);
            let error = match result {
                Ok(answer) => {
                    self.throttle.succeeded();
                    return Ok(answer);
                }
                Err(error) => error,
            };
            let failure = classify(operation, &error, &self.options.connect.profile_name());
            let (pause, text) = match failure.kind {
                Kind::Fatal => return Err(SourceError::Failed(failure.message)),
                Kind::Throttled => {
                    throttled += 1;
                    if throttled >= tuning.throttled_attempts {
                        return Err(SourceError::Failed(format!(
                            "X-Ray kept throttling {} ({throttled} attempts): wait a minute, \
                             then {}",
                            operation.name(),
                            operation.retry_hint()
                        )));
                    }
                    let pause = self.throttle.throttled();
                    let text = format!(
                        "throttled by X-Ray; retrying in {:.1} s",
                        pause.as_secs_f64()
                    );
                    (pause, text)
                }
                Kind::Timeout | Kind::Transient => {
                    failed += 1;
                    let attempts = tuning.attempts.max(1);
                    let cause = match failure.kind {
                        Kind::Timeout => no_answer(operation, &client),
                        _ => failure.message,
                    };
                    if failed >= attempts {
                        return Err(SourceError::Failed(given_up(
                            operation,
                            &cause,
                            failed,
                            failure.kind,
                        )));
                    }
                    let wait = tuning.retry_delay * 2u32.saturating_pow(failed - 1);
                    (
                        wait,
                        format!(
                            "{cause}; retrying in {:.1} s (attempt {} of {attempts})",
                            wait.as_secs_f64(),
                            failed + 1
                        ),
                    )
                }
            };
            let _shown = self.board.show(text);
            tokio::time::sleep(pause).await;
        }
    }
}

/// The token of the next page: none when there is none, or when it would ask for the same
/// page again (which would page forever).
pub fn next_page(token: Option<String>, previous: &Option<String>) -> Option<String> {
    token.filter(|t| !t.is_empty() && Some(t) != previous.as_ref())
}

/// "X-Ray did not answer GetTraceSummaries within 15 s".
fn no_answer(operation: Operation, client: &Client) -> String {
    let within = client
        .config()
        .timeout_config()
        .and_then(|t| t.operation_attempt_timeout())
        .map(|t| format!(" within {}", seconds(t)))
        .unwrap_or_default();
    format!("X-Ray did not answer {}{within}", operation.name())
}

/// The cause and the way to retry first, so that a narrow screen still shows them; which call
/// and how often it was tried after.
fn given_up(operation: Operation, cause: &str, attempts: u32, kind: Kind) -> String {
    let check = match kind {
        Kind::Timeout => "check the network and the endpoint, then ",
        _ => "",
    };
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
    use super::*;

    #[test]
    fn giving_up_says_what_failed_and_how_to_retry() {
        assert_eq!(
            given_up(
                Operation::GetTraceSummaries,
                "X-Ray answered HTTP 500 (InternalFailure)",
                3,
                Kind::Transient
            ),
            "X-Ray answered HTTP 500 (InternalFailure); press r to retry (GetTraceSummaries, 3 \
             attempts)"
        );
        assert_eq!(
            given_up(
                Operation::BatchGetTraces,
                "X-Ray did not answer BatchGetTraces within 15 s",
                2,
                Kind::Timeout
            ),
            "X-Ray did not answer BatchGetTraces within 15 s; check the network and the \
             endpoint, then open the trace again to retry (2 attempts)"
        );
    }
}
