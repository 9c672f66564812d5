//! The service map's geometry (`layout::graph`) on real and generated graphs: boxes apart and
//! inside the canvas, routes orthogonal, outside every box, from the right box to the right
//! box, arrowheads at the targets, layers left to right; plus navigation and a drawing.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use xray_tui::layout::graph::{
    BoxSize, Direction, EdgeCell, LayoutInput, MapLayout, NodeBox, edge_cells, layout, nearest,
};
use xray_tui::model::ServiceGraph;
use xray_tui::source::{Collector, files};

const BOX: BoxSize = BoxSize {
    width: 24,
    height: 5,
};

// ---------------------------------------------------------------------------------------
// Inputs

fn fixture_graph(path: &str) -> ServiceGraph {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xray")
        .join(path);
    let mut collector = Collector::default();
    files::load_paths(&[path], &mut collector);
    collector.finish().graph
}

/// A service graph as the map lays it out: one box per petgraph node, sized by its name.
fn service_input(graph: &ServiceGraph) -> (LayoutInput, Vec<String>) {
    let digraph = graph.digraph();
    let names: Vec<String> = digraph
        .node_indices()
        .map(|n| graph.services[digraph[n]].name.clone().unwrap_or_default())
        .collect();
    let nodes = names
        .iter()
        .map(|name| BoxSize {
            width: (name.chars().count() as u16 + 4).clamp(12, 32),
            height: 5,
        })
        .collect();
    let edges = digraph
        .edge_indices()
        .map(|e| {
            let (a, b) = digraph.edge_endpoints(e).unwrap();
            (a.index(), b.index())
        })
        .collect();
    (LayoutInput { nodes, edges }, names)
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A layered, mostly acyclic graph like a big service map: each node is called by one or two
/// nodes of earlier layers (mostly the one before), and one node in `back_every` calls back.
fn layered(n: usize, seed: u64, back_every: usize) -> LayoutInput {
    let mut rng = Rng(seed | 1);
    let layers = ((n as f64).sqrt() / 1.7).ceil().max(2.0) as usize;
    let per = n.div_ceil(layers);
    let mut edges = Vec::new();
    for i in per..n {
        let layer = i / per;
        for _ in 0..1 + rng.below(2) {
            let back = if rng.below(5) == 0 {
                1 + rng.below(layer.min(3))
            } else {
                1
            };
            let from_layer = layer - back;
            edges.push((from_layer * per + rng.below(per), i));
        }
        // A call back to its caller, or its caller's caller: a real cycle.
        if back_every > 0 && rng.below(back_every) == 0 {
            let caller = edges.last().unwrap().0;
            let up = edges.iter().find(|e| e.1 == caller).map_or(caller, |e| e.0);
            edges.push((i, if rng.below(2) == 0 { caller } else { up }));
        }
    }
    // Every first-layer node calls someone.
    for i in 0..per.min(n) {
        if !edges.iter().any(|&(a, _)| a == i) && n > per {
            edges.push((i, per + rng.below(per.min(n - per))));
        }
    }
    LayoutInput {
        nodes: vec![BOX; n],
        edges,
    }
}

fn boxes(n: usize) -> Vec<BoxSize> {
    vec![BOX; n]
}

// ---------------------------------------------------------------------------------------
// Checks

/// Every cell of a route, in order, with its corner points.
fn route_cells(points: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let mut cells = vec![points[0]];
    for pair in points.windows(2) {
        let (mut x, mut y) = pair[0];
        let (tx, ty) = pair[1];
        while (x, y) != (tx, ty) {
            x = if tx > x {
                x + 1
            } else if tx < x {
                x - 1
            } else {
                x
            };
            y = if ty > y {
                y + 1
            } else if ty < y {
                y - 1
            } else {
                y
            };
            cells.push((x, y));
        }
    }
    cells
}

fn inside(node: &NodeBox, (x, y): (u16, u16)) -> bool {
    x >= node.x && x < node.x + node.width && y >= node.y && y < node.y + node.height
}

/// The cell is just outside one side of the box, level with it (not at a corner).
fn next_to(node: &NodeBox, (x, y): (u16, u16)) -> bool {
    let (x, y) = (x as i32, y as i32);
    let (left, top) = (node.x as i32, node.y as i32);
    let (right, bottom) = (left + node.width as i32, top + node.height as i32);
    let beside = (x == left - 1 || x == right) && y >= top && y < bottom;
    let above_or_below = (y == top - 1 || y == bottom) && x >= left && x < right;
    beside || above_or_below
}

/// Edges that lie on a cycle (both ends in one strongly connected component) or are loops.
fn cycle_edges(input: &LayoutInput) -> HashSet<usize> {
    let mut graph = DiGraph::<(), ()>::new();
    let nodes: Vec<NodeIndex> = input.nodes.iter().map(|_| graph.add_node(())).collect();
    for &(a, b) in &input.edges {
        graph.add_edge(nodes[a], nodes[b], ());
    }
    let mut component = vec![0; input.nodes.len()];
    for (c, members) in kosaraju_scc(&graph).into_iter().enumerate() {
        for n in members {
            component[n.index()] = c;
        }
    }
    (0..input.edges.len())
        .filter(|&e| {
            let (a, b) = input.edges[e];
            component[a] == component[b]
        })
        .collect()
}

/// Everything the map relies on; returns the edge cells for further looks.
fn check(input: &LayoutInput) -> (MapLayout, Vec<EdgeCell>) {
    let out = layout(input);
    assert_eq!(out.nodes.len(), input.nodes.len());
    assert_eq!(out.edges.len(), input.edges.len());
    let (w, h) = (out.width as u32, out.height as u32);

    for (i, node) in out.nodes.iter().enumerate() {
        assert!(
            node.x as u32 + node.width as u32 <= w && node.y as u32 + node.height as u32 <= h,
            "box {i} {node:?} outside the {w}x{h} canvas"
        );
        // Sizes are kept, but at least 1x1, and 2 rows for a box with a self-loop.
        let looped = input.edges.contains(&(i, i));
        let least = if looped { 2 } else { 1 };
        assert_eq!(
            (node.width, node.height),
            (
                input.nodes[i].width.max(1),
                input.nodes[i].height.max(least)
            )
        );
    }
    // Boxes apart, with at least a blank row or column between any two.
    let mut by_x: Vec<usize> = (0..out.nodes.len()).collect();
    by_x.sort_by_key(|&i| out.nodes[i].x);
    for (k, &i) in by_x.iter().enumerate() {
        let a = &out.nodes[i];
        for &j in &by_x[k + 1..] {
            let b = &out.nodes[j];
            if b.x > a.x + a.width {
                break;
            }
            let apart_x = a.x + a.width < b.x || b.x + b.width < a.x;
            let apart_y = a.y + a.height < b.y || b.y + b.height < a.y;
            assert!(apart_x || apart_y, "boxes {i} {a:?} and {j} {b:?} touch");
        }
    }

    // Cells occupied by boxes, for the "never through a box" check.
    let mut box_at: HashMap<(u16, u16), usize> = HashMap::new();
    for (i, node) in out.nodes.iter().enumerate() {
        for y in node.y..node.y + node.height {
            for x in node.x..node.x + node.width {
                box_at.insert((x, y), i);
            }
        }
    }
    let cycles = cycle_edges(input);
    let mut expected_cells: HashMap<(u16, u16), Vec<usize>> = HashMap::new();
    for (e, route) in out.edges.iter().enumerate() {
        let (from, to) = input.edges[e];
        assert_eq!((route.from, route.to), (from, to));
        let points = &route.points;
        assert!(points.len() >= 2, "edge {e} {from}->{to} has no route");
        for pair in points.windows(2) {
            assert!(
                pair[0].0 == pair[1].0 || pair[0].1 == pair[1].1,
                "edge {e}: diagonal segment {pair:?}"
            );
            assert_ne!(pair[0], pair[1], "edge {e}: empty segment");
        }
        let cells = route_cells(points);
        for &cell in &cells {
            assert!(
                (cell.0 as u32) < w && (cell.1 as u32) < h,
                "edge {e}: {cell:?} off the canvas"
            );
            if let Some(b) = box_at.get(&cell) {
                panic!("edge {e} {from}->{to} runs through box {b} at {cell:?}: {points:?}");
            }
            let list = expected_cells.entry(cell).or_default();
            if list.last() != Some(&e) {
                list.push(e);
            }
        }
        let (start, end) = (points[0], *points.last().unwrap());
        assert!(
            next_to(&out.nodes[from], start),
            "edge {e} {from}->{to} starts at {start:?}, not at box {:?}",
            out.nodes[from]
        );
        assert!(
            next_to(&out.nodes[to], end),
            "edge {e} {from}->{to} ends at {end:?}, not at box {:?}",
            out.nodes[to]
        );
        if !cycles.contains(&e) {
            assert!(
                out.nodes[from].layer < out.nodes[to].layer,
                "edge {e} {from}->{to} is on no cycle but goes from layer {} to {}",
                out.nodes[from].layer,
                out.nodes[to].layer
            );
            assert!(out.nodes[from].x + out.nodes[from].width <= out.nodes[to].x);
        }
    }

    let drawn = edge_cells(&out, false);
    let ascii = edge_cells(&out, true);
    assert_eq!(drawn.len(), ascii.len());
    let mut at: HashMap<(u16, u16), &EdgeCell> = HashMap::new();
    for (cell, plain) in drawn.iter().zip(&ascii) {
        assert_eq!(
            (cell.x, cell.y, &cell.edges),
            (plain.x, plain.y, &plain.edges)
        );
        assert!(
            "-|+<>^v".contains(plain.symbol),
            "ascii symbol {:?}",
            plain.symbol
        );
        assert!(
            "─│┌┐└┘├┤┬┴┼▶◀▲▼".contains(cell.symbol),
            "symbol {:?}",
            cell.symbol
        );
        assert!(at.insert((cell.x, cell.y), cell).is_none(), "cell twice");
    }
    // The cells are exactly the routes' cells, each listing exactly its edges.
    assert_eq!(at.len(), expected_cells.len());
    for (position, edges) in &expected_cells {
        let mut edges = edges.clone();
        edges.sort_unstable();
        edges.dedup();
        assert_eq!(at[position].edges, edges, "cell {position:?}");
    }
    // An arrowhead at the end of every route, pointing into its target.
    for (e, route) in out.edges.iter().enumerate() {
        let end = *route.points.last().unwrap();
        let cell = at[&end];
        let into = match cell.symbol {
            '▶' => (end.0 + 1, end.1),
            '◀' => (end.0 - 1, end.1),
            '▼' => (end.0, end.1 + 1),
            '▲' => (end.0, end.1 - 1),
            other => panic!("edge {e} ends in {other:?}, not an arrowhead"),
        };
        assert!(
            inside(&out.nodes[route.to], into),
            "edge {e}'s arrowhead points at {into:?}, not into its target"
        );
    }
    (out, drawn)
}

/// How many corners the routes have in all (for "looks straight" checks).
fn bends(out: &MapLayout) -> usize {
    out.edges
        .iter()
        .map(|e| e.points.len().saturating_sub(2))
        .sum()
}

// ---------------------------------------------------------------------------------------
// Drawing

/// The layout as text: boxes from `+ - |` with their labels, edges from `edge_cells`.
fn draw(out: &MapLayout, labels: &[&str], ascii: bool) -> String {
    let mut grid = vec![vec![' '; out.width as usize]; out.height as usize];
    for (node, label) in out.nodes.iter().zip(labels) {
        let (x0, y0) = (node.x as usize, node.y as usize);
        let (x1, y1) = (x0 + node.width as usize - 1, y0 + node.height as usize - 1);
        for y in [y0, y1] {
            grid[y][x0..=x1].fill('-');
        }
        for row in grid.iter_mut().take(y1).skip(y0 + 1) {
            row[x0] = '|';
            row[x1] = '|';
        }
        for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
            grid[y][x] = '+';
        }
        let room = node.width as usize - 2;
        let text: String = label.chars().take(room).collect();
        let x = x0 + 1 + (room - text.chars().count()) / 2;
        for (i, c) in text.chars().enumerate() {
            grid[y0 + (node.height as usize - 1) / 2][x + i] = c;
        }
    }
    for cell in edge_cells(out, ascii) {
        grid[cell.y as usize][cell.x as usize] = cell.symbol;
    }
    let lines: Vec<String> = grid
        .into_iter()
        .map(|row| row.into_iter().collect::<String>().trim_end().to_owned())
        .collect();
    lines.join("\n") + "\n"
}

