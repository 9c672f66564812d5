//! `--listen --forward`: documents pass on to X-Ray in batches, through a loopback X-Ray of
//! our own that can refuse, throttle, fail or never answer, and through moto's X-Ray server
//! end to end (UDP in, BatchGetTraces out).

mod aws_server;

use std::net::{TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use serde_json::{Value, json};
use xray_tui::aws::ConnectOptions;
use xray_tui::send::forward::{ForwardOptions, Forwarder};
use xray_tui::send::otlp::{OtlpExporter, OtlpForwardOptions, OtlpForwarder};
use xray_tui::send::writer::Writer;
use xray_tui::source::TraceSource;
use xray_tui::source::listen::{Forwarders, ListenOptions, ListenerSource};

use aws_server::moto::Moto;
use aws_server::{Reply, Server, fixture};

fn sdk_config(url: &str) -> SdkConfig {
    aws_server::sdk_config(url, Duration::from_secs(2))
}

fn writer(url: &str) -> Writer {
    Writer::with_sdk_config(sdk_config(url), ConnectOptions::default())
}

fn quick() -> ForwardOptions {
    ForwardOptions {
        send_every: Duration::from_millis(100),
        telemetry_every: None,
        retry_pause: Duration::from_millis(50),
        retry_pause_cap: Duration::from_millis(200),
        ..ForwardOptions::default()
    }
}

fn now() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64 / 1000.0
}

