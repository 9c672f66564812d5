//! Spans read from records, grouped by the resource and scope they carry into one OTLP
//! request; each span keeps a label (where its record was) to name it by.

use std::collections::HashMap;

use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use serde::Deserialize;

use super::lenient::{self, Lenient};
use super::record::ReadSpan;
use crate::codec::otel::ExportTraceServiceRequest;
use crate::model::lenient::text;

pub struct SpanBatch<L> {
    resources: Vec<ResourceGroup<L>>,
    /// Spans that carry the same resource JSON share a group; it is read once.
    resource_by_json: HashMap<String, usize>,
    len: usize,
}

struct ResourceGroup<L> {
    resource: Option<Resource>,
    scopes: Vec<ScopeGroup<L>>,
    scope_by_json: HashMap<String, usize>,
}

struct ScopeGroup<L> {
    scope: Option<InstrumentationScope>,
    spans: Vec<Span>,
    labels: Vec<L>,
}

impl<L> Default for SpanBatch<L> {
    fn default() -> Self {
        SpanBatch {
            resources: Vec::new(),
            resource_by_json: HashMap::new(),
            len: 0,
        }
    }
}

impl<L> SpanBatch<L> {
    pub fn push(&mut self, read: ReadSpan<'_>, label: L) {
        let resource_index = match self.resource_by_json.get(read.resource) {
            Some(&index) => index,
            None => {
                self.resources.push(ResourceGroup {
                    resource: resource(read.resource),
                    scopes: Vec::new(),
                    scope_by_json: HashMap::new(),
                });
                let index = self.resources.len() - 1;
                self.resource_by_json
                    .insert(read.resource.to_owned(), index);
                index
            }
        };
        let group = &mut self.resources[resource_index];
        let scope_index = match group.scope_by_json.get(read.scope) {
            Some(&index) => index,
            None => {
                group.scopes.push(ScopeGroup {
                    scope: scope(read.scope),
                    spans: Vec::new(),
                    labels: Vec::new(),
                });
                let index = group.scopes.len() - 1;
                group.scope_by_json.insert(read.scope.to_owned(), index);
                index
            }
        };
        let scope = &mut group.scopes[scope_index];
        scope.spans.push(read.span);
        scope.labels.push(label);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The request, resources and scopes in the order they first came, and the labels of its
    /// spans.
    pub fn into_request(self) -> (ExportTraceServiceRequest, Labels<L>) {
        let mut labels = Vec::with_capacity(self.resources.len());
        let resource_spans = self
            .resources
            .into_iter()
            .map(|group| {
                let mut resource_labels = Vec::new();
                let scope_spans = group
                    .scopes
                    .into_iter()
                    .map(|scope| {
                        resource_labels.extend(scope.labels);
                        ScopeSpans {
                            scope: scope.scope,
                            spans: scope.spans,
                            ..Default::default()
                        }
                    })
                    .collect();
                labels.push(resource_labels);
                ResourceSpans {
                    resource: group.resource,
                    scope_spans,
                    ..Default::default()
                }
            })
            .collect();
        (ExportTraceServiceRequest { resource_spans }, Labels(labels))
    }
}

/// The labels of a request's spans, by resource and span as the translator counts them.
pub struct Labels<L>(Vec<Vec<L>>);

impl<L> Labels<L> {
    /// The label of a span; its index is counted over all the scopes of its resource.
    pub fn get(&self, resource_index: usize, span_index: usize) -> Option<&L> {
        self.0.get(resource_index)?.get(span_index)
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ResourceRecord {
    #[serde(deserialize_with = "lenient::attributes")]
    attributes: Vec<KeyValue>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ScopeRecord {
    #[serde(deserialize_with = "text")]
    name: Option<String>,
    #[serde(deserialize_with = "text")]
    version: Option<String>,
    #[serde(deserialize_with = "lenient::attributes")]
    attributes: Vec<KeyValue>,
}

/// `None` for JSON that is absent, not an object or unreadable.
fn read_object<'a, T: Deserialize<'a>>(json: &'a str) -> Option<T> {
    if json.is_empty() {
        return None;
    }
    serde_json::from_str::<Lenient<T>>(json).ok()?.0
}

fn resource(json: &str) -> Option<Resource> {
    let record: ResourceRecord = read_object(json)?;
    Some(Resource {
        attributes: record.attributes,
        ..Default::default()
    })
}

fn scope(json: &str) -> Option<InstrumentationScope> {
    let record: ScopeRecord = read_object(json)?;
    Some(InstrumentationScope {
        name: record.name.unwrap_or_default(),
        version: record.version.unwrap_or_default(),
        attributes: record.attributes,
        ..Default::default()
    })
}
