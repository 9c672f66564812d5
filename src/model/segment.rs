//! Serde types for X-Ray segment documents: the whole schema, tolerant of what real SDKs send.
//!
//! Every field is optional and lenient: a field of the wrong shape is dropped, never the
//! document. Whether a document can be placed at all (it needs an id and a start time) is
//! decided by [`Segment::validate`].

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient;

/// One segment or subsegment document (or a subsegment nested inside one).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Segment {
    #[serde(deserialize_with = "lenient::text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub trace_id: Option<String>,
    #[serde(deserialize_with = "lenient::number")]
    pub start_time: Option<f64>,
    #[serde(deserialize_with = "lenient::number")]
    pub end_time: Option<f64>,
    #[serde(deserialize_with = "lenient::flag")]
    pub in_progress: bool,
    #[serde(deserialize_with = "lenient::text")]
    pub parent_id: Option<String>,
    /// `"subsegment"` for an independent subsegment; absent on segments.
    #[serde(rename = "type", deserialize_with = "lenient::text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub origin: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub user: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub resource_arn: Option<String>,
    /// `aws` or `remote` for calls to other services; `local` and others are kept as sent.
    #[serde(deserialize_with = "lenient::text")]
    pub namespace: Option<String>,
    #[serde(deserialize_with = "lenient::boolean")]
    pub traced: Option<bool>,
    #[serde(deserialize_with = "lenient::flag")]
    pub inferred: bool,
    #[serde(deserialize_with = "lenient::strings")]
    pub precursor_ids: Vec<String>,
    #[serde(deserialize_with = "lenient::flag")]
    pub error: bool,
    #[serde(deserialize_with = "lenient::flag")]
    pub throttle: bool,
    #[serde(deserialize_with = "lenient::flag")]
    pub fault: bool,
    #[serde(deserialize_with = "cause")]
    pub cause: Option<Cause>,
    #[serde(deserialize_with = "lenient::object")]
    pub http: Option<Box<Http>>,
    #[serde(deserialize_with = "lenient::object")]
    pub aws: Option<Box<Aws>>,
    #[serde(deserialize_with = "lenient::object")]
    pub sql: Option<Box<Sql>>,
    #[serde(deserialize_with = "annotations")]
    pub annotations: BTreeMap<String, AnnotationValue>,
    #[serde(deserialize_with = "lenient::object_or_default")]
    pub metadata: BTreeMap<String, Value>,
    #[serde(deserialize_with = "lenient::object")]
    pub service: Option<Service>,
    /// The OpenTelemetry span this document was translated from, as it arrived: kind, status,
    /// attributes, resource, scope, events, links and whether it was sampled. Kept as its
    /// JSON and read when shown: read into values for every span, it was most of the time
    /// taking OTLP spans and of the memory they hold.
    #[serde(
        deserialize_with = "RawObject::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub otel: Option<RawObject>,
    #[serde(
        deserialize_with = "subsegments",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub subsegments: Vec<Box<Segment>>,
    /// Subsegments nested deeper than [`MAX_NESTING`] inside this document, skipped unread.
    #[serde(skip)]
    pub nested_too_deep: u32,
}

/// A JSON object kept as its text.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct RawObject(Box<serde_json::value::RawValue>);

impl PartialEq for RawObject {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl RawObject {
    /// The object's values; `None` only if the text is not JSON, which a parsed one always is.
    pub fn read(&self) -> Option<Value> {
        serde_json::from_str(self.0.get()).ok()
    }

    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// An object as it came, or `None` for any other value.
    fn lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<RawObject>, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        Ok(raw.get().starts_with('{').then_some(RawObject(raw)))
    }
}

/// Levels of subsegments read inside one document. Real SDKs stay far below; deeper input is
/// skipped without recursion, so hostile documents cannot exhaust a thread's stack.
pub const MAX_NESTING: u32 = 60;

