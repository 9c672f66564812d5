//! The Insights screen's state and the health sparklines of the listed traces: computed from
//! the list when it changes or the view opens, never while drawing.

use crate::analytics::anomaly::{self, Insight};
use crate::analytics::timeline::{Buckets, Health, MAX_BUCKETS};
use crate::model::TraceSummary;
use crate::source::TimeRange;

use super::action::Command;
use super::cursor::Cursor;
use super::state::{Screen, State};

#[derive(Debug, Clone, Default)]
pub struct InsightsState {
    pub view: Option<InsightsView>,
    /// The filter and time range before an insight narrowed the list.
    pub before: Option<Before>,
    /// The services of the insight the list is narrowed to: the map marks them.
    pub impact: Vec<String>,
    /// The calls of that insight's impact graph, caller first (X-Ray's): the map marks them.
    pub impact_edges: Vec<(String, String)>,
    pub health: Option<HealthPanel>,
    pub map_health: Option<MapHealth>,
    /// The source keeps insights of its own (live AWS): they are asked for, not computed.
    pub from_source: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Before {
    pub filter: Option<String>,
    pub range: TimeRange,
}

#[derive(Debug, Clone)]
pub struct InsightsView {
    /// Newest first.
    pub insights: Vec<Insight>,
    pub cursor: Cursor,
    /// Where they come from: `computed from 680 listed traces`.
    pub origin: String,
    /// What was asked of a source that keeps its own insights.
    pub asked: Option<super::xray_insights::Asked>,
}

impl InsightsView {
    pub fn selected(&self) -> Option<&Insight> {
        self.insights.get(self.cursor.selected)
    }
}

/// Sparklines of a set of traces over time, with a marked stretch to make the time range.
#[derive(Debug, Clone)]
pub struct HealthPanel {
    /// What the set is: `fault · all time`.
    pub subject: String,
    pub health: Health,
    /// The buckets an insight covers, first and last.
    pub incident: Option<(usize, usize)>,
    /// The marked stretch, first and last bucket.
    pub mark: (usize, usize),
    /// Where the series come from when the source keeps them (X-Ray's time series), and
    /// what was asked; `None` when computed from the listed traces.
    pub asked: Option<super::xray_health::SeriesAsked>,
}

/// How the marked stretch moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkMove {
    Earlier,
    Later,
    Narrow,
    Widen,
}

/// The insights of `summaries`, newest first.
pub fn computed(summaries: &[TraceSummary]) -> InsightsView {
    let mut insights = anomaly::detect(summaries);
    insights.reverse();
    InsightsView {
        insights,
        cursor: Cursor::default(),
        origin: format!("computed from {} listed traces", summaries.len()),
        asked: None,
    }
}

/// Opens the Insights screen: the source's own insights, or those of the list as it is.
pub fn open(state: &mut State) -> Vec<Command> {
    if state.insights.from_source {
        return super::xray_insights::open(state);
    }
    let keep = state.insights.view.as_ref().map(|v| v.cursor);
    let mut view = computed(&state.list.summaries);
    if let Some(cursor) = keep.filter(|c| c.selected < view.insights.len()) {
        view.cursor = cursor;
    }
    state.insights.view = Some(view);
    state.screen = Screen::Insights;
    Vec::new()
}

/// The health of `summaries`, in as many buckets as a screen `width` wide shows.
pub fn health_of(summaries: &[TraceSummary], subject: String, width: u16) -> HealthPanel {
    let buckets = Buckets::of(summaries, buckets_for(width));
    let health = Health::of(summaries, buckets);
    panel_of(health, subject, &anomaly::detect(summaries))
}

/// As many buckets as a screen `width` wide shows.
pub fn buckets_for(width: u16) -> usize {
    (width.saturating_sub(22) as usize).clamp(10, MAX_BUCKETS)
}

/// Sparklines of `health`, the largest of `insights` tinted and marked.
pub fn panel_of(health: Health, subject: String, insights: &[Insight]) -> HealthPanel {
    let Some(buckets) = health.buckets else {
        return HealthPanel {
            subject,
            health,
            incident: None,
            mark: (0, 0),
            asked: None,
        };
    };
    let incident = insights
        .iter()
        .max_by(|a, b| {
            a.affected
                .cmp(&b.affected)
                .then(a.start.total_cmp(&b.start))
        })
        .and_then(|insight| {
            let first = buckets.index(insight.start.max(buckets.start))?;
            let end = insight.end.unwrap_or(f64::INFINITY) - buckets.width / 2.0;
            let last = buckets.index(end).unwrap_or(buckets.count - 1);
            Some((first, last.max(first)))
        });
    let last = buckets.count.saturating_sub(1);
    let mark = incident.unwrap_or((last.saturating_sub(last / 4), last));
    HealthPanel {
        subject,
        health,
        incident,
        mark,
        asked: None,
    }
}

