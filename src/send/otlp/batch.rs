//! Cutting OTLP requests to the size X-Ray's OTLP endpoint takes: at most so many spans and so
//! many bytes a request, each span with its resource and scope, and spans too large for X-Ray
//! refused here rather than by X-Ray (which would refuse the whole request).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

/// What X-Ray's OTLP endpoint takes in one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub request_spans: usize,
    /// Protobuf bytes, before compression.
    pub request_bytes: usize,
    pub span_bytes: usize,
    /// A resource and a scope together.
    pub resource_scope_bytes: usize,
}

impl Default for Limits {
    /// X-Ray's own.
    fn default() -> Limits {
        Limits {
            request_spans: 10_000,
            request_bytes: 5 * 1024 * 1024,
            span_bytes: 200 * 1024,
            resource_scope_bytes: 16 * 1024,
        }
    }
}

/// A request within the limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Piece {
    pub request: ExportTraceServiceRequest,
    pub spans: usize,
    /// At least the protobuf size of `request`.
    pub bytes: usize,
}

impl Piece {
    /// Adds the other's spans after this one's: the request stays valid, and its size is the
    /// sum of the two.
    pub fn append(&mut self, other: Piece) {
        self.request
            .resource_spans
            .extend(other.request.resource_spans);
        self.spans += other.spans;
        self.bytes += other.bytes;
    }

    /// Whether the other's spans may join this piece's in one request.
    pub fn fits_with(&self, other: &Piece, limits: &Limits) -> bool {
        self.spans + other.spans <= limits.request_spans
            && self.bytes + other.bytes <= limits.request_bytes
    }
}

/// A span that is not sent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// "span GET /users 53995c3f42cd8ad8 of trace 5b8efff798038103d269b633813fc60c".
    pub span: String,
    pub reason: String,
}

/// What one received request becomes: the pieces to send, in order, and the spans refused.
#[derive(Debug, Default)]
pub struct Split {
    pub pieces: Vec<Piece>,
    pub refused: Vec<Refused>,
}

/// Cuts `request` into pieces within `limits`, keeping the spans' order.
pub fn split(request: ExportTraceServiceRequest, limits: &Limits) -> Split {
    let mut cutter = Cutter {
        limits,
        split: Split::default(),
        current: Piece::default(),
        resource_open: false,
        scope_open: false,
    };
    for mut resource_spans in request.resource_spans {
        let scopes = std::mem::take(&mut resource_spans.scope_spans);
        let resource = Shell::of(resource_spans);
        cutter.resource_open = false;
        for mut scope_spans in scopes {
            let spans = std::mem::take(&mut scope_spans.spans);
            let scope = Shell::of(scope_spans);
            cutter.scope_open = false;
            let shared = resource.own_bytes + scope.own_bytes;
            for span in spans {
                if shared > limits.resource_scope_bytes {
                    let reason = format!(
                        "its resource and scope take {}, over the {} X-Ray takes",
                        kilobytes(shared),
                        kilobytes(limits.resource_scope_bytes)
                    );
                    cutter.refuse(&span, reason);
                } else {
                    cutter.add(&resource, &scope, span);
                }
            }
        }
    }
    cutter.close();
    cutter.split
}

/// A resource or a scope without its spans, and what it adds to a request.
struct Shell<T> {
    value: T,
    /// Its fields alone.
    own_bytes: usize,
    /// Its fields with its tag and length in the enclosing message.
    framed_bytes: usize,
}

impl<T: Message + Clone> Shell<T> {
    fn of(value: T) -> Shell<T> {
        let own_bytes = value.encoded_len();
        Shell {
            value,
            own_bytes,
            framed_bytes: framed(own_bytes),
        }
    }
}

/// A field's bytes with its tag and length, at most: a length takes up to 5 bytes below 32 GB.
fn framed(bytes: usize) -> usize {
    bytes + 6
}

struct Cutter<'l> {
    limits: &'l Limits,
    split: Split,
    current: Piece,
    /// Whether the current piece ends with the resource (and the scope) of the span to add.
    resource_open: bool,
    scope_open: bool,
}

