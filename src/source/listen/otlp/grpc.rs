//! OTLP/gRPC: the `TraceService/Export` and `LogsService/Export` calls over HTTP/2, gzip
//! accepted, traces answered with the same `partial_success` as OTLP/HTTP; their bodies read
//! within the same limits.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::net::TcpStream;
use tonic::codec::CompressionEncoding;
use tonic::codegen::Service;

use super::super::store::Via;
use super::Shared;
use super::body::{self, Refusal};

/// gRPC's usual limit of one message, the OpenTelemetry Collector's too.
pub const MAX_MESSAGE: usize = 4 * 1024 * 1024;

/// Calls under way at once on one connection.
const STREAMS_PER_CONNECTION: u32 = 4;

/// How often an idle connection is asked whether its client is still there, and how long
/// the client has to answer.
const KEEP_ALIVE: Duration = Duration::from_secs(30);
const KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a call came from, put in its extensions by [`serve`].
#[derive(Debug, Clone, Copy)]
struct Peer(SocketAddr);

pub struct Traces {
    shared: Arc<Shared>,
}

#[tonic::async_trait]
impl TraceService for Traces {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let from = request
            .extensions()
            .get::<Peer>()
            .map_or_else(|| "a gRPC client".to_owned(), |peer| peer.0.to_string());
        let intake = Arc::clone(&self.shared.intake);
        let request = request.into_inner();
        let acceptance = tokio::task::spawn_blocking(move || intake.otlp_request(&from, request))
            .await
            .map_err(|_| tonic::Status::unavailable("the listener is stopping"))?;
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: acceptance.partial_success(),
        }))
    }
}

pub struct Logs {
    shared: Arc<Shared>,
}

#[tonic::async_trait]
impl LogsService for Logs {
    async fn export(
        &self,
        request: tonic::Request<ExportLogsServiceRequest>,
    ) -> Result<tonic::Response<ExportLogsServiceResponse>, tonic::Status> {
        let from = request
            .extensions()
            .get::<Peer>()
            .map_or_else(|| "a gRPC client".to_owned(), |peer| peer.0.to_string());
        let intake = Arc::clone(&self.shared.intake);
        let request = request.into_inner();
        tokio::task::spawn_blocking(move || {
            let records = crate::codec::otel_logs::record_count(&request);
            let lines = crate::codec::otel_logs::read_protobuf(&request);
            intake.logs_request(&from, records, lines);
        })
        .await
        .map_err(|_| tonic::Status::unavailable("the listener is stopping"))?;
        Ok(tonic::Response::new(ExportLogsServiceResponse {
            partial_success: None,
        }))
    }
}

/// The two services one gRPC input answers.
#[derive(Clone)]
pub struct Services {
    traces: TraceServiceServer<Traces>,
    logs: LogsServiceServer<Logs>,
}

/// Calls to this service are logs; every other call goes to the traces' service, which
/// answers what it does not know as gRPC does.
const LOGS_SERVICE: &str = "/opentelemetry.proto.collector.logs.v1.LogsService/";

pub fn service(shared: Arc<Shared>) -> Services {
    Services {
        traces: TraceServiceServer::new(Traces {
            shared: Arc::clone(&shared),
        })
        .accept_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(MAX_MESSAGE),
        logs: LogsServiceServer::new(Logs { shared })
            .accept_compressed(CompressionEncoding::Gzip)
            .max_decoding_message_size(MAX_MESSAGE),
    }
}

pub async fn serve(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>, service: Services) {
    let per_call = hyper::service::service_fn(move |request: http::Request<Incoming>| {
        let service = service.clone();
        let shared = Arc::clone(&shared);
        async move {
            shared.intake.arrived(Via::Grpc);
            let answer = call(request, peer, &shared, service).await;
            if let Some(status) = tonic::Status::from_header_map(answer.headers())
                && status.code() != tonic::Code::Ok
            {
                let reason = format!(
                    "OTLP/gRPC: {:?}: {}",
                    status.code(),
                    crate::text::fit(status.message(), 200)
                );
                shared.intake.malformed(&peer.to_string(), reason);
            }
            Ok::<_, std::convert::Infallible>(answer)
        }
    });
    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
        .timer(TokioTimer::new())
        .keep_alive_interval(KEEP_ALIVE)
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
        .max_concurrent_streams(STREAMS_PER_CONNECTION)
        .serve_connection(TokioIo::new(stream), per_call)
        .await;
}

/// Reads the call's body within the same limits as OTLP/HTTP's, then lets tonic decode and
/// answer it, one of the few requests decoded at once.
async fn call(
    request: http::Request<Incoming>,
    peer: SocketAddr,
    shared: &Shared,
    mut service: Services,
) -> http::Response<tonic::body::Body> {
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(Peer(peer));
    let held = match body::read(body, &shared.body_budget).await {
        Ok(held) => held,
        Err(refusal) => {
            let code = match refusal {
                Refusal::TooLarge { .. } => tonic::Code::ResourceExhausted,
                Refusal::TooSlow { .. } => tonic::Code::DeadlineExceeded,
                Refusal::Busy => tonic::Code::Unavailable,
                Refusal::Broken(_) => tonic::Code::InvalidArgument,
            };
            return tonic::Status::new(code, refusal.reason()).into_http();
        }
    };
    let Ok(_decoding) = shared.decoding.acquire().await else {
        return tonic::Status::unavailable("the listener is stopping").into_http();
    };
    let logs = parts.uri.path().starts_with(LOGS_SERVICE);
    let request = http::Request::from_parts(parts, Full::new(held.bytes.clone()));
    let answer = if logs {
        service.logs.call(request).await
    } else {
        service.traces.call(request).await
    };
    match answer {
        Ok(answer) => answer,
        Err(never) => match never {},
    }
}
