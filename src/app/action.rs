//! What can happen to the app: a user's intent (from a key) or a result from the worker.

use std::sync::Arc;

use crossterm::event::KeyEvent;

use crate::model::Trace;
use crate::model::logs::TraceLogs;

use super::details::Tab;
use super::map::{MapDrawing, MapModel};
use crate::analytics::anomaly::Insight;
use crate::analytics::timeline::Health;
use crate::source::{FoundInsights, SourceStatus, SummaryPage, TimeRange};

pub type RequestId = u64;

/// What a key can mean. Bindings in [`super::keymap`] map keys to these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Close,
    Quit,
    ToggleHelp,
    SortNext,
    SortReverse,
    Refresh,
    ToggleProblems,
    ToggleFold,
    FoldOrParent,
    UnfoldOrChild,
    /// Show this many levels (0: unfold everything).
    FoldToDepth(u8),
    NextProblem,
    PreviousProblem,
    RootCause,
    Parent,
    ToggleCriticalPath,
    ZoomIn,
    ZoomOut,
    Search,
    NextMatch,
    PreviousMatch,
    ToggleOnlyMatches,
    NextTab,
    PreviousTab,
    DetailsDown,
    DetailsUp,
    CopyTraceId,
    CopySpanId,
    CopyRawJson,
    ConsoleLink,
    Save,
    Filter,
    ClearFilter,
    QuickFaults,
    QuickService,
    QuickUrl,
    QuickSlower,
    /// The service map (from the list), or the open trace's own map (from the waterfall).
    ShowMap,
    MapLeft,
    MapRight,
    NextEdge,
    PreviousEdge,
    ToggleCompact,
    /// Show only the selected node and its callers and callees a few hops away, or all.
    ToggleFocus,
    /// One hop more around the node in focus.
    WidenFocus,
    /// One hop fewer around the node in focus.
    NarrowFocus,
    /// Fold the selected node's type into one box, or unfold it.
    FoldType,
    /// Ctrl-Z: back to the shell until `fg`.
    Suspend,
    /// Freeze the views of live data, or let them follow it again.
    TogglePause,
    /// A prompt for a trace id to open, from any screen.
    OpenTraceId,
    /// Type the time range the list and map look at.
    ChangeTimeRange,
    /// Choose the X-Ray group the list and map look at.
    ChooseGroup,
    /// Open the column chooser of the trace list.
    ChooseColumns,
    /// Show or hide the column under the chooser's cursor.
    ToggleColumn,
    /// Move the column under the chooser's cursor one place left or right.
    MoveColumnUp,
    MoveColumnDown,
    /// List all spans (Transaction Search's `aws/spans`), or the indexed summaries again.
    ToggleAllSpans,
    /// Show or hide the response-time histogram above the list.
    ToggleHistogram,
    /// Move the histogram's selected band to faster or slower buckets.
    BandFaster,
    BandSlower,
    /// Move the band's slow end: narrow or widen it.
    BandNarrow,
    BandWiden,
    /// Filter the list to the selected band.
    FilterBand,
    /// The listed traces grouped by a dimension.
    ShowGroups,
    NextDimension,
    PreviousDimension,
    /// Keep the listed traces as set A, to compare later lists with.
    MarkSet,
    /// Set A beside the listed traces.
    ShowCompare,
    /// Span statistics: of the open trace, or of the listed traces.
    ShowStatistics,
    /// The icicle: the open trace's (in place of the waterfall), or the listed traces' merged.
    ToggleIcicle,
    /// The icicle's frame to the left or right on the same row.
    FrameLeft,
    FrameRight,
    /// The logs pane of the whole trace: shown or hidden.
    ToggleLogs,
    /// Mark the open trace as A, for a diff.
    MarkDiff,
    /// The open trace (B) against the marked one (A).
    DiffWithMarked,
    /// The open trace against the typical trace of its URL pattern.
    DiffWithTypical,
    /// The Insights screen: anomalies of the fault and error rates.
    ShowInsights,
    /// Back to the list as it was before an insight narrowed it.
    LeaveInsight,
    /// Show or hide the health sparklines of the listed traces.
    ToggleHealth,
    /// Move the sparklines' marked stretch earlier or later.
    MarkEarlier,
    MarkLater,
    /// Set the time range to the marked stretch.
    ApplyMark,
    /// A click on a row of the screen's list, counted from the first row shown.
    SelectRow(usize),
    /// A click on a tab of the details.
    SelectTab(Tab),
}

/// What the mouse did, where the terminal reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    ScrollUp,
    ScrollDown,
    /// The left button went down.
    Click,
}

