//! The analysis views' state: span statistics (of the open trace or of the listed traces),
//! the icicle of the open trace, and the aggregated icicle of the listed traces. Computed
//! when the data, the grouping or the zoom change; never while drawing.

use std::sync::Arc;

use crate::analytics::icicle::{Aggregate, aggregate, trace_nodes};
use crate::analytics::span_stats::{Grouping, StatRow, StatSort, sort_rows, statistics};
use crate::layout::icicle::{Icicle, IcicleNode, lay_out};
use crate::model::Trace;

use super::action::RequestId;
use super::cursor::Cursor;

/// How many listed traces the statistics and the aggregated icicle take at most (fetched
/// through the worker where the source does not hold them).
pub const MAX_LISTED_TRACES: usize = 1000;

/// How many listed traces a list view is made of.
pub fn listed_to_fetch(state: &super::state::State) -> usize {
    state.list.order.len().min(MAX_LISTED_TRACES)
}

/// Whose spans the statistics are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsScope {
    /// The open trace.
    Trace,
    /// The listed traces.
    List,
}

#[derive(Debug, Clone)]
pub struct StatsView {
    pub scope: StatsScope,
    pub traces: Arc<[Arc<Trace>]>,
    pub grouping: Grouping,
    pub sort: StatSort,
    pub descending: bool,
    pub rows: Vec<StatRow>,
    pub cursor: Cursor,
    /// How many traces were listed when the statistics were asked for.
    pub listed: usize,
}

impl StatsView {
    pub fn new(scope: StatsScope, traces: Arc<[Arc<Trace>]>, listed: usize) -> StatsView {
        let mut view = StatsView {
            scope,
            traces,
            grouping: Grouping::Service,
            sort: StatSort::SelfTime,
            descending: true,
            rows: Vec::new(),
            cursor: Cursor::default(),
            listed,
        };
        view.regroup();
        view
    }

    pub fn regroup(&mut self) {
        self.rows = statistics(&self.traces, self.grouping);
        sort_rows(&mut self.rows, self.sort, self.descending);
        self.cursor = Cursor::default();
    }

    pub fn cycle_grouping(&mut self, forward: bool) {
        self.grouping = self.grouping.step(forward);
        self.regroup();
    }

    pub fn sort_by(&mut self, next_column: bool) {
        if next_column {
            self.sort = self.sort.next();
            self.descending = self.sort.descending_by_default();
        } else {
            self.descending = !self.descending;
        }
        let keep = self
            .selected()
            .map(|r| (r.service.clone(), r.operation.clone()));
        sort_rows(&mut self.rows, self.sort, self.descending);
        self.cursor.selected = keep
            .and_then(|(s, o)| {
                self.rows
                    .iter()
                    .position(|r| r.service == s && r.operation == o)
            })
            .unwrap_or(0);
    }

    pub fn selected(&self) -> Option<&StatRow> {
        self.rows.get(self.cursor.selected)
    }
}

/// An icicle on screen: its tree, the zoom (the roots entered, innermost last), the frames
/// laid out for the current width, and the first row shown.
#[derive(Debug, Clone)]
pub struct IcicleView {
    pub nodes: Arc<[IcicleNode]>,
    pub zoom: Vec<u32>,
    pub layout: Icicle,
    pub offset: usize,
}

impl IcicleView {
    pub fn new(nodes: Arc<[IcicleNode]>, width: u16) -> IcicleView {
        let layout = lay_out(&nodes, 0, width);
        IcicleView {
            nodes,
            zoom: Vec::new(),
            layout,
            offset: 0,
        }
    }

    pub fn root(&self) -> u32 {
        self.zoom.last().copied().unwrap_or(0)
    }

    pub fn relayout(&mut self, width: u16) {
        self.layout = lay_out(&self.nodes, self.root() as usize, width);
    }

    fn row_of(&self, node: u32) -> Option<u32> {
        let root_depth = self.nodes.get(self.root() as usize)?.depth;
        let depth = self.nodes.get(node as usize)?.depth;
        depth.checked_sub(root_depth)
    }

    /// The frame of a node, when it is shown.
    pub fn frame_of(&self, node: u32) -> Option<&crate::layout::icicle::Frame> {
        self.layout.frame_of(node, self.row_of(node)?)
    }

