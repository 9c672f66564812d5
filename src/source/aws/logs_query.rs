//! One CloudWatch Logs Insights query, as every search over log groups runs it: StartQuery,
//! GetQueryResults polled with backoff while the query is scheduled or running and then paged,
//! the bytes it scanned, and StopQuery when the request is dropped before the query ended (a
//! query left running scans, and bills, for nothing).

use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::QueryStatus;

use super::calls::Caller;
use super::poll::Poll;
use super::spans_error::Ended;
use crate::aws::Operation;
use crate::source::SourceError;

/// GetQueryResults gives at most this many rows a page.
const ROWS_PER_PAGE: usize = 10_000;

/// One row of results: its fields by name, as Logs Insights gives them (text).
pub type Row = Vec<(String, String)>;

/// What to ask: the groups, the window in epoch seconds, the query text, the rows at most.
pub struct Query<'a> {
    pub groups: &'a [String],
    pub from: f64,
    pub to: f64,
    pub text: &'a str,
    pub limit: usize,
}

/// How a query ended.
pub enum Outcome {
    /// Its rows, at most the limit, and the bytes it scanned.
    Rows(Vec<Row>, f64),
    /// It ended without results (Failed, Cancelled, Timeout).
    Ended(Ended),
}

/// Starts the query; a query that is not there to start (its group is missing) is
/// `SourceError::NotFound`.
pub async fn start(caller: &Arc<Caller>, query: &Query<'_>) -> Result<Running, SourceError> {
    let started = caller
        .call_logs(Operation::StartQuery, |client| {
            let request = match query.groups {
                [one] => client.start_query().log_group_name(one),
                many => client
                    .start_query()
                    .set_log_group_names(Some(many.to_vec())),
            };
            request
                .start_time(query.from.floor() as i64)
                .end_time(query.to.ceil() as i64)
                .query_string(query.text)
                .limit(i32::try_from(query.limit).unwrap_or(i32::MAX))
                .send()
        })
        .await?;
    let query_id = started.query_id.ok_or_else(|| SourceError::Data {
        place: "CloudWatch Logs' answer to StartQuery".into(),
        message: "no queryId".into(),
    })?;
    Ok(Running {
        caller: Arc::clone(caller),
        query_id: Some(query_id),
    })
}

/// A query under way. Dropped before it ended (a newer request superseded it), it is stopped
/// in the background.
pub struct Running {
    caller: Arc<Caller>,
    query_id: Option<String>,
}

impl Running {
    /// Waits for the query to end, then reads its rows page by page. `what` names the work on
    /// the status line ("searching aws/spans"); `so_far` says what the rows come to while it
    /// runs ("· 120 spans so far").
    pub async fn results(
        mut self,
        what: &str,
        limit: usize,
        so_far: impl Fn(usize) -> String,
    ) -> Result<Outcome, SourceError> {
        let Some(query_id) = self.query_id.clone() else {
            return Ok(Outcome::Rows(Vec::new(), 0.0));
        };
        let outcome = read(&self.caller, &query_id, what, limit, so_far).await;
        if outcome.is_ok() {
            self.query_id = None;
        }
        outcome
    }
}

async fn read(
    caller: &Caller,
    query_id: &str,
    what: &str,
    limit: usize,
    so_far: impl Fn(usize) -> String,
) -> Result<Outcome, SourceError> {
    let tuning = &caller.options.tuning;
    let ask = |next: Option<String>| async move {
        caller
            .call_logs(Operation::GetQueryResults, |client| {
                client
                    .get_query_results()
                    .query_id(query_id)
                    .max_items(i32::try_from(limit.min(ROWS_PER_PAGE)).unwrap_or(i32::MAX))
                    .set_next_token(next.clone())
                    .send()
            })
            .await
    };
    let mut poll = Poll::new(
        &caller.board,
        what.to_owned(),
        tuning.poll_first,
        tuning.poll_cap,
    );
    let mut output = loop {
        let output = ask(None).await?;
        let ended = match output.status {
            Some(QueryStatus::Complete) => break output,
            Some(QueryStatus::Scheduled) => {
                poll.wait("(scheduled)").await;
                continue;
            }
            Some(QueryStatus::Running) => {
                let rows = output.results.as_ref().map_or(0, Vec::len);
                poll.wait(&so_far(rows)).await;
                continue;
            }
            Some(QueryStatus::Failed) => Ended::Failed,
            Some(QueryStatus::Cancelled) => Ended::Cancelled,
            Some(QueryStatus::Timeout) => Ended::TimedOut,
            other => {
                return Err(SourceError::Data {
                    place: "CloudWatch Logs' answer to GetQueryResults".into(),
                    message: match other {
                        Some(status) => format!("unknown query status {status}"),
                        None => "no status".into(),
                    },
                });
            }
        };
        return Ok(Outcome::Ended(ended));
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut scanned = 0.0;
    let mut page: Option<String> = None;
    loop {
        if let Some(statistics) = &output.statistics {
            scanned = statistics.bytes_scanned;
        }
        rows.extend(
            output
                .results
                .take()
                .unwrap_or_default()
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .filter_map(|field| Some((field.field?, field.value.unwrap_or_default())))
                        .collect()
                }),
        );
        match super::calls::next_page(output.next_token.take(), &page) {
            Some(next) if rows.len() < limit => {
                page = Some(next.clone());
                output = ask(Some(next)).await?;
            }
            _ => break,
        }
    }
    rows.truncate(limit);
    Ok(Outcome::Rows(rows, scanned))
}

impl Drop for Running {
    fn drop(&mut self) {
        let Some(query_id) = self.query_id.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let caller = Arc::clone(&self.caller);
        runtime.spawn(async move {
            let stopped = caller
                .call_logs(Operation::StopQuery, |client| {
                    client.stop_query().query_id(query_id.clone()).send()
                })
                .await;
            if let Err(denied @ SourceError::AccessDenied(_)) = stopped {
                caller.board.problem(denied.to_string());
            }
        });
    }
}

/// 512 B, 3.4 MB, 1.2 GB (powers of 1,000, as CloudWatch bills).
pub fn bytes(count: f64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut value = count.max(0.0);
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
