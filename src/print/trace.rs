//! `--print trace:ID`: the trace's facts, its whole waterfall (every span, the failing ones
//! marked in words and glyphs, the root cause pointed at), then the root cause with its
//! exception.

mod waterfall;

use serde::Serialize;

use super::Options;
use super::report::{Block, Report};
use crate::app::State;
use crate::model::root_cause::{self, ExceptionIndex, RootCause, RootCauseKind};
use crate::model::segment::Exception;
use crate::model::{SpanKind, Status, Trace, TraceSummary};
use crate::text::count::{count, noun_for};
use crate::ui::format::{short_url, timestamp};

/// Stack frames shown under an exception before the rest are counted.
const FRAMES: usize = 8;

fn loaded(state: &State) -> Option<&Trace> {
    state.trace.as_ref()?.trace.as_deref()
}

/// The root cause a report leads with: the fault's, else the error's, else the slowest path.
fn main_cause(trace: &Trace) -> Option<RootCause> {
    [
        RootCauseKind::Fault,
        RootCauseKind::Error,
        RootCauseKind::ResponseTime,
    ]
    .into_iter()
    .find_map(|kind| {
        let span = *root_cause::root_cause_spans(trace, kind).first()?;
        Some(root_cause::describe(trace, kind, span))
    })
}

pub fn report(state: &State, options: &Options) -> Report {
    let Some(trace) = loaded(state) else {
        let id = state.trace.as_ref().map_or("", |t| t.id.as_str());
        return Report::new(format!("Trace {id}: no data"));
    };
    let glyphs = options.glyphs;
    let summary = TraceSummary::of_trace(trace);
    let cause = main_cause(trace);
    let mut report = Report::new(format!("Trace {}", trace.id));
    let mut facts = vec![("Status".to_owned(), status_text(&summary, options))];
    if let Some(request) = request_text(&summary) {
        facts.push(("Request".into(), request));
    }
    if let Some(start) = trace.start() {
        facts.push((
            "Start".into(),
            format!(
                "{} {}",
                timestamp(start, state.utc_offset),
                zone(state.utc_offset)
            ),
        ));
    }
    facts.push((
        "Duration".into(),
        match (trace.in_progress(), trace.duration()) {
            (true, _) => "in progress".into(),
            (false, Some(d)) => glyphs.duration(d),
            (false, None) => "unknown".into(),
        },
    ));
    let failing = trace
        .spans
        .iter()
        .filter(|s| s.status() != Status::Ok)
        .count();
    let mut spans = count(trace.spans.len(), "span");
    if failing > 0 {
        spans.push_str(&format!(", {failing} failing"));
    }
    if trace.limit_exceeded {
        spans.push_str("; truncated by X-Ray (LimitExceeded), some are missing");
    }
    facts.push(("Spans".into(), spans));
    let mut services: Vec<&str> = Vec::new();
    for service in summary.services.iter() {
        if !services.contains(&service.name.as_str()) {
            services.push(&service.name);
        }
    }
    if !services.is_empty() {
        facts.push(("Services".into(), services.join(", ")));
    }
    report.push(Block::Facts(facts));
    report.push(Block::Heading("Waterfall".into()));
    report.push(Block::Drawing(waterfall::drawing(
        trace,
        cause.as_ref().map(|c| c.span),
        options.width,
        glyphs,
    )));
    for note in &trace.notes {
        report.push(Block::Note(note.0.clone()));
    }
    if let Some(cause) = cause {
        push_cause(&mut report, trace, &cause, options);
    }
    report
}

