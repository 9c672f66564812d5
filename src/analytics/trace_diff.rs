//! Two traces as one tree: spans matched by path (the service and operation of each span from
//! the root down), each path's time in A and in B, and the change. A side can also be the
//! typical trace of many: each path's median over the traces that have it, kept when at least
//! half of them do.

use std::sync::Arc;

use crate::model::trace::{Span, Trace};

/// A path's time on one side: the spans of the path added up (a loop's calls are one path).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub total: f64,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    OnlyA,
    OnlyB,
    Both,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiffRow {
    pub depth: u32,
    pub service: Arc<str>,
    pub name: Arc<str>,
    pub a: Option<Timing>,
    pub b: Option<Timing>,
}

impl DiffRow {
    pub fn change(&self) -> Change {
        match (self.a, self.b) {
            (Some(_), None) => Change::OnlyA,
            (None, Some(_)) => Change::OnlyB,
            _ => Change::Both,
        }
    }

    /// B's time less A's, in seconds: positive when B is slower.
    pub fn delta(&self) -> f64 {
        self.b.map_or(0.0, |t| t.total) - self.a.map_or(0.0, |t| t.total)
    }
}

/// The merged tree, in tree order: each node before its children, siblings largest change
/// first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceDiff {
    pub rows: Vec<DiffRow>,
}

impl TraceDiff {
    pub fn only_a(&self) -> impl Iterator<Item = &DiffRow> {
        self.rows.iter().filter(|r| r.change() == Change::OnlyA)
    }

    pub fn only_b(&self) -> impl Iterator<Item = &DiffRow> {
        self.rows.iter().filter(|r| r.change() == Change::OnlyB)
    }

    /// Indices of the rows, largest change first (ties in tree order).
    pub fn by_change(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        order.sort_by(|&x, &y| {
            let (dx, dy) = (self.rows[x].delta().abs(), self.rows[y].delta().abs());
            dy.total_cmp(&dx).then(x.cmp(&y))
        });
        order
    }
}

/// Paths interned into nodes: (parent node, service, operation) → node, the names interned
/// too, so that looking a span's path up allocates nothing and hashes only numbers.
#[derive(Default)]
struct Paths {
    names: foldhash::HashMap<Arc<str>, u32>,
    index: foldhash::HashMap<(usize, u32, u32), usize>,
    nodes: Vec<(usize, u32, u32)>,
    texts: Vec<Arc<str>>,
}

const ROOT: usize = usize::MAX;

/// A path's time in one trace, by node; nodes the trace does not have are `None`.
type Times = Vec<Option<Timing>>;

impl Paths {
    fn name(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.names.get(text) {
            return id;
        }
        let text: Arc<str> = text.into();
        self.texts.push(Arc::clone(&text));
        let id = self.texts.len() as u32 - 1;
        self.names.insert(text, id);
        id
    }

    fn node(&mut self, parent: usize, service: u32, name: u32) -> usize {
        let key = (parent, service, name);
        let nodes = &mut self.nodes;
        *self.index.entry(key).or_insert_with(|| {
            nodes.push(key);
            nodes.len() - 1
        })
    }

    /// Each path's time in one trace.
    fn times(&mut self, trace: &Trace) -> Times {
        // The trace's own name numbers, turned into these paths' numbers once per name.
        let names: Vec<u32> = (0..trace.name_count() as u32)
            .map(|id| self.name(trace.name_of(id)))
            .collect();
        let mut node_of = vec![ROOT; trace.spans.len()];
        let mut times: Times = Vec::new();
        // The table is in tree order: parents come before their children.
        for (i, span) in trace.spans.iter().enumerate() {
            let parent = span
                .parent
                .and_then(|p| node_of.get(p as usize).copied())
                .unwrap_or(ROOT);
            let service = trace.spans.get(span.service as usize).unwrap_or(span);
            let node = self.node(
                parent,
                names[service.name_id as usize],
                names[span.name_id as usize],
            );
            node_of[i] = node;
            if times.len() <= node {
                times.resize(self.nodes.len(), None);
            }
            let time = times[node].get_or_insert(Timing {
                total: 0.0,
                count: 0,
            });
            time.total += duration(span);
            time.count += 1;
        }
        times
    }
}

