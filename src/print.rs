//! Headless output: one view rendered by the same ui code into a plain-text screen.

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::update::{start, update};
use crate::app::{Action, Command, State};
use crate::model::trace_id;
use crate::source::{SummaryQuery, TraceSource};
use crate::ui;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    List,
    Trace(String),
    Map,
}

impl View {
    pub fn parse(text: &str) -> Result<View, String> {
        match text {
            "list" => Ok(View::List),
            "map" => Ok(View::Map),
            _ => match text.strip_prefix("trace:") {
                Some(id) => trace_id::normalize(id)
                    .map(View::Trace)
                    .ok_or_else(|| format!("`{id}` is not a trace id (expected 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx or 32 hex digits)")),
                None => Err(format!("unknown view `{text}`: use list, trace:<ID> or map")),
            },
        }
    }
}

/// A rendered screen, and the problems met while loading its data.
pub struct Printed {
    pub text: String,
    pub problems: Vec<String>,
    /// Nothing could be loaded at all.
    pub empty: bool,
}

/// Renders `view` once its data has arrived. `Err` carries the one-line message for stderr.
pub async fn render(
    source: Arc<dyn TraceSource>,
    view: View,
    filter: Option<String>,
    ascii: bool,
    width: u16,
    height: u16,
    utc_offset: i32,
) -> Result<Printed, String> {
    let mut state = State::new(source.label(), width, height, utc_offset);
    state.list.filter = filter;
    state.ascii = ascii;
    let commands = match &view {
        View::Map => {
            let mut commands = start(&mut state);
            commands.extend(update(
                &mut state,
                Action::Intent(crate::app::Intent::ShowMap),
            ));
            commands
        }
        View::List => start(&mut state),
        View::Trace(id) => {
            let mut commands = start(&mut state);
            commands.extend(update(&mut state, Action::OpenTrace(id.clone())));
            commands
        }
    };
    for command in commands {
        let action = match command {
            Command::LoadSummaries { request, filter } => Action::SummariesLoaded {
                request,
                result: source
                    .summaries(SummaryQuery {
                        filter,
                        ..SummaryQuery::default()
                    })
                    .await
                    .map_err(|e| e.to_string()),
            },
            Command::LoadTrace { request, id } => Action::TracesLoaded {
                request,
                result: source.traces(vec![id]).await.map_err(|e| e.to_string()),
            },
            Command::LoadMap { request, trace } => Action::MapLoaded {
                request,
                result: crate::worker::load_map(Arc::clone(&source), trace, ascii).await,
            },
            Command::Copy(_)
            | Command::Suspend
            | Command::Save { .. }
            | Command::RememberFilter(_)
            | Command::LayoutMap { .. } => continue,
        };
        update(&mut state, action);
    }
    if let Some(error) = &state.list.error {
        return Err(error.clone());
    }
    if let View::Trace(_) = view
        && let Some(error) = state.trace.as_ref().and_then(|t| t.error.clone())
    {
        return Err(error);
    }
    if let Some(error) = state.map.as_ref().and_then(|m| m.error.clone()) {
        return Err(error);
    }
    // A notice of problems is for the interactive status bar; stderr gets them instead.
    state.message = None;
    let area = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    ui::render_buffer(&state, &mut buffer, area);
    Ok(Printed {
        text: ui::buffer_text(&buffer),
        empty: state.list.summaries.is_empty(),
        problems: state.problems,
    })
}
