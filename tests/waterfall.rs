//! The waterfall's operations driven through update(): folding, search, jumps, critical
//! path, zoom, copy and save, on real fixtures and on a generated 50,000-span trace.

mod common;

use std::path::Path;
use std::sync::Arc;

use xray_tui::app::details::Tab;
use xray_tui::app::state::PromptPurpose;
use xray_tui::app::trace_view::{CauseKind, critical_path, root_causes};
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::model::{Status, Trace};
use xray_tui::source::{Collector, files};

fn fixture_trace(path: &str) -> Arc<Trace> {
    let mut collector = Collector::default();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xray")
        .join(path);
    files::load_paths(&[path], &mut collector);
    let data = collector.finish();
    data.traces.into_values().next().unwrap()
}

fn open(trace: Arc<Trace>) -> State {
    common::opened(trace, 120, 40)
}

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(
            state,
            Action::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
}

fn key(state: &mut State, code: crossterm::event::KeyCode) -> Vec<Command> {
    update(state, Action::Key(crossterm::event::KeyEvent::from(code)))
}

fn view(state: &State) -> &xray_tui::app::state::TraceView {
    state.trace.as_ref().unwrap()
}

fn selected_name(state: &State) -> String {
    let view = view(state);
    view.trace.as_ref().unwrap().spans[view.selected]
        .name()
        .to_owned()
}

const LAMBDA: &str = "awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json";
const DDB: &str = "otel-contrib-awsxray/ddbSample.json";

#[test]
fn folding_hides_subtrees_and_says_what_they_hide() {
    let mut state = open(fixture_trace(LAMBDA));
    assert_eq!(view(&state).rows.len(), 11);
    press(&mut state, Intent::Down); // Lambda
    press(&mut state, Intent::ToggleFold);
    assert_eq!(view(&state).rows, [0, 1, 8, 9, 10]);
    let (hidden, status) =
        xray_tui::app::trace_view::hidden(view(&state).trace.as_ref().unwrap(), 1);
    assert_eq!((hidden, status), (6, Status::Ok));
    press(&mut state, Intent::Down);
    assert_eq!(
        selected_name(&state),
        "## UserModel.saveUser",
        "moving skips the folded subtree"
    );
    press(&mut state, Intent::FoldOrParent); // folds saveUser
    assert_eq!(view(&state).rows, [0, 1, 8]);
    press(&mut state, Intent::FoldOrParent); // already folded: goes to the parent
    assert_eq!(selected_name(&state), "Scorekeep");
    press(&mut state, Intent::FoldToDepth(0));
    assert_eq!(view(&state).rows.len(), 11);
    press(&mut state, Intent::FoldToDepth(2));
    let depths: Vec<u32> = view(&state)
        .rows
        .iter()
        .map(|&r| view(&state).trace.as_ref().unwrap().spans[r as usize].depth)
        .collect();
    assert_eq!(depths, [0, 1, 1]);
    press(&mut state, Intent::UnfoldOrChild);
    assert_eq!(
        selected_name(&state),
        "Lambda",
        "root open: l goes to the first child"
    );
    press(&mut state, Intent::UnfoldOrChild);
    assert_eq!(
        view(&state).rows.len(),
        4,
        "Lambda opened one level: its child is folded at depth 2"
    );
}

#[test]
fn a_folded_span_shows_the_failure_it_hides() {
    let mut state = open(fixture_trace(DDB));
    press(&mut state, Intent::FoldToDepth(1));
    assert_eq!(view(&state).rows, [0]);
    let trace = view(&state).trace.clone().unwrap();
    let (hidden, status) = xray_tui::app::trace_view::hidden(&trace, 0);
    assert_eq!(hidden, trace.spans.len() - 1);
    assert_eq!(status, Status::Fault);
    let mut buffer = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 120, 40));
    let area = buffer.area;
    xray_tui::ui::render_buffer(&state, &mut buffer, area);
    let screen = xray_tui::ui::buffer_text(&buffer);
    let row = screen.lines().nth(2).unwrap();
    assert!(row.contains(&format!("▸✖ DDB +{hidden} ✖")), "{row}");
}

