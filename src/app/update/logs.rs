//! The log lines of the open trace: asked for when the logs pane or the Logs tab first shows
//! them, once per trace (cached), cancelled when the pane closes before they came; the
//! pane's moving keys walk the lines and select each line's span.

use std::sync::Arc;

use super::super::action::{Command, RequestId};
use super::super::cursor::Step;
use super::super::details::Tab;
use super::super::state::{LogsState, State};
use super::{trace_view, waterfall_page};
use crate::layout::screen;
use crate::model::logs::TraceLogs;

/// Rows of the logs pane on screen.
pub fn page(state: &State) -> usize {
    screen::logs_rows(state.width, state.height)
}

/// `L`: shows the pane (asking for the lines if need be), or hides it.
pub(super) fn toggle(state: &mut State) -> Vec<Command> {
    let Some(view) = state.trace.as_mut() else {
        return Vec::new();
    };
    if view.logs.open {
        return close(state);
    }
    view.logs.open = true;
    ensure(state)
}

/// Hides the pane; lines still on their way are no longer waited for.
pub(super) fn close(state: &mut State) -> Vec<Command> {
    let Some(view) = state.trace.as_mut() else {
        return Vec::new();
    };
    view.logs.open = false;
    // Lines that could not be had are asked for again when the pane opens next.
    if matches!(view.logs.state, LogsState::Failed(_)) && view.tab != Tab::Logs {
        view.logs.state = LogsState::NotAsked;
    }
    if matches!(view.logs.state, LogsState::Loading(_)) && view.tab != Tab::Logs {
        view.logs.state = LogsState::NotAsked;
        return vec![Command::CancelLogs];
    }
    Vec::new()
}

/// Asks for the trace's lines when something shows them and they were not asked for yet.
pub(super) fn ensure(state: &mut State) -> Vec<Command> {
    let Some(view) = state.trace.as_ref() else {
        return Vec::new();
    };
    let wanted = view.logs.open || view.tab == Tab::Logs;
    let Some(trace) = view.trace.clone() else {
        return Vec::new();
    };
    if !wanted || view.logs.state != LogsState::NotAsked {
        return Vec::new();
    }
    if let Some(logs) = state.logs_cache.get(&trace.id).cloned() {
        show(state, logs);
        return Vec::new();
    }
    let request = state.new_request();
    if let Some(view) = state.trace.as_mut() {
        view.logs.state = LogsState::Loading(request);
    }
    vec![Command::LoadLogs { request, trace }]
}

pub(super) fn on_loaded(
    state: &mut State,
    request: RequestId,
    trace_id: String,
    result: Result<Arc<TraceLogs>, String>,
) -> Vec<Command> {
    let current = state
        .trace
        .as_ref()
        .is_some_and(|v| v.logs.state == LogsState::Loading(request));
    let refreshed = state
        .trace
        .as_ref()
        .is_some_and(|v| v.logs.refreshing == Some(request));
    if let Ok(logs) = &result {
        state.logs_cache.insert(trace_id, Arc::clone(logs));
    }
    if refreshed && let Some(view) = state.trace.as_mut() {
        view.logs.refreshing = None;
        // A failure to refresh keeps the lines shown.
        if let Ok(logs) = result {
            let cursor = view.logs.cursor;
            view.logs.state = LogsState::Loaded(logs);
            view.logs.cursor = cursor;
            trace_view::logs_arrived(view);
        }
        return Vec::new();
    }
    if !current {
        return Vec::new();
    }
    match result {
        Ok(logs) => show(state, logs),
        Err(message) => {
            if let Some(view) = state.trace.as_mut() {
                view.logs.state = LogsState::Failed(message);
                trace_view::refresh_details(view);
            }
        }
    }
    Vec::new()
}

/// A live source's trace was shown anew: the lines asked for are asked for again, joined to the
/// trace as it is now (new spans, new lines); those shown stay until the new ones come.
pub(super) fn refresh(state: &mut State) -> Vec<Command> {
    state.logs_cache.clear();
    let Some(view) = state.trace.as_ref() else {
        return Vec::new();
    };
    let Some(trace) = view.trace.clone() else {
        return Vec::new();
    };
    let loading = match view.logs.state {
        LogsState::Loading(_) => true,
        LogsState::Loaded(_) => false,
        LogsState::NotAsked | LogsState::Failed(_) => return Vec::new(),
    };
    let request = state.new_request();
    let Some(view) = state.trace.as_mut() else {
        return Vec::new();
    };
    if loading {
        view.logs.state = LogsState::Loading(request);
    } else {
        view.logs.refreshing = Some(request);
    }
    vec![Command::LoadLogs { request, trace }]
}

fn show(state: &mut State, logs: Arc<TraceLogs>) {
    let Some(view) = state.trace.as_mut() else {
        return;
    };
    view.logs.state = LogsState::Loaded(logs);
    view.logs.cursor = Default::default();
    trace_view::logs_arrived(view);
}

/// A moving key while the pane is shown: the next line, and its span.
pub(super) fn move_cursor(state: &mut State, step: Step) {
    let page = page(state);
    let waterfall = waterfall_page(state);
    let Some(view) = state.trace.as_mut() else {
        return;
    };
    let Some(logs) = view.logs.loaded().cloned() else {
        return;
    };
    view.logs.cursor.step(step, logs.lines.len(), page);
    if let Some(Some(span)) = logs.spans.get(view.logs.cursor.selected) {
        trace_view::select(view, *span as usize, waterfall);
    }
}
