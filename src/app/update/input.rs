//! The one place that decides who takes a key or an intent: the overlay on top, else what
//! holds everywhere, else the screen.

use crossterm::event::KeyEvent;

use super::super::action::{Command, Intent};
use super::super::cursor::Cursor;
use super::super::overlay::Overlay;
use super::super::state::{Screen, State};
use super::{analytics, context, info, insights, list, live, map, open, overlay, prompt, trace};

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    if matches!(state.overlay, Some(Overlay::Prompt(_))) {
        return prompt::on_key(state, key);
    }
    let intent = state.keymap.intent_for(context(state), &key);
    if state.overlay.is_some() {
        return overlay::on_intent(state, intent);
    }
    match intent {
        Some(intent) => on_intent(state, intent),
        None => Vec::new(),
    }
}

pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    if state.overlay.is_some() {
        return overlay::on_intent(state, Some(intent));
    }
    // A message stays until the next key; the status bar keeps pointing at load problems.
    state.message = None;
    if let Some(commands) = on_global_intent(state, intent) {
        return commands;
    }
    match state.screen {
        Screen::List => list::on_intent(state, intent),
        Screen::Trace => trace::on_intent(state, intent),
        Screen::Map => map::on_intent(state, intent),
        Screen::Groups => analytics::on_groups_intent(state, intent),
        Screen::Insights => insights::on_intent(state, intent),
        Screen::Compare => analytics::on_compare_intent(state, intent),
    }
}

/// What the keys of everywhere do, on any screen.
fn on_global_intent(state: &mut State, intent: Intent) -> Option<Vec<Command>> {
    match intent {
        Intent::Quit => state.quit = true,
        Intent::Suspend => return Some(vec![Command::Suspend]),
        Intent::ToggleHelp => open(state, Overlay::Help(Cursor::default())),
        Intent::ToggleProblems => {
            if state.problems.is_empty() && state.live.problems.is_empty() {
                info(state, "no problems with the data");
            } else {
                open(state, Overlay::Problems);
            }
        }
        Intent::TogglePause => return Some(live::toggle_pause(state)),
        _ => return None,
    }
    Some(Vec::new())
}
