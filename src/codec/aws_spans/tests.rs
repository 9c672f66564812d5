use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use serde_json::json;

use super::logs::{NoMessage, event_message, row_message, row_object_message};
use super::*;
use crate::codec::otel::{TranslateOptions, translate};

/// The real record of the reference notes (see tests/fixtures/aws-spans/README.md).
const REAL: &str = include_str!("../../../tests/fixtures/aws-spans/lambda-handler.real.json");
const FULL: &str = include_str!("../../../tests/fixtures/aws-spans/post-orders.reconstructed.json");
const OLD_SEMCONV: &str =
    include_str!("../../../tests/fixtures/aws-spans/s3-client-old-semconv.reconstructed.json");

fn attribute<'a>(pairs: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    pairs
        .iter()
        .find(|pair| pair.key == key)
        .and_then(|pair| pair.value.as_ref()?.value.as_ref())
}

/// The documents the translator makes of records, as JSON.
fn documents(records: &[&str]) -> Vec<serde_json::Value> {
    let mut batch = SpanBatch::default();
    for (index, record) in records.iter().enumerate() {
        batch.push(read(record).unwrap(), index);
    }
    let (request, _) = batch.into_request();
    let translated = translate(&request, &TranslateOptions::default());
    assert!(translated.problems.is_empty(), "{:?}", translated.problems);
    translated
        .documents
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect()
}

#[test]
fn the_real_record_reads_whole() {
    let read = read(REAL).unwrap();
    let span = &read.span;
    assert!(read.notes.is_empty(), "{:?}", read.notes);
    assert_eq!(
        span.trace_id,
        [
            0x67, 0x59, 0xb1, 0xc5, 0x0e, 0x59, 0xb6, 0x43, 0x03, 0x8a, 0x6a, 0x07, 0x0e, 0x11,
            0x50, 0x43
        ]
    );
    assert_eq!(
        span.span_id,
        [0x2a, 0x22, 0xad, 0x6d, 0x7a, 0xeb, 0x6e, 0xf2]
    );
    assert_eq!(
        span.parent_span_id,
        [0x48, 0xfe, 0xc9, 0x3d, 0xfe, 0x40, 0x95, 0x9d]
    );
    assert_eq!(span.name, "app.lambda_handler");
    assert_eq!(span.kind, 2, "SERVER");
    // Integers of 19 digits, exact: a double would round them.
    assert_eq!(span.start_time_unix_nano, 1_733_931_461_640_310_404);
    assert_eq!(span.end_time_unix_nano, 1_733_931_462_360_000_208);
    let keys: Vec<&str> = span.attributes.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "aws.local.service",
            "aws.local.operation",
            "aws.span.kind",
            "PlatformType"
        ]
    );
    assert_eq!(
        attribute(&span.attributes, "PlatformType"),
        Some(&Value::StringValue("AWS::Lambda".into()))
    );
    assert_eq!(span.status.as_ref().map(|s| s.code), Some(0), "UNSET");
    assert!(
        read.resource
            .contains("\"faas.name\":\"stack-replay-recorder\"")
    );
    assert!(
        read.scope
            .contains("opentelemetry.instrumentation.aws_lambda")
    );

    let documents = documents(&[REAL]);
    assert_eq!(
        documents.len(),
        1,
        "a local root server span is one segment"
    );
    let segment = &documents[0];
    assert_eq!(segment["trace_id"], "1-6759b1c5-0e59b643038a6a070e115043");
    assert_eq!(segment["id"], "2a22ad6d7aeb6ef2");
    assert_eq!(segment["parent_id"], "48fec93dfe40959d");
    assert_eq!(segment["name"], "stack-replay-recorder");
    assert_eq!(segment["otel"]["scope"]["version"], "0.48b0");
    assert_eq!(
        segment["otel"]["resource"]["cloud.region"], "us-east-1",
        "the resource is read from the record"
    );
}

