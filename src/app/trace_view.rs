//! The waterfall's operations on [`TraceView`]: visible rows, folding, jumps, the critical
//! path, search and zoom. Pure functions of the view and its trace; every one is linear or
//! better in the number of spans, and none recurses.

use std::sync::Arc;

use crate::filter::span_query::{self, QueryError};
use crate::model::{Span, Status, Trace};

use super::cursor::{Cursor, Step};
use super::details::{self, Tab};
use super::state::{Search, TraceView};

pub fn load(view: &mut TraceView, trace: Arc<Trace>) {
    view.folded = vec![false; trace.spans.len()];
    view.trace = Some(trace);
    view.selected = 0;
    view.offset = 0;
    view.search = None;
    view.critical = None;
    view.zoom.clear();
    rebuild_rows(view);
    refresh_details(view);
}

/// Shows a newer version of the same trace (more documents arrived), keeping the user's
/// place: the selected span, folds, search, critical path, zoom, tab and screen row.
pub fn reload(view: &mut TraceView, trace: Arc<Trace>) {
    let Some(old) = view.trace.clone() else {
        return load(view, trace);
    };
    let selected_id = old.spans.get(view.selected).map(|s| s.id().to_owned());
    let screen_row = view.selected_row().saturating_sub(view.offset);
    let folded: std::collections::HashSet<&str> = old
        .spans
        .iter()
        .zip(&view.folded)
        .filter(|(_, folded)| **folded)
        .map(|(span, _)| span.id())
        .collect();
    view.folded = trace
        .spans
        .iter()
        .map(|s| folded.contains(s.id()))
        .collect();
    let search = view.search.take();
    let critical = view.critical.is_some();
    view.trace = Some(Arc::clone(&trace));
    view.selected = selected_id
        .and_then(|id| trace.spans.iter().position(|s| s.id() == id))
        .unwrap_or(0);
    view.critical = critical.then(|| critical_path(&trace));
    match search {
        Some(search) => {
            view.search = Some(Search {
                matches: Vec::new(),
                ..search.clone()
            });
            // It parsed when it was set.
            let _ = set_search(view, &search.query);
        }
        None => rebuild_rows(view),
    }
    view.offset = view.selected_row().saturating_sub(screen_row);
    refresh_details(view);
}

fn trace(view: &TraceView) -> Option<Arc<Trace>> {
    view.trace.clone()
}

/// Recomputes the visible rows after folding or search changed, keeping the selection on a
/// visible span (its nearest visible ancestor when it was hidden).
pub fn rebuild_rows(view: &mut TraceView) {
    let Some(trace) = trace(view) else { return };
    let spans = &trace.spans;
    let keep = view
        .search
        .as_ref()
        .filter(|s| s.only_matches)
        .map(|search| {
            let mut keep = vec![false; spans.len()];
            for &m in &search.matches {
                keep[m as usize] = true;
            }
            for i in (0..spans.len()).rev() {
                if keep[i]
                    && let Some(p) = spans[i].parent
                {
                    keep[p as usize] = true;
                }
            }
            keep
        });
    let mut rows = Vec::with_capacity(spans.len());
    let mut i = 0;
    while i < spans.len() {
        if keep.as_ref().is_some_and(|k| !k[i]) {
            i += spans[i].subtree_len as usize;
            continue;
        }
        rows.push(i as u32);
        i += if view.folded[i] {
            spans[i].subtree_len as usize
        } else {
            1
        };
    }
    view.rows = rows;
    if view.rows.binary_search(&(view.selected as u32)).is_err() {
        let mut candidate = Some(view.selected as u32);
        while let Some(c) = candidate {
            if view.rows.binary_search(&c).is_ok() {
                break;
            }
            candidate = spans.get(c as usize).and_then(|s| s.parent);
        }
        let fallback = view.rows.first().copied().unwrap_or(0);
        view.selected = candidate.unwrap_or(fallback) as usize;
        refresh_details(view);
    }
}

/// Rebuilds the details of the selected span.
pub fn refresh_details(view: &mut TraceView) {
    view.details = match &view.trace {
        Some(trace) if view.tab == Tab::Logs => {
            details::logs::lines(trace, view.selected, &view.logs.state)
        }
        Some(trace) => details::build(trace, view.selected, view.tab),
        None => Vec::new(),
    };
    view.details_scroll = 0;
}

