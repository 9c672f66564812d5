//! Waiting on work AWS does in the background (a retrieval from `aws/spans`, a Logs Insights
//! query): pauses between polls that start short and double up to a cap, and a status line
//! that counts the seconds, gone when the wait is.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::status::{Activity, StatusBoard};

pub struct Poll {
    next: Duration,
    cap: Duration,
    started: Instant,
    what: String,
    shown: Activity,
}

impl Poll {
    /// `what` names the work on the status line: "retrieving from aws/spans".
    pub fn new(board: &Arc<StatusBoard>, what: String, first: Duration, cap: Duration) -> Poll {
        let shown = board.show(format!("{what} · 0 s"));
        Poll {
            next: first,
            cap: cap.max(first),
            started: Instant::now(),
            what,
            shown,
        }
    }

    /// Seconds since the wait began.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The pause before the next poll; the seconds on the status line go on counting, with a
    /// `note` after them: "(scheduled)", "· 120 spans so far".
    pub async fn wait(&mut self, note: &str) {
        let until = Instant::now() + self.next;
        self.next = (self.next * 2).min(self.cap);
        loop {
            self.shown.set(self.text(note));
            let now = Instant::now();
            if now >= until {
                return;
            }
            tokio::time::sleep((until - now).min(Duration::from_secs(1))).await;
        }
    }

    fn text(&self, note: &str) -> String {
        let seconds = self.elapsed().as_secs();
        if note.is_empty() {
            format!("{} · {seconds} s", self.what)
        } else {
            format!("{} · {seconds} s {note}", self.what)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn pauses_double_up_to_the_cap_and_the_seconds_show() {
        let board = StatusBoard::new();
        let mut poll = Poll::new(
            &board,
            "retrieving from aws/spans".into(),
            Duration::from_millis(500),
            Duration::from_secs(2),
        );
        assert_eq!(board.current().activity, "retrieving from aws/spans · 0 s");
        let mut waited = Vec::new();
        for _ in 0..4 {
            let before = Instant::now();
            poll.wait("").await;
            waited.push(before.elapsed());
        }
        assert_eq!(
            waited,
            [500, 1000, 2000, 2000].map(Duration::from_millis),
            "doubling, then the cap"
        );
        assert_eq!(board.current().activity, "retrieving from aws/spans · 5 s");
        poll.wait("(scheduled)").await;
        assert_eq!(
            board.current().activity,
            "retrieving from aws/spans · 7 s (scheduled)"
        );
        drop(poll);
        assert_eq!(board.current().activity, "");
    }
}
