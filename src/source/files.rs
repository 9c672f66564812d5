//! Saved files: what the AWS CLI prints for batch-get-traces, get-trace-summaries,
//! get-service-graph and get-trace-graph; single segment documents, arrays of them, NDJSON
//! recordings and raw daemon datagrams. The shape is detected, not flagged.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::model::ServiceGraph;
use crate::model::summary::GetTraceSummariesOutput;

use super::dataset::Collector;
use super::problem::Problem;

/// Files larger than this are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// After this many problems in one file the rest are only counted.
const MAX_PROBLEMS_PER_FILE: usize = 20;
/// File names a directory walk picks up.
const EXTENSIONS: [&str; 5] = ["json", "ndjson", "jsonl", "txt", "log"];

/// Loads every path (directories recursively). Problems are collected, never fatal.
/// How the files are named in titles and messages: the path, or how many there are.
pub fn describe(paths: &[PathBuf]) -> String {
    match paths {
        [one] => one.display().to_string(),
        many => format!("{} paths", many.len()),
    }
}

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
}

/// Loads one input's text, whatever its shape.
pub fn load_text(place: &str, text: &str, collector: &mut Collector) {
    collector.set_input(
        Path::new(place)
            .file_name()
            .map_or(place.to_owned(), |n| n.to_string_lossy().into_owned()),
    );
    let mut problems = FileProblems::new(place);
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
                let (line, column) = line_column(text, offset + skip_whitespace(rest, 0));
                let at = format!("{place}:{line}:{column}");
                load_batch_get_traces(output, &at, collector, &mut problems);
                offset += stream.byte_offset();
                continue;
            }
        }
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
        let error = match stream.next() {
            None => break,
            Some(Ok(raw)) => {
                values += 1;
                classify(raw, place, text, collector, &mut problems);
                offset += stream.byte_offset();
                continue;
            }
            Some(Err(error)) => error,
        };
        let value_start = offset + skip_whitespace(rest, stream.byte_offset());
        let error_at = offset + byte_of(rest, error.line(), error.column());
        let (line, column) = line_column(text, error_at);
        let (start_line, _) = line_column(text, value_start);
        let context = if start_line < line {
            format!(" (in the value that starts on line {start_line})")
        } else {
            String::new()
        };
        problems.push(
            line,
            column,
            format!("not valid JSON: {}{context}", strip_position(&error)),
        );
        // Resume at the next unindented line after the broken value's start that opens an
        // object or array: the next record of NDJSON, never the inside of a pretty document.
        match next_value_line(text, value_start) {
            Some(next) => offset = next,
            None => break,
        }
    }
    if values == 0 && problems.count == 0 {
        problems.push(1, 1, "empty file: no JSON found".into());
    }
    problems.finish(collector);
}

struct FileProblems<'a> {
    place: &'a str,
    count: usize,
    kept: Vec<Problem>,
}

impl<'a> FileProblems<'a> {
    fn new(place: &'a str) -> Self {
        FileProblems {
            place,
            count: 0,
            kept: Vec::new(),
        }
    }

    fn push(&mut self, line: usize, column: usize, message: String) {
        self.count += 1;
        if self.kept.len() < MAX_PROBLEMS_PER_FILE {
            self.kept.push(Problem::new(
                format!("{}:{line}:{column}", self.place),
                message,
            ));
        }
    }

    fn push_at(&mut self, place: String, message: String) {
        self.count += 1;
        if self.kept.len() < MAX_PROBLEMS_PER_FILE {
            self.kept.push(Problem::new(place, message));
        }
    }

