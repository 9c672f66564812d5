//! The trace diff's keys: marking A, diffing with it or with the typical trace of the open
//! trace's URL pattern (fetched through the worker), moving and ordering the rows.

use std::sync::Arc;

use super::super::action::{Command, Intent, RequestId};
use super::super::cursor::Step;
use super::super::diff::{DiffView, Waiting, baseline_ids, pattern_path, short_id, url_pattern_of};
use super::super::keymap::Context;
use super::super::state::{Screen, State};
use super::{error, info};
use crate::analytics::trace_diff::{TraceDiff, diff, diff_with_typical};
use crate::layout::screen;
use crate::model::Trace;

fn page(state: &State) -> usize {
    screen::diff_rows(state.width, state.height)
}

fn open_trace(state: &State) -> Option<Arc<Trace>> {
    state.trace.as_ref()?.trace.clone()
}

/// `a`, `d` and `D` on the waterfall.
pub(super) fn on_trace_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let Some(trace) = open_trace(state) else {
        return Vec::new();
    };
    match intent {
        Intent::MarkDiff => {
            let diff_key = state.key_label(Context::Trace, Intent::DiffWithMarked);
            info(
                state,
                format!(
                    "marked trace {} as A; open another trace and press {diff_key} to diff it with A",
                    trace.id
                ),
            );
            state.diff.marked = Some(trace);
        }
        Intent::DiffWithMarked => {
            let Some(marked) = state.diff.marked.clone() else {
                let mark_key = state.key_label(Context::Trace, Intent::MarkDiff);
                error(
                    state,
                    format!("no trace marked as A: press {mark_key} on a trace first"),
                );
                return Vec::new();
            };
            let label = format!("A {}", short_id(&marked.id));
            show(
                state,
                DiffView::new(label, trace.id.clone(), diff(&marked, &trace)),
            );
            if marked.id == trace.id {
                info(state, "this is the marked trace itself: nothing differs");
            }
        }
        Intent::DiffWithTypical => return with_typical(state, &trace),
        _ => {}
    }
    Vec::new()
}

fn show(state: &mut State, view: DiffView) {
    state.diff.view = Some(view);
    state.screen = Screen::Diff;
}

fn with_typical(state: &mut State, trace: &Arc<Trace>) -> Vec<Command> {
    let Some(pattern) = url_pattern_of(trace) else {
        error(
            state,
            "this trace has no URL: the typical trace is made of the listed traces of its URL pattern",
        );
        return Vec::new();
    };
    let (listed, ids) = baseline_ids(&state.list.summaries, &pattern, &trace.id);
    if ids.is_empty() {
        error(
            state,
            format!("no other listed trace has the URL pattern {pattern}"),
        );
        return Vec::new();
    }
    let request = state.new_request();
    let label = format!("typical of {}", pattern_path(&pattern));
    let mut view = DiffView::new(label, trace.id.clone(), TraceDiff::default());
    view.waiting = Some(Waiting {
        request,
        pattern,
        listed,
    });
    show(state, view);
    vec![Command::LoadBaseline { request, ids }]
}

/// The traces of the typical trace arrived: the diff is made.
pub(super) fn on_baseline_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Vec<Arc<Trace>>, String>,
) -> Vec<Command> {
    let Some(view) = state.diff.view.as_ref() else {
        return Vec::new();
    };
    let Some(waiting) = view.waiting.clone().filter(|w| w.request == request) else {
        return Vec::new();
    };
    let Some(trace) = open_trace(state).filter(|t| t.id == view.b_id) else {
        return Vec::new();
    };
    let traces = match result {
        Ok(traces) => traces,
        Err(message) => {
            if let Some(view) = state.diff.view.as_mut() {
                view.waiting = None;
            }
            error(
                state,
                format!("the typical trace could not be made: {message}"),
            );
            return Vec::new();
        }
    };
    let baseline: Vec<&Trace> = traces
        .iter()
        .map(Arc::as_ref)
        .filter(|t| t.id != trace.id)
        .collect();
    let used = baseline.len();
    let label = format!(
        "typical of {} (median of {used} of {} listed traces)",
        pattern_path(&waiting.pattern),
        waiting.listed
    );
    let mut view = DiffView::new(
        label,
        trace.id.clone(),
        diff_with_typical(&baseline, &trace),
    );
    view.waiting = None;
    state.diff.view = Some(view);
    info(
        state,
        format!(
            "compared with the median of {used} traces of {} ({} listed)",
            waiting.pattern, waiting.listed
        ),
    );
    Vec::new()
}

/// Keys on the diff view.
pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let page = page(state);
    let Some(view) = state.diff.view.as_mut() else {
        state.screen = Screen::Trace;
        return Vec::new();
    };
    if let Intent::SelectRow(row) = intent {
        let position = view.cursor.offset + row;
        view.cursor.select(position, view.order.len(), page);
        return Vec::new();
    }
    if let Some(step) = Step::of(intent, page) {
        view.cursor.step(step, view.order.len(), page);
        return Vec::new();
    }
    match intent {
        Intent::Close => state.screen = Screen::Trace,
        Intent::SortNext => view.toggle_order(),
        _ => {}
    }
    Vec::new()
}
