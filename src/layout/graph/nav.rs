//! Spatial navigation between boxes.

use super::{Direction, MapLayout, NodeBox};

/// The nearest node from `from` in a direction (for hjkl/arrows): among the boxes wholly on
/// that side of it, the one whose centre is closest, counting the distance along the
/// direction plus the distance across it (so the next column's box level with this one wins
/// over a box two columns on). `None` if `from` is out of range or nothing lies that way.
pub fn nearest(layout: &MapLayout, from: usize, direction: Direction) -> Option<usize> {
    let origin = layout.nodes.get(from)?;
    let (ox, oy) = centre(origin);
    layout
        .nodes
        .iter()
        .enumerate()
        .filter(|&(i, node)| i != from && beyond(origin, node, direction))
        .map(|(i, node)| {
            let (x, y) = centre(node);
            let (along, across) = match direction {
                Direction::Left | Direction::Right => ((x - ox).abs(), (y - oy).abs()),
                Direction::Up | Direction::Down => ((y - oy).abs(), (x - ox).abs()),
            };
            (along + across, across, i)
        })
        .min()
        .map(|(_, _, i)| i)
}

/// Twice the centre, so that it stays whole.
fn centre(node: &NodeBox) -> (i64, i64) {
    (
        2 * node.x as i64 + node.width as i64,
        2 * node.y as i64 + node.height as i64,
    )
}

/// Whether `node` lies wholly on the `direction` side of `origin`.
fn beyond(origin: &NodeBox, node: &NodeBox, direction: Direction) -> bool {
    let end = |start: u16, size: u16| start as u32 + size as u32;
    match direction {
        Direction::Right => node.x as u32 >= end(origin.x, origin.width),
        Direction::Left => end(node.x, node.width) <= origin.x as u32,
        Direction::Down => node.y as u32 >= end(origin.y, origin.height),
        Direction::Up => end(node.y, node.height) <= origin.y as u32,
    }
}
