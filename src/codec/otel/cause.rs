//! Errors, faults and throttles, and the `cause` block: exceptions from `exception` events
//! (with their stack traces), failed AWS SDK attempts, or the status message of a span that
//! ended in error without saying why.

use std::borrow::Cow;

use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::Event;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use serde::Serialize;

use super::attributes::Attributes;
use super::names::Kind;
use super::stacktrace::{self, Frame};

const EXCEPTION_EVENT: &str = "exception";
/// An AWS SDK attempt that failed, recorded by the ADOT instrumentation.
const AWS_HTTP_FAILURE_EVENT: &str = "HTTP request failure";
const AWS_HTTP_FAILURE_TYPE: &str = "aws.http.error.event";

/// Error (4xx), throttle (429) and fault (5xx, or status ERROR without a 4xx code).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    pub error: bool,
    pub throttle: bool,
    pub fault: bool,
}

pub fn flags(http_status: Option<i64>, status_error: bool) -> Flags {
    match http_status {
        Some(code @ 400..=499) => Flags {
            error: true,
            throttle: code == 429,
            fault: false,
        },
        Some(500..=599) => Flags {
            fault: true,
            ..Flags::default()
        },
        _ => Flags {
            fault: status_error,
            ..Flags::default()
        },
    }
}

pub fn is_error(span: &Span) -> bool {
    span.status
        .as_ref()
        .is_some_and(|status| status.code == StatusCode::Error as i32)
}

#[derive(Debug, Clone, Serialize)]
pub struct Cause<'a> {
    pub exceptions: Vec<Exception<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exception<'a> {
    pub id: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub remote: bool,
    /// The id of the exception that caused this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stack: Vec<StackFrame<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StackFrame<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'a str>,
}

impl<'a> From<Frame<'a>> for StackFrame<'a> {
    fn from(frame: Frame<'a>) -> Self {
        StackFrame {
            path: frame.path,
            line: frame.line,
            label: frame.label,
        }
    }
}

/// What the cause is made from, besides the span.
pub struct Context<'s, 'a> {
    pub kind: Kind,
    pub aws_sdk: bool,
    pub attributes: &'s Attributes<'a>,
    /// The resource's `telemetry.sdk.language`, which says how stack traces are printed.
    pub language: Option<&'a str>,
    /// Makes the id of the n-th exception.
    pub exception_id: &'s dyn Fn(usize) -> String,
}

/// The cause block, if the span has exceptions or ended in error with a message. The second
/// value says whether `http.status_text` was used as the message.
pub fn cause<'a>(span: &'a Span, context: &Context<'_, 'a>) -> (Option<Cause<'a>>, bool) {
    let failure_events = |event: &&Event| {
        event.name == EXCEPTION_EVENT || (context.aws_sdk && event.name == AWS_HTTP_FAILURE_EVENT)
    };
    if span.events.iter().any(|event| failure_events(&event)) {
        let mut exceptions = Vec::new();
        for event in span.events.iter().filter(failure_events) {
            if event.name == EXCEPTION_EVENT {
                exception_event(event, context, &mut exceptions);
            } else if let Some(failure) = aws_http_failure(event, context, exceptions.len()) {
                exceptions.push(failure);
            }
        }
        return (Some(Cause { exceptions }), false);
    }
    if !is_error(span) {
        return (None, false);
    }
    let status_message = span
        .status
        .as_ref()
        .map(|status| status.message.as_str())
        .filter(|message| !message.is_empty());
    let (message, from_status_text) = match status_message {
        Some(message) => (Some(message), false),
        None => (context.attributes.str("http.status_text"), true),
    };
    let Some(message) = message else {
        return (None, false);
    };
    let exception = Exception {
        id: (context.exception_id)(0),
        kind: None,
        message: Some(Cow::Borrowed(message)),
        remote: false,
        cause: None,
        stack: Vec::new(),
    };
    (
        Some(Cause {
            exceptions: vec![exception],
        }),
        from_status_text,
    )
}

/// One exception event: the exception, then any causes its stack trace prints, each
/// pointing at the next by id.
fn exception_event<'a>(
    event: &'a Event,
    context: &Context<'_, 'a>,
    exceptions: &mut Vec<Exception<'a>>,
) {
    let attributes = Attributes::new(&event.attributes);
    let remote = matches!(context.kind, Kind::Client | Kind::Producer);
    let parsed = attributes
        .str("exception.stacktrace")
        .map(|text| stacktrace::parse(context.language, text))
        .unwrap_or_default();
    let first = exceptions.len();
    exceptions.push(Exception {
        id: (context.exception_id)(first),
        kind: attributes.str("exception.type"),
        message: attributes.str("exception.message").map(Cow::Borrowed),
        remote,
        cause: None,
        stack: parsed.frames.into_iter().map(StackFrame::from).collect(),
    });
    for cause in parsed.causes {
        let id = (context.exception_id)(exceptions.len());
        if let Some(previous) = exceptions.last_mut() {
            previous.cause = Some(id.clone());
        }
        exceptions.push(Exception {
            id,
            kind: cause.kind,
            message: cause.message,
            remote,
            cause: None,
            stack: cause.frames.into_iter().map(StackFrame::from).collect(),
        });
    }
}

/// `<status>@<seconds>@<message>`, as the exporter writes a failed SDK attempt.
fn aws_http_failure<'a>(
    event: &'a Event,
    context: &Context<'_, 'a>,
    index: usize,
) -> Option<Exception<'a>> {
    let attributes = Attributes::new(&event.attributes);
    let status = attributes.text("http.response.status_code")?;
    let message = attributes.str("aws.http.error_message")?;
    let micros = event.time_unix_nano / 1_000;
    let seconds = format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
    Some(Exception {
        id: (context.exception_id)(index),
        kind: Some(AWS_HTTP_FAILURE_TYPE),
        message: Some(Cow::Owned(format!("{status}@{seconds}@{message}"))),
        remote: true,
        cause: None,
        stack: Vec::new(),
    })
}
