//! The Insights screen on a source that keeps insights of its own (live AWS): they are asked
//! for over the time range and group, shown as "loading" until they come, asked again when the
//! range or group changed, and the selected one is asked for in full (its timeline and impact
//! graph). A failed call keeps what was loaded and says why on the screen; with nothing loaded
//! the screen shows the insights computed from the listed traces.

use std::collections::HashSet;

use crate::analytics::anomaly::Insight;
use crate::source::{FoundInsights, TimeRange};

use super::action::{Command, RequestId};
use super::cursor::Cursor;
use super::insights::{InsightsView, computed};
use super::state::{Screen, State};

/// What was asked of the source, and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub request: RequestId,
    pub range: TimeRange,
    pub group: Option<String>,
    pub loading: bool,
    /// Why the screen shows less than X-Ray has, or nothing.
    pub notice: Option<Notice>,
    /// The request for the selected insight in full, and that insight's id.
    pub details: Option<(RequestId, String)>,
    /// The insights already had in full, by id.
    pub detailed: HashSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// X-Ray Insights are off for this group.
    Disabled { group: String },
    /// A call failed (denied, throttled, …): its words.
    Failed(String),
}

impl Notice {
    /// The lines the screen shows.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Notice::Disabled { group } => vec![
                format!("X-Ray Insights are not enabled for the group {group}."),
                format!(
                    "Enable them with: aws xray update-group --group-name {group} \
                     --insights-configuration InsightsEnabled=true"
                ),
                "X-Ray finds insights in the traces that arrive after that.".to_owned(),
            ],
            Notice::Failed(said) => vec![said.clone()],
        }
    }
}

fn group_label(group: &Option<String>) -> String {
    format!(
        "X-Ray Insights · group {}",
        group.as_deref().unwrap_or("Default")
    )
}

/// Opens the screen, asking the source when the range or group changed since it was last
/// asked, or when that failed.
pub fn open(state: &mut State) -> Vec<Command> {
    state.screen = Screen::Insights;
    let fresh = state
        .insights
        .view
        .as_ref()
        .and_then(|v| v.asked.as_ref())
        .is_some_and(|a| {
            a.range == state.range
                && a.group == state.group
                && !matches!(a.notice, Some(Notice::Failed(_)))
        });
    if fresh {
        return Vec::new();
    }
    ask(state)
}

/// Asks again when the range or group changed while the screen is shown.
pub fn refresh(state: &mut State) -> Vec<Command> {
    let changed = state
        .insights
        .view
        .as_ref()
        .and_then(|v| v.asked.as_ref())
        .is_none_or(|a| a.range != state.range || a.group != state.group);
    if state.screen == Screen::Insights && changed {
        return ask(state);
    }
    Vec::new()
}

fn ask(state: &mut State) -> Vec<Command> {
    let request = state.new_request();
    let (range, group) = (state.range, state.group.clone());
    let same = |v: &InsightsView| {
        v.asked
            .as_ref()
            .is_some_and(|a| a.range == range && a.group == group)
    };
    // Asking again for the same range keeps what was loaded until the answer comes.
    let view = match state.insights.view.take() {
        Some(view) if same(&view) => view,
        _ => InsightsView {
            insights: Vec::new(),
            cursor: Cursor::default(),
            origin: group_label(&group),
            asked: None,
        },
    };
    state.insights.view = Some(InsightsView {
        origin: group_label(&group),
        asked: Some(Asked {
            request,
            range,
            group: group.clone(),
            loading: true,
            notice: None,
            details: None,
            detailed: HashSet::new(),
        }),
        ..view
    });
    vec![Command::LoadInsights {
        request,
        range,
        group,
    }]
}

pub fn on_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<FoundInsights, String>,
) -> Vec<Command> {
    let listed = state.list.summaries.len();
    let Some(view) = state.insights.view.as_mut() else {
        return Vec::new();
    };
    let Some(asked) = view.asked.as_mut().filter(|a| a.request == request) else {
        return Vec::new();
    };
    asked.loading = false;
    match result {
        Ok(found) => {
            asked.notice = found.disabled_for.map(|group| Notice::Disabled { group });
            view.insights = found.insights;
            view.origin = group_label(&asked.group);
            let len = view.insights.len();
            view.cursor.selected = view.cursor.selected.min(len.saturating_sub(1));
            view.cursor.offset = view.cursor.offset.min(view.cursor.selected);
        }
        Err(said) => {
            asked.notice = Some(Notice::Failed(said));
            if view.insights.is_empty() {
                let own = computed(&state.list.summaries);
                view.insights = own.insights;
                view.origin = format!("computed from {listed} listed traces");
                view.cursor = Cursor::default();
            }
            return Vec::new();
        }
    }
    details_of_selected(state)
}

/// Asks for the selected insight in full, unless it was had or is being asked for.
pub fn details_of_selected(state: &mut State) -> Vec<Command> {
    if !state.insights.from_source {
        return Vec::new();
    }
    let Some(view) = state.insights.view.as_ref() else {
        return Vec::new();
    };
    let Some(insight) = view.selected().filter(|i| i.id.is_some()).cloned() else {
        return Vec::new();
    };
    let id = insight.id.clone().unwrap_or_default();
    let Some(asked) = view.asked.as_ref() else {
        return Vec::new();
    };
    if asked.detailed.contains(&id) || asked.details.as_ref().is_some_and(|(_, i)| *i == id) {
        return Vec::new();
    }
    let request = state.new_request();
    if let Some(asked) = state.insights.view.as_mut().and_then(|v| v.asked.as_mut()) {
        asked.details = Some((request, id));
    }
    vec![Command::LoadInsightDetails {
        request,
        insight: Box::new(insight),
    }]
}

pub fn on_details_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Box<Insight>, String>,
) {
    let Some(view) = state.insights.view.as_mut() else {
        return;
    };
    let Some(asked) = view.asked.as_mut() else {
        return;
    };
    let Some((_, id)) = asked.details.take_if(|(r, _)| *r == request) else {
        return;
    };
    match result {
        Ok(full) => {
            asked.detailed.insert(id.clone());
            if let Some(slot) = view
                .insights
                .iter_mut()
                .find(|i| i.id.as_deref() == Some(id.as_str()))
            {
                *slot = *full;
            }
        }
        Err(said) => asked.notice = Some(Notice::Failed(said)),
    }
}
