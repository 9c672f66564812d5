//! The answers of the listener's OTLP inputs, as the OTLP specification asks for them:
//! `partial_success` for spans X-Ray would refuse, 400 for what does not decode, 413 over
//! the size limit (gzip bombs included), 415 for other content types, 404 and 405 for
//! other paths and methods; JSON answered in JSON. A taken port leaves the rest working.
//! Logs at `/v1/logs` and over gRPC are taken and refused the same way.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use xray_tui::codec::otel::ExportTraceServiceRequest;
use xray_tui::source::TraceSource;
use xray_tui::source::listen::otlp::body::MAX_BODY;
use xray_tui::source::listen::{ListenOptions, ListenerSource};

const START: u64 = 1_795_317_600_000_000_000;

fn start_with(http: SocketAddr, grpc: Option<SocketAddr>) -> ListenerSource {
    ListenerSource::start(ListenOptions {
        address: "127.0.0.1:0".parse().unwrap(),
        otlp_http: Some(http),
        otlp_grpc: grpc,
        translate: Default::default(),
        max_traces: 100,
        record: None,
        forward: None,
    })
    .expect("the listener starts")
}

fn start() -> (ListenerSource, SocketAddr) {
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listener = start_with(any, Some(any));
    let http = listener.otlp_http().unwrap().unwrap();
    (listener, http)
}

fn span(trace_id: Vec<u8>, id: u8, name: &str) -> Span {
    Span {
        trace_id,
        span_id: vec![0, 0, 0, 0, 0, 0, 1, id],
        name: name.into(),
        kind: 2,
        start_time_unix_nano: START,
        end_time_unix_nano: START + 1_000_000,
        ..Span::default()
    }
}

fn request(spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
}

fn good_trace_id(n: u8) -> Vec<u8> {
    let mut id = vec![0x6b, 0, 0, 0, 0xab, 0xcd, 0, 0, 0, 0, 0, 0, 0, 0, 0, n];
    id[5] = n;
    id
}

/// `google.rpc.Status`, as OTLP/HTTP answers failures.
#[derive(Clone, PartialEq, Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: Bytes,
}

fn send(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Answer {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", address.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = sender
            .send_request(request.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            content_type,
            body,
        }
    })
}

fn post_protobuf(address: SocketAddr, body: Vec<u8>) -> Answer {
    send(
        address,
        "POST",
        "/v1/traces",
        &[("content-type", "application/x-protobuf")],
        body,
    )
}

fn partial_success(answer: &Answer) -> (i64, String) {
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "application/x-protobuf");
    let response = ExportTraceServiceResponse::decode(answer.body.clone()).unwrap();
    let partial = response.partial_success.unwrap_or_default();
    (partial.rejected_spans, partial.error_message)
}

fn failure(answer: &Answer) -> RpcStatus {
    assert_eq!(answer.content_type, "application/x-protobuf");
    RpcStatus::decode(answer.body.clone()).unwrap()
}

