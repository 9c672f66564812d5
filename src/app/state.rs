//! The whole state of the app: plain data, changed only by [`super::update`].

use std::cmp::Ordering;
use std::sync::Arc;

use crate::model::logs::TraceLogs;
use crate::model::{Trace, TraceSummary};
use crate::source::TimeRange;

use super::action::{Intent, RequestId};
use super::columns::Column;
use super::cursor::Cursor;
use super::details::{DetailLine, Tab};
use super::keymap::Context;
use super::keys::Keymap;
use super::map::{MapDrawing, MapModel};
use super::map_scope::Scope;
use super::overlay::Overlay;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Trace,
    Map,
    /// The listed traces grouped by a dimension.
    Groups,
    /// The marked set (A) beside the listed one (B).
    Compare,
    /// Span statistics of the open trace or of the listed traces.
    Stats,
    /// The listed traces' icicle, merged by path.
    Flame,
    /// Two traces merged into one tree.
    Diff,
    /// Anomalies of the fault and error rates.
    Insights,
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
    /// The selected position in `order`, and the first one shown.
    pub cursor: Cursor,
    pub loading: bool,
    pub request: Option<RequestId>,
    /// Traces that arrived above the selection since the user last looked at the top.
    pub new_above: usize,
    /// The next page of the current request replaces the list rather than adding to it.
    pub replace_on_next_page: bool,
    pub processed: Option<u64>,
    pub error: Option<String>,
    pub counts: Counts,
    /// The filter expression the list is narrowed by.
    pub filter: Option<String>,
    /// A narrowing the filter language cannot say: only these traces are listed.
    pub only: Option<OnlyTraces>,
    /// Where the last drill-down came from, and the list as it was: `Esc` goes back there.
    pub back: Option<DrillBack>,
    /// The list searches every span (Transaction Search), not the indexed summaries.
    pub all_spans: bool,
    /// What the source says the list holds ("Transaction Search · summaries for 1% of spans").
    pub scope: Option<String>,
    /// The columns shown, in order (those that do not fit the screen are left out).
    pub columns: Vec<Column>,
    /// A span search run over the loaded traces: the list shows the traces it found.
    pub span_search: Option<ListSpanSearch>,
    /// The list narrowed to some traces by id (from the icicle of the listed traces).
    pub narrowed: Option<Narrowed>,
}

/// Traces kept by id, which no filter expression can name.
#[derive(Debug, Clone, PartialEq)]
pub struct Narrowed {
    /// What they have in common, in words.
    pub label: String,
    pub ids: std::collections::HashSet<String>,
}

/// The traces of a group the filter can only approach: the list keeps to their ids.
#[derive(Debug, Clone, PartialEq)]
pub struct OnlyTraces {
    /// The group, as found in the data (untrusted: clean it before drawing).
    pub label: String,
    pub ids: std::collections::HashSet<String>,
}

/// The screen a drill-down left and the list's narrowing before it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillBack {
    pub screen: Screen,
    pub filter: Option<String>,
    pub only: Option<OnlyTraces>,
}

/// A span search the X-Ray filter language cannot say, run over the loaded traces.
#[derive(Debug, Clone, PartialEq)]
pub struct ListSpanSearch {
    pub query: String,
    pub request: RequestId,
    /// The traces with a matching span, once searched.
    pub matching: Option<std::collections::HashSet<String>>,
    pub searched: usize,
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
    /// Adds the counts of more traces.
    pub fn add(&mut self, more: &Counts) {
        self.faults += more.faults;
        self.errors += more.errors;
        self.throttles += more.throttles;
        self.in_progress += more.in_progress;
        self.first = self.first.min(more.first);
        self.last = self.last.max(more.last);
    }

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
            cursor: Cursor::default(),
            loading: false,
            request: None,
            replace_on_next_page: false,
            new_above: 0,
            processed: None,
            error: None,
            counts: Counts::of(&[]),
            filter: None,
            only: None,
            back: None,
            all_spans: false,
            scope: None,
            columns: Column::defaults(),
            narrowed: None,
            span_search: None,
        }
    }
}

impl TraceList {
    pub fn selected_summary(&self) -> Option<&TraceSummary> {
        let index = *self.order.get(self.cursor.selected)?;
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
    /// Selected span (index into the span table); always one of `rows` once loaded.
    pub selected: usize,
    /// First visible position in `rows`.
    pub offset: usize,
    /// The spans shown, in table order: folded subtrees and hidden non-matches left out.
    pub rows: Vec<u32>,
    /// Per span: its subtree is folded away.
    pub folded: Vec<bool>,
    pub search: Option<Search>,
    /// Per span: on the critical path, when the critical path is shown.
    pub critical: Option<Vec<bool>>,
    /// Time windows zoomed into, innermost last.
    pub zoom: Vec<(f64, f64)>,
    pub tab: Tab,
    /// The selected span's lines for `tab`, built when either changes.
    pub details: Vec<DetailLine>,
    pub details_scroll: usize,
    /// The icicle shown instead of the waterfall, with the same selection.
    pub icicle: Option<super::analysis::IcicleView>,
    /// The trace's log lines and the logs pane.
    pub logs: LogsView,
}

/// Where the log lines of the open trace are.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum LogsState {
    /// Not asked for yet: nothing has shown them.
    #[default]
    NotAsked,
    Loading(RequestId),
    Loaded(Arc<TraceLogs>),
    /// Why they could not be had, and what to do.
    Failed(String),
}

