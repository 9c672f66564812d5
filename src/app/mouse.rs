//! The mouse, as a shortcut for keys: the wheel scrolls what is under the pointer, a click
//! selects a row or a details tab (and a click on the selected row of the list opens it).

use ratatui::layout::Rect;

use super::action::{Command, Intent, Pointer};
use super::details::tab_bar;
use super::state::{Screen, State};
use super::trace_view as view_ops;
use super::update::{on_intent, prefetch_around_selection, waterfall_page};
use crate::layout::screen;

/// Rows one turn of the wheel moves.
const WHEEL_ROWS: usize = 3;

pub fn on_mouse(state: &mut State, pointer: Pointer, column: u16, row: u16) -> Vec<Command> {
    if state.prompt.is_some() || state.show_problems {
        return Vec::new();
    }
    let wheel = match pointer {
        Pointer::ScrollUp => Some(Intent::Up),
        Pointer::ScrollDown => Some(Intent::Down),
        Pointer::Click => None,
    };
    // Popups take the wheel; a click outside the help closes it.
    if state.help || state.list.chooser.is_some() {
        return match (wheel, state.help) {
            (Some(intent), _) => repeat(state, intent),
            (None, true) => on_intent(state, Intent::ToggleHelp),
            (None, false) => Vec::new(),
        };
    }
    let body = screen::body(Rect::new(0, 0, state.width, state.height));
    let inside = |area: Rect| {
        column >= area.x
            && column < area.x + area.width
            && row >= area.y
            && row < area.y + area.height
    };
    match state.screen {
        Screen::List => {
            let histogram = state.analytics.histogram_shown;
            let rows = screen::list_with_histogram(body, histogram).1.rows;
            match wheel {
                Some(intent) => repeat(state, intent),
                None if inside(rows) => {
                    let position = state.list.offset + usize::from(row - rows.y);
                    if position >= state.list.order.len() {
                        Vec::new()
                    } else if position == state.list.selected {
                        on_intent(state, Intent::Open)
                    } else {
                        state.list.selected = position;
                        prefetch_around_selection(state)
                    }
                }
                None => Vec::new(),
            }
        }
        Screen::Trace => {
            let areas = screen::waterfall(body);
            let over_details = inside(areas.details);
            match wheel {
                Some(Intent::Up) if over_details => repeat(state, Intent::DetailsUp),
                Some(_) if over_details => repeat(state, Intent::DetailsDown),
                Some(intent) => repeat(state, intent),
                None if over_details && row == areas.details.y => {
                    let at = column - areas.details.x;
                    let clicked =
                        tab_bar(areas.details.width)
                            .into_iter()
                            .find(|(_, offset, title)| {
                                (*offset..*offset + title.len() as u16 + 2).contains(&at)
                            });
                    if let (Some((tab, _, _)), Some(view)) = (clicked, state.trace.as_mut()) {
                        view_ops::set_tab(view, tab);
                    }
                    Vec::new()
                }
                None if inside(areas.rows) => {
                    let page = waterfall_page(state);
                    if let Some(view) = state.trace.as_mut() {
                        let position = view.offset + usize::from(row - areas.rows.y);
                        if let Some(&span) = view.rows.get(position) {
                            view_ops::select(view, span as usize, page);
                        }
                    }
                    Vec::new()
                }
                None => Vec::new(),
            }
        }
        Screen::Map => match wheel {
            Some(intent) => on_intent(state, intent),
            None => Vec::new(),
        },
        Screen::Groups | Screen::Compare => {
            let rows = if state.screen == Screen::Groups {
                screen::groups(body).0.rows
            } else {
                screen::compare(body).rows
            };
            match wheel {
                Some(intent) => repeat(state, intent),
                None if inside(rows) => {
                    let row = usize::from(row - rows.y);
                    select_analytics_row(state, row);
                    Vec::new()
                }
                None => Vec::new(),
            }
        }
    }
}

/// A click on a row of the group-by or compare view selects it.
fn select_analytics_row(state: &mut State, row: usize) {
    let analytics = &mut state.analytics;
    let (selected, offset, len) = match state.screen {
        Screen::Groups => match analytics.groups.as_mut() {
            Some(view) => (&mut view.selected, view.offset, view.groups.len()),
            None => return,
        },
        _ => match analytics.compare.as_mut() {
            Some(view) => (
                &mut view.selected,
                view.offset,
                view.comparison.shifts.len(),
            ),
            None => return,
        },
    };
    if offset + row < len {
        *selected = offset + row;
    }
}

fn repeat(state: &mut State, intent: Intent) -> Vec<Command> {
    let mut commands = Vec::new();
    for _ in 0..WHEEL_ROWS {
        commands = on_intent(state, intent);
    }
    commands
}
