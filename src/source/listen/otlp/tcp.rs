//! The OTLP inputs' sockets: bound with a message that names the likely cause when the port
//! is taken, and an accept loop that serves at most so many connections at once.

use std::future::Future;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::super::intake::Intake;

/// Connections served at once on one input; more are closed as they come.
pub const MAX_CONNECTIONS: usize = 64;

/// The pause after a failed accept (out of file descriptors, say) before the next.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Binds `address` for `input` ("OTLP/HTTP"), whose address the user gives with `flag`.
pub fn bind(address: SocketAddr, input: &str, flag: &str) -> Result<std::net::TcpListener, String> {
    let failed = |e: std::io::Error| match e.kind() {
        ErrorKind::AddrInUse => format!(
            "{input}: {address} is in use — an OpenTelemetry Collector or the CloudWatch agent \
             may be listening there; pass {flag} PORT to use another"
        ),
        ErrorKind::AddrNotAvailable => format!(
            "{input}: cannot listen on {address}: no interface of this machine has that address"
        ),
        ErrorKind::PermissionDenied => format!(
            "{input}: cannot listen on {address}: ports below 1024 need privileges; pass {flag} \
             PORT to use another"
        ),
        _ => format!("{input}: cannot listen on {address}: {e}"),
    };
    let listener = std::net::TcpListener::bind(address).map_err(failed)?;
    listener.set_nonblocking(true).map_err(failed)?;
    Ok(listener)
}

/// Accepts connections for ever, each served by `serve` on a task of its own.
pub async fn accept<S, F>(listener: TcpListener, intake: Arc<Intake>, serve: S)
where
    S: Fn(TcpStream, SocketAddr) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let at = listener
        .local_addr()
        .map_or_else(|_| "the listener".to_owned(), |a| a.to_string());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                intake
                    .store()
                    .warn(&at, &format!("accepting a connection failed: {error}"));
                tokio::time::sleep(ACCEPT_PAUSE).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            intake.store().warn(
                &peer.to_string(),
                &format!("refused: {MAX_CONNECTIONS} connections are open already"),
            );
            continue;
        };
        let _ = stream.set_nodelay(true);
        let served = serve(stream, peer);
        tokio::spawn(async move {
            served.await;
            drop(permit);
        });
    }
}
