//! The trace list's data: asking for summaries, receiving their pages, sorting them, and
//! fetching ahead around the selection.

use super::super::action::{Command, Intent, RequestId};
use super::super::analytics;
use super::super::cursor::Cursor;
use super::super::keymap::Context;
use super::super::state::{Counts, SortKey, State};
use super::{error, list, list_search, live};
use crate::model::TraceSummary;
use crate::source::SummaryPage;

/// Asks for the list again, as the filter, time range and group now say.
pub(super) fn load(state: &mut State) -> Vec<Command> {
    ask(state, false)
}

/// Asks for the list again, and the source for what it learned of where it reads from.
pub(super) fn reload(state: &mut State) -> Vec<Command> {
    ask(state, true)
}

fn ask(state: &mut State, reload: bool) -> Vec<Command> {
    let request = state.new_request();
    state.list.loading = true;
    state.list.request = Some(request);
    state.list.replace_on_next_page = true;
    vec![Command::LoadSummaries {
        request,
        filter: state.list.filter.clone(),
        range: state.range,
        group: state.group.clone(),
        follow: state.follow,
        all_spans: state.list.all_spans,
        reload,
    }]
}

/// A page of summaries for `request`, or why there are none.
pub(super) fn on_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<SummaryPage, String>,
) -> Vec<Command> {
    if state.list.request != Some(request) {
        return Vec::new();
    }
    match result {
        Ok(page) => {
            receive_page(state, page);
            analytics::refresh(state);
            let mut commands = super::super::insights::refresh(state);
            // Data that changed while the list loaded may have come too late for it.
            let live = &state.live;
            if !state.list.loading
                && !live.paused
                && live.latest_generation != live.shown_generation
            {
                commands.extend(live::refresh_live_views(state));
            }
            return commands;
        }
        Err(message) => {
            state.list.loading = false;
            state.list.request = None;
            state.list.scope = None;
            state.list.error = Some(message.clone());
            let reload = state.key_label(Context::List, Intent::Refresh);
            error(state, format!("{message} ({reload} reloads)"));
        }
    }
    Vec::new()
}

/// A page of summaries: the first of a request replaces the list, later ones add to it.
/// The selected trace stays selected on the same screen row, unless the selection was at the
/// top, where it stays to show the newest.
fn receive_page(state: &mut State, page: SummaryPage) {
    let list = &mut state.list;
    let at_top = list.cursor == Cursor::default();
    let keep = list.selected_summary().map(|s| s.id.clone());
    let screen_row = list.cursor.selected.saturating_sub(list.cursor.offset);
    let before = list.cursor.selected;
    if page.done {
        list.loading = false;
    }
    list.error = None;
    let replace = std::mem::take(&mut list.replace_on_next_page);
    if replace {
        list.scope = page.scope;
        list.counts = Counts::of(&page.summaries);
        list.summaries = page.summaries;
        list.processed = page.processed;
        super::analysis::apply_narrowing(state);
        sort(state, None);
    } else {
        if page.scope.is_some() {
            list.scope = page.scope;
        }
        list.counts.add(&Counts::of(&page.summaries));
        list.processed = match (list.processed, page.processed) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        let first_new = list.summaries.len();
        let narrowed = list.narrowed.as_ref();
        list.summaries.extend(
            page.summaries
                .into_iter()
                .filter(|s| narrowed.is_none_or(|n| n.ids.contains(&s.id))),
        );
        insert_sorted(state, first_new);
    }
    let list = &mut state.list;
    if !at_top
        && let Some(id) = keep
        && let Some(position) = list
            .order
            .iter()
            .position(|&i| list.summaries[i as usize].id == id)
    {
        list.cursor = Cursor {
            selected: position,
            offset: position.saturating_sub(screen_row),
        };
        list.new_above += position.saturating_sub(before);
    } else {
        list.cursor = Cursor::default();
        list.new_above = 0;
    }
    list::keep_selection_visible(state);
    if replace || !page.problems.is_empty() {
        // A bad configuration file is a problem to see like the others.
        let mut problems: Vec<String> = if replace {
            state.config_problem.iter().cloned().collect()
        } else {
            std::mem::take(&mut state.problems)
        };
        problems.extend(page.problems);
        state.problems = problems;
        if !state.problems.is_empty() {
            let n = state.problems.len();
            let (s, them) = if n == 1 { ("", "it") } else { ("s", "them") };
            let show = state.key_label(Context::Global, Intent::ToggleProblems);
            error(
                state,
                format!("{n} problem{s} while loading; press {show} to see {them}"),
            );
        }
    }
}

