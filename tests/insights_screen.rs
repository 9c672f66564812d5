//! The Insights screen and the health sparklines on the demo, driven by actions: Enter
//! narrows the list to the insight's window and root cause and Esc comes back; the
//! sparklines mark the incident and make the time range; snapshots with colours.

mod common;

use common::{demo, loaded_state};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use xray_tui::app::{Action, Command, Intent, Screen, State, update};
use xray_tui::source::{SummaryPage, TimeRange};
use xray_tui::ui;

const BASE: f64 = 1_768_469_400.0;

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

/// Answers the list request among `commands` as the demo source does: filter and range.
fn answer(state: &mut State, commands: &[Command]) {
    let Some(Command::LoadSummaries {
        request,
        filter,
        range,
        ..
    }) = commands
        .iter()
        .find(|c| matches!(c, Command::LoadSummaries { .. }))
    else {
        panic!("no list request in {commands:?}");
    };
    let expr = filter
        .as_deref()
        .map(|f| xray_tui::filter::parse(f).unwrap());
    let window = range.resolve(common::FIXED_NOW);
    let summaries: Vec<_> = demo()
        .summaries
        .iter()
        .filter(|s| window.is_none_or(|(from, to)| s.start_time >= from && s.start_time <= to))
        .filter(|s| {
            expr.as_ref()
                .is_none_or(|e| xray_tui::filter::matches(e, &demo().traces[&s.id], s))
        })
        .cloned()
        .collect();
    let page = SummaryPage {
        processed: Some(summaries.len() as u64),
        summaries,
        done: true,
        problems: Vec::new(),
        scope: None,
    };
    update(
        state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(page),
        },
    );
}

#[test]
fn enter_narrows_the_list_to_the_insight_and_esc_comes_back() {
    let mut state = loaded_state(80, 24);
    let all = state.list.summaries.len();
    press(&mut state, Intent::ShowInsights);
    assert_eq!(state.screen, Screen::Insights);
    let view = state.insights.view.as_ref().unwrap();
    let at = view
        .insights
        .iter()
        .position(|i| i.root_cause.as_deref() == Some("api.paymentprovider.example"))
        .expect("the incident");
    for _ in 0..at {
        press(&mut state, Intent::Down);
    }
    let commands = press(&mut state, Intent::Open);
    assert_eq!(state.screen, Screen::List);
    assert_eq!(
        state.range,
        TimeRange::Between(BASE + 12.0 * 60.0, BASE + 22.0 * 60.0)
    );
    assert_eq!(
        state.list.filter.as_deref(),
        Some("rootcause.fault.service { name = \"api.paymentprovider.example\" }")
    );
    assert!(state.insights.impact.iter().any(|s| s == "payments"));
    answer(&mut state, &commands);
    let listed = &state.list.summaries;
    assert!(
        listed.len() > 20 && listed.len() < all / 4,
        "{}",
        listed.len()
    );
    assert!(
        listed
            .iter()
            .all(|s| s.start_time >= BASE + 720.0 && s.start_time <= BASE + 1320.0)
    );
    // Requests whose provider call faulted; a few recovered on their retry.
    let faults = listed.iter().filter(|s| s.has_fault).count();
    assert!(
        faults * 4 > listed.len() * 3,
        "{faults} of {}",
        listed.len()
    );
    let message = &state.message.as_ref().unwrap().text;
    assert!(message.contains("Esc goes back"), "{message}");

    let commands = update(
        &mut state,
        Action::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Esc,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert_eq!(state.screen, Screen::Insights);
    assert_eq!(state.range, TimeRange::All);
    assert_eq!(state.list.filter, None);
    assert!(state.insights.impact.is_empty());
    answer(&mut state, &commands);
    assert_eq!(state.list.summaries.len(), all);
}

#[test]
fn the_marked_stretch_of_the_sparklines_becomes_the_time_range() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::ToggleHealth);
    let panel = state.insights.health.as_ref().unwrap();
    // The mark starts on the incident.
    let buckets = panel.health.buckets.unwrap();
    assert_eq!(buckets.bounds(panel.mark.0).0, BASE + 720.0);
    assert_eq!(buckets.bounds(panel.mark.1).1, BASE + 1320.0);
    press(&mut state, Intent::MarkLater);
    let commands = press(&mut state, Intent::ApplyMark);
    assert_eq!(state.range, TimeRange::Between(BASE + 780.0, BASE + 1380.0));
    answer(&mut state, &commands);
    assert!(
        state
            .list
            .summaries
            .iter()
            .all(|s| s.start_time >= BASE + 780.0)
    );
}

fn find(buffer: &Buffer, needle: &str) -> (u16, u16) {
    common::find(buffer, needle)
        .unwrap_or_else(|| panic!("no {needle:?} in\n{}", ui::buffer_text(buffer)))
}

#[test]
fn sparklines_snapshots_and_colours() {
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = loaded_state(width, height);
        press(&mut state, Intent::ToggleHealth);
        let buffer = render(&state);
        let screen = ui::buffer_text(&buffer);
        insta::assert_snapshot!(format!("health_{width}x{height}"), screen);
        let (x, y) = find(&buffer, "fault %");
        // The fault sparkline is red, and its incident buckets are tinted.
        let bars = (x + 11..width).map(|c| &buffer[(c, y)]);
        let tinted: Vec<_> = bars.filter(|c| c.bg != Color::Reset).collect();
        assert!(!tinted.is_empty());
        assert!(tinted.iter().all(|c| c.fg == Color::Red));
        assert!(tinted.iter().any(|c| c.symbol() == "█"));
        let (x, y) = find(&buffer, "━");
        assert_eq!(buffer[(x, y)].fg, Color::Cyan);
    }
}

#[test]
fn insights_screen_snapshots() {
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = loaded_state(width, height);
        press(&mut state, Intent::ShowInsights);
        let buffer = render(&state);
        let screen = ui::buffer_text(&buffer);
        insta::assert_snapshot!(format!("insights_{width}x{height}"), screen);
        assert!(screen.contains("api.paymentprovider.example"));
        let (x, y) = find(&buffer, "fault");
        assert_eq!(buffer[(x, y)].fg, Color::Red);
    }
}

#[test]
fn narrowing_to_an_insight_keeps_its_impact_graph_for_the_map() {
    let mut state = loaded_state(200, 60);
    press(&mut state, Intent::ShowInsights);
    let commands = press(&mut state, Intent::Open);
    answer(&mut state, &commands);
    let impact = &state.insights.impact;
    for service in ["payments", "orders", "web-frontend"] {
        assert!(impact.iter().any(|s| s == service), "{impact:?}");
    }
}
