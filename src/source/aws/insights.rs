//! X-Ray Insights: GetInsightSummaries over the time range and group (every page), and one
//! insight in full with GetInsight, its timeline from GetInsightEvents and its impact graph
//! from GetInsightImpactGraph, read into the model the computed insights use. X-Ray keeps
//! insights for 30 days and draws an impact graph over at most six hours.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_xray::primitives::DateTime;
use aws_sdk_xray::types as sdk;

use super::DEFAULT_RANGE;
use super::calls::{Caller, next_page};
use super::convert::{date_time, seconds};
use crate::analytics::anomaly::{AnomalousService, Insight, InsightEvent, InsightState, Kind};
use crate::aws::Operation;
use crate::source::{FoundInsights, GraphQuery, SourceError};

/// How far back X-Ray answers, with a minute's margin for the clocks.
const OLDEST: f64 = 30.0 * 86400.0 - 60.0;
/// The widest impact graph X-Ray draws.
const IMPACT_WINDOW: f64 = 6.0 * 3600.0;
/// The group X-Ray puts every trace in.
const DEFAULT_GROUP: &str = "Default";

/// The insights that started or ended in the query's range, newest first.
pub async fn insights(
    caller: Arc<Caller>,
    query: GraphQuery,
) -> Result<FoundInsights, SourceError> {
    let now = crate::clock::now();
    let (from, to) = query.range.unwrap_or((now - DEFAULT_RANGE, now));
    let oldest = now - OLDEST;
    let (from, to) = (from.max(oldest), to.max(oldest));
    let group = query
        .group
        .filter(|g| !g.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_GROUP.to_owned());
    let mut insights = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let asked = caller
            .call(Operation::GetInsightSummaries, |client| {
                client
                    .get_insight_summaries()
                    .group_name(group.clone())
                    .start_time(date_time(from))
                    .end_time(date_time(to.max(from + 1.0)))
                    .set_next_token(token.clone())
                    .send()
            })
            .await;
        let output = match asked {
            Ok(output) => output,
            Err(error) if says_not_enabled(&error) => {
                return Ok(FoundInsights {
                    insights: Vec::new(),
                    disabled_for: Some(group),
                });
            }
            Err(error) => return Err(error),
        };
        insights.extend(
            output
                .insight_summaries
                .unwrap_or_default()
                .into_iter()
                .filter_map(of_summary),
        );
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    insights.sort_by(|a, b| b.start.total_cmp(&a.start));
    let disabled_for = if insights.is_empty() && !enabled(&caller, &group).await {
        Some(group)
    } else {
        None
    };
    Ok(FoundInsights {
        insights,
        disabled_for,
    })
}

/// X-Ray refused the call because the group has no insights.
fn says_not_enabled(error: &SourceError) -> bool {
    let SourceError::Other(said) = error else {
        return false;
    };
    let said = said.to_lowercase();
    said.contains("insight") && (said.contains("not enabled") || said.contains("disabled"))
}

/// Whether GetGroups says the group has insights on; a group it does not list, or a call
/// that fails, says nothing against it.
async fn enabled(caller: &Caller, group: &str) -> bool {
    let mut token: Option<String> = None;
    loop {
        let Ok(output) = caller
            .call(Operation::GetGroups, |client| {
                client.get_groups().set_next_token(token.clone()).send()
            })
            .await
        else {
            return true;
        };
        let found = output
            .groups
            .unwrap_or_default()
            .into_iter()
            .find(|g| g.group_name.as_deref() == Some(group));
        if let Some(found) = found {
            return found
                .insights_configuration
                .and_then(|c| c.insights_enabled)
                .unwrap_or(false);
        }
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => return true,
        }
    }
}

/// The insight again from GetInsight, with its timeline and its impact graph.
pub async fn details(caller: Arc<Caller>, insight: Insight) -> Result<Insight, SourceError> {
    let Some(id) = insight.id.clone() else {
        return Ok(insight);
    };
    let fresh = caller
        .call(Operation::GetInsight, |client| {
            client.get_insight().insight_id(id.clone()).send()
        })
        .await?
        .insight
        .and_then(of_insight);
    let mut insight = fresh.unwrap_or(insight);
    let (events, impact) = futures::try_join!(
        events(&caller, &id),
        impact_graph(&caller, &id, insight.start, insight.end)
    )?;
    insight.events = events;
    let (services, edges) = impact;
    if !services.is_empty() {
        insight.impacted = services;
    }
    insight.impact_edges = edges;
    Ok(insight)
}

/// Every page of the insight's timeline, oldest first.
async fn events(caller: &Caller, id: &str) -> Result<Vec<InsightEvent>, SourceError> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::GetInsightEvents, |client| {
                client
                    .get_insight_events()
                    .insight_id(id)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        events.extend(
            output
                .insight_events
                .unwrap_or_default()
                .into_iter()
                .filter_map(of_event),
        );
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    events.sort_by(|a, b| a.time.total_cmp(&b.time));
    Ok(events)
}

