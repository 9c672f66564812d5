//! Keys on the service map: moving between nodes and edges, compact drawing, finding a node,
//! and the drill-downs to the list. Also the map's loading and layout.

use std::sync::Arc;

use super::super::action::{Command, Intent, RequestId};
use super::super::keymap::Context;
use super::super::map::MapDrawing;
use super::super::map::MapModel;
use super::super::overlay::Overlay;
use super::super::state::{MapView, Prompt, PromptPurpose, Screen, State};
use super::{filters, info, map_scope, open};
use crate::filter::quote;
use crate::layout::screen;

/// Opens the service map from the list, or the open trace's own map from the waterfall.
pub(super) fn show(state: &mut State) -> Vec<Command> {
    let trace = match state.screen {
        Screen::Trace => state.trace.as_ref().map(|t| t.id.clone()),
        _ => None,
    };
    // The service map shows the listed traces: it follows the list's filter.
    let filter = match trace {
        None => state.list.filter.clone(),
        Some(_) => None,
    };
    state.screen = Screen::Map;
    if let Some(view) = &state.map
        && view.trace == trace
        && view.filter == filter
        && view.error.is_none()
    {
        return Vec::new();
    }
    let request = state.new_request();
    let mut view = MapView::new(trace.clone(), request);
    view.filter = filter.clone();
    state.map = Some(view);
    vec![Command::LoadMap {
        request,
        trace,
        range: state.range,
        group: state.group.clone(),
        filter,
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
            view.whole = Some(Arc::clone(&drawing.model));
            view.model = Some(Arc::clone(&drawing.model));
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
    let Some(view) = state.map.as_mut().filter(|m| m.request == request) else {
        return Vec::new();
    };
    // A layout of a focus or folding since changed is dropped.
    let current =
        |model: &Arc<MapModel>| view.model.as_ref().is_some_and(|m| Arc::ptr_eq(m, model));
    if !current(&drawing.model) {
        return Vec::new();
    }
    let slot = drawing.compact as usize;
    let other = &mut view.drawings[1 - slot];
    if other.as_ref().is_some_and(|d| !current(&d.model)) {
        *other = None;
    }
    view.drawings[slot] = Some(drawing);
    match view.selecting.take() {
        Some(node) => {
            view.selected = node;
            let canvas = map_canvas(state);
            if let Some(view) = state.map.as_mut() {
                centre_selection(view, canvas);
            }
        }
        None => scroll_to_selection(state),
    }
    Vec::new()
}

/// The canvas area the map is drawn in, for keeping the selection in view.
pub(super) fn map_canvas(state: &State) -> (u16, u16) {
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

/// Scrolls the map so the selected node's box is in the middle of the canvas, as far as the
/// canvas's edges allow.
pub(super) fn centre_selection(view: &mut MapView, (width, height): (u16, u16)) {
    let Some(drawing) = view.drawing() else {
        return;
    };
    let Some(node) = drawing.layout.nodes.get(view.selected).copied() else {
        return;
    };
    let (canvas_width, canvas_height) = (drawing.layout.width, drawing.layout.height);
    // Never past the far edge of the map, so a map that fits stays whole.
    let centre = |start: u16, size: u16, room: u16, extent: u16| -> u16 {
        let centred = (u32::from(start) + u32::from(size) / 2).saturating_sub(u32::from(room) / 2);
        centred.min(u32::from(extent.saturating_sub(room))) as u16
    };
    view.scroll = (
        centre(node.x, node.width, width, canvas_width),
        centre(node.y, node.height, height, canvas_height),
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
            let model = view.model.clone();
            scroll_to_selection(state);
            if missing && let Some(model) = model {
                return vec![Command::LayoutMap {
                    request,
                    model,
                    compact,
                }];
            }
        }
        Intent::Open | Intent::QuickFaults => return drill_down(state, &drawing, intent),
        Intent::ToggleFocus | Intent::WidenFocus | Intent::NarrowFocus | Intent::FoldType => {
            return map_scope::on_intent(state, intent);
        }
        Intent::NextMatch | Intent::PreviousMatch => {
            return map_scope::next_match(state, intent == Intent::NextMatch);
        }
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
    let edge = view.edge.map(|e| &model.edges[e]);
    let ends = edge.map_or(vec![node], |e| {
        vec![&model.nodes[e.from], &model.nodes[e.to]]
    });
    if ends.iter().any(|n| n.members > 1) {
        let fold_key = state.key_label(Context::Map, Intent::FoldType);
        info(
            state,
            format!("a folded group of services: {fold_key} unfolds it to pick one"),
        );
        return Vec::new();
    }
    let expression = match (edge, intent) {
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

/// Selects the next node whose name contains `text`, centred.
pub(super) fn find_node(state: &mut State, text: &str) -> Vec<Command> {
    map_scope::find_node(state, text)
}
