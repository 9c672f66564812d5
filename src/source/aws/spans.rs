//! The list of all spans: with Transaction Search every span is a log event of `aws/spans`,
//! searched with a CloudWatch Logs Insights query made from the filter expression (run by
//! `logs_query`: polled, paged, stopped when the user has moved on). The
//! matching spans are listed by trace, and the list says how much the query scanned: Logs
//! Insights bills by it.

mod query;
mod rows;

use std::sync::Arc;

use super::Session;
use super::logs_query::{self, Outcome, Query, bytes};
use super::pump::Sink;
use super::spans_error::SpansError;
use crate::source::{SourceError, SummaryPage, SummaryQuery};

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
    let running = logs_query::start(
        caller,
        &Query {
            groups: &[query::LOG_GROUP.to_owned()],
            from,
            to,
            text: &text,
            limit,
        },
    )
    .await
    .map_err(|error| match error {
        SourceError::NotFound(_) => SpansError::NoSpans.into(),
        other => other,
    })?;
    let (rows, scanned) = match running
        .results("searching aws/spans", limit, |rows| {
            format!("· {} so far", spans(rows))
        })
        .await?
    {
        Outcome::Rows(rows, scanned) => (rows, scanned),
        Outcome::Ended(ended) => return Err(SpansError::QueryEnded(ended).into()),
    };
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
