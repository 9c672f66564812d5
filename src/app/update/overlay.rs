//! Keys while an overlay is open. It takes them all: the moving keys scroll the help, the
//! column chooser has its own, `Esc` and any other key close; only the quit and suspend keys
//! of everywhere reach through.

use ratatui::layout::Rect;

use super::super::action::{Command, Intent};
use super::super::columns::{self, ChooserOutcome};
use super::super::cursor::Step;
use super::super::help;
use super::super::overlay::Overlay;
use super::super::state::State;
use super::screen_context;
use crate::layout::screen;

/// `intent` is `None` for a key bound to nothing.
pub(super) fn on_intent(state: &mut State, intent: Option<Intent>) -> Vec<Command> {
    match intent {
        Some(Intent::Quit) => {
            super::input::quit_or_ask(state);
            return Vec::new();
        }
        Some(Intent::Suspend) => return vec![Command::Suspend],
        _ => {}
    }
    let (help_lines, page) = help_size(state);
    let close = match state.overlay.as_mut() {
        None => false,
        Some(Overlay::Help(cursor)) => match intent.and_then(|i| Step::of(i, page)) {
            Some(step) => {
                cursor.scroll(step, help_lines, page);
                false
            }
            None => true,
        },
        Some(Overlay::Problems) => true,
        Some(Overlay::Columns(chooser)) => {
            let outcome =
                intent.map(|i| columns::on_chooser_intent(chooser, &mut state.list.columns, i));
            outcome == Some(ChooserOutcome::Close)
        }
        Some(Overlay::Prompt(_)) => intent == Some(Intent::Close),
    };
    if close {
        state.overlay = None;
    }
    Vec::new()
}

/// Lines of the help, and how many of them its popup shows.
fn help_size(state: &State) -> (usize, usize) {
    if !state.help_shown() {
        return (0, 0);
    }
    let body = screen::body(Rect::new(0, 0, state.width, state.height));
    // The popup's borders take two rows; the help is laid out for the screen under it.
    let under = screen_context(state.screen);
    let page = help::page(&state.keymap, under, body.width, state.ascii);
    (page.height(), usize::from(body.height.saturating_sub(2)))
}