thread_local! {
    static NESTING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    static SKIPPED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Why a document (or a nested subsegment) could not be placed in a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    MissingId,
    MissingStartTime,
    MissingTraceId,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invalid::MissingId => "no \"id\"",
            Invalid::MissingStartTime => "no \"start_time\"",
            Invalid::MissingTraceId => "no \"trace_id\"",
        })
    }
}

impl Segment {
    /// Parses one document. Errors only when the text is not a JSON object.
    pub fn parse(text: &str) -> Result<Segment, serde_json::Error> {
        // Derived structs also accept arrays (fields by position): a document must be an object.
        if !text.trim_start().starts_with('{') {
            return Err(de::Error::custom("expected a JSON object"));
        }
        SKIPPED.set(0);
        NESTING.set(0);
        let mut segment: Segment = serde_json::from_str(text)?;
        segment.nested_too_deep = SKIPPED.replace(0);
        Ok(segment)
    }

    /// A document needs an id and a start time to be placed; a top-level one also a trace id.
    pub fn validate(&self, top_level: bool) -> Result<(), Invalid> {
        if self.id.as_deref().is_none_or(str::is_empty) {
            return Err(Invalid::MissingId);
        }
        if self.start_time.is_none() {
            return Err(Invalid::MissingStartTime);
        }
        if top_level && self.trace_id.as_deref().is_none_or(str::is_empty) {
            return Err(Invalid::MissingTraceId);
        }
        Ok(())
    }

    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    pub fn is_independent_subsegment(&self) -> bool {
        self.kind.as_deref() == Some("subsegment")
    }

    /// Duration in seconds; `None` while in progress or when the end is missing or before the start.
    pub fn duration(&self) -> Option<f64> {
        let (start, end) = (self.start_time?, self.end_time?);
        (end >= start).then_some(end - start)
    }

    pub fn http_status(&self) -> Option<i64> {
        self.http.as_ref()?.response.as_ref()?.status
    }

    pub fn status(&self) -> Status {
        Status::of(self.fault, self.error, self.throttle)
    }
}

/// Health of a span or trace, in the order X-Ray colours them (fault is worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Status {
    #[default]
    Ok,
    Throttle,
    Error,
    Fault,
}

impl Status {
    pub fn of(fault: bool, error: bool, throttle: bool) -> Status {
        if fault {
            Status::Fault
        } else if throttle {
            Status::Throttle
        } else if error {
            Status::Error
        } else {
            Status::Ok
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Throttle => "throttle",
            Status::Error => "error",
            Status::Fault => "fault",
        }
    }
}