/// `UTC`, `UTC+01:00`: the zone the times are written in.
pub fn zone(utc_offset: i32) -> String {
    if utc_offset == 0 {
        return "UTC".into();
    }
    let sign = if utc_offset < 0 { '-' } else { '+' };
    let minutes = utc_offset.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

fn status_text(summary: &TraceSummary, options: &Options) -> String {
    let mut text = if summary.is_partial && summary.status() == Status::Ok {
        format!("{} in progress", options.glyphs.in_progress())
    } else {
        options.glyphs.status_words(summary.status())
    };
    if let Some(code) = summary.http.status {
        text.push_str(&format!(", HTTP {code}"));
    }
    text
}

fn request_text(summary: &TraceSummary) -> Option<String> {
    let url = summary.http.url.as_deref().map(short_url);
    match (summary.http.method.as_deref(), url) {
        (Some(method), Some(url)) => Some(format!("{method} {url}")),
        (None, Some(url)) => Some(url.to_owned()),
        _ => None,
    }
}

fn push_cause(report: &mut Report, trace: &Trace, cause: &RootCause, options: &Options) {
    let heading = match cause.kind {
        RootCauseKind::Fault => "Root cause of the fault",
        RootCauseKind::Error => "Root cause of the error",
        RootCauseKind::ResponseTime => "Where the time went",
    };
    report.push(Block::Heading(heading.into()));
    let arrow = format!(" {} ", options.glyphs.arrow());
    let path: Vec<&str> = cause.services.iter().map(|s| s.name.as_str()).collect();
    let mut facts = vec![("Services".to_owned(), path.join(&arrow))];
    facts.push((
        "Spans".into(),
        cause.entity_path_text().replace(" → ", &arrow),
    ));
    if let Some(span) = trace.spans.get(cause.span) {
        facts.push(("Span id".into(), span.id().to_owned()));
    }
    if let Some(exception) = cause.exception() {
        facts.push((
            "Exception".into(),
            format!("{}: {}", exception.name, exception.message),
        ));
    }
    report.push(Block::Facts(facts));
    let exceptions = ExceptionIndex::new(trace).of(cause.span);
    if !exceptions.is_empty() {
        report.push(Block::Drawing(
            exception_lines(&exceptions).into_iter().collect(),
        ));
    } else if cause.kind != RootCauseKind::ResponseTime {
        report.push(Block::Note(
            "No exception was recorded on the root-cause span.".into(),
        ));
    }
}

/// Each exception with its first stack frames; the later ones are the causes of the first.
fn exception_lines(exceptions: &[&Exception]) -> Vec<String> {
    let mut lines = Vec::new();
    for (i, exception) in exceptions.iter().enumerate() {
        let head = exception_head(exception);
        lines.push(if i == 0 {
            head
        } else {
            format!("caused by {head}")
        });
        for frame in exception.stack.iter().take(FRAMES) {
            let place = match (&frame.path, frame.line) {
                (Some(path), Some(line)) => format!(" ({path}:{line})"),
                (Some(path), None) => format!(" ({path})"),
                _ => String::new(),
            };
            lines.push(format!(
                "    at {}{place}",
                frame.label.as_deref().unwrap_or("?")
            ));
        }
        let more = exception.stack.len().saturating_sub(FRAMES)
            + exception.truncated.unwrap_or(0).max(0) as usize;
        if more > 0 {
            lines.push(format!("    … {more} more {}", noun_for(more, "frame")));
        }
    }
    lines
}

fn exception_head(exception: &Exception) -> String {
    let kind = exception.kind.as_deref().unwrap_or("exception");
    let remote = if exception.remote { " (remote)" } else { "" };
    match exception.message.as_deref() {
        Some(message) => format!("{kind}{remote}: {message}"),
        None => format!("{kind}{remote}"),
    }
}

/// `{"trace": {..., "spans": [...], "root_cause": {...}}}`: times in epoch seconds,
/// durations and offsets in seconds. Written as it is read, keys in alphabetical order.
pub fn json(state: &State) -> String {
    let written = match loaded(state) {
        Some(trace) => to_json(&Wrapper {
            trace: Some(trace_json(trace)),
        }),
        None => to_json(&Wrapper { trace: None }),
    };
    written.unwrap_or_default()
}

fn to_json(value: &impl Serialize) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    serde_json::to_writer_pretty(&mut out, value)?;
    out.push(b'\n');
    String::from_utf8(out).map_err(serde::ser::Error::custom)
}

