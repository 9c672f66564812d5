//! `--print map`: the whole service map as a table of services and a table of calls, worst
//! first; no layout, and service names are never cut (they are what the reader looks for).

use serde_json::{Value, json};

use super::report::{Block, Report};
use super::table::{Align, Table};
use super::{Glyphs, Options};
use crate::app::State;
use crate::app::map::{MapModel, MapNode, type_marker};
use crate::model::graph_stats::Health;
use crate::source::TimeRange;
use crate::text::count::count;

fn model(state: &State) -> Option<&MapModel> {
    state.map.as_ref()?.whole.as_deref()
}

/// Nodes, worst first: status, then fault rate, then requests.
fn node_order(model: &MapModel) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.nodes.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&model.nodes[a], &model.nodes[b]);
        b.health
            .status()
            .cmp(&a.health.status())
            .then(b.health.fault_rate().total_cmp(&a.health.fault_rate()))
            .then(b.health.requests.cmp(&a.health.requests))
            .then(a.name.cmp(&b.name))
    });
    order
}

fn edge_order(model: &MapModel) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.edges.len()).collect();
    let name = |n: usize| model.nodes[n].name.as_str();
    order.sort_by(|&a, &b| {
        let (a, b) = (&model.edges[a], &model.edges[b]);
        b.health
            .status()
            .cmp(&a.health.status())
            .then(b.health.faults.cmp(&a.health.faults))
            .then(name(a.from).cmp(name(b.from)))
            .then(name(a.to).cmp(name(b.to)))
    });
    order
}

/// `1.2%` of the requests (the counts are in the JSON); `0` for none.
fn share(n: i64, health: &Health) -> String {
    if n > 0 && health.requests > 0 {
        format!("{:.1}%", n as f64 * 100.0 / health.requests as f64)
    } else {
        n.to_string()
    }
}

fn latency(value: Option<f64>, glyphs: Glyphs) -> String {
    value.map(|d| glyphs.duration(d)).unwrap_or_default()
}

pub fn report(state: &State, options: &Options) -> Report {
    let title = format!("Service map of {}", state.source_label);
    let Some(model) = model(state) else {
        return Report::new(format!("{title}: no data"));
    };
    let glyphs = options.glyphs;
    let mut report = Report::new(title);
    let faulting: Vec<&str> = node_order(model)
        .into_iter()
        .map(|n| &model.nodes[n])
        .filter(|n| n.health.faults > 0)
        .map(|n| n.name.as_str())
        .collect();
    let mut facts = vec![
        (
            "Map".to_owned(),
            format!(
                "{}, {}",
                count(model.nodes.len(), "service"),
                count(model.edges.len(), "call")
            ),
        ),
        (
            "Time range".into(),
            match state.range {
                TimeRange::All => "all time".into(),
                range => range.label(),
            },
        ),
    ];
    if let Some(group) = &state.group {
        facts.push(("Group".into(), group.clone()));
    }
    facts.push((
        "With faults".into(),
        if faulting.is_empty() {
            "none".into()
        } else {
            faulting.join(", ")
        },
    ));
    report.push(Block::Facts(facts));

    report.push(Block::Heading("Services".into()));
    let mut nodes = Table::new(&with_health(&[
        ("Service", Align::Left),
        ("Type", Align::Left),
    ]));
    for n in node_order(model) {
        let node = &model.nodes[n];
        let h = &node.health;
        let name = if node.root {
            format!("{} (entry)", node.name)
        } else {
            node.name.clone()
        };
        let mut row = vec![name, type_marker(&node.kind).to_owned()];
        row.extend(health_cells(h, glyphs));
        nodes.push(row);
    }
    report.push(Block::Table(nodes));

    report.push(Block::Heading("Calls".into()));
    let mut edges = Table::new(&with_health(&[("From", Align::Left), ("To", Align::Left)]));
    for e in edge_order(model) {
        let edge = &model.edges[e];
        let h = &edge.health;
        let mut row = vec![
            end_name(&model.nodes[edge.from]),
            end_name(&model.nodes[edge.to]),
        ];
        row.extend(health_cells(h, glyphs));
        edges.push(row);
    }
    if model.edges.is_empty() {
        report.push(Block::Note("No calls between services.".into()));
    } else {
        report.push(Block::Table(edges));
    }
    report
}

/// `first`, then the columns of a service's or a call's health.
fn with_health<'a>(first: &[(&'a str, Align)]) -> Vec<(&'a str, Align)> {
    let mut columns = first.to_vec();
    columns.extend([
        ("Status", Align::Left),
        ("Requests", Align::Right),
        ("Faults", Align::Right),
        ("Errors", Align::Right),
        ("Throttles", Align::Right),
        ("Average", Align::Right),
        ("p90", Align::Right),
    ]);
    columns
}

/// The cells under [`with_health`]'s columns.
fn health_cells(h: &Health, glyphs: Glyphs) -> [String; 7] {
    [
        glyphs.status_words(h.status()),
        h.requests.to_string(),
        share(h.faults, h),
        share(h.errors, h),
        share(h.throttles, h),
        latency(h.average, glyphs),
        latency(h.p90, glyphs),
    ]
}

/// A call's end: the clients that call a service are named by it, so they say so.
fn end_name(node: &MapNode) -> String {
    if node.kind == "client" {
        format!("{} (client)", node.name)
    } else {
        node.name.clone()
    }
}

fn health_json(h: &Health) -> Value {
    json!({
        "status": h.status().label(),
        "requests": h.requests,
        "ok": h.ok,
        "errors": h.errors,
        "throttles": h.throttles,
        "faults": h.faults,
        "average": h.average,
        "p50": h.p50,
        "p90": h.p90,
        "p99": h.p99,
        "per_minute": h.per_minute,
    })
}

/// `{"services": [...], "edges": [...]}`; an edge names its ends by their index in
/// `services` and by name. Latencies in seconds.
pub fn json(state: &State) -> Value {
    let Some(model) = model(state) else {
        return json!({ "services": [], "edges": [] });
    };
    let services: Vec<Value> = model
        .nodes
        .iter()
        .map(|n| {
            json!({
                "name": n.name,
                "type": n.kind,
                "entry": n.root,
                "health": health_json(&n.health),
            })
        })
        .collect();
    let edges: Vec<Value> = model
        .edges
        .iter()
        .map(|e| {
            json!({
                "from": e.from,
                "to": e.to,
                "from_name": model.nodes[e.from].name,
                "to_name": model.nodes[e.to].name,
                "health": health_json(&e.health),
            })
        })
        .collect();
    json!({ "services": services, "edges": edges })
}
