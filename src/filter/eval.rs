//! Evaluates an expression against an assembled trace (and, where that is enough, a summary).
//!
//! What each keyword reads, by place (X-Ray's definitions where the guide or the API give them):
//!
//! | keyword | trace (top level) | `service() { }` | `edge() { }` |
//! |---|---|---|---|
//! | `fault`, `error` | the root segment's flag (the API: "the root segment document has a 5xx/4xx") | the service's segment | the call |
//! | `throttle` | any segment's flag (the API: "one or more of the segment documents") | the segment | the call |
//! | `ok` | the root segment has no fault, error or throttle | likewise for the segment | for the call |
//! | `partial` | the summary says partial, or a segment is in progress | the segment is in progress | the call is |
//! | `inferred` | some node of the trace is inferred | the node is inferred | the destination is |
//! | `root` | — | the node is the entry point | — |
//! | `responsetime` | the root segment's duration | the segment's | the call's |
//! | `duration` | first start to last end (none while in progress) | the segment's | the call's |
//! | `http.*` | the root segment's request/response | the segment's | the call's |
//! | `user` | any segment's `user` | the segment's | the call's |
//! | `name`, `type` | the entry point's node | the node's | — |
//! | `message` | exceptions of the root segment and its subsegments | of the segment and its subsegments | of the call |
//! | `availabilityzone`, `instance.id`, `resource.arn` | any segment's | the segment's | the call's |
//!
//! "The call" is the span the service graph measures an edge with: the calling subsegment, or
//! the callee's segment when a segment (or the client) called it directly. `service()` and
//! `edge()` name nodes as the graph does (see `model::root_cause::TraceServices`); the client
//! node is only matched by an explicit `id(type: "client")`.
//!
//! Comparisons: `=` and the string operators are true when some value of the field satisfies
//! them (a trace can have several users); `!=` is always the negation of `=`, so it is also true
//! when the field is missing; `<`, `>` ... are false when it is missing. Strings compare case
//! sensitively. Annotations compare by type: `annotation.n = "3"` does not match the number 3.
//!
//! `group.name` and `group.arn` need the group's own filter, which only the X-Ray service
//! knows: offline they are true (they narrow nothing); only X-Ray can apply them, when the
//! expression is sent with GetTraceSummaries.
//!
//! Root causes come from `model::root_cause`. Inside their braces `first`, `last` and `index`
//! (0-based) give the position of a service in the root cause's service path, of an entity in
//! the entity path (across services, from the entry point; `last` is the root-cause span
//! itself, or the inferred node it called), or of an exception in its entity's list. A form is
//! true when some root cause of that kind (among the first `root_cause::MAX_DESCRIBED`) has
//! some element that satisfies the block.
//!
//! `rootcause.json` is true when each object of the array matches some root cause of any kind
//! (the JSON does not say which): its `Services`, if given, list the same services in order,
//! and each field given (`Name`, `Type`, `AccountId`, `Inferred`, and an `EntityPath` of
//! `Name`, `Remote`, `Exceptions` of `Name` and `Message`) is equal; other fields are ignored.

use std::cell::OnceCell;

use serde_json::Value as Json;

use super::ast::{Expr, ExprKind, Keyword, KeywordType, Op, RootCauseTarget, Selector, Value};
use crate::model::root_cause::{
    self, ExceptionIndex, RootCause, RootCauseEntity, RootCauseException, RootCauseKind,
    RootCauseService, ServiceCall, ServiceVisit, TraceServices,
};
use crate::model::segment::{AnnotationValue, Segment};
use crate::model::{Trace, TraceSummary};

/// Whether the trace matches the expression.
pub fn matches(expr: &Expr, trace: &Trace, summary: &TraceSummary) -> bool {
    Context::new(trace, summary).eval(expr, Subject::Trace)
}

