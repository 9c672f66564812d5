//! The pure heart of the app: an action in, the state changed and commands out. No I/O.
//!
//! Keys, clicks and intents go first to the overlay on top, if one is open, else to the
//! screen's own module ([`input`]); results from the worker go to the module of what asked.

mod analysis;
mod analytics;
mod complete;
mod diff;
mod filters;
mod input;
mod insights;
mod list;
mod list_search;
mod live;
mod logs;
mod map;
mod map_scope;
mod overlay;
mod prompt;
mod summaries;
mod trace;

use crate::layout::screen;

use super::action::{Action, Command};
use super::keymap::Context;
use super::overlay::Overlay;
use super::state::{Message, Screen, Severity, State};
use super::trace_view;

pub use trace::{console_link, saved_trace_json};

/// The commands to run when the app starts.
pub fn start(state: &mut State) -> Vec<Command> {
    summaries::load(state)
}

/// Whose key bindings apply now: the open overlay's, else the screen's.
pub fn context(state: &State) -> Context {
    match &state.overlay {
        Some(overlay) => overlay.context(),
        None if state.screen == Screen::Trace
            && state.trace.as_ref().is_some_and(|v| v.icicle.is_some()) =>
        {
            Context::Icicle
        }
        None => screen_context(state.screen),
    }
}

/// The bindings of a screen.
pub fn screen_context(screen: Screen) -> Context {
    match screen {
        Screen::List => Context::List,
        Screen::Trace => Context::Trace,
        Screen::Map => Context::Map,
        Screen::Groups => Context::Groups,
        Screen::Compare => Context::Compare,
        Screen::Stats => Context::Stats,
        Screen::Flame => Context::Icicle,
        Screen::Diff => Context::Diff,
        Screen::Insights => Context::Insights,
    }
}

pub fn update(state: &mut State, action: Action) -> Vec<Command> {
    let mut commands = dispatch(state, action);
    if state.screen == Screen::Map {
        commands.extend(super::insights::refresh_map_health(state));
    }
    commands
}

fn dispatch(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::Key(key) => input::on_key(state, key),
        Action::Intent(intent) => input::on_intent(state, intent),
        Action::Mouse {
            pointer,
            column,
            row,
        } => super::mouse::intents_at(state, pointer, column, row)
            .into_iter()
            .flat_map(|intent| input::on_intent(state, intent))
            .collect(),
        Action::Resize { width, height } => {
            state.width = width;
            state.height = height;
            list::keep_selection_visible(state);
            let page = waterfall_page(state);
            if let Some(view) = state.trace.as_mut() {
                trace_view::scroll_to_selection(view, page);
            }
            analysis::relayout(state);
            Vec::new()
        }
        Action::OpenTrace(id) => trace::open(state, id),
        Action::SummariesLoaded { request, result } => summaries::on_loaded(state, request, result),
        Action::SourceStatus(status) => live::on_source_status(state, status),
        Action::InsightsLoaded { request, result } => {
            super::xray_insights::on_loaded(state, request, result)
        }
        Action::HealthLoaded { request, result } => {
            // X-Ray's words say what still works (the computed sparklines).
            if let Some(said) = super::xray_health::on_loaded(state, request, result) {
                error(state, said);
            }
            Vec::new()
        }
        Action::InsightDetailsLoaded { request, result } => {
            super::xray_insights::on_details_loaded(state, request, result);
            Vec::new()
        }
        Action::TraceSetLoaded { request, result } => {
            analysis::on_trace_set_loaded(state, request, result)
        }
        Action::GroupsLoaded(result) => prompt::on_groups_loaded(state, result),
        Action::LogsLoaded {
            request,
            trace_id,
            result,
        } => logs::on_loaded(state, request, trace_id, result),
        Action::TracesLoaded { request, result } => trace::on_loaded(state, request, result),
        Action::SpanSearchDone { request, result } => list_search::on_done(state, request, result),
        Action::BaselineLoaded { request, result } => {
            diff::on_baseline_loaded(state, request, result)
        }
        Action::MapLoaded { request, result } => map::on_loaded(state, request, result),
        Action::MapLaidOut { request, drawing } => map::on_laid_out(state, request, drawing),
        Action::Saved(result) => {
            match result {
                Ok(path) => info(
                    state,
                    format!("saved to {path}; open it again with --file {path}"),
                ),
                Err(message) => error(state, message),
            }
            Vec::new()
        }
    }
}

fn info(state: &mut State, text: impl Into<String>) {
    state.message = Some(Message {
        text: text.into(),
        severity: Severity::Info,
    });
}

/// Copies `text` (cleaned) to the clipboard, or shows it where the clipboard is off.
fn copy(state: &mut State, what: &str, text: &str) -> Vec<Command> {
    let text = crate::text::clean_for_copy(text);
    if state.clipboard {
        info(state, format!("copied the {what} to the clipboard"));
        vec![Command::Copy(text)]
    } else {
        info(
            state,
            format!("clipboard is off (--no-clipboard); {what}: {text}"),
        );
        Vec::new()
    }
}

fn error(state: &mut State, text: impl Into<String>) {
    state.message = Some(Message {
        text: text.into(),
        severity: Severity::Error,
    });
}

/// Rows of the trace list on screen.
fn list_page(state: &State) -> usize {
    screen::list_rows_with_panels(
        state.width,
        state.height,
        state.analytics.histogram_shown,
        state.insights.health.is_some(),
    )
}

/// Rows of the waterfall on screen.
pub fn waterfall_page(state: &State) -> usize {
    screen::waterfall_rows(state.width, state.height)
}

/// Opens an overlay over the screen.
fn open(state: &mut State, overlay: Overlay) {
    state.overlay = Some(overlay);
}
