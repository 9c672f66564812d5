//! The pure heart of the app: an action in, the state changed and commands out. No I/O.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use std::sync::Arc;

use crate::filter::quote;
use crate::layout::screen;

use super::action::{Action, Command, Intent};
use super::analytics::{self, BandMove, Step};
use super::columns;
use super::keymap::Context;
use super::state::{Hint, Message, Prompt, PromptPurpose, Screen, Severity, State, TraceView};
use super::trace_view as view_ops;
use crate::source::TimeRange;

/// The commands to run when the app starts.
pub fn start(state: &mut State) -> Vec<Command> {
    load_summaries(state)
}

pub fn context(state: &State) -> Context {
    if state.list.chooser.is_some() && state.screen == Screen::List {
        return Context::Columns;
    }
    match state.screen {
        Screen::List => Context::List,
        Screen::Trace => Context::Trace,
        Screen::Map => Context::Map,
        Screen::Groups => Context::Groups,
        Screen::Compare => Context::Compare,
    }
}

/// Rows of the trace list on screen.
fn list_page(state: &State) -> usize {
    screen::list_rows_with_histogram(state.width, state.height, state.analytics.histogram_shown)
}

pub fn update(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::Intent(intent) => on_intent(state, intent),
        Action::Mouse {
            pointer,
            column,
            row,
        } => super::mouse::on_mouse(state, pointer, column, row),
        Action::Resize { width, height } => {
            state.width = width;
            state.height = height;
            keep_list_selection_visible(state);
            let page = waterfall_page(state);
            if let Some(view) = state.trace.as_mut() {
                view_ops::scroll_to_selection(view, page);
            }
            Vec::new()
        }
        Action::OpenTrace(id) => open_trace(state, id),
        Action::SummariesLoaded { request, result } => {
            if state.list.request != Some(request) {
                return Vec::new();
            }
            match result {
                Ok(page) => {
                    receive_page(state, page);
                    analytics::refresh(state);
                    // Data that changed while the list loaded may have come too late for it.
                    let live = &state.live;
                    if !state.list.loading
                        && !live.paused
                        && live.latest_generation != live.shown_generation
                    {
                        return refresh_live_views(state);
                    }
                }
                Err(message) => {
                    state.list.loading = false;
                    state.list.request = None;
                    state.list.error = Some(message.clone());
                    error(state, message);
                }
            }
            Vec::new()
        }
        Action::SourceStatus(status) => on_source_status(state, status),
        Action::GroupsLoaded(result) => {
            if let Some(prompt) = state
                .prompt
                .as_mut()
                .filter(|p| p.purpose == PromptPurpose::Group)
            {
                prompt.hint = Some(match result {
                    Ok(groups) if groups.is_empty() => Hint {
                        text: format!("{} has no groups", state.source_label),
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
        Action::TracesLoaded { request, result } => {
            let source = state.source_label.clone();
            let Some(view) = state.trace.as_mut().filter(|v| v.request == request) else {
                return Vec::new();
            };
            match result {
                Ok(traces) => match traces.into_iter().find(|t| t.id == view.id) {
                    Some(trace) => view_ops::reload(view, trace),
                    None => view.error = Some(format!("trace {} is not in {source}", view.id)),
                },
                Err(message) => view.error = Some(message),
            }
            Vec::new()
        }
        Action::PromptKey(key) => on_prompt_key(state, key),
        Action::MapLoaded { request, result } => {
            let Some(view) = state.map.as_mut().filter(|m| m.request == request) else {
                return Vec::new();
            };
            match result {
                Ok(drawing) => {
                    view.selected = drawing.model.first_node().unwrap_or(0);
                    let slot = drawing.compact as usize;
                    view.drawings[slot] = Some(drawing);
                    scroll_map_to_selection(state);
                }
                Err(message) => view.error = Some(message),
            }
            Vec::new()
        }
        Action::MapLaidOut { request, drawing } => {
            if let Some(view) = state.map.as_mut().filter(|m| m.request == request) {
                let slot = drawing.compact as usize;
                view.drawings[slot] = Some(drawing);
                scroll_map_to_selection(state);
            }
            Vec::new()
        }
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

fn error(state: &mut State, text: impl Into<String>) {
    state.message = Some(Message {
        text: text.into(),
        severity: Severity::Error,
    });
}

pub(super) fn waterfall_page(state: &State) -> usize {
    screen::waterfall_rows(state.width, state.height)
}

pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    // A message stays until the next key; the status bar keeps pointing at load problems.
    state.message = None;
    if state.help {
        // Moving keys scroll the help; any other key closes it, and the quit keys still quit.
        match intent {
            Intent::Down => state.help_scroll += 1,
            Intent::Up => state.help_scroll = state.help_scroll.saturating_sub(1),
            Intent::PageDown => state.help_scroll += 10,
            Intent::PageUp => state.help_scroll = state.help_scroll.saturating_sub(10),
            _ => state.help = false,
        }
        if state.help {
            return Vec::new();
        }
        if intent == Intent::Quit && state.screen == Screen::List {
            state.quit = true;
        }
        return Vec::new();
    }
    if state.screen == Screen::List && columns::on_chooser_intent(&mut state.list, intent) {
        return Vec::new();
    }
    match intent {
        Intent::Quit => state.quit = true,
        Intent::Suspend => return vec![Command::Suspend],
        Intent::ChooseColumns => {
            state.list.chooser = Some(columns::Chooser::open(&state.list.summaries))
        }
        Intent::ToggleHelp => {
            state.help = true;
            state.help_scroll = 0;
        }
        Intent::ToggleProblems => {
            let none = state.problems.is_empty() && state.live.problems.is_empty();
            state.show_problems = !state.show_problems && !none;
            if none {
                info(state, "no problems with the data");
            }
        }
        Intent::TogglePause => return toggle_pause(state),
        Intent::ChooseGroup => {
            let mut prompt = Prompt::new(
                PromptPurpose::Group,
                state.group.clone().unwrap_or_default(),
            );
            prompt.hint = Some(Hint {
                text: "asking for the groups…; an empty name means every trace".into(),
                column: None,
                error: false,
            });
            state.prompt = Some(prompt);
            return vec![Command::LoadGroups];
        }
        Intent::ChangeTimeRange => {
            let text = match state.range {
                TimeRange::All => String::new(),
                TimeRange::Last(seconds) => crate::source::time_range::format_length(seconds),
                TimeRange::Between(..) => String::new(),
            };
            let mut prompt = Prompt::new(PromptPurpose::TimeRange, text);
            prompt.hint = Some(Hint {
                text: format!(
                    "now {}: 15m, 1h, 6h, 2d, all, or FROM..TO in UTC (2026-11-22T01:00..2026-11-22T02:00)",
                    state.range.label()
                ),
                column: None,
                error: false,
            });
            state.prompt = Some(prompt);
        }
        _ if state.screen == Screen::Map => return on_map_intent(state, intent),
        _ if state.screen == Screen::Groups => return on_groups_intent(state, intent),
        _ if state.screen == Screen::Compare => return on_compare_intent(state, intent),
        Intent::ToggleHistogram => {
            analytics::toggle_histogram(state);
            keep_list_selection_visible(state);
        }
        Intent::BandFaster | Intent::BandSlower | Intent::BandNarrow | Intent::BandWiden => {
            let how = match intent {
                Intent::BandFaster => BandMove::Faster,
                Intent::BandSlower => BandMove::Slower,
                Intent::BandNarrow => BandMove::Narrow,
                _ => BandMove::Widen,
            };
            analytics::move_band(state, how);
            keep_list_selection_visible(state);
        }
        Intent::FilterBand => match analytics::band_filter(state) {
            Some(expression) if state.analytics.histogram_shown => {
                let text = and_with_current(state.list.filter.as_deref(), expression);
                open_filter_prompt(state, text);
            }
            _ => info(
                state,
                "no band selected: H shows the histogram, [ and ] pick a band",
            ),
        },
        Intent::ShowGroups => {
            analytics::open_groups(state, None);
            state.screen = Screen::Groups;
        }
        Intent::MarkSet => {
            let count = analytics::mark(state);
            info(
                state,
                format!(
                    "{count} traces marked as A: change the filter or time range, then C compares"
                ),
            );
        }
        Intent::ShowCompare => {
            if analytics::open_compare(state) {
                state.screen = Screen::Compare;
            } else {
                info(
                    state,
                    "nothing to compare with: A marks the listed traces as set A first",
                );
            }
        }
        Intent::ShowMap => return show_map(state),
        Intent::Up
        | Intent::Down
        | Intent::PageUp
        | Intent::PageDown
        | Intent::Top
        | Intent::Bottom => {
            move_selection(state, intent);
            if state.screen == Screen::List {
                return prefetch_around_selection(state);
            }
        }
        Intent::Open => {
            if let Some(summary) = state
                .list
                .selected_summary()
                .filter(|_| state.screen == Screen::List)
            {
                let id = summary.id.clone();
                return open_trace(state, id);
            }
        }
        Intent::Close => state.screen = Screen::List,
        Intent::SortNext | Intent::SortReverse => {
            let keep = state.list.selected_summary().map(|s| s.id.clone());
            if intent == Intent::SortNext {
                state.list.sort = state.list.sort.next();
                state.list.descending = state.list.sort.descending_by_default();
            } else {
                state.list.descending = !state.list.descending;
            }
            sort_list(state, keep.as_deref());
        }
        Intent::Refresh => return load_summaries(state),
        Intent::Filter => {
            let text = state.list.filter.clone().unwrap_or_default();
            open_filter_prompt(state, text);
        }
        Intent::ClearFilter => {
            if state.list.filter.take().is_some() {
                info(state, "filter cleared");
                return load_summaries(state);
            }
        }
        Intent::QuickFaults | Intent::QuickService | Intent::QuickUrl | Intent::QuickSlower => {
            match quick_filter(state, intent) {
                Some(expression) => {
                    let text = and_with_current(state.list.filter.as_deref(), expression);
                    open_filter_prompt(state, text);
                }
                None => info(
                    state,
                    "the selected trace has nothing to filter on for that",
                ),
            }
        }
        _ => return on_trace_intent(state, intent),
    }
    Vec::new()
}

/// Keys that act on the open waterfall.
fn on_trace_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let page = waterfall_page(state);
    let region = state.region.clone();
    let clipboard = state.clipboard;
    let Some(view) = state.trace.as_mut().filter(|v| v.trace.is_some()) else {
        return Vec::new();
    };
    let Some(trace) = view.trace.clone() else {
        return Vec::new();
    };
    let mut note: Option<(String, Severity)> = None;
    let mut commands = Vec::new();
    match intent {
        Intent::ToggleFold => view_ops::toggle_fold(view),
        Intent::FoldOrParent => view_ops::fold_or_parent(view, page),
        Intent::UnfoldOrChild => view_ops::unfold_or_child(view, page),
        Intent::FoldToDepth(depth) => {
            view_ops::fold_to_depth(view, u32::from(depth));
            view_ops::scroll_to_selection(view, page);
        }
        Intent::Parent => view_ops::parent(view, page),
        Intent::NextProblem | Intent::PreviousProblem => {
            let found = view_ops::next_problem(view, intent == Intent::NextProblem, page);
            note = (!found).then(|| {
                (
                    "no span has a fault, error or throttle".into(),
                    Severity::Info,
                )
            });
        }
        Intent::RootCause => match view_ops::next_fault_root_cause(&trace, view.selected) {
            Some((span, position, count)) => {
                view_ops::select(view, span, page);
                view_ops::set_tab(view, super::details::Tab::Exceptions);
                let which = if count > 1 {
                    format!(" ({position} of {count}; r for the next)")
                } else {
                    String::new()
                };
                note = Some((format!("root cause of the fault{which}"), Severity::Info));
            }
            None => note = Some(("this trace has no fault".into(), Severity::Info)),
        },
        Intent::ToggleCriticalPath => {
            let on = view_ops::toggle_critical_path(view);
            let text = if on {
                "critical path shown (◆)"
            } else {
                "critical path hidden"
            };
            note = Some((text.into(), Severity::Info));
        }
        Intent::ZoomIn => {
            let zoomed = view_ops::zoom_in(view);
            let name = trace.spans[view.selected].name();
            note = zoomed.then(|| (format!("zoomed to {name}; Z zooms out"), Severity::Info));
        }
        Intent::ZoomOut => {
            view_ops::zoom_out(view);
        }
        Intent::Search => {
            let text = view
                .search
                .as_ref()
                .map(|s| s.query.clone())
                .unwrap_or_default();
            state.prompt = Some(Prompt::new(PromptPurpose::Search, text));
            return Vec::new();
        }
        Intent::NextMatch | Intent::PreviousMatch => {
            if view.search.is_none() {
                note = Some(("no search: press / to search".into(), Severity::Info));
            } else if !view_ops::next_match(view, intent == Intent::NextMatch, page) {
                note = Some(("no span matches".into(), Severity::Info));
            }
        }
        Intent::ToggleOnlyMatches => {
            if !view_ops::toggle_only_matches(view) {
                note = Some(("no search: press / to search".into(), Severity::Info));
            }
            view_ops::scroll_to_selection(view, page);
        }
        Intent::NextTab => view_ops::set_tab(view, view.tab.next()),
        Intent::PreviousTab => view_ops::set_tab(view, view.tab.previous()),
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
            let text = crate::text::clean_for_copy(&text);
            if clipboard {
                commands.push(Command::Copy(text));
                note = Some((
                    format!("copied the {what} to the clipboard"),
                    Severity::Info,
                ));
            } else {
                note = Some((
                    format!("clipboard is off (--no-clipboard); {what}: {text}"),
                    Severity::Info,
                ));
            }
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
            state.prompt = Some(Prompt::new(PromptPurpose::SavePath, name));
            return Vec::new();
        }
        _ => {}
    }
    if let Some((text, severity)) = note {
        state.message = Some(Message { text, severity });
    }
    commands
}

/// The AWS console's page for a trace.
pub fn console_link(region: &str, trace_id: &str) -> String {
    format!(
        "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#xray:traces/{trace_id}"
    )
}

fn raw_json(trace: &crate::model::Trace, span: usize) -> String {
    let Some(text) = trace.documents.get(trace.spans[span].document as usize) else {
        return String::new();
    };
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|doc| {
            super::details::find_by_id(&doc, trace.spans[span].id()).map(|v| v.to_string())
        })
        .unwrap_or_else(|| text.clone())
}

/// The documents of a trace as `aws xray batch-get-traces` prints them: `--file` reads it back.
pub fn saved_trace_json(trace: &crate::model::Trace) -> String {
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

/// Opens the service map from the list, or the open trace's own map from the waterfall.
fn show_map(state: &mut State) -> Vec<Command> {
    let trace = match state.screen {
        Screen::Trace => state.trace.as_ref().map(|t| t.id.clone()),
        _ => None,
    };
    state.screen = Screen::Map;
    if let Some(view) = &state.map
        && view.trace == trace
        && view.error.is_none()
    {
        return Vec::new();
    }
    let request = state.new_request();
    state.map = Some(super::state::MapView::new(trace.clone(), request));
    vec![Command::LoadMap {
        request,
        trace,
        range: state.range,
        group: state.group.clone(),
    }]
}

/// The canvas area the map is drawn in, for keeping the selection in view.
fn map_canvas(state: &State) -> (u16, u16) {
    let area = ratatui::layout::Rect::new(0, 0, state.width, state.height);
    let areas = screen::map(screen::body(area));
    (areas.canvas.width, areas.canvas.height)
}

/// Scrolls the map so the selected node's box is in view, with a margin where there is room.
fn scroll_map_to_selection(state: &mut State) {
    let (width, height) = map_canvas(state);
    let Some(view) = state.map.as_mut() else {
        return;
    };
    let Some(drawing) = view.drawing().cloned() else {
        return;
    };
    let Some(node) = drawing.layout.nodes.get(view.selected) else {
        return;
    };
    let fit = |scroll: u16, start: u16, size: u16, room: u16| -> u16 {
        let margin = room.saturating_sub(size) / 4;
        if start < scroll + margin.min(start) {
            start.saturating_sub(margin)
        } else if start + size + margin > scroll + room {
            (start + size + margin).saturating_sub(room)
        } else {
            scroll
        }
    };
    view.scroll = (
        fit(view.scroll.0, node.x, node.width, width),
        fit(view.scroll.1, node.y, node.height, height),
    );
}

fn on_map_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let Some(view) = state.map.as_mut() else {
        return Vec::new();
    };
    if intent == Intent::Close {
        state.screen = if view.trace.is_some() {
            Screen::Trace
        } else {
            Screen::List
        };
        return Vec::new();
    }
    let Some(drawing) = view.drawing().cloned() else {
        return Vec::new();
    };
    let model = &drawing.model;
    match intent {
        Intent::MapLeft | Intent::MapRight | Intent::Up | Intent::Down => {
            use crate::layout::graph::Direction;
            let direction = match intent {
                Intent::MapLeft => Direction::Left,
                Intent::MapRight => Direction::Right,
                Intent::Up => Direction::Up,
                _ => Direction::Down,
            };
            if let Some(next) =
                crate::layout::graph::nearest(&drawing.layout, view.selected, direction)
            {
                view.selected = next;
                view.edge = None;
                scroll_map_to_selection(state);
            }
        }
        Intent::NextEdge | Intent::PreviousEdge => {
            let edges = model.edges_of(view.selected);
            if edges.is_empty() {
                info(state, "this node has no edges");
                return Vec::new();
            }
            let at = view.edge.and_then(|e| edges.iter().position(|&x| x == e));
            let next = match (intent, at) {
                (Intent::NextEdge, Some(at)) => (at + 1) % edges.len(),
                (Intent::NextEdge, None) => 0,
                (_, Some(at)) => (at + edges.len() - 1) % edges.len(),
                (_, None) => edges.len() - 1,
            };
            view.edge = Some(edges[next]);
        }
        Intent::ToggleCompact => {
            view.compact = !view.compact;
            let compact = view.compact;
            let request = view.request;
            let missing = view.drawings[compact as usize].is_none();
            scroll_map_to_selection(state);
            if missing {
                let model = Arc::clone(&drawing.model);
                return vec![Command::LayoutMap {
                    request,
                    model,
                    compact,
                }];
            }
        }
        Intent::Open | Intent::QuickFaults => return drill_down(state, &drawing, intent),
        Intent::Search => {
            state.prompt = Some(Prompt::new(PromptPurpose::FindNode, String::new()));
        }
        _ => {}
    }
    Vec::new()
}

/// `current AND expression` (see [`crate::filter::compose::and`]). A current filter that does
/// not parse is given back as it is, for the prompt to point at its mistake.
fn and_with_current(current: Option<&str>, expression: String) -> String {
    crate::filter::compose::and(current, &expression)
        .unwrap_or_else(|_| current.map_or(expression, str::to_owned))
}

/// Rows of the group-by view on screen.
fn groups_page(state: &State) -> usize {
    screen::groups_rows(state.width, state.height)
}

fn step_of(intent: Intent, page: usize) -> Option<Step> {
    Some(match intent {
        Intent::Up => Step::Up(1),
        Intent::Down => Step::Down(1),
        Intent::PageUp => Step::Up(page.max(1)),
        Intent::PageDown => Step::Down(page.max(1)),
        Intent::Top => Step::Top,
        Intent::Bottom => Step::Bottom,
        _ => return None,
    })
}

fn on_groups_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let page = groups_page(state);
    let Some(view) = state.analytics.groups.as_mut() else {
        state.screen = Screen::List;
        return Vec::new();
    };
    if let Some(step) = step_of(intent, page) {
        analytics::move_in(
            &mut view.selected,
            &mut view.offset,
            view.groups.len(),
            page,
            step,
        );
        return Vec::new();
    }
    match intent {
        Intent::Close => state.screen = Screen::List,
        Intent::NextDimension | Intent::PreviousDimension => {
            analytics::cycle_group_dimension(view, &state.list, intent == Intent::NextDimension)
        }
        Intent::SortNext | Intent::SortReverse => {
            analytics::sort_groups(view, intent == Intent::SortNext);
            analytics::keep_visible(view.selected, &mut view.offset, page);
        }
        Intent::Open => {
            let Some(group) = view.selected_group().cloned() else {
                return Vec::new();
            };
            return narrow_to_group(state, &group.label, group.filter, group.exact);
        }
        _ => {}
    }
    Vec::new()
}

fn on_compare_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let page = screen::compare_rows(state.width, state.height);
    if matches!(intent, Intent::NextDimension | Intent::PreviousDimension) {
        analytics::cycle_compare_dimension(state, intent == Intent::NextDimension);
        return Vec::new();
    }
    let Some(view) = state.analytics.compare.as_mut() else {
        state.screen = Screen::List;
        return Vec::new();
    };
    if let Some(step) = step_of(intent, page) {
        let len = view.comparison.shifts.len();
        analytics::move_in(&mut view.selected, &mut view.offset, len, page, step);
        return Vec::new();
    }
    match intent {
        Intent::Close => state.screen = Screen::List,
        Intent::Open => {
            let Some(shift) = view.comparison.shifts.get(view.selected).cloned() else {
                return Vec::new();
            };
            return narrow_to_group(state, &shift.label, shift.filter, shift.exact);
        }
        _ => {}
    }
    Vec::new()
}

