//! Keys on the statistics and the icicles, and fetching the listed traces they are made of.

use std::collections::HashSet;
use std::sync::Arc;

use super::super::action::{Command, Intent, RequestId};
use super::super::analysis::{
    FlameView, MAX_LISTED_TRACES, StatsScope, StatsView, Wanted, trace_icicle,
};
use super::super::cursor::Step;
use super::super::keymap::Context;
use super::super::state::{Narrowed, Screen, Search, State, TraceView};
use super::{info, summaries, trace_view, waterfall_page};
use crate::layout::screen;
use crate::model::Trace;

/// `#` in the waterfall: the open trace's statistics.
pub(super) fn show_trace_statistics(state: &mut State) {
    let Some(trace) = state.trace.as_ref().and_then(|v| v.trace.clone()) else {
        return;
    };
    state.analysis.stats = Some(StatsView::new(StatsScope::Trace, Arc::from([trace]), 1));
    state.screen = Screen::Stats;
}

/// `#` or `i` in the list: fetches the listed traces (the first [`MAX_LISTED_TRACES`]) for
/// the view wanted, which opens when they arrive.
pub(super) fn show_list_view(state: &mut State, wanted: Wanted) -> Vec<Command> {
    let list = &state.list;
    let ids: Vec<String> = list
        .order
        .iter()
        .take(MAX_LISTED_TRACES)
        .filter_map(|&i| list.summaries.get(i as usize))
        .map(|s| s.id.clone())
        .collect();
    if ids.is_empty() {
        info(state, "no traces listed");
        return Vec::new();
    }
    let request = state.new_request();
    state.analysis.pending = Some((request, wanted));
    match wanted {
        Wanted::Statistics => {
            state.analysis.stats = None;
            state.screen = Screen::Stats;
        }
        Wanted::Icicle => {
            state.analysis.flame = None;
            state.screen = Screen::Flame;
        }
    }
    vec![Command::LoadTraceSet { request, ids }]
}

/// The listed traces arrived: the view waiting for them is made of them, in list order.
pub(super) fn on_trace_set_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Vec<Arc<Trace>>, String>,
) -> Vec<Command> {
    let Some((pending, wanted)) = state.analysis.pending else {
        return Vec::new();
    };
    if pending != request {
        return Vec::new();
    }
    state.analysis.pending = None;
    let mut traces = match result {
        Ok(traces) => traces,
        Err(message) => {
            super::error(
                state,
                format!("could not fetch the listed traces: {message}"),
            );
            state.screen = Screen::List;
            return Vec::new();
        }
    };
    let position: std::collections::HashMap<&str, usize> = state
        .list
        .order
        .iter()
        .enumerate()
        .filter_map(|(at, &i)| Some((state.list.summaries.get(i as usize)?.id.as_str(), at)))
        .collect();
    traces.sort_by_key(|t| position.get(t.id.as_str()).copied().unwrap_or(usize::MAX));
    let listed = state.list.order.len();
    let included = traces.len();
    let width = screen::flame_frames(state.width, state.height).width;
    match wanted {
        Wanted::Statistics => {
            state.analysis.stats = Some(StatsView::new(StatsScope::List, traces.into(), listed));
        }
        Wanted::Icicle => state.analysis.flame = Some(FlameView::new(&traces, listed, width)),
    }
    if included < listed {
        info(
            state,
            format!("made of {included} of the {listed} listed traces (the first ones)"),
        );
    }
    Vec::new()
}

fn stats_page(state: &State) -> usize {
    screen::statistics_rows(state.width, state.height)
}

pub(super) fn on_stats_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let page = stats_page(state);
    let Some(view) = state.analysis.stats.as_mut() else {
        if matches!(intent, Intent::Close) {
            state.analysis.pending = None;
            state.screen = Screen::List;
        }
        return Vec::new();
    };
    if let Some(step) = Step::of(intent, page) {
        view.cursor.step(step, view.rows.len(), page);
        return Vec::new();
    }
    match intent {
        Intent::SelectRow(row) => {
            let position = view.cursor.offset + row;
            if position < view.rows.len() {
                view.cursor.select(position, view.rows.len(), page);
            }
        }
        Intent::Close => {
            state.screen = match view.scope {
                StatsScope::Trace if state.trace.is_some() => Screen::Trace,
                _ => Screen::List,
            }
        }
        Intent::NextDimension | Intent::PreviousDimension => {
            view.cycle_grouping(intent == Intent::NextDimension)
        }
        Intent::SortNext | Intent::SortReverse => {
            view.sort_by(intent == Intent::SortNext);
            view.cursor.keep_visible(view.rows.len(), page);
        }
        Intent::Open => jump_to_spans(state),
        _ => {}
    }
    Vec::new()
}

