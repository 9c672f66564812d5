//! OTLP/gRPC: the `TraceService/Export` call over HTTP/2, gzip accepted, answered with the
//! same `partial_success` as OTLP/HTTP; its body read within the same limits.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
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

pub fn service(shared: Arc<Shared>) -> TraceServiceServer<Traces> {
    TraceServiceServer::new(Traces { shared })
        .accept_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(MAX_MESSAGE)
}

pub async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    service: TraceServiceServer<Traces>,
) {
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
    mut service: TraceServiceServer<Traces>,
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
    let request = http::Request::from_parts(parts, Full::new(held.bytes.clone()));
    match service.call(request).await {
        Ok(answer) => answer,
        Err(never) => match never {},
    }
}
