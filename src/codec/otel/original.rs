//! The span as it arrived, kept in each of its documents under `"otel"` for a details view:
//! its own name, kind, ids, status, attributes, resource, scope, events and links.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::{Event, Link};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::ids::{TRACE_ID_LEN, hex, xray_trace_id};
use super::names::Kind;
use super::value::{Object, object};

/// The key of the block in a document.
pub const KEY: &str = "otel";

#[derive(Clone, Serialize)]
pub struct Original<'a> {
    pub name: &'a str,
    pub kind: Cow<'static, str>,
    pub trace_id: String,
    pub span_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<String>,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub trace_state: &'a str,
    pub status: Status<'a>,
    pub attributes: Object<'a>,
    pub resource: ResourceCopy<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope<'a>>,
    pub events: Events<'a>,
    pub links: Links<'a>,
    pub sampled: bool,
    /// Which of the two documents of a local-root call this is: `service` or `dependency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_root: Option<&'static str>,
    #[serde(skip_serializing_if = "is_zero")]
    pub dropped_attributes_count: u32,
    #[serde(skip_serializing_if = "is_zero")]
    pub dropped_events_count: u32,
    #[serde(skip_serializing_if = "is_zero")]
    pub dropped_links_count: u32,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

#[derive(Clone, Serialize)]
pub struct Status<'a> {
    pub code: Cow<'static, str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub message: &'a str,
}

#[derive(Clone, Serialize)]
pub struct Scope<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub version: &'a str,
    #[serde(skip_serializing_if = "Object::is_empty")]
    pub attributes: Object<'a>,
}

pub fn original<'a>(
    span: &'a Span,
    resource: ResourceCopy<'a>,
    scope: Option<&'a InstrumentationScope>,
    sampled: bool,
) -> Original<'a> {
    let status = span.status.as_ref();
    Original {
        name: &span.name,
        kind: match span.kind {
            0..=5 => Cow::Borrowed(Kind::of(span.kind).label()),
            other => Cow::Owned(format!("UNKNOWN({other})")),
        },
        trace_id: hex(&span.trace_id),
        span_id: hex(&span.span_id),
        parent_span_id: (!span.parent_span_id.is_empty()).then(|| hex(&span.parent_span_id)),
        trace_state: &span.trace_state,
        status: Status {
            code: match status.map_or(0, |s| s.code) {
                0 => Cow::Borrowed("UNSET"),
                1 => Cow::Borrowed("OK"),
                2 => Cow::Borrowed("ERROR"),
                other => Cow::Owned(format!("UNKNOWN({other})")),
            },
            message: status.map_or("", |s| s.message.as_str()),
        },
        attributes: object(&span.attributes),
        resource,
        scope: scope.map(|scope| Scope {
            name: &scope.name,
            version: &scope.version,
            attributes: object(&scope.attributes),
        }),
        events: Events(&span.events),
        links: Links(&span.links),
        sampled,
        local_root: None,
        dropped_attributes_count: span.dropped_attributes_count,
        dropped_events_count: span.dropped_events_count,
        dropped_links_count: span.dropped_links_count,
    }
}

/// The resource's attributes, or, where a large resource is not repeated, where they are.
#[derive(Clone)]
pub enum ResourceCopy<'a> {
    Full(Object<'a>),
    Elsewhere(&'a str),
}

impl Serialize for ResourceCopy<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ResourceCopy::Full(attributes) => attributes.serialize(serializer),
            ResourceCopy::Elsewhere(note) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(NOT_REPEATED, note)?;
                map.end()
            }
        }
    }
}

/// The only key of a resource that is not repeated in a document.
pub const NOT_REPEATED: &str = "(not repeated)";

/// Seconds since the epoch, to the nanosecond as far as a double allows.
pub fn seconds(unix_nano: u64) -> f64 {
    (unix_nano / 1_000_000_000) as f64 + (unix_nano % 1_000_000_000) as f64 / 1e9
}

/// A span's events, written as they are serialized: nothing is copied.
#[derive(Clone, Copy)]
pub struct Events<'a>(&'a [Event]);

impl Serialize for Events<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct EventOut<'a> {
            name: &'a str,
            time: f64,
            attributes: Object<'a>,
        }
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for event in self.0 {
            seq.serialize_element(&EventOut {
                name: &event.name,
                time: seconds(event.time_unix_nano),
                attributes: object(&event.attributes),
            })?;
        }
        seq.end()
    }
}

/// A span's links; each names its trace in OTLP's hex and, when it is valid, X-Ray's form.
#[derive(Clone, Copy)]
pub struct Links<'a>(&'a [Link]);

impl Serialize for Links<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct LinkOut<'a> {
            trace_id: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            xray_trace_id: Option<String>,
            span_id: String,
            #[serde(skip_serializing_if = "str::is_empty")]
            trace_state: &'a str,
            attributes: Object<'a>,
        }
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for link in self.0 {
            seq.serialize_element(&LinkOut {
                trace_id: hex(&link.trace_id),
                xray_trace_id: (link.trace_id.len() == TRACE_ID_LEN)
                    .then(|| xray_trace_id(&link.trace_id)),
                span_id: hex(&link.span_id),
                trace_state: &link.trace_state,
                attributes: object(&link.attributes),
            })?;
        }
        seq.end()
    }
}
