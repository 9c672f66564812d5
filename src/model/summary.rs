//! Trace summaries: what the trace list shows. From GetTraceSummaries, or computed from an
//! assembled trace for sources that only have documents.

mod annotations;
mod sharing;
mod wire;

use std::collections::HashSet;
use std::sync::Arc;

use super::segment::Status;
use super::trace::{Span, Trace};
use super::trace_id;

pub use annotations::Annotations;
pub use sharing::{SharedValues, share_repeated_values};
pub use wire::{
    GetTraceSummariesOutput, SummaryElement, WireAnnotation, WireAnnotationValue, WireHttp,
    WireRootCause, WireRootCauseEntity, WireRootCauseException, WireRootCauseService,
    WireServiceId, WireSummary, WireUser,
};

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