#[test]
fn search_finds_highlights_counts_and_filters() {
    let mut state = open(fixture_trace(LAMBDA));
    press(&mut state, Intent::Search);
    assert_eq!(state.prompt().unwrap().purpose, PromptPurpose::Search);
    type_text(&mut state, "dynamo");
    // Searching as you type jumps to the first match.
    assert_eq!(selected_name(&state), "DynamoDB");
    key(&mut state, crossterm::event::KeyCode::Enter);
    assert!(state.prompt().is_none());
    let search = view(&state).search.clone().unwrap();
    assert_eq!(search.matches, [9, 10]);
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "2 spans match; n/N next/previous, m shows only them"
    );
    assert_eq!(
        view(&state).selected,
        10,
        "Enter moves on to the next match"
    );
    press(&mut state, Intent::NextMatch);
    assert_eq!(view(&state).selected, 9, "wraps around");
    press(&mut state, Intent::PreviousMatch);
    assert_eq!(view(&state).selected, 10);
    press(&mut state, Intent::ToggleOnlyMatches);
    assert_eq!(
        view(&state).rows,
        [0, 8, 9, 10],
        "matches and their ancestors"
    );
    press(&mut state, Intent::ToggleOnlyMatches);
    assert_eq!(view(&state).rows.len(), 11);

    // Annotation values and SQL are searched too; Esc clears the search.
    press(&mut state, Intent::Search);
    common::press_key(&mut state, "ctrl-u");
    assert_eq!(state.prompt().unwrap().text, "", "Ctrl-U clears the line");
    type_text(&mut state, "Metadata string");
    key(&mut state, crossterm::event::KeyCode::Esc);
    assert!(view(&state).search.is_none());
}

#[test]
fn exception_messages_and_annotations_are_searched() {
    let mut state = open(fixture_trace(DDB));
    press(&mut state, Intent::Search);
    type_text(&mut state, "ResourceNotFound");
    key(&mut state, crossterm::event::KeyCode::Enter);
    let trace = view(&state).trace.clone().unwrap();
    let expected: Vec<u32> = trace
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            serde_json::to_string(&s.segment.cause)
                .unwrap()
                .contains("ResourceNotFound")
                || s.name().contains("ResourceNotFound")
        })
        .map(|(i, _)| i as u32)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(view(&state).search.as_ref().unwrap().matches, expected);
}

#[test]
fn jumps_to_problems_parent_and_root_cause() {
    let mut state = open(fixture_trace(DDB));
    let trace = view(&state).trace.clone().unwrap();
    let problems: Vec<usize> = (0..trace.spans.len())
        .filter(|&i| trace.spans[i].status() != Status::Ok)
        .collect();
    assert!(problems.len() >= 2);
    press(&mut state, Intent::NextProblem);
    assert_eq!(
        view(&state).selected,
        problems[1],
        "the root is a problem already: next is the second"
    );
    press(&mut state, Intent::PreviousProblem);
    assert_eq!(view(&state).selected, problems[0]);

    press(&mut state, Intent::RootCause);
    let root_cause = view(&state).selected;
    let span = &trace.spans[root_cause];
    assert!(span.segment.fault);
    assert!(
        trace
            .children(root_cause)
            .all(|c| !trace.spans[c].segment.fault),
        "no faulting child"
    );
    let deepest = trace
        .spans
        .iter()
        .filter(|s| s.segment.fault)
        .map(|s| s.depth)
        .max()
        .unwrap();
    assert_eq!(span.depth, deepest);
    assert_eq!(
        view(&state).tab,
        Tab::Exceptions,
        "the root cause opens on its exception"
    );
    assert_eq!(
        root_causes(&trace),
        (root_causes(&trace).0, CauseKind::Fault)
    );
    assert_eq!(root_cause, root_causes(&trace).0[0]);
    press(&mut state, Intent::Parent);
    assert_eq!(Some(view(&state).selected as u32), span.parent);

    let mut healthy = open(fixture_trace(LAMBDA));
    press(&mut healthy, Intent::RootCause);
    assert_eq!(
        healthy.message.as_ref().unwrap().text,
        "this trace has no fault, error or throttle"
    );
    press(&mut healthy, Intent::NextProblem);
    assert_eq!(
        healthy.message.as_ref().unwrap().text,
        "no span has a fault, error or throttle"
    );
}

