//! Keys on the waterfall of one trace, and the trace's loading.

use std::sync::Arc;

use super::super::action::{Command, Intent, RequestId};
use super::super::cursor::Step;
use super::super::details::Tab;
use super::super::keymap::Context;
use super::super::overlay::Overlay;
use super::super::state::{
    LogsState, Message, Prompt, PromptPurpose, Screen, Severity, State, TraceView,
};
use super::{analysis, diff, logs, map, open as open_overlay, trace_view, waterfall_page};
use crate::model::Trace;

pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    if let Some(commands) = analysis::on_trace_icicle_intent(state, intent) {
        return commands;
    }
    let mut commands = on_screen_intent(state, intent);
    analysis::follow_selection(state);
    commands.extend(logs::ensure(state));
    commands
}

fn on_screen_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let logs_open = state.trace.as_ref().is_some_and(|v| v.logs.open);
    if logs_open && let Some(step) = Step::of(intent, logs::page(state)) {
        logs::move_cursor(state, step);
        return Vec::new();
    }
    if let Some(step) = Step::of(intent, waterfall_page(state)) {
        move_selection(state, step);
        return Vec::new();
    }
    match intent {
        Intent::Close if logs_open => logs::close(state),
        Intent::Close => {
            close(state);
            Vec::new()
        }
        Intent::ToggleLogs => logs::toggle(state),
        Intent::ShowMap => map::show(state),
        Intent::ShowStatistics => {
            analysis::show_trace_statistics(state);
            Vec::new()
        }
        Intent::ToggleIcicle => {
            analysis::toggle_trace_icicle(state);
            Vec::new()
        }
        Intent::MarkDiff | Intent::DiffWithMarked | Intent::DiffWithTypical => {
            diff::on_trace_intent(state, intent)
        }
        Intent::SelectRow(row) => {
            select_row(state, row);
            Vec::new()
        }
        Intent::SelectTab(tab) => {
            select_tab(state, tab);
            Vec::new()
        }
        _ => on_loaded_trace_intent(state, intent),
    }
}

/// `Esc` goes back one step: a search is cleared first, then the trace is left.
fn close(state: &mut State) {
    let page = waterfall_page(state);
    if let Some(view) = state.trace.as_mut()
        && view.search.is_some()
    {
        let _ = trace_view::set_search(view, "");
        trace_view::scroll_to_selection(view, page);
        let key = state.key_label(Context::Trace, Intent::Close);
        state.message = Some(Message {
            text: format!("search cleared; {key} goes back to the list"),
            severity: Severity::Info,
        });
        return;
    }
    state.screen = Screen::List;
}

fn move_selection(state: &mut State, step: Step) {
    let page = waterfall_page(state);
    if let Some(view) = state.trace.as_mut() {
        trace_view::move_rows(view, step, page);
    }
}

/// Selects the span at a row of the waterfall (a click).
fn select_row(state: &mut State, position: usize) {
    let page = waterfall_page(state);
    if let Some(view) = state.trace.as_mut()
        && let Some(&span) = view.rows.get(view.offset + position)
    {
        trace_view::select(view, span as usize, page);
    }
}

/// Shows a tab of the details (a click on its title).
fn select_tab(state: &mut State, tab: Tab) {
    if let Some(view) = state.trace.as_mut() {
        trace_view::set_tab(view, tab);
    }
}

