//! The log lines of a trace: the demo's, their join to spans, the logs pane and the Logs tab,
//! fetched once per trace and cancelled when the pane closes first.

mod common;

use std::sync::Arc;

use common::{first_fault_trace_id, loaded_state, open_trace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use xray_tui::app::details::Tab;
use xray_tui::app::state::LogsState;
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::model::Trace;
use xray_tui::model::logs::{Level, TraceLogs, join};
use xray_tui::source::{MemorySource, Saved, TraceSource};
use xray_tui::ui;

const PROVIDER: &str = "api.paymentprovider.example";

/// The demo trace of the incident whose provider calls timed out (no HTTP answer).
fn timed_out_checkout() -> Arc<Trace> {
    let mut traces: Vec<&Arc<Trace>> = common::demo()
        .traces
        .values()
        .filter(|t| {
            t.spans.iter().any(|s| {
                s.name() == PROVIDER && s.segment.fault && s.segment.http_status().is_none()
            })
        })
        .collect();
    traces.sort_by(|a, b| a.id.cmp(&b.id));
    Arc::clone(traces[0])
}

fn demo_logs(trace: &Trace) -> Arc<TraceLogs> {
    Arc::new(join(
        trace,
        xray_tui::demo_gen::logs::lines_for(trace),
        None,
    ))
}

fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

/// Opens `trace` and shows its logs pane, the lines delivered as the worker would.
fn with_logs_pane(trace: &Arc<Trace>, width: u16, height: u16) -> State {
    let mut state = loaded_state(width, height);
    open_trace(&mut state, &trace.id);
    let commands = update(&mut state, Action::Intent(Intent::ToggleLogs));
    let [
        Command::LoadLogs {
            request,
            trace: asked,
        },
    ] = commands.as_slice()
    else {
        panic!("the pane asks for the lines: {commands:?}");
    };
    assert_eq!(asked.id, trace.id);
    update(
        &mut state,
        Action::LogsLoaded {
            request: *request,
            trace_id: trace.id.clone(),
            result: Ok(demo_logs(trace)),
        },
    );
    state
}

#[test]
fn the_demo_source_logs_the_payment_providers_timeouts_beside_its_calls() {
    let trace = timed_out_checkout();
    // The demo as `--demo` loads it, at the tests' clock.
    let source = MemorySource::new("demo", Saved::Demo.load(common::FIXED_NOW));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let found = runtime.block_on(async {
        let found = source.logs(Arc::clone(&trace)).await.unwrap();
        join(&trace, found.lines, found.bytes_scanned)
    });
    let timeouts: Vec<usize> = (0..found.lines.len())
        .filter(|&i| found.lines[i].message.starts_with("payment provider"))
        .collect();
    assert_eq!(timeouts.len(), 2, "one line per failed attempt");
    assert!(
        found.lines[timeouts[1]]
            .message
            .contains("timed out after 5.0 s")
    );
    for &i in &timeouts {
        assert_eq!(found.lines[i].level, Level::Error);
        assert_eq!(found.lines[i].source.as_deref(), Some("/eks/payments"));
        let span = found.spans[i].expect("tied to a span") as usize;
        assert_eq!(
            trace.spans[span].name(),
            PROVIDER,
            "tied by service and time"
        );
    }
    // Every line is in time order and tied to a span of this trace.
    assert!(found.lines.windows(2).all(|w| w[0].time <= w[1].time));
    assert!(found.spans.iter().all(Option::is_some));
}

#[test]
fn the_pane_walks_the_lines_and_selects_each_lines_span() {
    let trace = timed_out_checkout();
    let mut state = with_logs_pane(&trace, 80, 24);
    let logs = demo_logs(&trace);
    let timeout = logs
        .lines
        .iter()
        .position(|l| l.message.starts_with("payment provider timed out"))
        .unwrap();
    for _ in 0..timeout {
        update(&mut state, Action::Intent(Intent::Down));
    }
    let view = state.trace.as_ref().unwrap();
    assert_eq!(view.logs.cursor.selected, timeout);
    assert_eq!(trace.spans[view.selected].name(), PROVIDER);
    // Esc closes the pane first, then leaves the trace.
    update(&mut state, Action::Intent(Intent::Close));
    assert!(!state.trace.as_ref().unwrap().logs.open);
    assert_eq!(state.screen, xray_tui::app::state::Screen::Trace);
    // Asked once per trace: showing the pane again finds the lines kept.
    let again = update(&mut state, Action::Intent(Intent::ToggleLogs));
    assert!(again.is_empty(), "{again:?}");
    update(&mut state, Action::Intent(Intent::Close));
    open_trace(&mut state, &first_fault_trace_id());
    open_trace(&mut state, &trace.id);
    let reopened = update(&mut state, Action::Intent(Intent::ToggleLogs));
    assert!(reopened.is_empty(), "cached per trace: {reopened:?}");
    assert!(state.trace.as_ref().unwrap().logs.loaded().is_some());
}

#[test]
fn closing_the_pane_before_the_lines_come_cancels_the_query() {
    let trace = timed_out_checkout();
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, &trace.id);
    let commands = update(&mut state, Action::Intent(Intent::ToggleLogs));
    let [Command::LoadLogs { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let request = *request;
    let buffer = render(&state);
    assert!(ui::buffer_text(&buffer).contains("Loading the trace's log lines from demo"));
    assert_eq!(
        update(&mut state, Action::Intent(Intent::Close)),
        vec![Command::CancelLogs]
    );
    // A late answer shows nowhere.
    update(
        &mut state,
        Action::LogsLoaded {
            request,
            trace_id: trace.id.clone(),
            result: Err("late".into()),
        },
    );
    let view = state.trace.as_ref().unwrap();
    assert!(!view.logs.open);
    assert_eq!(view.logs.state, LogsState::NotAsked);
}

#[test]
fn the_pane_shows_the_querys_progress_and_a_failure_is_asked_again_when_it_reopens() {
    let trace = timed_out_checkout();
    let mut state = loaded_state(100, 30);
    open_trace(&mut state, &trace.id);
    let commands = update(&mut state, Action::Intent(Intent::ToggleLogs));
    let [Command::LoadLogs { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let request = *request;
    update(
        &mut state,
        Action::SourceStatus(xray_tui::source::SourceStatus {
            activity: "querying 3 log groups for the trace's logs · 4 s · 12 lines so far".into(),
            ..Default::default()
        }),
    );
    let screen = ui::buffer_text(&render(&state));
    assert!(
        screen.contains("Loading the trace's log lines: querying 3 log groups for the trace's"),
        "{screen}"
    );
    update(
        &mut state,
        Action::LogsLoaded {
            request,
            trace_id: trace.id.clone(),
            result: Err("the Logs Insights query for the trace's log lines failed".into()),
        },
    );
    update(&mut state, Action::Intent(Intent::ToggleLogs));
    let commands = update(&mut state, Action::Intent(Intent::ToggleLogs));
    assert!(
        matches!(commands.as_slice(), [Command::LoadLogs { .. }]),
        "asked again: {commands:?}"
    );
}

#[test]
fn opening_another_trace_cancels_the_lines_on_their_way() {
    let trace = timed_out_checkout();
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, &trace.id);
    update(&mut state, Action::Intent(Intent::ToggleLogs));
    let commands = update(&mut state, Action::OpenTrace(first_fault_trace_id()));
    assert!(
        matches!(
            commands.as_slice(),
            [Command::CancelLogs, Command::LoadTrace { .. }]
        ),
        "{commands:?}"
    );
}

#[test]
fn a_failure_says_what_happened_in_the_pane() {
    let trace = timed_out_checkout();
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, &trace.id);
    let commands = update(&mut state, Action::Intent(Intent::ToggleLogs));
    let [Command::LoadLogs { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    update(
        &mut state,
        Action::LogsLoaded {
            request: *request,
            trace_id: trace.id.clone(),
            result: Err("access denied: logs:StartQuery is not allowed".into()),
        },
    );
    let screen = ui::buffer_text(&render(&state));
    assert!(
        screen.contains("logs:StartQuery is not allowed"),
        "{screen}"
    );
}

#[test]
fn the_search_finds_spans_by_their_log_lines() {
    let trace = timed_out_checkout();
    let mut state = with_logs_pane(&trace, 80, 24);
    let view = state.trace.as_mut().unwrap();
    // Only the log lines say which attempt it was.
    xray_tui::app::trace_view::set_search(view, "attempt 2 of 2").expect("the query parses");
    let matches = &view.search.as_ref().unwrap().matches;
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(trace.spans[matches[0] as usize].name(), PROVIDER);
}

#[test]
fn the_logs_tab_shows_the_lines_of_the_selected_span() {
    let trace = timed_out_checkout();
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, &trace.id);
    // The second attempt, the one that timed out.
    let provider = trace
        .spans
        .iter()
        .rposition(|s| s.name() == PROVIDER)
        .unwrap();
    let page = 10;
    xray_tui::app::trace_view::select(state.trace.as_mut().unwrap(), provider, page);
    let commands = update(&mut state, Action::Intent(Intent::SelectTab(Tab::Logs)));
    let [Command::LoadLogs { request, .. }] = commands.as_slice() else {
        panic!("the tab asks for the lines: {commands:?}");
    };
    update(
        &mut state,
        Action::LogsLoaded {
            request: *request,
            trace_id: trace.id.clone(),
            result: Ok(demo_logs(&trace)),
        },
    );
    let details = &state.trace.as_ref().unwrap().details;
    let text = format!("{details:?}");
    assert!(text.contains("ERROR payment provider timed out"), "{text}");
    assert!(
        text.contains("Problem(\"+"),
        "error lines in the error colour, with their offset: {text}"
    );
}

#[test]
fn snapshots_of_the_logs_pane_and_tab() {
    let trace = timed_out_checkout();
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = with_logs_pane(&trace, width, height);
        let logs = demo_logs(&trace);
        let timeout = logs
            .lines
            .iter()
            .position(|l| l.message.starts_with("payment provider timed out"))
            .unwrap();
        for _ in 0..timeout {
            update(&mut state, Action::Intent(Intent::Down));
        }
        let buffer = render(&state);
        let screen = ui::buffer_text(&buffer);
        insta::assert_snapshot!(format!("logs_pane_{width}x{height}"), screen);
        // Error-level lines are red, warnings yellow; the lines of the selected span are marked.
        let (x, y) = common::find(&buffer, "ERROR").expect("an error line on screen");
        assert_eq!(buffer[(x, y)].fg, Color::Red);
        let (mx, my) = common::find(&buffer, "▌").expect("the selected span's lines marked");
        assert_eq!(buffer[(mx, my)].fg, Color::Cyan);
        assert!(screen.contains("Logs"));

        // The Logs tab of the same span, the pane closed.
        update(&mut state, Action::Intent(Intent::Close));
        update(&mut state, Action::Intent(Intent::SelectTab(Tab::Logs)));
        let buffer = render(&state);
        insta::assert_snapshot!(
            format!("logs_tab_{width}x{height}"),
            ui::buffer_text(&buffer)
        );
        let (x, y) = common::find(&buffer, "ERROR payment provider").expect("the line");
        assert_eq!(buffer[(x, y)].fg, Color::Red);
    }
}

/// OTLP/JSON logs of the checkout fixture's trace: one by span id, one by service and time,
/// one of another trace, one with no trace id.
const CHECKOUT_LOGS: &str = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
  "scopeLogs":[{"logRecords":[
    {"timeUnixNano":"1737531826300000000","severityNumber":9,"body":{"stringValue":"reading the order"},
     "traceId":"6790a1b2c3d4e5f60718293a4b5c6d7e","spanId":"91b8c7d6e5f40312"},
    {"timeUnixNano":"1737531826900000000","severityText":"ERROR","body":{"stringValue":"payment refused"},
     "traceId":"6790a1b2c3d4e5f60718293a4b5c6d7e"},
    {"timeUnixNano":"1737531826900000000","body":{"stringValue":"another trace"},
     "traceId":"00000000000000000000000000000001","spanId":"91b8c7d6e5f40312"},
    {"timeUnixNano":"1737531826900000000","body":{"stringValue":"no trace"}}]}]}]}"#;

