//! The details pane, tab by tab, on real documents; and hostile strings never reach the screen.

mod common;

use std::path::Path;
use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde_json::json;
use xray_tui::app::details::Tab;
use xray_tui::app::{Action, Command, State, update};
use xray_tui::model::{Document, Segment, Trace};
use xray_tui::source::{Collector, files};
use xray_tui::ui;

fn fixture_trace(path: &str) -> Arc<Trace> {
    let mut collector = Collector::default();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xray")
        .join(path);
    files::load_paths(&[path], &mut collector);
    collector.finish().traces.into_values().next().unwrap()
}

/// A trace of one document.
fn one_document_trace(trace_id: &str, doc: &serde_json::Value) -> Arc<Trace> {
    let text = doc.to_string();
    Arc::new(Trace::assemble(
        trace_id,
        vec![Document {
            segment: Segment::parse(&text).unwrap(),
            text,
        }],
    ))
}

fn open(trace: Arc<Trace>, width: u16, height: u16) -> State {
    common::opened(trace, width, height)
}

/// The details pane alone, for span `index` on `tab`.
fn details(trace: Arc<Trace>, index: usize, tab: Tab) -> String {
    let mut state = open(trace, 100, 40);
    let view = state.trace.as_mut().unwrap();
    view.selected = index;
    xray_tui::app::trace_view::set_tab(view, tab);
    let area = Rect::new(0, 0, 90, 26);
    let mut buffer = Buffer::empty(area);
    let view = state.trace.as_ref().unwrap();
    ui::details::render(view, view.trace.as_ref().unwrap(), &mut buffer, area);
    ui::buffer_text(&buffer)
}

const LAMBDA: &str = "awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json";
const DDB: &str = "otel-contrib-awsxray/ddbSample.json";

#[test]
fn overview_tab() {
    insta::assert_snapshot!(details(fixture_trace(LAMBDA), 0, Tab::Overview));
}

#[test]
fn http_tab() {
    insta::assert_snapshot!(details(fixture_trace(LAMBDA), 0, Tab::Http));
}

#[test]
fn sql_tab_wraps_the_query() {
    let text = details(
        fixture_trace("otel-contrib-awsxray/indepSubsegmentWithSql.json"),
        0,
        Tab::Sql,
    );
    insta::assert_snapshot!(text);
}

#[test]
fn aws_tab_with_resource_blocks() {
    let trace = fixture_trace(LAMBDA);
    insta::assert_snapshot!("aws_call", details(Arc::clone(&trace), 1, Tab::Aws));
    insta::assert_snapshot!("aws_resources", details(trace, 0, Tab::Aws));
}

#[test]
fn annotations_and_metadata_tabs() {
    let trace = fixture_trace(DDB);
    let annotated = trace
        .spans
        .iter()
        .position(|s| !s.segment.annotations.is_empty())
        .unwrap();
    insta::assert_snapshot!(
        "annotations",
        details(Arc::clone(&trace), annotated, Tab::Annotations)
    );
    let with_metadata = trace
        .spans
        .iter()
        .position(|s| !s.segment.metadata.is_empty())
        .unwrap();
    insta::assert_snapshot!("metadata", details(trace, with_metadata, Tab::Metadata));
}

#[test]
fn exceptions_tab_with_stacks() {
    insta::assert_snapshot!(details(fixture_trace(DDB), 0, Tab::Exceptions));
}

#[test]
fn an_exception_id_is_resolved_to_where_it_was_recorded() {
    let trace_id = "1-5759e988-bd862e3fe1be46a994272793";
    let doc = json!({"trace_id": trace_id, "id": "root", "name": "payments", "start_time": 1.0, "end_time": 6.0,
    "fault": true, "cause": "0a1b2c3d4e5f6a7b",
    "subsegments": [{"id": "call", "name": "charge-card", "start_time": 1.0, "end_time": 6.0, "fault": true,
        "cause": {"working_directory": "/srv/payments", "exceptions": [
            {"id": "0a1b2c3d4e5f6a7b", "type": "PaymentProviderTimeout", "message": "no answer in 5s", "cause": "ffff000011112222",
             "stack": [{"path": "payments/provider.py", "line": 88, "label": "charge"}]},
            {"id": "ffff000011112222", "type": "ReadTimeout", "message": "read timed out", "remote": true}
        ]}}]});
    let trace = one_document_trace(trace_id, &doc);
    let shown = details(trace, 0, Tab::Exceptions);
    insta::assert_snapshot!(shown);
    assert!(shown.contains("Exception 0a1b2c3d4e5f6a7b was recorded on \"charge-card\""));
    assert!(shown.contains("caused by ReadTimeout"));
}

