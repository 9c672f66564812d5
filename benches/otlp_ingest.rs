//! OTLP ingestion (budget: ≥ 50,000 spans/s over HTTP, memory held by --max-traces), with
//! the daemon's UDP path in the same run for comparison. Each iteration sends 500 spans and
//! ends when the listener has taken and assembled them all.
//! Run: `cargo bench --bench otlp_ingest`.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;
use xray_tui::codec::otel::{ExportTraceServiceRequest, TranslateOptions, translate};
use xray_tui::source::listen::{ListenOptions, ListenerSource};

const SPANS_PER_REQUEST: usize = 500;
const SPANS_PER_TRACE: usize = 50;
const MAX_TRACES: usize = 1_000;
const START: u64 = 1_795_317_600_000_000_000;

fn pair(key: &str, value: Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    }
}

fn text(value: &str) -> Value {
    Value::StringValue(value.into())
}

/// A span as instrumented services send them: a server span, then HTTP calls, queries and
/// DynamoDB calls under it, each with the attributes their instrumentation sets.
fn span(trace: u64, index: usize) -> Span {
    let mut trace_id = vec![0x6b, 0, 0, 0];
    trace_id.extend_from_slice(&[0xab, 0xcd, 0, 0]);
    trace_id.extend_from_slice(&trace.to_be_bytes());
    let from = START + index as u64 * 1_000_000;
    let mut span = Span {
        trace_id,
        span_id: ((trace << 16) | (index as u64 + 1)).to_be_bytes().to_vec(),
        parent_span_id: if index == 0 {
            Vec::new()
        } else {
            ((trace << 16) | 1).to_be_bytes().to_vec()
        },
        start_time_unix_nano: from,
        end_time_unix_nano: from + 900_000,
        ..Span::default()
    };
    let attributes = match index % 4 {
        _ if index == 0 => {
            span.name = "POST /checkout".into();
            span.kind = 2;
            vec![
                pair("http.request.method", text("POST")),
                pair("url.scheme", text("https")),
                pair("server.address", text("shop.example.com")),
                pair("url.path", text("/checkout")),
                pair("http.response.status_code", Value::IntValue(200)),
                pair("client.address", text("198.51.100.7")),
                pair(
                    "user_agent.original",
                    text("Mozilla/5.0 (X11; Linux x86_64)"),
                ),
            ]
        }
        1 => {
            span.name = "GET".into();
            span.kind = 3;
            vec![
                pair("http.request.method", text("GET")),
                pair(
                    "url.full",
                    text(&format!("https://inventory.internal/items/{index}")),
                ),
                pair("http.response.status_code", Value::IntValue(200)),
                pair("peer.service", text("inventory")),
            ]
        }
        2 => {
            span.name = "SELECT shop.carts".into();
            span.kind = 3;
            vec![
                pair("db.system", text("postgresql")),
                pair("db.name", text("shop")),
                pair("db.statement", text("SELECT * FROM carts WHERE id = $1")),
                pair("server.address", text("pg.internal")),
            ]
        }
        _ => {
            span.name = "DynamoDB.GetItem".into();
            span.kind = 3;
            span.status = Some(Status::default());
            vec![
                pair("rpc.system", text("aws-api")),
                pair("rpc.service", text("DynamoDB")),
                pair("rpc.method", text("GetItem")),
                pair("aws.region", text("eu-west-1")),
                pair(
                    "aws.request_id",
                    text("V4JQ0Q3CK8G7JQ0Q3CK8G7JQ0Q3CK8G7JQ0Q3CK8G7"),
                ),
            ]
        }
    };
    span.attributes = attributes;
    span
}

/// `SPANS_PER_REQUEST` spans of new traces, starting at trace `first`.
fn request(first: u64) -> ExportTraceServiceRequest {
    let traces = (SPANS_PER_REQUEST / SPANS_PER_TRACE) as u64;
    let spans = (first..first + traces)
        .flat_map(|trace| (0..SPANS_PER_TRACE).map(move |index| span(trace, index)))
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    pair("service.name", text("checkout")),
                    pair("service.version", text("2.4.1")),
                    pair("telemetry.sdk.language", text("python")),
                    pair("telemetry.sdk.name", text("opentelemetry")),
                    pair("cloud.provider", text("aws")),
                    pair("cloud.region", text("eu-west-1")),
                ],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
}

