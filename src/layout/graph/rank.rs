//! Layers: unique edges, cycles broken, longest-path layers, components.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use petgraph::algo::{kosaraju_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::unionfind::UnionFind;

use super::{Csr, LayoutInput};

/// What an input edge became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EdgeKind {
    /// Names a node that does not exist.
    Invalid,
    /// Index into [`Ranked::uniq`].
    Edge(u32),
    /// Index into [`Ranked::loops`].
    Loop(u32),
}

pub(super) struct Ranked {
    pub width: Vec<u32>,
    pub height: Vec<u32>,
    pub kinds: Vec<EdgeKind>,
    /// Distinct edges between distinct nodes, in input order.
    pub uniq: Vec<(u32, u32)>,
    /// Per unique edge: reversed to break a cycle (it will be drawn right to left).
    pub reversed: Vec<bool>,
    /// Nodes with a self-loop, one entry each.
    pub loops: Vec<u32>,
    pub layer: Vec<u32>,
    /// Component of each node, numbered in display order (biggest first); `None` for nodes
    /// without edges to other nodes.
    pub comp: Vec<Option<u32>>,
    pub comp_count: usize,
    /// Layers in use per component.
    pub comp_layers: Vec<u32>,
    /// The nodes without edges to other nodes, laid out in a grid `single_columns` wide.
    pub singles: Vec<u32>,
    pub single_columns: u32,
}

pub(super) fn rank(input: &LayoutInput) -> Ranked {
    let n = input.nodes.len();
    let mut kinds = Vec::with_capacity(input.edges.len());
    let mut uniq: Vec<(u32, u32)> = Vec::new();
    let mut seen: HashMap<(u32, u32), u32> = HashMap::new();
    let mut loop_of: Vec<Option<u32>> = vec![None; n];
    let mut loops = Vec::new();
    for &(from, to) in &input.edges {
        let kind = if from >= n || to >= n {
            EdgeKind::Invalid
        } else if from == to {
            let i = *loop_of[from].get_or_insert_with(|| {
                loops.push(from as u32);
                loops.len() as u32 - 1
            });
            EdgeKind::Loop(i)
        } else {
            let key = (from as u32, to as u32);
            let i = *seen.entry(key).or_insert_with(|| {
                uniq.push(key);
                uniq.len() as u32 - 1
            });
            EdgeKind::Edge(i)
        };
        kinds.push(kind);
    }
    let width: Vec<u32> = input.nodes.iter().map(|b| b.width.max(1) as u32).collect();
    let height: Vec<u32> = input
        .nodes
        .iter()
        .enumerate()
        .map(|(u, b)| {
            let least = if loop_of[u].is_some() { 2 } else { 1 };
            b.height.max(least) as u32
        })
        .collect();

    let reversed = feedback_edges(n, &uniq);

    // Longest path over the graph with the back edges turned around.
    let mut dag = DiGraph::<(), ()>::with_capacity(n, uniq.len());
    for _ in 0..n {
        dag.add_node(());
    }
    for (i, &(u, v)) in uniq.iter().enumerate() {
        let (a, b) = if reversed[i] { (v, u) } else { (u, v) };
        dag.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), ());
    }
    let order = toposort(&dag, None).unwrap_or_else(|_| dag.node_indices().collect());
    let mut layer = vec![0u32; n];
    for &u in &order {
        let next = layer[u.index()] + 1;
        for v in dag.neighbors(u) {
            layer[v.index()] = layer[v.index()].max(next);
        }
    }
    // A source sits just left of its nearest successor (a client beside the service it calls).
    for u in dag.node_indices() {
        if dag
            .neighbors_directed(u, petgraph::Direction::Incoming)
            .next()
            .is_none()
            && let Some(nearest) = dag.neighbors(u).map(|v| layer[v.index()]).min()
        {
            layer[u.index()] = nearest - 1;
        }
    }

    // Components, biggest first.
    let mut sets = UnionFind::<u32>::new(n);
    let mut linked = vec![false; n];
    for &(u, v) in &uniq {
        sets.union(u, v);
        linked[u as usize] = true;
        linked[v as usize] = true;
    }
    let mut by_root: HashMap<u32, u32> = HashMap::new();
    let mut sizes: Vec<(u32, u32)> = Vec::new(); // (size, first node) per raw component
    let mut raw = vec![u32::MAX; n];
    for u in 0..n {
        if !linked[u] {
            continue;
        }
        let root = sets.find(u as u32);
        let id = *by_root.entry(root).or_insert_with(|| {
            sizes.push((0, u as u32));
            sizes.len() as u32 - 1
        });
        sizes[id as usize].0 += 1;
        raw[u] = id;
    }
    let mut display: Vec<u32> = (0..sizes.len() as u32).collect();
    display.sort_by_key(|&id| {
        (
            std::cmp::Reverse(sizes[id as usize].0),
            sizes[id as usize].1,
        )
    });
    let mut rank_of = vec![0u32; sizes.len()];
    for (rank, &id) in display.iter().enumerate() {
        rank_of[id as usize] = rank as u32;
    }
    let mut comp = vec![None; n];
    let mut comp_layers = vec![0u32; sizes.len()];
    let mut singles = Vec::new();
    for u in 0..n {
        if linked[u] {
            let c = rank_of[raw[u] as usize];
            comp[u] = Some(c);
            comp_layers[c as usize] = comp_layers[c as usize].max(layer[u] + 1);
        } else {
            singles.push(u as u32);
        }
    }
    // Unconnected boxes fill a grid: as wide as the graph, or square if that is wider.
    let graph_layers = comp_layers.iter().copied().max().unwrap_or(0);
    let square = (singles.len() as f64).sqrt().ceil() as u32;
    let single_columns = graph_layers.max(square).min(singles.len() as u32).max(1);
    for (i, &u) in singles.iter().enumerate() {
        layer[u as usize] = i as u32 % single_columns;
    }

    Ranked {
        width,
        height,
        kinds,
        uniq,
        reversed,
        loops,
        layer,
        comp,
        comp_count: sizes.len(),
        comp_layers,
        singles,
        single_columns,
    }
}