// ---------------------------------------------------------------------------------------
// Real graphs

#[test]
fn the_scorekeep_fixture_graph() {
    let graph = fixture_graph("awsdocs-devguide/GetServiceGraph.scorekeep-4nodes.response.json");
    let (input, names) = service_input(&graph);
    assert_eq!(input.nodes.len(), 4);
    let (out, _) = check(&input);
    // The client sits left of the service it calls; the service left of what it calls.
    for &(a, b) in &input.edges {
        assert!(out.nodes[a].layer < out.nodes[b].layer);
    }
    let labels: Vec<&str> = names.iter().map(String::as_str).collect();
    insta::assert_snapshot!("scorekeep_unicode", draw(&out, &labels, false));
}

#[test]
fn the_demo_graph() {
    let graph = &common::demo().graph;
    let (input, names) = service_input(graph);
    assert!(input.nodes.len() >= 6, "{names:?}");
    let (out, _) = check(&input);
    let labels: Vec<&str> = names.iter().map(String::as_str).collect();
    insta::assert_snapshot!("demo_unicode", draw(&out, &labels, false));
}

// ---------------------------------------------------------------------------------------
// Generated graphs

#[test]
fn a_300_node_layered_graph() {
    let input = layered(300, 7, 0);
    let (out, _) = check(&input);
    let layers: HashSet<u16> = out.nodes.iter().map(|n| n.layer).collect();
    assert!(layers.len() >= 8, "{} layers", layers.len());
}

