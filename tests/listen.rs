//! The listener against real senders: the AWS X-Ray SDK for Python (installed in .venv by
//! scripts/python-env.sh), and a flood of datagrams from a plain socket.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use xray_tui::model::segment::Cause;
use xray_tui::model::{Span, Trace};
use xray_tui::source::listen::{ListenOptions, ListenerSource};
use xray_tui::source::{SummaryQuery, TraceSource};

use futures::StreamExt;

fn start(max_traces: usize, record: Option<PathBuf>) -> ListenerSource {
    ListenerSource::start(ListenOptions {
        address: "127.0.0.1:0".parse().unwrap(),
        otlp_http: None,
        otlp_grpc: None,
        translate: Default::default(),
        max_traces,
        record,
        forward: None,
    })
    .expect("the listener starts on a free loopback port")
}

fn python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        python.exists(),
        "the Python SDK tests need .venv: run ./scripts/python-env.sh (./scripts/test.sh does)"
    );
    python
}

/// Runs the SDK script in `mode` against the listener; returns the trace ids it made.
fn send_with_sdk(mode: &str, listener: &ListenerSource) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/send_traces.py");
    let output = Command::new(python())
        .arg(script)
        .arg(mode)
        .arg(listener.address().to_string())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the SDK script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    printed["trace_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect()
}

/// Waits until `documents` documents have arrived (UDP on loopback is quick, not instant).
fn wait_for_documents(listener: &ListenerSource, documents: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
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

async fn trace(listener: &ListenerSource, id: &str) -> Arc<Trace> {
    let traces = listener.traces(vec![id.to_owned()]).await.unwrap();
    traces.into_iter().next().expect("the trace was assembled")
}

/// Each span as "depth name", in table order: the shape of the tree.
fn shape(trace: &Trace) -> Vec<String> {
    trace
        .spans
        .iter()
        .map(|s| format!("{} {}", s.depth, s.name()))
        .collect()
}

fn http_status(span: &Span) -> Option<u16> {
    span.segment
        .http
        .as_ref()?
        .response
        .as_ref()?
        .status
        .map(|s| s as u16)
}

/// The subsegments every SDK run makes under its root (see send_traces.py).
fn check_the_work(trace: &Trace, root: usize) {
    let children: Vec<&Span> = trace
        .spans
        .iter()
        .filter(|s| s.parent == Some(root as u32))
        .collect();
    let names: Vec<&str> = children.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "validate-cart",
            "127.0.0.1",
            "127.0.0.1",
            "127.0.0.1",
            "127.0.0.1",
            "charge-card"
        ]
    );
    let validate = children[0];
    let annotations = &validate.segment.annotations;
    assert_eq!(annotations["cart_items"].to_string(), "3");
    assert_eq!(annotations["customer_tier"].to_string(), "gold");
    assert_eq!(
        validate.segment.metadata["shop"]["cart"]["skus"][1], "B-2",
        "metadata under its namespace"
    );
    let calls = &children[1..5];
    assert_eq!(
        calls.iter().map(|s| http_status(s)).collect::<Vec<_>>(),
        [Some(200), Some(404), Some(500), None],
        "200, 404, 500 and a refused connection"
    );
    let flags = |s: &Span| (s.segment.error, s.segment.fault);
    assert_eq!(flags(calls[0]), (false, false));
    assert_eq!(flags(calls[1]), (true, false), "404 is an error");
    assert_eq!(flags(calls[2]), (false, true), "500 is a fault");
    assert!(calls[3].segment.fault, "a refused connection is a fault");
    let Some(Cause::Details(refused)) = &calls[3].segment.cause else {
        panic!("the refusal has its cause: {:?}", calls[3].segment.cause);
    };
    assert!(!refused.exceptions.is_empty());
    let charge = children[5];
    assert!(charge.segment.fault);
    let Some(Cause::Details(cause)) = &charge.segment.cause else {
        panic!("the exception is the cause: {:?}", charge.segment.cause);
    };
    assert_eq!(cause.exceptions[0].kind.as_deref(), Some("ValueError"));
    assert_eq!(
        cause.exceptions[0].message.as_deref(),
        Some("card declined: insufficient funds")
    );
}

