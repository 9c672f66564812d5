//! Headless output: one view rendered by the same ui code into a plain-text screen.

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::update::{start, update};
use crate::app::{Action, Command, State};
use crate::model::trace_id;
use futures::StreamExt;

use crate::source::{TimeRange, TraceSource};
use crate::ui;
use crate::worker::{MapQuery, summary_query};

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

/// What to print, and how.
#[derive(Debug, Clone)]
pub struct Request {
    pub view: View,
    pub filter: Option<String>,
    pub range: TimeRange,
    pub group: Option<String>,
    pub ascii: bool,
    pub width: u16,
    pub height: u16,
    /// Offset of the local time zone from UTC, in seconds.
    pub utc_offset: i32,
    /// The list's columns, when configured.
    pub columns: Option<Vec<crate::app::columns::Column>>,
}

/// Renders the requested view once its data has arrived. `Err` carries the one-line message
/// for stderr.
pub async fn render(source: Arc<dyn TraceSource>, request: Request) -> Result<Printed, String> {
    let Request {
        view,
        filter,
        range,
        group,
        ascii,
        width,
        height,
        utc_offset,
        columns,
    } = request;
    let mut state = State::new(source.label(), width, height, utc_offset);
    state.started_at = Some(crate::clock::now());
    state.list.filter = filter;
    state.ascii = ascii;
    if let Some(columns) = columns.filter(|c| !c.is_empty()) {
        state.list.columns = columns;
    }
    state.range = range;
    state.group = group;
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
        match command {
            Command::LoadSummaries {
                request,
                filter,
                range,
                group,
                follow: _,
                all_spans,
                reload: _,
            } => {
                let mut pages = source.summaries(crate::source::SummaryQuery {
                    all_spans,
                    ..summary_query(filter, range, group, false)
                });
                let rows = crate::layout::screen::list_rows(width, height);
                while let Some(page) = pages.next().await {
                    let result = page.map_err(|e| e.to_string());
                    let stop = result.as_ref().map_or(true, |p| p.done);
                    update(&mut state, Action::SummariesLoaded { request, result });
                    // Enough to fill the screen is enough to print it.
                    if stop || state.list.summaries.len() >= rows {
                        break;
                    }
                }
            }
            Command::LoadTrace { request, id } => {
                let result = source.traces(vec![id]).await.map_err(|e| e.to_string());
                update(&mut state, Action::TracesLoaded { request, result });
            }
            Command::LoadMap {
                request,
                trace,
                range,
                group,
            } => {
                let query = MapQuery::new(trace, range, group);
                let result = crate::worker::load_map(Arc::clone(&source), query, ascii).await;
                update(&mut state, Action::MapLoaded { request, result });
            }
            Command::Copy(_)
            | Command::LoadBaseline { .. }
            | Command::SearchSpans { .. }
            | Command::Prefetch(_)
            | Command::LoadGroups
            | Command::Suspend
            | Command::Save { .. }
            | Command::RememberFilter(_)
            | Command::LayoutMap { .. }
            | Command::LoadTraceSet { .. } => {}
            Command::LoadLogs { .. } | Command::CancelLogs => {}
            Command::LoadInsights { .. }
            | Command::LoadInsightDetails { .. }
            | Command::LoadHealth { .. } => {}
        }
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
