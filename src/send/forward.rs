//! `--listen --forward`: what the listener receives also goes to X-Ray, as the X-Ray daemon
//! would send it. Documents wait in a bounded queue (the oldest is dropped, and counted, when
//! X-Ray is slow or out of reach) and go out in batches at least once a second. Nothing here
//! ever blocks the listener: `offer` only takes a lock for a moment.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::check;
use super::telemetry::Counts;
use super::writer::{CallFailure, Writer};
use crate::aws::seconds;

/// How forwarding batches, waits and reports; tests shorten the times.
#[derive(Debug, Clone)]
pub struct ForwardOptions {
    /// Bytes of documents kept while waiting for X-Ray; past it the oldest go.
    pub queue_bytes: usize,
    /// Documents in one PutTraceSegments call, at most.
    pub batch_documents: usize,
    /// A partial batch waits this long at most.
    pub send_every: Duration,
    /// How often PutTelemetryRecords reports the counts; `None` sends none.
    pub telemetry_every: Option<Duration>,
    /// The pause after a failed call; it doubles while failures go on, up to the cap.
    pub retry_pause: Duration,
    pub retry_pause_cap: Duration,
    /// Times one document is sent when X-Ray leaves it unprocessed for a passing reason.
    pub attempts: u32,
}

impl Default for ForwardOptions {
    fn default() -> ForwardOptions {
        ForwardOptions {
            queue_bytes: 16 * 1024 * 1024,
            batch_documents: 50,
            send_every: Duration::from_secs(1),
            telemetry_every: Some(Duration::from_secs(60)),
            retry_pause: Duration::from_secs(1),
            retry_pause_cap: Duration::from_secs(30),
            attempts: 3,
        }
    }
}

/// Documents since forwarding began.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ForwardCounters {
    pub received: u64,
    /// Taken by X-Ray.
    pub sent: u64,
    /// Refused by the local checks or by X-Ray.
    pub failed: u64,
    /// Dropped from the full queue.
    pub dropped: u64,
    /// Waiting to be sent now.
    pub queued: usize,
}

/// The longest pause after a failure while flushing at exit.
const FLUSH_PAUSE: Duration = Duration::from_millis(200);

/// Reasons kept for the problems popup.
const PROBLEMS_KEPT: usize = 8;

pub struct Forwarder {
    shared: Arc<Shared>,
}

struct Shared {
    inner: Mutex<Inner>,
    wake: Notify,
    stopped: AtomicBool,
    /// Send what is queued now, without waiting for a batch to fill or a pause to end.
    flushing: AtomicBool,
    options: ForwardOptions,
}

#[derive(Default)]
struct Inner {
    queue: VecDeque<Queued>,
    queued_bytes: usize,
    /// Documents in the call under way.
    sending: usize,
    totals: ForwardCounters,
    /// Counts not yet reported by telemetry.
    telemetry: Counts,
    problems: VecDeque<String>,
    /// What forwarding waits for after a failure.
    waiting: Option<String>,
    /// Why the last call failed, while failures go on.
    failure: Option<String>,
}

struct Queued {
    text: String,
    id: String,
    attempts: u32,
}

