//! The trees icicles are drawn from: one trace's spans, and the listed traces merged by path
//! (service/operation from the root down), so one frame holds the time all the traces spent
//! in the same place.

use std::sync::Arc;

use crate::layout::icicle::IcicleNode;
use crate::model::{Status, Trace};

use super::span_stats::{self_times, span_end};

/// Length of the union of intervals (sorted in place).
fn union_length(intervals: &mut [(f64, f64)]) -> f64 {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut covered = 0.0;
    let mut current: Option<(f64, f64)> = None;
    for &(a, b) in intervals.iter() {
        match current {
            Some((ca, cb)) if a <= cb => current = Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                covered += cb - ca;
                current = Some((a, b));
            }
            None => current = Some((a, b)),
        }
    }
    covered + current.map_or(0.0, |(a, b)| b - a)
}

/// The time of a whole trace no top-level span covers.
fn trace_self_time(trace: &Trace) -> f64 {
    let Some(duration) = trace.duration() else {
        return 0.0;
    };
    let mut tops: Vec<(f64, f64)> = (0..trace.spans.len())
        .filter(|&i| trace.spans[i].parent.is_none())
        .map(|i| (trace.spans[i].start(), span_end(trace, i)))
        .collect();
    (duration - union_length(&mut tops)).max(0.0)
}

/// One trace as an icicle tree: node 0 is the whole trace, node `i + 1` is span `i`.
pub fn trace_nodes(trace: &Trace) -> Vec<IcicleNode> {
    let selves = self_times(trace);
    let mut nodes = Vec::with_capacity(trace.spans.len() + 1);
    nodes.push(IcicleNode {
        depth: 0,
        subtree_len: trace.spans.len() as u32 + 1,
        value: trace.duration().unwrap_or(0.0),
        self_value: trace_self_time(trace),
    });
    for (i, span) in trace.spans.iter().enumerate() {
        nodes.push(IcicleNode {
            depth: span.depth + 1,
            subtree_len: span.subtree_len,
            value: span_end(trace, i) - span.start(),
            self_value: selves[i],
        });
    }
    nodes
}

/// A path of the merged tree: what its frame says.
#[derive(Debug, Clone, PartialEq)]
pub struct PathInfo {
    pub service: String,
    pub operation: String,
    pub parent: Option<u32>,
    /// Spans on this path, over all traces.
    pub count: usize,
    pub errors: usize,
    pub faults: usize,
    pub throttles: usize,
    /// The traces (indices into [`Aggregate::trace_ids`]) that have a span on this path.
    pub traces: Vec<u32>,
}

impl PathInfo {
    /// The worst status any of its spans had.
    pub fn status(&self) -> Status {
        Status::of(self.faults > 0, self.errors > 0, self.throttles > 0)
    }
}

/// The listed traces merged by path. Node 0 stands for all of them; children are ordered by
/// time, the largest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aggregate {
    pub nodes: Vec<IcicleNode>,
    pub paths: Vec<PathInfo>,
    pub trace_ids: Vec<String>,
}

impl Aggregate {
    /// The path from the root down to `node`, as `service/operation` steps.
    pub fn path_text(&self, node: usize) -> String {
        let mut steps = Vec::new();
        let mut at = Some(node as u32);
        while let Some(n) = at {
            let info = &self.paths[n as usize];
            if info.parent.is_some() {
                steps.push(step_text(info));
            }
            at = info.parent;
        }
        steps.reverse();
        steps.join(" / ")
    }
}

/// `service:operation`, or the name alone for a segment (the service's own span).
pub fn step_text(info: &PathInfo) -> String {
    if info.service == info.operation || info.service.is_empty() {
        info.operation.clone()
    } else {
        format!("{}:{}", info.service, info.operation)
    }
}