fn trace_json(trace: &Trace) -> TraceJson<'_> {
    let summary = TraceSummary::of_trace(trace);
    let start = trace.start().unwrap_or(0.0);
    let root_cause = main_cause(trace).map(|cause| RootCauseJson {
        exceptions: ExceptionIndex::new(trace)
            .of(cause.span)
            .iter()
            .map(|e| ExceptionJson {
                message: e.message.clone(),
                remote: e.remote,
                stack: e
                    .stack
                    .iter()
                    .map(|f| FrameJson {
                        label: f.label.clone(),
                        line: f.line,
                        path: f.path.clone(),
                    })
                    .collect(),
                kind: e.kind.clone(),
            })
            .collect(),
        kind: cause.kind.label(),
        services: cause.services.iter().map(|s| s.name.clone()).collect(),
        span_id: trace.spans.get(cause.span).map(|s| s.id()),
        spans: cause.entities().iter().map(|e| e.name.clone()).collect(),
    });
    TraceJson {
        duration: trace.duration(),
        http: HttpJson {
            method: summary.http.method.as_deref().map(str::to_owned),
            status: summary.http.status,
            url: summary.http.url.as_deref().map(str::to_owned),
        },
        id: &trace.id,
        in_progress: trace.in_progress(),
        root_cause,
        services: summary
            .services
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
        spans: Spans { trace, start },
        start: trace.start(),
        status: summary.status().label(),
    }
}

#[derive(Serialize)]
struct Wrapper<'t> {
    trace: Option<TraceJson<'t>>,
}

#[derive(Serialize)]
struct TraceJson<'t> {
    duration: Option<f64>,
    http: HttpJson,
    id: &'t str,
    in_progress: bool,
    root_cause: Option<RootCauseJson<'t>>,
    services: Vec<String>,
    spans: Spans<'t>,
    start: Option<f64>,
    status: &'static str,
}

#[derive(Serialize)]
struct HttpJson {
    method: Option<String>,
    status: Option<i64>,
    url: Option<String>,
}

#[derive(Serialize)]
struct RootCauseJson<'t> {
    exceptions: Vec<ExceptionJson>,
    kind: &'static str,
    services: Vec<String>,
    span_id: Option<&'t str>,
    spans: Vec<String>,
}

#[derive(Serialize)]
struct ExceptionJson {
    message: Option<String>,
    remote: bool,
    stack: Vec<FrameJson>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Serialize)]
struct FrameJson {
    label: Option<String>,
    line: Option<i64>,
    path: Option<String>,
}

/// Every span, serialized as it is read from the table.
struct Spans<'t> {
    trace: &'t Trace,
    /// The trace's start, which offsets count from.
    start: f64,
}

impl Serialize for Spans<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let trace = self.trace;
        serializer.collect_seq(trace.spans.iter().map(|span| SpanJson {
            depth: span.depth,
            duration: span.end().map(|end| end - span.start()),
            http_status: span.segment.http_status(),
            id: span.id(),
            in_progress: span.in_progress(),
            kind: match span.kind {
                SpanKind::Segment => "segment",
                SpanKind::Inferred => "inferred",
                SpanKind::Subsegment => "subsegment",
            },
            name: span.name(),
            offset: span.start() - self.start,
            parent_id: span.parent.map(|p| trace.spans[p as usize].id()),
            service: trace.spans[span.service as usize].name(),
            start: span.start(),
            status: span.status().label(),
        }))
    }
}

#[derive(Serialize)]
struct SpanJson<'t> {
    depth: u32,
    duration: Option<f64>,
    http_status: Option<i64>,
    id: &'t str,
    in_progress: bool,
    kind: &'static str,
    name: &'t str,
    offset: f64,
    parent_id: Option<&'t str>,
    service: &'t str,
    start: f64,
    status: &'static str,
}