/// The edges to turn around so that no cycle is left: Eades, Lin and Smyth's greedy order
/// (sinks to the end, sources to the front, else the node with most more edges out than in),
/// ties going to the node nearer the sources, so in a two-way pair the one called first keeps
/// its place. Only edges inside a strongly connected component are ever turned.
fn feedback_edges(n: usize, uniq: &[(u32, u32)]) -> Vec<bool> {
    let mut graph = DiGraph::<(), ()>::with_capacity(n, uniq.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for &(u, v) in uniq {
        graph.add_edge(NodeIndex::new(u as usize), NodeIndex::new(v as usize), ());
    }
    let mut scc = vec![0u32; n];
    let mut cyclic = false;
    for (c, members) in kosaraju_scc(&graph).into_iter().enumerate() {
        cyclic |= members.len() > 1;
        for node in members {
            scc[node.index()] = c as u32;
        }
    }
    if !cyclic {
        return vec![false; uniq.len()];
    }

    let outgoing: Vec<(u32, u32)> = uniq.iter().map(|&(u, v)| (u, v)).collect();
    let incoming: Vec<(u32, u32)> = uniq.iter().map(|&(u, v)| (v, u)).collect();
    let out = Csr::new(n, &outgoing);
    let into = Csr::new(n, &incoming);
    let mut out_degree: Vec<i64> = (0..n as u32).map(|u| out.get(u).len() as i64).collect();
    let mut in_degree: Vec<i64> = (0..n as u32).map(|u| into.get(u).len() as i64).collect();

    // Breadth-first distance from the sources, for ties.
    let mut distance = vec![u32::MAX; n];
    let mut queue = std::collections::VecDeque::new();
    let roots = (0..n).filter(|&u| in_degree[u] == 0).chain(0..n);
    for root in roots {
        if distance[root] != u32::MAX {
            continue;
        }
        distance[root] = 0;
        queue.push_back(root as u32);
        while let Some(u) = queue.pop_front() {
            for &v in out.get(u) {
                if distance[v as usize] == u32::MAX {
                    distance[v as usize] = distance[u as usize] + 1;
                    queue.push_back(v);
                }
            }
        }
    }

    let mut removed = vec![false; n];
    let mut front: Vec<u32> = Vec::with_capacity(n);
    let mut back: Vec<u32> = Vec::new();
    let mut sinks: Vec<u32> = (0..n as u32)
        .rev()
        .filter(|&u| out_degree[u as usize] == 0)
        .collect();
    let mut sources: Vec<u32> = (0..n as u32)
        .rev()
        .filter(|&u| in_degree[u as usize] == 0 && out_degree[u as usize] > 0)
        .collect();
    let key = |u: u32, out_degree: &[i64], in_degree: &[i64]| {
        (
            Reverse(in_degree[u as usize]),
            Reverse(distance[u as usize]),
            out_degree[u as usize] - in_degree[u as usize],
            Reverse(u),
        )
    };
    type Key = (Reverse<i64>, Reverse<u32>, i64, Reverse<u32>);
    let mut heap: BinaryHeap<Key> = (0..n as u32)
        .map(|u| key(u, &out_degree, &in_degree))
        .collect();
    let mut left = n;
    while left > 0 {
        if let Some(u) = sinks.pop() {
            if removed[u as usize] || out_degree[u as usize] != 0 {
                continue;
            }
            removed[u as usize] = true;
            left -= 1;
            back.push(u);
            for &w in into.get(u) {
                if !removed[w as usize] {
                    out_degree[w as usize] -= 1;
                    if out_degree[w as usize] == 0 {
                        sinks.push(w);
                    } else {
                        heap.push(key(w, &out_degree, &in_degree));
                    }
                }
            }
            continue;
        }
        let u = if let Some(u) = sources.pop() {
            if removed[u as usize] || in_degree[u as usize] != 0 {
                continue;
            }
            u
        } else {
            match heap.pop() {
                Some(entry @ (_, _, _, Reverse(u))) => {
                    if removed[u as usize] || entry != key(u, &out_degree, &in_degree) {
                        continue;
                    }
                    u
                }
                None => break,
            }
        };
        removed[u as usize] = true;
        left -= 1;
        front.push(u);
        for &w in out.get(u) {
            if !removed[w as usize] {
                in_degree[w as usize] -= 1;
                if in_degree[w as usize] == 0 {
                    sources.push(w);
                } else {
                    heap.push(key(w, &out_degree, &in_degree));
                }
            }
        }
        for &w in into.get(u) {
            if !removed[w as usize] {
                out_degree[w as usize] -= 1;
                if out_degree[w as usize] == 0 {
                    sinks.push(w);
                } else {
                    heap.push(key(w, &out_degree, &in_degree));
                }
            }
        }
    }
    let mut position = vec![0u32; n];
    for (i, &u) in front.iter().chain(back.iter().rev()).enumerate() {
        position[u as usize] = i as u32;
    }
    uniq.iter()
        .map(|&(u, v)| {
            scc[u as usize] == scc[v as usize] && position[v as usize] < position[u as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::graph::BoxSize;

    fn input(n: usize, edges: &[(usize, usize)]) -> LayoutInput {
        LayoutInput {
            nodes: vec![
                BoxSize {
                    width: 8,
                    height: 3
                };
                n
            ],
            edges: edges.to_vec(),
        }
    }

    #[test]
    fn a_cycle_is_broken_at_its_back_edge() {
        let ranked = rank(&input(3, &[(0, 1), (1, 2), (2, 0)]));
        assert_eq!(ranked.reversed, [false, false, true]);
        assert_eq!(ranked.layer, [0, 1, 2]);
    }

    #[test]
    fn duplicates_and_self_loops_are_folded() {
        let ranked = rank(&input(2, &[(0, 1), (0, 1), (1, 1), (1, 1), (0, 9)]));
        assert_eq!(ranked.uniq, [(0, 1)]);
        assert_eq!(ranked.loops, [1]);
        assert_eq!(
            ranked.kinds,
            [
                EdgeKind::Edge(0),
                EdgeKind::Edge(0),
                EdgeKind::Loop(0),
                EdgeKind::Loop(0),
                EdgeKind::Invalid
            ]
        );
    }

    #[test]
    fn sources_sit_next_to_their_first_successor() {
        // 0 -> 1 -> 2 -> 3, and a second client 4 -> 3.
        let ranked = rank(&input(5, &[(0, 1), (1, 2), (2, 3), (4, 3)]));
        assert_eq!(ranked.layer, [0, 1, 2, 3, 2]);
    }

    #[test]
    fn components_biggest_first_and_singles_apart() {
        let ranked = rank(&input(6, &[(0, 1), (2, 3), (3, 4)]));
        assert_eq!(
            ranked.comp,
            [Some(1), Some(1), Some(0), Some(0), Some(0), None]
        );
        assert_eq!(ranked.singles, [5]);
    }
}