#[test]
fn critical_path_of_the_lambda_trace() {
    let trace = fixture_trace(LAMBDA);
    let path = critical_path(&trace);
    let names: Vec<&str> = (0..trace.spans.len())
        .filter(|&i| path[i])
        .map(|i| trace.spans[i].name())
        .collect();
    // Scorekeep's end is set by saveUser → DynamoDB; before it, the Lambda call and, inside
    // the function, SNS and the annotations step just before it. The cold start's
    // Initialization ends before its function segment starts, so it blocks nothing inside it.
    assert_eq!(
        names,
        [
            "Scorekeep",
            "Lambda",
            "random-name",
            "random-name",
            "annotations",
            "SNS",
            "SNS",
            "## UserModel.saveUser",
            "DynamoDB",
            "DynamoDB"
        ]
    );
    let mut state = open(trace);
    press(&mut state, Intent::ToggleCriticalPath);
    assert_eq!(view(&state).critical.as_ref().unwrap(), &path);
    press(&mut state, Intent::ToggleCriticalPath);
    assert!(view(&state).critical.is_none());
}

#[test]
fn zoom_narrows_the_axis_and_comes_back() {
    let mut state = open(fixture_trace(LAMBDA));
    let trace = view(&state).trace.clone().unwrap();
    press(&mut state, Intent::Bottom);
    press(&mut state, Intent::ZoomIn);
    let span = &trace.spans[view(&state).selected];
    assert_eq!(view(&state).zoom, [(span.start(), span.end().unwrap())]);
    assert_eq!(
        xray_tui::app::trace_view::window(view(&state), &trace),
        (span.start(), span.end().unwrap())
    );
    press(&mut state, Intent::ZoomOut);
    assert!(view(&state).zoom.is_empty());
    assert_eq!(
        xray_tui::app::trace_view::window(view(&state), &trace),
        (trace.start().unwrap(), trace.end().unwrap())
    );
}

#[test]
fn copy_and_console_link_and_save() {
    let mut state = open(fixture_trace(LAMBDA));
    let commands = press(&mut state, Intent::CopyTraceId);
    assert_eq!(
        commands,
        [Command::Copy("1-59602603-23fc5b688855d396af79b496".into())]
    );
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "copied the trace id to the clipboard"
    );
    press(&mut state, Intent::Down);
    assert_eq!(
        press(&mut state, Intent::CopySpanId),
        [Command::Copy("0c544c1b1bbff948".into())]
    );
    let commands = press(&mut state, Intent::CopyRawJson);
    let [Command::Copy(json)] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(value["name"], "Lambda");
    assert_eq!(value["aws"]["operation"], "Invoke");

    // The region comes from the Lambda function's ARN.
    let commands = press(&mut state, Intent::ConsoleLink);
    let link = "https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#xray:traces/1-59602603-23fc5b688855d396af79b496";
    assert_eq!(commands, [Command::Copy(link.into())]);
    assert_eq!(state.message.as_ref().unwrap().text, link);

    state.clipboard = false;
    assert!(press(&mut state, Intent::CopyTraceId).is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("clipboard is off")
    );

    press(&mut state, Intent::Save);
    assert_eq!(
        state.prompt().unwrap().text,
        "1-59602603-23fc5b688855d396af79b496.json"
    );
    let commands = key(&mut state, crossterm::event::KeyCode::Enter);
    let [Command::Save { path, contents }] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert_eq!(path, "1-59602603-23fc5b688855d396af79b496.json");
    // What is saved loads back as the same trace.
    let mut collector = Collector::default();
    files::load_text("saved.json", contents, &mut collector);
    let again = collector.finish();
    let trace = view(&state).trace.clone().unwrap();
    let reloaded = &again.traces[&trace.id];
    assert_eq!(reloaded.documents, trace.documents);
    assert_eq!(reloaded.spans.len(), trace.spans.len());
    update(&mut state, Action::Saved(Ok(path.clone())));
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("saved to 1-59602603")
    );
}

