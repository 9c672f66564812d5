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
        // The bars begin under the time axis's first tick.
        let axis = screen.lines().nth(1).unwrap();
        let bar_x = axis.chars().position(|c| c == '┊').unwrap() as u16;
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

/// The demo's list with one trace moved to 2016, as fixtures of several years are listed.
fn list_over_years(started_at: Option<f64>, move_one_to_2016: bool) -> State {
    let mut state = State::new("files", 80, 24, 0);
    state.started_at = started_at;
    let commands = xray_tui::app::update::start(&mut state);
    let [xray_tui::app::Command::LoadSummaries { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let mut summaries = common::demo().summaries.clone();
    if move_one_to_2016 {
        let mut old = summaries[0].clone();
        old.start_time = 1_478_293_361.0;
        summaries.push(old);
    }
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(xray_tui::source::SummaryPage {
                summaries,
                done: true,
                ..Default::default()
            }),
        },
    );
    state
}

#[test]
fn list_dates_carry_the_year_over_years_or_in_another_year() {
    let state = list_over_years(None, true);
    let screen = text(&render(&state));
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows[2].starts_with("2026-01-15 09:59 "), "{screen}");
    let mut state = list_over_years(None, true);
    update(&mut state, Action::Intent(Intent::Bottom));
    let screen = text(&render(&state));
    assert!(screen.contains("\n2016-11-04 21:02 "), "{screen}");

    // Traces of one year, looked at in another: the year shows.
    let next_year = 1_800_000_000.0;
    let screen = text(&render(&list_over_years(Some(next_year), false)));
    assert!(
        screen
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("2026-01-15 09:59 "),
        "{screen}"
    );
    // Traces of this year within a day: the time of day alone.
    let screen = text(&render(&list_over_years(Some(common::FIXED_NOW), false)));
    assert!(
        screen.lines().nth(2).unwrap().starts_with("09:59:59 "),
        "{screen}"
    );
}

#[test]
fn a_trace_in_progress_for_years_reads_in_days_and_years() {
    let mut collector = xray_tui::source::Collector::default();
    // Documents of one trace id, from November 2016 (in progress) to January 2017.
    let paths: Vec<_> = [
        "awsdocs-devguide/segment.in-progress.json",
        "otel-contrib-awsxray/indepSubsegmentWithSql.json",
    ]
    .iter()
    .map(|name| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/xray")
            .join(name)
    })
    .collect();
    xray_tui::source::files::load_paths(&paths, &mut collector);
    let trace = collector.finish().traces.into_values().next().unwrap();
    let mut state = common::opened(trace, 80, 24);
    let screen = text(&render(&state));
    let axis = screen.lines().nth(1).unwrap();
    assert!(axis.contains("┊23d03h"), "{screen}");
    assert!(!axis.contains("33333m"), "{screen}");
    update(&mut state, Action::Intent(Intent::Down));
    let screen = text(&render(&state));
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with(" Start") && l.ends_with(" +76d03h")),
        "{screen}"
    );
}

#[test]
fn a_long_source_name_never_pushes_the_key_hints_off_the_footer() {
    let path = "/home/oncall/incidents/2026-01-15-checkout-latency/exports/batch-get-traces-eu-west-1-prod.json";
    let mut state = State::new(path, 80, 24, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let [xray_tui::app::Command::LoadSummaries { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(xray_tui::source::SummaryPage {
                summaries: common::demo().summaries.clone(),
                done: true,
                ..Default::default()
            }),
        },
    );
    let buffer = render(&state);
    let screen = text(&buffer);
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains("q quit"), "{footer}");
    assert!(
        footer.ends_with("-eu-west-1-prod.json"),
        "the path keeps its end: {footer}"
    );
    assert!(footer.contains(" …"), "{footer}");
    let (x, y) = common::find(&buffer, "q quit").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Cyan, "the key stands out");
}

