//! `--listen --forward` for OpenTelemetry: OTLP requests the listener receives go on to X-Ray's
//! OTLP endpoint (`https://xray.REGION.amazonaws.com/v1/traces`, SigV4 for `xray`), as
//! protobuf and gzip, cut to X-Ray's limits. Spans wait in a bounded queue (the oldest are
//! dropped, and counted, when X-Ray is slow or out of reach) and go out at least once a second,
//! or at once when a request is full. Nothing here waits on the network for the caller:
//! `offer` only cuts the request and takes a lock for a moment.

mod answer;
mod batch;
mod export;
mod run;
mod sign;

use std::collections::VecDeque;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

pub use answer::Taken;
pub use batch::Limits;
pub use export::{OtlpExporter, TRACES_PATH, traces_url};

use batch::Piece;

use crate::codec::otel::ExportTraceServiceRequest;
use crate::send::forward::ForwardCounters;
use crate::send::outbox::{Outbox, Problems, describe};

/// How OTLP forwarding batches, waits and gives up; tests shorten the times.
#[derive(Debug, Clone)]
pub struct OtlpForwardOptions {
    /// Protobuf bytes of spans kept while waiting for X-Ray; past it the oldest go.
    pub queue_bytes: usize,
    /// What one request may hold.
    pub limits: Limits,
    /// A request that is not full waits this long at most.
    pub send_every: Duration,
    /// The pause after a failed call; it doubles while failures go on, up to the cap.
    pub retry_pause: Duration,
    pub retry_pause_cap: Duration,
}

impl Default for OtlpForwardOptions {
    fn default() -> OtlpForwardOptions {
        OtlpForwardOptions {
            queue_bytes: 16 * 1024 * 1024,
            limits: Limits::default(),
            send_every: Duration::from_secs(1),
            retry_pause: Duration::from_secs(1),
            retry_pause_cap: Duration::from_secs(30),
        }
    }
}

/// How long `finish` tries to send what is queued.
pub const FINISH_WITHIN: Duration = Duration::from_secs(3);

/// Sends OTLP spans to X-Ray's OTLP endpoint from a task of its own. Counts are of spans.
pub struct OtlpForwarder {
    shared: Arc<Shared>,
}

struct Shared {
    outbox: Outbox<Inner>,
    options: OtlpForwardOptions,
}

impl Deref for Shared {
    type Target = Outbox<Inner>;

    fn deref(&self) -> &Outbox<Inner> {
        &self.outbox
    }
}

#[derive(Default)]
struct Inner {
    queue: VecDeque<Piece>,
    queued_bytes: usize,
    queued_spans: usize,
    /// Spans in the call under way.
    sending: usize,
    totals: ForwardCounters,
    problems: Problems,
    /// What forwarding waits for after a failure.
    waiting: Option<String>,
    /// Why the last call failed, while failures go on.
    failure: Option<String>,
}

impl OtlpForwarder {
    /// Starts sending on the current tokio runtime. The forwarder can be offered requests
    /// from any thread; it stops when the last `Arc` goes.
    pub fn start(exporter: OtlpExporter, options: OtlpForwardOptions) -> Arc<OtlpForwarder> {
        let shared = Arc::new(Shared {
            outbox: Outbox::new(Inner::default()),
            options,
        });
        tokio::spawn(run::run(Arc::clone(&shared), exporter));
        Arc::new(OtlpForwarder { shared })
    }

    /// Takes one received request: its spans are cut into requests X-Ray takes and queued;
    /// spans X-Ray would refuse are counted as failed, with the reason.
    pub fn offer(&self, request: ExportTraceServiceRequest) {
        let received = crate::codec::otel::span_count(&request);
        if received == 0 {
            return;
        }
        let options = &self.shared.options;
        let split = batch::split(request, &options.limits);
        let mut inner = self.shared.lock();
        inner.totals.received += received as u64;
        inner.totals.failed += split.refused.len() as u64;
        for refused in split.refused {
            let problem = format!("not forwarded: {}: {}", refused.span, refused.reason);
            inner.problems.push(problem);
        }
        for piece in split.pieces {
            inner.queued_bytes += piece.bytes;
            inner.queued_spans += piece.spans;
            inner.queue.push_back(piece);
        }
        inner.shed(options.queue_bytes);
        let full = inner.holds_a_full_request(&options.limits);
        drop(inner);
        if full {
            self.shared.wake();
        }
    }

    /// Spans since forwarding began; `queued` is the spans waiting now.
    pub fn counters(&self) -> ForwardCounters {
        let inner = self.shared.lock();
        ForwardCounters {
            queued: inner.queued_spans,
            ..inner.totals
        }
    }

    /// Recent reasons spans were not forwarded, oldest first.
    pub fn problems(&self) -> Vec<String> {
        self.shared.lock().problems.list()
    }

    /// What forwarding waits for, while it waits after a failure.
    pub fn waiting(&self) -> Option<String> {
        self.shared.lock().waiting.clone()
    }

    /// "120 spans sent · 3 failed (!) · 40 dropped · 12 queued", for the status line.
    pub fn describe(&self) -> String {
        describe(&self.counters(), "spans sent", self.waiting())
    }

    /// Sends what is queued, trying for at most `within`; answers what is left to say: how
    /// many spans were never sent, or nothing when all went.
    pub async fn flush(&self, within: Duration) -> Option<String> {
        let left = self
            .shared
            .flush(within, |inner| inner.queued_spans + inner.sending)
            .await;
        (left > 0).then(|| {
            let why = self
                .shared
                .lock()
                .failure
                .clone()
                .unwrap_or_else(|| "no time left".into());
            format!("{left} spans were not forwarded to X-Ray's OTLP endpoint before exit ({why})")
        })
    }

    /// `flush` for the end of the program: at most `FINISH_WITHIN`.
    pub async fn finish(&self) -> Option<String> {
        self.flush(FINISH_WITHIN).await
    }
}

impl Drop for OtlpForwarder {
    fn drop(&mut self) {
        self.shared.stop();
    }
}

impl Inner {
    fn holds_a_full_request(&self, limits: &Limits) -> bool {
        self.queued_spans >= limits.request_spans || self.queued_bytes >= limits.request_bytes
    }

    /// Drops the oldest spans until the queue fits in `limit` bytes.
    fn shed(&mut self, limit: usize) {
        while self.queued_bytes > limit {
            let Some(oldest) = self.queue.pop_front() else {
                break;
            };
            self.queued_bytes -= oldest.bytes;
            self.queued_spans -= oldest.spans;
            self.totals.dropped += oldest.spans as u64;
        }
    }

    /// The oldest queued spans, as many as one request holds.
    fn take_request(&mut self, limits: &Limits) -> Option<Piece> {
        let mut request = self.queue.pop_front()?;
        while let Some(next) = self.queue.front() {
            if !request.fits_with(next, limits) {
                break;
            }
            if let Some(next) = self.queue.pop_front() {
                request.append(next);
            }
        }
        self.queued_bytes -= request.bytes;
        self.queued_spans -= request.spans;
        self.sending = request.spans;
        Some(request)
    }

    /// Puts a request that failed for a passing reason back at the front, to go first.
    fn put_back(&mut self, request: Piece, limit: usize) {
        self.queued_bytes += request.bytes;
        self.queued_spans += request.spans;
        self.queue.push_front(request);
        self.shed(limit);
    }
}