/// Keys that act on a trace once it has loaded.
fn on_loaded_trace_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let page = waterfall_page(state);
    let region = state.region.clone();
    let clipboard = state.clipboard;
    let root_cause_key = state.key_label(Context::Trace, Intent::RootCause);
    let zoom_out_key = state.key_label(Context::Trace, Intent::ZoomOut);
    let search_key = state.key_label(Context::Trace, Intent::Search);
    let Some(view) = state.trace.as_mut().filter(|v| v.trace.is_some()) else {
        return Vec::new();
    };
    let Some(trace) = view.trace.clone() else {
        return Vec::new();
    };
    let mut note: Option<(String, Severity)> = None;
    let mut commands = Vec::new();
    match intent {
        Intent::ToggleFold => trace_view::toggle_fold(view),
        Intent::FoldOrParent => trace_view::fold_or_parent(view, page),
        Intent::UnfoldOrChild => trace_view::unfold_or_child(view, page),
        Intent::FoldToDepth(depth) => {
            trace_view::fold_to_depth(view, u32::from(depth));
            trace_view::scroll_to_selection(view, page);
        }
        Intent::Parent => trace_view::parent(view, page),
        Intent::NextProblem | Intent::PreviousProblem => {
            let found = trace_view::next_problem(view, intent == Intent::NextProblem, page);
            note = (!found).then(|| {
                (
                    "no span has a fault, error or throttle".into(),
                    Severity::Info,
                )
            });
        }
        Intent::RootCause => match trace_view::next_root_cause(&trace, view.selected) {
            Some((span, position, count, kind)) => {
                trace_view::select(view, span, page);
                trace_view::set_tab(view, Tab::Exceptions);
                let which = if count > 1 {
                    let next = root_cause_key.clone();
                    format!(" ({position} of {count}; {next} for the next)")
                } else {
                    String::new()
                };
                let what = kind.label();
                note = Some((format!("root cause of the {what}{which}"), Severity::Info));
            }
            None => {
                note = Some((
                    "this trace has no fault, error or throttle".into(),
                    Severity::Info,
                ))
            }
        },
        Intent::ToggleCriticalPath => {
            let on = trace_view::toggle_critical_path(view);
            let text = if on {
                "critical path shown (◆)"
            } else {
                "critical path hidden"
            };
            note = Some((text.into(), Severity::Info));
        }
        Intent::ZoomIn => {
            let zoomed = trace_view::zoom_in(view);
            let name = trace.spans[view.selected].name();
            note = zoomed.then(|| {
                (
                    format!("zoomed to {name}; {zoom_out_key} zooms out"),
                    Severity::Info,
                )
            });
        }
        Intent::ZoomOut => {
            trace_view::zoom_out(view);
        }
        Intent::Search => {
            let text = view
                .search
                .as_ref()
                .map(|s| s.query.clone())
                .unwrap_or_default();
            open_overlay(
                state,
                Overlay::Prompt(Prompt::new(PromptPurpose::Search, text)),
            );
            return Vec::new();
        }
        Intent::NextMatch | Intent::PreviousMatch => {
            if view.search.is_none() {
                note = Some((
                    format!("no search: press {search_key} to search"),
                    Severity::Info,
                ));
            } else if !trace_view::next_match(view, intent == Intent::NextMatch, page) {
                note = Some(("no span matches".into(), Severity::Info));
            }
        }
        Intent::ToggleOnlyMatches => {
            if !trace_view::toggle_only_matches(view) {
                note = Some((
                    format!("no search: press {search_key} to search"),
                    Severity::Info,
                ));
            }
            trace_view::scroll_to_selection(view, page);
        }
        Intent::NextTab => trace_view::set_tab(view, view.tab.next()),
        Intent::PreviousTab => trace_view::set_tab(view, view.tab.previous()),
        Intent::DetailsDown => {
            view.details_scroll =
                (view.details_scroll + 1).min(view.details.len().saturating_sub(1))
        }
        Intent::DetailsUp => view.details_scroll = view.details_scroll.saturating_sub(1),
        Intent::CopyTraceId | Intent::CopySpanId | Intent::CopyRawJson => {
            let (what, text) = match intent {
                Intent::CopyTraceId => ("trace id", trace.id.clone()),
                Intent::CopySpanId => ("span id", trace.spans[view.selected].id().to_owned()),
                _ => ("span JSON", raw_json(&trace, view.selected)),
            };
            return super::copy(state, what, &text);
        }
        Intent::ConsoleLink => {
            let region = region.or_else(|| trace.region());
            note = Some(match region {
                Some(region) => {
                    let link = console_link(&region, &trace.id);
                    if clipboard {
                        commands.push(Command::Copy(link.clone()));
                    }
                    (link, Severity::Info)
                }
                None => (
                    "no region known for this trace: pass --region to build the console link"
                        .into(),
                    Severity::Error,
                ),
            });
        }
        Intent::Save => {
            let name = format!("{}.json", crate::text::file_name_safe(&trace.id));
            open_overlay(
                state,
                Overlay::Prompt(Prompt::new(PromptPurpose::SavePath, name)),
            );
            return Vec::new();
        }
        _ => {}
    }
    if let Some((text, severity)) = note {
        state.message = Some(Message { text, severity });
    }
    commands
}

