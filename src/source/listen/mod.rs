//! `--listen`: xray-tui in the X-Ray daemon's place. SDKs send segment documents over UDP; a
//! thread of its own receives them, records them, and every few hundred milliseconds
//! assembles what changed and tells the views to look again.

pub mod datagram;
pub mod kernel_drops;
pub mod recorder;
pub mod store;

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::sync::watch;

use crate::model::{ServiceGraph, Trace};
use crate::send::forward::Forwarder;

use super::{GraphQuery, SourceError, SourceStatus, SummaryQuery, SummaryStream, TraceSource};
use kernel_drops::KernelDrops;
use recorder::Recorder;
pub use store::{Counters, Store};

/// The SDKs' default daemon address.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:2000";

/// How often what arrived is assembled and shown.
const PUBLISH_EVERY: Duration = Duration::from_millis(200);

/// Socket receive buffer asked of the kernel, so bursts wait rather than drop.
const RECEIVE_BUFFER: usize = 8 * 1024 * 1024;

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
    pub address: SocketAddr,
    pub max_traces: usize,
    pub record: Option<PathBuf>,
    /// Also send what arrives to X-Ray (`--forward`).
    pub forward: Option<Arc<Forwarder>>,
}

pub struct ListenerSource {
    address: SocketAddr,
    forward: Option<Arc<Forwarder>>,
    store: Arc<Mutex<Store>>,
    status: watch::Receiver<SourceStatus>,
    stop: Arc<AtomicBool>,
}

impl ListenerSource {
    /// Binds the socket and starts receiving. Errors name the address and what to do.
    pub fn start(options: ListenOptions) -> Result<ListenerSource, String> {
        let socket = bind(options.address)?;
        let address = socket.local_addr().map_err(|e| e.to_string())?;
        let recorder = options.record.as_deref().map(Recorder::open).transpose()?;
        let store = Arc::new(Mutex::new(Store::new(options.max_traces)));
        let (sender, status) = watch::channel(SourceStatus {
            activity: activity(
                &Counters::default(),
                None,
                &options.record,
                options.forward.as_deref(),
            ),
            empty_hint: Some(waiting_hint(address)),
            ..SourceStatus::default()
        });
        let stop = Arc::new(AtomicBool::new(false));
        let forward = options.forward.clone();
        let receiver = Receiver {
            socket,
            address,
            store: Arc::clone(&store),
            recorder,
            record_path: options.record,
            forward: options.forward,
            status: sender,
            stop: Arc::clone(&stop),
        };
        std::thread::Builder::new()
            .name("xray-listener".into())
            .spawn(move || receiver.run())
            .map_err(|e| format!("cannot start the listener: {e}"))?;
        Ok(ListenerSource {
            address,
            forward,
            store,
            status,
            stop,
        })
    }

    /// The address actually bound (the port is chosen by the system for port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
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

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn bind(address: SocketAddr) -> Result<UdpSocket, String> {
    use socket2::{Domain, Protocol, Socket, Type};
    let failed = |e: std::io::Error| {
        let hint = match e.kind() {
            ErrorKind::AddrInUse => {
                " (is the X-Ray daemon or another xray-tui listening there? stop it, or pass \
                 another address to --listen and set AWS_XRAY_DAEMON_ADDRESS to match)"
            }
            ErrorKind::AddrNotAvailable => " (no interface of this machine has that address)",
            ErrorKind::PermissionDenied => " (ports below 1024 need privileges)",
            _ => "",
        };
        format!("cannot listen on udp {address}: {e}{hint}")
    };
    let socket = Socket::new(
        Domain::for_address(address),
        Type::DGRAM,
        Some(Protocol::UDP),
    )
    .map_err(failed)?;
    // Best effort: the kernel caps it at net.core.rmem_max.
    let _ = socket.set_recv_buffer_size(RECEIVE_BUFFER);
    socket.bind(&address.into()).map_err(failed)?;
    let socket: UdpSocket = socket.into();
    socket
        .set_read_timeout(Some(PUBLISH_EVERY / 2))
        .map_err(failed)?;
    Ok(socket)
}

struct Receiver {
    socket: UdpSocket,
    address: SocketAddr,
    store: Arc<Mutex<Store>>,
    recorder: Option<Recorder>,
    record_path: Option<PathBuf>,
    forward: Option<Arc<Forwarder>>,
    status: watch::Sender<SourceStatus>,
    stop: Arc<AtomicBool>,
}

impl Receiver {
    fn run(mut self) {
        let mut buffer = vec![0u8; datagram::MAX_DATAGRAM + 1];
        let drops = KernelDrops::of(&self.socket);
        let mut last_publish = Instant::now();
        while !self.stop.load(Ordering::Relaxed) {
            match self.socket.recv_from(&mut buffer) {
                Ok((length, from)) => {
                    self.take(&buffer[..length], from);
                    if last_publish.elapsed() < PUBLISH_EVERY {
                        continue;
                    }
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    lock(&self.store)
                        .reject(&self.address.to_string(), format!("receive failed: {e}"));
                    std::thread::sleep(PUBLISH_EVERY);
                }
            }
            self.publish(drops.as_ref().and_then(KernelDrops::read));
            last_publish = Instant::now();
        }
    }

