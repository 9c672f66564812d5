//! The OTLP inputs, OTLP/HTTP and OTLP/gRPC: their sockets are bound when the listener
//! starts, and served on a runtime of their own, on a thread of their own, until the
//! listener is dropped. An input that cannot bind is told and the others go on.

pub mod body;
pub mod grpc;
pub mod http;
pub mod reply;
pub mod tcp;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::{Semaphore, oneshot};

use super::board::Opened;
use super::intake::Intake;

/// OTLP requests decoded and translated at once; each may take many times its size.
const DECODING_AT_ONCE: usize = 2;

/// What every connection of both inputs shares.
pub struct Shared {
    pub intake: Arc<Intake>,
    pub body_budget: Arc<Semaphore>,
    pub decoding: Semaphore,
}

/// The running OTLP inputs; dropping this stops them.
pub struct Servers {
    _stop: oneshot::Sender<()>,
}

/// Where each OTLP input listens, or why it could not, and the servers when any did.
pub struct Started {
    pub http: Opened,
    pub grpc: Opened,
    pub servers: Option<Servers>,
}

pub fn start(http: Option<SocketAddr>, grpc: Option<SocketAddr>, intake: &Arc<Intake>) -> Started {
    let http_socket = http.map(|address| tcp::bind(address, "OTLP/HTTP", "--otlp-http"));
    let grpc_socket = grpc.map(|address| tcp::bind(address, "OTLP/gRPC", "--otlp-grpc"));
    let address_of = |bound: &Option<Result<std::net::TcpListener, String>>| -> Opened {
        match bound.as_ref()? {
            Ok(socket) => Some(socket.local_addr().map_err(|e| e.to_string())),
            Err(why) => Some(Err(why.clone())),
        }
    };
    let mut started = Started {
        http: address_of(&http_socket),
        grpc: address_of(&grpc_socket),
        servers: None,
    };
    let http_socket = http_socket.and_then(Result::ok);
    let grpc_socket = grpc_socket.and_then(Result::ok);
    if http_socket.is_none() && grpc_socket.is_none() {
        return started;
    }
    let shared = Arc::new(Shared {
        intake: Arc::clone(intake),
        body_budget: Arc::new(Semaphore::new(body::BUDGET_UNITS)),
        decoding: Semaphore::new(DECODING_AT_ONCE),
    });
    let (stop, stopped) = oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("xray-otlp".into())
        .spawn(move || run(http_socket, grpc_socket, shared, stopped));
    match spawned {
        Ok(_) => started.servers = Some(Servers { _stop: stop }),
        Err(error) => {
            let why = format!("OTLP inputs: cannot start their thread: {error}");
            for opened in [&mut started.http, &mut started.grpc] {
                if opened.is_some() {
                    *opened = Some(Err(why.clone()));
                }
            }
        }
    }
    started
}

fn run(
    http_socket: Option<std::net::TcpListener>,
    grpc_socket: Option<std::net::TcpListener>,
    shared: Arc<Shared>,
    stopped: oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("xray-otlp-worker")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let why = format!("OTLP inputs: cannot start their runtime: {error}");
            shared.intake.store().warn("xray-tui", &why);
            return;
        }
    };
    runtime.block_on(async move {
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(socket) = http_socket.and_then(|s| tokio::net::TcpListener::from_std(s).ok()) {
            let shared = Arc::clone(&shared);
            tasks.spawn(tcp::accept(
                socket,
                Arc::clone(&shared.intake),
                move |stream, peer| http::serve(stream, peer, Arc::clone(&shared)),
            ));
        }
        if let Some(socket) = grpc_socket.and_then(|s| tokio::net::TcpListener::from_std(s).ok()) {
            let service = grpc::service(Arc::clone(&shared));
            let shared = Arc::clone(&shared);
            tasks.spawn(tcp::accept(
                socket,
                Arc::clone(&shared.intake),
                move |stream, peer| grpc::serve(stream, peer, Arc::clone(&shared), service.clone()),
            ));
        }
        let _ = stopped.await;
        tasks.abort_all();
    });
    runtime.shutdown_background();
}