fn problems(listener: &ListenerSource, containing: &str) -> String {
    let status = listener.status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let problems = status.borrow().problems.join("\n");
        if problems.contains(containing) {
            return problems;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let problems = status.borrow().problems.join("\n");
    panic!("no problem says {containing:?}: {problems}");
}

#[test]
fn spans_with_ids_x_ray_refuses_are_answered_as_rejected_and_still_shown() {
    let (listener, http) = start();
    let zero_trace = span(vec![0; 16], 1, "zero trace id");
    let fine = span(good_trace_id(1), 2, "fine");
    let answer = post_protobuf(http, request(vec![fine, zero_trace]).encode_to_vec());
    let (rejected, message) = partial_success(&answer);
    assert_eq!(rejected, 1);
    assert!(
        message.starts_with(
            "1 spans have ids X-Ray refuses (span 2 of resource 1 (name \"zero trace id\"): \
             trace id is all zeros)"
        ),
        "{message}"
    );
    assert!(
        message.contains("shows those with a trace id anyway"),
        "{message}"
    );
    listener.settle();
    assert_eq!(listener.trace_count(), 2, "both spans are shown");
    let counters = listener.counters();
    assert_eq!((counters.spans, counters.rejected_spans), (2, 1));
    problems(&listener, "trace id is all zeros");

    let clean = post_protobuf(
        http,
        request(vec![span(good_trace_id(2), 3, "a")]).encode_to_vec(),
    );
    assert_eq!(partial_success(&clean), (0, String::new()));
    assert!(clean.body.is_empty(), "nothing to say: an empty response");
}

#[test]
fn what_does_not_decode_is_a_400_and_what_came_before_stays() {
    let (listener, http) = start();
    let fine = post_protobuf(
        http,
        request(vec![span(good_trace_id(3), 1, "kept")]).encode_to_vec(),
    );
    assert_eq!(fine.status, StatusCode::OK);
    let garbage = post_protobuf(http, b"\xff\xff\xff\xff garbage".to_vec());
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    let status = failure(&garbage);
    assert_eq!(status.code, 3, "INVALID_ARGUMENT");
    assert!(
        status
            .message
            .starts_with("not an OTLP protobuf trace request"),
        "{}",
        status.message
    );
    // A truncated request is refused, not half taken.
    let whole = request(vec![span(good_trace_id(4), 1, "cut")]).encode_to_vec();
    let cut = post_protobuf(http, whole[..whole.len() - 3].to_vec());
    assert_eq!(cut.status, StatusCode::BAD_REQUEST);
    let wrong_shape = send(
        http,
        "POST",
        "/v1/traces",
        &[("content-type", "application/json")],
        br#"{"resourceSpans": {"not": "a list"}}"#.to_vec(),
    );
    assert_eq!(wrong_shape.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_shape.content_type, "application/json");
    let said: serde_json::Value = serde_json::from_slice(&wrong_shape.body).unwrap();
    assert_eq!(said["code"], 3);
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .starts_with("not an OTLP/JSON trace request")
    );

    let problems = problems(&listener, "not an OTLP/JSON");
    assert!(
        problems.contains("127.0.0.1:"),
        "the sender is named: {problems}"
    );
    assert!(
        problems.contains("OTLP/HTTP: not an OTLP protobuf trace request"),
        "{problems}"
    );
    assert_eq!(listener.counters().malformed, 3);
    assert_eq!(listener.trace_count(), 1, "what arrived before is kept");
}

#[test]
fn bodies_over_the_limit_are_413_however_they_come() {
    let (listener, http) = start();
    // Declared too long: answered before the body is read.
    let mut stream = TcpStream::connect(http).unwrap();
    write!(
        stream,
        "POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\n\
         content-length: {}\r\n\r\n",
        MAX_BODY + 1
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = [0u8; 64];
    let read = stream.read(&mut head).unwrap();
    assert!(
        head[..read].starts_with(b"HTTP/1.1 413"),
        "{}",
        String::from_utf8_lossy(&head[..read])
    );

    // A gzip bomb: 9 MB of zeros in about 9 KB.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(&vec![0u8; MAX_BODY + 1024 * 1024])
        .unwrap();
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 100 * 1024);
    let answer = send(
        http,
        "POST",
        "/v1/traces",
        &[
            ("content-type", "application/x-protobuf"),
            ("content-encoding", "gzip"),
        ],
        bomb,
    );
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let status = failure(&answer);
    assert_eq!(status.code, 8, "RESOURCE_EXHAUSTED");
    assert!(
        status.message.contains("send smaller batches"),
        "{}",
        status.message
    );
    let problems = problems(&listener, "once decompressed");
    assert!(problems.contains("a body over 8 MB"), "{problems}");
}

#[test]
fn gzip_that_is_not_gzip_is_a_400() {
    let (_listener, http) = start();
    let answer = send(
        http,
        "POST",
        "/v1/traces",
        &[
            ("content-type", "application/x-protobuf"),
            ("content-encoding", "gzip"),
        ],
        b"plainly not gzip".to_vec(),
    );
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(failure(&answer).message.contains("does not decompress"));
}

