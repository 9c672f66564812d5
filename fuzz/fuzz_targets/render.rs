//! Untrusted strings never reach the terminal: load the input as a file, show its trace list,
//! its problems, and its first trace's waterfall with every details tab, and check that no cell
//! of the 120x40 screen holds a control character.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use xray_tui::app::details::Tab;
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::source::{Collector, SummaryPage, files};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut collector = Collector::default();
    files::load_text("fuzz.json", text, &mut collector);
    let dataset = collector.finish();

    let mut state = State::new("fuzz", WIDTH, HEIGHT, 0);
    let commands = update::start(&mut state);
    if let Some(Command::LoadSummaries { request, .. }) = commands.first() {
        let page = SummaryPage {
            summaries: dataset.summaries.clone(),
            processed: Some(dataset.summaries.len() as u64),
            done: true,
            problems: dataset.problems.iter().map(ToString::to_string).collect(),
        };
        update(
            &mut state,
            Action::SummariesLoaded {
                request: *request,
                result: Ok(page),
            },
        );
        check(&state, "trace list");
        if !state.problems.is_empty() {
            update(&mut state, Action::Intent(Intent::ToggleProblems));
            check(&state, "problems");
            update(&mut state, Action::Intent(Intent::ToggleProblems));
        }
    }

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
    check(&state, "waterfall");
    for _ in Tab::ALL {
        update(&mut state, Action::Intent(Intent::NextTab));
        check(&state, "details tab");
    }
    update(&mut state, Action::Intent(Intent::NextProblem));
    check(&state, "next problem");
    update(&mut state, Action::Intent(Intent::Bottom));
    check(&state, "last span");
});

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
