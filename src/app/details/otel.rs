//! The OTel tab: the OpenTelemetry span a document was translated from, as it arrived.

use serde_json::Value;

use super::{DetailLine, Lines, scalar};
use crate::model::{Span, Trace};
use crate::text::duration::format_duration;

pub(super) fn lines(trace: &Trace, span: &Span, out: &mut Lines) {
    let Some(otel) = span.segment.otel.as_ref().and_then(|raw| raw.read()) else {
        return;
    };
    let text = |key: &str| otel.get(key).and_then(Value::as_str).map(str::to_owned);
    out.field("Kind", text("kind"));
    if let Some(status) = otel.get("status") {
        let code = status
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or("UNSET");
        match status.get("message").and_then(Value::as_str) {
            Some(message) if !message.is_empty() => {
                out.field("Status", Some(format!("{code}: {message}")))
            }
            _ => out.field("Status", Some(code)),
        }
    }
    if let Some(sampled) = otel.get("sampled").and_then(Value::as_bool) {
        let said = if sampled {
            "yes"
        } else {
            "no (sent as unsampled)"
        };
        out.field("Sampled", Some(said));
    }
    if let Some(scope) = otel.get("scope") {
        let name = scope.get("name").and_then(Value::as_str).unwrap_or("");
        let version = scope.get("version").and_then(Value::as_str).unwrap_or("");
        let scope = format!("{name} {version}").trim().to_owned();
        out.field("Scope", (!scope.is_empty()).then_some(scope));
    }
    attributes(out, "Attributes", otel.get("attributes"));
    attributes(out, "Resource", otel.get("resource"));
    let trace_start = trace.start().unwrap_or(span.start());
    let events = otel.get("events").and_then(Value::as_array);
    for event in events.into_iter().flatten() {
        let name = event.get("name").and_then(Value::as_str).unwrap_or("event");
        let at = event
            .get("time")
            .and_then(Value::as_f64)
            .map(|time| format!("  +{}", format_duration(time - trace_start)))
            .unwrap_or_default();
        attributes(out, &format!("Event {name}{at}"), event.get("attributes"));
    }
    let links = otel.get("links").and_then(Value::as_array);
    for link in links.into_iter().flatten() {
        let id = |key: &str| link.get(key).and_then(Value::as_str).unwrap_or("?");
        let heading = format!("Link to {} / {}", id("trace_id"), id("span_id"));
        attributes(out, &heading, link.get("attributes"));
    }
}

/// A heading and its attributes, one `key = value` line each (in key order; OTel keys are long,
/// so they wrap rather than sit in the label column); nested values as JSON. Events and links
/// keep their heading when they have no attributes.
fn attributes(out: &mut Lines, heading: &str, values: Option<&Value>) {
    let values = values.and_then(Value::as_object).filter(|v| !v.is_empty());
    let always = heading.starts_with("Event") || heading.starts_with("Link");
    if values.is_none() && !always {
        return;
    }
    out.heading(heading);
    for (key, value) in values.into_iter().flatten() {
        match value {
            Value::Object(_) | Value::Array(_) => {
                out.0.push(DetailLine::Text(format!("{key} =")));
                out.json(value);
            }
            _ => out
                .0
                .push(DetailLine::Text(format!("{key} = {}", scalar(value)))),
        }
    }
}
