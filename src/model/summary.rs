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
    /// went through the same services (see [`share_repeated_values`]).
    pub services: Arc<[ServiceId]>,
    /// The service that received the request (shared like `services`).
    pub entry_point: Option<Arc<ServiceId>>,
    /// Number of spans when the trace's documents are known.
    pub span_count: Option<usize>,
    /// The first fault root cause, as X-Ray's `FaultRootCauses` name it.
    pub fault_cause: Option<Arc<FaultCause>>,
}

/// Where a fault started: the root-cause service and the exception it recorded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FaultCause {
    pub service: String,
    /// The exception's type (X-Ray calls it the name); `None` when none was recorded.
    pub exception: Option<String>,
}

impl FaultCause {
    fn of(cause: &super::root_cause::RootCause) -> Option<FaultCause> {
        Some(FaultCause {
            service: cause.service()?.name.clone(),
            exception: cause.exception().map(|e| e.name.clone()),
        })
    }
}

/// The root request. Its texts repeat from trace to trace, so they are shared (see
/// [`share_repeated_values`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SummaryHttp {
    pub method: Option<Arc<str>>,
    pub url: Option<Arc<str>>,
    pub status: Option<i64>,
    pub user_agent: Option<Arc<str>>,
    pub client_ip: Option<Arc<str>>,
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
        let mut seen_services = HashSet::new();
        let mut seen_users = HashSet::new();
        for span in &trace.spans {
            // As the API defines them: fault and error of the root segment, throttle of any.
            summary.has_throttle |= span.segment.throttle;
            if let Some(user) = &span.segment.user
                && seen_users.insert(user.as_str())
            {
                summary.users.push(user.clone());
            }
            if span.is_segment() {
                let id = service_id(span);
                if seen_services.insert(id.clone()) {
                    services.push(id);
                }
            }
        }
        summary.services = services.into();
        summary.annotations = Annotations::gather(trace.spans.iter().flat_map(|span| {
            span.segment
                .annotations
                .iter()
                .map(|(key, value)| (key.as_str(), value))
        }));
        if let Some(root) = root {
            summary.has_fault = root.segment.fault;
            summary.has_error = root.segment.error;
            summary.entry_point = Some(Arc::new(service_id(root)));
            summary.http = root_http(root);
        }
        if summary.has_fault
            && let Some(&span) = super::root_cause::fault_root_causes(trace).first()
        {
            let cause =
                super::root_cause::describe(trace, super::root_cause::RootCauseKind::Fault, span);
            summary.fault_cause = FaultCause::of(&cause).map(Arc::new);
        }
        summary
    }
}

/// A trace's annotations: each key with the values it took, sorted by key. Two flat vectors,
/// not a map: summaries are many and hold few keys each.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotations {
    /// Each key and where its values start in `values`.
    keys: Vec<(Arc<str>, u32)>,
    values: Vec<AnnotationValue>,
}

impl Annotations {
    pub fn get(&self, key: &str) -> Option<&[AnnotationValue]> {
        let at = self.keys.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        Some(&self.values[self.range(at)])
    }

    fn range(&self, at: usize) -> std::ops::Range<usize> {
        let start = self.keys[at].1 as usize;
        let end = self
            .keys
            .get(at + 1)
            .map_or(self.values.len(), |(_, next)| *next as usize);
        start..end
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(k, _)| &**k)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[AnnotationValue])> {
        (0..self.keys.len()).map(|at| (&*self.keys[at].0, &self.values[self.range(at)]))
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Each key of `pairs` with its distinct values, in the order they first come. Linear in
    /// the pairs: a trace of 50,000 spans may give as many values to one key.
    pub fn gather<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a AnnotationValue)>,
    ) -> Annotations {
        let mut by_key: BTreeMap<&str, (Vec<&AnnotationValue>, HashSet<ValueKey>)> =
            BTreeMap::new();
        for (key, value) in pairs {
            let (values, seen) = by_key.entry(key).or_default();
            if seen.insert(ValueKey::of(value)) {
                values.push(value);
            }
        }
        let mut annotations = Annotations {
            keys: Vec::with_capacity(by_key.len()),
            values: Vec::with_capacity(by_key.values().map(|(values, _)| values.len()).sum()),
        };
        for (key, (values, _)) in by_key {
            let start = annotations.values.len() as u32;
            annotations.keys.push((Arc::from(key), start));
            annotations.values.extend(values.into_iter().cloned());
        }
        annotations
    }

    /// Keys are few and repeat in every trace: one copy of each serves them all.
    fn share_keys(&mut self, seen: &mut HashSet<Arc<str>>) {
        for (key, _) in &mut self.keys {
            share(seen, key);
        }
    }
}

