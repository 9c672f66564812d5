//! Keys that change what of a big map is shown (the neighbourhood focus, folded types) and
//! node search with its next and previous match, which centres the view on what it finds.

use std::sync::Arc;

use super::super::action::{Command, Intent};
use super::super::keymap::Context;
use super::super::map::MapModel;
use super::super::map_scope::{FIRST_HOPS, MOST_HOPS, NodeName, Scope, scoped};
use super::super::state::State;
use super::info;
use super::map::{centre_selection, map_canvas};

/// `f`, `+`, `-` and `T` on the map.
pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let focus_key = state.key_label(Context::Map, Intent::ToggleFocus);
    let fold_key = state.key_label(Context::Map, Intent::FoldType);
    let Some(view) = state.map.as_ref() else {
        return Vec::new();
    };
    let (Some(whole), Some(shown)) = (view.whole.clone(), view.model.clone()) else {
        return Vec::new();
    };
    // While a new scope is being laid out, the selection is the one it will get.
    let on_screen = view.drawing().map(|d| Arc::clone(&d.model));
    let selected = match (view.selecting, &on_screen) {
        (Some(node), _) => shown.nodes.get(node),
        (None, Some(model)) => model.nodes.get(view.selected),
        (None, None) => None,
    };
    let Some(selected) = selected else {
        return Vec::new();
    };
    let mut scope = view.scope.clone();
    match intent {
        Intent::ToggleFocus if scope.focus.is_some() => scope.focus = None,
        Intent::ToggleFocus if selected.members > 1 => {
            info(
                state,
                format!("a folded group: {fold_key} unfolds it, then focus on one of its services"),
            );
            return Vec::new();
        }
        Intent::ToggleFocus => scope.focus = Some((NodeName::of(selected), FIRST_HOPS)),
        Intent::WidenFocus | Intent::NarrowFocus => {
            let Some((_, hops)) = scope.focus.as_mut() else {
                info(
                    state,
                    format!("{focus_key} first focuses on the selected node"),
                );
                return Vec::new();
            };
            let wanted = if intent == Intent::WidenFocus {
                (*hops + 1).min(MOST_HOPS)
            } else {
                hops.saturating_sub(1).max(1)
            };
            if wanted == *hops {
                info(state, format!("the focus is already {wanted} hops wide"));
                return Vec::new();
            }
            *hops = wanted;
        }
        Intent::FoldType => {
            if !scope.folded.remove(&selected.kind) {
                scope.folded.insert(selected.kind.clone());
            }
        }
        _ => return Vec::new(),
    }
    let keep = NodeName::of(selected);
    apply(state, &whole, scope, keep)
}

/// Shows `scope` of the whole map: its model is made now, laid out by the worker; the
/// selection stays on the same node, or its group, or the node in focus.
fn apply(state: &mut State, whole: &MapModel, scope: Scope, keep: NodeName) -> Vec<Command> {
    let model = scoped(whole, &scope);
    let selecting = model
        .nodes
        .iter()
        .position(|n| NodeName::of(n) == keep)
        .or_else(|| {
            model
                .nodes
                .iter()
                .position(|n| n.members > 1 && n.kind == keep.kind)
        })
        .or_else(|| {
            let (centre, _) = scope.focus.as_ref()?;
            model.nodes.iter().position(|n| NodeName::of(n) == *centre)
        })
        .or_else(|| model.nodes.iter().position(|n| n.kind == keep.kind))
        .or(model.first_node())
        .unwrap_or(0);
    let message = describe(&scope, &model, whole);
    let Some(view) = state.map.as_mut() else {
        return Vec::new();
    };
    let model = Arc::new(model);
    view.scope = scope;
    view.model = Some(Arc::clone(&model));
    view.selecting = Some(selecting);
    view.edge = None;
    let command = Command::LayoutMap {
        request: view.request,
        model,
        compact: view.compact,
    };
    info(state, message);
    vec![command]
}

/// What the map shows now, for the status line.
fn describe(scope: &Scope, model: &MapModel, whole: &MapModel) -> String {
    let mut parts = Vec::new();
    if let Some((centre, hops)) = &scope.focus {
        parts.push(format!(
            "{} and {hops} hop{} of callers and callees",
            centre.name,
            if *hops == 1 { "" } else { "s" }
        ));
    }
    if !scope.folded.is_empty() {
        parts.push(format!("{} type(s) folded", scope.folded.len()));
    }
    if parts.is_empty() {
        return format!("the whole map: {} nodes", whole.nodes.len());
    }
    format!(
        "{}: {} of {} nodes",
        parts.join(", "),
        model.nodes.len(),
        whole.nodes.len()
    )
}

/// `/` and Enter: the first node after the selection whose name contains the text.
pub(super) fn find_node(state: &mut State, text: &str) -> Vec<Command> {
    if let Some(view) = state.map.as_mut() {
        view.search = Some(text.to_owned());
    }
    step(state, true)
}

/// `n` and `N`: the next or previous node that matches the last search.
pub(super) fn next_match(state: &mut State, forward: bool) -> Vec<Command> {
    if state.map.as_ref().is_none_or(|v| v.search.is_none()) {
        let search = state.key_label(Context::Map, Intent::Search);
        info(state, format!("{search} finds a node by name first"));
        return Vec::new();
    }
    step(state, forward)
}

fn step(state: &mut State, forward: bool) -> Vec<Command> {
    let focus_key = state.key_label(Context::Map, Intent::ToggleFocus);
    let canvas = map_canvas(state);
    let Some(view) = state.map.as_mut() else {
        return Vec::new();
    };
    let Some(text) = view.search.clone() else {
        return Vec::new();
    };
    let Some(drawing) = view.drawing().cloned() else {
        return Vec::new();
    };
    let needle = text.to_lowercase();
    let matches = |name: &str| name.to_lowercase().contains(&needle);
    let nodes = &drawing.model.nodes;
    let count = nodes.len();
    let found = (1..=count)
        .map(|step| {
            if forward {
                (view.selected + step) % count
            } else {
                (view.selected + count * 2 - step) % count
            }
        })
        .find(|&i| matches(&nodes[i].name));
    match found {
        Some(node) => {
            view.selected = node;
            view.edge = None;
            centre_selection(view, canvas);
            let total = nodes.iter().filter(|n| matches(&n.name)).count();
            if total > 1 {
                info(state, format!("{total} nodes match \"{text}\""));
            }
        }
        None => {
            let elsewhere = view.whole.as_ref().is_some_and(|w| {
                !view.scope.is_whole() && w.nodes.iter().any(|n| matches(&n.name))
            });
            let message = if elsewhere {
                format!(
                    "\"{text}\" is outside what is shown: {focus_key} or unfolding shows the whole map"
                )
            } else {
                format!("no node is called \"{text}\"")
            };
            info(state, message);
        }
    }
    Vec::new()
}
