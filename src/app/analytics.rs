//! The analytics views' state and what keys do to it: the response-time histogram above the
//! list and its selected band, the group-by view, and the comparison of a marked set (A) with
//! the list as it is now (B). Everything is computed when the list or the view changes, never
//! while drawing.

use std::sync::Arc;

use crate::analytics::compare::{Comparison, compare};
use crate::analytics::group::{Dimension, Group, GroupSort, group_by, sort};
use crate::analytics::histogram::Histogram;
use crate::analytics::url_pattern;
use crate::model::TraceSummary;

use super::cursor::Cursor;
use super::state::{Screen, State, TraceList};

#[derive(Debug, Clone, Default)]
pub struct Analytics {
    pub histogram_shown: bool,
    pub histogram: Histogram,
    /// The selected band of the histogram: first and last bucket.
    pub band: (usize, usize),
    pub groups: Option<GroupsView>,
    /// The set marked as A, for comparing.
    pub marked: Option<MarkedSet>,
    pub compare: Option<CompareView>,
}

/// Groups of the listed traces by one dimension.
#[derive(Debug, Clone)]
pub struct GroupsView {
    pub dimensions: Vec<Dimension>,
    pub dimension: usize,
    pub groups: Vec<Group>,
    pub sort: GroupSort,
    pub descending: bool,
    pub cursor: Cursor,
    /// The host most of the traces' URLs share, when grouping by URL: named once, left out
    /// of the rows.
    pub common_host: Option<String>,
}

impl GroupsView {
    pub fn dimension(&self) -> &Dimension {
        &self.dimensions[self.dimension]
    }

    fn set_groups(&mut self, groups: Vec<Group>) {
        self.common_host = common_host(
            self.dimension(),
            groups.iter().map(|g| (g.label.as_str(), g.stats.count)),
        );
        self.groups = groups;
    }

    pub fn selected_group(&self) -> Option<&Group> {
        self.groups.get(self.cursor.selected)
    }
}

/// A set of traces kept to compare with later ones.
#[derive(Debug, Clone)]
pub struct MarkedSet {
    pub summaries: Arc<[TraceSummary]>,
    /// What the set was: the filter and time range.
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct CompareView {
    pub dimensions: Vec<Dimension>,
    pub dimension: usize,
    pub comparison: Comparison,
    /// What B is: the filter and time range.
    pub label: String,
    pub cursor: Cursor,
    /// The host most of the traces' URLs share, when comparing by URL.
    pub common_host: Option<String>,
}

impl CompareView {
    pub fn dimension(&self) -> &Dimension {
        &self.dimensions[self.dimension]
    }

    fn set_comparison(&mut self, comparison: Comparison) {
        self.common_host = host_of_comparison(self.dimension(), &comparison);
        self.comparison = comparison;
    }
}

fn host_of_comparison(dimension: &Dimension, comparison: &Comparison) -> Option<String> {
    common_host(
        dimension,
        comparison
            .shifts
            .iter()
            .map(|s| (s.label.as_str(), s.count_a + s.count_b)),
    )
}

fn common_host<'a>(
    dimension: &Dimension,
    urls: impl Iterator<Item = (&'a str, usize)>,
) -> Option<String> {
    if *dimension != Dimension::Url {
        return None;
    }
    url_pattern::host_of_most(urls).map(str::to_owned)
}

/// The listed set in words: `fault · last 1h`, or `all traces`.
pub fn set_label(state: &State) -> String {
    set_label_of(&state.list, state.range, state.group.as_deref())
}

/// Recomputes what is shown from the list, after it changed. Views not on screen are
/// recomputed when they are opened again.
pub fn refresh(state: &mut State) {
    let list = &state.list;
    let screen = state.screen;
    let analytics = &mut state.analytics;
    if analytics.histogram_shown {
        analytics.histogram = Histogram::of(&list.summaries);
        let last = analytics.histogram.buckets.len().saturating_sub(1);
        let (first, end) = analytics.band;
        analytics.band = (first.min(last), end.min(last));
    }
    if let Some(view) = analytics
        .groups
        .as_mut()
        .filter(|_| screen == Screen::Groups)
    {
        regroup(view, list);
    }
    if let Some(view) = analytics
        .compare
        .as_mut()
        .filter(|_| screen == Screen::Compare)
        && let Some(marked) = &analytics.marked
    {
        view.set_comparison(compare(
            &marked.summaries,
            &list.summaries,
            view.dimension(),
        ));
        view.label = set_label_of(list, state.range, state.group.as_deref());
    }
}

fn set_label_of(list: &TraceList, range: crate::source::TimeRange, group: Option<&str>) -> String {
    let mut parts: Vec<String> = list.filter.iter().cloned().collect();
    if range != crate::source::TimeRange::All {
        parts.push(range.label());
    }
    if let Some(group) = group {
        parts.push(format!("group {group}"));
    }
    if parts.is_empty() {
        "all traces".into()
    } else {
        parts.join(" · ")
    }
}

/// Shows or hides the histogram; shown, it starts with the slowest bucket selected.
pub fn toggle_histogram(state: &mut State) {
    let analytics = &mut state.analytics;
    analytics.histogram_shown = !analytics.histogram_shown;
    if analytics.histogram_shown {
        analytics.histogram = Histogram::of(&state.list.summaries);
        let last = analytics.histogram.buckets.len().saturating_sub(1);
        analytics.band = (last, last);
    }
}

/// Which way a band key moves the histogram's band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandMove {
    Faster,
    Slower,
    /// Its slow end one bucket faster, down to one bucket.
    Narrow,
    /// Its slow end one bucket slower.
    Widen,
}