#[test]
fn a_300_node_graph_with_cycles() {
    let input = layered(300, 11, 10);
    assert!(cycle_edges(&input).len() > 10);
    check(&input);
}

#[test]
fn a_1000_node_graph_with_cycles() {
    let input = layered(1000, 3, 30);
    check(&input);
}

#[test]
fn small_cycles_route_every_edge_back() {
    // A 2-cycle, a 3-cycle and a cycle through the whole chain.
    let input = LayoutInput {
        nodes: boxes(6),
        edges: vec![
            (0, 1),
            (1, 0),
            (1, 2),
            (2, 3),
            (3, 1),
            (3, 4),
            (4, 5),
            (5, 0),
        ],
    };
    let (out, _) = check(&input);
    // The edges that go back run right to left: they start on their source's left side.
    for route in &out.edges {
        let (from, to) = (&out.nodes[route.from], &out.nodes[route.to]);
        if from.layer > to.layer {
            assert_eq!(route.points[0].0 + 1, from.x);
            assert_eq!(route.points.last().unwrap().0, to.x + to.width);
        }
    }
}

#[test]
fn a_star_of_200_leaves_is_one_bus_per_port() {
    let input = LayoutInput {
        nodes: boxes(201),
        edges: (1..=200).map(|leaf| (0, leaf)).collect(),
    };
    let (out, _) = check(&input);
    assert!(out.nodes[1..].iter().all(|n| n.layer == 1));
    // Fan-outs share tracks: the gap stays narrow.
    let gap = out.nodes[1].x - (out.nodes[0].x + out.nodes[0].width);
    assert!(gap <= 10, "gap of {gap} columns");
}

