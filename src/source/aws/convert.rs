//! X-Ray's answers, as the SDK types them, into the model's types.

use aws_sdk_xray::primitives::DateTime;
use aws_sdk_xray::types as sdk;
use std::sync::Arc;

use crate::model::graph::{
    Edge, ErrorStatistics, FaultStatistics, HistogramEntry, ServiceNode, Statistics,
};
use crate::model::segment::AnnotationValue;
use crate::model::summary::{FaultCause, ServiceId, SummaryHttp};
use crate::model::{ServiceGraph, TraceSummary, trace_id};

pub fn seconds(time: &DateTime) -> f64 {
    time.as_secs_f64()
}

pub fn date_time(seconds: f64) -> DateTime {
    DateTime::from_secs_f64(seconds)
}

/// `None` when the summary has no trace id.
pub fn summary(summary: sdk::TraceSummary) -> Option<TraceSummary> {
    let id = summary.id.filter(|id| !id.is_empty())?;
    let start_time = summary
        .start_time
        .as_ref()
        .map(seconds)
        .or_else(|| trace_id::epoch_seconds(&id).map(|s| s as f64))
        .unwrap_or(0.0);
    let http = summary.http.unwrap_or_else(|| sdk::Http::builder().build());
    let annotations = summary
        .annotations
        .unwrap_or_default()
        .into_iter()
        .map(|(key, values)| {
            let values = values
                .into_iter()
                .filter_map(|value| annotation(value.annotation_value?))
                .collect();
            (key, values)
        })
        .collect();
    Some(TraceSummary {
        id,
        start_time,
        duration: summary.duration,
        response_time: summary.response_time,
        has_fault: summary.has_fault.unwrap_or(false),
        has_error: summary.has_error.unwrap_or(false),
        has_throttle: summary.has_throttle.unwrap_or(false),
        is_partial: summary.is_partial.unwrap_or(false),
        http: SummaryHttp {
            method: http.http_method.map(Arc::from),
            url: http.http_url.map(Arc::from),
            status: http.http_status.map(i64::from),
            user_agent: http.user_agent.map(Arc::from),
            client_ip: http.client_ip.map(Arc::from),
        },
        annotations,
        users: summary
            .users
            .unwrap_or_default()
            .into_iter()
            .filter_map(|user| user.user_name)
            .collect(),
        services: summary
            .service_ids
            .unwrap_or_default()
            .into_iter()
            .map(service_id)
            .collect::<Vec<_>>()
            .into(),
        entry_point: summary.entry_point.map(|e| Arc::new(service_id(e))),
        span_count: None,
        fault_cause: summary
            .fault_root_causes
            .unwrap_or_default()
            .into_iter()
            .next()
            .and_then(fault_cause)
            .map(Arc::new),
    })
}

/// The last service of a root cause, and the first exception of its deepest entity with one.
fn fault_cause(cause: sdk::FaultRootCause) -> Option<FaultCause> {
    let services = cause.services.unwrap_or_default();
    let exception = services
        .iter()
        .flat_map(|s| s.entity_path.as_deref().unwrap_or_default())
        .rev()
        .find_map(|e| {
            e.exceptions
                .as_deref()
                .unwrap_or_default()
                .iter()
                .find_map(|x| x.name.clone())
        });
    let service = services.into_iter().last()?.name?;
    Some(FaultCause { service, exception })
}

fn annotation(value: sdk::AnnotationValue) -> Option<AnnotationValue> {
    match value {
        sdk::AnnotationValue::StringValue(text) => Some(AnnotationValue::String(text)),
        sdk::AnnotationValue::NumberValue(number) => Some(AnnotationValue::Number(number)),
        sdk::AnnotationValue::BooleanValue(flag) => Some(AnnotationValue::Bool(flag)),
        _ => None,
    }
}

fn service_id(id: sdk::ServiceId) -> ServiceId {
    ServiceId {
        name: id.name.unwrap_or_default(),
        kind: id.r#type,
        account_id: id.account_id,
    }
}

/// One page of GetServiceGraph or GetTraceGraph.
pub fn graph(
    services: Vec<sdk::Service>,
    start_time: Option<&DateTime>,
    end_time: Option<&DateTime>,
    contains_old_group_versions: bool,
) -> ServiceGraph {
    ServiceGraph {
        services: services.into_iter().map(service).collect(),
        start_time: start_time.map(seconds),
        end_time: end_time.map(seconds),
        contains_old_group_versions,
    }
}

fn service(service: sdk::Service) -> ServiceNode {
    ServiceNode {
        reference_id: service.reference_id.map(i64::from),
        name: service.name,
        names: service.names.unwrap_or_default(),
        account_id: service.account_id,
        kind: service.r#type,
        state: service.state,
        start_time: service.start_time.as_ref().map(seconds),
        end_time: service.end_time.as_ref().map(seconds),
        root: service.root.unwrap_or(false),
        edges: service
            .edges
            .unwrap_or_default()
            .into_iter()
            .map(edge)
            .collect(),
        summary_statistics: service.summary_statistics.map(|s| {
            statistics(
                s.ok_count,
                s.error_statistics,
                s.fault_statistics,
                s.total_count,
                s.total_response_time,
            )
        }),
        duration_histogram: histogram(service.duration_histogram),
        response_time_histogram: histogram(service.response_time_histogram),
    }
}

