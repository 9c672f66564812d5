//! The pure heart of the app: an action in, the state changed and commands out. No I/O.

use crate::layout::screen;

use super::action::{Action, Command, Intent};
use super::keymap::Context;
use super::state::{Message, Screen, Severity, State, TraceView};

/// The commands to run when the app starts.
pub fn start(state: &mut State) -> Vec<Command> {
    load_summaries(state)
}

pub fn context(state: &State) -> Context {
    match state.screen {
        Screen::List => Context::List,
        Screen::Trace => Context::Trace,
    }
}

pub fn update(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::Intent(intent) => on_intent(state, intent),
        Action::Resize { width, height } => {
            state.width = width;
            state.height = height;
            keep_list_selection_visible(state);
            keep_span_selection_visible(state);
            Vec::new()
        }
        Action::OpenTrace(id) => open_trace(state, id),
        Action::SummariesLoaded { request, result } => {
            if state.list.request != Some(request) {
                return Vec::new();
            }
            state.list.loading = false;
            state.list.request = None;
            match result {
                Ok(page) => {
                    let keep = state.list.selected_summary().map(|s| s.id.clone());
                    state.list.counts = super::state::Counts::of(&page.summaries);
                    state.list.summaries = page.summaries;
                    state.list.processed = page.processed;
                    state.list.error = None;
                    sort_list(state, keep.as_deref());
                    state.problems = page.problems;
                    if !state.problems.is_empty() {
                        let n = state.problems.len();
                        state.message = Some(Message {
                            text: format!(
                                "{n} problem{} while loading; press ! to see {}",
                                plural(n),
                                if n == 1 { "it" } else { "them" }
                            ),
                            severity: Severity::Error,
                        });
                    }
                }
                Err(error) => {
                    state.list.error = Some(error.clone());
                    state.message = Some(Message {
                        text: error,
                        severity: Severity::Error,
                    });
                }
            }
            Vec::new()
        }
        Action::TracesLoaded { request, result } => {
            let Some(view) = state.trace.as_mut().filter(|v| v.request == request) else {
                return Vec::new();
            };
            match result {
                Ok(traces) => match traces.into_iter().find(|t| t.id == view.id) {
                    Some(trace) => {
                        view.selected = 0;
                        view.offset = 0;
                        view.trace = Some(trace);
                    }
                    None => {
                        view.error = Some(format!(
                            "trace {} is not in {}",
                            view.id, state.source_label
                        ))
                    }
                },
                Err(error) => view.error = Some(error),
            }
            Vec::new()
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    // A message stays until the next key; the status bar keeps pointing at load problems.
    state.message = None;
    if state.help {
        // Any key closes the help; the quit keys still quit.
        state.help = false;
        if intent == Intent::Quit && state.screen == Screen::List {
            state.quit = true;
        }
        return Vec::new();
    }
    match intent {
        Intent::Quit => {
            state.quit = true;
            Vec::new()
        }
        Intent::ToggleHelp => {
            state.help = true;
            Vec::new()
        }
        Intent::ToggleProblems => {
            state.show_problems = !state.show_problems && !state.problems.is_empty();
            if state.problems.is_empty() {
                state.message = Some(Message {
                    text: "no problems while loading".into(),
                    severity: Severity::Info,
                });
            }
            Vec::new()
        }
        Intent::Up
        | Intent::Down
        | Intent::PageUp
        | Intent::PageDown
        | Intent::Top
        | Intent::Bottom => {
            move_selection(state, intent);
            Vec::new()
        }
        Intent::Open => match state.list.selected_summary() {
            Some(summary) if state.screen == Screen::List => {
                let id = summary.id.clone();
                open_trace(state, id)
            }
            _ => Vec::new(),
        },
        Intent::Close => {
            state.screen = Screen::List;
            Vec::new()
        }
        Intent::SortNext => {
            let keep = state.list.selected_summary().map(|s| s.id.clone());
            state.list.sort = state.list.sort.next();
            state.list.descending = state.list.sort.descending_by_default();
            sort_list(state, keep.as_deref());
            Vec::new()
        }
        Intent::SortReverse => {
            let keep = state.list.selected_summary().map(|s| s.id.clone());
            state.list.descending = !state.list.descending;
            sort_list(state, keep.as_deref());
            Vec::new()
        }
        Intent::Refresh => load_summaries(state),
    }
}

fn load_summaries(state: &mut State) -> Vec<Command> {
    let request = state.new_request();
    state.list.loading = true;
    state.list.request = Some(request);
    vec![Command::LoadSummaries { request }]
}

fn open_trace(state: &mut State, id: String) -> Vec<Command> {
    state.screen = Screen::Trace;
    if let Some(view) = &state.trace
        && view.id == id
        && view.trace.is_some()
    {
        return Vec::new();
    }
    let request = state.new_request();
    state.trace = Some(TraceView {
        id: id.clone(),
        request,
        trace: None,
        error: None,
        selected: 0,
        offset: 0,
    });
    vec![Command::LoadTrace { request, id }]
}

/// Sorts the list, keeping the selected trace selected.
fn sort_list(state: &mut State, keep: Option<&str>) {
    let list = &mut state.list;
    let summaries = &list.summaries;
    let (key, descending) = (list.sort, list.descending);
    let mut order: Vec<u32> = (0..summaries.len() as u32).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&summaries[a as usize], &summaries[b as usize]);
        let ordering = key
            .compare(a, b)
            .then_with(|| b.start_time.total_cmp(&a.start_time));
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    list.order = order;
    list.selected = keep
        .and_then(|id| {
            list.order
                .iter()
                .position(|&i| summaries[i as usize].id == id)
        })
        .unwrap_or(0);
    keep_list_selection_visible(state);
}

