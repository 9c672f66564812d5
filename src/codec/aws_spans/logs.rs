//! What the AWS CLI prints when it reads CloudWatch Logs, down to the message that holds one
//! `aws/spans` record: the log events of `aws logs filter-log-events` and `get-log-events`,
//! and the rows of a Logs Insights query from `aws logs get-query-results`. Events and rows
//! stay as written, so that whoever reads them knows where each one is. When the messages are
//! an application's log lines rather than spans, each event or row is read as a log line.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use super::lenient::{Lenient, objects};
use crate::model::lenient::{number, text};
use crate::model::logs::LogLine;

/// `{"events": [{"timestamp", "message", "ingestionTime", …}], "nextToken"?, …}`.
#[derive(Deserialize)]
pub struct LogEventsOutput<'a> {
    #[serde(borrow)]
    pub events: Vec<&'a RawValue>,
}

/// `{"results": [[{"field": "@message", "value": …}, …], …], "statistics", "status"}`.
#[derive(Deserialize)]
pub struct QueryResultsOutput<'a> {
    #[serde(borrow)]
    pub results: Vec<&'a RawValue>,
}

/// Why an event or a row gives no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMessage {
    NotAnEvent,
    NotARow,
    /// A row without `@message`: the query did not ask for it.
    NotInRow,
    /// An event without a `timestamp`, or a row without a `@timestamp` that can be read.
    NoTime,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct LogEvent {
    #[serde(deserialize_with = "text")]
    message: Option<String>,
    /// Epoch milliseconds.
    #[serde(deserialize_with = "number")]
    timestamp: Option<f64>,
    #[serde(deserialize_with = "text")]
    log_stream_name: Option<String>,
}

/// Whether a message holds an `aws/spans` span rather than a log line: a JSON object with the
/// ids and the start time of a span.
pub fn is_span(message: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "traceId")]
        trace_id: Option<IgnoredAny>,
        #[serde(rename = "spanId")]
        span_id: Option<IgnoredAny>,
        #[serde(rename = "startTimeUnixNano")]
        start: Option<IgnoredAny>,
    }
    message.trim_start().starts_with('{')
        && serde_json::from_str::<Probe>(message)
            .is_ok_and(|p| p.trace_id.is_some() && p.span_id.is_some() && p.start.is_some())
}

/// One log event as a log line.
pub fn event_line(event: &str) -> Result<LogLine, NoMessage> {
    let event = serde_json::from_str::<Lenient<LogEvent>>(event)
        .ok()
        .and_then(|event| event.0)
        .ok_or(NoMessage::NotAnEvent)?;
    let message = event.message.ok_or(NoMessage::NotAnEvent)?;
    let time = event.timestamp.ok_or(NoMessage::NoTime)?;
    let mut line = crate::codec::log_event::line(time / 1000.0, &message);
    line.source = event.log_stream_name;
    Ok(line)
}

/// One row of [`QueryResultsOutput::results`] as a log line.
pub fn row_line(row: &str) -> Result<LogLine, NoMessage> {
    if !row.trim_start().starts_with('[') {
        return Err(NoMessage::NotARow);
    }
    let row = serde_json::from_str::<Row>(row).map_err(|_| NoMessage::NotARow)?;
    let field = |name: &str| {
        row.0
            .iter()
            .find(|field| field.field.as_deref() == Some(name))
            .and_then(|field| field.value.as_deref())
    };
    if field("@message").is_none() {
        return Err(NoMessage::NotInRow);
    }
    crate::codec::log_event::insights_row(field).ok_or(NoMessage::NoTime)
}

/// A row written as an object (`{"@timestamp": …, "@message": …}`) as a log line.
pub fn row_object_line(row: &str) -> Result<LogLine, NoMessage> {
    let object = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(row)
        .map_err(|_| NoMessage::NotARow)?;
    let field = |name: &str| object.get(name).and_then(serde_json::Value::as_str);
    if field("@message").is_none() {
        return Err(NoMessage::NotInRow);
    }
    crate::codec::log_event::insights_row(field).ok_or(NoMessage::NoTime)
}

/// The message of one log event (an element of [`LogEventsOutput::events`]).
pub fn event_message(event: &str) -> Result<String, NoMessage> {
    serde_json::from_str::<Lenient<LogEvent>>(event)
        .ok()
        .and_then(|event| event.0?.message)
        .ok_or(NoMessage::NotAnEvent)
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ResultField {
    #[serde(deserialize_with = "text")]
    field: Option<String>,
    #[serde(deserialize_with = "text")]
    value: Option<String>,
}

struct Row(Vec<ResultField>);

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        objects(deserializer).map(Row)
    }
}

/// The `@message` of one row of [`QueryResultsOutput::results`].
pub fn row_message(row: &str) -> Result<String, NoMessage> {
    if !row.trim_start().starts_with('[') {
        return Err(NoMessage::NotARow);
    }
    let row = serde_json::from_str::<Row>(row).map_err(|_| NoMessage::NotARow)?;
    row.0
        .into_iter()
        .find(|field| field.field.as_deref() == Some("@message"))
        .and_then(|field| field.value)
        .ok_or(NoMessage::NotInRow)
}

/// A row of Logs Insights results as an object, `{"@timestamp": …, "@message": …}`: how rows
/// look once a script or the console's export has turned the field lists into objects. The
/// exact shape of the console's JSON export is not confirmed; any object with an `@message`
/// string is read this way.
#[derive(Default, Deserialize)]
#[serde(default)]
struct RowObject {
    #[serde(rename = "@message", deserialize_with = "text")]
    message: Option<String>,
}

/// The `@message` of a row written as an object.
pub fn row_object_message(row: &str) -> Result<String, NoMessage> {
    serde_json::from_str::<Lenient<RowObject>>(row)
        .ok()
        .and_then(|row| row.0?.message)
        .ok_or(NoMessage::NotInRow)
}
