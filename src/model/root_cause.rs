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

use std::cell::OnceCell;
use std::collections::HashMap;

use super::segment::{Cause, Exception, Segment};
use super::trace::{SpanKind, Trace};

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

fn describe_with(
    trace: &Trace,
    kind: RootCauseKind,
    span: usize,
    exceptions: &ExceptionIndex<'_>,
) -> RootCause {
    let spans = &trace.spans;
    let mut services: Vec<RootCauseService> = Vec::new();
    if span >= spans.len() {
        return RootCause {
            kind,
            span,
            services,
        };
    }
    // The chain from the top of the tree down to the span (parents always precede children).
    let mut chain = vec![span];
    let mut at = span;
    while let Some(parent) = spans[at].parent {
        at = parent as usize;
        chain.push(at);
    }
    chain.reverse();

    let root_duration = if kind == RootCauseKind::ResponseTime {
        root_index(trace)
            .and_then(|r| spans[r].segment.duration())
            .filter(|d| *d > 0.0)
    } else {
        None
    };
    let coverage = |i: usize| -> Option<f64> {
        let total = root_duration?;
        Some(spans[i].segment.duration()? / total)
    };
    let entity = |i: usize, name: String, remote: bool| RootCauseEntity {
        span: i,
        name,
        remote,
        // X-Ray's response-time root-cause entities carry no exceptions.
        exceptions: if kind == RootCauseKind::ResponseTime {
            Vec::new()
        } else {
            exceptions.of(i)
        }
        .into_iter()
        .map(|e| RootCauseException {
            name: e.kind.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default(),
            remote: e.remote,
        })
        .collect(),
        coverage: coverage(i),
    };

    // The call on the path that became an inferred node, once passed.
    let mut inferred_call: Option<usize> = None;
    let mut inside_call = false;
    for &i in &chain {
        let s = &spans[i];
        if s.is_segment() || services.is_empty() {
            let key = node_key(trace, i);
            services.push(RootCauseService {
                name: key.name,
                kind: key.kind,
                account_id: account_id(&s.segment),
                inferred: s.kind == SpanKind::Inferred,
                root: s.is_segment() && s.parent.is_none() && s.detached.is_none(),
                entity_path: Vec::new(),
            });
            inside_call = false;
            inferred_call = None;
        }
        let remote = !s.is_segment() && is_call(&s.segment);
        if remote && !inside_call {
            inside_call = true;
            if !trace.children(i).any(|c| spans[c].is_segment()) {
                inferred_call = Some(i);
            }
        }
        let name = s.name().to_owned();
        if let Some(service) = services.last_mut() {
            service.entity_path.push(entity(i, name, remote));
        }
    }
    if let Some(call) = inferred_call {
        let key = inferred_key(&spans[call].segment);
        services.push(RootCauseService {
            name: key.name.clone(),
            kind: key.kind,
            account_id: None,
            inferred: true,
            root: false,
            entity_path: vec![entity(call, key.name, true)],
        });
    }
    RootCause {
        kind,
        span,
        services,
    }
}

fn account_id(segment: &Segment) -> Option<String> {
    segment.aws.as_ref().and_then(|aws| aws.account_id.clone())
}

// ---------------------------------------------------------------------------------------------
// Exceptions, with `cause` given as the id of an exception recorded on another span resolved.

/// Finds the exceptions of a span, following `"cause": "<exception id>"` to the span that
/// recorded it. The id index is built on first use.
pub struct ExceptionIndex<'t> {
    trace: &'t Trace,
    by_id: OnceCell<HashMap<&'t str, (usize, usize)>>,
}

impl<'t> ExceptionIndex<'t> {
    pub fn new(trace: &'t Trace) -> Self {
        ExceptionIndex {
            trace,
            by_id: OnceCell::new(),
        }
    }

    /// The exceptions recorded on span `index` (all of them, causes included), or, when its
    /// cause names an exception recorded elsewhere, that exception and the ones after it in its
    /// list (its chained causes).
    pub fn of(&self, index: usize) -> Vec<&'t Exception> {
        let Some(span) = self.trace.spans.get(index) else {
            return Vec::new();
        };
        match &span.segment.cause {
            Some(Cause::Details(details)) => details.exceptions.iter().collect(),
            Some(Cause::ExceptionId(id)) => {
                let by_id = self.by_id.get_or_init(|| self.build());
                match by_id.get(id.as_str()) {
                    Some(&(span, at)) => match &self.trace.spans[span].segment.cause {
                        Some(Cause::Details(details)) => details.exceptions[at..].iter().collect(),
                        _ => Vec::new(),
                    },
                    None => Vec::new(),
                }
            }
            None => Vec::new(),
        }
    }

    fn build(&self) -> HashMap<&'t str, (usize, usize)> {
        let mut map = HashMap::new();
        for (i, span) in self.trace.spans.iter().enumerate() {
            if let Some(Cause::Details(details)) = &span.segment.cause {
                for (at, exception) in details.exceptions.iter().enumerate() {
                    if let Some(id) = exception.id.as_deref() {
                        map.entry(id).or_insert((i, at));
                    }
                }
            }
        }
        map
    }
}