/// `cause`: either the exceptions themselves, or the id of an exception recorded elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cause {
    ExceptionId(String),
    Details(CauseDetails),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct CauseDetails {
    #[serde(deserialize_with = "lenient::text")]
    pub working_directory: Option<String>,
    #[serde(deserialize_with = "lenient::strings")]
    pub paths: Vec<String>,
    #[serde(deserialize_with = "lenient::objects")]
    pub exceptions: Vec<Exception>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Exception {
    #[serde(deserialize_with = "lenient::text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub message: Option<String>,
    #[serde(rename = "type", deserialize_with = "lenient::text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "lenient::flag")]
    pub remote: bool,
    #[serde(deserialize_with = "lenient::integer")]
    pub truncated: Option<i64>,
    #[serde(deserialize_with = "lenient::integer")]
    pub skipped: Option<i64>,
    /// Id of the exception that caused this one (a nested cause).
    #[serde(deserialize_with = "lenient::text")]
    pub cause: Option<String>,
    #[serde(deserialize_with = "lenient::objects")]
    pub stack: Vec<StackFrame>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct StackFrame {
    #[serde(deserialize_with = "lenient::text")]
    pub path: Option<String>,
    #[serde(deserialize_with = "lenient::integer")]
    pub line: Option<i64>,
    #[serde(deserialize_with = "lenient::text")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Http {
    #[serde(deserialize_with = "lenient::object")]
    pub request: Option<HttpRequest>,
    #[serde(deserialize_with = "lenient::object")]
    pub response: Option<HttpResponse>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct HttpRequest {
    #[serde(deserialize_with = "lenient::text")]
    pub method: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub user_agent: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub client_ip: Option<String>,
    #[serde(deserialize_with = "lenient::boolean")]
    pub x_forwarded_for: Option<bool>,
    #[serde(deserialize_with = "lenient::boolean")]
    pub traced: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct HttpResponse {
    #[serde(deserialize_with = "lenient::integer")]
    pub status: Option<i64>,
    #[serde(deserialize_with = "lenient::integer")]
    pub content_length: Option<i64>,
}

/// The `aws` block: call details on subsegments, resource details on segments.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Aws {
    #[serde(deserialize_with = "lenient::text")]
    pub operation: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub region: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub request_id: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub table_name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub queue_url: Option<String>,
    #[serde(deserialize_with = "lenient::integer")]
    pub retries: Option<i64>,
    #[serde(deserialize_with = "lenient::text")]
    pub account_id: Option<String>,
    #[serde(deserialize_with = "lenient::strings")]
    pub resource_names: Vec<String>,
    #[serde(deserialize_with = "lenient::object")]
    pub ec2: Option<BTreeMap<String, Value>>,
    #[serde(deserialize_with = "lenient::object")]
    pub ecs: Option<BTreeMap<String, Value>>,
    #[serde(deserialize_with = "lenient::object")]
    pub eks: Option<BTreeMap<String, Value>>,
    #[serde(deserialize_with = "lenient::object")]
    pub elastic_beanstalk: Option<BTreeMap<String, Value>>,
    #[serde(deserialize_with = "lenient::object")]
    pub lambda: Option<BTreeMap<String, Value>>,
    #[serde(deserialize_with = "lenient::object")]
    pub xray: Option<BTreeMap<String, Value>>,
    /// Everything else SDKs put here (function_name, topic_arn, log_type, ...).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Sql {
    #[serde(deserialize_with = "lenient::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub connection_string: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub preparation: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub database_type: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub database_version: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub driver_version: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub user: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub sanitized_query: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Service {
    #[serde(deserialize_with = "lenient::text")]
    pub version: Option<String>,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// Annotation values are strings, numbers or booleans; anything else is dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnnotationValue {
    Bool(bool),
    Number(f64),
    String(String),
}

impl fmt::Display for AnnotationValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnnotationValue::Bool(b) => write!(f, "{b}"),
            AnnotationValue::Number(n) => write!(f, "{n}"),
            AnnotationValue::String(s) => f.write_str(s),
        }
    }
}

fn cause<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Cause>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(id) => Some(Cause::ExceptionId(id)),
        value @ Value::Object(_) => serde_json::from_value(value).ok().map(Cause::Details),
        _ => None,
    })
}

fn annotations<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, AnnotationValue>, D::Error> {
    struct Annotation(Option<AnnotationValue>);
    impl<'de> Deserialize<'de> for Annotation {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Ok(Annotation(match lenient::scalar(d)? {
                lenient::Scalar::Bool(b) => Some(AnnotationValue::Bool(b)),
                lenient::Scalar::Number(n) => Some(AnnotationValue::Number(n)),
                lenient::Scalar::Text(s) => Some(AnnotationValue::String(s)),
                lenient::Scalar::Other => None,
            }))
        }
    }
    let map: BTreeMap<String, Annotation> = lenient::object_or_default(deserializer)?;
    Ok(map
        .into_iter()
        .filter_map(|(key, value)| Some((key, value.0?)))
        .collect())
}

