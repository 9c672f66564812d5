//! Runs [`Command`]s against the source as tokio tasks and reports back as [`Action`]s.
//! A newer request of the same kind aborts the older one; the update drops late results by
//! request id, so a result that slips through is harmless.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::app::{Action, Command};
use crate::source::{SummaryQuery, TraceSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Summaries,
    Trace,
    Save,
}

pub struct Worker {
    source: Arc<dyn TraceSource>,
    results: UnboundedSender<Action>,
    running: Vec<(Kind, JoinHandle<()>)>,
}

impl Worker {
    pub fn new(source: Arc<dyn TraceSource>, results: UnboundedSender<Action>) -> Worker {
        Worker {
            source,
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
                Kind::Save,
                tokio::spawn(async move {
                    let result = tokio::fs::write(&path, contents)
                        .await
                        .map(|()| path.clone())
                        .map_err(|e| format!("could not save to {path}: {e}"));
                    let _ = results.send(Action::Saved(result));
                }),
            ),
            Command::RememberFilter(expression) => (
                Kind::Save,
                tokio::spawn(async move {
                    // Not remembering is no reason to bother the user mid-incident.
                    let _ = crate::history::remember(&expression).await;
                }),
            ),
            // The event loop writes to the terminal itself.
            Command::Copy(_) => return,
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
        self.running.retain(|(k, handle)| {
            if *k == kind && kind != Kind::Save {
                handle.abort();
            }
            (*k != kind || kind == Kind::Save) && !handle.is_finished()
        });
        self.running.push((kind, task));
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        for (_, handle) in &self.running {
            handle.abort();
        }
    }
}
