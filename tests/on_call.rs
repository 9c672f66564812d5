//! The traps an on-call engineer met in an incident: each pinned where it was met.

mod common;

use common::{loaded_state, press_key, type_keys};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use xray_tui::app::{Action, Command, State, update};
use xray_tui::source::SummaryPage;
use xray_tui::ui;

fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

fn screen(state: &State) -> String {
    ui::buffer_text(&render(state))
}

/// Answers the list request among `commands` with `summaries`.
fn deliver(state: &mut State, commands: &[Command], summaries: Vec<xray_tui::model::TraceSummary>) {
    let request = commands
        .iter()
        .find_map(|c| match c {
            Command::LoadSummaries { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a list request");
    let page = SummaryPage {
        summaries,
        done: true,
        ..SummaryPage::default()
    };
    update(
        state,
        Action::SummariesLoaded {
            request,
            result: Ok(page),
        },
    );
}

#[test]
fn an_empty_list_after_a_short_time_range_names_the_time_range() {
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "t");
    type_keys(&mut state, "1m");
    let commands = press_key(&mut state, "enter");
    deliver(&mut state, &commands, Vec::new());
    let text = screen(&state);
    assert!(
        text.contains("No trace in the last 1m"),
        "the time range is the cause:\n{text}"
    );
    assert!(!text.contains("matches the filter"), "{text}");
    assert!(text.contains("t widens the time range"), "{text}");
}

fn lines(state: &State) -> Vec<String> {
    screen(state).lines().map(str::to_owned).collect()
}

/// The demo's list under `filter` typed at `f` and `range` typed at `t`, every trace delivered.
fn filtered_in_range(width: u16, filter: &str, range: &str) -> State {
    let mut state = loaded_state(width, 24);
    press_key(&mut state, "t");
    type_keys(&mut state, range);
    let commands = press_key(&mut state, "enter");
    deliver(&mut state, &commands, common::demo().summaries.clone());
    press_key(&mut state, "f");
    type_keys(&mut state, filter);
    let commands = press_key(&mut state, "enter");
    deliver(&mut state, &commands, common::demo().summaries.clone());
    state
}

#[test]
fn at_80_columns_the_header_keeps_the_filter_and_time_range_and_shortens_the_counts() {
    let filter = "service(\"payments\") { fault }";
    let state = filtered_in_range(80, filter, "6h");
    let title = &lines(&state)[0];
    assert!(title.contains(filter), "the whole filter shows:\n{title}");
    assert!(title.contains("last 6h"), "the time range shows:\n{title}");
    assert!(!title.contains("faults"), "the counts made room:\n{title}");
    let short = filtered_in_range(80, "fault", "6h");
    let title = &lines(&short)[0];
    assert!(
        title.contains("last 6h") && title.contains("filter fault"),
        "{title}"
    );
    assert!(
        title.contains("34 flt 27 err 10 thr 4 run"),
        "the counts shorten:\n{title}"
    );
    let wide = filtered_in_range(200, filter, "6h");
    let title = &lines(&wide)[0];
    assert!(
        title.contains("34 faults · 27 errors"),
        "room for words:\n{title}"
    );
    assert!(title.contains(filter), "{title}");
}

#[test]
fn the_header_always_shows_the_sort_direction_and_a_sort_selects_the_top_row() {
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "down");
    for _ in 0..6 {
        press_key(&mut state, "s");
        let header = &lines(&state)[1];
        assert!(
            header.contains('▼') || header.contains('▲'),
            "sorted by {:?}, the header names the direction:\n{header}",
            state.list.sort
        );
        assert_eq!(state.list.cursor.selected, 0, "{:?}", state.list.sort);
        assert_eq!(state.list.cursor.offset, 0, "{:?}", state.list.sort);
    }
    press_key(&mut state, "down");
    press_key(&mut state, "S");
    assert_eq!(
        state.list.cursor.selected, 0,
        "reversing reads from the top too"
    );
}

#[test]
fn after_marking_a_set_the_hint_names_the_compare_key() {
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "A");
    let message = &state.message.as_ref().expect("a hint").text;
    let compare = state.key_label(
        xray_tui::app::keymap::Context::List,
        xray_tui::app::Intent::ShowCompare,
    );
    assert_eq!(compare, "B");
    assert!(message.contains("then B compares"), "{message}");
}

#[test]
fn quitting_the_list_asks_first_when_a_filter_or_marks_would_be_lost() {
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "q");
    assert!(state.quit, "nothing to lose: q quits at once");

    let mut state = loaded_state(80, 24);
    press_key(&mut state, "A");
    press_key(&mut state, "q");
    assert!(!state.quit, "the marks would be lost");
    let message = &state.message.as_ref().expect("a question").text;
    assert!(message.contains("677 traces marked as A"), "{message}");
    assert!(message.contains("q again quits"), "{message}");
    press_key(&mut state, "down");
    press_key(&mut state, "q");
    assert!(
        !state.quit,
        "another key withdrew the question: it is asked again"
    );
    press_key(&mut state, "q");
    assert!(state.quit, "asked and confirmed");

    let mut state = filtered_in_range(80, "service(\"payments\")", "6h");
    press_key(&mut state, "ctrl-c");
    assert!(!state.quit, "the filter would be lost");
    assert!(lines(&state)[23].contains("the filter service(\"payments\")"));
    press_key(&mut state, "Q");
    assert!(state.quit);
}