impl Forwarder {
    /// Starts sending on the current tokio runtime.
    pub fn start(writer: Writer, options: ForwardOptions) -> Forwarder {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            wake: Notify::new(),
            stopped: AtomicBool::new(false),
            flushing: AtomicBool::new(false),
            options,
        });
        tokio::spawn(run(Arc::clone(&shared), writer));
        Forwarder { shared }
    }

    /// Takes one received document: checked, then queued for X-Ray. `now` is epoch seconds.
    pub fn offer(&self, document: &str, now: f64) {
        let options = &self.shared.options;
        let mut inner = self.shared.lock();
        inner.totals.received += 1;
        inner.telemetry.received += 1;
        if let Some(reason) = check::rejection(document, now) {
            inner.totals.failed += 1;
            inner.telemetry.rejected += 1;
            let what = document_name(document);
            inner.problem(format!("not forwarded: {what}: {reason}"));
            return;
        }
        inner.queued_bytes += document.len();
        inner.queue.push_back(Queued {
            text: document.to_owned(),
            id: check::segment_id(document),
            attempts: 0,
        });
        inner.shed(options.queue_bytes);
        let full_batch = inner.queue.len() >= options.batch_documents;
        drop(inner);
        if full_batch {
            self.shared.wake.notify_one();
        }
    }

    pub fn counters(&self) -> ForwardCounters {
        let inner = self.shared.lock();
        ForwardCounters {
            queued: inner.queue.len(),
            ..inner.totals
        }
    }

    /// Recent reasons documents were not forwarded, oldest first.
    pub fn problems(&self) -> Vec<String> {
        self.shared.lock().problems.iter().cloned().collect()
    }

    /// Sends what is queued, trying for at most `within`; answers what is left to say: how
    /// many documents were never sent, or nothing when all went.
    pub async fn flush(&self, within: Duration) -> Option<String> {
        self.shared.flushing.store(true, Ordering::Relaxed);
        self.shared.wake.notify_one();
        let deadline = Instant::now() + within;
        let unsent = || {
            let inner = self.shared.lock();
            inner.queue.len() + inner.sending
        };
        while unsent() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left = unsent();
        (left > 0).then(|| {
            let why = self
                .shared
                .lock()
                .failure
                .clone()
                .unwrap_or_else(|| "no time left".into());
            format!("{left} documents were not forwarded to X-Ray before exit ({why})")
        })
    }

    /// What forwarding waits for, while it waits after a failure.
    pub fn waiting(&self) -> Option<String> {
        self.shared.lock().waiting.clone()
    }

    /// "120 sent · 3 failed (!) · 40 dropped · 12 queued", for the status line.
    pub fn describe(&self) -> String {
        let counters = self.counters();
        let mut parts = vec![format!("{} sent", counters.sent)];
        if counters.failed > 0 {
            parts.push(format!("{} failed (!)", counters.failed));
        }
        if counters.dropped > 0 {
            parts.push(format!("{} dropped", counters.dropped));
        }
        if counters.queued > 0 {
            parts.push(format!("{} queued", counters.queued));
        }
        if let Some(waiting) = self.waiting() {
            parts.push(waiting);
        }
        parts.join(" · ")
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::Relaxed);
        self.shared.wake.notify_one();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }
}

impl Inner {
    fn problem(&mut self, text: String) {
        if self.problems.back() == Some(&text) {
            return;
        }
        if self.problems.len() == PROBLEMS_KEPT {
            self.problems.pop_front();
        }
        self.problems.push_back(text);
    }

    /// Drops the oldest documents until the queue fits in `limit` bytes.
    fn shed(&mut self, limit: usize) {
        while self.queued_bytes > limit {
            let Some(oldest) = self.queue.pop_front() else {
                break;
            };
            self.queued_bytes -= oldest.text.len();
            self.totals.dropped += 1;
            self.telemetry.spillover += 1;
        }
    }

    fn take_batch(&mut self, size: usize) -> Vec<Queued> {
        let batch: Vec<Queued> = self.queue.drain(..size.min(self.queue.len())).collect();
        self.queued_bytes -= batch.iter().map(|q| q.text.len()).sum::<usize>();
        self.sending = batch.len();
        batch
    }

    /// Puts documents back at the front, in their order, to go first next time.
    fn put_back(&mut self, documents: Vec<Queued>, limit: usize) {
        for document in documents.into_iter().rev() {
            self.queued_bytes += document.text.len();
            self.queue.push_front(document);
        }
        self.shed(limit);
    }
}

