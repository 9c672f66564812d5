//! Runs [`Command`]s against the source as tokio tasks and reports back as [`Action`]s.
//! A newer request of the same kind aborts the older one; the update drops late results by
//! request id, so a result that slips through is harmless.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::app::action::{HealthOf, SpanSearchResult};
use crate::app::map::{MapDrawing, MapModel, lay_out};
use crate::app::{Action, Command};
use crate::clock::now;
use crate::filter::span_query;
use crate::model::Trace;
use futures::StreamExt;

use crate::source::{GraphQuery, SeriesQuery, SummaryQuery, TimeRange, TraceSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Summaries,
    Trace,
    /// The listed traces, for the statistics or the aggregated icicle.
    TraceSet,
    Map,
    Groups,
    Logs,
    Insights,
    InsightDetails,
    ListHealth,
    MapHealth,
    Baseline,
    SpanSearch,
    /// Writing a file: every one runs to its end, none supersedes another.
    Write,
}

impl Kind {
    /// A newer request of this kind makes the older one pointless.
    fn superseded_by_newer(self) -> bool {
        self != Kind::Write
    }
}

pub struct Worker {
    source: Arc<dyn TraceSource>,
    /// Draw maps with ASCII only.
    pub ascii: bool,
    results: UnboundedSender<Action>,
    running: Vec<(Kind, JoinHandle<()>)>,
}

impl Worker {
    pub fn new(source: Arc<dyn TraceSource>, results: UnboundedSender<Action>) -> Worker {
        Worker {
            source,
            ascii: false,
            results,
            running: Vec::new(),
        }
    }

    pub fn run(&mut self, commands: Vec<Command>) {
        for command in commands {
            self.start(command);
        }
    }

    fn start(&mut self, command: Command) {
        let results = self.results.clone();
        let (kind, task): (Kind, JoinHandle<()>) = match command {
            Command::LoadSummaries {
                request,
                filter,
                range,
                group,
                follow,
                all_spans,
                reload,
            } => {
                let mut pages = self.source.summaries(SummaryQuery {
                    all_spans,
                    reload,
                    ..summary_query(filter, range, group, follow)
                });
                (
                    Kind::Summaries,
                    tokio::spawn(async move {
                        while let Some(page) = pages.next().await {
                            let failed = page.is_err();
                            let result = page.map_err(|e| e.to_string());
                            if results
                                .send(Action::SummariesLoaded { request, result })
                                .is_err()
                                || failed
                            {
                                break;
                            }
                        }
                    }),
                )
            }
            Command::Save { path, contents } => (
                Kind::Write,
                tokio::spawn(async move {
                    let result = tokio::fs::write(&path, contents)
                        .await
                        .map(|()| path.clone())
                        .map_err(|e| format!("could not save to {path}: {e}"));
                    let _ = results.send(Action::Saved(result));
                }),
            ),
            Command::RememberFilter(expression) => (
                Kind::Write,
                tokio::spawn(async move {
                    // Not remembering is no reason to bother the user mid-incident.
                    let _ = crate::history::remember(&expression).await;
                }),
            ),
            Command::LoadMap {
                request,
                trace,
                range,
                group,
                filter,
            } => {
                let source = Arc::clone(&self.source);
                let ascii = self.ascii;
                let query = MapQuery::new(trace, range, group, filter);
                (
                    Kind::Map,
                    tokio::spawn(async move {
                        let result = load_map(source, query, ascii).await;
                        let _ = results.send(Action::MapLoaded { request, result });
                    }),
                )
            }
            Command::LayoutMap {
                request,
                model,
                compact,
            } => {
                let ascii = self.ascii;
                (
                    Kind::Map,
                    tokio::spawn(async move {
                        let laid_out =
                            tokio::task::spawn_blocking(move || lay_out(model, compact, ascii))
                                .await;
                        if let Ok(drawing) = laid_out {
                            let drawing = Arc::new(drawing);
                            let _ = results.send(Action::MapLaidOut { request, drawing });
                        }
                    }),
                )
            }
            // The event loop owns the terminal.
            Command::Copy(_) | Command::Suspend => return,
            Command::LoadGroups => {
                let groups = self.source.groups();
                (
                    Kind::Groups,
                    tokio::spawn(async move {
                        let result = groups.await.map_err(|e| e.to_string());
                        let _ = results.send(Action::GroupsLoaded(result));
                    }),
                )
            }
            // The source runs (and supersedes) its own prefetching.
            Command::Prefetch(ids) => {
                self.source.prefetch(ids);
                return;
            }
            Command::LoadLogs { request, trace } => {
                let found = self.source.logs(Arc::clone(&trace));
                (
                    Kind::Logs,
                    tokio::spawn(async move {
                        let result = match found.await {
                            Ok(found) => tokio::task::spawn_blocking({
                                let trace = Arc::clone(&trace);
                                move || crate::model::logs::TraceLogs {
                                    notes: found.notes,
                                    ..crate::model::logs::join(
                                        &trace,
                                        found.lines,
                                        found.bytes_scanned,
                                    )
                                }
                            })
                            .await
                            .map(Arc::new)
                            .map_err(|e| format!("joining the log lines failed: {e}")),
                            Err(error) => Err(error.to_string()),
                        };
                        let trace_id = trace.id.clone();
                        let _ = results.send(Action::LogsLoaded {
                            request,
                            trace_id,
                            result,
                        });
                    }),
                )
            }
            Command::LoadInsights {
                request,
                range,
                group,
            } => {
                let found = self.source.insights(GraphQuery {
                    range: range.resolve(now()),
                    group,
                    filter: None,
                });
                (
                    Kind::Insights,
                    tokio::spawn(async move {
                        let result = found.await.map_err(|e| e.to_string());
                        let _ = results.send(Action::InsightsLoaded { request, result });
                    }),
                )
            }
            Command::LoadHealth {
                request,
                of,
                range,
                group,
                entity,
                buckets,
            } => {
                let series = self.source.time_series(SeriesQuery {
                    range: range.resolve(now()),
                    group,
                    entity,
                    buckets,
                });
                let kind = match of {
                    HealthOf::List => Kind::ListHealth,
                    HealthOf::Map => Kind::MapHealth,
                };
                (
                    kind,
                    tokio::spawn(async move {
                        let result = series.await.map_err(|e| e.to_string());
                        let _ = results.send(Action::HealthLoaded { request, result });
                    }),
                )
            }
            Command::LoadInsightDetails { request, insight } => {
                let found = self.source.insight_details(*insight);
                (
                    Kind::InsightDetails,
                    tokio::spawn(async move {
                        let result = found.await.map(Box::new).map_err(|e| e.to_string());
                        let _ = results.send(Action::InsightDetailsLoaded { request, result });
                    }),
                )
            }
            Command::CancelLogs => {
                self.running.retain(|(kind, handle)| {
                    if *kind == Kind::Logs {
                        handle.abort();
                    }
                    *kind != Kind::Logs
                });
                return;
            }
            Command::SearchSpans {
                request,
                ids,
                query,
            } => {
                let future = self.source.traces(ids);
                (
                    Kind::SpanSearch,
                    tokio::spawn(async move {
                        let result = future
                            .await
                            .map_err(|e| e.to_string())
                            .and_then(|traces| search_spans(&traces, &query));
                        let _ = results.send(Action::SpanSearchDone { request, result });
                    }),
                )
            }
            Command::LoadBaseline { request, ids } => {
                let future = self.source.traces(ids);
                (
                    Kind::Baseline,
                    tokio::spawn(async move {
                        let result = future.await.map_err(|e| e.to_string());
                        let _ = results.send(Action::BaselineLoaded { request, result });
                    }),
                )
            }
            Command::LoadTrace { request, id } => {
                let future = self.source.traces(vec![id]);
                (
                    Kind::Trace,
                    tokio::spawn(async move {
                        let result = future.await.map_err(|e| e.to_string());
                        let _ = results.send(Action::TracesLoaded { request, result });
                    }),
                )
            }
            Command::LoadTraceSet { request, ids } => {
                let future = self.source.traces(ids);
                (
                    Kind::TraceSet,
                    tokio::spawn(async move {
                        let result = future.await.map_err(|e| e.to_string());
                        let _ = results.send(Action::TraceSetLoaded { request, result });
                    }),
                )
            }
        };
        let supersedes = kind.superseded_by_newer();
        self.running.retain(|(k, handle)| {
            let superseded = *k == kind && supersedes;
            if superseded {
                handle.abort();
            }
            !superseded && !handle.is_finished()
        });
        self.running.push((kind, task));
    }
}