    fn take(&mut self, bytes: &[u8], from: SocketAddr) {
        let from = from.to_string();
        if bytes.len() > datagram::MAX_DATAGRAM {
            lock(&self.store).reject(&from, "a datagram over 64 KB".into());
            return;
        }
        match datagram::document(bytes) {
            Ok(document) => {
                let kept = lock(&self.store).receive(&from, document);
                if kept && let Some(recorder) = self.recorder.as_mut() {
                    recorder.record(document);
                }
                if let Some(forward) = &self.forward {
                    forward.offer(document, crate::clock::now());
                }
            }
            Err(reason) => lock(&self.store).reject(&from, reason),
        }
    }

    fn publish(&mut self, kernel_drops: Option<u64>) {
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.flush();
        }
        let recording_failure = self.recorder.as_ref().and_then(|r| r.failure.clone());
        let mut store = lock(&self.store);
        store.assemble_pending();
        let counters = store.counters();
        let mut problems = store.problems();
        problems.extend(recording_failure);
        if let Some(forward) = &self.forward {
            problems.extend(forward.problems());
        }
        let next = SourceStatus {
            generation: store.generation(),
            activity: activity(
                &counters,
                kernel_drops.filter(|&d| d > 0),
                &self.record_path,
                self.forward.as_deref(),
            ),
            problems,
            traces_seen: counters.traces_seen,
            empty_hint: Some(waiting_hint(self.address)),
        };
        drop(store);
        self.status.send_if_modified(|current| {
            let changed = *current != next;
            if changed {
                *current = next;
            }
            changed
        });
    }
}

fn waiting_hint(address: SocketAddr) -> String {
    format!(
        "Waiting for traces on udp {address}.\nPoint your application at it: \
         AWS_XRAY_DAEMON_ADDRESS={address}"
    )
}

/// The status line's account of the listener, most important first (the list's title
/// already says how many traces there are).
fn activity(
    counters: &Counters,
    kernel_drops: Option<u64>,
    record: &Option<PathBuf>,
    forward: Option<&Forwarder>,
) -> String {
    // Forwarding says "received" and "sent" side by side; the source's name says where to.
    let received = if forward.is_some() {
        format!("{} received", counters.documents)
    } else {
        format!("{} documents received", counters.documents)
    };
    let mut parts = vec![received];
    if let Some(forward) = forward {
        parts.push(forward.describe());
    }
    if let Some(drops) = kernel_drops {
        parts.push(format!("{drops} lost"));
    }
    if counters.malformed > 0 {
        parts.push(format!("{} malformed (!)", counters.malformed));
    }
    if counters.evicted > 0 {
        parts.push(format!("{} evicted", counters.evicted));
    }
    if counters.overflow > 0 {
        parts.push(format!("{} over the per-trace limit", counters.overflow));
    }
    if let Some(path) = record {
        parts.push(format!("recording {}", path.display()));
    }
    parts.join(" · ")
}

impl TraceSource for ListenerSource {
    fn label(&self) -> String {
        if self.forward.is_some() {
            format!("udp {} → X-Ray", self.address)
        } else {
            format!("udp {}", self.address)
        }
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
                match query.range {
                    Some(range) => super::query::graph_of_traces_in(&snapshot, range),
                    None => ServiceGraph::from_traces(snapshot.traces.values().map(Arc::as_ref)),
                }
            })
            .await
            .map_err(|e| SourceError::Other(format!("drawing the map failed: {e}")))
        })
    }

    fn status(&self) -> Option<watch::Receiver<SourceStatus>> {
        Some(self.status.clone())
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