fn edge(edge: sdk::Edge) -> Edge {
    Edge {
        reference_id: edge.reference_id.map(i64::from),
        start_time: edge.start_time.as_ref().map(seconds),
        end_time: edge.end_time.as_ref().map(seconds),
        summary_statistics: edge.summary_statistics.map(|s| {
            statistics(
                s.ok_count,
                s.error_statistics,
                s.fault_statistics,
                s.total_count,
                s.total_response_time,
            )
        }),
        response_time_histogram: histogram(edge.response_time_histogram),
        aliases: edge
            .aliases
            .unwrap_or_default()
            .into_iter()
            .map(|alias| {
                serde_json::json!({
                    "Name": alias.name,
                    "Names": alias.names.unwrap_or_default(),
                    "Type": alias.r#type,
                })
            })
            .collect(),
    }
}

fn statistics(
    ok_count: Option<i64>,
    errors: Option<sdk::ErrorStatistics>,
    faults: Option<sdk::FaultStatistics>,
    total_count: Option<i64>,
    total_response_time: Option<f64>,
) -> Statistics {
    let errors = errors.unwrap_or_else(|| sdk::ErrorStatistics::builder().build());
    let faults = faults.unwrap_or_else(|| sdk::FaultStatistics::builder().build());
    Statistics {
        ok_count: ok_count.unwrap_or(0),
        error_statistics: ErrorStatistics {
            throttle_count: errors.throttle_count.unwrap_or(0),
            other_count: errors.other_count.unwrap_or(0),
            total_count: errors.total_count.unwrap_or(0),
        },
        fault_statistics: FaultStatistics {
            other_count: faults.other_count.unwrap_or(0),
            total_count: faults.total_count.unwrap_or(0),
        },
        total_count: total_count.unwrap_or(0),
        total_response_time: total_response_time.unwrap_or(0.0),
    }
}

fn histogram(entries: Option<Vec<sdk::HistogramEntry>>) -> Vec<HistogramEntry> {
    entries
        .unwrap_or_default()
        .into_iter()
        .map(|entry| HistogramEntry {
            value: entry.value,
            count: i64::from(entry.count),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_keeps_every_field_the_list_shows() {
        let sdk_summary = sdk::TraceSummary::builder()
            .id("1-59602603-23fc5b688855d396af79b496")
            .duration(3.232)
            .response_time(3.1)
            .has_fault(true)
            .is_partial(true)
            .http(
                sdk::Http::builder()
                    .http_url("http://scorekeep.elasticbeanstalk.com/api/user")
                    .http_status(502)
                    .http_method("POST")
                    .user_agent("curl/8")
                    .client_ip("205.255.255.183")
                    .build(),
            )
            .annotations(
                "UserID",
                vec![
                    sdk::ValueWithServiceIds::builder()
                        .annotation_value(sdk::AnnotationValue::StringValue("5M388M1E".into()))
                        .build(),
                ],
            )
            .users(sdk::TraceUser::builder().user_name("5M388M1E").build())
            .service_ids(
                sdk::ServiceId::builder()
                    .name("Scorekeep")
                    .r#type("AWS::ElasticBeanstalk::Environment")
                    .account_id("123456789012")
                    .build(),
            )
            .entry_point(sdk::ServiceId::builder().name("Scorekeep").build())
            .build();
        let summary = summary(sdk_summary).unwrap();
        assert_eq!(summary.id, "1-59602603-23fc5b688855d396af79b496");
        assert_eq!(summary.start_time, 1_499_473_411.0, "from the trace id");
        assert_eq!(summary.duration, Some(3.232));
        assert_eq!(summary.response_time, Some(3.1));
        assert!(summary.has_fault && !summary.has_error && !summary.has_throttle);
        assert!(summary.is_partial);
        assert_eq!(summary.http.status, Some(502));
        assert_eq!(summary.http.method.as_deref(), Some("POST"));
        assert_eq!(summary.http.client_ip.as_deref(), Some("205.255.255.183"));
        assert_eq!(
            summary.annotations["UserID"],
            vec![AnnotationValue::String("5M388M1E".into())]
        );
        assert_eq!(summary.users, ["5M388M1E"]);
        assert_eq!(summary.services.len(), 1);
        assert_eq!(
            summary.services[0].kind.as_deref(),
            Some("AWS::ElasticBeanstalk::Environment")
        );
        assert_eq!(
            summary.services[0].account_id.as_deref(),
            Some("123456789012")
        );
        assert_eq!(summary.entry_point.unwrap().name, "Scorekeep");
    }

    #[test]
    fn a_summary_without_an_id_is_dropped() {
        assert_eq!(summary(sdk::TraceSummary::builder().build()), None);
    }
}
