//! Icicle geometry: a tree (pre-ordered, like the span table) laid out in rows of frames, each
//! as wide as its share of its root's time. Children sit under their parent from its left edge,
//! in their order; the columns of a frame with no child under them are its self time. Children
//! that ran side by side add up to more than their parent's covered time: they are scaled down
//! together to fit it.

/// One node of the tree to lay out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IcicleNode {
    pub depth: u32,
    /// This node and its descendants: `index .. index + subtree_len`.
    pub subtree_len: u32,
    /// The node's time (seconds, or any unit).
    pub value: f64,
    /// The part of `value` no child covers.
    pub self_value: f64,
}

/// A frame on screen: a node, its row under the root, and its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub node: u32,
    pub row: u32,
    pub x: u16,
    pub width: u16,
    /// The columns at the frame's right end with no child under them.
    pub self_cells: u16,
}

/// The frames of a laid-out tree, by row then column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Icicle {
    pub root: u32,
    pub width: u16,
    pub frames: Vec<Frame>,
    /// Where each row's frames start in `frames` (one more entry than rows).
    row_starts: Vec<u32>,
}

impl Icicle {
    pub fn rows(&self) -> usize {
        self.row_starts.len().saturating_sub(1)
    }

    /// The frames of one row, left to right.
    pub fn row(&self, row: usize) -> &[Frame] {
        match (self.row_starts.get(row), self.row_starts.get(row + 1)) {
            (Some(&a), Some(&b)) => &self.frames[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The frame of a node, when it is wide enough to be shown.
    pub fn frame_of(&self, node: u32, depth_under_root: u32) -> Option<&Frame> {
        self.row(depth_under_root as usize)
            .iter()
            .find(|f| f.node == node)
    }

    /// The frame under column `x` of a row, or the nearest one.
    pub fn nearest(&self, row: usize, x: u16) -> Option<&Frame> {
        self.row(row).iter().min_by_key(|f| {
            if x < f.x {
                f.x - x
            } else {
                x.saturating_sub(f.x + f.width - 1)
            }
        })
    }
}

/// Lays out the subtree of `root` across `width` columns. Nodes narrower than half a column
/// are left out with their descendants.
pub fn lay_out(nodes: &[IcicleNode], root: usize, width: u16) -> Icicle {
    let mut frames: Vec<Frame> = Vec::new();
    let Some(top) = nodes.get(root) else {
        return Icicle::default();
    };
    let root_depth = top.depth;
    let mut stack: Vec<(usize, f64, f64)> = vec![(root, 0.0, f64::from(width))];
    while let Some((index, x0, w)) = stack.pop() {
        let node = &nodes[index];
        let (x, end) = (x0.round() as u16, (x0 + w).round() as u16);
        if end <= x {
            continue;
        }
        let end_of_subtree = index + node.subtree_len as usize;
        let mut sum_children = 0.0;
        let mut child = index + 1;
        while child < end_of_subtree.min(nodes.len()) {
            sum_children += nodes[child].value.max(0.0);
            child += nodes[child].subtree_len.max(1) as usize;
        }
        let covered = (node.value - node.self_value).max(0.0);
        let fit = if sum_children > covered && sum_children > 0.0 {
            covered / sum_children
        } else {
            1.0
        };
        let per_unit = if node.value > 0.0 {
            w / node.value
        } else {
            0.0
        };
        let mut at = x0;
        let mut child = index + 1;
        let mut placed = Vec::new();
        while child < end_of_subtree.min(nodes.len()) {
            let child_w = nodes[child].value.max(0.0) * per_unit * fit;
            placed.push((child, at, child_w));
            at += child_w;
            child += nodes[child].subtree_len.max(1) as usize;
        }
        // Popped in order: the leftmost child first.
        stack.extend(placed.into_iter().rev());
        let children_end = (at.round() as u16).clamp(x, end);
        frames.push(Frame {
            node: index as u32,
            row: node.depth.saturating_sub(root_depth),
            x,
            width: end - x,
            self_cells: end - children_end,
        });
    }
    frames.sort_unstable_by_key(|f| (f.row, f.x));
    let rows = frames.last().map_or(0, |f| f.row as usize + 1);
    let mut row_starts = Vec::with_capacity(rows + 1);
    let mut at = 0;
    for row in 0..rows as u32 {
        row_starts.push(at as u32);
        while at < frames.len() && frames[at].row == row {
            at += 1;
        }
    }
    row_starts.push(frames.len() as u32);
    Icicle {
        root: root as u32,
        width,
        frames,
        row_starts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(depth: u32, subtree_len: u32, value: f64, self_value: f64) -> IcicleNode {
        IcicleNode {
            depth,
            subtree_len,
            value,
            self_value,
        }
    }

    #[test]
    fn frames_are_as_wide_as_their_share_and_self_time_is_left_over() {
        // root 10 s (self 2): a 6 s (self 3) with a child of 3 s, b 2 s.
        let nodes = [
            node(0, 4, 10.0, 2.0),
            node(1, 2, 6.0, 3.0),
            node(2, 1, 3.0, 3.0),
            node(1, 1, 2.0, 2.0),
        ];
        let icicle = lay_out(&nodes, 0, 100);
        assert_eq!(icicle.rows(), 3);
        let f = |node: u32, row: u32, x: u16, width: u16, self_cells: u16| Frame {
            node,
            row,
            x,
            width,
            self_cells,
        };
        assert_eq!(icicle.row(0), [f(0, 0, 0, 100, 20)]);
        assert_eq!(icicle.row(1), [f(1, 1, 0, 60, 30), f(3, 1, 60, 20, 20)]);
        assert_eq!(icicle.row(2), [f(2, 2, 0, 30, 30)]);
        // Zoomed into a: it takes the whole width.
        let zoomed = lay_out(&nodes, 1, 100);
        assert_eq!(zoomed.row(0), [f(1, 0, 0, 100, 50)]);
        assert_eq!(zoomed.row(1), [f(2, 1, 0, 50, 50)]);
        assert_eq!(zoomed.frame_of(2, 1).map(|f| f.x), Some(0));
        assert_eq!(zoomed.nearest(1, 90).map(|f| f.node), Some(2));
    }

    #[test]
    fn side_by_side_children_are_scaled_to_fit_and_narrow_ones_left_out() {
        // Two 8 s children of a 10 s parent that ran in parallel (covered 8 s, self 2 s).
        let nodes = [
            node(0, 4, 10.0, 2.0),
            node(1, 1, 8.0, 8.0),
            node(1, 1, 8.0, 8.0),
            node(1, 1, 0.001, 0.001),
        ];
        let icicle = lay_out(&nodes, 0, 10);
        let widths: Vec<u16> = icicle.row(1).iter().map(|f| f.width).collect();
        assert_eq!(widths, [4, 4], "8 columns shared, the tiny one left out");
        assert_eq!(icicle.row(0)[0].self_cells, 2);
    }
}
