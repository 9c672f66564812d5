//! Two traces as one tree: spans matched by path (the service and operation of each span from
//! the root down), each path's time in A and in B, and the change. A side can also be the
//! typical trace of many: each path's median over the traces that have it, kept when at least
//! half of them do.

use std::collections::HashMap;

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
    pub service: String,
    pub name: String,
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
/// too, so that looking a span's path up allocates nothing.
#[derive(Default)]
struct Paths {
    names: HashMap<String, u32>,
    index: HashMap<(usize, u32, u32), usize>,
    nodes: Vec<(usize, u32, u32)>,
    texts: Vec<String>,
}

const ROOT: usize = usize::MAX;

impl Paths {
    fn name(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.names.get(text) {
            return id;
        }
        self.texts.push(text.to_owned());
        let id = self.texts.len() as u32 - 1;
        self.names.insert(text.to_owned(), id);
        id
    }

    fn node(&mut self, parent: usize, service: &str, name: &str) -> usize {
        let key = (parent, self.name(service), self.name(name));
        let nodes = &mut self.nodes;
        *self.index.entry(key).or_insert_with(|| {
            nodes.push(key);
            nodes.len() - 1
        })
    }

    /// Each path's time in one trace, by node.
    fn times(&mut self, trace: &Trace) -> HashMap<usize, Timing> {
        let mut node_of = vec![ROOT; trace.spans.len()];
        let mut times: HashMap<usize, Timing> = HashMap::new();
        // The table is in tree order: parents come before their children.
        for (i, span) in trace.spans.iter().enumerate() {
            let parent = span
                .parent
                .and_then(|p| node_of.get(p as usize).copied())
                .unwrap_or(ROOT);
            let service = trace
                .spans
                .get(span.service as usize)
                .unwrap_or(span)
                .name();
            let node = self.node(parent, service, span.name());
            node_of[i] = node;
            let time = times.entry(node).or_insert(Timing {
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

/// The median of each path over the traces that have it, for paths at least half of them
/// have.
fn typical(paths: &mut Paths, traces: &[&Trace]) -> HashMap<usize, Timing> {
    let mut seen: HashMap<usize, Vec<Timing>> = HashMap::new();
    for trace in traces {
        for (node, time) in paths.times(trace) {
            seen.entry(node).or_default().push(time);
        }
    }
    seen.into_iter()
        .filter(|(_, times)| times.len() * 2 >= traces.len())
        .map(|(node, mut times)| {
            times.sort_by(|x, y| x.total.total_cmp(&y.total));
            (node, times[times.len() / 2])
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

fn merge(paths: &Paths, a: &HashMap<usize, Timing>, b: &HashMap<usize, Timing>) -> TraceDiff {
    let total =
        |side: &HashMap<usize, Timing>, node: usize| side.get(&node).map_or(0.0, |t| t.total);
    let change = |node: usize| (total(b, node) - total(a, node)).abs();
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (node, (parent, _, _)) in paths.nodes.iter().enumerate() {
        if a.contains_key(&node) || b.contains_key(&node) {
            children.entry(*parent).or_default().push(node);
        }
    }
    for kids in children.values_mut() {
        // Largest change first; the stack below pops the last, so smallest first here.
        kids.sort_by(|&x, &y| change(x).total_cmp(&change(y)).then(y.cmp(&x)));
    }
    let mut rows = Vec::with_capacity(paths.nodes.len());
    let mut stack: Vec<(usize, u32)> = Vec::new();
    let push_children = |stack: &mut Vec<(usize, u32)>, parent: usize, depth: u32| {
        if let Some(kids) = children.get(&parent) {
            stack.extend(kids.iter().map(|&k| (k, depth)));
        }
    };
    push_children(&mut stack, ROOT, 0);
    while let Some((node, depth)) = stack.pop() {
        let (_, service, name) = paths.nodes[node];
        rows.push(DiffRow {
            depth,
            service: paths.texts[service as usize].clone(),
            name: paths.texts[name as usize].clone(),
            a: a.get(&node).copied(),
            b: b.get(&node).copied(),
        });
        push_children(&mut stack, node, depth + 1);
    }
    TraceDiff { rows }
}

#[cfg(test)]
mod tests;