/// Narrows the list to a group by adding its filter to the current one.
fn narrow_to_group(
    state: &mut State,
    label: &str,
    filter: Option<String>,
    exact: bool,
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
    let combined = and_with_current(state.list.filter.as_deref(), expression.clone());
    state.list.filter = Some(combined.clone());
    state.screen = Screen::List;
    state.list.selected = 0;
    state.list.offset = 0;
    let mut commands = load_summaries(state);
    commands.push(Command::RememberFilter(combined));
    if !exact {
        info(
            state,
            format!("closest filter, may list a few more: {expression}"),
        );
    }
    commands
}

/// Enter on a node lists the traces through it, on an edge the traces across it; `F` the
/// node's faults. The expression is shown in the list's title, so the language is learnt.
fn drill_down(state: &mut State, drawing: &super::map::MapDrawing, intent: Intent) -> Vec<Command> {
    let Some(view) = state.map.as_ref() else {
        return Vec::new();
    };
    let model = &drawing.model;
    let node = &model.nodes[view.selected];
    let expression = match (view.edge.map(|e| &model.edges[e]), intent) {
        (Some(edge), Intent::Open) => format!(
            "edge({}, {})",
            quote(&model.nodes[edge.from].name),
            quote(&model.nodes[edge.to].name)
        ),
        _ if node.kind == "client" => {
            info(
                state,
                "the client node stands for the callers: pick a service, or Tab to an edge",
            );
            return Vec::new();
        }
        (_, Intent::QuickFaults) => format!("service({}) {{ fault }}", quote(&node.name)),
        _ => format!("service({})", quote(&node.name)),
    };
    state.list.filter = Some(expression.clone());
    state.screen = Screen::List;
    state.list.selected = 0;
    state.list.offset = 0;
    let mut commands = load_summaries(state);
    commands.push(Command::RememberFilter(expression));
    commands
}