#[derive(Debug, Clone)]
pub enum Action {
    Intent(Intent),
    /// The mouse, at a screen cell (column, row).
    Mouse {
        pointer: Pointer,
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// Open the trace with this id (from the command line, or a script).
    OpenTrace(String),
    SummariesLoaded {
        request: RequestId,
        result: Result<SummaryPage, String>,
    },
    TracesLoaded {
        request: RequestId,
        result: Result<Vec<Arc<Trace>>, String>,
    },
    /// Which of the searched traces have a matching span.
    SpanSearchDone {
        request: RequestId,
        result: Result<SpanSearchResult, String>,
    },
    /// The traces a typical trace is made of.
    BaselineLoaded {
        request: RequestId,
        result: Result<Vec<Arc<Trace>>, String>,
    },
    /// A key pressed: the overlay on top takes it, else the screen's bindings say what it means.
    Key(KeyEvent),
    /// A trace was written to a file (or could not be).
    Saved(Result<String, String>),
    MapLoaded {
        request: RequestId,
        result: Result<Arc<MapDrawing>, String>,
    },
    MapLaidOut {
        request: RequestId,
        drawing: Arc<MapDrawing>,
    },
    /// The source says what it is doing, or that its data changed.
    SourceStatus(SourceStatus),
    /// The X-Ray groups there are, for the group prompt.
    GroupsLoaded(Result<Vec<String>, String>),
    /// The listed traces fetched for the statistics or the aggregated icicle.
    TraceSetLoaded {
        request: RequestId,
        result: Result<Vec<Arc<Trace>>, String>,
    },
    /// The source's own insights (X-Ray Insights).
    InsightsLoaded {
        request: RequestId,
        result: Result<FoundInsights, String>,
    },
    /// The source's own health over time (X-Ray's time series), for the list or the map.
    HealthLoaded {
        request: RequestId,
        result: Result<Health, String>,
    },
    /// One of them in full: its timeline and impact graph.
    InsightDetailsLoaded {
        request: RequestId,
        result: Result<Box<Insight>, String>,
    },
    /// The log lines of a trace, joined to its spans.
    LogsLoaded {
        request: RequestId,
        trace_id: String,
        result: Result<Arc<TraceLogs>, String>,
    },
}

/// What a span search over loaded traces found.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanSearchResult {
    /// Ids of the traces with a matching span.
    pub matching: Vec<String>,
    /// Traces searched (those the source had).
    pub searched: usize,
}

/// Whose sparklines: the list's or the map's selection (a newer request for one does not
/// stop the other's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthOf {
    List,
    Map,
}

/// Work for the worker; results come back as [`Action`]s carrying the same request id.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    LoadSummaries {
        request: RequestId,
        filter: Option<String>,
        range: TimeRange,
        group: Option<String>,
        /// Keep listening for traces that arrive later.
        follow: bool,
        /// Search every span, not only the summaries the source indexes.
        all_spans: bool,
        /// The user reloaded: the source asks again what it learned of where it reads from.
        reload: bool,
    },
    /// Add an applied filter expression to the history kept across runs.
    RememberFilter(String),
    /// The service map, or one trace's map, laid out.
    LoadMap {
        request: RequestId,
        trace: Option<String>,
        range: TimeRange,
        group: Option<String>,
        /// The list's filter, for the sources whose map it can narrow.
        filter: Option<String>,
    },
    /// Lay the same map out again (compact or not).
    LayoutMap {
        request: RequestId,
        model: Arc<MapModel>,
        compact: bool,
    },
    LoadTrace {
        request: RequestId,
        id: String,
    },
    /// Many traces at once, for the statistics or the icicle of the list.
    LoadTraceSet {
        request: RequestId,
        ids: Vec<String>,
    },
    /// The log lines of a trace, joined to its spans.
    LoadLogs {
        request: RequestId,
        trace: Arc<Trace>,
    },
    /// The source's own insights over a time range and group.
    LoadInsights {
        request: RequestId,
        range: TimeRange,
        group: Option<String>,
    },
    /// The source's own health over time of the list or the map's selection.
    LoadHealth {
        request: RequestId,
        of: HealthOf,
        range: TimeRange,
        group: Option<String>,
        /// `service("checkout")`, `edge("web", "checkout")` or the list's filter.
        entity: Option<String>,
        buckets: usize,
    },
    /// One insight in full.
    LoadInsightDetails {
        request: RequestId,
        insight: Box<Insight>,
    },
    /// Stop looking for log lines (the pane was closed).
    CancelLogs,
    /// Fetch these traces and find those with a span the query matches.
    SearchSpans {
        request: RequestId,
        ids: Vec<String>,
        query: String,
    },
    /// The traces of one URL pattern, for the typical trace a diff compares with.
    LoadBaseline {
        request: RequestId,
        ids: Vec<String>,
    },
    /// These traces may be opened soon: a remote source fetches them ahead.
    Prefetch(Vec<String>),
    /// The X-Ray groups, for the group prompt.
    LoadGroups,
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Give the terminal back to the shell and stop until resumed.
    Suspend,
    /// Write `contents` to `path`.
    Save {
        path: String,
        contents: String,
    },
}
