//! The rows of a Logs Insights query over `aws/spans`, one matching span each, grouped by trace
//! into summaries the list shows as it shows X-Ray's: the entry service, the status, the
//! response time. A trace is listed by the spans that matched, not all of its spans.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::summary::{ServiceId, SummaryHttp};
use crate::model::{TraceSummary, trace_id};

/// One matching span: its fields by name, as Logs Insights gives them (text).
pub type Row = Vec<(String, String)>;

/// A row read: what a summary needs of one span.
struct Span<'a> {
    /// Seconds.
    start: f64,
    end: f64,
    /// Seconds, exact to the nanosecond (start and end, near 1.7e9, are not).
    length: f64,
    root: bool,
    server: bool,
    service: Option<&'a str>,
    method: Option<&'a str>,
    url: Option<&'a str>,
    status: Option<i64>,
    error_status: bool,
    user: Option<&'a str>,
}

impl<'a> Span<'a> {
    fn of(row: &'a Row) -> Span<'a> {
        let field = |name: &str| {
            row.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .filter(|value| !value.is_empty())
        };
        let nanos = |name: &str| field(name).and_then(nanoseconds);
        let start_ns = nanos("startTimeUnixNano").unwrap_or(0);
        let length_ns = nanos("durationNano")
            .or_else(|| Some(nanos("endTimeUnixNano")? - start_ns))
            .unwrap_or(0)
            .max(0);
        let start = start_ns as f64 / 1e9;
        let length = length_ns as f64 / 1e9;
        let either = |new: &str, old: &str| field(new).or_else(|| field(old));
        Span {
            start,
            end: start + length,
            length,
            root: field("parentSpanId").is_none_or(|p| p == "null"),
            server: field("kind") == Some("SERVER"),
            service: either(
                "attributes.aws.local.service",
                "resource.attributes.service.name",
            ),
            method: either("attributes.http.request.method", "attributes.http.method"),
            url: either("attributes.url.full", "attributes.http.url"),
            status: either(
                "attributes.http.response.status_code",
                "attributes.http.status_code",
            )
            .and_then(|s| s.parse::<f64>().ok())
            .map(|s| s as i64),
            error_status: field("status.code") == Some("ERROR"),
            user: field("attributes.enduser.id"),
        }
    }

    /// Fault, error, throttle, as the X-Ray exporter of the OpenTelemetry collector sets them.
    fn flags(&self) -> (bool, bool, bool) {
        match self.status {
            Some(status) => (
                (500..600).contains(&status),
                (400..500).contains(&status),
                status == 429,
            ),
            None => (self.error_status, false, false),
        }
    }
}

/// A count of nanoseconds, written whole or (by some writers) as a float.
fn nanoseconds(text: &str) -> Option<i128> {
    text.parse::<i128>().ok().or_else(|| {
        text.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|n| n as i128)
    })
}

/// The traces of `rows`, newest first; and how many rows had no trace id that could be read.
pub fn summaries(rows: &[Row]) -> (Vec<TraceSummary>, usize) {
    let mut traces: HashMap<String, Vec<Span>> = HashMap::new();
    let mut unreadable = 0;
    for row in rows {
        let id = row
            .iter()
            .find(|(key, _)| key == "traceId")
            .and_then(|(_, id)| trace_id::normalize(id));
        match id {
            Some(id) => traces.entry(id).or_default().push(Span::of(row)),
            None => unreadable += 1,
        }
    }
    let mut summaries: Vec<TraceSummary> = traces
        .into_iter()
        .map(|(id, spans)| summary(id, &spans))
        .collect();
    summaries.sort_by(|a, b| b.start_time.total_cmp(&a.start_time));
    (summaries, unreadable)
}

