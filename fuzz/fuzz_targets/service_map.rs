//! The service map from untrusted input: load the input as a file, lay out its service graph
//! and its first trace's own graph (normal and compact, Unicode and ASCII), move around, and
//! check that no cell of the 120x40 screen holds a control character.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use xray_tui::app::map::{MapModel, lay_out};
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::model::ServiceGraph;
use xray_tui::source::{Collector, Dataset, SummaryPage, files};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut collector = Collector::default();
    files::load_text("fuzz.json", text, &mut collector);
    let dataset = collector.finish();
    // Unicode boxes for the whole map, ASCII for a trace's own map.
    let mut state = State::new("fuzz", WIDTH, HEIGHT, 0);
    list(&mut state, &dataset);
    show_map(&mut state, &dataset, false);

    // HashMap order is random: take the smallest id so a crash reproduces.
    let Some(trace) = dataset
        .traces
        .iter()
        .min_by(|a, b| a.0.cmp(b.0))
        .map(|(_, trace)| Arc::clone(trace))
    else {
        return;
    };
    let commands = update(&mut state, Action::OpenTrace(trace.id.clone()));
    let Some(Command::LoadTrace { request, .. }) = commands
        .iter()
        .find(|c| matches!(c, Command::LoadTrace { .. }))
    else {
        panic!("opening trace {:?} asked for no LoadTrace: {commands:?}", trace.id);
    };
    update(
        &mut state,
        Action::TracesLoaded {
            request: *request,
            result: Ok(vec![trace]),
        },
    );
    show_map(&mut state, &dataset, true);
});

fn list(state: &mut State, dataset: &Dataset) {
    let commands = update::start(state);
    if let Some(Command::LoadSummaries { request, .. }) = commands.first() {
        let page = SummaryPage {
            summaries: dataset.summaries.clone(),
            processed: None,
            done: true,
            problems: Vec::new(),
        };
        update(
            state,
            Action::SummariesLoaded {
                request: *request,
                result: Ok(page),
            },
        );
    }
}

/// Plays the worker: answers the map commands as `worker::load_map` would.
fn show_map(state: &mut State, dataset: &Dataset, ascii: bool) {
    let commands = update(state, Action::Intent(Intent::ShowMap));
    let Some(Command::LoadMap { request, trace, .. }) = commands.first() else {
        return;
    };
    let graph = match trace {
        None => dataset.graph.clone(),
        Some(id) => ServiceGraph::from_traces(dataset.traces.get(id).map(Arc::as_ref)),
    };
    let model = Arc::new(MapModel::of(&graph));
    let drawing = Arc::new(lay_out(model, false, ascii));
    update(
        state,
        Action::MapLoaded {
            request: *request,
            result: Ok(drawing),
        },
    );
    check(state, "map");
    for intent in [
        Intent::MapRight,
        Intent::Down,
        Intent::NextEdge,
        Intent::MapRight,
        Intent::NextEdge,
        Intent::Up,
        Intent::PreviousEdge,
        Intent::MapLeft,
    ] {
        update(state, Action::Intent(intent));
    }
    check(state, "map after moving");
    for command in update(state, Action::Intent(Intent::ToggleCompact)) {
        if let Command::LayoutMap {
            request,
            model,
            compact,
        } = command
        {
            let drawing = Arc::new(lay_out(model, compact, ascii));
            update(state, Action::MapLaidOut { request, drawing });
        }
    }
    check(state, "compact map");
    update(state, Action::Intent(Intent::Close));
}

fn check(state: &State, what: &str) {
    let area = Rect::new(0, 0, WIDTH, HEIGHT);
    let mut buffer = Buffer::empty(area);
    xray_tui::ui::render_buffer(state, &mut buffer, area);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let symbol = buffer[(x, y)].symbol();
            if symbol.chars().any(char::is_control) {
                panic!(
                    "{what}: control character in cell ({x}, {y}): {symbol:?}\n{}",
                    xray_tui::ui::buffer_text(&buffer)
                );
            }
        }
    }
}
