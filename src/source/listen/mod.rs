//! `--listen`: xray-tui in the X-Ray daemon's place, and an OpenTelemetry endpoint. SDKs
//! send segment documents over UDP, ADOT in Lambda sends OTLP over the same UDP, and OTel
//! exporters send OTLP over HTTP and gRPC; each input's thread or runtime hands what it gets
//! to the one [`Intake`], and every few hundred milliseconds what changed is assembled and
//! the views are told to look again.

pub mod acceptance;
pub mod board;
pub mod datagram;
pub mod intake;
pub mod kernel_drops;
pub mod log_store;
pub mod otlp;
pub mod recorder;
pub mod store;
mod udp;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::watch;

use crate::codec::otel::TranslateOptions;
use crate::model::{ServiceGraph, Trace};
use crate::send::forward::Forwarder;
use crate::send::otlp::OtlpForwarder;

use super::{
    FoundLogs, GraphQuery, SourceError, SourceStatus, SummaryQuery, SummaryStream, TraceSource,
};
use board::Board;
use intake::{Intake, lock};
use recorder::Recorder;
pub use store::{Counters, Store, Via};

/// The SDKs' default daemon address.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:2000";
/// The OTLP exporters' default addresses.
pub const DEFAULT_OTLP_HTTP: &str = "127.0.0.1:4318";
pub const DEFAULT_OTLP_GRPC: &str = "127.0.0.1:4317";

/// `2000`, `127.0.0.1:2000`, `[::1]:2000` or `0.0.0.0:2000`; a bare port means loopback.
pub fn parse_address(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Ok(address) = text.parse() {
        return Ok(address);
    }
    // A host name, such as localhost: resolved here, once.
    use std::net::ToSocketAddrs;
    let resolved = text.to_socket_addrs().ok().and_then(|mut all| all.next());
    resolved.ok_or_else(|| {
        format!(
            "`{text}` is not an address to listen on: use HOST:PORT like {DEFAULT_ADDRESS} or \
             [::1]:2000, or a port"
        )
    })
}

pub struct ListenOptions {
    /// The daemon's UDP address.
    pub address: SocketAddr,
    /// OTLP/HTTP (`--otlp-http`) and OTLP/gRPC (`--otlp-grpc`), when asked for.
    pub otlp_http: Option<SocketAddr>,
    pub otlp_grpc: Option<SocketAddr>,
    /// How OTLP spans are translated: which attributes become annotations.
    pub translate: TranslateOptions,
    pub max_traces: usize,
    pub record: Option<PathBuf>,
    /// Also send what arrives to X-Ray (`--forward`).
    pub forward: Option<Forwarders>,
}

/// Where `--forward` sends what arrives: documents, and ADOT's datagrams as they came, through
/// PutTraceSegments as the daemon does; OTLP requests over HTTP and gRPC to X-Ray's OTLP
/// endpoint.
#[derive(Clone)]
pub struct Forwarders {
    pub documents: Arc<Forwarder>,
    pub otlp: Arc<OtlpForwarder>,
}

impl Forwarders {
    /// Why what arrived was not forwarded, recently: both ways.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.documents.problems();
        problems.extend(self.otlp.problems());
        problems
    }

    /// Sends what is queued both ways at exit; says what was left.
    async fn flush(&self, within: Duration) -> Option<String> {
        let (documents, otlp) =
            futures::join!(self.documents.flush(within), self.otlp.flush(within));
        let left: Vec<String> = documents.into_iter().chain(otlp).collect();
        (!left.is_empty()).then(|| left.join("\n"))
    }
}

pub struct ListenerSource {
    board: Board,
    forward: Option<Forwarders>,
    store: Arc<Mutex<Store>>,
    status: watch::Receiver<SourceStatus>,
    stop: Arc<AtomicBool>,
    _otlp: Option<otlp::Servers>,
}

