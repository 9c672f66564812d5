//! OTLP logs into log lines: OTLP/JSON (`{"resourceLogs": …}`, as an OpenTelemetry
//! collector's file exporter or a `/v1/logs` request writes them), and the protobuf
//! `ExportLogsServiceRequest` of `/v1/logs` and the gRPC LogsService. Every field is optional;
//! what is not a log record is skipped.

use opentelemetry_proto::tonic::common::v1::AnyValue;
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use prost::Message;
use serde_json::Value;

pub use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;

use crate::model::logs::{Level, LogLine};

/// The log records of one OTLP/JSON logs request.
pub fn read_json(request: &Value) -> Result<Vec<LogLine>, String> {
    let Some(resources) = request.get("resourceLogs").and_then(Value::as_array) else {
        return Err("not an OTLP/JSON logs request: no resourceLogs array".into());
    };
    let mut lines = Vec::new();
    for resource in resources {
        let service = resource
            .get("resource")
            .and_then(|r| attribute(r, "service.name"));
        let scopes = resource
            .get("scopeLogs")
            .or_else(|| resource.get("instrumentationLibraryLogs"))
            .and_then(Value::as_array);
        for scope in scopes.into_iter().flatten() {
            let records = scope.get("logRecords").and_then(Value::as_array);
            for record in records.into_iter().flatten() {
                lines.push(record_line(record, service.clone()));
            }
        }
    }
    Ok(lines)
}

/// A `/v1/logs` body in protobuf.
pub fn decode_protobuf(bytes: &[u8]) -> Result<ExportLogsServiceRequest, String> {
    ExportLogsServiceRequest::decode(bytes)
        .map_err(|error| format!("not an OTLP protobuf logs request: {error}"))
}

/// A `/v1/logs` body in JSON; an object without `resourceLogs` is an empty request.
pub fn decode_json(text: &str) -> Result<Vec<LogLine>, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|error| format!("not an OTLP/JSON logs request: {error}"))?;
    if !value.is_object() {
        return Err("not an OTLP/JSON logs request: expected a JSON object".into());
    }
    if value.get("resourceLogs").is_none() {
        return Ok(Vec::new());
    }
    read_json(&value)
}

/// The log records of one protobuf logs request.
pub fn read_protobuf(request: &ExportLogsServiceRequest) -> Vec<LogLine> {
    let mut lines = Vec::new();
    for resource in &request.resource_logs {
        let service = resource
            .resource
            .as_ref()
            .and_then(|r| crate::codec::otel::attributes_text(&r.attributes, "service.name"));
        for scope in &resource.scope_logs {
            for record in &scope.log_records {
                lines.push(protobuf_line(record, service.clone()));
            }
        }
    }
    lines
}

/// The number of log records in a request.
pub fn record_count(request: &ExportLogsServiceRequest) -> usize {
    request
        .resource_logs
        .iter()
        .flat_map(|r| &r.scope_logs)
        .map(|s| s.log_records.len())
        .sum()
}

fn protobuf_line(record: &LogRecord, service: Option<String>) -> LogLine {
    let nanos = [record.time_unix_nano, record.observed_time_unix_nano]
        .into_iter()
        .find(|n| *n > 0)
        .unwrap_or(0);
    let message = body_text(record.body.as_ref());
    let level = match record.severity_number {
        number if number > 0 => Level::from_severity_number(number),
        _ => Some(Level::parse(&record.severity_text))
            .filter(|l| *l != Level::Unknown)
            .unwrap_or_else(|| Level::from_message(&message)),
    };
    let id = |bytes: &[u8]| {
        (!bytes.is_empty() && bytes.iter().any(|b| *b != 0))
            .then(|| crate::codec::otel::ids::hex(bytes))
    };
    LogLine {
        time: nanos as f64 / 1e9,
        level,
        message,
        service: crate::codec::otel::attributes_text(&record.attributes, "service.name")
            .or(service),
        trace_id: id(&record.trace_id),
        span_id: id(&record.span_id),
        source: None,
    }
}