/// The traces with a span the query matches.
fn search_spans(traces: &[Arc<Trace>], query: &str) -> Result<SpanSearchResult, String> {
    let query = span_query::parse(query).map_err(|e| e.message)?;
    let matching = traces
        .iter()
        .filter(|trace| (0..trace.spans.len()).any(|i| span_query::matches(&query, trace, i)))
        .map(|trace| trace.id.clone())
        .collect();
    Ok(SpanSearchResult {
        matching,
        searched: traces.len(),
    })
}

/// Which map to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum MapQuery {
    /// The services of a time range and group.
    Services(GraphQuery),
    /// One trace's map.
    Trace(String),
}

impl MapQuery {
    /// The map a `LoadMap` command asks for, its time range resolved now.
    pub fn new(
        trace: Option<String>,
        range: TimeRange,
        group: Option<String>,
        filter: Option<String>,
    ) -> MapQuery {
        match trace {
            Some(id) => MapQuery::Trace(id),
            None => MapQuery::Services(GraphQuery {
                range: range.resolve(now()),
                group,
                filter,
            }),
        }
    }
}

/// The list a `LoadSummaries` command asks for, its time range resolved now.
pub fn summary_query(
    filter: Option<String>,
    range: TimeRange,
    group: Option<String>,
    follow: bool,
) -> SummaryQuery {
    SummaryQuery {
        filter,
        range: range.resolve(now()),
        group,
        follow,
        ..SummaryQuery::default()
    }
}

/// The service map of the source, or one trace's map, laid out.
pub async fn load_map(
    source: Arc<dyn TraceSource>,
    query: MapQuery,
    ascii: bool,
) -> Result<Arc<MapDrawing>, String> {
    let graph = match &query {
        MapQuery::Services(query) => source
            .service_graph(query.clone())
            .await
            .map_err(|e| e.to_string())?,
        MapQuery::Trace(id) => {
            let graph = source
                .trace_graph(vec![id.clone()])
                .await
                .map_err(|e| e.to_string())?;
            if graph.services.is_empty() {
                return Err(format!("trace {id} is not in {}", source.label()));
            }
            graph
        }
    };
    tokio::task::spawn_blocking(move || {
        let model = Arc::new(MapModel::of(&graph));
        Arc::new(lay_out(model, false, ascii))
    })
    .await
    .map_err(|e| format!("laying out the map failed: {e}"))
}

impl Drop for Worker {
    fn drop(&mut self) {
        for (_, handle) in &self.running {
            handle.abort();
        }
    }
}