#[test]
fn other_types_paths_methods_and_encodings_are_refused_by_name() {
    let (listener, http) = start();
    let text = send(
        http,
        "POST",
        "/v1/traces",
        &[("content-type", "text/plain")],
        b"hello".to_vec(),
    );
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        String::from_utf8_lossy(&text.body)
            .contains("neither application/x-protobuf nor application/json")
    );
    let brotli = send(
        http,
        "POST",
        "/v1/traces",
        &[
            ("content-type", "application/json"),
            ("content-encoding", "br"),
        ],
        b"{}".to_vec(),
    );
    assert_eq!(brotli.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let metrics = send(
        http,
        "POST",
        "/v1/metrics",
        &[("content-type", "application/x-protobuf")],
        vec![],
    );
    assert_eq!(metrics.status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&metrics.body).contains("OTLP traces go to POST /v1/traces"));
    let get = send(http, "GET", "/v1/traces", &[], vec![]);
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
    problems(&listener, "GET /v1/traces: only POST is taken");
    assert_eq!(listener.counters().malformed, 4);
    assert_eq!(listener.counters().http_requests, 4);
}

#[test]
fn json_is_answered_in_json() {
    let (listener, http) = start();
    let good = request(vec![span(good_trace_id(5), 1, "json")]);
    let answer = send(
        http,
        "POST",
        "/v1/traces",
        &[("content-type", "application/json")],
        serde_json::to_vec(&good).unwrap(),
    );
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(&answer.body[..], b"{}");

    let zeros = request(vec![span(vec![0; 16], 2, "zeros")]);
    let answer = send(
        http,
        "POST",
        "/v1/traces",
        &[("content-type", "application/json; charset=utf-8")],
        serde_json::to_vec(&zeros).unwrap(),
    );
    let said: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(said["partialSuccess"]["rejectedSpans"], "1");
    assert!(
        said["partialSuccess"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("trace id is all zeros")
    );
    listener.settle();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let id = "1-6b000000-ab0500000000000000000005";
    let traces = runtime.block_on(listener.traces(vec![id.into()])).unwrap();
    assert_eq!(
        traces[0].spans[0].name(),
        "json",
        "the JSON request's span, by its trace id"
    );
}

#[test]
fn spans_past_ten_thousand_in_one_request_are_rejected() {
    let (listener, http) = start();
    let spans: Vec<Span> = (0..10_050u32)
        .map(|i| {
            let mut span = span(good_trace_id(6), 1, "many");
            span.span_id = (u64::from(i) + 1).to_be_bytes().to_vec();
            span
        })
        .collect();
    let answer = post_protobuf(http, request(spans).encode_to_vec());
    let (rejected, message) = partial_success(&answer);
    assert_eq!(rejected, 50);
    assert!(
        message.starts_with("50 spans past X-Ray's limit of 10000 per request were dropped"),
        "{message}"
    );
    assert_eq!(listener.counters().documents, 10_000);
}

#[test]
fn a_client_that_never_finishes_its_body_is_cut_off_and_others_are_served() {
    let (listener, http) = start();
    let mut slow = TcpStream::connect(http).unwrap();
    write!(
        slow,
        "POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\n\
         content-length: 1000\r\n\r\nabc"
    )
    .unwrap();
    // Meanwhile others are served.
    let fine = post_protobuf(
        http,
        request(vec![span(good_trace_id(7), 1, "meanwhile")]).encode_to_vec(),
    );
    assert_eq!(fine.status, StatusCode::OK);
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = [0u8; 64];
    let read = slow.read(&mut head).unwrap();
    assert!(
        head[..read].starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&head[..read])
    );
    let problems = problems(&listener, "the body did not arrive within");
    assert!(problems.contains("(3 bytes had)"), "{problems}");
}

#[test]
fn connections_past_the_cap_are_closed_and_the_listener_goes_on() {
    let (listener, http) = start();
    let held: Vec<TcpStream> = (0..70).map(|_| TcpStream::connect(http).unwrap()).collect();
    problems(&listener, "connections are open already");
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = std::panic::catch_unwind(|| {
            post_protobuf(
                http,
                request(vec![span(good_trace_id(8), 1, "after")]).encode_to_vec(),
            )
        });
        match answer {
            Ok(answer) if answer.status == StatusCode::OK => break,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => panic!("no request was served after the connections closed"),
        }
    }
}

#[test]
fn grpc_answers_partial_success_too() {
    let (listener, _) = start();
    let grpc = listener.otlp_grpc().unwrap().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let response = runtime.block_on(async {
        let mut client = TraceServiceClient::connect(format!("http://{grpc}"))
            .await
            .unwrap();
        let zeros = request(vec![
            span(vec![0; 16], 1, "zeros"),
            span(good_trace_id(9), 2, "fine"),
        ]);
        client.export(zeros).await.unwrap().into_inner()
    });
    let partial = response.partial_success.unwrap();
    assert_eq!(partial.rejected_spans, 1);
    assert!(partial.error_message.contains("trace id is all zeros"));
    assert_eq!(listener.counters().grpc_requests, 1);
}

