//! What the AWS CLI prints when it reads CloudWatch Logs, down to the message that holds one
//! `aws/spans` record: the log events of `aws logs filter-log-events` and `get-log-events`,
//! and the rows of a Logs Insights query from `aws logs get-query-results`. Events and rows
//! stay as written, so that whoever reads them knows where each one is.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::lenient::{Lenient, objects};
use crate::model::lenient::text;

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
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct LogEvent {
    #[serde(deserialize_with = "text")]
    message: Option<String>,
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
