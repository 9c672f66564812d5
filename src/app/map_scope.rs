//! What part of a big map is shown: a neighbourhood focus (a node with its callers and
//! callees up to some hops away) and service types folded into one group box each. Each is
//! a smaller model made from the whole one in time linear in its nodes and edges, then laid
//! out like any map.

use std::collections::{BTreeSet, HashMap, VecDeque};

use super::map::{MapEdge, MapModel, MapNode, type_marker};
use crate::model::graph::HistogramEntry;
use crate::model::graph_stats::{Health, percentile};

/// Hops a focus starts with, and the most it widens to.
pub const FIRST_HOPS: u32 = 1;
pub const MOST_HOPS: u32 = 9;

/// A node of the whole map, by what identifies it across answers: (type, name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeName {
    pub kind: String,
    pub name: String,
}

impl NodeName {
    pub fn of(node: &MapNode) -> NodeName {
        NodeName {
            kind: node.kind.clone(),
            name: node.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    /// The node in focus and how many hops of callers and callees around it are shown.
    pub focus: Option<(NodeName, u32)>,
    /// Service types shown as one box each.
    pub folded: BTreeSet<String>,
}

impl Scope {
    pub fn is_whole(&self) -> bool {
        self.focus.is_none() && self.folded.is_empty()
    }
}

/// The model the scope shows, made from the whole map's.
pub fn scoped(whole: &MapModel, scope: &Scope) -> MapModel {
    let mut model = match &scope.focus {
        Some((centre, hops)) => match whole.nodes.iter().position(|n| NodeName::of(n) == *centre) {
            Some(centre) => neighbourhood(whole, centre, *hops),
            None => whole.clone(),
        },
        None => whole.clone(),
    };
    if !scope.folded.is_empty() {
        model = fold(&model, &scope.folded);
    }
    model
}

/// The nodes within `hops` calls of `centre` following edges forward (callees) or backward
/// (callers), and the edges between them.
fn neighbourhood(whole: &MapModel, centre: usize, hops: u32) -> MapModel {
    let n = whole.nodes.len();
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    for edge in &whole.edges {
        if edge.from < n && edge.to < n {
            outgoing[edge.from].push(edge.to);
            incoming[edge.to].push(edge.from);
        }
    }
    let mut kept = vec![false; n];
    kept[centre] = true;
    for neighbours in [&outgoing, &incoming] {
        let mut distance = vec![u32::MAX; n];
        distance[centre] = 0;
        let mut queue = VecDeque::from([centre]);
        while let Some(u) = queue.pop_front() {
            if distance[u] == hops {
                continue;
            }
            for &v in &neighbours[u] {
                if distance[v] == u32::MAX {
                    distance[v] = distance[u] + 1;
                    kept[v] = true;
                    queue.push_back(v);
                }
            }
        }
    }
    let mut index = vec![usize::MAX; n];
    let mut nodes = Vec::new();
    for (u, node) in whole.nodes.iter().enumerate() {
        if kept[u] {
            index[u] = nodes.len();
            nodes.push(node.clone());
        }
    }
    let edges = whole
        .edges
        .iter()
        .filter(|e| e.from < n && e.to < n && kept[e.from] && kept[e.to])
        .map(|e| MapEdge {
            from: index[e.from],
            to: index[e.to],
            ..e.clone()
        })
        .collect();
    MapModel { nodes, edges }
}

/// The name of the box that stands for the services of a type.
pub fn group_name(kind: &str, members: usize) -> String {
    format!("{members} × {}", type_marker(kind))
}

/// Every folded type's nodes as one box (where the first of them was), its edges merged.
fn fold(model: &MapModel, folded: &BTreeSet<String>) -> MapModel {
    let mut nodes: Vec<MapNode> = Vec::new();
    let mut index = vec![0usize; model.nodes.len()];
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (u, node) in model.nodes.iter().enumerate() {
        if folded.contains(&node.kind) {
            let at = *group_of.entry(node.kind.as_str()).or_insert_with(|| {
                nodes.push(node.clone());
                members.push(Vec::new());
                nodes.len() - 1
            });
            members[at].push(u);
            index[u] = at;
        } else {
            index[u] = nodes.len();
            nodes.push(node.clone());
            members.push(vec![u]);
        }
    }
    for (at, list) in members.iter().enumerate() {
        if folded.contains(&nodes[at].kind) {
            let node = &mut nodes[at];
            node.name = group_name(&node.kind, list.len());
            node.members = list.len();
            node.root = list.iter().any(|&u| model.nodes[u].root);
            node.health = sum(list.iter().map(|&u| &model.nodes[u].health));
            node.histogram = list
                .iter()
                .flat_map(|&u| model.nodes[u].histogram.iter().cloned())
                .collect();
            with_percentiles(&mut node.health, &node.histogram);
        }
    }
    let mut edges: Vec<MapEdge> = Vec::new();
    let mut edge_of: HashMap<(usize, usize), usize> = HashMap::new();
    for edge in &model.edges {
        let (Some(&from), Some(&to)) = (index.get(edge.from), index.get(edge.to)) else {
            continue;
        };
        if from == to && edge.from != edge.to {
            // A call inside a group.
            continue;
        }
        match edge_of.get(&(from, to)) {
            Some(&at) => {
                let merged = &mut edges[at];
                merged.health = sum([&merged.health, &edge.health]);
                merged.histogram.extend(edge.histogram.iter().cloned());
                with_percentiles(&mut merged.health, &merged.histogram);
            }
            None => {
                edge_of.insert((from, to), edges.len());
                edges.push(MapEdge {
                    from,
                    to,
                    ..edge.clone()
                });
            }
        }
    }
    MapModel { nodes, edges }
}

/// Percentiles from the histograms of a group's members put together.
fn with_percentiles(health: &mut Health, histogram: &[HistogramEntry]) {
    health.p50 = percentile(histogram, 0.50);
    health.p90 = percentile(histogram, 0.90);
    health.p99 = percentile(histogram, 0.99);
}

/// The health of several nodes or edges together: counts and rates add up, the average is
/// weighted by requests; percentiles come from the histograms (`with_percentiles`).
fn sum<'a>(healths: impl IntoIterator<Item = &'a Health>) -> Health {
    let mut total = Health::default();
    let mut time = 0.0;
    let mut per_minute: Option<f64> = None;
    for health in healths {
        total.requests += health.requests;
        total.ok += health.ok;
        total.errors += health.errors;
        total.throttles += health.throttles;
        total.faults += health.faults;
        time += health.average.unwrap_or(0.0) * health.requests as f64;
        if let Some(rate) = health.per_minute {
            per_minute = Some(per_minute.unwrap_or(0.0) + rate);
        }
    }
    total.average = (total.requests > 0).then(|| time / total.requests as f64);
    total.per_minute = per_minute;
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, kind: &str) -> MapNode {
        MapNode {
            name: name.into(),
            kind: kind.into(),
            root: false,
            members: 1,
            health: Health {
                requests: 10,
                ok: 9,
                faults: 1,
                average: Some(0.1),
                ..Health::default()
            },
            histogram: vec![HistogramEntry {
                value: if name == "q2" { 0.3 } else { 0.2 },
                count: 5,
            }],
        }
    }