/// The answer from the summary alone, when the expression only needs summary fields (or
/// when the fields it has already decide it: `fault AND service("x")` is false for a trace
/// without fault). `None` when the documents are needed.
pub fn matches_summary(expr: &Expr, summary: &TraceSummary) -> Option<bool> {
    match &expr.kind {
        ExprKind::And(items) => {
            let mut unknown = false;
            for item in items {
                match matches_summary(item, summary) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            (!unknown).then_some(true)
        }
        ExprKind::Or(items) => {
            let mut unknown = false;
            for item in items {
                match matches_summary(item, summary) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            (!unknown).then_some(false)
        }
        ExprKind::Not(inner) => matches_summary(inner, summary).map(|b| !b),
        ExprKind::Bare(keyword) => match keyword.value_type() {
            KeywordType::Bool => summary_flag(*keyword, summary),
            KeywordType::Number => summary_number(*keyword, summary).map(|n| n.is_some()),
            KeywordType::String => summary_strings(*keyword, summary).map(|v| !v.is_empty()),
        },
        ExprKind::Compare { keyword, op, value } => match value {
            Value::Bool(b) => summary_flag(*keyword, summary).map(|v| compare_bool(v, *op, *b)),
            Value::Number(n) => {
                summary_number(*keyword, summary).map(|v| compare_number(v, *op, *n))
            }
            Value::String(s) => {
                summary_strings(*keyword, summary).map(|v| compare_strings(&v, *op, s))
            }
        },
        ExprKind::Annotation { key, test } => {
            let values = summary.annotations.get(key);
            Some(annotation_test(values.unwrap_or(&[]).iter(), test.as_ref()))
        }
        ExprKind::Group { .. } => Some(true),
        ExprKind::Service { .. }
        | ExprKind::Edge { .. }
        | ExprKind::RootCause { .. }
        | ExprKind::RootCauseJson(_) => None,
    }
}

/// The summary's flags are X-Ray's trace-level ones: `HasFault`/`HasError` for the root segment,
/// `HasThrottle` for any segment.
fn summary_flag(keyword: Keyword, summary: &TraceSummary) -> Option<bool> {
    match keyword {
        Keyword::Fault => Some(summary.has_fault),
        Keyword::Error => Some(summary.has_error),
        Keyword::Throttle => Some(summary.has_throttle),
        // A throttle somewhere does not say whether the root segment was throttled.
        Keyword::Ok if summary.has_fault || summary.has_error => Some(false),
        Keyword::Ok if summary.has_throttle => None,
        Keyword::Ok => Some(true),
        Keyword::Partial => Some(summary.is_partial),
        _ => None,
    }
}

fn summary_number(keyword: Keyword, summary: &TraceSummary) -> Option<Option<f64>> {
    match keyword {
        Keyword::ResponseTime => Some(summary.response_time),
        Keyword::Duration => Some(summary.duration),
        Keyword::HttpStatus => Some(summary.http.status.map(|s| s as f64)),
        _ => None,
    }
}

fn summary_strings(keyword: Keyword, summary: &TraceSummary) -> Option<Vec<&str>> {
    let http = &summary.http;
    fn one(v: &Option<std::sync::Arc<str>>) -> Option<Vec<&str>> {
        Some(v.as_deref().into_iter().collect())
    }
    match keyword {
        Keyword::HttpUrl => one(&http.url),
        Keyword::HttpMethod => one(&http.method),
        Keyword::HttpUserAgent => one(&http.user_agent),
        Keyword::HttpClientIp => one(&http.client_ip),
        Keyword::User => Some(summary.users.iter().map(String::as_str).collect()),
        Keyword::Name => Some(
            summary
                .entry_point
                .iter()
                .map(|e| e.name.as_str())
                .collect(),
        ),
        Keyword::Type => Some(
            summary
                .entry_point
                .iter()
                .filter_map(|e| e.kind.as_deref())
                .filter(|k| !k.is_empty())
                .collect(),
        ),
        _ => None,
    }
}

fn compare_bool(value: bool, op: Op, wanted: bool) -> bool {
    match op {
        Op::Eq => value == wanted,
        Op::Ne => value != wanted,
        _ => false,
    }
}

fn compare_number(value: Option<f64>, op: Op, wanted: f64) -> bool {
    let Some(v) = value else {
        return op == Op::Ne;
    };
    match op {
        Op::Eq => v == wanted,
        Op::Ne => v != wanted,
        Op::Lt => v < wanted,
        Op::Le => v <= wanted,
        Op::Gt => v > wanted,
        Op::Ge => v >= wanted,
        Op::Contains | Op::BeginsWith | Op::EndsWith => false,
    }
}

fn compare_strings(values: &[&str], op: Op, wanted: &str) -> bool {
    match op {
        Op::Ne => !values.contains(&wanted),
        _ => values.iter().any(|v| compare_string(v, op, wanted)),
    }
}

fn compare_string(value: &str, op: Op, wanted: &str) -> bool {
    match op {
        Op::Eq => value == wanted,
        Op::Ne => value != wanted,
        Op::Contains => value.contains(wanted),
        Op::BeginsWith => value.starts_with(wanted),
        Op::EndsWith => value.ends_with(wanted),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => false,
    }
}

/// An annotation's values against a test; bare: set, and `true` when boolean.
fn annotation_test<'v>(
    mut values: impl Iterator<Item = &'v AnnotationValue>,
    test: Option<&(Op, Value)>,
) -> bool {
    let Some((op, wanted)) = test else {
        return values.any(|v| !matches!(v, AnnotationValue::Bool(false)));
    };
    let equal = |v: &AnnotationValue| match (v, wanted) {
        (AnnotationValue::Bool(a), Value::Bool(b)) => a == b,
        (AnnotationValue::Number(a), Value::Number(b)) => a == b,
        (AnnotationValue::String(a), Value::String(b)) => a == b,
        _ => false,
    };
    match op {
        Op::Eq => values.any(equal),
        Op::Ne => !values.any(equal),
        op if op.is_ordering() => values.any(|v| match (v, wanted) {
            (AnnotationValue::Number(a), Value::Number(b)) => compare_number(Some(*a), *op, *b),
            _ => false,
        }),
        op => values.any(|v| match (v, wanted) {
            (AnnotationValue::String(a), Value::String(b)) => compare_string(a, *op, b),
            _ => false,
        }),
    }
}

/// What simple keywords are read from.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Trace,
    Service(&'a ServiceVisit),
    Edge(ServiceCall, &'a ServiceVisit),
    RootCauseService {
        service: &'a RootCauseService,
        index: usize,
        count: usize,
    },
    RootCauseEntity {
        entity: &'a RootCauseEntity,
        index: usize,
        count: usize,
    },
    RootCauseException {
        exception: &'a RootCauseException,
        index: usize,
        count: usize,
    },
}

struct Context<'t> {
    trace: &'t Trace,
    summary: &'t TraceSummary,
    /// The index of `trace.root()`.
    root: Option<usize>,
    services: OnceCell<TraceServices>,
    exceptions: ExceptionIndex<'t>,
    causes: [OnceCell<Vec<RootCause>>; 3],
}

fn cause_slot(kind: RootCauseKind) -> usize {
    match kind {
        RootCauseKind::Fault => 0,
        RootCauseKind::Error => 1,
        RootCauseKind::ResponseTime => 2,
    }
}

impl<'t> Context<'t> {
    fn new(trace: &'t Trace, summary: &'t TraceSummary) -> Self {
        let root = trace
            .spans
            .iter()
            .position(|s| s.parent.is_none() && s.is_segment() && s.detached.is_none())
            .or((!trace.spans.is_empty()).then_some(0));
        Context {
            trace,
            summary,
            root,
            services: OnceCell::new(),
            exceptions: ExceptionIndex::new(trace),
            causes: Default::default(),
        }
    }

    fn services(&self) -> &TraceServices {
        self.services.get_or_init(|| TraceServices::of(self.trace))
    }

    fn causes(&self, kind: RootCauseKind) -> &[RootCause] {
        self.causes[cause_slot(kind)].get_or_init(|| root_cause::root_causes(self.trace, kind))
    }

    fn segment(&self, index: usize) -> &'t Segment {
        &self.trace.spans[index].segment
    }

    fn root_segment(&self) -> Option<&'t Segment> {
        self.root.map(|r| self.segment(r))
    }

    fn eval<'a>(&'a self, expr: &Expr, subject: Subject<'a>) -> bool {
        match &expr.kind {
            ExprKind::And(items) => items.iter().all(|e| self.eval(e, subject)),
            ExprKind::Or(items) => items.iter().any(|e| self.eval(e, subject)),
            ExprKind::Not(inner) => !self.eval(inner, subject),
            ExprKind::Bare(keyword) => match keyword.value_type() {
                KeywordType::Bool => self.flag(*keyword, subject),
                KeywordType::Number => self.number(*keyword, subject).is_some(),
                KeywordType::String => !self.strings(*keyword, subject).is_empty(),
            },
            ExprKind::Compare { keyword, op, value } => match value {
                Value::Bool(b) => compare_bool(self.flag(*keyword, subject), *op, *b),
                Value::Number(n) => compare_number(self.number(*keyword, subject), *op, *n),
                Value::String(s) => compare_strings(&self.strings(*keyword, subject), *op, s),
            },
            ExprKind::Annotation { key, test } => annotation_test(
                self.trace
                    .spans
                    .iter()
                    .filter_map(|s| s.segment.annotations.get(key)),
                test.as_ref(),
            ),
            ExprKind::Group { .. } => true,
            ExprKind::Service { selector, filter } => self.services().visits.iter().any(|visit| {
                selector.as_ref().is_none_or(|s| selects(s, visit))
                    && filter
                        .as_ref()
                        .is_none_or(|f| self.eval(f, Subject::Service(visit)))
            }),
            ExprKind::Edge { from, to, filter } => {
                let services = self.services();
                services.calls.iter().any(|call| {
                    let callee = &services.visits[call.to];
                    let caller_ok = match call.from {
                        Some(caller) => selects(from, &services.visits[caller]),
                        None => selects_client(from, callee),
                    };
                    caller_ok
                        && selects(to, callee)
                        && filter
                            .as_ref()
                            .is_none_or(|f| self.eval(f, Subject::Edge(*call, callee)))
                })
            }
            ExprKind::RootCause {
                kind,
                target,
                filter,
            } => {
                let test = |s: Subject<'a>| filter.as_ref().is_none_or(|f| self.eval(f, s));
                self.causes(*kind).iter().any(|cause| match target {
                    RootCauseTarget::Service => {
                        let count = cause.services.len();
                        cause.services.iter().enumerate().any(|(index, service)| {
                            test(Subject::RootCauseService {
                                service,
                                index,
                                count,
                            })
                        })
                    }
                    RootCauseTarget::Entity => {
                        let entities = cause.entities();
                        let count = entities.len();
                        entities.into_iter().enumerate().any(|(index, entity)| {
                            test(Subject::RootCauseEntity {
                                entity,
                                index,
                                count,
                            })
                        })
                    }
                    RootCauseTarget::Exception => cause.entities().into_iter().any(|entity| {
                        let count = entity.exceptions.len();
                        entity
                            .exceptions
                            .iter()
                            .enumerate()
                            .any(|(index, exception)| {
                                test(Subject::RootCauseException {
                                    exception,
                                    index,
                                    count,
                                })
                            })
                    }),
                })
            }
            ExprKind::RootCauseJson(json) => {
                let wanted = json.as_array().map(Vec::as_slice).unwrap_or(&[]);
                wanted.iter().all(|w| {
                    [
                        RootCauseKind::Fault,
                        RootCauseKind::Error,
                        RootCauseKind::ResponseTime,
                    ]
                    .into_iter()
                    .any(|kind| self.causes(kind).iter().any(|c| json_cause(w, c)))
                })
            }
        }
    }

    fn flag(&self, keyword: Keyword, subject: Subject<'_>) -> bool {
        let status = |s: &Segment| match keyword {
            Keyword::Fault => s.fault,
            Keyword::Error => s.error,
            Keyword::Throttle => s.throttle,
            Keyword::Ok => !s.fault && !s.error && !s.throttle,
            Keyword::Partial => s.in_progress,
            _ => false,
        };
        match subject {
            Subject::Trace => match keyword {
                Keyword::Throttle => self.trace.spans.iter().any(|s| s.segment.throttle),
                Keyword::Partial => self.summary.is_partial || self.trace.in_progress(),
                Keyword::Inferred => self.services().visits.iter().any(|v| v.inferred),
                _ => self.root_segment().is_some_and(status),
            },
            Subject::Service(visit) => match keyword {
                Keyword::Inferred => visit.inferred,
                Keyword::Root => visit.root,
                _ => status(self.segment(visit.span)),
            },
            Subject::Edge(call, callee) => match keyword {
                Keyword::Inferred => callee.inferred,
                _ => status(self.segment(call.measured)),
            },
            Subject::RootCauseService {
                service,
                index,
                count,
            } => match keyword {
                Keyword::Inferred => service.inferred,
                Keyword::Root => service.root,
                _ => position(keyword, index, count),
            },
            Subject::RootCauseEntity {
                entity,
                index,
                count,
            } => match keyword {
                Keyword::Remote => entity.remote,
                _ => position(keyword, index, count),
            },
            Subject::RootCauseException { index, count, .. } => position(keyword, index, count),
        }
    }

    fn number(&self, keyword: Keyword, subject: Subject<'_>) -> Option<f64> {
        let of_segment = |s: &Segment| match keyword {
            Keyword::ResponseTime | Keyword::Duration => s.duration(),
            Keyword::HttpStatus => s.http_status().map(|n| n as f64),
            _ => None,
        };
        match subject {
            Subject::Trace => match keyword {
                Keyword::Duration => {
                    if self.trace.in_progress() {
                        None
                    } else {
                        self.trace.duration()
                    }
                }
                _ => self.root_segment().and_then(of_segment),
            },
            Subject::Service(visit) => of_segment(self.segment(visit.span)),
            Subject::Edge(call, _) => of_segment(self.segment(call.measured)),
            Subject::RootCauseService { service, index, .. } => match keyword {
                Keyword::Index => Some(index as f64),
                Keyword::Coverage => service.entity_path.first().and_then(|e| e.coverage),
                _ => None,
            },
            Subject::RootCauseEntity { entity, index, .. } => match keyword {
                Keyword::Index => Some(index as f64),
                Keyword::Coverage => entity.coverage,
                _ => None,
            },
            Subject::RootCauseException { index, .. } => {
                (keyword == Keyword::Index).then_some(index as f64)
            }
        }
    }

    fn strings<'a>(&'a self, keyword: Keyword, subject: Subject<'a>) -> Vec<&'a str> {
        match subject {
            Subject::Trace => match keyword {
                Keyword::User => self
                    .trace
                    .spans
                    .iter()
                    .filter_map(|s| s.segment.user.as_deref())
                    .collect(),
                Keyword::AvailabilityZone | Keyword::InstanceId | Keyword::ResourceArn => self
                    .trace
                    .spans
                    .iter()
                    .filter_map(|s| segment_string(&s.segment, keyword))
                    .collect(),
                Keyword::Name | Keyword::Type => {
                    let Some(root) = self.root else {
                        return Vec::new();
                    };
                    match self.services().visits.iter().find(|v| v.span == root) {
                        Some(visit) => node_string(visit, keyword).into_iter().collect(),
                        None if keyword == Keyword::Name => vec![self.segment(root).name()],
                        None => Vec::new(),
                    }
                }
                Keyword::Message => self.root.map_or(Vec::new(), |r| self.messages_within(r)),
                _ => self
                    .root_segment()
                    .and_then(|s| segment_string(s, keyword))
                    .into_iter()
                    .collect(),
            },
            Subject::Service(visit) => match keyword {
                Keyword::Name | Keyword::Type => node_string(visit, keyword).into_iter().collect(),
                Keyword::Message => self.messages_within(visit.span),
                _ => segment_string(self.segment(visit.span), keyword)
                    .into_iter()
                    .collect(),
            },
            Subject::Edge(call, _) => match keyword {
                Keyword::Message => self.messages(call.measured),
                _ => segment_string(self.segment(call.measured), keyword)
                    .into_iter()
                    .collect(),
            },
            Subject::RootCauseService { service, .. } => match keyword {
                Keyword::Name => vec![service.name.as_str()],
                Keyword::Type if !service.kind.is_empty() => vec![service.kind.as_str()],
                _ => Vec::new(),
            },
            Subject::RootCauseEntity { entity, .. } => match keyword {
                Keyword::Name => vec![entity.name.as_str()],
                _ => Vec::new(),
            },
            Subject::RootCauseException { exception, .. } => match keyword {
                Keyword::Name | Keyword::Type if !exception.name.is_empty() => {
                    vec![exception.name.as_str()]
                }
                Keyword::Message => vec![exception.message.as_str()],
                _ => Vec::new(),
            },
        }
    }

    /// Exception messages recorded on one span.
    fn messages(&self, index: usize) -> Vec<&'t str> {
        self.exceptions
            .of(index)
            .into_iter()
            .filter_map(|e| e.message.as_deref())
            .collect()
    }

    /// Exception messages of a span and of the subsegments of the same service below it
    /// (segments below belong to other services: their subtrees are skipped, so evaluating
    /// every service of a trace reads each span once).
    fn messages_within(&self, index: usize) -> Vec<&'t str> {
        let spans = &self.trace.spans;
        let end = (index + spans[index].subtree_len as usize).min(spans.len());
        let mut out = Vec::new();
        let mut i = index;
        while i < end {
            if i != index && spans[i].is_segment() {
                i += spans[i].subtree_len.max(1) as usize;
                continue;
            }
            for message in self.messages(i) {
                if !out.contains(&message) {
                    out.push(message);
                }
            }
            i += 1;
        }
        out
    }
}