fn open_filter_prompt(state: &mut State, text: String) {
    let mut prompt = Prompt::new(PromptPurpose::Filter, text);
    prompt.hint = filter_hint(&prompt.text);
    state.prompt = Some(prompt);
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

/// A parse error, pointing at its column, for the text typed so far.
fn filter_hint(text: &str) -> Option<Hint> {
    if text.trim().is_empty() {
        return None;
    }
    crate::filter::parse(text).err().map(|error| Hint {
        column: Some(error.column(text).saturating_sub(1)),
        text: error.message,
        error: true,
    })
}

/// Words Tab can complete to: keywords, and the services and annotation keys in the list.
fn completions(state: &State) -> Vec<String> {
    let mut words: Vec<String> = crate::filter::Keyword::ALL
        .iter()
        .map(|k| k.text().to_owned())
        .collect();
    words.extend(
        [
            "service(",
            "edge(",
            "annotation.",
            "AND",
            "OR",
            "rootcause.",
        ]
        .map(str::to_owned),
    );
    for summary in &state.list.summaries {
        for service in summary.services.iter() {
            words.push(format!("service({})", quote(&service.name)));
            // Inside `service(` or `edge(`, the quoted name alone.
            words.push(quote(&service.name));
        }
        for key in summary.annotations.keys() {
            words.push(format!("annotation.{key}"));
        }
    }
    words.sort();
    words.dedup();
    words
}

/// Completes the word before the cursor; with several candidates, to what they share.
fn complete(state: &State, prompt: &mut Prompt) {
    let chars: Vec<char> = prompt.text.chars().collect();
    let start = chars[..prompt.cursor]
        .iter()
        .rposition(|c| c.is_whitespace() || matches!(c, '(' | ')' | '{' | '}' | '!'))
        .map_or(0, |i| i + 1);
    let word: String = chars[start..prompt.cursor].iter().collect();
    let lower = word.to_lowercase();
    let candidates: Vec<String> = completions(state)
        .into_iter()
        .filter(|c| c.to_lowercase().starts_with(&lower))
        .collect();
    let Some(first) = candidates.first() else {
        prompt.hint = Some(Hint {
            text: format!("nothing completes \"{word}\""),
            column: None,
            error: false,
        });
        return;
    };
    let shared: String = first
        .chars()
        .enumerate()
        .take_while(|(i, c)| {
            candidates
                .iter()
                .all(|other| other.chars().nth(*i) == Some(*c))
        })
        .map(|(_, c)| c)
        .collect();
    let replacement = if shared.chars().count() > word.chars().count() {
        shared
    } else {
        word.clone()
    };
    let rest: String = chars[prompt.cursor..].iter().collect();
    let before: String = chars[..start].iter().collect();
    prompt.text = format!("{before}{replacement}{rest}");
    prompt.cursor = before.chars().count() + replacement.chars().count();
    prompt.hint = (candidates.len() > 1).then(|| {
        let shown: Vec<&str> = candidates.iter().take(8).map(String::as_str).collect();
        let more = if candidates.len() > 8 {
            format!(" … {} more", candidates.len() - 8)
        } else {
            String::new()
        };
        Hint {
            text: format!("{}{more}", shown.join("  ")),
            column: None,
            error: false,
        }
    });
}

fn on_prompt_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    let Some(prompt) = state.prompt.as_mut() else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            let purpose = prompt.purpose;
            state.prompt = None;
            if purpose == PromptPurpose::Search
                && let Some(view) = state.trace.as_mut()
            {
                view_ops::set_search(view, "");
            }
            return Vec::new();
        }
        KeyCode::Enter => {
            let prompt = state.prompt.take().unwrap_or_default();
            return submit_prompt(state, prompt);
        }
        KeyCode::Char('u') if ctrl => prompt.clear(),
        KeyCode::Char('c') if ctrl => {
            state.prompt = None;
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
            complete(state, &mut edited);
            state.prompt = Some(edited);
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    if let Some(prompt) = state.prompt.as_mut()
        && prompt.purpose == PromptPurpose::Filter
    {
        prompt.hint = filter_hint(&prompt.text);
    }
    // Search as you type.
    if let Some(prompt) = &state.prompt
        && prompt.purpose == PromptPurpose::Search
    {
        let page = waterfall_page(state);
        let query = prompt.text.clone();
        if let Some(view) = state.trace.as_mut() {
            view_ops::set_search(view, &query);
            if view
                .search
                .as_ref()
                .is_some_and(|s| s.matches.binary_search(&(view.selected as u32)).is_err())
            {
                view_ops::next_match(view, true, page);
            }
        }
    }
    Vec::new()
}

