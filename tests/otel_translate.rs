//! OTLP spans of one request (a server span, an HTTP call that failed, a database query and
//! a DynamoDB call) translated to X-Ray documents and assembled by the same code that reads
//! documents from files and from the daemon protocol: the trace must come out whole.

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::Event;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use xray_tui::codec::otel::{
    ExportTraceServiceRequest, TranslateOptions, decode_json, decode_protobuf, translate,
};
use xray_tui::model::segment::{AnnotationValue, Cause};
use xray_tui::model::{SpanKind, Status as Health, Trace};
use xray_tui::source::Collector;

const TRACE_ID: &str = "1-658a4f10-a006649127e371903a2de979";
const START: u64 = 1_700_000_000_000_000_000;
const MS: u64 = 1_000_000;

fn pair(key: &str, value: Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn text(value: &str) -> Value {
    Value::StringValue(value.into())
}

fn span(id: u8, parent: Option<u8>, name: &str, kind: i32, from_ms: u64, to_ms: u64) -> Span {
    Span {
        trace_id: vec![
            0x65, 0x8a, 0x4f, 0x10, 0xa0, 0x06, 0x64, 0x91, 0x27, 0xe3, 0x71, 0x90, 0x3a, 0x2d,
            0xe9, 0x79,
        ],
        span_id: vec![0, 0, 0, 0, 0, 0, 0, id],
        parent_span_id: parent.map_or_else(Vec::new, |p| vec![0, 0, 0, 0, 0, 0, 0, p]),
        name: name.into(),
        kind,
        start_time_unix_nano: START + from_ms * MS,
        end_time_unix_nano: START + to_ms * MS,
        ..Default::default()
    }
}

fn checkout_request() -> ExportTraceServiceRequest {
    let mut server = span(1, None, "POST /checkout", 2, 0, 900);
    server.attributes = vec![
        pair("http.request.method", text("POST")),
        pair("url.scheme", text("https")),
        pair("server.address", text("shop.example.com")),
        pair("url.path", text("/checkout")),
        pair("http.response.status_code", Value::IntValue(502)),
        pair("client.address", text("198.51.100.7")),
        pair(
            "aws.xray.annotations",
            Value::ArrayValue(ArrayValue {
                values: vec![AnyValue {
                    value: Some(text("cart.id")),
                }],
            }),
        ),
        pair("cart.id", text("c-42")),
        pair("enduser.id", text("alice")),
    ];
    server.status = Some(Status {
        code: 2,
        message: String::new(),
    });

    let mut payment = span(2, Some(1), "POST", 3, 100, 600);
    payment.attributes = vec![
        pair("http.request.method", text("POST")),
        pair("url.full", text("https://payments.internal/charge")),
        pair("http.response.status_code", Value::IntValue(503)),
        pair("peer.service", text("payments")),
    ];
    payment.events.push(Event {
        name: "exception".into(),
        time_unix_nano: START + 590 * MS,
        attributes: vec![
            pair("exception.type", text("requests.exceptions.HTTPError")),
            pair("exception.message", text("503 Server Error")),
            pair(
                "exception.stacktrace",
                text(
                    "Traceback (most recent call last):\n  File \"/app/checkout/payments.py\", line 31, in charge\n    response.raise_for_status()\nrequests.exceptions.HTTPError: 503 Server Error\n",
                ),
            ),
        ],
        ..Default::default()
    });

    let mut query = span(3, Some(1), "SELECT shop.carts", 3, 20, 80);
    query.attributes = vec![
        pair("db.system", text("postgresql")),
        pair("db.name", text("shop")),
        pair("db.statement", text("SELECT * FROM carts WHERE id = $1")),
        pair(
            "db.connection_string",
            text("postgresql://pg.internal:5432"),
        ),
    ];

    let mut dynamo = span(4, Some(1), "DynamoDB.PutItem", 3, 620, 700);
    dynamo.attributes = vec![
        pair("rpc.system", text("aws-api")),
        pair("rpc.service", text("DynamoDB")),
        pair("rpc.method", text("PutItem")),
        pair("aws.region", text("eu-west-1")),
        pair(
            "aws.dynamodb.table_names",
            Value::ArrayValue(ArrayValue {
                values: vec![AnyValue {
                    value: Some(text("orders")),
                }],
            }),
        ),
    ];

    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    pair("service.name", text("checkout")),
                    pair("service.version", text("2.4.1")),
                    pair("telemetry.sdk.language", text("python")),
                    pair("telemetry.sdk.name", text("opentelemetry")),
                    pair("cloud.provider", text("aws")),
                    pair("cloud.platform", text("aws_ecs")),
                    pair("aws.ecs.launchtype", text("fargate")),
                ],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans: vec![server, payment, query, dynamo],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn assemble(request: &ExportTraceServiceRequest) -> Trace {
    let translated = translate(request, &TranslateOptions::default());
    assert!(translated.problems.is_empty(), "{:?}", translated.problems);
    assert_eq!(translated.documents.len(), 4);
    let mut collector = Collector::default();
    collector.set_input("otlp");
    for (index, text) in translated.documents.into_iter().enumerate() {
        collector.add_document_text(text, || format!("document {index}"));
    }
    let (mut traces, problems) = collector.into_traces();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(traces.len(), 1);
    traces.remove(0)
}

#[test]
fn a_translated_request_assembles_into_one_trace() {
    let trace = assemble(&checkout_request());
    assert_eq!(trace.id, TRACE_ID);
    assert!(trace.notes.is_empty(), "{:?}", trace.notes);

    // (depth, kind, name, parent name) in table order: the server span is the one segment.
    let shape: Vec<_> = trace
        .spans
        .iter()
        .map(|span| {
            (
                span.depth,
                span.kind,
                span.name(),
                span.parent.map(|p| trace.spans[p as usize].name()),
            )
        })
        .collect();
    let mut children: Vec<_> = shape[1..].to_vec();
    children.sort_by_key(|(_, _, name, _)| *name);
    assert_eq!(shape[0], (0, SpanKind::Segment, "checkout", None));
    assert_eq!(
        children,
        [
            (1, SpanKind::Subsegment, "DynamoDB", Some("checkout")),
            (1, SpanKind::Subsegment, "payments", Some("checkout")),
            (
                1,
                SpanKind::Subsegment,
                "shop@pg.internal",
                Some("checkout")
            ),
        ]
    );
    let find = |name: &str| {
        let index = trace.spans.iter().position(|s| s.name() == name).unwrap();
        &trace.spans[index].segment
    };

    let root = find("checkout");
    assert_eq!(root.origin.as_deref(), Some("AWS::ECS::Fargate"));
    assert_eq!(root.user.as_deref(), Some("alice"));
    assert_eq!(root.namespace, None);
    let request = root.http.as_ref().unwrap().request.as_ref().unwrap();
    assert_eq!(request.method.as_deref(), Some("POST"));
    assert_eq!(
        request.url.as_deref(),
        Some("https://shop.example.com/checkout")
    );
    assert_eq!(request.client_ip.as_deref(), Some("198.51.100.7"));
    assert_eq!(request.x_forwarded_for, Some(true));
    assert_eq!(root.http_status(), Some(502));
    assert_eq!(root.status(), Health::Fault);
    assert_eq!(
        root.annotations.get("cart.id"),
        Some(&AnnotationValue::String("c-42".into()))
    );
    assert_eq!(
        root.service.as_ref().unwrap().version.as_deref(),
        Some("2.4.1")
    );
    let aws = root.aws.as_ref().unwrap();
    assert_eq!(aws.ecs.as_ref().unwrap()["launch_type"], "fargate");
    assert_eq!(
        aws.xray.as_ref().unwrap()["sdk"],
        "opentelemetry for python"
    );
    assert_eq!(
        root.metadata["default"]["otel.resource.service.name"],
        "checkout"
    );

    let payment = find("payments");
    assert_eq!(payment.namespace.as_deref(), Some("remote"));
    assert!(payment.fault && !payment.error);
    assert_eq!(payment.http_status(), Some(503));
    let Some(Cause::Details(cause)) = &payment.cause else {
        panic!("the payment call has exceptions: {:?}", payment.cause);
    };
    let exception = &cause.exceptions[0];
    assert_eq!(
        exception.kind.as_deref(),
        Some("requests.exceptions.HTTPError")
    );
    assert_eq!(exception.message.as_deref(), Some("503 Server Error"));
    assert!(exception.remote);
    assert_eq!(
        exception.stack[0].path.as_deref(),
        Some("/app/checkout/payments.py")
    );
    assert_eq!(exception.stack[0].line, Some(31));
    assert_eq!(exception.stack[0].label.as_deref(), Some("charge"));
    assert_eq!(payment.metadata["default"]["peer.service"], "payments");
    assert!(
        !payment.metadata["default"]
            .as_object()
            .unwrap()
            .keys()
            .any(|key| key.starts_with("otel.resource.")),
        "resource attributes stay on the segment"
    );

    let query = find("shop@pg.internal");
    let sql = query.sql.as_ref().unwrap();
    assert_eq!(sql.database_type.as_deref(), Some("postgresql"));
    assert_eq!(
        sql.connection_string.as_deref(),
        Some("postgresql://pg.internal:5432/shop")
    );
    assert_eq!(
        sql.sanitized_query.as_deref(),
        Some("SELECT * FROM carts WHERE id = $1")
    );
    assert_eq!(query.status(), Health::Ok);

    let dynamo = find("DynamoDB");
    assert_eq!(dynamo.namespace.as_deref(), Some("aws"));
    let aws = dynamo.aws.as_ref().unwrap();
    assert_eq!(aws.operation.as_deref(), Some("PutItem"));
    assert_eq!(aws.region.as_deref(), Some("eu-west-1"));
    assert_eq!(aws.table_name.as_deref(), Some("orders"));

    assert_eq!(trace.status(), Health::Fault);
    assert_eq!(trace.region().as_deref(), Some("eu-west-1"));
    // Seconds since the epoch in a double keep about a quarter of a microsecond.
    let duration = trace.duration().unwrap();
    assert!((duration - 0.9).abs() < 1e-6, "{duration}");
}

#[test]
fn the_same_trace_from_protobuf_and_from_json() {
    use prost::Message;
    let request = checkout_request();
    let from_protobuf = decode_protobuf(&request.encode_to_vec()).unwrap();
    assert_eq!(from_protobuf, request);
    let json = serde_json::to_string(&request).unwrap();
    let from_json = decode_json(&json).unwrap();
    assert_eq!(assemble(&from_json).spans, assemble(&request).spans);
}

fn fixture(path: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xray")
        .join(path);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The first subsegment, anywhere in a document, that `matches`.
fn find_subsegment<'a>(
    document: &'a serde_json::Value,
    matches: &dyn Fn(&serde_json::Value) -> bool,
) -> Option<&'a serde_json::Value> {
    let children = document["subsegments"].as_array()?;
    children
        .iter()
        .find(|child| matches(child))
        .or_else(|| children.iter().find_map(|c| find_subsegment(c, matches)))
}