/// The services of the impact graph and the calls between them, over the insight's first six
/// hours (X-Ray's widest).
async fn impact_graph(
    caller: &Caller,
    id: &str,
    start: f64,
    end: Option<f64>,
) -> Result<(Vec<String>, Vec<(String, String)>), SourceError> {
    let end = end
        .unwrap_or_else(crate::clock::now)
        .clamp(start + 1.0, start + IMPACT_WINDOW);
    let mut services: Vec<sdk::InsightImpactGraphService> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::GetInsightImpactGraph, |client| {
                client
                    .get_insight_impact_graph()
                    .insight_id(id)
                    .start_time(date_time(start))
                    .end_time(date_time(end))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        services.extend(output.services.unwrap_or_default());
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let names: HashMap<i32, String> = services
        .iter()
        .filter_map(|s| Some((s.reference_id?, s.name.clone()?)))
        .collect();
    let mut edges = Vec::new();
    for service in &services {
        let Some(from) = service.name.clone() else {
            continue;
        };
        for edge in service.edges() {
            if let Some(to) = edge.reference_id.and_then(|r| names.get(&r)) {
                edges.push((from.clone(), to.clone()));
            }
        }
    }
    let mut names: Vec<String> = services.into_iter().filter_map(|s| s.name).collect();
    names.sort();
    names.dedup();
    edges.sort();
    edges.dedup();
    Ok((names, edges))
}

/// The parts an insight summary and an insight share.
struct Parts {
    id: Option<String>,
    root_cause: Option<sdk::ServiceId>,
    state: Option<sdk::InsightState>,
    start: Option<DateTime>,
    end: Option<DateTime>,
    summary: Option<String>,
    client: Option<sdk::RequestImpactStatistics>,
    top: Vec<sdk::AnomalousService>,
}

fn of_summary(s: sdk::InsightSummary) -> Option<Insight> {
    of_parts(Parts {
        id: s.insight_id,
        root_cause: s.root_cause_service_id,
        state: s.state,
        start: s.start_time,
        end: s.end_time,
        summary: s.summary,
        client: s.client_request_impact_statistics,
        top: s.top_anomalous_services.unwrap_or_default(),
    })
}

fn of_insight(s: sdk::Insight) -> Option<Insight> {
    of_parts(Parts {
        id: s.insight_id,
        root_cause: s.root_cause_service_id,
        state: s.state,
        start: s.start_time,
        end: s.end_time,
        summary: s.summary,
        client: s.client_request_impact_statistics,
        top: s.top_anomalous_services.unwrap_or_default(),
    })
}

/// An insight without a start time cannot be placed, and is left out.
fn of_parts(p: Parts) -> Option<Insight> {
    let start = seconds(p.start.as_ref()?);
    let state = match p.state {
        Some(sdk::InsightState::Closed) => InsightState::Closed,
        _ => InsightState::Active,
    };
    let end = match state {
        InsightState::Closed => p.end.as_ref().map(seconds),
        InsightState::Active => None,
    };
    // FAULT is X-Ray's one category of insight.
    let kinds = vec![Kind::Fault];
    let (affected, requests) = impact(p.client.as_ref());
    let root_cause = p.root_cause.and_then(|s| s.name);
    let top: Vec<AnomalousService> = p
        .top
        .into_iter()
        .filter_map(|s| s.service_id?.name)
        .map(|name| AnomalousService {
            name,
            excess: 0.0,
            rates: None,
        })
        .collect();
    let mut impacted: Vec<String> = root_cause
        .iter()
        .cloned()
        .chain(top.iter().map(|s| s.name.clone()))
        .collect();
    impacted.sort();
    impacted.dedup();
    let filter = root_cause.as_ref().map(|name| {
        format!(
            "rootcause.fault.service {{ name = {} }}",
            crate::filter::quote(name)
        )
    });
    Some(Insight {
        kinds,
        state,
        start,
        end,
        root_cause,
        affected,
        requests,
        baseline: None,
        rate: affected as f64 / requests.max(1) as f64,
        top,
        impacted,
        filter,
        summary: p.summary.filter(|s| !s.trim().is_empty()),
        id: p.id,
        events: Vec::new(),
        impact_edges: Vec::new(),
    })
}

/// Faulted and all requests of an impact; counts X-Ray leaves out are zero.
fn impact(statistics: Option<&sdk::RequestImpactStatistics>) -> (usize, usize) {
    let Some(s) = statistics else {
        return (0, 0);
    };
    let count = |n: Option<i64>| n.unwrap_or(0).max(0) as usize;
    let faults = count(s.fault_count);
    let total = count(s.total_count).max(faults + count(s.ok_count));
    (faults, total)
}

fn of_event(e: sdk::InsightEvent) -> Option<InsightEvent> {
    let (affected, requests) = impact(e.client_request_impact_statistics.as_ref());
    Some(InsightEvent {
        time: seconds(e.event_time.as_ref()?),
        summary: e.summary.unwrap_or_default(),
        affected,
        requests,
        top: e
            .top_anomalous_services
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| s.service_id?.name)
            .collect(),
    })
}
