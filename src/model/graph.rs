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