fn translate_one(resource: Vec<KeyValue>, span: Span) -> serde_json::Value {
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: resource,
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans: vec![span],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let translated = translate(&request, &TranslateOptions::default());
    assert!(translated.problems.is_empty(), "{:?}", translated.problems);
    serde_json::from_str(&translated.documents[0]).unwrap()
}

/// The X-Ray SDK for Go's own document for an HTTP server (tests/fixtures, see MANIFEST.md)
/// and the OTel span of the same request give the same `http` block.
#[test]
fn a_server_span_has_the_shape_of_the_sdk_segment() {
    let expected = fixture("otel-contrib-awsxray/serverSample.json");
    let mut server = span(1, None, "GET /", 2, 0, 1);
    server.attributes = vec![
        pair("http.request.method", text("GET")),
        pair("url.scheme", text("http")),
        pair("server.address", text("localhost")),
        pair("server.port", Value::IntValue(8000)),
        pair("url.path", text("/")),
        pair("client.address", text("127.0.0.1")),
        pair("user_agent.original", text("Go-http-client/1.1")),
        pair("http.response.status_code", Value::IntValue(200)),
    ];
    let document = translate_one(
        vec![
            pair("service.name", text("SampleServer")),
            pair("telemetry.sdk.name", text("X-Ray for Go")),
            pair("telemetry.sdk.language", text("go")),
            pair("telemetry.sdk.version", text("1.1.0")),
        ],
        server,
    );
    assert_eq!(document["name"], expected["name"]);
    assert_eq!(document["http"], expected["http"]);
    assert_eq!(
        document["aws"]["xray"]["sdk"],
        expected["aws"]["xray"]["sdk"]
    );
    assert_eq!(
        document["aws"]["xray"]["sdk_version"],
        expected["aws"]["xray"]["sdk_version"]
    );
}

