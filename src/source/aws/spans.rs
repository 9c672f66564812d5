//! The list of all spans: with Transaction Search every span is a log event of `aws/spans`,
//! searched with a CloudWatch Logs Insights query made from the filter expression (StartQuery,
//! GetQueryResults polled with backoff and paged, StopQuery when the user has moved on). The
//! matching spans are listed by trace, and the list says how much the query scanned: Logs
//! Insights bills by it.

mod query;
mod rows;

use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::QueryStatus;

use super::Session;
use super::poll::Poll;
use super::pump::Sink;
use super::spans_error::{Ended, SpansError};
use crate::aws::Operation;
use crate::source::{SourceError, SummaryPage, SummaryQuery};
use rows::Row;

/// GetQueryResults gives at most this many rows a page.
const ROWS_PER_PAGE: usize = 10_000;

pub async fn produce(
    session: Arc<Session>,
    query: SummaryQuery,
    out: Sink<Result<SummaryPage, SourceError>>,
) {
    let _ = out.send(search(&session, &query).await);
}

async fn search(session: &Session, query: &SummaryQuery) -> Result<SummaryPage, SourceError> {
    if let Some(group) = query
        .group
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty() && *g != "Default")
    {
        return Err(SpansError::Group(group.to_owned()).into());
    }
    let caller = &session.caller;
    let tuning = &caller.options.tuning;
    let limit = tuning.spans_limit.max(1);
    let text = query::text(query.filter.as_deref(), limit)?;
    let now = crate::clock::now();
    let (from, to) = query.range.unwrap_or((now - super::DEFAULT_RANGE, now));
    let started = caller
        .call_logs(Operation::StartQuery, |client| {
            client
                .start_query()
                .log_group_name(query::LOG_GROUP)
                .start_time(from.floor() as i64)
                .end_time(to.ceil() as i64)
                .query_string(text.clone())
                .limit(i32::try_from(limit).unwrap_or(i32::MAX))
                .send()
        })
        .await
        .map_err(|error| match error {
            SourceError::NotFound(_) => SpansError::NoSpans.into(),
            other => other,
        })?;
    let query_id = started.query_id.ok_or_else(|| SourceError::Data {
        place: "CloudWatch Logs' answer to StartQuery".into(),
        message: "no queryId".into(),
    })?;
    let mut running = Running {
        session_caller: Arc::clone(caller),
        query_id: Some(query_id.clone()),
    };
    let results = results(session, &query_id, limit).await;
    if matches!(
        results,
        Ok(_) | Err(SourceError::Spans(SpansError::QueryEnded(_)))
    ) {
        running.ended();
    }
    let (rows, scanned) = results?;
    let (summaries, unreadable) = rows::summaries(&rows);
    for summary in &summaries {
        let end = summary.start_time + summary.duration.unwrap_or(0.0);
        session.times.note(&summary.id, summary.start_time, end);
    }
    let mut problems = Vec::new();
    if unreadable > 0 {
        problems.push(format!(
            "aws/spans: {unreadable} matching spans had no trace id that could be read"
        ));
    }
    Ok(SummaryPage {
        summaries,
        processed: None,
        done: true,
        problems,
        scope: Some(scope(rows.len(), limit, scanned)),
    })
}

/// Waits for the query to complete, then reads its rows page by page; and the bytes it
/// scanned.
async fn results(
    session: &Session,
    query_id: &str,
    limit: usize,
) -> Result<(Vec<Row>, f64), SourceError> {
    let caller = &session.caller;
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
        "searching aws/spans".into(),
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
                let so_far = output.results.as_ref().map_or(0, Vec::len);
                poll.wait(&format!("· {} so far", spans(so_far))).await;
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
        return Err(SpansError::QueryEnded(ended).into());
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
    Ok((rows, scanned))
}

/// "all spans in aws/spans · 25 matched · 3.4 MB scanned".
fn scope(matched: usize, limit: usize, scanned: f64) -> String {
    let matched = if matched >= limit {
        format!("the newest {limit} spans: the limit cut the list")
    } else {
        format!("{} matched", spans(matched))
    };
    format!(
        "all spans in aws/spans · {matched} · {} scanned",
        bytes(scanned)
    )
}

/// "1 span", "25 spans".
fn spans(count: usize) -> String {
    match count {
        1 => "1 span".into(),
        n => format!("{n} spans"),
    }
}

/// 512 B, 3.4 MB, 1.2 GB (powers of 1,000, as CloudWatch bills).
fn bytes(count: f64) -> String {
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

/// A query under way. Dropped before it ended (a newer list superseded it), it is stopped in the
/// background: a query left running scans, and bills, for nothing.
struct Running {
    session_caller: Arc<super::calls::Caller>,
    query_id: Option<String>,
}

impl Running {
    fn ended(&mut self) {
        self.query_id = None;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let Some(query_id) = self.query_id.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let caller = Arc::clone(&self.session_caller);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_says_what_was_scanned_and_when_the_limit_cut_the_list() {
        assert_eq!(
            scope(25, 10_000, 3_456_789.0),
            "all spans in aws/spans · 25 spans matched · 3.5 MB scanned"
        );
        assert_eq!(
            scope(10_000, 10_000, 512.0),
            "all spans in aws/spans · the newest 10000 spans: the limit cut the list · 512 B scanned"
        );
        assert_eq!(bytes(1.2e9), "1.2 GB");
    }
}
