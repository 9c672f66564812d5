//! Trace assembly edge cases: orphans, cycles, duplicates, in-progress spans, children
//! outside their parent's time, unplaceable subsegments and very deep traces.

use serde_json::{Value, json};
use xray_tui::model::trace::Detached;
use xray_tui::model::{Document, Segment, ServiceGraph, SpanKind, Trace, TraceSummary};

const TRACE: &str = "1-5759e988-bd862e3fe1be46a994272793";

fn doc(value: Value) -> Document {
    let text = value.to_string();
    Document {
        segment: Segment::parse(&text).unwrap(),
        text,
    }
}

fn segment(id: &str, start: f64, end: f64) -> Value {
    json!({"trace_id": TRACE, "id": id, "name": id, "start_time": start, "end_time": end})
}

fn ids(trace: &Trace) -> Vec<(u32, &str)> {
    trace.spans.iter().map(|s| (s.depth, s.id())).collect()
}

#[test]
fn orphans_are_shown_at_the_top_level_and_marked() {
    let mut child = segment("child", 1.0, 2.0);
    child["parent_id"] = json!("never-seen");
    child["type"] = json!("subsegment");
    let trace = Trace::assemble(TRACE, vec![doc(segment("root", 0.0, 3.0)), doc(child)]);
    assert_eq!(ids(&trace), [(0, "root"), (0, "child")]);
    assert_eq!(trace.spans[1].detached, Some(Detached::ParentMissing));
    assert_eq!(trace.spans[0].detached, None);
    assert_eq!(trace.root().unwrap().id(), "root");
}

#[test]
fn parent_cycles_are_broken_once() {
    let mut a = segment("a", 0.0, 1.0);
    a["parent_id"] = json!("b");
    let mut b = segment("b", 0.5, 1.0);
    b["parent_id"] = json!("a");
    let mut c = segment("c", 0.2, 0.3);
    c["parent_id"] = json!("c");
    let trace = Trace::assemble(TRACE, vec![doc(a), doc(b), doc(c)]);
    assert_eq!(trace.spans.len(), 3);
    // One of a/b becomes a top-level span, the other hangs under it; c points at itself.
    let tops: Vec<&str> = trace
        .spans
        .iter()
        .filter(|s| s.parent.is_none())
        .map(|s| s.id())
        .collect();
    assert_eq!(tops.len(), 2, "{tops:?}");
    assert!(tops.contains(&"c"));
    assert!(
        trace
            .spans
            .iter()
            .filter(|s| s.detached == Some(Detached::Cycle))
            .count()
            == 2
    );
    assert!(trace.notes.iter().any(|n| n.0.contains("lead back")));
}

#[test]
fn a_completed_document_replaces_its_in_progress_version() {
    let mut open = segment("root", 0.0, 0.0);
    open.as_object_mut().unwrap().remove("end_time");
    open["in_progress"] = json!(true);
    let done = segment("root", 0.0, 2.0);
    for order in [
        vec![open.clone(), done.clone()],
        vec![done.clone(), open.clone()],
    ] {
        let trace = Trace::assemble(TRACE, order.into_iter().map(doc).collect());
        assert_eq!(trace.spans.len(), 1);
        assert_eq!(trace.spans[0].end(), Some(2.0));
        assert!(!trace.in_progress());
    }
    // The same completed document twice: kept once, and noted.
    let trace = Trace::assemble(TRACE, vec![doc(done.clone()), doc(done)]);
    assert_eq!(trace.spans.len(), 1);
    assert_eq!(trace.documents.len(), 1);
    assert!(trace.notes.iter().any(|n| n.0.contains("twice")));
}

#[test]
fn duplicate_subsegment_ids_keep_both_spans() {
    let mut root = segment("root", 0.0, 3.0);
    root["subsegments"] = json!([
        {"id": "dup", "name": "first", "start_time": 1.0, "end_time": 1.5},
        {"id": "dup", "name": "second", "start_time": 2.0, "end_time": 2.5}
    ]);
    let mut late = segment("late", 1.1, 1.2);
    late["parent_id"] = json!("dup");
    let trace = Trace::assemble(TRACE, vec![doc(root), doc(late)]);
    let names: Vec<(u32, &str)> = trace.spans.iter().map(|s| (s.depth, s.name())).collect();
    assert_eq!(
        names,
        [(0, "root"), (1, "first"), (2, "late"), (1, "second")]
    );
    assert!(trace.notes.iter().any(|n| n.0.contains("more than once")));
}