/// Recomputes what is shown after the list changed (a source's own insights are asked for
/// again only when the range or group changed).
pub fn refresh(state: &mut State) -> Vec<Command> {
    if state.insights.from_source {
        let mut commands = super::xray_health::refresh_list(state);
        commands.extend(super::xray_insights::refresh(state));
        return commands;
    }
    if state.insights.health.is_some() {
        let subject = super::analytics::set_label(state);
        state.insights.health = Some(health_of(&state.list.summaries, subject, state.width));
    }
    if state.screen == Screen::Insights {
        return open(state);
    }
    Vec::new()
}

pub fn toggle_health(state: &mut State) -> Vec<Command> {
    if state.insights.health.take().is_some() {
        return Vec::new();
    }
    let subject = super::analytics::set_label(state);
    state.insights.health = Some(health_of(&state.list.summaries, subject, state.width));
    if state.insights.from_source {
        return super::xray_health::ask_list(state);
    }
    Vec::new()
}

pub fn move_mark(panel: &mut HealthPanel, how: MarkMove) {
    let last = panel.health.len().saturating_sub(1);
    let (first, end) = panel.mark;
    panel.mark = match how {
        MarkMove::Earlier if first > 0 => (first - 1, end - 1),
        MarkMove::Later if end < last => (first + 1, end + 1),
        MarkMove::Narrow if end > first => (first, end - 1),
        MarkMove::Widen if end < last => (first, end + 1),
        MarkMove::Widen if first > 0 => (first - 1, end),
        _ => (first, end),
    };
}

/// The marked stretch in epoch seconds.
pub fn mark_window(panel: &HealthPanel) -> Option<(f64, f64)> {
    let buckets = panel.health.buckets?;
    let (first, last) = panel.mark;
    Some((buckets.bounds(first).0, buckets.bounds(last).1))
}

/// The sparklines of the map's selected node or edge, and which one they are of.
#[derive(Debug, Clone)]
pub struct MapHealth {
    /// The node's name, and the edge's far end when an edge is selected.
    pub subject: (String, Option<String>),
    pub panel: HealthPanel,
}

/// Sparkline panels in the map's side panel are this wide: the side panel but its border and
/// margin.
const MAP_PANEL_WIDTH: u16 = crate::layout::screen::MAP_DETAILS_WIDTH - 2;
/// The width whose buckets ([`buckets_for`]) fit the map's panel: a panel draws its bars in
/// its width but 19 columns of labels and peaks, and a range can take one bucket more than
/// asked.
const MAP_BUCKETS_WIDTH: u16 = MAP_PANEL_WIDTH + 22 - 19 - 1;

/// Computes the selected node's or edge's sparklines when the selection changed: the listed
/// traces that went through the node, or through both ends of the edge; X-Ray's time series
/// of the node or edge are asked for where the source keeps them.
pub fn refresh_map_health(state: &mut State) -> Vec<Command> {
    let Some(subject) = map_subject(state) else {
        state.insights.map_health = None;
        return Vec::new();
    };
    if state.insights.map_health.as_ref().is_some_and(|h| {
        h.subject == subject && super::xray_health::still_current(state, h.panel.asked.as_ref())
    }) {
        return Vec::new();
    }
    let through = |s: &TraceSummary, name: &str| s.services.iter().any(|x| x.name == name);
    let summaries: Vec<TraceSummary> = state
        .list
        .summaries
        .iter()
        .filter(|s| through(s, &subject.0) && subject.1.as_deref().is_none_or(|to| through(s, to)))
        .cloned()
        .collect();
    let label = match &subject.1 {
        Some(to) => format!("{} → {to}", subject.0),
        None => subject.0.clone(),
    };
    let panel = health_of(&summaries, label, MAP_BUCKETS_WIDTH);
    state.insights.map_health = Some(MapHealth { subject, panel });
    if state.insights.from_source {
        return super::xray_health::ask_map(state);
    }
    Vec::new()
}

/// The map's panels hold this many buckets.
pub fn map_buckets() -> usize {
    buckets_for(MAP_BUCKETS_WIDTH)
}

fn map_subject(state: &State) -> Option<(String, Option<String>)> {
    let view = state.map.as_ref()?;
    let model = &view.drawing()?.model;
    let node = model.nodes.get(view.selected)?;
    match view.edge.and_then(|e| model.edges.get(e)) {
        Some(edge) => Some((
            model.nodes.get(edge.from)?.name.clone(),
            Some(model.nodes.get(edge.to)?.name.clone()),
        )),
        None => Some((node.name.clone(), None)),
    }
}