/// Enter on a row of the statistics: the waterfall of (the first trace with) those spans, with
/// them as the matches `n`/`N` step through.
fn jump_to_spans(state: &mut State) {
    let Some(view) = state.analysis.stats.as_ref() else {
        return;
    };
    let Some(row) = view.selected() else { return };
    let Some(&(first_trace, _)) = row.spans.first() else {
        return;
    };
    let trace = Arc::clone(&view.traces[first_trace as usize]);
    let matches: Vec<u32> = row
        .spans
        .iter()
        .filter(|(t, _)| *t == first_trace)
        .map(|&(_, span)| span)
        .collect();
    let label = row.label(view.grouping);
    let traces_with = {
        let mut seen: Vec<u32> = row.spans.iter().map(|(t, _)| *t).collect();
        seen.dedup();
        seen.len()
    };
    let scope = view.scope;
    let same_trace = state
        .trace
        .as_ref()
        .is_some_and(|v| v.trace.as_ref().is_some_and(|t| Arc::ptr_eq(t, &trace)));
    if !same_trace {
        let request = state.new_request();
        let mut fresh = TraceView::new(trace.id.clone(), request);
        trace_view::load(&mut fresh, Arc::clone(&trace));
        state.trace = Some(fresh);
    }
    let page = waterfall_page(state);
    let next = state.key_label(Context::Trace, Intent::NextMatch);
    let previous = state.key_label(Context::Trace, Intent::PreviousMatch);
    let Some(view) = state.trace.as_mut() else {
        return;
    };
    view.icicle = None;
    view.search = Some(Search {
        query: format!("# {label}"),
        matches: matches.clone(),
        only_matches: false,
    });
    trace_view::rebuild_rows(view);
    trace_view::select(view, matches[0] as usize, page);
    state.screen = Screen::Trace;
    let count = matches.len();
    let spans = if count == 1 { "span" } else { "spans" };
    let text = match scope {
        StatsScope::Trace => {
            format!("{count} {spans} of {label}: {next}/{previous} step through them")
        }
        StatsScope::List => format!(
            "{count} {spans} of {label} in this trace (1 of {traces_with} with it): {next}/{previous} step through them"
        ),
    };
    info(state, crate::text::clean(&text));
}

/// Rows of frames the open trace's icicle shows.
fn trace_icicle_rows(state: &State) -> usize {
    screen::trace_icicle(state.width, state.height).height as usize
}

fn trace_icicle_width(state: &State) -> u16 {
    screen::trace_icicle(state.width, state.height).width
}

/// `i` in the waterfall: the icicle in its place, or the waterfall again.
pub(super) fn toggle_trace_icicle(state: &mut State) {
    let width = trace_icicle_width(state);
    let Some(view) = state.trace.as_mut() else {
        return;
    };
    if view.icicle.take().is_some() {
        return;
    }
    let Some(trace) = view.trace.clone() else {
        return;
    };
    view.icicle = Some(trace_icicle(&trace, width));
    follow_selection(state);
}

/// Keeps the selected span's frame on screen after the selection moved (`r`, `e`, `n`, …).
pub(super) fn follow_selection(state: &mut State) {
    let width = trace_icicle_width(state);
    let rows = trace_icicle_rows(state);
    let Some(view) = state.trace.as_mut() else {
        return;
    };
    let Some(trace) = view.trace.clone() else {
        return;
    };
    let selected = view.selected;
    let Some(icicle) = view.icicle.as_mut() else {
        return;
    };
    let node = selected as u32 + 1;
    let parent = trace
        .spans
        .get(selected)
        .and_then(|s| s.parent)
        .map(|p| p + 1);
    icicle.reveal(node, parent, width);
    icicle.keep_visible(node, rows);
}

/// Keys on the open trace's icicle; `None` leaves the key to the waterfall (details, copy,
/// `r`, search…), which shares the selection.
pub(super) fn on_trace_icicle_intent(state: &mut State, intent: Intent) -> Option<Vec<Command>> {
    let width = trace_icicle_width(state);
    let page = waterfall_page(state);
    let view = state.trace.as_mut()?;
    let icicle = view.icicle.as_mut()?;
    let node = view.selected as u32 + 1;
    let target = match intent {
        Intent::Up => icicle.parent_of(node).filter(|&n| n > 0),
        Intent::Down => icicle.child_of(node),
        Intent::FrameLeft => icicle.beside(node, false),
        Intent::FrameRight => icicle.beside(node, true),
        Intent::Open | Intent::ZoomIn | Intent::ToggleFold => {
            icicle.zoom_in(node, width);
            None
        }
        Intent::Close | Intent::ZoomOut => {
            if !icicle.zoom_out(width) {
                view.icicle = None;
            }
            None
        }
        Intent::ToggleIcicle => {
            view.icicle = None;
            None
        }
        Intent::SelectRow(_) | Intent::PageUp | Intent::PageDown => None,
        Intent::Top => Some(icicle.root().max(1)),
        _ => return None,
    };
    if let Some(node) = target {
        trace_view::select(view, node as usize - 1, page);
    }
    follow_selection(state);
    Some(Vec::new())
}

