//! The sparklines on a source that keeps health over time of its own (live AWS): X-Ray's time
//! series of the list's filter (the whole group without one) and of the map's selected node
//! (`service("name")`) or edge (`edge("from", "to")`). Until they come, and when asking fails,
//! the sparklines computed from the listed traces stand in.

use crate::analytics::anomaly::{self, Insight};
use crate::analytics::timeline::Health;
use crate::filter::quote;
use crate::source::TimeRange;

use super::action::{Command, HealthOf, RequestId};
use super::insights::{buckets_for, health_of, map_buckets, panel_of};
use super::state::State;

/// What was asked of the source for one panel, and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesAsked {
    pub request: RequestId,
    pub range: TimeRange,
    pub group: Option<String>,
    pub entity: Option<String>,
    pub loading: bool,
    /// Why X-Ray's series are not shown.
    pub failed: Option<String>,
}

impl SeriesAsked {
    /// What the panel's title says of where its series come from.
    pub fn origin(&self) -> &'static str {
        if self.loading {
            "asking X-Ray…"
        } else if self.failed.is_some() {
            "computed (X-Ray failed)"
        } else {
            "X-Ray"
        }
    }

    /// The panel shows X-Ray's series.
    fn answered(&self) -> bool {
        !self.loading && self.failed.is_none()
    }
}

/// Whether a panel was asked for the range and group shown now (always, where the source
/// keeps no series).
pub fn still_current(state: &State, asked: Option<&SeriesAsked>) -> bool {
    !state.insights.from_source
        || asked.is_some_and(|a| a.range == state.range && a.group == state.group)
}

/// Asks for the list's series: its filter's, or the whole group's.
pub fn ask_list(state: &mut State) -> Vec<Command> {
    let entity = state.list.filter.clone();
    let buckets = buckets_for(state.width);
    ask(state, HealthOf::List, entity, buckets)
}

/// Asks for the series of the map's selected node or edge.
pub fn ask_map(state: &mut State) -> Vec<Command> {
    let Some(health) = &state.insights.map_health else {
        return Vec::new();
    };
    let entity = match &health.subject {
        (from, Some(to)) => format!("edge({}, {})", quote(from), quote(to)),
        (node, None) => format!("service({})", quote(node)),
    };
    ask(state, HealthOf::Map, Some(entity), map_buckets())
}

fn ask(state: &mut State, of: HealthOf, entity: Option<String>, buckets: usize) -> Vec<Command> {
    let request = state.new_request();
    let (range, group) = (state.range, state.group.clone());
    let panel = match of {
        HealthOf::List => state.insights.health.as_mut(),
        HealthOf::Map => state.insights.map_health.as_mut().map(|h| &mut h.panel),
    };
    let Some(panel) = panel else {
        return Vec::new();
    };
    panel.asked = Some(SeriesAsked {
        request,
        range,
        group: group.clone(),
        entity: entity.clone(),
        loading: true,
        failed: None,
    });
    vec![Command::LoadHealth {
        request,
        of,
        range,
        group,
        entity,
        buckets,
    }]
}

/// After the list changed: asks again when the range, group or filter changed; until X-Ray's
/// series are shown, the stand-in follows the list.
pub fn refresh_list(state: &mut State) -> Vec<Command> {
    let Some(panel) = &state.insights.health else {
        return Vec::new();
    };
    let asked = panel.asked.clone();
    if asked.as_ref().is_some_and(SeriesAsked::answered) && still_current_list(state, &asked) {
        return Vec::new();
    }
    let subject = super::analytics::set_label(state);
    let mut stand_in = health_of(&state.list.summaries, subject, state.width);
    if still_current_list(state, &asked) {
        stand_in.asked = asked;
        state.insights.health = Some(stand_in);
        return Vec::new();
    }
    state.insights.health = Some(stand_in);
    ask_list(state)
}

fn still_current_list(state: &State, asked: &Option<SeriesAsked>) -> bool {
    still_current(state, asked.as_ref())
        && asked
            .as_ref()
            .is_some_and(|a| a.entity == state.list.filter)
}

/// X-Ray's series for the panel that asked; a failure leaves the stand-in and answers what
/// to tell the user.
pub fn on_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Health, String>,
) -> Option<String> {
    let insights = incidents(state);
    let panel = [
        state.insights.health.as_mut(),
        state.insights.map_health.as_mut().map(|h| &mut h.panel),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.asked.as_ref().is_some_and(|a| a.request == request))?;
    let mut asked = panel.asked.take()?;
    asked.loading = false;
    match result {
        Ok(health) => {
            *panel = panel_of(health, panel.subject.clone(), &insights);
            if panel.incident.is_none()
                && let Some(run) = longest_run(&panel.health)
            {
                panel.incident = Some(run);
                panel.mark = run;
            }
            panel.asked = Some(asked);
            None
        }
        Err(said) => {
            asked.failed = Some(said.clone());
            panel.asked = Some(asked);
            Some(said)
        }
    }
}

/// The insights whose windows the sparklines tint: X-Ray's, when it named some.
fn incidents(state: &State) -> Vec<Insight> {
    state
        .insights
        .view
        .as_ref()
        .filter(|v| v.asked.is_some())
        .map(|v| v.insights.clone())
        .unwrap_or_default()
}

/// The longest stretch of buckets whose fault (else error) rate departs from the series' own
/// baseline, first and last.
fn longest_run(health: &Health) -> Option<(usize, usize)> {
    let faults = anomaly::anomalous_buckets(&health.tallies, |t| t.faults);
    let errors = anomaly::anomalous_buckets(&health.tallies, |t| t.errors);
    [faults, errors].iter().find_map(|flagged| {
        anomaly::runs(flagged)
            .into_iter()
            .max_by_key(|(a, b)| b - a)
    })
}