fn submit_prompt(state: &mut State, prompt: Prompt) -> Vec<Command> {
    match prompt.purpose {
        PromptPurpose::FindNode => {
            let needle = prompt.text.to_lowercase();
            let Some(view) = state.map.as_mut() else {
                return Vec::new();
            };
            let Some(drawing) = view.drawing().cloned() else {
                return Vec::new();
            };
            let nodes = &drawing.model.nodes;
            // The next match after the selection, so searching again finds the next one.
            let found = (1..=nodes.len())
                .map(|step| (view.selected + step) % nodes.len())
                .find(|&i| nodes[i].name.to_lowercase().contains(&needle));
            match found {
                Some(node) => {
                    view.selected = node;
                    view.edge = None;
                    scroll_map_to_selection(state);
                }
                None => info(state, format!("no node is called \"{}\"", prompt.text)),
            }
            Vec::new()
        }
        PromptPurpose::Filter => {
            let text = prompt.text.trim().to_owned();
            if let Some(hint) = filter_hint(&text) {
                // Not applied: the bar stays open on the mistake.
                state.prompt = Some(Prompt {
                    hint: Some(hint),
                    ..prompt
                });
                return Vec::new();
            }
            state.list.filter = (!text.is_empty()).then(|| text.clone());
            state.list.selected = 0;
            state.list.offset = 0;
            let mut commands = load_summaries(state);
            if !text.is_empty() {
                state.filter_history.retain(|h| *h != text);
                state.filter_history.push(text.clone());
                commands.push(Command::RememberFilter(text));
            }
            commands
        }
        PromptPurpose::Group => {
            let name = prompt.text.trim();
            state.group = (!name.is_empty()).then(|| name.to_owned());
            state.list.selected = 0;
            state.list.offset = 0;
            state.map = None;
            let text = match &state.group {
                Some(group) => format!("showing group {group}"),
                None => "showing every trace (no group)".to_owned(),
            };
            info(state, text);
            load_summaries(state)
        }
        PromptPurpose::TimeRange => match TimeRange::parse(&prompt.text) {
            Ok(range) => {
                state.range = range;
                state.list.selected = 0;
                state.list.offset = 0;
                // A map of another time is another map.
                state.map = None;
                info(state, format!("showing {}", range.label()));
                load_summaries(state)
            }
            Err(message) => {
                state.prompt = Some(Prompt {
                    hint: Some(Hint {
                        text: message,
                        column: None,
                        error: true,
                    }),
                    ..prompt
                });
                Vec::new()
            }
        },
        PromptPurpose::Search => {
            let page = waterfall_page(state);
            if let Some(view) = state.trace.as_mut() {
                view_ops::set_search(view, &prompt.text);
                let count = view.search.as_ref().map_or(0, |s| s.matches.len());
                if view.search.is_some() {
                    view_ops::next_match(view, true, page);
                    let text = match count {
                        0 => format!("no span matches \"{}\"", prompt.text),
                        n => format!("{n} spans match; n/N next/previous, m shows only them"),
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
                contents: saved_trace_json(&trace),
            }]
        }
    }
}

fn load_summaries(state: &mut State) -> Vec<Command> {
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
    }]
}

