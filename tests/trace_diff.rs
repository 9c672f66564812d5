//! The trace diff through update(): marking A, diffing with it, diffing with the typical
//! trace of the URL pattern (fetched through the worker), ordering and leaving; and its view
//! drawn at 80x24 and 200x60 with colours.

mod common;

use std::sync::Arc;

use common::{demo, first_fault_trace_id, loaded_state, open_trace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use xray_tui::analytics::trace_diff::{Change, diff};
use xray_tui::analytics::url_pattern;
use xray_tui::app::diff::{BASELINE_TRACES, url_pattern_of};
use xray_tui::app::state::{Screen, Severity};
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::model::Trace;
use xray_tui::ui;

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

fn open_trace_of(state: &State) -> Arc<Trace> {
    state.trace.as_ref().unwrap().trace.clone().unwrap()
}

/// A listed trace of the same URL pattern as `id`, with no fault.
fn healthy_twin(state: &State, id: &str) -> String {
    let pattern = url_pattern_of(&demo().traces[id]).unwrap();
    state
        .list
        .summaries
        .iter()
        .find(|s| {
            s.id != id
                && !s.has_fault
                && s.http.url.as_deref().map(url_pattern::fold).as_deref() == Some(pattern.as_str())
        })
        .expect("a healthy trace of the same pattern")
        .id
        .clone()
}

fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

/// The healthy trace marked as A, the faulty one open as B, diffed.
fn diffed(width: u16, height: u16) -> State {
    let mut state = loaded_state(width, height);
    let faulty = first_fault_trace_id();
    let healthy = healthy_twin(&state, &faulty);
    open_trace(&mut state, &healthy);
    press(&mut state, Intent::MarkDiff);
    open_trace(&mut state, &faulty);
    press(&mut state, Intent::DiffWithMarked);
    state
}

#[test]
fn d_without_a_marked_trace_says_which_key_marks_one() {
    let mut state = loaded_state(120, 40);
    open_trace(&mut state, &first_fault_trace_id());
    press(&mut state, Intent::DiffWithMarked);
    assert_eq!(state.screen, Screen::Trace);
    let message = state.message.clone().unwrap();
    assert_eq!(message.severity, Severity::Error);
    assert_eq!(
        message.text,
        "no trace marked as A: press a on a trace first"
    );
}

#[test]
fn marking_a_then_d_on_b_shows_the_merged_tree() {
    let mut state = loaded_state(120, 40);
    let faulty = first_fault_trace_id();
    let healthy = healthy_twin(&state, &faulty);
    open_trace(&mut state, &healthy);
    press(&mut state, Intent::MarkDiff);
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("marked trace")
    );
    let a = open_trace_of(&state);
    open_trace(&mut state, &faulty);
    let b = open_trace_of(&state);
    press(&mut state, Intent::DiffWithMarked);
    assert_eq!(state.screen, Screen::Diff);
    let view = state.diff.view.clone().unwrap();
    assert_eq!(view.diff, diff(&a, &b));
    assert_eq!(view.b_id, faulty);
    // Every span of each trace is counted once on its side.
    let count = |side: fn(&xray_tui::analytics::trace_diff::DiffRow) -> u32| -> usize {
        view.diff.rows.iter().map(side).sum::<u32>() as usize
    };
    assert_eq!(count(|r| r.a.map_or(0, |t| t.count)), a.spans.len());
    assert_eq!(count(|r| r.b.map_or(0, |t| t.count)), b.spans.len());
    assert_eq!(view.diff.rows[0].depth, 0);
    assert_eq!(
        view.diff.rows[0].change(),
        Change::Both,
        "the same entry point"
    );

    // `s` lists the rows largest change first; Esc goes back to the waterfall.
    press(&mut state, Intent::SortNext);
    let view = state.diff.view.clone().unwrap();
    assert!(view.by_change);
    let deltas: Vec<f64> = view
        .order
        .iter()
        .map(|&i| view.diff.rows[i].delta().abs())
        .collect();
    assert!(deltas.windows(2).all(|w| w[0] >= w[1]), "{deltas:?}");
    press(&mut state, Intent::Down);
    assert_eq!(state.diff.view.as_ref().unwrap().cursor.selected, 1);
    press(&mut state, Intent::Close);
    assert_eq!(state.screen, Screen::Trace);
    assert_eq!(state.trace.as_ref().unwrap().id, faulty);
}

