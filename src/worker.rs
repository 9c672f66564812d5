//! Runs [`Command`]s against the source as tokio tasks and reports back as [`Action`]s.
//! A newer request of the same kind aborts the older one; the update drops late results by
//! request id, so a result that slips through is harmless.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::app::map::{MapDrawing, MapModel, lay_out};
use crate::app::{Action, Command};
use crate::model::ServiceGraph;
use crate::source::{SummaryQuery, TraceSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Summaries,
    Trace,
    Map,
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
            Command::LoadSummaries { request, filter } => {
                let future = self.source.summaries(SummaryQuery {
                    filter,
                    ..SummaryQuery::default()
                });
                (
                    Kind::Summaries,
                    tokio::spawn(async move {
                        let result = future.await.map_err(|e| e.to_string());
                        let _ = results.send(Action::SummariesLoaded { request, result });
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
            Command::LoadMap { request, trace } => {
                let source = Arc::clone(&self.source);
                let ascii = self.ascii;
                (
                    Kind::Map,
                    tokio::spawn(async move {
                        let result = load_map(source, trace, ascii).await;
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

/// The service map of the source, or one trace's map computed from its documents, laid out.
pub async fn load_map(
    source: Arc<dyn TraceSource>,
    trace: Option<String>,
    ascii: bool,
) -> Result<Arc<MapDrawing>, String> {
    let graph = match &trace {
        None => source.service_graph().await.map_err(|e| e.to_string())?,
        Some(id) => {
            let traces = source
                .traces(vec![id.clone()])
                .await
                .map_err(|e| e.to_string())?;
            if traces.is_empty() {
                return Err(format!("trace {id} is not in {}", source.label()));
            }
            ServiceGraph::from_traces(traces.iter().map(Arc::as_ref))
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
