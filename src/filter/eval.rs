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

mod compare;
mod fields;
mod root_cause_json;
mod summary;
#[cfg(test)]
mod tests;

use std::cell::OnceCell;

use super::ast::{Expr, ExprKind, KeywordType, RootCauseTarget, Selector, Value};
use crate::model::root_cause::{
    self, ExceptionIndex, RootCause, RootCauseEntity, RootCauseException, RootCauseKind,
    RootCauseService, ServiceCall, ServiceVisit, TraceServices,
};
use crate::model::segment::Segment;
use crate::model::{Trace, TraceSummary};
use compare::{annotation_test, compare_bool, compare_number, compare_strings};
use root_cause_json::json_cause;

pub use summary::matches_summary;

/// Whether the trace matches the expression.
pub fn matches(expr: &Expr, trace: &Trace, summary: &TraceSummary) -> bool {
    Context::new(trace, summary).eval(expr, Subject::Trace)
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