#[test]
fn fifty_thousand_spans() {
    let trace = Arc::new(xray_tui::synthetic::trace(50_000, 7));
    assert_eq!(trace.spans.len(), 50_000);
    assert!(
        trace.spans.iter().all(|s| s.detached.is_none()),
        "every document linked"
    );
    assert!(trace.documents.len() > 300);
    let mut state = open(Arc::clone(&trace));
    press(&mut state, Intent::FoldToDepth(1));
    assert_eq!(view(&state).rows, [0]);
    press(&mut state, Intent::FoldToDepth(0));
    assert_eq!(view(&state).rows.len(), 50_000);
    press(&mut state, Intent::Bottom);
    assert_eq!(view(&state).selected, 49_999);

    let path = critical_path(&trace);
    let on_path: Vec<usize> = (0..trace.spans.len()).filter(|&i| path[i]).collect();
    assert_eq!(on_path[0], 0);
    // Every span on the path but the root has its parent on the path.
    assert!(
        on_path[1..]
            .iter()
            .all(|&i| path[trace.spans[i].parent.unwrap() as usize])
    );

    press(&mut state, Intent::Search);
    type_text(&mut state, "downstream");
    key(&mut state, crossterm::event::KeyCode::Enter);
    let expected = trace
        .spans
        .iter()
        .filter(|s| s.name() == "downstream.internal")
        .count();
    assert_eq!(
        view(&state).search.as_ref().unwrap().matches.len(),
        expected
    );
    press(&mut state, Intent::ToggleOnlyMatches);
    assert!(view(&state).rows.len() < 50_000);

    press(&mut state, Intent::RootCause);
    let root_cause = view(&state).selected;
    assert!(trace.spans[root_cause].segment.fault);
}

#[test]
fn esc_clears_a_search_before_it_leaves_the_trace() {
    let mut state = open(fixture_trace(LAMBDA));
    press(&mut state, Intent::Search);
    type_text(&mut state, "dynamo");
    key(&mut state, crossterm::event::KeyCode::Enter);
    press(&mut state, Intent::ToggleOnlyMatches);
    assert_eq!(view(&state).rows, [0, 8, 9, 10]);

    key(&mut state, crossterm::event::KeyCode::Esc);
    assert_eq!(
        state.screen,
        xray_tui::app::Screen::Trace,
        "still in the trace"
    );
    assert!(view(&state).search.is_none(), "the search is cleared");
    assert_eq!(view(&state).rows.len(), 11, "every span shows again");
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "search cleared; Esc goes back to the list"
    );

    key(&mut state, crossterm::event::KeyCode::Esc);
    assert_eq!(state.screen, xray_tui::app::Screen::List);
}

/// The documents of a trace with each span's status flags rewritten by `change`.
fn with_statuses(documents: &[String], change: fn(&mut serde_json::Value)) -> Arc<Trace> {
    fn walk(value: &mut serde_json::Value, change: fn(&mut serde_json::Value)) {
        change(value);
        if let Some(children) = value.get_mut("subsegments").and_then(|s| s.as_array_mut()) {
            for child in children {
                walk(child, change);
            }
        }
    }
    let documents = documents
        .iter()
        .map(|text| {
            let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
            walk(&mut value, change);
            let text = value.to_string();
            xray_tui::model::Document {
                segment: xray_tui::model::Segment::parse(&text).unwrap(),
                text,
            }
        })
        .collect();
    Arc::new(Trace::assemble(
        "1-6968b4f1-00000000000000000000abcd",
        documents,
    ))
}

/// Faults become errors: the trace has errors and no fault.
fn errors_only(span: &mut serde_json::Value) {
    if span.get("fault").and_then(|f| f.as_bool()) == Some(true) {
        span["fault"] = false.into();
        span["error"] = true.into();
    }
}

/// Every fault and error becomes a throttle alone.
fn throttles_only(span: &mut serde_json::Value) {
    let flagged = ["fault", "error"]
        .iter()
        .any(|k| span.get(*k).and_then(|f| f.as_bool()) == Some(true));
    if flagged {
        span["fault"] = false.into();
        span["error"] = false.into();
        span["throttle"] = true.into();
    }
}

/// `r` with no fault goes to the deepest erroring (or throttled) span that no child explains.
fn assert_root_cause_of(trace: Arc<Trace>, flag: &str, kind: &str) {
    assert!(
        trace.spans.iter().all(|s| !s.segment.fault),
        "no fault left"
    );
    let mut state = common::opened(Arc::clone(&trace), 120, 40);
    press(&mut state, Intent::RootCause);
    let selected = view(&state).selected;
    let is = |i: usize| {
        let s = &trace.spans[i].segment;
        if flag == "throttle" {
            s.throttle
        } else {
            s.error
        }
    };
    assert!(is(selected), "the {flag} root cause has the {flag}");
    assert!(
        trace.children(selected).all(|c| !is(c)),
        "no child has the {flag}"
    );
    let deepest_cause = (0..trace.spans.len())
        .filter(|&i| is(i) && trace.children(i).all(|c| !is(c)))
        .map(|i| trace.spans[i].depth)
        .max()
        .unwrap();
    assert_eq!(trace.spans[selected].depth, deepest_cause);
    let message = &state.message.as_ref().unwrap().text;
    assert!(
        message.starts_with(&format!("root cause of the {kind}")),
        "{message}"
    );
    assert_eq!(view(&state).tab, Tab::Exceptions);
}

