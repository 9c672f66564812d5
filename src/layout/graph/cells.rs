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
/// Each cell lists the edges through it. Sorted by row, then column.
pub fn edge_cells(layout: &MapLayout, ascii: bool) -> Vec<EdgeCell> {
    // (row, column, edge) packed into one key, with the arms this edge gives the cell.
    let mut marks: Vec<(u64, u8)> = Vec::new();
    for (e, route) in layout.edges.iter().enumerate() {
        let points = &route.points;
        let mark = |marks: &mut Vec<(u64, u8)>, (x, y): (u16, u16), arms: u8| {
            marks.push((((y as u64) << 48) | ((x as u64) << 32) | e as u64, arms));
        };
        if points.len() == 1 {
            mark(&mut marks, points[0], LEFT | RIGHT);
            continue;
        }
        let mut last_direction = 0;
        for (i, pair) in points.windows(2).enumerate() {
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
                let back = opposite(direction);
                if i == 0 && last_direction == 0 {
                    // The first cell reaches back to the box it leaves.
                    mark(&mut marks, a, back);
                }
                mark(&mut marks, a, direction);
                let mut at = a;
                loop {
                    at = step(at, direction);
                    if at == b {
                        break;
                    }
                    mark(&mut marks, at, direction | back);
                }
                mark(&mut marks, b, back);
                last_direction = direction;
            }
        }
        if last_direction != 0 {
            let end = *points.last().expect("two points");
            mark(&mut marks, end, last_direction << ARROW_SHIFT);
        }
    }
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

fn step((x, y): (u16, u16), direction: u8) -> (u16, u16) {
    match direction {
        UP => (x, y - 1),
        DOWN => (x, y + 1),
        LEFT => (x - 1, y),
        _ => (x + 1, y),
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
}
