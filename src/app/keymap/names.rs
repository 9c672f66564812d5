//! The names the configuration gives actions and contexts. They are written here once, apart
//! from the code's own names, so renaming an intent never breaks a user's file.

use super::Context;
use crate::app::action::Intent;

/// Every action a key can be given, by its name in the configuration.
const ACTION_NAMES: &[(Intent, &str)] = &[
    (Intent::Up, "up"),
    (Intent::Down, "down"),
    (Intent::PageUp, "page_up"),
    (Intent::PageDown, "page_down"),
    (Intent::Top, "top"),
    (Intent::Bottom, "bottom"),
    (Intent::Open, "open"),
    (Intent::Close, "close"),
    (Intent::Quit, "quit"),
    (Intent::ToggleHelp, "toggle_help"),
    (Intent::SortNext, "sort_next"),
    (Intent::SortReverse, "sort_reverse"),
    (Intent::Refresh, "refresh"),
    (Intent::ToggleProblems, "toggle_problems"),
    (Intent::ToggleFold, "toggle_fold"),
    (Intent::FoldOrParent, "fold_or_parent"),
    (Intent::UnfoldOrChild, "unfold_or_child"),
    (Intent::FoldToDepth(1), "fold_to_depth_1"),
    (Intent::FoldToDepth(2), "fold_to_depth_2"),
    (Intent::FoldToDepth(3), "fold_to_depth_3"),
    (Intent::FoldToDepth(4), "fold_to_depth_4"),
    (Intent::FoldToDepth(0), "fold_to_depth_0"),
    (Intent::NextProblem, "next_problem"),
    (Intent::PreviousProblem, "previous_problem"),
    (Intent::RootCause, "root_cause"),
    (Intent::Parent, "parent"),
    (Intent::ToggleCriticalPath, "toggle_critical_path"),
    (Intent::ZoomIn, "zoom_in"),
    (Intent::ZoomOut, "zoom_out"),
    (Intent::ToggleLogs, "toggle_logs"),
    (Intent::Search, "search"),
    (Intent::NextMatch, "next_match"),
    (Intent::PreviousMatch, "previous_match"),
    (Intent::ToggleOnlyMatches, "toggle_only_matches"),
    (Intent::NextTab, "next_tab"),
    (Intent::PreviousTab, "previous_tab"),
    (Intent::DetailsDown, "details_down"),
    (Intent::DetailsUp, "details_up"),
    (Intent::CopyTraceId, "copy_trace_id"),
    (Intent::CopySpanId, "copy_span_id"),
    (Intent::CopyRawJson, "copy_raw_json"),
    (Intent::ConsoleLink, "console_link"),
    (Intent::Save, "save"),
    (Intent::Filter, "filter"),
    (Intent::ClearFilter, "clear_filter"),
    (Intent::QuickFaults, "quick_faults"),
    (Intent::QuickService, "quick_service"),
    (Intent::QuickUrl, "quick_url"),
    (Intent::QuickSlower, "quick_slower"),
    (Intent::ShowMap, "show_map"),
    (Intent::MapLeft, "map_left"),
    (Intent::MapRight, "map_right"),
    (Intent::NextEdge, "next_edge"),
    (Intent::PreviousEdge, "previous_edge"),
    (Intent::ToggleCompact, "toggle_compact"),
    (Intent::ToggleFocus, "toggle_focus"),
    (Intent::WidenFocus, "widen_focus"),
    (Intent::NarrowFocus, "narrow_focus"),
    (Intent::FoldType, "fold_type"),
    (Intent::Suspend, "suspend"),
    (Intent::TogglePause, "toggle_pause"),
    (Intent::OpenTraceId, "open_trace_id"),
    (Intent::ChangeTimeRange, "change_time_range"),
    (Intent::ChooseGroup, "choose_group"),
    (Intent::ChooseColumns, "choose_columns"),
    (Intent::ToggleColumn, "toggle_column"),
    (Intent::MoveColumnUp, "move_column_up"),
    (Intent::MoveColumnDown, "move_column_down"),
    (Intent::ToggleAllSpans, "toggle_all_spans"),
    (Intent::ToggleHistogram, "toggle_histogram"),
    (Intent::BandFaster, "band_faster"),
    (Intent::BandSlower, "band_slower"),
    (Intent::BandNarrow, "band_narrow"),
    (Intent::BandWiden, "band_widen"),
    (Intent::FilterBand, "filter_band"),
    (Intent::ShowGroups, "show_groups"),
    (Intent::NextDimension, "next_dimension"),
    (Intent::PreviousDimension, "previous_dimension"),
    (Intent::MarkSet, "mark_set"),
    (Intent::ShowCompare, "show_compare"),
    (Intent::ShowStatistics, "show_statistics"),
    (Intent::ToggleIcicle, "toggle_icicle"),
    (Intent::FrameLeft, "frame_left"),
    (Intent::FrameRight, "frame_right"),
    (Intent::MarkDiff, "mark_diff"),
    (Intent::DiffWithMarked, "diff_with_marked"),
    (Intent::DiffWithTypical, "diff_with_typical"),
    (Intent::ShowInsights, "show_insights"),
    (Intent::LeaveInsight, "leave_insight"),
    (Intent::ToggleHealth, "toggle_health"),
    (Intent::MarkEarlier, "mark_earlier"),
    (Intent::MarkLater, "mark_later"),
    (Intent::ApplyMark, "apply_mark"),
];

