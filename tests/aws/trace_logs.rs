//! The log lines of a trace on live AWS, with the real aws-sdk-cloudwatchlogs client: the
//! Logs Insights query over the groups the trace names (its segments' `aws.cloudwatch_logs`,
//! its Lambda functions, the configuration's `[logs]`), over its time with a margin, for both
//! forms of its id; the lines joined to their spans in the pane with the bytes scanned; a
//! missing group left out, a denied call and a trace without groups said in the pane; a query
//! stopped when another trace is opened.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use xray_tui::app::state::LogsState;
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::source::aws::{AwsOptions, AwsSource};
use xray_tui::worker::Worker;

use super::FROM;
use super::aws_server::{self, QUERY_RESULTS, Reply, START_QUERY, STOP_QUERY, Server};
use super::transaction_search::polling;

const TRACE: &str = "1-6553f100-0a9126e92a73e971eed891b9";
const W3C: &str = "6553f1000a9126e92a73e971eed891b9";
const OTHER: &str = "1-6553f100-ffffffffffffffffffffffff";

/// An ECS service that names its log group, calling a Lambda function.
fn documents(id: &str) -> Vec<Value> {
    vec![
        json!({"id": "aaaaaaaaaaaaaaaa", "name": "orders", "trace_id": id,
               "start_time": FROM + 10.0, "end_time": FROM + 11.0, "origin": "AWS::ECS::Container",
               "aws": {"cloudwatch_logs": [{"log_group": "/ecs/orders"}]},
               "subsegments": [{"id": "bbbbbbbbbbbbbbbb", "name": "charge-card", "namespace": "aws",
                                "start_time": FROM + 10.1, "end_time": FROM + 10.7}]}),
        json!({"id": "cccccccccccccccc", "name": "charge-card", "trace_id": id,
               "parent_id": "bbbbbbbbbbbbbbbb", "origin": "AWS::Lambda::Function",
               "resource_arn": "arn:aws:lambda:us-east-1:123456789012:function:charge-card",
               "start_time": FROM + 10.2, "end_time": FROM + 10.6}),
    ]
}

fn batch_get_traces(id: &str) -> Reply {
    let segments: Vec<Value> = documents(id)
        .into_iter()
        .map(|d| json!({"Id": d["id"], "Document": d.to_string()}))
        .collect();
    Reply::json(&json!({
        "Traces": [{"Id": id, "Duration": 1.0, "Segments": segments}],
        "UnprocessedTraceIds": []
    }))
}

fn row(time: &str, group: &str, message: &str, extra: &[(&str, &str)]) -> Value {
    let mut row = vec![
        json!({"field": "@timestamp", "value": time}),
        json!({"field": "@message", "value": message}),
        json!({"field": "@logStream", "value": "stream-1"}),
        json!({"field": "@log", "value": format!("123456789012:{group}")}),
    ];
    row.extend(
        extra
            .iter()
            .map(|(field, value)| json!({"field": field, "value": value})),
    );
    Value::Array(row)
}

/// The trace's lines as Logs Insights answers them, and a line of another trace.
fn complete() -> Reply {
    Reply::json(&json!({
        "status": "Complete",
        "statistics": {"recordsMatched": 4.0, "recordsScanned": 9000.0, "bytesScanned": 2_500_000.0},
        "results": [
            row("2023-11-14 22:13:30.050", "/ecs/orders",
                &json!({"level": "INFO", "message": "order received", "traceId": W3C}).to_string(), &[]),
            row("2023-11-14 22:13:30.400", "/aws/lambda/charge-card",
                "2023-11-14T22:13:30.400Z\t6f8f0e6c-1d2b-4c1e-9a55-7a3f5c2d9b10\tERROR\tcard declined", &[("@xrayTraceId", TRACE)]),
            row("2023-11-14 22:13:30.150", "/app/orders-audit",
                &json!({"level": "warn", "msg": "retrying the charge", "trace_id": TRACE,
                        "span_id": "bbbbbbbbbbbbbbbb"}).to_string(), &[]),
            row("2023-11-14 22:13:30.200", "/ecs/orders",
                &json!({"level": "INFO", "message": "another request", "traceId": OTHER}).to_string(), &[]),
        ]
    }))
}

fn source(server: &Server) -> Arc<AwsSource> {
    Arc::new(AwsSource::with_sdk_config(
        aws_server::sdk_config(&server.url(), Duration::from_secs(5)),
        AwsOptions {
            tuning: polling(),
            log_groups: BTreeMap::from([
                ("Orders".to_owned(), vec!["/app/orders-audit".to_owned()]),
                ("inventory".to_owned(), vec!["/app/inventory".to_owned()]),
            ]),
            ..AwsOptions::default()
        },
    ))
}

