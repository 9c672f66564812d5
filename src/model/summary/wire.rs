//! The JSON of GetTraceSummaries, read leniently, and its summaries as the list keeps them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use super::{FaultCause, ServiceId, SummaryHttp, TraceSummary};
use crate::model::lenient;
use crate::model::segment::AnnotationValue;
use crate::model::trace_id;

/// The JSON that GetTraceSummaries answers (and `aws xray get-trace-summaries` prints).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTraceSummariesOutput {
    #[serde(deserialize_with = "read_summaries")]
    pub trace_summaries: Summaries,
    #[serde(default, deserialize_with = "lenient::number")]
    pub approximate_time: Option<f64>,
    #[serde(default, deserialize_with = "lenient::integer")]
    pub traces_processed_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub next_token: Option<String>,
}

/// The summaries of one output, each made into a [`TraceSummary`] as soon as it is read, so
/// memory holds what is kept and never the whole list as JSON.
#[derive(Debug, Default)]
pub struct Summaries {
    pub kept: Vec<TraceSummary>,
    /// Summaries skipped for having no usable trace id.
    pub without_id: usize,
}

/// One element of `TraceSummaries`: `None` when it is not an object, `Some(None)` when it
/// has no usable trace id.
pub struct SummaryElement(pub Option<Option<TraceSummary>>);

impl<'de> Deserialize<'de> for SummaryElement {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire: Option<WireSummary> = lenient::object(d)?;
        Ok(SummaryElement(wire.map(WireSummary::into_summary)))
    }
}

fn read_summaries<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Summaries, D::Error> {
    let mut summaries = Summaries::default();
    for element in lenient::objects_with::<D, SummaryElement>(deserializer)? {
        match element.0 {
            Some(Some(summary)) => summaries.kept.push(summary),
            Some(None) => summaries.without_id += 1,
            None => {}
        }
    }
    Ok(summaries)
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
    #[serde(deserialize_with = "lenient::object")]
    pub http: Option<WireHttp>,
    #[serde(deserialize_with = "lenient::map_of_objects")]
    pub annotations: BTreeMap<String, Vec<WireAnnotation>>,
    #[serde(deserialize_with = "lenient::objects")]
    pub users: Vec<WireUser>,
    #[serde(deserialize_with = "lenient::objects")]
    pub service_ids: Vec<WireServiceId>,
    #[serde(deserialize_with = "lenient::object")]
    pub entry_point: Option<WireServiceId>,
    #[serde(deserialize_with = "lenient::objects")]
    pub fault_root_causes: Vec<WireRootCause>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireRootCause {
    #[serde(deserialize_with = "lenient::objects")]
    pub services: Vec<WireRootCauseService>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireRootCauseService {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::objects")]
    pub entity_path: Vec<WireRootCauseEntity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireRootCauseEntity {
    #[serde(deserialize_with = "lenient::objects")]
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
    #[serde(deserialize_with = "lenient::object")]
    pub annotation_value: Option<WireAnnotationValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WireAnnotationValue {
    #[serde(deserialize_with = "lenient::number")]
    pub number_value: Option<f64>,
    #[serde(deserialize_with = "lenient::boolean")]
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