/// The name of an action in the configuration; `None` for intents no key is bound to (the
/// mouse's).
pub fn action_name(intent: Intent) -> Option<&'static str> {
    ACTION_NAMES
        .iter()
        .find(|(known, _)| *known == intent)
        .map(|(_, name)| *name)
}

/// The action a name in the configuration stands for.
pub fn intent_named(name: &str) -> Option<Intent> {
    ACTION_NAMES
        .iter()
        .find(|(_, known)| *known == name)
        .map(|(intent, _)| *intent)
}

/// Every action name, in the order of the table.
pub fn action_names() -> impl Iterator<Item = &'static str> {
    ACTION_NAMES.iter().map(|(_, name)| *name)
}

/// The name of a context in the configuration: `[keys.list]` and so on.
pub fn context_name(context: Context) -> &'static str {
    match context {
        Context::Global => "global",
        Context::List => "list",
        Context::Trace => "trace",
        Context::Map => "map",
        Context::Columns => "columns",
        Context::Groups => "groups",
        Context::Compare => "compare",
        Context::Stats => "statistics",
        Context::Icicle => "icicle",
        Context::Diff => "diff",
        Context::Insights => "insights",
    }
}

pub fn context_named(name: &str) -> Option<Context> {
    Context::ALL
        .into_iter()
        .find(|c| context_name(*c) == name)
        .or(match name {
            "waterfall" => Some(Context::Trace),
            "everywhere" => Some(Context::Global),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::DEFAULT_BINDINGS;

    #[test]
    fn every_bound_action_has_one_name() {
        for binding in DEFAULT_BINDINGS {
            let name = action_name(binding.intent)
                .unwrap_or_else(|| panic!("{:?} has no name", binding.intent));
            assert_eq!(intent_named(name), Some(binding.intent));
        }
        let mut names: Vec<&str> = action_names().collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a name is given twice");
    }

    #[test]
    fn names_are_the_ones_users_write() {
        assert_eq!(action_name(Intent::Quit), Some("quit"));
        assert_eq!(action_name(Intent::ToggleHelp), Some("toggle_help"));
        assert_eq!(action_name(Intent::FoldToDepth(1)), Some("fold_to_depth_1"));
        assert_eq!(action_name(Intent::CopyRawJson), Some("copy_raw_json"));
    }
}
