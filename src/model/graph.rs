//! The service graph, shaped like the GetServiceGraph response: read from the API or files,
//! or computed from assembled traces following X-Ray's rules.

mod build;
mod merge;
mod nodes;
#[cfg(test)]
mod tests;
mod wire;

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::lenient;
use super::trace::Trace;

pub(crate) use merge::{earliest, latest};
pub use nodes::{calls_to_inferred_services, inferred_key, is_call, node_key};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceGraph {
    #[serde(deserialize_with = "wire::list")]
    pub services: Vec<ServiceNode>,
    #[serde(
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<f64>,
    #[serde(
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<f64>,
    #[serde(deserialize_with = "lenient::flag")]
    pub contains_old_group_versions: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceNode {
    #[serde(deserialize_with = "lenient::integer")]
    pub reference_id: Option<i64>,
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "wire::list")]
    pub names: Vec<String>,
    #[serde(
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_id: Option<String>,
    #[serde(rename = "Type", deserialize_with = "lenient::text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub state: Option<String>,
    #[serde(deserialize_with = "lenient::number")]
    pub start_time: Option<f64>,
    #[serde(deserialize_with = "lenient::number")]
    pub end_time: Option<f64>,
    #[serde(deserialize_with = "lenient::flag", skip_serializing_if = "is_false")]
    pub root: bool,
    #[serde(deserialize_with = "wire::list")]
    pub edges: Vec<Edge>,
    #[serde(
        deserialize_with = "lenient::object",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary_statistics: Option<Statistics>,
    #[serde(deserialize_with = "wire::list", skip_serializing_if = "Vec::is_empty")]
    pub duration_histogram: Vec<HistogramEntry>,
    #[serde(deserialize_with = "wire::list", skip_serializing_if = "Vec::is_empty")]
    pub response_time_histogram: Vec<HistogramEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Edge {
    #[serde(deserialize_with = "lenient::integer")]
    pub reference_id: Option<i64>,
    #[serde(deserialize_with = "lenient::number")]
    pub start_time: Option<f64>,
    #[serde(deserialize_with = "lenient::number")]
    pub end_time: Option<f64>,
    #[serde(
        deserialize_with = "lenient::object",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary_statistics: Option<Statistics>,
    #[serde(deserialize_with = "wire::list")]
    pub response_time_histogram: Vec<HistogramEntry>,
    #[serde(deserialize_with = "wire::list")]
    pub aliases: Vec<serde_json::Value>,
}

/// Request counts and total response time, for a node or an edge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Statistics {
    #[serde(deserialize_with = "wire::count")]
    pub ok_count: i64,
    #[serde(deserialize_with = "wire::object_or_default")]
    pub error_statistics: ErrorStatistics,
    #[serde(deserialize_with = "wire::object_or_default")]
    pub fault_statistics: FaultStatistics,
    #[serde(deserialize_with = "wire::count")]
    pub total_count: i64,
    #[serde(deserialize_with = "wire::seconds")]
    pub total_response_time: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ErrorStatistics {
    #[serde(deserialize_with = "wire::count")]
    pub throttle_count: i64,
    #[serde(deserialize_with = "wire::count")]
    pub other_count: i64,
    #[serde(deserialize_with = "wire::count")]
    pub total_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FaultStatistics {
    #[serde(deserialize_with = "wire::count")]
    pub other_count: i64,
    #[serde(deserialize_with = "wire::count")]
    pub total_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HistogramEntry {
    #[serde(deserialize_with = "wire::seconds")]
    pub value: f64,
    #[serde(deserialize_with = "wire::count")]
    pub count: i64,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl Statistics {
    pub fn fault_count(&self) -> i64 {
        self.fault_statistics.total_count
    }

    pub fn error_count(&self) -> i64 {
        self.error_statistics.total_count
    }

    pub fn throttle_count(&self) -> i64 {
        self.error_statistics.throttle_count
    }
}

/// A node's identity across queries: (type, name). ReferenceIds are not stable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey {
    pub kind: String,
    pub name: String,
}

impl ServiceNode {
    pub fn key(&self) -> NodeKey {
        NodeKey {
            kind: self.kind.clone().unwrap_or_default(),
            name: self.name.clone().unwrap_or_default(),
        }
    }
}

impl ServiceGraph {
    /// The graph as a petgraph `DiGraph` keyed by (type, name); edge weights index into the
    /// source node's `edges`. Edges to unknown reference ids are dropped.
    pub fn digraph(&self) -> DiGraph<usize, (usize, usize)> {
        let mut graph = DiGraph::new();
        let mut by_key: HashMap<NodeKey, NodeIndex> = HashMap::new();
        let mut by_reference: HashMap<i64, NodeIndex> = HashMap::new();
        for (index, node) in self.services.iter().enumerate() {
            let at = *by_key
                .entry(node.key())
                .or_insert_with(|| graph.add_node(index));
            if let Some(reference) = node.reference_id {
                by_reference.insert(reference, at);
            }
        }
        for (index, node) in self.services.iter().enumerate() {
            let from = by_key[&node.key()];
            for (edge_index, edge) in node.edges.iter().enumerate() {
                if let Some(&to) = edge.reference_id.and_then(|r| by_reference.get(&r)) {
                    graph.add_edge(from, to, (index, edge_index));
                }
            }
        }
        graph
    }

    /// Computes the service graph of a set of traces as X-Ray would: a client node before
    /// each entry service, a node per service (name and origin), inferred nodes for calls to
    /// AWS services, databases and remote APIs that sent no segment of their own.
    pub fn from_traces<'a>(traces: impl IntoIterator<Item = &'a Trace>) -> ServiceGraph {
        let mut builder = build::Builder::default();
        for trace in traces {
            builder.add_trace(trace);
        }
        builder.finish()
    }
}