/// A DynamoDB call from the same SDK's document and the OTel span of it: the same namespace
/// and the same `aws` fields (`retries` is the SDK's own).
#[test]
fn an_aws_sdk_span_has_the_shape_of_the_sdk_subsegment() {
    let sample = fixture("otel-contrib-awsxray/ddbSample.json");
    let expected = find_subsegment(&sample, &|s| s["aws"]["operation"] == "DescribeTable")
        .expect("the sample describes its table");
    let mut call = span(2, Some(1), "DynamoDB.DescribeTable", 3, 0, 1);
    call.attributes = vec![
        pair("rpc.system", text("aws-api")),
        pair("rpc.service", text("DynamoDB")),
        pair("rpc.method", text("DescribeTable")),
        pair("aws.region", text("us-west-2")),
        pair(
            "aws.request_id",
            text("29P5V7QSAKHS4LNL56ECAJFF3BVV4KQNSO5AEMVJF66Q9ASUAAJG"),
        ),
        pair("aws.table_name", text("xray_sample_table")),
        pair("http.status_code", Value::IntValue(200)),
        pair("http.response.body.size", Value::IntValue(713)),
    ];
    let document = translate_one(Vec::new(), call);
    assert_eq!(document["namespace"], expected["namespace"]);
    let mut expected_aws = expected["aws"].clone();
    expected_aws.as_object_mut().unwrap().remove("retries");
    assert_eq!(document["aws"], expected_aws);
    assert_eq!(document["http"], expected["http"]);
}