#[test]
fn a_file_of_otlp_json_logs_is_joined_to_the_spans_of_its_traces() {
    let spans = std::fs::read_to_string("tests/fixtures/otel/checkout.otlp.json").unwrap();
    let text = format!("{}\n{CHECKOUT_LOGS}\n", spans.replace('\n', " "));
    let mut collector = xray_tui::source::Collector::default();
    xray_tui::source::files::load_text("checkout.ndjson", &text, &mut collector);
    let data = collector.finish();
    assert!(
        data.problems
            .iter()
            .any(|p| p.to_string().contains("1 log record names no trace id")),
        "{:?}",
        data.problems
    );
    let trace = data.traces.values().next().unwrap();
    let logs = join(trace, data.logs_of(trace), None);
    let by_message = |text: &str| {
        let i = logs.lines.iter().position(|l| l.message == text).unwrap();
        (
            logs.lines[i].level,
            logs.spans[i].map(|s| trace.spans[s as usize].id().to_owned()),
        )
    };
    assert_eq!(logs.lines.len(), 2, "the other trace's line is left out");
    assert_eq!(
        by_message("reading the order"),
        (Level::Info, Some("91b8c7d6e5f40312".to_owned())),
        "tied by its span id"
    );
    let (level, span) = by_message("payment refused");
    assert_eq!(level, Level::Error);
    assert!(span.is_some(), "tied by service and time");
}