/// The trace's root span when it matched, else its first server span, else its first span.
fn summary(id: String, spans: &[Span]) -> TraceSummary {
    let first = |keep: fn(&Span) -> bool| {
        spans
            .iter()
            .filter(|s| keep(s))
            .min_by(|a, b| a.start.total_cmp(&b.start))
    };
    let entry = first(|s| s.root)
        .or_else(|| first(|s| s.server))
        .or_else(|| first(|_| true));
    let start = spans.iter().map(|s| s.start).fold(f64::INFINITY, f64::min);
    let end = spans
        .iter()
        .map(|s| s.end)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut summary = TraceSummary {
        id,
        start_time: if start.is_finite() { start } else { 0.0 },
        duration: (end >= start).then_some(end - start),
        ..TraceSummary::default()
    };
    let mut services: Vec<ServiceId> = Vec::new();
    for span in spans {
        let (fault, error, throttle) = span.flags();
        summary.has_fault |= fault;
        summary.has_error |= error;
        summary.has_throttle |= throttle;
        if let Some(user) = span.user
            && !summary.users.iter().any(|u| u == user)
        {
            summary.users.push(user.to_owned());
        }
        if let Some(name) = span.service
            && !services.iter().any(|s| s.name == name)
        {
            services.push(service(name));
        }
    }
    summary.services = services.into();
    if let Some(entry) = entry {
        summary.response_time = Some(entry.length);
        summary.entry_point = entry.service.map(|name| Arc::new(service(name)));
        summary.http = SummaryHttp {
            method: entry.method.map(Arc::from),
            url: entry.url.map(Arc::from),
            status: entry.status,
            ..SummaryHttp::default()
        };
    }
    summary
}

fn service(name: &str) -> ServiceId {
    ServiceId {
        name: name.to_owned(),
        ..ServiceId::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[(&str, &str)]) -> Row {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const TRACE: &str = "6759b1c50e59b643038a6a070e115043";

    #[test]
    fn spans_of_a_trace_make_one_summary_led_by_its_root() {
        let rows = vec![
            row(&[
                ("traceId", TRACE),
                ("parentSpanId", "48fec93dfe40959d"),
                ("kind", "CLIENT"),
                ("startTimeUnixNano", "1733931461700000000"),
                ("endTimeUnixNano", "1733931462000000000"),
                ("resource.attributes.service.name", "checkout"),
                ("attributes.http.status_code", "503"),
            ]),
            row(&[
                ("traceId", TRACE),
                ("kind", "SERVER"),
                ("startTimeUnixNano", "1733931461640310404"),
                ("endTimeUnixNano", "1733931462360000208"),
                ("attributes.aws.local.service", "frontend"),
                ("attributes.http.request.method", "POST"),
                ("attributes.url.full", "https://shop.example/orders"),
                ("attributes.http.response.status_code", "200"),
                ("attributes.enduser.id", "alice"),
            ]),
            row(&[("traceId", "not an id")]),
        ];
        let (summaries, unreadable) = summaries(&rows);
        assert_eq!(unreadable, 1);
        assert_eq!(summaries.len(), 1);
        let summary = &summaries[0];
        assert_eq!(summary.id, "1-6759b1c5-0e59b643038a6a070e115043");
        assert_eq!(summary.entry_point.as_ref().unwrap().name, "frontend");
        assert_eq!(summary.http.method.as_deref(), Some("POST"));
        assert_eq!(summary.http.status, Some(200));
        assert!((summary.response_time.unwrap() - 0.71969).abs() < 1e-4);
        assert!(summary.has_fault, "the 503 of the client span");
        assert_eq!(summary.users, ["alice"]);
        assert_eq!(summary.services.len(), 2);
        assert!((summary.start_time - 1_733_931_461.640_310_4).abs() < 1e-6);
    }

    #[test]
    fn without_a_status_code_an_error_status_is_a_fault_and_traces_come_newest_first() {
        let rows = vec![
            row(&[
                ("traceId", "00000001000000000000000000000001"),
                ("startTimeUnixNano", "1000000000000000000"),
                ("durationNano", "5000000"),
                ("status.code", "ERROR"),
            ]),
            row(&[
                ("traceId", "00000002000000000000000000000002"),
                ("startTimeUnixNano", "2000000000000000000"),
                ("attributes.http.status_code", "429"),
            ]),
        ];
        let (summaries, _) = summaries(&rows);
        assert_eq!(summaries[0].id, "1-00000002-000000000000000000000002");
        assert!(summaries[0].has_error && summaries[0].has_throttle && !summaries[0].has_fault);
        assert!(summaries[1].has_fault);
        assert_eq!(summaries[1].response_time, Some(0.005));
    }
}
