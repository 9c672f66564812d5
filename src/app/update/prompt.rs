//! Keys typed into the prompt, and what each kind of prompt does on Enter.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::action::{Command, Intent};
use super::super::cursor::Cursor;
use super::super::keymap::Context;
use super::super::overlay::Overlay;
use super::super::state::{Hint, Prompt, PromptPurpose, State};
use super::{
    complete, error, filters, info, list_search, map, summaries, trace, trace_view, waterfall_page,
};
use crate::filter::span_query::QueryError;
use crate::source::TimeRange;

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    let Some(Overlay::Prompt(prompt)) = state.overlay.as_mut() else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            let purpose = prompt.purpose;
            state.overlay = None;
            if purpose == PromptPurpose::Search
                && let Some(view) = state.trace.as_mut()
            {
                let _ = trace_view::set_search(view, "");
            }
            return Vec::new();
        }
        KeyCode::Enter => {
            let prompt = std::mem::take(prompt);
            state.overlay = None;
            return submit(state, prompt);
        }
        KeyCode::Char('u') if ctrl => prompt.clear(),
        KeyCode::Char('c') if ctrl => {
            state.overlay = None;
            return Vec::new();
        }
        KeyCode::Char(c) if !ctrl => prompt.insert(c),
        KeyCode::Backspace => prompt.backspace(),
        KeyCode::Delete => prompt.delete(),
        KeyCode::Left => prompt.cursor = prompt.cursor.saturating_sub(1),
        KeyCode::Right => prompt.cursor = (prompt.cursor + 1).min(prompt.text.chars().count()),
        KeyCode::Home => prompt.cursor = 0,
        KeyCode::End => prompt.cursor = prompt.text.chars().count(),
        KeyCode::Up | KeyCode::Down if prompt.purpose == PromptPurpose::Filter => {
            let history = &state.filter_history;
            if history.is_empty() {
                return Vec::new();
            }
            let at = match (key.code, prompt.history_at) {
                (KeyCode::Up, None) => Some(history.len() - 1),
                (KeyCode::Up, Some(at)) => Some(at.saturating_sub(1)),
                (_, Some(at)) if at + 1 < history.len() => Some(at + 1),
                _ => None,
            };
            prompt.history_at = at;
            prompt.set_text(at.map(|at| history[at].clone()).unwrap_or_default());
        }
        KeyCode::Tab if prompt.purpose == PromptPurpose::Filter => {
            let mut edited = prompt.clone();
            complete::complete(state, &mut edited);
            state.overlay = Some(Overlay::Prompt(edited));
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    let all_spans = state.list.all_spans;
    if let Some(prompt) = state.prompt_mut()
        && prompt.purpose == PromptPurpose::Filter
    {
        prompt.hint = filters::hint(&prompt.text, all_spans);
    }
    if let Some(prompt) = state.prompt_mut() {
        if prompt.purpose == PromptPurpose::TraceId {
            prompt.hint = Some(trace_id_hint(&prompt.text));
        } else if pasted_trace_id(prompt).is_some() {
            // Offered rather than taken for a filter, a search or a name.
            prompt.hint = Some(trace_id_hint(&prompt.text));
        } else if prompt.purpose == PromptPurpose::ListSearch {
            prompt.hint = crate::filter::span_query::parse(&prompt.text)
                .err()
                .map(search_hint);
        }
    }
    // Search as you type.
    if let Some(prompt) = state.prompt()
        && prompt.purpose == PromptPurpose::Search
    {
        let page = waterfall_page(state);
        let query = prompt.text.clone();
        if let Some(view) = state.trace.as_mut() {
            let result = trace_view::set_search(view, &query);
            if let Some(prompt) = state.prompt_mut() {
                prompt.hint = result.err().map(search_hint);
            }
            let Some(view) = state.trace.as_mut() else {
                return Vec::new();
            };
            if view
                .search
                .as_ref()
                .is_some_and(|s| s.matches.binary_search(&(view.selected as u32)).is_err())
            {
                trace_view::next_match(view, true, page);
            }
        }
    }
    Vec::new()
}

/// What the prompt says of a text that is a trace id, or of one that should be.
pub(super) fn trace_id_hint(text: &str) -> Hint {
    let (text, error) = match crate::model::trace_id::normalize(text) {
        Some(id) => (format!("trace id {id}: Enter opens it"), false),
        None if text.trim().is_empty() => (
            "paste an X-Ray id (1-hex8-hex24) or a W3C id (32 hex digits)".into(),
            false,
        ),
        None => (
            "not a trace id: X-Ray is 1-hex8-hex24, W3C 32 hex digits".into(),
            true,
        ),
    };
    Hint {
        text,
        column: None,
        error,
    }
}

/// A trace id pasted into a prompt (but the file name of a save) is a trace to open.
fn pasted_trace_id(prompt: &Prompt) -> Option<String> {
    (prompt.purpose != PromptPurpose::SavePath)
        .then(|| crate::model::trace_id::normalize(&prompt.text))
        .flatten()
}