#[test]
fn counts_of_one_are_singular() {
    // One trace of each trouble: the header counts each in the singular.
    let mut state = State::new("demo", 100, 24, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let [xray_tui::app::Command::LoadSummaries { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let pick = |test: fn(&xray_tui::model::TraceSummary) -> bool| {
        common::demo()
            .summaries
            .iter()
            .find(|s| test(s))
            .unwrap()
            .clone()
    };
    let summaries = vec![
        pick(|s| s.has_fault && !s.has_error && !s.has_throttle),
        pick(|s| s.has_throttle && !s.has_fault),
    ];
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(xray_tui::source::SummaryPage {
                summaries,
                done: true,
                ..Default::default()
            }),
        },
    );
    let buffer = render(&state);
    let title = text(&buffer).lines().next().unwrap().to_owned();
    assert!(title.contains(" 2 traces"), "{title}");
    assert!(
        title.contains("· 1 fault ·") || title.ends_with("· 1 fault"),
        "{title}"
    );
    assert!(title.contains("1 throttle"), "{title}");
    assert!(
        !title.contains("1 faults") && !title.contains("1 throttles"),
        "{title}"
    );
    let (x, y) = common::find(&buffer, "1 fault").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Red);

    // A trace of one span says so, and an empty tab names what it lacks once.
    let mut collector = xray_tui::source::Collector::default();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xray/awsdocs-devguide/segment.in-progress.json");
    xray_tui::source::files::load_paths(&[path], &mut collector);
    let trace = collector.finish().traces.into_values().next().unwrap();
    let mut state = common::opened(trace, 80, 24);
    let view = state.trace.as_mut().unwrap();
    xray_tui::app::trace_view::set_tab(view, xray_tui::app::details::Tab::Metadata);
    let screen = text(&render(&state));
    assert!(
        screen.lines().next().unwrap().contains(" 1 span "),
        "{screen}"
    );
    assert!(screen.contains("No metadata on this span."), "{screen}");
    assert!(!screen.contains("Metadata data"), "{screen}");
}

#[test]
fn without_colour_the_histogram_marks_its_band_and_its_problems() {
    use xray_tui::ui::theme::{self, Palette};
    let mut state = loaded_state(80, 24);
    update(&mut state, Action::Intent(Intent::ToggleHistogram));
    for _ in 0..3 {
        update(&mut state, Action::Intent(Intent::BandSlower));
    }
    let buffer = theme::with_palette(Palette::NO_COLOR, || render(&state));
    let screen = text(&buffer);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows[1].contains("band 10s–20s"), "{screen}");
    // The band: marked over its columns and on the axis under them.
    let axis = rows[6];
    let band_x = axis
        .find("10s")
        .map(|at| axis[..at].chars().count())
        .unwrap();
    assert!(axis.contains("10s━20s"), "{screen}");
    let top: Vec<char> = rows[2].chars().collect();
    assert_eq!(top[band_x], '▔', "{screen}");
    // The stacking: faults, errors and throttles by their marks.
    let bars = rows[2..6].join("\n");
    for mark in ["✖", "⧗", "!"] {
        assert!(bars.contains(mark), "{mark} in\n{screen}");
    }
}

/// A trace with a span of each kind of state the waterfall tells apart.
fn trace_of_every_state() -> std::sync::Arc<xray_tui::model::Trace> {
    use xray_tui::model::{Document, Segment, Trace};
    let id = "1-5759e988-bd862e3fe1be46a994272796";
    let doc = serde_json::json!({"trace_id": id, "id": "root000000000001", "name": "checkout", "start_time": 100.0, "end_time": 110.0,
    "fault": true,
    "subsegments": [
        {"id": "call000000000001", "name": "payments", "namespace": "remote", "start_time": 101.0, "end_time": 104.0,
         "subsegments": [{"id": "inner00000000001", "name": "sign", "start_time": 101.5, "end_time": 102.0}]},
        {"id": "open000000000001", "name": "still-running", "start_time": 104.0, "in_progress": true},
        {"id": "lost000000000001", "name": "end-never-recorded", "start_time": 105.0},
        {"id": "slow000000000001", "name": "a-name-long-enough-to-be-cut-short-in-the-column", "start_time": 106.0, "end_time": 107.0, "throttle": true, "error": true}
    ]});
    let text = doc.to_string();
    std::sync::Arc::new(Trace::assemble(
        id,
        vec![Document {
            segment: Segment::parse(&text).unwrap(),
            text,
        }],
    ))
}