struct Session {
    state: State,
    worker: Worker,
    results: UnboundedReceiver<Action>,
}

impl Session {
    fn new(server: &Server) -> Session {
        let (sender, results) = unbounded_channel();
        Session {
            state: State::new("AWS us-east-1", 120, 30, 0),
            worker: Worker::new(source(server), sender),
            results,
        }
    }

    fn act(&mut self, action: Action) -> Vec<Command> {
        let commands = update(&mut self.state, action);
        self.worker.run(commands.clone());
        commands
    }

    /// Feeds the worker's results back until one `wanted` says it is the awaited one.
    async fn until(&mut self, wanted: impl Fn(&Action) -> bool) {
        loop {
            let action = tokio::time::timeout(Duration::from_secs(20), self.results.recv())
                .await
                .expect("the worker answers")
                .expect("the worker runs");
            let done = wanted(&action);
            self.act(action);
            if done {
                return;
            }
        }
    }

    async fn open(&mut self, id: &str) {
        self.act(Action::OpenTrace(id.to_owned()));
        self.until(|a| matches!(a, Action::TracesLoaded { .. }))
            .await;
        assert!(self.view().trace.is_some(), "the trace is open");
    }

    /// Opens the logs pane and waits for its lines.
    async fn logs(&mut self) {
        let commands = self.act(Action::Intent(Intent::ToggleLogs));
        assert!(
            matches!(commands.as_slice(), [Command::LoadLogs { .. }]),
            "{commands:?}"
        );
        self.until(|a| matches!(a, Action::LogsLoaded { .. })).await;
    }

    fn view(&self) -> &xray_tui::app::state::TraceView {
        self.state.trace.as_ref().expect("a trace view")
    }