#[test]
fn a_live_sources_newer_data_asks_for_the_lines_again_and_keeps_the_old_ones_meanwhile() {
    let trace = timed_out_checkout();
    let mut state = with_logs_pane(&trace, 100, 30);
    let before = state
        .trace
        .as_ref()
        .unwrap()
        .logs
        .loaded()
        .unwrap()
        .lines
        .len();
    let commands = update(
        &mut state,
        Action::SourceStatus(xray_tui::source::SourceStatus {
            generation: 1,
            ..Default::default()
        }),
    );
    let Some(Command::LoadTrace { request, .. }) = commands
        .iter()
        .find(|c| matches!(c, Command::LoadTrace { .. }))
    else {
        panic!("the open trace is asked again: {commands:?}");
    };
    let commands = update(
        &mut state,
        Action::TracesLoaded {
            request: *request,
            result: Ok(vec![Arc::clone(&trace)]),
        },
    );
    let [Command::LoadLogs { request, .. }] = commands.as_slice() else {
        panic!("its lines are asked again: {commands:?}");
    };
    let view = state.trace.as_ref().unwrap();
    assert_eq!(
        view.logs.loaded().map(|l| l.lines.len()),
        Some(before),
        "the old lines stay meanwhile"
    );
    let mut lines = xray_tui::demo_gen::logs::lines_for(&trace);
    lines.push(xray_tui::model::logs::LogLine {
        time: trace.start().unwrap(),
        message: "a line that came later".into(),
        trace_id: Some(trace.id.clone()),
        ..Default::default()
    });
    update(
        &mut state,
        Action::LogsLoaded {
            request: *request,
            trace_id: trace.id.clone(),
            result: Ok(Arc::new(join(&trace, lines, None))),
        },
    );
    let view = state.trace.as_ref().unwrap();
    assert_eq!(view.logs.refreshing, None);
    let logs = view.logs.loaded().unwrap();
    assert_eq!(logs.lines.len(), before + 1);
    assert!(ui::buffer_text(&render(&state)).contains("a line that came later"));
}

