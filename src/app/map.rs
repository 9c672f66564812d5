//! The service map as the app sees it: nodes keyed by (type, name) with their health, edges
//! between them, and what each node's box says. Built once per graph, off the UI thread,
//! together with its layout.

use std::sync::Arc;

use crate::layout::graph::{BoxSize, EdgeRuns, LayoutInput, MapLayout};
use crate::model::ServiceGraph;
use crate::model::graph::HistogramEntry;
use crate::model::graph_stats::Health;
use crate::text::duration::format_duration;

#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    pub name: String,
    /// The X-Ray node type (`AWS::EC2::Instance`, `client`, `remote`...); empty when unknown.
    pub kind: String,
    pub root: bool,
    /// How many services the box stands for: 1, or more for a folded type.
    pub members: usize,
    pub health: Health,
    pub histogram: Vec<HistogramEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapEdge {
    pub from: usize,
    pub to: usize,
    pub health: Health,
    pub histogram: Vec<HistogramEntry>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapModel {
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
}

impl MapModel {
    pub fn of(graph: &ServiceGraph) -> MapModel {
        let window = graph.start_time.zip(graph.end_time);
        let digraph = graph.digraph();
        let nodes = digraph
            .node_indices()
            .map(|n| {
                let service = &graph.services[digraph[n]];
                let node_window = service.start_time.zip(service.end_time).or(window);
                MapNode {
                    name: service.name.clone().unwrap_or_default(),
                    kind: service.kind.clone().unwrap_or_default(),
                    root: service.root,
                    members: 1,
                    health: Health::of(
                        service.summary_statistics.as_ref(),
                        &service.response_time_histogram,
                        node_window,
                    ),
                    histogram: service.response_time_histogram.clone(),
                }
            })
            .collect();
        let edges = digraph
            .edge_indices()
            .filter_map(|e| {
                let (from, to) = digraph.edge_endpoints(e)?;
                let (service, edge) = digraph[e];
                let edge = &graph.services[service].edges[edge];
                let edge_window = edge.start_time.zip(edge.end_time).or(window);
                Some(MapEdge {
                    from: from.index(),
                    to: to.index(),
                    health: Health::of(
                        edge.summary_statistics.as_ref(),
                        &edge.response_time_histogram,
                        edge_window,
                    ),
                    histogram: edge.response_time_histogram.clone(),
                })
            })
            .collect();
        MapModel { nodes, edges }
    }

    /// Edges that start or end at a node: outgoing first, then incoming.
    pub fn edges_of(&self, node: usize) -> Vec<usize> {
        let outgoing = (0..self.edges.len()).filter(|&e| self.edges[e].from == node);
        let incoming = (0..self.edges.len())
            .filter(|&e| self.edges[e].to == node && self.edges[e].from != node);
        outgoing.chain(incoming).collect()
    }

    /// The nodes to start from: entry services (roots) or, failing that, the first node.
    pub fn first_node(&self) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.root)
            .or((!self.nodes.is_empty()).then_some(0))
    }
}

/// A short label for a node type, readable without colour.
pub fn type_marker(kind: &str) -> &str {
    match kind {
        "client" => "client",
        "remote" => "remote",
        "Database::SQL" => "SQL",
        "AWS::EC2::Instance" => "EC2",
        "AWS::ECS::Container" => "ECS",
        "AWS::EKS::Container" => "EKS",
        "AWS::ElasticBeanstalk::Environment" => "Beanstalk",
        "AWS::Lambda" => "Lambda",
        "AWS::Lambda::Function" => "λ function",
        "AWS::ApiGateway::Stage" => "API Gateway",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB" => "DynamoDB",
        "AWS::SQS::Queue" | "AWS::SQS" => "SQS",
        "AWS::SNS" | "AWS::SNS::Topic" => "SNS",
        "AWS::S3::Bucket" | "AWS::S3" => "S3",
        "" => "service",
        other => other.strip_prefix("AWS::").unwrap_or(other),
    }
}

/// A node's type for the details panel: the short label and the X-Ray type, said once when
/// they are the same (`client`, not `client client`).
pub fn kind_label(kind: &str) -> String {
    let marker = type_marker(kind);
    if kind.is_empty() || marker == kind {
        marker.to_owned()
    } else {
        format!("{marker} {kind}")
    }
}

/// Widest a box gets; longer names are cut.
const MAX_BOX_WIDTH: u16 = 32;

/// The lines inside a node's box (between its borders).
pub fn box_lines(node: &MapNode, compact: bool) -> Vec<String> {
    if compact {
        return vec![node.name.clone()];
    }
    let health = &node.health;
    let average = health
        .average
        .map(format_duration)
        .unwrap_or_else(|| "–".into());
    let mut second = format!("{}  {average}", type_marker(&node.kind));
    if node.kind == "client" {
        second = "client".into();
    }
    let rate = |r: f64| {
        if r > 0.0 && r < 0.01 {
            "<1%".to_owned()
        } else {
            format!("{:.0}%", r * 100.0)
        }
    };
    let per_minute = health.per_minute.map(|m| {
        if m >= 10.0 {
            format!("{m:.0}/min")
        } else {
            format!("{m:.1}/min")
        }
    });
    let mut third = per_minute.unwrap_or_default();
    if health.faults > 0 {
        third.push_str(&format!("  ✖{}", rate(health.fault_rate())));
    }
    if health.errors + health.throttles > 0 {
        third.push_str(&format!(
            "  !{}",
            rate(health.error_rate() + health.throttle_rate())
        ));
    }
    vec![node.name.clone(), second, third]
}

pub fn box_size(node: &MapNode, compact: bool) -> BoxSize {
    let lines = box_lines(node, compact);
    let widest = lines
        .iter()
        .map(|l| crate::text::width(&crate::text::clean(l)))
        .max()
        .unwrap_or(0) as u16;
    BoxSize {
        width: (widest + 4).clamp(12, MAX_BOX_WIDTH),
        height: lines.len() as u16 + 2,
    }
}

/// A map ready to draw: the model, its layout and the runs of its edges, from which the cells
/// in view are made when drawn.
#[derive(Debug)]
pub struct MapDrawing {
    pub model: Arc<MapModel>,
    pub compact: bool,
    pub ascii: bool,
    pub layout: MapLayout,
    pub edge_runs: EdgeRuns,
}

/// Lays the model out (the slow part: the worker runs it on a blocking thread, once per
/// graph and mode; panning and selection never do).
pub fn lay_out(model: Arc<MapModel>, compact: bool, ascii: bool) -> MapDrawing {
    let input = LayoutInput {
        nodes: model.nodes.iter().map(|n| box_size(n, compact)).collect(),
        edges: model.edges.iter().map(|e| (e.from, e.to)).collect(),
    };
    let layout = crate::layout::graph::layout(&input);
    let edge_runs = EdgeRuns::new(&layout);
    MapDrawing {
        model,
        compact,
        ascii,
        layout,
        edge_runs,
    }
}
