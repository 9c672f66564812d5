//! One CloudWatch Logs event made into a log line: a JSON message (Lambda's JSON log format,
//! Powertools, structured loggers) gives its level, its text and the trace and span ids it
//! carries; a text message gives the level word it starts with or has among its first
//! tab-separated fields (Lambda's runtimes write `time\trequest\tLEVEL\tmessage`).

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use crate::model::logs::{Level, LogLine};

/// Where a trace id may be in a JSON message, in either form.
const TRACE_KEYS: &[&str] = &[
    "traceId",
    "trace_id",
    "xrayTraceId",
    "xray_trace_id",
    "AWS-XRAY-TRACE-ID",
    "@xrayTraceId",
    "otelTraceID",
];
const SPAN_KEYS: &[&str] = &["spanId", "span_id", "otelSpanID", "xraySegmentId"];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "severity",
    "severityText",
    "levelname",
    "log.level",
    "logLevel",
    "loglevel",
];
const MESSAGE_KEYS: &[&str] = &["message", "msg", "body"];

/// A row of Logs Insights results, its fields by name (`@timestamp`, `@message`, `@log`,
/// `@logStream`, `@xrayTraceId`, `@xraySegmentId`), as a log line that says where it was read
/// (`GROUP STREAM`); `None` without a `@timestamp` that can be read.
pub fn insights_row<'a>(field: impl Fn(&str) -> Option<&'a str>) -> Option<LogLine> {
    let time = insights_timestamp(field("@timestamp")?)?;
    let mut line = line(time, field("@message").unwrap_or_default());
    let group = field("@log").map(group_of);
    if line.trace_id.is_none() {
        line.trace_id = field("@xrayTraceId").map(str::to_owned);
    }
    if line.span_id.is_none() {
        line.span_id = field("@xraySegmentId").map(str::to_owned);
    }
    line.source = match (group, field("@logStream")) {
        (Some(group), Some(stream)) => Some(format!("{group} {stream}")),
        (group, stream) => group.or(stream).map(str::to_owned),
    };
    Some(line)
}

/// The log group of Logs Insights' `@log`, which is `ACCOUNT:GROUP`.
pub fn group_of(log: &str) -> &str {
    match log.split_once(':') {
        Some((account, group)) if account.bytes().all(|b| b.is_ascii_digit()) => group,
        _ => log,
    }
}

/// Logs Insights' `@timestamp`, UTC: `2023-11-14 22:13:20.500`, in epoch seconds.
pub fn insights_timestamp(text: &str) -> Option<f64> {
    let time = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S%.f").ok()?;
    let time = time.and_utc();
    Some(time.timestamp() as f64 + f64::from(time.timestamp_subsec_millis()) / 1000.0)
}

/// `time` in epoch seconds; `message` as the event has it.
pub fn line(time: f64, message: &str) -> LogLine {
    let message = message.trim_end_matches(['\n', '\r']);
    if message.trim_start().starts_with('{')
        && let Ok(Value::Object(object)) = serde_json::from_str::<Value>(message)
    {
        return json_line(time, message, &object);
    }
    LogLine {
        time,
        level: text_level(message),
        message: text_message(message),
        trace_id: xray_id_in_text(message),
        ..LogLine::default()
    }
}

/// The first X-Ray trace id written anywhere in a text (`… XRAY TraceId: 1-5759e988-… …`).
fn xray_id_in_text(text: &str) -> Option<String> {
    const LENGTH: usize = 35;
    let bytes = text.as_bytes();
    let is_id = |at: usize| {
        let id = &bytes[at..at + LENGTH];
        id.starts_with(b"1-")
            && id[10] == b'-'
            && id[2..10].iter().chain(&id[11..]).all(u8::is_ascii_hexdigit)
            && bytes
                .get(at + LENGTH)
                .is_none_or(|b| !b.is_ascii_hexdigit())
            && (at == 0 || !bytes[at - 1].is_ascii_alphanumeric())
    };
    (0..bytes.len().saturating_sub(LENGTH - 1))
        .filter(|at| bytes[*at] == b'1')
        .find(|at| is_id(*at))
        .map(|at| text[at..at + LENGTH].to_owned())
}

/// A Lambda runtime's line without what the pane shows apart (the time, the level) or what
/// says nothing of the request (the request id): `2023-…Z\tc0ffee-…\tERROR\tcard declined`
/// is `card declined`. Other tabs become spaces.
fn text_message(message: &str) -> String {
    if !message.contains('\t') {
        return message.to_owned();
    }
    let mut fields: Vec<&str> = message.split('\t').collect();
    let mut kept = Vec::with_capacity(fields.len());
    for (index, field) in fields.drain(..).enumerate() {
        let word = field.trim().trim_matches(['[', ']']);
        let apart = index < 3
            && (Level::parse(word) != Level::Unknown && word.len() >= 4
                || is_timestamp(word)
                || is_request_id(word));
        if !apart {
            kept.push(field);
        }
    }
    if kept.is_empty() {
        return message.replace('\t', " ");
    }
    kept.join(" ")
}

