//! What an OTLP request is answered: how many of its spans are rejected and why, in the
//! `partial_success` the OTLP specification asks for. Spans past X-Ray's per-request limit
//! are dropped; spans whose ids X-Ray refuses are counted as rejected but still shown, as
//! the translator keeps them, and the answer says so.

use crate::codec::otel::ExportTraceServiceRequest;
use crate::codec::otel::ids::{self, SPAN_ID_LEN, TRACE_ID_LEN};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTracePartialSuccess;
use opentelemetry_proto::tonic::trace::v1::Span;

/// X-Ray's own limit of spans in one request.
pub const MAX_SPANS_PER_REQUEST: usize = 10_000;

/// Spans named one by one in an answer; the rest are counted.
const NAMED_SPANS: usize = 5;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acceptance {
    pub rejected_spans: i64,
    /// Empty when every span was taken as it came.
    pub message: String,
}

impl Acceptance {
    /// The answer's `partial_success`: none when there is nothing to say.
    pub fn partial_success(&self) -> Option<ExportTracePartialSuccess> {
        (self.rejected_spans > 0 || !self.message.is_empty()).then(|| ExportTracePartialSuccess {
            rejected_spans: self.rejected_spans,
            error_message: self.message.clone(),
        })
    }

    pub fn of(cut: usize, refused: &Refused, warnings: &[String]) -> Acceptance {
        let mut parts = Vec::new();
        if cut > 0 {
            parts.push(format!(
                "{cut} spans past X-Ray's limit of {MAX_SPANS_PER_REQUEST} per request were \
                 dropped: send smaller batches"
            ));
        }
        if refused.count > 0 {
            parts.push(format!(
                "{} spans have ids X-Ray refuses ({}{}); xray-tui shows those with a trace id anyway",
                refused.count,
                refused.named.join("; "),
                more(refused.count, refused.named.len()),
            ));
        }
        if parts.is_empty() && !warnings.is_empty() {
            let shown = &warnings[..warnings.len().min(NAMED_SPANS)];
            parts.push(format!(
                "accepted with warnings: {}{}",
                shown.join("; "),
                more(warnings.len(), shown.len())
            ));
        }
        Acceptance {
            rejected_spans: i64::try_from(cut + refused.count).unwrap_or(i64::MAX),
            message: parts.join(". "),
        }
    }
}

fn more(all: usize, named: usize) -> String {
    if all > named {
        format!("; and {} more", all - named)
    } else {
        String::new()
    }
}

/// Keeps the first `max` spans of the request, in order; returns how many were cut.
pub fn keep_first_spans(request: &mut ExportTraceServiceRequest, max: usize) -> usize {
    let mut room = max;
    let mut cut = 0;
    for scope in request
        .resource_spans
        .iter_mut()
        .flat_map(|resource| &mut resource.scope_spans)
    {
        let kept = scope.spans.len().min(room);
        cut += scope.spans.len() - kept;
        scope.spans.truncate(kept);
        room -= kept;
    }
    cut
}

/// The spans X-Ray would refuse for their ids.
#[derive(Debug, Default)]
pub struct Refused {
    pub count: usize,
    /// The first few, each with where it is and what is wrong, as the translator says it.
    pub named: Vec<String>,
}

pub fn refused_spans(request: &ExportTraceServiceRequest) -> Refused {
    let mut refused = Refused::default();
    for (resource_index, resource) in request.resource_spans.iter().enumerate() {
        let spans = resource.scope_spans.iter().flat_map(|scope| &scope.spans);
        for (span_index, span) in spans.enumerate() {
            let Some(why) = bad_ids(span) else { continue };
            refused.count += 1;
            if refused.named.len() < NAMED_SPANS {
                refused.named.push(format!(
                    "span {} of resource {} (name {:?}): {why}",
                    span_index + 1,
                    resource_index + 1,
                    crate::text::fit(&span.name, 60)
                ));
            }
        }
    }
    refused
}

fn bad_ids(span: &Span) -> Option<String> {
    let trace = ids::check(&span.trace_id, TRACE_ID_LEN).err();
    let span_id = ids::check(&span.span_id, SPAN_ID_LEN).err();
    match (trace, span_id) {
        (None, None) => None,
        (Some(trace), None) => Some(format!("trace id {trace}")),
        (None, Some(span_id)) => Some(format!("span id {span_id}")),
        (Some(trace), Some(span_id)) => Some(format!("trace id {trace}, span id {span_id}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::otel::span_count;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};

    fn request(spans_per_scope: &[usize]) -> ExportTraceServiceRequest {
        let scope = |n: usize| ScopeSpans {
            spans: (0..n)
                .map(|i| Span {
                    trace_id: vec![1; 16],
                    span_id: vec![u8::try_from(i % 200).unwrap() + 1; 8],
                    name: format!("s{i}"),
                    ..Span::default()
                })
                .collect(),
            ..ScopeSpans::default()
        };
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: spans_per_scope.iter().map(|n| scope(*n)).collect(),
                ..ResourceSpans::default()
            }],
        }
    }

    #[test]
    fn spans_past_the_limit_are_cut_across_scopes() {
        let mut request = request(&[3, 4, 2]);
        assert_eq!(keep_first_spans(&mut request, 5), 4);
        assert_eq!(span_count(&request), 5);
        let kept: Vec<usize> = request.resource_spans[0]
            .scope_spans
            .iter()
            .map(|s| s.spans.len())
            .collect();
        assert_eq!(kept, [3, 2, 0]);
    }

    #[test]
    fn bad_ids_are_named_and_counted_as_rejected() {
        let mut request = request(&[8]);
        for span in &mut request.resource_spans[0].scope_spans[0].spans[..7] {
            span.trace_id = vec![0; 16];
        }
        request.resource_spans[0].scope_spans[0].spans[7].span_id = vec![1, 2];
        let refused = refused_spans(&request);
        assert_eq!(refused.count, 8);
        let acceptance = Acceptance::of(0, &refused, &[]);
        assert_eq!(acceptance.rejected_spans, 8);
        assert!(
            acceptance
                .message
                .starts_with("8 spans have ids X-Ray refuses (span 1 of resource 1 (name \"s0\"): trace id is all zeros;"),
            "{}",
            acceptance.message
        );
        assert!(
            acceptance.message.contains("and 3 more"),
            "{}",
            acceptance.message
        );
        assert!(
            acceptance
                .message
                .contains("shows those with a trace id anyway")
        );
    }

    #[test]
    fn a_clean_request_is_answered_with_nothing_to_say() {
        let request = request(&[2]);
        let acceptance = Acceptance::of(0, &refused_spans(&request), &[]);
        assert_eq!(acceptance, Acceptance::default());
        let warned = Acceptance::of(
            0,
            &Refused::default(),
            &["span 1: end time is missing".into()],
        );
        assert_eq!(warned.rejected_spans, 0);
        assert_eq!(
            warned.message,
            "accepted with warnings: span 1: end time is missing"
        );
    }
}
