//! The daemon's UDP socket, and the thread that receives on it and, every few hundred
//! milliseconds, assembles what changed on every input and publishes the status.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::SourceStatus;
use super::board::Board;
use super::datagram;
use super::intake::Intake;
use super::kernel_drops::KernelDrops;

/// How often what arrived is assembled and shown.
const PUBLISH_EVERY: Duration = Duration::from_millis(200);

/// Socket receive buffer asked of the kernel, so bursts wait rather than drop.
const RECEIVE_BUFFER: usize = 8 * 1024 * 1024;

pub fn bind(address: SocketAddr) -> Result<UdpSocket, String> {
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

pub struct Receiver {
    pub socket: UdpSocket,
    pub intake: Arc<Intake>,
    pub board: Board,
    pub status: watch::Sender<SourceStatus>,
    pub stop: Arc<AtomicBool>,
}

impl Receiver {
    pub fn run(self) {
        let mut buffer = vec![0u8; datagram::MAX_DATAGRAM + 1];
        let drops = KernelDrops::of(&self.socket);
        let mut last_publish = Instant::now();
        while !self.stop.load(Ordering::Relaxed) {
            match self.socket.recv_from(&mut buffer) {
                Ok((length, from)) => {
                    self.intake.datagram(&buffer[..length], from);
                    if last_publish.elapsed() < PUBLISH_EVERY {
                        continue;
                    }
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    let at = self.board.udp.to_string();
                    self.intake
                        .store()
                        .reject(&at, format!("receive failed: {e}"));
                    std::thread::sleep(PUBLISH_EVERY);
                }
            }
            self.publish(drops.as_ref().and_then(KernelDrops::read));
            last_publish = Instant::now();
        }
    }

    fn publish(&self, kernel_drops: Option<u64>) {
        let recording_failure = self.intake.flush_recording();
        let forward = self.intake.forwarders();
        let mut store = self.intake.store();
        store.assemble_pending();
        let counters = store.counters();
        let mut problems: Vec<String> = self.board.problems().collect();
        problems.extend(store.problems());
        problems.extend(recording_failure);
        if let Some(forward) = forward {
            problems.extend(forward.problems());
        }
        let next = SourceStatus {
            generation: store.generation(),
            activity: self
                .board
                .activity(&counters, kernel_drops.filter(|&d| d > 0), forward),
            problems,
            traces_seen: counters.traces_seen,
            empty_hint: Some(self.board.hint()),
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