#[test]
fn grpc_messages_over_four_megabytes_are_refused_and_counted() {
    let (listener, _) = start();
    let grpc = listener.otlp_grpc().unwrap().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        let mut client = TraceServiceClient::connect(format!("http://{grpc}"))
            .await
            .unwrap();
        let mut big = span(good_trace_id(10), 1, "big");
        big.name = "x".repeat(5 * 1024 * 1024);
        client.export(request(vec![big])).await.unwrap_err()
    });
    assert_eq!(status.code(), tonic::Code::OutOfRange, "{status:?}");
    problems(&listener, "OTLP/gRPC: OutOfRange");
    assert_eq!(listener.counters().malformed, 1);
    assert_eq!(listener.trace_count(), 0);
}

#[test]
fn a_taken_port_is_named_with_its_likely_cause_and_the_other_inputs_work() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap();
    let listener = start_with(address, Some("127.0.0.1:0".parse().unwrap()));
    let why = listener.otlp_http().unwrap().unwrap_err();
    assert_eq!(
        why,
        format!(
            "OTLP/HTTP: {address} is in use — an OpenTelemetry Collector or the CloudWatch agent \
             may be listening there; pass --otlp-http PORT to use another"
        )
    );
    assert!(listener.otlp_grpc().unwrap().is_ok());
    assert!(!listener.label().contains("http"), "{}", listener.label());
    problems(&listener, &why);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let document = r#"{"trace_id":"1-6b000000-000000000000000000000001","id":"0000000000000001","name":"still","start_time":1795317600,"end_time":1795317601}"#;
    socket
        .send_to(
            format!("{{\"format\":\"json\",\"version\":1}}\n{document}").as_bytes(),
            listener.address(),
        )
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while listener.counters().documents < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(listener.counters().documents, 1, "UDP still works");
    let activity = listener.status().unwrap().borrow().activity.clone();
    assert!(activity.contains("http off (!)"), "{activity}");
}

#[test]
fn the_configured_attributes_become_annotations() {
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listener = ListenerSource::start(ListenOptions {
        address: any,
        otlp_http: Some(any),
        otlp_grpc: None,
        translate: xray_tui::codec::otel::TranslateOptions {
            indexed_keys: vec!["customer_tier".into()],
            ..Default::default()
        },
        max_traces: 100,
        record: None,
        forward: None,
    })
    .unwrap();
    let http = listener.otlp_http().unwrap().unwrap();
    let attribute = |key: &str, value: &str| {
        use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
        KeyValue {
            key: key.into(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue(value.into())),
            }),
            ..KeyValue::default()
        }
    };
    let mut checkout = span(good_trace_id(7), 1, "checkout");
    checkout.attributes = vec![attribute("customer_tier", "gold"), attribute("note", "x")];
    let answer = post_protobuf(http, request(vec![checkout]).encode_to_vec());
    assert_eq!(answer.status, StatusCode::OK);
    listener.settle();
    let id = xray_tui::codec::otel::ids::xray_trace_id(&good_trace_id(7));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let traces = runtime.block_on(listener.traces(vec![id])).unwrap();
    let segment = &traces[0].spans[0].segment;
    let annotations: Vec<&str> = segment.annotations.keys().map(String::as_str).collect();
    assert_eq!(
        annotations,
        ["customer_tier"],
        "only the configured key is indexed"
    );
    assert!(
        segment.metadata["default"].get("note").is_some(),
        "the others stay metadata"
    );
}

/// One protobuf logs request: a record of trace `n` with a span id, and one without a trace.
fn logs_request(n: u8) -> ExportLogsServiceRequest {
    let record = |trace_id: Vec<u8>, body: &str, severity: i32| LogRecord {
        time_unix_nano: START,
        severity_number: severity,
        body: Some(AnyValue {
            value: Some(any_value::Value::StringValue(body.into())),
        }),
        trace_id,
        span_id: if severity > 0 {
            vec![0, 0, 0, 0, 0, 0, 1, 2]
        } else {
            Vec::new()
        },
        ..LogRecord::default()
    };
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![
                    record(good_trace_id(n), "charged", 17),
                    record(Vec::new(), "idle", 0),
                ],
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    }
}