/// Opens the waterfall of a trace, loading it unless it is the one already shown.
pub(super) fn open(state: &mut State, id: String) -> Vec<Command> {
    state.screen = Screen::Trace;
    if let Some(view) = &state.trace
        && view.id == id
        && view.trace.is_some()
    {
        return Vec::new();
    }
    // The log lines of the trace left behind are no longer waited for (a query is stopped).
    let mut commands = match &state.trace {
        Some(view) if matches!(view.logs.state, LogsState::Loading(_)) => {
            vec![Command::CancelLogs]
        }
        _ => Vec::new(),
    };
    let request = state.new_request();
    state.trace = Some(TraceView::new(id.clone(), request));
    commands.push(Command::LoadTrace { request, id });
    commands
}

/// The traces `request` asked for, or why they could not be had.
pub(super) fn on_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Vec<Arc<Trace>>, String>,
) -> Vec<Command> {
    let source = state.source_label.clone();
    let live = state.live.latest_generation > 0;
    let Some(view) = state.trace.as_mut().filter(|v| v.request == request) else {
        return Vec::new();
    };
    let shown_anew = live && view.trace.is_some() && result.is_ok();
    match result {
        Ok(mut traces) => match traces.iter().position(|t| t.id == view.id) {
            Some(found) => trace_view::reload(view, traces.swap_remove(found)),
            // The one trace asked for, known to the source under another id (the demo's
            // ids of an earlier window): shown under the id it has now.
            None if traces.len() == 1 => {
                let trace = traces.remove(0);
                view.id = trace.id.clone();
                trace_view::reload(view, trace);
            }
            None => view.error = Some(format!("trace {} is not in {source}", view.id)),
        },
        Err(message) => view.error = Some(message),
    }
    if shown_anew {
        return logs::refresh(state);
    }
    Vec::new()
}

/// The AWS console's page for a trace.
pub fn console_link(region: &str, trace_id: &str) -> String {
    format!(
        "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#xray:traces/{trace_id}"
    )
}

fn raw_json(trace: &Trace, span: usize) -> String {
    let Some(text) = trace.documents.get(trace.spans[span].document as usize) else {
        return String::new();
    };
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|doc| {
            super::super::details::find_by_id(&doc, trace.spans[span].id()).map(|v| v.to_string())
        })
        .unwrap_or_else(|| text.clone())
}

/// The documents of a trace as `aws xray batch-get-traces` prints them: `--file` reads it back.
pub fn saved_trace_json(trace: &Trace) -> String {
    let segments: Vec<serde_json::Value> = trace
        .documents
        .iter()
        .map(|text| {
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                .unwrap_or_default();
            serde_json::json!({"Id": id, "Document": text})
        })
        .collect();
    let output = serde_json::json!({
        "Traces": [{
            "Id": trace.id,
            "Duration": trace.duration(),
            "LimitExceeded": trace.limit_exceeded,
            "Segments": segments,
        }],
        "UnprocessedTraceIds": [],
    });
    serde_json::to_string_pretty(&output).unwrap_or_default()
}