#[tokio::test]
async fn whole_segments_from_the_python_sdk_are_assembled() {
    let listener = start(100, None);
    let ids = send_with_sdk("whole", &listener);
    assert_eq!(ids.len(), 2);
    // One datagram per segment, with its subsegments nested inside.
    wait_for_documents(&listener, 2);
    for (id, name) in ids.iter().zip(["checkout", "checkout-retry"]) {
        let trace = trace(&listener, id).await;
        assert_eq!(trace.spans[0].name(), name);
        assert_eq!(trace.spans[0].depth, 0);
        assert_eq!(
            trace.spans[0].segment.origin.as_deref(),
            None,
            "no plugins configured"
        );
        check_the_work(&trace, 0);
        assert!(trace.notes.is_empty(), "{:?}", trace.notes);
    }
    let mut pages = listener.summaries(SummaryQuery::default());
    let page = pages.next().await.unwrap().unwrap();
    let mut listed: Vec<&str> = page.summaries.iter().map(|s| s.id.as_str()).collect();
    listed.sort();
    let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(listed, expected);
    let summary = &page.summaries[0];
    assert_eq!(summary.http.method.as_deref(), Some("POST"));
    assert_eq!(summary.http.status, Some(200));
    // Fault and error come from the root segment, as X-Ray defines them.
    assert!(!summary.has_fault && !summary.has_error);
}

#[tokio::test]
async fn streamed_subsegments_assemble_into_the_same_tree() {
    let whole = start(100, None);
    let whole_ids = send_with_sdk("whole", &whole);
    wait_for_documents(&whole, 2);
    let streaming = start(100, None);
    let ids = send_with_sdk("streaming", &streaming);
    // Streaming threshold 1: each of the six subsegments on its own, then the segment.
    wait_for_documents(&streaming, 14);
    for (id, whole_id) in ids.iter().zip(&whole_ids) {
        let streamed = trace(&streaming, id).await;
        let sent_whole = trace(&whole, whole_id).await;
        assert_eq!(shape(&streamed), shape(&sent_whole));
        assert_eq!(streamed.documents.len(), 7);
        check_the_work(&streamed, 0);
        assert!(streamed.spans.iter().all(|s| s.detached.is_none()));
    }
}

#[tokio::test]
async fn lambda_subsegments_without_their_facade_still_make_a_trace() {
    let listener = start(100, None);
    let ids = send_with_sdk("lambda", &listener);
    // The handler and its six subsegments, each sent on its own; the facade never is.
    wait_for_documents(&listener, 7);
    let trace = trace(&listener, &ids[0]).await;
    assert_eq!(trace.spans[0].name(), "handler");
    assert_eq!(
        trace.spans[0].segment.parent_id.as_deref(),
        Some("53995c3f42cd8ad8"),
        "the handler's parent is the function's facade segment"
    );
    assert!(trace.spans[0].detached.is_some(), "shown at the top level");
    check_the_work(&trace, 0);
    assert_eq!(trace.spans.len(), 7);
}

#[test]
fn a_recording_reopens_as_the_same_traces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.ndjson");
    let listener = start(100, Some(path.clone()));
    let ids = send_with_sdk("streaming", &listener);
    wait_for_documents(&listener, 14);
    // On disk as soon as the burst was read: no need to stop the listener first.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut lines = 0;
    while Instant::now() < deadline {
        lines = std::fs::read_to_string(&path).unwrap().lines().count();
        if lines == 14 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(lines, 14);
    let mut collector = xray_tui::source::Collector::default();
    xray_tui::source::files::load_paths(std::slice::from_ref(&path), &mut collector);
    let data = collector.finish();
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    for id in &ids {
        let reopened = &data.traces[id];
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let live = runtime.block_on(trace(&listener, id));
        assert_eq!(shape(reopened), shape(&live));
    }
}