    fn edge(from: usize, to: usize) -> MapEdge {
        MapEdge {
            from,
            to,
            health: Health::default(),
            histogram: Vec::new(),
        }
    }

    /// a -> b -> c -> d, e -> b; q1 and q2 queues called by c.
    fn chain() -> MapModel {
        MapModel {
            nodes: vec![
                node("a", "client"),
                node("b", "AWS::EC2::Instance"),
                node("c", "AWS::EC2::Instance"),
                node("d", "AWS::EC2::Instance"),
                node("e", "client"),
                node("q1", "AWS::SQS::Queue"),
                node("q2", "AWS::SQS::Queue"),
            ],
            edges: vec![
                edge(0, 1),
                edge(1, 2),
                edge(2, 3),
                edge(4, 1),
                edge(2, 5),
                edge(2, 6),
            ],
        }
    }

    fn names(model: &MapModel) -> Vec<&str> {
        model.nodes.iter().map(|n| n.name.as_str()).collect()
    }

    #[test]
    fn a_focus_keeps_callers_and_callees_within_its_hops() {
        let whole = chain();
        let centre = NodeName::of(&whole.nodes[2]);
        let one = scoped(
            &whole,
            &Scope {
                focus: Some((centre.clone(), 1)),
                ..Scope::default()
            },
        );
        assert_eq!(names(&one), ["b", "c", "d", "q1", "q2"]);
        assert_eq!(one.edges.len(), 4);
        let two = scoped(
            &whole,
            &Scope {
                focus: Some((centre, 2)),
                ..Scope::default()
            },
        );
        assert_eq!(names(&two), ["a", "b", "c", "d", "e", "q1", "q2"]);
    }

    #[test]
    fn folding_a_type_makes_one_box_with_the_sums() {
        let scope = Scope {
            folded: BTreeSet::from(["AWS::SQS::Queue".to_owned()]),
            ..Scope::default()
        };
        let folded = scoped(&chain(), &scope);
        assert_eq!(names(&folded), ["a", "b", "c", "d", "e", "2 × SQS"]);
        let group = &folded.nodes[5];
        assert_eq!(
            (group.members, group.health.requests, group.health.faults),
            (2, 20, 2)
        );
        assert_eq!(group.health.p50, Some(0.2), "from both members' histograms");
        assert_eq!(group.health.p99, Some(0.3));
        // c's two calls to queues are one edge to the group.
        assert_eq!(folded.edges.iter().filter(|e| e.to == 5).count(), 1);
    }
}
