//! Keys on the Insights screen and the health sparklines: moving, narrowing the list to an
//! insight's window and root cause and back, and making the time range of a marked stretch.

use super::super::action::{Command, Intent};
use super::super::cursor::{Cursor, Step};
use super::super::insights::{self, Before, MarkMove};
use super::super::keymap::Context;
use super::super::state::{Screen, State};
use super::super::xray_insights;
use super::{info, summaries};
use crate::layout::screen;
use crate::source::TimeRange;

fn page(state: &State) -> usize {
    screen::insights_rows(state.width, state.height)
}

pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    let page = page(state);
    let Some(view) = state.insights.view.as_mut() else {
        state.screen = Screen::List;
        return Vec::new();
    };
    if let Intent::SelectRow(row) = intent {
        let position = view.cursor.offset + row;
        if position < view.insights.len() {
            view.cursor.select(position, view.insights.len(), page);
        }
        return xray_insights::details_of_selected(state);
    }
    if let Some(step) = Step::of(intent, page) {
        view.cursor.step(step, view.insights.len(), page);
        return xray_insights::details_of_selected(state);
    }
    match intent {
        Intent::Close => state.screen = Screen::List,
        Intent::Open => return narrow_to_selected(state),
        _ => {}
    }
    Vec::new()
}

/// Lists the selected insight's window, and its root cause's failed requests.
fn narrow_to_selected(state: &mut State) -> Vec<Command> {
    let Some(insight) = state
        .insights
        .view
        .as_ref()
        .and_then(|v| v.selected())
        .cloned()
    else {
        return Vec::new();
    };
    let before = state.insights.before.take().unwrap_or(Before {
        filter: state.list.filter.clone(),
        range: state.range,
    });
    // An active insight runs to the newest moment known: of the listed traces, of X-Ray's
    // timeline, or the end of a fixed range.
    let range_end = match before.range {
        TimeRange::Between(_, to) => to,
        _ => 0.0,
    };
    let newest = state
        .list
        .counts
        .last
        .max(insight.start)
        .max(insight.events.last().map_or(0.0, |e| e.time))
        .max(range_end);
    let (from, to) = insight.window(newest);
    let filter = match &insight.filter {
        Some(expression) => Some(
            crate::filter::compose::and(before.filter.as_deref(), expression)
                .unwrap_or_else(|_| expression.clone()),
        ),
        None => before.filter.clone(),
    };
    state.insights.before = Some(before);
    state.insights.impact = insight.impacted.clone();
    state.insights.impact_edges = insight.impact_edges.clone();
    state.range = TimeRange::Between(from, to);
    state.list.filter = filter;
    state.list.cursor = Cursor::default();
    state.map = None;
    state.screen = Screen::List;
    let back = state.key_label(Context::List, Intent::Close);
    let cause = insight
        .root_cause
        .as_deref()
        .map(|c| format!(", root cause {}", crate::text::clean(c)))
        .unwrap_or_default();
    info(
        state,
        format!("the insight's window{cause}; the map marks its services ({back} goes back)"),
    );
    summaries::load(state)
}

/// The list as it was before an insight narrowed it, and the Insights screen again.
pub(super) fn leave_insight(state: &mut State) -> Vec<Command> {
    let Some(before) = state.insights.before.take() else {
        return Vec::new();
    };
    state.range = before.range;
    state.list.filter = before.filter;
    state.list.cursor = Cursor::default();
    state.insights.impact.clear();
    state.insights.impact_edges.clear();
    state.map = None;
    let commands = summaries::load(state);
    state.screen = Screen::Insights;
    commands
}

pub(super) fn on_health_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    if intent == Intent::ToggleHealth {
        return insights::toggle_health(state);
    }
    let Some(panel) = state.insights.health.as_mut() else {
        let show = state.key_label(Context::List, Intent::ToggleHealth);
        info(state, format!("no sparklines shown: {show} shows them"));
        return Vec::new();
    };
    let how = match intent {
        Intent::MarkEarlier => MarkMove::Earlier,
        Intent::MarkLater => MarkMove::Later,
        _ => {
            let Some((from, to)) = insights::mark_window(panel) else {
                return Vec::new();
            };
            let range = TimeRange::Between(from, to);
            state.range = range;
            state.list.cursor = Cursor::default();
            state.map = None;
            info(state, format!("showing {}", range.label()));
            return summaries::load(state);
        }
    };
    insights::move_mark(panel, how);
    Vec::new()
}
