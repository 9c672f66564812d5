//! Pure geometry of the service map: a layered (Sugiyama-style) drawing, left to right, on a
//! character grid. Nothing here draws or knows about terminals.
//!
//! The phases, each bounded and iterative (no recursion, so 10,000 nodes are fine):
//! 1. `rank`: fold duplicate edges and self-loops; break cycles by turning around a
//!    feedback arc set (a greedy Eades-style order inside each strongly connected component,
//!    petgraph's Kosaraju), so those edges are drawn right to left; layers by longest path over
//!    petgraph's topological order, sources pulled next to what they call; components.
//! 2. `order`: a dummy item in every layer an edge skips, then barycenter sweeps with
//!    neighbour swaps per component to cut crossings (a few rounds, the best order kept).
//! 3. `place`: rows by an isotonic (pool-adjacent-violators) fit that lines items up with
//!    their neighbours, at least one blank row apart; components stacked one below another.
//! 4. `route`: ports on the box sides, then each gap between two layers is routed like a
//!    channel: one vertical track per bus, tracks ordered so that no two routes run along
//!    the same row unless they share a port, doglegs where the order has a cycle. Routes only
//!    run through gaps and through the rows a layer keeps free for them, never through a box.
//!
//! rust-sugiyama 0.4 (on petgraph) was measured for this and not used: it gives node centres
//! only (no positions for the dummy vertices that routes need, no per-gap room for tracks), top
//! to bottom, in f64; on this machine, on the benchmark's graphs, it took 25 ms for 300 nodes
//! and 172 ms for 1,000 (its default configuration, before any routing), and without its
//! transpose step still 12 minutes for 10,000. This module lays out 300 nodes in about
//! 1 ms, 1,000 in about 6 ms and 10,000 in about 60 ms, routes and their `EdgeRuns` included
//! (`cargo bench --bench map_layout`); a frame makes the edge cells of its window only.

use std::ops::Range;

mod cells;
mod nav;
mod order;
mod place;
mod rank;
mod route;

pub use cells::{EdgeRuns, Window, edge_cells};
pub use nav::nearest;

/// Blank rows between two items (boxes or passing edges) of one layer.
const ROW_GAP: i64 = 1;
/// Blank rows between two components, and above the band of unconnected boxes.
const COMPONENT_GAP: i64 = 2;
/// Narrowest gap between two layers, in columns (room for `─┐`, `└──▶` and the like).
const MIN_GAP: u32 = 6;

/// What to lay out: box sizes in cells and directed edges between node indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayoutInput {
    pub nodes: Vec<BoxSize>,
    pub edges: Vec<(usize, usize)>,
}

/// A box's size in cells, borders included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxSize {
    pub width: u16,
    pub height: u16,
}

/// The service map's geometry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapLayout {
    /// Same order as the input nodes.
    pub nodes: Vec<NodeBox>,
    /// Same order as the input edges.
    pub edges: Vec<EdgeRoute>,
    /// The whole canvas, in cells; every box and route fits inside.
    pub width: u16,
    pub height: u16,
}

/// Where a box goes. Sizes are the input's, raised to at least 1x1 (2 rows for a box with a
/// self-loop, which needs two ports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeBox {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
    /// Column of the layout, 0 at the left.
    pub layer: u16,
}

/// The path of one edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRoute {
    pub from: usize,
    pub to: usize,
    /// Corner points of an orthogonal polyline: starts in the cell just outside the source
    /// box's border (right side, or left side for an edge that goes back right to left), ends
    /// in the cell just outside the target box's border, where the arrowhead goes; consecutive
    /// points share x or y. Empty for an edge naming a node that does not exist. Parallel
    /// edges share one path.
    pub points: Vec<(u16, u16)>,
}

/// One cell of the edge drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeCell {
    pub x: u16,
    pub y: u16,
    pub symbol: char,
    /// Indices into [`MapLayout::edges`] of the edges through this cell, ascending.
    pub edges: Vec<usize>,
}

/// A direction for spatial navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Left,
    Right,
    Up,
    Down,
}

/// Values grouped by key, in insertion order (compressed sparse rows).
struct Csr {
    start: Vec<u32>,
    values: Vec<u32>,
}

