//! What the details pane says about one span, tab by tab. Built when the selection or the
//! tab changes, not per frame; the ui only wraps and draws it.

pub mod logs;
mod otel;

use serde_json::Value;

use crate::model::segment::{Cause, Exception};
use crate::model::{Span, SpanKind, Trace};
use crate::text::count::count;
use crate::text::duration::format_duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Overview,
    Http,
    Sql,
    Aws,
    Annotations,
    Metadata,
    Exceptions,
    /// The OpenTelemetry span as it arrived, for spans translated from OTLP.
    Otel,
    /// The log lines tied to the span.
    Logs,
    Raw,
}

/// Where each tab's label sits on the tab bar of a details pane `width` cells wide: its
/// offset from the pane's left edge and its label (shortened when all do not fit).
pub fn tab_bar(width: u16) -> Vec<(Tab, u16, &'static str)> {
    // The right end of the bar is kept for the scroll note.
    let bar = width.saturating_sub(8) as usize;
    let length = |title: fn(Tab) -> &'static str| -> usize {
        Tab::ALL.iter().map(|t| title(*t).len() + 3).sum()
    };
    let title: fn(Tab) -> &'static str = if length(Tab::title) <= bar {
        Tab::title
    } else if length(Tab::medium_title) <= bar {
        Tab::medium_title
    } else {
        |tab| {
            let title = tab.title();
            &title[..title.len().min(4)]
        }
    };
    let mut x = 1;
    let mut tabs = Vec::new();
    for tab in Tab::ALL {
        if x >= bar as u16 {
            break;
        }
        let title = title(tab);
        tabs.push((tab, x, title));
        x += title.len() as u16 + 3;
    }
    tabs
}

impl Tab {
    pub const ALL: [Tab; 10] = [
        Tab::Overview,
        Tab::Http,
        Tab::Sql,
        Tab::Aws,
        Tab::Annotations,
        Tab::Metadata,
        Tab::Exceptions,
        Tab::Otel,
        Tab::Logs,
        Tab::Raw,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Http => "HTTP",
            Tab::Sql => "SQL",
            Tab::Aws => "AWS",
            Tab::Annotations => "Annotations",
            Tab::Metadata => "Metadata",
            Tab::Exceptions => "Exceptions",
            Tab::Otel => "OTel",
            Tab::Logs => "Logs",
            Tab::Raw => "JSON",
        }
    }

    /// The title where all the full ones do not fit.
    fn medium_title(self) -> &'static str {
        match self {
            Tab::Annotations => "Annot",
            Tab::Metadata => "Meta",
            Tab::Exceptions => "Except",
            other => other.title(),
        }
    }

    pub fn next(self) -> Tab {
        let at = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        Tab::ALL[(at + 1) % Tab::ALL.len()]
    }

    pub fn previous(self) -> Tab {
        let at = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        Tab::ALL[(at + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }

    /// Whether the span has anything to show on this tab (empty tabs are dimmed).
    pub fn has_content(self, span: &Span) -> bool {
        let s = &span.segment;
        match self {
            // Whether it has lines is known once they are asked for.
            Tab::Overview | Tab::Raw | Tab::Logs => true,
            Tab::Http => s.http.is_some(),
            Tab::Sql => s.sql.is_some(),
            Tab::Aws => s.aws.is_some(),
            Tab::Annotations => !s.annotations.is_empty(),
            Tab::Metadata => !s.metadata.is_empty(),
            Tab::Exceptions => s.cause.is_some(),
            Tab::Otel => s.otel.is_some(),
        }
    }
}

/// One line of details before wrapping.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailLine {
    Heading(String),
    /// A label and its value; long values wrap under the value column.
    Field(String, String),
    /// Free text that wraps (a query, a message).
    Text(String),
    /// Preformatted text that is cut, not wrapped (JSON, stack frames).
    Code(String),
    /// Something shown in the error colour.
    Problem(String),
    Blank,
}

