//! The trace diff's state: the trace marked as A, and the open diff (two traces, or a trace
//! and the typical trace of its URL pattern) with its order and cursor.

use std::sync::Arc;

use crate::analytics::trace_diff::TraceDiff;
use crate::analytics::url_pattern;
use crate::model::{Trace, TraceSummary};

use super::action::RequestId;
use super::cursor::Cursor;

/// At most this many traces make a typical trace: enough for a median, few enough to fetch.
pub const BASELINE_TRACES: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct Diffs {
    /// The trace marked as A.
    pub marked: Option<Arc<Trace>>,
    pub view: Option<DiffView>,
}

#[derive(Debug, Clone)]
pub struct DiffView {
    /// What A is: "A 1-5f2…" or "typical of GET /orders/{id} (median of 12 traces)".
    pub a_label: String,
    pub b_id: String,
    pub diff: TraceDiff,
    /// Rows largest change first, not in tree order.
    pub by_change: bool,
    /// Indices into the diff's rows, in the order shown.
    pub order: Vec<usize>,
    pub cursor: Cursor,
    /// The typical trace's traces are still being fetched.
    pub waiting: Option<Waiting>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    pub request: RequestId,
    pub pattern: String,
    /// Listed traces of the pattern, the open one left out.
    pub listed: usize,
}

impl DiffView {
    pub fn new(a_label: String, b_id: String, diff: TraceDiff) -> DiffView {
        let order = (0..diff.rows.len()).collect();
        DiffView {
            a_label,
            b_id,
            diff,
            by_change: false,
            order,
            cursor: Cursor::default(),
            waiting: None,
        }
    }

    pub fn toggle_order(&mut self) {
        self.by_change ^= true;
        self.order = if self.by_change {
            self.diff.by_change()
        } else {
            (0..self.diff.rows.len()).collect()
        };
        self.cursor = Cursor::default();
    }
}

/// The URL of a trace's root, folded to its pattern.
pub fn url_pattern_of(trace: &Trace) -> Option<String> {
    trace.spans.iter().find_map(|span| {
        let url = span
            .segment
            .http
            .as_ref()?
            .request
            .as_ref()?
            .url
            .as_deref()?;
        Some(url_pattern::fold(url))
    })
}

/// The listed traces of a URL pattern, newest first and the open one left out: all of them,
/// and the ids of the first [`BASELINE_TRACES`].
pub fn baseline_ids(summaries: &[TraceSummary], pattern: &str, open: &str) -> (usize, Vec<String>) {
    let mut same: Vec<&TraceSummary> = summaries
        .iter()
        .filter(|s| s.id != open)
        .filter(|s| {
            s.http
                .url
                .as_deref()
                .is_some_and(|url| url_pattern::fold(url) == pattern)
        })
        .collect();
    same.sort_by(|x, y| y.start_time.total_cmp(&x.start_time));
    let ids = same
        .iter()
        .take(BASELINE_TRACES)
        .map(|s| s.id.clone())
        .collect();
    (same.len(), ids)
}

/// A URL pattern without its scheme and host, for a title.
pub fn pattern_path(pattern: &str) -> &str {
    let host = url_pattern::host(pattern);
    match pattern.find("://") {
        Some(at) => pattern
            .get(at + 3 + host.len()..)
            .filter(|path| !path.is_empty())
            .unwrap_or(pattern),
        None => pattern,
    }
}

/// A trace id short enough for a title: its last 8 characters.
pub fn short_id(id: &str) -> &str {
    let start = id.len().saturating_sub(8);
    id.get(start..).unwrap_or(id)
}
