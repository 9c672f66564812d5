//! OTLP/HTTP answers, in the encoding of the request: an `ExportTraceServiceResponse` with
//! its `partial_success`, or for a failure a `google.rpc.Status` (protobuf or JSON). Where
//! the encoding is unknown the answer is plain text.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::Full;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceResponse;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;

use super::super::acceptance::Acceptance;

pub type Reply = Response<Full<Bytes>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    /// The encoding a `Content-Type` names (its parameters, such as a charset, aside).
    pub fn of(content_type: Option<&HeaderValue>) -> Option<Encoding> {
        let value = content_type?.to_str().ok()?;
        let media_type = value.split(';').next()?.trim().to_ascii_lowercase();
        match media_type.as_str() {
            "application/x-protobuf" | "application/protobuf" => Some(Encoding::Protobuf),
            "application/json" => Some(Encoding::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        }
    }
}

/// `google.rpc.Status`, which OTLP/HTTP answers failures with (its details left empty).
#[derive(Clone, PartialEq, Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

/// 200, with what was rejected.
pub fn accepted(encoding: Encoding, acceptance: &Acceptance) -> Reply {
    let partial = acceptance.partial_success();
    let body = match encoding {
        Encoding::Protobuf => ExportTraceServiceResponse {
            partial_success: partial,
        }
        .encode_to_vec(),
        // Protobuf's JSON mapping writes 64-bit integers as strings.
        Encoding::Json => match partial {
            Some(partial) => serde_json::json!({
                "partialSuccess": {
                    "rejectedSpans": partial.rejected_spans.to_string(),
                    "errorMessage": partial.error_message,
                }
            }),
            None => serde_json::json!({}),
        }
        .to_string()
        .into_bytes(),
    };
    respond(StatusCode::OK, encoding.content_type(), body)
}

/// 200 to a logs request: every record was taken.
pub fn accepted_logs(encoding: Encoding) -> Reply {
    let body = match encoding {
        Encoding::Protobuf => ExportLogsServiceResponse {
            partial_success: None,
        }
        .encode_to_vec(),
        Encoding::Json => b"{}".to_vec(),
    };
    respond(StatusCode::OK, encoding.content_type(), body)
}

/// A failure the request's encoding is known for: `status`, and a `google.rpc.Status` with
/// the gRPC code that goes with it.
pub fn failed(encoding: Encoding, status: StatusCode, message: &str) -> Reply {
    let code = grpc_code(status);
    let body = match encoding {
        Encoding::Protobuf => RpcStatus {
            code,
            message: message.to_owned(),
        }
        .encode_to_vec(),
        Encoding::Json => serde_json::json!({ "code": code, "message": message })
            .to_string()
            .into_bytes(),
    };
    respond(status, encoding.content_type(), body)
}

/// A failure in plain text, for requests that are not OTLP at all.
pub fn plain(status: StatusCode, message: &str) -> Reply {
    respond(
        status,
        "text/plain; charset=utf-8",
        format!("{message}\n").into_bytes(),
    )
}

fn respond(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The gRPC status code of an HTTP failure, as gRPC's own mapping has it.
fn grpc_code(status: StatusCode) -> i32 {
    let code = match status {
        StatusCode::BAD_REQUEST => tonic::Code::InvalidArgument,
        StatusCode::PAYLOAD_TOO_LARGE => tonic::Code::ResourceExhausted,
        StatusCode::REQUEST_TIMEOUT => tonic::Code::DeadlineExceeded,
        StatusCode::SERVICE_UNAVAILABLE => tonic::Code::Unavailable,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => tonic::Code::Unimplemented,
        _ => tonic::Code::Unknown,
    };
    code as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_as_senders_write_them() {
        let of = |text: &'static str| Encoding::of(Some(&HeaderValue::from_static(text)));
        assert_eq!(of("application/x-protobuf"), Some(Encoding::Protobuf));
        assert_eq!(of("application/json; charset=utf-8"), Some(Encoding::Json));
        assert_eq!(of("Application/JSON"), Some(Encoding::Json));
        assert_eq!(of("text/plain"), None);
        assert_eq!(Encoding::of(None), None);
    }
}
