//! The bundled demo data set (`assets/demo.ndjson`, written by `cargo run --example gen_demo`),
//! moved in time so that its newest trace ends a moment ago.

use serde_json::Value;

use serde::Deserialize;

use crate::model::{Segment, trace_id};

use super::dataset::{Collector, Dataset};

pub const DEMO_NDJSON: &str = include_str!("../../assets/demo.ndjson");

/// Seconds the demo's times move by at a time.
pub const SHIFT_STEP: f64 = 600.0;

/// Loads the demo so that it ends shortly before `now` (epoch seconds).
pub fn load(now: f64) -> Dataset {
    let lines: Vec<&str> = DEMO_NDJSON
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    let newest = lines
        .iter()
        .rev()
        .take(64)
        .filter_map(|line| {
            let end = serde_json::from_str::<TimesOnly>(line).ok()?;
            end.end_time.or(end.start_time)
        })
        .fold(f64::MIN, f64::max);
    let newest = if newest > 0.0 { newest } else { now };
    // Moved in whole steps, so trace ids stay the same for a while: an id copied from one run
    // still opens in the next. The data ends at most one step ago.
    let shift = ((now - newest) / SHIFT_STEP).floor() * SHIFT_STEP;
    // Parsing is most of the work: both halves at once.
    let half = lines.len() / 2;
    let (first, second) = lines.split_at(half);
    let (mut documents, rest) = std::thread::scope(|scope| {
        let other = scope.spawn(|| parse_shifted(second, half, shift));
        let mine = parse_shifted(first, 0, shift);
        (mine, other.join().unwrap_or_default())
    });
    documents.extend(rest);
    let mut collector = Collector::default();
    for (line, document) in documents {
        match document {
            Ok((text, segment)) => {
                collector.add_document(text, segment, || format!("demo data, line {line}"))
            }
            Err(error) => collector.add_document_text(error, || format!("demo data, line {line}")),
        }
    }
    collector.finish()
}

#[derive(serde::Deserialize)]
struct TimesOnly {
    start_time: Option<f64>,
    end_time: Option<f64>,
}

/// Each line's document moved by `shift`: its text and segment, or the text that failed.
#[allow(clippy::type_complexity)]
fn parse_shifted(
    lines: &[&str],
    first_line: usize,
    shift: f64,
) -> Vec<(usize, Result<(String, Segment), String>)> {
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let parsed = serde_json::from_str::<Value>(line)
                .map_err(|_| (*line).to_owned())
                .and_then(|mut document| {
                    shift_times(&mut document, shift);
                    let segment =
                        Segment::deserialize(&document).map_err(|_| (*line).to_owned())?;
                    Ok((document.to_string(), segment))
                });
            (first_line + i + 1, parsed)
        })
        .collect()
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