/// `first`, `last` in an enumerated list.
fn position(keyword: Keyword, index: usize, count: usize) -> bool {
    match keyword {
        Keyword::First => index == 0,
        Keyword::Last => index + 1 == count,
        _ => false,
    }
}

fn node_string(visit: &ServiceVisit, keyword: Keyword) -> Option<&str> {
    match keyword {
        Keyword::Name => Some(visit.node.name.as_str()),
        Keyword::Type => Some(visit.node.kind.as_str()).filter(|k| !k.is_empty()),
        _ => None,
    }
}

/// A string field of one segment.
fn segment_string(segment: &Segment, keyword: Keyword) -> Option<&str> {
    let request = segment.http.as_ref().and_then(|h| h.request.as_ref());
    let ec2 = |field: &str| segment.aws.as_ref()?.ec2.as_ref()?.get(field)?.as_str();
    match keyword {
        Keyword::HttpUrl => request?.url.as_deref(),
        Keyword::HttpMethod => request?.method.as_deref(),
        Keyword::HttpUserAgent => request?.user_agent.as_deref(),
        Keyword::HttpClientIp => request?.client_ip.as_deref(),
        Keyword::User => segment.user.as_deref(),
        Keyword::Name => segment.name.as_deref(),
        Keyword::AvailabilityZone => ec2("availability_zone"),
        Keyword::InstanceId => ec2("instance_id"),
        Keyword::ResourceArn => segment.resource_arn.as_deref(),
        _ => None,
    }
}

