//! Where data comes from. One trait, one implementation per kind of source.

pub mod aws;
pub mod dataset;
pub mod demo;
mod demo_shift;
pub mod error;
pub mod files;
pub mod input;
pub mod listen;
pub mod memory;
pub mod problem;
pub mod progress;
pub mod query;
pub mod time_range;

use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use tokio::sync::watch;

use crate::analytics::anomaly::Insight;
use crate::analytics::timeline::Health;
use crate::model::logs::LogLine;
use crate::model::{ServiceGraph, Trace, TraceSummary};

pub use dataset::{Collector, Dataset};
pub use error::SourceError;
pub use input::{Forwarding, Input, Listening, Saved};
pub use memory::MemorySource;
pub use problem::Problem;

pub use time_range::TimeRange;

/// What the trace list asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryQuery {
    /// Epoch seconds, inclusive; `None` for everything the source has.
    pub range: Option<(f64, f64)>,
    /// An X-Ray filter expression, already checked by the filter parser.
    pub filter: Option<String>,
    /// An X-Ray group name, for sources that have groups.
    pub group: Option<String>,
    /// Keep the stream open after the last page and send pages of traces that arrive later.
    pub follow: bool,
    /// Search every span rather than list the summaries the source indexes (live AWS with
    /// Transaction Search: a Logs Insights query over `aws/spans`).
    pub all_spans: bool,
    /// The user asked to reload: what the source learned of where it reads from is asked again.
    pub reload: bool,
}

/// What the service map asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphQuery {
    /// Epoch seconds; `None` for everything the source has.
    pub range: Option<(f64, f64)>,
    pub group: Option<String>,
    /// Only the traces this filter expression selects, where the source can narrow its map
    /// ([`TraceSource::map_follows_filter`]).
    pub filter: Option<String>,
}

/// What a source is doing, for the status line; live sources also say when their data changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceStatus {
    /// Bumped whenever the data changed, so the views should ask again.
    pub generation: u64,
    /// What the source is doing or waiting for; empty when idle.
    pub activity: String,
    /// Recent problems with the incoming data, oldest first.
    pub problems: Vec<String>,
    /// Traces a live source has received since it started, for counting new ones.
    pub traces_seen: u64,
    /// What to tell a user who sees no traces yet.
    pub empty_hint: Option<String>,
}

/// Pages of summaries, newest traces first within each page. The first page replaces
/// what the list showed; later pages add to it.
pub type SummaryStream = BoxStream<'static, Result<SummaryPage, SourceError>>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryPage {
    pub summaries: Vec<TraceSummary>,
    /// Traces the source looked at to answer.
    pub processed: Option<u64>,
    /// No more pages follow.
    pub done: bool,
    /// Problems met while loading, as "place: message" lines.
    pub problems: Vec<String>,
    /// What the list holds, when the source has more to say of it than its label
    /// ("Transaction Search · summaries for 1% of spans"); on a first page, `None` says nothing.
    pub scope: Option<String>,
}

/// The log lines a source found for a trace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundLogs {
    pub lines: Vec<LogLine>,
    /// Bytes the query scanned, when the source pays by them (Logs Insights).
    pub bytes_scanned: Option<f64>,
    /// What the user should know of how they were found (log groups left out).
    pub notes: Vec<String>,
}

/// The insights a source keeps of its own (X-Ray Insights), over a time range and group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundInsights {
    /// Newest first.
    pub insights: Vec<Insight>,
    /// The group asked for, when X-Ray Insights are off for it.
    pub disabled_for: Option<String>,
}

/// What health over time is asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesQuery {
    /// Epoch seconds; `None` for the source's default range.
    pub range: Option<(f64, f64)>,
    pub group: Option<String>,
    /// Whose requests: `service("checkout")`, `edge("web", "checkout")`, or a filter
    /// expression; `None` for every service of the group.
    pub entity: Option<String>,
    /// At most this many buckets.
    pub buckets: usize,
}

/// A source of traces. Futures are `'static` so the worker can run and cancel them freely.
pub trait TraceSource: Send + Sync + 'static {
    /// A short name for the status line ("demo", "3 files", ...).
    fn label(&self) -> String;
    fn summaries(&self, query: SummaryQuery) -> SummaryStream;
    /// The traces of these ids that the source has; unknown ids are left out.
    fn traces(&self, ids: Vec<String>) -> BoxFuture<'static, Result<Vec<Arc<Trace>>, SourceError>>;
    fn service_graph(
        &self,
        query: GraphQuery,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>>;
    /// The map of these traces alone. By default computed from their documents.
    fn trace_graph(
        &self,
        ids: Vec<String>,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        let traces = self.traces(ids);
        Box::pin(async move {
            let traces = traces.await?;
            Ok(ServiceGraph::from_traces(traces.iter().map(Arc::as_ref)))
        })
    }
    /// Live news of the source: what it is doing, and when its data changed.
    fn status(&self) -> Option<watch::Receiver<SourceStatus>> {
        None
    }
    /// A hint that these traces may be opened soon; a remote source fetches them ahead.
    fn prefetch(&self, _ids: Vec<String>) {}
    /// The X-Ray groups there are to choose from; none for sources without groups.
    fn groups(&self) -> BoxFuture<'static, Result<Vec<String>, SourceError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// The log lines the source finds for a trace, in any order; the caller joins them to
    /// its spans. Sources without logs find none.
    fn logs(&self, _trace: Arc<Trace>) -> BoxFuture<'static, Result<FoundLogs, SourceError>> {
        Box::pin(async { Ok(FoundLogs::default()) })
    }
    /// Whether the source keeps insights and health over time of its own (live AWS: X-Ray
    /// Insights and time series); for the others they are computed from the listed traces.
    fn has_insights(&self) -> bool {
        false
    }
    /// Whether the service map can be narrowed to the traces a filter selects (X-Ray's
    /// GetServiceGraph cannot).
    fn map_follows_filter(&self) -> bool {
        true
    }
    /// The source's own insights over a time range and group.
    fn insights(
        &self,
        _query: GraphQuery,
    ) -> BoxFuture<'static, Result<FoundInsights, SourceError>> {
        Box::pin(async { Ok(FoundInsights::default()) })
    }
    /// One of those insights again, in full: its timeline and its impact graph.
    fn insight_details(
        &self,
        insight: Insight,
    ) -> BoxFuture<'static, Result<Insight, SourceError>> {
        Box::pin(async move { Ok(insight) })
    }
    /// Health over time that the source keeps of its own (X-Ray's time series, where
    /// [`TraceSource::has_insights`]); the others' is computed from their traces.
    fn time_series(&self, _query: SeriesQuery) -> BoxFuture<'static, Result<Health, SourceError>> {
        Box::pin(async { Ok(Health::default()) })
    }
    /// Finishes what is under way before the program exits (forwarding sends what is
    /// queued); answers what the user should hear of it.
    fn finish(&self) -> BoxFuture<'static, Option<String>> {
        Box::pin(async { None })
    }
}