impl Cutter<'_> {
    fn add(&mut self, resource: &Shell<ResourceSpans>, scope: &Shell<ScopeSpans>, span: Span) {
        let own_bytes = span.encoded_len();
        if own_bytes > self.limits.span_bytes {
            let reason = format!(
                "it takes {}, over the {} X-Ray takes in one span",
                kilobytes(own_bytes),
                kilobytes(self.limits.span_bytes)
            );
            return self.refuse(&span, reason);
        }
        let span_bytes = framed(own_bytes);
        let alone = resource.framed_bytes + scope.framed_bytes + span_bytes;
        if alone > self.limits.request_bytes {
            let reason = format!(
                "with its resource and scope it takes {}, over the {} X-Ray takes in one request",
                kilobytes(alone),
                kilobytes(self.limits.request_bytes)
            );
            return self.refuse(&span, reason);
        }
        let needed = span_bytes
            + match (self.resource_open, self.scope_open) {
                (false, _) => resource.framed_bytes + scope.framed_bytes,
                (true, false) => scope.framed_bytes,
                (true, true) => 0,
            };
        let full = self.current.spans + 1 > self.limits.request_spans
            || self.current.bytes + needed > self.limits.request_bytes;
        if full {
            self.close();
        }
        let resources = &mut self.current.request.resource_spans;
        if !self.resource_open {
            resources.push(resource.value.clone());
            self.current.bytes += resource.framed_bytes;
            self.resource_open = true;
            self.scope_open = false;
        }
        let Some(resource_spans) = resources.last_mut() else {
            return;
        };
        if !self.scope_open {
            resource_spans.scope_spans.push(scope.value.clone());
            self.current.bytes += scope.framed_bytes;
            self.scope_open = true;
        }
        if let Some(scope_spans) = resource_spans.scope_spans.last_mut() {
            scope_spans.spans.push(span);
            self.current.spans += 1;
            self.current.bytes += span_bytes;
        }
    }

    fn refuse(&mut self, span: &Span, reason: String) {
        self.split.refused.push(Refused {
            span: span_name(span),
            reason,
        });
    }

    /// Ends the current piece; the next span opens its resource and scope again.
    fn close(&mut self) {
        let piece = std::mem::take(&mut self.current);
        if piece.spans > 0 {
            self.split.pieces.push(piece);
        }
        self.resource_open = false;
        self.scope_open = false;
    }
}