fn start() -> ListenerSource {
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    ListenerSource::start(ListenOptions {
        address: any,
        otlp_http: Some(any),
        otlp_grpc: None,
        translate: Default::default(),
        max_traces: MAX_TRACES,
        record: None,
        forward: None,
    })
    .unwrap()
}

/// Waits until the listener holds `documents` documents, then assembles them.
fn settle(listener: &ListenerSource, documents: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while listener.counters().documents < documents {
        assert!(Instant::now() < deadline, "{:?}", listener.counters());
        std::thread::sleep(Duration::from_micros(200));
    }
    listener.settle();
}

/// `VmHWM` (the peak) or `VmRSS` (now) of this process, in MB.
fn memory_mb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn ingestion(c: &mut Criterion) {
    let mut group = c.benchmark_group("otlp ingestion");
    group.throughput(Throughput::Elements(SPANS_PER_REQUEST as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let traces_per_request = (SPANS_PER_REQUEST / SPANS_PER_TRACE) as u64;
    let mut next_trace = 0;
    // One connection, as one application's exporter sends; two, as two applications (or a
    // Collector's queue consumers) send at once.
    for connections in [1u64, 2] {
        let listener = start();
        let http = listener.otlp_http().unwrap().unwrap();
        let mut senders: Vec<_> = (0..connections)
            .map(|_| {
                runtime.block_on(async {
                    let stream = tokio::net::TcpStream::connect(http).await.unwrap();
                    let (sender, connection) =
                        hyper::client::conn::http1::handshake(TokioIo::new(stream))
                            .await
                            .unwrap();
                    tokio::spawn(connection);
                    sender
                })
            })
            .collect();
        group.throughput(Throughput::Elements(SPANS_PER_REQUEST as u64 * connections));
        let name = format!("http, 500 spans a request, {connections} connection(s)");
        group.bench_function(name, |b| {
            let mut next_bodies = || {
                (0..connections)
                    .map(|_| {
                        next_trace += traces_per_request;
                        request(next_trace).encode_to_vec()
                    })
                    .collect::<Vec<_>>()
            };
            b.iter_batched(
                &mut next_bodies,
                |bodies| {
                    let expected =
                        listener.counters().documents + SPANS_PER_REQUEST as u64 * connections;
                    runtime.block_on(futures::future::join_all(
                        senders
                            .iter_mut()
                            .zip(bodies)
                            .map(|(sender, body)| async move {
                                let request = Request::post("/v1/traces")
                                    .header("host", "bench")
                                    .header("content-type", "application/x-protobuf")
                                    .body(Full::new(Bytes::from(body)))
                                    .unwrap();
                                let response = sender.send_request(request).await.unwrap();
                                assert!(response.status().is_success());
                                response.into_body().collect().await.unwrap();
                            }),
                    ));
                    settle(&listener, expected);
                },
                BatchSize::SmallInput,
            );
        });
        assert!(listener.trace_count() <= MAX_TRACES);
        if let Some(now) = memory_mb("VmRSS:") {
            println!(
                "holding {} traces of {SPANS_PER_TRACE} spans: RSS {now} MB",
                listener.trace_count()
            );
        }
    }
    group.throughput(Throughput::Elements(SPANS_PER_REQUEST as u64));

    // The same spans as segment documents, one datagram each, as X-Ray SDKs send them.
    let listener = start();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = listener.address();
    let mut next_trace = 1_000_000_u64;
    group.bench_function("udp, 500 segment documents", |b| {
        let mut next_datagrams = || {
            next_trace += traces_per_request;
            let documents = translate(&request(next_trace), &TranslateOptions::default()).documents;
            documents
                .iter()
                .map(|document| format!("{{\"format\":\"json\",\"version\":1}}\n{document}"))
                .collect::<Vec<String>>()
        };
        b.iter_batched(
            &mut next_datagrams,
            |datagrams| {
                let expected = listener.counters().documents + datagrams.len() as u64;
                for datagram in &datagrams {
                    socket.send_to(datagram.as_bytes(), to).unwrap();
                }
                settle(&listener, expected);
            },
            BatchSize::SmallInput,
        );
    });
    assert!(listener.trace_count() <= MAX_TRACES);
    group.finish();
    if let Some(peak) = memory_mb("VmHWM:") {
        println!("peak RSS over the run: {peak} MB (--max-traces {MAX_TRACES})");
    }
}

criterion_group!(benches, ingestion);
criterion_main!(benches);
