//! The forwarder's task: waits for a full request, a second or the end of a pause, then sends
//! the oldest queued spans and counts what became of them.

use std::sync::Arc;
use std::time::Duration;

use super::export::{OtlpExporter, gzipped_protobuf};
use super::{Piece, Shared, Taken};
use crate::aws::{Failure, Operation, seconds};
use crate::send::writer::CallFailure;

/// The longest pause after a failure while flushing at exit.
const FLUSH_PAUSE: Duration = Duration::from_millis(200);

pub(super) async fn run(shared: Arc<Shared>, exporter: OtlpExporter) {
    let options = shared.options.clone();
    let mut pause: Option<Duration> = None;
    loop {
        next_turn(&shared, pause).await;
        if shared.stopped() {
            return;
        }
        let Some(request) = shared.lock().take_request(&options.limits) else {
            continue;
        };
        let (request, body) = match encode(request).await {
            Ok(encoded) => encoded,
            Err((spans, error)) => {
                let mut inner = shared.lock();
                inner.sending = 0;
                inner.totals.failed += spans as u64;
                inner
                    .problems
                    .push(format!("{spans} spans not forwarded: {error}"));
                continue;
            }
        };
        match exporter.export(body).await {
            Ok(taken) => {
                pause = None;
                taken_by_x_ray(&shared, &request, taken);
            }
            Err(failure) => {
                let next = pause.map_or(options.retry_pause, |p| {
                    (p * 2).min(options.retry_pause_cap)
                });
                pause = Some(not_taken(&shared, request, &failure, next));
            }
        }
    }
}

/// Waits for the next request to send: at once when one is full or at exit, else for a
/// second, or for the pause after a failure.
async fn next_turn(shared: &Shared, pause: Option<Duration>) {
    let options = &shared.options;
    let (empty, full) = {
        let inner = shared.lock();
        (
            inner.queue.is_empty(),
            inner.holds_a_full_request(&options.limits),
        )
    };
    let wake_or_second = shared.woken_within(options.send_every);
    match pause {
        _ if shared.flushing() && empty => wake_or_second.await,
        Some(pause) if shared.flushing() => tokio::time::sleep(pause.min(FLUSH_PAUSE)).await,
        // New spans queue up meanwhile, or push the oldest out.
        Some(pause) => {
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shared.until_stopped_or_flushing() => {}
            }
        }
        None if shared.flushing() || full => {}
        None => wake_or_second.await,
    }
}

/// The request as gzipped protobuf, made off the runtime's threads: a full one is 5 MB.
async fn encode(request: Piece) -> Result<(Piece, Vec<u8>), (usize, String)> {
    let spans = request.spans;
    let encoded = tokio::task::spawn_blocking(move || {
        let body = gzipped_protobuf(&request.request);
        (request, body)
    })
    .await;
    match encoded {
        Ok((request, Ok(body))) => Ok((request, body)),
        Ok((_, Err(error))) => Err((spans, format!("they could not be compressed ({error})"))),
        Err(error) => Err((spans, format!("they could not be encoded ({error})"))),
    }
}

/// Counts a request X-Ray took, and the spans it still rejected.
fn taken_by_x_ray(shared: &Shared, request: &Piece, taken: Taken) {
    let mut inner = shared.lock();
    inner.sending = 0;
    inner.waiting = None;
    inner.failure = None;
    let rejected = taken.rejected_spans.min(request.spans as u64);
    inner.totals.sent += request.spans as u64 - rejected;
    inner.totals.failed += rejected;
    match (rejected, taken.said) {
        (0, Some(said)) => inner
            .problems
            .push(format!("X-Ray took the spans and said: {said}")),
        (0, None) => {}
        (rejected, said) => {
            let said = said.unwrap_or_else(|| "no reason given".into());
            inner
                .problems
                .push(format!("X-Ray rejected {rejected} spans: {said}"));
        }
    }
}

/// Keeps a request that failed for a passing reason (or could not be sent at all) for
/// another try after `next`; counts any other as failed. Answers the pause to make.
fn not_taken(shared: &Shared, request: Piece, failure: &CallFailure, next: Duration) -> Duration {
    let options = &shared.options;
    let said = match &failure.failure {
        Failure::Network(network) => network.during(Operation::OtlpTraces),
        other => other.to_string(),
    };
    let mut inner = shared.lock();
    inner.sending = 0;
    inner.failure = Some(said.clone());
    if failure.worth_retrying() || failure.backend.is_none() {
        inner.put_back(request, options.queue_bytes);
        inner
            .problems
            .push(format!("OTLP forwarding waits: {said}; spans stay queued"));
        inner.waiting = Some(format!("{said}; sending again in {}", seconds(next)));
        next
    } else {
        inner.totals.failed += request.spans as u64;
        inner
            .problems
            .push(format!("{} spans not forwarded: {said}", request.spans));
        inner.waiting = None;
        options.retry_pause_cap.min(next * 4)
    }
}