#[test]
fn big_d_fetches_the_pattern_s_traces_and_says_how_many_made_the_median() {
    let mut state = loaded_state(120, 40);
    let faulty = first_fault_trace_id();
    open_trace(&mut state, &faulty);
    let pattern = url_pattern_of(&open_trace_of(&state)).unwrap();
    let listed = state
        .list
        .summaries
        .iter()
        .filter(|s| s.id != faulty)
        .filter(|s| {
            s.http.url.as_deref().map(url_pattern::fold).as_deref() == Some(pattern.as_str())
        })
        .count();
    assert!(listed > 1);
    let commands = press(&mut state, Intent::DiffWithTypical);
    let [Command::LoadBaseline { request, ids }] = commands.as_slice() else {
        panic!("the traces of the pattern are fetched through the worker: {commands:?}");
    };
    assert_eq!(ids.len(), listed.min(BASELINE_TRACES));
    assert!(!ids.contains(&faulty));
    assert_eq!(state.screen, Screen::Diff);
    assert!(state.diff.view.as_ref().unwrap().waiting.is_some());
    let text = ui::buffer_text(&render(&state));
    assert!(text.contains("fetching the listed traces of"), "{text}");

    let traces: Vec<Arc<Trace>> = ids
        .iter()
        .map(|id| Arc::clone(&demo().traces[id]))
        .collect();
    update(
        &mut state,
        Action::BaselineLoaded {
            request: *request,
            result: Ok(traces),
        },
    );
    let view = state.diff.view.clone().unwrap();
    assert!(view.waiting.is_none());
    assert!(!view.diff.rows.is_empty());
    let used = ids.len();
    assert_eq!(
        view.a_label,
        format!(
            "typical of {} (median of {used} of {listed} listed traces)",
            xray_tui::app::diff::pattern_path(&pattern)
        )
    );
    assert!(state.message.as_ref().unwrap().text.starts_with(&format!(
        "compared with the median of {used} traces of {pattern}"
    )));
    // The faulty trace is slower than the typical one somewhere.
    assert!(view.diff.rows.iter().any(|r| r.delta() > 0.0));
}

#[test]
fn big_d_on_a_trace_without_a_listed_twin_says_so() {
    let mut state = loaded_state(120, 40);
    open_trace(&mut state, &first_fault_trace_id());
    state.list.summaries.clear();
    let commands = press(&mut state, Intent::DiffWithTypical);
    assert!(commands.is_empty());
    assert_eq!(state.screen, Screen::Trace);
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("no other listed trace has the URL pattern")
    );
}

#[test]
fn diff_view_snapshots_with_colours() {
    use xray_tui::model::Status;
    use xray_tui::ui::theme;
    for (width, height) in [(80, 24), (200, 60)] {
        let state = diffed(width, height);
        let buffer = render(&state);
        let text = ui::buffer_text(&buffer);
        insta::assert_snapshot!(format!("trace_diff_{width}x{height}"), text);
        assert!(text.contains("Trace diff"));
        // Slower paths in the fault colour, with a plus; the selected row highlighted.
        let view = state.diff.view.as_ref().unwrap();
        assert!(view.diff.rows.iter().any(|r| r.delta() > 0.0));
        let (x, y) = (0..buffer.area.height)
            .flat_map(|y| (0..buffer.area.width).map(move |x| (x, y)))
            .find(|&(x, y)| {
                y > 1 && buffer[(x, y)].symbol() == "+" && buffer[(x + 1, y)].symbol() != "B"
            })
            .expect("a slower path on screen");
        assert_eq!(buffer[(x, y)].fg, theme::status_color(Status::Fault));
        assert_eq!(buffer[(0, 2)].bg, theme::selected().bg.unwrap());
        if let Some((x, y)) = common::find(&buffer, "−A") {
            assert_eq!(buffer[(x, y)].fg, theme::status_color(Status::Error));
        }
        if let Some((x, y)) = common::find(&buffer, "+B") {
            assert_eq!(buffer[(x, y)].fg, theme::status_color(Status::Throttle));
        }
    }
}