#[test]
fn raw_json_tab_and_empty_tabs() {
    let trace = fixture_trace("awsdocs-devguide/segment.minimal.json");
    insta::assert_snapshot!(details(Arc::clone(&trace), 0, Tab::Raw));
    let sql = details(trace, 0, Tab::Sql);
    assert!(sql.contains("No SQL data on this span."), "{sql}");
}

#[test]
fn empty_tabs_are_dimmed_not_hidden() {
    let trace = fixture_trace("awsdocs-devguide/segment.minimal.json");
    let mut state = open(trace, 100, 40);
    let view = state.trace.as_mut().unwrap();
    xray_tui::app::trace_view::set_tab(view, Tab::Overview);
    let area = Rect::new(0, 0, 90, 10);
    let mut buffer = Buffer::empty(area);
    let view = state.trace.as_ref().unwrap();
    ui::details::render(view, view.trace.as_ref().unwrap(), &mut buffer, area);
    let tabs = ui::buffer_text(&buffer).lines().next().unwrap().to_owned();
    assert!(
        tabs.contains(" SQL ") && tabs.contains(" Except "),
        "{tabs}"
    );
    let x = tabs.find(" SQL ").unwrap();
    let column = tabs[..x].chars().count() as u16 + 1;
    assert_eq!(
        buffer[(column, 0)].fg,
        ratatui::style::Color::DarkGray,
        "SQL is empty: dimmed"
    );
}

/// Escape sequences planted in every kind of field a trace carries.
fn hostile_trace() -> Arc<Trace> {
    let evil = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{1b}[31mRED\u{9b}1m\u{202e}txt.exe\r\n";
    let trace_id = "1-5759e988-bd862e3fe1be46a994272793";
    let doc = json!({"trace_id": trace_id, "id": "root", "name": format!("name{evil}"), "start_time": 1.0, "end_time": 2.0,
        "fault": true, "user": evil, "origin": evil, "resource_arn": evil,
        "http": {"request": {"url": format!("https://x/{evil}"), "method": evil, "user_agent": evil, "client_ip": evil},
                 "response": {"status": 500}},
        "annotations": {format!("key{evil}"): evil},
        "metadata": {format!("ns{evil}"): {"k": evil}},
        "cause": {"working_directory": evil, "exceptions": [{"id": "e1", "type": evil, "message": evil,
                  "stack": [{"path": evil, "line": 1, "label": evil}]}]},
        "subsegments": [{"id": "sql", "name": evil, "start_time": 1.1, "end_time": 1.5, "namespace": "remote",
            "sql": {"url": evil, "sanitized_query": format!("SELECT {evil}"), "user": evil, "database_type": evil},
            "aws": {"operation": evil, "table_name": evil, "region": evil, "custom": evil}}],
        "otel": {"kind": evil, "status": {"code": "ERROR", "message": evil},
            "scope": {"name": evil, "version": evil}, "attributes": {format!("k{evil}"): evil},
            "resource": {"service.name": evil}, "events": [{"name": evil, "time": 1.5, "attributes": {"x": evil}}],
            "links": [{"trace_id": evil, "span_id": evil}]}});
    one_document_trace(trace_id, &doc)
}

#[test]
fn control_characters_never_reach_the_screen() {
    let trace = hostile_trace();
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = open(Arc::clone(&trace), width, height);
        for span in 0..trace.spans.len() {
            for tab in Tab::ALL {
                let view = state.trace.as_mut().unwrap();
                view.selected = span;
                xray_tui::app::trace_view::set_tab(view, tab);
                let area = Rect::new(0, 0, width, height);
                let mut buffer = Buffer::empty(area);
                ui::render_buffer(&state, &mut buffer, area);
                for cell in buffer.content() {
                    assert!(
                        !cell
                            .symbol()
                            .chars()
                            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                        "{tab:?} span {span}: {:?}",
                        cell.symbol()
                    );
                }
                let screen = ui::buffer_text(&buffer);
                assert!(!screen.contains('\u{1b}'));
            }
        }
    }
    // Copies are cleaned too.
    let mut state = open(Arc::clone(&trace), 80, 24);
    let commands = update(
        &mut state,
        Action::Intent(xray_tui::app::Intent::CopyRawJson),
    );
    let [Command::Copy(copied)] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    // The JSON text keeps its escapes as `\u001b`, which is harmless text.
    assert!(
        !copied
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{copied:?}"
    );
}

