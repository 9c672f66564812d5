//! The bundled demo data set (`assets/demo.ndjson`, written by `cargo run --example gen_demo`),
//! moved in time so that its newest trace ends a moment ago.

use serde_json::Value;

use crate::model::trace_id;

use super::dataset::{Collector, Dataset};

pub const DEMO_NDJSON: &str = include_str!("../../assets/demo.ndjson");

/// Loads the demo so that it ends at `now` (epoch seconds).
pub fn load(now: f64) -> Dataset {
    let mut documents: Vec<Value> = DEMO_NDJSON
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let newest = documents
        .iter()
        .filter_map(|doc| doc.get("end_time").or(doc.get("start_time"))?.as_f64())
        .fold(f64::MIN, f64::max);
    let shift = if newest > 0.0 {
        (now - newest).floor()
    } else {
        0.0
    };
    let mut collector = Collector::default();
    for (line, document) in documents.iter_mut().enumerate() {
        shift_times(document, shift);
        let text = document.to_string();
        collector.add_document_text(text, || format!("demo data, line {}", line + 1));
    }
    collector.finish()
}

/// Moves every start/end time and the trace id's epoch by `shift` seconds.
fn shift_times(document: &mut Value, shift: f64) {
    let mut stack = vec![document];
    while let Some(value) = stack.pop() {
        let Value::Object(map) = value else { continue };
        for key in ["start_time", "end_time"] {
            if let Some(time) = map.get(key).and_then(Value::as_f64) {
                map.insert(key.into(), Value::from(time + shift));
            }
        }
        if let Some(Value::String(id)) = map.get_mut("trace_id")
            && let Some(moved) = trace_id::shift_epoch(id, shift as i64)
        {
            *id = moved;
        }
        if let Some(Value::Array(children)) = map.get_mut("subsegments") {
            stack.extend(children.iter_mut());
        }
    }
}