/// Selects a span, unfolding whatever hides it, and keeps it on screen.
pub fn select(view: &mut TraceView, span: usize, page: usize) {
    let Some(trace) = trace(view) else { return };
    if span >= trace.spans.len() {
        return;
    }
    reveal(view, &trace, span);
    if view.selected != span {
        view.selected = span;
        refresh_details(view);
    }
    // A jump off screen puts its target mid-screen, with what surrounds it in view.
    let row = view.selected_row();
    if row < view.offset || row >= view.offset + page {
        view.offset = row.saturating_sub(page / 2);
    }
    scroll_to_selection(view, page);
}

/// Unfolds the ancestors of a span, and shows it even when only matches are shown.
fn reveal(view: &mut TraceView, trace: &Trace, span: usize) {
    let mut changed = false;
    let mut parent = trace.spans[span].parent;
    while let Some(p) = parent {
        changed |= std::mem::replace(&mut view.folded[p as usize], false);
        parent = trace.spans[p as usize].parent;
    }
    if let Some(search) = view.search.as_mut()
        && search.only_matches
        && search.matches.binary_search(&(span as u32)).is_err()
    {
        search.only_matches = false;
        changed = true;
    }
    if changed {
        rebuild_rows(view);
    }
}

/// The selected row and the first row shown.
fn cursor(view: &TraceView) -> Cursor {
    Cursor {
        selected: view.selected_row(),
        offset: view.offset,
    }
}

pub fn scroll_to_selection(view: &mut TraceView, page: usize) {
    let mut cursor = cursor(view);
    cursor.keep_visible(view.rows.len(), page);
    view.offset = cursor.offset;
}

/// Moves the selection among the rows shown.
pub fn move_rows(view: &mut TraceView, step: Step, page: usize) {
    let mut cursor = cursor(view);
    cursor.step(step, view.rows.len(), page);
    let Some(&span) = view.rows.get(cursor.selected) else {
        return;
    };
    if span as usize != view.selected {
        view.selected = span as usize;
        refresh_details(view);
    }
    view.offset = cursor.offset;
}

pub fn toggle_fold(view: &mut TraceView) {
    let Some(trace) = trace(view) else { return };
    if trace.spans[view.selected].subtree_len > 1 {
        view.folded[view.selected] ^= true;
        rebuild_rows(view);
    }
}

/// `h`: folds an open subtree, else goes to the parent.
pub fn fold_or_parent(view: &mut TraceView, page: usize) {
    let Some(trace) = trace(view) else { return };
    let span = &trace.spans[view.selected];
    if span.subtree_len > 1 && !view.folded[view.selected] {
        view.folded[view.selected] = true;
        rebuild_rows(view);
    } else if let Some(parent) = span.parent {
        select(view, parent as usize, page);
    }
}

/// `l`: unfolds a folded subtree, else goes to the first child.
pub fn unfold_or_child(view: &mut TraceView, page: usize) {
    let Some(trace) = trace(view) else { return };
    if view.folded[view.selected] {
        view.folded[view.selected] = false;
        rebuild_rows(view);
    } else if trace.spans[view.selected].subtree_len > 1 {
        select(view, view.selected + 1, page);
    }
}

/// Shows `depth` levels: spans at that depth and deeper are folded. 0 unfolds everything.
pub fn fold_to_depth(view: &mut TraceView, depth: u32) {
    let Some(trace) = trace(view) else { return };
    for (i, span) in trace.spans.iter().enumerate() {
        view.folded[i] = depth > 0 && span.depth + 1 >= depth && span.subtree_len > 1;
    }
    rebuild_rows(view);
}

/// What a folded span hides: how many spans, and the worst status among them.
pub fn hidden(trace: &Trace, index: usize) -> (usize, Status) {
    let span = &trace.spans[index];
    let inside = &trace.spans[index + 1..index + span.subtree_len as usize];
    (
        inside.len(),
        inside.iter().map(Span::status).max().unwrap_or_default(),
    )
}