/// `2023-11-14T22:13:20.500Z`.
fn is_timestamp(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() >= 19
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[10] == b'T'
}

/// A Lambda request id: a UUID.
fn is_request_id(word: &str) -> bool {
    word.len() == 36
        && word.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

fn json_line(time: f64, raw: &str, object: &Map<String, Value>) -> LogLine {
    let text = |keys: &[&str]| {
        keys.iter().find_map(|key| match object.get(*key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let message = text(MESSAGE_KEYS).unwrap_or_else(|| raw.to_owned());
    let level = text(LEVEL_KEYS)
        .map(|word| Level::parse(&word))
        .filter(|level| *level != Level::Unknown)
        .unwrap_or_else(|| Level::from_message(&message));
    let traced = text(TRACE_KEYS);
    let trace_id = traced.as_deref().and_then(trace_id_in);
    let span_id = text(SPAN_KEYS)
        .or_else(|| Some(traced.as_deref()?.split_once('@')?.1.to_owned()))
        .map(|id| id.trim().to_ascii_lowercase())
        .filter(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()));
    let service = object
        .get("service")
        .or_else(|| object.get("service.name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    LogLine {
        time,
        level,
        message,
        service,
        trace_id,
        span_id,
        source: None,
    }
}

/// The trace id in a value as loggers write it: `1-5759e988-bd86…`, the W3C form, a tracing
/// header (`Root=1-…;Parent=…;Sampled=1`), or the X-Ray SDK for Java's `1-…@segment`.
pub fn trace_id_in(value: &str) -> Option<String> {
    let value = value.trim();
    let value = match value.find("Root=") {
        Some(at) => &value[at + 5..],
        None => value,
    };
    let id = value.split([';', '@', ' ']).next().unwrap_or_default();
    crate::model::logs::trace_id_digits(id).map(|_| id.to_owned())
}

/// A level word at the start, or among the first four tab-separated fields.
fn text_level(message: &str) -> Level {
    let first = Level::from_message(message);
    if first != Level::Unknown {
        return first;
    }
    message
        .split('\t')
        .take(4)
        .map(|field| field.trim().trim_matches(['[', ']']))
        .filter(|field| field.len() >= 4)
        .map(Level::parse)
        .find(|level| *level != Level::Unknown)
        .unwrap_or(Level::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_messages_give_their_level_text_and_ids() {
        let line = line(
            5.0,
            r#"{"timestamp":"2023-11-14T22:13:20Z","level":"ERROR","message":"card declined","xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793","span_id":"53995C3F42CD8AD8","service":"payments"}"#,
        );
        assert_eq!(line.level, Level::Error);
        assert_eq!(line.message, "card declined");
        assert_eq!(
            line.trace_id.as_deref(),
            Some("1-5759e988-bd862e3fe1be46a994272793")
        );
        assert_eq!(line.span_id.as_deref(), Some("53995c3f42cd8ad8"));
        assert_eq!(line.service.as_deref(), Some("payments"));
    }

    #[test]
    fn the_java_sdks_trace_and_segment_id_and_tracing_headers_are_read() {
        let java = line(
            1.0,
            r#"{"msg":"ok","AWS-XRAY-TRACE-ID":"1-5759e988-bd862e3fe1be46a994272793@53995c3f42cd8ad8"}"#,
        );
        assert_eq!(java.span_id.as_deref(), Some("53995c3f42cd8ad8"));
        assert_eq!(java.message, "ok");
        assert_eq!(
            trace_id_in("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")
                .as_deref(),
            Some("1-5759e988-bd862e3fe1be46a994272793")
        );
        assert_eq!(trace_id_in("not an id"), None);
    }

    #[test]
    fn text_messages_give_the_level_lambda_runtimes_write() {
        let node = line(
            1.0,
            "2023-11-14T22:13:20.500Z\t6f8f0e6c-1d2b-4c1e-9a55-7a3f5c2d9b10\tERROR\tprovider timed out\tafter 5s\n",
        );
        assert_eq!(node.level, Level::Error);
        assert_eq!(node.message, "provider timed out after 5s");
        let python = line(
            1.0,
            "[WARNING]\t2023-11-14T22:13:20.500Z\t6f8f0e6c-1d2b-4c1e-9a55-7a3f5c2d9b10\tslow",
        );
        assert_eq!(
            (python.level, python.message.as_str()),
            (Level::Warn, "slow")
        );
        assert_eq!(line(1.0, "a\tb").message, "a b");
        assert_eq!(line(1.0, "START RequestId: c0ffee").level, Level::Unknown);
        assert_eq!(line(1.0, "{not json").message, "{not json");
        assert_eq!(
            line(1.0, "REPORT Duration: 2 ms XRAY TraceId: 1-5759e988-bd862e3fe1be46a994272793\tSegmentId: 53995c3f42cd8ad8")
                .trace_id
                .as_deref(),
            Some("1-5759e988-bd862e3fe1be46a994272793")
        );
        assert_eq!(
            line(1.0, "x1-5759e988-bd862e3fe1be46a994272793").trace_id,
            None
        );
        assert_eq!(line(1.0, "1-5759e988-bd86").trace_id, None);
    }
}
