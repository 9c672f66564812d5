//! The two write calls, PutTraceSegments and PutTelemetryRecords, made once each: what to do
//! after a failure (wait, send again, give up) is for the caller to decide.

use aws_config::SdkConfig;
use aws_sdk_xray::config::http::HttpResponse;
use aws_sdk_xray::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_xray::primitives::DateTime;
use aws_sdk_xray::types::{BackendConnectionErrors, TelemetryRecord};

use super::telemetry::Counts;
use crate::aws::{
    Backend, Configuration, ConnectOptions, Connection, Failure, Operation, backend_error, classify,
};

/// A document X-Ray did not take, as UnprocessedTraceSegments names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprocessed {
    /// The segment's id.
    pub id: String,
    pub code: String,
    pub message: String,
}

impl Unprocessed {
    /// Whether sending the document again may work: X-Ray was busy or failed inside, rather
    /// than finding something wrong with the document.
    pub fn worth_retrying(&self) -> bool {
        let code = self.code.to_ascii_lowercase();
        [
            "throttl",
            "internal",
            "unavailable",
            "timeout",
            "toomanyrequests",
        ]
        .iter()
        .any(|word| code.contains(word))
    }

    /// "ErrorCode: Message", or whichever of the two X-Ray gave.
    pub fn reason(&self) -> String {
        match (self.code.is_empty(), self.message.is_empty()) {
            (false, false) => format!("{}: {}", self.code, self.message),
            (false, true) => self.code.clone(),
            (true, false) => self.message.clone(),
            (true, true) => "no reason given".into(),
        }
    }
}

/// A call that failed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{failure}")]
pub struct CallFailure {
    pub failure: Failure,
    /// How the connection failed, for telemetry; `None` when the call was never sent (no
    /// region or credentials).
    pub backend: Option<Backend>,
}

impl CallFailure {
    /// Sending the same again later may work.
    pub fn worth_retrying(&self) -> bool {
        self.failure.worth_retrying()
    }

    /// A call that could not be made.
    pub fn unsent(failure: Failure) -> CallFailure {
        CallFailure {
            failure,
            backend: None,
        }
    }
}

/// X-Ray's write side, through the same aws-config set-up as the live source.
pub struct Writer {
    connection: Connection,
    profile: String,
    hostname: Option<String>,
}

impl Writer {
    /// Finds region and credentials as the AWS CLI would, on first use.
    pub fn new(options: ConnectOptions) -> Writer {
        Writer {
            profile: options.profile_name(),
            connection: Connection::resolving(options, None),
            hostname: hostname(),
        }
    }

    /// Uses this configuration as it is.
    pub fn with_sdk_config(sdk: SdkConfig, options: ConnectOptions) -> Writer {
        Writer {
            profile: options.profile_name(),
            connection: Connection::given(sdk, options.timeouts),
            hostname: hostname(),
        }
    }

    /// Sends these documents in one call; answers the ones X-Ray did not take.
    pub async fn put_segments(
        &self,
        documents: Vec<String>,
    ) -> Result<Vec<Unprocessed>, CallFailure> {
        let client = self.client().await?;
        let answer = client
            .put_trace_segments()
            .set_trace_segment_documents(Some(documents))
            .send()
            .await
            .map_err(|error| self.failure(Operation::PutTraceSegments, &error))?;
        Ok(answer
            .unprocessed_trace_segments()
            .iter()
            .map(|segment| Unprocessed {
                id: segment.id().unwrap_or_default().to_owned(),
                code: segment.error_code().unwrap_or_default().to_owned(),
                message: segment.message().unwrap_or_default().to_owned(),
            })
            .collect())
    }

    /// Sends one telemetry record, as the X-Ray daemon does each minute.
    pub async fn put_telemetry(&self, counts: &Counts, at: f64) -> Result<(), CallFailure> {
        let client = self.client().await?;
        let errors = &counts.errors;
        let record = TelemetryRecord::builder()
            .timestamp(DateTime::from_secs_f64(at))
            .segments_received_count(saturate(counts.received))
            .segments_sent_count(saturate(counts.sent))
            .segments_spillover_count(saturate(counts.spillover))
            .segments_rejected_count(saturate(counts.rejected))
            .backend_connection_errors(
                BackendConnectionErrors::builder()
                    .timeout_count(saturate(errors.timeout))
                    .connection_refused_count(saturate(errors.connection_refused))
                    .http_code4_xx_count(saturate(errors.http_4xx))
                    .http_code5_xx_count(saturate(errors.http_5xx))
                    .unknown_host_count(saturate(errors.unknown_host))
                    .other_count(saturate(errors.other))
                    .build(),
            )
            .build()
            .map_err(|error| {
                CallFailure::unsent(Failure::Configuration(Configuration::Unsendable {
                    operation: Operation::PutTelemetryRecords,
                    detail: format!("its record could not be made ({error})"),
                }))
            })?;
        client
            .put_telemetry_records()
            .telemetry_records(record)
            .set_hostname(self.hostname.clone())
            .send()
            .await
            .map_err(|error| self.failure(Operation::PutTelemetryRecords, &error))?;
        Ok(())
    }

    fn failure<E>(&self, operation: Operation, error: &SdkError<E, HttpResponse>) -> CallFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        CallFailure {
            failure: classify(operation, error, &self.profile),
            backend: Some(backend_error(error)),
        }
    }

    async fn client(&self) -> Result<aws_sdk_xray::Client, CallFailure> {
        self.connection
            .client()
            .await
            .map_err(|configuration| CallFailure::unsent(Failure::Configuration(configuration)))
    }
}

fn saturate(count: u64) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// This machine's name, for telemetry.
fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unprocessed(code: &str, message: &str) -> Unprocessed {
        Unprocessed {
            id: "70de5b6f19ff9a0a".into(),
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn busy_answers_are_retried_and_bad_documents_are_not() {
        assert!(unprocessed("ThrottledException", "slow down").worth_retrying());
        assert!(unprocessed("InternalFailure", "").worth_retrying());
        assert!(unprocessed("ServiceUnavailable", "").worth_retrying());
        assert!(!unprocessed("InvalidSegment", "bad trace id").worth_retrying());
        assert!(!unprocessed("MissingParam", "Missing end_time").worth_retrying());
    }

    #[test]
    fn the_reason_reads_whole() {
        assert_eq!(
            unprocessed("MissingParam", "Missing end_time").reason(),
            "MissingParam: Missing end_time"
        );
        assert_eq!(unprocessed("", "").reason(), "no reason given");
        assert_eq!(unprocessed("Code", "").reason(), "Code");
    }
}