/// Merges the traces by path.
pub fn aggregate(traces: &[Arc<Trace>]) -> Aggregate {
    // Built in arrival order, then laid out in pre-order.
    let mut built: Vec<(PathInfo, f64, f64)> = vec![(
        PathInfo {
            service: String::new(),
            operation: format!("all {} traces", traces.len()),
            parent: None,
            count: traces.len(),
            errors: 0,
            faults: 0,
            throttles: 0,
            traces: (0..traces.len() as u32).collect(),
        },
        0.0,
        0.0,
    )];
    let mut children: Vec<Vec<u32>> = vec![Vec::new()];
    let mut index: foldhash::HashMap<(u32, &str, &str), u32> = foldhash::HashMap::default();
    let mut node_of: Vec<u32> = Vec::new();
    for (t, trace) in traces.iter().enumerate() {
        built[0].1 += trace.duration().unwrap_or(0.0);
        built[0].2 += trace_self_time(trace);
        // The whole: how many traces had each trouble.
        let root = &mut built[0].0;
        root.faults += trace.spans.iter().any(|s| s.segment.fault) as usize;
        root.errors += trace.spans.iter().any(|s| s.segment.error) as usize;
        root.throttles += trace.spans.iter().any(|s| s.segment.throttle) as usize;
        let selves = self_times(trace);
        node_of.clear();
        for (i, span) in trace.spans.iter().enumerate() {
            let parent = span.parent.map_or(0, |p| node_of[p as usize]);
            let service = trace
                .spans
                .get(span.service as usize)
                .map_or("", |s| s.name());
            let key = (parent, service, span.name());
            let node = *index.entry(key).or_insert_with(|| {
                built.push((
                    PathInfo {
                        service: service.to_owned(),
                        operation: span.name().to_owned(),
                        parent: Some(parent),
                        count: 0,
                        errors: 0,
                        faults: 0,
                        throttles: 0,
                        traces: Vec::new(),
                    },
                    0.0,
                    0.0,
                ));
                children.push(Vec::new());
                children[parent as usize].push(built.len() as u32 - 1);
                built.len() as u32 - 1
            });
            node_of.push(node);
            let (info, value, self_value) = &mut built[node as usize];
            info.count += 1;
            info.errors += span.segment.error as usize;
            info.faults += span.segment.fault as usize;
            info.throttles += span.segment.throttle as usize;
            if info.traces.last() != Some(&(t as u32)) {
                info.traces.push(t as u32);
            }
            *value += span_end(trace, i) - span.start();
            *self_value += selves[i];
        }
    }
    for list in &mut children {
        list.sort_by(|&a, &b| built[b as usize].1.total_cmp(&built[a as usize].1));
    }
    // Pre-order, the largest child first.
    let mut order: Vec<(u32, u32)> = Vec::with_capacity(built.len());
    let mut stack = vec![(0u32, 0u32)];
    while let Some((node, depth)) = stack.pop() {
        order.push((node, depth));
        stack.extend(
            children[node as usize]
                .iter()
                .rev()
                .map(|&c| (c, depth + 1)),
        );
    }
    let mut position = vec![0u32; built.len()];
    for (at, &(node, _)) in order.iter().enumerate() {
        position[node as usize] = at as u32;
    }
    let mut sizes = vec![1u32; order.len()];
    for at in (1..order.len()).rev() {
        let node = order[at].0 as usize;
        let parent = built[node].0.parent.unwrap_or(0) as usize;
        sizes[position[parent] as usize] += sizes[at];
    }
    let mut aggregate = Aggregate {
        nodes: Vec::with_capacity(order.len()),
        paths: Vec::with_capacity(order.len()),
        trace_ids: traces.iter().map(|t| t.id.clone()).collect(),
    };
    let mut slots: Vec<Option<(PathInfo, f64, f64)>> = built.into_iter().map(Some).collect();
    for (at, &(node, depth)) in order.iter().enumerate() {
        let Some((mut info, value, self_value)) = slots[node as usize].take() else {
            continue;
        };
        info.parent = info.parent.map(|p| position[p as usize]);
        aggregate.nodes.push(IcicleNode {
            depth,
            subtree_len: sizes[at],
            value,
            self_value,
        });
        aggregate.paths.push(info);
    }
    aggregate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::icicle::lay_out;
    use crate::model::{Document, Segment};

    fn trace(id: &str, front_end: f64, cart_end: f64, with_db: bool) -> Arc<Trace> {
        let db = if with_db {
            r#",{"id":"d000000000000001","name":"db","start_time":1,"end_time":2,"fault":true}"#
        } else {
            ""
        };
        let text = format!(
            r#"{{"trace_id":"{id}","id":"f000000000000001","name":"front","start_time":0,"end_time":{front_end},
              "subsegments":[{{"id":"c000000000000001","name":"cart","start_time":0,"end_time":{cart_end}}}{db}]}}"#
        );
        Arc::new(Trace::assemble(
            id,
            vec![Document {
                segment: Segment::parse(&text).unwrap(),
                text,
            }],
        ))
    }

    #[test]
    fn one_trace_is_its_span_table_under_a_whole_trace_node() {
        let trace = trace("1-5f187253-6a106696d56b1f4ef9eba2ed", 4.0, 2.0, true);
        let nodes = trace_nodes(&trace);
        assert_eq!(nodes.len(), 4);
        assert_eq!((nodes[0].value, nodes[0].self_value), (4.0, 0.0));
        assert_eq!((nodes[1].value, nodes[1].self_value), (4.0, 2.0), "front");
        let icicle = lay_out(&nodes, 0, 40);
        let row: Vec<(u32, u16, u16, u16)> = icicle
            .row(2)
            .iter()
            .map(|f| (f.node, f.x, f.width, f.self_cells))
            .collect();
        // cart (0-2 s) and db (1-2 s) overlap: their 3 s share the 2 s they cover, 20 columns.
        assert_eq!(row, [(2, 0, 13, 13), (3, 13, 7, 7)], "cart then db");
        assert_eq!(icicle.row(1)[0].self_cells, 20, "front's own 2 s");
    }

    #[test]
    fn traces_merge_by_path_largest_first() {
        let traces = [
            trace("1-5f187253-6a106696d56b1f4ef9eba2e1", 4.0, 1.0, true),
            trace("1-5f187253-6a106696d56b1f4ef9eba2e2", 4.0, 3.0, false),
        ];
        let merged = aggregate(&traces);
        let names: Vec<&str> = merged.paths.iter().map(|p| p.operation.as_str()).collect();
        assert_eq!(names, ["all 2 traces", "front", "cart", "db"]);
        assert_eq!(merged.nodes[0].value, 8.0);
        assert_eq!(merged.nodes[1].value, 8.0);
        assert_eq!(merged.nodes[1].subtree_len, 3);
        assert_eq!((merged.nodes[2].value, merged.paths[2].count), (4.0, 2));
        assert_eq!(merged.paths[2].traces, [0, 1]);
        assert_eq!(merged.paths[3].traces, [0], "only the first has db");
        assert_eq!(merged.paths[3].status(), Status::Fault);
        assert_eq!(merged.paths[0].faults, 1, "one of the traces faulted");
        assert_eq!(merged.path_text(3), "front / front:db");
        assert_eq!(merged.trace_ids[0], "1-5f187253-6a106696d56b1f4ef9eba2e1");
        let icicle = lay_out(&merged.nodes, 0, 80);
        let widths: Vec<u16> = icicle.row(2).iter().map(|f| f.width).collect();
        assert_eq!(widths, [40, 10], "cart 4 s of 8, db 1 s");
    }
}
