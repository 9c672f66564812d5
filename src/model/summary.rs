//! Trace summaries: what the trace list shows. From GetTraceSummaries, or computed from an
//! assembled trace for sources that only have documents.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Deserialize;

use super::lenient;
use super::segment::{AnnotationValue, Status};
use super::trace::{Span, Trace};
use super::trace_id;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceSummary {
    pub id: String,
    /// Epoch seconds of the trace's first segment (from the trace id when nothing better is known).
    pub start_time: f64,
    pub duration: Option<f64>,
    pub response_time: Option<f64>,
    pub has_fault: bool,
    pub has_error: bool,
    pub has_throttle: bool,
    /// Some segment is still in progress, or X-Ray marked the summary partial.
    pub is_partial: bool,
    pub http: SummaryHttp,
    pub annotations: Annotations,
    pub users: Vec<String>,
    /// Services the trace went through, by (name, type). Shared between the summaries that
    /// went through the same services (see [`share_service_lists`]).
    pub services: Arc<[ServiceId]>,
    /// The service that received the request.
    pub entry_point: Option<ServiceId>,
    /// Number of spans when the trace's documents are known.
    pub span_count: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SummaryHttp {
    pub method: Option<String>,
    pub url: Option<String>,
    pub status: Option<i64>,
    pub user_agent: Option<String>,
    pub client_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ServiceId {
    pub name: String,
    pub kind: Option<String>,
    pub account_id: Option<String>,
}

impl TraceSummary {
    pub fn status(&self) -> Status {
        Status::of(self.has_fault, self.has_error, self.has_throttle)
    }

    /// Computes the summary X-Ray would give for a trace, from its documents.
    pub fn of_trace(trace: &Trace) -> TraceSummary {
        let root = trace.root();
        let start_time = trace
            .start()
            .or_else(|| trace_id::epoch_seconds(&trace.id).map(|s| s as f64))
            .unwrap_or(0.0);
        let mut summary = TraceSummary {
            id: trace.id.clone(),
            start_time,
            duration: (!trace.in_progress()).then(|| trace.duration()).flatten(),
            response_time: root.and_then(|r| r.segment.duration()),
            is_partial: trace.in_progress(),
            span_count: Some(trace.spans.len()),
            ..TraceSummary::default()
        };
        let mut services: Vec<ServiceId> = Vec::new();
        for span in &trace.spans {
            // As the API defines them: fault and error of the root segment, throttle of any.
            summary.has_throttle |= span.segment.throttle;
            for (key, value) in &span.segment.annotations {
                summary.annotations.add(key, value);
            }
            if let Some(user) = &span.segment.user
                && !summary.users.contains(user)
            {
                summary.users.push(user.clone());
            }
            if span.is_segment() {
                let id = service_id(span);
                if !services.contains(&id) {
                    services.push(id);
                }
            }
        }
        summary.services = services.into();
        if let Some(root) = root {
            summary.has_fault = root.segment.fault;
            summary.has_error = root.segment.error;
            summary.entry_point = Some(service_id(root));
            summary.http = root_http(root);
        }
        summary
    }
}

/// A trace's annotations: each key with the values it took, sorted by key. A sorted vector,
/// not a map: summaries are many and hold few keys each.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotations(Vec<(String, Vec<AnnotationValue>)>);

impl Annotations {
    pub fn get(&self, key: &str) -> Option<&Vec<AnnotationValue>> {
        let at = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        Some(&self.0[at].1)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Vec<AnnotationValue>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Adds a value to a key, once.
    pub fn add(&mut self, key: &str, value: &AnnotationValue) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(at) => {
                if !self.0[at].1.contains(value) {
                    self.0[at].1.push(value.clone());
                }
            }
            Err(at) => self.0.insert(at, (key.to_owned(), vec![value.clone()])),
        }
    }
}

impl std::ops::Index<&str> for Annotations {
    type Output = Vec<AnnotationValue>;
    fn index(&self, key: &str) -> &Vec<AnnotationValue> {
        self.get(key)
            .unwrap_or_else(|| panic!("no annotation {key:?}"))
    }
}

impl FromIterator<(String, Vec<AnnotationValue>)> for Annotations {
    fn from_iter<I: IntoIterator<Item = (String, Vec<AnnotationValue>)>>(items: I) -> Self {
        let mut entries: Vec<_> = items.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        entries.shrink_to_fit();
        Annotations(entries)
    }
}

/// Makes summaries with the same services share one list: most traces of a system go through
/// the same few sets of services, and a list is a good part of a summary's memory.
pub fn share_service_lists(summaries: &mut [TraceSummary]) {
    SharedServiceLists::default().share(summaries);
}

/// The service lists seen so far, for sharing them between summaries that arrive in pages.
#[derive(Default)]
pub struct SharedServiceLists(HashSet<Arc<[ServiceId]>>);

impl SharedServiceLists {
    pub fn share(&mut self, summaries: &mut [TraceSummary]) {
        for summary in summaries {
            match self.0.get(&summary.services) {
                Some(shared) => summary.services = Arc::clone(shared),
                None => {
                    self.0.insert(Arc::clone(&summary.services));
                }
            }
        }
    }
}

fn service_id(span: &Span) -> ServiceId {
    ServiceId {
        name: span.name().to_owned(),
        kind: span.segment.origin.clone(),
        account_id: span
            .segment
            .aws
            .as_ref()
            .and_then(|aws| aws.account_id.clone()),
    }
}

fn root_http(root: &Span) -> SummaryHttp {
    let http = root.segment.http.as_ref();
    let request = http.and_then(|h| h.request.as_ref());
    SummaryHttp {
        method: request.and_then(|r| r.method.clone()),
        url: request.and_then(|r| r.url.clone()),
        status: root.segment.http_status(),
        user_agent: request.and_then(|r| r.user_agent.clone()),
        client_ip: request.and_then(|r| r.client_ip.clone()),
    }
}

/// The JSON that GetTraceSummaries answers (and `aws xray get-trace-summaries` prints).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTraceSummariesOutput {
    #[serde(deserialize_with = "lenient::list")]
    pub trace_summaries: Vec<WireSummary>,
    #[serde(default, deserialize_with = "lenient::number")]
    pub approximate_time: Option<f64>,
    #[serde(default, deserialize_with = "lenient::integer")]
    pub traces_processed_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireSummary {
    #[serde(deserialize_with = "lenient::text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::number")]
    pub start_time: Option<f64>,
    #[serde(deserialize_with = "lenient::number")]
    pub duration: Option<f64>,
    #[serde(deserialize_with = "lenient::number")]
    pub response_time: Option<f64>,
    #[serde(deserialize_with = "lenient::flag")]
    pub has_fault: bool,
    #[serde(deserialize_with = "lenient::flag")]
    pub has_error: bool,
    #[serde(deserialize_with = "lenient::flag")]
    pub has_throttle: bool,
    #[serde(deserialize_with = "lenient::flag")]
    pub is_partial: bool,
    #[serde(deserialize_with = "lenient::opt")]
    pub http: Option<WireHttp>,
    #[serde(deserialize_with = "lenient::or_default")]
    pub annotations: BTreeMap<String, Vec<WireAnnotation>>,
    #[serde(deserialize_with = "lenient::list")]
    pub users: Vec<WireUser>,
    #[serde(deserialize_with = "lenient::list")]
    pub service_ids: Vec<WireServiceId>,
    #[serde(deserialize_with = "lenient::opt")]
    pub entry_point: Option<WireServiceId>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireHttp {
    #[serde(rename = "HttpURL", deserialize_with = "lenient::text")]
    pub http_url: Option<String>,
    #[serde(deserialize_with = "lenient::integer")]
    pub http_status: Option<i64>,
    #[serde(deserialize_with = "lenient::text")]
    pub http_method: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub user_agent: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub client_ip: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireAnnotation {
    #[serde(deserialize_with = "lenient::opt")]
    pub annotation_value: Option<WireAnnotationValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireAnnotationValue {
    #[serde(deserialize_with = "lenient::number")]
    pub number_value: Option<f64>,
    #[serde(deserialize_with = "lenient::opt")]
    pub boolean_value: Option<bool>,
    #[serde(deserialize_with = "lenient::text")]
    pub string_value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireUser {
    #[serde(deserialize_with = "lenient::text")]
    pub user_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireServiceId {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub account_id: Option<String>,
    #[serde(rename = "Type", deserialize_with = "lenient::text")]
    pub kind: Option<String>,
}

impl From<WireServiceId> for ServiceId {
    fn from(wire: WireServiceId) -> Self {
        ServiceId {
            name: wire.name.unwrap_or_default(),
            kind: wire.kind,
            account_id: wire.account_id,
        }
    }
}

impl WireSummary {
    /// `None` when the summary has no usable trace id.
    pub fn into_summary(self) -> Option<TraceSummary> {
        let id = self.id.filter(|id| !id.is_empty())?;
        let start_time = self
            .start_time
            .or_else(|| trace_id::epoch_seconds(&id).map(|s| s as f64))
            .unwrap_or(0.0);
        let http = self.http.unwrap_or_default();
        let annotations = self
            .annotations
            .into_iter()
            .map(|(key, values)| {
                let values = values
                    .into_iter()
                    .filter_map(|v| {
                        let v = v.annotation_value?;
                        v.string_value
                            .map(AnnotationValue::String)
                            .or(v.number_value.map(AnnotationValue::Number))
                            .or(v.boolean_value.map(AnnotationValue::Bool))
                    })
                    .collect();
                (key, values)
            })
            .collect();
        Some(TraceSummary {
            id,
            start_time,
            duration: self.duration,
            response_time: self.response_time,
            has_fault: self.has_fault,
            has_error: self.has_error,
            has_throttle: self.has_throttle,
            is_partial: self.is_partial,
            http: SummaryHttp {
                method: http.http_method,
                url: http.http_url,
                status: http.http_status,
                user_agent: http.user_agent,
                client_ip: http.client_ip,
            },
            annotations,
            users: self.users.into_iter().filter_map(|u| u.user_name).collect(),
            services: self
                .service_ids
                .into_iter()
                .map(ServiceId::from)
                .collect::<Vec<_>>()
                .into(),
            entry_point: self.entry_point.map(ServiceId::from),
            span_count: None,
        })
    }
}
