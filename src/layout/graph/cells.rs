//! The cells that draw the edges, junctions merged.

use super::{EdgeCell, MapLayout};

const UP: u8 = 1;
const DOWN: u8 = 2;
const LEFT: u8 = 4;
const RIGHT: u8 = 8;
/// Set on the last cell of a route, with the direction of travel in the arm bits above it.
const ARROW_SHIFT: u8 = 4;

/// The cells that draw the edges: line characters with junctions merged where routes meet or
/// cross (─ │ ┌ ┐ └ ┘ ├ ┤ ┬ ┴ ┼ and arrowheads ▶ ◀ ▲ ▼; with `ascii`, - | + > < ^ v only).
/// Each cell lists the edges through it. Sorted by row, then column. The whole canvas: a
/// window of it is drawn from [`EdgeRuns::cells`].
pub fn edge_cells(layout: &MapLayout, ascii: bool) -> Vec<EdgeCell> {
    let whole = Window {
        x: 0,
        y: 0,
        width: u16::MAX,
        height: u16::MAX,
    };
    EdgeRuns::new(layout).cells(whole, ascii)
}

/// A rectangle of the canvas, in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Window {
    fn contains(&self, (x, y): (u16, u16)) -> bool {
        x >= self.x && y >= self.y && (x - self.x) < self.width && (y - self.y) < self.height
    }
}

/// One straight run of a route, from one corner to the next.
#[derive(Debug, Clone, Copy)]
struct Run {
    edge: u32,
    from: (u16, u16),
    to: (u16, u16),
    /// Direction of travel; 0 for a route of one point.
    direction: u8,
    /// The route's first run: its first cell reaches back to the box it leaves.
    first: bool,
    /// The route's last run: its last cell is the arrowhead.
    last: bool,
}

/// Tiles of the canvas the runs are filed under, in cells.
const TILE_WIDTH: u32 = 64;
const TILE_HEIGHT: u32 = 32;

/// The straight runs of every route, filed by the tiles of the canvas they cross, so that a
/// window's cells are made from the runs that cross it: drawing costs what is in view, not
/// the whole canvas.
#[derive(Debug, Clone, Default)]
pub struct EdgeRuns {
    runs: Vec<Run>,
    columns: u32,
    rows: u32,
    /// Per tile (row-major), the runs crossing it: `tile_start[t]..tile_start[t + 1]`.
    tile_start: Vec<u32>,
    tile_runs: Vec<u32>,
}

impl EdgeRuns {
    pub fn new(layout: &MapLayout) -> EdgeRuns {
        let mut runs = Vec::new();
        for (e, route) in layout.edges.iter().enumerate() {
            let edge = e as u32;
            let points = &route.points;
            if points.len() == 1 {
                runs.push(Run {
                    edge,
                    from: points[0],
                    to: points[0],
                    direction: 0,
                    first: false,
                    last: false,
                });
                continue;
            }
            let begin = runs.len();
            for pair in points.windows(2) {
                let (from, to) = (pair[0], pair[1]);
                // Not orthogonal (a hand-made layout): go along, then across.
                let corner = (to.0, from.1);
                for (a, b) in [(from, corner), (corner, to)] {
                    if a == b {
                        continue;
                    }
                    let direction = if b.0 > a.0 {
                        RIGHT
                    } else if b.0 < a.0 {
                        LEFT
                    } else if b.1 > a.1 {
                        DOWN
                    } else {
                        UP
                    };
                    runs.push(Run {
                        edge,
                        from: a,
                        to: b,
                        direction,
                        first: runs.len() == begin,
                        last: false,
                    });
                }
            }
            if let Some(last) = runs.get_mut(begin..).and_then(|r| r.last_mut()) {
                last.last = true;
            }
        }
        let extent = |pick: fn(&Run) -> u16| runs.iter().map(pick).max().map_or(0, u32::from);
        let width = extent(|r| r.from.0.max(r.to.0)) + 1;
        let height = extent(|r| r.from.1.max(r.to.1)) + 1;
        let columns = width.div_ceil(TILE_WIDTH);
        let rows = height.div_ceil(TILE_HEIGHT);
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(runs.len() * 2);
        for (i, run) in runs.iter().enumerate() {
            let (x0, x1) = min_max(run.from.0, run.to.0);
            let (y0, y1) = min_max(run.from.1, run.to.1);
            for ty in y0 / TILE_HEIGHT..=y1 / TILE_HEIGHT {
                for tx in x0 / TILE_WIDTH..=x1 / TILE_WIDTH {
                    pairs.push((ty * columns + tx, i as u32));
                }
            }
        }
        let tiles = (columns * rows) as usize;
        let mut tile_start = vec![0u32; tiles + 1];
        for &(tile, _) in &pairs {
            tile_start[tile as usize + 1] += 1;
        }
        for t in 0..tiles {
            tile_start[t + 1] += tile_start[t];
        }
        let mut fill = tile_start.clone();
        let mut tile_runs = vec![0u32; pairs.len()];
        for &(tile, run) in &pairs {
            tile_runs[fill[tile as usize] as usize] = run;
            fill[tile as usize] += 1;
        }
        EdgeRuns {
            runs,
            columns,
            rows,
            tile_start,
            tile_runs,
        }
    }

