//! What X-Ray's OTLP endpoint answered: the spans it took (and those it rejected, in a partial
//! success), or why it took none, in words a user can act on.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;

use crate::aws::{Backend, Configuration, Failure, Operation, answer_failure};

/// A request X-Ray took; some of its spans may still have been rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taken {
    pub rejected_spans: u64,
    /// Why spans were rejected, or a warning about the ones taken.
    pub said: Option<String>,
}

/// An answer as it came: the status, AWS's error type header, the content type and the body.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub status: u16,
    pub error_type: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// An answer that is not a success, sorted; `region` and `profile` go into the advice.
pub fn read(answer: &Answer<'_>, region: &str, profile: &str) -> Result<Taken, (Failure, Backend)> {
    if (200..300).contains(&answer.status) {
        return Ok(taken(answer.body));
    }
    let said = message(answer);
    let (failure, backend) = answer_failure(
        Operation::OtlpTraces,
        answer.status,
        answer.error_type,
        said.as_deref(),
        profile,
    );
    if transaction_search_off(answer, said.as_deref()) {
        let said = match (answer.error_type, said) {
            (_, Some(said)) => said,
            (Some(error_type), None) => error_type.to_owned(),
            (None, None) => format!("HTTP {}", answer.status),
        };
        let off = Configuration::TransactionSearchOff {
            region: region.to_owned(),
            said,
        };
        return Err((Failure::Configuration(off), backend));
    }
    Err((failure, backend))
}

/// The partial success of a 2xx answer; an empty or unreadable body means all was taken.
fn taken(body: &[u8]) -> Taken {
    let Ok(response) = ExportTraceServiceResponse::decode(body) else {
        return Taken {
            rejected_spans: 0,
            said: Some("X-Ray took the spans; its answer could not be read".into()),
        };
    };
    let Some(partial) = response.partial_success else {
        return Taken::default();
    };
    let message = partial.error_message.trim();
    Taken {
        rejected_spans: u64::try_from(partial.rejected_spans).unwrap_or(0),
        said: (!message.is_empty()).then(|| message.to_owned()),
    }
}

/// X-Ray answers that it keeps spans only once Transaction Search sends them to CloudWatch
/// Logs. Its exact words are not known here, so any refusal that speaks of Transaction Search,
/// of CloudWatch Logs or of the trace destination counts.
fn transaction_search_off(answer: &Answer<'_>, said: Option<&str>) -> bool {
    if !(400..500).contains(&answer.status) {
        return false;
    }
    let text = format!(
        "{} {}",
        said.unwrap_or_default(),
        String::from_utf8_lossy(answer.body)
    )
    .to_lowercase();
    let speaks_of_search = matches!(answer.status, 400 | 403)
        && (text.contains("transaction search") || text.contains("transactionsearch"));
    speaks_of_search || text.contains("cloudwatchlogs") || text.contains("destination")
}

/// What X-Ray said in a refusal: `message` of a JSON body, the message of a `google.rpc.Status`
/// (OTLP's error body in protobuf), or the text of a plain body.
fn message(answer: &Answer<'_>) -> Option<String> {
    let content_type = answer.content_type.unwrap_or_default().to_lowercase();
    let said = if content_type.contains("json") {
        json_message(answer.body)
    } else if content_type.contains("protobuf") {
        RpcStatus::decode(answer.body)
            .ok()
            .map(|status| status.message)
    } else {
        json_message(answer.body).or_else(|| {
            std::str::from_utf8(answer.body)
                .ok()
                .map(|text| text.chars().take(500).collect())
        })
    };
    said.map(|said| said.trim().to_owned())
        .filter(|said| !said.is_empty())
}

fn json_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|key| value.get(key)?.as_str().map(str::to_owned))
}

