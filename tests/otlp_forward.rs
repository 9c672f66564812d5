//! `--listen --forward` for OTLP: spans pass on to X-Ray's OTLP endpoint, signed with SigV4
//! for `xray`, as gzipped protobuf cut to X-Ray's limits, through a loopback endpoint of our own
//! that can throttle, fail, refuse, reject some spans or never answer.

mod aws_server;

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::identity::Identity;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use xray_tui::aws::ConnectOptions;
use xray_tui::codec::otel::ExportTraceServiceRequest;
use xray_tui::send::forward::ForwardCounters;
use xray_tui::send::otlp::{OtlpExporter, OtlpForwardOptions, OtlpForwarder, TRACES_PATH};

use aws_server::{Reply, Request, Server};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn exporter(url: &str, attempt: Duration) -> OtlpExporter {
    OtlpExporter::with_sdk_config(
        aws_server::sdk_config(url, attempt),
        ConnectOptions::default(),
    )
}

fn quick() -> OtlpForwardOptions {
    OtlpForwardOptions {
        send_every: Duration::from_millis(100),
        retry_pause: Duration::from_millis(50),
        retry_pause_cap: Duration::from_millis(200),
        ..OtlpForwardOptions::default()
    }
}

fn start(url: &str, options: OtlpForwardOptions) -> Arc<OtlpForwarder> {
    OtlpForwarder::start(exporter(url, Duration::from_secs(2)), options)
}

fn text(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..KeyValue::default()
    }
}

