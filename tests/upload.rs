//! `--upload`: the real binary sends a recording to moto's X-Ray server and the documents are
//! read back with BatchGetTraces; a loopback server of our own plays what moto does not
//! (unprocessed documents, throttling, server errors, access denied).

mod aws_server;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use aws_config::SdkConfig;
use serde_json::{Value, json};
use xray_tui::aws::{ConnectOptions, Failure, Operation};
use xray_tui::send::replay::{self, Item, UploadOptions};
use xray_tui::send::writer::Writer;

use aws_server::moto::Moto;
use aws_server::{Reply, Server, fixture};

const BINARY: &str = env!("CARGO_BIN_EXE_xray-tui");

/// The recorded real traces, as `--record` writes them: one document a line.
fn recording(dir: &Path, paths: &[&str]) -> (PathBuf, Vec<Value>) {
    let mut documents = Vec::new();
    for path in paths {
        for trace in fixture(path)["Traces"].as_array().unwrap() {
            for segment in trace["Segments"].as_array().unwrap() {
                let text = segment["Document"].as_str().unwrap();
                documents.push(serde_json::from_str::<Value>(text).unwrap());
            }
        }
    }
    let path = dir.join("incident.ndjson");
    let lines: Vec<String> = documents.iter().map(Value::to_string).collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (path, documents)
}

fn sdk_config(url: &str) -> SdkConfig {
    aws_server::sdk_config(url, Duration::from_secs(5))
}

/// The binary, with dummy credentials and none of this machine's AWS set-up.
fn xray_tui(home: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

/// `xray-tui --file PATH --upload --rebase-time` against the X-Ray at `url`.
fn upload_rebased(home: &Path, path: &Path, url: &str) -> std::process::Output {
    xray_tui(home)
        .arg("--file")
        .arg(path)
        .args(["--upload", "--rebase-time", "--region", "us-east-1"])
        .args(["--endpoint-url", url])
        .output()
        .unwrap()
}

/// `1-{epoch}-{random}` with the epoch moved by `shift`.
fn moved_trace_id(id: &str, shift: i64) -> String {
    let epoch = i64::from_str_radix(&id[2..10], 16).unwrap();
    format!("1-{:08x}-{}", epoch + shift, &id[11..])
}

/// Checks that `after` is `before` moved by `shift` seconds: same fields, ids and links,
/// every time moved by exactly the shift, the trace id's epoch with it.
fn assert_moved(before: &Value, after: &Value, shift: f64, at: &str) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut keys_b: Vec<&String> = b.keys().collect();
            let mut keys_a: Vec<&String> = a.keys().collect();
            keys_b.sort();
            keys_a.sort();
            assert_eq!(keys_b, keys_a, "fields of {at}");
            for (key, value) in b {
                let place = format!("{at}.{key}");
                match key.as_str() {
                    "start_time" | "end_time" => {
                        let moved = a[key].as_f64().unwrap();
                        let expected = value.as_f64().unwrap() + shift;
                        assert!(
                            (moved - expected).abs() < 1e-3,
                            "{place}: {moved} is not {expected}"
                        );
                    }
                    "trace_id" => assert_eq!(
                        a[key].as_str().unwrap(),
                        moved_trace_id(value.as_str().unwrap(), shift as i64),
                        "{place}"
                    ),
                    _ => assert_moved(value, &a[key], shift, &place),
                }
            }
        }
        (Value::Array(b), Value::Array(a)) => {
            assert_eq!(b.len(), a.len(), "{at}");
            for (i, (b, a)) in b.iter().zip(a).enumerate() {
                assert_moved(b, a, shift, &format!("{at}[{i}]"));
            }
        }
        (b, a) => assert_eq!(b, a, "{at}"),
    }
}

