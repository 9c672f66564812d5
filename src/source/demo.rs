//! The bundled demo data set (`assets/demo.ndjson`, written by `cargo run --example gen_demo`),
//! moved in time so that its newest trace ends a moment ago.
//!
//! Times move in steps of ten minutes; trace ids move apart from them, in whole days counted
//! from the data set's own epoch, so an id printed by one run still opens in the next ones. An
//! id of the window before the current one opens too: every id resolves for at least a day.

use std::collections::HashMap;

use serde::Deserialize;

use crate::model::{Segment, trace_id};

use super::dataset::{Collector, Dataset};
use super::demo_shift::shift_document;

pub const DEMO_NDJSON: &str = include_str!("../../assets/demo.ndjson");

/// Seconds the demo's times move by at a time.
pub const SHIFT_STEP: f64 = 600.0;

/// Seconds the demo's trace ids move by at a time: ids stay the same within such a window.
pub const ID_STEP: f64 = 86_400.0;

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
    // The data ends at most one step ago.
    let shift = ((now - newest) / SHIFT_STEP).floor() * SHIFT_STEP;
    let id_shift = ((now - newest) / ID_STEP).floor() * ID_STEP;
    // Parsing is most of the work: both halves at once.
    let half = lines.len() / 2;
    let (first, second) = lines.split_at(half);
    let (mut documents, rest) = std::thread::scope(|scope| {
        let other = scope.spawn(|| parse_shifted(second, half, shift, id_shift as i64));
        let mine = parse_shifted(first, 0, shift, id_shift as i64);
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
    let mut data = collector.finish();
    data.aliases = earlier_ids(&data, ID_STEP as i64);
    data
}

/// Each trace's id as the window before this one gave it, to the id it has now.
fn earlier_ids(data: &Dataset, step: i64) -> HashMap<String, String> {
    data.traces
        .keys()
        .filter_map(|id| Some((trace_id::shift_epoch(id, -step)?, id.clone())))
        .collect()
}

#[derive(serde::Deserialize)]
struct TimesOnly {
    start_time: Option<f64>,
    end_time: Option<f64>,
}

/// Each line's document moved: its text and segment, or the text that failed.
#[allow(clippy::type_complexity)]
fn parse_shifted(
    lines: &[&str],
    first_line: usize,
    shift: f64,
    id_shift: i64,
) -> Vec<(usize, Result<(String, Segment), String>)> {
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let text = shift_document(line, shift, id_shift);
            let mut deserializer = serde_json::Deserializer::from_str(&text);
            let parsed = match Segment::deserialize(&mut deserializer)
                .and_then(|segment| deserializer.end().map(|()| segment))
            {
                Ok(segment) => Ok((text, segment)),
                Err(_) => Err(text),
            };
            (first_line + i + 1, parsed)
        })
        .collect()
}