#[test]
fn in_progress_spans_are_open_ended() {
    let mut root = segment("root", 0.0, 0.0);
    root.as_object_mut().unwrap().remove("end_time");
    root["in_progress"] = json!(true);
    root["subsegments"] = json!([{"id": "s", "name": "s", "start_time": 1.0, "end_time": 4.0}]);
    let trace = Trace::assemble(TRACE, vec![doc(root)]);
    assert_eq!(trace.spans[0].end(), None);
    assert!(trace.in_progress());
    assert_eq!(trace.end(), Some(4.0));
    let summary = TraceSummary::of_trace(&trace);
    assert!(summary.is_partial);
    assert_eq!(summary.duration, None);
    assert_eq!(summary.response_time, None);
}

#[test]
fn children_outside_their_parent_and_siblings_by_start_time() {
    let mut root = segment("root", 10.0, 11.0);
    root["subsegments"] = json!([
        {"id": "late", "name": "late", "start_time": 12.0, "end_time": 13.0},
        {"id": "early", "name": "early", "start_time": 9.0, "end_time": 9.5},
        {"id": "mid", "name": "mid", "start_time": 10.5, "end_time": 10.6}
    ]);
    let trace = Trace::assemble(TRACE, vec![doc(root)]);
    assert_eq!(
        ids(&trace),
        [(0, "root"), (1, "early"), (1, "mid"), (1, "late")]
    );
    assert_eq!(trace.start(), Some(9.0));
    assert_eq!(trace.end(), Some(13.0));
    let children: Vec<usize> = trace.children(0).collect();
    assert_eq!(children, [1, 2, 3]);
}

#[test]
fn end_before_start_has_no_duration() {
    let trace = Trace::assemble(TRACE, vec![doc(segment("root", 5.0, 4.0))]);
    assert_eq!(trace.spans[0].end(), None);
    assert_eq!(trace.spans[0].segment.duration(), None);
}

#[test]
fn unplaceable_subsegments_are_skipped_and_noted() {
    let mut root = segment("root", 0.0, 3.0);
    root["subsegments"] = json!([
        {"name": "no id", "start_time": 1.0, "subsegments": [{"id": "x", "start_time": 1.0}]},
        {"id": "no-start", "name": "no start"},
        {"id": "ok", "name": "ok", "start_time": 2.0, "end_time": 2.5}
    ]);
    let trace = Trace::assemble(TRACE, vec![doc(root)]);
    assert_eq!(ids(&trace), [(0, "root"), (1, "ok")]);
    let notes: Vec<&str> = trace.notes.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("no \"id\"") && notes[0].contains("with its 1 subsegments"),
        "{notes:?}"
    );
    assert!(notes[1].contains("no \"start_time\""), "{notes:?}");
}

#[test]
fn ten_thousand_levels_of_independent_subsegments() {
    let depth = 10_000;
    let mut docs = vec![doc(segment("s0", 0.0, 100.0))];
    for level in 1..depth {
        docs.push(doc(json!({
            "trace_id": TRACE, "id": format!("s{level}"), "name": "deep", "type": "subsegment",
            "parent_id": format!("s{}", level - 1), "start_time": level as f64 * 0.001, "end_time": 50.0
        })));
    }
    docs.reverse();
    let trace = Trace::assemble(TRACE, docs);
    assert_eq!(trace.spans.len(), depth);
    assert_eq!(trace.spans[0].subtree_len as usize, depth);
    assert_eq!(trace.spans.last().unwrap().depth as usize, depth - 1);
    assert!(
        trace
            .spans
            .iter()
            .enumerate()
            .all(|(i, s)| s.id() == format!("s{i}"))
    );
    let graph = ServiceGraph::from_traces([&trace]);
    assert!(graph.services.iter().any(|s| s.root));
}

#[test]
fn a_hundred_thousand_siblings() {
    let mut root = segment("root", 0.0, 1.0);
    let children: Vec<Value> = (0..100_000)
        .map(|i| json!({"id": format!("c{i}"), "name": "c", "start_time": 1.0 - i as f64 * 1e-6, "end_time": 1.0}))
        .collect();
    root["subsegments"] = Value::Array(children);
    let trace = Trace::assemble(TRACE, vec![doc(root)]);
    assert_eq!(trace.spans.len(), 100_001);
    assert_eq!(trace.children(0).count(), 100_000);
    // Ordered by start time: the last child listed starts first.
    assert_eq!(trace.spans[1].id(), "c99999");
    assert!(
        trace.spans[1..]
            .iter()
            .all(|s| s.kind == SpanKind::Subsegment && s.depth == 1)
    );
}