impl Csr {
    fn new(keys: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut start = vec![0u32; keys + 1];
        for &(key, _) in pairs {
            start[key as usize + 1] += 1;
        }
        for i in 0..keys {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut values = vec![0u32; pairs.len()];
        for &(key, value) in pairs {
            values[fill[key as usize] as usize] = value;
            fill[key as usize] += 1;
        }
        Csr { start, values }
    }

    fn get(&self, key: u32) -> &[u32] {
        &self.values[self.start[key as usize] as usize..self.start[key as usize + 1] as usize]
    }
}

/// The layered graph the phases share: the real nodes are items `0..nodes`, then one dummy
/// item per layer an edge skips. A hop joins an item to one in the next layer.
struct Plan {
    nodes: usize,
    layer: Vec<u32>,
    width: Vec<u32>,
    height: Vec<u32>,
    /// Component (in display order) of each item; `None` for the unconnected boxes.
    comp: Vec<Option<u32>>,
    hop_left: Vec<u32>,
    hop_right: Vec<u32>,
    /// Per hop, whether its edge runs right to left.
    hop_reversed: Vec<bool>,
    /// Per item, the hops arriving on its left side.
    left_hops: Csr,
    /// Per item, the hops leaving its right side.
    right_hops: Csr,
    /// Per unique edge, its hops left to right; `reversed` if the edge runs right to left.
    chains: Vec<Chain>,
}

struct Chain {
    hops: Range<u32>,
    reversed: bool,
}

impl Plan {
    fn new(ranked: &rank::Ranked) -> Plan {
        let nodes = ranked.layer.len();
        let mut layer = ranked.layer.clone();
        let mut width = ranked.width.clone();
        let mut height = ranked.height.clone();
        let mut comp = ranked.comp.clone();
        let mut hop_left = Vec::new();
        let mut hop_right = Vec::new();
        let mut hop_reversed = Vec::new();
        let mut chains = Vec::with_capacity(ranked.uniq.len());
        for (i, &(u, v)) in ranked.uniq.iter().enumerate() {
            let reversed = ranked.reversed[i];
            let (a, b) = if reversed { (v, u) } else { (u, v) };
            let start = hop_left.len() as u32;
            let (la, lb) = (layer[a as usize], layer[b as usize]);
            debug_assert!(lb > la, "layering keeps edges left to right");
            let mut previous = a;
            for l in la + 1..lb {
                let dummy = layer.len() as u32;
                layer.push(l);
                width.push(0);
                height.push(1);
                comp.push(comp[a as usize]);
                hop_left.push(previous);
                hop_right.push(dummy);
                hop_reversed.push(reversed);
                previous = dummy;
            }
            if lb > la {
                hop_left.push(previous);
                hop_right.push(b);
                hop_reversed.push(reversed);
            }
            chains.push(Chain {
                hops: start..hop_left.len() as u32,
                reversed,
            });
        }
        let items = layer.len();
        let pairs: Vec<(u32, u32)> = (0..hop_left.len() as u32)
            .map(|h| (hop_right[h as usize], h))
            .collect();
        let left_hops = Csr::new(items, &pairs);
        let pairs: Vec<(u32, u32)> = (0..hop_left.len() as u32)
            .map(|h| (hop_left[h as usize], h))
            .collect();
        let right_hops = Csr::new(items, &pairs);
        Plan {
            nodes,
            layer,
            width,
            height,
            comp,
            hop_left,
            hop_right,
            hop_reversed,
            left_hops,
            right_hops,
            chains,
        }
    }

    fn items(&self) -> usize {
        self.layer.len()
    }

