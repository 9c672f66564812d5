//! Keys on the service map: moving between nodes and edges, compact drawing, finding a node,
//! and the drill-downs to the list. Also the map's loading and layout.

use std::sync::Arc;

use super::super::action::{Command, Intent, RequestId};
use super::super::keymap::Context;
use super::super::map::MapDrawing;
use super::super::overlay::Overlay;
use super::super::state::{MapView, Prompt, PromptPurpose, Screen, State};
use super::{filters, info, open};
use crate::filter::quote;
use crate::layout::screen;

/// Opens the service map from the list, or the open trace's own map from the waterfall.
pub(super) fn show(state: &mut State) -> Vec<Command> {
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
    state.map = Some(MapView::new(trace.clone(), request));
    vec![Command::LoadMap {
        request,
        trace,
        range: state.range,
        group: state.group.clone(),
    }]
}

/// The map `request` asked for, or why it could not be had.
pub(super) fn on_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Arc<MapDrawing>, String>,
) -> Vec<Command> {
    let Some(view) = state.map.as_mut().filter(|m| m.request == request) else {
        return Vec::new();
    };
    match result {
        Ok(drawing) => {
            view.selected = drawing.model.first_node().unwrap_or(0);
            let slot = drawing.compact as usize;
            view.drawings[slot] = Some(drawing);
            scroll_to_selection(state);
        }
        Err(message) => view.error = Some(message),
    }
    Vec::new()
}

/// The same map laid out again, compact or not.
pub(super) fn on_laid_out(
    state: &mut State,
    request: RequestId,
    drawing: Arc<MapDrawing>,
) -> Vec<Command> {
    if let Some(view) = state.map.as_mut().filter(|m| m.request == request) {
        let slot = drawing.compact as usize;
        view.drawings[slot] = Some(drawing);
        scroll_to_selection(state);
    }
    Vec::new()
}

/// The canvas area the map is drawn in, for keeping the selection in view.
fn map_canvas(state: &State) -> (u16, u16) {
    let area = ratatui::layout::Rect::new(0, 0, state.width, state.height);
    let areas = screen::map(screen::body(area));
    (areas.canvas.width, areas.canvas.height)
}

/// Scrolls the map so the selected node's box is in view, with a margin where there is room.
pub(super) fn scroll_to_selection(state: &mut State) {
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

pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
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
                scroll_to_selection(state);
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
            scroll_to_selection(state);
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
            open(
                state,
                Overlay::Prompt(Prompt::new(PromptPurpose::FindNode, String::new())),
            );
        }
        _ => {}
    }
    Vec::new()
}

/// Enter on a node lists the traces through it, on an edge the traces across it; `F` the
/// node's faults. The expression is shown in the list's title, so the language is learnt.
fn drill_down(state: &mut State, drawing: &MapDrawing, intent: Intent) -> Vec<Command> {
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
            let edge_key = state.key_label(Context::Map, Intent::NextEdge);
            info(
                state,
                format!(
                    "the client node stands for the callers: pick a service, or {edge_key} to an edge"
                ),
            );
            return Vec::new();
        }
        (_, Intent::QuickFaults) => format!("service({}) {{ fault }}", quote(&node.name)),
        _ => format!("service({})", quote(&node.name)),
    };
    filters::drill_down(state, expression)
}

/// Selects the next node whose name contains `text`.
pub(super) fn find_node(state: &mut State, text: &str) -> Vec<Command> {
    let needle = text.to_lowercase();
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
            scroll_to_selection(state);
        }
        None => info(state, format!("no node is called \"{}\"", text)),
    }
    Vec::new()
}
