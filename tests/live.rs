//! Data that keeps coming: summaries in pages, live sources announcing changes, the pause key,
//! and views that keep the user's place while they are refreshed.

mod common;

use std::sync::Arc;

use common::{demo, first_fault_trace_id, open_trace};
use xray_tui::app::{Action, Command, Intent, Screen, State, update};
use xray_tui::model::TraceSummary;
use xray_tui::source::{SourceStatus, SummaryPage};

fn page(summaries: &[TraceSummary], done: bool) -> SummaryPage {
    SummaryPage {
        summaries: summaries.to_vec(),
        processed: Some(summaries.len() as u64 * 2),
        done,
        problems: Vec::new(),
        scope: None,
    }
}

fn list_request(commands: &[Command]) -> u64 {
    commands
        .iter()
        .find_map(|c| match c {
            Command::LoadSummaries { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no LoadSummaries in {commands:?}"))
}

fn deliver(state: &mut State, request: u64, page: SummaryPage) {
    update(
        state,
        Action::SummariesLoaded {
            request,
            result: Ok(page),
        },
    );
}

fn listed_ids(state: &State) -> Vec<String> {
    (0..state.list.order.len())
        .map(|i| state.list.row(i).unwrap().id.clone())
        .collect()
}

/// The demo's summaries newest first, split in three out-of-order pages.
#[test]
fn pages_stream_into_one_sorted_list() {
    let all = &demo().summaries;
    let mut state = State::new("live", 120, 40, 0);
    let request = list_request(&xray_tui::app::update::start(&mut state));
    let third = all.len() / 3;
    deliver(&mut state, request, page(&all[third..2 * third], false));
    assert!(state.list.loading, "more pages are coming");
    assert_eq!(state.list.order.len(), third);
    deliver(&mut state, request, page(&all[..third], false));
    deliver(&mut state, request, page(&all[2 * third..], true));
    assert!(!state.list.loading);
    let expected: Vec<String> = all.iter().map(|s| s.id.clone()).collect();
    assert_eq!(listed_ids(&state), expected, "merged newest first");
    assert_eq!(state.list.processed, Some(all.len() as u64 * 2), "summed");
    let faults = all.iter().filter(|s| s.has_fault).count();
    assert_eq!(state.list.counts.faults, faults);
}

#[test]
fn a_refresh_keeps_the_old_list_until_its_first_page_and_then_replaces_it() {
    let all = &demo().summaries;
    let mut state = State::new("live", 120, 40, 0);
    let request = list_request(&xray_tui::app::update::start(&mut state));
    deliver(&mut state, request, page(&all[..50], true));
    let request = list_request(&update(&mut state, Action::Intent(Intent::Refresh)));
    assert_eq!(state.list.order.len(), 50, "still shown while reloading");
    deliver(&mut state, request, page(&all[10..20], false));
    assert_eq!(listed_ids(&state).len(), 10, "the first page replaces");
    deliver(&mut state, request, page(&all[20..30], true));
    assert_eq!(listed_ids(&state).len(), 20, "later pages add");
}

/// A live source's change reloads the list and the open trace; the selected trace stays
/// selected on the same screen row while new ones arrive above it.
#[test]
fn live_changes_reload_the_views_and_keep_the_user_s_place() {
    let all = &demo().summaries;
    let mut state = State::new("udp 127.0.0.1:2000", 120, 40, 0);
    let request = list_request(&xray_tui::app::update::start(&mut state));
    deliver(&mut state, request, page(&all[20..], true));
    for _ in 0..5 {
        update(&mut state, Action::Intent(Intent::Down));
    }
    let selected = state.list.selected_summary().unwrap().id.clone();
    let row_on_screen = state.list.cursor.selected - state.list.cursor.offset;

    let commands = update(
        &mut state,
        Action::SourceStatus(SourceStatus {
            generation: 1,
            traces_seen: all.len() as u64,
            ..SourceStatus::default()
        }),
    );
    let request = list_request(&commands);
    deliver(&mut state, request, page(all, true));
    assert_eq!(state.list.selected_summary().unwrap().id, selected);
    assert_eq!(
        state.list.cursor.selected - state.list.cursor.offset,
        row_on_screen
    );
    assert_eq!(state.list.new_above, 20, "twenty newer traces above");
    update(&mut state, Action::Intent(Intent::Top));
    assert_eq!(state.list.new_above, 0, "seen once the top is");
}

#[test]
fn at_the_top_the_list_follows_the_newest() {
    let all = &demo().summaries;
    let mut state = State::new("live", 120, 40, 0);
    let request = list_request(&xray_tui::app::update::start(&mut state));
    deliver(&mut state, request, page(&all[5..], true));
    let commands = update(
        &mut state,
        Action::SourceStatus(SourceStatus {
            generation: 1,
            ..SourceStatus::default()
        }),
    );
    deliver(&mut state, list_request(&commands), page(all, true));
    assert_eq!(state.list.cursor.selected, 0);
    assert_eq!(state.list.selected_summary().unwrap().id, all[0].id);
}

#[test]
fn an_open_trace_is_reloaded_in_place() {
    let mut state = common::loaded_state(120, 40);
    let id = first_fault_trace_id();
    open_trace(&mut state, &id);
    update(&mut state, Action::Intent(Intent::Down));
    update(&mut state, Action::Intent(Intent::Down));
    update(&mut state, Action::Intent(Intent::ToggleFold));
    let before = state.trace.clone().unwrap();
    let commands = update(
        &mut state,
        Action::SourceStatus(SourceStatus {
            generation: 7,
            ..SourceStatus::default()
        }),
    );
    let Some(Command::LoadTrace { request, id: asked }) = commands
        .iter()
        .find(|c| matches!(c, Command::LoadTrace { .. }))
    else {
        panic!("the open trace is asked for again: {commands:?}");
    };
    assert_eq!(asked, &id);
    // The newer version: the same documents, assembled again.
    let again = xray_tui::model::Trace::assemble(
        id.clone(),
        demo().traces[&id]
            .documents
            .iter()
            .map(|text| xray_tui::model::Document {
                text: text.clone(),
                segment: xray_tui::model::Segment::parse(text).unwrap(),
            })
            .collect(),
    );
    update(
        &mut state,
        Action::TracesLoaded {
            request: *request,
            result: Ok(vec![Arc::new(again)]),
        },
    );
    let after = state.trace.as_ref().unwrap();
    assert_eq!(state.screen, Screen::Trace);
    assert!(!Arc::ptr_eq(
        after.trace.as_ref().unwrap(),
        before.trace.as_ref().unwrap()
    ));
    assert_eq!(after.selected, before.selected, "the same span selected");
    assert_eq!(after.folded, before.folded, "folds kept");
    assert_eq!(after.rows, before.rows);
    assert_eq!(after.offset, before.offset);
}

#[test]
fn pause_freezes_the_views_and_counts_what_arrives() {
    let all = &demo().summaries;
    let mut state = State::new("live", 120, 40, 0);
    let request = list_request(&xray_tui::app::update::start(&mut state));
    let status = |generation: u64, traces_seen: u64| {
        Action::SourceStatus(SourceStatus {
            generation,
            traces_seen,
            activity: format!("{traces_seen} documents received"),
            ..SourceStatus::default()
        })
    };
    let commands = update(&mut state, status(1, 10));
    assert!(
        commands.is_empty(),
        "the list is still loading: {commands:?}"
    );
    // The change may have come too late for the load under way: asked again once it ends.
    let commands = update(
        &mut state,
        Action::SummariesLoaded {
            request,
            result: Ok(page(&all[..10], true)),
        },
    );
    let request = list_request(&commands);
    deliver(&mut state, request, page(&all[..10], true));
    update(&mut state, Action::Intent(Intent::TogglePause));
    assert!(state.live.paused);
    let commands = update(&mut state, status(2, 25));
    assert!(commands.is_empty(), "paused: nothing reloads");
    assert_eq!(state.live.new_while_paused(), 15);
    assert_eq!(state.live.activity, "25 documents received");
    let commands = update(&mut state, Action::Intent(Intent::TogglePause));
    assert!(!state.live.paused);
    list_request(&commands);
}

#[test]
fn pause_says_when_there_is_nothing_live_to_pause() {
    let mut state = common::loaded_state(120, 40);
    update(&mut state, Action::Intent(Intent::TogglePause));
    assert!(!state.live.paused);
    let message = state.message.as_ref().unwrap();
    assert!(message.text.contains("--listen"), "{}", message.text);
}

#[test]
fn moving_through_the_list_prefetches_the_traces_around_the_selection() {
    let mut state = common::loaded_state(120, 40);
    for _ in 0..9 {
        update(&mut state, Action::Intent(Intent::Down));
    }
    let commands = update(&mut state, Action::Intent(Intent::Down));
    let [Command::Prefetch(ids)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let expected: Vec<String> = (6..=14)
        .map(|i| state.list.row(i).unwrap().id.clone())
        .collect();
    assert_eq!(ids, &expected, "four on each side of row 10");
}
