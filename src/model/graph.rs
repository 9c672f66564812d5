//! The service graph, shaped like the GetServiceGraph response: read from the API or files,
//! or computed from assembled traces following X-Ray's rules.

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::lenient;
use super::segment::Segment;
use super::trace::{Span, Trace};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceGraph {
    #[serde(deserialize_with = "lenient::list")]
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
    #[serde(deserialize_with = "lenient::list")]
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
    #[serde(deserialize_with = "lenient::list")]
    pub edges: Vec<Edge>,
    #[serde(
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary_statistics: Option<Statistics>,
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub duration_histogram: Vec<HistogramEntry>,
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
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
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary_statistics: Option<Statistics>,
    #[serde(deserialize_with = "lenient::list")]
    pub response_time_histogram: Vec<HistogramEntry>,
    #[serde(deserialize_with = "lenient::list")]
    pub aliases: Vec<serde_json::Value>,
}

/// Request counts and total response time, for a node or an edge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Statistics {
    #[serde(deserialize_with = "lenient::or_default")]
    pub ok_count: i64,
    #[serde(deserialize_with = "lenient::or_default")]
    pub error_statistics: ErrorStatistics,
    #[serde(deserialize_with = "lenient::or_default")]
    pub fault_statistics: FaultStatistics,
    #[serde(deserialize_with = "lenient::or_default")]
    pub total_count: i64,
    #[serde(deserialize_with = "lenient::or_default")]
    pub total_response_time: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ErrorStatistics {
    pub throttle_count: i64,
    pub other_count: i64,
    pub total_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FaultStatistics {
    pub other_count: i64,
    pub total_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HistogramEntry {
    #[serde(deserialize_with = "lenient::or_default")]
    pub value: f64,
    #[serde(deserialize_with = "lenient::or_default")]
    pub count: i64,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl Statistics {
    fn record(&mut self, segment: &Segment) {
        self.total_count += 1;
        if segment.fault {
            self.fault_statistics.total_count += 1;
            self.fault_statistics.other_count += 1;
        } else if segment.throttle || segment.error {
            self.error_statistics.total_count += 1;
            if segment.throttle {
                self.error_statistics.throttle_count += 1;
            } else {
                self.error_statistics.other_count += 1;
            }
        } else {
            self.ok_count += 1;
        }
        self.total_response_time += segment.duration().unwrap_or(0.0);
    }

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
        let mut builder = Builder::default();
        for trace in traces {
            builder.add_trace(trace);
        }
        builder.finish()
    }
}

#[derive(Default)]
struct NodeAcc {
    root: bool,
    start: Option<f64>,
    end: Option<f64>,
    stats: Option<Statistics>,
    durations: BTreeMap<i64, i64>,
    response_times: BTreeMap<i64, i64>,
}

#[derive(Default)]
struct EdgeAcc {
    start: Option<f64>,
    end: Option<f64>,
    stats: Statistics,
    response_times: BTreeMap<i64, i64>,
}

#[derive(Default)]
struct Builder {
    nodes: BTreeMap<NodeKey, NodeAcc>,
    edges: BTreeMap<(NodeKey, NodeKey), EdgeAcc>,
}

/// Histogram values are kept to the millisecond, as X-Ray reports them.
fn bucket(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

fn widen(start: &mut Option<f64>, end: &mut Option<f64>, segment: &Segment) {
    if let Some(s) = segment.start_time {
        *start = Some(start.map_or(s, |v| v.min(s)));
        let e = segment.end_time.unwrap_or(s);
        *end = Some(end.map_or(e, |v| v.max(e)));
    }
}

impl Builder {
    fn add_trace(&mut self, trace: &Trace) {
        let spans = &trace.spans;
        let calls = calls_to_inferred_services(trace);
        for (index, span) in spans.iter().enumerate() {
            if span.is_segment() {
                self.add_service(span, trace);
                continue;
            }
            if calls[index] {
                let caller = node_key(&spans[span.service as usize]);
                let callee = inferred_key(&span.segment);
                self.record_node(&callee, &span.segment, false);
                self.record_edge(caller, callee, &span.segment);
            }
        }
    }

    fn add_service(&mut self, span: &Span, trace: &Trace) {
        let key = node_key(span);
        let is_root = span.parent.is_none() && span.detached.is_none();
        self.record_node(&key, &span.segment, is_root);
        match span.parent {
            None if is_root => {
                let client = NodeKey {
                    kind: "client".into(),
                    name: key.name.clone(),
                };
                let acc = self.nodes.entry(client.clone()).or_default();
                widen(&mut acc.start, &mut acc.end, &span.segment);
                self.record_edge(client, key, &span.segment);
            }
            Some(parent) => {
                let call = &trace.spans[parent as usize];
                let caller = node_key(&trace.spans[call.service as usize]);
                let measured = if call.is_segment() {
                    &span.segment
                } else {
                    &call.segment
                };
                self.record_edge(caller, key, measured);
            }
            None => {}
        }
    }

    fn record_node(&mut self, key: &NodeKey, segment: &Segment, root: bool) {
        let acc = self.nodes.entry(key.clone()).or_default();
        acc.root |= root;
        widen(&mut acc.start, &mut acc.end, segment);
        acc.stats
            .get_or_insert_with(Statistics::default)
            .record(segment);
        if let Some(duration) = segment.duration() {
            *acc.durations.entry(bucket(duration)).or_default() += 1;
            *acc.response_times.entry(bucket(duration)).or_default() += 1;
        }
    }

    fn record_edge(&mut self, from: NodeKey, to: NodeKey, segment: &Segment) {
        // Both ends are nodes even when only this edge names them (a detached subsegment).
        self.nodes.entry(from.clone()).or_default();
        self.nodes.entry(to.clone()).or_default();
        let acc = self.edges.entry((from, to)).or_default();
        widen(&mut acc.start, &mut acc.end, segment);
        acc.stats.record(segment);
        if let Some(duration) = segment.duration() {
            *acc.response_times.entry(bucket(duration)).or_default() += 1;
        }
    }

    fn finish(self) -> ServiceGraph {
        let reference: HashMap<&NodeKey, i64> = self
            .nodes
            .keys()
            .enumerate()
            .map(|(i, key)| (key, i as i64))
            .collect();
        let histogram = |map: &BTreeMap<i64, i64>| {
            map.iter()
                .map(|(&ms, &count)| HistogramEntry {
                    value: ms as f64 / 1000.0,
                    count,
                })
                .collect::<Vec<_>>()
        };
        let mut services: Vec<ServiceNode> = self
            .nodes
            .iter()
            .map(|(key, acc)| ServiceNode {
                reference_id: Some(reference[key]),
                name: Some(key.name.clone()),
                names: vec![key.name.clone()],
                account_id: None,
                kind: (!key.kind.is_empty()).then(|| key.kind.clone()),
                state: Some(
                    if key.kind == "client" {
                        "unknown"
                    } else {
                        "active"
                    }
                    .into(),
                ),
                start_time: acc.start,
                end_time: acc.end,
                root: acc.root,
                edges: Vec::new(),
                summary_statistics: acc.stats.clone(),
                duration_histogram: histogram(&acc.durations),
                response_time_histogram: histogram(&acc.response_times),
            })
            .collect();
        for ((from, to), acc) in &self.edges {
            services[reference[from] as usize].edges.push(Edge {
                reference_id: Some(reference[to]),
                start_time: acc.start,
                end_time: acc.end,
                summary_statistics: Some(acc.stats.clone()),
                response_time_histogram: histogram(&acc.response_times),
                aliases: Vec::new(),
            });
        }
        let start_time = services
            .iter()
            .filter_map(|s| s.start_time)
            .reduce(f64::min);
        let end_time = services.iter().filter_map(|s| s.end_time).reduce(f64::max);
        ServiceGraph {
            services,
            start_time,
            end_time,
            contains_old_group_versions: false,
        }
    }
}

/// Per span: a call from its service to another one that sent no segment of its own (an AWS
/// SDK call, a remote HTTP API or a database) — not counting the subsegments inside a call,
/// which are details of it.
pub fn calls_to_inferred_services(trace: &Trace) -> Vec<bool> {
    let spans = &trace.spans;
    let mut inside_call = vec![false; spans.len()];
    let mut calls = vec![false; spans.len()];
    for (index, span) in spans.iter().enumerate() {
        if span.is_segment() {
            continue;
        }
        let parent_inside = span.parent.is_some_and(|p| {
            let p = p as usize;
            inside_call[p] || (!spans[p].is_segment() && is_call(&spans[p].segment))
        });
        inside_call[index] = parent_inside;
        calls[index] = !parent_inside
            && is_call(&span.segment)
            && !trace.children(index).any(|c| spans[c].is_segment());
    }
    calls
}

/// A subsegment that calls another service: the AWS SDK, a remote HTTP API or a database.
pub fn is_call(segment: &Segment) -> bool {
    matches!(segment.namespace.as_deref(), Some("aws" | "remote")) || segment.sql.is_some()
}

/// The node of a segment: its origin (or inferred type) and name.
pub fn node_key(span: &Span) -> NodeKey {
    let kind = match (&span.segment.origin, span.kind) {
        (Some(origin), _) => origin.clone(),
        (None, super::trace::SpanKind::Inferred) => inferred_key(&span.segment).kind,
        (None, _) => String::new(),
    };
    NodeKey {
        kind,
        name: span.name().to_owned(),
    }
}

/// The node X-Ray infers for a call whose target sent no segment.
pub fn inferred_key(segment: &Segment) -> NodeKey {
    let name = segment.name().to_owned();
    let aws = segment.aws.as_ref();
    if segment.sql.is_some() {
        return NodeKey {
            kind: "Database::SQL".into(),
            name,
        };
    }
    if segment.namespace.as_deref() != Some("aws") {
        return NodeKey {
            kind: "remote".into(),
            name,
        };
    }
    let (kind, resource) = match name.as_str() {
        "DynamoDB" => (
            "AWS::DynamoDB::Table",
            aws.and_then(|a| a.table_name.clone()),
        ),
        "SQS" => (
            "AWS::SQS::Queue",
            aws.and_then(|a| a.queue_url.as_deref())
                .and_then(|url| url.rsplit('/').next())
                .map(str::to_owned),
        ),
        "SNS" => ("AWS::SNS", None),
        "S3" => ("AWS::S3::Bucket", None),
        "Lambda" => ("AWS::Lambda", None),
        "Kinesis" => ("AWS::Kinesis::Stream", None),
        _ => ("", None),
    };
    let kind = if kind.is_empty() {
        format!("AWS::{name}")
    } else {
        kind.to_owned()
    };
    NodeKey {
        kind,
        name: resource.filter(|r| !r.is_empty()).unwrap_or(name),
    }
}

impl ServiceGraph {
    /// Several answers about the same services (time windows, pages, batches of traces) as
    /// one graph. Nodes are the same node when their (type, name) is, since reference ids
    /// differ between answers; their statistics, histograms and edges add up. Reference ids
    /// are given anew; edges to nodes their answer did not list are dropped.
    pub fn merge(graphs: impl IntoIterator<Item = ServiceGraph>) -> ServiceGraph {
        let mut merged = ServiceGraph::default();
        let mut position: HashMap<NodeKey, usize> = HashMap::new();
        // Per merged node, the key of each edge's target, in the order of its edges.
        let mut targets: Vec<Vec<NodeKey>> = Vec::new();
        for graph in graphs {
            merged.start_time = earliest(merged.start_time, graph.start_time);
            merged.end_time = latest(merged.end_time, graph.end_time);
            merged.contains_old_group_versions |= graph.contains_old_group_versions;
            let keys: HashMap<i64, NodeKey> = graph
                .services
                .iter()
                .filter_map(|node| Some((node.reference_id?, node.key())))
                .collect();
            for mut node in graph.services {
                let edges = std::mem::take(&mut node.edges);
                let at = match position.get(&node.key()) {
                    Some(&at) => {
                        merged.services[at].absorb(node);
                        at
                    }
                    None => {
                        position.insert(node.key(), merged.services.len());
                        merged.services.push(node);
                        targets.push(Vec::new());
                        merged.services.len() - 1
                    }
                };
                for edge in edges {
                    let Some(target) = edge.reference_id.and_then(|r| keys.get(&r)) else {
                        continue;
                    };
                    match targets[at].iter().position(|t| t == target) {
                        Some(same) => merged.services[at].edges[same].absorb(edge),
                        None => {
                            targets[at].push(target.clone());
                            merged.services[at].edges.push(edge);
                        }
                    }
                }
            }
        }
        for (at, node) in merged.services.iter_mut().enumerate() {
            node.reference_id = Some(at as i64);
            for (edge, target) in node.edges.iter_mut().zip(&targets[at]) {
                edge.reference_id = Some(position[target] as i64);
            }
        }
        merged
    }
}

impl ServiceNode {
    /// Adds what another answer says of the same node.
    fn absorb(&mut self, other: ServiceNode) {
        for name in other.names {
            if !self.names.contains(&name) {
                self.names.push(name);
            }
        }
        self.account_id = self.account_id.take().or(other.account_id);
        self.state = self.state.take().or(other.state);
        self.start_time = earliest(self.start_time, other.start_time);
        self.end_time = latest(self.end_time, other.end_time);
        self.root |= other.root;
        add_statistics(&mut self.summary_statistics, other.summary_statistics);
        add_histogram(&mut self.duration_histogram, other.duration_histogram);
        add_histogram(
            &mut self.response_time_histogram,
            other.response_time_histogram,
        );
    }
}

impl Edge {
    /// Adds what another answer says of the same edge.
    fn absorb(&mut self, other: Edge) {
        self.start_time = earliest(self.start_time, other.start_time);
        self.end_time = latest(self.end_time, other.end_time);
        add_statistics(&mut self.summary_statistics, other.summary_statistics);
        add_histogram(
            &mut self.response_time_histogram,
            other.response_time_histogram,
        );
        for alias in other.aliases {
            if !self.aliases.contains(&alias) {
                self.aliases.push(alias);
            }
        }
    }
}

fn add_statistics(into: &mut Option<Statistics>, other: Option<Statistics>) {
    let Some(other) = other else { return };
    let Some(sum) = into else {
        *into = Some(other);
        return;
    };
    sum.ok_count += other.ok_count;
    sum.total_count += other.total_count;
    sum.total_response_time += other.total_response_time;
    let (errors, more) = (&mut sum.error_statistics, other.error_statistics);
    errors.throttle_count += more.throttle_count;
    errors.other_count += more.other_count;
    errors.total_count += more.total_count;
    let (faults, more) = (&mut sum.fault_statistics, other.fault_statistics);
    faults.other_count += more.other_count;
    faults.total_count += more.total_count;
}

/// Counts of the same value add up; the histogram stays sorted by value.
fn add_histogram(into: &mut Vec<HistogramEntry>, other: Vec<HistogramEntry>) {
    if other.is_empty() {
        return;
    }
    into.extend(other);
    into.sort_by(|a, b| a.value.total_cmp(&b.value));
    into.dedup_by(|later, kept| {
        let same = later.value == kept.value;
        if same {
            kept.count += later.count;
        }
        same
    });
}

/// The earlier of two times, either of which may be unknown.
pub(crate) fn earliest(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The later of two times, either of which may be unknown.
pub(crate) fn latest(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(reference: i64, kind: &str, name: &str, ok: i64, edges: Vec<Edge>) -> ServiceNode {
        ServiceNode {
            reference_id: Some(reference),
            name: Some(name.into()),
            names: vec![name.into()],
            kind: Some(kind.into()),
            summary_statistics: Some(Statistics {
                ok_count: ok,
                total_count: ok,
                total_response_time: ok as f64 * 0.1,
                ..Statistics::default()
            }),
            response_time_histogram: vec![HistogramEntry {
                value: 0.1,
                count: ok,
            }],
            edges,
            ..ServiceNode::default()
        }
    }

    fn edge(to: i64, count: i64) -> Edge {
        Edge {
            reference_id: Some(to),
            summary_statistics: Some(Statistics {
                ok_count: count,
                total_count: count,
                ..Statistics::default()
            }),
            ..Edge::default()
        }
    }

    #[test]
    fn windows_merge_by_type_and_name_not_by_reference_id() {
        // Two windows: the same two services under swapped reference ids, and a third
        // service only in the second.
        let first = ServiceGraph {
            services: vec![
                node(0, "client", "api", 3, vec![edge(1, 3)]),
                node(1, "AWS::EC2::Instance", "api", 3, vec![]),
            ],
            start_time: Some(100.0),
            end_time: Some(200.0),
            contains_old_group_versions: false,
        };
        let second = ServiceGraph {
            services: vec![
                node(7, "AWS::EC2::Instance", "api", 2, vec![edge(9, 2)]),
                node(8, "client", "api", 2, vec![edge(7, 2)]),
                node(9, "AWS::DynamoDB::Table", "scores", 2, vec![]),
            ],
            start_time: Some(200.0),
            end_time: Some(300.0),
            contains_old_group_versions: true,
        };
        let merged = ServiceGraph::merge([first, second]);
        assert_eq!(merged.services.len(), 3);
        assert_eq!(
            (merged.start_time, merged.end_time),
            (Some(100.0), Some(300.0))
        );
        assert!(merged.contains_old_group_versions);
        let by_key = |kind: &str, name: &str| {
            merged
                .services
                .iter()
                .find(|n| {
                    n.key()
                        == NodeKey {
                            kind: kind.into(),
                            name: name.into(),
                        }
                })
                .unwrap()
        };
        let client = by_key("client", "api");
        let api = by_key("AWS::EC2::Instance", "api");
        let table = by_key("AWS::DynamoDB::Table", "scores");
        assert_eq!(client.summary_statistics.as_ref().unwrap().ok_count, 5);
        assert_eq!(
            client.response_time_histogram,
            vec![HistogramEntry {
                value: 0.1,
                count: 5
            }]
        );
        assert_eq!(client.edges.len(), 1, "one edge, added up");
        assert_eq!(client.edges[0].reference_id, api.reference_id);
        assert_eq!(
            client.edges[0]
                .summary_statistics
                .as_ref()
                .unwrap()
                .total_count,
            5
        );
        assert_eq!(api.edges.len(), 1);
        assert_eq!(api.edges[0].reference_id, table.reference_id);
        // Reference ids are new, distinct and point where they should.
        let ids: Vec<i64> = merged
            .services
            .iter()
            .filter_map(|n| n.reference_id)
            .collect();
        assert_eq!(ids, vec![0, 1, 2]);
        assert_eq!(merged.digraph().edge_count(), 2);
    }

    #[test]
    fn edges_to_unlisted_nodes_are_dropped() {
        let graph = ServiceGraph {
            services: vec![node(0, "client", "api", 1, vec![edge(42, 1)])],
            ..ServiceGraph::default()
        };
        let merged = ServiceGraph::merge([graph]);
        assert!(merged.services[0].edges.is_empty());
    }
}
