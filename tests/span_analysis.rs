//! Span statistics and icicles driven through update(): of one trace and of the listed
//! traces, on the demo data set, a hand-made trace and the generated 50,000-span trace.

mod common;

use std::sync::Arc;

use common::{answer_trace_set, first_fault_trace_id, loaded_state, open_trace};
use xray_tui::analytics::span_stats::{Grouping, StatSort, self_times};
use xray_tui::app::analysis::StatsScope;
use xray_tui::app::state::Screen;
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::model::{Document, Segment, Trace};

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

fn selected_name(state: &State) -> String {
    let view = state.trace.as_ref().unwrap();
    view.trace.as_ref().unwrap().spans[view.selected]
        .name()
        .to_owned()
}

/// front 0-10 s; auth 1-4 (db 2-3 under it); cart 2-6 and 7-9. Self times by hand:
/// front 10 - |[1,6] ∪ [7,9]| = 3, auth 3 - 1 = 2, db 1, cart 4 and 2.
fn small_trace() -> Arc<Trace> {
    let text = r#"{"trace_id":"1-5f187253-6a106696d56b1f4ef9eba2ed","id":"f000000000000001",
      "name":"front","start_time":0,"end_time":10,"fault":true,"subsegments":[
        {"id":"a000000000000001","name":"auth","start_time":1,"end_time":4,"subsegments":[
          {"id":"d000000000000001","name":"db","start_time":2,"end_time":3,"error":true}]},
        {"id":"c000000000000001","name":"cart","start_time":2,"end_time":6,"throttle":true},
        {"id":"c000000000000002","name":"cart","start_time":7,"end_time":9}]}"#;
    Arc::new(Trace::assemble(
        "1-5f187253-6a106696d56b1f4ef9eba2ed",
        vec![Document {
            segment: Segment::parse(text).unwrap(),
            text: text.to_owned(),
        }],
    ))
}

#[test]
fn statistics_of_a_trace_jump_to_their_spans() {
    let trace = small_trace();
    assert_eq!(self_times(&trace), [3.0, 2.0, 1.0, 4.0, 2.0]);
    let mut state = common::opened(Arc::clone(&trace), 120, 40);
    press(&mut state, Intent::ShowStatistics);
    assert_eq!(state.screen, Screen::Stats);
    let view = state.analysis.stats.as_ref().unwrap();
    assert_eq!(view.scope, StatsScope::Trace);
    assert_eq!(view.grouping, Grouping::Service);
    press(&mut state, Intent::NextDimension);
    let view = state.analysis.stats.as_ref().unwrap();
    assert_eq!(view.grouping, Grouping::Operation);
    let rows: Vec<(&str, usize, f64, f64)> = view
        .rows
        .iter()
        .map(|r| (r.operation.as_str(), r.count, r.total, r.self_time))
        .collect();
    assert_eq!(
        rows,
        [
            ("cart", 2, 6.0, 6.0),
            ("front", 1, 10.0, 3.0),
            ("auth", 1, 3.0, 2.0),
            ("db", 1, 1.0, 1.0)
        ]
    );
    // Sorting by the next column (average), then the reverse of it.
    press(&mut state, Intent::SortNext);
    let view = state.analysis.stats.as_ref().unwrap();
    assert_eq!(view.sort, StatSort::Average);
    press(&mut state, Intent::SortReverse);
    let view = state.analysis.stats.as_ref().unwrap();
    assert_eq!(view.rows[0].operation, "db", "the shortest average first");
    assert_eq!(
        view.rows[view.cursor.selected].operation, "cart",
        "the selected row stays selected"
    );
    // Back to self time order; Enter on cart: both cart spans are the matches.
    press(&mut state, Intent::SortReverse);
    let cart = state
        .analysis
        .stats
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .position(|r| r.operation == "cart")
        .unwrap();
    state.analysis.stats.as_mut().unwrap().cursor.selected = cart;
    press(&mut state, Intent::Open);
    assert_eq!(state.screen, Screen::Trace);
    let search = state.trace.as_ref().unwrap().search.clone().unwrap();
    assert_eq!(search.matches, [3, 4]);
    assert_eq!(state.trace.as_ref().unwrap().selected, 3);
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("2 spans of cart"),
        "{:?}",
        state.message
    );
    press(&mut state, Intent::NextMatch);
    assert_eq!(state.trace.as_ref().unwrap().selected, 4);
    press(&mut state, Intent::NextMatch);
    assert_eq!(state.trace.as_ref().unwrap().selected, 3, "wraps round");
    // Esc from the statistics goes back to the trace they are of.
    press(&mut state, Intent::ShowStatistics);
    press(&mut state, Intent::Close);
    assert_eq!(state.screen, Screen::Trace);
}

