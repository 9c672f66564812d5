//! The log lines of one trace from CloudWatch Logs: a Logs Insights query (`logs_query`) over
//! the log groups the trace names (`groups`), for the lines that carry its id (`query`), over
//! its time with a margin. A group CloudWatch Logs does not have is left out and the query
//! asked again without it; the lines say which group and stream they came from, and the
//! service that writes to their group, for the join to the spans.

mod error;
mod groups;
mod query;

use std::collections::HashMap;

use super::Session;
use super::logs_query::{self, Outcome, Query, Row, bytes};
use crate::codec::log_event;
use crate::model::Trace;
use crate::model::logs::LogLine;
use crate::source::{FoundLogs, SourceError};

pub use error::LogsError;
use groups::Group;

/// Lines one query returns, at most.
const LIMIT: usize = 10_000;

pub async fn logs(session: &Session, trace: &Trace) -> Result<FoundLogs, SourceError> {
    let caller = &session.caller;
    let mut groups = groups::of_trace(trace, &caller.options.log_groups);
    if groups.is_empty() {
        let example = trace
            .root()
            .map(|span| span.name().to_owned())
            .filter(|name| {
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .unwrap_or_else(|| "my-service".into());
        return Err(LogsError::NoGroups { example }.into());
    }
    let mut notes = Vec::new();
    if groups.len() > groups::MOST {
        let left: Vec<String> = groups.drain(groups::MOST..).map(|g| g.name).collect();
        notes.push(format!(
            "a query covers {} log groups at most; left out: {}",
            groups::MOST,
            left.join(", ")
        ));
    }
    let start = trace
        .start()
        .or_else(|| crate::model::trace_id::epoch_seconds(&trace.id).map(|s| s as f64))
        .unwrap_or_else(crate::clock::now);
    let end = if trace.in_progress() {
        crate::clock::now()
    } else {
        trace.end().unwrap_or(start)
    };
    let (from, to) = query::window(start, end, crate::clock::now().ceil());
    let text = query::text(&trace.id, LIMIT);
    let mut missing = Vec::new();
    let running = loop {
        let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
        let started = logs_query::start(
            caller,
            &Query {
                groups: &names,
                from,
                to,
                text: &text,
                limit: LIMIT,
            },
        )
        .await;
        match started {
            Ok(running) => break running,
            Err(SourceError::NotFound(not_found)) => {
                let Some(at) = groups
                    .iter()
                    .position(|g| names_group(&not_found.said, &g.name))
                else {
                    if groups.len() == 1 {
                        return Err(LogsError::GroupsMissing(names).into());
                    }
                    return Err(SourceError::NotFound(not_found));
                };
                missing.push(groups.remove(at).name);
                if groups.is_empty() {
                    return Err(LogsError::GroupsMissing(missing).into());
                }
            }
            Err(other) => return Err(other),
        }
    };
    if !missing.is_empty() {
        notes.push(format!(
            "not in this account and region, left out: {}",
            missing.join(", ")
        ));
    }
    let what = match groups.len() {
        1 => format!("querying {} for the trace's logs", groups[0].name),
        n => format!("querying {n} log groups for the trace's logs"),
    };
    let (rows, scanned) = match running
        .results(&what, LIMIT, |rows| format!("· {rows} lines so far"))
        .await?
    {
        Outcome::Rows(rows, scanned) => (rows, scanned),
        Outcome::Ended(ended) => return Err(LogsError::QueryEnded(ended).into()),
    };
    if rows.len() >= LIMIT {
        notes.push(format!(
            "the first {LIMIT} lines: one query returns no more ({} scanned)",
            bytes(scanned)
        ));
    }
    let services: HashMap<&str, &str> = groups
        .iter()
        .map(|g: &Group| (g.name.as_str(), g.service.as_str()))
        .collect();
    let lines = rows.iter().filter_map(|row| line(row, &services)).collect();
    Ok(FoundLogs {
        lines,
        bytes_scanned: Some(scanned),
        notes,
    })
}

/// CloudWatch Logs names the missing group in its message: "Log group 'NAME' does not exist…".
fn names_group(said: &str, group: &str) -> bool {
    said.contains(&format!("'{group}'")) || said.contains(&format!("\"{group}\""))
}

/// One row; rows without a time that can be read are left out.
fn line(row: &Row, services: &HashMap<&str, &str>) -> Option<LogLine> {
    let field = |name: &str| {
        row.iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    };
    let mut line = log_event::insights_row(field)?;
    if line.service.is_none() {
        line.service = field("@log")
            .map(log_event::group_of)
            .and_then(|group| services.get(group))
            .map(|service| (*service).to_owned());
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_lines_of_their_group_and_service() {
        let row: Row = [
            ("@timestamp", "2023-11-14 22:13:20.500"),
            ("@message", r#"{"level":"error","message":"card declined"}"#),
            ("@logStream", "2023/11/14/[$LATEST]abc"),
            ("@log", "123456789012:/aws/lambda/charge"),
            ("@xrayTraceId", "1-65537100-0a9126e92a73e971eed891b9"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let services = HashMap::from([("/aws/lambda/charge", "charge")]);
        let line = line(&row, &services).unwrap();
        assert_eq!(line.time, 1_700_000_000.5);
        assert_eq!(line.message, "card declined");
        assert!(line.level.is_error());
        assert_eq!(line.service.as_deref(), Some("charge"));
        assert_eq!(
            line.trace_id.as_deref(),
            Some("1-65537100-0a9126e92a73e971eed891b9")
        );
        assert_eq!(
            line.source.as_deref(),
            Some("/aws/lambda/charge 2023/11/14/[$LATEST]abc")
        );
        assert!(super::line(&vec![("@message".into(), "x".into())], &services).is_none());
    }

    #[test]
    fn a_missing_group_is_told_by_its_quoted_name() {
        let said = "Log group '/aws/lambda/gone' does not exist for account ID '123456789012'";
        assert!(names_group(said, "/aws/lambda/gone"));
        assert!(!names_group(said, "/aws/lambda/go"));
    }
}