/// A body as text: a string as it is, anything else as JSON.
fn body_text(body: Option<&AnyValue>) -> String {
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
    match body.and_then(|b| b.value.as_ref()) {
        None => String::new(),
        Some(Any::StringValue(text)) => text.clone(),
        Some(_) => {
            serde_json::to_string(&crate::codec::otel::value::json(body)).unwrap_or_default()
        }
    }
}

fn record_line(record: &Value, service: Option<String>) -> LogLine {
    let nanos = ["timeUnixNano", "observedTimeUnixNano"]
        .iter()
        .filter_map(|key| number(record.get(*key)?))
        .find(|n| *n > 0.0)
        .unwrap_or(0.0);
    let message = record.get("body").map(any_value).unwrap_or_default();
    let level = match record
        .get("severityNumber")
        .and_then(|n| number(n).or_else(|| severity_name(n)))
    {
        Some(number) if number > 0.0 => Level::from_severity_number(number as i32),
        _ => record
            .get("severityText")
            .and_then(Value::as_str)
            .map(Level::parse)
            .filter(|l| *l != Level::Unknown)
            .unwrap_or_else(|| Level::from_message(&message)),
    };
    let id = |key: &str| {
        record
            .get(key)
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty() && id.bytes().any(|b| b != b'0'))
            .map(str::to_ascii_lowercase)
    };
    LogLine {
        time: nanos / 1e9,
        level,
        message,
        service: attribute(record, "service.name").or(service),
        trace_id: id("traceId"),
        span_id: id("spanId"),
        source: None,
    }
}

/// `"SEVERITY_NUMBER_ERROR"`, as some exporters write the enum.
fn severity_name(value: &Value) -> Option<f64> {
    let name = value.as_str()?.strip_prefix("SEVERITY_NUMBER_")?;
    let base = match name.trim_end_matches(char::is_numeric) {
        "TRACE" => 1.0,
        "DEBUG" => 5.0,
        "INFO" => 9.0,
        "WARN" => 13.0,
        "ERROR" => 17.0,
        "FATAL" => 21.0,
        _ => return None,
    };
    Some(base)
}

/// A number, or a number written as a string (64-bit integers in OTLP/JSON).
fn number(value: &Value) -> Option<f64> {
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

fn attribute(holder: &Value, key: &str) -> Option<String> {
    holder
        .get("attributes")?
        .as_array()?
        .iter()
        .find(|a| a.get("key").and_then(Value::as_str) == Some(key))
        .and_then(|a| a.get("value"))
        .map(any_value)
}

/// An OTLP `AnyValue` as text: strings as they are, the rest as JSON.
fn any_value(value: &Value) -> String {
    let Some(object) = value.as_object() else {
        return match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
    };
    match object.iter().next() {
        Some((key, Value::String(s))) if key == "stringValue" => s.clone(),
        Some((_, inner)) => match inner {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_become_lines_with_their_service_ids_and_level() {
        let request: Value = serde_json::from_str(
            r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
              "scopeLogs":[{"logRecords":[
                {"timeUnixNano":"1700000000500000000","severityNumber":17,"severityText":"ERROR",
                 "body":{"stringValue":"card declined"},"traceId":"5759E988BD862E3FE1BE46A994272793","spanId":"53995c3f42cd8ad8"},
                {"observedTimeUnixNano":"1700000001000000000","severityText":"warning","body":{"intValue":"3"},
                 "spanId":"0000000000000000"}]}]}]}"#,
        )
        .unwrap();
        let lines = read_json(&request).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].time, 1_700_000_000.5);
        assert_eq!(lines[0].level, Level::Error);
        assert_eq!(lines[0].message, "card declined");
        assert_eq!(lines[0].service.as_deref(), Some("checkout"));
        assert_eq!(
            lines[0].trace_id.as_deref(),
            Some("5759e988bd862e3fe1be46a994272793")
        );
        assert_eq!(lines[0].span_id.as_deref(), Some("53995c3f42cd8ad8"));
        assert_eq!(lines[1].level, Level::Warn);
        assert_eq!(lines[1].message, "3");
        assert_eq!(lines[1].span_id, None, "an all-zero id is no id");
    }
}