// Service identity, exactly as the service graph counts nodes and edges.

pub use super::graph::{NodeKey as NodeName, inferred_key, is_call};

/// The node of span `index` when it is a segment, or of the span itself otherwise (used for
/// subsegments detached from their parents, which the graph shows as nodes of their own).
pub fn node_key(trace: &Trace, index: usize) -> NodeName {
    super::graph::node_key(&trace.spans[index])
}

/// One service (graph node) as a trace reaches it: a segment, or a call to something that sent
/// no segment (an inferred node).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceVisit {
    /// The segment, or the calling subsegment for an inferred node.
    pub span: usize,
    pub node: NodeName,
    pub account_id: Option<String>,
    pub inferred: bool,
    /// The entry point of the trace.
    pub root: bool,
}

/// A call from one service to another, as the graph counts edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceCall {
    /// The caller's visit; `None` for the client that called the entry point.
    pub from: Option<usize>,
    /// The callee's visit.
    pub to: usize,
    /// The span that measures the call: the calling subsegment, or the callee's segment when a
    /// segment called it directly (and for the client's call).
    pub measured: usize,
}

/// The services and calls of one trace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceServices {
    pub visits: Vec<ServiceVisit>,
    pub calls: Vec<ServiceCall>,
}

impl TraceServices {
    pub fn of(trace: &Trace) -> TraceServices {
        let spans = &trace.spans;
        let mut out = TraceServices::default();
        // Keyed by span and role: a subsegment detached from its parent is a node of its own
        // when it calls, and the call it makes infers another node.
        let mut visit_of: HashMap<(usize, bool), usize> = HashMap::new();
        let mut visit = |out: &mut TraceServices, span: usize, inferred_call: bool| -> usize {
            *visit_of.entry((span, inferred_call)).or_insert_with(|| {
                let s = &spans[span];
                let (node, inferred) = if inferred_call {
                    (inferred_key(&s.segment), true)
                } else {
                    (node_key(trace, span), s.kind == SpanKind::Inferred)
                };
                out.visits.push(ServiceVisit {
                    span,
                    node,
                    account_id: if inferred_call {
                        None
                    } else {
                        account_id(&s.segment)
                    },
                    inferred,
                    root: !inferred_call
                        && s.is_segment()
                        && s.parent.is_none()
                        && s.detached.is_none(),
                });
                out.visits.len() - 1
            })
        };
        let calls = super::graph::calls_to_inferred_services(trace);
        for (index, span) in spans.iter().enumerate() {
            if span.is_segment() {
                let to = visit(&mut out, index, false);
                match span.parent {
                    None if span.detached.is_none() => out.calls.push(ServiceCall {
                        from: None,
                        to,
                        measured: index,
                    }),
                    Some(parent) => {
                        let call = &spans[parent as usize];
                        let from = visit(&mut out, call.service as usize, false);
                        let measured = if call.is_segment() {
                            index
                        } else {
                            parent as usize
                        };
                        out.calls.push(ServiceCall {
                            from: Some(from),
                            to,
                            measured,
                        });
                    }
                    None => {}
                }
                continue;
            }
            if calls[index] {
                let from = visit(&mut out, span.service as usize, false);
                let to = visit(&mut out, index, true);
                out.calls.push(ServiceCall {
                    from: Some(from),
                    to,
                    measured: index,
                });
            }
        }
        out
    }