    fn is_dummy(&self, item: u32) -> bool {
        item as usize >= self.nodes
    }
}

/// Lays out a directed graph of boxes, left to right.
pub fn layout(input: &LayoutInput) -> MapLayout {
    let ranked = rank::rank(input);
    let plan = Plan::new(&ranked);
    let mut top = vec![0i64; plan.items()];

    // Rows: components one below another, then the unconnected boxes in a grid.
    let mut next_top = 0i64;
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); ranked.comp_count];
    for item in 0..plan.items() as u32 {
        if let Some(c) = plan.comp[item as usize] {
            members[c as usize].push(item);
        }
    }
    let mut layers_of = order::initial(&plan, &ranked);
    let mut pos = vec![0u32; plan.items()];
    for (c, layers) in layers_of.iter_mut().enumerate() {
        order::reduce_crossings(&plan, layers, &mut pos);
        place::place(&plan, layers, &mut top);
        let (lo, hi) = members[c]
            .iter()
            .map(|&i| {
                (
                    top[i as usize],
                    top[i as usize] + plan.height[i as usize] as i64,
                )
            })
            .fold((i64::MAX, i64::MIN), |(lo, hi), (t, b)| {
                (lo.min(t), hi.max(b))
            });
        for &i in &members[c] {
            top[i as usize] += next_top - lo;
        }
        next_top += hi - lo + COMPONENT_GAP;
    }
    if !ranked.singles.is_empty() {
        let columns = ranked.single_columns.max(1) as usize;
        for row in ranked.singles.chunks(columns) {
            let tallest = row
                .iter()
                .map(|&u| plan.height[u as usize] as i64)
                .max()
                .unwrap_or(1);
            for &u in row {
                top[u as usize] = next_top;
            }
            next_top += tallest + ROW_GAP;
        }
    }
    let top: Vec<u32> = top.iter().map(|&t| t.max(0) as u32).collect();

    // Ports, then each gap's routing.
    let ports = route::assign_ports(&plan, &ranked.loops, &top);
    let layer_count = plan.layer.iter().max().map_or(0, |&l| l as usize + 1);
    let mut gap_nets: Vec<Vec<route::GapNet>> = vec![Vec::new(); layer_count];
    let mut hop_slot = vec![0u32; plan.hop_left.len()];
    for hop in 0..plan.hop_left.len() {
        let gap = &mut gap_nets[plan.layer[plan.hop_left[hop] as usize] as usize];
        hop_slot[hop] = gap.len() as u32;
        gap.push(route::GapNet {
            left: ports.hop_left_row[hop],
            loop_in: None,
            right: Some(ports.hop_right_row[hop]),
        });
    }
    let mut loop_slot = vec![0u32; ranked.loops.len()];
    for (i, &u) in ranked.loops.iter().enumerate() {
        let gap = &mut gap_nets[plan.layer[u as usize] as usize];
        loop_slot[i] = gap.len() as u32;
        let (out_row, in_row) = ports.loop_rows[i];
        gap.push(route::GapNet {
            left: out_row,
            loop_in: Some(in_row),
            right: None,
        });
    }
    let gaps: Vec<route::GapRoutes> = gap_nets.iter().map(|nets| route::route_gap(nets)).collect();

    // Columns: each layer as wide as its widest box, each gap as wide as its tracks need.
    let mut column_width = vec![1u32; layer_count];
    for u in 0..plan.nodes {
        let l = plan.layer[u] as usize;
        column_width[l] = column_width[l].max(plan.width[u]);
    }
    let mut column_x = vec![0u32; layer_count];
    let mut track_x0 = vec![0u32; layer_count];
    let mut x = 0u32;
    for l in 0..layer_count {
        column_x[l] = x;
        x += column_width[l];
        let tracks = gaps[l].tracks;
        let (gap_width, pad) = if l + 1 < layer_count {
            let width = (tracks + 3).max(MIN_GAP);
            (width, (width - 3 - tracks) / 2)
        } else if gap_nets[l].is_empty() {
            (0, 0)
        } else {
            (tracks + 2, 0)
        };
        track_x0[l] = x + 1 + pad;
        x += gap_width;
    }
    let canvas_width = x;

    let mut nodes = Vec::with_capacity(plan.nodes);
    let mut canvas_height = 0u32;
    let mut box_x = vec![0u32; plan.nodes];
    for u in 0..plan.nodes {
        let l = plan.layer[u] as usize;
        box_x[u] = column_x[l] + (column_width[l] - plan.width[u]) / 2;
        canvas_height = canvas_height.max(top[u] + plan.height[u]);
        nodes.push(NodeBox {
            x: cell(box_x[u]),
            y: cell(top[u]),
            width: cell(plan.width[u]),
            height: cell(plan.height[u]),
            layer: cell(plan.layer[u]),
        });
    }
    // Passing edges take one row each.
    for &row in &top[plan.nodes..] {
        canvas_height = canvas_height.max(row + 1);
    }
    for gap in &gaps {
        if let Some(row) = gap.max_row {
            canvas_height = canvas_height.max(row + 1);
        }
    }

    // Routes, left to right along each chain, turned around for edges that go back.
    let mut unique_points: Vec<Vec<(u16, u16)>> = Vec::with_capacity(plan.chains.len());
    let mut points: Vec<(u32, u32)> = Vec::new();
    for chain in &plan.chains {
        points.clear();
        if !chain.hops.is_empty() {
            let first = chain.hops.start as usize;
            let source = plan.hop_left[first] as usize;
            points.push((
                box_x[source] + plan.width[source],
                ports.hop_left_row[first],
            ));
            for hop in chain.hops.clone() {
                let hop = hop as usize;
                let l = plan.layer[plan.hop_left[hop] as usize] as usize;
                let (a, b) = (ports.hop_left_row[hop], ports.hop_right_row[hop]);
                let x = |track: u32| track_x0[l] + track;
                match gaps[l].geo[hop_slot[hop] as usize] {
                    route::Geo::Straight => {}
                    route::Geo::Track(t) => {
                        points.push((x(t), a));
                        points.push((x(t), b));
                    }
                    route::Geo::Dogleg { first, row, second } => {
                        points.push((x(first), a));
                        points.push((x(first), row));
                        points.push((x(second), row));
                        points.push((x(second), b));
                    }
                }
            }
            let last = chain.hops.end as usize - 1;
            let target = plan.hop_right[last] as usize;
            points.push((box_x[target].saturating_sub(1), ports.hop_right_row[last]));
            if chain.reversed {
                points.reverse();
            }
        }
        unique_points.push(simplify(&points));
    }
    let mut loop_points: Vec<Vec<(u16, u16)>> = Vec::with_capacity(ranked.loops.len());
    for (i, &u) in ranked.loops.iter().enumerate() {
        let u = u as usize;
        let l = plan.layer[u] as usize;
        let (out_row, in_row) = ports.loop_rows[i];
        let side = box_x[u] + plan.width[u];
        let mut path = vec![(side, out_row)];
        // A loop's bus may have taken a dogleg; the loop itself only uses its first track.
        if let route::Geo::Track(t) | route::Geo::Dogleg { first: t, .. } =
            gaps[l].geo[loop_slot[i] as usize]
        {
            path.push((track_x0[l] + t, out_row));
            path.push((track_x0[l] + t, in_row));
        }
        path.push((side, in_row));
        loop_points.push(simplify(&path));
    }

    let edges = input
        .edges
        .iter()
        .zip(&ranked.kinds)
        .map(|(&(from, to), kind)| EdgeRoute {
            from,
            to,
            points: match *kind {
                rank::EdgeKind::Invalid => Vec::new(),
                rank::EdgeKind::Edge(i) => unique_points[i as usize].clone(),
                rank::EdgeKind::Loop(i) => loop_points[i as usize].clone(),
            },
        })
        .collect();
    MapLayout {
        nodes,
        edges,
        width: cell(canvas_width),
        height: cell(canvas_height),
    }
}