/// A complete, fresh document with the id `{base + i}`.
fn document(i: u64) -> String {
    let now = now();
    json!({
        "name": "api",
        "id": format!("{:016x}", 0x6226467e3f845500_u64 + i),
        "trace_id": format!("1-{:08x}-{:024x}", now as u32 - 2, i),
        "start_time": now - 2.0,
        "end_time": now - 1.0,
    })
    .to_string()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ok_route(server: &Server) {
    server.route("/TraceSegments", |_| {
        Reply::json(&json!({ "UnprocessedTraceSegments": [] }))
    });
}

fn documents_sent(server: &Server) -> Vec<Vec<String>> {
    server
        .requests_to("/TraceSegments")
        .iter()
        .map(|r| {
            r.body["TraceSegmentDocuments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_go_in_batches_of_at_most_fifty_and_a_partial_batch_does_not_wait_long() {
    let server = Server::start();
    ok_route(&server);
    let forwarder = Forwarder::start(writer(&server.url()), quick());
    for i in 0..123 {
        forwarder.offer(&document(i), now());
    }
    wait_until("123 sent", || forwarder.counters().sent == 123);
    let counters = forwarder.counters();
    assert_eq!(
        (
            counters.received,
            counters.failed,
            counters.dropped,
            counters.queued
        ),
        (123, 0, 0, 0)
    );
    let batches = documents_sent(&server);
    assert!(
        batches.iter().all(|b| b.len() <= 50),
        "{:?}",
        batches.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 123);
    assert_eq!(forwarder.describe(), "123 sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_documents_are_reported_with_x_rays_reason_and_busy_ones_sent_again() {
    let server = Server::start();
    let refused = fixture("awsdocs-devguide/PutTraceSegments.unprocessed.response.json");
    let busy_once = AtomicBool::new(true);
    server.route("/TraceSegments", move |request| {
        let body = request.body.to_string();
        let mut unprocessed = Vec::new();
        if body.contains("6226467e3f845502") {
            unprocessed.extend(refused["UnprocessedTraceSegments"].as_array().unwrap().clone());
        }
        if body.contains("6226467e3f845503") && busy_once.swap(false, Ordering::SeqCst) {
            unprocessed.push(json!({"Id": "6226467e3f845503", "ErrorCode": "ThrottledException", "Message": "Rate exceeded"}));
        }
        Reply::json(&json!({ "UnprocessedTraceSegments": unprocessed }))
    });
    let forwarder = Forwarder::start(writer(&server.url()), quick());
    for i in 0..6 {
        forwarder.offer(&document(i), now());
    }
    wait_until("5 sent, 1 refused", || {
        let c = forwarder.counters();
        c.sent == 5 && c.failed == 1
    });
    assert_eq!(
        forwarder.problems(),
        [
            "X-Ray refused segment 6226467e3f845502: InvalidTraceId: Invalid segment. ErrorCode: InvalidTraceId"
        ]
    );
    let sent = documents_sent(&server).concat();
    let busy = sent
        .iter()
        .filter(|d| d.contains("6226467e3f845503"))
        .count();
    assert_eq!(busy, 2, "the busy one went twice");
    assert_eq!(forwarder.describe(), "5 sent · 1 failed (!)");
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_server_errors_keep_the_documents_and_send_them_later() {
    let server = Server::start();
    server.script(
        "/TraceSegments",
        [
            Reply::error(429, "ThrottledException", "Rate exceeded"),
            Reply::error(500, "InternalFailure", "oops"),
            Reply::error(503, "ServiceUnavailable", "later"),
        ],
    );
    ok_route(&server);
    let forwarder = Forwarder::start(writer(&server.url()), quick());
    for i in 0..10 {
        forwarder.offer(&document(i), now());
    }
    wait_until("a failure is shown", || forwarder.waiting().is_some());
    let waiting = forwarder.waiting().unwrap();
    assert!(waiting.contains("sending again in"), "{waiting}");
    wait_until("all 10 sent", || forwarder.counters().sent == 10);
    let counters = forwarder.counters();
    assert_eq!((counters.failed, counters.dropped), (0, 0));
    assert_eq!(
        forwarder.waiting(),
        None,
        "the failure is forgotten once sending works"
    );
    assert_eq!(server.requests_to("/TraceSegments").len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_x_ray_drops_the_oldest_past_the_bound_and_offers_never_wait() {
    // A port nobody listens on: connections are refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let one = document(0).len();
    let forwarder = Forwarder::start(
        writer(&format!("http://127.0.0.1:{port}")),
        ForwardOptions {
            queue_bytes: one * 20,
            ..quick()
        },
    );
    // And an X-Ray that takes the call and never answers.
    let hanging = Server::start();
    hanging.route("/TraceSegments", |_| Reply::hang());
    let stuck = Forwarder::start(
        writer(&hanging.url()),
        ForwardOptions {
            queue_bytes: one * 20,
            ..quick()
        },
    );
    for i in 0..500 {
        forwarder.offer(&document(i), now());
        stuck.offer(&document(i), now());
    }
    // Offers only queue: all 500 are counted at once, whatever X-Ray does.
    for f in [&forwarder, &stuck] {
        let c = f.counters();
        assert_eq!(c.received, 500);
        assert_eq!(c.sent, 0);
        assert!(c.queued <= 20, "the bound holds: {}", c.queued);
    }
    wait_until("the refusal is shown", || forwarder.waiting().is_some());
    let c = forwarder.counters();
    assert_eq!(
        c.dropped + c.queued as u64,
        500,
        "each document is queued or counted dropped"
    );
    assert!(c.dropped >= 480, "{c:?}");
    let waiting = forwarder.waiting().unwrap();
    assert!(
        waiting.starts_with("could not reach X-Ray: ") && waiting.contains("sending again in"),
        "{waiting}"
    );
    let described = forwarder.describe();
    assert!(
        described.starts_with("0 sent · ") && described.contains(" dropped · "),
        "{described}"
    );
    let s = stuck.counters();
    assert!(s.dropped >= 450, "{s:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn telemetry_reports_received_sent_rejected_and_connection_errors() {
    let server = Server::start();
    let refused = fixture("awsdocs-devguide/PutTraceSegments.unprocessed.response.json");
    server.script(
        "/TraceSegments",
        [Reply::error(500, "InternalFailure", "oops")],
    );
    server.route("/TraceSegments", move |request| {
        let unprocessed = if request.body.to_string().contains("6226467e3f845502") {
            refused["UnprocessedTraceSegments"].clone()
        } else {
            json!([])
        };
        Reply::json(&json!({ "UnprocessedTraceSegments": unprocessed }))
    });
    server.route("/TelemetryRecords", |_| Reply::json(&json!({})));
    let forwarder = Forwarder::start(
        writer(&server.url()),
        ForwardOptions {
            telemetry_every: Some(Duration::from_millis(300)),
            ..quick()
        },
    );
    for i in 0..8 {
        forwarder.offer(&document(i), now());
    }
    // Refused here: no end_time and not in progress.
    forwarder.offer(
        r#"{"name":"api","id":"70de5b6f19ff9a0a","trace_id":"1-6b025f00-bd862e3fe1be46a994272793","start_time":1795317500.0}"#,
        now(),
    );
    assert!(
        forwarder.problems()[0].starts_with(
            "not forwarded: segment 70de5b6f19ff9a0a of trace 1-6b025f00-bd862e3fe1be46a994272793: neither"
        ),
        "{:?}",
        forwarder.problems()
    );
    wait_until("7 sent", || forwarder.counters().sent == 7);
    let sum = |field: &str| -> i64 {
        server
            .requests_to("/TelemetryRecords")
            .iter()
            .flat_map(|r| r.body["TelemetryRecords"].as_array().unwrap().clone())
            .map(|record| {
                field
                    .split('.')
                    .fold(&record, |v, k| &v[k])
                    .as_i64()
                    .unwrap_or(0)
            })
            .sum()
    };
    wait_until("telemetry counts it all", || {
        sum("SegmentsReceivedCount") == 9 && sum("SegmentsSentCount") == 7
    });
    assert_eq!(sum("SegmentsRejectedCount"), 2);
    assert_eq!(sum("SegmentsSpilloverCount"), 0);
    assert_eq!(sum("BackendConnectionErrors.HTTPCode5XXCount"), 1);
    assert_eq!(sum("BackendConnectionErrors.ConnectionRefusedCount"), 0);
    let record = &server.requests_to("/TelemetryRecords")[0].body;
    assert!(record["TelemetryRecords"][0]["Timestamp"].as_f64().unwrap() > 1.7e9);
}

#[tokio::test(flavor = "multi_thread")]
async fn at_exit_what_is_queued_is_sent_at_once_or_counted_as_not_forwarded() {
    let server = Server::start();
    ok_route(&server);
    let patient = ForwardOptions {
        send_every: Duration::from_secs(30),
        ..quick()
    };
    let forwarder = Forwarder::start(writer(&server.url()), patient.clone());
    for i in 0..3 {
        forwarder.offer(&document(i), now());
    }
    assert_eq!(forwarder.flush(Duration::from_secs(5)).await, None);
    assert_eq!(forwarder.counters().sent, 3);
    assert_eq!(documents_sent(&server).concat().len(), 3);

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = Forwarder::start(writer(&format!("http://127.0.0.1:{port}")), patient);
    for i in 0..3 {
        unreachable.offer(&document(i), now());
    }
    let said = unreachable
        .flush(Duration::from_millis(500))
        .await
        .unwrap_or_else(|| panic!("{:?} {:?}", unreachable.counters(), unreachable.problems()));
    assert!(
        said.starts_with(
            "3 documents were not forwarded to X-Ray before exit (could not reach X-Ray: "
        ),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_telemetry_is_sent_when_it_is_turned_off() {
    let server = Server::start();
    ok_route(&server);
    server.route("/TelemetryRecords", |_| Reply::json(&json!({})));
    let forwarder = Forwarder::start(writer(&server.url()), quick());
    forwarder.offer(&document(0), now());
    wait_until("sent", || forwarder.counters().sent == 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(server.requests_to("/TelemetryRecords").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_listener_receives_reaches_moto_and_reads_back() {
    let moto = Moto::start();
    let url = moto.url();
    let listener = ListenerSource::start(ListenOptions {
        address: "127.0.0.1:0".parse().unwrap(),
        otlp_http: None,
        otlp_grpc: None,
        translate: Default::default(),
        max_traces: 100,
        record: None,
        forward: Some(Forwarders {
            documents: std::sync::Arc::new(Forwarder::start(writer(&url), quick())),
            otlp: OtlpForwarder::start(
                OtlpExporter::with_sdk_config(sdk_config(&url), ConnectOptions::default()),
                OtlpForwardOptions::default(),
            ),
        }),
    })
    .unwrap();
    // The recorded real Lambda trace, moved to now, as an SDK would send it.
    let trace = &fixture("awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json")
        ["Traces"][0];
    let documents: Vec<String> = trace["Segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Document"].as_str().unwrap().to_owned())
        .collect();
    let shift = xray_tui::send::rebase::shift_to(&documents, now()).unwrap();
    let moved: Vec<String> = documents
        .iter()
        .map(|d| xray_tui::send::rebase::shift_document(d, shift).unwrap())
        .collect();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for document in &moved {
        let datagram = format!("{{\"format\": \"json\", \"version\": 1}}\n{document}");
        socket
            .send_to(datagram.as_bytes(), listener.address())
            .unwrap();
    }
    let status = listener.status().unwrap();
    let expected = format!("{0} received · {0} sent", moved.len());
    wait_until("the status line counts them sent", || {
        status.borrow().activity.contains(&expected)
    });
    assert_eq!(
        listener.label(),
        format!("udp {} → X-Ray", listener.address())
    );
    let trace_id: Value = serde_json::from_str(&moved[0]).unwrap();
    let trace_id = trace_id["trace_id"].as_str().unwrap().to_owned();
    let client = aws_sdk_xray::Client::new(&sdk_config(&url));
    let answer = client
        .batch_get_traces()
        .trace_ids(trace_id)
        .send()
        .await
        .unwrap();
    let mut stored: Vec<String> = answer.traces()[0]
        .segments()
        .iter()
        .map(|s| s.document().unwrap().to_owned())
        .collect();
    let mut sent = moved.clone();
    stored.sort();
    sent.sort();
    assert_eq!(stored, sent, "X-Ray holds exactly what the SDK sent");
}