/// Builds the lines of `tab` for span `index` of `trace`.
pub fn build(trace: &Trace, index: usize, tab: Tab) -> Vec<DetailLine> {
    let Some(span) = trace.spans.get(index) else {
        return Vec::new();
    };
    let mut out = Lines::default();
    match tab {
        Tab::Overview => overview(trace, index, span, &mut out),
        Tab::Http => http(span, &mut out),
        Tab::Sql => sql(span, &mut out),
        Tab::Aws => aws(span, &mut out),
        Tab::Annotations => annotations(span, &mut out),
        Tab::Metadata => metadata(span, &mut out),
        Tab::Exceptions => exceptions(trace, span, &mut out),
        Tab::Otel => otel::lines(trace, span, &mut out),
        Tab::Logs => return logs::lines(trace, index, &Default::default()),
        Tab::Raw => raw(trace, span, &mut out),
    }
    if out.0.is_empty() {
        out.0.push(DetailLine::Text(nothing_on(tab)));
    }
    out.0
}

/// What an empty tab says.
fn nothing_on(tab: Tab) -> String {
    match tab {
        Tab::Annotations => "No annotations on this span.".into(),
        Tab::Metadata => "No metadata on this span.".into(),
        Tab::Exceptions => "No exception on this span.".into(),
        Tab::Raw => "No JSON document for this span.".into(),
        other => format!("No {} data on this span.", other.title()),
    }
}

#[derive(Default)]
struct Lines(Vec<DetailLine>);

impl Lines {
    fn field(&mut self, label: &str, value: Option<impl ToString>) {
        if let Some(value) = value {
            self.0
                .push(DetailLine::Field(label.to_owned(), value.to_string()));
        }
    }

    fn heading(&mut self, text: impl Into<String>) {
        if !self.0.is_empty() {
            self.0.push(DetailLine::Blank);
        }
        self.0.push(DetailLine::Heading(text.into()));
    }

    fn json(&mut self, value: &Value) {
        let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
        self.0
            .extend(pretty.lines().map(|l| DetailLine::Code(l.to_owned())));
    }
}

fn overview(trace: &Trace, index: usize, span: &Span, out: &mut Lines) {
    let s = &span.segment;
    let kind = match span.kind {
        SpanKind::Segment => "segment",
        SpanKind::Inferred => "inferred segment",
        SpanKind::Subsegment if s.is_independent_subsegment() => "subsegment (sent on its own)",
        SpanKind::Subsegment => "subsegment",
    };
    out.field("Name", Some(s.name()));
    out.field("Kind", Some(kind));
    out.field("Origin", s.origin.as_deref());
    out.field("Namespace", s.namespace.as_deref());
    if index != span.service as usize {
        out.field(
            "Service",
            trace.spans.get(span.service as usize).map(Span::name),
        );
    }
    let trace_start = trace.start().unwrap_or(span.start());
    out.field(
        "Start",
        Some(format!("+{}", format_duration(span.start() - trace_start))),
    );
    let duration = match span.end() {
        Some(end) => format_duration(end - span.start()),
        None if s.in_progress => "in progress".to_owned(),
        None => "unknown (no end time, or it is before the start)".to_owned(),
    };
    out.field("Duration", Some(duration));
    let status = span.status();
    let mut flags = vec![status.label().to_owned()];
    if s.error && status != crate::model::Status::Error {
        flags.push("error".into());
    }
    if let Some(code) = s.http_status() {
        flags.push(format!("HTTP {code}"));
    }
    out.field("Status", Some(flags.join(", ")));
    out.field("Resource ARN", s.resource_arn.as_deref());
    out.field("User", s.user.as_deref());
    out.field("Span id", Some(s.id()));
    out.field("Parent id", s.parent_id.as_deref());
    out.field("Trace id", Some(&trace.id));
    if !s.precursor_ids.is_empty() {
        out.field("Precursors", Some(s.precursor_ids.join(", ")));
    }
    match span.detached {
        Some(crate::model::trace::Detached::ParentMissing) => {
            out.0.push(DetailLine::Problem(format!(
                "Its parent {} is not in this trace; shown at the top level.",
                s.parent_id.as_deref().unwrap_or("?")
            )))
        }
        Some(crate::model::trace::Detached::Cycle) => out.0.push(DetailLine::Problem(
            "Its parents lead back to it; the cycle is broken here.".into(),
        )),
        None => {}
    }
    let hidden = span.subtree_len - 1;
    if hidden > 0 {
        out.field("Descendants", Some(hidden));
    }
}