fn flame_rows(state: &State) -> usize {
    screen::flame_frames(state.width, state.height).height as usize
}

/// Keys on the listed traces' icicle.
pub(super) fn on_flame_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let width = screen::flame_frames(state.width, state.height).width;
    let rows = flame_rows(state);
    let Some(view) = state.analysis.flame.as_mut() else {
        if matches!(intent, Intent::Close | Intent::ToggleIcicle) {
            state.analysis.pending = None;
            state.screen = Screen::List;
        }
        return Vec::new();
    };
    let icicle = &mut view.icicle;
    let node = view.selected;
    let target = match intent {
        Intent::Up => icicle.parent_of(node),
        Intent::Down => icicle.child_of(node),
        Intent::FrameLeft => icicle.beside(node, false),
        Intent::FrameRight => icicle.beside(node, true),
        Intent::Top => Some(icicle.root()),
        Intent::ZoomIn => {
            icicle.zoom_in(node, width);
            None
        }
        Intent::Close | Intent::ZoomOut => {
            if !icicle.zoom_out(width) {
                state.screen = Screen::List;
            }
            None
        }
        Intent::ToggleIcicle => {
            state.screen = Screen::List;
            None
        }
        Intent::Open => return list_traces_with(state),
        _ => None,
    };
    if let Some(view) = state.analysis.flame.as_mut() {
        if let Some(node) = target {
            view.selected = node;
        }
        if view.icicle.frame_of(view.selected).is_none() {
            view.selected = view.icicle.root();
        }
        let selected = view.selected;
        view.icicle.keep_visible(selected, rows);
    }
    Vec::new()
}

/// Enter on a frame of the listed traces' icicle: the list narrowed to the traces that have
/// that path. No filter expression names trace ids, so the list narrows itself.
fn list_traces_with(state: &mut State) -> Vec<Command> {
    let Some(view) = state.analysis.flame.as_ref() else {
        return Vec::new();
    };
    let node = view.selected as usize;
    let Some(path) = view.aggregate.paths.get(node) else {
        return Vec::new();
    };
    let ids: HashSet<String> = path
        .traces
        .iter()
        .filter_map(|&t| view.aggregate.trace_ids.get(t as usize).cloned())
        .collect();
    let label = if node == 0 {
        path.operation.clone()
    } else {
        view.aggregate.path_text(node)
    };
    let label = crate::text::clean(&label).into_owned();
    let count = ids.len();
    narrow_to_ids(state, label.clone(), ids);
    let clear = state.key_label(Context::List, Intent::ClearFilter);
    info(
        state,
        format!(
            "the {count} traces through {label}, narrowed by id (no filter names trace ids); {clear} lists all"
        ),
    );
    Vec::new()
}

/// Keeps only the listed traces with these ids, until the filter is cleared or changed.
pub(super) fn narrow_to_ids(state: &mut State, label: String, ids: HashSet<String>) {
    state.list.narrowed = Some(Narrowed { label, ids });
    apply_narrowing(state);
    state.list.cursor = Default::default();
    summaries::sort(state, None);
    state.screen = Screen::List;
}

/// Leaves out of the list the traces a narrowing does not keep.
pub(super) fn apply_narrowing(state: &mut State) {
    let list = &mut state.list;
    let Some(narrowed) = &list.narrowed else {
        return;
    };
    list.summaries.retain(|s| narrowed.ids.contains(&s.id));
    list.counts = crate::app::state::Counts::of(&list.summaries);
}

/// Lays the icicles out again for a new terminal size.
pub(super) fn relayout(state: &mut State) {
    let trace_width = trace_icicle_width(state);
    let flame_width = screen::flame_frames(state.width, state.height).width;
    if let Some(icicle) = state.trace.as_mut().and_then(|v| v.icicle.as_mut()) {
        icicle.relayout(trace_width);
    }
    if let Some(view) = state.analysis.flame.as_mut() {
        view.icicle.relayout(flame_width);
    }
    follow_selection(state);
}
