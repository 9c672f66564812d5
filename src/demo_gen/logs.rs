//! The log lines the demo's services write while they serve a trace, made from the trace's
//! own spans so they always agree with it: each service logs the request it took and how it
//! answered, the payment provider's timeouts and slow answers, DynamoDB's throttling and the
//! exceptions it recorded. Only `recommendations` (OpenTelemetry) puts span ids on its lines;
//! the others carry the trace id and are joined to spans by service and time.

use crate::model::logs::{Level, LogLine};
use crate::model::segment::Cause;
use crate::model::{Span, SpanKind, Status, Trace};

use super::PROVIDER_HOST;

/// The log group each demo service writes to.
pub fn log_group(service: &str) -> String {
    match service {
        "shop-api/prod" => "API-Gateway-Execution-Logs_k7x2m9q4ab/prod".into(),
        "web-frontend" => "/ecs/web-frontend".into(),
        "orders" => "/ec2/orders".into(),
        "inventory" | "notifications" => format!("/aws/lambda/{service}"),
        other => format!("/eks/{other}"),
    }
}

/// The lines the services of `trace` logged, in no particular order.
pub fn lines_for(trace: &Trace) -> Vec<LogLine> {
    let mut out = Vec::new();
    for (index, span) in trace.spans.iter().enumerate() {
        let service_index = span.service as usize;
        let Some(service) = trace.spans.get(service_index) else {
            continue;
        };
        // Lambda's service side writes nothing: the function's segment logs.
        if service.kind == SpanKind::Inferred
            || service.segment.origin.as_deref() == Some("AWS::Lambda")
        {
            continue;
        }
        let writer = Writer {
            trace,
            service: service.name(),
            with_span_ids: service.name() == "recommendations",
        };
        if index == service_index {
            segment_lines(&writer, span, &mut out);
        } else {
            subsegment_lines(&writer, trace, index, span, &mut out);
        }
    }
    out
}

struct Writer<'a> {
    trace: &'a Trace,
    service: &'a str,
    with_span_ids: bool,
}

impl Writer<'_> {
    fn line(&self, span: &Span, time: f64, level: Level, message: String) -> LogLine {
        LogLine {
            time,
            level,
            message,
            service: Some(self.service.to_owned()),
            trace_id: Some(self.trace.id.clone()),
            span_id: self.with_span_ids.then(|| span.id().to_owned()),
            source: Some(log_group(self.service)),
        }
    }
}

fn segment_lines(writer: &Writer, span: &Span, out: &mut Vec<LogLine>) {
    let segment = &span.segment;
    let request = segment.http.as_ref().and_then(|h| h.request.as_ref());
    let what = match request {
        Some(request) => format!(
            "{} {}",
            request.method.as_deref().unwrap_or("GET"),
            path(request.url.as_deref().unwrap_or("/"))
        ),
        None => "invocation".to_owned(),
    };
    out.push(writer.line(
        span,
        span.start() + 0.000_2,
        Level::Info,
        format!("{what} started"),
    ));
    let Some(end) = span.end() else { return };
    let millis = ((end - span.start()) * 1000.0).round();
    let code = segment
        .http_status()
        .map(|c| format!("{c} "))
        .unwrap_or_default();
    let (level, message) = match span.status() {
        Status::Fault => (
            Level::Error,
            format!(
                "{what} failed: {code}after {millis} ms{}",
                exception(span)
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
        ),
        Status::Throttle => (
            Level::Warn,
            format!("{what} throttled: {code}after {millis} ms"),
        ),
        Status::Error => (
            Level::Warn,
            format!("{what} refused: {code}after {millis} ms"),
        ),
        Status::Ok => (
            Level::Info,
            format!("{what} completed: {code}in {millis} ms"),
        ),
    };
    out.push(writer.line(span, end - 0.000_1, level, message));
}

fn subsegment_lines(
    writer: &Writer,
    trace: &Trace,
    index: usize,
    span: &Span,
    out: &mut Vec<LogLine>,
) {
    let Some(end) = span.end() else { return };
    let seconds = end - span.start();
    if span.name() == PROVIDER_HOST {
        let attempt = span.parent.map_or(1, |parent| {
            trace
                .children(parent as usize)
                .filter(|&c| c <= index && trace.spans[c].name() == PROVIDER_HOST)
                .count()
        });
        let line = match span.status() {
            Status::Ok if seconds >= 1.0 => Some((
                Level::Warn,
                format!("payment provider slow: answered in {seconds:.1} s (attempt {attempt})"),
            )),
            Status::Ok => None,
            _ => Some((
                Level::Error,
                match span.segment.http_status() {
                    Some(code) => format!(
                        "payment provider answered {code} after {seconds:.1} s (attempt {attempt} of 2)"
                    ),
                    None => format!(
                        "payment provider timed out after {seconds:.1} s (attempt {attempt} of 2): ReadTimeout"
                    ),
                },
            )),
        };
        if let Some((level, message)) = line {
            out.push(writer.line(span, end, level, message));
        }
        return;
    }
    if let Some(aws) = &span.segment.aws
        && (span.status() != Status::Ok || aws.retries.unwrap_or(0) > 0)
    {
        let operation = aws.operation.as_deref().unwrap_or("call");
        let table = aws.table_name.as_deref().unwrap_or("");
        let retries = aws.retries.unwrap_or(0);
        let (level, message) = match span.status() {
            Status::Ok => (
                Level::Warn,
                format!("{operation} {table} throttled, succeeded after {retries} retries"),
            ),
            _ => (
                Level::Error,
                format!(
                    "{operation} {table} failed after {retries} retries: {}",
                    exception(span).unwrap_or_else(|| "throttled".into())
                ),
            ),
        };
        out.push(writer.line(span, end, level, message));
        return;
    }
    if span.segment.fault
        && let Some(exception) = exception(span)
    {
        out.push(writer.line(span, end, Level::Error, exception));
    }
}

/// The first recorded exception of a span, as `Kind: message`.
fn exception(span: &Span) -> Option<String> {
    let Some(Cause::Details(details)) = &span.segment.cause else {
        return None;
    };
    let first = details.exceptions.first()?;
    Some(match (&first.kind, &first.message) {
        (Some(kind), Some(message)) => format!("{kind}: {message}"),
        (Some(kind), None) => kind.clone(),
        (None, Some(message)) => message.clone(),
        (None, None) => return None,
    })
}

fn path(url: &str) -> &str {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    without_scheme
        .find('/')
        .map_or("/", |at| &without_scheme[at..])
}
