//! X-Ray's root-cause rule, and the service identities it (and the filter language) speaks of.
//!
//! For faults (and separately for errors) the root-cause span is the deepest span with that
//! status whose children have none of it: a fault that a child explains is not a root cause,
//! the child is. A trace can have several (two retries of the same failing call are two).
//! For response time there is one root cause, found by walking down from the root segment into
//! the child that takes most of the time (see [`response_time_root_cause`]).
//!
//! [`describe`] gives what the X-Ray console shows for a root cause, shaped like the API's
//! `FaultRootCause` / `ErrorRootCause` / `ResponseTimeRootCause`: the services from the
//! trace's entry point down to the root cause's service (name, type, account, inferred), each
//! with its entity path (the spans walked through inside it, remote calls marked), and the
//! exceptions recorded on each entity.
//!
//! Service identity follows `graph.rs` exactly (a node is (type, name); calls to AWS services,
//! databases and remote APIs that sent no segment of their own become inferred nodes), so a
//! `service("x")` filter, a root cause and the service map all name the same nodes.
//!
//! Everything here is iterative: traces can have 50,000 spans nested 10,000 deep.

mod describe;
mod exceptions;
mod services;
#[cfg(test)]
mod tests;

use super::segment::Segment;
use super::trace::Trace;
use describe::describe_with;

pub use super::graph::{NodeKey as NodeName, inferred_key, is_call};
pub use exceptions::ExceptionIndex;
pub use services::{ServiceCall, ServiceVisit, TraceServices, node_key};

/// Which root cause: the three kinds X-Ray computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RootCauseKind {
    Fault,
    Error,
    ResponseTime,
}

impl RootCauseKind {
    pub fn label(self) -> &'static str {
        match self {
            RootCauseKind::Fault => "fault",
            RootCauseKind::Error => "error",
            RootCauseKind::ResponseTime => "responsetime",
        }
    }
}