    fn inside_root(&self, node: u32) -> bool {
        let root = self.root() as usize;
        let len = self.nodes.get(root).map_or(0, |n| n.subtree_len as usize);
        (root..root + len).contains(&(node as usize))
    }

    /// Zooms so `node`'s frame is shown: out of roots it is not under, then into its parent
    /// (or itself) when it is too narrow.
    pub fn reveal(&mut self, node: u32, parent: Option<u32>, width: u16) {
        let mut changed = false;
        while !self.zoom.is_empty() && !self.inside_root(node) {
            self.zoom.pop();
            changed = true;
        }
        if changed {
            self.relayout(width);
        }
        for target in [parent, Some(node)].into_iter().flatten() {
            if self.frame_of(node).is_some() {
                break;
            }
            if self.inside_root(target) && target != self.root() {
                self.zoom.push(target);
                self.relayout(width);
            }
        }
    }

    /// Keeps the row of `node` among the `rows` shown.
    pub fn keep_visible(&mut self, node: u32, rows: usize) {
        let Some(row) = self.row_of(node) else { return };
        let row = row as usize;
        if row < self.offset {
            self.offset = row;
        } else if rows > 0 && row >= self.offset + rows {
            self.offset = row + 1 - rows;
        }
    }

    /// Zooms into `node`'s subtree; `false` when it is the root already.
    pub fn zoom_in(&mut self, node: u32, width: u16) -> bool {
        if node == self.root() || !self.inside_root(node) {
            return false;
        }
        self.zoom.push(node);
        self.offset = 0;
        self.relayout(width);
        true
    }

    pub fn zoom_out(&mut self, width: u16) -> bool {
        if self.zoom.pop().is_none() {
            return false;
        }
        self.offset = 0;
        self.relayout(width);
        true
    }

    /// The frame beside `node`'s on its row (left or right), if any.
    pub fn beside(&self, node: u32, right: bool) -> Option<u32> {
        let frame = self.frame_of(node)?;
        let row = self.layout.row(frame.row as usize);
        let at = row.iter().position(|f| f.node == node)?;
        let next = if right {
            row.get(at + 1)
        } else {
            at.checked_sub(1).and_then(|i| row.get(i))
        };
        next.map(|f| f.node)
    }

    /// The widest frame under `node`'s.
    pub fn child_of(&self, node: u32) -> Option<u32> {
        let frame = self.frame_of(node)?;
        self.layout
            .row(frame.row as usize + 1)
            .iter()
            .filter(|f| f.x >= frame.x && f.x < frame.x + frame.width)
            .max_by_key(|f| (f.width, std::cmp::Reverse(f.x)))
            .map(|f| f.node)
    }

    /// The frame above `node`'s, within the zoom.
    pub fn parent_of(&self, node: u32) -> Option<u32> {
        let frame = self.frame_of(node)?;
        let row = (frame.row as usize).checked_sub(1)?;
        self.layout
            .row(row)
            .iter()
            .find(|f| f.x <= frame.x && frame.x < f.x + f.width)
            .map(|f| f.node)
    }
}

/// The open trace's icicle (node `span + 1` is span `span`; node 0 is the whole trace).
pub fn trace_icicle(trace: &Trace, width: u16) -> IcicleView {
    IcicleView::new(trace_nodes(trace).into(), width)
}

/// The aggregated icicle of the listed traces.
#[derive(Debug, Clone)]
pub struct FlameView {
    pub aggregate: Arc<Aggregate>,
    pub icicle: IcicleView,
    pub selected: u32,
    pub listed: usize,
}

impl FlameView {
    pub fn new(traces: &[Arc<Trace>], listed: usize, width: u16) -> FlameView {
        let aggregate = Arc::new(aggregate(traces));
        let icicle = IcicleView::new(aggregate.nodes.clone().into(), width);
        FlameView {
            selected: if aggregate.nodes.len() > 1 { 1 } else { 0 },
            aggregate,
            icicle,
            listed,
        }
    }
}

/// The statistics shown (of the trace or of the list), the aggregated icicle, and the
/// listed traces being fetched for one of them.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The request that fetches the listed traces, while it runs, and which view waits.
    pub pending: Option<(RequestId, Wanted)>,
    pub stats: Option<StatsView>,
    pub flame: Option<FlameView>,
}

/// Which view of the listed traces was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Statistics,
    Icicle,
}
