//! OTLP/HTTP: `POST /v1/traces` and `POST /v1/logs`, protobuf or JSON, gzip or not, answered
//! as the OTLP specification says. Whatever is refused is counted under the listener's problems with
//! the sender's address and the reason.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::{
    ACCEPT_ENCODING, ALLOW, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue,
};
use http::{Method, Request, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;

use bytes::Bytes;

use crate::codec::otel::{self, ExportTraceServiceRequest};
use crate::codec::otel_logs;
use crate::model::logs::LogLine;

use super::super::store::Via;
use super::Shared;
use super::body::{self, MAX_BODY, Refusal};
use super::reply::{self, Encoding, Reply};

pub const PATH: &str = "/v1/traces";
pub const LOGS_PATH: &str = "/v1/logs";

/// What a request carries, told by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    Traces,
    Logs,
}

impl Signal {
    fn path(self) -> &'static str {
        match self {
            Signal::Traces => PATH,
            Signal::Logs => LOGS_PATH,
        }
    }
}

/// Time a client has to send a request's headers, the first and each after.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn serve(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let service = hyper::service::service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(answer(request, peer, shared).await) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// What a refused request is answered, and the reason noted for the user.
struct Refused {
    reason: String,
    reply: Box<Reply>,
}

async fn answer(request: Request<Incoming>, peer: SocketAddr, shared: Arc<Shared>) -> Reply {
    let from = peer.to_string();
    shared.intake.arrived(Via::Http);
    match take(request, &from, &shared).await {
        Ok(reply) => reply,
        Err(refused) => {
            shared
                .intake
                .malformed(&from, format!("OTLP/HTTP: {}", refused.reason));
            *refused.reply
        }
    }
}

async fn take(request: Request<Incoming>, from: &str, shared: &Shared) -> Result<Reply, Refused> {
    let (parts, body) = request.into_parts();
    let (signal, encoding, gzip) = check(&parts)?;
    let fail = |refusal: Refusal| {
        let (reason, status) = describe(refusal);
        let advice = if status == StatusCode::PAYLOAD_TOO_LARGE {
            ": send smaller batches"
        } else {
            ""
        };
        Refused {
            reply: Box::new(reply::failed(
                encoding,
                status,
                &format!("{reason}{advice}"),
            )),
            reason,
        }
    };
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Err(fail(Refusal::TooLarge {
            decompressed: false,
        }));
    }
    let held = body::read(body, &shared.body_budget).await.map_err(fail)?;
    let Ok(_decoding) = shared.decoding.acquire().await else {
        return Err(fail(Refusal::Busy));
    };
    let intake = Arc::clone(&shared.intake);
    let from = from.to_owned();
    // Decoding and translating take the CPU for a while: off the threads that serve sockets.
    let taken = tokio::task::spawn_blocking(move || {
        let bytes = if gzip {
            Bytes::from(body::gunzip(&held.bytes)?)
        } else {
            held.bytes.clone()
        };
        match signal {
            Signal::Traces => {
                let request = decode(encoding, &bytes).map_err(Refusal::Broken)?;
                Ok(Some(intake.otlp_request(&from, request)))
            }
            Signal::Logs => {
                let (records, lines) = decode_logs(encoding, &bytes).map_err(Refusal::Broken)?;
                intake.logs_request(&from, records, lines);
                Ok(None)
            }
        }
    })
    .await;
    match taken {
        Ok(Ok(Some(acceptance))) => Ok(reply::accepted(encoding, &acceptance)),
        Ok(Ok(None)) => Ok(reply::accepted_logs(encoding)),
        Ok(Err(refusal)) => Err(fail(refusal)),
        Err(_) => Err(fail(Refusal::Busy)),
    }
}

