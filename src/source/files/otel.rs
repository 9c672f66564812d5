//! OpenTelemetry in files: OTLP/JSON trace requests (one document, or one per line as the
//! Collector's `file` exporter writes them), and Transaction Search's `aws/spans` spans, on
//! their own or in what `aws logs filter-log-events`, `get-log-events` and
//! `get-query-results` print. The spans of a file are translated together at its end. What
//! `aws logs` prints of an application's log group (no message is a span) is read as log
//! lines, kept for the traces they name.

use crate::codec::aws_spans;
use crate::codec::aws_spans::logs::{self, LogEventsOutput, NoMessage, QueryResultsOutput};
use crate::codec::otel::{Piece, TranslateOptions, decode_json, translate, translate_each};
use crate::model::logs::LogLine;

use super::load::FileLoad;
use super::position::byte_of;

/// One `{"resourceSpans": …}` document.
pub fn load_request(load: &mut FileLoad, json: &str) {
    let offset = load.offset_of(json);
    let request = match decode_json(json) {
        Ok(request) => request,
        Err(why) => {
            // The decoder counts lines and columns from the start of the document.
            let (why, at) = split_position(&why);
            let at = at.map_or(0, |(line, column)| byte_of(json, line, column));
            return load.problem_at(offset + at, why.to_owned());
        }
    };
    let translated = translate(&request, &TranslateOptions::default());
    for problem in translated.problems {
        load.problem_at(offset, problem);
    }
    let documents = translated.documents.into_iter().map(|d| (d, offset));
    load.add_documents(documents.collect());
}

/// A message and the `line column` serde_json ends it with, if it does.
fn split_position(message: &str) -> (&str, Option<(usize, usize)>) {
    let Some(at) = message.rfind(" at line ") else {
        return (message, None);
    };
    let position = message[at + " at line ".len()..].split_once(" column ");
    let numbers =
        position.and_then(|(line, column)| Some((line.parse().ok()?, column.parse().ok()?)));
    match numbers {
        Some(numbers) => (&message[..at], Some(numbers)),
        None => (message, None),
    }
}

/// One `aws/spans` span as it stands in the file.
pub fn load_span(load: &mut FileLoad, json: &str) {
    let offset = load.offset_of(json);
    match aws_spans::read(json) {
        Ok(read) => gather(load, read, offset),
        Err(why) => load.problem_at(offset, format!("span skipped: {why}")),
    }
}

/// Why an event or a row was skipped.
fn skipped(why: NoMessage) -> String {
    match why {
        NoMessage::NotAnEvent => "a log event without a message; skipped",
        NoMessage::NotARow => "a Logs Insights row that is not a list of fields; skipped",
        NoMessage::NotInRow => {
            "a Logs Insights row without @message; skipped (have the query ask for it: \
             `fields @message`)"
        }
        NoMessage::NoTime => {
            "a log line without a time (an event's timestamp, a row's @timestamp); skipped"
        }
    }
    .to_owned()
}

/// A span from the message of a log event or a row that starts at `offset`.
fn load_message(load: &mut FileLoad, message: Result<String, NoMessage>, offset: usize) {
    let message = match message {
        Ok(message) => message,
        Err(why) => return load.problem_at(offset, skipped(why)),
    };
    match aws_spans::read(&message) {
        Ok(read) => gather(load, read, offset),
        Err(why) => load.problem_at(
            offset,
            format!("message skipped, not an aws/spans span: {why}"),
        ),
    }
}

fn gather(load: &mut FileLoad, read: aws_spans::ReadSpan, offset: usize) {
    for note in &read.notes {
        load.problem_at(offset, format!("span {:?}: {note}", read.span.name));
    }
    load.spans.push(read, offset);
}

/// What `aws logs filter-log-events` or `get-log-events` prints: the spans of `aws/spans`, or
/// when no message is one, log lines.
pub fn load_log_events(load: &mut FileLoad, json: &str) {
    match serde_json::from_str::<LogEventsOutput>(json) {
        Ok(output) => {
            let spans = output.events.iter().any(|event| {
                logs::event_message(event.get()).is_ok_and(|message| logs::is_span(&message))
            });
            let mut unplaced = 0;
            for event in output.events {
                let offset = load.offset_of(event.get());
                if spans {
                    load_message(load, logs::event_message(event.get()), offset);
                } else {
                    unplaced += load_line(load, logs::event_line(event.get()), offset);
                }
            }
            said_unplaced(load, unplaced, load.offset_of(json));
        }
        Err(error) => load.unreadable("CloudWatch Logs events", json, &error),
    }
}

/// What `aws logs get-query-results` prints: spans, or log lines as [`load_log_events`].
pub fn load_query_results(load: &mut FileLoad, json: &str) {
    match serde_json::from_str::<QueryResultsOutput>(json) {
        Ok(output) => {
            let spans = output.results.iter().any(|row| {
                logs::row_message(row.get()).is_ok_and(|message| logs::is_span(&message))
            });
            let mut unplaced = 0;
            for row in output.results {
                let offset = load.offset_of(row.get());
                if spans {
                    load_message(load, logs::row_message(row.get()), offset);
                } else {
                    unplaced += load_line(load, logs::row_line(row.get()), offset);
                }
            }
            said_unplaced(load, unplaced, load.offset_of(json));
        }
        Err(error) => load.unreadable("Logs Insights results", json, &error),
    }
}

/// One row of Logs Insights results written as an object with `@message`: a span, or a log
/// line.
pub fn load_row_object(load: &mut FileLoad, json: &str) {
    let offset = load.offset_of(json);
    let message = logs::row_object_message(json);
    if message.as_deref().is_ok_and(|m| !logs::is_span(m)) {
        let unplaced = load_line(load, logs::row_object_line(json), offset);
        return said_unplaced(load, unplaced, offset);
    }
    load_message(load, message, offset);
}

/// A log line kept for the trace it names; answers 1 for a line that names none.
fn load_line(load: &mut FileLoad, line: Result<LogLine, NoMessage>, offset: usize) -> usize {
    match line {
        Ok(line) => usize::from(!load.collector.add_log_line(line)),
        Err(why) => {
            load.problem_at(offset, skipped(why));
            0
        }
    }
}

fn said_unplaced(load: &mut FileLoad, unplaced: usize, offset: usize) {
    let names = match unplaced {
        0 => return,
        1 => "log line names",
        _ => "log lines name",
    };
    load.problem_at(
        offset,
        format!("{unplaced} {names} no trace id; left out (a line shows with the trace it names)"),
    );
}

/// Translates the spans gathered from the file; a problem is placed at the span's record.
pub fn translate_spans(load: &mut FileLoad) {
    let spans = std::mem::take(&mut load.spans);
    if spans.is_empty() {
        return;
    }
    let mut documents = Vec::with_capacity(spans.len());
    let (request, labels) = spans.into_request();
    translate_each(
        &request,
        &TranslateOptions::default(),
        |piece| match piece {
            Piece::Resource { index, problem } => {
                let offset = labels.get(index, 0).copied().unwrap_or_default();
                load.problem_at(offset, format!("the resource of this span: {problem}"));
            }
            Piece::Span(span) => {
                let offset = labels
                    .get(span.resource_index, span.span_index)
                    .copied()
                    .unwrap_or_default();
                for problem in span.problems {
                    load.problem_at(offset, format!("span {:?}: {problem}", span.name));
                }
                documents.extend(span.documents.into_iter().map(|d| (d, offset)));
            }
        },
    );
    load.add_documents(documents);
}