impl ListenerSource {
    /// Binds the sockets and starts receiving. The UDP socket must bind (the error names
    /// the address and what to do); an OTLP input that cannot is told in the problems, and
    /// the others go on.
    pub fn start(options: ListenOptions) -> Result<ListenerSource, String> {
        let socket = udp::bind(options.address)?;
        let address = socket.local_addr().map_err(|e| e.to_string())?;
        let recorder = options.record.as_deref().map(Recorder::open).transpose()?;
        let store = Arc::new(Mutex::new(Store::new(options.max_traces)));
        let intake = Arc::new(Intake::new(
            Arc::clone(&store),
            recorder,
            options.forward.clone(),
            options.translate,
        ));
        let otlp = otlp::start(options.otlp_http, options.otlp_grpc, &intake);
        let board = Board {
            udp: address,
            http: otlp.http,
            grpc: otlp.grpc,
            record: options.record,
            forwarding: options.forward.is_some(),
        };
        let (sender, status) = watch::channel(SourceStatus {
            activity: board.activity(&Counters::default(), None, options.forward.as_ref()),
            problems: board.problems().collect(),
            empty_hint: Some(board.hint()),
            ..SourceStatus::default()
        });
        let stop = Arc::new(AtomicBool::new(false));
        let receiver = udp::Receiver {
            socket,
            intake,
            board: board.clone(),
            status: sender,
            stop: Arc::clone(&stop),
        };
        std::thread::Builder::new()
            .name("xray-listener".into())
            .spawn(move || receiver.run())
            .map_err(|e| format!("cannot start the listener: {e}"))?;
        Ok(ListenerSource {
            board,
            forward: options.forward,
            store,
            status,
            stop,
            _otlp: otlp.servers,
        })
    }

    /// The UDP address actually bound (the port is chosen by the system for port 0).
    pub fn address(&self) -> SocketAddr {
        self.board.udp
    }

    /// The OTLP/HTTP address actually bound, or why there is none.
    pub fn otlp_http(&self) -> Option<Result<SocketAddr, String>> {
        self.board.http.clone()
    }

    /// The OTLP/gRPC address actually bound, or why there is none.
    pub fn otlp_grpc(&self) -> Option<Result<SocketAddr, String>> {
        self.board.grpc.clone()
    }

    pub fn counters(&self) -> Counters {
        lock(&self.store).counters()
    }

    pub fn trace_count(&self) -> usize {
        lock(&self.store).trace_count()
    }

    /// Assembles whatever arrived and is not yet shown; the views do this on their own, a
    /// test may not want to wait for it.
    pub fn settle(&self) {
        lock(&self.store).assemble_pending();
    }
}

impl Drop for ListenerSource {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl TraceSource for ListenerSource {
    fn label(&self) -> String {
        self.board.label()
    }

    fn summaries(&self, query: SummaryQuery) -> SummaryStream {
        let store = Arc::clone(&self.store);
        Box::pin(futures::stream::once(async move {
            tokio::task::spawn_blocking(move || {
                let snapshot = lock(&store).snapshot();
                super::query::summaries(&snapshot, &query)
            })
            .await
            .map_err(|e| SourceError::Other(format!("listing traces failed: {e}")))?
        }))
    }

    fn traces(&self, ids: Vec<String>) -> BoxFuture<'static, Result<Vec<Arc<Trace>>, SourceError>> {
        let store = Arc::clone(&self.store);
        Box::pin(async move {
            let snapshot = lock(&store).snapshot();
            Ok(ids
                .iter()
                .filter_map(|id| snapshot.traces.get(id).cloned())
                .collect())
        })
    }

    fn service_graph(
        &self,
        query: GraphQuery,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        let store = Arc::clone(&self.store);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let snapshot = lock(&store).snapshot();
                match (query.range, query.filter.as_deref()) {
                    (None, None) => Ok(ServiceGraph::from_traces(
                        snapshot.traces.values().map(Arc::as_ref),
                    )),
                    (range, filter) => super::query::graph_of(&snapshot, range, filter),
                }
            })
            .await
            .map_err(|e| SourceError::Other(format!("drawing the map failed: {e}")))?
        })
    }

    fn status(&self) -> Option<watch::Receiver<SourceStatus>> {
        Some(self.status.clone())
    }

    /// The lines OTLP logs requests brought for the trace, so far.
    fn logs(&self, trace: Arc<Trace>) -> BoxFuture<'static, Result<FoundLogs, SourceError>> {
        let lines = lock(&self.store).logs.of_trace(&trace.id);
        Box::pin(async move {
            Ok(FoundLogs {
                lines,
                ..FoundLogs::default()
            })
        })
    }

    fn finish(&self) -> BoxFuture<'static, Option<String>> {
        let forward = self.forward.clone();
        Box::pin(async move { forward?.flush(FLUSH_AT_EXIT).await })
    }
}

/// How long forwarding may take to send what is queued when the program exits.
const FLUSH_AT_EXIT: Duration = Duration::from_secs(3);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_people_write_them() {
        assert_eq!(parse_address("2000").unwrap().to_string(), "127.0.0.1:2000");
        assert_eq!(
            parse_address("[::1]:2001").unwrap().to_string(),
            "[::1]:2001"
        );
        assert_eq!(
            parse_address("0.0.0.0:2002").unwrap().to_string(),
            "0.0.0.0:2002"
        );
        assert!(parse_address("localhost:2003").unwrap().ip().is_loopback());
        assert!(parse_address("2000x").unwrap_err().contains("HOST:PORT"));
    }
}