/// A logs request's records and their lines.
fn decode_logs(encoding: Encoding, bytes: &[u8]) -> Result<(usize, Vec<LogLine>), String> {
    match encoding {
        Encoding::Protobuf => {
            let request = otel_logs::decode_protobuf(bytes)?;
            Ok((
                otel_logs::record_count(&request),
                otel_logs::read_protobuf(&request),
            ))
        }
        Encoding::Json => match std::str::from_utf8(bytes) {
            Ok(text) => otel_logs::decode_json(text).map(|lines| (lines.len(), lines)),
            Err(error) => Err(format!(
                "not an OTLP/JSON logs request: not UTF-8 ({error})"
            )),
        },
    }
}

fn decode(encoding: Encoding, bytes: &[u8]) -> Result<ExportTraceServiceRequest, String> {
    match encoding {
        Encoding::Protobuf => otel::decode_protobuf(bytes),
        Encoding::Json => match std::str::from_utf8(bytes) {
            Ok(text) => otel::decode_json(text),
            Err(error) => Err(format!(
                "not an OTLP/JSON trace request: not UTF-8 ({error})"
            )),
        },
    }
}

/// What the request carries, its encoding and whether it is gzip, or why it is not an OTLP
/// request.
fn check(parts: &http::request::Parts) -> Result<(Signal, Encoding, bool), Refused> {
    let path = parts.uri.path();
    let signal = match path {
        PATH => Signal::Traces,
        LOGS_PATH => Signal::Logs,
        _ => {
            let reason = format!(
                "{} {} is neither {PATH} nor {LOGS_PATH}",
                parts.method,
                crate::text::fit(path, 60)
            );
            let reply = reply::plain(
                StatusCode::NOT_FOUND,
                &format!(
                    "{reason}: OTLP traces go to POST {PATH}, logs to POST {LOGS_PATH} \
                     (metrics are not taken)"
                ),
            );
            return Err(Refused {
                reason,
                reply: Box::new(reply),
            });
        }
    };
    if parts.method != Method::POST {
        let reason = format!("{} {}: only POST is taken", parts.method, signal.path());
        let mut reply = reply::plain(StatusCode::METHOD_NOT_ALLOWED, &reason);
        reply
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return Err(Refused {
            reason,
            reply: Box::new(reply),
        });
    }
    let content_type = parts.headers.get(CONTENT_TYPE);
    let Some(encoding) = Encoding::of(content_type) else {
        let named = content_type.and_then(|v| v.to_str().ok()).unwrap_or("");
        let reason = format!(
            "content type {:?} is neither application/x-protobuf nor application/json",
            crate::text::fit(named, 60)
        );
        let reply = reply::plain(StatusCode::UNSUPPORTED_MEDIA_TYPE, &reason);
        return Err(Refused {
            reason,
            reply: Box::new(reply),
        });
    };
    match parts.headers.get(CONTENT_ENCODING).map(HeaderValue::to_str) {
        None => Ok((signal, encoding, false)),
        Some(Ok(coding)) if coding.trim().eq_ignore_ascii_case("gzip") => {
            Ok((signal, encoding, true))
        }
        Some(Ok(coding)) if coding.trim().eq_ignore_ascii_case("identity") => {
            Ok((signal, encoding, false))
        }
        Some(coding) => {
            let reason = format!(
                "content encoding {:?}: only gzip is taken",
                crate::text::fit(coding.unwrap_or(""), 30)
            );
            let mut reply = reply::failed(encoding, StatusCode::UNSUPPORTED_MEDIA_TYPE, &reason);
            reply
                .headers_mut()
                .insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
            Err(Refused {
                reason,
                reply: Box::new(reply),
            })
        }
    }
}

fn describe(refusal: Refusal) -> (String, StatusCode) {
    let status = match refusal {
        Refusal::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        Refusal::TooSlow { .. } => StatusCode::REQUEST_TIMEOUT,
        Refusal::Busy => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::Broken(_) => StatusCode::BAD_REQUEST,
    };
    (refusal.reason(), status)
}