fn move_selection(state: &mut State, intent: Intent) {
    match state.screen {
        Screen::List => {
            let rows = screen::list_rows(state.width, state.height);
            let len = state.list.order.len();
            state.list.selected = moved(state.list.selected, len, rows, intent);
            keep_list_selection_visible(state);
        }
        Screen::Trace => {
            let rows = screen::waterfall_rows(state.width, state.height);
            if let Some(view) = state.trace.as_mut() {
                let len = view.trace.as_ref().map_or(0, |t| t.spans.len());
                view.selected = moved(view.selected, len, rows, intent);
            }
            keep_span_selection_visible(state);
        }
    }
}

fn moved(selected: usize, len: usize, page: usize, intent: Intent) -> usize {
    if len == 0 {
        return 0;
    }
    let page = page.max(1);
    let last = len - 1;
    match intent {
        Intent::Up => selected.saturating_sub(1),
        Intent::Down => (selected + 1).min(last),
        Intent::PageUp => selected.saturating_sub(page),
        Intent::PageDown => (selected + page).min(last),
        Intent::Top => 0,
        Intent::Bottom => last,
        _ => selected,
    }
}

/// The offset that shows `selected` with the fewest rows scrolled.
fn scrolled(offset: usize, selected: usize, rows: usize, len: usize) -> usize {
    let rows = rows.max(1);
    let offset = offset
        .min(selected)
        .max((selected + 1).saturating_sub(rows));
    offset.min(len.saturating_sub(rows))
}

fn keep_list_selection_visible(state: &mut State) {
    let rows = screen::list_rows(state.width, state.height);
    let list = &mut state.list;
    list.offset = scrolled(list.offset, list.selected, rows, list.order.len());
}

fn keep_span_selection_visible(state: &mut State) {
    let rows = screen::waterfall_rows(state.width, state.height);
    if let Some(view) = state.trace.as_mut() {
        let len = view.trace.as_ref().map_or(0, |t| t.spans.len());
        view.offset = scrolled(view.offset, view.selected, rows, len);
    }
}
