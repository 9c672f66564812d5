//! Service identity, exactly as the service graph counts nodes and edges.

use std::collections::HashMap;

use super::{NodeName, account_id, inferred_key};
use crate::model::trace::{SpanKind, Trace};

/// The node of span `index` when it is a segment, or of the span itself otherwise (used for
/// subsegments detached from their parents, which the graph shows as nodes of their own).
pub fn node_key(trace: &Trace, index: usize) -> NodeName {
    crate::model::graph::node_key(&trace.spans[index])
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
        let calls = crate::model::graph::calls_to_inferred_services(trace);
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
