//! The listener's OpenTelemetry inputs against real senders: the OpenTelemetry SDK for
//! Python with its OTLP/HTTP and OTLP/gRPC exporters, and the ADOT distribution's
//! OTLP-over-UDP exporter (as in Lambda), all from .venv (scripts/python-env.sh). Each sends
//! the same trace (tests/python/send_otel.py); the listener must show it whole.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use xray_tui::app::details::{self, DetailLine, Tab};
use xray_tui::model::segment::{AnnotationValue, Cause, Segment};
use xray_tui::model::{SpanKind, Status as Health, Trace};
use xray_tui::source::TraceSource;
use xray_tui::source::listen::{ListenOptions, ListenerSource};

fn start(record: Option<PathBuf>) -> ListenerSource {
    let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
    ListenerSource::start(ListenOptions {
        address: any_port,
        otlp_http: Some(any_port),
        otlp_grpc: Some(any_port),
        translate: Default::default(),
        max_traces: 100,
        record,
        forward: None,
    })
    .expect("the listener starts on free loopback ports")
}

fn python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        python.exists(),
        "the OpenTelemetry tests need .venv: run ./scripts/python-env.sh"
    );
    python
}

/// Where `mode` sends to on this listener.
fn address_for(mode: &str, listener: &ListenerSource) -> SocketAddr {
    if mode.starts_with("http") {
        listener.otlp_http().unwrap().unwrap()
    } else if mode.starts_with("grpc") {
        listener.otlp_grpc().unwrap().unwrap()
    } else {
        listener.address()
    }
}

/// Runs send_otel.py in `mode` against the listener; returns the trace id it made.
fn send_with_otel(mode: &str, listener: &ListenerSource) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/send_otel.py");
    let output = Command::new(python())
        .arg(script)
        .arg(mode)
        .arg(address_for(mode, listener).to_string())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the OpenTelemetry script failed in {mode}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    printed["trace_id"].as_str().unwrap().to_owned()
}

/// Waits until `documents` documents have arrived, then assembles them.
fn wait_for_documents(listener: &ListenerSource, documents: u64) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while listener.counters().documents < documents && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        listener.counters().documents,
        documents,
        "documents received: {:?}",
        listener.counters()
    );
    listener.settle();
}

fn trace(listener: &ListenerSource, id: &str) -> Arc<Trace> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let traces = runtime
        .block_on(listener.traces(vec![id.to_owned()]))
        .unwrap();
    traces.into_iter().next().expect("the trace was assembled")
}

fn segment<'t>(trace: &'t Trace, name: &str) -> &'t Segment {
    let span = trace.spans.iter().find(|s| s.name() == name);
    &span.unwrap_or_else(|| panic!("no span {name}")).segment
}

