//! The mouse, as a shortcut for keys: what is under the pointer decides which intents a wheel
//! turn or a click stands for. The wheel scrolls what is under the pointer; a click selects a
//! row or a details tab, and a click on the selected row of the list opens it. Overlays take
//! the mouse as they take keys: the wheel scrolls them, a click closes them.

use ratatui::layout::Rect;

use super::action::{Intent, Pointer};
use super::details::tab_bar;
use super::overlay::Overlay;
use super::state::{Screen, State};
use crate::layout::screen;

/// Rows one turn of the wheel moves.
const WHEEL_ROWS: usize = 3;

/// The intents a mouse event at a screen cell stands for, in order.
pub fn intents_at(state: &State, pointer: Pointer, column: u16, row: u16) -> Vec<Intent> {
    let wheel = match pointer {
        Pointer::ScrollUp => Some(Intent::Up),
        Pointer::ScrollDown => Some(Intent::Down),
        Pointer::Click => None,
    };
    let turn = |intent: Intent| vec![intent; WHEEL_ROWS];
    match (&state.overlay, wheel) {
        (Some(Overlay::Prompt(_)), _) => return Vec::new(),
        (Some(Overlay::Help(_) | Overlay::Columns(_)), Some(intent)) => return turn(intent),
        (Some(Overlay::Problems), Some(_)) => return Vec::new(),
        (Some(_), None) => return vec![Intent::Close],
        (None, _) => {}
    }
    let body = screen::body(Rect::new(0, 0, state.width, state.height));
    let inside = |area: Rect| {
        column >= area.x
            && column < area.x + area.width
            && row >= area.y
            && row < area.y + area.height
    };
    let rows_of = |area: Rect| match wheel {
        Some(intent) => turn(intent),
        None if inside(area) => vec![Intent::SelectRow(usize::from(row - area.y))],
        None => Vec::new(),
    };
    match state.screen {
        Screen::List => {
            let histogram = state.analytics.histogram_shown;
            let health = state.insights.health.is_some();
            rows_of(screen::list_with_panels(body, histogram, health).1.rows)
        }
        Screen::Trace => {
            let areas = screen::waterfall(body);
            let over_details = inside(areas.details);
            match wheel {
                Some(Intent::Up) if over_details => turn(Intent::DetailsUp),
                Some(_) if over_details => turn(Intent::DetailsDown),
                None if over_details && row == areas.details.y => {
                    let at = column - areas.details.x;
                    tab_bar(areas.details.width)
                        .into_iter()
                        .find(|(_, offset, title)| {
                            (*offset..*offset + title.len() as u16 + 2).contains(&at)
                        })
                        .map(|(tab, _, _)| vec![Intent::SelectTab(tab)])
                        .unwrap_or_default()
                }
                _ => rows_of(areas.rows),
            }
        }
        Screen::Map => wheel.map(|intent| vec![intent]).unwrap_or_default(),
        Screen::Groups => rows_of(screen::groups(body).0.rows),
        Screen::Compare => rows_of(screen::compare(body).rows),
        Screen::Stats => rows_of(screen::list(body).rows),
        Screen::Flame => wheel.map(|intent| vec![intent]).unwrap_or_default(),
        Screen::Diff => rows_of(screen::list(body).rows),
        Screen::Insights => rows_of(screen::insights(body).0.rows),
    }
}
