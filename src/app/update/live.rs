//! Live sources: their news, new data shown in place, and the pause that freezes the views.

use super::super::action::{Command, Intent};
use super::super::keymap::Context;
use super::super::state::State;
use super::{info, summaries};

/// The source's news: what it is doing, and for live sources, new data to show.
pub(super) fn on_source_status(
    state: &mut State,
    status: crate::source::SourceStatus,
) -> Vec<Command> {
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

pub(super) fn toggle_pause(state: &mut State) -> Vec<Command> {
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
        let resume = state.key_label(Context::Global, Intent::TogglePause);
        info(
            state,
            format!(
                "paused: the views stay as they are while data keeps arriving; {resume} resumes"
            ),
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
pub(super) fn refresh_live_views(state: &mut State) -> Vec<Command> {
    let mut commands = Vec::new();
    // A list still loading is asked again once it has loaded (SummariesLoaded), so that a
    // flood of changes cannot keep superseding it.
    if !state.list.loading {
        state.live.shown_generation = state.live.latest_generation;
        commands.extend(summaries::load(state));
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
