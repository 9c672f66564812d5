//! Live AWS X-Ray, through aws-sdk-xray. The client is made on first use, so nothing here
//! waits for credentials before the first frame; every call shares one adaptive backoff and
//! reports what it waits for through [`TraceSource::status`].

mod backoff;
mod calls;
mod config;
mod convert;
mod graphs;
mod pump;
mod status;
mod summaries;
mod traces;
mod windows;

use std::sync::{Arc, Mutex, PoisonError};

use aws_config::SdkConfig;
use futures::future::BoxFuture;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::aws::{Connection, Progress};
use crate::model::{ServiceGraph, Trace};

use super::{GraphQuery, SourceError, SourceStatus, SummaryQuery, SummaryStream, TraceSource};
use backoff::Throttle;
use calls::Caller;
use status::StatusBoard;
use traces::TraceCache;

pub use config::{AwsOptions, TimeRangeType, Tuning};

/// Seconds looked at when nothing says otherwise: X-Ray needs a range, and the console shows
/// the last hour.
pub const DEFAULT_RANGE: f64 = 3600.0;

pub struct AwsSource {
    label: String,
    caller: Arc<Caller>,
    cache: Arc<TraceCache>,
    prefetching: Mutex<Option<JoinHandle<()>>>,
}

impl AwsSource {
    /// Finds region and credentials as the AWS CLI would, on first use.
    pub fn new(options: AwsOptions) -> AwsSource {
        let label = label(
            options.connect.known_region(),
            options.connect.profile.clone(),
        );
        let board = StatusBoard::new();
        let progress: Arc<dyn Progress> = board.clone();
        let connection = Connection::resolving(options.connect.clone(), Some(progress));
        AwsSource::with(label, connection, board, options)
    }

    /// Uses this configuration as it is (region, credentials, endpoint, timeouts).
    pub fn with_sdk_config(sdk: SdkConfig, options: AwsOptions) -> AwsSource {
        let region = sdk.region().map(ToString::to_string);
        let label = label(region, options.connect.profile.clone());
        let board = StatusBoard::new();
        let connection = Connection::given(sdk, options.connect.timeouts.clone());
        AwsSource::with(label, connection, board, options)
    }

    fn with(
        label: String,
        connection: Connection,
        board: Arc<StatusBoard>,
        options: AwsOptions,
    ) -> AwsSource {
        let tuning = &options.tuning;
        let throttle = Throttle::new(
            tuning.calls_in_flight,
            tuning.throttle_pause,
            tuning.throttle_pause_cap,
        );
        let logs_throttle = Throttle::new(
            tuning.calls_in_flight,
            tuning.throttle_pause,
            tuning.throttle_pause_cap,
        );
        AwsSource {
            label,
            caller: Arc::new(Caller {
                connection,
                throttle,
                logs_throttle,
                board,
                options,
            }),
            cache: Arc::new(TraceCache::default()),
            prefetching: Mutex::new(None),
        }
    }

    /// X-Ray calls allowed at once now (fewer after throttling).
    pub fn calls_allowed(&self) -> usize {
        self.caller.throttle.limit()
    }
}

/// "AWS us-east-1 (prod)".
fn label(region: Option<String>, profile: Option<String>) -> String {
    let mut label = "AWS".to_owned();
    if let Some(region) = region {
        label.push(' ');
        label.push_str(&region);
    }
    if let Some(profile) = profile {
        label.push_str(&format!(" ({profile})"));
    }
    label
}

impl TraceSource for AwsSource {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn summaries(&self, query: SummaryQuery) -> SummaryStream {
        summaries::stream(Arc::clone(&self.caller), query)
    }

    fn traces(&self, ids: Vec<String>) -> BoxFuture<'static, Result<Vec<Arc<Trace>>, SourceError>> {
        let caller = Arc::clone(&self.caller);
        let cache = Arc::clone(&self.cache);
        Box::pin(async move { traces::traces(&caller, &cache, ids).await })
    }

    fn service_graph(
        &self,
        query: GraphQuery,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        Box::pin(graphs::service_graph(Arc::clone(&self.caller), query))
    }

    fn trace_graph(
        &self,
        ids: Vec<String>,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        Box::pin(graphs::trace_graph(Arc::clone(&self.caller), ids))
    }

    fn status(&self) -> Option<watch::Receiver<SourceStatus>> {
        Some(self.caller.board.subscribe())
    }

    /// Fetches the first few of these that are not cached yet, in the background; a newer
    /// prefetch replaces this one.
    fn prefetch(&self, ids: Vec<String>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut wanted: Vec<String> = ids
            .into_iter()
            .filter(|id| !self.cache.contains(id))
            .collect();
        wanted.dedup();
        wanted.truncate(self.caller.options.tuning.prefetch_limit);
        let mut running = self
            .prefetching
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(older) = running.take() {
            older.abort();
        }
        if wanted.is_empty() {
            return;
        }
        let caller = Arc::clone(&self.caller);
        let cache = Arc::clone(&self.cache);
        *running = Some(runtime.spawn(async move {
            // A failure shows when the trace is opened; here it only cost a call.
            let _ = traces::traces(&caller, &cache, wanted).await;
        }));
    }

    fn groups(&self) -> BoxFuture<'static, Result<Vec<String>, SourceError>> {
        Box::pin(graphs::groups(Arc::clone(&self.caller)))
    }
}

impl Drop for AwsSource {
    fn drop(&mut self) {
        if let Some(task) = self
            .prefetching
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
    }
}