fn http(span: &Span, out: &mut Lines) {
    let Some(http) = &span.segment.http else {
        return;
    };
    if let Some(request) = &http.request {
        out.heading("Request");
        out.field("Method", request.method.as_deref());
        out.field("URL", request.url.as_deref());
        out.field("User agent", request.user_agent.as_deref());
        out.field("Client IP", request.client_ip.as_deref());
        out.field(
            "X-Forwarded-For",
            request
                .x_forwarded_for
                .map(|b| if b { "yes" } else { "no" }),
        );
        out.field("Traced", request.traced);
    }
    if let Some(response) = &http.response {
        out.heading("Response");
        out.field("Status", response.status);
        out.field("Content length", response.content_length);
    }
}

fn sql(span: &Span, out: &mut Lines) {
    let Some(sql) = &span.segment.sql else { return };
    out.field("URL", sql.url.as_deref());
    out.field("Connection", sql.connection_string.as_deref());
    out.field("Database", sql.database_type.as_deref());
    out.field("Version", sql.database_version.as_deref());
    out.field("Driver", sql.driver_version.as_deref());
    out.field("User", sql.user.as_deref());
    out.field("Preparation", sql.preparation.as_deref());
    if let Some(query) = &sql.sanitized_query {
        out.heading("Query");
        out.0
            .extend(query.lines().map(|l| DetailLine::Text(l.to_owned())));
    }
}

