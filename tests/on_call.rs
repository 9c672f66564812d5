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
