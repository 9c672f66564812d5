//! Live AWS X-Ray, through aws-sdk-xray, and Transaction Search's `aws/spans` through
//! aws-sdk-cloudwatchlogs. The clients are made on first use, so nothing here waits for
//! credentials before the first frame; the calls of each service share one adaptive backoff and
//! report what they wait for through [`TraceSource::status`]. Where the account sends its spans
//! is asked with the first list (and again on reload): it decides how traces are opened.

mod account;
mod assemble;
mod backoff;
mod calls;
mod config;
mod convert;
mod graphs;
mod health;
mod insights;
mod logs_query;
mod poll;
mod pump;
mod retrieval;
mod spans;
mod spans_error;
mod status;
mod summaries;
mod times;
mod trace_logs;
mod traces;
mod windows;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use aws_config::SdkConfig;
use futures::future::BoxFuture;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::analytics::anomaly::Insight;
use crate::analytics::timeline::Health;
use crate::aws::{Connection, Progress};
use crate::model::{ServiceGraph, Trace};

use super::{
    FoundInsights, FoundLogs, GraphQuery, SeriesQuery, SourceError, SourceStatus, SummaryQuery,
    SummaryStream, TraceSource,
};
use account::AccountCache;
use backoff::Throttle;
use calls::Caller;
use status::StatusBoard;
use times::TraceTimes;
use traces::{Reach, TraceCache};

pub use config::{AwsOptions, TimeRangeType, Tuning};
pub use spans_error::{Ended, SpansError};
pub use trace_logs::LogsError;

/// Seconds looked at when nothing says otherwise: X-Ray needs a range, and the console shows
/// the last hour.
pub const DEFAULT_RANGE: f64 = 3600.0;

pub struct AwsSource {
    label: String,
    session: Arc<Session>,
    prefetching: Mutex<Option<JoinHandle<()>>>,
}

/// What the source's requests share: how to call AWS, and what it learned along the way.
pub struct Session {
    caller: Arc<Caller>,
    /// Where the account's spans go, and the share indexed.
    account: AccountCache,
    traces: TraceCache,
    /// When listed traces ran, for narrow retrievals.
    times: TraceTimes,
    /// The retrieval each trace came from, whose token answers for its map.
    retrieved: Mutex<HashMap<String, String>>,
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
        let caller = Arc::new(Caller {
            connection,
            throttle,
            logs_throttle,
            board,
            options,
        });
        AwsSource {
            label,
            session: Arc::new(Session {
                caller,
                account: AccountCache::default(),
                traces: TraceCache::default(),
                times: TraceTimes::default(),
                retrieved: Mutex::new(HashMap::new()),
            }),
            prefetching: Mutex::new(None),
        }
    }

    /// X-Ray calls allowed at once now (fewer after throttling).
    pub fn calls_allowed(&self) -> usize {
        self.session.caller.throttle.limit()
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
        summaries::stream(Arc::clone(&self.session), query)
    }

    /// From BatchGetTraces, or read back from aws/spans where Transaction Search keeps them.
    fn traces(&self, ids: Vec<String>) -> BoxFuture<'static, Result<Vec<Arc<Trace>>, SourceError>> {
        let session = Arc::clone(&self.session);
        Box::pin(async move { traces::traces(&session, ids, Reach::Retrieve).await })
    }

    fn service_graph(
        &self,
        query: GraphQuery,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        Box::pin(graphs::service_graph(
            Arc::clone(&self.session.caller),
            query,
        ))
    }

    fn trace_graph(
        &self,
        ids: Vec<String>,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        Box::pin(graphs::trace_graph(Arc::clone(&self.session), ids))
    }

    fn status(&self) -> Option<watch::Receiver<SourceStatus>> {
        Some(self.session.caller.board.subscribe())
    }

    /// Fetches the first few of these that are not cached yet, in the background; a newer
    /// prefetch replaces this one. Only from X-Ray's index: a retrieval from aws/spans costs a
    /// scan, and waits for the trace the user opens.
    fn prefetch(&self, ids: Vec<String>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut wanted: Vec<String> = ids
            .into_iter()
            .filter(|id| !self.session.traces.contains(id))
            .collect();
        wanted.dedup();
        wanted.truncate(self.session.caller.options.tuning.prefetch_limit);
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
        let session = Arc::clone(&self.session);
        *running = Some(runtime.spawn(async move {
            // A failure shows when the trace is opened; here it only cost a call.
            let _ = traces::traces(&session, wanted, Reach::Indexed).await;
        }));
    }

    fn groups(&self) -> BoxFuture<'static, Result<Vec<String>, SourceError>> {
        Box::pin(graphs::groups(Arc::clone(&self.session.caller)))
    }

    fn has_insights(&self) -> bool {
        true
    }

    fn map_follows_filter(&self) -> bool {
        false
    }

    /// GetInsightSummaries, every page.
    fn insights(
        &self,
        query: GraphQuery,
    ) -> BoxFuture<'static, Result<FoundInsights, SourceError>> {
        Box::pin(insights::insights(Arc::clone(&self.session.caller), query))
    }

    /// GetTimeSeriesServiceStatistics, every window and page.
    fn time_series(&self, query: SeriesQuery) -> BoxFuture<'static, Result<Health, SourceError>> {
        Box::pin(health::time_series(Arc::clone(&self.session.caller), query))
    }

    /// GetInsight, GetInsightEvents and GetInsightImpactGraph.
    fn insight_details(
        &self,
        insight: Insight,
    ) -> BoxFuture<'static, Result<Insight, SourceError>> {
        Box::pin(insights::details(Arc::clone(&self.session.caller), insight))
    }

    /// A Logs Insights query over the log groups the trace names.
    fn logs(&self, trace: Arc<Trace>) -> BoxFuture<'static, Result<FoundLogs, SourceError>> {
        let session = Arc::clone(&self.session);
        Box::pin(async move { trace_logs::logs(&session, &trace).await })
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