fn open_trace(state: &mut State, id: String) -> Vec<Command> {
    state.screen = Screen::Trace;
    if let Some(view) = &state.trace
        && view.id == id
        && view.trace.is_some()
    {
        return Vec::new();
    }
    let request = state.new_request();
    state.trace = Some(TraceView::new(id.clone(), request));
    vec![Command::LoadTrace { request, id }]
}

/// A page of summaries: the first of a request replaces the list, later ones add to it.
/// The selected trace stays selected on the same screen row, unless the selection was at the
/// top, where it stays to show the newest.
fn receive_page(state: &mut State, page: crate::source::SummaryPage) {
    let list = &mut state.list;
    let at_top = list.selected == 0 && list.offset == 0;
    let keep = list.selected_summary().map(|s| s.id.clone());
    let screen_row = list.selected.saturating_sub(list.offset);
    let before = list.selected;
    if page.done {
        list.loading = false;
    }
    list.error = None;
    let replace = std::mem::take(&mut list.replace_on_next_page);
    if replace {
        list.counts = super::state::Counts::of(&page.summaries);
        list.summaries = page.summaries;
        list.processed = page.processed;
        sort_list(state, None);
    } else {
        list.counts.add(&super::state::Counts::of(&page.summaries));
        list.processed = match (list.processed, page.processed) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        let first_new = list.summaries.len();
        list.summaries.extend(page.summaries);
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
        list.selected = position;
        list.offset = position.saturating_sub(screen_row);
        list.new_above += position.saturating_sub(before);
    } else {
        list.selected = 0;
        list.offset = 0;
        list.new_above = 0;
    }
    keep_list_selection_visible(state);
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
            error(
                state,
                format!("{n} problem{s} while loading; press ! to see {them}"),
            );
        }
    }
}