    /// The visit of the trace's entry point.
    pub fn root(&self) -> Option<&ServiceVisit> {
        self.visits.iter().find(|v| v.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trace::Document;

    fn trace(docs: &[&str]) -> Trace {
        let documents = docs
            .iter()
            .map(|text| Document {
                text: (*text).to_owned(),
                segment: Segment::parse(text).unwrap(),
            })
            .collect();
        Trace::assemble("1-00000000-000000000000000000000000", documents)
    }

    /// api (fault) → call (fault) → db (fault, deepest); api → cache (fault, leaf).
    fn faulty() -> Trace {
        trace(&[
            r#"{"id":"a","name":"api","origin":"AWS::EC2::Instance","start_time":0,"end_time":10,
                "fault":true,"cause":"e1","subsegments":[
                {"id":"c","name":"db-call","namespace":"remote","start_time":1,"end_time":8,
                 "fault":true,"cause":{"exceptions":[
                    {"id":"e1","type":"Timeout","message":"took too long","remote":true},
                    {"id":"e2","type":"SocketError","message":"reset"}]}},
                {"id":"k","name":"cache","start_time":8,"end_time":9,"fault":true},
                {"id":"q","name":"DynamoDB","namespace":"aws","start_time":9,"end_time":9.5,
                 "error":true,"throttle":true,"aws":{"table_name":"stock"}}]}"#,
        ])
    }

    #[test]
    fn fault_root_causes_are_the_deepest_faults() {
        let t = faulty();
        let names: Vec<&str> = fault_root_causes(&t)
            .into_iter()
            .map(|i| t.spans[i].name())
            .collect();
        assert_eq!(names, ["db-call", "cache"]);
        let names: Vec<&str> = error_root_causes(&t)
            .into_iter()
            .map(|i| t.spans[i].name())
            .collect();
        assert_eq!(names, ["DynamoDB"]);
    }

    #[test]
    fn a_call_without_downstream_segment_ends_in_an_inferred_service() {
        let t = faulty();
        let causes = root_causes(&t, RootCauseKind::Fault);
        let first = &causes[0];
        let services: Vec<(&str, &str, bool)> = first
            .services
            .iter()
            .map(|s| (s.name.as_str(), s.kind.as_str(), s.inferred))
            .collect();
        assert_eq!(
            services,
            [
                ("api", "AWS::EC2::Instance", false),
                ("db-call", "remote", true)
            ]
        );
        assert!(first.services[0].root);
        assert_eq!(first.entity_path_text(), "api → db-call");
        let entity = first.entity().unwrap();
        assert!(entity.remote);
        assert_eq!(entity.exceptions.len(), 2);
        assert_eq!(first.exception().unwrap().name, "Timeout");
        // The api's cause is an exception id: resolved to the call's exception and its causes.
        let api = &first.services[0].entity_path[0];
        assert_eq!(api.exceptions[0].message, "took too long");
        // The cache fault stays inside the api service.
        assert_eq!(causes[1].services.len(), 1);
        assert_eq!(causes[1].entity_path_text(), "api → cache");

        let errors = root_causes(&t, RootCauseKind::Error);
        let last = errors[0].service().unwrap();
        assert_eq!(
            (last.name.as_str(), last.kind.as_str()),
            ("stock", "AWS::DynamoDB::Table")
        );
    }

    #[test]
    fn response_time_follows_the_longest_child() {
        let t = faulty();
        let rc = response_time_root_cause(&t).unwrap();
        assert_eq!(t.spans[rc].name(), "db-call");
        let described = describe(&t, RootCauseKind::ResponseTime, rc);
        let coverage = described.entity().unwrap().coverage.unwrap();
        assert!((coverage - 0.7).abs() < 1e-9, "{coverage}");
    }

    #[test]
    fn deep_traces_do_not_overflow() {
        // 20,000 nested subsegments, all faulted: the deepest is the root cause.
        let depth = 20_000;
        let mut docs = Vec::new();
        for i in 0..depth {
            let mut s = Segment {
                id: Some(format!("s{i}")),
                name: Some(format!("n{i}")),
                trace_id: Some("1-00000000-000000000000000000000000".into()),
                start_time: Some(i as f64),
                end_time: Some((2 * depth - i) as f64),
                fault: true,
                ..Segment::default()
            };
            if i > 0 {
                s.parent_id = Some(format!("s{}", i - 1));
                s.kind = Some("subsegment".into());
            }
            docs.push(Document {
                text: String::new(),
                segment: s,
            });
        }
        let t = Trace::assemble("deep", docs);
        assert_eq!(fault_root_causes(&t), [depth - 1]);
        let rc = root_causes(&t, RootCauseKind::Fault);
        assert_eq!(rc[0].entities().len(), depth);
        assert_eq!(response_time_root_cause(&t), Some(depth - 1));
        let services = TraceServices::of(&t);
        assert_eq!(services.visits.len(), 1);
    }

    #[test]
    fn services_and_calls_follow_the_graph() {
        let t = trace(&[
            r#"{"id":"a","name":"front","trace_id":"1-00000000-000000000000000000000000",
                "start_time":0,"end_time":2,"subsegments":[
                {"id":"c","name":"back-call","namespace":"remote","start_time":0.1,"end_time":1}]}"#,
            r#"{"id":"b","name":"back","origin":"AWS::Lambda::Function","parent_id":"c",
                "trace_id":"1-00000000-000000000000000000000000","start_time":0.2,"end_time":0.9}"#,
        ]);
        let services = TraceServices::of(&t);
        let names: Vec<&str> = services
            .visits
            .iter()
            .map(|v| v.node.name.as_str())
            .collect();
        assert_eq!(names, ["front", "back"]);
        assert_eq!(services.calls.len(), 2);
        assert_eq!(services.calls[0].from, None);
        let call = services.calls[1];
        assert_eq!(call.from, Some(0));
        assert_eq!(t.spans[call.measured].name(), "back-call");
        assert_eq!(services.root().unwrap().node.name, "front");
    }
}
