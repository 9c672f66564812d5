//! Headless output: one view as a report for an incident channel or a script. The data is
//! loaded into a `State` exactly as the interactive views load it; the report is then written
//! from that state as plain text, Markdown or JSON (never a screen grab: full ids, every row,
//! no key hints).

mod glyphs;
mod list;
mod map;
mod report;
mod table;
mod trace;

use std::sync::Arc;

use crate::app::update::{start, update};
use crate::app::{Action, Command, State};
use crate::model::trace_id;
use futures::StreamExt;

use crate::source::{TimeRange, TraceSource};
use crate::worker::{MapQuery, summary_query};

pub use glyphs::Glyphs;
pub use report::{Block, Report};
pub use table::{Align, Table};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned plain text, `--width` columns wide.
    #[default]
    Text,
    /// Markdown: tables, and drawings in fenced code blocks.
    Markdown,
    /// JSON, for scripts (its shapes are in README: Headless output).
    Json,
}

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

/// A written report, and the problems met while loading its data.
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
    pub format: Format,
    /// Width of text output (bars, and the free-text columns that give way).
    pub width: u16,
    /// At most this many traces of a list; `None` for all of them.
    pub limit: Option<usize>,
    /// Offset of the local time zone from UTC, in seconds.
    pub utc_offset: i32,
    /// The list's columns, when configured.
    pub columns: Option<Vec<crate::app::columns::Column>>,
}

/// The screen the data is loaded for (the size matters to nothing printed).
const LOAD_SCREEN: (u16, u16) = (120, 40);

/// Writes the requested view once its data has arrived. `Err` carries the one-line message
/// for stderr.
pub async fn render(source: Arc<dyn TraceSource>, request: Request) -> Result<Printed, String> {
    let Request {
        view,
        filter,
        range,
        group,
        ascii,
        format,
        width,
        limit,
        utc_offset,
        columns,
    } = request;
    let mut state = State::new(source.label(), LOAD_SCREEN.0, LOAD_SCREEN.1, utc_offset);
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
            // Only a list needs the summaries (every page of them).
            Command::LoadSummaries { .. } if view != View::List => {}
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
                // Every page: a report says how many traces there are.
                while let Some(page) = pages.next().await {
                    let result = page.map_err(|e| e.to_string());
                    let stop = result.as_ref().map_or(true, |p| p.done);
                    update(&mut state, Action::SummariesLoaded { request, result });
                    if stop {
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
                filter,
            } => {
                let query = MapQuery::new(trace, range, group, filter);
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
    let glyphs = Glyphs::new(ascii);
    let options = Options {
        width: width as usize,
        limit,
        glyphs,
    };
    let text = match (&view, format) {
        (View::List, Format::Json) => json_text(&list::json(&state, &options)),
        (View::List, _) => written(&list::report(&state, &options), format, &options),
        (View::Trace(_), Format::Json) => trace::json(&state),
        (View::Trace(_), _) => written(&trace::report(&state, &options), format, &options),
        (View::Map, Format::Json) => json_text(&map::json(&state)),
        (View::Map, _) => written(&map::report(&state, &options), format, &options),
    };
    let empty = match view {
        View::List => state.list.summaries.is_empty(),
        View::Trace(_) => state.trace.as_ref().is_none_or(|t| t.trace.is_none()),
        View::Map => state
            .map
            .as_ref()
            .and_then(|m| m.whole.as_ref())
            .is_none_or(|m| m.nodes.is_empty()),
    };
    Ok(Printed {
        text,
        empty,
        problems: state.problems,
    })
}

/// What every report is written with.
pub struct Options {
    pub width: usize,
    pub limit: Option<usize>,
    pub glyphs: Glyphs,
}

fn written(report: &Report, format: Format, options: &Options) -> String {
    match format {
        Format::Markdown => report.markdown(),
        Format::Text | Format::Json => report.text(options.width),
    }
}

fn json_text(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