/// What `r` goes to: the faults' root causes, or when nothing faulted, the errors' and
/// throttles' (an erroring or throttled span none of whose children errs or is throttled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CauseKind {
    Fault,
    /// An error, a throttle, or both among the causes.
    Error,
    Throttle,
}

impl CauseKind {
    pub fn label(self) -> &'static str {
        match self {
            CauseKind::Fault => "fault",
            CauseKind::Error => "error",
            CauseKind::Throttle => "throttle",
        }
    }
}

/// The root causes `r` steps through, deepest first, and what kind they are: X-Ray's root
/// causes of the fault, else those of the errors and throttles.
pub fn root_causes(trace: &Trace) -> (Vec<usize>, CauseKind) {
    use crate::model::root_cause;
    let mut causes = root_cause::fault_root_causes(trace);
    let mut kind = CauseKind::Fault;
    if causes.is_empty() {
        causes = root_cause::error_root_causes(trace);
        let throttled_only = causes.iter().all(|&c| {
            let segment = &trace.spans[c].segment;
            segment.throttle && !segment.error
        });
        kind = if throttled_only && !causes.is_empty() {
            CauseKind::Throttle
        } else {
            CauseKind::Error
        };
    }
    causes.sort_by(|&a, &b| {
        trace.spans[b]
            .depth
            .cmp(&trace.spans[a].depth)
            .then(a.cmp(&b))
    });
    (causes, kind)
}

/// The root cause to show after `selected`: the deepest first, then the next one each time.
/// Returns the span, its 1-based position, how many there are, and of what.
pub fn next_root_cause(trace: &Trace, selected: usize) -> Option<(usize, usize, usize, CauseKind)> {
    let (causes, kind) = root_causes(trace);
    let next = causes
        .iter()
        .position(|&c| c == selected)
        .map_or(0, |at| (at + 1) % causes.len());
    causes
        .get(next)
        .map(|&span| (span, next + 1, causes.len(), kind))
}

pub fn parent(view: &mut TraceView, page: usize) {
    let Some(trace) = trace(view) else { return };
    if let Some(parent) = trace.spans[view.selected].parent {
        select(view, parent as usize, page);
    }
}

/// The next span (in table order, wrapping) whose status is not ok.
pub fn next_problem(view: &mut TraceView, forward: bool, page: usize) -> bool {
    let Some(trace) = trace(view) else {
        return false;
    };
    let n = trace.spans.len();
    let found = (1..n)
        .map(|step| {
            if forward {
                (view.selected + step) % n
            } else {
                (view.selected + n - step) % n
            }
        })
        .find(|&i| trace.spans[i].status() != Status::Ok);
    match found {
        Some(span) => {
            select(view, span, page);
            true
        }
        None => false,
    }
}

/// The spans that determine the trace's end-to-end time: from the root, walking back from
/// each span's end through the child that finished last before it, then the child that
/// finished last before that one started, and so on.
pub fn critical_path(trace: &Trace) -> Vec<bool> {
    let spans = &trace.spans;
    let mut on_path = vec![false; spans.len()];
    let end_of = |i: usize| {
        spans[i]
            .end()
            .unwrap_or_else(|| trace.end().unwrap_or(spans[i].start()))
    };
    let Some(root) = (0..spans.len())
        .filter(|&i| spans[i].parent.is_none())
        .max_by(|&a, &b| end_of(a).total_cmp(&end_of(b)))
    else {
        return on_path;
    };
    let mut stack = vec![(root, end_of(root))];
    let mut children: Vec<usize> = Vec::new();
    while let Some((index, until)) = stack.pop() {
        on_path[index] = true;
        children.clear();
        children.extend(trace.children(index));
        children.sort_by(|&a, &b| end_of(b).total_cmp(&end_of(a)));
        let start = spans[index].start();
        let mut time = until.min(end_of(index));
        for &child in &children {
            let end = end_of(child);
            if end <= time + 1e-9 && end > start {
                stack.push((child, end));
                time = spans[child].start();
            }
        }
    }
    on_path
}

pub fn toggle_critical_path(view: &mut TraceView) -> bool {
    let Some(trace) = trace(view) else {
        return false;
    };
    view.critical = match view.critical {
        Some(_) => None,
        None => Some(critical_path(&trace)),
    };
    view.critical.is_some()
}

