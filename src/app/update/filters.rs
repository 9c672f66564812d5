//! Filters the list by: the filter bar, the quick filters that add to it, and the drill-downs
//! of the analytics views. Expressions are combined as parsed trees, never as strings.

use super::super::action::{Command, Intent};
use super::super::analytics;
use super::super::cursor::Cursor;
use super::super::keymap::Context;
use super::super::overlay::Overlay;
use super::super::state::{DrillBack, Hint, OnlyTraces, Prompt, PromptPurpose, Screen, State};
use super::{info, open, summaries};
use crate::filter::quote;

pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    match intent {
        Intent::Filter => {
            let text = state.list.filter.clone().unwrap_or_default();
            open_prompt(state, text);
        }
        Intent::ClearFilter => {
            // The filter and any narrowing by trace ids first; with none, the group.
            let narrowed = state.list.narrowed.take().is_some();
            let only = state.list.only.take().is_some();
            if state.list.filter.take().is_some() || narrowed || only {
                info(state, "filter cleared");
                return summaries::load(state);
            }
            if let Some(group) = state.group.take() {
                state.list.cursor = Cursor::default();
                state.map = None;
                info(state, format!("group {group} cleared: showing every trace"));
                return summaries::load(state);
            }
            info(state, "no filter or group to clear");
        }
        Intent::FilterBand => match analytics::band_filter(state) {
            Some(expression) if state.analytics.histogram_shown => {
                let text = and_with_current(state.list.filter.as_deref(), expression);
                open_prompt(state, text);
            }
            _ => {
                let show = state.key_label(Context::List, Intent::ToggleHistogram);
                let faster = state.key_label(Context::List, Intent::BandFaster);
                let slower = state.key_label(Context::List, Intent::BandSlower);
                info(
                    state,
                    format!(
                        "no band selected: {show} shows the histogram, {faster} and {slower} pick a band"
                    ),
                )
            }
        },
        _ => match quick_filter(state, intent) {
            // Applied at once, as the map's drill-downs are; Esc goes back.
            Some(expression) => {
                let commands = drill_down(state, expression);
                let back = state.key_label(Context::List, Intent::Close);
                let edit = state.key_label(Context::List, Intent::Filter);
                let filter = state.list.filter.clone().unwrap_or_default();
                info(
                    state,
                    format!("filter: {filter} · {back} goes back, {edit} edits it"),
                );
                return commands;
            }
            None => info(
                state,
                "the selected trace has nothing to filter on for that",
            ),
        },
    }
    Vec::new()
}

/// Lists the traces `filter` selects, from the top, and remembers it.
pub(super) fn apply(state: &mut State, filter: String) -> Vec<Command> {
    state.list.filter = Some(filter.clone());
    state.list.narrowed = None;
    state.list.only = None;
    state.screen = Screen::List;
    state.list.cursor = Cursor::default();
    let mut commands = summaries::load(state);
    commands.push(Command::RememberFilter(filter));
    commands
}

/// `current AND expression` (see [`crate::filter::compose::and`]). A current filter that does
/// not parse is given back as it is, for the prompt to point at its mistake.
fn and_with_current(current: Option<&str>, expression: String) -> String {
    crate::filter::compose::and(current, &expression)
        .unwrap_or_else(|_| current.map_or(expression, str::to_owned))
}

/// A drill-down from the screen shown: narrows the current filter by `expression` (at once),
/// and remembers the way back for `Esc` in the list.
pub(super) fn drill_down(state: &mut State, expression: String) -> Vec<Command> {
    let back = DrillBack {
        screen: state.screen,
        filter: state.list.filter.clone(),
        only: state.list.only.clone(),
    };
    let combined = and_with_current(state.list.filter.as_deref(), expression);
    let commands = apply(state, combined);
    state.list.back = Some(back);
    commands
}

/// Goes back to where the last drill-down came from, with the list as it was then.
pub(super) fn go_back(state: &mut State) -> Vec<Command> {
    let Some(back) = state.list.back.take() else {
        return Vec::new();
    };
    state.list.filter = back.filter;
    state.list.cursor = Cursor::default();
    let commands = summaries::load(state);
    state.list.only = back.only;
    state.screen = back.screen;
    commands
}

/// Narrows the list to a group by adding its filter to the current one.
pub(super) fn narrow_to_group(
    state: &mut State,
    label: &str,
    filter: Option<String>,
    exact: bool,
    ids: &[String],
) -> Vec<Command> {
    let Some(expression) = filter else {
        info(
            state,
            format!(
                "no filter expression lists just “{}”",
                crate::text::clean(label)
            ),
        );
        return Vec::new();
    };
    let commands = drill_down(state, expression.clone());
    if !exact && !ids.is_empty() {
        // The filter lists a few more: the list keeps to the group's own traces.
        state.list.only = Some(OnlyTraces {
            label: label.to_owned(),
            ids: ids.iter().cloned().collect(),
        });
        info(
            state,
            format!(
                "listing the group's {} traces: the filter {expression} alone lists a few more",
                ids.len()
            ),
        );
    } else if !exact {
        info(
            state,
            format!("closest filter, may list a few more: {expression}"),
        );
    }
    commands
}

pub(super) fn open_prompt(state: &mut State, text: String) {
    let mut prompt = Prompt::new(PromptPurpose::Filter, text);
    prompt.hint = hint(&prompt.text, state.list.all_spans);
    open(state, Overlay::Prompt(prompt));
}

/// The expression a quick-filter key writes for the selected trace.
fn quick_filter(state: &State, intent: Intent) -> Option<String> {
    if intent == Intent::QuickFaults {
        return Some("fault".into());
    }
    let summary = state.list.selected_summary()?;
    match intent {
        Intent::QuickService => {
            let service = summary
                .entry_point
                .as_ref()
                .filter(|e| !e.name.is_empty())?;
            Some(format!("service({})", quote(&service.name)))
        }
        Intent::QuickUrl => summary
            .http
            .url
            .as_deref()
            .map(|url| format!("http.url = {}", quote(url))),
        Intent::QuickSlower => summary
            .response_time
            .map(|t| format!("responsetime > {}", (t * 1000.0).floor() / 1000.0)),
        _ => None,
    }
}

/// A parse error, pointing at its column, for the text typed so far; when the list searches
/// all spans, the first part a span cannot answer.
pub(super) fn hint(text: &str, all_spans: bool) -> Option<Hint> {
    if text.trim().is_empty() {
        return None;
    }
    let expr = match crate::filter::parse(text) {
        Ok(expr) => expr,
        Err(error) => {
            return Some(Hint {
                column: Some(error.column(text).saturating_sub(1)),
                text: error.message,
                error: true,
            });
        }
    };
    if !all_spans {
        return None;
    }
    let parts = crate::filter::insights::span_condition(&expr).err()?;
    let part = parts.first()?;
    Some(Hint {
        column: Some(part.column(text).saturating_sub(1)),
        text: format!(
            "all spans cannot be searched with {}: {}",
            part.what, part.why
        ),
        error: true,
    })
}
