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
    // What does not fit scrolls into view.
    let mut seen = screen.clone();
    for _ in 0..40 {
        update(&mut state, Action::Intent(Intent::Down));
        seen.push_str(&text(&render(&state)));
    }
    for binding in xray_tui::app::keymap::DEFAULT_BINDINGS {
        assert!(
            seen.contains(binding.description),
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
    assert!(state.help_shown(), "moving keys scroll the help");
    let bottom = text(&render(&state));
    assert!(bottom.contains("save the trace to a file"), "{bottom}");
    update(&mut state, Action::Intent(Intent::Open));
    assert!(!state.help_shown());
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

/// The demo's service map, laid out as the worker would.
fn map_state(width: u16, height: u16) -> State {
    use std::sync::Arc;
    use xray_tui::app::Command;
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

/// Every view the user can reach, by name.
fn views(width: u16, height: u16) -> Vec<(&'static str, State)> {
    let list = loaded_state(width, height);
    let mut waterfall = loaded_state(width, height);
    open_trace(&mut waterfall, &first_fault_trace_id());
    let mut details = waterfall.clone();
    update(&mut details, Action::Intent(Intent::NextTab));
    let mut help = loaded_state(width, height);
    update(&mut help, Action::Intent(Intent::ToggleHelp));
    let mut columns = loaded_state(width, height);
    update(&mut columns, Action::Intent(Intent::ChooseColumns));
    let mut statistics = waterfall.clone();
    update(&mut statistics, Action::Intent(Intent::ShowStatistics));
    let mut icicle = waterfall.clone();
    update(&mut icicle, Action::Intent(Intent::ToggleIcicle));
    vec![
        ("list", list),
        ("waterfall", waterfall),
        ("details", details),
        ("map", map_state(width, height)),
        ("help", help),
        ("columns", columns),
        ("statistics", statistics),
        ("icicle", icicle),
        (
            "list_statistics",
            list_view(width, height, Intent::ShowStatistics),
        ),
        (
            "list_icicle",
            list_view(width, height, Intent::ToggleIcicle),
        ),
    ]
}

/// The statistics or the icicle of the demo's listed traces.
fn list_view(width: u16, height: u16, intent: Intent) -> State {
    let mut state = loaded_state(width, height);
    let commands = update(&mut state, Action::Intent(intent));
    common::answer_trace_set(&mut state, commands);
    state
}

#[test]
fn statistics_and_icicles_at_80x24_and_200x60() {
    use xray_tui::model::Status;
    use xray_tui::ui::theme::{self, Palette};
    for (width, height) in [(80, 24), (200, 60)] {
        for (name, state) in views(width, height) {
            if !["statistics", "icicle", "list_statistics", "list_icicle"].contains(&name) {
                continue;
            }
            let buffer = theme::with_palette(Palette::ANSI, || render(&state));
            let screen = text(&buffer);
            insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
            let fault = Color::Red;
            match name {
                "statistics" | "list_statistics" => {
                    assert!(screen.contains(" Statistics "), "{screen}");
                    assert!(screen.contains("Self▼"), "sorted by self time");
                    // The selected row is highlighted; fault counts are red.
                    assert_eq!(buffer[(0, 2)].bg, Color::DarkGray);
                    let (x, y) = common::find(&buffer, "Flt").unwrap();
                    let faulted =
                        (y + 1..height - 1).any(|y| (x..x + 3).any(|x| buffer[(x, y)].fg == fault));
                    assert!(faulted, "{name}: a fault count in red");
                }
                _ => {
                    assert!(screen.contains("░ self time"), "{screen}");
                    // Frames are their status colour in reverse video.
                    let frame = (0..height)
                        .flat_map(|y| (0..width).map(move |x| (x, y)))
                        .find(|&(x, y)| {
                            buffer[(x, y)].symbol() == "▏"
                                && buffer[(x, y)].modifier.contains(Modifier::REVERSED)
                        })
                        .expect("a frame");
                    let ok_or_fault = [
                        theme::with_palette(Palette::ANSI, || theme::status_color(Status::Ok)),
                        fault,
                    ];
                    assert!(ok_or_fault.contains(&buffer[frame].fg));
                    let faulted = buffer
                        .content()
                        .iter()
                        .any(|c| c.fg == fault && c.modifier.contains(Modifier::REVERSED));
                    assert!(faulted, "{name}: a faulted frame");
                    let shaded = buffer.content().iter().any(|c| c.symbol() == "░");
                    assert!(shaded, "{name}: self time shaded");
                }
            }
        }
    }
}

/// Each row's runs of colour and attributes, for snapshots of how a screen is coloured.
fn colour_dump(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut runs: Vec<(u16, u16, String)> = Vec::new();
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            let look = format!("{:?}/{:?}/{:?}", cell.fg, cell.bg, cell.modifier);
            match runs.last_mut() {
                Some((_, end, last)) if *last == look => *end = x,
                _ => runs.push((x, x, look)),
            }
        }
        let runs: Vec<String> = runs
            .into_iter()
            .filter(|(_, _, look)| look != "Reset/Reset/NONE")
            .map(|(start, end, look)| format!("{start}-{end} {look}"))
            .collect();
        out.push_str(&format!("{y:2}: {}\n", runs.join("  ")));
    }
    out
}

#[test]
fn every_view_in_the_16_colour_and_true_colour_themes() {
    use xray_tui::model::Status;
    use xray_tui::ui::theme::{self, Palette};
    for (name, state) in views(80, 24) {
        let ansi = theme::with_palette(Palette::ANSI, || render(&state));
        let dark = theme::with_palette(Palette::DARK, || render(&state));
        assert_eq!(
            text(&ansi),
            text(&dark),
            "{name}: the themes differ only in colour"
        );
        insta::assert_snapshot!(format!("colours_{name}_ansi_80x24"), colour_dump(&ansi));
        insta::assert_snapshot!(
            format!("colours_{name}_truecolor_80x24"),
            colour_dump(&dark)
        );
        for (palette, buffer) in [(Palette::ANSI, &ansi), (Palette::DARK, &dark)] {
            let cells: Vec<_> = buffer.content().iter().collect();
            // Only the palette's colours are used (and the terminal's own).
            let allowed = [
                palette.ok,
                palette.error,
                palette.throttle,
                palette.fault,
                palette.muted,
                palette.accent,
                palette.in_progress,
                palette.selection,
                palette.muted_on_selection,
                palette.match_fg,
                palette.match_bg,
                Color::Reset,
            ];
            for cell in &cells {
                assert!(
                    allowed.contains(&cell.fg),
                    "{name}: {:?} not in the palette",
                    cell.fg
                );
                assert!(
                    allowed.contains(&cell.bg),
                    "{name}: {:?} not in the palette",
                    cell.bg
                );
            }
            // Something is drawn in the fault colour on every view of an incident.
            if name != "help" && name != "columns" {
                assert!(
                    cells.iter().any(|c| c.fg == palette.fault),
                    "{name}: no fault colour"
                );
            }
        }
    }
    // Key cells, by palette.
    let state = loaded_state(80, 24);
    for palette in [Palette::ANSI, Palette::DARK] {
        let buffer = theme::with_palette(palette, || render(&state));
        assert_eq!(buffer[(0, 2)].bg, palette.selection, "selected row");
        assert_eq!(buffer[(0, 1)].fg, palette.accent, "column header");
        assert!(buffer[(0, 1)].modifier.contains(Modifier::BOLD));
        let (x, y) = common::find(&buffer, "✓ 200").unwrap();
        assert_eq!(
            buffer[(x, y)].fg,
            theme::with_palette(palette, || theme::status_color(Status::Ok))
        );
    }
}

#[test]
fn no_color_keeps_meaning_without_colour() {
    use xray_tui::ui::theme::{self, Palette};
    for (name, state) in views(80, 24) {
        let buffer = theme::with_palette(Palette::NO_COLOR, || render(&state));
        for cell in buffer.content() {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{name}");
        }
    }
    let mut state = loaded_state(80, 24);
    let fault_row = (0..state.list.order.len())
        .find(|&i| state.list.row(i).unwrap().has_fault)
        .unwrap();
    for _ in 0..fault_row {
        update(&mut state, Action::Intent(Intent::Down));
    }
    let buffer = theme::with_palette(Palette::NO_COLOR, || render(&state));
    let selected = (0..24).find(|&y| buffer[(0, y)].modifier.contains(Modifier::REVERSED));
    assert!(selected.is_some(), "the selection is in reverse video");
    let (x, y) = common::find(&buffer, "✖").unwrap();
    assert!(
        buffer[(x, y)]
            .modifier
            .contains(Modifier::BOLD | Modifier::UNDERLINED)
    );
}

#[test]
fn ascii_leaves_no_drawing_glyphs() {
    for (width, height) in [(80, 24), (200, 60)] {
        for (name, mut state) in views(width, height) {
            state.ascii = true;
            let screen = text(&render(&state));
            let glyphs: Vec<char> = screen
                .chars()
                .filter(|c| !c.is_ascii())
                .filter(|c| {
                    xray_tui::ui::ascii::replacement(&c.to_string()).is_some()
                        || "─│┌┐└┘├┤┬┴┼╭╮╰╯█░▸▾◆✓✖⧗…".contains(*c)
                })
                .collect();
            assert!(
                glyphs.is_empty(),
                "{name} {width}x{height}: {glyphs:?}\n{screen}"
            );
            if (name, width) == ("waterfall", 80) {
                insta::assert_snapshot!("waterfall_ascii_80x24", screen);
            }
            if (name, width) == ("help", 200) {
                assert!(screen.contains("j Down"), "{screen}");
            }
        }
    }
}
