//! A [`TraceSource`] over an in-memory [`Dataset`]: files, the demo and the local listener.
//! The data set is loaded on first use, on a blocking thread, so the first frame never waits.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::OnceCell;

use crate::model::{ServiceGraph, Trace};

use super::dataset::Dataset;
use super::{FoundLogs, GraphQuery, SourceError, SummaryQuery, SummaryStream, TraceSource};

type Loader = Arc<dyn Fn() -> Dataset + Send + Sync>;

pub struct MemorySource {
    label: String,
    loader: Loader,
    data: Arc<OnceCell<Arc<Dataset>>>,
}

impl MemorySource {
    /// A source whose data is already in memory.
    pub fn new(label: impl Into<String>, data: Dataset) -> MemorySource {
        let data = Arc::new(data);
        MemorySource {
            label: label.into(),
            loader: Arc::new(Dataset::default),
            data: Arc::new(OnceCell::new_with(Some(data))),
        }
    }

    /// A source that runs `loader` the first time it is asked for anything.
    pub fn lazy(
        label: impl Into<String>,
        loader: impl Fn() -> Dataset + Send + Sync + 'static,
    ) -> MemorySource {
        MemorySource {
            label: label.into(),
            loader: Arc::new(loader),
            data: Arc::new(OnceCell::new()),
        }
    }

    /// The data set, loading it first if needed.
    pub fn dataset(
        &self,
    ) -> impl Future<Output = Result<Arc<Dataset>, SourceError>> + Send + 'static {
        let cell = Arc::clone(&self.data);
        let loader = Arc::clone(&self.loader);
        async move {
            cell.get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || Arc::new(loader()))
                    .await
                    .map_err(|e| SourceError::Other(format!("loading failed: {e}")))
            })
            .await
            .cloned()
        }
    }
}

impl TraceSource for MemorySource {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn summaries(&self, query: SummaryQuery) -> SummaryStream {
        let data = self.dataset();
        Box::pin(futures::stream::once(async move {
            let data = data.await?;
            tokio::task::spawn_blocking(move || super::query::summaries(&data, &query))
                .await
                .map_err(|e| SourceError::Other(format!("listing traces failed: {e}")))?
        }))
    }

    fn traces(&self, ids: Vec<String>) -> BoxFuture<'static, Result<Vec<Arc<Trace>>, SourceError>> {
        let data = self.dataset();
        Box::pin(async move {
            let data = data.await?;
            Ok(ids
                .iter()
                .filter_map(|id| {
                    let id = data.aliases.get(id).unwrap_or(id);
                    data.traces.get(id).cloned()
                })
                .collect())
        })
    }

    fn logs(&self, trace: Arc<Trace>) -> BoxFuture<'static, Result<FoundLogs, SourceError>> {
        let data = self.dataset();
        Box::pin(async move {
            let data = data.await?;
            Ok(FoundLogs {
                lines: data.logs_of(&trace),
                bytes_scanned: None,
                notes: Vec::new(),
            })
        })
    }

    fn service_graph(
        &self,
        query: GraphQuery,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        let data = self.dataset();
        Box::pin(async move {
            let data = data.await?;
            Ok(match (query.range, &query.filter) {
                (None, None) => data.graph.clone(),
                (range, filter) => super::query::graph_of(&data, range, filter.as_deref())?,
            })
        })
    }
}