#[test]
fn a_recording_uploaded_with_rebase_time_reads_back_from_moto_whole() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (path, originals) = recording(
        dir.path(),
        &["awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json"],
    );
    let output = upload_rebased(dir.path(), &path, &moto.url());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let count = originals.len();
    assert!(
        stdout.contains(&format!(
            "{count} of {count} documents accepted, 0 rejected."
        )),
        "{stdout}"
    );
    // "Times moved by +229...s (…), trace ids with them."
    let shift: f64 = stdout
        .split("Times moved by ")
        .nth(1)
        .and_then(|rest| rest.split(" s").next())
        .and_then(|n| n.trim_start_matches('+').parse().ok())
        .unwrap_or_else(|| panic!("no shift in {stdout}"));
    let newest = originals
        .iter()
        .filter_map(|d| d["end_time"].as_f64())
        .fold(f64::MIN, f64::max);
    let now = chrono::Utc::now().timestamp() as f64;
    assert!(
        (newest + shift - now).abs() < 120.0,
        "the newest document ends now"
    );

    let mut wanted: HashMap<String, &Value> = HashMap::new();
    let mut trace_ids: Vec<String> = Vec::new();
    for document in &originals {
        wanted.insert(document["id"].as_str().unwrap().to_owned(), document);
        let id = moved_trace_id(document["trace_id"].as_str().unwrap(), shift as i64);
        if !trace_ids.contains(&id) {
            trace_ids.push(id);
        }
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = aws_sdk_xray::Client::new(&sdk_config(&moto.url()));
    let mut found = 0;
    for ids in trace_ids.chunks(5) {
        let answer = runtime
            .block_on(
                client
                    .batch_get_traces()
                    .set_trace_ids(Some(ids.to_vec()))
                    .send(),
            )
            .expect("BatchGetTraces answers");
        assert!(
            answer.unprocessed_trace_ids().is_empty(),
            "every moved trace id is known: {:?}",
            answer.unprocessed_trace_ids()
        );
        for trace in answer.traces() {
            for segment in trace.segments() {
                let document: Value = serde_json::from_str(segment.document().unwrap()).unwrap();
                let id = document["id"].as_str().unwrap();
                let original = wanted
                    .get(id)
                    .unwrap_or_else(|| panic!("segment {id} was not sent"));
                assert_moved(original, &document, shift, id);
                found += 1;
            }
        }
    }
    assert_eq!(found, count, "every document came back");

    // Two incidents two years apart: one shift cannot bring both within X-Ray's 30 days.
    let (path, _) = recording(
        dir.path(),
        &[
            "aws-cli-examples/BatchGetTraces.scorekeep.output.json",
            "awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json",
        ],
    );
    let output = upload_rebased(dir.path(), &path, &moto.url());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "2 of {} documents accepted, {count} rejected.",
            count + 2
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "days ago: X-Ray keeps 30 days (the recording spans more than that, and \
             --rebase-time moves it as a whole so its newest document ends now)"
        ),
        "{stdout}"
    );
}

