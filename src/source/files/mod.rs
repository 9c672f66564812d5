//! Saved files: what the AWS CLI prints for batch-get-traces, get-trace-summaries,
//! get-service-graph and get-trace-graph; single segment documents, arrays of them, NDJSON
//! recordings and raw daemon datagrams; OpenTelemetry as OTLP/JSON requests and as
//! Transaction Search's `aws/spans` spans, raw or as `aws logs` prints them (`otel`). The
//! shape is detected from the keys of each value, not flagged.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::model::ServiceGraph;
use crate::model::summary::GetTraceSummariesOutput;

use super::dataset::Collector;
use super::problem::Problem;
use crate::text;

#[cfg(test)]
mod graph_tests;
mod load;
mod otel;
mod position;
mod problems;
mod summaries_file;
mod xray;

use load::FileLoad;
use position::{
    byte_of, line_column, next_value_line, skip_whitespace, starts_with_key, strip_position,
};
use problems::FileProblems;
use summaries_file::NotStreamed;
use xray::{BatchGetTracesOutput, load_batch_get_traces};

/// Files larger than this are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// File names a directory walk picks up.
const EXTENSIONS: [&str; 5] = ["json", "ndjson", "jsonl", "txt", "log"];

/// How the files are named in titles and messages: the path, or how many there are.
pub fn describe(paths: &[PathBuf]) -> String {
    match paths {
        [one] => one.display().to_string(),
        many => format!("{} paths", many.len()),
    }
}

/// Every path can be looked at: one that cannot is named before anything opens.
pub fn check_paths(paths: &[PathBuf]) -> Result<(), String> {
    for path in paths {
        if let Err(error) = fs::metadata(path) {
            return Err(format!(
                "--file {}: {}",
                path.display(),
                describe_io(&error)
            ));
        }
    }
    Ok(())
}

/// Loads every path (directories recursively). Problems are collected, never fatal.
pub fn load_paths(paths: &[PathBuf], collector: &mut Collector) {
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => load_dir(path, collector),
            Ok(_) => load_file(path, collector),
            Err(error) => collector.problems.push(Problem::new(
                path.display().to_string(),
                describe_io(&error),
            )),
        }
    }
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

fn load_dir(dir: &Path, collector: &mut Collector) {
    let mut pending = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                collector
                    .problems
                    .push(Problem::new(dir.display().to_string(), describe_io(&error)));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_file() && has_data_extension(&path) => files.push(path),
                _ => {}
            }
        }
    }
    files.sort();
    for file in files {
        load_file(&file, collector);
    }
}

fn has_data_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn load_file(path: &Path, collector: &mut Collector) {
    let place = path.display().to_string();
    let size = match fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(error) => {
            collector
                .problems
                .push(Problem::new(place, describe_io(&error)));
            return;
        }
    };
    if size > MAX_FILE_BYTES {
        collector.problems.push(Problem::new(
            place,
            format!(
                "file is {:.1} GB, more than the {} GB this tool reads; split it (e.g. `split -l`) and open the parts",
                size as f64 / 1e9,
                MAX_FILE_BYTES >> 30
            ),
        ));
        return;
    }
    collector.progress.expect(size);
    match read_summaries_file(path, &place, collector) {
        Ok(true) => return,
        Ok(false) => {}
        Err(error) => {
            collector
                .problems
                .push(Problem::new(place, describe_io(&error)));
            return;
        }
    }
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            collector
                .problems
                .push(Problem::new(place, describe_io(&error)));
            return;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let (line, column) = line_column(&text, at);
            collector.problems.push(Problem::new(
                format!("{place}:{line}:{column}"),
                "invalid UTF-8; the bad bytes are shown as \u{FFFD}",
            ));
            text
        }
    };
    load_text(&place, &text, collector);
    collector.progress.advance(size, 0);
}

