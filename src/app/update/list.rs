//! Keys on the trace list: moving, opening, sorting, the time range and group, the histogram
//! and the analytics views it leads to.

use super::super::action::{Command, Intent};
use super::super::analysis as analysis_state;
use super::super::analytics::{self, BandMove};
use super::super::columns::Chooser;
use super::super::cursor::Step;
use super::super::keymap::Context;
use super::super::overlay::Overlay;
use super::super::state::{Hint, Prompt, PromptPurpose, Screen, State};
use super::{analysis, filters, info, list_page, list_search, map, open, summaries, trace};
use crate::source::TimeRange;

pub(super) fn on_intent(state: &mut State, intent: Intent) -> Vec<Command> {
    if let Some(step) = Step::of(intent, list_page(state)) {
        return move_selection(state, step);
    }
    match intent {
        Intent::SelectRow(row) => {
            let position = state.list.cursor.offset + row;
            return select(state, position);
        }
        Intent::Open => {
            if let Some(summary) = state.list.selected_summary() {
                let id = summary.id.clone();
                return trace::open(state, id);
            }
        }
        Intent::Refresh => return summaries::reload(state),
        Intent::Search => list_search::open(state),
        Intent::ToggleAllSpans => return toggle_all_spans(state),
        Intent::SortNext | Intent::SortReverse => {
            if intent == Intent::SortNext {
                state.list.sort = state.list.sort.next();
                state.list.descending = state.list.sort.descending_by_default();
            } else {
                state.list.descending = !state.list.descending;
            }
            // A new order is read from its top: the selection goes there.
            summaries::sort(state, None);
        }
        // Back from an insight's narrowing first, else from the last drill-down.
        Intent::Close if state.insights.before.is_some() => {
            return super::insights::leave_insight(state);
        }
        Intent::Close => return filters::go_back(state),
        Intent::ChooseColumns => {
            let chooser = Chooser::open(&state.list.summaries);
            open(state, Overlay::Columns(chooser));
        }
        Intent::ChooseGroup => return choose_group(state),
        Intent::CopyTraceId => match state.list.selected_summary() {
            Some(summary) => {
                let id = summary.id.clone();
                return super::copy(state, "trace id", &id);
            }
            None => info(state, "no trace selected to copy"),
        },
        Intent::ChangeTimeRange => change_time_range(state),
        Intent::ShowMap => return map::show(state),
        Intent::ToggleHistogram => {
            analytics::toggle_histogram(state);
            keep_selection_visible(state);
        }
        Intent::BandFaster | Intent::BandSlower | Intent::BandNarrow | Intent::BandWiden => {
            let how = match intent {
                Intent::BandFaster => BandMove::Faster,
                Intent::BandSlower => BandMove::Slower,
                Intent::BandNarrow => BandMove::Narrow,
                _ => BandMove::Widen,
            };
            analytics::move_band(state, how);
            keep_selection_visible(state);
        }
        Intent::ShowStatistics => {
            return analysis::show_list_view(state, analysis_state::Wanted::Statistics);
        }
        Intent::ToggleIcicle => {
            return analysis::show_list_view(state, analysis_state::Wanted::Icicle);
        }
        Intent::ShowInsights => return super::super::insights::open(state),
        Intent::LeaveInsight => return super::insights::leave_insight(state),
        Intent::ToggleHealth | Intent::MarkEarlier | Intent::MarkLater | Intent::ApplyMark => {
            let commands = super::insights::on_health_intent(state, intent);
            keep_selection_visible(state);
            return commands;
        }
        Intent::ShowGroups => {
            analytics::open_groups(state, None);
            state.screen = Screen::Groups;
        }
        Intent::MarkSet => {
            let count = analytics::mark(state);
            let compare = state.key_label(Context::List, Intent::ShowCompare);
            info(
                state,
                format!(
                    "{} marked as A: change the filter or time range, then {compare} compares",
                    crate::text::count::count(count, "trace")
                ),
            );
        }
        Intent::ShowCompare => {
            if analytics::open_compare(state) {
                state.screen = Screen::Compare;
            } else {
                let mark = state.key_label(Context::List, Intent::MarkSet);
                info(
                    state,
                    format!(
                        "nothing to compare with: {mark} marks the listed traces as set A first"
                    ),
                );
            }
        }
        Intent::Filter
        | Intent::ClearFilter
        | Intent::FilterBand
        | Intent::QuickFaults
        | Intent::QuickService
        | Intent::QuickUrl
        | Intent::QuickSlower => return filters::on_intent(state, intent),
        _ => {}
    }
    Vec::new()
}

fn move_selection(state: &mut State, step: Step) -> Vec<Command> {
    let page = list_page(state);
    let list = &mut state.list;
    list.cursor.step(step, list.order.len(), page);
    if list.cursor.selected == 0 {
        list.new_above = 0;
    }
    summaries::prefetch_around_selection(state)
}

/// Selects the row at a position of the list (a click).
pub(super) fn select(state: &mut State, position: usize) -> Vec<Command> {
    if position >= state.list.order.len() {
        return Vec::new();
    }
    if position == state.list.cursor.selected {
        return on_intent(state, Intent::Open);
    }
    let page = list_page(state);
    let len = state.list.order.len();
    state.list.cursor.select(position, len, page);
    summaries::prefetch_around_selection(state)
}

pub(super) fn keep_selection_visible(state: &mut State) {
    let page = list_page(state);
    let list = &mut state.list;
    list.cursor.keep_visible(list.order.len(), page);
}

/// Between the summaries the source indexes and every span (Transaction Search).
fn toggle_all_spans(state: &mut State) -> Vec<Command> {
    let list = &mut state.list;
    list.all_spans = !list.all_spans;
    list.cursor = Default::default();
    let back = state.key_label(Context::List, Intent::ToggleAllSpans);
    let text = if state.list.all_spans {
        format!(
            "searching all spans in aws/spans with Logs Insights (billed by the bytes scanned); {back} lists the indexed summaries"
        )
    } else {
        format!("listing the indexed summaries; {back} searches all spans")
    };
    info(state, text);
    summaries::load(state)
}

fn choose_group(state: &mut State) -> Vec<Command> {
    let mut prompt = Prompt::new(
        PromptPurpose::Group,
        state.group.clone().unwrap_or_default(),
    );
    prompt.hint = Some(Hint {
        text: "asking for the groups…; an empty name means every trace".into(),
        column: None,
        error: false,
    });
    open(state, Overlay::Prompt(prompt));
    vec![Command::LoadGroups]
}

fn change_time_range(state: &mut State) {
    let text = match state.range {
        TimeRange::All => String::new(),
        TimeRange::Last(seconds) => crate::source::time_range::format_length(seconds),
        TimeRange::Between(..) => String::new(),
    };
    let mut prompt = Prompt::new(PromptPurpose::TimeRange, text);
    prompt.hint = Some(Hint {
        text: format!(
            "now {}: 15m, 1h, 6h, 2d, all, or FROM..TO in UTC (2026-11-22T01:00..2026-11-22T02:00)",
            state.range.label()
        ),
        column: None,
        error: false,
    });
    open(state, Overlay::Prompt(prompt));
}
