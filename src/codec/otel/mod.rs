//! OpenTelemetry spans (OTLP, protobuf or JSON) into X-Ray segment documents, by the rules
//! of the OpenTelemetry Collector's X-Ray exporter: each span gives one document (a
//! local-root call gives two), named, typed and filled as X-Ray would show it. The span as
//! it arrived is kept in each document under `"otel"` ([`original::KEY`]).
//!
//! Nothing is dropped: a span X-Ray would reject (bad ids, no times) is still translated,
//! and what was wrong is named in [`Translated::problems`]. The one thing not repeated in
//! every document is a resource too large to repeat: the documents of its first span hold it. Strings from spans are kept as
//! they are, control characters included (JSON-escaped): whoever draws them cleans them.

mod annotations;
mod attributes;
mod aws;
mod cause;
mod decode;
mod document;
mod http;
pub mod ids;
mod names;
pub mod original;
mod segment;
mod sql;
mod stacktrace;
pub(crate) mod value;

#[cfg(test)]
mod tests;

pub use decode::{decode_json, decode_protobuf, span_count, span_kind_number, status_code_number};
pub use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

/// An attribute's value as text (strings as they are, numbers and booleans written out).
pub fn attributes_text(
    pairs: &[opentelemetry_proto::tonic::common::v1::KeyValue],
    key: &str,
) -> Option<String> {
    attributes::Attributes::new(pairs).text(key)
}

use annotations::Indexing;
use segment::{Input, RESOURCE_REPEAT_LIMIT, Resource};

#[derive(Debug, Clone, PartialEq)]
pub struct TranslateOptions {
    /// Attribute keys made annotations (X-Ray's `indexed_attributes`).
    pub indexed_keys: Vec<String>,
    /// Makes every string, number and boolean attribute an annotation.
    pub index_all: bool,
    /// Whether the spans were sampled (`T1S`) or not (`T1U`); kept in `"otel"`.
    pub sampled: bool,
}

impl Default for TranslateOptions {
    fn default() -> Self {
        TranslateOptions {
            indexed_keys: Vec::new(),
            index_all: false,
            sampled: true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Translated {
    /// One X-Ray segment document (JSON) per span; two for a local-root call.
    pub documents: Vec<String>,
    /// What was wrong, and in which span.
    pub problems: Vec<String>,
}

pub fn translate(request: &ExportTraceServiceRequest, options: &TranslateOptions) -> Translated {
    let mut translated = Translated::default();
    translate_each(request, options, |piece| match piece {
        Piece::Resource { index, problem } => translated
            .problems
            .push(format!("resource {}: {problem}", index + 1)),
        Piece::Span(span) => {
            translated.documents.extend(span.documents);
            if !span.problems.is_empty() {
                let place = place(span.resource_index, span.span_index, span.name);
                translated.problems.extend(
                    span.problems
                        .into_iter()
                        .map(|problem| format!("{place}: {problem}")),
                );
            }
        }
    });
    translated
}

/// What [`translate_each`] hands on, in the order of the request. Indexes count from 0.
pub enum Piece<'a> {
    /// What is wrong with a whole resource.
    Resource {
        index: usize,
        problem: String,
    },
    Span(TranslatedSpan<'a>),
}

/// One span's documents, and what was wrong with it: each problem says what, not where.
pub struct TranslatedSpan<'a> {
    pub resource_index: usize,
    /// Counted over all the scopes of the resource.
    pub span_index: usize,
    pub name: &'a str,
    pub documents: Vec<String>,
    pub problems: Vec<String>,
}

/// [`translate`], span by span, for a caller that names the places itself.
pub fn translate_each<'a>(
    request: &'a ExportTraceServiceRequest,
    options: &TranslateOptions,
    mut each: impl FnMut(Piece<'a>),
) {
    for (resource_index, resource_spans) in request.resource_spans.iter().enumerate() {
        let pairs = resource_spans
            .resource
            .as_ref()
            .map_or(&[][..], |resource| &resource.attributes);
        let indexing = Indexing {
            all: options.index_all,
            keys: options.indexed_keys.iter().map(String::as_str).collect(),
        };
        let resource = Resource::new(pairs, indexing);
        let span_count: usize = resource_spans
            .scope_spans
            .iter()
            .map(|s| s.spans.len())
            .sum();
        let resource_elsewhere =
            (resource.size > RESOURCE_REPEAT_LIMIT && span_count > 1).then(|| {
                let kilobytes = resource.size.div_ceil(1024);
                let resource_number = resource_index + 1;
                each(Piece::Resource {
                    index: resource_index,
                    problem: format!(
                        "its attributes take {kilobytes} KB, more than X-Ray's {} KB for a \
                         resource; only the documents of its first span repeat them",
                        RESOURCE_REPEAT_LIMIT / 1024
                    ),
                });
                format!(
                    "{kilobytes} KB of attributes, in full in the documents of span 1 of resource \
                 {resource_number}"
                )
            });
        let spans = resource_spans.scope_spans.iter().flat_map(|scope_spans| {
            let scope = scope_spans.scope.as_ref();
            scope_spans.spans.iter().map(move |span| (scope, span))
        });
        for (span_index, (scope, span)) in spans.enumerate() {
            let input = Input {
                span,
                resource: &resource,
                scope,
                sampled: options.sampled,
                resource_elsewhere: resource_elsewhere.as_deref().filter(|_| span_index > 0),
            };
            let mut problems = Vec::new();
            let mut documents = Vec::new();
            for document in segment::documents(&input, &mut problems) {
                match serde_json::to_string(&document) {
                    Ok(text) => documents.push(text),
                    Err(error) => problems.push(format!("could not be written: {error}")),
                }
            }
            each(Piece::Span(TranslatedSpan {
                resource_index,
                span_index,
                name: &span.name,
                documents,
                problems,
            }));
        }
    }
}

/// `span 3 of resource 1 (name "GET /x")`, counting from 1; a long name is cut short.
fn place(resource_index: usize, span_index: usize, name: &str) -> String {
    const SHOWN_CHARS: usize = 60;
    let shown = names::truncate(name, SHOWN_CHARS);
    let ellipsis = if shown.len() < name.len() { "…" } else { "" };
    format!(
        "span {} of resource {} (name {shown:?}{ellipsis})",
        span_index + 1,
        resource_index + 1
    )
}