/// A file of GetTraceSummaries outputs, read a piece at a time. False when the file is of
/// another shape, or needs the general path's messages: nothing was added then.
fn read_summaries_file(path: &Path, place: &str, collector: &mut Collector) -> io::Result<bool> {
    let mut file = fs::File::open(path)?;
    let mut head = Vec::with_capacity(256);
    (&mut file).take(256).read_to_end(&mut head)?;
    if !summaries_file::starts_like_summaries(&head) {
        return Ok(false);
    }
    let progress = Arc::clone(&collector.progress);
    let size = file.metadata().ok().map(|meta| meta.len());
    let read = match summaries_file::read(head.as_slice().chain(file), size, &progress) {
        Ok(read) => read,
        Err(NotStreamed::OtherShape) => return Ok(false),
        Err(NotStreamed::Io(error)) => return Err(error),
    };
    collector.set_input(file_name(place));
    let mut problems = FileProblems::new(place);
    for (line, column) in read.without_id {
        problems.push_at(
            format!("{place}:{line}:{column}"),
            "a trace summary has no Id; skipped".into(),
        );
    }
    if let Some(at) = read.stopped_at {
        let size = fs::metadata(path).map_or(at, |meta| meta.len());
        problems.push_at(
            place.to_owned(),
            format!(
                "reading stopped at {} of {}: {} read before it",
                text::count::bytes(at as f64),
                text::count::bytes(size as f64),
                text::count::count(read.summaries.len(), "summary"),
            ),
        );
    }
    collector.add_summaries(read.summaries);
    problems.finish(collector);
    Ok(true)
}

