//! What the source is doing, for the status line: each running piece of work shows a line
//! while it lasts, the newest on top, and problems met along the way are kept.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;

use crate::aws::Progress;
use crate::source::SourceStatus;

/// Problems kept for the status line; older ones are dropped.
const PROBLEMS_KEPT: usize = 50;

pub struct StatusBoard {
    sender: watch::Sender<SourceStatus>,
    lines: Mutex<Lines>,
}

#[derive(Default)]
struct Lines {
    next_id: u64,
    /// (id, text), oldest first.
    shown: Vec<(u64, String)>,
}

impl StatusBoard {
    pub fn new() -> Arc<StatusBoard> {
        Arc::new(StatusBoard {
            sender: watch::Sender::new(SourceStatus::default()),
            lines: Mutex::new(Lines::default()),
        })
    }

    pub fn subscribe(&self) -> watch::Receiver<SourceStatus> {
        self.sender.subscribe()
    }

    /// The status now.
    #[cfg(test)]
    pub fn current(&self) -> SourceStatus {
        self.sender.borrow().clone()
    }

    /// Shows `text` until the returned guard is dropped (or changes it).
    pub fn show(self: &Arc<Self>, text: impl Into<String>) -> Activity {
        let id = {
            let mut lines = self.lock();
            let id = lines.next_id;
            lines.next_id += 1;
            lines.shown.push((id, text.into()));
            id
        };
        self.publish();
        Activity {
            board: Arc::clone(self),
            id,
        }
    }

    /// Records a problem with the data that came in.
    pub fn problem(&self, text: impl Into<String>) {
        let text = text.into();
        self.sender.send_modify(|status| {
            status.problems.push(text);
            let excess = status.problems.len().saturating_sub(PROBLEMS_KEPT);
            status.problems.drain(..excess);
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lines> {
        self.lines.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish(&self) {
        let activity = self
            .lock()
            .shown
            .last()
            .map(|(_, text)| text.clone())
            .unwrap_or_default();
        self.sender.send_if_modified(|status| {
            let changed = status.activity != activity;
            status.activity = activity;
            changed
        });
    }
}

/// The connection's waits (the region, credentials) show as lines of the board.
impl Progress for StatusBoard {
    fn show_waiting(self: Arc<Self>, text: &str) -> Box<dyn Send> {
        Box::new(self.show(text))
    }
}

/// A line on the status board, removed when dropped (also when its task is aborted).
pub struct Activity {
    board: Arc<StatusBoard>,
    id: u64,
}

impl Activity {
    pub fn set(&self, text: impl Into<String>) {
        let text = text.into();
        if let Some(line) = self
            .board
            .lock()
            .shown
            .iter_mut()
            .find(|(id, _)| *id == self.id)
        {
            line.1 = text;
        }
        self.board.publish();
    }
}

impl Drop for Activity {
    fn drop(&mut self) {
        self.board.lock().shown.retain(|(id, _)| *id != self.id);
        self.board.publish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_line_shows_and_a_dropped_one_goes() {
        let board = StatusBoard::new();
        let mut news = board.subscribe();
        let first = board.show("resolving AWS credentials…");
        assert!(news.has_changed().unwrap());
        assert_eq!(
            news.borrow_and_update().activity,
            "resolving AWS credentials…"
        );
        let second = board.show("throttled by X-Ray; retrying in 0.4 s");
        assert_eq!(
            board.current().activity,
            "throttled by X-Ray; retrying in 0.4 s"
        );
        drop(second);
        assert_eq!(board.current().activity, "resolving AWS credentials…");
        first.set("still resolving");
        assert_eq!(board.current().activity, "still resolving");
        drop(first);
        assert_eq!(board.current().activity, "");
        assert_eq!(board.current().generation, 0, "activity is not new data");
    }

    #[test]
    fn problems_are_kept_up_to_a_bound() {
        let board = StatusBoard::new();
        for n in 0..60 {
            board.problem(format!("problem {n}"));
        }
        let problems = board.current().problems;
        assert_eq!(problems.len(), PROBLEMS_KEPT);
        assert_eq!(problems[0], "problem 10");
    }
}
