//! The list's `/`: the traces that have a span the query matches. What the X-Ray filter
//! language can say narrows the list's filter; the rest is searched in the worker over the
//! loaded traces, and the list shows those found.

use std::collections::HashSet;

use super::super::action::{Command, RequestId, SpanSearchResult};
use super::super::cursor::Cursor;
use super::super::overlay::Overlay;
use super::super::state::{ListSpanSearch, Prompt, PromptPurpose, State};
use super::{error, filters, info, open as open_overlay, prompt, summaries};
use crate::filter::span_query;

/// At most this many loaded traces are searched locally, newest first.
pub const LOCAL_SEARCH_TRACES: usize = 500;

pub(super) fn open(state: &mut State) {
    let text = state
        .list
        .span_search
        .as_ref()
        .map(|s| s.query.clone())
        .unwrap_or_default();
    open_overlay(
        state,
        Overlay::Prompt(Prompt::new(PromptPurpose::ListSearch, text)),
    );
}

pub(super) fn submit(state: &mut State, entered: Prompt) -> Vec<Command> {
    let text = entered.text.trim().to_owned();
    let query = match span_query::parse(&text) {
        Ok(query) => query,
        Err(mistake) => {
            state.overlay = Some(Overlay::Prompt(Prompt {
                hint: Some(prompt::search_hint(mistake)),
                ..entered
            }));
            return Vec::new();
        }
    };
    let was_searching = state.list.span_search.take().is_some();
    if query.is_empty() {
        if was_searching {
            show_all(state);
            info(state, "span search cleared: every loaded trace is listed");
        }
        return Vec::new();
    }
    if was_searching {
        show_all(state);
    }
    if let Some(expr) = span_query::to_filter(&query) {
        let added = expr.to_string();
        let combined =
            crate::filter::compose::and(state.list.filter.as_deref(), &added).unwrap_or(added);
        let mut commands = filters::apply(state, combined.clone());
        info(state, format!("X-Ray lists the traces: filter {combined}"));
        commands.retain(|c| !matches!(c, Command::RememberFilter(_)));
        commands.push(Command::RememberFilter(combined));
        return commands;
    }
    let ids: Vec<String> = state
        .list
        .order
        .iter()
        .filter_map(|&i| state.list.summaries.get(i as usize))
        .take(LOCAL_SEARCH_TRACES)
        .map(|s| s.id.clone())
        .collect();
    if ids.is_empty() {
        error(state, "no loaded traces to search");
        return Vec::new();
    }
    let request = state.new_request();
    state.list.span_search = Some(ListSpanSearch {
        query: text.clone(),
        request,
        matching: None,
        searched: 0,
    });
    info(
        state,
        format!(
            "the filter language cannot say \"{text}\": searching {} loaded traces locally…",
            ids.len()
        ),
    );
    vec![Command::SearchSpans {
        request,
        ids,
        query: text,
    }]
}

/// Every loaded trace listed again, in the list's order.
fn show_all(state: &mut State) {
    let keep = state.list.selected_summary().map(|s| s.id.clone());
    summaries::sort(state, keep.as_deref());
}

pub(super) fn on_done(
    state: &mut State,
    request: RequestId,
    result: Result<SpanSearchResult, String>,
) -> Vec<Command> {
    let Some(search) = state
        .list
        .span_search
        .as_mut()
        .filter(|s| s.request == request)
    else {
        return Vec::new();
    };
    match result {
        Ok(found) => {
            let query = search.query.clone();
            let count = found.matching.len();
            search.searched = found.searched;
            search.matching = Some(found.matching.into_iter().collect::<HashSet<_>>());
            state.list.cursor = Cursor::default();
            summaries::sort(state, None);
            info(
                state,
                format!(
                    "{count} traces have a span matching \"{query}\" (searched {} loaded traces locally)",
                    found.searched
                ),
            );
        }
        Err(message) => {
            state.list.span_search = None;
            error(state, format!("span search failed: {message}"));
        }
    }
    Vec::new()
}

/// Whether the list shows this trace while a local span search is on.
pub(super) fn keeps(search: Option<&ListSpanSearch>, id: &str) -> bool {
    search
        .and_then(|s| s.matching.as_ref())
        .is_none_or(|matching| matching.contains(id))
}
