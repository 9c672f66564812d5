//! What a forwarder's callers and its sending task share: the queue's state under a lock held
//! only for moments, the wake-up, the stop and flush requests, and the recent problems. The
//! OTLP forwarder (`otlp`) stands on it; the daemon forwarder (`forward`) keeps its own copy
//! of the same for now.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::forward::ForwardCounters;

pub struct Outbox<S> {
    state: Mutex<S>,
    wake: Notify,
    stopped: AtomicBool,
    /// Send what is queued now, without waiting for a batch to fill or a pause to end.
    flushing: AtomicBool,
}

impl<S> Outbox<S> {
    pub fn new(state: S) -> Outbox<S> {
        Outbox {
            state: Mutex::new(state),
            wake: Notify::new(),
            stopped: AtomicBool::new(false),
            flushing: AtomicBool::new(false),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, S> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells the task there is something to do.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Tells the task to end.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.wake();
    }

    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    pub fn flushing(&self) -> bool {
        self.flushing.load(Ordering::Relaxed)
    }

    /// Until something is offered that fills a batch, or `within`.
    pub async fn woken_within(&self, within: Duration) {
        let _ = tokio::time::timeout(within, self.wake.notified()).await;
    }

    /// Ends a pause early: at stop or flush.
    pub async fn until_stopped_or_flushing(&self) {
        while !self.stopped() && !self.flushing() {
            self.wake.notified().await;
        }
    }

    /// Asks the task to send everything at once, and waits until `unsent` says nothing is
    /// left or `within` has passed; answers what `unsent` says then.
    pub async fn flush(&self, within: Duration, unsent: impl Fn(&S) -> usize) -> usize {
        self.flushing.store(true, Ordering::Relaxed);
        self.wake();
        let deadline = Instant::now() + within;
        while unsent(&self.lock()) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        unsent(&self.lock())
    }
}

/// Recent reasons things were not forwarded, oldest first, for the problems popup.
#[derive(Debug, Default)]
pub struct Problems(VecDeque<String>);

/// Reasons kept.
const PROBLEMS_KEPT: usize = 8;

impl Problems {
    /// Keeps `text`, once when it repeats the last one, dropping the oldest past the bound.
    pub fn push(&mut self, text: String) {
        if self.0.back() == Some(&text) {
            return;
        }
        if self.0.len() == PROBLEMS_KEPT {
            self.0.pop_front();
        }
        self.0.push_back(text);
    }

    pub fn list(&self) -> Vec<String> {
        self.0.iter().cloned().collect()
    }
}

/// "120 spans sent · 3 failed (!) · 40 dropped · 12 queued · <what it waits for>", where
/// `sent` names what was sent ("120 spans sent").
pub fn describe(counters: &ForwardCounters, sent: &str, waiting: Option<String>) -> String {
    let mut parts = vec![format!("{} {sent}", counters.sent)];
    let counts = [
        (counters.failed, "failed (!)"),
        (counters.dropped, "dropped"),
        (counters.queued as u64, "queued"),
    ];
    for (count, what) in counts {
        if count > 0 {
            parts.push(format!("{count} {what}"));
        }
    }
    parts.extend(waiting);
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_keep_the_last_eight_and_a_repeat_once() {
        let mut problems = Problems::default();
        for i in 0..10 {
            problems.push(format!("problem {i}"));
            problems.push(format!("problem {i}"));
        }
        let list = problems.list();
        assert_eq!(list.len(), 8);
        assert_eq!(list[0], "problem 2");
        assert_eq!(list[7], "problem 9");
    }

    #[test]
    fn the_description_leaves_out_what_is_zero() {
        let counters = ForwardCounters {
            received: 200,
            sent: 120,
            failed: 3,
            dropped: 0,
            queued: 12,
        };
        assert_eq!(
            describe(&counters, "spans sent", Some("throttled by X-Ray".into())),
            "120 spans sent · 3 failed (!) · 12 queued · throttled by X-Ray"
        );
        assert_eq!(
            describe(&ForwardCounters::default(), "sent", None),
            "0 sent"
        );
    }
}
