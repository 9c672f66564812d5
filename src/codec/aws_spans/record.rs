//! One `aws/spans` record read into an OTLP span, with its resource and scope as written.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::span::{Event, Link};
use opentelemetry_proto::tonic::trace::v1::{Span, Status};
use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;

use super::lenient::{self, NameOrNumber};
use crate::codec::otel::{span_kind_number, status_code_number};
use crate::model::lenient::{object, text};

/// A span read from its record; the resource and scope stay as written until the spans are
/// grouped by them.
#[derive(Debug)]
pub struct ReadSpan<'a> {
    pub span: Span,
    /// The JSON of `resource` and `scope`, empty when absent.
    pub resource: &'a str,
    pub scope: &'a str,
    /// What was odd but did not stop the span from being read.
    pub notes: Vec<String>,
}

/// Why a record gives no span.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unreadable {
    #[error("not JSON: {0}")]
    NotJson(String),
    /// Valid JSON the record cannot be read from, such as a key given twice.
    #[error("{0}")]
    Unexpected(String),
    #[error("not a JSON object")]
    NotAnObject,
    #[error("no {0}")]
    NoId(&'static str),
    #[error("{field} {given:?} is not hexadecimal")]
    NotHex { field: &'static str, given: String },
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Record<'a> {
    #[serde(deserialize_with = "text")]
    trace_id: Option<String>,
    #[serde(deserialize_with = "text")]
    span_id: Option<String>,
    #[serde(deserialize_with = "text")]
    parent_span_id: Option<String>,
    #[serde(deserialize_with = "text")]
    trace_state: Option<String>,
    #[serde(deserialize_with = "lenient::small")]
    flags: Option<u32>,
    #[serde(deserialize_with = "text")]
    name: Option<String>,
    #[serde(deserialize_with = "lenient::name_or_number")]
    kind: Option<NameOrNumber>,
    #[serde(deserialize_with = "lenient::nanos")]
    start_time_unix_nano: Option<u64>,
    #[serde(deserialize_with = "lenient::nanos")]
    end_time_unix_nano: Option<u64>,
    #[serde(deserialize_with = "lenient::attributes")]
    attributes: Vec<KeyValue>,
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
    #[serde(borrow)]
    scope: Option<&'a RawValue>,
    #[serde(deserialize_with = "object")]
    status: Option<StatusRecord>,
    #[serde(deserialize_with = "lenient::objects")]
    events: Vec<EventRecord>,
    #[serde(deserialize_with = "lenient::objects")]
    links: Vec<LinkRecord>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct StatusRecord {
    #[serde(deserialize_with = "lenient::name_or_number")]
    code: Option<NameOrNumber>,
    #[serde(deserialize_with = "text")]
    message: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct EventRecord {
    #[serde(deserialize_with = "lenient::nanos")]
    time_unix_nano: Option<u64>,
    #[serde(deserialize_with = "text")]
    name: Option<String>,
    #[serde(deserialize_with = "lenient::attributes")]
    attributes: Vec<KeyValue>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct LinkRecord {
    #[serde(deserialize_with = "text")]
    trace_id: Option<String>,
    #[serde(deserialize_with = "text")]
    span_id: Option<String>,
    #[serde(deserialize_with = "text")]
    trace_state: Option<String>,
    #[serde(deserialize_with = "lenient::attributes")]
    attributes: Vec<KeyValue>,
    #[serde(deserialize_with = "lenient::small")]
    flags: Option<u32>,
}

/// Reads one record: the JSON text of a log event's message, or a line of a file.
pub fn read(json: &str) -> Result<ReadSpan<'_>, Unreadable> {
    if !json.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(json) {
            Ok(_) => Unreadable::NotAnObject,
            Err(error) => Unreadable::NotJson(error.to_string()),
        });
    }
    let record: Record = serde_json::from_str(json).map_err(|error| match error.classify() {
        Category::Data => Unreadable::Unexpected(error.to_string()),
        _ => Unreadable::NotJson(error.to_string()),
    })?;
    let mut notes = Vec::new();
    let trace_id = required_id(record.trace_id, "traceId")?;
    let span_id = required_id(record.span_id, "spanId")?;
    let parent_span_id = match record.parent_span_id.as_deref().map(hex_bytes) {
        None => Vec::new(),
        Some(Some(bytes)) => bytes,
        Some(None) => {
            notes.push(format!(
                "parentSpanId {:?} is not hexadecimal; the span is shown without its parent",
                record.parent_span_id.unwrap_or_default()
            ));
            Vec::new()
        }
    };
    let kind = enumerated(record.kind, "kind", span_kind_number, &mut notes);
    let status = record.status.map(|status| Status {
        code: enumerated(status.code, "status code", status_code_number, &mut notes),
        message: status.message.unwrap_or_default(),
    });
    let links = record
        .links
        .into_iter()
        .filter_map(|link| read_link(link, &mut notes))
        .collect();
    let span = Span {
        trace_id,
        span_id,
        trace_state: record.trace_state.unwrap_or_default(),
        parent_span_id,
        flags: record.flags.unwrap_or_default(),
        name: record.name.unwrap_or_default(),
        kind,
        start_time_unix_nano: record.start_time_unix_nano.unwrap_or_default(),
        end_time_unix_nano: record.end_time_unix_nano.unwrap_or_default(),
        attributes: record.attributes,
        events: record.events.into_iter().map(event).collect(),
        links,
        status,
        ..Default::default()
    };
    Ok(ReadSpan {
        span,
        resource: record.resource.map_or("", RawValue::get),
        scope: record.scope.map_or("", RawValue::get),
        notes,
    })
}

fn required_id(id: Option<String>, field: &'static str) -> Result<Vec<u8>, Unreadable> {
    let id = id.filter(|id| !id.trim().is_empty());
    let id = id.ok_or(Unreadable::NoId(field))?;
    hex_bytes(&id).ok_or(Unreadable::NotHex { field, given: id })
}

/// The bytes of an even number of hex digits, either case.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let digits = text.trim().as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |digit: u8| char::from(digit).to_digit(16);
    digits
        .chunks(2)
        .map(|pair| Some((value(pair[0])? * 16 + value(pair[1])?) as u8))
        .collect()
}

