//! Shared test data: the demo data set moved to a fixed clock, so runs are repeatable.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use xray_tui::app::{Action, Command, State, update};
use xray_tui::source::{Dataset, SummaryPage, demo};

/// 2026-01-15 10:00:05 UTC: the demo's newest trace ends at this time.
pub const FIXED_NOW: f64 = 1_768_471_205.0;

pub fn demo() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| demo::load(FIXED_NOW))
}

/// A state of the given size with the demo's trace list loaded, as the app has it after start.
pub fn loaded_state(width: u16, height: u16) -> State {
    let mut state = State::new("demo", width, height, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let [Command::LoadSummaries { request, .. }] = commands.as_slice() else {
        panic!("start should ask for summaries: {commands:?}");
    };
    let page = SummaryPage {
        summaries: demo().summaries.clone(),
        processed: Some(demo().summaries.len() as u64),
        done: true,
        problems: Vec::new(),
        scope: None,
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(page),
        },
    );
    state
}

/// A state of this size with `trace` open in the waterfall, as the worker would deliver it.
pub fn opened(trace: Arc<xray_tui::model::Trace>, width: u16, height: u16) -> State {
    let mut state = State::new("test", width, height, 0);
    let commands = update(&mut state, Action::OpenTrace(trace.id.clone()));
    let [Command::LoadTrace { request, .. }] = commands.as_slice() else {
        panic!("opening a trace asks the worker for it: {commands:?}");
    };
    update(
        &mut state,
        Action::TracesLoaded {
            request: *request,
            result: Ok(vec![trace]),
        },
    );
    state
}

/// Opens a trace as the worker would: the command, then its result.
pub fn open_trace(state: &mut State, id: &str) {
    let commands = update(state, Action::OpenTrace(id.to_owned()));
    if let [Command::LoadTrace { request, id }] = commands.as_slice() {
        let trace = demo()
            .traces
            .get(id)
            .cloned()
            .map(|t| vec![Arc::clone(&t)])
            .unwrap_or_default();
        update(
            state,
            Action::TracesLoaded {
                request: *request,
                result: Ok(trace),
            },
        );
    }
}

/// The demo trace with a fault whose entry segment started first.
pub fn first_fault_trace_id() -> String {
    let mut faults: Vec<_> = demo().summaries.iter().filter(|s| s.has_fault).collect();
    faults.sort_by(|a, b| a.start_time.total_cmp(&b.start_time));
    faults[0].id.clone()
}

/// Where `needle` starts on screen: the first (column, row) whose cells spell it.
pub fn find(buffer: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buffer.area.height {
        let row: Vec<&str> = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let joined: String = row.concat();
        if let Some(byte) = joined.find(needle) {
            let mut seen = 0;
            for (x, symbol) in row.iter().enumerate() {
                if seen == byte {
                    return Some((x as u16, y));
                }
                seen += symbol.len();
            }
        }
    }
    None
}

/// Presses a key as the terminal sends it, written as the configuration writes keys (`q`, `Q`,
/// `ctrl-c`, `esc`, `pgdn`).
pub fn press_key(state: &mut State, key: &str) -> Vec<Command> {
    let key = xray_tui::app::keymap::parse_key(key).expect("a key");
    let event = crossterm::event::KeyEvent::new(key.code, key.modifiers);
    update(state, Action::Key(event))
}

/// Types text into the open prompt, key by key.
pub fn type_keys(state: &mut State, text: &str) {
    for c in text.chars() {
        let event = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c));
        update(state, Action::Key(event));
    }
}

/// Answers a request for the listed traces (statistics, icicle) as the worker would, from the
/// demo data set.
pub fn answer_trace_set(state: &mut State, commands: Vec<Command>) {
    let [Command::LoadTraceSet { request, ids }] = commands.as_slice() else {
        panic!("the listed traces are fetched through the worker: {commands:?}");
    };
    let traces = ids
        .iter()
        .filter_map(|id| demo().traces.get(id).cloned())
        .collect();
    update(
        state,
        Action::TraceSetLoaded {
            request: *request,
            result: Ok(traces),
        },
    );
}
