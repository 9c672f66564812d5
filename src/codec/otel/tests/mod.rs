//! One row per rule of the translation, each checked on the documents it writes.

mod attributes;
mod blocks;
mod decoding;
mod naming;

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::Event;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use serde_json::{Value as Json, json};

use super::*;
use crate::model::Segment;

const TRACE_ID: [u8; 16] = [
    0x65, 0x8a, 0x4f, 0x10, 0xa0, 0x06, 0x64, 0x91, 0x27, 0xe3, 0x71, 0x90, 0x3a, 0x2d, 0xe9, 0x79,
];
const XRAY_TRACE_ID: &str = "1-658a4f10-a006649127e371903a2de979";
const SPAN_ID: [u8; 8] = [0x53, 0x99, 0x5c, 0x3f, 0x42, 0xcd, 0x8a, 0xd8];
const PARENT_ID: [u8; 8] = [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11];
const START: u64 = 1_700_000_000_500_000_000;

const INTERNAL: i32 = 1;
const SERVER: i32 = 2;
const CLIENT: i32 = 3;
const PRODUCER: i32 = 4;

fn text(value: &str) -> Value {
    Value::StringValue(value.into())
}

fn strings(values: &[&str]) -> Value {
    Value::ArrayValue(ArrayValue {
        values: values
            .iter()
            .map(|v| AnyValue {
                value: Some(text(v)),
            })
            .collect(),
    })
}

fn pairs(list: &[(&str, Value)]) -> Vec<KeyValue> {
    list.iter()
        .map(|(key, value)| KeyValue {
            key: (*key).into(),
            value: Some(AnyValue {
                value: Some(value.clone()),
            }),
            ..Default::default()
        })
        .collect()
}

fn span(name: &str, kind: i32, parent: bool, attributes: &[(&str, Value)]) -> Span {
    Span {
        trace_id: TRACE_ID.to_vec(),
        span_id: SPAN_ID.to_vec(),
        parent_span_id: if parent {
            PARENT_ID.to_vec()
        } else {
            Vec::new()
        },
        name: name.into(),
        kind,
        start_time_unix_nano: START,
        end_time_unix_nano: START + 250_000_000,
        attributes: pairs(attributes),
        ..Default::default()
    }
}

fn request(resource: &[(&str, Value)], spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: pairs(resource),
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "opentelemetry.instrumentation.flask".into(),
                    version: "0.48b0".into(),
                    ..Default::default()
                }),
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn default_resource() -> Vec<(&'static str, Value)> {
    vec![
        ("service.name", text("orders")),
        ("telemetry.sdk.language", text("python")),
        ("cloud.provider", text("aws")),
        ("cloud.platform", text("aws_ec2")),
    ]
}

/// Every document, parsed, and the problems.
fn translate_with(
    request: &ExportTraceServiceRequest,
    options: &TranslateOptions,
) -> (Vec<Json>, Vec<String>) {
    let translated = translate(request, options);
    let documents = translated
        .documents
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect();
    (documents, translated.problems)
}

/// The one document of one span, on the default resource.
fn only(span: Span) -> Json {
    let (mut documents, problems) = translate_with(
        &request(&default_resource(), vec![span]),
        &TranslateOptions::default(),
    );
    assert_eq!(documents.len(), 1);
    assert!(problems.is_empty(), "{problems:?}");
    documents.remove(0)
}

fn exception_event(kind: &str, message: &str, stacktrace: &str) -> Event {
    Event {
        name: "exception".into(),
        time_unix_nano: START + 100_000_000,
        attributes: pairs(&[
            ("exception.type", text(kind)),
            ("exception.message", text(message)),
            ("exception.stacktrace", text(stacktrace)),
        ]),
        ..Default::default()
    }
}