fn selects(selector: &Selector, visit: &ServiceVisit) -> bool {
    selector.name().is_none_or(|n| n == visit.node.name)
        && selector.kind().is_none_or(|k| k == visit.node.kind)
        && selector
            .account_id()
            .is_none_or(|a| visit.account_id.as_deref() == Some(a))
}

/// The client node before an entry point: named after it, type `client`. Only an explicit
/// `id(type: "client")` selects it (a plain name would also match the entry point itself).
fn selects_client(selector: &Selector, callee: &ServiceVisit) -> bool {
    selector.kind() == Some("client")
        && selector.name().is_none_or(|n| n == callee.node.name)
        && selector.account_id().is_none()
}

fn json_cause(wanted: &Json, cause: &RootCause) -> bool {
    let Some(object) = wanted.as_object() else {
        return false;
    };
    match object.get("Services") {
        None => true,
        Some(Json::Array(services)) => {
            services.len() == cause.services.len()
                && services
                    .iter()
                    .zip(&cause.services)
                    .all(|(w, s)| json_service(w, s))
        }
        Some(_) => false,
    }
}

fn json_text(object: &serde_json::Map<String, Json>, key: &str, actual: Option<&str>) -> bool {
    match object.get(key) {
        None | Some(Json::Null) => true,
        Some(Json::String(s)) => actual == Some(s.as_str()),
        Some(_) => false,
    }
}

