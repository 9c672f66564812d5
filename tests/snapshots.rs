//! Pane snapshots: the real ui rendered into a TestBackend at a fixed clock and zone,
//! plus colour checks (colours are not in the text snapshots).

mod common;

use common::{first_fault_trace_id, loaded_state, open_trace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use xray_tui::app::{Action, Intent, State, update};
use xray_tui::ui;

fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    ui::buffer_text(buffer)
}

#[test]
fn trace_list_80x24() {
    let state = loaded_state(80, 24);
    let buffer = render(&state);
    insta::assert_snapshot!("trace_list_80x24", text(&buffer));
    // The selected row is highlighted across the width.
    assert_eq!(buffer[(0, 2)].bg, Color::DarkGray);
    assert_eq!(buffer[(79, 2)].bg, Color::DarkGray);
    assert_eq!(buffer[(0, 3)].bg, Color::Reset);
}

#[test]
fn trace_list_200x60_colours_status() {
    let mut state = loaded_state(200, 60);
    // Scroll so the incident's faults are on screen.
    let fault_row = (0..state.list.order.len())
        .find(|&i| state.list.row(i).unwrap().has_fault)
        .unwrap();
    for _ in 0..fault_row {
        update(&mut state, Action::Intent(Intent::Down));
    }
    let buffer = render(&state);
    insta::assert_snapshot!("trace_list_200x60", text(&buffer));
    let (x, y) = common::find(&buffer, "✖").expect("a fault mark on screen");
    assert_eq!(buffer[(x, y)].fg, Color::Red);
    let (x, y) = common::find(&buffer, "✓ 200").expect("an ok row on screen");
    assert_eq!(buffer[(x, y)].fg, Color::Green);
    // Full trace ids at this width.
    assert!(text(&buffer).contains(&state.list.selected_summary().unwrap().id));
}

#[test]
fn waterfall_of_an_incident_trace() {
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = loaded_state(width, height);
        let id = first_fault_trace_id();
        open_trace(&mut state, &id);
        let buffer = render(&state);
        let screen = text(&buffer);
        insta::assert_snapshot!(format!("waterfall_{width}x{height}"), screen);
        assert!(screen.contains(" Trace "));
        assert!(screen.lines().nth(1).unwrap().contains("Span"));
        // The root segment's bar starts at the left of the time axis and is red (a fault).
        let trace = state.trace.as_ref().unwrap().trace.as_ref().unwrap();
        assert!(trace.spans[0].segment.fault);
        let bar_x = xray_tui::layout::waterfall::name_column_width(width) + 1;
        // Full where a child covers the time, shaded where the span waits on nothing.
        assert!(["█", "░"].contains(&buffer[(bar_x, 2)].symbol()));
        assert_eq!(buffer[(bar_x, 2)].fg, Color::Red);
        assert_eq!(
            buffer[(bar_x, 2)].bg,
            Color::DarkGray,
            "the selected row is highlighted"
        );
        // Segment names are bold.
        assert!(buffer[(1, 2)].modifier.contains(Modifier::BOLD));
    }
}

#[test]
fn help_popup_is_generated_from_the_keymap() {
    let mut state = loaded_state(200, 60);
    update(&mut state, Action::Intent(Intent::ToggleHelp));
    let screen = text(&render(&state));
    insta::assert_snapshot!("help_200x60", screen);
    for binding in xray_tui::app::keymap::BINDINGS {
        assert!(
            screen.contains(binding.description),
            "help lacks {:?}",
            binding.description
        );
    }
    // On a small screen it scrolls.
    let mut state = loaded_state(80, 24);
    update(&mut state, Action::Intent(Intent::ToggleHelp));
    let top = text(&render(&state));
    insta::assert_snapshot!("help_80x24", top);
    assert!(top.contains("open the selected trace's waterfall"));
    assert!(!top.contains("save the trace to a file"));
    for _ in 0..60 {
        update(&mut state, Action::Intent(Intent::Down));
    }
    assert!(state.help, "moving keys scroll the help");
    let bottom = text(&render(&state));
    assert!(bottom.contains("save the trace to a file"), "{bottom}");
    update(&mut state, Action::Intent(Intent::Open));
    assert!(!state.help);
}

#[test]
fn too_small_terminals_get_a_notice() {
    let state = loaded_state(20, 5);
    let screen = text(&render(&state));
    assert!(
        screen.starts_with("Terminal too small:\n20x5, need 40x8"),
        "{screen}"
    );
}

#[test]
fn loading_and_error_states() {
    let state = State::new("demo", 80, 24, 0);
    let screen = text(&render(&state));
    assert!(screen.contains("No traces in demo."), "{screen}");
    let mut state = State::new("demo", 80, 24, 0);
    xray_tui::app::update::start(&mut state);
    assert!(text(&render(&state)).contains("Loading traces from demo…"));
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, "1-00000000-000000000000000000000000");
    let screen = text(&render(&state));
    assert!(screen.contains(" trace 1-00000000-000000000000000000000000 is not in demo\n Esc: back to the trace list"), "{screen}");
}