async fn run(shared: Arc<Shared>, writer: Writer) {
    let options = shared.options.clone();
    let mut pause: Option<Duration> = None;
    let mut next_telemetry = options.telemetry_every.map(|every| Instant::now() + every);
    loop {
        let flushing = shared.flushing.load(Ordering::Relaxed);
        match pause {
            _ if flushing && shared.lock().queue.is_empty() => {
                let _ = tokio::time::timeout(options.send_every, shared.wake.notified()).await;
            }
            Some(pause) if flushing => {
                tokio::time::sleep(pause.min(FLUSH_PAUSE)).await;
            }
            None if flushing => {}
            // Waiting after a failure: new documents queue up (or push the oldest out).
            Some(pause) => {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = wait_for_stop(&shared) => {}
                }
            }
            None => {
                let _ = tokio::time::timeout(options.send_every, shared.wake.notified()).await;
            }
        }
        if shared.stopped() {
            return;
        }
        if let Some(due) = next_telemetry
            && Instant::now() >= due
        {
            send_telemetry(&shared, &writer).await;
            next_telemetry = options.telemetry_every.map(|every| Instant::now() + every);
        }
        let batch = shared.lock().take_batch(options.batch_documents);
        if batch.is_empty() {
            continue;
        }
        let texts = batch.iter().map(|q| q.text.clone()).collect();
        match writer.put_segments(texts).await {
            Ok(unprocessed) => {
                pause = None;
                let mut inner = shared.lock();
                inner.sending = 0;
                inner.waiting = None;
                inner.failure = None;
                let mut retry = Vec::new();
                let mut refused = 0;
                let mut batch = batch;
                for segment in unprocessed {
                    let found = batch.iter().position(|q| q.id == segment.id);
                    let Some(at) = found else {
                        refused += 1;
                        inner.problem(format!(
                            "X-Ray refused segment {}: {}",
                            segment.id,
                            segment.reason()
                        ));
                        continue;
                    };
                    let mut document = batch.swap_remove(at);
                    document.attempts += 1;
                    if segment.worth_retrying() && document.attempts < options.attempts {
                        retry.push(document);
                    } else {
                        refused += 1;
                        inner.problem(format!(
                            "X-Ray refused segment {}: {}",
                            segment.id,
                            segment.reason()
                        ));
                    }
                }
                let sent = batch.len() as u64;
                inner.totals.sent += sent;
                inner.telemetry.sent += sent;
                inner.totals.failed += refused;
                inner.telemetry.rejected += refused;
                inner.put_back(retry, options.queue_bytes);
            }
            Err(failure) => {
                let next = pause.map_or(options.retry_pause, |p| {
                    (p * 2).min(options.retry_pause_cap)
                });
                let mut inner = shared.lock();
                inner.sending = 0;
                inner.failure = Some(failure.to_string());
                if let Some(backend) = failure.backend {
                    inner.telemetry.errors.count(backend);
                }
                if failure.worth_retrying() || failure.backend.is_none() {
                    inner.put_back(batch, options.queue_bytes);
                    inner.problem(format!(
                        "forwarding waits: {failure}; documents stay queued"
                    ));
                    inner.waiting = Some(format!("{failure}; sending again in {}", seconds(next)));
                    pause = Some(next);
                } else {
                    let count = batch.len() as u64;
                    inner.totals.failed += count;
                    inner.telemetry.rejected += count;
                    inner.problem(refused_batch(&failure, count));
                    inner.waiting = None;
                    pause = Some(options.retry_pause_cap.min(next * 4));
                }
            }
        }
    }
}

async fn wait_for_stop(shared: &Shared) {
    while !shared.stopped() {
        shared.wake.notified().await;
    }
}

async fn send_telemetry(shared: &Shared, writer: &Writer) {
    let counts = std::mem::take(&mut shared.lock().telemetry);
    let now = crate::clock::now();
    if let Err(failure) = writer.put_telemetry(&counts, now).await {
        let mut inner = shared.lock();
        // Kept for the next record, as the daemon does.
        let pending = &mut inner.telemetry;
        pending.received += counts.received;
        pending.sent += counts.sent;
        pending.spillover += counts.spillover;
        pending.rejected += counts.rejected;
        if let Some(backend) = failure.backend {
            pending.errors.count(backend);
        }
        inner.problem(format!("telemetry not sent: {failure}"));
    }
}

fn refused_batch(failure: &CallFailure, count: u64) -> String {
    format!("{count} documents not forwarded: {failure}")
}

/// "segment 70de5b6f19ff9a0a of trace 1-…" or what little can be said of a bad document.
fn document_name(document: &str) -> String {
    let value: Option<serde_json::Value> = serde_json::from_str(document).ok();
    let field = |key: &str| {
        value
            .as_ref()
            .and_then(|v| v.get(key))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    match (field("id"), field("trace_id")) {
        (Some(id), Some(trace)) => format!("segment {id} of trace {trace}"),
        (Some(id), None) => format!("segment {id}"),
        _ => "a document".into(),
    }
}
