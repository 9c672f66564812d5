//! Hostile input: absurd times, enormous names, nesting deeper than any SDK writes. Nothing
//! panics or hangs, what is wrong is reported, and the rest is shown.

mod common;

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde_json::json;

use xray_tui::model::Trace;
use xray_tui::source::{Collector, Dataset, files};

const TRACE: &str = "1-5759e988-bd862e3fe1be46a994272793";

fn load(text: &str) -> Dataset {
    let mut collector = Collector::default();
    files::load_text("hostile.json", text, &mut collector);
    collector.finish()
}

fn screen_of(trace: Arc<Trace>, width: u16, height: u16) -> String {
    let state = common::opened(trace, width, height);
    let area = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    xray_tui::ui::render_buffer(&state, &mut buffer, area);
    xray_tui::ui::buffer_text(&buffer)
}

#[test]
fn absurd_times_are_shown_or_reported() {
    let docs = [
        json!({"trace_id": TRACE, "id": "root", "name": "root", "start_time": -5.0, "end_time": 1e300,
               "subsegments": [{"id": "neg", "name": "backwards", "start_time": 10.0, "end_time": 2.0},
                               {"id": "huge", "name": "huge", "start_time": 1e299, "end_time": 1e300}]})
        .to_string(),
        // 1e400 is beyond any f64: the JSON parser refuses the document.
        format!(r#"{{"trace_id":"{TRACE}","id":"inf","name":"inf","parent_id":"root","type":"subsegment","start_time":1e400}}"#),
    ]
    .join("\n");
    let data = load(&docs);
    let trace = Arc::clone(&data.traces[TRACE]);
    assert_eq!(trace.spans.len(), 3);
    let huge = trace.find_span("huge").unwrap();
    assert_eq!(trace.spans[huge].end(), Some(1e300));
    assert_eq!(data.problems.len(), 1);
    let problem = data.problems[0].to_string();
    assert!(
        problem.contains("hostile.json:2:1: not a segment document: number out of range"),
        "{problem}"
    );
    let backwards = trace.find_span("neg").unwrap();
    assert_eq!(
        trace.spans[backwards].end(),
        None,
        "an end before the start is no end"
    );
    let screen = screen_of(trace, 120, 40);
    assert!(
        screen.contains("backwards") && screen.contains("huge"),
        "{screen}"
    );
}

#[test]
fn a_64_kb_name_is_cut_not_wrapped() {
    let name = "x".repeat(64 * 1024);
    let doc = json!({"trace_id": TRACE, "id": "root", "name": name, "start_time": 1.0, "end_time": 2.0,
                     "http": {"request": {"url": format!("https://h/{}", "y".repeat(64 * 1024))}}});
    let data = load(&doc.to_string());
    let screen = screen_of(Arc::clone(&data.traces[TRACE]), 80, 24);
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(lines.len(), 24);
    assert!(lines.iter().all(|l| l.chars().count() <= 80));
    assert!(lines[2].contains("xxx…"), "{}", lines[2]);
}

#[test]
fn nesting_ten_thousand_levels_deep_in_one_document_is_cut_and_noted() {
    let depth = 10_000;
    let mut doc = String::new();
    doc.push_str(&format!(r#"{{"trace_id":"{TRACE}","id":"deep","name":"deep","start_time":1,"end_time":2,"subsegments":["#));
    for level in 0..depth {
        doc.push_str(&format!(
            r#"{{"id":"s{level}","name":"s","start_time":1,"end_time":2,"subsegments":["#
        ));
    }
    for _ in 0..depth {
        doc.push_str("]}");
    }
    doc.push_str("]}");
    let other = r#"{"trace_id":"1-5759e989-bd862e3fe1be46a994272794","id":"ok","name":"fine","start_time":1,"end_time":2}"#;
    // In a thread with a small stack, as tokio's blocking threads have.
    let data = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || load(&format!("{doc}\n{other}")))
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert!(
        data.traces
            .contains_key("1-5759e989-bd862e3fe1be46a994272794"),
        "the next document loads"
    );
    let deep = &data.traces[TRACE];
    let max = xray_tui::model::segment::MAX_NESTING as usize;
    assert_eq!(deep.spans.len(), 1 + max, "the levels that fit are shown");
    assert_eq!(deep.spans.last().unwrap().depth as usize, max);
    assert!(
        deep.notes.iter().any(|n| n
            .0
            .contains("more than 60 levels deep; 1 deeper ones were not read")),
        "{:?}",
        deep.notes
    );
}
