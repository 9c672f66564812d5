//! The service graph of a set of traces, added up node by node and edge by edge as X-Ray
//! would.

use std::collections::{BTreeMap, HashMap};

use super::nodes::{calls_to_inferred_services, inferred_key, node_key};
use super::{Edge, HistogramEntry, NodeKey, ServiceGraph, ServiceNode, Statistics};
use crate::model::segment::Segment;
use crate::model::trace::{Span, Trace};

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
pub(super) struct Builder {
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

impl Statistics {
    /// Counts one segment of the node or edge.
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
}

impl Builder {
    pub(super) fn add_trace(&mut self, trace: &Trace) {
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

    pub(super) fn finish(self) -> ServiceGraph {
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
