//! OTLP trace requests from their two encodings: protobuf, and OTLP/JSON (hex ids; span
//! kinds and status codes as numbers or, as some senders write them, as names).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use serde_json::Value;

/// How many spans a request holds.
pub fn span_count(request: &ExportTraceServiceRequest) -> usize {
    request
        .resource_spans
        .iter()
        .flat_map(|resource| &resource.scope_spans)
        .map(|scope| scope.spans.len())
        .sum()
}

pub fn decode_protobuf(bytes: &[u8]) -> Result<ExportTraceServiceRequest, String> {
    ExportTraceServiceRequest::decode(bytes)
        .map_err(|error| format!("not an OTLP protobuf trace request: {error}"))
}

pub fn decode_json(text: &str) -> Result<ExportTraceServiceRequest, String> {
    // The generated types would also take an array, its fields by position.
    if !text.trim_start().starts_with('{') {
        return Err("not an OTLP/JSON trace request: expected a JSON object".to_owned());
    }
    let first_error = match serde_json::from_str(text) {
        Ok(request) => return Ok(request),
        Err(error) => error,
    };
    let fail = |error: &dyn std::fmt::Display| format!("not an OTLP/JSON trace request: {error}");
    // Enum names are the only thing the generated types do not take; the rest of the
    // first error stands.
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return Err(fail(&first_error));
    };
    if !enum_names_to_numbers(&mut value) {
        return Err(fail(&first_error));
    }
    serde_json::from_value(value).map_err(|error| fail(&error))
}

/// Rewrites `"kind": "SPAN_KIND_SERVER"` and `"code": "STATUS_CODE_ERROR"` (also without
/// the prefix) as their numbers; says whether it rewrote anything.
fn enum_names_to_numbers(request: &mut Value) -> bool {
    let mut changed = false;
    let spans = request
        .get_mut("resourceSpans")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(|resource| resource.get_mut("scopeSpans")?.as_array_mut())
        .flatten()
        .filter_map(|scope| scope.get_mut("spans")?.as_array_mut())
        .flatten();
    for span in spans {
        if let Some(kind) = span.get_mut("kind") {
            changed |= name_to_number(kind, "SPAN_KIND_", SPAN_KINDS);
        }
        if let Some(code) = span.get_mut("status").and_then(|s| s.get_mut("code")) {
            changed |= name_to_number(code, "STATUS_CODE_", STATUS_CODES);
        }
    }
    changed
}

const SPAN_KINDS: &[&str] = &[
    "UNSPECIFIED",
    "INTERNAL",
    "SERVER",
    "CLIENT",
    "PRODUCER",
    "CONSUMER",
];
const STATUS_CODES: &[&str] = &["UNSET", "OK", "ERROR"];

/// The number of a span kind named with or without `SPAN_KIND_`, in any case, or in digits.
pub fn span_kind_number(name: &str) -> Option<usize> {
    number_of(name, "SPAN_KIND_", SPAN_KINDS)
}

/// The number of a status code named with or without `STATUS_CODE_`, in any case, or in digits.
pub fn status_code_number(name: &str) -> Option<usize> {
    number_of(name, "STATUS_CODE_", STATUS_CODES)
}

fn number_of(name: &str, prefix: &str, names: &[&str]) -> Option<usize> {
    let upper = name.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix(prefix).unwrap_or(&upper);
    match names.iter().position(|known| *known == bare) {
        Some(number) => Some(number),
        None => bare.parse::<usize>().ok(),
    }
}

fn name_to_number(value: &mut Value, prefix: &str, names: &[&str]) -> bool {
    let Some(name) = value.as_str() else {
        return false;
    };
    match number_of(name, prefix, names) {
        Some(number) => {
            *value = Value::from(number);
            true
        }
        None => false,
    }
}