#[test]
fn the_full_event_keeps_its_flags_status_and_exception() {
    let read = read(FULL).unwrap();
    assert_eq!(read.span.flags, 257);
    let status = read.span.status.as_ref().unwrap();
    assert_eq!((status.code, status.message.as_str()), (2, "..."));
    assert_eq!(read.span.events.len(), 1);
    let event = &read.span.events[0];
    assert_eq!(event.name, "exception");
    assert_eq!(event.time_unix_nano, 1_738_662_850_600_000_000);
    assert_eq!(
        attribute(&read.span.attributes, "http.response.status_code"),
        Some(&Value::IntValue(500))
    );

    let documents = documents(&[FULL]);
    let segment = &documents[0];
    assert_eq!(segment["name"], "checkout");
    assert_eq!(segment["fault"], true);
    assert_eq!(segment["http"]["request"]["method"], "POST");
    assert_eq!(segment["http"]["response"]["status"], 500);
    assert_eq!(
        segment["cause"]["exceptions"][0]["type"],
        "java.lang.IllegalStateException"
    );
}

#[test]
fn old_semantic_conventions_give_the_same_blocks() {
    let documents = documents(&[OLD_SEMCONV]);
    let call = documents
        .iter()
        .find(|d| d["namespace"] == "aws")
        .expect("the S3 call is an aws subsegment");
    assert_eq!(call["name"], "S3");
    assert_eq!(call["aws"]["operation"], "GetBucketLocation");
    assert_eq!(call["http"]["request"]["method"], "GET");
    assert_eq!(call["http"]["response"]["status"], 200);
    assert_eq!(call["parent_id"], "c0ffee0000000001");
}

#[test]
fn fields_of_the_wrong_shape_are_absent() {
    let record = json!({
        "traceId": "6759B1C50E59B643038A6A070E115043",
        "spanId": "2a22ad6d7aeb6ef2",
        "parentSpanId": "not-hex!",
        "name": ["a", "list"],
        "kind": {"name": "SERVER"},
        "startTimeUnixNano": "1733931461640310404",
        "endTimeUnixNano": -5,
        "flags": "lots",
        "attributes": "http.method=GET",
        "status": "ERROR",
        "events": [1, "two", {"name": "retry", "timeUnixNano": true, "attributes": []}],
        "links": [{"traceId": "abc"}],
        "resource": ["service.name"],
        "scope": 7
    })
    .to_string();
    let read = read(&record).unwrap();
    let span = &read.span;
    assert_eq!(span.trace_id[0], 0x67, "capital hex is hex");
    assert!(span.parent_span_id.is_empty());
    assert_eq!(span.name, "");
    assert_eq!(span.kind, 0);
    assert_eq!(span.start_time_unix_nano, 1_733_931_461_640_310_404);
    assert_eq!(span.end_time_unix_nano, 0);
    assert_eq!(span.flags, 0);
    assert!(span.attributes.is_empty());
    assert!(span.status.is_none());
    assert_eq!(span.events.len(), 1);
    assert_eq!(
        (span.events[0].name.as_str(), span.events[0].time_unix_nano),
        ("retry", 0)
    );
    assert!(span.links.is_empty());
    assert_eq!(
        read.notes,
        [
            "parentSpanId \"not-hex!\" is not hexadecimal; the span is shown without its parent",
            "a link is left out: traceId \"abc\" is not hexadecimal",
        ]
    );

    let mut batch = SpanBatch::default();
    batch.push(read, ());
    let (request, _) = batch.into_request();
    assert!(request.resource_spans[0].resource.is_none());
    assert!(request.resource_spans[0].scope_spans[0].scope.is_none());
}

#[test]
fn unknown_kinds_and_codes_are_named() {
    let record = r#"{"traceId":"6759b1c50e59b643038a6a070e115043","spanId":"2a22ad6d7aeb6ef2",
        "kind":"SPAN_KIND_CLIENT","status":{"code":"BROKEN"}}"#;
    let read = read(record).unwrap();
    assert_eq!(read.span.kind, 3);
    assert_eq!(read.span.status.as_ref().unwrap().code, 0);
    assert_eq!(
        read.notes,
        ["status code \"BROKEN\" is not known; read as unset"]
    );
}