#[test]
fn the_icicle_of_a_trace_shares_the_waterfalls_selection() {
    let trace = small_trace();
    let mut state = common::opened(Arc::clone(&trace), 120, 40);
    press(&mut state, Intent::ToggleIcicle);
    let icicle = state.trace.as_ref().unwrap().icicle.as_ref().unwrap();
    let width = icicle.layout.width;
    // Node 0 is the whole trace, node i + 1 span i.
    let frame = |state: &State, node: u32| {
        *state
            .trace
            .as_ref()
            .unwrap()
            .icicle
            .as_ref()
            .unwrap()
            .frame_of(node)
            .unwrap()
    };
    assert_eq!(frame(&state, 1).width, width, "front takes the whole trace");
    let front = frame(&state, 1);
    assert_eq!(
        front.self_cells,
        (f64::from(width) * 0.3).round() as u16,
        "front's 3 s of 10 are its own"
    );
    assert_eq!(selected_name(&state), "front");
    press(&mut state, Intent::Down);
    assert_eq!(
        selected_name(&state),
        "cart",
        "down goes to the widest child"
    );
    press(&mut state, Intent::FrameLeft);
    assert_eq!(selected_name(&state), "auth");
    press(&mut state, Intent::Down);
    assert_eq!(selected_name(&state), "db");
    press(&mut state, Intent::Up);
    assert_eq!(selected_name(&state), "auth");
    // Enter zooms into auth: it takes the whole width; Esc zooms back out.
    update(
        &mut state,
        Action::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    let icicle = state.trace.as_ref().unwrap().icicle.as_ref().unwrap();
    assert_eq!(icicle.zoom, [2]);
    assert_eq!(frame(&state, 2).width, width);
    assert_eq!(frame(&state, 3).width, width / 3, "db: 1 s of auth's 3");
    common::press_key(&mut state, "esc");
    assert!(
        state
            .trace
            .as_ref()
            .unwrap()
            .icicle
            .as_ref()
            .unwrap()
            .zoom
            .is_empty()
    );
    // Copy and the root cause keep working: r goes to the fault, in the icicle.
    let commands = press(&mut state, Intent::CopySpanId);
    assert_eq!(commands, [Command::Copy("a000000000000001".into())]);
    press(&mut state, Intent::RootCause);
    assert_eq!(selected_name(&state), "front", "the fault's root cause");
    assert!(state.trace.as_ref().unwrap().icicle.is_some());
    common::press_key(&mut state, "esc");
    assert!(
        state.trace.as_ref().unwrap().icicle.is_none(),
        "Esc unzoomed goes back to the waterfall"
    );
    assert_eq!(state.screen, Screen::Trace);
}

#[test]
fn a_root_cause_too_narrow_to_see_is_zoomed_to() {
    let trace = Arc::new(xray_tui::synthetic::trace(50_000, 7));
    let mut state = common::opened(Arc::clone(&trace), 200, 60);
    press(&mut state, Intent::ToggleIcicle);
    press(&mut state, Intent::RootCause);
    let view = state.trace.as_ref().unwrap();
    let node = view.selected as u32 + 1;
    let icicle = view.icicle.as_ref().unwrap();
    let frame = icicle
        .frame_of(node)
        .expect("the root cause's frame is shown");
    let rows = xray_tui::layout::screen::trace_icicle(200, 60).height as usize;
    assert!((icicle.offset..icicle.offset + rows).contains(&(frame.row as usize)));
    assert!(trace.spans[view.selected].segment.fault);
}

#[test]
fn statistics_and_icicle_of_the_listed_traces() {
    let mut state = loaded_state(200, 60);
    let listed = state.list.order.len();
    let commands = press(&mut state, Intent::ShowStatistics);
    assert_eq!(state.screen, Screen::Stats);
    let Command::LoadTraceSet { ids, .. } = &commands[0] else {
        panic!("{commands:?}")
    };
    assert_eq!(ids.len(), listed.min(1000));
    assert_eq!(
        ids[0],
        state.list.selected_summary().unwrap().id,
        "in list order"
    );
    answer_trace_set(&mut state, commands);
    let view = state.analysis.stats.as_ref().unwrap();
    assert_eq!(view.scope, StatsScope::List);
    assert_eq!(view.traces.len(), listed);
    let spans: usize = view.traces.iter().map(|t| t.spans.len()).sum();
    assert_eq!(view.rows.iter().map(|r| r.count).sum::<usize>(), spans);
    let faults: usize = view.rows.iter().map(|r| r.faults).sum();
    assert!(faults > 0, "the incident's faults are counted");
    // Enter opens the first trace with those spans, its spans as the matches.
    press(&mut state, Intent::Open);
    assert_eq!(state.screen, Screen::Trace);
    assert!(
        !state
            .trace
            .as_ref()
            .unwrap()
            .search
            .as_ref()
            .unwrap()
            .matches
            .is_empty()
    );
    // The first Esc clears the search, the second goes back to the list.
    press(&mut state, Intent::Close);
    press(&mut state, Intent::Close);

    let commands = press(&mut state, Intent::ToggleIcicle);
    assert_eq!(state.screen, Screen::Flame);
    answer_trace_set(&mut state, commands);
    let flame = state.analysis.flame.as_ref().unwrap();
    assert_eq!(flame.aggregate.trace_ids.len(), listed);
    // Down from the entry service; then a frame only some traces have.
    press(&mut state, Intent::Down);
    let flame = state.analysis.flame.as_mut().unwrap();
    assert_eq!(
        flame.aggregate.paths[flame.selected as usize].parent,
        Some(1)
    );
    let some = (0..flame.aggregate.paths.len() as u32)
        .find(|&n| {
            let traces = flame.aggregate.paths[n as usize].traces.len();
            traces > 1 && traces < listed && flame.icicle.frame_of(n).is_some()
        })
        .expect("a frame of some of the traces");
    flame.selected = some;
    let with_it = flame.aggregate.paths[some as usize].traces.len();
    press(&mut state, Intent::Open);
    assert_eq!(state.screen, Screen::List);
    assert_eq!(state.list.order.len(), with_it);
    assert!(state.list.narrowed.is_some());
    let message = &state.message.as_ref().unwrap().text;
    assert!(message.contains("narrowed by id"), "{message}");
    let commands = press(&mut state, Intent::ClearFilter);
    assert!(state.list.narrowed.is_none());
    assert!(matches!(commands[0], Command::LoadSummaries { .. }));
}

#[test]
fn a_stale_trace_set_is_dropped() {
    let mut state = loaded_state(80, 24);
    let first = press(&mut state, Intent::ShowStatistics);
    press(&mut state, Intent::Close);
    let second = press(&mut state, Intent::ToggleIcicle);
    answer_trace_set(&mut state, first);
    assert!(
        state.analysis.stats.is_none(),
        "the old request's answer is dropped"
    );
    answer_trace_set(&mut state, second);
    assert!(state.analysis.flame.is_some());
}

#[test]
fn statistics_of_an_incident_trace() {
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, &first_fault_trace_id());
    press(&mut state, Intent::ShowStatistics);
    let view = state.analysis.stats.as_ref().unwrap();
    let trace = state.trace.as_ref().unwrap().trace.clone().unwrap();
    assert_eq!(
        view.rows.iter().map(|r| r.count).sum::<usize>(),
        trace.spans.len()
    );
    assert_eq!(
        view.rows.iter().map(|r| r.faults).sum::<usize>(),
        trace.spans.iter().filter(|s| s.segment.fault).count()
    );
}