/// The trace send_otel.py makes, as X-Ray would show it; `sampled` as the sender said.
fn check_the_checkout(trace: &Trace, sampled: bool) {
    assert!(trace.notes.is_empty(), "{:?}", trace.notes);
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
    assert_eq!(shape[0], (0, SpanKind::Segment, "checkout", None));
    let mut children = shape[1..].to_vec();
    children.sort_by_key(|(_, _, name, _)| *name);
    assert_eq!(
        children,
        [
            (1, SpanKind::Subsegment, "DynamoDB", Some("checkout")),
            (1, SpanKind::Subsegment, "payments", Some("checkout")),
            (1, SpanKind::Subsegment, "rates", Some("checkout")),
            (
                1,
                SpanKind::Subsegment,
                "shop@pg.internal",
                Some("checkout")
            ),
        ]
    );

    let root = segment(trace, "checkout");
    assert_eq!(root.namespace, None);
    let request = root.http.as_ref().unwrap().request.as_ref().unwrap();
    assert_eq!(request.method.as_deref(), Some("POST"));
    assert_eq!(
        request.url.as_deref(),
        Some("https://shop.example.com/checkout")
    );
    assert_eq!(request.client_ip.as_deref(), Some("198.51.100.7"));
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

    let payment = segment(trace, "payments");
    assert_eq!(payment.namespace.as_deref(), Some("remote"));
    assert!(payment.fault && !payment.error && !payment.throttle);
    assert_eq!(payment.http_status(), Some(503));
    let Some(Cause::Details(cause)) = &payment.cause else {
        panic!("the payment call has its exception: {:?}", payment.cause);
    };
    let exception = &cause.exceptions[0];
    assert!(
        exception
            .kind
            .as_deref()
            .is_some_and(|kind| kind.ends_with("PaymentDeclined")),
        "{:?}",
        exception.kind
    );
    assert_eq!(
        exception.message.as_deref(),
        Some("503 Service Unavailable from payments")
    );
    assert!(
        exception
            .stack
            .iter()
            .any(|frame| frame.label.as_deref() == Some("charge")),
        "the Python stack trace is read: {:?}",
        exception.stack
    );

    let rates = segment(trace, "rates");
    assert_eq!(rates.namespace.as_deref(), Some("remote"));
    assert_eq!(rates.http_status(), Some(429));
    assert!(rates.throttle && rates.error && !rates.fault);

    let query = segment(trace, "shop@pg.internal");
    let sql = query.sql.as_ref().unwrap();
    assert_eq!(sql.database_type.as_deref(), Some("postgresql"));
    assert_eq!(
        sql.sanitized_query.as_deref(),
        Some("SELECT * FROM carts WHERE id = $1")
    );
    assert_eq!(query.status(), Health::Ok);

    let dynamo = segment(trace, "DynamoDB");
    assert_eq!(dynamo.namespace.as_deref(), Some("aws"));
    let aws = dynamo.aws.as_ref().unwrap();
    assert_eq!(aws.operation.as_deref(), Some("GetItem"));
    assert_eq!(aws.region.as_deref(), Some("eu-west-1"));
    assert_eq!(aws.table_name.as_deref(), Some("orders"));

    assert_eq!(trace.status(), Health::Fault);
    for span in &trace.spans {
        let otel = span
            .segment
            .otel
            .as_ref()
            .and_then(|raw| raw.read())
            .expect("every span keeps its OTel");
        assert_eq!(otel["sampled"], sampled, "{}", span.name());
    }
    let said = if sampled {
        "yes"
    } else {
        "no (sent as unsampled)"
    };
    let otel_tab = details::build(trace, 0, Tab::Otel);
    assert!(
        otel_tab
            .iter()
            .any(|line| *line == DetailLine::Field("Sampled".into(), said.into())),
        "{otel_tab:?}"
    );
}

fn one_trace_over(mode: &str, sampled: bool) {
    let listener = start(None);
    let id = send_with_otel(mode, &listener);
    wait_for_documents(&listener, 5);
    check_the_checkout(&trace(&listener, &id), sampled);
    let counters = listener.counters();
    assert_eq!((counters.spans, counters.malformed), (5, 0), "{counters:?}");
    assert_eq!(counters.rejected_spans, 0);
}

#[test]
fn the_python_sdk_over_otlp_http() {
    one_trace_over("http", true);
    assert_eq!(start(None).counters().http_requests, 0);
}

#[test]
fn the_python_sdk_over_otlp_http_with_gzip() {
    one_trace_over("http-gzip", true);
}

#[test]
fn the_python_sdk_over_otlp_grpc() {
    one_trace_over("grpc", true);
}

#[test]
fn the_python_sdk_over_otlp_grpc_with_gzip() {
    one_trace_over("grpc-gzip", true);
}

#[test]
fn adot_over_udp_sampled_and_unsampled() {
    one_trace_over("udp", true);
    one_trace_over("udp-unsampled", false);
}

#[test]
fn every_input_is_counted_on_its_own() {
    let listener = start(None);
    send_with_otel("http", &listener);
    send_with_otel("grpc", &listener);
    send_with_otel("udp", &listener);
    wait_for_documents(&listener, 15);
    let counters = listener.counters();
    assert_eq!(
        (
            counters.http_requests,
            counters.grpc_requests,
            counters.datagrams,
            counters.spans
        ),
        (1, 1, 1, 15),
        "{counters:?}"
    );
    let status = listener.status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !status.borrow().activity.contains("15 spans") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        status.borrow().activity,
        "15 documents received · udp 1 · http 1 · grpc 1 · 15 spans"
    );
}

