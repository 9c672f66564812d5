//! The whole state of the app: plain data, changed only by [`super::update`].

use std::cmp::Ordering;
use std::sync::Arc;

use crate::model::{Trace, TraceSummary};

use super::action::RequestId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Trace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Time,
    ResponseTime,
    Duration,
    Status,
    Method,
    Url,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::Time,
        SortKey::ResponseTime,
        SortKey::Duration,
        SortKey::Status,
        SortKey::Method,
        SortKey::Url,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Time => "time",
            SortKey::ResponseTime => "response time",
            SortKey::Duration => "duration",
            SortKey::Status => "status",
            SortKey::Method => "method",
            SortKey::Url => "URL",
        }
    }

    pub fn next(self) -> SortKey {
        let at = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(at + 1) % SortKey::ALL.len()]
    }

    /// Natural direction: newest, slowest and worst first; text A to Z.
    pub fn descending_by_default(self) -> bool {
        !matches!(self, SortKey::Method | SortKey::Url)
    }

    pub fn compare(self, a: &TraceSummary, b: &TraceSummary) -> Ordering {
        let none_last = |x: Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
        match self {
            SortKey::Time => a.start_time.total_cmp(&b.start_time),
            SortKey::ResponseTime => {
                none_last(a.response_time).total_cmp(&none_last(b.response_time))
            }
            SortKey::Duration => none_last(a.duration).total_cmp(&none_last(b.duration)),
            SortKey::Status => a
                .status()
                .cmp(&b.status())
                .then(a.http.status.cmp(&b.http.status)),
            SortKey::Method => a.http.method.cmp(&b.http.method),
            SortKey::Url => a.http.url.cmp(&b.http.url),
        }
    }
}

/// The trace list: summaries in arrival order, and the order they are shown in.
#[derive(Debug, Clone)]
pub struct TraceList {
    pub summaries: Vec<TraceSummary>,
    /// Indices into `summaries`, in display order.
    pub order: Vec<u32>,
    pub sort: SortKey,
    pub descending: bool,
    /// Position in `order`.
    pub selected: usize,
    /// First visible position in `order`.
    pub offset: usize,
    pub loading: bool,
    pub request: Option<RequestId>,
    pub processed: Option<u64>,
    pub error: Option<String>,
    pub counts: Counts,
}

/// How many listed traces have each kind of trouble; counted when the list changes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub faults: usize,
    pub errors: usize,
    pub throttles: usize,
    pub in_progress: usize,
    /// Earliest and latest start time.
    pub first: f64,
    pub last: f64,
}

impl Counts {
    /// The listed traces started on more than one day, so times need their date.
    pub fn spans_days(&self) -> bool {
        self.last - self.first > 20.0 * 3600.0
    }

    pub fn of(summaries: &[TraceSummary]) -> Counts {
        let mut counts = Counts {
            first: f64::INFINITY,
            last: f64::NEG_INFINITY,
            ..Counts::default()
        };
        for s in summaries {
            counts.first = counts.first.min(s.start_time);
            counts.last = counts.last.max(s.start_time);
            counts.faults += s.has_fault as usize;
            counts.errors += s.has_error as usize;
            counts.throttles += s.has_throttle as usize;
            counts.in_progress += s.is_partial as usize;
        }
        counts
    }
}

impl Default for TraceList {
    fn default() -> Self {
        TraceList {
            summaries: Vec::new(),
            order: Vec::new(),
            sort: SortKey::Time,
            descending: true,
            selected: 0,
            offset: 0,
            loading: false,
            request: None,
            processed: None,
            error: None,
            counts: Counts::default(),
        }
    }
}

impl TraceList {
    pub fn selected_summary(&self) -> Option<&TraceSummary> {
        let index = *self.order.get(self.selected)?;
        self.summaries.get(index as usize)
    }

    pub fn row(&self, position: usize) -> Option<&TraceSummary> {
        self.summaries.get(*self.order.get(position)? as usize)
    }
}

/// The waterfall of one trace.
#[derive(Debug, Clone)]
pub struct TraceView {
    pub id: String,
    pub request: RequestId,
    pub trace: Option<Arc<Trace>>,
    pub error: Option<String>,
    /// Selected span (index into the span table).
    pub selected: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub severity: Severity,
}

#[derive(Debug, Clone)]
pub struct State {
    pub source_label: String,
    pub screen: Screen,
    pub list: TraceList,
    pub trace: Option<TraceView>,
    pub help: bool,
    pub show_problems: bool,
    /// Problems met while loading, as "place: message" lines.
    pub problems: Vec<String>,
    pub message: Option<Message>,
    pub width: u16,
    pub height: u16,
    /// Offset of the local time zone from UTC, in seconds, for showing times.
    pub utc_offset: i32,
    pub quit: bool,
    next_request: RequestId,
}

impl State {
    pub fn new(source_label: impl Into<String>, width: u16, height: u16, utc_offset: i32) -> State {
        State {
            source_label: source_label.into(),
            screen: Screen::List,
            list: TraceList::default(),
            trace: None,
            help: false,
            show_problems: false,
            problems: Vec::new(),
            message: None,
            width,
            height,
            utc_offset,
            quit: false,
            next_request: 1,
        }
    }

    pub fn new_request(&mut self) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        id
    }
}