fn span_name(span: &Span) -> String {
    format!(
        "span {} {} of trace {}",
        span.name,
        hex(&span.span_id),
        hex(&span.trace_id)
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// "250 KB", "5120 KB".
fn kilobytes(bytes: usize) -> String {
    format!("{} KB", bytes.div_ceil(1024))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::otel::span_count;
    use opentelemetry_proto::tonic::common::v1::{
        AnyValue, InstrumentationScope, KeyValue, any_value,
    };
    use opentelemetry_proto::tonic::resource::v1::Resource;

    fn attribute(key: &str, text: &str) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue(text.into())),
            }),
            ..KeyValue::default()
        }
    }

    fn span(i: u64, padding: usize) -> Span {
        Span {
            trace_id: vec![0x5b; 16],
            span_id: i.to_be_bytes().to_vec(),
            name: format!("op{i}"),
            attributes: vec![attribute("pad", &"x".repeat(padding))],
            ..Span::default()
        }
    }

    /// Two services, each with two scopes of `each` spans.
    fn request(each: u64, padding: usize) -> ExportTraceServiceRequest {
        let mut next = 0;
        let resource_spans = ["cart", "pay"]
            .iter()
            .map(|service| ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![attribute("service.name", service)],
                    ..Resource::default()
                }),
                scope_spans: ["http", "sql"]
                    .iter()
                    .map(|scope| ScopeSpans {
                        scope: Some(InstrumentationScope {
                            name: (*scope).into(),
                            ..InstrumentationScope::default()
                        }),
                        spans: (0..each)
                            .map(|_| {
                                next += 1;
                                span(next, padding)
                            })
                            .collect(),
                        schema_url: String::new(),
                    })
                    .collect(),
                schema_url: String::new(),
            })
            .collect();
        ExportTraceServiceRequest { resource_spans }
    }

    /// (service, scope, span name) of every span, in order.
    fn placed(pieces: &[Piece]) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for piece in pieces {
            for resource in &piece.request.resource_spans {
                let service = resource.resource.as_ref().unwrap().attributes[0]
                    .value
                    .as_ref()
                    .unwrap()
                    .value
                    .clone();
                let Some(any_value::Value::StringValue(service)) = service else {
                    panic!("no service name");
                };
                for scope in &resource.scope_spans {
                    let scope_name = scope.scope.as_ref().unwrap().name.clone();
                    for span in &scope.spans {
                        out.push((service.clone(), scope_name.clone(), span.name.clone()));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn a_small_request_stays_whole() {
        let whole = request(3, 10);
        let split = split(whole.clone(), &Limits::default());
        assert!(split.refused.is_empty());
        assert_eq!(split.pieces.len(), 1);
        let piece = &split.pieces[0];
        assert_eq!(piece.request, whole);
        assert_eq!(piece.spans, 12);
        assert!(piece.bytes >= whole.encoded_len(), "{} bytes", piece.bytes);
    }

    #[test]
    fn pieces_hold_at_most_the_span_limit_and_keep_each_span_with_its_resource_and_scope() {
        let whole = request(5, 10);
        let limits = Limits {
            request_spans: 3,
            ..Limits::default()
        };
        let split = split(whole.clone(), &limits);
        assert_eq!(
            split.pieces.iter().map(|p| p.spans).collect::<Vec<_>>(),
            [3, 3, 3, 3, 3, 3, 2]
        );
        assert_eq!(
            placed(&split.pieces),
            placed(&[Piece {
                request: whole,
                ..Piece::default()
            }])
        );
    }

    #[test]
    fn pieces_stay_under_the_byte_limit_as_protobuf() {
        let whole = request(50, 1000);
        let limits = Limits {
            request_bytes: 20_000,
            ..Limits::default()
        };
        let split = split(whole.clone(), &limits);
        assert!(split.refused.is_empty());
        assert!(split.pieces.len() >= 10, "{} pieces", split.pieces.len());
        for piece in &split.pieces {
            let encoded = piece.request.encoded_len();
            assert!(encoded <= piece.bytes, "{encoded} > {}", piece.bytes);
            assert!(piece.bytes <= 20_000, "{}", piece.bytes);
        }
        assert_eq!(split.pieces.iter().map(|p| p.spans).sum::<usize>(), 200);
    }

    #[test]
    fn a_span_over_the_span_limit_is_refused_and_its_neighbours_go() {
        let mut whole = request(2, 10);
        whole.resource_spans[0].scope_spans[0].spans[1] = span(99, 210 * 1024);
        let split = split(whole, &Limits::default());
        assert_eq!(split.pieces.iter().map(|p| p.spans).sum::<usize>(), 7);
        assert_eq!(
            split.refused,
            [Refused {
                span: format!("span op99 0000000000000063 of trace {}", "5b".repeat(16)),
                reason: "it takes 211 KB, over the 200 KB X-Ray takes in one span".into(),
            }]
        );
    }

    #[test]
    fn spans_under_an_oversized_resource_and_scope_are_refused() {
        let mut whole = request(2, 10);
        let resource = whole.resource_spans[1].resource.as_mut().unwrap();
        resource
            .attributes
            .push(attribute("huge", &"y".repeat(17 * 1024)));
        let split = split(whole, &Limits::default());
        assert_eq!(split.pieces.iter().map(|p| p.spans).sum::<usize>(), 4);
        assert_eq!(split.refused.len(), 4);
        assert_eq!(
            split.refused[0].reason,
            "its resource and scope take 18 KB, over the 16 KB X-Ray takes"
        );
    }

    #[test]
    fn appended_pieces_make_one_request_of_both() {
        let limits = Limits {
            request_spans: 4,
            ..Limits::default()
        };
        let mut pieces = split(request(4, 10), &limits).pieces.into_iter();
        let mut first = pieces.next().unwrap();
        let second = pieces.next().unwrap();
        assert!(!first.fits_with(&second, &limits));
        assert!(first.fits_with(&second, &Limits::default()));
        first.append(second);
        assert_eq!(first.spans, 8);
        assert_eq!(span_count(&first.request), 8);
        assert!(first.request.encoded_len() <= first.bytes);
    }
}
