//! OpenTelemetry in files: OTLP/JSON trace requests (one document, or one per line as the
//! Collector's `file` exporter writes them), and Transaction Search's `aws/spans` spans, on
//! their own or in what `aws logs filter-log-events`, `get-log-events` and
//! `get-query-results` print. The spans of a file are translated together at its end.

use crate::codec::aws_spans;
use crate::codec::aws_spans::logs::{self, LogEventsOutput, NoMessage, QueryResultsOutput};
use crate::codec::otel::{Piece, TranslateOptions, decode_json, translate, translate_each};

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

/// A span from the message of a log event or a row that starts at `offset`.
fn load_message(load: &mut FileLoad, message: Result<String, NoMessage>, offset: usize) {
    let message = match message {
        Ok(message) => message,
        Err(why) => {
            let why = match why {
                NoMessage::NotAnEvent => "a log event without a message; skipped",
                NoMessage::NotARow => "a Logs Insights row that is not a list of fields; skipped",
                NoMessage::NotInRow => {
                    "a Logs Insights row without @message; skipped (have the query ask for it: \
                     `fields @message`)"
                }
            };
            return load.problem_at(offset, why.to_owned());
        }
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

/// What `aws logs filter-log-events` or `get-log-events` prints.
pub fn load_log_events(load: &mut FileLoad, json: &str) {
    match serde_json::from_str::<LogEventsOutput>(json) {
        Ok(output) => {
            for event in output.events {
                let offset = load.offset_of(event.get());
                load_message(load, logs::event_message(event.get()), offset);
            }
        }
        Err(error) => load.unreadable("CloudWatch Logs events", json, &error),
    }
}

/// What `aws logs get-query-results` prints.
pub fn load_query_results(load: &mut FileLoad, json: &str) {
    match serde_json::from_str::<QueryResultsOutput>(json) {
        Ok(output) => {
            for row in output.results {
                let offset = load.offset_of(row.get());
                load_message(load, logs::row_message(row.get()), offset);
            }
        }
        Err(error) => load.unreadable("Logs Insights results", json, &error),
    }
}

/// One row of Logs Insights results written as an object with `@message`.
pub fn load_row_object(load: &mut FileLoad, json: &str) {
    let offset = load.offset_of(json);
    load_message(load, logs::row_object_message(json), offset);
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