/// `google.rpc.Status`, as far as its message.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTracePartialSuccess;

    fn json(status: u16, error_type: Option<&'static str>, body: &'static str) -> Answer<'static> {
        Answer {
            status,
            error_type,
            content_type: Some("application/json"),
            body: body.as_bytes(),
        }
    }

    fn failure(answer: &Answer<'_>) -> Failure {
        read(answer, "eu-west-1", "prod").unwrap_err().0
    }

    #[test]
    fn a_plain_success_took_everything() {
        let empty = Answer {
            status: 200,
            error_type: None,
            content_type: Some("application/x-protobuf"),
            body: &[],
        };
        assert_eq!(read(&empty, "eu-west-1", "prod"), Ok(Taken::default()));
    }

    #[test]
    fn a_partial_success_counts_the_rejected_spans_with_x_rays_words() {
        let body = ExportTraceServiceResponse {
            partial_success: Some(ExportTracePartialSuccess {
                rejected_spans: 3,
                error_message: "3 spans were older than 14 days".into(),
            }),
        }
        .encode_to_vec();
        let answer = Answer {
            status: 200,
            error_type: None,
            content_type: Some("application/x-protobuf"),
            body: &body,
        };
        assert_eq!(
            read(&answer, "eu-west-1", "prod"),
            Ok(Taken {
                rejected_spans: 3,
                said: Some("3 spans were older than 14 days".into())
            })
        );
    }

    #[test]
    fn a_refusal_that_speaks_of_transaction_search_says_how_to_enable_it() {
        let off = failure(&json(
            400,
            Some("InvalidRequestException"),
            r#"{"message":"Transaction search is not enabled for this account"}"#,
        ));
        assert_eq!(
            off.to_string(),
            "Transaction Search is not enabled in this account and region (eu-west-1), so \
             X-Ray's OTLP endpoint refuses spans: enable it (CloudWatch console → Settings → \
             X-Ray traces → Transaction Search, or `aws xray update-trace-segment-destination \
             --destination CloudWatchLogs`), or forward with the X-Ray daemon protocol instead \
             (X-Ray said: Transaction search is not enabled for this account)"
        );
        assert!(!off.worth_retrying());
        let by_destination = failure(&json(
            409,
            None,
            r#"{"message":"Trace segment destination must be CloudWatchLogs"}"#,
        ));
        assert!(
            matches!(
                by_destination,
                Failure::Configuration(Configuration::TransactionSearchOff { .. })
            ),
            "{by_destination:?}"
        );
    }

    #[test]
    fn a_protobuf_status_gives_its_message() {
        let body = RpcStatus {
            code: 9,
            message: "TransactionSearch must be enabled".into(),
        }
        .encode_to_vec();
        let answer = Answer {
            status: 403,
            error_type: None,
            content_type: Some("application/x-protobuf"),
            body: &body,
        };
        assert!(
            failure(&answer)
                .to_string()
                .ends_with("(X-Ray said: TransactionSearch must be enabled)")
        );
    }

    #[test]
    fn a_denial_names_the_managed_policy_and_the_readme_section() {
        let denied = failure(&json(
            403,
            Some("AccessDeniedException"),
            r#"{"message":"User: arn:aws:iam::1:user/x is not authorized"}"#,
        ));
        assert_eq!(
            denied.to_string(),
            "AWS denied spans sent to X-Ray's OTLP endpoint — attach the AWSXrayWriteOnlyAccess \
             managed policy (it allows xray:PutTraceSegments) to the role or user (see README: \
             Sending traces to X-Ray)"
        );
    }

    #[test]
    fn other_refusals_keep_x_rays_words_and_busy_answers_are_worth_another_try() {
        let refused = failure(&json(
            400,
            None,
            r#"{"message":"span timestamps spread over more than 24 hours"}"#,
        ));
        assert_eq!(
            refused.to_string(),
            "OTLP /v1/traces failed: HTTP 400 span timestamps spread over more than 24 hours"
        );
        assert!(!refused.worth_retrying());
        assert_eq!(
            failure(&json(429, None, "{}")),
            Failure::Throttled,
            "throttled"
        );
        assert!(failure(&json(503, None, "")).worth_retrying());
    }
}