/// Nested subsegments, deserialized in place (no intermediate `Value`), skipping elements
/// that are not objects.
#[expect(
    clippy::vec_box,
    reason = "boxed on the parsing threads, so that assembling a trace moves pointers"
)]
fn subsegments<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Box<Segment>>, D::Error> {
    struct ListVisitor;
    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<Box<Segment>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of subsegments")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Box<Segment>>, A::Error> {
            let mut items = Vec::new();
            while let Some(slot) = seq.next_element::<SegmentSlot>()? {
                // Boxed here, on the parsing threads, so assembly moves pointers.
                items.extend(slot.0.map(Box::new));
            }
            Ok(items)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Box<Segment>>, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Vec::new())
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<Box<Segment>>, E> {
            Ok(Vec::new())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Vec<Box<Segment>>, E> {
            Ok(Vec::new())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Vec<Box<Segment>>, E> {
            Ok(Vec::new())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Vec<Box<Segment>>, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Vec<Box<Segment>>, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<Box<Segment>>, E> {
            Ok(Vec::new())
        }
    }
    deserializer.deserialize_any(ListVisitor)
}

struct SegmentSlot(Option<Segment>);

impl<'de> Deserialize<'de> for SegmentSlot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let depth = NESTING.get();
        if depth >= MAX_NESTING {
            // Skipping is iterative in serde_json: no stack grows here.
            IgnoredAny::deserialize(deserializer)?;
            SKIPPED.set(SKIPPED.get() + 1);
            return Ok(SegmentSlot(None));
        }
        NESTING.set(depth + 1);
        let slot = Self::read(deserializer);
        NESTING.set(depth);
        slot
    }
}

impl SegmentSlot {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SlotVisitor;
        impl<'de> Visitor<'de> for SlotVisitor {
            type Value = SegmentSlot;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a subsegment")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SegmentSlot, A::Error> {
                Segment::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|s| SegmentSlot(Some(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SegmentSlot, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(SegmentSlot(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<SegmentSlot, E> {
                Ok(SegmentSlot(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<SegmentSlot, E> {
                Ok(SegmentSlot(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<SegmentSlot, E> {
                Ok(SegmentSlot(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<SegmentSlot, E> {
                Ok(SegmentSlot(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<SegmentSlot, E> {
                Ok(SegmentSlot(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<SegmentSlot, E> {
                Ok(SegmentSlot(None))
            }
        }
        deserializer.deserialize_any(SlotVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_what_real_sdks_send() {
        let doc = r#"{"id":"53995c3f42cd8ad8","name":"api","start_time":1.568835610432E9,
            "trace_id":"1-581cf771-a006649127e371903a2de979","cause":200,"Dummy":false,
            "http":{"response":{"status":"200","content_length":"861"}},
            "annotations":{"s":"x","n":3,"b":true,"bad":{"nested":1}},
            "subsegments":[{"id":"aa","start_time":1},"junk",3,{"id":"bb","start_time":2}]}"#;
        let seg = Segment::parse(doc).unwrap();
        assert_eq!(seg.start_time, Some(1568835610.432));
        assert_eq!(seg.cause, None);
        assert_eq!(seg.http_status(), Some(200));
        let response = seg.http.as_ref().unwrap().response.as_ref().unwrap();
        assert_eq!(response.content_length, Some(861));
        assert_eq!(seg.annotations.len(), 3);
        assert_eq!(seg.annotations["n"], AnnotationValue::Number(3.0));
        let ids: Vec<_> = seg.subsegments.iter().map(|s| s.id()).collect();
        assert_eq!(ids, ["aa", "bb"]);
        assert_eq!(seg.validate(true), Ok(()));
    }

    #[test]
    fn cause_as_exception_id() {
        let seg =
            Segment::parse(r#"{"id":"a","start_time":1,"cause":"abcdefghijklmnop"}"#).unwrap();
        assert_eq!(
            seg.cause,
            Some(Cause::ExceptionId("abcdefghijklmnop".into()))
        );
    }

    #[test]
    fn missing_fields_are_reported() {
        let seg = Segment::parse(r#"{"name":"x","start_time":1}"#).unwrap();
        assert_eq!(seg.validate(false), Err(Invalid::MissingId));
        let seg = Segment::parse(r#"{"id":"x"}"#).unwrap();
        assert_eq!(seg.validate(false), Err(Invalid::MissingStartTime));
        let seg = Segment::parse(r#"{"id":"x","start_time":1}"#).unwrap();
        assert_eq!(seg.validate(true), Err(Invalid::MissingTraceId));
        assert!(Segment::parse("[1,2]").is_err());
    }
}