/// Sets the search query (words, phrases and `key=value` terms, see
/// [`crate::filter::span_query`]); an empty query clears the search. A query that does not
/// parse clears it too and comes back as the error, with its column.
pub fn set_search(view: &mut TraceView, query: &str) -> Result<(), QueryError> {
    let Some(trace) = trace(view) else {
        return Ok(());
    };
    let parsed = match span_query::parse(query) {
        Ok(parsed) => parsed,
        Err(error) => {
            view.search = None;
            rebuild_rows(view);
            return Err(error);
        }
    };
    if parsed.is_empty() {
        view.search = None;
        rebuild_rows(view);
        return Ok(());
    }
    let needle = query.to_lowercase();
    let mut matches: Vec<u32> = (0..trace.spans.len())
        .filter(|&i| span_query::matches(&parsed, &trace, i))
        .map(|i| i as u32)
        .collect();
    if let Some(logs) = view.logs.loaded() {
        matches.extend(
            logs.lines
                .iter()
                .zip(&logs.spans)
                .filter(|(line, _)| line.message.to_lowercase().contains(&needle))
                .filter_map(|(_, span)| *span),
        );
        matches.sort_unstable();
        matches.dedup();
    }
    let only_matches = view.search.as_ref().is_some_and(|s| s.only_matches);
    view.search = Some(Search {
        query: query.to_owned(),
        matches,
        only_matches,
    });
    rebuild_rows(view);
    Ok(())
}

/// The trace's log lines came: the search looks in them too, and the Logs tab shows them.
pub fn logs_arrived(view: &mut TraceView) {
    match view.search.as_ref().map(|s| s.query.clone()) {
        Some(query) => {
            // The query was taken when it was typed; it still parses.
            let _ = set_search(view, &query);
        }
        None => refresh_details(view),
    }
    let scroll = view.details_scroll;
    refresh_details(view);
    view.details_scroll = scroll.min(view.details.len().saturating_sub(1));
}

/// Whether a log line matches the current search.
pub fn log_matches(view: &TraceView, message: &str) -> bool {
    view.search
        .as_ref()
        .is_some_and(|s| message.to_lowercase().contains(&s.query.to_lowercase()))
}

/// Jumps to the next (or previous) match after the selection, wrapping.
pub fn next_match(view: &mut TraceView, forward: bool, page: usize) -> bool {
    let Some(search) = &view.search else {
        return false;
    };
    let matches = &search.matches;
    if matches.is_empty() {
        return false;
    }
    let current = view.selected as u32;
    let target = if forward {
        let at = matches.partition_point(|&m| m <= current);
        matches[at % matches.len()]
    } else {
        let at = matches.partition_point(|&m| m < current);
        matches[(at + matches.len() - 1) % matches.len()]
    };
    select(view, target as usize, page);
    true
}

pub fn toggle_only_matches(view: &mut TraceView) -> bool {
    let Some(search) = view.search.as_mut() else {
        return false;
    };
    search.only_matches ^= true;
    rebuild_rows(view);
    true
}

/// The time window the axis shows: the zoom, or the whole trace.
pub fn window(view: &TraceView, trace: &Trace) -> (f64, f64) {
    match view.zoom.last() {
        Some(&window) => window,
        None => {
            let start = trace.start().unwrap_or(0.0);
            (start, trace.end().unwrap_or(start))
        }
    }
}

/// Zooms the axis to the selected span's time.
pub fn zoom_in(view: &mut TraceView) -> bool {
    let Some(trace) = trace(view) else {
        return false;
    };
    let span = &trace.spans[view.selected];
    let end = span
        .end()
        .unwrap_or_else(|| trace.end().unwrap_or(span.start()));
    if end <= span.start() || view.zoom.last() == Some(&(span.start(), end)) {
        return false;
    }
    view.zoom.push((span.start(), end));
    true
}

pub fn zoom_out(view: &mut TraceView) -> bool {
    view.zoom.pop().is_some()
}

pub fn set_tab(view: &mut TraceView, tab: Tab) {
    view.tab = tab;
    refresh_details(view);
}
