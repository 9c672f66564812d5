//! Whether a span satisfies a [`SpanQuery`], and the values a key names on a span.
//!
//! A key is looked up, in order, as: a span field (`name`, `service`, `duration`, `status`,
//! `id`); a namespaced field (`annotation.K`, `http.url`, `http.method`, `http.status`,
//! `http.useragent`, `http.clientip`, `sql.query`, `sql.url`, `sql.database`, `sql.user`,
//! `aws.operation`, `aws.table`, `aws.region`, `aws.requestid`, `aws.queueurl`, `aws.account`,
//! `aws.<other key>`, `metadata.NS.PATH`, `otel.KEY`); then, bare, an annotation, an OTel span
//! or resource attribute (`http.request.method`), and a metadata path (`NS.PATH`). A key names
//! every value found that way.

use serde_json::Value;

use super::{Op, SpanQuery, Term};
use crate::model::trace::{Span, Trace};

/// One value a key names on a span.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Text(String),
    Number(f64),
}

impl Found {
    fn number(&self) -> Option<f64> {
        match self {
            Found::Number(n) => Some(*n),
            Found::Text(t) => t.parse().ok(),
        }
    }

    fn equals(&self, value: &str, number: Option<f64>) -> bool {
        match (self.number(), number) {
            (Some(a), Some(b)) => a == b,
            _ => match self {
                Found::Text(t) => t.eq_ignore_ascii_case(value),
                Found::Number(n) => n.to_string() == value,
            },
        }
    }
}

/// Whether the span at `index` satisfies every term of the query.
pub fn matches(query: &SpanQuery, trace: &Trace, index: usize) -> bool {
    let span = &trace.spans[index];
    query.terms.iter().all(|term| match term {
        Term::Text(needle) => text_matches(span, needle),
        Term::Absent(key) => values_of(trace, index, key).is_empty(),
        Term::Compare {
            key,
            op,
            value,
            number,
        } => {
            let found = values_of(trace, index, key);
            match op {
                Op::Eq => found.iter().any(|f| f.equals(value, *number)),
                Op::Ne => !found.is_empty() && !found.iter().any(|f| f.equals(value, *number)),
                _ => {
                    let Some(limit) = number else { return false };
                    found.iter().filter_map(Found::number).any(|n| match op {
                        Op::Gt => n > *limit,
                        Op::Lt => n < *limit,
                        Op::Ge => n >= *limit,
                        _ => n <= *limit,
                    })
                }
            }
        }
    })
}

/// The plain text search: names, URLs, SQL, AWS calls, annotations and exceptions.
pub fn text_matches(span: &Span, needle_lower: &str) -> bool {
    let contains = |text: &str| text.to_lowercase().contains(needle_lower);
    let s = &span.segment;
    if contains(s.name()) {
        return true;
    }
    if let Some(request) = s.http.as_ref().and_then(|h| h.request.as_ref())
        && request.url.as_deref().is_some_and(contains)
    {
        return true;
    }
    if let Some(sql) = &s.sql
        && (sql.sanitized_query.as_deref().is_some_and(contains)
            || sql.url.as_deref().is_some_and(contains))
    {
        return true;
    }
    if let Some(aws) = &s.aws
        && (aws.operation.as_deref().is_some_and(contains)
            || aws.table_name.as_deref().is_some_and(contains))
    {
        return true;
    }
    if s.annotations
        .iter()
        .any(|(k, v)| contains(k) || contains(&v.to_string()))
    {
        return true;
    }
    if let Some(crate::model::segment::Cause::Details(cause)) = &s.cause {
        return cause.exceptions.iter().any(|e| {
            e.message.as_deref().is_some_and(contains) || e.kind.as_deref().is_some_and(contains)
        });
    }
    false
}

fn text(out: &mut Vec<Found>, value: Option<&str>) {
    if let Some(value) = value {
        out.push(Found::Text(value.to_owned()));
    }
}

fn json(out: &mut Vec<Found>, value: Option<&Value>) {
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => out.extend(n.as_f64().map(Found::Number)),
        Some(Value::String(s)) => out.push(Found::Text(s.clone())),
        Some(Value::Bool(b)) => out.push(Found::Text(b.to_string())),
        Some(other) => out.push(Found::Text(other.to_string())),
    }
}