#[test]
fn upload_needs_documents_and_rebase_time_needs_upload() {
    let dir = tempfile::tempdir().unwrap();
    let output = xray_tui(dir.path()).arg("--upload").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("--upload sends saved documents: give them with --file PATH or --demo")
    );
    let output = xray_tui(dir.path())
        .args(["--demo", "--rebase-time"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--upload"));
}

#[test]
fn documents_x_ray_would_refuse_are_reported_and_not_sent() {
    let server = Server::start();
    server.route("/TraceSegments", |_| {
        Reply::json(&json!({ "UnprocessedTraceSegments": [] }))
    });
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now().timestamp() as f64;
    let good = json!({"name":"api","id":"70de5b6f19ff9a0a","trace_id": format!("1-{:08x}-bd862e3fe1be46a994272793", now as u32 - 5),"start_time": now - 5.0,"end_time": now - 4.0});
    let open_ended = json!({"name":"api","id":"70de5b6f19ff9a0b","trace_id": format!("1-{:08x}-bd862e3fe1be46a994272794", now as u32 - 5),"start_time": now - 5.0});
    let old = json!({"name":"api","id":"70de5b6f19ff9a0c","trace_id":"1-5759e988-bd862e3fe1be46a994272795","start_time":1478293361.2,"end_time":1478293361.3});
    let path = dir.path().join("mixed.ndjson");
    std::fs::write(&path, format!("{good}\n{open_ended}\n{old}\nnot json\n")).unwrap();
    let output = xray_tui(dir.path())
        .arg("--file")
        .arg(&path)
        .args([
            "--upload",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &server.url(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("1 of 3 documents accepted, 2 rejected."),
        "{stdout}"
    );
    assert!(
        stdout.contains("segment 70de5b6f19ff9a0b of trace 1-")
            && stdout.contains("neither \"end_time\" nor \"in_progress\": true"),
        "{stdout}"
    );
    assert!(stdout.contains("X-Ray keeps 30 days (--rebase-time moves a recording to now)"));
    assert!(
        stdout.contains("Not read:\n  ") && stdout.contains("mixed.ndjson:4"),
        "{stdout}"
    );
    let sent: Vec<Value> = server
        .requests_to("/TraceSegments")
        .iter()
        .flat_map(|r| r.body["TraceSegmentDocuments"].as_array().unwrap().clone())
        .collect();
    assert_eq!(sent.len(), 1, "only the good document is sent");
    assert!(sent[0].as_str().unwrap().contains("70de5b6f19ff9a0a"));
}

fn fresh_documents(count: usize) -> Vec<Item> {
    let now = chrono::Utc::now().timestamp() as f64;
    (0..count)
        .map(|i| Item {
            place: format!("doc {i}"),
            text: json!({
                "name": "api",
                "id": format!("{:016x}", 0x6226467e3f845500_u64 + i as u64),
                "trace_id": format!("1-{:08x}-{:024x}", now as u32 - 10, i),
                "start_time": now - 10.0,
                "end_time": now - 9.0,
            })
            .to_string(),
        })
        .collect()
}

fn quick(now: f64) -> UploadOptions {
    UploadOptions {
        retry_pause: Duration::from_millis(20),
        attempts: 3,
        ..UploadOptions::new(false, now)
    }
}

fn writer_for(server: &Server) -> Writer {
    Writer::with_sdk_config(sdk_config(&server.url()), ConnectOptions::default())
}

#[tokio::test(flavor = "multi_thread")]
async fn unprocessed_documents_are_retried_when_x_ray_was_busy_and_reported_otherwise() {
    let server = Server::start();
    // The recorded real answer refuses 6226467e3f845502; the first time, X-Ray is also busy
    // with 6226467e3f845503.
    let refused = fixture("awsdocs-devguide/PutTraceSegments.unprocessed.response.json");
    let busy_once = std::sync::atomic::AtomicBool::new(true);
    server.route("/TraceSegments", move |request| {
        let body = request.body.to_string();
        let mut unprocessed = Vec::new();
        if body.contains("6226467e3f845502") {
            unprocessed.extend(refused["UnprocessedTraceSegments"].as_array().unwrap().clone());
        }
        if body.contains("6226467e3f845503")
            && busy_once.swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            unprocessed.push(json!({"Id": "6226467e3f845503", "ErrorCode": "ThrottledException", "Message": "Rate exceeded"}));
        }
        Reply::json(&json!({ "UnprocessedTraceSegments": unprocessed }))
    });
    let writer = writer_for(&server);
    let now = chrono::Utc::now().timestamp() as f64;
    let mut seen = Vec::new();
    let outcome = replay::upload(
        fresh_documents(120),
        &writer,
        &quick(now),
        &mut |done, total| seen.push((done, total)),
    )
    .await;
    assert_eq!(outcome.accepted, 119);
    assert_eq!(outcome.rejected.len(), 1);
    assert_eq!(outcome.rejected[0].place, "doc 2");
    assert_eq!(
        outcome.rejected[0].reason,
        "X-Ray: InvalidTraceId: Invalid segment. ErrorCode: InvalidTraceId"
    );
    let calls = server.requests_to("/TraceSegments");
    let sizes: Vec<usize> = calls
        .iter()
        .map(|r| r.body["TraceSegmentDocuments"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 121, "one document went twice");
    assert!(sizes.iter().all(|&n| n <= 50), "{sizes:?}");
    assert_eq!(seen.last(), Some(&(120, 120)), "progress ends at the total");
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_waited_out_and_server_errors_give_up_after_the_attempts() {
    let server = Server::start();
    server.script(
        "/TraceSegments",
        [
            Reply::error(429, "ThrottledException", "Rate exceeded"),
            Reply::error(429, "ThrottledException", "Rate exceeded"),
        ],
    );
    server.route("/TraceSegments", |_| {
        Reply::json(&json!({ "UnprocessedTraceSegments": [] }))
    });
    let now = chrono::Utc::now().timestamp() as f64;
    let outcome = replay::upload(
        fresh_documents(10),
        &writer_for(&server),
        &quick(now),
        &mut |_, _| {},
    )
    .await;
    assert_eq!((outcome.accepted, outcome.rejected.len()), (10, 0));
    assert_eq!(server.requests_to("/TraceSegments").len(), 3);

    let failing = Server::start();
    failing.route("/TraceSegments", |_| {
        Reply::error(500, "InternalFailure", "try later")
    });
    let outcome = replay::upload(
        fresh_documents(10),
        &writer_for(&failing),
        &quick(now),
        &mut |_, _| {},
    )
    .await;
    assert_eq!(outcome.accepted, 0);
    assert_eq!(outcome.rejected.len(), 10);
    assert!(
        outcome.rejected[0]
            .reason
            .starts_with("not sent after 3 attempts: X-Ray answered HTTP 500"),
        "{}",
        outcome.rejected[0].reason
    );
    assert_eq!(outcome.stopped, None, "a server error is no reason to stop");
}

#[tokio::test(flavor = "multi_thread")]
async fn access_denied_stops_the_upload_and_names_the_iam_action() {
    let server = Server::start();
    server.route("/TraceSegments", |_| {
        Reply::error(403, "AccessDeniedException", "not authorized")
    });
    let now = chrono::Utc::now().timestamp() as f64;
    let options = UploadOptions {
        calls_in_flight: 1,
        ..quick(now)
    };
    let outcome = replay::upload(
        fresh_documents(200),
        &writer_for(&server),
        &options,
        &mut |_, _| {},
    )
    .await;
    let stopped = outcome.stopped.expect("the upload stops");
    assert!(
        stopped.contains("AWS denied xray:PutTraceSegments")
            && stopped.contains("README: Sending traces to X-Ray"),
        "{stopped}"
    );
    assert_eq!((outcome.not_sent, outcome.rejected.len()), (200, 0));
    assert_eq!(
        server.requests_to("/TraceSegments").len(),
        1,
        "no call after the first refusal"
    );
    let refused = writer_for(&server)
        .put_segments(vec![fresh_documents(1).remove(0).text])
        .await
        .unwrap_err();
    assert_eq!(
        refused.failure,
        Failure::AccessDenied(Operation::PutTraceSegments)
    );
    assert!(!refused.worth_retrying());
}