fn json_flag(object: &serde_json::Map<String, Json>, key: &str, actual: bool) -> bool {
    match object.get(key) {
        None | Some(Json::Null) => true,
        Some(Json::Bool(b)) => *b == actual,
        Some(_) => false,
    }
}

fn json_list<T>(
    object: &serde_json::Map<String, Json>,
    key: &str,
    actual: &[T],
    each: fn(&Json, &T) -> bool,
) -> bool {
    match object.get(key) {
        None | Some(Json::Null) => true,
        Some(Json::Array(items)) => {
            items.len() == actual.len() && items.iter().zip(actual).all(|(w, a)| each(w, a))
        }
        Some(_) => false,
    }
}

fn json_service(wanted: &Json, service: &RootCauseService) -> bool {
    let Some(o) = wanted.as_object() else {
        return false;
    };
    json_text(o, "Name", Some(&service.name))
        && json_text(o, "Type", Some(&service.kind))
        && json_text(o, "AccountId", service.account_id.as_deref())
        && json_flag(o, "Inferred", service.inferred)
        && json_list(o, "EntityPath", &service.entity_path, json_entity)
}

fn json_entity(wanted: &Json, entity: &RootCauseEntity) -> bool {
    let Some(o) = wanted.as_object() else {
        return false;
    };
    json_text(o, "Name", Some(&entity.name))
        && json_flag(o, "Remote", entity.remote)
        && json_list(o, "Exceptions", &entity.exceptions, json_exception)
}

