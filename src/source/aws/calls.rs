//! One X-Ray or CloudWatch Logs call, tried again as long as that may help: throttles wait out
//! the pause shared by the calls of that service, network errors, timeouts and server errors
//! are tried a few times, and the status line says what is going on while the source waits.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::Client as LogsClient;
use aws_sdk_xray::Client;
use aws_sdk_xray::config::http::HttpResponse;
use aws_sdk_xray::error::{ProvideErrorMetadata, SdkError};

use super::backoff::Throttle;
use super::config::AwsOptions;
use super::status::StatusBoard;
use crate::aws::{Connection, Failure, Network, Operation, classify};
use crate::source::SourceError;

/// What every request of the source shares: the clients, the backoff and the status line.
pub struct Caller {
    pub connection: Connection,
    /// The backoff of X-Ray's calls.
    pub throttle: Arc<Throttle>,
    /// The backoff of CloudWatch Logs' calls: its limits are its own.
    pub logs_throttle: Arc<Throttle>,
    pub board: Arc<StatusBoard>,
    pub options: AwsOptions,
}

impl Caller {
    /// Runs an X-Ray call until it succeeds, fails for good, or has had all its attempts.
    pub async fn call<T, E, Fut>(
        &self,
        operation: Operation,
        send: impl FnMut(&Client) -> Fut,
    ) -> Result<T, SourceError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let client = self.connection.client().await?;
        let within = client
            .config()
            .timeout_config()
            .and_then(|t| t.operation_attempt_timeout());
        self.attempt(operation, &self.throttle, within, &client, send)
            .await
    }

    /// Runs a CloudWatch Logs call as [`Caller::call`] runs an X-Ray call.
    pub async fn call_logs<T, E, Fut>(
        &self,
        operation: Operation,
        send: impl FnMut(&LogsClient) -> Fut,
    ) -> Result<T, SourceError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let client = self.connection.logs_client().await?;
        let within = client
            .config()
            .timeout_config()
            .and_then(|t| t.operation_attempt_timeout());
        self.attempt(operation, &self.logs_throttle, within, &client, send)
            .await
    }

    /// `within` is how long the client gives one attempt, when it says.
    async fn attempt<C, T, E, Fut>(
        &self,
        operation: Operation,
        throttle: &Arc<Throttle>,
        within: Option<Duration>,
        client: &C,
        mut send: impl FnMut(&C) -> Fut,
    ) -> Result<T, SourceError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let tuning = &self.options.tuning;
        let mut failed = 0;
        let mut throttled = 0;
        loop {
            let permit = throttle.permit().await;
            let result = send(client).await;
            drop(permit);
            let error = match result {
                Ok(answer) => {
                    throttle.succeeded();
                    return Ok(answer);
                }
                Err(error) => error,
            };
            let failure = classify(operation, &error, &self.options.connect.profile_name());
            let (pause, text) = match failure {
                Failure::Throttled => {
                    throttled += 1;
                    if throttled >= tuning.throttled_attempts {
                        return Err(SourceError::Throttled {
                            operation,
                            attempts: throttled,
                        });
                    }
                    let pause = throttle.throttled();
                    let text = format!(
                        "throttled by {}; retrying in {:.1} s",
                        operation.service(),
                        pause.as_secs_f64()
                    );
                    (pause, text)
                }
                Failure::Network(cause) => {
                    failed += 1;
                    let attempts = tuning.attempts.max(1);
                    let cause = match cause {
                        Network::Timeout { .. } => Network::Timeout { within },
                        other => other,
                    };
                    if failed >= attempts {
                        return Err(SourceError::Network {
                            operation,
                            attempts: failed,
                            cause,
                        });
                    }
                    let wait = tuning.retry_delay * 2u32.saturating_pow(failed - 1);
                    (
                        wait,
                        format!(
                            "{}; retrying in {:.1} s (attempt {} of {attempts})",
                            cause.during(operation),
                            wait.as_secs_f64(),
                            failed + 1
                        ),
                    )
                }
                fatal => return Err(SourceError::of_call(operation, fatal, 1)),
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