#[test]
fn root_cause_of_errors_and_throttles_when_nothing_faulted() {
    let small = [
        r#"{"trace_id":"1-5f187253-6a106696d56b1f4ef9eba2ed","id":"aaaaaaaaaaaaaaaa","name":"front",
            "start_time":1.0,"end_time":2.0,"error":true,
            "subsegments":[{"id":"bbbbbbbbbbbbbbbb","name":"call","start_time":1.1,"end_time":1.9,"error":true,
               "subsegments":[{"id":"cccccccccccccccc","name":"db","start_time":1.2,"end_time":1.8,"error":true}]},
              {"id":"dddddddddddddddd","name":"ok","start_time":1.1,"end_time":1.2}]}"#
            .to_owned(),
    ];
    let errors = with_statuses(&small, |_| {});
    assert_root_cause_of(Arc::clone(&errors), "error", "error");
    let mut state = common::opened(Arc::clone(&errors), 120, 40);
    press(&mut state, Intent::RootCause);
    assert_eq!(
        selected_name(&state),
        "db",
        "the deepest of the chain of errors"
    );
    let throttles = with_statuses(&small, throttles_only);
    assert_root_cause_of(throttles, "throttle", "throttle");

    let big =
        xray_tui::synthetic::trace_documents("1-6968b4f1-00000000000000000000abcd", 50_000, 7);
    let errors = with_statuses(&big, errors_only);
    assert!(errors.spans.len() >= 50_000);
    assert_root_cause_of(errors, "error", "error");
    let throttles = with_statuses(&big, throttles_only);
    assert_root_cause_of(throttles, "throttle", "throttle");
}

#[test]
fn search_takes_key_value_terms_and_points_at_mistakes() {
    let mut state = open(fixture_trace(LAMBDA));
    press(&mut state, Intent::Search);
    type_text(&mut state, "duration>fast");
    let hint = state.prompt().unwrap().hint.clone().unwrap();
    assert!(hint.error);
    assert_eq!(hint.column, Some(9), "{}", hint.text);
    assert!(view(&state).search.is_none());
    key(&mut state, crossterm::event::KeyCode::Enter);
    let prompt = state
        .prompt()
        .expect("the prompt stays open on the mistake");
    assert_eq!(prompt.text, "duration>fast");
    assert!(
        prompt
            .hint
            .as_ref()
            .unwrap()
            .text
            .contains("compares with a duration")
    );

    common::press_key(&mut state, "ctrl-u");
    type_text(&mut state, "-aws.table");
    assert!(state.prompt().unwrap().hint.is_none());
    key(&mut state, crossterm::event::KeyCode::Enter);
    let trace = view(&state).trace.clone().unwrap();
    let search = view(&state).search.clone().unwrap();
    let expected: Vec<u32> = (0..trace.spans.len())
        .filter(|&i| {
            let s = &trace.spans[i].segment;
            s.aws.as_ref().and_then(|a| a.table_name.as_ref()).is_none()
        })
        .map(|i| i as u32)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(search.matches, expected);
    let with_table: Vec<u32> = {
        press(&mut state, Intent::Search);
        common::press_key(&mut state, "ctrl-u");
        type_text(&mut state, "name=DynamoDB aws.table=SCOREKEEP-USER");
        key(&mut state, crossterm::event::KeyCode::Enter);
        view(&state).search.clone().unwrap().matches
    };
    assert!(!with_table.is_empty());
    assert!(with_table.iter().all(|m| !expected.contains(m)));
    let first = view(&state).selected as u32;
    press(&mut state, Intent::NextMatch);
    assert!(with_table.contains(&(view(&state).selected as u32)));
    if with_table.len() > 1 {
        assert_ne!(view(&state).selected as u32, first);
    }
}