/// The order a list is shown in: compares two summaries by their indices.
fn order_of(
    summaries: &[TraceSummary],
    key: SortKey,
    descending: bool,
) -> impl Fn(&u32, &u32) -> std::cmp::Ordering + '_ {
    move |&a, &b| {
        let (a, b) = (&summaries[a as usize], &summaries[b as usize]);
        let ordering = key
            .compare(a, b)
            .then_with(|| b.start_time.total_cmp(&a.start_time));
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    }
}

/// Sorts the list, keeping the selected trace selected.
pub(super) fn sort(state: &mut State, keep: Option<&str>) {
    let list = &mut state.list;
    let search = list.span_search.as_ref();
    let mut order: Vec<u32> = (0..list.summaries.len() as u32)
        .filter(|&i| listed(list, i) && list_search::keeps(search, &list.summaries[i as usize].id))
        .collect();
    order.sort_by(order_of(&list.summaries, list.sort, list.descending));
    list.order = order;
    let summaries = &list.summaries;
    list.cursor.selected = keep
        .and_then(|id| {
            list.order
                .iter()
                .position(|&i| summaries[i as usize].id == id)
        })
        .unwrap_or(0);
    list::keep_selection_visible(state);
}

/// Merges summaries from `first_new` on into the sorted order, without sorting it all again.
fn insert_sorted(state: &mut State, first_new: usize) {
    let list = &mut state.list;
    let compare = order_of(&list.summaries, list.sort, list.descending);
    let search = list.span_search.as_ref();
    let mut new: Vec<u32> = (first_new as u32..list.summaries.len() as u32)
        .filter(|&i| listed(list, i) && list_search::keeps(search, &list.summaries[i as usize].id))
        .collect();
    new.sort_by(&compare);
    let mut merged = Vec::with_capacity(list.order.len() + new.len());
    let (mut old, mut new) = (list.order.iter().peekable(), new.into_iter().peekable());
    while let (Some(a), Some(b)) = (old.peek(), new.peek()) {
        if compare(b, a) == std::cmp::Ordering::Less {
            merged.push(*b);
            new.next();
        } else {
            merged.push(**a);
            old.next();
        }
    }
    merged.extend(old.copied());
    merged.extend(new);
    list.order = merged;
}

/// How many traces on each side of the selection to fetch ahead.
const PREFETCH_AROUND: usize = 4;

/// The traces next to the selection, so opening one of them is instant with a remote source.
pub(super) fn prefetch_around_selection(state: &State) -> Vec<Command> {
    let list = &state.list;
    let from = list.cursor.selected.saturating_sub(PREFETCH_AROUND);
    let ids: Vec<String> = (from..=list.cursor.selected + PREFETCH_AROUND)
        .filter_map(|position| list.row(position))
        .map(|summary| summary.id.clone())
        .collect();
    if ids.is_empty() {
        return Vec::new();
    }
    vec![Command::Prefetch(ids)]
}

/// Whether the summary at `index` is listed: all are, unless the list keeps to some traces.
fn listed(list: &crate::app::state::TraceList, index: u32) -> bool {
    list.only
        .as_ref()
        .is_none_or(|only| only.ids.contains(&list.summaries[index as usize].id))
}