/// Moves the histogram's band; shows the histogram first if it is hidden.
pub fn move_band(state: &mut State, how: BandMove) {
    if !state.analytics.histogram_shown {
        toggle_histogram(state);
        return;
    }
    let analytics = &mut state.analytics;
    let last = analytics.histogram.buckets.len().saturating_sub(1);
    let (first, end) = analytics.band;
    analytics.band = match how {
        BandMove::Faster if first > 0 => (first - 1, end - 1),
        BandMove::Slower if end < last => (first + 1, end + 1),
        BandMove::Narrow if end > first => (first, end - 1),
        BandMove::Widen if end < last => (first, end + 1),
        _ => (first, end),
    };
}

/// The filter that lists the selected band.
pub fn band_filter(state: &State) -> Option<String> {
    let analytics = &state.analytics;
    analytics
        .histogram
        .band_filter(analytics.band.0, analytics.band.1)
}

pub fn open_groups(state: &mut State, dimension: Option<Dimension>) {
    let dimensions = Dimension::all(&state.list.summaries);
    let previous = state
        .analytics
        .groups
        .as_ref()
        .map(|v| v.dimension().clone());
    // A list of faults alone is most likely to be asked about their root causes.
    let only_faults =
        !state.list.summaries.is_empty() && state.list.counts.faults == state.list.summaries.len();
    let wanted = dimension
        .or(previous)
        .or(only_faults.then_some(Dimension::FaultCause));
    let at = wanted
        .and_then(|d| dimensions.iter().position(|x| *x == d))
        .unwrap_or(0);
    let mut view = GroupsView {
        dimensions,
        dimension: at,
        groups: Vec::new(),
        sort: GroupSort::Count,
        descending: true,
        cursor: Cursor::default(),
        common_host: None,
    };
    regroup(&mut view, &state.list);
    state.analytics.groups = Some(view);
}

fn regroup(view: &mut GroupsView, list: &TraceList) {
    let keep = view.selected_group().map(|g| g.label.clone());
    let dimension = view.dimension().clone();
    view.dimensions = Dimension::all(&list.summaries);
    view.dimension = view
        .dimensions
        .iter()
        .position(|d| *d == dimension)
        .unwrap_or(0);
    view.set_groups(group_by(&list.summaries, view.dimension()));
    sort_keeping(view, keep);
}

/// Sorts the groups; the group labelled `keep` stays selected (or the first, if it is gone).
fn sort_keeping(view: &mut GroupsView, keep: Option<String>) {
    sort(&mut view.groups, view.sort, view.descending);
    view.cursor.selected = keep
        .and_then(|label| view.groups.iter().position(|g| g.label == label))
        .unwrap_or(0);
}

/// The next (or previous) of `count` dimensions, round the end.
fn step_around(index: usize, count: usize, forward: bool) -> usize {
    if forward {
        (index + 1) % count
    } else {
        (index + count - 1) % count
    }
}

/// Next (or previous) dimension in the group-by view.
pub fn cycle_group_dimension(view: &mut GroupsView, list: &TraceList, forward: bool) {
    view.dimension = step_around(view.dimension, view.dimensions.len(), forward);
    view.cursor.offset = 0;
    view.set_groups(group_by(&list.summaries, view.dimension()));
    sort_keeping(view, None);
}

pub fn sort_groups(view: &mut GroupsView, next_column: bool) {
    if next_column {
        view.sort = view.sort.next();
        view.descending = view.sort.descending_by_default();
    } else {
        view.descending = !view.descending;
    }
    let keep = view.selected_group().map(|g| g.label.clone());
    sort_keeping(view, keep);
}

pub fn mark(state: &mut State) -> usize {
    let summaries: Arc<[TraceSummary]> = state.list.summaries.clone().into();
    let count = summaries.len();
    state.analytics.marked = Some(MarkedSet {
        summaries,
        label: set_label(state),
    });
    count
}

/// Opens the comparison of the marked set with the list; `false` when nothing is marked.
pub fn open_compare(state: &mut State) -> bool {
    let Some(marked) = &state.analytics.marked else {
        return false;
    };
    let dimensions = Dimension::all(marked.summaries.iter().chain(&state.list.summaries));
    let wanted = state
        .analytics
        .compare
        .as_ref()
        .map(|v| v.dimension().clone())
        .unwrap_or(Dimension::Url);
    let at = dimensions.iter().position(|d| *d == wanted).unwrap_or(0);
    let comparison = compare(&marked.summaries, &state.list.summaries, &dimensions[at]);
    state.analytics.compare = Some(CompareView {
        common_host: host_of_comparison(&dimensions[at], &comparison),
        dimensions,
        dimension: at,
        comparison,
        label: set_label(state),
        cursor: Cursor::default(),
    });
    true
}

pub fn cycle_compare_dimension(state: &mut State, forward: bool) {
    let Some(marked) = state.analytics.marked.clone() else {
        return;
    };
    let Some(view) = state.analytics.compare.as_mut() else {
        return;
    };
    view.dimension = step_around(view.dimension, view.dimensions.len(), forward);
    view.cursor = Cursor::default();
    view.set_comparison(compare(
        &marked.summaries,
        &state.list.summaries,
        view.dimension(),
    ));
}
