//! Several answers about the same services as one graph.

use std::collections::HashMap;

use super::{Edge, HistogramEntry, NodeKey, ServiceGraph, ServiceNode, Statistics};

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