/// What `aws logs filter-log-events` prints of an application's log group: JSON and text
/// lines of the checkout trace, a line of no trace, and an event without its time (line 7).
const APP_EVENTS: &str = r#"{
  "events": [
    {"logStreamName": "checkout/1", "timestamp": 1737531826300, "message": "{\"level\":\"INFO\",\"message\":\"reading the order\",\"traceId\":\"6790a1b2c3d4e5f60718293a4b5c6d7e\",\"spanId\":\"91b8c7d6e5f40312\"}\n"},
    {"logStreamName": "checkout/1", "timestamp": 1737531826900, "message": "2025-01-22T07:43:46.900Z\tERROR\tpayment refused trace=1-6790a1b2-c3d4e5f60718293a4b5c6d7e\n"},
    {"logStreamName": "checkout/1", "timestamp": 1737531827000, "message": "health check ok"},
    {"logStreamName": "checkout/1", "timestamp": 1737531827100, "message": "{\"message\":\"another trace\",\"trace_id\":\"1-00000000-000000000000000000000001\"}"},
    {"logStreamName": "checkout/1", "message": "no time"}
  ],
  "searchedLogStreams": []
}
"#;

/// What `aws logs get-query-results` prints of a query over the same group; the second row has
/// no @timestamp (line 5).
const APP_ROWS: &str = r#"{
  "status": "Complete",
  "results": [
    [{"field": "@timestamp", "value": "2025-01-22 07:43:46.400"}, {"field": "@message", "value": "WARN slow query"}, {"field": "@log", "value": "123456789012:/ecs/checkout"}, {"field": "@xrayTraceId", "value": "1-6790a1b2-c3d4e5f60718293a4b5c6d7e"}],
    [{"field": "@message", "value": "no time"}]
  ],
  "statistics": {"recordsMatched": 2.0, "recordsScanned": 10.0, "bytesScanned": 900.0}
}
"#;