/// One root cause, as the console shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RootCause {
    pub kind: RootCauseKind,
    /// The root-cause span (what "jump to root cause" selects).
    pub span: usize,
    /// The services from the entry point down to the root cause's own service, in call order.
    /// The last one is "the" root-cause service; for a call to something that sent no segment
    /// (a remote API, an AWS service, a database) it is the inferred node of that call.
    pub services: Vec<RootCauseService>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RootCauseService {
    pub name: String,
    /// The node type (`AWS::EC2::Instance`, `remote`, ...); empty when the segment gave none.
    pub kind: String,
    pub account_id: Option<String>,
    /// A node X-Ray inferred from a call (no segment of its own).
    pub inferred: bool,
    /// The entry point of the trace.
    pub root: bool,
    /// The spans walked through inside this service, from its segment down.
    pub entity_path: Vec<RootCauseEntity>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RootCauseEntity {
    pub span: usize,
    pub name: String,
    /// A call to another service (namespace `remote` or `aws`, or an SQL query).
    pub remote: bool,
    /// Fault and error root causes only.
    pub exceptions: Vec<RootCauseException>,
    /// Response-time root causes only: this entity's duration over the root segment's
    /// response time (0.0 to 1.0).
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RootCauseException {
    /// The exception's type, which X-Ray calls its name.
    pub name: String,
    pub message: String,
    pub remote: bool,
}

impl RootCause {
    /// The root-cause service: the last of [`RootCause::services`].
    pub fn service(&self) -> Option<&RootCauseService> {
        self.services.last()
    }

    /// The root-cause entity: the last entity of the path.
    pub fn entity(&self) -> Option<&RootCauseEntity> {
        self.services
            .iter()
            .flat_map(|s| s.entity_path.iter())
            .last()
    }

    /// Every entity of the path, across services, from the entry point down.
    pub fn entities(&self) -> Vec<&RootCauseEntity> {
        self.services
            .iter()
            .flat_map(|s| s.entity_path.iter())
            .collect()
    }

    /// The exception the console leads with: the first one of the deepest entity that has any.
    pub fn exception(&self) -> Option<&RootCauseException> {
        self.entities()
            .into_iter()
            .rev()
            .find_map(|e| e.exceptions.first())
    }

    /// `payments → charge-card → api.paymentprovider.example`: the entity path as one line
    /// (inferred entities, which repeat the call they come from, are left out).
    pub fn entity_path_text(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for service in &self.services {
            if service.inferred && !names.is_empty() {
                continue;
            }
            names.extend(service.entity_path.iter().map(|e| e.name.as_str()));
        }
        names.join(" → ")
    }
}

fn has_fault(segment: &Segment) -> bool {
    segment.fault
}

/// A throttle (429) is an error too; SDKs set both, but not every sender does.
fn has_error(segment: &Segment) -> bool {
    segment.error || segment.throttle
}

/// Spans with the status whose children have none of it, in table order.
fn leaves_with(trace: &Trace, status: fn(&Segment) -> bool) -> Vec<usize> {
    (0..trace.spans.len())
        .filter(|&i| {
            status(&trace.spans[i].segment)
                && !trace.children(i).any(|c| status(&trace.spans[c].segment))
        })
        .collect()
}

/// The fault root-cause spans: faulted spans none of whose children faulted.
pub fn fault_root_causes(trace: &Trace) -> Vec<usize> {
    leaves_with(trace, has_fault)
}

/// The error root-cause spans: spans with an error (or throttle) none of whose children has one.
pub fn error_root_causes(trace: &Trace) -> Vec<usize> {
    leaves_with(trace, has_error)
}

/// The response-time root cause. X-Ray does not publish its rule; this one walks down from the
/// root segment into the longest child for as long as that child takes at least half of its
/// parent's time, and stops at the span whose time is mostly its own. `None` while the root
/// segment has no duration (in progress).
pub fn response_time_root_cause(trace: &Trace) -> Option<usize> {
    let root = root_index(trace)?;
    let mut current = root;
    let mut current_duration = trace.spans[current].segment.duration()?;
    loop {
        let longest = trace
            .children(current)
            .filter_map(|c| Some((c, trace.spans[c].segment.duration()?)))
            .fold(None, |best: Option<(usize, f64)>, (c, d)| match best {
                Some((_, bd)) if bd >= d => best,
                _ => Some((c, d)),
            });
        match longest {
            Some((child, duration))
                if current_duration > 0.0 && duration * 2.0 >= current_duration =>
            {
                current = child;
                current_duration = duration;
            }
            _ => return Some(current),
        }
    }
}

/// The root-cause spans of one kind.
pub fn root_cause_spans(trace: &Trace, kind: RootCauseKind) -> Vec<usize> {
    match kind {
        RootCauseKind::Fault => fault_root_causes(trace),
        RootCauseKind::Error => error_root_causes(trace),
        RootCauseKind::ResponseTime => response_time_root_cause(trace).into_iter().collect(),
    }
}

/// How many root causes of one kind [`root_causes`] describes. A description holds the whole
/// path from the entry point, so describing every faulted leaf of a pathological trace (a
/// 25,000-level chain with a faulted leaf on each level) would take gigabytes; X-Ray's own
/// summaries list a handful.
pub const MAX_DESCRIBED: usize = 32;

/// The root causes of one kind (the first [`MAX_DESCRIBED`], in span order), described as the
/// console shows them.
pub fn root_causes(trace: &Trace, kind: RootCauseKind) -> Vec<RootCause> {
    let exceptions = ExceptionIndex::new(trace);
    root_cause_spans(trace, kind)
        .into_iter()
        .take(MAX_DESCRIBED)
        .map(|span| describe_with(trace, kind, span, &exceptions))
        .collect()
}

/// Describes span `span` as a root cause of `kind`: the service path and entity paths leading
/// to it. Any span can be described (the waterfall may ask about the selected one).
pub fn describe(trace: &Trace, kind: RootCauseKind, span: usize) -> RootCause {
    describe_with(trace, kind, span, &ExceptionIndex::new(trace))
}

/// The index of [`Trace::root`]: the first segment that has no parent, else the first span.
fn root_index(trace: &Trace) -> Option<usize> {
    trace
        .spans
        .iter()
        .position(|s| s.parent.is_none() && s.is_segment() && s.detached.is_none())
        .or((!trace.spans.is_empty()).then_some(0))
}

fn account_id(segment: &Segment) -> Option<String> {
    segment.aws.as_ref().and_then(|aws| aws.account_id.clone())
}
