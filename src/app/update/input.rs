//! The one place that decides who takes a key or an intent: the overlay on top, else what
//! holds everywhere, else the screen.

use crossterm::event::KeyEvent;

use super::super::action::{Command, Intent};
use super::super::cursor::Cursor;
use super::super::overlay::Overlay;
use super::super::state::{Prompt, PromptPurpose, Screen, State};
use super::{
    analysis, analytics, context, diff, info, insights, list, live, map, open, overlay, prompt,
    trace,
};

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    if matches!(state.overlay, Some(Overlay::Prompt(_))) {
        return prompt::on_key(state, key);
    }
    let intent = state.keymap.intent_for(context(state), &key);
    if intent != Some(Intent::Quit) {
        state.quit_asked = false;
    }
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
        Screen::Stats => analysis::on_stats_intent(state, intent),
        Screen::Flame => analysis::on_flame_intent(state, intent),
        Screen::Diff => diff::on_intent(state, intent),
    }
}

/// What the keys of everywhere do, on any screen.
fn on_global_intent(state: &mut State, intent: Intent) -> Option<Vec<Command>> {
    match intent {
        Intent::Quit => quit_or_ask(state),
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
        Intent::OpenTraceId => {
            let mut prompt = Prompt::new(PromptPurpose::TraceId, String::new());
            prompt.hint = Some(prompt::trace_id_hint(""));
            open(state, Overlay::Prompt(prompt));
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Quits, unless the list holds work that quitting would lose and this is the first time of
/// asking: then it names that work and the key that quits anyway.
pub(super) fn quit_or_ask(state: &mut State) {
    let work = if state.screen == Screen::List && !state.quit_asked {
        work_to_lose(state)
    } else {
        Vec::new()
    };
    if work.is_empty() {
        state.quit = true;
        return;
    }
    state.quit_asked = true;
    let quit = state.key_label(super::screen_context(state.screen), Intent::Quit);
    info(
        state,
        format!(
            "quitting loses {}: {quit} again quits, any other key stays",
            work.join(" and ")
        ),
    );
}

/// What the list holds that a new start would not bring back.
fn work_to_lose(state: &State) -> Vec<String> {
    let mut work = Vec::new();
    if let Some(filter) = &state.list.filter {
        work.push(format!("the filter {filter}"));
    }
    if let Some(marked) = &state.analytics.marked {
        work.push(format!("the {} traces marked as A", marked.summaries.len()));
    }
    work
}
