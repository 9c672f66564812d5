//! What the listener says about itself: its label, the status line's account of what
//! arrived, the hint shown while nothing has, and the inputs that could not start.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::Forwarders;

use super::store::Counters;

/// An OTLP input: where it listens, or why it could not; `None` when it was not asked for.
pub type Opened = Option<Result<SocketAddr, String>>;

#[derive(Debug, Clone)]
pub struct Board {
    pub udp: SocketAddr,
    pub http: Opened,
    pub grpc: Opened,
    pub record: Option<PathBuf>,
    pub forwarding: bool,
}

impl Board {
    /// `udp 127.0.0.1:2000 · http 127.0.0.1:4318 · grpc 127.0.0.1:4317`, with the addresses
    /// actually bound; what forwarding sends to X-Ray says so.
    pub fn label(&self) -> String {
        let mut parts = vec![if self.forwarding {
            format!("udp {} → X-Ray", self.udp)
        } else {
            format!("udp {}", self.udp)
        }];
        parts.extend(
            self.open_otlp()
                .map(|(name, address)| format!("{name} {address}")),
        );
        parts.join(" · ")
    }

    fn open_otlp(&self) -> impl Iterator<Item = (&'static str, SocketAddr)> + '_ {
        [("http", &self.http), ("grpc", &self.grpc)]
            .into_iter()
            .filter_map(|(name, opened)| Some((name, *opened.as_ref()?.as_ref().ok()?)))
    }

    fn failed_otlp(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        [("http", &self.http), ("grpc", &self.grpc)]
            .into_iter()
            .filter_map(|(name, opened)| Some((name, opened.as_ref()?.as_ref().err()?.as_str())))
    }

    /// What to tell a user who sees no traces yet: where to point each kind of sender.
    pub fn hint(&self) -> String {
        let udp = self.udp;
        let mut listening = vec![format!("udp {udp}")];
        listening.extend(
            self.open_otlp()
                .map(|(name, address)| format!("{name} {address}")),
        );
        let mut hint = format!(
            "Waiting for traces on {}.\nPoint your application at it: \
             AWS_XRAY_DAEMON_ADDRESS={udp}",
            join_and(&listening)
        );
        if self.open_otlp().next().is_some() {
            hint.push_str(" (X-Ray SDKs, and ADOT in Lambda)");
        }
        for (name, address) in self.open_otlp() {
            hint.push('\n');
            hint.push_str(&match name {
                "http" => {
                    format!("OpenTelemetry over HTTP: OTEL_EXPORTER_OTLP_ENDPOINT=http://{address}")
                }
                _ => format!(
                    "OpenTelemetry over gRPC: OTEL_EXPORTER_OTLP_PROTOCOL=grpc \
                     OTEL_EXPORTER_OTLP_ENDPOINT=http://{address}"
                ),
            });
        }
        hint
    }

    /// Why an input could not start, for the problems list, first of all.
    pub fn problems(&self) -> impl Iterator<Item = String> + '_ {
        self.failed_otlp().map(|(_, why)| why.to_owned())
    }

    /// The status line's account of the listener, most important first (the list's title
    /// already says how many traces there are).
    pub fn activity(
        &self,
        counters: &Counters,
        kernel_drops: Option<u64>,
        forward: Option<&Forwarders>,
    ) -> String {
        // Forwarding says "received" and "sent" side by side; the source's name says where to.
        let received = if forward.is_some() {
            format!("{} received", counters.documents)
        } else {
            format!("{} documents received", counters.documents)
        };
        let mut parts = vec![received];
        if let Some(forward) = forward {
            parts.push(forward.documents.describe());
            if forward.otlp.counters().received > 0 {
                parts.push(format!("OTLP {}", forward.otlp.describe()));
            }
        }
        if self.http.is_some() || self.grpc.is_some() {
            parts.push(format!("udp {}", counters.datagrams));
            if self.http.is_some() {
                parts.push(format!("http {}", counters.http_requests));
            }
            if self.grpc.is_some() {
                parts.push(format!("grpc {}", counters.grpc_requests));
            }
        }
        if counters.spans > 0 {
            parts.push(format!("{} spans", counters.spans));
        }
        if counters.log_records > 0 {
            parts.push(format!("{} log records", counters.log_records));
        }
        for (name, _) in self.failed_otlp() {
            parts.push(format!("{name} off (!)"));
        }
        if let Some(drops) = kernel_drops {
            parts.push(format!("{drops} lost"));
        }
        if counters.malformed > 0 {
            parts.push(format!("{} malformed (!)", counters.malformed));
        }
        if counters.rejected_spans > 0 {
            parts.push(format!("{} spans rejected (!)", counters.rejected_spans));
        }
        if counters.evicted > 0 {
            parts.push(format!("{} evicted", counters.evicted));
        }
        if counters.overflow > 0 {
            parts.push(format!("{} over the per-trace limit", counters.overflow));
        }
        if let Some(path) = &self.record {
            parts.push(format!("recording {}", path.display()));
        }
        parts.join(" · ")
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(http: Opened, grpc: Opened) -> Board {
        Board {
            udp: "127.0.0.1:2000".parse().unwrap(),
            http,
            grpc,
            record: None,
            forwarding: false,
        }
    }

    #[test]
    fn the_daemon_alone_reads_as_before() {
        let board = board(None, None);
        assert_eq!(board.label(), "udp 127.0.0.1:2000");
        assert_eq!(
            board.hint(),
            "Waiting for traces on udp 127.0.0.1:2000.\nPoint your application at it: \
             AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:2000"
        );
        assert_eq!(
            board.activity(&Counters::default(), None, None),
            "0 documents received"
        );
    }

    #[test]
    fn every_input_is_named_with_what_to_set() {
        let board = board(
            Some(Ok("127.0.0.1:4318".parse().unwrap())),
            Some(Ok("127.0.0.1:4317".parse().unwrap())),
        );
        assert_eq!(
            board.label(),
            "udp 127.0.0.1:2000 · http 127.0.0.1:4318 · grpc 127.0.0.1:4317"
        );
        let hint = board.hint();
        assert!(hint.starts_with(
            "Waiting for traces on udp 127.0.0.1:2000, http 127.0.0.1:4318 and grpc 127.0.0.1:4317."
        ));
        assert!(hint.contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318"));
        assert!(hint.contains(
            "OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317"
        ));
        assert!(hint.contains("AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:2000"));
        let counters = Counters {
            documents: 12,
            datagrams: 3,
            http_requests: 2,
            grpc_requests: 1,
            spans: 9,
            ..Counters::default()
        };
        assert_eq!(
            board.activity(&counters, None, None),
            "12 documents received · udp 3 · http 2 · grpc 1 · 9 spans"
        );
    }

    #[test]
    fn an_input_that_could_not_start_is_a_problem_and_the_others_stay() {
        let board = board(
            Some(Err("cannot listen on http 127.0.0.1:4318: in use".into())),
            Some(Ok("127.0.0.1:4317".parse().unwrap())),
        );
        assert_eq!(board.label(), "udp 127.0.0.1:2000 · grpc 127.0.0.1:4317");
        assert_eq!(
            board.problems().collect::<Vec<_>>(),
            ["cannot listen on http 127.0.0.1:4318: in use"]
        );
        assert!(
            board
                .activity(&Counters::default(), None, None)
                .contains("http off (!)")
        );
        assert!(!board.hint().contains("4318"));
    }
}