#[test]
fn the_otel_tab_shows_the_span_as_it_arrived() {
    let trace_id = "1-5759e988-bd862e3fe1be46a994272793";
    let doc = json!({"trace_id": trace_id, "id": "53995c3f42cd8ad8", "name": "checkout",
    "start_time": 10.0, "end_time": 10.5, "fault": true,
    "otel": {
        "kind": "SERVER",
        "status": {"code": "ERROR", "message": "card declined\u{1b}[31m"},
        "sampled": false,
        "scope": {"name": "opentelemetry.instrumentation.flask", "version": "0.65b0"},
        "attributes": {"http.request.method": "POST", "http.response.status_code": 502,
                       "app.cart": {"items": 3}},
        "resource": {"service.name": "checkout", "telemetry.sdk.language": "python"},
        "events": [{"name": "exception", "time": 10.25,
                    "attributes": {"exception.type": "PaymentError"}}],
        "links": [{"trace_id": "5759e988bd862e3fe1be46a994272794", "span_id": "0a1b2c3d4e5f6a7b"}]
    }});
    let trace = one_document_trace(trace_id, &doc);
    assert!(Tab::Otel.has_content(&trace.spans[0]));
    let shown = details(Arc::clone(&trace), 0, Tab::Otel);
    for line in [
        "SERVER",
        "ERROR: card declined",
        "no (sent as unsampled)",
        "opentelemetry.instrumentation.flask 0.65b0",
        "http.request.method = POST",
        "http.response.status_code = 502",
        "app.cart =",
        "\"items\": 3",
        "service.name = checkout",
        "Event exception  +250ms",
        "exception.type = PaymentError",
        "Link to 5759e988bd862e3fe1be46a994272794 / 0a1b2c3d4e5f6a7b",
    ] {
        assert!(
            shown.contains(line),
            "the OTel tab lacks {line:?}:\n{shown}"
        );
    }
    assert!(
        !shown.contains('\u{1b}'),
        "control characters never reach the screen"
    );

    let plain = fixture_trace("awsdocs-devguide/segment.minimal.json");
    assert!(!Tab::Otel.has_content(&plain.spans[0]));
    let empty = details(plain, 0, Tab::Otel);
    assert!(empty.contains("No OTel data on this span."), "{empty}");
}

#[test]
fn a_chain_of_causes_shows_each_exception_once() {
    let trace_id = "1-5759e988-bd862e3fe1be46a994272794";
    let doc = json!({"trace_id": trace_id, "id": "root", "name": "checkout", "start_time": 1.0, "end_time": 6.0,
    "fault": true, "cause": {"exceptions": [
        {"id": "aaaa000000000001", "type": "CheckoutFailed", "message": "checkout failed", "cause": "aaaa000000000002"},
        {"id": "aaaa000000000002", "type": "PaymentDeclined", "message": "declined", "cause": "aaaa000000000003"},
        {"id": "aaaa000000000003", "type": "ReadTimeout", "message": "read timed out", "cause": "aaaa000000000004"},
        {"id": "aaaa000000000004", "type": "SocketClosed", "message": "socket closed"}
    ]}});
    let trace = one_document_trace(trace_id, &doc);
    let shown = details(trace, 0, Tab::Exceptions);
    for (kind, heading) in [
        ("CheckoutFailed", " CheckoutFailed\n"),
        ("PaymentDeclined", " caused by PaymentDeclined\n"),
        ("ReadTimeout", " caused by ReadTimeout\n"),
        ("SocketClosed", " caused by SocketClosed\n"),
    ] {
        assert_eq!(shown.matches(kind).count(), 1, "{kind} once:\n{shown}");
        assert!(shown.contains(heading), "{heading:?} in\n{shown}");
    }
}

#[test]
fn exceptions_that_cause_each_other_in_a_loop_show_once_each() {
    let trace_id = "1-5759e988-bd862e3fe1be46a994272795";
    let doc = json!({"trace_id": trace_id, "id": "root", "name": "checkout", "start_time": 1.0, "end_time": 6.0,
    "fault": true, "cause": {"exceptions": [
        {"id": "bbbb000000000001", "type": "Ping", "cause": "bbbb000000000002"},
        {"id": "bbbb000000000002", "type": "Pong", "cause": "bbbb000000000001"}
    ]}});
    let shown = details(one_document_trace(trace_id, &doc), 0, Tab::Exceptions);
    assert_eq!(shown.matches("Ping").count(), 1, "{shown}");
    assert_eq!(shown.matches("Pong").count(), 1, "{shown}");
}