fn submit(state: &mut State, prompt: Prompt) -> Vec<Command> {
    if let Some(id) = pasted_trace_id(&prompt) {
        if prompt.purpose == PromptPurpose::Search
            && let Some(view) = state.trace.as_mut()
        {
            let _ = trace_view::set_search(view, "");
        }
        return trace::open(state, id);
    }
    match prompt.purpose {
        PromptPurpose::TraceId => {
            // Not a trace id (one would have opened above): the prompt stays open on it.
            state.overlay = Some(Overlay::Prompt(Prompt {
                hint: Some(trace_id_hint(&prompt.text)),
                ..prompt
            }));
            Vec::new()
        }
        PromptPurpose::FindNode => map::find_node(state, &prompt.text),
        PromptPurpose::ListSearch => list_search::submit(state, prompt),
        PromptPurpose::Filter => {
            let text = prompt.text.trim().to_owned();
            if let Some(hint) = filters::hint(&text, state.list.all_spans) {
                // Not applied: the bar stays open on the mistake.
                state.overlay = Some(Overlay::Prompt(Prompt {
                    hint: Some(hint),
                    ..prompt
                }));
                return Vec::new();
            }
            state.list.filter = (!text.is_empty()).then(|| text.clone());
            state.list.only = None;
            state.list.cursor = Cursor::default();
            let mut commands = summaries::load(state);
            if !text.is_empty() {
                state.filter_history.retain(|h| *h != text);
                state.filter_history.push(text.clone());
                commands.push(Command::RememberFilter(text));
            }
            commands
        }
        PromptPurpose::Group => {
            let name = prompt.text.trim();
            if let Some(refusal) = unknown_group(state, name) {
                // Not applied: the prompt stays open, saying which groups there are.
                state.overlay = Some(Overlay::Prompt(Prompt {
                    hint: Some(Hint {
                        text: refusal,
                        column: None,
                        error: true,
                    }),
                    ..prompt
                }));
                return Vec::new();
            }
            state.group = (!name.is_empty()).then(|| name.to_owned());
            state.list.cursor = Cursor::default();
            state.map = None;
            let text = match &state.group {
                Some(group) => format!("showing group {group}"),
                None => "showing every trace (no group)".to_owned(),
            };
            info(state, text);
            summaries::load(state)
        }
        PromptPurpose::TimeRange => match TimeRange::parse(&prompt.text) {
            Ok(range) => {
                state.range = range;
                state.list.cursor = Cursor::default();
                // A map of another time is another map.
                state.map = None;
                info(state, format!("showing {}", range.label()));
                summaries::load(state)
            }
            Err(message) => {
                state.overlay = Some(Overlay::Prompt(Prompt {
                    hint: Some(Hint {
                        text: message,
                        column: None,
                        error: true,
                    }),
                    ..prompt
                }));
                Vec::new()
            }
        },
        PromptPurpose::Search => {
            let page = waterfall_page(state);
            let next = state.key_label(Context::Trace, Intent::NextMatch);
            let previous = state.key_label(Context::Trace, Intent::PreviousMatch);
            let only = state.key_label(Context::Trace, Intent::ToggleOnlyMatches);
            if let Some(view) = state.trace.as_mut() {
                if let Err(error) = trace_view::set_search(view, &prompt.text) {
                    // Not searched: the prompt stays open on the mistake.
                    state.overlay = Some(Overlay::Prompt(Prompt {
                        hint: Some(search_hint(error)),
                        ..prompt
                    }));
                    return Vec::new();
                }
                let count = view.search.as_ref().map_or(0, |s| s.matches.len());
                if view.search.is_some() {
                    trace_view::next_match(view, true, page);
                    let text = match count {
                        0 => format!("no span matches \"{}\"", prompt.text),
                        1 => format!("1 span matches; {only} shows only it"),
                        n => format!(
                            "{n} spans match; {next}/{previous} next/previous, {only} shows only them"
                        ),
                    };
                    info(state, text);
                }
            }
            Vec::new()
        }
        PromptPurpose::SavePath => {
            let path = prompt.text.trim().to_owned();
            let Some(trace) = state.trace.as_ref().and_then(|v| v.trace.clone()) else {
                return Vec::new();
            };
            if path.is_empty() {
                error(state, "not saved: no file name given");
                return Vec::new();
            }
            vec![Command::Save {
                path,
                contents: trace::saved_trace_json(&trace),
            }]
        }
    }
}

/// Why `name` is not a group of the source, when the source said which groups it has.
fn unknown_group(state: &State, name: &str) -> Option<String> {
    let known = state.known_groups.as_ref()?;
    if name.is_empty() || known.iter().any(|group| group == name) {
        return None;
    }
    let source = &state.source_label;
    Some(if known.is_empty() {
        format!("{source} has no groups; an empty name means every trace")
    } else {
        format!(
            "no group \"{name}\" in {source}; groups: {}",
            known.join(", ")
        )
    })
}

/// A search query's mistake under the prompt, pointing at its column.
pub(super) fn search_hint(error: QueryError) -> Hint {
    Hint {
        text: error.message,
        column: Some(error.column),
        error: true,
    }
}

/// The X-Ray groups there are, as a hint under the group prompt.
pub(super) fn on_groups_loaded(
    state: &mut State,
    result: Result<Vec<String>, String>,
) -> Vec<Command> {
    let source = state.source_label.clone();
    if let Ok(groups) = &result {
        state.known_groups = Some(groups.clone());
    }
    if let Some(prompt) = state
        .prompt_mut()
        .filter(|p| p.purpose == PromptPurpose::Group)
    {
        prompt.hint = Some(match result {
            Ok(groups) if groups.is_empty() => Hint {
                text: format!("{source} has no groups"),
                column: None,
                error: false,
            },
            Ok(groups) => Hint {
                text: format!("groups: {}", groups.join(", ")),
                column: None,
                error: false,
            },
            Err(message) => Hint {
                text: message,
                column: None,
                error: true,
            },
        });
    }
    Vec::new()
}