fn duration(span: &Span) -> f64 {
    span.end().map_or(0.0, |end| end - span.start())
}

fn timing(times: &Times, node: usize) -> Option<Timing> {
    times.get(node).copied().flatten()
}

/// The median of each path over the traces that have it, for paths at least half of them
/// have.
fn typical(paths: &mut Paths, traces: &[&Trace]) -> Times {
    let mut seen: Vec<Vec<Timing>> = Vec::new();
    for trace in traces {
        let times = paths.times(trace);
        seen.resize_with(paths.nodes.len(), Vec::new);
        for (node, time) in times.into_iter().enumerate() {
            if let Some(time) = time {
                seen[node].push(time);
            }
        }
    }
    seen.into_iter()
        .map(|mut times| {
            if times.is_empty() || times.len() * 2 < traces.len() {
                return None;
            }
            times.sort_by(|x, y| x.total.total_cmp(&y.total));
            Some(times[times.len() / 2])
        })
        .collect()
}

/// A against B.
pub fn diff(a: &Trace, b: &Trace) -> TraceDiff {
    let mut paths = Paths::default();
    let a = paths.times(a);
    let b = paths.times(b);
    merge(&paths, &a, &b)
}

/// The typical trace of `baseline` (as A) against `b`. An empty baseline leaves every span
/// only in B.
pub fn diff_with_typical(baseline: &[&Trace], b: &Trace) -> TraceDiff {
    let mut paths = Paths::default();
    let a = typical(&mut paths, baseline);
    let b = paths.times(b);
    merge(&paths, &a, &b)
}

fn merge(paths: &Paths, a: &Times, b: &Times) -> TraceDiff {
    let total = |side: &Times, node: usize| timing(side, node).map_or(0.0, |t| t.total);
    let change = |node: usize| (total(b, node) - total(a, node)).abs();
    let present = |node: usize| timing(a, node).is_some() || timing(b, node).is_some();
    // Children of each node in one flat table, the top level last: node n's are
    // children[first[n]..first[n + 1]].
    let top = paths.nodes.len();
    let slot = |parent: usize| if parent == ROOT { top } else { parent };
    let mut first = vec![0usize; top + 2];
    for (node, &(parent, _, _)) in paths.nodes.iter().enumerate() {
        if present(node) {
            first[slot(parent) + 1] += 1;
        }
    }
    for i in 0..=top {
        first[i + 1] += first[i];
    }
    let mut filled = first.clone();
    let mut children = vec![0usize; first[top + 1]];
    for (node, &(parent, _, _)) in paths.nodes.iter().enumerate() {
        if present(node) {
            children[filled[slot(parent)]] = node;
            filled[slot(parent)] += 1;
        }
    }
    for n in 0..=top {
        // Largest change first; the stack below pops the last, so smallest first here.
        children[first[n]..first[n + 1]]
            .sort_by(|&x, &y| change(x).total_cmp(&change(y)).then(y.cmp(&x)));
    }
    let mut rows = Vec::with_capacity(children.len());
    let mut stack: Vec<(usize, u32)> = children[first[top]..first[top + 1]]
        .iter()
        .map(|&k| (k, 0))
        .collect();
    while let Some((node, depth)) = stack.pop() {
        let (_, service, name) = paths.nodes[node];
        rows.push(DiffRow {
            depth,
            service: paths.texts[service as usize].clone(),
            name: paths.texts[name as usize].clone(),
            a: timing(a, node),
            b: timing(b, node),
        });
        stack.extend(
            children[first[node]..first[node + 1]]
                .iter()
                .map(|&k| (k, depth + 1)),
        );
    }
    TraceDiff { rows }
}

#[cfg(test)]
mod tests;