    /// The indices of the runs that may cross `window`, ascending.
    fn runs_in(&self, window: Window) -> Vec<u32> {
        if self.columns == 0 || self.rows == 0 || window.width == 0 || window.height == 0 {
            return Vec::new();
        }
        let x1 = (u32::from(window.x) + u32::from(window.width) - 1) / TILE_WIDTH;
        let y1 = (u32::from(window.y) + u32::from(window.height) - 1) / TILE_HEIGHT;
        let mut found = Vec::new();
        for ty in u32::from(window.y) / TILE_HEIGHT..=y1.min(self.rows - 1) {
            for tx in u32::from(window.x) / TILE_WIDTH..=x1.min(self.columns - 1) {
                let tile = (ty * self.columns + tx) as usize;
                let (a, b) = (self.tile_start[tile], self.tile_start[tile + 1]);
                found.extend_from_slice(&self.tile_runs[a as usize..b as usize]);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The cells of `window` that draw edges (as [`edge_cells`] does for the whole canvas).
    pub fn cells(&self, window: Window, ascii: bool) -> Vec<EdgeCell> {
        // (row, column, edge) packed into one key, with the arms this edge gives the cell.
        let mut marks: Vec<(u64, u8)> = Vec::new();
        for r in self.runs_in(window) {
            let run = &self.runs[r as usize];
            let mut mark = |at: (u16, u16), arms: u8| {
                if window.contains(at) {
                    let key = ((at.1 as u64) << 48) | ((at.0 as u64) << 32) | run.edge as u64;
                    marks.push((key, arms));
                }
            };
            let direction = run.direction;
            if direction == 0 {
                mark(run.from, LEFT | RIGHT);
                continue;
            }
            let back = opposite(direction);
            if run.first {
                mark(run.from, back);
            }
            mark(run.from, direction);
            // Only the stretch of the run inside the window.
            let (along_from, along_to, fixed, horizontal) = match direction {
                LEFT | RIGHT => (run.from.0, run.to.0, run.from.1, true),
                _ => (run.from.1, run.to.1, run.from.0, false),
            };
            let (lo, hi) = min_max(along_from, along_to);
            let (window_lo, window_hi) = if horizontal {
                (window.x, window.x.saturating_add(window.width - 1))
            } else {
                (window.y, window.y.saturating_add(window.height - 1))
            };
            let inner_lo = (lo + 1).max(u32::from(window_lo));
            let inner_hi = hi.saturating_sub(1).min(u32::from(window_hi));
            for along in inner_lo..=inner_hi {
                let along = along as u16;
                let at = if horizontal {
                    (along, fixed)
                } else {
                    (fixed, along)
                };
                mark(at, direction | back);
            }
            mark(run.to, back);
            if run.last {
                mark(run.to, direction << ARROW_SHIFT);
            }
        }
        merge(marks, ascii)
    }
}

fn min_max(a: u16, b: u16) -> (u32, u32) {
    (a.min(b) as u32, a.max(b) as u32)
}

/// The marks of each cell, sorted, made into its symbol and its list of edges.
fn merge(mut marks: Vec<(u64, u8)>, ascii: bool) -> Vec<EdgeCell> {
    marks.sort_unstable_by_key(|&(key, _)| key);
    let mut cells: Vec<EdgeCell> = Vec::new();
    let mut arms = 0u8;
    let mut arrow = 0u8;
    let mut current = u64::MAX;
    let finish = |cells: &mut Vec<EdgeCell>, arms: u8, arrow: u8| {
        if let Some(cell) = cells.last_mut() {
            cell.symbol = symbol(arms, arrow, ascii);
        }
    };
    for &(key, bits) in &marks {
        let position = key >> 32;
        let edge = (key & 0xffff_ffff) as usize;
        if position != current {
            finish(&mut cells, arms, arrow);
            current = position;
            arms = 0;
            arrow = 0;
            cells.push(EdgeCell {
                x: ((position & 0xffff) as u16),
                y: ((position >> 16) as u16),
                symbol: ' ',
                edges: Vec::new(),
            });
        }
        let cell = cells.last_mut().expect("pushed");
        if cell.edges.last() != Some(&edge) {
            cell.edges.push(edge);
        }
        arms |= bits & 0x0f;
        if arrow == 0 {
            arrow = bits >> ARROW_SHIFT;
        }
    }
    finish(&mut cells, arms, arrow);
    cells
}

fn opposite(direction: u8) -> u8 {
    match direction {
        UP => DOWN,
        DOWN => UP,
        LEFT => RIGHT,
        _ => LEFT,
    }
}

/// Line characters by arms (bit 0 up, 1 down, 2 left, 3 right).
const LINES: [char; 16] = [
    '─', '│', '│', '│', '─', '┘', '┐', '┤', '─', '└', '┌', '├', '─', '┴', '┬', '┼',
];
const ASCII_LINES: [char; 16] = [
    '-', '|', '|', '|', '-', '+', '+', '+', '-', '+', '+', '+', '-', '+', '+', '+',
];

fn symbol(arms: u8, arrow: u8, ascii: bool) -> char {
    let arrowhead = match arrow {
        RIGHT => Some(('▶', '>')),
        LEFT => Some(('◀', '<')),
        UP => Some(('▲', '^')),
        DOWN => Some(('▼', 'v')),
        _ => None,
    };
    match (arrowhead, ascii) {
        (Some((unicode, _)), false) => unicode,
        (Some((_, plain)), true) => plain,
        (None, false) => LINES[arms as usize & 0x0f],
        (None, true) => ASCII_LINES[arms as usize & 0x0f],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::graph::EdgeRoute;

    fn drawn(routes: &[&[(u16, u16)]]) -> Vec<(u16, u16, char, Vec<usize>)> {
        let layout = MapLayout {
            nodes: Vec::new(),
            edges: routes
                .iter()
                .map(|points| EdgeRoute {
                    from: 0,
                    to: 1,
                    points: points.to_vec(),
                })
                .collect(),
            width: 20,
            height: 20,
        };
        edge_cells(&layout, false)
            .into_iter()
            .map(|c| (c.x, c.y, c.symbol, c.edges))
            .collect()
    }

    #[test]
    fn a_bend_and_an_arrow() {
        assert_eq!(
            drawn(&[&[(0, 0), (2, 0), (2, 1), (3, 1)]]),
            [
                (0, 0, '─', vec![0]),
                (1, 0, '─', vec![0]),
                (2, 0, '┐', vec![0]),
                (2, 1, '└', vec![0]),
                (3, 1, '▶', vec![0]),
            ]
        );
    }

    #[test]
    fn crossings_and_junctions_merge() {
        let cells = drawn(&[
            &[(0, 1), (4, 1)],
            &[(2, 0), (2, 3)],
            &[(0, 1), (3, 1), (3, 3)],
        ]);
        let at = |x, y| cells.iter().find(|c| (c.0, c.1) == (x, y)).unwrap();
        assert_eq!(at(2, 1).2, '┼');
        assert_eq!(at(2, 1).3, [0, 1, 2]);
        assert_eq!(at(3, 1).2, '┬');
        assert_eq!(at(4, 1).2, '▶');
        assert_eq!(at(3, 3).2, '▼');
    }

    #[test]
    fn a_window_draws_what_the_whole_canvas_draws_there() {
        let routes: &[&[(u16, u16)]] = &[
            &[(0, 1), (150, 1)],
            &[(70, 0), (70, 90), (140, 90)],
            &[(0, 1), (3, 1), (3, 40)],
            &[(100, 35)],
        ];
        let layout = MapLayout {
            nodes: Vec::new(),
            edges: routes
                .iter()
                .map(|points| EdgeRoute {
                    from: 0,
                    to: 1,
                    points: points.to_vec(),
                })
                .collect(),
            width: 200,
            height: 100,
        };
        let whole = edge_cells(&layout, false);
        let runs = EdgeRuns::new(&layout);
        for window in [
            Window {
                x: 60,
                y: 0,
                width: 20,
                height: 10,
            },
            Window {
                x: 0,
                y: 30,
                width: 120,
                height: 70,
            },
            Window {
                x: 65,
                y: 85,
                width: 80,
                height: 6,
            },
        ] {
            let expected: Vec<EdgeCell> = whole
                .iter()
                .filter(|c| window.contains((c.x, c.y)))
                .cloned()
                .collect();
            assert_eq!(runs.cells(window, false), expected, "{window:?}");
        }
    }
}