/// A coordinate as a cell index; a canvas past 65,535 cells is cut off at the edge.
fn cell(value: u32) -> u16 {
    value.min(u16::MAX as u32) as u16
}

/// Drops repeated points and the middle of three points on one line.
fn simplify(points: &[(u32, u32)]) -> Vec<(u16, u16)> {
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(points.len());
    for &p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    out.into_iter().map(|(x, y)| (cell(x), cell(y))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(n: usize) -> Vec<BoxSize> {
        vec![
            BoxSize {
                width: 10,
                height: 5,
            };
            n
        ]
    }

    #[test]
    fn simplify_drops_collinear_and_repeated_points() {
        let got = simplify(&[(0, 0), (2, 0), (2, 0), (5, 0), (5, 3), (5, 6), (7, 6)]);
        assert_eq!(got, [(0, 0), (5, 0), (5, 6), (7, 6)]);
    }

    #[test]
    fn a_chain_goes_left_to_right_in_straight_lines() {
        let input = LayoutInput {
            nodes: boxes(3),
            edges: vec![(0, 1), (1, 2)],
        };
        let out = layout(&input);
        assert_eq!(
            out.nodes.iter().map(|n| n.layer).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(out.nodes[0].y, out.nodes[1].y);
        for route in &out.edges {
            assert_eq!(route.points.len(), 2, "{route:?}");
        }
    }

    #[test]
    fn empty_input_gives_an_empty_canvas() {
        let out = layout(&LayoutInput::default());
        assert_eq!((out.width, out.height), (0, 0));
        assert!(out.nodes.is_empty() && out.edges.is_empty());
    }

    #[test]
    fn edges_to_missing_nodes_get_no_route() {
        let input = LayoutInput {
            nodes: boxes(2),
            edges: vec![(0, 7), (0, 1)],
        };
        let out = layout(&input);
        assert!(out.edges[0].points.is_empty());
        assert!(!out.edges[1].points.is_empty());
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 10_000;
        let input = LayoutInput {
            nodes: boxes(n),
            edges: (1..n).map(|i| (i - 1, i)).chain([(n - 1, 0)]).collect(),
        };
        let out = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || layout(&input))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(out.nodes.len(), n);
    }
}