#[test]
fn overlays_take_every_key_and_esc_closes_them() {
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "?");
    assert!(state.overlay.is_some());
    press_key(&mut state, "q");
    assert!(!state.quit, "q over the help closes it, it does not quit");
    assert!(state.overlay.is_none());
    press_key(&mut state, "?");
    press_key(&mut state, "esc");
    assert!(state.overlay.is_none() && !state.quit);

    state.problems.push("demo: a broken segment".into());
    press_key(&mut state, "!");
    assert!(state.overlay.is_some(), "the problems popup opens");
    press_key(&mut state, "esc");
    assert!(state.overlay.is_none(), "Esc closes the problems popup");
    press_key(&mut state, "!");
    press_key(&mut state, "q");
    assert!(
        !state.quit,
        "q over the problems closes them, it does not quit"
    );
    assert!(state.overlay.is_none());
}

#[test]
fn a_filter_error_points_at_its_place_without_overwriting_its_own_text() {
    for width in [80, 60, 40] {
        let mut state = loaded_state(width, 24);
        press_key(&mut state, "f");
        type_keys(&mut state, "service(\"payments\" { fault }");
        let hint = state
            .prompt()
            .and_then(|p| p.hint.clone())
            .expect("the prompt explains the error");
        assert!(hint.error, "{hint:?}");
        let shown = lines(&state);
        let line = &shown[22];
        // Where the message is shortened to fit, its start still reads as written.
        let start: String = hint.text.chars().take(usize::from(width) / 2 - 4).collect();
        assert!(
            line.contains(&start),
            "{width} columns: the message reads whole:\n{line}"
        );
        assert_eq!(line.matches('↓').count(), 1, "{line}");
    }
}

fn map_state(width: u16, height: u16) -> State {
    use std::sync::Arc;
    use xray_tui::app::Intent;
    use xray_tui::app::map::{MapModel, lay_out};
    let mut state = loaded_state(width, height);
    let commands = update(&mut state, Action::Intent(Intent::ShowMap));
    let [Command::LoadMap { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    let model = Arc::new(MapModel::of(&common::demo().graph));
    let drawing = Arc::new(lay_out(model, false, false));
    update(
        &mut state,
        Action::MapLoaded {
            request: *request,
            result: Ok(drawing),
        },
    );
    state
}

#[test]
fn a_map_drill_down_narrows_the_current_filter_and_esc_goes_back_to_the_map() {
    use xray_tui::app::Screen;
    let mut state = map_state(80, 24);
    // Narrow the list first, then come back to the map.
    update(&mut state, Action::Intent(xray_tui::app::Intent::Close));
    press_key(&mut state, "f");
    type_keys(&mut state, "http.method = \"POST\"");
    let commands = press_key(&mut state, "enter");
    deliver(&mut state, &commands, common::demo().summaries.clone());
    // The map follows the list's filter: it is asked for again, with the filter.
    let commands = update(&mut state, Action::Intent(xray_tui::app::Intent::ShowMap));
    let [
        Command::LoadMap {
            request,
            filter: Some(filter),
            ..
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}")
    };
    let graph = xray_tui::source::query::graph_of(common::demo(), None, Some(filter)).unwrap();
    let model = std::sync::Arc::new(xray_tui::app::map::MapModel::of(&graph));
    let drawing = std::sync::Arc::new(xray_tui::app::map::lay_out(model, false, false));
    update(
        &mut state,
        Action::MapLoaded {
            request: *request,
            result: Ok(drawing),
        },
    );
    assert_eq!(state.screen, Screen::Map);
    // Walk to a service node (the first may stand for the clients).
    let mut commands = Vec::new();
    for _ in 0..20 {
        commands = press_key(&mut state, "enter");
        if state.screen == Screen::List {
            break;
        }
        press_key(&mut state, "j");
    }
    assert_eq!(
        state.screen,
        Screen::List,
        "Enter on a service lists its traces"
    );
    let filter = state.list.filter.clone().unwrap();
    assert!(
        filter.starts_with("http.method = \"POST\" AND service("),
        "the drill-down adds to the filter: {filter}"
    );
    deliver(&mut state, &commands, common::demo().summaries.clone());
    let commands = press_key(&mut state, "esc");
    assert_eq!(state.screen, Screen::Map, "Esc goes back to the map");
    assert_eq!(state.list.filter.as_deref(), Some("http.method = \"POST\""));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::LoadSummaries { filter: Some(f), .. } if f == "http.method = \"POST\"")),
        "the list is reloaded under the filter it had: {commands:?}"
    );
}