fn trace_lines(listener: &ListenerSource, n: u8) -> Vec<String> {
    let id = xray_tui::codec::otel::ids::xray_trace_id(&good_trace_id(n));
    listener.settle();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let trace = std::sync::Arc::new(xray_tui::model::Trace::assemble(id, Vec::new()));
    let found = runtime.block_on(listener.logs(trace)).unwrap();
    found.lines.into_iter().map(|l| l.message).collect()
}

#[test]
fn logs_are_taken_at_v1_logs_in_protobuf_json_and_gzip_and_over_grpc() {
    let (listener, http) = start();
    let protobuf = send(
        http,
        "POST",
        "/v1/logs",
        &[("content-type", "application/x-protobuf")],
        logs_request(1).encode_to_vec(),
    );
    assert_eq!(protobuf.status, StatusCode::OK);
    assert_eq!(protobuf.content_type, "application/x-protobuf");
    assert_eq!(
        ExportLogsServiceResponse::decode(protobuf.body.clone()).unwrap(),
        ExportLogsServiceResponse::default()
    );
    assert_eq!(trace_lines(&listener, 1), ["charged"]);

    let json = serde_json::json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [{
        "timeUnixNano": START.to_string(), "severityText": "WARN", "body": {"stringValue": "slow"},
        "traceId": xray_tui::codec::otel::ids::hex(&good_trace_id(2)), "spanId": "0000000000000102"
    }]}]}]});
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(json.to_string().as_bytes()).unwrap();
    let answer = send(
        http,
        "POST",
        "/v1/logs",
        &[
            ("content-type", "application/json"),
            ("content-encoding", "gzip"),
        ],
        encoder.finish().unwrap(),
    );
    assert_eq!(
        (answer.status, &answer.body[..]),
        (StatusCode::OK, &b"{}"[..])
    );
    assert_eq!(trace_lines(&listener, 2), ["slow"]);

    let grpc = listener.otlp_grpc().unwrap().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut client = LogsServiceClient::connect(format!("http://{grpc}"))
            .await
            .unwrap();
        client.export(logs_request(3)).await.unwrap();
    });
    assert_eq!(trace_lines(&listener, 3), ["charged"]);
    assert_eq!(listener.counters().log_records, 5);
    problems(&listener, "1 log record without a trace id");
}

#[test]
fn logs_that_do_not_decode_or_come_wrongly_are_refused_as_traces_are() {
    let (listener, http) = start();
    let broken = send(
        http,
        "POST",
        "/v1/logs",
        &[("content-type", "application/x-protobuf")],
        vec![0xff, 0xff, 0xff],
    );
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    let status = failure(&broken);
    assert_eq!(status.code, 3, "INVALID_ARGUMENT");
    assert!(
        status.message.contains("not an OTLP protobuf logs request"),
        "{}",
        status.message
    );
    let array = send(
        http,
        "POST",
        "/v1/logs",
        &[("content-type", "application/json")],
        b"[1, 2]".to_vec(),
    );
    assert_eq!(array.status, StatusCode::BAD_REQUEST);
    assert_eq!(array.content_type, "application/json");
    assert!(String::from_utf8_lossy(&array.body).contains("expected a JSON object"));
    let text = send(
        http,
        "POST",
        "/v1/logs",
        &[("content-type", "text/plain")],
        b"hello".to_vec(),
    );
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let get = send(http, "GET", "/v1/logs", &[], vec![]);
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
    problems(&listener, "GET /v1/logs: only POST is taken");
    let metrics = send(
        http,
        "POST",
        "/v1/metrics",
        &[("content-type", "application/x-protobuf")],
        vec![],
    );
    assert_eq!(metrics.status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&metrics.body).contains("logs to POST /v1/logs"));
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(&vec![0u8; MAX_BODY + 1024 * 1024])
        .unwrap();
    let bomb = send(
        http,
        "POST",
        "/v1/logs",
        &[
            ("content-type", "application/x-protobuf"),
            ("content-encoding", "gzip"),
        ],
        encoder.finish().unwrap(),
    );
    assert_eq!(bomb.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(listener.counters().malformed, 6);
    assert_eq!(listener.counters().log_records, 0);
}