#[test]
fn a_record_without_usable_ids_gives_no_span() {
    let ids = |trace: serde_json::Value, span: serde_json::Value| {
        read(&json!({"traceId": trace, "spanId": span, "name": "x"}).to_string())
            .map(|_| ())
            .unwrap_err()
    };
    let trace = json!("6759b1c50e59b643038a6a070e115043");
    assert_eq!(
        ids(json!(null), json!("2a22ad6d7aeb6ef2")),
        Unreadable::NoId("traceId")
    );
    assert_eq!(ids(trace.clone(), json!("")), Unreadable::NoId("spanId"));
    assert_eq!(
        ids(trace.clone(), json!({"id": 1})),
        Unreadable::NoId("spanId")
    );
    assert_eq!(
        ids(trace, json!("2a22ad6d7aeb6ef")),
        Unreadable::NotHex {
            field: "spanId",
            given: "2a22ad6d7aeb6ef".into()
        }
    );
    assert_eq!(
        read(r#"{"name": "x"}"#).unwrap_err(),
        Unreadable::NoId("traceId")
    );
    assert_eq!(read(r#"["traceId"]"#).unwrap_err(), Unreadable::NotAnObject);
    assert!(matches!(
        read("{\"traceId\": "),
        Err(Unreadable::NotJson(_))
    ));
    assert_eq!(
        read(r#"{"spanId": "01", "spanId": "02"}"#).unwrap_err(),
        Unreadable::Unexpected("duplicate field `spanId` at line 1 column 25".into())
    );
    assert_eq!(
        Unreadable::NoId("traceId").to_string(),
        "no traceId",
        "said as the reason a record was skipped"
    );
}

#[test]
fn spans_are_grouped_by_resource_and_scope() {
    let span = |id: &str, service: &str, scope: &str| {
        json!({
            "resource": {"attributes": {"service.name": service}},
            "scope": {"name": scope},
            "traceId": "6759b1c50e59b643038a6a070e115043",
            "spanId": id
        })
        .to_string()
    };
    let records = [
        span("0000000000000001", "cart", "http"),
        span("0000000000000002", "pay", "http"),
        span("0000000000000003", "cart", "db"),
        span("0000000000000004", "cart", "http"),
    ];
    let mut batch = SpanBatch::default();
    for (index, record) in records.iter().enumerate() {
        batch.push(read(record).unwrap(), index);
    }
    assert_eq!(batch.len(), 4);
    let (request, labels) = batch.into_request();
    let shape: Vec<Vec<(String, Vec<u8>)>> = request
        .resource_spans
        .iter()
        .map(|resource| {
            resource
                .scope_spans
                .iter()
                .flat_map(|scope| {
                    let name = scope.scope.as_ref().unwrap().name.clone();
                    scope
                        .spans
                        .iter()
                        .map(move |s| (name.clone(), s.span_id.clone()))
                })
                .map(|(scope, id)| (scope, vec![id[7]]))
                .collect()
        })
        .collect();
    let pair = |scope: &str, id: u8| (scope.to_owned(), vec![id]);
    assert_eq!(
        shape,
        [
            vec![pair("http", 1), pair("http", 4), pair("db", 3)],
            vec![pair("http", 2)]
        ]
    );
    assert_eq!(
        labels.get(0, 1),
        Some(&3),
        "span 2 of resource 1 is record 4"
    );
    assert_eq!(labels.get(0, 2), Some(&2));
    assert_eq!(labels.get(1, 0), Some(&1));
    assert_eq!(labels.get(1, 1), None);
}

#[test]
fn messages_come_out_of_log_events_and_query_rows() {
    assert_eq!(
        event_message(r#"{"timestamp": 1, "message": "{\"traceId\":\"ab\"}"}"#),
        Ok(r#"{"traceId":"ab"}"#.to_owned())
    );
    assert_eq!(
        event_message(r#"{"timestamp": 1}"#),
        Err(NoMessage::NotAnEvent)
    );
    assert_eq!(event_message("[1]"), Err(NoMessage::NotAnEvent));
    let row = r#"[{"field": "@timestamp", "value": "2024-12-11 15:37:41.640"},
                  {"field": "@message", "value": "{}"}, {"field": "@ptr", "value": "Cm"}]"#;
    assert_eq!(row_message(row), Ok("{}".to_owned()));
    assert_eq!(
        row_message(r#"[{"field": "@timestamp", "value": "x"}]"#),
        Err(NoMessage::NotInRow)
    );
    assert_eq!(
        row_message(r#"{"field": "@message"}"#),
        Err(NoMessage::NotARow)
    );
    assert_eq!(
        row_object_message(r#"{"@timestamp": "x", "@message": "{}"}"#),
        Ok("{}".to_owned())
    );
    assert_eq!(row_object_message(r#"{"@message": 7}"#), Ok("7".to_owned()));
}