fn aws(span: &Span, out: &mut Lines) {
    let Some(aws) = &span.segment.aws else { return };
    out.field("Operation", aws.operation.as_deref());
    out.field("Region", aws.region.as_deref());
    out.field("Request id", aws.request_id.as_deref());
    out.field("Table", aws.table_name.as_deref());
    out.field("Queue URL", aws.queue_url.as_deref());
    out.field("Retries", aws.retries);
    out.field("Account", aws.account_id.as_deref());
    if !aws.resource_names.is_empty() {
        out.field("Resources", Some(aws.resource_names.join(", ")));
    }
    for (key, value) in &aws.other {
        out.field(key, Some(scalar(value)));
    }
    let blocks = [
        ("EC2", &aws.ec2),
        ("ECS", &aws.ecs),
        ("EKS", &aws.eks),
        ("Elastic Beanstalk", &aws.elastic_beanstalk),
        ("Lambda", &aws.lambda),
        ("X-Ray SDK", &aws.xray),
    ];
    for (title, block) in blocks {
        if let Some(block) = block {
            out.heading(title);
            for (key, value) in block {
                out.field(key, Some(scalar(value)));
            }
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn annotations(span: &Span, out: &mut Lines) {
    for (key, value) in &span.segment.annotations {
        let kind = match value {
            crate::model::segment::AnnotationValue::Bool(_) => "bool",
            crate::model::segment::AnnotationValue::Number(_) => "number",
            crate::model::segment::AnnotationValue::String(_) => "string",
        };
        out.field(key, Some(format!("{value}  ({kind})")));
    }
}

fn metadata(span: &Span, out: &mut Lines) {
    for (namespace, value) in &span.segment.metadata {
        out.heading(namespace.clone());
        out.json(value);
    }
}

fn exceptions(trace: &Trace, span: &Span, out: &mut Lines) {
    let mut shown = Vec::new();
    match &span.segment.cause {
        None => {}
        Some(Cause::ExceptionId(id)) => match find_exception(trace, id) {
            Some((owner, exception)) => {
                out.0.push(DetailLine::Text(format!(
                    "Exception {id} was recorded on \"{}\" (span {}):",
                    trace.spans[owner].name(),
                    trace.spans[owner].id()
                )));
                exception_chain(trace, exception, &mut shown, out);
            }
            None => out.0.push(DetailLine::Problem(format!(
                "Exception {id} is referred to, but no span of this trace records it."
            ))),
        },
        Some(Cause::Details(details)) => {
            out.field("Working directory", details.working_directory.as_deref());
            if !details.paths.is_empty() {
                out.field("Paths", Some(details.paths.join(", ")));
            }
            // A chain starts at an exception no other one names as its cause; the causes
            // show inside it. Whatever is left (a loop of causes) shows after, once each.
            let is_a_cause = |exception: &Exception| {
                exception.id.as_deref().is_some_and(|id| {
                    details
                        .exceptions
                        .iter()
                        .any(|other| other.cause.as_deref() == Some(id))
                })
            };
            for exception in details.exceptions.iter().filter(|e| !is_a_cause(e)) {
                exception_chain(trace, exception, &mut shown, out);
            }
            for exception in &details.exceptions {
                exception_chain(trace, exception, &mut shown, out);
            }
        }
    }
}

/// An exception and the chain of exceptions that caused it (followed by id, at most 32 deep),
/// leaving out those already `shown`.
fn exception_chain<'a>(
    trace: &'a Trace,
    exception: &'a Exception,
    shown: &mut Vec<*const Exception>,
    out: &mut Lines,
) {
    let mut current = Some(exception);
    let mut depth = 0;
    while let Some(exception) = current {
        if depth >= 32 || shown.iter().any(|&seen| std::ptr::eq(seen, exception)) {
            break;
        }
        shown.push(exception);
        let title = format!(
            "{}{}",
            if depth > 0 { "caused by " } else { "" },
            exception.kind.as_deref().unwrap_or("exception")
        );
        depth += 1;
        out.heading(title);
        out.field("Message", exception.message.as_deref());
        out.field(
            "Remote",
            exception
                .remote
                .then_some("yes (raised by a downstream call)"),
        );
        out.field("Id", exception.id.as_deref());
        for frame in &exception.stack {
            out.0.push(DetailLine::Code(format!(
                "  at {}:{} {}",
                frame.path.as_deref().unwrap_or("?"),
                frame
                    .line
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| "?".into()),
                frame.label.as_deref().unwrap_or("")
            )));
        }
        if let Some(n) = exception.truncated.filter(|n| *n > 0) {
            out.0.push(DetailLine::Code(format!(
                "  … {} truncated",
                count(n, "frame")
            )));
        }
        current = exception
            .cause
            .as_deref()
            .and_then(|id| find_exception(trace, id))
            .map(|(_, e)| e);
    }
}

/// The span that recorded the exception with this id, and the exception itself.
pub fn find_exception<'a>(trace: &'a Trace, id: &str) -> Option<(usize, &'a Exception)> {
    trace
        .spans
        .iter()
        .enumerate()
        .find_map(|(index, span)| match &span.segment.cause {
            Some(Cause::Details(details)) => details
                .exceptions
                .iter()
                .find(|e| e.id.as_deref() == Some(id))
                .map(|e| (index, e)),
            _ => None,
        })
}

fn raw(trace: &Trace, span: &Span, out: &mut Lines) {
    let Some(text) = trace.documents.get(span.document as usize) else {
        return;
    };
    let Ok(document) = serde_json::from_str::<Value>(text) else {
        out.0
            .extend(text.lines().map(|l| DetailLine::Code(l.to_owned())));
        return;
    };
    match find_by_id(&document, span.id()) {
        Some(value) => out.json(value),
        None => out.json(&document),
    }
}

/// The object with this `id` inside a document (the document itself or a nested subsegment).
pub fn find_by_id<'a>(document: &'a Value, id: &str) -> Option<&'a Value> {
    let mut stack = vec![document];
    while let Some(value) = stack.pop() {
        if value.get("id").and_then(Value::as_str) == Some(id) {
            return Some(value);
        }
        if let Some(children) = value.get("subsegments").and_then(Value::as_array) {
            stack.extend(children.iter().rev());
        }
    }
    None
}
