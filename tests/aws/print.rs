//! The real binary against an account with Transaction Search on the loopback server:
//! `--print list`, `--print trace:ID` and `--print map`, with `--endpoint-url`, dummy keys in the
//! environment and nothing else of the machine's AWS set-up.

use std::process::{Command, Output};

use serde_json::{Value, json};

use super::aws_server::{
    DESTINATION, LIST_RETRIEVED, RETRIEVED_GRAPH, Reply, START_RETRIEVAL, Server, fixture,
    transaction_search,
};
use super::{GRAPH, SUMMARIES, TRACE_ID, TRACES};

fn print(server: &Server, view: &str) -> Output {
    let url = server.url();
    Command::new(env!("CARGO_BIN_EXE_xray-tui"))
        .args([
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
            "--print",
            view,
            "--width",
            "200",
        ])
        .env_clear()
        .env("TZ", "UTC")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Transaction Search at 1%: the recorded summaries, the recorded trace only by retrieval,
/// the recorded service graph.
fn account() -> Server {
    let server = Server::start();
    transaction_search(&server, 1.0);
    server.route("/TraceSummaries", |_| Reply::json(&fixture(SUMMARIES)));
    server.route("/ServiceGraph", |_| Reply::json(&fixture(GRAPH)));
    server.route(START_RETRIEVAL, |_| {
        Reply::json(&json!({"RetrievalToken": "token"}))
    });
    let recorded = fixture(TRACES)["Traces"][0].clone();
    let spans: Vec<Value> = recorded["Segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"Id": s["Id"], "Document": s["Document"]}))
        .collect();
    server.script(
        LIST_RETRIEVED,
        [Reply::json(&json!({"RetrievalStatus": "RUNNING"}))],
    );
    server.route(LIST_RETRIEVED, move |_| {
        Reply::json(&json!({
            "RetrievalStatus": "COMPLETE",
            "TraceFormat": "XRAY",
            "Traces": [{"Id": TRACE_ID, "Duration": recorded["Duration"], "Spans": spans}]
        }))
    });
    server.route(RETRIEVED_GRAPH, |_| {
        Reply::json(&json!({"RetrievalStatus": "COMPLETE", "Services": []}))
    });
    server
}

#[test]
fn print_list_says_what_the_list_holds() {
    let server = account();
    let text = text(&print(&server, "list"));
    assert!(
        text.starts_with("Traces of AWS us-east-1\n\nTraces      2 traces\n")
            && text.contains("\nTime range  last 1h\n")
            && text.contains("Transaction Search · summaries for 1% of spans"),
        "{text}\n{:?}",
        server
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>()
    );
    assert!(
        text.contains("1-59602606-a43a1ac52fc7ee0eea12a82c"),
        "{text}"
    );
    assert_eq!(server.requests_to(DESTINATION).len(), 1);
}

#[test]
fn print_trace_retrieves_it_from_aws_spans() {
    let server = account();
    let text = text(&print(&server, &format!("trace:{TRACE_ID}")));
    assert!(
        text.starts_with("Trace 1-5d82881a-0a9126e92a73e971eed891b9\n\nStatus    ✓ ok, HTTP 200\n"),
        "{text}"
    );
    assert!(
        text.contains("Scorekeep") && text.contains("DynamoDB"),
        "{text}"
    );
    assert!(
        server.requests_to("/Traces").is_empty(),
        "not BatchGetTraces"
    );
    assert_eq!(
        server.requests_to(START_RETRIEVAL)[0].trace_ids(),
        [TRACE_ID]
    );
    assert!(server.requests_to(LIST_RETRIEVED).len() >= 2, "polled");
}

#[test]
fn print_map_shows_the_service_graph() {
    let server = account();
    let text = text(&print(&server, "map"));
    assert!(
        text.starts_with("Service map of AWS us-east-1\n\nMap          4 services, 3 calls\n"),
        "{text}"
    );
}