/// An annotation value that can be hashed: numbers compare by their bits, with -0 as 0.
#[derive(PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Bool(bool),
    Number(u64),
    String(&'a str),
}

impl<'a> ValueKey<'a> {
    fn of(value: &'a AnnotationValue) -> ValueKey<'a> {
        match value {
            AnnotationValue::Bool(b) => ValueKey::Bool(*b),
            AnnotationValue::Number(n) => ValueKey::Number((n + 0.0).to_bits()),
            AnnotationValue::String(s) => ValueKey::String(s),
        }
    }
}

impl std::ops::Index<&str> for Annotations {
    type Output = [AnnotationValue];
    fn index(&self, key: &str) -> &[AnnotationValue] {
        self.get(key)
            .unwrap_or_else(|| panic!("no annotation {key:?}"))
    }
}

impl FromIterator<(String, Vec<AnnotationValue>)> for Annotations {
    fn from_iter<I: IntoIterator<Item = (String, Vec<AnnotationValue>)>>(items: I) -> Self {
        let items: Vec<(String, Vec<AnnotationValue>)> = items.into_iter().collect();
        // A key given twice keeps its first values, as a JSON object would.
        let mut seen_keys = HashSet::new();
        Annotations::gather(
            items
                .iter()
                .filter(|(key, _)| seen_keys.insert(key.as_str()))
                .flat_map(|(key, values)| values.iter().map(move |value| (key.as_str(), value))),
        )
    }
}

/// Makes summaries share what repeats between them: the list of services, the entry point,
/// the request's method, URL, user agent and client address, annotation keys. Most traces of
/// a system repeat a few of each, and these are most of a summary's memory.
pub fn share_repeated_values(summaries: &mut [TraceSummary]) {
    let mut shared = SharedValues::default();
    for summary in summaries {
        shared.share(summary);
    }
}

/// The values seen so far, for summaries that arrive one at a time (pages, live data).
#[derive(Default)]
pub struct SharedValues {
    services: HashSet<Arc<[ServiceId]>>,
    entry_points: HashSet<Arc<ServiceId>>,
    fault_causes: HashSet<Arc<FaultCause>>,
    texts: HashSet<Arc<str>>,
}

impl SharedValues {
    /// Makes `summary` use the copies already held of what it repeats.
    pub fn share(&mut self, summary: &mut TraceSummary) {
        share(&mut self.services, &mut summary.services);
        if let Some(entry_point) = summary.entry_point.as_mut() {
            share(&mut self.entry_points, entry_point);
        }
        if let Some(cause) = summary.fault_cause.as_mut() {
            share(&mut self.fault_causes, cause);
        }
        let http = &mut summary.http;
        for text in [
            &mut http.method,
            &mut http.url,
            &mut http.user_agent,
            &mut http.client_ip,
        ]
        .into_iter()
        .flatten()
        {
            share(&mut self.texts, text);
        }
        summary.annotations.share_keys(&mut self.texts);
    }
}

/// Replaces `value` by an equal one seen before, or remembers it.
fn share<T: ?Sized + Eq + std::hash::Hash>(seen: &mut HashSet<Arc<T>>, value: &mut Arc<T>) {
    match seen.get(value) {
        Some(shared) => *value = Arc::clone(shared),
        None => {
            seen.insert(Arc::clone(value));
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
        method: request.and_then(|r| r.method.as_deref()).map(Arc::from),
        url: request.and_then(|r| r.url.as_deref()).map(Arc::from),
        status: root.segment.http_status(),
        user_agent: request.and_then(|r| r.user_agent.as_deref()).map(Arc::from),
        client_ip: request.and_then(|r| r.client_ip.as_deref()).map(Arc::from),
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
    #[serde(deserialize_with = "lenient::list")]
    pub fault_root_causes: Vec<WireRootCause>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireRootCause {
    #[serde(deserialize_with = "lenient::list")]
    pub services: Vec<WireRootCauseService>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireRootCauseService {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::list")]
    pub entity_path: Vec<WireRootCauseEntity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireRootCauseEntity {
    #[serde(deserialize_with = "lenient::list")]
    pub exceptions: Vec<WireRootCauseException>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireRootCauseException {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
}

impl WireRootCause {
    /// The last service, and the first exception of the deepest entity that has one.
    fn into_cause(self) -> Option<FaultCause> {
        let exception = self
            .services
            .iter()
            .flat_map(|s| s.entity_path.iter())
            .rev()
            .find_map(|e| e.exceptions.iter().find_map(|x| x.name.clone()));
        let service = self.services.into_iter().last()?.name?;
        Some(FaultCause { service, exception })
    }
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
                method: http.http_method.map(Arc::from),
                url: http.http_url.map(Arc::from),
                status: http.http_status,
                user_agent: http.user_agent.map(Arc::from),
                client_ip: http.client_ip.map(Arc::from),
            },
            annotations,
            users: self.users.into_iter().filter_map(|u| u.user_name).collect(),
            services: self
                .service_ids
                .into_iter()
                .map(ServiceId::from)
                .collect::<Vec<_>>()
                .into(),
            entry_point: self.entry_point.map(|e| Arc::new(ServiceId::from(e))),
            span_count: None,
            fault_cause: self
                .fault_root_causes
                .into_iter()
                .next()
                .and_then(WireRootCause::into_cause)
                .map(Arc::new),
        })
    }
}

#[cfg(test)]
mod annotation_tests {
    use super::*;

    #[test]
    fn values_stay_with_their_keys_whatever_the_order_they_come_in() {
        let n = |x: f64| AnnotationValue::Number(x);
        let s = |x: &str| AnnotationValue::String(x.into());
        let pairs = [
            ("tier", s("gold")),
            ("cart", n(3.0)),
            ("tier", s("silver")),
            ("cart", n(3.0)),
            ("a", AnnotationValue::Bool(true)),
            ("cart", n(-0.0)),
            ("cart", n(5.0)),
            ("cart", n(0.0)),
            ("tier", s("gold")),
        ];
        let annotations = Annotations::gather(pairs.iter().map(|(k, v)| (*k, v)));
        let listed: Vec<(String, Vec<String>)> = annotations
            .iter()
            .map(|(k, v)| (k.to_owned(), v.iter().map(ToString::to_string).collect()))
            .collect();
        assert_eq!(
            listed,
            [
                ("a".to_owned(), vec!["true".to_owned()]),
                (
                    "cart".to_owned(),
                    vec!["3".to_owned(), "-0".to_owned(), "5".to_owned()]
                ),
                (
                    "tier".to_owned(),
                    vec!["gold".to_owned(), "silver".to_owned()]
                ),
            ]
        );
        assert_eq!(
            annotations.get("cart"),
            Some(&[n(3.0), n(-0.0), n(5.0)][..])
        );
        assert_eq!(annotations.get("nope"), None);
    }

    #[test]
    fn the_first_fault_root_cause_comes_from_the_api_answer() {
        let json = r#"{"Id": "1-5f84c7a1-1234567890abcdef12345678", "HasFault": true,
            "FaultRootCauses": [{"Services": [
                {"Name": "front", "EntityPath": [{"Name": "front", "Exceptions": [{"Name": "Wrapped"}]}]},
                {"Name": "payments", "EntityPath": [
                    {"Name": "payments"},
                    {"Name": "charge", "Exceptions": [{"Name": "ProviderTimeout"}, {"Name": "ReadTimeout"}]}
                ]}
            ]}, {"Services": [{"Name": "other"}]}]}"#;
        let wire: WireSummary = serde_json::from_str(json).unwrap();
        let summary = wire.into_summary().unwrap();
        let cause = summary.fault_cause.as_deref().unwrap();
        assert_eq!(cause.service, "payments");
        assert_eq!(cause.exception.as_deref(), Some("ProviderTimeout"));
        let junk: WireSummary =
            serde_json::from_str(r#"{"Id": "x", "FaultRootCauses": [{"Services": 3}]}"#).unwrap();
        assert_eq!(junk.into_summary().unwrap().fault_cause, None);
    }
}
