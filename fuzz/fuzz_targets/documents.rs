//! Segment documents: parse each line, assemble a trace, summarise it, build its service
//! graph, and check the span table's invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_tui::model::{Document, Segment, ServiceGraph, Trace, TraceSummary};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The whole input as one document.
    if let Ok(segment) = Segment::parse(text) {
        let _ = segment.validate(true);
        let _ = segment.validate(false);
    }
    // One document per line, as in NDJSON or a daemon's stream.
    let documents: Vec<Document> = text
        .lines()
        .filter_map(|line| {
            let segment = Segment::parse(line).ok()?;
            Some(Document {
                text: line.to_owned(),
                segment,
            })
        })
        .collect();
    let trace = Trace::assemble("1-5759e988-bd862e3fe1be46a994272793", documents);
    check_span_table(&trace);
    let _ = TraceSummary::of_trace(&trace);
    let _ = ServiceGraph::from_traces([&trace]);
    let _ = (trace.start(), trace.end(), trace.duration(), trace.status());
    let _ = trace.region();
});

fn check_span_table(trace: &Trace) {
    let len = trace.spans.len();
    for (index, span) in trace.spans.iter().enumerate() {
        if let Some(parent) = span.parent {
            assert!(
                (parent as usize) < index,
                "span {index} has parent {parent}, not before it"
            );
            let parent_span = &trace.spans[parent as usize];
            assert!(
                index < parent as usize + parent_span.subtree_len as usize,
                "span {index} lies outside its parent {parent}'s subtree"
            );
            assert_eq!(
                span.depth,
                parent_span.depth + 1,
                "span {index}'s depth is not its parent's plus one"
            );
        } else {
            assert_eq!(span.depth, 0, "span {index} has no parent but depth {}", span.depth);
        }
        assert!(span.subtree_len >= 1, "span {index} has subtree_len 0");
        assert!(
            index + span.subtree_len as usize <= len,
            "span {index}'s subtree ({}) runs past the table ({len})",
            span.subtree_len
        );
        assert!(
            (span.document as usize) < trace.documents.len(),
            "span {index} names document {} of {}",
            span.document,
            trace.documents.len()
        );
        assert!(
            (span.service as usize) < len,
            "span {index} names service span {} of {len}",
            span.service
        );
    }
}