    fn screen(&self) -> String {
        let mut terminal =
            Terminal::new(TestBackend::new(self.state.width, self.state.height)).unwrap();
        terminal
            .draw(|frame| xray_tui::ui::render(&self.state, frame))
            .unwrap();
        xray_tui::ui::buffer_text(terminal.backend().buffer())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trace_names_its_log_groups_and_its_lines_join_their_spans() {
    let server = Server::start();
    server.script("/Traces", [batch_get_traces(TRACE)]);
    server.script(START_QUERY, [Reply::json(&json!({"queryId": "q-logs"}))]);
    server.script(
        QUERY_RESULTS,
        [
            Reply::json(&json!({"status": "Running", "results": []})),
            complete(),
        ],
    );
    let mut session = Session::new(&server);
    session.open(TRACE).await;
    assert!(
        server.requests_to(START_QUERY).is_empty(),
        "opening the trace alone queries no logs"
    );
    session.logs().await;

    let start = &server.requests_to(START_QUERY)[0];
    assert_eq!(
        start.body["logGroupNames"],
        json!([
            "/ecs/orders",
            "/app/orders-audit",
            "/aws/lambda/charge-card"
        ]),
        "the segment's group, the configured group of its service, the Lambda function's"
    );
    assert_eq!(start.body["startTime"], FROM as i64 + 10 - 300);
    assert_eq!(start.body["endTime"], FROM as i64 + 11 + 300);
    let text = start.body["queryString"].as_str().unwrap();
    let filter = text.lines().find(|l| l.starts_with("| filter")).unwrap();
    for wanted in [
        format!("@xrayTraceId = \"{TRACE}\""),
        format!("`AWS-XRAY-TRACE-ID` like \"{TRACE}\""),
        format!("traceId in [\"{TRACE}\", \"{W3C}\"]"),
        format!("trace_id in [\"{TRACE}\", \"{W3C}\"]"),
        format!("@message like \"{W3C}\""),
    ] {
        assert!(filter.contains(&wanted), "{wanted} in {filter}");
    }
    assert!(
        text.starts_with("fields @timestamp, @message, @logStream, @log"),
        "{text}"
    );
    assert_eq!(
        server.requests_to(QUERY_RESULTS)[0].body["queryId"],
        "q-logs"
    );

    let view = session.view();
    let LogsState::Loaded(logs) = &view.logs.state else {
        panic!("{:?}", view.logs.state);
    };
    let trace = view.trace.as_ref().unwrap();
    let joined: Vec<(&str, &str)> = logs
        .lines
        .iter()
        .zip(&logs.spans)
        .map(|(line, span)| {
            let span = span.map_or("—", |s| trace.spans[s as usize].name());
            (line.message.as_str(), span)
        })
        .collect();
    assert_eq!(
        joined,
        [
            ("order received", "orders"),
            ("retrying the charge", "charge-card"),
            ("card declined", "charge-card"),
        ],
        "in time order, the other trace's line left out"
    );
    let charge_call = trace.find_span("bbbbbbbbbbbbbbbb").unwrap() as u32;
    let function = trace.find_span("cccccccccccccccc").unwrap() as u32;
    assert_eq!(logs.spans[1], Some(charge_call), "by its span id");
    assert_eq!(
        logs.spans[2],
        Some(function),
        "by its group's service and time"
    );
    assert!(logs.lines[2].level.is_error());
    let screen = session.screen();
    assert!(
        screen.contains("3 lines · 1 error · 2.5 MB scanned"),
        "{screen}"
    );
    assert!(
        server.requests_to(STOP_QUERY).is_empty(),
        "a query that ended is not stopped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_cloudwatch_logs_does_not_have_is_left_out_and_said() {
    let server = Server::start();
    server.script("/Traces", [batch_get_traces(TRACE)]);
    server.script(
        START_QUERY,
        [
            Reply::error(
                400,
                "ResourceNotFoundException",
                "Log group '/app/orders-audit' does not exist for account ID '123456789012'",
            ),
            Reply::json(&json!({"queryId": "q-2"})),
        ],
    );
    server.script(QUERY_RESULTS, [complete()]);
    let mut session = Session::new(&server);
    session.open(TRACE).await;
    session.logs().await;
    let starts = server.requests_to(START_QUERY);
    assert_eq!(starts.len(), 2);
    assert_eq!(
        starts[1].body["logGroupNames"],
        json!(["/ecs/orders", "/aws/lambda/charge-card"])
    );
    let screen = session.screen();
    assert!(
        screen.contains("not in this account and region, left out: /app/orders-audit"),
        "{screen}"
    );
    assert!(screen.contains("order received"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_query_is_said_in_the_pane_and_the_trace_stays() {
    let server = Server::start();
    server.script("/Traces", [batch_get_traces(TRACE)]);
    server.script(
        START_QUERY,
        [Reply::error(
            400,
            "AccessDeniedException",
            "User is not authorized to perform: logs:StartQuery",
        )],
    );
    let mut session = Session::new(&server);
    session.open(TRACE).await;
    session.logs().await;
    let LogsState::Failed(message) = &session.view().logs.state else {
        panic!("{:?}", session.view().logs.state);
    };
    assert!(message.contains("logs:StartQuery"), "{message}");
    assert!(
        message.contains("log lines"),
        "what it takes away: {message}"
    );
    assert!(session.view().trace.is_some());
    let screen = session.screen();
    assert!(screen.contains("logs:StartQuery"), "{screen}");
    assert!(screen.contains("orders"), "the waterfall stays: {screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_that_names_no_groups_says_how_to_name_them() {
    let server = Server::start();
    let plain = json!({"id": "aaaaaaaaaaaaaaaa", "name": "web", "trace_id": TRACE,
                       "start_time": FROM, "end_time": FROM + 1.0});
    server.script(
        "/Traces",
        [Reply::json(&json!({
            "Traces": [{"Id": TRACE, "Duration": 1.0,
                        "Segments": [{"Id": "aaaaaaaaaaaaaaaa", "Document": plain.to_string()}]}],
            "UnprocessedTraceIds": []
        }))],
    );
    let mut session = Session::new(&server);
    session.open(TRACE).await;
    session.logs().await;
    assert!(server.requests_to(START_QUERY).is_empty());
    let LogsState::Failed(message) = &session.view().logs.state else {
        panic!("{:?}", session.view().logs.state);
    };
    assert!(message.contains("[logs] web = [\"/ecs/web\"]"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_another_trace_stops_the_query() {
    let server = Server::start();
    server.script(
        "/Traces",
        [batch_get_traces(TRACE), batch_get_traces(OTHER)],
    );
    server.script(START_QUERY, [Reply::json(&json!({"queryId": "q-slow"}))]);
    server.route(QUERY_RESULTS, |_| {
        Reply::json(&json!({"status": "Running", "results": []}))
    });
    let mut session = Session::new(&server);
    session.open(TRACE).await;
    let commands = session.act(Action::Intent(Intent::ToggleLogs));
    assert!(matches!(commands.as_slice(), [Command::LoadLogs { .. }]));
    server.wait_for_requests(QUERY_RESULTS, 2, Duration::from_secs(10));
    assert!(server.requests_to(STOP_QUERY).is_empty());
    let commands = session.act(Action::OpenTrace(OTHER.to_owned()));
    assert!(
        matches!(commands.first(), Some(Command::CancelLogs)),
        "{commands:?}"
    );
    server.wait_for_requests(STOP_QUERY, 1, Duration::from_secs(10));
    assert_eq!(server.requests_to(STOP_QUERY)[0].body["queryId"], "q-slow");
}