fn file_name(place: &str) -> String {
    Path::new(place)
        .file_name()
        .map_or(place.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Loads one input's text, whatever its shape.
pub fn load_text(place: &str, text: &str, collector: &mut Collector) {
    collector.set_input(file_name(place));
    let mut load = FileLoad::new(place, text, collector);
    let mut offset = 0;
    let mut values = 0usize;
    while offset < text.len() {
        let rest = &text[offset..];
        // What `aws xray batch-get-traces` prints starts with its traces: read in one pass, not
        // scanned first to find its end. Should that fail, the general path says why.
        if starts_with_key(rest, "Traces") {
            let mut stream =
                serde_json::Deserializer::from_str(rest).into_iter::<BatchGetTracesOutput>();
            if let Some(Ok(output)) = stream.next() {
                values += 1;
                let at = load.at(offset + skip_whitespace(rest, 0));
                load_batch_get_traces(output, &at, load.collector, &mut load.problems);
                offset += stream.byte_offset();
                continue;
            }
        }
        // What get-service-graph and get-trace-graph print starts with its services: read in
        // one pass too, each field in place (a 10,000-service graph is 140 MB of text).
        if starts_with_key(rest, "Services") {
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<ServiceGraph>();
            if let Some(Ok(graph)) = stream.next() {
                values += 1;
                load.collector.add_graph(graph);
                offset += stream.byte_offset();
                continue;
            }
        }
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
        let error = match stream.next() {
            None => break,
            Some(Ok(raw)) => {
                values += 1;
                classify(raw.get(), &mut load);
                offset += stream.byte_offset();
                continue;
            }
            Some(Err(error)) => error,
        };
        let value_start = offset + skip_whitespace(rest, stream.byte_offset());
        let error_at = offset + byte_of(rest, error.line(), error.column());
        let (line, _) = line_column(text, error_at);
        let (start_line, _) = line_column(text, value_start);
        let context = if start_line < line {
            format!(" (in the value that starts on line {start_line})")
        } else {
            String::new()
        };
        load.problem_at(
            error_at,
            format!("not valid JSON: {}{context}", strip_position(&error)),
        );
        // Resume at the next unindented line after the broken value's start that opens an
        // object or array: the next record of NDJSON, never the inside of a pretty document.
        match next_value_line(text, value_start) {
            Some(next) => offset = next,
            None => break,
        }
    }
    otel::translate_spans(&mut load);
    if values == 0 && load.problems.is_empty() {
        load.problem_at(0, "empty file: no JSON found".into());
    }
    load.problems.finish(load.collector);
}

/// An OTLP/JSON logs request: its lines kept for the traces they name.
fn load_otlp_logs(load: &mut FileLoad, json: &str, offset: usize) {
    let read = serde_json::from_str::<serde_json::Value>(json)
        .map_err(|e| e.to_string())
        .and_then(|value| crate::codec::otel_logs::read_json(&value));
    match read {
        Ok(lines) => {
            let unplaced = lines
                .into_iter()
                .filter(|line| !load.collector.add_log_line(line.clone()))
                .count();
            let names = match unplaced {
                0 => return,
                1 => "log record names",
                _ => "log records name",
            };
            load.problem_at(offset, format!("{unplaced} {names} no trace id; left out"));
        }
        Err(error) => load.problem_at(offset, error),
    }
}

/// The keys that tell the shapes apart; values are skipped unread.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "Traces")]
    traces: Option<IgnoredAny>,
    #[serde(rename = "TraceSummaries")]
    trace_summaries: Option<IgnoredAny>,
    #[serde(rename = "Services")]
    services: Option<IgnoredAny>,
    format: Option<IgnoredAny>,
    id: Option<IgnoredAny>,
    name: Option<IgnoredAny>,
    start_time: Option<IgnoredAny>,
    trace_id: Option<IgnoredAny>,
    #[serde(rename = "UnprocessedTraceSegments")]
    unprocessed_trace_segments: Option<IgnoredAny>,
    #[serde(rename = "resourceSpans")]
    resource_spans: Option<IgnoredAny>,
    #[serde(rename = "resourceLogs")]
    resource_logs: Option<IgnoredAny>,
    #[serde(rename = "traceId")]
    otel_trace_id: Option<IgnoredAny>,
    #[serde(rename = "spanId")]
    otel_span_id: Option<IgnoredAny>,
    events: Option<IgnoredAny>,
    results: Option<IgnoredAny>,
    #[serde(rename = "@message")]
    insights_message: Option<IgnoredAny>,
}

impl Probe {
    fn looks_like_document(&self) -> bool {
        self.id.is_some()
            || self.name.is_some()
            || self.start_time.is_some()
            || self.trace_id.is_some()
    }

    /// An `aws/spans` span: the OTel ids, spelled as OTLP/JSON spells them.
    fn looks_like_otel_span(&self) -> bool {
        self.otel_trace_id.is_some() || self.otel_span_id.is_some()
    }
}

fn classify(json: &str, load: &mut FileLoad) {
    if json.starts_with('[') {
        match serde_json::from_str::<Vec<&RawValue>>(json) {
            Ok(items) => {
                for item in items {
                    classify(item.get(), load);
                }
            }
            Err(error) => load.unreadable("array", json, &error),
        }
        return;
    }
    let offset = load.offset_of(json);
    let Ok(probe) = serde_json::from_str::<Probe>(json) else {
        let shown: String = json.chars().take(20).collect();
        return load.problem_at(offset, format!("expected a JSON object, found `{shown}`"));
    };
    if probe.traces.is_some() {
        match serde_json::from_str::<BatchGetTracesOutput>(json) {
            Ok(output) => {
                let at = load.at(offset);
                load_batch_get_traces(output, &at, load.collector, &mut load.problems);
            }
            Err(error) => load.unreadable("BatchGetTraces output", json, &error),
        }
    } else if probe.trace_summaries.is_some() {
        match serde_json::from_str::<GetTraceSummariesOutput>(json) {
            Ok(output) => {
                let summaries = output.trace_summaries;
                for summary in summaries.kept {
                    load.collector.add_summary(summary);
                }
                for _ in 0..summaries.without_id {
                    load.problem_at(offset, "a trace summary has no Id; skipped".into());
                }
            }
            Err(error) => load.unreadable("GetTraceSummaries output", json, &error),
        }
    } else if probe.services.is_some() {
        match serde_json::from_str::<ServiceGraph>(json) {
            Ok(graph) => load.collector.add_graph(graph),
            Err(error) => load.unreadable("service graph", json, &error),
        }
    } else if probe.resource_spans.is_some() {
        otel::load_request(load, json);
    } else if probe.resource_logs.is_some() {
        load_otlp_logs(load, json, offset);
    } else if probe.looks_like_otel_span() {
        // Before the log outputs: a span has `events` of its own.
        otel::load_span(load, json);
    } else if probe.events.is_some() {
        otel::load_log_events(load, json);
    } else if probe.results.is_some() {
        otel::load_query_results(load, json);
    } else if probe.insights_message.is_some() {
        otel::load_row_object(load, json);
    } else if probe.format.is_some() && probe.id.is_none() {
        // A daemon datagram header line: `{"format": "json", "version": 1}`.
    } else if probe.unprocessed_trace_segments.is_some() {
        load.problem_at(
            offset,
            "a PutTraceSegments response: it holds no trace data".into(),
        );
    } else if !probe.looks_like_document() {
        load.problem_at(offset, NOT_TRACE_DATA.into());
    } else {
        load.add_document(json, offset);
    }
}

const NOT_TRACE_DATA: &str = "not X-Ray data: expected a segment document, what `aws xray` \
    prints for batch-get-traces, get-trace-summaries, get-service-graph or get-trace-graph, an \
    OTLP/JSON trace request, an aws/spans span, or what `aws logs` prints for \
    filter-log-events, get-log-events or get-query-results";
