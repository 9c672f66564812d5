//! One X-Ray call, tried again as long as that may help: throttles wait out the shared pause,
//! network errors, timeouts and server errors are tried a few times, and the status line
//! says what is going on while the source waits.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_xray::Client;
use aws_sdk_xray::config::http::HttpResponse;
use aws_sdk_xray::error::{ProvideErrorMetadata, SdkError};

use super::backoff::Throttle;
use super::config::AwsOptions;
use super::status::StatusBoard;
use crate::aws::{Connection, Failure, Network, Operation, classify};
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
        let client = self.connection.client().await?;
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
            let (pause, text) = match failure {
                Failure::Throttled => {
                    throttled += 1;
                    if throttled >= tuning.throttled_attempts {
                        return Err(SourceError::Throttled {
                            operation,
                            attempts: throttled,
                        });
                    }
                    let pause = self.throttle.throttled();
                    let text = format!(
                        "throttled by X-Ray; retrying in {:.1} s",
                        pause.as_secs_f64()
                    );
                    (pause, text)
                }
                Failure::Network(cause) => {
                    failed += 1;
                    let attempts = tuning.attempts.max(1);
                    let cause = match cause {
                        Network::Timeout { .. } => Network::Timeout {
                            within: attempt_timeout(&client),
                        },
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

/// How long the client gives one attempt, when it says.
fn attempt_timeout(client: &Client) -> Option<Duration> {
    client
        .config()
        .timeout_config()
        .and_then(|t| t.operation_attempt_timeout())
}
