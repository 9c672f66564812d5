//! `--print list`: every listed trace with its full id, in the list's order and columns.

use serde_json::{Value, json};

use super::report::{Block, Report};
use super::table::{Align, Table};
use super::{Glyphs, Options};
use crate::analytics::url_pattern;
use crate::app::State;
use crate::app::columns::Column;
use crate::model::{Status, TraceSummary};
use crate::source::TimeRange;
use crate::text::count::{count, noun_for};
use crate::ui::format::{short_url, timestamp, url_path};

/// The traces in the list's order.
fn rows(state: &State) -> impl Iterator<Item = &TraceSummary> {
    (0..state.list.order.len()).filter_map(|p| state.list.row(p))
}

/// The list's columns; the trace id is always among them, since it is what opens a trace.
fn columns(state: &State) -> Vec<Column> {
    let mut columns = state.list.columns.clone();
    if !columns.contains(&Column::TraceId) {
        columns.push(Column::TraceId);
    }
    columns
}

/// `57 of 677 traces` with a filter, `677 traces` without.
fn total(state: &State) -> String {
    let list = &state.list;
    match (&list.filter, list.processed) {
        (Some(_), Some(processed)) => {
            format!("{} of {}", list.order.len(), count(processed, "trace"))
        }
        _ => count(list.order.len(), "trace"),
    }
}

pub fn report(state: &State, options: &Options) -> Report {
    let list = &state.list;
    let counts = &list.counts;
    let mut report = Report::new(format!("Traces of {}", state.source_label));
    let mut facts = vec![("Traces".to_owned(), total(state))];
    let troubles: Vec<String> = [
        (counts.faults, "fault"),
        (counts.errors, "error"),
        (counts.throttles, "throttle"),
        (counts.in_progress, "in progress"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, noun)| {
        if noun == "in progress" {
            format!("{n} in progress")
        } else {
            count(n, noun)
        }
    })
    .collect();
    if !troubles.is_empty() {
        facts.push(("Of them".into(), troubles.join(", ")));
    }
    facts.push(("Time range".into(), range_text(state)));
    facts.push(("Times in".into(), super::trace::zone(state.utc_offset)));
    if let Some(filter) = &list.filter {
        facts.push(("Filter".into(), filter.clone()));
    }
    if let Some(group) = &state.group {
        facts.push(("Group".into(), group.clone()));
    }
    if let Some(scope) = &list.scope {
        facts.push(("Scope".into(), scope.clone()));
    }
    let shown = options.limit.unwrap_or(usize::MAX);
    let urls = rows(state)
        .take(shown)
        .filter_map(|s| s.http.url.as_deref())
        .map(|url| (url, 1));
    let common_host = url_pattern::host_of_most(urls);
    if let Some(host) = common_host {
        facts.push((
            "Host".into(),
            format!("{host} (left out of the URLs below)"),
        ));
    }
    report.push(Block::Facts(facts));
    if list.order.is_empty() {
        report.push(Block::Note(empty_reason(state)));
        return report;
    }
    let columns = columns(state);
    let headers: Vec<(String, Align)> = columns
        .iter()
        .map(|c| {
            let align = match c {
                Column::ResponseTime | Column::Duration => Align::Right,
                _ => Align::Left,
            };
            (c.title(), align)
        })
        .collect();
    let headers: Vec<(&str, Align)> = headers.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut table = Table::new(&headers);
    table.flexible = columns.iter().position(|c| *c == Column::Url);
    for summary in rows(state).take(shown) {
        table.push(
            columns
                .iter()
                .map(|c| {
                    let cells = Cells {
                        utc_offset: state.utc_offset,
                        glyphs: options.glyphs,
                        common_host,
                    };
                    cell(c, summary, &cells)
                })
                .collect(),
        );
    }
    report.push(Block::Table(table));
    let more = list.order.len().saturating_sub(shown);
    if more > 0 {
        report.push(Block::Note(format!(
            "… and {more} more {} (without --limit every trace is printed)",
            noun_for(more, "trace")
        )));
    }
    report
}