#[test]
fn a_star_of_200_callers_fans_in() {
    let input = LayoutInput {
        nodes: boxes(201),
        edges: (1..=200).map(|leaf| (leaf, 0)).collect(),
    };
    let (out, _) = check(&input);
    let gap = out.nodes[0].x - (out.nodes[1].x + out.nodes[1].width);
    assert!(gap <= 10, "gap of {gap} columns");
}

#[test]
fn disconnected_parts_are_stacked_and_all_visible() {
    let input = LayoutInput {
        nodes: boxes(9),
        edges: vec![(0, 1), (1, 2), (3, 4), (5, 6), (5, 7)],
        // 8 has no edges at all.
    };
    let (out, _) = check(&input);
    // Each part's rows are apart from the others'.
    let parts: [&[usize]; 4] = [&[0, 1, 2], &[5, 6, 7], &[3, 4], &[8]];
    let rows = |part: &[usize]| {
        let top = part.iter().map(|&i| out.nodes[i].y).min().unwrap();
        let bottom = part
            .iter()
            .map(|&i| out.nodes[i].y + out.nodes[i].height)
            .max()
            .unwrap();
        (top, bottom)
    };
    for pair in parts.windows(2) {
        assert!(
            rows(pair[0]).1 < rows(pair[1]).0,
            "{:?} then {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn self_loops_and_parallel_edges() {
    let input = LayoutInput {
        nodes: boxes(3),
        edges: vec![(0, 1), (0, 1), (1, 1), (1, 2), (2, 2), (2, 2), (1, 0)],
    };
    let (out, cells) = check(&input);
    // Parallel edges share the path; a loop leaves and re-enters the same side.
    assert_eq!(out.edges[0].points, out.edges[1].points);
    assert_eq!(out.edges[4].points, out.edges[5].points);
    let route = &out.edges[2].points;
    assert_eq!(route.first().unwrap().0, route.last().unwrap().0);
    assert_ne!(route.first().unwrap().1, route.last().unwrap().1);
    let shared = cells.iter().find(|c| c.edges.contains(&0)).unwrap();
    assert!(shared.edges.contains(&1));
}

#[test]
fn a_self_loop_on_a_flat_box_still_gets_two_ports() {
    let input = LayoutInput {
        nodes: vec![BoxSize {
            width: 6,
            height: 1,
        }],
        edges: vec![(0, 0)],
    };
    let out = layout(&input);
    assert_eq!(out.nodes[0].height, 2);
    let route = &out.edges[0].points;
    assert_eq!(route.len(), 4, "{route:?}");
}

#[test]
fn long_edges_stay_straight() {
    // a -> b -> c -> d, and a -> d straight past b and c.
    let input = LayoutInput {
        nodes: boxes(4),
        edges: vec![(0, 1), (1, 2), (2, 3), (0, 3)],
    };
    let (out, _) = check(&input);
    assert!(bends(&out) <= 4, "{:?}", out.edges);
}

#[test]
fn many_small_random_graphs() {
    // Odd sizes (flat and tiny boxes), loops, parallel and two-way edges, several parts.
    let mut rng = Rng(std::env::var("MAP_SEED").map_or(0x5eed, |s| s.parse().unwrap()));
    let rounds: usize = std::env::var("MAP_ROUNDS").map_or(300, |r| r.parse().unwrap());
    for round in 0..rounds {
        let n = 1 + rng.below(if round % 10 == 9 { 40 } else { 14 });
        let nodes = (0..n)
            .map(|_| BoxSize {
                width: rng.below(16) as u16,
                height: rng.below(7) as u16,
            })
            .collect();
        let edges = (0..rng.below(3 * n + 1))
            .map(|_| (rng.below(n), rng.below(n)))
            .collect();
        let input = LayoutInput { nodes, edges };
        let result = std::panic::catch_unwind(|| check(&input));
        assert!(result.is_ok(), "round {round}: {input:?}");
    }
}

#[test]
fn ten_thousand_nodes_do_not_overflow_the_stack() {
    let input = layered(10_000, 5, 50);
    let out = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || layout(&input))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(out.nodes.len(), 10_000);
}

// ---------------------------------------------------------------------------------------
// Navigation

#[test]
fn nearest_moves_between_neighbours() {
    let node = |x, y, layer| NodeBox {
        x,
        y,
        width: 10,
        height: 3,
        layer,
    };
    //  0 (0,0)     2 (20,0)
    //  1 (0,5)     3 (20,8)     4 (40,30)
    let out = MapLayout {
        nodes: vec![
            node(0, 0, 0),
            node(0, 5, 0),
            node(20, 0, 1),
            node(20, 8, 1),
            node(40, 30, 2),
        ],
        edges: Vec::new(),
        width: 50,
        height: 33,
    };
    assert_eq!(nearest(&out, 0, Direction::Right), Some(2));
    assert_eq!(nearest(&out, 1, Direction::Right), Some(3));
    assert_eq!(nearest(&out, 0, Direction::Down), Some(1));
    assert_eq!(nearest(&out, 1, Direction::Up), Some(0));
    assert_eq!(nearest(&out, 3, Direction::Left), Some(1));
    assert_eq!(nearest(&out, 3, Direction::Up), Some(2));
    assert_eq!(nearest(&out, 3, Direction::Right), Some(4));
    assert_eq!(nearest(&out, 0, Direction::Left), None);
    assert_eq!(nearest(&out, 0, Direction::Up), None);
    assert_eq!(nearest(&out, 4, Direction::Down), None);
    assert_eq!(nearest(&out, 9, Direction::Down), None);
}

// ---------------------------------------------------------------------------------------
// A drawing to look at

#[test]
fn a_small_map_drawn_in_ascii() {
    // client -> api -> {users, orders} -> db, users -> cache; orders calls api back and
    // retries itself; api also calls db directly (past the middle layer); client -> api twice.
    let labels = ["client", "api", "users", "orders", "db", "cache"];
    let input = LayoutInput {
        nodes: labels
            .iter()
            .map(|l| BoxSize {
                width: l.len() as u16 + 6,
                height: 5,
            })
            .collect(),
        edges: vec![
            (0, 1),
            (1, 2),
            (1, 3),
            (3, 4),
            (2, 4),
            (3, 1),
            (3, 3),
            (0, 1),
            (1, 4),
            (2, 5),
        ],
    };
    let (out, _) = check(&input);
    insta::assert_snapshot!("small_map_ascii", draw(&out, &labels, true));
    insta::assert_snapshot!("small_map_unicode", draw(&out, &labels, false));
}