#[test]
fn ascii_tells_every_state_apart_by_its_glyph() {
    let mut state = common::opened(trace_of_every_state(), 80, 24);
    state.ascii = true;
    // Fold the remote call, so its fold mark and its remote mark are both on screen.
    update(&mut state, Action::Intent(Intent::Down));
    update(&mut state, Action::Intent(Intent::ToggleFold));
    let screen = text(&render(&state));
    let row = |name: &str| {
        screen
            .lines()
            .skip(2)
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} in\n{screen}"))
            .to_owned()
    };
    assert!(row("checkout").starts_with(" v X checkout "), "{screen}");
    assert!(
        row("payments").contains("+-> @ payments +1"),
        "folded, remote: {screen}"
    );
    // Self time is `:`, never the ticks' `.`.
    assert!(row("payments").contains(".   ::===:::"), "{screen}");
    let running = row("still-running");
    assert!(running.contains("...  "), "in progress: {running}");
    assert!(running.trim_end().ends_with('>'), "{running}");
    let lost = row("end-never-recorded");
    assert!(lost.contains(" ?  "), "no end: {lost}");
    assert!(lost.trim_end().ends_with('?'), "{lost}");
    assert!(row("a-name-long").contains("T a-name-long"), "{screen}");
    assert!(row("a-name-long").contains("~ "), "cut short: {screen}");
    for cut in ["...~", "~..."] {
        assert!(!screen.contains(cut), "{screen}");
    }
}

#[test]
fn a_failing_span_has_a_mark_without_colour() {
    use xray_tui::ui::theme::{self, Palette};
    let state = common::opened(trace_of_every_state(), 80, 24);
    let buffer = theme::with_palette(Palette::NO_COLOR, || render(&state));
    let screen = text(&buffer);
    assert!(screen.contains("▾✖ checkout"), "{screen}");
    assert!(screen.contains("⧗ a-name-long"), "{screen}");
}

/// A chain of `depth` nested subsegments named `level-1` … under a root named `level-0`.
fn nested_trace(depth: usize) -> std::sync::Arc<xray_tui::model::Trace> {
    use xray_tui::model::{Document, Segment, Trace};
    let mut inner = String::new();
    for level in (1..=depth).rev() {
        let children = if inner.is_empty() {
            String::new()
        } else {
            format!(r#","subsegments":[{inner}]"#)
        };
        inner = format!(
            r#"{{"id":"{level:016x}","name":"level-{level}","start_time":{s},"end_time":{e}{children}}}"#,
            s = level as f64,
            e = 100.0 - level as f64
        );
    }
    let text = format!(
        r#"{{"trace_id":"1-5f187253-6a106696d56b1f4ef9eba2ed","id":"f000000000000000","name":"level-0","start_time":0,"end_time":100,"subsegments":[{inner}]}}"#
    );
    let document = Document {
        segment: Segment::parse(&text).unwrap(),
        text,
    };
    std::sync::Arc::new(Trace::assemble(
        "1-5f187253-6a106696d56b1f4ef9eba2ed",
        vec![document],
    ))
}

#[test]
fn depth_reads_true_at_every_width() {
    for width in [40, 60, 80, 200] {
        let state = common::opened(nested_trace(14), width, 24);
        let buffer = render(&state);
        let screen = text(&buffer);
        let mut last_column = None;
        // Below the title and the axis, one row a level.
        for (level, line) in screen.lines().skip(2).take(14).enumerate() {
            let Some(at) = line.find('▾').or_else(|| line.find("lev")) else {
                break;
            };
            let column = line[..at].chars().count();
            let labelled = line.contains(&format!("{level}›"));
            if let Some(parent) = last_column {
                assert!(
                    column > parent || labelled,
                    "at {width} columns level {level} sits at its parent's indent without its depth:\n{screen}"
                );
            }
            last_column = Some(column);
        }
        assert!(last_column.is_some(), "{screen}");
    }
}
