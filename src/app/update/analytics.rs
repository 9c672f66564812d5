//! Keys on the group-by and compare views: moving, changing the dimension, sorting, and
//! narrowing the list to a group.

use super::super::action::{Command, Intent};
use super::super::analytics;
use super::super::cursor::Step;
use super::super::state::{Screen, State};
use super::filters;
use crate::layout::screen;

/// Rows of the group-by view on screen.
fn groups_page(state: &State) -> usize {
    screen::groups_rows(state.width, state.height)
}

pub(super) fn on_groups_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    if let Intent::SelectRow(row) = intent {
        select_row(state, row);
        return Vec::new();
    }
    let page = groups_page(state);
    let Some(view) = state.analytics.groups.as_mut() else {
        state.screen = Screen::List;
        return Vec::new();
    };
    if let Some(step) = Step::of(intent, page) {
        view.cursor.step(step, view.groups.len(), page);
        return Vec::new();
    }
    match intent {
        Intent::Close => state.screen = Screen::List,
        Intent::NextDimension | Intent::PreviousDimension => {
            analytics::cycle_group_dimension(view, &state.list, intent == Intent::NextDimension)
        }
        Intent::SortNext | Intent::SortReverse => {
            analytics::sort_groups(view, intent == Intent::SortNext);
            view.cursor.keep_visible(view.groups.len(), page);
        }
        Intent::Open => {
            let Some(group) = view.selected_group().cloned() else {
                return Vec::new();
            };
            return filters::narrow_to_group(
                state,
                &group.label,
                group.filter,
                group.exact,
                &group.ids,
            );
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn on_compare_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    if let Intent::SelectRow(row) = intent {
        select_row(state, row);
        return Vec::new();
    }
    let page = screen::compare_rows(state.width, state.height);
    if matches!(intent, Intent::NextDimension | Intent::PreviousDimension) {
        analytics::cycle_compare_dimension(state, intent == Intent::NextDimension);
        return Vec::new();
    }
    let Some(view) = state.analytics.compare.as_mut() else {
        state.screen = Screen::List;
        return Vec::new();
    };
    if let Some(step) = Step::of(intent, page) {
        view.cursor.step(step, view.comparison.shifts.len(), page);
        return Vec::new();
    }
    match intent {
        Intent::Close => state.screen = Screen::List,
        Intent::Open => {
            let Some(shift) = view.comparison.shifts.get(view.cursor.selected).cloned() else {
                return Vec::new();
            };
            return filters::narrow_to_group(state, &shift.label, shift.filter, shift.exact, &[]);
        }
        _ => {}
    }
    Vec::new()
}

/// Selects the row at a position of the view on screen (a click).
fn select_row(state: &mut State, row: usize) {
    let groups_page = groups_page(state);
    let compare_page = screen::compare_rows(state.width, state.height);
    match state.screen {
        Screen::Groups => {
            if let Some(view) = state.analytics.groups.as_mut() {
                let position = view.cursor.offset + row;
                if position < view.groups.len() {
                    view.cursor.select(position, view.groups.len(), groups_page);
                }
            }
        }
        Screen::Compare => {
            if let Some(view) = state.analytics.compare.as_mut() {
                let len = view.comparison.shifts.len();
                let position = view.cursor.offset + row;
                if position < len {
                    view.cursor.select(position, len, compare_page);
                }
            }
        }
        _ => {}
    }
}