/// The logs pane of the whole trace, and its selected line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogsView {
    pub state: LogsState,
    /// The pane is shown (in place of the details).
    pub open: bool,
    pub cursor: Cursor,
    /// The lines asked for again (a live source's newer data), the loaded ones shown meanwhile.
    pub refreshing: Option<RequestId>,
}

impl LogsView {
    pub fn loaded(&self) -> Option<&Arc<TraceLogs>> {
        match &self.state {
            LogsState::Loaded(logs) => Some(logs),
            _ => None,
        }
    }
}

impl TraceView {
    pub fn new(id: String, request: RequestId) -> TraceView {
        TraceView {
            id,
            request,
            trace: None,
            error: None,
            selected: 0,
            offset: 0,
            rows: Vec::new(),
            folded: Vec::new(),
            search: None,
            critical: None,
            zoom: Vec::new(),
            tab: Tab::Overview,
            details: Vec::new(),
            details_scroll: 0,
            icicle: None,
            logs: LogsView::default(),
        }
    }

    /// Position of the selected span among the visible rows.
    pub fn selected_row(&self) -> usize {
        self.rows
            .binary_search(&(self.selected as u32))
            .unwrap_or_else(|at| at.min(self.rows.len().saturating_sub(1)))
    }
}

/// The service map, or one trace's map.
#[derive(Debug, Clone)]
pub struct MapView {
    /// The list's filter the map was asked with (the service map only).
    pub filter: Option<String>,
    /// The trace whose map this is; `None` for the service map of the whole source.
    pub trace: Option<String>,
    pub request: RequestId,
    /// The drawing in each mode, once laid out: normal, compact.
    pub drawings: [Option<Arc<MapDrawing>>; 2],
    pub compact: bool,
    pub error: Option<String>,
    /// Selected node (index into the model's nodes).
    pub selected: usize,
    /// Selected edge, when Tab has picked one of the node's edges.
    pub edge: Option<usize>,
    /// Top-left cell of the canvas shown.
    pub scroll: (u16, u16),
    /// The whole map, as loaded.
    pub whole: Option<Arc<MapModel>>,
    /// What of it is shown (focus, folded types), and the model of that.
    pub scope: Scope,
    pub model: Option<Arc<MapModel>>,
    /// The text of the last node search, for the next and previous match.
    pub search: Option<String>,
    /// The node to select once the model being laid out arrives.
    pub selecting: Option<usize>,
}

impl MapView {
    pub fn new(trace: Option<String>, request: RequestId) -> MapView {
        MapView {
            filter: None,
            trace,
            request,
            drawings: [None, None],
            compact: false,
            error: None,
            selected: 0,
            edge: None,
            scroll: (0, 0),
            whole: None,
            scope: Scope::default(),
            model: None,
            search: None,
            selecting: None,
        }
    }

    /// The drawing of the current mode, or the other one while this one is being laid out.
    pub fn drawing(&self) -> Option<&Arc<MapDrawing>> {
        self.drawings[self.compact as usize]
            .as_ref()
            .or(self.drawings[!self.compact as usize].as_ref())
    }
}

/// Text search inside a trace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: String,
    /// Matching spans, in table order.
    pub matches: Vec<u32>,
    /// Show only matches and their ancestors.
    pub only_matches: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PromptPurpose {
    #[default]
    Search,
    SavePath,
    Filter,
    FindNode,
    /// `15m`, `6h`, `all`, or `FROM..TO`.
    TimeRange,
    /// An X-Ray group's name; empty for all traces.
    Group,
    /// A trace id to open, in X-Ray or W3C form.
    TraceId,
    /// A span search over the listed traces.
    ListSearch,
}

impl PromptPurpose {
    pub fn label(self) -> &'static str {
        match self {
            PromptPurpose::Search => "/",
            PromptPurpose::SavePath => "save trace to: ",
            PromptPurpose::Filter => "filter: ",
            PromptPurpose::FindNode => "find node: ",
            PromptPurpose::TimeRange => "time range: ",
            PromptPurpose::Group => "group: ",
            PromptPurpose::TraceId => "open trace id: ",
            PromptPurpose::ListSearch => "traces with a span: ",
        }
    }
}

/// A line of text being typed (search text, a file name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub text: String,
    /// Cursor position, in characters.
    pub cursor: usize,
    /// Position in the history while browsing it with up/down.
    pub history_at: Option<usize>,
    /// What to say about the text: a parse error (with its column) or completions.
    pub hint: Option<Hint>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub text: String,
    /// Character column in the prompt text the hint points at.
    pub column: Option<usize>,
    pub error: bool,
}

