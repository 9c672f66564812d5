//! `--upload`: saved documents sent to X-Ray, checked first, moved to the present if asked,
//! in batches with a few calls in flight; every document ends accepted or rejected with a
//! reason.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;

use super::writer::Writer;
use super::{check, rebase};

/// One document to send, and where it came from (for messages).
#[derive(Debug, Clone)]
pub struct Item {
    pub place: String,
    pub text: String,
}

/// A document that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub place: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// Move every time so the newest document ends at `now`.
    pub rebase: bool,
    /// Epoch seconds.
    pub now: f64,
    pub batch_documents: usize,
    pub calls_in_flight: usize,
    /// Tries of one batch (or one unprocessed document) before it counts as rejected.
    pub attempts: u32,
    pub retry_pause: Duration,
}

impl UploadOptions {
    pub fn new(rebase: bool, now: f64) -> UploadOptions {
        UploadOptions {
            rebase,
            now,
            batch_documents: 50,
            calls_in_flight: 4,
            attempts: 5,
            retry_pause: Duration::from_millis(500),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub total: usize,
    pub accepted: usize,
    pub rejected: Vec<Rejection>,
    /// Seconds every time moved by, with `--rebase-time`.
    pub shift: Option<f64>,
    /// Documents not sent because sending stopped.
    pub not_sent: usize,
    /// Why sending stopped early (access denied, no credentials).
    pub stopped: Option<String>,
}

/// Sends `items`; `progress(done, total)` is called as batches finish.
pub async fn upload(
    items: Vec<Item>,
    writer: &Writer,
    options: &UploadOptions,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Outcome {
    let mut outcome = Outcome {
        total: items.len(),
        ..Outcome::default()
    };
    let shift = if options.rebase {
        let texts: Vec<String> = items.iter().map(|i| i.text.clone()).collect();
        rebase::shift_to(&texts, options.now)
    } else {
        None
    };
    outcome.shift = shift;
    let mut ready = Vec::with_capacity(items.len());
    for item in items {
        let text = match shift {
            Some(shift) => match rebase::shift_document(&item.text, shift) {
                Ok(text) => text,
                Err(reason) => {
                    outcome.rejected.push(Rejection {
                        place: item.place,
                        reason,
                    });
                    continue;
                }
            },
            None => item.text,
        };
        let text = without_original_span(text);
        match check::rejection(&text, options.now) {
            Some(reason) if shift.is_some() && reason.contains(check::RETENTION_ADVICE) => {
                outcome.rejected.push(Rejection {
                    place: item.place,
                    reason: reason.replace(
                        check::RETENTION_ADVICE,
                        "the recording spans more than that, and --rebase-time moves it as a \
                         whole so its newest document ends now",
                    ),
                })
            }
            Some(reason) => outcome.rejected.push(Rejection {
                place: item.place,
                reason,
            }),
            None => ready.push(Item {
                place: item.place,
                text,
            }),
        }
    }
    let mut done = outcome.rejected.len();
    progress(done, outcome.total);

    let stop = AtomicBool::new(false);
    let batches: Vec<Vec<Item>> = chunks(ready, options.batch_documents.max(1));
    let mut results = futures::stream::iter(batches)
        .map(|batch| send_batch(batch, writer, options, &stop))
        .buffer_unordered(options.calls_in_flight.max(1));
    while let Some(result) = results.next().await {
        done += result.accepted + result.rejected.len() + result.not_sent;
        outcome.accepted += result.accepted;
        outcome.not_sent += result.not_sent;
        outcome.rejected.extend(result.rejected);
        if outcome.stopped.is_none() {
            outcome.stopped = result.stopped;
        }
        progress(done, outcome.total);
    }
    outcome
}

struct BatchResult {
    accepted: usize,
    rejected: Vec<Rejection>,
    not_sent: usize,
    stopped: Option<String>,
}

async fn send_batch(
    mut batch: Vec<Item>,
    writer: &Writer,
    options: &UploadOptions,
    stop: &AtomicBool,
) -> BatchResult {
    let mut result = BatchResult {
        accepted: 0,
        rejected: Vec::new(),
        not_sent: 0,
        stopped: None,
    };
    let mut attempt = 0;
    while !batch.is_empty() {
        if stop.load(Ordering::Relaxed) {
            result.not_sent += batch.len();
            break;
        }
        attempt += 1;
        let texts = batch.iter().map(|i| i.text.clone()).collect();
        match writer.put_segments(texts).await {
            Ok(unprocessed) => {
                let mut retry = Vec::new();
                for segment in unprocessed {
                    let Some(at) = batch
                        .iter()
                        .position(|i| check::segment_id(&i.text) == segment.id)
                    else {
                        continue;
                    };
                    let item = batch.swap_remove(at);
                    if segment.worth_retrying() && attempt < options.attempts {
                        retry.push(item);
                    } else {
                        result.rejected.push(Rejection {
                            place: item.place,
                            reason: format!("X-Ray: {}", segment.reason()),
                        });
                    }
                }
                result.accepted += batch.len();
                batch = retry;
                if !batch.is_empty() {
                    tokio::time::sleep(backoff(options.retry_pause, attempt)).await;
                }
            }
            Err(failure) if failure.worth_retrying() && attempt < options.attempts => {
                tokio::time::sleep(backoff(options.retry_pause, attempt)).await;
            }
            Err(failure) if failure.worth_retrying() => {
                result
                    .rejected
                    .extend(batch.drain(..).map(|item| Rejection {
                        place: item.place,
                        reason: format!("not sent after {attempt} attempts: {failure}"),
                    }));
            }
            Err(failure) => {
                stop.store(true, Ordering::Relaxed);
                result.stopped = Some(failure.to_string());
                result.not_sent += batch.len();
                break;
            }
        }
    }
    result
}

/// A document translated from OpenTelemetry keeps the span it came from under `otel`, for the
/// OTel tab; X-Ray gets the segment document alone.
fn without_original_span(document: String) -> String {
    if !document.contains("\"otel\"") {
        return document;
    }
    let Ok(mut fields) = serde_json::from_str::<serde_json::Map<_, _>>(&document) else {
        return document;
    };
    match fields.remove(crate::codec::otel::original::KEY) {
        Some(_) => serde_json::Value::Object(fields).to_string(),
        None => document,
    }
}

fn backoff(base: Duration, attempt: u32) -> Duration {
    base * 2u32.saturating_pow(attempt.saturating_sub(1).min(6))
}

fn chunks(items: Vec<Item>, size: usize) -> Vec<Vec<Item>> {
    let mut batches = Vec::with_capacity(items.len().div_ceil(size));
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        batches.push(items.by_ref().take(size).collect());
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_span_stays_home() {
        let translated =
            r#"{"id":"53995c3f42cd8ad8","name":"a","otel":{"kind":"SERVER"},"start_time":1}"#;
        let sent: serde_json::Value =
            serde_json::from_str(&without_original_span(translated.into())).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({"id": "53995c3f42cd8ad8", "name": "a", "start_time": 1})
        );
        let plain = r#"{"id":"53995c3f42cd8ad8","name":"otel","start_time":1}"#;
        assert_eq!(without_original_span(plain.into()), plain, "left as it was");
    }
}