#[test]
fn a_recording_of_otlp_reopens_as_the_same_trace_with_its_otel_tab() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("otel.ndjson");
    let listener = start(Some(path.clone()));
    let id = send_with_otel("http", &listener);
    let unsampled = send_with_otel("udp-unsampled", &listener);
    wait_for_documents(&listener, 10);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut lines = 0;
    while Instant::now() < deadline {
        lines = std::fs::read_to_string(&path).unwrap().lines().count();
        if lines == 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(lines, 10);
    let mut collector = xray_tui::source::Collector::default();
    xray_tui::source::files::load_paths(std::slice::from_ref(&path), &mut collector);
    let data = collector.finish();
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    for (id, sampled) in [(&id, true), (&unsampled, false)] {
        let reopened = &data.traces[id];
        check_the_checkout(reopened, sampled);
        assert_eq!(reopened.spans, trace(&listener, id).spans);
    }
}

#[test]
fn broken_otlp_datagrams_are_counted_and_explained_and_the_rest_still_arrives() {
    let listener = start(None);
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let header = "{\"format\":\"json\",\"version\":1}\n";
    let broken: [&[u8]; 3] = [
        b"T1S%%% not base64 %%%",
        // Valid base64 of bytes that are no protobuf request: a field of length 2^32.
        b"T1SCv////8P",
        // Base64 of a request cut in the middle of a span.
        b"T1UCgwSCAoAEgQKAg==",
    ];
    for body in broken {
        let mut datagram = header.as_bytes().to_vec();
        datagram.extend_from_slice(body);
        socket.send_to(&datagram, listener.address()).unwrap();
    }
    let id = send_with_otel("udp", &listener);
    wait_for_documents(&listener, 5);
    let deadline = Instant::now() + Duration::from_secs(5);
    while listener.counters().malformed < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let counters = listener.counters();
    assert_eq!(
        (counters.datagrams, counters.malformed),
        (4, 3),
        "{counters:?}"
    );
    check_the_checkout(&trace(&listener, &id), true);
    let status = listener.status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while status.borrow().problems.len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let problems = status.borrow().problems.join("\n");
    assert!(
        problems.contains("an OTLP datagram whose base64 is broken"),
        "{problems}"
    );
    assert_eq!(
        problems
            .matches("not an OTLP protobuf trace request")
            .count(),
        2,
        "{problems}"
    );
}

/// Runs send_otel_logs.py in `mode`; returns what it printed (the trace id, the spans' ids).
fn send_logs_with_otel(mode: &str, listener: &ListenerSource) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/send_otel_logs.py");
    let output = Command::new(python())
        .arg(script)
        .arg(mode)
        .arg(address_for(mode, listener).to_string())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the OpenTelemetry logs script failed in {mode}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

fn logs_arrive_beside_their_spans(mode: &str) {
    let listener = start(None);
    let sent = send_logs_with_otel(mode, &listener);
    let deadline = Instant::now() + Duration::from_secs(15);
    while listener.counters().log_records < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    wait_for_documents(&listener, 2);
    assert_eq!(
        listener.counters().log_records,
        3,
        "{:?}",
        listener.counters()
    );
    let trace = trace(&listener, sent["trace_id"].as_str().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let found = runtime.block_on(listener.logs(Arc::clone(&trace))).unwrap();
    let logs = xray_tui::model::logs::join(&trace, found.lines, None);
    let joined: Vec<(&str, Option<&str>, xray_tui::model::logs::Level)> = logs
        .lines
        .iter()
        .zip(&logs.spans)
        .map(|(line, span)| {
            let span = span.map(|s| trace.spans[s as usize].id());
            (line.message.as_str(), span, line.level)
        })
        .collect();
    use xray_tui::model::logs::Level;
    assert_eq!(
        joined,
        [
            ("cart c-42 loaded", sent["server"].as_str(), Level::Info),
            (
                "card declined by the issuer",
                sent["charge"].as_str(),
                Level::Error
            ),
        ],
        "{mode}: each line beside the span that was current; the line outside the trace is not \
         in it"
    );
    assert_eq!(logs.lines[0].service.as_deref(), Some("checkout"));
    let status = listener.status().unwrap();
    let problems = || status.borrow().problems.join("\n");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !problems().contains("log record") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let problems = problems();
    assert!(
        problems.contains("1 log record without a trace id"),
        "{problems}"
    );
}

#[test]
fn the_python_sdks_logs_over_otlp_http_join_their_spans() {
    logs_arrive_beside_their_spans("http");
    logs_arrive_beside_their_spans("http-gzip");
}

#[test]
fn the_python_sdks_logs_over_otlp_grpc_join_their_spans() {
    logs_arrive_beside_their_spans("grpc");
}