impl Prompt {
    pub fn new(purpose: PromptPurpose, text: String) -> Prompt {
        let cursor = text.chars().count();
        Prompt {
            purpose,
            text,
            cursor,
            history_at: None,
            hint: None,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    pub fn set_text(&mut self, text: String) {
        self.cursor = text.chars().count();
        self.text = text;
    }
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
    pub map: Option<MapView>,
    /// Draw the map with ASCII only (`--ascii`).
    pub ascii: bool,
    /// The help, a prompt or a popup over the screen, taking every key while open.
    pub overlay: Option<Overlay>,
    /// Problems met while loading, as "place: message" lines.
    pub problems: Vec<String>,
    pub message: Option<Message>,
    /// The AWS region, for console links (from the command line or the data).
    pub region: Option<String>,
    /// Copying to the clipboard (OSC 52) is allowed.
    pub clipboard: bool,
    /// Filter expressions applied before, oldest first.
    pub filter_history: Vec<String>,
    /// What was wrong with the configuration file (shown once the list has loaded).
    pub config_problem: Option<String>,
    pub width: u16,
    pub height: u16,
    /// Offset of the local time zone from UTC, in seconds, for showing times.
    pub utc_offset: i32,
    pub quit: bool,
    /// Quitting was asked for once and the work it would lose named: the quit key again quits.
    pub quit_asked: bool,
    /// The time range the list and map look at.
    pub range: TimeRange,
    /// The X-Ray group the list and map look at.
    pub group: Option<String>,
    /// The groups the source named when last asked (`None` until it answers).
    pub known_groups: Option<Vec<String>>,
    /// Keep the list open to traces that arrive later (`--follow`).
    pub follow: bool,
    pub live: Live,
    /// The source can narrow the service map to the list's filter (not X-Ray's
    /// GetServiceGraph).
    pub map_follows_filter: bool,
    /// The key bindings in effect.
    pub keymap: Arc<Keymap>,
    pub analytics: super::analytics::Analytics,
    /// When the program started, in epoch seconds: dates of another year show their year.
    /// `None` (as in tests) takes the traces' own years alone.
    pub started_at: Option<f64>,
    pub analysis: super::analysis::Analysis,
    /// The log lines of traces already asked for, by trace id: asked once per trace.
    pub logs_cache: std::collections::HashMap<String, Arc<TraceLogs>>,
    pub diff: super::diff::Diffs,
    pub insights: super::insights::InsightsState,
    next_request: RequestId,
}

/// What the source says of itself, and whether the user froze the view of a live source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Live {
    /// What the source is doing or waiting for.
    pub activity: String,
    /// The source's data generation the views show.
    pub shown_generation: u64,
    /// The newest generation the source announced.
    pub latest_generation: u64,
    /// Recent problems with incoming data.
    pub problems: Vec<String>,
    /// The views stay as they are while data keeps arriving.
    pub paused: bool,
    /// What to tell a user who sees no traces yet.
    pub empty_hint: Option<String>,
    /// Traces the source has received in all, and as of the pause.
    pub traces_seen: u64,
    pub traces_seen_at_pause: u64,
}

impl Live {
    /// Traces received while paused.
    pub fn new_while_paused(&self) -> u64 {
        self.traces_seen.saturating_sub(self.traces_seen_at_pause)
    }
}

impl State {
    pub fn new(source_label: impl Into<String>, width: u16, height: u16, utc_offset: i32) -> State {
        State {
            source_label: source_label.into(),
            screen: Screen::List,
            list: TraceList::default(),
            trace: None,
            map: None,
            ascii: false,
            overlay: None,
            problems: Vec::new(),
            message: None,
            region: None,
            clipboard: true,
            filter_history: Vec::new(),
            config_problem: None,
            width,
            height,
            utc_offset,
            quit: false,
            quit_asked: false,
            range: TimeRange::All,
            group: None,
            known_groups: None,
            follow: false,
            live: Live::default(),
            map_follows_filter: true,
            keymap: Keymap::shared_default(),
            analytics: Default::default(),
            started_at: None,
            analysis: Default::default(),
            logs_cache: Default::default(),
            diff: Default::default(),
            insights: Default::default(),
            next_request: 1,
        }
    }

    /// The prompt, while the user types in it.
    pub fn prompt(&self) -> Option<&Prompt> {
        match &self.overlay {
            Some(Overlay::Prompt(prompt)) => Some(prompt),
            _ => None,
        }
    }

    pub fn prompt_mut(&mut self) -> Option<&mut Prompt> {
        match &mut self.overlay {
            Some(Overlay::Prompt(prompt)) => Some(prompt),
            _ => None,
        }
    }

    pub fn help_shown(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Help(_)))
    }

    /// The key that does `intent` in `context` now, for messages and hints that name a key.
    pub fn key_label(&self, context: Context, intent: Intent) -> String {
        self.keymap
            .key_label(context, intent)
            .unwrap_or_else(|| "(no key)".to_owned())
    }

    pub fn new_request(&mut self) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        id
    }
}