fn json_exception(wanted: &Json, exception: &RootCauseException) -> bool {
    let Some(o) = wanted.as_object() else {
        return false;
    };
    json_text(o, "Name", Some(&exception.name)) && json_text(o, "Message", Some(&exception.message))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
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

    fn check(t: &Trace, src: &str) -> bool {
        let summary = TraceSummary::of_trace(t);
        matches(&parse(src).unwrap(), t, &summary)
    }

    /// front (ok, 200) → back-call → back (fault, 500); front → DynamoDB (throttle, inferred).
    fn sample() -> Trace {
        trace(&[
            r#"{"id":"a","name":"front","origin":"AWS::EC2::Instance","trace_id":"1-00000000-000000000000000000000000",
                "start_time":0,"end_time":2,"user":"alice",
                "http":{"request":{"method":"GET","url":"https://shop/cart"},"response":{"status":200}},
                "annotations":{"tier":"gold","items":3,"cached":false},
                "aws":{"ec2":{"availability_zone":"eu-west-1a","instance_id":"i-1"}},
                "subsegments":[
                {"id":"c","name":"back-call","namespace":"remote","start_time":0.1,"end_time":1.5,"fault":true},
                {"id":"d","name":"DynamoDB","namespace":"aws","start_time":1.5,"end_time":1.6,
                 "throttle":true,"error":true,"aws":{"table_name":"stock"}}]}"#,
            r#"{"id":"b","name":"back","origin":"AWS::Lambda::Function","parent_id":"c",
                "trace_id":"1-00000000-000000000000000000000000","start_time":0.2,"end_time":1.4,
                "fault":true,"http":{"response":{"status":500}},
                "cause":{"exceptions":[{"id":"x","type":"KeyError","message":"no such key"}]}}"#,
        ])
    }

    #[test]
    fn trace_level_keywords_read_the_root() {
        let t = sample();
        assert!(!check(&t, "fault"));
        assert!(check(&t, "!fault AND throttle"));
        assert!(check(&t, "ok"), "the root answered 200");
        assert!(check(&t, "http.status = 200 AND http.method = \"GET\""));
        assert!(check(&t, "responsetime = 2 AND duration >= 2"));
        assert!(check(&t, "user = \"alice\" AND user != \"bob\" AND user"));
        assert!(check(
            &t,
            "name = \"front\" AND type = \"AWS::EC2::Instance\""
        ));
        assert!(check(
            &t,
            "availabilityzone = \"eu-west-1a\" AND instance.id BEGINSWITH \"i-\""
        ));
        assert!(check(&t, "inferred"));
        assert!(!check(&t, "partial"));
        assert!(check(&t, "group.name = \"anything\""));
        assert!(!check(&t, "message"));
    }

    #[test]
    fn annotations_by_type() {
        let t = sample();
        assert!(check(
            &t,
            "annotation.tier = \"gold\" AND annotation.items > 2"
        ));
        assert!(!check(&t, "annotation.items = \"3\""));
        assert!(check(&t, "annotation.tier AND annotation.items"));
        assert!(!check(&t, "annotation.cached"), "a false boolean is false");
        assert!(check(
            &t,
            "annotation.cached = false AND !annotation.missing"
        ));
        assert!(check(&t, "annotation.missing != 1"));
    }

    #[test]
    fn services_and_edges() {
        let t = sample();
        assert!(check(
            &t,
            "service(\"back\") { fault AND http.status = 500 }"
        ));
        assert!(check(&t, "service() { fault }"));
        assert!(!check(&t, "service(\"front\") { fault }"));
        assert!(check(
            &t,
            "service(\"front\") { root } AND !service(\"back\") { root }"
        ));
        assert!(check(
            &t,
            "service(id(type: \"AWS::DynamoDB::Table\")) { throttle AND inferred }"
        ));
        assert!(check(&t, "service(\"stock\")"));
        assert!(check(&t, "service(\"back\") { message CONTAINS \"key\" }"));
        assert!(check(
            &t,
            "edge(\"front\", \"back\") { fault AND responsetime > 1.3 }"
        ));
        assert!(!check(&t, "edge(\"back\", \"front\")"));
        assert!(check(&t, "edge(\"front\", id(name: \"stock\")) { error }"));
        assert!(check(&t, "edge(id(type: \"client\"), \"front\") { ok }"));
        assert!(!check(&t, "edge(\"front\", \"front\")"));
    }

    #[test]
    fn root_causes() {
        let t = sample();
        assert!(check(
            &t,
            "rootcause.fault.service { last AND name = \"back\" AND index = 1 }"
        ));
        assert!(check(
            &t,
            "rootcause.fault.entity { last AND name = \"back\" }"
        ));
        assert!(check(
            &t,
            "rootcause.fault.entity { remote AND name = \"back-call\" }"
        ));
        assert!(check(
            &t,
            "rootcause.fault.exception { name = \"KeyError\" AND first AND last }"
        ));
        assert!(check(
            &t,
            "rootcause.error.service { last AND type = \"AWS::DynamoDB::Table\" }"
        ));
        assert!(check(
            &t,
            "rootcause.responsetime.entity { last AND name = \"back\" AND coverage > 0.5 }"
        ));
        assert!(!check(
            &t,
            "rootcause.responsetime.service { coverage > 0.99 AND !root }"
        ));
        assert!(check(
            &t,
            r#"rootcause.json = #[{"Services":[{"Name":"front","EntityPath":[{"Name":"front"},{"Name":"back-call","Remote":true}]},{"Name":"back","Type":"AWS::Lambda::Function"}]}]"#
        ));
        assert!(!check(
            &t,
            r#"rootcause.json = #[{"Services":[{"Name":"back"}]}]"#
        ));
    }

    #[test]
    fn summary_alone() {
        let t = sample();
        let s = TraceSummary::of_trace(&t);
        let answer = |src: &str| matches_summary(&parse(src).unwrap(), &s);
        assert_eq!(answer("http.status = 200"), Some(true));
        assert_eq!(answer("service(\"x\")"), None);
        assert_eq!(answer("http.status = 404 AND service(\"x\")"), Some(false));
        assert_eq!(answer("http.status = 200 OR service(\"x\")"), Some(true));
        assert_eq!(answer("annotation.tier = \"gold\""), Some(true));
        assert_eq!(answer("message"), None);
        assert_eq!(answer("group.arn = \"arn\""), Some(true));
    }

    #[test]
    fn empty_trace_never_panics() {
        let t = Trace::default();
        let s = TraceSummary::default();
        for src in [
            "ok",
            "fault",
            "message",
            "name",
            "duration > 1",
            "service() { ok }",
            "edge(\"a\", \"b\")",
            "rootcause.responsetime.entity { coverage > 0 }",
            "rootcause.json = #[{}]",
        ] {
            let _ = matches(&parse(src).unwrap(), &t, &s);
        }
    }
}