/// `count` spans of `service`, with the span ids `first`, `first + 1`, …
fn request(service: &str, first: u64, count: u64) -> ExportTraceServiceRequest {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let spans = (first..first + count)
        .map(|id| Span {
            trace_id: [0x5b; 16].to_vec(),
            span_id: id.to_be_bytes().to_vec(),
            name: "GET /items".into(),
            kind: 2,
            start_time_unix_nano: now - 2_000_000_000,
            end_time_unix_nano: now - 1_000_000_000,
            attributes: vec![text("http.request.method", "GET")],
            ..Span::default()
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![text("service.name", service)],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "opentelemetry.instrumentation.flask".into(),
                    ..InstrumentationScope::default()
                }),
                spans,
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

fn ok(server: &Server) {
    server.route(TRACES_PATH, |_| {
        Reply::bytes("application/x-protobuf", Vec::new())
    });
}

/// The body of one request, gunzipped and decoded.
fn decoded(request: &Request) -> ExportTraceServiceRequest {
    let mut protobuf = Vec::new();
    flate2::read::GzDecoder::new(request.raw.as_slice())
        .read_to_end(&mut protobuf)
        .expect("a gzip body");
    ExportTraceServiceRequest::decode(protobuf.as_slice()).expect("an OTLP request")
}

/// The span ids of every request that reached `path`, one list a request.
fn span_ids(server: &Server) -> Vec<Vec<u64>> {
    server
        .requests_to(TRACES_PATH)
        .iter()
        .map(|request| {
            decoded(request)
                .resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .flat_map(|s| &s.spans)
                .map(|span| u64::from_be_bytes(span.span_id.clone().try_into().unwrap()))
                .collect()
        })
        .collect()
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The parts of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
fn authorization_parts(authorization: &str) -> BTreeMap<String, String> {
    let rest = authorization
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .unwrap_or_else(|| panic!("not SigV4: {authorization}"));
    rest.split(", ")
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap();
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

/// The signature aws-sigv4 makes for what the server received, with the date it was signed.
fn expected_signature(request: &Request, signed_headers: &str) -> String {
    let date = request.header("x-amz-date").expect("x-amz-date");
    let at = chrono::NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ")
        .unwrap()
        .and_utc();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(at.timestamp() as u64);
    let headers: Vec<(&str, &str)> = signed_headers
        .split(';')
        .filter(|name| *name != "x-amz-date")
        .map(|name| (name, request.header(name).expect(name)))
        .collect();
    let uri = format!(
        "http://{}{}",
        request.header("host").expect("host"),
        request.path
    );
    let identity = Identity::from(Credentials::new("AKIDEXAMPLE", SECRET, None, None, "test"));
    let params = SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("xray")
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        uri.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(&request.raw),
    )
    .unwrap();
    sign(signable, &params).unwrap().signature().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn spans_go_signed_for_xray_as_gzipped_protobuf_and_decode_to_what_was_offered() {
    let server = Server::start();
    ok(&server);
    let forwarder = start(&server.url(), quick());
    let offered = request("cart", 1, 25);
    forwarder.offer(offered.clone());
    wait_until("25 sent", || forwarder.counters().sent == 25).await;

    let requests = server.requests_to(TRACES_PATH);
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.header("content-type"), Some("application/x-protobuf"));
    assert_eq!(sent.header("content-encoding"), Some("gzip"));
    assert_eq!(decoded(sent), offered, "the body is the request offered");

    let authorization = sent.header("authorization").expect("signed");
    let parts = authorization_parts(authorization);
    let scope: Vec<&str> = parts["Credential"].split('/').collect();
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    assert_eq!(
        scope,
        ["AKIDEXAMPLE", &today, "us-east-1", "xray", "aws4_request"],
        "{authorization}"
    );
    let signed_headers = &parts["SignedHeaders"];
    for header in ["content-encoding", "content-type", "host", "x-amz-date"] {
        assert!(
            signed_headers.split(';').any(|h| h == header),
            "{header} is signed: {authorization}"
        );
    }
    assert_eq!(
        parts["Signature"],
        expected_signature(sent, signed_headers),
        "aws-sigv4 makes the same signature from what arrived"
    );
    assert_eq!(
        forwarder.counters(),
        ForwardCounters {
            received: 25,
            sent: 25,
            ..ForwardCounters::default()
        }
    );
    assert_eq!(forwarder.describe(), "25 spans sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_thousand_spans_go_in_requests_of_at_most_ten_thousand() {
    let server = Server::start();
    ok(&server);
    let forwarder = start(&server.url(), quick());
    forwarder.offer(request("cart", 0, 12_000));
    forwarder.offer(request("pay", 12_000, 8_000));
    wait_until("20,000 sent", || forwarder.counters().sent == 20_000).await;

    let requests = span_ids(&server);
    let sizes: Vec<usize> = requests.iter().map(Vec::len).collect();
    assert!(requests.len() >= 2, "{sizes:?}");
    assert!(sizes.iter().all(|&n| n <= 10_000), "{sizes:?}");
    let mut all: Vec<u64> = requests.concat();
    all.sort_unstable();
    assert_eq!(all, (0..20_000).collect::<Vec<_>>(), "every span once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_request_is_sent_again_and_every_span_arrives_once() {
    let server = Server::start();
    server.script(
        TRACES_PATH,
        [Reply::error(429, "ThrottlingException", "Rate exceeded")],
    );
    ok(&server);
    let forwarder = start(&server.url(), quick());
    forwarder.offer(request("cart", 0, 40));
    wait_until("40 sent", || forwarder.counters().sent == 40).await;

    let requests = span_ids(&server);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1], "the same spans went again");
    let counters = forwarder.counters();
    assert_eq!((counters.failed, counters.dropped), (0, 0));
    assert!(
        forwarder.problems()[0].starts_with("OTLP forwarding waits: throttled by X-Ray"),
        "{:?}",
        forwarder.problems()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_keep_the_spans_until_x_ray_takes_them() {
    let server = Server::start();
    server.script(
        TRACES_PATH,
        [
            Reply::error(503, "ServiceUnavailable", "later"),
            Reply::error(503, "ServiceUnavailable", "later"),
            Reply::error(503, "ServiceUnavailable", "later"),
        ],
    );
    ok(&server);
    let forwarder = start(&server.url(), quick());
    forwarder.offer(request("cart", 0, 10));
    wait_until("a failure is shown", || forwarder.waiting().is_some()).await;
    let waiting = forwarder.waiting().unwrap();
    assert!(
        waiting
            .starts_with("X-Ray answered HTTP 503 (ServiceUnavailable: later); sending again in"),
        "{waiting}"
    );
    wait_until("10 sent", || forwarder.counters().sent == 10).await;
    assert_eq!(server.requests_to(TRACES_PATH).len(), 4);
    assert_eq!(forwarder.counters().failed, 0);
    assert_eq!(forwarder.waiting(), None, "forgotten once sending works");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_transaction_search_refusal_says_how_to_enable_it_and_is_not_retried() {
    let server = Server::start();
    server.route(TRACES_PATH, |_| {
        Reply::error(
            400,
            "ValidationException",
            "Transaction Search is not enabled for this account; the trace segment destination is XRay",
        )
    });
    let forwarder = start(&server.url(), quick());
    forwarder.offer(request("cart", 0, 7));
    wait_until("7 failed", || forwarder.counters().failed == 7).await;
    tokio::time::sleep(Duration::from_millis(400)).await;

    assert_eq!(server.requests_to(TRACES_PATH).len(), 1, "not sent again");
    assert_eq!(
        forwarder.problems(),
        [
            "7 spans not forwarded: Transaction Search is not enabled in this account and region \
             (us-east-1), so X-Ray's OTLP endpoint refuses spans: enable it (CloudWatch console → \
             Settings → X-Ray traces → Transaction Search, or `aws xray \
             update-trace-segment-destination --destination CloudWatchLogs`), or forward with the \
             X-Ray daemon protocol instead (X-Ray said: Transaction Search is not enabled for this \
             account; the trace segment destination is XRay)"
        ]
    );
    assert_eq!(forwarder.describe(), "0 spans sent · 7 failed (!)");
    assert_eq!(forwarder.waiting(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn spans_x_ray_rejects_in_a_partial_success_are_counted_with_its_words() {
    let server = Server::start();
    let answer = ExportTraceServiceResponse {
        partial_success: Some(ExportTracePartialSuccess {
            rejected_spans: 2,
            error_message: "2 spans ended more than 14 days ago".into(),
        }),
    };
    server.route(TRACES_PATH, move |_| {
        Reply::bytes("application/x-protobuf", answer.encode_to_vec())
    });
    let forwarder = start(&server.url(), quick());
    forwarder.offer(request("cart", 0, 5));
    wait_until("answered", || forwarder.counters().sent == 3).await;
    assert_eq!(forwarder.counters().failed, 2);
    assert_eq!(
        forwarder.problems(),
        ["X-Ray rejected 2 spans: 2 spans ended more than 14 days ago"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_span_over_200_kb_is_refused_here_and_the_rest_go() {
    let server = Server::start();
    ok(&server);
    let forwarder = start(&server.url(), quick());
    let mut offered = request("cart", 0, 3);
    let spans = &mut offered.resource_spans[0].scope_spans[0].spans;
    spans[1]
        .attributes
        .push(text("db.query.text", &"x".repeat(205 * 1024)));
    forwarder.offer(offered);
    wait_until("2 sent", || forwarder.counters().sent == 2).await;
    assert_eq!(forwarder.counters().failed, 1);
    assert_eq!(span_ids(&server), [[0, 2]]);
    let problems = forwarder.problems();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with(&format!(
            "not forwarded: span GET /items 0000000000000001 of trace {}: it takes 20",
            "5b".repeat(16)
        )) && problems[0].ends_with("KB, over the 200 KB X-Ray takes in one span"),
        "{problems:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_x_ray_that_never_answers_times_out_and_offers_never_wait_nor_outgrow_the_queue() {
    let server = Server::start();
    server.route(TRACES_PATH, |_| Reply::hang());
    let one = request("cart", 0, 10);
    let one_bytes = one.encoded_len();
    let forwarder = OtlpForwarder::start(
        exporter(&server.url(), Duration::from_millis(300)),
        OtlpForwardOptions {
            queue_bytes: one_bytes * 20,
            ..quick()
        },
    );
    let began = Instant::now();
    for i in 0..300 {
        forwarder.offer(request("cart", i * 10, 10));
    }
    let offering = began.elapsed();
    assert!(
        offering < Duration::from_secs(2),
        "300 offers took {offering:?}"
    );
    let counters = forwarder.counters();
    assert_eq!(counters.received, 3000);
    assert!(counters.queued <= 200, "the bound holds: {counters:?}");
    assert!(counters.dropped >= 3000 - 400, "{counters:?}");

    wait_until("the timeout is shown", || forwarder.waiting().is_some()).await;
    let waiting = forwarder.waiting().unwrap();
    assert!(
        waiting.starts_with("X-Ray did not answer OTLP /v1/traces within 300 ms; sending again in"),
        "{waiting}"
    );
    let counters = forwarder.counters();
    assert_eq!(counters.sent + counters.failed, 0);
    assert!(counters.queued <= 200, "{counters:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn finishing_sends_what_is_queued_or_says_what_was_left() {
    let server = Server::start();
    ok(&server);
    let patient = OtlpForwardOptions {
        send_every: Duration::from_secs(30),
        ..quick()
    };
    let forwarder = start(&server.url(), patient.clone());
    forwarder.offer(request("cart", 0, 3));
    assert_eq!(forwarder.finish().await, None);
    assert_eq!(forwarder.counters().sent, 3);
    assert_eq!(span_ids(&server), [[0, 1, 2]]);

    // A port nobody listens on: connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = start(&format!("http://127.0.0.1:{port}"), patient);
    unreachable.offer(request("cart", 0, 3));
    let said = unreachable
        .flush(Duration::from_millis(500))
        .await
        .unwrap_or_else(|| panic!("{:?}", unreachable.problems()));
    assert!(
        said.starts_with(
            "3 spans were not forwarded to X-Ray's OTLP endpoint before exit (could not reach \
             X-Ray: "
        ),
        "{said}"
    );
}

/// An OTLP/HTTP request to the listener, written by hand: the listener is the system under
/// test here, not the client.
fn post_to_listener(address: std::net::SocketAddr, body: &[u8]) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /v1/traces HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-protobuf\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    answer.push_str(&String::from_utf8_lossy(&bytes));
    answer
}

#[tokio::test(flavor = "multi_thread")]
async fn otlp_the_listener_receives_goes_on_to_x_rays_otlp_endpoint_with_forward() {
    use xray_tui::send::forward::{ForwardOptions, Forwarder};
    use xray_tui::send::writer::Writer;
    use xray_tui::source::TraceSource;
    use xray_tui::source::listen::{Forwarders, ListenOptions, ListenerSource};

    let server = Server::start();
    ok(&server);
    let url = server.url();
    let writer = Writer::with_sdk_config(
        aws_server::sdk_config(&url, Duration::from_secs(2)),
        ConnectOptions::default(),
    );
    let documents = ForwardOptions {
        telemetry_every: None,
        ..ForwardOptions::default()
    };
    let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listener = ListenerSource::start(ListenOptions {
        address: any,
        otlp_http: Some(any),
        otlp_grpc: None,
        translate: Default::default(),
        max_traces: 100,
        record: None,
        forward: Some(Forwarders {
            documents: Arc::new(Forwarder::start(writer, documents)),
            otlp: start(&url, quick()),
        }),
    })
    .unwrap();
    let http = listener.otlp_http().unwrap().unwrap();
    let offered = request("cart", 1, 25);
    let body = offered.encode_to_vec();
    let answer = tokio::task::spawn_blocking(move || post_to_listener(http, &body))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    wait_until("the spans reach X-Ray's OTLP endpoint", || {
        span_ids(&server).concat().len() == 25
    })
    .await;
    let requests = server.requests_to(TRACES_PATH);
    assert_eq!(decoded(&requests[0]), offered, "forwarded as they came");
    assert!(
        server.requests_to("/TraceSegments").is_empty(),
        "OTLP does not go through PutTraceSegments"
    );
    let status = listener.status().unwrap();
    wait_until("the status line counts them", || {
        status.borrow().activity.contains("OTLP 25 spans sent")
    })
    .await;
    assert_eq!(listener.finish().await, None, "nothing left at exit");
}