/// The value at a dotted path inside a JSON value.
fn path<'a>(mut value: &'a Value, dotted: &str) -> Option<&'a Value> {
    for part in dotted.split('.') {
        value = value.get(part)?;
    }
    Some(value)
}

/// Every value `key` names on the span at `index`.
pub fn values_of(trace: &Trace, index: usize, key: &str) -> Vec<Found> {
    let span = &trace.spans[index];
    let s = &span.segment;
    let mut out = Vec::new();
    let lower = key.to_ascii_lowercase();
    match lower.as_str() {
        "name" => text(&mut out, Some(s.name())),
        "id" => text(&mut out, Some(s.id())),
        "service" => {
            let service = trace.spans.get(span.service as usize).unwrap_or(span);
            text(&mut out, Some(service.name()));
        }
        "duration" => out.extend(span.end().map(|end| Found::Number(end - span.start()))),
        "status" => text(&mut out, Some(span.status().label())),
        _ => {}
    }
    if !out.is_empty() {
        return out;
    }
    let request = s.http.as_ref().and_then(|h| h.request.as_ref());
    let response = s.http.as_ref().and_then(|h| h.response.as_ref());
    match lower.as_str() {
        "http.url" => text(&mut out, request.and_then(|r| r.url.as_deref())),
        "http.method" => text(&mut out, request.and_then(|r| r.method.as_deref())),
        "http.useragent" | "http.user_agent" => {
            text(&mut out, request.and_then(|r| r.user_agent.as_deref()))
        }
        "http.clientip" | "http.client_ip" => {
            text(&mut out, request.and_then(|r| r.client_ip.as_deref()))
        }
        "http.status" => out.extend(
            response
                .and_then(|r| r.status)
                .map(|n| Found::Number(n as f64)),
        ),
        "sql.query" => text(
            &mut out,
            s.sql.as_ref().and_then(|q| q.sanitized_query.as_deref()),
        ),
        "sql.url" => text(&mut out, s.sql.as_ref().and_then(|q| q.url.as_deref())),
        "sql.database" | "sql.database_type" => text(
            &mut out,
            s.sql.as_ref().and_then(|q| q.database_type.as_deref()),
        ),
        "sql.user" => text(&mut out, s.sql.as_ref().and_then(|q| q.user.as_deref())),
        _ => {}
    }
    if let Some(field) = lower.strip_prefix("aws.")
        && let Some(aws) = &s.aws
    {
        match field {
            "operation" => text(&mut out, aws.operation.as_deref()),
            "table" | "table_name" => text(&mut out, aws.table_name.as_deref()),
            "region" => text(&mut out, aws.region.as_deref()),
            "requestid" | "request_id" => text(&mut out, aws.request_id.as_deref()),
            "queueurl" | "queue_url" => text(&mut out, aws.queue_url.as_deref()),
            "account" | "account_id" => text(&mut out, aws.account_id.as_deref()),
            "retries" => out.extend(aws.retries.map(|n| Found::Number(n as f64))),
            other => json(&mut out, aws.other.get(other)),
        }
    }
    if !out.is_empty() {
        return out;
    }
    let annotation = key
        .strip_prefix("annotation.")
        .or_else(|| key.strip_prefix("annotations."));
    if let Some(name) = annotation.or(Some(key))
        && let Some(value) = s.annotations.get(name)
    {
        out.push(match value {
            crate::model::segment::AnnotationValue::Number(n) => Found::Number(*n),
            other => Found::Text(other.to_string()),
        });
    }
    let metadata = key.strip_prefix("metadata.").unwrap_or(key);
    if let Some((namespace, rest)) = metadata.split_once('.')
        && let Some(value) = s.metadata.get(namespace)
    {
        json(&mut out, path(value, rest));
    }
    let attribute = key.strip_prefix("otel.").unwrap_or(key);
    // Reading the span's JSON is the costly part: only when its text names the key.
    if let Some(raw) = &s.otel
        && raw.text().contains(attribute)
        && let Some(otel) = raw.read()
    {
        for scope in ["attributes", "resource"] {
            json(&mut out, otel.get(scope).and_then(|a| a.get(attribute)));
        }
    }
    out
}