    fn finish(self, collector: &mut Collector) {
        let hidden = self.count - self.kept.len();
        collector.problems.extend(self.kept);
        if hidden > 0 {
            collector.problems.push(Problem::new(
                self.place,
                format!("{hidden} more problems not shown"),
            ));
        }
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
}

impl Probe {
    fn looks_like_document(&self) -> bool {
        self.id.is_some()
            || self.name.is_some()
            || self.start_time.is_some()
            || self.trace_id.is_some()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchGetTracesOutput<'a> {
    #[serde(borrow, default)]
    traces: Vec<WireTrace<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireTrace<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    limit_exceeded: Option<bool>,
    #[serde(borrow, default)]
    segments: Vec<WireSegment<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireSegment<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(borrow)]
    document: Option<std::borrow::Cow<'a, str>>,
}

fn classify(
    raw: &RawValue,
    place: &str,
    whole: &str,
    collector: &mut Collector,
    problems: &mut FileProblems,
) {
    let json = raw.get();
    let start = json.as_ptr() as usize - whole.as_ptr() as usize;
    let position = || line_column(whole, start);
    // serde_json counts from the start of this value: the problem is placed in the file.
    let unreadable = |what: &str, error: serde_json::Error, problems: &mut FileProblems| {
        let (line, column) =
            line_column(whole, start + byte_of(json, error.line(), error.column()));
        problems.push(
            line,
            column,
            format!("unreadable {what}: {}", strip_position(&error)),
        );
    };
    if json.starts_with('[') {
        match serde_json::from_str::<Vec<&RawValue>>(json) {
            Ok(items) => {
                for item in items {
                    classify(item, place, whole, collector, problems);
                }
            }
            Err(error) => unreadable("array", error, problems),
        }
        return;
    }
    let probe = match serde_json::from_str::<Probe>(json) {
        Ok(probe) => probe,
        Err(_) => {
            let (line, column) = position();
            let shown: String = json.chars().take(20).collect();
            problems.push(
                line,
                column,
                format!("expected a JSON object, found `{shown}`"),
            );
            return;
        }
    };
    let at = || {
        let (line, column) = position();
        format!("{place}:{line}:{column}")
    };
    if probe.traces.is_some() {
        match serde_json::from_str::<BatchGetTracesOutput>(json) {
            Ok(output) => load_batch_get_traces(output, &at(), collector, problems),
            Err(error) => unreadable("BatchGetTraces output", error, problems),
        }
    } else if probe.trace_summaries.is_some() {
        match serde_json::from_str::<GetTraceSummariesOutput>(json) {
            Ok(output) => {
                for summary in output.trace_summaries {
                    match summary.into_summary() {
                        Some(summary) => collector.add_summary(summary),
                        None => problems.push_at(at(), "a trace summary has no Id; skipped".into()),
                    }
                }
            }
            Err(error) => unreadable("GetTraceSummaries output", error, problems),
        }
    } else if probe.services.is_some() {
        match serde_json::from_str::<ServiceGraph>(json) {
            Ok(graph) => collector.add_graph(graph),
            Err(error) => unreadable("service graph", error, problems),
        }
    } else if probe.format.is_some() && probe.id.is_none() {
        // A daemon datagram header line: `{"format": "json", "version": 1}`.
    } else if probe.unprocessed_trace_segments.is_some() {
        problems.push_at(
            at(),
            "a PutTraceSegments response: it holds no trace data".into(),
        );
    } else if !probe.looks_like_document() {
        problems.push_at(
            at(),
            "not X-Ray data: expected a segment document or what `aws xray` prints for \
             batch-get-traces, get-trace-summaries, get-service-graph or get-trace-graph"
                .into(),
        );
    } else {
        let before = collector.problems.len();
        collector.add_document_text(json.to_owned(), at);
        let added: Vec<Problem> = collector.problems.drain(before..).collect();
        for problem in added {
            problems.push_at(problem.place, problem.message);
        }
    }
}

fn starts_with_key(json: &str, key: &str) -> bool {
    json.trim_start()
        .strip_prefix('{')
        .and_then(|rest| rest.trim_start().strip_prefix('"'))
        .and_then(|rest| rest.strip_prefix(key))
        .is_some_and(|rest| rest.starts_with('"'))
}

fn load_batch_get_traces(
    output: BatchGetTracesOutput,
    place: &str,
    collector: &mut Collector,
    problems: &mut FileProblems,
) {
    let mut pending: Vec<(String, (String, String))> = Vec::new();
    for trace in output.traces {
        let trace_id = trace.id.unwrap_or_default();
        if trace.limit_exceeded == Some(true) && !trace_id.is_empty() {
            collector.mark_limit_exceeded(trace_id.clone());
        }
        for segment in trace.segments {
            let segment_id = segment.id.unwrap_or_default();
            match segment.document {
                Some(document) => {
                    pending.push((document.into_owned(), (trace_id.clone(), segment_id)))
                }
                None => problems.push_at(
                    place.to_owned(),
                    format!("trace {trace_id}: segment {segment_id} has no Document"),
                ),
            }
        }
    }
    let before = collector.problems.len();
    collector.add_document_texts(pending, |(trace_id, segment_id)| {
        format!("{place}: trace {trace_id}, segment {segment_id}")
    });
    let added: Vec<Problem> = collector.problems.drain(before..).collect();
    for problem in added {
        problems.push_at(problem.place, problem.message);
    }
}

/// serde_json appends " at line L column C"; the place already says it.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Byte offset of a 1-based line and column (as serde_json counts them) in `text`.
fn byte_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

fn skip_whitespace(text: &str, from: usize) -> usize {
    let rest = &text[from.min(text.len())..];
    from + (rest.len() - rest.trim_start().len())
}

/// Start of the first line after the one holding `at` that begins with `{` or `[`.
fn next_value_line(text: &str, at: usize) -> Option<usize> {
    let mut start = text[at.min(text.len())..].find('\n')? + at + 1;
    while start < text.len() {
        if text[start..].starts_with(['{', '[']) {
            return Some(start);
        }
        start += text[start..].find('\n')? + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "ab\ncd\nef";
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(byte_of(text, 2, 2), 4);
        assert_eq!(next_value_line("x\n  {\n{\n", 0), Some(6));
        assert_eq!(next_value_line("{\n  {\n", 0), None);
    }
}