/// The source's news: what it is doing, and for live sources, new data to show.
fn on_source_status(state: &mut State, status: crate::source::SourceStatus) -> Vec<Command> {
    let live = &mut state.live;
    live.activity = status.activity;
    live.problems = status.problems;
    live.latest_generation = status.generation;
    live.traces_seen = status.traces_seen;
    live.empty_hint = status.empty_hint;
    if live.paused || live.latest_generation == live.shown_generation {
        return Vec::new();
    }
    refresh_live_views(state)
}

fn toggle_pause(state: &mut State) -> Vec<Command> {
    if state.live.latest_generation == 0 && !state.follow {
        info(
            state,
            "nothing to pause: pausing is for live data (--listen, --follow)",
        );
        return Vec::new();
    }
    let live = &mut state.live;
    live.paused = !live.paused;
    if live.paused {
        live.traces_seen_at_pause = live.traces_seen;
        info(
            state,
            "paused: the views stay as they are while data keeps arriving; P resumes",
        );
        return Vec::new();
    }
    state.message = None;
    if state.live.latest_generation != state.live.shown_generation {
        return refresh_live_views(state);
    }
    Vec::new()
}

/// Asks again for what the screen shows, keeping the user's place in each view.
fn refresh_live_views(state: &mut State) -> Vec<Command> {
    let mut commands = Vec::new();
    // A list still loading is asked again once it has loaded (SummariesLoaded), so that a
    // flood of changes cannot keep superseding it.
    if !state.list.loading {
        state.live.shown_generation = state.live.latest_generation;
        commands.extend(load_summaries(state));
    }
    if state
        .trace
        .as_ref()
        .is_some_and(|view| view.trace.is_some())
    {
        let request = state.new_request();
        if let Some(view) = state.trace.as_mut() {
            view.request = request;
            commands.push(Command::LoadTrace {
                request,
                id: view.id.clone(),
            });
        }
    }
    commands
}

