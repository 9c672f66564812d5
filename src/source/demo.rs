//! The bundled demo data set (`assets/demo.ndjson`, written by `cargo run --example gen_demo`),
//! moved in time so that its newest trace ends a moment ago.

use serde_json::{Map, Value};

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
        if let Some(Value::Object(otel)) = map.get_mut("otel") {
            shift_otel(otel, shift);
        }
        if let Some(Value::Array(children)) = map.get_mut("subsegments") {
            stack.extend(children.iter_mut());
        }
    }
}

/// The OpenTelemetry span a translated document keeps under `"otel"`: its events' times and
/// its trace id (OTLP's hex, whose first eight digits are the epoch) move too.
fn shift_otel(otel: &mut Map<String, Value>, shift: f64) {
    if let Some(Value::Array(events)) = otel.get_mut("events") {
        for event in events {
            if let Some(time) = event.get("time").and_then(Value::as_f64) {
                event["time"] = Value::from(time + shift);
            }
        }
    }
    if let Some(Value::String(hex)) = otel.get_mut("trace_id")
        && let (Some(epoch), Some(rest)) = (hex.get(..8), hex.get(8..))
        && let Some(moved) = trace_id::shift_epoch(&format!("1-{epoch}-{rest}"), shift as i64)
    {
        *hex = moved.replace('-', "")[1..].to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_otel_block_of_a_translated_document_moves_with_it() {
        let mut document = serde_json::json!({
            "trace_id": "1-6968b3f5-a4c5957f1f53718d169ecb9d",
            "id": "af64cee7fc7bbad4",
            "start_time": 1768469493.5,
            "end_time": 1768469494.0,
            "otel": {
                "trace_id": "6968b3f5a4c5957f1f53718d169ecb9d",
                "events": [{"name": "exception", "time": 1768469493.75, "attributes": {}}],
            },
        });
        shift_times(&mut document, 600.0);
        assert_eq!(document["start_time"], 1768470093.5);
        assert_eq!(document["trace_id"], "1-6968b64d-a4c5957f1f53718d169ecb9d");
        assert_eq!(document["otel"]["events"][0]["time"], 1768470093.75);
        assert_eq!(
            document["otel"]["trace_id"],
            "6968b64da4c5957f1f53718d169ecb9d"
        );
    }
}