fn range_text(state: &State) -> String {
    match state.range {
        TimeRange::All => "all time".into(),
        range => range.label(),
    }
}

/// Why no trace is listed: the filter, or the time range.
fn empty_reason(state: &State) -> String {
    match (&state.list.filter, state.list.processed) {
        (Some(_), Some(processed)) if processed > 0 => "No trace matches the filter.".into(),
        _ => format!("No traces in the time range ({}).", range_text(state)),
    }
}

fn status_words(summary: &TraceSummary, glyphs: Glyphs) -> String {
    if summary.is_partial && summary.status() == Status::Ok {
        format!("{} in progress", glyphs.in_progress())
    } else {
        glyphs.status_words(summary.status())
    }
}

/// What every cell shares.
struct Cells<'a> {
    utc_offset: i32,
    glyphs: Glyphs,
    /// The host most URLs share, named once above the table.
    common_host: Option<&'a str>,
}

fn cell(column: &Column, s: &TraceSummary, cells: &Cells) -> String {
    match column {
        Column::Time => timestamp(s.start_time, cells.utc_offset),
        Column::Status => {
            let words = status_words(s, cells.glyphs);
            match s.http.status {
                Some(code) => format!("{words} {code}"),
                None => words,
            }
        }
        Column::Method => s.http.method.as_deref().unwrap_or_default().to_owned(),
        Column::ResponseTime => s
            .response_time
            .map(|d| cells.glyphs.duration(d))
            .unwrap_or_default(),
        Column::Duration => match s.duration {
            Some(d) => cells.glyphs.duration(d),
            None if s.is_partial => "in progress".into(),
            None => String::new(),
        },
        Column::TraceId => s.id.clone(),
        Column::Url => s
            .http
            .url
            .as_deref()
            .map(|url| {
                if Some(url_pattern::host(url)) == cells.common_host {
                    url_path(url)
                } else {
                    short_url(url)
                }
            })
            .map(str::to_owned)
            .or_else(|| s.entry_point.as_ref().map(|e| e.name.clone()))
            .unwrap_or_default(),
        Column::Service => s
            .entry_point
            .as_ref()
            .map(|e| e.name.clone())
            .unwrap_or_default(),
        Column::User => s.users.join(","),
        Column::ClientIp => s.http.client_ip.as_deref().unwrap_or_default().to_owned(),
        Column::Annotation(key) => s
            .annotations
            .get(key)
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// `{"traces": [...]}` with what the list knows of each trace; times in epoch seconds,
/// durations in seconds.
pub fn json(state: &State, options: &Options) -> Value {
    let list = &state.list;
    let shown = options.limit.unwrap_or(usize::MAX);
    let traces: Vec<Value> = rows(state).take(shown).map(trace_json).collect();
    json!({
        "source": state.source_label,
        "range": range_text(state),
        "filter": list.filter,
        "group": state.group,
        "count": list.order.len(),
        "scanned": list.processed,
        "more": list.order.len().saturating_sub(shown),
        "traces": traces,
    })
}

fn trace_json(s: &TraceSummary) -> Value {
    let annotations: serde_json::Map<String, Value> = s
        .annotations
        .keys()
        .map(|key| {
            let values: Vec<String> = s
                .annotations
                .get(key)
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect();
            (key.to_owned(), json!(values))
        })
        .collect();
    json!({
        "id": s.id,
        "start": s.start_time,
        "duration": s.duration,
        "response_time": s.response_time,
        "status": s.status().label(),
        "in_progress": s.is_partial,
        "http": {
            "method": s.http.method.as_deref(),
            "url": s.http.url.as_deref(),
            "status": s.http.status,
        },
        "service": s.entry_point.as_ref().map(|e| e.name.as_str()),
        "services": s.services.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        "users": s.users,
        "annotations": annotations,
        "fault_cause": s.fault_cause.as_ref().map(|c| json!({
            "service": c.service,
            "exception": c.exception,
        })),
    })
}