#[test]
fn what_aws_logs_prints_of_an_applications_group_is_read_as_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/otel/checkout.otlp.json",
        dir.path().join("checkout.otlp.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("events.json"), APP_EVENTS).unwrap();
    std::fs::write(dir.path().join("rows.json"), APP_ROWS).unwrap();
    let mut collector = xray_tui::source::Collector::default();
    xray_tui::source::files::load_paths(&[dir.path().to_path_buf()], &mut collector);
    let data = collector.finish();
    let prefix = format!("{}/", dir.path().display());
    let mut problems: Vec<String> = data
        .problems
        .iter()
        .map(|p| p.to_string().replace(&prefix, ""))
        .collect();
    problems.sort();
    assert_eq!(
        problems,
        [
            "events.json:1:1: 1 log line names no trace id; left out (a line shows with the \
             trace it names)",
            "events.json:7:5: a log line without a time (an event's timestamp, a row's \
             @timestamp); skipped",
            "rows.json:5:5: a log line without a time (an event's timestamp, a row's \
             @timestamp); skipped",
        ]
    );
    let trace = data.traces.values().next().unwrap();
    let logs = join(trace, data.logs_of(trace), None);
    let lines: Vec<(&str, Level, Option<&str>)> = logs
        .lines
        .iter()
        .zip(&logs.spans)
        .map(|(line, span)| {
            let span = span.map(|s| trace.spans[s as usize].id());
            (line.message.as_str(), line.level, span)
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("reading the order", Level::Info, Some("91b8c7d6e5f40312")),
            ("WARN slow query", Level::Warn, None),
            (
                "payment refused trace=1-6790a1b2-c3d4e5f60718293a4b5c6d7e",
                Level::Error,
                None
            ),
        ],
        "in time order, the other trace's line left out"
    );
    assert_eq!(
        logs.lines[1].source.as_deref(),
        Some("/ecs/checkout"),
        "a row says its group"
    );
}