/// The number of a kind or status code; an unknown one is read as 0 and named.
fn enumerated(
    given: Option<NameOrNumber>,
    what: &str,
    number_of: fn(&str) -> Option<usize>,
    notes: &mut Vec<String>,
) -> i32 {
    let number = match &given {
        None => return 0,
        Some(NameOrNumber::Name(name)) => number_of(name),
        Some(NameOrNumber::Number(number)) => usize::try_from(*number).ok(),
    };
    match number.and_then(|number| i32::try_from(number).ok()) {
        Some(number) => number,
        None => {
            let shown = match given {
                Some(NameOrNumber::Name(name)) => format!("{name:?}"),
                Some(NameOrNumber::Number(number)) => number.to_string(),
                None => String::new(),
            };
            notes.push(format!("{what} {shown} is not known; read as unset"));
            0
        }
    }
}

fn event(record: EventRecord) -> Event {
    Event {
        time_unix_nano: record.time_unix_nano.unwrap_or_default(),
        name: record.name.unwrap_or_default(),
        attributes: record.attributes,
        ..Default::default()
    }
}

fn read_link(record: LinkRecord, notes: &mut Vec<String>) -> Option<Link> {
    let ids = required_id(record.trace_id, "traceId")
        .and_then(|trace_id| Ok((trace_id, required_id(record.span_id, "spanId")?)));
    match ids {
        Ok((trace_id, span_id)) => Some(Link {
            trace_id,
            span_id,
            trace_state: record.trace_state.unwrap_or_default(),
            attributes: record.attributes,
            flags: record.flags.unwrap_or_default(),
            ..Default::default()
        }),
        Err(why) => {
            notes.push(format!("a link is left out: {why}"));
            None
        }
    }
}