/// The order a list is shown in: compares two summaries by their indices.
fn order_of(
    summaries: &[crate::model::TraceSummary],
    key: super::state::SortKey,
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
fn sort_list(state: &mut State, keep: Option<&str>) {
    let list = &mut state.list;
    let mut order: Vec<u32> = (0..list.summaries.len() as u32).collect();
    order.sort_by(order_of(&list.summaries, list.sort, list.descending));
    list.order = order;
    let summaries = &list.summaries;
    list.selected = keep
        .and_then(|id| {
            list.order
                .iter()
                .position(|&i| summaries[i as usize].id == id)
        })
        .unwrap_or(0);
    keep_list_selection_visible(state);
}

/// Merges summaries from `first_new` on into the sorted order, without sorting it all again.
fn insert_sorted(state: &mut State, first_new: usize) {
    let list = &mut state.list;
    let compare = order_of(&list.summaries, list.sort, list.descending);
    let mut new: Vec<u32> = (first_new as u32..list.summaries.len() as u32).collect();
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
    let from = list.selected.saturating_sub(PREFETCH_AROUND);
    let ids: Vec<String> = (from..=list.selected + PREFETCH_AROUND)
        .filter_map(|position| list.row(position))
        .map(|summary| summary.id.clone())
        .collect();
    if ids.is_empty() {
        return Vec::new();
    }
    vec![Command::Prefetch(ids)]
}

fn move_selection(state: &mut State, intent: Intent) {
    match state.screen {
        // The map moves spatially (on_map_intent); the analytics views move on their own.
        Screen::Map | Screen::Groups | Screen::Compare => {}
        Screen::List => {
            let rows = list_page(state);
            let len = state.list.order.len();
            state.list.selected = moved(state.list.selected, len, rows, intent);
            if state.list.selected == 0 {
                state.list.new_above = 0;
            }
            keep_list_selection_visible(state);
        }
        Screen::Trace => {
            let page = waterfall_page(state);
            if let Some(view) = state.trace.as_mut() {
                let delta = match intent {
                    Intent::Up => -1,
                    Intent::Down => 1,
                    Intent::PageUp => -(page as isize),
                    Intent::PageDown => page as isize,
                    Intent::Top => isize::MIN / 2,
                    _ => isize::MAX / 2,
                };
                view_ops::move_rows(view, delta, page);
            }
        }
    }
}

fn moved(selected: usize, len: usize, page: usize, intent: Intent) -> usize {
    if len == 0 {
        return 0;
    }
    let page = page.max(1);
    let last = len - 1;
    match intent {
        Intent::Up => selected.saturating_sub(1),
        Intent::Down => (selected + 1).min(last),
        Intent::PageUp => selected.saturating_sub(page),
        Intent::PageDown => (selected + page).min(last),
        Intent::Top => 0,
        Intent::Bottom => last,
        _ => selected,
    }
}

fn keep_list_selection_visible(state: &mut State) {
    let rows = list_page(state).max(1);
    let list = &mut state.list;
    let offset = list
        .offset
        .min(list.selected)
        .max((list.selected + 1).saturating_sub(rows));
    list.offset = offset.min(list.order.len().saturating_sub(rows));
}