fn datagram(trace: usize, span: usize, in_progress: bool) -> Vec<u8> {
    let trace_id = format!("1-6b000000-{trace:024x}");
    let end = if in_progress {
        r#""in_progress": true"#.to_owned()
    } else {
        r#""end_time": 1795317601.5"#.to_owned()
    };
    format!(
        "{{\"format\": \"json\", \"version\": 1}}\n{{\"trace_id\": \"{trace_id}\", \"id\": \"{span:016x}\", \"name\": \"load-{trace}\", \"start_time\": 1795317600.{trace:06}, {end}}}"
    )
    .into_bytes()
}

#[test]
fn malformed_datagrams_are_counted_and_explained_and_the_rest_still_arrives() {
    let listener = start(100, None);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = listener.address();
    socket.send_to(&datagram(1, 1, false), to).unwrap();
    socket.send_to(b"{\"id\": \"no header\"}", to).unwrap();
    socket
        .send_to(b"{\"format\":\"json\",\"version\":1}\n{\"id\": \"x\"}", to)
        .unwrap();
    socket.send_to(b"\x1b]52;c;aGk=\x07\n{}", to).unwrap();
    socket.send_to(&datagram(2, 2, false), to).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while listener.counters().datagrams < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let counters = listener.counters();
    assert_eq!((counters.documents, counters.malformed), (2, 3));
    listener.settle();
    assert_eq!(listener.trace_count(), 2);
    let status = listener.status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while status.borrow().problems.len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = status.borrow().clone();
    assert!(
        status.activity.contains("3 malformed"),
        "{}",
        status.activity
    );
    let problems = status.problems.join("\n");
    assert!(problems.contains("no header line"), "{problems}");
    assert!(problems.contains("segment document skipped"), "{problems}");
    assert!(
        problems.contains("the header line is not JSON"),
        "{problems}"
    );
    assert!(
        !problems.contains('\x1b'),
        "escape sequences never reach the screen"
    );
}

/// 20,000 datagrams from one sender as fast as it can go, within a few seconds: everything
/// is received or counted, and no more than --max-traces traces are kept.
#[test]
fn a_flood_is_received_or_counted_and_memory_stays_within_the_cap() {
    const SENT: usize = 20_000;
    let listener = start(5_000, None);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = listener.address();
    let started = Instant::now();
    for i in 0..SENT {
        // Two documents per trace: in progress first, then completed.
        socket
            .send_to(&datagram(i / 2, i / 2, i % 2 == 0), to)
            .unwrap();
        if started.elapsed() > Duration::from_secs(20) {
            panic!("sending took too long");
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = 0;
    while Instant::now() < deadline {
        let received = listener.counters().datagrams;
        if received as usize == SENT {
            break;
        }
        // Stop waiting once nothing more comes in.
        if received == last && received > 0 {
            std::thread::sleep(Duration::from_millis(300));
            if listener.counters().datagrams == received {
                break;
            }
        }
        last = received;
        std::thread::sleep(Duration::from_millis(50));
    }
    listener.settle();
    let counters = listener.counters();
    let lost = SENT as u64 - counters.datagrams;
    if lost > 0 {
        let expected = format!("{lost} lost");
        let status = listener.status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(3);
        while !status.borrow().activity.contains(&expected) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let activity = status.borrow().activity.clone();
        assert!(
            activity.contains(&expected),
            "lost datagrams are counted: {activity}"
        );
    }
    eprintln!("flood: {counters:?}, lost {lost}");
    assert_eq!(counters.malformed, 0);
    assert!(listener.trace_count() <= 5_000);
    assert_eq!(
        counters.traces_seen - counters.evicted,
        listener.trace_count() as u64,
        "every trace not kept was evicted and counted"
    );
    assert!(counters.evicted >= 5_000 - lost / 2, "{counters:?}");
}
